"""`seed_bench` fills an empty database with a benchmark archive the site can serve."""

import lxml.html
import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import override_settings
from taggit.models import Tag

from articles.models import Article, Author, Byline, Category
from photos.models import Image

pytestmark = pytest.mark.django_db

STORIES = 30


@pytest.fixture(scope="module")
def bench_media(tmp_path_factory):
    return tmp_path_factory.mktemp("bench-media")


@pytest.fixture(autouse=True)
def media_root(settings, bench_media):
    settings.MEDIA_ROOT = bench_media


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, bench_media):
    """Seed once for the module (drawing the pictures takes seconds), in a transaction
    rolled back at the end."""
    with (
        override_settings(MEDIA_ROOT=bench_media),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        call_command("seed_bench", stories=STORIES, verbosity=0)
        yield
        transaction.set_rollback(True)


def page(response):
    assert response.status_code == 200
    return lxml.html.fromstring(response.content)


def card_headlines(response):
    return [
        link.text_content().strip()
        for link in page(response).cssselect(".story-card__headline a")
    ]


def test_stories_are_public_with_bylines_tags_and_shared_pictures(seeded):
    stories = Article.objects.published()
    assert stories.count() == STORIES
    for story in stories.prefetch_related("bylines", "tags"):
        assert 1 <= len(story.bylines.all()) <= 3
        assert story.tags.all()
        assert story.lead_image_id and story.primary_category_id
        assert 400 <= story.word_count <= 1300
    # Pictures are shared: fewer images than stories, each a real stored file.
    assert Image.objects.count() < STORIES + Author.objects.count()
    for image in Image.objects.all():
        assert image.width > 0 and image.file.storage.exists(image.file.name)
    assert Author.objects.filter(headshot__isnull=True).count() == 0
    assert Category.objects.filter(is_in_navigation=True).exists()
    assert Tag.objects.count() > 100
    assert len(set(stories.values_list("published_at", flat=True))) == STORIES


def test_pages_work_over_the_seeded_archive(seeded, client, settings):
    newest = Article.objects.published().first()
    assert card_headlines(client.get("/"))[0] == newest.headline

    story = page(client.get(newest.get_absolute_url()))
    assert story.cssselect("h1")[0].text_content().strip() == newest.headline
    author = newest.bylines.first().author
    byline = story.cssselect(".byline")[0].text_content()
    assert author.name in byline

    section = newest.primary_category
    in_section = Article.objects.published().in_section(section)
    listed = card_headlines(client.get(section.get_absolute_url()))
    assert listed == [
        a.headline for a in in_section[: settings.NEWSROOM_STORIES_PER_PAGE]
    ]

    assert newest.headline in card_headlines(client.get(author.get_absolute_url()))
    tag = newest.tags.first()
    assert newest.headline in card_headlines(client.get(f"/tags/{tag.slug}/"))


def test_search_finds_a_seeded_story_by_its_headline(seeded, client):
    story = Article.objects.published().last()
    word = story.headline.split()[0]  # an invented place name
    found = card_headlines(client.get("/search/", {"q": word}))
    assert story.headline in found


def test_search_documents_are_filled(seeded):
    empty = Article.objects.filter(search_vector__isnull=True).count()
    # SQLite searches the words themselves and keeps no document.
    expected = 0 if connection.vendor == "postgresql" else Article.objects.count()
    assert empty == expected


def test_refuses_a_database_with_stories_unless_reset(seeded):
    with pytest.raises(CommandError, match="--reset"):
        call_command("seed_bench", stories=5, verbosity=0)
    images, authors = Image.objects.count(), Author.objects.count()
    call_command("seed_bench", stories=5, reset=True, verbosity=0)
    assert Article.objects.count() == 5
    assert Byline.objects.filter(article__in=Article.objects.all()).count() >= 5
    # Pictures and authors are found again, not made twice.
    assert (Image.objects.count(), Author.objects.count()) == (images, authors)


def test_pages_cached_before_a_seed_are_not_served_after_it(seeded, client, settings):
    """Bulk inserts send no signals; the seed itself makes cached pages stale."""
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 600
    before = card_headlines(client.get("/"))
    assert card_headlines(client.get("/")) == before  # now served from the cache
    call_command("seed_bench", stories=3, reset=True, verbosity=0)
    newest = list(Article.objects.published().values_list("headline", flat=True))
    assert card_headlines(client.get("/")) == newest
