"""
The fault soak: Newsroom under load while its Redis and its PostgreSQL fail, checked
for lost saves and for stale pages. Run it through bench/fault-soak (about two
minutes); it writes bench/FAULTS.md and exits 1 if a check fails.

It starts a PostgreSQL cluster and a redis-server of its own, on free ports in
temporary folders (never the machine's shared ones: it stops, freezes and kills
them), migrates and seeds the demo newsroom, and serves it with gunicorn under
production settings, pages cached in that Redis. For --seconds (60), 32 readers
fetch the story an editor is editing, the home page, the story's section page and
the RSS feed, while the editor, logged into the admin over HTTP, saves the story
through its change form every second, each save writing a new counter into the
headline, the dek and the body. Meanwhile, on the schedule below (SCHEDULE), Redis
is frozen (SIGSTOP) while the editor saves once, then SAVEd, killed -9 a few saves
later and started again at once from that dump (an older generation and older
pages), and PostgreSQL is stopped (fast) for a few seconds and started again. The
app is never restarted. After each Redis fault the editor holds back for a few
seconds, so that readers, not the next save, are the first to meet Redis again: it
is they who must apply what Redis missed.

Then the checks: every save the admin confirmed is in the database (django-reversion
keeps a version of each save) with its counter in all three fields; no save, failed
or not, left the fields disagreeing; and no reader was served a counter older than
the newest save confirmed before its request began.
"""

import argparse
import collections
import http.client
import json
import os
import platform
import pwd
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from glob import glob
from http.cookiejar import CookieJar
from pathlib import Path

import lxml.etree
import lxml.html
import psycopg2
import redis
from servers import ROOT, Processes, free_port, start_gunicorn

sys.path.insert(0, str(ROOT))
from tests.services import RedisServer  # noqa: E402 (a Redis of our own, as in tests)

READERS = 32
WORKERS = 4
SAVE_EVERY = 1.0
PAGE_CACHE_SECONDS = 600
# The mark each save writes into the headline, the dek and the body.
MARK = "[soak {}]"
MARK_PATTERN = re.compile(rb"\[soak (\d+)\]")
FIELD_MARK = re.compile(r"\[soak (\d+)\]")
EDITOR = "soak-editor"
# Redis's key for the content generation: CACHE_KEY_PREFIX, Django's version 1.
GENERATION = "soak:1:pages:generation"
# How long after Redis comes back from its dump counts as "Redis restarted".
RESTARTED_SECONDS = 5
# Invalidations applied this long after they were written are listed: their raise
# failed, or their save was slow to commit.
LATE_SECONDS = 1.0
REPORT = ROOT / "bench" / "FAULTS.md"

T0 = time.monotonic()


def clock():
    """Seconds since the soak began (negative before)."""
    return time.monotonic() - T0


def say(message):
    print(f"[{datetime.now(UTC):%H:%M:%S} {clock():7.2f}s] {message}", flush=True)


# The services of the soak's own.


class PostgresCluster:
    """A PostgreSQL cluster in `folder`, on a free port, trusting local connections.

    PostgreSQL refuses to run as root: as root, every command runs as the postgres
    user, who owns the folder.
    """

    def __init__(self, folder):
        self.folder = folder
        self.port = free_port()
        self.bin = Path(sorted(glob("/usr/lib/postgresql/*/bin"), key=_version)[-1])
        self.as_user = []
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(folder, owner.pw_uid, owner.pw_gid)
            self.as_user = ["runuser", "-u", "postgres", "--"]

    @property
    def data(self):
        return self.folder / "data"

    def url(self, database):
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, program, *args, check=True):
        command = [*self.as_user, str(self.bin / program), *args]
        done = subprocess.run(command, capture_output=True, text=True, cwd=self.folder)
        if check and done.returncode:
            raise RuntimeError(f"{program} failed: {done.stdout}{done.stderr}")
        return done.returncode

    def init(self):
        self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
            "-E", "UTF8", "--locale=C", "--no-instructions",
        )  # fmt: skip
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(
                f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.folder}'\n"
            )
        return self

    def start(self):
        log = str(self.folder / "postgres.log")
        self._run("pg_ctl", "start", "-D", str(self.data), "-l", log, "-w", "-t", "60")

    def stop(self, mode="fast"):
        self._run("pg_ctl", "stop", "-D", str(self.data), "-m", mode, "-w")

    def is_running(self):
        return self._run("pg_ctl", "status", "-D", str(self.data), check=False) == 0

    def version(self):
        return query(self, "SHOW server_version", database="postgres")[0][0].split()[0]


def _version(path):
    return int(Path(path).parent.name)


# The site.


def site_environment(*, postgres, redis_server, workdir):
    """Production settings, as a deployment would set them, on the soak's services."""
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
        "DATABASE_URL": postgres.url("newsroom"),
        "CONN_MAX_AGE": "600",
        "CACHE_URL": redis_server.url,
        "CACHE_KEY_PREFIX": "soak",
        "NEWSROOM_PAGE_CACHE_SECONDS": str(PAGE_CACHE_SECONDS),
        "WEB_CONCURRENCY": str(WORKERS),
        "STATIC_ROOT": str(workdir / "static"),
        "MEDIA_ROOT": str(workdir / "media"),
        "LOG_LEVEL": "WARNING",
    }


def manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


# Run in the site's own settings: the editor's login, and the story to edit with the
# pages it shows on.
SETUP = """
import json
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from articles.models import Article

editor = get_user_model().objects.create_user(
    {username!r}, password={password!r}, is_staff=True
)
editor.groups.add(Group.objects.get(name="Editor"))
story = Article.objects.published().order_by("-published_at").first()
print(json.dumps({{
    "id": story.pk,
    "story": story.get_absolute_url(),
    "section": story.primary_category.get_absolute_url(),
}}))
"""


