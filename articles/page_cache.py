"""
Public pages kept by the server and by HTTP caches, never out of date for long.

Server side, a rendered page is kept in Django's cache under a key that includes the
*content generation*: one number in the shared cache (Redis in production), raised
whenever anything a public page shows changes (see cache_signals.py). Raising it makes
every kept page unreachable at once, on every app server, with no list of pages to
forget; the old entries simply expire. A scheduled story changes pages without any
write, so the generation also rises once the next scheduled publication has passed
(the time is found with one indexed query by whoever raises the generation, and kept
with it; a reader asks the database only if the cache has lost it).

Only anonymous GET and HEAD requests are answered from the cache; staff (anyone logged
in) always get a fresh page marked `private, no-store`. Every public page carries an
ETag and a Last-Modified, answers conditional requests with 304, and allows browsers
(`max-age`) and shared caches such as a CDN (`s-maxage`) to keep it a little while,
never past the next scheduled publication.
"""

import functools
import hashlib
import time
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)
from django.utils.http import http_date, parse_http_date_safe

GENERATION_KEY = "pages:generation"
# How long to keep what is known of a generation (when it began, the next scheduled
# publication): long, since a new generation gets a key of its own; it only bounds
# the leftovers of old generations...
STATE_SECONDS = 24 * 3600
# ... except when it was read inside a transaction that may yet roll back, or when
# each process has a cache of its own (local memory), so that a change made through
# another process is learnt of soon (the state is then found again every few seconds).
PROVISIONAL_SECONDS = 5
# Headers of a kept page worth keeping with it (Date, Vary and Cache-Control are set
# again on each answer).
KEPT_HEADERS = ("Content-Type", "Content-Language", "X-Robots-Tag")


class SiteState(NamedTuple):
    """What every public page's caching depends on."""

    generation: int | None  # None when the cache is down
    since: float  # when public content last changed, as far as anyone knows
    next_publication: float  # when the next scheduled story goes public; 0: none

    def seconds_to_next_publication(self):
        if not self.next_publication:
            return None
        return max(0, int(self.next_publication - timezone.now().timestamp()))


def content_changed():
    """Something public pages show has changed: forget every kept page, now and again
    once the transaction commits (a page drawn in between, from the data as it was
    before the commit, may have been kept under the first new generation)."""
    _raise_generation(PROVISIONAL_SECONDS)
    transaction.on_commit(_raise_generation)


def _raise_generation(keep_state=STATE_SECONDS):
    try:
        generation = cache.incr(GENERATION_KEY)
    except ValueError:
        # None kept (never read, or evicted): a fresh one is numbered after every
        # earlier one, so it does just as well.
        generation = _generation()
        if generation is None:  # the cache is down; nothing is kept anyway
            return
    # Found now, by the writer, so that readers need not ask the database.
    cache.set(_state_key(generation), _state_now(), _state_seconds(keep_state))


