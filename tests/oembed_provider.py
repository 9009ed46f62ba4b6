"""A small oEmbed provider of the tests' own, on a free local port: the real
providers' answers as recorded in oembed_answers/, posts of its own, and the broken
and hostile answers a provider on the internet might give. No test reaches the
internet.

GET /oembed/<name>?url=…  answers with oembed_answers/<name>.json, or with the
                          answer a test set for that address (`answer_for`)
GET /frame/<slug>         a page to show in a frame (the "player")
GET /embed.js             the provider's script: fills its posts' blockquotes
GET /thumb/<name>         a thumbnail: picture.jpg (a photo with a GPS position in
                          its EXIF), moved.jpg (a redirect to another origin),
                          broken.jpg (not a picture)
"""

import contextlib
import io
import json
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from .services import QuietHandler, serve

ANSWERS = Path(__file__).parent / "oembed_answers"

SCRIPT = """document.querySelectorAll("blockquote.local-post").forEach(function (q) {
  q.dataset.rendered = "yes";
});"""


def recorded(name):
    """A recorded answer (a real provider's shape), as a dict."""
    return json.loads((ANSWERS / f"{name}.json").read_text())


class OEmbedProvider:
    def __init__(self):
        self.answers = {}  # address: (status, body text, delay in seconds)
        self.requests = []  # the addresses asked about, in order
        self.thumbnail_requests = []  # the thumbnails' paths asked for
        provider = self

        class Handler(QuietHandler):
            def do_GET(self):
                parts = urlsplit(self.path)
                if parts.path.startswith("/oembed/"):
                    return self.oembed(parts)
                if parts.path.startswith("/frame/"):
                    body = (
                        "<!doctype html><title>Player</title>"
                        f"<p id=player>Playing {parts.path[7:]}</p>"
                    )
                    return self.send(200, body, "text/html")
                if parts.path == "/embed.js":
                    return self.send(200, SCRIPT, "text/javascript")
                if parts.path.startswith("/thumb/"):
                    provider.thumbnail_requests.append(parts.path)
                    return self.thumbnail(parts.path.removeprefix("/thumb/"))
                return self.send(404, "not here", "text/plain")

            def oembed(self, parts):
                url = parse_qs(parts.query).get("url", [""])[0]
                provider.requests.append(url)
                status, body, delay = provider.answers.get(url, (None, None, 0))
                if delay:
                    time.sleep(delay)
                if status is None:
                    name = parts.path.removeprefix("/oembed/")
                    try:
                        status, body = 200, json.dumps(recorded(name))
                    except FileNotFoundError:
                        status, body = 404, "Not Found"
                self.send(
                    status,
                    body.replace("{origin}", provider.origin),
                    "application/json",
                )

            def thumbnail(self, name):
                if name == "picture.jpg":
                    return self.send(200, thumbnail_picture(), "image/jpeg")
                if name == "moved.jpg":
                    self.send_response(302)
                    self.send_header("Location", "http://198.51.100.7/x.jpg")
                    self.send_header("Content-Length", "0")
                    return self.end_headers()
                return self.send(200, "<html>not a picture</html>", "image/jpeg")

            def send(self, status, body, content_type):
                data = body if isinstance(body, bytes) else body.encode()
                self.send_response(status)
                self.send_header("Content-Type", f"{content_type}; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                # The client may have given up waiting (the timeout tests).
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(data)

        self.handler = Handler
        self.server = None

    @property
    def origin(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def endpoint(self, name):
        return f"{self.origin}/oembed/{name}"

    def answer_for(self, url, answer=None, *, status=200, text=None, delay=0):
        """Answer `url` with `answer` (a dict, "{origin}" in its strings replaced by
        this provider's), or `text` as it is, after `delay` seconds."""
        body = text if text is not None else json.dumps(answer)
        self.answers[url] = (status, body, delay)

    def start(self):
        self.server = serve(self.handler)
        return self

    def stop(self):
        self.server.stop()


def providers_for(server):
    """The standard provider list, each endpoint answered by `server` from recorded
    answers, and a provider of its own ("Local Posts", posts.example addresses) whose
    frames and script come from the server itself."""
    from newsroom.embed_providers import STANDARD_PROVIDERS

    names = {
        "YouTube": "youtube",
        "Vimeo": "vimeo",
        "X": "x",
        "Instagram": "instagram",
        "TikTok": "tiktok",
        "Bluesky": "bluesky",
        "Mastodon": "mastodon",
        "SoundCloud": "soundcloud",
        "Spotify": "spotify",
        "Datawrapper": "datawrapper",
        "Flourish": "flourish",
        "DocumentCloud": "documentcloud",
    }
    # The real providers' thumbnails are on the internet: not fetched here.
    providers = [
        {**entry, "endpoint": server.endpoint(names[entry["name"]]), "thumbnails": []}
        if entry["endpoint"]
        else entry
        for entry in STANDARD_PROVIDERS
    ]
    providers.append(
        {
            "name": "Local Posts",
            "endpoint": server.endpoint("local"),
            "urls": [r"^https://posts\.example/\S+"],
            "frames": [server.origin],
            "scripts": [server.origin],
            "classes": ["local-post"],
            "thumbnails": [server.origin],
        }
    )
    return providers


def thumbnail_picture():
    """A 1280 x 720 JPEG whose EXIF names a place (GPS) and a camera."""
    from PIL import Image

    picture = Image.new("RGB", (1280, 720), (40, 90, 140))
    exif = Image.Exif()
    exif[0x0110] = "Provider Cam 9"  # Model
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}  # GPS
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()
