"""bench/NEWSDAY.md, written from the figures of one news-day run (news_day.py)."""

import math

from news_day_desk import GIVE_UP, KEPT_SECONDS, SCHEDULE, SHARES, ZIPF

NOTES_MARKER = "<!-- Notes below are written by hand; each run keeps them. -->"
KINDS = ["publish", "update", "correction", "unpublish"]
DESIGNS = {
    "today": "today (per-key)",
    "old": "old (one generation)",
}
FRONTS = {"app": "app cache alone", "varnish": "behind Varnish"}
# The targets of issue 14.
HIT_RATIO = 0.95
P99_MS = 50
VISIBLE_S = 2.0
TAKEDOWN_S = 1.0
SPEED_UP = 5


def percentile(values, share):
    """Nearest-rank percentile; None (not seen) counts as longer than any."""
    if not values:
        return None
    ordered = sorted(values, key=lambda v: math.inf if v is None else v)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def seconds(value):
    if value is None:
        return f"> {GIVE_UP:.0f} s"
    return f"{value:.2f} s"


def change_delays(phase, kinds):
    """Per change: the time until every page it affects showed it (None: some page
    did not within GIVE_UP)."""
    delays = []
    for change in phase["changes"]:
        if change["kind"] not in kinds:
            continue
        seen = [page["seen_after"] for page in change["pages"]]
        delays.append(None if None in seen else max(seen))
    return delays


def page_delays(phase, kinds):
    return [
        page["seen_after"]
        for change in phase["changes"]
        if change["kind"] in kinds
        for page in change["pages"]
    ]


def missed(app):
    """Readers' requests that queried the database for content: pages rendered,
    and pages whose links alone were."""
    return app["rendered"] + app.get("links_alone", 0)


def hit_ratio(phase):
    app = phase["app"]
    if not app["requests"]:
        return None
    return 1 - missed(app) / app["requests"]


def warm_hit_ratio(phase):
    """The hit ratio with first visits (a cold cache, not a change) left out."""
    app = phase["app"]
    asked = app["requests"] - app["first_visits"]
    if not asked:
        return None
    return 1 - (missed(app) - app["first_visits"]) / asked


def edge_ratio(phase):
    counts = phase["readers"]["counts"]
    edge = {k[5:]: v for k, v in counts.items() if k.startswith("edge_")}
    total = sum(edge.values())
    if not total or set(edge) == {"none"}:
        return None
    return (edge.get("HIT", 0) + edge.get("HIT-STALE", 0)) / total


def percent(value):
    return "–" if value is None else f"{value:.1%}"


def statuses(phase):
    counts = phase["readers"]["counts"]
    found = {k[7:]: v for k, v in counts.items() if k.startswith("status_")}
    return ", ".join(f"{code}: {n:,}" for code, n in sorted(found.items()))


def load(phase):
    samples = phase["load"]
    if not samples:
        return "–"
    return f"{sum(samples) / len(samples):.1f} (max {max(samples):.1f})"


def machine_check(phase):
    # Runs from before the check was made have none.
    check = phase.get("machine_check_ms")
    return "–" if check is None else f"{check:.1f}"


def phase_name(phase):
    return f"{DESIGNS[phase['design']]}, {FRONTS[phase['front']]}"


def find(figures, design, front):
    for phase in figures["phases"]:
        if phase["design"] == design and phase["front"] == front:
            return phase
    return None


def readers_table(figures):
    rows = [
        "| design, front | requests/s | p50 ms | p99 ms | max ms "
        "| app hit ratio | app hit ratio, first visits left out "
        "| renders | links rendered alone | edge hit ratio | statuses "
        "| load average (1 min) | a fixed task before it, ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| --- | --- | ---: |",
    ]
    for phase in figures["phases"]:
        readers, app = phase["readers"], phase["app"]
        rows.append(
            f"| {phase_name(phase)} | {readers['rps']:,.0f} "
            f"| {readers['p50_ms']:.1f} | {readers['p99_ms']:.1f} "
            f"| {readers['max_ms']:.0f} | {percent(hit_ratio(phase))} "
            f"| {percent(warm_hit_ratio(phase))} "
            f"| {app['rendered']:,} of {app['requests']:,} "
            f"| {app.get('links_alone', 0):,} "
            f"| {percent(edge_ratio(phase))} | {statuses(phase)} | {load(phase)} "
            f"| {machine_check(phase)} |"
        )
    return rows


