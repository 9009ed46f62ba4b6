"""Roles and statuses: who may do what to a story, checked through the admin as each
role would use it, and what a story needs before it is published."""

from datetime import timedelta

import lxml.html
import pytest
import reversion
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, Author, Byline
from photos.models import Image

from .admin_forms import change, complete_story, form_data, run_action
from .factories import make_article, make_author, make_category, make_image

pytestmark = pytest.mark.django_db

ROLES = ["writer", "editor", "photo editor", "superuser"]
NOBODY = dict.fromkeys(ROLES, False)

# What each role may do. True: allowed; False: refused on the server.
MATRIX = {
    "create a story": {"writer": True, "editor": True, "photo editor": False},
    "edit own draft": {"writer": True, "editor": True, "photo editor": False},
    "edit someone else's draft": {
        "writer": False,
        "editor": True,
        "photo editor": False,
    },
    "edit a draft they are bylined on": {"writer": True, "editor": True},
    "submit for editing": {"writer": True, "editor": True},
    "publish": {"writer": False, "editor": True},
    "change a published story": {"writer": False, "editor": True},
    "unpublish": {"writer": False, "editor": True},
    "delete a story": {"writer": False, "editor": True, "photo editor": False},
    # Every role finishes its own job: a writer uploads her own photo, and may fix
    # its words; colleagues' pictures and deleting are the photo desk's.
    "add a picture": {"writer": True, "editor": True, "photo editor": True},
    "change a picture they added": {
        "writer": True,
        "editor": True,
        "photo editor": True,
    },
    "change a picture someone else added": {
        "writer": False,
        "editor": False,
        "photo editor": True,
    },
    "delete a picture nothing uses": {
        "writer": False,
        "editor": False,
        "photo editor": True,
    },
    "edit an author profile": {"writer": False, "editor": False, "photo editor": True},
    # Linking a login hands over every story the author is bylined on: only for
    # those who manage users (a superuser here).
    "link a login to an author profile": {
        "writer": False,
        "editor": False,
        "photo editor": False,
    },
    # A writer sees public stories and her own; a colleague's unpublished story is
    # nowhere for her: not its form, list, autocompletes, history or previews.
    "open someone else's draft": {"writer": False, "editor": True},
    "open someone else's scheduled story": {"writer": False, "editor": True},
    "open someone else's unpublished story": {"writer": False, "editor": True},
    "open someone else's published story": {"writer": True, "editor": True},
    "list someone else's draft": {"writer": False, "editor": True},
    "find someone else's draft in the byline autocomplete": {
        "writer": False,
        "editor": True,
    },
    "find someone else's draft in the correction autocomplete": {
        "writer": False,
        "editor": True,
    },
    "read the history of someone else's draft": {"writer": False, "editor": True},
    "compare versions of someone else's draft": {"writer": False, "editor": True},
    "open a version of someone else's draft to restore": {
        "writer": False,
        "editor": True,
    },
    "preview someone else's draft from its form": {"writer": False, "editor": True},
    "revoke preview links of someone else's draft": {"writer": False, "editor": True},
    # The admin's "view on site" shortcut would redirect to the draft's address, its
    # headline in the slug: a story with no public page has no address to give.
    "learn the address of someone else's draft through “view on site”": NOBODY,
    "see someone else's draft on the desk": {"writer": False, "editor": True},
    "see someone else's draft where a picture is used": {
        "writer": False,
        "editor": True,
        "photo editor": True,
    },
    # A picture in use stays, whoever asks: every use protects it.
    "delete a picture used as a social image": NOBODY,
    "delete a picture used as a headshot": NOBODY,
    "delete a picture in use with “delete selected”": NOBODY,
}

# The headline of a colleague's unpublished story, to look for where it must not be.
SECRET = "Embargoed merger talks"


