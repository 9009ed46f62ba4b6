"""
The benchmark: Newsroom's public pages under gunicorn, driven by wrk, at 1,000 and at
100,000 stories, beside two references measured in the same run on the same machine:
the framework's floor (a Django view returning a short string, bench/floor/) and nginx
sending the story page from disk. Writes bench/RESULTS.md.

Run it through bench/run-benchmark, which installs wrk and nginx and starts PostgreSQL
and Redis first. For a quick trial: BENCH_SECONDS=3 BENCH_SIZES=200 bench/run-benchmark.
"""

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import psycopg2
import redis
from psycopg2 import sql
from results import machine, software, write_results
from servers import (
    ROOT,
    Processes,
    deploy_site,
    fetch,
    file_site,
    start_gunicorn,
    start_nginx,
    wrk,
)

SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
WARMUP = int(os.environ.get("BENCH_WARMUP", str(min(3, SECONDS))))
SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "1000,100000").split(",")]
POSTGRES = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
# A Redis database of the benchmark's own: it is emptied before every server starts.
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
DATABASE_PREFIX = os.environ.get("BENCH_DATABASE_PREFIX", "newsroom_bench")
PAGES = ["story", "home", "section", "author", "search", "feed"]


def say(message):
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


def recreate_database(name):
    connection = psycopg2.connect(f"{POSTGRES}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)
            )
        )
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0].split()[0]
    connection.close()
    return version


def site_environment(*, database, workdir, size):
    """Production settings, as a deployment would set them, on the bench database."""
    keep = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("NEWSROOM_", "SECURE_", "DJANGO_"))
        and key not in {"DEBUG", "DATABASE_URL", "CACHE_URL", "REDIS_URL", "PORT"}
    }
    return {
        **keep,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Plain http on the loopback: no redirect to https, cookies over http.
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "SERVE_MEDIA": "true",
        "DATABASE_URL": f"{POSTGRES}/{database}",
        "CONN_MAX_AGE": "600",
        "CACHE_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": f"bench{size}",
        "STATIC_ROOT": str(workdir / "static"),
        "MEDIA_ROOT": str(workdir / f"media-{size}"),
        "LOG_LEVEL": "WARNING",
    }


def uncached(env):
    """The same settings with Django's page cache off: every request renders."""
    return {**env, "NEWSROOM_PAGE_CACHE_SECONDS": "0"}


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def page_costs(env, workdir, size):
    out = workdir / f"costs-{size}.json"
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "page_costs.py"), "--out", str(out)],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return json.loads(out.read_text())


def flush_cache():
    redis.Redis.from_url(REDIS_URL).flushdb()


def drive(url, paths):
    """wrk on each page in turn; each is fetched once first and must answer 200."""
    figures = {}
    for name in PAGES:
        status, _, _ = fetch(url + paths[name])
        if status != 200:
            raise RuntimeError(f"{name} ({paths[name]}) answered {status}")
        figures[name] = wrk(url + paths[name], seconds=SECONDS, warmup=WARMUP)
        say(f"  {name:8} {figures[name]['rps']:8.0f} requests/s")
    return figures


