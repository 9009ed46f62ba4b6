from django.contrib import admin
from django.urls import path

from . import views

app_name = "accounts"

# Admin pages: staff only, never cached, and a login for anyone else.
urlpatterns = [
    path("", admin.site.admin_view(views.two_factor), name="two_factor"),
    path(
        "qr-code.svg",
        admin.site.admin_view(views.two_factor_qr_code),
        name="two_factor_qr_code",
    ),
]
