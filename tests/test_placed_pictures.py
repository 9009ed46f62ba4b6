"""Pictures placed in a story's body: the size and caption each story gives its use
of a library picture, kept by the sanitiser and honoured by the story page and
feeds."""

import feedparser
import lxml.html
import pytest

from articles import inline_images
from articles.sanitize import clean_body

from .factories import jpeg_file, make_article, make_image

pytestmark = pytest.mark.django_db


def figures(client, story):
    page = lxml.html.fromstring(client.get(story.get_absolute_url()).content)
    return page.cssselect(".story__body figure")


def caption_of(figure):
    return " ".join(figure.cssselect("figcaption")[0].text_content().split())


def test_each_use_keeps_its_size_and_caption_through_the_sanitiser():
    html = (
        '<figure data-size="full" data-caption="Our &quot;words&quot; &amp; more"'
        ' data-image-id="7" onclick="x()" class="y"></figure>'
        '<figure data-image-id="8" data-size="gigantic"></figure>'
    )
    cleaned = clean_body(html)
    assert "onclick" not in cleaned and "class" not in cleaned
    assert "gigantic" not in cleaned  # a size not offered is dropped
    found = [
        inline_images.placement(match)
        for match in inline_images.PLACED_PICTURE.finditer(cleaned)
    ]
    assert found == [
        inline_images.Placement(7, "full", 'Our "words" & more'),
        inline_images.Placement(8, "inline", ""),
    ]
    assert inline_images.placed_image_ids(cleaned) == [7, 8]


def test_the_story_page_sets_each_picture_at_its_size_with_its_caption(client):
    image = make_image(
        file=jpeg_file(1600, 1000), caption="The library's caption.", credit="A/B"
    )
    body = (
        "<p>One.</p>"
        + inline_images.snippet(image.pk)
        + inline_images.snippet(image.pk, "wide", "This story's <b>own</b> words.")
        + inline_images.snippet(image.pk, "full")
    )
    story = make_article(body=body)
    shown = figures(client, story)
    assert [f.get("class") for f in shown] == [
        "figure figure--inline",
        "figure figure--wide",
        "figure figure--full",
    ]
    assert [caption_of(f) for f in shown] == [
        "The library's caption. A/B",
        "This story's <b>own</b> words. A/B",  # text, never markup
        "The library's caption. A/B",
    ]
    assert shown[2].cssselect("img")[0].get("sizes") == "100vw"


def test_feeds_carry_a_storys_own_caption_too(client):
    image = make_image(file=jpeg_file(1600, 1000), caption="Library.", credit="A/B")
    make_article(body=inline_images.snippet(image.pk, "wide", "Ours."))
    entry = feedparser.parse(client.get("/rss/index.xml").content).entries[0]
    content = lxml.html.fromstring(entry.content[0].value)
    assert content.cssselect("figcaption")[0].text_content() == "Ours. A/B"