def attempt(action, client, user):
    """Try `action` as `user`; True when it took effect."""
    other = make_author(name="Someone Else")
    if action == "create a story":
        client.post(
            reverse("admin:articles_article_add"),
            {
                **form_data(Article(headline="New", slug="new", status="draft")),
                "headline": "New",
                "slug": "new",
            },
        )
        return Article.objects.filter(headline="New").exists()
    if action in {"edit own draft", "edit someone else's draft"}:
        story = make_article(status=Article.Status.DRAFT, authors=[other])
        if action == "edit own draft":
            Article.objects.filter(pk=story.pk).update(created_by=user)
            story.refresh_from_db()
        change(client, story, headline="Edited")
        return Article.objects.get(pk=story.pk).headline == "Edited"
    if action == "edit a draft they are bylined on":
        me = Author.objects.create(name="Me", slug=f"me-{user.pk}", user=user)
        story = make_article(status=Article.Status.DRAFT, authors=[me])
        change(client, story, headline="Edited")
        return Article.objects.get(pk=story.pk).headline == "Edited"
    if action == "submit for editing":
        story = make_article(status=Article.Status.DRAFT, authors=[other])
        Article.objects.filter(pk=story.pk).update(created_by=user)
        run_action(client, "submit_for_editing", story)
        return Article.objects.get(pk=story.pk).status == Article.Status.READY
    if action == "publish":
        story = complete_story(status=Article.Status.READY, authors=[other])
        Article.objects.filter(pk=story.pk).update(created_by=user)
        story.refresh_from_db()
        change(
            client,
            story,
            status="published",
            published_at_0="2026-03-02",
            published_at_1="09:00:00",
        )
        run_action(client, "publish_now", story)
        return Article.objects.get(pk=story.pk).status == Article.Status.PUBLISHED
    if action == "change a published story":
        me = Author.objects.create(name="Me", slug=f"me-{user.pk}", user=user)
        story = complete_story(authors=[me])
        change(client, story, headline="Edited")
        return Article.objects.get(pk=story.pk).headline == "Edited"
    if action == "unpublish":
        story = complete_story(authors=[other])
        run_action(client, "unpublish", story)
        return Article.objects.get(pk=story.pk).status == Article.Status.UNPUBLISHED
    if action == "delete a story":
        story = make_article(status=Article.Status.DRAFT, authors=[other])
        Article.objects.filter(pk=story.pk).update(created_by=user)
        client.post(
            reverse("admin:articles_article_delete", args=[story.pk]), {"post": "yes"}
        )
        return not Article.objects.filter(pk=story.pk).exists()
    if action == "add a picture":
        return client.get(reverse("admin:photos_image_add")).status_code == 200
    if action.startswith("change a picture"):
        image = make_image(title="Before")
        if "they added" in action:
            Image.objects.filter(pk=image.pk).update(uploaded_by=user)
        client.post(
            reverse("admin:photos_image_change", args=[image.pk]),
            {"title": "After", "focal_x": "0.5", "focal_y": "0.5"},
        )
        return Image.objects.get(pk=image.pk).title == "After"
    if action == "delete a picture nothing uses":
        image = make_image()
        client.post(
            reverse("admin:photos_image_delete", args=[image.pk]), {"post": "yes"}
        )
        return not Image.objects.filter(pk=image.pk).exists()
    if "someone else's" in action:  # edits are tried above; these only look
        return sees(action, client, other)
    if action == "link a login to an author profile":
        author = make_author(name="Profile")
        client.post(
            reverse("admin:articles_author_change", args=[author.pk]),
            {"name": "Profile", "slug": author.slug, "user": user.pk},
        )
        return Author.objects.get(pk=author.pk).user_id == user.pk
    if action.startswith("delete a picture"):
        image = make_image()
        if "headshot" in action:
            make_author(headshot=image)
        else:
            make_article(social_image=image)
        if "delete selected" in action:
            client.post(
                reverse("admin:photos_image_changelist"),
                {
                    "action": "delete_selected",
                    "_selected_action": [image.pk],
                    "post": "yes",
                },
            )
        else:
            client.post(
                reverse("admin:photos_image_delete", args=[image.pk]),
                {"post": "yes"},
            )
        return not Image.objects.filter(pk=image.pk).exists()
    if action == "edit an author profile":
        author = make_author(name="Profile")
        client.post(
            reverse("admin:articles_author_change", args=[author.pk]),
            {"name": "Profile Edited", "slug": author.slug},
        )
        return Author.objects.get(pk=author.pk).name == "Profile Edited"
    raise AssertionError(action)


def someone_elses(other, **fields):
    """A colleague's story, a draft unless `fields` say otherwise."""
    fields.setdefault("status", Article.Status.DRAFT)
    return make_article(headline=SECRET, authors=[other], **fields)


def shows_secret(response):
    return response.status_code == 200 and SECRET in response.content.decode()


def opens(client, story):
    url = reverse("admin:articles_article_change", args=[story.pk])
    return shows_secret(client.get(url))


