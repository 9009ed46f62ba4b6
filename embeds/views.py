from django.http import FileResponse, Http404
from django.views.decorators.http import require_safe

from photos.views import keep_public_picture

from .models import Embed
from .thumbnails import FOLDER


@require_safe
def thumbnail(request, name):
    """An embed's thumbnail as this site keeps it (thumbnails.py): a JPEG under a
    random name that never changes, kept as a rendition is: the embed deleted (a
    takedown's, say), it leaves shared caches within NEWSROOM_PICTURE_SHARED_SECONDS
    (a day unless set), not a year."""
    embed = Embed.objects.filter(thumbnail=f"{FOLDER}/{name}.jpg").first()
    if embed is None:
        raise Http404("No such picture.")
    try:
        picture = embed.thumbnail.open("rb")
    except FileNotFoundError:
        raise Http404("No such picture.") from None
    response = FileResponse(picture, content_type="image/jpeg")
    keep_public_picture(response)
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
