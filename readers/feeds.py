"""
RSS 2.0 and Atom feeds of public stories: the whole site, a section, an author.

Each item carries the dek as summary, the full body as content, every author, the
categories and tags, publication and update times, and the lead image as media:content.

Readers render some fields as HTML and show others as text, so every field is one or
the other: descriptions, summaries and content (HTML in RSS and in Atom's type="html")
carry escaped text or the sanitised body; titles, names and categories are text.
"""

import copy
import datetime
import functools

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape, format_html

from articles.models import Article, Author, Category, InlineImage
from articles.sanitize import xml_text
from delivery.keys import depends_on
from delivery.page_cache import public_page
from photos.renditions import SPECS

from . import dependencies, story_blocks
from .structured_data import social_image, widest_up_to

FEED_LENGTH = 30
FEED_IMAGE_WIDTH = 800
MEDIA_NS = "http://search.yahoo.com/mrss/"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"


EMPTY_FEED_DATE = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


class StoryFeedMixin:
    """Writes the elements Django's generators leave out: content, authors, image;
    and keeps every field to characters XML can carry."""

    def __init__(self, *args, **kwargs):
        super().__init__(*xml_text(args), **xml_text(kwargs))

    def latest_post_date(self):
        # Django's says "now" for a feed with no story, so that an empty feed would
        # change every second, its ETag with it: it has not changed since ever.
        if not self.items:
            return EMPTY_FEED_DATE
        return super().latest_post_date()

    def add_item(self, *args, **kwargs):
        super().add_item(*xml_text(args), **xml_text(kwargs))

    def write_story_elements(self, handler, item):
        image = item.get("image")
        if image:
            handler.addQuickElement(
                "media:content",
                attrs={
                    "url": image["url"],
                    "medium": "image",
                    "type": "image/jpeg",
                    "width": str(image["width"]),
                    "height": str(image["height"]),
                },
            )


class StoryRssFeed(StoryFeedMixin, Rss201rev2Feed):
    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:content": CONTENT_NS,
            "xmlns:dc": DC_NS,
            "xmlns:media": MEDIA_NS,
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name in item["author_names"]:
            handler.addQuickElement("dc:creator", name)
        handler.addQuickElement("content:encoded", item["content"])
        self.write_story_elements(handler, item)


