"""
Forget cached public pages when what they show changes (delivery/page_cache.py).

Any change to a story that is, was or will be public (a scheduled one moves the next
publication time) starts a new content generation, and so does any change to what
stories show around them: authors, sections, pictures, tags, bylines, corrections.
Changes to drafts alone do not, nor new pictures and authors nobody reads yet, so that
writers saving as they go and the photo desk's uploads do not empty the cache for
everyone.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from taggit.models import Tag

from articles.models import Article, Author, Byline, Category, Correction, InlineImage
from delivery.page_cache import content_changed
from photos.models import Image

PUBLISHED = Article.Status.PUBLISHED


@receiver(pre_save, sender=Article, dispatch_uid="pages_story_before_save")
def story_saving(sender, instance, **kwargs):
    # Whether the story was public or scheduled before this save: unpublishing one
    # changes pages as much as publishing it.
    instance._was_published = (
        instance.pk is not None
        and Article.objects.filter(pk=instance.pk, status=PUBLISHED).exists()
    )


@receiver(post_save, sender=Article, dispatch_uid="pages_story_saved")
@receiver(post_delete, sender=Article, dispatch_uid="pages_story_deleted")
def story_changed(sender, instance, **kwargs):
    if instance.status == PUBLISHED or getattr(instance, "_was_published", False):
        content_changed()


@receiver(post_save, sender=Byline, dispatch_uid="pages_byline_saved")
@receiver(post_delete, sender=Byline, dispatch_uid="pages_byline_deleted")
@receiver(post_save, sender=Correction, dispatch_uid="pages_correction_saved")
@receiver(post_delete, sender=Correction, dispatch_uid="pages_correction_deleted")
@receiver(post_save, sender=InlineImage, dispatch_uid="pages_placed_saved")
@receiver(post_delete, sender=InlineImage, dispatch_uid="pages_placed_deleted")
def story_part_changed(sender, instance, **kwargs):
    article = Article.objects.filter(pk=instance.article_id).only("status").first()
    # A story deleted with its parts has already said so (story_changed).
    if article is not None and article.status == PUBLISHED:
        content_changed()


@receiver(m2m_changed, sender=Article.categories.through, dispatch_uid="pages_filed")
@receiver(m2m_changed, sender=Article.tags.through, dispatch_uid="pages_tagged")
def story_labels_changed(sender, instance, action, reverse, **kwargs):
    if not action.startswith("post_"):
        return
    # From the story's side only its own status matters; from a section's or a tag's
    # side, any story may have moved.
    if reverse or not isinstance(instance, Article) or instance.status == PUBLISHED:
        content_changed()


@receiver(post_save, sender=Image, dispatch_uid="pages_image_saved")
def image_saved(sender, instance, created, **kwargs):
    # The photo desk uploads and captions all day; only pictures readers can meet
    # matter (a scheduled story's are rendered afresh when it goes public anyway).
    if not created and Image.objects.public().filter(pk=instance.pk).exists():
        content_changed()


@receiver(post_save, sender=Author, dispatch_uid="pages_author_saved")
def author_saved(sender, instance, created, **kwargs):
    # Only bylines of public stories and authors with a page show anywhere.
    if (
        not created
        and Author.objects.with_public_stories().filter(pk=instance.pk).exists()
    ):
        content_changed()


@receiver(post_delete, sender=Author, dispatch_uid="pages_author_deleted")
@receiver(post_save, sender=Category, dispatch_uid="pages_section_saved")
@receiver(post_delete, sender=Category, dispatch_uid="pages_section_deleted")
@receiver(post_delete, sender=Image, dispatch_uid="pages_image_deleted")
@receiver(post_save, sender=Tag, dispatch_uid="pages_tag_saved")
@receiver(post_delete, sender=Tag, dispatch_uid="pages_tag_deleted")
def shown_thing_changed(sender, **kwargs):
    content_changed()
