from django.contrib.auth.management import create_permissions
from django.db import migrations

# Writers write and submit; editors do everything on stories. (Photo editor: 0004.)
ROLES = {
    "Writer": {
        "articles": {
            "article": ["add", "change", "view"],
            "byline": ["add", "change", "delete", "view"],
            "author": ["view"],
            "category": ["view"],
            "image": ["view"],
        },
        "taggit": {"tag": ["add", "view"]},
    },
    "Editor": {
        "articles": {
            "article": ["add", "change", "delete", "view", "publish"],
            "byline": ["add", "change", "delete", "view"],
            "correction": ["add", "change", "delete", "view"],
            "author": ["view"],
            "category": ["add", "change", "view"],
            "image": ["view"],
        },
        "taggit": {"tag": ["add", "change", "view"]},
    },
}


def create_roles(apps, schema_editor):
    for label in ["articles", "taggit"]:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, apps_models in ROLES.items():
        group, _ = Group.objects.get_or_create(name=role)
        for app_label, models in apps_models.items():
            codenames = [
                f"{action}_{model}" for model, actions in models.items() for action in actions
            ]
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label=app_label, codename__in=codenames
                )
            )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_workflow_statuses"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
