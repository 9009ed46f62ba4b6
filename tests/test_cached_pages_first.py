"""Cached pages answered before Django's handler (delivery/wsgi.py): the same answer
a reader would get from Django, sent without it; everything else goes through it."""

import gzip
import io
import sys
from datetime import timedelta
from wsgiref.util import setup_testing_defaults

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import AsyncRequestFactory
from django.urls import resolve
from django.utils import timezone

from articles.models import Article
from delivery import page_cache
from delivery import wsgi as delivery_wsgi
from newsroom.wsgi import application

from .factories import make_article

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pages_cached")]


@pytest.fixture
def story():
    return make_article(
        headline="Harbor ferries run late",
        published_at=timezone.now() - timedelta(hours=1),
    )


def wsgi(path, method="GET", **headers):
    """Ask newsroom.wsgi's application as a WSGI server would: status, headers
    (a dict) and body."""
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "HTTP_HOST": "testserver",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        **headers,
    }
    setup_testing_defaults(environ)
    started = {}

    def start_response(status, response_headers, exc_info=None):
        started["status"] = status
        started["headers"] = dict(response_headers)

    # As Django's test client does: the test's database connection stays open.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        body = application(environ, start_response)
        content = b"".join(body)
        if hasattr(body, "close"):
            body.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return started["status"], started["headers"], content


def test_a_cached_page_is_answered_before_djangos_handler(
    client, story, handler_runs, django_assert_num_queries
):
    url = story.get_absolute_url()
    rendered = client.get(url)  # rendered and kept

    with django_assert_num_queries(0):
        status, headers, content = wsgi(url)

    assert status == "200 OK"
    assert content == rendered.content
    assert not handler_runs
    # The headers Django's middleware gave the page, kept with it.
    for name in (
        "Content-Security-Policy",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
        "ETag",
        "Last-Modified",
    ):
        assert headers[name] == rendered[name], name
    assert headers["Cache-Control"].startswith("public")
    assert headers["Vary"] == "Cookie, Accept-Encoding"
    assert int(headers["Content-Length"]) == len(content)
    assert "Set-Cookie" not in headers


@pytest.mark.parametrize("before_django", [True, False])
def test_a_reader_who_takes_gzip_gets_the_kept_page_gzipped(
    client, story, before_django
):
    url = story.get_absolute_url()
    rendered = client.get(url)  # rendered and kept
    takes_gzip = {"HTTP_ACCEPT_ENCODING": "br, gzip;q=0.9"}
    if before_django:
        status, headers, content = wsgi(url, **takes_gzip)
    else:
        response = client.get(url, **takes_gzip)
        status, headers, content = response.status_code, response, response.content

    assert str(status).startswith("200")
    assert headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(content) == rendered.content
    assert int(headers["Content-Length"]) == len(content) < len(rendered.content) / 3
    assert headers["ETag"] == "W/" + rendered["ETag"]
    assert headers["Vary"] == rendered["Vary"] == "Cookie, Accept-Encoding"
    # Asked again with the copy it has: not sent again.
    again = client.get(url, HTTP_IF_NONE_MATCH=headers["ETag"], **takes_gzip)
    assert again.status_code == 304
    # A reader who does not take it gets the page as it was rendered.
    assert client.get(url).content == rendered.content
    assert "Content-Encoding" not in client.get(url)


@pytest.mark.parametrize(
    "accept_encoding, gzipped",
    [
        ("gzip, deflate, br, zstd", True),
        ("GZIP", True),
        ("br;q=1.0, gzip;q=0.2", True),
        ("gzip;q=0", False),
        ("identity, gzip; q=0.000", False),
        ("gzip;q=lots", False),
        ("deflate, br", False),
        ("x-gzip-ish", False),
    ],
)
def test_a_kept_page_goes_gzipped_only_where_gzip_is_taken(
    client, story, accept_encoding, gzipped
):
    url = story.get_absolute_url()
    rendered = client.get(url).content  # rendered and kept
    # Before Django's handler, and through it.
    _, before_django, sent = wsgi(url, HTTP_ACCEPT_ENCODING=accept_encoding)
    response = client.get(url, HTTP_ACCEPT_ENCODING=accept_encoding)
    for headers, content in [(before_django, sent), (response, response.content)]:
        assert (headers.get("Content-Encoding") == "gzip") == gzipped
        assert (gzip.decompress(content) if gzipped else content) == rendered


def test_it_sends_what_the_first_render_sent(client, story):
    """The page from before the handler, and the page as Django's whole stack
    rendered it: one answer, every header the middleware gave it included."""
    url = story.get_absolute_url()
    rendered = client.get(url)

    status, headers, content = wsgi(url)

    assert content == rendered.content
    assert headers == {
        name: value for name, value in rendered.items() if name != "Date"
    }


def test_a_revalidation_of_a_kept_404_is_answered(client, story, handler_runs):
    """A story taken down: its 404 is kept without a Last-Modified, and the edge
    asks again with the ETag it was given."""
    url = story.get_absolute_url()
    story.status = Article.Status.UNPUBLISHED
    story.save()
    etag = client.get(url)["ETag"]

    for headers in (
        {"HTTP_IF_NONE_MATCH": etag},
        {"HTTP_IF_NONE_MATCH": "*"},
        {"HTTP_IF_MODIFIED_SINCE": "Wed, 02 Dec 2026 10:00:00 GMT"},
        {"HTTP_IF_MATCH": '"other"'},
    ):
        status, answered, content = wsgi(url, **headers)
        assert status[:3] in ("304", "404", "412"), (headers, status)
    assert not handler_runs


