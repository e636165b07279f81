"""Consent covers authorship: a member who withdrew their consent, or who is hidden, is named by
no output file, while the posts they wrote stay published, credited to the organisation or to
the pseudonym they chose; the lint tells the editor, post by post, without blocking publishing."""

import gzip
import html
import json
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup
from pelican.contents import Article

from tribune import commands
from tribune.build import BuildError, build, check, load_site
from tribune.headers import light_content, reading_contents
from tribune.lint import NOTICE
from tribune.removal import remove_now

from .conftest import build_site, french, pagefind_fragments

SITE = "https://guilde.editions-boussole.fr"
ORGANIZATION = "Éditions Boussole"
PSEUDONYM = "Le Gardien du Phare"
# Aïcha Benali wrote two posts and withdraws her consent; Hugo Marchand co-wrote one and is hidden.
WITHDRAWN = ("Aïcha Benali", "aicha-benali", "Benali")
HIDDEN = ("Hugo Marchand", "hugo-marchand", "Marchand")
POLLEN = "billets/de-l-esquisse-a-la-boite-l-illustration-de-pollen/"
ONE_YEAR = "billets/la-guilde-a-presque-un-an-ce-que-vous-nous-avez-dit/"
CARDS = "billets/des-cartes-lisibles-par-toutes-et-tous/"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def give_them_posts(site: Path) -> None:
    posts = site / "content/posts"
    _edit(posts / "2026-10-05-illustration-pollen.md", "Author: Camille Rousseau", "Author: Aïcha Benali")
    _edit(posts / "2026-11-09-la-guilde-a-presque-un-an.md", "Author: Camille Rousseau", "Author: Aïcha Benali")
    _edit(posts / "2026-05-18-cartes-lisibles.md", "Author: Camille Rousseau", "Authors: Camille Rousseau, Hugo Marchand")


def withdraw_and_hide(site: Path) -> None:
    members = site / "content/members"
    _edit(members / "aicha-benali.md", "Consent: 2026-10-30", "Consent: 2026-10-30\nConsent-Withdrawn: 2026-10-01")
    _edit(members / "hugo-marchand.md", "Consent: 2026-02-05", f"Consent: 2026-02-05\nStatus: hidden\nPseudonym: {PSEUDONYM}")


@pytest.fixture
def withdrawn(site_copy, monkeypatch) -> Path:
    monkeypatch.chdir(site_copy)
    give_them_posts(site_copy)
    withdraw_and_hide(site_copy)
    return site_copy


def _text(path: Path) -> str:
    """A file's text as a search for a name must see it: gunzipped (Pagefind), entities decoded."""
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    text = data.decode("utf-8", errors="ignore")
    return html.unescape(text).casefold() + text.encode("ascii", "backslashreplace").decode().casefold()


def naming(output: Path, *words: str) -> list[str]:
    """Every output file (or file path) that contains one of ``words`` (case-insensitive)."""
    found = []
    escaped = [word.casefold() for word in words] + [json.dumps(word)[1:-1].casefold() for word in words]
    for path in sorted(output.rglob("*")):
        relative = path.relative_to(output).as_posix()
        if any(word.casefold() in relative.casefold() for word in words):
            found.append(relative)
        elif path.is_file() and any(word in _text(path) for word in escaped):
            found.append(relative)
    return found


def blog_posting(site, url: str) -> dict:
    data = json.loads(site.html(url).find("script", type="application/ld+json").string)
    return next(node for node in data["@graph"] if node["@type"] == "BlogPosting")


def pagefind_urls(output: Path) -> set[str]:
    return {data["url"] for data in pagefind_fragments(output / "pagefind").values()}


def test_no_output_file_names_a_withdrawn_or_hidden_member(withdrawn, tmp_path):
    site = build_site(withdrawn, "publishconf.py", tmp_path / "out", search=True)
    assert naming(site.output, *WITHDRAWN, *HIDDEN) == []
    # Not an empty site: every kind of output the grep went through is there.
    kinds = {path.suffix for path in site.output.rglob("*") if path.is_file()}
    assert {".html", ".xml", ".ics", ".txt", ".json", ".pf_fragment", ".pf_index"} <= kinds
    assert (site.output / "newsletter/2026-11/email.html").is_file()


