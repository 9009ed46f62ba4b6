"""Merging tags from the tags' list: duplicates folded into the one kept, on every
story that carried them, and every page showing them rendered again."""

import lxml.html
import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from taggit.models import Tag

from articles.models import Article
from articles.tag_merge import merge_tags

from .factories import make_article
from .test_search import results

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:taggit_tag_changelist")


@pytest.fixture
def stories():
    return {
        "kept only": make_article(headline="Count begins", tags=["Election"]),
        "merged only": make_article(headline="Polls open", tags=["Elections"]),
        "both": make_article(headline="Turnout high", tags=["Election", "Elections"]),
        "two merged": make_article(
            headline="Results late", tags=["Elections", "elections 2026"]
        ),
        "other": make_article(headline="Budget passes", tags=["Budget"]),
    }


def tag_ids(*names):
    return [str(Tag.objects.get(name=name).pk) for name in names]


def merge(client, tags, follow=False, **posted):
    return client.post(
        CHANGELIST,
        {"action": "merge_selected", ACTION_CHECKBOX_NAME: tags, **posted},
        follow=follow,
    )


def said(answer):
    """What the tags' list said after `answer`, followed."""
    return [m.message for m in answer.context["messages"]]


def tag_names(story):
    return sorted(story.tags.names())


def test_an_editor_folds_duplicate_tags_into_the_one_she_keeps(client, people, stories):
    client.force_login(people["superuser"])
    selected = tag_ids("Election", "Elections", "elections 2026")
    page = lxml.html.fromstring(merge(client, selected).content)
    # Asked first which to keep, the most used chosen.
    choices = {
        radio.getparent().text_content().strip(): radio.get("checked") is not None
        for radio in page.cssselect('input[name="into"]')
    }
    assert choices == {
        "Elections (3 stories)": True,
        "Election (2 stories)": False,
        "elections 2026 (1 story)": False,
    }
    assert Tag.objects.filter(name="elections 2026").exists()  # nothing done yet

    done = merge(client, selected, into=tag_ids("Election")[0], apply="1")
    assert done.status_code == 302
    assert said(client.get(CHANGELIST)) == ["Merged into “Election”, now on 4 stories."]
    for name in ["kept only", "merged only", "both", "two merged"]:
        assert tag_names(stories[name]) == ["Election"], name
    assert tag_names(stories["other"]) == ["Budget"]
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["Budget", "Election"]
    tag_page = client.get("/tags/election/").content.decode()
    for headline in ["Count begins", "Polls open", "Turnout high", "Results late"]:
        assert headline in tag_page
    assert client.get("/tags/elections/").status_code == 404


@pytest.mark.usefixtures("pages_cached")
def test_pages_showing_the_tags_are_rendered_again_and_no_others(
    client, stories, django_assert_num_queries
):
    moved = stories["merged only"]
    pages = ["/tags/election/", "/tags/elections/", moved.get_absolute_url()]
    unrelated = stories["other"].get_absolute_url()
    for path in [*pages, unrelated]:
        assert client.get(path).status_code == 200
    merge_tags(Tag.objects.get(name="Election"), Tag.objects.filter(name="Elections"))
    assert "Polls open" in client.get("/tags/election/").content.decode()
    assert client.get("/tags/elections/").status_code == 404
    story_page = lxml.html.fromstring(client.get(moved.get_absolute_url()).content)
    assert "/tags/election/" in [a.get("href") for a in story_page.iter("a")]
    assert "/tags/elections/" not in [a.get("href") for a in story_page.iter("a")]
    with django_assert_num_queries(0):  # still cached
        client.get(unrelated)


def test_a_tampered_or_missing_choice_changes_nothing(client, people, stories):
    client.force_login(people["superuser"])
    selected = tag_ids("Election", "Elections")
    elsewhere = tag_ids("Budget")[0]
    for posted in [{"into": elsewhere}, {"into": "abc"}, {}]:
        answer = merge(client, selected, apply="1", **posted)
        assert answer.status_code == 200
        page = lxml.html.fromstring(answer.content)
        assert page.cssselect(".errorlist"), posted
    assert Tag.objects.count() == 4
    assert tag_names(stories["merged only"]) == ["Elections"]


def test_one_tag_or_none_is_not_a_merge(client, people, stories):
    client.force_login(people["superuser"])
    fewer_than_two = "Select two tags or more to merge."
    none_selected = (
        "Items must be selected in order to perform actions on them. "
        "No items have been changed."
    )
    into = tag_ids("Election")[0]
    for selected, message in [
        (tag_ids("Election"), fewer_than_two),
        (["999999"], fewer_than_two),  # deleted meanwhile
        (["abc"], none_selected),  # hand-made: left out
    ]:
        answer = merge(client, selected, into=into, apply="1", follow=True)
        assert said(answer) == [message], selected
    assert Tag.objects.count() == 4


def test_only_those_who_may_delete_tags_merge_them(client, people, stories):
    # Editors rename tags but do not delete them: a merge deletes.
    client.force_login(people["editor"])
    page = client.get(CHANGELIST).content.decode()
    assert "Merge selected tags" not in page
    selected = tag_ids("Election", "Elections")
    # Posted all the same: the list, as it is, and nothing done.
    answer = merge(client, selected, into=selected[0], apply="1", follow=True)
    assert answer.status_code == 200
    assert answer.context["cl"].result_count == 4
    assert Tag.objects.count() == 4
    assert Article.objects.filter(tags__name="Elections").count() == 3


def test_a_search_finds_them_by_the_tag_kept_not_by_those_merged(client):
    make_article(headline="Marsh trail closes", tags=["Quokkagate"])
    make_article(headline="Marsh trail reopens", tags=["Wombatgate"])
    assert results(client, "wombatgate")[1] == ["Marsh trail reopens"]
    merge_tags(Tag.objects.get(name="Quokkagate"), Tag.objects.all())
    assert results(client, "wombatgate")[1] == []
    assert sorted(results(client, "quokkagate")[1]) == [
        "Marsh trail closes",
        "Marsh trail reopens",
    ]
