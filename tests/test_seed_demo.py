"""`seed_demo` builds a believable newsroom, and running it again changes nothing."""

import io
import re

import lxml.html
import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from PIL import Image as PILImage

from articles.models import Article, Author, Byline, Category
from demo import embeds_story, live, placed_pictures
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
    # The live story's words are in its entries (test_the_live_story_is_open...);
    # the embeds story is a short showcase of the body's blocks.
    published = (
        Article.objects.published()
        .filter(live_coverage__isnull=True)
        .exclude(slug=embeds_story.SLUG)
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


def test_the_live_story_is_open_with_a_dozen_entries_on_the_home_page(seeded, client):
    story = Article.objects.published().get(live_coverage__isnull=False)
    coverage = story.live_coverage
    entries = coverage.entries.shown()
    assert coverage.is_open and story.tags.exists()
    assert entries.count() == 12
    assert entries.filter(is_pinned=True).count() == 2
    assert entries.filter(corrections__isnull=False).count() == 1
    assert all(entry.bylines.exists() for entry in entries)
    home = client.get("/").content.decode()
    assert story.get_absolute_url() in home
    # One entry shows a gallery and an embedded post, as a story body can.
    page = lxml.html.fromstring(client.get(story.get_absolute_url()).content)
    assert len(page.cssselect(".live-entry__body .gallery img")) == 2
    assert page.cssselect(".live-entry__body .embed__provider")[0].text_content() == (
        "Bluesky"
    )


def test_one_draft_and_one_scheduled_story(seeded):
    not_public = Article.objects.exclude(pk__in=Article.objects.published())
    assert sorted(a.is_scheduled for a in not_public) == [False, True]
    assert not_public.filter(status=Article.Status.DRAFT).count() == 1


def test_one_live_story_is_scheduled_to_come_down(seeded):
    coming_down = Article.objects.published().filter(expires_at__isnull=False)
    assert coming_down.count() == 1


def test_every_picture_is_a_photo_sized_jpeg_with_caption_and_credit(seeded):
    images = Image.objects.all()
    # A lead for each story, a headshot for each author, the pictures placed in a
    # body at each size (demo/placed_pictures.py), the gallery story's three
    # pictures besides its lead (demo/embeds_story.py) and the live story's gallery
    # (demo/live.py).
    placed = len(placed_pictures.PLACED)
    gallery_extra = len(embeds_story.GALLERY) - 1
    assert images.count() == (
        Article.objects.count()
        + Author.objects.count()
        + placed
        + gallery_extra
        + len(live.MARSH_LANE)
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
    # The video's placeholder shows its still, from this site.
    still = body.cssselect(".embed--video img.embed__thumbnail")[0]
    assert client.get(still.get("src"))["Content-Type"] == "image/jpeg"


def test_the_home_page_and_a_section_are_arranged_by_the_editors(seeded, client):
    """The home page's lead is an older story the editors chose, with a package of
    three; the Climate section has a front of its own."""
    from .fronts_helpers import read_front

    home = read_front(client.get("/"))
    newest = Article.objects.published().order_by("-published_at").first()
    assert home["lead"] and home["lead"] != newest.headline
    assert [len(stories) for _label, stories in home["packages"]] == [3]
    assert home["packages"][0][0] == "The flood year"
    climate = read_front(client.get("/sections/climate/"))
    assert climate["lead"] and climate["packages"]
    shown = [home["lead"], *home["top"], *home["packages"][0][1]]
    assert not set(shown) & set(home["river"])


def test_the_desk_has_notes_an_assignee_and_news_for_its_editor(seeded, tmp_path):
    """The demo editor has stories assigned and an unread mention; the draft came
    back with changes requested about one passage of it; so does the demo login
    that `make run` prints."""
    from django.contrib.auth import get_user_model
    from django.test import override_settings

    from demo.management.commands import demo_admin
    from notes.models import Note, Notification

    priya = get_user_model().objects.get(username="pnatarajan")
    assert Article.objects.filter(assignee=priya).count() == 2
    unread = Notification.objects.filter(recipient=priya, read_at__isnull=True)
    assert [n.kind for n in unread] == ["mentioned"]
    asked = Note.objects.get(kind=Note.Kind.CHANGES_REQUESTED)
    assert asked.article.slug == "parking-fee-draft"
    assert asked.passage in asked.article.body_text
    assert Note.objects.count() == 4

    with (
        override_settings(DEBUG=True),
        pytest.MonkeyPatch.context() as patch,
    ):
        patch.setattr(demo_admin, "PASSWORD_FILE", tmp_path / "password")
        call_command("demo_admin", stdout=io.StringIO())
    admin = get_user_model().objects.get(username="admin")
    assert Article.objects.get(slug="lantern-festival-preview").assignee == admin
    assert set(admin.notifications.values_list("kind", flat=True)) == {
        "assigned",
        "mentioned",
    }


def test_the_demo_places_pictures_wide_and_full_width(seeded, client):
    import lxml.html

    story = Article.objects.get(slug=placed_pictures.STORY)
    page = lxml.html.fromstring(client.get(story.get_absolute_url()).content)
    figures = page.cssselect(".story__body figure")
    assert [f.get("class") for f in figures] == [
        "figure figure--wide",
        "figure figure--full",
    ]
    assert (
        figures[0]
        .cssselect(".figure__caption")[0]
        .text_content()
        .startswith("Marsh Lane closed 14 times")
    )


def test_one_live_story_has_changes_waiting(seeded, client):
    """The budget story's editor has prepared changes: readers see it as published,
    its form opens with the changes."""
    from articles.models import PendingChange

    (change,) = PendingChange.objects.select_related("article", "prepared_by")
    story = change.article
    assert change.prepared_by.username == "pnatarajan"
    assert "isn’t sold" in story.headline
    assert "wants a smaller one" in change.form_data["headline"][0]
    page = client.get(story.get_absolute_url()).content.decode()
    assert "wants a smaller one" not in page
    assert change.snapshot["bylines"] and change.snapshot["tags"]
