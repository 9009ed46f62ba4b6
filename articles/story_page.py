"""
What the story page shows, fetched in a fixed handful of queries, however many
authors, categories, tags and pictures the story has:

1. the story, with its section and pictures (and whether it has corrections);
2. its bylines, with their authors;
3. its labels: the categories it is filed under, its tags and the site's navigation
   sections, all small rows of the same shape, in one query;
4. the pictures placed in its body, only if it places any;
5. its corrections, only if it has any;
6. "More from" its lead author and related stories, in one query.
"""

from django.db.models import (
    Exists,
    OuterRef,
    Prefetch,
    Value,
    prefetch_related_objects,
)
from taggit.models import Tag, TaggedItem

from . import story_links_sql
from .inline_images import placed_image_ids
from .models import Article, Byline, Category, Correction, InlineImage
from .story_links_sql import BY_AUTHOR, SHARES_TAG

MORE_FROM_AUTHOR = 3
RELATED_STORIES = 4


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
        # The page shows the body, but not its plain text or search documents.
        .without_bulk(keep=["body"])
        .prefetch_related(
            Prefetch(
                "bylines",
                queryset=Byline.objects.select_related("author"),
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
    # Most stories place no picture and have no correction: their empty lists are
    # set here, without the cost of building a prefetch that would find nothing.
    wanted = []
    if placed_image_ids(article.body):
        placed = InlineImage.objects.select_related("image")
        wanted.append(Prefetch("inline_image_links", queryset=placed))
    else:
        _as_prefetched(article, "inline_image_links", [])
    if getattr(article, "has_corrections", True):
        wanted.append("corrections")
    else:
        _as_prefetched(article, "corrections", [])
    if wanted:
        prefetch_related_objects([article], *wanted)
    return navigation


def fetch_labels(article):
    """One query for the story's further categories, its tags, and the navigation
    sections; the first two are handed to `article` as if prefetched.

    Three plain parts, told apart by their first column: each compiles quickly
    (the query is built afresh on every uncached page) and an index answers it.
    """
    filed = Article.categories.through.objects.filter(article=article).values_list(
        Value("filed"),
        "category_id",
        "category__name",
        "category__slug",
        "category__position",
        "category__is_in_navigation",
    )
    navigation = Category.objects.filter(is_in_navigation=True).values_list(
        Value("navigation"), "pk", "name", "slug", "position", Value(True)
    )
    tagged = story_tags().filter(object_id=article.pk)
    tags = tagged.values_list(
        Value("tag"), "tag_id", "tag__name", "tag__slug", Value(0), Value(False)
    )
    further, tag_list, sections = [], [], []
    # No part may order itself in a union (SQLite refuses): models' own orderings off.
    rows = filed.order_by().union(navigation.order_by(), tags.order_by(), all=True)
    # A handful of rows, put in order here: by position, then by name as a reader
    # sorts it (case aside), whatever the database's collation.
    for kind, pk, name, slug, position, in_navigation in sorted(
        rows, key=lambda row: (row[4], row[2].casefold())
    ):
        if kind == "tag":
            tag_list.append(Tag(pk=pk, name=name, slug=slug))
            continue
        category = Category(
            pk=pk,
            name=name,
            slug=slug,
            position=position,
            is_in_navigation=in_navigation,
        )
        (sections if kind == "navigation" else further).append(category)
    _as_prefetched(article, "categories", further)
    _as_prefetched(article, "tags", tag_list)
    return sections


def _as_prefetched(instance, name, objects):
    # What prefetch_related leaves behind: `instance.<name>.all()` then reads these.
    queryset = getattr(instance, name).all()
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset


def more_and_related(article, lead_author):
    """("More from" the lead author, related stories), in one query.

    "More from": the lead author's newest stories. Related: stories sharing a tag,
    newest first, then the newest others in the section, leaving out those already
    listed under "More from". The candidates come marked with the part of the query
    that found them (see story_links_sql.py) and are put in order here.
    """
    tag_ids = [tag.pk for tag in article.tags.all()]
    marks = {}  # story id: the marks of the parts that found it
    rows = {}  # story id: what its link shows
    for mark, pk, *link in story_links_sql.candidates(
        story=article.pk,
        author=lead_author.pk if lead_author else None,
        tags=tag_ids,
        section=article.primary_category_id,
        more_from_author=MORE_FROM_AUTHOR,
        # Enough that some remain after those listed under "More from".
        sharing_tag=MORE_FROM_AUTHOR + RELATED_STORIES,
        # Enough that seven not sharing a tag remain, when fewer than seven share one
        # (when more do, they alone fill the list).
        in_section=2 * (MORE_FROM_AUTHOR + RELATED_STORIES) - 1,
    ):
        marks.setdefault(pk, set()).add(mark)
        rows[pk] = link
    # Newest first: by publish time, then id.
    newest = sorted(rows, key=lambda pk: (rows[pk][2], pk), reverse=True)
    more = [pk for pk in newest if BY_AUTHOR in marks[pk]]
    # Tag-sharers first; sorted() keeps the newest-first order within each group.
    related = sorted(
        (pk for pk in newest if BY_AUTHOR not in marks[pk]),
        key=lambda pk: SHARES_TAG not in marks[pk],
    )[:RELATED_STORIES]
    return (
        [_story_link(pk, *rows[pk]) for pk in more],
        [_story_link(pk, *rows[pk]) for pk in related],
    )


def _story_link(pk, headline, slug, published_at, section_id, name, section_slug):
    """A story to link to, made from its row (only those shown are made)."""
    section = section_id and Category(pk=section_id, name=name, slug=section_slug)
    return Article(
        pk=pk,
        headline=headline,
        slug=slug,
        published_at=published_at,
        primary_category=section or None,
    )
