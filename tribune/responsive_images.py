"""Responsive images: each image of the content folder in the widths and formats its slots need.

A 1200×630 post image shown in a 368 px card makes every reader download four times the
pixels they see. For each image this module makes, from ``IMAGE_WIDTHS`` up to the image's
own width, copies in the original's format and in WebP (AVIF too when Pillow can write it),
then keeps only what helps a reader:

- within one format, a smaller width that weighs no less than a larger one is dropped (flat
  illustrations often weigh more scaled down, their edges smoothed into new colours);
- WebP is offered when, over the widths a browser may ask for, it weighs less than the
  original's format; AVIF when it weighs less than WebP too (it is listed first).

Every image is opened through :func:`tribune.images.open_image` (``IMAGE_MAX_PIXELS``). The
copies are encoded once and kept in ``CACHE_PATH/images/`` under a key made of the file's bytes
and the recipe, like the avatars; those kept are copied into the output beside the original
(``images/photo-400w.webp``) when a page shows the image, and named to the page cache
(:func:`tribune.rendering.wrote_file`) so that a page taken from the previous output brings them.
"""

import errno
import fcntl
import hashlib
import io
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, features

from tribune import rendering
from tribune.images import ImageError, open_image
from tribune.trees import place

RECIPE = "2"  # bump when the encoding changes, to drop the cached copies
DEFAULT_WIDTHS = (400, 800, 1200, 1600)
_FALLBACKS = {"PNG": ("png", "image/png"), "JPEG": ("jpg", "image/jpeg")}  # formats resized as they are
_MODERN = (("avif", "image/avif"), ("webp", "image/webp"))  # best first, as <source> elements are read


@dataclass(frozen=True)
class Variant:
    path: str  # relative to the output folder
    width: int
    bytes: int
    cached: Path | None = None  # the encoded copy in the cache (None: the original itself)


@dataclass
class ImageSet:
    """An image and the copies worth offering, for ``<picture>``, ``srcset`` and ``sizes``."""

    path: str  # the original, relative to the output folder
    width: int
    height: int
    fallback: list[Variant] = field(default_factory=list)  # the original's format, narrowest first
    sources: list[tuple[str, list[Variant]]] = field(default_factory=list)  # (MIME type, variants), best first

    def srcset(self, variants: list[Variant], prefix: str = "") -> str:
        """``srcset`` of ``variants``: widths for the browser to choose from, or the one file."""
        if len(variants) == 1:
            return f"{prefix}{variants[0].path}"
        return ", ".join(f"{prefix}{variant.path} {variant.width}w" for variant in variants)

    @staticmethod
    def needs_sizes(variants: list[Variant]) -> bool:
        """Whether ``sizes`` must go with their srcset (not for a single file)."""
        return len(variants) > 1


def widths_of(settings: dict, original_width: int) -> list[int]:
    """The widths to make, narrowest first, up to the image's own (always included)."""
    wanted = settings.get("IMAGE_WIDTHS") or DEFAULT_WIDTHS
    return sorted({w for w in wanted if w < original_width} | {original_width})


def _encode(image: Image.Image, extension: str, lossless_too: bool) -> bytes:
    """``image`` in one format; with ``lossless_too``, WebP: the smaller of lossy and lossless."""
    outputs = []
    if extension == "webp":
        outputs.append(_save(image, "WEBP", quality=80, method=4))
        if lossless_too:
            outputs.append(_save(image, "WEBP", lossless=True, method=1))
    elif extension == "avif":
        outputs.append(_save(image, "AVIF", quality=60, speed=8))
    elif extension == "png":
        outputs.append(_save(image.quantize(256, method=Image.Quantize.FASTOCTREE) if image.mode == "RGBA" else image.quantize(256), "PNG", optimize=True))
    else:
        outputs.append(_save(image.convert("RGB"), "JPEG", quality=85, optimize=True, progressive=True))
    return min(outputs, key=len)


def _save(image: Image.Image, kind: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, kind, **options)
    return buffer.getvalue()


def _weight(variants: list[Variant], widths: list[int]) -> int:
    """Bytes a browser downloads over ``widths`` when it picks, for each, the first variant as
    wide (else the widest)."""
    return sum(next((v.bytes for v in variants if v.width >= width), variants[-1].bytes) for width in widths)


def _lighter_only(variants: list[Variant]) -> list[Variant]:
    """Drop a variant that weighs no less than a wider one: it would never help."""
    kept = []
    lightest = None
    for variant in reversed(variants):
        if lightest is None or variant.bytes < lightest:
            kept.append(variant)
            lightest = variant.bytes
    return kept[::-1]


