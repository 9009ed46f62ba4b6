"""
The news-day benchmark: a newsroom's day of readers and desk changes against
100,000 stories, for today's design (per-key invalidation, purges at the edge) and
the old one (one site-wide content generation, commit OLD_COMMIT) in the same run,
each served by the app's cache alone and behind Varnish (deploy/varnish.vcl).
Writes bench/NEWSDAY.md and bench/NEWSDAY.json. Run it through bench/news-day.

The archive is seeded once (demo/bench_seed.py) into BASE_DATABASE and kept; each
run copies it twice (CREATE DATABASE ... TEMPLATE), one copy per design, so that
both start from the same stories and each desk changes only its own. The old
design's migrations stop one short of today's (delivery 0002 adds two columns to
the invalidation outbox, which its code would not fill), so its copy is migrated
back to delivery 0001 first; nothing else differs.

Each phase: gunicorn (gunicorn.conf.py, production settings, the pages cached in
Redis; both designs with WORKERS, today's default, so that the two differ in their
code alone) runs that design's code from its own folder (today's: this clone; the old:
a git worktree of OLD_COMMIT), its WSGI application wrapped by news_day_wsgi.py to
say whether each answer was rendered; Varnish, in the edge phases, in front. wrk
warms the caches for --warmup seconds, then 16 connections read for --seconds
while the desk (news_day_desk.py, run in that design's code) changes stories and
polls the pages each change affects.

The warm-up is short (20 s): a phase measures the first minutes after a cold start,
most of whose renders are first visits, which a site that has served all day has
behind it (the report counts them apart). A warm-up as long as a page is kept
(--warmup 600) does not measure that day either: every page first asked in the
warm-up's first minutes expires at the app and at the edge within the same two
minutes, which the phase then measures (bench/NEWSDAY.md's notes, 2026-12-05 15:40).
"""

import argparse
import collections
import concurrent.futures
import json
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import news_day_report
import psycopg2
from news_day_desk import POLLER
from psycopg2 import sql
from results import gunicorn_workers, machine
from servers import ROOT, Processes, fetch, free_port

OLD_COMMIT = "cd88ce2"
STORIES = int(os.environ.get("NEWS_DAY_STORIES", "100000"))
POSTGRES = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
BASE_DATABASE = os.environ.get("NEWS_DAY_DATABASE", "newsday_base")
# A Redis database of the benchmark's own; every phase uses a key prefix of its own.
REDIS_URL = os.environ.get("NEWS_DAY_REDIS_URL", "redis://127.0.0.1:6379/12")
BENCH = ROOT / "bench"
READERS = 16
# gunicorn's workers in both designs: today's gunicorn.conf.py's default (the old
# design's file said two per core plus one).
WORKERS = gunicorn_workers()
# gunicorn's access log, one line a request: status, rendered or not, user agent
# (the desk's pollers say who they are) and the request line, written by the
# benchmark's own logger class (news_day_wsgi.AccessLog), the same for both designs.
ACCESS_LOGGER = "news_day_wsgi.AccessLog"
# Paths readers ask for most, fetched once before each phase (see warm()).
WARM = 500
# Varnish's own line for each request (varnishncsa): when it began (seconds since
# the epoch), what the cache did (hit, which counts a copy in grace, miss, pass,
# synth), the microseconds it took to the last byte, the method (the app's purges
# come too), the path, and the user agent (the desk's pollers say who they are).
EDGE_LOG_FORMAT = (
    "%{VSL:Timestamp:Start[1]}x %{Varnish:handling}x %D %m %U%q %{User-agent}i"
)
PAGE_KINDS = [
    ("story", r"/\d{4}/"),
    ("home", r"/$"),
    ("feed", r".*(/rss/|\.xml)"),
    ("section", r"/sections/"),
    ("author", r"/authors/"),
    ("tag", r"/tags/"),
    ("search", r"/search/"),
]
PHASES = [
    ("today", "app"),
    ("old", "app"),
    ("today", "varnish"),
    ("old", "varnish"),
]


