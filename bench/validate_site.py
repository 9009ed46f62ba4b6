"""
Hold the demo site to outside validators: the W3C Nu HTML checker, axe-core (WCAG 2.1
A and AA) in headless Chromium, Lighthouse (mobile and desktop), feedparser, every
sitemap URL, and layout checks from 320 to 1600 px, dark mode, focus and print.

Run it through `bench/validate-site`, which installs the tools first. It seeds a fresh
demo newsroom in a temporary folder, serves it with DEBUG off, checks it, writes the
figures to bench/VALIDATION.md and exits non-zero if any bar is missed.
"""

import argparse
import json
import os
import platform
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from xml.etree import ElementTree

import feedparser
import lxml.html
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WIDTHS = [320, 390, 768, 1024, 1600]
LIGHTHOUSE_BAR = 95
LIGHTHOUSE_METRICS = [
    "first-contentful-paint",
    "largest-contentful-paint",
    "total-blocking-time",
    "cumulative-layout-shift",
    "speed-index",
]
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.read()


class DemoSite:
    """The demo newsroom in a temporary folder, served with production settings."""

    def __init__(self, workdir):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "SERVE_MEDIA": "true",
            "DATABASE_URL": f"sqlite:///{workdir}/validate.sqlite3",
            "MEDIA_ROOT": str(Path(workdir) / "media"),
            "STATIC_ROOT": str(Path(workdir) / "static"),
        }
        self.server = None

    def manage(self, *args):
        subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, check=True
        )

    def __enter__(self):
        self.manage("migrate", "--noinput", "-v0")
        self.manage("seed_demo")
        # With DEBUG off, pages name the hashed files collectstatic writes, and
        # WhiteNoise serves them, as in production.
        self.manage("collectstatic", "--noinput", "-v0")
        self.server = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "runserver",
                "--noreload",
                f"127.0.0.1:{self.port}",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                fetch(self.url + "/robots.txt")
                return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("The demo site did not start.")

    def __exit__(self, *exc):
        self.server.terminate()
        self.server.wait(timeout=10)


def public_pages(site):
    """The pages the bars apply to, found by following links as a reader would."""
    _, home = fetch(site.url + "/")
    tree = lxml.html.fromstring(home)
    story = tree.cssselect(".story-card__headline a")[0].get("href")
    # The live story: the card marked "Live" (demo/live.py).
    live = tree.xpath(
        "//article[.//*[contains(@class, 'story-card__live')]]"
        "//*[contains(@class, 'story-card__headline')]/a/@href"
    )[0]
    section = tree.cssselect(".site-nav a")[0].get("href")
    _, story_html = fetch(site.url + story)
    story_tree = lxml.html.fromstring(story_html)
    author = story_tree.cssselect(".story__byline .byline a")[0].get("href")
    tag = story_tree.cssselect(".tag-list a")[0].get("href")
    return {
        # The demo's home page and Climate section are arranged fronts (demo/fronts.py).
        "home": "/",
        "section-front": "/sections/climate/",
        "story": story,
        "live": live,
        "section": section,
        "author": author,
        "tag": tag,
        "search": "/search/?q=harbor+council",
    }


def nu_html_checker(site, pages, tools, workdir):
    """Nu checks files: it refuses to fetch from localhost, so the pages are saved."""
    jar = tools / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    files = {}
    for name, path in pages.items():
        files[name] = Path(workdir) / f"{name}.html"
        files[name].write_bytes(fetch(site.url + path)[1])
    result = subprocess.run(
        ["java", "-jar", str(jar), "--format", "json", *map(str, files.values())],
        capture_output=True,
        text=True,
    )
    messages = json.loads(result.stderr)["messages"]
    errors = {name: [] for name in pages}
    for message in messages:
        # Anything but info and warnings counts, including "could not check".
        if message.get("type") != "info":
            name = next(n for n, f in files.items() if message["url"].endswith(f.name))
            errors[name].append(f"{message.get('lastLine')}: {message['message']}")
    checked = set(files) - {n for n, e in errors.items() if e}
    print(f"Nu HTML checker: {len(checked)} of {len(files)} pages clean", flush=True)
    return errors


