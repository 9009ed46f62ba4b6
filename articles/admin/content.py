"""Stories, sections, people and bylines in the admin."""

from datetime import timedelta

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import admin as auth_admin
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import models
from django.db.models import Count, F, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from js_asset import Media
from taggit.models import Tag
from taggit.utils import parse_tags

from common.lookups import NulSafeAdminMixin, WellFormedModelMultipleChoiceField
from common.people import person_name
from common.widgets import AutocompleteSelectMultiple
from photos.admin import thumbnail
from photos.widgets import ImagePickerMixin

from .. import body_editor, events, previews, workflow
from ..models import Article, Author, Byline, Category, Correction
from ..models.content import WORDS_PER_MINUTE
from ..sanitize import clean_body, plain_text
from .article_form import ArticleAdminForm, edit_version
from .autosave import AutosaveMixin
from .bylines import BylineInline, BylinesMixin
from .form_preview import FormPreviewMixin
from .history import StoryHistoryAdmin
from .pending import PendingChangesMixin
from .scheduling import (
    ScheduleFilter,
    ZonedSplitDateTime,
    ZonedSplitDateTimeField,
    confirmation,
    save_label,
)
from .search_preview import lead_image_crops, search_preview
from .story_list import (
    AssigneeFilter,
    AuthorFilter,
    StorySearchMixin,
    WithStoriesFieldListFilter,
)


