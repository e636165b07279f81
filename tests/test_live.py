"""The preview's rebuilds in memory (:mod:`tribune.live`), as `invoke serve` makes them
(``tribune.serve.rebuild``): after a series of edits, output/ is file for file what a build
from nothing of the same sources makes. Edits of the body, the title or the summary of
published posts and pages are taken in memory (a few files rendered again, a post moved to
its new address); anything else makes a full rebuild; a problem in the content leaves output/
as it was, and an update that fails half-way leaves a site the next rebuild makes whole."""

import gc
import os
import re
import shutil
import weakref
from pathlib import Path

import pytest
from pelican import signals as pelican_signals

from tribune.build import build, load_site
from tribune.live import LiveSite
from tribune.serve import rebuild

POST = "content/posts/2026-07-20-ete-a-montreal.md"
POST_PAGE = "billets/ete-a-montreal-l-equipe/index.html"
PAGE = "content/pages/a-propos.md"
TRANSLATION = "content/posts/2026-01-12-welcome-to-the-guild.md"
IN_AN_EDITION = "content/posts/2026-09-07-jeux-courts-pause-midi.md"  # in the October edition's e-mail


@pytest.fixture
def live(built_copy, monkeypatch):
    monkeypatch.chdir(built_copy)
    kept = LiveSite()
    assert rebuild("pelicanconf.py", kept) == (0, False)  # the preview's first build
    kept.warm()
    yield kept
    kept.close()


