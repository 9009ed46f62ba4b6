"""A reader and an editor in a real browser: headless Chromium driven by Playwright."""

import os
import shutil
from datetime import timedelta

import pytest
from django.utils import timezone

from .factories import make_article, make_author, make_category, make_image

sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path():
    candidates = [os.environ.get("CHROMIUM_PATH"), "chromium", "chromium-browser"]
    for candidate in filter(None, candidates):
        found = shutil.which(candidate)
        if found:
            return found
    message = "Chromium not found: install it (Debian: apt-get install chromium)."
    if os.environ.get("CI"):
        pytest.fail(message)  # CI must never skip the browser test
    pytest.skip(message)


@pytest.fixture(scope="module", autouse=True)
def allow_orm_beside_playwright():
    """Playwright's sync API runs an event loop in this thread, yet the tests' ORM calls
    are plain synchronous code: lift Django's async guard for this module only."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="module")
def browser(allow_orm_beside_playwright):
    path = chromium_path()
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    yield page
    context.close()


pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reader_goes_from_home_page_to_a_story(live_server, page):
    now = timezone.now()
    older = make_article(
        headline="The harbor vote, explained", published_at=now - timedelta(days=1)
    )
    make_article(
        headline="Ferry fares rise",
        lead_image=make_image(),
        published_at=now - timedelta(hours=1),
    )
    page.goto(live_server.url + "/")
    links = page.locator(".story-card__headline a")
    assert links.all_inner_texts() == ["Ferry fares rise", "The harbor vote, explained"]
    page.get_by_role("link", name="The harbor vote, explained").click()
    page.wait_for_url(f"**{older.get_absolute_url()}")
    assert page.locator("h1").inner_text() == "The harbor vote, explained"
    assert page.locator(".story__byline .byline").inner_text().startswith("By ")


def test_editor_logs_in_to_the_admin(live_server, page, django_user_model):
    django_user_model.objects.create_superuser(
        "editor", "e@example.org", "s3cret-pass!"
    )
    page.goto(live_server.url + "/admin/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("s3cret-pass!")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(live_server.url + "/admin/")
    assert page.get_by_role("link", name="Articles").first.is_visible()
    assert "editor" in page.locator("#user-tools").inner_text().lower()


def test_reader_goes_home_section_story_author_search(live_server, page):
    climate = make_category(name="Climate", slug="climate", is_in_navigation=True)
    daniel = make_author(name="Daniel Reyes", slug="daniel-reyes")
    story = make_article(
        headline="The seawall, explained",
        primary_category=climate,
        authors=[daniel],
        lead_image=make_image(),
        body="<p>Engineers want the seawall two feet higher.</p>",
    )
    make_article(headline="Elsewhere in the city")

    page.goto(live_server.url + "/")
    # On a phone the sections sit behind the Menu button.
    page.get_by_text("Menu").click()
    page.get_by_role("navigation", name="Sections menu").get_by_role(
        "link", name="Climate"
    ).click()
    page.wait_for_url("**/sections/climate/")
    assert page.locator("h1").inner_text() == "Climate"

    page.get_by_role("link", name="The seawall, explained").click()
    page.wait_for_url(f"**{story.get_absolute_url()}")
    page.locator(".story__byline").get_by_role("link", name="Daniel Reyes").click()
    page.wait_for_url("**/authors/daniel-reyes/")
    assert page.locator("h1").inner_text() == "Daniel Reyes"

    page.get_by_label("Search stories").fill("seawall engineers")
    page.get_by_label("Search stories").press("Enter")
    page.wait_for_url("**/search/?q=seawall+engineers")
    results = page.locator(".search-results .story-card__headline a")
    assert results.all_inner_texts() == ["The seawall, explained"]
    assert page.locator(".search-results mark").first.inner_text().lower() in {
        "seawall",
        "engineers",
    }


def test_photo_editor_sets_the_focal_point_by_clicking(live_server, page, admin_user):
    from photos.models import Image

    from .factories import jpeg_file

    image = make_image(file=jpeg_file(1200, 800), title="Harbor")
    log_in_as_admin(page, live_server)
    page.goto(f"{live_server.url}/admin/photos/image/{image.pk}/change/")
    picture = page.locator(".focal-picker img")
    picture.wait_for()
    box = picture.bounding_box()
    # Click a quarter of the way across and three quarters down.
    page.mouse.click(box["x"] + box["width"] * 0.25, box["y"] + box["height"] * 0.75)
    # The numbers follow the click (to a pixel of the picture shown).
    assert float(page.locator("#id_focal_x").input_value()) == pytest.approx(
        0.25, abs=0.01
    )
    assert float(page.locator("#id_focal_y").input_value()) == pytest.approx(
        0.75, abs=0.01
    )
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(f"{live_server.url}/admin/photos/image/")
    image = Image.objects.get(pk=image.pk)
    assert (round(image.focal_x, 2), round(image.focal_y, 2)) == (0.25, 0.75)


def test_choosing_a_lead_image_shows_its_thumbnail(live_server, page, admin_user):
    make_image(file=jpeg_file_for_picker(), title="Harbor at dawn")
    log_in_as_admin(page, live_server)
    page.goto(live_server.url + "/admin/articles/article/add/")
    page.locator(".field-lead_image .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill("harbor")
    option = page.locator(".select2-results__option .newsroom-picker-option").first
    option.wait_for()
    # The thumbnail beside the result is a real picture, once it has loaded.
    page.wait_for_function(
        "() => document.querySelector('.select2-results .newsroom-picker-option img')"
        ".naturalWidth > 0"
    )
    option.click()
    page.locator(".field-lead_image img.newsroom-picker-thumb").wait_for()
    page.wait_for_function(
        "() => document.querySelector('.field-lead_image img.newsroom-picker-thumb')"
        ".naturalWidth > 0"
    )


def jpeg_file_for_picker():
    from .factories import jpeg_file

    return jpeg_file(800, 600)


def pick_in_chooser(page, search):
    """Search the open picture chooser and pick the first picture found."""
    chooser = page.locator("dialog.newsroom-chooser-dialog[open]")
    chooser.get_by_label("Search the library").fill(search)
    first = chooser.locator(".newsroom-chooser__pick").first
    first.wait_for()
    page.wait_for_function(
        "s => [...document.querySelectorAll('.newsroom-chooser__title')]"
        ".every(t => t.textContent.toLowerCase().includes(s))",
        arg=search.lower(),
    )
    first.click()
    chooser.wait_for(state="hidden")


def body_editor(page):
    """The story body's rich-text editor, once it is up."""
    editor = page.locator(".field-body .ProseMirror[contenteditable=true]")
    editor.wait_for()
    return editor


