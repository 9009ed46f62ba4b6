"""Live coverage: the desk posts, edits, pins, corrects and removes entries; readers
see them on the story page, in its updates endpoint and feed, and in its
LiveBlogPosting data; the page cache throws away only the live story's pages."""

import json
import re
from datetime import timedelta

import feedparser
import lxml.html
import pytest
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article
from delivery.models import Invalidation
from embeds.body import snippet as embed_snippet
from live import services
from live.models import LiveEntry
from photos.models import Image
from readers import dependencies

from .factories import (
    fetch_picture,
    make_article,
    make_author,
    make_category,
    make_image,
    make_video_embed,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def maya():
    return make_author(name="Maya Okafor", slug="maya-okafor")


@pytest.fixture
def story(maya):
    article = make_article(
        headline="Storm live",
        authors=[maya],
        primary_category=make_category(name="Climate", slug="climate"),
    )
    services.start_coverage(
        article=article, by=None, at=timezone.now() - timedelta(hours=2)
    )
    return Article.objects.select_related("live_coverage").get(pk=article.pk)


def post(story, text, *, authors, minutes_ago=0, **kwargs):
    return services.post_entry(
        coverage=story.live_coverage,
        by=None,
        body=f"<p>{text}</p>",
        authors=authors,
        at=timezone.now() - timedelta(minutes=minutes_ago),
        **kwargs,
    )


def tree_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return lxml.html.fromstring(response.content)


def entry_texts(tree):
    return [
        e.text_content().strip()
        for e in tree.cssselect(".live__entries .live-entry__body")
    ]


def key_update_texts(tree):
    return [a.text_content().split("M ", 1)[-1] for a in tree.cssselect(".live__key a")]


# The story page


def test_entries_show_newest_first_and_key_updates_at_the_top(client, story, maya):
    post(story, "Ferries stop.", authors=[maya], minutes_ago=30, headline="Ferries")
    post(
        story,
        "Schools close.",
        authors=[maya],
        minutes_ago=10,
        pinned=True,
        headline="Schools closed",
    )
    post(story, "Rain eases.", authors=[maya], minutes_ago=1)
    tree = tree_of(client, story.get_absolute_url())
    assert entry_texts(tree) == ["Rain eases.", "Schools close.", "Ferries stop."]
    assert [
        a.text_content().strip().endswith("Schools closed")
        for a in tree.cssselect(".live__key a")
    ] == [True]
    byline = tree.cssselect(".live-entry__byline a")[0]
    assert (byline.text, byline.get("href")) == ("Maya Okafor", maya.get_absolute_url())
    # Entries are posted at this very moment: their times are valid HTML still
    # (at most three digits of a fraction of a second).
    for time in tree.cssselect(".live time"):
        assert re.fullmatch(
            r"[\d-]{10}T\d\d:\d\d:\d\d[+-]\d\d:\d\d", time.get("datetime")
        )
    # The page works without script: everything is in it; the script is deferred.
    assert tree.cssselect('script[src$="live.js"][defer]')


def test_a_long_coverage_shows_a_page_of_entries_and_links_to_older_ones(
    client, story, maya, settings
):
    """The newest entries, then "Older updates"; a key update that is not on the
    page links to the page of older entries that starts with it."""
    settings.NEWSROOM_LIVE_PAGE_ENTRIES = 3
    pinned = post(story, "Entry 1.", authors=[maya], minutes_ago=50, pinned=True)
    for n in range(2, 8):
        post(story, f"Entry {n}.", authors=[maya], minutes_ago=50 - n)
    newest = tree_of(client, story.get_absolute_url())
    assert entry_texts(newest) == ["Entry 7.", "Entry 6.", "Entry 5."]
    assert newest.cssselect("[data-live-open]")  # the newest page asks for more
    older = newest.cssselect("a[rel=next]")[0].get("href")
    second = tree_of(client, story.get_absolute_url() + older)
    assert entry_texts(second) == ["Entry 4.", "Entry 3.", "Entry 2."]
    assert not second.cssselect("[data-live-open]")  # nothing new comes here
    assert not [s for s in second.iter("script") if "live.js" in (s.get("src") or "")]
    third = tree_of(
        client,
        story.get_absolute_url() + second.cssselect("a[rel=next]")[0].get("href"),
    )
    assert entry_texts(third) == ["Entry 1."]
    assert not third.cssselect("a[rel=next]")
    # The key update, on no page but the third, links to the page it opens.
    link = newest.cssselect(".live__key a")[0].get("href")
    assert link.endswith(f"#entry-{pinned.pk}") and link.startswith("?before=")
    opened = tree_of(client, story.get_absolute_url() + link.split("#")[0])
    assert entry_texts(opened)[0] == "Entry 1."
    assert third.cssselect(".live__key a")[0].get("href") == f"#entry-{pinned.pk}"
    # JSON-LD names the entries of the page it is on.
    data = json.loads(newest.cssselect('script[type="application/ld+json"]')[0].text)
    assert len(data["liveBlogUpdate"]) == 3
    # An older entry pinned now is news to the key updates of an open newest page,
    # not a new entry for it: the page is told it belongs on an older page.
    cursor = newest.cssselect("[data-live-cursor]")[0].get("data-live-cursor")
    old = LiveEntry.objects.get(body="<p>Entry 2.</p>")
    services.set_pinned(entry=old, pinned=True)
    new = post(story, "Entry 8.", authors=[maya])
    changes = {c["id"]: c for c in updates(client, story, cursor).json()["entries"]}
    assert changes[old.pk]["older"] is True
    assert changes[new.pk]["older"] is False


def test_entries_posted_at_the_same_moment_are_all_on_some_page(
    client, story, maya, settings
):
    settings.NEWSROOM_LIVE_PAGE_ENTRIES = 2
    at = timezone.now() - timedelta(minutes=5)
    for n in range(1, 6):
        services.post_entry(
            coverage=story.live_coverage,
            by=None,
            body=f"<p>Same {n}.</p>",
            authors=[maya],
            at=at,
        )
    seen, path = [], story.get_absolute_url()
    while path:
        tree = tree_of(client, path)
        seen += entry_texts(tree)
        older = tree.cssselect("a[rel=next]")
        path = older and story.get_absolute_url() + older[0].get("href")
    assert sorted(seen) == [f"Same {n}." for n in range(1, 6)]


@pytest.mark.parametrize("before", ["abc", "-1", "1-x", "99999999999999999-1", "0-"])
def test_a_page_start_that_is_not_one_is_a_page_all_the_same(client, story, before):
    response = client.get(story.get_absolute_url(), {"before": before})
    assert response.status_code == 200


def test_a_guest_who_only_posts_entries_is_named_not_linked(client, story, maya):
    guest = make_author(name="Ines Barrow", slug="ines-barrow")
    post(story, "Photos from the wall.", authors=[guest, maya])
    byline = tree_of(client, story.get_absolute_url()).cssselect(".live-entry__byline")[
        0
    ]
    assert byline.text_content() == "By Ines Barrow and Maya Okafor"
    assert [a.text for a in byline.cssselect("a")] == ["Maya Okafor"]
    assert client.get(guest.get_absolute_url()).status_code == 404


@pytest.mark.usefixtures("pages_cached")
def test_a_guests_new_name_and_first_story_reach_the_cached_live_page(client, story):
    guest = make_author(name="Ines Barrow", slug="ines-barrow")
    post(story, "Photos from the wall.", authors=[guest])

    def byline():
        found = tree_of(client, story.get_absolute_url())
        return found.cssselect(".live-entry__byline")[0]

    assert byline().text_content() == "By Ines Barrow"
    guest.name = "Ines Barrow-Kent"
    guest.save()
    assert byline().text_content() == "By Ines Barrow-Kent"
    # Her first story of her own: she has a page now, and her name links to it.
    make_article(headline="The wall, a year on", authors=[guest])
    assert [a.text for a in byline().cssselect("a")] == ["Ines Barrow-Kent"]


@pytest.mark.usefixtures("pages_cached")
def test_an_embed_deleted_leaves_the_cached_live_page(client, story, maya):
    embed = make_video_embed()
    address = embed.url
    post(story, f"The surge.</p>{embed_snippet(address)}<p>", authors=[maya])
    url = story.get_absolute_url()
    assert "The seawall" in client.get(url).content.decode()
    embed.delete()
    page = client.get(url).content.decode()
    assert "The seawall" not in page and address in page  # the link alone


def test_a_removed_entry_leaves_the_page_and_the_desk_keeps_who_and_when(
    client, story, maya, people
):
    entry = post(story, "Wrong street named.", authors=[maya])
    services.remove_entry(entry=entry, by=people["editor"])
    assert entry_texts(tree_of(client, story.get_absolute_url())) == []
    entry.refresh_from_db()
    assert entry.removed_by == people["editor"] and entry.removed_at is not None
    client.force_login(people["editor"])
    desk = tree_of(client, reverse("admin:live_composer", args=[story.pk]))
    removed = desk.cssselect(f"#entry-{entry.pk}")[0]
    assert "Removed by editor" in removed.text_content()
    assert "Wrong street named." in removed.text_content()


def test_a_correction_is_printed_under_its_entry(client, story, maya):
    entry = post(story, "Gust of 71 mph.", authors=[maya])
    services.correct_entry(entry=entry, by=None, text="The gauge dates from 1994.")
    tree = tree_of(client, story.get_absolute_url())
    note = tree.cssselect(f"#entry-{entry.pk} .live-entry__correction")[0]
    assert "The gauge dates from 1994." in note.text_content()


def test_an_entry_body_is_cleaned_like_a_story_body(client, story, maya):
    entry = services.post_entry(
        coverage=story.live_coverage,
        by=None,
        body='<p onclick="x()">Safe<script>alert(1)</script></p>',
        authors=[maya],
    )
    assert entry.body == "<p>Safe</p>"
    tree = tree_of(client, story.get_absolute_url())
    assert not tree.cssselect(".live script, .live [onclick]")


def test_an_entry_places_library_pictures_with_caption_and_credit(client, story, maya):
    picture = make_image(caption="Spray over the seawall.", credit="Ines Barrow/HLP")
    services.post_entry(
        coverage=story.live_coverage,
        by=None,
        body=f'<p>Look.</p><figure data-image-id="{picture.pk}"></figure>',
        authors=[maya],
    )
    tree = tree_of(client, story.get_absolute_url())
    caption = tree.cssselect(".live-entry__body figure figcaption")[0].text_content()
    assert "Spray over the seawall." in caption and "Ines Barrow/HLP" in caption
    # The picture is public with the entry: its renditions are served to readers...
    src = tree.cssselect(".live-entry__body figure img")[0].get("src")
    assert fetch_picture(client, src).width > 0
    # ... and the library keeps it while an entry places it.
    assert Image.objects.in_use().filter(pk=picture.pk).exists()
    entry = LiveEntry.objects.get()
    services.remove_entry(entry=entry, by=None)
    assert not Image.objects.public().filter(pk=picture.pk).exists()
    assert Image.objects.in_use().filter(pk=picture.pk).exists()
    services.restore_entry(entry=entry)
    services.edit_entry(
        entry=entry, by=None, revision=1, body="<p>No picture.</p>", authors=[maya]
    )
    assert not Image.objects.in_use().filter(pk=picture.pk).exists()


def test_each_edit_is_kept_as_a_version(story, maya, people):
    entry = post(story, "First words.", authors=[maya])
    services.edit_entry(
        entry=entry,
        by=people["editor"],
        revision=1,
        body="<p>Better.</p>",
        authors=[maya],
    )
    versions = Version.objects.get_for_object(entry)
    assert len(versions) == 2
    assert versions[0].revision.user == people["editor"]
    assert "First words." in versions[1].field_dict["body"]


def test_cards_say_live_while_coverage_is_open(client, story):
    label = "#main .story-card .live-label"
    assert [e.text for e in tree_of(client, "/").cssselect(label)] == ["Live"]
    services.end_coverage(coverage=story.live_coverage)
    assert tree_of(client, "/").cssselect(label) == []
    # The page says it ended, and carries no polling script.
    tree = tree_of(client, story.get_absolute_url())
    assert "ended" in tree.cssselect(".live__status")[0].text_content()
    assert not tree.cssselect('script[src$="live.js"]')


def test_a_draft_live_story_shows_nothing_anywhere(client, maya):
    draft = make_article(status=Article.Status.DRAFT, published_at=None)
    coverage = services.start_coverage(article=draft, by=None)
    services.post_entry(
        coverage=coverage, by=None, body="<p>Secret</p>", authors=[maya]
    )
    for path in [f"/live/{draft.pk}/updates/?since=0", f"/live/{draft.pk}/atom/"]:
        assert client.get(path).status_code == 404


def test_the_live_page_costs_the_same_queries_however_many_entries(
    story, maya, assert_flat_queries
):
    other = make_author()

    def add():
        entry = post(story, "More.", authors=[maya, other], pinned=True)
        services.correct_entry(entry=entry, by=None, text="Fixed.")

    assert_flat_queries(story.get_absolute_url(), add, limit=16)


def test_the_updates_endpoint_costs_the_same_queries_however_many_entries(
    story, maya, assert_flat_queries
):
    def add():
        entry = post(story, "More.", authors=[maya], pinned=True)
        services.correct_entry(entry=entry, by=None, text="Fixed.")

    assert_flat_queries(f"/live/{story.pk}/updates/?since=0", add, limit=8)


# The updates endpoint


def updates(client, story, since, **headers):
    return client.get(f"/live/{story.pk}/updates/", {"since": since}, **headers)


def test_the_page_learns_of_new_entries_edits_and_removals(client, story, maya):
    old = post(story, "Old news.", authors=[maya], minutes_ago=5)
    tree = tree_of(client, story.get_absolute_url())
    cursor = tree.cssselect("[data-live-cursor]")[0].get("data-live-cursor")
    # Changes made well after the page was served (older ones come again, shown once).
    LiveEntry.objects.filter(pk=old.pk).update(
        modified_at=timezone.now() - timedelta(minutes=5)
    )
    cursor = str(round((timezone.now() - timedelta(minutes=1)).timestamp() * 1e6))
    new = post(story, "Breaking.", authors=[maya])
    services.correct_entry(entry=old, by=None, text="A fix.")
    answer = updates(client, story, cursor).json()
    by_id = {change["id"]: change for change in answer["entries"]}
    assert set(by_id) == {new.pk, old.pk}
    assert "Breaking." in by_id[new.pk]["html"]
    assert "A fix." in by_id[old.pk]["html"]
    assert answer["open"] is True and int(answer["cursor"]) > int(cursor)

    services.remove_entry(entry=new, by=None)
    answer = updates(client, story, answer["cursor"]).json()
    removed = [c for c in answer["entries"] if c["id"] == new.pk][0]
    assert removed["removed"] is True and removed["html"] == ""


def test_pinning_reaches_the_key_updates_of_an_open_page(client, story, maya):
    entry = post(
        story, "Mayor asks residents to leave.", authors=[maya], headline="Leave now"
    )
    cursor = updates(client, story, "0").json()["cursor"]
    services.set_pinned(entry=entry, pinned=True)
    answer = updates(client, story, cursor).json()
    assert "Leave now" in answer["key_updates"]


def test_nothing_new_is_a_304(client, story, maya):
    post(story, "Quiet.", authors=[maya])
    first = updates(client, story, "0")
    again = updates(client, story, "0", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    post(story, "Not quiet.", authors=[maya])
    assert (
        updates(client, story, "0", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200
    )


@pytest.mark.parametrize("since", ["abc", "-1", "1" * 40, "١٢"])
def test_a_bad_cursor_is_a_clear_400(client, story, since):
    response = updates(client, story, since)
    assert response.status_code == 400
    assert "digits" in response.json()["error"]


# What changes, where


def test_an_entry_throws_away_only_the_live_story_pages(
    client, story, maya, settings, django_assert_num_queries
):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 600
    other = make_article(headline="Ferry timetable changes")
    updates_path = f"/live/{story.pk}/updates/?since=0"
    for path in ["/", other.get_absolute_url(), story.get_absolute_url(), updates_path]:
        client.get(path)
    newest = Invalidation.objects.order_by("-pk").values_list("pk", flat=True).first()
    post(story, "Tide tops the wall.", authors=[maya])
    keys = {
        key
        for row in Invalidation.objects.filter(pk__gt=newest or 0)
        for key in row.keys.split()
    }
    assert keys == {dependencies.live(story.pk)}
    assert (
        "Tide tops the wall." in client.get(story.get_absolute_url()).content.decode()
    )


def test_the_story_page_and_endpoint_record_the_live_key(client, story, settings):
    header = settings.NEWSROOM_SURROGATE_KEY_HEADER
    for path in [
        story.get_absolute_url(),
        f"/live/{story.pk}/updates/?since=0",
        f"/live/{story.pk}/atom/",
    ]:
        assert dependencies.live(story.pk) in client.get(path)[header].split()
    assert dependencies.live(story.pk) not in client.get("/")[header].split()


def test_an_edge_that_purges_by_path_gets_the_live_story_pages(story):
    """CloudFront forgets paths, not keys: an entry's key names the story page,
    every ?since= of its updates, and its feed; a takedown (the story key) too."""
    from readers.edge_paths import paths_for

    live_pages = [
        story.get_absolute_url(),
        f"/live/{story.pk}/atom/",
        f"/live/{story.pk}/updates/*",
    ]
    assert paths_for({dependencies.live(story.pk)}) == sorted(live_pages)
    assert paths_for({dependencies.story(story.pk)}) == sorted(live_pages)


# Structured data and feed


def test_structured_data_is_a_live_blog_posting_with_its_updates(client, story, maya):
    post(story, "Ferries stop.", authors=[maya], minutes_ago=30, headline="Ferries")
    post(story, "A longer entry without a headline of its own.", authors=[maya])
    gone = post(story, "Removed.", authors=[maya])
    services.remove_entry(entry=gone, by=None)
    tree = tree_of(client, story.get_absolute_url())
    blocks = [
        json.loads(s.text) for s in tree.cssselect('script[type="application/ld+json"]')
    ]
    data = [b for b in blocks if b["@type"] == "LiveBlogPosting"][0]
    assert not [b for b in blocks if b["@type"] == "NewsArticle"]
    assert data["@context"] == "https://schema.org"
    assert data["coverageStartTime"].startswith(
        str(timezone.localtime(story.live_coverage.started_at).date())
    )
    assert "coverageEndTime" not in data
    updates_ = data["liveBlogUpdate"]
    assert [u["@type"] for u in updates_] == ["BlogPosting", "BlogPosting"]
    assert [u["headline"] for u in updates_] == [
        "A longer entry without a headline of its own.",
        "Ferries",
    ]
    for update in updates_:
        assert update["datePublished"] and update["author"][0]["name"] == "Maya Okafor"
        assert update["url"].startswith("http://testserver" + story.get_absolute_url())
    services.end_coverage(coverage=story.live_coverage)
    tree = tree_of(client, story.get_absolute_url())
    data = json.loads(tree.cssselect('script[type="application/ld+json"]')[0].text)
    assert data["coverageEndTime"] >= data["coverageStartTime"]


def test_the_entries_feed_parses_with_each_entry_an_item(client, story, maya):
    lee = make_author(name="Lee Chan", slug="lee-chan")
    first = post(
        story, "Ferries stop.", authors=[maya], minutes_ago=30, headline="Ferries"
    )
    post(story, "Schools close.", authors=[lee, maya], minutes_ago=5)
    services.correct_entry(entry=first, by=None, text="It was the 4:30 ferry.")
    gone = post(story, "Removed words.", authors=[maya])
    services.remove_entry(entry=gone, by=None)
    tree = tree_of(client, story.get_absolute_url())
    feed_url = tree.cssselect('link[type="application/atom+xml"][title^="Live"]')[0]
    parsed = feedparser.parse(client.get(feed_url.get("href")).content)
    assert not parsed.bozo
    assert [e.title for e in parsed.entries] == ["Schools close.", "Ferries"]
    assert [a.name for a in parsed.entries[0].authors] == ["Lee Chan", "Maya Okafor"]
    assert parsed.entries[1].link.endswith(f"#entry-{first.pk}")
    assert "It was the 4:30 ferry." in parsed.entries[1].content[0].value
