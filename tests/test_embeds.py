"""Embeds: a listed provider's answer is asked once when an editor adds an address,
kept with the story, and shown to readers as a light placeholder whose frame or post
loads only when they ask. Broken, slow and hostile providers leave a plain link.
Every provider here is the tests' own (oembed_provider.py), answering with recorded
answers of the real providers' shapes: no test reaches the internet."""

import io
import json

import lxml.html
import pytest
from django.urls import reverse
from PIL import Image as PILImage

from common.times import newsroom_time
from embeds.body import snippet
from embeds.fetching import fetch_embed
from embeds.models import Embed

from .factories import make_article

pytestmark = pytest.mark.django_db

YOUTUBE = "https://www.youtube.com/watch?v=aBcDeFgHiJk"
POST = "https://posts.example/rosa/1"

# One address per listed provider, and the origin its frame or script must have.
PROVIDER_ADDRESSES = {
    "YouTube": (YOUTUBE, "https://www.youtube.com"),
    "Vimeo": ("https://vimeo.com/76979871", "https://player.vimeo.com"),
    "X": (
        "https://x.com/PortElleryNews/status/1790000000000000000",
        "https://platform.twitter.com",
    ),
    "Instagram": (
        "https://www.instagram.com/p/C7abcDEfgHi/",
        "https://www.instagram.com",
    ),
    "TikTok": (
        "https://www.tiktok.com/@ferrydiaries/video/7300000000000000000",
        "https://www.tiktok.com",
    ),
    "Bluesky": (
        "https://bsky.app/profile/tides.portellery.example/post/3kx2abc",
        "https://embed.bsky.app",
    ),
    "Mastodon": (
        "https://mastodon.social/@harborwatch/112000000000000000",
        "https://mastodon.social",
    ),
    "SoundCloud": (
        "https://soundcloud.com/portelleryradio/harbor-hour-12",
        "https://w.soundcloud.com",
    ),
    "Spotify": (
        "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC",
        "https://open.spotify.com",
    ),
    "Datawrapper": (
        "https://datawrapper.dwcdn.net/aBc12/3/",
        "https://datawrapper.dwcdn.net",
    ),
    "Flourish": (
        "https://public.flourish.studio/visualisation/1234567/",
        "https://flo.uri.sh",
    ),
    "DocumentCloud": (
        "https://www.documentcloud.org/documents/24000000-seawall-report",
        "https://embed.documentcloud.org",
    ),
    "Google Maps": (
        "https://www.google.com/maps/embed?pb=!1m18!1m12",
        "https://www.google.com",
    ),
}


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return lxml.html.fromstring(response.content)


def frame_sources(html):
    return [
        f.get("src")
        for f in lxml.html.fragment_fromstring(html, create_parent=True).iter("iframe")
    ]


@pytest.mark.parametrize("name", list(PROVIDER_ADDRESSES))
def test_each_listed_provider_answer_is_kept_with_frames_from_its_own_origin(
    provider, name
):
    """Each listed provider's recorded answer becomes an embed: its title and
    kind kept, its frame sandboxed and from its listed origin, or its script's
    address from its listed origin kept apart from the HTML."""
    url, origin = PROVIDER_ADDRESSES[name]
    embed = fetch_embed(url)
    assert embed.error == ""
    assert embed.provider_name == name
    assert embed.fetched_at is not None
    assert "<script" not in embed.html
    sources = frame_sources(embed.html)
    if sources:
        assert all(source.startswith(origin + "/") for source in sources)
        tree = lxml.html.fragment_fromstring(embed.html, create_parent=True)
        for frame in tree.iter("iframe"):
            assert "allow-scripts" in frame.get("sandbox")
            assert "allow-top-navigation" not in frame.get("sandbox")
            assert frame.get("title")
            assert frame.get("style") is None
    else:
        assert embed.script_url.startswith(origin + "/")


def test_an_answer_is_asked_once_and_again_only_on_request(provider):
    fetch_embed(YOUTUBE)
    fetch_embed(YOUTUBE)
    assert provider.requests == [YOUTUBE]
    provider.answer_for(
        YOUTUBE,
        {
            "type": "video",
            "title": "Renamed",
            "html": (
                '<iframe src="https://www.youtube.com/embed/aBcDeFgHiJk"></iframe>'
            ),
        },
    )
    assert fetch_embed(YOUTUBE, refresh=True).title == "Renamed"
    assert provider.requests == [YOUTUBE, YOUTUBE]


