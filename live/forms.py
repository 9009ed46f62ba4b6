"""The live desk's forms: an entry (new or edited) and a correction."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from articles import body_editor
from articles.models import Article, Author
from articles.sanitize import plain_text
from photos.models import Image
from photos.widgets import ImageAutocompleteSelect


class EntryForm(forms.Form):
    """An entry's words and bylines: the same editor and allow-list as a story."""

    headline = forms.CharField(
        label=_("Headline"),
        max_length=200,
        required=False,
        help_text=_("Optional: a few words that say what happened."),
    )
    body = body_editor.body_field(label=_("Text"), required=False)
    authors = forms.ModelMultipleChoiceField(
        label=_("By"),
        queryset=Author.objects.all(),
        widget=forms.SelectMultiple(attrs={"size": 5}),
        help_text=_("Everyone who wrote it; hold Ctrl (⌘ on a Mac) to pick several."),
    )
    insert_image = forms.ModelChoiceField(
        label=_("Place a picture"),
        queryset=Image.objects.all(),
        required=False,
        help_text=_(
            "Choose a picture from the library, then “Place in story” puts it at the "
            "cursor in the text, with the library's caption and credit."
        ),
        # Bound to a story's lead image only for the autocomplete's address; the
        # picture goes into the text (static/js/insert-image.js), never saved here.
        widget=ImageAutocompleteSelect(
            Article._meta.get_field("lead_image"), admin.site
        ),
    )
    # The revision of the entry this form was opened at (editing only).
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # The picture field's chooser offers an upload to those who may add
        # pictures, as the story form's does (photos' ImagePickerMixin).
        self.fields["insert_image"].widget.may_upload = user.has_perm(
            "photos.add_image"
        )

    class Media:
        js = ["js/insert-image.js"]

    def clean_body(self):
        body = self.cleaned_data.get("body") or ""
        if not plain_text(body).strip():
            raise forms.ValidationError(_("Write the entry before posting it."))
        return body

    def ordered_authors(self):
        """The chosen authors in the order the form sent them."""
        chosen = {str(author.pk): author for author in self.cleaned_data["authors"]}
        posted = self.data.getlist(self.add_prefix("authors"))
        return [chosen[pk] for pk in dict.fromkeys(posted) if pk in chosen]


class CorrectionForm(forms.Form):
    text = forms.CharField(
        label=_("Correction"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Printed under the entry with the time, as readers see it."),
    )
