"""The theme's templates outside Pelican's generators, and what all of them share.

- :class:`StripIndentation`, a Jinja extension that drops the templates' own indentation
  when they are compiled. Templates are indented for their writers; readers would download
  those spaces with every page. Removing them from the template's text (never from the values
  it prints: content, code blocks) costs nothing at render time.
- :func:`theme_environment` and :func:`load_interface_strings`, for what is rendered from
  the theme without Pelican (the newsletter's e-mail, the indicators report).
- :func:`bytecode_cache`, where each environment keeps its compiled templates between runs.
"""

import hashlib
import inspect
import json
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

import jinja2
from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, select_autoescape
from jinja2.ext import Extension
from jinja2.lexer import Token

_INDENT = re.compile(r"\n[ \t]+")
_LEADING = re.compile(r"^[ \t]+")


class StripIndentation(Extension):
    """Leading spaces of each line of a template's literal text, removed at compile time.

    Text that starts on the line after a block tag ({% ... %}) is indentation too (trim_blocks
    removed the line break); text on the same line as the tag before it keeps its spaces.
    """

    def filter_stream(self, stream):
        previous = None
        for token in stream:
            if token.type == "data":
                value = _INDENT.sub("\n", token.value)
                if previous is not None and previous.type == "block_end" and token.lineno > previous.lineno:
                    value = _LEADING.sub("", value)
                token = Token(token.lineno, "data", value)
            previous = token
            yield token


def add_template_folder(settings: dict, folder: str) -> None:
    """Let the theme include a plugin's own templates (Pelican's THEME_TEMPLATES_OVERRIDES)."""
    overrides = settings.setdefault("THEME_TEMPLATES_OVERRIDES", [])
    if folder not in overrides:
        overrides.append(folder)


def load_interface_strings(theme: str | Path) -> dict[str, dict]:
    """The theme's interface strings by language: {"fr": {...}, "en": {...}}."""
    folder = Path(theme) / "i18n"
    return {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*.json"))}


def theme_environment(theme: str | Path, cache_path: str | Path | None = None, finalize: Callable | None = None) -> Environment:
    """A Jinja environment on the theme's templates, configured as the site's is, with
    ``finalize`` applied to every value printed; its compiled templates kept in ``cache_path``
    when given (each command and build would compile them again: 14 ms for the e-mail's)."""
    environment = Environment(loader=FileSystemLoader(str(Path(theme) / "templates")), autoescape=select_autoescape(default=True),
                              trim_blocks=True, lstrip_blocks=True, extensions=[StripIndentation], finalize=finalize)
    if cache_path is not None:
        environment.bytecode_cache = bytecode_cache(cache_path, f"theme_environment, finalize={_identity(finalize)}")
    return environment


def _identity(function: Callable | None) -> str:
    """What compiled templates depend on of ``finalize``: Jinja compiles the call to it in
    (or none), and applies it to the values written as constants (``{{ "…" }}``) at once.
    Which function, and its module's source: code compiled without the e-mail's defusing of
    merge tags, or with an older one, must never be taken for the e-mail's."""
    if function is None:
        return "None"
    name = f"{getattr(function, '__module__', '')}.{getattr(function, '__qualname__', type(function).__qualname__)}"
    try:
        return name + Path(inspect.getfile(function)).read_text(encoding="utf-8")
    except (TypeError, OSError):  # built in, or a callable object: its name
        return name


@cache
def _own_source() -> str:
    return Path(__file__).read_text(encoding="utf-8")


def bytecode_cache(cache_path: str | Path, options: str) -> FileSystemBytecodeCache:
    """Compiled templates kept in ``cache_path`` for environments set with ``options``.

    Compiled code depends on more than a template's source (which Jinja checks): on the
    environment's options and extensions. Those name the folder, with Jinja's version and
    this module's source (the options of :func:`theme_environment`, :class:`StripIndentation`),
    so that a change of any of them never meets stale code."""
    key = options + jinja2.__version__ + _own_source()
    folder = Path(cache_path) / f"jinja-{hashlib.sha256(key.encode()).hexdigest()[:12]}"
    folder.mkdir(parents=True, exist_ok=True)
    return FileSystemBytecodeCache(str(folder))