def axe_and_layout(site, pages, tools):
    """axe-core in light and dark mode, then widths, dark mode, focus and print."""
    axe_source = (tools / "node_modules" / "axe-core" / "axe.min.js").read_text()
    violations, layout = {}, {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_FLAGS
        )
        for scheme in ["light", "dark"]:
            # axe is the checker's script, not the page's: the page's
            # Content-Security-Policy (script-src 'self') would refuse it.
            context = browser.new_context(color_scheme=scheme, bypass_csp=True)
            page = context.new_page()
            for name, path in pages.items():
                page.goto(site.url + path, wait_until="networkidle")
                page.add_script_tag(content=axe_source)
                result = page.evaluate(
                    """() => axe.run(document, {runOnly: {type: 'tag', values:
                       ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"""
                )
                violations[f"{name} ({scheme})"] = [
                    f"{v['id']}: {v['help']} ({len(v['nodes'])} elements)"
                    for v in result["violations"]
                ]
            context.close()

        page = browser.new_page()
        for name, path in pages.items():
            problems = []
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                page.goto(site.url + path, wait_until="networkidle")
                overflow = page.evaluate(
                    "document.documentElement.scrollWidth - window.innerWidth"
                )
                if overflow > 0:
                    problems.append(f"{overflow}px wider than a {width}px screen")
            page.emulate_media(color_scheme="dark")
            dark = page.evaluate("getComputedStyle(document.body).backgroundColor")
            page.emulate_media(color_scheme="light")
            light = page.evaluate("getComputedStyle(document.body).backgroundColor")
            if dark == light:
                problems.append("no dark colour scheme")
            page.keyboard.press("Tab")
            focused = page.evaluate(
                """() => { const el = document.activeElement;
                   return [el.className, getComputedStyle(el).outlineStyle,
                           el.getBoundingClientRect().top]; }"""
            )
            if focused[0] != "skip-link" or focused[1] == "none" or focused[2] < 0:
                problems.append(
                    f"first Tab does not show a focused skip link: {focused}"
                )
            page.emulate_media(media="print")
            printed = page.evaluate(
                """() => {
                   const shown = (selector) => {
                     const el = document.querySelector(selector);
                     return el && getComputedStyle(el).display; };
                   return {
                   header: shown('.site-header'),
                   credit: shown('.figure__credit'),
                   body: document.querySelector('.story__body') &&
                         document.querySelector('.story__body').innerText.length };
                }"""
            )
            page.emulate_media(media="screen")
            if printed["header"] != "none":
                problems.append("navigation prints")
            if name == "story" and (
                printed["credit"] in (None, "none") or not printed["body"]
            ):
                problems.append(f"story does not print whole: {printed}")
            layout[name] = problems
        browser.close()
    return violations, layout


def lighthouse(site, pages, tools):
    binary = tools / "node_modules" / ".bin" / "lighthouse"
    scores = {}
    for name in ["story", "live", "home"]:
        for preset in ["mobile", "desktop"]:
            with tempfile.NamedTemporaryFile(suffix=".json") as report:
                command = [
                    str(binary),
                    site.url + pages[name],
                    "--quiet",
                    "--output=json",
                    f"--output-path={report.name}",
                    "--only-categories=performance,accessibility,best-practices,seo",
                    "--chrome-flags=--headless=new " + " ".join(CHROMIUM_FLAGS),
                ]
                if preset == "desktop":
                    command.append("--preset=desktop")
                # Lighthouse now and then fails to record a trace (NO_NAVSTART):
                # try again rather than report a tool fault as a page's score.
                for attempt in range(3):
                    run = subprocess.run(
                        command, env={**os.environ, "CHROME_PATH": CHROMIUM}
                    )
                    if run.returncode == 0:
                        break
                    print(f"Lighthouse failed (attempt {attempt + 1}); again.")
                else:
                    raise RuntimeError(f"Lighthouse kept failing on {name}.")
                data = json.loads(Path(report.name).read_text())
            scores[f"{name} ({preset})"] = {
                key: round(category["score"] * 100)
                for key, category in data["categories"].items()
            }
            metrics = ", ".join(
                f"{audit} {data['audits'][audit].get('displayValue', '')}"
                for audit in LIGHTHOUSE_METRICS
            )
            print(f"Lighthouse {name} ({preset}): {metrics}", flush=True)
    return scores


