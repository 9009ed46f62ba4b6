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

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from .inline_images import PLACED_PICTURE
from .sanitize import clean_body, plain_text

LISTS = {"ul", "ol"}
# A changed block longer than this many unchanged words in a row is shortened.
CONTEXT_WORDS = 20


class _Blocks(HTMLParser):
    """Splits HTML into its top-level elements, as (tag, markup) pairs."""

    def __init__(self, source):
        super().__init__(convert_charrefs=False)
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


def word_diff(old, new):
    """The words of `old` to those of `new`: <del> for removed, <ins> for added."""
    parts = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            same = old[i1:i2]
            if len(same) > 2 * CONTEXT_WORDS:
                same = [*same[:CONTEXT_WORDS], "…", *same[-CONTEXT_WORDS:]]
            parts.append(format_html("{}", " ".join(same)))
            continue
        if i2 > i1:
            parts.append(format_html("<del>{}</del>", " ".join(old[i1:i2])))
        if j2 > j1:
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


def _changed(old_markup, new_markup, tag, picture):
    """One block edited in place: the same kind of block, its words diffed (list
    items item by item)."""
    if tag in LISTS:
        return _changed_list(old_markup, new_markup, picture)
    opening, closing = _tag_of(new_markup)
    return format_html(
        '<div class="body-diff__block body-diff__block--changed">{}{}{}</div>',
        mark_safe(opening),
        word_diff(_words(old_markup), _words(new_markup)),
        mark_safe(closing),
    )


def _changed_list(old_markup, new_markup, picture):
    opening, closing = _tag_of(new_markup)
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
            format_html("<li>{}</li>", word_diff(_words(a), _words(b)))
            for a, b in zip(before[:paired], after[:paired], strict=True)
        ]
        rows += [
            format_html("<li><del>{}</del></li>", plain_text(item).strip())
            for item in before[paired:]
        ]
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


def block_rows(old_body, new_body, *, picture):
    """The two bodies aligned block by block: (older, newer) pairs of HTML, either
    side None where the block is not in that version. A block edited in place is
    shown on both sides with its words diffed; `picture(id)` draws a placed
    picture."""
    old, new = blocks(old_body), blocks(new_body)
    rows = []
    matcher = difflib.SequenceMatcher(
        a=[markup for _tag, markup in old],
        b=[markup for _tag, markup in new],
        autojunk=False,
    )
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            rows += [
                (_shown(markup, picture), _shown(markup, picture))
                for _tag, markup in new[j1:j2]
            ]
            continue
        before, after = old[i1:i2], new[j1:j2]
        # Blocks edited in place pair up, one for one, when they are of one kind.
        paired = 0
        for (old_tag, old_markup), (new_tag, new_markup) in zip(
            before, after, strict=False
        ):
            if old_tag != new_tag or PLACED_PICTURE.fullmatch(new_markup):
                break
            changed = _changed(old_markup, new_markup, new_tag, picture)
            rows.append((changed, changed))
            paired += 1
        rows += [
            (_shown(markup, picture, "removed"), None)
            for _tag, markup in before[paired:]
        ]
        rows += [
            (None, _shown(markup, picture, "added")) for _tag, markup in after[paired:]
        ]
    return rows


def inline(rows):
    """HTML: block_rows() read as one body, the newer version's, with removed blocks
    struck where they were, added ones marked, edited ones diffed."""
    return format_html(
        '<div class="body-diff">{}</div>',
        format_html_join("", "{}", ((new or old,) for old, new in rows)),
    )


def compare_bodies(old_body, new_body, *, picture):
    """HTML: the two bodies compared inline (see block_rows and inline)."""
    return inline(block_rows(old_body, new_body, picture=picture))
