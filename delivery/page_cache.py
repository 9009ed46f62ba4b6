"""
Public pages cached by the server and by HTTP caches, fresh to within a second of any
change, on every app server and at the edge.

**What a page depends on.** A page rendered for anonymous readers records the keys of
what it shows (keys.py: a story, an author, a section, a tag, a picture, a list, the
navigation; and `site`, which every page shows). It is cached in Django's cache
(Redis in production) with the *version* each of its keys had, and sent to the edge
with its keys in a header. Each key's version is the value of one counter, the
*sequence*, at the last change to what the key names; a change raises the sequence
and gives that value to each of its keys. A cached page is served only while every
one of its keys still has the version it was rendered under: a change reaches exactly
the pages that show what changed, at once, on every app server, and no other page is
thrown away.

Versions are read before the page is rendered (the sequence with the page's lookup)
and checked after: a page that a change reached while it was being rendered is not
cached. A version the cache has lost (evicted, restarted) is a version that no
cached page matches: those pages are rendered again.

**No change lost.** A change is written to the outbox (delivery.models.Invalidation)
in the same transaction as the change itself, and applied to the cache, and purged at
the edge (purge.py), once it commits. A change the cache missed (Redis frozen,
partitioned or restarting, the process dying after the commit) waits in the outbox:
the *site state* records the newest change it accounts for, and is trusted only for
VERIFY_SECONDS after someone last checked the outbox. The first reader after that
checks it again (two index probes, about once a second for the whole site); a change
still pending is applied then; and if a version the cache has is below the sequence
a recent change gave it (Redis restored from an older snapshot), `site` is raised,
forgetting every page.

**Scheduled changes** (a story going public, or coming down, at its time) happen with
no write: the state records when the next one is (the function named by
NEWSROOM_NEXT_PUBLICATION), and the first reader after that time raises the keys of
what changes then (NEWSROOM_SCHEDULED_KEYS), once, and records the state again. No
page, in the cache or in a browser or a CDN, outlives the next scheduled change.

**Held in the process.** A page found fresh is held by the app process that served it
and served again from its memory, without asking Redis, until a change to what it
shows is announced (held_pages.py: every process lets go of the pages a change
touches as the change reaches Redis), for as long as the cache keeps it; and only
while the process has heard every change made up to NEWSROOM_PAGE_CACHE_LOCAL_SECONDS
ago, in case an announcement is lost; and, as any page, only while the site's state
it was read with is current and the state as the process last read it was checked
against the outbox within the second.

**Fragments.** A part of a page placed as a fragment (fragments.py: a story page's
links to other stories) is kept with keys of its own; when only those moved, that
part alone is rendered again and put in the kept page, which is kept no longer than
the rest of it was rendered NEWSROOM_PAGE_CACHE_SECONDS before. What many such
parts show in common (a story's link) can be kept in the cache under the versions of
its own keys (kept_values.py), read from the database once a change.

**No stampede.** When a cached page's keys have moved on, one reader renders it again
(holding a short lock) while the others wait for that render, briefly, rather than
all rendering it at once; none of them is served the copy from before the change.
(The edge, which cannot wait, serves its copy a little longer: a soft purge; a story
taken down, a *hard* change, is purged outright.)

**A page gone for everyone** (a story's address that shows nothing: taken down, and
asked for all day by readers following old links, not yet out, or no story at all) is
a 404 cached like a page, when the view says so by raising GoneForEveryone after
recording what decides it (the story's key): a story with that id made public raises
that key, and the 404 is forgotten.

Only anonymous GET and HEAD requests are answered from the cache; staff (anyone logged
in) always get a freshly rendered page marked `private, no-store`. Every public page
carries an ETag and a Last-Modified, answers conditional requests with 304, and allows
browsers (`max-age`) and shared caches such as a CDN (`s-maxage`) to keep it a little
while, never past the next scheduled change, nor, for a page with a fragment whose
choice lags (a story page's links), past its next whole render.
"""

import functools
import gzip
import hashlib
import logging
import math
import random
import time
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import DatabaseError, transaction
from django.db.models import Value
from django.db.models.functions import Concat
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)
from django.utils.http import http_date, parse_http_date_safe
from django.utils.module_loading import import_string
from django.views.defaults import page_not_found

from common.kept import Kept

from . import fragments, held_pages
from .keys import SITE, header, recording
from .models import Invalidation

logger = logging.getLogger(__name__)

# The names under which the page cache keeps what it knows in Django's cache.
STATE_KEY = "pages:state"
SEQUENCE_KEY = "pages:sequence"
# "page4": pages kept with the headers all the middleware inside ServeCachedPages
# adds, and gzipped (entries kept before lack some, and are not served).
PAGE_PREFIX = "pages:page4:"
VERSION_PREFIX = "pages:v:"
LOCK_PREFIX = "pages:lock:"
ASKED_PREFIX = "pages:asked:"
# Where a request's lookup is left for public_page, by whoever made it first: in
# request.META, which under WSGI is the environ that wsgi.py and Django share.
LOOKUP_META = "newsroom.page_lookup"

