"""Fresh pages held in each app process's memory: served without a trip to Redis
until a change is announced on Redis's channel, never past their ceiling, and never
while the process is not listening."""

import runpy
import threading
import time
from datetime import timedelta

import pytest
import redis
import time_machine
from django.core.cache import cache, caches
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError
from django.utils import timezone

from articles.models import Article
from delivery import held_pages, page_cache
from delivery.models import Invalidation
from readers import dependencies

from .factories import make_article, make_author, make_category
from .services import RedisServer
from .test_http_caching import SETTINGS_FILE
from .test_page_cache_servers import REDIS_URL

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pages_cached")]


@pytest.fixture
def redis_pages(settings, shared_redis):
    """The page cache in Redis, with pages held up to five seconds.

    The site's state is recorded before the process listens: recorded afresh, it
    announces a change, which would otherwise be heard in the middle of a test. And
    the wall clock stands still, so that no check of the outbox (due each second)
    falls in the middle of one; the holds' own clock, time.monotonic, runs on."""
    settings.CACHES = {
        "default": {
            "BACKEND": "delivery.redis_cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": shared_redis,
        }
    }
    held_pages.stop()
    with time_machine.travel(timezone.now(), tick=False):
        settings.NEWSROOM_PAGE_CACHE_LOCAL_SECONDS = 0  # (not listening yet)
        page_cache.lookup()
        settings.NEWSROOM_PAGE_CACHE_LOCAL_SECONDS = 5
        yield


@pytest.fixture
def story():
    return make_article(
        headline="Council passes the harbor budget",
        primary_category=make_category(name="Politics", slug="politics"),
        authors=[make_author(name="Maya Okafor")],
    )


