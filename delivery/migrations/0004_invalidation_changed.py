from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("delivery", "0003_applied_sequence"),
    ]

    operations = [
        migrations.AddField(
            model_name="invalidation",
            name="changed",
            field=models.JSONField(blank=True, null=True),
        ),
    ]
