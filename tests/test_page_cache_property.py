"""For random sequences of edits, every page the cache serves is what a fresh render
of it would be; the only exception allowed is the "More from" and related block of
a story page, which may lag a new story by the cache's lifetime, but never keeps a
link to a story taken down."""

import gzip
import random
import re
from datetime import timedelta

import lxml.html
import pytest
from django.test import Client
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, Author, Byline, Category, Correction
from delivery import redis_cache

from .factories import make_article, make_author, make_category, make_image
from .services import RedisServer, redis_caches

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pages_cached")]


def newsroom(chance):
    sections = [
        make_category(name=f"Section {n}", slug=f"s{n}", is_in_navigation=n < 2)
        for n in range(3)
    ]
    authors = [make_author(name=f"Author {n}", slug=f"a{n}") for n in range(3)]
    stories = [
        make_article(
            headline=f"Story {n}",
            primary_category=chance.choice(sections),
            authors=chance.sample(authors, chance.randint(1, 2)),
            tags=chance.sample(["harbor", "budget", "ferries"], chance.randint(0, 2)),
            lead_image=make_image(caption=f"Picture {n}."),
            published_at=timezone.now() - timedelta(hours=n + 1),
        )
        for n in range(6)
    ]
    return sections, authors, stories


def pages():
    """Every public page there is now."""
    paths = ["/", "/rss/index.xml", "/atom/index.xml", "/sitemaps/stories.xml"]
    # Searches match headlines, authors' names and tags (kept from a second asking);
    # "night" is a tag only an edit puts on a story.
    paths += [f"/search/?q={words}" for words in ("story", "night", "ferries")]
    for story in Article.objects.published():
        paths.append(story.get_absolute_url())
    for section in Category.objects.all():
        paths += [f"/sections/{section.slug}/", f"/sections/{section.slug}/rss/"]
    for author in Author.objects.all():
        paths += [f"/authors/{author.slug}/", f"/authors/{author.slug}/atom/"]
    for tag in Tag.objects.all():
        paths.append(f"/tags/{tag.slug}/")
    return paths


def edits(chance, sections, authors):
    """Edits an editor makes, each touching some pages."""

    def a_story():
        return chance.choice(list(Article.objects.all()))

    def headline():
        story = a_story()
        story.headline = f"{story.headline} (updated {chance.randint(1, 999)})"
        story.save()

    def rewrite():
        # Found by a search, or no longer, by its body alone, which no card shows.
        story = a_story()
        story.body = (
            f"<p>{chance.choice(['Ferries run at night.', 'A quiet day.'])}</p>"
        )
        story.save()

    def unpublish():
        story = a_story()
        story.status = Article.Status.UNPUBLISHED
        story.save()

    def publish():
        story = a_story()
        story.status = Article.Status.PUBLISHED
        story.published_at = timezone.now() - timedelta(minutes=chance.randint(1, 600))
        story.save()

    def move():
        story = a_story()
        story.primary_category = chance.choice(sections)
        story.save()

    def tag():
        a_story().tags.add(chance.choice(["harbor", "budget", "ferries", "night"]))

    def untag():
        story = a_story()
        story.tags.remove(*story.tags.all()[:1])

    def correct():
        Correction.objects.create(article=a_story(), text="An earlier figure.")

    def rename_author():
        author = chance.choice(authors)
        author.name = f"{author.name}-{chance.randint(1, 9)}"
        author.save()

    def rename_section():
        section = chance.choice(sections)
        section.name = f"{section.name}-{chance.randint(1, 9)}"
        section.save()

    def rename_tag():
        found = Tag.objects.order_by("?").first()
        if found:
            found.name = f"{found.name}-{chance.randint(1, 9)}"
            found.save()

    def recaption():
        image = a_story().lead_image
        image.caption = f"New caption {chance.randint(1, 999)}."
        image.save()

    def add_byline():
        story = a_story()
        author = chance.choice(authors)
        if not story.bylines.filter(author=author).exists():
            Byline.objects.create(article=story, author=author, position=9)

    def delete():
        if Article.objects.count() > 3:
            a_story().delete()

    return [
        headline,
        rewrite,
        unpublish,
        publish,
        move,
        tag,
        untag,
        correct,
        rename_author,
        rename_section,
        rename_tag,
        recaption,
        add_byline,
        delete,
    ]


def without_lagging_part(html):
    """A page without its "More from" and related block, which may lag, and without
    the white space between tags, which a block left out by the lag changes."""
    page = lxml.html.fromstring(html)
    for block in page.cssselect("aside.story-extras"):
        block.drop_tree()
    return re.sub(rb">\s+<", b"><", lxml.html.tostring(page))


def links_to_stories_taken_down(html):
    taken_down = [
        story.get_absolute_url()
        for story in Article.objects.exclude(status=Article.Status.PUBLISHED)
    ]
    return [url for url in taken_down if f'href="{url}"' in html]


@pytest.fixture
def cache_kind(request, settings, tmp_path, monkeypatch):
    """Pages kept in each process's memory, or in Redis as in production (where, on
    PostgreSQL, searches are forgotten one by one: readers/search_pages.py)."""
    if request.param == "Redis":
        server = RedisServer(tmp_path).start()
        request.addfinalizer(server.stop)
        monkeypatch.setattr(redis_cache, "_down_until", 0.0)
        settings.CACHES = redis_caches(server.url)
    return request.param


@pytest.mark.parametrize(
    "seed, cache_kind",
    [(seed, "local memory") for seed in range(4)]
    + [(seed, "Redis") for seed in range(4, 6)],
    indirect=["cache_kind"],
)
def test_every_page_served_is_a_fresh_render_whatever_the_edits(
    seed, cache_kind, settings
):
    chance = random.Random(seed)
    sections, authors, _stories = newsroom(chance)
    # Kept pages go gzipped to readers who take it: every other step is read so.
    readers = [Client(), Client(HTTP_ACCEPT_ENCODING="gzip")]
    for path in pages():  # everything cached
        readers[0].get(path)
    moves = edits(chance, sections, authors)
    for step in range(12):
        move = chance.choice(moves)
        move()
        for path in pages():
            served = readers[step % 2].get(path)
            if served.get("Content-Encoding") == "gzip":
                served.content = gzip.decompress(served.content)
            settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
            fresh = Client().get(path)
            settings.NEWSROOM_PAGE_CACHE_SECONDS = 600
            what = f"seed {seed}, step {step} ({move.__name__}): {path}"
            assert served.status_code == fresh.status_code, what
            if served.status_code != 200:
                continue
            body = served.content.decode()
            assert not links_to_stories_taken_down(body), what
            if path.endswith(".xml") or path.endswith("/rss/") or "atom" in path:
                assert served.content == fresh.content, what
            else:
                assert without_lagging_part(served.content) == without_lagging_part(
                    fresh.content
                ), what
