from django.contrib.auth.management import create_permissions
from django.db import migrations

# Writers post and edit their own entries; editors run the desk (live/rules.py).
ROLES = {
    "Writer": {
        "livecoverage": ["view"],
        "liveentry": ["add", "change", "view"],
    },
    "Editor": {
        "livecoverage": ["add", "change", "view"],
        "liveentry": ["add", "change", "view"],
    },
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("live")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, models in ROLES.items():
        group, _ = Group.objects.get_or_create(name=role)
        codenames = [
            f"{action}_{model}" for model, actions in models.items() for action in actions
        ]
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="live", codename__in=codenames
            )
        )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="live")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("live", "0001_live_coverage_and_entries"),
        ("articles", "0007_writer_and_editor_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