def test_their_posts_stay_credited_to_the_organisation_or_their_pseudonym(withdrawn, tmp_path):
    site = build_site(withdrawn, "publishconf.py", tmp_path / "out", search=True)
    organization_page, pseudonym_page = f"{SITE}/auteurs/editions-boussole/", f"{SITE}/auteurs/le-gardien-du-phare/"
    for url in (POLLEN, ONE_YEAR):
        assert [(a.get_text(), a["href"]) for a in site.html(url).select(".post__header .byline a")] == [(ORGANIZATION, organization_page)]
        assert blog_posting(site, url)["author"] == [{"@id": f"{SITE}/#organization"}]
    assert [(a.get_text(), a["href"]) for a in site.html(CARDS).select(".post__header .byline a")] == [
        ("Camille Rousseau", f"{SITE}/auteurs/camille-rousseau/"), (PSEUDONYM, pseudonym_page)]
    assert [a["name"] for a in blog_posting(site, CARDS)["author"]] == ["Camille Rousseau", PSEUDONYM]

    authors = [a.get_text() for a in site.html("auteurs/").select("main a")]
    assert ORGANIZATION in authors and PSEUDONYM in authors
    assert [a["href"] for a in site.html("auteurs/editions-boussole/").select(".card__title a")] == [f"{SITE}/{ONE_YEAR}", f"{SITE}/{POLLEN}"]
    feed = feedparser.parse((site.output / "feeds/all.atom.xml").read_bytes())
    credited = {entry.link: entry.author for entry in feed.entries}
    assert credited[f"{SITE}/{ONE_YEAR}"] == ORGANIZATION and credited[f"{SITE}/{POLLEN}"] == ORGANIZATION
    assert {f"/{POLLEN}", f"/{ONE_YEAR}", f"/{CARDS}"} <= pagefind_urls(site.output)
    sitemap = (site.output / "sitemap.xml").read_text(encoding="utf-8")
    assert f"{SITE}/{POLLEN}" in sitemap and organization_page in sitemap
    email = BeautifulSoup((site.output / "newsletter/2026-11/email.html").read_text(encoding="utf-8"), "html.parser")
    assert any(a["href"].startswith(f"{SITE}/{ONE_YEAR}?") for a in email.find_all("a", href=True))


def _notice(path: str, line: int, field: str, who: str, why: str, credit: str) -> str:
    return french(f"{path}:{line}: {field}: {who} {why} : ce billet est attribué à « {credit} » ; changez {field}: pour qu'il le reste "
                  "dans la source")


def test_the_lint_lists_each_post_at_its_author_line_without_blocking_publishing(withdrawn, capsys):
    _, problems = check(load_site(withdrawn / "pelicanconf.py"), strict=True)
    withdrew = "a retiré son consentement (content/members/aicha-benali.md)"
    hidden = "est masqué (Status: hidden dans content/members/hugo-marchand.md)"
    assert [str(p) for p in problems] == [
        _notice("content/posts/2026-05-18-cartes-lisibles.md", 5, "Authors", "Hugo Marchand", hidden, PSEUDONYM),
        _notice("content/posts/2026-10-05-illustration-pollen.md", 6, "Author", "Aïcha Benali", withdrew, ORGANIZATION),
        _notice("content/posts/2026-11-09-la-guilde-a-presque-un-an.md", 5, "Author", "Aïcha Benali", withdrew, ORGANIZATION),
    ]
    assert {p.severity for p in problems} == {NOTICE}
    # invoke check --strict, as publish runs it: told, not stopped.
    assert commands.run_check("pelicanconf.py", strict=True) == 0
    printed = capsys.readouterr().err.splitlines()
    assert len(printed) == 3 and all(line.endswith(" [remarque]") for line in printed)
    build(load_site(withdrawn / "publishconf.py", OUTPUT_PATH=str(withdrawn / "release")), strict=True)


def test_the_notice_goes_once_the_source_credits_someone_else(withdrawn):
    _edit(withdrawn / "content/posts/2026-10-05-illustration-pollen.md", "Author: Aïcha Benali", f"Author: {ORGANIZATION}")
    _edit(withdrawn / "content/posts/2026-11-09-la-guilde-a-presque-un-an.md", "Author: Aïcha Benali", "Author: aicha benali")
    _edit(withdrawn / "content/posts/2026-05-18-cartes-lisibles.md", "Hugo Marchand", PSEUDONYM)
    _, problems = check(load_site(withdrawn / "pelicanconf.py"))
    # Matched by slug, as Pelican matches authors: the same author page, so the same member.
    assert [f"{p.path}:{p.line}" for p in problems] == ["content/posts/2026-11-09-la-guilde-a-presque-un-an.md:5"]


