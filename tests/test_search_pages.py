"""Kept searches forgotten by what they find (readers/search_pages.py): on PostgreSQL
with Redis, a change to a story reaches the kept searches it joins, leaves or moves
in, and the pages showing it, and leaves every other kept search as it was; on other
databases, every kept search."""

import threading
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.utils import timezone

from articles.models import Article
from delivery import page_cache, redis_cache
from delivery.models import Invalidation
from readers import dependencies, search_pages

from .factories import make_article
from .services import RedisServer, free_port, redis_caches
from .test_copy_publish_times import Editor
from .test_page_cache import text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pages_cached")]

HARBOR, FERRY = "/search/?q=harbor", "/search/?q=ferry"
SECOND_PAGE = HARBOR + "&page=2"


def matched_one_by_one():
    return connection.vendor == "postgresql"


@pytest.fixture
def redis_server(tmp_path, settings, monkeypatch):
    """Pages cached in a Redis of the test's own, as in production."""
    server = RedisServer(tmp_path).start()
    monkeypatch.setattr(redis_cache, "_down_until", 0.0)
    settings.CACHES = redis_caches(server.url)
    yield server
    server.stop()


@pytest.fixture
def harbor():
    return make_article(headline="Council passes the harbor budget")


@pytest.fixture
def ferry():
    return make_article(headline="Ferry timetable changes")


def kept(client, path):
    """The page at `path`, asked for until the page cache keeps it (a search's page
    is kept from its second asking)."""
    first = text(client, path)
    assert text(client, path) == first
    return first


def quietly_retitle(story, headline):
    """A change no signal tells the cache of: a page rendered again shows it, a
    page kept does not."""
    Article.objects.filter(pk=story.pk).update(headline=headline)


def kept_still(client, path):
    """Whether the page at `path` is still the one kept before a story was quietly
    retitled (quietly_retitle)."""
    return "Quietly retitled" not in text(client, path)


def test_a_new_headline_reaches_the_searches_finding_it_and_no_other(
    client, redis_server, harbor, ferry
):
    kept(client, HARBOR), kept(client, FERRY)
    quietly_retitle(harbor, "Quietly retitled harbor budget")
    ferry.headline = "Ferry timetable changes again"
    ferry.save()
    assert "Ferry timetable changes again" in text(client, FERRY)
    assert kept_still(client, HARBOR) == matched_one_by_one()


@pytest.mark.parametrize(
    "body, shown",
    [
        # Found by its body alone, which no card shows: only the story as it was
        # (its old document) finds the search.
        ("The quayside dues rise by a tenth.", "No stories matched"),
        # Still found: its snippet is cut from the body as it is now.
        ("The harbor dues rise by a fifth.", "rise by a fifth"),
    ],
)
def test_a_new_body_reaches_the_searches_finding_it(client, redis_server, body, shown):
    story = make_article(
        headline="Council agrees a budget",
        body="<p>The harbor dues rise by a tenth.</p>",
    )
    assert "rise by a tenth" in kept(client, HARBOR)
    story.body = f"<p>{body}</p>"
    story.save()
    assert shown in text(client, HARBOR)


@pytest.fixture
def harbor_works():
    """Eleven stories found by "harbor", newest first: the oldest is on the second
    page only."""
    return [make_article(headline=f"Harbor works, part {n}") for n in range(11)]


def an_edit_found_and_not_shown(client, works):
    """Keep the first page of "harbor", retitle a story on it quietly, and edit the
    oldest (on the second page) so that "harbor" ranks it as before; its id."""
    first = kept(client, HARBOR)
    assert "part 0" in first and "part 10" not in first
    quietly_retitle(works[0], "Quietly retitled harbor works")
    oldest = works[10]
    oldest.dek = "The cranes arrive on Monday."
    oldest.save()
    return oldest.pk


def test_an_edit_that_leaves_a_story_where_it_was_reaches_only_the_pages_showing_it(
    client, redis_server, harbor_works
):
    assert "The dek of story" in kept(client, SECOND_PAGE)
    edited = an_edit_found_and_not_shown(client, harbor_works)
    purged = Invalidation.objects.filter(changed__isnull=False).latest("pk").keys
    assert dependencies.card(edited) in purged.split()
    if matched_one_by_one():
        assert dependencies.search("harbor") not in purged.split()
    assert kept_still(client, HARBOR) == matched_one_by_one()
    # Where it is shown, its own keys reach the page.
    assert "The cranes arrive on Monday." in text(client, SECOND_PAGE)


