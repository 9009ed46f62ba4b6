from django import template
from django.utils.safestring import mark_safe

from articles.sanitize import clean_body

register = template.Library()


@register.simple_tag
def entry_text(entry):
    """An entry's body on the desk, cleaned again as it is rendered."""
    return mark_safe(clean_body(entry.body))
