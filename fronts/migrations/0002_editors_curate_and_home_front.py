from django.db import migrations

from common import role_grants

# Arranging the fronts is an editor's job, not a writer's (articles 0007: the roles).
EDITORS = "Editor"


def editors_curate(apps, schema_editor):
    role_grants.grant(apps, "fronts", {EDITORS: ["curate_front"]})
    # The home page's front is always there to arrange.
    apps.get_model("fronts", "Front").objects.get_or_create(section=None)


def editors_stop_curating(apps, schema_editor):
    role_grants.revoke(apps, "fronts", [EDITORS], codenames=["curate_front"])


class Migration(migrations.Migration):
    dependencies = [
        ("fronts", "0001_initial"),
        ("articles", "0007_writer_and_editor_groups"),
    ]

    operations = [migrations.RunPython(editors_curate, editors_stop_curating)]
