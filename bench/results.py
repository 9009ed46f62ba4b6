"""
bench/RESULTS.md from the figures bench/run_benchmark.py gathered: the machine, the
references, each archive size's pages, and the issue's targets, met or missed by how
much. The notes at the end of the file, written by people, are kept from run to run.
"""

import json
import platform
import runpy
import statistics
import subprocess

import django
import gunicorn
from servers import ROOT, TIMEOUT

NOTES_MARKER = "<!-- Notes below are written by hand; each run keeps them. -->"
PAGE_LABELS = {
    "story": "story",
    "home": "home",
    "section": "section",
    "author": "author",
    "search": "search",
    "feed": "feed (RSS)",
}


def command_output(*command):
    try:
        result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    except FileNotFoundError:
        return ""
    return (result.stdout + result.stderr).strip()


def machine():
    """The CPU's model and how many cores and CPUs, from lscpu."""
    fields = {}
    for line in command_output("lscpu").splitlines():
        key, _, value = line.partition(":")
        fields.setdefault(key.strip(), value.strip())
    cores = int(fields.get("Core(s) per socket", 0)) * int(fields.get("Socket(s)", 1))
    return f"{fields.get('Model name', 'unknown CPU')}, {cores} cores, " + (
        f"{fields.get('CPU(s)', '?')} CPUs ({platform.system()} {platform.release()})"
    )


def gunicorn_workers():
    """How many workers gunicorn.conf.py gives gunicorn here (WEB_CONCURRENCY, or
    its default for this machine's cores)."""
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))["workers"]


def software(postgres):
    workers = gunicorn_workers()
    commit = command_output("git", "rev-parse", "--short", "HEAD")
    if command_output("git", "status", "--porcelain", "--untracked-files=no"):
        commit += " with uncommitted changes"
    nginx = command_output("nginx", "-v").rpartition("/")[2]
    wrk = command_output("wrk", "-v").split()[1] if command_output("wrk", "-v") else ""
    return (
        f"Python {platform.python_version()}, Django {django.get_version()}, "
        f"PostgreSQL {postgres}, "
        f"Redis, gunicorn {gunicorn.__version__} with {workers} sync workers "
        f"(gunicorn.conf.py), nginx {nginx}, wrk {wrk}; commit {commit}."
    )


def ms(value):
    return f"{value:.1f}"


def answered(run):
    """Whether every request of a run was answered: latencies mean something."""
    return run["requests"] > 0 and not run["timeouts"]


def latency(run, key):
    return ms(run[key]) if answered(run) else "–"


def ratio(numerator, denominator, digits=0):
    return f"{numerator / denominator:.{digits}%}" if denominator else "–"


def floor_rps(size):
    """The floor's requests per second for `size`: the mean of its runs before and
    after the pages (runs of older versions measured it after only)."""
    references = size["references"]
    runs = [references["floor"], references.get("floor_before")]
    return statistics.mean(run["rps"] for run in runs if run)


def share_change(size, previous, mode, name):
    """How a page's share of the floor moved from the smaller archive to this one:
    the machine's own drift between the two (seen in the floor) taken out."""
    now = size[mode][name]["rps"] / floor_rps(size)
    before = previous[mode][name]["rps"] / floor_rps(previous)
    return now / before


def page_rows(size, previous):
    floor = floor_rps(size)
    disk = size["references"]["nginx_disk"]["rps"]
    rows = []
    for mode in ["uncached", "cached"]:
        for name, label in PAGE_LABELS.items():
            run = size[mode][name]
            cost = size["costs"]["costs"][name]
            queries = cost["queries"] if mode == "uncached" else "–"
            change = "–"
            if previous:
                change = f"{share_change(size, previous, mode, name) - 1:+.0%}"
            rows.append(
                f"| {label} | {mode} | {run['rps']:,.0f} | {latency(run, 'p50_ms')} | "
                f"{latency(run, 'p99_ms')} | {queries} | {cost['bytes']:,} | "
                f"{ratio(run['rps'], floor)} | {ratio(run['rps'], disk)} | {change} |"
                + errors_note(run)
            )
    run = size["nginx_cached"]
    change = "–"
    if previous:
        # Against nginx's own reference, as the floor is no measure of nginx.
        disk_then = previous["references"]["nginx_disk"]["rps"]
        share_then = previous["nginx_cached"]["rps"] / disk_then
        change = f"{run['rps'] / disk / share_then - 1:+.0%}"
    rows.append(
        f"| story | deploy/nginx.conf cache ({size['nginx_cache_status']}) | "
        f"{run['rps']:,.0f} | {latency(run, 'p50_ms')} | "
        f"{latency(run, 'p99_ms')} | – | "
        f"{size['costs']['costs']['story']['bytes']:,} | {ratio(run['rps'], floor)} | "
        f"{ratio(run['rps'], disk)} | {change} |" + errors_note(run)
    )
    return rows


