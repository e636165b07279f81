"""Avatars, re-encoded: no EXIF or other metadata (GPS position, camera serial) reaches
output/, and each is cut square and resized to the sizes the theme shows."""

from pathlib import Path

from PIL import Image, ImageOps


def clean_avatar(source: Path, destination_pattern: Path, sizes: tuple[int, ...]) -> dict[int, Path]:
    """Write one square JPEG per size, from pixels only; return {size: path}.

    ``destination_pattern`` contains ``{size}``. Pillow writes no EXIF, ICC or XMP unless it
    is asked to, and the orientation EXIF is applied to the pixels first, so that a portrait
    photographed sideways stays upright once the tag is gone.
    """
    written = {}
    with Image.open(source) as original:
        upright = ImageOps.exif_transpose(original).convert("RGB")
    for size in sizes:
        square = ImageOps.fit(upright, (size, size), method=Image.Resampling.LANCZOS)
        square.info.clear()  # nothing from the original file but its pixels
        target = Path(str(destination_pattern).format(size=size))
        target.parent.mkdir(parents=True, exist_ok=True)
        square.save(target, "JPEG", quality=85, optimize=True, progressive=True)
        written[size] = target
    return written
