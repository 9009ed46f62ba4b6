"""Autosave: the story form's working copy kept on the server as she types, offered
back when the story is opened again, and never a save of the story."""

import json
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, WorkingCopy
from delivery import page_cache
from delivery.models import Invalidation

from .admin_forms import change, complete_story
from .factories import make_article

pytestmark = pytest.mark.django_db

KEY = "3f2a9c1e-7b4d-4e8a-9f00-1234abcd5678"


def autosave_url(article=None):
    if article is None:
        return reverse("admin:articles_article_autosave_new")
    return reverse("admin:articles_article_autosave", args=[article.pk])


def keep(client, article=None, key="", **fields):
    data = {name: [value] for name, value in fields.items()}
    return client.post(autosave_url(article), {"data": json.dumps(data), "key": key})


def offered(client, article=None, key=""):
    return client.get(autosave_url(article), {"key": key} if key else {}).json()


@pytest.fixture
def story():
    return complete_story(headline="Ferry fares rise", body="<p>Fares rise.</p>")


def test_a_working_copy_changes_nothing_readers_or_the_history_see(admin_client, story):
    """Autosave is not a save: the story, its history, the invalidation outbox and
    the page cache's versions all stay as they were."""
    cache.set(page_cache.SEQUENCE_KEY, 1000, None)
    outbox = Invalidation.objects.count()
    versions = Version.objects.count()
    saved_at = story.modified_at

    response = keep(admin_client, story, headline="Ferry fares rise again")

    assert response.status_code == 200
    story.refresh_from_db()
    assert story.headline == "Ferry fares rise"
    assert story.modified_at == saved_at
    assert Invalidation.objects.count() == outbox
    assert Version.objects.count() == versions
    assert cache.get(page_cache.SEQUENCE_KEY) == 1000
    assert admin_client.get(story.get_absolute_url()).status_code == 200
    assert "again" not in admin_client.get(story.get_absolute_url()).text


def test_the_working_copy_is_offered_back_when_the_story_is_opened_again(
    admin_client, story
):
    keep(admin_client, story, headline="Ferry fares rise again", body="<p>Mid-sen")
    offer = offered(admin_client, story)
    assert offer["working_copy"]["data"]["body"] == ["<p>Mid-sen"]
    assert offer["browser_key"].endswith(f":{story.pk}")
    # Kept again, it is the same copy, newer.
    keep(admin_client, story, body="<p>Mid-sentence, and on.</p>")
    assert WorkingCopy.objects.count() == 1
    assert offered(admin_client, story)["working_copy"]["data"]["body"] == [
        "<p>Mid-sentence, and on.</p>"
    ]


def test_a_working_copy_older_than_the_saved_story_is_not_offered(admin_client, story):
    keep(admin_client, story, headline="An old idea")
    # Someone saves the story afterwards: the copy is stale.
    Article.objects.filter(pk=story.pk).update(
        modified_at=timezone.now() + timedelta(seconds=1)
    )
    assert offered(admin_client, story)["working_copy"] is None


def test_saving_the_story_uses_up_the_working_copy(admin_client, story):
    keep(admin_client, story, headline="Ferry fares rise again")
    response = change(admin_client, story, headline="Ferry fares rise again")
    assert response.status_code == 302
    assert not WorkingCopy.objects.exists()


def test_a_new_story_is_offered_back_on_add_story_until_it_is_saved(admin_client):
    keep(admin_client, key=KEY, headline="Harbor deal", body="<p>The deal is")
    offer = offered(admin_client, key=KEY)
    assert offer["working_copy"]["key"] == KEY
    assert offer["working_copy"]["data"]["headline"] == ["Harbor deal"]
    assert offer["used"] is False

    make = reverse("admin:articles_article_add")
    response = admin_client.post(
        make,
        {
            "headline": "Harbor deal",
            "slug": "harbor-deal",
            "status": "draft",
            "body": "<p>The deal is done.</p>",
            "bylines-TOTAL_FORMS": "0",
            "bylines-INITIAL_FORMS": "0",
            "corrections-TOTAL_FORMS": "0",
            "corrections-INITIAL_FORMS": "0",
            "_working_copy_key": KEY,
        },
    )
    assert response.status_code == 302
    offer = offered(admin_client, key=KEY)
    # Saved as a story: nothing to offer, and the browser's copy is stale too.
    assert offer["working_copy"] is None
    assert offer["used"] is True


