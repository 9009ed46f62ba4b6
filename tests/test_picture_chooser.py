"""The picture chooser: search and filters over the library, and uploads through the
library's own checks, for every role that places pictures (photos/chooser.py)."""

import json

import lxml.html
import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.urls import reverse

from photos.models import Image

from . import pictures
from .factories import jpeg_file, make_image

pytestmark = pytest.mark.django_db

CHOOSER = "/admin/photos/image/chooser/"
RESULTS = "/admin/photos/image/chooser/results/"
INSPECT = "/admin/photos/image/chooser/inspect/"
UPLOAD = "/admin/photos/image/chooser/upload/"


@pytest.fixture
def writer(client, people):
    client.force_login(people["writer"])
    return people["writer"]


def titles(response):
    page = lxml.html.fromstring(response.content)
    return [
        " ".join(span.text_content().split())
        for span in page.cssselect(".newsroom-chooser__title")
    ]


def test_a_writer_gets_the_library_and_an_upload_tab(client, writer):
    make_image(title="Harbor at dawn")
    page = lxml.html.fromstring(client.get(CHOOSER).content)
    tabs = [tab.text_content() for tab in page.cssselect("[role=tab]")]
    assert tabs == ["Library", "Upload"]
    pick = page.cssselect(".newsroom-chooser__pick")[0]
    picture = json.loads(pick.get("data-picture"))
    assert picture["title"] == "Harbor at dawn"
    assert picture["thumbnail"].startswith("/images/")
    alt = page.cssselect("#id_alt_text")[0]
    assert alt.get("required") is not None


def test_staff_who_may_only_look_get_no_upload_tab_and_cannot_upload(
    client, django_user_model
):
    looker = django_user_model.objects.create_user("look", password="x", is_staff=True)
    looker.user_permissions.add(Permission.objects.get(codename="view_image"))
    client.force_login(looker)
    page = lxml.html.fromstring(client.get(CHOOSER).content)
    assert [tab.text_content() for tab in page.cssselect("[role=tab]")] == ["Library"]
    response = client.post(
        UPLOAD,
        {"file": pictures.upload(pictures.picture_bytes(), "a.jpg"), "alt_text": "A"},
    )
    assert response.status_code == 403
    assert "not upload" in response.json()["error"]
    assert not Image.objects.exists()


def test_staff_without_the_library_are_refused_the_chooser(client, django_user_model):
    nobody = django_user_model.objects.create_user("no", password="x", is_staff=True)
    client.force_login(nobody)
    assert client.get(CHOOSER).status_code == 403
    assert client.get(RESULTS).status_code == 403


def test_the_chooser_searches_and_filters(client, writer, people):
    make_image(title="Harbor at dawn", file=jpeg_file(1200, 800))
    make_image(title="Harbor pilot", file=jpeg_file(600, 900))
    mine = make_image(title="Ferry queue", file=jpeg_file(800, 800))
    Image.objects.filter(pk=mine.pk).update(uploaded_by=writer)
    assert titles(client.get(RESULTS, {"q": "harbor"})) == [
        "Harbor pilot",
        "Harbor at dawn",
    ]
    assert titles(client.get(RESULTS, {"orientation": "portrait"})) == ["Harbor pilot"]
    assert titles(client.get(RESULTS, {"mine": "1"})) == ["Ferry queue"]
    assert titles(client.get(RESULTS, {"q": "nothing like it"})) == []
    assert "No picture" in client.get(RESULTS, {"q": "zzz"}).content.decode()
    # Bad input is ignored, never a crash.
    assert client.get(RESULTS, {"page": "x", "q": "\x00"}).status_code == 200


def test_results_come_a_page_at_a_time_in_flat_queries(
    client, writer, assert_flat_queries
):
    for _ in range(25):
        make_image()
    first = lxml.html.fromstring(client.get(RESULTS).content)
    assert len(first.cssselect(".newsroom-chooser__pick")) == 24
    assert first.cssselect(".newsroom-chooser__more")[0].get("data-page") == "2"
    second = lxml.html.fromstring(client.get(RESULTS, {"page": "2"}).content)
    assert len(second.cssselect(".newsroom-chooser__pick")) == 1
    assert not second.cssselect(".newsroom-chooser__more")
    assert_flat_queries(RESULTS + "?q=picture", make_image, limit=8)


