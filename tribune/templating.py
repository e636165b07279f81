"""A Jinja extension that drops the templates' own indentation when they are compiled.

Templates are indented for their writers; readers would download those spaces with every
page. Removing them from the template's text (never from the values it prints: content,
code blocks) costs nothing at render time, unlike minifying every page after the build.
"""

import re

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
