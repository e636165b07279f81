"""What each page says about itself: title, description, canonical URL, Open Graph,
Twitter card, hreflang alternates and the JSON-LD graph.

:class:`SiteSeo` lives for one build. Templates call it once per page (through the Jinja
global ``seo_page``); it remembers each indexable page's sitemap entry with the page
(:func:`tribune.rendering.remember`), so that the sitemap is written from what was really
rendered, other plugins' pages included and pages reused from the previous build too,
without reading any HTML back.
"""

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pelican.contents import Article
from tribune import rendering
from tribune.i18n import _
from tribune.images import ImageError, image_size
from tribune.paths import OutsideContent, content_path
from tribune.signals import jsonld_graph
from tribune.text import plain_text, shorten

from .jsonld import Graph
from .share_image import HEIGHT, WIDTH, share_image

logger = logging.getLogger(__name__)
_FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)
DEFAULT_LOCALES = {"fr": "fr_FR", "en": "en_US"}
# The templates of the pages that list posts without a paginated list (Pelican writes them
# with every post, or a period's, as ``dates``): their sitemap date is their newest post's.
_POST_ARCHIVES = frozenset({"archives.html", "period_archives.html"})


@dataclass
class ShareImage:
    url: str
    width: int
    height: int
    alt: str


@dataclass
class PageSeo:
    """Everything the <head> of one page says; rendered by templates/seo/head.html."""

    document_title: str
    title: str
    description: str
    canonical: str | None  # None for the 404 page, which is no page of its own
    robots: str
    og_type: str
    site_name: str
    locale: str
    locale_alternates: list[str]
    image: ShareImage | None
    alternates: list[tuple[str, str]]
    article: dict | None
    twitter_card: str
    twitter_site: str | None
    json_ld: str | None


@dataclass
class SitemapEntry:
    url: str
    lastmod: datetime | None
    alternates: list[tuple[str, str]] = field(default_factory=list)


def first_paragraph(html: str) -> str:
    match = _FIRST_PARAGRAPH.search(html or "")
    return plain_text(match.group(1)) if match else ""


def description_of(item) -> str:
    """The Summary metadata, else the first paragraph, as plain text cut at 160 characters."""
    summary = item.metadata.get("summary")
    return shorten(plain_text(summary) if summary else first_paragraph(item.content), 160)


