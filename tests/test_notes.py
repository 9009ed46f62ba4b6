"""Notes on a story, its assignee, "Request changes", and the notifications sent."""

import logging
from datetime import timedelta

import lxml.html
import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article, Author
from articles.previews import preview_path
from notes import services
from notes.mentions import mentioned_usernames, render_note
from notes.models import Note, Notification

from .admin_forms import change, complete_story, run_action
from .factories import make_article, make_author
from .test_revisions import as_browser_posts, story_with_two_versions, versions  # noqa: F401

pytestmark = pytest.mark.django_db

SECRET = "Check the mayor's quote with the tape"


@pytest.fixture
def story(people):
    """A story the writer wrote, bylined to her, ready for editing."""
    writer = people["writer"]
    writer.email = "writer@example.org"
    writer.save()
    people["editor"].email = "editor@example.org"
    people["editor"].save()
    author = make_author(user=writer)
    article = complete_story(
        headline="Harbor tolls rise",
        status=Article.Status.READY,
        published_at=None,
        authors=[author],
    )
    Article.objects.filter(pk=article.pk).update(created_by=writer)
    article.refresh_from_db()
    return article


def post_note(client, story, text, passage="", fragment=False):
    headers = {"X-Newsroom-Fragment": "thread"} if fragment else {}
    return client.post(
        reverse("admin:notes_note_post", args=[story.pk]),
        {"note-text": text, "note-passage": passage},
        headers=headers,
    )


def change_page(client, story):
    url = reverse("admin:articles_article_change", args=[story.pk])
    return lxml.html.fromstring(client.get(url).content.decode())


# Mentions, as text.


def test_mentions_are_usernames_that_start_a_word():
    """An @username mentions; an email address or a trailing full stop does not."""
    text = "Ask @writer and @ed.itor. Mail ana@example.org, not @writer again."
    assert mentioned_usernames(text) == ["writer", "ed.itor"]


def test_a_note_is_printed_escaped_with_its_mentions_marked():
    html = render_note("<script>x</script> @writer, see\nthis @nobody", ["writer"])
    assert "<script>" not in html
    page = lxml.html.fragment_fromstring(html, create_parent="div")
    assert [m.text_content() for m in page.cssselect(".newsroom-mention")] == [
        "@writer"
    ]
    assert "&lt;script&gt;" in html and "<br>" in html


# The thread in the story's sidebar.


def test_whoever_may_change_the_story_notes_it_and_mentions_a_colleague(
    client, people, story, django_capture_on_commit_callbacks
):
    client.force_login(people["writer"])
    with django_capture_on_commit_callbacks(execute=True):
        response = post_note(
            client, story, f"{SECRET}, @editor", passage="the mayor said  no"
        )
    note = Note.objects.get(article=story)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/change/#note-{note.pk}")
    assert (note.author, note.passage) == (people["writer"], "the mayor said no")
    assert list(note.mentions.all()) == [people["editor"]]
    told = Notification.objects.get()
    assert (told.recipient, told.kind, told.note) == (
        people["editor"],
        Notification.Kind.MENTIONED,
        note,
    )
    assert [m.to for m in mail.outbox] == [["editor@example.org"]]
    assert SECRET in mail.outbox[0].body

    thread = change_page(client, story).cssselect("#notes .newsroom-note")
    assert len(thread) == 1
    assert SECRET in thread[0].cssselect(".newsroom-note__text")[0].text_content()
    assert thread[0].cssselect(".newsroom-note__passage")[0].text_content() == (
        "the mayor said no"
    )


def test_the_page_script_gets_the_thread_back_and_typed_html_stays_text(
    client, people, story
):
    client.force_login(people["writer"])
    response = post_note(client, story, "<img src=x onerror=alert(1)>", fragment=True)
    assert response.status_code == 200
    page = lxml.html.fragment_fromstring(response.content.decode(), create_parent="div")
    assert page.cssselect("img") == []
    assert page.cssselect(".newsroom-note__text")[0].text_content().strip() == (
        "<img src=x onerror=alert(1)>"
    )
    empty = post_note(client, story, "   ", fragment=True)
    assert empty.status_code == 400
    assert b"Write the note first." in empty.content
    assert Note.objects.count() == 1


