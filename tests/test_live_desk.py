"""The live desk in the admin: a focused composer per story, where several people
post at once, writers edit their own entries, editors pin and remove, and two edits
of the same entry never overwrite each other."""

import lxml.html
import pytest
from django.urls import reverse

from live import services
from live.models import LiveEntry

from .factories import make_article, make_author

pytestmark = pytest.mark.django_db


@pytest.fixture
def story():
    article = make_article(headline="Storm live")
    services.start_coverage(article=article, by=None)
    return article


def composer(story):
    return reverse("admin:live_composer", args=[story.pk])


def entry_data(text, *authors, **extra):
    return {
        "headline": "",
        "body": f"<p>{text}</p>",
        "authors": [str(a.pk) for a in authors],
        **extra,
    }


def test_a_writer_posts_an_entry_with_bylines_in_her_order(client, story, people):
    maya = make_author(name="Maya Okafor", user=people["writer"])
    lee = make_author(name="Lee Chan")
    client.force_login(people["writer"])
    page = lxml.html.fromstring(client.get(composer(story)).content)
    # Her own byline is chosen for her.
    assert page.cssselect("#id_authors option[selected]")[0].text == "Maya Okafor"
    # The picture field's chooser offers her an upload, as the story form's does.
    assert page.cssselect("#id_insert_image")[0].get("data-upload-label")
    response = client.post(composer(story), entry_data("Ferries stop.", lee, maya))
    assert response.status_code == 302
    entry = LiveEntry.objects.get()
    assert [b.author for b in entry.bylines.all()] == [lee, maya]
    assert entry.created_by == people["writer"]


def test_an_empty_entry_is_refused_and_nothing_is_saved(client, story, people):
    client.force_login(people["editor"])
    response = client.post(
        composer(story),
        {"headline": "Kept headline", "body": "<p> </p>", "authors": []},
    )
    assert response.status_code == 400
    assert "Write the entry before posting it." in response.content.decode()
    assert 'value="Kept headline"' in response.content.decode()
    assert not LiveEntry.objects.exists()


def test_two_people_posting_at_once_both_land(client, story, people):
    author = make_author()
    writer, editor = client, type(client)()
    writer.force_login(people["writer"])
    editor.force_login(people["editor"])
    # Both opened the composer before either posted.
    writer.get(composer(story))
    editor.get(composer(story))
    assert writer.post(composer(story), entry_data("One", author)).status_code == 302
    assert editor.post(composer(story), entry_data("Two", author)).status_code == 302
    assert sorted(e.plain_text for e in LiveEntry.objects.all()) == ["One", "Two"]


def test_editing_the_same_entry_twice_refuses_the_later_and_keeps_its_words(
    client, story, people
):
    author = make_author()
    entry = services.post_entry(
        coverage=story.live_coverage,
        by=people["writer"],
        body="<p>First</p>",
        authors=[author],
    )
    edit = reverse("admin:live_entry_edit", args=[entry.pk])
    writer, editor = client, type(client)()
    writer.force_login(people["writer"])
    editor.force_login(people["editor"])
    # Both opened the entry at revision 1.
    assert (
        editor.post(edit, entry_data("Editor's words", author, revision=1)).status_code
        == 302
    )
    refused = writer.post(edit, entry_data("Writer's words", author, revision=1))
    assert refused.status_code == 409
    page = refused.content.decode()
    assert "editor edited this entry" in page
    assert "Writer&#x27;s words" in page or "Writer's words" in page
    entry.refresh_from_db()
    assert entry.plain_text == "Editor's words" and entry.revision == 2
    # The edit page keeps the record: each saved version, who saved it.
    versions = lxml.html.fromstring(editor.get(edit).content).cssselect(
        ".live-desk__versions li"
    )
    assert [v.text_content().split(": ", 1)[1] for v in versions] == [
        "Editor's words",
        "First",
    ]
    assert "editor" in versions[0].text_content()


def test_a_pin_or_correction_does_not_make_an_open_edit_stale(client, story, people):
    author = make_author()
    entry = services.post_entry(
        coverage=story.live_coverage,
        by=people["writer"],
        body="<p>First</p>",
        authors=[author],
    )
    services.set_pinned(entry=entry, pinned=True)
    services.correct_entry(entry=entry, by=people["editor"], text="A fix.")
    client.force_login(people["writer"])
    edit = reverse("admin:live_entry_edit", args=[entry.pk])
    assert (
        client.post(edit, entry_data("Second", author, revision=1)).status_code == 302
    )