def test_a_withdrawn_default_author_is_credited_on_everything_they_would_sign(site_copy, tmp_path, monkeypatch):
    """AUTHOR is every content's author when it has no Author: line: posts, but also pages,
    events and newsletter editions (whose Atom feed names its author)."""
    monkeypatch.chdir(site_copy)
    withdraw_and_hide(site_copy)
    _edit(site_copy / "content/posts/2026-10-05-illustration-pollen.md", "Author: Camille Rousseau\n", "")
    site = build_site(site_copy, "publishconf.py", tmp_path / "out", search=False, AUTHOR="Aïcha Benali")
    assert naming(site.output, *WITHDRAWN) == []
    assert [a.get_text() for a in site.html(POLLEN).select(".post__header .byline a")] == [ORGANIZATION]
    editions = feedparser.parse((site.output / "lettre/atom.xml").read_bytes()).entries
    assert editions and {entry.author for entry in editions} == {ORGANIZATION}
    notices = [str(p) for p in check(load_site(site_copy / "pelicanconf.py", AUTHOR="Aïcha Benali"))[1] if p.severity == NOTICE]
    assert notices == [
        french("content/posts/2026-10-05-illustration-pollen.md:1: Author: Aïcha Benali (le réglage AUTHOR) a retiré son consentement "
               "(content/members/aicha-benali.md) : ce billet est attribué à « Éditions Boussole » ; changez AUTHOR dans pelicanconf.py "
               "ou donnez au billet une ligne Author:")
    ]


@pytest.mark.parametrize(
    ("pseudonym", "message"),
    [
        ("Hugo le Daltonien", french("« Hugo le Daltonien » contient « Hugo », tiré de son Name: un pseudonyme ne doit pas nommer la "
                                     "personne ; choisissez-en un autre")),
        ("H. MARCHAND", french("« H. MARCHAND » contient « Marchand », tiré de son Name: un pseudonyme ne doit pas nommer la personne ; "
                               "choisissez-en un autre")),
        ("<b>Phare</b>", french("« <b>Phare</b> » n'est pas du texte brut (« < ») : un pseudonyme est affiché tel qu'il est écrit ; "
                                "retirez le balisage ou le lien")),
        ("[Phare](https://phare.example)", french("« [Phare](https://phare.example) » n'est pas du texte brut (« [ ») : un pseudonyme est "
                                                  "affiché tel qu'il est écrit ; retirez le balisage ou le lien")),
    ],
)
def test_a_pseudonym_is_plain_text_that_does_not_name_them(site_copy, monkeypatch, pseudonym, message):
    monkeypatch.chdir(site_copy)
    _edit(site_copy / "content/members/hugo-marchand.md", "Consent: 2026-02-05", f"Consent: 2026-02-05\nPseudonym: {pseudonym}")
    blocking, _ = check(load_site(site_copy / "pelicanconf.py"))
    assert [str(p) for p in blocking] == [f"content/members/hugo-marchand.md:9: Pseudonym: {message}"]
    with pytest.raises(BuildError):
        build(load_site(site_copy / "pelicanconf.py"))


def test_a_draft_member_is_named_as_any_author_who_is_not_a_member(site_copy, tmp_path, monkeypatch):
    monkeypatch.chdir(site_copy)
    give_them_posts(site_copy)
    _edit(site_copy / "content/members/aicha-benali.md", "Consent: 2026-10-30", "Consent: 2026-10-30\nStatus: draft")
    site = build_site(site_copy, "publishconf.py", tmp_path / "out", search=False)
    assert [(a.get_text(), a["href"]) for a in site.html(POLLEN).select(".post__header .byline a")] == [
        ("Aïcha Benali", f"{SITE}/auteurs/aicha-benali/")]
    assert not (site.output / "membres/aicha-benali").exists()
    assert [p for p in check(load_site(site_copy / "pelicanconf.py"))[1] if p.severity == NOTICE] == []


def _files(output: Path) -> dict[str, bytes]:
    return {path.relative_to(output).as_posix(): path.read_bytes() for path in sorted(output.rglob("*")) if path.is_file()}


def test_a_cached_rebuild_after_a_withdrawal_is_a_build_from_nothing(site_copy, tmp_path, monkeypatch):
    """pelicanconf's caches on (Pelican's content cache, the page cache): the rebuild after the
    withdrawal must render again every page that named them."""
    monkeypatch.chdir(site_copy)
    give_them_posts(site_copy)
    before = build(load_site(site_copy / "pelicanconf.py"), search=True)
    assert naming(before.output, *WITHDRAWN)  # they were named: the rebuild has something to undo
    assert build(load_site(site_copy / "pelicanconf.py"), search=True).reused == before.pages  # the cache works
    withdraw_and_hide(site_copy)
    rebuilt = build(load_site(site_copy / "pelicanconf.py"), search=True)
    assert naming(rebuilt.output, *WITHDRAWN, *HIDDEN) == []
    remove_now(site_copy / "cache")  # the builds' removals in its removing/ folder may still be running
    fresh = build(load_site(site_copy / "pelicanconf.py", OUTPUT_PATH=str(tmp_path / "fresh"), LOAD_CONTENT_CACHE=False), search=True)
    assert _files(rebuilt.output) == _files(fresh.output)


