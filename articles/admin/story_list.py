"""
Filters and search for the admin's story list that stay fast on a large archive.

Django's RelatedOnlyFieldListFilter reads every story for the distinct sections or
authors it has, and a filter across bylines makes the list SELECT DISTINCT over whole
rows; the admin's default search reads every body with LIKE. These ask an index
instead: one probe per section or author, a subquery on bylines, and the stored
search document on PostgreSQL.
"""

from django.contrib import admin
from django.contrib.postgres.search import SearchQuery
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from ..models import Author, Byline
from ..search import CONFIG, query_words, uses_postgres

# More words than an editor types; a pasted paragraph is cut here.
MAX_SEARCH_WORDS = 12


class WithStoriesFieldListFilter(admin.RelatedFieldListFilter):
    """The related objects (sections, say) that have at least one story, asked of
    each one in turn rather than collected from every story."""

    def field_choices(self, field, request, model_admin):
        has_story = Exists(
            model_admin.get_queryset(request)
            .order_by()
            .filter(**{self.field_path: OuterRef("pk")})
        )
        return field.get_choices(
            include_blank=False,
            ordering=self.field_admin_ordering(field, request, model_admin),
            limit_choices_to=Q(has_story),
        )


class AuthorFilter(admin.SimpleListFilter):
    """Stories with a given author in the byline."""

    title = _("author")
    parameter_name = "author"

    def lookups(self, request, model_admin):
        bylined = Author.objects.filter(
            Exists(Byline.objects.filter(author=OuterRef("pk")))
        )
        return [
            (str(pk), name)
            for pk, name in bylined.order_by("name").values_list("pk", "name")
        ]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        try:
            author = int(self.value())
        except ValueError:
            return queryset.none()
        # A subquery rather than a join, so no story is listed twice.
        return queryset.filter(
            pk__in=Byline.objects.filter(author=author).values("article_id")
        )


class AssigneeFilter(admin.SimpleListFilter):
    """Stories by who has them: me, anyone, nobody."""

    title = _("assigned to")
    parameter_name = "assignee"

    def lookups(self, request, model_admin):
        return [("me", _("Me")), ("anyone", _("Anyone")), ("nobody", _("Nobody"))]

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.filter(assignee=request.user)
        if self.value() == "anyone":
            return queryset.filter(assignee__isnull=False)
        if self.value() == "nobody":
            return queryset.filter(assignee__isnull=True)
        return queryset


def search_stories(queryset, term):
    """Stories matching every word of `term` (each word also as the start of a longer
    one) in the stored search document: headline, dek, tags, authors and body; or
    whose slug is `term`. Returns None where there is no search document (SQLite)."""
    if not uses_postgres():
        return None
    if not term.strip():
        return queryset
    words = query_words(term)[:MAX_SEARCH_WORDS]
    if not words:
        return queryset.none()
    # query_words keeps word characters only, so the raw query cannot be malformed.
    prefixes = SearchQuery(
        " & ".join(f"{word}:*" for word in words), search_type="raw", config=CONFIG
    )
    return queryset.filter(Q(search_vector=prefixes) | Q(slug=term.strip()))


class StorySearchMixin:
    """ModelAdmin mixin for the story list: search with search_stories where there is
    a search document, Django's own search elsewhere."""

    def get_search_results(self, request, queryset, search_term):
        found = search_stories(queryset, search_term)
        if found is None:
            return super().get_search_results(request, queryset, search_term)
        return found, False
