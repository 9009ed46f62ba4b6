"""The admin's story list and story form cost a fixed number of queries, however many
stories, authors, sections and pictures the newsroom has; the list's filters and
search find the right stories."""

from datetime import timedelta

import lxml.html
import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article

from .factories import make_article, make_author, make_category, make_image

pytestmark = pytest.mark.django_db

LIST_BUDGET = 12
# The story form draws many parts (inlines, history, preview link, pickers); what
# matters is that none of them costs a query per author, section or picture. Since
# the desk's round it also asks for prepared changes, the working copy, the notes
# thread and the unread notifications, and whether the story is live (24 for a
# story with three bylines).
FORM_BUDGET = 26

CHANGELIST = reverse("admin:articles_article_changelist")


def listed_headlines(response):
    assert response.status_code == 200
    page = lxml.html.fromstring(response.content)
    return [
        cell.text_content().strip()
        for cell in page.cssselect("#result_list tbody .field-headline")
    ]


def filter_choices(response, title):
    """The choices offered under a filter in the list's sidebar."""
    page = lxml.html.fromstring(response.content)
    for details in page.cssselect("#changelist-filter details"):
        if details.cssselect("summary")[0].text_content().strip() == f"By {title}":
            return [a.text_content().strip() for a in details.cssselect("li a")][1:]
    raise AssertionError(f"No filter {title!r}")


def add_newsroom_growth():
    """Another story with its own section, picture and two new authors, plus an
    author, a section and a picture that no story uses."""
    make_article(
        lead_image=make_image(),
        primary_category=make_category(),
        authors=[make_author(), make_author()],
        tags=[f"tag-{Article.objects.count()}"],
    )
    make_author()
    make_category()
    make_image()


@pytest.mark.parametrize(
    "query",
    ["", "?status__exact=published", "?q=headline", "?p=1&o=4"],
    ids=["all", "published", "search", "sorted"],
)
def test_story_list_stays_within_its_query_budget(
    admin_client, assert_flat_queries, query
):
    response = assert_flat_queries(
        CHANGELIST + query,
        add_newsroom_growth,
        limit=LIST_BUDGET,
        client=admin_client,
    )
    assert len(listed_headlines(response)) == 6


def test_filtered_story_list_stays_within_its_query_budget(
    admin_client, django_assert_max_num_queries
):
    author, section = make_author(), make_category()
    for _ in range(3):
        make_article(authors=[author, make_author()], primary_category=section)
        add_newsroom_growth()
    for query in [f"?author={author.pk}", f"?primary_category__id__exact={section.pk}"]:
        with django_assert_max_num_queries(LIST_BUDGET):
            response = admin_client.get(CHANGELIST + query)
        assert len(listed_headlines(response)) == 3


def test_story_form_costs_the_same_however_big_the_newsroom(
    admin_client, assert_flat_queries
):
    story = make_article(
        lead_image=make_image(),
        authors=[make_author(), make_author()],
        tags=["Budget", "Harbor"],
    )
    url = reverse("admin:articles_article_change", args=[story.pk])
    response = assert_flat_queries(
        url, add_newsroom_growth, FORM_BUDGET, client=admin_client
    )
    assert response.status_code == 200


def test_new_story_form_costs_the_same_however_big_the_newsroom(
    admin_client, assert_flat_queries
):
    url = reverse("admin:articles_article_add")
    response = assert_flat_queries(
        url, add_newsroom_growth, FORM_BUDGET, client=admin_client
    )
    assert response.status_code == 200


def test_filters_offer_only_sections_and_authors_with_stories(admin_client):
    maya, sam = make_author(name="Maya Okafor"), make_author(name="Sam Adeyemi")
    make_author(name="Idle Writer")
    politics = make_category(name="Politics")
    make_category(name="Empty Section")
    make_article(authors=[maya, sam], primary_category=politics)
    response = admin_client.get(CHANGELIST)
    assert filter_choices(response, "author") == ["Maya Okafor", "Sam Adeyemi"]
    # "-" is for stories filed under no section.
    assert filter_choices(response, "section") == ["Politics", "-"]


def test_author_filter_lists_each_of_their_stories_once(admin_client):
    maya, sam = make_author(name="Maya Okafor"), make_author(name="Sam Adeyemi")
    make_article(headline="Both of them", authors=[maya, sam])
    make_article(headline="Maya alone", authors=[maya])
    make_article(headline="Sam alone", authors=[sam])
    response = admin_client.get(CHANGELIST, {"author": maya.pk})
    assert sorted(listed_headlines(response)) == ["Both of them", "Maya alone"]


def test_search_finds_stories_by_headline_author_and_slug(admin_client):
    now = timezone.now()
    make_article(
        headline="Seawall vote delayed",
        slug="harbor-plan-2026",
        published_at=now - timedelta(hours=1),
    )
    make_article(
        headline="Ferry fares rise",
        authors=[make_author(name="Priya Natarajan")],
        published_at=now - timedelta(hours=2),
    )
    make_article(headline="Library hours", status=Article.Status.DRAFT)

    def search(term):
        return listed_headlines(admin_client.get(CHANGELIST, {"q": term}))

    assert search("seawall") == ["Seawall vote delayed"]
    assert search("Natarajan") == ["Ferry fares rise"]
    assert search("harbor-plan-2026") == ["Seawall vote delayed"]
    assert search("library") == ["Library hours"]  # drafts too: it is the admin
    assert search("ferry seawall") == []


def test_author_list_counts_stories_in_a_fixed_number_of_queries(
    admin_client, assert_flat_queries
):
    maya, idle = make_author(name="Maya Okafor"), make_author(name="Idle Writer")
    make_article(authors=[maya])
    make_article(authors=[make_author(), maya])
    response = assert_flat_queries(
        reverse("admin:articles_author_changelist"),
        add_newsroom_growth,
        limit=LIST_BUDGET,
        client=admin_client,
    )
    page = lxml.html.fromstring(response.content)
    counts = {
        row.cssselect(".field-name")[0].text_content(): row.cssselect(
            ".field-story_count"
        )[0].text_content()
        for row in page.cssselect("#result_list tbody tr")
    }
    assert counts[maya.name] == "2"
    assert counts[idle.name] == "0"
