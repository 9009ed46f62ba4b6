"""
The story form's part in preparing changes to a live story (articles/
pending_changes.py): saving the form of a story readers can see keeps the changes
aside; the form opens again with them; "Publish changes" saves the form for real,
"Discard changes" drops them.
"""

from django.contrib import messages
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _

from common.people import person_name
from common.times import newsroom_time

from .. import pending_changes, workflow
from ..models import Article, PendingChange
from .article_form import edit_version

PUBLISH = "_publish_changes"
DISCARD = "_discard_changes"


class PendingChangesMixin:
    """ModelAdmin mixin for ArticleAdmin: changes to a live story wait for
    "Publish changes"."""

    def lookup_allowed(self, lookup, value, request=None):
        # The desk's "Changes not yet published" panel lists them in the story list.
        if lookup == "pending_change__isnull":
            return True
        return super().lookup_allowed(lookup, value, request)

    def story_is_live(self, request, story):
        """Whether readers can see `story` as saved: asked once a request."""
        if story is None or not story.pk:
            return False
        if getattr(request, "_live_story", None) != story.pk:
            request._live_story = story.pk
            request._is_live = pending_changes.is_live(story)
        return request._is_live

    def pending_to_show(self, request, story):
        """The pending change the form opens with: a live story's, on a GET."""
        if request.method != "GET" or not self.story_is_live(request, story):
            return None
        if not hasattr(request, "_pending_change"):
            # Through the story, which keeps it (or its absence) for the form's
            # edit version (pending_changes.last_save): asked once.
            try:
                request._pending_change = story.pending_change
            except PendingChange.DoesNotExist:
                request._pending_change = None
        return request._pending_change

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        pending = self.pending_to_show(request, obj)
        if pending is None:
            return form
        posted = pending.as_posted()
        # Opened now, the form edits the story as it is now: the changes included.
        posted["edit_version"] = edit_version(obj)

        class WithPendingChanges(form):
            def __init__(self, *args, **kwargs):
                if not args and kwargs.get("data") is None:
                    kwargs["data"] = posted
                super().__init__(*args, **kwargs)

        return WithPendingChanges

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        pending = self.pending_to_show(request, obj)
        if pending is not None:
            kwargs.update(data=pending.as_posted(), files={})
        return kwargs

    def prepares_changes(self, request, form, change):
        """Whether this save of the form keeps changes aside: a live story, saved
        (not previewed or moved) and staying published, unless an editor asked to
        publish the changes."""
        if not (
            change
            and not form.for_preview
            and form.cleaned_data.get("status") == Article.Status.PUBLISHED
            and pending_changes.is_live(form.instance)
        ):
            return False
        if PUBLISH in request.POST:
            request.publishing_changes = workflow.can_publish_changes(
                request.user, form.instance
            )
            return not request.publishing_changes
        return True

    def save_model(self, request, obj, form, change):
        request.preparing_changes = self.prepares_changes(request, form, change)
        if not request.preparing_changes:
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if getattr(request, "preparing_changes", False):
            pending_changes.prepare(
                article=form.instance,
                form=form,
                formsets=formsets,
                posted=request.POST,
                by=request.user,
            )
            for formset in formsets:
                # Nothing saved, only what would be listed for the admin's log.
                formset.save(commit=False)
            return
        super().save_related(request, form, formsets, change)
        if change and not form.for_preview:
            # Saved for real, from a form that held the changes: they are the story.
            pending_changes.discard(form.instance)

    def log_change(self, request, obj, message):
        if getattr(request, "preparing_changes", False):
            said = LogEntry(change_message=message).get_change_message()
            message = _("Prepared changes, not yet published: %(what)s") % {
                "what": said
            }
        elif getattr(request, "publishing_changes", False):
            message = _("Published the prepared changes.")
        return super().log_change(request, obj, message)

    def response_change(self, request, obj):
        if getattr(request, "preparing_changes", False):
            self.message_user(
                request,
                _(
                    "Your changes to “%(story)s” are saved, not published: readers "
                    "still see the story as it was. “Publish changes” puts them live."
                )
                % {"story": obj},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(request.path)
        if getattr(request, "publishing_changes", False):
            self.message_user(
                request,
                _("The changes to “%(story)s” are published.") % {"story": obj},
                messages.SUCCESS,
            )
            # Back to the story list, as after a save.
            return self.response_post_save_change(request, obj)
        return super().response_change(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "POST" and DISCARD in request.POST:
            return self.discard_changes(request, object_id)
        story = self.get_object(request, unquote(object_id))
        pending = self.pending_to_show(request, story)
        if pending is not None:
            self.message_user(
                request,
                _(
                    "This story has changes not yet published, saved by %(who)s at "
                    "%(when)s, shown below. Readers see the published version until "
                    "the changes are published."
                )
                % {
                    "who": person_name(pending.prepared_by, _("someone")),
                    "when": newsroom_time(pending.prepared_at),
                },
                messages.WARNING,
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def discard_changes(self, request, object_id):
        story = self.get_object(request, unquote(object_id))
        if story is None:
            return self.story_not_found(request, object_id)
        if not self.has_change_permission(request, story):
            raise PermissionDenied
        pending_changes.discard(story)
        self.log_change(request, story, _("Discarded the prepared changes."))
        self.message_user(
            request,
            _("The changes to “%(story)s” are discarded: it is as published.")
            % {"story": story},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(request.path)

    def render_change_form(self, request, context, add=False, change=False, **kwargs):
        story = context.get("original")
        live = self.story_is_live(request, story)
        context["story_is_live"] = live
        context["has_pending_change"] = live and (
            self.pending_to_show(request, story) is not None
            if request.method == "GET"
            else PendingChange.objects.filter(article=story).exists()
        )
        context["can_publish_changes"] = live and workflow.can_publish_changes(
            request.user, story
        )
        return super().render_change_form(request, context, add, change, **kwargs)
