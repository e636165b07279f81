"""Pelican content objects made from a file's metadata alone, without rendering its text.

The newsletter needs the titles, dates, URLs and summaries of every post, event and member
to choose an edition's items; reading and rendering thousands of Markdown files for that
would take seconds. The header is read with :mod:`tribune.source`, processed by Pelican's
own metadata processors, and given to the content class, so URLs, slugs and statuses are
exactly those of the site build.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import markdown
from pelican.readers import METADATA_PROCESSORS, default_metadata

from tribune.signals import contents_reading_finished, contents_reading_started
from tribune.slugs import slugify_metadata
from tribune.source import Source, read_source
from tribune.text import plain_text

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_NOT_PROSE = re.compile(r"^\s*(#|!\[|<|\||```|>|-{3,}|\* \* \*)")


def _process(name: str, value: str, settings: dict):
    processor = METADATA_PROCESSORS.get(name)
    return processor(value, settings) if processor else value


def processed_metadata(source: Source, settings: dict) -> dict:
    """The metadata Pelican's reader would give this file (empty fields left out)."""
    metadata = default_metadata(settings, lambda name, value: _process(name, value, settings))
    for key, field in source.fields.items():
        if field.value.strip():
            metadata[key] = _process(key, field.value, settings)
    slugify_metadata(metadata)
    return metadata


def first_paragraph(source: Source, settings: dict) -> str:
    """The first paragraph of prose of the body, rendered then reduced to plain text."""
    for block in _PARAGRAPH_BREAK.split(source.body):
        if block.strip() and not _NOT_PROSE.match(block):
            return plain_text(markdown.markdown(block, **{k: v for k, v in settings.get("MARKDOWN", {}).items() if k == "output_format"}))
    return ""


def light_content(path: Path, content_class, settings: dict):
    """A ``content_class`` object for ``path`` from its header; its text is left unrendered."""
    source = read_source(path)
    metadata = processed_metadata(source, settings)
    content = content_class("", metadata=metadata, settings=settings, source_path=str(path), context={})
    missing = [name for name in content_class.mandatory_properties if not hasattr(content, name)]
    if missing:
        raise ValueError(f"{path}: no {', '.join(missing)}")
    content.header = source
    return content


@contextmanager
def reading_contents(settings: dict) -> Iterator[None]:
    """Around a reading of many contents with :func:`light_content` outside a build: the
    files a plugin consults for each content made (spotlight: the 100 member files of a site,
    stamped again for each of the 5 000 posts read) are consulted once for all of them."""
    try:  # a receiver failing as it starts still gets the finish (spotlight's counts tolerate it)
        contents_reading_started.send(settings)
        yield
    finally:
        contents_reading_finished.send(settings)
