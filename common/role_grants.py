"""Data migrations giving the newsroom's roles (auth groups) the permissions of an
app's models, and taking them back.

Django makes permissions only after every migration has run (post_migrate), so a
migration that grants them must make them first, for the models as they are at that
point (`apps`, the historical registry). create_permissions() skips an app whose
`models_module` is None, which it is in a historical registry: setting it for the
call is the one way in, kept here rather than in each migration.
"""

from django.contrib.auth.management import create_permissions


def make_permissions(apps, app_label):
    app_config = apps.get_app_config(app_label)
    app_config.models_module = True
    try:
        create_permissions(app_config, verbosity=0, apps=apps)
    finally:
        app_config.models_module = None


def grant(apps, app_label, roles):
    """Give each role (group name) the codenames listed for it in `roles`, of
    `app_label`'s models; the groups are made if missing."""
    make_permissions(apps, app_label)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in roles.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label=app_label, codename__in=codenames
            )
        )


def revoke(apps, app_label, roles, codenames=None):
    """Take back from the roles the permissions of `app_label` (only `codenames`, if
    given)."""
    Permission = apps.get_model("auth", "Permission")
    taken = Permission.objects.filter(content_type__app_label=app_label)
    if codenames is not None:
        taken = taken.filter(codename__in=codenames)
    for group in apps.get_model("auth", "Group").objects.filter(name__in=roles):
        group.permissions.remove(*taken)