def headline_shown(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return "Quietly changed" in response.content.decode()


def comes_true(condition, seconds):
    """Whether `condition()` is true within `seconds`, asked every 10 ms."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


def listening(seconds=5):
    """Whether this process listens for changes within `seconds` of asking."""
    return comes_true(lambda: held_pages.ticket() is not None, seconds)


def held_page(client, story):
    """The path of `story`'s page, once this process listens and holds the page:
    rendered and cached, then found fresh in Redis and held."""
    path = story.get_absolute_url()
    assert listening()
    headline_shown(client, path)
    headline_shown(client, path)
    return path


def changed_unannounced(story):
    """A change made as another process makes it, whose announcement is lost: the
    story's version raised in Redis, and no word on the channel."""
    Article.objects.filter(pk=story.pk).update(headline="Quietly changed")
    assert page_cache.bump([dependencies.story(story.pk)], announce=False)


def test_a_hot_page_is_served_from_memory_until_a_change_is_announced(
    client, story, redis_pages
):
    path = story.get_absolute_url()
    assert listening()
    headline_shown(client, path)  # rendered and cached
    headline_shown(client, path)  # found fresh in Redis, and held
    changed_unannounced(story)
    # Held: Redis is not asked, so the raised version goes unseen...
    assert not headline_shown(client, path)
    # ...until another process announces its change: then at once, not in 5 s.
    redis.Redis.from_url(REDIS_URL).publish(cache.make_key(held_pages.CHANNEL), 1)
    assert comes_true(lambda: headline_shown(client, path), seconds=1)


def test_a_change_made_here_reaches_held_pages_at_once(
    client, story, redis_pages, monkeypatch
):
    path = held_page(client, story)
    # Its announcement is not heard back in time: this process lets go on its own.
    monkeypatch.setattr(held_pages, "CHANNEL", "pages:elsewhere")
    story.refresh_from_db()
    story.headline = "Quietly changed"
    story.save()
    assert headline_shown(client, path)


def test_a_lost_announcement_is_late_by_the_ceiling_at_most(
    client, story, redis_pages, settings
):
    settings.NEWSROOM_PAGE_CACHE_LOCAL_SECONDS = 0.5
    path = held_page(client, story)
    changed_unannounced(story)
    assert not headline_shown(client, path)
    time.sleep(0.5)
    assert headline_shown(client, path)


def test_nothing_is_held_until_the_process_listens(
    client, story, redis_pages, monkeypatch
):
    """A subscription never confirmed (Redis's channel unreachable): every hit asks
    Redis, so a change whose announcement nobody hears is seen at once."""
    monkeypatch.setattr(held_pages, "_listen_until", lambda stopped: None)
    path = story.get_absolute_url()
    headline_shown(client, path)
    headline_shown(client, path)
    changed_unannounced(story)
    assert headline_shown(client, path)


def test_nothing_is_held_with_a_cache_in_local_memory(client, story, settings):
    settings.NEWSROOM_PAGE_CACHE_LOCAL_SECONDS = 5
    path = story.get_absolute_url()
    headline_shown(client, path)
    headline_shown(client, path)
    Article.objects.filter(pk=story.pk).update(headline="Quietly changed")
    page_cache.bump([dependencies.story(story.pk)])
    assert headline_shown(client, path)


def test_a_page_read_before_a_change_is_not_held_after_it(redis_pages):
    """A reader that read the cache, then was overtaken by an announcement, would
    hold what may be the page from before the change: the hold is refused."""
    assert listening()
    ticket = held_pages.ticket()
    held_pages.let_go()  # an announcement arrives meanwhile
    held_pages.hold("pages:page3:x", {"deps": {}}, page_cache.CACHE_DOWN, ticket)
    assert held_pages.held("pages:page3:x") is None
    held_pages.hold(
        "pages:page3:x", {"deps": {}}, page_cache.CACHE_DOWN, held_pages.ticket()
    )
    assert held_pages.held("pages:page3:x") is not None


def test_a_held_page_does_not_outlast_the_outbox_check(client, story, redis_pages):
    """A change whose writer could not reach Redis waits in the outbox for the
    check made each second: no held page is served past that check."""
    path = story.get_absolute_url()
    assert listening()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        headline_shown(client, path)
        headline_shown(client, path)  # held
        Article.objects.filter(pk=story.pk).update(headline="Quietly changed")
        Invalidation.objects.create(keys=dependencies.story(story.pk), hard=True)
        assert not headline_shown(client, path)  # the check not due yet
    later = start + timedelta(seconds=page_cache.VERIFY_SECONDS)
    with time_machine.travel(later, tick=False):
        assert headline_shown(client, path)


def test_a_time_a_change_schedules_reaches_the_pages_held_as_it_is_saved(
    client, story, redis_pages, monkeypatch, django_capture_on_commit_callbacks
):
    """A reader holding the page between the change's new versions and its new
    state would hold it with the state that knows nothing of the time it set: the
    change is announced once that state is recorded."""
    path = story.get_absolute_url()
    assert listening()
    start = timezone.now()
    record_state = page_cache._record_state

    def a_reader_meanwhile():
        client.get(path)  # rendered again, as the versions are new
        client.get(path)  # found fresh and held
        return record_state()

    with time_machine.travel(start, tick=False):
        headline_shown(client, path)
        monkeypatch.setattr(page_cache, "_record_state", a_reader_meanwhile)
        with django_capture_on_commit_callbacks(execute=True):
            story.refresh_from_db()
            story.expires_at = start + timedelta(seconds=0.5)
            story.save()
        monkeypatch.setattr(page_cache, "_record_state", record_state)
    with time_machine.travel(start + timedelta(seconds=0.6), tick=False):
        assert client.get(path).status_code == 404


def test_a_time_scheduled_by_a_change_the_cache_missed_is_kept(
    client, story, redis_pages
):
    """The outbox check applies a change whose writer could not reach the cache,
    and keeps the time it scheduled: the story comes down then, with no job."""
    url = story.get_absolute_url()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.get(url)
        # Saved while the cache was unreachable: in the outbox, not applied.
        Article.objects.filter(pk=story.pk).update(
            expires_at=start + timedelta(hours=1)
        )
        Invalidation.objects.create(keys=dependencies.story(story.pk))
    with time_machine.travel(
        start + timedelta(seconds=page_cache.VERIFY_SECONDS), tick=False
    ):
        assert client.get(url).status_code == 200  # checked: applied, time kept
    with time_machine.travel(start + timedelta(hours=1, seconds=1), tick=False):
        assert client.get(url).status_code == 404


def test_nothing_is_held_behind_an_edge_the_site_purges(
    client, story, redis_pages, settings
):
    """The edge asks again right after its purge: a page held by a process that
    missed the announcement would be kept there, so nothing is held."""
    assert listening()  # (what is refused is the purged edge, not the channel)
    settings.NEWSROOM_PURGERS = [
        {"BACKEND": "delivery.purgers.VarnishPurger", "OPTIONS": {"url": "http://x"}}
    ]
    path = story.get_absolute_url()
    headline_shown(client, path)
    headline_shown(client, path)
    changed_unannounced(story)
    assert headline_shown(client, path)


def test_a_subscription_gone_quiet_is_given_up(
    redis_pages, settings, monkeypatch, tmp_path
):
    """A connection that stops answering without closing (a firewall dropping it, a
    frozen server) would look like a quiet channel, and a process would hold pages
    through every change it no longer hears of."""
    monkeypatch.setattr(held_pages, "HEALTH_SECONDS", 0.5)
    monkeypatch.setattr(held_pages, "ANSWER_SECONDS", 0.5)
    server = RedisServer(tmp_path).start()
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": server.url}
    }
    held_pages.stop()
    try:
        assert listening()
        time.sleep(1.5)  # quiet, yet answering the pings
        assert held_pages.ticket() is not None
        server.freeze()
        assert comes_true(lambda: held_pages.ticket() is None, seconds=3)
    finally:
        held_pages.stop()
        server.stop()


