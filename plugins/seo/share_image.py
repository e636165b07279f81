"""Share images: a 1200×630 PNG with the title and the site's name, for content without Image.

Social networks show a picture with every shared link; a post without one looks broken.
Each card is drawn once with Pillow and kept in Pelican's cache folder under a key made of
everything drawn on it, so an unchanged post is never redrawn, and a changed title is.
"""

import hashlib
import os
import re
import shutil
from pathlib import Path

import font_lato
from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
_MARGIN = 80
_DRAWING_VERSION = "1"  # bump when the drawing changes, to invalidate cached cards


def _font(path: str | None, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path or font_lato.LatoBold, size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    lines, line = [], ""
    for word in re.split(r"[ \t\n]+", text.strip()):  # not at no-break spaces: « stays with its word
        candidate = f"{line} {word}".strip()
        if line and draw.textlength(candidate, font=font) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return lines + ([line] if line else [])


def _fit_title(draw, title: str, font_path: str | None) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest size at which the title fits in four lines."""
    for size in (76, 68, 60, 52, 46):
        font = _font(font_path, size)
        lines = _wrap(draw, title, font, WIDTH - 2 * _MARGIN)
        if len(lines) <= 4:
            return font, lines
    return font, lines[:4]


def draw_card(title: str, site_name: str, colours: tuple[str, str, str], font_path: str | None) -> Image.Image:
    background, text, accent = colours
    image = Image.new("RGB", (WIDTH, HEIGHT), background)
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, HEIGHT - 24, WIDTH, HEIGHT], fill=accent)
    font, lines = _fit_title(draw, title, font_path)
    line_height = int(font.size * 1.2)
    top = (HEIGHT - 120 - line_height * len(lines)) // 2
    for index, line in enumerate(lines):
        draw.text((_MARGIN, top + index * line_height), line, font=font, fill=text)
    site_font = _font(font_path, 34)
    draw.ellipse([_MARGIN, HEIGHT - 118, _MARGIN + 30, HEIGHT - 88], fill=accent)
    draw.text((_MARGIN + 46, HEIGHT - 122), site_name, font=site_font, fill=text)
    return image


def share_image(title: str, site_name: str, settings: dict, destination: Path) -> Path:
    """Write the card of ``title`` at ``destination``, from the cache when it was drawn before."""
    colours = tuple(settings.get("SEO_SHARE_IMAGE_COLORS", ("#0f5c63", "#ffffff", "#f2b134")))
    font_path = settings.get("SEO_SHARE_IMAGE_FONT")
    key = hashlib.sha256("\0".join([_DRAWING_VERSION, title, site_name, *colours, str(font_path)]).encode()).hexdigest()[:20]
    cached = Path(settings["CACHE_PATH"]) / "share-images" / f"{key}.png"
    if not cached.is_file():
        # Drawn aside then renamed: pages are rendered by several processes at once
        # (tribune.writer), and another may be copying this card.
        cached.parent.mkdir(parents=True, exist_ok=True)
        drawing = cached.with_suffix(f".{os.getpid()}.tmp")
        draw_card(title, site_name, colours, font_path).save(drawing, "PNG", optimize=False, compress_level=6)
        os.replace(drawing, cached)
    destination.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(cached, destination)
    return destination
