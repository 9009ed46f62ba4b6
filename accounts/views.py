"""The two-factor page in the admin: set up an authenticator app, or turn it off."""

from django.contrib import admin, messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.qr import write_qrcode_image

from .forms import CodeForm
from .two_factor import (
    confirmed_device,
    is_required,
    pending_device,
    seconds_to_wait,
    secret,
    wait_message,
)


def next_url(request):
    """Where to go once done: the admin page she was sent here from, or the index."""
    url = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME)
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("admin:index")


def two_factor(request):
    """Set up two-factor sign-in (scan the code, then type a code to confirm) or,
    once it is on, turn it off with a code."""
    device = confirmed_device(request.user)
    if device is not None:
        return two_factor_on(request, device)

    device = pending_device(request.user)
    form = CodeForm(request.POST or None)
    if form.is_valid() and (wait := seconds_to_wait(device)):
        form.add_error("code", wait_message(wait))
    elif form.is_valid():
        with transaction.atomic():
            accepted = device.verify_token(form.cleaned_data["code"])
            if accepted:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
        if accepted:
            # This session has just shown a code: it counts as verified.
            otp_login(request, device)
            messages.success(
                request,
                _(
                    "Two-factor sign-in is on. From now on, sign in with your "
                    "password and the code your app shows."
                ),
            )
            return redirect(next_url(request))
        form.add_error(
            "code",
            _(
                "That code is not right. Enter the code your app shows now; if it "
                "keeps failing, check that your phone's clock is right."
            ),
        )
    context = {
        **admin.site.each_context(request),
        "title": _("Set up two-factor sign-in"),
        "form": form,
        "secret": secret(device),
        "otpauth_uri": device.config_url,
        "is_required": is_required(request.user),
        "next": next_url(request),
    }
    return TemplateResponse(request, "admin/accounts/two_factor_setup.html", context)


def two_factor_on(request, device):
    """Two-factor sign-in is on: say so, and let her turn it off with a code, unless
    the newsroom requires it of her."""
    required = is_required(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and required:
        messages.error(
            request,
            _(
                "Your newsroom requires two-factor sign-in for your account, so it "
                "cannot be turned off. If you have lost your phone, ask an "
                "administrator to remove your authenticator app."
            ),
        )
        return redirect("accounts:two_factor")
    if form.is_valid() and (wait := seconds_to_wait(device)):
        form.add_error("code", wait_message(wait))
    elif form.is_valid():
        with transaction.atomic():
            accepted = device.verify_token(form.cleaned_data["code"])
        if accepted:
            for each in devices_for_user(request.user, confirmed=None):
                each.delete()
            messages.success(request, _("Two-factor sign-in is off."))
            return redirect("accounts:two_factor")
        form.add_error("code", _("That code is not right: two-factor sign-in is on."))
    context = {
        **admin.site.each_context(request),
        "title": _("Two-factor sign-in"),
        "form": form,
        "device": device,
        "is_required": required,
    }
    return TemplateResponse(request, "admin/accounts/two_factor_on.html", context)


def two_factor_qr_code(request):
    """The QR code of the app being set up, as SVG; none once it is confirmed."""
    if confirmed_device(request.user) is not None:
        raise Http404(_("Two-factor sign-in is already set up."))
    response = HttpResponse(content_type="image/svg+xml")
    write_qrcode_image(pending_device(request.user).config_url, response)
    return response
