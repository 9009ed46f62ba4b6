"""
Fresh pages each app process holds in its memory, and the Redis channel that tells
every process which of them to let go of when something changes.

A page found fresh in the cache (page_cache.lookup) is held by the process that served
it and served again from memory, with no trip to Redis: a hot page then costs a
process a dictionary lookup, not a round trip (the trip cost more than Django's whole
floor view: bench/STORY.md). Held only while the process *listens*: each raise of
versions (page_cache.bump) is announced on a Redis channel, with the keys it raised,
once the site's state that goes with it is recorded (a few milliseconds after the
versions), and every listening process lets go of the pages it holds that show one
of those keys as the message arrives, a fraction of a millisecond later; the process
that made the change lets go at once, before it announces. The other pages it holds
are still fresh: a story's correction does not throw away every other story. A
process holds up to NEWSROOM_PAGE_CACHE_LOCAL_PAGES pages, and lets go of the one it
served longest ago to hold another.

**No raise goes unheard for long.** Each raise is also written down in Redis, with
its versions and in one step (page_cache.RAISE_SCRIPT; RAISES: a sorted set of the
sequences raised, the newest RAISES_KEPT), and each process's listener reads the
list every CHECK_SECONDS. A process is *caught up* as of a reading in which it had
heard every raise listed; its held pages are served only while it was caught up
within NEWSROOM_PAGE_CACHE_LOCAL_SECONDS. An announcement that never comes (its
writer died after raising, the publish failed) is waited for that long, and then
every held page is let go of; so is everything at once when the sequence has moved
past the raises written down (a raise by code from before they were). So a change
is late by NEWSROOM_PAGE_CACHE_LOCAL_SECONDS at most, however long a page is held,
and a page is held no longer than it is kept in the cache (which bounds how late a
"related stories" block may be: page_cache.py).

A connection that went quiet is noticed: the listener pings Redis when it has heard
nothing for HEALTH_SECONDS, and stops listening if no answer comes. Nothing is held
while the process is not listening: before its subscription is confirmed, after its
connection failed (it subscribes again a few seconds later), or with a cache other
than Redis (local memory, where each process has a cache of its own anyway).

Nor is anything held behind an edge the site purges (NEWSROOM_PURGERS). There the
edge asks for a page again right after its purge, and a process that missed the
announcement would answer with the page from before the change, which the edge
would then keep for its s-maxage, not for a fraction of a second. The edge answers
the hot pages there anyway.

A reader that read the cache before an announcement, and would hold what it read
after it, must not if the announcement touched it: it takes a *ticket* before
reading (how many times this process has let go so far, and the time), and the hold
is refused if the process has since let go of everything, or of one of the page's
keys, or if the ticket is older than NEWSROOM_PAGE_CACHE_LOCAL_SECONDS.
Redis's own client-side caching does the same work, but redis-py's support for it
needs Redis 7.4, newer than Debian's; the channel needs nothing past Redis 2.
"""

import logging
import math
import os
import threading
import time
from collections import OrderedDict, deque
from typing import NamedTuple

import redis
from django.conf import settings
from django.core.cache import cache, caches
from django_redis import get_redis_connection
from django_redis.cache import RedisCache
from redis.exceptions import RedisError

from .keys import SITE

logger = logging.getLogger(__name__)

# The channel, and the raises written down, under the cache's key prefix (sites
# sharing a Redis keep apart).
CHANNEL = "pages:changed"
RAISES = "pages:raises"
# How many raises stay written down: far more than are made while a listener reads
# them (one that has not read them for STALLED_SECONDS lets go of everything).
RAISES_KEPT = 1000
STALLED_SECONDS = 30
# How often the listener reads the raises written down (and looks up from the
# channel, to stop when told to): often enough that a process is caught up twice
# within the default NEWSROOM_PAGE_CACHE_LOCAL_SECONDS; each wake costs it about half
# a millisecond of CPU. And how long it leaves Redis alone after its connection
# failed.
CHECK_SECONDS = 0.2
RETRY_SECONDS = 5
# After this long without a word from Redis, the listener pings it; with no answer
# within ANSWER_SECONDS more, the connection is taken for dead.
HEALTH_SECONDS = 5
ANSWER_SECONDS = 2
# How many of its latest let-goes a process remembers, for the holds of readers who
# read the cache before them (a ticket older than all of them is refused).
LET_GO_KEPT = 64


class Held(NamedTuple):
    entry: dict
    state: object  # the site's state read with it (page_cache.SiteState)
    until: float  # time.monotonic() from which it is no longer served
    # The names of its keys, a set: an announcement's few keys are looked up in it,
    # not each of the page's dozens in them, for every page held.
    deps: frozenset


_held = OrderedDict()  # page key: Held
_lock = threading.Lock()
_let_go = 0  # how many times this process has let go of held pages
_let_go_of = deque(maxlen=LET_GO_KEPT)  # (count after, keys let go of; None: all)
# time.monotonic() as of which this process had heard every raise: none yet.
_caught_up_at = -math.inf
_listener = None  # (process id, the event that stops it) of this process's listener
_listening = False


