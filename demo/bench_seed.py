"""
A large archive for benchmarks: N published stories with authors, sections, tags,
bylines and lead images, written with bulk inserts in batches.

Pictures are drawn once and shared: a few dozen Image rows, each a real file, stand
behind every lead image and headshot, as in a newsroom that reuses its photo library.
Signals do not run for bulk inserts, so the search documents are filled at the end with
one UPDATE (PostgreSQL only), using the same expression the site keeps them fresh with.
"""

import hashlib
import random
import time
from datetime import timedelta
from functools import partial

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag

from articles.inline_images import snippet
from articles.models import (
    Article,
    Author,
    Byline,
    Category,
    Correction,
    InlineImage,
    TaggedArticle,
)
from articles.search import refresh_search_vectors, uses_postgres
from delivery import page_cache
from photos.models import Image

from .bench_text import Writer, person_names, place_names, tag_names, zipf_weights
from .pictures import SCENES, draw_headshot, draw_scene, jpeg_bytes

AUTHORS = 300
TAGS = 3000
# Invented places, the most common in nearly every story and most in a few: searches
# for them match anything from most of the archive to a handful of stories.
PLACES = 3000
PICTURES = 40
HEADSHOTS = 24
# One story every 25 minutes or so, back from now: 100,000 stories span about 5 years.
CADENCE = timedelta(minutes=25)
SECTIONS = ["News", "Politics", "World", "Climate", "Science", "Culture", "Money"]
BATCH = 1000
PICTURE_SIZE = (1600, 1067)
HEADSHOT_SIZE = (800, 800)
# The agency named on every seeded picture: how a second run finds them.
SOURCE = "Bench Wire"


class ArchiveNotEmpty(Exception):
    """The database already holds stories, and no reset was asked for."""


def stored_picture(*, draw, name, title, **fields):
    """The library image titled `title`, drawn and stored only if it is not there yet
    (film grain makes every drawing differ, so the content hash cannot find it)."""
    image = Image.objects.filter(title=title, source=SOURCE).first()
    if image is None:
        data = jpeg_bytes(draw())
        image = Image(
            title=title,
            source=SOURCE,
            content_hash=hashlib.sha256(data).hexdigest(),
            **fields,
        )
        image.file.save(f"{name}.jpg", ContentFile(data), save=False)
        image.save()
    return image


def make_pictures(count):
    pictures = []
    for i in range(count):
        scene = SCENES[i % len(SCENES)]
        pictures.append(
            stored_picture(
                draw=partial(draw_scene, scene, seed=f"bench-{i}", size=PICTURE_SIZE),
                name=f"bench-{scene}-{i}",
                title=f"Benchmark picture {i + 1}",
                alt_text=f"A {scene} scene, benchmark picture {i + 1}",
                caption=f"A {scene} scene on an ordinary day.",
                credit=f"Staff photographer/{SOURCE}",
                photographer="Staff photographer",
            )
        )
    return pictures


def make_headshots(count):
    return [
        stored_picture(
            draw=partial(draw_headshot, f"bench-{i}", size=HEADSHOT_SIZE),
            name=f"bench-headshot-{i}",
            title=f"Benchmark headshot {i + 1}",
            alt_text="Portrait of a staff writer",
            credit=f"Staff photo/{SOURCE}",
        )
        for i in range(count)
    ]


def make_sections():
    """The navigation sections if there are any, else a handful made here."""
    sections = list(Category.objects.filter(is_in_navigation=True))
    if sections:
        return sections
    for position, name in enumerate(SECTIONS):
        Category.objects.get_or_create(
            slug=slugify(name),
            defaults={"name": name, "position": position, "is_in_navigation": True},
        )
    return list(Category.objects.filter(slug__in=[slugify(n) for n in SECTIONS]))


def make_authors(names, headshots):
    authors = [
        Author(
            name=name,
            slug=f"{slugify(name)}-bench",
            job_title="Reporter",
            short_bio=f"{name} is a reporter who covers the city and the region.",
            headshot=headshots[i % len(headshots)],
        )
        for i, name in enumerate(names)
    ]
    Author.objects.bulk_create(authors, ignore_conflicts=True)
    return list(Author.objects.filter(slug__in=[a.slug for a in authors]))


def make_tags(names):
    Tag.objects.bulk_create(
        [Tag(name=name, slug=slugify(name)) for name in names], ignore_conflicts=True
    )
    by_name = Tag.objects.in_bulk(names, field_name="name")
    return [by_name[name] for name in names if name in by_name]


def reset_archive():
    """Delete every story (not only seeded ones), with its bylines and tags."""
    if uses_postgres():
        # TRUNCATE reaches every table that points at stories, in one statement; it
        # refuses while deferred foreign-key checks are pending, so run them first.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {Article._meta.db_table} CASCADE")
    else:
        Article.objects.all().delete()


