"""
Live coverage: a story that takes timestamped entries while news breaks.

Glossary, as for articles/models: the code says LiveCoverage and LiveEntry, the
screens say live coverage and entry (or update); a pinned entry is a *key update*.

An entry is never deleted from the desk: removing one records who removed it and
when, and takes it off the page; every edit is kept as a version (django-reversion),
with its bylines. An entry's `modified_at` moves with any change readers would
notice (an edit, a pin, a correction, a removal): the reader's page asks for what
changed after the newest `modified_at` it has seen (LiveEntryQuerySet.changed_since).
"""

import reversion
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Article, Author
from articles.sanitize import clean_body, plain_text


class LiveCoverageQuerySet(models.QuerySet):
    def open(self):
        """Coverage still taking entries."""
        return self.filter(ended_at__isnull=True)


class LiveCoverage(models.Model):
    """A story made live: its coverage starts, takes entries, and may end."""

    article = models.OneToOneField(
        Article,
        verbose_name=_("story"),
        on_delete=models.CASCADE,
        related_name="live_coverage",
    )
    started_at = models.DateTimeField(_("coverage started"), default=timezone.now)
    ended_at = models.DateTimeField(_("coverage ended"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = LiveCoverageQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("live coverage")
        verbose_name_plural = _("live coverage")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="live_coverage_ends_after_it_starts",
                violation_error_message=_("Coverage cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return str(self.article)

    @property
    def is_open(self):
        return self.ended_at is None


class LiveEntryQuerySet(models.QuerySet):
    def shown(self):
        """Entries readers see: not removed."""
        return self.filter(removed_at__isnull=True)

    def newest_first(self):
        return self.order_by("-published_at", "-id")

    def key_updates(self):
        """Pinned entries readers see: the "key updates" at the top."""
        return self.shown().filter(is_pinned=True)

    def changed_since(self, moment):
        """Entries posted, edited, pinned, corrected or removed after `moment`."""
        return self.filter(modified_at__gt=moment)

    def for_page(self):
        """What rendering an entry needs: its bylines' authors and corrections."""
        return self.prefetch_related(
            models.Prefetch(
                "bylines", queryset=EntryByline.objects.select_related("author")
            ),
            "corrections",
        )


# Each edit of an entry is kept as a version with its bylines (live/services.py).
@reversion.register(follow=["bylines"])
class LiveEntry(models.Model):
    """One timestamped update in a live story."""

    coverage = models.ForeignKey(
        LiveCoverage,
        verbose_name=_("coverage"),
        on_delete=models.CASCADE,
        related_name="entries",
    )
    headline = models.CharField(
        _("headline"),
        max_length=200,
        blank=True,
        help_text=_("Optional: a few words that say what happened."),
    )
    body = models.TextField(_("text"))
    authors = models.ManyToManyField(
        Author, through="EntryByline", related_name="live_entries"
    )
    published_at = models.DateTimeField(_("posted"), default=timezone.now)
    is_pinned = models.BooleanField(
        _("key update"), default=False, help_text=_("Shown at the top of the story.")
    )
    # Raised by each edit of the words or bylines: a form opened at an older
    # revision is stale (services.edit_entry). Pins and corrections leave it.
    revision = models.PositiveIntegerField(default=1, editable=False)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    modified_at = models.DateTimeField(auto_now=True)

    objects = LiveEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("live entry")
        verbose_name_plural = _("live entries")
        indexes = [
            # A story's entries, newest first; and what changed since a moment.
            models.Index(
                fields=["coverage", "-published_at", "-id"],
                name="live_entry_newest_idx",
            ),
            models.Index(
                fields=["coverage", "modified_at"], name="live_entry_changed_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(body=""),
                name="live_entry_has_text",
                violation_error_message=_("An entry needs some text."),
            ),
        ]

    def __str__(self):
        return self.headline or self.plain_text[:60]

    def save(self, *args, **kwargs):
        self.body = clean_body(self.body)
        super().save(*args, **kwargs)

    @property
    def plain_text(self):
        return plain_text(self.body).strip()

    @property
    def is_removed(self):
        return self.removed_at is not None

    def get_anchor(self):
        return f"entry-{self.pk}"


@reversion.register()
class EntryByline(models.Model):
    """One author's credit on one entry, in the order the desk gave."""

    entry = models.ForeignKey(
        LiveEntry, on_delete=models.CASCADE, related_name="bylines"
    )
    author = models.ForeignKey(
        Author, on_delete=models.PROTECT, related_name="live_bylines"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "author"], name="one_byline_per_author_per_entry"
            ),
        ]

    def __str__(self):
        return f"{self.author} on entry {self.entry_id}"


class EntryCorrection(models.Model):
    """A correction printed under one entry, with its time."""

    entry = models.ForeignKey(
        LiveEntry, on_delete=models.CASCADE, related_name="corrections"
    )
    text = models.TextField(_("correction"))
    noted_at = models.DateTimeField(_("time"), default=timezone.now)
    noted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["noted_at", "id"]
        verbose_name = _("entry correction")
        verbose_name_plural = _("entry corrections")
        constraints = [
            models.CheckConstraint(
                condition=~Q(text=""), name="entry_correction_has_text"
            ),
        ]

    def __str__(self):
        return f"Correction to entry {self.entry_id}"
