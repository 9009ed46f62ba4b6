"""
Autosave in the story form: the address static/js/autosave.js keeps the form's
working copy at (articles/working_copies.py), and the form's part in it.

    GET   <story>/autosave/      the working copy to offer back, if any
    POST  <story>/autosave/      keep the form's fields (data=<JSON>)
    POST  ... discard=1          drop the working copy
    add/autosave/ is the same for a new story, whose form sends its key.

Guarded as the form is: logged in, the CSRF token, and the right to change the
story (or to add one). A working copy changes no story, so it needs no more.
"""

from django import forms
from django.contrib.admin.utils import unquote
from django.http import JsonResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import working_copies

BROWSER_KEY = "newsroom-working-copy"


class AutosaveMixin:
    """ModelAdmin mixin for ArticleAdmin: the autosave address and script, and the
    working copy used up when the form is saved."""

    @property
    def media(self):
        return super().media + forms.Media(js=["js/autosave.js"])

    def get_urls(self):
        view = self.admin_site.admin_view(
            require_http_methods(["GET", "POST"])(self.autosave_view)
        )
        return [
            path("add/autosave/", view, name="articles_article_autosave_new"),
            path("<path:object_id>/autosave/", view, name="articles_article_autosave"),
            *super().get_urls(),
        ]

    def autosave_view(self, request, object_id=None):
        story = self.get_object(request, unquote(object_id)) if object_id else None
        if object_id and story is None:
            return refusal(_("There is no such story, or it is not yours to see."), 404)
        allowed = (
            self.has_change_permission(request, story)
            if story
            else self.has_add_permission(request)
        )
        if not allowed:
            return refusal(_("You may not change this story."), 403)
        source = request.POST if request.method == "POST" else request.GET
        key = "" if story else working_copies.clean_key(source.get("key"))
        where = {"article": story, "key": key}
        if request.method == "GET":
            return JsonResponse(self.offer(request, story, key))
        if source.get("discard"):
            working_copies.discard(user=request.user, **where)
            return JsonResponse({"discarded": True})
        try:
            data = working_copies.read_fields(source.get("data", ""))
            copy = working_copies.keep(user=request.user, data=data, **where)
        except working_copies.Unreadable as problem:
            return refusal(str(problem), 400)
        return JsonResponse({"saved_at": copy.saved_at.isoformat()})

    def offer(self, request, story, key):
        copy = working_copies.offered(user=request.user, article=story)
        scope = story.pk if story else "new"
        return {
            # Where the browser keeps its own copy: one per person and story.
            "browser_key": f"{BROWSER_KEY}:{request.user.pk}:{scope}",
            "working_copy": copy
            and {
                "data": copy.data,
                "saved_at": copy.saved_at.isoformat(),
                "key": copy.new_story_key,
            },
            "used": working_copies.is_used(user=request.user, key=key),
        }

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        working_copies.story_saved(
            user=request.user,
            article=form.instance,
            created=not change,
            key=working_copies.clean_key(request.POST.get("_working_copy_key")),
        )


def refusal(message, status):
    return JsonResponse({"error": message}, status=status)
