"""manage.py copy_byline_times: bylines whose copy of their story's publish time
went stale behind the models' back (old code running after the migration) get it
again, and "More from" lists their stories."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles.models import Byline

from .factories import make_article, make_author
from .test_story_page_lists import more_from

pytestmark = pytest.mark.django_db


def test_stale_copies_are_given_their_story_time_again(client):
    writer = make_author()
    page = make_article(authors=[writer], published_at=timezone.now() - timedelta(9))
    story = make_article(authors=[writer], headline="Credited by old code")
    Byline.objects.filter(article=story).update(published_at=None)
    assert more_from(client, page) == []

    out = StringIO()
    call_command("copy_byline_times", stdout=out)

    assert out.getvalue() == "Bylines given their story's publish time: 1.\n"
    assert more_from(client, page) == ["Credited by old code"]


def test_a_story_given_no_time_takes_its_bylines_copy_with_it():
    story = make_article(authors=[make_author()])
    story.status, story.published_at = story.Status.DRAFT, None
    story.save()
    assert list(Byline.objects.filter(article=story).values_list("published_at")) == [
        (None,)
    ]
    story.published_at = when = timezone.now() - timedelta(hours=1)
    story.save()
    assert Byline.objects.get(article=story).published_at == when
