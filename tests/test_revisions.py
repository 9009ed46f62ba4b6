"""A story's history: every save kept with its bylines and tags, listed with who saved
it and what its status became, compared readably, and restored."""

import lxml.html
import pytest
import reversion
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles import revisions
from articles.models import Article

from .admin_forms import change, complete_story, form_data, run_action
from .factories import make_author

pytestmark = pytest.mark.django_db


def versions(story):
    return Version.objects.get_for_object(story)


def as_browser_posts(response):
    """The values the article form on `response`'s page would send."""
    form = lxml.html.fromstring(response.content.decode()).cssselect("#article_form")[0]
    return dict(form.form_values())


def with_tags(story, *tags):
    story.tags.set(list(tags))
    return story


@pytest.fixture
def story_with_two_versions(client, people):
    """A draft saved twice in the admin by the editor: headline, body, byline and
    tags all changed by the second save, which also submitted it for editing."""
    first_author = make_author(name="Rosa Ames")
    story = complete_story(
        status=Article.Status.DRAFT,
        headline="Tide gauges go quiet",
        body="<p>The harbor's three tide gauges stopped reporting on Monday.</p>",
        authors=[first_author],
    )
    with_tags(story, "harbor")
    client.force_login(people["editor"])
    assert (
        change(client, story, tags=[t.pk for t in story.tags.all()]).status_code == 302
    )
    second_author = make_author(name="Kofi Brandt")
    story.refresh_from_db()  # as the editor's next visit to the form finds it
    data = form_data(
        story,
        headline="Tide gauges back online after a week",
        body="<p>The harbor's three tide gauges are reporting again.</p>",
        new_tags="sea level,",
        _transition="ready",
    )
    data["bylines-0-author"] = second_author.pk
    response = client.post(
        reverse("admin:articles_article_change", args=[story.pk]), data
    )
    assert response.status_code == 302
    story.refresh_from_db()
    return story


def test_every_admin_save_keeps_a_version_with_bylines_and_tags(
    story_with_two_versions,
):
    story = story_with_two_versions
    newest, oldest = versions(story)[:2]

    assert oldest.field_dict["headline"] == "Tide gauges go quiet"
    assert newest.field_dict["headline"] == "Tide gauges back online after a week"
    kept = {v.content_type.model for v in newest.revision.version_set.all()}
    assert {"article", "byline", "taggedarticle"} <= kept
    assert newest.revision.user.get_username() == "editor"


def test_the_history_page_lists_who_saved_when_and_status_changes(
    client, story_with_two_versions
):
    story = story_with_two_versions
    response = client.get(reverse("admin:articles_article_history", args=[story.pk]))

    rows = lxml.html.fromstring(response.content.decode()).cssselect(
        "#change-history tbody tr"
    )
    assert len(rows) == 2
    newest = [cell.text_content().strip() for cell in rows[0].cssselect("td, th")]
    assert "editor" in newest
    assert "Now Ready for editing" in newest
    assert rows[1].cssselect("td")[-1].cssselect("a")[0].text == "Restore…"


def test_two_versions_compare_readably(client, story_with_two_versions):
    story = story_with_two_versions
    newest, oldest = versions(story)[:2]

    response = client.get(
        reverse("admin:articles_article_compare", args=[story.pk]),
        {"from": oldest.pk, "to": newest.pk},
    )

    assert response.status_code == 200
    page = lxml.html.fromstring(response.content.decode())
    rows = {
        row.cssselect("th")[0].text_content(): row.cssselect("td")[0]
        for row in page.cssselect(".newsroom-diff tbody tr")
    }
    assert set(rows) == {"Headline", "Status", "Byline", "Tags", "Body"}
    headline = rows["Headline"]
    assert [d.text for d in headline.cssselect("del")] == ["go quiet"]
    assert [i.text for i in headline.cssselect("ins")] == ["back online after a week"]
    assert [d.text for d in rows["Byline"].cssselect("del")] == ["Rosa Ames (author)"]
    assert [i.text for i in rows["Byline"].cssselect("ins")] == ["Kofi Brandt (author)"]
    assert [i.text for i in rows["Tags"].cssselect("ins")] == ["sea level"]
    body = rows["Body"]
    assert [d.text for d in body.cssselect("del")] == ["stopped", "on Monday."]
    assert [i.text for i in body.cssselect("ins")] == ["are", "again."]


