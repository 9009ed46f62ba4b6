from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Staff sign-in: the admin login with its lockout and two-factor codes."""

    name = "accounts"
    verbose_name = _("Staff sign-in")
