"""
The live desk in the admin: a focused entry composer for one story, reached from
the story form and the story list ("Live coverage"), and a list of live stories.

Each action is its own small POST (post, edit, pin, correct, remove), so several
people post at once without touching each other's work: a new entry is a new row,
and only two people editing the *same* entry can collide, which services.edit_entry
refuses, keeping the words of the one refused.
"""

from django.contrib import admin, messages
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from js_asset import Media
from reversion.models import Version

from articles.models import Article, Author
from articles.sanitize import plain_text
from common.people import person_name
from common.times import newsroom_time

from . import rules, services
from .forms import CorrectionForm, EntryForm
from .models import LiveCoverage, LiveEntry


@admin.register(LiveCoverage)
class LiveCoverageAdmin(admin.ModelAdmin):
    list_display = ["article", "is_open", "started_at", "ended_at", "entry_count"]
    list_select_related = ["article"]
    list_display_links = None
    search_fields = ["article__headline"]

    class Media:
        css = {"all": ["css/admin.css"]}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(article__in=Article.objects.visible_to(request.user))
            .annotate(
                entry_count=Count("entries", filter=Q(entries__removed_at__isnull=True))
            )
        )

    def has_add_permission(self, request):
        return False  # started from a story's composer

    def has_change_permission(self, request, obj=None):
        return False  # changed through the composer only

    def has_delete_permission(self, request, obj=None):
        return False  # ended, never deleted: its entries are a record

    @admin.display(description=_("open"), boolean=True)
    def is_open(self, obj):
        return obj.is_open

    @admin.display(description=_("entries"))
    def entry_count(self, obj):
        return format_html(
            '{} · <a href="{}">{}</a>',
            obj.entry_count,
            reverse("admin:live_composer", args=[obj.article_id]),
            _("Open the composer"),
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "story/<int:article_id>/",
                view(self.composer_view),
                name="live_composer",
            ),
            path(
                "story/<int:article_id>/coverage/",
                view(require_POST(self.coverage_view)),
                name="live_coverage",
            ),
            path(
                "entry/<int:entry_id>/edit/",
                view(self.edit_view),
                name="live_entry_edit",
            ),
            path(
                "entry/<int:entry_id>/<str:action>/",
                view(require_POST(self.entry_action_view)),
                name="live_entry_action",
            ),
            *super().get_urls(),
        ]

    # Pages

    def context(self, request, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "story_opts": Article._meta,
            **extra,
        }

    def refuse(self, request, message, *, article=None, status=403):
        """An admin page saying what she may not do, and what she may instead."""
        return TemplateResponse(
            request,
            "admin/live/refused.html",
            self.context(
                request, title=_("Not allowed"), message=message, article=article
            ),
            status=status,
        )

    def story(self, request, article_id):
        """The story, if this person may see it in the admin (else None)."""
        return (
            Article.objects.visible_to(request.user)
            .select_related("live_coverage")
            .filter(pk=article_id)
            .first()
        )

    def story_not_found(self, request):
        return self.refuse(
            request,
            _(
                "There is no such story, or it is not one you can open. The story "
                "list shows every story you can work on."
            ),
            status=404,
        )

    def new_entry_form(self, request, data=None):
        author = Author.objects.filter(user=request.user).first()
        return EntryForm(
            data, initial={"authors": [author] if author else []}, user=request.user
        )

    def composer_view(self, request, article_id):
        article = self.story(request, article_id)
        if article is None:
            return self.story_not_found(request)
        coverage = getattr(article, "live_coverage", None)
        form = None
        status = 200
        if coverage is not None and rules.can_post(request.user, coverage):
            form = self.new_entry_form(
                request, request.POST if request.method == "POST" else None
            )
            if request.method == "POST":
                if form.is_valid():
                    entry = services.post_entry(
                        coverage=coverage,
                        by=request.user,
                        headline=form.cleaned_data["headline"],
                        body=form.cleaned_data["body"],
                        authors=form.ordered_authors(),
                    )
                    self.message_user(
                        request,
                        _("Posted at %(time)s.")
                        % {"time": newsroom_time(entry.published_at)},
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(request.path)
                status = 400
        elif request.method == "POST":
            return self.refuse(
                request,
                _(
                    "This story is not taking entries: its live coverage has not "
                    "started or has ended, or posting is not part of your role. An "
                    "editor can start the coverage again."
                ),
                article=article,
            )
        entries = (
            coverage.entries.newest_first().for_page().select_related("removed_by")
            if coverage
            else []
        )
        return TemplateResponse(
            request,
            "admin/live/composer.html",
            self.context(
                request,
                title=_("Live coverage: %(story)s") % {"story": article.headline},
                article=article,
                coverage=coverage,
                form=form,
                media=self.editor_media(request, form),
                entries=[
                    (entry, self.entry_rights(request, entry)) for entry in entries
                ],
                can_run_desk=rules.can_run_desk(request.user),
                public_url=article.get_absolute_url()
                if Article.objects.published().filter(pk=article.pk).exists()
                else None,
            ),
            status=status,
        )

    def editor_media(self, request, form):
        media = self.media + (form.media if form else Media())
        # The editor's import map is an inline script: it carries this response's
        # Content-Security-Policy nonce, as the story form's does.
        return Media.from_media(media, nonce=getattr(request, "csp_nonce", ""))

    def entry_rights(self, request, entry):
        return {
            "edit": rules.can_edit(request.user, entry) and not entry.is_removed,
            "desk": rules.can_run_desk(request.user),
        }

    def coverage_view(self, request, article_id):
        article = self.story(request, article_id)
        if article is None:
            return self.story_not_found(request)
        if not rules.can_run_desk(request.user):
            return self.refuse(
                request,
                _(
                    "Starting and ending live coverage is for editors. You can post "
                    "entries once an editor has started it."
                ),
                article=article,
            )
        coverage = getattr(article, "live_coverage", None)
        if request.POST.get("do") == "end" and coverage and coverage.is_open:
            services.end_coverage(coverage=coverage)
            self.message_user(request, _("Live coverage ended."), messages.SUCCESS)
        elif request.POST.get("do") == "start":
            services.start_coverage(article=article, by=request.user)
            self.message_user(
                request, _("Live coverage is open: post the first entry."), 25
            )
        return HttpResponseRedirect(reverse("admin:live_composer", args=[article.pk]))

    def entry(self, request, entry_id):
        """The entry, if its story is one this person may see (else None)."""
        return (
            LiveEntry.objects.filter(
                pk=entry_id,
                coverage__article__in=Article.objects.visible_to(request.user),
            )
            .select_related("coverage__article")
            .first()
        )

    def edit_view(self, request, entry_id):
        entry = self.entry(request, entry_id)
        if entry is None:
            return self.story_not_found(request)
        article = entry.coverage.article
        composer = reverse("admin:live_composer", args=[article.pk])
        if not rules.can_edit(request.user, entry) or entry.is_removed:
            return self.refuse(
                request,
                _(
                    "You can edit and correct your own entries; an editor can edit "
                    "anyone's. Removed entries are restored before they are edited."
                ),
                article=article,
            )
        stale = None
        status = 200
        if request.method == "POST":
            form = EntryForm(request.POST, user=request.user)
            # An edit says which revision it was opened at; without one it is a
            # broken form (400), not a stale one (409).
            form.fields["revision"].required = True
            if form.is_valid():
                try:
                    services.edit_entry(
                        entry=entry,
                        by=request.user,
                        revision=form.cleaned_data["revision"],
                        headline=form.cleaned_data["headline"],
                        body=form.cleaned_data["body"],
                        authors=form.ordered_authors(),
                    )
                except services.StaleEntry as refused:
                    stale = refused.entry
                    status = 409
                else:
                    self.message_user(request, _("Entry saved."), messages.SUCCESS)
                    return HttpResponseRedirect(f"{composer}#entry-{entry.pk}")
            else:
                status = 400
        else:
            form = EntryForm(
                initial={
                    "headline": entry.headline,
                    "body": entry.body,
                    "authors": [b.author_id for b in entry.bylines.all()],
                    "revision": entry.revision,
                },
                user=request.user,
            )
        return TemplateResponse(
            request,
            "admin/live/entry_edit.html",
            self.context(
                request,
                title=_("Edit entry"),
                article=article,
                entry=entry,
                stale=stale,
                stale_editor=stale and self.last_editor(stale),
                form=form,
                media=self.editor_media(request, form),
                composer_url=composer,
                versions=self.versions(entry),
            ),
            status=status,
        )

    def versions(self, entry):
        """The entry's saved versions, newest first: (when, who, its words)."""
        return [
            (
                version.revision.date_created,
                version.revision.user,
                plain_text(version.field_dict.get("body", "")),
            )
            for version in Version.objects.get_for_object(entry).select_related(
                "revision__user"
            )
        ]

    def last_editor(self, entry):
        version = (
            Version.objects.get_for_object(entry).select_related("revision__user")
        ).first()
        user = version and version.revision.user
        return person_name(user, None)

    def entry_action_view(self, request, entry_id, action):
        entry = self.entry(request, entry_id)
        if entry is None:
            return self.story_not_found(request)
        article = entry.coverage.article
        composer = reverse("admin:live_composer", args=[article.pk])
        if action == "correct":
            if not rules.can_edit(request.user, entry):
                return self.refuse(
                    request,
                    _("You can correct your own entries; an editor, anyone's."),
                    article=article,
                )
            form = CorrectionForm(request.POST)
            if not form.is_valid():
                self.message_user(
                    request,
                    _("Nothing was saved: write the correction in the box first."),
                    messages.ERROR,
                )
            else:
                services.correct_entry(
                    entry=entry, by=request.user, text=form.cleaned_data["text"]
                )
                self.message_user(request, _("Correction printed."), messages.SUCCESS)
            return HttpResponseRedirect(f"{composer}#entry-{entry.pk}")
        if action not in {"pin", "unpin", "remove", "restore"}:
            return self.refuse(
                request, _("There is no such action on an entry."), status=404
            )
        if not rules.can_run_desk(request.user):
            return self.refuse(
                request,
                _(
                    "Pinning key updates and removing entries is for editors. You "
                    "can post entries, and edit and correct your own."
                ),
                article=article,
            )
        if action in {"pin", "unpin"}:
            services.set_pinned(entry=entry, pinned=action == "pin")
            done = _("Pinned as a key update.") if action == "pin" else _("Unpinned.")
        elif action == "remove":
            services.remove_entry(entry=entry, by=request.user)
            done = _("Removed from the page; it stays here, and can be restored.")
        else:
            services.restore_entry(entry=entry)
            done = _("Restored to the page.")
        self.message_user(request, done, messages.SUCCESS)
        return HttpResponseRedirect(f"{composer}#entry-{entry.pk}")