def test_discarding_drops_the_working_copy(admin_client, story):
    keep(admin_client, story, headline="Not this")
    response = admin_client.post(autosave_url(story), {"discard": "1"})
    assert response.json() == {"discarded": True}
    assert offered(admin_client, story)["working_copy"] is None


def test_each_person_has_her_own_working_copy(client, admin_client, people, story):
    keep(admin_client, story, headline="The admin's")
    client.force_login(people["editor"])
    assert offered(client, story)["working_copy"] is None


@pytest.mark.parametrize(
    "data, message",
    [
        ("not json", "not valid JSON"),
        ('["a list"]', "must map field names"),
        ('{"headline": "not a list"}', "must be a list of texts"),
        ('{"headline": [1]}', "must be a list of texts"),
        ('{"headline": ["\\u0000"]}', "characters no form can"),
    ],
)
def test_a_malformed_working_copy_is_refused_with_a_reason(
    admin_client, story, data, message
):
    response = admin_client.post(autosave_url(story), {"data": data})
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not WorkingCopy.objects.exists()


def test_a_new_story_copy_needs_its_forms_key(admin_client):
    response = keep(admin_client, key="../../etc", headline="x")
    assert response.status_code == 400
    assert not WorkingCopy.objects.exists()


def test_only_who_may_change_the_story_keeps_a_working_copy(client, people, story):
    """A writer may not change a published story; a story she cannot see does not
    exist for her; the photo desk may not add stories."""
    draft = make_article(headline="A colleague's draft", status=Article.Status.DRAFT)
    client.force_login(people["writer"])
    assert keep(client, story, headline="x").status_code == 403
    assert keep(client, draft, headline="x").status_code == 404
    client.force_login(people["photo editor"])
    assert keep(client, key=KEY, headline="x").status_code == 403
    assert not WorkingCopy.objects.exists()


def test_autosave_needs_the_csrf_token(people, story):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(people["editor"])
    assert keep(client, story, headline="x").status_code == 403
    assert not WorkingCopy.objects.exists()


def test_autosave_asks_few_queries(admin_client, story, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        keep(admin_client, story, headline="x")
    with django_assert_max_num_queries(12):
        offered(admin_client, story)


def test_a_working_copy_older_than_prepared_changes_is_not_offered(admin_client, story):
    """Changes prepared for a live story are a save too: a copy from before is
    stale."""
    from .test_pending_changes import form_data

    keep(admin_client, story, headline="An older idea")
    admin_client.post(
        reverse("admin:articles_article_change", args=[story.pk]),
        form_data(story, headline="Ferry fares rise, again"),
    )
    assert offered(admin_client, story)["working_copy"] is None


def test_new_story_copies_a_month_old_are_let_go(admin_client):
    keep(admin_client, key=KEY, headline="Long forgotten")
    WorkingCopy.objects.update(saved_at=timezone.now() - timedelta(days=31))
    keep(admin_client, key="a1b2c3d4-0000-4000-8000-000000000000", headline="Today")
    assert [c.data["headline"] for c in WorkingCopy.objects.all()] == [["Today"]]


@pytest.mark.parametrize("object_id", ["abc", "1%00", "99999999999999999999", "-1"])
def test_an_odd_story_id_is_a_clear_404(admin_client, object_id):
    url = f"/admin/articles/article/{object_id}/autosave/"
    for response in [admin_client.get(url), admin_client.post(url, {"data": "{}"})]:
        assert response.status_code == 404
        assert "no such story" in response.json()["error"]


def test_autosave_answers_only_get_and_post(admin_client, story):
    assert admin_client.put(autosave_url(story)).status_code == 405
    assert admin_client.delete(autosave_url(story)).status_code == 405


def test_half_a_surrogate_pair_is_refused_not_stored(admin_client, story):
    """A lone surrogate (escaped in the JSON) is no text a form holds; PostgreSQL's
    JSON refuses it, so it is refused before it is kept."""
    response = admin_client.post(
        autosave_url(story), {"data": '{"headline": ["\\ud800"]}'}
    )
    assert response.status_code == 400
    assert "characters no form can" in response.json()["error"]
    assert not WorkingCopy.objects.exists()
