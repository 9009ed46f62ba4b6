"""
Changes to a live story are prepared, then published together.

Saving the form of a story readers can see keeps what was saved as the story's
PendingChange instead of changing the story: every public page, feed, sitemap,
search result and cached page goes on showing the published version. An editor
then publishes the changes (the form saved for real, with its "substantive update"
choice) or discards them. Previews, the form's button and the shareable link alike,
show the story with its changes (shown()).
"""

import json
from contextlib import contextmanager

from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from taggit.utils import parse_tags

from .inline_images import body_image_ids
from .models import Article, Byline, Correction, PendingChange

# What a posted form holds that is no part of the story.
NOT_KEPT = {"csrfmiddlewaretoken", "_save", "_continue", "_addanother", "_transition"}
# The inlines whose rows a snapshot keeps, and the fields of each row.
ROWS = {
    Byline: ("bylines", ["author", "role", "position"]),
    Correction: ("corrections", ["kind", "text", "noted_at"]),
}


def is_live(article):
    """Whether readers can see `article` as saved now."""
    return (
        bool(article.pk) and Article.objects.published().filter(pk=article.pk).exists()
    )


def prepare(*, article, form, formsets, posted, by):
    """Keep what the valid story `form` and its inline `formsets` would save of the
    live `article` as its pending change, changing nothing readers see."""
    return PendingChange.objects.update_or_create(
        article=article,
        defaults={
            "form_data": {
                name: posted.getlist(name) for name in posted if name not in NOT_KEPT
            },
            "snapshot": snapshot(form, formsets),
            "prepared_by": by,
            "prepared_at": timezone.now(),
        },
    )[0]


def last_save(article):
    """When `article` was last saved and by whom, its changes not yet published
    included: (time, user or None)."""
    pending = getattr(article, "pending_change", None)
    if pending is not None and pending.prepared_at > article.modified_at:
        return pending.prepared_at, pending.prepared_by
    return article.modified_at, article.modified_by


def images_shown(article):
    """The library pictures `article`'s changes not yet published show: lead,
    social, and shown in the body. Empty if it has none."""
    change = PendingChange.objects.filter(article=article).first()
    if change is None:
        return set()
    fields = change.snapshot.get("story", [{}])[0].get("fields", {})
    return {
        fields.get("lead_image"),
        fields.get("social_image"),
        *body_image_ids(fields.get("body") or ""),
    } - {None}


def naming_tags(merged):
    """The pending changes whose form or snapshot names one of the tags `merged`
    ({id: name}): few, as only live stories have them, so read whole."""
    ids, names = {str(pk) for pk in merged}, set(merged.values())
    return [
        change
        for change in PendingChange.objects.all()
        if ids & set(change.form_data.get("tags", []))
        or names & set(change.snapshot.get("tags", []))
    ]


def retag(changes, merged, into):
    """Give `changes` the tag `into` in place of the tags `merged` ({id: name}), once,
    in the form (ids) and the snapshot (names): a merge of tags (tag_merge.py), after
    which they would name tags gone, and a publish or preview make them again."""
    for change in changes:
        form = change.form_data
        form["tags"] = _replaced(
            form.get("tags", []), {str(pk) for pk in merged}, str(into.pk)
        )
        change.snapshot["tags"] = _replaced(
            change.snapshot.get("tags", []), set(merged.values()), into.name
        )
        change.save(update_fields=["form_data", "snapshot"])


def _replaced(values, old, new):
    """`values` with each of `old` replaced by `new`, in order, each once."""
    return list(dict.fromkeys(new if value in old else value for value in values))


def discard(article):
    PendingChange.objects.filter(article=article).delete()


def snapshot(form, formsets):
    """The story as the form would save it, in JSON: its own fields, sections,
    tags, and the rows of its inlines."""
    cleaned = form.cleaned_data
    story = form.instance  # the form's values put on it, not saved
    names = [
        field.name
        for field in Article._meta.concrete_fields
        if field.name in cleaned and not field.primary_key
    ]
    tags = [tag.name for tag in cleaned.get("tags") or []]
    tags += parse_tags(cleaned.get("new_tags", ""))
    result = {
        "story": json.loads(serializers.serialize("json", [story], fields=names)),
        "fields": names,
        "categories": [category.pk for category in cleaned.get("categories") or []],
        "tags": tags,
    }
    for formset in formsets:
        if formset.model in ROWS:
            key, fields = ROWS[formset.model]
            result[key] = list(_rows(formset, fields))
    return json.loads(json.dumps(result, cls=DjangoJSONEncoder))


def _rows(formset, fields):
    for form in formset.forms:
        cleaned = getattr(form, "cleaned_data", None)
        if not cleaned or cleaned.get("DELETE"):
            continue
        yield {
            name: getattr(cleaned.get(name), "pk", cleaned.get(name)) for name in fields
        }


def apply(change):
    """Put the snapshot of `change` into its story's rows (callers roll it back)."""
    data = change.snapshot
    article = change.article
    found = next(
        serializers.deserialize(
            "json", json.dumps(data["story"]), ignorenonexistent=True
        )
    ).object
    for name in data["fields"]:
        attname = Article._meta.get_field(name).attname
        setattr(article, attname, getattr(found, attname))
    article.save()
    article.categories.set(data.get("categories", []))
    article.tags.set(data.get("tags", []))
    for model, (key, fields) in ROWS.items():
        if key not in data:
            continue
        model.objects.filter(article=article).delete()
        for row in data[key]:
            values = {name: row[name] for name in fields if row.get(name) is not None}
            if "author" in values:
                values["author_id"] = values.pop("author")
            model.objects.create(article=article, **values)


@contextmanager
def shown(article_id):
    """Inside the block, story `article_id` is in the database as its pending
    change would make it, if it has one; nothing of it is kept after (the changed
    rows, their invalidations, versions: all rolled back)."""
    with transaction.atomic():
        change = (
            PendingChange.objects.filter(article_id=article_id)
            .select_related("article")
            .first()
        )
        if change is not None:
            apply(change)
        yield change
        transaction.set_rollback(True)
