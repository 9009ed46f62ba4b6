"""
The story page's "More from" and "Related stories" block, a fragment of the page
(delivery/fragments.py): when a story it links to gets a new headline, is taken
down, or moves section, the page cache renders this block again and puts it in the
page it keeps, rather than rendering the whole story page again.

Which stories the block lists is chosen once, with the page (story_page.py's one
query), and kept with the fragment's arguments: rendered again alone, the block
lists the same stories as they are now, each link read from the database once a
change to its story and kept for every page that shows it
(delivery/kept_values.py), so that a new headline on a story hundreds of pages link
to costs one read, not hundreds of queries. The choice is made again when one of
the stories is no longer public, or no longer would be listed where it is (its
time, its authors, its tags or its section changed). Other stories the choice
would now take in (a story published since) wait for the page's next whole render,
within NEWSROOM_PAGE_CACHE_SECONDS, as they would without this.
"""

from typing import NamedTuple

from django.template.loader import render_to_string
from django.utils import timezone

from articles.models import Article
from delivery import kept_values
from delivery.fragments import fragment, place

from . import dependencies, story_page, story_sql
from .story_page import StoryLink, story_link

NAME = "story-links"
# How each chosen story is listed.
MORE_FROM, SHARES_TAG, IN_SECTION = "more", "tag", "section"


class Chosen(NamedTuple):
    """A story the block lists, and what listed it there."""

    pk: int
    listed: str  # MORE_FROM, SHARES_TAG or IN_SECTION
    published_at: object  # a datetime: the lists' order
    section: int | None  # its section's id (a key of its link)


class Linked(NamedTuple):
    """A story as a links block shows it now, and what decides where it is listed."""

    link: StoryLink
    status: str
    expires_at: object  # a datetime or None
    authors: frozenset
    tags: frozenset

    def is_public(self, now):
        return (
            self.status == Article.Status.PUBLISHED
            and self.link.published_at <= now
            and (self.expires_at is None or self.expires_at > now)
        )


def links_of(article, lead_author, tags):
    """The block's HTML for `article`'s page, placed as a fragment of it."""
    author = lead_author and (
        lead_author.pk,
        lead_author.name,
        lead_author.get_absolute_url(),
    )
    tag_ids = [tag.pk for tag in tags]
    more, related, sharing_tag = story_page.choose_links(
        story=article.pk,
        section=article.primary_category_id,
        author=author and author[0],
        tags=tag_ids,
    )
    chosen = [
        Chosen(link.pk, MORE_FROM, link.published_at, _section(link)) for link in more
    ] + [
        Chosen(
            link.pk,
            SHARES_TAG if link.pk in sharing_tag else IN_SECTION,
            link.published_at,
            _section(link),
        )
        for link in related
    ]
    return place(
        NAME,
        now=lambda: _block(author, more, related),
        story=article.pk,
        section=article.primary_category_id,
        # Shown in the heading; a change to the author renders the page whole.
        author=author,
        tags=tag_ids,
        chosen=chosen,
    )


@fragment(NAME)
def render(*, story, section, author, tags, chosen=None):
    """The block rendered again alone: the stories `chosen` as they are now, or
    chosen again if they would not all be listed where they are (or a page kept
    before choices were kept with it says none)."""
    shown = chosen and _as_chosen(chosen, author=author and author[0], tags=set(tags))
    if not shown:
        shown = story_page.more_and_related(
            story=story, section=section, author=author and author[0], tags=tags
        )
    return _block(author, *shown)


def _block(author, more, related):
    author_id, author_name, author_url = author or (None, "", "")
    dependencies.record_links(author_id, [*more, *related])
    return render_to_string(
        "includes/story_extras.html",
        {
            "more_from_author": more,
            "related_stories": related,
            "author_name": author_name,
            "author_url": author_url,
        },
    )


def _as_chosen(chosen, *, author, tags):
    """(more, related) StoryLinks of the `chosen` stories as they are now; None if
    one of them is no longer public or no longer would be listed where it is."""
    found = _linked(chosen)
    now = timezone.now()
    more, related = [], []
    for one in chosen:
        linked = found.get(one.pk)
        if (
            linked is None
            or not linked.is_public(now)
            or linked.link.published_at != one.published_at
            or _section(linked.link) != one.section
            or (author in linked.authors) != (one.listed == MORE_FROM)
        ):
            return None
        if one.listed != MORE_FROM and bool(tags & linked.tags) != (
            one.listed == SHARES_TAG
        ):
            return None
        (more if one.listed == MORE_FROM else related).append(linked.link)
    return more, related


def _linked(chosen):
    """{id: Linked} of the `chosen` stories: kept, or read (and kept) now."""
    sections = {one.pk: one.section for one in chosen}
    keys = {pk: _keys(pk, section) for pk, section in sections.items()}
    kept = kept_values.get_many({_name(pk): shown for pk, shown in keys.items()})
    found = {pk: kept[_name(pk)] for pk in keys if _name(pk) in kept}
    missing = [pk for pk in keys if pk not in found]
    if missing:
        # The versions before the read: a change meanwhile makes what is kept old.
        versions = kept_values.versions({key for pk in missing for key in keys[pk]})
        read = _read(missing)
        for pk, linked in read.items():
            # Kept under the keys of the section it was chosen in, if still in it.
            if _section(linked.link) == sections[pk]:
                kept_values.keep(_name(pk), linked, keys[pk], versions)
        found.update(read)
    return found


def _read(ids):
    """{id: Linked} of the stories `ids` there are, from the database."""
    rows, authors, tags = {}, {}, {}
    for pk, *story, kind, other in story_sql.linked(ids):
        if kind == "author":
            rows[pk] = story
            if other is not None:
                authors.setdefault(pk, set()).add(other)
        else:
            tags.setdefault(pk, set()).add(other)
    return {
        pk: Linked(
            story_link(pk, headline, slug, published_at, *section),
            status,
            expires_at,
            frozenset(authors.get(pk, ())),
            frozenset(tags.get(pk, ())),
        )
        for pk, (headline, slug, published_at, status, expires_at, *section) in (
            rows.items()
        )
    }


def _section(link):
    """The id of the section of the StoryLink `link`, or None."""
    return link.primary_category and link.primary_category.pk


def _keys(pk, section):
    """The keys of what a story's link shows (record_links says the same)."""
    if section is None:
        return (dependencies.card(pk),)
    return dependencies.card(pk), dependencies.section(section)


def _name(pk):
    return f"story-link:{pk}"
