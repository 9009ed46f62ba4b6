"""RSS 2.0 and Atom feeds, read the way a feed reader reads them."""

from datetime import UTC, datetime

import feedparser
import lxml.etree
import lxml.html
import pytest

from articles.models import Article, Author

from .factories import (
    fetch_picture,
    make_article,
    make_author,
    make_category,
    make_image,
)
from .hostile import live_in_fragment, live_markup

pytestmark = pytest.mark.django_db

FEEDS = [
    "/rss/index.xml",
    "/atom/index.xml",
    "/sections/politics/rss/",
    "/sections/politics/atom/",
    "/authors/maya-okafor/rss/",
    "/authors/maya-okafor/atom/",
]


@pytest.fixture
def story():
    maya = make_author(name="Maya Okafor", slug="maya-okafor")
    sam = make_author(name="Sam Adeyemi", slug="sam-adeyemi")
    return make_article(
        headline="The budget, explained",
        dek="Why a $40 million gap split the council.",
        body="<p>First <em>paragraph</em>.</p>",
        primary_category=make_category(name="Politics", slug="politics"),
        categories=[make_category(name="Housing", slug="housing")],
        tags=["Budget"],
        authors=[maya, sam],
        lead_image=make_image(),
        published_at=datetime(2026, 2, 20, 22, 20, tzinfo=UTC),
        updated_at=datetime(2026, 2, 21, 9, 0, tzinfo=UTC),
    )


def read(client, path):
    response = client.get(path)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


@pytest.mark.parametrize("path", FEEDS)
def test_feed_items_carry_the_whole_story(client, story, path):
    feed = read(client, path)
    assert len(feed.entries) == 1
    entry = feed.entries[0]
    assert entry.title == "The budget, explained"
    assert entry.link == f"http://testserver{story.get_absolute_url()}"
    assert entry.summary == "Why a $40 million gap split the council."
    assert entry.content[0].value == "<p>First <em>paragraph</em>.</p>"
    assert [a.name for a in entry.authors] == ["Maya Okafor", "Sam Adeyemi"]
    assert {t.term for t in entry.tags} >= {"Politics", "Housing", "Budget"}
    assert entry.published_parsed[:5] == (2026, 2, 20, 22, 20)
    # The story page's own 16:9 picture, at the size the feed says.
    media = entry.media_content[0]
    picture = fetch_picture(client, media["url"])
    assert (
        (media["width"], media["height"])
        == ("64", "36")
        == tuple(map(str, picture.size))
    )
    assert media["type"] == "image/jpeg" and picture.format == "JPEG"


def test_atom_entries_have_update_times(client, story):
    entry = read(client, "/atom/index.xml").entries[0]
    assert entry.updated_parsed[:5] == (2026, 2, 21, 9, 0)


def test_rss_is_rss_2_and_atom_is_atom(client, story):
    rss = lxml.etree.fromstring(client.get("/rss/index.xml").content)
    atom = lxml.etree.fromstring(client.get("/atom/index.xml").content)
    assert (rss.tag, rss.get("version")) == ("rss", "2.0")
    assert atom.tag == "{http://www.w3.org/2005/Atom}feed"


def test_section_and_author_feeds_hold_only_their_stories(client, story):
    make_article(headline="Elsewhere")
    assert [e.title for e in read(client, "/sections/politics/rss/").entries] == [
        story.headline
    ]
    assert [e.title for e in read(client, "/authors/maya-okafor/atom/").entries] == [
        story.headline
    ]
    assert len(read(client, "/rss/index.xml").entries) == 2


def test_feed_of_an_unknown_section_is_404(client):
    assert client.get("/sections/nope/rss/").status_code == 404


def test_feed_body_is_sanitised_even_if_the_row_was_not(client, story):
    # update() skips save(), as a bulk import would; the feed still cleans the body.
    Article.objects.filter(pk=story.pk).update(body="<p>Hi</p><script>x()</script>")
    entry = read(client, "/rss/index.xml").entries[0]
    assert entry.content[0].value == "<p>Hi</p>"


def test_pages_link_their_feeds(client, story):
    home = client.get("/").content.decode()
    section = client.get("/sections/politics/").content.decode()
    for html, expected in [
        (home, {"/rss/index.xml", "/atom/index.xml"}),
        (section, {"/sections/politics/rss/", "/sections/politics/atom/"}),
    ]:
        tree = lxml.etree.HTML(html)
        links = {
            link.get("href") for link in tree.iterfind('.//link[@rel="alternate"]')
        }
        assert expected <= links


@pytest.mark.parametrize("path", FEEDS)
def test_feed_queries_do_not_grow_with_items(assert_flat_queries, path):
    maya = make_author(slug="maya-okafor")
    politics = make_category(slug="politics")

    def add():
        make_article(
            authors=[maya, make_author()],
            primary_category=politics,
            categories=[make_category()],
            tags=["a", "b"],
            lead_image=make_image(),
        )

    assert_flat_queries(path, add, limit=6)


