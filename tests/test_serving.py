"""`make serve`: production settings on one's own machine, under gunicorn, with static
files served by WhiteNoise under hashed names, gzipped and cached for years."""

import os
import re
import secrets
import shlex
import subprocess
import sys
import urllib.request
from pathlib import Path

import lxml.html
import pytest

from .services import free_port, wait_until_serving

ROOT = Path(__file__).resolve().parent.parent
TEN_YEARS = 10 * 365 * 24 * 60 * 60


def serve_environment():
    """The variables `make serve` sets for the server, read from the Makefile itself
    (`make -n` prints the commands without running them), with a key of our own."""
    dry_run = subprocess.run(
        ["make", "--no-print-directory", "-n", "serve"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    command = next(line for line in dry_run.splitlines() if "gunicorn -c" in line)
    words = shlex.split(command)
    variables = dict(word.split("=", 1) for word in words[: words.index("exec")])
    assert "SECRET_KEY" in variables, command
    variables["SECRET_KEY"] = secrets.token_urlsafe(50)
    return variables


def clean_environment(**extra):
    """This process's environment without the settings a test run may have set."""
    dropped = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "CACHE_URL"}
    dropped |= {"REDIS_URL", "PORT", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {key: value for key, value in os.environ.items() if key not in dropped}
    return {**env, **extra}


def manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_make_serve_runs_with_debug_off_and_only_https_relaxed():
    """`check --deploy` under make serve's settings flags only what plain http on
    one's own machine needs: no HTTPS redirect and cookies that are not secure-only."""
    env = serve_environment()
    assert env["DEBUG"] == "false"
    result = manage(clean_environment(**env), "check", "--deploy")
    assert result.returncode == 0, result.stdout + result.stderr
    flagged = set(re.findall(r"\(security\.(W\d+)\)", result.stdout + result.stderr))
    # W008: SECURE_SSL_REDIRECT off; W012, W016: session and CSRF cookies not secure.
    assert flagged == {"W008", "W012", "W016"}, result.stdout + result.stderr


@pytest.fixture
def production_server(tmp_path):
    """gunicorn with the repo's gunicorn.conf.py and make serve's settings, on a new
    SQLite database with the static files collected into a temporary folder."""
    port = free_port()
    env = clean_environment(
        **serve_environment(),
        DATABASE_URL=f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
        MEDIA_ROOT=str(tmp_path / "media"),
        PORT=str(port),
        WEB_CONCURRENCY="1",
    )
    for command in [("migrate", "--noinput"), ("collectstatic", "--noinput")]:
        result = manage(env, *command)
        assert result.returncode == 0, result.stdout + result.stderr
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(url, server)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)


def get(url, **headers):
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.headers, response.read()


def test_stylesheet_is_served_hashed_gzipped_and_cached_for_years(production_server):
    _, page = get(production_server + "/")
    stylesheets = lxml.html.fromstring(page).cssselect('link[rel="stylesheet"]')
    href = stylesheets[0].get("href")
    # The content's hash is in the name, so a changed file is a new URL.
    assert re.search(r"\.[0-9a-f]{12}\.css$", href), href

    headers, body = get(production_server + href, **{"Accept-Encoding": "gzip"})
    assert headers["Content-Encoding"] == "gzip"
    assert body[:2] == b"\x1f\x8b"
    cache_control = {part.strip() for part in headers["Cache-Control"].split(",")}
    assert f"max-age={TEN_YEARS}" in cache_control
    assert {"public", "immutable"} <= cache_control


def test_unhashed_static_name_is_cached_only_briefly(production_server):
    """The plain name may change content at the next deploy: no long caching."""
    headers, _ = get(production_server + "/static/css/site.css")
    assert "immutable" not in headers["Cache-Control"]
    max_age = int(re.search(r"max-age=(\d+)", headers["Cache-Control"]).group(1))
    assert max_age <= 3600