def autocompletes(client, source):
    response = client.get(
        "/admin/autocomplete/",
        {
            "app_label": "articles",
            "model_name": source,
            "field_name": "article",
            "term": "merger",
        },
    )
    return response.status_code == 200 and SECRET in [
        result["text"] for result in response.json()["results"]
    ]


def two_versions(story):
    """The story saved twice as a version; the versions, older first."""
    for headline in [f"{SECRET}, first", SECRET]:
        story.headline = headline
        with reversion.create_revision():
            story.save()
    return list(reversed(Version.objects.get_for_object(story)))


def compares(client, story):
    older, newer = two_versions(story)
    url = reverse("admin:articles_article_compare", args=[story.pk])
    return shows_secret(client.get(url, {"from": older.pk, "to": newer.pk}))


def restores(client, story):
    older, _newer = two_versions(story)
    url = reverse("admin:articles_article_revision", args=[story.pk, older.pk])
    return shows_secret(client.get(url))


def previews(client, story):
    url = reverse("admin:articles_article_preview", args=[story.pk])
    return shows_secret(client.post(url, form_data(story)))


def views_on_site(client, story):
    kind = ContentType.objects.get_for_model(Article)
    response = client.get(reverse("admin:view_on_site", args=[kind.pk, story.pk]))
    return response.status_code == 302 and story.slug in response["Location"]


def revokes(client, story):
    run_action(client, "revoke_previews", story)
    return Article.objects.get(pk=story.pk).preview_generation > 0


def where_used(client, story):
    url = reverse("admin:photos_image_change", args=[story.lead_image_id])
    return shows_secret(client.get(url))


def sees(action, client, other):
    """Try to reach a colleague's story as `action` says; True when it was shown."""
    if action.startswith("open someone else's"):
        kind = action.split()[3]  # draft, scheduled, unpublished or published
        if kind == "draft":
            return opens(client, someone_elses(other))
        hours = 1 if kind == "scheduled" else -1
        story = someone_elses(
            other,
            status="unpublished" if kind == "unpublished" else "published",
            published_at=timezone.now() + timedelta(hours=hours),
        )
        return opens(client, story)
    if action == "see someone else's draft where a picture is used":
        return where_used(client, someone_elses(other, lead_image=make_image()))
    if action == "see someone else's draft on the desk":
        someone_elses(other, status=Article.Status.READY)
        return shows_secret(client.get(reverse("admin:index")))
    story = someone_elses(other)
    if action == "list someone else's draft":
        return shows_secret(client.get(reverse("admin:articles_article_changelist")))
    if action == "find someone else's draft in the byline autocomplete":
        return autocompletes(client, "byline")
    if action == "find someone else's draft in the correction autocomplete":
        return autocompletes(client, "correction")
    if action == "read the history of someone else's draft":
        url = reverse("admin:articles_article_history", args=[story.pk])
        return shows_secret(client.get(url))
    if action == "compare versions of someone else's draft":
        return compares(client, story)
    if action == "open a version of someone else's draft to restore":
        return restores(client, story)
    if action == "preview someone else's draft from its form":
        return previews(client, story)
    if action == "revoke preview links of someone else's draft":
        return revokes(client, story)
    if action == "learn the address of someone else's draft through “view on site”":
        return views_on_site(client, story)
    raise AssertionError(action)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", MATRIX)
def test_permission_matrix(client, people, role, action):
    """Each role may do exactly what the matrix says, checked on the server: a
    superuser everything, bar what the matrix refuses her too."""
    user = people[role]
    client.force_login(user)
    expected = MATRIX[action].get(role, role == "superuser")
    assert attempt(action, client, user) is expected


def test_publishing_says_exactly_what_is_missing(client, people):
    client.force_login(people["editor"])
    story = make_article(
        status=Article.Status.READY,
        dek="",
        primary_category=None,
        lead_image=make_image(alt_text="", credit="Staff/Desk"),
        authors=[],
    )
    response = change(
        client,
        story,
        status="published",
        published_at_0="2026-03-02",
        published_at_1="09:00:00",
    )
    page = lxml.html.fromstring(response.content)
    message = " ".join(
        page.cssselect(".errornote, .errorlist")[-1].text_content().split()
    )
    assert message == (
        "This story cannot be published yet. It still needs: a dek, at least one "
        "byline, a section, alt text on the lead image."
    )
    assert Article.objects.get(pk=story.pk).status == Article.Status.READY


