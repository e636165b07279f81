"""The invoke tasks, run as a writer runs them, in a copy of the sample site (which speaks French)."""

import os
import re
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT, french

INVOKE = [sys.executable, "-m", "invoke"]
TASKS = ("audit", "bench", "build", "check", "clean", "new", "newsletter", "publish", "report", "rollback", "serve", "translations")


def _invoke(site: Path, *args: str, now: str = "2026-11-24T10:15") -> subprocess.CompletedProcess:
    env = {**os.environ, "TRIBUNE_NOW": now}
    return subprocess.run([*INVOKE, *args], cwd=site, env=env, capture_output=True, text=True, timeout=120)


def test_list_shows_a_one_line_help_for_each_task(site_copy):
    listing = _invoke(site_copy, "--list").stdout
    for task in ("build", "check", "clean", "new", "serve"):
        line = next(line for line in listing.splitlines() if line.strip().startswith(task + " "))
        assert len(line.split(None, 1)[1]) > 10, line


def test_new_post_writes_a_named_file_with_its_metadata_and_refuses_to_overwrite(site_copy):
    created = _invoke(site_copy, "new", "post", "Retour sur la soirée d'hiver !")
    assert created.returncode == 0, created.stderr
    path = site_copy / created.stdout.splitlines()[0]
    assert path == site_copy / "content/posts/2026-11-24-retour-sur-la-soiree-d-hiver.md"
    assert created.stdout.splitlines()[1].startswith(french("Ensuite : Écrivez le billet en Markdown sous la ligne vide"))
    text = path.read_text(encoding="utf-8")
    assert text.startswith("Title: Retour sur la soirée d'hiver !\nDate: 2026-11-24 10:15\nCategory: Communauté\n")
    assert "Status: draft\n" in text and "Author: Camille Rousseau\n" in text
    assert "Écrivez votre billet ici, en Markdown." in text
    again = _invoke(site_copy, "new", "post", "Retour sur la soirée d'hiver !")
    assert again.returncode == 1
    assert again.stderr == french("Rien n'a été écrit : content/posts/2026-11-24-retour-sur-la-soiree-d-hiver.md existe déjà : "
                                  "choisissez un autre titre\n")
    assert path.read_text(encoding="utf-8") == text


def test_the_readme_example_of_a_new_post_builds_in_the_sample_site(site_copy):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = re.search(r"<!-- example:new-post -->\n```sh\n\.venv/bin/invoke (new post .+)\n", readme).group(1)
    title = re.fullmatch(r'new post "(.+)"', command).group(1)
    created = _invoke(site_copy, "new", "post", title)
    assert created.returncode == 0, created.stderr
    assert created.stdout.splitlines()[0] in readme  # the file name the README shows
    assert _invoke(site_copy, "check").returncode == 0


def test_new_refuses_the_title_of_another_post_with_the_file_that_has_it(site_copy):
    taken = _invoke(site_copy, "new", "post", "Été à Montréal : l'équipe !")
    assert taken.returncode == 1 and not list((site_copy / "content/posts").glob("2026-11-24-*"))
    assert taken.stderr == french("Rien n'a été écrit : content/posts/2026-07-20-ete-a-montreal.md a déjà ce titre "
                                  "(la même adresse sur le site) : choisissez un autre titre\n")


def test_kinds_are_named_in_any_case(site_copy):
    created = _invoke(site_copy, "new", "Post", "Une soirée de plus")
    assert created.returncode == 0, created.stderr
    assert created.stdout.splitlines()[0] == "content/posts/2026-11-24-une-soiree-de-plus.md"
    unknown = _invoke(site_copy, "new", "billet", "Une soirée de plus")
    assert unknown.returncode == 1
    assert unknown.stderr == french("Rien n'a été écrit : type « billet » inconnu (valeurs possibles : edition, event, member, page, post)\n")


def test_a_new_draft_builds_but_is_not_published(site_copy):
    _invoke(site_copy, "new", "post", "Un brouillon tout neuf")
    built = _invoke(site_copy, "build")
    assert built.returncode == 0, built.stderr
    assert not list((site_copy / "output").rglob("*brouillon-tout-neuf*"))


