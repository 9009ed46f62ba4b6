"""
Issue 14's item 5 at 100,000 stories, on the news day's archive (newsday_base, made
by bench/news-day): the median render of an uncached story page and where its time
goes (story_profile.py: in-process, cProfile), and the throughput of a story page
from the app's cache against the Django floor (bench/floor/), measured in turns,
floor - cached - asking - floor - cached - asking - floor (cached: as readers get it,
fresh pages held in each process until a change is announced, delivery/held_pages.py;
asking: every hit asking Redis, NEWSROOM_PAGE_CACHE_LOCAL_SECONDS=0), so that a
machine whose speed drifts skews all alike. Writes bench/STORY.md and
bench/STORY.json. Run it through bench/story-costs; it takes about four minutes.
"""

import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from news_day import BASE_DATABASE, REDIS_URL, site_environment
from results import machine
from servers import ROOT, Processes, fetch, start_gunicorn, wrk

SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
TURNS = 2
# The targets of issue 14, item 5.
RENDER_MS = 5
SHARE_OF_FLOOR = 0.80


def say(message):
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


def floor(processes):
    url = start_gunicorn(
        processes,
        "floor",
        {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.floor.settings"},
        app="bench.floor.wsgi",
    )
    figures = wrk(url + "/", seconds=SECONDS, warmup=3)
    processes.stop("floor")
    say(f"  floor    {figures['rps']:8.0f} requests/s")
    return figures


def cached_story(processes, env, path, label="cached"):
    url = start_gunicorn(processes, label, env)
    status, headers, _ = fetch(url + path)
    if status != 200:
        raise RuntimeError(f"{path} answered {status}")
    figures = wrk(url + path, seconds=SECONDS, warmup=3)
    processes.stop(label)
    say(f"  {label:8} {figures['rps']:8.0f} requests/s")
    return figures


def main():
    started = datetime.now(UTC)
    workdir = Path(tempfile.mkdtemp(prefix="newsroom-story-"))
    processes = Processes(logs=workdir)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, lambda signum, frame: sys.exit(128 + signum))
    env = site_environment(
        database=BASE_DATABASE, workdir=workdir, prefix=f"story-{started:%H%M%S}"
    )
    loads = [os.getloadavg()[0]]
    try:
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        say("in-process renders and the profile (the page cache off)")
        out = workdir / "profile.json"
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "story_profile.py")]
            + ["--out", str(out)],
            cwd=ROOT,
            env={**env, "NEWSROOM_PAGE_CACHE_SECONDS": "0"},
            check=True,
        )
        profile = json.loads(out.read_text())
        loads.append(os.getloadavg()[0])
        say("the story page from the app's cache, in turns with the floor")
        floors, cached, asking = [floor(processes)], [], []
        asking_env = {**env, "NEWSROOM_PAGE_CACHE_LOCAL_SECONDS": "0"}
        for _ in range(TURNS):
            cached.append(cached_story(processes, env, profile["path"]))
            asking.append(
                cached_story(processes, asking_env, profile["path"], "asking")
            )
            floors.append(floor(processes))
        loads.append(os.getloadavg()[0])
    finally:
        processes.stop_all()
        shutil.rmtree(workdir, ignore_errors=True)
    figures = {
        "started": f"{started:%Y-%m-%d %H:%M} UTC",
        "machine": machine(),
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip(),
        "redis": REDIS_URL,
        "seconds": SECONDS,
        "load": loads,
        "profile": profile,
        "floors": floors,
        "cached": cached,
        "asking": asking,
    }
    (ROOT / "bench" / "STORY.json").write_text(json.dumps(figures, indent=1))
    write(ROOT / "bench" / "STORY.md", figures)
    say("figures written to bench/STORY.md and bench/STORY.json")


NOTES_MARKER = "<!-- Notes below are written by hand; each run keeps them. -->"


