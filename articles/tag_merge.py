"""
Merging tags: the desk folds duplicates ("Election", "Elections", "elections 2026")
into the one it keeps.

django-taggit's own merge moves its generic TaggedItem rows, which our stories do
not use (TaggedArticle), so the tags' admin (admin/tags.py) merges here: every story
carrying one of the tags merged carries the tag kept instead, once; the tags merged
are deleted, their pages with them; the stories' search words are rebuilt, and
tags_merged (events.py) tells the reader site which pages changed, all in one
transaction. Changes waiting on a live story (pending_changes.py) name the kept tag
instead too. A story's history keeps its versions as they were saved: one restored
from before the merge loses the tags merged, as after any tag's deletion.
"""

from django.db import transaction
from django.db.models import Min, Q
from taggit.models import Tag

from . import events, pending_changes
from .models import Article, TaggedArticle
from .search import refresh_search_vectors


def merge_tags(into, tags):
    """Fold the tags `tags` (a Tag QuerySet; `into` among them or not) into the tag
    `into`. Returns the number of stories carrying `into` then."""
    with transaction.atomic():
        merged = dict(tags.exclude(pk=into.pk).values_list("pk", "name"))
        ids = list(merged)
        # Changes waiting on live stories name tags too (by id and by name): one
        # naming a merged tag would bring it back when published.
        waiting = pending_changes.naming_tags(merged)
        carrying = Article.objects.filter(tags__in=ids)
        # As every writer of a story's tags holds the story first (signals.py):
        # all of them, in one query, before any of their rows is written.
        Article.objects.filter(
            Q(tags__in=ids) | Q(pk__in=[change.article_id for change in waiting])
        ).hold()
        stories = set(carrying.values_list("pk", flat=True))
        pending_changes.retag(waiting, merged, into)
        rows = TaggedArticle.objects.filter(tag__in=ids)
        # A story carrying the tag kept already loses the others; one carrying
        # several of those merged keeps one row of them, given the tag kept.
        kept = TaggedArticle.objects.filter(tag=into)
        rows.filter(content_object__in=kept.values("content_object")).delete()
        first = rows.values("content_object").annotate(first=Min("pk")).values("first")
        rows.exclude(pk__in=first).delete()
        rows.update(tag=into)
        events.tags_merged.send(
            sender=TaggedArticle, into=into.pk, merged=ids, stories=stories
        )
        Tag.objects.filter(pk__in=ids).delete()
        refresh_search_vectors(stories)
        return kept.count()
