"""The writing desk in a real browser: the story editor's two columns at desktop and
phone widths, bylines dragged into order, and scheduling that says what it does."""

import os
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article

from .factories import make_article, make_author, make_category, make_image
from .test_browser import CHROMIUM_FLAGS, body_editor, chromium_path, log_in_as_admin

sync_api = pytest.importorskip("playwright.sync_api")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
# Set to a folder to keep screenshots of the desk (for a look, not for asserting).
SHOTS = os.environ.get("NEWSROOM_DESK_SCREENSHOTS")


@pytest.fixture(scope="module")
def browser():
    with pytest.MonkeyPatch.context() as patch:
        # Playwright's loop runs in this thread beside the tests' synchronous ORM.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium_path(), args=CHROMIUM_FLAGS
            )
            yield browser
            browser.close()


def open_page(browser, viewport):
    context = browser.new_context(viewport=viewport)
    return context, context.new_page()


@pytest.fixture
def story():
    maya, lee, sam = (
        make_author(name="Maya Okafor"),
        make_author(name="Lee Chan"),
        make_author(name="Sam Ortiz"),
    )
    return make_article(
        headline="Council passes the harbor budget",
        lead_image=make_image(),
        primary_category=make_category(name="Politics"),
        authors=[maya, lee, sam],
        body="<h2>The vote</h2><p>Seven to two.</p>",
    )


def boxes(page, *selectors):
    """Where each element is, all read in one layout: the editor's scripts may still
    be resizing the page, and two reads apart could straddle such a change."""
    return page.evaluate(
        """selectors => selectors.map(selector => {
            const {x, y, width, height} =
                document.querySelector(selector).getBoundingClientRect();
            return {x, y, width, height};
        })""",
        selectors,
    )


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, name), full_page=True)


def test_on_a_desktop_writing_is_on_the_left_and_the_rest_beside_it(
    live_server, browser, admin_user, story
):
    context, page = open_page(browser, DESKTOP)
    log_in_as_admin(page, live_server)
    page.goto(f"{live_server.url}/admin/articles/article/{story.pk}/change/")
    editor = body_editor(page)
    writing, side = boxes(page, ".desk__writing", ".desk__side")
    assert side["x"] >= writing["x"] + writing["width"]
    assert side["y"] < writing["y"] + 200  # beside it, not under it
    # The body at a reading width: about 70 characters, not the whole screen.
    assert 450 < editor.bounding_box()["width"] < 900
    assert editor.get_attribute("spellcheck") != "false"
    headings = [h.upper() for h in page.locator(".desk__side h2").all_inner_texts()]
    order = [
        "Status",
        "Status and schedule",
        "Filing",
        "Bylines",
        "Lead image",
        "Search and social",
        "History",
    ]
    found = [
        next(h for h in headings if h.upper().startswith(o.upper())) for o in order
    ]
    assert [headings.index(h) for h in found] == sorted(
        headings.index(h) for h in found
    )
    # The Save button sits in the sidebar, in view without scrolling.
    save = page.locator(".desk__side input[name=_save]")
    assert save.is_visible() and save.bounding_box()["y"] < DESKTOP["height"]
    # The lead image in the crops readers meet, each one drawn.
    crops = page.locator(".desk-crops img")
    assert crops.count() == 3
    for crop in crops.all():
        crop.scroll_into_view_if_needed()
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=crop.element_handle()
        )
    shot(page, "desk-desktop.png")
    context.close()


def test_on_a_phone_the_sidebar_follows_the_writing(
    live_server, browser, admin_user, story
):
    context, page = open_page(browser, PHONE)
    log_in_as_admin(page, live_server)
    page.goto(f"{live_server.url}/admin/articles/article/{story.pk}/change/")
    body_editor(page)
    writing, side = boxes(page, ".desk__writing", ".desk__side")
    assert side["y"] >= writing["y"] + writing["height"] - 1
    assert writing["width"] <= PHONE["width"]
    # Nothing wider than the phone: no sideways scrolling to reach a field.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "desk-phone.png")
    context.close()