class Ticket(NamedTuple):
    let_go: int  # how many times the process had let go when it was taken
    taken_at: float  # time.monotonic() then


def ticket():
    """Taken by a reader before it reads the cache, to hold what it finds fresh:
    None if nothing may be held now."""
    if (
        not settings.NEWSROOM_PAGE_CACHE_LOCAL_SECONDS
        or not settings.NEWSROOM_PAGE_CACHE_LOCAL_PAGES
        or settings.NEWSROOM_PURGERS
        or not _listen()
    ):
        return None
    return Ticket(_let_go, time.monotonic())


def hold(key, entry, state, ticket):
    """Hold the page `entry` cached under `key`, found fresh with the site's state
    `state` and the ticket `ticket`: as long as the cache keeps it (its `expires`,
    a timestamp; no longer than NEWSROOM_PAGE_CACHE_SECONDS, whatever the clock of
    the process that kept it says), or for NEWSROOM_PAGE_CACHE_LOCAL_SECONDS if it
    does not say."""
    if ticket is None:
        return
    seconds = settings.NEWSROOM_PAGE_CACHE_LOCAL_SECONDS
    now = time.monotonic()
    if now - ticket.taken_at >= seconds:
        return  # read so long ago that a raise it missed may have been given up on
    until = ticket.taken_at + seconds
    if expires := entry.get("expires"):
        kept = min(expires - time.time(), settings.NEWSROOM_PAGE_CACHE_SECONDS)
        until = now + kept
    with _lock:
        if _let_go_since(ticket.let_go, entry["deps"]):
            return  # let go since the reader read it: perhaps stale
        _held[key] = Held(entry, state, until, frozenset(entry["deps"]))
        _held.move_to_end(key)
        while len(_held) > settings.NEWSROOM_PAGE_CACHE_LOCAL_PAGES:
            _held.popitem(last=False)


def _let_go_since(count, deps):
    """Whether this process has let go, since it had let go `count` times, of
    everything or of pages showing one of `deps` (names)."""
    if count == _let_go:
        return False
    if not _let_go_of or _let_go_of[0][0] > count + 1:
        return True  # not all remembered
    return any(
        keys is None or not keys.isdisjoint(deps)
        for after, keys in _let_go_of
        if after > count
    )


def held(key):
    """The (entry, state) of the page this process holds under `key`, or None."""
    if not _held:
        return None
    with _lock:
        found = _held.get(key)
        now = time.monotonic()
        if (
            found is None
            or now >= found.until
            or now - _caught_up_at >= settings.NEWSROOM_PAGE_CACHE_LOCAL_SECONDS
        ):
            return None
        _held.move_to_end(key)
    return found.entry, found.state


def let_go(keys=None):
    """Forget the pages this process holds that show one of `keys` (None, or the
    site's key: every page), and refuse such holds read before now."""
    global _let_go
    with _lock:
        _let_go += 1
        if keys is None or SITE in keys:
            _held.clear()
            _let_go_of.append((_let_go, None))
            return
        keys = frozenset(keys)
        for key in [key for key, one in _held.items() if not keys.isdisjoint(one.deps)]:
            del _held[key]
        _let_go_of.append((_let_go, keys))


def announce(sequence, keys):
    """Versions of `keys` were raised (to `sequence`): let go here, and tell every
    process."""
    let_go(keys)
    if not isinstance(caches["default"], RedisCache):
        return
    try:
        get_redis_connection("default").publish(
            cache.make_key(CHANNEL), " ".join([str(sequence), *sorted(keys)])
        )
    except RedisError as error:
        # The versions are raised, and the raise written down: other processes
        # serve nothing they hold once they find it unannounced, and let go of
        # everything NEWSROOM_PAGE_CACHE_LOCAL_SECONDS later.
        logger.warning("Could not announce a change to the app processes: %s", error)


def stop():
    """Stop this process's listener (tests that change the cache's settings)."""
    global _listener, _listening, _caught_up_at
    with _lock:
        if _listener is not None:
            _listener[1].set()
        _listener = None
        _listening = False
        _caught_up_at = -math.inf
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


