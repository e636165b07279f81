"""The e-mail of an edition: HTML that mail clients render, and a plain-text part.

- The HTML comes from the theme's ``email/edition.html`` with every style inlined by
  css-inline (only the media queries and dark mode stay in a <style> block), absolute URLs
  from the production address, UTM parameters on links to the site, sized images, and
  Mailchimp's merge tags (unsubscribe, preferences, postal address).
- Only the template's own merge tags are live: every value the template prints (titles,
  summaries, names, quotes, the editor's word...) has its merge tags defused, so that a
  ``*|EMAIL|*`` typed in a member's quote is not replaced by each subscriber's address.
- No link or image leads to a script, whatever the content says (the lint may not have
  run: ``invoke newsletter`` does not run it): the e-mail keeps http(s), mailto and paths.
- The plain text is written for people who read plain text: from the data and the
  editor's Markdown, not from the HTML.
- Gmail clips a message over 102 KB and hides its footer (and the unsubscribe link):
  a larger edition is an error.
"""

import hashlib
import html as html_lib
import json
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import css_inline
import markdown
from events.when import when_in_words
from markupsafe import Markup

from tribune.dates import format_date
from tribune.headers import first_paragraph
from tribune.i18n import _, number
from tribune.images import ImageError, image_size
from tribune.paths import OutsideContent, content_path
from tribune.rendering import depends_on_body
from tribune.sanitise import defuse_merge_tags, is_safe_url, url_scheme, writers_html
from tribune.templating import load_interface_strings, theme_environment
from tribune.text import plain_text, shorten
from tribune.typography import french_html, french_text

from .catalogue import Catalogue, EditionContents, EditionError
from .contents import Edition

GMAIL_CLIP_BYTES = 102 * 1024
TEXT_WIDTH = 78
_HREF_OR_SRC = re.compile(r'(?P<attribute>href|src)="(?P<url>[^"]*)"')
_INTERNAL = re.compile(r"\{(?P<kind>filename|static|attach)\}(?P<path>[^\"'\s)#?]+)")
_IMG = re.compile(r"<img\b[^>]*>")


def _summary_from_body(content) -> bool:
    """An item without a Summary: line is summed up by its text's first paragraph."""
    return not content.metadata.get("summary")


@dataclass
class RenderedEdition:
    edition: Edition
    contents: EditionContents
    html: str
    text: str
    web_url: str
    links: list[str] = field(default_factory=list)
    from_bodies: frozenset[str] = frozenset()  # the contents whose first paragraph it shows
    linked: frozenset[str] = frozenset()  # the files its {filename} links were looked for at (relative to the content)

    @property
    def html_bytes(self) -> int:
        return len(self.html.encode("utf-8"))

    @property
    def subject_line(self) -> str:
        """The subject for Mailchimp, which replaces merge tags there too: theirs are defused."""
        return defuse_merge_tags(plain_text(self.edition.subject))

    @property
    def preview_text(self) -> str:
        return defuse_merge_tags(plain_text(self.edition.preheader))

    def items(self) -> list[dict]:
        posts = [{"kind": "post", "title": plain_text(p.title), "slug": p.slug} for p in self.contents.posts]
        events = [{"kind": "event", "title": plain_text(e.title), "slug": e.slug} for e in self.contents.events]
        member = [{"kind": "member", "title": plain_text(self.contents.member.title), "slug": self.contents.member.slug}] if self.contents.member else []
        return posts + events + member

    def summary(self) -> dict:
        digest = hashlib.sha256((self.html + "\0" + self.text).encode("utf-8")).hexdigest()
        return {
            "edition": self.edition.edition_id,
            "subject": plain_text(self.edition.subject),
            "preheader": plain_text(self.edition.preheader),
            "title": plain_text(self.edition.title),
            "date": self.edition.date.isoformat(),
            "lang": self.edition.lang,
            "status": self.edition.status,
            "web_url": self.web_url,
            "items": self.items(),
            "links": len(self.links),
            "html_bytes": self.html_bytes,
            "text_bytes": len(self.text.encode("utf-8")),
            "content_hash": f"sha256:{digest}",
        }


