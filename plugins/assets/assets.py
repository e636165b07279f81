"""Assets plugin: what readers download, without what only writers of the theme need.

- The theme's stylesheets are minified in the output (rcssmin): they stay readable in
  theme/static/.
- HTML pages lose the indentation of the templates (leading spaces of lines), except in
  <pre>, <textarea> and <script>, where spaces mean something; a line break is kept wherever
  there was one, so the spacing between inline elements does not change.

Together they keep every page type under its weight budget (docs/performance.md).
"""

from pathlib import Path

import rcssmin
from pelican import signals

from tribune.text import strip_indentation


def minify(pelican) -> None:
    output = Path(pelican.output_path)
    for stylesheet in (output / pelican.settings.get("THEME_STATIC_DIR", "theme")).rglob("*.css"):
        stylesheet.write_text(rcssmin.cssmin(stylesheet.read_text(encoding="utf-8")), encoding="utf-8")
    for page in output.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        stripped = strip_indentation(html)
        if stripped != html:
            page.write_text(stripped, encoding="utf-8")


def register() -> None:
    signals.finalized.connect(minify)
