"""When public pages next change with no one saving anything: the next scheduled
publication or take-down. The page cache asks (the setting NEWSROOM_NEXT_PUBLICATION
names next_publication), so that no page is served, or kept by a browser or a CDN,
past it."""

from django.utils import timezone

from .models import Article


def next_publication():
    """When the next scheduled story goes public, or the next public one comes
    down, whichever is sooner; None if neither is scheduled."""
    now = timezone.now()
    published = Article.objects.filter(status=Article.Status.PUBLISHED)
    going_up = (
        published.filter(published_at__gt=now)
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    coming_down = (
        published.filter(expires_at__gt=now)
        .order_by("expires_at")
        .values_list("expires_at", flat=True)
        .first()
    )
    return min((when for when in (going_up, coming_down) if when), default=None)
