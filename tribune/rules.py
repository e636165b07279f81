"""The core lint rules: posts and pages, languages, translations, slugs, file names.

Plugins add their own kinds (members, events, editions) the same way, through
:data:`tribune.signals.lint_registry`; the checks written here for single values
(:func:`check_date`, :func:`check_status`...) are theirs to reuse.
"""

import posixpath
import re
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from pelican.readers import HTMLReader, MarkdownReader, RstReader

from tribune import confinement, limits
from tribune.i18n import _
from tribune.images import ImageError, image_size, revealing_metadata
from tribune.lint import EACH_FILE, ERROR, FIELDS, WARNING, ContentKind, Corpus, FieldSpec, Problem, Registry, SourceMemo, display_path, extra_fields, problem, reads
from tribune.paths import INTERNAL_LINK, OutsideContent, is_web_address
from tribune.sanitise import LINK_SCHEMES, MERGE_TAG, is_safe_url, url_scheme
from tribune.slugs import slugify
from tribune.source import Source, outside_fences

STATUSES = ("draft", "published", "hidden")
_DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?")  # _DATE_FORMATS, zero-padded
_TRUE_OR_FALSE = ("true", "false", "yes", "no")


def parse_date(value: str) -> datetime | None:
    """The date of a Date: field, or None when it does not parse."""
    value = value.strip()
    if _ISO_DATE.fullmatch(value):  # nearly every file: ten times faster than strptime
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(value, pattern)
        except ValueError:
            continue
    return None


def check_date(value: str) -> str | None:
    if parse_date(value) is None:
        return _('"{value}" is not a date (expected YYYY-MM-DD or YYYY-MM-DD HH:MM)', value=value)
    return None


def check_status(value: str) -> str | None:
    if value.lower() not in STATUSES:
        return _('"{value}" is not a status (expected one of {statuses})', value=value, statuses=", ".join(STATUSES))
    return None


def check_slug(value: str) -> str | None:
    if slugify(value) != value:
        return _('"{value}" is not a slug (lower-case ASCII letters, digits and hyphens: try "{slug}")', value=value, slug=slugify(value))
    return None


def check_boolean(value: str) -> str | None:
    if value.lower() not in _TRUE_OR_FALSE:
        return _('"{value}" must be true or false', value=value)
    return None


def check_image(value: str) -> str | None:
    scheme = url_scheme(value)
    if scheme in ("http", "https"):
        return None  # a web address
    if scheme:
        return _('"{value}" is not an image (a {scheme}: address): give a file under content/images (e.g. images/photo.jpg) or an https:// address',
                 value=value, scheme=scheme)
    normal = posixpath.normpath(value.removeprefix("{static}").lstrip("/"))
    if normal == ".." or normal.startswith("../"):
        return None  # out of content/: named_file_problem says so, with the file's whereabouts
    if not normal.startswith("images/"):
        return _('"{value}" must be a file under content/images (e.g. images/photo.jpg)', value=value)
    return None


def check_site_url(value: str) -> str | None:
    """Url: where Pelican serves the page: a path of the site (or a web address), never a script."""
    if not is_safe_url(value, ("http", "https")):
        return _('"{value}" is not a path of the site (e.g. billets/mon-billet/) nor an https:// address', value=value)
    return None


def _common_fields(*, required_date: bool) -> list[FieldSpec]:
    return [
        FieldSpec("Title", required=True),
        FieldSpec("Date", required=required_date, check=check_date),
        FieldSpec("Modified", check=check_date),
        FieldSpec("Slug", check=check_slug),
        FieldSpec("Lang"),
        FieldSpec("Translation", check=check_boolean),
        FieldSpec("Status", check=check_status),
        FieldSpec("Summary"),
        FieldSpec("Image", check=check_image),
        FieldSpec("Image-Alt"),
        FieldSpec("Template"),
        FieldSpec("Save_as"),
        FieldSpec("Url", check=check_site_url),
    ]


def post_kind(settings: dict) -> ContentKind:
    fields = _common_fields(required_date=True) + [
        FieldSpec("Category", required=True),
        FieldSpec("Tags"),
        FieldSpec("Author"),
        FieldSpec("Authors"),
    ]
    return ContentKind("post", list(settings.get("ARTICLE_PATHS", [])), fields, label=_("a post"))


def page_kind(settings: dict) -> ContentKind:
    return ContentKind("page", list(settings.get("PAGE_PATHS", [])), _common_fields(required_date=False), label=_("a page"))


def lang_of(source: Source, settings: dict) -> str:
    return (source.get("Lang") or settings.get("DEFAULT_LANG", "fr")).strip()


def slug_of(source: Source, title_field: str = "Title") -> str:
    """The slug the build will give this file: its Slug field, else its slugified title."""
    return (source.get("Slug") or slugify(source.get(title_field) or "")).strip()