def _edit(site: Path, name: str, old: str, new: str) -> str:
    path = site / name
    text = path.read_text(encoding="utf-8")
    assert old in text, (name, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return str(path)


def _saved(live: LiveSite, *paths: str) -> tuple[int, bool]:
    code, updated = rebuild("pelicanconf.py", live, set(paths))
    if code == 0:  # as the preview does once the pages reloaded
        if updated:
            live.save()
        else:
            live.warm()
    return code, updated


def _files(output: Path) -> dict[str, bytes]:
    return {path.relative_to(output).as_posix(): path.read_bytes() for path in sorted(output.rglob("*")) if path.is_file()}


def _as_built_from_nothing(site: Path, tmp_path: Path) -> None:
    """output/ is, file for file, what a build of the same sources into a new folder makes."""
    fresh = tmp_path / f"fresh-{len(list(tmp_path.glob('fresh-*')))}"
    fresh.mkdir()
    for name in ("content", "pelicanconf.py", "theme"):
        if (site / name).is_dir():
            shutil.copytree(site / name, fresh / name)
        elif (site / name).exists():
            shutil.copy2(site / name, fresh / name)
    build(load_site(fresh / "pelicanconf.py"))
    expected, got = _files(fresh / "output"), _files(site / "output")
    assert sorted(got) == sorted(expected)
    assert [name for name in expected if got[name] != expected[name]] == []


def test_body_edits_are_taken_in_memory_and_the_output_is_a_build_from_nothing(live, built_copy, tmp_path, capsys):
    # A post whose list pages, feeds and relay kit show its first paragraph (no Summary: line):
    # removing the line is a full rebuild; its body edits then reach those pages too.
    assert _saved(live, _edit(built_copy, POST, "\nSummary:", "\nX-Summary:")) == (1, False)  # a problem: an unknown field
    summary = "X-Summary: Cet été, l'équipe des Éditions Boussole a traversé l'Atlantique pour présenter Pollen aux joueuses et joueurs québécois.\n"
    assert _saved(live, _edit(built_copy, POST, summary, "")) == (0, False)
    capsys.readouterr()
    assert _saved(live, _edit(built_copy, POST, "Pour la première fois", "Un tout nouveau début. Pour la première fois")) == (0, True)
    rendered = int(re.search(r"Site mis à jour dans output/\u202f: (\d+) fichiers rendus de nouveau", capsys.readouterr().out).group(1))
    showing = [name for name, data in _files(built_copy / "output").items() if "Un tout nouveau début".encode() in data]
    assert len(showing) >= 5 and len(showing) <= rendered < len(_files(built_copy / "output")) / 5  # its page, lists, feeds, kit
    # Saved as editors (and sed -i) save: written aside, then renamed over the file.
    page = built_copy / PAGE
    aside = page.with_name(".a-propos.md.tmp1234")
    aside.write_text(page.read_text(encoding="utf-8").replace("jeux de demain.", "jeux de demain, et d'après-demain."), encoding="utf-8")
    os.replace(aside, page)
    assert _saved(live, str(aside), str(page)) == (0, True)
    # The lint after the next save starts from its last whole run again: the file written aside is
    # not among those saved (it was never read; counted, it would make every later lint whole).
    assert str(page) in live._kept.saved and str(aside) not in live._kept.saved
    assert _saved(live, _edit(built_copy, TRANSLATION, "\n\n", "\n\nA brand new first paragraph.\n\n")) == (0, True)
    page = (built_copy / "output" / POST_PAGE).read_text(encoding="utf-8")
    assert "Un tout nouveau début" in page
    _as_built_from_nothing(built_copy, tmp_path)


def test_anything_but_a_body_a_title_or_a_summary_is_a_full_rebuild_and_the_output_is_a_build_from_nothing(live, built_copy, tmp_path):
    assert _saved(live, _edit(built_copy, POST, "Title: ", "Title: Nouveau titre : ")) == (0, True)
    assert _saved(live, _edit(built_copy, POST, "Tags: ", "Tags: nouveauté, ")) == (0, False)
    new = built_copy / "content/posts/2026-11-01-nouveau.md"
    new.write_text("Title: Un billet neuf\nDate: 2026-11-01 10:00\nCategory: Communauté\nSummary: Tout neuf.\n\nSon texte.\n",
                   encoding="utf-8")
    assert _saved(live, str(new)) == (0, False)
    assert _saved(live, _edit(built_copy, POST, "Pour la première fois", "Cette fois")) == (0, True)  # after all that, in memory
    (built_copy / "content/posts/2026-02-09-cinq-conseils-soiree-jeux.md").unlink()
    assert _saved(live, str(built_copy / "content/posts/2026-02-09-cinq-conseils-soiree-jeux.md")) == (0, False)
    template = built_copy / "theme/templates/article.html"
    template.write_text(template.read_text(encoding="utf-8").replace("</article>", "<p>Merci de votre lecture.</p></article>", 1),
                        encoding="utf-8")
    assert _saved(live, str(template)) == (0, False)
    retitled = built_copy / "output/billets/nouveau-titre-ete-a-montreal-l-equipe/index.html"
    assert "Merci de votre lecture" in retitled.read_text(encoding="utf-8") and "Cette fois" in retitled.read_text(encoding="utf-8")
    _as_built_from_nothing(built_copy, tmp_path)


def _addresses(output: Path) -> set[str]:
    return set(re.findall(r"<loc>([^<]+)</loc>", (output / "sitemap.xml").read_text(encoding="utf-8")))


def test_a_title_is_taken_in_memory_and_the_post_moves_to_its_new_address(live, built_copy, tmp_path, capsys):
    """A new title without Slug: gives the post a new address: its page and its relay kit move
    there, the old ones go, and every page that shows it or links to it follows (the lists,
    the feeds, the sitemap, and a post whose body links to it, memoized or not)."""
    linking = built_copy / "content/posts/2026-11-20-un-lien.md"
    linking.write_text("Title: Un billet qui renvoie à un autre\nDate: 2026-11-20 10:00\nCategory: Communauté\nSummary: Un renvoi.\n\n"
                       "Relisez [notre été]({filename}/posts/2026-07-20-ete-a-montreal.md).\n", encoding="utf-8")
    assert _saved(live, str(linking)) == (0, False)  # a new post: a full rebuild
    output = built_copy / "output"
    old_address = "billets/ete-a-montreal-l-equipe/"
    assert (output / old_address / "relais/index.html").is_file() and any(old_address in loc for loc in _addresses(output))
    capsys.readouterr()
    for number, title in enumerate(["Nouveau titre", "Titre encore changé"]):
        assert _saved(live, _edit(built_copy, POST, "Title: ", f"Title: {title} : ")) == (0, True)
        rendered = int(re.search(r"Site mis à jour dans output/\u202f: (\d+) fichiers rendus de nouveau", capsys.readouterr().out).group(1))
        assert rendered < len(_files(output)) / 5
        address = ("billets/nouveau-titre-ete-a-montreal-l-equipe/", "billets/titre-encore-change-nouveau-titre-ete-a-montreal-l-equipe/")[number]
        page = (output / address / "index.html").read_text(encoding="utf-8")
        assert f"<title>{title}\u202f: " in page
        assert (output / address / "relais/index.html").is_file()
        assert not (output / old_address).exists()
        assert [loc for loc in _addresses(output) if "ete-a-montreal" in loc] == [f"http://localhost:8000/{address}"]
        assert f'href="../../{address}"' in (output / "billets/un-billet-qui-renvoie-a-un-autre/index.html").read_text(encoding="utf-8")
        assert f"{title}\u202f: " in (output / "index.html").read_text(encoding="utf-8")
        old_address = address
    assert _saved(live, _edit(built_copy, PAGE, "Summary: ", "Summary: En deux mots : ")) == (0, True)  # a page's summary
    assert "En deux mots" in (output / "a-propos/index.html").read_text(encoding="utf-8")
    summary = next(line for line in (built_copy / PAGE).read_text(encoding="utf-8").splitlines(keepends=True) if line.startswith("Summary: "))
    assert _saved(live, _edit(built_copy, PAGE, summary, "")) == (0, False)  # none: the summary comes from the body, a full rebuild
    _as_built_from_nothing(built_copy, tmp_path)


def test_a_plugin_waiting_for_the_article_writer_still_hears_it_in_an_update(live, built_copy):
    """An update asks Pelican's article generator for the post's own pages alone, unless a
    plugin waits for the signal its whole generate_output sends after every page."""
    heard = []

    def finalized(generator, writer):
        heard.append(writer)

    pelican_signals.article_writer_finalized.connect(finalized)
    try:
        assert _saved(live, _edit(built_copy, POST, "Title: ", "Title: Écouté : ")) == (0, True)
    finally:
        pelican_signals.article_writer_finalized.disconnect(finalized)
    assert len(heard) == 1
    assert _saved(live, _edit(built_copy, POST, "Title: Écouté : ", "Title: ")) == (0, True)
    assert len(heard) == 1  # nobody waits: not sent


def test_a_title_an_e_mail_shows_or_a_translation_is_linked_by_is_a_full_rebuild(live, built_copy, tmp_path, capsys):
    assert _saved(live, _edit(built_copy, IN_AN_EDITION, "Title: ", "Title: Encore ")) == (0, False)
    assert "Encore " in (built_copy / "output/newsletter/2026-10/email.txt").read_text(encoding="utf-8")
    original = "content/posts/2026-01-12-bienvenue-dans-la-guilde.md"  # its English translation is linked by its Slug:
    assert _saved(live, _edit(built_copy, original, "Title: ", "Title: Oui, ")) == (0, True)
    capsys.readouterr()
    slug = ("Slug: bienvenue-dans-la-guilde-boussole", "Slug: bienvenue-a-la-guilde")
    assert _saved(live, _edit(built_copy, original, *slug)) == (1, False)  # the full rebuild: the translation lost its original
    assert "welcome-to-the-guild.md:8: Translation:" in capsys.readouterr().err
    assert _saved(live, _edit(built_copy, original, *reversed(slug))) == (0, False)
    # A title that gives the post another post's address: the full rebuild says so.
    taken = (built_copy / "content/posts/2026-06-22-jouer-en-famille.md").read_text(encoding="utf-8")
    title = next(line for line in taken.splitlines() if line.startswith("Title: "))
    capsys.readouterr()
    text = (built_copy / POST).read_text(encoding="utf-8")
    (built_copy / POST).write_text(re.sub(r"^Title: .*$", title, text, count=1, flags=re.M), encoding="utf-8")
    assert _saved(live, str(built_copy / POST)) == (1, False)
    assert POST in capsys.readouterr().err
    (built_copy / POST).write_text(text, encoding="utf-8")
    assert _saved(live, str(built_copy / POST)) == (0, False)
    _as_built_from_nothing(built_copy, tmp_path)


def test_a_body_an_e_mail_shows_is_a_full_rebuild(live, built_copy, tmp_path):
    """The newsletter's e-mails are written by the build itself, not by Pelican's writer: an
    edition that sums a post up by its first paragraph is made again by a full rebuild."""
    summary = "Summary: Vingt minutes, une table de cantine, des collègues curieux : trois jeux qui tiennent dans une pause déjeuner.\n"
    assert _saved(live, _edit(built_copy, IN_AN_EDITION, summary, "")) == (0, False)
    assert _saved(live, _edit(built_copy, IN_AN_EDITION, "La rentrée est là", "La rentrée est enfin là")) == (0, False)
    assert "La rentrée est enfin là" in (built_copy / "output/newsletter/2026-10/email.txt").read_text(encoding="utf-8")
    assert _saved(live, _edit(built_copy, POST, "Pour la première fois", "Cette fois")) == (0, True)  # a post in no e-mail
    _as_built_from_nothing(built_copy, tmp_path)


def test_a_problem_in_a_body_leaves_output_as_it_was(live, built_copy, tmp_path, capsys):
    before = _files(built_copy / "output")
    capsys.readouterr()
    broken = _edit(built_copy, POST, "Pour la première fois", "Voir [ce billet]({filename}/posts/nulle-part.md). Pour la première fois")
    assert _saved(live, broken) == (1, True)
    said = capsys.readouterr().err
    assert f"{POST}:" in said and "{filename}/posts/nulle-part.md" in said and "output/ n’a pas changé" in said
    assert _files(built_copy / "output") == before
    assert _saved(live, _edit(built_copy, POST, "Voir [ce billet]({filename}/posts/nulle-part.md). ", "Enfin. ")) == (0, True)
    assert "Enfin. Pour la première fois" in (built_copy / "output" / POST_PAGE).read_text(encoding="utf-8")
    _as_built_from_nothing(built_copy, tmp_path)


def _children_left() -> list[str]:
    """This process's children that ended and were not waited for (the background removal's
    ``rm`` left out: it is waited for at the next removal), by name."""
    left = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)
        except OSError:  # ended meanwhile
            continue
        state, parent = fields[1].split()[:2]
        name = fields[0].split("(", 1)[1]
        if int(parent) == os.getpid() and state == "Z" and name != "rm":
            left.append(name)
    return left


