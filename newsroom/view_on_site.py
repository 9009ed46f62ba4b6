"""The admin's "view on site" shortcut (/admin/r/<content type>/<id>/), asking the
object's ModelAdmin first.

Django's own shortcut redirects any staff member to any object's get_absolute_url():
for an unpublished story, an address that carries its headline in the slug. Here the
object must be one the person may see in the admin, and the redirect goes where its
ModelAdmin's view_on_site says (nowhere, for a story readers cannot see yet).
"""

from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.shortcuts import redirect


def view_on_site(request, content_type_id, object_id):
    try:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        model_admin = admin.site.get_model_admin(model)
    except (ContentType.DoesNotExist, NotRegistered):
        raise Http404("No such object.") from None
    obj = model_admin.get_object(request, unquote(object_id))
    if obj is None or not model_admin.has_view_or_change_permission(request, obj):
        raise Http404("No such object.")
    if callable(model_admin.view_on_site):
        url = model_admin.view_on_site(obj)
    elif model_admin.view_on_site and hasattr(obj, "get_absolute_url"):
        url = obj.get_absolute_url()
    else:
        url = None
    if not url:
        raise Http404("This has no page on the site.")
    return redirect(url)
