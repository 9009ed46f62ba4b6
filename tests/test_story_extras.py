"""Around the story: corrections, share links, more from the author, related stories,
and the site's own 404 and 500 pages."""

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse

import lxml.html
import pytest
from django.test import Client
from django.utils import timezone

from articles.models import Article, Correction

from .factories import make_article, make_author, make_category

pytestmark = pytest.mark.django_db


def page(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return lxml.html.fromstring(response.content)


def text(element):
    return " ".join(element.text_content().split())


def test_corrections_and_updates_show_with_their_times(client, settings):
    settings.TIME_ZONE = "America/New_York"
    story = make_article()
    Correction.objects.create(
        article=story,
        kind=Correction.Kind.UPDATE,
        text="The vote was moved to Thursday.",
        noted_at=datetime(2026, 2, 22, 15, 0, tzinfo=UTC),
    )
    Correction.objects.create(
        article=story,
        text="An earlier version misspelled Lorna Castellanos’s name.",
        noted_at=datetime(2026, 2, 21, 15, 0, tzinfo=UTC),
    )
    notes = page(client, story).cssselect(".story__notes li")
    assert [text(n) for n in notes] == [
        "Correction, Feb 21, 2026, 10:00am EST: An earlier version misspelled "
        "Lorna Castellanos’s name.",
        "Update, Feb 22, 2026, 10:00am EST: The vote was moved to Thursday.",
    ]
    assert notes[0].cssselect("time")[0].get("datetime") == "2026-02-21T10:00:00-05:00"


def test_no_corrections_block_without_corrections(client):
    assert page(client, make_article()).cssselect(".story__notes") == []


def test_share_links_are_plain_urls_carrying_the_story(client):
    story = make_article(headline="Harbor vote")
    tree = page(client, story)
    url = f"http://testserver{story.get_absolute_url()}"
    links = {text(a).split(" (")[0]: a.get("href") for a in tree.cssselect(".share a")}
    assert set(links) == {"Email", "Bluesky", "X", "Facebook", "LinkedIn"}
    assert parse_qs(urlparse(links["Email"]).query) == {
        "subject": ["Harbor vote"],
        "body": [url],
    }
    assert parse_qs(urlparse(links["Facebook"]).query) == {"u": [url]}
    assert url in parse_qs(urlparse(links["Bluesky"]).query)["text"][0]
    assert tree.cssselect("script[src]") == []


def test_more_from_the_lead_author(client):
    maya = make_author(name="Maya Okafor")
    story = make_article(authors=[maya, make_author()])
    others = [make_article(authors=[maya]) for _ in range(4)]
    make_article(authors=[maya], status=Article.Status.DRAFT)
    tree = page(client, story)
    heading = tree.cssselect("#more-from-heading")[0]
    assert text(heading) == "More from Maya Okafor"
    shown = [a.get("href") for a in heading.getparent().cssselect(".story-links a")]
    newest_three = sorted(others, key=lambda a: a.published_at, reverse=True)[:3]
    assert shown == [a.get_absolute_url() for a in newest_three]


def test_a_linked_story_shows_its_headline_time_and_address_as_they_are_now(
    client, settings
):
    """Each link's markup is made once a process and remembered, under the values
    it shows and the zone its time and address are made in."""
    maya = make_author()
    story = make_article(authors=[maya])
    other = make_article(
        authors=[maya],
        headline="Ferry fares frozen",
        published_at=datetime(2026, 2, 20, 22, 20, tzinfo=UTC),
    )

    def link():
        found = page(client, story).cssselect(".story-links li")[0]
        anchor, time = found.cssselect("a")[0], found.cssselect("time")[0]
        return anchor.text, anchor.get("href"), time.text, time.get("datetime")

    settings.TIME_ZONE = "America/New_York"
    assert link() == (
        "Ferry fares frozen",
        f"/2026/2/20/{other.pk}/{other.slug}/",
        "Feb 20, 2026, 5:20pm EST",
        "2026-02-20T17:20:00-05:00",
    )
    settings.TIME_ZONE = "Asia/Tokyo"  # another day there
    assert link()[1:] == (
        f"/2026/2/21/{other.pk}/{other.slug}/",
        "Feb 21, 2026, 7:20am JST",
        "2026-02-21T07:20:00+09:00",
    )
    Article.objects.filter(pk=other.pk).update(headline="Ferry fares rise after all")
    assert link()[0] == "Ferry fares rise after all"


def test_related_stories_share_a_section_or_tag_and_are_public(client):
    politics, climate = make_category(), make_category()
    story = make_article(primary_category=politics, tags=["Seawall"])
    now = timezone.now()
    same_tag = make_article(
        primary_category=climate, tags=["Seawall"], published_at=now - timedelta(days=5)
    )
    same_section = make_article(
        primary_category=politics, published_at=now - timedelta(hours=1)
    )
    make_article(primary_category=climate)  # unrelated
    make_article(primary_category=politics, status=Article.Status.DRAFT)
    make_article(primary_category=politics, published_at=now + timedelta(hours=1))
    tree = page(client, story)
    related = tree.cssselect("#related-heading")[0].getparent()
    shown = [a.get("href") for a in related.cssselect(".story-links a")]
    assert shown == [same_tag.get_absolute_url(), same_section.get_absolute_url()]


def test_a_story_is_not_both_more_from_the_author_and_related(client):
    maya = make_author()
    section = make_category()
    story = make_article(authors=[maya], primary_category=section)
    both = make_article(authors=[maya], primary_category=section)
    tree = page(client, story)
    more = tree.cssselect("#more-from-heading")[0].getparent()
    assert [a.get("href") for a in more.cssselect("a[href]")][1:] == [
        both.get_absolute_url()
    ]
    assert tree.cssselect("#related-heading") == []


def test_stories_without_a_section_relate_only_by_tags(client):
    story = make_article(primary_category=None, tags=["Seawall"])
    make_article(primary_category=None)
    tagged = make_article(primary_category=None, tags=["Seawall"])
    related = page(client, story).cssselect("#related-heading")[0].getparent()
    assert [a.get("href") for a in related.cssselect(".story-links a")] == [
        tagged.get_absolute_url()
    ]


def test_home_canonical_leaves_tracking_parameters_out(client):
    make_article()
    tree = lxml.html.fromstring(client.get("/?utm_source=x&fbclid=y").content)
    assert (
        tree.cssselect('link[rel="canonical"]')[0].get("href") == "http://testserver/"
    )


def test_404_page_is_in_the_site_design(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    tree = lxml.html.fromstring(response.content)
    assert text(tree.cssselect("h1")[0]) == "We can’t find that page"
    assert tree.cssselect(".site-header .wordmark")
    assert tree.cssselect('form[role="search"] input[name="q"]')


def test_500_page_is_in_the_site_design(settings):
    settings.ROOT_URLCONF = "tests.broken_urls"
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    tree = lxml.html.fromstring(response.content)
    assert text(tree.cssselect("h1")[0]) == "Something went wrong on our side"
    assert tree.cssselect('link[rel="stylesheet"]')
