"""Pages at the edge are as fresh as the app's: a change is purged, by key, from
Varnish (deploy/varnish.vcl, run here for real in front of two app servers), Fastly
and Cloudflare, and by path from CloudFront (their purge APIs played by stand-ins on
loopback); a purge that fails is logged and sent again later, and never fails or
holds up the editor's save."""

import gzip
import http.client
import io
import json
import os
import runpy
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from xml.etree import ElementTree

import feedparser
import lxml.html
import pytest
from django.conf import global_settings
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles.models import Article
from delivery import purge
from delivery.models import Invalidation
from delivery.purgers import (
    CloudflarePurger,
    CloudFrontPurger,
    FastlyPurger,
    VarnishPurger,
)
from readers.edge_paths import paths_for

from .factories import make_article, make_author, make_category, make_image
from .services import QuietHandler, free_port, serve, wait_until_serving
from .test_page_cache_servers import REDIS_URL, Browser, database_url

ROOT = Path(__file__).resolve().parent.parent
VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"


# Stand-ins for the edges' purge APIs.


class StandIn:
    """An edge's purge API on loopback: records every request, and answers each
    with the next of `answers` (status, body, seconds to wait first), then with
    `usual`."""

    def __init__(self, usual=(200, b'{"status": "ok"}', 0)):
        self.requests = []
        self.answers = []
        self.usual = usual
        stand_in = self

        class Handler(QuietHandler):
            def handle_one(self):
                length = int(self.headers.get("Content-Length") or 0)
                stand_in.requests.append(
                    (self.command, self.path, self.headers, self.rfile.read(length))
                )
                status, body, wait = (
                    stand_in.answers.pop(0) if stand_in.answers else stand_in.usual
                )
                time.sleep(wait)
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except ConnectionError:
                    pass  # the purger gave up waiting, as it should

            do_POST = do_PURGE = handle_one

        self.server = serve(Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self):
        self.server.stop()


@pytest.fixture
def stand_in(monkeypatch):
    # Requests to a CDN's API go through the proxy the environment names, if any;
    # not to the stand-ins on loopback.
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)
    made = []

    def make(**kwargs):
        made.append(StandIn(**kwargs))
        return made[-1]

    yield make
    for server in made:
        server.close()


def nowhere():
    """The URL of a port nothing listens on: the connection is refused."""
    return f"http://127.0.0.1:{free_port()}"


# What CloudFront answers (rest-xml, as boto3 reads it).
CLOUDFRONT_XML = "http://cloudfront.amazonaws.com/doc/2020-05-31/"
CLOUDFRONT_CREATED = f"""<?xml version="1.0"?>
<Invalidation xmlns="{CLOUDFRONT_XML}"><Id>I2J0I21PCUYOIK</Id>
<Status>InProgress</Status><CreateTime>2026-01-01T00:00:00Z</CreateTime>
<InvalidationBatch><Paths><Quantity>1</Quantity><Items><Path>/</Path></Items></Paths>
<CallerReference>x</CallerReference></InvalidationBatch></Invalidation>""".encode()
CLOUDFRONT_TOO_MANY = f"""<?xml version="1.0"?>
<ErrorResponse xmlns="{CLOUDFRONT_XML}"><Error><Type>Sender</Type>
<Code>TooManyInvalidationsInProgress</Code><Message>Your request contains too many
invalidations.</Message></Error><RequestId>r1</RequestId></ErrorResponse>""".encode()


