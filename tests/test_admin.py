"""The newsroom admin: every screen loads, and an editor can file a story from it."""

import json
from datetime import timedelta

import lxml.html
import pytest
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, Author, Byline, Category, Correction
from photos.models import Image, Rendition
from photos.renditions import SPECS

from .factories import (
    fetch_picture,
    jpeg_file,
    make_article,
    make_author,
    make_category,
    make_image,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def story():
    author = make_author(name="Maya Okafor")
    article = make_article(
        headline="Budget fight",
        authors=[author, make_author(name="Sam Adeyemi")],
        lead_image=make_image(),
        tags=["Budget"],
    )
    Correction.objects.create(
        article=article, text="An earlier version misspelled a name."
    )
    return article


MODELS = [Article, Author, Byline, Category, Correction, Image, Tag]


def test_renditions_are_listed_but_not_edited(admin_client, story):
    image = story.lead_image
    admin_client.get(image.get_rendition_url(SPECS["card"], 64))
    rendition = Rendition.objects.get()
    assert admin_client.get(admin_url(Rendition, "changelist")).status_code == 200
    change = admin_client.get(admin_url(Rendition, "change", rendition.pk))
    assert change.status_code == 200  # a read-only view
    assert admin_client.get(admin_url(Rendition, "add")).status_code == 403


def admin_url(model, action, *args):
    return reverse(
        f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args
    )


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_changelist_and_add_pages_load(admin_client, story, model):
    assert admin_client.get(admin_url(model, "changelist")).status_code == 200
    assert admin_client.get(admin_url(model, "add")).status_code == 200


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_change_page_loads(admin_client, story, model):
    instance = model.objects.first()
    assert admin_client.get(admin_url(model, "change", instance.pk)).status_code == 200


def test_admin_pages_name_the_sites_icon(client, admin_client, story):
    """A browser asks for /favicon.ico, a 404, on a page that names no icon: the
    admin's sign-in, index, lists and forms name the reader site's."""
    pages = [
        (client, reverse("admin:login")),
        (admin_client, reverse("admin:index")),
        (admin_client, admin_url(Article, "changelist")),
        (admin_client, admin_url(Article, "change", story.pk)),
    ]
    for asker, url in pages:
        page = lxml.html.fromstring(asker.get(url).content)
        icons = page.cssselect('head link[rel="icon"]')
        assert [icon.get("href").rsplit("/", 1)[-1] for icon in icons] == [
            "favicon.svg"
        ], url


def test_taggits_own_merge_that_would_move_no_story_is_gone(admin_client, story):
    # django-taggit's merge moved its own generic tagged items, not our stories'
    # (ours: tests/test_tag_merge.py).
    tag = Tag.objects.get(name="Budget")
    change = admin_client.get(reverse("admin:taggit_tag_change", args=[tag.pk]))
    assert change.status_code == 200
    admin_client.post("/admin/taggit/tag/merge-tags/", {"new_tag_name": "Harbour"})
    assert not Tag.objects.filter(name="Harbour").exists()
    assert list(story.tags.names()) == ["Budget"]


def test_article_list_shows_status_time_section_and_byline(admin_client, story):
    make_article(headline="Tomorrow", published_at=timezone.now() + timedelta(days=1))
    page = lxml.html.fromstring(
        admin_client.get(admin_url(Article, "changelist")).content
    )
    headers = [
        th.text_content().strip() for th in page.cssselect("#result_list thead th")
    ]
    assert headers[1:] == [
        "Picture",
        "Headline",
        "Status",
        "Publish time",
        "Section",
        "Byline",
        "Assigned to",
        "Image rights",
    ]
    rows = {
        row.cssselect(".field-headline")[0].text_content(): row
        for row in page.cssselect("#result_list tbody tr")
    }
    budget = rows["Budget fight"]
    assert budget.cssselect(".field-visibility")[0].text_content() == "Published"
    assert (
        budget.cssselect(".field-byline")[0].text_content()
        == "Maya Okafor, Sam Adeyemi"
    )
    assert budget.cssselect(".field-primary_category")[0].text_content() == str(
        story.primary_category
    )
    assert budget.cssselect(".field-list_thumbnail img")
    assert (
        rows["Tomorrow"].cssselect(".field-visibility")[0].text_content() == "Scheduled"
    )


def test_article_list_queries_do_not_grow_with_stories(
    admin_client, assert_flat_queries
):
    def add():
        make_article(lead_image=make_image(), authors=[make_author(), make_author()])

    assert_flat_queries(
        admin_url(Article, "changelist"), add, limit=15, client=admin_client
    )


def test_change_form_offers_view_on_site_and_image_preview(admin_client, story):
    page = lxml.html.fromstring(
        admin_client.get(admin_url(Article, "change", story.pk)).content
    )
    view_on_site = page.cssselect("a.viewsitelink")[0].get("href")
    assert view_on_site == story.get_absolute_url()
    assert admin_client.get(view_on_site).status_code == 200
    preview = page.cssselect(".field-lead_image_preview img")[0].get("src")
    assert preview.startswith(f"/images/{story.lead_image.pk}/")
    assert fetch_picture(admin_client, preview).format == "JPEG"


@pytest.mark.parametrize(
    "not_public",
    [
        {"status": Article.Status.DRAFT},
        {"published_at": timezone.now() + timedelta(days=1)},
    ],
    ids=["draft", "scheduled"],
)
def test_no_view_on_site_link_for_stories_readers_cannot_see(admin_client, not_public):
    article = make_article(**not_public)
    page = lxml.html.fromstring(
        admin_client.get(admin_url(Article, "change", article.pk)).content
    )
    assert page.cssselect("a.viewsitelink") == []


def test_slug_is_prepopulated_from_the_headline(admin_client):
    page = lxml.html.fromstring(admin_client.get(admin_url(Article, "add")).content)
    config = json.loads(
        page.cssselect("#django-admin-prepopulated-fields-constants")[0].get(
            "data-prepopulated-fields"
        )
    )
    assert {"id": "#id_slug", "dependency_ids": ["#id_headline"]}.items() <= {
        k: v for k, v in config[0].items() if k in ("id", "dependency_ids")
    }.items()


@pytest.mark.parametrize(
    "field", ["lead_image", "primary_category", "categories", "tags"]
)
def test_article_form_uses_autocomplete(admin_client, field):
    page = lxml.html.fromstring(admin_client.get(admin_url(Article, "add")).content)
    widget = page.cssselect(f"#id_{field}")[0]
    # Image fields use the admin's autocomplete with thumbnails (our own set-up).
    assert widget.get("class").split()[-1] in {
        "admin-autocomplete",
        "newsroom-image-autocomplete",
    }
    assert widget.get("data-ajax--url") == "/admin/autocomplete/"


def autocomplete(client, field, term, model="article"):
    response = client.get(
        "/admin/autocomplete/",
        {
            "app_label": "articles",
            "model_name": model,
            "field_name": field,
            "term": term,
        },
    )
    assert response.status_code == 200
    return [result["text"] for result in response.json()["results"]]


def test_autocomplete_finds_tags_authors_categories_and_images(admin_client, story):
    make_category(name="Climate")
    assert autocomplete(admin_client, "tags", "bud") == ["Budget"]
    assert autocomplete(admin_client, "primary_category", "clim") == ["Climate"]
    assert autocomplete(admin_client, "author", "maya", model="byline") == [
        "Maya Okafor"
    ]
    make_image(title="Harbor at dawn")
    assert autocomplete(admin_client, "lead_image", "harbor") == ["Harbor at dawn"]


def article_form_data(**overrides):
    data = {
        "headline": "Ferry fares rise",
        "slug": "ferry-fares-rise",
        "dek": "What the new fares cost.",
        "body": "<p>Fares rise on Monday.</p><script>alert(1)</script>",
        "status": "published",
        "published_at_0": "2026-03-02",
        "published_at_1": "09:30:00",
        "bylines-TOTAL_FORMS": "2",
        "bylines-INITIAL_FORMS": "0",
        "bylines-MIN_NUM_FORMS": "0",
        "bylines-MAX_NUM_FORMS": "1000",
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
        "corrections-MIN_NUM_FORMS": "0",
        "corrections-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def test_editor_files_a_story_with_ordered_bylines_and_tags(admin_client):
    first, second = make_author(name="Second Writer"), make_author(name="First Writer")
    section = make_category(name="Transportation")
    Tag.objects.create(name="Ferries", slug="ferries")
    data = article_form_data(
        primary_category=section.pk,
        lead_image=make_image().pk,
        tags=[Tag.objects.get().pk],
        new_tags="Fares, Harbor",
        **{
            "bylines-0-author": second.pk,
            "bylines-0-role": "author",
            "bylines-0-position": "0",
            "bylines-1-author": first.pk,
            "bylines-1-role": "author",
            "bylines-1-position": "1",
        },
    )
    response = admin_client.post(admin_url(Article, "add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get()
    assert [b.author for b in article.bylines.all()] == [second, first]
    assert sorted(article.tags.names()) == ["Fares", "Ferries", "Harbor"]
    assert "<script>" not in article.body
    assert timezone.localtime(article.published_at).hour == 9


def test_invalid_article_form_keeps_what_was_typed(admin_client):
    data = article_form_data(published_at_0="", published_at_1="")
    response = admin_client.post(admin_url(Article, "add"), data)
    assert response.status_code == 200
    assert not Article.objects.exists()
    page = lxml.html.fromstring(response.content)
    assert (
        "A published story needs a publish time."
        in page.cssselect(".errorlist")[0].text_content()
    )
    assert page.cssselect("#id_headline")[0].get("value") == "Ferry fares rise"
    assert "Fares rise on Monday." in page.cssselect("#id_body")[0].text_content()


def test_two_bylines_for_one_author_are_refused(admin_client):
    author = make_author()
    data = article_form_data(
        **{
            "bylines-0-author": author.pk,
            "bylines-0-role": "author",
            "bylines-0-position": "0",
            "bylines-1-author": author.pk,
            "bylines-1-role": "contributor",
            "bylines-1-position": "1",
        }
    )
    response = admin_client.post(admin_url(Article, "add"), data)
    assert response.status_code == 200
    assert not Article.objects.exists()
    assert "Please correct the duplicate data for author" in response.content.decode()


def test_image_upload_records_size_and_uploader(admin_client, admin_user):
    response = admin_client.post(
        admin_url(Image, "add"),
        {
            "file": jpeg_file(width=300, height=200, name="harbor.jpg"),
            "title": "Harbor",
            "alt_text": "Boats in the harbor",
            "caption": "",
            "credit": "Ana Lopes/Harbor Light",
            "source": "Harbor Light",
            "rights": "",
            "focal_x": "0.5",
            "focal_y": "0.5",
        },
    )
    assert response.status_code == 302
    image = Image.objects.get()
    assert (image.width, image.height, image.uploaded_by) == (300, 200, admin_user)


def test_image_list_shows_thumbnails(admin_client):
    make_image()
    page = lxml.html.fromstring(
        admin_client.get(admin_url(Image, "changelist")).content
    )
    src = page.cssselect(".field-list_thumbnail img")[0].get("src")
    assert fetch_picture(admin_client, src).size == (64, 48)


def test_guest_contributors_can_be_filtered(admin_client):
    make_author(name="Guest Writer")
    page = lxml.html.fromstring(
        admin_client.get(admin_url(Author, "changelist") + "?has_login=no").content
    )
    names = [a.text_content() for a in page.cssselect("#result_list .field-name a")]
    assert names == ["Guest Writer"]


def test_a_hand_made_selection_is_refused_calmly_on_every_list(admin_client, story):
    """An action posted with ids no row could have ("abc", past the column's range):
    the list says nothing was selected, and nothing is done, on every admin list."""
    from django.apps import apps
    from django.contrib import admin
    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
    from django.urls import NoReverseMatch

    lists = []
    for model in filter(admin.site.is_registered, apps.get_models()):
        try:
            lists.append(admin_url(model, "changelist"))
        except NoReverseMatch:  # an admin of pages of its own (the notes')
            continue
    assert admin_url(Tag, "changelist") in lists
    for url in lists:
        for selected in ["abc", "99999999999999999999"]:
            answer = admin_client.post(
                url, {"action": "delete_selected", ACTION_CHECKBOX_NAME: [selected]}
            )
            assert answer.status_code in (200, 302), (url, selected)
    assert Tag.objects.filter(name="Budget").exists()
