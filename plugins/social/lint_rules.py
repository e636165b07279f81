"""The social lint: each text against its network's limit, mentions, images without alt text,
and the ledger.

- A writer's own text (``Social-Mastodon:``...) over its network's limit is a warning at its
  line, saying by how much (``invoke publish`` runs the lint with --strict, so it stops there);
  Tribune's own texts are fitted to the limits and never are.
- An ``@name`` in a title, summary or social text is a notice: it is posted inert.
- An event's or an edition's ``Image:`` without ``Image-Alt:`` is a warning (the SEO plugin
  says it of posts): the image is not posted without its description.
- A ledger that cannot be read is an error at its line: nothing can be posted, nor linked.
"""

from collections.abc import Iterable
from functools import partial

from pelican.contents import Article

from tribune.headers import light_content
from tribune.i18n import _
from tribune.lint import EACH_FILE, ERROR, NOTICE, WARNING, Corpus, FieldSpec, Problem, SourceMemo, display_path, problem, reads
from tribune.rules import check_boolean
from tribune.source import Source, SourceError

from .compose import NETWORKS, compose, defuse_mentions, unit_name, words_of
from .ledger import LedgerError, ledger_path, read_ledger

KINDS = ("post", "event", "edition")


def _fields() -> list[FieldSpec]:
    return [FieldSpec("Social", check=check_boolean), *(FieldSpec(network.field) for network in NETWORKS.values())]


def _content_class(kind: str):
    if kind == "post":
        return Article
    if kind == "event":
        from events.contents import Event

        return Event
    from newsletter.contents import Edition

    return Edition


def _published(source: Source) -> bool:
    return (source.get("Status") or "").lower() != "draft"


@reads(EACH_FILE)
def check_texts(corpus: Corpus) -> Iterable[Problem]:
    settings = corpus.settings
    networks = [name for name in NETWORKS if name in settings.get("SOCIAL_NETWORKS", []) or name in settings.get("SOCIAL_KIT_NETWORKS", [])]
    for kind in KINDS:
        for source in filter(_published, corpus.of_kind(kind)):
            yield from _mentions.recall(corpus, source, networks, partial(_mentions_in, networks))
            own = [name for name in networks if source.get(NETWORKS[name].field)]
            if not own:
                continue  # Tribune's own texts fit their limits
            try:
                content = light_content(source.path, _content_class(kind), settings)
                words = words_of(content, settings)
            except (SourceError, ValueError, KeyError, AttributeError):
                continue  # what is wrong with the file is said by the other rules
            for name in own:
                text = compose(content, NETWORKS[name], settings, words=words)
                if text.over > 0:
                    network = text.network
                    yield problem(source, network.field, _("the {network} text is {count} {units}, {over} over {network}'s {limit} "
                                                           "(link and hashtags included): shorten it", network=network.label,
                                                           count=text.count, units=unit_name(network.unit), over=text.over,
                                                           limit=network.limit), WARNING)


_mentions = SourceMemo()


def _mentions_in(networks: list[str], source: Source) -> Iterable[Problem]:
    for key in ("Title", "Summary", *(NETWORKS[name].field for name in networks)):
        mentions = defuse_mentions(source.get(key) or "")[1]
        if mentions:
            yield problem(source, key, _("{mentions}: posted inert on the networks (Tribune pings no one, so that no stranger "
                                         "is notified); mention accounts by hand in a reply if you mean to",
                                         mentions=", ".join(mentions)), NOTICE)


@reads(EACH_FILE)
def check_images(corpus: Corpus) -> Iterable[Problem]:
    """Events and editions (the SEO plugin checks posts): an image goes out with its description."""
    for kind in ("event", "edition") if "seo" in corpus.settings.get("PLUGINS", []) else KINDS:
        for source in filter(_published, corpus.of_kind(kind)):
            if source.get("Image") and not source.get("Image-Alt"):
                yield problem(source, "Image", _("no Image-Alt: the image is posted to the networks only with its description, for "
                                                 "people who cannot see it; write one"), WARNING)


def check_ledger(corpus: Corpus) -> Iterable[Problem]:
    try:
        read_ledger(corpus.settings)
    except LedgerError as error:
        yield Problem(display_path(ledger_path(corpus.settings)), error.line, "", error.reason, ERROR)


def add_lint_rules(registry) -> None:
    for kind in registry.kinds:
        if kind.name in KINDS:
            kind.fields.extend(spec for spec in _fields() if not kind.spec(spec.name))
    registry.add_rule(check_texts)
    registry.add_rule(check_images)
    registry.add_rule(check_ledger)
