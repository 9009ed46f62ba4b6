"""The server-side page cache: cached pages cost no queries, and every change a reader
could notice reaches every page that shows it on the next request."""

import logging
import threading
import uuid
import warnings
from datetime import timedelta

import lxml.html
import pytest
import redis
import time_machine
from django.contrib.auth.models import User
from django.core.cache import cache, caches
from django.db import connection, transaction
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, Byline, Correction
from articles.previews import preview_path
from delivery import page_cache, redis_cache
from delivery.models import Invalidation
from readers import dependencies

from .factories import make_article, make_author, make_category, make_image
from .services import free_port, redis_caches

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pages_cached")]


@pytest.fixture
def story():
    politics = make_category(name="Politics", slug="politics", is_in_navigation=True)
    maya = make_author(name="Maya Okafor", slug="maya-okafor")
    return make_article(
        headline="Council passes the harbor budget",
        primary_category=politics,
        authors=[maya],
        tags=["harbor"],
        lead_image=make_image(caption="The council chamber."),
        # Within the news sitemap's two days.
        published_at=timezone.now() - timedelta(hours=1),
    )


def pages_of(story):
    """Every public page the story appears on."""
    return [
        story.get_absolute_url(),
        "/",
        "/sections/politics/",
        "/authors/maya-okafor/",
        "/tags/harbor/",
        "/rss/index.xml",
        "/atom/index.xml",
        "/sections/politics/rss/",
        "/authors/maya-okafor/atom/",
        "/sitemaps/stories.xml",
        "/sitemaps/news.xml",
    ]