@admin.register(Category)
class CategoryAdmin(NulSafeAdminMixin, ImagePickerMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "parent", "is_in_navigation", "position"]
    list_editable = ["is_in_navigation", "position"]
    list_filter = ["is_in_navigation", ("parent", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["parent"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]


class HasLoginFilter(admin.SimpleListFilter):
    title = _("login")
    parameter_name = "has_login"

    def lookups(self, request, model_admin):
        return [("yes", _("Staff with a login")), ("no", _("Guest contributors"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(user__isnull=False)
        if self.value() == "no":
            return queryset.filter(user__isnull=True)
        return queryset


@admin.register(Author)
class AuthorAdmin(NulSafeAdminMixin, ImagePickerMixin, admin.ModelAdmin):
    list_display = ["list_headshot", "name", "job_title", "user", "story_count"]
    list_display_links = ["list_headshot", "name"]
    list_filter = [HasLoginFilter]
    ordering = ["name"]  # explicit: the story-count annotation drops Meta.ordering
    list_select_related = ["headshot", "user"]
    search_fields = ["name", "job_title", "short_bio"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["headshot", "user"]
    # Profile links typed without a scheme are taken as https, not http.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    readonly_fields = ["headshot_preview"]

    class Media:
        css = {"all": ["css/admin.css"]}

    fieldsets = [
        (None, {"fields": ["name", "slug", "job_title", "user"]}),
        (_("Biography"), {"fields": ["short_bio", "bio"]}),
        (_("Headshot"), {"fields": ["headshot", "headshot_preview"]}),
        (
            _("Contact and social links"),
            {"fields": ["email", "website", "bluesky", "mastodon", "x", "linkedin"]},
        ),
    ]

    def get_queryset(self, request):
        # Counted author by author from the bylines index, not by joining and grouping
        # every byline (which the list's own count would do again).
        stories = (
            Byline.objects.filter(author=OuterRef("pk"))
            .order_by()
            .values("author")
            .annotate(count=Count("article"))
            .values("count")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(story_count=Coalesce(Subquery(stories), 0))
        )

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        # A login linked to an author edits every story the author is bylined on:
        # linking one is for those who manage users. For anyone else the field is
        # shown, not in the form, so a hand-made "user=" in a post changes nothing.
        if not request.user.has_perm("auth.change_user"):
            fields = [*fields, "user"]
        return fields

    @admin.display(description=_("headshot"))
    def list_headshot(self, obj):
        return thumbnail(obj.headshot, size=48)

    @admin.display(description=_("headshot preview"))
    def headshot_preview(self, obj):
        return thumbnail(obj.headshot, size=160)

    @admin.display(description=_("stories"), ordering="story_count")
    def story_count(self, obj):
        return obj.story_count


class CorrectionInline(admin.StackedInline):
    model = Correction
    fields = ["kind", "noted_at", "text"]
    extra = 0
    verbose_name_plural = _("corrections and update notes (shown under the story)")


# How long an opened story counts as "being edited" for the warning to others.
EDITING_WINDOW = timedelta(minutes=10)


@admin.register(Article)
class ArticleAdmin(
    AutosaveMixin,
    PendingChangesMixin,
    NulSafeAdminMixin,
    StorySearchMixin,
    BylinesMixin,
    FormPreviewMixin,
    ImagePickerMixin,
    StoryHistoryAdmin,
):
    form = ArticleAdminForm
    # django-reversion's list, with a link to the live desk (templates/admin/live).
    change_list_template = "admin/articles/article/change_list.html"
    inlines = [BylineInline, CorrectionInline]
    actions = [
        "submit_for_editing",
        "publish_now",
        "unpublish",
        "assign_to_me",
        "revoke_previews",
    ]
    list_display = [
        "list_thumbnail",
        "headline",
        "visibility",
        "published_at",
        "primary_category",
        "byline",
        "assigned_to",
        "image_rights",
    ]
    list_display_links = ["list_thumbnail", "headline"]
    # The list stays fast with a large archive (bench/EXPLAIN.md): filters and search
    # that ask indexes (story_list.py), one count instead of two, and no date bar,
    # which reads every story for its years (the publish-time filter remains).
    list_filter = [
        "status",
        ScheduleFilter,
        ("primary_category", WithStoriesFieldListFilter),
        AuthorFilter,
        AssigneeFilter,
        "published_at",
    ]
    list_select_related = ["primary_category", "lead_image", "assignee"]
    search_fields = ["headline", "dek", "slug", "authors__name"]
    show_full_result_count = False
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = [
        "lead_image",
        "social_image",
        "primary_category",
        "categories",
    ]
    readonly_fields = [
        "length",
        "lead_image_preview",
        "search_preview",
        "preview_link",
        "created_at",
        "modified_at",
    ]
    # The story editor's two columns (templates/admin/articles/article/
    # change_form.html): "desk-main" fieldsets are the writing, at a reading width;
    # "desk-side" ones the sidebar, before the bylines or ("desk-after-bylines")
    # after them.
    fieldsets = [
        (None, {"fields": ["headline", "dek"], "classes": ["desk-main"]}),
        (
            _("Story"),
            {"fields": ["body", "length", "insert_image"], "classes": ["desk-main"]},
        ),
        (
            _("Status and schedule"),
            {
                "fields": [
                    "status",
                    "assignee",
                    "published_at",
                    "expires_at",
                    "mark_updated",
                    "updated_at",
                    "preview_link",
                    "edit_version",
                ],
                "classes": ["desk-side"],
            },
        ),
        (
            _("Filing"),
            {
                "fields": ["primary_category", "categories", "tags", "new_tags"],
                "classes": ["desk-side"],
            },
        ),
        (
            _("Lead image"),
            {
                "fields": ["lead_image", "lead_image_preview"],
                "classes": ["desk-side", "desk-after-bylines"],
            },
        ),
        (
            _("Search and social"),
            {
                "fields": [
                    "slug",
                    "seo_title",
                    "seo_description",
                    "social_image",
                    "search_preview",
                ],
                "classes": ["desk-side", "desk-after-bylines"],
            },
        ),
        (
            _("History"),
            {
                "fields": ["created_at", "modified_at"],
                "classes": ["desk-side", "desk-after-bylines"],
            },
        ),
    ]

    class Media:
        css = {"all": ["css/admin.css"]}

    def get_queryset(self, request):
        # Every view of a story goes through here (the list, its actions and
        # filters, the form, history, comparisons, restores, previews and every
        # autocomplete that picks a story): a story not visible to this user is,
        # for her, a story that does not exist.
        return (
            super()
            .get_queryset(request)
            .visible_to(request.user)
            .prefetch_related(
                Prefetch("bylines", queryset=Byline.objects.select_related("author"))
            )
        )

    def get_object(self, request, object_id, from_field=None):
        # Opening the form asks for the story several times (the rights warning,
        # the changes kept aside, Django's view): fetched once. Only on a GET: a
        # post's form changes the object it was given, and what follows must see
        # the story as it is in the database.
        if request.method != "GET":
            return super().get_object(request, object_id, from_field)
        fetched = request.__dict__.setdefault("_stories_fetched", {})
        key = (str(object_id), from_field)
        if key not in fetched:
            fetched[key] = super().get_object(request, object_id, from_field)
        return fetched[key]

    # Roles, enforced here on the server (see articles/workflow.py).

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return workflow.can_edit(request.user, obj) or getattr(
            request, "refusing_stale_save", False
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and workflow.is_editor(
            request.user
        )

    def delete_view(self, request, object_id, extra_context=None):
        # Django refuses those who may not delete before asking whether the story
        # exists: a story this user may not see does not exist, for her, first.
        if self.get_object(request, unquote(object_id)) is None:
            return self.story_not_found(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def has_publish_permission(self, request):
        return workflow.is_editor(request.user)

    def get_readonly_fields(self, request, obj=None):
        # "Updated" moves only when an edit is marked as a substantive update; and
        # when a story goes out is an editor's call.
        fields = [*super().get_readonly_fields(request, obj), "updated_at"]
        if not workflow.is_editor(request.user):
            fields += ["published_at", "expires_at", "assignee"]
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and workflow.can_edit(request.user, obj):
            return fieldsets
        # A shareable link to the draft is for those who may change the story.
        return [
            (
                name,
                {
                    **options,
                    "fields": [f for f in options["fields"] if f != "preview_link"],
                },
            )
            for name, options in fieldsets
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user
        wanted = request.POST.get("_transition") if request.method == "POST" else None
        form.transition = wanted if wanted in Article.Status.values else None
        if "status" in form.base_fields and not workflow.is_editor(request.user):
            allowed = workflow.allowed_statuses(request.user)
            field = form.base_fields["status"]
            field.choices = [(v, label) for v, label in field.choices if v in allowed]
        return form

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.modified_by = request.user
        if form.cleaned_data.get("mark_updated") and obj.published_at:
            now = timezone.now()
            if obj.status == Article.Status.PUBLISHED and obj.published_at <= now:
                obj.updated_at = now
        super().save_model(request, obj, form, change)

    def render_change_form(self, request, context, add=False, change=False, **kwargs):
        story = context.get("original")
        status = story.status if story else Article.Status.DRAFT
        if story and "status" in context["adminform"].form.initial:
            # As saved: a refused move has set the form's story to what was asked.
            status = context["adminform"].form.initial["status"]
        scheduled = story is not None and story.is_scheduled
        context["transitions"] = [
            (
                to,
                _("Schedule")
                if scheduled and to == Article.Status.PUBLISHED
                else label,
            )
            for to, label in workflow.moves_for(request.user, status)
        ]
        # The Save button says "Schedule" for a time to come (static/js/schedule.js
        # keeps it saying so as the time is typed, against the newsroom's clock).
        context["save_label"] = save_label(story)
        context.update(self.byline_context(request))
        context["original_status_label"] = self.visibility(story) if story else ""
        context["newsroom_now"] = timezone.localtime().strftime("%Y-%m-%dT%H:%M:%S")
        # The story editor's import map is an inline script: it carries this
        # response's Content-Security-Policy nonce (newsroom/content_security.py).
        context["media"] = Media.from_media(
            context["media"], nonce=getattr(request, "csp_nonce", "")
        )
        return super().render_change_form(request, context, add, change, **kwargs)

    def response_add(self, request, obj, post_url_continue=None):
        request.schedule_confirmation = confirmation(obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        # Changes to a live story kept aside change no schedule yet: the message
        # says they wait for "Publish changes" (pending.py).
        if not getattr(request, "preparing_changes", False):
            request.schedule_confirmation = confirmation(obj)
        return super().response_change(request, obj)

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        # "Scheduled for Tue 1 Dec, 7:00am EST" rather than "was changed
        # successfully", which reads as if it were live.
        said = getattr(request, "schedule_confirmation", None)
        if said and level == messages.SUCCESS:
            request.schedule_confirmation = None
            message = said
        super().message_user(request, message, level, *args, **kwargs)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            self.warn_of_other_editors(request, object_id)
        else:
            if self.lost_from_view(request, object_id):
                return self.keep_what_was_typed(request)
            request.refusing_stale_save = self.taken_out_of_hands(request, object_id)
        return self._change_view_with_rights_warning(
            request, object_id, form_url, extra_context
        )

    def taken_out_of_hands(self, request, object_id):
        """Whether this is a form posted by someone who could change the story when
        they opened it, and no longer can since someone else's save (an editor
        published it, say). They get the stale-form refusal with everything they
        typed, not a bare 403; a stale form never saves (check_not_stale)."""
        story = self.get_object(request, unquote(object_id))
        posted = request.POST.get("edit_version")
        return bool(
            story
            and posted
            and posted != edit_version(story)
            and request.user.has_perm("articles.change_article")
            and not workflow.can_edit(request.user, story)
        )

    def lost_from_view(self, request, object_id):
        """Whether this is a story form posted for a story this person can no longer
        see: deleted, or no longer hers (a writer taken off its byline) while she
        typed. Whether it exists at all is not told."""
        return "edit_version" in request.POST and (
            self.get_object(request, unquote(object_id)) is None
        )

    def keep_what_was_typed(self, request):
        """Nothing was saved: the story is gone, or no longer hers to see. Show her
        what she typed, to copy out, rather than lose it to a "does not exist"
        redirect."""
        typed = [
            (_("Headline"), request.POST.get("headline", "")),
            (_("Dek"), request.POST.get("dek", "")),
            (_("Body"), plain_text(clean_body(request.POST.get("body", "")))),
        ]
        return TemplateResponse(
            request,
            "admin/articles/article/lost_access.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("This story is no longer yours to edit"),
                "typed": [(label, text) for label, text in typed if text.strip()],
            },
            status=409,
        )

    def warn_of_other_editors(self, request, object_id):
        """Say who else opened this story in the last few minutes. Kept in the shared
        cache, so it works across app servers when the cache is Redis."""
        key = f"article-editors:{object_id}"
        now = timezone.now()
        recent = {
            name: when
            for name, when in (cache.get(key) or {}).items()
            if now - when < EDITING_WINDOW and name != request.user.get_username()
        }
        if recent:
            self.message_user(
                request,
                _("Also opened in the last %(minutes)s minutes by: %(people)s.")
                % {
                    "minutes": int(EDITING_WINDOW.total_seconds() // 60),
                    "people": ", ".join(sorted(recent)),
                },
                messages.WARNING,
            )
        recent[request.user.get_username()] = now
        cache.set(key, recent, EDITING_WINDOW.total_seconds())

    @admin.action(description=_("Submit for editing"), permissions=["change"])
    def submit_for_editing(self, request, queryset):
        self.move(
            request,
            queryset,
            Article.Status.READY,
            from_statuses={Article.Status.DRAFT},
        )

    @admin.action(description=_("Publish now"), permissions=["publish"])
    def publish_now(self, request, queryset):
        self.move(request, queryset, Article.Status.PUBLISHED)

    @admin.action(description=_("Unpublish"), permissions=["publish"])
    def unpublish(self, request, queryset):
        self.move(
            request,
            queryset,
            Article.Status.UNPUBLISHED,
            from_statuses={Article.Status.PUBLISHED},
        )

    @admin.action(description=_("Assign to me"), permissions=["publish"])
    def assign_to_me(self, request, queryset):
        # An update, not a save: a colleague's open form of the story stays current.
        count = queryset.update(assignee=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)s story is now assigned to you.",
                "%(count)s stories are now assigned to you.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    def move(self, request, queryset, status, from_statuses=None):
        """Move each selected story (workflow.transition) and say what happened to
        each: moved, or refused and why."""
        moved, scheduled, refused = [], [], []
        for article in queryset.select_related("lead_image"):
            try:
                workflow.transition(
                    article,
                    status,
                    by=request.user,
                    comment=_("%(status)s from the story list.")
                    % {"status": status.label},
                    from_statuses=from_statuses,
                )
            except workflow.MoveRefused as refusal:
                refused.append(f"“{article}”: {refusal}")
            else:
                # Published with a time to come: it is scheduled, not live.
                if article.is_scheduled:
                    scheduled.append(confirmation(article))
                else:
                    moved.append(str(article))
        if moved:
            self.message_user(
                request,
                _("Now “%(status)s”: %(stories)s.")
                % {"status": status.label, "stories": "; ".join(moved)},
                messages.SUCCESS,
            )
        for message in scheduled:
            self.message_user(request, message, messages.SUCCESS)
        for message in refused:
            self.message_user(request, message, messages.ERROR)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # Tags pick from the existing ones with the admin's own autocomplete; new tags
        # are typed into "New tags" beside it.
        if db_field.name == "body":
            return body_editor.body_field(
                label=db_field.verbose_name.capitalize(), required=False
            )
        if db_field.name in {"published_at", "expires_at"}:
            kwargs["form_class"] = ZonedSplitDateTimeField
            kwargs["widget"] = ZonedSplitDateTime()
        if db_field.name == "assignee":
            field = super().formfield_for_dbfield(db_field, request, **kwargs)
            field.label_from_instance = person_name
            return field
        if db_field.name == "tags":
            return WellFormedModelMultipleChoiceField(
                label=_("Tags"),
                queryset=Tag.objects.all(),
                required=False,
                widget=AutocompleteSelectMultiple(db_field, self.admin_site),
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if getattr(request, "preparing_changes", False):
            # Kept aside for a live story (pending.py): nothing is saved yet, so
            # nothing is told; publishing the changes saves and tells.
            return
        new_tags = parse_tags(form.cleaned_data.get("new_tags", ""))
        if new_tags:
            form.instance.tags.add(*new_tags)
        # Now that its bylines are saved: the notes app tells whom it concerns.
        events.story_changed.send(
            sender=Article,
            article=form.instance,
            by=request.user,
            from_status=form.initial.get("status") if change else None,
            was_assigned="assignee" in form.changed_data
            and form.instance.assignee_id is not None,
            note=form.cleaned_data.get("change_request", ""),
        )

    def view_on_site(self, obj):
        # Only public stories have a page a reader can see; drafts get no link.
        if Article.objects.published().filter(pk=obj.pk).exists():
            return obj.get_absolute_url()
        return None

    @admin.display(description=_("picture"))
    def list_thumbnail(self, obj):
        return thumbnail(obj.lead_image, size=64)

    @admin.display(description=_("preview link"))
    def preview_link(self, obj):
        if not obj.pk:
            return _("Save the story to get a preview link.")
        return format_html(
            '<a href="{0}" class="newsroom-preview-link">{0}</a><div class="help">{1}'
            "</div>",
            previews.preview_path(obj),
            _(
                "Anyone with this link can read the story as it is saved, for "
                "%(hours)s hours. “Revoke preview links” in the story list ends every "
                "link given out."
            )
            % {"hours": settings.NEWSROOM_PREVIEW_HOURS},
        )

    @admin.action(description=_("Revoke preview links"), permissions=["change"])
    def revoke_previews(self, request, queryset):
        stories = [a for a in queryset if workflow.can_edit(request.user, a)]
        Article.objects.filter(pk__in=[a.pk for a in stories]).update(
            preview_generation=F("preview_generation") + 1
        )
        self.message_user(
            request,
            _("Preview links revoked for %(count)s stories.") % {"count": len(stories)},
            messages.SUCCESS,
        )

    @admin.display(description=_("length"))
    def length(self, obj):
        # Counted again as the editor types (static/js/word-count.js).
        return format_html(
            '<span class="newsroom-length" data-words-per-minute="{}">{}</span>',
            WORDS_PER_MINUTE,
            ngettext(
                "%(words)s word · about %(minutes)s min to read",
                "%(words)s words · about %(minutes)s min to read",
                obj.word_count,
            )
            % {"words": f"{obj.word_count:,}", "minutes": obj.reading_minutes},
        )

    @admin.display(description=_("image rights"))
    def image_rights(self, obj):
        if obj.lead_image and obj.lead_image.rights_expired:
            return format_html(
                '<strong class="newsroom-warning">{}</strong>',
                _("Expired %(date)s") % {"date": obj.lead_image.rights_expire_on},
            )
        return ""

    def _change_view_with_rights_warning(
        self, request, object_id, form_url="", extra_context=None
    ):
        article = self.get_object(request, object_id)
        if article and article.lead_image and article.lead_image.rights_expired:
            self.message_user(
                request,
                _(
                    "The usage rights of this story's lead image expired on %(date)s: "
                    "replace the picture or renew the rights."
                )
                % {"date": article.lead_image.rights_expire_on},
                messages.WARNING,
            )
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("as readers will find it"))
    def search_preview(self, obj):
        return search_preview(obj)

    @admin.display(description=_("as readers will see it"))
    def lead_image_preview(self, obj):
        return lead_image_crops(obj.lead_image)

    @admin.display(description=_("status"), ordering="status")
    def visibility(self, obj):
        if obj.is_scheduled:
            return _("Scheduled")
        if obj.has_expired:
            return _("Taken down")
        return obj.get_status_display()

    @admin.display(description=_("assigned to"), ordering="assignee__username")
    def assigned_to(self, obj):
        return person_name(obj.assignee) if obj.assignee else ""

    @admin.display(description=_("byline"))
    def byline(self, obj):
        return format_html_join(
            ", ", "{}", ((byline.author.name,) for byline in obj.bylines.all())
        )


class EditorsOnlyAdmin(NulSafeAdminMixin, ImagePickerMixin, admin.ModelAdmin):
    """A story's parts listed on their own, for editors only: writers reach them in
    the article form, which checks that the story is theirs to change."""

    def has_module_permission(self, request):
        return workflow.is_editor(request.user)

    def has_view_permission(self, request, obj=None):
        return workflow.is_editor(request.user)

    def has_add_permission(self, request):
        return workflow.is_editor(request.user)

    def has_change_permission(self, request, obj=None):
        return workflow.is_editor(request.user)

    def has_delete_permission(self, request, obj=None):
        return workflow.is_editor(request.user)


@admin.register(Byline)
class BylineAdmin(EditorsOnlyAdmin):
    list_display = ["article", "author", "role", "position"]
    list_filter = ["role"]
    list_select_related = ["article", "author"]
    search_fields = ["article__headline", "author__name"]
    autocomplete_fields = ["article", "author"]


@admin.register(Correction)
class CorrectionAdmin(EditorsOnlyAdmin):
    list_display = ["article", "kind", "noted_at"]
    list_filter = ["kind", "noted_at"]
    list_select_related = ["article"]
    search_fields = ["article__headline", "text"]
    date_hierarchy = "noted_at"
    autocomplete_fields = ["article"]


# Our forms' autocompletes search logins too (the login of an author): its admin gets
# the same NUL-safe list and search as ours (the tags' admin: tags.py).
admin.site.unregister(User)


@admin.register(User)
class UserAdmin(NulSafeAdminMixin, auth_admin.UserAdmin):
    pass
