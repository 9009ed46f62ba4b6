"""Originals of uploaded pictures keep the camera's GPS position and serial number:
readers never get them (pages show renditions, made without them), staff who may view
images do, from the app or from nginx in front of it by the app's X-Accel-Redirect."""

import gzip
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import lxml.html
import pytest
from PIL import Image as PILImage

from articles.models import Article
from photos.renditions import FORMATS, SPECS

from . import pictures
from .factories import make_article, make_image
from .services import free_port

ROOT = Path(__file__).resolve().parent.parent
PRIVATE = [b"SERIAL-0042-SECRET", b"Jane Q. Owner", b"PhoneMaker"]


def phone_photo(**fields):
    """A picture as a phone takes it: GPS position, serial number, owner's name."""
    return make_image(
        file=pictures.upload(pictures.jpeg_with_private_exif(), "phone.jpg"),
        **fields,
    )


@pytest.fixture
def public_photo(db):
    return make_article(lead_image=phone_photo()).lead_image


@pytest.fixture
def unpublished_photo(db):
    draft = make_article(lead_image=phone_photo(), status=Article.Status.DRAFT)
    return draft.lead_image


def body(response):
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content)
    return response.content


def test_public_pages_show_renditions_never_originals(client, public_photo):
    """Every picture a reader's page or feed points at is a rendition."""
    author = public_photo.lead_of.get().bylines.get().author
    author.headshot = phone_photo()
    author.save()
    story = public_photo.lead_of.get()
    urls = []
    for path in ["/", story.get_absolute_url(), author.get_absolute_url()]:
        page = lxml.html.fromstring(client.get(path).content)
        urls += page.xpath("//img/@src | //meta[@property='og:image']/@content")
        for srcset in page.xpath("//@srcset"):
            urls += [part.split()[0] for part in srcset.split(",")]
    feed = client.get("/rss/index.xml").content.decode()
    assert urls
    for url in urls:
        assert url.removeprefix("http://testserver").startswith("/images/"), url
    for image in [public_photo, author.headshot]:
        assert image.file.name not in feed


@pytest.mark.parametrize("fmt", FORMATS)
def test_renditions_carry_no_gps_serial_or_owner(client, public_photo, fmt):
    for spec in SPECS.values():
        width = public_photo.rendition_widths(spec)[0]
        data = body(client.get(public_photo.get_rendition_url(spec, width, fmt)))
        served = PILImage.open(io.BytesIO(data))
        assert not served.getexif(), (spec.name, fmt)
        assert not {"exif", "xmp", "icc_profile"} & set(served.info), (spec.name, fmt)
        for secret in PRIVATE:
            assert secret not in data, (spec.name, fmt, secret)


def test_originals_are_not_served_to_readers(client, public_photo, unpublished_photo):
    """Not even of a published picture: a reader has no use for the camera's data."""
    for image in [public_photo, unpublished_photo]:
        assert client.get(image.file.url).status_code == 404
    rendition = public_photo.get_rendition_url(SPECS["lead"], 480)
    assert client.get(rendition).status_code == 200
    # A rendition's stored file is not served past image_rendition's check either.
    stored = public_photo.renditions.get().file
    assert client.get(stored.url).status_code == 404


def test_staff_who_may_view_images_get_originals_privately(
    admin_client, client, django_user_model, unpublished_photo
):
    response = admin_client.get(unpublished_photo.file.url)
    assert response.status_code == 200
    assert body(response) == unpublished_photo.file.open("rb").read()
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, no-store"
    assert "sandbox" in response["Content-Security-Policy"]
    clerk = django_user_model.objects.create_user("clerk", password="x", is_staff=True)
    client.force_login(clerk)
    assert client.get(unpublished_photo.file.url).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/media/x%00.jpg",
        "/media/images/%00/a.jpg",
        "/media/../manage.py.jpg",
        "/media/images/..%2f..%2fmanage.jpg",
        "/media/images//a.jpg",
        "/media/nothing-here.jpg",
        "/media/" + "x" * 3000 + ".jpg",
        "/media/page.html",
    ],
)
def test_odd_media_paths_are_404_for_everyone(admin_client, client, public_photo, path):
    for who in [client, admin_client]:
        assert who.get(path).status_code == 404, path


