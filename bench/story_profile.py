"""
Where an uncached story page's time goes, in-process: run by bench/story_costs.py
with the benchmark's environment (DEBUG off, the page cache off, a seeded database).

    python bench/story_profile.py --out profile.json

Renders the newest story and a sample of the archive's stories through Django's test
client (the whole stack, middleware included), and profiles the newest story's
renders with cProfile: its top functions by own time, and the time spent under each
of a few named parts of the work (templates, the ORM, the story page's queries).
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402

from articles.models import Article  # noqa: E402

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
    "more from the author and related (more_and_related)": (
        "readers/story_page.py",
        "more_and_related",
    ),
    "middleware and view (BaseHandler.get_response)": (
        "django/core/handlers/base.py",
        "get_response",
    ),
}


def render_ms(client, path):
    start = time.perf_counter()
    response = client.get(path)
    elapsed = (time.perf_counter() - start) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}")
    return elapsed


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

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.renders):
        client.get(path)
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = stats.total_tt
    rows = []
    for (file, line, name), (_, calls, own, cumulative, _) in stats.stats.items():
        rows.append(
            {
                "function": f"{file.split('site-packages/')[-1]}:{line} {name}",
                "calls": calls // args.renders,
                "own_ms": own * 1000 / args.renders,
                "cumulative_ms": cumulative * 1000 / args.renders,
            }
        )
    rows.sort(key=lambda row: row["own_ms"], reverse=True)
    parts = {}
    for label, (fragment, name) in PARTS.items():
        cumulative = sum(
            value[3]
            for key, value in stats.stats.items()
            if fragment in key[0] and key[2] == name
        )
        parts[label] = cumulative * 1000 / args.renders
    result = {
        "path": path,
        "renders": args.renders,
        "newest_median_ms": statistics.median(newest_ms),
        "archive_median_ms": statistics.median(archive_ms),
        "profiled_ms": total * 1000 / args.renders,
        "parts_ms": parts,
        "top": rows[:25],
        "stories": len(ids),
    }
    args.out.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
