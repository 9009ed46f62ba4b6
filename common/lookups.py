"""
Hand-made values in the admin's lookups, answered with a form error or an empty
result rather than a 500.

A key that is not a number ("abc", "1.5"), or one past the largest integer the
database holds, raises inside the query that looks it up instead of failing
validation; and PostgreSQL refuses a NUL character in any string, so a NUL in a
list's filter, its search or an autocomplete's term raises too. Nobody types these:
they come from a hand-made request, and deserve the same calm answer as a typo.
"""

from django import forms
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError

NUL = "\x00"


def is_well_formed_key(field, value):
    """Whether `value`, as posted, could be a value of the model field `field` (a
    primary key, say): of its type, and within the range of its column."""
    if value in field.empty_values:
        return False
    try:
        field.run_validators(field.to_python(value))
    except ValidationError:
        return False
    return True


def well_formed_keys(field, values):
    """The `values` that could be values of the model field `field`, as given."""
    return [value for value in values if is_well_formed_key(field, value)]


def key_field(relation):
    """The field of the remote model that `relation` (a foreign key or a
    many-to-many field) points at: its primary key unless told otherwise."""
    remote = relation.remote_field
    opts = remote.model._meta
    return opts.get_field(getattr(remote, "field_name", None) or opts.pk.name)


class WellFormedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField that refuses a malformed key itself. Django's
    checks each key with a query, which a key too large for the database breaks."""

    def clean(self, value):
        opts = self.queryset.model._meta
        field = opts.get_field(self.to_field_name) if self.to_field_name else opts.pk
        for each in value if isinstance(value, (list, tuple)) else []:
            # A NUL gets Django's own message ("Null characters are not allowed").
            if NUL not in str(each) and not is_well_formed_key(field, each):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": each},
                )
        return super().clean(value)


class NulSafeAdminMixin:
    """ModelAdmin mixin: a NUL character in the list's query string (a filter, the
    search) or in an autocomplete's term never reaches the database, nor an id in
    an action's selection that no row could have.

    The search term loses its NULs; a filter holding one is dropped, as the admin
    drops a filter it does not know."""

    def response_action(self, request, queryset):
        # The rows an action is for, as posted: a hand-made id ("abc", or past the
        # column's range) is left out, as one that matches no row is, rather than
        # raising inside the query that selects them.
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        well_formed = well_formed_keys(self.opts.pk, selected)
        if len(well_formed) != len(selected):
            request.POST = request.POST.copy()
            request.POST.setlist(helpers.ACTION_CHECKBOX_NAME, well_formed)
        return super().response_action(request, queryset)

    def changelist_view(self, request, extra_context=None):
        query = request.GET.copy()
        for key, values in list(query.lists()):
            if NUL in key or any(NUL in value for value in values):
                del query[key]
        request.GET = query
        return super().changelist_view(request, extra_context)

    def get_search_results(self, request, queryset, search_term):
        # The autocomplete's term arrives here without passing the list's view.
        return super().get_search_results(
            request, queryset, search_term.replace(NUL, "")
        )
