"""
Public pages cached by the server and by HTTP caches, never out of date for long.

Server side, a rendered page is cached in Django's cache (Redis in production) with
the *site state* it was rendered under, and served only while that state is still
the site's. The state names the *content generation*, one number in the shared cache
raised whenever anything a public page shows changes (readers/invalidation.py says
when), so raising it makes every cached page stale at once, on every app server,
with no list of pages to forget; the old entries are simply rendered again or
expire. A scheduled story changes pages without any write, so the state also
records when the next scheduled publication is (asked of the function named in the
setting NEWSROOM_NEXT_PUBLICATION by whoever records the state), and is recorded
anew, with the same effect, once that time has passed.

A change is also written down in the database, in the same transaction as the
change itself (delivery.models.Invalidation, an outbox), and marked applied once the
generation has been raised for it. A raise that fails (Redis frozen, partitioned or
restarting, or the process dying between the commit and the raise) is therefore never
lost: the state records the newest change it accounts for, and is trusted only for
VERIFY_SECONDS after someone last checked the outbox. The first reader after that
checks it again (two index probes, about once a second for the whole site); a change
still pending, or newer than the state (a Redis restored from an older snapshot),
raises the generation before any page is served. So no page rendered before a change
is served more than VERIFY_SECONDS after it, whatever Redis went through.

A cached page costs one trip to the cache: the generation, the state and the page
are read together (one MGET), and the page is served only if all three agree.
Anything else (a writer between raising the generation and recording its state, a
state lost or past its next publication) is healed by the reader that finds it: it
records the state of the current generation itself, with one query, and never
raises the generation, so that readers racing a writer cannot set off more raises.

Only anonymous GET and HEAD requests are answered from the cache; staff (anyone logged
in) always get a freshly rendered page marked `private, no-store`. Every public page
carries an ETag and a Last-Modified, answers conditional requests with 304, and
allows browsers (`max-age`) and shared caches such as a CDN (`s-maxage`) to keep it
a little while, never past the next scheduled publication.
"""

import functools
import hashlib
import logging
import random
import time
from datetime import timedelta
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import DatabaseError, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)
from django.utils.http import http_date, parse_http_date_safe
from django.utils.module_loading import import_string

from .models import Invalidation

logger = logging.getLogger(__name__)

# The content generation: a counter, raised by writers only.
GENERATION_KEY = "pages:generation"
# The site's state (a SiteState as a tuple): under one fixed key, read with the
# generation and the page in one trip.
STATE_KEY = "pages:state"
# How long to keep the state: long, since a new generation or publication replaces
# it; when it expires it is simply recorded again (and the pages rendered again)...
STATE_SECONDS = 24 * 3600
# ... except when each process has a cache of its own (local memory), so that a
# change made through another process is learnt of soon (the state is then recorded
# again every few seconds).
PROVISIONAL_SECONDS = 5
# How long a state is trusted without checking the outbox for changes the cache may
# have missed: the longest a page rendered before a change can be served after it,
# should Redis miss that change's raise.
VERIFY_SECONDS = 1.0
# After the outbox could not be read (the database is down), how long this process
# serves the state as it is before asking again.
_outbox_unreachable_until = 0.0
# Applied invalidations are kept this long (the newest always), then pruned.
APPLIED_KEPT_DAYS = 7
# Headers of a cached page worth caching with it (Date, Vary and Cache-Control are set
# again on each answer).
CACHED_HEADERS = (
    "Content-Type",
    "Content-Language",
    "X-Robots-Tag",
    "ETag",
    "Last-Modified",
)
# Request headers that may make the answer a 304 or a 412; without any, the page is
# sent as it is.
CONDITIONAL_HEADERS = (
    "HTTP_IF_MATCH",
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_UNMODIFIED_SINCE",
)


