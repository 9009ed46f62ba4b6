"""
What a phone downloads for a story's lead image, measured in a real browser.

Uploads a 6000 × 4000 photo-like JPEG as the lead image of a published story, times the
generation of every lead rendition, then loads the story page in headless Chromium as a
390 px-wide phone (device pixel ratio 3, then 2) and adds up the bytes of the lead image
the browser chose. Compares them with the original file and with a plain JPEG
rendition of the same size. Writes bench/IMAGES.md.

    .venv/bin/python bench/image_bytes.py
"""

import io
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORKDIR = tempfile.mkdtemp(prefix="newsroom-image-bench-")
ENV = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "false",
    "SERVE_MEDIA": "true",
    "DATABASE_URL": f"sqlite:///{WORKDIR}/bench.sqlite3",
    "MEDIA_ROOT": f"{WORKDIR}/media",
    "DJANGO_SETTINGS_MODULE": "newsroom.settings",
}
os.environ.update(ENV)

import django  # noqa: E402

django.setup()

from django.core.files.base import ContentFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402
from PIL import Image as PILImage  # noqa: E402
from PIL import ImageFilter  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from articles.models import Article, Author, Byline, Image  # noqa: E402
from demo.pictures import draw_scene  # noqa: E402
from photos.rendition_files import get_rendition  # noqa: E402
from photos.renditions import FORMATS, SPECS  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def photo_like_jpeg():
    """6000 × 4000 with fine detail and sensor noise, saved as a camera would (q92)."""
    scene = draw_scene("city", "bench", size=(6000, 4000))
    noise = PILImage.effect_noise((6000, 4000), 28).convert("RGB")
    photo = PILImage.blend(scene, noise, 0.12).filter(
        ImageFilter.UnsharpMask(2, 120, 2)
    )
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def make_story(original):
    image = Image(alt_text="A city skyline", credit="Bench/Newsroom")
    image.file.save("bench-photo.jpg", ContentFile(original), save=False)
    image.save()
    article = Article.objects.create(
        headline="Bench story",
        dek="What a phone downloads.",
        body="<p>Text.</p>",
        lead_image=image,
        status=Article.Status.PUBLISHED,
        published_at=timezone.now(),
    )
    Byline.objects.create(
        article=article,
        author=Author.objects.create(name="Bench Writer", slug="bench-writer"),
    )
    return image, article


def time_renditions(image):
    spec = SPECS["lead"]
    rows = []
    for width in image.rendition_widths(spec):
        for fmt in FORMATS:
            started = time.perf_counter()
            rendition = get_rendition(image=image, spec=spec, width=width, fmt=fmt)
            elapsed = time.perf_counter() - started
            rows.append((width, fmt, elapsed, rendition.file.size))
    return rows


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def phone_download(url, image_pk, scale):
    """Bytes of the lead image a 390 px-wide phone at `scale` downloads, and its URL."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(
            viewport={"width": 390, "height": 844},
            device_scale_factor=scale,
            is_mobile=True,
            has_touch=True,
        )
        page = context.new_page()
        fetched = []
        page.on(
            "response",
            lambda r: fetched.append(r) if f"/images/{image_pk}/" in r.url else None,
        )
        page.goto(url, wait_until="networkidle")
        downloads = [(r.url, len(r.body())) for r in fetched]
        browser.close()
    return downloads


def main():
    call_command("migrate", verbosity=0)
    original = photo_like_jpeg()
    image, article = make_story(original)
    timings = time_renditions(image)

    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "runserver",
            "--insecure",
            "--noreload",
            f"127.0.0.1:{port}",
        ],
        cwd=ROOT,
        env={**os.environ, **ENV},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/robots.txt", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        story_url = f"http://127.0.0.1:{port}{article.get_absolute_url()}"
        phones = {scale: phone_download(story_url, image.pk, scale) for scale in (3, 2)}
    finally:
        server.terminate()

    by_name = {(w, f): size for w, f, _, size in timings}
    lines = [
        "# Bytes a phone downloads for a lead image",
        "",
        f"Run by `bench/image_bytes.py` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
        f"{os.cpu_count()} cores. Original: a 6000 × 4000 photo-like JPEG "
        f"(quality 92), {len(original):,} bytes.",
        "",
        "| phone | image fetched | bytes | % of original | plain JPEG, same size | "
        "% of that JPEG |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    failed = False
    for scale, downloads in phones.items():
        for url, size in downloads:
            name = url.rsplit("/", 1)[1]  # lead-1200.avif
            width = int(name.split("-")[1].split(".")[0])
            jpeg = by_name[(width, "jpg")]
            of_original, of_jpeg = size / len(original) * 100, size / jpeg * 100
            failed |= of_original > 5 or of_jpeg > 60
            lines.append(
                f"| 390 px, ×{scale} | `{name}` | {size:,} | {of_original:.2f}% | "
                f"{jpeg:,} | {of_jpeg:.0f}% |"
            )
    lines += [
        "",
        "Targets: at most 5% of the original and at most 60% of the plain JPEG.",
        "",
        "## Generation time per rendition (lead, 16:9)",
        "",
        "| width | format | ms | bytes |",
        "| --- | --- | --- | --- |",
        *(f"| {w} | {f} | {t * 1000:.0f} | {s:,} |" for w, f, t, s in timings),
    ]
    text = "\n".join(lines) + "\n"
    (ROOT / "bench" / "IMAGES.md").write_text(text)
    print(text)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
