"""
Fresh pages each app process holds in its memory, and the Redis channel that tells
every process to let go of them when something changes.

A page found fresh in the cache (page_cache.lookup) is held by the process that served
it and served again from memory, with no trip to Redis: a hot page then costs a
process a dictionary lookup, not a round trip (the trip cost more than Django's whole
floor view: bench/STORY.md). Held only while the process *listens*: each raise of
versions (page_cache.bump) is announced on a Redis channel once the site's state
that goes with it is recorded (a few milliseconds after the versions), and every
listening process lets go of all it holds as the message arrives, a fraction of a
millisecond later; the process that made the change lets go at once, before it
announces.

Should an announcement be lost (Redis restarting, a connection that died without a
word), a page is never held longer than NEWSROOM_PAGE_CACHE_LOCAL_SECONDS: the bound
on how late a change can be in that case. A connection that went quiet is noticed:
the listener pings Redis when it has heard nothing for HEALTH_SECONDS, and stops
listening if no answer comes. Nothing is held while the process is not listening:
before its subscription is confirmed, after its connection failed (it subscribes
again a few seconds later), or with a cache other than Redis (local memory, where
each process has a cache of its own anyway).

Nor is anything held behind an edge the site purges (NEWSROOM_PURGERS). There the
edge asks for a page again right after its purge, and a process that missed the
announcement would answer with the page from before the change, which the edge
would then keep for its s-maxage, not for a fraction of a second. The edge answers
the hot pages there anyway.

A reader that read the cache before an announcement, and would hold what it read
after it, must not: it takes a *ticket* before reading (the number of times this
process has let go so far, and the time, from which the page's hold is counted) and
the hold is refused if the process has let go since.
Redis's own client-side caching does the same work, but redis-py's support for it
needs Redis 7.4, newer than Debian's; the channel needs nothing past Redis 2.
"""

import logging
import os
import threading
import time
from collections import OrderedDict
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache, caches
from django_redis import get_redis_connection
from django_redis.cache import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# The channel, under the cache's key prefix (sites sharing a Redis keep apart).
CHANNEL = "pages:changed"
ENTRIES = 300
# How often the listener looks up from the channel (to stop, when told to), and how
# long it leaves Redis alone after its connection failed.
POLL_SECONDS = 0.5
RETRY_SECONDS = 5
# After this long without a word from Redis, the listener pings it; with no answer
# within ANSWER_SECONDS more, the connection is taken for dead.
HEALTH_SECONDS = 5
ANSWER_SECONDS = 2

_held = OrderedDict()  # page key: (entry, state, when it was read from the cache)
_lock = threading.Lock()
_let_go = 0  # how many times this process has let go of everything it held
_listener = None  # (process id, the event that stops it) of this process's listener
_listening = False


class Ticket(NamedTuple):
    let_go: int  # how many times the process had let go when it was taken
    taken_at: float  # time.monotonic() then: a held page's age counts from it


def ticket():
    """Taken by a reader before it reads the cache, to hold what it finds fresh:
    None if nothing may be held now."""
    if (
        not settings.NEWSROOM_PAGE_CACHE_LOCAL_SECONDS
        or settings.NEWSROOM_PURGERS
        or not _listen()
    ):
        return None
    return Ticket(_let_go, time.monotonic())


def hold(key, entry, state, ticket):
    """Hold the page cached under `key`, found fresh with the ticket `ticket`."""
    if ticket is None:
        return
    with _lock:
        if ticket.let_go != _let_go:  # let go since the reader read it: perhaps stale
            return
        _held[key] = (entry, state, ticket.taken_at)
        _held.move_to_end(key)
        while len(_held) > ENTRIES:
            _held.popitem(last=False)


def held(key):
    """The (entry, state) of the page this process holds under `key`, or None."""
    if not _held:
        return None
    with _lock:
        found = _held.get(key)
        seconds = settings.NEWSROOM_PAGE_CACHE_LOCAL_SECONDS
        if found is None or time.monotonic() - found[2] >= seconds:
            return None
        _held.move_to_end(key)
    return found[0], found[1]


def let_go():
    """Forget every page this process holds, and refuse holds read before now."""
    global _let_go
    with _lock:
        _let_go += 1
        _held.clear()


def announce(sequence):
    """Versions were raised (to `sequence`): let go here, and tell every process."""
    let_go()
    if not isinstance(caches["default"], RedisCache):
        return
    try:
        get_redis_connection("default").publish(cache.make_key(CHANNEL), sequence)
    except RedisError as error:
        # The versions are raised: other processes serve what they hold until it is
        # NEWSROOM_PAGE_CACHE_LOCAL_SECONDS old, no longer.
        logger.warning("Could not announce a change to the app processes: %s", error)


def stop():
    """Stop this process's listener (tests that change the cache's settings)."""
    global _listener, _listening
    if _listener is not None:
        _listener[1].set()
    _listener = None
    _listening = False
    let_go()


def _listen():
    """Whether this process listens on the channel; starts its listener if it has
    none (the first request in each worker process, since gunicorn forks)."""
    global _listener, _listening
    if _listener is not None and _listener[0] == os.getpid():
        return _listening
    with _lock:
        if _listener is None or _listener[0] != os.getpid():
            # Anything inherited from the parent process was never confirmed here.
            _listening = False
            _held.clear()
            stopped = threading.Event()
            _listener = (os.getpid(), stopped)
            if isinstance(caches["default"], RedisCache):
                try:
                    threading.Thread(
                        target=_listen_until,
                        args=(stopped,),
                        daemon=True,
                        name="held-pages-listener",
                    ).start()
                except RuntimeError as error:  # no thread to be had: asked again
                    _listener = None  # by the next reader; served unheld meanwhile
                    logger.warning("Could not start listening for changes: %s", error)
    return _listening


def _listen_until(stopped):
    """Let go of the held pages at each announcement, until `stopped` is set."""
    global _listening
    channel = cache.make_key(CHANNEL)
    while not stopped.is_set():
        pubsub = None
        try:
            pubsub = get_redis_connection("default").pubsub()
            pubsub.subscribe(channel)
            heard, pinged = time.monotonic(), False
            while not stopped.is_set():
                message = pubsub.get_message(timeout=POLL_SECONDS)
                if message is None:
                    # A connection dropped without a word (by a firewall, say) looks
                    # like a quiet channel: ask Redis after a while, and give up on
                    # the connection if it does not answer.
                    quiet = time.monotonic() - heard
                    if quiet >= HEALTH_SECONDS + ANSWER_SECONDS:
                        raise ConnectionError(f"no answer from Redis in {quiet:.0f} s")
                    if quiet >= HEALTH_SECONDS and not pinged:
                        pubsub.ping()
                        pinged = True
                    continue
                heard, pinged = time.monotonic(), False
                if message["type"] == "pong":
                    continue
                # Each other message lets go: a change, or a subscription confirmed
                # (the first, or again after redis-py reconnected, missing what was
                # said meanwhile).
                let_go()
                if message["type"] == "subscribe" and not stopped.is_set():
                    _listening = True
        except (RedisError, OSError) as error:
            logger.warning(
                "Not listening for changes (%s): pages are not held for %s s.",
                error,
                RETRY_SECONDS,
            )
        finally:
            if not stopped.is_set():  # (stop() has seen to it, for a new listener)
                _listening = False
                let_go()
            if pubsub is not None:
                pubsub.close()
        stopped.wait(RETRY_SECONDS)
