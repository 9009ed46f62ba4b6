"""The home page river and the section, author and tag archives."""

from datetime import timedelta

import lxml.html
import pytest
from django.db.models import F
from django.utils import timezone

from articles.models import Article, Author, Category
from live.models import LiveCoverage
from photos.models import Image
from readers.templatetags import reader_tags

from .factories import (
    fetch_picture,
    make_article,
    make_author,
    make_category,
    make_image,
)

pytestmark = pytest.mark.django_db


def cards(response):
    assert response.status_code == 200
    page = lxml.html.fromstring(response.content)
    return page.cssselect(".story-list .story-card")


def headlines(response):
    return [
        card.cssselect(".story-card__headline a")[0].text_content()
        for card in cards(response)
    ]


def harbor_vote(**fields):
    """A story with all a card shows: a dek, a byline and a picture."""
    return make_article(
        headline="Harbor vote",
        dek="What the vote means.",
        authors=[make_author(name="Maya Okafor", slug="maya-okafor")],
        lead_image=make_image(),
        **fields,
    )


def test_home_lists_public_stories_newest_first(client):
    now = timezone.now()
    older = make_article(headline="Older", published_at=now - timedelta(days=2))
    newer = make_article(headline="Newer", published_at=now - timedelta(hours=1))
    make_article(headline="Draft", status=Article.Status.DRAFT)
    make_article(headline="Scheduled", published_at=now + timedelta(hours=1))
    assert headlines(client.get("/")) == [newer.headline, older.headline]


def test_a_card_made_before_shows_every_change_to_what_it_shows(client):
    """A process makes each card once for what it shows (reader_tags.story_card):
    whatever of that changes, the next list shows it, as a card made afresh."""
    story = harbor_vote(tags=["harbor"])
    author = story.authors.get()
    stories = Article.objects.filter(pk=story.pk)

    def card(path):
        return lxml.html.tostring(cards(client.get(path))[0])

    changes = {
        "headline": lambda: stories.update(headline="Harbor vote, again"),
        "dek": lambda: stories.update(dek="What it means now."),
        "address": lambda: stories.update(slug="harbor-vote-again"),
        "time": lambda: stories.update(published_at=F("published_at") - timedelta(1)),
        "section": lambda: Category.objects.filter(pk=story.primary_category_id).update(
            name="Harbor and Bay"
        ),
        "author's name": lambda: Author.objects.filter(pk=author.pk).update(
            name="Maya Okafor-Reyes"
        ),
        "author's page": lambda: Author.objects.filter(pk=author.pk).update(
            slug="maya-okafor-reyes"
        ),
        "crop": lambda: Image.objects.filter(pk=story.lead_image_id).update(
            focal_x=0.2
        ),
        "picture": lambda: stories.update(lead_image=make_image()),
        "live": lambda: LiveCoverage.objects.create(article=story),
    }
    for path in ("/", "/tags/harbor/"):
        card(path)  # made, and kept
    for change, make in changes.items():
        before = card("/")
        make()
        kept = card("/"), card("/tags/harbor/")
        reader_tags.forget_chrome()
        assert kept == (card("/"), card("/tags/harbor/")), change
        assert kept[0] != before, change


def test_home_card_shows_headline_dek_byline_time_and_image(client):
    article = harbor_vote()
    card = cards(client.get("/"))[0]
    link = card.cssselect(".story-card__headline a")[0]
    assert link.get("href") == article.get_absolute_url()
    assert (
        card.cssselect(".story-card__dek")[0].text_content() == "What the vote means."
    )
    byline = card.cssselect(".byline")[0]
    assert " ".join(byline.text_content().split()) == "By Maya Okafor"
    assert card.cssselect("time")[0].get("datetime")
    picture = fetch_picture(client, card.cssselect("img")[0].get("src"))
    assert picture.size == (64, 36)  # the 16:9 crop of the 64 x 48 lead image
    assert card.get("class") == "story-card story-card--lead"


