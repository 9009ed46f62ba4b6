"""The article form: its extra fields (new tags, a picture to place, the update
mark), the stale-form check and the workflow checks made on saving."""

from django import forms
from django.contrib import admin
from django.forms import formsets
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.people import person_name
from common.times import newsroom_time
from photos.models import Image
from photos.widgets import ImageAutocompleteSelect

from .. import pending_changes, workflow
from ..models import Article


def edit_version(story):
    """The version of `story` a form opened now is editing: when it was last saved
    (its changes not yet published included)."""
    return pending_changes.last_save(story)[0].isoformat()


class ArticleAdminForm(forms.ModelForm):
    """The article form; the admin builds its model fields from the fieldsets."""

    class Meta:
        widgets = {"dek": forms.Textarea(attrs={"rows": 2})}

    new_tags = forms.CharField(
        label=_("New tags"),
        required=False,
        help_text=_("Comma-separated; for tags that do not exist yet."),
    )
    insert_image = forms.ModelChoiceField(
        label=_("Place a picture"),
        queryset=Image.objects.all(),
        required=False,
        help_text=_(
            "Choose a picture from the library, then “Place in story” puts it at the "
            "cursor in the body. Its caption and credit come from the library."
        ),
        # Bound to lead_image only for the autocomplete's address; never saved.
        widget=ImageAutocompleteSelect(
            Article._meta.get_field("lead_image"), admin.site
        ),
    )

    class Media:
        js = [
            "js/insert-image.js",
            "js/word-count.js",
            "js/char-count.js",
            "js/schedule.js",
            "js/bylines.js",
            "js/search-preview.js",
        ]

    mark_updated = forms.BooleanField(
        label=_("This edit is a substantive update"),
        required=False,
        help_text=_(
            "Shows “Updated” with the time of this save on a published story. Leave "
            "it unticked for typo fixes."
        ),
    )
    # Shown with the story's notes (templates/admin/notes/sidebar.html): an editor
    # requesting changes says what to change, and it becomes a note on the story.
    change_request = forms.CharField(
        label=_("What to change"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Needed to request changes; the writer is told, and it stays in the "
            "story's notes."
        ),
    )
    # When the story was last saved as this form was opened: a later save by someone
    # else makes this form stale.
    edit_version = forms.CharField(widget=forms.HiddenInput, required=False)

    # Set by ArticleAdmin.get_form: the person filling the form in.
    user = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["edit_version"].initial = edit_version(self.instance)

    def check_not_stale(self):
        """Refuse saving over a newer save by someone else; keep what was typed."""
        posted = self.cleaned_data.get("edit_version")
        story = self.instance
        # A form without the version it was opened at cannot show it is current.
        if story.pk and posted != edit_version(story):
            saved_at, saver = pending_changes.last_save(story)
            self.add_error(
                None,
                _(
                    "%(who)s saved this story at %(when)s, after you opened it. "
                    "Nothing of yours was saved, and everything you typed is still "
                    "below: open the story in a new tab to see their version, copy "
                    "your changes across, and save there."
                )
                % {
                    "who": person_name(saver, _("Someone else")),
                    "when": newsroom_time(saved_at),
                },
            )

    # Set by ArticleAdmin.get_form: the move asked for with a button, if any.
    transition = None
    # Set by the Preview button's view: render what is typed, stale or unfinished.
    for_preview = False

    def clean_published_at(self):
        return self.as_stored("published_at")

    def clean_expires_at(self):
        return self.as_stored("expires_at")

    def as_stored(self, name):
        """The time typed in `name`; the story's own if it is the same to the
        second (the form shows no finer), so that an unchanged time stays exactly
        as it was. In the hour the clocks go back, a time happens twice: taken as
        the story's if it is the one the form showed, and refused otherwise (an
        embargo must not lift an hour early)."""
        typed, stored = self.cleaned_data.get(name), getattr(self.instance, name)
        if typed and stored and _on_the_clock(typed) == _on_the_clock(stored):
            return stored
        if typed and _happens_twice(typed):
            raise forms.ValidationError(
                _(
                    "%(time)s happens twice that night, when the clocks go back: "
                    "choose a time outside that hour."
                ),
                code="ambiguous",
                params={"time": f"{_on_the_clock(typed):%H:%M}"},
            )
        return typed

    def clean(self):
        cleaned = super().clean()
        if not self.for_preview:
            self.check_not_stale()
        if self.transition:
            # construct_instance reads cleaned_data, so the move reaches the story.
            cleaned["status"] = self.transition
            cleaned["published_at"] = workflow.publish_time(
                self.transition, cleaned.get("published_at")
            )
        status = cleaned.get("status")
        if not status:
            return cleaned
        story = self.instance
        if status == Article.Status.PUBLISHED and not self.errors:
            # What publishing checks, as typed: construct_instance has not run yet.
            for name in ["headline", "slug", "dek", "primary_category", "lead_image"]:
                setattr(story, name, cleaned.get(name))
        problems = workflow.problems_with_move(
            story,
            status,
            by=self.user,
            byline_count=self.posted_byline_count(),
            from_status=self.instance_status(),
            note=cleaned.get("change_request", ""),
        )
        for problem in problems:
            if problem.field:
                self.add_error(problem.field, problem.message)
            elif not (self.errors or self.for_preview):
                # An unfinished story still previews; it is only refused a publish.
                raise forms.ValidationError(problem.message)
        return cleaned

    def instance_status(self):
        return Article.Status(self.instance.status) if self.instance.pk else None

    def posted_byline_count(self):
        """Bylines in the inline as submitted (the formset is checked after us).

        The row count is as posted: one that is not a number, or more rows than any
        formset takes, counts none here, and the formset then refuses it as tampered
        with (rather than a crash, or a loop over a billion rows).
        """
        try:
            total = int(self.data.get("bylines-TOTAL_FORMS") or 0)
        except ValueError:
            total = 0
        if not 0 <= total <= formsets.DEFAULT_MAX_NUM:
            total = 0
        return sum(
            1
            for i in range(total)
            if self.data.get(f"bylines-{i}-author")
            and not self.data.get(f"bylines-{i}-DELETE")
        )


def _on_the_clock(when):
    """`when` as the newsroom's clocks show it, to the second."""
    return timezone.localtime(when).replace(tzinfo=None, microsecond=0)


def _happens_twice(when):
    """Whether `when` is in the hour the newsroom's clocks go back."""
    local = timezone.localtime(when)
    return local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset()
