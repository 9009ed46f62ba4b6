"""Changes to a live story, prepared and not yet published."""

from django.conf import settings
from django.db import models
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from .content import Article


class PendingChange(models.Model):
    """A live story's next version, saved from its form but not published: readers,
    feeds, sitemaps, search and the page cache go on showing the story as it is,
    until an editor publishes the changes (or discards them).

    Kept twice over: `form_data`, the form as it was posted, to open it again just
    so; and `snapshot`, the story's fields, filing, tags, bylines and corrections
    as the form made them, to show the changed story in a preview
    (articles/pending_changes.py).
    """

    article = models.OneToOneField(
        Article,
        verbose_name=_("story"),
        on_delete=models.CASCADE,
        related_name="pending_change",
    )
    form_data = models.JSONField(default=dict)
    snapshot = models.JSONField(default=dict)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("prepared by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    prepared_at = models.DateTimeField(_("prepared at"))

    class Meta:
        verbose_name = _("change not yet published")
        verbose_name_plural = _("changes not yet published")

    def __str__(self):
        return f"Changes to “{self.article}” not yet published"

    def as_posted(self):
        """The form's data as the form posted it."""
        data = QueryDict(mutable=True)
        for name, values in self.form_data.items():
            data.setlist(name, values)
        return data
