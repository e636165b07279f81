"""The PNG file of a share card, compressed only where it differs from the site's blank card.

Every card of a site is the same blank card (background, the site's line, the accent) with a
title over its middle. Pillow compresses all 630 rows of each card, and two thirds of that
time goes to rows no title touches (docs/performance.md): a first build saves 800 cards at
1 000 posts. Here the blank card's rows are compressed once per process, in bands of
:data:`BAND_ROWS` rows that each end on a full flush (where a deflate stream may stop and
another, compressed apart, go on); a card's file joins the blank's compressed bands with its
own bands where its rows differ, and its checksum is the blank's combined with its own (zlib's
``adler32_combine``, which Python does not expose). What a decoder reads is the card, pixel for
pixel: an 8-bit palette PNG, rows unfiltered (as Pillow writes a palette image).
"""

import struct
import zlib
from dataclasses import dataclass

from PIL import Image

BAND_ROWS = 16
_LEVEL = 1  # zlib's fastest: social networks re-encode the cards, nothing else reads them
_ADLER_BASE = 65521


def _unfiltered_rows(image: Image.Image) -> bytes:
    """The image's palette indexes as PNG rows, each after its filter type (0: none)."""
    framed = Image.new(image.mode, (image.width + 1, image.height), 0)  # column 0: the filter bytes
    framed.paste(image, (1, 0))  # same mode: indexes copied as they are
    return framed.tobytes()


def _raw_deflate(data: bytes, end: int) -> bytes:
    compressor = zlib.compressobj(_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush(end)


def adler32_combine(first: int, second: int, second_length: int) -> int:
    """The Adler-32 of two byte strings joined, from the checksums of each (zlib's
    ``adler32_combine``)."""
    remainder = second_length % _ADLER_BASE
    low = (first & 0xFFFF) + (second & 0xFFFF) + _ADLER_BASE - 1
    high = remainder * (first & 0xFFFF) + (first >> 16) + (second >> 16) + _ADLER_BASE - remainder
    return (low % _ADLER_BASE) | ((high % _ADLER_BASE) << 16)


@dataclass(frozen=True)
class Blank:
    """The blank card's rows, band by band: unfiltered, compressed apart (ending on a full
    flush, and the last band also ending the stream) and checksummed."""

    size: tuple[int, int]
    rows: bytes
    band_bytes: int
    compressed: tuple[bytes, ...]
    last_compressed: bytes
    checksums: tuple[int, ...]

    @classmethod
    def of(cls, image: Image.Image) -> "Blank":
        rows = _unfiltered_rows(image)
        band_bytes = (image.width + 1) * BAND_ROWS
        bands = [rows[start:start + band_bytes] for start in range(0, len(rows), band_bytes)]
        return cls(image.size, rows, band_bytes, tuple(_raw_deflate(band, zlib.Z_FULL_FLUSH) for band in bands),
                   _raw_deflate(bands[-1], zlib.Z_FINISH), tuple(zlib.adler32(band) for band in bands))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bytes(card: Image.Image, blank: Blank, palette: list[int]) -> bytes:
    """The PNG of ``card`` (palette indexes, drawn over ``blank``) with ``palette``'s colours."""
    if card.size != blank.size:
        raise ValueError(f"a {card.size} card over a {blank.size} blank")
    rows, step, last = _unfiltered_rows(card), blank.band_bytes, len(blank.compressed) - 1
    stream, checksum, compressor = [b"\x78\x01"], 1, None  # zlib's header: deflate, 32 KiB window, fastest
    for index, start in enumerate(range(0, len(rows), step)):
        band = rows[start:start + step]
        if band != blank.rows[start:start + step]:
            compressor = compressor or zlib.compressobj(_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
            stream.append(compressor.compress(band))
            checksum = zlib.adler32(band, checksum)
            continue
        if compressor is not None:  # the card's own bands so far end where the blank's begin
            stream.append(compressor.flush(zlib.Z_FULL_FLUSH))
            compressor = None
        stream.append(blank.last_compressed if index == last else blank.compressed[index])
        checksum = adler32_combine(checksum, blank.checksums[index], len(band))
    if compressor is not None:
        stream.append(compressor.flush(zlib.Z_FINISH))
    stream.append(struct.pack(">I", checksum))
    header = struct.pack(">IIBBBBB", card.width, card.height, 8, 3, 0, 0, 0)  # 8 bits, palette, no interlace
    return b"".join([b"\x89PNG\r\n\x1a\n", _chunk(b"IHDR", header), _chunk(b"PLTE", bytes(palette)),
                     _chunk(b"IDAT", b"".join(stream)), _chunk(b"IEND", b"")])
