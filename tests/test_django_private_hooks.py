"""The one private Django hook Newsroom relies on, checked so that a Django upgrade
that renames it or stops calling it fails here, loudly, not as sideways photos.

photos/fields.py overrides ImageFile._get_image_dimensions, which Django's
ImageField calls to fill width_field and height_field: there is no public way to
have a field file report the size a picture is shown at (EXIF orientation)."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile

from photos.models import Image

from .factories import jpeg_file
from .pictures import rotated_jpeg


def test_django_still_has_the_hook_we_override():
    assert callable(getattr(ImageFile, "_get_image_dimensions", None))


@pytest.mark.django_db
def test_a_picture_on_its_side_is_measured_as_shown_through_the_hook():
    """Stored 1200×900 with "rotate 90°" in its EXIF: 900 wide, 1200 high."""
    sideways = ContentFile(rotated_jpeg(1200, 900, orientation=6))
    image = Image.objects.create(file=jpeg_file(name="x.jpg"))
    image.file.save("sideways.jpg", sideways)
    image.refresh_from_db()
    assert (image.width, image.height) == (900, 1200)