class SiteSeo:
    """The SEO of one build: describes pages as they are rendered, then writes the sitemap."""

    def __init__(self, settings: dict):
        self.settings = settings
        self.site_url = settings["SITEURL"].rstrip("/")
        self.locales = {**DEFAULT_LOCALES, **settings.get("SEO_LOCALES", {})}
        self.indexable: dict[str, SitemapEntry] = {}
        # Each image's path in the content folder and size, or None when it has none (said
        # once): found once per build (a path resolved, a file opened), asked for by
        # thousands of pages.
        self._images: dict[str, tuple[str, int, int] | None] = {}

    # -- URLs and images ------------------------------------------------------------
    def absolute(self, path: str) -> str:
        return path if "://" in path else f"{self.site_url}/{path.lstrip('/')}"

    def locale(self, lang: str) -> str:
        return self.locales.get(lang, f"{lang}_{lang.upper()}")

    def content_image(self, path: str, alt: str) -> ShareImage:
        """An image of the content folder, with its real size read from the file."""
        if "://" in path:
            return ShareImage(path, 0, 0, alt)
        if path not in self._images:
            try:
                relative = content_path(self.settings["PATH"], path)
                self._images[path] = (relative, *image_size(Path(self.settings["PATH"]) / relative, self.settings))
            except (OutsideContent, ImageError) as error:
                self._images[path] = None
                logger.error(_("Image: {value} {error}", value=path, error=error))  # fails the build; the lint names the file and line
        found = self._images[path]
        if found is None:
            return ShareImage(self.absolute(path), 0, 0, alt)
        relative, width, height = found
        rendering.depends_on_file(self.settings, relative)
        return ShareImage(self.absolute(relative), width, height, alt)

    def generated_image(self, name: str, title: str, lang: str) -> ShareImage:
        save_as = self.settings.get("SEO_SHARE_IMAGE_SAVE_AS", "images/partage/{name}-{lang}.png").format(name=name, lang=lang)
        destination = Path(self.settings["OUTPUT_PATH"]) / save_as
        if not destination.exists():
            share_image(title, self.settings["SITENAME"], self.settings, destination)
        rendering.wrote_file(save_as)
        return ShareImage(self.absolute(save_as), WIDTH, HEIGHT, title)

    def image_for(self, item, title: str, lang: str) -> ShareImage | None:
        if item is not None and item.metadata.get("image"):
            return self.content_image(item.metadata["image"], item.metadata.get("image-alt", ""))
        if isinstance(item, Article):
            return self.generated_image(item.slug, title, lang)
        if self.settings.get("SEO_DEFAULT_IMAGE"):
            return self.content_image(self.settings["SEO_DEFAULT_IMAGE"], self.settings.get("SEO_DEFAULT_IMAGE_ALT", ""))
        return self.generated_image("site", self.settings.get("SITESUBTITLE") or self.settings["SITENAME"], lang)

    # -- One page -------------------------------------------------------------------
    def _robots(self, context: dict, item) -> str:
        hidden = item is not None and getattr(item, "status", "published") != "published"
        tag_page = "tag" in context and self.settings.get("SEO_NOINDEX_TAGS", False)
        return "noindex, follow" if hidden or tag_page or self._not_a_landing_page(context) else "index, follow, max-image-preview:large"

    @staticmethod
    def _not_a_landing_page(context: dict) -> bool:
        """The 404 page and the search pages: not pages to land on from a search engine."""
        return context.get("page_name") in ("404", "search")

    def _alternates(self, item) -> list[tuple[str, str]]:
        translations = getattr(item, "translations", None)
        if not translations:
            return []
        versions = sorted([item, *translations], key=lambda version: version.lang)
        default = next((v for v in versions if v.lang == self.settings["DEFAULT_LANG"]), versions[0])
        return [(v.lang, self.absolute(v.url)) for v in versions] + [("x-default", self.absolute(default.url))]

    @staticmethod
    def _lastmod(context: dict, item) -> datetime | None:
        """When the page last changed, for the sitemap: its item's date, or the newest of the
        posts it lists (a page of a list, the archives). A page that lists no posts (the tags,
        the members, the events...) has none: the site's newest post says nothing of when it
        changed, and reading every post's date would make it depend on every post (rendered
        again whenever a title changes in the preview)."""
        if item is not None:
            return getattr(item, "modified", None) or getattr(item, "date", None)
        page = context.get("articles_page")
        if page:
            listed = page.object_list
        elif getattr(context, "name", None) in _POST_ARCHIVES:
            listed = context.get("dates") or []
        else:
            return None
        dates = [getattr(a, "modified", None) or a.date for a in listed if hasattr(a, "date")]
        return max(dates) if dates else None

    def describe(self, context: dict, item, page_title: str, page_description: str) -> PageSeo:
        settings = self.settings
        output_file = context.get("output_file", "index.html")
        url = self.absolute(output_file.removesuffix("index.html"))
        lang = getattr(item, "lang", None) or settings["DEFAULT_LANG"]
        title = plain_text(item.title) if item is not None else plain_text(page_title)
        site_name = settings["SITENAME"]
        title_format = settings.get("SEO_TITLE_FORMAT", "{title} — {sitename}")
        document_title = title_format.format(title=title, sitename=site_name) if title else site_name
        if item is not None:
            description = description_of(item)
        else:
            description = shorten(plain_text(page_description) or settings.get("SITESUBTITLE", ""), 160)
        image = self.image_for(item, title or site_name, lang)
        robots = self._robots(context, item)
        alternates = self._alternates(item)
        # The 404 page is served at every missing address: no canonical URL, no JSON-LD.
        not_found = context.get("page_name") == "404"

        graph = Graph(context, item, url, self.site_url, lang)
        graph.page = {
            "@type": "WebPage" if item is not None else "CollectionPage",
            "@id": url,
            "url": url,
            "name": title or site_name,
            "description": description,
            "inLanguage": lang,
            "isPartOf": graph.website,
        }
        if image:
            graph.page["primaryImageOfPage"] = {"@type": "ImageObject", "url": image.url, "width": image.width, "height": image.height}
        self._site_nodes(graph, lang)
        jsonld_graph.send(graph)

        article = None
        if isinstance(item, Article):
            article = {
                "published_time": item.date.isoformat(),
                "modified_time": (getattr(item, "modified", None) or item.date).isoformat(),
                "authors": [self.absolute(author.url) for author in item.authors],
                "section": item.category.name,
                "tags": [tag.name for tag in getattr(item, "tags", [])],
            }
        if robots.startswith("index"):
            rendering.remember("seo.sitemap", SitemapEntry(url, self._lastmod(context, item), alternates[:-1]))
        return PageSeo(
            document_title=document_title,
            title=title or site_name,
            description=description,
            canonical=None if not_found else url,
            robots=robots,
            og_type="article" if article else "website",
            site_name=site_name,
            locale=self.locale(lang),
            locale_alternates=[self.locale(code) for code, _ in alternates[:-1] if code != lang],
            image=image,
            alternates=alternates,
            article=article,
            twitter_card="summary_large_image" if image else "summary",
            twitter_site=settings.get("SEO_TWITTER_SITE"),
            json_ld=None if not_found else graph.as_json(),
        )

    def _site_nodes(self, graph: Graph, lang: str) -> None:
        settings = self.settings
        organization = {
            "@type": "Organization",
            **graph.organization,
            "name": settings.get("ORGANIZATION") or settings["SITENAME"],
            "url": f"{self.site_url}/",
        }
        if settings.get("SEO_LOGO"):
            logo = self.content_image(settings["SEO_LOGO"], "")
            organization["logo"] = {"@type": "ImageObject", "url": logo.url, "width": logo.width, "height": logo.height}
        social = [url for _, url in settings.get("SOCIAL", [])]
        if social:
            organization["sameAs"] = social
        graph.add(organization)
        graph.add(
            {
                "@type": "WebSite",
                **graph.website,
                "url": f"{self.site_url}/",
                "name": settings["SITENAME"],
                "description": settings.get("SITESUBTITLE", ""),
                "inLanguage": settings["DEFAULT_LANG"],
                "publisher": graph.organization,
            }
        )
