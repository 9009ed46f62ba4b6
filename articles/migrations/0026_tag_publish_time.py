from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_publish_times(apps, schema_editor):
    """Each tag's copy of its story's publish time (TaggedArticle.published_at)."""
    Article = apps.get_model("articles", "Article")
    TaggedArticle = apps.get_model("articles", "TaggedArticle")
    TaggedArticle.objects.update(
        published_at=Subquery(
            Article.objects.filter(pk=OuterRef("content_object_id")).values(
                "published_at"
            )
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0025_takedown_time_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="taggedarticle",
            name="published_at",
            field=models.DateTimeField(
                editable=False, null=True, verbose_name="published at"
            ),
        ),
        migrations.RunPython(copy_publish_times, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="taggedarticle",
            index=models.Index(
                fields=["tag", "-published_at", "-content_object"],
                name="tagged_article_newest_idx",
            ),
        ),
    ]
