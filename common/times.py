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


def newsroom_day_time(value):
    """A time with its weekday, for a desk deciding when: "Tue 1 Dec, 7:00am EST"
    (the year added when it is not this one)."""
    if not value:
        return ""
    local = timezone.localtime(value)
    hour = local.hour % 12 or 12
    meridiem = "am" if local.hour < 12 else "pm"
    year = "" if local.year == timezone.localtime().year else f" {local.year}"
    return (
        f"{local:%a} {local.day} {local:%b}{year}, "
        f"{hour}:{local.minute:02d}{meridiem} {local.tzname()}"
    )


def zone_name(value=None):
    """The newsroom's zone as it is written at `value` (now if None): "EST"."""
    return timezone.localtime(value).tzname()
