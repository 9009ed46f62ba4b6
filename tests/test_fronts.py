"""Front pages as readers see them: the lead, top stories and packages editors
arranged above the river, only ever public stories, fresh through the page cache."""

from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone

from articles.models import Article

from .factories import make_article, make_author, make_category, make_image
from .fronts_helpers import arrange, read_front

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pages_cached")]


@pytest.fixture
def stories():
    """Six public stories, "Story 1" the newest."""
    now = timezone.now()
    return [
        make_article(headline=f"Story {n}", published_at=now - timedelta(hours=n))
        for n in range(1, 7)
    ]


def test_the_home_page_shows_the_arranged_front_above_the_river(client, stories):
    arrange(
        lead=stories[3],
        top=[stories[4]],
        packages={"Election 2026": [stories[5], stories[1], stories[2]]},
    )
    seen = read_front(client.get("/"))
    assert seen["lead"] == "Story 4"
    assert seen["top"] == ["Story 5"]
    assert seen["packages"] == [("Election 2026", ["Story 6", "Story 2", "Story 3"])]
    # The river: what is left, newest first, nothing shown twice.
    assert seen["river"] == ["Story 1"]


def test_the_river_never_repeats_a_story_shown_in_a_slot(client, settings, stories):
    settings.NEWSROOM_STORIES_PER_PAGE = 2
    arrange(lead=stories[2], top=[stories[0]])
    first = read_front(client.get("/"))
    older = read_front(client.get("/?page=2"))
    assert first["river"] == ["Story 2", "Story 4"]
    assert older["river"] == ["Story 5", "Story 6"]
    river = first["river"] + older["river"]
    assert not {"Story 1", "Story 3"} & set(river)
    assert len(river) == len(set(river))


def test_unpublishing_the_lead_removes_it_from_the_front_at_once(client, stories):
    arrange(lead=stories[3], top=[stories[4]])
    assert read_front(client.get("/"))["lead"] == "Story 4"  # now cached
    stories[3].status = Article.Status.UNPUBLISHED
    stories[3].save()

    seen = read_front(client.get("/"))
    # The empty lead slot takes the river's newest story.
    assert seen["lead"] == "Story 1"
    assert seen["top"] == ["Story 5"]
    assert "Story 4" not in client.get("/").content.decode()


@pytest.mark.parametrize("how", ["later", "delete"])
def test_a_story_rescheduled_or_deleted_leaves_every_slot(client, stories, how):
    arrange(top=[stories[4]], packages={"Harbor": [stories[5], stories[2]]})
    read_front(client.get("/"))
    if how == "later":
        stories[5].published_at = timezone.now() + timedelta(days=1)
        stories[5].save()
    else:
        stories[5].delete()
    seen = read_front(client.get("/"))
    assert seen["packages"] == [("Harbor", ["Story 3"])]
    assert "Story 6" not in client.get("/").content.decode()


def test_an_empty_top_slot_takes_the_rivers_newest_story(client, stories):
    arrange(lead=stories[3], top=[stories[4], stories[5]])
    stories[4].status = Article.Status.UNPUBLISHED
    stories[4].save()
    seen = read_front(client.get("/"))
    assert seen["top"] == ["Story 1", "Story 6"]
    assert seen["river"] == ["Story 2", "Story 3"]


def test_a_package_with_no_public_story_left_is_not_shown(client, stories):
    arrange(lead=stories[0], packages={"Ferries": [stories[5]]})
    read_front(client.get("/"))
    stories[5].status = Article.Status.DRAFT
    stories[5].save()
    assert read_front(client.get("/"))["packages"] == []


def test_an_arrangement_with_no_slots_leaves_the_plain_river(client, stories):
    arrange()
    seen = read_front(client.get("/"))
    assert seen["lead"] is None and seen["packages"] == []
    assert seen["river"][0] == "Story 1"


def test_a_section_page_shows_its_own_front(client):
    climate = make_category(name="Climate", slug="climate", is_in_navigation=True)
    now = timezone.now()
    older, newer = (
        make_article(
            headline=headline,
            primary_category=climate,
            published_at=now - timedelta(hours=hours),
        )
        for headline, hours in [("Seawall plans", 5), ("Heat record", 1)]
    )
    elsewhere = make_article(headline="Elsewhere")
    arrange(climate, lead=older, packages={"Heat": [newer]})
    arrange(lead=elsewhere)  # the home page's, not the section's

    seen = read_front(client.get("/sections/climate/"))
    assert seen["lead"] == "Seawall plans"
    assert seen["packages"] == [("Heat", ["Heat record"])]
    assert seen["river"] == []
    assert read_front(client.get("/"))["lead"] == "Elsewhere"


