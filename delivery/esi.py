"""
Parts of a page that the edge puts in it (Edge Side Includes), when the edge says it
can (`Surrogate-Capability: …="ESI/1.0"`, as deploy/varnish.vcl sends) and
NEWSROOM_EDGE_ESI allows it.

A story page links to other stories, and the newest in a section is linked to by
nearly every story of that section: a new headline on it purged every one of those
pages at the edge, thousands, and each was fetched from the app again (bench/
NEWSDAY.md's notes). Sent to such an edge, the page carries, in each link's place,
an include of that link (a page of its own, with that story's keys, kept once at the
edge for every page that shows it), and not the linked stories' keys: the change
purges the link, one small page fetched once, and every page showing it is put
together with the new one as it is served.

A view places an include with include(); the page cache marks a page that has
includes (Surrogate-Control, which the edge reads, then drops) and keeps it apart
from the page sent to readers directly (page_key: its form is part of its address in
the cache).
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.utils.html import format_html

# What the edge reads to know that a page is to be put together (and drops): the
# Edge Architecture Specification's header.
SURROGATE_CONTROL = 'content="ESI/1.0"'

_included = ContextVar("delivery_esi_included", default=None)


def takes_includes(request):
    """Whether the answer to `request` goes to an edge that puts includes together:
    it says so, and NEWSROOM_EDGE_ESI trusts it (a proxy that caches what the app
    sends without doing so, nginx say, must not be given a page of includes)."""
    capability = request.META.get("HTTP_SURROGATE_CAPABILITY", "")
    return settings.NEWSROOM_EDGE_ESI and "ESI/1.0" in capability


def include(url):
    """The markup that has the edge put the page at `url` (a path of this site) in
    its place."""
    included = _included.get()
    if included is not None:
        included.append(url)
    return format_html('<esi:include src="{}"/>', url)


@contextmanager
def collecting():
    """Collect the addresses include()d while the block runs."""
    included = []
    token = _included.set(included)
    try:
        yield included
    finally:
        _included.reset(token)