def is_translation(source: Source) -> bool:
    return (source.get("Translation") or "").lower() in ("true", "yes")


@reads(EACH_FILE)
def check_languages(corpus: Corpus) -> Iterable[Problem]:
    known = corpus.settings.get("SITE_LANGUAGES") or [corpus.settings.get("DEFAULT_LANG", "fr")]
    for sources in corpus.sources.values():
        for source in sources:
            if source.get("Lang") and lang_of(source, corpus.settings) not in known:
                yield problem(source, "Lang", _('"{lang}" is not a language of the site ({languages})', lang=source.get("Lang"), languages=", ".join(known)))


@reads(FIELDS)
def check_slugs_and_translations(corpus: Corpus) -> Iterable[Problem]:
    """Two files with the same slug and language overwrite each other; a translation needs its original."""
    for kind in ("post", "page"):
        by_slug: dict[str, list[Source]] = defaultdict(list)
        for source in corpus.of_kind(kind):
            if source.get("Title"):
                by_slug[slug_of(source)].append(source)
        for slug, sources in by_slug.items():
            seen: dict[str, Source] = {}
            for source in sources:
                lang = lang_of(source, corpus.settings)
                field = "Slug" if source.get("Slug") else "Title"
                if lang in seen:
                    yield problem(source, field, _('duplicate slug "{slug}" ({lang}): {path} has it too; set a different Slug:',
                                                   slug=slug, lang=lang, path=display_path(seen[lang].path)))
                seen.setdefault(lang, source)
            originals = [source for source in sources if not is_translation(source)]
            for source in sources:
                if is_translation(source) and not any(
                    lang_of(original, corpus.settings) != lang_of(source, corpus.settings) for original in originals
                ):
                    yield problem(source, "Translation", _('no original with slug "{slug}" in another language; '
                                                           "give the translation the same Slug: as its original", slug=slug))


def named_file_problem(source: Source, key: str, corpus: Corpus) -> Problem | None:
    """What is wrong with the file a field names (Image:, Avatar:): it is outside the content
    folder (``..``, a symbolic link leading out), missing, or an image Tribune will not open
    (not an image, or over IMAGE_MAX_PIXELS)."""
    value = source.get(key)
    if not value or is_web_address(value):
        return None  # empty, or a web address
    settings, content = corpus.settings, corpus.content_folder
    try:
        relative = content.content_path(value)
    except OutsideContent as error:
        return problem(source, key, _('"{value}" {error}: name a file under content/images/', value=value, error=error))
    if not content.is_file(relative):
        return problem(source, key, _("{value}: no such file under content/", value=value))
    try:
        image_size(Path(settings["PATH"]) / relative, settings)
    except ImageError as error:
        return problem(source, key, _("{value} {error}", value=value, error=error))
    return None


@reads(EACH_FILE)
def check_images_exist(corpus: Corpus) -> Iterable[Problem]:
    """An Image: of any kind of content must be a file of the content folder (or a web address)."""
    for sources in corpus.sources.values():
        yield from filter(None, (named_file_problem(source, "Image", corpus) for source in sources))


@reads()
def check_static_file_names(corpus: Corpus) -> Iterable[Problem]:
    """Static files keep their names in output/: no accents or spaces in any URL."""
    content = Path(corpus.settings["PATH"])
    for directory in corpus.settings.get("STATIC_PATHS", []):
        for path in sorted((content / directory).rglob("*")):
            if path.is_file() and not re.fullmatch(r"[A-Za-z0-9._-]+", path.name):
                stem, dot, suffix = path.name.rpartition(".")
                better = f"{slugify(stem)}.{suffix.lower()}" if dot else slugify(path.name)
                yield Problem(display_path(path), 1, "", _('file name "{name}" has accents, spaces or signs; rename it "{better}"',
                                                           name=path.name, better=better), ERROR)


_CODE_SPAN = re.compile(r"(`+).+?\1")
_SCRIPT_TAG = re.compile(r"<\s*script\b", re.IGNORECASE)
_EVENT_HANDLER = re.compile(r"<[a-zA-Z][^>]*?[\s\"'/](on[a-zA-Z]+)\s*=", re.IGNORECASE)
_MARKDOWN_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)")  # [text](url)
_REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?([^\s>]+)")  # [name]: url
_HTML_LINK = re.compile(
    r"<([a-zA-Z][a-zA-Z0-9+.-]*:[^>\s]*)>"  # <scheme:...>
    r"|\b(?:href|src|action|formaction|poster|data)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>\"']+))",
    re.IGNORECASE,
)


