"""The organisation's Bluesky account, through the atproto SDK, made safe to call.

- BLUESKY_HANDLE and BLUESKY_APP_PASSWORD (Settings › Privacy and security › App passwords:
  never the account's own password) come from the environment, with BLUESKY_SERVICE for a
  self-hosted PDS (default https://bsky.social); the password is never printed, logged or
  written, and messages are made from the server's answer only.
- Every call has a timeout (SOCIAL_TIMEOUT, given to the SDK's HTTP client).
- A post is an ``app.bsky.feed.post`` record created with its own record key, made from the
  piece (see :func:`record_key`): a PDS keeps one record per key, so the same piece can never
  be two posts, whichever machine posts it, however often. Before creating it, and after a
  create whose answer was lost, the record at that key is read.
- The text's links and hashtags are facets (byte offsets into the UTF-8 text); the page is an
  external embed, the "link card" (title, description, and the image as its thumbnail).
"""

import hashlib
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone

import httpx
from atproto import Client, models
from atproto_client.exceptions import (InvokeTimeoutError, RateLimitExceededError, RequestErrorBase,
                                       UnauthorizedError)
from atproto_client.models.common import XrpcError
from atproto_client.models.utils import get_model_as_dict
from atproto_client.request import Request
from atproto_client.utils import facet_detection
from atproto_core.exceptions import AtProtocolError

from tribune.errors import describe_error
from tribune.i18n import _

from .compose import SocialText
from .links import same_page
from .service import Account, ConfigError, Picture, ServiceError, Timing, their_words

#: app.bsky.embed.external: ``thumb`` ``maxSize: 1000000``.
MAX_IMAGE_BYTES = 1_000_000
COLLECTION = "app.bsky.feed.post"
_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class BlueskyConfig:
    handle: str
    password: str = field(repr=False)
    service: str = "https://bsky.social"
    web: str = "https://bsky.app"
    timing: Timing = Timing()

    @classmethod
    def load(cls, settings: dict, environ=os.environ) -> "BlueskyConfig":
        handle = environ.get("BLUESKY_HANDLE", "").strip().lstrip("@")
        if not handle:
            raise ConfigError(_("BLUESKY_HANDLE is not set: export the organisation's handle (e.g. editionsboussole.bsky.social)"))
        password = environ.get("BLUESKY_APP_PASSWORD", "").strip()
        if not password:
            raise ConfigError(_("BLUESKY_APP_PASSWORD is not set: create an app password in Bluesky (Settings › Privacy and security "
                                "› App passwords) and export it"))
        service = (environ.get("BLUESKY_SERVICE", "").strip() or "https://bsky.social").rstrip("/")
        if not service.startswith(("https://", "http://")):
            raise ConfigError(_("BLUESKY_SERVICE \"{url}\" is not a web address (expected https://your.pds)", url=service))
        return cls(handle, password, service, str(settings.get("SOCIAL_BLUESKY_WEB", "https://bsky.app")).rstrip("/"), Timing.of(settings))


@dataclass
class Post:
    id: str  # the record's at:// URI
    url: str  # where people read it


def record_key(key: str, moment: datetime) -> str:
    """The record key (a TID: microseconds since 1970 and a 10-bit clock id, in base32-sortable)
    of a piece: its date to the second, and within that second and in the clock id, a hash of
    the piece's file name. The same piece always gets the same key."""
    digest = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")
    micros = int(moment.timestamp()) * 1_000_000 + digest % 1_000_000
    value = (micros << 10) | (digest >> 40) % 1024
    return "".join(_TID_ALPHABET[(value >> shift) & 31] for shift in range(60, -1, -5))


def _uris(value) -> list[str]:
    """Every web address a record holds (its link facets, its card)."""
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in ([item] if key == "uri" and isinstance(item, str) else _uris(item))]
    if isinstance(value, list):
        return [found for item in value for found in _uris(item)]
    return []


def facets_of(text: SocialText) -> list:
    """The facets of a text: its link and hashtags where Tribune wrote them, and those a writer
    typed in their own words (found as Bluesky's app finds them), at UTF-8 byte offsets."""
    facets, offset = [], 0
    for segment in text.segments:
        size = len(segment.text.encode("utf-8"))
        index = models.AppBskyRichtextFacet.ByteSlice(byte_start=offset, byte_end=offset + size)
        if segment.kind == "link":
            facets.append(models.AppBskyRichtextFacet.Main(features=[models.AppBskyRichtextFacet.Link(uri=segment.target)], index=index))
        elif segment.kind == "tag":
            facets.append(models.AppBskyRichtextFacet.Main(features=[models.AppBskyRichtextFacet.Tag(tag=segment.target)], index=index))
        elif text.own_words and segment is text.segments[0]:
            for found in facet_detection.detect_facets(segment.text):
                found.index.byte_start += offset
                found.index.byte_end += offset
                facets.append(found)
        offset += size
    return sorted(facets, key=lambda facet: facet.index.byte_start)