def test_a_page_is_held_for_the_ceiling_from_when_it_was_read(redis_pages, settings):
    """A reader slow between reading the cache and holding the page does not
    stretch the ceiling a lost announcement is bounded by."""
    settings.NEWSROOM_PAGE_CACHE_LOCAL_SECONDS = 0.2
    assert listening()
    ticket = held_pages.ticket()
    time.sleep(0.2)  # read, then held a while later
    held_pages.hold("pages:page3:x", {"deps": {}}, page_cache.CACHE_DOWN, ticket)
    assert held_pages.held("pages:page3:x") is None


def test_no_thread_for_the_listener_costs_readers_nothing(
    client, story, redis_pages, monkeypatch
):
    def no_thread(thread):
        raise RuntimeError("can't start new thread")

    with monkeypatch.context() as patch:
        patch.setattr(threading.Thread, "start", no_thread)
        assert client.get(story.get_absolute_url()).status_code == 200
        assert not listening(seconds=0.2)
    assert listening()  # asked again by a later reader


def test_a_change_is_announced_even_if_recording_its_state_fails(
    client, story, redis_pages, monkeypatch
):
    """The versions are raised: whatever fails after, held pages are let go."""
    path = held_page(client, story)
    Article.objects.filter(pk=story.pk).update(headline="Quietly changed")
    pending = [Invalidation.objects.create(keys=dependencies.story(story.pk))]

    def database_gone():
        raise DatabaseError("the database went away")

    monkeypatch.setattr(page_cache, "_record_state", database_gone)
    with pytest.raises(DatabaseError):
        page_cache._apply(pending)
    assert headline_shown(client, path)


def counting_reads(monkeypatch):
    """A list that gets one item per read of the cache this process makes."""
    reads = []
    backend = caches["default"]
    get_many = backend.get_many

    def counted(*args, **kwargs):
        reads.append(args)
        return get_many(*args, **kwargs)

    monkeypatch.setattr(backend, "get_many", counted)
    return reads


def test_a_change_lets_go_only_of_the_pages_that_show_it(
    client, story, redis_pages, monkeypatch
):
    """A correction to one story does not send every other page held back to
    Redis: each announcement names the keys it raised."""
    other = make_article(headline="Ferry timetable", authors=story.authors.all())
    path, other_path = story.get_absolute_url(), other.get_absolute_url()
    assert listening()
    for _ in range(2):  # rendered and cached, then found fresh and held
        headline_shown(client, path)
        client.get(other_path)
    # Another process changes the first story, and says so.
    Article.objects.filter(pk=story.pk).update(headline="Quietly changed")
    key = dependencies.story(story.pk)
    sequence = page_cache.bump([key], announce=False)
    redis.Redis.from_url(REDIS_URL).publish(
        cache.make_key(held_pages.CHANNEL), f"{sequence} {key}"
    )
    assert comes_true(lambda: headline_shown(client, path), seconds=1)
    reads = counting_reads(monkeypatch)
    assert client.get(other_path).status_code == 200
    assert reads == []  # still held: Redis not asked


def test_a_page_is_held_past_the_ceiling_while_no_change_touches_it(
    client, story, redis_pages, settings, monkeypatch
):
    settings.NEWSROOM_PAGE_CACHE_LOCAL_SECONDS = 0.3
    path = held_page(client, story)
    time.sleep(0.6)  # twice the ceiling, every raise heard meanwhile (none)
    reads = counting_reads(monkeypatch)
    assert client.get(path).status_code == 200
    assert reads == []


def test_a_hold_is_refused_only_if_a_let_go_since_its_ticket_touched_it(
    redis_pages,
):
    assert listening()
    ticket = held_pages.ticket()
    held_pages.let_go({"story:1"})  # an announcement arrives meanwhile
    state = page_cache.CACHE_DOWN
    held_pages.hold("pages:page3:one", {"deps": {"story:1": 5}}, state, ticket)
    held_pages.hold("pages:page3:two", {"deps": {"story:2": 5}}, state, ticket)
    assert held_pages.held("pages:page3:one") is None
    assert held_pages.held("pages:page3:two") is not None


