"""Values kept in the cache under the versions of what they show
(delivery/kept_values.py): given back until one of their keys, or the whole site,
changes, on any server, and never after a version the cache lost."""

import pytest
from django.core.cache import cache

from delivery import kept_values, page_cache
from delivery.keys import SITE

pytestmark = pytest.mark.usefixtures("pages_cached")

KEYS = ("card:7", "section:2")


@pytest.fixture
def kept():
    page_cache._start_sequence()
    versions = kept_values.versions(KEYS)
    kept_values.keep("link:7", "Ferry fares frozen", KEYS, versions)
    assert kept_values.get_many({"link:7": KEYS}) == {"link:7": "Ferry fares frozen"}


@pytest.mark.usefixtures("kept")
@pytest.mark.parametrize("changed", ["card:7", "section:2", SITE])
def test_a_change_to_what_it_shows_or_to_the_site_makes_it_a_miss(changed):
    page_cache.bump([changed])
    assert kept_values.get_many({"link:7": KEYS}) == {}


@pytest.mark.usefixtures("kept")
def test_a_change_to_anything_else_leaves_it():
    page_cache.bump(["card:8", "section:3"])
    assert kept_values.get_many({"link:7": KEYS}) == {"link:7": "Ferry fares frozen"}


@pytest.mark.usefixtures("kept")
def test_a_version_the_cache_lost_makes_it_a_miss():
    cache.delete(page_cache.VERSION_PREFIX + "card:7")
    assert kept_values.get_many({"link:7": KEYS}) == {}


@pytest.mark.usefixtures("kept")
def test_asked_with_keys_it_was_not_kept_under_it_is_a_miss():
    assert kept_values.get_many({"link:7": ("card:7", "section:9")}) == {}


def test_nothing_is_kept_when_the_versions_could_not_be_read():
    kept_values.keep("link:7", "Ferry fares frozen", KEYS, None)
    assert kept_values.get_many({"link:7": KEYS}) == {}
