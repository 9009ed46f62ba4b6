from django import forms
from django.contrib.admin.widgets import AutocompleteSelect


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


class ImagePickerMixin:
    """ModelAdmin mixin: image foreign keys in autocomplete_fields get thumbnails."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        from ..models import Image

        if db_field.related_model is Image and db_field.name in (
            self.get_autocomplete_fields(request)
        ):
            kwargs.setdefault(
                "widget",
                ImageAutocompleteSelect(
                    db_field, self.admin_site, using=kwargs.get("using")
                ),
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
