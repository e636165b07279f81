"""The Member content type, and what decides whether a member may be published at all."""

import re
from datetime import date

from pelican.contents import Content

from tribune.i18n import _
from tribune.sanitise import third_party_html, third_party_text
from tribune.slugs import slugify

_URL = re.compile(r"https?://[^\s,;]+")
# What a member writes as plain text (Name is the title); the rest is the portrait, HTML.
_THIRD_PARTY_TEXT = ("name", "title", "role", "city", "quote", "summary")


def parse_links(value: str | None) -> list[str]:
    """Links: any number of web addresses, separated by commas, spaces or continuation lines."""
    return _URL.findall(value or "")


def unpublished_because(metadata: dict) -> str | None:
    """Why a member does not reach output/, in words (None when they do): consent withdrawn,
    Status: hidden or draft, or no date of consent yet."""
    status = (metadata.get("status") or "published").lower()
    if metadata.get("consent-withdrawn"):
        return _("consent withdrawn")
    if status != "published":
        return _("Status: {status}", status=status)
    if not metadata.get("consent"):
        return _("no date of consent yet")
    return None


def publishable(metadata: dict) -> bool:
    """Consent given, not withdrawn, not hidden or draft: the only members that reach output/."""
    return unpublished_because(metadata) is None


class Member(Content):
    """A member of the community. Their Name is the content's title.

    Pelican sets one attribute per metadata field as written (name, role, city, quote...);
    links, member_since and spotlight_month are the parsed ones. Members write their own
    text: the portrait and what they say of themselves are sanitised here, once, before any
    page, feed, index or e-mail is made of them (see tribune.sanitise)."""

    mandatory_properties = ("title",)
    text_fields = ("role", "city", "quote")  # typeset for French readers (plugins/l10n)
    allowed_statuses = ("published", "hidden", "draft")
    default_status = "published"
    default_template = "member"

    def __init__(self, content, metadata=None, settings=None, source_path=None, context=None):
        metadata = dict(metadata or {})
        metadata.setdefault("title", metadata.get("name", ""))
        for key in _THIRD_PARTY_TEXT:
            if metadata.get(key):
                metadata[key] = third_party_text(metadata[key])
        content = third_party_html(content)
        if "slug" not in metadata and metadata.get("title"):
            metadata["slug"] = slugify(metadata["title"])
        super().__init__(content, metadata, settings, source_path, context)
        for optional in ("role", "city", "quote"):  # fields a member may leave out
            setattr(self, optional, getattr(self, optional, ""))
        self.links = parse_links(metadata.get("links"))
        self.member_since = date.fromisoformat(str(metadata.get("member-since", ""))[:10]) if metadata.get("member-since") else None
        self.spotlight_month = (metadata.get("spotlight") or "").strip()
        self.may_publish = publishable(metadata)
        self.avatar_urls: dict[int, str] = {}  # filled by the generator: size -> URL of the cleaned copy
        self.articles = []  # posts whose author has this member's name
