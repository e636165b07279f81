"""Files linked with ``{attach}`` go where the pages that link to them say they are.

Pelican moves a static file linked with ``{attach}`` beside the content that links to it
(``Static.attach_to``) as a side effect of resolving that content's links, which it does while
the content's page is written; its static generator, last, then copies the file to its new
place. Tribune renders pages in forked workers and takes unchanged pages from the previous
output: the main process never resolved those links, so the file was copied to its first
place while the page linked to the second, a broken link. Here the links of every content
that has an ``{attach}`` are resolved once in the build's process when every generator has
read its contents (Pelican's ``all_generators_finalized``), for their side effect only:
nothing is memoized, the pages resolve them again as usual.
"""

from pelican import signals

_ATTACH = ("{attach}", "|attach|")  # Pelican's two spellings of the link


def attach_linked_files(generators) -> None:
    context = next((generator.context for generator in generators if hasattr(generator, "context")), {})  # one, shared
    for content in list(context.get("generated_content", {}).values()):
        body = getattr(content, "_content", None) or ""
        if "attach" in body and any(mark in body for mark in _ATTACH):  # one pass over most bodies
            content._update_content(body, content.settings["SITEURL"])


def install() -> None:
    signals.all_generators_finalized.connect(attach_linked_files)