def say(message):
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


def postgres(statement, database="postgres"):
    connection = psycopg2.connect(f"{POSTGRES}/{database}")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
            return cursor.fetchall() if cursor.description else None
    finally:
        connection.close()


def database_exists(name):
    found = postgres(
        sql.SQL("SELECT 1 FROM pg_database WHERE datname = {}").format(
            sql.Literal(name)
        )
    )
    return bool(found)


def copy_database(source, target):
    postgres(
        sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(target)
        )
    )
    postgres(
        sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
            sql.Identifier(target), sql.Identifier(source)
        )
    )


def site_environment(*, database, workdir, prefix):
    """Production settings, as `make serve` sets them, on `database`."""
    keep = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("NEWSROOM_", "SECURE_", "DJANGO_", "GUNICORN_"))
        and key not in {"DEBUG", "DATABASE_URL", "CACHE_URL", "REDIS_URL", "PORT"}
    }
    return {
        **keep,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "SERVE_MEDIA": "true",
        "DATABASE_URL": f"{POSTGRES}/{database}",
        "CONN_MAX_AGE": "600",
        "CACHE_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": prefix,
        "STATIC_ROOT": str(workdir / f"static-{prefix}"),
        "MEDIA_ROOT": str(ROOT / "media" / "newsday"),
        "LOG_LEVEL": "WARNING",
        "WEB_CONCURRENCY": str(WORKERS),
    }


def manage(code, env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=code, env=env, check=True)


def prepare_base(workdir):
    """The seeded archive, made once and kept between runs."""
    if database_exists(BASE_DATABASE):
        count = postgres(
            "SELECT count(*) FROM articles_article WHERE status = 'published'",
            BASE_DATABASE,
        )[0][0]
        if count >= STORIES:
            say(f"{BASE_DATABASE}: {count:,} published stories, kept from before")
            # Seeded by older code, perhaps: brought to today's schema (the old
            # design's copy is taken back where its code needs it, below).
            env = site_environment(
                database=BASE_DATABASE, workdir=workdir, prefix="seed"
            )
            manage(ROOT, env, "migrate", "--noinput", "-v0")
            mark_purged(env)
            return
        raise SystemExit(
            f"{BASE_DATABASE} holds {count:,} published stories, not {STORIES:,}: "
            "drop it (or set NEWS_DAY_DATABASE) to seed a new one."
        )
    say(f"{BASE_DATABASE}: seeding {STORIES:,} stories (a few minutes)")
    postgres(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(BASE_DATABASE)))
    env = site_environment(database=BASE_DATABASE, workdir=workdir, prefix="seed")
    manage(ROOT, env, "migrate", "--noinput", "-v0")
    manage(ROOT, env, "seed_bench", "--stories", str(STORIES))
    mark_purged(env)


def mark_purged(env):
    """Mark the seed's invalidations purged at the edge. The archive was built with
    no edge in front, so no Varnish a phase starts can hold a page from before; but
    the seed's last change (`site`) ends with its process, before that process's
    purge thread marks it, and a phase's first change would send it along with its
    own: every page that phase's Varnish held expired at once, five seconds in.
    `purge_pending` with no edge configured (`env`, the seed's) marks them."""
    manage(ROOT, env, "purge_pending", "-v0")


def old_worktree(workdir):
    folder = workdir / "old"
    subprocess.run(
        ["git", "worktree", "add", "--detach", "-q", str(folder), OLD_COMMIT],
        cwd=ROOT,
        check=True,
    )
    return folder


def prepare_designs(workdir, stamp):
    """Each design's code folder, database and settings."""
    old_code = old_worktree(workdir)
    designs = {}
    for design, code in (("today", ROOT), ("old", old_code)):
        database = f"newsday_{design}"
        copy_database(BASE_DATABASE, database)
        env = site_environment(
            database=database, workdir=workdir, prefix=f"nd-{design}-{stamp}"
        )
        if design == "old":
            # Today's code takes the outbox back to the old design's columns.
            manage(ROOT, env, "migrate", "delivery", "0001", "--noinput", "-v0")
            manage(code, env, "migrate", "--check", "-v0")
        manage(code, env, "collectstatic", "--noinput", "-v0")
        designs[design] = {"code": code, "database": database, "env": env}
    return designs