@pytest.mark.parametrize("limit", ["MAX_EDITS", "MAX_RERANKED"])
def test_past_the_limits_an_edit_reaches_every_search_finding_it(
    client, redis_server, monkeypatch, harbor_works, limit
):
    monkeypatch.setattr(search_pages, limit, 0)
    an_edit_found_and_not_shown(client, harbor_works)
    assert not kept_still(client, HARBOR)


def cranes_arrive(headline):
    """Ten stories with "harbor" in their headlines, and the newest, found by its
    body: first with "harbor" in its `headline`, on the second page without."""
    for n in range(10):
        make_article(headline=f"Harbor works, part {n}")
    return make_article(
        headline=headline,
        body="<p>The harbor cranes arrive.</p>",
        published_at=timezone.now(),
    ).pk


def retitle(story_id, headline):
    story = Article.objects.get(pk=story_id)
    story.headline = headline
    story.save()


def test_an_edit_that_moves_a_story_up_a_search_reaches_it(client, redis_server):
    newest = cranes_arrive("Cranes arrive")
    assert "Cranes arrive" not in kept(client, HARBOR)
    retitle(newest, "Harbor cranes arrive")
    assert "Harbor cranes arrive" in text(client, HARBOR)


def test_an_edit_that_moves_a_story_down_a_search_reaches_it(client, redis_server):
    newest = cranes_arrive("Harbor cranes arrive")
    assert "cranes arrive" not in kept(client, SECOND_PAGE)
    retitle(newest, "Cranes arrive")
    assert "Cranes arrive" in text(client, SECOND_PAGE)


@pytest.mark.django_db(transaction=True)
def test_an_edit_waiting_for_another_reaches_the_pages_rendered_between_them(
    client, redis_server
):
    """Two editors retitle a story at once, the second back to what it was: it
    waits for the first (PostgreSQL's lock on the row; SQLite lets one writer in at
    a time), and its change is reckoned from the first's, which readers may have
    been shown meanwhile."""
    newest = cranes_arrive("Cranes arrive")
    first_commits, second_commits = threading.Event(), threading.Event()
    try:
        first = Editor(
            lambda: retitle(newest, "Harbor cranes arrive"), then=first_commits
        )
        assert first.done.wait(10)
        second = Editor(lambda: retitle(newest, "Cranes arrive"), then=second_commits)
        second.done.wait(0.5)  # it has read the story, or waits to
        first_commits.set()
        first.finish()
        assert second.done.wait(10)
        # Between the two commits: first on the first page, off the second.
        assert "cranes arrive" not in kept(client, SECOND_PAGE)
    finally:
        first_commits.set()
        second_commits.set()
    second.finish()
    assert "Cranes arrive" in text(client, SECOND_PAGE)


def test_an_edit_is_written_down_so_that_earlier_code_matches_it_as_any_change():
    # An app server not yet running this code may apply it (a rolling deploy):
    # it finds what story_changed wrote, and forgets every search finding it.
    edited = search_pages.story_edited(7, "'harbor':1", "'harbor':1A")
    assert edited.items() >= search_pages.story_changed(7, "'harbor':1").items()


@pytest.mark.parametrize("how", ["published", "unpublished", "deleted"])
def test_a_story_published_or_taken_down_reaches_the_searches_finding_it(
    client, redis_server, harbor, ferry, how
):
    draft = make_article(headline="Harbor cranes return", status=Article.Status.DRAFT)
    kept(client, HARBOR), kept(client, FERRY)
    quietly_retitle(ferry, "Quietly retitled ferry timetable")
    if how == "published":
        draft.status = Article.Status.PUBLISHED
        draft.published_at = timezone.now()
        draft.save()
        assert "Harbor cranes return" in text(client, HARBOR)
    elif how == "unpublished":
        harbor.status = Article.Status.UNPUBLISHED
        harbor.save()
        assert "No stories matched" in text(client, HARBOR)
    else:
        harbor.delete()
        assert "No stories matched" in text(client, HARBOR)
    # None of it is found by "ferry": its kept page stays.
    assert kept_still(client, FERRY) == matched_one_by_one()


