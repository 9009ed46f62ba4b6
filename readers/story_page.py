"""
What the story page shows, fetched in a fixed handful of queries, however many
authors, categories, tags and pictures the story has:

1. the story, with its section, pictures and bylines with their authors (and
   whether it has corrections or live coverage): story_sql.story_row;
2. its live coverage, only if it has any (live_page.py reads its entries);
3. its labels: the categories it is filed under, its tags and the site's navigation
   sections, all small rows of the same shape, in one query;
4. the pictures placed in its body, only if it places any;
5. its corrections, only if it has any;
6. "More from" its lead author and related stories, in one query.

What comes back from 3 and 6 is made into small value objects (SectionLink, TagLink,
StoryLink), not model instances missing most of their fields.
"""

from typing import NamedTuple

from articles.inline_images import body_image_ids
from articles.models import Byline, Correction, InlineImage, story_path
from common.links import link

from . import story_sql
from .story_blocks import embeds_for
from .story_sql import BY_AUTHOR, SHARES_TAG

MORE_FROM_AUTHOR = 3
RELATED_STORIES = 4


class SectionLink(NamedTuple):
    """A section to link to."""

    pk: int
    name: str
    slug: str

    def get_absolute_url(self):
        return link("articles:section", self.slug)


class TagLink(NamedTuple):
    """A tag to link to."""

    pk: int
    name: str
    slug: str

    def get_absolute_url(self):
        return link("articles:tag", self.slug)


class StoryLink(NamedTuple):
    """A story to link to: its headline, section and time."""

    pk: int
    headline: str
    slug: str
    published_at: object  # a datetime
    primary_category: SectionLink | None

    @property
    def section_id(self):
        return self.primary_category and self.primary_category.pk

    def get_absolute_url(self):
        return story_path(self.pk, self.slug, self.published_at)


class StoryParts(NamedTuple):
    """What the page shows around the story's own row."""

    bylines: list  # Bylines with their authors, in the editor's order
    filed_under: list  # SectionLinks: the primary section first
    tags: list  # TagLinks
    corrections: list  # Corrections, oldest first
    placed_images: dict  # image id: Image, for the pictures placed in the body
    navigation: list  # SectionLinks of the site's header
    embeds: dict = {}  # address: Embed, for the embeds in the body

    def author_bylines(self):
        """Bylines credited as authors (Article.author_bylines)."""
        return Byline.authors_of(self.bylines)

    def author_bios(self):
        """The one-line bios of everyone credited (Byline.bios_of)."""
        return Byline.bios_of(self.bylines)


def fetch_parts(article, bylines):
    """The story's labels, placed pictures and corrections, and the site's
    navigation sections (see the module's docstring); `bylines`: its bylines, as
    story_sql.story_row read them."""
    further, tags, navigation = fetch_labels(article)
    primary = article.primary_category
    filed_under = [
        *([SectionLink(primary.pk, primary.name, primary.slug)] if primary else []),
        *(section for section in further if section.pk != article.primary_category_id),
    ]
    # Most stories place no picture and have no correction: not asked for then.
    placed_images = {}
    if body_image_ids(article.body):
        placed_images = {
            placed.image_id: placed.image
            for placed in InlineImage.objects.filter(article=article).select_related(
                "image"
            )
        }
    corrections = (
        list(Correction.objects.filter(article=article))
        if getattr(article, "has_corrections", True)
        else []
    )
    embeds = embeds_for([article.body])
    return StoryParts(
        bylines, filed_under, tags, corrections, placed_images, navigation, embeds
    )


def fetch_labels(article):
    """(further categories, tags, navigation sections) of `article`, in one query
    (story_sql.labels)."""
    further, tag_list, sections = [], [], []
    rows = story_sql.labels(story=article.pk)
    # A handful of rows, put in order here: by position, then by name as a reader
    # sorts it (case aside), whatever the database's collation.
    for kind, pk, name, slug, _position in sorted(
        rows, key=lambda row: (row[4], row[2].casefold())
    ):
        if kind == "tag":
            tag_list.append(TagLink(pk, name, slug))
        else:
            (sections if kind == "navigation" else further).append(
                SectionLink(pk, name, slug)
            )
    return further, tag_list, sections


def choose_links(*, story, section, author, tags):
    """("More from" the lead author, related stories, the ids of the related that
    share one of the tags) of the story with id `story` filed in `section` (an id),
    led by `author` (an id) and tagged `tags` (ids), in one query.

    "More from": the lead author's newest stories. Related: stories sharing a tag,
    newest first, then the newest others in the section, leaving out those already
    listed under "More from". The candidates come marked with the part of the query
    that found them (see story_sql.py) and are put in order here.
    """
    marks = {}  # story id: the marks of the parts that found it
    rows = {}  # story id: what its link shows
    for mark, pk, *shown in story_sql.candidates(
        story=story,
        author=author,
        tags=tags,
        section=section,
        more_from_author=MORE_FROM_AUTHOR,
        # Enough that some remain after those listed under "More from".
        sharing_tag=MORE_FROM_AUTHOR + RELATED_STORIES,
        # Enough that seven not sharing a tag remain, when fewer than seven share one
        # (when more do, they alone fill the list).
        in_section=2 * (MORE_FROM_AUTHOR + RELATED_STORIES) - 1,
    ):
        marks.setdefault(pk, set()).add(mark)
        rows[pk] = shown
    # Newest first: by publish time, then id.
    newest = sorted(rows, key=lambda pk: (rows[pk][2], pk), reverse=True)
    more = [pk for pk in newest if BY_AUTHOR in marks[pk]]
    # Tag-sharers first; sorted() keeps the newest-first order within each group.
    related = sorted(
        (pk for pk in newest if BY_AUTHOR not in marks[pk]),
        key=lambda pk: SHARES_TAG not in marks[pk],
    )[:RELATED_STORIES]
    return (
        [story_link(pk, *rows[pk]) for pk in more],
        [story_link(pk, *rows[pk]) for pk in related],
        {pk for pk in related if SHARES_TAG in marks[pk]},
    )


def story_link(pk, headline, slug, published_at, section_id, name, section_slug):
    """A story to link to, made from its row (only those shown are made)."""
    section = SectionLink(section_id, name, section_slug) if section_id else None
    return StoryLink(pk, headline, slug, published_at, section)