def live_feed_paths(site):
    """The entries feed of each live story on the home page, linked from its page."""
    _, home = fetch(site.url + "/")
    paths = []
    for story in lxml.html.fromstring(home).xpath(
        "//article[.//*[contains(@class, 'story-card__live')]]"
        "//*[contains(@class, 'story-card__headline')]/a/@href"
    ):
        _, page = fetch(site.url + story)
        paths += [
            link.get("href")
            for link in lxml.html.fromstring(page).cssselect(
                'link[type="application/atom+xml"][title^="Live"]'
            )
        ]
    return paths


def feeds_and_sitemaps(site):
    """Every feed parses without a bozo flag; every sitemap URL answers 200."""
    problems, feed_count, url_count = [], 0, 0
    _, index = fetch(site.url + "/sitemap.xml")
    sitemap_urls = [
        e.text for e in ElementTree.fromstring(index).iterfind(".//s:loc", SITEMAP_NS)
    ]
    page_urls = []
    for sitemap in sitemap_urls:
        status, body = fetch(sitemap)
        page_urls += [
            e.text
            for e in ElementTree.fromstring(body).iterfind(".//s:loc", SITEMAP_NS)
        ]
    feed_paths = ["/rss/index.xml", "/atom/index.xml"]
    feed_paths += live_feed_paths(site)
    for url in page_urls:
        path = url.removeprefix(site.url)
        if path.startswith(("/sections/", "/authors/")):
            feed_paths += [path + "rss/", path + "atom/"]
    for url in sitemap_urls + page_urls:
        url_count += 1
        status, _ = fetch(url)
        if status != 200:
            problems.append(f"{url} answered {status}")
    for path in feed_paths:
        feed_count += 1
        status, body = fetch(site.url + path)
        parsed = feedparser.parse(body)
        if parsed.bozo:
            problems.append(f"{path}: {parsed.bozo_exception}")
    return problems, feed_count, url_count


def report(results):
    nu, axe, layout, scores, (feed_problems, feeds, urls) = results
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    cpu = platform.processor() or platform.machine()
    lines = [
        "# Outside validators on the demo site",
        "",
        f"Run by `bench/validate-site` on {now}, {os.cpu_count()} cores ({cpu}).",
        "",
        "| check | page | result |",
        "| --- | --- | --- |",
    ]
    failed = False
    for name, errors in nu.items():
        failed |= bool(errors)
        lines.append(f"| Nu HTML checker | {name} | {len(errors)} errors |")
    for name, found in axe.items():
        failed |= bool(found)
        lines.append(f"| axe-core WCAG 2.1 A/AA | {name} | {len(found)} violations |")
    for name, problems in layout.items():
        failed |= bool(problems)
        verdict = "; ".join(problems) or "320–1600 px, dark mode, focus, print: ok"
        lines.append(f"| layout | {name} | {verdict} |")
    for name, categories in scores.items():
        failed |= min(categories.values()) < LIGHTHOUSE_BAR
        figures = ", ".join(f"{k} {v}" for k, v in categories.items())
        lines.append(f"| Lighthouse | {name} | {figures} |")
    failed |= bool(feed_problems)
    lines.append(f"| feedparser | {feeds} feeds | {len(feed_problems)} bozo |")
    lines.append(f"| sitemap URLs | {urls} URLs | all 200: {not feed_problems} |")
    details = [
        *(f"- Nu {n}: {e}" for n, errs in nu.items() for e in errs),
        *(f"- axe {n}: {v}" for n, found in axe.items() for v in found),
        *(f"- {p}" for p in feed_problems),
    ]
    if details:
        lines += ["", "## Problems", "", *details]
    return "\n".join(lines) + "\n", failed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--tools", type=Path, required=True)
    parser.add_argument("--skip-lighthouse", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir, DemoSite(workdir) as site:
        pages = public_pages(site)
        print("Pages:", pages, flush=True)
        nu = nu_html_checker(site, pages, args.tools, workdir)
        axe, layout = axe_and_layout(site, pages, args.tools)
        scores = {} if args.skip_lighthouse else lighthouse(site, pages, args.tools)
        text, failed = report((nu, axe, layout, scores, feeds_and_sitemaps(site)))
    (ROOT / "bench" / "VALIDATION.md").write_text(text)
    print(text)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