def seed_archive(*, stories, seed=1, reset=False, report=print):
    """Add `stories` published stories; return the seconds it took."""
    started = time.monotonic()
    if reset:
        reset_archive()
    elif Article.objects.exists():
        raise ArchiveNotEmpty(
            "The database already holds stories; use --reset to delete them first."
        )
    rng = random.Random(seed)
    report(f"Drawing {PICTURES} pictures and {HEADSHOTS} headshots…")
    pictures = make_pictures(PICTURES)
    headshots = make_headshots(HEADSHOTS)
    sections = make_sections()
    places = place_names(rng, PLACES)
    people = person_names(rng, AUTHORS)
    authors = make_authors(people, headshots)
    tags = make_tags(tag_names(places, TAGS))
    report(
        f"{len(sections)} sections, {len(authors)} authors, {len(tags)} tags; "
        "writing stories…"
    )
    writer = Writer(rng, places, people)
    plan = StoryPlan(rng, writer, sections, authors, tags, pictures)
    now = timezone.now().replace(microsecond=0)
    done = 0
    while done < stories:
        size = min(BATCH, stories - done)
        # Oldest first, so ids grow with publish time as they do in a real archive.
        times = [now - CADENCE * (stories - done - i) for i in range(size)]
        with transaction.atomic():
            plan.write_batch(times)
        done += size
        report(
            f"  {done:,} of {stories:,} stories ({time.monotonic() - started:.0f} s)"
        )
    if uses_postgres():
        report("Building search documents…")
        refresh_search_vectors(Article.objects.filter(search_vector__isnull=True))
        report("Vacuuming and analysing…")
        with connection.cursor() as cursor:
            # Fresh statistics, so the planner knows the tables' new sizes; VACUUM
            # also marks pages all-visible, which lets index-only scans skip the
            # table, as they would on a database that has lived a while. VACUUM
            # cannot run inside a transaction (the tests seed inside one).
            in_transaction = connection.in_atomic_block
            cursor.execute("ANALYZE" if in_transaction else "VACUUM ANALYZE")
    # Bulk inserts send no signals, so kept pages must be forgotten here.
    page_cache.content_changed()
    return time.monotonic() - started


class StoryPlan:
    """Decides each story's parts; writes them a batch at a time."""

    def __init__(self, rng, writer, sections, authors, tags, pictures):
        self.rng = rng
        self.writer = writer
        self.sections = sections
        self.authors = authors
        self.author_weights = zipf_weights(len(authors), 0.8)
        self.tags = tags
        self.tag_weights = zipf_weights(len(tags))
        self.pictures = pictures

    def write_batch(self, times):
        rng = self.rng
        articles = []
        placed = []
        for published_at in times:
            body, text = self.writer.body(rng.randint(7, 10))
            picture = None
            if rng.random() < 0.1:  # one story in ten places a picture in its body
                picture = rng.choice(self.pictures)
                body += snippet(picture.pk)
            headline = self.writer.headline()
            updated = rng.random() < 0.1
            articles.append(
                Article(
                    headline=headline,
                    slug=slugify(headline)[:200],
                    dek=self.writer.dek(),
                    body=body,
                    body_text=text,
                    lead_image=rng.choice(self.pictures),
                    primary_category=rng.choice(self.sections),
                    status=Article.Status.PUBLISHED,
                    published_at=published_at,
                    updated_at=published_at + timedelta(hours=3) if updated else None,
                )
            )
            placed.append(picture)
        # The last stories may be "updated" after now: keep the times in the past.
        now = timezone.now()
        for article in articles:
            if article.updated_at and article.updated_at > now:
                article.updated_at = None
        Article.objects.bulk_create(articles)
        Byline.objects.bulk_create(self.bylines(articles))
        TaggedArticle.objects.bulk_create(self.tagged_items(articles))
        InlineImage.objects.bulk_create(
            InlineImage(article=article, image=picture)
            for article, picture in zip(articles, placed, strict=True)
            if picture
        )
        Correction.objects.bulk_create(
            Correction(
                article=article,
                text="An earlier version of this story misstated a figure.",
                noted_at=min(article.published_at + timedelta(hours=1), now),
            )
            for article in articles
            if rng.random() < 0.02
        )

    def bylines(self, articles):
        roles = [Byline.Role.AUTHOR, Byline.Role.AUTHOR, Byline.Role.CONTRIBUTOR]
        for article in articles:
            count = self.rng.choices([1, 2, 3], weights=[70, 22, 8])[0]
            chosen = self.pick(self.authors, self.author_weights, count)
            for position, author in enumerate(chosen):
                role = roles[position] if position else Byline.Role.AUTHOR
                yield Byline(
                    article=article,
                    author=author,
                    role=role,
                    position=position,
                    published_at=article.published_at,  # no signal from bulk_create
                )

    def tagged_items(self, articles):
        for article in articles:
            count = self.rng.randint(2, 5)
            for tag in self.pick(self.tags, self.tag_weights, count):
                yield TaggedArticle(
                    content_object=article,
                    tag=tag,
                    published_at=article.published_at,  # no signal from bulk_create
                )

    def pick(self, items, cum_weights, count):
        """`count` or fewer distinct items, common ones more often."""
        chosen = self.rng.choices(items, cum_weights=cum_weights, k=count)
        return list(dict.fromkeys(chosen))
