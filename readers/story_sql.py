"""
The story page's queries written by hand: the story with what it shows of its own
(section, pictures, live coverage, bylines with their authors), the candidates for its
"More from" and "Related stories" lists, and its labels (sections, tags, navigation).

Built with the ORM, these took most of an uncached story page's Python: the story's
four joins, its bylines' prefetch and its corrections flag some 9 ms to compile and
build on the news day's machine, against half a millisecond here; the candidates'
three sliced parts some 3 ms, about ten times what running the query costs; the
labels' union about 1 ms. Here each is a string with parameters, and the story's
rows are made into model instances with Model.from_db(), as the ORM makes them
(their values converted as the ORM converts them: common/orm_values.py).
PUBLIC (sql_rows.py) says what Article.objects.published() says, in SQL.
tests/test_story_page_lists.py and tests/test_story_sql.py hold these to the ORM's
definitions, drafts, scheduled and taken-down stories included.

Each candidates part is the newest few public stories (other than the page's own) by
the lead author, with one of its tags (a part for each), or in its section, marked
with the part's name; an index answers each, so the cost does not grow with the
archive, nor with how common a tag is. Parts are
wrapped in a sub-select so that both PostgreSQL and SQLite accept their LIMIT inside
a UNION.
"""

import functools
from typing import NamedTuple

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils import timezone

from articles.models import Article, Author, Byline, Category
from articles.models.content import BULKY_FIELDS
from common import prepared
from common.orm_values import converter
from photos.models import Image

from .sql_rows import PUBLIC, parts, public_params, tables

BY_AUTHOR, SHARES_TAG, IN_SECTION = "author", "tag", "section"

IN_SECTION_PART = f"""
    SELECT %s AS mark, story.id AS id FROM {{article}} story
    WHERE {PUBLIC} AND story.id <> %s AND story.primary_category_id = %s
    ORDER BY story.published_at DESC, story.id DESC LIMIT %s
"""


def newest_linked(table, subject, story):
    """The part of an author's (a tag's) newest stories: read from her bylines (its
    tags on stories) newest first, which keep their story's publish time
    (Byline.published_at, TaggedArticle.published_at) in one index, not from the
    archive's newest probed for her byline: a few index entries, rather than some
    1,400 stories for an author with 220 in 100,000 (bench/EXPLAIN.md), or all of a
    rare tag's stories sorted. PUBLIC still decides what is shown."""
    return f"""
        SELECT %s AS mark, story.id AS id FROM {{{table}}} link
        JOIN {{article}} story ON story.id = link.{story}
        WHERE link.{subject} = %s AND link.published_at <= %s
          AND {PUBLIC} AND story.id <> %s
        ORDER BY link.published_at DESC, link.{story} DESC LIMIT %s
    """


BY_AUTHOR_PART = newest_linked("byline", "author_id", "article_id")
SHARING_TAG_PART = newest_linked("tagged", "tag_id", "content_object_id")
LINKS = """
    SELECT part.mark, story.id, story.headline, story.slug, story.published_at,
           section.id, section.name, section.slug
    FROM ({parts}) part
    JOIN {article} story ON story.id = part.id
    LEFT JOIN {category} section ON section.id = story.primary_category_id
"""


