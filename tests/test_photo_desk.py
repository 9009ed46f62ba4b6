"""The photo library: safe uploads, wire metadata, duplicates, several at once, the
focal point, where a picture is used, rights, and the photo editor's permissions."""

import io
from datetime import timedelta
from pathlib import Path

import lxml.html
import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone
from PIL import Image as PILImage

from articles.models import Article
from photos.models import Image, Rendition
from photos.renditions import SPECS

from . import pictures
from .factories import fetch_picture, jpeg_file, make_article, make_author, make_image

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/photos/image/add/"


def post_image(client, data, name="photo.jpg", **fields):
    form = {
        "file": pictures.upload(data, name),
        "title": "",
        "alt_text": "",
        "caption": "",
        "credit": "",
        "photographer": "",
        "source": "",
        "rights": "",
        "rights_expire_on": "",
        "focal_x": "0.5",
        "focal_y": "0.5",
        **fields,
    }
    return client.post(ADD_URL, form)


def stored_files(media_root):
    root = Path(media_root)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def errors(response):
    page = lxml.html.fromstring(response.content.decode())
    return " ".join(e.text_content() for e in page.cssselect(".errorlist"))


REFUSED = {
    "svg": (pictures.SVG, "drawing.svg", "not a picture we can use"),
    "html": (pictures.HTML, "page.jpg", "not a picture we can use"),
    "pdf": (pictures.PDF, "scan.pdf", "not a picture we can use"),
    "script named .png": (pictures.SCRIPT, "evil.png", "not a picture we can use"),
    "truncated jpeg": (
        pictures.picture_bytes(size=(1200, 900))[:4000],
        "cut.jpg",
        "damaged or incomplete",
    ),
    "corrupt png": (
        pictures.picture_bytes("PNG")[:60] + b"\x00" * 200,
        "bad.png",
        "damaged or incomplete",
    ),
    "zero bytes": (b"", "empty.jpg", "empty"),
    "tiff": (pictures.picture_bytes("TIFF"), "scan.tif", "not a picture we can use"),
}


@pytest.mark.parametrize("kind", REFUSED)
def test_refused_uploads_say_why_and_leave_nothing(admin_client, media_root, kind):
    data, name, message = REFUSED[kind]
    response = post_image(admin_client, data, name, alt_text="Typed alt text")
    assert response.status_code == 200
    assert message in errors(response)
    assert not Image.objects.exists()
    assert stored_files(media_root) == []
    # What the editor typed is still in the form.
    page = lxml.html.fromstring(response.content)
    assert page.cssselect("#id_alt_text")[0].get("value") == "Typed alt text"


def test_decompression_bombs_are_refused(admin_client, media_root, settings):
    settings.NEWSROOM_IMAGE_MAX_PIXELS = 4_000_000
    bomb = pictures.picture_bytes("PNG", size=(4000, 4000), mode="1", colour=0)
    assert len(bomb) < 100_000  # tiny on disk, 16 million pixels in memory
    response = post_image(admin_client, bomb, "bomb.png")
    assert "more pixels than the 4.0 million we accept" in errors(response)
    assert not Image.objects.exists() and stored_files(media_root) == []


@pytest.mark.parametrize("size", [(1, 65000), (65000, 1), (30, 700), (2100, 100)])
def test_pictures_of_extreme_shape_are_refused_saying_why(
    admin_client, media_root, size
):
    """A strip many times longer than it is wide has no usable crop, and renditions
    of it would be taller than WebP can encode: refused, with the reason."""
    strip = pictures.picture_bytes("PNG", size=size)
    response = post_image(admin_client, strip, "strip.png")
    width, height = size
    assert f"The picture is {width:,} × {height:,} pixels" in errors(response)
    assert "more than 20 times the other" in errors(response)
    assert not Image.objects.exists() and stored_files(media_root) == []


def test_long_panoramas_and_tall_graphics_are_accepted(admin_client):
    for size in [(4000, 200), (200, 4000)]:
        response = post_image(
            admin_client, pictures.picture_bytes("PNG", size=size), "wide.png"
        )
        assert response.status_code == 302, errors(response)


