"""The visible seal: a red round seal with the agency's name, drawn with Pillow (ADR 0200).

The ring, the five-pointed star and the name set along the upper arc follow the usual form of
an official seal; under the star, in small type, the signer and the signing time, so the
visible mark says who signed and when. The background is transparent: the agency name and
the date line under the seal stay legible (GB/T 9704 puts the seal over them).
"""

from __future__ import annotations

import functools
import math
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

RED = (218, 37, 29, 255)
SIZE = 480  # pixels; drawn into a 42 mm box ≈ 290 dpi
FONT_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto")
FONT_FILES = ("NotoSansCJK-Bold.ttc", "NotoSansCJK-Regular.ttc", "NotoSerifCJK-Bold.ttc")


@functools.cache
def _font_path() -> str | None:
    for directory in FONT_DIRS:
        for name in FONT_FILES:
            path = Path(directory) / name
            if path.exists():
                return str(path)
    return None


@functools.lru_cache(maxsize=64)
def _font(size: int) -> ImageFont.ImageFont:
    path = _font_path()
    if path is None:
        return ImageFont.load_default(size)
    return ImageFont.truetype(path, size, index=2)  # index 2: the SC face in Noto's collection


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, radius: float) -> None:
    points = []
    for i in range(10):
        r = radius if i % 2 == 0 else radius * 0.382
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    draw.polygon(points, fill=RED)


@functools.lru_cache(maxsize=64)
def _seal_base(agency_name: str) -> Image.Image:
    image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    c = SIZE / 2
    ring = SIZE * 0.035
    draw.ellipse(
        (ring / 2, ring / 2, SIZE - ring / 2, SIZE - ring / 2), outline=RED, width=int(ring)
    )
    _star(draw, c, c, SIZE * 0.16)
    # The name along the upper arc, from about 210° to 330° (clockwise from the left).
    text = agency_name[:24]
    n = max(len(text), 1)
    span = min(250.0, 18.0 * n + 30)
    char_size = int(min(SIZE * 0.11, SIZE * 2.6 / max(n, 8)))
    font = _font(char_size)
    radius = SIZE / 2 - ring - char_size * 0.75
    for i, char in enumerate(text):
        degrees = -span / 2 + span * (i + 0.5) / n  # 0 = top
        glyph = Image.new("RGBA", (char_size * 2, char_size * 2), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((char_size, char_size), char, font=font, fill=RED, anchor="mm")
        glyph = glyph.rotate(-degrees, resample=Image.Resampling.BICUBIC)
        theta = math.radians(degrees)
        x = c + radius * math.sin(theta) - char_size
        y = c - radius * math.cos(theta) - char_size
        image.alpha_composite(glyph, (int(x), int(y)))
    return image


def seal_image(agency_name: str, lines: tuple[str, ...] = ()) -> Image.Image:
    """The seal of ``agency_name`` with ``lines`` (signer, time) under the star."""
    image = _seal_base(agency_name).copy()
    draw = ImageDraw.Draw(image)
    font = _font(int(SIZE * 0.05))
    y = SIZE * 0.70
    for line in lines:
        draw.text((SIZE / 2, y), line, font=font, fill=RED, anchor="mm")
        y += SIZE * 0.065
    return image
