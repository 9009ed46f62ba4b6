"""
Checks an uploaded picture before anything is stored, and reads what a wire photo
carries with it (IPTC and XMP captions, credits, rights).

The content decides, never the name: a file is a picture only if Pillow recognises it as
one of the accepted formats, its header is sound and every pixel decodes. No ORM and no
storage here; the admin form calls `inspect` in its clean step, so a refused upload
leaves nothing behind.
"""

import hashlib
import re
import warnings
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeElementTree
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import ExifTags, Image, IptcImagePlugin, UnidentifiedImageError

from .renditions import QUARTER_TURNS

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "AVIF"}
FORMAT_NAMES = "JPEG, PNG, WebP, GIF or AVIF"
# A picture longer than this many times its width (or wider than its height) is a
# strip no page can use: its crops are a few pixels across, and its uncropped
# renditions taller than WebP can encode.
MAX_ASPECT_RATIO = 20


@dataclass
class UploadInfo:
    format: str
    width: int
    height: int
    content_hash: str
    metadata: dict = field(default_factory=dict)


def inspect(upload, *, max_bytes, max_pixels):
    """Check `upload` (a file object) and describe it, or raise ValidationError."""
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > max_bytes:
        raise ValidationError(
            _("The file is %(size)s; pictures may be at most %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(max_bytes)},
            code="too_large",
        )
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: upload.read(1 << 20), b""):
        digest.update(chunk)

    too_many_pixels = ValidationError(
        _("The picture has more pixels than the %(limit)s million we accept.")
        % {"limit": round(max_pixels / 1e6, 1)},
        code="too_many_pixels",
    )
    try:
        with warnings.catch_warnings():
            # Pillow warns, then refuses, past its own pixel limit: both are refusals.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload) as picture:
                picture_format = picture.format
                width, height = picture.size
                if picture_format not in ACCEPTED_FORMATS:
                    raise UnidentifiedImageError(picture_format)
                if width * height > max_pixels:
                    raise too_many_pixels
                picture.verify()
            # verify() leaves the picture unusable; decode every pixel of a fresh copy
            # to catch truncated and corrupt data.
            upload.seek(0)
            with Image.open(upload) as picture:
                picture.load()
                orientation = picture.getexif().get(ExifTags.Base.Orientation)
                metadata = read_metadata(picture)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_many_pixels from None
    except UnidentifiedImageError:
        raise ValidationError(
            _("This file is not a picture we can use. Upload a %(formats)s image.")
            % {"formats": FORMAT_NAMES},
            code="not_an_image",
        ) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise ValidationError(
            _("The picture is damaged or incomplete; export it again and re-upload."),
            code="corrupt",
        ) from None
    finally:
        upload.seek(0)

    if orientation in QUARTER_TURNS:
        width, height = height, width
    if max(width, height) > MAX_ASPECT_RATIO * min(width, height):
        raise ValidationError(
            _(
                "The picture is %(width)s × %(height)s pixels: one side is more than "
                "%(ratio)s times the other, too narrow a strip for any page. Crop it "
                "to a less extreme shape and upload it again."
            )
            % {
                "width": f"{width:,}",
                "height": f"{height:,}",
                "ratio": MAX_ASPECT_RATIO,
            },
            code="extreme_shape",
        )
    return UploadInfo(picture_format, width, height, digest.hexdigest(), metadata)


# The extension a stored file gets comes from its content, never from its name: a GIF
# named "x.html" is stored as ".gif" and served as an image.
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif", "AVIF": "avif"}


def safe_name(original_name, picture_format):
    """The upload's name with the extension its content calls for."""
    stem = original_name.rsplit("/", 1)[-1].rsplit(".", 1)[0] or "image"
    return f"{stem}.{EXTENSIONS[picture_format]}"


# Characters no caption needs: NUL (PostgreSQL refuses it) and other controls, though
# tabs and line breaks stay.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value):
    return CONTROL_CHARACTERS.sub("", value).strip()


def decode_iptc(value):
    """IPTC text is UTF-8 in modern files and often Windows Latin-1 in older ones."""
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("cp1252", "replace")


# IPTC IIM (record 2) datasets a wire photo fills in, and the Image fields they feed.
IPTC_FIELDS = {
    (2, 5): "title",  # Object Name
    (2, 120): "caption",  # Caption/Abstract
    (2, 80): "photographer",  # By-line
    (2, 110): "credit",  # Credit
    (2, 115): "source",  # Source
    (2, 116): "rights",  # Copyright Notice
}

XMP_NAMESPACES = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
    "xmpRights": "http://ns.adobe.com/xap/1.0/rights/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
}
# XMP property -> Image field, in the order they are preferred over IPTC duplicates.
XMP_FIELDS = {
    "dc:title": "title",
    "dc:description": "caption",
    "dc:creator": "photographer",
    "photoshop:Credit": "credit",
    "photoshop:Source": "source",
    "dc:rights": "rights",
    "xmpRights:UsageTerms": "rights",
}


def read_metadata(picture):
    """Caption, credit, photographer, source, rights and title from IPTC and XMP.

    Metadata is a courtesy: if a wire tool wrote it badly, the picture is still good,
    and the fields simply stay for the editor to fill in."""
    try:
        found = _xmp_values(picture)
        iptc = IptcImagePlugin.getiptcinfo(picture) or {}
    except (OSError, SyntaxError, ValueError, KeyError, IndexError):
        return {}
    for key, name in IPTC_FIELDS.items():
        value = iptc.get(key)
        if isinstance(value, list):
            value = b"; ".join(value)
        if value:
            found.setdefault(name, decode_iptc(value))
    found = {name: clean_text(value) for name, value in found.items()}
    found["credit"] = wire_credit(
        found.get("photographer", ""), found.get("credit", ""), found.get("source", "")
    )
    return {name: value for name, value in found.items() if value}


def wire_credit(photographer, credit, source):
    """The credit a newsroom prints, "Photographer/Agency" ("Matthias Hangst/Getty
    Images"), from a wire photo's by-line, credit line and source. Agencies put
    only their own name in the credit line (Getty, Reuters), or the whole line
    already; either way the photographer comes first, once."""
    agency = credit or source
    if not photographer:
        return agency
    if not agency or photographer.casefold() in agency.casefold():
        return agency or photographer
    return f"{photographer}/{agency}"


def _xmp_values(picture):
    packet = picture.info.get("xmp") or picture.info.get("XML:com.adobe.xmp")
    if isinstance(packet, bytes):
        packet = packet.strip(b"\x00 \t\r\n")  # some tools pad the packet with NULs
    if not packet:
        return {}
    try:
        root = SafeElementTree.fromstring(packet)
    except Exception:  # a malformed or hostile packet is simply ignored
        return {}
    values = {}
    for prop, name in XMP_FIELDS.items():
        prefix, local = prop.split(":")
        tag = f"{{{XMP_NAMESPACES[prefix]}}}{local}"
        for element in root.iter(tag):
            text = _xmp_text(element)
            if text and name not in values:
                values[name] = text
        for description in root.iter(f"{{{XMP_NAMESPACES['rdf']}}}Description"):
            attribute = description.get(tag)
            if attribute and name not in values:
                values[name] = attribute.strip()
    return values


def _xmp_text(element: Element):
    """The text of an XMP property: plain, or the first item of an rdf:Alt/Seq/Bag."""
    items = [
        li.text for li in element.iter(f"{{{XMP_NAMESPACES['rdf']}}}li") if li.text
    ]
    text = "; ".join(items) if element.tag.endswith("creator") else (items or [None])[0]
    return (text or element.text or "").strip()
