"""Search plugin: a search page for each language of the site, on Pagefind's index.

Pagefind (see :mod:`tribune.search`) stems and indexes French pages as French and English
ones as English, and its interface searches the index of its own page's ``<html lang>``: an
English reader needs an English search page to find the English content. The header's search
field sends each reader to the page of their language (``search_urls`` in templates).

Settings (defaults set here): ``SEARCH_URL``/``SEARCH_SAVE_AS`` for the site's language,
``SEARCH_LANG_URL``/``SEARCH_LANG_SAVE_AS`` for the others (``{lang}`` in them); a language
is one of ``SITE_LANGUAGES``. The pages are ``noindex`` and out of the sitemap (plugins/seo).
"""

from pelican import signals
from pelican.generators import Generator

from tribune.generators import register_defaults

DEFAULTS = {
    "SEARCH_URL": "recherche/",
    "SEARCH_SAVE_AS": "recherche/index.html",
    "SEARCH_LANG_URL": "{lang}/search/",
    "SEARCH_LANG_SAVE_AS": "{lang}/search/index.html",
}


def search_pages(settings: dict) -> dict[str, tuple[str, str]]:
    """{lang: (url, save_as)} for every language of the site, the site's own first."""
    default = settings["DEFAULT_LANG"]
    languages = [default, *[lang for lang in settings.get("SITE_LANGUAGES", [default]) if lang != default]]
    pages = {}
    for lang in languages:
        if lang == default:
            pages[lang] = (settings["SEARCH_URL"], settings["SEARCH_SAVE_AS"])
        elif settings.get("SEARCH_LANG_SAVE_AS"):
            pages[lang] = (settings["SEARCH_LANG_URL"].format(lang=lang), settings["SEARCH_LANG_SAVE_AS"].format(lang=lang))
    return pages


class SearchPagesGenerator(Generator):
    """Writes search.html once per language, with ``page_lang`` set for the theme."""

    def generate_context(self):
        if self.settings.get("SEARCH_SAVE_AS"):
            self.context["search_urls"] = {lang: url for lang, (url, _) in search_pages(self.settings).items()}

    def generate_output(self, writer):
        if not self.settings.get("SEARCH_SAVE_AS"):
            return
        template = self.get_template("search")
        for lang, (url, save_as) in search_pages(self.settings).items():
            writer.write_file(save_as, template, self.context, relative_urls=self.settings["RELATIVE_URLS"], url=url,
                              page_lang=lang, page_name="search")


def get_generators(pelican):
    return SearchPagesGenerator


def register() -> None:
    register_defaults(DEFAULTS)
    signals.get_generators.connect(get_generators)
