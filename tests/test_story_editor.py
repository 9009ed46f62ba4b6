"""The story editor's page: writing in one column, everything else in the sidebar,
with slots for panels added from elsewhere, and a search and social preview that
escapes what was typed. (Its layout in a browser: tests/test_browser_desk.py.)"""

import lxml.html
import pytest
from django.urls import reverse

from .factories import make_article, make_image

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_page(client, people):
    client.force_login(people["editor"])

    def get(story):
        response = client.get(reverse("admin:articles_article_change", args=[story.pk]))
        assert response.status_code == 200
        return lxml.html.fromstring(response.content.decode())

    return get


def test_writing_on_the_left_and_the_rest_in_the_sidebar(editor_page):
    page = editor_page(make_article(lead_image=make_image()))
    writing = page.cssselect(".desk__writing")[0]
    side = page.cssselect(".desk__side")[0]
    for name in ["headline", "dek", "body"]:
        assert writing.cssselect(f".field-{name}"), name
        assert not side.cssselect(f".field-{name}"), name
    for name in [
        "status",
        "published_at",
        "expires_at",
        "primary_category",
        "categories",
        "tags",
        "lead_image",
        "seo_title",
        "seo_description",
        "social_image",
        "slug",
        "modified_at",
    ]:
        assert side.cssselect(f".field-{name}"), name
    assert side.cssselect("#bylines-group")
    assert side.cssselect("input[name=_save]")
    assert side.cssselect("a[href$='/history/']")
    # One set of buttons: none left under the writing.
    assert len(page.cssselect("input[name=_save]")) == 1


def test_the_search_preview_shows_what_readers_will_meet_escaped(editor_page):
    story = make_article(
        headline="Harbor <script>alert(1)</script> budget",
        seo_description="Seven to two & counting",
    )
    page = editor_page(story)
    serp = page.cssselect(".desk-serp")[0]
    assert serp.cssselect(".desk-serp__title")[0].text_content() == story.headline
    assert not serp.cssselect("script")
    assert serp.cssselect(".desk-serp__url")[0].text_content() == (
        story.get_absolute_url()
    )
    card = page.cssselect(".desk-card")[0]
    assert card.cssselect(".desk-card__description")[0].text_content() == (
        "Seven to two & counting"
    )


def test_spellcheck_is_left_on_in_the_body():
    from articles.body_editor import EXTENSIONS

    # django-prose-editor turns the browser's spellcheck off unless told not to.
    assert EXTENSIONS["NoSpellCheck"] is False


def test_the_lead_image_shows_in_the_crops_readers_meet(editor_page):
    page = editor_page(make_article(lead_image=make_image()))
    crops = page.cssselect(".field-lead_image_preview .desk-crops figure")
    assert [c.cssselect("figcaption")[0].text_content()[:4] for c in crops] == [
        "16:9",
        "4:3 ",
        "1:1 ",
    ]
    files = [c.cssselect("img")[0].get("src").rsplit("/", 1)[1] for c in crops]
    assert [name.split("-")[0] for name in files] == ["lead", "card", "square"]
