"""No invalidation is lost: a change is written to the outbox with the change itself,
and the cache is not trusted for long without checking it, so a Redis that froze,
restarted from an old snapshot, or a process that died after committing can delay a
change reaching readers by at most VERIFY_SECONDS, never hide it."""

from datetime import timedelta

import lxml.html
import pytest
import time_machine
from django.db import OperationalError
from django.utils import timezone

from articles.models import Article
from delivery import page_cache, redis_cache
from delivery.models import Invalidation

from .factories import make_article, make_author, make_category
from .services import RedisServer, redis_caches

pytestmark = pytest.mark.usefixtures("pages_cached")

LATER = timedelta(seconds=page_cache.VERIFY_SECONDS + 1)


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path).start()
    yield server
    server.stop()


@pytest.fixture
def redis_pages(settings, redis_server, monkeypatch):
    """Pages cached in a Redis of the test's own, as in production."""
    monkeypatch.setattr(redis_cache, "_down_until", 0.0)
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 600
    settings.CACHES = redis_caches(redis_server.url)
    return redis_server


@pytest.fixture
def story():
    return make_article(
        headline="Council passes the harbor budget",
        primary_category=make_category(name="Politics", slug="politics"),
        authors=[make_author(name="Maya Okafor", slug="maya-okafor")],
    )


def pages(story):
    return [story.get_absolute_url(), "/", "/rss/index.xml", "/sections/politics/"]


def warm(client, paths):
    for path in paths:
        assert client.get(path).status_code == 200, path
        # Served from the cache from now on: a change behind the signals' back
        # would not show.
        assert client.get(path).status_code == 200, path


