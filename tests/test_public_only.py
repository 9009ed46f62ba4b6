"""A draft or a scheduled story appears on no public surface until its time."""

from datetime import timedelta

import lxml.html
import pytest
from django.utils import timezone

from articles.models import Article, Byline, TaggedArticle

from .factories import make_article, make_author, make_category, make_image

pytestmark = pytest.mark.django_db

SURFACES = [
    "/",
    "/sections/politics/",
    "/authors/maya-okafor/",
    "/tags/seawall/",
    "/search/?q=seawall",
    "/search/?q=zanzibarine",
    "/rss/index.xml",
    "/atom/index.xml",
    "/sections/politics/rss/",
    "/sections/politics/atom/",
    "/authors/maya-okafor/rss/",
    "/authors/maya-okafor/atom/",
    "/sitemap.xml",
    "/sitemaps/stories.xml",
    "/sitemaps/news.xml",
    "/sitemaps/sections.xml",
    "/sitemaps/authors.xml",
]


@pytest.fixture
def newsroom():
    politics = make_category(name="Politics", slug="politics")
    maya = make_author(name="Maya Okafor", slug="maya-okafor")
    public = make_article(
        headline="Seawall vote",
        primary_category=politics,
        authors=[maya],
        tags=["Seawall"],
    )
    hidden = [
        make_article(
            headline="Zanzibarine draft on the seawall",
            slug="zanzibarine-draft",
            status=Article.Status.DRAFT,
            primary_category=politics,
            authors=[maya],
            tags=["Seawall"],
        ),
        make_article(
            headline="Zanzibarine scheduled seawall deal",
            slug="zanzibarine-scheduled",
            published_at=timezone.now() + timedelta(hours=2),
            primary_category=politics,
            authors=[maya],
            tags=["Seawall"],
        ),
    ]
    return public, hidden


def body(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


@pytest.mark.parametrize("path", SURFACES)
def test_unpublished_stories_are_absent(client, newsroom, path):
    public, hidden = newsroom
    html = body(client, path)
    for story in hidden:
        assert story.headline not in html
        assert story.slug not in html


def test_absent_from_the_story_page_blocks_and_metadata(client, newsroom):
    public, hidden = newsroom
    html = body(client, public.get_absolute_url())
    assert "zanzibarine" not in html.lower()
    assert public.headline in html


def test_the_scheduled_story_appears_everywhere_at_its_time(client, newsroom):
    public, hidden = newsroom
    scheduled = hidden[1]
    # Its time come, with no save: as if it had been scheduled for a second ago
    # (its bylines and tags keep a copy of that time).
    Article.objects.filter(pk=scheduled.pk).update(
        published_at=timezone.now() - timedelta(seconds=1)
    )
    Byline.objects.filter(article=scheduled).copy_publish_times()
    TaggedArticle.objects.filter(content_object=scheduled).copy_publish_times()
    scheduled.refresh_from_db()
    for path in [
        "/",
        "/tags/seawall/",
        "/rss/index.xml",
        "/sitemaps/stories.xml",
        "/search/?q=zanzibarine",
    ]:
        assert scheduled.get_absolute_url() in body(client, path), path


def test_an_author_seen_only_on_unpublished_stories_has_no_pages(client, db):
    guest = make_author(name="Embargoed Guest", slug="embargoed-guest")
    make_article(authors=[guest], status=Article.Status.DRAFT)
    for path in ["/authors/embargoed-guest/", "/authors/embargoed-guest/rss/"]:
        assert client.get(path).status_code == 404
    assert "embargoed-guest" not in body(client, "/sitemaps/authors.xml")


def test_a_section_with_only_unpublished_stories_is_not_in_the_sitemap(client, db):
    secret = make_category(slug="merger-desk")
    make_article(primary_category=secret, status=Article.Status.DRAFT)
    assert "merger-desk" not in body(client, "/sitemaps/sections.xml")


def test_a_section_whose_stories_are_all_unpublished_has_no_pages(client, db):
    """Like an author or a tag seen only on drafts, such a section could name an
    unannounced story: its page and feeds are 404 until a story in it is public."""
    secret = make_category(
        name="Merger desk", slug="merger-desk", description="The Harbor Bank merger."
    )
    draft = make_article(primary_category=secret, status=Article.Status.DRAFT)
    make_article(categories=[secret], published_at=timezone.now() + timedelta(hours=1))
    pages = ["/sections/merger-desk/", "/sections/merger-desk/rss/"]
    pages.append("/sections/merger-desk/atom/")
    for path in pages:
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Merger desk" not in response.content.decode()
        assert "Harbor Bank" not in response.content.decode()
    draft.status = Article.Status.PUBLISHED
    draft.published_at = timezone.now()
    draft.save()
    for path in pages:
        assert client.get(path).status_code == 200, path


def test_a_section_public_only_as_a_further_category_has_its_pages(client, db):
    housing = make_category(slug="housing")
    make_article(categories=[housing])
    for path in ["/sections/housing/", "/sections/housing/rss/"]:
        assert client.get(path).status_code == 200, path


def test_a_section_in_the_navigation_has_its_page_before_its_first_story(client, db):
    """The header links every navigation section: the link leads to a page saying
    there are no stories yet, not to a 404."""
    make_category(name="Climate", slug="climate", is_in_navigation=True)
    page = lxml.html.fromstring(client.get("/").content)
    assert "/sections/climate/" in page.xpath("//header//a/@href")
    response = client.get("/sections/climate/")
    assert response.status_code == 200
    assert "No stories here yet." in response.content.decode()


def test_originals_are_served_to_staff_alone(client, admin_client, db):
    """Readers get renditions; an original, with its camera data, is staff's alone
    (tests/test_originals.py has the rest)."""
    draft = make_article(lead_image=make_image(), status=Article.Status.DRAFT)
    public = make_article(lead_image=make_image())
    assert client.get(draft.lead_image.file.url).status_code == 404
    staff = admin_client.get(draft.lead_image.file.url)
    assert staff.status_code == 200
    assert staff["Cache-Control"] == "private, no-store"
    assert client.get(public.lead_image.file.url).status_code == 404


def test_upload_names_cannot_be_guessed(db):
    first, second = make_image(), make_image()
    assert first.file.name != second.file.name
    stem = first.file.name.rsplit("/", 1)[1]
    assert len(stem.split("-", 1)[0]) == 12  # a random prefix before the name
