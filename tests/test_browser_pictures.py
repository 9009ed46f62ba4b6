"""Pictures at the desk in a real browser: the focal point, the picture chooser,
pictures dropped into and set in the body editor, and a writer's whole day with a
photo of her own, counted in clicks."""

import re

import pytest
from django.utils import timezone

from . import pictures
from .factories import jpeg_file, make_author, make_image
from .test_browser import (
    CHROMIUM_FLAGS,
    RECORD_CSP_VIOLATIONS,
    body_editor,
    chromium_path,
    csp_violations,
    log_in_as_admin,
    role_group,
    sync_api,
)


@pytest.fixture(scope="module")
def chromium():
    """Headless Chromium, as test_browser.py launches it, with Django's async guard
    lifted for this module (Playwright's sync API runs an event loop here)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium_path(), args=CHROMIUM_FLAGS
            )
            yield browser
            browser.close()


pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def new_page(chromium, width, height=900):
    context = chromium.new_context(viewport={"width": width, "height": height})
    return context, context.new_page()


def centre(locator):
    box = locator.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def click_at(page, picture, x, y):
    """Click `picture` at (x, y), fractions of its drawn width and height; return the
    point clicked."""
    box = picture.bounding_box()
    point = (box["x"] + box["width"] * x, box["y"] + box["height"] * y)
    page.mouse.click(*point)
    return point


@pytest.mark.parametrize("width", [1280, 1600, 390], ids=["1280", "1600", "phone"])
def test_the_focal_marker_sits_where_the_click_was(live_server, chromium, width):
    from django.contrib.auth.models import User

    User.objects.create_superuser("admin", "a@example.org", "password")
    image = make_image(file=jpeg_file(1200, 800), title="Harbor")
    context, page = new_page(chromium, width)
    log_in_as_admin(page, live_server)
    page.goto(f"{live_server.url}/admin/photos/image/{image.pk}/change/")
    picture = page.locator(".focal-picker img")
    page.wait_for_function(
        "() => document.querySelector('.focal-picker img').naturalWidth > 0"
    )
    marker = page.locator(".focal-picker__marker")
    for x, y in [(0.3, 0.6), (0.75, 0.2), (0.05, 0.95)]:
        clicked = click_at(page, picture, x, y)
        shown = centre(marker)
        assert shown == pytest.approx(clicked, abs=1.5), (width, x, y)
    # The crops beside it follow: a square crop of this 3:2 picture, the subject
    # near the left edge, starts at the left edge.
    crops = page.locator(".focal-crop__frame")
    assert crops.count() == 3
    square = crops.nth(2).evaluate("el => el.style.backgroundPosition")
    assert square == "0% 50%"
    click_at(page, picture, 0.9, 0.5)
    square = crops.nth(2).evaluate("el => el.style.backgroundPosition")
    assert square == "100% 50%"
    context.close()


def test_the_focal_point_is_set_before_the_first_save(live_server, chromium):
    from django.contrib.auth.models import User

    from photos.models import Image

    User.objects.create_superuser("admin", "a@example.org", "password")
    context, page = new_page(chromium, 1280)
    log_in_as_admin(page, live_server)
    page.goto(f"{live_server.url}/admin/photos/image/add/")
    page.locator("#id_file").set_input_files(
        files=[
            {
                "name": "pier.jpg",
                "mimeType": "image/jpeg",
                "buffer": pictures.picture_bytes(size=(1200, 800)),
            }
        ]
    )
    picture = page.locator(".focal-picker img")
    page.wait_for_function(
        "() => document.querySelector('.focal-picker img').naturalWidth > 0"
    )
    clicked = click_at(page, picture, 0.25, 0.75)
    assert centre(page.locator(".focal-picker__marker")) == pytest.approx(
        clicked, abs=1.5
    )
    page.locator("#id_alt_text").fill("A pier")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(f"{live_server.url}/admin/photos/image/")
    image = Image.objects.get()
    assert (round(image.focal_x, 2), round(image.focal_y, 2)) == (0.25, 0.75)
    context.close()


def test_a_picture_dropped_into_the_body_is_uploaded_and_placed(live_server, chromium):
    """A file dropped into the body opens the chooser's Upload tab with it; once
    its alt text is given it is in the library and placed in the story, showing
    its thumbnail, caption and credit, with a size and caption for this story."""
    from django.contrib.auth.models import User

    from photos.models import Image

    User.objects.create_superuser("admin", "a@example.org", "password")
    context, page = new_page(chromium, 1280)
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    log_in_as_admin(page, live_server)
    page.goto(live_server.url + "/admin/articles/article/add/")
    editor = body_editor(page)
    editor.click()
    page.keyboard.type("The storm came in at dawn.")
    wire = list(pictures.wire_photo_iptc())
    editor.evaluate(
        """(element, bytes) => {
            const file = new File([new Uint8Array(bytes)], "storm.jpg",
                                  {type: "image/jpeg"});
            const data = new DataTransfer();
            data.items.add(file);
            const box = element.getBoundingClientRect();
            element.dispatchEvent(new DragEvent("drop", {
                dataTransfer: data, bubbles: true, cancelable: true,
                clientX: box.left + 10, clientY: box.top + 10,
            }));
        }""",
        wire,
    )
    chooser = page.locator("dialog.newsroom-chooser-dialog[open]")
    caption = chooser.locator("#id_caption")
    page.wait_for_function(
        "() => document.querySelector('dialog[open] #id_caption')?.value > ''"
    )
    assert caption.input_value().startswith("Waves break over the seawall")
    assert chooser.locator("#id_credit").input_value() == (
        "Rita Moreno-Hale/Coastal Wire"
    )
    # Alt text is asked for: without it nothing is stored.
    chooser.get_by_role("button", name="Upload and use this picture").click()
    chooser.locator("[data-errors-for=alt_text] li").wait_for()
    assert not Image.objects.exists()
    chooser.locator("#id_alt_text").fill("Waves over the seawall")
    chooser.get_by_role("button", name="Upload and use this picture").click()
    chooser.wait_for(state="hidden")
    image = Image.objects.get()
    placed = editor.locator("figure.newsroom-placed-picture")
    placed.locator(".newsroom-placed-picture__credit").filter(
        has_text="Rita Moreno-Hale/Coastal Wire"
    ).wait_for()
    assert (
        placed.locator(".newsroom-placed-picture__caption")
        .inner_text()
        .startswith("Waves break")
    )
    page.wait_for_function(
        "() => document.querySelector('.newsroom-placed-picture img').naturalWidth > 0"
    )
    placed.get_by_label("Size on the page").select_option("wide")
    placed.get_by_label("Caption in this story").fill("The seawall, at dawn.")
    html = page.locator("#id_body").input_value()
    assert f'data-image-id="{image.pk}"' in html
    assert 'data-size="wide"' in html
    assert 'data-caption="The seawall, at dawn."' in html

    # A picture pasted into the body takes the same way in.
    editor.locator("p").first.click()
    editor.evaluate(
        """(element, bytes) => {
            const data = new DataTransfer();
            data.items.add(new File([new Uint8Array(bytes)], "pasted.png",
                                    {type: "image/png"}));
            element.dispatchEvent(new ClipboardEvent("paste", {
                clipboardData: data, bubbles: true, cancelable: true,
            }));
        }""",
        list(pictures.picture_bytes("PNG", size=(800, 600))),
    )
    chooser.locator(".focal-editor:not([hidden]) .focal-picker img").wait_for()
    assert chooser.locator("#id_file").evaluate("input => input.files[0].name") == (
        "pasted.png"
    )
    # The picture shown from the disk, and its crops, break no rule of the admin's
    # Content-Security-Policy.
    assert csp_violations(page) == []
    context.close()


def wire_photo_file(tmp_path):
    """A wire photo on disk, as an agency sends it: IPTC by-line and credit."""
    data = pictures.wire_photo_iptc(
        {
            (2, 5): b"Lanterns over the harbor",
            (2, 120): b"Lanterns rise over the harbor on festival night.",
            (2, 80): b"Matthias Hangst",
            (2, 110): b"Getty Images",
            (2, 115): b"Getty Images",
        }
    )
    path = tmp_path / "lanterns.jpg"
    path.write_bytes(data)
    return path


# The most clicks a writer may need for her day (issue 13's first target).
CLICK_BUDGET = 15


def test_a_writer_alone_files_a_story_with_her_own_photo(
    live_server, chromium, django_user_model, tmp_path
):
    """From the editors' home to a submitted story with a photo she uploads from
    disk as its lead (its IPTC words filled in), a library picture in the body, a
    co-author, tags and a preview: in CLICK_BUDGET clicks or fewer, and no page or
    request she makes is refused."""
    from articles.models import Article

    writer = django_user_model.objects.create_user("wren", password="pw", is_staff=True)
    writer.groups.add(role_group("Writer"))
    make_author(name="Wren Writer", slug="wren-writer", user=writer)
    make_author(name="Cal Ortega", slug="cal-ortega")
    make_image(file=jpeg_file(1600, 1000), title="Market stalls at dusk")
    photo = wire_photo_file(tmp_path)

    context, page = new_page(chromium, 1280)
    refused = []
    page.on(
        "response",
        lambda response: (
            response.status in {401, 403, 404, 405, 409, 500}
            and refused.append(f"{response.status} {response.url}")
        ),
    )
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Username").fill("wren")
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(live_server.url + "/admin/")  # the editors' home

    clicks = []

    def click(locator, why):
        locator.click()
        clicks.append(why)

    click(page.locator("a[href$='/admin/articles/article/add/']").first, "new story")
    # The headline has the focus on a new story.
    page.locator("#id_headline:focus").wait_for()
    page.keyboard.type("The lantern festival, explained")
    click(page.locator("#id_dek"), "dek")
    page.keyboard.type("Why the harbor glows for one night a year.")
    click(body_editor(page), "body")
    page.keyboard.type("The lanterns go up at dusk, ten thousand of them.")

    # A second picture, from the library, in the body.
    click(page.get_by_title("place a library picture"), "picture button")
    chooser = page.locator("dialog.newsroom-chooser-dialog[open]")
    chooser.get_by_label("Search the library").fill("market")
    pick = chooser.locator(".newsroom-chooser__pick", has_text="Market stalls")
    pick.wait_for()
    click(pick, "library picture")
    chooser.wait_for(state="hidden")

    # Her own photo, from disk, as the lead.
    lead = page.locator(".field-lead_image")
    with page.expect_file_chooser() as choosing:
        click(lead.get_by_text("Upload from your computer…"), "upload from disk")
    choosing.value.set_files(photo)
    clicks.append("the file, in the computer's file dialog")
    alt = chooser.locator("#id_alt_text")
    alt.wait_for()
    page.wait_for_function(
        "() => document.querySelector('dialog[open] #id_credit')?.value > ''"
    )
    assert chooser.locator("#id_credit").input_value() == (
        "Matthias Hangst/Getty Images"
    )
    assert chooser.locator("#id_title").input_value() == "Lanterns over the harbor"
    page.locator("dialog[open] #id_alt_text:focus").wait_for()
    page.keyboard.type("Paper lanterns drifting above dark water")
    click(chooser.get_by_role("button", name="Upload and use this picture"), "upload")
    chooser.wait_for(state="hidden")
    page.wait_for_function(
        "() => document.querySelector('.field-lead_image img.newsroom-picker-thumb')"
        "?.naturalWidth > 0"
    )

    # Bylines: hers (unless the form fills it in), then a co-author.
    def byline(row, name):
        click(
            page.locator(
                f"select[name='bylines-{row}-author'] + .select2 .select2-selection"
            ),
            f"byline {row}",
        )
        page.locator(".select2-container--open .select2-search__field").fill(name)
        # Enter takes the highlighted result: once the search has answered, hers.
        page.locator(".select2-results__option--highlighted", has_text=name).wait_for()
        page.keyboard.press("Enter")
        expect_value = f"select[name='bylines-{row}-author']"
        page.wait_for_function(
            "s => document.querySelector(s).value !== ''", arg=expect_value
        )

    if not page.locator("select[name='bylines-0-author']").input_value():
        byline(0, "Wren")
    click(
        page.get_by_role("button", name=re.compile("add another byline", re.I)),
        "add a byline",
    )
    byline(1, "Cal")

    click(page.locator("#id_new_tags"), "tags")
    page.keyboard.type("lanterns, harbor")

    with context.expect_page() as opened:
        click(page.get_by_role("button", name="Preview"), "preview")
    preview = opened.value
    preview.wait_for_load_state()
    assert preview.locator("h1").inner_text() == "The lantern festival, explained"
    lead_credit = preview.locator(".figure--lead .figure__credit").text_content()
    assert lead_credit == "Matthias Hangst/Getty Images"
    assert preview.locator(".story__body figure img").count() == 1
    preview.close()
    clicks.append("close the preview tab")

    click(page.get_by_role("button", name="Submit for editing"), "submit")
    page.wait_for_url(live_server.url + "/admin/articles/article/")

    story = Article.objects.get(headline="The lantern festival, explained")
    assert story.status == Article.Status.READY
    assert story.lead_image.credit == "Matthias Hangst/Getty Images"
    assert story.lead_image.caption.startswith("Lanterns rise over the harbor")
    assert story.lead_image.uploaded_by == writer
    assert [i.image.title for i in story.inline_image_links.all()] == [
        "Market stalls at dusk"
    ]
    assert [b.author.name for b in story.bylines.all()] == ["Wren Writer", "Cal Ortega"]
    assert sorted(story.tags.names()) == ["harbor", "lanterns"]
    assert refused == []
    print(f"\nThe writer's day: {len(clicks)} clicks: " + "; ".join(clicks))
    assert len(clicks) <= CLICK_BUDGET, clicks
    assert story.created_at <= timezone.now()
    context.close()


def test_headshots_and_social_images_use_the_same_chooser(live_server, chromium):
    from django.contrib.auth.models import User

    User.objects.create_superuser("admin", "a@example.org", "password")
    portrait = make_image(file=jpeg_file(600, 800), title="Portrait of Ana")
    card = make_image(file=jpeg_file(1200, 630), title="Card for the vote")
    author = make_author(name="Ana Lopes")
    context, page = new_page(chromium, 1280)
    log_in_as_admin(page, live_server)

    page.goto(f"{live_server.url}/admin/articles/author/{author.pk}/change/")
    page.locator(".field-headshot .newsroom-choose-picture").click()
    chooser = page.locator("dialog.newsroom-chooser-dialog[open]")
    chooser.get_by_label("Shape").select_option("portrait")
    chooser.locator(".newsroom-chooser__pick", has_text="Portrait of Ana").click()
    chooser.wait_for(state="hidden")
    assert page.locator("#id_headshot").input_value() == str(portrait.pk)
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(f"{live_server.url}/admin/articles/author/")
    author.refresh_from_db()
    assert author.headshot == portrait

    page.goto(live_server.url + "/admin/articles/article/add/")
    editor = body_editor(page)
    page.locator(".field-social_image .newsroom-choose-picture").click()
    chooser.get_by_label("Search the library").fill("card")
    chooser.locator(".newsroom-chooser__pick", has_text="Card for the vote").click()
    assert page.locator("#id_social_image").input_value() == str(card.pk)
    # "Place a picture" under the editor: chosen in the chooser, placed at once.
    page.locator(".field-insert_image .newsroom-choose-picture").click()
    chooser.locator(".newsroom-chooser__pick", has_text="Card for the vote").click()
    assert editor.locator("figure.newsroom-placed-picture").count() == 1
    assert page.locator("#id_insert_image").input_value() == ""
    context.close()