def text(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def warm(client, paths):
    return {path: text(client, path) for path in paths}


def test_a_cached_page_costs_no_queries(client, story, django_assert_num_queries):
    for path in pages_of(story):
        first = text(client, path)
        with django_assert_num_queries(0):
            assert text(client, path) == first


def test_a_search_is_kept_from_its_second_asking_until_a_change(
    client, story, django_assert_num_queries
):
    once = "/search/?q=ferry+timetable"
    assert "No stories matched" in text(client, once)
    path = "/search/?q=harbor"
    first = text(client, path)
    assert "Council passes the harbor budget" in first
    # Asked for again: rendered again, and kept from now on.
    assert text(client, path) == first
    with django_assert_num_queries(0):
        assert text(client, path) == first
    # A query asked once was not kept: its second asking renders it.
    with CaptureQueriesContext(connection) as rendered:
        text(client, once)
    assert rendered.captured_queries
    make_article(headline="Harbor ferries return", tags=["harbor"])
    assert "Harbor ferries return" in text(client, path)


def kept(client, path):
    """The page at `path`, asked for until the page cache keeps it (a search's
    page is kept from its second asking)."""
    first = text(client, path)
    assert text(client, path) == first
    return first


@pytest.mark.parametrize(
    "change, query, shown",
    [
        ("tagged", "quayside", True),
        ("untagged", "quayside", False),
        ("tag renamed", "waterfront", True),
        ("tag deleted", "quayside", False),
        ("byline added", "Okonkwo", True),
        ("byline removed", "Okafor", False),
    ],
)
def test_a_kept_search_shows_a_change_to_the_tags_and_bylines_it_matches(
    client, story, change, query, shown
):
    # Searches match tags and authors' names, not only what the story's row holds.
    if change in {"untagged", "tag deleted"}:
        story.tags.add("quayside")
    path = f"/search/?q={query}"
    before = kept(client, path)
    if change == "tagged":
        story.tags.add("quayside")
    elif change == "untagged":
        story.tags.remove(Tag.objects.get(name="quayside"))
    elif change == "tag renamed":
        tag = Tag.objects.get(name="harbor")
        tag.name = "waterfront"
        tag.save()
    elif change == "tag deleted":
        Tag.objects.get(name="quayside").delete()
    elif change == "byline added":
        Byline.objects.create(
            article=story, author=make_author(name="Ada Okonkwo"), position=2
        )
    elif change == "byline removed":
        story.bylines.get(author__name="Maya Okafor").delete()
    after = text(client, path)
    assert ("Council passes the harbor budget" in after) == shown, change
    assert after != before, change


@pytest.mark.parametrize("cleared", ["tags", "categories"])
def test_a_story_whose_tags_or_sections_are_cleared_leaves_their_lists(
    client, story, cleared, settings
):
    # Even the pages of a list that do not show it: they move up one.
    settings.NEWSROOM_STORIES_PER_PAGE = 1
    culture = make_category(name="Culture", slug="culture")
    older = make_article(
        headline="Ferry timetable changes",
        tags=["harbor"],
        published_at=story.published_at - timedelta(hours=1),
    )
    for one in (story, older):
        one.categories.add(culture)
    path = "/tags/harbor/" if cleared == "tags" else "/sections/culture/"
    assert older.headline in text(client, f"{path}?page=2")
    getattr(story, cleared).clear()
    assert client.get(f"{path}?page=2").status_code == 404
    assert older.headline in text(client, path)


def test_a_byline_given_to_another_author_leaves_the_first_ones_list(
    client, story, settings
):
    # Even the pages of her list that do not show it: they move up one.
    settings.NEWSROOM_STORIES_PER_PAGE = 1
    maya = story.authors.get()
    older = make_article(
        headline="Ferry timetable changes",
        authors=[maya],
        published_at=story.published_at - timedelta(hours=1),
    )
    lee = make_author(name="Lee Chan", slug="lee-chan")
    assert older.headline in text(client, "/authors/maya-okafor/?page=2")
    assert story.headline in text(client, "/authors/maya-okafor/")
    byline = Byline.objects.get(article=story)
    byline.author = lee
    byline.save()
    assert client.get("/authors/maya-okafor/?page=2").status_code == 404
    assert story.headline not in text(client, "/authors/maya-okafor/")
    assert story.headline in text(client, "/authors/lee-chan/")


@pytest.mark.parametrize("part", ["byline", "correction"])
def test_a_part_moved_to_another_story_leaves_the_one_it_was_on(client, story, part):
    other = make_article(headline="Ferry timetable changes")
    if part == "byline":
        moved, shown = Byline.objects.get(article=story), "Maya Okafor"
    else:
        shown = "An earlier version misstated the vote."
        moved = Correction.objects.create(article=story, text=shown)
    url = story.get_absolute_url()
    assert shown in text(client, url)
    moved.article = other
    moved.save()
    assert shown not in text(client, url)
    assert shown in text(client, other.get_absolute_url())


def test_staff_always_get_a_fresh_page(client, story):
    warm(client, pages_of(story))
    # A change that bypasses every signal: readers keep seeing the cached page...
    Article.objects.filter(pk=story.pk).update(headline="Quietly changed")
    assert "Quietly changed" not in text(client, story.get_absolute_url())
    # ...but staff are never served from the cache.
    staff = User.objects.create_user("desk", password="pw", is_staff=True)
    client.force_login(staff)
    assert "Quietly changed" in text(client, story.get_absolute_url())


def test_publishing_reaches_every_page(client, story):
    paths = pages_of(story)
    draft = make_article(
        headline="Ferry strike called off",
        status=Article.Status.DRAFT,
        primary_category=story.primary_category,
        authors=list(story.authors.all()),
        tags=["harbor"],
    )
    warm(client, paths)
    draft.status = Article.Status.PUBLISHED
    draft.published_at = timezone.now() - timedelta(minutes=1)
    draft.save()
    for path in paths:
        if path != story.get_absolute_url():
            assert draft.get_absolute_url() in text(client, path), path


def test_an_updated_headline_reaches_every_page(client, story):
    paths = pages_of(story)
    warm(client, paths)
    story.headline = "Council passes the harbor budget, 7-2"
    story.save()
    for path in paths:
        if path != "/sitemaps/stories.xml":  # addresses only, and the slug stays
            assert "7-2" in text(client, path), path


@pytest.mark.parametrize("how", ["unpublish", "delete"])
def test_an_unpublished_or_deleted_story_leaves_every_page(client, story, how):
    paths = pages_of(story)
    other = make_article(
        primary_category=story.primary_category,
        authors=list(story.authors.all()),
        tags=["harbor"],
    )
    warm(client, paths)
    url = story.get_absolute_url()
    if how == "unpublish":
        story.status = Article.Status.UNPUBLISHED
        story.save()
    else:
        story.delete()
    assert client.get(url).status_code == 404
    for path in paths:
        if path != url:
            assert url not in text(client, path), path
    # The author and tag still have a public story, so their pages stay.
    assert other.headline in text(client, "/authors/maya-okafor/")


def test_a_scheduled_story_is_held_back_until_its_time_then_appears_everywhere(
    client, story
):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        scheduled = make_article(
            headline="Budget vote results",
            published_at=start + timedelta(hours=1),
            primary_category=story.primary_category,
            authors=list(story.authors.all()),
            tags=["harbor"],
        )
        paths = pages_of(story)
        warm(client, paths)
        url = scheduled.get_absolute_url()
        for path in paths:
            assert url not in text(client, path), path
        assert client.get(url).status_code == 404
    with time_machine.travel(start + timedelta(minutes=59), tick=False):
        assert url not in text(client, "/")
    with time_machine.travel(start + timedelta(hours=1, seconds=1), tick=False):
        for path in paths:
            assert url in text(client, path), path
        assert client.get(scheduled.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    "change, expected",
    [
        (lambda s: rename(s.authors.get(), "Maya Okafor-Reyes"), "Okafor-Reyes"),
        (lambda s: rename(s.primary_category, "Politics & Power"), "Politics &amp; "),
        (lambda s: recaption(s.lead_image, "A packed chamber."), "A packed chamber."),
        (lambda s: rename(Tag.objects.get(name="harbor"), "Harbour"), "Harbour"),
        (lambda s: s.tags.add("ferries"), "ferries"),
        (
            lambda s: Correction.objects.create(article=s, text="An earlier vote."),
            "An earlier vote.",
        ),
        (
            lambda s: Byline.objects.create(
                article=s, author=make_author(name="Lee Chan"), position=1
            ),
            "Lee Chan",
        ),
        (lambda s: s.categories.add(make_category(name="Housing")), "Housing"),
    ],
    ids=[
        "author",
        "section",
        "image",
        "tag",
        "tagged",
        "correction",
        "byline",
        "filed",
    ],
)
def test_a_change_to_what_a_story_shows_reaches_its_page(
    client, story, change, expected
):
    url = story.get_absolute_url()
    assert expected not in text(client, url)
    change(story)
    assert expected in text(client, url)


def rename(thing, name):
    thing.name = name
    thing.save()


def recaption(image, caption):
    image.caption = caption
    image.save()


def test_a_draft_saved_as_it_is_written_keeps_the_cache(client, story):
    draft = make_article(status=Article.Status.DRAFT)
    warm(client, ["/"])
    Article.objects.filter(pk=story.pk).update(headline="Quietly changed")
    draft.body = "<p>More words.</p>"
    draft.save()
    # Nothing public changed with the draft, so the cached home page still serves.
    assert "Quietly changed" not in text(client, "/")


def test_previews_and_staff_pages_are_never_cached(client, story):
    draft = make_article(
        headline="Embargoed deal", status=Article.Status.DRAFT, tags=["harbor"]
    )
    staff = User.objects.create_user("desk", password="pw", is_staff=True)
    client.force_login(staff)
    for path in pages_of(story):
        text(client, path)
    client.logout()
    assert "Embargoed deal" in text(client, preview_path(draft))
    for path in pages_of(story):
        page = text(client, path)
        assert "Embargoed deal" not in page and draft.slug not in page, path
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_pages_are_served_and_the_failure_logged_while_redis_is_down(
    client, settings, story, caplog, monkeypatch
):
    monkeypatch.setattr(redis_cache, "_down_until", 0.0)
    settings.CACHES = redis_caches(f"redis://127.0.0.1:{free_port()}/0")
    with caplog.at_level(logging.WARNING, logger="delivery.redis_cache"):
        for path in pages_of(story):
            page = client.get(path)
            assert page.status_code == 200, path
        story.headline = "Changed while Redis was down"
        story.save()
        page = lxml.html.fromstring(text(client, story.get_absolute_url()))
    assert page.cssselect("h1")[0].text_content() == "Changed while Redis was down"
    # Once, not once per request: the reads and the save leave Redis alone for a
    # few seconds. The save's change waits in the outbox for Redis to come back.
    warnings = [
        r for r in caplog.records if "Redis cache unreachable" in r.getMessage()
    ]
    assert len(warnings) == 1
    assert Invalidation.objects.pending().exists()


BUDGETS = [
    ("/", 8),
    ("/sections/politics/", 8),
    ("/authors/maya-okafor/", 8),
    ("/tags/harbor/", 8),
    ("/search/?q=harbor", 8),
    ("/rss/index.xml", 6),
    ("/sections/politics/atom/", 6),
    ("/authors/maya-okafor/rss/", 6),
    ("/sitemap.xml", 6),
    ("/sitemaps/stories.xml", 6),
    ("/sitemaps/news.xml", 6),
]


@pytest.mark.parametrize("path, limit", BUDGETS)
def test_a_page_not_yet_cached_stays_within_its_query_budget(
    assert_flat_queries, story, path, limit
):
    """Every new story starts a new generation, so each count is of a page rendered
    afresh and then cached; the count does not grow with the stories."""

    def add():
        make_article(
            headline="Harbor news",
            primary_category=story.primary_category,
            authors=[*story.authors.all(), make_author()],
            categories=[make_category()],
            tags=["harbor", "ferries"],
            lead_image=make_image(),
            published_at=timezone.now() - timedelta(minutes=5),
        )

    assert_flat_queries(path, add, limit)


def test_a_story_page_not_yet_cached_stays_within_six_queries(
    client, story, django_assert_max_num_queries
):
    for n in range(3):
        Correction.objects.create(article=story, text=f"Correction {n}.")
        story.tags.add(f"tag {n}")
        story.categories.add(make_category(is_in_navigation=True))
        with django_assert_max_num_queries(6):
            assert client.get(story.get_absolute_url()).status_code == 200


def test_new_pictures_and_authors_keep_the_cache(client, story):
    warm(client, ["/"])
    Article.objects.filter(pk=story.pk).update(headline="Quietly changed")
    make_image()
    make_author()
    unused = make_image()
    unused.caption = "Not on any page."
    unused.save()
    # Nothing a reader can see changed, so the cached home page still serves.
    assert "Quietly changed" not in text(client, "/")


def test_a_scheduled_story_appears_even_if_the_cache_lost_its_time(client, story):
    """Redis may evict anything; cached pages are never trusted without the schedule."""
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        scheduled = make_article(published_at=start + timedelta(hours=1))
        warm(client, ["/"])
        cache.delete(page_cache.STATE_KEY)
    with time_machine.travel(start + timedelta(hours=1, seconds=1), tick=False):
        assert scheduled.get_absolute_url() in text(client, "/")


def test_a_cached_page_is_answered_before_sessions_and_routing(
    client, story, django_assert_num_queries
):
    url = story.get_absolute_url()
    client.get(url)

    with django_assert_num_queries(0):
        response = client.get(url)

    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "public" in response["Cache-Control"]
    assert not response.cookies
    # Answered by ServeCachedPages, before the session middleware ran.
    assert not hasattr(response.wsgi_request, "session")
    assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_a_reader_with_a_session_never_gets_a_cached_page(client, story):
    url = story.get_absolute_url()
    client.get(url)
    # Changed behind the signals' back: only a freshly rendered page shows it.
    Article.objects.filter(pk=story.pk).update(headline="Fresh headline")
    assert b"Fresh headline" not in client.get(url).content

    staff = User.objects.create_user("desk", password="x", is_staff=True)
    client.force_login(staff)
    response = client.get(url)

    assert b"Fresh headline" in response.content
    assert "no-store" in response["Cache-Control"]


def test_a_cached_page_costs_one_trip_to_the_cache(client, story, monkeypatch):
    """The state, the sequence, the page and the versions of its keys, in one
    trip, once this process has seen which keys the page depends on."""
    url = story.get_absolute_url()
    client.get(url)  # rendered and kept
    client.get(url)  # found: the process learns the page's keys
    backend = caches["default"]
    trips, inside = [], []
    for name in ("get", "get_many", "set", "add", "incr", "delete"):
        method = getattr(backend, name)

        def counted(*args, _name=name, _method=method, **kwargs):
            if not inside:  # not the local-memory cache's get_many calling get
                trips.append(_name)
            inside.append(_name)
            try:
                return _method(*args, **kwargs)
            finally:
                inside.pop()

        monkeypatch.setattr(backend, name, counted)

    assert client.get(url).status_code == 200
    assert trips == ["get_many"]

    # Rendered again with other keys (a new tag): one more trip, for their
    # versions, the first time only.
    story.tags.add("ferries")
    client.get(url)
    trips.clear()
    client.get(url)
    assert trips == ["get_many", "get_many"]
    trips.clear()
    client.get(url)
    assert trips == ["get_many"]


def test_a_change_reaches_the_pages_that_show_it_and_no_others(client, story):
    """A headline change renders again the story's page and the lists that show
    it; a story sharing nothing with it keeps its cached page."""
    other = make_article(
        headline="Ferry timetable changes",
        primary_category=make_category(name="Transport", slug="transport"),
        authors=[make_author(name="Lee Chan", slug="lee-chan")],
    )
    paths = [story.get_absolute_url(), "/", other.get_absolute_url()]
    warm(client, paths)
    # Changed behind the signals' back: shows only where a page is rendered again.
    Article.objects.filter(pk=other.pk).update(dek="Quietly changed")

    story.headline = "Council passes the harbor budget, 7-2"
    story.save()

    assert "7-2" in text(client, story.get_absolute_url())
    assert "7-2" in text(client, "/")
    assert "Quietly changed" not in text(client, other.get_absolute_url())


def test_a_correction_or_body_edit_renders_again_only_what_shows_the_words(
    client, story
):
    """Cards and links show no body and no correction: the pages that only link to
    the story (lists, another story's "More from") stay cached; its own page and
    the feeds, which carry its words, show the change."""
    neighbour = make_article(
        headline="Harbor dredging starts",
        primary_category=story.primary_category,
        authors=[story.bylines.get().author],
    )
    linking = [neighbour.get_absolute_url(), "/", "/sections/politics/"]
    before = warm(client, linking)
    assert story.headline in before[neighbour.get_absolute_url()]  # "More from"
    # Changed behind the signals' back: shows only where a page is rendered again.
    Article.objects.filter(pk=neighbour.pk).update(dek="Quietly changed")
    Article.objects.filter(pk=story.pk).update(dek="Quietly changed too")
    warm(client, [story.get_absolute_url(), "/rss/index.xml"])

    Correction.objects.create(article=story, text="The vote was 7-2, not 6-3.")
    story.refresh_from_db()
    story.body = "<p>The council voted at midnight, after a long debate.</p>"
    story.save()

    assert "7-2, not 6-3" in text(client, story.get_absolute_url())
    assert "after a long debate" in text(client, "/rss/index.xml")
    for path in linking:
        assert text(client, path) == before[path], path
    # A new headline is on the cards: every page linking to it shows it.
    story.headline = "Council passes the harbor budget, 7-2"
    story.save()
    for path in linking:
        assert "harbor budget, 7-2" in text(client, path), path


def test_a_tag_taken_off_a_story_takes_it_out_of_other_stories_related(client, story):
    """Tags decide which stories are related: untagging one re-renders the pages
    that listed it as related, though their cards show no tags."""
    other = make_article(
        headline="Dredging the harbor mouth",
        primary_category=make_category(name="Science", slug="science"),
        authors=[make_author(name="Lee Chan", slug="lee-chan")],
        tags=["harbor"],
    )
    assert "Council passes the harbor budget" in text(client, other.get_absolute_url())
    story.tags.remove(*story.tags.all())
    assert "Council passes the harbor budget" not in text(
        client, other.get_absolute_url()
    )


def test_a_page_a_change_reached_while_it_was_rendered_is_not_cached(
    client, story, monkeypatch
):
    """The versions are read before rendering: a change between then and caching
    leaves the page uncached, whichever data it was rendered from."""
    url = story.get_absolute_url()
    versions = page_cache._versions

    def changed_while_rendered(keys, sequence):
        page_cache.bump([dependencies.story(story.pk)])  # a change meanwhile
        return versions(keys, sequence)

    monkeypatch.setattr(page_cache, "_versions", changed_while_rendered)
    overtaken = client.get(url)
    monkeypatch.setattr(page_cache, "_versions", versions)
    # Nor may an edge keep it: the change's purge may have passed it by.
    assert "s-maxage=0" in overtaken["Cache-Control"]
    Article.objects.filter(pk=story.pk).update(headline="Changed meanwhile")

    assert "Changed meanwhile" in text(client, url)


def test_a_forgotten_version_is_one_no_cached_page_matches(client, story):
    url = story.get_absolute_url()
    warm(client, [url])
    Article.objects.filter(pk=story.pk).update(headline="Changed meanwhile")
    cache.delete(page_cache.VERSION_PREFIX + dependencies.story(story.pk))  # evicted

    assert "Changed meanwhile" in text(client, url)


def test_a_lost_state_forgets_every_cached_page(client, story):
    """Redis may evict anything; what a lost state knew (a scheduled change that
    has passed) is unknown, so no page cached before it is trusted."""
    warm(client, pages_of(story))
    Article.objects.filter(pk=story.pk).update(headline="Changed meanwhile")
    cache.delete(page_cache.STATE_KEY)

    assert "Changed meanwhile" in text(client, story.get_absolute_url())
    assert "Changed meanwhile" in text(client, "/")


def test_a_scheduled_publication_renders_again_only_what_it_changes(client, story):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        elsewhere = make_article(
            primary_category=make_category(name="Sport", slug="sport"),
            authors=[make_author(name="Lee Chan", slug="lee-chan")],
        )
        scheduled = make_article(
            published_at=start + timedelta(seconds=30),
            primary_category=story.primary_category,
            authors=list(story.authors.all()),
        )
        warm(client, ["/", "/authors/lee-chan/", elsewhere.get_absolute_url()])
        Article.objects.filter(pk=elsewhere.pk).update(dek="Quietly changed")
    # Within the local cache's state lifetime (Redis keeps it for a day).
    with time_machine.travel(start + timedelta(seconds=31), tick=False):
        for _reader in range(3):
            assert scheduled.get_absolute_url() in text(client, "/")
        assert "Quietly changed" not in text(client, elsewhere.get_absolute_url())
        assert "Quietly changed" not in text(client, "/authors/lee-chan/")


def test_while_one_reader_renders_a_changed_page_the_others_wait_for_it(
    client, story, monkeypatch
):
    """No stampede, and no stale copy: a reader who finds another rendering the
    page waits for that render and is served it."""
    url = story.get_absolute_url()
    warm(client, [url])
    key = page_cache.page_key(RequestFactory(headers={"Host": "testserver"}).get(url))
    cache.add(page_cache.LOCK_PREFIX + key, 1, 5)  # another reader renders it
    story.headline = "Council passes the harbor budget, 7-2"
    story.save()

    def the_other_reader_finishes():
        cache.delete(page_cache.LOCK_PREFIX + key)
        Client().get(url)  # renders and caches it, with the lock of its own

    rendered_by_another, waits = [], page_cache._wait_for_render

    def wait_while_another_renders(key):
        the_other_reader_finishes()
        found = waits(key)
        rendered_by_another.append(found is not None)
        return found

    monkeypatch.setattr(page_cache, "_wait_for_render", wait_while_another_renders)
    response = client.get(url)

    assert "7-2" in response.content.decode()
    assert rendered_by_another == [True]


def test_a_reader_waits_only_so_long_for_another_render(client, story, monkeypatch):
    """A renderer that never finishes delays a reader a moment, never serves it an
    old page."""
    monkeypatch.setattr(page_cache, "RENDER_WAIT_SECONDS", 0.05)
    url = story.get_absolute_url()
    warm(client, [url])
    key = page_cache.page_key(RequestFactory(headers={"Host": "testserver"}).get(url))
    cache.add(page_cache.LOCK_PREFIX + key, 1, 5)  # held, and never let go

    story.headline = "Council passes the harbor budget, 7-2"
    story.save()

    assert "7-2" in text(client, url)


def test_a_story_taken_down_leaves_every_page_at_once(client, story):
    url = story.get_absolute_url()
    other = make_article(primary_category=story.primary_category)
    warm(client, ["/", other.get_absolute_url()])

    story.status = Article.Status.UNPUBLISHED
    story.save()

    assert url not in text(client, "/")
    assert url not in text(client, other.get_absolute_url())  # its related stories


def test_a_taken_down_storys_404_is_kept_until_it_is_published_again(
    client, story, django_assert_num_queries
):
    """Readers follow old links to a story taken down all day: its 404 is cached
    like a page (no query), and publishing it again brings the page back at once.
    An id naming no story answers exactly the same way: a draft's id cannot be told
    from a free one, nor when the draft was last saved."""
    url = story.get_absolute_url()
    story.status = Article.Status.DRAFT
    story.save()
    first = client.get(url)
    assert first.status_code == 404
    assert dependencies.story(story.pk) in first["Surrogate-Key"].split()
    with django_assert_num_queries(0):
        again = client.get(url)
    assert again.status_code == 404 and again.content == first.content
    assert "Council passes" not in again.content.decode()

    story.status = Article.Status.PUBLISHED
    story.save()
    assert "Council passes the harbor budget" in text(client, url)

    assert "Last-Modified" not in first

    missing = client.get(url.replace(f"/{story.pk}/", f"/{story.pk + 1000}/"))
    assert missing.status_code == 404
    assert missing.content == first.content
    assert missing["Cache-Control"] == first["Cache-Control"]
    assert "Last-Modified" not in missing


def test_a_public_page_names_what_it_shows_for_the_edge(client, story, settings):
    response = client.get(story.get_absolute_url())
    sent = set(response["Surrogate-Key"].split())
    byline = story.bylines.get()
    assert {
        "site",
        "nav",
        dependencies.story(story.pk),
        dependencies.author(byline.author_id),
        dependencies.section(story.primary_category_id),
        dependencies.image(story.lead_image_id),
        *(dependencies.tag(t.pk) for t in story.tags.all()),
    } <= sent
    home = set(client.get("/")["Surrogate-Key"].split())
    assert {dependencies.HOME, dependencies.card(story.pk)} <= home

    settings.NEWSROOM_SURROGATE_KEY_HEADER = "Cache-Tag"  # Cloudflare's, commas
    assert dependencies.HOME in client.get("/?page=1")["Cache-Tag"].split(", ")


def in_another_thread(fetch):
    """What `fetch()` returns when run by another reader, on a connection of its own
    (outside this test's transaction)."""
    found = {}

    def run():
        try:
            found["content"] = fetch()
        finally:
            connection.close()

    reader = threading.Thread(target=run)
    reader.start()
    return reader, found


@pytest.mark.django_db(transaction=True)
def test_a_page_rendered_before_a_publish_commits_is_not_served_after_it():
    section = make_category(name="Politics", slug="politics", is_in_navigation=True)
    scoop = make_article(headline="Fresh scoop", primary_category=section)
    scoop.status = Article.Status.DRAFT
    scoop.save()
    assert b"Fresh scoop" not in Client().get("/").content
    with transaction.atomic():
        scoop.status = Article.Status.PUBLISHED
        scoop.save()
        # Readers in between see (and keep) the home page as it was before the commit.
        for _ in range(2):
            reader, found = in_another_thread(lambda: Client().get("/").content)
            reader.join()
            assert b"Fresh scoop" not in found["content"]
    assert b"Fresh scoop" in Client().get("/").content


@pytest.mark.django_db(transaction=True)
def test_a_slow_reader_caching_its_page_after_a_publish_does_not_hide_it(
    monkeypatch,
):
    section = make_category(name="Politics", slug="politics", is_in_navigation=True)
    scoop = make_article(headline="Fresh scoop", primary_category=section)
    scoop.status = Article.Status.DRAFT
    scoop.save()
    Client().get("/")
    rendered, carry_on = threading.Event(), threading.Event()
    store = page_cache._store

    def store_slowly(*args):
        rendered.set()
        carry_on.wait(10)
        return store(*args)

    monkeypatch.setattr(page_cache, "_store", store_slowly)
    page_cache.bump([dependencies.HOME])  # the home page is rendered afresh next
    reader, found = in_another_thread(lambda: Client().get("/").content)
    rendered.wait(10)  # rendered before the publish; cached after it commits
    scoop.status = Article.Status.PUBLISHED
    scoop.save()
    carry_on.set()
    reader.join()
    assert b"Fresh scoop" not in found["content"]
    monkeypatch.setattr(page_cache, "_store", store)
    assert b"Fresh scoop" in Client().get("/").content


def test_a_cached_page_is_answered_before_its_policies_are_built(
    client, story, monkeypatch
):
    """The Content-Security-Policy is kept with the page, not built again for each
    reader: a cached page carries the story page's own policy (its embeds'
    origins), and no policy is built to answer it."""
    from newsroom.content_security import ContentSecurityPolicy

    built = []
    parts = ContentSecurityPolicy.get_policy_parts

    def counted(self, *args, **kwargs):
        built.append(True)
        return parts(self, *args, **kwargs)

    monkeypatch.setattr(ContentSecurityPolicy, "get_policy_parts", counted)
    url = story.get_absolute_url()
    fresh = client.get(url)
    assert built
    built.clear()
    cached = client.get(url)
    assert not hasattr(cached.wsgi_request, "session")  # from the cache
    assert built == []
    assert cached["Content-Security-Policy"] == fresh["Content-Security-Policy"]
    assert "https://www.youtube.com" in cached["Content-Security-Policy"]  # embeds
    home = client.get("/")
    assert home["Content-Security-Policy"] != cached["Content-Security-Policy"]


def test_a_page_rendered_again_for_a_revalidation_is_kept(
    client, story, django_assert_num_queries
):
    """After a change, a browser or CDN asking "still this one?" is answered 304
    when the page came out the same, and the page rendered for it is kept, with its
    policies: the next reader is answered from the cache."""
    url = story.get_absolute_url()
    first = client.get(url)
    story.save()  # a save that changes nothing readers see: the page renders again
    revalidated = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert revalidated.status_code == 304
    with django_assert_num_queries(0):
        cached = client.get(url)
    assert cached.content == first.content
    assert cached["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_a_cached_page_carries_the_headers_of_a_fresh_one(client, story):
    """Security headers, validators, lifetimes and the length: a reader cannot tell
    a cached page from one rendered for them."""
    for path in pages_of(story):
        fresh = client.get(path)
        cached = client.get(path)
        assert not hasattr(cached.wsgi_request, "session"), path  # it was cached
        assert dict(cached.headers) == dict(fresh.headers), path
        assert cached["Content-Length"] == str(len(cached.content)), path


@pytest.fixture
def redis_backend():
    """A FailOpenRedisCache of the test's own, on the Redis the servers test uses."""
    from .test_page_cache_servers import REDIS_URL

    backend = redis_cache.FailOpenRedisCache(
        REDIS_URL, {"KEY_PREFIX": f"cached-test-{uuid.uuid4().hex[:8]}"}
    )
    try:
        backend.client.get_client().ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"No Redis at {REDIS_URL}")
    yield backend
    backend.delete_many(["n", "state", "page", "a key with spaces", "kept", "new"])


def test_the_redis_cache_reads_back_what_it_stored(redis_backend):
    page = {"state": (7, 1.5, 0, 3), "content": b"<p>\x80</p>", "headers": {}}
    redis_backend.set("n", 41)
    redis_backend.set("page", page)
    redis_backend.set("state", (7, 1.5, 0, 3))

    assert redis_backend.incr("n") == 42
    assert redis_backend.get_many(["n", "state", "page"]) == {
        "n": 42,
        "state": (7, 1.5, 0, 3),
        "page": page,
    }


def test_setdefault_many_gives_a_value_only_to_keys_that_held_none(redis_backend):
    """How a page's versions are read after it is rendered: those never given one
    are given the sequence read before the render, those a change gave one keep it."""
    redis_backend.set("kept", 41)

    assert redis_backend.setdefault_many(["kept", "new"], 7, 60) == {
        "kept": 41,
        "new": 7,
    }
    assert redis_backend.get_many(["kept", "new"]) == {"kept": 41, "new": 7}
    assert 0 < redis_backend.ttl("new") <= 60


def test_setdefault_many_keeps_for_good_without_a_timeout(redis_backend):
    assert redis_backend.setdefault_many(["always"], 7, None) == {"always": 7}
    assert redis_backend.ttl("always") is None


def test_setdefault_many_answers_nothing_while_redis_is_down(monkeypatch):
    monkeypatch.setattr(redis_cache, "_down_until", 0.0)
    backend = redis_cache.FailOpenRedisCache(
        f"redis://127.0.0.1:{free_port()}/0",
        {"OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1}},
    )
    assert backend.setdefault_many(["a", "b"], 7, 60) == {}


def test_the_redis_cache_takes_keys_memcached_would_not(redis_backend):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        redis_backend.set("a key with spaces", 1)
        assert redis_backend.get("a key with spaces") == 1