@pytest.mark.parametrize("total", ["abc", "-1", "1000000000"])
def test_a_tampered_byline_count_is_refused_not_crashed_on(client, people, total):
    client.force_login(people["editor"])
    story = complete_story(status=Article.Status.READY, dek="A dek.")
    response = change(
        client,
        story,
        status="published",
        headline="What I typed",
        **{"bylines-TOTAL_FORMS": total},
    )
    assert response.status_code == 200
    page = lxml.html.fromstring(response.content)
    assert page.cssselect(".errornote, .errorlist")
    assert page.cssselect("#id_headline")[0].get("value") == "What I typed"
    assert Article.objects.get(pk=story.pk).status == Article.Status.READY


def test_the_publish_action_refuses_incomplete_stories_by_name(client, people):
    client.force_login(people["editor"])
    ready = complete_story(status=Article.Status.READY, published_at=None)
    lacking = make_article(headline="Half done", status=Article.Status.READY)
    response = run_action(client, "publish_now", ready, lacking)
    text = response.content.decode()
    assert "“Half done”: This story cannot be published yet" in text
    assert Article.objects.get(pk=ready.pk).status == Article.Status.PUBLISHED
    assert Article.objects.get(pk=ready.pk).published_at is not None
    assert Article.objects.get(pk=lacking.pk).status == Article.Status.READY


def test_a_writer_is_not_offered_publishing_statuses(client, people):
    client.force_login(people["writer"])
    page = lxml.html.fromstring(
        client.get(reverse("admin:articles_article_add")).content
    )
    offered = [o.get("value") for o in page.cssselect("#id_status option")]
    assert offered == ["draft", "ready"]
    actions = [o.get("value") for o in page.cssselect("select[name=action] option")]
    assert "publish_now" not in actions


def test_ready_and_unpublished_stories_are_not_public(client):
    for status in [Article.Status.READY, Article.Status.UNPUBLISHED]:
        story = complete_story(
            status=status, published_at=timezone.now() - timedelta(1)
        )
        assert client.get(story.get_absolute_url()).status_code == 404
    assert not Article.objects.published().exists()


def test_new_stories_remember_who_created_them(client, people):
    client.force_login(people["writer"])
    client.post(
        reverse("admin:articles_article_add"),
        {**form_data(Article(status="draft")), "headline": "Mine", "slug": "mine"},
    )
    assert Article.objects.get(headline="Mine").created_by == people["writer"]
    assert Byline.objects.count() == 0


def opened_version(client, article):
    page = lxml.html.fromstring(
        client.get(reverse("admin:articles_article_change", args=[article.pk])).content
    )
    return page.cssselect("#id_edit_version")[0].get("value")


def test_a_stale_save_is_refused_and_keeps_what_was_typed(client, people):
    maya, sam = people["editor"], people["superuser"]
    maya.first_name, maya.last_name = "Maya", "Okafor"
    maya.save()
    story = complete_story(headline="Original", authors=[make_author()])
    client.force_login(sam)
    sams_version = opened_version(client, story)
    client.force_login(maya)
    mayas_version = opened_version(client, story)
    assert change(client, story, headline="Maya's fix", edit_version=mayas_version)
    client.force_login(sam)
    response = change(
        client,
        story,
        headline="Sam's rewrite",
        body="<p>Three paragraphs Sam typed.</p>",
        edit_version=sams_version,
    )
    assert response.status_code == 200
    page = lxml.html.fromstring(response.content)
    message = " ".join(page.cssselect(".errorlist.nonfield")[0].text_content().split())
    saved_at = timezone.localtime(Article.objects.get(pk=story.pk).modified_at)
    assert message.startswith(f"Maya Okafor saved this story at {saved_at:%b} ")
    assert "Nothing of yours was saved" in message
    assert page.cssselect("#id_headline")[0].get("value") == "Sam's rewrite"
    assert "Three paragraphs Sam typed." in page.cssselect("#id_body")[0].text_content()
    assert Article.objects.get(pk=story.pk).headline == "Maya's fix"


def test_a_save_from_a_fresh_form_goes_through(client, people):
    client.force_login(people["editor"])
    story = complete_story(headline="Original", authors=[make_author()])
    version = opened_version(client, story)
    response = change(client, story, headline="Better", edit_version=version)
    assert response.status_code == 302
    assert Article.objects.get(pk=story.pk).headline == "Better"
    assert Article.objects.get(pk=story.pk).modified_by == people["editor"]