def start_varnish(processes, workdir, name, backend_port):
    text = (ROOT / "deploy" / "varnish.vcl").read_text()
    for old, new in {
        '.host = "127.0.0.1";': '.host = "127.0.0.1";',
        '.port = "8000";': f'.port = "{backend_port}";',
    }.items():
        if old not in text:
            raise RuntimeError(f"deploy/varnish.vcl no longer says {old!r}")
        text = text.replace(old, new)
    folder = workdir / name
    folder.mkdir()
    (folder / "newsroom.vcl").write_text(text)
    port = free_port()
    processes.start(
        name,
        ["varnishd", "-F", "-j", "none", "-T", "none", "-n", str(folder / "work")]
        + ["-f", str(folder / "newsroom.vcl"), "-a", f"127.0.0.1:{port}"]
        + ["-s", "malloc,256m"],
    )
    url = f"http://127.0.0.1:{port}"
    processes.wait_until_up(name, url + "/robots.txt")
    return url, folder / "work"


def start_edge_log(processes, name, work):
    """varnishncsa on the Varnish whose working folder is `work`: a line a request,
    written as it ends, in its log (`<name>.log`: read_edge_log())."""
    processes.start(name, ["varnishncsa", "-n", str(work), "-F", EDGE_LOG_FORMAT])
    return processes.logs / f"{name}.log"


def start_app(processes, name, design, env, port):
    processes.start(
        name,
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"]
        + ["--pythonpath", str(BENCH), "news_day_wsgi:application"],
        env={**env, "PORT": str(port), "HOST": "127.0.0.1"},
        cwd=design["code"],
    )
    url = f"http://127.0.0.1:{port}"
    processes.wait_until_up(name, url + "/robots.txt")
    return url


def wrk(url, seconds, paths_file):
    output = subprocess.run(
        ["wrk", "-t2", f"-c{READERS}", f"-d{seconds}s", "--timeout=10s"]
        + ["-s", str(BENCH / "news_day_readers.lua"), url],
        env={**os.environ, "NEWS_DAY_PATHS": str(paths_file)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    figures = json.loads(line.removeprefix("BENCH "))
    figures["rps"] = figures["requests"] / figures["seconds"]
    return figures


class LoadSampler(threading.Thread):
    """The machine's 1-minute load average, every 5 s."""

    def __init__(self):
        super().__init__(daemon=True)
        self.samples = []
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.wait(5):
            self.samples.append(os.getloadavg()[0])

    def stop(self):
        self.stopping.set()
        self.join()
        return self.samples


def page_kind(url):
    for kind, pattern in PAGE_KINDS:
        if re.match(pattern, url):
            return kind
    return "other"


def warm(url, paths_file):
    """Fetch once each of the WARM paths readers ask for most: the caches of a
    site that has been serving all day hold them."""
    counted = collections.Counter(paths_file.read_text().split())
    paths = [path for path, _ in counted.most_common(WARM)]
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda path: fetch(url + path), paths))


def read_access_log(path, offset):
    """Readers' requests (not the pollers') answered by the app after `offset`
    bytes: how many, how many rendered, and of those how many were the first
    request for their URL since the app started (a cold cache, not a change); how
    many were answered with a story page's links rendered alone into the kept page;
    and the renders by kind of page, first visits apart."""
    seen = set()
    counts = {
        "requests": 0,
        "rendered": 0,
        "first_visits": 0,
        "links_alone": 0,
        "polls": 0,
    }
    kinds = collections.Counter()
    with open(path, "rb") as log:
        position = 0
        for raw in log:
            position += len(raw)
            status, rendered, agent, request = raw.decode().rstrip("\n").split("|", 3)
            url = request.split(" ")[1] if " " in request else request
            first = url not in seen
            seen.add(url)
            if position <= offset:
                continue
            if agent == POLLER:
                counts["polls"] += 1
                continue
            counts["requests"] += 1
            if rendered == "links":
                counts["links_alone"] += 1
            elif rendered == "1":
                counts["rendered"] += 1
                counts["first_visits"] += first
                kind = page_kind(url)
                kinds[f"{kind} {status}" + (" first visit" if first else "")] += 1
    counts["renders_by_kind"] = dict(kinds.most_common())
    return counts


