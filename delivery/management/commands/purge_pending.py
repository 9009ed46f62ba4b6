from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from delivery import purge
from delivery.models import Invalidation


class Command(BaseCommand):
    help = (
        "Send the edge (NEWSROOM_PURGERS) the purges waiting in the invalidation "
        "outbox, now, and say what is left. Exits with 1 if an edge refused them; "
        "the log says why. The app servers' purge threads send them anyway, retrying "
        "for as long as it takes."
    )

    def handle(self, *args, **options):
        waiting = Invalidation.objects.applied().unpurged()
        before = waiting.count()
        if not purge.configured_purgers():
            self.stdout.write("No edge to purge (NEWSROOM_PURGERS is empty).")
        purge.send_pending()
        left = waiting.count()
        self.stdout.write(f"Sent: {max(before - left, 0)} change(s).")
        unapplied = Invalidation.objects.pending().count()
        if unapplied:
            self.stdout.write(
                f"Not yet applied to the page cache (is it reachable?): {unapplied} "
                "change(s); they are purged at the edge once applied."
            )
        if left:
            oldest = waiting.order_by("pk").values_list("created_at", flat=True)[0]
            raise CommandError(
                f"Still waiting for the edge: {left} change(s), the oldest from "
                f"{timezone.localtime(oldest):%Y-%m-%d %H:%M:%S %Z}. The log above "
                "says what the edge answered."
            )
        self.stdout.write("Nothing is waiting for the edge.")
