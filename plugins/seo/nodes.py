"""The SEO plugin's own JSON-LD nodes, added through the same signal other plugins use."""

from pelican.contents import Article

from tribune.text import word_count

from .jsonld import Graph


def add_blog_posting(graph: Graph) -> None:
    """BlogPosting for a post, the main entity of its WebPage."""
    item = graph.item
    if not isinstance(item, Article):
        return
    posting = {
        "@type": "BlogPosting",
        "@id": f"{graph.url}#article",
        "headline": graph.text(item.title),
        "description": graph.page["description"],
        "datePublished": item.date.isoformat(),
        "dateModified": (getattr(item, "modified", None) or item.date).isoformat(),
        "author": [_author(graph, author) for author in item.authors],
        "publisher": graph.organization,
        "mainEntityOfPage": {"@id": graph.url},
        "isPartOf": {"@id": graph.url},
        "inLanguage": graph.lang,
        "articleSection": item.category.name,
        "keywords": [tag.name for tag in getattr(item, "tags", [])],
        "wordCount": word_count(item.content),
    }
    if "primaryImageOfPage" in graph.page:
        posting["image"] = graph.page["primaryImageOfPage"]
    graph.add(posting)
    graph.page["mainEntity"] = {"@id": f"{graph.url}#article"}


def _author(graph: Graph, author) -> dict:
    """A Person; the site's Organization itself for a post credited to it (a post of a member
    who withdrew their consent is, see plugins/spotlight)."""
    if author.name == (graph.context.get("ORGANIZATION") or graph.context.get("SITENAME")):
        return graph.organization
    return {"@type": "Person", "name": author.name, "url": graph.absolute(author.url)}


# List pages and the index page above them: (context key, UI string key, URL setting).
_LIST_PARENTS = (
    ("category", "categories", "CATEGORIES_URL"),
    ("tag", "tags", "TAGS_URL"),
    ("author", "authors", "AUTHORS_URL"),
    ("period", "archives", "ARCHIVES_URL"),
)


def add_breadcrumbs(graph: Graph) -> None:
    """Home › … › this page, on every page below the home page."""
    context, item = graph.context, graph.item
    home = (context.get("SITENAME", ""), f"{graph.site_url}/")
    if graph.url == home[1]:
        return
    trail = [home]
    if isinstance(item, Article):
        trail.append((item.category.name, graph.absolute(item.category.url)))
    elif item is None:
        strings = context.get("t") or {}
        for key, label, url_setting in _LIST_PARENTS:
            if key in context:
                trail.append((strings.get(label, label.title()), graph.absolute(context.get(url_setting, ""))))
                break
    trail.append((graph.page["name"], graph.url))
    graph.breadcrumbs = trail
