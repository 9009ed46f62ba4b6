"""A draft or a scheduled story appears on no public surface until its time."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article

from .factories import make_article, make_author, make_category

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
    Article.objects.filter(pk=scheduled.pk).update(
        published_at=timezone.now() - timedelta(seconds=1)
    )
    scheduled.refresh_from_db()
    for path in [
        "/",
        "/tags/seawall/",
        "/rss/index.xml",
        "/sitemaps/stories.xml",
        "/search/?q=zanzibarine",
    ]:
        assert scheduled.get_absolute_url() in body(client, path), path
