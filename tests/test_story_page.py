"""The story page: its anatomy in order, its times, its URL and who may see it."""

from datetime import UTC, datetime, timedelta

import lxml.html
import pytest
from django.utils import timezone

from articles.models import Article, Correction

from .factories import (
    fetch_picture,
    make_article,
    make_author,
    make_category,
    make_image,
)

pytestmark = pytest.mark.django_db


def parse(response):
    assert response.status_code == 200
    return lxml.html.fromstring(response.content)


def text(element):
    return " ".join(element.text_content().split())


@pytest.fixture
def story(settings):
    settings.TIME_ZONE = "America/New_York"
    politics = make_category(name="Politics", slug="politics")
    housing = make_category(name="Housing", slug="housing")
    maya = make_author(
        name="Maya Okafor",
        slug="maya-okafor",
        short_bio="Maya Okafor is a senior politics reporter at the Ledger.",
    )
    sam = make_author(
        name="Samuel Adeyemi",
        slug="samuel-adeyemi",
        short_bio="Samuel Adeyemi is a contributing writer.",
    )
    image = make_image(
        alt_text="Council chamber",
        caption="The council votes.",
        credit="Ines Barrow/HLP",
    )
    return make_article(
        headline="The council’s budget fight, explained",
        slug="budget-fight",
        dek="Why a $40 million gap split the council.",
        body="<p>First paragraph.</p><h2>What happened</h2><p>Second.</p>",
        lead_image=image,
        primary_category=politics,
        categories=[housing],
        tags=["Budget", "City council"],
        authors=[maya, sam],
        published_at=datetime(2026, 2, 20, 22, 20, tzinfo=UTC),
    )


def test_story_page_follows_the_anatomy_in_order(client, story):
    page = parse(client.get(story.get_absolute_url()))
    article = page.cssselect("main article.story")[0]
    parts = [
        article.cssselect(".filed-under")[0],
        article.cssselect("h1")[0],
        article.cssselect(".story__dek")[0],
        article.cssselect(".story__byline")[0],
        article.cssselect("figure")[0],
        article.cssselect(".story__bios")[0],
        article.cssselect(".story__body")[0],
        article.cssselect(".tag-list")[0],
    ]
    positions = [list(article.iter()).index(part) for part in parts]
    assert positions == sorted(positions)
    assert len(article.cssselect(".story__bios .author-bio")) == 2


def test_filed_under_lists_primary_section_first(client, story):
    page = parse(client.get(story.get_absolute_url()))
    filed = page.cssselect(".filed-under")[0]
    assert text(filed).startswith("Filed under:")
    links = [(a.text_content(), a.get("href")) for a in filed.cssselect("a")]
    assert links == [
        ("Politics", "/sections/politics/"),
        ("Housing", "/sections/housing/"),
    ]


def test_headline_is_the_only_h1(client, story):
    page = parse(client.get(story.get_absolute_url()))
    assert [text(h) for h in page.cssselect("h1")] == [story.headline]
    assert page.findtext(".//title").startswith(story.headline)


def test_byline_names_each_author_and_links_to_their_page(client, story):
    page = parse(client.get(story.get_absolute_url()))
    byline = page.cssselect(".story__byline .byline")[0]
    assert text(byline) == "By Maya Okafor and Samuel Adeyemi"
    assert [a.get("href") for a in byline.cssselect("a")] == [
        "/authors/maya-okafor/",
        "/authors/samuel-adeyemi/",
    ]


def test_three_authors_read_with_a_serial_comma(client):
    names = ["Ana One", "Ben Two", "Cy Three"]
    article = make_article(authors=[make_author(name=name) for name in names])
    page = parse(client.get(article.get_absolute_url()))
    byline = page.cssselect(".story__byline .byline")[0]
    assert text(byline) == "By Ana One, Ben Two, and Cy Three"


def test_publication_time_is_shown_in_the_newsroom_zone(client, story):
    page = parse(client.get(story.get_absolute_url()))
    time = page.cssselect(".story__byline time")[0]
    assert time.get("datetime") == "2026-02-20T17:20:00-05:00"
    assert text(time) == "Feb 20, 2026, 5:20pm EST"
    assert not page.cssselect(".story__updated")


def test_updated_time_appears_only_when_updated(client, story):
    Article.objects.filter(pk=story.pk).update(
        updated_at=datetime(2026, 2, 21, 14, 5, tzinfo=UTC)
    )
    page = parse(client.get(story.get_absolute_url()))
    updated = page.cssselect(".story__updated")[0]
    assert text(updated) == "Updated Feb 21, 2026, 9:05am EST"
    assert updated.cssselect("time")[0].get("datetime") == "2026-02-21T09:05:00-05:00"


