"""A URLconf with a view that fails, to see the 500 page."""

from django.urls import path


def broken_view(request):
    raise RuntimeError("A deliberate failure")


urlpatterns = [path("boom/", broken_view)]
