"""
Library pictures placed in a story's body.

The body stores only a reference, `<figure data-image-id="12"></figure>`; the picture,
its caption, credit and renditions come from the library each time the page is
rendered, so a corrected caption shows everywhere at once. Pure string work, no ORM.
"""

import re

# After sanitising, a placed picture is exactly this element (anything inside it is
# ignored: the library supplies the caption).
PLACED_PICTURE = re.compile(r'<figure data-image-id="(\d+)">.*?</figure>', re.DOTALL)


def placed_image_ids(html):
    """The ids of the pictures placed in `html`, in order, each once."""
    return list(dict.fromkeys(int(match) for match in PLACED_PICTURE.findall(html)))


def expand(html, images_by_id, render):
    """`html` with each placed picture replaced by `render(image)`; a picture no longer
    in the library simply disappears."""

    def replace(match):
        image = images_by_id.get(int(match.group(1)))
        return render(image) if image else ""

    return PLACED_PICTURE.sub(replace, html)


def snippet(image_id):
    """What the editor inserts into a body to place a picture."""
    return f'<figure data-image-id="{int(image_id)}"></figure>'
