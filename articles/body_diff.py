"""
Two versions of a story's body compared as a reader sees it: block by block
(paragraphs, subheads, lists, quotes, pull quotes, placed pictures), each shown as
the block it is, with what was removed struck and what was added marked.

Pure string work, no ORM: the bodies are cleaned by the one allow-list
(sanitize.clean_body) before they are split, so every block shown is markup a story
may hold; the words of a changed block are escaped. Placed pictures are drawn by the
caller's `picture(id)`.
"""

import difflib
from html.parser import HTMLParser
from typing import NamedTuple

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe

from .inline_images import PLACED_PICTURE
from .sanitize import clean_body, plain_text

LISTS = {"ul", "ol"}
BOTH = frozenset({"del", "ins"})
TEXT = "#text"  # the kind of a block of bare text
# A changed block longer than this many unchanged words in a row is shortened.
CONTEXT_WORDS = 20


class _Blocks(HTMLParser):
    """Splits HTML into its top-level elements, as (tag, markup) pairs."""

    def __init__(self, source):
        super().__init__(convert_charrefs=True)
        self.source = source
        self.lines = [0]
        for line in source.splitlines(keepends=True):
            self.lines.append(self.lines[-1] + len(line))
        self.depth = 0
        self.start = None
        self.tag = None
        self.blocks = []

    def _position(self):
        line, column = self.getpos()
        return self.lines[line - 1] + column

    def handle_starttag(self, tag, attrs):
        if tag in {"br", "hr"} and self.depth == 0:
            end = self.source.index(">", self._position()) + 1
            self.blocks.append((tag, self.source[self._position() : end]))
            return
        if tag in {"br", "hr"}:
            return
        if self.depth == 0:
            self.start, self.tag = self._position(), tag
        self.depth += 1

    def handle_data(self, data):
        # Text outside any element (an old body without paragraphs) is a block too,
        # escaped again (the parser hands it over unescaped).
        if self.depth == 0 and data.strip():
            self.blocks.append((TEXT, escape(data.strip())))

    def handle_endtag(self, tag):
        if tag in {"br", "hr"}:
            return
        self.depth -= 1
        if self.depth == 0 and self.start is not None:
            end = self.source.index(">", self._position()) + 1
            self.blocks.append((self.tag, self.source[self.start : end]))
            self.start = None


def _split(markup):
    parser = _Blocks(markup)
    parser.feed(markup)
    parser.close()
    return parser.blocks


def blocks(body):
    """The top-level blocks of `body`, cleaned, as (tag, markup) pairs."""
    return _split(clean_body(body or ""))


def _items(markup):
    """The list items of a list's markup (its direct children), as markup."""
    inner = markup[markup.index(">") + 1 : markup.rindex("<")]
    return [item for tag, item in _split(inner) if tag == "li"]


def _words(markup):
    return plain_text(markup).split()


def word_diff(old, new, marks=BOTH):
    """The words of `old` to those of `new`: <del> for removed, <ins> for added
    (each only if in `marks`: one side of a side-by-side view shows one)."""
    parts = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            same = old[i1:i2]
            if len(same) > 2 * CONTEXT_WORDS:
                same = [*same[:CONTEXT_WORDS], "…", *same[-CONTEXT_WORDS:]]
            parts.append(format_html("{}", " ".join(same)))
            continue
        if i2 > i1 and "del" in marks:
            parts.append(format_html("<del>{}</del>", " ".join(old[i1:i2])))
        if j2 > j1 and "ins" in marks:
            parts.append(format_html("<ins>{}</ins>", " ".join(new[j1:j2])))
    return format_html_join(" ", "{}", ((part,) for part in parts))


def _tag_of(markup):
    """The opening tag of a block, kept (it is the allow-list's: an <aside
    class="pull-quote"> stays one), to wrap the words of a changed block in."""
    return markup[: markup.index(">") + 1], markup[markup.rindex("<") :]


def _shown(markup, picture, mark=None):
    """A block as it reads, its picture drawn, inside a marker of what happened to
    it (mark: "removed", "added" or None)."""
    found = PLACED_PICTURE.fullmatch(markup)
    # Anything else was cleaned by the allow-list in blocks().
    inner = picture(int(found.group(1))) if found else mark_safe(markup)
    if mark is None:
        return format_html('<div class="body-diff__block">{}</div>', inner)
    label = {"removed": "del", "added": "ins"}[mark]
    return format_html(
        '<{} class="body-diff__block body-diff__block--{}">{}</{}>',
        label,
        mark,
        inner,
        label,
    )


