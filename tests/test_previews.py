"""Shareable preview links: signed, expiring, revocable, never indexed; and nothing
else exposes a draft."""

from datetime import timedelta

import lxml.html
import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.previews import preview_path

from .factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    return make_article(
        headline="Embargoed: the harbor deal",
        status=Article.Status.DRAFT,
        body="<p>Secret terms.</p>",
    )


def test_a_valid_link_shows_the_draft_to_anyone_without_indexing(client, draft):
    response = client.get(preview_path(draft))
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Cache-Control"] == "private, no-store"
    page = lxml.html.fromstring(response.content)
    assert page.cssselect("h1")[0].text_content() == draft.headline
    robots = page.cssselect('meta[name="robots"]')[0].get("content")
    assert robots == "noindex, nofollow"
    assert page.cssselect(".preview-banner")
    assert page.cssselect('script[type="application/ld+json"]') == []
    # The draft itself stays a 404 at its own address.
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_a_link_expires_after_48_hours(client, draft):
    path = preview_path(draft)
    with time_machine.travel(timezone.now() + timedelta(hours=47, minutes=59)):
        assert client.get(path).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(hours=48, minutes=1)):
        assert client.get(path).status_code == 404


def test_revoking_ends_every_link_given_out(admin_client, client, draft):
    old = preview_path(draft)
    admin_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "revoke_previews", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert client.get(old).status_code == 404
    assert client.get(preview_path(draft)).status_code == 200


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: token.replace(token.split(":")[0], "eyJpZCI6OTk5fQ", 1),
        lambda token: "not-a-token",
        lambda token: "",
    ],
    ids=["signature", "payload", "garbage", "empty"],
)
def test_a_tampered_link_shows_nothing(client, draft, tamper):
    token = preview_path(draft).strip("/").split("/")[-1]
    response = client.get(f"/preview/{tamper(token) or 'x'}/")
    assert response.status_code == 404
    assert b"Secret terms" not in response.content


def test_the_story_form_offers_the_link(admin_client, draft):
    page = lxml.html.fromstring(
        admin_client.get(
            reverse("admin:articles_article_change", args=[draft.pk])
        ).content
    )
    link = page.cssselect("a.newsroom-preview-link")[0].get("href")
    assert link.startswith("/preview/")
    assert admin_client.get(link).status_code == 200


def test_a_preview_shows_the_drafts_pictures_and_only_to_its_holder(client):
    from .factories import fetch_picture, jpeg_file, make_image

    lead, placed = (
        make_image(file=jpeg_file(1600, 900)),
        make_image(file=jpeg_file(800, 600)),
    )
    story = make_article(
        status=Article.Status.DRAFT,
        lead_image=lead,
        body=f'<p>Text.</p><figure data-image-id="{placed.pk}"></figure>',
    )
    other = make_article(status=Article.Status.DRAFT)
    page = lxml.html.fromstring(client.get(preview_path(story)).content)
    sources = [img.get("src") for img in page.cssselect(".story img")]
    assert len(sources) == 2
    for src in sources:
        assert "?preview=" in src
        assert fetch_picture(client, src).format == "JPEG"
        assert client.get(src.split("?")[0]).status_code == 404  # no token, no picture
    foreign = preview_path(other).strip("/").split("/")[-1]
    assert (
        client.get(f"{sources[0].split('?')[0]}?preview={foreign}").status_code == 404
    )
