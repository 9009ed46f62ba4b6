"""
Who must sign in with a code (NEWSROOM_REQUIRE_2FA), and the authenticator app a
person is setting up. The devices, their keys and the checking of codes are
django-otp's (its TOTP plugin: the codes of Google Authenticator, 1Password, Aegis…).
"""

import math
from base64 import b32encode

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

# What a person's authenticator app is called on the devices admin screen.
DEVICE_NAME = _("Authenticator app")


def is_required(user):
    """Whether this person must use a code to reach the admin.

    `editors`: superusers and whoever may publish (the Editor group's permission);
    `staff`: everyone who can sign in to the admin.
    """
    required_of = settings.NEWSROOM_REQUIRE_2FA
    if not required_of or not user.is_authenticated or not user.is_staff:
        return False
    if required_of == "staff":
        return True
    return user.is_superuser or user.has_perm("articles.publish_article")


def confirmed_device(user):
    """The authenticator app this person signs in with, if she has set one up."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def pending_device(user):
    """The authenticator app being set up: the same key until it is confirmed, so
    that reloading the page does not undo a scan already made."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name=str(DEVICE_NAME), confirmed=False
        )
    return device


def secret(device):
    """The key as an app asks for it when typed in by hand: base32, in fours."""
    text = b32encode(device.bin_key).decode("ascii")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def seconds_to_wait(device):
    """How long before the app's codes are checked again: after each wrong code in a
    row django-otp waits twice as long (1, 2, 4… seconds). 0 when they are now."""
    allowed, details = device.verify_is_allowed()
    if allowed:
        return 0
    locked_until = (details or {}).get("locked_until")
    if locked_until is None:
        return 1
    return max(1, math.ceil((locked_until - timezone.now()).total_seconds()))


def wait_message(seconds):
    return ngettext(
        "Too many wrong codes in a row: wait %(seconds)d second, then enter the "
        "code your app shows.",
        "Too many wrong codes in a row: wait %(seconds)d seconds, then enter the "
        "code your app shows.",
        seconds,
    ) % {"seconds": seconds}