def test_files_over_the_size_limit_are_refused(admin_client, media_root, settings):
    settings.NEWSROOM_IMAGE_MAX_BYTES = 10_000
    response = post_image(admin_client, pictures.rotated_jpeg(3000, 2000), "big.jpg")
    assert "pictures may be at most" in errors(response)
    assert stored_files(media_root) == []


@pytest.mark.parametrize(
    "name, data",
    [
        ("photo.jpg", pictures.picture_bytes("JPEG")),
        ("graphic.png", pictures.picture_bytes("PNG")),
        ("photo.webp", pictures.picture_bytes("WEBP")),
        ("photo.avif", pictures.picture_bytes("AVIF")),
        ("animated.gif", pictures.animated_gif()),
        (
            "print.jpg",
            pictures.picture_bytes("JPEG", mode="CMYK", colour=(0, 80, 90, 0)),
        ),
        ("scan.png", pictures.picture_bytes("PNG", mode="I;16", colour=40000)),
        ("named-wrong.gif", pictures.picture_bytes("PNG")),
    ],
)
def test_accepted_formats_make_working_renditions(admin_client, client, name, data):
    response = post_image(
        admin_client, data, name, alt_text="A test picture", credit="Me/Desk"
    )
    assert response.status_code == 302, errors(response)
    image = Image.objects.get()
    make_article(lead_image=image)
    rendition = fetch_picture(client, image.get_rendition_url(SPECS["card"], 320))
    assert rendition.mode == "RGB" and rendition.size == (320, 240)
    if name == "scan.png":
        # 16-bit grey at 40000 of 65535 comes out mid-grey, not clipped to white.
        assert 140 < rendition.getpixel((10, 10))[0] < 170


def test_exif_orientation_is_applied(admin_client, client):
    post_image(admin_client, pictures.rotated_jpeg(1200, 900, orientation=6), "ph.jpg")
    image = Image.objects.get()
    assert (image.width, image.height) == (900, 1200)
    make_article(lead_image=image)
    served = fetch_picture(client, image.get_rendition_url(SPECS["preview"], 320))
    assert served.size == (320, 427)
    top, bottom = served.getpixel((160, 20)), served.getpixel((160, 400))
    assert top[0] > 150 > top[2] and bottom[2] > 150 > bottom[0]  # red above blue


def test_renditions_carry_no_private_metadata(admin_client, client):
    post_image(admin_client, pictures.jpeg_with_private_exif(), "phone.jpg")
    image = Image.objects.get()
    make_article(lead_image=image)
    for fmt in ["jpg", "webp"]:
        url = image.get_rendition_url(SPECS["lead"], 480, fmt)
        response = client.get(url)
        data = b"".join(response.streaming_content)
        served = PILImage.open(io.BytesIO(data))
        assert not served.getexif()
        assert "exif" not in served.info and "xmp" not in served.info
        assert b"SERIAL-0042" not in data and b"Jane Q. Owner" not in data


def test_iptc_fills_the_empty_fields_of_a_wire_photo(admin_client):
    post_image(admin_client, pictures.wire_photo_iptc(), "wire.jpg", title="Our title")
    image = Image.objects.get()
    assert image.title == "Our title"  # typed by the editor: kept
    assert image.caption == "Waves break over the seawall in Saltmarsh on Tuesday."
    assert image.photographer == "Rita Moreno-Hale"
    assert image.credit == "Rita Moreno-Hale/Coastal Wire"
    assert image.source == "Coastal Wire"
    assert image.rights == "(c) Coastal Wire. Editorial use only."


