"""Refusals in the admin as admin pages: a staff member refused something (Django's
PermissionDenied, anywhere under /admin/) gets a page in the admin's look that says
what was refused and what she may do instead, never a bare 403. Readers keep
Django's plain one: the public site has nothing to refuse them but 404s."""

from django.contrib import admin
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import defaults


def permission_denied(request, exception=None):
    """handler403: the admin-styled refusal for staff in the admin, Django's own
    elsewhere."""
    user = getattr(request, "user", None)
    in_admin = request.path.startswith(reverse("admin:index"))
    if not (in_admin and user is not None and user.is_active and user.is_staff):
        return defaults.permission_denied(request, exception)
    return render(
        request,
        "admin/403.html",
        {
            **admin.site.each_context(request),
            "title": _("This is not yours to open"),
            "reason": _reason(exception),
            "role_names": sorted(user.groups.values_list("name", flat=True)),
            "instead": list(things_to_do(request)),
        },
        status=403,
    )


def _reason(exception):
    # A refusal raised with words of its own says why; Django's carry none.
    said = str(exception or "").strip()
    return said if said and said != "403 Forbidden" else ""


def things_to_do(request):
    """(label, url) of what the admin lets this person open: each list she may
    read and each kind of thing she may add, as the admin's home lists them."""
    for app in admin.site.get_app_list(request):
        for model in app["models"]:
            if model.get("admin_url"):
                yield model["name"], model["admin_url"]
            if model.get("add_url"):
                thing = model["model"]._meta.verbose_name
                yield _("Add %(thing)s") % {"thing": thing}, model["add_url"]
