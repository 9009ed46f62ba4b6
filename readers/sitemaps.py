from datetime import timedelta

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.db.models.functions import Coalesce
from django.utils import timezone

from articles.models import Article, Author, Category

# Google News reads only stories from the last two days.
NEWS_WINDOW = timedelta(hours=48)


class LatestStoryMixin:
    def lastmod(self, article):
        # What the story page and its JSON-LD call dateModified.
        return article.updated_at or article.published_at

    def get_latest_lastmod(self):
        # For the sitemap index: asked of the database, not by reading every story
        # (Django's default), which a large archive cannot afford.
        return self.items().aggregate(
            latest=Max(Coalesce("updated_at", "published_at"))
        )["latest"]


class StorySitemap(LatestStoryMixin, Sitemap):
    changefreq = "daily"
    limit = 5000

    def items(self):
        return Article.objects.published().only(
            "pk", "slug", "published_at", "updated_at"
        )


class NewsSitemap(LatestStoryMixin, Sitemap):
    """Stories of the last 48 hours, rendered with the Google News tags."""

    limit = 1000  # Google News reads at most 1,000 URLs a sitemap

    def items(self):
        since = timezone.now() - NEWS_WINDOW
        return Article.objects.published().filter(published_at__gte=since)


class SectionSitemap(Sitemap):
    changefreq = "hourly"

    def items(self):
        return Category.objects.with_public_stories()


class AuthorSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return Author.objects.with_public_stories()


SITEMAPS = {
    "stories": StorySitemap,
    "news": NewsSitemap,
    "sections": SectionSitemap,
    "authors": AuthorSitemap,
}
