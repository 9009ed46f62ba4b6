"""
In-process costs of Newsroom's pages, for bench/run-benchmark: which addresses the
benchmark drives, the SQL queries and bytes each page costs, the story page's median
render time, and the admin article list's time for a logged-in superuser.

Run it with the benchmark's environment (DEBUG off, the server-side page cache off, the
benchmark's database): `python bench/page_costs.py --out costs.json`.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from articles.models import Article  # noqa: E402

# A reader's search: two common words, so it matches a realistic share of the archive.
SEARCH = os.environ.get("BENCH_SEARCH", "harbor council")
BENCH_ADMIN = "bench-admin"


def find_pages():
    """The pages a reader of the newest story would visit, by their addresses."""
    story = Article.objects.published().select_related("primary_category").first()
    if story is None:
        raise SystemExit("No published story: seed the database first.")
    author = story.bylines.select_related("author").first().author
    return {
        "story": story.get_absolute_url(),
        "home": "/",
        "section": story.primary_category.get_absolute_url(),
        "author": author.get_absolute_url(),
        "search": "/search/?" + urlencode({"q": SEARCH}),
        "feed": "/rss/index.xml",
    }


def get(client, path):
    """One request through the whole stack (middleware included), checked."""
    response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}")
    return response


def page_cost(client, path):
    """Queries and bytes of one page, drawn a second time so that per-process
    start-up work (the first request's lookups) is not counted."""
    get(client, path)
    with CaptureQueriesContext(connection) as queries:
        response = get(client, path)
    return {"queries": len(queries), "bytes": len(response.content)}


def median_ms(client, path, times):
    durations = []
    for _ in range(times):
        start = time.perf_counter()
        get(client, path)
        durations.append((time.perf_counter() - start) * 1000)
    return statistics.median(durations)


def admin_client():
    """A client logged in as a superuser made for the benchmark."""
    users = get_user_model()
    user = users.objects.filter(username=BENCH_ADMIN).first()
    if user is None:
        user = users.objects.create_superuser(BENCH_ADMIN, "bench@example.org", None)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--renders", type=int, default=200)
    parser.add_argument("--admin-renders", type=int, default=20)
    args = parser.parse_args()

    pages = find_pages()
    reader = Client(HTTP_HOST="localhost")
    costs = {name: page_cost(reader, path) for name, path in pages.items()}
    story_ms = median_ms(reader, pages["story"], args.renders)

    staff = admin_client()
    admin_list = "/admin/articles/article/"
    admin = page_cost(staff, admin_list)
    admin["median_ms"] = median_ms(staff, admin_list, args.admin_renders)

    result = {
        "pages": pages,
        "costs": costs,
        "story_median_ms": story_ms,
        "story_renders": args.renders,
        "admin_list": admin,
        "stories": Article.objects.published().count(),
    }
    args.out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
