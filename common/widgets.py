"""The admin's autocomplete widgets, refusing hand-made values instead of crashing."""

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


class AutocompleteMixin:
    """ModelAdmin and inline mixin: the fields in autocomplete_fields get our widgets
    (hand-made values are refused, not crashed on). `autocomplete_widgets` maps a
    related model to a widget of its own (pictures get thumbnails)."""

    autocomplete_widgets = {}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            widget = self.autocomplete_widgets.get(
                db_field.related_model, AutocompleteSelect
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
