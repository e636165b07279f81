"""Mailchimp, through the official mailchimp-marketing client, made safe to call.

- Configuration comes from the environment and settings, and is checked before any network
  call; a missing piece is named (MAILCHIMP_API_KEY, MAILCHIMP_AUDIENCE_ID...).
- The API key is never printed, logged, put in an exception message or written anywhere:
  :class:`MailchimpConfig` hides it from its repr, and error messages are built from the
  response, never from the request.
- Every call has a timeout. 429 (not processed) is always retried, with exponential backoff
  and jitter, bounded in count and time; 5xx and connection errors are retried only for
  calls that may safely run twice (reads, content updates, deleting a draft). The caller
  decides what to do after a failed create, schedule or send (look before acting again).
- The client returns some failed responses instead of raising (when the body is empty) and
  gives problem+json bodies as text: both become :class:`MailchimpError` in plain words.
- The client (and requests, under it) is imported when a :class:`Mailchimp` is made: every
  build and every command loads this plugin, and importing them took 70 ms of each.
"""

import json
import os
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from urllib.parse import urlsplit

from tribune.errors import describe_error
from tribune.i18n import _, _n, number

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class ConfigError(Exception):
    """Configuration missing or wrong; reported before any network call."""


class MailchimpError(Exception):
    """Mailchimp refused or failed; ``status`` is the HTTP status (None: no answer)."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class MailchimpConfig:
    api_key: str = field(repr=False)
    server: str
    audience_id: str
    from_name: str
    reply_to: str
    api_url: str | None = None
    segment_id: int | None = None
    timeout: float = 20.0
    retries: int = 4
    retry_base: float = 1.0
    retry_budget: float = 60.0

    @classmethod
    def load(cls, settings: dict, environ=os.environ) -> "MailchimpConfig":
        key = environ.get("MAILCHIMP_API_KEY", "").strip()
        if not key:
            raise ConfigError(_("MAILCHIMP_API_KEY is not set: create an API key in Mailchimp (Profile › Extras › API keys) and export it"))
        server = environ.get("MAILCHIMP_SERVER", "").strip() or (key.rsplit("-", 1)[1] if re.search(r"-[a-z]+\d+$", key) else "")
        if not server:
            raise ConfigError(_("MAILCHIMP_SERVER is not set and MAILCHIMP_API_KEY has no data-center suffix (…-us21): set MAILCHIMP_SERVER"))
        audience = environ.get("MAILCHIMP_AUDIENCE_ID", "").strip()
        if not audience:
            raise ConfigError(_("MAILCHIMP_AUDIENCE_ID is not set: copy the audience id from Audience › Settings › Unique id"))
        from_name = str(settings.get("NEWSLETTER_FROM_NAME") or "").strip()
        if not from_name:
            raise ConfigError(_("NEWSLETTER_FROM_NAME is not set in pelicanconf.py: the name subscribers see as the sender"))
        reply_to = str(settings.get("NEWSLETTER_REPLY_TO") or "").strip()
        if not _EMAIL.match(reply_to):
            raise ConfigError(_('NEWSLETTER_REPLY_TO in pelicanconf.py must be an e-mail address (it is "{value}")', value=reply_to))
        segment = settings.get("NEWSLETTER_SEGMENT_ID")
        return cls(
            api_key=key, server=server, audience_id=audience, from_name=from_name, reply_to=reply_to,
            api_url=environ.get("MAILCHIMP_API_URL", "").strip() or None,
            segment_id=int(segment) if segment not in (None, "") else None,
            timeout=float(settings.get("NEWSLETTER_MAILCHIMP_TIMEOUT", 20)),
            retries=int(settings.get("NEWSLETTER_MAILCHIMP_RETRIES", 4)),
            retry_base=float(settings.get("NEWSLETTER_MAILCHIMP_RETRY_BASE", 1.0)),
            retry_budget=float(settings.get("NEWSLETTER_MAILCHIMP_RETRY_BUDGET", 60)),
        )

    @property
    def admin_url(self) -> str:
        return f"https://{self.server}.admin.mailchimp.com"


def _problem(body) -> dict:
    """A problem+json body as a dict, whether the client parsed it or handed it as text."""
    if isinstance(body, dict):
        return body
    try:
        parsed = json.loads(body) if isinstance(body, (str, bytes)) else {}
    except ValueError:
        parsed = {}
    return parsed if isinstance(parsed, dict) else {}


def campaign_status(status: str | None) -> str:
    """A campaign's status in words ("save" is a draft, "schedule" a scheduled campaign), as
    Mailchimp's dashboard shows it; a status Mailchimp adds later is given as it comes."""
    words = {"save": _("draft"), "paused": _("paused"), "schedule": _("scheduled"), "sending": _("sending"), "sent": _("sent"),
             "canceling": _("being canceled"), "canceled": _("canceled"), "archived": _("archived")}
    return words.get(str(status), str(status))


