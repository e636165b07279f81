"""French first: slugs, dates, typography and interface strings, by the page's language.

- Slugs of posts, pages, categories, tags and authors come from python-slugify (through
  :mod:`tribune.slugs`) instead of Pelican's own slugify, so that apostrophes and
  accents give the same URLs as `invoke new` does.
- Dates in words come from Babel in the content's language (``locale_date``), whatever
  the locales installed on the machine.
- French content gets French typography (:mod:`tribune.typography`): the body when it is
  read (so that Pelican's content cache keeps it typeset), titles, summaries, alt texts and
  the text fields a content class lists in ``text_fields`` after.
- Title and Summary metadata are plain text, escaped once here, so that hostile text in
  them cannot become markup, and reads back intact in feeds.
- The theme's interface strings (``theme/i18n/<lang>.json``) reach templates as ``UI``,
  with the filters ``date_words``, ``plain_text`` and ``shorten``.

Settings: ``SITE_LANGUAGES`` (languages content may be written in, default
``[DEFAULT_LANG]``) and ``FRENCH_TYPOGRAPHY`` (default True).
"""

from markupsafe import escape
from pelican import signals
from pelican.contents import Static

from tribune.dates import format_date
from tribune.slugs import slugify_metadata
from tribune.templating import bytecode_cache, load_interface_strings
from tribune.text import plain_text, shorten
from tribune.typography import french_html, french_text


def _is_french(settings: dict, lang: str | None) -> bool:
    return settings.get("FRENCH_TYPOGRAPHY", True) and (lang or "").startswith("fr")


def _typeset_reader(reader_class: type) -> type:
    """``reader_class`` whose read() gives French bodies their typography."""

    def read(self, source_path):
        body, metadata = reader_class.read(self, source_path)
        if _is_french(self.settings, metadata.get("lang") or self.settings["DEFAULT_LANG"]):
            body = french_html(body or "")
        return body, metadata

    return type(f"French{reader_class.__name__}", (reader_class,), {"read": read, "__doc__": reader_class.__doc__})


def typeset_readers(readers) -> None:
    """Every reader typesets the bodies it reads (once: a rebuild gets them from the cache)."""
    for extension, reader_class in readers.reader_classes.items():
        if not reader_class.__name__.startswith("French"):
            readers.reader_classes[extension] = _typeset_reader(reader_class)


def slugify_content(generator, metadata: dict) -> None:
    """Give the file and its taxonomies python-slugify slugs before Pelican computes its own."""
    slugify_metadata(metadata)


def localise_content(content) -> None:
    """Dates in words, a typeset and escaped title and summary for one post, page, event..."""
    if isinstance(content, Static) or not hasattr(content, "title"):
        return  # static files; content without title is reported by the lint
    if hasattr(content, "date"):
        content.locale_date = format_date(content.date, content.lang)
    if hasattr(content, "modified"):
        content.locale_modified = format_date(content.modified, content.lang)
    typeset = french_text if _is_french(content.settings, content.lang) else str
    # Title and Summary are plain text; Pelican treats them as HTML (its feeds strip their
    # tags), so they become escaped HTML here, once: "<script>" reads "<script>" everywhere.
    content.title = escape(typeset(str(content.title)))
    if "summary" in content.metadata:
        content.metadata["summary"] = escape(typeset(str(content.metadata["summary"])))
    # Every other text a reader sees (an image's alt text, an event's venue, a member's role):
    # plain text, typeset too. A content class lists its own in ``text_fields``.
    for key in ("image-alt", *getattr(content, "text_fields", ())):
        if isinstance(content.metadata.get(key), str):
            content.metadata[key] = typeset(content.metadata[key])
            if isinstance(getattr(content, key.replace("-", "_"), None), str):
                setattr(content, key.replace("-", "_"), content.metadata[key])


def add_template_helpers(generator) -> None:
    """Jinja helpers every template can use: UI strings, dates in words, plain and short text."""
    if not hasattr(generator, "env"):
        return
    # Each generator has its own Jinja environment: without a cache, every one of them
    # compiles the same templates again, on every build.
    generator.env.bytecode_cache = bytecode_cache(generator.settings["CACHE_PATH"], repr(sorted(generator.settings.get("JINJA_ENVIRONMENT", {}).items())))
    generator.env.globals["UI"] = load_interface_strings(generator.theme)
    generator.env.filters.update(date_words=format_date, plain_text=plain_text, shorten=shorten)


def register() -> None:
    signals.article_generator_context.connect(slugify_content)
    signals.page_generator_context.connect(slugify_content)
    signals.readers_init.connect(typeset_readers)
    signals.content_object_init.connect(localise_content)
    signals.generator_init.connect(add_template_helpers)