def test_restoring_a_version_brings_back_its_bylines_and_tags(
    client, story_with_two_versions
):
    story = story_with_two_versions
    oldest = versions(story)[1]
    history = client.get(reverse("admin:articles_article_history", args=[story.pk]))
    page = lxml.html.fromstring(history.content.decode())
    url = (
        page.cssselect("#change-history tbody tr")[1].cssselect("td a")[-1].get("href")
    )
    assert url == reverse("admin:articles_article_restore", args=[story.pk, oldest.pk])

    opened = client.get(url)
    assert opened.status_code == 200
    # Opening it shows what will change, and restores nothing.
    shown = lxml.html.fromstring(opened.content.decode())
    rows = {
        row.cssselect("th")[0].text_content(): row.cssselect("td")[0]
        for row in shown.cssselect(".newsroom-diff tbody tr")
    }
    assert [i.text for i in rows["Headline"].cssselect("ins")] == ["go quiet"]
    assert "Status" not in rows  # a restore leaves the status as it is
    story.refresh_from_db()
    assert story.headline == "Tide gauges back online after a week"

    response = client.post(url)

    assert response.status_code == 302
    story.refresh_from_db()
    assert story.headline == "Tide gauges go quiet"
    assert "stopped reporting on Monday" in story.body
    assert [b.author.name for b in story.bylines.all()] == ["Rosa Ames"]
    assert sorted(story.tags.names()) == ["harbor"]
    assert story.status == Article.Status.READY  # as it is now, not as it was
    # The restore is itself a version, with the bylines and tags restored, so it
    # can be undone.
    assert versions(story).count() == 3
    newest = versions(story)[0]
    assert "Restored the version saved" in newest.revision.get_comment()
    kept = revisions.Snapshot.of(newest).fields
    assert kept["Byline"] == ["Rosa Ames (author)"]
    assert kept["Tags"] == ["harbor"]


def test_the_old_restore_form_leads_to_the_restore_page(
    client, story_with_two_versions
):
    story = story_with_two_versions
    oldest = versions(story)[1]
    old = reverse("admin:articles_article_revision", args=[story.pk, oldest.pk])
    response = client.post(old, form_data(story, headline="Posted to the old form"))
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:articles_article_restore", args=[story.pk, oldest.pk]
    )
    story.refresh_from_db()
    assert story.headline == "Tide gauges back online after a week"


def test_a_list_action_keeps_one_version_per_story(client, people):
    stories = [complete_story(status=Article.Status.DRAFT) for _ in range(2)]
    client.force_login(people["editor"])

    run_action(client, "publish_now", *stories)

    for story in stories:
        (version,) = versions(story)
        assert version.field_dict["status"] == "published"
        assert (
            version.revision.version_set.filter(content_type__model="article").count()
            == 1
        )
        assert "Published" in version.revision.get_comment()


def test_a_writer_cannot_restore_a_published_story(
    client, people, story_with_two_versions
):
    story = story_with_two_versions
    Article.objects.filter(pk=story.pk).update(
        status=Article.Status.PUBLISHED, published_at=timezone.now()
    )
    # Bylined on it, so the old version, a draft, would be hers to change.
    make_byline(story, people["writer"])
    oldest = versions(story)[1]
    client.force_login(people["writer"])

    url = reverse("admin:articles_article_revision", args=[story.pk, oldest.pk])
    refusal = client.get(url)
    assert refusal.status_code == 403
    # An admin page saying what she may do instead, not a bare 403.
    page = lxml.html.fromstring(refusal.content.decode())
    assert page.cssselect("#site-name a")
    history = reverse("admin:articles_article_history", args=[story.pk])
    assert history in [a.get("href") for a in page.cssselect("#content-main a")]
    assert "ask an editor" in page.cssselect("#content-main")[0].text_content()
    old_form = form_data(story, headline="Sneaky", status="draft")
    old_form["edit_version"] = oldest.field_dict["modified_at"].isoformat()
    response = client.post(url, old_form)

    assert response.status_code == 403
    story.refresh_from_db()
    assert story.headline == "Tide gauges back online after a week"