def test_the_form_warns_that_someone_else_has_the_story_open(client, people):
    story = complete_story(authors=[make_author()])
    client.force_login(people["superuser"])
    opened_version(client, story)
    client.force_login(people["editor"])
    response = client.get(reverse("admin:articles_article_change", args=[story.pk]))
    warnings = [m.message for m in response.context["messages"]]
    assert "Also opened in the last 10 minutes by: super." in warnings


def desk_panels(client):
    page = lxml.html.fromstring(client.get(reverse("admin:index")).content)
    return {
        panel.cssselect("h2 a")[0].text_content(): (
            panel.cssselect(".newsroom-desk__count")[0].text_content(),
            [a.text_content() for a in panel.cssselect("li a")],
        )
        for panel in page.cssselect(".newsroom-desk__panel")
    }


def test_the_admin_home_shows_the_desk(client, people):
    """An editor's desk shows every story waiting or scheduled; a writer's, only those
    she may open: her own, and what is public."""
    writer = people["writer"]
    soon = timezone.now() + timedelta(days=1)
    mine = [
        make_article(headline="My draft", status=Article.Status.DRAFT),
        make_article(headline="My ready story", status=Article.Status.READY),
        make_article(headline="My tomorrow", published_at=soon),
    ]
    Article.objects.filter(pk__in=[a.pk for a in mine]).update(created_by=writer)
    make_article(headline="Someone's draft", status=Article.Status.DRAFT)
    make_article(headline="Waiting", status=Article.Status.READY)
    make_article(headline="Tomorrow", published_at=soon + timedelta(hours=1))
    make_article(headline="Next month", published_at=timezone.now() + timedelta(30))
    make_article(headline="Out this morning")

    client.force_login(writer)
    assert desk_panels(client) == {
        "Assigned to me": ("0", []),
        "My drafts": ("1", ["My draft"]),
        "Ready for editing": ("1", ["My ready story"]),
        "Scheduled (next 7 days)": ("1", ["My tomorrow"]),
        "Recently published": ("1", ["Out this morning"]),
    }
    client.force_login(people["editor"])
    assert desk_panels(client) == {
        "Assigned to me": ("0", []),
        "My drafts": ("0", []),
        "Ready for editing": ("2", ["Waiting", "My ready story"]),
        "Scheduled (next 7 days)": ("2", ["My tomorrow", "Tomorrow"]),
        "Recently published": ("1", ["Out this morning"]),
    }


def test_the_photo_desk_home_has_no_story_panels(client, people):
    client.force_login(people["photo editor"])
    page = lxml.html.fromstring(client.get(reverse("admin:index")).content)
    assert page.cssselect(".newsroom-desk") == []


def test_updated_time_moves_only_for_a_substantive_update(client, people):
    client.force_login(people["editor"])
    story = complete_story(authors=[make_author()])
    change(client, story, body="<p>Fixed a typo.</p>")
    story.refresh_from_db()
    assert story.updated_at is None
    page = lxml.html.fromstring(client.get(story.get_absolute_url()).content)
    assert page.cssselect(".story__updated") == []
    change(client, story, body="<p>New facts.</p>", mark_updated="on")
    story.refresh_from_db()
    assert timezone.now() - story.updated_at < timedelta(minutes=1)
    page = lxml.html.fromstring(client.get(story.get_absolute_url()).content)
    assert page.cssselect(".story__updated time")[0].get("datetime")


def transition_buttons(client, article):
    url = reverse("admin:articles_article_change", args=[article.pk])
    page = lxml.html.fromstring(client.get(url).content)
    return [b.text_content() for b in page.cssselect(".newsroom-transitions button")]


