"""Listens to the stories (articles.events) for what the desk must be told."""

from django.dispatch import receiver

from articles.events import story_changed
from articles.models import Article

from . import services


@receiver(story_changed, sender=Article, dispatch_uid="notes_story_changed")
def tell_the_desk(sender, *, article, by, from_status, note="", **kwargs):
    services.story_changed(
        article=article,
        by=by,
        from_status=from_status,
        was_assigned=kwargs.get("was_assigned", False),
        note=note or "",
    )
