"""Remembered links (common/links.py) answer exactly as reverse() does, under
whatever URL configuration is in force."""

import pytest
from django.urls import NoReverseMatch, reverse

from common.links import link, links


def test_a_link_is_what_reverse_gives():
    assert link("articles:section", "politics") == reverse(
        "articles:section", args=["politics"]
    )
    assert links("articles:tag", [("a",), ("b",)]) == ["/tags/a/", "/tags/b/"]


def test_a_link_follows_the_url_configuration_in_force(settings):
    assert link("articles:home") == "/"
    settings.ROOT_URLCONF = "tests.broken_urls"  # which names no home page
    with pytest.raises(NoReverseMatch):
        reverse("articles:home")
    with pytest.raises(NoReverseMatch):
        link("articles:home")
