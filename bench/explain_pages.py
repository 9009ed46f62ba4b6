"""
Run EXPLAIN (ANALYZE, BUFFERS) on every query the public pages and the admin make.

Point DATABASE_URL at a PostgreSQL database seeded with `seed_bench`, then:

    DATABASE_URL=postgres://… .venv/bin/python bench/explain_pages.py [--plans]

Each page is fetched with Django's test client (anonymous, or as the superuser
"explain-admin", made if missing, for the admin), its queries captured, and each SELECT
explained three times, the fastest kept. The report lists, per page, its time (median
of --times requests with an empty page cache), each query's execution time, its plan's
top node, and any sequential scan of a large table; --plans prints the whole plans.
"""

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.postgres.search import SearchQuery  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from taggit.models import Tag  # noqa: E402

from articles.models import Article, Author, Category  # noqa: E402

# Tables that grow with the archive: a sequential scan of one is a missing index.
LARGE_TABLES = {
    "articles_article",
    "articles_byline",
    "articles_article_categories",
    "articles_inlineimage",
    "articles_correction",
    "articles_taggedarticle",
}
SEQ_SCAN = re.compile(r"Seq Scan on (\w+)")


def busiest(model, relation):
    return model.objects.annotate(n=Count(relation)).order_by("-n").first()


def rare_word():
    """A headline's place name that few stories mention, as most searches are."""
    candidates = {a.headline.split()[0] for a in Article.objects.all()[:40]}
    counts = {
        word: Article.objects.filter(search_vector=SearchQuery(word)).count()
        for word in candidates
    }
    return min(counts, key=counts.get)


def public_pages():
    story = Article.objects.published()[5000:5001].get()
    section = Category.objects.filter(is_in_navigation=True).first()
    author = busiest(Author, "bylines")
    tag = busiest(Tag, "articles_taggedarticle_items")
    tags = Tag.objects.annotate(n=Count("articles_taggedarticle_items"))
    rare_tag = tags.filter(n__gt=0).order_by("n")[0]
    place = story.headline.split()[0]
    return [
        ("home", "/"),
        ("home, page 50", "/?page=50"),
        ("story", story.get_absolute_url()),
        ("section", section.get_absolute_url()),
        ("section, page 50", f"{section.get_absolute_url()}?page=50"),
        ("author", author.get_absolute_url()),
        ("author, page 50", f"{author.get_absolute_url()}?page=50"),
        ("tag", f"/tags/{tag.slug}/"),
        ("tag, page 50", f"/tags/{tag.slug}/?page=50"),
        ("rare tag", f"/tags/{rare_tag.slug}/"),
        ("search, one place", f"/search/?q={place}"),
        ("search, a rare place", f"/search/?q={rare_word()}"),
        ("search, common word", "/search/?q=budget"),
        ("search, two words", f"/search/?q={place}+harbor"),
        ("feed", "/rss/index.xml"),
        ("section feed", f"/sections/{section.slug}/rss/"),
        ("author feed", f"/authors/{author.slug}/rss/"),
        ("sitemap index", "/sitemap.xml"),
        ("stories sitemap, page 1", "/sitemaps/stories.xml"),
        ("stories sitemap, page 20", "/sitemaps/stories.xml?p=20"),
        ("news sitemap", "/sitemaps/news.xml"),
        ("sections sitemap", "/sitemaps/sections.xml"),
        ("authors sitemap", "/sitemaps/authors.xml"),
    ]


def admin_pages():
    story = Article.objects.published()[5000:5001].get()
    section = Category.objects.filter(is_in_navigation=True).first()
    author = busiest(Author, "bylines")
    changelist = "/admin/articles/article/"
    return [
        ("admin home (editors' desk)", "/admin/"),
        ("admin list", changelist),
        ("admin list, page 50", f"{changelist}?p=50"),
        ("admin list, drafts", f"{changelist}?status__exact=draft"),
        ("admin list, published", f"{changelist}?status__exact=published"),
        (
            "admin list, section",
            f"{changelist}?primary_category__id__exact={section.pk}",
        ),
        ("admin list, author", f"{changelist}?author={author.pk}"),
        ("admin list, search", f"{changelist}?q={story.headline.split()[0]}"),
        ("admin list, search a rare place", f"{changelist}?q={rare_word()}"),
        ("admin list, year", f"{changelist}?published_at__year=2024"),
        ("admin change form", f"{changelist}{story.pk}/change/"),
        ("admin authors", "/admin/articles/author/"),
        ("admin images", "/admin/photos/image/"),
        ("admin tags", "/admin/taggit/tag/"),
    ]


def explain(sql, runs=3):
    """The fastest of `runs` executions and its plan: the machine may be busy."""
    best = None
    for _ in range(runs):
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            lines = [row[0] for row in cursor.fetchall()]
        ms = next(
            float(line.split(":")[1].split()[0])
            for line in lines
            if line.startswith("Execution Time")
        )
        if best is None or ms < best[0]:
            best = ms, lines
    return best


def timed_get(client, path, times):
    """The response and the median milliseconds of `times` requests, each made with
    an empty page cache, on the clock and in this process's CPU time (which a busy
    machine inflates less; it leaves out the database's own work)."""
    wall, cpu = [], []
    for _ in range(times):
        cache.clear()
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return response, statistics.median(wall), statistics.median(cpu)


def report_page(name, client, path, show_plans, times):
    with CaptureQueriesContext(connection) as captured:
        cache.clear()
        response = client.get(path)
    # A copy now: the connection keeps a bounded log, which later queries rotate.
    queries = list(captured)
    response, elapsed, cpu = timed_get(client, path, times)
    print(f"\n### {name}: `{path}`\n")
    print(
        f"{response.status_code}, {len(queries)} queries, {elapsed:.0f} ms in the "
        f"test client, {cpu:.0f} ms of it Python's CPU time (medians of {times})\n"
    )
    print("| ms | plan | large-table seq scans | query |")
    print("| ---: | --- | --- | --- |")
    for query in queries:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        ms, lines = explain(sql)
        top = lines[0].split("  (")[0].strip()
        scans = sorted(
            {t for line in lines for t in SEQ_SCAN.findall(line) if t in LARGE_TABLES}
        )
        short = sql if len(sql) < 140 else sql[:137] + "…"
        short = short.replace("|", "\\|")
        print(f"| {ms:.2f} | {top} | {', '.join(scans) or '—'} | `{short}` |")
        if show_plans:
            print("\n```\n" + "\n".join(lines) + "\n```\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plans", action="store_true", help="print whole plans")
    parser.add_argument("--only", help="only pages whose name contains this")
    parser.add_argument(
        "--times", type=int, default=5, help="requests timed per page (5)"
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Point DATABASE_URL at PostgreSQL: EXPLAIN plans are PostgreSQL's.")
    print(f"{Article.objects.count():,} stories.")
    anonymous = Client()
    staff = Client()
    admin, _ = get_user_model().objects.get_or_create(
        username="explain-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    staff.force_login(admin)
    pages = [(n, anonymous, p) for n, p in public_pages()]
    pages += [(n, staff, p) for n, p in admin_pages()]
    for name, client, path in pages:
        if args.only and args.only not in name:
            continue
        report_page(name, client, path, args.plans, args.times)


if __name__ == "__main__":
    main()
