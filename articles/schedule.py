"""When public pages next change with no one saving anything: the next scheduled
publication. The page cache asks (the setting NEWSROOM_NEXT_PUBLICATION names
next_publication), so that no page is served, or kept by a browser or a CDN, past it."""

from django.utils import timezone

from .models import Article


def next_publication():
    """When the next scheduled story goes public, or None."""
    return (
        Article.objects.filter(
            status=Article.Status.PUBLISHED, published_at__gt=timezone.now()
        )
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