HOSTILE = {
    "type": "rich",
    "title": "Totally a post",
    "html": (
        '<iframe src="{origin}/frame/ok" onload="alert(1)" style="position:fixed">'
        "</iframe>"
        '<iframe src="https://evil.example/steal"></iframe>'
        '<iframe src="javascript:alert(2)"></iframe>'
        '<blockquote class="local-post evil"><p>Words '
        '<a href="javascript:alert(3)">link</a>'
        '<img src="x" onerror="alert(4)"></p></blockquote>'
        '<script src="https://evil.example/owned.js"></script>'
        "<script>alert(5)</script>"
        '<script src="{origin}/embed.js"></script>'
    ),
}


def test_hostile_answer_is_neutralised(provider):
    """A script from another origin, javascript: addresses, event handlers and
    styles never get through; the provider's own frame and script do."""
    provider.answer_for(POST, HOSTILE)
    embed = fetch_embed(POST)
    assert embed.error == ""
    assert frame_sources(embed.html) == [f"{provider.origin}/frame/ok"]
    for bad in ["evil.example", "javascript:", "onload", "onerror", "alert", "style"]:
        assert bad not in embed.html
    assert "<img" not in embed.html
    assert embed.script_url == f"{provider.origin}/embed.js"


def test_answer_with_only_foreign_frames_and_scripts_leaves_a_link(provider, client):
    provider.answer_for(
        POST,
        {
            "type": "rich",
            "title": "Nothing of ours",
            "html": '<iframe src="https://evil.example/x"></iframe>'
            '<script src="https://evil.example/x.js"></script>',
        },
    )
    embed = fetch_embed(POST)
    assert "sent nothing this site can show" in embed.error
    story = make_article(body=f"<p>Before.</p>{snippet(POST)}")
    tree = page(client, story.get_absolute_url())
    assert [a.get("href") for a in tree.cssselect(".story__body .embed-link a")] == [
        POST
    ]
    assert not tree.cssselect(".story__body figure.embed")
    assert b"evil.example" not in lxml.html.tostring(tree)


@pytest.mark.parametrize(
    "answer, message",
    [
        ({"status": 500, "text": "Internal Server Error"}, "refused this address"),
        ({"status": 404, "text": "Not Found"}, "refused this address"),
        ({"text": "<html>not json</html>"}, "not oEmbed"),
        ({"text": "[1, 2, 3]"}, "not oEmbed"),
        ({"text": json.dumps({"type": "rich"})}, "nothing this site can show"),
        ({"text": "{}", "delay": 1.5}, "did not answer in time"),
    ],
    ids=["down", "gone", "html", "not-an-object", "no-html", "slow"],
)
def test_a_provider_down_slow_or_answering_garbage_leaves_a_message_and_a_link(
    provider, client, answer, message
):
    provider.answer_for(POST, **answer)
    embed = fetch_embed(POST)
    assert message in embed.error
    assert not embed.is_usable
    story = make_article(body=snippet(POST))
    tree = page(client, story.get_absolute_url())
    assert [a.get("href") for a in tree.cssselect(".story__body .embed-link a")] == [
        POST
    ]


def test_a_failed_refresh_keeps_what_the_page_shows(provider, client, people):
    fetch_embed(YOUTUBE)
    provider.answer_for(YOUTUBE, status=503, text="down")
    embed = fetch_embed(YOUTUBE, refresh=True)
    assert "refused" in embed.error
    assert embed.is_usable
    assert embed.title == "How a seawall is built, in four minutes"
    client.force_login(people["editor"])
    message = fetch(client, YOUTUBE, refresh=True).json()["message"]
    assert message.startswith("YouTube refused this address (HTTP 503). The page ")
    assert message.endswith(f"{newsroom_time(embed.fetched_at)}.")