def _generation():
    """The content generation, or None if the cache cannot keep one (it is down)."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # Microseconds since the epoch: above any number an earlier, lost generation
        # reached, so pages kept under it can never be read again.
        cache.add(GENERATION_KEY, time.time_ns() // 1000, timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


def _state_seconds(wanted):
    if isinstance(caches["default"], LocMemCache):
        return min(wanted, PROVISIONAL_SECONDS)
    return wanted


def _state_key(generation):
    return f"pages:state:{generation}"


def _state_now():
    """(now, when the next scheduled story goes public as a timestamp, or 0)."""
    from .models import Article

    now = timezone.now()
    found = (
        Article.objects.filter(status=Article.Status.PUBLISHED, published_at__gt=now)
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    return now.timestamp(), found.timestamp() if found else 0


def site_state(page_key_for=None):
    """(the site's SiteState, a kept page or None), from the cache; the database is
    asked for the next publication only when the cache has lost it.

    `page_key_for(generation)` names a kept page to fetch in the same trip to the
    cache as the state.
    """
    for _attempt in range(3):
        generation = _generation()
        if generation is None:
            break
        key = _state_key(generation)
        page_key = page_key_for(generation) if page_key_for else None
        found = cache.get_many([key, page_key] if page_key else [key])
        state = found.get(key)
        if state is None:
            # Lost (evicted, expired): whether a story has gone public since this
            # generation began cannot be known, so its kept pages cannot be trusted.
            _raise_generation()
            continue
        since, next_publication = state
        if not next_publication or timezone.now().timestamp() < next_publication:
            return SiteState(generation, since, next_publication), found.get(page_key)
        # A scheduled story has gone public since this generation began.
        _raise_generation()
    return SiteState(None, timezone.now().timestamp(), 0), None


def page_key(request, generation):
    # Scheme and host included: pages carry absolute URLs (canonical, feeds).
    url = request.build_absolute_uri().encode()
    return f"pages:{generation}:{hashlib.md5(url, usedforsecurity=False).hexdigest()}"


def _kept(response):
    return {
        "content": response.content,
        "headers": {h: response[h] for h in KEPT_HEADERS if response.has_header(h)},
        "etag": response["ETag"],
        "last_modified": response["Last-Modified"],
    }


def _from_kept(kept):
    response = HttpResponse(kept["content"], headers=kept["headers"])
    response["ETag"] = kept["etag"]
    response["Last-Modified"] = kept["last_modified"]
    return response


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
    """Mark `response` for this reader's eyes only: no cache may keep it."""
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


def _allow_caching(response, state):
    browser = settings.NEWSROOM_BROWSER_CACHE_SECONDS
    shared = settings.NEWSROOM_SHARED_CACHE_SECONDS
    left = state.seconds_to_next_publication()
    if left is not None:
        # Nobody may keep the page past the moment a scheduled story joins it.
        browser, shared = min(browser, left), min(shared, left)
    patch_cache_control(response, public=True, max_age=browser, s_maxage=shared)


def public_page(view=None, *, keep=True):
    """Serve the decorated view as a public page (see the module's docstring).

    `keep=False` gives the page its HTTP headers without keeping it server side.
    """
    if view is None:
        return functools.partial(public_page, keep=keep)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        if request.user.is_authenticated:
            return _for_one_reader(view(request, *args, **kwargs))

        keeping = keep and settings.NEWSROOM_PAGE_CACHE_SECONDS
        # ServeKeptPages has already asked the cache, and found no kept page.
        state, kept = getattr(request, "site_state", None), None
        if state is None:
            state, kept = site_state(
                functools.partial(page_key, request) if keeping else None
            )
        key = (
            page_key(request, state.generation)
            if keeping and state.generation
            else None
        )
        if kept is not None:
            return answer(request, _from_kept(kept), state)
        else:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            if not _is_shareable(request, response):
                return _for_one_reader(response)
            set_response_etag(response)
            # Unchanged since the generation began (to the second: HTTP's own grain).
            response["Last-Modified"] = http_date(state.since)
            if key:
                cache.set(key, _kept(response), settings.NEWSROOM_PAGE_CACHE_SECONDS)
        return answer(request, response, state)

    return wrapper


def answer(request, response, state):
    """A public page's headers for anonymous readers, or 304 if they have it."""
    _allow_caching(response, state)
    # Logged-in readers get other headers: a shared cache must tell them apart.
    patch_vary_headers(response, ["Cookie"])
    return get_conditional_response(
        request,
        etag=response["ETag"],
        last_modified=parse_http_date_safe(response["Last-Modified"]),
        response=response,
    )


class ServeKeptPages:
    """Answer a reader without a session from the kept pages before sessions, CSRF,
    authentication and URL routing run: most of a kept page's cost was theirs.

    Only what `public_page` kept is found here: pages drawn for anonymous readers,
    under the current generation. Anyone with a session cookie (staff, or someone
    who was) goes the whole way, and staff are never served a kept page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method in ("GET", "HEAD")
            and settings.NEWSROOM_PAGE_CACHE_SECONDS
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
        ):
            state, kept = site_state(functools.partial(page_key, request))
            if kept is not None:
                return answer(request, _from_kept(kept), state)
            request.site_state = state  # not asked for again by public_page
        return self.get_response(request)
