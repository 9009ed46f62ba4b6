"""Demo: library pictures placed in a story's body at each size the page offers
(articles/inline_images.py), one with a caption written for this story."""

from articles.inline_images import snippet

from .pictures import draw_scene

STORY = "saltmarsh-seawall-retreat"
# (after which paragraph, size, scene, title, alt text, library caption, credit,
# this story's caption or "")
PLACED = [
    (
        2,
        "wide",
        "coast",
        "Marsh Lane at high tide",
        "Grey water over a low road beside a stone seawall, under a flat sky",
        "Tidal water on Marsh Lane, Port Ellery.",
        "Ines Barrow/Harbor Light Photo",
        "Marsh Lane closed 14 times in a year when the tide came over the wall.",
    ),
    (
        6,
        "full",
        "harbor",
        "The Saltmarsh waterfront from the breakwater",
        "Boats moored in a harbor below a low row of houses and a seawall",
        "The Saltmarsh waterfront, seen from the east breakwater.",
        "Ines Barrow/Harbor Light Photo",
        "",
    ),
]


def with_placed_pictures(slug, story, report):
    """`story` (a demo story's data) with PLACED's pictures added to the library and
    placed in its body, if it is STORY; any other story as it is."""
    from .seed import save_picture  # seed.py calls this module: imported here

    if slug != STORY:
        return story
    figures = {}
    for after, size, scene, title, alt, caption, credit, own_caption in PLACED:
        image = save_picture(
            picture=draw_scene(scene, seed=f"placed-{after}"),
            name=f"placed-{scene}",
            title=title,
            alt_text=alt,
            caption=caption,
            credit=credit,
            source=credit.rpartition("/")[2],
        )
        figures[after] = snippet(image.pk, size, own_caption)
        report.images += 1
    pieces = story["content"]["body"].split("</p>")
    body = "".join(
        piece + "</p>" + figures.get(number, "")
        for number, piece in enumerate(pieces[:-1], start=1)
    )
    return {**story, "content": {**story["content"], "body": body + pieces[-1]}}
