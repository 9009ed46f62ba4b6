"""
The demo's story with embeds, a table and a gallery: how the seawall vote looks in
a story that embeds a video, a post, a chart and a map. The providers' answers are
written here for the demo (no internet is needed to run it), and kept as any editor's
embed would be, cleaned by the same allow-list.
"""

from datetime import timedelta

import reversion

from articles.galleries import snippet as gallery
from articles.models import Article, Byline
from embeds import providers, thumbnails
from embeds.body import snippet as embed
from embeds.fetching import apply_answer, fetch_embed
from embeds.models import Embed

from .pictures import draw_scene, jpeg_bytes, save_gallery

SLUG = "the-seawall-vote-in-pictures-posts-and-numbers"
VIDEO = "https://www.youtube.com/watch?v=dQw4PortEll"
POST = "https://bsky.app/profile/tides.portellery.example/post/3kx2demo"
CHART = "https://datawrapper.dwcdn.net/pE1sw/1/"
MAP = "https://www.google.com/maps/embed?pb=!1m14!1m12!1m3!1d5000!2d-70.25!3d43.65"

ANSWERS = {
    VIDEO: {
        "type": "video",
        "title": "How a seawall is built, in four minutes",
        "author_name": "Port Ellery Engineering",
        "provider_name": "YouTube",
        "width": 560,
        "height": 315,
        "html": '<iframe width="560" height="315" '
        'src="https://www.youtube-nocookie.com/embed/dQw4PortEll" '
        'allow="encrypted-media; picture-in-picture" allowfullscreen></iframe>',
    },
    POST: {
        "type": "rich",
        "author_name": "Port Ellery Tides",
        "provider_name": "Bluesky Social",
        "title": "High tide at 7:42 tonight, a foot above the forecast.",
        "html": '<blockquote class="bluesky-embed" '
        'data-bluesky-uri="at://did:plc:demo/app.bsky.feed.post/3kx2demo">'
        "<p>High tide at 7:42 tonight, a foot above the forecast. The old pier "
        "is under water again.</p>&mdash; Port Ellery Tides</blockquote>"
        '<script async src="https://embed.bsky.app/static/embed.js"></script>',
    },
    CHART: {
        "type": "rich",
        "provider_name": "Datawrapper",
        "title": "Sea level at Port Ellery, 1950–2024",
        "width": 600,
        "height": 400,
        "html": '<iframe title="Sea level" src="https://datawrapper.dwcdn.net/'
        'pE1sw/1/" width="600" height="400"></iframe>',
    },
}

TABLE = (
    "<table><caption>What each plan costs and protects</caption><tbody>"
    "<tr><th><p>Plan</p></th><th><p>Height</p></th><th><p>Cost</p></th>"
    "<th><p>Homes protected</p></th></tr>"
    "<tr><th><p>Repair the old wall</p></th><td><p>6 ft</p></td>"
    "<td><p>$18 million</p></td><td><p>1,900</p></td></tr>"
    "<tr><th><p>Raise it two feet</p></th><td><p>8 ft</p></td>"
    "<td><p>$61 million</p></td><td><p>3,400</p></td></tr>"
    "<tr><th><p>Living shoreline</p></th><td><p>marsh and dunes</p></td>"
    "<td><p>$44 million</p></td><td><p>2,700</p></td></tr>"
    "</tbody></table>"
)

GALLERY = [
    (
        "harbor",
        "The harbor at high water, seen from the ferry landing.",
        "Mara Ellis/Port Ellery Daily",
    ),
    (
        "coast",
        "Dunes north of the old pier, where the living shoreline would go.",
        "Jon Park/Port Ellery Daily",
    ),
    ("city", "Water Street, two blocks from the wall.", "Mara Ellis/Port Ellery Daily"),
    (
        "night",
        "The pier lights on the night of the vote.",
        "Ana Lopes/Harbor Photo Agency",
    ),
]


def demo_embed(url):
    """The embed with the demo's answer, or asked of the provider when it needs no
    one (a map's address is its own frame)."""
    if url not in ANSWERS:
        return fetch_embed(url)
    embed, _created = Embed.objects.get_or_create(url=url)
    apply_answer(embed, ANSWERS[url], providers.provider_for(url))
    if url == VIDEO and not embed.thumbnail:
        # The video's still, drawn for the demo: a real one is fetched from the
        # provider's own picture server with its answer (embeds/thumbnails.py).
        still = jpeg_bytes(draw_scene("coast", seed="seawall-video"))
        embed.thumbnail.name, embed.thumbnail_width, embed.thumbnail_height = (
            thumbnails.store(still)
        )
    embed.save()
    return embed


def seed_embeds_story(categories, authors, report, now, save_picture):
    """Add the demo story with embeds, a table and a gallery, unless it is there."""
    if Article.objects.filter(slug=SLUG).exists():
        report.skipped.append(SLUG)
        return None
    for url in [VIDEO, POST, CHART, MAP]:
        demo_embed(url)
    pictures = save_gallery(save_picture, GALLERY, name=f"gallery-{SLUG}")
    body = (
        "<p>The council votes tonight on the seawall, and the choice is not only "
        "about height. Here is the argument in the city's own numbers, the "
        "engineers' video and what residents posted as the tide came in.</p>"
        f"{embed(VIDEO)}"
        "<h2>Three plans</h2>"
        "<p>Each plan protects a different number of homes, at a different price.</p>"
        f"{TABLE}"
        "<p>The tide gauge at the ferry landing has risen for seventy years.</p>"
        f"{embed(CHART)}"
        "<h2>The night of the king tide</h2>"
        f"{embed(POST)}"
        f"{gallery([p.pk for p in pictures])}"
        "<h2>Where the wall runs</h2>"
        f"{embed(MAP)}"
        "<p>The vote is at 7 p.m. in the council chamber.</p>"
    )
    with reversion.create_revision():
        article = _create_story(body, pictures, categories, authors, now)
        reversion.set_comment("Loaded with the demo newsroom.")
        reversion.add_to_revision(article)  # with its byline and tags
    report.articles += 1
    report.images += len(pictures)
    return article


def _create_story(body, pictures, categories, authors, now):
    article = Article.objects.create(
        headline="The seawall vote, in pictures, posts and numbers",
        slug=SLUG,
        dek="A video, a chart, a table and the night of the king tide.",
        body=body,
        lead_image=pictures[0],
        primary_category=next(iter(categories.values())),
        status=Article.Status.PUBLISHED,
        published_at=now - timedelta(minutes=30),
    )
    Byline.objects.create(
        article=article,
        author=next(iter(authors.values())),
        role=Byline.Role.AUTHOR,
        position=0,
    )
    article.tags.add("seawall", "king tide")
    return article