def test_home_is_paginated(client, settings):
    settings.NEWSROOM_STORIES_PER_PAGE = 2
    for _ in range(3):
        make_article()
    first = client.get("/")
    assert len(cards(first)) == 2
    older = lxml.html.fromstring(first.content).cssselect('.pagination a[rel="next"]')
    assert older[0].get("href") == "?page=2"
    last = client.get("/?page=2")
    assert len(cards(last)) == 1
    page = lxml.html.fromstring(last.content)
    assert not page.cssselect('.pagination a[rel="next"]')
    assert page.cssselect(".pagination__current")[0].text_content() == "Page 2"
    assert client.get("/?page=9").status_code == 404
    assert client.get("/?page=0").status_code == 404


@pytest.mark.parametrize(
    "path", ["/", "/sections/harbor/", "/authors/maya/", "/tags/ferries/"]
)
@pytest.mark.parametrize(
    "number", ["99999999999999999999", "9223372036854775807", "-3", "x", "1.5", ""]
)
def test_page_numbers_past_any_page_are_404_not_an_error(client, path, number):
    """A page number no archive reaches, even one past what a database can count
    to, is simply a page that does not exist."""
    make_article(
        primary_category=make_category(slug="harbor"),
        authors=[make_author(slug="maya")],
        tags=["ferries"],
    )
    response = client.get(path, {"page": number})
    assert response.status_code == (200 if number == "" else 404)


def test_a_river_of_stories_never_counts_the_archive(client, settings):
    """Counting grows with the archive; a page finds an older one by fetching one
    story more than it shows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_article(tags=["ferries"])
    author = Author.objects.get()
    for url in [
        "/",
        f"/sections/{Category.objects.get().slug}/",
        author.get_absolute_url(),
        "/tags/ferries/",
    ]:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert not [q for q in queries if "COUNT(" in q["sql"]], url


def test_section_page_lists_its_public_stories(client):
    climate = make_category(name="Climate", slug="climate")
    primary = make_article(primary_category=climate)
    further = make_article(categories=[climate])
    make_article()
    make_article(primary_category=climate, status=Article.Status.DRAFT)
    response = client.get("/sections/climate/")
    assert set(headlines(response)) == {primary.headline, further.headline}
    page = lxml.html.fromstring(response.content)
    assert page.cssselect("h1")[0].text_content() == "Climate"


def test_author_page_shows_profile_and_stories(client):
    author = make_author(
        name="Priya Natarajan",
        slug="priya",
        job_title="Science editor",
        bio="Priya edits the science desk.",
        website="https://example.org/priya",
        headshot=make_image(alt_text="Priya Natarajan"),
    )
    story = make_article(authors=[author])
    make_article()
    response = client.get("/authors/priya/")
    assert headlines(response) == [story.headline]
    page = lxml.html.fromstring(response.content)
    assert page.cssselect("h1")[0].text_content() == "Priya Natarajan"
    assert (
        page.cssselect(".author-profile__title")[0].text_content() == "Science editor"
    )
    # The name is the heading beside it, so the headshot's alt is empty, not repeated.
    assert page.cssselect(".author-profile__headshot img")[0].get("alt") == ""
    assert page.cssselect(".author-profile__links a")[0].get("href") == (
        "https://example.org/priya"
    )


def test_an_authors_page_lists_her_stories_newest_first_as_their_times_change(
    client,
):
    """Her river is read through her bylines, which keep their story's time: a story
    moved to another time moves in her river, and another author's are not in it."""
    author = make_author(slug="priya")
    now = timezone.now()
    older, middle, newer = (
        make_article(authors=[author], published_at=now - timedelta(hours=hours))
        for hours in (30, 20, 10)
    )
    make_article(authors=[make_author()], published_at=now - timedelta(hours=15))
    assert headlines(client.get("/authors/priya/")) == [
        newer.headline,
        middle.headline,
        older.headline,
    ]
    older.published_at = now - timedelta(hours=1)
    older.save()
    assert headlines(client.get("/authors/priya/")) == [
        older.headline,
        newer.headline,
        middle.headline,
    ]


