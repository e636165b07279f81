"""MembersGenerator: member pages, the members directory, cleaned avatars, and the members
in the shared context (for the home page, bylines and the newsletter)."""

import logging
from datetime import timedelta
from pathlib import Path

from tribune.generators import ContentGenerator

from tribune.clock import site_now
from tribune.errors import describe_error
from tribune.i18n import _
from tribune.images import ImageError
from tribune.lint import display_path
from tribune.paths import OutsideContent, content_path, is_web_address

from .avatars import clean_avatar
from .contents import Member

logger = logging.getLogger(__name__)


def spotlight_member(members: list[Member], month: str) -> Member | None:
    """The published member in the spotlight for ``month`` ("YYYY-MM"), if any.

    The public API of this plugin: the newsletter asks it for the member of an edition's month.
    """
    return next((m for m in members if m.may_publish and m.spotlight_month == month), None)


def latest_spotlight(members: list[Member], month: str) -> Member | None:
    """The published member whose spotlight month is the latest up to ``month``: the home page
    keeps a member in the spotlight until the next one, rather than none between two."""
    featured = [m for m in members if m.may_publish and m.spotlight_month and m.spotlight_month <= month]
    return max(featured, key=lambda m: (m.spotlight_month, m.name.casefold()), default=None)


class MembersGenerator(ContentGenerator):
    def generate_context(self):
        everyone = self.read_contents("MEMBER_PATHS", Member)
        for member in everyone:
            member.avatar_source = self._avatar_of(member)
        self.members: list[Member] = [m for m in everyone if m.may_publish]
        for member in self.members:
            self.add_source_path(member)
        order = self.settings.get("MEMBERS_ORDER_BY", "name")
        if order == "member-since":
            self.members.sort(key=lambda m: (m.member_since is None, m.member_since), reverse=False)
        else:
            self.members.sort(key=lambda m: m.name.casefold())
        moment = site_now(self.settings)
        welcome_since = moment.date() - timedelta(days=self.settings.get("MEMBERS_WELCOME_DAYS", 90))
        for member in self.members:
            member.is_new = bool(member.member_since and member.member_since >= welcome_since)
        self.context["members"] = self.members
        self.context["members_by_name"] = {m.name: m for m in self.members}
        self._plan_avatars()
        self.link_articles(self.context.get("articles", []))
        self.context["spotlight_member"] = latest_spotlight(self.members, f"{moment:%Y-%m}")
        # Every avatar of every member file, published or not, by its real path (whatever
        # its spelling: images/./a.jpg, images//a.jpg, a link): none is copied as it is.
        self.context["member_avatar_sources"] = {m.avatar_source.resolve() for m in everyone if m.avatar_source}

    def _avatar_of(self, member: Member) -> Path | None:
        """The avatar file of a member, if it names one inside content/ (the lint reports the others)."""
        written = member.metadata.get("avatar")
        if not written or is_web_address(written):
            return None
        try:
            return Path(self.path) / content_path(self.path, written)
        except OutsideContent as error:
            logger.error(_('{path}: Avatar: "{value}" {error}', path=display_path(Path(member.source_path)), value=written, error=error))
            return None

    def _plan_avatars(self) -> None:
        """Avatar URLs are known now, so that pages rendered before ours (home, posts) can show them."""
        sizes = tuple(self.settings.get("MEMBER_AVATAR_SIZES", (96, 192, 384)))
        for member in self.members:
            if member.avatar_source:
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
                try:
                    clean_avatar(member.avatar_source, output / pattern.format(slug=member.slug, size="{size}"), tuple(member.avatar_urls),
                                 self.settings, cache=Path(self.settings["CACHE_PATH"]) / "avatars")
                except ImageError as error:  # fails the build; the lint names the file and line
                    logger.error(_('{path}: Avatar: "{value}" {error}', path=display_path(Path(member.source_path)),
                                   value=member.metadata["avatar"], error=error))
                except OSError as error:  # a damaged photo (cut short...): its header passed the lint
                    reason = describe_error(error, otherwise=_("the file is cut short or damaged"))
                    logger.error(_('{path}: Avatar: "{value}" cannot be read as an image ({reason}): export it again',
                                   path=display_path(Path(member.source_path)), value=member.metadata["avatar"], reason=reason))
        for member in self.members:
            self.write_item(writer, member, "member")
        self.write_index(writer, "members")


def drop_avatar_originals(static_generator) -> None:
    """The static generator must not copy avatars as they are (with their EXIF)."""
    sources = static_generator.context.get("member_avatar_sources", set())
    content = Path(static_generator.path)
    static_generator.staticfiles[:] = [s for s in static_generator.staticfiles if (content / s.relative_source_path).resolve() not in sources]