_LAST: dict = {}  # the last mailer, with the catalogue and the theme (files, times) it renders


class Mailer:
    """Renders editions for one site: its settings, its theme, its production address."""

    def __init__(self, settings: dict, catalogue: Catalogue):
        self.settings = settings
        self.catalogue = catalogue
        self.site_url = (settings.get("PRODUCTION_SITEURL") or settings["SITEURL"]).rstrip("/")
        templates = Path(settings["THEME"]) / "templates"
        # Every {{ value }} defused; the template's own text (its merge tags) stays live.
        self.env = theme_environment(settings["THEME"], settings["CACHE_PATH"], finalize=defuse_merge_tags)
        self.env.filters.update(date_words=format_date, plain_text=plain_text, shorten=shorten)
        self.css = (templates / "email" / "email.css").read_text(encoding="utf-8")
        self.strings = load_interface_strings(settings["THEME"])
        self._rendered: dict[str, RenderedEdition] = {}
        self._linked: set[str] = set()  # the files the edition being rendered links to, found or not

    @classmethod
    def of(cls, catalogue: Catalogue) -> "Mailer":
        """The mailer of a catalogue (read once per build): the lint renders each edition to
        check it, and the build's generator writes the very same e-mails without rendering
        them again. A new one when the catalogue, the theme's files or the content's other
        files (an image whose size an e-mail prints) changed."""
        theme = Path(catalogue.settings["THEME"])
        templates = [(path, path.stat().st_mtime_ns) for path in sorted(theme.rglob("*")) if path.is_file()]
        if _LAST.get("catalogue") is not catalogue or _LAST.get("templates") != templates or _LAST.get("others") != catalogue.others:
            _LAST.update(catalogue=catalogue, templates=templates, others=catalogue.others, mailer=cls(catalogue.settings, catalogue))
        return _LAST["mailer"]

    # -- URLs -----------------------------------------------------------------------
    def absolute(self, path: str) -> str:
        """A URL of the site (or of the web) for the e-mail; any other scheme is read as a
        path of the site, as the site's own pages do (``{{ SITEURL }}/{{ url }}``)."""
        return path if url_scheme(path) in ("http", "https", "mailto") else f"{self.site_url}/{path.lstrip('/')}"

    def with_utm(self, url: str, edition: Edition) -> str:
        if not self.settings.get("NEWSLETTER_UTM", True) or not url.startswith(self.site_url + "/"):
            return url
        parts = urlsplit(url)
        query = dict(parse_qsl(parts.query))
        query.update(utm_source="newsletter", utm_medium="email", utm_campaign=edition.edition_id)
        return urlunsplit(parts._replace(query=urlencode(query)))

    def image_size(self, relative: str, field: str = "Image") -> tuple[int, int]:
        """The size of an image of the content folder (or of a share card, drawn by the build);
        ``field`` names what names the image, for the error."""
        try:
            return image_size(Path(self.settings["PATH"]) / content_path(self.settings["PATH"], relative), self.settings)
        except FileNotFoundError:
            return (1200, 630)  # not in content/: a share card, generated at build time
        except (ImageError, OutsideContent) as error:
            raise EditionError(field, _("{value} {error}", value=relative, error=error)) from None

    def image(self, relative: str, alt: str, width: int, field: str = "Image") -> dict:
        """An image for the e-mail: absolute URL, its alt text, display width and height."""
        real_width, real_height = self.image_size(relative, field)
        return {"url": self.absolute(relative), "alt": alt, "width": width, "height": round(width * real_height / real_width)}

    # -- The parts --------------------------------------------------------------------
    def _resolve(self, match: re.Match) -> str:
        kind, path = match["kind"], match["path"].lstrip("/")
        if kind == "filename":
            self._linked.update((path, path.removeprefix("../")))
            target = self.catalogue.content_at(path) or self.catalogue.content_at(path.removeprefix("../"))
            return self.absolute(target.url) if target else path
        return self.absolute(path)

    def body_html(self, edition: Edition) -> str:
        """The editor's word, from its Markdown, with absolute links and sized images."""
        options = dict(self.settings.get("MARKDOWN", {}))
        options["extensions"] = list(dict.fromkeys([*options.get("extensions", []), *options.get("extension_configs", {})]))
        html = writers_html(_INTERNAL.sub(self._resolve, markdown.Markdown(**options).convert(edition.header.body)))

        def size_image(tag: re.Match) -> str:
            source = re.search(r'src="([^"]+)"', tag.group(0))
            if not source or "width=" in tag.group(0) or not source.group(1).startswith(self.site_url + "/"):
                return tag.group(0)
            relative = source.group(1).removeprefix(self.site_url + "/")
            try:
                width, _ = self.image_size(relative)
            except EditionError as error:  # at the line of the editor's word that shows it
                name = Path(relative).name
                error.field, error.line = "", next((n for n, line in edition.header.body_lines() if name in line), None)
                raise
            shown = min(width, 552)
            return tag.group(0)[:-1].rstrip("/") + f' class="fluid" width="{shown}">'  # no height: see email/edition.html

        html = _IMG.sub(size_image, html)
        return french_html(html) if edition.lang.startswith("fr") else html

    def summary_of(self, content) -> str:
        if not _summary_from_body(content):
            return shorten(plain_text(content.metadata["summary"]), 220)
        depends_on_body(content)  # a page showing this e-mail shows its first paragraph
        return shorten(first_paragraph(content.header, self.settings), 220)

    def _items(self, contents: EditionContents, lang: str, body: str) -> dict:
        site_zone = ZoneInfo(self.settings.get("TIMEZONE", "UTC"))
        posts = []
        shown = {html_lib.unescape(m["url"]) for m in _HREF_OR_SRC.finditer(body) if m["attribute"] == "src"}
        for post in contents.posts:
            image = post.metadata.get("image") or self.settings.get("SEO_SHARE_IMAGE_SAVE_AS", "images/partage/{name}-{lang}.png").format(name=post.slug, lang=post.lang)
            # An image the reader has just seen (in the editor's word, on a card above) is not shown again.
            url = self.absolute(image)
            posts.append({
                "title": post.title, "url": self.absolute(post.url), "summary": self.summary_of(post), "date": format_date(post.date, lang),
                "image": None if url in shown else self.image(image, post.metadata.get("image-alt") or plain_text(post.title), 552),
            })
            shown.add(url)
        events = [{
            "title": e.title, "url": self.absolute(e.url), "summary": self.summary_of(e),
            "when": when_in_words(e.schedule, lang, site_zone)[0], "mode": e.mode,
            "day": e.schedule.start.day, "month": format_date(e.schedule.start, lang, "month_short"),
        } for e in contents.events]
        member = None
        if contents.member:
            m = contents.member
            avatar = None
            if m.metadata.get("avatar"):
                url = self.settings.get("MEMBER_AVATAR_SAVE_AS", "membres/{slug}/avatar-{size}.jpg").format(slug=m.slug, size=192)
                avatar = {"url": self.absolute(url), "alt": "", "width": 96, "height": 96}
            member = {"name": m.title, "role": getattr(m, "role", ""), "city": getattr(m, "city", ""), "quote": getattr(m, "quote", ""),
                      "url": self.absolute(m.url), "summary": self.summary_of(m), "avatar": avatar}
        return {"posts": posts, "events": events, "member": member, "conversation": self._conversation(contents, lang)}

    def _conversation(self, contents: EditionContents, lang: str) -> dict | None:
        """The liveliest conversation: its page's title, how many replies, where (the words are
        the conversations plugin's)."""
        if not contents.conversation:
            return None
        from babel.lists import format_list
        from conversations import interface_strings

        found, content = contents.conversation
        words = interface_strings().get(lang) or interface_strings()[self.settings["DEFAULT_LANG"]]
        places = format_list([words["newsletter_places"][name] for name in found.networks], locale=lang)
        count = words["newsletter_replies_one" if found.replies == 1 else "newsletter_replies_other"]
        return {"heading": words["newsletter_heading"], "title": content.title, "url": self.absolute(content.url) + "#reponses",
                "text": count.replace("{count}", str(found.replies)).replace("{places}", places), "more": words["newsletter_more"]}

    def render(self, edition: Edition) -> RenderedEdition:
        """The edition's e-mail, rendered once while the posts it holds are those of the
        catalogue (a post whose file changed is built again: Catalogue.read)."""
        rendered = self._rendered.get(edition.source_path)
        if rendered is None or not all(self.catalogue.is_current(post) for post in rendered.contents.posts):
            rendered = self._rendered[edition.source_path] = self._render(edition)
        return rendered

    def _render(self, edition: Edition) -> RenderedEdition:
        self._linked = set()
        contents = self.catalogue.contents_of(edition)
        body = self.body_html(edition)
        if contents.is_empty() and not plain_text(body):
            raise EditionError("Title", _("the edition is empty: no editor's word, no post, no event, no member"))
        lang = edition.lang if edition.lang in self.strings else self.settings["DEFAULT_LANG"]
        web_url = self.absolute(edition.url)
        items = self._items(contents, lang, body)
        logo = self.settings.get("SEO_LOGO")
        context = {
            "edition": edition, "t": self.strings[lang], "lang": lang, "body": Markup(body), "web_url": web_url,
            "site_url": self.site_url + "/", "site_name": self.settings["SITENAME"], "date": format_date(edition.date, lang),
            "logo": self.image(logo, self.settings["SITENAME"], 48, field="SEO_LOGO") if logo else None, **items,
        }
        html = self.env.get_template("email/edition.html").render(context)
        html = css_inline.CSSInliner(keep_style_tags=True, extra_css=self.css, load_remote_stylesheets=False).inline(html)
        html = _HREF_OR_SRC.sub(lambda m: self._tracked(m, edition), html)
        links = [html_lib.unescape(m["url"]) for m in _HREF_OR_SRC.finditer(html) if m["attribute"] == "href"]
        text = self.text(edition, body, items, web_url, lang)
        shown = [*contents.posts, *contents.events, *([contents.member] if contents.member else [])]
        return RenderedEdition(edition, contents, html, text, web_url, links,
                               frozenset(content.source_path for content in shown if _summary_from_body(content)), frozenset(self._linked))

    def _tracked(self, match: re.Match, edition: Edition) -> str:
        url = html_lib.unescape(match["url"])
        if not is_safe_url(url):
            return ""  # a link that is not one rather than a script
        if url.startswith("/") and not url.startswith("//"):
            url = self.absolute(url)  # a path of the site, typed in the editor's word: a mail client has no site
        if match["attribute"] == "href":
            url = self.with_utm(url, edition)
        return f'{match["attribute"]}="{html_lib.escape(url, quote=True)}"'

    # -- Plain text -----------------------------------------------------------------------
    def text(self, edition: Edition, body_html: str, items: dict, web_url: str, lang: str) -> str:
        t = self.strings[lang]
        french = lang.startswith("fr")
        label = lambda key: t[key] + ("\u202f:" if french else ":")  # noqa: E731
        track = lambda url: self.with_utm(url, edition)  # noqa: E731
        blocks = [plain_text(edition.title).upper(), format_date(edition.date, lang), f"{label('newsletter_view_online')} {track(web_url)}"]
        blocks += markdown_to_text(edition.header.body, lambda url: track(self._resolve_text(url) or ""), french_text if french else str)
        sections = [
            (t["newsletter_posts"], [(plain_text(p["title"]), p["summary"], p["url"]) for p in items["posts"]]),
            (t["newsletter_events"], [(plain_text(e["title"]), e["when"], e["url"]) for e in items["events"]]),
            (t["newsletter_member"], [(plain_text(items["member"]["name"]), items["member"]["quote"] or items["member"]["summary"], items["member"]["url"])] if items["member"] else []),
            *([(items["conversation"]["heading"], [(plain_text(items["conversation"]["title"]), items["conversation"]["text"],
                                                    items["conversation"]["url"])])] if items["conversation"] else []),
        ]
        for heading, entries in sections:
            if entries:
                blocks.append(f"{heading.upper()}\n{'-' * len(heading)}")
                for title, detail, url in entries:
                    blocks.append("\n".join([f"* {title}", *(["  " + line for line in textwrap.wrap(detail, TEXT_WIDTH - 2)] if detail else []), f"  {track(url)}"]))
        blocks = [defuse_merge_tags(block) for block in blocks]  # the footer's tags below stay live
        blocks.append("-- ")
        blocks.append(_wrap(t["newsletter_why"].replace("{site}", self.settings["SITENAME"])))
        blocks.append(f"{label('newsletter_update_profile')} *|UPDATE_PROFILE|*\n{label('newsletter_unsubscribe')} *|UNSUB|*")
        blocks.append("*|LIST:ADDRESSLINE|*")
        return "\n\n".join(block.strip("\n") for block in blocks if block.strip()) + "\n"

    def _resolve_text(self, url: str) -> str | None:
        """A link of the editor's Markdown, as a reader of the plain text can follow it
        (None for a link the HTML part drops)."""
        if not is_safe_url(url):
            return None
        internal = _INTERNAL.fullmatch(url)
        return self._resolve(internal) if internal else self.absolute(url)


