"""
The story body's richer blocks, rendered with the page: tables (made readable on a
phone), galleries of library pictures, and embeds (a placeholder; the provider's
frame or post loads only when the reader asks). The one script they need is added
once, only to bodies that have a gallery or an embed.
"""

import itertools

from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.html import format_html

from articles import galleries, tables
from embeds import body as embed_markup
from embeds.rendering import plain_link, render_embed

SCRIPT = "js/story-blocks.js"


def render_blocks(html, *, images, embeds, preview_token=None):
    """`html` (a cleaned body) with its tables, galleries and embeds rendered;
    `images` maps picture ids to Images, `embeds` addresses to Embeds."""
    html = tables.readable_tables(html)
    numbers = itertools.count(1)

    def gallery(gallery_images):
        return render_to_string(
            "includes/gallery.html",
            {
                "images": gallery_images,
                "number": next(numbers),
                "preview_token": preview_token,
            },
        )

    enhanced = bool(galleries.GALLERY.search(html) or embed_markup.EMBED.search(html))
    html = galleries.expand(html, images, gallery)
    html = embed_markup.expand(html, lambda url: render_embed(url, embeds.get(url)))
    if enhanced:
        html += format_html('\n<script src="{}" defer></script>', static(SCRIPT))
    return html


def for_feeds(html, *, images, render_picture):
    """`html` as feed readers can show it: each embed a plain link to the original,
    each gallery its pictures one after another (`render_picture`), tables as
    they are."""
    html = galleries.expand(
        html, images, lambda pictures: "".join(map(render_picture, pictures))
    )
    return embed_markup.expand(html, plain_link)