def test_posting_a_note_needs_the_forms_csrf_token(people, story):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(people["writer"])
    assert post_note(client, story, SECRET).status_code == 403
    assert not Note.objects.exists()


def test_notes_are_for_those_who_may_change_the_story(client, people, story):
    """A writer who may not see the story is told it is not there; one who may read
    it but not change it (published) is refused with an admin page; nothing saved."""
    other = people["writer"].__class__.objects.create_user("other", is_staff=True)
    other.groups.add(*people["writer"].groups.all())
    client.force_login(other)
    response = post_note(client, story, SECRET)
    assert response.status_code == 404
    assert "There is no story here" in response.content.decode()

    published = make_article(authors=[Author.objects.get(user=people["writer"])])
    client.force_login(people["writer"])
    refused = post_note(client, published, SECRET)
    assert refused.status_code == 403
    page = lxml.html.fromstring(refused.content.decode())
    assert "Ask its editor" in page.cssselect(".errornote")[0].text_content()
    assert page.cssselect("textarea")[0].text_content() == SECRET  # kept to copy

    client.force_login(people["photo editor"])
    assert post_note(client, story, SECRET).status_code == 404
    assert not Note.objects.exists()


def test_a_note_is_resolved_and_stays_in_the_thread_and_the_history(
    client, people, story
):
    note = services.post_note(article=story, author=people["editor"], text=SECRET)
    client.force_login(people["writer"])
    url = reverse("admin:notes_note_resolve", args=[note.pk])
    assert client.post(url).status_code == 302
    note.refresh_from_db()
    assert note.resolved_by == people["writer"]
    resolved = change_page(client, story).cssselect(".newsroom-note--resolved")
    assert len(resolved) == 1
    assert "Resolved by writer" in resolved[0].text_content()

    client.post(url, {"reopen": "1"})
    assert Note.objects.open().count() == 1

    client.force_login(people["editor"])
    history = reverse("admin:articles_article_history", args=[story.pk])
    page = lxml.html.fromstring(client.get(history).content.decode())
    assert SECRET in page.cssselect("#notes-history")[0].text_content()


def test_restoring_an_old_version_of_the_story_leaves_its_notes(
    client,
    people,
    story_with_two_versions,  # noqa: F811  (the fixture from test_revisions)
):
    """Notes are not versions of the story: a restore neither drops nor revives one."""
    story = story_with_two_versions
    kept = services.post_note(article=story, author=people["editor"], text=SECRET)
    resolved = services.post_note(article=story, author=people["editor"], text="Ok")
    services.resolve_note(note=resolved, by=people["editor"])
    url = reverse(
        "admin:articles_article_restore", args=[story.pk, versions(story)[1].pk]
    )
    response = client.post(url)
    assert response.status_code == 302
    assert Article.objects.get(pk=story.pk).headline == "Tide gauges go quiet"
    assert list(Note.objects.on(story).values_list("text", "resolved_by")) == [
        (SECRET, None),
        ("Ok", people["editor"].pk),
    ]
    assert kept.pk in Note.objects.open().values_list("pk", flat=True)


def test_a_colleague_who_may_not_open_the_story_is_not_told(people, story):
    """A mention of someone who cannot see the draft tells her nothing and stays
    plain text: the note would show her what she may not read."""
    other = people["writer"].__class__.objects.create_user("other", is_staff=True)
    other.groups.add(*people["writer"].groups.all())
    note = services.post_note(
        article=story, author=people["editor"], text="Ask @other, @editor and @nobody"
    )
    assert list(note.mentions.all()) == [people["editor"]]
    assert not Notification.objects.exists()  # the editor wrote it herself


def test_notes_never_reach_readers(client, people):
    """The story page, its feed and its preview link show no note."""
    published = make_article(headline="Ferry fares rise")
    draft = make_article(status=Article.Status.DRAFT, published_at=None)
    for article in [published, draft]:
        services.post_note(
            article=article, author=people["editor"], text=SECRET, passage="Ferry"
        )
    pages = [
        client.get(published.get_absolute_url()),
        client.get(reverse("articles:feed")),
        client.get(preview_path(draft)),
    ]
    for response in pages:
        assert response.status_code == 200
        assert SECRET.encode() not in response.content
    assert "Ferry fares rise" in pages[1].content.decode()


# Request changes.


