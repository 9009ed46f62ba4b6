"""Bylines' and tags' copies of their story's publish time: kept in step by saves
and taggit, and given again by manage.py copy_publish_times where they went stale
behind the models' back (old code running after the migration), so that "More
from", "Related" and a tag's page list those stories."""

import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from articles.models import Article, Byline, TaggedArticle

from .factories import make_article, make_author
from .test_story_page_lists import more_from, related

pytestmark = pytest.mark.django_db


def test_stale_copies_are_given_their_story_time_again(client):
    writer = make_author()
    page = make_article(
        authors=[writer], tags=["harbor"], published_at=timezone.now() - timedelta(9)
    )
    story = make_article(authors=[writer], headline="Credited by old code")
    tagged = make_article(tags=["harbor"], headline="Tagged by old code")
    # A draft's bylines and tags hold no time, as it has none: nothing to give.
    make_article(authors=[writer], tags=["harbor"], status="draft")
    Byline.objects.filter(article=story).update(published_at=None)
    TaggedArticle.objects.filter(content_object=tagged).update(published_at=None)
    assert more_from(client, page) == []
    assert "Tagged by old code" not in related(client, page)

    out = StringIO()
    call_command("copy_publish_times", stdout=out)

    assert out.getvalue() == (
        "Bylines given their story's publish time: 1.\n"
        "Tags on stories given their story's publish time: 1.\n"
    )
    assert more_from(client, page) == ["Credited by old code"]
    assert "Tagged by old code" in related(client, page)


def test_the_former_name_still_gives_the_copies(client):
    writer = make_author()
    page = make_article(authors=[writer], published_at=timezone.now() - timedelta(9))
    story = make_article(authors=[writer], headline="Credited by old code")
    Byline.objects.filter(article=story).update(published_at=None)

    out = StringIO()
    call_command("copy_byline_times", stdout=out)

    assert "Bylines given their story's publish time: 1." in out.getvalue()
    assert more_from(client, page) == ["Credited by old code"]


def copies(story):
    return {
        *Byline.objects.filter(article=story).values_list("published_at", flat=True),
        *TaggedArticle.objects.filter(content_object=story).values_list(
            "published_at", flat=True
        ),
    }


def test_the_copies_follow_the_story_time():
    story = make_article(authors=[make_author()], tags=["harbor", "ferry"])
    assert copies(story) == {story.published_at}
    story.status, story.published_at = story.Status.DRAFT, None
    story.save()
    assert copies(story) == {None}
    story.published_at = when = timezone.now() - timedelta(hours=1)
    story.save()
    assert copies(story) == {when}


def test_tags_put_on_a_published_story_take_its_time():
    story = make_article(published_at=timezone.now() - timedelta(days=2))
    story.tags.add("late")
    story.tags.set(["late", "later"])
    assert copies(story) == {story.published_at}
    assert TaggedArticle.objects.filter(content_object=story).count() == 2


def in_a_transaction_of_its_own(work, *, then=None):
    """Run `work()` in a transaction on a connection of its own (another editor's
    request), in a thread; `then`, an Event, holds the transaction open until it is
    set. Returns the thread and an Event set once `work()` is done."""
    done = threading.Event()

    def run():
        try:
            with transaction.atomic():
                work()
                done.set()
                if then is not None:
                    then.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, done


def tag(story_id):
    Article.objects.get(pk=story_id).tags.add("late")


def credit(story_id):
    Byline.objects.create(article_id=story_id, author=make_author(), position=9)


def rows_of(story):
    return (
        Byline.objects.filter(article=story).count()
        + TaggedArticle.objects.filter(content_object=story).count()
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("put_on", [tag, credit])
def test_a_tag_or_byline_put_on_while_the_time_moves_takes_the_new_time(put_on):
    """One editor moves a story's time while another tags or credits it, neither
    committed: the new row gets the time committed last, whichever order they
    commit in (on PostgreSQL the second editor waits for the story's row; SQLite
    lets one writer in at a time)."""
    story = make_article(published_at=timezone.now() - timedelta(days=2))
    moved = timezone.now() - timedelta(hours=1)
    commit = threading.Event()

    def move_time():
        mine = Article.objects.get(pk=story.pk)
        mine.published_at = moved
        mine.save()

    rows = rows_of(story)
    mover, moved_uncommitted = in_a_transaction_of_its_own(move_time, then=commit)
    assert moved_uncommitted.wait(10)
    putter, put = in_a_transaction_of_its_own(lambda: put_on(story.pk))
    # Without the lock the row is put on long before this, with the old time.
    put.wait(0.5)
    commit.set()
    for thread in (mover, putter):
        thread.join(10)
        assert not thread.is_alive()
    assert rows_of(story) == rows + 1
    assert copies(story) == {moved}
