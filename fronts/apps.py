from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FrontsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "fronts"
    verbose_name = _("Front pages")