# How long to keep the state: long, since a change or a scheduled one replaces it...
STATE_SECONDS = 24 * 3600
# ... except when each process has a cache of its own (local memory: development
# and tests, where the page cache is off by default), so that a scheduled story
# another process saved is learnt of soon.
LOCAL_STATE_SECONDS = 60
# Versions outlive the pages that carry them; one forgotten only costs a render.
VERSION_SECONDS = 7 * 24 * 3600
# How long a state is trusted without checking the outbox for changes the cache may
# have missed: the longest a page rendered before a change can be served after it,
# should Redis miss that change.
VERIFY_SECONDS = 1.0
# How long one reader may hold a page's lock to render it again, and how long the
# others wait for that render (checking every RENDER_POLL_SECONDS) before rendering
# it themselves.
RENDER_LOCK_SECONDS = 5
RENDER_WAIT_SECONDS = 1.0
RENDER_POLL_SECONDS = 0.01
# A page kept only once asked for again (public_page's `cached=asked_again`) must be
# asked for again within this long.
ASKED_SECONDS = 600
# After the outbox could not be read (the database is down), how long this process
# serves the state as it is before asking again.
_outbox_unreachable_until = 0.0
# The names of the keys each page last depended on, as this process last saw it:
# asked for with the page, so that a hit is one trip to the cache, not two.
_known_deps = Kept(5000)  # page key: [VERSION_PREFIX + key name, ...]
# The site's state as this process last read it from the cache (or recorded it):
# what the pages it holds are served with (held_pages.py).
_state_seen = None
# How many of the newest invalidations a check of the outbox compares with the
# versions the cache has (see _verify).
LATEST_CHECKED = 20
# Applied invalidations are kept this long (the newest always), then pruned.
APPLIED_KEPT_DAYS = 7
# Headers of a cached page worth caching with it (Date, Vary and Cache-Control are
# set again on each answer), the policies the middleware inside ServeCachedPages
# adds included (all of it: it is first in MIDDLEWARE): a page served from the
# cache is answered before that middleware, or before Django's handler (wsgi.py).
# A changed policy (a deploy) reaches the pages kept as their time runs out
# (NEWSROOM_PAGE_CACHE_SECONDS), or at once after content_changed() (every page).
POLICY_HEADERS = (
    "Content-Security-Policy",
    "Content-Security-Policy-Report-Only",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Strict-Transport-Security",
)
CACHED_HEADERS = (
    "Content-Type",
    "Content-Language",
    "X-Robots-Tag",
    "ETag",
    "Last-Modified",
    *POLICY_HEADERS,
)
# A kept page is also kept gzipped, at this level, and sent so to readers whose
# browsers take it: every browser. Compressed once when it is kept, not once an
# answer (by nginx, say), and a fifth of the bytes to write. Level 3, not zlib's 6:
# on 17 of the news day's pages (stories, home, feed, tags, authors; 592 KB) it
# took 0.18 ms a page against 0.37 ms, for 11% more bytes (107 KB against 96 KB).
# Each page kept pays it once, and gzip's time was some 5% of a story page's
# render. (No secret is ever in a kept page, so compressing it beside what a
# reader typed, a search, tells nothing: BREACH needs a secret.)
GZIP_LEVEL = 3
# Every public page's answer varies with these request headers.
VARY = "Cookie, Accept-Encoding"
# Request headers that may make the answer a 304 or a 412; without any, the page is
# sent as it is.
CONDITIONAL_HEADERS = (
    "HTTP_IF_MATCH",
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_UNMODIFIED_SINCE",
)


def time_now():
    return timezone.now().timestamp()


class SiteState(NamedTuple):
    """What every cached page's freshness also depends on."""

    next_change: float  # when the next scheduled change happens (timestamp); 0: none
    # The newest invalidation in the outbox when the state was recorded or last
    # verified, and when that was (a timestamp).
    watermark: int = 0
    verified_at: float = 0.0

    def seconds_to_next_change(self):
        if not self.next_change:
            return None
        return max(0, int(self.next_change - time_now()))

    def is_current(self):
        """Whether no scheduled change has happened since it was recorded."""
        return not self.next_change or time_now() < self.next_change

    def needs_verifying(self):
        return time_now() - self.verified_at >= VERIFY_SECONDS


# A state that is never current, standing in for one the cache cannot keep.
CACHE_DOWN = SiteState(next_change=0)


class Lookup(NamedTuple):
    """What the cache said of a page: the site's state, the sequence before the page
    is rendered (None: the cache is down), the entry cached for it, whether that
    entry may be served as it is, and if not, the names of its keys that moved on."""

    state: SiteState
    sequence: int | None
    entry: dict | None
    fresh: bool
    moved: frozenset = frozenset()

    def __repr__(self):
        # Short: it is left in request.META, which error reports print whole.
        return f"<Lookup fresh={self.fresh} kept={self.entry is not None}>"


# Changes: written down with the change, applied once it commits.


def content_changed(keys=(SITE,), *, hard=False, changed=None):
    """What `keys` name has changed: forget the cached pages that show it.

    `hard`: it was taken down (unpublished, deleted, moved to a later time, past
    its take-down time): the edge purges the pages showing it outright, rather than
    serving its copy while it fetches a new one.

    `changed`: what changed, as JSON, for the keys that can only be named when the
    change is applied (NEWSROOM_MATCHED_KEYS: the searches kept then that find it).

    Written down in the outbox first, in the caller's transaction, so that the
    invalidation commits with the change or not at all; applied to the cache and
    purged at the edge once the transaction commits. If the cache cannot be told
    then, the next reader to verify the state applies it (see lookup).
    """
    Invalidation.objects.create(
        keys=" ".join(sorted(set(keys))), hard=hard, changed=changed
    )
    transaction.on_commit(apply_pending, robust=True)


def apply_pending():
    """Apply every invalidation not yet applied, and mark them applied once the
    cache has them.

    Run after a change commits. If the outbox cannot be read (the database gone a
    moment after the commit), every page is forgotten: this hook runs only because
    something changed. Only invalidations read before they are applied are marked;
    any committed since are applied by their own hooks.
    """
    try:
        pending = list(Invalidation.objects.pending())
    except DatabaseError:
        logger.warning("Could not read the invalidation outbox.", exc_info=True)
        bump([SITE])
        return
    if pending:
        _apply(pending)
        from . import purge

        purge.kick()


