"""
Render the demo newsroom's public pages to files, at a fixed instant: run by
bench/compare-pages in the checkout under test (its own settings and code), against a
database that it migrates first (and seeds, with --seed).

    python render_pages.py OUT [--seed]

Every page is rendered by Django's test client with the page cache off: the home
page, every address in the sitemaps, search, the site's, each section's and each
author's feeds, and robots.txt.
"""

import argparse
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

# The instant the demo is seeded at and its pages rendered at, in both checkouts.
INSTANT = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", action="store_true")
    args = parser.parse_args()

    sys.path.insert(0, os.getcwd())  # the checkout under test
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    os.environ["NEWSROOM_PAGE_CACHE_SECONDS"] = "0"
    import django
    import time_machine

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from lxml import etree

    with time_machine.travel(INSTANT, tick=False):
        call_command("migrate", verbosity=0)
        if args.seed:
            call_command("seed_demo", verbosity=0)
        client = Client()

        def get(path):
            response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"{path}: {response.status_code}")
            return response.content

        paths = ["/", "/search/?q=harbor", "/robots.txt", "/sitemap.xml"]
        for sitemap in etree.fromstring(get("/sitemap.xml")).iter("{*}loc"):
            paths.append(urlsplit(sitemap.text).path)
            for page in etree.fromstring(get(paths[-1])).iter("{*}loc"):
                paths.append(urlsplit(page.text).path)
        feeds = ["/rss/index.xml", "/atom/index.xml"]
        for path in list(paths):
            for prefix in ("/sections/", "/authors/"):
                if path.startswith(prefix) and path.count("/") == 3:
                    feeds += [f"{path}rss/", f"{path}atom/"]
        args.out.mkdir(parents=True, exist_ok=True)
        for path in dict.fromkeys(paths + feeds):
            name = path.strip("/").replace("/", "__").replace("?", "_") or "home"
            (args.out / name).write_bytes(get(path))
    print(f"{len(list(args.out.iterdir()))} pages rendered to {args.out}")


if __name__ == "__main__":
    main()
