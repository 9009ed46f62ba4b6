import re

from django.conf import settings
from django.urls import path, re_path

from . import views

app_name = "photos"

urlpatterns = [
    path(
        "images/<int:pk>/<slug:version>/<slug:spec>-<int:width>.<slug:fmt>",
        views.image_rendition,
        name="rendition",
    ),
]

# Uploads go through the app's check, whether the app sends them or nginx does.
serves_media = settings.SERVE_MEDIA or settings.NEWSROOM_MEDIA_ACCEL_REDIRECT
if serves_media and settings.MEDIA_URL.startswith("/"):
    urlpatterns.append(
        re_path(
            rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.*)$",
            views.media_file,
            name="media",
        )
    )
