"""The replies to a Mastodon post: the status's context, through the social plugin's account.

The organisation's account (MASTODON_API_BASE_URL, MASTODON_ACCESS_TOKEN: see the social
plugin) reads its own status (its boosts and favourites) and the status's context, whose
``descendants`` are the whole thread below it, each with the status it answers. Timeouts,
bounded retries and readable failures are the social plugin's (service.py).

An authenticated account also sees followers-only and direct replies: they are never kept
(only ``public`` ones are, as their authors published them for everyone), nor are the
replies of people who asked search engines not to index them (``noindex``).
"""

from datetime import datetime
from urllib.parse import urlsplit

from social.mastodon_account import MastodonAccount
from social.service import ServiceError

from tribune.i18n import _

from .found import Found, Thread
from .words import text_of_html


def _when(value) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value or "")


def _handle(account) -> str:
    """"@name@instance", also for an account of the organisation's own instance (whose acct has no domain)."""
    acct = str(account.get("acct") or account.get("username") or "")
    return "@" + (acct if "@" in acct else f"{acct}@{urlsplit(str(account.get('url') or '')).hostname or ''}").rstrip("@")


class MastodonThreads(MastodonAccount):
    def thread(self, status_id: str) -> Thread:
        try:
            status = self._call(_("reading the post"), lambda: self.client.status(status_id))
        except ServiceError as error:
            if error.status == 404:
                return Thread(gone=True)
            raise
        context = self._call(_("reading its replies"), lambda: self.client.status_context(status_id))
        thread = Thread(reposts=int(status.get("reblogs_count") or 0), likes=int(status.get("favourites_count") or 0))
        for reply in context.get("descendants") or []:
            account = reply.get("account") or {}
            thread.replies.append(Found(
                key=str(reply["id"]), kind="reply", url=str(reply.get("url") or reply.get("uri") or ""),
                author={"name": str(account.get("display_name") or account.get("username") or ""), "url": str(account.get("url") or ""),
                        "handle": _handle(account)},
                published=_when(reply.get("created_at")), text=text_of_html(reply.get("content") or ""),
                warning=str(reply.get("spoiler_text") or ""), lang=str(reply.get("language") or ""),
                parent=None if str(reply.get("in_reply_to_id")) == str(status_id) else str(reply.get("in_reply_to_id")),
                kept_off=reply.get("visibility") != "public" or bool(account.get("noindex")),
            ))
        return thread
