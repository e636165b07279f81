"""SEO plugin: every page described to search engines and social networks, and an SEO lint.

- ``seo_page(item, title, description)``, a Jinja global, describes the page being rendered
  (see :mod:`.describe`); ``templates/seo/head.html`` (added to Pelican's template search
  path) renders it: <title>, meta description, canonical, robots, Open Graph, Twitter card,
  hreflang and one JSON-LD graph.
- After the build, sitemap.xml and robots.txt are written from the pages rendered (or reused
  by the page cache, :mod:`tribune.rendering`: their entries come back with them).
- Its lint rules join ``invoke check`` as warnings (errors with ``--strict``).

Settings are documented in this folder's README.md.
"""

from pathlib import Path

from jinja2 import pass_context
from pelican import signals

from tribune import writer
from tribune.signals import build_failed, jsonld_graph, lint_registry, page_rendered, pages_changed

from .describe import SiteSeo
from .lint_rules import RULES
from .nodes import add_blog_posting, add_breadcrumbs
from .share_image import forget_older_cards
from .sitemap import write_robots, write_sitemap

TEMPLATES = str(Path(__file__).parent / "templates")

# One SiteSeo per build in progress, by the id of its settings dict (shared by Pelican and
# its generators); created when the generators are, dropped when the build is finalized.
_builds: dict[int, SiteSeo] = {}


def add_template_path(pelican) -> None:
    overrides = pelican.settings.setdefault("THEME_TEMPLATES_OVERRIDES", [])
    if TEMPLATES not in overrides:
        overrides.append(TEMPLATES)


def start_build(pelican) -> None:
    _builds[id(pelican.settings)] = SiteSeo(pelican.settings)
    forget_older_cards(pelican.settings)  # before the workers that draw cards are started


def add_template_global(generator) -> None:
    site_seo = _builds.get(id(generator.settings))
    if site_seo is None or not hasattr(generator, "env"):
        return

    @pass_context
    def seo_page(context, item=None, title="", description=""):
        return site_seo.describe(context, item, title, description)

    generator.env.globals["seo_page"] = seo_page


def add_sitemap_entry(name: str, settings: dict, extras: dict) -> None:
    site_seo = _builds.get(id(settings))
    entry = extras.get("seo.sitemap")
    if site_seo is not None and entry is not None:
        site_seo.indexable[entry.url] = entry


def rewrite_sitemap(settings: dict, output: str, extras: list[dict]) -> None:
    """The preview moved or changed pages without a build (tribune.signals.pages_changed):
    the sitemap again, from the entries the site's pages remembered (none: not this plugin's
    site)."""
    entries = {extra["seo.sitemap"].url: extra["seo.sitemap"] for extra in extras if "seo.sitemap" in extra}
    if entries:
        write_sitemap(list(entries.values()), Path(output))


def forget_build(pelican) -> None:
    """A failed build: what was kept for it goes (tribune.signals.build_failed)."""
    _builds.pop(id(pelican.settings), None)


def finish_build(pelican) -> None:
    site_seo = _builds.pop(id(pelican.settings), None)
    if site_seo is None:
        return
    output = Path(pelican.output_path)
    write_sitemap(list(site_seo.indexable.values()), output)
    write_robots(site_seo.site_url, output)


def add_lint_rules(registry) -> None:
    for rule in RULES:
        registry.add_rule(rule)


def register() -> None:
    writer.install()
    signals.initialized.connect(add_template_path)
    signals.get_generators.connect(start_build)
    signals.generator_init.connect(add_template_global)
    page_rendered.connect(add_sitemap_entry)
    pages_changed.connect(rewrite_sitemap)
    signals.finalized.connect(finish_build)
    build_failed.connect(forget_build)
    jsonld_graph.connect(add_blog_posting)
    jsonld_graph.connect(add_breadcrumbs)
    lint_registry.connect(add_lint_rules)
