"""A live entry carries the same blocks as a story body: a gallery, an embed and a
table render in the entry on the page and in the updates the page polls for, the
feed carries plain links and the gallery's pictures, JSON-LD names the videos, and
the library keeps a gallery's pictures while an entry shows them."""

import json
from datetime import timedelta

import feedparser
import lxml.html
import pytest
from django.utils import timezone

from articles.galleries import snippet as gallery
from embeds.body import snippet as embed
from embeds.fetching import fetch_embed
from live import services
from photos.models import Image

from .factories import fetch_picture, make_article, make_author, make_image
from .test_embeds import YOUTUBE
from .test_tables_and_galleries import TABLE

pytestmark = pytest.mark.django_db


@pytest.fixture
def maya():
    return make_author(name="Maya Okafor", slug="maya-okafor")


@pytest.fixture
def story(maya):
    article = make_article(headline="Storm live", authors=[maya])
    services.start_coverage(
        article=article, by=None, at=timezone.now() - timedelta(hours=1)
    )
    article.refresh_from_db()
    return article


@pytest.fixture
def pictures():
    return [
        make_image(caption="Waves over the pier.", credit="Ines Barrow/HLP"),
        make_image(caption="Sandbags on Front Street.", credit="Tom Reyes/HLP"),
    ]


def post_blocks(story, maya, pictures):
    fetch_embed(YOUTUBE)
    return services.post_entry(
        coverage=story.live_coverage,
        by=None,
        body=(
            "<p>The surge, in pictures and on video.</p>"
            + gallery([p.pk for p in pictures])
            + embed(YOUTUBE)
            + TABLE
        ),
        authors=[maya],
    )


def check_blocks(entry_body, client):
    """The entry's gallery, embed placeholder and table, as readers get them."""
    captions = [f.text_content() for f in entry_body.cssselect(".gallery figcaption")]
    assert "Waves over the pier." in captions[0] and "Ines Barrow/HLP" in captions[0]
    assert "Sandbags on Front Street." in captions[1]
    src = entry_body.cssselect(".gallery img")[0].get("src")
    assert fetch_picture(client, src).width > 0  # public with the entry
    title = entry_body.cssselect(".embed__title a")[0]
    assert title.get("href") == YOUTUBE
    assert title.text_content() == "How a seawall is built, in four minutes"
    # The frame waits, inert, until the reader asks.
    assert entry_body.cssselect("iframe") == entry_body.cssselect("template iframe")
    assert entry_body.cssselect("[role=region] table caption")[0].text_content() == (
        "Ferry fares, 2024"
    )


def test_an_entrys_gallery_embed_and_table_show_on_the_page(
    provider, client, story, maya, pictures
):
    post_blocks(story, maya, pictures)
    tree = lxml.html.fromstring(client.get(story.get_absolute_url()).content)
    check_blocks(tree.cssselect(".live-entry__body")[0], client)
    # The blocks' script once, for these entries and those still to come.
    scripts = [s.get("src") for s in tree.iter("script") if s.get("src")]
    assert len([s for s in scripts if "story-blocks" in s]) == 1


def test_an_entrys_blocks_arrive_with_the_updates_a_page_polls_for(
    provider, client, story, maya, pictures
):
    post_blocks(story, maya, pictures)
    answer = client.get(f"/live/{story.pk}/updates/", {"since": "0"}).json()
    html = lxml.html.fragment_fromstring(answer["entries"][0]["html"])
    check_blocks(html.cssselect(".live-entry__body")[0], client)
    assert not html.cssselect("script")


def test_the_library_keeps_a_galleries_pictures_while_an_entry_shows_them(
    provider, story, maya, pictures
):
    entry = post_blocks(story, maya, pictures)
    in_use = Image.objects.in_use().filter(pk__in=[p.pk for p in pictures])
    assert in_use.count() == 2
    services.edit_entry(
        entry=entry, by=None, revision=1, body="<p>Words only.</p>", authors=[maya]
    )
    assert not in_use.exists()


def test_the_entries_feed_carries_links_and_pictures_not_frames(
    provider, client, story, maya, pictures
):
    post_blocks(story, maya, pictures)
    parsed = feedparser.parse(client.get(f"/live/{story.pk}/atom/").content)
    assert not parsed.bozo
    content = lxml.html.fragment_fromstring(
        parsed.entries[0].content[0].value, create_parent=True
    )
    assert YOUTUBE in [a.get("href") for a in content.iter("a")]
    assert not list(content.iter("iframe", "template", "script"))
    sources = [img.get("src") for img in content.iter("img")]
    assert len(sources) == 2
    assert all(source.startswith("http://testserver/") for source in sources)


def test_structured_data_names_the_video_an_entry_embeds(
    provider, client, story, maya, pictures
):
    post_blocks(story, maya, pictures)
    tree = lxml.html.fromstring(client.get(story.get_absolute_url()).content)
    data = json.loads(tree.cssselect('script[type="application/ld+json"]')[0].text)
    update = data["liveBlogUpdate"][0]
    assert [v["url"] for v in update["video"]] == [YOUTUBE]
    assert "video" not in data  # the story's own body embeds none


def test_asking_the_provider_again_renders_the_live_page_again(
    provider, client, settings, story, maya, pictures
):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 600
    post_blocks(story, maya, pictures)
    client.get(story.get_absolute_url())
    provider.answer_for(
        YOUTUBE,
        {
            "type": "video",
            "title": "The seawall, rebuilt",
            "html": '<iframe src="https://www.youtube.com/embed/x"></iframe>',
        },
    )
    fetch_embed(YOUTUBE, refresh=True)
    tree = lxml.html.fromstring(client.get(story.get_absolute_url()).content)
    title = tree.cssselect(".live-entry__body .embed__title a")[0].text_content()
    assert title == "The seawall, rebuilt"
