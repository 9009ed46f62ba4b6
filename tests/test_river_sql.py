"""A tag's and an author's rivers, read by hand (readers/river_sql.py), are the
stories the ORM reads for them: the same stories public, in the same order, a page
at a time, with the same fields, sections, pictures, bylines and live flags; and a
page costs the same few queries however many stories and bylines it shows."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, Byline
from live.models import LiveCoverage
from readers import live_page, river_sql

from .factories import make_article, make_author, make_image
from .test_story_sql import fields_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def river():
    """Stories by one writer and tagged "harbor": public ones, some sharing a publish
    time (ordered by id then), and others the public may not see."""
    now = timezone.now()
    writer, editor = make_author(), make_author(short_bio="")
    picture = make_image(focal_x=0.25, focal_y=0.75)
    same_time = now - timedelta(hours=3)
    public = [
        make_article(authors=[writer, editor], tags=["harbor"], lead_image=picture),
        make_article(authors=[editor, writer], tags=["harbor", "ferries"]),
        make_article(authors=[writer], tags=["harbor"], published_at=same_time),
        make_article(authors=[writer], tags=["harbor"], published_at=same_time),
        make_article(authors=[writer], tags=["harbor"], primary_category=None),
        make_article(
            authors=[writer], tags=["harbor"], expires_at=now + timedelta(days=1)
        ),
    ]
    Byline.objects.filter(article=public[1], author=writer).update(role="contributor")
    LiveCoverage.objects.create(article=public[0])
    LiveCoverage.objects.create(
        article=public[1], started_at=now - timedelta(hours=1), ended_at=now
    )
    for hidden in (
        {"status": Article.Status.DRAFT},
        {"status": Article.Status.UNPUBLISHED},
        {"published_at": now + timedelta(hours=1)},
        {"expires_at": now - timedelta(minutes=1)},
    ):
        make_article(authors=[writer], tags=["harbor"], **hidden)
    make_article(tags=["harbor"])  # someone else's
    make_article(authors=[writer], tags=["ferries"])  # another tag
    return writer, Tag.objects.get(name="harbor")


def orm_river(queryset):
    """The river as the ORM reads it (what the views read before river_sql)."""
    return list(live_page.with_live_flag(queryset.published().for_listing()))


def both(river):
    writer, tag = river
    return [
        (river_sql.River.by_author(writer), Article.objects.by_author(writer)),
        (river_sql.River.tagged(tag), Article.objects.tagged(tag)),
    ]


def test_the_same_stories_in_the_same_order_a_page_at_a_time(river):
    for mine, theirs in both(river):
        expected = [story.pk for story in orm_river(theirs)]
        assert len(expected) >= 7
        assert [story.pk for story in mine[0:100]] == expected
        for start, stop in [(0, 3), (3, 6), (6, 9), (2, 5), (50, 60)]:
            assert [story.pk for story in mine[start:stop]] == expected[start:stop]


def test_the_stories_are_the_orms(river):
    for mine, theirs in both(river):
        for story, orm in zip(mine[0:100], orm_river(theirs), strict=True):
            assert fields_of(story) == fields_of(orm)
            # The bulk is left out as for_listing leaves it.
            assert set(fields_of(story)) == set(fields_of(orm))
            assert story.is_live == orm.is_live
            for relation in ("primary_category", "lead_image"):
                shown, read = getattr(story, relation), getattr(orm, relation)
                assert (shown and fields_of(shown)) == (read and fields_of(read))
            bylines = list(orm.bylines.all())
            assert [fields_of(b) for b in story.shown_bylines()] == [
                fields_of(b) for b in bylines
            ]
            assert [fields_of(b.author) for b in story.shown_bylines()] == [
                fields_of(b.author) for b in bylines
            ]


def test_a_card_reads_nothing_more(river, django_assert_num_queries):
    writer, tag = river
    with django_assert_num_queries(1):
        stories = river_sql.River.tagged(tag)[0:100]
    with django_assert_num_queries(0):
        for story in stories:
            assert story.get_absolute_url()
            assert [b.author.get_absolute_url() for b in story.author_bylines()]
            assert story.primary_category is None or story.primary_category.name
            assert story.lead_image is None or story.lead_image.file.name
    contributor = next(
        s for s in stories if "contributor" in {b.role for b in s.shown_bylines()}
    )
    # A contributor is shown on the story's page, not on its card.
    assert len(contributor.author_bylines()) == 1


def headlines_on(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_a_page_costs_the_same_queries_however_many_stories_it_shows(client):
    writer = make_author()
    make_article(authors=[writer, make_author()], tags=["harbor"])
    pages = [writer.get_absolute_url(), "/tags/harbor/"]
    few = [headlines_on(client, url)[1] for url in pages]
    for _ in range(12):
        make_article(
            authors=[writer, make_author(), make_author()],
            tags=["harbor"],
            lead_image=make_image(),
        )
    many = [headlines_on(client, url)[1] for url in pages]
    assert many == few
    # The subject, its stories with their cards' all, and the navigation.
    assert max(many) <= 3


def test_the_pages_show_the_rivers_cards(river, client):
    writer, tag = river
    for url, stories in [
        (writer.get_absolute_url(), river_sql.River.by_author(writer)[0:100]),
        (f"/tags/{tag.slug}/", river_sql.River.tagged(tag)[0:100]),
    ]:
        page, _ = headlines_on(client, url)
        shown = [page.index(f">{story.headline}</a>") for story in stories]
        assert shown == sorted(shown), url
        assert page.count('class="live-label"') == 1, url
        assert page.count("<picture>") == 1, url


def test_an_older_page_follows_the_first(client, settings):
    settings.NEWSROOM_STORIES_PER_PAGE = 2
    for _ in range(5):
        make_article(tags=["harbor"])
    expected = [
        story.headline
        for story in orm_river(Article.objects.filter(tags__name="harbor"))
    ]
    seen = []
    for number in (1, 2, 3):
        page, _ = headlines_on(client, f"/tags/harbor/?page={number}")
        seen += [h for h in expected if f">{h}</a>" in page]
        assert ('rel="next"' in page) == (number < 3)
    assert seen == expected
    assert client.get("/tags/harbor/?page=4").status_code == 404
    assert client.get(f"/tags/harbor/?page={2**62}").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_river_is_planned_once_whatever_its_tag_or_author(client):
    writer = make_author()
    for tag in ("harbor", "ferry"):
        make_article(authors=[writer], tags=[tag], headline=f"On the {tag}")
    for url, headline in [
        ("/tags/harbor/", "On the harbor"),
        ("/tags/ferry/", "On the ferry"),
        (writer.get_absolute_url(), "On the ferry"),
    ]:
        page, _ = headlines_on(client, url)
        assert f">{headline}</a>" in page, url
    if connection.vendor == "postgresql":
        # The same plan for every tag, made once (PREPAREd, planned generically),
        # not again for each tag, as PostgreSQL does when left to weigh them.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, generic_plans, custom_plans FROM pg_prepared_statements"
            )
            plans = {name: (generic, custom) for name, generic, custom in cursor}
        assert plans["river_tagged"] == (2, 0)
        assert plans["river_by_author"] == (1, 0)
