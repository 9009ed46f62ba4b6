"""Tables and galleries in a story's body: a table scrolls on its own on a phone,
named by its caption, its header cells scoped; a gallery shows library pictures
with their captions and credits, lazily, as a list that a small script turns into
a strip."""

import lxml.html
import pytest

from articles.galleries import snippet as gallery
from articles.sanitize import clean_body

from .factories import make_article, make_image

pytestmark = pytest.mark.django_db

TABLE = (
    "<table><caption>Ferry fares, 2024</caption><tbody>"
    '<tr><th colspan="1" rowspan="1"><p>Route</p></th><th><p>Fare</p></th></tr>'
    "<tr><th><p>Harbor–Isle</p></th><td><p>$4</p></td></tr>"
    "<tr><td><p>Old Pier</p></td><td><p>$3</p></td></tr>"
    "</tbody></table>"
)


def story_page(client, body):
    story = make_article(body=body)
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    return lxml.html.fromstring(response.content).cssselect(".story__body")[0]


def test_sanitiser_keeps_tables_and_drops_what_they_must_not_carry():
    dirty = (
        '<table style="width:9000px" onclick="x()"><caption>Fares</caption>'
        '<colgroup><col style="min-width:25px"></colgroup><tbody>'
        '<tr><th scope="col" class="x">A</th><th scope="javascript">B</th></tr>'
        '<tr><td colspan="2" rowspan="0">1</td></tr></tbody></table>'
    )
    assert clean_body(dirty) == (
        "<table><caption>Fares</caption><tbody>"
        '<tr><th scope="col">A</th><th>B</th></tr>'
        '<tr><td colspan="2">1</td></tr></tbody></table>'
    )


def test_a_table_scrolls_in_a_region_named_by_its_caption(client):
    uncaptioned = TABLE.replace("<caption>Ferry fares, 2024</caption>", "")
    body = story_page(client, f"<p>Fares:</p>{TABLE}{uncaptioned}")
    first, second = body.cssselect(".table-scroll")
    assert first.get("role") == "region" and first.get("tabindex") == "0"
    caption = first.cssselect("caption")[0]
    assert first.get("aria-labelledby") == caption.get("id")
    assert caption.text_content() == "Ferry fares, 2024"
    assert second.get("aria-label") == "Table"
    heads = [(th.text_content(), th.get("scope")) for th in first.iter("th")]
    assert heads == [("Route", "col"), ("Fare", "col"), ("Harbor–Isle", "row")]


def test_a_gallery_shows_library_pictures_with_captions_credits_and_lazy_renditions(
    client,
):
    pictures = [make_image(caption=f"Pier at dawn, {n}.") for n in range(3)]
    body = story_page(client, f"<p>Scenes:</p>{gallery([p.pk for p in pictures])}")
    items = body.cssselect("[data-gallery] ul.gallery__items > li")
    assert len(items) == 3
    for item, picture in zip(items, pictures, strict=True):
        assert item.cssselect(".figure__caption")[0].text_content() == picture.caption
        assert item.cssselect(".figure__credit")[0].text_content() == picture.credit
        img = item.cssselect("img")[0]
        assert img.get("loading") == "lazy"
        assert img.get("alt") == picture.alt_text
        assert item.cssselect("source[type='image/avif']")
        # The renditions are served to readers, as for any picture of a public story.
        assert client.get(img.get("src")).status_code == 200
    assert [s.get("src") for s in body.cssselect("script")] == [
        "/static/js/story-blocks.js"
    ]


def test_a_gallery_keeps_only_pictures_still_in_the_library(client):
    kept = make_image()
    body = story_page(client, gallery([kept.pk, 999_999]))
    assert len(body.cssselect(".gallery__item")) == 1
    assert not story_page(client, gallery([999_998])).cssselect(".gallery")


def test_gallery_pictures_are_used_by_the_story(client):
    from photos.models import Image

    picture = make_image()
    make_article(body=gallery([picture.pk]))
    assert Image.objects.public().filter(pk=picture.pk).exists()
