"""Search: ranked matches over headline, dek, body, authors and tags; public stories
only; helpful pages for queries with nothing to search for. Runs on both databases:
PostgreSQL full-text search, or the word search used on SQLite."""

from datetime import timedelta

import lxml.html
import pytest
from django.db import connection
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, Author, Byline

from .factories import make_article, make_author

pytestmark = pytest.mark.django_db


def results(client, query, **params):
    response = client.get("/search/", {"q": query, **params})
    assert response.status_code == 200
    page = lxml.html.fromstring(response.content)
    return page, [
        a.text_content()
        for a in page.cssselect(".search-results .story-card__headline a")
    ]


def test_a_byline_moved_to_another_story_takes_its_authors_name_along(client):
    maya = make_author(name="Maya Okafor", slug="maya-okafor")
    first = make_article(headline="Harbor dredging begins", authors=[maya])
    make_article(headline="Ferry fares rise")
    byline = Byline.objects.get(article=first)
    byline.article = Article.objects.get(headline="Ferry fares rise")
    byline.save()
    assert results(client, "Okafor")[1] == ["Ferry fares rise"]


def test_headline_match_ranks_above_body_match(client):
    now = timezone.now()
    make_article(
        headline="Ferry schedules change",
        body="<p>The seawall vote comes later.</p>",
        published_at=now - timedelta(hours=1),
    )
    make_article(
        headline="Seawall vote set for Tuesday",
        body="<p>Council will decide.</p>",
        published_at=now - timedelta(days=3),
    )
    _, found = results(client, "seawall")
    assert found == ["Seawall vote set for Tuesday", "Ferry schedules change"]


def test_dek_author_names_and_tags_are_searched(client):
    make_article(headline="By dek", dek="Lanterns over the harbor.")
    make_article(headline="By author", authors=[make_author(name="Priya Natarajan")])
    make_article(headline="By tag", tags=["Seagrass"])
    make_article(headline="Unrelated")
    assert results(client, "lanterns")[1] == ["By dek"]
    assert results(client, "Natarajan")[1] == ["By author"]
    assert results(client, "seagrass")[1] == ["By tag"]


def test_search_stays_fresh_when_authors_and_tags_change(client):
    author = make_author(name="Old Name")
    story = make_article(headline="Renamed byline", authors=[author])
    Author.objects.filter(pk=author.pk).update(name="x")  # bypasses signals
    author.name = "Brand Newname"
    author.save()
    story.tags.add("Lighthouses")
    assert results(client, "Newname")[1] == ["Renamed byline"]
    assert results(client, "lighthouses")[1] == ["Renamed byline"]


def test_every_word_must_match(client):
    make_article(headline="Harbor budget vote")
    make_article(headline="Harbor lantern festival")
    assert results(client, "harbor budget")[1] == ["Harbor budget vote"]


def test_snippet_marks_the_match_and_escapes_the_rest(client):
    make_article(
        headline="Tide tables",
        body="<p>Engineers say &lt;b&gt; the seawall must rise by two feet.</p>",
    )
    page, _ = results(client, "seawall")
    snippet = page.cssselect(".search-results__snippet")[0]
    assert [m.text_content().lower() for m in snippet.cssselect("mark")] == ["seawall"]
    # The body's escaped "<b>" is text, never markup (PostgreSQL leaves it out).
    assert {element.tag for element in snippet.iterdescendants()} == {"mark"}


def test_drafts_and_scheduled_stories_are_never_found(client):
    make_article(headline="Embargoed seawall deal", status=Article.Status.DRAFT)
    make_article(
        headline="Tomorrow's seawall deal",
        published_at=timezone.now() + timedelta(hours=3),
    )
    page, found = results(client, "seawall")
    assert found == []
    assert "No stories matched" in page.cssselect(".search__note")[0].text_content()


@pytest.mark.parametrize("query", ["", "   ", "?!…—", "'\"<>"])
def test_queries_without_words_get_advice(client, query):
    make_article(headline="Harbor")
    page, found = results(client, query)
    assert found == []
    assert page.cssselect(".search__note")


def test_very_long_query_is_cut_and_said_so(client):
    make_article(headline="Harbor festival")
    page, found = results(client, "harbor " * 200)
    assert found == ["Harbor festival"]
    assert "first 200 characters" in page.cssselect(".search__note")[0].text_content()


def test_hostile_query_is_shown_as_text(client):
    page, _ = results(client, '<script>alert("x")</script> seawall')
    assert page.cssselect("main script") == []
    assert "<script>" in page.cssselect("h1")[0].text_content()


def test_results_are_paginated_and_keep_the_query(client, settings):
    settings.NEWSROOM_STORIES_PER_PAGE = 2
    for n in range(3):
        make_article(headline=f"Harbor story {n}")
    page, found = results(client, "harbor")
    assert len(found) == 2
    next_link = page.cssselect('.pagination a[rel="next"]')[0].get("href")
    assert next_link == "?q=harbor&page=2"
    assert len(results(client, "harbor", page=2)[1]) == 1


