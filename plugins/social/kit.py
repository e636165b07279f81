"""The "kit relais": a page per post and event for the members who relay it.

Each network's text, ready to copy or to edit, with its count, and a button that takes it to
the network's own compose page: Bluesky's ``/intent/compose?text=``, X's
``/intent/tweet?text=``, LinkedIn's ``/sharing/share-offsite/?url=`` (LinkedIn takes only
the link: its text is to copy), and Mastodon's ``/share?text=`` on the reader's instance.

Everything is a plain HTML form sent with GET: no JavaScript, nothing loaded from another
host (a reader's browser contacts a network only when they press its button).

Mastodon has no one address: each reader has an instance. A form's destination is written in
the page, and without JavaScript or a server nothing can turn the instance a reader types
into it. So the Mastodon text's form has one button per instance of ``SOCIAL_MASTODON_INSTANCES``
(the community's own first), each with its ``formaction`` (``https://<instance>/share``): one
form, the text as edited, sent where the reader chooses. A reader elsewhere copies the text,
or uses the ``web+mastodon://share?text=`` link, which Mastodon's web app registers in the
browsers where its readers use it.

The page says ``noindex`` (its ``item`` is "hidden" for the SEO plugin, which then leaves it out
of the sitemap) and is not in the search index.
"""

from dataclasses import dataclass, field
from urllib.parse import quote

from markupsafe import Markup, escape
from pelican.generators import Generator

from tribune.writer import writes_pages_of

from .compose import NETWORKS, SocialText, texts_for, wants_social

KIT_CAMPAIGN = "relais"


@dataclass
class ShareForm:
    action: str
    field: str  # the name the text is sent as ("" when the network takes only the link)
    hidden: dict[str, str] = field(default_factory=dict)
    instances: list[str] = field(default_factory=list)  # Mastodon: one button each


@dataclass
class KitText:
    network: str
    label: str
    text: str
    count: int
    limit: int
    unit: str
    over: int
    form: ShareForm
    fallback: str = ""  # Mastodon: the web+mastodon:// link


@dataclass
class Kit:
    """What the kit template shows; also its ``item`` for base.html and the SEO plugin."""

    piece: object
    title: Markup
    lang: str
    slug: str
    url: str
    save_as: str
    settings: dict = field(repr=False)
    strings: dict = field(repr=False)  # the interface's words in the piece's language
    status: str = "hidden"  # noindex, out of the sitemap
    translations: list = field(default_factory=list)

    @property
    def texts(self) -> list[KitText]:
        """Each network's text, composed when the page renders (each time: the preview renders
        a page again from the same objects, after the body changed, tribune.live): a rebuild
        that takes the page from the previous output (tribune.rendering) composes nothing,
        and the body a text is made from is read while the page renders, so its record
        depends on it."""
        texts = []
        networks = list(self.settings.get("SOCIAL_KIT_NETWORKS", NETWORKS))
        for name, text in texts_for(self.piece, self.settings, networks, KIT_CAMPAIGN).items():
            form, fallback = _form(text, self.settings)
            texts.append(KitText(name, text.network.label, text.text, text.count, text.network.limit,
                                 self.strings.get("units", {}).get(text.network.unit, text.network.unit), text.over, form, fallback))
        return texts

    @property
    def metadata(self) -> dict:
        """The piece's summary and image: the kit page is described with them (og:image...)."""
        return {key: self.piece.metadata[key] for key in ("summary", "image", "image-alt") if self.piece.metadata.get(key)}

    @property
    def content(self) -> str:
        """The piece's body: the page's description when it has no Summary, as its texts then
        come from its first paragraph. Read through Pelican's object, so that the page cache
        (tribune.rendering) knows the kit page depends on it."""
        return self.piece.content


def has_kit(item) -> bool:
    """Published posts (translations too) and events neither draft nor cancelled, that the
    writer did not keep off the networks."""
    kind = type(item).__name__
    if kind == "Article":
        return item.status == "published" and wants_social(item)
    if kind == "Event":
        return item.event_status not in ("draft", "cancelled") and wants_social(item)
    return False


def kit_url(item, settings: dict, key: str = "SOCIAL_KIT_URL") -> str:
    return settings[key].format(url=item.url)


def _form(text: SocialText, settings: dict) -> tuple[ShareForm, str]:
    name = text.network.name
    if name == "mastodon":
        instances = [instance.strip().strip("/").removeprefix("https://") for instance in settings.get("SOCIAL_MASTODON_INSTANCES", [])]
        return ShareForm("https://" + instances[0] + "/share" if instances else "", "text", instances=instances), \
            "web+mastodon://share?text=" + quote(text.text, safe="")
    if name == "bluesky":
        return ShareForm("https://bsky.app/intent/compose", "text"), ""
    if name == "x":
        return ShareForm("https://x.com/intent/tweet", "text"), ""
    return ShareForm("https://www.linkedin.com/sharing/share-offsite/", "", {"url": text.link}), ""


def make_kit(item, settings: dict, strings: dict) -> Kit:
    title = Markup(strings.get("kit_title", "{title}")).format(title=escape(item.title))
    return Kit(item, title, item.lang, item.slug, kit_url(item, settings), kit_url(item, settings, "SOCIAL_KIT_SAVE_AS"),
               settings, strings)


class KitGenerator(Generator):
    """Writes the kit page of every post and event that has one."""

    def generate_context(self):
        pass

    def _items(self) -> list:
        items = []
        for article in self.context.get("articles", []):
            items += [article, *getattr(article, "translations", [])]
        items += self.context.get("events", [])
        return [item for item in items if getattr(item, "social_kit_url", None)]

    def generate_output(self, writer):
        from .social import interface_strings

        template = self.get_template("social/kit")
        strings = interface_strings()
        for item in self._items():
            if not writes_pages_of(writer, item):
                continue
            lang = item.lang if item.lang in strings else self.settings["DEFAULT_LANG"]
            kit = make_kit(item, self.settings, strings.get(lang, {}))
            writer.write_file(kit.save_as, template, self.context, relative_urls=self.settings["RELATIVE_URLS"], url=kit.url,
                              item=kit, kit=kit, piece=item, S=strings.get(lang, {}))
