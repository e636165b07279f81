"""The organisation's Mastodon account, through Mastodon.py, made safe to call.

- MASTODON_API_BASE_URL (the instance, e.g. https://mastodon.example) and
  MASTODON_ACCESS_TOKEN (Preferences › Development › New application, scopes
  ``read:accounts read:statuses write:media write:statuses``) come from the environment; the
  token is never printed, logged or written: it is hidden from the configuration's repr, and
  messages are made from the server's answer, never from the request.
- Every call has a timeout (SOCIAL_TIMEOUT); Mastodon.py is told to raise on 429 rather than
  sleep, so that retries are bounded here (service.retrying).
- The instance is read first (/api/v2/instance): an address where no Mastodon answers, or a
  refused token, is said in one line before anything is posted; its own character limit is
  the one the text is checked against.
- A status is posted with an ``Idempotency-Key`` made from the piece: Mastodon keeps the key
  for an hour and answers a repeated post with the status it already made.
"""

import hashlib
import os
from dataclasses import dataclass, field

import requests
from mastodon import Mastodon
from mastodon.errors import MastodonAPIError, MastodonError, MastodonNetworkError, MastodonRatelimitError

from tribune.errors import describe_error
from tribune.i18n import _

from .links import hrefs, same_page
from .service import Account, ConfigError, Picture, ServiceError, Timing, their_words
from tribune.sanitise import is_safe_url

#: Mastodon's images may be 16 MB; a smaller file uploads faster and is safe everywhere.
MAX_IMAGE_BYTES = 8_000_000


@dataclass(frozen=True)
class MastodonConfig:
    base_url: str
    token: str = field(repr=False)
    timing: Timing = Timing()

    @classmethod
    def load(cls, settings: dict, environ=os.environ) -> "MastodonConfig":
        base = environ.get("MASTODON_API_BASE_URL", "").strip().rstrip("/")
        if not base:
            raise ConfigError(_("MASTODON_API_BASE_URL is not set: export the address of the organisation's instance (e.g. https://mastodon.example)"))
        if not base.startswith(("https://", "http://")):
            raise ConfigError(_("MASTODON_API_BASE_URL \"{url}\" is not a web address (expected https://your.instance)", url=base))
        token = environ.get("MASTODON_ACCESS_TOKEN", "").strip()
        if not token:
            raise ConfigError(_("MASTODON_ACCESS_TOKEN is not set: create an application in the account's Preferences › Development "
                                "(scopes read:accounts read:statuses write:media write:statuses) and export its access token"))
        return cls(base, token, Timing.of(settings))


@dataclass
class Status:
    id: str
    url: str


class MastodonAccount(Account):
    """The calls Tribune makes, each with its timeout, bounded retries and one readable line."""

    def __init__(self, config: MastodonConfig, sleep=None):
        super().__init__(config, sleep)
        self.client = Mastodon(access_token=config.token, api_base_url=config.base_url, request_timeout=config.timing.timeout,
                               ratelimit_method="throw", version_check_mode="none", user_agent="Tribune")
        self.account_id = None
        self.limit = 500

    def explain(self, action: str, error: Exception) -> ServiceError | None:
        """The library's exception in one readable line (None: not a failure of the service)."""
        if isinstance(error, MastodonRatelimitError):
            return ServiceError(_("{action}: Mastodon says to slow down (HTTP 429)", action=action), 429)
        if isinstance(error, MastodonNetworkError):
            reason = describe_error(error, otherwise=_("the connection failed"))
            return ServiceError(_("{action}: Mastodon did not answer ({reason})", action=action, reason=reason))
        if isinstance(error, MastodonAPIError) and len(error.args) >= 4:
            status, words = error.args[1], their_words(error.args[3] or error.args[2])
            if status == 401:
                return ServiceError(_("{action}: Mastodon refused MASTODON_ACCESS_TOKEN (HTTP 401: {words}): create a new token in "
                                      "Preferences › Development and export it", action=action, words=words), 401)
            if status == 403:
                return ServiceError(_("{action}: the token may not do this (HTTP 403: {words}): give its application the scopes "
                                      "read:accounts read:statuses write:media write:statuses", action=action, words=words), 403)
            return ServiceError(_("{action}: Mastodon refused it (HTTP {status}: {words})", action=action, status=status, words=words), status)
        if isinstance(error, (MastodonError, requests.RequestException, ValueError)):
            return ServiceError(_("{action}: Mastodon's answer could not be read ({words})", action=action, words=their_words(error)))
        return None

    # -- The calls -----------------------------------------------------------------------
    def connect(self) -> str:
        """Read the instance and the account; return the account's address."""
        try:
            instance = self._call(_("reading the instance"), self.client.instance_v2)
        except ServiceError as error:
            if error.status == 404:
                raise ServiceError(_("MASTODON_API_BASE_URL {url} is not a Mastodon instance (HTTP 404 on /api/v2/instance): check "
                                     "the address", url=self.config.base_url), 404) from None
            if error.status is None:
                raise ServiceError(_("MASTODON_API_BASE_URL {url}: no Mastodon instance answers there ({error}); check the address",
                                     url=self.config.base_url, error=error)) from None
            raise
        try:
            self.limit = int(instance["configuration"]["statuses"]["max_characters"])
        except (KeyError, TypeError, ValueError):
            self.limit = 500
        account = self._call(_("checking MASTODON_ACCESS_TOKEN"), self.client.account_verify_credentials)
        self.account_id = account["id"]
        return str(account.get("url") or "")

    def find(self, page: str, recent: int) -> Status | None:
        """The account's post, among its ``recent`` latest, that links to ``page``."""
        statuses = self._call(_("reading the account's recent posts"),
                              lambda: self.client.account_statuses(self.account_id, exclude_reblogs=True, limit=min(recent, 40)))
        for status in statuses or []:
            card = status.get("card") or {}
            if any(same_page(href, page) for href in [*hrefs(status.get("content")), card.get("url") or ""]):
                return self._status(status)
        return None

    def upload(self, image: Picture) -> str:
        """The image sent with its description (alt text); its media id. Sent again after a lost
        answer: an extra upload is never attached to anything, and Mastodon deletes it."""
        media = self._call(_("uploading the image"), lambda: self.client.media_post(
            image.data, mime_type=image.mime, description=image.alt, file_name=image.name))
        return str(media["id"])

    def post(self, text: str, media: list[str], language: str, key: str) -> Status:
        """Post once: a 429 is tried again (nothing was posted); a lost answer is the caller's
        to look into (syndicate.py), as the post may be there."""
        status = self._call(_("posting"), lambda: self.client.status_post(
            text, media_ids=media or None, visibility="public", language=language, idempotency_key=key), idempotent=False)
        return self._status(status)

    @staticmethod
    def _status(status) -> Status:
        url = str(status.get("url") or status.get("uri") or "")
        if not is_safe_url(url, ("https", "http")) or "://" not in url:
            raise ServiceError(_("Mastodon answered a post without a web address ({url})", url=their_words(url)))
        return Status(str(status["id"]), url)


def idempotency_key(key: str, page: str) -> str:
    """One key per piece and page: the same post asked twice within the hour is made once."""
    return "tribune-" + hashlib.sha256(f"{key}\n{page}".encode()).hexdigest()[:40]