@pytest.mark.parametrize(
    "by_line, credit_line, printed",
    [
        (b"Matthias Hangst", b"Getty Images", "Matthias Hangst/Getty Images"),
        (b"Rita Moreno-Hale", b"Rita Moreno-Hale/Coastal Wire", None),
        (b"Rita Moreno-Hale", b"", "Rita Moreno-Hale/Coastal Wire"),
        (b"", b"Getty Images", "Getty Images"),
    ],
    ids=["agency-only credit", "whole credit line", "no credit line", "no by-line"],
)
def test_wire_credits_read_photographer_slash_agency(
    admin_client, by_line, credit_line, printed
):
    """The credit under a wire photo follows the convention the seed shows
    ("Matthias Hangst/Getty Images"), however the agency filled its IPTC in."""
    data = pictures.wire_photo_iptc({(2, 80): by_line, (2, 110): credit_line})
    post_image(admin_client, data, "wire.jpg")
    expected = printed or credit_line.decode()
    assert Image.objects.get().credit == expected


def test_xmp_fills_the_empty_fields_too(admin_client):
    post_image(admin_client, pictures.wire_photo_xmp(), "xmp.jpg")
    image = Image.objects.get()
    assert image.title == "Night market"
    assert image.caption == "Stalls fill Old Quay."
    assert image.photographer == "Omar Vance"
    assert image.credit == "Omar Vance/Northgate Pictures"
    assert image.source == "Northgate Pictures"
    assert image.rights == "No sales. Credit required."


def test_a_duplicate_upload_offers_the_picture_already_there(admin_client, media_root):
    data = pictures.picture_bytes(size=(700, 500))
    post_image(admin_client, data, "first.jpg", title="The original")
    original = Image.objects.get()
    files_before = stored_files(media_root)
    response = post_image(admin_client, data, "again.jpg")
    assert "already in the library" in errors(response)
    link = lxml.html.fromstring(response.content).cssselect(".errorlist a")[0]
    assert link.get("href") == reverse("admin:photos_image_change", args=[original.pk])
    assert Image.objects.count() == 1
    assert stored_files(media_root) == files_before


def test_several_pictures_at_once(admin_client, media_root):
    existing = pictures.picture_bytes(size=(300, 200), colour=(1, 2, 3))
    post_image(admin_client, existing, "existing.jpg")
    response = admin_client.post(
        reverse("admin:photos_image_upload_many"),
        {
            "files": [
                pictures.upload(pictures.wire_photo_iptc(), "wire.jpg"),
                pictures.upload(pictures.picture_bytes("PNG"), "chart.png"),
                pictures.upload(pictures.SVG, "logo.svg"),
                pictures.upload(existing, "copy.jpg"),
            ]
        },
    )
    assert response.status_code == 200
    results = [
        " ".join(li.text_content().split())
        for li in lxml.html.fromstring(response.content).cssselect(
            ".newsroom-upload-results li"
        )
    ]
    assert results[0].startswith("wire.jpg: added as Harbor storm")
    assert results[1].startswith("chart.png: added as")
    assert results[2].startswith("logo.svg: refused: This file is not a picture")
    assert results[3].startswith("copy.jpg: already in the library")
    assert Image.objects.count() == 3
    assert Image.objects.get(title="Harbor storm").uploaded_by.is_superuser


def test_the_focal_point_is_set_by_clicking_the_picture(admin_client):
    image = make_image(file=jpeg_file(1200, 800), focal_x=0.25, focal_y=0.75)
    page = lxml.html.fromstring(
        admin_client.get(reverse("admin:photos_image_change", args=[image.pk])).content
    )
    picker = page.cssselect(".focal-picker")[0]
    assert (picker.get("data-focal-x"), picker.get("data-focal-y")) == ("0.25", "0.75")
    assert page.cssselect('script[src$="js/focal-point.js"]')
    assert page.cssselect("#id_focal_x")[0].get("value") == "0.25"  # the fallback


def uses_listed(items):
    """Each use in a "where used" list: its words, and where its links go."""
    return [
        (" ".join(item.text_content().split()), [a.get("href") for a in item.iter("a")])
        for item in items
    ]


def where_used(client, image):
    page = lxml.html.fromstring(
        client.get(reverse("admin:photos_image_change", args=[image.pk])).content
    )
    return uses_listed(page.cssselect(".newsroom-where-used li"))