def candidates(
    *, story, author, tags, section, more_from_author, sharing_tag, in_section
):
    """Rows of (mark, id, headline, slug, published_at, section id, section name,
    section slug): the newest `more_from_author` public stories by `author`, the
    newest `sharing_tag` with each of `tags` (a story with two of them comes twice;
    among them are the newest `sharing_tag` sharing one), the newest `in_section`
    in `section` (each part left out when its author, tags or section is None or
    empty)."""
    names = tables(connection.vendor)
    now = timezone.now()
    selects, params = [], []

    def linked(mark, sql, subject, limit):
        selects.append(f"SELECT * FROM ({sql.format(**names)}) {mark}_part")
        params.extend([mark, subject, now, *public_params(now), story, limit])

    if author:
        linked(BY_AUTHOR, BY_AUTHOR_PART, author, more_from_author)
    for tag in tags or ():
        linked(SHARES_TAG, SHARING_TAG_PART, tag, sharing_tag)
    if section:
        sql = IN_SECTION_PART.format(**names)
        selects.append(f"SELECT * FROM ({sql}) {IN_SECTION}_part")
        params.extend([IN_SECTION, *public_params(now), story, section, in_section])
    if not selects:
        return []
    sql = LINKS.format(parts=" UNION ALL ".join(selects), **names)
    db = connections[DEFAULT_DB_ALIAS]
    # One statement for each shape the query takes: the parts present, and how
    # many tags are asked for.
    shape = f"{bool(author):d}_{len(tags or ())}_{bool(section):d}"
    with db.cursor() as cursor:
        prepared.execute(cursor, db, f"story_links_{shape}", sql, params)
        rows = cursor.fetchall()
    convert = converter(Article._meta.get_field("published_at"), db)
    if convert is None:
        return rows
    return [(*row[:4], convert(row[4]), *row[5:]) for row in rows]


# Stories a links block lists, as they are now (story_links.py reads them once a
# change, not once a page): what a link shows, whether the story is public, and
# what would list it (its authors and tags), a row for each author and each tag.
LINKED = """
    SELECT linked.id, linked.headline, linked.slug, linked.published_at,
           linked.status, linked.expires_at, section.id, section.name, section.slug,
           'author', byline.author_id
    FROM {article} linked
    LEFT JOIN {category} section ON section.id = linked.primary_category_id
    LEFT JOIN {byline} byline ON byline.article_id = linked.id
    WHERE linked.id IN ({ids})
    UNION ALL
    SELECT tagged.content_object_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
           'tag', tagged.tag_id
    FROM {tagged} tagged WHERE tagged.content_object_id IN ({ids})
"""


def linked(ids):
    """Rows of (id, headline, slug, published_at, status, expires_at, section id,
    section name, section slug, "author" or "tag", an author's or a tag's id) of the
    stories `ids`: one for each byline (all but the last two None on tags' rows)."""
    db = connections[DEFAULT_DB_ALIAS]
    sql = LINKED.format(ids=", ".join(["%s"] * len(ids)), **tables(db.vendor))
    with db.cursor() as cursor:
        cursor.execute(sql, [*ids, *ids])
        rows = cursor.fetchall()
    published, expires = (
        converter(Article._meta.get_field(name), db) or (lambda value: value)
        for name in ("published_at", "expires_at")
    )
    return [
        (*row[:3], published(row[3]), row[4], expires(row[5]), *row[6:]) for row in rows
    ]


LABELS = """
    SELECT 'filed', section.id, section.name, section.slug, section.position
    FROM {filed} filed JOIN {category} section ON section.id = filed.category_id
    WHERE filed.article_id = %s
    UNION ALL
    SELECT 'navigation', section.id, section.name, section.slug, section.position
    FROM {category} section WHERE section.is_in_navigation = %s
    UNION ALL
    SELECT 'tag', tag.id, tag.name, tag.slug, 0
    FROM {tagged} tagged JOIN {tag} tag ON tag.id = tagged.tag_id
    WHERE tagged.content_object_id = %s
"""


def labels(*, story):
    """Rows of (kind, id, name, slug, position): the sections `story` is filed under
    further ("filed"), the site's navigation sections ("navigation"), and its tags
    ("tag"), in no order."""
    db = connections[DEFAULT_DB_ALIAS]
    with db.cursor() as cursor:
        prepared.execute(
            cursor, db, "story_labels", _labels_sql(db.vendor), [story, True, story]
        )
        return cursor.fetchall()


@functools.cache
def _labels_sql(vendor):
    return LABELS.format(**tables(vendor))


