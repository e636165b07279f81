"""sitemap.xml (with hreflang alternates) and robots.txt, from the pages really rendered."""

from pathlib import Path
from xml.etree import ElementTree

from .describe import SitemapEntry

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"


def write_sitemap(entries: list[SitemapEntry], output: Path) -> Path:
    ElementTree.register_namespace("", SITEMAP_NS)
    ElementTree.register_namespace("xhtml", XHTML_NS)
    urlset = ElementTree.Element(f"{{{SITEMAP_NS}}}urlset")
    for entry in sorted(entries, key=lambda entry: entry.url):
        url = ElementTree.SubElement(urlset, f"{{{SITEMAP_NS}}}url")
        ElementTree.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = entry.url
        if entry.lastmod:
            ElementTree.SubElement(url, f"{{{SITEMAP_NS}}}lastmod").text = entry.lastmod.isoformat()
        for lang, href in entry.alternates:
            ElementTree.SubElement(url, f"{{{XHTML_NS}}}link", rel="alternate", hreflang=lang, href=href)
    path = output / "sitemap.xml"
    ElementTree.ElementTree(urlset).write(path, encoding="utf-8", xml_declaration=True)
    return path


def write_robots(site_url: str, output: Path) -> Path:
    path = output / "robots.txt"
    path.write_text(f"User-agent: *\nAllow: /\n\nSitemap: {site_url}/sitemap.xml\n", encoding="utf-8")
    return path
