"""
Who may do what to a story, what a story needs before it is published, and the one
way a story moves from status to status.

Roles are Django groups (made by migration 0007): a *Writer* writes and submits; an
*Editor* holds `articles.publish_article` and does everything on stories. These rules
are checked on the server, in the admin's permissions, forms and actions alike.

Every move goes through here: the story form checks it with problems_with_move() and
prepares it with publish_time(); anything else (the story list's actions, an API,
an import, the live desk) calls transition(), which checks, moves and saves the
story as a version of its own.
"""

from dataclasses import dataclass

import reversion
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import events
from .models import Article, Byline

Status = Article.Status

# The statuses a writer may put a story in; editors may use any.
WRITER_STATUSES = {Status.DRAFT, Status.READY}


def is_editor(user):
    return user.has_perm("articles.publish_article")


def is_bylined(user, article):
    return Byline.objects.filter(article=article, author__user=user).exists()


def can_edit(user, article):
    """Editors edit any story; writers their own or bylined ones, until published."""
    if not user.has_perm("articles.change_article"):
        return False
    if is_editor(user):
        return True
    if article.status not in WRITER_STATUSES:
        return False
    return article.created_by_id == user.pk or is_bylined(user, article)


def can_publish_changes(user, article):
    """Who may put the prepared changes to a live story live: an editor who may
    edit it (articles/pending_changes.py)."""
    return is_editor(user) and can_edit(user, article)


def allowed_statuses(user):
    return set(Status) if is_editor(user) else set(WRITER_STATUSES)


def missing_for_publication(article, *, byline_count):
    """What the story lacks before it may be published, in words an editor reads."""
    missing = []
    if not article.headline:
        missing.append(_("a headline"))
    if not article.slug:
        missing.append(_("a slug"))
    if not article.dek:
        missing.append(_("a dek"))
    if byline_count < 1:
        missing.append(_("at least one byline"))
    if not article.primary_category_id:
        missing.append(_("a section"))
    image = article.lead_image
    if image is None:
        missing.append(_("a lead image"))
    else:
        if not image.alt_text:
            missing.append(_("alt text on the lead image"))
        if not image.credit:
            missing.append(_("a credit on the lead image"))
    return missing


def describe_missing(missing):
    return _("This story cannot be published yet. It still needs: %(items)s.") % {
        "items": ", ".join(str(item) for item in missing)
    }


# The explicit moves offered in the story form, by the status a story is in.
MOVES = {
    Status.DRAFT: [
        (Status.READY, _("Submit for editing")),
        (Status.PUBLISHED, _("Publish")),
    ],
    Status.READY: [
        (Status.DRAFT, _("Back to draft")),
        (Status.PUBLISHED, _("Publish")),
    ],
    Status.PUBLISHED: [(Status.UNPUBLISHED, _("Unpublish"))],
    Status.UNPUBLISHED: [
        (Status.DRAFT, _("Back to draft")),
        (Status.PUBLISHED, _("Publish again")),
    ],
}


def requests_changes(user, from_status, to):
    """Whether moving a story from `from_status` to `to` is `user` sending it back
    with changes to make: an editor returning a story that is ready to draft. That
    move needs a note saying what to change."""
    return (
        from_status == Status.READY and Status(to) == Status.DRAFT and is_editor(user)
    )


def moves_for(user, status):
    """The (status, label) moves `user` may make from `status`."""
    allowed = allowed_statuses(user)
    return [
        (
            target,
            _("Request changes") if requests_changes(user, status, target) else label,
        )
        for target, label in MOVES.get(status, [])
        if target in allowed
    ]


@dataclass(frozen=True)
class MoveProblem:
    """Why a move may not be made: `message` for the person, about the form's
    `field` (None: the story as a whole)."""

    message: str
    field: str | None = None


class MoveRefused(Exception):
    """A move that may not be made; the message says why, in an editor's words."""


def problems_with_move(article, to, *, by, byline_count, from_status, note=""):
    """What stops `by` from moving `article` (as it stands, unsaved changes
    included) from `from_status` (None: a new story) to status `to`; empty if she
    may. `byline_count` is how many bylines the story will have; `note` is what she
    wrote to go with the move (what to change, when she requests changes)."""
    to = Status(to)
    problems = []
    if requests_changes(by, from_status, to) and not (note or "").strip():
        problems.append(
            MoveProblem(
                _(
                    "Say what to change: write it in “What to change” beside the "
                    "story, then press “Request changes” again. Nothing else you "
                    "typed is lost."
                ),
                field="change_request",
            )
        )
    elif to != from_status and to not in allowed_statuses(by):
        problems.append(
            MoveProblem(
                _("Only an editor can make a story “%(status)s”.")
                % {"status": to.label},
                field="status",
            )
        )
    elif to == Status.PUBLISHED:
        missing = missing_for_publication(article, byline_count=byline_count)
        if missing:
            problems.append(MoveProblem(describe_missing(missing)))
    return problems


def publish_time(to, published_at):
    """The publish time a move to `to` leaves: now, if a story is published without
    one; a time given (future: scheduled) stays."""
    if Status(to) == Status.PUBLISHED and not published_at:
        return timezone.now()
    return published_at


def transition(article, to, *, by, comment, from_statuses=None, note=""):
    """Move the saved `article` to status `to` on behalf of `by`, and save it as a
    version of its own saying `comment`; `note` goes to the story's notes (what to
    change, when she requests changes). Raises MoveRefused, changing nothing, if
    the story is not `by`'s to change, not in one of `from_statuses`, or the move
    is not hers to make or the story not ready for it."""
    to = Status(to)
    if not can_edit(by, article) or (
        from_statuses and article.status not in from_statuses
    ):
        raise MoveRefused(_("not yours to change, or not in the right status."))
    problems = problems_with_move(
        article,
        to,
        by=by,
        byline_count=article.bylines.count(),
        from_status=Status(article.status),
        note=note,
    )
    if problems:
        raise MoveRefused(" ".join(str(problem.message) for problem in problems))
    from_status = Status(article.status)
    published_at = publish_time(to, article.published_at)
    if article.expires_at and published_at and article.expires_at <= published_at:
        # It would come down before it went up: the database refuses that too.
        raise MoveRefused(
            _("its take-down time comes before it would go out; change it first.")
        )
    article.status = to
    article.published_at = published_at
    article.modified_by = by
    with transaction.atomic(), reversion.create_revision():
        reversion.set_user(by)
        reversion.set_comment(comment)
        article.save()
        events.story_changed.send(
            sender=Article,
            article=article,
            by=by,
            from_status=from_status,
            was_assigned=False,
            note=note,
        )