def _wrap(paragraph: str) -> str:
    return "\n".join(textwrap.wrap(paragraph, TEXT_WIDTH, break_long_words=False, break_on_hyphens=False))


_MD_LINK = re.compile(r"(?<!!)\[([^\]]+)\]\(([^)\s]+)\)")
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_HTML_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9-]*(?:\s[^>]*)?/?>")  # raw HTML, not <https://...>
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1")
_MD_HEADING = re.compile(r"^#{1,6}\s+(.*)$")
_MD_ITEM = re.compile(r"^\s*([-*+]|\d+\.)\s+(.*)$")


def markdown_to_text(source: str, resolve, typeset) -> list[str]:
    """The editor's Markdown as plain-text blocks: links as "text (URL)" (or "text" when
    ``resolve`` gives no URL), no markup left (raw HTML tags are dropped, their text kept)."""
    blocks = []
    for block in re.split(r"\n\s*\n", source.strip()):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        rendered = []
        for line in lines:
            line = _MD_IMAGE.sub("", _MD_HTML_TAG.sub("", line))
            line = _MD_LINK.sub(lambda m: f"{m.group(1)} ({url})" if (url := resolve(m.group(2))) else m.group(1), line)
            line = _MD_EMPHASIS.sub(r"\2", line)
            rendered.append(typeset(line))
        heading = _MD_HEADING.match(rendered[0])
        if heading and len(rendered) == 1:
            title = heading.group(1).upper()
            blocks.append(f"{title}\n{'-' * len(title)}")
        elif all(_MD_ITEM.match(line) for line in rendered):
            blocks.append("\n".join(textwrap.fill(_MD_ITEM.match(line).group(2), TEXT_WIDTH, initial_indent="* ", subsequent_indent="  ", break_long_words=False, break_on_hyphens=False) for line in rendered))
        else:
            blocks.append(_wrap(" ".join(rendered)))
    return [b for b in blocks if b.strip()]


def write_edition_files(rendered: RenderedEdition, folder: Path, source_path: str) -> dict:
    """Write email.html, email.txt and edition.json, each by rename: never half a file."""
    if rendered.html_bytes > GMAIL_CLIP_BYTES:
        raise EditionError("Title", _("the e-mail is {size} KB, over the {limit} KB at which Gmail clips messages and hides the "
                                      "unsubscribe link: shorten the editor's word or list fewer items (Posts:)",
                                      size=number(rendered.html_bytes / 1024), limit=GMAIL_CLIP_BYTES // 1024))
    folder.mkdir(parents=True, exist_ok=True)
    summary = rendered.summary()
    for name, data in (("email.html", rendered.html), ("email.txt", rendered.text), ("edition.json", json.dumps(summary, ensure_ascii=False, indent=2) + "\n")):
        temporary = folder / f".{name}.tmp"
        temporary.write_text(data, encoding="utf-8")
        temporary.replace(folder / name)
    return summary
