"""A live story in a real browser: two editors post from their own composers while a
reader's page is open, and the reader sees every change without reloading."""

import pytest
from django.urls import reverse

from articles.galleries import snippet as gallery_snippet
from embeds.body import snippet as embed_snippet
from live import services

from .factories import make_article, make_author, make_image, make_video_embed
from .test_browser import (  # noqa: F401  (fixtures)
    allow_orm_beside_playwright,
    browser,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The page asks every POLL seconds; each change must show within one interval,
# plus the time the answer takes to come back in a loaded test machine.
POLL = 1.0
WITHIN_MS = (POLL + 1.5) * 1000


@pytest.fixture
def context(browser):  # noqa: F811
    opened = []

    def new():
        made = browser.new_context(viewport={"width": 1100, "height": 900})
        opened.append(made)
        return made.new_page()

    yield new
    for made in opened:
        made.close()


def log_in(page, live_server, username):
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("x")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(live_server.url + "/admin/")


def post_entry(page, text, author):
    editor = page.locator(".field-body .ProseMirror[contenteditable=true]")
    editor.wait_for()
    editor.click()
    page.keyboard.type(text)
    page.select_option("#id_authors", label=author)
    page.get_by_role("button", name="Post entry").click()
    page.locator(".messagelist .success").wait_for()


def test_two_editors_post_while_a_reader_watches(
    live_server, context, django_user_model, settings
):
    settings.NEWSROOM_LIVE_POLL_SECONDS = POLL
    # Superusers: the role groups the migrations made are gone once an earlier test
    # that commits has emptied the tables.
    for name in ["editor", "super"]:
        django_user_model.objects.create_superuser(name, f"{name}@example.org", "x")
    maya = make_author(name="Maya Okafor", slug="maya-okafor")
    make_author(name="Lee Chan", slug="lee-chan")
    story = make_article(headline="Storm live", authors=[maya])
    coverage = services.start_coverage(article=story, by=None)
    services.post_entry(
        coverage=coverage, by=None, body="<p>Coverage begins.</p>", authors=[maya]
    )
    composer = live_server.url + reverse("admin:live_composer", args=[story.pk])

    reader = context()
    reader.goto(live_server.url + story.get_absolute_url())
    entries = reader.locator(".live__entries .live-entry__body")
    assert entries.all_inner_texts() == ["Coverage begins."]
    # Marks this page: a reload would lose it.
    reader.evaluate("window.sameVisit = true")

    first, second = context(), context()
    log_in(first, live_server, "editor")
    log_in(second, live_server, "super")
    first.goto(composer)
    second.goto(composer)
    post_entry(first, "Ferries stop for the day.", "Maya Okafor")
    post_entry(second, "Schools close tomorrow.", "Lee Chan")

    reader.locator(".live__entries", has_text="Schools close tomorrow.").wait_for(
        timeout=WITHIN_MS
    )
    reader.locator(".live__entries", has_text="Ferries stop for the day.").wait_for(
        timeout=WITHIN_MS
    )
    assert entries.all_inner_texts() == [
        "Schools close tomorrow.",
        "Ferries stop for the day.",
        "Coverage begins.",
    ]
    assert reader.locator(".live__entries .live-entry__byline").first.inner_text() == (
        "By Lee Chan"
    )

    # A correction on an entry reaches the open page.
    first.reload()
    ferries = first.locator(".live-desk-entry", has_text="Ferries stop for the day.")
    ferries.get_by_label("Print a correction").fill("The last ferry ran at 4:30.")
    ferries.get_by_role("button", name="Print correction").click()
    first.locator(".messagelist .success").wait_for()
    reader.locator(".live-entry__correction", has_text="ferry ran at 4:30").wait_for(
        timeout=WITHIN_MS
    )

    # Pinning shows the entry in the key updates.
    assert reader.locator(".live__key").is_hidden()
    schools = first.locator(".live-desk-entry", has_text="Schools close tomorrow.")
    schools.get_by_role("button", name="Pin as key update").click()
    first.locator(".messagelist .success").wait_for()
    reader.locator(".live__key a", has_text="Schools close tomorrow.").wait_for(
        timeout=WITHIN_MS
    )

    # A removal takes the entry off the open page.
    ferries = first.locator(".live-desk-entry", has_text="Ferries stop for the day.")
    ferries.get_by_role("button", name="Remove").click()
    first.locator(".messagelist .success").wait_for()
    reader.wait_for_function(
        "() => !document.querySelector('.live__entries').textContent"
        ".includes('Ferries stop')",
        timeout=WITHIN_MS,
    )
    assert reader.evaluate("window.sameVisit") is True


def test_an_entry_with_a_gallery_and_an_embed_comes_alive_on_an_open_page(
    live_server, context, settings
):
    """Blocks that arrive with the updates work as the page's own do: the gallery
    is a strip with its buttons, the embed loads its frame when asked."""
    settings.NEWSROOM_LIVE_POLL_SECONDS = POLL
    maya = make_author(name="Maya Okafor", slug="maya-okafor")
    story = make_article(headline="Storm live", authors=[maya])
    coverage = services.start_coverage(article=story, by=None)
    reader = context()
    reader.goto(live_server.url + story.get_absolute_url())

    pictures = [make_image(caption=f"Picture {n}.") for n in (1, 2, 3)]
    address = make_video_embed().url
    services.post_entry(
        coverage=coverage,
        by=None,
        body="<p>The surge.</p>"
        + gallery_snippet([p.pk for p in pictures])
        + embed_snippet(address),
        authors=[maya],
    )
    status = reader.locator(".live-entry .gallery__status")
    status.wait_for(timeout=WITHIN_MS)
    assert status.inner_text() == "1 of 3"
    reader.get_by_role("button", name="Next picture").click()
    reader.wait_for_function(
        "() => document.querySelector('.live-entry .gallery__status')"
        ".textContent === '2 of 3'"
    )
    reader.get_by_role("button", name="Play the video from YouTube").click()
    frame = reader.locator(".live-entry .embed__content iframe")
    assert frame.get_attribute("src").startswith("https://www.youtube.com/embed/")
