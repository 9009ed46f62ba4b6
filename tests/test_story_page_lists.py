"""The story page's "More from" and related lists, fetched in one query from a few
candidates each, are exactly what their plain definitions say."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from readers import story_page, story_sql

from .factories import make_article, make_author, make_category

pytestmark = pytest.mark.django_db


def plain_lists(article, lead_author):
    """The definitions, applied to every public story in Python."""
    newest = sorted(
        Article.objects.published().exclude(pk=article.pk).prefetch_related("tags"),
        key=lambda s: (s.published_at, s.pk),
        reverse=True,
    )
    more = [s for s in newest if lead_author in s.authors.all()][:3]
    tags = set(article.tags.all())
    related = [
        s
        for s in newest
        if s not in more
        and (tags & set(s.tags.all()) or s.primary_category == article.primary_category)
    ]
    related.sort(key=lambda s: not (tags & set(s.tags.all())))
    return more, related[:4]


@pytest.mark.parametrize("seed", range(6))
def test_the_lists_match_their_definitions(seed):
    chance = random.Random(seed)
    sections = [make_category() for _ in range(2)]
    authors = [make_author() for _ in range(3)]
    now = timezone.now()
    stories = [
        make_article(
            primary_category=chance.choice(sections),
            authors=chance.sample(authors, chance.randint(1, 2)),
            tags=chance.sample(["a", "b", "c", "d", "e", "f"], chance.randint(0, 2)),
            # Some in the future: scheduled, not public yet.
            published_at=now - timedelta(hours=chance.randint(-48, 500)),
            status=chance.choice(
                [Article.Status.PUBLISHED] * 5 + ["draft", "unpublished"]
            ),
        )
        for _ in range(40)
    ]
    # Some taken down at their take-down time, some still to come down.
    for story in chance.sample(stories, 10):
        Article.objects.filter(pk=story.pk).update(
            expires_at=story.published_at + timedelta(hours=chance.randint(1, 500))
        )
    for article in chance.sample(stories, 8):
        article, bylines = story_sql.story_row(article.pk, public=False)
        parts = story_page.fetch_parts(article, bylines)
        lead = parts.author_bylines()[0].author
        more, related = story_page.more_and_related(
            story=article.pk,
            section=article.primary_category_id,
            author=lead.pk,
            tags=[tag.pk for tag in parts.tags],
        )
        plain_more, plain_related = plain_lists(article, lead)
        assert [s.pk for s in more] == [s.pk for s in plain_more]
        assert [s.pk for s in related] == [s.pk for s in plain_related]
