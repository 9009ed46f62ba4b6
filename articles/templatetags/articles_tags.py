from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def newsroom_time(value):
    """A time as a newsroom prints it, in its own zone: "Feb 20, 2018, 5:20pm EST"."""
    if not value:
        return ""
    local = timezone.localtime(value)
    hour = local.hour % 12 or 12
    meridiem = "am" if local.hour < 12 else "pm"
    return (
        f"{local:%b} {local.day}, {local.year}, "
        f"{hour}:{local.minute:02d}{meridiem} {local.tzname()}"
    )


@register.filter
def iso_time(value):
    """A time for a `datetime` attribute, with the newsroom zone's offset."""
    return timezone.localtime(value).isoformat() if value else ""


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    """`path` as a full URL on the host the page was requested from."""
    return context["request"].build_absolute_uri(path)