def test_readers_see_todays_front_until_six_then_the_scheduled_one(client, stories):
    # Tomorrow evening and the morning after, so the stories (published in the
    # hours before the real now) are public at both: never a fixed date that the
    # calendar overtakes.
    zone = timezone.get_current_timezone()
    tomorrow = timezone.localdate() + timedelta(days=1)
    evening = datetime.combine(tomorrow, time(21), tzinfo=zone)
    six = datetime.combine(tomorrow + timedelta(days=1), time(6), tzinfo=zone)
    with time_machine.travel(evening, tick=False):
        arrange(lead=stories[1], at=evening - timedelta(hours=1))
        arrange(
            lead=stories[4],
            packages={"Election 2026": [stories[0], stories[2], stories[3]]},
            at=six,
        )
        assert read_front(client.get("/"))["lead"] == "Story 2"  # cached
    with time_machine.travel(six - timedelta(seconds=1), tick=False):
        response = client.get("/")
        assert read_front(response)["lead"] == "Story 2"
        # No browser or CDN keeps today's front past six.
        assert "max-age=1" in response["Cache-Control"]
    with time_machine.travel(six, tick=False):
        client.get("/robots.txt")  # the first reader after six, on another page
        seen = read_front(client.get("/"))
        assert seen["lead"] == "Story 5"
        assert seen["packages"] == [
            ("Election 2026", ["Story 1", "Story 3", "Story 4"])
        ]
        assert "Story 2" in seen["river"]


def test_a_new_arrangement_reaches_the_cached_page_at_once(client, stories):
    arrange(lead=stories[1])
    assert read_front(client.get("/"))["lead"] == "Story 2"
    arrange(lead=stories[2])
    assert read_front(client.get("/"))["lead"] == "Story 3"


def test_a_story_in_a_slot_changed_reaches_the_cached_front(client, stories):
    arrange(lead=stories[3])
    read_front(client.get("/"))
    stories[3].headline = "Story 4, updated"
    stories[3].save()
    assert read_front(client.get("/"))["lead"] == "Story 4, updated"


@pytest.mark.parametrize("path", ["/", "/sections/big/"])
def test_front_queries_do_not_grow_with_slots_or_packages(assert_flat_queries, path):
    section = make_category(slug="big")
    arrangement = arrange(section if path != "/" else None)
    added = iter(range(100))

    def add_story_and_slots():
        n = next(added)
        story = make_article(
            primary_category=section,
            authors=[make_author(), make_author()],
            lead_image=make_image(),
        )
        # A top story, and a new package of two.
        packaged = [
            make_article(primary_category=section, lead_image=make_image())
            for _ in range(2)
        ]
        arrangement.slots.create(place="top", article=story, position=n)
        for each in packaged:
            arrangement.slots.create(
                place="package", package=f"Package {n}", article=each, position=n
            )
        make_article(primary_category=section)  # for the river

    response = assert_flat_queries(path, add_story_and_slots, limit=8, times=4)
    seen = read_front(response)
    assert len(seen["top"]) == 5 and len(seen["packages"]) == 5


def test_a_scheduled_story_in_a_slot_appears_on_the_cached_front_at_its_time(client):
    """Placed on the Climate front before its time, filed under another section:
    the cached Climate page is rendered again when the story goes public."""
    climate = make_category(name="Climate", slug="climate", is_in_navigation=True)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        make_article(headline="Heat record", primary_category=climate)
        scheduled = make_article(
            headline="Wind farm approved",
            primary_category=make_category(name="Money"),
            published_at=start + timedelta(seconds=30),
        )
        arrange(climate, lead=scheduled)
        assert read_front(client.get("/sections/climate/"))["lead"] == "Heat record"
    # Within the local cache's state lifetime (Redis keeps it for a day).
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        client.get("/")  # the first reader after the time, on another page
        seen = read_front(client.get("/sections/climate/"))
        assert seen["lead"] == "Wind farm approved"
        assert seen["river"] == ["Heat record"]


def test_a_section_with_a_front_can_still_be_deleted(client):
    empty = make_category(name="Old desk", slug="old-desk", is_in_navigation=True)
    arrange(empty, lead=make_article(headline="Elsewhere"))
    empty.delete()
    assert client.get("/sections/old-desk/").status_code == 404


@pytest.mark.parametrize("path", ["/", "/sections/big/"])
def test_an_arranged_front_costs_one_query_more_than_the_plain_river(
    client, django_assert_max_num_queries, path
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    section = make_category(slug="big")
    stories = [make_article(primary_category=section) for _ in range(8)]
    # A still clock: the page cache's own checks (once a second) cost nothing here.
    with time_machine.travel(timezone.now(), tick=False):
        client.get("/robots.txt")  # the page cache's state, recorded
        with CaptureQueriesContext(connection) as plain:
            client.get(path)
        arrange(
            section if path != "/" else None,
            lead=stories[4],
            top=stories[5:7],
            packages={"One": stories[:2], "Two": stories[2:4]},
        )
        with django_assert_max_num_queries(len(plain) + 1):
            assert read_front(client.get(path))["lead"] == stories[4].headline


def test_a_live_story_in_a_slot_is_labelled_live_as_in_the_river(client):
    import lxml.html

    from live.models import LiveCoverage

    story = make_article(headline="Storm live")
    LiveCoverage.objects.create(article=story)
    arrange(lead=story)
    page = lxml.html.fromstring(client.get("/").content)
    lead = page.cssselect(".front__lead")[0]
    assert lead.cssselect(".story-card__live")