def test_the_form_offers_each_role_its_moves_and_they_work(client, people):
    writer = people["writer"]
    story = complete_story(
        status=Article.Status.DRAFT, published_at=None, authors=[make_author()]
    )
    Article.objects.filter(pk=story.pk).update(created_by=writer)
    story.refresh_from_db()

    client.force_login(writer)
    assert transition_buttons(client, story) == ["Submit for editing"]
    change(client, story, _transition="ready")
    story.refresh_from_db()
    assert story.status == Article.Status.READY
    change(client, story, _transition="published")  # not offered: refused
    assert Article.objects.get(pk=story.pk).status == Article.Status.READY

    client.force_login(people["editor"])
    # Back to draft, for an editor, is a request for changes (tests/test_notes.py).
    assert transition_buttons(client, story) == ["Request changes", "Publish"]
    assert change(client, story, _transition="published").status_code == 302
    story.refresh_from_db()
    assert story.status == Article.Status.PUBLISHED
    assert timezone.now() - story.published_at < timedelta(minutes=1)
    assert transition_buttons(client, story) == ["Unpublish"]
    change(client, story, _transition="unpublished")
    assert Article.objects.get(pk=story.pk).status == Article.Status.UNPUBLISHED


def test_the_form_shows_word_count_and_reading_time(client, people):
    client.force_login(people["editor"])
    story = make_article(body="<p>" + "word " * 690 + "</p>")
    assert (story.word_count, story.reading_minutes) == (690, 3)
    url = reverse("admin:articles_article_change", args=[story.pk])
    page = lxml.html.fromstring(client.get(url).content.decode())
    length = page.cssselect(".newsroom-length")[0]
    assert length.text_content() == "690 words · about 3 min to read"
    assert page.cssselect('script[src$="js/word-count.js"]')


@pytest.mark.parametrize(
    "path",
    ["story", "/", "/rss/index.xml", "/sitemaps/stories.xml", "/sections/politics/"],
)
def test_a_scheduled_story_goes_public_exactly_at_its_time(client, path):
    """No job runs: at one second before its time the story is nowhere; at its time it
    is everywhere."""
    import time_machine

    at = timezone.now() + timedelta(days=2)
    story = complete_story(
        headline="Lantern festival preview",
        published_at=at,
        primary_category=make_category(slug="politics"),
        authors=[make_author()],
    )
    url = story.get_absolute_url() if path == "story" else path

    def shown():
        response = client.get(url)
        link = story.get_absolute_url().encode()
        return response.status_code == 200 and link in response.content

    with time_machine.travel(at - timedelta(seconds=1), tick=False):
        assert not shown()
    with time_machine.travel(at, tick=False):
        assert shown()


def test_a_writer_whose_story_was_published_meanwhile_keeps_what_they_typed(
    client, people
):
    """The writer's form was opened while the story was hers; an editor published it
    before she saved. She gets the refusal with her text, not a bare 403."""
    writer, editor = people["writer"], people["editor"]
    editor.first_name = "Eddie"
    editor.save()
    story = complete_story(status=Article.Status.READY, published_at=None)
    Article.objects.filter(pk=story.pk).update(created_by=writer)
    story.refresh_from_db()
    client.force_login(writer)
    opened = opened_version(client, story)
    client.force_login(editor)
    assert change(client, story, _transition="published").status_code == 302

    client.force_login(writer)
    response = change(
        client,
        story,
        body="<p>A paragraph the writer typed.</p>",
        edit_version=opened,
        status="ready",
    )

    assert response.status_code == 200
    page = lxml.html.fromstring(response.content.decode())
    message = page.cssselect(".errorlist.nonfield")[0].text_content()
    assert message.startswith("Eddie saved this story at")
    assert "A paragraph the writer typed." in page.cssselect("#id_body")[0].text
    story.refresh_from_db()
    assert story.status == Article.Status.PUBLISHED
    assert "writer typed" not in story.body


def test_a_writer_taken_off_a_draft_while_typing_keeps_what_she_typed(client, people):
    """Her draft stopped being hers (taken off the byline, handed to a colleague)
    while she typed: nothing is saved, and the page gives her text back."""
    writer = people["writer"]
    me = Author.objects.create(name="Me", slug="me", user=writer)
    story = make_article(status=Article.Status.DRAFT, authors=[me])
    client.force_login(writer)
    opened = opened_version(client, story)
    story.bylines.all().delete()
    Byline.objects.create(article=story, author=make_author(), position=0)

    response = change(
        client,
        story,
        headline="My better headline",
        body="<p>A paragraph the writer typed.</p>",
        edit_version=opened,
    )

    assert response.status_code == 409
    page = lxml.html.fromstring(response.content.decode())
    kept = page.cssselect("#content-main")[0].text_content()
    assert "My better headline" in kept
    assert "A paragraph the writer typed." in kept
    story.refresh_from_db()
    assert story.headline != "My better headline"


