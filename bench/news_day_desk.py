"""
The news day's desk, and the readers' paths: run by bench/news_day.py inside one
design's code (`--code`, the folder of its manage.py), on that design's database.

`desk`: for --seconds, changes stories through the code the admin uses, on the
schedule below (SCHEDULE), and measures each change's freshness: from the moment its
transaction commits, readers poll every page the change affects, through the front
the readers use (gunicorn, or Varnish), until each shows it. Writes one JSON file.

`paths`: writes the readers' paths, one a line, in the shares of SHARES (see
bench/NEWSDAY.md): drawing a line uniformly then draws a page in those shares, and a
story by a Zipf law over the archive, newest first.
"""

import argparse
import json
import os
import random
import secrets
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

# Every change kind, its first time and its period (seconds into the run).
SCHEDULE = {
    "update": (5, 10),
    "publish": (12, 30),
    "correction": (27, 60),
    "unpublish": (40, 120),
}
# How a change's pages are polled: every 50 ms for 3 s, then every 200 ms until 15
# s, then every second, and given up on after GIVE_UP seconds.
GIVE_UP = 30.0
POLLER = "news-day-poller"
# Updates, corrections and takedowns are made to one of the newest stories, the ones
# on the home page and in the feeds (20 a page).
NEWEST = 12

# The readers: each page's share of requests, in percent.
SHARES = {
    "story": 72,
    "home": 10,
    "section": 6,
    "author": 3,
    "tag": 3,
    "feed": 5,
    "search": 1,
}
# Stories drawn by rank of recency r (1: the newest) with weight 1 / r ** ZIPF.
ZIPF = 1.2
# How long both designs keep a page in the app's cache and at the edge
# (NEWSROOM_PAGE_CACHE_SECONDS, NEWSROOM_SHARED_CACHE_SECONDS): a warm-up shorter
# than this measures a cold start (news_day_report.warmup_text).
KEPT_SECONDS = 600
LINES = 200_000


def setup(code):
    sys.path.insert(0, str(code))
    os.chdir(code)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django

    django.setup()


def fetch(url, answer=None):
    """Status and body of a GET; `answer` (a dict), if given, gets the headers
    that say where the page came from."""
    request = urllib.request.Request(url, headers={"User-Agent": POLLER})
    try:
        response = urllib.request.urlopen(request, timeout=30)
    except urllib.error.HTTPError as error:
        response = error
    with response:
        if answer is not None:
            for name in ("X-Cache", "Age", "Cache-Control"):
                answer[name] = response.headers.get(name)
        return response.status, response.read()


# What a page must show once a change has reached it.


def shows(text):
    mark = text.encode()
    return lambda status, body: status == 200 and mark in body


def lacks(text):
    mark = text.encode()
    return lambda status, body: status == 200 and mark not in body


def gone(status, body):
    return status in (404, 410)


def poll(url, seen, committed, record):
    """Fetch `url` until `seen(status, body)`, and record when it first was, in
    seconds after `committed` (a monotonic time); None if not within GIVE_UP."""
    polls = 0
    while True:
        answer = {}
        status, body = fetch(url, answer)
        polls += 1
        after = time.monotonic() - committed
        if seen(status, body):
            record.update(seen_after=after, polls=polls, fresh=answer)
            return
        # The last answer that did not show it yet, to tell why.
        record["stale"] = answer
        if after > GIVE_UP:
            record.update(seen_after=None, polls=polls)
            return
        time.sleep(0.05 if after < 3 else 0.2 if after < 15 else 1.0)