def _apply(pending):
    """Raise the versions of the keys of `pending` (invalidations) and mark them
    applied: the state recorded then, or None if the cache could not be told (they
    stay pending)."""
    matched = _matched_keys([row.changed for row in pending if row.changed])
    keys = {key for row in pending for key in row.keys.split()} | matched
    sequence = bump(keys, announce=False)
    if sequence is None:
        logger.warning(
            "Could not invalidate cached pages for %s change(s): the cache is "
            "unreachable. They stay in the outbox and are applied when it answers.",
            len(pending),
        )
        return None
    try:
        applied = {"applied_at": timezone.now(), "applied_sequence": sequence}
        if matched:  # their keys as applied, for the edge (purge.py)
            Invalidation.objects.filter(
                pk__in=[row.pk for row in pending if row.changed]
            ).update(keys=Concat("keys", Value(" " + " ".join(sorted(matched)))))
        Invalidation.objects.filter(pk__in=[row.pk for row in pending]).update(
            **applied
        )
        # Recorded again by the writer: the change may have scheduled a story.
        state = _record_state()
    finally:
        # Announced once the state is recorded (a page held before then would be
        # held with the old state, blind to a time the change scheduled), and
        # whatever happened meanwhile: the versions are raised.
        held_pages.announce(sequence, keys)
    if time.monotonic() % 100 < 1:  # now and then
        prune_applied()
    return state


def _matched_keys(changes):
    """The keys that the function NEWSROOM_MATCHED_KEYS names gives `changes` (the
    `changed` of invalidations being applied). Should it fail, every page is
    forgotten: a change is never lost to a fault in naming what it touches."""
    path = getattr(settings, "NEWSROOM_MATCHED_KEYS", "")
    if not (changes and path):
        return set()
    try:
        return set(import_string(path)(changes))
    except Exception:
        logger.exception("Could not name the pages %s change(s) touch.", len(changes))
        return {SITE}


def prune_applied():
    """Forget invalidations applied and purged long ago, keeping the newest (its id
    is the watermark states are compared with)."""
    newest = Invalidation.objects.order_by("-pk").values("pk")[:1]
    Invalidation.objects.applied().filter(
        applied_at__lt=timezone.now() - timedelta(days=APPLIED_KEPT_DAYS)
    ).exclude(pk__in=newest).delete()


def _newest_invalidation():
    return (
        Invalidation.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    )


def _latest_invalidations():
    """(the newest invalidation's id, {version's name: the highest sequence one of
    the latest few invalidations raising it was applied at}), read by the pk's
    index."""
    latest = Invalidation.objects.order_by("-pk").values_list(
        "pk", "keys", "applied_sequence"
    )[:LATEST_CHECKED]
    applied = {}
    for _pk, keys, sequence in latest:
        for key in keys.split() if sequence else ():
            name = VERSION_PREFIX + key
            applied[name] = max(applied.get(name, 0), sequence)
    return (latest[0][0] if latest else 0), applied


def _lost(applied):
    """Whether the cache has lost a change it was told of: a version below the
    sequence `applied` says it was raised to. (A version it has none of is one no
    cached page matches.)"""
    current = cache.get_many(list(applied))
    return any(current[name] < applied[name] for name in current)


