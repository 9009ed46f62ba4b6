"""
Photo-sized demo pictures drawn with Pillow: landscapes, skylines, harbors, headshots.

Nothing here touches the database or the network. Each picture is drawn from a seed, so
the same seed always gives the same picture.
"""

import io
import math
import random

from PIL import Image, ImageDraw, ImageFilter

PHOTO_SIZE = (2400, 1600)
HEADSHOT_SIZE = (2000, 2000)

SKIES = {
    "dawn": ((38, 52, 104), (247, 170, 120)),
    "day": ((64, 132, 204), (196, 224, 244)),
    "dusk": ((44, 30, 84), (236, 118, 74)),
    "overcast": ((120, 130, 140), (206, 210, 214)),
    "night": ((6, 10, 30), (36, 48, 92)),
}

SCENES = (
    "city",
    "harbor",
    "mountains",
    "fields",
    "forest",
    "night",
    "lab",
    "coast",
    "crowd",
    "abstract",
)


def mix(a, b, t):
    """The colour a fraction `t` of the way from `a` to `b`."""
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def shade(colour, factor):
    return tuple(max(0, min(255, round(c * factor))) for c in colour)


def vertical_gradient(size, top, bottom):
    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        draw.line([(0, y), (width, y)], fill=mix(top, bottom, y / max(1, height - 1)))
    return image


def ridge(rng, width, base, amplitude, roughness):
    """Points along a ridge line made of a few sine waves of random phase."""
    waves = [
        (
            rng.uniform(0.5, 1.0) / (i + 1),
            rng.uniform(1, 3) * (i + 1) * roughness,
            rng.uniform(0, math.tau),
        )
        for i in range(5)
    ]
    points = []
    for x in range(0, width + 24, 24):
        offset = sum(a * math.sin(f * x / width * math.tau + p) for a, f, p in waves)
        points.append((x, base - offset * amplitude))
    return points


def draw_layers(image, rng, colours, base, amplitude, roughness):
    """Overlapping hills or mountains, further ones paler, nearer ones darker."""
    width, height = image.size
    draw = ImageDraw.Draw(image)
    for i, colour in enumerate(colours):
        line = ridge(rng, width, base + i * height * 0.08, amplitude, roughness)
        draw.polygon([*line, (width, height), (0, height)], fill=colour)


def draw_sun(image, rng, colour, radius):
    width, height = image.size
    cx, cy = rng.uniform(0.2, 0.8) * width, rng.uniform(0.18, 0.4) * height
    glow = Image.new("L", image.size, 0)
    ImageDraw.Draw(glow).ellipse(
        [cx - radius * 3, cy - radius * 3, cx + radius * 3, cy + radius * 3], fill=90
    )
    glow = glow.filter(ImageFilter.GaussianBlur(radius * 1.5))
    image.paste(Image.new("RGB", image.size, colour), mask=glow)
    ImageDraw.Draw(image).ellipse(
        [cx - radius, cy - radius, cx + radius, cy + radius], fill=colour
    )


