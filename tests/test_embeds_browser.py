"""Embeds in a real browser: an editor pastes addresses into the story editor, and a
reader's page shows placeholders that load the provider's frame only on a click,
from the provider's own origin. The providers are the tests' own (no internet)."""

import pytest

from . import test_browser
from .factories import make_article
from .oembed_provider import OEmbedProvider, providers_for
from .test_browser import (
    RECORD_CSP_VIOLATIONS,
    body_editor,
    csp_violations,
    log_in_as_admin,
)
from .test_embeds import HOSTILE, POST, YOUTUBE

# The browser and its pages, as test_browser.py launches them.
allow_orm_beside_playwright = test_browser.allow_orm_beside_playwright
browser = test_browser.browser
page = test_browser.page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def provider(settings):
    server = OEmbedProvider().start()
    settings.NEWSROOM_EMBED_PROVIDERS = providers_for(server)
    settings.NEWSROOM_EMBED_TIMEOUT = 1
    # The story pages' policy, with the tests' provider as a listed origin.
    directives = settings.NEWSROOM_STORY_CSP_DIRECTIVES
    settings.NEWSROOM_STORY_CSP_DIRECTIVES = {
        **directives,
        "frame-src": [*directives["frame-src"], server.origin],
        "script-src": [*directives["script-src"], server.origin],
    }
    yield server
    server.stop()


def paste_text(page, text):
    page.evaluate(
        """text => {
            const data = new DataTransfer();
            data.setData("text/plain", text);
            document.querySelector(".field-body .ProseMirror[contenteditable=true]")
                .dispatchEvent(new ClipboardEvent("paste", {
                    clipboardData: data, bubbles: true, cancelable: true,
                }));
        }""",
        text,
    )


def test_pasted_addresses_become_embeds_that_readers_load_on_click(
    live_server, page, admin_user, provider
):
    log_in_as_admin(page, live_server)
    page.goto(live_server.url + "/admin/articles/article/add/")
    editor = body_editor(page)
    editor.click()
    paste_text(page, YOUTUBE)
    paste_text(page, POST)
    page.keyboard.type("See https://example.org/page too.")
    blocks = editor.locator("figure.newsroom-embed")
    assert blocks.count() == 2
    page.locator("figure.newsroom-embed[data-state=ok]").nth(1).wait_for()
    assert blocks.nth(0).locator("[role=status]").inner_text() == (
        "YouTube: How a seawall is built, in four minutes"
    )
    assert blocks.nth(1).locator("[role=status]").inner_text() == (
        "Local Posts: A post about the ferry"
    )
    body = page.locator("#id_body").input_value()
    assert body.count("<figure data-embed-url=") == 2
    assert (
        "example.org/page" in body and 'data-embed-url="https://example.org' not in body
    )

    # The story, as the editor wrote it, on the reader's page.
    story = make_article(headline="Embeds, explained", body=body)
    seen = []
    page.on("request", lambda request: seen.append(request.url))
    # No internet here: the YouTube player is a stand-in page.
    page.route(
        "https://www.youtube.com/**",
        lambda route: route.fulfill(body="<p>player</p>", content_type="text/html"),
    )
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    page.goto(live_server.url + story.get_absolute_url())
    placeholders = page.locator(".story__body figure.embed")
    assert placeholders.count() == 2
    assert page.locator(".story__body iframe").count() == 0
    assert not [url for url in seen if "youtube" in url or provider.origin in url]

    page.get_by_role("button", name="Play the video from YouTube").click()
    frame = placeholders.nth(0).locator("iframe")
    assert frame.get_attribute("src").startswith("https://www.youtube.com/embed/")
    assert "allow-scripts" in frame.get_attribute("sandbox")

    page.get_by_role("button", name="Show it from Local Posts").click()
    frame = placeholders.nth(1).locator("iframe")
    assert frame.get_attribute("src") == f"{provider.origin}/frame/post-1"
    player = page.frame_locator(".story__body figure.embed >> nth=1 >> iframe")
    assert player.locator("#player").inner_text() == "Playing post-1"
    assert csp_violations(page) == []


def test_a_hostile_answer_runs_nothing_and_a_silent_provider_leaves_a_link(
    live_server, page, provider
):
    from embeds.fetching import fetch_embed

    slow = "https://posts.example/rosa/slow"
    provider.answer_for(POST, HOSTILE)
    provider.answer_for(slow, {}, delay=2)
    fetch_embed(POST)
    fetch_embed(slow)
    story = make_article(
        body=f'<figure data-embed-url="{POST}"></figure>'
        f'<figure data-embed-url="{slow}"></figure>'
    )
    dialogs, seen = [], []
    page.on("dialog", lambda dialog: dialogs.append(dialog) or dialog.dismiss())
    page.on("request", lambda request: seen.append(request.url))
    page.goto(live_server.url + story.get_absolute_url())
    assert page.locator(".story__body .embed-link a").get_attribute("href") == slow
    page.get_by_role("button", name="Show it from Local Posts").click()
    page.frame_locator(".story__body figure.embed iframe").locator("#player").wait_for()
    # The provider's own script ran (it marks its posts); nothing else did.
    page.wait_for_selector("blockquote.local-post[data-rendered=yes]")
    assert not dialogs
    assert not [url for url in seen if "evil.example" in url]