def test_a_preview_keeps_no_version(client, people):
    story = complete_story(status=Article.Status.DRAFT)
    client.force_login(people["editor"])

    client.post(
        reverse("admin:articles_article_preview", args=[story.pk]),
        form_data(story, headline="Only a preview"),
    )

    assert not versions(story).exists()


def test_a_comparison_shows_paragraphs_pull_quotes_and_placed_pictures():
    from articles.revisions import readable_body, token_diff, words

    before = readable_body("<p>One two.</p><p>Three.</p>")
    after = readable_body(
        '<p>One two.</p><aside class="pull-quote">Lifted.</aside>'
        '<figure data-image-id="7"></figure><p>Three.</p>'
    )

    marked = lxml.html.fromstring(
        f"<div>{token_diff(words(before), words(after))}</div>"
    )
    assert marked.cssselect("ins")[0].text.split("\n") == [
        "Pull quote: Lifted. ",
        " [Picture 7] ",
        "",
    ]
    assert not marked.cssselect("del")


def make_byline(story, user):
    author = make_author(name=user.get_username().title(), user=user)
    story.bylines.create(author=author, position=9)


def test_a_story_without_versions_has_a_history_page(client, people):
    story = complete_story()
    client.force_login(people["editor"])

    response = client.get(reverse("admin:articles_article_history", args=[story.pk]))

    assert response.status_code == 200
    assert "No versions are kept yet" in response.content.decode()


def test_versions_saved_by_no_one_compare_naming_no_one(client, people):
    """A version made outside the admin (a script, reversion's
    createinitialrevisions) has no user: its history and comparison still show,
    with a dash for who saved it."""
    import reversion

    story = complete_story(headline="Tide gauges go quiet")
    for headline in ["Tide gauges go quiet", "Tide gauges back"]:
        story.headline = headline
        with reversion.create_revision():
            story.save()
    newer, older = versions(story)[:2]
    client.force_login(people["editor"])

    history = client.get(reverse("admin:articles_article_history", args=[story.pk]))
    compare = client.get(
        reverse("admin:articles_article_compare", args=[story.pk]),
        {"from": older.pk, "to": newer.pk},
    )

    assert history.status_code == compare.status_code == 200
    intro = lxml.html.fromstring(compare.content.decode()).cssselect(
        "#content-main > p"
    )[0]
    assert intro.text_content().count("by —") == 2


def test_only_editors_see_and_recover_deleted_stories(client, people):
    story = complete_story(status=Article.Status.DRAFT, body="<p>Secret plans.</p>")
    client.force_login(people["editor"])
    client.post(
        reverse("admin:articles_article_change", args=[story.pk]), form_data(story)
    )
    (version,) = versions(story)
    story.delete()
    recover_list = reverse("admin:articles_article_recoverlist")
    recover = reverse("admin:articles_article_recover", args=[version.pk])

    client.force_login(people["writer"])
    assert client.get(recover_list).status_code == 403
    assert client.get(recover).status_code == 403

    client.force_login(people["editor"])
    assert client.get(recover_list).status_code == 200
    assert "Secret plans." in client.get(recover).content.decode()


def test_versions_saved_by_code_compare_too(client, people):
    """A version kept outside the admin (a script, a command) has no saver: the
    comparison says so with a dash rather than failing."""
    story = complete_story(headline="First")
    for headline in ["First", "Second"]:
        story.headline = headline
        with reversion.create_revision():
            story.save()
    newer, older = versions(story)
    client.force_login(people["editor"])

    response = client.get(
        reverse("admin:articles_article_compare", args=[story.pk]),
        {"from": older.pk, "to": newer.pk},
    )

    assert response.status_code == 200
    intro = lxml.html.fromstring(response.content.decode()).cssselect(
        "#content-main > p"
    )[0]
    assert " by — to the one saved " in " ".join(intro.text_content().split())
