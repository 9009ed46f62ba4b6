"""
Working copies: what an editor typed into a story form, kept on the server every few
seconds as she types (static/js/autosave.js), so that closing the tab, a crash or a
lost connection loses at most the last seconds of it.

A working copy is not a save: it changes no story, keeps no version in the history
and tells the page cache nothing. It is offered back when its story is opened again,
unless the story has been saved since (then it is stale, and the save has it).
"""

import json
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import pending_changes
from .models import WorkingCopy

# The most a form's fields may weigh as JSON: a 6,000-word story is about 60 kB.
MAX_BYTES = 2 * 1024 * 1024
MAX_FIELDS = 2000
# How long the copy of a new story's form is kept, unsaved or used up.
KEPT_FOR = timedelta(days=30)
KEY_CHARACTERS = set("abcdefghijklmnopqrstuvwxyz0123456789-")


class Unreadable(ValueError):
    """A working copy sent in a shape no story form posts; the message says why."""


def read_fields(text):
    """The form's fields from the JSON `text` a browser sent: a mapping of field
    name to a list of values, all strings. Raises Unreadable otherwise."""
    if len(text) > MAX_BYTES:
        raise Unreadable(_("The working copy is too large to keep."))
    try:
        data = json.loads(text)
    except ValueError as error:
        raise Unreadable(_("The working copy is not valid JSON.")) from error
    if not isinstance(data, dict) or len(data) > MAX_FIELDS:
        raise Unreadable(_("The working copy must map field names to values."))
    for name, values in data.items():
        if not isinstance(values, list) or not all(
            isinstance(value, str) for value in values
        ):
            raise Unreadable(
                _("The working copy's “%(name)s” must be a list of texts.")
                % {"name": name[:80]}
            )
    pieces = [piece for name, values in data.items() for piece in [name, *values]]
    # A NUL, or half of a surrogate pair: no browser's form holds one, and
    # PostgreSQL's JSON refuses both.
    if any("\x00" in piece or not _encodable(piece) for piece in pieces):
        raise Unreadable(_("The working copy holds characters no form can."))
    return data


def _encodable(text):
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def clean_key(key):
    """A new story form's key as sent, if it is one we would have made; else ''."""
    key = (key or "").strip().lower()
    return key if 8 <= len(key) <= 64 and set(key) <= KEY_CHARACTERS else ""


def keep(*, user, data, article=None, key=""):
    """Keep `data` as `user`'s working copy of `article`, or of the new story her
    form calls `key`. Returns the working copy."""
    now = timezone.now()
    if article is not None:
        copy, _created = WorkingCopy.objects.update_or_create(
            user=user,
            article=article,
            new_story_key="",
            defaults={"data": data, "saved_at": now},
        )
        return copy
    if not key:
        raise Unreadable(_("A new story's working copy needs its form's key."))
    # New story forms long left, and those saved as stories, need keeping no more.
    WorkingCopy.objects.filter(user=user, saved_at__lt=now - KEPT_FOR).exclude(
        new_story_key=""
    ).delete()
    copy, _created = WorkingCopy.objects.update_or_create(
        user=user, new_story_key=key, defaults={"data": data, "saved_at": now}
    )
    return copy


def offered(*, user, article=None):
    """The working copy to offer `user` as she opens `article` (None: a new story):
    hers, and newer than the story's last save. None if there is none."""
    if article is None:
        return WorkingCopy.objects.unsaved_new_stories(user).first()
    return (
        WorkingCopy.objects.of_story(article, user)
        .filter(saved_at__gt=pending_changes.last_save(article)[0])
        .first()
    )


def is_used(*, user, key):
    """Whether the new story form `key` has been saved as a story: what the browser
    kept of it is then stale."""
    return bool(key) and (
        WorkingCopy.objects.of_new_story(key, user)
        .filter(article__isnull=False)
        .exists()
    )


def discard(*, user, article=None, key=""):
    """Drop `user`'s working copy of `article`, or of the new story form `key`."""
    if article is not None:
        WorkingCopy.objects.of_story(article, user).delete()
    elif key:
        WorkingCopy.objects.of_new_story(key, user).filter(article=None).delete()


def story_saved(*, user, article, created, key=""):
    """`user` saved `article` from her form: the form's working copy is used up.
    A new story's is kept, emptied, naming the story, so the browser learns that
    its own copy of that form is stale too."""
    if not created:
        WorkingCopy.objects.of_story(article, user).delete()
    elif key:
        WorkingCopy.objects.update_or_create(
            user=user,
            new_story_key=key,
            defaults={"article": article, "data": {}, "saved_at": timezone.now()},
        )