def test_editors_ask_again_from_the_embeds_list(provider, client, people):
    """The Embeds list in the admin: what each provider said, and an action to ask
    again; writers may look but not change."""
    fetch_embed(YOUTUBE)
    provider.answer_for(POST, status=500, text="down")
    fetch_embed(POST)
    provider.answer_for(POST, HOSTILE)
    changelist = reverse("admin:embeds_embed_changelist")
    client.force_login(people["editor"])
    response = client.post(
        changelist,
        {
            "action": "refresh",
            "_selected_action": list(Embed.objects.values_list("pk", flat=True)),
        },
        follow=True,
    )
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == ["Refreshed."]
    assert Embed.objects.get(url=POST).title == "Totally a post"
    client.force_login(people["writer"])
    assert client.get(changelist).status_code == 200
    asked = len(provider.requests)
    client.post(
        changelist,
        {"action": "refresh", "_selected_action": [Embed.objects.get(url=POST).pk]},
    )
    assert len(provider.requests) == asked
    assert (
        reverse("admin:embeds_embed_add")
        and client.get(reverse("admin:embeds_embed_add")).status_code == 403
    )


def test_readers_see_a_placeholder_and_no_provider_request(provider, client):
    """The page names the provider and title and links to the original; the frame
    waits, inert, in a template, and the page asks no provider for anything."""
    fetch_embed(YOUTUBE)
    story = make_article(body=f"<p>Watch:</p>{snippet(YOUTUBE)}<p>After.</p>")
    tree = page(client, story.get_absolute_url())
    figure = tree.cssselect(".story__body figure.embed")[0]
    assert figure.cssselect(".embed__provider")[0].text_content() == "YouTube"
    title = figure.cssselect(".embed__title a")[0]
    assert title.text_content() == "How a seawall is built, in four minutes"
    assert title.get("href") == YOUTUBE
    assert figure.cssselect(".embed__actions")[0].get("hidden") is not None
    # Nothing outside the inert template loads from the provider.
    live = [
        el
        for el in tree.iter("iframe", "img", "script")
        if next(el.iterancestors("template"), None) is None
    ]
    for element in live:
        assert "youtube" not in (element.get("src") or "")
    template = figure.cssselect("template")[0]
    assert 'src="https://www.youtube.com/embed/aBcDeFgHiJk' in lxml.html.tostring(
        template, encoding="unicode"
    )
    scripts = [s.get("src") for s in tree.cssselect(".story__body script")]
    assert scripts == ["/static/js/story-blocks.js"]


def test_an_address_no_longer_listed_becomes_a_link(provider, client, settings):
    fetch_embed(YOUTUBE)
    story = make_article(body=snippet(YOUTUBE))
    settings.NEWSROOM_EMBED_PROVIDERS = [
        p for p in settings.NEWSROOM_EMBED_PROVIDERS if p["name"] != "YouTube"
    ]
    tree = page(client, story.get_absolute_url())
    assert not tree.cssselect("figure.embed")
    assert tree.cssselect(".embed-link a")[0].get("href") == YOUTUBE


def test_story_page_with_embeds_pictures_and_galleries_stays_flat(
    provider, client, django_assert_max_num_queries
):
    """One query more than a plain story, for the embeds, however many."""
    urls = [YOUTUBE, POST, PROVIDER_ADDRESSES["Spotify"][0]]
    for url in urls:
        fetch_embed(url)
    story = make_article(body="".join(snippet(url) for url in urls))
    with django_assert_max_num_queries(7):
        page(client, story.get_absolute_url())


# The story editor's request (the admin endpoint).


def fetch(client, url, refresh=False):
    data = {"url": url, **({"refresh": "1"} if refresh else {})}
    return client.post(reverse("admin:embeds_embed_fetch"), data)


def test_a_writer_adds_an_embed_from_the_editor(provider, client, people):
    client.force_login(people["writer"])
    response = fetch(client, YOUTUBE)
    assert response.status_code == 200
    answer = response.json()
    assert answer["ok"] is True
    assert answer["message"] == "YouTube: How a seawall is built, in four minutes"
    assert Embed.objects.get(url=YOUTUBE).provider_name == "YouTube"


def test_the_editor_is_told_clearly_when_a_provider_fails(provider, client, people):
    client.force_login(people["writer"])
    provider.answer_for(POST, text="garbage")
    answer = fetch(client, POST).json()
    assert answer["ok"] is False
    assert answer["message"] == (
        "Local Posts answered with something that is not oEmbed. "
        "Readers will see a plain link."
    )


def test_unlisted_and_malformed_addresses_are_refused_and_nothing_is_kept(
    provider, client, people
):
    client.force_login(people["editor"])
    for url in [
        "https://example.org/page",
        "javascript:alert(1)",
        "not a url",
        YOUTUBE + "\x00b",  # PostgreSQL refuses a NUL in any string
    ]:
        response = fetch(client, url)
        assert response.status_code == 400
        assert response.json()["message"]
    assert not Embed.objects.exists()
    assert provider.requests == []