def explain(status: int | None, body, action: str) -> str:
    """Mailchimp's error in plain words: what failed, why, and each field at fault (Mailchimp's
    own words, in English, are quoted as it gives them)."""
    problem = _problem(body)
    if status is None:
        reason = body if isinstance(body, str) else f"{type(body).__name__}: {body}"
        return _("{action}: Mailchimp did not answer ({reason})", action=action, reason=str(reason)[:200])
    if status in (401, 403):
        return _("{action}: Mailchimp refused the API key (HTTP {status}): check MAILCHIMP_API_KEY and MAILCHIMP_SERVER",
                 action=action, status=status)
    words = [_("{action}: {title} (HTTP {status})", action=action, title=problem.get("title") or _("error"), status=status)]
    if problem.get("detail"):
        words.append(str(problem["detail"]))
    for error in problem.get("errors") or []:
        words.append(f"{error.get('field') or _('field')}: {error.get('message')}")
    if not problem and isinstance(body, str) and body.strip():
        words.append(body.strip()[:300])
    return " — ".join(words)


class Mailchimp:
    """The calls Tribune makes, each with timeout, bounded retries and readable errors."""

    def __init__(self, config: MailchimpConfig, sleep: Callable[[float], None] = time.sleep):
        import mailchimp_marketing

        self.config = config
        self.sleep = sleep
        self.client = mailchimp_marketing.Client()
        self.client.set_config({"api_key": config.api_key, "server": config.server, "timeout": config.timeout})
        if config.api_url:
            # The client replaces the word "server" anywhere in its URLs: set the host after
            # configuring it, and no server to replace.
            self.client.api_client.host = config.api_url.rstrip("/")
            self.client.api_client.server = ""

    def _call(self, action: str, function, *args, idempotent: bool = True, **kwargs):
        import requests
        from mailchimp_marketing.api_client import ApiClientError

        started = time.monotonic()
        for attempt in range(self.config.retries + 1):
            status, body = None, None
            try:
                result = function(*args, **kwargs)
            except ApiClientError as error:
                status, body = error.status_code, error.text
            else:
                if not isinstance(result, requests.Response):
                    return result
                if result.ok:
                    return {}
                status, body = result.status_code, result.text
            retryable = status == 429 or (idempotent and (status is None or status >= 500))
            waited = time.monotonic() - started
            if not retryable or attempt == self.config.retries or waited >= self.config.retry_budget:
                if status is None and isinstance(body, requests.RequestException):
                    raise MailchimpError(self._unreachable(action, body, attempt + 1), None)
                raise MailchimpError(explain(status, body, action), status)
            delay = min(self.config.retry_base * 2**attempt, self.config.retry_budget - waited)
            self.sleep(delay * random.uniform(0.5, 1.0))
        raise AssertionError("unreachable")

    def _host(self) -> str:
        """The host the client calls (the client puts the server in place of "server")."""
        api = self.client.api_client
        return urlsplit(api.host.replace("server", api.server) if api.server else api.host).netloc

    def _unreachable(self, action: str, error: Exception, tries: int) -> str:
        """No answer from Mailchimp, in words: which host, how many tries, why, what to check."""
        import requests

        if isinstance(error, requests.Timeout):
            why = _("no answer within {seconds} s", seconds=number(self.config.timeout, 1, optional=True))
        else:
            why = describe_error(error, otherwise=_("the connection failed"))
        return _n("{action}: Mailchimp could not be reached at {host} ({why}, {count} try): check this machine's internet "
                  "connection and MAILCHIMP_SERVER, then run the command again",
                  "{action}: Mailchimp could not be reached at {host} ({why}, {count} tries): check this machine's internet "
                  "connection and MAILCHIMP_SERVER, then run the command again", tries, action=action, host=self._host(), why=why)

    # -- The calls ----------------------------------------------------------------------
    def audience(self) -> dict:
        try:
            return self._call(_("reading the audience"), self.client.lists.get_list, self.config.audience_id)
        except MailchimpError as error:
            if error.status == 404:
                raise MailchimpError(_('MAILCHIMP_AUDIENCE_ID "{audience}" is not an audience of this Mailchimp account (HTTP 404)',
                                       audience=self.config.audience_id), 404) from None
            raise

    def campaigns_titled(self, title: str) -> list[dict]:
        """The audience's campaigns titled ``title``, oldest first."""
        return [campaign for campaign in self._campaigns() if campaign.get("settings", {}).get("title") == title]

    def campaign(self, campaign_id: str) -> dict:
        return self._call(_("reading the campaign"), self.client.campaigns.get, campaign_id)

    def create_campaign(self, body: dict) -> dict:
        return self._call(_("creating the campaign"), self.client.campaigns.create, body, idempotent=False)

    def update_campaign(self, campaign_id: str, body: dict) -> dict:
        return self._call(_("updating the campaign"), self.client.campaigns.update, campaign_id, body)

    def set_content(self, campaign_id: str, html: str, text: str) -> dict:
        return self._call(_("setting the content"), self.client.campaigns.set_content, campaign_id, {"html": html, "plain_text": text})

    def checklist(self, campaign_id: str) -> dict:
        return self._call(_("reading the send checklist"), self.client.campaigns.get_send_checklist, campaign_id)

    def send_test(self, campaign_id: str, emails: list[str]) -> None:
        self._call(_("sending the test e-mail"), self.client.campaigns.send_test_email, campaign_id,
                   {"test_emails": emails, "send_type": "html"}, idempotent=False)

    def schedule(self, campaign_id: str, when_utc: str) -> None:
        self._call(_("scheduling the campaign"), self.client.campaigns.schedule, campaign_id, {"schedule_time": when_utc}, idempotent=False)

    def unschedule(self, campaign_id: str) -> None:
        self._call(_("unscheduling the campaign"), self.client.campaigns.unschedule, campaign_id)

    def send(self, campaign_id: str) -> None:
        self._call(_("sending the campaign"), self.client.campaigns.send, campaign_id, idempotent=False)

    def delete_campaign(self, campaign_id: str) -> None:
        """Delete a campaign that was not sent (Mailchimp refuses the others); gone already is done."""
        try:
            self._call(_("deleting the draft"), self.client.campaigns.remove, campaign_id)
        except MailchimpError as error:
            if error.status != 404:
                raise

    # -- Reports (invoke report) ----------------------------------------------------------
    def campaign_report(self, campaign_id: str) -> dict:
        return self._call(_("reading the campaign report"), self.client.reports.get_campaign_report, campaign_id)

    def click_details(self, campaign_id: str) -> list[dict]:
        page = self._call(_("reading the click details"), self.client.reports.get_campaign_click_details, campaign_id, count=100)
        return page.get("urls_clicked", [])

    def growth_history(self) -> list[dict]:
        page = self._call(_("reading the audience's growth"), self.client.lists.get_list_growth_history, self.config.audience_id, count=120)
        return page.get("history", [])

    def campaigns_by_title(self) -> dict[str, dict]:
        """Every campaign of the audience, by title (one listing instead of one per edition)."""
        found = {}
        for campaign in self._campaigns():
            found.setdefault(campaign.get("settings", {}).get("title"), campaign)
        return found

    def _campaigns(self):
        """Every campaign of the audience, oldest first: sorted by create_time, which Mailchimp
        documents (its order is otherwise unspecified), so pages stay put as campaigns are added."""
        offset = 0
        while True:
            page = self._call(_("listing the campaigns"), self.client.campaigns.list, list_id=self.config.audience_id,
                              count=1000, offset=offset, sort_field="create_time", sort_dir="ASC")
            yield from page.get("campaigns", [])
            offset += len(page.get("campaigns", []))
            if not page.get("campaigns") or offset >= page.get("total_items", 0):
                return
