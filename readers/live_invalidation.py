"""
Forget the cached pages a live story's change touches (as invalidation.py does for
stories). An entry posted, edited, pinned, corrected or removed raises the story's
live key only: its page, its updates endpoint and its entries feed are rendered
again, and the rest of the site (the home page and lists showing the story's card)
stays cached. Starting or ending the coverage changes the card ("Live") too: the
story's own key and its card's.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from articles.models import Article
from delivery.page_cache import content_changed
from embeds import body as embed_markup
from embeds.models import Embed
from live.models import EntryCorrection, LiveCoverage, LiveEntry

from . import dependencies as keys


def _public(article_id):
    return Article.objects.filter(pk=article_id, status=Article.Status.PUBLISHED)


@receiver(post_save, sender=LiveCoverage, dispatch_uid="pages_live_coverage_saved")
@receiver(post_delete, sender=LiveCoverage, dispatch_uid="pages_live_coverage_gone")
def coverage_changed(sender, instance, raw=False, **kwargs):
    if not raw and _public(instance.article_id).exists():
        content_changed(
            {
                keys.story(instance.article_id),
                keys.card(instance.article_id),  # "Live" on its cards
                keys.live(instance.article_id),
            }
        )


def _public_story_of(entries):
    """The id of the public story `entries` (a LiveEntry QuerySet) belong to."""
    return (
        entries.filter(coverage__article__status=Article.Status.PUBLISHED)
        .values_list("coverage__article_id", flat=True)
        .first()
    )


@receiver(post_save, sender=LiveEntry, dispatch_uid="pages_live_entry_saved")
def entry_changed(sender, instance, raw=False, **kwargs):
    article_id = not raw and _public_story_of(LiveEntry.objects.filter(pk=instance.pk))
    if article_id:
        # A removal is hard: no page may go on showing words taken down.
        content_changed({keys.live(article_id)}, hard=instance.removed_at is not None)


@receiver(post_delete, sender=EntryCorrection, dispatch_uid="pages_live_fix_deleted")
def correction_deleted(sender, instance, **kwargs):
    # A correction printed saves its entry (live/services.py); one deleted does not.
    article_id = _public_story_of(LiveEntry.objects.filter(pk=instance.entry_id))
    if article_id:
        content_changed({keys.live(article_id)})


def posts_on_a_public_story(author_id):
    """Whether the author `author_id` signs entries of a public live story: a guest
    with no public story of her own is named there alone
    (invalidation.author_saved)."""
    return bool(_public_story_of(LiveEntry.objects.filter(bylines__author=author_id)))


@receiver(post_save, sender=Embed, dispatch_uid="pages_live_embed_saved")
@receiver(post_delete, sender=Embed, dispatch_uid="pages_live_embed_deleted")
def embed_changed(sender, instance, raw=False, created=False, **kwargs):
    # Asked again (refreshed) or deleted: the live stories whose entries embed it
    # show the new answer, or the link alone. Found by the entries' text, as in
    # invalidation.py.
    if raw or (created and not instance.is_usable):
        return
    stories = (
        LiveEntry.objects.filter(
            body__contains=embed_markup.snippet(instance.url),
            coverage__article__status=Article.Status.PUBLISHED,
        )
        .values_list("coverage__article_id", flat=True)
        .distinct()
    )
    if stories:
        content_changed({keys.live(pk) for pk in stories})
