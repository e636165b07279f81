"""Share images: a 1200×630 PNG with the title and the site's name, for content without Image.

Social networks show a picture with every shared link; a post without one looks broken.
Each card is drawn once with Pillow and kept in Pelican's cache folder under a key made of
everything drawn on it (the font file included), so an unchanged post is never redrawn, and a
changed title is.

A first build draws a card for most posts, in the workers that render the pages
(:mod:`tribune.writer`), so it must be cheap: fonts are loaded and the site's line (the
same on every card) drawn once per process, a title is laid out once, its letters are
rasterised once per process and size (FreeType's rendering was most of a card's drawing),
the card is a palette image (256 colours: the text's anti-aliasing over the background, and
the accent) and its PNG is compressed at zlib's fastest level, only where the title changed the
site's blank card (:mod:`seo.card_png`): the cards go to social networks, which re-encode
them, and nothing else reads them.
"""

import hashlib
import math
import os
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import font_lato
from PIL import Image, ImageColor, ImageDraw, ImageFont

from tribune.trees import place

from .card_png import Blank, png_bytes

WIDTH, HEIGHT = 1200, 630
_MARGIN = 80
_DRAWING_VERSION = "4"  # bump when the drawing or its file changes, to invalidate cached cards
_VERSION_FILE = "drawing-version"  # in the cards' folder: which drawing made them (forget_older_cards)
_TITLE_SIZES = (76, 68, 60, 52, 46)  # the largest at which the title fits in four lines


def _font_identity(path: str | None) -> str:
    """The font file as the caches see it (read on every card, not cached: a font file replaced
    under the same name while `invoke serve` runs draws new cards, with the new font)."""
    stat = os.stat(path or font_lato.LatoBold)
    return f"{path}:{stat.st_size}:{stat.st_mtime_ns}"


@lru_cache(maxsize=64)
def _font(path: str | None, size: int, identity: str) -> ImageFont.FreeTypeFont:
    """The font at ``size``, loaded once per process (``identity`` keys it to the file's state)."""
    return ImageFont.truetype(path or font_lato.LatoBold, size)


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines, line = [], ""
    for word in re.split(r"[ \t\n]+", text.strip()):  # not at no-break spaces: « stays with its word
        candidate = f"{line} {word}".strip()
        if line and font.getlength(candidate, mode="L") > width:  # what ImageDraw.textlength measures on an RGB image
            lines.append(line)
            line = word
        else:
            line = candidate
    return lines + ([line] if line else [])


@lru_cache(maxsize=1024)
def _fit_title(title: str, font_path: str | None, identity: str) -> tuple[int, tuple[str, ...]]:
    """The largest size at which the title fits in four lines, and its lines."""
    for size in _TITLE_SIZES:
        lines = _wrap(title, _font(font_path, size, identity), WIDTH - 2 * _MARGIN)
        if len(lines) <= 4:
            return size, tuple(lines)
    return size, tuple(lines[:4])


def _rgb(colour: str) -> tuple[int, int, int]:
    return ImageColor.getrgb(colour)[:3]


@lru_cache(maxsize=8)
def _palette(colours: tuple[str, str, str]) -> list[int]:
    """The card's 256 colours: the text over the background at 255 strengths (the text's
    anti-aliasing), then the accent."""
    background, text, accent = map(_rgb, colours)
    blends = [tuple(round(b + (t - b) * level / (_LEVELS - 1)) for b, t in zip(background, text)) for level in range(_LEVELS)]
    return [channel for colour in [*blends, accent] for channel in colour]


# The text is drawn at the palette's strongest text colour: Pillow blends a glyph's coverage
# (0 to 255) into the ink, so a pixel covered at c gets the strength round(254 c / 255), and
# two coverages a 255th apart may share one, a difference no eye sees.
_LEVELS = 255
_INK = _LEVELS - 1
_ACCENT = _LEVELS  # the palette's last colour


