"""
A body as readers get it, a story's or a live entry's: cleaned again as it is
rendered (rows written around save(), by loaddata or bulk updates, can never put
unclean markup on a page), with its placed pictures and its richer blocks: tables
(made readable on a phone), galleries of library pictures, and embeds (a
placeholder; the provider's frame or post loads only when the reader asks). The one
script they need is added once, only to bodies that have a gallery or an embed; a
live story's page loads it for all its entries, those still to come included.
"""

from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles import galleries, inline_images, tables
from articles.inline_images import Placement
from articles.sanitize import clean_body
from embeds import body as embed_markup
from embeds.models import Embed
from embeds.rendering import plain_link, render_embed

SCRIPT = "js/story-blocks.js"


def embeds_for(bodies):
    """The Embeds the `bodies` show, by address, in one query (none if none embed)."""
    urls = {url for body in bodies for url in embed_markup.embed_urls(body)}
    return {e.url: e for e in Embed.objects.filter(url__in=urls)} if urls else {}


def render_body(body, *, images, embeds, preview_token=None, script=True):
    """`body` cleaned and rendered for readers; `images` maps picture ids to Images
    (placed or in galleries), `embeds` addresses to Embeds. `script`: whether to
    add the blocks' script when the body needs it (a live page loads it once)."""

    def figure(image, placement):
        # The size and caption this body placed the picture with.
        return render_to_string(
            "includes/inline_figure.html",
            {"image": image, "placement": placement, "preview_token": preview_token},
        )

    def gallery(gallery_images):
        return render_to_string(
            "includes/gallery.html",
            {"images": gallery_images, "preview_token": preview_token},
        )

    html = inline_images.expand(clean_body(body), images, figure)
    html = tables.readable_tables(html)
    enhanced = bool(galleries.GALLERY.search(html) or embed_markup.EMBED.search(html))
    html = galleries.expand(html, images, gallery)
    html = embed_markup.expand(html, lambda url: render_embed(url, embeds.get(url)))
    if enhanced and script:
        html += format_html('\n<script src="{}" defer></script>', static(SCRIPT))
    return mark_safe(html)


def for_feeds(body, *, images, render_picture):
    """`body` cleaned and rendered as feed readers can show it: each picture by
    `render_picture(image, placement)`, a gallery's one after another (with the
    library's captions), each embed a plain link to the original, tables as they
    are."""

    def gallery(pictures):
        return "".join(render_picture(p, Placement(image_id=p.pk)) for p in pictures)

    html = inline_images.expand(clean_body(body), images, render_picture)
    html = galleries.expand(html, images, gallery)
    return embed_markup.expand(html, plain_link)
