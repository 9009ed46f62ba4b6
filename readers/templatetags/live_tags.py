from django import template

from .. import live_page

register = template.Library()


@register.simple_tag
def live_entry_body(entry, images):
    """An entry's body for readers, with the library pictures it places."""
    return live_page.entry_html(entry, images or {})


@register.simple_tag
def live_order(entry):
    """Where an entry goes among others on a reader's page (live.js): newest first."""
    return live_page.to_cursor(entry.published_at)