def test_editor_writes_with_the_rich_text_editor(live_server, page, admin_user):
    make_image(file=jpeg_file_for_picker(), title="Seawall at noon")
    log_in_as_admin(page, live_server)
    page.goto(live_server.url + "/admin/articles/article/add/")
    editor = body_editor(page)
    editor.click()
    page.keyboard.type("First words of a ")
    page.keyboard.press("Control+b")
    page.keyboard.type("story")
    page.keyboard.press("Control+b")
    page.keyboard.type(".")
    # The length under the body follows the typing.
    assert page.locator(".newsroom-length").inner_text() == (
        "5 words · about 1 min to read"
    )
    page.keyboard.press("Enter")
    page.keyboard.type("A line worth lifting.")
    page.get_by_title("pull quote").click()
    # The editor's picture button opens the picture chooser.
    page.get_by_title("place a library picture").click()
    pick_in_chooser(page, "seawall")

    html = page.locator("#id_body").input_value()
    assert html.startswith("<p>First words of a <strong>story</strong>.</p>")
    assert '<aside class="pull-quote">A line worth lifting.</aside>' in html
    assert '<figure data-image-id="' in html
    assert editor.locator("figure.newsroom-placed-picture img").count() == 1


# What Word puts on the clipboard, trimmed: classes, styles, Office tags, conditional
# comments; plus what an attacker might add to it.
PASTED_FROM_WORD = """<html xmlns:o="urn:schemas-microsoft-com:office:office">
<head><style>p.MsoNormal{margin:0in;font-family:Calibri}</style></head><body>
<p class=MsoNormal style='margin-bottom:0in;mso-line-height-alt:12pt'><b><span
style='font-family:"Calibri",sans-serif'>Council</span></b><span
style='mso-spacerun:yes'> </span>votes <i>tonight</i><o:p></o:p></p>
<p class=MsoNormal><a href="javascript:alert(1)" onclick="alert(2)">a link</a>
<img src=x onerror="alert(3)"><script>alert(4)</script></p>
</body></html>"""

