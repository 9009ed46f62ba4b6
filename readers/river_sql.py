"""
A tag's and an author's rivers read by hand: a page of their public stories, newest
first, each with what its card shows (its section, lead picture, bylines with their
authors, and whether its coverage is live), in one query.

Built with the ORM (ArticleQuerySet.for_listing, live_page.with_live_flag), a page
of twenty cost about a third of the page's Python on the news day's machine, most of
it compiling the river's query with its live flag's subquery, then its bylines'
prefetch: some 5 ms of a 15 ms page. The story page's row was made quicker the same
way (story_sql.py); these pages are the next most rendered on a news day, each of
the archive's tags and authors visited once or twice (bench/NEWSDAY.md).

The stories read are what the ORM reads: the page's part is the same condition and
order as Article.objects.tagged(tag) or .by_author(author), .published(); the
stories' fields are those for_listing() reads (their bulk deferred), and so are
their sections', pictures', bylines' and authors'. tests/test_river_sql.py holds
them to it, drafts, scheduled and taken-down stories included.
"""

import functools
from itertools import groupby

from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from articles.models import Article, Author, Byline, Category
from articles.models.content import BULKY_FIELDS
from common import prepared
from photos.models import Image

from .sql_rows import PUBLIC, parts, public_params, tables

TAGGED, BY_AUTHOR = "tagged", "by_author"

# The page's stories, with what they are ordered by (`at`), as the querysets order
# them: by the stories' publish times, read from the tag's (her bylines') copies of
# them, which one index holds for it, newest first (TaggedArticle.published_at,
# Byline.published_at). PostgreSQL plans such a page once, whatever the tag: from the
# stories' own times, a common tag's page was found by walking the archive's newest
# stories and a rare tag's by sorting all of its own, and it planned each page again
# to choose.
PAGES = {
    TAGGED: f"""
        SELECT story.id AS id, tagged.published_at AS at
        FROM {{tagged}} tagged JOIN {{article}} story
          ON story.id = tagged.content_object_id
        WHERE tagged.tag_id = %s AND tagged.published_at <= %s AND {PUBLIC}
        ORDER BY tagged.published_at DESC, tagged.content_object_id DESC
        LIMIT %s OFFSET %s
    """,
    BY_AUTHOR: f"""
        SELECT story.id AS id, byline.published_at AS at
        FROM {{byline}} byline JOIN {{article}} story ON story.id = byline.article_id
        WHERE byline.author_id = %s AND byline.published_at <= %s AND {PUBLIC}
        ORDER BY byline.published_at DESC, byline.article_id DESC LIMIT %s OFFSET %s
    """,
}
# One row a byline (a story has a handful), each carrying its story's card.
CARDS = """
    SELECT {columns},
           EXISTS (SELECT 1 FROM {live} live
                   WHERE live.article_id = story.id AND live.ended_at IS NULL)
    FROM ({page}) page
    JOIN {article} story ON story.id = page.id
    LEFT JOIN {category} section ON section.id = story.primary_category_id
    LEFT JOIN {image} lead ON lead.id = story.lead_image_id
    LEFT JOIN {byline} byline ON byline.article_id = story.id
    LEFT JOIN {author} author ON author.id = byline.author_id
    ORDER BY page.at DESC, page.id DESC, byline.position, byline.id
"""

STORY, SECTION, LEAD, BYLINE, AUTHOR = parts(
    (
        "story",
        Article,
        [f for f in Article._meta.concrete_fields if f.name not in BULKY_FIELDS],
    ),
    ("section", Category, Category._meta.concrete_fields),
    ("lead", Image, Image._meta.concrete_fields),
    ("byline", Byline, Byline._meta.concrete_fields),
    ("author", Author, Author._meta.concrete_fields),
)


def cards(river, subject, *, offset, limit):
    """Public stories of `river` (TAGGED: the tag with the id `subject`; BY_AUTHOR:
    the author with that id), newest first, `limit` of them from `offset`: each
    Article with its section and lead picture attached, `is_live` set, and its
    bylines, their authors attached, as `listed_bylines`."""
    now = timezone.now()
    params = [subject, now, *public_params(now), limit, offset]
    # Asked for once: each attribute of django.db.connection is a lookup of it.
    db = connections[DEFAULT_DB_ALIAS]
    with db.cursor() as cursor:
        prepared.execute(cursor, db, f"river_{river}", _sql(db.vendor, river), params)
        rows = cursor.fetchall()
    made = {}

    def shared(part, row):
        # A river shows few sections, pictures and authors, each on many of its
        # stories: each is made once a page (a model instance costs more to make
        # than its card takes to print, when kept: reader_tags.story_card).
        key = (part.alias, row[part.start])
        if key not in made:
            made[key] = part.instance(row, db)
        return made[key]

    stories = []
    for _, story_rows in groupby(rows, key=lambda row: row[STORY.start]):
        first, *rest = story_rows
        story = STORY.instance(first, db)
        # Attached as select_related() attaches them: no query when they are read.
        story.primary_category = shared(SECTION, first)
        story.lead_image = shared(LEAD, first)
        story.is_live = bool(first[-1])
        story.listed_bylines = []
        for row in (first, *rest):
            byline = BYLINE.instance(row, db)
            if byline is not None:
                byline.author = shared(AUTHOR, row)
                story.listed_bylines.append(byline)
        stories.append(story)
    return stories


@functools.cache
def _sql(vendor, river):
    names = tables(vendor)
    return CARDS.format(
        columns=", ".join(
            column
            for part in (STORY, SECTION, LEAD, BYLINE, AUTHOR)
            for column in part.columns()
        ),
        page=PAGES[river].format(**names),
        **names,
    )


class River:
    """A river's stories as a paginator reads them: sliced, each slice one query
    (cards()). Its order is the query's."""

    ordered = True

    def __init__(self, river, subject):
        self.river, self.subject = river, subject

    @classmethod
    def tagged(cls, tag):
        return cls(TAGGED, tag.pk)

    @classmethod
    def by_author(cls, author):
        return cls(BY_AUTHOR, author.pk)

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step is not None:
            raise TypeError("A river is read a slice at a time.")
        start, stop = index.start or 0, index.stop
        return cards(self.river, self.subject, offset=start, limit=stop - start)
