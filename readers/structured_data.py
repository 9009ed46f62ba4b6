"""
Schema.org data for the story page (NewsArticle and BreadcrumbList), built from the same
objects the page shows so that page and metadata cannot disagree.
"""

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone

from embeds import body as embed_markup
from photos.renditions import SPECS

# Social networks and Google ask for pictures about 1,200 px wide.
SOCIAL_WIDTH = 1200
# Google shows news pictures at 16:9, 4:3 and 1:1.
SCHEMA_SPECS = ["lead", "card", "square"]


def iso(value):
    # To the second, as the page's <time datetime> says it (reader_tags.iso_time).
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def widest_up_to(image, spec, limit):
    widths = image.rendition_widths(spec)
    return max([w for w in widths if w <= limit] or [min(widths)])


def social_image(image, request):
    """The 16:9 rendition for Open Graph and Twitter cards, with its pixel size."""
    spec = SPECS["lead"]
    width = widest_up_to(image, spec, SOCIAL_WIDTH)
    pixels = image.rendition_size(spec, width)
    return {
        "url": request.build_absolute_uri(image.get_rendition_url(spec, width)),
        "width": pixels[0],
        "height": pixels[1],
        "alt": image.alt_text,
    }


def publisher(request):
    width, height = settings.NEWSROOM_LOGO_SIZE
    return {
        "@type": "Organization",
        "name": settings.NEWSROOM_SITE_NAME,
        "url": request.build_absolute_uri("/"),
        "logo": {
            "@type": "ImageObject",
            "url": request.build_absolute_uri(static(settings.NEWSROOM_LOGO)),
            "width": width,
            "height": height,
        },
    }


def video_object(embed):
    """A video the story embeds, as its provider described it."""
    data = {
        "@type": "VideoObject",
        "name": embed.title,
        "url": embed.url,
        "provider": {"@type": "Organization", "name": embed.provider_name},
    }
    if embed.thumbnail_url:
        data["thumbnailUrl"] = embed.thumbnail_url
    # Only when the provider says (Vimeo does): the day it was asked is not it.
    uploaded = embed.answer.get("upload_date")
    if isinstance(uploaded, str) and uploaded[:4].isdigit():
        data["uploadDate"] = uploaded
    return data


def videos_of(embeds, body):
    """The videos `body` embeds, where the provider said they are videos;
    `embeds` maps addresses to Embeds (a page's, which may hold more)."""
    found = (embeds.get(url) for url in embed_markup.embed_urls(body))
    return [video_object(e) for e in found if e and e.is_video and e.title]


def news_article(article, request, *, bylines, tags, embeds=None):
    """`article` as a NewsArticle; `bylines`: those credited as its authors."""
    url = request.build_absolute_uri(article.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.headline,
        "description": article.dek,
        "datePublished": iso(article.published_at),
        "dateModified": iso(article.updated_at or article.published_at),
        "author": [
            {
                "@type": "Person",
                "name": byline.author.name,
                "url": request.build_absolute_uri(byline.author.get_absolute_url()),
            }
            for byline in bylines
        ],
        "publisher": publisher(request),
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "keywords": [tag.name for tag in tags],
    }
    videos = videos_of(embeds or {}, article.body)
    if videos:
        data["video"] = videos
    if article.primary_category:
        data["articleSection"] = article.primary_category.name
    if article.lead_image:
        image = article.lead_image
        data["image"] = [
            request.build_absolute_uri(
                image.get_rendition_url(
                    SPECS[name], widest_up_to(image, SPECS[name], SOCIAL_WIDTH)
                )
            )
            for name in SCHEMA_SPECS
        ]
    return data


def breadcrumb_list(article, request):
    crumbs = [(settings.NEWSROOM_SITE_NAME, reverse("articles:home"))]
    if article.primary_category:
        crumbs.append(
            (article.primary_category.name, article.primary_category.get_absolute_url())
        )
    crumbs.append((article.headline, article.get_absolute_url()))
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": name,
                "item": request.build_absolute_uri(path),
            }
            for position, (name, path) in enumerate(crumbs, start=1)
        ],
    }


def live_blog_posting(article, request, *, bylines, tags, embeds, live):
    """A live story: the NewsArticle's data as a LiveBlogPosting, with its coverage
    times and each entry shown as a liveBlogUpdate (a BlogPosting, naming the
    videos it embeds)."""
    data = news_article(article, request, bylines=bylines, tags=tags, embeds=embeds)
    url = data["url"]
    data["@type"] = "LiveBlogPosting"
    data["coverageStartTime"] = iso(live.coverage.started_at)
    if live.coverage.ended_at:
        data["coverageEndTime"] = iso(live.coverage.ended_at)
    if live.updated_at:
        data["dateModified"] = iso(max(live.updated_at, article.published_at))
    data["liveBlogUpdate"] = [
        {
            "@type": "BlogPosting",
            "headline": entry.headline or _first_words(entry.plain_text),
            "url": f"{url}#{entry.get_anchor()}",
            "datePublished": iso(entry.published_at),
            "dateModified": iso(entry.edited_at or entry.published_at),
            "articleBody": entry.plain_text,
            "author": [
                {
                    "@type": "Person",
                    "name": byline.author.name,
                    "url": request.build_absolute_uri(byline.author.get_absolute_url()),
                }
                for byline in entry.bylines.all()
            ],
            **_videos(live.embeds, entry.body),
        }
        for entry in live.entries
    ]
    return data


def _videos(embeds, body):
    videos = videos_of(embeds, body)
    return {"video": videos} if videos else {}


def _first_words(text, limit=110):
    """A headline for an entry without one: its first words, as Google allows."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "…"