# Google Docs marks bold with a style on a span, inside a wrapper of its own.
PASTED_FROM_DOCS = (
    '<meta charset="utf-8"><b style="font-weight:normal;" id="docs-internal-guid-1">'
    '<p dir="ltr" style="line-height:1.38;margin-top:0pt"><span style="font-size:11pt;'
    'font-weight:700;">Ferries</span><span style="font-size:11pt;"> run late.</span>'
    "</p></b>"
)


def paste(page, html):
    page.evaluate(
        """html => {
            const data = new DataTransfer();
            data.setData("text/html", html);
            data.setData("text/plain", "plain text");
            document.querySelector(".field-body .ProseMirror[contenteditable=true]")
                .dispatchEvent(new ClipboardEvent("paste", {
                    clipboardData: data, bubbles: true, cancelable: true,
                }));
        }""",
        html,
    )


def test_text_pasted_from_word_or_docs_arrives_clean(live_server, page, admin_user):
    log_in_as_admin(page, live_server)
    page.goto(live_server.url + "/admin/articles/article/add/")
    body_editor(page).click()
    dialogs = []
    page.on("dialog", lambda dialog: dialogs.append(dialog) or dialog.dismiss())

    paste(page, PASTED_FROM_WORD)
    page.keyboard.press("Enter")
    paste(page, PASTED_FROM_DOCS)

    html = page.locator("#id_body").input_value()
    assert "<strong>Council</strong> votes <em>tonight</em>" in html
    assert "<p><strong>Ferries</strong> run late.</p>" in html
    for leftover in ["style", "class=", "Mso", "<span", "o:p", "script", "onerror"]:
        assert leftover not in html, leftover
    assert "javascript:" not in html
    assert not dialogs


def log_in_as_admin(page, live_server):
    """Log in with pytest-django's admin_user (username admin, password password)."""
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("password")
    page.get_by_role("button", name="Log in").click()


def test_search_fields_count_their_characters(live_server, page, admin_user):
    log_in_as_admin(page, live_server)
    page.goto(live_server.url + "/admin/articles/article/add/")
    page.locator("#id_seo_title").fill("Budget fight, explained")
    counter = page.locator("#id_seo_title + .newsroom-char-count")
    assert counter.inner_text() == "23 of 70 characters"
    assert page.locator("#id_seo_description + .newsroom-char-count").inner_text() == (
        "0 of 160 characters"
    )


