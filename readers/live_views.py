"""
A live story's public endpoints: what changed since a cursor (for the page's
script, live.js) and the feed of its entries.

Both are public pages (delivery/page_cache.py): cached, with an ETag (a page that
asks again with nothing new gets 304), and recording the story's live key, which an
entry's change raises, so that an entry every 30 s renders these and the story page
again, and nothing else on the site.
"""

import copy
import functools

from django.contrib.syndication.views import Feed
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from articles.models import Article
from delivery.keys import depends_on
from delivery.page_cache import public_page
from live.models import LiveEntry

from . import dependencies, live_page
from .feeds import StoryAtomFeed, feed_body

FEED_LENGTH = 50


def live_story(pk):
    """The public story `pk` and its coverage; 404 if either is missing."""
    article = get_object_or_404(
        Article.objects.published().select_related("live_coverage"), pk=pk
    )
    coverage = getattr(article, "live_coverage", None)
    if coverage is None:
        raise Http404("This story has no live coverage.")
    return article, coverage


@require_GET
@public_page
def live_updates(request, pk):
    """What changed in the coverage after `?since=` (a cursor the page was given):
    each entry posted, edited, pinned, corrected or removed, as the page's own
    HTML, with the key updates and the cursor to ask from next."""
    article, coverage = live_story(pk)
    since = live_page.from_cursor(request.GET.get("since", "0"))
    if since is None:
        return JsonResponse(
            {"error": _("“since” is a cursor from the page: digits only.")},
            status=400,
        )
    depends_on(dependencies.story(article.pk), dependencies.live(article.pk))
    changed = list(
        LiveEntry.objects.filter(coverage=coverage)
        .changed_since(since - live_page.CURSOR_OVERLAP)
        .newest_first()
        .for_page()
    )
    shown = [entry for entry in changed if not entry.is_removed]
    images = live_page.images_of(shown)
    embeds = live_page.embeds_of(shown)
    linked = live_page.authors_with_pages(shown)
    dependencies.record_live_entries(shown, images)
    newest = max((entry.modified_at for entry in changed), default=None)
    key_updates, on_page = [], set()
    if changed:
        on_page = live_page.newest_page_ids(coverage)
        key_updates = live_page.key_update_links(
            LiveEntry.objects.filter(coverage=coverage).key_updates().newest_first(),
            on_page,
        )
    return JsonResponse(
        {
            "cursor": live_page.to_cursor(max(filter(None, [newest, since]))),
            "open": coverage.is_open,
            "entries": [
                {
                    "id": entry.pk,
                    "removed": entry.is_removed,
                    "version": live_page.to_cursor(entry.modified_at),
                    "order": live_page.to_cursor(entry.published_at),
                    # An older entry edited, pinned or corrected: a page that does
                    # not show it does not add it (it is on an older page).
                    "older": not entry.is_removed and entry.pk not in on_page,
                    "html": ""
                    if entry.is_removed
                    else live_page.render_entry(
                        entry, images=images, embeds=embeds, linked_authors=linked
                    ),
                }
                for entry in changed
            ],
            "key_updates": live_page.render_key_updates(key_updates),
        }
    )


class LiveEntriesFeed(Feed):
    """A live story's newest entries, each an item of its own (Atom): the story's
    item in the site's feeds stays one story, and stays cached while entries come."""

    feed_type = StoryAtomFeed

    def get_object(self, request, pk):
        return live_story(pk)

    def title(self, obj):
        article, _coverage = obj
        return _("Live: %(headline)s") % {"headline": article.headline}

    def subtitle(self, obj):
        return obj[0].dek

    def link(self, obj):
        return obj[0].get_absolute_url()

    def feed_guid(self, obj):
        return self.request.build_absolute_uri(self.link(obj))

    def items(self, obj):
        article, coverage = obj
        depends_on(dependencies.story(article.pk), dependencies.live(article.pk))
        entries = list(
            LiveEntry.objects.filter(coverage=coverage)
            .shown()
            .newest_first()
            .for_page()[:FEED_LENGTH]
        )
        self.images = live_page.images_of(entries)
        dependencies.record_live_entries(entries, self.images)
        self.story_url = article.get_absolute_url()
        return entries

    def item_title(self, entry):
        return entry.headline or entry.plain_text[:80]

    def item_link(self, entry):
        return f"{self.story_url}#{entry.get_anchor()}"

    def item_guid(self, entry):
        return self.request.build_absolute_uri(self.item_link(entry))

    def item_guid_is_permalink(self, entry):
        return True

    def item_description(self, entry):
        return format_html("{}", entry.plain_text[:300])

    def item_pubdate(self, entry):
        return entry.published_at

    def item_updateddate(self, entry):
        return entry.edited_at or entry.published_at

    def item_extra_kwargs(self, entry):
        request = self.request
        bylines = list(entry.bylines.all())
        corrections = format_html_join(
            "",
            "<p><strong>{}</strong>: {}</p>",
            ((_("Correction"), c.text) for c in entry.corrections.all()),
        )
        return {
            "content": feed_body(entry.body, self.images, request) + corrections,
            "author_names": [b.author.name for b in bylines],
            "authors": [
                (b.author.name, request.build_absolute_uri(b.author.get_absolute_url()))
                for b in bylines
            ],
            "image": None,
        }

    def __call__(self, request, *args, **kwargs):
        # One instance serves every request: each gets a copy holding its request.
        feed = copy.copy(self)
        feed.request = request
        view = functools.partial(super(LiveEntriesFeed, feed).__call__)
        return public_page(view)(request, *args, **kwargs)