def test_only_editors_ask_a_provider_again(provider, client, people):
    """A writer adds embeds; asking again changes the embed on every story that
    shows it, published ones too, so that is an editor's call."""
    client.force_login(people["writer"])
    fetch(client, YOUTUBE)
    provider.answer_for(
        YOUTUBE,
        {
            "type": "video",
            "title": "Renamed",
            "html": '<iframe src="https://www.youtube.com/embed/x"></iframe>',
        },
    )
    refused = fetch(client, YOUTUBE, refresh=True)
    assert refused.status_code == 403
    assert "Only editors" in refused.json()["message"]
    assert Embed.objects.get(url=YOUTUBE).title != "Renamed"
    client.force_login(people["editor"])
    assert fetch(client, YOUTUBE, refresh=True).json()["title"] == "Renamed"


def test_only_those_who_write_stories_may_ask_providers(provider, client, people):
    client.force_login(people["photo editor"])
    response = fetch(client, YOUTUBE)
    assert response.status_code == 403
    assert "ask an editor" in response.json()["message"]
    assert provider.requests == []
    client.logout()
    assert fetch(client, YOUTUBE).status_code == 302  # to the admin's login
    assert provider.requests == []


def test_feeds_carry_a_plain_link_for_each_embed(provider, client):
    import feedparser

    fetch_embed(YOUTUBE)
    make_article(headline="Watch this", body=f"<p>Look.</p>{snippet(YOUTUBE)}")
    feed = feedparser.parse(client.get("/rss/index.xml").content)
    content = lxml.html.fragment_fromstring(
        feed.entries[0].content[0].value, create_parent=True
    )
    assert [a.get("href") for a in content.iter("a")] == [YOUTUBE]
    assert not list(content.iter("iframe", "template", "script"))


def test_structured_data_names_the_videos_a_story_embeds(provider, client):
    fetch_embed(YOUTUBE)
    fetch_embed(POST)  # a post, not a video
    story = make_article(body=snippet(YOUTUBE) + snippet(POST))
    tree = page(client, story.get_absolute_url())
    data = [
        json.loads(s.text) for s in tree.cssselect("script[type='application/ld+json']")
    ]
    article = next(d for d in data if d["@type"] == "NewsArticle")
    assert article["video"] == [
        {
            "@type": "VideoObject",
            "name": "How a seawall is built, in four minutes",
            "url": YOUTUBE,
            "provider": {"@type": "Organization", "name": "YouTube"},
            "thumbnailUrl": "https://i.ytimg.com/vi/aBcDeFgHiJk/hqdefault.jpg",
        }
    ]


def test_asking_again_renders_the_stories_that_embed_it_again(
    provider, client, settings, django_assert_num_queries
):
    """The page cache forgets the public stories showing an embed when its provider
    is asked again, and only those."""
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 600
    fetch_embed(YOUTUBE)
    story = make_article(body=snippet(YOUTUBE))
    other = make_article(body="<p>No embed here.</p>")
    for path in [story.get_absolute_url(), other.get_absolute_url()]:
        client.get(path)
    provider.answer_for(
        YOUTUBE,
        {
            "type": "video",
            "title": "A better title",
            "html": '<iframe src="https://www.youtube.com/embed/x"></iframe>',
        },
    )
    fetch_embed(YOUTUBE, refresh=True)
    with django_assert_num_queries(0):  # still cached
        client.get(other.get_absolute_url())
    tree = page(client, story.get_absolute_url())
    assert tree.cssselect(".embed__title a")[0].text_content() == "A better title"


def test_asking_again_finds_a_story_whose_embed_address_has_an_apostrophe(
    provider, client, settings
):
    """Bodies keep an address's ' as it is (the sanitiser quotes attributes with
    "), so a story embedding it is found by the address as its body writes it."""
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 600
    url = "https://posts.example/rosa/it's-late"
    frame = '<iframe src="{origin}/frame/late"></iframe>'
    provider.answer_for(url, {"type": "rich", "title": "Late", "html": frame})
    fetch_embed(url)
    story = make_article(body=snippet(url))
    assert snippet(url) in story.body
    client.get(story.get_absolute_url())
    provider.answer_for(url, {"type": "rich", "title": "Later", "html": frame})
    fetch_embed(url, refresh=True)
    tree = page(client, story.get_absolute_url())
    assert tree.cssselect(".embed__title a")[0].text_content() == "Later"