class ResponsiveImages:
    """The image sets of one site: encoded copies in its cache, copied into its output."""

    def __init__(self, settings: dict):
        self.settings = settings
        self.content = Path(settings["PATH"])
        self.cache = Path(settings["CACHE_PATH"]) / "images"
        self.modern = [(ext, mime) for ext, mime in _MODERN if features.check(ext)]
        self._sets: dict[tuple, ImageSet | None] = {}

    def image_set(self, relative: str) -> ImageSet | None:
        """The set of the content file ``relative`` (also its path in the output), or None for
        a file that is not a still PNG or JPEG Tribune can open (it is then shown as it is)."""
        source = self.content / relative
        rendering.depends_on_file(self.settings, relative)  # the page being rendered prints its sizes
        try:
            stat = source.stat()
        except OSError:
            return None
        key = (relative, stat.st_size, stat.st_mtime_ns)
        if key not in self._sets:
            try:
                self._sets[key] = self._make(relative, source)
            except ImageError:
                self._sets[key] = None  # the lint and the SEO plugin name the file and its line
        found = self._sets[key]
        if found is not None:
            self._publish(found)
        return found

    def _make(self, relative: str, source: Path) -> ImageSet | None:
        with open_image(source, self.settings) as original:
            if original.format not in _FALLBACKS or getattr(original, "is_animated", False):
                return None
            width, height = original.size
            fallback_ext, _ = _FALLBACKS[original.format]
            widths = widths_of(self.settings, width)
            digest = hashlib.sha256(RECIPE.encode() + source.read_bytes()).hexdigest()[:20]

            def cached(w: int, extension: str) -> Path:
                return self.cache / f"{digest}-{w}.{extension}"

            copies = [(w, fallback_ext) for w in widths[:-1]] + [(w, ext) for ext, _ in self.modern for w in widths]
            _encode_missing(original, copies, cached, self.cache / f"{digest}.lock")
        stem = str(Path(relative).with_suffix(""))

        def variant(w: int, extension: str) -> Variant:
            return Variant(f"{stem}-{w}w.{extension}", w, cached(w, extension).stat().st_size, cached(w, extension))

        fallback = [variant(w, fallback_ext) for w in widths[:-1]] + [Variant(relative, width, source.stat().st_size)]
        found = ImageSet(relative, width, height, _lighter_only(fallback))
        best = _weight(found.fallback, widths)
        for extension, mime in reversed(self.modern):  # WebP first: AVIF must beat it too
            offered = _lighter_only([variant(w, extension) for w in widths])
            if _weight(offered, widths) < best:
                best = _weight(offered, widths)
                found.sources.insert(0, (mime, offered))
        return found

    def _publish(self, found: ImageSet) -> None:
        """Put the variants into the output (once) and name them to the page being rendered."""
        output = Path(self.settings["OUTPUT_PATH"])
        for variant in [v for v in found.fallback if v.cached] + [v for _, vs in found.sources for v in vs]:
            target = output / variant.path
            if not target.exists():
                place(variant.cached, target)
            rendering.wrote_file(variant.path)


def _encode_missing(original: Image.Image, copies: list[tuple[int, str]], cached: Callable[[int, str], Path], lock_path: Path) -> None:
    """Encode the copies (width, extension) of ``original`` not yet in the cache.

    Pages render in several processes at once, and an image shown on many pages (a logo, a
    series' illustration) is asked for by each of them at the start of a first build: each
    process claims a copy before encoding it (a lock on its byte of the image's lock file,
    which the system releases if the process dies), encodes those no other has claimed, then
    waits for the others' and encodes what a process that stopped left undone. Each copy is
    encoded once, and an image's copies on every core.
    """
    if all(cached(*copy).is_file() for copy in copies):
        return
    pixels = None

    def encode(width: int, extension: str) -> None:
        nonlocal pixels
        if cached(width, extension).is_file():  # made by another process meanwhile
            return
        if pixels is None:
            original.load()
            pixels = original.convert("RGBA" if original.mode in ("RGBA", "LA", "PA") or "transparency" in original.info else "RGB")
        resized = pixels if width == original.width else pixels.resize((width, round(original.height * width / original.width)),
                                                                        Image.Resampling.LANCZOS)
        # Lossless WebP only at a PNG's own width: a flat illustration's exact pixels are often
        # lighter so. Scaled down, its edges are smoothed into new shades, and lossless was
        # heavier than lossy at every smaller width of the sample's images (2 to 5 times), and
        # the slowest encoding of a first build (docs/performance.md).
        lossless_too = original.format == "PNG" and width == original.width
        _write_aside(cached(width, extension), _encode(resized, extension, lossless_too))

    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+b") as lock:
        claimed_elsewhere = []
        for index, copy in enumerate(copies):
            if not _lock(lock, index, wait=False):
                claimed_elsewhere.append((index, copy))
                continue
            try:
                encode(*copy)
            finally:
                _unlock(lock, index)
        for index, copy in claimed_elsewhere:
            _lock(lock, index, wait=True)  # until the process encoding it is done
            try:
                encode(*copy)
            finally:
                _unlock(lock, index)


def _lock(lock, index: int, wait: bool) -> bool:
    """Lock byte ``index`` of ``lock``: True once this process holds it, False when another
    does (``wait``: never False). On a file system without locks (some network mounts), True
    without a lock: a copy may then be encoded twice, and is written by rename all the same."""
    try:
        fcntl.lockf(lock, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB), 1, index)
    except OSError as error:
        return error.errno not in (errno.EAGAIN, errno.EACCES)
    return True


def _unlock(lock, index: int) -> None:
    try:
        fcntl.lockf(lock, fcntl.LOCK_UN, 1, index)
    except OSError:  # no locks on this file system: none was taken
        pass


def _write_aside(path: Path, data: bytes) -> None:
    """Write by rename: another process may be encoding or reading the same copy."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    partial.write_bytes(data)
    os.replace(partial, path)