# The story's own row leaves out its bulk but the body (Article.without_bulk).
STORY_FIELDS = [
    field
    for field in Article._meta.concrete_fields
    if field.name == "body" or field.name not in BULKY_FIELDS
]
# The largest id a story can have (a BigAutoField's).
MAX_ID = 2**63 - 1
# One row a byline (a story has a handful), each carrying the story and what it shows.
# Live coverage is asked as EXISTS, not joined: each join more costs PostgreSQL's
# planner more than the query's run (a join more here, 0.8 ms of planning a page).
# The body, most of the row's bytes, comes on the first row only rather than once a
# byline (the story is read from the first row).
FIRST_ROW_ONLY = """CASE
           WHEN ROW_NUMBER() OVER (ORDER BY byline.position, byline.id) = 1
           THEN {column} END"""
STORY = """
    SELECT {columns},
           EXISTS (SELECT 1 FROM {live} live WHERE live.article_id = story.id),
           EXISTS (SELECT 1 FROM {correction} note WHERE note.article_id = story.id)
    FROM {article} story
    LEFT JOIN {category} section ON section.id = story.primary_category_id
    LEFT JOIN {image} lead ON lead.id = story.lead_image_id
    LEFT JOIN {image} social ON social.id = story.social_image_id
    LEFT JOIN {byline} byline ON byline.article_id = story.id
    LEFT JOIN {author} author ON author.id = byline.author_id
    WHERE story.id = %s {public}
    ORDER BY byline.position, byline.id
"""


STORY_PART, SECTION, LEAD, SOCIAL, BYLINE, AUTHOR = parts(
    ("story", Article, STORY_FIELDS),
    ("section", Category, Category._meta.concrete_fields),
    ("lead", Image, Image._meta.concrete_fields),
    ("social", Image, Image._meta.concrete_fields),
    ("byline", Byline, Byline._meta.concrete_fields),
    ("author", Author, Author._meta.concrete_fields),
)


class StoryRow(NamedTuple):
    """A story as its page shows it: the Article, with its section and pictures
    attached and `has_corrections` and `has_live_coverage` set; and its bylines,
    each with its author attached, in the editor's order."""

    article: Article
    bylines: list


def story_row(pk, *, public=True):
    """Story `pk` with what its page shows of its own (StoryRow), in one query; None
    if there is no such story (or, if `public`, it is not public)."""
    # An id out of the column's range (a tampered address) would fail the query.
    if not isinstance(pk, int) or not 0 < pk <= MAX_ID:
        return None
    params = [pk, *(public_params(timezone.now()) if public else [])]
    # Asked for once: each attribute of django.db.connection is a lookup of it.
    db = connections[DEFAULT_DB_ALIAS]
    with db.cursor() as cursor:
        prepared.execute(
            cursor,
            db,
            "story_row_public" if public else "story_row",
            _story_sql(db.vendor, public),
            params,
        )
        rows = cursor.fetchall()
    if not rows:
        return None
    first = rows[0]
    article = STORY_PART.instance(first, db)
    # Attached as select_related() attaches them: no query when they are read.
    article.primary_category = SECTION.instance(first, db)
    article.lead_image = LEAD.instance(first, db)
    article.social_image = SOCIAL.instance(first, db)
    *_, has_live_coverage, has_corrections = first
    article.has_live_coverage = bool(has_live_coverage)
    article.has_corrections = bool(has_corrections)
    bylines = []
    for row in rows:
        byline = BYLINE.instance(row, db)
        if byline is not None:
            byline.author = AUTHOR.instance(row, db)
            bylines.append(byline)
    return StoryRow(article, bylines)


@functools.cache
def _story_sql(vendor, public):
    """STORY for the database `vendor`, with the public condition or without."""
    quote = connection.ops.quote_name

    def column(part, field):
        name = f"{part.alias}.{quote(field.column)}"
        if part is STORY_PART and field.name == "body":
            return FIRST_ROW_ONLY.format(column=name)
        return name

    return STORY.format(
        columns=", ".join(
            column(part, field)
            for part in (STORY_PART, SECTION, LEAD, SOCIAL, BYLINE, AUTHOR)
            for field in part.fields
        ),
        public=f"AND {PUBLIC}" if public else "",
        **tables(vendor),
    )
