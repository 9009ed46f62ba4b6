"""The story page's metadata for machines says exactly what the page shows readers."""

import json
from datetime import UTC, datetime

import lxml.html
import pytest

from .factories import (
    fetch_picture,
    make_article,
    make_author,
    make_category,
    make_image,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(client, settings):
    settings.TIME_ZONE = "America/New_York"
    story = make_article(
        headline='The "budget" </script> fight, explained',
        dek="Why a $40 million gap split the council.",
        primary_category=make_category(name="Politics", slug="politics"),
        authors=[
            make_author(name="Maya Okafor", slug="maya-okafor"),
            make_author(name="Sam Adeyemi", slug="sam-adeyemi"),
        ],
        tags=["Budget", "City council"],
        lead_image=make_image(alt_text="The council chamber"),
        published_at=datetime(2026, 2, 20, 22, 20, tzinfo=UTC),
        updated_at=datetime(2026, 2, 21, 14, 5, tzinfo=UTC),
    )
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    return story, lxml.html.fromstring(response.content)


def ld_blocks(tree):
    return [
        json.loads(script.text)
        for script in tree.cssselect('script[type="application/ld+json"]')
    ]


def meta(tree, key):
    return [
        element.get("content")
        for element in tree.cssselect(f'meta[property="{key}"], meta[name="{key}"]')
    ]


def test_one_news_article_block_matching_the_page(client, page):
    story, tree = page
    articles = [b for b in ld_blocks(tree) if b["@type"] == "NewsArticle"]
    assert len(articles) == 1
    data = articles[0]
    shown_times = [t.get("datetime") for t in tree.cssselect(".story__byline time")]
    assert data["headline"] == tree.cssselect("h1")[0].text_content()
    assert data["description"] == tree.cssselect(".story__dek")[0].text_content()
    assert [data["datePublished"], data["dateModified"]] == shown_times
    shown_authors = [
        (a.text_content(), "http://testserver" + a.get("href"))
        for a in tree.cssselect(".story__byline .byline a")
    ]
    assert [(a["name"], a["url"]) for a in data["author"]] == shown_authors
    assert all(a["@type"] == "Person" for a in data["author"])
    # The lead image the page shows, in Google's three shapes.
    shown = tree.cssselect("figure img")[0].get("src").rsplit("/", 1)[0]
    assert all(url.startswith(f"http://testserver{shown}/") for url in data["image"])
    shapes = [fetch_picture(client, url).size for url in data["image"]]
    assert [round(w / h, 2) for w, h in shapes] == [1.78, 1.33, 1.0]
    assert data["publisher"]["@type"] == "Organization"
    assert data["publisher"]["logo"]["url"].endswith("/static/img/logo.png")
    canonical = tree.cssselect('link[rel="canonical"]')[0].get("href")
    assert data["mainEntityOfPage"]["@id"] == canonical
    assert data["articleSection"] == "Politics"
    assert data["keywords"] == ["Budget", "City council"]


def test_breadcrumbs_lead_home_to_section_to_story(page):
    story, tree = page
    crumbs = next(b for b in ld_blocks(tree) if b["@type"] == "BreadcrumbList")
    assert [(c["position"], c["item"]) for c in crumbs["itemListElement"]] == [
        (1, "http://testserver/"),
        (2, "http://testserver/sections/politics/"),
        (3, f"http://testserver{story.get_absolute_url()}"),
    ]


def test_open_graph_and_twitter_card(client, page):
    story, tree = page
    url = f"http://testserver{story.get_absolute_url()}"
    image = story.lead_image
    assert meta(tree, "og:type") == ["article"]
    assert meta(tree, "og:title") == [story.headline]
    assert meta(tree, "og:url") == [url]
    assert meta(tree, "article:published_time") == ["2026-02-20T17:20:00-05:00"]
    assert meta(tree, "article:modified_time") == ["2026-02-21T09:05:00-05:00"]
    assert meta(tree, "article:author") == [
        "http://testserver/authors/maya-okafor/",
        "http://testserver/authors/sam-adeyemi/",
    ]
    social = fetch_picture(client, meta(tree, "og:image")[0])
    assert meta(tree, "og:image:width") == [str(social.width)]
    assert meta(tree, "og:image:height") == [str(social.height)]
    assert meta(tree, "twitter:image") == meta(tree, "og:image")
    assert meta(tree, "og:image:alt") == [image.alt_text]
    assert meta(tree, "twitter:card") == ["summary_large_image"]
    assert meta(tree, "twitter:title") == [story.headline]


def test_json_cannot_close_its_script_element(client):
    story = make_article(headline="</script><script>alert(1)</script>")
    html = client.get(story.get_absolute_url()).content.decode()
    assert "</script><script>alert(1)" not in html
    tree = lxml.html.fromstring(html)
    assert ld_blocks(tree)[0]["headline"] == story.headline


@pytest.mark.parametrize(
    "path", ["/", "/sections/politics/", "/authors/maya-okafor/", "/tags/budget/"]
)
def test_every_page_has_its_own_title_and_description(client, page, path):
    story, story_tree = page
    tree = lxml.html.fromstring(client.get(path).content)
    title = tree.findtext(".//title")
    description = meta(tree, "description")
    assert title and title != story_tree.findtext(".//title")
    assert len(description) == 1 and description[0]


def test_search_title_description_and_social_image_override(client):
    social = make_image(alt_text="Social crop")
    story = make_article(
        headline="The council’s long budget fight, explained at length",
        dek="The dek.",
        seo_title="Budget fight, explained",
        seo_description="What the $40 million gap means for you.",
        lead_image=make_image(),
        social_image=social,
    )
    tree = lxml.html.fromstring(client.get(story.get_absolute_url()).content)
    assert tree.findtext(".//title").startswith("Budget fight, explained |")
    assert meta(tree, "description") == ["What the $40 million gap means for you."]
    assert meta(tree, "og:title") == ["Budget fight, explained"]
    assert meta(tree, "twitter:description") == [
        "What the $40 million gap means for you."
    ]
    assert meta(tree, "og:image")[0].startswith(
        f"http://testserver/images/{social.pk}/"
    )
    assert meta(tree, "og:image:alt") == ["Social crop"]
    # The page itself and its structured data keep the real headline.
    assert tree.cssselect("h1")[0].text_content() == story.headline
    assert ld_blocks(tree)[0]["headline"] == story.headline
    assert fetch_picture(client, meta(tree, "og:image")[0]).format == "JPEG"
