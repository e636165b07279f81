"""The one door through which Tribune opens an image: its size checked before its pixels.

A 140 KB PNG can decode to 144 megapixels (almost a gigabyte of memory) and a 900-megapixel
image stops Pillow with a DecompressionBombError. Pillow reads an image's size from its
header without decoding it: every caller (avatars, share images, the SEO plugin's image
sizes, the e-mail) opens images here, where anything larger than ``IMAGE_MAX_PIXELS``
(default 40 megapixels), and anything that is not an image Pillow reads, is refused with
one readable line before a single pixel is decoded.
"""

import os
import warnings
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from tribune.i18n import _, language, number

DEFAULT_MAX_PIXELS = 40_000_000


class ImageError(ValueError):
    """An image Tribune will not open; the message says why and what to do."""


def max_pixels(settings: dict) -> int:
    return int(settings.get("IMAGE_MAX_PIXELS") or DEFAULT_MAX_PIXELS)


def open_image(path: Path, settings: dict) -> Image.Image:
    """``path`` opened lazily (not decoded yet); raises :class:`ImageError` when it is not
    an image or is larger than the site's limit. Use it as a context manager."""
    limit = max_pixels(settings)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # our own limit says it better
            image = Image.open(path)
    except Image.DecompressionBombError:
        raise ImageError(_("is far larger than the {limit} megapixels Tribune opens (IMAGE_MAX_PIXELS): make it smaller",
                           limit=number(limit / 1e6))) from None
    except UnidentifiedImageError:
        raise ImageError(_("is not an image Tribune can read (use a PNG, JPEG, WebP or GIF file)")) from None
    width, height = image.size
    if width * height > limit:
        image.close()
        raise ImageError(_("is {width}×{height} pixels ({megapixels} megapixels), over the {limit} megapixels Tribune opens "
                           "(IMAGE_MAX_PIXELS): make it smaller, e.g. 2400 pixels wide", width=width, height=height,
                           megapixels=number(width * height / 1e6), limit=number(limit / 1e6)))
    return image


_SIZES: dict[tuple, tuple[int, int]] = {}  # (path, its size and date, the limit) -> width, height


def image_size(path: Path, settings: dict) -> tuple[int, int]:
    """Width and height of an image, read from its header (with the same checks), once per
    version of the file: the lint, the SEO plugin and the e-mail all ask for them."""
    stat = Path(path).stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns, max_pixels(settings))
    if key not in _SIZES:
        with open_image(path, settings) as image:
            _SIZES[key] = image.size
    return _SIZES[key]


_GPS_IFD, _SERIAL_NUMBERS = 0x8825, (0xA431, 0xC62F)  # GPSInfo; BodySerialNumber, CameraSerialNumber


_REVEALED: dict[str, tuple[tuple, str | None]] = {}  # path -> (the version read, in which language), what it reveals


def revealing_metadata(path: Path) -> str | None:
    """What an image's metadata tells about where and with what it was taken (a GPS position,
    a camera's serial number), in words; None when it tells nothing of the kind. Read from the
    file's header (no pixel is decoded), once per version of the file: the lint asks after every save."""
    try:
        stat = os.stat(path)
    except OSError:
        return None  # gone: other rules say so where it matters
    version = (stat.st_size, stat.st_mtime_ns, stat.st_ino, language())
    known = _REVEALED.get(str(path))
    if known is None or known[0] != version:
        known = _REVEALED[str(path)] = (version, _revealed_by(path))
    return known[1]


def _revealed_by(path: Path) -> str | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(path) as image:
                exif = image.getexif()
                xmp = image.info.get("xmp") or image.info.get("XML:com.adobe.xmp") or b""
    except (OSError, ValueError, Image.DecompressionBombError):
        return None  # not an image: other rules say so where it matters
    if exif.get_ifd(_GPS_IFD) or b"exif:GPS" in (xmp if isinstance(xmp, bytes) else xmp.encode()):
        return _("the GPS position where it was taken")
    if any(exif.get_ifd(0x8769).get(tag) or exif.get(tag) for tag in _SERIAL_NUMBERS):
        return _("the serial number of the camera")
    return None
