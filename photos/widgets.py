"""The admin's picture fields: an autocomplete with thumbnails, and the picture
chooser beside it (photos/chooser.py)."""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext as _

from common.widgets import AutocompleteMixin, AutocompleteSelect

from .models import Image

CHOOSER_SCRIPTS = ["js/focal-point.js", "js/picture-chooser.js", "js/image-picker.js"]


class ImageAutocompleteSelect(AutocompleteSelect):
    """The admin's autocomplete for an image, with thumbnails: beside each result while
    choosing, and beside the field once chosen; and buttons that open the picture
    chooser, to browse the library or upload a new picture (static/js/
    image-picker.js).

    It carries its own class instead of "admin-autocomplete", so Django's script
    leaves it alone and ours sets it up once, with the thumbnail template."""

    # Set per request by ImagePickerMixin: whether the person may add pictures.
    may_upload = False

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["class"] = attrs["class"].replace(
            "admin-autocomplete", "newsroom-image-autocomplete"
        )
        attrs["data-chooser-url"] = reverse("admin:photos_image_chooser")
        attrs["data-choose-label"] = _("Choose from the library…")
        if self.may_upload:
            attrs["data-upload-label"] = _("Upload from your computer…")
        return attrs

    @property
    def media(self):
        return super().media + forms.Media(
            js=CHOOSER_SCRIPTS, css={"all": ["css/admin.css"]}
        )


class ImagePickerMixin(AutocompleteMixin):
    """ModelAdmin and inline mixin: autocomplete fields refuse hand-made values, and
    those that pick a picture show thumbnails and open the picture chooser."""

    autocomplete_widgets = {Image: ImageAutocompleteSelect}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        widget = getattr(field, "widget", None)
        # The admin wraps the widget (the add and change links beside it).
        widget = getattr(widget, "widget", widget)
        if isinstance(widget, ImageAutocompleteSelect):
            widget.may_upload = request.user.has_perm("photos.add_image")
        return field
