"""The site build's e-mails, kept for the next build while nothing they are made of changed.

Every build writes the e-mail of every published edition into output/ (its archive page
links to it). Rendering one takes 10 to 15 ms (the editor's Markdown, the template,
css-inline, the plain text): a site with two years of monthly editions spent a third of a
second of each rebuild on e-mails that could not have changed. Each e-mail is kept in
``CACHE_PATH/newsletter-emails/`` with the digest of everything it is made from, and used
again while that digest is the same:

- Tribune's, the plugins' and the theme's code, the libraries' versions and the settings (the
  page cache's :meth:`~tribune.rendering.PageCache.code_and_settings`), and css-inline's
  version;
- the edition's file, and what the edition shows, chosen again at each build from the
  catalogue (a post that enters or leaves its period changes the choice);
- the files of the posts it shows, and of every content that is not a post (events, members,
  pages, editions, the charter): their headers make the items, the links, the spotlight;
- the files its ``{filename}`` links were looked for at as it was rendered (found or not:
  the renderer tries two paths for one link), kept with the e-mail and stamped again;
- every file of the content folder that is not Markdown (stamped by the catalogue in the same
  walk as the Markdown files): the images whose sizes it prints, the conversations' archives.

Other posts' files are left out: an edit of a post the edition does not show keeps its
e-mail. Each of these files is known by its size and modification time, as Pelican's content
cache knows them. The cache follows Pelican's switches (read with ``LOAD_CONTENT_CACHE``,
written with ``CACHE_CONTENT``; a folder that cannot be written keeps nothing). ``invoke newsletter`` and ``invoke send`` never read it:
what is sent to subscribers is rendered from the files as they are.
"""

import os

from tribune.caches import Kept
from tribune.fingerprint import Digest, package_version
from tribune.rendering import cache_for

from .catalogue import Catalogue, EditionContents
from .contents import Edition
from .mail import Mailer, RenderedEdition
from .post_index import post_folders

_FORMAT = 3  # of the kept files: a change of it renders every e-mail again
_KEPT_FIELDS = ("html", "text", "web_url", "links", "from_bodies", "linked")


class KeptEmails:
    """The e-mails of one build: each taken from the cache when its inputs did not change,
    rendered (and kept) otherwise."""

    def __init__(self, mailer: Mailer, catalogue: Catalogue, settings: dict):
        self.mailer = mailer
        self.catalogue = catalogue
        self.settings = settings
        self.kept = Kept(settings, "newsletter-emails")
        self._shared: str | None = None

    def render(self, edition: Edition) -> RenderedEdition:
        if not self.kept.used:
            return self.mailer.render(edition)
        contents = self.catalogue.contents_of(edition)  # or EditionError, as rendering would
        key = self._key(edition, contents)
        kept = self.kept.get(edition.edition_id, key)
        if isinstance(kept, dict) and kept["linked"] == self._stamps_of(kept["fields"]["linked"]):
            return RenderedEdition(edition, contents, **kept["fields"])
        rendered = self.mailer.render(edition)
        fields = {name: getattr(rendered, name) for name in _KEPT_FIELDS}
        self.kept.put(edition.edition_id, key, {"linked": self._stamps_of(rendered.linked), "fields": fields})
        return rendered

    def _stamps_of(self, relative_paths) -> list:
        """The stamps of these files of the content (None for a file that is not there)."""
        content = self.settings["PATH"]
        return [(path, self.catalogue.stamps.get(os.path.normpath(os.path.join(content, path)))) for path in sorted(relative_paths)]

    def _key(self, edition: Edition, contents: EditionContents) -> str:
        digest = Digest(states=False)
        digest.add(self._shared_inputs())
        shown = [content.source_path for content in contents.named()]
        digest.add(edition.source_path).add(shown)
        files = self.catalogue.stamps
        digest.add([files.get(path) for path in shown])
        return digest.hexdigest()

    def _shared_inputs(self) -> str:
        """What every edition is made of: the code, the settings, the content's files but posts."""
        if self._shared is None:
            digest = Digest(states=False).add(_FORMAT).add(cache_for(self.settings).code_and_settings())
            digest.add(package_version("css-inline"))
            posts = post_folders(self.settings)
            digest.add({path: stamp for path, stamp in self.catalogue.stamps.items() if not path.startswith(posts)})
            digest.add(self.catalogue.others)
            self._shared = digest.hexdigest()
        return self._shared