def test_where_used_lists_every_use_of_a_picture(admin_client):
    image = make_image()
    lead = make_article(headline="Seawall vote", lead_image=image)
    social = make_article(headline="Ferry fares", social_image=image)
    body = make_article(headline="Tide gauges", body=placed(image))
    author = make_author(name="Maya Okafor", headshot=image)

    assert where_used(admin_client, image) == [
        ("Lead image of Seawall vote (Published)", [change_url(lead)]),
        ("Social image of Ferry fares (Published)", [change_url(social)]),
        ("In the body of Tide gauges (Published)", [change_url(body)]),
        (
            "Headshot of Maya Okafor (author)",
            [reverse("admin:articles_author_change", args=[author.pk])],
        ),
    ]


def change_url(story):
    return reverse("admin:articles_article_change", args=[story.pk])


def test_where_used_names_only_the_stories_a_reader_of_the_library_may_open(
    client, people
):
    """The photo desk learns of every use (a public story linked to its page, an
    unpublished one named); a writer is not told a colleague's unpublished headline."""
    image = make_image()
    public = make_article(headline="Seawall vote", lead_image=image)
    make_article(
        headline="Embargoed merger talks",
        social_image=image,
        status=Article.Status.DRAFT,
    )

    client.force_login(people["photo editor"])
    assert where_used(client, image) == [
        ("Lead image of Seawall vote (Published)", [public.get_absolute_url()]),
        ("Social image of Embargoed merger talks (Draft)", []),
    ]
    client.force_login(people["writer"])
    assert where_used(client, image) == [
        ("Lead image of Seawall vote (Published)", [change_url(public)]),
        ("In 1 story you cannot open.", []),
    ]


def use_picture(image, use):
    """Make `use` of `image`; what the refusal should name, and its link."""
    if use == "headshot":
        author = make_author(name="Maya Okafor", headshot=image)
        url = reverse("admin:articles_author_change", args=[author.pk])
        return "Headshot of Maya Okafor (author)", url
    fields = {
        "lead": {"lead_image": image},
        "social": {"social_image": image},
        "body": {"body": placed(image)},
    }[use]
    story = make_article(headline="Seawall vote", **fields)
    what = {"lead": "Lead image of", "social": "Social image of"}.get(
        use, "In the body of"
    )
    return f"{what} Seawall vote (Published)", story.get_absolute_url()


def refusal(response):
    """The uses an admin-styled refusal page names, with their links."""
    assert response.status_code == 409
    page = lxml.html.fromstring(response.content.decode())
    assert page.cssselect("#site-name a")  # the admin's own page
    assert "Nothing was deleted" in page.cssselect("#content-main")[0].text_content()
    return uses_listed(page.cssselect("#content-main .newsroom-where-used li"))


@pytest.mark.parametrize("use", ["lead", "social", "body", "headshot"])
def test_a_picture_in_any_use_cannot_be_deleted_and_the_refusal_says_where(
    client, people, use
):
    image = make_image()
    named, link = use_picture(image, use)
    client.force_login(people["photo editor"])
    url = reverse("admin:photos_image_delete", args=[image.pk])

    assert refusal(client.get(url)) == [(named, [link])]
    assert refusal(client.post(url, {"post": "yes"})) == [(named, [link])]
    assert Image.objects.filter(pk=image.pk).exists()
    with pytest.raises(ProtectedError):  # whoever asks, however
        image.delete()


def test_delete_selected_refuses_pictures_in_use_by_name(client, people):
    used, unused = make_image(title="Used"), make_image(title="Unused")
    named, link = use_picture(used, "social")
    client.force_login(people["photo editor"])
    changelist = reverse("admin:photos_image_changelist")

    response = client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [used.pk, unused.pk]},
    )
    assert refusal(response) == [(named, [link])]
    response = client.post(
        changelist,
        {
            "action": "delete_selected",
            "_selected_action": [used.pk, unused.pk],
            "post": "yes",
        },
    )
    assert refusal(response) == [(named, [link])]
    assert Image.objects.count() == 2

    # Pictures nobody uses go the usual way: Django's confirmation, then deletion.
    confirm = client.post(
        changelist, {"action": "delete_selected", "_selected_action": [unused.pk]}
    )
    assert confirm.status_code == 200
    client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [unused.pk], "post": "yes"},
    )
    assert list(Image.objects.all()) == [used]