class _Raises:
    """The raises written down in Redis, against those this process has heard
    announced: the listener's, read every CHECK_SECONDS once its subscription is
    confirmed. (A raise is written down with its versions, in one step, in the
    order of the sequence: page_cache.RAISE_SCRIPT.)"""

    def __init__(self, connection):
        from .page_cache import SEQUENCE_KEY  # (page_cache imports this module)

        # A connection of its own, with a timeout (the cache's may have none): a
        # Redis that stopped answering stops the listener, not just its readings.
        pool = connection.connection_pool
        self.connection = redis.Redis(
            connection_pool=redis.ConnectionPool(
                connection_class=pool.connection_class,
                **{**pool.connection_kwargs, "socket_timeout": ANSWER_SECONDS},
            )
        )
        self.name = cache.make_key(RAISES)
        self.sequence = cache.make_key(SEQUENCE_KEY)
        self.since = 0  # the newest raise accounted for
        self.heard = set()
        # Raises found unheard: {sequence: (when first found so, the reading before)}
        self.unheard = {}
        self.checked_at = time.monotonic()

    def close(self):
        self.connection.close()
        self.connection.connection_pool.disconnect()

    def start(self):
        """Once subscribed: every raise written down by now is accounted for (a
        reader reads what it raised, and whatever is announced later is heard)."""
        *_, self.since = self._read()
        self.heard.clear()
        self.unheard.clear()
        self.checked_at = time.monotonic()

    def heard_of(self, message):
        """The keys the announcement `message` says were raised, or None: every
        page (an announcement this code cannot read)."""
        if isinstance(message, bytes):
            message = message.decode(errors="replace")
        sequence, *keys = str(message).split() or [""]
        try:
            self.heard.add(int(sequence))
        except ValueError:
            return None
        return frozenset(keys) or None

    def _read(self):
        """(the raises written down since the last reading, whether raises may have
        been pruned unread, the sequence: the newest raise, written down or not),
        read together."""
        pipeline = self.connection.pipeline(transaction=True)
        pipeline.zrangebyscore(self.name, f"({self.since}", "+inf")
        pipeline.zrange(self.name, 0, 0, withscores=True)
        pipeline.zcard(self.name)
        pipeline.get(self.sequence)
        listed, oldest, kept, sequence = pipeline.execute()
        pruned = kept >= RAISES_KEPT and bool(oldest) and oldest[0][1] > self.since
        return [int(one) for one in listed], pruned, int(sequence or 0)

    def check(self):
        """Read the raises written down since the last reading. This process is
        caught up as of the last reading before the oldest raise it has not heard
        (as of this one, if none); a raise unheard for
        NEWSROOM_PAGE_CACHE_LOCAL_SECONDS is given up on, and every page let go of.
        So is everything when the sequence is not where the raises written down
        say (moved by code from before raises were written down, in a deploy; or
        started again), or raises may have been pruned unread (a listener stalled,
        or a flood of them)."""
        global _caught_up_at
        now = time.monotonic()
        if now - self.checked_at < CHECK_SECONDS:
            return
        before, self.checked_at = self.checked_at, now
        listed, pruned, sequence = self._read()
        for one in listed:
            self.unheard.setdefault(one, (now, before))
        for one in self.heard & self.unheard.keys():
            del self.unheard[one]
        newest = max(listed, default=self.since)
        given_up = any(
            now - first >= settings.NEWSROOM_PAGE_CACHE_LOCAL_SECONDS
            for first, _ in self.unheard.values()
        )
        if given_up or pruned or now - before >= STALLED_SECONDS or sequence != newest:
            logger.warning(
                "A change to the pages was not announced here, or not written "
                "down: every page held is let go of."
            )
            let_go()
            self.unheard.clear()
        self.since = sequence  # (the newest raise but in the cases above)
        self.heard = {one for one in self.heard if one > self.since}
        _caught_up_at = min((was for _, was in self.unheard.values()), default=now)


def _listen_until(stopped):
    """Let go of the held pages each announcement names, until `stopped` is set."""
    global _listening, _caught_up_at
    channel = cache.make_key(CHANNEL)
    while not stopped.is_set():
        pubsub = raises = None
        try:
            connection = get_redis_connection("default")
            raises = _Raises(connection)
            pubsub = connection.pubsub()
            pubsub.subscribe(channel)
            heard, pinged = time.monotonic(), False
            while not stopped.is_set():
                if _listening:
                    raises.check()
                message = pubsub.get_message(timeout=CHECK_SECONDS)
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
                if message["type"] == "message":
                    let_go(raises.heard_of(message["data"]))
                    continue
                # A subscription confirmed (the first, or again after redis-py
                # reconnected, missing what was said meanwhile): every page let
                # go of; caught up as of now.
                let_go()
                if message["type"] == "subscribe":
                    raises.start()
                    with _lock:
                        if not stopped.is_set():  # (else a new listener's to say)
                            _caught_up_at = time.monotonic()
                            _listening = True
        except Exception as error:  # Redis's, or a bug: tried again in a while
            logger.warning(
                "Not listening for changes (%s): pages are not held for %s s.",
                error,
                RETRY_SECONDS,
            )
        finally:
            with _lock:
                stopping = stopped.is_set()  # (then stop() has seen to it)
                if not stopping:
                    _listening = False
                    _caught_up_at = -math.inf
            if not stopping:
                let_go()
            if pubsub is not None:
                pubsub.close()
            if raises is not None:
                raises.close()
        stopped.wait(RETRY_SECONDS)
