"""A story scheduled to come down leaves every public surface at its take-down time,
with no job running: the page cache learns of the time as it learns of a scheduled
publication."""

from datetime import timedelta

import pytest
import time_machine
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from articles.schedule import next_publication

from .factories import make_article, make_author, make_category

pytestmark = pytest.mark.django_db

SURFACES = [
    "/",
    "/sections/politics/",
    "/authors/maya-okafor/",
    "/tags/seawall/",
    "/search/?q=seawall",
    "/rss/index.xml",
    "/atom/index.xml",
    "/sections/politics/rss/",
    "/authors/maya-okafor/atom/",
    "/sitemaps/stories.xml",
    "/sitemaps/news.xml",
]


@pytest.fixture
def newsroom():
    return make_newsroom()


def make_newsroom():
    """A story that stays up and, beside it, one with a take-down time in an hour:
    same section, author and tag, so each lists (and links to) the other."""
    politics = make_category(name="Politics", slug="politics", is_in_navigation=True)
    maya = make_author(name="Maya Okafor", slug="maya-okafor")
    now = timezone.now()
    staying = make_article(
        headline="Seawall vote",
        primary_category=politics,
        authors=[maya],
        tags=["Seawall"],
        published_at=now - timedelta(hours=2),
    )
    leaving = make_article(
        headline="Seawall embargo lifted for a day",
        slug="seawall-for-a-day",
        primary_category=politics,
        authors=[maya],
        tags=["Seawall"],
        published_at=now - timedelta(hours=1),
        expires_at=now + timedelta(hours=1),
    )
    return staying, leaving


def text(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def test_a_story_past_its_take_down_time_is_gone_from_every_surface(client, newsroom):
    staying, leaving = newsroom
    Article.objects.filter(pk=leaving.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert client.get(leaving.get_absolute_url()).status_code == 404
    for path in [*SURFACES, staying.get_absolute_url()]:
        page = text(client, path)
        assert leaving.get_absolute_url() not in page, path
        assert leaving.headline not in page, path
    assert staying.get_absolute_url() in text(client, "/")


def test_before_its_take_down_time_the_story_is_everywhere(client, newsroom):
    staying, leaving = newsroom
    assert client.get(leaving.get_absolute_url()).status_code == 200
    for path in [*SURFACES, staying.get_absolute_url()]:
        assert leaving.get_absolute_url() in text(client, path), path


def test_cached_pages_drop_the_story_at_its_take_down_time_with_no_job(
    client, settings
):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 600
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        staying, leaving = make_newsroom()
        url = leaving.get_absolute_url()
        pages = [*SURFACES, staying.get_absolute_url()]
        for path in pages:
            assert url in text(client, path), path
        assert client.get(url).status_code == 200
    with time_machine.travel(start + timedelta(minutes=59), tick=False):
        assert url in text(client, "/")  # still cached, still up
    with time_machine.travel(start + timedelta(hours=1, seconds=1), tick=False):
        for path in pages:
            assert url not in text(client, path), path
        assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "change, hard",
    [
        ({"published_at": timedelta(days=1), "expires_at": None}, True),  # tomorrow
        ({"expires_at": timedelta(seconds=-1)}, True),  # a take-down time now past
        ({"headline": "Seawall vote, one day only"}, False),
        ({"published_at": timedelta(minutes=-5)}, False),  # still up, earlier
    ],
)
def test_a_story_that_leaves_readers_by_a_new_time_is_purged_hard(
    newsroom, change, hard
):
    """A story moved to a later time, or brought down by a take-down time, leaves
    every page as an unpublished one does: with no copy served while the pages are
    fetched again (deploy/varnish.vcl's hard purge); an edit that keeps it up lets
    readers have the copy in grace meanwhile."""
    from delivery.models import Invalidation

    _staying, leaving = newsroom
    before = Invalidation.objects.order_by("-pk").values_list("pk", flat=True)[0]
    now = timezone.now()
    for name, value in change.items():
        setattr(leaving, name, now + value if isinstance(value, timedelta) else value)
    leaving.save()
    made = Invalidation.objects.filter(pk__gt=before).values_list("keys", "hard")
    story = f"story:{leaving.pk}"
    assert [purged_hard for keys, purged_hard in made if story in keys.split()] == [
        hard
    ]


def test_nobody_keeps_a_page_past_the_next_take_down(client, newsroom):
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        make_article(
            published_at=now - timedelta(hours=3),
            expires_at=now + timedelta(seconds=40),
        )
        response = client.get("/")
    assert "max-age=40" in response["Cache-Control"]


def test_the_next_change_is_the_sooner_of_a_publication_and_a_take_down(db):
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        assert next_publication() is None
        make_article(published_at=now + timedelta(hours=3))
        assert next_publication() == now + timedelta(hours=3)
        make_article(
            published_at=now - timedelta(hours=1), expires_at=now + timedelta(hours=2)
        )
        assert next_publication() == now + timedelta(hours=2)
        # A draft's take-down time changes nothing readers see.
        make_article(
            status=Article.Status.DRAFT,
            published_at=now - timedelta(hours=1),
            expires_at=now + timedelta(minutes=5),
        )
        assert next_publication() == now + timedelta(hours=2)


def test_the_next_take_down_is_found_without_reading_the_archive(db):
    """Asked whenever the page cache records the site's state: through the index of
    take-down times (few stories have one), not the public index read whole (some
    10 ms at 100,000 stories)."""
    make_article(published_at=timezone.now() - timedelta(hours=1))
    with CaptureQueriesContext(connection) as queries:
        next_publication()
    (sql,) = [q["sql"] for q in queries if '"expires_at" >' in q["sql"]]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A handful of rows: the planner would read them all, index or not.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}")
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "article_takedown_idx" in plan


def test_a_take_down_time_before_the_publish_time_is_refused(db):
    now = timezone.now()
    with pytest.raises(IntegrityError):
        make_article(published_at=now, expires_at=now - timedelta(minutes=1))
