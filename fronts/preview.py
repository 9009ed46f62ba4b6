"""
The arrangement form's Preview button: the front page as readers will see it with
what is in the form now, saved or not.

The form and its slots are saved as a new arrangement inside a transaction that is
then rolled back, so the page is rendered by the same view and templates readers
get, from real rows, and nothing of the preview is kept: not the arrangement, not a
log entry, not a cache invalidation (those wait for a commit that never comes). The
page is the reader site's: it is asked of the function named in the setting
NEWSROOM_FRONT_PREVIEW (readers.previews.render_front_preview).
"""

from django.conf import settings
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from common.times import newsroom_time


class FrontPreviewMixin:
    """ModelAdmin mixin for ArrangementAdmin: the preview URLs and view."""

    def get_urls(self):
        view = self.admin_site.admin_view(self.form_preview_view)
        return [
            path("add/preview/", view, name="fronts_arrangement_preview_new"),
            path("<path:object_id>/preview/", view, name="fronts_arrangement_preview"),
            *super().get_urls(),
        ]

    def form_preview_view(self, request, object_id=None):
        if not self.may_curate(request):
            return self.refusal(request)
        if request.method != "POST":
            # Nothing arranged to show: the form is where previews start.
            return redirect(request.path.removesuffix("preview/"))
        # Like a save from the form: a new arrangement (see changeform_view).
        request.POST = request.POST.copy()
        request.POST["_saveasnew"] = "1"
        with transaction.atomic():
            response = self.render_form_preview(request)
            transaction.set_rollback(True)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def render_form_preview(self, request):
        form = self.get_form(request, None, change=False)(request.POST)
        formsets = [
            FormSet(
                **self.get_formset_kwargs(
                    request, form.instance, inline, FormSet.get_default_prefix()
                )
            )
            for FormSet, inline in self.get_formsets_with_inlines(request)
        ]
        form_valid = form.is_valid()  # every form is checked, to list every problem
        if not (form_valid and all(formset.is_valid() for formset in formsets)):
            return TemplateResponse(
                request,
                "admin/fronts/arrangement/preview_errors.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("This arrangement cannot be previewed yet"),
                    "errors": list(form_errors(form, formsets)),
                },
                status=400,
            ).render()
        arrangement = self.save_form(request, form, change=False)
        self.save_model(request, arrangement, form, change=False)
        self.save_related(request, form, formsets, change=False)
        render = import_string(settings.NEWSROOM_FRONT_PREVIEW)
        note = _(
            "Preview of %(front)s as readers will see it from %(when)s: not saved. "
            "Close this tab to go back to arranging."
        ) % {
            "front": arrangement.front,
            "when": newsroom_time(arrangement.goes_live_at),
        }
        # Rendered now, while the preview's rows still exist.
        return render(request, arrangement, note=note)


def form_errors(form, formsets):
    """Each problem in the form and its slots, as a line to show."""
    for each in [form, *(f for formset in formsets for f in formset.forms)]:
        for name, errors in each.errors.items():
            label = each.fields[name].label if name in each.fields else None
            for error in errors:
                yield f"{label}: {error}" if label else error
    for formset in formsets:
        yield from formset.non_form_errors()
