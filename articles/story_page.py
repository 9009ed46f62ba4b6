"""
What the story page shows, fetched in a fixed handful of queries, however many
authors, categories, tags and pictures the story has:

1. the story, with its section and pictures (and whether it has corrections);
2. its bylines, with authors and headshots;
3. its labels: the categories it is filed under, its tags and the site's navigation
   sections, all small rows of the same shape, in one query;
4. the pictures placed in its body, only if it places any;
5. its corrections, only if it has any;
6. "More from" its lead author and related stories, in one query.
"""

import functools
import operator

from django.db import connection
from django.db.models import (
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    Value,
    prefetch_related_objects,
)
from taggit.models import Tag, TaggedItem

from .inline_images import placed_image_ids
from .models import Article, Byline, Category, Correction, InlineImage

MORE_FROM_AUTHOR = 3
RELATED_STORIES = 4
# What a story link in "More from" and "Related" shows.
LINK_FIELDS = [
    "headline",
    "slug",
    "published_at",
    "primary_category__name",
    "primary_category__slug",
]
LABEL_FIELDS = ["kind", "pk", "name", "slug", "sort", "is_in_navigation", "is_filed"]


def story_tags():
    """Tags put on stories (taggit tags anything), matched by a join rather than by
    a content-type lookup of its own."""
    return TaggedItem.objects.filter(
        content_type__app_label=Article._meta.app_label,
        content_type__model=Article._meta.model_name,
    )


def story_queryset(stories):
    """`stories` with what the story page needs from each story's own row."""
    return (
        stories.select_related("primary_category", "lead_image", "social_image")
        .prefetch_related(
            Prefetch(
                "bylines",
                queryset=Byline.objects.select_related("author__headshot"),
            )
        )
        .annotate(
            has_corrections=Exists(Correction.objects.filter(article=OuterRef("pk")))
        )
    )


def fetch_parts(article):
    """Fetch the story's labels, placed pictures and corrections onto `article`, as
    if prefetched; return the site's navigation sections."""
    navigation = fetch_labels(article)
    placed = InlineImage.objects.select_related("image")
    prefetch_related_objects(
        [article],
        # A none() queryset costs no query and leaves an empty list behind.
        Prefetch(
            "inline_image_links",
            queryset=placed if placed_image_ids(article.body) else placed.none(),
        ),
        Prefetch(
            "corrections",
            queryset=Correction.objects.all()
            if getattr(article, "has_corrections", True)
            else Correction.objects.none(),
        ),
    )
    return navigation


def fetch_labels(article):
    """One query for the story's further categories, its tags, and the navigation
    sections; the first two are handed to `article` as if prefetched."""
    filed = Article.categories.through.objects.filter(article=article)
    categories = (
        Category.objects.filter(
            Q(is_in_navigation=True) | Q(pk__in=filed.values("category_id"))
        )
        .annotate(
            kind=Value("category"),
            sort=F("position"),
            is_filed=Exists(filed.filter(category=OuterRef("pk"))),
        )
        .order_by()  # a part of a union may not order itself
        .values_list(*LABEL_FIELDS)
    )
    tagged = story_tags().filter(object_id=article.pk)
    tags = (
        Tag.objects.filter(pk__in=tagged.values("tag_id"))
        .annotate(
            kind=Value("tag"),
            sort=Value(0),
            is_in_navigation=Value(False),
            is_filed=Value(True),
        )
        .order_by()  # a part of a union may not order itself
        .values_list(*LABEL_FIELDS)
    )
    further, tag_list, navigation = [], [], []
    for kind, pk, name, slug, sort, in_navigation, is_filed in categories.union(
        tags, all=True
    ).order_by("kind", "sort", "name"):
        if kind == "tag":
            tag_list.append(Tag(pk=pk, name=name, slug=slug))
            continue
        category = Category(
            pk=pk, name=name, slug=slug, position=sort, is_in_navigation=in_navigation
        )
        if in_navigation:
            navigation.append(category)
        if is_filed:
            further.append(category)
    _as_prefetched(article, "categories", further)
    _as_prefetched(article, "tags", tag_list)
    return navigation


def _as_prefetched(instance, name, objects):
    # What prefetch_related leaves behind: `instance.<name>.all()` then reads these.
    queryset = getattr(instance, name).all()
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset


def candidates_filter(candidates):
    """Stories among any of the `candidates` (sliced querysets of ids).

    On PostgreSQL, one IN over their UNION ALL: each part is then an index scan,
    where an OR of INs makes it read the whole table (a second, at 100,000 stories).
    SQLite cannot slice the parts of a compound query, and plans the OR well.
    """
    if connection.features.supports_slicing_ordering_in_compound:
        return Q(pk__in=candidates[0].union(*candidates[1:], all=True))
    return functools.reduce(operator.or_, (Q(pk__in=c) for c in candidates))


def more_and_related(article, lead_author):
    """("More from" the lead author, related stories), in one query.

    "More from": the lead author's newest stories. Related: stories sharing a tag,
    newest first, then the newest others in the section, leaving out those already
    listed under "More from". Each list's candidates are found by a small subquery
    that an index answers (the newest few by the author, sharing a tag, in the
    section), so the cost does not grow with the archive; only those few rows are
    fetched, and put in order here.
    """
    others = (
        Article.objects.published()
        .exclude(pk=article.pk)
        .order_by("-published_at", "-pk")
        .values("pk")
    )
    tag_ids = [tag.pk for tag in article.tags.all()]
    sharing = story_tags().filter(tag_id__in=tag_ids)
    candidates = []
    if lead_author:
        candidates.append(others.by_author(lead_author)[:MORE_FROM_AUTHOR])
    if tag_ids:
        # Enough that some remain after those listed under "More from".
        shown = MORE_FROM_AUTHOR + RELATED_STORIES
        candidates.append(others.filter(pk__in=sharing.values("object_id"))[:shown])
    if article.primary_category_id:
        # Enough that seven not sharing a tag remain, when fewer than seven share one
        # (when more do, they alone fill the list).
        shown = 2 * (MORE_FROM_AUTHOR + RELATED_STORIES) - 1
        in_section = others.filter(primary_category=article.primary_category_id)
        candidates.append(in_section[:shown])
    if not candidates:
        return [], []
    by_author = (
        Exists(Byline.objects.filter(article=OuterRef("pk"), author=lead_author))
        if lead_author
        else Value(False)
    )
    stories = list(
        Article.objects.filter(candidates_filter(candidates))
        .select_related("primary_category")
        .only(*LINK_FIELDS)
        .annotate(
            is_by_author=by_author,
            shares_tag=Exists(sharing.filter(object_id=OuterRef("pk"))),
        )
        .order_by("-published_at", "-pk")
    )
    more = [story for story in stories if story.is_by_author][:MORE_FROM_AUTHOR]
    listed = {story.pk for story in more}
    related = [
        story
        for story in stories
        if story.pk not in listed
        and (
            story.shares_tag or story.primary_category_id == article.primary_category_id
        )
    ]
    # Tag-sharers first; sorted() keeps the newest-first order within each group.
    related = sorted(related, key=lambda story: not story.shares_tag)
    return more, related[:RELATED_STORIES]
