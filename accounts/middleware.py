from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django.utils.translation import gettext as _

from .two_factor import confirmed_device, is_required

# Admin views anyone signed in may reach before her code is checked.
OPEN_ADMIN_VIEWS = {"logout"}


class RequireTwoFactor:
    """With NEWSROOM_REQUIRE_2FA on, the people it names reach the admin only when
    their sign-in was checked with a code: someone without an authenticator app is
    sent to set one up first, and a session that began without a code (before her
    app was set up by an administrator, say) must sign in again.

    After django-otp's OTPMiddleware, which tells whether this session showed a code.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if "admin" not in match.namespaces or match.url_name in OPEN_ADMIN_VIEWS:
            return None
        user = request.user
        if not is_required(user) or user.is_verified():
            return None
        if confirmed_device(user) is not None:
            logout(request)
            messages.info(
                request, _("Sign in again, with the code your authenticator app shows.")
            )
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        messages.info(
            request,
            _(
                "Your newsroom requires two-factor sign-in for your account. Set up "
                "an authenticator app to go on to the admin."
            ),
        )
        setup = reverse("accounts:two_factor")
        return redirect_to_login(request.get_full_path(), setup, REDIRECT_FIELD_NAME)
