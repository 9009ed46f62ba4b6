from django import template
from django.utils.html import format_html

from .. import live_page
from .reader_tags import by_names

register = template.Library()


@register.simple_tag
def live_entry_body(entry, images, embeds):
    """An entry's body for readers, with the pictures and embeds it shows."""
    return live_page.entry_html(entry, images or {}, embeds or {})


@register.simple_tag
def live_order(entry):
    """Where an entry goes among others on a reader's page (live.js): newest first."""
    return live_page.to_cursor(entry.published_at)


@register.simple_tag
def entry_byline(entry, linked_authors):
    """ "By A and B": each name linked to its author page, where she has one."""
    return by_names(
        format_html('<a href="{}">{}</a>', b.author.get_absolute_url(), b.author.name)
        if b.author_id in linked_authors
        else format_html("{}", b.author.name)
        for b in entry.bylines.all()
    )
