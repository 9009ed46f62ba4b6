from django.contrib.auth.management import create_permissions
from django.db import migrations

# Whoever writes stories may embed in them (the story editor asks the provider
# through the embeds admin); editors may also ask again from the embeds list.
ROLES = {
    "Writer": ["add_embed", "view_embed"],
    "Editor": ["add_embed", "change_embed", "view_embed"],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("embeds")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="embeds", codename__in=codenames
            )
        )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="embeds")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("embeds", "0001_embed"),
        ("articles", "0007_writer_and_editor_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
