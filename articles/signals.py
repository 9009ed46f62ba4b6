"""Keep derived data in step: each article's search document and placed pictures,
and its bylines' and tags' copies of its publish time (Byline.published_at,
TaggedArticle.published_at)."""

import hashlib
import weakref

from django.db.models import QuerySet
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_save,
    pre_delete,
    pre_save,
)
from django.dispatch import receiver
from taggit.models import Tag

from photos.models import Image

from . import story_parts
from .inline_images import body_image_ids
from .models import (
    Article,
    Author,
    Byline,
    Correction,
    InlineImage,
    TaggedArticle,
)
from .search import refresh_search_vectors


@receiver(post_save, sender=Article, dispatch_uid="article_search_on_save")
def article_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_search_vectors([instance.pk])
        link_inline_images(instance)


def link_inline_images(article):
    """Record which library pictures the body places, so the library knows."""
    ids = set(
        Image.objects.filter(pk__in=body_image_ids(article.body)).values_list(
            "pk", flat=True
        )
    )
    article.inline_image_links.exclude(image_id__in=ids).delete()
    linked = set(article.inline_image_links.values_list("image_id", flat=True))
    InlineImage.objects.bulk_create(
        InlineImage(article=article, image_id=pk) for pk in ids - linked
    )


@receiver(post_save, sender=Article, dispatch_uid="article_bylines_publish_time")
def article_publish_time(sender, instance, raw=False, update_fields=None, **kwargs):
    # Raw saves too: a story loaded from a fixture or restored, with its time.
    if raw or update_fields is None or "published_at" in update_fields:
        instance.bylines.set_publish_time(instance.published_at)
        instance.tagged_items.set_publish_time(instance.published_at)


@receiver(pre_save, sender=Byline, dispatch_uid="byline_holds_its_story")
@receiver(pre_save, sender=TaggedArticle, dispatch_uid="tag_holds_its_story")
def hold_story(sender, instance, using, **kwargs):
    # A new byline or tag takes its story's time as committed (below). A save that
    # moves that time meanwhile, in a transaction of its own, gives the new time to
    # the rows it can see, not to this one, uncommitted: without the lock, whichever
    # commits last, this row could keep the old time until the story's next save.
    # Taken before the row is written, so that both wait in the same order (the
    # story, then its rows), never each for the other. A row saved again needs no
    # lock: that save waits for the other's, or the other for it, on the row itself.
    if not instance._state.adding:
        return
    story = instance.article_id if sender is Byline else instance.content_object_id
    Article.objects.db_manager(using).filter(pk=story).hold()


@receiver(pre_delete, sender=Article, dispatch_uid="deleted_story_holds_itself")
def hold_deleted_story(sender, instance, using, **kwargs):
    # Deleting a story deletes its bylines and tags, refreshing its search words on
    # the way (its own row); deleting one of its tags locks the story, then deletes
    # the tag's rows. Held first, before any row goes, as every other writer of its
    # rows holds it, so that each waits for the other, never each for the other.
    Article.objects.db_manager(using).filter(pk=instance.pk).hold()


@receiver(post_save, sender=Byline, dispatch_uid="byline_publish_time")
@receiver(post_save, sender=TaggedArticle, dispatch_uid="tagged_publish_time")
def credit_publish_time(sender, instance, **kwargs):
    # As the database has it (not as the story in memory may say), raw saves too:
    # a byline or a tag loaded before its story gets its time when the story is
    # saved. taggit saves each tag it puts on a story (get_or_create).
    sender.objects.filter(pk=instance.pk).copy_publish_times()


@receiver(pre_save, sender=Byline, dispatch_uid="byline_where_it_was")
@receiver(pre_save, sender=Correction, dispatch_uid="correction_where_it_was")
def story_part_saving(sender, instance, raw=False, **kwargs):
    if not raw:
        story_parts.remember(instance)


@receiver(post_save, sender=Byline, dispatch_uid="byline_search_on_save")
@receiver(post_delete, sender=Byline, dispatch_uid="byline_search_on_delete")
def byline_changed(sender, instance, raw=False, **kwargs):
    # A byline moved to another story takes its author's name from the first one.
    if not raw:
        moved_from = story_parts.was(instance, "article_id")
        refresh_search_vectors({instance.article_id, moved_from} - {None})


@receiver(
    m2m_changed, sender=Article.tags.through, dispatch_uid="article_search_on_tags"
)
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
def tag_saved(sender, instance, created, raw=False, **kwargs):
    if not raw and not created:  # a new tag is on no story yet
        refresh_search_vectors(Article.objects.tagged(instance))


# The tags deleted at once (a queryset's delete(): pre_delete's `origin`) whose
# stories are held already: one query for them all, not one a tag.
_held_for = weakref.WeakSet()


@receiver(pre_delete, sender=Tag, dispatch_uid="tag_search_before_delete")
def tag_deleting(sender, instance, using, origin=None, **kwargs):
    stories = Article.objects.db_manager(using)
    tagged = stories.tagged(instance)
    # Deleting a tag deletes its rows on its stories, then refreshes their search
    # words (below); a save moving one of the stories' time locks the story, then its
    # rows. Held first, in one query, so that both wait in the same order: the save
    # for the deletion, or the deletion for the save, never each for the other. The
    # stories of every tag deleted at once (the admin's "Delete selected tags"
    # deletes a queryset) are held together, by the first tag's signal: held a tag
    # at a time, two such deletions could each hold a story the other waits for.
    if not (isinstance(origin, QuerySet) and origin.model is Tag):
        tagged.hold()
    elif origin not in _held_for:
        stories.filter(tags__in=origin).hold()
        _held_for.add(origin)
    instance._tagged_article_ids = list(tagged.values_list("pk", flat=True))


@receiver(post_delete, sender=Tag, dispatch_uid="tag_search_on_delete")
def tag_deleted(sender, instance, **kwargs):
    refresh_search_vectors(getattr(instance, "_tagged_article_ids", []))