def bump(keys, *, announce=True):
    """Give each of `keys` a new version: the next value of the sequence, which is
    also the time of the change (microseconds since the epoch, raised past the last
    value if the clock lags it). The value, or None if the cache could not be told.

    `announce`: have every process let go of the pages it holds (held_pages) now;
    else the caller announces the value once it has recorded what goes with it."""
    if hasattr(cache, "run_script"):  # Redis (redis_cache.py)
        sequence = cache.run_script(
            RAISE_SCRIPT,
            [SEQUENCE_KEY, held_pages.RAISES, *(VERSION_PREFIX + key for key in keys)],
            [time.time_ns() // 1000, VERSION_SECONDS, held_pages.RAISES_KEPT],
        )
        sequence = sequence and int(sequence)
    else:
        sequence = _raise(keys)
    if sequence is not None and announce:
        held_pages.announce(sequence, keys)
    return sequence


# A raise, done by Redis in one step: the sequence moved on (to the time, if it lags
# it), the new value written down among the raises that the processes holding pages
# read (held_pages.RAISES, the newest RAISES_KEPT of them kept), and given to each
# version. In one step, so that raises are written down in the order of their values
# and none is written down before its versions are set: held_pages.py counts on
# both. Values go through as Redis's strings (a Lua number prints 14 digits; a
# sequence has 16).
RAISE_SCRIPT = """
if redis.call('INCR', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], ARGV[1])
end
local sequence = redis.call('GET', KEYS[1])
redis.call('ZADD', KEYS[2], sequence, sequence)
redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -1 - tonumber(ARGV[3]))
for i = 3, #KEYS do
  redis.call('SET', KEYS[i], sequence, 'EX', ARGV[2])
end
return sequence
"""


def _raise(keys):
    """bump()'s raise in another cache (local memory: each process its own)."""
    try:
        sequence = cache.incr(SEQUENCE_KEY)  # None: the cache is down
    except ValueError:  # none stored (never read, or evicted)
        sequence = _start_sequence() and cache.incr(SEQUENCE_KEY)
    if sequence is None:
        return None
    now = time.time_ns() // 1000
    if sequence < now:
        sequence = cache.incr(SEQUENCE_KEY, now - sequence)
    versions = {VERSION_PREFIX + key: sequence for key in keys}
    if sequence is None or cache.set_many(versions, VERSION_SECONDS):
        return None  # (set_many answers the keys it failed to set)
    return sequence


def _start_sequence():
    """The sequence, begun if the cache has none: at the microseconds since the
    epoch, above any value an earlier, lost sequence reached, so that no version
    of it can match one cached before. None if the cache is down."""
    cache.add(SEQUENCE_KEY, time.time_ns() // 1000, timeout=None)
    return cache.get(SEQUENCE_KEY)


# The site's state: scheduled changes and the outbox's watermark.


def _record_state():
    """Find out the site's state now, and make it the cache's."""
    global _state_seen
    now = time_now()
    # The watermark first: a change committed after it is newer than the state
    # says, so the next check of the outbox records the state again (_verify).
    watermark = _newest_invalidation()
    found = _next_change()
    state = SiteState(
        next_change=found.timestamp() if found else 0,
        watermark=watermark,
        verified_at=now,
    )
    cache.set(STATE_KEY, tuple(state), _state_seconds(STATE_SECONDS))
    _state_seen = state
    return state


def _state_seconds(wanted):
    if isinstance(caches["default"], LocMemCache):
        return min(wanted, LOCAL_STATE_SECONDS)
    return wanted


def _record_afresh():
    """The state, recorded by a reader who found none (the cache is new, or lost it).

    What the lost state knew is unknown, a scheduled change passed meanwhile among
    it, so every page cached before is forgotten, by the one reader who records the
    state first."""
    state = SiteState(
        next_change=(found.timestamp() if (found := _next_change()) else 0),
        watermark=_newest_invalidation(),
        verified_at=time_now(),
    )
    if cache.add(STATE_KEY, tuple(state), _state_seconds(STATE_SECONDS)):
        bump([SITE])
        return state
    recorded = cache.get(STATE_KEY)
    return SiteState(*recorded) if recorded else CACHE_DOWN


def _next_change():
    """When the next scheduled change to public pages is, as the content says: the
    function named in NEWSROOM_NEXT_PUBLICATION returns a datetime or None."""
    path = getattr(settings, "NEWSROOM_NEXT_PUBLICATION", "")
    return import_string(path)() if path else None


def _scheduled_change(state):
    """The scheduled change `state` was waiting for has come: raise the keys of what
    changed then, once (whoever takes the lock), and record the next. The new
    state, or None while another reader is at it."""
    if not cache.add(LOCK_PREFIX + "schedule", 1, RENDER_LOCK_SECONDS):
        return None
    try:
        path = getattr(settings, "NEWSROOM_SCHEDULED_KEYS", "")
        at = datetime.fromtimestamp(state.next_change, tz=UTC)
        soft, hard = import_string(path)(at) if path else ({SITE}, set())
        sequence = bump(soft | hard, announce=False) if soft or hard else 0
        if sequence is None:
            return None
        try:
            return _record_state()
        finally:
            if sequence:
                held_pages.announce(sequence, soft | hard)  # (as in _apply)
    finally:
        cache.delete(LOCK_PREFIX + "schedule")


def _verify(state):
    """`state`, checked against the outbox: the same state, trusted for another
    VERIFY_SECONDS, if the cache has missed no change; else the changes it missed
    are applied first.

    A change the cache missed is one still pending (its raise failed, or its process
    died before raising), or one applied at a sequence the cache's is now below
    (Redis restored from a snapshot older than the raise: then every page is
    forgotten). The versions the latest changes gave tell that, not the state's
    watermark: a state recorded a moment after its change was marked applied, or
    written over by a reader's slower check, is no sign that the cache lost
    anything.

    With the database unreachable, nothing can change meanwhile: the state is served
    as it is.
    """
    global _outbox_unreachable_until
    if time.monotonic() < _outbox_unreachable_until:
        return state
    try:
        newest, applied = _latest_invalidations()
        pending = list(Invalidation.objects.pending())
    except DatabaseError as error:
        # Asked again in a moment, not by every reader meanwhile (nor logged by each).
        _outbox_unreachable_until = time.monotonic() + VERIFY_SECONDS
        logger.warning("Could not check the invalidation outbox: %s", error)
        return state
    if pending:
        # The state recorded with them is verified now, and knows any time they
        # scheduled (which the state read before them does not).
        return _apply(pending) or CACHE_DOWN  # (nothing served if Redis is down)
    if _lost(applied) and bump([SITE]) is None:
        return CACHE_DOWN
    if newest != state.watermark:
        # Changed since `state` was recorded: its writer recorded a state of its
        # own, perhaps with a time the change scheduled, which `state` does not know
        # and must not be written over with (nor must a slower writer's, older).
        return _record_state()
    verified = state._replace(watermark=newest, verified_at=time_now())
    cache.set(STATE_KEY, tuple(verified), _state_seconds(STATE_SECONDS))
    return verified


# Looking pages up and caching them.


def page_key(request):
    # Scheme and host included: pages carry absolute URLs (canonical, feeds).
    url = request.build_absolute_uri().encode()
    return PAGE_PREFIX + hashlib.md5(url, usedforsecurity=False).hexdigest()


def lookup(key=None, *, database=True):
    """What the cache has of the page cached under `key` (None: only the state):
    held by this process a moment ago, or else from the cache: the state, the
    sequence, the page and the versions of the keys this process last saw the page
    depend on, in one trip; a second only for versions it did not know to ask for
    (a page it has not seen, or one rendered since with other keys) or, once a
    second, after the state was verified (which may have raised some). The
    database is asked only when the state must be recorded or verified again;
    `database=False`: None then, for the caller to go through Django's handler,
    which looks after the connections (see wsgi.py)."""
    global _state_seen
    if key and (held := held_pages.held(key)):
        entry, state = held
        seen = _state_seen or CACHE_DOWN
        # Not past a scheduled change the state it was read with knows of, nor one
        # the state read since knows of; and not once the outbox is due its check
        # (a change the cache missed, its writer unable to reach Redis, is applied
        # by that check within a second).
        if state.is_current() and seen.is_current() and not seen.needs_verifying():
            # Answered as kept until the sooner of the two states' next changes.
            sooner = min(state, seen, key=lambda one: one.next_change or math.inf)
            return Lookup(sooner, 0, entry, True)
    ticket = held_pages.ticket()
    known = _known_deps.get(key, []) if key else []
    names = [STATE_KEY, SEQUENCE_KEY, key, *known] if key else [STATE_KEY, SEQUENCE_KEY]
    found = cache.get_many(names)
    sequence = found.get(SEQUENCE_KEY) or _start_sequence()
    if sequence is None:  # the cache is down
        return Lookup(CACHE_DOWN, None, None, False)
    state = found.get(STATE_KEY)
    if state is None:
        if not database:
            return None
        return Lookup(_record_afresh(), cache.get(SEQUENCE_KEY), None, False)
    state = SiteState(*state)
    verified = state.needs_verifying()
    if not database and (verified or not state.is_current()):
        return None
    if not state.is_current():
        state = _scheduled_change(state)
        if state is None:  # another reader is raising what changed
            return Lookup(CACHE_DOWN, None, None, False)
        return Lookup(state, cache.get(SEQUENCE_KEY), None, False)
    if verified:
        watermark = state.watermark
        state = _verify(state)
        if state is CACHE_DOWN:
            return Lookup(CACHE_DOWN, None, None, False)
        if state.watermark != watermark:
            # The check raised keys after the sequence was read: read it again, or
            # the page this reader renders would count as overtaken by them.
            sequence = cache.get(SEQUENCE_KEY) or sequence
    _state_seen = state
    entry = found.get(key) if key else None
    if entry is None:
        return Lookup(state, sequence, None, False)
    deps = entry["deps"]
    wanted = [VERSION_PREFIX + name for name in deps]
    if verified:
        current = cache.get_many(wanted)  # as they are now
    else:
        asked = set(known)
        current = {name: found[name] for name in wanted if name in found}
        missing = [name for name in wanted if name not in asked]
        if missing:
            current.update(cache.get_many(missing))
    if wanted != known:
        _known_deps.put(key, wanted)
    moved = frozenset(
        name
        for name, version in deps.items()
        if current.get(VERSION_PREFIX + name) != version
    )
    if not moved:
        held_pages.hold(key, entry, state, ticket)
    return Lookup(state, sequence, entry, not moved, moved)


def _wait_for_render(key):
    """The page another reader is rendering again, once it is cached: its Lookup,
    or None if it is not there within RENDER_WAIT_SECONDS (the renderer gave up or
    is slow: the waiter renders it itself)."""
    deadline = time.monotonic() + RENDER_WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(RENDER_POLL_SECONDS)
        found = lookup(key)
        if found.fresh:
            return found
        if found.entry is None or cache.get(LOCK_PREFIX + key) is None:
            return None  # gone, or the renderer is done without caching it
    return None


def _versions(keys, sequence):
    """The versions of `keys`, those the cache has none of set to `sequence` (read
    before the page was rendered), unless a change gives them one meanwhile; None
    if the cache could not say."""
    names = [VERSION_PREFIX + name for name in keys]
    # Those never given a version, or forgotten: as of the sequence read before
    # rendering. Only keys holding nothing are set, so a version a change gave one
    # meanwhile is kept (and marks the page overtaken).
    current = _setdefault_many(names, sequence, VERSION_SECONDS)
    if len(current) < len(names):
        return None
    return {name: current[VERSION_PREFIX + name] for name in keys}


def versions_now(keys):
    """{key: its version now} for `keys` (those never given one, or forgotten, as
    of the sequence now), or None if the cache cannot say. Read before what the
    keys name is read from the database, to keep it with them (kept_values.py)."""
    sequence = cache.get(SEQUENCE_KEY)
    return _versions(keys, sequence) if sequence else None


def _setdefault_many(names, value, timeout):
    """{name: what the cache holds} for each of `names`, `value` added under those
    it held nothing for: one trip to Redis (redis_cache.py), whether a first
    visit's page has a dozen keys never given a version or a page rendered again
    has them all; an add() each elsewhere."""
    if hasattr(cache, "setdefault_many"):
        return cache.setdefault_many(names, value, timeout)
    for name in names:
        cache.add(name, value, timeout)
    return cache.get_many(names)


class Layout(NamedTuple):
    """What of a page can be rendered again alone (fragments.py): the keys of the
    rest of it (the shell), the fragments placed in it, and when the whole page is
    to be rendered again (a timestamp: see lifetime())."""

    shell: frozenset
    fragments: list  # fragments.Placed, where they sit in the page
    renew_at: float

    def kept(self):
        """The layout as it is kept with the page: plain values only, so that a
        kept page is read back whatever this code becomes."""
        return {
            "shell": sorted(self.shell),
            "fragments": [
                (one.name, one.arguments, sorted(one.keys), one.start, one.end)
                for one in self.fragments
            ],
            "renew_at": self.renew_at,
        }

    @classmethod
    def of(cls, entry):
        """The layout of the kept page `entry`, or None: it has no fragment."""
        kept = entry.get("layout")
        if (
            not kept
            or "renew_at" not in kept  # kept by an earlier version: rendered whole
            or not all(fragments.is_known(one[0]) for one in kept["fragments"])
        ):
            return None
        return cls(
            frozenset(kept["shell"]),
            [
                fragments.Placed(name, arguments, frozenset(keys), "", start, end)
                for name, arguments, keys, start, end in kept["fragments"]
            ],
            kept["renew_at"],
        )


def lifetime():
    """How long to keep a page rendered whole now, in seconds: at random between
    (1 - NEWSROOM_PAGE_CACHE_SPREAD) and all of NEWSROOM_PAGE_CACHE_SECONDS, so
    that pages first asked in the same minute (after a cold start: Redis emptied,
    a new edge) do not all expire, and all wait for a render, in the same minute
    ten minutes later, and again ten minutes after that. Behind Varnish such a
    wave of expired pages became as many background fetches queued at the app,
    and a change took up to 30 s to reach readers (bench/NEWSDAY.md's notes)."""
    seconds = settings.NEWSROOM_PAGE_CACHE_SECONDS
    return seconds * (1 - random.uniform(0, settings.NEWSROOM_PAGE_CACHE_SPREAD))


def _store(key, response, versions, sequence, layout=None):
    """Cache `response` under `key` with the `versions` of its keys (see
    _overtaken: then it is not), and the `layout` of its fragments."""
    cached_headers = {h: response[h] for h in CACHED_HEADERS if response.has_header(h)}
    # What CommonMiddleware gives a fresh page and a cached one, answered before it,
    # would lack; with it gunicorn sends the page as it is, not in chunks.
    cached_headers["Content-Length"] = str(len(response.content))
    name, value = header(versions)
    cached_headers[name] = value
    entry = {
        "deps": versions,
        "content": response.content,
        "headers": cached_headers,
        "status": response.status_code,
    }
    zipped = gzip.compress(response.content, GZIP_LEVEL, mtime=0)
    if len(zipped) < len(response.content):
        entry["gzipped"] = {
            "content": zipped,
            "headers": {
                **cached_headers,
                "Content-Encoding": "gzip",
                "Content-Length": str(len(zipped)),
                # Another encoding of the same page: the same page for If-None-Match,
                # not the same bytes (RFC 9110, 8.8.3).
                "ETag": weak(cached_headers["ETag"]),
            },
        }
    if layout is None:
        seconds = math.ceil(lifetime())
    else:
        entry["layout"] = layout.kept()
        # Kept no longer than its whole render's lifetime, even if parts of it were
        # rendered since: the rest of it (its templates, its policies, the choice of
        # its links) is that old.
        seconds = max(1, math.ceil(layout.renew_at - time_now()))
    # Held by the processes that serve it no longer than it is kept (held_pages).
    entry["expires"] = time_now() + seconds
    cache.set(key, entry, seconds)


class GoneForEveryone(Http404):
    """Raised by a public view, after recording the keys that decide it, for a page
    that is missing for every reader alike until one of those keys changes (a story
    taken down: its own key). The 404 is cached as a page is."""


def _is_shareable(request, response, *, statuses=(200,)):
    """Whether `response` is the same for every anonymous reader: a plain page that
    sets no cookie and that the view has not marked for caching its own way."""
    session = getattr(request, "session", None)
    return (
        response.status_code in statuses
        and not response.streaming
        and not response.cookies
        and not response.has_header("Cache-Control")
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not (session is not None and session.modified)
    )


def private(response):
    """Mark `response` for this reader's eyes only: no cache may store it."""
    if response.has_header("Cache-Control"):
        del response["Cache-Control"]
    patch_cache_control(response, private=True, no_store=True)
    return response


def _for_one_reader(response):
    # A view that said how to cache its answer (a preview, say) knows best.
    if not response.has_header("Cache-Control"):
        private(response)
    patch_vary_headers(response, ["Cookie"])
    return response


def _public_cache_control(state, *, overtaken=False, kept_until=None):
    if overtaken:
        # Perhaps older than a change whose purge has passed the edge already: no
        # shared cache may keep it.
        return "public, max-age=0, s-maxage=0"
    browser = settings.NEWSROOM_BROWSER_CACHE_SECONDS
    shared = settings.NEWSROOM_SHARED_CACHE_SECONDS
    left = state.seconds_to_next_change()
    if kept_until is not None:
        # At least a second: s-maxage=0 would tell the edge not to keep it at all
        # (Varnish would pass every request for it to the app for two minutes).
        kept_left = max(1, math.ceil(kept_until - time_now()))
        left = kept_left if left is None else min(left, kept_left)
    if left is not None:
        # Nobody may keep the page past the moment a scheduled change reaches it,
        # nor past its whole render's time (kept_until).
        browser, shared = min(browser, left), min(shared, left)
    return f"public, max-age={browser}, s-maxage={shared}"


def _kept_until(entry):
    """When the kept page `entry` is next rendered whole, if it has a fragment whose
    choice lags (a story page's links: story_links.py): no cache downstream may keep
    it longer, so that the stories its links would now list (one published since)
    reach it within NEWSROOM_PAGE_CACHE_SECONDS at the edge too, not that plus the
    edge's own s-maxage. None for other pages, which every change reaches."""
    return entry.get("expires") if entry.get("layout") else None


def public_page(view=None, *, cached=True):
    """Serve the decorated view as a public page (see the module's docstring).

    `cached=False` gives the page its HTTP headers (and its keys) without caching it
    server side; a function of the request says for each request (asked_again).
    """
    if view is None:
        return functools.partial(public_page, cached=cached)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        if request.user.is_authenticated:
            return _for_one_reader(view(request, *args, **kwargs))

        key = (
            page_key(request)
            if settings.NEWSROOM_PAGE_CACHE_SECONDS
            and (cached(request) if callable(cached) else cached)
            else None
        )
        # ServeCachedPages has already asked the cache, and found no fresh page.
        found = request.META.get(LOOKUP_META) or lookup(key)
        if found.fresh:
            return answer_kept(request, found)
        locked = False
        if found.sequence is None:  # the cache is down: render, cache nothing
            key = None
        elif key and found.entry is not None:
            # A changed page: one reader renders it again, the others wait for it.
            locked = cache.add(LOCK_PREFIX + key, 1, RENDER_LOCK_SECONDS)
            rendered = None if locked else _wait_for_render(key)
            if rendered is not None:
                return answer_kept(request, rendered)
        try:
            if key and found.entry is not None:
                renewed = _render_fragments(request, key, found)
                if renewed is not None:
                    return renewed
            return _render(request, view, args, kwargs, key, found)
        except Http404:
            if key:
                cache.delete(key)  # gone
            raise
        finally:
            if locked and getattr(request, "pages_kept_on_the_way_out", False):
                # Released once the page is kept, not before: a reader waiting
                # for it must not find the lock gone and the page not yet there.
                request.page_lock = LOCK_PREFIX + key
            elif locked:
                cache.delete(LOCK_PREFIX + key)

    return wrapper


def asked_again(request):
    """Whether the page at `request`'s address was asked for before, within
    ASKED_SECONDS of its first asking (the mark is not renewed: once it lapses, the
    next asking starts again): for pages most of whose addresses are asked for once
    (searches), which, kept at the first asking, would only push out pages asked
    for all day. Each address asked for once costs the cache a few bytes instead of
    a page."""
    asked = ASKED_PREFIX + page_key(request).removeprefix(PAGE_PREFIX)
    return not cache.add(asked, 1, ASKED_SECONDS)


def _render(request, view, args, kwargs, key, found):
    """Render the page, recording its keys; cache it under `key` if it is one every
    anonymous reader may get (else forget what was cached under `key`)."""
    shareable = (200,)
    with recording() as keys, fragments.collecting() as placed:
        try:
            response = view(request, *args, **kwargs)
        except GoneForEveryone as gone:
            # Django's own 404 page, rendered here so that it can be kept.
            response = page_not_found(request, gone)
            shareable = (404,)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
    layout = None
    if placed:
        response.content, apart = fragments.cut(response.content, placed)
        kept_apart = {one.mark for one in apart}
        # What a fragment not kept apart shows is the rest of the page's.
        shell = frozenset(keys).union(
            *(one.keys for one in placed if one.mark not in kept_apart)
        )
        keys = shell.union(*(one.keys for one in apart))
        if apart:
            layout = Layout(shell, apart, time_now() + lifetime())
    if not _is_shareable(request, response, statuses=shareable):
        if key:
            cache.delete(key)  # gone (a 404 now, say)
        return _for_one_reader(response)
    versions = _versions(keys, found.sequence) if found.sequence else None
    _label(response, keys, versions)
    if versions and _overtaken(versions, found.sequence):
        # Perhaps rendered from data a change has since replaced, and perhaps after
        # that change's purge reached the edge: no cache may keep it.
        return answer(request, response, found.state, overtaken=True)
    kept_until = None
    if key and versions:
        if layout is not None:
            kept_until = layout.renew_at
        if getattr(request, "pages_kept_on_the_way_out", False):
            # ServeCachedPages keeps it on its way out, with the headers the
            # middleware between it and the view adds (the security policies),
            # even if this reader is answered 304.
            request.page_to_keep = (key, response, versions, found.sequence, layout)
        else:
            _store(key, response, versions, found.sequence, layout)
    return answer(request, response, found.state, kept_until=kept_until)


def _render_fragments(request, key, found):
    """The kept page `found`, with the fragments that show what changed rendered
    again and put in it, kept and answered; or None, for the page to be rendered
    whole: it has no fragment, something outside its fragments changed (or changes
    meanwhile), or the rest of it is as old as a page may be kept
    (NEWSROOM_PAGE_CACHE_SECONDS: a deploy's templates and policies reach it)."""
    entry = found.entry
    layout = Layout.of(entry)
    if (
        layout is None
        or not found.moved
        or found.moved & layout.shell
        or time_now() >= layout.renew_at
    ):
        return None
    content, pieces, placed, position, done = entry["content"], [], [], 0, 0
    for one in sorted(layout.fragments, key=lambda one: one.start):
        if one.keys & found.moved:
            try:
                html, keys = fragments.render(one.name, one.arguments)
            except Exception:
                # Kept by another version of the code, say, with other arguments.
                logger.exception("Could not render the fragment %s alone.", one.name)
                return None
            html = html.encode()
        else:
            html, keys = content[one.start : one.end], one.keys
        before = content[done : one.start]
        start = position + len(before)
        position = start + len(html)
        pieces += [before, html]
        placed.append(one._replace(keys=keys, start=start, end=position))
        done = one.end
    pieces.append(content[done:])
    renewed = layout._replace(fragments=placed)
    keys = renewed.shell.union(*(one.keys for one in placed))
    versions = _versions(keys, found.sequence)
    if (
        versions is None
        or _overtaken(versions, found.sequence)
        or any(versions[name] != entry["deps"][name] for name in layout.shell)
    ):
        return None  # (a change meanwhile: the whole render says what to send)
    response = HttpResponse(b"".join(pieces), status=entry.get("status", 200))
    for name, value in entry["headers"].items():
        if name not in ("ETag", "Content-Length"):
            response[name] = value
    _label(response, keys, versions)
    _store(key, response, versions, found.sequence, renewed)
    return answer(request, response, found.state, kept_until=renewed.renew_at)


def _label(response, keys, versions):
    """Give the page `response` its ETag, the time of the newest change to what it
    shows (versions are the times of changes; now, if the cache cannot say) and
    its `keys` for the edge."""
    set_response_etag(response)
    changed = max(versions.values()) / 1e6 if versions else time_now()
    if response.status_code == 200:
        # A missing story's 404 does not say when it last changed: that would tell
        # an embargoed story's saves (readers.views.ArticleDetailView.get_object).
        response["Last-Modified"] = http_date(min(changed, time_now()))
    name, value = header(keys)
    response[name] = value


def _overtaken(versions, sequence):
    """Whether one of the page's keys moved on since `sequence` was read, before the
    page was rendered: a change that the page may or may not show."""
    return any(version > sequence for version in versions.values())


def answer(request, response, state, *, overtaken=False, kept_until=None):
    """A public page's headers for anonymous readers, or 304 if they have it."""
    # Set, not patched: a shareable page has no Cache-Control of its own.
    response["Cache-Control"] = _public_cache_control(
        state, overtaken=overtaken, kept_until=kept_until
    )
    # Logged-in readers get other headers, and kept pages go gzipped to those who
    # take it: a shared cache must tell them apart.
    patch_vary_headers(response, VARY.split(", "))
    if not is_conditional(request):
        return response  # nothing to compare it with: most requests
    conditional = get_conditional_response(
        request,
        etag=response["ETag"],
        # A missing story's 404 has none (see _render).
        last_modified=parse_http_date_safe(response.get("Last-Modified")),
        response=response,
    )
    if conditional.status_code == 412:
        # A bare answer, for this reader: with the page's policies, as the
        # middleware that a kept page is answered before would have given it.
        for name in POLICY_HEADERS:
            if name in response:
                conditional[name] = response[name]
        private(conditional)
    return conditional


def fresh_page(request, *, database=True):
    """The Lookup of the page kept for `request` if it may be answered with it, or
    None: it is not a reader's GET or HEAD without a session, or no fresh page is
    kept for it (then the lookup is left in request.META for the rest), or
    (`database=False`) the cache's state must be checked against the database
    first."""
    if not (
        request.method in ("GET", "HEAD")
        and settings.NEWSROOM_PAGE_CACHE_SECONDS
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        # Static files (WhiteNoise, further in) are never pages: not looked for.
        and not request.path.startswith(settings.STATIC_URL)
    ):
        return None
    found = lookup(page_key(request), database=database)
    if found is None:
        return None
    if not found.fresh:
        request.META[LOOKUP_META] = found  # not asked for again
        return None
    return found


def answer_kept(request, found):
    """The answer to `request` with the page `found` fresh: see answer()."""
    kept = as_taken(request, found.entry)
    response = HttpResponse(
        kept["content"], headers=kept["headers"], status=found.entry.get("status", 200)
    )
    return answer(request, response, found.state, kept_until=_kept_until(found.entry))


def as_taken(request, entry):
    """The kept page `entry` as `request` takes it ({"content", "headers"}):
    gzipped if it accepts gzip and the page was kept so (see GZIP_LEVEL)."""
    zipped = entry.get("gzipped")
    if zipped and takes_gzip(request.META.get("HTTP_ACCEPT_ENCODING", "")):
        return zipped
    return entry


def takes_gzip(accept_encoding):
    """Whether an Accept-Encoding header takes gzip: it names it, with a weight
    above 0 or none (RFC 9110, 12.5.3: "gzip;q=0" refuses it)."""
    for coding in accept_encoding.split(","):
        name, _, parameters = coding.partition(";")
        if name.strip().lower() == "gzip":
            key, _, weight = parameters.partition("=")
            if key.strip().lower() != "q":
                return True
            try:
                return float(weight) > 0
            except ValueError:
                return False  # a weight that is none: the page whole, which any takes
    return False


def weak(etag):
    return etag if etag.startswith("W/") else "W/" + etag


def is_conditional(request):
    return any(header in request.META for header in CONDITIONAL_HEADERS)


def headers_kept(kept, found):
    """The headers answer_kept() gives the page `found` fresh, as taken (`kept`:
    as_taken), when the request is not conditional (most are), without building a
    response: what it was kept with, and what answer() adds."""
    return [
        *kept["headers"].items(),
        (
            "Cache-Control",
            _public_cache_control(found.state, kept_until=_kept_until(found.entry)),
        ),
        ("Vary", VARY),
    ]


class ServeCachedPages:
    """Answer a reader without a session from the cached pages before sessions,
    CSRF, authentication and URL routing run: most of a cached page's cost was
    theirs. (newsroom.wsgi answers most of them before Django's handler, even:
    wsgi.py. This answers the rest, and keeps the pages.)

    Only what `public_page` cached is found here: pages rendered for anonymous
    readers, whose keys have not moved on. Anyone with a session cookie (staff, or
    someone who was) goes the whole way, and staff are never served a cached page.

    A page is answered as it was kept, security policies included: this is first
    in MIDDLEWARE, the middleware after it runs only when a page is rendered, and
    this keeps what public_page rendered on its way out, with the policies that
    middleware gave it (POLICY_HEADERS).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.pages_kept_on_the_way_out = True
        # Unless wsgi.py asked already, before Django's handler.
        if LOOKUP_META not in request.META:
            found = fresh_page(request)
            if found is not None:
                return answer_kept(request, found)
        try:
            response = self.get_response(request)
            to_keep = getattr(request, "page_to_keep", None)
            # A page public_page rendered for every reader, sent as it is or as a
            # 304 (not one the middleware after this one failed on, or gave a
            # cookie, say).
            if (
                to_keep is not None
                and (response is to_keep[1] or response.status_code == 304)
                and not response.cookies
            ):
                key, rendered, versions, sequence, layout = to_keep
                # The policies were given to the answer sent.
                for name in POLICY_HEADERS:
                    if name in response:
                        rendered[name] = response[name]
                _store(key, rendered, versions, sequence, layout)
        finally:
            lock = getattr(request, "page_lock", None)
            if lock:
                cache.delete(lock)
        return response
