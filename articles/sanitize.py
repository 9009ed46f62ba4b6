"""
Allow-list HTML cleaning for story bodies.

Whatever reaches the database has passed through `clean_body`: unknown tags are dropped
(their text kept), scripts and styles removed with their content, attributes limited to
the few each tag needs, and links limited to web and mail addresses.
"""

import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "h2",
    "h3",
    "h4",
    "strong",
    "em",
    "b",
    "i",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "hr",
    "figure",
    "figcaption",
    "sup",
    "sub",
}

ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "blockquote": {"cite"},
    "ol": {"start"},
    # <figure data-image-id="12"></figure>: a picture from the library, drawn with its
    # caption, credit and renditions when the page is (see inline_images.py).
    "figure": {"data-image-id"},
}

ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def clean_body(html: str) -> str:
    """Return `html` reduced to the tags, attributes and URL schemes a story may use."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        # Links open in the same tab (no target), so no rel is needed to guard the page.
        link_rel=None,
    ).strip()
