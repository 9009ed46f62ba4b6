"""The story page's own row, read by hand (readers/story_sql.story_row), is the
story the ORM reads: the same stories public, the same fields, section, pictures
and bylines, times with their zone, and nothing to fail on a tampered id."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, Byline, Correction
from live.models import LiveCoverage
from readers import story_sql

from .factories import make_article, make_author, make_image

pytestmark = pytest.mark.django_db


def fields_of(instance):
    """Every field the instance has loaded, by name, with its type (a flag read as
    1 rather than True would be equal, but not the same)."""
    return {
        field.attname: (type(value := getattr(instance, field.attname)), value)
        for field in instance._meta.concrete_fields
        if field.attname in instance.__dict__
    }


@pytest.fixture
def stories():
    now = timezone.now()
    lead, social = make_image(), make_image(focal_x=0.25, focal_y=0.75)
    writer, editor = make_author(), make_author(short_bio="")
    full = make_article(
        authors=[writer, editor],
        lead_image=lead,
        social_image=social,
        updated_at=now - timedelta(minutes=1),
        expires_at=now + timedelta(days=1),
    )
    Byline.objects.filter(article=full, author=editor).update(role="contributor")
    Correction.objects.create(article=full, text="An earlier version misspelt it.")
    LiveCoverage.objects.create(article=full)
    return {
        "full": full,
        "bare": make_article(authors=[], primary_category=None),
        "draft": make_article(status=Article.Status.DRAFT),
        "scheduled": make_article(published_at=now + timedelta(hours=1)),
        "taken down": make_article(expires_at=now - timedelta(minutes=1)),
        "unpublished": make_article(status=Article.Status.UNPUBLISHED),
    }


def test_the_same_stories_are_public_as_the_querysets(stories):
    public = set(Article.objects.published().values_list("pk", flat=True))
    for name, story in stories.items():
        found = story_sql.story_row(story.pk)
        assert (found is not None) == (story.pk in public), name
        assert story_sql.story_row(story.pk, public=False) is not None, name


def test_the_row_is_the_orms(stories):
    for story in stories.values():
        article, bylines = story_sql.story_row(story.pk, public=False)
        orm = Article.objects.without_bulk(keep=["body"]).get(pk=story.pk)
        assert fields_of(article) == fields_of(orm)
        # The bulk, but the body, is left out as without_bulk leaves it.
        assert set(fields_of(article)) == set(fields_of(orm))
        for relation in ("primary_category", "lead_image", "social_image"):
            mine, theirs = getattr(article, relation), getattr(orm, relation)
            assert (mine and fields_of(mine)) == (theirs and fields_of(theirs))
        expected = list(orm.bylines.select_related("author"))
        assert [fields_of(b) for b in bylines] == [fields_of(b) for b in expected]
        assert [fields_of(b.author) for b in bylines] == [
            fields_of(b.author) for b in expected
        ]
        assert article.has_corrections == orm.corrections.exists()
        assert (
            article.has_live_coverage
            == LiveCoverage.objects.filter(article=orm).exists()
        )


def test_the_body_is_read_once_not_once_a_byline(stories):
    story = stories["full"]  # two bylines
    with connection.cursor() as cursor:
        cursor.execute(story_sql._story_sql(connection.vendor, False), [story.pk])
        rows = cursor.fetchall()
    part = story_sql.STORY_PART
    body = part.start + [field.name for field in part.fields].index("body")
    assert [row[body] for row in rows] == [story.body, None]
    assert story_sql.story_row(story.pk).article.body == story.body


def test_times_keep_their_zone(stories):
    article, _ = story_sql.story_row(stories["full"].pk)
    for value in (
        article.published_at,
        article.updated_at,
        article.expires_at,
        article.lead_image.uploaded_at,
    ):
        assert timezone.is_aware(value)


def test_what_the_page_reads_costs_no_further_query(stories, django_assert_num_queries):
    with django_assert_num_queries(1):
        article, bylines = story_sql.story_row(stories["full"].pk)
    with django_assert_num_queries(0):
        assert article.primary_category.name
        assert article.lead_image.file.name
        assert article.social_image.focal_y == 0.75
        assert [b.author.name for b in bylines]
        assert [b.get_role_display() for b in bylines] == ["Author", "Contributor"]


@pytest.mark.parametrize("pk", [0, -1, 2**63, 10**30])
def test_an_id_out_of_range_is_no_story(pk, client):
    assert story_sql.story_row(pk) is None
    assert client.get(f"/2026/1/2/{pk}/any-slug/").status_code == 404


def page_queries(client, story):
    """The page's HTML and the queries it ran."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    return response.content, [query["sql"] for query in queries]


@pytest.mark.django_db(transaction=True)
def test_the_stories_queries_are_prepared_once_a_session_on_postgresql(
    client, settings
):
    story = make_article(tags=["harbor"])
    first, queries = page_queries(client, story)
    ran = {sql.split()[0] for sql in queries}
    if connection.vendor == "postgresql":
        # Planned once a session: the page sends EXECUTE, not the query.
        names = {"story_row_public", "story_labels", "story_links_1_1_1"}
        assert {f"EXECUTE {name}" for name in names} <= {
            " ".join(sql.split()[:2]) for sql in queries
        }
        # Planned once, generically, not again for each story (custom plans).
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, generic_plans, custom_plans FROM pg_prepared_statements"
            )
            plans = {name: (generic, custom) for name, generic, custom in cursor}
        assert {name: plans.get(name) for name in names} == dict.fromkeys(names, (1, 0))
    else:
        assert "EXECUTE" not in ran
    # A new session (CONN_MAX_AGE, a failed health check) prepares its own.
    connection.close()
    assert page_queries(client, story)[0] == first
    if connection.vendor == "postgresql":
        # A migration changes the type of a column the statements read: they are
        # prepared again, not refused until the connection is renewed.
        column = f"ALTER TABLE {Article._meta.db_table} ALTER COLUMN headline TYPE"
        with connection.cursor() as cursor:
            cursor.execute(f"{column} varchar(300)")
        try:
            assert page_queries(client, story)[0] == first
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"{column} varchar(200)")
    # Inside a transaction (a preview), where a refusal would abort it: as it is.
    with transaction.atomic():
        again, queries = page_queries(client, story)
    assert again == first
    assert not any(sql.startswith("EXECUTE") for sql in queries)
    # Off (behind a pooler that shares sessions): the queries as they are.
    settings.NEWSROOM_PREPARED_QUERIES = False
    again, queries = page_queries(client, story)
    assert again == first
    assert not any(sql.startswith("EXECUTE") for sql in queries)