def choose(page, field, text):
    """Pick `text` in the admin autocomplete of the form field named `field`."""
    page.locator(f"select[name='{field}'] + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def test_a_story_from_writer_to_editor_to_reader(
    live_server, browser, django_user_model
):
    """A writer drafts and submits a story with a placed picture; an editor previews
    it and schedules it; a reader sees it appear at its time."""
    import time_machine

    from articles.models import Article, Author

    from .factories import jpeg_file

    writer = django_user_model.objects.create_user("wri", password="pw", is_staff=True)
    writer.groups.add(role_group("Writer"))
    Author.objects.create(name="Wren Writer", slug="wren-writer", user=writer)
    editor = django_user_model.objects.create_user("edi", password="pw", is_staff=True)
    editor.groups.add(role_group("Editor"))
    make_category(name="Culture", slug="culture", is_in_navigation=True)
    make_image(file=jpeg_file(1600, 1000), title="Lanterns over the harbor")
    make_image(file=jpeg_file(1600, 1000), title="Market stalls at dusk")

    def session(username):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(live_server.url + "/admin/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill("pw")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(live_server.url + "/admin/")
        return context, page

    # The writer drafts the story, places a picture in it, and submits it.
    context, page = session("wri")
    page.goto(live_server.url + "/admin/articles/article/add/")
    page.locator("#id_headline").fill("The lantern festival, explained")
    page.locator("#id_dek").fill("Why the harbor glows for one night a year.")
    body_editor(page).click()
    page.keyboard.type("The lanterns go up at dusk.")
    choose(page, "insert_image", "Market stalls")
    page.get_by_role("button", name="Place in story").click()
    choose(page, "lead_image", "Lanterns")
    choose(page, "primary_category", "Culture")
    choose(page, "bylines-0-author", "Wren")
    page.get_by_role("button", name="Submit for editing").click()
    page.wait_for_url(live_server.url + "/admin/articles/article/")
    story = Article.objects.get(headline="The lantern festival, explained")
    assert story.status == Article.Status.READY
    assert story.inline_image_links.count() == 1
    context.close()

    # The editor opens it, adds a pull quote, previews the edit, shares a preview link
    # and schedules it for tomorrow 7am.
    context, page = session("edi")
    page.goto(f"{live_server.url}/admin/articles/article/{story.pk}/change/")
    body_editor(page).locator("p").first.click()
    # Keys pressed before the editor has the focus would be lost, and the Enter
    # below would then split the paragraph where the click landed.
    page.wait_for_function(
        "document.activeElement && document.activeElement.isContentEditable"
    )
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.type("Ten thousand lanterns, one night.")
    page.get_by_title("pull quote").click()
    with context.expect_page() as opened:
        page.get_by_role("button", name="Preview").click()
    draft = opened.value
    draft.wait_for_load_state()
    assert draft.locator(".story__body .pull-quote").inner_text() == (
        "Ten thousand lanterns, one night."
    )
    assert "not saved" in draft.locator(".preview-banner").inner_text()
    draft.close()
    assert "pull-quote" not in Article.objects.get(pk=story.pk).body
    preview = page.locator("a.newsroom-preview-link").get_attribute("href")
    at = timezone.localtime(timezone.now() + timedelta(days=1)).replace(
        hour=7, minute=0, second=0, microsecond=0
    )
    page.locator("#id_published_at_0").fill(f"{at:%Y-%m-%d}")
    page.locator("#id_published_at_1").fill("07:00:00")
    # A time to come: the Publish button says what it will do.
    page.get_by_role("button", name="Schedule", exact=True).click()
    page.wait_for_url(live_server.url + "/admin/articles/article/")
    story.refresh_from_db()
    assert (story.status, story.published_at) == (Article.Status.PUBLISHED, at)
    assert '<aside class="pull-quote">Ten thousand lanterns' in story.body
    context.close()

    # Anyone with the preview link reads it; readers do not see it until its time.
    reader = browser.new_context(viewport={"width": 390, "height": 844})
    page = reader.new_page()
    page.goto(live_server.url + preview)
    assert page.locator("h1").inner_text() == "The lantern festival, explained"
    assert page.locator(".story__body figure img").count() == 1
    page.goto(live_server.url + "/")
    assert page.get_by_role("link", name="The lantern festival, explained").count() == 0
    with time_machine.travel(at + timedelta(minutes=1)):
        # A reload: only the server's clock travels, and the browser may keep the
        # home page a minute (it would have kept it only until 7am, had it travelled).
        page.reload()
        page.get_by_role("link", name="The lantern festival, explained").first.click()
        page.wait_for_url(f"**{story.get_absolute_url()}")
        assert page.locator(".story__byline").inner_text().startswith("By Wren Writer")
    reader.close()


def role_group(name):
    """The role's group as migration 0007 makes it. Browser tests run in transactions
    that end with a flush, which takes data-migration rows with it; make it again."""
    import importlib

    from django.contrib.auth.models import Group, Permission

    roles = importlib.import_module(
        "articles.migrations.0007_writer_and_editor_groups"
    ).ROLES
    # The library's models have moved to the photos app since (its migration 0001).
    moved = {("articles", "image"): "photos", ("articles", "rendition"): "photos"}
    # And what later migrations granted (0019: pictures of their own).
    grants = importlib.import_module(
        "articles.migrations.0021_writers_and_editors_add_pictures"
    ).GRANTS
    group, created = Group.objects.get_or_create(name=name)
    if created:
        for app_label, models in roles[name].items():
            for model, actions in models.items():
                group.permissions.add(
                    *Permission.objects.filter(
                        content_type__app_label=moved.get(
                            (app_label, model), app_label
                        ),
                        codename__in=[f"{action}_{model}" for action in actions],
                    )
                )
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="photos", codename__in=grants.get(name, [])
            )
        )
    return group