class SiteState(NamedTuple):
    """What every public page's caching depends on."""

    generation: int | None  # None when the cache is down
    since: float  # when public content last changed, as far as anyone knows
    next_publication: float  # when the next scheduled story goes public; 0: none
    # Tells apart two records of one generation's state (two readers healing it at
    # once, or before and after a scheduled publication): a page is served only
    # under the very record it was rendered under.
    recording: int = 0
    # The newest invalidation in the outbox when the state was recorded or last
    # verified, and when that was (a timestamp).
    watermark: int = 0
    verified_at: float = 0.0

    @property
    def identity(self):
        """What a page is cached under: re-verifying the state keeps it."""
        return (self.generation, self.recording)

    def seconds_to_next_publication(self):
        if not self.next_publication:
            return None
        return max(0, int(self.next_publication - timezone.now().timestamp()))

    def is_current(self, generation):
        """Whether pages rendered under this state may still be served."""
        return self.generation == generation and (
            not self.next_publication
            or timezone.now().timestamp() < self.next_publication
        )

    def needs_verifying(self):
        return timezone.now().timestamp() - self.verified_at >= VERIFY_SECONDS


def content_changed(keys=("*",)):
    """Something public pages show has changed: forget every cached page.

    Written down in the outbox first, in the caller's transaction, so that the
    invalidation commits with the change or not at all; applied to the cache once the
    transaction commits. If the cache cannot be told then, the next reader to
    verify the state applies it (see site_state).
    """
    Invalidation.objects.create(keys=" ".join(keys))
    transaction.on_commit(apply_pending, robust=True)


def apply_pending():
    """Raise the generation for every invalidation not yet applied, and mark them
    applied once it is raised.

    Run after a change commits. The generation is raised even if the outbox cannot
    be read (the database gone a moment after the commit): this hook runs only
    because something changed. Only invalidations read before the raise are marked
    applied; any committed since are raised for by their own hooks.
    """
    try:
        pending = list(Invalidation.objects.pending().values_list("pk", flat=True))
    except DatabaseError:
        logger.warning("Could not read the invalidation outbox.", exc_info=True)
        _raise_generation()
        return
    if pending:
        _announce(pending)


def _announce(pending):
    """Start a new generation for the `pending` invalidations (ids) and mark them
    applied: the new generation's state, or None if the cache could not be told (they
    stay pending, for the next reader who verifies the state)."""
    state = _raise_generation()
    if state is None:
        logger.warning(
            "Could not invalidate cached pages for %s change(s): the cache is "
            "unreachable. They stay in the outbox and are applied when it answers.",
            len(pending),
        )
        return None
    if pending:
        Invalidation.objects.filter(pk__in=pending).update(applied_at=timezone.now())
        if random.random() < 0.01:
            prune_applied()
    return state


def prune_applied():
    """Forget invalidations applied long ago, keeping the newest (its id is the
    watermark states are compared with)."""
    newest = Invalidation.objects.order_by("-pk").values("pk")[:1]
    Invalidation.objects.applied().filter(
        applied_at__lt=timezone.now() - timedelta(days=APPLIED_KEPT_DAYS)
    ).exclude(pk__in=newest).delete()


def _newest_invalidation():
    return (
        Invalidation.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    )


def _raise_generation(keep_state=STATE_SECONDS):
    """Start a new content generation and record its state: that state, or None if
    the cache could not be told."""
    try:
        generation = cache.incr(GENERATION_KEY)  # None: the cache is down
    except ValueError:  # none stored (never read, or evicted)
        generation = None
    if generation is None:
        # A fresh one is numbered after every earlier one, so it does just as well.
        generation = _generation()
        if generation is None:
            return None
    # Recorded now, by the writer, so that readers need not ask the database.
    return _record_state(generation, keep_state)


