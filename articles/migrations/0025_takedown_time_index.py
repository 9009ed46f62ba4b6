from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0024_byline_publish_time"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(("expires_at__isnull", False)),
                fields=["status", "expires_at"],
                name="article_takedown_idx",
            ),
        ),
    ]
