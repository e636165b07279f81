"""Paths that content files name, kept inside the content folder.

A field such as ``Avatar: images/../../../outside/secret.png`` or a link such as
``{static}/../../x`` must not reach a file outside content/, and two spellings of one file
(``images/./a.jpg``, ``images//a.jpg``, ``images/a.jpg``) must be known as one, or a rule
keyed on the path (avatars are never copied as they are) misses the other spellings.
Every caller turns what a writer wrote into a path with :func:`content_path`.
"""

import posixpath
import re
from pathlib import Path

from tribune.i18n import _

_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
_PREFIX = re.compile(r"^\{(?:static|attach|filename)\}")
#: A link of a body to another file of the content folder, as Pelican resolves them.
INTERNAL_LINK = re.compile(r"\{(?P<kind>filename|static|attach)\}(?P<target>[^)\s\"'#?>]+)")


class OutsideContent(ValueError):
    """A path that leads out of the content folder; the message says how, to follow the path."""


def is_web_address(value: str) -> bool:
    """Whether a field holds an address with a scheme (https:, mailto:...) rather than a path."""
    return bool(_SCHEME.match(value.strip()))


def content_path(root: str | Path, written: str, folder: str = "") -> str:
    """The path, relative to the content folder ``root``, of the file ``written`` names.

    ``written`` may start with ``{static}``, ``{attach}`` or ``{filename}``; a leading ``/``
    means the content folder, anything else is relative to ``folder`` (the linking file's
    folder, relative to ``root``; fields such as Image: are relative to the root itself).
    ``.``, ``..`` and doubled slashes are resolved (symbolic links are followed only to check
    where they lead: compare resolved paths to know two links to one file). Raises
    :class:`OutsideContent` when the path, or a link on its way, leads out of ``root``.
    """
    return located(root, written, folder)[0]


def located(root: str | Path, written: str, folder: str = "") -> tuple[str, Path]:
    """:func:`content_path`, and the real path of the file (symbolic links followed): the
    resolution that the check of the path makes anyway, for callers that need both."""
    path = _PREFIX.sub("", written.strip()).split("?")[0].split("#")[0]
    joined = path.lstrip("/") if path.startswith("/") else posixpath.join(folder, path)
    normal = posixpath.normpath(joined) if joined else "."
    if normal == ".." or normal.startswith("../") or posixpath.isabs(normal):
        raise OutsideContent(_("leads out of the content folder"))
    root = Path(root).resolve()
    try:
        real = (root / normal).resolve()
    except RuntimeError:  # a loop of symbolic links
        raise OutsideContent(_("goes through a loop of symbolic links")) from None
    if real != root and root not in real.parents:
        raise OutsideContent(_("is a link to {path}, outside the content folder", path=real))
    return normal, real
