"""NewsletterGenerator: each published edition's e-mail files, its page in the site's
archive, the archive's index and an Atom feed of editions."""

from pathlib import Path

from tribune.generators import ContentGenerator
from tribune.rendering import shown_outside_pages
from tribune.templating import load_interface_strings

from .catalogue import Catalogue, EditionContents
from .contents import Edition
from .kept import KeptEmails
from .mail import Mailer, write_edition_files


class NewsletterGenerator(ContentGenerator):
    def generate_context(self):
        self.editions: list[Edition] = [e for e in self.read_contents("NEWSLETTER_PATHS", Edition) if e.status == "published"]
        for edition in self.editions:
            self.add_source_path(edition)
        self.editions.sort(key=lambda e: e.date, reverse=True)
        self.context["editions"] = self.editions

    def _site_objects(self, contents):
        """The edition's items as the site's own objects (rendered text, avatars...)."""
        pool = {c.source_path: c for c in [*self.context.get("articles", []), *self.context.get("events", []), *self.context.get("members", [])]}
        return EditionContents(
            posts=[pool.get(p.source_path, p) for p in contents.posts],
            events=[pool.get(e.source_path, e) for e in contents.events],
            member=pool.get(contents.member.source_path, contents.member) if contents.member else None,
        )

    def generate_output(self, writer):
        if not self.editions:
            return
        catalogue = Catalogue.read(self.settings)
        emails = KeptEmails(Mailer.of(catalogue), catalogue, self.settings)
        light = {e.edition_id: e for e in catalogue.editions}
        output = Path(self.output_path)
        for edition in self.editions:
            rendered = emails.render(light[edition.edition_id])
            shown_outside_pages(self.settings, rendered.from_bodies)
            shown_outside_pages(self.settings, [item.source_path for item in rendered.contents.named()], body=False)
            write_edition_files(rendered, output / self.settings["NEWSLETTER_EMAIL_DIR"].format(edition=edition.edition_id), edition.source_path)
            edition.contents = self._site_objects(rendered.contents)
            self.write_item(writer, edition, "edition")
        self.write_index(writer, "newsletters")
        if self.settings.get("NEWSLETTER_FEED_ATOM"):
            # Its own address as rel="self" (not the archive's page), and its own title.
            strings = load_interface_strings(self.theme).get(self.settings["DEFAULT_LANG"], {})
            writer.write_feed(self.editions, self.context, self.settings["NEWSLETTER_FEED_ATOM"], feed_title=strings.get("newsletter"))
