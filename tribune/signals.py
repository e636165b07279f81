"""Tribune's own signals, in the manner of ``pelican.signals``.

Plugins connect receivers in their ``register()``; each signal is sent with an object the
receiver adds to. Named blinker signals are process-wide, so a plugin may also reach one
with ``blinker.signal(name)`` without importing Tribune.
"""

from blinker import signal

#: Sent with a :class:`tribune.lint.Registry`: add content kinds and lint rules.
lint_registry = signal("tribune_lint_registry")

#: Sent with a :class:`tribune.scaffold.Scaffolds`: add kinds for `invoke new`.
scaffold_registry = signal("tribune_scaffold_registry")

#: Sent with the JSON-LD graph of each page being rendered (see plugins/seo): add nodes.
jsonld_graph = signal("tribune_jsonld_graph")

#: Sent for every page Pelican's writer writes, rendered or taken from the previous output
#: (see tribune.rendering), with ``settings`` and the ``extras`` remembered while it rendered.
page_rendered = signal("tribune_page_rendered")

#: Sent by the indicators report (plugins/indicators) with a :class:`tribune.figures.Figures`:
#: each plugin that has figures adds its section, its indicators, charts and tables.
indicator_figures = signal("tribune_indicator_figures")

#: Sent with the Pelican object of a build that failed (Pelican's ``finalized`` is never sent
#: then): a plugin lets go of what it kept for that build (``invoke serve`` rebuilds in one
#: process, and a failed rebuild must not stay in memory).
build_failed = signal("tribune_build_failed")

#: Sent by the preview's update in memory (tribune.live) when pages came or went, or a page
#: rendered again remembered something else, with ``settings``, ``output`` (the folder to
#: write into) and ``extras`` (what each page of the site remembered, in the site's order): a
#: plugin that writes a file from every page's extras (the sitemap) writes it again.
pages_changed = signal("tribune_pages_changed")

#: Sent with ``settings`` as a command starts and finishes reading many contents outside a
#: build (:func:`tribune.headers.reading_contents`: the newsletter's catalogue, the social
#: pieces): a plugin that checks its own files again for each content made outside a build
#: (spotlight's credits, the member files) checks them once for the whole reading instead.
contents_reading_started = signal("tribune_contents_reading_started")
contents_reading_finished = signal("tribune_contents_reading_finished")
