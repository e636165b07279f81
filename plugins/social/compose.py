"""Each network's text for a post, an event or a newsletter edition, written from the content.

A text is made of the piece's words (its title and summary, or the writer's own text for
that network: ``Social-Mastodon:``, ``Social-Bluesky:``, ``Social-LinkedIn:``, ``Social-X:``),
an event's date, the page's address with UTM tags for the network, and hashtags made from
its Tags (``soirée jeux`` gives ``#SoiréeJeux``: CamelCase, so that screen readers say the
words, with the accents kept). The same function writes the texts that are posted, those of
the kit page and those the lint counts, so the three never differ.

- French pieces get French typography (narrow no-break spaces, typographic apostrophes).
- Text stays text: no HTML is made here (the kit page escapes what it prints), and an
  ``@name`` of the words is made inert with an invisible word joiner after the "@" (no
  network links it or notifies anyone: a post of the community never pings a stranger;
  the lint says where it happened).
- Texts that Tribune writes are fitted to the network's limit: the summary is cut at a word
  (then the hashtags dropped, then the title cut). A writer's own text is never cut: the
  lint says by how much it is over.
"""

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import regex

from tribune.headers import first_paragraph
from tribune.i18n import _
from tribune.rendering import depends_on_body
from tribune.source import Source, read_source
from tribune.text import shorten
from tribune.typography import french_text

from . import counting

_MENTION = re.compile(r"(?<![\w/=@.+-])@(?=\w)")
WORD_JOINER = "\u2060"
_SPACES = re.compile(r"\s+")
_WORDS = {
    "fr": {"online": "en ligne"},
    "en": {"online": "online"},
}


@dataclass(frozen=True)
class Network:
    name: str
    label: str
    limit: int
    unit: str  # what is counted, in words
    count: object  # str -> int
    posted: bool  # posted by Tribune (the others are for members, in the kit)
    field: str  # the metadata field of the writer's own text

    def over(self, text: str) -> int:
        return self.count(text) - self.limit


NETWORKS = {
    "mastodon": Network("mastodon", "Mastodon", 500, "characters", counting.mastodon_length, True, "Social-Mastodon"),
    "bluesky": Network("bluesky", "Bluesky", 300, "graphemes", counting.bluesky_length, True, "Social-Bluesky"),
    "linkedin": Network("linkedin", "LinkedIn", 3000, "characters", counting.linkedin_length, False, "Social-LinkedIn"),
    "x": Network("x", "X", 280, "weighted characters", counting.x_length, False, "Social-X"),
}


@dataclass
class Segment:
    """A piece of a text: plain words, a link (shown as ``text``, going to ``target``) or a
    hashtag (``text`` "#SoiréeJeux", ``target`` "SoiréeJeux")."""

    text: str
    kind: str = "text"  # text, link, tag
    target: str = ""


@dataclass
class SocialText:
    network: Network
    segments: list[Segment]
    link: str  # the page's address with this network's UTM tags
    own_words: bool  # the writer's own text (Social-<Network>:) rather than the title and summary
    mentions: list[str] = field(default_factory=list)  # @names made inert

    # Once each: a text is made whole (its segments are not changed after), and fitting it
    # to a network and showing it on the kit page ask for its count again and again.
    @cached_property
    def text(self) -> str:
        return "".join(segment.text for segment in self.segments)

    @cached_property
    def count(self) -> int:
        return self.network.count(self.text)

    @property
    def over(self) -> int:
        return self.count - self.network.limit


def unit_name(unit: str) -> str:
    """What a network counts, in the site's language."""
    return {"characters": _("characters"), "graphemes": _("graphemes"), "weighted characters": _("weighted characters")}[unit]


def hashtag(tag: str) -> str | None:
    """"soirée jeux" -> "SoiréeJeux"; None when nothing of it can be a hashtag (digits only)."""
    words = regex.findall(r"[\p{L}\p{N}]+", tag)
    name = "".join(word[:1].upper() + word[1:] for word in words)
    return name if regex.search(r"\p{L}", name) else None


def hashtags(source: Source, settings: dict) -> list[str]:
    found = []
    for tag in [*(source.get("Tags") or "").split(","), *settings.get("SOCIAL_HASHTAGS", [])]:
        name = hashtag(tag.strip())
        if name and name.lower() not in (known.lower() for known in found):
            found.append(name)
    return found[: settings.get("SOCIAL_HASHTAGS_MAX", 4)]


def defuse_mentions(text: str) -> tuple[str, list[str]]:
    """``text`` with every @mention made inert, and the mentions found."""
    found = re.findall(r"(?<![\w/=@.+-])@(\w[\w.@-]*\w|\w)", text)
    return _MENTION.sub("@" + WORD_JOINER, text), ["@" + name for name in found]


def with_utm(url: str, network: str, campaign: str, settings: dict) -> str:
    if not settings.get("SOCIAL_UTM", True):
        return url
    parts = urlsplit(url)
    query = urlencode({"utm_source": network, "utm_medium": "social", "utm_campaign": campaign})
    return urlunsplit(parts._replace(query=f"{parts.query}&{query}" if parts.query else query))


