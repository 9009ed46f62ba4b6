"""`seed_demo` builds a believable newsroom, and running it again changes nothing."""

import re

import lxml.html
import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from PIL import Image as PILImage

from articles.models import Article, Author, Byline, Category
from demo import embeds_story
from photos.models import Image

pytestmark = pytest.mark.django_db


def word_count(html):
    return len(re.sub(r"<[^>]+>", " ", html).split())


def counts():
    return [
        model.objects.count() for model in (Article, Author, Byline, Category, Image)
    ]


@pytest.fixture(scope="module")
def demo_media(tmp_path_factory):
    return tmp_path_factory.mktemp("demo-media")


@pytest.fixture(autouse=True)
def media_root(settings, demo_media):
    settings.MEDIA_ROOT = demo_media


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, demo_media):
    """Seed once for the module (drawing 30 photos takes seconds), inside a transaction
    that is rolled back at the end, so later tests see the database as migrations
    left it."""
    with (
        override_settings(MEDIA_ROOT=demo_media),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        call_command("seed_demo", verbosity=0)
        yield
        transaction.set_rollback(True)


def test_sections_and_authors(seeded):
    assert Category.objects.filter(is_in_navigation=True).count() >= 4
    authors = Author.objects.select_related("headshot", "user")
    assert authors.count() >= 6
    for author in authors:
        assert author.job_title and author.short_bio and author.headshot
        assert author.short_bio.startswith(author.name)
    guests = [author for author in authors if author.is_guest]
    assert len(guests) == 1
    roles = sorted(
        author.user.groups.get().name for author in authors if not author.is_guest
    )
    assert roles == ["Editor", "Writer", "Writer", "Writer", "Writer"]


def test_published_stories_are_complete_and_long(seeded):
    published = (
        Article.objects.published()
        .exclude(slug=embeds_story.SLUG)  # a short showcase of the body's blocks
        .prefetch_related("bylines", "tags")
    )
    assert published.count() == 24
    for article in published.select_related("lead_image", "primary_category"):
        assert article.dek and article.primary_category
        assert word_count(article.body) >= 800, article.slug
        assert 1 <= len(article.bylines.all()) <= 3
        assert article.tags.exists()
        image = article.lead_image
        assert image.caption and image.credit and image.alt_text
        assert image.width >= 2000


def test_one_draft_and_one_scheduled_story(seeded):
    not_public = Article.objects.exclude(pk__in=Article.objects.published())
    assert sorted(a.is_scheduled for a in not_public) == [False, True]
    assert not_public.filter(status=Article.Status.DRAFT).count() == 1


def test_every_picture_is_a_photo_sized_jpeg_with_caption_and_credit(seeded):
    images = Image.objects.all()
    # One picture a story and an author; the gallery story's lead is one of its four.
    gallery_extra = len(embeds_story.GALLERY) - 1
    assert images.count() == (
        Article.objects.count() + Author.objects.count() + gallery_extra
    )
    for image in images:
        assert image.caption and image.credit and image.alt_text, image.title
        with image.file.open("rb") as handle, PILImage.open(handle) as picture:
            assert picture.format == "JPEG"
            assert picture.size == (image.width, image.height)
            assert picture.width >= 2000


def test_running_twice_duplicates_nothing(seeded):
    before = counts()
    call_command("seed_demo", verbosity=0)
    assert counts() == before


def test_if_empty_leaves_an_existing_newsroom_alone(seeded):
    Article.objects.filter(status=Article.Status.DRAFT).delete()
    before = counts()
    call_command("seed_demo", "--if-empty", verbosity=0)
    assert counts() == before


def test_each_story_starts_its_history_with_bylines_and_tags(seeded):
    from reversion.models import Version

    for story in Article.objects.all():
        (first,) = Version.objects.get_for_object(story)
        kept = first.revision.version_set
        assert kept.filter(content_type__model="byline").count() == (
            story.bylines.count()
        )
        assert kept.filter(content_type__model="taggedarticle").count() == (
            story.tags.count()
        )


def test_a_story_shows_embeds_a_table_and_a_gallery(seeded, client):
    """Its providers' answers were written for the demo: no internet needed."""
    story = Article.objects.published().get(slug=embeds_story.SLUG)
    page = lxml.html.fromstring(client.get(story.get_absolute_url()).content)
    body = page.cssselect(".story__body")[0]
    providers = [p.text_content() for p in body.cssselect(".embed__provider")]
    assert providers == ["YouTube", "Datawrapper", "Bluesky", "Google Maps"]
    assert body.cssselect(".table-scroll table caption")
    assert len(body.cssselect(".gallery__item img")) == 4
