"""What the system said, in the writer's words: a file that cannot be read or written.

Python's ``OSError`` prints as ``[Errno 13] Permission denied: '/srv/site/output'``, a
damaged JSON file as ``Expecting value``: Python's English, and details a writer does not
need. The common causes are named here in the site's language, with what to check; every
message that would show an exception's own text shows :func:`describe_error` instead.
"""

import errno
import json
import os

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
    }


def describe_error(error: Exception) -> str:
    """What went wrong, in words, without the file's name (the message around it names it):
    a file the system refuses, a file that is not valid JSON or not UTF-8 text."""
    if isinstance(error, json.JSONDecodeError):
        return _("it is not valid JSON (line {line}, column {column})", line=error.lineno, column=error.colno)
    if isinstance(error, UnicodeDecodeError):
        return _("it is not UTF-8 text (byte {position}): save it again as UTF-8", position=error.start + 1)
    if isinstance(error, OSError):
        return _reasons().get(error.errno) or error.strerror or str(error)
    return str(error)


def describe_os_error(error: OSError) -> str:
    """``path: what went wrong``, in words, for an error of the system."""
    reason = describe_error(error)
    # A copy that fills the disk names both files (shutil: the source, then the destination):
    # the destination is the one on the full disk.
    path = error.filename2 if error.errno in (errno.ENOSPC, errno.EDQUOT) and error.filename2 else error.filename
    if path:
        return _("{path}: {reason}", path=display_path(os.fsdecode(path)), reason=reason)
    return reason
