"""Files for upload tests, made in memory: good pictures in every accepted format,
awkward ones (CMYK, 16-bit, animated, rotated), wire photos with IPTC and XMP, and
files that only pretend to be pictures."""

import io
import struct

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def upload(data, name, content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def picture_bytes(
    fmt="JPEG", size=(640, 480), mode="RGB", colour=(200, 80, 40), **save
):
    buffer = io.BytesIO()
    Image.new(mode, size, colour).save(buffer, fmt, **save)
    return buffer.getvalue()


def animated_gif():
    frames = [Image.new("P", (640, 480), i * 40) for i in range(4)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=80)
    return buffer.getvalue()


def jpeg_with_private_exif():
    """A JPEG carrying a GPS position, a camera serial number and an owner's name."""
    picture = Image.new("RGB", (800, 600), (30, 120, 200))
    exif = picture.getexif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0xA431] = "SERIAL-0042-SECRET"  # BodySerialNumber
    exif[0xA430] = "Jane Q. Owner"  # CameraOwnerName
    exif[0x8825] = {1: "N", 2: (40.0, 42.0, 51.0), 3: "W", 4: (74.0, 0.0, 21.0)}
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def raw_app13(iim):
    """A JPEG APP13 (Photoshop) segment around raw IPTC bytes, however broken."""
    if len(iim) % 2:
        iim += b"\x00"
    resource = (
        b"8BIM" + struct.pack(">H", 0x0404) + b"\x00\x00" + struct.pack(">I", len(iim))
    ) + iim
    payload = b"Photoshop 3.0\x00" + resource
    return b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload


def iptc_segment(datasets):
    """A JPEG APP13 segment holding IPTC IIM datasets, as photo desks' tools write."""
    iim = b"".join(
        b"\x1c" + bytes([record, dataset]) + struct.pack(">H", len(value)) + value
        for (record, dataset), value in datasets.items()
    )
    if len(iim) % 2:
        iim += b"\x00"
    resource = (
        b"8BIM"
        + struct.pack(">H", 0x0404)
        + b"\x00\x00"
        + struct.pack(">I", len(iim))
        + iim
    )
    payload = b"Photoshop 3.0\x00" + resource
    return b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload


def wire_photo_iptc(overrides=None):
    datasets = {
        (2, 5): b"Harbor storm",
        (2, 120): b"Waves break over the seawall in Saltmarsh on Tuesday.",
        (2, 80): b"Rita Moreno-Hale",
        (2, 110): b"Rita Moreno-Hale/Coastal Wire",
        (2, 115): b"Coastal Wire",
        (2, 116): b"(c) Coastal Wire. Editorial use only.",
    }
    datasets.update(overrides or {})
    jpeg = picture_bytes(size=(900, 600))
    return jpeg[:2] + iptc_segment(datasets) + jpeg[2:]


XMP_PACKET = """<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
    xmlns:xmpRights="http://ns.adobe.com/xap/1.0/rights/"
    photoshop:Credit="Omar Vance/Northgate Pictures"
    photoshop:Source="Northgate Pictures">
   <dc:title><rdf:Alt>
    <rdf:li xml:lang="x-default">Night market</rdf:li>
   </rdf:Alt></dc:title>
   <dc:description><rdf:Alt>
    <rdf:li xml:lang="x-default">Stalls fill Old Quay.</rdf:li>
   </rdf:Alt></dc:description>
   <dc:creator><rdf:Seq><rdf:li>Omar Vance</rdf:li></rdf:Seq></dc:creator>
   <xmpRights:UsageTerms><rdf:Alt>
    <rdf:li xml:lang="x-default">No sales. Credit required.</rdf:li>
   </rdf:Alt></xmpRights:UsageTerms>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""


def wire_photo_xmp():
    return picture_bytes(size=(900, 600), xmp=XMP_PACKET.encode())


def rotated_jpeg(width=1200, height=900, orientation=6):
    """Stored on its side: red on the left, blue on the right, so that shown upright
    (orientation 6 turns it a quarter clockwise) red is on top."""
    picture = Image.new("RGB", (width, height), (200, 30, 30))
    picture.paste((30, 30, 200), (width // 2, 0, width, height))
    exif = picture.getexif()
    exif[0x0112] = orientation
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
SCRIPT = b"#!/bin/sh\nrm -rf /\n"


def jpeg_with_profile_and_xmp():
    """A JPEG with an embedded colour profile and an XMP packet."""
    from PIL import ImageCms

    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return picture_bytes(size=(900, 600), icc_profile=profile, xmp=XMP_PACKET.encode())


def two_halves(size=(1200, 600)):
    """Red on the left half, blue on the right."""
    width, height = size
    picture = Image.new("RGB", size, (220, 20, 20))
    picture.paste((20, 20, 220), (width // 2, 0, width, height))
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    return SimpleUploadedFile("halves.png", buffer.getvalue())


def transparent_png():
    picture = Image.new("RGBA", (800, 600), (0, 0, 0, 0))
    picture.paste((20, 20, 220, 255), (400, 300, 800, 600))
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    return SimpleUploadedFile("cutout.png", buffer.getvalue())


def marked_corner(orientation, size=(800, 600)):
    """Blue, with a red patch at the stored top-left corner, and an EXIF orientation."""
    picture = Image.new("RGB", size, (20, 20, 220))
    picture.paste((220, 20, 20), (0, 0, size[0] // 4, size[1] // 4))
    exif = picture.getexif()
    exif[0x0112] = orientation
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", exif=exif, quality=95)
    return SimpleUploadedFile("corner.jpg", buffer.getvalue())