def text_lines(source: Source) -> Iterable[tuple[int, str]]:
    """The body's lines with their numbers, code left out (fenced blocks and `code spans`):
    what a writer shows as code is printed as text, never run."""
    for number, line in outside_fences(source.body_lines()):
        yield number, _CODE_SPAN.sub("", line) if "`" in line else line


def _link_targets(line: str) -> Iterable[str]:
    """The URLs a line links to: Markdown links and references, HTML attributes and autolinks."""
    if "](" in line:
        yield from _MARKDOWN_LINK.findall(line)
    if "]:" in line and (reference := _REFERENCE.match(line)):
        yield reference.group(1)
    if "<" in line:
        yield from ("".join(groups) for groups in _HTML_LINK.findall(line))


def _scripts_in(line: str) -> Iterable[str]:
    """What in one line of text would run a script on the page: a message for each."""
    if "<" in line and _SCRIPT_TAG.search(line):
        yield _("<script>: the site runs no JavaScript; remove it")
    if "<" in line:
        for handler in _EVENT_HANDLER.finditer(line):
            yield _("{attribute}= runs JavaScript, which the site does not; remove it", attribute=handler.group(1))
    for url in _link_targets(line):
        if not is_safe_url(url, LINK_SCHEMES):
            yield _("a {scheme}: link is not a web address; link to https://… or to a page of the site", scheme=url_scheme(url))


@reads(EACH_FILE)
def check_scripts(corpus: Corpus) -> Iterable[Problem]:
    """Script in trusted writers' text (a warning; an error with --strict, so publish refuses it:
    the site promises no JavaScript). Third-party text is not checked: it is sanitised at build."""
    for kind, sources in corpus.sources.items():
        if corpus.kinds.get(kind) and corpus.kinds[kind].third_party:
            continue
        for source in sources:
            yield from _scripts.recall(corpus, source, None, _scripts_of)


_scripts = SourceMemo()


def _scripts_of(source: Source) -> Iterable[Problem]:
    for number, line in text_lines(source):
        for message in _scripts_in(line):
            yield Problem(display_path(source.path), number, "", message, WARNING)


def _merge_tag_warning(tag: str) -> str:
    return _("{tag} is a Mailchimp merge tag: the newsletter prints it as typed, never replaced by a subscriber's data; remove it", tag=tag)


@reads(EACH_FILE)
def check_merge_tags(corpus: Corpus) -> Iterable[Problem]:
    """Merge tags typed in any content text: the e-mail defuses them (only its template's own
    are live), so what the writer meant will not happen; warned at the line."""
    for sources in corpus.sources.values():
        for source in sources:
            yield from _merge_tags.recall(corpus, source, None, _merge_tags_of)


_merge_tags = SourceMemo()


def _merge_tags_of(source: Source) -> Iterable[Problem]:
    for written in source.fields.values():
        tag = MERGE_TAG.search(written.value)
        if tag:
            yield Problem(display_path(source.path), written.line, written.key, _merge_tag_warning(tag.group(0)), WARNING)
    for number, line in text_lines(source):
        tag = MERGE_TAG.search(line)
        if tag:
            yield Problem(display_path(source.path), number, "", _merge_tag_warning(tag.group(0)), WARNING)


def reencoded_images(corpus: Corpus) -> dict[Path, tuple[Source, str]]:
    """The images the build re-encodes instead of copying (ContentKind.reencoded: members'
    avatars), by their real path, with the file and field that name them."""
    images = {}
    for kind in corpus.kinds.values():
        for key in kind.reencoded:
            for source in corpus.of_kind(kind.name):
                value = source.get(key)
                if value and not is_web_address(value):
                    try:
                        images[corpus.content_folder.located(value)[1]] = (source, key)
                    except OutsideContent:
                        continue  # named_file_problem says so
    return images


_named_images = SourceMemo()  # the real paths of the images each file names, while the content folder's listing stays the same


def check_reencoded_images_stay_private(corpus: Corpus) -> Iterable[Problem]:
    """An image the build never copies (an avatar) named by another file as its Image or in a
    {static} link: the page would show a missing image, or publishing it would take the
    original, metadata and all. An error at that line."""
    private = reencoded_images(corpus)
    if not private:
        return
    root, content = corpus.settings["PATH"], corpus.content_folder

    def named(source: Source) -> Iterable[tuple[int, str, str, Path]]:
        """(line, field, value, real path) of each image the file names as its Image or links to."""
        images = [(source.line_of("Image"), "Image", source.get("Image"), "")] if source.get("Image") else []
        folder = source.path.parent.relative_to(Path(root)).as_posix() if source.path.is_relative_to(root) else ""
        images += [(line, "", link["target"], folder) for line, text in source.body_lines() if "{" in text
                   for link in INTERNAL_LINK.finditer(text) if link["kind"] != "filename"]
        for line, key, value, relative_to in images:
            try:
                yield line, key, value, content.located(value, relative_to)[1]
            except OutsideContent:
                continue

    for sources in corpus.sources.values():
        for source in sources:
            for line, key, value, real in _named_images.recall(corpus, source, (content.version, root), named):
                owner = private.get(real)
                if owner and owner[0] is not source:
                    yield Problem(display_path(source.path), line, key, _("{value} is the {field} of {owner}, which the build re-encodes "
                                  "and never publishes as it is: use another image (a copy made for this page)", value=value, field=owner[1],
                                  owner=display_path(owner[0].path)))


_IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff", ".heic"}


@reads(FIELDS)
def check_image_metadata(corpus: Corpus) -> Iterable[Problem]:
    """Static images are copied as they are: one that carries the GPS position where it was
    taken, or a camera's serial number, would publish them (except the images a kind says the
    build re-encodes, such as members' avatars)."""
    content = Path(corpus.settings["PATH"])
    private = set(reencoded_images(corpus))
    for directory in corpus.settings.get("STATIC_PATHS", []):
        for path in sorted((content / directory).rglob("*")):
            if path.suffix.lower() in _IMAGE_SUFFIXES and path.is_file() and path.resolve() not in private:
                revealed = revealing_metadata(path)
                if revealed:
                    yield Problem(display_path(path), 1, "", _("the image carries {revealed} (in its EXIF metadata), which would be "
                                  "published with it: export it again without its metadata (most image editors offer it)", revealed=revealed), WARNING)


@reads(EACH_FILE)
def check_indented_fields(corpus: Corpus) -> Iterable[Problem]:
    """A field line indented by a tab or spaces: Pelican reads it as the end of the previous
    field, or as the first line of the text, and the field is silently lost."""
    extra = extra_fields(corpus.settings)
    for name, sources in corpus.sources.items():
        kind = corpus.kinds.get(name)
        for source in sources:
            for written in source.indented:
                if (kind and kind.spec(written.key)) or written.key.lower() in extra:
                    yield Problem(display_path(source.path), written.line, written.key,
                                  _("the line is indented (a tab or spaces before {field}:), so Pelican does not read it as a field and "
                                    "the {field} is lost: start the line at the margin", field=written.key), ERROR)


#: What Pelican reads besides .md files: it would publish them, unchecked.
_READ_BY_PELICAN = {f".{suffix}" for reader in (MarkdownReader, HTMLReader, RstReader) for suffix in reader.file_extensions} - {".md"}


@reads()
def check_unread_files(corpus: Corpus) -> Iterable[Problem]:
    """A file of a content folder that is not .md: Pelican ignores it (a .txt, a .docx: the
    writer thinks it is published), or publishes it without the lint (a .markdown, a .html).
    Static folders (images/) and the data files plugins keep beside content (.json) are left alone."""
    root = Path(corpus.settings["PATH"])
    static = [root / folder for folder in corpus.settings.get("STATIC_PATHS", [])]
    for directory in sorted({directory for kind in corpus.kinds.values() for directory in kind.directories}):
        if Path(directory).suffix == ".md":
            continue
        for path in corpus.files_in(directory):
            if (path.suffix in (".md", ".json") or path.name.startswith(".") or path.name.endswith("~")
                    or any(path.is_relative_to(place) for place in static)):
                continue
            better = f"{path.stem}.md"
            if path.suffix.lower() in _READ_BY_PELICAN:
                message = _("{name}: Pelican publishes this file, but Tribune checks only .md files: rename it {better}",
                            name=path.name, better=better)
            else:
                message = _("{name} is not read: a content folder takes .md files only; rename it {better}, or move it out of "
                            "content/", name=path.name, better=better)
            yield Problem(display_path(path), 1, "", message, WARNING)


def register(registry: Registry) -> None:
    """Add the core kinds and rules to a lint run (called before the plugins add theirs)."""
    from tribune import link_rules, scheduling, taxonomy  # which use this module's checks

    registry.add_kind(post_kind(registry.settings))
    registry.add_kind(page_kind(registry.settings))
    registry.add_rule(check_languages)
    registry.add_rule(check_slugs_and_translations)
    registry.add_rule(check_images_exist)
    registry.add_rule(check_static_file_names)
    registry.add_rule(check_image_metadata)
    registry.add_rule(check_reencoded_images_stay_private)
    confinement.register(registry)
    limits.register(registry)
    registry.add_rule(check_scripts)
    registry.add_rule(check_merge_tags)
    registry.add_rule(check_indented_fields)
    registry.add_rule(check_unread_files)
    registry.add_rule(link_rules.check_links_resolve)
    registry.add_rule(taxonomy.check_categories_and_tags)
    registry.add_rule(scheduling.check_scheduled_posts)
