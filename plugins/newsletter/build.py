"""`invoke newsletter`: one edition's e-mail files, without building the site.

It reads the content's headers only (see catalogue.py), so it takes well under a second,
needs no account and no network, and can run before or after `invoke build`.
"""

from pathlib import Path

from tribune.i18n import _
from tribune.lint import display_path

from .catalogue import Catalogue, EditionError
from .contents import Edition
from .mail import Mailer, RenderedEdition, write_edition_files


class NewsletterError(Exception):
    """Nothing was written: the message names the file and the field."""


def find_edition(catalogue: Catalogue, edition_id: str | None) -> Edition:
    if not catalogue.editions:
        raise NewsletterError(_("no edition in content/newsletters/: create one with invoke new edition"))
    if edition_id is None:
        return max(catalogue.editions, key=lambda e: e.date)
    matches = [e for e in catalogue.editions if e.edition_id == edition_id]
    if not matches:
        known = ", ".join(sorted(e.edition_id for e in catalogue.editions))
        raise NewsletterError(_('no edition "{edition}" (editions: {known})', edition=edition_id, known=known))
    return matches[0]


def build_edition(settings: dict, edition_id: str | None = None) -> tuple[RenderedEdition, Path]:
    """Render one edition and write its files under OUTPUT_PATH; return it and its folder."""
    catalogue = Catalogue.read(settings)
    edition = find_edition(catalogue, edition_id)
    try:
        rendered = Mailer.of(catalogue).render(edition)
        folder = Path(settings["OUTPUT_PATH"]) / settings["NEWSLETTER_EMAIL_DIR"].format(edition=edition.edition_id)
        write_edition_files(rendered, folder, edition.source_path)
    except EditionError as error:
        line = error.line or edition.header.line_of(error.field)
        field = f"{error.field}: " if error.field else ""
        raise NewsletterError(f"{display_path(Path(edition.source_path))}:{line}: {field}{error.message}") from None
    return rendered, folder
