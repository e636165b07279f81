"""Assets plugin: the theme's stylesheets minified in the output (rcssmin).

They stay readable in theme/static/; readers download them without comments and spaces.
With the templates' indentation left out at compile time (tribune.templating), this keeps
every page type under its weight budget (docs/performance.md).
"""

from pathlib import Path

import rcssmin
from pelican import signals


def minify(pelican) -> None:
    output = Path(pelican.output_path)
    for stylesheet in (output / pelican.settings.get("THEME_STATIC_DIR", "theme")).rglob("*.css"):
        stylesheet.write_text(rcssmin.cssmin(stylesheet.read_text(encoding="utf-8")), encoding="utf-8")


def register() -> None:
    signals.finalized.connect(minify)
