"""Invalidation reaches every app server: two gunicorn servers share one Redis and
the test database; an editor's save through one shows through the other at once."""

import http.cookiejar
import os
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import lxml.html
import pytest
from django.conf import global_settings
from django.contrib.auth.models import User
from django.db import connection

from articles.models import Article

from .factories import make_article, make_author, make_category, make_image
from .services import free_port, wait_until_serving

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("TEST_PAGE_CACHE_REDIS_URL", "redis://127.0.0.1:6379/7")


def database_url():
    """The test database, as the servers' DATABASE_URL."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    user = urllib.parse.quote(db["USER"] or "")
    password = f":{urllib.parse.quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    return (
        f"postgres://{user}{password}@{db['HOST'] or 'localhost'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


@pytest.fixture
def servers(transactional_db, shared_redis, media_root, settings):
    """Two gunicorn servers, each its own process, sharing the Redis and database."""
    # The test's own writes (the factories) reach the servers' cache as an app
    # server's would, through the same Redis: with a cache of the test's own, the
    # servers would take them for changes their cache missed, and forget every
    # page at their next check of the outbox, whenever that came.
    settings.CACHES = {
        "default": {
            "BACKEND": "delivery.redis_cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": shared_redis,
        }
    }
    started = []
    environment = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": database_url(),
        "CACHE_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": shared_redis,
        "NEWSROOM_PAGE_CACHE_SECONDS": "600",
        "MEDIA_ROOT": str(media_root),
        "WEB_CONCURRENCY": "1",
        "HOST": "127.0.0.1",
    }
    try:
        for _ in range(2):
            port = free_port()
            started.append(
                (
                    f"http://127.0.0.1:{port}",
                    subprocess.Popen(
                        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
                        cwd=ROOT,
                        env={**environment, "PORT": str(port)},
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.PIPE,
                    ),
                )
            )
        for base, process in started:
            wait_until_serving(base, process)
        yield [base for base, _process in started]
    finally:
        # Stopped before the test database is emptied or dropped.
        for _base, process in started:
            process.terminate()
        for _base, process in started:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def headline(base, path):
    with urllib.request.urlopen(base + path, timeout=10) as response:
        page = lxml.html.fromstring(response.read())
    return [h.text_content().strip() for h in page.cssselect("h1, h2, h3")]


class Browser:
    """An editor's browser: keeps cookies, fills in and submits forms."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get_form(self, path, selector):
        with self.opener.open(self.base + path, timeout=10) as response:
            page = lxml.html.fromstring(response.read())
        found = page.cssselect(selector)
        assert found, lxml.html.tostring(page).decode()[:3000]
        return found[0]

    def submit(self, path, fields):
        data = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(
            self.base + path, data=data, headers={"Referer": self.base + path}
        )
        with self.opener.open(request, timeout=10) as response:
            return response.geturl(), response.read()


@pytest.mark.django_db(transaction=True)
def test_an_editors_save_through_one_server_shows_through_the_other(servers, settings):
    one, two = servers
    # A password the servers can check: they hash as production does.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    User.objects.create_superuser("editor", "editor@example.org", "harbor-lights-42")
    story = make_article(
        headline="Council passes the harbor budget",
        primary_category=make_category(name="Politics"),
        authors=[make_author()],
        lead_image=make_image(),
    )
    path = story.get_absolute_url()
    unrelated = make_article(
        headline="Ferry timetable changes",
        primary_category=make_category(name="Transport"),
        authors=[make_author()],
        lead_image=make_image(),
    )

    # Both servers cache the pages in the shared cache...
    for base in (one, two):
        for page in (path, "/"):
            assert "Council passes the harbor budget" in headline(base, page)
        headline(base, unrelated.get_absolute_url())
    # ...as a change that bypasses every signal shows: nobody sees it.
    Article.objects.filter(pk=story.pk).update(headline="Quietly changed")
    assert "Quietly changed" not in headline(two, path)

    # An editor logs in to server one and saves a new headline in the admin.
    editor = Browser(one)
    login = editor.get_form("/admin/login/", "form#login-form")
    fields = dict(login.form_values())
    fields.update(username="editor", password="harbor-lights-42")
    url, _ = editor.submit("/admin/login/?next=/admin/", fields)
    assert urllib.parse.urlsplit(url).path == "/admin/", "the editor is not in"
    change = f"/admin/articles/article/{story.pk}/change/"
    form = editor.get_form(change, "form#article_form")
    fields = [
        (name, "Council passes the harbor budget, 7-2" if name == "headline" else value)
        for name, value in form.form_values()
    ]
    # A live story: its changes go out with "Publish changes" (pending_changes.py).
    url, body = editor.submit(change, [*fields, ("_publish_changes", "1")])
    assert urllib.parse.urlsplit(url).path == "/admin/articles/article/", body.decode()[
        :2000
    ]

    # The next reader of server two sees it, on the story page and the home page.
    assert "Council passes the harbor budget, 7-2" in headline(two, path)
    assert "Council passes the harbor budget, 7-2" in headline(two, "/")
    # A page that does not show the story is still served from the cache.
    Article.objects.filter(pk=unrelated.pk).update(headline="Quietly changed too")
    assert "Quietly changed too" not in headline(two, unrelated.get_absolute_url())
