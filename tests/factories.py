"""Small builders for test data: each takes overrides and saves what it makes."""

import io
import itertools
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image as PILImage

from articles.models import Article, Author, Byline, Category
from embeds.models import Embed
from photos.models import Image

_numbers = itertools.count(1)


def jpeg_file(width=64, height=48, colour=(180, 60, 40), name="photo.jpg"):
    """A real JPEG drawn in memory."""
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), colour).save(buffer, "JPEG")
    return ContentFile(buffer.getvalue(), name=name)


def make_image(**fields):
    n = next(_numbers)
    fields.setdefault("alt_text", f"Test picture {n}")
    fields.setdefault("caption", f"Caption of picture {n}.")
    fields.setdefault("credit", "Ana Lopes/Test Agency")
    fields.setdefault("file", jpeg_file(name=f"picture-{n}.jpg"))
    return Image.objects.create(**fields)


def make_category(**fields):
    n = next(_numbers)
    fields.setdefault("name", f"Section {n}")
    fields.setdefault("slug", f"section-{n}")
    return Category.objects.create(**fields)


def make_author(**fields):
    n = next(_numbers)
    fields.setdefault("name", f"Writer Number{n}")
    fields.setdefault("slug", f"writer-{n}")
    fields.setdefault("job_title", "Reporter")
    fields.setdefault("short_bio", f"Writer Number{n} is a reporter at the Test Times.")
    return Author.objects.create(**fields)


def make_article(*, authors=None, categories=(), tags=(), **fields):
    """A public story unless `status` or `published_at` say otherwise."""
    n = next(_numbers)
    fields.setdefault("headline", f"Headline number {n}")
    fields.setdefault("dek", f"The dek of story {n}.")
    fields.setdefault("body", f"<p>Body of story {n}.</p>")
    fields.setdefault("status", Article.Status.PUBLISHED)
    if fields["status"] == Article.Status.PUBLISHED:
        fields.setdefault("published_at", timezone.now() - timedelta(hours=n))
    if "primary_category" not in fields:
        fields["primary_category"] = make_category()
    article = Article.objects.create(**fields)
    for position, author in enumerate(
        authors if authors is not None else [make_author()]
    ):
        Byline.objects.create(article=article, author=author, position=position)
    article.categories.set(categories)
    if tags:
        article.tags.add(*tags)
    return article


def make_video_embed(url="https://www.youtube.com/watch?v=aBcDeFgHiJk"):
    """A video embed already asked of its provider: "The seawall", on YouTube."""
    return Embed.objects.create(
        url=url,
        provider_name="YouTube",
        kind="video",
        title="The seawall",
        html='<iframe src="https://www.youtube.com/embed/aBcDeFgHiJk"'
        ' title="The seawall"></iframe>',
        fetched_at=timezone.now(),
    )


def fetch_picture(client, url):
    """GET an image URL and open the answer with Pillow."""
    response = client.get(url.removeprefix("http://testserver"))
    assert response.status_code == 200, url
    return PILImage.open(io.BytesIO(b"".join(response.streaming_content)))
