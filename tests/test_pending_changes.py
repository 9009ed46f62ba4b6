"""Changes to a live story are prepared, then published together: until an editor
publishes them, readers, feeds, sitemaps, search and the page cache show the story
as it was published."""

from datetime import timedelta

import lxml.html
import pytest
from django.urls import reverse
from django.utils import timezone
from reversion.models import Revision
from taggit.models import Tag

from articles.admin.article_form import edit_version
from articles.models import Article, PendingChange
from articles.previews import preview_path
from articles.tag_merge import merge_tags
from delivery.models import Invalidation

from .admin_forms import form_data as posted_form
from .factories import make_article, make_author, make_category, make_image

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pages_cached")]


@pytest.fixture
def story():
    politics = make_category(name="Politics", slug="politics", is_in_navigation=True)
    maya = make_author(name="Maya Okafor", slug="maya-okafor")
    return make_article(
        headline="Council passes the harbor budget",
        dek="A late-night vote.",
        body="<p>The council voted at midnight.</p>",
        primary_category=politics,
        authors=[maya],
        tags=["harbor"],
        lead_image=make_image(),
        published_at=timezone.now() - timedelta(hours=1),
    )


def public_pages(story):
    return [
        story.get_absolute_url(),
        "/",
        "/sections/politics/",
        "/authors/maya-okafor/",
        "/tags/harbor/",
        "/rss/index.xml",
        "/sections/politics/rss/",
        "/sitemaps/news.xml",
    ]


