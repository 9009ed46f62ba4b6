"""Pages at the edge are as fresh as the app's: a change is purged, by key, from
Varnish, Fastly and Cloudflare, and by path from CloudFront (their purge APIs played
by stand-ins on loopback); a purge that fails is logged and sent again later, and
never fails or holds up the editor's save."""

import io
import json
import runpy
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.etree import ElementTree

import pytest
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
from .test_page_cache_servers import free_port

ROOT = Path(__file__).resolve().parent.parent


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

        class Handler(BaseHTTPRequestHandler):
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

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.block_on_close = False
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stand_in():
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
FAILURES = {
    "an error": ((500, b"Internal error", 0), "500|InternalError|Internal error"),
    "no answer in time": ((200, b"{}", 1.5), "within|timed out|Read timeout"),
    "no connection": (None, "refused|Could not connect"),
}


@pytest.mark.parametrize("failure", FAILURES)
@pytest.mark.parametrize("edge", PURGERS)
def test_an_edge_failing_fails_the_purge_with_a_clear_message(
    stand_in, aws_credentials, edge, failure
):
    """An error answer, no answer within the timeout, or no connection at all is
    PurgeFailed naming the edge and what went wrong, and soon."""
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
    assert time.monotonic() - started < 1.2
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
    assert "/sitemap.xml" in paths_for({"list:all"})
    assert "/sitemaps/news.xml" in paths_for({"list:all"})
    assert paths_for({f"image:{picture.pk}"}) == [shown.get_absolute_url()]
    assert paths_for({f"image:{headshot.pk}"}) == ["/authors/ana-ruiz/"]
    assert paths_for({"nav", f"story:{story.pk}"}) == ["/*"]
    assert paths_for({"site"}) == ["/*"]
