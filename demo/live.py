"""
The demo newsroom's live story: a storm coming ashore in Port Ellery, followed by
the desk for the last few hours, still open. A dozen entries, two pinned as key
updates, one corrected and one with a gallery and an embedded post, all written
for the demo.
"""

from datetime import timedelta

import reversion

from articles.galleries import snippet as gallery
from articles.models import Article, Byline
from embeds.body import snippet as embed
from live import services
from live.models import LiveCoverage

from .embeds_story import POST, demo_embed
from .pictures import draw_scene, save_gallery

SLUG = "storm-port-ellery-live"

STORY = {
    "headline": "Storm live: ferries halted and Saltmarsh streets flood as "
    "the nor’easter comes ashore",
    "dek": "Our reporters are following the storm across Port Ellery through the "
    "next high tide. The newest updates are first.",
    "body": "<p>A slow-moving nor’easter is pushing wind-driven water into Port "
    "Ellery’s harbor ahead of the next high tide, due in about six hours. The "
    "city has opened two warming centers and asked Saltmarsh residents on the "
    "waterfront blocks to move their cars to higher ground.</p>"
    "<p>This page updates as the desk posts; you do not need to reload it.</p>",
    "section": "climate",
    "authors": ["maya-okafor", "daniel-reyes"],
}

# Where the Marsh Lane entry's gallery goes, once its pictures are in the library.
GALLERY_HERE = "<p>[gallery]</p>"

# (minutes after the coverage opened, author slugs, headline, body, pinned)
ENTRIES = [
    (
        5,
        ["maya-okafor"],
        "Coverage begins",
        "<p>Gusts at the harbor light reached 52 mph in the last hour, the "
        "National Weather Service says. Rain is steady across the city, heaviest "
        "along the southern shore.</p>",
        False,
    ),
    (
        22,
        ["daniel-reyes"],
        "All harbor ferries stop for the day",
        "<p>The Port Ellery Ferry Authority has cancelled every crossing for "
        "the rest of the day, including the last island run. Passengers already at the "
        "Wharf Street terminal will be taken home by shuttle bus, a spokesperson "
        "said.</p>",
        True,
    ),
    (
        41,
        ["priya-natarajan"],
        "",
        "<p>At the Saltmarsh library, volunteers are stacking sandbags along the "
        "back entrance. “We did this in March and the water stopped a foot "
        "short,” said Rosa Lindqvist, who runs the branch. “We’d rather not find "
        "out where it stops tonight.”</p>",
        False,
    ),
    (
        58,
        ["maya-okafor"],
        "Two warming centers open",
        "<p>The city has opened warming centers at the Eastside Recreation Center "
        "and Harborview Middle School. Both take pets in carriers. Cots, meals "
        "and phone charging are available until the storm passes.</p>",
        False,
    ),
    (
        74,
        ["daniel-reyes"],
        "",
        "<p>Marsh Lane is closed between Heron Street and the boat ramp: water is "
        "coming over the patched section of the seawall with each large wave. "
        "Public Works trucks are parked across both ends of the road.</p>",
        False,
    ),
    (
        96,
        ["priya-natarajan", "maya-okafor"],
        "Power out for about 3,100 customers",
        "<p>Coastline Electric reports outages in Saltmarsh, Tamsin and parts of "
        "the North End, mostly from falling branches. Crews will not go up in "
        "bucket trucks until gusts drop below 40 mph.</p>",
        False,
    ),
    (
        118,
        ["maya-okafor"],
        "",
        "<p>A reader on Gull Street sent us a photo of the tide line on her "
        "neighbor’s fence: about knee height, and the high tide is still two "
        "hours away. If you are in a flooded area, do not drive through standing "
        "water.</p>",
        False,
    ),
    (
        137,
        ["daniel-reyes"],
        "Mayor asks waterfront blocks of Saltmarsh to leave",
        "<p>Mayor Elena Varga has asked residents of the first three blocks "
        "behind the seawall to leave for the night. It is a request, not an "
        "order: “If you can stay with family inland, please go now, while the "
        "streets are still passable.” Buses leave from Heron Street every 20 "
        "minutes.</p>",
        True,
    ),
    (
        151,
        ["priya-natarajan"],
        "",
        "<p>Harborview Middle School’s warming center has taken in 64 people so "
        "far, a city spokesperson said, along with nine dogs and a parrot.</p>",
        False,
    ),
    (
        169,
        ["maya-okafor"],
        "Wind gust record at the harbor light",
        "<p>The harbor light’s gauge recorded a gust of 71 mph a few minutes ago, the "
        "highest since the gauge was installed in 1994.</p>",
        False,
    ),
    (
        184,
        ["daniel-reyes"],
        "",
        "<p>Schools in Port Ellery will be closed tomorrow, the superintendent’s "
        "office announced. After-school programs and evening classes are "
        "cancelled too.</p>",
        False,
    ),
    (
        197,
        ["priya-natarajan"],
        "",
        "<p>Water in the Marsh Lane storm drains is now bubbling up rather than "
        "draining, the sign that groundwater has risen with the tide. Our "
        "photographer was on Marsh Lane as it rose:</p>"
        f"{GALLERY_HERE}"
        "<p>The city’s tide account says tonight’s high water will be a foot above "
        "the forecast:</p>"
        f"{embed(POST)}"
        "<p>We will stay with the storm through the high tide.</p>",
        False,
    ),
]