class StoryAtomFeed(StoryFeedMixin, Atom1Feed):
    def root_attributes(self):
        return {**super().root_attributes(), "xmlns:media": MEDIA_NS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name, url in item["authors"]:
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            handler.addQuickElement("uri", url)
            handler.endElement("author")
        handler.addQuickElement("content", item["content"], {"type": "html"})
        self.write_story_elements(handler, item)


def feed_body(body, images, request):
    """A clean body as feed readers can show it (story_blocks.for_feeds), each
    picture one JPEG with full URLs, and its caption and credit; `images` maps
    picture ids to Images."""
    spec = SPECS["inline"]

    def render(image, placement):
        width = widest_up_to(image, spec, FEED_IMAGE_WIDTH)
        pixels = image.rendition_size(spec, width)
        caption = placement.caption or image.caption
        words = " ".join(filter(None, [caption, image.credit]))
        return format_html(
            '<figure><img src="{}" width="{}" height="{}" alt="{}">'
            "<figcaption>{}</figcaption></figure>",
            request.build_absolute_uri(image.get_rendition_url(spec, width)),
            pixels[0],
            pixels[1],
            image.alt_text,
            words,
        )

    return story_blocks.for_feeds(body, images=images, render_picture=render)


class LatestStoriesFeed(Feed):
    """The newest public stories of the whole site."""

    feed_type = StoryRssFeed

    def title(self, obj=None):
        return settings.NEWSROOM_SITE_NAME

    def description(self, obj=None):
        # RSS's <description> is HTML to readers; Atom's <subtitle> is text.
        return escape(self.subtitle(obj))

    def subtitle(self, obj=None):
        return settings.NEWSROOM_SITE_DESCRIPTION

    def link(self, obj=None):
        return "/"

    def get_stories(self, obj):
        return Article.objects.all()

    def list_keys(self, obj):
        """The dependency keys of the feed's list (readers/dependencies.py)."""
        return [dependencies.HOME]

    def items(self, obj=None):
        stories = list(
            self.get_stories(obj)
            .published()
            .for_listing(keep=["body"])
            .prefetch_related(
                "categories",
                "tags",
                Prefetch(
                    "inline_image_links",
                    queryset=InlineImage.objects.select_related("image"),
                ),
            )[:FEED_LENGTH]
        )
        depends_on(*self.list_keys(obj))
        dependencies.record_cards(stories)
        for story in stories:
            depends_on(
                dependencies.story(story.pk),  # its whole body, not only its card
                *(dependencies.section(c.pk) for c in story.categories.all()),
                *(dependencies.tag(t.pk) for t in story.tags.all()),
                *(
                    dependencies.image(i.image_id)
                    for i in story.inline_image_links.all()
                ),
            )
        return stories

    def item_title(self, article):
        return article.headline

    def item_description(self, article):
        # The dek is text; readers render RSS's <description> and Atom's
        # <summary type="html"> as HTML, so it goes out escaped.
        return escape(article.dek)

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return article.updated_at or article.published_at

    def item_categories(self, article):
        return [c.name for c in article.filed_under()] + [
            t.name for t in article.tags.all()
        ]

    def item_extra_kwargs(self, article):
        request = self.request
        image = article.lead_image
        return {
            "content": self.body_with_pictures(article),
            "author_names": [b.author.name for b in article.author_bylines()],
            "authors": [
                (b.author.name, request.build_absolute_uri(b.author.get_absolute_url()))
                for b in article.author_bylines()
            ],
            # The same 16:9 picture the story page and its social cards show.
            "image": image and social_image(image, request),
        }

    def body_with_pictures(self, article):
        images = {
            link.image_id: link.image for link in article.inline_image_links.all()
        }
        return feed_body(article.body, images, self.request)

    def __call__(self, request, *args, **kwargs):
        # One Feed instance serves every request (and thread): give each request its own
        # copy to hold the request, which absolute author and image URLs need.
        feed = copy.copy(self)
        feed.request = request
        view = functools.partial(super(LatestStoriesFeed, feed).__call__)
        return public_page(view)(request, *args, **kwargs)


class LatestStoriesAtomFeed(LatestStoriesFeed):
    feed_type = StoryAtomFeed


class SectionFeed(LatestStoriesFeed):
    """The newest public stories filed under one section."""

    def get_object(self, request, slug):
        return get_object_or_404(Category.objects.shown_to_public(), slug=slug)

    def title(self, section):
        return f"{section.name} | {settings.NEWSROOM_SITE_NAME}"

    def subtitle(self, section):
        return (
            section.description or f"{section.name} from {settings.NEWSROOM_SITE_NAME}"
        )

    def link(self, section):
        return section.get_absolute_url()

    def get_stories(self, section):
        return Article.objects.in_section(section)

    def list_keys(self, section):
        return [dependencies.section(section.pk), dependencies.section_list(section.pk)]


class SectionAtomFeed(SectionFeed):
    feed_type = StoryAtomFeed


class AuthorFeed(LatestStoriesFeed):
    """The newest public stories bylined by one author."""

    def get_object(self, request, slug):
        return get_object_or_404(Author.objects.with_public_stories(), slug=slug)

    def title(self, author):
        return f"{author.name} | {settings.NEWSROOM_SITE_NAME}"

    def subtitle(self, author):
        return author.short_bio or f"Stories by {author.name}"

    def link(self, author):
        return author.get_absolute_url()

    def get_stories(self, author):
        return Article.objects.by_author(author)

    def list_keys(self, author):
        return [dependencies.author(author.pk), dependencies.author_list(author.pk)]


class AuthorAtomFeed(AuthorFeed):
    feed_type = StoryAtomFeed
