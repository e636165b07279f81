"""What each feed says about itself: its own Atom id, its language, its title.

Pelican gives every Atom feed the site's root as its ``<id>`` (so a feed reader cannot tell the
category feeds from the main one), no ``<language>`` to RSS feeds and a bare " - " between the
site's name and the feed's. Each feed here is identified by its own URL, in the language of
its posts: a translation feed (``TRANSLATION_FEED_ATOM``, ``{lang}`` in its path) in its
language, every other one in the site's (``DEFAULT_LANG``).

Each item's XML is written once per process and kept (:class:`_ItemsWrittenOnce`; a few MB
at most): a post is an item of several feeds (all posts, its language's, its category's),
and `invoke serve` writes again, after a save, every feed that holds the post, whose other
99 items did not change. Writing them was about half of a feed's time.

Between builds, each item is kept too (:class:`KeptItems`, in ``CACHE_PATH/feed-items/``, with
Pelican's content cache): its XML with what making it read (the post's fields and body, and
those of the posts its links lead to), as the page cache records a page, for the same site's
digest. A rebuild after one post changed writes again the feeds that hold it; their other
items are taken as they were, without Pelican making them again from the posts (their bodies'
links resolved, their dates and categories): 50 ms of a rebuild at 200 posts.
"""

import hashlib
import re
from collections import OrderedDict
from io import StringIO

from feedgenerator import Atom1Feed, Rss201rev2Feed
from feedgenerator.django.utils.xmlutils import SimplerXMLGenerator
from pelican import signals as pelican_signals

from tribune.caches import Kept

# The items of a site's feeds (about a thousand of a few KB), and no more: the least recently
# written go first (a long-lived preview keeps the versions of an edited post otherwise).
_KEPT_CHARACTERS = 8_000_000
_written: OrderedDict[bytes, str] = OrderedDict()  # digest of (feed class, item as it is) -> its XML
_kept_characters = 0
_XML = "tribune_xml"  # the key of an item taken from the previous build: its XML, as written
_KEPT_FORMAT = 2


def feed_language(feed_url: str, settings: dict) -> str:
    for pattern in (settings.get("TRANSLATION_FEED_ATOM"), settings.get("TRANSLATION_FEED_RSS")):
        if pattern and "{lang}" in pattern:
            before, after = (re.escape(part) for part in pattern.split("{lang}", 1))
            found = re.search(f"{before}(?P<lang>[A-Za-z-]+){after}$", feed_url)
            if found:
                return found["lang"]
    return settings["DEFAULT_LANG"]


def identify(feed, feed_title: str | None, settings: dict):
    """``feed`` (a feedgenerator feed Pelican just made) with its own id, language and title;
    its items written once per process."""
    if type(feed) in _REMEMBERING:
        feed.__class__ = _REMEMBERING[type(feed)]
    feed.feed["id"] = feed.feed["feed_url"]
    feed.feed["language"] = feed_language(feed.feed["feed_url"], settings)
    if feed_title:
        feed.feed["title"] = f"{settings['SITENAME']} — {feed_title}"
    return feed


class _ItemsWrittenOnce:
    """A feed whose items are each written once per process: the XML feedgenerator writes
    for an item depends on the item alone (its fields, in the feed's format)."""

    element = ""

    def write_items(self, handler) -> None:
        for item in self.items:
            handler.ignorableWhitespace(_item_xml(self, item))  # written as it is: XML already


class _Atom(_ItemsWrittenOnce, Atom1Feed):
    element = "entry"


class _Rss(_ItemsWrittenOnce, Rss201rev2Feed):
    element = "item"


_REMEMBERING = {Atom1Feed: _Atom, Rss201rev2Feed: _Rss}


def _item_xml(feed: _ItemsWrittenOnce, item: dict) -> str:
    """The XML of ``item`` as ``feed.write`` writes it, kept by a digest of all the item holds
    (its dates with their zones). Not kept: an item with enclosures (objects, without a
    value to compare) or without a date (Atom writes the time of writing then)."""
    global _kept_characters
    if _XML in item:
        return item[_XML]
    key = None
    if _stable(item):
        key = hashlib.blake2b(repr((type(feed).__name__, tuple(item.items()))).encode("utf-8", "surrogatepass"), digest_size=16).digest()
        xml = _written.get(key)
        if xml is not None:
            _written.move_to_end(key)
            return xml
    out = StringIO()
    handler = SimplerXMLGenerator(out, "utf-8", short_empty_elements=True)
    handler.startElement(feed.element, feed.item_attributes(item))
    feed.add_item_elements(handler, item)
    handler.endElement(feed.element)
    xml = out.getvalue()
    if key is not None:
        _written[key] = xml
        _kept_characters += len(xml)
        while _kept_characters > _KEPT_CHARACTERS:
            _kept_characters -= len(_written.popitem(last=False)[1])
    return xml


def _stable(item: dict) -> bool:
    """Whether an item's XML is the same each time it is written: not with enclosures (objects,
    without a value to compare), nor without a date (Atom writes the time of writing then)."""
    return not item.get("enclosures") and bool(item.get("pubdate") or item.get("updateddate"))


class KeptItems:
    """The feed items of one build: each taken from a previous build of the same site (its
    digest: code, settings, shape) while everything its making read holds (the page cache's
    :meth:`~tribune.rendering.PageCache.holds`), made by Pelican otherwise, and kept. Read
    with ``LOAD_CONTENT_CACHE``, written with ``CACHE_CONTENT``; not used while someone
    listens to Pelican's ``feed_generated`` or ``feed_written`` (they would see the items taken
    as they were, without their fields)."""

    def __init__(self, pages, settings: dict):
        self.pages = pages
        self.kept = Kept(settings, "feed-items")
        self._entries: dict[str, dict] = {}  # by file name: those read or written by this build

    def add(self, feed, content, add_item, site_url: str) -> None:
        """Put ``content`` into ``feed``: as it was, or through ``add_item(feed, content)``
        (Pelican's), noting what the feed being made reads either way."""
        path = getattr(content, "source_path", None)
        listened = pelican_signals.feed_generated.receivers or pelican_signals.feed_written.receivers
        if not path or not self.kept.used or type(feed) not in _REMEMBERING.values() or listened or not self.pages.site:
            add_item(feed, content)
            return
        # The site's digest, as for the page records: an item's record names only the objects
        # its making found, not a link that found none (left as "{filename}…" in its XML);
        # the file that link names, once written, changes the site's digest.
        key = (_KEPT_FORMAT, self.pages.site, type(feed).__name__, site_url)
        name = hashlib.blake2b(repr((type(feed).__name__, path)).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
        kept = self._entries.get(name) or self.kept.get(name, key)
        if isinstance(kept, dict) and kept["key"] == key and self.pages.holds(kept["record"]):
            self._entries[name] = kept
            self.pages.note(kept["record"])
            feed.items.append({"pubdate": kept["pubdate"], "updateddate": kept["updateddate"], _XML: kept["xml"]})
            return
        with self.pages.recording(name, "feed-item") as record:
            add_item(feed, content)
        self.pages.note(record)
        item = feed.items[-1]
        if self.kept.writing and _stable(item):
            kept = self._entries[name] = {"key": key, "record": record, "xml": _item_xml(feed, item),
                                          "pubdate": item.get("pubdate"), "updateddate": item.get("updateddate")}
            self.kept.put(name, key, kept)