def _changed(old_markup, new_markup, tag, marks=BOTH):
    """One block edited in place: the same kind of block, its words diffed (list
    items item by item), showing the `marks` asked for."""
    if tag in LISTS:
        return _changed_list(old_markup, new_markup, marks)
    opening, closing = (
        ("", "")
        if tag == TEXT
        else _tag_of(new_markup if "ins" in marks else old_markup)
    )
    return format_html(
        '<div class="body-diff__block body-diff__block--changed">{}{}{}</div>',
        mark_safe(opening),
        word_diff(_words(old_markup), _words(new_markup), marks),
        mark_safe(closing),
    )


def _changed_list(old_markup, new_markup, marks):
    opening, closing = _tag_of(new_markup if "ins" in marks else old_markup)
    old, new = _items(old_markup), _items(new_markup)
    rows = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            rows += [mark_safe(item) for item in new[j1:j2]]
            continue
        before, after = old[i1:i2], new[j1:j2]
        # Items edited in place pair up one for one; the rest were removed or added.
        paired = min(len(before), len(after))
        rows += [
            format_html("<li>{}</li>", word_diff(_words(a), _words(b), marks))
            for a, b in zip(before[:paired], after[:paired], strict=True)
        ]
        if "del" in marks:
            rows += [
                format_html("<li><del>{}</del></li>", plain_text(item).strip())
                for item in before[paired:]
            ]
        if "ins" in marks:
            rows += [
                format_html("<li><ins>{}</ins></li>", plain_text(item).strip())
                for item in after[paired:]
            ]
    return format_html(
        '<div class="body-diff__block body-diff__block--changed">{}{}{}</div>',
        mark_safe(opening),
        format_html_join("", "{}", ((row,) for row in rows)),
        mark_safe(closing),
    )


def _kind(block):
    """What a block is, for pairing an edited block with its earlier self: its tag,
    or for a placed picture, which picture (another picture is another block)."""
    tag, markup = block
    found = PLACED_PICTURE.fullmatch(markup)
    return f"picture:{found.group(1)}" if found else tag


class Row(NamedTuple):
    """One block of a comparison: as the older version had it (None: it was not
    there), as the newer has it (None: it is gone), and as one inline view shows
    it, with both removals and additions."""

    older: str | None
    newer: str | None
    inline: str


def block_rows(old_body, new_body, *, picture):
    """The two bodies aligned block by block, as Rows. A block edited in place shows
    its removed words on the older side, its added words on the newer, and both
    inline; `picture(id)` draws a placed picture."""
    old, new = blocks(old_body), blocks(new_body)
    rows = []
    matcher = difflib.SequenceMatcher(
        a=[markup for _tag, markup in old],
        b=[markup for _tag, markup in new],
        autojunk=False,
    )
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for _tag, markup in new[j1:j2]:
                same = _shown(markup, picture)
                rows.append(Row(same, same, same))
            continue
        before, after = old[i1:i2], new[j1:j2]
        # Blocks edited in place pair up with the blocks of their kind, in order
        # (a paragraph with a paragraph, never with a picture).
        kinds = difflib.SequenceMatcher(
            a=[_kind(block) for block in before],
            b=[_kind(block) for block in after],
            autojunk=False,
        )
        for kind_op, k1, k2, l1, l2 in kinds.get_opcodes():
            if kind_op == "equal":
                for (_t, old_markup), (tag, new_markup) in zip(
                    before[k1:k2], after[l1:l2], strict=True
                ):
                    if old_markup == new_markup:  # the same picture, say
                        same = _shown(new_markup, picture)
                        rows.append(Row(same, same, same))
                        continue
                    rows.append(
                        Row(
                            _changed(old_markup, new_markup, tag, {"del"}),
                            _changed(old_markup, new_markup, tag, {"ins"}),
                            _changed(old_markup, new_markup, tag),
                        )
                    )
                continue
            for _tag, markup in before[k1:k2]:
                removed = _shown(markup, picture, "removed")
                rows.append(Row(removed, None, removed))
            for _tag, markup in after[l1:l2]:
                added = _shown(markup, picture, "added")
                rows.append(Row(None, added, added))
    return rows


def inline(rows):
    """HTML: block_rows() read as one body, the newer version's, with removed blocks
    struck where they were, added ones marked, edited ones diffed."""
    return format_html(
        '<div class="body-diff">{}</div>',
        format_html_join("", "{}", ((row.inline,) for row in rows)),
    )


def compare_bodies(old_body, new_body, *, picture):
    """HTML: the two bodies compared inline (see block_rows and inline)."""
    return inline(block_rows(old_body, new_body, picture=picture))
