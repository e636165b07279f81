"""ProfilePage and Person for a member's page, in the page's JSON-LD graph (see plugins/seo)."""

from .contents import Member


def add_person(graph) -> None:
    member = graph.item
    if not isinstance(member, Member):
        return
    person = {
        "@type": "Person",
        "@id": f"{graph.url}#person",
        "name": member.name,
        "url": graph.url,
        "memberOf": graph.organization,
    }
    if member.role:
        person["jobTitle"] = member.role
    if member.links:
        person["sameAs"] = member.links
    if member.avatar_urls:
        # The member's portrait is the page's main image (not the site's share card).
        size = max(member.avatar_urls)
        avatar = {"@type": "ImageObject", "url": graph.absolute(member.avatar_urls[size]), "width": size, "height": size}
        person["image"] = avatar["url"]
        graph.page["primaryImageOfPage"] = avatar
    if member.metadata.get("city"):
        person["homeLocation"] = {"@type": "Place", "name": member.metadata["city"]}
    graph.page["@type"] = "ProfilePage"
    graph.page["mainEntity"] = {"@id": person["@id"]}
    if member.member_since:
        graph.page["dateCreated"] = member.member_since.isoformat()
    graph.add(person)
    strings = graph.context.get("t") or {}
    graph.breadcrumbs = [
        (graph.context.get("SITENAME", ""), f"{graph.site_url}/"),
        (strings.get("members", "Members"), graph.absolute(graph.context.get("MEMBERS_URL", ""))),
        (member.name, graph.url),
    ]
