"""Stable digests of what a build reads: the site's shape, its settings, its code.

The page cache (:mod:`tribune.rendering`) may reuse a page from the previous build only when
nothing the page could have read has changed. Most of what a template reads is the shared
context (every post's title, date, tags, the upcoming events, the member in the spotlight)
and the settings; these digests cover all of it, walked structurally, so that two builds of
the same site in two processes give the same digest. The bodies of posts, pages and events
are left out on purpose: they are followed per page, where they are read; and so are the
fields of each content object (its state): the site's digest refers to them by path, in
their lists, and each page's record holds the states of the objects it read.

A value the walker cannot describe stably (an object whose repr holds its address) still
gets a digest, only a different one in every process: the cache then misses, it never lies.
"""

import hashlib
import io
import os
import pickle
from datetime import date, datetime, time, timedelta
from functools import cache
from importlib import metadata as package_metadata
from pathlib import Path
from types import BuiltinFunctionType, FunctionType, MethodType, ModuleType

from pelican.contents import Content, Static
from pelican.urlwrappers import URLWrapper

# What a content object carries that is not its state: the body (followed per page), the
# shared context and settings (digested once, as the site's shape and settings), and
# Pelican's note that a static file's address was read (set while pages render).
_NOT_STATE = frozenset({"_content", "_context", "settings", "_output_location_referenced"})
_VERSIONED = ("pelican", "jinja2", "markdown", "pygments", "babel", "markupsafe", "feedgenerator")


class Digest:
    """A structural hash of Python values; content objects are described once each, or only
    referred to (``states=False``: the page cache follows their states page by page)."""

    def __init__(self, states: bool = True):
        self._parts: list[str] = []  # hashed at the end, each part escaped by repr()
        self._stack: set[int] = set()
        self.contents: dict[str, Content] = {}  # every content object met, by source path
        self._pending: list[Content] = []
        self._states = states

    def hexdigest(self) -> str:
        while self._pending and self._states:  # content objects met on the way, described after the value
            self._state(self._pending.pop())
        joined = "\n".join(self._parts).encode("utf-8", "surrogatepass")
        return hashlib.blake2b(joined, digest_size=20).hexdigest()

    def _write(self, *parts: str) -> None:
        self._parts.append(repr(parts))

    def add(self, value) -> "Digest":
        if isinstance(value, str):  # Markup included
            self._parts.append(repr(str(value)))
        elif value is None or isinstance(value, (bool, int, float)):
            self._write("v", repr(value))
        elif isinstance(value, bytes):
            self._write("b", value.hex())
        elif isinstance(value, (datetime, date, time, timedelta)):
            self._write("t", repr(value))
        elif isinstance(value, Content):
            self._reference(value)
        elif isinstance(value, URLWrapper):
            self._write("u", type(value).__name__, value.name, value.slug)
        elif isinstance(value, (FunctionType, BuiltinFunctionType, MethodType, type, ModuleType)):
            self._write("f", getattr(value, "__module__", "") or "", getattr(value, "__qualname__", repr(value)))
        elif isinstance(value, (list, tuple, dict, set, frozenset)) or hasattr(value, "__dict__"):
            self._container(value)
        else:
            self._write("r", type(value).__qualname__, _stable_repr(value))
        return self

    def _container(self, value) -> None:
        if id(value) in self._stack:
            self._write("cycle")
            return
        self._stack.add(id(value))
        try:
            if isinstance(value, (list, tuple)):
                self._write("[", str(len(value)))
                for item in value:
                    self.add(item)
            elif isinstance(value, dict):  # by key: Pelican fills some from sets, in any order
                self._write("{", str(len(value)))
                for key in _sorted(value):
                    self.add(key)
                    self.add(value[key])
            elif isinstance(value, (set, frozenset)):
                self._write("(", str(len(value)))
                for item in _sorted(value):
                    self.add(item)
            else:
                self._write("o", type(value).__qualname__)
                self.add(vars(value))
        finally:
            self._stack.discard(id(value))

    def _reference(self, content: Content) -> None:
        path = content.source_path or ""
        self._write("c", type(content).__name__, path)
        if self.contents.get(path) is not content:
            self.contents[path] = content
            self._pending.append(content)

    def _state(self, content: Content, keys: set[str] | None = None) -> None:
        """Everything a content object holds but its body: metadata, URLs, dates, links.

        Pickled (C speed: a site has thousands of these), taxonomies and other content
        objects by reference; walked by add() when something in it cannot be pickled."""
        self._write("state", content.source_path or "")
        state = {key: value for key, value in vars(content).items() if key not in _NOT_STATE and (keys is None or key in keys)}
        buffer = io.BytesIO()
        try:
            # By name (attributes are not always set in the same order) and without pickle's
            # memo (whether two attributes hold the same object or equal ones does not matter).
            _StatePickler(buffer, self).dump(sorted(state.items()))
        except Exception:  # noqa: BLE001 - whatever pickle refuses is walked instead
            self.add(state)
        else:
            self._write("p", hashlib.blake2b(buffer.getvalue(), digest_size=20).hexdigest())
        if isinstance(content, Static) and content.source_path and os.path.exists(content.source_path):
            stat = os.stat(content.source_path)  # the file itself: pages print an image's size
            self._write(str(stat.st_mtime_ns), str(stat.st_size))