@lru_cache(maxsize=8)
def _blank_card(site_name: str, font_path: str | None, identity: str) -> Image.Image:
    """What every card of the site shows, as the palette's indexes: the site's line and the
    accent (below the title's area, which never reaches them)."""
    image = Image.new("L", (WIDTH, HEIGHT), 0)
    shapes = ImageDraw.Draw(image)
    shapes.text((_MARGIN + 46, HEIGHT - 122), site_name, font=_font(font_path, 34, identity), fill=_INK)
    shapes.rectangle([0, HEIGHT - 24, WIDTH, HEIGHT], fill=_ACCENT)
    shapes.ellipse([_MARGIN, HEIGHT - 118, _MARGIN + 30, HEIGHT - 88], fill=_ACCENT)
    return image


@lru_cache(maxsize=8)
def _blank_bands(site_name: str, font_path: str | None, identity: str) -> Blank:
    """The blank card compressed once per process, for the cards' files."""
    return Blank.of(_blank_card(site_name, font_path, identity))


def _kerned_only(line: str) -> bool:
    """Whether the line needs no shaping beyond kerning and pairs of letters joined (Latin,
    Greek and Cyrillic letters, digits, punctuation; no combining mark, no invisible sign
    that joins, reorders or isolates letters), so that it can be put together from letters
    drawn alone; other lines are drawn by Pillow's layout."""
    return all((char < "\u0530" or "\u2000" <= char <= "\u20cf") and not unicodedata.combining(char)
               and unicodedata.category(char) not in ("Cf", "Cc") for char in line)


# The letters drawn once (below) are the cards' own font's, Lato's: ``identity`` is its file's.
@lru_cache(maxsize=4096)
def _joined(pair: str, size: int, identity: str) -> bool:
    """Whether the font draws the two letters as one ligature (as "fi" in Lato)."""
    font = _font(None, size, identity)
    return font.layout_engine == ImageFont.Layout.RAQM and font.getlength(pair) != font.getlength(pair, features=["-liga"])


@lru_cache(maxsize=8192)
def _advance(letter: str, following: str, size: int, identity: str) -> float:
    """How far the pen moves past ``letter`` when ``following`` comes next: its advance and
    the kerning of the pair, as the layout measures them in the whole line."""
    font = _font(None, size, identity)
    return font.getlength(letter + following) - font.getlength(following)


@lru_cache(maxsize=4096)
def _letter(letter: str, size: int, identity: str) -> tuple[Image.Image, int, int] | None:
    """The letter's coverage and its offset from the pen, rasterised once (None: nothing drawn,
    as a space)."""
    font = _font(None, size, identity)
    left, top, right, bottom = font.getbbox(letter)
    if right <= left or bottom <= top:
        return None
    image = Image.new("L", (right - left, bottom - top), 0)
    ImageDraw.Draw(image).text((-left, -top), letter, font=font, fill=255)
    return image, left, top


def _letters(line: str, size: int, identity: str) -> list[str]:
    """The line cut into what the font draws as one: letters, and the pairs it joins."""
    letters, index = [], 0
    while index < len(line):
        step = 2 if index + 1 < len(line) and _joined(line[index:index + 2], size, identity) else 1
        letters.append(line[index:index + step])
        index += step
    return letters


def _draw_line(coverage: Image.Image, xy: tuple[int, int], line: str, font_path: str | None, size: int, identity: str) -> None:
    """Draw ``line`` with its top left at ``xy``: with the cards' own font (Lato), from
    letters rasterised once, which is what ``ImageDraw.text`` draws, pixel for pixel
    (tests/test_seo.py): the same glyphs, kerned, Lato's ligatures (pairs) joined. A font
    set in SEO_SHARE_IMAGE_FONT may join three letters, or alter them by their context:
    its lines are laid out by Pillow."""
    if font_path is not None or not _kerned_only(line):
        ImageDraw.Draw(coverage).text(xy, line, font=_font(font_path, size, identity), fill=_INK)
        return
    letters = _letters(line, size, identity)
    placed, pen = [], 0.0
    for letter, following in zip(letters, [*letters[1:], ""]):
        drawn = _letter(letter, size, identity)
        if drawn is not None:
            image, left, top = drawn
            placed.append((image, math.floor(pen + 0.5) + left, top))  # FreeType's rounding: .5 up
        pen += _advance(letter, following, size, identity)
    if not placed:
        return
    # As Pillow does: the letters' coverages are put together first (where two overlap, as a
    # kerned "YV", they add up as Pillow's rendering adds them), then the line is inked once.
    left, top = min(x for _, x, _ in placed), min(y for _, _, y in placed)
    mask = Image.new("L", (max(x + image.width for image, x, _ in placed) - left, max(y + image.height for image, _, y in placed) - top), 0)
    for image, x, y in placed:
        mask.paste(255, (x - left, y - top), image)
    coverage.paste(_INK, (xy[0] + left, xy[1] + top), mask)