class BlueskyAccount(Account):
    def __init__(self, config: BlueskyConfig, sleep=None):
        super().__init__(config, sleep)
        self.client = Client(base_url=config.service, request=Request(timeout=httpx.Timeout(config.timing.timeout)))
        self.did = ""
        self.handle = config.handle

    def explain(self, action: str, error: Exception) -> ServiceError | None:
        """The library's exception in one readable line (None: not a failure of the service)."""
        if isinstance(error, RequestErrorBase):
            response = error.response
            if response is None:
                reason = _("timed out") if isinstance(error, InvokeTimeoutError) else describe_error(error, otherwise=_("the connection failed"))
                return ServiceError(_("{action}: Bluesky did not answer ({reason})", action=action, reason=reason))
            content = response.content
            words = their_words(f"{content.error}: {content.message}" if isinstance(content, XrpcError) else content)
            if isinstance(error, RateLimitExceededError):
                return ServiceError(_("{action}: Bluesky says to slow down (HTTP 429)", action=action), 429)
            if isinstance(error, UnauthorizedError):
                return ServiceError(_("{action}: Bluesky refused BLUESKY_HANDLE and BLUESKY_APP_PASSWORD (HTTP {status}: {words}): "
                                      "check the handle, and create a new app password if needed", action=action,
                                      status=response.status_code, words=words), response.status_code)
            return ServiceError(_("{action}: Bluesky refused it (HTTP {status}: {words})", action=action,
                                  status=response.status_code, words=words), response.status_code)
        if isinstance(error, httpx.HTTPError):  # what the SDK lets through (a connection closed without an answer)
            reason = describe_error(error, otherwise=_("the connection failed"))
            return ServiceError(_("{action}: Bluesky did not answer ({reason})", action=action, reason=reason))
        if isinstance(error, (AtProtocolError, ValueError)):
            return ServiceError(_("{action}: Bluesky's answer could not be read ({words})", action=action, words=their_words(error)))
        return None

    # -- The calls -----------------------------------------------------------------------
    def connect(self) -> str:
        """Open a session (createSession, then the profile); return the profile's address. A
        session opened twice after a lost answer is harmless: createSession is retried."""
        try:
            profile = self._call(_("signing in"), lambda: self.client.login(self.config.handle, self.config.password))
        except ServiceError as error:
            if error.status is None:
                raise ServiceError(_("BLUESKY_SERVICE {url}: no Bluesky server answers there ({error}); check the address",
                                     url=self.config.service, error=error)) from None
            raise
        self.did, self.handle = profile.did, profile.handle
        return f"{self.config.web}/profile/{self.handle}"

    def post_url(self, uri: str) -> str:
        return f"{self.config.web}/profile/{self.handle}/post/{uri.rsplit('/', 1)[-1]}"

    def at(self, rkey: str) -> dict | None:
        """The post at record key ``rkey`` (as a dict), or None when there is none."""
        try:
            record = self._call(_("reading the post's record"), lambda: self.client.com.atproto.repo.get_record(
                models.ComAtprotoRepoGetRecord.Params(repo=self.did, collection=COLLECTION, rkey=rkey)))
        except ServiceError as error:
            if error.status == 400 and "RecordNotFound" in str(error):
                return None
            raise
        return {"uri": record.uri, "value": get_model_as_dict(record.value) if not isinstance(record.value, dict) else record.value}

    def find(self, page: str, recent: int) -> Post | None:
        """The account's post, among its ``recent`` latest records, that links to ``page``."""
        listing = self._call(_("reading the account's recent posts"), lambda: self.client.com.atproto.repo.list_records(
            models.ComAtprotoRepoListRecords.Params(repo=self.did, collection=COLLECTION, limit=min(recent, 100))))
        for record in listing.records:
            value = record.value if isinstance(record.value, dict) else get_model_as_dict(record.value)
            if any(same_page(uri, page) for uri in _uris(value)):
                return Post(record.uri, self.post_url(record.uri))
        return None

    def links_to(self, record: dict, page: str) -> bool:
        return any(same_page(uri, page) for uri in _uris(record.get("value")))

    def upload(self, image: Picture):
        """The image as a blob (sent again after a lost answer: a blob no record uses is
        deleted by the PDS, it is never a post)."""
        return self._call(_("uploading the image"), lambda: self.client.com.atproto.repo.upload_blob(
            image.data, headers={"Content-Type": image.mime})).blob

    def post(self, text: SocialText, rkey: str, language: str, card_title: str, card_description: str, thumb) -> Post:
        """Create the record at ``rkey``: once (a 429 is tried again: nothing was written)."""
        external = models.AppBskyEmbedExternal.External(uri=text.link, title=card_title, description=card_description, thumb=thumb)
        record = models.AppBskyFeedPost.Record(
            created_at=datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            text=text.text, facets=facets_of(text) or None, langs=[language],
            embed=models.AppBskyEmbedExternal.Main(external=external),
        )
        created = self._call(_("posting"), lambda: self.client.app.bsky.feed.post.create(self.did, record, rkey=rkey), idempotent=False)
        return Post(created.uri, self.post_url(created.uri))
