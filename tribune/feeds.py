"""What each feed says about itself: its own Atom id, its language, its title.

Pelican gives every Atom feed the site's root as its ``<id>`` (so a feed reader cannot tell the
category feeds from the main one), no ``<language>`` to RSS feeds and a bare " - " between the
site's name and the feed's. Each feed here is identified by its own URL, in the language of
its posts: a translation feed (``TRANSLATION_FEED_ATOM``, ``{lang}`` in its path) in its
language, every other one in the site's (``DEFAULT_LANG``).
"""

import re


def feed_language(feed_url: str, settings: dict) -> str:
    for pattern in (settings.get("TRANSLATION_FEED_ATOM"), settings.get("TRANSLATION_FEED_RSS")):
        if pattern and "{lang}" in pattern:
            before, after = (re.escape(part) for part in pattern.split("{lang}", 1))
            found = re.search(f"{before}(?P<lang>[A-Za-z-]+){after}$", feed_url)
            if found:
                return found["lang"]
    return settings["DEFAULT_LANG"]


def identify(feed, feed_title: str | None, settings: dict):
    """``feed`` (a feedgenerator feed Pelican just made) with its own id, language and title."""
    feed.feed["id"] = feed.feed["feed_url"]
    feed.feed["language"] = feed_language(feed.feed["feed_url"], settings)
    if feed_title:
        feed.feed["title"] = f"{settings['SITENAME']} — {feed_title}"
    return feed
