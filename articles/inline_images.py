"""
Library pictures placed in a story's body.

The body stores only a reference to the picture and how this story uses it:
`<figure data-image-id="12" data-size="wide" data-caption="…"></figure>`. The
picture, its credit, renditions and (unless this story gives its own) caption come
from the library each time the page is rendered, so a corrected caption shows
everywhere at once. Pure string work, no ORM.
"""

import html
import re
from dataclasses import dataclass

from . import galleries

# How wide a placed picture is set on the story page: within the text column, wider
# than it, or the width of the screen.
SIZES = ("inline", "wide", "full")

# After sanitising, a placed picture is a <figure> carrying data-image-id, in any
# attribute order (group 1: the id). Anything inside it is ignored.
PLACED_PICTURE = re.compile(
    r'<figure\b(?=[^>]*\sdata-image-id="(\d+)")[^>]*>.*?</figure>', re.DOTALL
)
ATTRIBUTE = re.compile(r'\s(data-size|data-caption)="([^"]*)"')


@dataclass(frozen=True)
class Placement:
    """One placed picture: which, how wide, and this story's caption for it ("" for
    the library's)."""

    image_id: int
    size: str = "inline"
    caption: str = ""


def placement(match):
    """The Placement a PLACED_PICTURE match describes."""
    opening_tag = match.group(0).split(">", 1)[0]
    found = {
        name: html.unescape(value) for name, value in ATTRIBUTE.findall(opening_tag)
    }
    size = found.get("data-size", "inline")
    return Placement(
        image_id=int(match.group(1)),
        size=size if size in SIZES else "inline",
        caption=found.get("data-caption", "").strip(),
    )


def placed_image_ids(html):
    """The ids of the pictures placed in `html`, in order, each once."""
    return list(dict.fromkeys(int(match) for match in PLACED_PICTURE.findall(html)))


def body_image_ids(html):
    """The ids of every library picture `html` shows, placed or in a gallery, in
    order, each once: what a page must fetch and the library must know is used."""
    ids = placed_image_ids(html) + galleries.gallery_image_ids(html)
    return list(dict.fromkeys(ids))


def expand(html, images_by_id, render):
    """`html` with each placed picture replaced by `render(image, placement)`; a
    picture no longer in the library simply disappears."""

    def replace(match):
        placed = placement(match)
        image = images_by_id.get(placed.image_id)
        return render(image, placed) if image else ""

    return PLACED_PICTURE.sub(replace, html)


def snippet(image_id, size="inline", caption=""):
    """What the editor inserts into a body to place a picture."""
    attributes = f' data-image-id="{int(image_id)}"'
    if size != "inline":
        attributes += f' data-size="{html.escape(size)}"'
    if caption:
        attributes += f' data-caption="{html.escape(caption)}"'
    return f"<figure{attributes}></figure>"
