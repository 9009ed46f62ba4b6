from django.core.management.base import BaseCommand
from django.db.models import F

from articles.models import Byline, TaggedArticle


class Command(BaseCommand):
    help = (
        "Give each byline and each tag on a story its story's publish time again "
        "(Byline.published_at, TaggedArticle.published_at, which an author's and a "
        "tag's newest stories are read from). Saving a story, a byline or a tag "
        "keeps them in step, and the migrations that added them filled them once; "
        "run this after a deploy whose old processes published, credited or tagged "
        "stories between the migration and their restart, or after rows were "
        "changed behind the models' back."
    )

    def handle(self, *args, **options):
        for model, story, name in (
            (Byline, "article", "Bylines"),
            (TaggedArticle, "content_object", "Tags on stories"),
        ):
            # Rows of stories with no time (drafts) hold none: not stale.
            stale = model.objects.exclude(
                published_at=F(f"{story}__published_at")
            ).exclude(published_at=None, **{f"{story}__published_at": None})
            count = stale.copy_publish_times()
            self.stdout.write(f"{name} given their story's publish time: {count}.")
