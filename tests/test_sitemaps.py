"""Sitemaps (Django's framework, with a Google News sitemap) and robots.txt."""

from datetime import timedelta

import lxml.etree
import pytest
from django.utils import timezone

from .factories import make_article, make_author, make_category

pytestmark = pytest.mark.django_db

NS = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


def xml(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return lxml.etree.fromstring(response.content)


def locations(tree):
    return [loc.text for loc in tree.iterfind(".//s:loc", NS)]


def test_index_lists_every_sitemap(client):
    make_article()
    index = xml(client, "/sitemap.xml")
    assert locations(index) == [
        "http://testserver/sitemaps/stories.xml",
        "http://testserver/sitemaps/news.xml",
        "http://testserver/sitemaps/sections.xml",
        "http://testserver/sitemaps/authors.xml",
    ]
    for url in locations(index):
        assert client.get(url.removeprefix("http://testserver")).status_code == 200


def test_story_sitemap_lastmod_is_the_story_update_or_publication_date(client):
    """lastmod agrees with the page's dateModified, not with every typo fix."""
    now = timezone.now()
    plain = make_article(published_at=now - timedelta(days=10))
    updated = make_article(
        published_at=now - timedelta(days=20), updated_at=now - timedelta(days=3)
    )
    tree = xml(client, "/sitemaps/stories.xml")
    lastmods = {
        entry.findtext("s:loc", namespaces=NS): entry.findtext(
            "s:lastmod", namespaces=NS
        )
        for entry in tree.iterfind("s:url", NS)
    }
    assert lastmods == {
        f"http://testserver{plain.get_absolute_url()}": (
            f"{timezone.localtime(plain.published_at):%Y-%m-%d}"
        ),
        f"http://testserver{updated.get_absolute_url()}": (
            f"{timezone.localtime(updated.updated_at):%Y-%m-%d}"
        ),
    }


def test_news_sitemap_holds_the_last_two_days(client):
    now = timezone.now()
    fresh = make_article(headline="Fresh", published_at=now - timedelta(hours=47))
    make_article(headline="Stale", published_at=now - timedelta(hours=49))
    tree = xml(client, "/sitemaps/news.xml")
    assert locations(tree) == [f"http://testserver{fresh.get_absolute_url()}"]
    news = tree.find(".//news:news", NS)
    assert news.findtext("news:title", namespaces=NS) == "Fresh"
    assert news.findtext("news:publication/news:name", namespaces=NS)
    assert news.findtext("news:publication/news:language", namespaces=NS) == "en"
    published = news.findtext("news:publication_date", namespaces=NS)
    assert published == timezone.localtime(fresh.published_at).isoformat()


def test_a_control_character_in_a_headline_leaves_the_news_sitemap_xml(client):
    """A vertical tab pasted from a word processor is left out of the headline,
    rather than making the whole sitemap unreadable to search engines."""
    make_article(
        headline="Seawall\x0b vote <tonight> & \x01after",
        published_at=timezone.now() - timedelta(minutes=5),
    )
    tree = xml(client, "/sitemaps/news.xml")
    title = tree.findtext(".//news:news/news:title", namespaces=NS)
    assert title == "Seawall vote <tonight> & after"


def test_section_and_author_sitemaps(client):
    section = make_category(slug="climate")
    author = make_author(slug="daniel")
    make_author(slug="no-stories-yet")
    make_article(primary_category=section, authors=[author])
    assert "http://testserver/sections/climate/" in locations(
        xml(client, "/sitemaps/sections.xml")
    )
    assert locations(xml(client, "/sitemaps/authors.xml")) == [
        "http://testserver/authors/daniel/"
    ]


def test_every_sitemap_url_answers(client):
    make_article(tags=["Budget"])
    for sitemap in locations(xml(client, "/sitemap.xml")):
        for url in locations(xml(client, sitemap.removeprefix("http://testserver"))):
            assert client.get(url.removeprefix("http://testserver")).status_code == 200


def test_robots_txt_names_the_sitemap_index(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Disallow: /admin/" in lines


@pytest.mark.parametrize(
    "path",
    [
        "/sitemap.xml",
        "/sitemaps/stories.xml",
        "/sitemaps/news.xml",
        "/sitemaps/sections.xml",
        "/sitemaps/authors.xml",
    ],
)
def test_sitemap_queries_do_not_grow(assert_flat_queries, path):
    author = make_author()

    def add():
        make_article(authors=[author, make_author()], tags=["x"])

    assert_flat_queries(path, add, limit=6)


def test_section_sitemap_lists_sections_with_a_public_story_only(client):
    """A section is listed when a public story is filed under it, as primary section
    or further category; drafts, unpublished and scheduled stories never list one.
    Sections carry no lastmod, and come in the navigation's order."""
    now = timezone.now()
    primary = make_category(slug="primary", position=2)
    further = make_category(slug="further", position=1)
    drafted = make_category(slug="drafted")
    scheduled = make_category(slug="scheduled")
    unpublished = make_category(slug="unpublished")
    make_category(slug="empty")
    make_article(primary_category=primary, categories=[further])
    # Not public: they must not list their sections, primary or further.
    make_article(
        primary_category=drafted,
        categories=[drafted],
        status="draft",
        published_at=now - timedelta(days=1),
    )
    make_article(
        primary_category=scheduled,
        categories=[scheduled],
        published_at=now + timedelta(hours=2),
    )
    make_article(
        primary_category=unpublished,
        categories=[unpublished],
        status="unpublished",
        published_at=now - timedelta(days=3),
    )
    tree = xml(client, "/sitemaps/sections.xml")
    assert locations(tree) == [
        "http://testserver/sections/further/",
        "http://testserver/sections/primary/",
    ]
    assert tree.find(".//s:lastmod", NS) is None


def test_index_lastmod_ignores_stories_that_are_not_public(client):
    now = timezone.now()
    public = make_article(
        published_at=now - timedelta(days=5), updated_at=now - timedelta(days=4)
    )
    make_article(
        status="draft",
        published_at=now - timedelta(days=6),
        updated_at=now - timedelta(hours=1),
    )
    make_article(published_at=now + timedelta(days=1))
    index = xml(client, "/sitemap.xml")
    lastmods = {
        entry.findtext("s:loc", namespaces=NS): entry.findtext(
            "s:lastmod", namespaces=NS
        )
        for entry in index.iterfind("s:sitemap", NS)
    }
    assert lastmods["http://testserver/sitemaps/stories.xml"] == (
        timezone.localtime(public.updated_at).isoformat()
    )
    assert lastmods["http://testserver/sitemaps/sections.xml"] is None
