"""
The admin lists of the logins' apps we take as they are (Django's groups,
django-axes's sign-in records, django-otp's authenticator devices), given our
NUL-safe lists and selections (common/lookups.py): a hand-made request to them gets
the calm answer ours give, not a 500. (Logins themselves: articles/admin.)
"""

from axes import admin as axes_admin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp import admin as totp_admin
from django_otp.plugins.otp_totp.models import TOTPDevice

from common.lookups import NulSafeAdminMixin


class GroupAdmin(NulSafeAdminMixin, auth_admin.GroupAdmin):
    pass


class AccessAttemptAdmin(NulSafeAdminMixin, axes_admin.AccessAttemptAdmin):
    pass


class AccessLogAdmin(NulSafeAdminMixin, axes_admin.AccessLogAdmin):
    pass


class AccessFailureLogAdmin(NulSafeAdminMixin, axes_admin.AccessFailureLogAdmin):
    pass


class TOTPDeviceAdmin(NulSafeAdminMixin, totp_admin.TOTPDeviceAdmin):
    pass


for model, model_admin in [
    (Group, GroupAdmin),
    (AccessAttempt, AccessAttemptAdmin),
    (AccessLog, AccessLogAdmin),
    (AccessFailureLog, AccessFailureLogAdmin),
    (TOTPDevice, TOTPDeviceAdmin),
]:
    # Each as its app left it: django-axes lists its records only if its settings
    # say so (AXES_ENABLE_ADMIN).
    if admin.site.is_registered(model):
        admin.site.unregister(model)
        admin.site.register(model, model_admin)
