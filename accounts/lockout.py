"""
What django-axes needs from us to lock the admin login: the address a sign-in comes
from, and the page someone locked out is shown.

Failures are counted per username *and* address (AXES_LOCKOUT_PARAMETERS in
settings), so someone guessing at a colleague's password from elsewhere locks out
only himself, never her at her desk.
"""

import ipaddress

from django.conf import settings
from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def client_address(request):
    """The address a request comes from.

    REMOTE_ADDR, unless NEWSROOM_TRUSTED_PROXIES says how many proxies of ours stand in
    front of the app: each appends the address it was sent the request from to
    X-Forwarded-For, so the client's address is that many places from the right.
    Whatever a client writes there itself is further left, and never read.
    """
    proxies = settings.NEWSROOM_TRUSTED_PROXIES
    if proxies:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        forwarded = [address.strip() for address in forwarded if address.strip()]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
            try:
                return str(ipaddress.ip_address(address))
            except ValueError:
                pass  # a proxy misconfigured: better its own address than junk
    return request.META.get("REMOTE_ADDR")


def cool_off_minutes():
    """How long a lock lasts, in whole minutes; None when only an admin lifts it."""
    cool_off = settings.AXES_COOLOFF_TIME
    if not cool_off:
        return None
    return max(1, round(cool_off.total_seconds() / 60))


def locked_out(request, original_response=None, credentials=None):
    """The admin-styled page shown instead of the login once a username has failed
    too often from this address. It says the same whether or not the username
    exists, and names neither the account nor the address."""
    minutes = cool_off_minutes()
    if minutes:
        wait = ngettext(
            "Wait %(minutes)d minute and try again, or ask an administrator to "
            "unlock your sign-in.",
            "Wait %(minutes)d minutes and try again, or ask an administrator to "
            "unlock your sign-in.",
            minutes,
        ) % {"minutes": minutes}
    else:
        wait = _("Ask an administrator to unlock your sign-in.")
    context = {
        **admin.site.each_context(request),
        "title": _("Too many failed sign-ins"),
        "wait": wait,
        "cool_off_minutes": minutes,
    }
    return TemplateResponse(
        request,
        "admin/accounts/locked_out.html",
        context,
        status=settings.AXES_HTTP_RESPONSE_CODE,
    ).render()
