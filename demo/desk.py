"""The writing desk's demo: what the story editor's newer tools show in `make run`."""

from datetime import timedelta

from django.utils import timezone

from articles.models import Article


def seed_desk(*, now):
    """One live story scheduled to come down (the story list's "Coming down"
    filter): the oldest, at 6pm a fortnight on, unless one already is."""
    if Article.objects.filter(expires_at__isnull=False).exists():
        return
    oldest = Article.objects.published().order_by("published_at").first()
    if oldest is None:
        return
    down = timezone.localtime(now) + timedelta(days=14)
    oldest.expires_at = down.replace(hour=18, minute=0, second=0, microsecond=0)
    oldest.save(update_fields=["expires_at"])
