"""The story as readers will meet it away from the site: a search result and a
social card, drawn in the story form's sidebar from what is saved, and kept up to
date as the editor types by static/js/search-preview.js. Everything typed is
escaped (format_html); the script sets text, never markup."""

from django.conf import settings
from django.utils.html import format_html
from django.utils.translation import gettext as _

from photos.admin import thumbnail


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