def text(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def form_data(story, **changes):
    """The story's form as the admin posts it, its tags and sections included."""
    return posted_form(
        story,
        **{
            "tags": [tag.pk for tag in story.tags.all()],
            "categories": [c.pk for c in story.categories.all()],
            # Opened now: its changes not yet published included.
            "edit_version": edit_version(Article.objects.get(pk=story.pk)),
            **changes,
        },
    )


def change_url(story):
    return reverse("admin:articles_article_change", args=[story.pk])


def prepare(admin_client, story, **changes):
    return admin_client.post(change_url(story), form_data(story, **changes))


NEW = {
    "headline": "Council passes the harbor budget, 7-2",
    "body": "<p>The council voted at midnight, seven to two.</p>",
}


def test_an_edit_to_a_live_story_waits_for_publish_changes(client, admin_client, story):
    for path in public_pages(story):
        text(client, path)  # cached now
    revisions = Revision.objects.count()
    outbox = Invalidation.objects.count()

    response = prepare(admin_client, story, **NEW)

    assert response.status_code == 302
    assert response.url == change_url(story)
    story.refresh_from_db()
    assert story.headline == "Council passes the harbor budget"
    for path in public_pages(story):
        page = text(client, path)
        assert "7-2" not in page, path
        assert "Council passes the harbor budget" in page, path
    assert "seven to two" not in text(client, story.get_absolute_url())
    search = text(client, "/search/?q=seven")
    assert story.get_absolute_url() not in search
    # Not a version in the history, and nothing for the page cache to forget.
    assert Revision.objects.count() == revisions
    assert Invalidation.objects.count() == outbox

    # The admin opens the story with the changes, and says so.
    page = lxml.html.fromstring(text(admin_client, change_url(story)))
    assert page.cssselect("#id_headline")[0].get("value") == NEW["headline"]
    assert "seven to two" in page.cssselect("#id_body")[0].text_content()
    warning = page.cssselect(".messagelist .warning")[0].text_content()
    assert "changes not yet published" in warning
    buttons = [
        b.text_content() for b in page.cssselect(".newsroom-pending-changes button")
    ]
    assert buttons == ["Publish changes", "Discard changes"]

    # Published, they reach every page, the cached ones included.
    response = admin_client.post(
        change_url(story),
        {**form_data(story, **NEW), "_publish_changes": "1"},
    )
    assert response.url == reverse("admin:articles_article_changelist")
    story.refresh_from_db()
    assert story.headline == NEW["headline"]
    assert not PendingChange.objects.exists()
    for path in public_pages(story):
        assert "7-2" in text(client, path), path
    assert "seven to two" in text(client, story.get_absolute_url())
    assert story.get_absolute_url() in text(client, "/search/?q=seven")
    assert Revision.objects.count() == revisions + 1


def test_publishing_changes_can_mark_a_substantive_update(admin_client, story):
    prepare(admin_client, story, **NEW)
    admin_client.post(
        change_url(story),
        {**form_data(story, **NEW), "mark_updated": "on", "_publish_changes": "1"},
    )
    story.refresh_from_db()
    assert story.was_updated
    assert story.headline == NEW["headline"]


def test_discarding_changes_leaves_the_story_as_published(admin_client, story):
    prepare(admin_client, story, **NEW)
    response = admin_client.post(
        change_url(story), {**form_data(story, **NEW), "_discard_changes": "1"}
    )
    assert response.status_code == 302
    assert not PendingChange.objects.exists()
    page = lxml.html.fromstring(text(admin_client, change_url(story)))
    assert page.cssselect("#id_headline")[0].get("value") == story.headline
    assert not page.cssselect(".newsroom-pending-changes button[name=_discard_changes]")
    story.refresh_from_db()
    assert story.headline == "Council passes the harbor budget"


def test_filing_tags_and_bylines_wait_too(client, admin_client, story):
    """Sections, tags and bylines are part of the changes, not put live at once."""
    science = make_category(name="Science", slug="science")
    rosa = make_author(name="Rosa Tembo", slug="rosa-tembo")
    data = form_data(
        story,
        categories=[science.pk],
        new_tags="budget",
        **{
            "bylines-TOTAL_FORMS": "2",
            "bylines-1-author": rosa.pk,
            "bylines-1-role": "contributor",
            "bylines-1-position": "1",
        },
    )
    assert admin_client.post(change_url(story), data).status_code == 302
    assert [t.name for t in story.tags.all()] == ["harbor"]
    assert list(story.categories.all()) == []
    assert [b.author.name for b in story.bylines.all()] == ["Maya Okafor"]
    assert "Rosa Tembo" not in text(client, story.get_absolute_url())

    # The share link shows them.
    preview = text(client, preview_path(story))
    assert "Rosa Tembo" in preview
    assert "/tags/budget/" in preview
    # ...and leaves nothing behind.
    assert [b.author.name for b in story.bylines.all()] == ["Maya Okafor"]
    assert not Article.objects.filter(tags__name="budget").exists()

    data["edit_version"] = edit_version(Article.objects.get(pk=story.pk))
    admin_client.post(change_url(story), {**data, "_publish_changes": "1"})
    assert sorted(t.name for t in story.tags.all()) == ["budget", "harbor"]
    assert list(story.categories.all()) == [science]
    assert "Rosa Tembo" in text(client, story.get_absolute_url())


def test_the_share_link_previews_the_changes(client, admin_client, story):
    prepare(admin_client, story, **NEW)
    page = lxml.html.fromstring(text(client, preview_path(story)))
    assert page.cssselect("h1")[0].text_content() == NEW["headline"]
    assert "seven to two" in page.cssselect(".story__body")[0].text_content()
    story.refresh_from_db()
    assert story.headline == "Council passes the harbor budget"
    assert "7-2" not in text(client, story.get_absolute_url())


def test_the_preview_button_shows_the_form_with_the_changes(admin_client, story):
    response = admin_client.post(
        reverse("admin:articles_article_preview", args=[story.pk]),
        form_data(story, **NEW),
    )
    page = lxml.html.fromstring(response.content)
    assert page.cssselect("h1")[0].text_content() == NEW["headline"]
    assert not PendingChange.objects.exists()


def test_moving_a_live_story_saves_it_at_once(admin_client, story):
    """Unpublishing is not a change to prepare: it happens, with the form's edits."""
    prepare(admin_client, story, **NEW)
    admin_client.post(
        change_url(story),
        {**form_data(story, **NEW), "_transition": Article.Status.UNPUBLISHED},
    )
    story.refresh_from_db()
    assert story.status == Article.Status.UNPUBLISHED
    assert story.headline == NEW["headline"]
    assert not PendingChange.objects.exists()


def test_a_scheduled_story_is_changed_at_once(admin_client):
    """Readers cannot see it yet: there is nothing to keep for them."""
    story = make_article(
        headline="Ferry timetable",
        lead_image=make_image(),
        published_at=timezone.now() + timedelta(days=1),
    )
    prepare(admin_client, story, headline="Ferry timetable, revised")
    story.refresh_from_db()
    assert story.headline == "Ferry timetable, revised"
    assert not PendingChange.objects.exists()


def test_only_those_who_may_publish_put_changes_live(client, people, story):
    """A staff member who may change the story but not publish keeps her changes
    aside even when she asks to publish them."""
    from django.contrib.auth.models import Permission

    desk = people["superuser"]
    desk.is_superuser = False
    desk.save()
    desk.user_permissions.add(
        *Permission.objects.filter(codename__in=["change_article", "view_article"])
    )
    client.force_login(desk)
    response = client.post(
        change_url(story), {**form_data(story, **NEW), "_publish_changes": "1"}
    )
    # Not hers to change at all: a live story is an editor's.
    assert response.status_code == 403
    story.refresh_from_db()
    assert story.headline == "Council passes the harbor budget"


def test_a_stale_form_cannot_overwrite_prepared_changes(client, people, story):
    """Two editors open the live story; the first prepares changes; the second's
    save, from the form opened before them, is refused and keeps what she typed."""
    maya, sam = people["editor"], people["superuser"]
    maya.first_name, maya.last_name = "Maya", "Okafor"
    maya.save()

    def opened_version():
        page = lxml.html.fromstring(text(client, change_url(story)))
        return page.cssselect("#id_edit_version")[0].get("value")

    client.force_login(sam)
    sams_version = opened_version()
    client.force_login(maya)
    prepare(client, story, headline="Maya's fix", edit_version=opened_version())
    client.force_login(sam)
    response = prepare(
        client, story, headline="Sam's rewrite", edit_version=sams_version
    )
    assert response.status_code == 200
    page = lxml.html.fromstring(response.content)
    message = page.cssselect(".errorlist.nonfield")[0].text_content()
    assert message.startswith("Maya Okafor saved this story at ")
    assert page.cssselect("#id_headline")[0].get("value") == "Sam's rewrite"
    assert PendingChange.objects.get().form_data["headline"] == ["Maya's fix"]
    # Opened again, the form has Maya's changes, and saves over them.
    version = opened_version()
    assert (
        prepare(client, story, headline="Sam's", edit_version=version).status_code
        == 302
    )
    assert PendingChange.objects.get().form_data["headline"] == ["Sam's"]


def test_the_share_link_shows_pictures_the_changes_place(client, admin_client, story):
    """A picture no reader can meet yet, placed by the changes, loads for whoever
    holds the preview link, and for nobody else."""
    from .factories import fetch_picture, jpeg_file

    placed = make_image(file=jpeg_file(800, 600))
    body = f'<p>Text.</p><figure data-image-id="{placed.pk}"></figure>'
    prepare(admin_client, story, body=body)
    page = lxml.html.fromstring(text(client, preview_path(story)))
    (src,) = [img.get("src") for img in page.cssselect(".story__body img")]
    assert "?preview=" in src
    assert fetch_picture(client, src).format == "JPEG"
    assert client.get(src.split("?")[0]).status_code == 404


def test_the_form_with_changes_opens_in_few_queries(
    admin_client, story, django_assert_max_num_queries
):
    """Opening the form with the changes costs a few queries more than without: the
    changes and who prepared them, and the checks of the form filled in with them
    (each picked section, picture, tag and author is looked up, as in a posted
    form, and its byline rows are those posted, not the ones fetched with their
    authors). 37 here, against 22 without."""
    admin_client.get(change_url(story))  # warm: sessions, content types
    with django_assert_max_num_queries(200) as plain:
        admin_client.get(change_url(story))
    without = len(plain)  # now: the log is emptied as each request starts
    prepare(admin_client, story, **NEW)
    with django_assert_max_num_queries(without + 15):
        response = admin_client.get(change_url(story))
    assert "7-2" in response.content.decode()


def test_the_desk_lists_stories_with_changes_waiting(admin_client, story):
    def panels():
        page = lxml.html.fromstring(text(admin_client, reverse("admin:index")))
        return {
            panel.cssselect("h2 a")[0].text_content(): panel
            for panel in page.cssselect(".newsroom-desk__panel")
        }

    assert "Changes not yet published" not in panels()
    prepare(admin_client, story, **NEW)
    panel = panels()["Changes not yet published"]
    assert [a.text_content() for a in panel.cssselect("li a")] == [story.headline]
    listed = lxml.html.fromstring(
        text(admin_client, panel.cssselect("h2 a")[0].get("href"))
    )
    assert [a.text_content() for a in listed.cssselect(".field-headline a")] == [
        story.headline
    ]


def test_asking_to_publish_changes_to_a_draft_just_saves_it(client, people):
    """Only a live story's changes wait: a writer's draft is saved as usual, however
    the form was sent."""
    writer = people["writer"]
    draft = make_article(headline="A draft", status=Article.Status.DRAFT)
    Article.objects.filter(pk=draft.pk).update(created_by=writer)
    client.force_login(writer)
    response = client.post(
        change_url(draft),
        {**form_data(draft, headline="A better draft"), "_publish_changes": "1"},
    )
    assert response.status_code == 302
    assert Article.objects.get(pk=draft.pk).headline == "A better draft"
    assert not PendingChange.objects.exists()
    said = [str(m) for m in response.wsgi_request._messages]
    assert not any("published" in message for message in said)


def test_an_assignment_kept_aside_tells_nobody_until_it_is_published(
    admin_client, people, story
):
    """Assigning a live story's changes to an editor saves nothing yet, so she is
    not told yet; publishing the changes assigns her and tells her once."""
    from notes.models import Notification

    editor = people["editor"]
    assert prepare(admin_client, story, assignee=editor.pk).status_code == 302
    assert Article.objects.get(pk=story.pk).assignee is None
    assert not Notification.objects.filter(recipient=editor).exists()

    data = form_data(story, assignee=editor.pk)
    data["edit_version"] = edit_version(Article.objects.get(pk=story.pk))
    admin_client.post(change_url(story), {**data, "_publish_changes": "1"})
    assert Article.objects.get(pk=story.pk).assignee == editor
    kinds = Notification.objects.filter(recipient=editor).values_list("kind", flat=True)
    assert list(kinds) == ["assigned"]


def test_changes_waiting_name_the_tag_a_merge_keeps(client, admin_client, story):
    """Tags merged while a live story's changes wait: the form opens with the tag
    kept, and the changes' preview shows it, not the merged one made again."""
    kept = make_article(headline="Dredging begins", tags=["Harbour"]).tags.get()
    assert prepare(admin_client, story, headline=NEW["headline"]).status_code == 302
    merge_tags(kept, Tag.objects.filter(name__in=["harbor", "Harbour"]))
    form = admin_client.get(change_url(story))
    assert form.context["adminform"].form["tags"].value() == [str(kept.pk)]
    assert not lxml.html.fromstring(form.content).cssselect(".errorlist")
    preview = text(client, preview_path(story))
    assert "/tags/harbour/" in preview and "/tags/harbor/" not in preview
    assert not Tag.objects.filter(name="harbor").exists()