def measure_size(size, workdir, processes):
    database = f"{DATABASE_PREFIX}_{size}"
    env = site_environment(database=database, workdir=workdir, size=size)
    say(f"{size:,} stories: a fresh database {database}")
    postgres = recreate_database(database)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "seed_bench", "--stories", str(size))
    manage(env, "collectstatic", "--noinput", "-v0")
    costs = page_costs(uncached(env), workdir, size)
    paths = costs["pages"]
    result = {"size": size, "costs": costs, "postgres": postgres}

    # The floor before the pages as well as after them: the machine's speed can
    # drift over the minutes between (a shared host), and the pages are compared
    # with the mean of the two.
    floor_before = measure_floor(processes)

    say("uncached: every request renders the page")
    flush_cache()
    url = start_gunicorn(processes, "newsroom-uncached", uncached(env))
    result["uncached"] = drive(url, paths)
    processes.stop("newsroom-uncached")

    say("cached: Django's page cache in Redis")
    flush_cache()
    url = start_gunicorn(processes, "newsroom-cached", env)
    result["cached"] = drive(url, paths)

    # The ceiling serves the very bytes the app sends for the story page.
    _, _, story_html = fetch(url + paths["story"])
    say("the story page through deploy/nginx.conf's cache")
    nginx_url = start_nginx(
        processes,
        "nginx-cache",
        workdir,
        lambda port: deploy_site(
            port=port,
            upstream=url.removeprefix("http://"),
            cache=workdir / f"nginx-cache-{size}",
            static_root=env["STATIC_ROOT"],
            media_root=env["MEDIA_ROOT"],
        ),
    )
    story = nginx_url + paths["story"]
    fetch(story)
    _, headers, _ = fetch(story)
    result["nginx_cache_status"] = headers.get("X-Cache-Status", "none")
    result["nginx_cached"] = wrk(story, seconds=SECONDS, warmup=WARMUP)
    say(f"  story    {result['nginx_cached']['rps']:8.0f} requests/s")
    processes.stop("nginx-cache")
    processes.stop("newsroom-cached")

    # The references right after, with nothing else running, so that a machine busy
    # with something else for a while skews both sides of each ratio alike.
    result["references"] = measure_references(
        workdir / f"references-{size}", processes, paths["story"], story_html
    )
    result["references"]["floor_before"] = floor_before
    return result


def measure_floor(processes):
    """The Django floor: one view returning a short string, same gunicorn settings."""
    floor_url = start_gunicorn(
        processes,
        "floor",
        {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.floor.settings"},
        app="bench.floor.wsgi",
    )
    floor = wrk(floor_url + "/", seconds=SECONDS, warmup=WARMUP)
    processes.stop("floor")
    say(f"  floor    {floor['rps']:8.0f} requests/s")
    return floor


def measure_references(workdir, processes, story_path, html):
    say("references: the Django floor, then nginx sending the story page from disk")
    floor = measure_floor(processes)

    docroot = workdir / "docroot"
    page = docroot / story_path.strip("/") / "index.html"
    page.parent.mkdir(parents=True)
    page.write_bytes(html)
    url = start_nginx(
        processes,
        "nginx-disk",
        workdir,
        lambda port: file_site(port=port, docroot=docroot),
    )
    disk = wrk(url + story_path, seconds=SECONDS, warmup=WARMUP)
    processes.stop("nginx-disk")
    say(f"  disk     {disk['rps']:8.0f} requests/s")
    return {"floor": floor, "nginx_disk": disk, "story_bytes": len(html)}


def main():
    started = datetime.now(UTC)
    load_before = os.getloadavg()[0]
    workdir = Path(tempfile.mkdtemp(prefix="newsroom-bench-"))
    processes = Processes(logs=workdir)
    # A kill (SIGTERM, or the terminal's SIGHUP) unwinds like Ctrl-C: servers stopped,
    # temporary files removed.
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, lambda signum, frame: sys.exit(128 + signum))
    sizes = []
    try:
        for size in SIZES:
            sizes.append(measure_size(size, workdir, processes))
    finally:
        processes.stop_all()
        shutil.rmtree(workdir, ignore_errors=True)
    figures = {
        "started": f"{started:%Y-%m-%d %H:%M} UTC",
        "machine": machine(),
        "software": software(sizes[0]["postgres"]),
        "load": [load_before, os.getloadavg()[0]],
        "seconds": SECONDS,
        "warmup": WARMUP,
        "sizes": sizes,
    }
    # The raw figures too, to compare runs or draw the table again.
    (ROOT / "bench" / "RESULTS.json").write_text(json.dumps(figures, indent=1))
    write_results(ROOT / "bench" / "RESULTS.md", figures)
    say("figures written to bench/RESULTS.md and bench/RESULTS.json")


if __name__ == "__main__":
    main()
