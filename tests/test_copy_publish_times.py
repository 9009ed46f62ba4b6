"""Bylines' and tags' copies of their story's publish time: kept in step by saves
and taggit, and given again by manage.py copy_publish_times where they went stale
behind the models' back (old code running after the migration), so that "More
from", "Related" and a tag's page list those stories."""

import threading
from datetime import timedelta
from io import StringIO

import pytest
import reversion
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from reversion.models import Version
from taggit.models import Tag

from articles import revisions
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


class Editor(threading.Thread):
    """Another editor's request: `work()` in a transaction on a connection of its
    own. `then`, an Event, holds the transaction open until it is set; `done` is set
    once `work()` is; what it raised is kept in `error`, for the test to see."""

    def __init__(self, work, *, then=None):
        super().__init__()
        self.work, self.then = work, then
        self.done, self.error = threading.Event(), None
        self.start()

    def run(self):
        try:
            with transaction.atomic():
                self.work()
                self.done.set()
                if self.then is not None:
                    self.then.wait(10)
        except Exception as error:  # noqa: BLE001 (the test's to judge)
            self.error = error
        finally:
            connection.close()

    def finish(self):
        self.join(10)
        assert not self.is_alive()
        assert self.error is None, self.error


def tag(story_id):
    Article.objects.get(pk=story_id).tags.add("late")


def credit(story_id):
    Byline.objects.create(article_id=story_id, author=make_author(), position=9)


def rows_of(story):
    return (
        Byline.objects.filter(article=story).count()
        + TaggedArticle.objects.filter(content_object=story).count()
    )


def move_time(story_id, to):
    mine = Article.objects.get(pk=story_id)
    mine.published_at = to
    mine.save(update_fields=["published_at"])


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("put_on", [tag, credit])
def test_a_tag_or_byline_put_on_while_the_time_moves_takes_the_new_time(put_on):
    """One editor moves a story's time while another tags or credits it, neither
    committed: the new row gets the time committed last, whichever order they
    commit in (on PostgreSQL the second editor waits for the story's row; SQLite
    lets one writer in at a time)."""
    story = make_article(published_at=timezone.now() - timedelta(days=2))
    moved = timezone.now() - timedelta(hours=1)
    rows = rows_of(story)
    commit = threading.Event()
    try:
        mover = Editor(lambda: move_time(story.pk, moved), then=commit)
        assert mover.done.wait(10)
        putter = Editor(lambda: put_on(story.pk))
        # Without the lock the row is written at once, with the old time (the
        # putter then waits for the story's row only to refresh its search
        # words); with it, the putter waits before writing it.
        putter.done.wait(0.5)
    finally:
        commit.set()
    mover.finish()
    putter.finish()
    assert rows_of(story) == rows + 1
    assert copies(story) == {moved}