def errors_note(run):
    problems = [
        f"{run[key]} {what}"
        for key, what in [
            ("timeouts", f"requests unanswered after {TIMEOUT} s"),
            ("http_errors", "error answers"),
            ("socket_errors", "connection errors"),
        ]
        if run[key]
    ]
    return " " + ", ".join(problems) if problems else ""


def target(label, measured, bar, met):
    return f"| {label} | {measured} | {bar} | {'met' if met else '**missed**'} |"


def target_rows(sizes):
    rows = []
    for size in sizes:
        floor = floor_rps(size)
        disk = size["references"]["nginx_disk"]["rps"]
        n = f"{size['costs']['stories']:,}"
        story = size["uncached"]["story"]
        render = size["costs"]["story_median_ms"]
        rows += [
            target(f"story uncached, median render in-process ({n})",
                   f"{render:.2f} ms", "< 4 ms", render < 4),
            target(f"story uncached, share of the Django floor ({n})",
                   ratio(story["rps"], floor, 1), "≥ 20%", story["rps"] >= 0.2 * floor),
            target(f"story uncached, p99 at concurrency 8 ({n})",
                   latency(story, "p99_ms") + " ms", "< 60 ms",
                   answered(story) and story["p99_ms"] < 60),
            target(f"story from Django's cache, share of the floor ({n})",
                   ratio(size["cached"]["story"]["rps"], floor, 1), "≥ 70%",
                   size["cached"]["story"]["rps"] >= 0.7 * floor),
            target(f"story behind deploy/nginx.conf, share of nginx from disk ({n})",
                   ratio(size["nginx_cached"]["rps"], disk, 1), "≥ 80%",
                   size["nginx_cached"]["rps"] >= 0.8 * disk),
        ]  # fmt: skip
    largest, smallest = sizes[-1], sizes[0]
    if len(sizes) > 1:
        worst_name, worst = min(
            (
                (f"{name} {mode}", share_change(largest, smallest, mode, name))
                for mode in ["uncached", "cached"]
                for name in PAGE_LABELS
            ),
            key=lambda item: item[1],
        )
        rows.append(
            target(
                f"every page at {largest['costs']['stories']:,} stories within 15% of "
                f"{smallest['costs']['stories']:,}, as a share of the floor "
                f"(worst: {worst_name})",
                f"{worst - 1:+.0%}",
                "≥ −15%",
                worst >= 0.85,
            )
        )
    else:
        rows.append("| every page at 100,000 within 15% of 1,000 | not run | | |")
    n = f"{largest['costs']['stories']:,}"
    search = largest["uncached"]["search"]
    admin = largest["costs"]["admin_list"]["median_ms"]
    rows += [
        target(f"search uncached, p95 ({n})", latency(search, "p95_ms") + " ms",
               "< 100 ms", answered(search) and search["p95_ms"] < 100),
        target(f"admin article list, superuser, in-process median ({n})",
               f"{admin:.1f} ms", "< 300 ms", admin < 300),
    ]  # fmt: skip
    return rows


def kept_notes(path):
    if path.exists() and NOTES_MARKER in path.read_text():
        return path.read_text().split(NOTES_MARKER, 1)[1].strip()
    return "(none yet)"