def test_tags_set_again_as_they_were_reach_no_search(
    client, redis_server, harbor, ferry
):
    # As the story form does at every save.
    ferry.tags.set(["ferries"])
    kept(client, HARBOR), kept(client, FERRY)
    quietly_retitle(harbor, "Quietly retitled harbor budget")
    ferry.tags.set(["ferries"])
    assert kept_still(client, HARBOR)


def test_hostile_queries_written_down_leave_the_matching_sound(
    client, redis_server, harbor, ferry
):
    # Each goes to Redis as it is, and to PostgreSQL as a parameter of the match.
    for query in ["'); DROP TABLE x; --", 'a & b | !c "open', "::* <-> (((", "日本 \\"]:
        path = f"/search/?{urlencode({'q': query})}"
        assert client.get(path).status_code == 200
        assert client.get(path).status_code == 200
    kept(client, HARBOR), kept(client, FERRY)
    quietly_retitle(harbor, "Quietly retitled harbor budget")
    ferry.headline = "Ferry timetable changes again"
    ferry.save()
    assert "Ferry timetable changes again" in text(client, FERRY)
    # Matched one by one still: no query made the match fail over to every search.
    assert kept_still(client, HARBOR) == matched_one_by_one()


def test_the_edge_is_told_the_searches_a_change_reaches(
    client, redis_server, harbor, ferry
):
    kept(client, HARBOR), kept(client, FERRY)
    response = client.get(FERRY)
    assert dependencies.search("ferry") in response["Surrogate-Key"].split()
    ferry.headline = "Timetable changes"  # no longer found by "ferry"
    ferry.save()
    purged = Invalidation.objects.filter(changed__isnull=False).latest("pk").keys
    purged = purged.split()
    if matched_one_by_one():
        assert dependencies.search("ferry") in purged
        assert dependencies.search("harbor") not in purged
        assert dependencies.SEARCHES not in purged
    else:
        assert dependencies.SEARCHES in purged


def test_a_register_lost_with_redis_forgets_every_search(
    client, redis_server, harbor, ferry
):
    kept(client, HARBOR), kept(client, FERRY)
    quietly_retitle(harbor, "Quietly retitled harbor budget")
    # Redis emptied takes the pages with it: here the register alone goes.
    redis_server.client().delete(page_cache.cache.make_key(search_pages.REGISTER))
    ferry.headline = "Ferry timetable changes again"
    ferry.save()
    assert not kept_still(client, HARBOR)
    # The register is begun again: the next change is matched one by one again.
    kept(client, HARBOR)
    quietly_retitle(harbor, "Council passes the harbor budget twice")
    ferry.headline = "Ferry timetable changes once more"
    ferry.save()
    assert ("twice" in text(client, HARBOR)) != matched_one_by_one()


def test_a_full_register_forgets_every_search(
    client, redis_server, monkeypatch, harbor, ferry
):
    monkeypatch.setattr(search_pages, "MAX_MATCHED", 1)
    kept(client, HARBOR)
    kept(client, FERRY)  # not written down: the register is full
    quietly_retitle(harbor, "Quietly retitled harbor budget")
    ferry.headline = "Ferry timetable changes again"
    ferry.save()
    assert "Ferry timetable changes again" in text(client, FERRY)
    assert not kept_still(client, HARBOR)
    if matched_one_by_one():  # the mark and one search, however many are asked
        register = page_cache.cache.make_key(search_pages.REGISTER)
        assert redis_server.client().zcard(register) == 2


def test_a_search_that_cannot_be_written_down_is_kept_by_no_cache(
    client, settings, monkeypatch, harbor
):
    monkeypatch.setattr(redis_cache, "_down_until", 0.0)
    settings.CACHES = redis_caches(f"redis://127.0.0.1:{free_port()}/0")
    response = client.get(HARBOR)
    assert "Council passes the harbor budget" in response.content.decode()
    # Elsewhere every search is forgotten with any change: no need to write it down.
    assert ("private" in response["Cache-Control"]) == matched_one_by_one()