def test_lead_image_is_a_figure_with_caption_and_credit(client, story):
    page = parse(client.get(story.get_absolute_url()))
    figure = page.cssselect("article figure")[0]
    image = figure.cssselect("img")[0]
    assert image.get("alt") == "Council chamber"
    # A 16:9 crop of the 64 x 48 picture, its size given to prevent layout shift.
    assert (image.get("width"), image.get("height")) == ("64", "36")
    assert fetch_picture(client, image.get("src")).size == (64, 36)
    sources = figure.cssselect("picture source")
    assert [s.get("type") for s in sources] == ["image/avif", "image/webp"]
    for source, fmt in zip(sources, ["AVIF", "WEBP"], strict=True):
        assert fetch_picture(client, source.get("srcset").split()[0]).format == fmt
    assert image.get("loading") != "lazy"
    assert (
        text(figure.cssselect("figcaption .figure__caption")[0]) == "The council votes."
    )
    assert text(figure.cssselect("figcaption .figure__credit")[0]) == "Ines Barrow/HLP"


def test_each_author_bio_follows_the_lead_image(client, story):
    page = parse(client.get(story.get_absolute_url()))
    bios = [text(p) for p in page.cssselect(".story__bios .author-bio")]
    assert bios == [
        "Maya Okafor is a senior politics reporter at the Ledger.",
        "Samuel Adeyemi is a contributing writer.",
    ]


def test_body_and_tags(client, story):
    page = parse(client.get(story.get_absolute_url()))
    body = page.cssselect(".story__body")[0]
    assert [text(p) for p in body.cssselect("p")] == ["First paragraph.", "Second."]
    assert text(body.cssselect("h2")[0]) == "What happened"
    tags = [(text(a), a.get("href")) for a in page.cssselect(".tag-list a")]
    assert tags == [
        ("Budget", "/tags/budget/"),
        ("City council", "/tags/city-council/"),
    ]


def test_canonical_link_names_the_story_url(client, story):
    page = parse(client.get(story.get_absolute_url()))
    canonical = page.cssselect('link[rel="canonical"]')[0].get("href")
    assert canonical == f"http://testserver{story.get_absolute_url()}"


@pytest.mark.parametrize(
    "wrong_path",
    [
        "/2026/2/20/{pk}/old-slug/",
        "/2025/1/1/{pk}/budget-fight/",
        "/2026/2/21/{pk}/budget-fight/",
    ],
)
def test_wrong_date_or_slug_redirects_permanently(client, story, wrong_path):
    response = client.get(wrong_path.format(pk=story.pk) + "?ref=newsletter")
    assert response.status_code == 301
    assert response["Location"] == f"/2026/2/20/{story.pk}/budget-fight/?ref=newsletter"


def test_unknown_story_is_404(client, story):
    assert client.get(f"/2026/2/20/{story.pk + 100}/budget-fight/").status_code == 404


def test_drafts_are_404_for_the_public(client):
    draft = make_article(status=Article.Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_scheduled_stories_are_404_until_their_time(client):
    scheduled = make_article(published_at=timezone.now() + timedelta(hours=2))
    assert client.get(scheduled.get_absolute_url()).status_code == 404
    Article.objects.filter(pk=scheduled.pk).update(
        published_at=timezone.now() - timedelta(seconds=1)
    )
    scheduled.refresh_from_db()
    assert client.get(scheduled.get_absolute_url()).status_code == 200


def test_page_reads_without_javascript(client, story):
    page = parse(client.get(story.get_absolute_url()))
    # The only scripts are data for machines, which browsers never run.
    assert {s.get("type") for s in page.cssselect("script")} == {"application/ld+json"}
    assert page.cssselect('a.skip-link[href="#main"]')
    assert page.cssselect("main#main")


def story_with(n):
    """A story with `n` authors, further categories, tags, placed pictures and
    corrections, in a site with `n` navigation sections and other stories by its
    lead author and in its section."""
    placed = "".join(
        f'<p>Paragraph {i}.</p><figure data-image-id="{make_image().pk}"></figure>'
        for i in range(n)
    )
    authors = [make_author() for _ in range(n)]
    story = make_article(
        authors=authors,
        categories=[make_category(is_in_navigation=True) for _ in range(n)],
        tags=[f"tag {i}" for i in range(n)],
        lead_image=make_image(),
        body=placed,
    )
    for i in range(n):
        Correction.objects.create(article=story, text=f"Correction {i}.")
        make_article(authors=authors[:1], primary_category=story.primary_category)
    return story


def count_queries(client, url, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_story_page_queries_do_not_grow_with_authors_categories_tags_or_pictures(
    client, django_assert_max_num_queries
):
    """Five queries at most, uncached (the page cache is off in tests unless a test
    turns it on), with every part of the page there to draw: the story's row, its
    labels, its corrections, the pictures placed in its body, and its links."""
    small, large = story_with(1), story_with(8)
    small_count = count_queries(
        client, small.get_absolute_url(), django_assert_max_num_queries, 5
    )
    large_count = count_queries(
        client, large.get_absolute_url(), django_assert_max_num_queries, 5
    )
    assert small_count == large_count


def test_times_published_now_are_valid_html(client):
    """ "Publish now" keeps microseconds; a datetime attribute may carry at most
    three digits of a fraction, so the page gives whole seconds."""
    published = timezone.now().replace(microsecond=395733) - timedelta(minutes=5)
    story = make_article(published_at=published)
    page = lxml.html.fromstring(client.get(story.get_absolute_url()).content)
    value = page.cssselect("time.story__published")[0].get("datetime")
    assert "." not in value
    assert datetime.fromisoformat(value) == published.replace(microsecond=0)
