"""The lint run again in the same process, as `invoke serve` runs it after every save: what
it keeps from the previous run never hides a change that only a fresh check would see (a
linked file deleted, a symbolic link turned to lead out, a tag spelt another way in another
file), and a fix is seen as soon as it is made."""

import re
import shutil
from pathlib import Path

import pytest

from tribune import lint
from tribune.build import load_site

POST = """Title: Le plan du local
Date: 2026-10-02 20:00
Category: Communauté
Tags: {tags}
Author: Yanis Belkacem
Image: images/guilde.png
Image-Alt: La guilde autour d'une table

Le local est au fond de la cour : [voir le plan]({{static}}/images/plan-du-local.png).
"""
LINK_LINE = 9


@pytest.fixture(autouse=True)
def _in_site_folder(site_copy, monkeypatch):
    monkeypatch.chdir(site_copy)  # problems name files relative to the site, as a writer runs the tasks


def _said_at(problems: list[lint.Problem], path: str, line: int | None = None) -> list[str]:
    return [str(problem) for problem in problems if problem.path == path and (line is None or problem.line == line)]


def _site_with_plan(site: Path, tags: str = "soirée jeux"):
    """The site with a post linking to an image of its own; the site loaded, and the post's path."""
    shutil.copy(site / "content/images/famille.png", site / "content/images/plan-du-local.png")
    (site / "content/posts/plan-du-local.md").write_text(POST.format(tags=tags), encoding="utf-8")
    return load_site(site / "pelicanconf.py"), "content/posts/plan-du-local.md"


def test_a_linked_file_deleted_then_restored_is_seen_by_the_next_runs(site_copy):
    site, post = _site_with_plan(site_copy)
    registry = lint.registry_for(site.settings)  # one registry for every run, as a long-lived process may keep
    assert _said_at(lint.run(site.settings, registry), post) == []
    image = site_copy / "content/images/plan-du-local.png"
    kept = image.read_bytes()
    image.unlink()  # the post itself does not change

    missing = _said_at(lint.run(site.settings, registry), post, LINK_LINE)
    assert len(missing) == 1 and "{static}/images/plan-du-local.png" in missing[0] and "content/" in missing[0]
    assert _said_at(lint.run(site.settings), post, LINK_LINE) == missing  # a registry made anew says the same

    image.write_bytes(kept)
    assert _said_at(lint.run(site.settings, registry), post) == []


def test_a_symbolic_link_turned_to_lead_out_of_content_is_seen_by_the_next_run(site_copy, tmp_path):
    site, post = _site_with_plan(site_copy)
    image = site_copy / "content/images/plan-du-local.png"
    image.unlink()
    image.symlink_to(site_copy / "content/images/famille.png")  # a link inside content/: fine
    assert _said_at(lint.run(site.settings), post) == []

    outside = tmp_path / "ailleurs.png"
    shutil.copy(site_copy / "content/images/famille.png", outside)
    image.unlink()
    image.symlink_to(outside)  # same name, same post: now it leads out
    problems = lint.run(site.settings)
    assert any("outside the content folder" in text or "hors du dossier" in text for text in _said_at(problems, post, LINK_LINE))
    assert _said_at(problems, "content/images/plan-du-local.png")  # the link itself is named too

    image.unlink()
    image.symlink_to(site_copy / "content/images/famille.png")
    problems = lint.run(site.settings)
    assert _said_at(problems, post) == [] and _said_at(problems, "content/images/plan-du-local.png") == []


def test_a_tag_spelt_another_way_in_another_post_is_seen_in_the_unchanged_post(site_copy):
    site, post = _site_with_plan(site_copy, tags="ludothèque")
    assert _said_at(lint.run(site.settings), post) == []
    other = site_copy / "content/posts/2026-09-07-jeux-courts-pause-midi.md"
    written = other.read_text(encoding="utf-8")
    assert "Tags: jeux courts, pollen" in written
    other.write_text(written.replace("Tags: jeux courts, pollen", "Tags: jeux courts, pollen, Ludothèque"), encoding="utf-8")

    warned = _said_at(lint.run(site.settings), post)  # the post is the same; the other spelling is new
    assert len(warned) == 1 and "Ludothèque" in warned[0] and "ludothèque" in warned[0] and warned[0].startswith(f"{post}:4: Tags:")

    other.write_text(written, encoding="utf-8")
    assert _said_at(lint.run(site.settings), post) == []


TIPS = "content/posts/2026-02-09-cinq-conseils-soiree-jeux.md"
RULES_POST = "content/posts/2026-03-16-regles-maree-haute.md"
ABOUT = "content/pages/a-propos.md"