def test_build_and_check_fail_with_file_and_line_in_french(site_copy):
    bad = site_copy / "content/posts/bad.md"
    bad.write_text("Title: Mauvaise date\nDate: 2026-02-30\nCategory: Coulisses\nTagz: soirée\n\nTexte.\n", encoding="utf-8")
    date = french("content/posts/bad.md:2: Date: « 2026-02-30 » n'est pas une date (attendu : AAAA-MM-JJ ou AAAA-MM-JJ HH:MM) [erreur]")
    field = french("content/posts/bad.md:4: Tagz: champ inconnu, vouliez-vous dire Tags ? [erreur]")
    image = french("content/posts/bad.md:1: Image: le billet n'a pas d'image : les réseaux sociaux montreront la carte générée "
                   "[remarque]")
    checked = _invoke(site_copy, "check")
    assert checked.returncode == 1
    assert checked.stderr.splitlines() == [image, date, field]
    assert checked.stdout == french("Contenu vérifié : 2 erreurs, 0 avertissement, 1 remarque.\n")
    strict = _invoke(site_copy, "check", "-s")
    assert image in strict.stderr.splitlines()  # a notice: publish does not wait for an image
    assert strict.stdout == french("Contenu vérifié : 2 erreurs, 0 avertissement, 1 remarque.\n")
    built = _invoke(site_copy, "build")
    assert built.returncode == 1 and built.stdout == ""
    assert built.stderr.splitlines() == [date, field, french("La construction a échoué : 2 problèmes dans le contenu : "
                                                             "rien n'a été construit. output/ n'a pas changé.")]
    assert not (site_copy / "output").exists()


def test_an_english_site_is_told_in_english(english_copy):
    bad = english_copy / "content/posts/bad.md"
    bad.write_text("Title: Bad date\nDate: 2026-02-30\nCategory: Coulisses\n\nText.\n", encoding="utf-8")
    checked = _invoke(english_copy, "check")
    assert 'content/posts/bad.md:2: Date: "2026-02-30" is not a date (expected YYYY-MM-DD or YYYY-MM-DD HH:MM) [error]' in checked.stderr
    assert "[notice]" in checked.stderr and checked.stdout == "Checked the content: 1 error, 0 warnings, 1 notice.\n"
    bad.unlink()
    built = _invoke(english_copy, "build")
    assert built.returncode == 0, built.stderr
    assert re.fullmatch(r"Site built in output/: 11 posts, 4 pages, 1 draft \(not published\); \d+ files; \d+\.\d\d s\.\n", built.stdout)
    assert "Lint every content file" in _invoke(english_copy, "--list").stdout


def test_a_build_says_what_it_made_in_one_french_line(site_copy):
    built = _invoke(site_copy, "build")
    assert built.returncode == 0 and built.stderr == ""
    assert re.fullmatch(french(r"Site construit dans output/ : 12 billets, 5 pages, 1 brouillon \(non publié\) ; \d+ fichiers ; \d+,\d\d s\.\n"),
                        built.stdout), built.stdout  # Pelican's own "Done: Processed…" is not printed
    again = _invoke(site_copy, "build")
    assert re.search(r"\d+ fichiers, dont \d+ pages et flux inchangés depuis la dernière construction", again.stdout), again.stdout


def test_descriptions_and_help_are_in_the_site_language(site_copy):
    listing = _invoke(site_copy, "--list").stdout
    assert "Vérifie chaque fichier de contenu" in listing
    assert french("traite les avertissements comme des erreurs") in _invoke(site_copy, "--help", "check").stdout


def test_a_short_flag_means_the_same_option_in_every_task(site_copy):
    meanings: dict[str, set[str]] = {}
    for name in TASKS:
        help_text = _invoke(site_copy, "--help", name).stdout
        for short, long in re.findall(r"^\s+-(\w)(?: \w+)?, --([\w-]+)", help_text, re.MULTILINE):
            meanings.setdefault(short, set()).add(long)
    assert {short: long for short, (long, *others) in meanings.items() if not others} == {
        "d": "dry-run", "e": "edition", "n": "no-wait", "p": "port", "r": "refresh", "s": "strict", "t": "test", "y": "yes"}
    publish = _invoke(site_copy, "--help", "publish").stdout
    assert re.search(r"^\s+--target=STRING", publish, re.MULTILINE) and re.search(r"^\s+--send\b", publish, re.MULTILINE)


def test_publish_t_is_a_test_address_never_a_target(site_copy, tmp_path):
    result = _invoke(site_copy, "publish", "-t", "camille@exemple.fr", "--dry-run", "--target", str(tmp_path / "www"))
    assert result.returncode == 0, result.stderr
    assert not (site_copy / "camille@exemple.fr").exists() and not (tmp_path / "www").exists()


def test_newsletter_flags_that_exclude_each_other_are_refused_before_anything(site_copy):
    both = _invoke(site_copy, "newsletter", "--send", "--schedule", "2026-12-01 09:00", "--yes")
    assert both.returncode == 1 and both.stdout == ""
    assert both.stderr == french("Rien n'a été envoyé : donnez une seule des options --test, --schedule et --send\n")
    published = _invoke(site_copy, "publish", "--send", "-t", "a@exemple.fr", "--target", str(site_copy.parent / "www"))
    assert published.returncode == 1 and not (site_copy / ".publish").exists()
    assert "donnez une seule des options --test, --schedule et --send" in published.stderr
    alone = _invoke(site_copy, "publish", "--edition", "2026-11", "--target", str(site_copy.parent / "www"))
    assert alone.returncode == 1 and "--edition" in alone.stderr and not (site_copy / ".publish").exists()


