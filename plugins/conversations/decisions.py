"""The community manager's decisions, from the command line alone: what waits, and
``--approve`` or ``--reject`` by id, recorded in the archive file (``"by": "hand"``), where Git
keeps who decided and when. No network: the replies are those of the last fetch."""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from tribune.dates import format_date
from tribune.i18n import _, _n
from tribune.lint import display_path

from .archive import Archive, ArchiveError, Reply, archive_paths, load, write_archive
from .fetch import ConversationsError


def _archives(settings: dict) -> list[tuple[Path, Archive]]:
    found = []
    for path in archive_paths(settings):
        try:
            archive = load(path)
        except ArchiveError as error:
            raise ConversationsError(str(error)) from None
        if archive is not None:
            found.append((path, archive))
    return found


def why(reply: Reply) -> str:
    """What held or rejected a reply, in words."""
    kind, _colon, word = reply.rule.partition(":")
    if reply.by == "hand":
        return _("decided by hand")
    if kind == "held-word":
        return _("held: it says \"{word}\" (Held-Words)", word=word)
    if kind == "blocked-word":
        return _("rejected: it says \"{word}\" (Blocked-Words)", word=word)
    if reply.rule == "mode:hold":
        return _("held: every new reply waits for a decision (Mode: hold)")
    return _("shown (Mode: publish)")


def _when(reply: Reply, settings: dict) -> str:
    try:
        moment = datetime.fromisoformat(reply.published).astimezone(ZoneInfo(settings.get("TIMEZONE", "UTC")))
    except ValueError:
        return reply.published
    return f"{format_date(moment, settings.get('DEFAULT_LANG', 'fr'))} {moment:%H:%M}"


def show_pending(settings: dict, say=print) -> int:
    """List every reply that waits for a decision, oldest first, with its text."""
    waiting = sorted(((reply, archive, path) for path, archive in _archives(settings) for reply in archive.replies
                      if reply.state == "pending"), key=lambda item: item[0].published)
    for reply, archive, path in waiting:
        author = reply.author.get("name", "") + (f" ({reply.author['handle']})" if reply.author.get("handle") else "")
        say(_("{id}  {network}, {when}, {author} on {page}", id=reply.id, network=reply.network, when=_when(reply, settings),
              author=author, page=archive.page))
        say("    " + why(reply) + " — " + reply.url)
        for line in (reply.warning + "\n\n" if reply.warning else "").splitlines() + reply.text.splitlines():
            say("    | " + line)
    say(_n("{count} reply waits for a decision.", "{count} replies wait for a decision.", len(waiting)) + (
        " " + _("invoke conversations --approve ID (or --reject ID; several IDs separated by commas)") if waiting else ""))
    return 0


def decide(settings: dict, ids: str, state: str, say=print, warn=print) -> int:
    """Approve or reject the replies whose ids (or unique beginnings of ids) are given."""
    wanted = [part.strip().lower() for part in ids.split(",") if part.strip()]
    if not wanted:
        raise ConversationsError(_("give the id of a reply, as invoke conversations --pending shows it"))
    archives = _archives(settings)
    changed: dict[Path, Archive] = {}
    failed = 0
    for wanted_id in wanted:
        matches = [(path, archive, reply) for path, archive in archives for reply in archive.replies
                   if reply.id == wanted_id or (len(wanted_id) >= 4 and reply.id.startswith(wanted_id))]
        if len(matches) != 1:
            failed += 1
            warn(_("{id}: no reply has this id (see invoke conversations --pending)", id=wanted_id) if not matches else
                 _("{id}: {count} replies begin so; give more of the id", id=wanted_id, count=len(matches)))
            continue
        path, archive, reply = matches[0]
        reply.state, reply.by, reply.rule = state, "hand", ""
        changed[path] = archive
        author = reply.author.get("name", "")
        say(_("Approved: {id}, {author} on {page}", id=reply.id, author=author, page=archive.page) if state == "approved" else
            _("Rejected: {id}, {author} on {page}", id=reply.id, author=author, page=archive.page))
    for path, archive in changed.items():
        write_archive(path, archive)
    if changed:
        say(_("Recorded in {files}: commit them (Git keeps who decided and when), then build the site.",
              files=", ".join(display_path(path) for path in changed)))
    return 1 if failed else 0