def test_request_changes_needs_a_note_and_keeps_what_was_typed(
    client, people, story, django_capture_on_commit_callbacks
):
    client.force_login(people["editor"])
    buttons = change_page(client, story).cssselect(".newsroom-transitions button")
    assert [b.text_content() for b in buttons] == ["Request changes", "Publish"]

    response = change(
        client, story, _transition="draft", headline="Harbor tolls rise again"
    )
    assert response.status_code == 200
    page = lxml.html.fromstring(response.content.decode())
    error = page.cssselect(".newsroom-notes__change-request .errorlist")[0]
    assert "Say what to change" in error.text_content()
    assert page.cssselect("#id_headline")[0].get("value") == "Harbor tolls rise again"
    assert Article.objects.get(pk=story.pk).status == Article.Status.READY

    with django_capture_on_commit_callbacks(execute=True):
        response = change(
            client,
            story,
            _transition="draft",
            change_request="Add the port authority's answer, @writer.",
        )
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.status == Article.Status.DRAFT
    note = Note.objects.get(article=story)
    assert note.kind == Note.Kind.CHANGES_REQUESTED
    # Told once, of the changes requested, though also mentioned.
    told = Notification.objects.get()
    assert (told.recipient, told.kind) == (
        people["writer"],
        Notification.Kind.CHANGES_REQUESTED,
    )
    assert [m.to for m in mail.outbox] == [["writer@example.org"]]
    assert "requested changes to “Harbor tolls rise”" in mail.outbox[0].subject
    assert "port authority" in mail.outbox[0].body


def test_a_writer_takes_her_own_story_back_without_a_note(client, people, story):
    client.force_login(people["writer"])
    buttons = change_page(client, story).cssselect(".newsroom-transitions button")
    assert [b.text_content() for b in buttons] == ["Back to draft"]
    assert change(client, story, _transition="draft").status_code == 302
    assert Article.objects.get(pk=story.pk).status == Article.Status.DRAFT


def test_moving_in_code_refuses_changes_requested_without_a_note(people, story):
    with pytest.raises(workflow.MoveRefused, match="Say what to change"):
        workflow.transition(
            story, Article.Status.DRAFT, by=people["editor"], comment="Back."
        )
    assert Article.objects.get(pk=story.pk).status == Article.Status.READY


# Notifications.


def test_submitting_tells_the_assignee_or_else_the_editors(
    client, people, story, django_capture_on_commit_callbacks
):
    Article.objects.filter(pk=story.pk).update(status=Article.Status.DRAFT)
    story.refresh_from_db()
    client.force_login(people["writer"])
    with django_capture_on_commit_callbacks(execute=True):
        change(client, story, _transition="ready")
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert told == {"editor", "super"}  # who may publish
    assert {tuple(m.to) for m in mail.outbox} == {("editor@example.org",)}

    Notification.objects.all().delete()
    Article.objects.filter(pk=story.pk).update(
        status=Article.Status.DRAFT, assignee=people["editor"]
    )
    story.refresh_from_db()
    change(client, story, _transition="ready")
    assert list(Notification.objects.values_list("recipient__username", "kind")) == [
        ("editor", "submitted")
    ]


def test_assigning_a_story_tells_the_assignee_and_shows_in_the_lists(
    client, people, story, django_capture_on_commit_callbacks
):
    client.force_login(people["superuser"])
    with django_capture_on_commit_callbacks(execute=True):
        response = change(client, story, assignee=people["editor"].pk)
    assert response.status_code == 302
    assert Article.objects.get(pk=story.pk).assignee == people["editor"]
    told = Notification.objects.get()
    assert (told.recipient, told.kind) == (
        people["editor"],
        Notification.Kind.ASSIGNED,
    )
    assert mail.outbox[0].to == ["editor@example.org"]
    assert "assigned you “Harbor tolls rise”" in mail.outbox[0].subject

    client.force_login(people["editor"])
    mine = reverse("admin:articles_article_changelist") + "?assignee=me"
    listing = lxml.html.fromstring(client.get(mine).content.decode())
    assert [a.text_content() for a in listing.cssselect(".field-headline a")] == [
        "Harbor tolls rise"
    ]
    assert listing.cssselect(".field-assigned_to")[0].text_content() == "editor"
    # Hers until it is out: a scheduled story stays on her desk, a public one not.
    make_article(
        headline="Out tomorrow",
        published_at=timezone.now() + timedelta(days=1),
        assignee=people["editor"],
    )
    make_article(headline="Out already", assignee=people["editor"])
    home = lxml.html.fromstring(client.get(reverse("admin:index")).content.decode())
    panel = home.cssselect(".newsroom-desk__panel")[0]
    assert panel.cssselect("h2 a")[0].text_content() == "Assigned to me"
    assert sorted(a.text_content() for a in panel.cssselect("li a")) == [
        "Harbor tolls rise",
        "Out tomorrow",
    ]