def set_up_site(env, postgres):
    connection = psycopg2.connect(postgres.url("postgres"))
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("CREATE DATABASE newsroom")
    connection.close()
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "seed_demo")
    manage(env, "collectstatic", "--noinput", "-v0")
    password = secrets.token_urlsafe(16)
    code = SETUP.format(username=EDITOR, password=password)
    found = json.loads(manage(env, "shell", "-c", code).strip().splitlines()[-1])
    pages = {
        "story": found["story"],
        "home": "/",
        "section": found["section"],
        "feed": "/rss/index.xml",
    }
    return found["id"], pages, password


# The editor.


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the redirect is answered as it is: it says what happened


class Editor:
    """Someone in the admin with a browser: cookies, CSRF tokens and forms."""

    def __init__(self, base, story_id):
        self.base = base
        self.change = f"/admin/articles/article/{story_id}/change/"
        self.changelist = "/admin/articles/article/"
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), NoRedirects
        )

    def request(self, path, data=None):
        """(status, Location, body); the status is a string naming the failure when
        nothing came back."""
        headers = {"Origin": self.base} if data is not None else {}
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, body, headers)
        try:
            with self.opener.open(request, timeout=40) as response:
                return (
                    response.status,
                    response.headers.get("Location"),
                    response.read(),
                )
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location"), error.read()
        except (OSError, http.client.HTTPException) as error:
            reason = getattr(error, "reason", error)
            return f"no answer ({type(reason).__name__})", None, b""

    def log_in(self, password):
        path = "/admin/login/?next=/admin/"
        status, _, body = self.request(path)
        form = html(body).get_element_by_id("login-form")
        fields = dict(form.form_values())
        fields.update(username=EDITOR, password=password)
        status, location, _ = self.request(path, fields)
        if status != 302:
            raise RuntimeError(f"the editor could not log in: {status}")

    def save(self, counter):
        """Open the story's change form, put `counter` into the headline, the dek and
        the body, and save it, as the admin's Save button does."""
        record = {"counter": counter, "opened": clock(), "posted": None}
        status, _, body = self.request(self.change)
        if status != 200:
            record.update(ended=clock(), page=title(body))
            return {**record, "outcome": f"form {status}"}
        form = html(body).get_element_by_id("article_form")
        fields = [
            (name, marked(name, value, counter)) for name, value in form_values(form)
        ]
        record["posted"] = clock()
        status, location, body = self.request(self.change, [*fields, ("_save", "Save")])
        record["ended"] = clock()
        if status == 302 and urllib.parse.urlsplit(location).path == self.changelist:
            # Committed (the admin redirects after its transaction); the list shows
            # the success message.
            listed, _, page = self.request(location)
            record["message"] = listed == 200 and bool(
                html(page).cssselect("ul.messagelist li.success")
            )
            return {**record, "outcome": "confirmed"}
        if status == 200:
            # The form again, saying why.
            errors = html(body).cssselect(".errorlist")
            said = " / ".join(" ".join(e.text_content().split()) for e in errors)
            return {**record, "outcome": "refused", "said": said}
        return {**record, "outcome": f"save {status}", "page": title(body)}


def html(body):
    # Decoded first: lxml would guess Latin-1 for bytes, and each save would then
    # turn the story's curly quotes into more and more mojibake.
    return lxml.html.fromstring(body.decode())


def title(body):
    """The title of an error page, to say what the editor was shown."""
    try:
        return " ".join(html(body).findtext(".//title").split())
    except (ValueError, AttributeError, UnicodeDecodeError, lxml.etree.ParserError):
        return ""


def form_values(form):
    """What a browser sends for `form`, less the buttons: lxml's values, except
    that a textarea's first newline belongs to the markup, not to the value."""
    areas = {area.name for area in form.cssselect("textarea")}
    return [
        (name, value.removeprefix("\n") if name in areas else value)
        for name, value in form.form_values()
    ]


def marked(name, value, counter):
    if name not in ("headline", "dek", "body"):
        return value
    mark = MARK.format(counter)
    if FIELD_MARK.search(value):
        return FIELD_MARK.sub(mark, value)
    return f"{value} {mark}" if name != "body" else f"<p>{mark}</p>{value}"


class Desk:
    """The editor at work: a save every SAVE_EVERY seconds (the next at once after a
    slow one), one at a time, except while the fault schedule holds the editor back.
    """

    def __init__(self, editor, saves):
        self.editor = editor
        self.saves = saves
        self.counter = 1
        self.lock = threading.Lock()  # one save at a time
        self.resume_at = 0.0  # no save on the clock before this second

    def save_now(self):
        with self.lock:
            counter, self.counter = self.counter, self.counter + 1
            opened = clock()
            try:
                self.saves.append(self.editor.save(counter))
            except Exception as error:  # an answer the editor cannot read: a failure
                self.saves.append(
                    {
                        "counter": counter,
                        "opened": opened,
                        "posted": None,
                        "ended": clock(),
                        "outcome": f"unreadable answer ({type(error).__name__})",
                    }
                )

    def hold(self):
        """No more saves on the clock, and none in flight once this returns."""
        self.resume_at = float("inf")
        with self.lock:
            pass

    def resume(self, after):
        self.resume_at = clock() + after

    def work(self, stop):
        due = clock()
        while not stop.is_set():
            wait = max(due, self.resume_at) - clock()
            if wait > 0:
                stop.wait(min(wait, 0.05))
                continue
            self.save_now()
            due = max(due + SAVE_EVERY, clock())


