"""What Tribune's own generators (events, members, newsletter editions) share.

Each reads one folder of Markdown files into its content class with Pelican's readers, then
writes one page per item and an index page, the way Pelican's own generators do.
"""

from pelican import signals
from pelican.generators import Generator


class ContentGenerator(Generator):
    """A Pelican generator for one kind of content of Tribune's."""

    def __init__(self, *args, **kwargs):
        # Pelican's content cache at the readers' level, as for articles and pages: a file
        # that did not change is not read again (CACHE_CONTENT, LOAD_CONTENT_CACHE).
        super().__init__(*args, readers_cache_name=f"{type(self).__name__}-Readers", **kwargs)

    def read_contents(self, paths_setting: str, content_class) -> list:
        """Every valid file of the folders named by ``paths_setting``, read as ``content_class``,
        in the order of their paths (Pelican finds them as a set: its order changes per run)."""
        found = []
        for path in sorted(self.get_files(self.settings[paths_setting])):
            content = self.readers.read_file(base_path=self.path, path=path, content_class=content_class, context=self.context)
            if content.is_valid():
                found.append(content)
            else:
                self._add_failed_source_path(path)
        self.readers.save_cache()
        return found

    def write_item(self, writer, item, name: str) -> None:
        """The page of one item; its template gets it as ``name`` (e.g. event) and as ``item``."""
        writer.write_file(item.save_as, self.get_template(item.template), self.context, relative_urls=self.settings["RELATIVE_URLS"],
                          url=item.url, item=item, **{name: item})

    def write_index(self, writer, name: str) -> None:
        """The index page ``name`` (template name.html) at NAME_SAVE_AS, NAME_URL."""
        writer.write_file(self.settings[f"{name.upper()}_SAVE_AS"], self.get_template(name), self.context,
                          relative_urls=self.settings["RELATIVE_URLS"], url=self.settings[f"{name.upper()}_URL"], page_name=name)


_DEFAULT_SETTERS: dict[int, object] = {}
_REGISTERED: dict[int, dict] = {}


def register_defaults(defaults: dict) -> None:
    """Give a plugin's settings their defaults when the site does not set them (Pelican's
    ``initialized`` signal, before any generator or lint rule reads them). Pelican calls a
    plugin's register() for every site it loads: one receiver per defaults dict is enough."""
    if id(defaults) in _DEFAULT_SETTERS:
        return

    def set_defaults(pelican) -> None:
        for key, value in defaults.items():
            pelican.settings.setdefault(key, value)

    _DEFAULT_SETTERS[id(defaults)] = set_defaults
    _REGISTERED[id(defaults)] = defaults
    signals.initialized.connect(set_defaults, weak=False)


def registered_defaults() -> dict:
    """Every plugin's defaults, by setting: what the settings' kinds are checked against."""
    return {key: value for defaults in _REGISTERED.values() for key, value in defaults.items()}
