"""
Schema.org data for the story page (NewsArticle and BreadcrumbList), built from the same
objects the page shows so that page and metadata cannot disagree.
"""

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone


def iso(value):
    return timezone.localtime(value).isoformat() if value else None


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


def news_article(article, request):
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
            for byline in article.author_bylines()
        ],
        "publisher": publisher(request),
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "keywords": [tag.name for tag in article.tags.all()],
    }
    if article.primary_category:
        data["articleSection"] = article.primary_category.name
    if article.lead_image:
        data["image"] = [request.build_absolute_uri(article.lead_image.file.url)]
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