def test_behind_nginx_the_app_answers_with_an_internal_redirect(
    admin_client, client, settings, public_photo
):
    """With NEWSROOM_MEDIA_ACCEL_REDIRECT set, staff get an X-Accel-Redirect to
    nginx's internal location and no bytes from the app; readers get nothing."""
    settings.NEWSROOM_MEDIA_ACCEL_REDIRECT = "/protected-media/"
    url = public_photo.file.url
    response = admin_client.get(url)
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == f"/protected-media/{public_photo.file.name}"
    assert response["Cache-Control"] == "private, no-store"
    reader = client.get(url)
    assert reader.status_code == 404 and not reader.has_header("X-Accel-Redirect")


# What the production site holds for the nginx test: a draft's picture and a public
# story's, both straight from a phone, and a session of a superuser.
SEED = """
import json
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from articles.models import Article
from photos.renditions import SPECS
from tests.factories import make_article, make_image
from tests.pictures import jpeg_with_private_exif, upload

def phone_photo():
    return make_image(file=upload(jpeg_with_private_exif(), "phone.jpg"))

draft = make_article(lead_image=phone_photo(), status=Article.Status.DRAFT)
public = make_article(lead_image=phone_photo())
boss = get_user_model().objects.create_superuser("boss", password="x")
session = SessionStore()
session["_auth_user_id"] = str(boss.pk)
session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
session["_auth_user_hash"] = boss.get_session_auth_hash()
session.create()
print(json.dumps({
    "unpublished": [draft.lead_image.file.url, draft.lead_image.file.name],
    "public": [public.lead_image.file.url, public.lead_image.file.name],
    "rendition": public.lead_image.get_rendition_url(SPECS["lead"], 480),
    "story": public.get_absolute_url(),
    "session": session.session_key,
}))
"""

# nginx's own main file, which includes the site's server block in its http block.
NGINX_MAIN = """\
daemon off;
{user}
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {dir}/client_body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    include {dir}/site.conf;
}}
"""


def wait_for_port(port, process):
    for _ in range(300):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            assert process.poll() is None, process.stderr.read().decode()
            time.sleep(0.05)
    raise AssertionError(f"nothing listens on port {port}")


def shipped_site(*, port, upstream, directory, media_root):
    """deploy/nginx.conf with its address, port and paths made local."""
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    swaps = {
        "server 127.0.0.1:8000;": f"server {upstream};",
        "listen 80;": f"listen 127.0.0.1:{port};",
        "/var/cache/nginx/newsroom": str(directory / "cache"),
        "/srv/newsroom/staticfiles/": f"{directory}/static/",
        "/srv/newsroom/media/": f"{media_root}/",
    }
    for old, new in swaps.items():
        assert old in text, f"deploy/nginx.conf no longer says {old!r}"
        text = text.replace(old, new)
    return text


