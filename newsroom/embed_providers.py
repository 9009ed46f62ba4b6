"""
The oEmbed providers a story may embed from: NEWSROOM_EMBED_PROVIDERS in settings.

Each provider says
- `name`: what readers see on the placeholder ("YouTube");
- `endpoint`: its oEmbed address, asked once when an editor adds the embed; None for
  a provider without oEmbed, whose pasted address is itself the frame to show
  (Google Maps' "embed a map" address), titled `title`;
- `urls`: the addresses it answers for, as regular expressions anchored at the start
  (the editor tests them in JavaScript too, so keep to the syntax both share);
- `frames` and `scripts`: the origins its frames and its script may come from. Embed
  HTML naming any other is cut down to a link, and these origins, no others, are
  allowed by the public pages' Content-Security-Policy;
- `classes` (optional): the classes by which its script finds its posts
  (`<blockquote class="twitter-tweet">`), kept on them;
- `thumbnails` (optional): the origins its answers' thumbnails may be fetched from,
  once, with the answer, to be shown on the placeholder from this site
  (embeds/thumbnails.py); a thumbnail anywhere else is not fetched;
- `params` (optional): query parameters the endpoint needs (an access token).

A newsroom adds its own (its Mastodon server, a chart tool) by appending to the list
in settings.
"""

import os

STANDARD_PROVIDERS = [
    {
        "name": "YouTube",
        "endpoint": "https://www.youtube.com/oembed",
        "urls": [
            r"^https?://(www\.|m\.)?youtube\.com/(watch\?|shorts/|live/)\S+",
            r"^https?://youtu\.be/\S+",
        ],
        "frames": ["https://www.youtube.com", "https://www.youtube-nocookie.com"],
        "scripts": [],
        "thumbnails": ["https://i.ytimg.com"],
    },
    {
        "name": "Vimeo",
        "endpoint": "https://vimeo.com/api/oembed.json",
        "urls": [
            r"^https?://(www\.)?vimeo\.com/\d+\S*",
            r"^https?://player\.vimeo\.com/video/\d+\S*",
        ],
        "frames": ["https://player.vimeo.com"],
        "scripts": [],
        "thumbnails": ["https://i.vimeocdn.com"],
    },
    {
        "name": "X",
        "endpoint": "https://publish.twitter.com/oembed",
        "urls": [r"^https?://(www\.|mobile\.)?(twitter|x)\.com/\w+/status/\d+\S*"],
        "frames": ["https://platform.twitter.com"],
        "scripts": ["https://platform.twitter.com"],
        "classes": ["twitter-tweet"],
        "params": {"dnt": "true"},
    },
    {
        "name": "Instagram",
        # Meta's oEmbed asks for an app's access token.
        "endpoint": "https://graph.facebook.com/v21.0/instagram_oembed",
        "urls": [r"^https?://(www\.)?instagram\.com/(p|reel|tv)/[\w-]+\S*"],
        "frames": ["https://www.instagram.com"],
        "scripts": ["https://www.instagram.com"],
        "classes": ["instagram-media"],
        "params": {"access_token": os.environ.get("NEWSROOM_OEMBED_META_TOKEN", "")},
    },
    {
        "name": "TikTok",
        "endpoint": "https://www.tiktok.com/oembed",
        "urls": [r"^https?://(www\.)?tiktok\.com/@[\w.-]+/video/\d+\S*"],
        "frames": ["https://www.tiktok.com"],
        "scripts": ["https://www.tiktok.com"],
        "classes": ["tiktok-embed"],
    },
    {
        "name": "Bluesky",
        "endpoint": "https://embed.bsky.app/oembed",
        "urls": [r"^https?://bsky\.app/profile/[^/\s]+/post/\w+"],
        "frames": ["https://embed.bsky.app"],
        "scripts": ["https://embed.bsky.app"],
        "classes": ["bluesky-embed"],
    },
    {
        "name": "Mastodon",
        "endpoint": "https://mastodon.social/api/oembed",
        "urls": [r"^https?://mastodon\.social/@\w+/\d+"],
        "frames": ["https://mastodon.social"],
        "scripts": ["https://mastodon.social"],
        "classes": ["mastodon-embed"],
    },
    {
        "name": "SoundCloud",
        "endpoint": "https://soundcloud.com/oembed",
        "urls": [r"^https?://(www\.|m\.)?soundcloud\.com/[\w-]+/\S+"],
        "frames": ["https://w.soundcloud.com"],
        "scripts": [],
        "thumbnails": ["https://i1.sndcdn.com"],
    },
    {
        "name": "Spotify",
        "endpoint": "https://open.spotify.com/oembed",
        "urls": [
            r"^https?://open\.spotify\.com/(track|album|playlist|episode|show|artist)/\S+"
        ],
        "frames": ["https://open.spotify.com"],
        "scripts": [],
        "thumbnails": ["https://i.scdn.co", "https://image-cdn-ak.spotifycdn.com"],
    },
    {
        "name": "Datawrapper",
        "endpoint": "https://api.datawrapper.de/v3/oembed",
        "urls": [r"^https?://datawrapper\.dwcdn\.net/\w+\S*"],
        "frames": ["https://datawrapper.dwcdn.net"],
        "scripts": [],
    },
    {
        "name": "Flourish",
        "endpoint": "https://app.flourish.studio/api/v1/oembed",
        "urls": [r"^https?://public\.flourish\.studio/(visualisation|story)/\d+\S*"],
        "frames": ["https://flo.uri.sh"],
        "scripts": [],
    },
    {
        "name": "DocumentCloud",
        "endpoint": "https://api.www.documentcloud.org/api/oembed/",
        "urls": [
            r"^https?://(www\.)?documentcloud\.org/documents/\S+",
            r"^https?://embed\.documentcloud\.org/documents/\S+",
        ],
        "frames": ["https://embed.documentcloud.org"],
        "scripts": [],
    },
    {
        "name": "Google Maps",
        "endpoint": None,
        "title": "Map",
        "urls": [r"^https://www\.google\.com/maps/embed\?\S+"],
        "frames": ["https://www.google.com"],
        "scripts": [],
    },
]


def origins(providers, kind, extra=()):
    """`extra` and every origin the providers' `kind` ("frames" or "scripts") may
    come from, each once."""
    listed = (origin for provider in providers for origin in provider[kind])
    return list(dict.fromkeys([*extra, *listed]))