def read_edge_log(path, began, ended):
    """What Varnish did for the readers' requests (not the pollers') that began
    between `began` and `ended` (seconds since the epoch), and how long it took
    (Varnish's own time, to the last byte; the readers' own, from wrk, adds the time
    their requests and answers waited on the machine's cores): hits (a copy in grace
    among them), and misses apart, those first for their URL since Varnish started
    (a cold cache) and those of a URL asked before (its copy purged by a change, or
    expired)."""
    seen = set()
    times = collections.defaultdict(list)  # what Varnish did: milliseconds
    with open(path, encoding="utf-8", errors="replace") as log:
        for line in log:
            try:
                start, handling, taken, method, url, agent = line.rstrip("\n").split(
                    " ", 5
                )
                start, taken = float(start), int(taken) / 1000
            except ValueError:
                continue  # a line cut short as varnishncsa stopped
            if method != "GET":
                continue  # the app's purges
            first = url not in seen
            seen.add(url)
            if not began <= start < ended or agent == POLLER:
                continue
            if handling == "miss":
                handling = "miss, first" if first else "miss, asked before"
            times[handling].append(taken)
            times["all"].append(taken)
    return {
        handling: {
            "requests": len(taken),
            "per_second": len(taken) / (ended - began),
            "mean_ms": statistics.fmean(taken),
            "p50_ms": statistics.median(taken),
            "p99_ms": news_day_report.percentile(taken, 0.99),
        }
        for handling, taken in times.items()
    }


def machine_check():
    """Milliseconds this machine takes for a fixed piece of Python work, run before
    a phase while nothing of the benchmark's runs (the median of five): steady on a
    steady machine, longer on one already slowed when the phase starts (its host
    throttling it, other work on it). A tenth of a second on one core, it misses a
    machine that lets such a burst through at full speed and slows only sustained
    work: on 2026-12-06 it read 18.6 ms before a phase that ran at a third of an
    earlier run's speed. The phases run one after another, so the designs compare
    fairly only on a machine as fast through both their phases."""
    times = []
    for _ in range(5):
        began = time.perf_counter()
        sum(i * i for i in range(200_000))
        times.append(time.perf_counter() - began)
    return statistics.median(times) * 1000


