from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_publish_times(apps, schema_editor):
    """Each byline's copy of its story's publish time (Byline.published_at)."""
    Article = apps.get_model("articles", "Article")
    Byline = apps.get_model("articles", "Byline")
    Byline.objects.update(
        published_at=Subquery(
            Article.objects.filter(pk=OuterRef("article_id")).values("published_at")
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0023_pending_changes"),
    ]

    operations = [
        migrations.AddField(
            model_name="byline",
            name="published_at",
            field=models.DateTimeField(
                editable=False, null=True, verbose_name="published at"
            ),
        ),
        migrations.RunPython(copy_publish_times, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="byline",
            index=models.Index(
                fields=["author", "-published_at", "-article"],
                name="byline_author_newest_idx",
            ),
        ),
    ]
