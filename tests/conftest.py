import pytest
from django.contrib.auth.models import Group


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache (who has which story open, and so on)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests make many users; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploads made by a test land in a temporary folder, never in media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def pytest_report_header(config):
    from django.conf import settings

    database = settings.DATABASES["default"]
    return f"database: {database['ENGINE'].rsplit('.', 1)[-1]} {database['NAME']}"


@pytest.fixture
def assert_flat_queries(client, django_assert_max_num_queries):
    """Check that `path` costs at most `limit` queries, and exactly as many after
    `add` has run `times` more times: the count must not grow with the content."""

    def check(path, add, limit, times=5, client=client):
        add()
        with django_assert_max_num_queries(limit) as few:
            client.get(path)
        for _ in range(times):
            add()
        with django_assert_max_num_queries(limit) as many:
            response = client.get(path)
        assert len(few) == len(many), f"{path}: {len(few)} then {len(many)} queries"
        return response

    return check


@pytest.fixture
def people(django_user_model):
    """A staff member in each role: writer, editor, photo editor and superuser."""

    def person(name, group=None, **flags):
        user = django_user_model.objects.create_user(
            name, password="x", is_staff=True, **flags
        )
        if group:
            user.groups.add(Group.objects.get(name=group))
        return user

    return {
        "writer": person("writer", "Writer"),
        "editor": person("editor", "Editor"),
        "photo editor": person("photo", "Photo editor"),
        "superuser": person("super", is_superuser=True),
    }
