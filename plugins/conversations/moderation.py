"""The charter applied: what of a source's replies enters the archive, and in which state.

For each reply a source gives (the charter's order, first rule that applies):

1. an erased author, or a blocked account or domain: nothing of it is archived (and what the
   archive held of it goes), its handle is masked in others' replies when erased;
2. a reply its author keeps off the web (followers only, ``!no-unauthenticated``): not archived;
3. personal data (e-mail addresses, phone numbers, however disguised: the detector of the
   members' lint) is masked in its text, its content warning and its author's name, whatever
   the mode; then a blocked word rejects it, a held word holds it (``pending``);
4. otherwise the mode decides: ``publish`` approves it, ``hold`` holds it.

A decision by hand (``--approve``, ``--reject``) stands until the reply's text changes at its
source; the charter's own decisions are made again at each fetch (a word added to the
charter applies to the replies already archived), except that the mode applies to new
replies only. A reply whose parent is not archived (blocked, erased, deleted, kept off the
web) hangs from the nearest one that is, or from the page.
"""

import re
from dataclasses import replace
from datetime import datetime, timezone

from tribune.i18n import _
from tribune.personal_data import EMAIL, find_personal_data, site_region

from .archive import Archive, Reply, SourceState, nearest, reply_id
from .charter import Charter
from .found import Thread
from .words import capped

#: Countries whose national numbers (without + or 00) are recognised, after the site's own
#: (the members' lint's: the French-speaking ones); international numbers always are.
PHONE_REGIONS = ("FR", "BE", "CH", "CA")
REPLY_CHARACTERS = 2000


def regions(settings: dict) -> tuple[str, ...]:
    return tuple(dict.fromkeys(filter(None, (site_region(settings), *settings.get("MEMBER_PHONE_REGIONS", PHONE_REGIONS)))))


def mask_personal_data(text: str, where: tuple[str, ...]) -> str:
    for found in find_personal_data(text, where):
        text = text.replace(found.written, _("[e-mail address hidden]") if found.what == EMAIL else _("[phone number hidden]"))
    return text


def mask_mentions(text: str, handles: list[str]) -> str:
    """Mentions of erased accounts (``@lea@piaille.fr``, ``@lea``, ``@lea.bsky.social``) made ``@…``."""
    for handle in handles:
        local, _at, domain = handle.partition("@")
        pattern = rf"(?<![\w@])@{re.escape(local)}" + (rf"(?:@{re.escape(domain)})?" if domain else "") + r"(?![\w-]|\.\w)"
        text = re.sub(pattern, "@…", text, flags=re.IGNORECASE)
    return text


def judge(reply: Reply, charter: Charter) -> Reply:
    """The charter's decision on an archived reply (a decision by hand stands)."""
    if reply.by == "hand":
        return reply
    rule = charter.word_rule(reply.text, reply.warning, reply.author.get("name", ""))
    if rule:
        return replace(reply, state="rejected" if rule.startswith("blocked-") else "pending", rule=rule)
    if reply.rule.startswith("mode:"):
        return reply  # the mode decided it once; a new mode is for new replies
    return replace(reply, state="approved" if charter.mode == "publish" else "pending", rule=f"mode:{charter.mode}")


def utc(value: str) -> str:
    """A date as the archive keeps it: ISO 8601 in UTC, to the second (a date without offset is UTC)."""
    try:
        moment = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        return ""
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).astimezone(timezone.utc).isoformat(timespec="seconds")


def _reparented(replies: list[Reply], parents: dict[str, str | None]) -> list[Reply]:
    """Each reply hanging from the nearest ancestor that is archived, or from the page."""
    kept = {reply.id for reply in replies}
    return [replace(reply, in_reply_to=nearest(reply.in_reply_to, kept, parents)) for reply in replies]


class Moderator:
    """Applies one charter to the conversations of one fetch."""

    def __init__(self, charter: Charter, settings: dict):
        self.charter = charter
        self.regions = regions(settings)
        self.erased = charter.erased_handles()

    def clean(self, text: str, limit: int = REPLY_CHARACTERS) -> str:
        return capped(mask_mentions(mask_personal_data(text, self.regions), self.erased), limit)

    def take(self, archive: Archive, source: str, thread: Thread, post: str, read_at: str) -> tuple[int, int]:
        """Replace the archive's replies from ``source`` by those of ``thread`` (read whole);
        return how many are new, and how many of those wait for a decision."""
        previous = {reply.key: reply for reply in archive.replies if reply.source == source}
        parents: dict[str, str | None] = {}
        taken, new, held = [], 0, 0
        for found in thread.replies:
            this = reply_id(source, found.key)
            parents[this] = reply_id(source, found.parent) if found.parent else None
            if found.kept_off or self.charter.excludes(found.author, found.url):
                continue
            author = {key: self.clean(str(found.author.get(key) or ""), 200) if key == "name" else str(found.author.get(key) or "")
                      for key in ("name", "url", "handle", "did") if found.author.get(key)}
            text, warning = self.clean(found.text), self.clean(found.warning, 200)
            old = previous.get(found.key)
            if old is not None and (old.text, old.warning) == (text, warning):
                reply = replace(old, kind=found.kind, url=found.url, author=author, published=utc(found.published), lang=found.lang,
                                in_reply_to=parents[this])
            else:
                reply = Reply(this, source, found.key, found.kind, found.url, author, utc(found.published), text, warning, found.lang,
                              parents[this])
            reply = judge(reply, self.charter)
            if old is None:
                new += 1
                held += reply.state == "pending"
            taken.append(reply)
        archive.replies = [reply for reply in archive.replies if reply.source != source] + _reparented(taken, parents)
        archive.sources[source] = SourceState(post, read_at, len(taken), thread.reposts, thread.likes)
        return new, held

    def settle(self, archive: Archive) -> int:
        """The charter applied to every reply of the archive, whatever its source and whether it
        was read now: erased and blocked authors' replies removed, erased handles masked, the
        charter's words again; the order made stable. Return how many replies were removed."""
        parents = {reply.id: reply.in_reply_to for reply in archive.replies}
        kept = [reply for reply in archive.replies if not self.charter.excludes(reply.author, reply.url)]
        removed = len(archive.replies) - len(kept)
        kept = [judge(replace(reply, text=mask_mentions(reply.text, self.erased)), self.charter) for reply in kept]
        archive.replies = sorted(_reparented(kept, parents), key=lambda reply: (reply.published, reply.id))
        for name, state in archive.sources.items():
            state.replies = sum(1 for reply in archive.replies if reply.source == name)
        return removed
