"""The article form's Preview button: the story page as the form is now, for staff,
with nothing saved."""

import lxml.html
import pytest
from django.urls import reverse
from taggit.models import Tag

from articles.models import Article, Author

from .admin_forms import complete_story, form_data
from .factories import make_author, make_image

pytestmark = pytest.mark.django_db


def preview(client, article, **changes):
    url = reverse("admin:articles_article_preview", args=[article.pk])
    return client.post(url, form_data(article, **changes))


def test_preview_draws_the_typed_story_and_saves_nothing(client, people):
    story = complete_story(status=Article.Status.DRAFT, headline="Old headline")
    client.force_login(people["editor"])
    picture = make_image(caption="Gulls over the breakwater.")
    body = (
        "<p>First paragraph typed just now.</p>"
        '<aside class="pull-quote">A line worth repeating.</aside>'
        f'<figure data-image-id="{picture.pk}"></figure>'
    )

    response = preview(client, story, headline="A headline typed just now", body=body)

    assert response.status_code == 200
    page = lxml.html.fromstring(response.content)
    assert page.cssselect("h1")[0].text_content().strip() == "A headline typed just now"
    assert page.cssselect(".story__body .pull-quote")[0].text_content() == (
        "A line worth repeating."
    )
    assert (
        "Gulls over the breakwater." in page.cssselect(".story__body")[0].text_content()
    )
    assert "not saved" in page.cssselect(".preview-banner")[0].text_content()
    assert (
        page.cssselect('meta[name="robots"]')[0].get("content") == "noindex, nofollow"
    )
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))
    story.refresh_from_db()
    assert story.headline == "Old headline"
    assert "typed just now" not in story.body
    assert not story.inline_image_links.exists()


def test_preview_shows_typed_bylines_and_new_tags_without_keeping_them(client, people):
    story = complete_story(status=Article.Status.DRAFT)
    guest = make_author(name="Guest Columnist")
    client.force_login(people["editor"])
    data = form_data(story, new_tags="harbor dredging, ferries")
    data.update(
        {
            "bylines-TOTAL_FORMS": "2",
            "bylines-1-author": guest.pk,
            "bylines-1-position": "1",
            "bylines-1-role": "author",
        }
    )

    response = client.post(
        reverse("admin:articles_article_preview", args=[story.pk]), data
    )

    assert response.status_code == 200
    text = lxml.html.fromstring(response.content).text_content()
    assert "Guest Columnist" in text
    assert "harbor dredging" in text
    assert story.bylines.count() == 1
    assert not Tag.objects.filter(name="harbor dredging").exists()


def test_a_new_unsaved_story_can_be_previewed(client, people):
    author = make_author(name="Ines Farrow")
    client.force_login(people["writer"])
    data = {
        "headline": "Ferry fares rise in spring",
        "slug": "ferry-fares",
        "dek": "A dek.",
        "body": "<p>Fares go up by a quarter.</p>",
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        "bylines-TOTAL_FORMS": "1",
        "bylines-INITIAL_FORMS": "0",
        "bylines-0-author": author.pk,
        "bylines-0-position": "0",
        "bylines-0-role": "author",
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
    }

    response = client.post(reverse("admin:articles_article_preview_new"), data)

    assert response.status_code == 200
    page = lxml.html.fromstring(response.content)
    assert (
        page.cssselect("h1")[0].text_content().strip() == "Ferry fares rise in spring"
    )
    assert "Ines Farrow" in page.text_content()
    assert not Article.objects.exists()
    assert Author.objects.count() == 1


def test_a_stale_or_unfinished_form_still_previews(client, people):
    story = complete_story(lead_image=None)  # published, yet missing its picture
    client.force_login(people["editor"])

    response = preview(client, story, headline="Still drawn", edit_version="stale")

    assert response.status_code == 200
    assert b"Still drawn" in response.content


def test_an_invalid_form_says_what_to_fix_and_saves_nothing(client, people):
    story = complete_story(status=Article.Status.DRAFT, headline="Kept")
    client.force_login(people["editor"])

    response = preview(client, story, headline="", body="<p>New words</p>")

    assert response.status_code == 400
    problems = [
        li.text_content()
        for li in lxml.html.fromstring(response.content).cssselect("ul.errorlist li")
    ]
    assert "Headline: This field is required." in problems
    story.refresh_from_db()
    assert story.headline == "Kept"


def test_preview_follows_the_roles(client, people):
    someone_elses = complete_story(status=Article.Status.DRAFT)
    client.force_login(people["writer"])
    # Not hers to see: for her it does not exist (tests/test_workflow.py).
    assert preview(client, someone_elses)["Location"] == reverse("admin:index")
    published = complete_story(status=Article.Status.PUBLISHED)
    assert preview(client, published).status_code == 403

    client.force_login(people["photo editor"])
    assert preview(client, someone_elses).status_code == 403

    client.logout()
    response = preview(client, someone_elses)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_the_form_has_a_preview_button_that_opens_a_new_tab(client, people):
    story = complete_story(status=Article.Status.DRAFT)
    client.force_login(people["editor"])

    response = client.get(reverse("admin:articles_article_change", args=[story.pk]))

    button = lxml.html.fromstring(response.content).cssselect(
        "button.newsroom-preview-button"
    )[0]
    assert button.get("formaction") == reverse(
        "admin:articles_article_preview", args=[story.pk]
    )
    assert button.get("formtarget") == "_blank"
