"""Draw the app's icons (static/icons/) from the favicon's design (static/favicon.svg).

    .venv/bin/python scripts/make_icons.py

The manifest (/manifest.webmanifest) names them: 192 and 512 px with rounded corners
("any"), and 192 and 512 px "maskable" (the green fills the square; the house stays in
the middle 80 %, the safe zone a launcher may crop to a circle). Drawn with Pillow at
four times the size and scaled down (smooth edges), so no SVG renderer is needed.
"""

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "static" / "icons"
GREEN = (0x1B, 0x6E, 0x3C, 255)
WHITE = (255, 255, 255, 255)
YELLOW = (0xF2, 0xC1, 0x4E, 255)
SUPERSAMPLE = 4


def _cubic(p0, p1, p2, p3, steps=24):
    points = []
    for i in range(1, steps + 1):
        t = i / steps
        u = 1 - t
        points.append(
            tuple(
                u**3 * a + 3 * u * u * t * b + 3 * u * t * t * c + t**3 * d
                for a, b, c, d in zip(p0, p1, p2, p3, strict=True)
            )
        )
    return points


def _polyline(draw, points, width, fill, round_caps):
    draw.line(points, fill=fill, width=round(width), joint="curve")
    # Round joins and caps: a disc at every corner (and both ends when round_caps).
    corners = points if round_caps else points[1:-1]
    for x, y in corners:
        r = width / 2
        draw.ellipse((x - r, y - r, x + r, y + r), fill=fill)


def draw_icon(size, maskable):
    big = size * SUPERSAMPLE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        # Full bleed; the 32-unit drawing shrunk into the safe zone (80 %).
        draw.rectangle((0, 0, big, big), fill=GREEN)
        scale = big * 0.8 / 32
        offset = big * 0.1
    else:
        scale = big / 32
        offset = 0
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=6 * scale, fill=GREEN)

    def at(x, y):
        return (offset + x * scale, offset + y * scale)

    # The roof: M5 16 16 7l11 9, stroke 3, round caps and joins.
    _polyline(draw, [at(5, 16), at(16, 7), at(27, 16)], 3 * scale, WHITE, round_caps=True)
    # The walls: M9 15v10h14V15, stroke 2.5, round joins.
    _polyline(
        draw, [at(9, 15), at(9, 25), at(23, 25), at(23, 15)], 2.5 * scale, WHITE, round_caps=False
    )
    # The leaf: M16 24c0-4 1.5-6.5 4.5-8-3.5-.2-5.5 1.8-5.5 4.8 (filled, closed).
    leaf = [(16, 24)]
    leaf += _cubic((16, 24), (16, 20), (17.5, 17.5), (20.5, 16))
    leaf += _cubic((20.5, 16), (17, 15.8), (15, 17.8), (15, 20.8))
    draw.polygon([at(x, y) for x, y in leaf], fill=YELLOW)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        draw_icon(size, maskable=False).save(OUT / f"icon-{size}.png", optimize=True)
        maskable = draw_icon(size, maskable=True).convert("RGB")
        maskable.save(OUT / f"icon-maskable-{size}.png", optimize=True)
    print(f"Icons written to {OUT}")


if __name__ == "__main__":
    main()
