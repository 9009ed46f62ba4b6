"""The one publishing path (articles.workflow.transition) that the story list's
actions use, and that an API, an import or the live desk will: the same checks as
the story form, and a version of its own for each move."""

from datetime import timedelta

import pytest
from django.utils import timezone
from reversion.models import Version

from articles import workflow
from articles.models import Article

from .admin_forms import complete_story

pytestmark = pytest.mark.django_db

Status = Article.Status


def test_publishing_sets_the_time_and_keeps_a_version_saying_so(people):
    story = complete_story(status=Status.READY, published_at=None)

    workflow.transition(story, Status.PUBLISHED, by=people["editor"], comment="Go.")

    story.refresh_from_db()
    assert story.status == Status.PUBLISHED
    assert timezone.now() - story.published_at < timedelta(seconds=5)
    assert story.modified_by == people["editor"]
    version = Version.objects.get_for_object(story).first()
    assert (version.revision.user, version.revision.comment) == (
        people["editor"],
        "Go.",
    )


def test_a_time_given_stays_and_schedules_the_story(people):
    tomorrow = timezone.now() + timedelta(days=1)
    story = complete_story(status=Status.READY, published_at=tomorrow)

    workflow.transition(story, Status.PUBLISHED, by=people["editor"], comment="")

    story.refresh_from_db()
    assert story.published_at == tomorrow
    assert story.is_scheduled


def test_an_unfinished_story_is_refused_by_name_and_left_alone(people):
    story = complete_story(status=Status.READY, published_at=None, dek="")

    with pytest.raises(workflow.MoveRefused, match="a dek"):
        workflow.transition(story, Status.PUBLISHED, by=people["editor"], comment="")

    story.refresh_from_db()
    assert story.status == Status.READY
    assert not Version.objects.get_for_object(story).exists()


def test_a_writer_may_submit_her_draft_but_not_publish_it(people):
    writer = people["writer"]
    story = complete_story(status=Status.DRAFT, published_at=None)
    Article.objects.filter(pk=story.pk).update(created_by=writer)
    story.refresh_from_db()

    with pytest.raises(workflow.MoveRefused, match="Only an editor"):
        workflow.transition(story, Status.PUBLISHED, by=writer, comment="")
    workflow.transition(story, Status.READY, by=writer, comment="Ready.")

    story.refresh_from_db()
    assert story.status == Status.READY


def test_a_move_from_the_wrong_status_is_refused(people):
    story = complete_story(status=Status.DRAFT, published_at=None)

    with pytest.raises(workflow.MoveRefused, match="right status"):
        workflow.transition(
            story,
            Status.UNPUBLISHED,
            by=people["editor"],
            comment="",
            from_statuses={Status.PUBLISHED},
        )
