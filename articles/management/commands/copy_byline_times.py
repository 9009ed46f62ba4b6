from django.core.management.base import BaseCommand
from django.db.models import F

from articles.models import Byline


class Command(BaseCommand):
    help = (
        "Give each byline its story's publish time again (Byline.published_at, "
        'which the story page\'s "More from" reads). Saving a story or a byline '
        "keeps it in step, and the migration that added it filled it once; run "
        "this after a deploy whose old processes published or credited stories "
        "between the migration and their restart, or after rows were changed "
        "behind the models' back."
    )

    def handle(self, *args, **options):
        stale = Byline.objects.exclude(published_at=F("article__published_at"))
        count = stale.copy_publish_times()
        self.stdout.write(f"Bylines given their story's publish time: {count}.")
