"""
The paths of the pages that dependency keys (dependencies.py) name, for an edge that
forgets pages by path and not by key: CloudFront (delivery/purgers.py asks through
NEWSROOM_PURGE_PATHS).

A key gives the pages that are *about* what it names, as far as their address says:
a story's own page; a section's, an author's or a tag's page and feeds; the home
page and the site's feeds for the home page's list; the home or section page a
front's arrangement is shown on; the sitemaps for the list of every story; every
page for the navigation and the site. It cannot give the pages that merely *show*
it: the lists and related blocks of other stories a story appears in (their own
keys, raised by the same change, find the lists' first pages), the bylines of an
author's stories, the pages a picture is shown on beyond the stories it illustrates
and the author it portrays. Nor pages past a list's first, nor search results, nor
the address a story, section, author or tag had before its slug (or a story's date)
changed, which the keys no longer give. Behind such an edge those are as fresh as
NEWSROOM_SHARED_CACHE_SECONDS.
"""

from django.db.models import Q
from django.urls import reverse
from django.utils.encoding import iri_to_uri
from taggit.models import Tag

from articles.models import Article, Author, Category
from live.models import LiveCoverage

from .sitemaps import SITEMAPS

EVERYTHING = "/*"


def paths_for(keys):
    """The paths (sorted) of the pages about what `keys` name; "/*" for every page."""
    ids = {}  # kind: {pk}
    wanted = set()
    for key in keys:
        kind, _, pk = key.rpartition(":")
        if key in ("site", "nav"):
            return [EVERYTHING]
        if key == "front:home":
            wanted.add(reverse("articles:home"))
        elif kind == "front:section" and pk.isdigit():
            ids.setdefault("front", set()).add(int(pk))
        elif key == "list:home":
            wanted |= {reverse("articles:home")}
            wanted |= {reverse("articles:feed"), reverse("articles:feed-atom")}
        elif key == "list:all":
            wanted.add(reverse("articles:sitemap"))
            wanted |= {
                reverse("articles:sitemap-section", args=[name]) for name in SITEMAPS
            }
        elif pk.isdigit():
            # section:3 and list:section:3 name the same pages here.
            ids.setdefault(kind.removeprefix("list:"), set()).add(int(pk))
    wanted |= _story_paths(ids.get("story", ()))
    wanted |= _live_paths(ids.get("live", ()), ids.get("story", ()))
    wanted |= _picture_paths(ids.get("image", ()))
    for section in Category.objects.filter(pk__in=ids.get("section", ())):
        wanted |= _with_feeds(section.get_absolute_url(), "section", section.slug)
    for section in Category.objects.filter(pk__in=ids.get("front", ())):
        wanted.add(section.get_absolute_url())  # its front is on its page alone
    for author in Author.objects.filter(pk__in=ids.get("author", ())):
        wanted |= _with_feeds(author.get_absolute_url(), "author", author.slug)
    for tag in Tag.objects.filter(pk__in=ids.get("tag", ())):
        wanted.add(reverse("articles:tag", args=[tag.slug]))
    return sorted(iri_to_uri(path) for path in wanted)


def _with_feeds(page, kind, slug):
    return {
        page,
        reverse(f"articles:{kind}-feed", args=[slug]),
        reverse(f"articles:{kind}-feed-atom", args=[slug]),
    }


def _story_paths(pks):
    # Public or not: a story just taken down must leave its address too. (A deleted
    # story's address is lost with it; unpublish first what must go at once.)
    stories = Article.objects.filter(pk__in=pks, published_at__isnull=False)
    return {story.get_absolute_url() for story in stories.only("slug", "published_at")}


def _live_paths(live_pks, story_pks):
    """A live story's page (for its live key), and its updates and entries feed
    (for its live key, and its story key: a story taken down takes them too)."""
    if not (live_pks or story_pks):
        return set()
    paths = _story_paths(live_pks)
    live = LiveCoverage.objects.filter(article__in={*live_pks, *story_pks})
    for pk in live.values_list("article_id", flat=True):
        # Every ?since= of the updates, with a wildcard.
        paths.add(reverse("articles:live-updates", args=[pk]) + "*")
        paths.add(reverse("articles:live-feed", args=[pk]))
    return paths


def _picture_paths(pks):
    """The pages of the public stories a picture illustrates, and of the author it
    portrays."""
    if not pks:
        return set()
    stories = (
        Article.objects.published()
        .filter(
            Q(lead_image__in=pks)
            | Q(social_image__in=pks)
            | Q(inline_image_links__image__in=pks)
        )
        .distinct()
    )
    paths = {story.get_absolute_url() for story in stories.only("slug", "published_at")}
    for author in Author.objects.with_public_stories().filter(headshot__in=pks):
        paths.add(author.get_absolute_url())
    return paths