def test_bylines_are_dragged_into_the_order_they_are_printed(
    live_server, browser, admin_user, story
):
    context, page = open_page(browser, DESKTOP)
    log_in_as_admin(page, live_server)
    page.goto(f"{live_server.url}/admin/articles/article/{story.pk}/change/")
    rows = page.locator("#bylines-group tbody tr.form-row:not(.empty-form)")
    # Sam Ortiz, third, dragged above Maya Okafor, first.
    rows.nth(2).locator(".newsroom-drag").drag_to(
        rows.nth(0).locator(".newsroom-drag"), target_position={"x": 5, "y": 2}
    )
    names = page.locator(
        "#bylines-group tbody tr.form-row:not(.empty-form) .select2-selection__rendered"
    ).all_inner_texts()
    assert [n.strip("×\n ") for n in names[:3]] == [
        "Sam Ortiz",
        "Maya Okafor",
        "Lee Chan",
    ]
    # And with the keyboard: Lee Chan up one.
    rows.nth(2).locator(".newsroom-drag").focus()
    page.keyboard.press("ArrowUp")
    # A live story: the new order goes out with its changes (pending_changes.html).
    with page.expect_navigation():
        page.locator(".desk__side button[name=_publish_changes]").click()
    assert [b.author.name for b in story.bylines.all()] == [
        "Sam Ortiz",
        "Lee Chan",
        "Maya Okafor",
    ]
    page.goto(live_server.url + story.get_absolute_url())
    assert page.locator(".story__byline .byline").inner_text() == (
        "By Sam Ortiz, Lee Chan, and Maya Okafor"
    )
    context.close()


def test_a_time_to_come_turns_save_into_schedule(live_server, browser, admin_user):
    draft = make_article(
        status=Article.Status.DRAFT, lead_image=make_image(), published_at=None
    )
    context, page = open_page(browser, DESKTOP)
    log_in_as_admin(page, live_server)
    page.goto(f"{live_server.url}/admin/articles/article/{draft.pk}/change/")
    page.locator("#id_status").select_option("published")
    save = page.locator(".desk__side input[name=_save]")
    assert save.get_attribute("value") == "Save"
    later = timezone.localtime() + timedelta(days=3)
    page.locator("#id_published_at_0").fill(f"{later:%Y-%m-%d}")
    page.locator("#id_published_at_1").fill("07:00:00")
    assert save.get_attribute("value") == "Schedule"
    assert page.locator(".field-published_at .newsroom-zone").inner_text() in {
        "EST",
        "EDT",
    }
    page.locator("#id_published_at_0").fill(
        f"{timezone.localtime() - timedelta(days=1):%Y-%m-%d}"
    )
    assert save.get_attribute("value") == "Save"
    context.close()


def test_the_search_result_and_social_card_follow_the_typing(
    live_server, browser, admin_user, story
):
    context, page = open_page(browser, DESKTOP)
    log_in_as_admin(page, live_server)
    page.goto(f"{live_server.url}/admin/articles/article/{story.pk}/change/")
    title = page.locator(".desk-serp__title")
    assert title.inner_text() == "Council passes the harbor budget"
    page.locator("#id_seo_title").fill("Harbor budget <b>passes</b>")
    assert title.inner_text() == "Harbor budget <b>passes</b>"
    assert page.locator(".desk-card__title").inner_text() == (
        "Harbor budget <b>passes</b>"
    )
    context.close()


def test_a_writer_without_a_profile_puts_her_name_on_a_story_in_one_step(
    live_server, browser, django_user_model
):
    from articles.models import Author

    from .test_browser import role_group

    writer = django_user_model.objects.create_user(
        "nadia", password="pw", is_staff=True, first_name="Nadia", last_name="Haddad"
    )
    writer.groups.add(role_group("Writer"))
    context, page = open_page(browser, DESKTOP)
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Username").fill("nadia")
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(live_server.url + "/admin/")
    page.goto(live_server.url + "/admin/articles/article/add/")
    page.get_by_role("button", name="Make my author profile and add my byline").click()
    page.get_by_text("Your author profile is made").wait_for()
    chosen = page.locator("#bylines-group tr.form-row:not(.empty-form) select").first
    assert chosen.locator("option:checked").inner_text() == "Nadia Haddad"
    page.locator("#id_headline").fill("Night ferries return")
    # Her working copy saved first: on SQLite an autosave racing the Save can find
    # the database locked (autosave.js saves on leaving a field).
    with page.expect_response(lambda response: "autosave" in response.url):
        page.locator("#id_headline").press("Tab")
    page.locator(".desk__side input[name=_continue]").click()
    page.wait_for_url("**/change/")
    story = Article.objects.get(headline="Night ferries return")
    mine = Author.objects.get(user=writer)
    assert [b.author for b in story.bylines.all()] == [mine]
    context.close()
