"""Responsive renditions: focal-point crops, sizes, formats, who may fetch them, and
concurrent generation."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from articles.models import Article
from photos import renditions
from photos.models import Rendition
from photos.renditions import SPECS, crop_box, output_size

from .factories import fetch_picture, jpeg_file, make_article, make_author, make_image


@pytest.mark.parametrize("ratio", [(16, 9), (4, 3), (1, 1), (9, 16)])
@pytest.mark.parametrize(
    "focal", [(0, 0), (1, 1), (0.5, 0.5), (0.9, 0.1), (0.05, 0.95), (0.3, 0.7)]
)
@pytest.mark.parametrize("size", [(6000, 4000), (1200, 1800), (800, 800)])
def test_every_crop_keeps_the_focal_point_and_the_ratio(size, ratio, focal):
    left, top, right, bottom = crop_box(size, ratio, focal)
    width, height = size
    assert 0 <= left < right <= width and 0 <= top < bottom <= height
    focal_pixel = (min(focal[0] * width, width - 1), min(focal[1] * height, height - 1))
    assert left <= focal_pixel[0] <= right and top <= focal_pixel[1] <= bottom
    assert abs((right - left) / (bottom - top) - ratio[0] / ratio[1]) < 0.01
    # Largest such box: it touches two opposite edges of the picture.
    assert (right - left) == width or (bottom - top) == height


def test_renditions_are_never_upscaled():
    assert output_size((1000, 500), (16, 9), (0.5, 0.5), 2000) == (889, 500)
    widths = renditions.available_widths((700, 700), SPECS["lead"], (0.5, 0.5))
    assert widths == [480]


@pytest.fixture
def story(db):
    photo = make_image(file=jpeg_file(2400, 1600, name="wide.jpg"), focal_x=0.8)
    return make_article(lead_image=photo)


def test_rendition_has_the_asked_size_format_and_no_camera_data(client, story):
    image = story.lead_image
    picture = fetch_picture(client, image.get_rendition_url(SPECS["lead"], 800, "webp"))
    assert (picture.format, picture.size) == ("WEBP", (800, 450))
    jpeg = fetch_picture(client, image.get_rendition_url(SPECS["square"], 320))
    assert (jpeg.format, jpeg.size) == ("JPEG", (320, 320))
    assert not jpeg.getexif()


def test_a_rendition_is_made_once_and_cached_for_a_year(client, story, settings):
    # By browsers; by the edge as long as a picture deleted may stay there.
    settings.NEWSROOM_PICTURE_SHARED_SECONDS = 300
    url = story.lead_image.get_rendition_url(SPECS["card"], 480)
    first = client.get(url)
    assert first["Cache-Control"] == (
        "public, max-age=31536000, immutable, s-maxage=300"
    )
    b"".join(first.streaming_content)
    client.get(url)
    assert Rendition.objects.count() == 1


def test_a_moved_focal_point_gets_a_new_url(client, story):
    image = story.lead_image
    old_url = image.get_rendition_url(SPECS["lead"], 480)
    image.focal_x = 0.2
    image.save()
    response = client.get(old_url)
    assert response.status_code == 302
    assert response["Location"] == image.get_rendition_url(SPECS["lead"], 480)


@pytest.mark.parametrize(
    "spec, width, fmt",
    [("lead", 481, "jpg"), ("nope", 480, "jpg"), ("lead", 480, "gif")],
)
def test_only_listed_renditions_are_made(client, story, spec, width, fmt):
    image = story.lead_image
    url = f"/images/{image.pk}/{image.rendition_version}/{spec}-{width}.{fmt}"
    assert client.get(url).status_code == 404
    assert not Rendition.objects.exists()


@pytest.mark.parametrize(
    "hidden",
    [{"status": Article.Status.DRAFT}, {"published_at": timezone.now() + timedelta(1)}],
    ids=["draft", "scheduled"],
)
def test_pictures_of_unpublished_stories_are_not_served_to_readers(
    client, admin_client, db, hidden
):
    article = make_article(lead_image=make_image(), **hidden)
    url = article.lead_image.get_rendition_url(SPECS["lead"], 64)
    assert client.get(url).status_code == 404
    staff = admin_client.get(url)
    assert staff.status_code == 200
    # Staff see it, but no shared cache may keep it for the next reader.
    assert staff["Cache-Control"] == "private, no-store"


def test_headshots_are_served_once_the_author_has_a_public_story(client, db):
    author = make_author(headshot=make_image(file=jpeg_file(400, 400)))
    url = author.headshot.get_rendition_url(SPECS["headshot"], 320)
    draft = make_article(authors=[author], status=Article.Status.DRAFT)
    assert client.get(url).status_code == 404
    Article.objects.filter(pk=draft.pk).update(
        status=Article.Status.PUBLISHED, published_at=timezone.now()
    )
    assert fetch_picture(client, url).size == (320, 320)


def fetch_at_once(url, count):
    """The sizes of `url` fetched by `count` clients in threads, released together."""
    barrier = threading.Barrier(count)
    sizes = []

    def fetch():
        try:
            barrier.wait()
            sizes.append(fetch_picture(Client(), url).size)
        finally:
            connection.close()

    threads = [threading.Thread(target=fetch) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sizes


@pytest.mark.django_db(transaction=True)
def test_two_requests_for_one_missing_rendition_give_one_good_file(story):
    url = story.lead_image.get_rendition_url(SPECS["lead"], 1600)
    assert fetch_at_once(url, 4) == [(1600, 900)] * 4
    rendition = Rendition.objects.get()
    assert fetch_picture(Client(), url).size == (1600, 900)
    assert rendition.file.storage.listdir(f"renditions/{story.lead_image.pk}")[1] == [
        rendition.file.name.rsplit("/", 1)[1]
    ]


@pytest.mark.django_db(transaction=True)
def test_racing_requests_on_overwriting_storage_keep_the_winner(story, settings):
    """With storage that overwrites names (S3's default), the loser of a race writes
    the same bytes under the same name and must not delete the winner's file."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "tests.storages.AtomicOverwriteStorage"},
    }
    url = story.lead_image.get_rendition_url(SPECS["card"], 640)
    assert fetch_at_once(url, 3) == [(640, 480)] * 3
    assert fetch_picture(Client(), url).size == (640, 480)