def test_a_writer_may_not_pin_remove_or_edit_others_entries(client, story, people):
    author = make_author()
    entry = services.post_entry(
        coverage=story.live_coverage,
        by=people["editor"],
        body="<p>Theirs</p>",
        authors=[author],
    )
    client.force_login(people["writer"])
    for action in ["pin", "remove"]:
        response = client.post(
            reverse("admin:live_entry_action", args=[entry.pk, action])
        )
        assert response.status_code == 403
        assert "You can post entries" in response.content.decode()
    response = client.get(reverse("admin:live_entry_edit", args=[entry.pk]))
    assert response.status_code == 403
    assert "edit and correct your own entries" in response.content.decode()
    entry.refresh_from_db()
    assert not entry.is_pinned and not entry.is_removed


def test_an_editor_pins_corrects_removes_and_restores(client, story, people):
    entry = services.post_entry(
        coverage=story.live_coverage,
        by=None,
        body="<p>Words</p>",
        authors=[make_author()],
    )
    client.force_login(people["editor"])

    def do(action, **data):
        url = reverse("admin:live_entry_action", args=[entry.pk, action])
        assert client.post(url, data).status_code == 302
        entry.refresh_from_db()

    do("pin")
    assert entry.is_pinned
    do("correct", text="The gauge dates from 1994.")
    assert entry.corrections.get().noted_by == people["editor"]
    do("remove")
    assert entry.removed_by == people["editor"]
    do("restore")
    assert not entry.is_removed


def test_an_empty_correction_saves_nothing(client, story, people):
    entry = services.post_entry(
        coverage=story.live_coverage,
        by=None,
        body="<p>Words</p>",
        authors=[make_author()],
    )
    client.force_login(people["editor"])
    url = reverse("admin:live_entry_action", args=[entry.pk, "correct"])
    response = client.post(url, {"text": ""}, follow=True)
    assert "write the correction" in response.content.decode()
    assert not entry.corrections.exists()


def test_only_an_editor_starts_and_ends_coverage(client, people):
    article = make_article()
    url = reverse("admin:live_coverage", args=[article.pk])
    client.force_login(people["writer"])
    assert client.post(url, {"do": "start"}).status_code == 403
    client.force_login(people["editor"])
    assert client.post(url, {"do": "start"}).status_code == 302
    article.refresh_from_db()
    assert article.live_coverage.is_open
    assert client.post(url, {"do": "end"}).status_code == 302
    article.live_coverage.refresh_from_db()
    assert not article.live_coverage.is_open
    # An ended coverage takes no entries.
    response = client.post(composer(article), entry_data("Late", make_author()))
    assert response.status_code == 403


def test_the_photo_desk_finds_no_story_here(client, story, people):
    client.force_login(people["photo editor"])
    response = client.get(composer(story))
    assert response.status_code == 404
    assert "not one you can open" in response.content.decode()


def test_the_composer_is_reached_from_the_story_form_and_the_story_list(
    client, story, people
):
    client.force_login(people["editor"])
    form = lxml.html.fromstring(
        client.get(reverse("admin:articles_article_change", args=[story.pk])).content
    )
    assert form.cssselect(f'.object-tools a[href="{composer(story)}"]')
    listing = lxml.html.fromstring(
        client.get(reverse("admin:articles_article_changelist")).content
    )
    desk = listing.cssselect(".object-tools a.newsroom-live-tool")[0].get("href")
    assert desk == reverse("admin:live_livecoverage_changelist")
    page = lxml.html.fromstring(client.get(desk).content)
    assert page.cssselect(f'a[href="{composer(story)}"]')


def test_a_tampered_revision_saves_nothing_and_says_so(client, story, people):
    author = make_author()
    entry = services.post_entry(
        coverage=story.live_coverage, by=None, body="<p>First</p>", authors=[author]
    )
    client.force_login(people["editor"])
    edit = reverse("admin:live_entry_edit", args=[entry.pk])
    response = client.post(edit, entry_data("Typed words", author, revision="x"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "lost track of the version" in page and "Typed words" in page
    entry.refresh_from_db()
    assert entry.plain_text == "First"
    # No revision at all is a broken form too, not someone else's edit.
    data = entry_data("Typed words", author, revision="")
    assert client.post(edit, data).status_code == 400
    entry.refresh_from_db()
    assert entry.plain_text == "First"
