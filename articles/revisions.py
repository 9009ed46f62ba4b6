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

from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from reversion.models import Version
from taggit.models import Tag

from photos.models import Image

from .inline_images import PLACED_PICTURE
from .models import Article, Author, Byline, Category, Correction, TaggedArticle
from .sanitize import plain_text


@dataclass
class Snapshot:
    """A story as one version of it had it, in words a person reads."""

    fields: dict  # label -> text, or a list of items (bylines, tags…)

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
        return cls({str(label): value for label, value in fields.items()})


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

    @property
    def changed(self):
        return self.before != self.after

    def marked_up(self):
        """The difference as HTML: removed words or items struck, added ones marked."""
        if isinstance(self.after, list):
            return token_diff(self.before, self.after, separator="; ")
        return token_diff(words(self.before), words(self.after))


def compare(older, newer):
    """Each field of two versions of a story, side by side."""
    before, after = Snapshot.of(older).fields, Snapshot.of(newer).fields
    return [Change(label, before[label], after[label]) for label in after]


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
