"""
Galleries in a story's body: `<figure data-gallery-ids="12,13,14"></figure>`.

Like a placed picture, the body keeps only references: the pictures, captions,
credits and renditions come from the library each time the page is rendered. Pure
string work, no ORM.
"""

import re

GALLERY = re.compile(r'<figure data-gallery-ids="([\d,]+)"></figure>')


def _ids(value):
    return [int(part) for part in value.split(",") if part]


def gallery_image_ids(html):
    """The ids of the pictures `html`'s galleries show, in order, each once."""
    return list(
        dict.fromkeys(pk for value in GALLERY.findall(html) for pk in _ids(value))
    )


def expand(html, images_by_id, render):
    """`html` with each gallery replaced by `render(images)`, the pictures still in
    the library in the editor's order; a gallery left with none disappears."""

    def replace(match):
        images = [images_by_id[pk] for pk in _ids(match.group(1)) if pk in images_by_id]
        return render(images) if images else ""

    return GALLERY.sub(replace, html)


def snippet(image_ids):
    """What the editor writes into a body for a gallery of `image_ids`."""
    ids = ",".join(str(int(pk)) for pk in image_ids)
    return f'<figure data-gallery-ids="{ids}"></figure>'
