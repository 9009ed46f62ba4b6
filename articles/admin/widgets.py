from django import forms
from django.contrib.admin import widgets

from .lookups import WellFormedModelMultipleChoiceField, key_field, well_formed_keys


class WellFormedValuesMixin:
    """For the admin's autocomplete widgets: draw only the chosen values that could
    be keys of the remote model.

    A form refused for any reason is drawn again with what was posted, and Django's
    widget looks every value up (`pk__in=[...]`): a hand-made "abc" would raise there,
    a 500 instead of the field's own "Select a valid choice"."""

    def optgroups(self, name, value, attr=None):
        kept = well_formed_keys(key_field(self.field), value)
        return super().optgroups(name, kept, attr)


class AutocompleteSelect(WellFormedValuesMixin, widgets.AutocompleteSelect):
    pass


class AutocompleteSelectMultiple(
    WellFormedValuesMixin, widgets.AutocompleteSelectMultiple
):
    pass


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


class AutocompleteMixin:
    """ModelAdmin and inline mixin: the fields in autocomplete_fields get our widgets
    (hand-made values are refused, not crashed on; pictures get thumbnails)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        from ..models import Image

        if db_field.name in self.get_autocomplete_fields(request):
            widget = (
                ImageAutocompleteSelect
                if db_field.related_model is Image
                else AutocompleteSelect
            )
            kwargs.setdefault(
                "widget", widget(db_field, self.admin_site, using=kwargs.get("using"))
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs.setdefault(
                "widget",
                AutocompleteSelectMultiple(
                    db_field, self.admin_site, using=kwargs.get("using")
                ),
            )
        kwargs.setdefault("form_class", WellFormedModelMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)