def test_a_lint_that_crashes_during_an_update_says_it_in_one_line_and_leaves_nothing_behind(live, built_copy, tmp_path, monkeypatch, capsys):
    """The lint runs in a forked child during an update; a rule that crashes there is run
    again here to raise its error: said in one line, output/ unchanged, the child waited for,
    the pipe closed once (its number may be another file's by then), the next save a full
    rebuild."""
    from tribune import live as live_module

    def crashing(kept):
        raise RuntimeError("une règle a planté")

    real_lint = live_module._linted
    monkeypatch.setattr(live_module, "_linted", crashing)
    before, descriptors = _files(built_copy / "output"), sorted(os.listdir("/proc/self/fd"))
    capsys.readouterr()
    assert _saved(live, _edit(built_copy, POST, "Pour la première fois", "Après la panne. Pour la première fois")) == (1, True)
    said = capsys.readouterr().err
    assert "RuntimeError: une règle a planté" in said and said.count("\n") == 1 and "Traceback" not in said
    assert _files(built_copy / "output") == before
    assert sorted(os.listdir("/proc/self/fd")) == descriptors and _children_left() == []
    monkeypatch.setattr(live_module, "_linted", real_lint)
    assert _saved(live, str(built_copy / POST)) == (0, False)  # the kept build was dropped: a full rebuild
    _as_built_from_nothing(built_copy, tmp_path)


