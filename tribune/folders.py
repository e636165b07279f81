"""The folders a build replaces and `invoke clean` deletes: only Tribune's own.

A build swaps a whole new folder in place of OUTPUT_PATH, and `invoke clean` deletes it and
CACHE_PATH. A typo in pelicanconf.py (``OUTPUT_PATH = "content"``, ``"."``, ``"theme"``, a
folder of someone's files) would so replace the sources or a stranger's folder with a
built site. Before anything is written, these folders are checked: never a folder that
holds or is held by the site's sources (its settings, content, theme, plugins), never the
home folder or the root, and an existing OUTPUT_PATH only when a build made it (a marker
beside it, ``.tribune-built-<name>``, written at each swap; folders built before the marker
existed are known by Pelican's own files: an ``index.html`` and a ``theme`` folder).
"""

from pathlib import Path

from tribune.deploy import few_files_of
from tribune.i18n import _


class UnsafeFolder(Exception):
    """OUTPUT_PATH or CACHE_PATH names a folder Tribune must not replace or delete."""


def marker_of(output: Path) -> Path:
    return output.parent / f".tribune-built-{output.name}"


def mark(output: Path) -> None:
    """Say that ``output`` is a build's (after each swap)."""
    marker_of(output).write_text("Tribune's built site is beside this file; it may replace that folder.\n", encoding="utf-8")


def _built_here(output: Path) -> bool:
    if not output.exists() or (output.is_dir() and not any(output.iterdir())):
        return True
    if not output.is_dir():
        return False
    return marker_of(output).is_file() or ((output / "index.html").is_file() and (output / "theme").is_dir())


def _sources(settings: dict, config: Path) -> dict[str, Path]:
    """The site's own files and folders, which no build folder may hold or be held by."""
    root = config.resolve().parent
    named = {_("the site's folder"): root, _("the settings file"): config.resolve(), _("content/ (PATH)"): Path(settings["PATH"]).resolve(),
             _("the theme (THEME)"): Path(settings["THEME"]).resolve()}
    for folder in settings.get("PLUGIN_PATHS", []):
        named[_("the plugins (PLUGIN_PATHS: {name})", name=Path(folder).name)] = (root / folder).resolve()
    return named


def _overlap(folder: Path, other: Path) -> bool:
    return folder == other or other in folder.parents or folder in other.parents


def check_build_folders(settings: dict, config: str | Path) -> None:
    """Raise :class:`UnsafeFolder` when OUTPUT_PATH or CACHE_PATH is not a folder for a build."""
    config = Path(config)
    root = config.resolve().parent
    home = Path.home().resolve()
    output, cache = Path(settings["OUTPUT_PATH"]).resolve(), Path(settings["CACHE_PATH"]).resolve()
    for name, folder in (("OUTPUT_PATH", output), ("CACHE_PATH", cache)):
        if folder == Path("/") or folder == home or folder in home.parents:
            raise UnsafeFolder(_('{name} = {folder}: the root or your home folder cannot be a build\'s folder; use e.g. "output"',
                                 name=name, folder=folder))
        for what, source in _sources(settings, config).items():
            if source == root and source in folder.parents:
                continue  # inside the site's folder, away from its sources: where builds belong
            if _overlap(folder, source):
                raise UnsafeFolder(_('{name} = {folder} overlaps {what}: a build would replace it; use e.g. "{example}"',
                                     name=name, folder=folder, what=what, example=name[:-5].lower()))
    if _overlap(output, cache):
        raise UnsafeFolder(_("OUTPUT_PATH and CACHE_PATH overlap ({output}, {cache}): give them two separate folders", output=output, cache=cache))
    if not _built_here(output):
        raise UnsafeFolder(_("OUTPUT_PATH = {output} holds files a build did not put there ({found}): Tribune would replace them; "
                             "give an empty or new folder", output=output, found=few_files_of(output)))
