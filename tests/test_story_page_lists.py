"""The story page's "More from" and related lists, fetched in one query from a few
candidates each, are exactly what their plain definitions say."""

import random
import re
from datetime import timedelta

import pytest
from django.core import serializers
from django.utils import timezone
from reversion.models import Version

from articles import revisions, workflow
from articles.models import Article, Byline, TaggedArticle
from readers import story_page, story_sql

from .admin_forms import complete_story
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
        more, related, _sharing_tag = story_page.choose_links(
            story=article.pk,
            section=article.primary_category_id,
            author=lead.pk,
            tags=[tag.pk for tag in parts.tags],
        )
        plain_more, plain_related = plain_lists(article, lead)
        assert [s.pk for s in more] == [s.pk for s in plain_more]
        assert [s.pk for s in related] == [s.pk for s in plain_related]


def listed(client, story, heading):
    """The headlines the block headed `heading` (its id) lists on `story`'s page."""
    page = client.get(story.get_absolute_url()).content.decode()
    block = rf'aria-labelledby="{heading}">.*?<ul class="story-links">(.*?)</ul>'
    found = re.search(block, page, re.S)
    return re.findall(r'<a href="[^"]+">([^<]+)</a>', found[1]) if found else []


def more_from(client, story):
    """The headlines "More from" its lead author lists on `story`'s page."""
    return listed(client, story, "more-from-heading")


def related(client, story):
    """The headlines "Related stories" lists on `story`'s page."""
    return listed(client, story, "related-heading")


def test_related_follows_the_desk_moving_times_and_tags(client, people):
    """Tags on stories keep a copy of their story's publish time, which "Related"
    reads: each way the desk moves a time or a tag reaches the list."""
    now = timezone.now()
    page = make_article(tags=["harbor"], published_at=now - timedelta(days=30))
    older = [
        make_article(
            tags=["harbor"],
            headline=f"Older {days}",
            published_at=now - timedelta(days=days),
        )
        for days in (5, 6, 7, 8, 9)
    ]
    assert related(client, page) == ["Older 5", "Older 6", "Older 7", "Older 8"]

    # Its time brought forward, as the story form saves it.
    older[4].published_at = now - timedelta(days=1)
    older[4].save()
    assert related(client, page) == ["Older 9", "Older 5", "Older 6", "Older 7"]

    # A draft published now, through the publishing path.
    draft = complete_story(
        tags=["harbor"], headline="Just out", status="ready", published_at=None
    )
    assert related(client, page)[0] == "Older 9"
    workflow.transition(
        draft, Article.Status.PUBLISHED, by=people["editor"], comment=""
    )
    assert related(client, page) == ["Just out", "Older 9", "Older 5", "Older 6"]

    # The tag put on a published story, then taken off it.
    shared = make_article(headline="Shared", published_at=now - timedelta(hours=1))
    shared.tags.add("harbor")
    assert related(client, page) == ["Just out", "Shared", "Older 9", "Older 5"]
    shared.tags.remove("harbor")
    assert related(client, page) == ["Just out", "Older 9", "Older 5", "Older 6"]

    # Taken back to an earlier version: its tags are put on anew, still there.
    first = Version.objects.get_for_object(draft).last()
    revisions.restore(story=draft, version=first, by=people["editor"])
    assert related(client, page) == ["Just out", "Older 9", "Older 5", "Older 6"]


def test_more_from_follows_the_desk_moving_times_and_bylines(client, people):
    """Bylines keep a copy of their story's publish time, which "More from" reads:
    each way the desk moves a time or a byline reaches the list."""
    writer, other = make_author(name="Ines Ferreira"), make_author()
    now = timezone.now()
    page = make_article(authors=[writer], published_at=now - timedelta(days=30))
    older = [
        make_article(
            authors=[writer],
            headline=f"Older {days}",
            published_at=now - timedelta(days=days),
        )
        for days in (5, 6, 7, 8)
    ]
    assert more_from(client, page) == ["Older 5", "Older 6", "Older 7"]

    # Its time brought forward, as the story form saves it.
    older[3].published_at = now - timedelta(days=1)
    older[3].save()
    assert more_from(client, page) == ["Older 8", "Older 5", "Older 6"]

    # A draft of hers published now, through the publishing path.
    draft = complete_story(
        authors=[writer], headline="Just out", status="ready", published_at=None
    )
    assert more_from(client, page) == ["Older 8", "Older 5", "Older 6"]
    workflow.transition(
        draft, Article.Status.PUBLISHED, by=people["editor"], comment=""
    )
    assert more_from(client, page) == ["Just out", "Older 8", "Older 5"]

    # A credit added to someone else's story, then handed to someone else.
    theirs = make_article(
        authors=[other], headline="Shared", published_at=now - timedelta(hours=1)
    )
    credit = Byline.objects.create(article=theirs, author=writer, position=1)
    assert more_from(client, page) == ["Just out", "Shared", "Older 8"]
    credit.author = make_author()
    credit.save()
    assert more_from(client, page) == ["Just out", "Older 8", "Older 5"]

    # Taken back to an earlier version: its bylines are made anew, still hers.
    first = Version.objects.get_for_object(draft).last()
    revisions.restore(story=draft, version=first, by=people["editor"])
    assert more_from(client, page) == ["Just out", "Older 8", "Older 5"]


def test_bylines_loaded_from_a_fixture_get_their_story_time(client):
    """loaddata saves rows as they were written out (no save()), stories first."""
    writer = make_author()
    page = make_article(
        authors=[writer], published_at=timezone.now() - timedelta(days=9)
    )
    story = make_article(
        authors=[writer], headline="From the fixture", published_at=timezone.now()
    )
    dumped = serializers.serialize("json", [story, *story.bylines.all()])
    story.delete()
    assert more_from(client, page) == []
    for loaded in serializers.deserialize("json", dumped):
        loaded.save()
    assert more_from(client, page) == ["From the fixture"]


def test_tags_loaded_from_a_fixture_get_their_story_time(client):
    page = make_article(tags=["harbor"], published_at=timezone.now() - timedelta(9))
    story = make_article(
        tags=["harbor"], headline="From the fixture", published_at=timezone.now()
    )
    tagged = TaggedArticle.objects.filter(content_object=story)
    dumped = serializers.serialize("json", [story, *tagged])
    story.delete()
    assert related(client, page) == []
    for loaded in serializers.deserialize("json", dumped):
        loaded.save()
    assert related(client, page) == ["From the fixture"]
