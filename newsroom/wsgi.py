"""WSGI entry point, for gunicorn and other WSGI servers: Django's application, with
the pages it keeps for readers answered before its handler (delivery/wsgi.py)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

django_application = get_wsgi_application()  # sets Django up, apps and all

from delivery.wsgi import CachedPagesFirst  # noqa: E402  (needs the apps)

application = CachedPagesFirst(django_application)
