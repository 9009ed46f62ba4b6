"""
Parts of a page that the page cache can render again on their own.

A story page links to other stories ("More from", related). A new headline on one
of them changes that block and nothing else on the page, yet it made the whole page
be rendered again: most of a news day's renders were of such pages. A view that
places such a block as a *fragment* lets the page cache render the block alone
when only what the block shows has changed, and put it in the page it keeps.

A fragment is a function registered under a name with @fragment, rendering its
HTML from a few plain arguments (ids, names: what the page cache keeps with the
page) and recording the keys of what it shows (keys.depends_on), as a page does.
The view places it with place(), which renders it (by a function of the view's,
if it has what the fragment needs at hand) and, while the page cache records the
page, marks where it sits in the page (the marks are taken out before the page is
sent or kept). The keys the fragment recorded are its own: a change to
them alone is answered by render() of the fragment into the kept page.
"""

import secrets
from contextlib import contextmanager
from contextvars import ContextVar
from typing import NamedTuple

from django.utils.safestring import mark_safe

from .keys import depends_on, recording

_renderers = {}
_placed = ContextVar("delivery_placed_fragments", default=None)


class Placed(NamedTuple):
    """A fragment placed in a page: what renders it again, what it shows, and
    (once the page is cut) where it sits in the page's bytes."""

    name: str
    arguments: dict
    keys: frozenset
    mark: str = ""
    start: int = 0
    end: int = 0


def fragment(name):
    """Register the decorated function as the fragment `name`: called with keyword
    arguments, it returns the fragment's HTML (a safe string)."""

    def register(render_html):
        _renderers[name] = render_html
        return render_html

    return register


def is_known(name):
    """Whether this process can render the fragment `name` (a page kept by
    another version of the code may name one it no longer has)."""
    return name in _renderers


def render(name, arguments, rendered_by=None):
    """(html, keys) of the fragment `name` rendered with `arguments` now (by
    `rendered_by()`, if given: see place())."""
    with recording() as keys:
        html = rendered_by() if rendered_by else _renderers[name](**arguments)
    return html, frozenset(keys)


def place(name, rendered_by=None, **arguments):
    """The HTML of the fragment `name` for the page being rendered, rendered by
    `rendered_by()` if given (with what the view has at hand), else from its
    `arguments` (as the page cache renders it again alone). The arguments are kept
    with the page: plain values only (no class of ours), which any version of the
    code can read back.

    While the page cache records the page (collecting()), the fragment's keys are
    kept apart from the page's and the HTML comes between two marks no reader's
    text can forge (a secret of this render); otherwise its keys are the page's."""
    html, keys = render(name, arguments, rendered_by)
    placed = _placed.get()
    if placed is None:
        depends_on(*keys)
        return html
    mark = f"<!--fragment-{secrets.token_hex(16)}-->"
    placed.append(Placed(name, arguments, keys, mark))
    return mark_safe(f"{mark}{html}{mark}")


@contextmanager
def collecting():
    """Collect the fragments placed while the block runs (see place())."""
    placed = []
    token = _placed.set(placed)
    try:
        yield placed
    finally:
        _placed.reset(token)


def cut(content, placed):
    """(`content` without the marks of the fragments `placed` in it, [Placed with
    where it sits in that content]) (content in bytes). A fragment whose marks are
    not there twice (a view rendered it but did not show it, or showed it twice)
    is left out of the list: it is then only part of the page. Fragments do not
    nest."""
    marks, spans = [], []  # (where, length) of every mark; (Placed, start, end)
    for one in placed:
        mark = one.mark.encode()
        found = list(_occurrences(content, mark))
        marks += [(at, len(mark)) for at in found]
        if len(found) == 2:
            spans.append((one, found[0] + len(mark), found[1]))

    def without_marks(position):
        return position - sum(length for at, length in marks if at < position)

    for one in placed:
        content = content.replace(one.mark.encode(), b"")
    return content, [
        one._replace(start=without_marks(start), end=without_marks(end))
        for one, start, end in spans
    ]


def _occurrences(content, mark):
    at = content.find(mark)
    while at != -1:
        yield at
        at = content.find(mark, at + len(mark))
