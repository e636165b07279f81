"""Posts read on every core: their Markdown is rendered by worker processes up front.

Reading (Markdown, code highlighting, typography) is most of a full build, and Pelican does
it one file after the other on one core. Before Pelican's articles generator reads its first
post, the posts that are not in Pelican's content cache are read by ``READER_PROCESSES``
forked workers (default: one per core), with the very reader objects Pelican would use;
their results go into the readers' cache, where Pelican's own loop then finds them. Pelican
still builds every post object, in order, in this process: signals, metadata processing and
error reports are unchanged.

A file whose reading fails or logs anything in a worker is left out: Pelican reads it again
itself, so that its error or warning is reported as usual, with the file's name. Without
``fork`` (not Linux), for one worker, or for a few files only, nothing changes.
"""

import os
import pickle
from io import BytesIO

from pelican import signals
from pelican.readers import _filter_discardable_metadata
from pelican.urlwrappers import Author, Category, Tag, URLWrapper
from pelican.utils import file_suffix

from tribune import workers

_MINIMUM_FILES = 40  # below this, starting workers costs more than it saves
_CHUNK = 25  # files per task: fewer round trips, still an even share per worker
_WRAPPERS = {cls.__name__: cls for cls in (Author, Category, Tag)}

last_read_in_workers = 0  # files the last build's workers read (what tests and benchmarks check)


class _WrapperPickler(pickle.Pickler):
    """Categories, tags and authors travel as their names: each would carry the settings."""

    def persistent_id(self, obj):
        if isinstance(obj, URLWrapper) and type(obj).__name__ in _WRAPPERS:
            return (type(obj).__name__, obj.name)
        return None


class _WrapperUnpickler(pickle.Unpickler):
    def __init__(self, data: bytes, settings: dict):
        super().__init__(BytesIO(data))
        self.settings = settings

    def persistent_load(self, pid):
        kind, name = pid
        return _WRAPPERS[kind](name, self.settings)


def _read_chunk(paths: list[str]) -> bytes:
    """In a worker: (path, (content, metadata)) for each file read cleanly."""
    readers = workers.inherited()

    def read(path: str) -> tuple:
        content, metadata = readers.readers[file_suffix(path)].read(path)
        return content, _filter_discardable_metadata(metadata)

    done = workers.cleanly(paths, read)
    buffer = BytesIO()
    _WrapperPickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(done)
    return buffer.getvalue()


def preread_articles(generator) -> None:
    """Pelican's article_generator_preread: the first time, read every uncached post in parallel."""
    global last_read_in_workers
    if getattr(generator, "_tribune_preread", False):
        return
    generator._tribune_preread = True
    last_read_in_workers = 0
    processes = workers.processes(generator.settings, "READER_PROCESSES")
    readers = generator.readers
    files = generator.get_files(generator.settings["ARTICLE_PATHS"], exclude=generator.settings["ARTICLE_EXCLUDES"])
    paths = sorted(os.path.abspath(os.path.join(generator.path, f)) for f in files)
    todo = [p for p in paths if file_suffix(p) in readers.readers and readers.get_cached_data(p) is None]
    if processes < 2 or len(todo) < _MINIMUM_FILES:
        return
    chunks = [todo[i:i + _CHUNK] for i in range(0, len(todo), _CHUNK)]
    for data in workers.map_forked(_read_chunk, chunks, processes, readers):
        for path, result in _WrapperUnpickler(data, generator.settings).load():
            # What Readers.cache_data stores, whatever the caching policy: read_file
            # looks there first, and saves it in the content cache when caching.
            readers._cache[path] = (readers._get_file_stamp(path), result)
            last_read_in_workers += 1


def install() -> None:
    signals.article_generator_preread.connect(preread_articles)