def race(first, statement, second):
    """Run `first` in a transaction of its own until it has run a query with
    `statement` in it, and hold it there while `second` starts in another: whether
    `second` was done within half a second (False: it waited for `first`), once
    both have finished without error."""
    reached, carry_on = threading.Event(), threading.Event()

    def pause(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if statement in sql and not reached.is_set():
            reached.set()
            carry_on.wait(10)
        return result

    def paused():
        with connection.execute_wrapper(pause):
            first()

    one, two = Editor(paused), None
    try:
        if reached.wait(10):
            two = Editor(second)
            done_at_once = two.done.wait(0.5)
    finally:
        carry_on.set()
    one.finish()
    assert two is not None, f"{first.__name__} never ran {statement!r}"
    two.finish()
    return done_at_once


@pytest.mark.django_db(transaction=True)
def test_a_restore_and_a_save_moving_the_time_wait_for_each_other(django_user_model):
    """A restore deletes the story's bylines and tags and puts them on again; a save
    moving the time meanwhile updates them. Each locks the story before its rows, so
    one waits for the other rather than each for the other (PostgreSQL would end
    such a deadlock by failing one of the saves)."""
    story = make_article(
        tags=["harbor"], published_at=timezone.now() - timedelta(days=2)
    )
    with reversion.create_revision():
        story.save()
    version = Version.objects.get_for_object(story).first()
    editor = django_user_model.objects.create_user("editor")
    moved = timezone.now() - timedelta(hours=1)

    def restore():
        revisions.restore(
            story=Article.objects.get(pk=story.pk), version=version, by=editor
        )

    # The mover may or may not wait: for the story, or, without the lock, its rows.
    race(
        restore,
        f'DELETE FROM "{Byline._meta.db_table}"',
        lambda: move_time(story.pk, moved),
    )
    assert rows_of(story) == 2  # the byline and the tag, put on again
    assert copies(story) == {moved}


@pytest.mark.django_db(transaction=True)
def test_deleting_a_tag_and_a_save_moving_the_time_wait_for_each_other():
    """Deleting a tag deletes its rows on its stories, then refreshes their search
    words; a save moving one of those stories' time meanwhile updates the story, then
    its rows. Each locks the story first, so one waits for the other rather than
    each for the other (PostgreSQL would end such a deadlock by failing one)."""
    story = make_article(
        tags=["harbor", "ferry"], published_at=timezone.now() - timedelta(days=2)
    )
    moved = timezone.now() - timedelta(hours=1)

    def delete_tag():
        Tag.objects.get(name="harbor").delete()

    # The mover waits for the story (without the lock, for its rows).
    assert not race(
        delete_tag,
        f'DELETE FROM "{TaggedArticle._meta.db_table}"',
        lambda: move_time(story.pk, moved),
    )
    assert not Tag.objects.filter(name="harbor").exists()
    assert list(story.tags.names()) == ["ferry"]
    assert copies(story) == {moved}


@pytest.mark.django_db(transaction=True)
def test_deleting_a_story_and_one_of_its_tags_wait_for_each_other():
    """Deleting a story deletes its tags' rows and its bylines, refreshing its search
    words on the way (its own row); deleting one of its tags locks the story, then
    deletes its rows. The story's deletion locks the story first too, so one waits
    for the other rather than each for the other."""
    story = make_article(tags=["harbor"])

    def delete_story():
        Article.objects.get(pk=story.pk).delete()

    def delete_tag():
        Tag.objects.get(name="harbor").delete()

    # The tag's deletion waits for the story.
    assert not race(
        delete_story, f'DELETE FROM "{TaggedArticle._meta.db_table}"', delete_tag
    )
    assert not Article.objects.filter(pk=story.pk).exists()
    assert not Tag.objects.filter(name="harbor").exists()


def held_or(written):
    """What a transaction has run once it holds stories: their hold on PostgreSQL;
    on SQLite, which holds nothing, its first write, `written`. (SQLite lets one
    transaction in at a time: there the tests pass whatever the code holds.)"""
    return "FOR NO KEY UPDATE" if connection.features.has_select_for_update else written


@pytest.mark.django_db(transaction=True)
def test_deleting_tags_at_once_and_another_tag_wait_for_each_other():
    """Deleting several tags at once (the admin's "Delete selected tags") holds all
    their stories together, in the order of their ids, as deleting one tag holds
    its stories: had it held one tag's stories, then the next's, a deletion of a
    tag on both would hold the second's first story and wait for the first's, and
    each would wait for the other."""
    first, second = make_article(tags=["coast"]), make_article(tags=["coast"])
    second.tags.add("harbor")  # deleted first (its tag's id is the lower), then
    first.tags.add("ferry")  # this, whose story's id is the lower

    def delete_two():
        Tag.objects.filter(name__in=["harbor", "ferry"]).delete()

    def delete_coast():
        Tag.objects.get(name="coast").delete()

    # The other deletion waits for the first story.
    written = f'DELETE FROM "{TaggedArticle._meta.db_table}"'
    assert not race(delete_two, held_or(written), delete_coast)
    assert not Tag.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_deleting_tags_at_once_holds_their_stories_in_one_query():
    """Not once a tag: the later tags' stories are held already."""
    for name in ("harbor", "ferry", "coast"):
        make_article(tags=[name, "news"])

    with CaptureQueriesContext(connection) as queries:
        Tag.objects.filter(name__in=["harbor", "ferry", "coast"]).delete()

    holds = [query for query in queries if "FOR NO KEY UPDATE" in query["sql"]]
    assert len(holds) == (1 if connection.features.has_select_for_update else 0)
    assert list(Tag.objects.values_list("name", flat=True)) == ["news"]


@pytest.mark.django_db(transaction=True)
def test_renaming_a_tag_holds_its_stories_before_refreshing_them():
    """A tag's rename refreshes its stories' search words in one update, which
    locks their rows in whatever order it meets them; a tag's deletion holds its
    stories in the order of their ids. Meeting in the same instant, each could
    hold a story the other waits for (too narrow to catch here): the rename holds
    its stories first, in the order of their ids, and the deletion waits for it."""
    first, second = make_article(tags=["coast"]), make_article(tags=["coast"])
    for story in (first, second):
        story.tags.add("harbor")

    def rename():
        harbor = Tag.objects.get(name="harbor")
        harbor.name = "Harbour"
        harbor.save()

    def delete_coast():
        Tag.objects.get(name="coast").delete()

    # The deletion waits for the first story.
    assert not race(rename, held_or('UPDATE "taggit_tag"'), delete_coast)
    assert list(Tag.objects.values_list("name", flat=True)) == ["Harbour"]