# The readers.


def fetch_page(connection, name, path):
    """(began, ended, page name, status, lowest and highest counter shown)."""
    began = clock()
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        status = response.status
    except (OSError, http.client.HTTPException) as error:
        connection.close()
        status, body = f"no answer ({type(error).__name__})", b""
    shown = [int(n) for n in MARK_PATTERN.findall(body)]
    return (
        began,
        clock(),
        name,
        status,
        min(shown, default=None),
        max(shown, default=None),
    )


def read(port, pages, start, stop, responses):
    """Fetch the pages in turn on one keep-alive connection (gunicorn's sync workers
    close it after each answer; http.client opens it again) until `stop`."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=40)
    names = list(pages)
    turn = start
    while not stop.is_set():
        name = names[turn % len(names)]
        turn += 1
        responses.append(fetch_page(connection, name, pages[name]))


# The faults.


# How long the editor holds back after Redis thaws or comes back: longer than an app
# process leaves Redis alone after failing to reach it (5 s, delivery/redis_cache.py),
# so that readers meet Redis again before any save raises the generation. Otherwise
# the editor's next save would apply what Redis missed, and whether readers do (what
# the outbox is for) would go untested.
QUIET_SECONDS = 6
# Long enough, with no save, for readers to have every page rendered and cached again.
CACHED_SECONDS = 1.5
# Saves between Redis's dump and its death: raised in Redis, then lost with it.
SAVES_AFTER_DUMP_SECONDS = 4
POSTGRES_DOWN_SECONDS = 5
# The schedule: (seconds after the previous step was done, step, what happens). Redis
# stays frozen until the save made while it is has been answered: each raise of the
# generation that save tries waits out the cache's 1 s socket timeout, so it is a
# few seconds, and all of them fail.
SCHEDULE = [
    (7, "freeze", "the editor holds back; freeze Redis (SIGSTOP)"),
    (0.5, "frozen save", "the editor saves once while Redis is frozen"),
    (
        None,
        "thaw",
        "1 s after that save is answered, thaw Redis (SIGCONT); the editor resumes "
        f"{QUIET_SECONDS} s later",
    ),
    (
        QUIET_SECONDS + 2,
        "dump",
        f"the editor holds back {CACHED_SECONDS:g} s, while the pages are drawn and "
        "cached again; SAVE Redis: the dump it will come back from",
    ),
    (
        SAVES_AFTER_DUMP_SECONDS,
        "kill",
        "the editor holds back; kill -9 Redis",
    ),
    (
        0,
        "restart",
        f"start Redis again from its dump; the editor resumes {QUIET_SECONDS} s later",
    ),
    (
        QUIET_SECONDS - 0.5,
        "look",
        "read the content generation in Redis (no save since it came back)",
    ),
    (2.5, "stop", "stop PostgreSQL (pg_ctl stop -m fast)"),
    (POSTGRES_DOWN_SECONDS, "start", "start PostgreSQL again"),
]


def when(after):
    return "once the frozen save is answered" if after is None else f"+{after:g} s"


class Faults:
    """Carries out the schedule, noting when each step began and was done."""

    def __init__(self, redis_server, postgres, desk):
        self.redis = redis_server
        self.postgres = postgres
        self.desk = desk
        self.at = {}  # step: (began, done)
        self.threads = []
        self.generations = {}

    def generation(self):
        try:
            value = redis.Redis(port=self.redis.port, socket_timeout=1).get(GENERATION)
            return int(value) if value is not None else None
        except redis.RedisError as error:
            return f"unreadable ({type(error).__name__})"

    def generation_in_dump(self):
        """The generation Redis will come back with: read from a copy of its dump,
        by a Redis of its own, before the app can raise it."""
        with tempfile.TemporaryDirectory() as folder:
            shutil.copy(Path(self.redis.folder) / "dump.rdb", folder)
            copy = RedisServer(folder).start()
            try:
                value = copy.client().get(GENERATION)
                return None if value is None else int(value)
            finally:
                copy.stop()

    def wait_for(self, after, since):
        """Wait until the next step is due: `after` seconds after `since`, or for
        the thaw, 1 s after the save made while Redis is frozen was answered."""
        if after is None:
            for saving in self.threads:
                saving.join(timeout=30)
            after, since = 1, clock()
        while clock() < since + after:
            time.sleep(min(0.05, since + after - clock()))

    def carry_out(self, step, what):
        began = clock()
        # The steps that hold the editor back begin once no save is in flight.
        if step == "freeze":
            self.desk.hold()
            began = clock()
            self.redis.freeze()
        elif step == "frozen save":
            saving = threading.Thread(target=self.desk.save_now)
            saving.start()
            self.threads.append(saving)
        elif step == "thaw":
            self.redis.thaw()
            self.desk.resume(after=QUIET_SECONDS)
        elif step == "dump":
            # With every page drawn and kept under the newest save's state first:
            # the dump must hold pages that Redis would serve if nothing told it.
            self.desk.hold()
            time.sleep(CACHED_SECONDS)
            began = clock()
            self.redis.save()
            self.desk.resume(after=0)
        elif step == "kill":
            self.desk.hold()
            began = clock()
            self.generations["before the kill"] = self.generation()
            self.redis.kill()
        elif step == "restart":
            self.generations["in the dump"] = self.generation_in_dump()
            self.redis.start()
            self.generations["once it answered again"] = self.generation()
            self.desk.resume(after=QUIET_SECONDS)
        elif step == "look":
            self.generations["before the editor resumed"] = self.generation()
        elif step == "stop":
            self.generations["as PostgreSQL stopped"] = self.generation()
            self.postgres.stop("fast")
        elif step == "start":
            self.generations["as PostgreSQL started again"] = self.generation()
            self.postgres.start()
        self.at[step] = (began, clock())
        say(f"  {what}: done in {clock() - began:.2f} s")


# The checks.


def phases(at, seconds):
    """[(phase, from, to)] covering the soak, in order."""
    restarted = at["restart"][1]
    settled = min(restarted + RESTARTED_SECONDS, at["stop"][0])
    return [
        ("normal", 0, at["freeze"][0]),
        ("Redis frozen", at["freeze"][0], at["thaw"][1]),
        ("between faults", at["thaw"][1], at["kill"][0]),
        ("Redis dead (killed)", at["kill"][0], restarted),
        ("Redis restarted from its dump", restarted, settled),
        ("between faults", settled, at["stop"][0]),
        ("PostgreSQL down", at["stop"][0], at["start"][1]),
        ("after", at["start"][1], seconds),
    ]


def phase_of(t, spans):
    """The phase second `t` falls in (the last one's end is open)."""
    for phase, start, end in spans:
        if start <= t < end:
            return phase
    return spans[-1][0] if t >= spans[-1][1] else spans[0][0]


def confirmed_before(saves):
    """A function: the newest counter whose save was confirmed before time t."""
    confirmed = sorted(
        (s["ended"], s["counter"]) for s in saves if s["outcome"] == "confirmed"
    )

    def newest(t, first=0):
        best = first
        for ended, counter in confirmed:
            if ended >= t:
                break
            best = max(best, counter)
        return best

    return newest


def query(postgres, sql, params=(), database="newsroom"):
    connection = psycopg2.connect(postgres.url(database))
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    finally:
        connection.close()


def newest_invalidation(postgres):
    [(newest,)] = query(postgres, "SELECT max(id) FROM delivery_invalidation")
    return newest or 0


def stored(postgres, story_id, since, wall):
    """What the database holds afterwards: the story as it is, as each version
    django-reversion kept of it (dicts of headline, dek and body), and the outbox's
    invalidations after `since` as (written, applied) soak seconds, `wall` being the
    soak's second 0 by the clock."""
    headline, dek, body = query(
        postgres,
        "SELECT headline, dek, body FROM articles_article WHERE id = %s",
        [story_id],
    )[0]
    versions = query(
        postgres,
        """SELECT v.serialized_data FROM reversion_version v
        JOIN django_content_type t ON t.id = v.content_type_id
        WHERE t.app_label = 'articles' AND t.model = 'article' AND v.object_id = %s
        ORDER BY v.id""",
        [str(story_id)],
    )
    outbox = query(
        postgres,
        """SELECT extract(epoch FROM created_at), extract(epoch FROM applied_at)
        FROM delivery_invalidation WHERE id > %s ORDER BY id""",
        [since],
    )
    return (
        {"headline": headline, "dek": dek, "body": body},
        [json.loads(data)[0]["fields"] for (data,) in versions],
        [
            (float(written) - wall, None if applied is None else float(applied) - wall)
            for written, applied in outbox
        ],
    )


def marks(fields):
    """{field: [counters it carries]} for the headline, the dek and the body."""
    return {
        name: [int(n) for n in FIELD_MARK.findall(fields[name] or "")]
        for name in ("headline", "dek", "body")
    }


def whole_counter(fields):
    """The counter all three fields carry, once each, or None if they disagree."""
    found = marks(fields)
    counters = {tuple(c) for c in found.values()}
    if len(counters) == 1 and len(next(iter(counters))) == 1:
        return next(iter(counters))[0]
    return None


def check(saves, responses, stored, at, seconds):
    row, versions, outbox = stored
    versions = [v for v in versions if any(marks(v).values())]
    whole = collections.Counter(whole_counter(v) for v in versions)
    half = [v for v in versions if whole_counter(v) is None]
    confirmed = [s for s in saves if s["outcome"] == "confirmed"]
    failed = [s for s in saves if s["outcome"] != "confirmed"]
    lost = [s["counter"] for s in confirmed if not whole[s["counter"]]]
    failed_but_kept = [s["counter"] for s in failed if whole[s["counter"]]]
    row_counter = whole_counter(row)

    newest = confirmed_before(saves)
    stale, mixed, unmarked = [], 0, 0
    for began, ended, name, status, low, high in responses:
        if status != 200:
            continue
        if low is None:
            unmarked += 1
            continue
        mixed += low != high
        expected = newest(began)
        if low < expected:
            stale.append((began, ended, name, low, expected))

    # Answers and saves go in the phase in which they were answered: what a fault
    # did shows in the answers it held up or failed.
    spans = phases(at, seconds)
    by_phase = {}
    for phase, start, end in spans:
        figures = by_phase.setdefault(phase, {"seconds": 0.0})
        figures["seconds"] += end - start
    for phase, figures in by_phase.items():
        within = [r for r in responses if phase_of(r[1], spans) == phase]
        took = sorted(r[1] - r[0] for r in within)
        figures.update(
            responses=len(within),
            rps=len(within) / figures["seconds"] if figures["seconds"] else 0,
            p50=took[len(took) // 2] if took else 0,
            p99=took[int(len(took) * 0.99)] if took else 0,
            statuses=collections.Counter(str(r[3]) for r in within),
            saves=collections.Counter(
                s["outcome"] for s in saves if phase_of(s["ended"], spans) == phase
            ),
        )

    return {
        "attempted": len(saves),
        "confirmed": len(confirmed),
        "message_seen": sum(1 for s in confirmed if s.get("message")),
        "failed": len(failed),
        "failures": collections.Counter(s["outcome"] for s in failed),
        "error_pages": collections.Counter(
            (s["outcome"], s["page"]) for s in failed if s.get("page")
        ),
        "in_flight": {
            step: [
                s
                for s in saves
                if (s["posted"] or s["opened"]) < at[step][0] < s["ended"]
            ]
            for step in ("stop",)
        },
        "refusals": collections.Counter(s["said"] for s in failed if "said" in s),
        "failed_but_kept": failed_but_kept,
        "lost": lost,
        "half_written": len(half) + (row_counter is None),
        "row_counter": row_counter,
        "last_confirmed": max((s["counter"] for s in confirmed), default=None),
        "versions": len(versions),
        "outbox": outbox,
        "responses": len(responses),
        "stale": stale,
        "mixed": mixed,
        "unmarked": unmarked,
        "phases": by_phase,
        "recovery": recovery(saves, responses, outbox, at, seconds),
        "latency": save_latency(confirmed),
        "saves": saves,
    }


def recovery(saves, responses, outbox, at, seconds):
    """For each fault: the reader errors while it lasted and after it (until the
    next); from its end, how long until every page had been served (200) again
    showing the newest save confirmed before that end, when the invalidations Redis
    missed were applied, and how the first save after it went."""
    faults = {
        "Redis frozen": ("freeze", "thaw", at["kill"][0]),
        "Redis killed, restarted from its dump": ("kill", "restart", at["stop"][0]),
        "PostgreSQL stopped": ("stop", "start", seconds),
    }
    confirmed = [s for s in saves if s["outcome"] == "confirmed"]
    rows = {}
    for fault, (first, last, following) in faults.items():
        began, end = at[first][0], at[last][1]
        newest = max((s["counter"] for s in confirmed if s["ended"] < end), default=0)
        seen = {}
        for start, ended, name, status, low, _ in responses:
            if start >= end and status == 200 and (low or 0) >= newest:
                seen[name] = min(seen.get(name, ended), ended)
        errors = [r[1] for r in responses if r[3] != 200]
        after = [t for t in errors if end <= t < following]
        save = min(
            (s for s in saves if s["opened"] >= end),
            key=lambda s: s["opened"],
            default=None,
        )
        rows[fault] = {
            "end": end,
            "newest": newest,
            "readers": max(seen.values()) - end if len(seen) == 4 else None,
            "errors during": sum(1 for t in errors if began <= t < end),
            "errors after": (len(after), max(after) - end if after else None),
            "missed": [
                (written, applied - end)
                for written, applied in outbox
                if began <= written < end and applied is not None and applied >= end
            ],
            "first save": save,
        }
    return rows


def save_latency(confirmed):
    times = sorted(s["ended"] - s["posted"] for s in confirmed)
    if not times:
        return None
    return {"median": times[len(times) // 2], "max": times[-1]}


def app_log(workdir):
    """What the app logged about the faults: {what: how many times}."""
    text = (workdir / "newsroom.log").read_text(errors="replace")
    failed = re.findall(r"Could not invalidate cached pages for (\d+) change", text)
    said = {
        "Redis cache unreachable (each process then leaves it alone for 5 s)": (
            "Redis cache unreachable"
        ),
        "could not check the outbox (the database unreachable; cached pages served "
        "as they were)": "Could not check the invalidation outbox",
        "server errors (500)": "Internal Server Error",
        "gunicorn workers restarted (timeouts)": "WORKER TIMEOUT",
    }
    return {
        "raises of the generation that failed (Redis unreachable), leaving "
        f"{sum(map(int, failed))} invalidations pending in the outbox": len(failed),
        **{label: text.count(needle) for label, needle in said.items()},
    }


# The report.


def describe(t, run):
    """Where second `t` falls: after which step of the schedule, and how long."""
    steps = {step: what for _, step, what in run["schedule"]}
    before = [(done, step) for step, (_, done) in run["at"].items() if done <= t]
    if not before:
        return "before the first fault"
    done, step = max(before)
    return f"{t - done:.2f} s after '{steps[step]}'"


def relative(generations, names):
    """The generations read at those moments, each after the first as a change
    from it."""
    first = generations.get(names[0])
    said = []
    for name in names:
        value = generations.get(name)
        if isinstance(value, int) and isinstance(first, int) and name != names[0]:
            value = f"{value - first:+}"
        said.append(f"{name}: {value}")
    return "; ".join(said)


def postgres_note(run, result):
    """Why readers were refused while PostgreSQL was down, when the figures show
    it: a generation raised during the outage by a save that never committed."""
    down = result["phases"]["PostgreSQL down"]["statuses"]
    refused = sum(n for status, n in down.items() if status != "200")
    before = run["generations"].get("as PostgreSQL stopped")
    after = run["generations"].get("as PostgreSQL started again")
    rolled_back = [
        s
        for s in result["in_flight"]["stop"]
        if s["outcome"] != "confirmed" and s["counter"] not in result["failed_but_kept"]
    ]
    moved = isinstance(before, int) and isinstance(after, int) and after > before
    if not (refused and rolled_back and moved):
        return []
    save = rolled_back[0]
    return [
        f"Readers were refused {refused:,} times while PostgreSQL was down. The save "
        f"in flight when it stopped (counter {save['counter']}) had raised the "
        f"content generation inside its transaction ({after - before:+} while the "
        "database was down; `content_changed` raises it at once, and again after "
        "the commit), and was then rolled back. No kept page belonged to the new "
        "generation, and none could be drawn without the database, so every page "
        "answered 500 until PostgreSQL was back; nothing stale was served. With no "
        "save in flight as it stops, the kept pages are served throughout an "
        "outage.",
        "",
    ]


def times(count):
    return "once" if count == 1 else f"{count} times"


def seconds_after(value):
    return "never" if value is None else f"+{value:.2f} s"


def write_report(path, run, result):
    outbox = result["outbox"]
    late = [(w, a) for w, a in outbox if a is None or a - w > LATE_SECONDS]
    lines = [
        "# Fault soak",
        "",
        f"Written by `bench/fault-soak`; the run started {run['started']} "
        f"(commit {run['commit']}).",
        "",
        f"- **Machine**: {run['machine']}; load average (1 min) {run['load'][0]:.2f} "
        f"before the run, {run['load'][1]:.2f} after it (other work on the machine "
        "slows it).",
        f"- **Services of its own**: PostgreSQL {run['postgres']} (a cluster in a "
        f"temporary folder) and Redis {run['redis']} (saving only when told), on free "
        "ports; the machine's shared ones untouched.",
        f"- **Site**: the demo newsroom under gunicorn, {WORKERS} sync workers "
        "(gunicorn.conf.py), production settings (`DEBUG` off, `CONN_MAX_AGE=600`), "
        f"pages cached in Redis for {PAGE_CACHE_SECONDS} s. Never restarted.",
        f"- **Load**: {run['seconds']} s; {READERS} reader connections fetching in "
        "turn the story being edited, the home page, its section page and the RSS "
        "feed; one editor logged into the admin saving the story through its change "
        "form every second, each save putting a new counter into the headline, the "
        "dek and the body.",
        "",
        "## Verdict",
        "",
        "| check | found |",
        "| --- | ---: |",
        "| saves confirmed, then not in the database with their counter in the "
        f"headline, the dek and the body | {len(result['lost'])} |",
        "| saves half-written (the three fields disagreeing, in any version kept or "
        f"the story as it is) | {result['half_written']} |",
        "| pages served showing a counter older than the newest save confirmed "
        f"before the request began | {len(result['stale'])} |",
        f"| pages showing two counters at once | {result['mixed']} |",
        "| invalidations still pending in the outbox at the end | "
        f"{sum(1 for _, a in outbox if a is None)} of {len(outbox)} |",
        "",
        "## Faults",
        "",
        "Each step after the one before was done; the soak's own seconds.",
        "",
        "| step | after the one before | began | done |",
        "| --- | ---: | ---: | ---: |",
    ]
    for after, step, what in run["schedule"]:
        began, done = run["at"][step]
        lines.append(f"| {what} | {when(after)} | {began:.2f} s | {done:.2f} s |")
    generations = run["generations"]
    redis_steps = [
        "in the dump",
        "before the kill",
        "once it answered again",
        "before the editor resumed",
    ]
    postgres_steps = ["as PostgreSQL stopped", "as PostgreSQL started again"]
    lines += [
        "",
        f"The content generation in Redis — {relative(generations, redis_steps)}. "
        "Redis came back with the generation, the site state and the pages of its "
        "dump (the dump's generation is read from a copy of it by a Redis of its "
        "own); with no save since, any raise after it came back was a reader's, "
        "finding the outbox newer than that state. Across the PostgreSQL outage — "
        f"{relative(generations, postgres_steps)}.",
        "",
    ]
    steps = {step: what for _, step, what in run["schedule"]}
    for step, saves in result["in_flight"].items():
        for save in saves:
            lines += [
                f"A save was in flight when the soak began to {steps[step]}: counter "
                f"{save['counter']}, posted at {save['posted'] or save['opened']:.2f} "
                f"s, answered at {save['ended']:.2f} s: {save['outcome']}."
                + (
                    " Its commit invalidated every cached page (one content "
                    "generation covers the whole site), and with the database down "
                    "none could be rendered again: readers got 500s meanwhile, never "
                    "a page from before the save."
                    if steps[step].startswith("stop PostgreSQL")
                    and save["outcome"] == "confirmed"
                    else ""
                ),
                "",
            ]
    lines += [
        f"The outbox: {len(outbox)} invalidations written by the soak's saves; "
        f"{len(late)} applied more than {LATE_SECONDS:g} s after they were written "
        "(their raise failed and a later reader or save applied them, or their save "
        "was slow to commit), written at → applied after:"
        + "".join(
            f" {w:.2f} s → {seconds_after(a - w) if a is not None else 'never'};"
            for w, a in late
        ).rstrip(";")
        + ".",
        "",
    ]

    failures = ", ".join(f"{n} × {k}" for k, n in sorted(result["failures"].items()))
    latency = result["latency"]
    starts = [s["opened"] for s in result["saves"]]
    gaps = sorted(b - a for a, b in zip(starts, starts[1:], strict=False))
    lines += [
        "## Saves",
        "",
        f"- Attempted {result['attempted']}, confirmed {result['confirmed']} (the "
        "admin redirected to the story list; the success message was seen there "
        f"for {result['message_seen']}), failed {result['failed']}"
        + (f": {failures}" if failures else "")
        + f"; one began every {gaps[len(gaps) // 2]:.2f} s (median; the next as soon "
        f"as the last was answered when that took more than {SAVE_EVERY:g} s, and "
        "none while the schedule held the editor back).",
        f"- {result['versions']} versions of the story kept; each confirmed save's "
        f"counter is in one, whole; {len(result['lost'])} missing, "
        f"{result['half_written']} half-written. The story now carries counter "
        f"{result['row_counter']} in all three fields (last confirmed: "
        f"{result['last_confirmed']}).",
        "- Failed saves found committed anyway (whole, only not confirmed): "
        f"{', '.join(map(str, result['failed_but_kept'])) or 'none'}.",
    ]
    for said, count in result["refusals"].items():
        lines.append(f"- Refused {times(count)}: {said}")
    for (outcome, page), count in sorted(result["error_pages"].items()):
        lines.append(f"- {outcome} ({times(count)}): a page titled “{page}”.")
    if latency:
        lines.append(
            f"- From posting the form to the redirect, a confirmed save took "
            f"{latency['median'] * 1000:.0f} ms (median), {latency['max']:.2f} s at "
            "most."
        )
    lines += [
        "",
        "## Readers",
        "",
        f"{result['responses']:,} responses; {result['unmarked']} of the 200s showed "
        "no counter. Each response and save is counted in the phase in which it was "
        "answered.",
        "",
        "| phase | seconds | responses | requests/s | p50 ms | p99 ms | "
        "status codes | saves |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for phase, figures in result["phases"].items():
        statuses = ", ".join(
            f"{k}: {v:,}" for k, v in sorted(figures["statuses"].items())
        )
        saves = ", ".join(f"{v} {k}" for k, v in sorted(figures["saves"].items()))
        lines.append(
            f"| {phase} | {figures['seconds']:.1f} | {figures['responses']:,} | "
            f"{figures['rps']:.0f} | {figures['p50'] * 1000:.0f} | "
            f"{figures['p99'] * 1000:.0f} | {statuses} | {saves or '–'} |"
        )
    lines += ["", *postgres_note(run, result)]
    lines += [
        "## Recovery",
        "",
        "From the end of each fault (Redis thawed; Redis answering again after its "
        "restart; PostgreSQL accepting connections): how long until every page had "
        "been served (200) again showing the newest save confirmed before that end; "
        "when the invalidations Redis missed during the fault were applied (with no "
        "save in between after a Redis fault: by a reader checking the outbox); the "
        "reader errors (not 200) while the fault lasted and after it, until the "
        "next; and the first save after it.",
        "",
        "| fault | ended at | every page shows the newest save | missed "
        "invalidations applied | reader errors during | reader errors after | "
        "first save after |",
        "| --- | ---: | --- | --- | ---: | --- | --- |",
    ]
    for fault, row in result["recovery"].items():
        count, last = row["errors after"]
        after = f"{count}, the last answered +{last:.2f} s" if count else "none"
        missed = (
            ", ".join(f"+{applied:.2f} s" for _, applied in row["missed"]) or "none"
        )
        save = row["first save"]
        first = (
            f"began +{save['opened'] - row['end']:.2f} s, answered in "
            f"{save['ended'] - save['opened']:.2f} s: {save['outcome']}"
            if save
            else "none"
        )
        lines.append(
            f"| {fault} | {row['end']:.2f} s | {seconds_after(row['readers'])} "
            f"(counter {row['newest']}) | {missed} | {row['errors during']:,} | "
            f"{after} | {first} |"
        )
    lines += ["", "## Stale pages", ""]
    if result["stale"]:
        lines += [
            "| request began | page | showed | newest confirmed before | when |",
            "| ---: | --- | ---: | ---: | --- |",
        ]
        for began, _, name, low, expected in result["stale"]:
            lines.append(
                f"| {began:.3f} s | {name} | {low} | {expected} | "
                f"{describe(began, run)} |"
            )
    else:
        lines.append("None.")
    lines += ["", "## What the app logged", ""]
    lines += [f"- {label}: {count:,}" for label, count in run["log"].items()]
    lines += [
        "",
        "## Every save",
        "",
        "| counter | form opened | posted | answered | outcome | phase |",
        "| ---: | ---: | ---: | ---: | --- | --- |",
    ]
    spans = phases(run["at"], run["ended"])
    for save in result["saves"]:
        posted = f"{save['posted']:.2f} s" if save["posted"] is not None else "–"
        lines.append(
            f"| {save['counter']} | {save['opened']:.2f} s | {posted} | "
            f"{save['ended']:.2f} s | {save['outcome']} | "
            f"{phase_of(save['ended'], spans)} |"
        )
    path.write_text("\n".join(lines) + "\n")


def print_summary(result, run):
    say(
        f"saves: {result['attempted']} attempted, {result['confirmed']} confirmed, "
        f"{result['failed']} failed {dict(result['failures'])}"
    )
    for said, count in result["refusals"].items():
        say(f"  refused {count} times: {said}")
    say(
        f"lost {len(result['lost'])}, half-written {result['half_written']}, "
        f"failed but committed {result['failed_but_kept']}"
    )
    for phase, figures in result["phases"].items():
        say(
            f"  {phase:30} {figures['rps']:5.0f} requests/s, p50 "
            f"{figures['p50']:.3f} s, {dict(figures['statuses'])}, "
            f"saves {dict(figures['saves'])}"
        )
    for fault, row in result["recovery"].items():
        say(f"  after {fault}: {row}")
    late = [(w, a) for w, a in result["outbox"] if a is None or a - w > LATE_SECONDS]
    say(f"invalidations applied more than {LATE_SECONDS:g} s after written: {late}")
    say(f"stale pages: {len(result['stale'])}")
    for began, ended, name, low, expected in result["stale"]:
        say(
            f"  STALE {name} began {began:.3f} s, answered {ended:.3f} s: showed "
            f"{low}, {expected} confirmed before ({describe(began, run)})"
        )


# The soak.


def soak(args, workdir, processes, services):
    postgres = services["postgres"] = PostgresCluster(
        Path(tempfile.mkdtemp(prefix="newsroom-soak-pg-"))
    ).init()
    postgres.start()
    (workdir / "redis").mkdir()
    redis_server = services["redis"] = RedisServer(workdir / "redis").start()
    say(f"PostgreSQL on port {postgres.port}, Redis on port {redis_server.port}")
    env = site_environment(
        postgres=postgres, redis_server=redis_server, workdir=workdir
    )
    say("migrating and seeding the demo newsroom")
    story_id, pages, password = set_up_site(env, postgres)
    url = start_gunicorn(processes, "newsroom", env)
    port = int(url.rsplit(":", 1)[1])
    say(f"serving {url}; the story: {pages['story']}")

    editor = Editor(url, story_id)
    editor.log_in(password)
    first = editor.save(0)
    if first["outcome"] != "confirmed":
        raise RuntimeError(f"the first save failed: {first['outcome']}")
    for name, path in pages.items():
        status, _, body = editor.request(path)  # staff: always a fresh page
        if status != 200 or b"[soak 0]" not in body:
            raise RuntimeError(f"the {name} page ({path}) does not show the story")
    before_soak = newest_invalidation(postgres)

    say(f"the soak: {args.seconds} s, {READERS} readers, a save every {SAVE_EVERY:g} s")
    say("the faults, each step after the one before:")
    for after, _, what in SCHEDULE:
        say(f"  {when(after)}: {what}")

    # The soak's second 0 is now; the first save's times move with it.
    global T0
    shift = clock()
    T0 += shift
    wall = time.time()
    first.update({key: first[key] - shift for key in ("opened", "posted", "ended")})
    stop = threading.Event()
    saves, lists = [first], [[] for _ in range(READERS)]
    desk = Desk(editor, saves)
    threads = [threading.Thread(target=desk.work, args=(stop,))]
    threads += [
        threading.Thread(target=read, args=(port, pages, i, stop, lists[i]))
        for i in range(READERS)
    ]
    for thread in threads:
        thread.start()
    faults = Faults(redis_server, postgres, desk)
    try:
        previous = 0.0
        for after, step, what in SCHEDULE:
            faults.wait_for(after, previous)
            say(what)
            faults.carry_out(step, what)
            previous = faults.at[step][1]
        while clock() < args.seconds:
            time.sleep(0.1)
    finally:
        stop.set()
        for thread in threads + faults.threads:
            thread.join()
    seconds = clock()
    say(f"soak over after {seconds:.1f} s")

    # After a moment's calm, each page once more: it must show the last save.
    time.sleep(1.5)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=40)
    final = [fetch_page(connection, name, path) for name, path in pages.items()]
    responses = sorted(r for rows in lists for r in rows) + final

    result = check(
        saves,
        responses,
        stored(postgres, story_id, before_soak, wall),
        faults.at,
        seconds,
    )
    run = {
        "seconds": args.seconds,
        "ended": seconds,
        "schedule": SCHEDULE,
        "at": faults.at,
        "generations": faults.generations,
        "postgres": postgres.version(),
        "redis": redis_version(),
        "log": app_log(workdir),
    }
    if args.raw:
        raw = {"saves": saves, "responses": responses, "at": faults.at}
        args.raw.write_text(json.dumps(raw))
        shutil.copy(workdir / "newsroom.log", args.raw.with_suffix(".log"))
    return run, result


def redis_version():
    said = subprocess.run(["redis-server", "--version"], capture_output=True, text=True)
    return said.stdout.split()[2].removeprefix("v=")


def machine():
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} CPUs ({platform.system()} {platform.release()})"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--seconds", type=int, default=60, help="how long (at least 60)"
    )
    parser.add_argument(
        "--report", type=Path, default=REPORT, help="where the figures go"
    )
    parser.add_argument(
        "--raw", type=Path, help="also write every save and response here (JSON)"
    )
    args = parser.parse_args()
    if args.seconds < 60:
        parser.error("the faults need at least 60 seconds")
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, lambda signum, frame: sys.exit(128 + signum))

    started = datetime.now(UTC)
    load = [os.getloadavg()[0]]
    workdir = Path(tempfile.mkdtemp(prefix="newsroom-soak-"))
    processes = Processes(logs=workdir)
    services = {}
    try:
        run, result = soak(args, workdir, processes, services)
    except BaseException:
        log = workdir / "newsroom.log"
        if log.exists():
            print(log.read_text(errors="replace")[-4000:], file=sys.stderr)
        raise
    finally:
        processes.stop_all()
        if "redis" in services:
            services["redis"].stop()
        if "postgres" in services:
            postgres = services["postgres"]
            if postgres.is_running():
                postgres.stop("immediate")
            shutil.rmtree(postgres.folder, ignore_errors=True)
        shutil.rmtree(workdir, ignore_errors=True)
    load.append(os.getloadavg()[0])
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    run.update(
        started=f"{started:%Y-%m-%d %H:%M} UTC",
        commit=commit,
        machine=machine(),
        load=load,
    )
    print_summary(result, run)
    write_report(args.report, run, result)
    say(f"figures written to {args.report}")
    broken = result["lost"] or result["half_written"] or result["stale"]
    sys.exit(1 if broken else 0)


if __name__ == "__main__":
    main()
