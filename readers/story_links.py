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
to costs one read, not hundreds of queries. A story no longer public (taken down,
deleted) is left out at once; the choice is made again when one of the stories no
longer would be listed where it is (its time, its authors, its tags or its section
changed). Other stories the choice would now take in (a story published since, or
one to take a taken-down story's place) wait for the page's next whole render,
within NEWSROOM_PAGE_CACHE_SECONDS (at the edge too, but for the time it takes to
fetch the page again: the kept page's s-maxage ends then), as they would without
this: a takedown of a
story thousands of pages link to (the newest in its section is "related" on nearly
every story of that section) costs those pages no query.
"""

from typing import NamedTuple

from django.template.loader import render_to_string
from django.utils import timezone

from articles.models import is_public
from delivery import kept_values
from delivery.fragments import fragment, place

from . import dependencies, story_page, story_sql
from .story_page import MORE_FROM_AUTHOR, story_link
from .story_sql import BY_AUTHOR, IN_SECTION, SHARES_TAG

NAME = "story-links"


class Chosen(NamedTuple):
    """A story the block lists, and what listed it there; kept with the page as a
    plain tuple (fragments.place())."""

    pk: int
    mark: str  # BY_AUTHOR ("More from"), SHARES_TAG or IN_SECTION (related)
    published_at: object  # a datetime: the lists' order
    section: int | None  # its section's id (a key of its link)


class Linked(NamedTuple):
    """A story as a links block shows it now, and what decides where it is listed;
    kept in the cache as a plain tuple (kept_values.py)."""

    headline: str
    slug: str
    published_at: object  # a datetime
    section: tuple  # (id, name, slug), or (None, None, None)
    status: str
    expires_at: object  # a datetime or None
    authors: tuple  # ids
    tags: tuple  # ids

    def is_public(self, now):
        """story_sql.PUBLIC, of the story as read."""
        return is_public(self.status, self.published_at, self.expires_at, now)

    def link(self, pk):
        """The StoryLink of story `pk`, as read."""
        section = self.section
        return story_link(pk, self.headline, self.slug, self.published_at, *section)


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
    marks = [BY_AUTHOR] * len(more) + [
        SHARES_TAG if link.pk in sharing_tag else IN_SECTION for link in related
    ]
    chosen = [
        tuple(Chosen(link.pk, mark, link.published_at, link.section_id))
        for link, mark in zip([*more, *related], marks, strict=True)
    ]
    return place(
        NAME,
        rendered_by=lambda: _block(author, more, related),
        story=article.pk,
        section=article.primary_category_id,
        # Shown in the heading; a change to the author renders the page whole.
        author=author,
        tags=tag_ids,
        chosen=chosen,
    )


@fragment(NAME)
def render(*, story, section, author, tags, chosen=None):
    """The block rendered again alone: the stories `chosen` that are public, as
    they are now, or chosen again if they would not all be listed where they are
    (or the page was kept by code that did not keep its choice)."""
    author_id = author and author[0]
    shown = chosen and _as_chosen(chosen, author=author_id, tags=set(tags))
    if not shown:
        *shown, _sharing_tag = story_page.choose_links(
            story=story, section=section, author=author_id, tags=tags
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
    """(more, related) StoryLinks of the `chosen` stories that are public, as they
    are now; None if one of them would now be listed elsewhere."""
    try:
        chosen = [Chosen(*one) for one in chosen]
    except TypeError:  # kept by a version of the code that kept it otherwise
        return None
    found = _linked(chosen)
    now = timezone.now()
    more = [one for one in chosen if one.mark == BY_AUTHOR]
    # Hers, newer than the oldest "More from" lists (or it lists fewer than it
    # may): it would be listed there now.
    oldest_more = min(((one.published_at, one.pk) for one in more), default=None)
    shown = {BY_AUTHOR: [], SHARES_TAG: [], IN_SECTION: []}
    for one in chosen:
        linked = found.get(one.pk)
        if linked is None or not linked.is_public(now):
            continue  # left out; the page's next whole render may fill its place
        if linked.published_at != one.published_at or linked.section[0] != one.section:
            return None
        hers = author in linked.authors
        if one.mark == BY_AUTHOR:
            if not hers:
                return None
        elif bool(tags & set(linked.tags)) != (one.mark == SHARES_TAG) or (
            hers
            and (
                len(more) < MORE_FROM_AUTHOR or (one.published_at, one.pk) > oldest_more
            )
        ):
            return None
        shown[one.mark].append(linked.link(one.pk))
    return shown[BY_AUTHOR], shown[SHARES_TAG] + shown[IN_SECTION]


def _linked(chosen):
    """{id: Linked} of the `chosen` stories: kept, or read (and kept) now."""
    keys = {one.pk: dependencies.link_keys(one.pk, one.section) for one in chosen}
    kept = kept_values.get_many({_name(pk): shown for pk, shown in keys.items()})
    found = {pk: Linked(*kept[_name(pk)]) for pk in keys if _name(pk) in kept}
    missing = [pk for pk in keys if pk not in found]
    if missing:
        # The versions before the read: a change meanwhile makes what is kept old.
        versions = kept_values.versions({key for pk in missing for key in keys[pk]})
        read = _read(missing)
        for one in chosen:
            linked = read.get(one.pk)
            # Kept under the keys of the section it was chosen in, if still in it.
            if linked is not None and linked.section[0] == one.section:
                kept_values.keep(_name(one.pk), tuple(linked), keys[one.pk], versions)
        found.update(read)
    return found


def _read(ids):
    """{id: Linked} of the stories `ids` there are, from the database."""
    rows, authors, tags = {}, {}, {}
    for pk, *story, kind, other in story_sql.linked(ids):
        if kind == "author":
            rows[pk] = story
            if other is not None:
                authors.setdefault(pk, []).append(other)
        else:
            tags.setdefault(pk, []).append(other)
    return {
        pk: Linked(
            headline,
            slug,
            published_at,
            tuple(section),
            status,
            expires_at,
            tuple(authors.get(pk, ())),
            tuple(tags.get(pk, ())),
        )
        for pk, (headline, slug, published_at, status, expires_at, *section) in (
            rows.items()
        )
    }


def _name(pk):
    # Its Linked's fields in the name: a new layout is a new name, not a misread.
    return f"story-link-{len(Linked._fields)}:{pk}"