def _title_over_blank(title: str, site_name: str, font_path: str | None, identity: str) -> Image.Image:
    """The card as the palette's indexes: the title drawn as coverage over the blank card."""
    image = _blank_card(site_name, font_path, identity).copy()
    size, lines = _fit_title(title, font_path, identity)
    line_height = int(size * 1.2)
    top = (HEIGHT - 120 - line_height * len(lines)) // 2
    for index, line in enumerate(lines):
        _draw_line(image, (_MARGIN, top + index * line_height), line, font_path, size, identity)
    return image


def draw_card(title: str, site_name: str, colours: tuple[str, str, str], font_path: str | None) -> Image.Image:
    """The card as a palette image: the text drawn as coverage, then each pixel given its
    colour from the palette (what :func:`card_png` writes, and the tests compare). A palette
    PNG is a third of the bytes of an RGB one to compress, with no row filtering
    (docs/performance.md)."""
    image = _title_over_blank(title, site_name, font_path, _font_identity(font_path))
    image.putpalette(_palette(tuple(colours)))  # an "L" image given a palette is a "P" one
    return image


def card_png(title: str, site_name: str, colours: tuple[str, str, str], font_path: str | None) -> bytes:
    """The card's PNG file: :func:`draw_card`'s pixels."""
    identity = _font_identity(font_path)
    return png_bytes(_title_over_blank(title, site_name, font_path, identity), _blank_bands(site_name, font_path, identity),
                     _palette(tuple(colours)))


def _cards(settings: dict) -> Path:
    """Where the cards are kept, between builds."""
    return Path(settings["CACHE_PATH"]) / "share-images"


def forget_older_cards(settings: dict) -> None:
    """Remove the cards an earlier drawing made (a card's key holds the drawing's version, so
    they are never used again: 800 cards, 15 MB at 1 000 posts), at the first build with a new
    drawing, then note the drawing in the folder. Called as the build starts, before any card of
    this drawing is drawn."""
    folder = _cards(settings)
    stamp = folder / _VERSION_FILE
    try:
        if stamp.read_text(encoding="utf-8") == _DRAWING_VERSION:
            return
    except (OSError, UnicodeDecodeError):  # none yet: a new cache, or one from before the note
        pass
    try:
        if folder.is_dir():
            for path in folder.iterdir():
                if path.suffix in (".png", ".tmp") and path.is_file() and not path.is_symlink():
                    path.unlink()
        folder.mkdir(parents=True, exist_ok=True)
        stamp.write_text(_DRAWING_VERSION, encoding="utf-8")
    except OSError:  # only disk space is lost: the cards drawn from now on are this drawing's
        pass


def share_image(title: str, site_name: str, settings: dict, destination: Path) -> Path:
    """Write the card of ``title`` at ``destination``, from the cache when it was drawn before."""
    colours = tuple(settings.get("SEO_SHARE_IMAGE_COLORS", ("#0f5c63", "#ffffff", "#f2b134")))
    font_path = settings.get("SEO_SHARE_IMAGE_FONT")
    key = hashlib.sha256("\0".join([_DRAWING_VERSION, title, site_name, *colours, _font_identity(font_path)]).encode()).hexdigest()[:20]
    cached = _cards(settings) / f"{key}.png"
    if not cached.is_file():
        # Drawn aside then renamed: pages are rendered by several processes at once
        # (tribune.writer), and another may be copying this card.
        cached.parent.mkdir(parents=True, exist_ok=True)
        drawing = cached.with_suffix(f".{os.getpid()}.tmp")
        drawing.write_bytes(card_png(title, site_name, colours, font_path))
        os.replace(drawing, cached)
    place(cached, destination)
    return destination
