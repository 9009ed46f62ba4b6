"""The story as readers will meet it away from the site: a search result and a
social card, drawn in the story form's sidebar from what is saved, and kept up to
date as the editor types by static/js/search-preview.js. Everything typed is
escaped (format_html); the script sets text, never markup."""

from django.conf import settings
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from photos.admin import thumbnail
from photos.renditions import SPECS

# The crops of a lead image readers meet, cut around its focal point: (spec, where,
# width of the rendition shown).
CROPS = [
    ("lead", "16:9 · the story page and the top story", 480),
    ("card", "4:3 · story cards", 320),
    ("square", "1:1 · search engines", 160),
]


def lead_image_crops(image):
    """HTML: `image` in each crop readers meet, labelled, or a dash."""
    if not image or not image.file:
        return "—"
    shown = [
        (name, image.get_rendition_url(SPECS[name], _width(image, name, wanted)), label)
        for name, label, wanted in CROPS
    ]
    return format_html(
        '<div class="desk-crops">{}</div>',
        format_html_join(
            "",
            '<figure class="desk-crops__{}"><img src="{}" alt="">'
            "<figcaption>{}</figcaption></figure>",
            shown,
        ),
    )


def _width(image, name, wanted):
    # The widths a picture offers stop at its own width.
    offered = image.rendition_widths(SPECS[name])
    return min([w for w in offered if w >= wanted] or [max(offered)])


def search_preview(story):
    """HTML: the search result, then the social card, for `story` (saved or not)."""
    address = (
        story.get_absolute_url()
        if story.pk
        else _("/<year>/<month>/<day>/<id>/<slug>/ once saved")
    )
    return format_html(
        '<div class="desk-preview" data-search-preview>'
        '<figure class="desk-serp" aria-label="{}">'
        '<div class="desk-serp__site">{}</div>'
        '<div class="desk-serp__url">{}</div>'
        '<div class="desk-serp__title" data-preview-title>{}</div>'
        '<div class="desk-serp__description" data-preview-description>{}</div>'
        "</figure>"
        '<figure class="desk-card" aria-label="{}">'
        '<div class="desk-card__image">{}</div>'
        '<div class="desk-card__text">'
        '<div class="desk-card__site">{}</div>'
        '<div class="desk-card__title" data-preview-title>{}</div>'
        '<div class="desk-card__description" data-preview-description>{}</div>'
        "</div></figure></div>",
        _("Search result"),
        settings.NEWSROOM_SITE_NAME,
        address,
        story.search_title or _("(headline)"),
        story.search_description or _("(dek)"),
        _("Social card"),
        thumbnail(story.card_image, size=320)
        if story.card_image
        else _("No picture yet: choose a lead image."),
        settings.NEWSROOM_SITE_NAME,
        story.search_title or _("(headline)"),
        story.search_description or _("(dek)"),
    )
