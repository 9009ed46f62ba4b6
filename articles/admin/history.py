"""
A story's history in the admin: who saved it when, what its status became, a
readable comparison of any two versions (the body block by block), and restoring
one, started from the history page: a page showing what the restore will change,
and one button (revisions.restore). django-reversion's own revision form is not
used: its address leads to that page.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from reversion.admin import VersionAdmin
from reversion.models import Version

from common.lookups import well_formed_keys
from common.people import person_name
from common.times import newsroom_time

from .. import revisions, workflow
from ..models import Article


def saved_by(version):
    """Who saved `version`, by name; a dash for one saved by code, not a person."""
    user = version.revision.user
    return person_name(user, "—")


class StoryHistoryAdmin(VersionAdmin):
    """VersionAdmin with our history page and the comparison of two versions."""

    object_history_template = "admin/articles/article/object_history.html"
    # reversion's, with "Recover deleted stories" shown to editors only.
    change_list_template = "admin/articles/article/change_list.html"

    def get_urls(self):
        compare = self.admin_site.admin_view(self.compare_view)
        restore = self.admin_site.admin_view(self.restore_view)
        return [
            path(
                "<path:object_id>/history/<int:version_id>/restore/",
                restore,
                name="articles_article_restore",
            ),
            path(
                "<path:object_id>/history/compare/",
                compare,
                name="articles_article_compare",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        # Not one revision for the whole request, as VersionAdmin has it: a list
        # action that moves several stories keeps a version of each on its own
        # (workflow.transition), so restoring one story never touches another.
        context = {
            "has_change_permission": self.has_change_permission(request),
            "can_recover": workflow.is_editor(request.user),
        }
        return admin.ModelAdmin.changelist_view(
            self, request, {**context, **(extra_context or {})}
        )

    def story_not_found(self, request, object_id):
        """The admin's answer to a story that does not exist, or that this user may
        not see (get_queryset), as Django's own change form gives it: back to the
        admin's home, saying so; or, to whoever may see no story at all, refused."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        self.message_user(
            request,
            _("%(name)s with ID “%(key)s” doesn’t exist. Perhaps it was deleted?")
            % {"name": self.opts.verbose_name, "key": unquote(object_id)},
            messages.WARNING,
        )
        return redirect("admin:index")

    def revision_view(self, request, object_id, version_id, extra_context=None):
        # reversion's own restore form: its address leads to ours (nothing posted
        # to it is saved).
        refused = self.refuse_restore(request, object_id)
        if refused:
            return refused
        return redirect(
            "admin:articles_article_restore", unquote(object_id), int(version_id)
        )

    def refuse_restore(self, request, object_id):
        """The answer to someone who may not restore this story, or None if she
        may. Restoring changes the story as it is now: whoever may not change it now
        may not restore it, whatever the status of the old version."""
        story = self.get_object(request, unquote(object_id))
        if story is None:
            return self.story_not_found(request, object_id)
        if not self.has_change_permission(request, story):
            return TemplateResponse(
                request,
                "admin/articles/article/restore_refused.html",
                {
                    **self.admin_site.each_context(request),
                    "opts": self.opts,
                    "original": story,
                    "title": _("You can’t restore “%(story)s”") % {"story": story},
                    "history_url": reverse(
                        "admin:articles_article_history", args=[story.pk]
                    ),
                },
                status=403,
            )
        return None

    def restore_view(self, request, object_id, version_id):
        """What restoring `version_id` would change, and the button that does it."""
        refused = self.refuse_restore(request, object_id)
        if refused:
            return refused
        story = self.get_object(request, unquote(object_id))
        versions = revisions.versions_of(story.pk)
        version = versions.filter(pk=version_id).first()
        if version is None:
            raise Http404(_("This story has no such version."))
        if request.method == "POST":
            revisions.restore(story=story, version=version, by=request.user)
            self.message_user(
                request,
                _(
                    "Restored the version saved %(when)s by %(who)s. Its status and "
                    "times are as they were; the restore is itself a version in the "
                    "history."
                )
                % {
                    "when": newsroom_time(version.revision.date_created),
                    "who": saved_by(version),
                },
                messages.SUCCESS,
            )
            return redirect("admin:articles_article_change", story.pk)
        newest = versions.first()
        kept = {str(label) for label in revisions.KEPT_ON_RESTORE}
        changes = [
            change
            for change in revisions.compare(newest, version)
            if change.changed and change.label not in kept
        ]
        return TemplateResponse(
            request,
            "admin/articles/article/restore.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "original": story,
                "title": _("Restore an earlier version of “%(story)s”")
                % {"story": story},
                "version": version,
                "version_when": newsroom_time(version.revision.date_created),
                "version_who": saved_by(version),
                "changed": changes,
                "history_url": reverse(
                    "admin:articles_article_history", args=[story.pk]
                ),
            },
        )

    # Deleted stories, drafts included, are for editors to see and bring back.

    def recoverlist_view(self, request, extra_context=None):
        if not workflow.is_editor(request.user):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        if not workflow.is_editor(request.user):
            raise PermissionDenied
        return super().recover_view(request, version_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        if self.get_object(request, unquote(object_id)) is None:
            return self.story_not_found(request, object_id)
        versions = list(revisions.versions_of(unquote(object_id)))
        rows = []
        for number, version in enumerate(versions):
            older = versions[number + 1] if number + 1 < len(versions) else None
            status = version.field_dict.get("status")
            before = older.field_dict.get("status") if older else None
            rows.append(
                {
                    "version": version,
                    "restore_url": reverse(
                        "admin:articles_article_restore",
                        args=[quote(version.object_id), version.pk],
                    ),
                    "status": Article.Status(status).label if status else "",
                    "status_changed": bool(older) and status != before,
                }
            )
        return super().history_view(
            request, object_id, {"versions": rows, **(extra_context or {})}
        )

    def compare_view(self, request, object_id):
        story = self.get_object(request, unquote(object_id))
        if story is None:
            return self.story_not_found(request, object_id)
        if not self.has_view_or_change_permission(request, story):
            raise PermissionDenied
        versions = revisions.versions_of(story.pk)
        asked = [request.GET.get("from"), request.GET.get("to")]
        chosen = versions.in_bulk(well_formed_keys(Version._meta.pk, asked))
        if len(chosen) != 2:
            raise Http404(_("Choose two versions of this story to compare."))
        older, newer = sorted(chosen.values(), key=lambda v: v.revision.date_created)
        changes = revisions.compare(older, newer)
        return TemplateResponse(
            request,
            "admin/articles/article/compare_versions.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "original": story,
                "title": _("Compare versions of “%(story)s”") % {"story": story},
                "older": older,
                "newer": newer,
                "older_who": saved_by(older),
                "newer_who": saved_by(newer),
                "changed": [c for c in changes if c.changed],
                "side_by_side": request.GET.get("view") == "side",
                "unchanged": [c.label for c in changes if not c.changed],
                "restore_url": reverse(
                    "admin:articles_article_restore", args=[story.pk, older.pk]
                ),
                "history_url": reverse(
                    "admin:articles_article_history", args=[story.pk]
                ),
                "can_restore": self.has_change_permission(request, story),
            },
        )
