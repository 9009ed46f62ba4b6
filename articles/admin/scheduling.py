"""Scheduling in the story admin that says what it does: the zone beside each time,
a Save button that reads "Schedule" for a future time (static/js/schedule.js), a
confirmation naming the time and zone, and the story list's schedule filter."""

from datetime import UTC, datetime

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from common.times import newsroom_day_time, zone_name

from ..models import Article


class ZonedSplitDateTime(AdminSplitDateTime):
    """The admin's date and time inputs with the newsroom's zone written beside them:
    a time typed here is the newsroom's, wherever the editor sits."""

    def render(self, name, value, attrs=None, renderer=None):
        return super().render(name, value, attrs, renderer) + format_html(
            '<span class="newsroom-zone" title="{}">{}</span>',
            settings.TIME_ZONE,
            zone_name(),
        )


class ZonedSplitDateTimeField(forms.SplitDateTimeField):
    """A date and a time in the newsroom's zone (ZonedSplitDateTime). In the hour
    the clocks go back each time happens twice, and Django refuses it as ambiguous,
    so a story published then could not be saved with the time its own form
    showed: here it is the first of the two, and ArticleAdminForm.as_stored decides
    (the story's own time, or a message). A time the clocks skip is refused."""

    widget = ZonedSplitDateTime

    def compress(self, data_list):
        try:
            return super().compress(data_list)
        except ValidationError:
            if not data_list or None in data_list[:2]:
                raise
            on_the_clock = datetime.combine(*data_list)
            zone = timezone.get_current_timezone()
            first = on_the_clock.replace(tzinfo=zone, fold=0)
            if first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != (
                on_the_clock
            ):
                raise  # skipped by the clocks going forward: no such time
            return first


def confirmation(story):
    """What saving `story` did to its schedule, in words with the time and zone; None
    when it has no schedule to speak of."""
    if story.status != Article.Status.PUBLISHED:
        return None
    parts = []
    if story.is_scheduled:
        parts.append(
            _("“%(story)s” is scheduled for %(when)s.")
            % {"story": story, "when": newsroom_day_time(story.published_at)}
        )
    if story.has_expired:
        parts.append(
            _("“%(story)s” has come down (its take-down time, %(when)s, has passed).")
            % {"story": story, "when": newsroom_day_time(story.expires_at)}
        )
    elif story.expires_at:
        parts.append(
            _("It comes down %(when)s.") % {"when": newsroom_day_time(story.expires_at)}
        )
    if parts and not story.is_scheduled and not story.has_expired:
        parts.insert(0, _("“%(story)s” is live.") % {"story": story})
    return " ".join(str(part) for part in parts) or None


def save_label(story):
    """The Save button's word for `story` as it was opened: "Schedule" for a
    published story whose time is still to come."""
    if story is not None and story.is_scheduled:
        return _("Schedule")
    return _("Save")


class ScheduleFilter(admin.SimpleListFilter):
    """Stories by where they stand on the clock: scheduled to go up, live with a
    take-down time still to come, or taken down by one."""

    title = _("schedule")
    parameter_name = "schedule"

    def lookups(self, request, model_admin):
        return [
            ("scheduled", _("Scheduled")),
            ("coming_down", _("Coming down")),
            ("taken_down", _("Taken down")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "scheduled":
            return queryset.scheduled()
        if self.value() == "coming_down":
            return queryset.published().filter(expires_at__gt=timezone.now())
        if self.value() == "taken_down":
            return queryset.expired()
        return queryset
