"""
The desk's talk in the demo newsroom: notes on two stories, who has them, and
notifications waiting to be read.

Maya Okafor's leaked-draft story came back from Priya Natarajan (the demo's editor)
with changes to make, about one passage; the lantern festival preview waits on
Priya. Rows are written as they would stand after a day's work, with no emails
sent. Only what is missing is added: a story that has notes keeps its own.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model

from articles.models import Article
from notes.mentions import mentioned_usernames
from notes.models import Note, Notification

DRAFT = "parking-fee-draft"
SCHEDULED = "lantern-festival-preview"
EDITOR = "pnatarajan"

# (author, kind, text, passage, hours ago, resolved by)
DRAFT_NOTES = [
    (
        "mokafor",
        Note.Kind.NOTE,
        "Filed. The council sees the draft on Tuesday, so this should run before "
        "then. @pnatarajan, can you take it?",
        "",
        9,
        EDITOR,
    ),
    (
        EDITOR,
        Note.Kind.CHANGES_REQUESTED,
        "We can’t publish a leak before the mayor’s office has had its say. Chase "
        "them once more and fill the TK, or say plainly that they had not answered "
        "by deadline. @mokafor",
        "[TK: response from Castellanos’s office — asked Tuesday, still chasing.]",
        6,
        None,
    ),
    (
        "mokafor",
        Note.Kind.NOTE,
        "Two messages left with the press secretary; trying the deputy chief of "
        "staff now.",
        "",
        2,
        None,
    ),
]
SCHEDULED_NOTE = (
    "tmarchetti",
    "If the rain forecast holds for Saturday I’ll add a line on the covered viewing "
    "spots at the ferry terminal before it goes out. @pnatarajan",
)


def seed_notes(*, now):
    """Notes, assignees and notifications on the demo's draft and scheduled story."""
    users = {user.username: user for user in get_user_model().objects.all()}
    stories = {a.slug: a for a in Article.objects.filter(slug__in=[DRAFT, SCHEDULED])}
    editor = users.get(EDITOR)
    if (
        editor is None
        or len(stories) < 2
        or Note.objects.filter(article__in=stories.values()).exists()
    ):
        return
    draft, scheduled = stories[DRAFT], stories[SCHEDULED]
    Article.objects.filter(pk__in=[draft.pk, scheduled.pk]).update(assignee=editor)

    for author, kind, text, passage, hours, resolved_by in DRAFT_NOTES:
        note = add_note(
            draft, users[author], text, passage, now - timedelta(hours=hours), kind
        )
        if resolved_by:
            Note.objects.filter(pk=note.pk).update(
                resolved_at=now - timedelta(hours=hours - 1),
                resolved_by=users[resolved_by],
            )
        if kind == Note.Kind.CHANGES_REQUESTED:
            tell(users["mokafor"], editor, Notification.Kind.CHANGES_REQUESTED, note)
    author, text = SCHEDULED_NOTE
    note = add_note(scheduled, users[author], text, "", now - timedelta(hours=1))
    # Priya has not opened the admin since: the mention waits for her, unread.
    tell(editor, users[author], Notification.Kind.MENTIONED, note)


def welcome(user, *, now):
    """Give the demo's own login (`demo_admin`) the scheduled story to mind, and an
    unread notification saying so, so that `make run` shows the desk's tools."""
    scheduled = Article.objects.filter(slug=SCHEDULED).first()
    editor = get_user_model().objects.filter(username=EDITOR).first()
    if scheduled is None or editor is None or user.notifications.exists():
        return
    Article.objects.filter(pk=scheduled.pk).update(assignee=user)
    note = add_note(
        scheduled,
        editor,
        f"@{user.username}, this one goes out at 7 tomorrow and the desk is yours "
        "overnight. Theo may add a line about the rain.",
        "",
        now,
    )
    tell(user, editor, Notification.Kind.ASSIGNED, None, article=scheduled)
    tell(user, editor, Notification.Kind.MENTIONED, note)


def add_note(article, author, text, passage, at, kind=Note.Kind.NOTE):
    note = Note.objects.create(
        article=article, author=author, kind=kind, text=text, passage=passage
    )
    Note.objects.filter(pk=note.pk).update(created_at=at)
    note.mentions.set(
        get_user_model().objects.filter(username__in=mentioned_usernames(text))
    )
    return note


def tell(recipient, actor, kind, note, *, article=None):
    Notification.objects.create(
        recipient=recipient,
        actor=actor,
        kind=kind,
        article=article or note.article,
        note=note,
    )
