"""Hand-made values sent to the admin: a key that is not a key in any autocomplete
field, a NUL character in a filter or a search, a version number too large for the
database. Each gets a form error, or nothing found, and changes nothing: never a 500."""

import lxml.html
import pytest
from django.urls import reverse

from articles.models import Article, Author, Category

from .admin_forms import change, complete_story, form_data
from .factories import make_author, make_category, make_image

pytestmark = pytest.mark.django_db

# Not a key: a word, a fraction, a number past any integer column (SQLite's included),
# and a NUL, which PostgreSQL refuses in any string.
NOT_KEYS = ["abc", "1.5", "9" * 20, "\x00"]

ARTICLE_FIELDS = [
    "lead_image",
    "social_image",
    "primary_category",
    "categories",
    "tags",
    "insert_image",
    "bylines-0-author",
]


def field_errors(response, name):
    """The error messages the form on `response` shows for the field `name`."""
    page = lxml.html.fromstring(response.content.decode())
    cells = page.cssselect(f".field-{name.rsplit('-', 1)[-1]}")
    errors = [e for cell in cells for e in cell.cssselect(".errorlist")]
    return " ".join(" ".join(e.text_content().split()) for e in errors)


@pytest.mark.parametrize("value", NOT_KEYS, ids=["word", "fraction", "huge", "nul"])
@pytest.mark.parametrize("field", ARTICLE_FIELDS)
def test_a_hand_made_key_in_the_story_form_is_a_form_error(admin_client, field, value):
    """Whichever autocomplete field holds it, the form comes back with the field's
    "Select a valid choice" error, and the story is as it was."""
    story = complete_story(headline="Kept", authors=[make_author()])
    response = change(admin_client, story, headline="Changed", **{field: value})

    assert response.status_code == 200
    assert field_errors(response, field)
    assert Article.objects.get(pk=story.pk).headline == "Kept"


@pytest.mark.parametrize("value", NOT_KEYS, ids=["word", "fraction", "huge", "nul"])
@pytest.mark.parametrize("field", ["headshot", "user"])
def test_a_hand_made_key_in_the_author_form_is_a_form_error(admin_client, field, value):
    author = make_author(name="Kept")
    response = admin_client.post(
        reverse("admin:articles_author_change", args=[author.pk]),
        {"name": "Changed", "slug": author.slug, field: value},
    )

    assert response.status_code == 200
    assert field_errors(response, field)
    assert Author.objects.get(pk=author.pk).name == "Kept"


@pytest.mark.parametrize("value", NOT_KEYS, ids=["word", "fraction", "huge", "nul"])
def test_a_hand_made_parent_in_the_category_form_is_a_form_error(admin_client, value):
    section = make_category(name="Kept")
    response = admin_client.post(
        reverse("admin:articles_category_change", args=[section.pk]),
        {"name": "Changed", "slug": section.slug, "position": 0, "parent": value},
    )

    assert response.status_code == 200
    assert field_errors(response, "parent")
    assert Category.objects.get(pk=section.pk).name == "Kept"


@pytest.mark.parametrize(
    "changelist, query",
    [
        ("articles/article", "status__exact=%00"),
        ("articles/article", "q=%00"),
        ("articles/article", "q=bud%00get"),
        ("articles/article", "author=%00"),
        ("articles/author", "q=%00"),
        ("articles/author", "has_login=%00"),
        ("articles/category", "q=%00"),
        ("articles/category", "is_in_navigation__exact=%00"),
        ("articles/byline", "role__exact=%00"),
        ("articles/correction", "kind__exact=%00"),
        ("photos/image", "q=%00"),
        ("photos/image", "source=%00"),
        ("taggit/tag", "q=%00"),
        ("auth/user", "q=%00"),
    ],
)
def test_a_nul_in_a_list_filter_or_search_finds_nothing_special(
    admin_client, changelist, query
):
    """PostgreSQL refuses a NUL in any string: the list is shown as if the value had
    not been given, not a 500."""
    complete_story()
    response = admin_client.get(f"/admin/{changelist}/?{query}")

    assert response.status_code in {200, 302}
    if response.status_code == 302:  # the admin's own "wrong filter" answer
        assert admin_client.get(response.url).status_code == 200


@pytest.mark.parametrize(
    "model, field",
    [
        ("byline", "article"),
        ("correction", "article"),
        ("byline", "author"),
        ("article", "lead_image"),
        ("article", "primary_category"),
        ("article", "tags"),
        ("author", "headshot"),
        ("author", "user"),
        ("category", "parent"),
    ],
)
def test_a_nul_in_an_autocomplete_term_finds_nothing_special(
    admin_client, model, field
):
    complete_story()
    response = admin_client.get(
        "/admin/autocomplete/",
        {
            "app_label": "articles",
            "model_name": model,
            "field_name": field,
            "term": "a\x00b",
        },
    )

    assert response.status_code == 200
    assert response.json()["results"] == []


@pytest.mark.parametrize("chosen", ["9" * 20, "abc", "\x00", ""])
def test_comparing_a_version_that_cannot_exist_is_a_404(admin_client, chosen):
    story = complete_story()
    assert change(admin_client, story, headline="Saved once").status_code == 302
    url = reverse("admin:articles_article_compare", args=[story.pk])

    response = admin_client.get(url, {"from": chosen, "to": chosen})

    assert response.status_code == 404


def test_the_story_form_still_takes_real_keys(admin_client):
    """The checks above refuse only what could never be a key."""
    story = complete_story(headline="Kept", authors=[make_author()])
    picture, section = make_image(), make_category()
    response = change(
        admin_client,
        story,
        social_image=picture.pk,
        categories=[section.pk],
        insert_image=picture.pk,
        _publish_changes="1",  # a live story: its changes published at once
        **{"bylines-0-author": story.bylines.get().author_id},
    )
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.social_image == picture
    assert list(story.categories.all()) == [section]
    assert form_data(story)["bylines-TOTAL_FORMS"] == "1"
