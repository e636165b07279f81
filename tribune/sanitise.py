"""Third-party text, made harmless wherever it lands: the one sanitiser of the site.

Members write their own portraits, names and quotes; later, replies fetched from Mastodon
and Bluesky will be shown too. Such text is never trusted to be markup: every caller, on
the site, in the feeds, the search index and the e-mail, goes through one of two doors:

- :func:`third_party_html` for HTML (a rendered portrait, a reply's content): an allow-list
  of tags and attributes, applied by nh3 (the Python bindings of Rust's ammonia). No script,
  style, iframe, object or form, no event attribute, no link but http(s), mailto and paths of
  the site, no image from another host (the site loads nothing from elsewhere), and every
  link ``rel="nofollow ugc noopener"``.
- :func:`writers_html`, for the site's own writers' HTML where nothing may run (the e-mail):
  their markup kept, their scripts not;
- :func:`third_party_text` for plain text (a name, a quote): it stays text, which the
  templates escape where they print it; only the invisible characters that can disguise it
  are taken out.

Two checks serve trusted content too: :func:`url_scheme` (what a browser would take as the
scheme of a URL, however it is disguised) for the lint's URL fields and the e-mail's links,
and :func:`defuse_merge_tags`, which keeps Mailchimp from replacing a merge tag that a
writer typed (``*|EMAIL|*`` would print each subscriber's address).
"""

import html
import re

import nh3

#: Where a link from content may point, besides paths of the site.
LINK_SCHEMES = ("http", "https", "mailto")

_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "figcaption", "figure",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre",
    "q", "s", "small", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}
_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "ol": {"start"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}


def url_scheme(url: str) -> str:
    """The scheme a browser would read in ``url``, lower-cased; "" for a path (or ``//host``).

    Browsers decode entities in attributes, drop leading spaces and control characters and
    every tab or line break inside a URL, and ignore case: ``&#106;ava\\tScript:`` is
    ``javascript:``. The same is done here before looking.
    """
    previous, text = None, str(url)
    while text != previous:  # "&amp;#106;" is "&#106;" once written in an attribute, then "j"
        previous, text = text, html.unescape(text)
    text = re.sub(r"^[\x00-\x20]+", "", re.sub(r"[\t\n\r]", "", text))
    found = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", text)
    return found.group(1).lower() if found else ""


def is_safe_url(url: str, schemes: tuple[str, ...] = LINK_SCHEMES) -> bool:
    """A path of the site, or an address with one of ``schemes``: never a script or data."""
    return url_scheme(url) in ("", *schemes)


def _same_site_images(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src" and (url_scheme(value) or value.strip().startswith(("//", "\\\\"))):
        return None  # an image from another host would tell it who reads the page
    return value


_CLEANER = nh3.Cleaner(
    tags=_TAGS,
    clean_content_tags={"script", "style"},
    attributes=_ATTRIBUTES,
    attribute_filter=_same_site_images,
    url_schemes=set(LINK_SCHEMES),
    link_rel="nofollow ugc noopener",
)


def third_party_html(markup: str) -> str:
    """HTML written by someone outside the site, reduced to the allow-list: safe to print as is.

    Paths stay as they are, so Pelican's ``{filename}`` and ``{static}`` links still resolve.
    """
    return _CLEANER.clean(str(markup or ""))


_WRITERS_CLEANER = nh3.Cleaner(
    tags=_TAGS | {"span", "div", "caption"},
    clean_content_tags={"script", "style"},
    attributes={**_ATTRIBUTES, "*": {"class", "id", "lang", "dir"}},
    url_schemes=set(LINK_SCHEMES),
    link_rel=None,
)


def writers_html(markup: str) -> str:
    """HTML by the site's own writers, bound for a place where nothing may run whatever they
    typed (the e-mail, which ``invoke newsletter --send`` builds without the lint): their
    markup kept, but no script, style, frame or form, no event attribute, no link but http(s),
    mailto and paths."""
    return _WRITERS_CLEANER.clean(str(markup or ""))


# Bidirectional embeddings, overrides and isolates, and control characters: they can make a
# name read as another ("gnp.exe") or break a line where none is seen.
_DISGUISES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def third_party_text(text: str) -> str:
    """Plain text written by someone outside the site: still text (never read as markup:
    the templates escape it), without the invisible characters that could disguise it."""
    return _DISGUISES.sub("", str(text or "")).strip()


# -- Mailchimp merge tags ---------------------------------------------------------------------
#: A merge tag as a writer would type it (*|EMAIL|*, *|IF:FNAME|*), also URL-encoded.
MERGE_TAG = re.compile(r"\*(?:\||%7C).*?(?:\||%7C)\*", re.IGNORECASE)
# The two characters of "*|" and "|*", also as HTML entities and percent-encoded, in case
# Mailchimp decodes either before it looks for tags.
_STAR = r"(?:\*|&(?:#0*42|#x0*2a|ast|midast);|%2a)"
_PIPE = r"(?:\||&(?:#0*124|#x0*7c|vert|verbar|VerticalLine);|%7c)"
_OPENING = re.compile(f"({_STAR})({_PIPE})", re.IGNORECASE)
_CLOSING = re.compile(f"({_PIPE})({_STAR})", re.IGNORECASE)
_JOINER = "\u200d"  # zero width: the text reads the same, and "*|" is no longer there


def defuse_merge_tags(text):
    """``text`` (a str or Markup: the type is kept) with every "*|" and "|*" broken by a
    zero-width joiner, so that Mailchimp replaces nothing in it.

    A real character rather than an entity: it breaks the tag whether or not Mailchimp
    decodes entities first, and works in the plain-text part too.
    """
    if not isinstance(text, str):
        return text
    defused = _CLOSING.sub(rf"\1{_JOINER}\2", _OPENING.sub(rf"\1{_JOINER}\2", str(text)))
    return text if defused == text else type(text)(defused)
