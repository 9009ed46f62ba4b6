"""Every refusal a role meets in the admin is an admin page saying what she may do
instead, never a bare 403; and the admin shows no link that a role cannot open."""

from urllib.parse import urlsplit

import lxml.html
import pytest
from django.contrib import admin
from django.urls import reverse

from articles.models import Article

from .factories import make_article, make_author, make_image

pytestmark = pytest.mark.django_db

JOURNEY_ROLES = ["writer", "editor", "photo editor"]


@pytest.fixture
def newsroom(people):
    """Something of everything, so that every admin page has an object to open."""
    colleague = make_author(name="A colleague")
    story = make_article(lead_image=make_image(), authors=[colleague], tags=["harbor"])
    draft = make_article(status=Article.Status.DRAFT, authors=[colleague])
    return story, draft


def admin_pages():
    """Every admin page of every registered model: its list, its add form, and the
    change, history and delete pages of its first object."""
    for model, model_admin in admin.site._registry.items():
        info = model._meta.app_label, model._meta.model_name
        yield reverse("admin:{}_{}_changelist".format(*info))
        yield reverse("admin:{}_{}_add".format(*info))
        first = model_admin.model._default_manager.order_by("pk").first()
        if first is not None:
            for view in ["change", "history", "delete"]:
                yield reverse(f"admin:{info[0]}_{info[1]}_{view}", args=[first.pk])


def assert_styled_refusal(response, path):
    assert response.status_code == 403, path
    page = lxml.html.fromstring(response.content.decode())
    # The admin's own page: its header, its stylesheet, and a way on.
    assert page.cssselect("#header #site-name"), path
    assert page.cssselect('link[href$="admin/css/base.css"]'), path
    instead = page.cssselect(".newsroom-refusal__instead a")
    assert instead and instead[0].get("href") == reverse("admin:index"), path
    assert "What you can do instead" in page.text_content(), path


@pytest.mark.parametrize("role", JOURNEY_ROLES)
def test_each_refusal_a_role_meets_is_an_admin_page(client, people, newsroom, role):
    client.force_login(people[role])
    refused = []
    for path in admin_pages():
        response = client.get(path)
        if response.status_code == 403:
            assert_styled_refusal(response, path)
            refused.append(path)
    # Each role is refused something (the matrix in test_workflow.py says what).
    assert refused


def test_a_writer_is_told_her_role_and_offered_what_she_may_open(
    client, people, newsroom
):
    client.force_login(people["writer"])
    response = client.get(reverse("admin:articles_category_add"))
    assert_styled_refusal(response, "category add")
    page = lxml.html.fromstring(response.content.decode())
    assert "You are signed in as Writer." in " ".join(page.text_content().split())
    offered = [a.get("href") for a in page.cssselect(".newsroom-refusal__instead a")]
    assert reverse("admin:articles_article_add") in offered
    assert reverse("admin:articles_category_add") not in offered


def test_a_refused_post_is_an_admin_page_too(client, people, newsroom):
    story, _ = newsroom
    client.force_login(people["photo editor"])
    response = client.post(reverse("admin:articles_article_delete", args=[story.pk]))
    assert_styled_refusal(response, "delete")
    assert Article.objects.filter(pk=story.pk).exists()


def test_readers_keep_the_plain_refusal(client):
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    from newsroom.refusals import permission_denied

    request = RequestFactory().get("/some/page/")
    request.user = AnonymousUser()
    response = permission_denied(request)
    assert response.status_code == 403
    assert b"site-name" not in response.content


def links_on(html):
    page = lxml.html.fromstring(html)
    for href in page.xpath("//a/@href"):
        path = urlsplit(href).path
        if path.startswith("/admin/") and "logout" not in path:
            yield href


@pytest.mark.parametrize("role", JOURNEY_ROLES)
def test_the_admin_shows_no_link_its_role_cannot_open(client, people, newsroom, role):
    """From the desk, two clicks deep: every link shown opens."""
    client.force_login(people[role])
    seen, frontier = set(), [reverse("admin:index")]
    for _depth in range(2):
        found = []
        for path in frontier:
            response = client.get(path)
            assert response.status_code != 403, path
            if response.status_code == 200 and "html" in response["Content-Type"]:
                found += [
                    link for link in links_on(response.content) if link not in seen
                ]
            seen.add(path)
        frontier = list(dict.fromkeys(found))
    for path in frontier:
        assert client.get(path).status_code != 403, path
