"""The notes in the admin's pages: the story's sidebar thread, its history, and each
person's notifications (a count in the header, a list on the home page)."""

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from articles import workflow

from ..forms import NoteForm
from ..models import Note, Notification
from ..thread import thread_context

register = template.Library()

# How many notifications the home page lists.
SHOWN = 10


@register.inclusion_tag("admin/notes/sidebar.html", takes_context=True)
def notes_sidebar(context):
    """The story form's notes: the thread, a new note, and "What to change" for an
    editor who may request changes."""
    request = context["request"]
    story = context.get("original")
    adminform = context.get("adminform")
    change_request = adminform.form["change_request"] if adminform else None
    # As saved: a refused move has set the form's story to the status asked for.
    status = adminform.form.initial.get("status") if adminform else None
    may_request_changes = story is not None and any(
        workflow.requests_changes(request.user, status or story.status, target)
        for target, _label in context.get("transitions", [])
    )
    wants_change_request = change_request is not None and (
        may_request_changes or bool(change_request.errors)
    )
    return {
        **(thread_context(request, story) if story else {"story": None}),
        "note_form": NoteForm(prefix="note"),
        "change_request": change_request if wants_change_request else None,
    }


@register.simple_tag(takes_context=True)
def notifications_link(context):
    """ "Notifications (2)" among the user's links, to the list on the home page."""
    user = context["request"].user
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    return format_html(
        '<a href="{}#notifications" class="newsroom-notifications-link">{}</a> '
        '<span class="newsroom-notifications-count" aria-label="{}">{}</span> /',
        reverse("admin:index"),
        _("Notifications"),
        _("%(count)s unread") % {"count": unread},
        unread,
    )


@register.inclusion_tag("admin/notes/notifications.html", takes_context=True)
def notifications_panel(context):
    """The user's latest notifications, the unread ones marked new: seen here, they
    are read from now on."""
    user = context["request"].user
    notifications = list(Notification.objects.for_recipient(user)[:SHOWN])
    unread = [n.pk for n in notifications if n.read_at is None]
    if unread:
        Notification.objects.filter(pk__in=unread, recipient=user).update(
            read_at=timezone.now()
        )
    return {"notifications": notifications, "unread": set(unread)}


@register.inclusion_tag("admin/notes/history.html")
def notes_history(story):
    """Every note on the story, resolved ones too, for its history page."""
    return {"notes": list(Note.objects.on(story))}