def test_a_file_is_read_for_its_words_without_being_stored(client, writer, media_root):
    response = client.post(
        INSPECT, {"file": pictures.upload(pictures.wire_photo_iptc(), "wire.jpg")}
    )
    answer = response.json()
    assert answer["fields"]["credit"] == "Rita Moreno-Hale/Coastal Wire"
    assert answer["fields"]["caption"].startswith("Waves break over the seawall")
    assert answer["duplicate"] is None
    assert not Image.objects.exists()
    assert not list(media_root.rglob("*.jpg"))


def test_a_file_that_is_not_a_picture_is_refused_saying_why(client, writer):
    response = client.post(INSPECT, {"file": pictures.upload(pictures.HTML, "x.jpg")})
    assert response.status_code == 400
    assert "not a picture we can use" in response.json()["error"]


def test_an_upload_without_alt_text_stores_nothing_and_asks_for_it(
    client, writer, media_root
):
    response = client.post(
        UPLOAD,
        {
            "file": pictures.upload(pictures.wire_photo_iptc(), "wire.jpg"),
            "focal_x": "0.5",
            "focal_y": "0.5",
        },
    )
    assert response.status_code == 400
    [problem] = response.json()["errors"]["alt_text"]
    assert "readers who cannot see it" in problem["message"]
    assert not Image.objects.exists()
    assert not list(media_root.rglob("*.jpg"))


def test_a_writer_uploads_a_wire_photo_with_its_words_and_focal_point(client, writer):
    response = client.post(
        UPLOAD,
        {
            "file": pictures.upload(pictures.wire_photo_iptc(), "wire.jpg"),
            "alt_text": "Waves over a seawall",
            "focal_x": "0.2",
            "focal_y": "0.7",
        },
    )
    assert response.status_code == 201
    image = Image.objects.get(pk=response.json()["id"])
    assert image.uploaded_by == writer
    assert (image.alt_text, image.credit) == (
        "Waves over a seawall",
        "Rita Moreno-Hale/Coastal Wire",
    )
    assert (image.focal_x, image.focal_y) == (0.2, 0.7)
    assert response.json()["credit"] == image.credit
    # In the admin's log, like any picture added there.
    entry = LogEntry.objects.get(object_id=str(image.pk))
    assert entry.user == writer and entry.is_addition()
    # And hers to correct afterwards.
    change = reverse("admin:photos_image_change", args=[image.pk])
    assert client.get(change).context["has_change_permission"]


def test_uploading_a_picture_already_there_offers_that_one(client, writer):
    data = pictures.picture_bytes(size=(700, 500))
    existing = client.post(
        UPLOAD, {"file": pictures.upload(data, "a.jpg"), "alt_text": "First"}
    ).json()
    inspected = client.post(INSPECT, {"file": pictures.upload(data, "b.jpg")}).json()
    assert inspected["duplicate"]["id"] == existing["id"]
    again = client.post(
        UPLOAD, {"file": pictures.upload(data, "b.jpg"), "alt_text": "Second"}
    )
    assert again.status_code == 409
    assert again.json()["duplicate"]["id"] == existing["id"]
    assert Image.objects.count() == 1


def test_one_picture_is_described_for_the_editor(client, writer):
    image = make_image(caption="Noon on the seawall.", credit="A/B")
    url = reverse("admin:photos_image_chooser_picture", args=[image.pk])
    about = client.get(url).json()
    assert (about["caption"], about["credit"]) == ("Noon on the seawall.", "A/B")
    missing = reverse("admin:photos_image_chooser_picture", args=[image.pk + 1])
    assert client.get(missing).status_code == 404


def test_the_story_form_offers_the_chooser_and_upload_by_role(client, people):
    for role, may_upload in [("writer", True), ("photo editor", False)]:
        client.force_login(people[role])
        response = client.get("/admin/articles/article/add/")
        if response.status_code != 200:
            assert role == "photo editor"  # the photo desk writes no stories
            continue
        page = lxml.html.fromstring(response.content)
        lead = page.cssselect("#id_lead_image")[0]
        assert lead.get("data-chooser-url") == CHOOSER
        assert (lead.get("data-upload-label") is not None) is may_upload
        assert page.cssselect('script[src$="js/picture-chooser.js"]')
