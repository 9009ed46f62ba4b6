from django.urls import re_path

from . import views

app_name = "embeds"

urlpatterns = [
    re_path(r"^embeds/(?P<name>[0-9a-f]{32})\.jpg$", views.thumbnail, name="thumbnail"),
]
