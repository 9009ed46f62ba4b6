"""
The desk's talk about a story, written: posting and resolving notes, and telling the
people a change concerns. Each is a keyword-only function that validates what it is
given and saves in the caller's transaction; emails go out after it commits.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q
from django.utils import timezone

from articles.models import Article

from . import emails
from .mentions import mentioned_usernames
from .models import Note, Notification

Kind = Notification.Kind


def may_see(user, article):
    """Whether `user` may open `article` in the admin: only they are told of it."""
    return (
        user.is_active
        and user.is_staff
        and Article.objects.visible_to(user).filter(pk=article.pk).exists()
    )


def editors():
    """Everyone who may publish: the desk told of a story submitted to nobody."""
    publish = Permission.objects.filter(
        codename="publish_article", content_type__app_label="articles"
    )
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions__in=publish)
            | Q(user_permissions__in=publish)
        )
        .distinct()
    )


def writers_of(article):
    """The story's writers: who created it, and the bylined staff."""
    return get_user_model().objects.filter(
        Q(pk=article.created_by_id)
        | Q(author__in=article.authors.filter(user__isnull=False))
    )


def notify(*, kind, article, actor, recipients, note=None):
    """Tell each of `recipients` (bar `actor`, and anyone who may not open the
    story) that `actor` did `kind` to `article`; email them after the commit.
    Returns who was told."""
    told = {
        user
        for user in recipients
        if user is not None and user.pk != actor.pk and may_see(user, article)
    }
    notifications = Notification.objects.bulk_create(
        Notification(recipient=user, actor=actor, kind=kind, article=article, note=note)
        for user in sorted(told, key=lambda user: user.pk)
    )
    emails.send_after_commit([n.pk for n in notifications])
    return told


def post_note(*, article, author, text, passage="", kind=Note.Kind.NOTE, told=()):
    """Post a note by `author` on `article`, maybe about a `passage` of it, and tell
    the colleagues it @mentions (bar those in `told`, already told of it)."""
    text = text.strip()
    if not text:
        raise ValueError("A note needs some text.")
    note = Note.objects.create(
        article=article,
        author=author,
        kind=kind,
        text=text,
        passage=" ".join(passage.split())[:1000],
    )
    named = mentioned_usernames(text)
    if named:
        mentioned = [
            user
            for user in get_user_model().objects.filter(username__in=named)
            if may_see(user, article)
        ]
        note.mentions.set(mentioned)
        told_pks = {user.pk for user in told}
        notify(
            kind=Kind.MENTIONED,
            article=article,
            actor=author,
            recipients=[user for user in mentioned if user.pk not in told_pks],
            note=note,
        )
    return note


def resolve_note(*, note, by, resolved=True):
    """Mark `note` resolved by `by` (or open again); it stays in the thread. Two
    people resolving it at once: the first is recorded, not overwritten."""
    Note.objects.filter(pk=note.pk, resolved_at__isnull=resolved).update(
        resolved_at=timezone.now() if resolved else None,
        resolved_by=by if resolved else None,
    )
    note.refresh_from_db(fields=["resolved_at", "resolved_by"])
    return note


def story_changed(*, article, by, from_status, was_assigned, note):
    """Keep the note that came with a save of `article` and tell whom it concerns:
    editors of a submission (its assignee, if it has one), writers of changes
    requested or of publication, the assignee of her assignment."""
    Status = Article.Status
    to = article.status
    kind, recipients = None, []
    if to != from_status and to == Status.READY:
        kind = Kind.SUBMITTED
        recipients = [article.assignee] if article.assignee else list(editors())
    elif to != from_status and to == Status.PUBLISHED:
        kind = Kind.PUBLISHED
        recipients = [*writers_of(article), article.assignee]
    elif from_status == Status.READY and to == Status.DRAFT and note.strip():
        kind = Kind.CHANGES_REQUESTED
        recipients = list(writers_of(article))
    posted = None
    if note.strip():
        posted = post_note(
            article=article,
            author=by,
            text=note,
            kind=Note.Kind.CHANGES_REQUESTED
            if kind == Kind.CHANGES_REQUESTED
            else Note.Kind.NOTE,
            told=[user for user in recipients if user is not None],
        )
    if kind:
        notify(kind=kind, article=article, actor=by, recipients=recipients, note=posted)
    if was_assigned:
        notify(
            kind=Kind.ASSIGNED, article=article, actor=by, recipients=[article.assignee]
        )
