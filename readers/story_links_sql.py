"""
The story page's two queries written by hand: the candidates for its "More from" and
"Related stories" lists, and its labels (sections, tags, navigation).

Built with the ORM, the candidates' three sliced parts took some 3 ms of Python to
compile on every uncached story page, about ten times what running the query costs,
and the labels' union about 1 ms; here each is a string with parameters. The first says
what Article.objects.published() says, in SQL: published, the publish time has
passed, and the take-down time (if any) has not. tests/test_story_page_lists.py holds
it to the lists' definitions, drafts, scheduled and taken-down stories included.

Each part is the newest few public stories (other than the page's own) by the lead
author, sharing one of its tags, or in its section, marked with the part's name; an
index answers each, so the cost does not grow with the archive. Parts are wrapped in a
sub-select so that both PostgreSQL and SQLite accept their LIMIT inside a UNION.
"""

import datetime

from django.db import connection
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, Byline, Category, TaggedArticle

BY_AUTHOR, SHARES_TAG, IN_SECTION = "author", "tag", "section"

OTHER_PUBLIC = """
    SELECT %s AS mark, story.id AS id FROM {article} story
    WHERE story.status = %s AND story.published_at <= %s AND story.id <> %s
      AND (story.expires_at IS NULL OR story.expires_at > %s)
"""
NEWEST = "ORDER BY story.published_at DESC, story.id DESC LIMIT %s"
BY_AUTHOR_SQL = "AND story.id IN (SELECT article_id FROM {byline} WHERE author_id = %s)"
SHARING_TAG_SQL = """AND story.id IN (
    SELECT content_object_id FROM {tagged} WHERE tag_id IN ({tags})
)"""
IN_SECTION_SQL = "AND story.primary_category_id = %s"
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
    newest `sharing_tag` sharing one of `tags`, the newest `in_section` in `section`
    (each part left out when its author, tags or section is None or empty)."""
    tables = {
        "article": connection.ops.quote_name(Article._meta.db_table),
        "byline": connection.ops.quote_name(Byline._meta.db_table),
        "category": connection.ops.quote_name(Category._meta.db_table),
        "tagged": connection.ops.quote_name(TaggedArticle._meta.db_table),
    }
    now = timezone.now()
    parts, params = [], []

    def part(mark, condition, condition_params, limit):
        sql = f"{OTHER_PUBLIC} {condition} {NEWEST}".format(**tables)
        parts.append(f"SELECT * FROM ({sql}) {mark}_part")
        params.extend(
            [
                mark,
                Article.Status.PUBLISHED.value,
                now,
                story,
                now,
                *condition_params,
                limit,
            ]
        )

    if author:
        part(BY_AUTHOR, BY_AUTHOR_SQL, [author], more_from_author)
    if tags:
        condition = SHARING_TAG_SQL.replace("{tags}", ", ".join(["%s"] * len(tags)))
        part(SHARES_TAG, condition, tags, sharing_tag)
    if section:
        part(IN_SECTION, IN_SECTION_SQL, [section], in_section)
    if not parts:
        return []
    sql = LINKS.format(parts=" UNION ALL ".join(parts), **tables)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(*row[:4], _aware(row[4]), *row[5:]) for row in cursor.fetchall()]


def _aware(value):
    # SQLite hands back times without their zone (the ORM adds it); they are UTC.
    if timezone.is_naive(value):
        return timezone.make_aware(value, datetime.UTC)
    return value


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
    quote = connection.ops.quote_name
    sql = LABELS.format(
        filed=quote(Article.categories.through._meta.db_table),
        category=quote(Category._meta.db_table),
        tagged=quote(TaggedArticle._meta.db_table),
        tag=quote(Tag._meta.db_table),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [story, True, story])
        return cursor.fetchall()
