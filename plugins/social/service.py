"""What both networks' wrappers share: timing settings, one error type, bounded retries,
and the image as each network takes it.

Retries follow the newsletter's rule (plugins/newsletter/mailchimp.py): a 429 means the
request was not processed, so it is always tried again, with exponential backoff and
jitter, bounded in count and time; a 5xx or a lost answer is tried again only for calls that
cannot make a second post (reads, uploads). A post itself is never repeated here: the
caller looks for it first (syndicate.py).
"""

import io
import mimetypes
import random
import time
from dataclasses import dataclass
from pathlib import Path

from tribune.errors import describe_error
from tribune.i18n import _
from tribune.images import ImageError, open_image
from tribune.sanitise import third_party_text


class ConfigError(Exception):
    """A network's configuration is missing or wrong; said before any network call."""


class ServiceError(Exception):
    """A network refused or failed; ``status`` is the HTTP status (None: no answer came)."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status

    @property
    def lost(self) -> bool:
        """No answer, or a server error: the request may have been carried out."""
        return self.status is None or self.status >= 500


@dataclass(frozen=True)
class Timing:
    timeout: float = 20.0
    retries: int = 3
    retry_base: float = 1.0
    retry_budget: float = 60.0

    @classmethod
    def of(cls, settings: dict) -> "Timing":
        return cls(float(settings.get("SOCIAL_TIMEOUT", 20)), int(settings.get("SOCIAL_RETRIES", 3)),
                   float(settings.get("SOCIAL_RETRY_BASE", 1.0)), float(settings.get("SOCIAL_RETRY_BUDGET", 60)))


def their_words(text) -> str:
    """A server's own words (an error message), as plain text of one line, at most 200 characters."""
    return " ".join(third_party_text(str(text or "")).split())[:200]


def retrying(call, timing: Timing, explain, *, idempotent: bool, sleep=time.sleep):
    """``call()``, again after a 429 (always) or a lost answer (``idempotent`` calls only);
    ``explain(error)`` turns the library's exception into a :class:`ServiceError`."""
    started = time.monotonic()
    for attempt in range(timing.retries + 1):
        try:
            return call()
        except ServiceError:
            raise
        except Exception as error:  # noqa: BLE001 - each library's errors, explained below
            failure = explain(error)
            if failure is None:
                raise
        retryable = failure.status == 429 or (idempotent and failure.lost)
        waited = time.monotonic() - started
        if not retryable or attempt == timing.retries or waited >= timing.retry_budget:
            raise failure
        sleep(min(timing.retry_base * 2**attempt, timing.retry_budget - waited) * random.uniform(0.5, 1.0))
    raise AssertionError("unreachable")


class Account:
    """What the Mastodon and Bluesky accounts share: every call made through :func:`retrying`
    with the timing of their configuration and their own :meth:`explain`."""

    def __init__(self, config, sleep=None):
        self.config = config
        self.sleep = sleep

    def explain(self, action: str, error: Exception) -> ServiceError | None:
        raise NotImplementedError

    def _call(self, action: str, call, *, idempotent: bool = True):
        kwargs = {"sleep": self.sleep} if self.sleep else {}
        return retrying(call, self.config.timing, lambda error: self.explain(action, error), idempotent=idempotent, **kwargs)


@dataclass
class Picture:
    data: bytes
    mime: str
    alt: str
    name: str


def picture(path: Path, alt: str, settings: dict, max_bytes: int) -> Picture:
    """The image as a network takes it: the file itself when it is small enough, else a JPEG
    made smaller until it is (Bluesky takes at most 1,000,000 bytes)."""
    data = path.read_bytes()
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if len(data) <= max_bytes and mime in ("image/png", "image/jpeg", "image/webp", "image/gif"):
        return Picture(data, mime, alt, path.name)
    try:
        with open_image(path, settings) as image:
            image = image.convert("RGB")
            for width in (2000, 1600, 1200, 1000, 800, 600):
                image.thumbnail((width, width))
                buffer = io.BytesIO()
                image.save(buffer, "JPEG", quality=82, optimize=True)
                if buffer.tell() <= max_bytes:
                    return Picture(buffer.getvalue(), "image/jpeg", alt, path.stem + ".jpg")
    except (ImageError, OSError) as error:
        raise ConfigError(_("{path} {error}", path=path, error=describe_error(error))) from None
    raise ConfigError(_("{path} stays over {size} bytes even made smaller: use a smaller image", path=path, size=max_bytes))
