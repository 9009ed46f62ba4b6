"""The content model: its data rules, the one definition of "public", and its URLs."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import Article, Byline, Category
from photos.models import Image

from .factories import make_article, make_author, make_category, make_image

pytestmark = pytest.mark.django_db


def test_category_slugs_are_unique():
    make_category(slug="politics")
    with pytest.raises(IntegrityError), transaction.atomic():
        Category.objects.create(name="Politics again", slug="politics")


def test_author_slugs_are_unique():
    make_author(slug="maya-okafor")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_author(slug="maya-okafor")


def test_an_author_has_one_byline_per_article():
    author = make_author()
    article = make_article(authors=[author])
    with pytest.raises(IntegrityError), transaction.atomic():
        Byline.objects.create(article=article, author=author, position=1)


def test_a_published_article_must_have_a_publish_time():
    """The database itself refuses a published story without a publish time."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.create(
            headline="No time", slug="no-time", status=Article.Status.PUBLISHED
        )


def test_model_validation_explains_the_missing_publish_time():
    article = Article(headline="No time", slug="no-time", status="published")
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert error.value.messages == ["A published story needs a publish time."]


def test_an_update_cannot_precede_publication():
    published = timezone.now() - timedelta(days=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_article(published_at=published, updated_at=published - timedelta(hours=1))


def test_a_category_cannot_be_its_own_parent():
    category = make_category()
    category.parent = category
    with pytest.raises(IntegrityError), transaction.atomic():
        category.save()


def test_focal_point_stays_inside_the_picture():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_image(focal_x=1.5)


def test_published_means_published_and_due():
    public = make_article()
    make_article(status=Article.Status.DRAFT)
    make_article(published_at=timezone.now() + timedelta(minutes=5))
    assert list(Article.objects.published()) == [public]


def test_a_story_becomes_public_at_its_publish_time():
    article = make_article(published_at=timezone.now() + timedelta(seconds=1))
    assert not Article.objects.published().exists()
    assert article.is_scheduled
    Article.objects.filter(pk=article.pk).update(
        published_at=timezone.now() - timedelta(seconds=1)
    )
    assert list(Article.objects.published()) == [article]


def test_in_section_finds_primary_and_further_categories():
    climate = make_category(slug="climate")
    primary = make_article(primary_category=climate)
    further = make_article(categories=[climate])
    make_article()
    assert set(Article.objects.in_section(climate)) == {primary, further}


def test_by_author_finds_every_byline_once():
    author = make_author()
    solo = make_article(authors=[author])
    shared = make_article(authors=[make_author(), author])
    make_article()
    assert sorted(Article.objects.by_author(author), key=lambda a: a.pk) == [
        solo,
        shared,
    ]


def test_story_url_carries_the_local_date_id_and_slug(settings):
    settings.TIME_ZONE = "America/New_York"
    # 02:30 UTC on March 1 is still February 28 in New York.
    article = make_article(
        slug="late-night-vote",
        published_at=datetime(2026, 3, 1, 2, 30, tzinfo=UTC),
    )
    assert article.get_absolute_url() == f"/2026/2/28/{article.pk}/late-night-vote/"


def test_section_and_author_urls():
    assert make_category(slug="money").get_absolute_url() == "/sections/money/"
    assert make_author(slug="sam-a").get_absolute_url() == "/authors/sam-a/"


def test_slug_is_filled_from_the_headline():
    article = make_article(headline="Council votes 6–5 on the harbor plan", slug="")
    assert article.slug == "council-votes-65-on-the-harbor-plan"


def test_body_is_sanitised_on_save():
    article = make_article(
        body='<p onclick="steal()">Hi <script>alert(1)</script>'
        '<a href="javascript:alert(1)">x</a></p><iframe src="//evil"></iframe>'
    )
    article.refresh_from_db()
    assert "script" not in article.body
    assert "onclick" not in article.body
    assert "javascript:" not in article.body
    assert "iframe" not in article.body
    assert article.body.startswith("<p>Hi")


def test_every_model_has_a_readable_str():
    author = make_author(name="Maya Okafor")
    article = make_article(headline="The budget, explained", authors=[author])
    assert str(article) == "The budget, explained"
    assert str(author) == "Maya Okafor"
    assert str(make_category(name="Politics")) == "Politics"
    assert str(make_image(title="Harbor at dawn")) == "Harbor at dawn"
    assert str(make_image(title="", caption="Boats.")) == "Boats."
    assert (
        str(article.bylines.get()) == "Maya Okafor (author) on “The budget, explained”"
    )


def test_image_size_is_read_on_upload():
    image = make_image()
    assert (image.width, image.height) == (64, 48)
    assert Image.objects.get(pk=image.pk).orientation == "landscape"


def test_filed_under_lists_the_primary_section_first_and_once():
    politics = make_category(name="Politics")
    housing = make_category(name="Housing")
    article = make_article(primary_category=politics, categories=[housing, politics])
    assert article.filed_under() == [politics, housing]