def test_an_editor_picks_up_stories_from_the_list(client, people, story):
    other = complete_story(status=Article.Status.READY, published_at=None)
    client.force_login(people["editor"])
    response = run_action(client, "assign_to_me", story, other)
    assert "2 stories are now assigned to you." in response.content.decode()
    assert Article.objects.filter(assignee=people["editor"]).count() == 2
    client.force_login(people["writer"])
    run_action(client, "assign_to_me", story)  # not a writer's to do
    assert Article.objects.get(pk=story.pk).assignee == people["editor"]


def test_a_writer_cannot_assign_a_story(client, people, story):
    client.force_login(people["writer"])
    Article.objects.filter(pk=story.pk).update(status=Article.Status.DRAFT)
    story.refresh_from_db()
    change(client, story, assignee=people["writer"].pk)
    assert Article.objects.get(pk=story.pk).assignee is None
    assert not Notification.objects.exists()


def test_notifications_are_counted_listed_and_read_when_seen(client, people, story):
    services.notify(
        kind=Notification.Kind.PUBLISHED,
        article=story,
        actor=people["editor"],
        recipients=[people["writer"]],
    )
    client.force_login(people["writer"])
    home = lxml.html.fromstring(client.get(reverse("admin:index")).content.decode())
    assert home.cssselect(".newsroom-notifications-count")[0].text_content() == "1"
    new = home.cssselect("#notifications .newsroom-notification--new a")
    assert [a.text_content() for a in new] == ["editor published “Harbor tolls rise”"]
    home = lxml.html.fromstring(client.get(reverse("admin:index")).content.decode())
    assert home.cssselect(".newsroom-notifications-count")[0].text_content() == "0"
    assert home.cssselect("#notifications .newsroom-notification--new") == []
    assert len(home.cssselect("#notifications .newsroom-notification")) == 1


def test_nobody_sees_another_persons_notification(client, people, story):
    """A tampered id is not found, and leaves the notification unread."""
    theirs = services.notify(
        kind=Notification.Kind.MENTIONED,
        article=story,
        actor=people["writer"],
        recipients=[people["editor"]],
    )
    assert theirs == {people["editor"]}
    notification = Notification.objects.get()
    url = reverse("admin:notes_notification_open", args=[notification.pk])

    client.force_login(people["superuser"])
    response = client.get(url)
    assert response.status_code == 404
    assert "not one of your notifications" in response.content.decode()
    home = lxml.html.fromstring(client.get(reverse("admin:index")).content.decode())
    assert home.cssselect("#notifications .newsroom-notification") == []
    assert Notification.objects.get().read_at is None

    client.force_login(people["editor"])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/articles/article/{story.pk}/change/#notes")
    assert Notification.objects.get().read_at is not None


