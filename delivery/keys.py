"""
Dependency keys: names for what a public page shows, so that a change can say which
pages it touches.

A page rendered for readers records the keys of everything it shows (a story, an
author, a section, a tag, a picture, a list, the site's navigation) with
depends_on(); the page cache stores the page with the current version of each key
and sends the keys to the edge in a header (NEWSROOM_SURROGATE_KEY_HEADER:
Surrogate-Key for Fastly, xkey for Varnish, Cache-Tag for Cloudflare). A change
raises the versions of its keys (page_cache.content_changed), and the edge is told
to purge them. Which keys a page shows and a change touches is the reader site's to
say (readers/dependencies.py); this module only carries them.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

# Every page depends on it: raising it forgets every cached page.
SITE = "site"

_recorded = ContextVar("delivery_recorded_keys", default=None)


def depends_on(*keys):
    """Record that the page being rendered shows what `keys` name."""
    found = _recorded.get()
    if found is not None:
        found.update(key for key in keys if key)


@contextmanager
def recording():
    """Collect the keys recorded while the block runs (SITE among them)."""
    keys = {SITE}
    token = _recorded.set(keys)
    try:
        yield keys
    finally:
        _recorded.reset(token)


def header(keys):
    """(name, value) of the header that tells the edge a page's keys."""
    name = settings.NEWSROOM_SURROGATE_KEY_HEADER
    separator = ", " if name.lower() == "cache-tag" else " "
    return name, separator.join(sorted(keys))
