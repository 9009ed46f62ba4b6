"""Changes to a live story, in a real browser: saved, they wait; the form shows
them with a notice; "Publish changes" puts them on the reader's pages."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, PendingChange

from .factories import make_article, make_image
from .test_autosave_browser import change_url, log_in
from .test_browser import (  # noqa: F401 (fixtures)
    allow_orm_beside_playwright,
    body_editor,
    browser,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("pages_cached"),
]


@pytest.fixture
def desk(browser):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context
    context.close()


def test_an_editor_prepares_changes_then_publishes_them(live_server, desk, admin_user):
    story = make_article(
        headline="Council passes the harbor budget",
        body="<p>The council voted at midnight.</p>",
        lead_image=make_image(),
        published_at=timezone.now() - timedelta(hours=1),
    )
    reader = desk.browser.new_context()
    readers_page = reader.new_page()
    readers_page.goto(live_server.url + story.get_absolute_url())  # cached now

    page = log_in(desk, live_server.url)
    page.goto(change_url(live_server, story))
    page.locator("#id_headline").fill("Council passes the harbor budget, 7-2")
    body_editor(page).locator("p").click()
    page.keyboard.press("End")
    page.keyboard.type(" Seven to two.")
    page.get_by_role("button", name="Save and continue editing").click()
    page.wait_for_url(change_url(live_server, story))

    notices = page.locator(".messagelist").inner_text()
    assert "saved, not published" in notices
    assert "changes not yet published" in notices
    assert page.locator("#id_headline").input_value().endswith("7-2")
    assert "Seven to two." in body_editor(page).inner_text()
    assert Article.objects.get(pk=story.pk).headline == story.headline
    for path in [story.get_absolute_url(), "/", "/rss/index.xml"]:
        readers_page.goto(live_server.url + path)
        readers_page.reload()  # the server's answer, not the browser's copy
        assert "7-2" not in readers_page.content(), path

    page.get_by_role("button", name="Publish changes").click()
    page.wait_for_url(live_server.url + "/admin/articles/article/")
    assert "are published" in page.locator(".messagelist").inner_text()
    assert not PendingChange.objects.exists()
    # A reader's browser may keep the page a minute: a new one asks the server.
    reader.close()
    reader = desk.browser.new_context()
    readers_page = reader.new_page()
    readers_page.goto(live_server.url + story.get_absolute_url())
    assert readers_page.locator("h1").inner_text().endswith("7-2")
    assert "Seven to two." in readers_page.locator(".story__body").inner_text()
    reader.close()