def test_expired_rights_are_flagged_on_the_picture_and_its_stories(admin_client):
    expired = make_image(rights_expire_on=timezone.localdate() - timedelta(days=1))
    story = make_article(lead_image=expired)
    listing = admin_client.get("/admin/articles/article/").content.decode()
    assert "Expired" in listing
    change = admin_client.get(reverse("admin:articles_article_change", args=[story.pk]))
    assert "lead image expired" in change.content.decode()
    images = admin_client.get("/admin/photos/image/?rights=expired")
    assert str(expired) in images.content.decode()


@pytest.mark.parametrize("missing", ["alt_text", "credit"])
def test_publishing_with_a_lead_image_lacking_alt_or_credit_is_refused(
    admin_client, missing
):
    image = make_image(**{missing: ""})
    response = admin_client.post(
        "/admin/articles/article/add/",
        {
            "headline": "Ferry fares rise",
            "slug": "ferry-fares-rise",
            "dek": "Dek.",
            "body": "<p>Body.</p>",
            "lead_image": image.pk,
            "status": "published",
            "published_at_0": "2026-03-02",
            "published_at_1": "09:30:00",
            **{
                f"{prefix}-{key}": value
                for prefix in ["bylines", "corrections"]
                for key, value in [
                    ("TOTAL_FORMS", "0"),
                    ("INITIAL_FORMS", "0"),
                    ("MIN_NUM_FORMS", "0"),
                    ("MAX_NUM_FORMS", "1000"),
                ]
            },
        },
    )
    assert response.status_code == 200
    wanted = {
        "alt_text": "alt text on the lead image",
        "a credit": "a credit on the lead image",
        "credit": "a credit on the lead image",
    }[missing]
    message = errors(response)
    assert "This story cannot be published yet. It still needs:" in message
    assert wanted in message
    assert not Article.objects.exists()


def test_photo_editors_manage_pictures_and_authors_but_not_stories(
    client, django_user_model
):
    editor = django_user_model.objects.create_user("photo", password="x", is_staff=True)
    editor.groups.add(Group.objects.get(name="Photo editor"))
    client.force_login(editor)
    assert client.get("/admin/photos/image/add/").status_code == 200
    assert client.get("/admin/articles/author/add/").status_code == 200
    assert client.get("/admin/articles/article/").status_code == 403
    assert client.get("/admin/articles/article/add/").status_code == 403


def test_regenerate_renditions_makes_every_rendition_once(db):
    image = make_image(file=jpeg_file(1000, 700))
    out = io.StringIO()
    call_command("regenerate_renditions", "--spec", "card", stdout=out)
    widths = image.rendition_widths(SPECS["card"])
    assert Rendition.objects.count() == len(widths) * 3  # AVIF, WebP and JPEG
    assert "100%" in out.getvalue()
    call_command("regenerate_renditions", "--spec", "card", stdout=io.StringIO())
    assert Rendition.objects.count() == len(widths) * 3


