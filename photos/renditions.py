"""
Crop geometry and Pillow work for image renditions. No ORM, no storage: plain
functions from a picture and a spec to bytes, so they are easy to test and reuse.

A spec names an aspect ratio and the widths a page may ask for. Every crop is the
largest box of that ratio inside the picture, placed so that the focal point sits as
near its middle as the picture's edges allow: the subject is always in frame.
"""

import io
from dataclasses import dataclass

from PIL import ExifTags, Image, ImageCms, ImageOps

# EXIF orientations that turn the picture a quarter turn: width and height swap.
QUARTER_TURNS = {5, 6, 7, 8}


@dataclass(frozen=True)
class Spec:
    name: str
    ratio: tuple[int, int] | None  # None keeps the picture's own shape
    widths: tuple[int, ...]


SPECS = {
    spec.name: spec
    for spec in [
        Spec("lead", (16, 9), (480, 800, 1200, 1600, 2000)),
        Spec("card", (4, 3), (320, 480, 640, 960)),
        Spec("square", (1, 1), (160, 320, 640)),
        Spec("headshot", (1, 1), (160, 320, 480)),
        # The whole picture, uncropped: the library's thumbnails and focal picker.
        Spec("preview", None, (160, 320, 640, 960)),
        # Pictures placed in a story's body keep their own shape.
        Spec("inline", None, (480, 800, 1200, 1600)),
    ]
}

# Format name in URLs -> (Pillow format, MIME type, save options). Saving never passes
# the source's EXIF or ICC data along, so camera serials and GPS positions stay behind.
FORMATS = {
    "avif": ("AVIF", "image/avif", {"quality": 50, "speed": 6}),
    "webp": ("WEBP", "image/webp", {"quality": 72, "method": 4}),
    "jpg": (
        "JPEG",
        "image/jpeg",
        {"quality": 80, "optimize": True, "progressive": True},
    ),
}


# The longest side every format above can encode: WebP's limit (JPEG stops at 65,500
# and AVIF at 65,536). A rendition of a very tall picture is scaled down to fit.
MAX_SIDE = 16383


def display_size(source):
    """The (width, height) of a picture as it is shown: after its EXIF orientation."""
    with Image.open(source) as picture:
        width, height = picture.size
        orientation = picture.getexif().get(ExifTags.Base.Orientation)
    return (height, width) if orientation in QUARTER_TURNS else (width, height)


def crop_box(size, ratio, focal):
    """The (left, top, right, bottom) box of `ratio` around the `focal` point."""
    width, height = size
    if ratio is None:
        return (0, 0, width, height)
    ratio_w, ratio_h = ratio
    crop_w = min(width, round(height * ratio_w / ratio_h))
    crop_h = min(height, round(width * ratio_h / ratio_w))
    focal_x, focal_y = focal
    left = min(max(round(focal_x * width - crop_w / 2), 0), width - crop_w)
    top = min(max(round(focal_y * height - crop_h / 2), 0), height - crop_h)
    return (left, top, left + crop_w, top + crop_h)


def output_size(size, ratio, focal, width):
    """The pixel size of a rendition `width` wide; never larger than the crop, nor
    than any format can encode (MAX_SIDE)."""
    left, top, right, bottom = crop_box(size, ratio, focal)
    crop_w, crop_h = right - left, bottom - top
    out_w = min(width, crop_w, MAX_SIDE)
    out_h = max(1, round(crop_h * out_w / crop_w))
    if out_h > MAX_SIDE:
        # Narrower, to keep the shape; a strip a pixel wide stays one pixel wide.
        out_w, out_h = max(1, round(out_w * MAX_SIDE / out_h)), MAX_SIDE
    return out_w, out_h


def available_widths(size, spec, focal):
    """The spec's widths this picture can fill, plus the crop's own width if smaller."""
    crop_w = output_size(size, spec.ratio, focal, 10**9)[0]
    widths = [w for w in spec.widths if w <= crop_w]
    return widths or [crop_w]


def to_srgb(picture):
    """The picture in sRGB, the colours every browser assumes, if it carries another
    colour profile (Adobe RGB, Display P3, a printer's CMYK)."""
    profile = picture.info.get("icc_profile")
    if not profile or picture.mode not in {"RGB", "RGBA", "CMYK"}:
        return picture
    try:
        return ImageCms.profileToProfile(
            picture,
            ImageCms.ImageCmsProfile(io.BytesIO(profile)),
            ImageCms.createProfile("sRGB"),
            outputMode="RGBA" if picture.mode == "RGBA" else "RGB",
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        return picture  # a broken profile: keep the pixels as they are


def to_rgb(picture):
    """8-bit sRGB of any picture Pillow opens: transparency laid on white, 16-bit grey
    scaled down rather than clipped, CMYK, palettes and colour profiles converted."""
    picture = to_srgb(picture)
    if picture.mode in {"I;16", "I;16B", "I;16L", "I"}:
        return picture.convert("I").point(lambda value: value / 256).convert("RGB")
    if picture.mode in {"RGBA", "LA", "PA"} or "transparency" in picture.info:
        picture = picture.convert("RGBA")
        background = Image.new("RGB", picture.size, (255, 255, 255))
        background.paste(picture, mask=picture.getchannel("A"))
        return background
    return picture.convert("RGB")


def render(source, spec, width, focal, fmt):
    """Bytes of `source` (a file object) cropped to `spec` and scaled to `width`.

    Animated pictures give their first frame. Nothing of the source's metadata (EXIF,
    GPS, camera serials, XMP, ICC) is written out.
    """
    pillow_format, _, options = FORMATS[fmt]
    with Image.open(source) as picture:
        turned = picture.getexif().get(ExifTags.Base.Orientation) in QUARTER_TURNS
        shown = picture.size[::-1] if turned else picture.size
        box = crop_box(shown, spec.ratio, focal)
        size = output_size(shown, spec.ratio, focal, width)
        if picture.format == "JPEG":
            # Decode at 1/2, 1/4 or 1/8 scale when that still covers the output: a
            # 6000 px photo need not be decoded whole for a 480 px rendition.
            scale = size[0] / (box[2] - box[0])
            picture.draft(
                "RGB", (int(picture.width * scale) + 1, int(picture.height * scale) + 1)
            )
        picture = to_rgb(ImageOps.exif_transpose(picture))
        factor_x, factor_y = picture.width / shown[0], picture.height / shown[1]
        box = (
            box[0] * factor_x,
            box[1] * factor_y,
            box[2] * factor_x,
            box[3] * factor_y,
        )
        picture = picture.resize(size, Image.Resampling.LANCZOS, box=box)
        picture.info.clear()  # no EXIF, XMP or ICC profile may travel on
    buffer = io.BytesIO()
    picture.save(buffer, pillow_format, **options)
    return buffer.getvalue()
