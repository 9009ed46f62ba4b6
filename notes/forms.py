from django import forms
from django.utils.translation import gettext_lazy as _


class NoteForm(forms.Form):
    """A note typed in the story's sidebar. Posted with the prefix "note", beside
    the story form's own fields."""

    text = forms.CharField(
        label=_("New note"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("@username tells a colleague."),
        error_messages={"required": _("Write the note first.")},
    )
    # Longer passages are cut (services.post_note), not refused: the note matters.
    passage = forms.CharField(
        label=_("About the passage"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Select words in the story and press “Quote the selection”."),
    )
