import pytest


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploads made by a test land in a temporary folder, never in media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def pytest_report_header(config):
    from django.conf import settings

    database = settings.DATABASES["default"]
    return f"database: {database['ENGINE'].rsplit('.', 1)[-1]} {database['NAME']}"
