"""
What of a provider's embed HTML may reach a page: an nh3 allow-list.

Frames only from the provider's listed origins, sandboxed; the text of a post
(blockquote, paragraphs, links) with web links only; no event handlers, styles or
inline script. A provider's own script is not kept in the HTML: its address is kept
apart, only when it comes from the provider's listed script origins, and the page
loads it when a reader asks (static/js/story-blocks.js).
"""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3

TAGS = {"iframe", "blockquote", "p", "a", "br", "strong", "em", "b", "i", "span"}
ATTRIBUTES = {
    "iframe": {"src", "width", "height", "allow", "allowfullscreen"},
    "blockquote": {"cite"},
    "a": {"href"},
}
# A frame runs the provider's player as its own origin, and may open the post in a
# new tab; it may not navigate our page, nor submit forms or download in its name.
SANDBOX = "allow-scripts allow-same-origin allow-popups allow-presentation"


def origin(url):
    """ "https://host[:port]" of `url`, or "" for anything but a web address."""
    parts = urlsplit(url.strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return ""
    return f"{parts.scheme}://{parts.netloc.lower()}"


class _Scripts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.sources = []

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.sources.extend(
                value for name, value in attrs if name == "src" and value
            )


def script_source(html, allowed_origins):
    """The first <script src> of `html` from one of `allowed_origins`, or ""."""
    parser = _Scripts()
    parser.feed(html or "")
    for source in parser.sources:
        if source.startswith("//"):
            source = "https:" + source
        if origin(source) and origin(source) in allowed_origins:
            return source
    return ""


def clean_embed(html, *, frames, title, classes=()):
    """`html` reduced to what a page may show of it (see the module docstring); each
    frame from `frames` origins only, sandboxed and titled `title`; of the classes,
    only `classes` (those by which the provider's script finds its posts)."""

    def keep(tag, attribute, value):
        if tag == "iframe" and attribute == "src":
            source = "https:" + value if value.startswith("//") else value
            return source if origin(source) in frames else None
        if attribute in {"width", "height"}:
            # Pixels only: "100%" is CSS's business (and invalid HTML).
            return value if value.isascii() and value.isdigit() else None
        return value

    cleaned = nh3.clean(
        html or "",
        tags=TAGS,
        clean_content_tags={"script", "style"},
        attributes=ATTRIBUTES,
        attribute_filter=keep,
        allowed_classes={"blockquote": set(classes)},
        generic_attribute_prefixes={"data-"},
        url_schemes={"http", "https"},
        set_tag_attribute_values={
            "iframe": {"sandbox": SANDBOX, "title": title, "loading": "lazy"}
        },
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return without_empty_frames(cleaned).strip()


# A frame whose address was not the provider's: nothing to show, so it goes.
FRAME_WITHOUT_SOURCE = re.compile(r'<iframe\b(?![^>]*\ssrc=")[^>]*></iframe>')


def without_empty_frames(html):
    return FRAME_WITHOUT_SOURCE.sub("", html)
