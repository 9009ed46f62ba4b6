"""
Allow-list HTML cleaning for story bodies.

Whatever reaches the database has passed through `clean_body`: unknown tags are dropped
(their text kept), scripts and styles removed with their content, attributes limited to
the few each tag needs, and links limited to web and mail addresses.
"""

import html
import re

import nh3
from django.utils.html import strip_tags

from . import body_blocks
from .inline_images import SIZES as PICTURE_SIZES

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
    "aside",
    "hr",
    "figure",
    "figcaption",
    "sup",
    "sub",
    *("table", "caption", "thead", "tbody", "tr", "th", "td"),
}

ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "ol": {"start"},
    # <figure data-image-id="12" data-size="wide" data-caption="…"></figure>: a
    # picture from the library, rendered with its caption (or this story's own),
    # credit and renditions with the page (see inline_images.py); embeds and
    # galleries are figures too (body_blocks.py).
    "figure": {"data-image-id", "data-size", "data-caption"}
    | body_blocks.FIGURE_ATTRIBUTES,
    **body_blocks.TABLE_ATTRIBUTES,
}

# <aside class="pull-quote">: a line lifted from the story, set large. It is the only
# class a body may carry; any other an editor pastes is dropped.
ALLOWED_CLASSES = {"aside": {"pull-quote"}}

ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def only_picture_ids(element, attribute, value):
    """A placed picture's id is a number and its size one of the sizes, or the
    attribute goes."""
    if attribute == "data-image-id" and not (value.isascii() and value.isdigit()):
        return None
    if attribute == "data-size" and value not in PICTURE_SIZES:
        return None
    return body_blocks.valid_attribute(element, attribute, value)


def clean_body(html: str) -> str:
    """Return `html` reduced to the tags, attributes and URL schemes a story may use."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        attribute_filter=only_picture_ids,
        tag_attribute_values=body_blocks.TABLE_ATTRIBUTE_VALUES,
        url_schemes=ALLOWED_URL_SCHEMES,
        # Links open in the same tab (no target), so no rel is needed to guard the page.
        link_rel=None,
    ).strip()


# Where one block ends and the next starts, words must stay apart in plain text: the
# editor writes "<p>one</p><p>two</p>" with nothing between the paragraphs.
BLOCK_END = re.compile(r"</(p|h[2-4]|li|blockquote|aside|figcaption)>|<(br|hr)\s*/?>")


def plain_text(body: str) -> str:
    """The words of a cleaned body, blocks on lines of their own, for search
    snippets and word counts."""
    return html.unescape(strip_tags(BLOCK_END.sub(lambda m: m.group(0) + "\n", body)))


# Characters XML 1.0 cannot carry at all, not even escaped. Text pasted from a word
# processor brings some along (a vertical tab for a line break): a feed or sitemap
# holding one is refused whole by its readers, and Django's feed generator fails.
NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value):
    """`value` (text, or lists, tuples and dicts of it) without NOT_XML."""
    if isinstance(value, str):
        return NOT_XML.sub("", value)
    if isinstance(value, list | tuple):
        return type(value)(xml_text(item) for item in value)
    if isinstance(value, dict):
        return {key: xml_text(item) for key, item in value.items()}
    return value
