"""Bylines as editors think of them: printed in the list's order whatever their roles,
the writer's own filled in on a new story, and an author profile made in one step by
a staff member who has none. (Dragging rows: tests/test_browser.py.)"""

import json

import lxml.html
import pytest
from django.urls import reverse

from articles.models import Article, Author, Byline

from .admin_forms import complete_story, form_data
from .factories import make_article, make_author

pytestmark = pytest.mark.django_db

OWN_AUTHOR = "admin:articles_article_own_author"


def parse(response):
    assert response.status_code == 200
    return lxml.html.fromstring(response.content.decode())


def test_the_story_page_prints_bylines_in_the_list_order_whatever_their_role(client):
    lee, maya = make_author(name="Lee Chan"), make_author(name="Maya Okafor")
    story = make_article(authors=[])
    Byline.objects.create(
        article=story, author=lee, role=Byline.Role.CONTRIBUTOR, position=0
    )
    Byline.objects.create(article=story, author=maya, position=1)
    page = parse(client.get(story.get_absolute_url()))
    byline = page.cssselect(".story__byline .byline")[0]
    assert " ".join(byline.text_content().split()) == (
        "By Lee Chan (contributor) and Maya Okafor"
    )
    assert not page.cssselect(".story__contributors")


def test_positions_come_from_the_rows_and_the_page_follows_them(client, people):
    client.force_login(people["editor"])
    ana, ben = make_author(name="Ana One"), make_author(name="Ben Two")
    story = complete_story(authors=[ana, ben])
    data = form_data(story)
    # The rows as dragged: Ben first (bylines.js writes positions from the order).
    data["bylines-0-position"], data["bylines-1-position"] = "1", "0"
    data["_publish_changes"] = "1"  # a live story (articles/admin/pending.py)
    url = reverse("admin:articles_article_change", args=[story.pk])
    assert client.post(url, data).status_code == 302
    client.logout()
    page = parse(client.get(story.get_absolute_url()))
    byline = page.cssselect(".story__byline .byline")[0]
    assert byline.text_content() == "By Ben Two and Ana One"


def test_the_position_is_not_typed_but_dragged(client, people):
    client.force_login(people["editor"])
    story = make_article()
    page = parse(client.get(reverse("admin:articles_article_change", args=[story.pk])))
    position = page.cssselect("input[name=bylines-0-position]")[0]
    assert position.get("type") == "hidden"
    assert page.cssselect('script[src$="js/bylines.js"]')
    heading = page.cssselect("#bylines-heading")[0].text_content()
    assert "drag to reorder" in heading


def test_a_new_story_starts_with_the_writers_own_byline(client, people):
    writer = people["writer"]
    mine = make_author(name="Wendy Writer", user=writer)
    client.force_login(writer)
    page = parse(client.get(reverse("admin:articles_article_add")))
    chosen = page.cssselect("select[name=bylines-0-author] option[selected]")
    assert [(o.get("value"), o.text_content()) for o in chosen] == [
        (str(mine.pk), "Wendy Writer")
    ]
    # Saved as it is offered, the byline is hers.
    data = {**form_data(Article(status="draft")), "headline": "Mine", "slug": "mine"}
    data.update(
        {
            "bylines-TOTAL_FORMS": "1",
            "bylines-0-author": mine.pk,
            "bylines-0-role": "author",
            "bylines-0-position": "0",
        }
    )
    assert client.post(reverse("admin:articles_article_add"), data).status_code == 302
    assert [b.author for b in Article.objects.get(slug="mine").bylines.all()] == [mine]


def test_someone_with_an_author_profile_is_not_offered_another(client, people):
    make_author(user=people["writer"])
    client.force_login(people["writer"])
    page = parse(client.get(reverse("admin:articles_article_add")))
    assert not page.cssselect(".newsroom-own-author")


def test_a_writer_without_a_profile_makes_hers_in_one_step(client, people):
    writer = people["writer"]
    writer.first_name, writer.last_name = "Wendy", "Writer"
    writer.save()
    client.force_login(writer)
    page = parse(client.get(reverse("admin:articles_article_add")))
    offer = page.cssselect(".newsroom-own-author")[0]
    assert offer.cssselect("input")[0].get("value") == "Wendy Writer"
    assert offer.get("data-url") == reverse(OWN_AUTHOR)

    response = client.post(reverse(OWN_AUTHOR), {"name": "  Wendy   Writer "})
    assert response.status_code == 200
    made = Author.objects.get(user=writer)
    assert json.loads(response.content) == {"id": made.pk, "name": "Wendy Writer"}
    assert made.slug == "wendy-writer"
    # Asked again (a second click): the same profile, not another.
    again = client.post(reverse(OWN_AUTHOR), {"name": "Wendy W."})
    assert json.loads(again.content)["id"] == made.pk
    assert Author.objects.filter(user=writer).count() == 1


def test_a_profile_needs_a_name_and_a_slug_taken_gets_another(client, people):
    make_author(name="Wendy Writer", slug="wendy-writer")
    client.force_login(people["writer"])
    empty = client.post(reverse(OWN_AUTHOR), {"name": " \x00 "})
    assert empty.status_code == 400
    assert (
        json.loads(empty.content)["error"] == "Type your name as it should be printed."
    )
    assert not Author.objects.filter(user=people["writer"]).exists()
    made = client.post(reverse(OWN_AUTHOR), {"name": "Wendy Writer"})
    assert made.status_code == 200
    assert Author.objects.get(user=people["writer"]).slug == "wendy-writer-2"


def test_only_those_who_write_stories_may_make_a_profile_this_way(client, people):
    client.force_login(people["photo editor"])
    assert client.post(reverse(OWN_AUTHOR), {"name": "Pat Photo"}).status_code == 403
    assert not Author.objects.exists()
    client.force_login(people["writer"])
    assert client.get(reverse(OWN_AUTHOR)).status_code == 405
