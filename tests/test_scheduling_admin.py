"""Scheduling in the story admin says what it does: the button reads "Schedule" for a
time to come, the confirmation names the time and zone, the zone sits beside the
field, the story list filters what is scheduled, and a take-down time is set there."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import lxml.html
import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from articles.models import Article

from .admin_forms import change, complete_story, run_action
from .factories import make_article, make_author

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
# Wednesday 25 November 2026, 9am in New York: "now" for these tests.
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=NEW_YORK)


@pytest.fixture
def editor(client, people):
    client.force_login(people["editor"])
    return people["editor"]


def page(client, story=None):
    url = (
        reverse("admin:articles_article_change", args=[story.pk])
        if story
        else reverse("admin:articles_article_add")
    )
    response = client.get(url)
    assert response.status_code == 200
    return lxml.html.fromstring(response.content.decode())


def said(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_a_future_publish_time_is_confirmed_with_its_day_time_and_zone(client, editor):
    with time_machine.travel(NOW, tick=False):
        story = complete_story(
            status=Article.Status.READY, published_at=None, authors=[make_author()]
        )
        response = change(
            client,
            story,
            _transition="published",
            published_at_0="2026-12-01",
            published_at_1="07:00:00",
        )
        story.refresh_from_db()
        assert story.is_scheduled
    assert response.status_code == 302
    assert said(response) == [
        f"“{story.headline}” is scheduled for Tue 1 Dec, 7:00am EST."
    ]


def test_the_buttons_read_schedule_for_a_scheduled_story(client, editor):
    with time_machine.travel(NOW, tick=False):
        story = complete_story(published_at=NOW + timedelta(days=6))
        html = page(client, story)
    assert html.cssselect("input[name=_save]")[0].get("value") == "Schedule"
    # A published story's one move is to come down; nothing reads "Publish".
    assert not [b for b in html.cssselect("button") if b.text_content() == "Publish"]
    assert html.cssselect('script[src$="js/schedule.js"]')


def test_the_buttons_read_save_and_publish_for_a_draft(client, editor):
    story = complete_story(status=Article.Status.DRAFT, published_at=None)
    html = page(client, story)
    assert html.cssselect("input[name=_save]")[0].get("value") == "Save"
    publish = html.cssselect("button[data-newsroom-publish]")[0]
    assert publish.text_content() == "Publish"


def test_the_zone_is_written_beside_each_time(client, editor):
    with time_machine.travel(NOW, tick=False):
        html = page(client)
    for name in ["published_at", "expires_at"]:
        field = html.cssselect(f".field-{name}")[0]
        zone = field.cssselect(".newsroom-zone")[0]
        assert zone.text_content() == "EST"
        assert zone.get("title") == "America/New_York"


def test_a_take_down_time_is_set_and_confirmed(client, editor):
    with time_machine.travel(NOW, tick=False):
        story = complete_story(published_at=NOW - timedelta(hours=1))
        response = change(
            client,
            story,
            expires_at_0="2026-11-26",
            expires_at_1="18:30:00",
            _publish_changes="1",  # a live story (articles/admin/pending.py)
        )
    assert response.status_code == 302
    assert said(response) == [
        f"“{story.headline}” is live. It comes down Thu 26 Nov, 6:30pm EST."
    ]
    story.refresh_from_db()
    assert story.expires_at == datetime(2026, 11, 26, 18, 30, tzinfo=NEW_YORK)


def test_a_take_down_time_before_the_publish_time_is_refused_with_a_message(
    client, editor
):
    story = complete_story(published_at=timezone.now() - timedelta(hours=1))
    before = timezone.localtime(story.published_at) - timedelta(hours=2)
    response = change(
        client,
        story,
        expires_at_0=f"{before:%Y-%m-%d}",
        expires_at_1=f"{before:%H:%M:%S}",
    )
    assert response.status_code == 200
    assert "The take-down time must come after the publish time." in (
        response.content.decode()
    )
    story.refresh_from_db()
    assert story.expires_at is None


def test_a_writer_cannot_set_a_take_down_time(client, people):
    writer = people["writer"]
    client.force_login(writer)
    story = complete_story(status=Article.Status.DRAFT, published_at=None)
    Article.objects.filter(pk=story.pk).update(created_by=writer)
    story.refresh_from_db()
    response = change(client, story, expires_at_0="2030-01-01", expires_at_1="09:00:00")
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.expires_at is None


def test_the_story_list_filters_scheduled_and_taken_down_stories(client, editor):
    now = timezone.now()
    live = make_article(headline="Live story")
    scheduled = make_article(
        headline="Scheduled story", published_at=now + timedelta(hours=3)
    )
    coming_down = make_article(
        headline="Coming down story",
        published_at=now - timedelta(hours=3),
        expires_at=now + timedelta(hours=3),
    )
    taken_down = make_article(
        headline="Taken down story",
        published_at=now - timedelta(hours=3),
        expires_at=now - timedelta(hours=1),
    )
    url = reverse("admin:articles_article_changelist")

    def listed(query):
        html = lxml.html.fromstring(client.get(f"{url}?{query}").content.decode())
        return {cell.text_content() for cell in html.cssselect("tbody .field-headline")}

    assert listed("schedule=scheduled") == {scheduled.headline}
    assert listed("schedule=coming_down") == {coming_down.headline}
    assert listed("schedule=taken_down") == {taken_down.headline}
    assert live.headline in listed("")
    html = lxml.html.fromstring(client.get(url).content.decode())
    statuses = {
        row.cssselect(".field-headline")[0].text_content(): (
            row.cssselect(".field-visibility")[0].text_content()
        )
        for row in html.cssselect("#result_list tbody tr")
    }
    assert statuses[scheduled.headline] == "Scheduled"
    assert statuses[taken_down.headline] == "Taken down"


def test_publishing_a_story_with_a_time_to_come_from_the_list_says_scheduled(
    client, editor
):
    with time_machine.travel(NOW, tick=False):
        story = complete_story(
            status=Article.Status.READY,
            published_at=datetime(2026, 12, 1, 7, 0, tzinfo=NEW_YORK),
        )
        response = run_action(client, "publish_now", story)
    said_now = [str(m) for m in response.context["messages"]]
    assert said_now == [f"“{story.headline}” is scheduled for Tue 1 Dec, 7:00am EST."]


def test_publishing_from_the_list_past_the_take_down_time_is_refused_with_a_message(
    client, editor
):
    story = complete_story(
        status=Article.Status.READY,
        published_at=None,
        expires_at=timezone.now() - timedelta(hours=1),
    )
    response = run_action(client, "publish_now", story)
    assert response.status_code == 200
    said_now = [str(m) for m in response.context["messages"]]
    assert said_now == [
        f"“{story.headline}”: its take-down time comes before it would go out; "
        "change it first."
    ]
    story.refresh_from_db()
    assert story.status == Article.Status.READY


def test_publishing_from_the_form_past_the_take_down_time_is_refused_with_a_message(
    client, editor
):
    story = complete_story(status=Article.Status.READY, published_at=None)
    past = timezone.localtime() - timedelta(hours=1)
    response = change(
        client,
        story,
        _transition="published",
        expires_at_0=f"{past:%Y-%m-%d}",
        expires_at_1=f"{past:%H:%M:%S}",
    )
    assert response.status_code == 200
    assert "The take-down time must come after the publish time." in (
        response.content.decode()
    )
    story.refresh_from_db()
    assert story.status == Article.Status.READY


# New York's clocks go back at 2am on 1 November 2026: 1:30am happens twice.
FIRST_130AM = datetime(2026, 11, 1, 5, 30, tzinfo=ZoneInfo("UTC"))  # EDT
SECOND_130AM = datetime(2026, 11, 1, 6, 30, tzinfo=ZoneInfo("UTC"))  # EST


@pytest.mark.parametrize("published_at", [FIRST_130AM, SECOND_130AM])
def test_a_story_published_in_the_hour_the_clocks_go_back_saves_unchanged(
    client, editor, published_at
):
    # Not published, so that the edit is saved at once (not held for publishing).
    story = complete_story(status=Article.Status.READY, published_at=published_at)

    response = change(client, story, headline="A new headline")

    assert response.status_code == 302
    story.refresh_from_db()
    assert (story.headline, story.published_at) == ("A new headline", published_at)


def test_a_published_story_keeps_its_time_to_the_microsecond(client, editor):
    """Published with the button, a story's time has microseconds the form does
    not show: saved unchanged, it keeps them, in the hour the clocks go back too."""
    published_at = SECOND_130AM + timedelta(seconds=5, microseconds=120_000)
    story = complete_story(status=Article.Status.READY, published_at=published_at)

    assert change(client, story, headline="A new headline").status_code == 302
    story.refresh_from_db()
    assert story.published_at == published_at


@pytest.mark.parametrize(
    "day, time, message",
    [
        # Either of two times an hour apart: an embargo must not lift early.
        ("2026-11-01", "01:30:00", "01:30 happens twice that night"),
        # 8 March 2026: New York's clocks went from 2am to 3am.
        ("2026-03-08", "02:30:00", "couldn’t be interpreted in time zone"),
    ],
)
def test_a_time_the_clocks_make_twice_or_skip_is_refused_with_a_message(
    client, editor, day, time, message
):
    story = complete_story(status=Article.Status.READY, published_at=None)

    response = change(client, story, published_at_0=day, published_at_1=time)

    assert response.status_code == 200
    assert message in response.content.decode()
    story.refresh_from_db()
    assert story.published_at is None
