"""
A story's history: every save kept as a version (django-reversion), read back as the
story was then, and compared field by field.

A version of a story holds the story's own fields (with its categories) and, in the
same revision, its bylines, tags and corrections (registered with the models), so
restoring one brings them all back as they were.
"""

import difflib
import re
from dataclasses import dataclass

import reversion
from django.db import transaction
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from reversion.models import Version
from taggit.models import Tag

from common.times import newsroom_time
from photos.admin import thumbnail
from photos.models import Image

from . import body_diff
from .inline_images import PLACED_PICTURE
from .models import Article, Author, Byline, Category, Correction, TaggedArticle
from .sanitize import plain_text


@dataclass
class Snapshot:
    """A story as one version of it had it, in words a person reads."""

    fields: dict  # label -> text, or a list of items (bylines, tags…)
    body: str = ""  # the body's markup, for comparing it block by block

    @classmethod
    def of(cls, version):
        data = version.field_dict
        with_it = version.revision.version_set.select_related("content_type")
        related = {model: [] for model in (Byline, TaggedArticle, Correction)}
        for other in with_it:
            model = other.content_type.model_class()
            if model in related:
                related[model].append(other.field_dict)
        names = _Names(related)
        status = data.get("status")
        fields = {
            _("Headline"): data.get("headline", ""),
            _("Slug"): data.get("slug", ""),
            _("Dek"): data.get("dek", ""),
            _("Status"): Article.Status(status).label if status else "",
            _("Publish time"): _when(data.get("published_at")),
            _("Updated time"): _when(data.get("updated_at")),
            _("Byline"): names.bylines(),
            _("Section"): names.category(data.get("primary_category_id")),
            _("Further categories"): names.categories(data.get("categories", [])),
            _("Tags"): names.tags(),
            _("Lead image"): names.image(data.get("lead_image_id")),
            _("SEO title"): data.get("seo_title", ""),
            _("Meta description"): data.get("seo_description", ""),
            _("Social image"): names.image(data.get("social_image_id")),
            _("Corrections and updates"): names.corrections(),
            _("Body"): readable_body(data.get("body", "")),
        }
        return cls(
            {str(label): value for label, value in fields.items()},
            body=data.get("body", ""),
        )


class _Names:
    """Turns the ids a version stores into the names people know, a query each."""

    def __init__(self, related):
        self.related = related

    def bylines(self):
        bylines = sorted(self.related[Byline], key=lambda b: b.get("position", 0))
        people = Author.objects.in_bulk([b["author_id"] for b in bylines])
        return [
            f"{people[b['author_id']].name if b['author_id'] in people else '?'}"
            f" ({Byline.Role(b['role']).label.lower()})"
            for b in bylines
        ]

    def tags(self):
        ids = [item["tag_id"] for item in self.related[TaggedArticle]]
        names = Tag.objects.filter(pk__in=ids).values_list("name", flat=True)
        return sorted(names)

    def category(self, pk):
        return str(Category.objects.filter(pk=pk).first() or "") if pk else ""

    def categories(self, pks):
        return sorted(str(c) for c in Category.objects.filter(pk__in=pks))

    def image(self, pk):
        return str(Image.objects.filter(pk=pk).first() or "") if pk else ""

    def corrections(self):
        return [
            f"{Correction.Kind(c['kind']).label}: {c['text']}"
            for c in self.related[Correction]
        ]


PULL_QUOTE = re.compile(r'<aside class="pull-quote">')


def readable_body(html):
    """A body as text, a block a line, with its pull quotes and placed pictures
    named, so that adding or removing one shows in a comparison."""
    html = PULL_QUOTE.sub(lambda m: m.group(0) + str(_("Pull quote:")) + " ", html)
    html = PLACED_PICTURE.sub(
        lambda m: "<p>[%s]</p>" % (_("Picture %(id)s") % {"id": m.group(1)}), html
    )
    return plain_text(html).strip()


def words(text):
    """The words of `text`, with a line break kept as a word of its own."""
    return [word for line in text.splitlines() for word in (*line.split(), "\n")][:-1]


def _when(value):
    return str(value or "")


@dataclass
class Change:
    label: str
    before: str
    after: str
    # The body's blocks side by side, (older, newer) HTML pairs (body_diff.py).
    rows: list | None = None

    @property
    def changed(self):
        return self.before != self.after

    def marked_up(self):
        """The difference as HTML: removed words or items struck, added ones marked;
        the body as its blocks, changes marked in place."""
        if self.rows is not None:
            return body_diff.inline(self.rows)
        if isinstance(self.after, list):
            return token_diff(self.before, self.after, separator="; ")
        return token_diff(words(self.before), words(self.after))


