"""
The markup of the body's embeds, galleries and tables, as the sanitiser
(sanitize.py) lets it through:

- `<figure data-embed-url="https://…"></figure>`: an embed (embeds/body.py);
- `<figure data-gallery-ids="12,13,14"></figure>`: a gallery of library pictures
  (galleries.py);
- tables with a caption and header cells, whose `scope` says what they head.
"""

from urllib.parse import urlsplit

FIGURE_ATTRIBUTES = {"data-embed-url", "data-gallery-ids"}
TABLE_ATTRIBUTES = {"th": {"colspan", "rowspan"}, "td": {"colspan", "rowspan"}}
TABLE_ATTRIBUTE_VALUES = {"th": {"scope": {"col", "row", "colgroup", "rowgroup"}}}


def is_web_address(value):
    parts = urlsplit(value)
    return parts.scheme in {"http", "https"} and bool(parts.hostname)


def is_id_list(value):
    return value.isascii() and all(part.isdigit() for part in value.split(","))


def valid_attribute(element, attribute, value):
    """`value` if it is what the attribute may hold, else None (dropped)."""
    if attribute == "data-embed-url":
        return value if len(value) <= 2000 and is_web_address(value) else None
    if attribute == "data-gallery-ids":
        return value if is_id_list(value) else None
    if attribute in {"colspan", "rowspan"}:
        return value if value.isascii() and value.isdigit() and value != "0" else None
    return value
