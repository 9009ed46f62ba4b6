"""When a front next changes with no one saving anything: the next scheduled
arrangement's time. With articles/schedule.py, what the page cache asks (through
readers.dependencies.next_scheduled_change), so that no page outlives it."""

from datetime import timedelta

from django.utils import timezone

from .models import Arrangement, Front


def next_go_live():
    """When the next scheduled arrangement goes live, or None."""
    return (
        Arrangement.objects.scheduled().values_list("goes_live_at", flat=True).first()
    )


def fronts_gone_live(since):
    """The fronts whose scheduled arrangement went live after `since` (and by now)."""
    return Front.objects.filter(
        arrangements__goes_live_at__gt=since - timedelta(seconds=1),
        arrangements__goes_live_at__lte=timezone.now(),
    ).distinct()