def run_phase(design_name, front, design, workdir, args, processes, paths_file):
    name = f"{design_name}-{front}"
    check = machine_check()
    env = dict(design["env"])
    log = workdir / f"{name}-access.log"
    env["GUNICORN_ACCESS_LOG"] = str(log)
    env["GUNICORN_CMD_ARGS"] = f"--logger-class {ACCESS_LOGGER}"
    env["CACHE_KEY_PREFIX"] += f"-{front}"
    app_port = free_port()
    varnish = edge_log = None
    if front == "varnish":
        varnish, work = start_varnish(processes, workdir, f"varnish-{name}", app_port)
        edge_log = start_edge_log(processes, f"edge-log-{name}", work)
        env["NEWSROOM_VARNISH_PURGE_URLS"] = varnish + "/"
        env["NEWSROOM_TRUSTED_PROXIES"] = "1"
    say(f"{name}: starting")
    app = start_app(processes, f"app-{name}", design, env, app_port)
    url = varnish or app
    status, headers, _ = fetch(url + "/")
    keyed = any(h in headers for h in ("Surrogate-Key", "xkey", "Cache-Tag"))
    if status != 200 or keyed != (design_name == "today" and front == "app"):
        raise RuntimeError(f"{name}: / answered {status}, keys sent: {keyed}")
    began = time.monotonic()
    warm(url, paths_file)
    say(f"{name}: {WARM} paths fetched in {time.monotonic() - began:.0f} s")
    wrk(url, args.warmup, paths_file)
    offset = log.stat().st_size
    window = [time.time()]
    say(f"{name}: readers and the desk for {args.seconds} s")
    sampler = LoadSampler()
    sampler.start()
    desk_out = workdir / f"{name}-desk.json"
    desk = processes.start(
        f"desk-{name}",
        [sys.executable, str(BENCH / "news_day_desk.py"), "desk"]
        + ["--code", str(design["code"]), "--front", url]
        + ["--seconds", str(args.seconds), "--out", str(desk_out)],
        env=env,
        cwd=design["code"],
    )
    readers = wrk(url, args.seconds, paths_file)
    window.append(time.time())
    load = sampler.stop()
    if desk.wait(timeout=120) != 0:
        tail = (workdir / f"desk-{name}.log").read_text()[-3000:]
        raise RuntimeError(f"{name}: the desk failed:\n{tail}")
    processes.stop(f"desk-{name}")
    processes.stop(f"app-{name}")
    if varnish:
        # Its log first: varnishncsa writes what it still holds as it stops.
        processes.stop(f"edge-log-{name}")
        processes.stop(f"varnish-{name}")
    desk_figures = json.loads(desk_out.read_text())
    if Path(desk_figures["code"]).parent != Path(design["code"]):
        raise RuntimeError(f"{name}: the desk ran {desk_figures['code']}")
    app_log = read_access_log(log, offset)
    say(
        f"{name}: {readers['rps']:.0f} requests/s, p99 {readers['p99_ms']:.0f} ms, "
        f"{app_log['rendered']:,} of {app_log['requests']:,} reaching the app "
        f"rendered; load {max(load, default=0):.1f} at most; the fixed task "
        f"before it {check:.1f} ms"
    )
    return {
        "design": design_name,
        "front": front,
        "readers": readers,
        "app": app_log,
        "edge": edge_log and read_edge_log(edge_log, *window),
        "changes": desk_figures["changes"],
        "load": load,
        "machine_check_ms": check,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--warmup", type=int, default=20)
    args = parser.parse_args()
    started = datetime.now(UTC)
    stamp = f"{started:%H%M%S}"
    workdir = Path(tempfile.mkdtemp(prefix="newsroom-newsday-"))
    processes = Processes(logs=workdir)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, lambda signum, frame: sys.exit(128 + signum))
    phases = []
    try:
        prepare_base(workdir)
        designs = prepare_designs(workdir, stamp)
        paths_file = workdir / "paths.txt"
        subprocess.run(
            [sys.executable, str(BENCH / "news_day_desk.py"), "paths"]
            + ["--code", str(ROOT), "--out", str(paths_file)],
            env=designs["today"]["env"],
            check=True,
        )
        for design, front in PHASES:
            phases.append(
                run_phase(
                    design,
                    front,
                    designs[design],
                    workdir,
                    args,
                    processes,
                    paths_file,
                )
            )
    finally:
        processes.stop_all()
        subprocess.run(
            ["git", "worktree", "remove", "--force", str(workdir / "old")],
            cwd=ROOT,
            check=False,
        )
        shutil.rmtree(workdir, ignore_errors=True)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    figures = {
        "started": f"{started:%Y-%m-%d %H:%M} UTC",
        "commit": commit,
        "old_commit": OLD_COMMIT,
        "machine": machine(),
        "seconds": args.seconds,
        "warmup": args.warmup,
        "readers": READERS,
        "workers": WORKERS,
        "phases": phases,
    }
    (BENCH / "NEWSDAY.json").write_text(json.dumps(figures, indent=1))
    news_day_report.write(BENCH / "NEWSDAY.md", figures)
    say("figures written to bench/NEWSDAY.md and bench/NEWSDAY.json")


if __name__ == "__main__":
    main()
