"""Keep each article's search document fresh when anything it is built from changes."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from taggit.models import Tag, TaggedItem

from .models import Article, Author, Byline
from .search import refresh_search_vectors


@receiver(post_save, sender=Article, dispatch_uid="article_search_on_save")
def article_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_search_vectors([instance.pk])


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


@receiver(post_save, sender=Tag, dispatch_uid="tag_search_on_rename")
def tag_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_search_vectors(Article.objects.tagged(instance))
