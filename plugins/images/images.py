"""Images plugin: every image of the content folder sized, in the widths and formats its slot needs.

- ``responsive_image(path)``, a Jinja global: the :class:`tribune.responsive_images.ImageSet`
  of an image of the content folder (None when it is not a PNG or JPEG Tribune can open), for
  the theme's ``picture`` macro (cards, the image at the top of a post or an event);
- ``sized_images``, a Jinja filter for the bodies writers write (posts, pages, events,
  editions): each ``<img>`` of an image of the site gets its width and height (no layout shift
  while it loads), lazy loading, and ``srcset``/``sizes`` in a ``<picture>`` offering the
  modern formats.

Settings (defaults set here): ``IMAGE_WIDTHS``, the widths made, and ``IMAGE_SIZES``, the
``sizes`` of each slot of the theme, which follow its stylesheet. See README.md.
"""

import html
import re

from jinja2 import pass_context
from markupsafe import Markup
from pelican import signals

from tribune.generators import register_defaults
from tribune.responsive_images import DEFAULT_WIDTHS, ImageSet, ResponsiveImages
from tribune.signals import build_failed

DEFAULTS = {
    "IMAGE_WIDTHS": DEFAULT_WIDTHS,
    # What the theme's stylesheet gives each slot: cards (up to three a row in 72rem, 2.5rem of
    # margins, 1.5rem gaps) and the text column (42rem).
    "IMAGE_SIZES": {
        "card": "(min-width:75rem) 23rem,(min-width:43rem) calc(50vw - 3rem),calc(100vw - 2.5rem)",
        "column": "(min-width:44.5rem) 42rem,calc(100vw - 2.5rem)",
    },
}

_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r'\s([a-zA-Z-]+)="([^"]*)"')

# One set of images per build in progress, by the id of its settings (shared by its generators).
_builds: dict[int, ResponsiveImages] = {}


def start_build(pelican) -> None:
    _builds[id(pelican.settings)] = ResponsiveImages(pelican.settings)


def finish_build(pelican) -> None:
    _builds.pop(id(pelican.settings), None)


def picture_markup(image: ImageSet, attributes: dict[str, str], sizes: str, prefix: str) -> str:
    """``<img>`` with ``attributes`` (src, alt...), sized, with the image's srcset; in a
    ``<picture>`` with one ``<source>`` per modern format when there are some."""
    attributes = {**attributes}
    attributes.setdefault("width", str(image.width))
    attributes.setdefault("height", str(image.height))
    if len(image.fallback) > 1:
        attributes.update(srcset=image.srcset(image.fallback, prefix), sizes=sizes)
    img = "<img" + "".join(f' {name}="{html.escape(value)}"' for name, value in attributes.items()) + ">"
    if not image.sources:
        return img
    sources = "".join(f'<source type="{mime}" srcset="{html.escape(image.srcset(variants, prefix))}"'
                      + (f' sizes="{html.escape(sizes)}">' if image.needs_sizes(variants) else ">") for mime, variants in image.sources)
    return f"<picture>{sources}{img}</picture>"


def sized_body(body: str, images: ResponsiveImages, site_url: str, sizes: str) -> str:
    """Every ``<img>`` of ``body`` that shows an image of the site, sized and responsive."""
    prefix = f"{site_url}/"

    def size(tag: re.Match) -> str:
        attributes = {name.lower(): html.unescape(value) for name, value in _ATTRIBUTE.findall(tag.group(0))}
        source = attributes.get("src", "")
        if not source.startswith(prefix) or "srcset" in attributes:
            return tag.group(0)
        image = images.image_set(source[len(prefix):])
        if image is None:
            return tag.group(0)
        attributes.setdefault("loading", "lazy")
        return picture_markup(image, attributes, sizes, prefix)

    return _IMG.sub(size, body) if "<img" in body else body


def add_template_helpers(generator) -> None:
    images = _builds.get(id(generator.settings))
    if images is None or not hasattr(generator, "env"):
        return

    @pass_context
    def sized_images(context, body) -> Markup:
        sizes = generator.settings["IMAGE_SIZES"]["column"]
        return Markup(sized_body(str(body), images, context.get("SITEURL", ""), sizes))

    generator.env.globals["responsive_image"] = images.image_set
    generator.env.filters["sized_images"] = sized_images


def register() -> None:
    register_defaults(DEFAULTS)
    signals.get_generators.connect(start_build)
    signals.generator_init.connect(add_template_helpers)
    signals.finalized.connect(finish_build)
    build_failed.connect(finish_build)
