"""A story page's links block is rendered again alone when only what it links to
changed (delivery/fragments.py, readers/story_links.py): the rest of the kept page
is kept, and what readers get is the page a whole render would give them."""

from datetime import timedelta

import lxml.html
import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from articles.workflow import transition
from delivery import fragments, page_cache
from readers import story_links

from .factories import make_article, make_author, make_category
from .test_cached_pages_first import wsgi

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pages_cached")]

# The links' one query, and the outbox's two should the state be due its check.
LINKS_ALONE = 3


@pytest.fixture
def linked():
    """(a story, a story of the same author whose page links to it)."""
    politics = make_category(name="Politics", slug="politics")
    maya = make_author(name="Maya Okafor", slug="maya-okafor")
    earlier = timezone.now() - timedelta(hours=2)
    story = make_article(
        headline="Council passes the harbor budget",
        primary_category=politics,
        authors=[maya],
        tags=["harbor"],
        published_at=earlier,
    )
    page = make_article(
        headline="Harbor dredging starts",
        primary_category=politics,
        authors=[maya],
        published_at=earlier + timedelta(minutes=30),
    )
    return story, page


def text(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def test_a_new_headline_on_a_linked_story_renders_the_links_alone(
    client, linked, django_assert_max_num_queries
):
    story, page = linked
    url = page.get_absolute_url()
    assert "Council passes the harbor budget<" in text(client, url)  # "More from"
    # Changed behind the signals' back: shows only if the page is rendered whole.
    Article.objects.filter(pk=page.pk).update(dek="Quietly changed")

    story.headline = "Council passes the harbor budget, 7-2"
    story.save()

    with django_assert_max_num_queries(LINKS_ALONE):
        shown = text(client, url)
    assert "harbor budget, 7-2" in shown
    assert "Quietly changed" not in shown


def test_pages_linking_to_a_changed_story_read_it_once_between_them(
    client, linked, django_assert_num_queries
):
    """The link is read from the database by the first page rendering its links
    again and kept for the others: no query of theirs for content."""
    story, page = linked
    maya = page.bylines.get().author
    others = [
        make_article(
            authors=[maya],
            primary_category=page.primary_category,
            published_at=page.published_at - timedelta(minutes=minutes),
        )
        for minutes in (5, 10)
    ]
    urls = [page.get_absolute_url(), *(other.get_absolute_url() for other in others)]
    for url in urls:
        assert "Council passes the harbor budget<" in text(client, url)

    # Each page links to the others too: the first change reads each link once.
    story.headline = "Council passes the harbor budget, 7-2"
    story.save()
    for url in urls:
        assert "harbor budget, 7-2<" in text(client, url)

    story.headline = "Council passes the harbor budget, 7 to 2"
    story.save()

    with django_assert_num_queries(1):  # the story's link (and nothing else)
        assert "harbor budget, 7 to 2<" in text(client, urls[0])
    for url in urls[1:]:
        with django_assert_num_queries(0):
            assert "harbor budget, 7 to 2<" in text(client, url)


def test_her_older_stories_listed_as_related_are_kept_there(client, linked):
    """More than three of hers: the older ones are related (same section), and a
    new headline on one is rendered from the choice kept with the page."""
    story, page = linked
    maya = page.bylines.get().author
    for minutes in (5, 10, 15):
        make_article(
            authors=[maya],
            primary_category=page.primary_category,
            published_at=page.published_at + timedelta(minutes=minutes),
        )
    url = page.get_absolute_url()
    related = lxml.html.fromstring(text(client, url)).cssselect(
        '[aria-labelledby="related-heading"] a'
    )
    assert story.headline in [a.text for a in related]

    story.headline = "Council passes the harbor budget, 7-2"
    story.save()

    with CaptureQueriesContext(connection) as queries:
        assert "harbor budget, 7-2<" in text(client, url)
    assert [query["sql"].count("linked.headline") for query in queries] == [1]


def test_a_linked_story_no_longer_hers_leaves_more_from(client, linked):
    """A story listed under "More from" whose byline went to someone else is no
    longer listed there once its links are rendered again: they are chosen again."""
    story, page = linked
    url = page.get_absolute_url()
    heading = 'id="more-from-heading"'
    assert heading in text(client, url)

    byline = story.bylines.get()
    byline.author = make_author(name="Someone Else")
    byline.save()

    shown = text(client, url)
    assert heading not in shown  # nothing else of hers to list
    assert "Council passes the harbor budget<" in shown  # related now: same section


def test_the_page_with_its_links_rendered_again_is_the_whole_render(client, linked):
    story, page = linked
    url = page.get_absolute_url()
    client.get(url)
    story.headline = "Council passes the harbor budget, 7-2"
    story.save()

    renewed = client.get(url)
    cache.clear()
    whole = client.get(url)

    assert renewed.content == whole.content
    assert renewed["ETag"] == whole["ETag"]
    assert int(renewed["Content-Length"]) == len(renewed.content)
    assert b"<!--fragment" not in renewed.content
    # Kept so: the next reader is answered from the cache, and a browser holding
    # the page is told it has it.
    assert client.get(url).content == whole.content
    assert client.get(url, HTTP_IF_NONE_MATCH=renewed["ETag"]).status_code == 304


def test_a_linked_story_taken_down_leaves_the_links_at_once(
    client, linked, people, django_assert_max_num_queries
):
    story, page = linked
    url = page.get_absolute_url()
    assert story.get_absolute_url() in text(client, url)
    Article.objects.filter(pk=page.pk).update(dek="Quietly changed")

    transition(
        story, Article.Status.UNPUBLISHED, by=people["editor"], comment="Taken down."
    )

    with django_assert_max_num_queries(LINKS_ALONE):
        shown = text(client, url)
    assert story.get_absolute_url() not in shown
    assert "Quietly changed" not in shown


def test_pages_linking_to_a_story_taken_down_leave_it_out_without_choosing_again(
    client, linked, people
):
    """The newest story of a section is linked from nearly every page of it: taken
    down, it leaves each of them at once, for one read of its link between them,
    and the others they list stay in their places (what would fill its place waits
    for each page's next whole render)."""
    story, page = linked
    maya = page.bylines.get().author
    others = [
        make_article(
            headline=f"Older harbor story {minutes}",
            authors=[maya],
            primary_category=page.primary_category,
            published_at=story.published_at - timedelta(minutes=minutes),
        )
        for minutes in (5, 10)
    ]
    urls = [page.get_absolute_url(), others[0].get_absolute_url()]
    for url in urls:
        assert story.get_absolute_url() in text(client, url)

    transition(
        story, Article.Status.UNPUBLISHED, by=people["editor"], comment="Taken down."
    )

    with CaptureQueriesContext(connection) as queries:
        shown = [text(client, url) for url in urls]
    # The links not kept yet, read (its own once); no choice made again.
    assert len(queries) <= len(urls)
    assert not [query for query in queries if "part.mark" in query["sql"]]
    for html in shown:
        assert story.get_absolute_url() not in html
    assert "Older harbor story 5<" in shown[0]
    assert "Older harbor story 10<" in shown[0]


def test_a_change_to_the_story_itself_renders_its_page_whole(client, linked):
    _story, page = linked
    url = page.get_absolute_url()
    client.get(url)
    Article.objects.filter(pk=page.pk).update(dek="Quietly changed")

    page.refresh_from_db()
    page.headline = "Harbor dredging starts on Monday"
    page.save()

    shown = text(client, url)
    assert "Harbor dredging starts on Monday" in shown
    assert "Quietly changed" in shown


def test_a_page_kept_as_long_as_a_page_may_be_is_rendered_whole(
    client, linked, settings
):
    """Links rendered again do not keep the rest of the page for ever: templates
    and policies a deploy changes reach it as they reach any kept page."""
    story, page = linked
    url = page.get_absolute_url()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.get(url)
    with time_machine.travel(start + timedelta(seconds=400), tick=False):
        story.headline = "Council passes the harbor budget, 7-2"
        story.save()
        Article.objects.filter(pk=page.pk).update(dek="Quietly changed")
        assert "Quietly changed" not in text(client, url)  # the links alone
    with time_machine.travel(
        start + timedelta(seconds=settings.NEWSROOM_PAGE_CACHE_SECONDS + 1), tick=False
    ):
        story.headline = "Council passes the harbor budget, 7 to 2"
        story.save()
        shown = text(client, url)
    assert "7 to 2" in shown
    assert "Quietly changed" in shown


def kept_for(response):
    """(max-age, s-maxage) of a page's Cache-Control."""
    control = dict(
        part.strip().split("=") for part in response["Cache-Control"].split(",")[1:]
    )
    return int(control["max-age"]), int(control["s-maxage"])


def test_no_cache_keeps_a_story_page_past_its_next_whole_render(
    client, linked, settings, handler_runs
):
    """A story published since a page was rendered whole reaches its links at the
    next whole render: browsers and the edge are told to keep the page no longer
    than that, so that it lags behind the archive no more there than in the app."""
    settings.NEWSROOM_SHARED_CACHE_SECONDS = 3600  # longer than the app keeps it
    story, page = linked
    url = page.get_absolute_url()
    seconds = settings.NEWSROOM_PAGE_CACHE_SECONDS
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert kept_for(client.get(url)) == (60, 600)  # rendered whole
        client.get("/")
    with time_machine.travel(start + timedelta(seconds=seconds - 100), tick=False):
        page_cache._record_state()  # as Redis keeps it all day
        assert kept_for(client.get(url)) == (60, 100)
        assert kept_for(wsgi(url)[1]) == (60, 100)
        assert handler_runs == []  # answered before Django's handler
        again = client.get(url, headers={"If-None-Match": client.get(url)["ETag"]})
        assert (again.status_code, kept_for(again)) == (304, (60, 100))
        # A page every change reaches is kept as long as the edge is told.
        assert kept_for(client.get("/")) == (60, 3600)
        story.headline = "Council passes the harbor budget, 7-2"
        story.save()
        assert kept_for(client.get(url)) == (60, 100)  # the links alone
    with time_machine.travel(start + timedelta(seconds=seconds - 40), tick=False):
        page_cache._record_state()
        assert kept_for(client.get(url)) == (40, 40)


def test_staff_and_previews_get_the_links_without_marks(client, linked, people):
    _story, page = linked
    client.force_login(people["editor"])
    shown = text(client, page.get_absolute_url())
    assert "Council passes the harbor budget<" in shown
    assert "<!--fragment" not in shown


def test_the_rest_of_a_page_is_kept_no_longer_than_a_whole_page(
    client, linked, settings
):
    """Links rendered again just before the page's time runs out do not keep the
    rest of it for another while."""
    story, page = linked
    url = page.get_absolute_url()
    seconds = settings.NEWSROOM_PAGE_CACHE_SECONDS
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.get(url)
    Article.objects.filter(pk=page.pk).update(dek="Quietly changed")
    with time_machine.travel(start + timedelta(seconds=seconds - 10), tick=False):
        story.headline = "Council passes the harbor budget, 7-2"
        story.save()
        assert "Quietly changed" not in text(client, url)  # the links alone
    with time_machine.travel(start + timedelta(seconds=seconds + 1), tick=False):
        # The state as Redis keeps it all day (the tests' cache keeps it a minute).
        page_cache._record_state()
        assert "Quietly changed" in text(client, url)


def test_links_that_cannot_be_rendered_alone_are_rendered_with_the_page(
    client, linked, caplog
):
    """A page kept by another version of the code, whose links block took other
    arguments, is rendered whole rather than failing."""
    story, page = linked
    url = page.get_absolute_url()
    client.get(url)
    key = page_cache.page_key(RequestFactory().get(url))
    entry = cache.get(key)
    for placed in entry["layout"]["fragments"]:
        del placed[1]["tags"]
    cache.set(key, entry)
    story.headline = "Council passes the harbor budget, 7-2"
    story.save()

    with caplog.at_level("ERROR"):
        assert "harbor budget, 7-2" in text(client, url)
    assert "Could not render the fragment" in caplog.text


def test_a_fragment_shown_twice_leaves_the_others_where_they_are():
    twice = fragments.Placed("a", {}, frozenset(), "<!--a-->")
    once = fragments.Placed("b", {}, frozenset(), "<!--b-->")
    content = b"<p><!--a-->A<!--a--><!--a-->A<!--a--></p><!--b--><i>B</i><!--b-->"

    cut, apart = fragments.cut(content, [twice, once])

    assert cut == b"<p>AA</p><i>B</i>"
    assert [(one.name, cut[one.start : one.end]) for one in apart] == [
        ("b", b"<i>B</i>")
    ]


def test_a_kept_link_is_public_exactly_when_the_orm_says_so():
    """Linked.is_public, which decides whether a kept link is still shown, says
    what Article.objects.published() says, at the edges of the times too."""
    now = timezone.now()
    edges = [now - timedelta(microseconds=1), now, now + timedelta(microseconds=1)]
    ids = []
    for status in Article.Status:
        for published_at in edges:
            # (The database refuses a take-down time before the publish time.)
            for expires_at in [None, *(e for e in edges if e > published_at)]:
                story = make_article(status=status, published_at=published_at)
                Article.objects.filter(pk=story.pk).update(expires_at=expires_at)
                ids.append(story.pk)

    with time_machine.travel(now, tick=False):
        public = set(
            Article.objects.published().filter(pk__in=ids).values_list("pk", flat=True)
        )
        linked = story_links._read(ids)
        assert {pk for pk, one in linked.items() if one.is_public(now)} == public
    assert public  # (some are)