@pytest.fixture
def aws_credentials(monkeypatch, tmp_path):
    """Credentials boto3 finds in the environment, and nothing else it could ask
    (no ~/.aws, no instance metadata)."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIASTANDIN")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "a-secret-for-the-stand-in")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-keys"))
    monkeypatch.delenv("AWS_PROFILE", raising=False)


def invalidated_paths(body):
    tree = ElementTree.fromstring(body)
    return [path.text for path in tree.iter(f"{{{CLOUDFRONT_XML}}}Path")]


# The purgers, each against a stand-in.


def test_varnish_is_told_soft_and_hard_purges_in_the_headers_the_vcl_reads(
    stand_in,
):
    """A soft purge sends the keys in xkey-softpurge, a hard one in xkey-purge,
    as a PURGE request to the Varnish URL."""
    varnish = stand_in()
    purger = VarnishPurger([f"{varnish.url}/"])
    purger.purge({"story:1", "list:home"}, soft=True)
    purger.purge({"story:2"}, soft=False)
    (method, path, soft, _), (_, _, hard, _) = varnish.requests
    assert (method, path) == ("PURGE", "/")
    assert soft["xkey-softpurge"] == "list:home story:1"
    assert "xkey-purge" not in soft
    assert hard["xkey-purge"] == "story:2" and "xkey-softpurge" not in hard


def test_every_varnish_is_told_in_requests_varnish_takes(stand_in):
    """Many keys go in several requests, each header within Varnish's limit; a
    Varnish out of reach fails the purge, saying which, and the others are told."""
    varnish = stand_in()
    keys = {f"story:{n}" for n in range(2000)}
    down = nowhere()
    with pytest.raises(purge.PurgeFailed, match=f"Varnish at {down}.*refused"):
        VarnishPurger([varnish.url, down]).purge(keys, soft=True)
    sent = [headers["xkey-softpurge"] for _, _, headers, _ in varnish.requests]
    assert len(sent) > 1
    assert all(len(line) <= VarnishPurger.HEADER_BYTES for line in sent)
    assert {key for line in sent for key in line.split()} == keys


def test_fastly_gets_batches_of_surrogate_keys_with_the_token(stand_in):
    """POST /service/<id>/purge with at most 256 keys in Surrogate-Key, the API
    token in Fastly-Key, and Fastly-Soft-Purge only for soft purges."""
    fastly = stand_in()
    purger = FastlyPurger("SVC123", "fastly-token", api_url=fastly.url)
    keys = {f"story:{n}" for n in range(300)}
    purger.purge(keys, soft=True)
    purger.purge({"story:1"}, soft=False)
    assert [(method, path) for method, path, _, _ in fastly.requests] == [
        ("POST", "/service/SVC123/purge")
    ] * 3
    batches = [headers["Surrogate-Key"].split() for _, _, headers, _ in fastly.requests]
    assert [len(batch) for batch in batches] == [256, 44, 1]
    assert set(batches[0] + batches[1]) == keys
    assert all(h["Fastly-Key"] == "fastly-token" for _, _, h, _ in fastly.requests)
    soft_flags = [h["Fastly-Soft-Purge"] for _, _, h, _ in fastly.requests]
    assert soft_flags == ["1", "1", None]


def test_cloudflare_gets_batches_of_tags_with_the_bearer_token(stand_in):
    """POST /zones/<zone>/purge_cache with {"tags": [...]}, 100 at most, and the
    token as a Bearer; an answer that is not a success fails the purge."""
    cloudflare = stand_in(usual=(200, b'{"success": true, "errors": []}', 0))
    purger = CloudflarePurger(
        "zone9", "cf-token", api_url=f"{cloudflare.url}/client/v4"
    )
    keys = {f"story:{n}" for n in range(150)}
    purger.purge(keys, soft=True)
    assert {path for _, path, _, _ in cloudflare.requests} == {
        "/client/v4/zones/zone9/purge_cache"
    }
    bodies = [json.loads(body) for _, _, _, body in cloudflare.requests]
    assert [len(body["tags"]) for body in bodies] == [100, 50]
    assert {tag for body in bodies for tag in body["tags"]} == keys
    for _, _, headers, _ in cloudflare.requests:
        assert headers["Authorization"] == "Bearer cf-token"
        assert headers["Content-Type"] == "application/json"

    refusal = b'{"success": false, "errors": [{"code": 1134, "message": "Not now"}]}'
    cloudflare.answers = [(200, refusal, 0), (403, refusal, 0)]
    for expected in ["refused the purge.*Not now", "answered 403.*Not now"]:
        with pytest.raises(purge.PurgeFailed, match=expected):
            purger.purge({"story:1"}, soft=True)


def test_cdns_are_asked_through_the_environments_proxy_and_varnish_directly(
    stand_in, monkeypatch
):
    """A newsroom whose servers reach the internet through a proxy (http_proxy,
    https_proxy) purges its CDN through it; Varnish, on its own network, directly."""
    proxy, varnish = stand_in(), stand_in()
    monkeypatch.setenv("http_proxy", proxy.url)
    FastlyPurger("S", "t", api_url="http://api.fastly.invalid").purge(
        {"story:1"}, soft=True
    )
    VarnishPurger([varnish.url]).purge({"story:1"}, soft=True)
    assert [path for _, path, _, _ in proxy.requests] == [
        "http://api.fastly.invalid/service/S/purge"
    ]
    assert [path for _, path, _, _ in varnish.requests] == ["/"]


@pytest.mark.django_db
def test_cloudfront_invalidates_the_paths_of_the_pages_keys_name(
    stand_in, aws_credentials
):
    """CreateInvalidation, signed with the credentials boto3 finds, for the paths
    the reader site gives for the keys; the whole site as the one path /*."""
    section = make_category(name="Harbor", slug="harbor")
    story = make_article(primary_category=section)
    cloudfront = stand_in(usual=(201, CLOUDFRONT_CREATED, 0))
    purger = CloudFrontPurger("DIST1", endpoint_url=cloudfront.url)
    purger.purge({f"story:{story.pk}", f"list:section:{section.pk}"}, soft=True)
    purger.purge({f"story:{story.pk}", "site"}, soft=False)
    (method, path, headers, body), (_, _, _, everything) = cloudfront.requests
    assert (method, path) == ("POST", "/2020-05-31/distribution/DIST1/invalidation")
    assert headers["Authorization"].startswith(
        "AWS4-HMAC-SHA256 Credential=AKIASTANDIN/"
    )
    assert invalidated_paths(body) == sorted(
        [
            story.get_absolute_url(),
            "/sections/harbor/",
            "/sections/harbor/rss/",
            "/sections/harbor/atom/",
        ]
    )
    assert invalidated_paths(everything) == ["/*"]

    cloudfront.answers = [(400, CLOUDFRONT_TOO_MANY, 0)]
    with pytest.raises(purge.PurgeFailed, match="TooManyInvalidationsInProgress"):
        purger.purge({"list:home"}, soft=True)


PURGERS = {
    "Varnish": lambda url: VarnishPurger([url], timeout=0.3),
    "Fastly": lambda url: FastlyPurger("S", "t", api_url=url, timeout=0.3),
    "Cloudflare": lambda url: CloudflarePurger("Z", "t", api_url=url, timeout=0.3),
    "CloudFront": lambda url: CloudFrontPurger("D", endpoint_url=url, timeout=0.3),
}
# Far longer than the purgers' timeout (0.3 s), so that giving up before it is told
# from waiting for the answer however slow the machine.
SLOW_ANSWER_SECONDS = 5
FAILURES = {
    "an error": ((500, b"Internal error", 0), "500|InternalError|Internal error"),
    "no answer in time": (
        (200, b"{}", SLOW_ANSWER_SECONDS),
        "within|timed out|Read timeout",
    ),
    "no connection": (None, "refused|Could not connect"),
}


@pytest.mark.parametrize("failure", FAILURES)
@pytest.mark.parametrize("edge", PURGERS)
def test_an_edge_failing_fails_the_purge_with_a_clear_message(
    stand_in, aws_credentials, edge, failure
):
    """An error answer, no answer within the timeout, or no connection at all is
    PurgeFailed naming the edge and what went wrong, at the first try (purge.py
    tries again later) and without waiting for a slow edge."""
    answer, expected = FAILURES[failure]
    if answer:
        server = stand_in()
        server.answers = [answer]
        url = server.url
    else:
        url = nowhere()
    started = time.monotonic()
    with pytest.raises(purge.PurgeFailed, match=expected) as failed:
        PURGERS[edge](url).purge({"list:home"}, soft=True)
    assert time.monotonic() - started < SLOW_ANSWER_SECONDS
    if answer:
        assert len(server.requests) == 1
    assert edge in str(failed.value)


def fastly_at(url):
    return {
        "BACKEND": "delivery.purgers.FastlyPurger",
        "OPTIONS": {"service_id": "S", "api_token": "t", "api_url": url},
    }


@pytest.mark.django_db
def test_a_failed_purge_is_logged_kept_and_sent_again_later(stand_in, settings, caplog):
    """An edge that refuses leaves the change in the outbox, unpurged, with a
    warning in the log; the next try sends it."""
    fastly = stand_in()
    fastly.answers = [(503, b"Service unavailable", 0)]
    settings.NEWSROOM_PURGERS = [fastly_at(fastly.url)]
    change = Invalidation.objects.create(
        keys="list:home story:7", applied_at=timezone.now()
    )

    assert purge.send_pending() is False
    change.refresh_from_db()
    assert change.purged_at is None
    assert "Purge at the edge failed, to be tried again: Fastly answered 503" in (
        caplog.text
    )

    assert purge.send_pending() is True
    change.refresh_from_db()
    assert change.purged_at is not None
    sent = [headers["Surrogate-Key"] for _, _, headers, _ in fastly.requests]
    assert sent == ["list:home story:7"] * 2


class BrokenPurger:
    """A purger with a bug."""

    def purge(self, keys, *, soft):
        raise RuntimeError("a bug in a purger")


@pytest.mark.django_db
def test_a_purgers_own_error_never_fails_the_save(settings, caplog):
    """Whatever a purger raises, the change is saved, and kept for the edge."""
    settings.NEWSROOM_PURGERS = [{"BACKEND": "tests.test_edge.BrokenPurger"}]
    story = make_article(headline="Saved all the same")
    assert Article.objects.get(pk=story.pk).headline == "Saved all the same"
    assert Invalidation.objects.applied().unpurged().exists()
    assert "a bug in a purger" in caplog.text


@pytest.mark.django_db
def test_purge_pending_sends_what_waits_and_says_what_is_left(stand_in, settings):
    """The operators' command: what the edge refused is still waiting (exit 1);
    once it takes them, nothing is."""
    fastly = stand_in()
    settings.NEWSROOM_PURGERS = [fastly_at(fastly.url)]
    Invalidation.objects.create(keys="story:1", applied_at=timezone.now())
    Invalidation.objects.create(keys="story:2")  # not yet applied to the page cache

    fastly.answers = [(500, b"down", 0)]
    out = io.StringIO()
    with pytest.raises(CommandError, match="Still waiting for the edge: 1 change"):
        call_command("purge_pending", stdout=out)
    assert "Not yet applied to the page cache" in out.getvalue()

    call_command("purge_pending", stdout=out)
    assert "Sent: 1 change(s)." in out.getvalue()
    assert "Nothing is waiting for the edge." in out.getvalue()
    assert not Invalidation.objects.applied().unpurged().exists()


# Settings from the environment.

PURGE_VARIABLES = [
    "NEWSROOM_VARNISH_PURGE_URLS",
    "NEWSROOM_FASTLY_SERVICE_ID",
    "NEWSROOM_FASTLY_API_TOKEN",
    "NEWSROOM_FASTLY_API_URL",
    "NEWSROOM_CLOUDFLARE_ZONE_ID",
    "NEWSROOM_CLOUDFLARE_API_TOKEN",
    "NEWSROOM_CLOUDFLARE_API_URL",
    "NEWSROOM_CLOUDFRONT_DISTRIBUTION_ID",
    "NEWSROOM_CLOUDFRONT_ENDPOINT_URL",
    "NEWSROOM_SURROGATE_KEY_HEADER",
]


@pytest.fixture
def read_settings(monkeypatch):
    """newsroom/settings.py as it reads `environment`."""

    def read(**environment):
        for name in PURGE_VARIABLES:
            monkeypatch.delenv(name, raising=False)
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(ROOT / "newsroom" / "settings.py"))

    return read


def test_the_edges_to_purge_come_from_the_environment(read_settings):
    assert read_settings()["NEWSROOM_PURGERS"] == []
    found = read_settings(
        NEWSROOM_VARNISH_PURGE_URLS="http://10.0.0.5:6081/, http://10.0.0.6:6081/",
        NEWSROOM_FASTLY_SERVICE_ID="SVC",
        NEWSROOM_FASTLY_API_TOKEN="token",
        NEWSROOM_CLOUDFRONT_DISTRIBUTION_ID="E2QWRUHAPOMQZL",
    )
    assert found["NEWSROOM_PURGERS"] == [
        {
            "BACKEND": "delivery.purgers.VarnishPurger",
            "OPTIONS": {"urls": ["http://10.0.0.5:6081/", "http://10.0.0.6:6081/"]},
        },
        {
            "BACKEND": "delivery.purgers.FastlyPurger",
            "OPTIONS": {
                "service_id": "SVC",
                "api_token": "token",
                "api_url": "https://api.fastly.com",
            },
        },
        {
            "BACKEND": "delivery.purgers.CloudFrontPurger",
            "OPTIONS": {"distribution_id": "E2QWRUHAPOMQZL", "endpoint_url": None},
        },
    ]
    assert found["NEWSROOM_SURROGATE_KEY_HEADER"] == "Surrogate-Key"


def test_cloudflare_has_the_keys_sent_as_cache_tags(read_settings):
    """Cloudflare reads only Cache-Tag: with it, that is the header's default."""
    found = read_settings(
        NEWSROOM_CLOUDFLARE_ZONE_ID="zone", NEWSROOM_CLOUDFLARE_API_TOKEN="token"
    )
    assert found["NEWSROOM_PURGERS"][0]["BACKEND"] == (
        "delivery.purgers.CloudflarePurger"
    )
    assert found["NEWSROOM_SURROGATE_KEY_HEADER"] == "Cache-Tag"


@pytest.mark.parametrize(
    "environment, message",
    [
        (
            {"NEWSROOM_FASTLY_SERVICE_ID": "SVC"},
            "Set NEWSROOM_FASTLY_SERVICE_ID and NEWSROOM_FASTLY_API_TOKEN",
        ),
        (
            {
                "NEWSROOM_CLOUDFLARE_ZONE_ID": "zone",
                "NEWSROOM_CLOUDFLARE_API_TOKEN": "token",
                "NEWSROOM_SURROGATE_KEY_HEADER": "Surrogate-Key",
            },
            "reads the keys from Cache-Tag",
        ),
    ],
)
def test_an_edge_half_configured_stops_the_site_starting(
    read_settings, environment, message
):
    with pytest.raises(ImproperlyConfigured, match=message):
        read_settings(**environment)


# The paths CloudFront is given.


@pytest.mark.django_db
def test_paths_name_the_pages_about_what_the_keys_name():
    """A story's page (even just taken down), a section's, author's or tag's page
    and feeds, the home page and site feeds, the sitemaps, the pages a picture
    illustrates; every page for the navigation; nothing for what is gone."""
    picture, headshot = make_image(), make_image()
    author = make_author(slug="ana-ruiz", headshot=headshot)
    section = make_category(slug="harbor")
    story = make_article(authors=[author], primary_category=section, tags=["tides"])
    shown = make_article(lead_image=picture)
    gone = make_article()  # published, then taken down
    gone.status = Article.Status.UNPUBLISHED
    gone.save()
    tag = story.tags.get()

    assert paths_for({f"story:{story.pk}", f"story:{gone.pk}", "story:999999"}) == (
        sorted([story.get_absolute_url(), gone.get_absolute_url()])
    )
    assert paths_for({f"section:{section.pk}", f"list:section:{section.pk}"}) == [
        "/sections/harbor/",
        "/sections/harbor/atom/",
        "/sections/harbor/rss/",
    ]
    assert paths_for({f"list:author:{author.pk}"}) == [
        "/authors/ana-ruiz/",
        "/authors/ana-ruiz/atom/",
        "/authors/ana-ruiz/rss/",
    ]
    assert paths_for({f"list:tag:{tag.pk}", f"tag:{tag.pk}"}) == ["/tags/tides/"]
    assert paths_for({"list:home"}) == ["/", "/atom/index.xml", "/rss/index.xml"]
    # A front's arrangement: the page it is shown on, not the feeds.
    assert paths_for({"front:home"}) == ["/"]
    assert paths_for({f"front:section:{section.pk}"}) == ["/sections/harbor/"]
    assert "/sitemap.xml" in paths_for({"list:all"})
    assert "/sitemaps/news.xml" in paths_for({"list:all"})
    assert paths_for({f"image:{picture.pk}"}) == [shown.get_absolute_url()]
    assert paths_for({f"image:{headshot.pk}"}) == ["/authors/ana-ruiz/"]
    assert paths_for({"nav", f"story:{story.pk}"}) == ["/*"]
    assert paths_for({"site"}) == ["/*"]


# Varnish with deploy/varnish.vcl, for real.


def test_the_shipped_vcl_compiles(tmp_path):
    """varnishd (Varnish 7, vmod xkey) accepts deploy/varnish.vcl."""
    assert Path(VARNISHD).exists(), "varnishd is needed: apt-get install varnish"
    result = subprocess.run(
        [VARNISHD, "-C", "-j", "none", "-n", str(tmp_path / "varnish")]
        + ["-f", str(ROOT / "deploy" / "varnish.vcl")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-3000:]


class Varnish:
    """A varnishd of the test's own, running deploy/varnish.vcl in front of
    `backend` (host:port), on `port`; stopped and started at will."""

    def __init__(self, directory, backend, port):
        text = (ROOT / "deploy" / "varnish.vcl").read_text()
        host, backend_port = backend.split(":")
        for old, new in {
            '.host = "127.0.0.1";': f'.host = "{host}";',
            '.port = "8000";': f'.port = "{backend_port}";',
        }.items():
            assert old in text, f"deploy/varnish.vcl no longer says {old!r}"
            text = text.replace(old, new)
        self.vcl = directory / "newsroom.vcl"
        self.vcl.write_text(text)
        self.directory = directory
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.process = None

    def start(self):
        assert Path(VARNISHD).exists(), "varnishd is needed: apt-get install varnish"
        self.log = (self.directory / "varnishd.log").open("ab")
        # In the foreground, as whoever runs the tests (no jail: the compiler and
        # the cache process would not be let into a temporary folder), without a
        # management port.
        self.process = subprocess.Popen(
            [VARNISHD, "-F", "-j", "none", "-T", "none"]
            + ["-n", str(self.directory / "work"), "-f", str(self.vcl)]
            + ["-a", f"127.0.0.1:{self.port}", "-s", "malloc,32m"],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.process.poll() is None, (
                self.directory / "varnishd.log"
            ).read_text()
            try:
                status, _, _ = fetch(self.url + "/robots.txt")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise AssertionError("varnishd did not start")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process:
            self.log.close()
        self.process = None


def fetch(url, headers=None):
    """(status, headers, body) of a GET as a reader sends it."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


class Edge:
    """Two app servers (gunicorn, each its own process, sharing the test database
    and a Redis prefix), purging the Varnish that stands in front of the second."""

    def __init__(self, one, two, varnish, logs):
        self.one, self.two, self.varnish, self.logs = one, two, varnish, logs


@pytest.fixture
def edge(transactional_db, shared_redis, media_root, tmp_path, settings):  # noqa: F811
    # A password the servers can check: they hash as production does.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    varnish_port = free_port()
    environment = {
        **{
            name: value
            for name, value in os.environ.items()
            if name not in PURGE_VARIABLES
        },
        "DEBUG": "true",
        "DATABASE_URL": database_url(),
        "CACHE_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": shared_redis,
        "NEWSROOM_PAGE_CACHE_SECONDS": "600",
        "NEWSROOM_VARNISH_PURGE_URLS": f"http://127.0.0.1:{varnish_port}/",
        "NEWSROOM_PURGE_IN_BACKGROUND": "true",
        "MEDIA_ROOT": str(media_root),
        "WEB_CONCURRENCY": "1",
        "HOST": "127.0.0.1",
    }
    servers, logs = [], []
    varnish = None
    try:
        for name in ("one", "two"):
            port = free_port()
            logs.append(tmp_path / f"{name}.log")
            with logs[-1].open("wb") as log:  # the server's log: what it warned of
                servers.append(
                    (
                        f"http://127.0.0.1:{port}",
                        subprocess.Popen(
                            [
                                sys.executable,
                                "-m",
                                "gunicorn",
                                "-c",
                                "gunicorn.conf.py",
                            ],
                            cwd=ROOT,
                            env={**environment, "PORT": str(port)},
                            stdout=subprocess.DEVNULL,
                            stderr=log,
                        ),
                    )
                )
        for (base, process), log in zip(servers, logs, strict=True):
            wait_until_serving(base, process, log=log)
        (tmp_path / "varnish").mkdir()
        two = servers[1][0].removeprefix("http://")
        varnish = Varnish(tmp_path / "varnish", two, varnish_port)
        varnish.start()
        yield Edge(servers[0][0], servers[1][0], varnish, logs)
    finally:
        # Stopped before the test database is emptied or dropped.
        if varnish:
            varnish.stop()
        for _base, process in servers:
            process.terminate()
        for _base, process in servers:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def newsroom():
    """Three public stories: A and B in one section (B's related block links to
    A), C in another, by other people, linking to neither."""
    politics, culture = make_category(name="Politics"), make_category(name="Culture")
    a = make_article(
        headline="Council passes the harbor budget",
        primary_category=politics,
        lead_image=make_image(),
    )
    b = make_article(
        headline="Ferry fares rise in spring",
        primary_category=politics,
        lead_image=make_image(),
    )
    c = make_article(
        headline="Lighthouse reopens to visitors",
        primary_category=culture,
        lead_image=make_image(),
    )
    return a, b, c


def editor_at(base):
    User.objects.create_superuser("editor", "editor@example.org", "harbor-lights-42")
    editor = Browser(base)
    login = editor.get_form("/admin/login/", "form#login-form")
    fields = dict(login.form_values())
    fields.update(username="editor", password="harbor-lights-42")
    url, _ = editor.submit("/admin/login/?next=/admin/", fields)
    assert urllib.parse.urlsplit(url).path == "/admin/", "the editor is not in"
    return editor


def save_headline(editor, story, headline):
    """The editor gives `story` a new headline in its change form and saves."""
    change = f"/admin/articles/article/{story.pk}/change/"
    form = editor.get_form(change, "form#article_form")
    fields = [
        (name, headline if name == "headline" else value)
        for name, value in form.form_values()
    ]
    # A live story: its changes go out with "Publish changes" (pending_changes.py).
    url, body = editor.submit(change, [*fields, ("_publish_changes", "1")])
    assert urllib.parse.urlsplit(url).path == "/admin/articles/article/", body[:2000]


def unpublish(editor, story):
    """The editor unpublishes `story` from the story list."""
    form = editor.get_form("/admin/articles/article/", "form#changelist-form")
    token = form.xpath(".//input[@name='csrfmiddlewaretoken']/@value")[0]
    editor.submit(
        "/admin/articles/article/",
        [
            ("csrfmiddlewaretoken", token),
            ("action", "unpublish"),
            ("select_across", "0"),
            ("index", "0"),
            ("_selected_action", str(story.pk)),
        ],
    )
    assert Article.objects.get(pk=story.pk).status == Article.Status.UNPUBLISHED


def page(base, path):
    """(X-Cache, the parsed page) of `path` as an anonymous reader gets it."""
    status, headers, body = fetch(base + path)
    assert status == 200, (path, status)
    return headers["X-Cache"], lxml.html.fromstring(body)


def headlines(base, path):
    return [
        h.text_content().strip() for h in page(base, path)[1].cssselect("h1, h2, h3")
    ]


def related(base, path):
    found = page(base, path)[1].cssselect("section[aria-labelledby=related-heading] a")
    return [link.text_content().strip() for link in found]


def feed_titles(base, path):
    status, _, body = fetch(base + path)
    assert status == 200, path
    return [entry.title for entry in feedparser.parse(body).entries]


def within(seconds, check):
    """How long `check` took to pass, asked again and again for up to `seconds`."""
    started = time.monotonic()
    while True:
        try:
            check()
            return time.monotonic() - started
        except AssertionError:
            if time.monotonic() - started > seconds:
                raise
            time.sleep(0.02)


def purged(after):
    """The changes since invalidation `after`, all purged at the edge (and some)."""
    changes = Invalidation.objects.filter(pk__gt=after)
    assert changes.exists() and not changes.unpurged().exists()


def newest_change():
    return Invalidation.objects.order_by("-pk").values_list("pk", flat=True).first()


@pytest.mark.django_db(transaction=True)
def test_varnish_caches_what_readers_share_and_passes_staff(edge):
    """Anonymous readers share one cached copy, whatever other cookies they carry;
    anyone with a session, and the admin, go to the app; readers do not see the
    keys; only the app servers may purge."""
    _, _, story = newsroom()
    path = story.get_absolute_url()

    def cache(path, **headers):
        return fetch(edge.varnish.url + path, headers)[1]["X-Cache"]

    # Kept by the app first: it goes to Varnish gzipped, and Varnish unzips it for
    # a reader who does not take gzip, as for one who does it sends it as it is.
    varnish_host = edge.varnish.url.removeprefix("http://")
    _, _, page = fetch(edge.two + path, {"Host": varnish_host})
    assert cache(path) == "MISS"
    status, headers, body = fetch(edge.varnish.url + path)
    assert (status, headers["X-Cache"]) == (200, "HIT")
    assert "Content-Encoding" not in headers
    assert body == page
    _, headers, body = fetch(edge.varnish.url + path, {"Accept-Encoding": "gzip"})
    assert headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == page
    # As long as the app keeps it: 8 to 10 minutes (NEWSROOM_PAGE_CACHE_SPREAD).
    kept = int(headers["Cache-Control"].split("s-maxage=")[1].split(",")[0])
    assert 470 <= kept <= 600
    assert not {"xkey", "surrogate-key"} & {name.lower() for name in headers}
    # ...which the app did send, for Varnish to index the page by.
    assert f"story:{story.pk}" in fetch(edge.two + path)[1]["Surrogate-Key"].split()
    assert cache(path, Cookie="csrftoken=abc; _ga=1") == "HIT"
    assert cache(path, Cookie="csrftoken=abc; sessionid=xyz") == "PASS"
    assert cache("/admin/login/") == "PASS"

    # A purge from elsewhere than the app servers (127.0.0.2 is not in the ACL).
    connection = http.client.HTTPConnection(
        "127.0.0.1", edge.varnish.port, timeout=5, source_address=("127.0.0.2", 0)
    )
    connection.request("PURGE", "/", headers={"xkey-purge": f"story:{story.pk}"})
    assert connection.getresponse().status == 405
    connection.close()
    assert cache(path) == "HIT"


@pytest.mark.django_db(transaction=True)
def test_an_editors_change_is_fresh_through_both_servers_and_varnish_at_once(edge):
    """An editor saves a headline through server one: at once both servers show it,
    and within a second so does Varnish, on every page that shows the story (its
    own, the home page, its section, another story's related block, the feeds);
    a page that does not show it stays cached in Varnish."""
    a, b, c = newsroom()
    varnish = edge.varnish.url
    section = a.primary_category.get_absolute_url()
    pages = [a.get_absolute_url(), "/", section, b.get_absolute_url()]
    feeds = ["/rss/index.xml", f"{section}rss/"]
    for path in [*pages, *feeds, c.get_absolute_url()]:
        fetch(varnish + path)
        assert fetch(varnish + path)[1]["X-Cache"] == "HIT", path
    assert "Council passes the harbor budget" in related(varnish, b.get_absolute_url())
    editor = editor_at(edge.one)
    before = newest_change()

    save_headline(editor, a, "Council passes the harbor budget, 7-2")
    saved = time.monotonic()
    new = "Council passes the harbor budget, 7-2"
    for base in (edge.one, edge.two):
        assert new in headlines(base, a.get_absolute_url())
        assert new in headlines(base, "/")

    def fresh_through_varnish():
        for path in pages[:3]:
            assert new in headlines(varnish, path), path
        assert new in related(varnish, b.get_absolute_url())
        for path in feeds:
            assert new in feed_titles(varnish, path), path

    within(1.0, fresh_through_varnish)
    assert time.monotonic() - saved < 1.5
    purged(after=before)
    cached, unaffected = page(varnish, c.get_absolute_url())
    assert cached == "HIT"
    assert "Lighthouse reopens to visitors" in unaffected.findtext(".//h1")


@pytest.mark.django_db(transaction=True)
def test_a_takedown_is_gone_at_once_from_every_page_through_varnish(edge):
    """An editor unpublishes a story through server one: once Varnish is told
    (within a second), the very next reader finds it nowhere: not at its address,
    on the home page, in its section, in the feeds, or in another story's related
    block. No copy in grace, not even once."""
    a, b, c = newsroom()
    varnish = edge.varnish.url
    section = a.primary_category.get_absolute_url()
    address = a.get_absolute_url()
    pages = [address, "/", section, b.get_absolute_url()]
    feeds = ["/rss/index.xml", "/atom/index.xml", f"{section}rss/"]
    for path in [*pages, *feeds]:
        fetch(varnish + path)
        assert fetch(varnish + path)[1]["X-Cache"] == "HIT", path
    editor = editor_at(edge.one)
    before = newest_change()

    unpublish(editor, a)
    within(1.0, lambda: purged(after=before))
    assert Invalidation.objects.filter(pk__gt=before, hard=True).exists()
    assert fetch(varnish + address)[0] == 404
    gone = "Council passes the harbor budget"
    for path in ["/", section]:
        assert gone not in headlines(varnish, path), path
    assert gone not in related(varnish, b.get_absolute_url())
    assert "Ferry fares rise in spring" in headlines(varnish, "/")
    for path in feeds:
        titles = feed_titles(varnish, path)
        assert titles and gone not in titles, path


@pytest.mark.django_db(transaction=True)
def test_with_varnish_down_saves_succeed_and_purges_wait_in_the_outbox(edge):
    """Varnish stopped: the editor's save succeeds at once and readers of the app
    servers see it; the purge is logged as failed and waits in the outbox; once
    Varnish is back, the app sends it (with the next change) and Varnish serves
    the new headline."""
    a, _, c = newsroom()
    varnish = edge.varnish
    fetch(varnish.url + a.get_absolute_url())
    editor = editor_at(edge.one)
    before = newest_change()
    varnish.stop()

    started = time.monotonic()
    save_headline(editor, a, "Council passes the harbor budget, 7-2")
    assert time.monotonic() - started < 2
    assert "Council passes the harbor budget, 7-2" in headlines(
        edge.two, a.get_absolute_url()
    )

    def logged():
        assert "Purge at the edge failed, to be tried again: Varnish at" in (
            edge.logs[0].read_text()
        )

    within(3.0, logged)
    waiting = Invalidation.objects.filter(pk__gt=before)
    assert waiting.exists() and waiting.count() == waiting.unpurged().count()

    varnish.start()
    save_headline(editor, c, "Lighthouse reopens, at last")
    within(1.0, lambda: purged(after=before))
    assert "Council passes the harbor budget, 7-2" in headlines(
        varnish.url, a.get_absolute_url()
    )


# A wave of expired pages: Varnish in front of an app that takes its time. A stand-in
# for the app, since what is measured is what Varnish sends it and when: a real app
# renders too fast for two fetches at once to be told from eight.


class SlowApp:
    """An app on loopback that takes `seconds` over each page and lets it be kept
    for 1 s (`s-maxage=1`; 60 s under /fresh/), with the key `page:<path>`; the
    page says how many times it was asked for. Counts the most pages it was asked
    for at once since `most_at_once` was last reset, and how many it was at work on
    when a page was last asked for (`company`, that one included). /robots.txt
    (Varnish's probe) is answered at once; with `failing` set, every page is a 500
    (the database gone, say)."""

    def __init__(self, seconds):
        self.asked = {}
        self.company = {}
        self.failing = False
        self.at_once = self.most_at_once = 0
        lock = threading.Lock()
        app = self

        class Handler(QuietHandler):
            def do_GET(self):
                if self.path == "/robots.txt":
                    return self.answer(200, b"User-agent: *\n")
                with lock:
                    app.asked[self.path] = app.asked.get(self.path, 0) + 1
                    app.at_once += 1
                    app.company[self.path] = app.at_once
                    app.most_at_once = max(app.most_at_once, app.at_once)
                    body = f"{self.path} #{app.asked[self.path]}".encode()
                time.sleep(seconds)
                with lock:
                    app.at_once -= 1
                if app.failing:
                    return self.answer(500, b"Server Error")
                kept = 60 if self.path.startswith("/fresh/") else 1
                self.answer(
                    200,
                    body,
                    {
                        "Cache-Control": f"max-age=0, s-maxage={kept}",
                        "ETag": f'"{hash(body)}"',
                        "xkey": f"page:{self.path}",
                    },
                )

            def answer(self, status, body, headers=()):
                self.send_response(status)
                for name, value in dict(headers).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = serve(Handler)
        self.address = f"127.0.0.1:{self.server.server_address[1]}"

    def stop(self):
        self.server.stop()


def ask_together(varnish, paths, headers=None):
    """(status, headers, body) for each of `paths`, asked of `varnish` at once."""
    with ThreadPoolExecutor(len(paths)) as readers:
        return list(readers.map(lambda path: fetch(varnish.url + path, headers), paths))


@pytest.fixture
def slow_edge(tmp_path):
    """deploy/varnish.vcl in a varnishd of the test's own, in front of a SlowApp."""
    app = SlowApp(seconds=0.5)
    varnish = Varnish(tmp_path, app.address, free_port())
    try:
        varnish.start()
        yield app, varnish
    finally:
        varnish.stop()
        app.stop()


def test_varnish_renews_a_wave_of_expired_pages_two_at_a_time(slow_edge):
    """Pages asked together expire together: their readers are answered at once
    from grace, while the app is asked for them again no more than two at a time
    (not once for each page at the same moment, which queued hundreds at the app
    on the news day and held changes up behind them). A reader cannot lift that
    bound by sending the header Varnish marks purged pages with."""
    app, varnish = slow_edge
    paths = [f"/page-{number}/" for number in range(8)]
    marked = {"X-Purged": "yes"}
    ask_together(varnish, paths, marked)  # kept 1 s
    time.sleep(1.3)
    app.most_at_once = 0

    answers = ask_together(varnish, paths, marked)
    assert [status for status, _, _ in answers] == [200] * len(paths)
    assert {headers["X-Cache"] for _, headers, _ in answers} == {"HIT-STALE"}
    assert [body.decode() for _, _, body in answers] == [f"{p} #1" for p in paths]
    time.sleep(0.7)  # the renewals under way end
    # Two; now and then more, let through in the same instant (Varnish counts a
    # connection to the app once it is made).
    assert 2 <= app.most_at_once < len(paths)


def test_a_changed_page_is_not_held_up_behind_renewals_in_a_wave(slow_edge):
    """While expired pages are renewed two at a time, a page a change purged
    (softly, so that its readers get the old copy meanwhile) is not held up behind
    them: it is fetched again at once."""
    app, varnish = slow_edge
    paths = [f"/page-{number}/" for number in range(8)]
    fetch(varnish.url + "/fresh/story/")
    ask_together(varnish, paths)  # kept 1 s
    time.sleep(1.3)
    ask_together(varnish, paths)  # two renewals under way
    connection = http.client.HTTPConnection("127.0.0.1", varnish.port, timeout=5)
    connection.request("PURGE", "/", headers={"xkey-softpurge": "page:/fresh/story/"})
    assert connection.getresponse().status == 200
    connection.close()

    status, headers, body = fetch(varnish.url + "/fresh/story/")
    assert (status, headers["X-Cache"], body) == (200, "HIT-STALE", b"/fresh/story/ #1")
    assert "X-Kept-For" not in headers  # Varnish's own, as the keys are

    def fetched_again():
        assert fetch(varnish.url + "/fresh/story/")[2] == b"/fresh/story/ #2"

    within(2.0, fetched_again)
    assert app.company["/fresh/story/"] >= 3  # alongside the renewals, not after


def test_pages_a_change_purged_are_fetched_again_four_at_a_time(slow_edge):
    """A change to one of the newest stories purges every page whose links show
    its headline, thousands. Their readers get the old copies while those pages are
    fetched again no more than four at a time (all at once, on the news day, held
    the app and Varnish's threads for seconds), and within the second of grace and
    a fetch each reader gets the change."""
    app, varnish = slow_edge
    paths = [f"/fresh/page-{number}/" for number in range(24)]
    ask_together(varnish, paths)  # kept a minute
    keys = " ".join(f"page:{path}" for path in paths)
    connection = http.client.HTTPConnection("127.0.0.1", varnish.port, timeout=5)
    connection.request("PURGE", "/", headers={"xkey-softpurge": keys})
    assert connection.getresponse().status == 200
    connection.close()
    app.most_at_once = 0

    answers = ask_together(varnish, paths)
    assert {headers["X-Cache"] for _, headers, _ in answers} == {"HIT-STALE"}
    assert [body.decode() for _, _, body in answers] == [f"{p} #1" for p in paths]
    time.sleep(0.3)  # the fetches those readers set off are under way
    # Four; now and then one or two more, let through in the same instant (as for
    # renewals), never all.
    assert 4 <= app.most_at_once <= 6

    def all_fetched_again():
        bodies = [body.decode() for _, _, body in ask_together(varnish, paths)]
        assert bodies == [f"{p} #2" for p in paths]

    within(3.0, all_fetched_again)


def test_varnish_serves_a_page_past_its_time_for_a_second_while_the_app_answers(
    slow_edge,
):
    """While the app answers, a page is served from grace for a second past its
    time at most: a reader after that waits for it to be fetched again (so a change
    held up in a wave still reaches readers within the second). Should that fetch
    fail, the app erring or gone, the reader gets the copy in grace, not an error."""
    app, varnish = slow_edge
    for path in ("/late/", "/kept/", "/gone/"):
        fetch(varnish.url + path)
    time.sleep(2.5)  # 1.5 s past their time at least

    status, headers, body = fetch(varnish.url + "/late/")
    assert (status, headers["X-Cache"], body) == (200, "MISS", b"/late/ #2")

    def served_from_grace(path):
        status, headers, body = fetch(varnish.url + path)
        cached = headers.get("X-Cache")
        assert (status, cached, body) == (200, "HIT-STALE", f"{path} #1".encode())

    app.failing = True  # every page a 500, while the probe still gets its 200
    served_from_grace("/kept/")
    app.stop()
    served_from_grace("/gone/")
