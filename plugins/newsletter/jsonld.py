"""An edition's page in the site's JSON-LD graph (see plugins/seo): Home › the archive › the edition."""

from .contents import Edition


def add_edition(graph) -> None:
    edition = graph.item
    if not isinstance(edition, Edition):
        return
    context = graph.context
    graph.breadcrumbs = [
        (context.get("SITENAME", ""), f"{graph.site_url}/"),
        ((context.get("t") or {}).get("newsletter", "Newsletter"), graph.absolute(context.get("NEWSLETTERS_URL", ""))),
        (graph.page["name"], graph.url),
    ]
