"""Writers and editors add pictures to the library themselves (a writer uploads her
own photo), and change the ones they added (ImageAdmin.has_change_permission);
changing anyone's picture and deleting stay with the photo desk (0004)."""

from django.db import migrations

from common import role_grants

GRANTS = {"Writer": ["add_image", "view_image"], "Editor": ["add_image", "view_image"]}


def grant(apps, schema_editor):
    role_grants.grant(apps, "photos", GRANTS)


def revoke(apps, schema_editor):
    role_grants.revoke(apps, "photos", GRANTS, codenames=["add_image"])


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0020_working_copies"),
        ("photos", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