def test_an_authors_profile_links_are_web_links_only(client):
    """The form takes web addresses only; a row written around it (an import) still
    puts no javascript: or data: link on the page."""
    author = make_author(
        slug="imported",
        website="javascript:alert(1)",
        bluesky=" JavaScript:alert(2)",
        mastodon="data:text/html,<script>alert(3)</script>",
        x="https://x.com/imported",
    )
    make_article(authors=[author])
    page = lxml.html.fromstring(client.get("/authors/imported/").content)
    links = page.cssselect(".author-profile__links a")
    assert [a.get("href") for a in links] == ["https://x.com/imported"]


def test_tag_page_lists_tagged_public_stories(client):
    tagged = make_article(tags=["Seawall"])
    make_article(tags=["Seawall"], published_at=timezone.now() + timedelta(days=1))
    make_article(tags=["Buses"])
    assert headlines(client.get("/tags/seawall/")) == [tagged.headline]


@pytest.mark.parametrize("name", ["🔥", "<>", "!!!", "★★★"])
def test_a_tag_of_symbols_alone_has_a_page_and_a_link(client, name):
    """Slugified, such a tag is nothing at all; it still gets a slug, so the story
    page can link to it (it answered 500)."""
    story = make_article(tags=[name])
    page = lxml.html.fromstring(client.get(story.get_absolute_url()).content)
    link = page.cssselect(".tag-list a")[0]
    assert link.text_content() == name
    assert headlines(client.get(link.get("href"))) == [story.headline]


def test_tags_saved_without_a_slug_get_one_when_migrating(db):
    """The migration gives tags saved before the fix the slug they get now."""
    import importlib

    from django.apps import apps
    from taggit.models import Tag

    Tag.objects.bulk_create([Tag(name="🔥", slug="")])
    migration = importlib.import_module(
        "articles.migrations.0015_wordless_tags_get_slugs"
    )
    migration.give_wordless_tags_slugs(apps, None)
    assert Tag.objects.get(name="🔥").slug.startswith("tag-")


def test_tags_with_accents_have_pages_and_links(client):
    story = make_article(tags=["Café culture"])
    page = lxml.html.fromstring(client.get(story.get_absolute_url()).content)
    link = page.cssselect(".tag-list a")[0].get("href")
    assert link == "/tags/caf%C3%A9-culture/"
    assert headlines(client.get(link)) == [story.headline]


def test_a_tag_used_only_on_unpublished_stories_has_no_page(client):
    make_article(tags=["Embargoed merger"], status=Article.Status.DRAFT)
    make_article(
        tags=["Embargoed merger"], published_at=timezone.now() + timedelta(hours=1)
    )
    assert client.get("/tags/embargoed-merger/").status_code == 404


@pytest.mark.parametrize(
    "path", ["/sections/nope/", "/authors/nope/", "/tags/nope/", "/tags/%00/"]
)
def test_unknown_archives_are_404(client, path):
    assert client.get(path).status_code == 404


def test_header_navigation_lists_navigation_sections(client):
    make_category(name="Politics", slug="politics", is_in_navigation=True, position=1)
    make_category(name="Housing", slug="housing", is_in_navigation=False)
    page = lxml.html.fromstring(client.get("/").content)
    nav = page.cssselect(".site-header .site-nav a")
    menu = page.cssselect(".site-header .site-menu nav a")
    assert [a.get("href") for a in menu] == [a.get("href") for a in nav]
    assert [(a.text_content(), a.get("href")) for a in nav] == [
        ("Politics", "/sections/politics/")
    ]


@pytest.mark.parametrize(
    "path", ["/", "/sections/big/", "/authors/busy/", "/tags/many/"]
)
def test_listing_queries_do_not_grow_with_stories_or_their_bylines(
    assert_flat_queries, path
):
    section = make_category(slug="big")
    author = make_author(slug="busy")

    def add_story():
        make_article(
            primary_category=section,
            authors=[author, make_author(), make_author()],
            categories=[make_category()],
            tags=["many", "more"],
            lead_image=make_image(),
        )

    response = assert_flat_queries(path, add_story, limit=8, times=6)
    assert len(cards(response)) == 7