def draw_skyline(image, rng, base, colour, lit, window_colour):
    width, _ = image.size
    draw = ImageDraw.Draw(image)
    x = -rng.randint(0, 60)
    while x < width:
        w = rng.randint(90, 260)
        h = rng.randint(160, 720)
        top = base - h
        draw.rectangle([x, top, x + w, base], fill=colour)
        if rng.random() < 0.3:  # a spire or a water tank on the roof
            draw.rectangle([x + w // 2 - 6, top - 80, x + w // 2 + 6, top], fill=colour)
        for wy in range(int(top) + 24, int(base) - 20, 36):
            for wx in range(x + 14, x + w - 20, 30):
                if rng.random() < lit:
                    draw.rectangle([wx, wy, wx + 14, wy + 18], fill=window_colour)
        x += w + rng.randint(4, 30)


def draw_water(image, rng, top, colour):
    width, height = image.size
    water = vertical_gradient((width, height - top), colour, shade(colour, 0.55))
    draw = ImageDraw.Draw(water)
    for _ in range(900):  # glints on the swell
        y = rng.random() ** 1.6 * (height - top)
        x = rng.uniform(0, width)
        length = rng.uniform(20, 140) * (0.3 + y / (height - top))
        draw.line(
            [(x, y), (x + length, y)],
            fill=shade(colour, rng.uniform(1.1, 1.5)),
            width=2,
        )
    image.paste(water, (0, top))


def draw_boats(image, rng, waterline, count):
    width, _ = image.size
    draw = ImageDraw.Draw(image)
    for _ in range(count):
        x = rng.uniform(0.05, 0.9) * width
        w = rng.uniform(140, 360)
        hull = (rng.randint(20, 60), rng.randint(20, 40), rng.randint(30, 60))
        y = waterline + rng.uniform(20, 160)
        draw.polygon(
            [
                (x, y),
                (x + w, y),
                (x + w * 0.88, y + w * 0.16),
                (x + w * 0.1, y + w * 0.16),
            ],
            fill=hull,
        )
        draw.rectangle(
            [x + w * 0.3, y - w * 0.22, x + w * 0.62, y], fill=(230, 230, 224)
        )
        draw.line(
            [(x + w * 0.5, y - w * 0.22), (x + w * 0.5, y - w * 0.75)],
            fill=hull,
            width=6,
        )


def draw_trees(image, rng, base, count, colour):
    width, _ = image.size
    draw = ImageDraw.Draw(image)
    for _ in range(count):
        x = rng.uniform(-50, width + 50)
        h = rng.uniform(180, 520)
        w = h * rng.uniform(0.28, 0.4)
        y = base + rng.uniform(0, 260)
        tone = shade(colour, rng.uniform(0.7, 1.2))
        draw.polygon([(x, y - h), (x + w / 2, y), (x - w / 2, y)], fill=tone)


def draw_furrows(image, rng, horizon, colour):
    width, height = image.size
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, horizon, width, height], fill=colour)
    vanishing = rng.uniform(0.3, 0.7) * width
    for i in range(-40, 41):
        x = vanishing + i * width / 14
        draw.line(
            [(vanishing + i * 6, horizon), (x, height)],
            fill=shade(colour, 0.78),
            width=5,
        )


def draw_bokeh(image, rng, count, palette, max_radius):
    width, height = image.size
    layer = Image.new("RGB", image.size, (0, 0, 0))
    draw = ImageDraw.Draw(layer)
    for _ in range(count):
        r = rng.uniform(max_radius * 0.2, max_radius)
        x, y = rng.uniform(0, width), rng.uniform(0, height)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=rng.choice(palette))
    layer = layer.filter(ImageFilter.GaussianBlur(max_radius * 0.12))
    return Image.blend(image, Image.composite(layer, image, layer.convert("L")), 0.55)


def draw_people(image, rng, base, count, palette):
    width, _ = image.size
    draw = ImageDraw.Draw(image)
    for _ in range(count):
        x = rng.uniform(-40, width + 40)
        scale = rng.uniform(0.7, 1.4)
        y = base + rng.uniform(0, 240) * scale
        body = rng.choice(palette)
        draw.ellipse(
            [x - 110 * scale, y - 60 * scale, x + 110 * scale, y + 400 * scale],
            fill=body,
        )
        draw.ellipse(
            [x - 48 * scale, y - 170 * scale, x + 48 * scale, y - 50 * scale],
            fill=shade(body, 0.6),
        )


def finish(image, rng, blur=1.2, grain=10):
    """Soften the drawing and add film grain, as a lens and a sensor would."""
    image = image.filter(ImageFilter.GaussianBlur(blur))
    noise = Image.effect_noise(image.size, grain).convert("RGB")
    return Image.blend(
        image, Image.composite(image, noise, Image.new("L", image.size, 235)), 0.5
    )