@pytest.fixture
def production_site(tmp_path):
    """gunicorn with production settings (DEBUG off, SERVE_MEDIA off, the accel
    redirect on) on a new SQLite database, and nginx with deploy/nginx.conf in front.
    Yields nginx's URL and what SEED made."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(binary).exists(), "nginx is needed: apt-get install nginx-light"
    app_port, nginx_port = free_port(), free_port()
    media_root = tmp_path / "media"
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("NEWSROOM_", "SECURE_", "DJANGO_"))
        and key not in {"DEBUG", "DATABASE_URL", "CACHE_URL", "REDIS_URL", "PORT"}
    } | {
        "DEBUG": "false",
        "SECRET_KEY": "a-key-for-this-test-only-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "SERVE_MEDIA": "false",
        "NEWSROOM_MEDIA_ACCEL_REDIRECT": "/protected-media/",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}",
        "MEDIA_ROOT": str(media_root),
        "STATIC_ROOT": str(tmp_path / "static"),
        "PORT": str(app_port),
        "WEB_CONCURRENCY": "1",
        "LOG_LEVEL": "WARNING",
        # Pages kept, in the one worker's memory: kept pages go out gzipped.
        "NEWSROOM_PAGE_CACHE_SECONDS": "600",
    }

    def manage(*args):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    manage("migrate", "--noinput")
    manage("collectstatic", "--noinput", "-v0")
    seeded = json.loads(manage("shell", "-c", SEED).strip().splitlines()[-1])

    directory = tmp_path / "nginx"
    directory.mkdir()
    (directory / "site.conf").write_text(
        shipped_site(
            port=nginx_port,
            upstream=f"127.0.0.1:{app_port}",
            directory=directory,
            media_root=media_root,
        )
    )
    # Run as root, nginx hands requests to workers of user nobody, who could not read
    # the test's temporary folder; these workers stay root instead.
    user = "user root root;" if os.geteuid() == 0 else ""
    (directory / "nginx.conf").write_text(NGINX_MAIN.format(dir=directory, user=user))
    servers = [
        subprocess.Popen(
            command,
            cwd=ROOT,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for command in [
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
            [binary, "-p", str(directory), "-c", str(directory / "nginx.conf")],
        ]
    ]
    try:
        wait_for_port(app_port, servers[0])
        wait_for_port(nginx_port, servers[1])
        # The app itself too, for a page kept before nginx asks for it.
        seeded["app"] = f"http://127.0.0.1:{app_port}"
        yield f"http://127.0.0.1:{nginx_port}", seeded
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=20)


def fetch(url, cookie=None, **headers):
    request = urllib.request.Request(url, headers=headers)
    if cookie:
        request.add_header("Cookie", cookie)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_through_nginx_originals_reach_only_staff(production_site, tmp_path):
    """Behind the shipped nginx.conf an unpublished picture's original is a 404 to
    anyone who has its address, and so is a public one's; staff get the file, sent by
    nginx from disk; nginx's internal location cannot be asked for directly."""
    nginx, seeded = production_site
    for url, name in [seeded["unpublished"], seeded["public"]]:
        status, _, data = fetch(nginx + url)
        assert status == 404, url
        assert b"SERIAL-0042" not in data
        assert fetch(f"{nginx}/protected-media/{name}")[0] == 404

    url, name = seeded["unpublished"]
    status, headers, data = fetch(nginx + url, cookie=f"sessionid={seeded['session']}")
    assert status == 200
    assert data == (tmp_path / "media" / name).read_bytes()
    assert headers["Content-Type"] == "image/jpeg"
    assert "sandbox" in headers["Content-Security-Policy"]
    assert headers["Cache-Control"] == "private, no-store"

    # Readers' pictures still come, through the app's check, as renditions; the
    # rendition's stored file is not served past that check either.
    status, headers, data = fetch(nginx + seeded["rendition"])
    assert status == 200 and headers["Content-Type"] == "image/jpeg"
    assert b"SERIAL-0042" not in data
    stored = [p for p in (tmp_path / "media" / "renditions").rglob("*") if p.is_file()]
    assert stored
    for path in stored:
        relative = path.relative_to(tmp_path / "media")
        assert fetch(f"{nginx}/media/{relative}")[0] == 404


def test_through_nginx_a_kept_page_reaches_readers_who_take_gzip_and_who_do_not(
    production_site,
):
    """nginx asks the app for gzip and keeps one copy of a page whatever the
    reader's Accept-Encoding, which it unzips for a reader who does not take gzip."""
    nginx, seeded = production_site
    # Kept by the app first, as nginx asks for it (nginx sends the host, not the
    # port): then the app sends it gzipped.
    fetch(seeded["app"] + seeded["story"], Host="127.0.0.1")
    url = nginx + seeded["story"]
    status, headers, plain = fetch(url)
    assert (status, headers["X-Cache-Status"]) == (200, "MISS")
    assert "Content-Encoding" not in headers
    assert plain.rstrip().endswith(b"</html>")
    for accept_encoding in ["gzip", "gzip, deflate, br, zstd", "br;q=1, gzip;q=0.8"]:
        status, headers, zipped = fetch(url, **{"Accept-Encoding": accept_encoding})
        assert headers["X-Cache-Status"] == "HIT", accept_encoding
        assert headers["Content-Encoding"] == "gzip", accept_encoding
        assert gzip.decompress(zipped) == plain, accept_encoding
    status, headers, again = fetch(url, cookie="_ga=1; csrftoken=x")
    assert (headers["X-Cache-Status"], again) == ("HIT", plain)
    assert "Content-Encoding" not in headers
