"""What delivery keeps in the database: the outbox of invalidations."""

from django.db import models
from django.db.models import Q
from django.utils import timezone


class InvalidationQuerySet(models.QuerySet):
    def pending(self):
        """Invalidations committed but not yet applied to the cache."""
        return self.filter(applied_at__isnull=True)

    def applied(self):
        return self.filter(applied_at__isnull=False)

    def unpurged(self):
        """Invalidations the edge has not yet been told of."""
        return self.filter(purged_at__isnull=True)


class Invalidation(models.Model):
    """A change public pages must show, recorded in the same transaction as the
    change itself, so that it is applied to the cache even if the cache was down,
    or the process died, when the change was committed (see outbox.py)."""

    # Space-separated dependency keys (keys.py) of the pages that show what changed;
    # "site" is every page.
    keys = models.TextField(default="site")
    # Taken down (unpublished, deleted): pages showing it are never served stale.
    hard = models.BooleanField(default=False)
    # What changed, for the keys no one can name before the change is applied: the
    # function NEWSROOM_MATCHED_KEYS names turns it into keys then (the searches kept
    # at that moment that find a changed story), and they join `keys` above.
    changed = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    applied_at = models.DateTimeField(null=True, blank=True)
    # The cache's sequence once the keys were raised (page_cache.bump): a cache
    # whose sequence is below it has lost the change (restored from an older
    # snapshot). None: applied before this was recorded.
    applied_sequence = models.BigIntegerField(null=True, blank=True)
    # When the edge was told to purge the keys (purge.py); None: not yet.
    purged_at = models.DateTimeField(null=True, blank=True)

    objects = InvalidationQuerySet.as_manager()

    class Meta:
        indexes = [
            # Checked every second or so: a handful of rows, or none.
            models.Index(
                fields=["id"],
                condition=Q(applied_at__isnull=True),
                name="invalidation_pending_idx",
            ),
            models.Index(
                fields=["id"],
                condition=Q(purged_at__isnull=True),
                name="invalidation_unpurged_idx",
            ),
        ]

    def __str__(self):
        state = "applied" if self.applied_at else "pending"
        return f"Invalidation {self.pk} of {self.keys} ({state})"