def renders_text(figures):
    """What the app rendered, by kind of page and status, first visits apart."""
    lines = []
    for phase in figures["phases"]:
        kinds = phase["app"].get("renders_by_kind", {})
        listed = ", ".join(f"{kind}: {n:,}" for kind, n in kinds.items())
        lines.append(f"- {phase_name(phase)}: {listed or 'none'}")
    return lines


# What Varnish did, as read_edge_log() sorts it, in the order shown.
EDGE_HANDLING = {
    "all": "every request",
    "hit": "hit (a copy in grace among them)",
    "miss, first": "miss, the first for its URL",
    "miss, asked before": "miss, a URL asked before (its copy purged or expired)",
    "pass": "passed to the app",
    "synth": "answered by Varnish itself",
}


def edge_table(figures):
    """Each phase behind Varnish, by what Varnish did, from its own log."""
    rows = [
        "| design | what Varnish did | requests | share | p50 ms | p99 ms |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for phase in figures["phases"]:
        edge = phase.get("edge")  # runs from before it was logged have none
        if not edge:
            continue
        total = edge["all"]["requests"]
        order = list(EDGE_HANDLING)
        for handling in sorted(
            edge, key=lambda h: order.index(h) if h in order else len(order)
        ):
            one = edge[handling]
            rows.append(
                f"| {DESIGNS[phase['design']]} "
                f"| {EDGE_HANDLING.get(handling, handling)} "
                f"| {one['requests']:,} | {percent(one['requests'] / total)} "
                f"| {one['p50_ms']:.2f} | {one['p99_ms']:.1f} |"
            )
    return rows


def misses_waited_on(figures):
    """Each phase behind Varnish: how many of the readers' connections were waiting
    on a miss at any moment, on average (Little's law: misses a second times their
    mean time at the edge); nothing for runs from before it was logged."""
    lines = []
    for phase in figures["phases"]:
        misses = [
            one
            for handling, one in (phase.get("edge") or {}).items()
            if handling.startswith("miss") and "mean_ms" in one
        ]
        if misses:
            per_second = sum(one["per_second"] for one in misses)
            waiting = sum(one["per_second"] * one["mean_ms"] / 1000 for one in misses)
            lines.append(
                f"- {DESIGNS[phase['design']]}: {per_second:,.0f} misses a second, "
                f"{waiting:.1f} of the {figures['readers']} connections waiting on "
                "one at any moment, on average."
            )
    if not lines:
        return []
    return [
        "",
        "Misses waited on (Little's law: misses a second times their mean time at "
        "the edge; at least as many, as Varnish logs a request that waited for "
        "another's fetch of the same page as a hit). Where nearly every connection "
        "is waiting on one, the app bounds the readers, whatever its speed: wrk "
        "asks again as soon as it is answered, so hits come as fast as the machine "
        "serves them, and misses reach the app faster than it answers them. The "
        "requests a second are then the misses the app answers a second divided by "
        "their share, and the p99 is the wait for the app, not for Varnish:",
        "",
        *lines,
    ]


def freshness_table(figures):
    rows = [
        "| design, front | change | changes | pages polled "
        "| every page shows it: p50 | p99 | max | pages not within "
        f"{GIVE_UP:.0f} s |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for phase in figures["phases"]:
        for kind in [*KINDS, "all"]:
            kinds = KINDS if kind == "all" else [kind]
            delays = change_delays(phase, kinds)
            pages = page_delays(phase, kinds)
            missed = sum(1 for p in pages if p is None)
            rows.append(
                f"| {phase_name(phase)} | {kind} | {len(delays)} | {len(pages)} "
                f"| {seconds(percentile(delays, 0.5)) if delays else '–'} "
                f"| {seconds(percentile(delays, 0.99)) if delays else '–'} "
                f"| {seconds(percentile(delays, 1.0)) if delays else '–'} "
                f"| {missed} |"
            )
    return rows


def target(label, measured, bar, met):
    return f"| {label} | {measured} | {bar} | {'met' if met else '**missed**'} |"


def targets_table(figures):
    rows = ["| target | measured | bar | |", "| --- | ---: | ---: | --- |"]
    today_app = find(figures, "today", "app")
    ratio = hit_ratio(today_app)
    rows.append(
        target(
            "hit ratio behind the app cache (today)",
            percent(ratio),
            f"≥ {HIT_RATIO:.0%}",
            ratio is not None and ratio >= HIT_RATIO,
        )
    )
    for front in FRONTS:
        phase = find(figures, "today", front)
        p99 = phase["readers"]["p99_ms"]
        rows.append(
            target(
                f"p99, {FRONTS[front]} (today)",
                f"{p99:.1f} ms",
                f"< {P99_MS} ms",
                p99 < P99_MS,
            )
        )
    for front in FRONTS:
        phase = find(figures, "today", front)
        others = [k for k in KINDS if k != "unpublish"]
        p99 = percentile(change_delays(phase, others), 0.99)
        rows.append(
            target(
                f"a change visible on every page it affects, p99, {FRONTS[front]}",
                seconds(p99),
                f"≤ {VISIBLE_S:.0f} s",
                p99 is not None and p99 <= VISIBLE_S,
            )
        )
        p99 = percentile(change_delays(phase, ["unpublish"]), 0.99)
        rows.append(
            target(
                f"a takedown gone from every page it affects, p99, {FRONTS[front]}",
                seconds(p99),
                f"≤ {TAKEDOWN_S:.0f} s",
                p99 is not None and p99 <= TAKEDOWN_S,
            )
        )
    for front in FRONTS:
        today = find(figures, "today", front)["readers"]["rps"]
        old = find(figures, "old", front)["readers"]["rps"]
        rows.append(
            target(
                f"throughput against the old design, {FRONTS[front]}",
                f"{today / old:.1f}× ({today:,.0f} against {old:,.0f} requests/s)",
                f"≥ {SPEED_UP}×",
                today / old >= SPEED_UP,
            )
        )
    return rows


def shares_text():
    names = {
        "story": f"story pages, by a Zipf law over the archive newest first "
        f"(weight 1/rank^{ZIPF})",
        "home": "the home page",
        "section": "a section's page (the seven, equally)",
        "author": "an author's page (Zipf, exponent 1, over 300)",
        "tag": "a tag's page (Zipf, exponent 1, over 3,000, common tags first)",
        "feed": "a feed: the site's RSS half the time, a section's the other half",
        "search": "a search for one of 50 tag names (Zipf, exponent 1)",
    }
    return [f"- {share}%: {names[name]}" for name, share in SHARES.items()]


def warmup_text(seconds):
    if seconds < KEPT_SECONDS:
        return (
            f" (shorter than the {KEPT_SECONDS} s a page is kept: the figures include "
            "a cold start's first visits, which a site that has served all day has "
            "behind it)"
        )
    return (
        f" (at least the {KEPT_SECONDS} s a page is kept: the pages first asked in "
        "the warm-up's first minutes expire at the app and at the edge together, "
        "at the start of the phase, unlike a day's, which expire spread out)"
    )


def schedule_text():
    return ", ".join(
        f"{kind} every {period} s (first at {first} s)"
        for kind, (first, period) in SCHEDULE.items()
    )


def kept_notes(path):
    if path.exists() and NOTES_MARKER in path.read_text():
        return path.read_text().split(NOTES_MARKER, 1)[1].strip()
    return "(none yet)"


def write(path, figures):
    notes = kept_notes(path)
    lines = [
        "# The news day",
        "",
        f"Written by `bench/news-day`; the run started {figures['started']} "
        f"(commit {figures['commit']}; the old design: commit "
        f"{figures['old_commit']}).",
        "",
        f"- **Machine**: {figures['machine']}, shared with other work: the load "
        "average in each phase is in the table, and how long a fixed piece of "
        "Python work took just before it, alone (bench/news_day.py's "
        "machine_check(): the same on a steady machine, more on one already "
        "slowed as the phase starts; a short burst on one core, it can miss a "
        "machine that slows only under sustained load). The phases run one "
        "after another: a machine that slows between them slows the later ones.",
        "- **Site**: 100,000 stories (demo/bench_seed.py), gunicorn "
        f"(gunicorn.conf.py, {figures['workers']} sync workers in both "
        "designs) with production settings (`DEBUG` off, "
        "PostgreSQL, `CONN_MAX_AGE`, pages cached in Redis); behind Varnish: "
        "deploy/varnish.vcl in varnishd 7 with xkey, purged by the app (today's "
        "design; the old one cannot purge, and its pages say `s-maxage=600`).",
        f"- **Readers**: wrk, {figures['readers']} connections, "
        f"{figures['seconds']} s per phase after a warm-up (figures thrown away): "
        "the 500 paths readers ask for most fetched once each, then "
        f"{figures['warmup']} s of readers{warmup_text(figures['warmup'])}. Each "
        "request, with `Accept-Encoding: gzip` as every browser sends it (Varnish "
        "keeps pages gzipped, and unzips them only for clients that do not; "
        "today's design sends the pages it keeps gzipped, the old one sends every "
        "page whole), a path drawn from 200,000 written in these shares:",
        *shares_text(),
        f"- **Desk**, at the same time, in the design's own code: {schedule_text()}; "
        "publishing and taking down through articles/workflow.py's transition(), "
        "updates (a new headline, marked updated) and corrections (a new one saved "
        "with the story) as the story form saves them, in a django-reversion "
        "revision. Updates, corrections and takedowns go to one of the 12 newest "
        "stories.",
        "- **Freshness**: from the moment a change's transaction commits, each page "
        "it affects is fetched through the readers' front (every 50 ms for 3 s, "
        "then more slowly) until it shows the change: the story page (a takedown: "
        "404), and the home page, the section's page, the RSS feed (and, for a "
        f"publish, the author's page) that showed the story before. Given up after "
        f"{GIVE_UP:.0f} s. A change's time is that of its slowest page.",
        "- **Hit ratio**: at the app, the share of readers' requests it answered "
        "without querying the database for content (bench/news_day_wsgi.py marks "
        "each answer; pollers left out); a story page whose links block alone was "
        "rendered again into the kept page with a query (the candidates, or the "
        "links of stories chosen before, read once a change: *links rendered "
        "alone*) counts as a miss, and one made from links kept in the cache "
        "(readers/story_links.py) as a hit; a search page (1% of requests) is kept "
        "from a query's second asking in today's design (page_cache.asked_again), "
        "never in the old one. *First visits left out*: without the requests that were "
        "the first for their URL since the app started, which no invalidation "
        "design can answer from a cache. At the edge, Varnish's X-Cache (HIT or "
        "HIT-STALE against MISS and PASS).",
        "",
        "## Readers",
        "",
        *readers_table(figures),
        "",
        "What the app rendered (readers' requests reaching it), by kind of page and "
        "status; *first visit*: the first request for that URL since the app "
        "started:",
        "",
        *renders_text(figures),
        "",
        "## At the edge",
        "",
        "Behind Varnish, the readers' requests of the phase (pollers left out) as "
        "Varnish's own log has them (varnishncsa): what it did, and how long it "
        "took, from the request's start to the answer's last byte. The readers' "
        "p99 above (wrk's) also counts the time a request and its answer waited "
        "for the machine's cores, which wrk, Varnish and the app share; a miss "
        "*first for its URL* came to an empty cache (since Varnish started), one "
        "*asked before* to a copy a change purged or that expired.",
        "",
        *edge_table(figures),
        *misses_waited_on(figures),
        "",
        "## Freshness",
        "",
        *freshness_table(figures),
        "",
        "## Targets (issue 14)",
        "",
        *targets_table(figures),
        "",
        "## Notes",
        "",
        NOTES_MARKER,
        "",
        notes,
        "",
    ]
    path.write_text("\n".join(lines))
