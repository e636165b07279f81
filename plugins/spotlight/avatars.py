"""Avatars, re-encoded: no EXIF or other metadata (GPS position, camera serial) reaches
output/, and each is cut square and resized to the sizes the theme shows."""

import hashlib
import shutil
from pathlib import Path

from PIL import Image, ImageOps

from tribune.images import open_image


def clean_avatar(source: Path, destination_pattern: Path, sizes: tuple[int, ...], settings: dict, cache: Path | None = None) -> dict[int, Path]:
    """Write one square JPEG per size, from pixels only; return {size: path}.

    With ``cache`` (a folder), each cleaned copy is kept under a key made of the source's
    bytes and the size, so an unchanged avatar is not decoded and re-encoded on every build.

    ``destination_pattern`` contains ``{size}``. Pillow writes no EXIF, ICC or XMP unless it
    is asked to, and the orientation EXIF is applied to the pixels first, so that a portrait
    photographed sideways stays upright once the tag is gone.
    """
    written = {}
    key = hashlib.sha256(source.read_bytes()).hexdigest()[:20]
    missing = [size for size in sizes if cache is None or not (cache / f"{key}-{size}.jpg").is_file()]
    upright = None
    if missing:
        with open_image(source, settings) as original:  # refused when over IMAGE_MAX_PIXELS
            upright = ImageOps.exif_transpose(original).convert("RGB")
    for size in sizes:
        target = Path(str(destination_pattern).format(size=size))
        target.parent.mkdir(parents=True, exist_ok=True)
        if size not in missing:
            shutil.copyfile(cache / f"{key}-{size}.jpg", target)
            written[size] = target
            continue
        square = ImageOps.fit(upright, (size, size), method=Image.Resampling.LANCZOS)
        square.info.clear()  # nothing from the original file but its pixels
        square.save(target, "JPEG", quality=85, optimize=True, progressive=True)
        if cache is not None:
            cache.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(target, cache / f"{key}-{size}.jpg")
        written[size] = target
    return written