def _generation():
    """The content generation, or None if the cache cannot keep one (it is down)."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # Microseconds since the epoch: above any number an earlier, lost generation
        # reached, so pages cached under it can never be read again.
        cache.add(GENERATION_KEY, time.time_ns() // 1000, timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


def _record_state(generation, keep=STATE_SECONDS):
    """Find out the state of `generation`, and make it the site's.

    It is found after `generation` was raised (the caller has read or raised it),
    so it knows of every change committed before: a writer commits, then raises.
    Two records may race; the last one stored wins, and pages rendered under the
    other are not served. One that lands after a newer generation's is not
    believed, as its generation is no longer the counter's, and is recorded again.
    """
    since, next_publication = _state_now()
    state = SiteState(
        generation,
        since,
        next_publication,
        random.getrandbits(63),
        _newest_invalidation(),
        since,
    )
    cache.set(STATE_KEY, tuple(state), _state_seconds(keep))
    return state


def _verify(state):
    """`state`, checked against the outbox: the same state, trusted for another
    VERIFY_SECONDS, if the cache has missed no change; else the state of a new
    generation, under which no page rendered before is served.

    A change the cache missed is one still pending (its raise failed, or its process
    died before raising), or one newer than the state though marked applied (Redis
    restored from a snapshot older than the raise). With the database unreachable,
    nothing can change meanwhile: the state is served as it is.
    """
    global _outbox_unreachable_until
    if time.monotonic() < _outbox_unreachable_until:
        return state
    try:
        newest = _newest_invalidation()
        pending = list(Invalidation.objects.pending().values_list("pk", flat=True))
    except DatabaseError as error:
        # Asked again in a moment, not by every reader meanwhile (nor logged by each).
        _outbox_unreachable_until = time.monotonic() + VERIFY_SECONDS
        logger.warning("Could not check the invalidation outbox: %s", error)
        return state
    if pending or newest > state.watermark:
        # If the cache cannot be told either, serve nothing cached.
        return _announce(pending) or SiteState(None, time_now(), 0)
    verified = state._replace(watermark=newest, verified_at=time_now())
    cache.set(STATE_KEY, tuple(verified), _state_seconds(STATE_SECONDS))
    return verified


def time_now():
    return timezone.now().timestamp()


def _state_seconds(wanted):
    if isinstance(caches["default"], LocMemCache):
        return min(wanted, PROVISIONAL_SECONDS)
    return wanted


def _state_now():
    """(now, when the next scheduled publication is as a timestamp, or 0)."""
    found = _next_publication()
    return timezone.now().timestamp(), found.timestamp() if found else 0


def _next_publication():
    """When the next scheduled change to public pages is, as the content says: the
    function named in NEWSROOM_NEXT_PUBLICATION returns a datetime or None."""
    path = getattr(settings, "NEWSROOM_NEXT_PUBLICATION", "")
    return import_string(path)() if path else None


def site_state(page_key=None):
    """(the site's SiteState, the page cached under `page_key` or None), in one trip
    to the cache; the database is asked only when the state must be recorded again.

    The page is returned only if it was rendered under the current state, and the state
    only if it belongs to the current generation and its next publication has not
    passed. A state that does not (lost, out of date, or not yet recorded by the
    writer who raised the generation) is recorded again here, under the generation as
    it is; the pages of the old one are thereby not served again.
    """
    keys = (
        [GENERATION_KEY, STATE_KEY, page_key]
        if page_key
        else [GENERATION_KEY, STATE_KEY]
    )
    found = cache.get_many(keys)
    generation = found.get(GENERATION_KEY)
    if generation is None:
        generation = _generation()
        if generation is None:  # the cache is down
            return SiteState(None, timezone.now().timestamp(), 0), None
    state = found.get(STATE_KEY)
    if state is None or not SiteState(*state).is_current(generation):
        return _record_afresh(generation), None
    state = SiteState(*state)
    if state.needs_verifying():
        state = _verify(state)
    cached = found.get(page_key)
    if cached is not None and cached["state"] == state.identity:
        return state, cached
    return state, None


def _record_afresh(generation):
    """The state of `generation` recorded by a reader who found it lost or out of
    date; changes waiting in the outbox are applied with it (a raise, rather than a
    second one when the state is next verified)."""
    try:
        pending = list(Invalidation.objects.pending().values_list("pk", flat=True))
    except DatabaseError:
        pending = []
    if pending:
        return _announce(pending) or SiteState(None, time_now(), 0)
    return _record_state(generation)


def page_key(request):
    # Scheme and host included: pages carry absolute URLs (canonical, feeds). No
    # generation: a page is cached with the state it was rendered under instead, so that
    # the state and the page can be read in one trip.
    url = request.build_absolute_uri().encode()
    return f"pages:page:{hashlib.md5(url, usedforsecurity=False).hexdigest()}"


def _cache_entry(response, state):
    headers = {h: response[h] for h in CACHED_HEADERS if response.has_header(h)}
    # What CommonMiddleware gives a fresh page and a cached one, answered before it,
    # would lack; with it gunicorn sends the page as it is, not in chunks.
    headers["Content-Length"] = str(len(response.content))
    return {"state": state.identity, "content": response.content, "headers": headers}


def _response_from(entry):
    return HttpResponse(entry["content"], headers=entry["headers"])


def _is_shareable(request, response):
    """Whether `response` is the same for every anonymous reader: a plain page that
    sets no cookie and that the view has not marked for caching its own way."""
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
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


def _public_cache_control(state):
    browser = settings.NEWSROOM_BROWSER_CACHE_SECONDS
    shared = settings.NEWSROOM_SHARED_CACHE_SECONDS
    left = state.seconds_to_next_publication()
    if left is not None:
        # Nobody may keep the page past the moment a scheduled story joins it.
        browser, shared = min(browser, left), min(shared, left)
    return f"public, max-age={browser}, s-maxage={shared}"


def public_page(view=None, *, cached=True):
    """Serve the decorated view as a public page (see the module's docstring).

    `cached=False` gives the page its HTTP headers without caching it server side.
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
            if cached and settings.NEWSROOM_PAGE_CACHE_SECONDS
            else None
        )
        # ServeCachedPages has already asked the cache, and found no cached page.
        state, entry = getattr(request, "site_state", None), None
        if state is None:
            state, entry = site_state(key)
        if state.generation is None:  # the cache is down
            key = None
        if entry is not None:
            return answer(request, _response_from(entry), state)
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if not _is_shareable(request, response):
            return _for_one_reader(response)
        set_response_etag(response)
        # Unchanged since the state was recorded (to the second: HTTP's own grain).
        response["Last-Modified"] = http_date(state.since)
        if key:
            cache.set(
                key, _cache_entry(response, state), settings.NEWSROOM_PAGE_CACHE_SECONDS
            )
        return answer(request, response, state)

    return wrapper


def answer(request, response, state):
    """A public page's headers for anonymous readers, or 304 if they have it."""
    # Set, not patched: a shareable page has no Cache-Control of its own.
    response["Cache-Control"] = _public_cache_control(state)
    # Logged-in readers get other headers: a shared cache must tell them apart.
    patch_vary_headers(response, ["Cookie"])
    if not any(header in request.META for header in CONDITIONAL_HEADERS):
        return response  # nothing to compare it with: most requests
    return get_conditional_response(
        request,
        etag=response["ETag"],
        last_modified=parse_http_date_safe(response["Last-Modified"]),
        response=response,
    )


class ServeCachedPages:
    """Answer a reader without a session from the cached pages before sessions,
    CSRF, authentication and URL routing run: most of a cached page's cost was
    theirs.

    Only what `public_page` cached is found here: pages rendered for anonymous
    readers, under the current state. Anyone with a session cookie (staff, or
    someone who was) goes the whole way, and staff are never served a cached page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method in ("GET", "HEAD")
            and settings.NEWSROOM_PAGE_CACHE_SECONDS
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
        ):
            state, entry = site_state(page_key(request))
            if entry is not None:
                return answer(request, _response_from(entry), state)
            request.site_state = state  # not asked for again by public_page
        return self.get_response(request)