# Saves as a writer makes them while `invoke serve` runs: each step rewrites files from what
# they hold now, in the body, the fields, or both, so that every kind of rule has something to
# find and then to stop finding.
FIRST_MISTAKE = "\nVotre prénom : *|FNAME|*\n"  # in the content when `invoke serve` starts
SAVES = [
    {TIPS: lambda text: text.replace(FIRST_MISTAKE, "") + "\n<script>alert(1)</script> Bonjour *|FNAME|* !\n\n[le plan]({filename}/posts/plan.md)\n\n"
                              "![](https://pisteur.example/p.png)\n\n" + ">" * 60 + " trop profond\n\n![](images/soiree.png)\n"},
    {TIPS: lambda text: text.split("\n<script>")[0] + "\n", ABOUT: lambda text: text + '\n<img src="x.png" onerror="alert(1)">\n'},
    {TIPS: lambda text: text.replace("Title: Cinq conseils pour animer une soirée jeux",
                                     "Title: Les règles de « Marée haute » expliquées en dix minutes")},
    {RULES_POST: lambda text: text.replace("Category: Conseils de jeu", "Category: Conseil de jeu")},
    {RULES_POST: lambda text: text.replace("Date: 2026-03-16 10:00", "Date: 2031-03-16 10:00"),
     TIPS: lambda text: text.replace("Tags: soirée jeux, animation", "    Tags: soirée jeux\nSummary: @camille@piaille.fr, relisez !")},
    {RULES_POST: lambda text: ""},
    {RULES_POST: lambda text: "Title: Revenu\nDate: 2026-03-16 10:00\nCategory: Conseils de jeu\n\nUn texte, sans image.\n"},
]


def test_the_lint_after_a_save_says_what_a_whole_lint_says(site_copy):
    """`invoke serve` lints after a save from its last whole run, running again only the rules
    that read what the saved files changed: after each save of a series (bodies, titles,
    categories, dates, an indented field, a file emptied, then refilled), it says exactly what a
    lint from nothing says, problems found and problems gone."""
    tips = site_copy / TIPS
    tips.write_text(tips.read_text(encoding="utf-8") + FIRST_MISTAKE, encoding="utf-8")
    site = load_site(site_copy / "pelicanconf.py")
    registry = lint.registry_for(site.settings)
    before = lint.run(site.settings, registry)
    assert any(problem.path == TIPS and "FNAME" in problem.message for problem in before)
    saved: set[str] = set()
    for number, step in enumerate(SAVES):
        for name, edit in step.items():
            path = site_copy / name
            path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
            saved.add(str(path))
        after_the_save = lint.run(site.settings, registry, changed=saved)
        assert after_the_save == lint.run(site.settings), f"save {number}"
        assert after_the_save != before, f"save {number} changed nothing the lint says: the test would prove nothing"
        before = after_the_save
    said = [str(problem) for problem in before]
    assert any(text.startswith(f"{RULES_POST}:") for text in said)  # the file refilled is looked at again


def test_after_a_save_only_the_rules_that_read_what_changed_run_again(site_copy):
    site = load_site(site_copy / "pelicanconf.py")
    ran: dict[str, list[list[str]]] = {"each file": [], "fields": [], "nothing": [], "undeclared": []}

    def looking(name: str):
        def rule(corpus):
            ran[name].append(sorted(str(source.path.relative_to(site_copy)) for sources in corpus.sources.values() for source in sources))
            return []
        return rule

    registry = lint.registry_for(site.settings)
    registry.add_rule(lint.reads(lint.EACH_FILE)(looking("each file")))
    registry.add_rule(lint.reads(lint.FIELDS)(looking("fields")))
    registry.add_rule(lint.reads()(looking("nothing")))
    registry.add_rule(looking("undeclared"))
    lint.run(site.settings, registry)
    every_file = ran["each file"][0]
    assert TIPS in every_file and len(every_file) > 10 and all(runs == [every_file] for runs in ran.values())

    tips = site_copy / TIPS
    tips.write_text(tips.read_text(encoding="utf-8") + "\nUne phrase de plus.\n", encoding="utf-8")
    lint.run(site.settings, registry, changed={str(tips)})
    assert ran["each file"][-1] == [TIPS]  # on the file saved alone
    assert len(ran["fields"]) == 1 and len(ran["nothing"]) == 1  # the fields are the same: not run again
    assert ran["undeclared"][-1] == every_file  # a rule that says nothing runs every time

    tips.write_text(tips.read_text(encoding="utf-8").replace("Title: Cinq conseils", "Title: Six conseils"), encoding="utf-8")
    lint.run(site.settings, registry, changed={str(tips)})
    assert ran["fields"][-1] == every_file and len(ran["nothing"]) == 1

    new = site_copy / "content/posts/2026-11-30-nouveau.md"  # not in the last whole run: only a whole run can tell
    new.write_text("Title: Nouveau\nDate: 2026-11-30 10:00\nCategory: Conseils de jeu\n\nTexte.\n", encoding="utf-8")
    lint.run(site.settings, registry, changed={str(tips), str(new)})
    assert ran["each file"][-1] == sorted([*every_file, str(new.relative_to(site_copy))]) and len(ran["nothing"]) == 2

    with pytest.raises(ValueError):
        lint.reads(lint.EACH_FILE, lint.FIELDS)  # a file's problems come from it alone, or from every file's fields


