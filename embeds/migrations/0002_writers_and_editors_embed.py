from django.db import migrations

from common import role_grants

# Whoever writes stories may embed in them (the story editor asks the provider
# through the embeds admin); editors may also ask again from the embeds list.
ROLES = {
    "Writer": ["add_embed", "view_embed"],
    "Editor": ["add_embed", "change_embed", "view_embed"],
}


def grant(apps, schema_editor):
    role_grants.grant(apps, "embeds", ROLES)


def revoke(apps, schema_editor):
    role_grants.revoke(apps, "embeds", ROLES)


class Migration(migrations.Migration):
    dependencies = [
        ("embeds", "0001_embed"),
        ("articles", "0007_writer_and_editor_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