def test_a_rendition_whose_file_vanished_is_made_again(client, story):
    url = story.lead_image.get_rendition_url(SPECS["card"], 320)
    fetch_picture(client, url)
    rendition = Rendition.objects.get()
    rendition.file.storage.delete(rendition.file.name)
    assert fetch_picture(client, url).size == (320, 240)


def test_deleting_an_image_deletes_its_files(
    client, db, django_capture_on_commit_callbacks
):
    image = make_image(file=jpeg_file(800, 600))
    make_author(headshot=image)
    make_article(lead_image=None, authors=[image.headshot_of.get()])
    fetch_picture(client, image.get_rendition_url(SPECS["headshot"], 320))
    storage = image.file.storage
    names = [image.file.name, Rendition.objects.get().file.name]
    image.headshot_of.update(headshot=None)  # a picture in use is never deleted
    with django_capture_on_commit_callbacks(execute=True):
        image.delete()
    assert not any(storage.exists(name) for name in names)


def test_moving_the_focal_point_removes_old_crops(
    client, story, django_capture_on_commit_callbacks
):
    image = story.lead_image
    fetch_picture(client, image.get_rendition_url(SPECS["card"], 320))
    old = Rendition.objects.get()
    image.focal_x = 0.1
    with django_capture_on_commit_callbacks(execute=True):
        image.save()
    assert not Rendition.objects.exists()
    assert not old.file.storage.exists(old.file.name)


def rotated_jpeg(width, height, orientation):
    """A JPEG stored `width` x `height` with an EXIF orientation tag, as phones make."""
    import io

    from django.core.files.base import ContentFile
    from PIL import Image as PILImage

    picture = PILImage.new("RGB", (width, height), (200, 30, 30))
    exif = picture.getexif()
    exif[0x0112] = orientation
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", exif=exif)
    return ContentFile(buffer.getvalue(), name="phone.jpg")


def test_a_photo_stored_on_its_side_has_the_size_it_is_shown_at(client, db):
    image = make_image(file=rotated_jpeg(1200, 900, orientation=6))
    assert (image.width, image.height) == (900, 1200)
    make_article(lead_image=image)
    url = image.get_rendition_url(SPECS["card"], 640)
    assert image.rendition_size(SPECS["card"], 640) == (640, 480)
    assert fetch_picture(client, url).size == (640, 480)


def png_file(width, height, name):
    import io

    from django.core.files.base import ContentFile
    from PIL import Image as PILImage

    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), (40, 90, 160)).save(buffer, "PNG")
    return ContentFile(buffer.getvalue(), name=name)


@pytest.mark.parametrize("size", [(1, 65000), (65000, 1), (200, 30000)])
def test_a_picture_of_extreme_shape_still_has_every_rendition(client, db, size):
    """A picture taken into the library before such shapes were refused (or by a
    script) never answers 500: each rendition fits what its format can encode (WebP
    stops at 16,383 pixels a side), at the size the page says."""
    image = make_image(file=png_file(*size, name="strip.png"))
    story = make_article(lead_image=image, body=f'<figure data-image-id="{image.pk}">')
    assert client.get(story.get_absolute_url()).status_code == 200
    for spec in SPECS.values():
        width = max(image.rendition_widths(spec))  # the tallest rendition
        for fmt in renditions.FORMATS:
            picture = fetch_picture(client, image.get_rendition_url(spec, width, fmt))
            assert max(picture.size) <= renditions.MAX_SIDE, (spec, fmt)
            assert picture.size == image.rendition_size(spec, width)