def test_sending_a_draft_edition_is_refused_by_name(site_copy):
    created = _invoke(site_copy, "new", "edition", "2027-01")
    assert created.returncode == 0, created.stderr
    refused = _invoke(site_copy, "newsletter", "--edition", "2027-01", "--send", "--yes")
    assert refused.returncode == 1
    assert refused.stderr.splitlines()[-1] == french("Rien n'a été envoyé : l'édition 2027-01 n'est pas publiée (Status: draft) : "
                                                     "passez Status: à published dans content/newsletters/2027-01.md avant de l'envoyer")


def test_clean_removes_the_output(site_copy):
    assert _invoke(site_copy, "build").returncode == 0
    assert (site_copy / "output/index.html").is_file()
    assert _invoke(site_copy, "clean").returncode == 0
    assert not (site_copy / "output").exists()


def test_new_event_is_a_valid_draft(site_copy):
    created = _invoke(site_copy, "new", "event", "Soirée jeux de Noël")
    assert created.returncode == 0, created.stderr
    assert created.stdout.splitlines()[0] == "content/events/soiree-jeux-de-noel.md"
    assert created.stdout.splitlines()[1].startswith(french("Ensuite : Réglez Start: (AAAA-MM-JJ HH:MM) et Duration:"))
    text = (site_copy / "content/events/soiree-jeux-de-noel.md").read_text(encoding="utf-8")
    assert "Start: 2026-12-01 18:30\n" in text and "Status: draft\n" in text
    checked = _invoke(site_copy, "check", "--strict")
    assert checked.returncode == 0, checked.stderr


def test_new_member_is_a_draft_that_builds_and_waits_for_consent(site_copy):
    created = _invoke(site_copy, "new", "member", "Zoé Martin")
    assert created.returncode == 0, created.stderr
    path, steps = created.stdout.splitlines()
    assert path == "content/members/zoe-martin.md"
    assert "Consent:" in steps and "Spotlight (le mois où le membre est à l'honneur, AAAA-MM)".replace("'", "’") in steps
    text = (site_copy / path).read_text(encoding="utf-8")
    assert text.startswith("Name: Zoé Martin\nRole: Membre\nMember-Since: 2026-11-24\n") and "Status: draft\n" in text
    for field in ("City:", "Avatar:", "Links:", "Quote:", "Spotlight:", "Pseudonym:", "Consent:"):
        assert f"\n{field}\n" in text, field
    checked = _invoke(site_copy, "check", "--strict")
    assert checked.returncode == 0, checked.stderr  # a draft needs no consent date yet
    assert _invoke(site_copy, "build").returncode == 0
    assert not (site_copy / "output/membres/zoe-martin").exists()
    (site_copy / path).write_text(text.replace("Status: draft", "Status: published"), encoding="utf-8")
    refused = _invoke(site_copy, "check")
    assert refused.returncode == 1  # published without consent: the lint says so
    assert "content/members/zoe-martin.md:10: Consent: manquant" in refused.stderr
    (site_copy / path).write_text(text.replace("Status: draft", "Status: published").replace("Consent:\n", "Consent: 2026-11-20\n"),
                                  encoding="utf-8")
    assert _invoke(site_copy, "build").returncode == 0
    assert (site_copy / "output/membres/zoe-martin/index.html").is_file()


def test_new_edition_is_this_month_or_the_month_given_with_a_number_for_a_second_one(site_copy):
    editions = site_copy / "content/newsletters"
    this_month = _invoke(site_copy, "new", "edition", "")
    assert this_month.returncode == 0, this_month.stderr
    assert this_month.stdout.splitlines()[0] == "content/newsletters/2026-11-2.md"  # the sample has 2026-11.md
    text = (editions / "2026-11-2.md").read_text(encoding="utf-8")
    assert text.startswith("Title: La lettre — novembre 2026\nSubject: La lettre — novembre 2026\n")
    assert "Date: 2026-11-24 10:15\n" in text and "Status: draft\n" in text
    january = _invoke(site_copy, "new", "edition", "2027-01")
    assert january.stdout.splitlines()[0] == "content/newsletters/2027-01.md"
    assert "Date: 2027-01-01 09:00\n" in (editions / "2027-01.md").read_text(encoding="utf-8")
    again = _invoke(site_copy, "new", "edition", "2027-01")
    assert again.stdout.splitlines()[0] == "content/newsletters/2027-01-2.md"
    titled = _invoke(site_copy, "new", "edition", "La lettre de Noël")
    assert titled.stdout.splitlines()[0] == "content/newsletters/2026-11-3.md"
    assert (editions / "2026-11-3.md").read_text(encoding="utf-8").startswith("Title: La lettre de Noël\n")
    assert _invoke(site_copy, "check", "--strict").returncode == 0
    wrong = _invoke(site_copy, "new", "edition", "2027-13")
    assert wrong.returncode == 1 and wrong.stderr == french("Rien n'a été écrit : « 2027-13 » n'est pas un mois (attendu : AAAA-MM, "
                                                             "par exemple 2026-11)\n")
