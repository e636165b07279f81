"""sitemap.xml (with hreflang alternates) and robots.txt, from the pages really rendered."""

from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from .describe import SitemapEntry

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"


def write_sitemap(entries: list[SitemapEntry], output: Path) -> Path:
    """The sitemap of ``entries``, by address. Written as text, each value escaped (what
    ElementTree would write, without building a tree of every page's elements first: the
    preview writes it again after each update in memory)."""
    parts = [f"<?xml version='1.0' encoding='utf-8'?>\n<urlset xmlns={quoteattr(SITEMAP_NS)} xmlns:xhtml={quoteattr(XHTML_NS)}>"]
    for entry in sorted(entries, key=lambda entry: entry.url):
        parts.append(f"<url><loc>{escape(entry.url)}</loc>")
        if entry.lastmod:
            parts.append(f"<lastmod>{entry.lastmod.isoformat()}</lastmod>")
        parts += [f'<xhtml:link rel="alternate" hreflang={quoteattr(lang)} href={quoteattr(href)} />' for lang, href in entry.alternates]
        parts.append("</url>")
    parts.append("</urlset>")
    path = output / "sitemap.xml"
    path.write_text("".join(parts), encoding="utf-8")
    return path


def write_robots(site_url: str, output: Path) -> Path:
    path = output / "robots.txt"
    path.write_text(f"User-agent: *\nAllow: /\n\nSitemap: {site_url}/sitemap.xml\n", encoding="utf-8")
    return path