def draw_scene(kind, seed, size=PHOTO_SIZE):
    """A photo-like picture of `kind` (one of SCENES)."""
    if kind not in SCENES:
        raise ValueError(f"Unknown scene {kind!r}; choose one of {', '.join(SCENES)}.")
    rng = random.Random(f"{kind}:{seed}")
    width, height = size
    sky_name = rng.choice(["dawn", "day", "dusk", "overcast"])
    if kind == "night":
        sky_name = "night"
    top, bottom = SKIES[sky_name]
    image = vertical_gradient(size, top, bottom)
    horizon = int(height * rng.uniform(0.55, 0.68))

    if kind in {"mountains", "fields", "forest", "coast"} and sky_name != "overcast":
        draw_sun(image, rng, mix(bottom, (255, 244, 214), 0.7), rng.uniform(50, 110))

    if kind == "city":
        draw_layers(image, rng, [mix(bottom, top, 0.2)], horizon - 60, 30, 0.6)
        draw_skyline(image, rng, horizon + 200, shade(top, 0.55), 0.35, (250, 214, 140))
        ImageDraw.Draw(image).rectangle(
            [0, horizon + 200, width, height], fill=(58, 60, 66)
        )
        draw_people(
            image, rng, horizon + 300, 9, [(40, 44, 60), (90, 60, 50), (30, 70, 80)]
        )
    elif kind == "night":
        draw_skyline(image, rng, horizon + 120, (14, 16, 30), 0.55, (255, 206, 120))
        draw_water(image, rng, horizon + 120, (20, 32, 70))
        image = draw_bokeh(image, rng, 40, [(255, 190, 90), (255, 120, 80)], 40)
    elif kind == "harbor":
        draw_skyline(
            image, rng, horizon, shade(mix(top, bottom, 0.5), 0.6), 0.1, (240, 220, 170)
        )
        draw_water(image, rng, horizon, mix(top, (20, 80, 110), 0.6))
        draw_boats(image, rng, horizon, rng.randint(3, 6))
    elif kind == "coast":
        draw_layers(
            image, rng, [mix(bottom, (90, 110, 100), 0.5)], horizon - 40, 60, 0.5
        )
        draw_water(image, rng, horizon, (40, 110, 140))
        ImageDraw.Draw(image).polygon(
            [(0, height * 0.8), (width * 0.55, height), (0, height)],
            fill=(214, 196, 150),
        )
    elif kind == "mountains":
        palette = [
            mix(bottom, top, 0.35),
            mix(bottom, (60, 70, 90), 0.6),
            (52, 62, 70),
            (34, 44, 44),
        ]
        draw_layers(image, rng, palette, horizon - 260, 220, 1.0)
    elif kind == "fields":
        draw_layers(
            image, rng, [mix(bottom, (90, 120, 90), 0.5)], horizon - 30, 40, 0.4
        )
        draw_furrows(
            image,
            rng,
            horizon,
            rng.choice([(120, 142, 60), (186, 160, 80), (96, 120, 70)]),
        )
    elif kind == "forest":
        draw_layers(image, rng, [mix(bottom, (60, 90, 70), 0.5)], horizon - 80, 50, 0.5)
        draw_trees(image, rng, horizon - 120, 60, (40, 80, 50))
        ImageDraw.Draw(image).rectangle(
            [0, horizon + 240, width, height], fill=(36, 52, 34)
        )
        draw_trees(image, rng, horizon + 80, 30, (24, 52, 32))
    elif kind == "lab":
        image = vertical_gradient(size, (214, 226, 232), (150, 170, 180))
        draw = ImageDraw.Draw(image)
        draw.rectangle([0, horizon, width, height], fill=(230, 234, 236))
        for i in range(rng.randint(5, 9)):  # glassware on the bench
            x = width * (0.1 + i * 0.1) + rng.uniform(-30, 30)
            h = rng.uniform(160, 420)
            tint = rng.choice([(120, 200, 190), (240, 170, 90), (150, 150, 230)])
            draw.rounded_rectangle(
                [x, horizon - h, x + 110, horizon + 20],
                30,
                fill=mix(tint, (255, 255, 255), 0.45),
            )
            draw.rounded_rectangle(
                [x, horizon - h * 0.45, x + 110, horizon + 20], 30, fill=tint
            )
        image = draw_bokeh(image, rng, 25, [(255, 255, 255), (200, 230, 240)], 90)
    elif kind == "crowd":
        image = draw_bokeh(
            image, rng, 70, [(255, 210, 120), (255, 140, 90), (160, 200, 255)], 70
        )
        draw_people(
            image, rng, horizon - 200, 14, [(36, 36, 48), (70, 40, 40), (30, 60, 70)]
        )
        draw_people(image, rng, horizon + 100, 10, [(20, 20, 28), (44, 28, 30)])
    else:  # abstract
        image = draw_bokeh(
            image, rng, 90, [(240, 120, 90), (90, 180, 200), (250, 220, 120)], 160
        )

    return finish(image, rng)