def compare(older, newer):
    """Each field of two versions of a story, side by side."""
    old, new = Snapshot.of(older), Snapshot.of(newer)
    before, after = old.fields, new.fields
    changes = [Change(label, before[label], after[label]) for label in after]
    for change in changes:
        if change.label == str(_("Body")):
            change.rows = body_diff.block_rows(
                old.body, new.body, picture=picture_in_body
            )
    return changes


def picture_in_body(image_id):
    """A placed picture as a comparison shows it: its thumbnail and title."""
    image = Image.objects.filter(pk=image_id).first()
    if image is None:
        return format_html(
            '<p class="body-diff__picture">{}</p>',
            _("Picture %(id)s, no longer in the library") % {"id": image_id},
        )
    return format_html(
        '<figure class="body-diff__picture">{}<figcaption>{}</figcaption></figure>',
        thumbnail(image, size=160),
        image.title or image.caption or _("Picture %(id)s") % {"id": image_id},
    )


# Unchanged stretches longer than this are shortened in a diff.
CONTEXT_WORDS = 12


def token_diff(old, new, separator=" "):
    """From the words (or items) `old` to `new`: <del> for removed, <ins> for added,
    and long unchanged stretches cut to their ends."""
    parts = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            words = old[i1:i2]
            if len(words) > 2 * CONTEXT_WORDS:
                words = [*words[:CONTEXT_WORDS], "…", *words[-CONTEXT_WORDS:]]
            parts.append(format_html("{}", separator.join(words)))
            continue
        if i2 > i1:
            parts.append(format_html("<del>{}</del>", separator.join(old[i1:i2])))
        if j2 > j1:
            parts.append(format_html("<ins>{}</ins>", separator.join(new[j1:j2])))
    return format_html_join(separator, "{}", ((part,) for part in parts))


def versions_of(article_id):
    """The story's versions, newest first, with who saved them."""
    return (
        Version.objects.get_for_object_reference(Article, article_id)
        .select_related("revision__user")
        .order_by("-revision__date_created", "-pk")
    )


# What restoring a version brings back: the words, pictures and filing. Where and
# when the story stands (status, publish, update and take-down times) stays as it
# is now: restoring an old draft must not unpublish a story, nor an old published
# version publish one.
RESTORED_FIELDS = ["headline", "slug", "dek", "body", "seo_title", "seo_description"]
# The comparison's rows a restore leaves as they are.
KEPT_ON_RESTORE = (_("Status"), _("Publish time"), _("Updated time"))


def restore(*, story, version, by):
    """Bring `story` back to `version` of it, on behalf of `by`: its words,
    pictures, section and categories, bylines, tags and corrections, saved as a new
    version (so the restore can itself be undone). Whatever that version names and
    no longer exists (a deleted picture, author, section or tag) is left out."""
    data = version.field_dict
    related = {model: [] for model in (Byline, TaggedArticle, Correction)}
    for other in version.revision.version_set.select_related("content_type"):
        model = other.content_type.model_class()
        if model in related:
            related[model].append(other.field_dict)
    with transaction.atomic(), reversion.create_revision():
        # The story's row first, before its bylines and tags are deleted: a save
        # moving its time locks the story, then those rows (articles/signals.py).
        Article.objects.filter(pk=story.pk).hold()
        for name in RESTORED_FIELDS:
            setattr(story, name, data.get(name, ""))
        images = Image.objects.in_bulk(
            [data.get("lead_image_id"), data.get("social_image_id")]
        )
        story.lead_image = images.get(data.get("lead_image_id"))
        story.social_image = images.get(data.get("social_image_id"))
        story.primary_category = Category.objects.filter(
            pk=data.get("primary_category_id")
        ).first()
        # Each part through the ORM one by one, so that the page cache hears of it.
        story.categories.set(Category.objects.filter(pk__in=data.get("categories", [])))
        story.bylines.all().delete()
        people = Author.objects.in_bulk([b["author_id"] for b in related[Byline]])
        for byline in sorted(related[Byline], key=lambda b: b.get("position", 0)):
            if byline["author_id"] in people:
                Byline.objects.create(
                    article=story,
                    author=people[byline["author_id"]],
                    role=byline["role"],
                    position=byline.get("position", 0),
                )
        story.tags.set(
            list(
                Tag.objects.filter(pk__in=[t["tag_id"] for t in related[TaggedArticle]])
            )
        )
        story.corrections.all().delete()
        for correction in related[Correction]:
            Correction.objects.create(
                article=story,
                kind=correction["kind"],
                text=correction["text"],
                noted_at=correction["noted_at"],
            )
        # Saved last, so that the new version follows the bylines, tags and
        # corrections as they now are.
        story.modified_by = by
        story.save()
        reversion.set_user(by)
        reversion.set_comment(
            _("Restored the version saved %(when)s.")
            % {"when": newsroom_time(version.revision.date_created)}
        )
    return story