def test_the_image_picker_shows_thumbnails(admin_client):
    image = make_image(file=jpeg_file(800, 600))
    page = lxml.html.fromstring(
        admin_client.get("/admin/articles/article/add/").content
    )
    assert page.cssselect('script[src$="js/image-picker.js"]')
    response = admin_client.get(
        reverse("admin:photos_image_thumbnail", args=[image.pk]), follow=True
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"


def test_the_library_shows_as_a_grid_and_remembers_it(admin_client):
    image = make_image(title="Harbor at dawn", source="Coastal Wire")
    make_image(title="Council chamber", source="Staff")
    grid = lxml.html.fromstring(
        admin_client.get("/admin/photos/image/?view=grid&source=Coastal+Wire").content
    )
    cards = grid.cssselect(".newsroom-image-grid li")
    assert [
        " ".join(c.cssselect("a span")[0].text_content().split()) for c in cards
    ] == ["Harbor at dawn"]
    assert cards[0].cssselect("img")[0].get("src").startswith(f"/images/{image.pk}/")
    again = lxml.html.fromstring(admin_client.get("/admin/photos/image/").content)
    assert len(again.cssselect(".newsroom-image-grid li")) == 2
    listing = lxml.html.fromstring(
        admin_client.get("/admin/photos/image/?view=list").content
    )
    assert listing.cssselect("#result_list") and not listing.cssselect(
        ".newsroom-image-grid"
    )


@pytest.mark.parametrize(
    "query, found",
    [
        ("?q=moreno", ["Storm"]),
        ("?q=coastal", ["Storm"]),
        ("?orientation=portrait", ["Tall"]),
        ("?rights=restricted", ["Storm"]),
    ],
)
def test_the_library_searches_and_filters(admin_client, query, found):
    make_image(
        title="Storm",
        photographer="Rita Moreno-Hale",
        source="Coastal Wire",
        rights="Editorial use only",
        file=jpeg_file(900, 600),
    )
    make_image(title="Tall", file=jpeg_file(600, 900))
    page = lxml.html.fromstring(
        admin_client.get(f"/admin/photos/image/{query}&view=list").content
    )
    names = [a.text_content() for a in page.cssselect("#result_list .field-__str__ a")]
    assert names == found


def test_bombs_past_pillows_own_limit_are_refused_too(admin_client, media_root):
    """100 million pixels in a few hundred bytes: Pillow itself refuses to open it."""
    bomb = pictures.picture_bytes("PNG", size=(10_000, 10_000), mode="1", colour=0)
    response = post_image(admin_client, bomb, "bomb.png")
    assert "more pixels than the" in errors(response)
    batch = admin_client.post(
        reverse("admin:photos_image_upload_many"),
        {"files": [pictures.upload(bomb, "bomb.png")]},
    )
    assert "more pixels than the" in batch.content.decode()
    assert not Image.objects.exists() and stored_files(media_root) == []


def test_a_picture_named_like_a_page_is_stored_and_served_as_a_picture(admin_client):
    polyglot = (
        pictures.picture_bytes("GIF") + b"<script>alert(document.cookie)</script>"
    )
    response = post_image(
        admin_client, polyglot, "x.html", alt_text="Alt", credit="Me/Desk"
    )
    assert response.status_code == 302, errors(response)
    image = Image.objects.get()
    assert image.file.name.endswith("-x.gif")
    make_article(lead_image=image)
    served = admin_client.get(image.file.url)
    assert served["Content-Type"] == "image/gif"
    assert "sandbox" in served["Content-Security-Policy"]


def test_iptc_text_is_cleaned_and_old_encodings_are_read(admin_client):
    data = pictures.wire_photo_iptc(
        {
            (2, 120): b"Harbor at dawn.\x00\x00",
            (2, 80): "José Müller".encode("cp1252"),
            (2, 110): b"",
        }
    )
    post_image(admin_client, data, "wire.jpg")
    image = Image.objects.get()
    assert image.caption == "Harbor at dawn."
    assert image.photographer == "José Müller"
    assert image.credit == "José Müller/Coastal Wire"


def test_broken_iptc_does_not_refuse_a_good_picture(admin_client):
    jpeg = pictures.picture_bytes(size=(900, 600))
    broken = b"\x1c\x09\x99\x7f\xff" + b"x" * 20  # an unknown record, a silly size
    segment = pictures.raw_app13(broken)
    response = post_image(admin_client, jpeg[:2] + segment + jpeg[2:], "odd.jpg")
    assert response.status_code == 302, errors(response)


def test_renditions_drop_colour_profiles_and_xmp_in_every_format(admin_client, client):
    post_image(admin_client, pictures.jpeg_with_profile_and_xmp(), "wide-gamut.jpg")
    image = Image.objects.get()
    make_article(lead_image=image)
    for fmt in ["avif", "webp", "jpg"]:
        data = b"".join(
            client.get(
                image.get_rendition_url(SPECS["card"], 320, fmt)
            ).streaming_content
        )
        served = PILImage.open(io.BytesIO(data))
        assert not {"icc_profile", "xmp", "exif"} & set(served.info), fmt
        assert b"Night market" not in data


@pytest.mark.parametrize(
    "focal_x, colour", [(0.9, "blue"), (0.1, "red")], ids=["right", "left"]
)
def test_crops_keep_the_side_the_focal_point_is_on(client, focal_x, colour):
    image = make_image(file=pictures.two_halves(), focal_x=focal_x)
    make_article(lead_image=image)
    square = fetch_picture(client, image.get_rendition_url(SPECS["square"], 320))
    red, _, blue = square.getpixel((160, 160))
    assert (red > blue) == (colour == "red")
    # The whole square comes from one half: its far edge is the same colour too.
    edge = square.getpixel((5 if colour == "blue" else 314, 160))
    assert (edge[0] > edge[2]) == (colour == "red")


def test_transparent_areas_become_white(client):
    image = make_image(file=pictures.transparent_png())
    make_article(lead_image=image)
    card = fetch_picture(client, image.get_rendition_url(SPECS["card"], 320))
    assert card.getpixel((5, 5)) == (255, 255, 255)


# Where the stored top-left corner is shown, for each EXIF orientation.
SHOWN_CORNER = {1: "tl", 2: "tr", 3: "br", 4: "bl", 5: "tl", 6: "tr", 7: "br", 8: "bl"}


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_is_shown_the_right_way(client, orientation):
    image = make_image(file=pictures.marked_corner(orientation))
    make_article(lead_image=image)
    shown = fetch_picture(client, image.get_rendition_url(SPECS["preview"], 320))
    width, height = shown.size
    assert (width > height) == (orientation <= 4)  # 5-8 are a quarter turn
    corners = {
        "tl": (10, 10),
        "tr": (width - 10, 10),
        "bl": (10, height - 10),
        "br": (width - 10, height - 10),
    }
    red = [name for name, xy in corners.items() if shown.getpixel(xy)[0] > 150]
    assert red == [SHOWN_CORNER[orientation]]


def test_staff_without_image_rights_see_no_unpublished_pictures(
    client, django_user_model
):
    clerk = django_user_model.objects.create_user("clerk", password="x", is_staff=True)
    client.force_login(clerk)
    draft = make_article(lead_image=make_image(), status=Article.Status.DRAFT)
    image = draft.lead_image
    assert client.get(image.get_rendition_url(SPECS["lead"], 64)).status_code == 404
    assert client.get(image.file.url).status_code == 404
    assert client.get(reverse("admin:photos_image_upload_many")).status_code in {
        403,
        404,
    }
    thumbnail_url = reverse("admin:photos_image_thumbnail", args=[image.pk])
    assert client.get(thumbnail_url).status_code in {403, 404}


def test_replacing_a_file_removes_the_old_one(
    admin_client, media_root, django_capture_on_commit_callbacks
):
    post_image(admin_client, pictures.picture_bytes(colour=(1, 1, 1)), "old.jpg")
    image = Image.objects.get()
    old = Path(image.file.path)
    change_url = reverse("admin:photos_image_change", args=[image.pk])
    replacement = pictures.upload(pictures.picture_bytes(colour=(9, 9, 9)), "new.jpg")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            change_url,
            {
                "file": replacement,
                "alt_text": "Alt",
                "focal_x": "0.5",
                "focal_y": "0.5",
                **dict.fromkeys(
                    [
                        "title",
                        "caption",
                        "credit",
                        "photographer",
                        "source",
                        "rights",
                        "rights_expire_on",
                    ],
                    "",
                ),
            },
        )
    assert response.status_code == 302, errors(response)
    image.refresh_from_db()
    assert not old.exists()
    assert Path(image.file.path).exists()