def test_a_raise_never_announced_lets_go_of_every_page_within_the_ceiling(
    client, story, redis_pages, settings
):
    """Its writer died after writing it down, or could not publish: the raise is
    waited for, then given up on, and nothing held is served meanwhile past the
    ceiling."""
    settings.NEWSROOM_PAGE_CACHE_LOCAL_SECONDS = 0.5
    held_page(client, story)
    key = next(iter(held_pages._held))
    assert page_cache.bump(["nothing:1"], announce=False)
    # Not served past the ceiling from the last reading before the raise...
    check = held_pages.CHECK_SECONDS
    assert comes_true(lambda: held_pages.held(key) is None, seconds=0.5 + check)
    # ...and let go of once it has been unheard that long (found unheard at the
    # first reading after it, given up on at a reading).
    assert comes_true(lambda: not held_pages._held, seconds=2 * check + 0.1)


def test_a_lost_announcement_is_found_out_though_a_later_one_is_heard(
    client, story, redis_pages, settings
):
    """Raises are written down in the order of their values, with their versions:
    a later raise, announced and heard, does not cover an earlier one whose
    announcement was lost."""
    settings.NEWSROOM_PAGE_CACHE_LOCAL_SECONDS = 0.5
    path = held_page(client, story)
    changed_unannounced(story)
    page_cache.bump(["nothing:2"])  # announced
    assert not headline_shown(client, path)
    assert comes_true(
        lambda: headline_shown(client, path), seconds=0.5 + held_pages.CHECK_SECONDS
    )


def test_a_raise_not_written_down_lets_go_of_every_page(
    client, story, redis_pages, settings
):
    """Code from before raises were written down (a deploy under way) raises a
    version with nothing written down: the next reading finds the sequence past
    the raises written down."""
    path = held_page(client, story)
    Article.objects.filter(pk=story.pk).update(headline="Quietly changed")
    sequence = cache.incr(page_cache.SEQUENCE_KEY)
    cache.set(page_cache.VERSION_PREFIX + dependencies.story(story.pk), sequence, None)
    # Found at a reading (one every CHECK_SECONDS), on a busy machine a little late.
    assert comes_true(
        lambda: headline_shown(client, path), seconds=3 * held_pages.CHECK_SECONDS
    )


@pytest.mark.parametrize("message", [b"", b"\xff\xfe garbled", b"site"])
def test_an_announcement_this_code_cannot_read_lets_go_of_everything(
    client, story, redis_pages, message
):
    path = held_page(client, story)
    changed_unannounced(story)
    redis.Redis.from_url(REDIS_URL).publish(cache.make_key(held_pages.CHANNEL), message)
    assert comes_true(lambda: headline_shown(client, path), seconds=1)
    assert held_pages.ticket() is not None  # still listening


def test_a_process_holds_so_many_pages_and_lets_go_of_the_one_served_longest_ago(
    client, redis_pages, settings, monkeypatch
):
    settings.NEWSROOM_PAGE_CACHE_LOCAL_PAGES = 2
    first, second, third = [make_article().get_absolute_url() for _ in range(3)]
    assert listening()
    for path in (first, second, third):  # rendered and cached
        assert client.get(path).status_code == 200
    for path in (first, second, first):  # found fresh and held; then served held
        assert client.get(path).status_code == 200
    assert client.get(third).status_code == 200  # held: the second let go of
    reads = counting_reads(monkeypatch)
    assert client.get(first).status_code == 200
    assert client.get(third).status_code == 200
    assert reads == []  # held
    assert client.get(second).status_code == 200
    assert len(reads) == 1  # served longest ago, though held after the first


def test_no_page_is_held_when_a_process_may_hold_none(
    client, story, redis_pages, settings, monkeypatch
):
    path = story.get_absolute_url()
    assert listening()
    settings.NEWSROOM_PAGE_CACHE_LOCAL_PAGES = 0
    assert held_pages.ticket() is None
    for _ in range(2):
        headline_shown(client, path)
    changed_unannounced(story)
    assert headline_shown(client, path)  # Redis asked: the change seen at once


def test_a_negative_number_of_pages_held_stops_the_site_starting(monkeypatch):
    monkeypatch.setenv("NEWSROOM_PAGE_CACHE_LOCAL_PAGES", "-1")
    with pytest.raises(ImproperlyConfigured, match="LOCAL_PAGES is 0 or more"):
        runpy.run_path(str(SETTINGS_FILE))
    monkeypatch.setenv("NEWSROOM_PAGE_CACHE_LOCAL_PAGES", "0")
    assert runpy.run_path(str(SETTINGS_FILE))["NEWSROOM_PAGE_CACHE_LOCAL_PAGES"] == 0
