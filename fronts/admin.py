"""
Arranging front pages in the admin.

Only those holding fronts.curate_front (editors: migration 0002) may see or arrange
a front; anyone else gets an admin page saying so and what she may do instead.

Every save of an arrangement is a new arrangement (Django's own "save as new"), so
that the one before stays, in the list and the admin log, to restore: nothing is
changed or deleted once saved. The form's Preview button shows the front as readers
will see it, without saving (preview.py).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.lookups import NulSafeAdminMixin
from common.times import newsroom_time
from common.widgets import AutocompleteMixin

from .models import Arrangement, Front, Slot
from .preview import FrontPreviewMixin

CURATE = "fronts.curate_front"


class CuratorsOnlyMixin:
    """ModelAdmin mixin: the curate_front permission is the only one that counts,
    and a refusal is an admin page that says what to do instead."""

    def may_curate(self, request):
        return request.user.is_active and request.user.has_perm(CURATE)

    def has_module_permission(self, request):
        return self.may_curate(request)

    def has_view_permission(self, request, obj=None):
        return self.may_curate(request)

    def has_add_permission(self, request):
        return self.may_curate(request)

    def has_change_permission(self, request, obj=None):
        return self.may_curate(request)

    def has_delete_permission(self, request, obj=None):
        return False  # the history of a front is kept whole

    def refusal(self, request):
        # The admin's own refusal page (newsroom/refusals.py) says it, with what
        # she may open instead.
        raise PermissionDenied(
            _(
                "Arranging the home page and the section pages (the lead, the top "
                "stories and the packages above the latest stories) is for editors. "
                "To have a story put on a front page, ask an editor."
            )
        )

    def changelist_view(self, request, extra_context=None):
        if not self.may_curate(request):
            return self.refusal(request)
        return super().changelist_view(request, extra_context)

    def changeform_view(self, request, *args, **kwargs):
        if not self.may_curate(request):
            return self.refusal(request)
        return super().changeform_view(request, *args, **kwargs)

    def history_view(self, request, object_id, extra_context=None):
        if not self.may_curate(request):
            return self.refusal(request)
        return super().history_view(request, object_id, extra_context)


@admin.register(Front)
class FrontAdmin(NulSafeAdminMixin, CuratorsOnlyMixin, admin.ModelAdmin):
    list_display = ["__str__", "live_since", "next_scheduled", "arrange_link"]
    list_select_related = ["section"]
    autocomplete_fields = ["section"]
    fields = ["section"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_times()

    def get_urls(self):
        return [
            path(
                "<path:object_id>/arrange/",
                self.admin_site.admin_view(self.arrange_view),
                name="fronts_front_arrange",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        # The home page's front is always there to arrange.
        if self.may_curate(request):
            Front.objects.get_or_create(section=None)
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # A front is its arrangements: changing one is arranging it.
        if not self.may_curate(request):
            return self.refusal(request)
        return redirect("admin:fronts_front_arrange", object_id)

    def response_add(self, request, obj, post_url_continue=None):
        return redirect("admin:fronts_front_arrange", obj.pk)

    def arrange_view(self, request, object_id):
        """The form for a front's next arrangement: the newest one's form, whose
        save makes a new one, or a new form for a front never arranged."""
        if not self.may_curate(request):
            return self.refusal(request)
        front = self.get_object(request, unquote(object_id))
        if front is None:
            raise Http404(_("No such front page."))
        newest = front.arrangements.order_by("-created_at", "-pk").first()
        if newest:
            return redirect("admin:fronts_arrangement_change", newest.pk)
        return redirect(reverse("admin:fronts_arrangement_add") + f"?front={front.pk}")

    @admin.display(description=gettext_lazy("live since"))
    def live_since(self, front):
        return newsroom_time(front.live_at)

    @admin.display(description=gettext_lazy("next scheduled"))
    def next_scheduled(self, front):
        return newsroom_time(front.next_at)

    @admin.display(description="")
    def arrange_link(self, front):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:fronts_front_arrange", args=[front.pk]),
            _("Arrange"),
            reverse("admin:fronts_arrangement_changelist")
            + f"?front__id__exact={front.pk}",
            _("Every arrangement"),
        )


def no_related_buttons(field):
    """`field`, without the admin's buttons to add, change or view the object
    chosen (RelatedFieldWidgetWrapper's, public since Django 1.x)."""
    if field is not None and isinstance(field.widget, RelatedFieldWidgetWrapper):
        field.widget.can_add_related = False
        field.widget.can_change_related = False
        field.widget.can_view_related = False
    return field


class SlotForm(forms.ModelForm):
    class Meta:
        model = Slot
        fields = ["position", "place", "package", "article"]
        widgets = {"position": forms.NumberInput(attrs={"class": "fronts-position"})}
        error_messages = {
            "article": {
                "required": _(
                    "Choose a story, or tick Delete to leave this row out. (A story "
                    "no longer published is not offered.)"
                ),
            }
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("place") != Slot.Place.PACKAGE:
            cleaned["package"] = ""
        elif not cleaned.get("package", "").strip():
            self.add_error("package", _("Give the package a label."))
        return cleaned


class SlotFormSet(forms.BaseInlineFormSet):
    def clean(self):
        # Said in the desk's words before Django's own check of unique fields.
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        leads = [each for each in kept if each.get("place") == Slot.Place.LEAD]
        if len(leads) > 1:
            raise forms.ValidationError(_("A front has one lead: choose one story."))
        stories = [each["article"] for each in kept if each.get("article")]
        twice = {story for story in stories if stories.count(story) > 1}
        if twice:
            raise forms.ValidationError(
                _("A story can fill only one slot of a front: %(stories)s")
                % {"stories": ", ".join(f"“{story}”" for story in twice)}
            )
        super().clean()


class SlotInline(AutocompleteMixin, admin.TabularInline):
    model = Slot
    form = SlotForm
    formset = SlotFormSet
    autocomplete_fields = ["article"]
    extra = 3
    classes = ["fronts-slots"]
    verbose_name = gettext_lazy("story on the front")
    verbose_name_plural = gettext_lazy(
        "Stories on the front: the lead, top stories and packages, in order "
        "(drag the rows, or number them)"
    )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # A story is chosen here, not written or edited: no pencil, no plus.
        return no_related_buttons(
            super().formfield_for_dbfield(db_field, request, **kwargs)
        )

    def has_add_permission(self, request, obj=None):
        return request.user.has_perm(CURATE)

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm(CURATE)

    def has_delete_permission(self, request, obj=None):
        # Removing a row from the form leaves it out of the new arrangement.
        return request.user.has_perm(CURATE)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(CURATE)


class ArrangementForm(forms.ModelForm):
    class Meta:
        model = Arrangement
        fields = ["front", "goes_live_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["goes_live_at"]
        field.help_text = _("%(help)s Times are in %(zone)s.") % {
            "help": field.help_text,
            "zone": timezone.get_current_timezone_name(),
        }

    def clean_goes_live_at(self):
        # A time passed (the form was opened a while ago) means at once.
        when = self.cleaned_data["goes_live_at"]
        return max(when, timezone.now()) if when else timezone.now()


@admin.register(Arrangement)
class ArrangementAdmin(
    NulSafeAdminMixin, FrontPreviewMixin, CuratorsOnlyMixin, admin.ModelAdmin
):
    form = ArrangementForm
    inlines = [SlotInline]
    list_display = [
        "__str__",
        "front",
        "state",
        "goes_live_at",
        "created_by",
        "created_at",
        "restored_from",
    ]
    list_filter = ["front"]
    list_select_related = [
        "front__section",
        "created_by",
        "restored_from__front__section",
    ]
    date_hierarchy = None
    save_as = True
    change_form_template = "admin/fronts/arrangement/change_form.html"

    class Media:
        css = {"all": ["css/admin.css", "fronts/arrange.css"]}
        js = ["fronts/arrange.js"]

    def get_urls(self):
        return [
            path(
                "<path:object_id>/restore/",
                self.admin_site.admin_view(self.restore_view),
                name="fronts_arrangement_restore",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=gettext_lazy("state"))
    def state(self, arrangement):
        if arrangement.is_scheduled:
            return _("Scheduled")
        return _("Live") if arrangement.live_pk == arrangement.pk else _("Earlier")

    def get_queryset(self, request):
        return super().get_queryset(request).with_live()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # Fronts are added from their own list.
        return no_related_buttons(
            super().formfield_for_dbfield(db_field, request, **kwargs)
        )

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("front", Front.objects.get_or_create(section=None)[0].pk)
        return initial

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and object_id:
            # Saved as a new arrangement: the one opened stays as it was.
            request.POST = request.POST.copy()
            request.POST["_saveasnew"] = "1"
        # The admin's own lookup (bounded ids; with_live() in get_queryset).
        opened = self.get_object(request, unquote(object_id)) if object_id else None
        extra_context = {
            **(extra_context or {}),
            "title": _("Arrange a front page"),
            # Restoring the live arrangement would change nothing.
            "is_live": opened is not None and opened.live_pk == opened.pk,
        }
        return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        if obj.is_scheduled:
            self.message_user(
                request,
                _("Scheduled: readers see this arrangement of %(front)s from %(when)s.")
                % {"front": obj.front, "when": newsroom_time(obj.goes_live_at)},
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request,
                _("Live: readers see this arrangement of %(front)s now.")
                % {"front": obj.front},
                messages.SUCCESS,
            )
        return redirect("admin:fronts_arrangement_change", obj.pk)

    def restore_view(self, request, object_id):
        """Make an earlier arrangement the live one again, as a new arrangement."""
        if not self.may_curate(request):
            return self.refusal(request)
        earlier = self.get_object(request, unquote(object_id))
        if earlier is None:
            raise Http404(_("No such arrangement."))
        if request.method != "POST":
            return redirect("admin:fronts_arrangement_change", earlier.pk)
        with transaction.atomic():
            restored = earlier.copy(by=request.user)
            self.log_addition(
                request,
                restored,
                _("Restored from the arrangement of %(when)s (#%(id)s).")
                % {"when": newsroom_time(earlier.goes_live_at), "id": earlier.pk},
            )
        self.message_user(
            request,
            _("Restored: readers see this arrangement of %(front)s now.")
            % {"front": restored.front},
            messages.SUCCESS,
        )
        return redirect("admin:fronts_arrangement_change", restored.pk)
