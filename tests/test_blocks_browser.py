"""Tables and galleries in a real browser: an editor makes them in the story editor;
a reader's gallery moves with buttons and arrow keys, and a table scrolls on its own
on a phone."""

import pytest

from articles.galleries import snippet as gallery
from articles.models import Article

from . import test_browser
from .factories import jpeg_file, make_article, make_image
from .test_browser import body_editor, log_in_as_admin

# The browser and its pages, as test_browser.py launches them.
allow_orm_beside_playwright = test_browser.allow_orm_beside_playwright
browser = test_browser.browser
page = test_browser.page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_editor_makes_a_gallery_and_a_captioned_table(live_server, page, admin_user):
    first = make_image(file=jpeg_file(800, 600), title="Pier at dawn")
    second = make_image(file=jpeg_file(800, 600), title="Pier at dusk")
    story = make_article(
        status=Article.Status.DRAFT,
        body="<p>Scenes from the pier.</p>"
        f'<figure data-image-id="{second.pk}"></figure>'
        f'<figure data-image-id="{first.pk}"></figure>',
    )
    log_in_as_admin(page, live_server)
    page.goto(f"{live_server.url}/admin/articles/article/{story.pk}/change/")
    editor = body_editor(page)
    assert editor.locator("figure.newsroom-placed-picture").count() == 2
    editor.click()
    page.keyboard.press("Control+a")
    page.get_by_title("gallery: make one of the selected pictures").click()
    assert editor.locator("figure.newsroom-gallery img").count() == 2
    body = page.locator("#id_body").input_value()
    assert f'<figure data-gallery-ids="{second.pk},{first.pk}"></figure>' in body
    assert "data-image-id" not in body

    page.keyboard.press("Control+End")
    page.get_by_title("Insert table").click()
    dialog = page.locator("dialog[open]")
    dialog.locator("[name=rows]").fill("2")
    dialog.locator("[name=cols]").fill("2")
    dialog.locator("[name=caption]").fill("Ferry fares")
    dialog.get_by_role("button", name="Insert").click()
    page.keyboard.type("Route")
    body = page.locator("#id_body").input_value()
    assert "<table><caption>Ferry fares</caption>" in body.replace(
        ' contenteditable="false"', ""
    )
    assert "<th" in body and "Route" in body


def test_a_reader_moves_through_a_gallery_by_button_and_key(live_server, page):
    pictures = [make_image(caption=f"Scene {n}.") for n in range(3)]
    table = (
        "<table><caption>Wide</caption><tbody><tr>"
        + "".join(f"<th>Column number {n}</th>" for n in range(12))
        + "</tr></tbody></table>"
    )
    story = make_article(body=gallery([p.pk for p in pictures]) + table)
    page.set_viewport_size({"width": 320, "height": 700})
    page.goto(live_server.url + story.get_absolute_url())
    status = page.locator(".gallery__status")
    assert status.inner_text() == "1 of 3"
    page.get_by_role("button", name="Next picture").click()
    status.filter(has_text="2 of 3").wait_for()
    page.locator(".gallery__items").focus()
    page.keyboard.press("ArrowRight")
    status.filter(has_text="3 of 3").wait_for()
    assert page.get_by_role("button", name="Next picture").is_disabled()
    # The wide table scrolls inside its region; the page does not.
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    region = page.get_by_role("region", name="Wide")
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")
