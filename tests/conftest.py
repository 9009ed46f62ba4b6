import os
import time
import uuid

import pytest
import redis
from django.contrib.auth.models import Group
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_started
from django.db import transaction

from .oembed_provider import OEmbedProvider, providers_for


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache (who has which story open, and so on)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def no_pages_held_in_memory(settings):
    """Tests read pages as the cache has them: each process's memory of fresh pages
    is tested on its own (test_held_pages.py)."""
    from delivery import held_pages

    settings.NEWSROOM_PAGE_CACHE_LOCAL_SECONDS = 0
    yield
    held_pages.stop()


@pytest.fixture(autouse=True)
def pages_kept_their_whole_time(settings):
    """Each kept page kept for NEWSROOM_PAGE_CACHE_SECONDS exactly, as the tests that
    count the seconds expect (the spread is tested on its own)."""
    settings.NEWSROOM_PAGE_CACHE_SPREAD = 0


@pytest.fixture
def handler_runs():
    """The requests Django's WSGI handler started (not the test client's)."""
    started = []

    def count(sender, **kwargs):
        if sender is WSGIHandler:
            started.append(kwargs["environ"]["PATH_INFO"])

    request_started.connect(count)
    yield started
    request_started.disconnect(count)


@pytest.fixture
def pages_cached(settings):
    """Public pages through the page cache, as readers get them (off in the tests'
    settings): a module asks with pytest.mark.usefixtures("pages_cached")."""
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 600


@pytest.fixture
def shared_redis():
    """A Redis database and key prefix of the test's own, emptied before and after."""
    from .test_page_cache_servers import REDIS_URL

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"No Redis at {REDIS_URL}; CI starts one.")
    prefix = f"pages-test-{uuid.uuid4().hex[:8]}"

    def forget():
        for key in client.scan_iter(match=f"{prefix}:*"):
            client.delete(key)

    forget()
    yield prefix
    forget()


@pytest.fixture(autouse=True)
def purges_sent_at_once(settings):
    """Purges at the edge are sent by the change's own hook, not by a thread that
    would outlive the test (and its database)."""
    settings.NEWSROOM_PURGE_IN_BACKGROUND = False


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
        # Once unmeasured: a process's first request fills Django's own caches
        # (content types), which would count as a query the next one does not make.
        client.get(path)
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


class CommittingAtOnce:
    """django.db.transaction, except that on_commit runs the hook at once."""

    def __getattr__(self, name):
        return getattr(transaction, name)

    @staticmethod
    def on_commit(func, using=None, robust=False):
        func()


@pytest.fixture(autouse=True)
def page_cache_commits_at_once(request, monkeypatch):
    """Most tests run inside one transaction that is never committed, so the page
    cache's commit hook (applying the invalidation outbox) would never run: there it
    runs at once, as the commit right after each change would. Tests that commit
    for real (transaction=True) get the real hook."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or (
        marker is not None and marker.kwargs.get("transaction")
    )
    if not transactional:
        from delivery import page_cache

        monkeypatch.setattr(page_cache, "transaction", CommittingAtOnce())


@pytest.fixture(autouse=True)
def requests_settle_before_the_flush(request):
    """A browser test's last requests finish before its database is emptied: a page
    closing with unsaved changes sends its working copy as it goes (autosave.js, on
    pagehide), and that request, still running while the tables are truncated,
    deadlocks the flush on PostgreSQL. Set up after the database and the live server,
    so torn down before them."""
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("transactional_db")
    request.getfixturevalue("live_server")
    yield
    time.sleep(0.5)


# The tests' own oEmbed provider (oembed_provider.py): embeds without the internet.


@pytest.fixture(scope="module")
def provider_server():
    server = OEmbedProvider().start()
    yield server
    server.stop()


@pytest.fixture
def provider(provider_server, settings):
    """The tests' provider answering for every listed provider, and for its own
    posts (posts.example), with a short timeout."""
    settings.NEWSROOM_EMBED_PROVIDERS = providers_for(provider_server)
    settings.NEWSROOM_EMBED_TIMEOUT = 0.5
    provider_server.answers.clear()
    provider_server.requests.clear()
    provider_server.thumbnail_requests.clear()
    return provider_server
