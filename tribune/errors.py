"""What the system said, in the writer's words: a file that cannot be read or written.

Python's ``OSError`` prints as ``[Errno 13] Permission denied: '/srv/site/output'``, a
damaged JSON file as ``Expecting value``: Python's English, and details a writer does not
need. The common causes are named here in the site's language, with what to check; every
message that would show an exception's own text shows :func:`describe_error` instead.
"""

import errno
import json
import os
import socket
import ssl

from tribune.i18n import _
from tribune.lint import display_path


def _reasons() -> dict[int, str]:
    return {
        errno.EACCES: _("permission denied: check that the folder is yours"),
        errno.EPERM: _("permission denied: check that the folder is yours"),
        errno.EROFS: _("the disk is read-only"),
        errno.ENOSPC: _("the disk is full: free some space"),
        errno.EDQUOT: _("the disk quota is used up: free some space"),
        errno.ENOENT: _("no such file or folder"),
        errno.ENOTDIR: _("a file stands where a folder should be"),
        errno.EEXIST: _("a file stands where a folder should be"),
        errno.EISDIR: _("a folder stands where a file should be"),
        errno.ENAMETOOLONG: _("the name is too long"),
        errno.EMFILE: _("too many files open at once"),
        errno.EIO: _("the disk could not be read or written (input/output error)"),
        errno.ECONNREFUSED: _("the connection was refused"),
        errno.ECONNRESET: _("the connection was cut"),
        errno.ETIMEDOUT: _("no answer in time"),
        errno.EHOSTUNREACH: _("the host cannot be reached"),
        errno.ENETUNREACH: _("the network cannot be reached"),
    }


def _system_reason(error: BaseException) -> str | None:
    """What the system said, in words, when it is one of the errors named here."""
    if isinstance(error, socket.gaierror):
        return _("the name could not be found")
    if isinstance(error, ssl.SSLCertVerificationError):
        return _("its certificate could not be verified")
    if isinstance(error, ssl.SSLError):
        return _("the secure connection failed")
    if isinstance(error, OSError) and error.errno in _reasons():
        return _reasons()[error.errno]
    if isinstance(error, TimeoutError):
        return _("no answer in time")
    return None


def _system_cause(error: BaseException) -> str | None:
    """The words for the system's error under a library's: requests, urllib3, httpx and
    Mastodon.py wrap a refused connection or an unknown host in their own English."""
    seen, waiting = set(), [error]
    while waiting:
        found = waiting.pop(0)
        if found is None or id(found) in seen:
            continue
        seen.add(id(found))
        reason = _system_reason(found)
        if reason:
            return reason
        waiting += [found.__cause__, found.__context__, getattr(found, "reason", None),
                    *(value for value in getattr(found, "args", ()) if isinstance(value, BaseException))]
    return None


def _syntax_words(error: SyntaxError) -> str:
    """The common mistakes of a line of Python, in words (Python's own are English)."""
    said = (error.msg or "").lower()
    if isinstance(error, IndentationError):
        return _("the line is indented: start it at the beginning of the line")
    if "never closed" in said or "was not closed" in said:
        return _("a bracket is opened and never closed")
    if "unmatched" in said or "does not match" in said:
        return _("a bracket is closed that was never opened")
    if "unterminated" in said or "eol while scanning" in said or "eof while scanning" in said:
        return _("a quotation mark is opened and never closed")
    return _("Python cannot read it")


def describe_error(error: Exception, otherwise: str | None = None) -> str:
    """What went wrong, in words, without the file's name (the message around it names it):
    a file the system refuses, a file that is not valid JSON, UTF-8 text or Python, a connection
    refused or a host unknown (under whatever library made the call); ``otherwise`` (by
    default the error's own text) for anything else."""
    if isinstance(error, json.JSONDecodeError):
        return _("it is not valid JSON (line {line}, column {column})", line=error.lineno, column=error.colno)
    if isinstance(error, UnicodeDecodeError):
        return _("it is not UTF-8 text (byte {position}): save it again as UTF-8", position=error.start + 1)
    if isinstance(error, SyntaxError):
        return _("{what}, column {column}", what=_syntax_words(error), column=error.offset or 1)
    known = _system_cause(error)
    if known:
        return known
    if otherwise is not None:
        return otherwise
    return (error.strerror if isinstance(error, OSError) else None) or str(error)


def describe_os_error(error: OSError) -> str:
    """``path: what went wrong``, in words, for an error of the system."""
    reason = describe_error(error)
    # A copy that fills the disk names both files (shutil: the source, then the destination):
    # the destination is the one on the full disk.
    path = error.filename2 if error.errno in (errno.ENOSPC, errno.EDQUOT) and error.filename2 else error.filename
    if path:
        return _("{path}: {reason}", path=display_path(os.fsdecode(path)), reason=reason)
    return reason