def _reference(*parts: str) -> tuple:
    """What a taxonomy or a content object is pickled as, in a state (never unpickled)."""
    return parts


class _StatePickler(pickle.Pickler):
    def __init__(self, file, digest: Digest):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.fast = True  # no memo: a cycle raises, and the state is walked instead
        self.digest = digest

    def reducer_override(self, value):
        if isinstance(value, Content):
            self.digest._reference(value)
            return _reference, ("c", type(value).__name__, value.source_path or "")
        if isinstance(value, URLWrapper):
            return _reference, ("u", type(value).__name__, value.name, value.slug)
        return NotImplemented


def _stable_repr(value) -> str:
    text = repr(value)
    return type(value).__qualname__ if " at 0x" in text else text


def _sorted(values) -> list:
    """Values in an order that does not depend on the run (strings: themselves; others: digests)."""
    if all(type(value) is str for value in values):
        return sorted(values)
    return sorted(values, key=lambda value: Digest().add(value).hexdigest())


def state_digest(content: Content, keys=None) -> str:
    """The digest of the attributes ``keys`` (by default all) of one content object, its body
    left out (other content objects it refers to count by reference): what a page that read
    its fields depends on; whether a file read again changed anything but its body."""
    digest = Digest()
    digest._state(content, None if keys is None else set(keys))
    digest._pending.clear()
    return digest.hexdigest()


def body_digest(content: Content) -> str:
    """The digest of one content object's body (its HTML before links are resolved)."""
    body = getattr(content, "_content", None) or ""
    return hashlib.blake2b(body.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def code_digest(settings: dict) -> str:
    """The templates, the theme, the plugins and Tribune itself, by file size and time, and
    the versions of the libraries that shape the HTML: a new release re-renders everything."""
    digest = Digest()
    folders = [Path(__file__).parent, Path(settings["THEME"]), *map(Path, settings.get("PLUGIN_PATHS", [])),
               *map(Path, settings.get("THEME_TEMPLATES_OVERRIDES", []))]
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                stat = path.stat()
                digest.add((str(path), stat.st_mtime_ns, stat.st_size))
    for name in _VERSIONED:
        digest.add((name, package_version(name)))
    return digest.hexdigest()


@cache
def package_version(name: str) -> str | None:
    """The installed version of a package (None when it is not), read once per process (half
    a millisecond each time): the libraries a process runs do not change under it."""
    try:
        return package_metadata.version(name)
    except package_metadata.PackageNotFoundError:
        return None
