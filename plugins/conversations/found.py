"""What a source gives for one page, before the charter looks at it."""

from dataclasses import dataclass, field


@dataclass
class Found:
    """One reply as its source gives it, its text already plain (see words.py)."""

    key: str  # the source's own id
    kind: str  # reply, quote, mention
    url: str
    author: dict  # name, url, handle (did)
    published: str  # ISO 8601
    text: str
    warning: str = ""
    lang: str = ""  # as the network says it ("": unknown)
    parent: str | None = None  # the key of the reply it answers; None: the page
    kept_off: bool = False  # its author keeps it off the web (followers only, no-unauthenticated...): never archived


@dataclass
class Thread:
    """A page's conversation at one source, read whole: every reply there is now, and the counts."""

    replies: list[Found] = field(default_factory=list)
    reposts: int = 0
    likes: int = 0
    gone: bool = False  # the copy itself was deleted on the network
