"""The private Django hooks Newsroom relies on, checked so that a Django upgrade
that renames them or changes what they do fails here, loudly, not as sideways photos
or times an hour off.

photos/fields.py overrides ImageFile._get_image_dimensions, which Django's
ImageField calls to fill width_field and height_field: there is no public way to
have a field file report the size a picture is shown at (EXIF orientation).

common/orm_values.py converts values read by hand (the story page's one-row query)
through the ORM's converters: Field.get_col(), Field.get_db_converters() and the
backend's DatabaseOperations.get_db_converters(); QuerySet.raw() does it only for one
model's fields."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import connection
from django.db.models import Field
from django.utils import timezone

from articles.models import Article, Category
from common.orm_values import converter
from photos.models import Image

from .factories import jpeg_file, make_article, make_category
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


def test_django_still_has_the_converters_we_call():
    assert callable(getattr(Field, "get_col", None))
    assert callable(getattr(Field, "get_db_converters", None))
    assert callable(getattr(connection.ops, "get_db_converters", None))


@pytest.mark.django_db
def test_values_read_by_hand_are_made_what_the_orm_makes_of_them():
    """A time keeps its zone and a flag is a bool, on SQLite as on PostgreSQL."""
    section = make_category(is_in_navigation=True)
    story = make_article(primary_category=section)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT story.published_at, section.is_in_navigation "
            f"FROM {Article._meta.db_table} story "
            f"JOIN {Category._meta.db_table} section "
            f"ON section.id = story.primary_category_id WHERE story.id = %s",
            [story.pk],
        )
        row = cursor.fetchone()
    fields = [
        Article._meta.get_field("published_at"),
        Category._meta.get_field("is_in_navigation"),
    ]
    when, shown = (
        convert(value) if (convert := converter(field, connection)) else value
        for field, value in zip(fields, row, strict=True)
    )
    assert timezone.is_aware(when)
    assert when == Article.objects.get(pk=story.pk).published_at
    assert shown is True
