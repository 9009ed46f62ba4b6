"""Keep derived data in step: each article's search document and placed pictures,
and the files of images and renditions."""

import hashlib

from django.db import transaction
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_save,
    pre_delete,
    pre_save,
)
from django.dispatch import receiver
from taggit.models import Tag, TaggedItem

from .inline_images import placed_image_ids
from .models import Article, Author, Byline, Image, InlineImage, Rendition
from .search import refresh_search_vectors


@receiver(post_save, sender=Article, dispatch_uid="article_search_on_save")
def article_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_search_vectors([instance.pk])
        link_inline_images(instance)


def link_inline_images(article):
    """Record which library pictures the body places, so the library knows."""
    ids = set(
        Image.objects.filter(pk__in=placed_image_ids(article.body)).values_list(
            "pk", flat=True
        )
    )
    article.inline_image_links.exclude(image_id__in=ids).delete()
    linked = set(article.inline_image_links.values_list("image_id", flat=True))
    InlineImage.objects.bulk_create(
        InlineImage(article=article, image_id=pk) for pk in ids - linked
    )


@receiver(post_save, sender=Byline, dispatch_uid="byline_search_on_save")
@receiver(post_delete, sender=Byline, dispatch_uid="byline_search_on_delete")
def byline_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_search_vectors([instance.article_id])


@receiver(m2m_changed, sender=TaggedItem, dispatch_uid="article_search_on_tags")
def tags_changed(sender, instance, action, **kwargs):
    if isinstance(instance, Article) and action in {
        "post_add",
        "post_remove",
        "post_clear",
    }:
        refresh_search_vectors([instance.pk])


@receiver(post_save, sender=Author, dispatch_uid="author_search_on_rename")
def author_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_search_vectors(Article.objects.by_author(instance))


def slug_for_wordless_tag(name):
    """A slug for a tag whose name slugifies to nothing: "tag-" and a digest of it."""
    return "tag-" + hashlib.sha256(name.encode()).hexdigest()[:8]


@receiver(pre_save, sender=Tag, dispatch_uid="tag_slug_never_empty")
def tag_saving(sender, instance, **kwargs):
    # A tag of emoji or symbols alone ("🔥") slugifies to nothing, and no page can
    # link to a tag without a slug: the story page would fail.
    if not instance.slug:
        instance.slug = slug_for_wordless_tag(instance.name)


@receiver(post_save, sender=Tag, dispatch_uid="tag_search_on_rename")
def tag_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_search_vectors(Article.objects.tagged(instance))


@receiver(pre_delete, sender=Tag, dispatch_uid="tag_search_before_delete")
def tag_deleting(sender, instance, **kwargs):
    instance._tagged_article_ids = list(
        Article.objects.tagged(instance).values_list("pk", flat=True)
    )


@receiver(post_delete, sender=Tag, dispatch_uid="tag_search_on_delete")
def tag_deleted(sender, instance, **kwargs):
    refresh_search_vectors(getattr(instance, "_tagged_article_ids", []))


def delete_file_after_commit(field_file):
    """Delete a stored file once the deletion of its row is committed, not before."""
    if field_file.name:
        storage, name = field_file.storage, field_file.name
        transaction.on_commit(lambda: storage.delete(name))


@receiver(post_delete, sender=Rendition, dispatch_uid="rendition_file_on_delete")
def rendition_deleted(sender, instance, **kwargs):
    delete_file_after_commit(instance.file)


@receiver(post_delete, sender=Image, dispatch_uid="image_file_on_delete")
def image_deleted(sender, instance, **kwargs):
    # Its renditions go with it (cascade), and so does the original: a picture removed
    # for rights reasons must not stay in storage.
    delete_file_after_commit(instance.file)


@receiver(pre_save, sender=Image, dispatch_uid="replaced_original_on_save")
def image_saving(sender, instance, raw=False, **kwargs):
    # A replaced file goes once the new one is saved: a picture withdrawn for rights
    # reasons must not linger in storage.
    if raw or not instance.pk:
        return
    old = Image.objects.filter(pk=instance.pk).values_list("file", flat=True).first()
    if old and old != instance.file.name:
        storage = instance.file.storage
        transaction.on_commit(lambda: storage.delete(old))


@receiver(post_save, sender=Image, dispatch_uid="stale_renditions_on_save")
def image_saved(sender, instance, raw=False, **kwargs):
    # A new file or focal point makes a new version; older crops are never asked for.
    if not raw:
        instance.renditions.exclude(version=instance.rendition_version).delete()
