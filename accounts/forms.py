from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user, verify_token

from .two_factor import seconds_to_wait, wait_message


def code_field(**kwargs):
    return forms.CharField(
        label=_("Authentication code"),
        max_length=10,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
                "size": 8,
            }
        ),
        **kwargs,
    )


def clean_code(value):
    """The digits of a code, however the person spaced them."""
    return "".join(value.split())


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's login: username and password, and for anyone who has turned on
    two-factor sign-in, the code her authenticator app shows.

    One form, so that no session exists until both are right: a password alone
    never opens the admin of an account that has an authenticator app.
    """

    otp_token = code_field(
        required=False,
        help_text=_(
            "The six digits your authenticator app shows, if you have set up "
            "two-factor sign-in."
        ),
    )

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "code_required": _(
            "Two-factor sign-in is on for this account: enter the six-digit code "
            "your authenticator app shows."
        ),
        "code_wrong": _(
            "That code is not right, or has been used already. Enter the code your "
            "authenticator app shows now; if it keeps failing, check that your "
            "phone's clock is right."
        ),
    }

    def clean(self):
        cleaned_data = super().clean()  # the password, checked and throttled by axes
        user = self.get_user()
        devices = list(devices_for_user(user))
        if not devices:
            return cleaned_data
        code = clean_code(cleaned_data.get("otp_token", ""))
        if not code:
            raise forms.ValidationError(
                self.error_messages["code_required"], code="code_required"
            )
        waits = [seconds_to_wait(device) for device in devices]
        if all(waits):
            # Not a try: the app's codes are not checked until the wait is over.
            raise forms.ValidationError(wait_message(min(waits)), code="wait")
        for device, wait in zip(devices, waits, strict=True):
            verified = not wait and verify_token(user, device.persistent_id, code)
            if verified:
                # django-otp marks the session verified when Django logs her in.
                user.otp_device = verified
                return cleaned_data
        # A wrong code counts as a failed sign-in, so that someone who has the
        # password cannot try codes for longer than he could try passwords.
        user_login_failed.send(
            sender=__name__,
            credentials={"username": cleaned_data.get("username")},
            request=self.request,
        )
        raise forms.ValidationError(
            self.error_messages["code_wrong"], code="code_wrong"
        )


class CodeForm(forms.Form):
    """A code from the authenticator app, to confirm it is set up or to turn it off."""

    code = code_field()

    def clean_code(self):
        code = clean_code(self.cleaned_data["code"])
        if not code.isdigit():
            raise forms.ValidationError(
                _("Enter the code as your app shows it: six digits."), code="digits"
            )
        return code
