"""The admin's picture picker: an autocomplete with thumbnails."""

from django import forms

from common.widgets import AutocompleteMixin, AutocompleteSelect

from .models import Image


class ImageAutocompleteSelect(AutocompleteSelect):
    """The admin's autocomplete for an image, with thumbnails: beside each result while
    choosing, and beside the field once chosen (static/js/image-picker.js).

    It carries its own class instead of "admin-autocomplete", so Django's script
    leaves it alone and ours sets it up once, with the thumbnail template."""

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["class"] = attrs["class"].replace(
            "admin-autocomplete", "newsroom-image-autocomplete"
        )
        return attrs

    @property
    def media(self):
        return super().media + forms.Media(
            js=["js/image-picker.js"], css={"all": ["css/admin.css"]}
        )


class ImagePickerMixin(AutocompleteMixin):
    """ModelAdmin and inline mixin: autocomplete fields refuse hand-made values, and
    those that pick a picture show thumbnails."""

    autocomplete_widgets = {Image: ImageAutocompleteSelect}