def test_the_story_forms_preview_shows_embeds_under_the_story_pages_policy(
    provider, client, people
):
    """Preview is a reader's page under the admin: its embeds load on a click, so it
    has the story pages' policy, not the admin's (which allows no frames)."""
    from articles.models import Article

    from .admin_forms import complete_story, form_data

    fetch_embed(YOUTUBE)
    story = complete_story(status=Article.Status.DRAFT)
    client.force_login(people["editor"])
    response = client.post(
        reverse("admin:articles_article_preview", args=[story.pk]),
        form_data(story, body=f"<p>Typed.</p>{snippet(YOUTUBE)}"),
    )
    assert response.status_code == 200
    tree = lxml.html.fromstring(response.content)
    assert tree.cssselect(".story__body figure.embed .embed__provider")
    policy = response["Content-Security-Policy"]
    assert "frame-src https://www.youtube.com" in policy
    assert "nonce" not in policy
    assert (
        "frame-src 'none'"
        in client.get(reverse("admin:index"))["Content-Security-Policy"]
    )


# Thumbnails.


def answer_with_thumbnail(provider, url, thumbnail):
    provider.answer_for(
        url,
        {
            "type": "rich",
            "title": "A post with a picture",
            "html": '<iframe src="{origin}/frame/post-2"></iframe>',
            "thumbnail_url": thumbnail,
        },
    )


def test_a_thumbnail_is_kept_once_and_served_by_this_site(provider, client, settings):
    """Fetched with the answer, re-encoded without the provider's metadata, and
    served from here: a reader's visit asks the provider for nothing. Browsers keep
    it a year; shared caches, which no purge reaches, as long as a rendition."""
    settings.NEWSROOM_PICTURE_SHARED_SECONDS = 300
    answer_with_thumbnail(provider, POST, "{origin}/thumb/picture.jpg")
    embed = fetch_embed(POST)
    assert provider.thumbnail_requests == ["/thumb/picture.jpg"]
    assert (embed.thumbnail_width, embed.thumbnail_height) == (640, 360)
    story = make_article(body=snippet(POST))
    tree = page(client, story.get_absolute_url())
    image = tree.cssselect(".embed__placeholder img.embed__thumbnail")[0]
    assert (image.get("width"), image.get("height")) == ("640", "360")
    assert image.get("alt") == "" and image.get("loading") == "lazy"
    response = client.get(image.get("src"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == (
        "public, max-age=31536000, immutable, s-maxage=300"
    )
    picture = PILImage.open(io.BytesIO(b"".join(response.streaming_content)))
    assert picture.size == (640, 360)
    assert not picture.getexif()  # no camera, no GPS position
    assert provider.thumbnail_requests == ["/thumb/picture.jpg"]


@pytest.mark.parametrize(
    "thumbnail",
    [
        "https://i.ytimg.com/vi/x/hqdefault.jpg",  # not this provider's origin
        "{origin}/thumb/moved.jpg",  # a redirect elsewhere
        "{origin}/thumb/broken.jpg",  # not a picture
        "javascript:alert(1)",
    ],
)
def test_a_thumbnail_from_elsewhere_or_broken_is_not_kept(provider, client, thumbnail):
    answer_with_thumbnail(provider, POST, thumbnail)
    embed = fetch_embed(POST)
    assert not embed.thumbnail and not embed.error
    story = make_article(body=snippet(POST))
    tree = page(client, story.get_absolute_url())
    assert tree.cssselect(".embed__title a")  # the placeholder, without a picture
    assert not tree.cssselect(".embed img")


def test_a_refresh_whose_thumbnail_fails_keeps_the_one_it_had(provider):
    answer_with_thumbnail(provider, POST, "{origin}/thumb/picture.jpg")
    kept = fetch_embed(POST).thumbnail.name
    answer_with_thumbnail(provider, POST, "{origin}/thumb/broken.jpg")
    assert fetch_embed(POST, refresh=True).thumbnail.name == kept


def test_a_thumbnail_address_that_is_not_kept_is_a_404(client):
    assert client.get("/embeds/" + "0" * 32 + ".jpg").status_code == 404
