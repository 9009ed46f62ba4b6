"""Times as the newsroom prints them, always in its own zone."""

from django.utils import timezone


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
