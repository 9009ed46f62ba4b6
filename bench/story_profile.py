"""
Where an uncached story page's time goes, in-process: run by bench/story_costs.py
with the benchmark's environment (DEBUG off, the page cache off, a seeded database).

    python bench/story_profile.py --out profile.json

Renders the newest story and a sample of the archive's stories through Django's test
client (the whole stack, middleware included), timing each render by the clock and
by this process's CPU time (on a shared, busy machine the clock also counts the
time the process waited for a core; the CPU time does not, nor PostgreSQL's and
Redis's own work, timed apart as the clock time of the queries). Then profiles the
newest story's renders with cProfile on CPU time: its top functions by own time, and
the time spent under each of a few named parts of the work.
"""

import argparse
import cProfile
import json
import os
import pstats
import random
import statistics
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from wsgiref.util import setup_testing_defaults

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from articles.models import Article  # noqa: E402
from newsroom.wsgi import application  # noqa: E402

HITS = 1000
# Named parts of a render, each the cumulative time of the function matching it
# (file fragment, function name; cProfile counts a function calling itself once);
# they overlap (a template calls the ORM).
PARTS = {
    "templates (the backend's Template.render)": (
        "django/template/backends/django.py",
        "render",
    ),
    "SQL execution (cursor.execute)": ("django/db/backends/utils.py", "execute"),
    "querysets evaluated (QuerySet._fetch_all)": (
        "django/db/models/query.py",
        "_fetch_all",
    ),
    "story page parts (readers/story_page.py fetch_parts)": (
        "readers/story_page.py",
        "fetch_parts",
    ),
    "more from the author and related (choose_links)": (
        "readers/story_page.py",
        "choose_links",
    ),
    "middleware and view (BaseHandler.get_response)": (
        "django/core/handlers/base.py",
        "get_response",
    ),
}


class QueryClock:
    """The clock time of the queries run while it is installed."""

    def __init__(self):
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start


class WSGIClient:
    """Asks newsroom.wsgi's application for a page as gunicorn does: a page kept in
    the cache is answered there before Django's handler (delivery/wsgi.py), which
    the test client, calling the handler itself, would not show."""

    def get(self, path):
        environ = {"PATH_INFO": path, "HTTP_HOST": "localhost"}
        setup_testing_defaults(environ)
        started = []
        body = application(environ, lambda status, headers: started.append(status))
        b"".join(body)
        if hasattr(body, "close"):
            body.close()
        return SimpleNamespace(status_code=int(started[0].split()[0]))


def render_ms(client, path):
    """(clock ms, CPU ms, queries' clock ms) of one render of `path`."""
    clock = QueryClock()
    start, cpu = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(clock):
        response = client.get(path)
    elapsed = (time.perf_counter() - start) * 1000
    used = (time.process_time() - cpu) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}")
    return elapsed, used, clock.seconds * 1000


def medians(timings):
    return [statistics.median(column) for column in zip(*timings, strict=True)]


def profile(client, path, times):
    """cProfile's stats of `times` requests for `path`, on CPU time, and its
    functions by own time a request."""
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(times):
        client.get(path)
    profiler.disable()
    stats = pstats.Stats(profiler)
    rows = [
        {
            "function": f"{file.split('site-packages/')[-1]}:{line} {name}",
            "calls": calls / times,
            "own_ms": own * 1000 / times,
            "cumulative_ms": cumulative * 1000 / times,
        }
        for (file, line, name), (_, calls, own, cumulative, _) in stats.stats.items()
    ]
    rows.sort(key=lambda row: row["own_ms"], reverse=True)
    return stats, rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--renders", type=int, default=200)
    args = parser.parse_args()

    client = Client(HTTP_HOST="localhost")
    newest = Article.objects.published().first()
    path = newest.get_absolute_url()
    for _ in range(20):  # warm: the first renders fill per-process caches
        render_ms(client, path)
    newest_ms = [render_ms(client, path) for _ in range(args.renders)]

    ids = list(Article.objects.published().values_list("pk", flat=True))
    sample = random.Random(14).sample(ids, args.renders)
    archive = Article.objects.filter(pk__in=sample).only("pk", "slug", "published_at")
    archive_ms = [render_ms(client, story.get_absolute_url()) for story in archive]

    stats, rows = profile(client, path, args.renders)
    total = stats.total_tt
    parts = {}
    for label, (fragment, name) in PARTS.items():
        cumulative = sum(
            value[3]
            for key, value in stats.stats.items()
            if fragment in key[0] and key[2] == name
        )
        parts[label] = cumulative * 1000 / args.renders
    # A hit: the same page, cached in Redis, as newsroom.wsgi answers it, asking
    # Redis each time (a page held in the process costs next to nothing).
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 600
    settings.NEWSROOM_PAGE_CACHE_LOCAL_SECONDS = 0
    client.get(path)
    hits = HITS
    wsgi = WSGIClient()
    hit_ms = [render_ms(wsgi, path) for _ in range(hits)]
    hit_stats, hit_rows = profile(wsgi, path, hits)
    result = {
        "hit_medians_ms": medians(hit_ms),
        "hit_profiled_ms": hit_stats.total_tt * 1000 / hits,
        "hit_top": hit_rows[:15],
        "path": path,
        "renders": args.renders,
        # Medians of (clock, CPU, queries' clock) milliseconds a render.
        "newest_medians_ms": medians(newest_ms),
        "archive_medians_ms": medians(archive_ms),
        "profiled_ms": total * 1000 / args.renders,
        "parts_ms": parts,
        "top": rows[:25],
        "stories": len(ids),
    }
    args.out.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