SKIN_TONES = [
    (241, 204, 177),
    (224, 172, 138),
    (198, 134, 94),
    (141, 85, 54),
    (96, 60, 40),
    (232, 190, 160),
]
HAIR = [(30, 22, 18), (70, 44, 28), (120, 80, 40), (200, 170, 110), (90, 90, 96)]
BACKDROPS = [
    ((70, 90, 110), (150, 170, 186)),
    ((110, 84, 74), (200, 176, 160)),
    ((60, 90, 80), (160, 190, 176)),
    ((90, 90, 100), (190, 190, 200)),
]


def draw_headshot(seed, size=HEADSHOT_SIZE):
    """A studio-style portrait silhouette: backdrop, shoulders, head and hair."""
    rng = random.Random(f"headshot:{seed}")
    width, height = size
    image = vertical_gradient(size, *rng.choice(BACKDROPS))
    draw = ImageDraw.Draw(image)
    skin, hair = rng.choice(SKIN_TONES), rng.choice(HAIR)
    jacket = rng.choice([(34, 40, 56), (90, 30, 40), (40, 70, 60), (200, 196, 186)])
    cx = width / 2 + rng.uniform(-30, 30)
    draw.ellipse(
        [cx - width * 0.42, height * 0.72, cx + width * 0.42, height * 1.4], fill=jacket
    )
    draw.rectangle(
        [cx - 70, height * 0.55, cx + 70, height * 0.78], fill=shade(skin, 0.9)
    )
    head = [cx - width * 0.17, height * 0.2, cx + width * 0.17, height * 0.64]
    if rng.random() < 0.5:  # long hair falls behind the shoulders
        draw.ellipse(
            [head[0] - 40, head[1] - 30, head[2] + 40, head[3] + 140], fill=hair
        )
    draw.ellipse(head, fill=skin)
    draw.chord(
        [head[0] - 12, head[1] - 40, head[2] + 12, head[3] - 120], 180, 360, fill=hair
    )
    return finish(image, rng, blur=2.5, grain=8)


def jpeg_bytes(image, quality=84):
    """The picture as a progressive JPEG."""
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, optimize=True, progressive=True)
    return buffer.getvalue()


def save_gallery(save_picture, pictures, *, name):
    """Library pictures drawn for a demo gallery, one for each (scene, caption,
    credit) of `pictures`, named `name`-0, `name`-1…; the caption is the alt text."""
    return [
        save_picture(
            picture=draw_scene(scene, seed=f"{name}-{n}"),
            name=f"{name}-{n}",
            title=caption,
            alt_text=caption.rstrip("."),
            caption=caption,
            credit=credit,
        )
        for n, (scene, caption, credit) in enumerate(pictures)
    ]
