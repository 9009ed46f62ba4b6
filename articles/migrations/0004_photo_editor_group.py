from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Photo editor"
# The photo desk runs the library and the people pages, and never touches stories.
PERMISSIONS = {
    "image": ["add", "change", "delete", "view"],
    "rendition": ["view", "delete"],
    "author": ["add", "change", "view"],
}


def create_group(apps, schema_editor):
    # Permissions are normally made after all migrations; make them now to assign them,
    # for the models as they are at this point (apps: the historical ones).
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    codenames = [
        f"{action}_{model}" for model, actions in PERMISSIONS.items() for action in actions
    ]
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="articles", codename__in=codenames)
    )


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_photo_library"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