def page_url(content, settings: dict) -> str:
    """The address of the piece on the live site (PRODUCTION_SITEURL), what every text links to."""
    site = (settings.get("PRODUCTION_SITEURL") or settings["SITEURL"]).rstrip("/")
    return f"{site}/{content.url}"


def short_display(url: str) -> str:
    """How Bluesky's app shows a link: no scheme, no query, a long path cut."""
    parts = urlsplit(url)
    path = parts.path if len(parts.path) <= 26 else parts.path[:24] + "…"
    return parts.netloc + path.rstrip("/")


def _plain(value: str | None) -> str:
    return _SPACES.sub(" ", value or "").strip()


def _typeset(text: str, lang: str, settings: dict) -> str:
    return french_text(text) if settings.get("FRENCH_TYPOGRAPHY", True) and lang.startswith("fr") else text


def source_of(content) -> Source:
    return getattr(content, "header", None) or read_source(Path(content.source_path))


@dataclass
class Words:
    """What a piece says, before it is fitted to a network."""

    title: str
    when: str  # an event's date, else ""
    summary: str
    tags: list[str]
    overrides: dict[str, str]  # network name -> the writer's own text


def words_of(content, settings: dict) -> Words:
    source = source_of(content)
    lang = content.lang
    kind = type(content).__name__
    title = _plain(source.get("Title") or source.get("Subject"))
    summary = _plain(source.get("Summary"))
    when = ""
    if kind == "Edition":  # its subject line (when the title is not already it) and preheader
        subject = _plain(source.get("Subject"))
        summary = "\n".join(part for part in (subject if subject != title else "", _plain(source.get("Preheader"))) if part)
    elif not summary:
        summary = _plain(first_paragraph(source, settings))
        depends_on_body(content)
    if kind == "Event":
        from events.when import when_in_words

        when = when_in_words(content.schedule, lang, ZoneInfo(settings.get("TIMEZONE", "UTC")))[0]
        if content.online and not content.offline:
            when += " · " + _WORDS.get(lang, _WORDS["en"])["online"]
        elif content.offline and content.metadata.get("venue"):
            when += " · " + _plain(content.metadata["venue"])
    overrides = {name: _plain(source.get(network.field)) for name, network in NETWORKS.items() if _plain(source.get(network.field))}
    typeset = lambda text: _typeset(text, lang, settings)  # noqa: E731
    return Words(typeset(title), typeset(when), typeset(summary), hashtags(source, settings),
                 {name: typeset(text) for name, text in overrides.items()})


def compose(content, network: Network, settings: dict, campaign: str = "syndication", words: Words | None = None) -> SocialText:
    """The text of ``content`` for ``network``, fitted to its limit unless the writer wrote it."""
    words = words or words_of(content, settings)
    link = with_utm(page_url(content, settings), network.name, campaign, settings)
    shown = short_display(link) if network.name == "bluesky" else link
    own = words.overrides.get(network.name)

    def build(title: str, summary: str, tags: list[str]) -> SocialText:
        body = own if own is not None else "\n\n".join(part for part in (title + (f"\n{words.when}" if words.when else ""), summary) if part)
        body, mentions = defuse_mentions(body)
        segments = [Segment(body + "\n\n"), Segment(shown, "link", link)]
        if tags:
            segments.append(Segment("\n\n"))
            for index, tag in enumerate(tags):
                segments += [Segment(" ")] if index else []
                segments.append(Segment("#" + tag, "tag", tag))
        return SocialText(network, segments, link, own is not None, mentions)

    text = build(words.title, words.summary, words.tags)
    if own is not None or text.over <= 0:
        return text
    # Tribune's own text: cut the summary at a word (by halves, then one word at a time)...
    summary = words.summary
    while summary and text.over > 0:
        summary = shorten(summary, max(len(summary) - max(text.over, 1), 2))
        summary = "" if summary == "…" else summary
        text = build(words.title, summary, words.tags)
    # ...then drop the hashtags, then cut the title.
    if text.over > 0:
        text = build(words.title, "", [])
    title = words.title
    while text.over > 0 and len(title) > 1:
        title = shorten(title, max(len(title) - max(text.over, 1), 2))
        text = build(title, "", [])
    return text


def texts_for(content, settings: dict, networks: list[str], campaign: str = "syndication") -> dict[str, SocialText]:
    words = words_of(content, settings)
    return {name: compose(content, NETWORKS[name], settings, campaign, words) for name in networks}


def wants_social(content) -> bool:
    """False when the writer keeps the piece off the networks (``Social: no``). Asked of every
    post at every build: read in the metadata Pelican's reader gave (from its cache), not in
    the file again (at 5 000 posts, parsing them took 0.38 s of each rebuild)."""
    value = content.metadata.get("social") or "yes"
    if isinstance(value, list):  # the field written twice, or continued on a second line: the last value, as the lint reads it
        value = value[-1] if value else "yes"
    return str(value).strip().lower() not in ("no", "false")