def test_a_form_without_its_version_is_refused(client, people):
    story = complete_story(headline="Kept")
    client.force_login(people["editor"])

    response = change(client, story, headline="Blind save", edit_version="")

    assert response.status_code == 200
    assert Article.objects.get(pk=story.pk).headline == "Kept"


def test_a_move_from_the_list_names_who_made_it(client, people):
    story = complete_story(status=Article.Status.DRAFT)
    client.force_login(people["editor"])
    opened = opened_version(client, story)
    client.force_login(people["superuser"])
    run_action(client, "publish_now", story)

    client.force_login(people["editor"])
    response = change(client, story, headline="Late", edit_version=opened)

    message = lxml.html.fromstring(response.content.decode()).cssselect(
        ".errorlist.nonfield"
    )[0]
    assert message.text_content().startswith("super saved this story at")


def test_writers_set_neither_publish_nor_updated_times(client, people):
    writer = people["writer"]
    story = complete_story(status=Article.Status.DRAFT, published_at=None)
    Article.objects.filter(pk=story.pk).update(created_by=writer)
    story.refresh_from_db()
    client.force_login(writer)

    response = change(
        client,
        story,
        published_at_0="2020-01-01",
        published_at_1="08:00:00",
        updated_at_0="2026-12-25",
        updated_at_1="08:00:00",
    )

    assert response.status_code == 302
    story.refresh_from_db()
    assert (story.published_at, story.updated_at) == (None, None)


def test_only_those_who_may_change_a_story_get_its_preview_link(client, people):
    # A writer may read a colleague's published story, not change it.
    someone_elses = complete_story()
    url = reverse("admin:articles_article_change", args=[someone_elses.pk])

    client.force_login(people["writer"])
    page = client.get(url).content.decode()
    assert "/preview/" not in page.replace("/admin/articles/article/", "")

    client.force_login(people["editor"])
    assert lxml.html.fromstring(client.get(url).content.decode()).cssselect(
        "a.newsroom-preview-link"
    )


@pytest.mark.parametrize("role", ["writer", "photo editor"])
def test_bylines_and_corrections_on_their_own_are_for_editors(client, people, role):
    story = complete_story()
    byline = story.bylines.get()
    client.force_login(people[role])

    for url in [
        reverse("admin:articles_byline_add"),
        reverse("admin:articles_byline_change", args=[byline.pk]),
        reverse("admin:articles_byline_delete", args=[byline.pk]),
        reverse("admin:articles_correction_add"),
    ]:
        assert client.get(url).status_code == 403, url
    response = client.post(
        reverse("admin:articles_byline_add"),
        {
            "article": story.pk,
            "author": make_author().pk,
            "role": "author",
            "position": 5,
        },
    )
    assert response.status_code == 403
    assert story.bylines.count() == 1


def test_the_photo_desk_sees_an_authors_login_but_cannot_link_one(client, people):
    """Linking a login to an author hands over the author's stories: the photo desk
    sees the field read-only, and a hand-made "user=" in its post changes nothing,
    while the rest of the profile saves."""
    writer = people["writer"]
    linked = make_author(name="Linked", user=people["editor"])
    guest = make_author(name="Guest")
    client.force_login(people["photo editor"])

    page = lxml.html.fromstring(
        client.get(reverse("admin:articles_author_change", args=[linked.pk])).content
    )
    assert page.cssselect("#id_user") == []
    assert page.cssselect(".field-user .readonly")[0].text_content() == "editor"

    for author in [linked, guest]:
        response = client.post(
            reverse("admin:articles_author_change", args=[author.pk]),
            {"name": f"{author.name} edited", "slug": author.slug, "user": writer.pk},
        )
        assert response.status_code == 302
    client.post(
        reverse("admin:articles_author_add"),
        {"name": "New", "slug": "new", "user": writer.pk},
    )
    assert {a.name: a.user for a in Author.objects.all()} == {
        "Linked edited": people["editor"],
        "Guest edited": None,
        "New": None,
    }


def test_those_who_manage_users_link_logins_to_authors(client, people):
    from django.contrib.auth.models import Permission

    desk = people["photo editor"]
    desk.user_permissions.add(
        *Permission.objects.filter(codename__in=["change_user", "view_user"])
    )
    author = make_author(name="Maya")
    client.force_login(desk)

    page = lxml.html.fromstring(
        client.get(reverse("admin:articles_author_change", args=[author.pk])).content
    )
    assert page.cssselect("select#id_user")
    client.post(
        reverse("admin:articles_author_change", args=[author.pk]),
        {"name": "Maya", "slug": author.slug, "user": people["writer"].pk},
    )
    assert Author.objects.get(pk=author.pk).user == people["writer"]


