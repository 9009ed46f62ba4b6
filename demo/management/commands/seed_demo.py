from django.core.management.base import BaseCommand

from articles.models import Article
from demo.seed import seed_demo


class Command(BaseCommand):
    help = (
        "Create the demo newsroom: sections, authors with headshots, and stories with "
        "lead images. Creates only what is missing, so it is safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if the database already holds any story.",
        )

    def handle(self, *args, if_empty=False, **options):
        if if_empty and Article.objects.exists():
            self.stdout.write(
                "The database already has stories; demo content not added."
            )
            return
        report = seed_demo()
        created = (
            f"{report.categories} categories, {report.authors} authors, "
            f"{report.articles} stories and {report.images} images"
        )
        message = f"Demo content created: {created}."
        if report.skipped:
            message += f" {len(report.skipped)} stories were already there."
        self.stdout.write(self.style.SUCCESS(message))
