"""A reply's words: from each network's form to plain text in the archive, and back to HTML on
the page.

Replies are kept as plain text (paragraphs separated by a blank line), never as the markup
their server sent: Mastodon gives HTML (which another server of the fediverse wrote), Bluesky
text with "facets" (links over byte ranges), webmention.io the HTML of someone's blog. So:

- a link keeps its address only when it is an http(s) one, written out ("text (address)" when
  its text says something else); mentions and hashtags keep their text; a ``javascript:``
  link keeps nothing but its text, a script or a style nothing at all;
- the text goes through :func:`tribune.sanitise.third_party_text` (no invisible character
  that disguises it) and :func:`tribune.sanitise.defuse_merge_tags` (a ``*|EMAIL|*`` in a
  reply that the newsletter shows stays as typed);
- the page turns the text back into paragraphs and links of its own making, then through
  :func:`tribune.sanitise.third_party_html`, the site's one sanitiser of third-party HTML.
"""

import re
from html.parser import HTMLParser

from markupsafe import Markup, escape

from tribune.sanitise import defuse_merge_tags, third_party_html, third_party_text, url_scheme
from tribune.text import shorten

#: A web address in a text, without the punctuation of the sentence after it.
WEB_ADDRESS = re.compile(r"https?://[^\s<>\"]*[^\s<>\".,;:!?)\]}'’»…]")
_BLOCKS = {"p", "div", "blockquote", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "section", "article", "tr"}
_UNSEEN = {"script", "style", "template", "noscript", "head", "title"}


def _web(href: str | None) -> str | None:
    href = (href or "").strip()
    return href if url_scheme(href) in ("http", "https") and "://" in href else None


def _same_address(shown: str, href: str) -> bool:
    """Whether a link's text is its address, however the server shortened it."""
    shown = shown.strip().rstrip("…").rstrip(".").strip()
    bare = re.sub(r"^https?://(www\.)?", "", href)
    return bool(shown) and (href.startswith(shown) or bare.startswith(re.sub(r"^https?://(www\.)?", "", shown)))


class _Reading(HTMLParser):
    """HTML read as its reader reads it: text, paragraphs and line breaks, links written out."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.unseen = 0
        self.link: tuple[str | None, str, list[str]] | None = None  # href, classes, text

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in _UNSEEN:
            self.unseen += 1
        elif tag == "br":
            self._write("\n")
        elif tag in _BLOCKS:
            self._write("\n\n")
        elif tag == "a" and self.link is None:
            self.link = (_web(attributes.get("href")), attributes.get("class") or "", [])

    def handle_startendtag(self, tag, attrs):
        if tag == "br":
            self._write("\n")

    def handle_endtag(self, tag):
        if tag in _UNSEEN:
            self.unseen = max(self.unseen - 1, 0)
        elif tag in _BLOCKS:
            self._write("\n\n")
        elif tag == "a" and self.link is not None:
            href, classes, pieces = self.link
            self.link = None
            shown = "".join(pieces)
            if href and not shown.strip().startswith(("@", "#")) and not {"mention", "hashtag"} & set(classes.split()):
                shown = href if _same_address(shown, href) or not shown.strip() else f"{shown} ({href})"
            self._write(shown)

    def handle_data(self, data):
        if self.unseen:
            return
        if self.link is not None:
            self.link[2].append(data)
        else:
            self._write(data)

    def _write(self, text: str) -> None:
        if self.link is not None and text.strip() == "":
            self.link[2].append(" " if text else "")
        else:
            self.parts.append(text)


def text_of_html(markup: str) -> str:
    """The text of a reply's HTML (Mastodon's ``content``, a webmention's ``content.html``)."""
    reading = _Reading()
    reading.feed(str(markup or ""))
    reading.close()
    if reading.link is not None:  # an <a> never closed
        reading.handle_endtag("a")
    return tidy("".join(reading.parts).replace("\r", ""))


def text_of_facets(text: str, facets: list | None) -> str:
    """A Bluesky post's text with each link written out in full: the app shows a link short
    ("exemple.fr/un-article-sur…") and keeps its address in a facet over those bytes."""
    data = str(text or "").encode("utf-8")
    links = []
    for facet in facets or []:
        index = facet.get("index") or {}
        start, end = index.get("byteStart"), index.get("byteEnd")
        uri = next((_web(f.get("uri")) for f in facet.get("features") or [] if str(f.get("$type", "")).endswith("#link")), None)
        if uri and isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(data):
            links.append((start, end, uri))
    for start, end, uri in sorted(links, reverse=True):
        try:
            shown = data[start:end].decode("utf-8")
        except UnicodeDecodeError:
            continue  # a facet that cuts a character: the text stays as written
        if not any(other_start < end and start < other_end for other_start, other_end, _ in links if (other_start, other_end) != (start, end)):
            replacement = uri if _same_address(shown, uri) else f"{shown} ({uri})"
            data = data[:start] + replacement.encode("utf-8") + data[end:]
    return tidy(data.decode("utf-8"))


def tidy(text: str) -> str:
    """Plain text as the archive keeps it: no disguising character, lines without trailing
    spaces, at most one blank line between paragraphs, merge tags defused."""
    text = third_party_text(text)
    lines = [line.strip() for line in text.replace("\r", "").split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return defuse_merge_tags(text)


def capped(text: str, limit: int) -> str:
    """``text`` within ``limit`` characters (a blog post that mentions the page is quoted, not copied)."""
    return text if len(text) <= limit else shorten(text.replace("\n", " "), limit)


def reply_html(text: str) -> Markup:
    """The page's HTML for a reply's text: paragraphs, line breaks and the web addresses as
    links, made here from escaped text, then through the site's sanitiser all the same."""
    paragraphs = []
    for paragraph in re.split(r"\n{2,}", text.strip()):
        pieces, last = [], 0
        for found in WEB_ADDRESS.finditer(paragraph):
            pieces += [str(escape(paragraph[last:found.start()])), f'<a href="{escape(found.group())}">{escape(found.group())}</a>']
            last = found.end()
        pieces.append(str(escape(paragraph[last:])))
        paragraphs.append("<p>" + "".join(pieces).replace("\n", "<br>") + "</p>")
    return Markup(third_party_html("".join(paragraphs)))
