"""The Event node of an event page, added to the page's JSON-LD graph (see plugins/seo)."""

from .calendar import uid_of
from .contents import Event

_STATUS = {
    "scheduled": "https://schema.org/EventScheduled",
    "cancelled": "https://schema.org/EventCancelled",
    "postponed": "https://schema.org/EventPostponed",
    "rescheduled": "https://schema.org/EventRescheduled",
}
_MODE = {
    "online": "https://schema.org/OnlineEventAttendanceMode",
    "offline": "https://schema.org/OfflineEventAttendanceMode",
    "mixed": "https://schema.org/MixedEventAttendanceMode",
}


def _location(event: Event) -> list[dict]:
    places = []
    if event.offline:
        places.append(
            {
                "@type": "Place",
                "name": event.metadata.get("venue", ""),
                "address": {"@type": "PostalAddress", "streetAddress": event.metadata.get("address", "")},
            }
        )
    if event.online and event.join_url:
        places.append({"@type": "VirtualLocation", "url": event.join_url})
    return places


def _organizer(graph, event: Event) -> dict:
    """The site's Organization when the event names none, or names the site or its organisation;
    else the organizer named, with its Organizer-URL (search engines want the organizer's url)."""
    name = event.metadata.get("organizer")
    settings = graph.context
    if not name or name in (settings.get("SITENAME"), settings.get("ORGANIZATION")):
        return graph.organization
    organizer = {"@type": "Organization", "name": name}
    if event.metadata.get("organizer-url"):
        organizer["url"] = event.metadata["organizer-url"]
    return organizer


def add_event(graph) -> None:
    event = graph.item
    if not isinstance(event, Event):
        return
    settings = graph.context
    node = {
        "@type": "Event",
        "@id": f"{graph.url}#event",
        "identifier": uid_of(event, event.settings),
        "name": graph.text(event.title),
        "description": graph.page["description"],
        "startDate": event.schedule.start.isoformat(),
        "endDate": event.schedule.end.isoformat(),
        "eventStatus": _STATUS[event.event_status],
        "eventAttendanceMode": _MODE[event.mode],
        "location": _location(event),
        "inLanguage": graph.lang,
        "url": graph.url,
    }
    node["organizer"] = _organizer(graph, event)
    amount = event.price_amount
    offer = {
        "@type": "Offer",
        "url": event.metadata.get("registration") or graph.url,
        "priceCurrency": settings.get("EVENTS_CURRENCY", "EUR"),
        "availability": "https://schema.org/InStock" if event.event_status != "cancelled" else "https://schema.org/SoldOut",
    }
    if amount is not None:
        offer["price"] = str(amount)
    node["offers"] = offer
    if "primaryImageOfPage" in graph.page:
        node["image"] = graph.page["primaryImageOfPage"]["url"]
    graph.add(node)
    graph.page["mainEntity"] = {"@id": f"{graph.url}#event"}
    graph.breadcrumbs = [
        (settings.get("SITENAME", ""), f"{graph.site_url}/"),
        ((settings.get("t") or {}).get("events", "Events"), graph.absolute(settings.get("EVENTS_URL", ""))),
        (graph.page["name"], graph.url),
    ]