# The pictures of the Marsh Lane entry's gallery: (scene, caption).
MARSH_LANE = [
    (
        "harbor",
        "Storm drains on Marsh Lane overflow as the tide rises.",
        "Ines Barrow/Harbor Light Photo",
    ),
    (
        "city",
        "A resident wades to his car on Marsh Lane to move it uphill.",
        "Ines Barrow/Harbor Light Photo",
    ),
]

# The record gust was first posted with the wrong year, then corrected.
CORRECTED = (
    "Wind gust record at the harbor light",
    "An earlier version of this update gave the year the gauge was installed as "
    "1984. It was 1994.",
)


def seed_live_story(*, categories, authors, now, report, save_picture):
    """The live story and its entries, unless it is there already."""
    if Article.objects.filter(slug=SLUG).exists():
        report.skipped.append(SLUG)
        return None
    opened = (now - timedelta(hours=3, minutes=30)).replace(second=0, microsecond=0)
    lead = save_picture(
        picture=draw_scene("coast", seed=SLUG),
        name=f"lead-{SLUG}",
        title=STORY["headline"],
        alt_text="Gray waves breaking over a low seawall under a dark sky, with "
        "spray blowing across an empty road.",
        caption="Waves break over the Saltmarsh seawall at the start of the storm.",
        credit="Ines Barrow/Harbor Light Photo",
        source="Harbor Light Photo",
    )
    with reversion.create_revision():
        article = Article.objects.create(
            headline=STORY["headline"],
            slug=SLUG,
            dek=STORY["dek"],
            body=STORY["body"],
            lead_image=lead,
            primary_category=categories[STORY["section"]],
            status=Article.Status.PUBLISHED,
            published_at=opened,
        )
        Byline.objects.bulk_create(
            Byline(
                article=article,
                author=authors[slug],
                position=position,
                published_at=opened,  # bulk_create sends no signal
            )
            for position, slug in enumerate(STORY["authors"])
        )
        article.tags.add("Storms", "Saltmarsh", "Ferries")
        reversion.set_comment("Loaded with the demo newsroom.")
        reversion.add_to_revision(article)
    coverage = services.start_coverage(article=article, by=None, at=opened)
    marsh_lane = save_gallery(save_picture, MARSH_LANE, name=f"{SLUG}-marsh-lane")
    demo_embed(POST)
    for minutes, slugs, headline, body, pinned in ENTRIES:
        entry = services.post_entry(
            coverage=coverage,
            by=None,
            headline=headline,
            body=body.replace(GALLERY_HERE, gallery([p.pk for p in marsh_lane])),
            authors=[authors[slug] for slug in slugs],
            at=opened + timedelta(minutes=minutes),
            pinned=pinned,
        )
        if headline == CORRECTED[0]:
            services.correct_entry(
                entry=entry,
                by=None,
                text=CORRECTED[1],
                at=entry.published_at + timedelta(minutes=9),
            )
    report.articles += 1
    report.images += 1 + len(marsh_lane)
    return LiveCoverage.objects.get(pk=coverage.pk)
