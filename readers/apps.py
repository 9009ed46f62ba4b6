from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReadersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "readers"
    verbose_name = _("Reader site")

    def ready(self):
        # Public pages cached on the server are forgotten when what they show changes.
        from . import invalidation, live_invalidation  # noqa: F401
