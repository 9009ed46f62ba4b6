from django.conf import settings

from articles.models import Category
from delivery.keys import depends_on

from .dependencies import NAVIGATION


def site(request):
    """The publication's name and its navigation, for every template."""
    depends_on(NAVIGATION)
    return {
        "site_name": settings.NEWSROOM_SITE_NAME,
        "site_description": settings.NEWSROOM_SITE_DESCRIPTION,
        "site_language": settings.NEWSROOM_LANGUAGE,
        # Lazy: evaluated only by templates that render the header.
        "navigation_sections": Category.objects.filter(is_in_navigation=True),
    }