def test_search_shows_ten_results_a_page(client, settings):
    settings.NEWSROOM_STORIES_PER_PAGE = 20
    for n in range(12):
        make_article(headline=f"Harbor story {n}")
    page, found = results(client, "harbor")
    assert len(found) == 10
    assert len(results(client, "harbor", page=2)[1]) == 2


FILLER = " ".join(f"Filler sentence number {n} about nothing much." for n in range(60))


@pytest.mark.parametrize(
    "word, early, late",
    [
        # The stem ("polici") is not in the word as written.
        ("policy", "", "The new policy takes effect in May."),
        # A stem that starts other words earlier on ("art" in "started").
        ("art", "It started quietly. ", "The art museum reopens in May."),
        # Capitals in the query, and a word the stem starts ("citi", "Citizens").
        ("CITY", "Citizens gathered. ", "The city council met in May."),
        ("running", "A brunette runner waved. ", "The mayor is running again in May."),
    ],
)
def test_a_snippet_shows_its_match_deep_in_a_long_body(client, word, early, late):
    make_article(headline="Weekly roundup", body=f"<p>{early}{FILLER}</p><p>{late}</p>")
    page, found = results(client, word)
    snippet = page.cssselect(".search-results__snippet")[0]
    marked = [mark.text_content().lower() for mark in snippet.cssselect("mark")]
    assert marked and all(word.lower()[:3] in text for text in marked), marked
    assert "may" in snippet.text_content().lower()


def test_postgres_search_is_backed_by_a_gin_index():
    """The migration builds the GIN index on PostgreSQL; SQLite has no such index."""
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, "articles_article")
    gin = indexes.get("article_search_vector_idx")
    if connection.vendor == "postgresql":
        assert gin and gin["columns"] == ["search_vector"] and gin["type"] == "gin"
    else:
        assert gin is None


def test_search_queries_do_not_grow_with_results(assert_flat_queries):
    def add():
        make_article(headline="Harbor", authors=[make_author(), make_author()])

    # PostgreSQL: the ranked ids, the page's stories, their bylines, the sections
    # menu. SQLite counts the matches too.
    limit = 4 if connection.vendor == "postgresql" else 5
    response = assert_flat_queries("/search/?q=harbor", add, limit=limit)
    assert len(lxml.html.fromstring(response.content).cssselect(".story-card")) == 6


@pytest.mark.parametrize("query", ["budget\x00", "\x00", "bud\x02get", "\x1f"])
def test_control_characters_never_break_search(client, query):
    make_article(headline="Budget vote")
    page, _ = results(client, query)
    assert "\x02" not in page.findtext(".//title")


def test_a_headline_match_beats_body_only_matches_for_several_words(client):
    now = timezone.now()
    make_article(
        headline="Quiet harbor",
        body="<p>The zephyr budget and the zephyr budget again.</p>",
        published_at=now - timedelta(hours=1),
    )
    make_article(
        headline="Zephyr wind farm",
        body="<p>Long story. " + "Filler words here. " * 200 + "The budget.</p>",
        published_at=now - timedelta(days=9),
    )
    assert results(client, "zephyr budget")[1] == ["Zephyr wind farm", "Quiet harbor"]


def test_minus_leaves_words_out_and_quotes_keep_phrases(client):
    make_article(headline="Harbor budget vote")
    make_article(headline="Harbor lantern festival")
    make_article(headline="Festival of the harbor")
    assert results(client, "harbor -budget -festival")[1] == []
    assert results(client, "harbor -budget")[1] != []
    assert "Harbor budget vote" not in results(client, "harbor -budget")[1]
    assert results(client, '"lantern festival"')[1] == ["Harbor lantern festival"]


def test_deleting_a_tag_takes_it_out_of_search(client):
    make_article(headline="Tagged story", tags=["Quokkagate"])
    assert results(client, "quokkagate")[1] == ["Tagged story"]
    Tag.objects.get(name="Quokkagate").delete()
    assert results(client, "quokkagate")[1] == []


def test_a_very_common_word_ranks_only_the_newest_matches(client):
    """On PostgreSQL only the newest matches are ranked (ranking reads each match's
    document); SQLite's plainer search lists them all."""
    from articles import search

    stories = [make_article(headline=f"Ferry {n}") for n in range(4)]
    newest_first = sorted(stories, key=lambda s: s.published_at, reverse=True)
    search.MAX_RANKED, saved = 3, search.MAX_RANKED
    try:
        response = client.get("/search/", {"q": "ferry"})
    finally:
        search.MAX_RANKED = saved

    listed = sorted(story.pk for story in response.context["stories"])
    note = "The best of the 3 newest matching stories."
    if connection.vendor == "postgresql":
        assert listed == sorted(s.pk for s in newest_first[:3])
        assert note in response.content.decode()
    else:
        assert listed == sorted(s.pk for s in stories)
        assert note not in response.content.decode()


