"""
Notifications by email, through Django's email framework (EMAIL_BACKEND: the console
in development, SMTP or a provider's backend in production; README).

Sent after the change commits, one message per person, so nobody learns of another's
notification; a mail server that fails is logged and never fails the save.
"""

import logging
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from common.people import person_name

logger = logging.getLogger(__name__)


def send_after_commit(notification_ids):
    if notification_ids:
        transaction.on_commit(partial(send, notification_ids))


def story_address(notification):
    """The story's page in the admin, where the notes are, as a full URL."""
    path = reverse("admin:articles_article_change", args=[notification.article_id])
    anchor = f"#note-{notification.note_id}" if notification.note_id else "#notes"
    return settings.NEWSROOM_SITE_URL.rstrip("/") + path + anchor


def message_for(notification, connection=None):
    context = {
        "notification": notification,
        "actor": person_name(notification.actor, "Someone"),
        "site": settings.NEWSROOM_SITE_NAME,
        "url": story_address(notification),
    }
    subject = render_to_string("notes/email/subject.txt", context)
    return EmailMessage(
        subject=" ".join(subject.split()),
        body=render_to_string("notes/email/body.txt", context),
        to=[notification.recipient.email],
        connection=connection,
    )


def send(notification_ids):
    from .models import Notification

    notifications = (
        Notification.objects.filter(pk__in=notification_ids)
        .exclude(recipient__email="")
        .select_related("recipient", "actor", "article", "note")
    )
    if not notifications:
        return
    try:
        # One connection to the mail server for them all, one message each.
        with get_connection() as connection:
            for notification in notifications:
                _send_one(notification, connection)
    except Exception:
        # The mail server could not be reached (or closed badly): as below.
        logger.exception("Could not email notifications %s", notification_ids)


def _send_one(notification, connection):
    try:
        message_for(notification, connection).send()
    except Exception:
        # Closed, so that the next message opens a connection of its own: a
        # server that dropped this one (a timeout, a limit per session) must not
        # take the rest of the batch with it.
        connection.close()
        # Whatever the mail server or provider raised: the change is saved and
        # the notification is in the admin; the email is only logged as lost.
        logger.exception(
            "Could not email notification %s to user %s",
            notification.pk,
            notification.recipient_id,
        )