def test_an_update_that_fails_half_way_leaves_a_site_the_next_rebuild_makes_whole(live, built_copy, tmp_path, monkeypatch):
    """As a process killed while it renames files: some new, some old; the records are gone
    first, so the next rebuild (a full one) renders every page."""
    replace, replaced, output = os.replace, [], str(built_copy / "output")

    def fail_the_second_in_output(source, target):
        if str(target).startswith(output):
            if replaced:
                raise OSError(28, "No space left on device")
            replaced.append(target)
        replace(source, target)

    monkeypatch.setattr(os, "replace", fail_the_second_in_output)
    assert _saved(live, _edit(built_copy, POST, "Pour la première fois", "Avant la panne. Pour la première fois")) == (1, True)
    monkeypatch.setattr(os, "replace", replace)
    assert replaced and not list(built_copy.glob(".output.new-*"))  # half done, and nothing left beside output/
    assert _saved(live, _edit(built_copy, PAGE, "jeux de demain.", "jeux de demain !")) == (0, False)  # not from a half-made state
    _as_built_from_nothing(built_copy, tmp_path)


def test_the_preview_keeps_one_build_in_memory(live, built_copy):
    articles: list[weakref.ref] = []

    def hear(generators):
        articles.extend(weakref.ref(article) for generator in generators for article in getattr(generator, "articles", ()))

    pelican_signals.all_generators_finalized.connect(hear)
    try:
        for number in range(3):
            assert _saved(live, _edit(built_copy, POST, "Tags: ", f"Tags: étiquette-{number}, ")) == (0, False)
            assert _saved(live, _edit(built_copy, POST, "Pour la première fois", f"{number}. Pour la première fois")) == (0, True)
    finally:
        pelican_signals.all_generators_finalized.disconnect(hear)
    gc.collect()
    alive = [ref() for ref in articles if ref() is not None]
    assert alive and len(alive) <= len(articles) // 3  # the last build's posts only
