"""
Links to the site's own pages, worked out once and remembered.

A list page links to dozens of stories, sections, authors and picture renditions, and
reverse() walks the URL patterns for each one: on the home page that was some 300
calls, a third of the time it takes to render. The answers do not change while the
URL configuration stays the same, so they are remembered, per URL configuration and
script prefix, in a bounded cache, which is emptied when the site's URL
configuration is changed (tests do, with override_settings).
"""

import functools

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse


@functools.lru_cache(maxsize=8192)
def _reverse(urlconf, prefix, name, args):
    return reverse(name, urlconf=urlconf, args=args)


def _urlconf():
    """The URL configuration reverse() would use: a request's own, or the site's."""
    return get_urlconf() or settings.ROOT_URLCONF


def link(name, *args):
    """reverse(name, args=args), remembered."""
    return _reverse(_urlconf(), get_script_prefix(), name, args)


def made_under():
    """(URL configuration, script prefix): what link()'s answers depend on besides
    its arguments, for those who remember something made with them."""
    return _urlconf(), get_script_prefix()


def links(name, args_list):
    """[link(name, *args) for args in args_list], asking for the URL configuration
    and the script prefix once (each is a lookup in a context-local variable)."""
    urlconf, prefix = made_under()
    return [_reverse(urlconf, prefix, name, args) for args in args_list]


@receiver(setting_changed, dispatch_uid="common_links_forgotten")
def forget_links(setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _reverse.cache_clear()
