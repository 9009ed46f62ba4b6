"""
The live desk's writes: each validates, saves, and keeps a record (who, when, and a
version of each edit). Views and the demo call these, never save entries directly,
so that every change moves the entry's `modified_at`, which is how readers' pages
learn of it (models.py).
"""

import reversion
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.inline_images import body_image_ids
from photos.models import Image

from .models import EntryByline, EntryCorrection, EntryImage, LiveCoverage, LiveEntry


class StaleEntry(Exception):
    """The entry was edited by someone else after this edit was opened."""

    def __init__(self, entry):
        super().__init__(_("The entry was edited after this form was opened."))
        self.entry = entry


def start_coverage(*, article, by, at=None):
    """Make `article` live (again): coverage open from `at` (now)."""
    coverage, created = LiveCoverage.objects.get_or_create(
        article=article,
        defaults={"started_at": at or timezone.now(), "started_by": by},
    )
    if not created and not coverage.is_open:
        coverage.ended_at = None
        coverage.save(update_fields=["ended_at"])
    return coverage


def end_coverage(*, coverage, at=None):
    """Close the coverage: no more entries; readers' pages stop asking."""
    coverage.ended_at = at or timezone.now()
    coverage.save(update_fields=["ended_at"])
    return coverage


def _set_bylines(entry, authors):
    EntryByline.objects.filter(entry=entry).delete()
    EntryByline.objects.bulk_create(
        EntryByline(entry=entry, author=author, position=position)
        for position, author in enumerate(authors)
    )


def _link_pictures(entry):
    """Record the library pictures the entry's text shows, placed or in a gallery
    (those that exist), so the library knows they are used."""
    placed = set(
        Image.objects.filter(pk__in=body_image_ids(entry.body)).values_list(
            "pk", flat=True
        )
    )
    EntryImage.objects.filter(entry=entry).exclude(image__in=placed).delete()
    EntryImage.objects.bulk_create(
        [EntryImage(entry=entry, image_id=pk) for pk in placed], ignore_conflicts=True
    )


@transaction.atomic
def post_entry(*, coverage, by, body, authors, headline="", at=None, pinned=False):
    """A new entry in `coverage`, credited to `authors` in that order."""
    with reversion.create_revision():
        entry = LiveEntry(
            coverage=coverage,
            headline=headline,
            body=body,
            published_at=at or timezone.now(),
            is_pinned=pinned,
            created_by=by,
        )
        entry.save()
        _set_bylines(entry, authors)
        _link_pictures(entry)
        reversion.set_user(by)
        reversion.set_comment(_("Posted."))
        reversion.add_to_revision(entry)
    return entry


@transaction.atomic
def edit_entry(*, entry, by, revision, body, authors, headline=""):
    """Save new words and bylines for `entry`, which the editor opened at
    `revision`. Raises StaleEntry, saving nothing, if someone edited it since: two
    people never overwrite each other's words. Other entries are no concern: each
    is its own row."""
    current = LiveEntry.objects.select_for_update().get(pk=entry.pk)
    if current.revision != revision:
        raise StaleEntry(current)
    with reversion.create_revision():
        current.headline = headline
        current.body = body
        current.revision += 1
        current.edited_at = timezone.now()
        current.save()
        _set_bylines(current, authors)
        _link_pictures(current)
        reversion.set_user(by)
        reversion.set_comment(_("Edited."))
        reversion.add_to_revision(current)
    return current


def set_pinned(*, entry, pinned):
    """Pin `entry` as a key update, or unpin it."""
    entry.is_pinned = pinned
    entry.save(update_fields=["is_pinned", "modified_at"])
    return entry


@transaction.atomic
def correct_entry(*, entry, by, text, at=None):
    """Print a correction under `entry`, with its time (now, unless `at`)."""
    correction = EntryCorrection.objects.create(
        entry=entry, text=text, noted_by=by, noted_at=at or timezone.now()
    )
    entry.save(update_fields=["modified_at"])  # readers' pages learn of it
    return correction


def remove_entry(*, entry, by):
    """Take `entry` off the page, recording who and when; it stays on the desk."""
    entry.removed_at = timezone.now()
    entry.removed_by = by
    entry.save(update_fields=["removed_at", "removed_by", "modified_at"])
    return entry


def restore_entry(*, entry):
    """Put a removed entry back on the page."""
    entry.removed_at = None
    entry.removed_by = None
    entry.save(update_fields=["removed_at", "removed_by", "modified_at"])
    return entry
