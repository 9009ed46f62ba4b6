"""
Create the demo newsroom from the TOML files beside this module.

Only what is missing is created: a section, author or story that already exists (by
slug) is left as it is, so running the seed twice duplicates nothing and never
overwrites what an editor changed.
"""

import hashlib
import tomllib
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import reversion
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from articles.models import Article, Author, Byline, Category
from photos.models import Image

from .desk import seed_desk
from .embeds_story import seed_embeds_story
from .fronts import seed_fronts
from .live import seed_live_story
from .notes import seed_notes
from .pending_changes import seed_pending_changes
from .pictures import draw_headshot, draw_scene, jpeg_bytes
from .placed_pictures import with_placed_pictures

DEMO_DIR = Path(__file__).resolve().parent


@dataclass
class SeedReport:
    categories: int = 0
    authors: int = 0
    articles: int = 0
    images: int = 0
    skipped: list = field(default_factory=list)


def load_newsroom():
    return tomllib.loads((DEMO_DIR / "newsroom.toml").read_text(encoding="utf-8"))


def load_stories():
    """The demo stories, in file order."""
    return [
        (path.stem.split("-", 1)[1], tomllib.loads(path.read_text(encoding="utf-8")))
        for path in sorted((DEMO_DIR / "stories").glob("*.toml"))
    ]


def stable_fraction(text):
    """A number in [0, 1) that depends only on `text`: a repeatable shuffle key."""
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16) / 2**32


def save_picture(*, picture, name, title, alt_text, caption="", credit="", source=""):
    image = Image(
        title=title, alt_text=alt_text, caption=caption, credit=credit, source=source
    )
    image.file.save(f"{name}.jpg", ContentFile(jpeg_bytes(picture)), save=False)
    image.save()
    return image


def seed_categories(data, report):
    by_slug = {}
    for position, item in enumerate(data):
        category, created = Category.objects.get_or_create(
            slug=item["slug"],
            defaults={
                "name": item["name"],
                "description": item.get("description", ""),
                "position": position,
                "is_in_navigation": item.get("navigation", False),
                "parent": by_slug.get(item.get("parent")),
            },
        )
        report.categories += created
        by_slug[category.slug] = category
    return by_slug


def seed_authors(data, report):
    users = get_user_model()
    site = settings.NEWSROOM_SITE_NAME
    by_slug = {}
    for item in data:
        author = Author.objects.filter(slug=item["slug"]).first()
        if author is None:
            user = None
            if item.get("username"):
                first, _, last = item["name"].partition(" ")
                user, _ = users.objects.get_or_create(
                    username=item["username"],
                    defaults={
                        "first_name": first,
                        "last_name": last,
                        "email": f"{item['username']}@example.org",
                        "is_staff": True,
                    },
                )
                user.groups.add(Group.objects.get(name=item.get("role", "Writer")))
            headshot = save_picture(
                picture=draw_headshot(item["slug"]),
                name=f"headshot-{item['slug']}",
                title=f"{item['name']}, headshot",
                alt_text=f"Portrait of {item['name']}",
                caption=f"{item['name']}, {item.get('job_title', 'writer').lower()}.",
                credit=f"Staff photo/{site}",
                source=site,
            )
            author = Author.objects.create(
                slug=item["slug"],
                name=item["name"],
                job_title=item.get("job_title", ""),
                short_bio=item.get("short_bio", "").format(site=site),
                bio=item.get("bio", "").format(site=site),
                headshot=headshot,
                user=user,
                **{
                    key: item[key]
                    for key in ["website", "bluesky", "mastodon", "x", "linkedin"]
                    if key in item
                },
            )
            report.authors += 1
            report.images += 1
        by_slug[author.slug] = author
    return by_slug


def publication_times(stories, now):
    """Publish times for the published stories, spread over the last three weeks.

    Sections interleave (a stable shuffle by slug) so the home page reads like a real
    day's river rather than one section at a time.
    """
    published = [slug for slug, story in stories if story.get("status") == "published"]
    order = sorted(published, key=stable_fraction)
    times = {}
    for index, slug in enumerate(order):
        hours = 3 + index * 19 + round(stable_fraction(slug + "m") * 6)
        minutes = round(stable_fraction(slug + "s") * 59)
        times[slug] = (now - timedelta(hours=hours, minutes=minutes)).replace(
            second=0, microsecond=0
        )
    return times


def seed_story(slug, story, *, categories, authors, published_at, now):
    image_data = story["image"]
    lead_image = save_picture(
        picture=draw_scene(image_data["scene"], seed=slug),
        name=f"lead-{slug}",
        title=story["headline"],
        alt_text=image_data["alt"],
        caption=image_data["caption"],
        credit=image_data["credit"],
        source=image_data["credit"].rpartition("/")[2],
    )
    status = story.get("status", "published")
    if status == "draft":
        published_at = None
    elif status == "scheduled":
        tomorrow = timezone.localtime(now) + timedelta(days=1)
        published_at = tomorrow.replace(hour=7, minute=0, second=0, microsecond=0)
    # Every fifth story got a substantive update a few hours after it went out.
    updated_at = None
    if published_at and status == "published" and stable_fraction(slug + "u") < 0.2:
        updated_at = min(published_at + timedelta(hours=4, minutes=12), now)

    article = Article.objects.create(
        headline=story["headline"],
        slug=slug,
        dek=story["dek"],
        body=story["content"]["body"],
        lead_image=lead_image,
        primary_category=categories[story["section"]],
        status=Article.Status.DRAFT if status == "draft" else Article.Status.PUBLISHED,
        published_at=published_at,
        updated_at=updated_at,
    )
    article.categories.set([categories[c] for c in story.get("categories", [])])
    article.tags.add(*story.get("tags", []))
    credits = [(name, Byline.Role.AUTHOR) for name in story["authors"]] + [
        (name, Byline.Role.ADDITIONAL_REPORTING)
        for name in story.get("additional_reporting", [])
    ]
    Byline.objects.bulk_create(
        Byline(
            article=article,
            author=authors[name],
            role=role,
            position=position,
            published_at=article.published_at,  # bulk_create sends no signal
        )
        for position, (name, role) in enumerate(credits)
    )
    return article


@transaction.atomic
def seed_demo(*, now=None):
    """Create whatever part of the demo newsroom is missing; report what was created."""
    now = now or timezone.now()
    report = SeedReport()
    newsroom = load_newsroom()
    categories = seed_categories(newsroom["categories"], report)
    authors = seed_authors(newsroom["authors"], report)
    stories = load_stories()
    times = publication_times(stories, now)
    existing = set(
        Article.objects.filter(slug__in=[s for s, _ in stories]).values_list(
            "slug", flat=True
        )
    )
    for slug, story in stories:
        if slug in existing:
            report.skipped.append(slug)
            continue
        story = with_placed_pictures(slug, story, report)
        # Each story's history starts with the version the demo loads.
        with reversion.create_revision():
            article = seed_story(
                slug,
                story,
                categories=categories,
                authors=authors,
                published_at=times.get(slug),
                now=now,
            )
            reversion.set_comment("Loaded with the demo newsroom.")
            reversion.add_to_revision(article)  # now that its bylines and tags exist
        report.articles += 1
        report.images += 1
    seed_desk(now=now)
    seed_live_story(
        categories=categories,
        authors=authors,
        now=now,
        report=report,
        save_picture=save_picture,
    )
    seed_embeds_story(categories, authors, report, now, save_picture)
    seed_fronts(now=now)
    seed_notes(now=now)
    seed_pending_changes()
    return report
