"""The rebuilds of `invoke serve`, in its one process: each keeps nothing of the builds before
it (receivers, registries, Pelican's memos, content objects), and the drafts page says the
dates of what it lists as the lint does. In process, as the preview rebuilds: ``run_build``
then the drafts page (:mod:`tribune.serve`)."""

import gc
import sys
import weakref

from bs4 import BeautifulSoup
from pelican import signals as pelican_signals
from pelican.contents import Article, Content

from tribune import build, rendering
from tribune import signals as tribune_signals
from tribune.commands import run_build
from tribune.drafts import Drafts

from .conftest import french

POST = "content/posts/2026-02-09-cinq-conseils-soiree-jeux.md"
REBUILDS = 8


def _receivers() -> dict[str, int]:
    """How many receivers each of Pelican's and Tribune's signals has."""
    return {f"{module.__name__}.{name}": len(signal.receivers) for module in (pelican_signals, tribune_signals)
            for name, signal in vars(module).items() if hasattr(signal, "receivers") and hasattr(signal, "connect")}


def _registries() -> dict[str, int]:
    """The sizes of what is kept per build in progress, by the id of its settings."""
    kept = {"tribune.build._censuses": build._censuses, "tribune.rendering._active": rendering._active}
    for plugin in ("seo.seo", "images.images", "spotlight.authorship"):
        kept[plugin] = sys.modules[plugin]._builds
    kept.update({f"Content.{name} memo": Content.__dict__[name].__wrapped__.cache for name in ("get_content", "get_summary")})
    return {name: len(registry) for name, registry in kept.items()}


def _posts_alive() -> int:
    return sum(isinstance(thing, Article) for thing in gc.get_objects())


def test_rebuilds_in_one_process_keep_nothing_of_the_builds_before(built_copy, monkeypatch):
    monkeypatch.chdir(built_copy)
    post = built_copy / POST
    original = post.read_text(encoding="utf-8")
    articles: list[weakref.ref] = []  # each build's, heard as its generators finish

    def hear(generators):
        articles.extend(weakref.ref(article) for generator in generators for article in getattr(generator, "articles", ()))

    pelican_signals.all_generators_finalized.connect(hear)
    drafts = Drafts()
    try:
        receivers = registries = posts = None
        for edit in range(REBUILDS):
            # A body edit, then a title edit (every page rendered again), in turn.
            post.write_text(original.replace("Title: ", f"Title: Titre {edit} ", 1) if edit % 2 else f"{original}\nRepère {edit}.\n",
                            encoding="utf-8")
            heard = len(articles)
            assert run_build(str(built_copy / "pelicanconf.py")) == 0
            drafts.render()
            assert len(articles) - heard >= 10  # the build's posts were heard
            gc.collect()
            assert not [ref for ref in articles if ref() is not None]  # no post object of this build or one before is alive
            if receivers is None:  # the first build of the process connects every receiver
                receivers, registries, posts = _receivers(), _registries(), _posts_alive()
                assert not any(registries.values()), registries  # nor did a failed build of an earlier test
            assert _receivers() == receivers
            assert _registries() == registries
            assert _posts_alive() == posts  # the newsletter's catalogue keeps the few posts of its last reading
    finally:
        pelican_signals.all_generators_finalized.disconnect(hear)
        drafts.close()


def test_the_drafts_page_says_a_day_for_a_date_without_an_hour(built_copy, monkeypatch):
    monkeypatch.chdir(built_copy)
    with (built_copy / "pelicanconf.py").open("a", encoding="utf-8") as settings:
        settings.write("\nWITH_FUTURE_DATES = False\n")
    for name, date in (("journee", "2027-01-05"), ("soiree", "2027-03-01 10:00")):
        (built_copy / f"content/posts/{name}.md").write_text(
            f"Title: Programmé {name}\nDate: {date}\nCategory: Communauté\nSummary: Bientôt.\n\nLe texte.\n", encoding="utf-8")
    drafts = Drafts()
    try:
        assert run_build(str(built_copy / "pelicanconf.py")) == 0
        page = BeautifulSoup((drafts.render() / "__tribune/brouillons/index.html").read_text(encoding="utf-8"), "html.parser")
    finally:
        drafts.close()
    dated = {item.a.get_text(): item.small.get_text() for item in page.select("li")}
    assert dated["Programmé journee"] == french("content/posts/journee.md, daté du 5 janvier 2027")
    assert dated["Programmé soiree"] == french("content/posts/soiree.md, daté du 1 mars 2027 à 10\u00a0h\u00a000")
    assert dated[french("Campagne participative : ce qui se prépare")].endswith("20 novembre 2026 à 10\u00a0h\u00a000")
