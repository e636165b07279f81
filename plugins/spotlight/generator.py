"""MembersGenerator: member pages, the members directory, cleaned avatars, and the members
in the shared context (for the home page, bylines and the newsletter)."""

from datetime import timedelta
from pathlib import Path

from tribune.generators import ContentGenerator

from tribune.clock import now

from .avatars import clean_avatar
from .contents import Member


def spotlight_member(members: list[Member], month: str) -> Member | None:
    """The published member in the spotlight for ``month`` ("YYYY-MM"), if any.

    The public API of this plugin: the newsletter asks it for the member of an edition's month.
    """
    return next((m for m in members if m.may_publish and m.spotlight_month == month), None)


class MembersGenerator(ContentGenerator):
    def generate_context(self):
        everyone = self.read_contents("MEMBER_PATHS", Member)
        self.members: list[Member] = [m for m in everyone if m.may_publish]
        for member in self.members:
            self.add_source_path(member)
        order = self.settings.get("MEMBERS_ORDER_BY", "name")
        if order == "member-since":
            self.members.sort(key=lambda m: (m.member_since is None, m.member_since), reverse=False)
        else:
            self.members.sort(key=lambda m: m.name.casefold())
        moment = now(self.settings.get("TIMEZONE", "UTC"))
        welcome_since = moment.date() - timedelta(days=self.settings.get("MEMBERS_WELCOME_DAYS", 90))
        for member in self.members:
            member.is_new = bool(member.member_since and member.member_since >= welcome_since)
        self.context["members"] = self.members
        self.context["members_by_name"] = {m.name: m for m in self.members}
        self._plan_avatars()
        self.link_articles(self.context.get("articles", []))
        self.context["spotlight_member"] = spotlight_member(self.members, f"{moment:%Y-%m}")
        # Every avatar of every member file, published or not: none is copied as it is.
        self.context["member_avatar_sources"] = {
            m.metadata["avatar"].removeprefix("{static}").lstrip("/")
            for m in everyone if m.metadata.get("avatar")
        }

    def _plan_avatars(self) -> None:
        """Avatar URLs are known now, so that pages rendered before ours (home, posts) can show them."""
        sizes = tuple(self.settings.get("MEMBER_AVATAR_SIZES", (96, 192, 384)))
        for member in self.members:
            if member.metadata.get("avatar"):
                pattern = self.settings["MEMBER_AVATAR_SAVE_AS"]
                member.avatar_urls = {size: pattern.format(slug=member.slug, size=size) for size in sizes}

    def link_articles(self, articles) -> None:
        """Each member's posts: those whose author has the member's name."""
        by_name = self.context["members_by_name"]
        for article in articles:
            for author in getattr(article, "authors", []):
                if author.name in by_name:
                    by_name[author.name].articles.append(article)

    def generate_output(self, writer):
        output = Path(self.output_path)
        pattern = self.settings["MEMBER_AVATAR_SAVE_AS"]
        for member in self.members:
            if member.avatar_urls:
                source = Path(self.path) / member.metadata["avatar"].removeprefix("{static}").lstrip("/")
                clean_avatar(source, output / pattern.format(slug=member.slug, size="{size}"), tuple(member.avatar_urls),
                             cache=Path(self.settings["CACHE_PATH"]) / "avatars")
        for member in self.members:
            self.write_item(writer, member, "member")
        self.write_index(writer, "members")


def drop_avatar_originals(static_generator) -> None:
    """The static generator must not copy avatars as they are (with their EXIF)."""
    sources = static_generator.context.get("member_avatar_sources", set())
    static_generator.staticfiles[:] = [s for s in static_generator.staticfiles if s.relative_source_path not in sources]
