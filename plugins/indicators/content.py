"""The repository's own figures, read from the content files' headers with no network:
posts and active authors, events, new members and members in the spotlight, editions.

Counted in the site's language only (a translation is not a second post), members only when
they consented to be published, events unless cancelled.
"""

from collections import Counter, defaultdict

from tribune.figures import MONTH, Figures
from tribune.i18n import _
from tribune.text import plain_text

_MODES = ("online", "offline", "mixed")


def offer_content_figures(figures: Figures) -> None:
    from newsletter.catalogue import Catalogue

    catalogue = Catalogue.read(figures.settings)
    posts = [post for post in catalogue.posts if post.in_default_lang]
    authors = defaultdict(set)
    for post in posts:
        for author in getattr(post, "authors", []):
            authors[f"{post.date:%Y-%m}"].add(author.name)
    events = [event for event in catalogue.events if event.event_status != "cancelled"]
    members = [member for member in catalogue.members if member.may_publish]
    editions = [edition for edition in catalogue.editions if edition.status == "published"]

    section = figures.section("content", _("The community"), order=30)
    section.add("content.posts", _("Posts published"), Counter(f"{post.date:%Y-%m}" for post in posts))
    section.add("content.authors", _("Active authors"), {month: len(names) for month, names in authors.items()})
    section.add("content.new_members", _("New members"), Counter(f"{m.member_since:%Y-%m}" for m in members if m.member_since))
    section.add("content.events", _("Events"), Counter(f"{e.schedule.start:%Y-%m}" for e in events), per=MONTH)
    section.add("content.editions", _("Newsletters published"), Counter(f"{e.date:%Y-%m}" for e in editions))
    section.chart(_("Posts, active authors and new members per month"), ["content.posts", "content.authors", "content.new_members"])
    section.chart(_("Events per month"), ["content.events"])
    held = Counter(e.mode for e in events if not e.is_upcoming(figures.moment))
    upcoming = Counter(e.mode for e in events if e.is_upcoming(figures.moment))
    names = {"online": _("Online"), "offline": _("In person"), "mixed": _("Mixed")}
    section.table(_("Events by format"), [_("Format"), _("Held"), _("Upcoming")],
                  [[names[mode], held.get(mode, 0), upcoming.get(mode, 0)] for mode in _MODES])
    spotlights = sorted((m.spotlight_month, plain_text(m.title)) for m in members if m.spotlight_month)
    if spotlights:
        section.table(_("Members in the spotlight"), [_("Month"), _("Member")], [list(row) for row in spotlights])