def _said_again_and_afresh(settings: dict, registry: lint.Registry, saved: set[str]) -> tuple[list, list]:
    return lint.run(settings, registry, changed=saved), lint.run(settings, lint.registry_for(settings))


def test_a_file_of_two_kinds_or_behind_a_symbolic_link_is_linted_again_as_a_whole_lint_would(site_copy):
    """A file two kinds read (the moderation charter kept among the pages) is read again for
    each; a file another one links to (an alias of a post) is seen through both."""
    (site_copy / "content/moderation.md").rename(site_copy / "content/pages/moderation.md")
    with (site_copy / "pelicanconf.py").open("a", encoding="utf-8") as settings:
        settings.write('\nCONVERSATIONS_CHARTER = "pages/moderation.md"\n')
    settings = load_site(site_copy / "pelicanconf.py").settings
    registry = lint.registry_for(settings)
    lint.run(settings, registry)
    charter = site_copy / "content/pages/moderation.md"
    charter.write_text(re.sub(r"(?m)^Title: .*$", "Title: " + "Modération " * 8, charter.read_text(encoding="utf-8")), encoding="utf-8")
    again, afresh = _said_again_and_afresh(settings, registry, {str(charter)})
    assert again == afresh, "the file of two kinds"
    assert any(problem.path == "content/pages/moderation.md" and problem.field == "Title" for problem in again)

    real = site_copy / TIPS
    (site_copy / "content/posts/2026-02-10-alias.md").symlink_to(real.name)
    registry = lint.registry_for(settings)
    lint.run(settings, registry)
    real.write_text(real.read_text(encoding="utf-8") + "\n<script>alert(1)</script>\n", encoding="utf-8")
    again, afresh = _said_again_and_afresh(settings, registry, {str(real)})
    assert again == afresh, "the file behind a link"
    assert any(problem.path == "content/posts/2026-02-10-alias.md" and "script" in problem.message for problem in again)


def test_the_texts_kept_between_runs_are_read_as_written(site_copy):
    """Between two runs the lint holds every file's text as UTF-8 (half the memory of French
    text in Python's strings): the rules that read every file's text again after a save (a
    withdrawn member named in a post nobody touched) find it at the same line, accents,
    apostrophes and narrow spaces included, as a lint from nothing does."""
    member = site_copy / "content/members/hugo-marchand.md"
    member.write_text(member.read_text(encoding="utf-8").replace("Consent: 2026-02-05", "Consent: 2026-02-05\nConsent-Withdrawn: 2026-11-20"),
                      encoding="utf-8")
    rules_post = site_copy / RULES_POST
    rules_post.write_text(rules_post.read_text(encoding="utf-8") + "\nL’arbitre\u202f: Hugo Marchand, « toujours là ».\n", encoding="utf-8")
    site = load_site(site_copy / "pelicanconf.py")
    registry = lint.registry_for(site.settings)
    first = _said_at(lint.run(site.settings, registry), RULES_POST)
    last_line = len(rules_post.read_text(encoding="utf-8").splitlines())
    assert [text for text in first if "Hugo Marchand" in text] == [text for text in first if text.startswith(f"{RULES_POST}:{last_line}: ")]
    assert len(first) == 1
    kept = next(source for source in registry.last.corpus.of_kind("post") if str(source.path).endswith(RULES_POST))
    assert isinstance(kept.stored_body, bytes) and kept.body.endswith("L’arbitre\u202f: Hugo Marchand, « toujours là ».")

    tips = site_copy / TIPS
    tips.write_text(tips.read_text(encoding="utf-8") + "\nUne phrase de plus.\n", encoding="utf-8")
    again, afresh = _said_again_and_afresh(site.settings, registry, {str(tips)})
    assert _said_at(again, RULES_POST) == first == _said_at(afresh, RULES_POST)