def test_a_nul_in_a_filter_is_ignored(admin_client):
    make_image(title="Harbor")
    assert admin_client.get("/admin/photos/image/?source=%00").status_code == 200


def test_one_empty_file_does_not_refuse_the_rest_of_a_batch(admin_client):
    response = admin_client.post(
        reverse("admin:photos_image_upload_many"),
        {
            "files": [
                pictures.upload(b"", "empty.jpg"),
                pictures.upload(pictures.picture_bytes(), "good.jpg"),
            ]
        },
    )
    assert response.status_code == 200
    assert Image.objects.count() == 1


def placed(*images):
    return (
        "<p>Before.</p>"
        + "".join(
            f'<figure data-image-id="{image.pk}"><figcaption>x</figcaption></figure>'
            for image in images
        )
        + "<p>After.</p>"
    )


def test_placed_pictures_are_drawn_with_caption_credit_and_renditions(client):
    image = make_image(
        file=jpeg_file(1600, 1000), caption="The seawall at noon.", credit="A/B"
    )
    story = make_article(body=placed(image))
    page = lxml.html.fromstring(client.get(story.get_absolute_url()).content)
    figure = page.cssselect(".story__body figure.figure--inline")[0]
    assert " ".join(figure.cssselect("figcaption")[0].text_content().split()) == (
        "The seawall at noon. A/B"
    )
    img = figure.cssselect("img")[0]
    assert img.get("loading") == "lazy" and img.get("alt") == image.alt_text
    width, height = fetch_picture(client, img.get("src")).size
    assert width in SPECS["inline"].widths and width / height == 1.6  # uncropped
    assert [p.text_content() for p in page.cssselect(".story__body p")] == [
        "Before.",
        "After.",
    ]


