"""A database made before the photo library moved to its own app (photos) migrates in
place, and back: pictures, renditions and the stories that use them, the content
types, the permissions the groups hold and django-reversion's records, all kept."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("articles", "0015_wordless_tags_get_slugs"), ("photos", None)]


def migrate(targets):
    """Migrate to `targets`; the models as they then are."""
    MigrationExecutor(connection).migrate(targets)
    ContentType.objects.clear_cache()
    loader = MigrationExecutor(connection).loader
    named = {app for app, _name in targets}
    state = [node for node in loader.graph.leaf_nodes() if node[0] not in named]
    state += [target for target in targets if target[1] is not None]
    return loader.project_state(state).apps


def latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_move_migrates_in_place_and_back():
    old = migrate(BEFORE)
    image = old.get_model("articles", "Image").objects.create(
        file="images/2026/11/abc123-harbor.jpg", width=1200, height=800, credit="A/B"
    )
    old.get_model("articles", "Rendition").objects.create(
        image=image, spec="card", width=400, format="jpg", version="v1", file="r.jpg"
    )
    story = old.get_model("articles", "Article").objects.create(
        headline="Harbor", slug="harbor", lead_image=image, social_image=image
    )
    old_type = old.get_model("contenttypes", "ContentType").objects.get(
        app_label="articles", model="image"
    )
    old.get_model("reversion", "Version").objects.create(
        revision=old.get_model("reversion", "Revision").objects.create(
            date_created="2026-11-30T12:00:00Z", comment="Uploaded."
        ),
        object_id=str(image.pk),
        content_type=old_type,
        db="default",
        format="json",
        serialized_data="[]",
        object_repr="Harbor",
    )
    group_permissions = sorted(
        old.get_model("auth", "Group")
        .objects.get(name="Photo editor")
        .permissions.filter(content_type=old_type)
        .values_list("codename", flat=True)
    )
    assert group_permissions == [
        "add_image",
        "change_image",
        "delete_image",
        "view_image",
    ]

    new = migrate(latest())

    moved = new.get_model("photos", "Image").objects.get(pk=image.pk)
    assert (moved.file, moved.credit) == ("images/2026/11/abc123-harbor.jpg", "A/B")
    assert moved.renditions.get().spec == "card"
    article = new.get_model("articles", "Article").objects.get(pk=story.pk)
    assert article.lead_image_id == article.social_image_id == image.pk
    kinds = new.get_model("contenttypes", "ContentType").objects
    new_type = kinds.get(app_label="photos", model="image")
    assert new_type.pk == old_type.pk
    assert not kinds.filter(app_label="articles", model__in=["image", "rendition"])
    version = new.get_model("reversion", "Version").objects.get(object_id=image.pk)
    assert version.content_type_id == new_type.pk
    assert group_permissions == sorted(
        new.get_model("auth", "Group")
        .objects.get(name="Photo editor")
        .permissions.filter(content_type=new_type)
        .values_list("codename", flat=True)
    )

    back = migrate(BEFORE)
    assert back.get_model("articles", "Image").objects.get(pk=image.pk).width == 1200
    kinds = back.get_model("contenttypes", "ContentType").objects
    assert kinds.get(app_label="articles", model="image").pk == old_type.pk

    migrate(latest())
