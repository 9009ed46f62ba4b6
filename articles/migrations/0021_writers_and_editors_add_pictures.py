"""Writers and editors add pictures to the library themselves (a writer uploads her
own photo), and change the ones they added (ImageAdmin.has_change_permission);
changing anyone's picture and deleting stay with the photo desk (0004)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {"Writer": ["add_image", "view_image"], "Editor": ["add_image", "view_image"]}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("photos")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="photos", codename__in=codenames
            )
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    added = Permission.objects.filter(
        content_type__app_label="photos", codename="add_image"
    )
    for group in Group.objects.filter(name__in=GRANTS):
        group.permissions.remove(*added)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0020_working_copies"),
        ("photos", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