def test_placed_pictures_are_where_used_and_protected(admin_client):
    image = make_image()
    story = make_article(headline="Seawall vote", body=placed(image))
    page = lxml.html.fromstring(
        admin_client.get(reverse("admin:photos_image_change", args=[image.pk])).content
    )
    used = [
        " ".join(li.text_content().split())
        for li in page.cssselect(".newsroom-where-used li")
    ]
    assert used == ["In the body of Seawall vote (Published)"]
    delete = admin_client.get(reverse("admin:photos_image_delete", args=[image.pk]))
    assert "Seawall vote" in delete.content.decode()
    admin_client.post(
        reverse("admin:photos_image_delete", args=[image.pk]), {"post": "yes"}
    )
    assert Image.objects.filter(pk=image.pk).exists()
    story.body = "<p>No picture now.</p>"
    story.save()
    assert not image.inline_in.exists()


def test_pictures_placed_in_drafts_stay_private_until_publication(client):
    image = make_image(file=jpeg_file(1600, 1000))
    draft = make_article(body=placed(image), status=Article.Status.DRAFT)
    url = image.get_rendition_url(SPECS["inline"], 800)
    assert client.get(url).status_code == 404
    Article.objects.filter(pk=draft.pk).update(
        status=Article.Status.PUBLISHED, published_at=timezone.now()
    )
    assert client.get(url).status_code == 200


def test_feeds_carry_placed_pictures_as_plain_images(client):
    import feedparser

    image = make_image(file=jpeg_file(1600, 1000), caption="Noon.", credit="A/B")
    make_article(body=placed(image))
    entry = feedparser.parse(client.get("/rss/index.xml").content).entries[0]
    content = lxml.html.fromstring(entry.content[0].value)
    img = content.cssselect("figure img")[0]
    assert img.get("src").startswith("http://testserver/images/")
    assert content.cssselect("figcaption")[0].text_content() == "Noon. A/B"


def test_the_story_form_offers_a_picture_to_place_in_the_body(admin_client):
    page = lxml.html.fromstring(
        admin_client.get("/admin/articles/article/add/").content
    )
    picker = page.cssselect("#id_insert_image")[0]
    assert "newsroom-image-autocomplete" in picker.get("class")
    assert page.cssselect('script[src$="js/insert-image.js"]')
