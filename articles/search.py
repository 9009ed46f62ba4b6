"""
Story search: PostgreSQL full-text search with weights and ranking, and a plainer
word-matching search on other databases (SQLite on a laptop).

On PostgreSQL each article keeps a stored `search_vector` (GIN-indexed by a migration):
the headline weighs most, then the dek and tags, then author names, then the body.
`refresh_search_vectors` rebuilds it whenever any of those change (see signals.py).
"""

import functools
import operator
import re

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.db import connection
from django.db.models import (
    Case,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.html import escape
from django.utils.safestring import mark_safe
from taggit.models import TaggedItem

from .models import Article, Byline

CONFIG = "english"
MAX_QUERY_LENGTH = 200
SNIPPET_WORDS = 30
# Markers around matched words in a snippet; control characters never occur in text,
# so the snippet can be escaped whole and the markers turned into <mark> afterwards.
START, STOP = "\x02", "\x03"
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
# A quoted phrase or a word, either one with a leading minus to leave it out.
TERM = re.compile(r'(-?)"([^"]*\w[^"]*)"|(-?)(\w+)')


def uses_postgres():
    return connection.vendor == "postgresql"


def _names_of(queryset, link, name):
    """A subquery joining the names of an article's related rows with spaces."""
    return Coalesce(
        Subquery(
            queryset.filter(**{link: OuterRef("pk")})
            .values(link)
            .annotate(names=StringAgg(name, " "))
            .values("names")
        ),
        Value(""),
        output_field=TextField(),
    )


def search_document():
    """The weighted tsvector of an article, built from its row and its relations."""
    authors = _names_of(Byline.objects.all(), "article", "author__name")
    tags = _names_of(
        TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(Article)
        ),
        "object_id",
        "tag__name",
    )
    return (
        SearchVector("headline", weight="A", config=CONFIG)
        + SearchVector("dek", weight="B", config=CONFIG)
        + SearchVector(tags, weight="B", config=CONFIG)
        + SearchVector(authors, weight="C", config=CONFIG)
        + SearchVector("body_text", weight="D", config=CONFIG)
    )


def refresh_search_vectors(articles):
    """Rebuild the stored search document of `articles` (a queryset or ids)."""
    if not uses_postgres():
        return
    if not isinstance(articles, Article.objects._queryset_class):
        articles = Article.objects.filter(pk__in=list(articles))
    articles.update(search_vector=search_document())


def normalise_query(raw):
    """The query as searched: spaces collapsed and cut to a sane length.

    Returns (query, was_cut).
    """
    # Control characters carry no meaning, and PostgreSQL refuses NUL outright.
    query = " ".join(CONTROL_CHARACTERS.sub(" ", raw or "").split())
    if len(query) > MAX_QUERY_LENGTH:
        return query[:MAX_QUERY_LENGTH].rsplit(" ", 1)[0], True
    return query, False


def query_words(query):
    """The words of a query, without punctuation; empty when it holds none."""
    return re.findall(r"\w+", query)


# How many of the newest matching stories are ranked and listed on PostgreSQL.
MAX_RANKED = 500


def search(queryset, query):
    """`queryset` narrowed to stories matching `query`, best first, with a `snippet`."""
    if uses_postgres():
        return _search_postgres(queryset, query)
    return _search_words(queryset, query)


def _search_postgres(queryset, query):
    search_query = SearchQuery(query, search_type="websearch", config=CONFIG)
    wanted = query_terms(query)[0]
    if not wanted:
        return queryset.none()
    # Any one of the wanted terms in the headline puts a story ahead.
    any_term = functools.reduce(
        operator.or_,
        (SearchQuery(term, search_type="phrase", config=CONFIG) for term in wanted),
    )
    # Ranking reads every match's document; a word found in thousands of stories
    # would make each search take a second. The newest matches are ranked, found
    # by walking the public index newest first.
    newest = (
        queryset.filter(search_vector=search_query)
        .order_by("-published_at", "-pk")
        .values("pk")[:MAX_RANKED]
    )
    return (
        queryset.filter(pk__in=newest)
        .annotate(
            # Headline matches first (even of some of the words), then the weighted
            # rank of the whole document.
            headline_rank=SearchRank(SearchVector("headline", config=CONFIG), any_term),
            rank=SearchRank(F("search_vector"), search_query),
            snippet=SearchHeadline(
                "body_text",
                search_query,
                config=CONFIG,
                start_sel=START,
                stop_sel=STOP,
                max_words=SNIPPET_WORDS,
                min_words=SNIPPET_WORDS // 2,
            ),
        )
        .order_by("-headline_rank", "-rank", "-published_at", "-pk")
    )


def query_terms(query):
    """The terms to find and the terms to leave out, as the search page explains them:
    "quoted phrases" stay whole, and a leading minus leaves a word or phrase out."""
    wanted, unwanted = [], []
    for match in TERM.finditer(query):
        minus, phrase = (match[1], match[2]) if match[2] else (match[3], match[4])
        (unwanted if minus else wanted).append(phrase)
    return wanted, unwanted


def _mentions(term):
    """Stories whose headline, dek, body, author names or tags contain `term`."""
    by_author = Byline.objects.filter(
        article=OuterRef("pk"), author__name__icontains=term
    )
    tagged = TaggedItem.objects.filter(
        content_type=ContentType.objects.get_for_model(Article),
        object_id=OuterRef("pk"),
        tag__name__icontains=term,
    )
    return (
        Q(headline__icontains=term)
        | Q(dek__icontains=term)
        | Q(body_text__icontains=term)
        | Exists(by_author)
        | Exists(tagged)
    )


def _search_words(queryset, query):
    """Every term must appear somewhere in a story, and no left-out term may."""
    wanted, unwanted = query_terms(query)
    if not wanted:
        return queryset.none()
    for term in wanted:
        queryset = queryset.filter(_mentions(term))
    for term in unwanted:
        queryset = queryset.exclude(_mentions(term))
    in_headline = Q()
    for term in wanted:
        in_headline |= Q(headline__icontains=term)
    return queryset.annotate(
        rank=Case(When(in_headline, then=1), default=0, output_field=IntegerField())
    ).order_by("-rank", "-published_at", "-pk")


def snippet_html(article, query):
    """The article's snippet as HTML with matched words in <mark>, all else escaped."""
    snippet = getattr(article, "snippet", None)
    if snippet is None:
        snippet = _excerpt(article.body_text or article.dek, query_terms(query)[0])
    return mark_safe(escape(snippet).replace(START, "<mark>").replace(STOP, "</mark>"))


def _excerpt(text, words):
    """About SNIPPET_WORDS words of `text` around the first match, matches marked."""
    tokens = text.split()
    lowered = [w.lower() for w in words]
    first = next(
        (
            i
            for i, token in enumerate(tokens)
            if any(w in token.lower() for w in lowered)
        ),
        0,
    )
    start = max(0, first - SNIPPET_WORDS // 3)
    chosen = tokens[start : start + SNIPPET_WORDS]
    marked = [
        f"{START}{token}{STOP}" if any(w in token.lower() for w in lowered) else token
        for token in chosen
    ]
    prefix = "… " if start else ""
    suffix = " …" if start + SNIPPET_WORDS < len(tokens) else ""
    return prefix + " ".join(marked) + suffix
