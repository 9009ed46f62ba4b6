"""
The desk's talk about a story: notes on it, and notifications to the people it
concerns.

| in the code | on the screens | what it is |
| --- | --- | --- |
| Note | note | a remark on a story in its sidebar, maybe about one passage |
| Note.passage | quoted passage | the words of the body the note is about |
| Note.Kind.CHANGES_REQUESTED | changes requested | an editor sending a story back |
| Notification | notification | one person told that something happened to a story |

Notes are never public: no reader page, feed, preview or cached page shows them
(the reader site does not import this app). They keep their own history rather than
being versions of the story: a note is never edited or deleted, only resolved (with
who and when), and restoring an old version of the story leaves the conversation
about it as it was.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from articles.models import Article


class NoteQuerySet(models.QuerySet):
    def on(self, article):
        """The notes on `article`, oldest first, with what the thread shows."""
        return (
            self.filter(article=article)
            .select_related("author", "resolved_by")
            .prefetch_related("mentions")
            .order_by("created_at", "pk")
        )

    def open(self):
        """Notes not resolved yet."""
        return self.filter(resolved_at__isnull=True)


class Note(models.Model):
    """A remark on a story, read by the staff who may open the story in the admin
    and written by those who may change it."""

    class Kind(models.TextChoices):
        NOTE = "note", _("Note")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")

    article = models.ForeignKey(
        Article, verbose_name=_("story"), on_delete=models.CASCADE, related_name="notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.NOTE)
    text = models.TextField(_("note"), max_length=4000)
    passage = models.TextField(
        _("passage"),
        max_length=1000,
        blank=True,
        help_text=_("The words of the story the note is about."),
    )
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mentions"),
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("posted"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = NoteQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        indexes = [models.Index(fields=["article", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(resolved_at__isnull=True)
                | models.Q(resolved_at__gte=models.F("created_at")),
                name="note_resolved_after_posted",
            ),
        ]

    def __str__(self):
        return self.text[:60]

    @property
    def is_resolved(self):
        return self.resolved_at is not None


class NotificationQuerySet(models.QuerySet):
    def for_recipient(self, user):
        """`user`'s own notifications, newest first: nobody sees another's."""
        return (
            self.filter(recipient=user)
            .select_related("actor", "article", "note")
            .order_by("-created_at", "-pk")
        )

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """Something that happened to a story, told to one person."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        CHANGES_REQUESTED = "changes_requested", _("requested changes to")
        PUBLISHED = "published", _("published")
        MENTIONED = "mentioned", _("mentioned you on")
        ASSIGNED = "assigned", _("assigned you")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    article = models.ForeignKey(
        Article, verbose_name=_("story"), on_delete=models.CASCADE, related_name="+"
    )
    note = models.ForeignKey(
        Note,
        verbose_name=_("note"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # The header's unread count and the home page's list, per person.
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["recipient", "-created_at"]),
        ]

    def __str__(self):
        return f"{self.actor} {self.get_kind_display()} {self.article}"

    @property
    def is_read(self):
        return self.read_at is not None
