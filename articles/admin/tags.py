"""
The tags' admin: django-taggit's, with our merge.

Our forms' autocompletes search tags (the tags of a story): the list gets the same
NUL-safe list and search as ours. django-taggit's "Merge selected tags" and its
inline work on its generic TaggedItem table, which our stories do not use
(TaggedArticle): its merge said "Tags have been merged" and moved no story, and the
inline listed nothing. Both are gone; "Merge selected tags" here asks which of the
selected tags to keep, and folds the others into it (tag_merge.py).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Count
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from taggit import admin as taggit_admin
from taggit.models import Tag

from common.lookups import NulSafeAdminMixin

from ..tag_merge import merge_tags

admin.site.unregister(Tag)


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(
        queryset=Tag.objects.none(),
        label=_("Keep"),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("Choose the tag to keep."),
            "invalid_choice": _("Choose one of the tags selected to keep."),
        },
    )

    def __init__(self, *args, tags, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = tags
        self.fields["into"].label_from_instance = lambda tag: (
            ngettext(
                "%(name)s (%(count)s story)",
                "%(name)s (%(count)s stories)",
                tag.stories,
            )
            % {"name": tag.name, "count": tag.stories}
        )


@admin.register(Tag)
class TagAdmin(NulSafeAdminMixin, taggit_admin.TagAdmin):
    inlines = []
    actions = ["merge_selected"]

    def get_urls(self):
        # Without taggit's merge-tags page: ModelAdmin's own addresses only.
        return admin.ModelAdmin.get_urls(self)

    # Deleting tags is what a merge does (the admin grants an action to anyone with
    # one of its permissions): editors, who rename tags, do not merge them.
    @admin.action(description=_("Merge selected tags into one"), permissions=["delete"])
    def merge_selected(self, request, queryset):
        # The most used first, and chosen unless the editor says otherwise.
        tags = queryset.annotate(
            stories=Count("articles_taggedarticle_items")
        ).order_by("-stories", "name", "pk")
        if len(tags) < 2:
            self.message_user(
                request, _("Select two tags or more to merge."), messages.WARNING
            )
            return None
        if "apply" in request.POST:
            form = MergeForm(request.POST, tags=tags)
            if form.is_valid():
                into = form.cleaned_data["into"]
                count = merge_tags(into, tags)
                self.message_user(
                    request,
                    ngettext(
                        "Merged into “%(name)s”, now on %(count)s story.",
                        "Merged into “%(name)s”, now on %(count)s stories.",
                        count,
                    )
                    % {"name": into.name, "count": count},
                    messages.SUCCESS,
                )
                return None
        else:
            form = MergeForm(tags=tags, initial={"into": tags[0]})
        return TemplateResponse(
            request,
            "admin/taggit/tag/merge.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("Merge tags"),
                "form": form,
                "selected": [tag.pk for tag in tags],
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "media": self.media,
            },
        )