def in_process_summary(size):
    costs = size["costs"]
    admin = costs["admin_list"]
    pages = ", ".join(f"`{path}`" for path in costs["pages"].values())
    return (
        f"Story page, uncached, in-process: median {costs['story_median_ms']:.2f} ms "
        f"over {costs['story_renders']} renders. Search p95 "
        f"{latency(size['uncached']['search'], 'p95_ms')} ms uncached. Admin article "
        f"list as a superuser: median {admin['median_ms']:.1f} ms, {admin['queries']} "
        f"queries. Pages driven: {pages}."
    )


def reference_rows(size):
    n = f"{size['costs']['stories']:,}"
    floor, disk = size["references"]["floor"], size["references"]["nginx_disk"]
    floors = [("before", size["references"].get("floor_before")), ("after", floor)]
    return [
        *(
            f"| Django floor: one view returning a short string, same gunicorn "
            f"settings ({n}, {when} the pages) | {run['rps']:,.0f} | "
            f"{ms(run['p50_ms'])} | {ms(run['p99_ms'])} |"
            for when, run in floors
            if run
        ),
        f"| nginx sending the story page "
        f"({size['references']['story_bytes']:,} bytes) from disk ({n}) | "
        f"{disk['rps']:,.0f} | {ms(disk['p50_ms'])} | {ms(disk['p99_ms'])} |",
    ]


def write_results(path, figures):
    """RESULTS.md from a run's figures (as kept in RESULTS.json)."""
    sizes, seconds, warmup = figures["sizes"], figures["seconds"], figures["warmup"]
    load = figures["load"]
    lines = [
        "# Benchmark",
        "",
        f"Written by `bench/run-benchmark`; the run started {figures['started']}.",
        "",
        f"- **Machine**: {figures['machine']}; load average (1 min) {load[0]:.2f} "
        f"before the run, {load[1]:.2f} after it (other work on the machine skews "
        "the figures).",
        f"- **Software**: {figures['software']}",
        f"- **Method**: `wrk -t2 -c8`, {seconds} s per page after a {warmup} s "
        "warm-up; gunicorn with production settings (`DEBUG` off, PostgreSQL, "
        "`CONN_MAX_AGE`, Django's cache in Redis). *Uncached*: the page cache off "
        "(`NEWSROOM_PAGE_CACHE_SECONDS=0`), every request renders. *Cached*: "
        "rendered pages kept in Redis. Queries, bytes (uncompressed HTML) and "
        "render times are measured in-process with Django's test client on the "
        "same database. Ratios are of requests per second.",
        "",
        "## References, same machine, same run",
        "",
        "The floor is measured before and after each archive size's pages, nginx "
        "after them, with nothing else running; that size's ratios are to the mean "
        "of the two floors and to nginx. *vs smaller archive* compares each page's "
        "share of its own floor, so that the machine's drift between the two sizes "
        "(a shared host's speed varies over minutes) is not counted as the "
        "archive's.",
        "",
        "| reference (N stories) | requests/s | p50 ms | p99 ms |",
        "| --- | ---: | ---: | ---: |",
        *(row for size in sizes for row in reference_rows(size)),
    ]
    previous = None
    for size in sizes:
        costs = size["costs"]
        lines += [
            "",
            f"## {costs['stories']:,} published stories",
            "",
            "| page | mode | requests/s | p50 ms | p99 ms | queries | bytes | "
            "× floor | × nginx disk | vs smaller archive |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            *page_rows(size, previous),
            "",
            in_process_summary(size),
        ]
        previous = size
    lines += [
        "",
        "## Targets (issue 6)",
        "",
        "| target | measured | bar | |",
        "| --- | ---: | ---: | --- |",
        *target_rows(sizes),
        "",
        "## Notes",
        "",
        NOTES_MARKER,
        "",
        kept_notes(path),
        "",
    ]
    path.write_text("\n".join(lines))


if __name__ == "__main__":
    # Draws RESULTS.md again from the last run's RESULTS.json (after editing the
    # notes, say), without running the benchmark.
    bench = ROOT / "bench"
    write_results(
        bench / "RESULTS.md", json.loads((bench / "RESULTS.json").read_text())
    )