def test_ranking_blends_where_the_words_are_with_age(client, settings):
    """On PostgreSQL a story scores by where the words are (headline, then dek and
    tags, then byline; the body only says it matches), divided as it ages; SQLite puts
    headline matches first, then the newest."""
    now = timezone.now()
    make_article(headline="Seawall vote set", published_at=now - timedelta(days=2))
    make_article(
        headline="Council notes",
        body="<p>The seawall came up again.</p>",
        published_at=now - timedelta(hours=1),
    )
    make_article(
        headline="Seawall plans of old", published_at=now - timedelta(days=730)
    )
    make_article(
        headline="Tide report",
        dek="Repairs to the seawall begin.",
        published_at=now - timedelta(days=5),
    )
    if connection.vendor == "postgresql":
        expected = [
            "Seawall vote set",
            "Tide report",  # the dek, five days old
            "Council notes",  # the body alone, an hour old
            "Seawall plans of old",  # the headline, two years old
        ]
    else:
        expected = [
            "Seawall vote set",
            "Seawall plans of old",
            "Council notes",
            "Tide report",
        ]
    assert results(client, "seawall")[1] == expected
    # Pages follow the same order, with nothing repeated or lost between them.
    settings.NEWSROOM_STORIES_PER_PAGE = 3
    first, second = results(client, "seawall")[1], results(client, "seawall", page=2)[1]
    assert first + second == expected


def test_a_headline_outweighs_a_dek_of_a_few_days_later(client):
    now = timezone.now()
    make_article(headline="Seawall vote set", published_at=now - timedelta(days=2))
    make_article(
        headline="Tide report",
        dek="Repairs to the seawall begin.",
        published_at=now - timedelta(hours=1),
    )
    assert results(client, "seawall")[1] == ["Seawall vote set", "Tide report"]


def test_ranking_follows_tags_and_bylines_as_they_change(client):
    """On PostgreSQL the summary that ranks is kept fresh, as the document that
    matches is: a tag or a byline added later lifts an older story above a newer one
    that only mentions the words. SQLite lists them newest first."""
    now = timezone.now()
    older = make_article(headline="Older", published_at=now - timedelta(days=3))
    make_article(
        headline="Newer",
        body="<p>A lighthouse keeper, Ngozi Obi, retires.</p>",
        published_at=now - timedelta(hours=1),
    )
    assert results(client, "lighthouse")[1] == ["Newer"]
    lifted = (
        ["Older", "Newer"] if connection.vendor == "postgresql" else ["Newer", "Older"]
    )
    older.tags.add("Lighthouse")
    assert results(client, "lighthouse")[1] == lifted
    older.bylines.create(author=make_author(name="Ngozi Obi"), position=1)
    assert results(client, "Obi")[1] == lifted


def test_snippet_finds_a_match_deep_in_a_long_body(client):
    make_article(
        headline="Tide tables",
        body="<p>"
        + "Filler words about the weather. " * 150
        + "Seawalls must rise by two feet before the winter storms arrive.</p>",
    )
    page, _ = results(client, "seawall")
    snippet = page.cssselect(".search-results__snippet")[0]
    assert [m.text_content() for m in snippet.cssselect("mark")] == ["Seawalls"]
    assert "must rise by two feet" in snippet.text_content()
    # About thirty words, not the body.
    assert 15 <= len(snippet.text_content().split()) <= 35


def test_snippet_of_a_story_without_a_body_comes_from_its_dek(client):
    make_article(headline="Brief", dek="The seawall vote is set for Tuesday.", body="")
    page, _ = results(client, "seawall")
    snippet = page.cssselect(".search-results__snippet")[0]
    assert [m.text_content() for m in snippet.cssselect("mark")] == ["seawall"]


def test_results_are_drawn_without_loading_bodies(client):
    """Bodies and search documents are most of a story's row; a results page shows
    none of them (SQLite still reads the plain-text body for its snippets)."""
    make_article(headline="Seawall vote")
    story = client.get("/search/", {"q": "seawall"}).context["stories"][0]
    deferred = story.get_deferred_fields()
    assert {"body", "search_vector", "search_summary"} <= deferred
    assert ("body_text" in deferred) == (connection.vendor == "postgresql")


def test_search_results_can_be_listed_whole(django_assert_max_num_queries):
    """The paginator slices the results; listing them all is one page, not a query
    per story (PostgreSQL: the ranking, the stories, their bylines)."""
    from articles import search

    for n in range(4):
        make_article(headline=f"Harbor story {n}")
    matches = search.search(Article.objects.published().for_listing(), "harbor")
    with django_assert_max_num_queries(3):
        found = list(matches)
        assert [story.headline for story in found] == [
            "Harbor story 0",
            "Harbor story 1",
            "Harbor story 2",
            "Harbor story 3",
        ]
