"""The kit speaks the site's language: every message a task prints goes through here.

Messages are written in English in the code, as gettext message ids, and translated by the
catalogues in ``tribune/locale/<lang>/LC_MESSAGES/tribune.po``, kept with Babel
(``invoke translations`` extracts new messages and updates the catalogues; a test fails when
a message has no French translation). The catalogue is read from its ``.po`` file the first
time a message is translated (Babel compiles it in memory): there is no compiled file to keep
in step with the source.

A message with values names them, and the translation may put them in another order::

    _("{path}: no such file under content/", path=value)
    _n("{count} error", "{count} errors", count)

Every message is formatted, with or without values: literal braces are doubled
(``_("link to {{static}}/images/a.png")``).

The language is the site's (``DEFAULT_LANG``), and times in messages are given in the
site's time zone (``TIMEZONE``), both set once a site's settings are read
(:func:`set_language`); a language without catalogue speaks English.
"""

import gettext
import io
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.numbers import format_decimal
from babel.messages.pofile import read_po

LOCALE_FOLDER = Path(__file__).parent / "locale"
DOMAIN = "tribune"

_language = "en"
_timezone = "UTC"

#: What a person may answer to a confirmation prompt, in any of the kit's languages.
YES = ("o", "oui", "y", "yes")
NO = ("n", "non", "no")


def set_language(lang: str | None, timezone: str | None = None) -> None:
    """Speak ``lang`` (e.g. "fr", "fr_CA", "en") from now on, and give times in ``timezone``
    (an IANA name, e.g. "Europe/Paris"; unchanged when None)."""
    global _language, _timezone
    _language = (lang or "en").replace("-", "_")
    if timezone:
        _timezone = timezone


def language() -> str:
    return _language


def timezone() -> str:
    return _timezone


def number(value: float, places: int = 0, optional: bool = False) -> str:
    """``value`` written the site's way, with ``places`` decimals (dropped when zero if
    ``optional``): "1 342", "0,91", "5" or "5,2" in French; "1,342", "0.91" in English."""
    decimals = ("#" if optional else "0") * places
    return format_decimal(value, format="#,##0" + (f".{decimals}" if places else ""), locale=_language)


def confirm(ask, question: str, tries: int = 3) -> bool:
    """Ask ``question`` with ``ask`` (``input``, or a test's stand-in) until the answer is
    yes (o, oui, y, yes) or no (n, non, no, nothing); an answer that is neither asks again,
    a few times. The end of input (Ctrl-D) is no."""
    for _attempt in range(tries):
        try:
            answer = (ask(question + " " + _("[y/N]") + " ") or "").strip().lower()
        except EOFError:
            return False
        if answer in YES:
            return True
        if answer in NO or not answer:
            return False
    return False


@cache
def _translations(lang: str) -> gettext.NullTranslations:
    """The catalogue of ``lang`` (or of its base language: fr for fr_CA), compiled in memory."""
    for candidate in (lang, lang.split("_")[0]):
        path = LOCALE_FOLDER / candidate / "LC_MESSAGES" / f"{DOMAIN}.po"
        if path.is_file():
            with path.open("rb") as stream:
                catalog = read_po(stream, locale=candidate)
            compiled = io.BytesIO()
            write_mo(compiled, catalog)
            compiled.seek(0)
            return gettext.GNUTranslations(compiled)
    return gettext.NullTranslations()


def _(message: str, /, **values) -> str:
    """``message`` in the site's language, with ``values`` put in."""
    return _translations(_language).gettext(message).format(**values)


def _n(singular: str, plural: str, count: int, /, **values) -> str:
    """The singular or plural form of a message for ``count`` (given to it as ``count``)."""
    translated = _translations(_language).ngettext(singular, plural, count)
    return translated.format(count=count, **values)


def update_catalogues(site_root: Path, languages: tuple[str, ...] = ("fr",)) -> list[Path]:
    """Extract every message of the code (babel.cfg) into the template ``tribune.pot``, then
    bring each language's catalogue up to date with it (new messages added untranslated,
    gone ones marked obsolete); return the catalogues to translate."""
    from babel.messages.frontend import CommandLineInterface

    template = LOCALE_FOLDER / f"{DOMAIN}.pot"
    run = CommandLineInterface().run
    run(["pybabel", "-q", "extract", "-F", str(site_root / "babel.cfg"), "-k", "_n:1,2", "--no-location",
         "--sort-output", "--omit-header", "-o", str(template), str(site_root)])
    catalogues = []
    for lang in languages:
        catalogue = LOCALE_FOLDER / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        command = "update" if catalogue.is_file() else "init"
        run(["pybabel", "-q", command, "-D", DOMAIN, "-i", str(template), "-d", str(LOCALE_FOLDER), "-l", lang,
             *(["--no-fuzzy-matching", "--ignore-obsolete"] if command == "update" else [])])
        catalogues.append(catalogue)
    _translations.cache_clear()
    return catalogues
