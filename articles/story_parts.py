"""
Where a byline or a correction was before it is saved again: one moved to another
story (or a byline given to another author) leaves the story, and the author, it was
on, whose search words (signals.py) and pages (readers/invalidation.py) follow it.
Read once a save, in a pre_save (signals.py), for rows saved again; a new row was
nowhere.
"""

from .models import Byline, Correction

# What of each part says where it is.
PLACED_BY = {Byline: ("article_id", "author_id"), Correction: ("article_id",)}


def remember(instance):
    """Read where `instance`, about to be saved, is saved now (None: a new row)."""
    fields = PLACED_BY[type(instance)]
    instance._saved_as = (
        None
        if instance._state.adding
        else type(instance).objects.filter(pk=instance.pk).values(*fields).first()
    )


def was(instance, field):
    """`field` of `instance` as saved before this save; None for a new row, or a
    part not saved through a pre_save (a delete)."""
    return (getattr(instance, "_saved_as", None) or {}).get(field)
