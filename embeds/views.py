from django.http import FileResponse, Http404
from django.views.decorators.http import require_safe

from .models import Embed
from .thumbnails import FOLDER


@require_safe
def thumbnail(request, name):
    """An embed's thumbnail as this site keeps it (thumbnails.py): a JPEG under a
    random name that never changes, so any cache may keep it for good."""
    embed = Embed.objects.filter(thumbnail=f"{FOLDER}/{name}.jpg").first()
    if embed is None:
        raise Http404("No such picture.")
    try:
        picture = embed.thumbnail.open("rb")
    except FileNotFoundError:
        raise Http404("No such picture.") from None
    response = FileResponse(picture, content_type="image/jpeg")
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
