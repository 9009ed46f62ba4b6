"""
The picture a provider names for an embed (oEmbed's `thumbnail_url`), shown on the
placeholder. Fetched once, with the answer, and only from the origins the provider
lists (`thumbnails` in NEWSROOM_EMBED_PROVIDERS: the provider's answer cannot send
the server anywhere else, redirects included); checked as an upload is
(photos/uploads.py) and re-encoded by the renditions' code (photos/renditions.py),
so that readers get a small JPEG from this site without the provider's metadata,
and no request reaches the provider until they ask for the embed.

Stored under a random name: the address of a draft's embed cannot be guessed.
"""

import io
import logging
import secrets
import urllib.error
import urllib.request

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from photos import renditions, uploads

from . import cleaning

logger = logging.getLogger(__name__)

# As big as a provider's thumbnail ever is, and as big as the placeholder needs.
MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
WIDTH = 640
FOLDER = "embeds"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an answer we do not follow


_opener = urllib.request.build_opener(_NoRedirects)


def download(url, provider):
    """The bytes at `url` if its origin is one `provider` lists for thumbnails and
    it answers within the embed timeout and size; else None."""
    if not url or cleaning.origin(url) not in provider.thumbnails:
        return None
    request = urllib.request.Request(url, headers={"User-Agent": "Newsroom"})
    try:
        with _opener.open(request, timeout=settings.NEWSROOM_EMBED_TIMEOUT) as answer:
            if answer.status != 200:
                return None
            data = answer.read(MAX_BYTES + 1)
    except (OSError, ValueError):  # URLError and HTTPError are OSErrors
        return None
    return data if len(data) <= MAX_BYTES else None


def store(data):
    """(storage name, width, height) of `data` (a picture's bytes) checked and
    re-encoded as a JPEG at most WIDTH wide, or None if it is not a picture we
    accept."""
    source = io.BytesIO(data)
    try:
        info = uploads.inspect(source, max_bytes=MAX_BYTES, max_pixels=MAX_PIXELS)
    except ValidationError:
        return None
    spec = renditions.SPECS["preview"]  # its own shape, uncropped
    width = min(WIDTH, info.width)
    jpeg = renditions.render(source, spec, width, (0.5, 0.5), "jpg")
    size = renditions.output_size((info.width, info.height), None, (0.5, 0.5), width)
    try:
        name = default_storage.save(
            f"{FOLDER}/{secrets.token_hex(16)}.jpg", ContentFile(jpeg)
        )
    except OSError:
        # A full disk or a storage that refused: no picture, never an error.
        logger.exception("Could not keep an embed's thumbnail")
        return None
    return name, *size


def refresh(embed, provider):
    """Give `embed` the thumbnail its answer names, if it can be had, and return
    the storage name of the one it replaces (to delete once the embed is saved);
    keep the one it has otherwise (a provider whose picture is down takes nothing
    away)."""
    data = download(embed.thumbnail_url, provider)
    stored = store(data) if data else None
    if stored is None:
        return None
    old = embed.thumbnail.name
    embed.thumbnail.name, embed.thumbnail_width, embed.thumbnail_height = stored
    return old or None
