"""A database made before the photo library moved to its own app (photos) migrates in
place, and back: pictures, renditions and the stories that use them, the content
types, the permissions the groups hold and django-reversion's records, all kept."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# Live coverage came after the move, and builds on both apps: not there yet.
BEFORE = [
    ("articles", "0015_wordless_tags_get_slugs"),
    ("photos", None),
    ("live", None),
]


def migrate(targets):
    """Migrate to `targets`; the models as they then are: as the migrations applied
    now make them (going back unapplies those of other apps that depend on a later
    state, the front pages' or the notes', say)."""
    MigrationExecutor(connection).migrate(targets)
    ContentType.objects.clear_cache()
    loader = MigrationExecutor(connection).loader
    applied = [node for node in loader.applied_migrations if node in loader.graph.nodes]
    return loader.project_state(applied).apps


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
    # A group holding the library's permissions (the migrations' own groups may be
    # gone: tests that commit empty every table after them).
    desk = old.get_model("auth", "Group").objects.create(name="Picture desk")
    desk.permissions.set(
        old.get_model("auth", "Permission").objects.filter(content_type=old_type)
    )
    group_permissions = sorted(desk.permissions.values_list("codename", flat=True))
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
        .objects.get(name="Picture desk")
        .permissions.filter(content_type=new_type)
        .values_list("codename", flat=True)
    )

    back = migrate(BEFORE)
    assert back.get_model("articles", "Image").objects.get(pk=image.pk).width == 1200
    kinds = back.get_model("contenttypes", "ContentType").objects
    assert kinds.get(app_label="articles", model="image").pk == old_type.pk

    migrate(latest())


BEFORE_TAGS = [("articles", "0016_library_moved_to_photos")]


@pytest.mark.django_db(transaction=True)
def test_tags_move_to_a_real_foreign_key_with_their_versions_and_back():
    """Every tag link keeps its id; the versions kept of them are rewritten, so
    restoring an old version of a story still brings its tags back."""
    old = migrate(BEFORE_TAGS)
    kinds = old.get_model("contenttypes", "ContentType").objects
    story_type = kinds.get_or_create(app_label="articles", model="article")[0]
    link_type = kinds.get_or_create(app_label="taggit", model="taggeditem")[0]
    story = old.get_model("articles", "Article").objects.create(
        headline="Harbor", slug="harbor"
    )
    harbor, ferries = (
        old.get_model("taggit", "Tag").objects.create(name=name, slug=name)
        for name in ["harbor", "ferries"]
    )
    TaggedItem = old.get_model("taggit", "TaggedItem")
    links = [
        TaggedItem.objects.create(tag=tag, content_type=story_type, object_id=story.pk)
        for tag in (harbor, ferries)
    ]
    revision = old.get_model("reversion", "Revision").objects.create(
        date_created="2026-11-30T12:00:00Z", comment="Filed."
    )
    for link in links:
        old.get_model("reversion", "Version").objects.create(
            revision=revision,
            object_id=str(link.pk),
            content_type=link_type,
            db="default",
            format="json",
            serialized_data=(
                f'[{{"model": "taggit.taggeditem", "pk": {link.pk}, "fields": '
                f'{{"tag": {link.tag_id}, "content_type": {story_type.pk}, '
                f'"object_id": {story.pk}}}}}]'
            ),
            object_repr=str(link.tag_id),
        )

    migrate(latest())

    from reversion.models import Revision

    from articles.models import Article, TaggedArticle

    assert sorted(TaggedArticle.objects.values_list("pk", flat=True)) == sorted(
        link.pk for link in links
    )
    assert set(Article.objects.get(pk=story.pk).tags.names()) == {"harbor", "ferries"}
    assert not TaggedItem.objects.filter(content_type=story_type).exists()
    # The story loses a tag, then its old version is restored: the tag comes back.
    Article.objects.get(pk=story.pk).tags.remove("ferries")
    Revision.objects.get(pk=revision.pk).revert()
    assert set(Article.objects.get(pk=story.pk).tags.names()) == {"harbor", "ferries"}

    back = migrate(BEFORE_TAGS)
    restored = back.get_model("taggit", "TaggedItem").objects.filter(
        content_type_id=story_type.pk, object_id=story.pk
    )
    assert sorted(restored.values_list("pk", flat=True)) == sorted(
        link.pk for link in links
    )

    migrate(latest())
