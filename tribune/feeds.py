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
"""

import hashlib
import re
from collections import OrderedDict
from io import StringIO

from feedgenerator import Atom1Feed, Rss201rev2Feed
from feedgenerator.django.utils.xmlutils import SimplerXMLGenerator

# The items of a site's feeds (about a thousand of a few KB), and no more: the least recently
# written go first (a long-lived preview keeps the versions of an edited post otherwise).
_KEPT_CHARACTERS = 8_000_000
_written: OrderedDict[bytes, str] = OrderedDict()  # digest of (feed class, item as it is) -> its XML
_kept_characters = 0


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
    key = None
    if not item.get("enclosures") and (item.get("pubdate") or item.get("updateddate")):
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
