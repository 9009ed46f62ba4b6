"""
Links to the site's own pages, worked out once and remembered.

A list page links to dozens of stories, sections, authors and picture renditions, and
reverse() walks the URL patterns for each one: on the home page that was some 300 calls,
a third of the time it takes to draw. The answers never change while the process
runs (the URL configuration is fixed at start), so they are remembered, per URL
configuration and script prefix, in a bounded cache.
"""

import functools

from django.urls import get_script_prefix, get_urlconf, reverse


@functools.lru_cache(maxsize=8192)
def _reverse(urlconf, prefix, name, args):
    return reverse(name, urlconf=urlconf, args=args)


def link(name, *args):
    """reverse(name, args=args), remembered."""
    return _reverse(get_urlconf(), get_script_prefix(), name, args)


def links(name, args_list):
    """[link(name, *args) for args in args_list], asking for the URL configuration
    and the script prefix once (each is a lookup in a context-local variable)."""
    urlconf, prefix = get_urlconf(), get_script_prefix()
    return [_reverse(urlconf, prefix, name, args) for args in args_list]