def listed(client):
    page = lxml.html.fromstring(
        client.get(reverse("admin:articles_article_changelist")).content
    )
    return {a.text_content() for a in page.cssselect("#result_list .field-headline a")}


@pytest.fixture
def newsroom_stories(people):
    """One story of each kind a writer might meet, named for what it is to her."""
    writer = people["writer"]
    me = make_author(name="Writer Herself", user=writer)
    other = make_author(name="A Colleague")
    mine = make_article(headline="Mine", status=Article.Status.DRAFT, authors=[])
    Article.objects.filter(pk=mine.pk).update(created_by=writer)
    make_article(headline="Bylined", status=Article.Status.READY, authors=[other, me])
    for status in [Article.Status.DRAFT, Article.Status.READY]:
        make_article(headline=f"Colleague's {status}", status=status, authors=[other])
    make_article(
        headline="Colleague's scheduled",
        published_at=timezone.now() + timedelta(hours=2),
        authors=[other],
    )
    make_article(
        headline="Colleague's unpublished",
        status=Article.Status.UNPUBLISHED,
        published_at=timezone.now() - timedelta(days=1),
        authors=[other],
    )
    make_article(headline="Colleague's published", authors=[other])


def test_a_writer_lists_her_own_stories_and_public_ones(
    client, people, newsroom_stories
):
    client.force_login(people["writer"])
    assert listed(client) == {"Mine", "Bylined", "Colleague's published"}
    client.force_login(people["editor"])
    assert len(listed(client)) == 7


def test_a_setting_lets_writers_see_every_story(
    client, people, newsroom_stories, settings
):
    """NEWSROOM_WRITERS_SEE_ALL_STORIES opens the list, not the right to change."""
    settings.NEWSROOM_WRITERS_SEE_ALL_STORIES = True
    client.force_login(people["writer"])
    assert len(listed(client)) == 7
    draft = Article.objects.get(headline="Colleague's draft")
    response = change(client, draft, headline="Mine now")
    assert response.status_code == 403
    assert Article.objects.get(pk=draft.pk).headline == "Colleague's draft"


def colleagues_draft_urls(story, version):
    return {
        "change": reverse("admin:articles_article_change", args=[story.pk]),
        "history": reverse("admin:articles_article_history", args=[story.pk]),
        "compare": reverse("admin:articles_article_compare", args=[story.pk])
        + f"?from={version.pk}&to={version.pk}",
        "restore": reverse(
            "admin:articles_article_revision", args=[story.pk, version.pk]
        ),
        "preview": reverse("admin:articles_article_preview", args=[story.pk]),
        "delete": reverse("admin:articles_article_delete", args=[story.pk]),
    }


@pytest.mark.parametrize(
    "page", ["change", "history", "compare", "restore", "preview", "delete"]
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_colleagues_draft_by_its_address_does_not_exist_for_a_writer(
    client, people, page, method
):
    """Whatever page of it she asks for, a writer is sent to the admin's home with
    Django's own "doesn't exist" message: no bare 403, no 500, no headline."""
    story = make_article(headline=SECRET, status=Article.Status.DRAFT)
    with reversion.create_revision():
        story.save()
    url = colleagues_draft_urls(story, Version.objects.get_for_object(story)[0])[page]
    client.force_login(people["writer"])

    response = getattr(client, method)(url, form_data(story, headline="Mine"))

    if (method, page) == ("post", "change"):
        # A form posted for a story she cannot see: nothing saved, and what she
        # typed given back, as to a writer who lost her draft while typing.
        assert response.status_code == 409
        assert "Mine" in response.content.decode()
        assert SECRET not in response.content.decode()
        assert Article.objects.get(pk=story.pk).headline == SECRET
        return
    assert response.status_code == 302
    assert response.url == reverse("admin:index")
    home = client.get(response.url)
    messages = [str(m) for m in home.context["messages"]]
    assert messages == [
        f"article with ID “{story.pk}” doesn’t exist. Perhaps it was deleted?"
    ]
    assert SECRET not in home.content.decode()
    assert Article.objects.get(pk=story.pk).headline == SECRET
