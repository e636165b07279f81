"""invoke's own words about a command line it cannot parse, said in the site's language.

invoke parses the arguments before any task runs, and prints its ParseError in English
("No idea what '-z' is!", "Flag <Argument: port (p)> needed value..."). Its messages are
few and fixed: each is recognised here and said again as the kit says everything, naming
the word typed and where to read what the task takes. A message not recognised (a newer
invoke's) is left as invoke wrote it.
"""

import re

from invoke.exceptions import ParseError

from tribune.i18n import _

_FLAG = r"<Argument: (?P<flag>[\w-]+)[^>]*>"


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def _said(message: str) -> str:
    """``message`` (invoke's, English) in the site's language."""
    if found := re.fullmatch(r"No idea what '(?P<word>.*)' is!", message):
        return _("\"{word}\" is neither a task nor one of its options: invoke --list shows the tasks, invoke --help TASK "
                 "the options of one", word=found["word"])
    if found := re.fullmatch(r"'(?P<task>[\w-]+)' did not receive required positional arguments: (?P<names>.*)", message):
        names = ", ".join(re.findall(r"'([\w-]+)'", found["names"]))
        return _("invoke {task} needs {names}: invoke --help {task} shows an example", task=found["task"], names=names)
    if found := re.fullmatch(f"Flag {_FLAG} needed value and was not given one!", message):
        return _("{flag} needs a value after it: invoke --help TASK shows the options", flag=_flag(found["flag"]))
    if found := re.fullmatch(f"Flag {_FLAG} doesn't take any value!", message):
        return _("{flag} takes no value: write {flag} alone", flag=_flag(found["flag"]))
    return message


def install() -> None:
    """Have invoke print its parse errors in the site's language (it prints ``str(error)``)."""
    ParseError.__str__ = lambda error: _said(str(error.args[0]) if error.args else "")
