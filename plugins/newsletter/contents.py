"""The Edition content type: one newsletter edition, named by its file."""

import re
from pathlib import Path

from markupsafe import escape
from pelican.contents import Content

from tribune.typography import french_text

EDITION_NAME = re.compile(r"^(?P<month>\d{4}-(0[1-9]|1[0-2]))(-[a-z0-9]+(-[a-z0-9]+)*)?$")


def parse_slugs(value) -> list[str]:
    """"Posts: a, b, c" (or one per continuation line) as a list of slugs."""
    return [part.strip() for part in re.split(r"[,\s]+", str(value or "")) if part.strip()]


class Edition(Content):
    """A newsletter edition. Its id is its file name (2026-11 or 2026-11-special); Title
    defaults to Subject and Subject to Title."""

    mandatory_properties = ("title",)
    allowed_statuses = ("published", "draft", "hidden")
    default_status = "published"
    default_template = "newsletter"

    def __init__(self, content, metadata=None, settings=None, source_path=None, context=None):
        metadata = dict(metadata or {})
        self.edition_id = Path(source_path).stem if source_path else ""
        metadata.setdefault("title", metadata.get("subject", ""))
        # What describes an edition (meta description, feeds, JSON-LD): its Summary, else its
        # Preheader, else its Subject; never its first paragraph, which greets the reader.
        metadata.setdefault("summary", metadata.get("preheader") or metadata.get("subject") or metadata["title"])
        metadata["slug"] = self.edition_id
        super().__init__(content, metadata, settings, source_path, context)
        typeset = french_text if self.lang.startswith("fr") and self.settings.get("FRENCH_TYPOGRAPHY", True) else str
        # Plain text made escaped HTML once, like titles (see plugins/l10n).
        self.subject = escape(typeset(str(metadata.get("subject") or metadata.get("title") or "")))
        self.preheader = escape(typeset(str(metadata.get("preheader") or "")))
        self.month = self.edition_id[:7]
        self.explicit: dict[str, list[str]] = {key: parse_slugs(metadata[key.lower()]) for key in ("Posts", "Events", "Spotlight") if metadata.get(key.lower())}

    def _expand_settings(self, key, klass=None):
        """URL settings are NEWSLETTER_URL, NEWSLETTER_SAVE_AS... (Pelican would look for EDITION_*)."""
        return super()._expand_settings(key, klass or "newsletter")
