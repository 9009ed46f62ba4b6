from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from accounts.forms import AdminLoginForm
from newsroom.view_on_site import view_on_site

admin.site.site_header = f"{settings.NEWSROOM_SITE_NAME} newsroom"
admin.site.site_title = settings.NEWSROOM_SITE_NAME
admin.site.index_title = "Newsroom"
# The login asks for a two-factor code too, of those who have set one up.
admin.site.login_form = AdminLoginForm

urlpatterns = [
    # Before the admin's own URLs, which would take "two-factor" for an app's name.
    path("admin/two-factor/", include("accounts.urls")),
    # Before the admin's own, which sends any staff member to any object's address.
    path(
        "admin/r/<int:content_type_id>/<path:object_id>/",
        admin.site.admin_view(view_on_site),
        name="view_on_site",
    ),
    path("admin/", admin.site.urls),
    path("", include("readers.urls")),
    path("", include("photos.urls")),
    path("", include("embeds.urls")),
]

# A refusal in the admin is an admin page saying what may be done instead.
handler403 = "newsroom.refusals.permission_denied"
