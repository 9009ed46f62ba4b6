"""
Story search: PostgreSQL full-text search with weights and ranking, and a plainer
word-matching search on other databases (SQLite on a laptop).

On PostgreSQL each article keeps two stored documents: `search_vector`, the whole story
(GIN-indexed by a migration; the headline weighs most, then the dek and tags, then
author names, then the body), and `search_summary`, the same without the body.
`refresh_search_vectors` rebuilds both whenever any of their parts change (signals.py).

A search on PostgreSQL costs a few milliseconds of the database, however common its
words (bench/EXPLAIN.md):

- the candidates are the MAX_RANKED newest matches, found through the GIN index for
  rare words or by walking the public index newest first for common ones;
- they are ranked by their summary, a few hundred bytes in the row: the whole document
  is kilobytes stored out of line, and reading it again for every candidate was most
  of the cost of a search. Words in the headline, dek, tags or byline count; the body
  only says that a story matches at all;
- one query returns the ranked ids, and each page's stories are fetched by id with
  their snippets, marked by ts_headline in a few hundred characters of the body around
  the first mention rather than in the whole body.
"""

import functools
import operator
import re
import string

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.db import connection
from django.db.models import (
    Case,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, NullIf
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .models import Article, Byline, TaggedArticle

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


def _related_names():
    """The subqueries of an article's author names and its tag names."""
    authors = _names_of(Byline.objects.all(), "article", "author__name")
    tags = _names_of(TaggedArticle.objects.all(), "content_object", "tag__name")
    return authors, tags


def summary_document():
    """What a story is about, weighted: headline, dek and tags, author names."""
    authors, tags = _related_names()
    return (
        SearchVector("headline", weight="A", config=CONFIG)
        + SearchVector("dek", weight="B", config=CONFIG)
        + SearchVector(tags, weight="B", config=CONFIG)
        + SearchVector(authors, weight="C", config=CONFIG)
    )


def search_document():
    """The weighted tsvector of an article: its summary, then its body."""
    return summary_document() + SearchVector("body_text", weight="D", config=CONFIG)


def refresh_search_vectors(articles):
    """Rebuild the stored search documents of `articles` (a queryset or ids)."""
    if not uses_postgres():
        return
    if isinstance(articles, QuerySet):
        # Many stories at once (an author's or a tag's, saved: a rename): held
        # first, in the order of their ids, as every writer of several stories
        # holds them (ArticleQuerySet.hold), so that two never wait each for the
        # other.
        articles.hold()
    else:
        articles = Article.objects.filter(pk__in=list(articles))
    articles.update(search_vector=search_document(), search_summary=summary_document())


def stored_document():
    """A story's stored search document as text, to match searches against after it
    has changed (queries_matching); None on other databases."""
    if not uses_postgres():
        return Value(None, output_field=TextField())
    return Cast("search_vector", output_field=TextField())


def stored_summary():
    """A story's stored summary as text, to rank it by after it has changed
    (queries_reranked); None on other databases."""
    if not uses_postgres():
        return Value(None, output_field=TextField())
    return Cast("search_summary", output_field=TextField())


def queries_matching(queries, stories=(), documents=()):
    """Those of `queries` whose search finds one of `stories` (ids) as stored now or
    one of `documents` (stored_document() as it was), in one query, each as (query,
    whether it finds one now, whether it found one before); None on other databases,
    which cannot tell."""
    if not uses_postgres():
        return None
    # The search's own test (RankedMatches): the stored document against the query
    # as websearch_to_tsquery reads it.
    quote = connection.ops.quote_name
    sql = f"""
        SELECT query, now, before FROM (
            SELECT query,
                EXISTS (
                    SELECT 1 FROM {quote(Article._meta.db_table)}
                    WHERE {quote(Article._meta.pk.column)} = ANY(%s)
                        AND search_vector @@ wanted
                ) AS now,
                EXISTS (
                    SELECT 1 FROM unnest(%s::tsvector[]) AS document
                    WHERE document @@ wanted
                ) AS before
            FROM unnest(%s::text[]) AS query,
                LATERAL websearch_to_tsquery(%s::regconfig, query) AS wanted
        ) AS matched
        WHERE now OR before
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(stories), list(documents), list(queries), CONFIG])
        return cursor.fetchall()


def queries_reranked(queries, story, summary):
    """Those of `queries` (searches that found story `story` before a change and
    find it after) that score it differently now than by `summary`, its
    stored_summary() as it was: where it may have moved among their results. A
    story's score (RankedMatches) is its summary's rank and its age, and a change
    that leaves its place in lists leaves its age. All, if it is gone."""
    # A query with no term to rank by finds nothing: it is not asked about.
    ranked = [(query, wanted) for query in queries if (wanted := query_terms(query)[0])]
    queries = [query for query, _ in ranked]
    if not queries:
        return []
    was = Cast(Value(summary), output_field=SearchVectorField())
    ranks = {}
    for n, (_, wanted) in enumerate(ranked):
        terms = any_term(wanted)
        ranks[f"now_{n}"] = summary_rank(F("search_summary"), terms)
        ranks[f"was_{n}"] = summary_rank(was, terms)
    found = Article.objects.filter(pk=story).values(**ranks).first()
    if found is None:
        return queries
    return [
        query
        for n, query in enumerate(queries)
        if found[f"now_{n}"] != found[f"was_{n}"]
    ]


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
# A story's score is the weighted rank of its summary for any of the words (about 0.3
# for one in the headline, 0.12 in the dek or tags, 0.06 in a byline) plus BODY_MATCH
# for matching at all, divided by 1 + its age in days / FRESH_DAYS. Words in the
# headline put a story first among the week's matches; six months on, a story that
# only mentions them today goes ahead of it.
BODY_MATCH = 0.05
FRESH_DAYS = 30
# The part of the body ts_headline reads for a snippet: SNIPPET_CHARS characters from
# SNIPPET_LEAD before the first mention of a word searched for. ts_headline starts a
# snippet at the match, unless the text ends too soon after it; then the lead gives it
# words from before.
SNIPPET_CHARS = 360
SNIPPET_LEAD = 100


def search(queryset, query):
    """`queryset` narrowed to stories matching `query`, best first, with a `snippet`.

    On PostgreSQL, a RankedMatches sequence (all a paginator needs) rather than a
    queryset."""
    if uses_postgres():
        return _search_postgres(queryset, query)
    return _search_words(queryset, query)


def _search_postgres(queryset, query):
    wanted = query_terms(query)[0]
    if not wanted:
        return queryset.none()
    return RankedMatches(queryset, query, wanted)


class AgeInDays(Func):
    """Days from `published_at` to `now`, as a float."""

    template = "(date_part('epoch', %(now)s - %(expressions)s) / 86400)"
    output_field = FloatField()

    def __init__(self, published_at, now):
        super().__init__(published_at)
        self.now = now

    def as_sql(self, compiler, connection, **extra):
        sql, params = super().as_sql(compiler, connection, now="%s", **extra)
        return sql, (self.now, *params)


class SnippetWindow(Func):
    """The part of `text` a snippet is cut from: SNIPPET_CHARS characters from
    SNIPPET_LEAD before the first mention of one of `words`, in whole words.

    ts_headline reads every word of what it is given, and a whole body took half a
    millisecond a story. The first mention is a cheap guess, found in SQL: the first
    word, whatever its case, that starts with one of the words searched for or one of
    their stems ("polici" does not start "policy", nor "policy" "policies"). A guess
    can still miss (a stem starting another word: "citi" in "citizens"); a window in
    which the query matches nothing is given up for the whole text, so a snippet
    always shows its match.
    """

    output_field = TextField()
    template = r"""(
        SELECT CASE
            WHEN NOT to_tsvector(story.config, part.text) @@ story.query THEN story.text
            WHEN found.start = 1 THEN part.text
            ELSE regexp_replace(part.text, '^\S*\s+', '')  -- a word cut short
        END
        FROM (
            SELECT %(text)s AS text, %(query)s AS query,
                %%s::regconfig AS config, %%s::text AS words
        ) AS story,
        LATERAL (
            SELECT string_agg(DISTINCT form, '|') AS pattern FROM (
                SELECT unnest(tsvector_to_array(to_tsvector(story.config, story.words)))
                UNION
                SELECT lower(word)
                FROM regexp_split_to_table(story.words, '\W+') AS word
            ) AS forms(form)
            WHERE form <> ''
        ) AS alternatives,
        LATERAL (
            SELECT greatest(
                coalesce(length(substring(
                    story.text FROM '(?i)^(.*?)\m(?:' || alternatives.pattern || ')'
                )), 0) + 1 - %(lead)s,
                1
            ) AS start
        ) AS found,
        LATERAL (SELECT substr(story.text, found.start, %(chars)s) AS text) AS part
    )"""

    def __init__(self, text, query, words):
        super().__init__(text, query)
        self.words = words

    def as_sql(self, compiler, connection, **extra):
        text, query = self.get_source_expressions()
        text_sql, text_params = compiler.compile(text)
        query_sql, query_params = compiler.compile(query)
        sql = self.template % {
            "text": text_sql,
            "query": query_sql,
            "lead": int(SNIPPET_LEAD),
            "chars": int(SNIPPET_CHARS),
        }
        return sql, (*text_params, *query_params, CONFIG, self.words)


def any_term(wanted):
    """A query finding any one of the `wanted` terms (query_terms): each counts
    towards a story's rank, and is marked in its snippet."""
    return functools.reduce(
        operator.or_,
        (SearchQuery(term, search_type="phrase", config=CONFIG) for term in wanted),
    )


def summary_rank(summary, terms):
    """How well a story's `summary` (a search vector) matches `terms` (any_term)."""
    # A story saved without signals (a raw fixture) may have no summary yet.
    return Coalesce(SearchRank(summary, terms), 0.0)


class RankedMatches:
    """The stories matching a search on PostgreSQL, best first, fetched a page at a
    time: a length and slices, which is all Django's paginator asks of a list.

    Ranking runs once, for ids alone; a queryset would find the matches twice (to
    count them, then to list a page) and make snippets for more rows than it shows."""

    def __init__(self, queryset, query, wanted):
        self.queryset = queryset
        self.search_query = SearchQuery(query, search_type="websearch", config=CONFIG)
        self.any_term = any_term(wanted)
        self.words = " ".join(wanted)

    @functools.cached_property
    def ids(self):
        """The ids of the MAX_RANKED newest matches, best first."""
        relevance = summary_rank(F("search_summary"), self.any_term) + BODY_MATCH
        freshness = 1 + AgeInDays("published_at", timezone.now()) / FRESH_DAYS
        # Ranking reads every candidate, so only the newest matches are candidates: a
        # word in most stories would otherwise rank most of the archive. Scored as
        # they are found, and sorted here: no second visit to their rows.
        newest = (
            self.queryset.prefetch_related(None)
            .filter(search_vector=self.search_query)
            .annotate(score=relevance / freshness)
            .order_by("-published_at", "-pk")
            .values_list("pk", "score")[:MAX_RANKED]
        )
        # A stable sort: among equal scores, the newest stays first.
        return [pk for pk, score in sorted(newest, key=lambda row: -row[1])]

    def __len__(self):
        return len(self.ids)

    def __iter__(self):
        # Without it, Python would iterate by index: a query per story.
        return iter(self[:])

    def __getitem__(self, index):
        ids = self.ids[index] if isinstance(index, slice) else [self.ids[index]]
        stories = (
            self.queryset.filter(pk__in=ids)
            # The database cuts the snippet: the plain text need not come back.
            .defer("body_text")
            .annotate(snippet=self._snippet())
            .order_by()
        )
        by_id = {story.pk: story for story in stories}
        # A story unpublished since the ranking is left out.
        found = [by_id[pk] for pk in ids if pk in by_id]
        return found if isinstance(index, slice) else found[0]

    def _snippet(self):
        # The body, or the dek of a story without one.
        text = Coalesce(NullIf("body_text", Value("")), "dek", output_field=TextField())
        return SearchHeadline(
            SnippetWindow(text, self.any_term, self.words),
            self.any_term,
            config=CONFIG,
            start_sel=START,
            stop_sel=STOP,
            # ts_headline gives a word found alone the fewest words it may.
            max_words=SNIPPET_WORDS,
            min_words=SNIPPET_WORDS - 5,
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
    tagged = TaggedArticle.objects.filter(
        content_object=OuterRef("pk"), tag__name__icontains=term
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
    """About SNIPPET_WORDS words of `text` around the first match, matches marked.

    A match is a word that starts with one searched for ("Harbors" for "harbor");
    only where there is none, one that contains it (as the search itself matched:
    "art" in "started").
    """
    tokens = text.split()
    lowered = [w.lower() for w in words]

    def starts(token):
        token = token.lower().lstrip(string.punctuation + "“‘")
        return any(token.startswith(w) for w in lowered)

    def contains(token):
        return any(w in token.lower() for w in lowered)

    is_match = starts if any(starts(token) for token in tokens) else contains
    first = next((i for i, token in enumerate(tokens) if is_match(token)), 0)
    start = max(0, first - SNIPPET_WORDS // 3)
    chosen = tokens[start : start + SNIPPET_WORDS]
    marked = [f"{START}{token}{STOP}" if is_match(token) else token for token in chosen]
    prefix = "… " if start else ""
    suffix = " …" if start + SNIPPET_WORDS < len(tokens) else ""
    return prefix + " ".join(marked) + suffix
