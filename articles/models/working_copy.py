"""What an editor has typed into a story form, kept as she types (autosave)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .content import Article


class WorkingCopyQuerySet(models.QuerySet):
    def of_story(self, article, user):
        """`user`'s working copy of the saved story `article`."""
        return self.filter(article=article, user=user, new_story_key="")

    def of_new_story(self, key, user):
        """`user`'s working copy of the new story her form calls `key`."""
        return self.filter(user=user, new_story_key=key)

    def unsaved_new_stories(self, user):
        """`user`'s working copies of new stories never saved, newest first."""
        return (
            self.filter(user=user, article=None)
            .exclude(new_story_key="")
            .order_by("-saved_at")
        )


class WorkingCopy(models.Model):
    """The fields of one person's story form as she last typed them: saved every few
    seconds to be offered back if the tab is closed or the browser crashes. Not a
    save of the story: readers, the history and the page cache never see it.

    A saved story's copy names the story; a new story's names the key its form was
    given, and once that story is saved, the story too (so the form's copy kept in
    the browser is known to be used up).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="working_copies",
    )
    article = models.ForeignKey(
        Article,
        verbose_name=_("story"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="working_copies",
    )
    new_story_key = models.CharField(max_length=64, blank=True, default="")
    # The form's fields by name, each a list of values, as the form would post them.
    data = models.JSONField(default=dict)
    saved_at = models.DateTimeField(_("saved at"))

    objects = WorkingCopyQuerySet.as_manager()

    class Meta:
        verbose_name = _("working copy")
        verbose_name_plural = _("working copies")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "user"],
                condition=Q(new_story_key=""),
                name="one_working_copy_per_story_and_user",
            ),
            models.UniqueConstraint(
                fields=["user", "new_story_key"],
                condition=~Q(new_story_key=""),
                name="one_working_copy_per_new_story_form",
            ),
            models.CheckConstraint(
                condition=~Q(new_story_key="") | Q(article__isnull=False),
                name="working_copy_names_its_story",
            ),
        ]

    def __str__(self):
        return f"Working copy of “{self.article or _('a new story')}” by {self.user}"
