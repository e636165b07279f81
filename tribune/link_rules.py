"""Links and images of a body that lead nowhere: an error at their line, with the closest file.

Pelican publishes a ``{filename}``, ``{static}`` or ``{attach}`` link to a missing file as it is
written (a warning in English, once, naming neither file nor line), and never rewrites an
image path written without ``{static}``: ``![](images/x.png)`` in a post is looked for beside
the post's page (``/billets/mon-billet/images/x.png``), where it is not. Both would be
published broken; the lint stops them, and suggests the file of content/ the writer most
likely meant (:mod:`tribune.suggest`). Drafts are checked once they are no longer drafts.

An image from another site is a warning: the site promises to load nothing from other hosts
(each reader's browser would ask that host for it, telling it who reads what), and the image
can vanish or change there.
"""

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from tribune.confinement import folder_of
from tribune.i18n import _
from tribune.content_folder import ContentFolder
from tribune.lint import EACH_FILE, ERROR, WARNING, Corpus, Problem, SourceMemo, display_path, reads
from tribune.paths import INTERNAL_LINK, OutsideContent, is_web_address
from tribune.rules import text_lines
from tribune.source import Source
from tribune.suggest import closest

#: A Markdown image, ![alt](src): its alt text and path (the SEO plugin checks the alt text).
MARKDOWN_IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\(\s*<?(?P<src>[^)\s>]+)")
_HTML_IMAGE = re.compile(r"<img\b[^>]*?\bsrc\s*=\s*(?:\"(?P<double>[^\"]*)\"|'(?P<single>[^']*)'|(?P<bare>[^\s>\"']+))", re.IGNORECASE)
_memo = SourceMemo()  # each body's links that lead nowhere, while the content folder's listing stays the same


def _images(line: str) -> Iterable[str]:
    for image in MARKDOWN_IMAGE.finditer(line):
        yield image["src"]
    if "<" in line:
        for image in _HTML_IMAGE.finditer(line):
            yield image["double"] or image["single"] or image["bare"] or ""


def _file_name(src: str) -> str:
    """The file name an image's address ends with ("photo.jpg"), to suggest where to save it."""
    return urlsplit(src).path.rsplit("/", 1)[-1] or "image.jpg"


def _exists(content: ContentFolder, written: str, folder: str) -> bool | None:
    """Whether the file ``written`` names is in content/; None when it leads out of it (the
    confinement rules say so)."""
    try:
        return content.is_file(content.content_path(written, folder))
    except OutsideContent:
        return None


def _missing(link: str, kind: str, target: str, candidates: list[str]) -> str:
    guess = closest(target.lstrip("/"), candidates)
    if guess:
        return _("{link}: no such file in content/; did you mean {suggestion}?", link=link, suggestion=f"{{{kind}}}/{guess}")
    return _("{link}: no such file in content/", link=link)


def _unresolved(content: ContentFolder, source: Source) -> Iterable[tuple[int, str, str]]:
    markdown, every = content.markdown, content.files
    folder = folder_of(source, content.root)
    for number, line in text_lines(source):
        if "{" in line:
            for link in INTERNAL_LINK.finditer(line):
                if _exists(content, link["target"], folder) is False:
                    candidates = markdown if link["kind"] == "filename" else every
                    yield number, _missing(link.group(0), link["kind"], link["target"], candidates), ERROR
        if "![" in line or "<img" in line.lower():
            for src in _images(line):
                if src.startswith("//") or urlsplit(src).scheme.lower() in ("http", "https"):
                    yield number, _("{link}: an image from another site ({host}): each reader's browser would ask {host} for it, "
                                    "and it can vanish there; save it in content/images/ and write {{static}}/images/{name}",
                                    link=src, host=urlsplit(src).hostname or src, name=_file_name(src)), WARNING
                    continue
                if not src or src.startswith(("{", "#")) or is_web_address(src):
                    continue  # a {static} link (above), a fragment, a data: image
                if src.startswith("/"):  # a path of the site: the static file must be there
                    if _exists(content, src, folder) is False:
                        yield number, _missing(src, "static", src, every), ERROR
                    continue
                guess = closest(src, every)
                if guess:
                    yield number, _("{link}: the page will not find this image (Pelican rewrites only {{static}} paths); did you mean "
                                    "{suggestion}?", link=src, suggestion=f"{{static}}/{guess}"), ERROR
                else:
                    yield number, _("{link}: the page will not find this image (Pelican rewrites only {{static}} paths); put the image in "
                                    "content/images/ and write {{static}}/images/{name}", link=src, name=_file_name(src)), ERROR


@reads(EACH_FILE)
def check_links_resolve(corpus: Corpus) -> Iterable[Problem]:
    """Every {filename}, {static} and {attach} link, and every image path, of the bodies that
    are published leads to a file of content/."""
    content = corpus.content_folder
    if not content.root.is_dir():
        return

    def unresolved(source: Source) -> Iterable[Problem]:
        path = display_path(source.path)
        return (Problem(path, number, "", message, severity) for number, message, severity in _unresolved(content, source))

    for sources in corpus.sources.values():
        for source in sources:
            if (source.get("Status") or "").strip().lower() == "draft":
                continue
            yield from _memo.recall(corpus, source, content.version, unresolved)