def headlines(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    if path.endswith(".xml"):
        return response.content.decode()
    page = lxml.html.fromstring(response.content)
    return " ".join(h.text_content() for h in page.cssselect("h1, h2, h3"))


def another_server():
    """What a reader on another app server meets: this process's pause after a
    Redis failure is its own."""
    redis_cache._down_until = 0.0


@pytest.mark.django_db
def test_an_unpublish_while_redis_is_frozen_reaches_readers_once_it_thaws(
    client, redis_pages, story
):
    url = story.get_absolute_url()
    # The section keeps a public story, and so its page.
    make_article(
        headline="Ferry timetable changes", primary_category=story.primary_category
    )
    warm(client, pages(story))

    redis_pages.freeze()
    try:
        story.status = Article.Status.UNPUBLISHED
        story.save()  # its raise times out
    finally:
        redis_pages.thaw()
    assert Invalidation.objects.pending().exists()

    another_server()
    with time_machine.travel(timezone.now() + LATER):
        assert client.get(url).status_code == 404
        for path in pages(story)[1:]:
            assert "harbor budget" not in headlines(client, path), path
    assert not Invalidation.objects.pending().exists()


@pytest.mark.django_db(transaction=True)
def test_a_change_made_while_this_server_leaves_redis_alone_reaches_the_others(
    client, redis_pages, story
):
    """After a failure a process leaves Redis alone for a few seconds, raises
    included: other servers, which still read Redis, apply its changes."""
    warm(client, pages(story))
    redis_cache._down_until = float("inf")  # Redis failed this server a moment ago

    story.headline = "Council passes the harbor budget, 7-2"
    story.save()  # not even tried

    assert Invalidation.objects.pending().exists()
    another_server()
    with time_machine.travel(timezone.now() + LATER):
        for path in pages(story):
            assert "7-2" in headlines(client, path), path
    assert not Invalidation.objects.pending().exists()


@pytest.mark.django_db(transaction=True)
def test_a_change_survives_redis_restarting_from_an_older_snapshot(
    client, redis_pages, story
):
    warm(client, pages(story))
    redis_pages.save()  # the snapshot holds the pages as they are now

    story.headline = "Council passes the harbor budget, 7-2"
    story.save()  # committed and applied: Redis raised the generation...
    assert not Invalidation.objects.pending().exists()
    assert "7-2" in headlines(client, "/")

    redis_pages.kill()  # ...and lost it, restarting from the snapshot
    redis_pages.start()
    another_server()

    with time_machine.travel(timezone.now() + LATER):
        for path in pages(story):
            assert "7-2" in headlines(client, path), path


@pytest.mark.django_db(transaction=True)
def test_a_state_recorded_late_or_written_over_keeps_every_other_page(client, story):
    """A reader's check of the outbox may find a change applied before its writer
    has recorded the state, or write its own older state over the writer's: the
    cache lost nothing then, and the pages the change does not touch stay
    cached."""
    other = make_article(
        headline="Ferry timetable changes",
        primary_category=make_category(name="Transport", slug="transport"),
        authors=[make_author(name="Lee Chan", slug="lee-chan")],
    )
    warm(client, [other.get_absolute_url()])
    older = page_cache.cache.get(page_cache.STATE_KEY)
    story.headline = "Council passes the harbor budget, 7-2"
    story.save()
    # The state as a slower reader's check writes it, after the writer's.
    page_cache.cache.set(page_cache.STATE_KEY, older)
    # Changed behind the signals' back: shows only if the page is forgotten.
    Article.objects.filter(pk=other.pk).update(headline="Quietly changed")

    with time_machine.travel(timezone.now() + LATER):
        assert "7-2" in headlines(client, story.get_absolute_url())
        assert "Ferry timetable changes" in headlines(client, other.get_absolute_url())


@pytest.mark.django_db(transaction=True)
def test_a_change_whose_process_died_after_committing_still_reaches_readers(
    client, story, monkeypatch
):
    warm(client, pages(story))
    # The process dies between the commit and the raise.
    monkeypatch.setattr(page_cache, "apply_pending", lambda: None)
    story.headline = "Council passes the harbor budget, 7-2"
    story.save()
    monkeypatch.undo()
    assert Invalidation.objects.pending().count() == 1

    with time_machine.travel(timezone.now() + LATER):
        for path in pages(story):
            assert "7-2" in headlines(client, path), path
    assert not Invalidation.objects.pending().exists()


@pytest.mark.django_db(transaction=True)
def test_an_invalidation_commits_with_its_change_or_not_at_all(story):
    from django.db import transaction

    before = set(Invalidation.objects.values_list("pk", flat=True))
    with pytest.raises(RuntimeError), transaction.atomic():
        story.headline = "Never published"
        story.save()
        assert Invalidation.objects.exclude(pk__in=before).count() == 1
        raise RuntimeError("the save fails after the story was written")
    assert not Invalidation.objects.exclude(pk__in=before).exists()

    story.headline = "Published"
    story.save()
    assert Invalidation.objects.exclude(pk__in=before).applied().count() == 1


@pytest.mark.django_db
def test_cached_pages_are_still_served_while_the_database_is_unreachable(
    client, story, monkeypatch, caplog
):
    warm(client, pages(story))
    monkeypatch.setattr(page_cache, "_outbox_unreachable_until", 0.0)

    def unreachable():
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(page_cache, "_latest_invalidations", unreachable)
    with time_machine.travel(timezone.now() + LATER), caplog.at_level("WARNING"):
        for _ in range(3):
            for path in pages(story):
                assert "harbor budget" in headlines(client, path), path
    # Asked once, and said once: not by every reader while it is down.
    said = [r for r in caplog.records if "invalidation outbox" in r.getMessage()]
    assert len(said) == 1


@pytest.mark.django_db(transaction=True)
def test_a_cached_page_needs_no_query_while_the_state_is_verified(
    client, story, django_assert_num_queries
):
    url = story.get_absolute_url()
    warm(client, [url])
    with time_machine.travel(timezone.now() + LATER):
        with django_assert_num_queries(2):  # the outbox, checked once...
            client.get(url)
        with django_assert_num_queries(0):  # ...then trusted again for a while
            client.get(url)


@pytest.mark.django_db
def test_applied_invalidations_are_pruned_but_the_newest_is_kept(story):
    page_cache.content_changed()
    page_cache.apply_pending()
    long_ago = timezone.now() - timedelta(days=page_cache.APPLIED_KEPT_DAYS + 1)
    Invalidation.objects.update(applied_at=long_ago)
    newest = Invalidation.objects.latest("pk")

    page_cache.prune_applied()

    assert list(Invalidation.objects.all()) == [newest]


@pytest.mark.django_db
def test_a_slow_check_does_not_write_a_scheduled_time_away(
    client, story, django_capture_on_commit_callbacks
):
    """A reader checking the outbox with the state it read before a change was
    applied would write that state back over the one the change recorded, and the
    time the change scheduled (a story coming down) would never come."""
    client.get(story.get_absolute_url())
    before = page_cache.lookup().state  # a reader's, read now...
    comes_down = timezone.now() + timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        story.expires_at = comes_down
        story.save()
    page_cache._verify(before)  # ...checked after the change was applied

    assert page_cache.lookup().state.next_change == comes_down.timestamp()
    with time_machine.travel(comes_down + timedelta(seconds=1)):
        assert client.get(story.get_absolute_url()).status_code == 404