def test_a_dek_that_looks_like_markup_reaches_readers_as_text(client, story):
    """Readers render RSS's <description> and Atom's <summary type="html"> as HTML:
    a dek written like a tag is escaped there, shown as the words typed."""
    dek = "<img src=x onerror=alert(1)> & <b>more</b>"
    Article.objects.filter(pk=story.pk).update(dek=dek)
    for path, summary in [
        ("/rss/index.xml", "channel/item/description"),
        (
            "/atom/index.xml",
            "{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}summary",
        ),
    ]:
        xml = lxml.etree.fromstring(client.get(path).content)
        html = xml.find(summary).text
        assert live_in_fragment(html) == [], path
        shown = lxml.html.fragment_fromstring(html, create_parent="div")
        assert shown.text_content() == dek, path
        # feedparser hands a reader the same: HTML whose text is the dek.
        entry = read(client, path).entries[0]
        assert (
            lxml.html.fragment_fromstring(
                entry.summary, create_parent="div"
            ).text_content()
            == dek
        )


# What a hostile editor might type, one vector for each field that reaches a feed.
SAMPLE = {
    "headline": '"><script>alert(1)</script>',
    "dek": "<img src=x onerror=alert(2)>",
    "body": '<p>Hi</p><a href="java&#x09;script:alert(3)">x</a><svg onload=alert(3)>',
    "section": "</title><script>alert(4)</script>",
    "section description": "<iframe srcdoc='<script>alert(5)</script>'>",
    "author": "<svg/onload=alert(6)>",
    "bio": "<a href=javascript:alert(7)>me</a>",
    "tag": "<b onmouseover=alert(8)>tag</b>",
    "caption": "</figcaption><img src=x onerror=alert(9)>",
    "alt": '" onerror="alert(10)',
    "credit": "<script>alert(11)</script>",
}

# Feed elements that readers render as HTML; every other element and attribute is
# text. (RSS leaves titles as text; Atom says so with type="text", its default.)
HTML_FIELDS = [
    "channel/description",
    "channel/item/description",
    "channel/item/{http://purl.org/rss/1.0/modules/content/}encoded",
    "{http://www.w3.org/2005/Atom}entry/*[@type='html']",
    "*[@type='html']",
]


@pytest.fixture
def hostile_story():
    section = make_category(
        name=SAMPLE["section"],
        slug="politics",
        description=SAMPLE["section description"],
    )
    author = make_author(
        name=SAMPLE["author"], slug="maya-okafor", short_bio=SAMPLE["bio"]
    )
    image = make_image(
        caption=SAMPLE["caption"], alt_text=SAMPLE["alt"], credit=SAMPLE["credit"]
    )
    return make_article(
        headline=SAMPLE["headline"],
        dek=SAMPLE["dek"],
        body=SAMPLE["body"] + f'<figure data-image-id="{image.pk}"></figure>',
        primary_category=section,
        authors=[author],
        tags=[SAMPLE["tag"]],
        lead_image=image,
    )


@pytest.mark.parametrize("path", FEEDS)
def test_every_feed_field_is_escaped_text_or_sanitised_html(
    client, hostile_story, path
):
    """Every field of every feed is text or sanitised HTML: decoded as HTML, as a
    reader that does not sanitise would, nothing in it could run; as text, it is
    exactly what was typed."""
    content = client.get(path).content
    assert not feedparser.parse(content).bozo
    xml = lxml.etree.fromstring(content)
    assert live_markup(xml) == []
    html_fields = [field for query in HTML_FIELDS for field in xml.iterfind(query)]
    assert html_fields
    for field in html_fields:
        assert live_in_fragment(field.text or "") == [], (path, field.tag)
    texts = {
        element.text
        for element in xml.iter()
        if isinstance(element.tag, str) and element not in html_fields
    } | {value for element in xml.iter() for value in element.attrib.values()}
    for field in ["headline", "author", "tag"]:
        assert SAMPLE[field] in texts, field
    titles = [e.text for e in xml.iter("{*}title")]
    assert any(SAMPLE["section"] in title for title in titles) == ("sections" in path)


@pytest.mark.parametrize("path", FEEDS)
def test_control_characters_pasted_into_text_leave_the_feed_valid(client, story, path):
    """A vertical tab (a word processor's line break) or another control character
    XML cannot carry is left out, rather than the feed failing."""
    Article.objects.filter(pk=story.pk).update(
        headline="The budget,\x0bexplained\x1b", dek="Why\x0c a gap.\x08"
    )
    story.tags.add("Tax\x0b")
    Author.objects.filter(slug="maya-okafor").update(
        name="Maya\x0b Okafor", short_bio="Covers\x01 the council."
    )
    entry = read(client, path).entries[0]
    assert entry.title == "The budget,explained"
    assert "Tax" in {t.term for t in entry.tags}
    assert "Maya Okafor" in [a.name for a in entry.authors]
