"""The Pelican version whose internals Tribune's build was last checked against.

Tribune's writer reproduces part of Pelican's (pagination, a page's template variables, the
one-writer-per-file rule), its prereading fills Pelican's readers' cache, and the page cache
wraps ``Content.get_content`` and ``get_summary``: a Pelican release can change any of these
without an error, and pages would silently differ. ``tests/test_pelican_internals.py`` fails
as soon as the installed Pelican is another version, until someone has re-checked them.
"""

CHECKED_PELICAN = "4.12.0"

RECHECK = (
    "Pelican {installed} is installed, but Tribune's reproductions of Pelican's internals were checked against "
    f"{CHECKED_PELICAN}. Re-check every item of docs/architecture.md, section 'Pelican internals relied on' "
    "(pelican/writers.py write_file and _open_w: pagination and template variables reproduced in tribune/writer.py; "
    "pelican/__init__.py __init__ (plugins registered before initialized), run and _get_generator_classes: the generators' order RenderPending relies on; "
    "pelican/readers.py Readers' cache filled by tribune/prereading.py; pelican/cache.py FileDataCacher patched by "
    "tribune/caches.py; pelican/contents.py get_content/get_summary wrapped by tribune/rendering.py; "
    "pelican/generators.py generate_context filling tags, categories and authors after article_generator_pretaxonomy, "
    "for tribune/filing.py), run "
    "tests/test_writer.py, test_page_cache.py, test_workers.py and test_filing.py, then set CHECKED_PELICAN in tribune/pelican_compat.py."
)
