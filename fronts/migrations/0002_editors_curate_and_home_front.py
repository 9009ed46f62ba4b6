from django.contrib.auth.management import create_permissions
from django.db import migrations

# Arranging the fronts is an editor's job, not a writer's (articles 0007: the roles).
EDITORS = "Editor"


def editors_curate(apps, schema_editor):
    app_config = apps.get_app_config("fronts")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    editors.permissions.add(
        Permission.objects.get(
            content_type__app_label="fronts", codename="curate_front"
        )
    )
    # The home page's front is always there to arrange.
    apps.get_model("fronts", "Front").objects.get_or_create(section=None)


def editors_stop_curating(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name=EDITORS):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="fronts", codename="curate_front"
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("fronts", "0001_initial"),
        ("articles", "0007_writer_and_editor_groups"),
    ]

    operations = [migrations.RunPython(editors_curate, editors_stop_curating)]