def write(path, figures):
    profile = figures["profile"]
    floor_rps = statistics.mean(run["rps"] for run in figures["floors"])
    cached_rps = statistics.mean(run["rps"] for run in figures["cached"])
    asking_rps = statistics.mean(run["rps"] for run in figures["asking"])
    share = cached_rps / floor_rps
    clock, render, queries = profile["newest_medians_ms"]
    archive_clock, archive_cpu, archive_queries = profile["archive_medians_ms"]
    notes = "(none yet)"
    if path.exists() and NOTES_MARKER in path.read_text():
        notes = path.read_text().split(NOTES_MARKER, 1)[1].strip()
    lines = [
        "# The story page at 100,000 stories: a miss and a hit",
        "",
        f"Written by `bench/story-costs`; the run started {figures['started']} "
        f"(commit {figures['commit']}).",
        "",
        f"- **Machine**: {figures['machine']}; load average (1 min) "
        + ", ".join(f"{load:.1f}" for load in figures["load"])
        + " at the start, after the renders and at the end (other work shares it).",
        f"- **Database**: {profile['stories']:,} published stories "
        "(bench/news-day's newsday_base, demo/bench_seed.py).",
        f"- **Miss**: the newest story, `{profile['path']}`, rendered "
        f"{profile['renders']} times in-process through Django's test client with "
        "the page cache off (production settings otherwise), after 20 warm-up "
        f"renders; then {profile['renders']} stories drawn at random from the "
        "archive, once each; each timed by the clock and by the CPU time of the "
        "app's process (on a busy machine the clock also counts waiting for a "
        "core). Then the newest again under cProfile, on CPU time.",
        f"- **Hit**: gunicorn (gunicorn.conf.py) with the page cache in Redis, "
        f"`wrk -t2 -c8` for {figures['seconds']} s on the newest story after 3 s "
        "of warm-up, in turns with the floor (a Django view returning a short "
        "string, same gunicorn settings): "
        + " – ".join(
            f"floor {f['rps']:,.0f}"
            + (f", cached {c['rps']:,.0f}, asking {a['rps']:,.0f}" if c else "")
            for f, c, a in zip(
                figures["floors"],
                [*figures["cached"], None],
                [*figures["asking"], None],
                strict=True,
            )
        )
        + " requests/s.",
        "",
        "## Figures",
        "",
        "| measure | measured | target | |",
        "| --- | ---: | ---: | --- |",
        f"| story page uncached, median render, newest story: CPU time of the "
        f"app's process | {render:.2f} ms "
        f"| ≤ {RENDER_MS} ms | {'met' if render <= RENDER_MS else '**missed**'} |",
        f"| the same by the clock (its queries' share by the clock) | {clock:.2f} ms "
        f"({queries:.2f} ms) | | |",
        f"| archive sample: CPU; clock (queries) | {archive_cpu:.2f} ms; "
        f"{archive_clock:.2f} ms ({archive_queries:.2f} ms) | | |",
        "| story page from the app's cache (held in each process until a change), "
        f"share of the floor | {share:.0%} "
        f"({cached_rps:,.0f} against {floor_rps:,.0f} requests/s) "
        f"| ≥ {SHARE_OF_FLOOR:.0%} "
        f"| {'met' if share >= SHARE_OF_FLOOR else '**missed**'} |",
        "| the same, every hit asking Redis (NEWSROOM_PAGE_CACHE_LOCAL_SECONDS=0; "
        "a page no process holds yet, or let go of after a change) "
        f"| {asking_rps / floor_rps:.0%} ({asking_rps:,.0f} requests/s) | | |",
        "",
        "## Where a miss's CPU time goes (cProfile on CPU time, per render)",
        "",
        f"Profiled: {profile['profiled_ms']:.1f} ms of CPU a render under the "
        "profiler, which slows what it measures. Parts overlap (templates run "
        "queries); the database's own work is not in them:",
        "",
        "| part | ms a render | share |",
        "| --- | ---: | ---: |",
        *(
            f"| {label} | {ms:.2f} | {ms / profile['profiled_ms']:.0%} |"
            for label, ms in profile["parts_ms"].items()
        ),
        "",
        "The functions with the most time of their own:",
        "",
        "| function | calls a render | own ms | cumulative ms |",
        "| --- | ---: | ---: | ---: |",
        *(
            f"| `{row['function']}` | {row['calls']:.0f} | {row['own_ms']:.2f} "
            f"| {row['cumulative_ms']:.2f} |"
            for row in profile["top"][:20]
        ),
        "",
        "## A hit, in-process",
        "",
        "The same page from the app's cache, asking Redis each time (not held), 1,000 "
        "requests through newsroom.wsgi's application, as gunicorn asks it: median "
        f"{profile['hit_medians_ms'][0]:.2f} ms by the clock, "
        f"{profile['hit_medians_ms'][1]:.2f} ms of CPU "
        f"({profile['hit_profiled_ms']:.2f} ms under cProfile). Its functions with "
        "the most CPU time of their own:",
        "",
        "| function | calls a request | own ms | cumulative ms |",
        "| --- | ---: | ---: | ---: |",
        *(
            f"| `{row['function']}` | {row['calls']:.1f} | {row['own_ms']:.3f} "
            f"| {row['cumulative_ms']:.3f} |"
            for row in profile["hit_top"]
        ),
        "",
        "## Notes",
        "",
        NOTES_MARKER,
        "",
        notes,
        "",
    ]
    path.write_text("\n".join(lines))


if __name__ == "__main__":
    main()
