from django.db import migrations

from common import role_grants

# Writers post and edit their own entries; editors run the desk (live/rules.py).
ROLES = {
    "Writer": [
        "view_livecoverage",
        "add_liveentry",
        "change_liveentry",
        "view_liveentry",
    ],
    "Editor": [
        "add_livecoverage",
        "change_livecoverage",
        "view_livecoverage",
        "add_liveentry",
        "change_liveentry",
        "view_liveentry",
    ],
}


def grant(apps, schema_editor):
    role_grants.grant(apps, "live", ROLES)


def revoke(apps, schema_editor):
    role_grants.revoke(apps, "live", ROLES)


class Migration(migrations.Migration):
    dependencies = [
        ("live", "0001_live_coverage_and_entries"),
        ("articles", "0007_writer_and_editor_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
