"""
What a live story shows readers: its key updates and its entries, newest first,
fetched in a fixed handful of queries however many entries it has (the entries; their
bylines with authors; their corrections; the pictures and embeds their bodies show,
only if any do), and the *cursor* a reader's page polls from.

The cursor is the newest `modified_at` of the coverage's entries, removed ones
included (a removal is news to an open page too), in microseconds. A page asks for
what changed after it, less CURSOR_OVERLAP: a change saved by a transaction that
committed after a later one is still found, and what comes twice is shown once.
"""

from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from django.conf import settings
from django.db.models import Exists, Max, OuterRef, Q
from django.template.loader import render_to_string

from articles.inline_images import body_image_ids
from articles.models import Author
from live.models import LiveCoverage, LiveEntry
from photos.models import Image

from .story_blocks import embeds_for, render_body

CURSOR_OVERLAP = timedelta(seconds=10)
# A cursor's resolution: a page "before" a moment one tick after an entry's time
# starts with that entry.
ONE_TICK = timedelta(microseconds=1)
# The largest cursor a reader's page may send: far past any real time.
MAX_CURSOR_DIGITS = 17


class LiveParts(NamedTuple):
    """What the page shows of a live story."""

    coverage: object  # LiveCoverage
    entries: list  # shown LiveEntries, newest first: a page of them
    key_updates: list  # the pinned ones, on this page or not
    older: str  # the cursor of the page of older entries, "" if there are none
    is_newest: bool  # the page of the newest entries, which asks for new ones
    images: dict  # image id: Image, for the pictures entries show
    embeds: dict  # address: Embed, for what entries embed
    authors_with_pages: set  # ids of the entries' authors who have a page
    cursor: str
    poll_seconds: float

    @property
    def key_update_links(self):
        return key_update_links(self.key_updates, {e.pk for e in self.entries})

    @property
    def updated_at(self):
        """When the newest entry was posted or edited (None: no entry yet)."""
        times = [e.edited_at or e.published_at for e in self.entries]
        return max(times, default=None)


def to_cursor(moment):
    return str(round(moment.timestamp() * 1_000_000)) if moment else "0"


def from_cursor(text):
    """The moment a cursor names, or None if `text` is not one."""
    if not (text and text.isascii() and text.isdigit()):
        return None
    if len(text) > MAX_CURSOR_DIGITS:
        return None
    return datetime.fromtimestamp(int(text) / 1_000_000, UTC)


def images_of(entries):
    """The library pictures `entries` show, placed or in galleries, in one query
    (none if none show any)."""
    ids = {pk for entry in entries for pk in body_image_ids(entry.body)}
    return Image.objects.in_bulk(ids) if ids else {}


def embeds_of(entries):
    return embeds_for(entry.body for entry in entries)


def authors_with_pages(entries):
    """The ids of `entries`' authors who have an author page (a public story), in
    one query: a guest who only posts entries gets her name, not a link to a 404."""
    ids = {b.author_id for entry in entries for b in entry.bylines.all()}
    if not ids:
        return set()
    return set(
        Author.objects.with_public_stories()
        .filter(pk__in=ids)
        .values_list("pk", flat=True)
    )


def page_start(text):
    """Where a page of older entries starts, from its `?before=`: (moment, id) —
    entries before that moment, or at it with a smaller id (entries posted in the
    same microsecond are not lost between pages) — or (moment, None); None if
    `text` is not one (the newest page)."""
    moment, _, pk = (text or "").partition("-")
    start = from_cursor(moment)
    if start is None:
        return None
    return start, int(pk) if pk.isascii() and pk.isdigit() and len(pk) < 19 else None


def fetch(article, *, before=None):
    """The live parts of `article`'s page, or None if it was never made live: the
    newest NEWSROOM_LIVE_PAGE_ENTRIES entries, or as many older ones from `before`
    (page_start()) on."""
    coverage = getattr(article, "live_coverage", None)
    if coverage is None:
        return None
    entries = LiveEntry.objects.filter(coverage=coverage)
    size = settings.NEWSROOM_LIVE_PAGE_ENTRIES
    page = entries.shown().newest_first()
    if before is not None:
        moment, pk = before
        earlier = Q(published_at__lt=moment)
        if pk:
            earlier |= Q(published_at=moment, pk__lt=pk)
        page = page.filter(earlier)
    shown = list(page.for_page()[: size + 1])
    older = shown[size - 1] if len(shown) > size else None
    shown = shown[:size]
    # The newest change, removals included (a removal is news to an open page).
    newest = entries.aggregate(newest=Max("modified_at"))["newest"]
    return LiveParts(
        coverage=coverage,
        entries=shown,
        key_updates=list(entries.key_updates().newest_first()),
        older=f"{to_cursor(older.published_at)}-{older.pk}" if older else "",
        is_newest=before is None,
        images=images_of(shown),
        embeds=embeds_of(shown),
        authors_with_pages=authors_with_pages(shown),
        cursor=to_cursor(newest),
        poll_seconds=settings.NEWSROOM_LIVE_POLL_SECONDS,
    )


def entry_html(entry, images, embeds):
    """An entry's body for readers, as a story's is rendered. The page loads the
    blocks' script once for every entry, those that arrive later too."""
    return render_body(entry.body, images=images, embeds=embeds, script=False)


def render_entry(entry, *, images, embeds, linked_authors):
    return render_to_string(
        "includes/live_entry.html",
        {
            "entry": entry,
            "images": images,
            "embeds": embeds,
            "linked_authors": linked_authors,
        },
    )


def key_update_links(key_updates, on_page):
    """(entry, address) for each key update: its place on this page (`on_page`:
    the ids of the entries it shows), or the page of older entries it opens."""
    return [
        (
            entry,
            f"#{entry.get_anchor()}"
            if entry.pk in on_page
            else f"?before={to_cursor(entry.published_at + ONE_TICK)}"
            f"#{entry.get_anchor()}",
        )
        for entry in key_updates
    ]


def newest_page_ids(coverage):
    """The ids of the entries the newest page shows (one query)."""
    size = settings.NEWSROOM_LIVE_PAGE_ENTRIES
    entries = LiveEntry.objects.filter(coverage=coverage).shown().newest_first()
    return set(entries.values_list("pk", flat=True)[:size])


def render_key_updates(links):
    return render_to_string("includes/live_key_updates.html", {"links": links})


def with_live_flag(stories):
    """`stories` marked `is_live` while their coverage is open: cards say "Live"."""
    return stories.annotate(
        is_live=Exists(LiveCoverage.objects.open().filter(article=OuterRef("pk")))
    )