def test_a_withdrawn_member_named_in_any_text_is_a_warning_at_its_line(withdrawn):
    """The build credits their posts to someone else; prose it cannot rewrite: the editor must."""
    about = withdrawn / "content/pages/a-propos.md"
    about.write_text(about.read_text(encoding="utf-8") + "\nMerci à AÏCHA benali pour ses illustrations.\n", encoding="utf-8")
    line = len(about.read_text(encoding="utf-8").splitlines())
    _edit(withdrawn / "content/posts/2026-02-09-cinq-conseils-soiree-jeux.md", "Author: Yanis Belkacem",
          "Author: Hugo Marchand & Yanis Belkacem")
    warnings = [str(p) for p in check(load_site(withdrawn / "pelicanconf.py"))[1] if p.severity == "warning"]
    assert warnings == [
        french(f"content/pages/a-propos.md:{line}: nomme Aïcha Benali, qui a retiré son consentement (content/members/aicha-benali.md) : "
               "retirez ce nom de ce texte (la mise en ligne le refuse d'ici là)"),
        french("content/posts/2026-02-09-cinq-conseils-soiree-jeux.md:5: Author: nomme Hugo Marchand, qui est masqué (Status: hidden "
               "dans content/members/hugo-marchand.md) : retirez ce nom de ce texte (la mise en ligne le refuse d'ici là)"),
    ]
    assert commands.run_check("pelicanconf.py", strict=True) == 1


@pytest.mark.parametrize("pseudonym, who", [
    ("Léa Fontaine", "un autre membre, content/members/lea-fontaine.md"),
    ("camille rousseau", "le réglage AUTHOR"),
    ("Éditions Boussole", "le réglage ORGANIZATION"),
])
def test_a_pseudonym_may_not_be_someone_elses_name(site_copy, monkeypatch, pseudonym, who):
    monkeypatch.chdir(site_copy)
    _edit(site_copy / "content/members/hugo-marchand.md", "Consent: 2026-02-05", f"Consent: 2026-02-05\nPseudonym: {pseudonym}")
    blocking, _ = check(load_site(site_copy / "pelicanconf.py"))
    assert [str(p) for p in blocking] == [french(f"content/members/hugo-marchand.md:9: Pseudonym: « {pseudonym} » est déjà un nom utilisé "
                                                 f"({who}) : ses billets seraient attribués à quelqu'un qui ne les a pas écrits ; "
                                                 "choisissez un nom que personne ne porte")]


def test_outside_a_build_a_post_made_after_a_withdrawal_is_credited_anew(site_copy, monkeypatch):
    """The newsletter's command makes posts outside a build: the credits are kept from one post
    to the next while the member files stay as they were, and a withdrawal made since is seen."""
    monkeypatch.chdir(site_copy)
    give_them_posts(site_copy)
    settings = load_site(site_copy / "pelicanconf.py").settings
    post = site_copy / "content/posts/2026-10-05-illustration-pollen.md"
    assert light_content(post, Article, settings).author.name == WITHDRAWN[0]
    assert light_content(post, Article, settings).author.name == WITHDRAWN[0]
    withdraw_and_hide(site_copy)
    assert light_content(post, Article, settings).author.name == ORGANIZATION


def test_a_reading_of_many_contents_checks_the_member_files_once_at_its_start(site_copy, monkeypatch):
    """Within reading_contents (the newsletter's catalogue, the social pieces), the member files
    are checked as the reading starts, not again for each content; nested readings keep that
    check, and once the outermost one ends each content checks them again."""
    monkeypatch.chdir(site_copy)
    give_them_posts(site_copy)
    settings = load_site(site_copy / "pelicanconf.py").settings
    post = site_copy / "content/posts/2026-10-05-illustration-pollen.md"
    assert light_content(post, Article, settings).author.name == WITHDRAWN[0]
    withdraw_and_hide(site_copy)
    with reading_contents(settings):
        assert light_content(post, Article, settings).author.name == ORGANIZATION  # checked as the reading started
        _edit(site_copy / "content/members/aicha-benali.md", "Consent-Withdrawn: 2026-10-01\n", "")
        with reading_contents(settings):
            assert light_content(post, Article, settings).author.name == ORGANIZATION
        assert light_content(post, Article, settings).author.name == ORGANIZATION  # the same reading: not checked again
    assert light_content(post, Article, settings).author.name == WITHDRAWN[0]
