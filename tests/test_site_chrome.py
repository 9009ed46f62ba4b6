"""The site's chrome (its header, footer and feed links) is rendered once a process
for what it shows (reader_tags.site_chrome), yet every page shows the chrome of the
moment: a section renamed, added or marked current, a search's words."""

import lxml.html
import pytest

from .factories import make_article, make_category

pytestmark = pytest.mark.django_db


def chrome_of(response):
    """(header's sections, footer's sections, the current one, the search box's
    words) of a page."""
    page = lxml.html.fromstring(response.content)

    def sections(selector):
        return [(a.text_content(), a.get("href")) for a in page.cssselect(selector)]

    current = page.cssselect('.site-nav a[aria-current="page"]')
    return (
        sections(".site-header .site-nav a"),
        sections(".site-footer nav a"),
        current[0].text_content() if current else None,
        page.cssselect("#site-search-q")[0].get("value"),
    )


def test_a_change_to_the_navigation_shows_on_every_page_at_once(client):
    politics = make_category(
        name="Politics", slug="politics", is_in_navigation=True, position=1
    )
    story = make_article(primary_category=politics)
    pages = ["/", story.get_absolute_url(), "/no-such-page/"]
    before = [("Politics", "/sections/politics/")]
    for path in pages:
        assert chrome_of(client.get(path)) == (before, before, None, ""), path

    politics.name = "Power"
    politics.save()
    make_category(name="Housing", slug="housing", is_in_navigation=True, position=2)
    after = [("Power", "/sections/politics/"), ("Housing", "/sections/housing/")]
    for path in pages:
        assert chrome_of(client.get(path)) == (after, after, None, ""), path


def test_only_the_sections_own_page_marks_it_current(client):
    make_category(name="Politics", slug="politics", is_in_navigation=True)
    make_category(name="Housing", slug="housing", is_in_navigation=True)
    for path, current in [
        ("/sections/politics/", "Politics"),
        ("/", None),
        ("/sections/housing/", "Housing"),
        ("/sections/politics/", "Politics"),
    ]:
        assert chrome_of(client.get(path))[2] == current, path


def test_a_search_is_shown_in_its_own_page_only(client):
    words = '"><script>alert(1)</script>'
    page = client.get("/search/", {"q": words})
    assert chrome_of(page)[3] == words
    assert b"<script>alert(1)" not in page.content
    assert chrome_of(client.get("/"))[3] == ""
