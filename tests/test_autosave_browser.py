"""Nothing typed is lost, in a real browser: the working copy is kept as she types,
offered back when the story is opened again (from the server, or from the browser
when the server could not be reached), and leaving unsaved changes asks first."""

import pytest
from django.utils import timezone

from articles.models import Article, WorkingCopy

from .factories import make_article
from .test_browser import (  # noqa: F401 (fixtures)
    allow_orm_beside_playwright,
    body_editor,
    browser,
    sync_api,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A tab closed this long after the last key press has its text kept (the target).
KEPT_WITHIN_MS = 5000


def log_in(context, url):
    page = context.new_page()
    page.goto(url + "/admin/login/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(url + "/admin/")
    return page


@pytest.fixture
def desk(browser):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context
    context.close()


@pytest.fixture
def draft(admin_user):
    story = make_article(
        headline="The harbor vote",
        status=Article.Status.DRAFT,
        body="<p>The council meets tonight.</p>",
    )
    Article.objects.filter(pk=story.pk).update(created_by=admin_user)
    return story


def change_url(server, story):
    return f"{server.url}/admin/articles/article/{story.pk}/change/"


def type_at_the_end_of_the_body(page, text):
    body_editor(page).locator("p").last.click()
    page.wait_for_function(
        "document.activeElement && document.activeElement.isContentEditable"
    )
    page.keyboard.press("End")
    page.keyboard.type(text)


def test_a_tab_closed_mid_sentence_offers_the_text_back(live_server, desk, draft):
    page = log_in(desk, live_server.url)
    page.goto(change_url(live_server, draft))
    type_at_the_end_of_the_body(page, " Ten members will vote on the fer")
    page.wait_for_timeout(KEPT_WITHIN_MS)
    # Kept on the server already: a crash now, with no chance to say goodbye, loses
    # nothing.
    assert "vote on the fer" in WorkingCopy.objects.get().data["body"][0]
    page.close()
    assert "fer" not in Article.objects.get(pk=draft.pk).body  # never saved

    # Another browser: what comes back is the server's copy.
    other = desk.browser.new_context(viewport={"width": 1280, "height": 900})
    page = log_in(other, live_server.url)
    page.goto(change_url(live_server, draft))
    offer = page.locator(".newsroom-working-copy-offer")
    offer.wait_for()
    assert "working copy" in offer.inner_text()
    offer.get_by_role("button", name="Restore it").click()
    assert body_editor(page).inner_text() == (
        "The council meets tonight. Ten members will vote on the fer"
    )
    assert "vote on the fer</p>" in page.locator("#id_body").input_value()
    other.close()


def test_a_new_story_is_offered_back_on_add_story(live_server, desk, admin_user):
    page = log_in(desk, live_server.url)
    page.goto(live_server.url + "/admin/articles/article/add/")
    page.locator("#id_headline").fill("Lanterns over the harbor")
    body_editor(page).click()
    page.keyboard.type("They go up at dus")
    page.wait_for_timeout(KEPT_WITHIN_MS)
    page.close()

    page = desk.new_page()
    page.goto(live_server.url + "/admin/articles/article/add/")
    page.locator(".newsroom-working-copy-offer").get_by_role(
        "button", name="Restore it"
    ).click()
    assert page.locator("#id_headline").input_value() == "Lanterns over the harbor"
    assert body_editor(page).inner_text() == "They go up at dus"
    # Saved as a story, it is not offered again.
    page.keyboard.press("Control+s")
    page.wait_for_url("**/change/")
    assert Article.objects.get().headline == "Lanterns over the harbor"
    page.goto(live_server.url + "/admin/articles/article/add/")
    body_editor(page)
    page.wait_for_timeout(500)  # time for an offer to come
    assert page.locator(".newsroom-working-copy-offer").count() == 0


def refuse_every_connection(route):
    route.abort("connectionrefused")


def test_typing_while_the_server_is_down_is_kept_in_the_browser(
    live_server, desk, draft
):
    """The server stops answering while she types (every request to it refused, as
    a stopped server's are); the text is kept in the browser and offered back."""
    page = log_in(desk, live_server.url)
    page.goto(change_url(live_server, draft))
    type_at_the_end_of_the_body(page, " Ten members")
    page.wait_for_timeout(KEPT_WITHIN_MS)
    desk.route(live_server.url + "/**", refuse_every_connection)
    page.keyboard.type(" will vote on the fer")
    sync_api.expect(page.locator(".newsroom-autosave-status")).to_contain_text(
        "can’t be reached: your working copy is kept in this browser",
        timeout=KEPT_WITHIN_MS,
    )
    page.close()
    # The server's copy has only what it was sent.
    assert WorkingCopy.objects.get().data["body"] == [
        "<p>The council meets tonight. Ten members</p>"
    ]

    desk.unroute(live_server.url + "/**", refuse_every_connection)
    page = desk.new_page()
    page.goto(change_url(live_server, draft))
    offer = page.locator(".newsroom-working-copy-offer")
    offer.wait_for()
    assert "This browser kept" in offer.inner_text()
    offer.get_by_role("button", name="Restore it").click()
    assert body_editor(page).inner_text() == (
        "The council meets tonight. Ten members will vote on the fer"
    )


def test_leaving_unsaved_changes_asks_first_and_saving_does_not(
    live_server, desk, draft
):
    page = log_in(desk, live_server.url)
    page.goto(change_url(live_server, draft))
    asked = []
    page.on("dialog", lambda dialog: asked.append(dialog.type) or dialog.dismiss())
    page.locator("#id_headline").fill("The harbor vote, explained")
    with pytest.raises(sync_api.Error):  # the leaving was called off
        page.goto(live_server.url + "/admin/")
    assert asked == ["beforeunload"]
    assert page.url == change_url(live_server, draft)  # she stayed

    # Ctrl+S saves the form, and a save leaves without asking.
    page.keyboard.press("Control+s")
    page.wait_for_url(change_url(live_server, draft))
    page.locator(".messagelist .success").wait_for()
    assert Article.objects.get(pk=draft.pk).headline == "The harbor vote, explained"
    assert asked == ["beforeunload"]
    # The copy kept before the save is older than the save: not offered.
    assert page.locator(".newsroom-working-copy-offer").count() == 0
    assert not WorkingCopy.objects.filter(saved_at__gt=timezone.now()).exists()


def test_spelling_is_checked_in_the_body_and_headline(live_server, desk, draft):
    page = log_in(desk, live_server.url)
    page.goto(change_url(live_server, draft))
    assert body_editor(page).get_attribute("spellcheck") == "true"
    assert page.locator("#id_headline").evaluate("field => field.spellcheck")