def test_a_failed_precondition_is_private_and_keeps_its_policies(client, story):
    url = story.get_absolute_url()
    rendered = client.get(url)

    status, headers, content = wsgi(url, HTTP_IF_MATCH='"not-this-page"')

    assert status.startswith("412")
    assert "no-store" in headers["Cache-Control"]
    for name in ("Content-Security-Policy", "X-Content-Type-Options"):
        assert headers[name] == rendered[name]


def test_a_failure_before_the_handler_is_answered_by_django(
    client, story, handler_runs, monkeypatch
):
    url = story.get_absolute_url()
    client.get(url)

    def broken(found):
        raise ValueError("a kept page of a shape this code does not know")

    monkeypatch.setattr(delivery_wsgi, "headers_kept", broken)
    status, headers, content = wsgi(url)

    assert status == "200 OK"
    assert b"Harbor ferries run late" in content
    assert len(handler_runs) == 1


def test_pages_are_kept_and_served_to_asgi_requests(story, handler_runs):
    """Under ASGI (newsroom/asgi.py) a request has no WSGI environ: the lookup is
    handed on in request.META, which both kinds of request have."""
    url = story.get_absolute_url()
    views = []

    def view(request):
        match = resolve(request.path_info)
        request.user = AnonymousUser()
        views.append(url)
        return match.func(request, *match.args, **match.kwargs)

    serve = page_cache.ServeCachedPages(view)

    first = serve(AsyncRequestFactory().get(url))
    again = serve(AsyncRequestFactory().get(url))

    assert first.status_code == again.status_code == 200
    assert again.content == first.content
    assert len(views) == 1  # the second from the kept page


def test_a_revalidation_is_answered_not_modified(client, story, handler_runs):
    url = story.get_absolute_url()
    etag = client.get(url)["ETag"]

    status, headers, content = wsgi(url, HTTP_IF_NONE_MATCH=etag)

    assert status == "304 Not Modified"
    assert content == b""
    assert not handler_runs


def test_a_change_is_rendered_by_django_and_kept_for_the_next_reader(
    client, story, handler_runs
):
    url = story.get_absolute_url()
    client.get(url)
    story.headline = "Harbor ferries run on time again"
    story.save()

    status, headers, content = wsgi(url)

    assert status == "200 OK"
    assert b"run on time again" in content
    assert len(handler_runs) == 1
    assert wsgi(url)[2] == content
    assert len(handler_runs) == 1


def test_whoever_has_a_session_goes_through_django(client, story, handler_runs):
    url = story.get_absolute_url()
    client.get(url)
    Article.objects.filter(pk=story.pk).update(headline="Changed behind the cache")
    staff = User.objects.create_user("desk", password="x", is_staff=True)
    client.force_login(staff)
    session = client.cookies["sessionid"].value

    status, headers, content = wsgi(url, HTTP_COOKIE=f"sessionid={session}")

    assert b"Changed behind the cache" in content
    assert "no-store" in headers["Cache-Control"]
    assert len(handler_runs) == 1


def test_a_form_and_a_bad_host_go_through_django(client, story, handler_runs):
    url = story.get_absolute_url()
    client.get(url)

    posted = wsgi(url, method="POST")
    refused = wsgi(url, HTTP_HOST="evil.example")

    assert posted[0].startswith("403")  # no CSRF token: not a cached page
    assert refused[0].startswith("400")
    assert len(handler_runs) == 2


def test_the_outbox_is_checked_through_django(client, story, handler_runs):
    """Once a second the first reader checks the cache's state against the
    database: inside Django's handler, which looks after its connections."""
    url = story.get_absolute_url()
    client.get(url)
    state = page_cache.SiteState(*cache.get(page_cache.STATE_KEY))
    cache.set(page_cache.STATE_KEY, tuple(state._replace(verified_at=0)))

    first = wsgi(url)
    second = wsgi(url)

    assert first[2] == second[2]
    assert len(handler_runs) == 1


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_HOST": "testserver:abc"},
        {"HTTP_HOST": "evil.example\r\nX-Injected: 1"},
        {"PATH_INFO": "/\xff\xfe/../%00"},
        # As a WSGI server gives them: the bytes sent, read as latin-1.
        {"QUERY_STRING": "%ff=<script>alert(1)</script>&x=\xe2\x80\xae"},
        {"HTTP_COOKIE": 'sessionid; csrftoken="\x00; =;;'},
        {"HTTP_IF_NONE_MATCH": "W/" + "x" * 5000},
        {"HTTP_IF_MODIFIED_SINCE": "yesterday, around noon"},
        {"REQUEST_METHOD": "BREW"},
    ],
)
def test_hostile_requests_get_an_answer_not_an_error(client, story, headers):
    url = story.get_absolute_url()
    kept = client.get(url).content
    headers = {"PATH_INFO": url, **headers}
    method = headers.pop("REQUEST_METHOD", "GET")

    status, answered, content = wsgi(headers.pop("PATH_INFO"), method, **headers)

    assert int(status[:3]) < 500, status
    if not status.startswith("200"):
        assert content != kept


def test_static_files_are_not_looked_for_among_pages(client, monkeypatch):
    asked = []
    monkeypatch.setattr(page_cache, "lookup", lambda *a, **k: asked.append(a))

    status, headers, content = wsgi("/static/no-such-file.css")

    assert status.startswith("404")
    assert not asked
