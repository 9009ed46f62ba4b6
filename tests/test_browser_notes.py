"""The desk's talk in a real browser: a story sent back with a note, fixed, and
published, and the emails each step sends (the live server's locmem outbox)."""

import re
import time

import pytest
from django.core import mail

from articles.models import Article, Author
from notes.models import Note

from .factories import make_article, make_category, make_image
from .test_browser import (  # noqa: F401  (fixtures)
    allow_orm_beside_playwright,
    body_editor,
    browser,
    role_group,
)

# The story list, where a save lands (keeping the #fragment the form was opened at).
STORY_LIST = re.compile(r"/admin/articles/article/(#.*)?$")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def person(django_user_model, username, group, first, last):
    user = django_user_model.objects.create_user(
        username,
        email=f"{username}@example.org",
        password="pw",
        is_staff=True,
        first_name=first,
        last_name=last,
    )
    user.groups.add(role_group(group))
    return user


def test_changes_requested_with_a_note_then_fixed_and_published(
    live_server,
    browser,  # noqa: F811  (the fixture from test_browser)
    django_user_model,
):
    writer = person(django_user_model, "wri", "Writer", "Wren", "Writer")
    editor = person(django_user_model, "edi", "Editor", "Eda", "Editor")
    # Told of nothing: another editor (the story is Eda's) and another writer.
    person(django_user_model, "ed2", "Editor", "Other", "Editor")
    person(django_user_model, "by", "Writer", "By", "Stander")
    story = make_article(
        headline="Ferry fares rise in spring",
        dek="The harbor ferries cost more from April.",
        body="<p>Fares go up by a quarter.</p>",
        status=Article.Status.DRAFT,
        published_at=None,
        lead_image=make_image(),
        primary_category=make_category(name="City", slug="city"),
        authors=[Author.objects.create(name="Wren Writer", slug="wren", user=writer)],
        assignee=editor,
    )
    Article.objects.filter(pk=story.pk).update(created_by=writer)
    change_url = f"{live_server.url}/admin/articles/article/{story.pk}/change/"
    headline = "“Ferry fares rise in spring”"

    def session(username):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(live_server.url + "/admin/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill("pw")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(live_server.url + "/admin/")
        return context, page

    # The writer submits; only the story's editor is told.
    context, page = session("wri")
    page.goto(change_url)
    page.get_by_role("button", name="Submit for editing").click()
    page.wait_for_url(STORY_LIST)
    context.close()
    assert [m.to for m in mail.outbox] == [["edi@example.org"]]

    # The editor opens it from her notifications and sends it back: first without
    # saying what to change (refused, nothing lost), then with a note.
    context, page = session("edi")
    assert page.locator(".newsroom-notifications-count").inner_text() == "1"
    page.get_by_role("link", name=f"Wren Writer submitted {headline}").click()
    page.wait_for_url(f"{change_url}#notes")
    page.locator("#id_dek").fill("The harbor ferries cost a quarter more from April.")
    page.get_by_role("button", name="Request changes").click()
    error = page.locator(".newsroom-notes__change-request .errorlist")
    assert "Say what to change" in error.inner_text()
    assert page.locator("#id_dek").input_value() == (
        "The harbor ferries cost a quarter more from April."
    )
    assert Article.objects.get(pk=story.pk).status == Article.Status.READY
    page.get_by_label("What to change").fill(
        "Add the harbor master's ridership figures, @wri."
    )
    page.get_by_role("button", name="Request changes").click()
    page.wait_for_url(STORY_LIST)
    context.close()
    assert Article.objects.get(pk=story.pk).status == Article.Status.DRAFT
    asked = mail.outbox[1]
    assert asked.to == ["wri@example.org"]
    assert "Eda Editor requested changes to" in asked.subject
    assert "ridership figures, @wri." in asked.body

    # The writer sees the notification and the note, answers it, fixes the story
    # and submits it again.
    context, page = session("wri")
    assert page.locator(".newsroom-notifications-count").inner_text() == "1"
    notification = page.locator("#notifications .newsroom-notification--new")
    assert "ridership figures" in notification.inner_text()
    notification.get_by_role("link").click()
    page.wait_for_url("**/change/#note-*")
    note = page.locator(".newsroom-note--changes")
    assert "requested changes" in note.inner_text()
    assert note.locator(".newsroom-mention").inner_text() == "@wri"
    # Her answer is about one passage: she selects it in the body and quotes it.
    body_editor(page).locator("p").first.click(click_count=3)
    page.get_by_role("button", name="Quote the selection").click()
    assert page.get_by_label("About the passage").input_value() == (
        "Fares go up by a quarter."
    )
    page.get_by_label("New note").fill("Added them, @edi: 4,100 riders a day.")
    page.get_by_role("button", name="Post note").click()
    answer = page.locator(".newsroom-note", has_text="4,100 riders")
    answer.wait_for()
    assert answer.locator(".newsroom-note__passage").inner_text() == (
        "Fares go up by a quarter."
    )
    # ...and the body marks the passage her open note is about.
    page.wait_for_function(
        "CSS.highlights.get('newsroom-note')?.size === 1", polling=100
    )
    assert page.get_by_label("New note").input_value() == ""  # posted, page kept
    body_editor(page).locator("p").first.click()
    page.wait_for_function(
        "document.activeElement && document.activeElement.isContentEditable"
    )
    page.keyboard.press("End")
    page.keyboard.type(" About 4,100 people ride each day.")
    page.get_by_role("button", name="Submit for editing").click()
    page.wait_for_url(STORY_LIST)
    context.close()
    story.refresh_from_db()
    assert story.status == Article.Status.READY
    assert "4,100 people ride" in story.body

    # The editor publishes it, with a note she typed and did not post: it goes
    # with the save rather than being lost.
    context, page = session("edi")
    page.goto(change_url)
    page.get_by_label("New note").fill("Good to go.")
    page.get_by_role("button", name="Publish").click()
    page.wait_for_url(STORY_LIST)
    context.close()
    assert Article.objects.published().filter(pk=story.pk).exists()
    for _ in range(50):
        if Note.objects.filter(article=story, text="Good to go.").exists():
            break
        time.sleep(0.1)
    assert Note.objects.get(article=story, text="Good to go.").author == editor

    # Each step told the right person, and nobody else.
    assert [(m.to[0], m.subject.split("] ", 1)[1]) for m in mail.outbox] == [
        ("edi@example.org", f"Wren Writer submitted {headline}"),
        ("wri@example.org", f"Eda Editor requested changes to {headline}"),
        ("edi@example.org", f"Wren Writer mentioned you on {headline}"),
        ("edi@example.org", f"Wren Writer submitted {headline}"),
        ("wri@example.org", f"Eda Editor published {headline}"),
    ]
    assert "4,100 riders a day" in mail.outbox[2].body
    assert all(len(m.to) == 1 and not m.cc and not m.bcc for m in mail.outbox)
