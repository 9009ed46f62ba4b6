"""
Values many pages are made of, kept in the cache for as long as what they show is
unchanged: a story page's link to another story (readers/story_links.py) is read
from the database once a change to that story, not once for each of the hundreds of
pages that link to it.

Values are plain (tuples, strings, numbers, times: no class of ours), so that any
version of the code can read them back. A value is kept with the versions its keys
(keys.py: what it shows) had before it was read (page_cache.versions_now), and
given back only while each of them, and SITE, still has that version: a change to
any of them makes it a miss on every server at once, as it makes a page stale, and
so does a version the cache lost.
Nothing is kept while the cache cannot say the versions (Redis down).
"""

from django.conf import settings
from django.core.cache import cache

from .keys import SITE
from .page_cache import VERSION_PREFIX, versions_now

PREFIX = "pages:kept:"


def versions(keys):
    """The versions of `keys` and SITE now, to read values with (or None)."""
    return versions_now([SITE, *keys])


def get_many(wanted):
    """{name: value} of the values kept under the names of `wanted` ({name: the
    keys of what it shows}) whose keys have not moved since, in one trip."""
    keys = {name: (SITE, *shown) for name, shown in wanted.items()}
    names = {VERSION_PREFIX + key for shown in keys.values() for key in shown}
    found = cache.get_many([PREFIX + name for name in wanted] + sorted(names))
    fresh = {}
    for name, shown in keys.items():
        kept = found.get(PREFIX + name)
        if kept is not None and all(
            key in kept["versions"]
            and found.get(VERSION_PREFIX + key) == kept["versions"][key]
            for key in shown
        ):
            fresh[name] = kept["value"]
    return fresh


def keep(name, value, keys, versions):
    """Keep `value`, which shows what `keys` name, under `name`: read after the
    keys had `versions` (versions() of these keys and perhaps others)."""
    if versions is not None:
        mine = {key: versions[key] for key in (SITE, *keys)}
        # No longer than a page (a change made behind the signals' back, in a
        # shell, reaches kept values as late as it reaches kept pages).
        seconds = settings.NEWSROOM_PAGE_CACHE_SECONDS or 600
        cache.set(PREFIX + name, {"value": value, "versions": mine}, seconds)
