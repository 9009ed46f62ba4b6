"""
The article form's Preview button: the exact story page for what is in the form now,
saved or not.

The form and its inlines are saved inside a transaction that is then rolled back, so
the page is rendered by the same view and template readers get, from real rows
(bylines, tags, placed pictures), and nothing of the preview is kept: not the story,
not a revision, not a cache invalidation (those wait for a commit that never comes).
The story page is the reader site's: it is asked of the function named in the
setting NEWSROOM_STORY_PREVIEW (readers.previews.render_story_preview).
"""

from django.conf import settings
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _


class FormPreviewMixin:
    """ModelAdmin mixin for ArticleAdmin: adds the preview URLs and view."""

    def get_urls(self):
        view = self.admin_site.admin_view(self.form_preview_view)
        return [
            path("add/preview/", view, name="articles_article_preview_new"),
            path("<path:object_id>/preview/", view, name="articles_article_preview"),
            *super().get_urls(),
        ]

    def form_preview_view(self, request, object_id=None):
        story = self.get_object(request, unquote(object_id)) if object_id else None
        if object_id and story is None:
            return self.story_not_found(request, object_id)
        allowed = (
            self.has_change_permission(request, story)
            if story
            else self.has_add_permission(request)
        )
        if not allowed:
            raise PermissionDenied
        if request.method != "POST":
            # Nothing typed to show: the form is where previews start.
            return redirect(request.path.removesuffix("preview/") + "change/")

        with transaction.atomic():
            response = self.render_form_preview(request, story)
            transaction.set_rollback(True)
        # admin_view makes it private and no-store; never indexed either.
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def render_form_preview(self, request, story):
        """Save the posted form and inlines (inside the caller's doomed transaction)
        and render the story page, or say what stops the form from being rendered."""
        change = story is not None
        form = self.get_form(request, story, change=change)(
            request.POST, request.FILES, instance=story
        )
        # A preview is not a save: a stale form or an unfinished story still shows.
        form.for_preview = True
        formsets = self.inline_formsets(request, form.instance, change)
        form_valid = form.is_valid()  # every form and inline is checked, to list all
        if not (form_valid and all(formset.is_valid() for formset in formsets)):
            return TemplateResponse(
                request,
                "admin/articles/article/preview_errors.html",
                {
                    **self.admin_site.each_context(request),
                    "errors": list(form_errors(form, formsets)),
                },
                status=400,
            ).render()
        new_story = self.save_form(request, form, change)
        self.save_model(request, new_story, form, change)
        self.save_related(request, form, formsets, change)
        render = import_string(settings.NEWSROOM_STORY_PREVIEW)
        # Rendered now, while the preview's rows still exist.
        return render(
            request,
            new_story.pk,
            note=_(
                "Preview of the form as it is now: not saved and not published. "
                "Close this tab to go back to editing."
            ),
        )

    def inline_formsets(self, request, obj, change):
        """The inlines' formsets, bound to what was posted, named as the change form
        names them (with ModelAdmin's public hooks)."""
        formsets, prefixes = [], {}
        for FormSet, inline in self.get_formsets_with_inlines(
            request, *([obj] if change else [])
        ):
            prefix = FormSet.get_default_prefix()
            prefixes[prefix] = prefixes.get(prefix, 0) + 1
            if prefixes[prefix] != 1 or not prefix:
                prefix = f"{prefix}-{prefixes[prefix]}"
            formsets.append(
                FormSet(**self.get_formset_kwargs(request, obj, inline, prefix))
            )
        return formsets


def form_errors(form, formsets):
    """Each problem in the form and its inlines, as a line to show."""
    for each in [form, *(f for formset in formsets for f in formset.forms)]:
        for name, errors in each.errors.items():
            label = each.fields[name].label if name in each.fields else None
            for error in errors:
                yield f"{label}: {error}" if label else error
    for formset in formsets:
        yield from formset.non_form_errors()
