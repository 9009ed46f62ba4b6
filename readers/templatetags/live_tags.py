from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from .. import live_page

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
    names = [
        format_html('<a href="{}">{}</a>', b.author.get_absolute_url(), b.author.name)
        if b.author_id in linked_authors
        else format_html("{}", b.author.name)
        for b in entry.bylines.all()
    ]
    if not names:
        return ""
    if len(names) == 1:
        joined = names[0]
    elif len(names) == 2:
        joined = format_html(_("{} and {}"), *names)
    else:
        joined = format_html(
            _("{}, and {}"),
            format_html_join(", ", "{}", ((name,) for name in names[:-1])),
            names[-1],
        )
    return format_html(_("By {}"), joined)