class Desk:
    def __init__(self, front, started):
        from django.contrib.auth import get_user_model

        self.front = front.rstrip("/")
        self.started = started
        self.changes = []
        self.pollers = []
        self.rng = random.Random(14)
        # In every mark, so that no run, or phase on the same database, can find
        # another's.
        self.token = secrets.token_hex(3)
        self.editor, _ = get_user_model().objects.get_or_create(
            username="news-day-desk",
            defaults={"is_staff": True, "is_superuser": True},
        )
        self.taken_down = set()

    def newest(self):
        from articles.models import Article

        return list(
            Article.objects.published()
            .exclude(pk__in=self.taken_down)
            .select_related("primary_category")
            .order_by("-published_at")[:NEWEST]
        )

    def committed(self, kind, article, work, checks):
        """Do `work` in a transaction; from its commit, poll `checks` ((path,
        test) pairs) in threads of their own."""
        from django.db import transaction

        at = {}
        began = time.monotonic()
        with transaction.atomic():
            # Registered first, so run first, once the change commits: before the
            # page cache and the edge are told of it.
            transaction.on_commit(lambda: at.setdefault("commit", time.monotonic()))
            work()
        change = {
            "kind": kind,
            "story": article.pk,
            "at": round(at["commit"] - self.started, 3),
            "save_seconds": round(time.monotonic() - began, 3),
            "pages": [],
        }
        for path, test in checks:
            record = {"path": path}
            change["pages"].append(record)
            thread = threading.Thread(
                target=poll, args=(self.front + path, test, at["commit"], record)
            )
            thread.start()
            self.pollers.append(thread)
        self.changes.append(change)

    def lists_showing(self, article, candidates):
        """Those of `candidates` (list pages) that show `article` now."""
        path = article.get_absolute_url()
        return [page for page in candidates if shows(path)(*fetch(self.front + page))]

    def lists_of(self, article):
        section = article.primary_category.get_absolute_url()
        return ["/", section, "/rss/index.xml"]

    def update(self, n):
        import reversion
        from django.utils import timezone

        article = self.rng.choice(self.newest())
        mark = f"nd{self.token}u{n}"
        pages = self.lists_showing(article, self.lists_of(article))

        def work():
            with reversion.create_revision():
                reversion.set_user(self.editor)
                reversion.set_comment("Updated by the news-day desk")
                # As the story form saves with "mark as updated" ticked.
                article.headline = f"{article.headline.split(' | ')[0]} | {mark}"
                article.updated_at = timezone.now()
                article.modified_by = self.editor
                article.save()

        checks = [(article.get_absolute_url(), shows(mark))]
        checks += [(page, shows(mark)) for page in pages]
        self.committed("update", article, work, checks)

    def correction(self, n):
        import reversion

        from articles.models import Correction

        article = self.rng.choice(self.newest())
        mark = f"nd{self.token}c{n}"

        def work():
            # As the story form saves a new correction in its inline: the story,
            # then the correction, in one version.
            with reversion.create_revision():
                reversion.set_user(self.editor)
                reversion.set_comment("Correction by the news-day desk")
                article.modified_by = self.editor
                article.save()
                Correction.objects.create(
                    article=article,
                    text=f"An earlier version of this story misstated a figure "
                    f"({mark}).",
                )

        self.committed(
            "correction", article, work, [(article.get_absolute_url(), shows(mark))]
        )

    def publish(self, n):
        from articles import workflow
        from articles.models import Article, Byline

        model = self.newest()[0]
        mark = f"nd{self.token}p{n}"
        # The draft is written first (no public page changes), then published.
        article = Article.objects.create(
            headline=f"Harbour council agrees late budget deal {mark}",
            dek="The vote came after a long night of talks.",
            body="<p>The council met until after midnight.</p>",
            lead_image=model.lead_image,
            primary_category=model.primary_category,
            status=Article.Status.DRAFT,
            created_by=self.editor,
        )
        author = model.author_bylines()[0].author
        Byline.objects.create(article=article, author=author, position=0)
        article.tags.add(*model.tags.all()[:2])

        def work():
            workflow.transition(
                article,
                Article.Status.PUBLISHED,
                by=self.editor,
                comment="Published by the news-day desk",
            )

        lists = [*self.lists_of(model), author.get_absolute_url()]
        self.committed(
            "publish",
            article,
            work,
            [(article.get_absolute_url(), shows(mark))]
            + [(page, shows(mark)) for page in lists],
        )

    def unpublish(self, n):
        from articles import workflow
        from articles.models import Article

        article = self.rng.choice(self.newest())
        path = article.get_absolute_url()
        pages = self.lists_showing(article, self.lists_of(article))
        self.taken_down.add(article.pk)

        def work():
            workflow.transition(
                article,
                Article.Status.UNPUBLISHED,
                by=self.editor,
                comment="Taken down by the news-day desk",
            )

        self.committed(
            "unpublish",
            article,
            work,
            [(path, gone)] + [(page, lacks(path)) for page in pages],
        )

    def run(self, seconds):
        due = sorted(
            (first + period * k, kind)
            for kind, (first, period) in SCHEDULE.items()
            for k in range(int((seconds - first) // period) + 1)
            if first + period * k < seconds
        )
        for n, (when, kind) in enumerate(due):
            time.sleep(max(0, self.started + when - time.monotonic()))
            getattr(self, kind)(n)
        for thread in self.pollers:
            thread.join()


def desk(args):
    setup(args.code)
    import articles

    started = time.monotonic()
    desk = Desk(args.front, started)
    desk.run(args.seconds)
    code = str(Path(articles.__file__).parent)
    Path(args.out).write_text(json.dumps({"code": code, "changes": desk.changes}))


def zipf(n, s):
    return [1 / (rank**s) for rank in range(1, n + 1)]


def paths(args):
    setup(args.code)
    from taggit.models import Tag

    from articles.models import Article, Author, Category

    rng = random.Random(14)
    stories = [
        a.get_absolute_url()
        for a in Article.objects.published()
        .only("pk", "slug", "published_at")
        .order_by("-published_at")
    ]
    sections = [
        c.get_absolute_url() for c in Category.objects.filter(is_in_navigation=True)
    ]
    authors = [a.get_absolute_url() for a in Author.objects.order_by("pk")]
    tags = list(Tag.objects.order_by("pk").values_list("slug", flat=True))
    tag_paths = [f"/tags/{urllib.parse.quote(slug)}/" for slug in tags]
    feeds = ["/rss/index.xml"] * len(sections) + [s + "rss/" for s in sections]
    names = list(Tag.objects.order_by("pk").values_list("name", flat=True)[:50])
    searches = [f"/search/?q={urllib.parse.quote_plus(name)}" for name in names]
    pages = {
        "story": (stories, zipf(len(stories), ZIPF)),
        "home": (["/"], None),
        "section": (sections, None),
        "author": (authors, zipf(len(authors), 1.0)),
        "tag": (tag_paths, zipf(len(tag_paths), 1.0)),
        "feed": (feeds, None),
        "search": (searches, zipf(len(searches), 1.0)),
    }
    lines = []
    for name, share in SHARES.items():
        choices, weights = pages[name]
        lines += rng.choices(choices, weights=weights, k=LINES * share // 100)
    rng.shuffle(lines)
    Path(args.out).write_text("\n".join(lines) + "\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["desk", "paths"])
    parser.add_argument("--code", type=Path, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--front", default="")
    parser.add_argument("--seconds", type=float, default=120)
    args = parser.parse_args()
    {"desk": desk, "paths": paths}[args.command](args)


if __name__ == "__main__":
    main()
