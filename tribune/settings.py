"""A site's settings file, read as Pelican reads it, and one line for each mistake in it.

A writer who breaks pelicanconf.py (a parenthesis left open, a name misspelt, the content
folder renamed) gets the file and the line, as for content, never a Python traceback. The
site's language is read from it first of all, so that every word of a command, this one
included, is in the site's language (:func:`speak_for`).
"""

import re
import sys
import traceback
from pathlib import Path

import pelican
from pelican.settings import get_settings_from_file, read_settings

from tribune.errors import describe_error
from tribune.i18n import _, set_language
from tribune.lint import display_path

_LANGUAGE_LINE = re.compile(r"""^DEFAULT_LANG\s*=\s*["']([\w-]+)["']""", re.MULTILINE)
_PELICAN_THEMES = Path(pelican.__file__).parent / "themes"


class SettingsError(Exception):
    """The settings file cannot be read; the message starts with its path and line."""


def line_of(config: Path, key: str) -> int:
    """The line where ``key`` is last set in the settings file (1 when it is not set there)."""
    text = config.read_text(encoding="utf-8", errors="replace")
    found = list(re.finditer(rf"^{key}\s*=", text, re.MULTILINE))
    return text[: found[-1].start()].count("\n") + 1 if found else 1


def _run(config: Path) -> dict:
    """The values the settings file sets, by running it as Pelican does."""
    try:
        return get_settings_from_file(str(config))
    except SyntaxError as error:
        where = Path(error.filename or config)
        message = _("{path}:{line}: this line of the settings is not valid Python ({reason}): correct it",
                    path=display_path(where), line=error.lineno or 1, reason=describe_error(error))
    except Exception as error:  # noqa: BLE001 - anything the Python of a settings file raises
        folder = config.resolve().parent
        frames = [frame for frame in traceback.extract_tb(error.__traceback__) if Path(frame.filename).resolve().parent == folder]
        where, line = (Path(frames[-1].filename), frames[-1].lineno) if frames else (config, 1)
        message = _("{path}:{line}: the settings stop on this line ({error}): correct it",
                    path=display_path(where), line=line, error=f"{type(error).__name__}: {error}")
    # Pelican keeps the module of a settings file by its name even when it failed to run: a
    # publishconf.py that imports this pelicanconf.py later would get it half-made.
    sys.modules.pop(config.stem, None)
    raise SettingsError(message)


def read_site_settings(config: str | Path, **overrides) -> dict:
    """A settings file read as Pelican reads it (its relative paths made absolute, Pelican's
    defaults added); raises :class:`SettingsError` naming the file and the line of a mistake."""
    config = Path(config)
    if not config.is_file():
        raise SettingsError(_("{path}: settings file not found (run the task from the site's folder)", path=config))
    written = {**_run(config), **overrides}
    folder = config.resolve().parent
    content = folder / str(written.get("PATH") or "")
    if not content.is_dir():
        raise SettingsError(_("{path}:{line}: PATH: the content folder {folder} does not exist: create it, or correct PATH",
                              path=display_path(config), line=line_of(config, "PATH"), folder=display_path(content)))
    theme = str(written.get("THEME") or "")
    if theme and not (folder / theme).is_dir() and not (_PELICAN_THEMES / theme).is_dir():
        raise SettingsError(_("{path}:{line}: THEME: the theme folder {folder} does not exist: correct THEME",
                              path=display_path(config), line=line_of(config, "THEME"), folder=display_path(folder / theme)))
    try:
        return read_settings(str(config), override=overrides or None)
    except ValueError as error:  # Pelican's other checks of the settings
        raise SettingsError(_("{path}: {reason}", path=display_path(config), reason=error)) from None


def _kind_of(default) -> tuple[str, object] | None:
    """What a setting must be, judged from its default: (what to say, test), or None when any
    value goes (None, a dict, a callable...)."""
    def whole(value, least=0) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and value >= least

    if isinstance(default, bool):
        return _("True or False"), lambda value: isinstance(value, bool)
    if isinstance(default, int):
        return _("a whole number"), whole
    if isinstance(default, float):
        return _("a number"), lambda value: whole(value) or (isinstance(value, float) and value >= 0)
    if isinstance(default, str):
        return _("a text in quotes"), lambda value: isinstance(value, str)
    if isinstance(default, (list, tuple)) and default and all(whole(item, 1) for item in default):
        return _("a list of whole numbers above 0"), lambda value: (isinstance(value, (list, tuple)) and len(value) > 0
                                                                     and all(whole(item, 1) for item in value))
    if isinstance(default, (list, tuple)) and default and all(isinstance(item, str) for item in default):
        return _("a list of texts in quotes"), lambda value: (isinstance(value, (list, tuple))
                                                               and all(isinstance(item, str) for item in value))
    return None


def check_kinds(config: str | Path, settings: dict, defaults: dict) -> None:
    """Raise :class:`SettingsError` for the first setting whose value is not of its default's
    kind ("5 MB" for a number of bytes, (0,) for image sizes): without this, the mistake
    stops the build far from the settings file, in words that do not name it."""
    config = Path(config)
    for key, default in defaults.items():
        kind = _kind_of(default)
        if kind is None or key not in settings:
            continue
        expected, fits = kind
        if not fits(settings[key]):
            value = settings[key]
            raise SettingsError(_("{path}:{line}: {setting}: “{value}” is not {expected}: correct it (e.g. {setting} = {example})",
                                  path=display_path(config), line=line_of(config, key), setting=key,
                                  value=value if isinstance(value, str) else repr(value), expected=expected, example=repr(default)))


def speak_for(config: str | Path) -> None:
    """Speak the site's language (and give times in its zone) before anything is said: from its
    settings, or, when they cannot be read, from a DEFAULT_LANG line of the file or of the
    pelicanconf.py beside it (which publishconf.py imports); else English."""
    try:
        settings = read_site_settings(config)
    except SettingsError:
        config = Path(config)
        for candidate in (config, config.with_name("pelicanconf.py")):
            try:
                found = _LANGUAGE_LINE.search(candidate.read_text(encoding="utf-8", errors="replace"))
            except OSError:
                continue
            if found:
                set_language(found.group(1))
                return
        set_language(None)
        return
    set_language(settings.get("DEFAULT_LANG"), settings.get("TIMEZONE"))
