import hashlib

from django.db import migrations


def give_wordless_tags_slugs(apps, schema_editor):
    """Tags of emoji or symbols alone were saved with an empty slug, which no page can
    link to; they get the slug articles.signals now gives such tags."""
    Tag = apps.get_model("taggit", "Tag")
    for tag in Tag.objects.filter(slug=""):
        tag.slug = "tag-" + hashlib.sha256(tag.name.encode()).hexdigest()[:8]
        tag.save(update_fields=["slug"])


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0014_pictures_in_use_are_protected"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.RunPython(give_wordless_tags_slugs, migrations.RunPython.noop),
    ]