def test_a_mail_failure_never_fails_the_save(
    client, people, story, settings, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.test_notes.BrokenMailServer"
    client.force_login(people["editor"])
    with (
        caplog.at_level(logging.ERROR, logger="notes.emails"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = change(client, story, _transition="draft", change_request="Fix it.")
    assert response.status_code == 302
    assert Article.objects.get(pk=story.pk).status == Article.Status.DRAFT
    assert Notification.objects.filter(recipient=people["writer"]).exists()
    assert "Could not email notification" in caplog.text


class BrokenMailServer(BaseEmailBackend):
    """An email backend whose server refuses every message."""

    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")


class CountingMailServer(BaseEmailBackend):
    """An email backend that counts its connections (each backend instance is one,
    as an SMTP backend's is) and the messages sent."""

    opened, sent = [], []

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        CountingMailServer.opened.append(self)

    def send_messages(self, messages):
        CountingMailServer.sent.extend(messages)
        return len(messages)


class DroppingMailServer(BaseEmailBackend):
    """An SMTP-like backend whose server drops the connection after one message:
    a message sent over a dropped connection fails until it is opened again."""

    sent = []

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.connection, self.dropped = None, False

    def open(self):
        if self.connection:
            return False
        self.connection, self.dropped = object(), False
        return True

    def close(self):
        self.connection = None

    def send_messages(self, messages):
        self.open()
        if self.dropped:
            raise ConnectionResetError("the server closed the connection")
        DroppingMailServer.sent.extend(messages)
        self.dropped = True
        return len(messages)


def test_a_dropped_mail_connection_loses_one_message_not_the_rest(
    people, story, settings, caplog
):
    from notes import emails
    from notes.models import Notification

    settings.EMAIL_BACKEND = "tests.test_notes.DroppingMailServer"
    DroppingMailServer.sent.clear()
    for name in ["writer", "editor", "superuser"]:
        people[name].email = f"{name}@example.org"
        people[name].save()
    ids = [
        Notification.objects.create(
            recipient=people[name], kind=Notification.Kind.PUBLISHED, article=story
        ).pk
        for name in ["writer", "editor", "superuser"]
    ]
    with caplog.at_level(logging.ERROR, logger="notes.emails"):
        emails.send(ids)
    # The second went over the dropped connection and is logged; the third got a
    # connection of its own.
    assert len(DroppingMailServer.sent) == 2
    assert "Could not email notification" in caplog.text


def test_notifications_go_out_over_one_connection(
    client, people, story, settings, django_capture_on_commit_callbacks
):
    """A submission tells every editor: one message each, one connection to the
    mail server for them all (a provider's SMTP limits connections, not messages)."""
    settings.EMAIL_BACKEND = "tests.test_notes.CountingMailServer"
    CountingMailServer.opened.clear()
    CountingMailServer.sent.clear()
    people["superuser"].email = "super@example.org"
    people["superuser"].save()
    Article.objects.filter(pk=story.pk).update(status=Article.Status.DRAFT)
    story.refresh_from_db()
    client.force_login(people["writer"])
    with django_capture_on_commit_callbacks(execute=True):
        change(client, story, _transition="ready")
    assert sorted(m.to[0] for m in CountingMailServer.sent) == [
        "editor@example.org",
        "super@example.org",
    ]
    assert len(CountingMailServer.opened) == 1


def test_the_editors_home_stays_within_its_query_budget(
    client, people, story, assert_flat_queries
):
    """Notifications, notes and assigned stories do not add a query each."""
    editor = people["editor"]
    client.force_login(editor)

    def add():
        article = complete_story(
            status=Article.Status.READY, published_at=None, assignee=editor
        )
        note = services.post_note(article=article, author=editor, text=SECRET)
        services.notify(
            kind=Notification.Kind.MENTIONED,
            article=article,
            actor=people["writer"],
            recipients=[editor],
            note=note,
        )

    assert_flat_queries(reverse("admin:index"), add, limit=20)


def test_the_story_form_with_notes_stays_within_its_query_budget(
    client, people, story, django_assert_max_num_queries
):
    client.force_login(people["editor"])
    url = reverse("admin:articles_article_change", args=[story.pk])

    def count():
        with django_assert_max_num_queries(60) as queries:
            client.get(url)
        return len(queries)

    services.post_note(article=story, author=people["writer"], text="First, @editor")
    few = count()
    for n in range(5):
        services.post_note(
            article=story, author=people["writer"], text=f"Note {n}, @editor"
        )
    assert count() == few


def test_two_people_resolving_a_note_at_once_keep_the_first(people, story):
    note = services.post_note(article=story, author=people["writer"], text="Check.")
    stale = Note.objects.get(pk=note.pk)  # the second person's page, opened before
    services.resolve_note(note=note, by=people["editor"])
    services.resolve_note(note=stale, by=people["superuser"])
    assert Note.objects.get(pk=note.pk).resolved_by == people["editor"]
    assert stale.resolved_by == people["editor"]  # what her page is shown
    services.resolve_note(note=stale, by=people["superuser"], resolved=False)
    assert Note.objects.get(pk=note.pk).resolved_at is None
