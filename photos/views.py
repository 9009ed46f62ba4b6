"""Pictures served: renditions to readers of pages that show them, originals to the
photo desk."""

from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_GET
from django.views.static import serve as static_serve

from . import rendition_files, renditions
from .models import Image
from .uses import picture_uses


@require_GET
def image_rendition(request, pk, version, spec, width, fmt):
    """One rendition of an image, made on first request.

    Readers get only images that a public page shows, cached for a year by browsers
    and NEWSROOM_PICTURE_SHARED_SECONDS by shared caches; staff get any (admin
    thumbnails, previews), never cached by anything shared.
    """
    spec = renditions.SPECS.get(spec)
    if spec is None or fmt not in renditions.FORMATS:
        raise Http404("No such rendition.")
    image = Image.objects.public().filter(pk=pk).first()
    is_public = image is not None
    if not is_public:
        candidate = Image.objects.filter(pk=pk).first()
        if candidate and (
            request.user.has_perm("photos.view_image")
            or picture_uses().previewed(request, candidate)
        ):
            image = candidate
    if image is None or width not in image.rendition_widths(spec):
        raise Http404("No such rendition.")
    if version != image.rendition_version:
        # The file or focal point changed since the page was rendered: the new crop.
        return HttpResponseRedirect(image.get_rendition_url(spec, width, fmt))
    response = FileResponse(
        rendition_files.open_rendition(image=image, spec=spec, width=width, fmt=fmt),
        content_type=renditions.FORMATS[fmt][1],
    )
    if is_public:
        keep_public_picture(response)
    else:
        response["Cache-Control"] = "private, no-store"
    return response


def keep_public_picture(response):
    """Let caches keep `response`, a public picture whose URL names its version (a
    rendition, an embed's thumbnail): the bytes behind it never change, so browsers
    keep them a year. Shared caches (Varnish, a CDN), which no purge reaches here,
    for NEWSROOM_PICTURE_SHARED_SECONDS: a picture deleted, or no longer shown by a
    public page, then leaves the edge too."""
    response["Cache-Control"] = (
        "public, max-age=31536000, immutable, "
        f"s-maxage={settings.NEWSROOM_PICTURE_SHARED_SECONDS}"
    )


# Uploads are stored under these extensions only (see uploads.safe_name); nothing else
# in the media folder is served, whatever it is called.
MEDIA_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "gif": "image/gif",
    "avif": "image/avif",
}


def media_file(request, path):
    """Uploads as stored (SERVE_MEDIA, or behind nginx): for staff who may view images.

    Readers never need an original: pages show renditions (/images/…), re-encoded
    without the camera's metadata, while an original keeps its GPS position and the
    camera's serial number. Renditions' own files are not for readers either: they are
    served through image_rendition, which checks the picture is public. Always sent as
    an image, never as a page that could run script.
    """
    content_type = MEDIA_TYPES.get(path.rsplit(".", 1)[-1].lower())
    segments = path.split("/")
    if (
        content_type is None
        # No stored name holds NUL or climbs out of the folder ("..").
        or "\x00" in path
        or any(segment in {"", ".", ".."} for segment in segments)
        or not request.user.has_perm("photos.view_image")
    ):
        raise Http404("No such file.")
    accel_redirect = settings.NEWSROOM_MEDIA_ACCEL_REDIRECT
    if accel_redirect:
        # nginx in front sends the file from disk, to whom the app has let through.
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = accel_redirect + quote(path)
    else:
        try:
            response = static_serve(request, path, document_root=settings.MEDIA_ROOT)
        except OSError:  # a name too long for the file system, say
            raise Http404("No such file.") from None
        response["Content-Type"] = content_type
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
