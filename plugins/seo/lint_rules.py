"""The SEO lint: warnings a search engine or a social network would give, before publishing.

Warnings, not errors: the site builds, but ``invoke check --strict`` (and publishing) stops
on them. Thresholds are settings: SEO_TITLE_MAX_LENGTH (60), SEO_DESCRIPTION_MAX_LENGTH (160).
"""

import re
from collections.abc import Iterable
from functools import partial

from tribune.i18n import _
from tribune.link_rules import MARKDOWN_IMAGE
from tribune.lint import EACH_FILE, FIELDS, NOTICE, WARNING, Corpus, Problem, SourceMemo, display_path, problem, reads
from tribune.rules import is_translation, lang_of
from tribune.source import Source

_HTML_IMAGE = re.compile(r"<img\b(?P<attributes>[^>]*)>", re.IGNORECASE)

KINDS = ("post", "page")


def _published(corpus: Corpus, kind: str) -> Iterable[Source]:
    """Sources that will be published: drafts are not checked until they are."""
    return (source for source in corpus.of_kind(kind) if (source.get("Status") or "").lower() != "draft")


def _warning(source: Source, line: int, message: str) -> Problem:
    return Problem(display_path(source.path), line, "", message, WARNING)


@reads(EACH_FILE)
def check_lengths(corpus: Corpus) -> Iterable[Problem]:
    title_max = corpus.settings.get("SEO_TITLE_MAX_LENGTH", 60)
    description_max = corpus.settings.get("SEO_DESCRIPTION_MAX_LENGTH", 160)
    for kind in KINDS:
        for source in _published(corpus, kind):
            title = source.get("Title") or ""
            if len(title) > title_max:
                yield problem(source, "Title", _("{count} characters; search engines show about {limit}: shorten it to {limit} at most",
                                                 count=len(title), limit=title_max), WARNING)
            summary = source.get("Summary")
            if summary is not None and len(summary) > description_max:
                yield problem(source, "Summary", _("{count} characters; the description is cut at {limit}: shorten it to {limit} at most", count=len(summary),
                                                   limit=description_max), WARNING)
            if not summary and not re.search(r"^\s*[^\s#!<|>`-]", source.body, re.MULTILINE):
                yield problem(source, "Summary", _("no description: add a Summary (no paragraph to take it from)"), WARNING)


@reads(FIELDS)
def check_duplicates(corpus: Corpus) -> Iterable[Problem]:
    """The same title or description on two pages of the same language."""
    for field in ("Title", "Summary"):
        seen: dict[tuple[str, str], Source] = {}
        for kind in KINDS:
            for source in _published(corpus, kind):
                value = (source.get(field) or "").strip().lower()
                if not value:
                    continue
                key = (lang_of(source, corpus.settings), value)
                if key in seen:
                    same = (_("the same title as {path}: give it a Title: of its own", path=display_path(seen[key].path)) if field == "Title"
                            else _("the same description as {path}: give it a Summary: of its own", path=display_path(seen[key].path)))
                    yield problem(source, field, same, WARNING)
                else:
                    seen[key] = source


@reads(EACH_FILE)
def check_images(corpus: Corpus) -> Iterable[Problem]:
    """Images without alt text (warnings), and posts without any image (a notice)."""
    for kind in KINDS:
        for source in _published(corpus, kind):
            yield from _images.recall(corpus, source, kind, partial(_images_of, kind))


_images = SourceMemo()


def _images_of(kind: str, source: Source) -> Iterable[Problem]:
    has_image = bool(source.get("Image"))
    if has_image and not source.get("Image-Alt"):
        yield problem(source, "Image", _("no Image-Alt: describe the image for people who cannot see it"), WARNING)
    for line, text in source.body_lines():
        for image in MARKDOWN_IMAGE.finditer(text):
            has_image = True
            if not image["alt"].strip():
                yield _warning(source, line, _("image {src} has no alt text: ![describe it]({src})", src=image["src"]))
        for image in _HTML_IMAGE.finditer(text):
            has_image = True
            if not re.search(r"\balt\s*=\s*([\"'])\s*[^\"'\s]", image["attributes"]):
                src = re.search(r"\bsrc\s*=\s*([\"']?)([^\"'\s>]*)\1", image["attributes"])
                yield _warning(source, line, _('<img> without alt text: add one, alt="describe it"; or write ![describe it]({src})',
                                               src=src[2] if src else "…"))
    if kind == "post" and not has_image and not is_translation(source):
        # A notice: the generated card is a fine image, and publishing does not wait for another one.
        yield problem(source, "Image", _("the post has no image: social networks will show the generated card"), NOTICE)


RULES = (check_lengths, check_duplicates, check_images)