# Collects what the Content-Security-Policy blocked (or, report-only, would have).
RECORD_CSP_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", event => {
    window.cspViolations.push(
        `${event.violatedDirective} blocked ${event.blockedURI || "inline"}` +
        ` at ${event.sourceFile}:${event.lineNumber}`
    );
});
"""


def csp_violations(page):
    return page.evaluate("window.cspViolations")


def test_the_story_editor_works_under_the_admin_policy(live_server, page, admin_user):
    """The story form, its rich-text editor, the picture picker and a save break no
    rule of the admin's Content-Security-Policy."""
    make_image(file=jpeg_file_for_picker(), title="Seawall at noon")
    make_category(name="Climate")
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    log_in_as_admin(page, live_server)
    response = page.goto(live_server.url + "/admin/articles/article/add/")
    assert "script-src 'self' 'nonce-" in response.headers["content-security-policy"]
    editor = body_editor(page)
    editor.click()
    page.keyboard.type("Engineers want the ")
    page.keyboard.press("Control+i")
    page.keyboard.type("seawall")
    page.keyboard.press("Control+i")
    page.keyboard.type(" two feet higher.")
    page.get_by_title("place a library picture").click()
    pick_in_chooser(page, "seawall")
    assert editor.locator("figure.newsroom-placed-picture img").count() == 1
    assert page.locator(".newsroom-length").inner_text().endswith("min to read")
    page.locator("#id_headline").fill("The seawall, explained")
    page.locator("#id_dek").fill("Two feet higher, and who pays.")
    assert csp_violations(page) == []
    page.get_by_role("button", name="Save and continue editing").click()
    page.wait_for_url("**/change/")
    body_editor(page)
    assert "<em>seawall</em>" in page.locator("#id_body").input_value()
    assert csp_violations(page) == []


def test_a_story_page_breaks_no_rule_of_the_public_policy(live_server, page):
    """A public story page, with its lead image, picture in the body and JSON-LD,
    loads fully under the public Content-Security-Policy."""
    picture = make_image()
    story = make_article(
        headline="Ferry fares rise",
        lead_image=make_image(),
        body=f'<p>Fares rise.</p><figure data-image-id="{picture.pk}"></figure>',
    )
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    response = page.goto(live_server.url + story.get_absolute_url())
    assert "script-src 'self'" in response.headers["content-security-policy"]
    pictures = page.locator("main figure img")
    assert pictures.count() == 2
    for picture in pictures.all():
        picture.scroll_into_view_if_needed()
        picture.evaluate("img => img.decode()")  # fails if the picture did not load
    assert csp_violations(page) == []
