"""Personal data in member files: every disguise of an e-mail address or a phone number is
found at its line and field, and ordinary text (dates, prices, ISBNs, profiles) is not."""

import pytest

from tribune import commands, lint
from tribune.build import check, load_site

from .conftest import ROOT, french

# A member file whose Quote (line 4), Links (line 5) and one body line (line 9) take the text
# under test; the rest is an ordinary, valid member.
MEMBER = """Name: Zoé Martin
Role: Membre
Member-Since: 2026-06-01
Quote: {quote}
Links: {links}
Consent: 2026-06-01

Un portrait.
{body}
"""
QUIET = {"quote": "Une phrase.", "links": "https://mastodon.example/@zoe", "body": "La fin."}
LINE = {"quote": 4, "links": 5, "body": 9}
FIELD = {"quote": "Quote: ", "links": "Links: ", "body": ""}

EMAIL = "une adresse e-mail"
PHONE = "un numéro de téléphone"


def leak(where: str, what: str, written: str) -> str:
    """The lint's line for a piece of personal data, as the French sample site prints it."""
    return f"{where}{what} (« {written} »)".replace("« ", "«\u202f").replace(" »", "\u202f»") + french(
        " : les données personnelles ne sont pas publiées ; retirez-les")

DISGUISES = [
    # (where, the text written there, what is found, the piece quoted back to the writer)
    ("body", "Écris-moi : jean [at] exemple.fr", EMAIL, "jean [at] exemple.fr"),
    ("quote", "Écris-moi : jean(at)exemple.fr", EMAIL, "jean(at)exemple.fr"),
    ("body", "Écris-moi : jean at exemple dot fr", EMAIL, "jean at exemple dot fr"),
    ("body", "Écris-moi : jean arobase exemple point fr", EMAIL, "jean arobase exemple point fr"),
    ("body", "Écris-moi : jean [at] exemple [dot] fr", EMAIL, "jean [at] exemple [dot] fr"),
    ("quote", "Écris-moi : jean＠exemple.fr", EMAIL, "jean＠exemple.fr"),
    ("body", "Écris-moi : jean﹫exemple.fr", EMAIL, "jean﹫exemple.fr"),
    ("body", "Écris-moi : ｊｅａｎ＠ｅｘｅｍｐｌｅ．ｆｒ", EMAIL, "ｊｅａｎ＠ｅｘｅｍｐｌｅ．ｆｒ"),
    ("body", "Écris-moi : jean\u200b@exemple.fr", EMAIL, "jean\u200b@exemple.fr"),
    ("body", "Écris-moi : jean&#64;exemple.fr", EMAIL, "jean&#64;exemple.fr"),
    ("body", "Écris-moi : jean&#x40;exemple.fr", EMAIL, "jean&#x40;exemple.fr"),
    ("quote", "Écris-moi : jean&commat;exemple.fr", EMAIL, "jean&commat;exemple.fr"),
    ("body", "[Écris-moi](mailto:jean@exemple.fr) !", EMAIL, "mailto:jean@exemple.fr"),
    ("body", '<a href="mailto:jean&#64;exemple.fr">Écris-moi</a>', EMAIL, "mailto:jean&#64;exemple.fr"),
    ("body", "[Écris-moi](mailto:jean%40exemple.fr)", EMAIL, "mailto:jean%40exemple.fr"),
    ("links", "https://exemple.fr/contact?email=jean@exemple.fr", EMAIL, "https://exemple.fr/contact?email=jean@exemple.fr"),
    ("links", "https://exemple.fr/contact?email=jean%40exemple.fr", EMAIL, "https://exemple.fr/contact?email=jean%40exemple.fr"),
    ("links", "https://exemple.fr/annuaire/jean%40exemple.fr", EMAIL, "https://exemple.fr/annuaire/jean%40exemple.fr"),
    ("quote", "Mon numéro : 06 12 34 56 78.", PHONE, "06 12 34 56 78"),
    ("quote", "Mon numéro : 06\u00a012\u00a034\u00a056\u00a078.", PHONE, "06\u00a012\u00a034\u00a056\u00a078"),
    ("body", "Mon numéro : 06\u202f12\u202f34\u202f56\u202f78.", PHONE, "06\u202f12\u202f34\u202f56\u202f78"),
    ("body", "Mon numéro : 06\u200912\u200934\u200956\u200978.", PHONE, "06\u200912\u200934\u200956\u200978"),
    ("body", "Mon numéro : 06\u200712\u200734\u200756\u200778.", PHONE, "06\u200712\u200734\u200756\u200778"),
    ("body", "Mon numéro : 06\u201112\u201134\u201156\u201178.", PHONE, "06\u201112\u201134\u201156\u201178"),
    ("body", "Mon numéro : ０６ １２ ３４ ５６ ７８.", PHONE, "０６ １２ ３４ ５６ ７８"),
    ("body", "Mon numéro : 06&nbsp;12&nbsp;34&nbsp;56&nbsp;78.", PHONE, "06&nbsp;12&nbsp;34&nbsp;56&nbsp;78"),
    ("body", "Mon numéro : 0033 6 12 34 56 78.", PHONE, "0033 6 12 34 56 78"),
    ("body", "Mon numéro : 06/12/34/56/78.", PHONE, "06/12/34/56/78"),
    ("body", "Mon numéro : 06.12.34.56.78.", PHONE, "06.12.34.56.78"),
    ("body", "Mon numéro : 0612345678.", PHONE, "0612345678"),
    ("body", "Appelle le +33 (0)6 12 34 56 78.", PHONE, "+33 (0)6 12 34 56 78"),
    ("body", "Au Québec : +1 514 555 0199.", PHONE, "+1 514 555 0199"),
    ("body", "À Londres : +44 20 7946 0958.", PHONE, "+44 20 7946 0958"),
    ("body", "À Bruxelles : +32 470 12 34 56.", PHONE, "+32 470 12 34 56"),
    ("body", "À Genève : +41 79 123 45 67.", PHONE, "+41 79 123 45 67"),
    ("quote", "Au Québec : (514) 555-0199.", PHONE, "(514) 555-0199"),
    ("body", "Au Québec : 514-555-0199.", PHONE, "514-555-0199"),
    ("body", "[Appelle-moi](tel:+33612345678)", PHONE, "tel:+33612345678"),
    ("body", "Sur WhatsApp : <https://wa.me/33612345678>", PHONE, "https://wa.me/33612345678"),
    ("body", "Sur Telegram : t.me/+33612345678.", PHONE, "t.me/+33612345678"),
    ("body", "Sur Signal : signal.me/#p/+33612345678", PHONE, "signal.me/#p/+33612345678"),
    ("links", "https://wa.me/336123456%37%38", PHONE, "https://wa.me/336123456%37%38"),
    ("links", "https://api.whatsapp.com/send?phone=33612345678", PHONE, "https://api.whatsapp.com/send?phone=33612345678"),
    ("links", "https://t.me/+33612345678", PHONE, "https://t.me/+33612345678"),
    ("links", "https://signal.me/#p/+33612345678", PHONE, "https://signal.me/#p/+33612345678"),
    ("links", "https://exemple.fr/rappel?tel=%2B33%206%2012%2034%2056%2078", PHONE, "https://exemple.fr/rappel?tel=%2B33%206%2012%2034%2056%2078"),
]

ORDINARY = [
    ("body", "Le tournoi a lieu le 2026-11-24, le 24/11/2026 ou le 24.11.2026, du 12/11/2026 au 24/11/2026."),
    ("body", "Rendez-vous à 20 h 30 (ou 20:30, ou 20h30-23h00), de 14 h à 18 h 30, ou le 2026-09-07 12:00."),
    ("quote", "Le jeu coûte 1 250,00 € ; la campagne a levé 12 000 €, puis 10 000 000 €."),
    ("body", "Membre de 1998-2026, saisons 2025-2026, de 1998 à 2026."),
    ("body", "ISBN 978-2-07-036822-8 (ou 9782070368228, ou 2-07-036822-X)."),
    ("body", "La boutique est au 12 rue Mercière, 69007 Lyon (et à 75002 Paris)."),
    ("body", "La version 2.4.1 de l'application, puis la v2.4.1-rc.3."),
    ("quote", "On a gagné 12-10, puis 8-12 et 15-13 : 1 234 567 parties jouées."),
    ("body", "Inscrite le 2026-06-01, score 1234 56 78, à 10:30, date 2026-11-24T20:30:00+01:00."),
    ("links", "https://mastodon.example/@lea, https://bsky.app/profile/lea.bsky.social"),
    ("links", "https://mastodon.example/@lea@autre.example, https://t.me/lea, https://t.me/c/1234567890/42"),
    ("links", "https://exemple.fr/0612345678, https://exemple.fr/articles/33612345678"),
    ("links", "https://exemple.fr/agenda?date=2026-11-24&page=2#jour-2026-11-24"),
    ("links", "https://video.example/watch?v=0612345678a"),
    ("quote", "Suivez-moi : @lea@mastodon.example !"),
    ("body", "Sur Mastodon, je suis @lea@mastodon.example (ou [@lea](https://mastodon.example/@lea))."),
    ("body", "Look at the results: the tournament was at Lyon."),
    ("body", '[Zoé au tournoi](https://photos.example/zoe@2x.png) <a href="https://photos.example/logo@2x.JPG">le logo</a>'),
]


@pytest.fixture(scope="module")
def member_site(tmp_path_factory):
    """The sample site's settings and plugins, with a content folder holding one member file."""
    root = tmp_path_factory.mktemp("personal")
    (root / "content/members").mkdir(parents=True)
    site = load_site(ROOT / "pelicanconf.py", PATH=str(root / "content"))
    return root, site.settings


def _lint(member_site, monkeypatch, where: str, text: str) -> list[str]:
    root, settings = member_site
    monkeypatch.chdir(root)
    (root / "content/members/zoe.md").write_text(MEMBER.format(**{**QUIET, where: text}), encoding="utf-8")
    return [str(problem) for problem in lint.run(settings)]


@pytest.mark.parametrize(("where", "text", "what", "written"), DISGUISES, ids=[case[1] for case in DISGUISES])
def test_each_disguise_is_one_problem_at_its_line_and_field(member_site, monkeypatch, where, text, what, written):
    assert _lint(member_site, monkeypatch, where, text) == [
        leak(f"content/members/zoe.md:{LINE[where]}: {FIELD[where]}", what, written)
    ]


@pytest.mark.parametrize(("where", "text"), ORDINARY, ids=[case[1] for case in ORDINARY])
def test_ordinary_text_is_not_personal_data(member_site, monkeypatch, where, text):
    assert _lint(member_site, monkeypatch, where, text) == []


def test_the_regions_of_national_numbers_follow_the_site(tmp_path, monkeypatch):
    """A site in Quebec (its time zone) reads 514-555-0199 as a number; with MEMBER_PHONE_REGIONS
    emptied, a French national number is no longer read, an international one still is."""
    (tmp_path / "content/members").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    body = "Au Québec : 514-555-0199.\nEn France : 06 12 34 56 78.\nPartout : +33 6 12 34 56 78."
    (tmp_path / "content/members/zoe.md").write_text(MEMBER.format(**{**QUIET, "body": body}), encoding="utf-8")
    site = load_site(ROOT / "pelicanconf.py", PATH=str(tmp_path / "content"), TIMEZONE="America/Montreal", MEMBER_PHONE_REGIONS=[])
    assert [str(problem) for problem in lint.run(site.settings)] == [
        leak("content/members/zoe.md:9: ", PHONE, "514-555-0199"),
        leak("content/members/zoe.md:11: ", PHONE, "+33 6 12 34 56 78"),
    ]


LEAKY_MEMBER = """Name: Zoé Martin
Role: Membre
Member-Since: 2026-06-01
Quote: Écrivez-moi à zoe&#64;exemple.fr, ou au 06\u00a012\u00a034\u00a056\u00a078.
Links: https://mastodon.example/@zoe, https://wa.me/33612345678
Consent: 2026-06-01

Zoé a rejoint la Guilde le 24/11/2026, à 20 h 30, au 12 rue Mercière, 69007 Lyon.
Elle anime les soirées du jeudi ; pour s'inscrire : zoe [at] exemple [dot] fr.
Sa boutique préférée vend le jeu 12 000 € le carton (ISBN 978-2-07-036822-8).
En vacances au Québec, elle répond au (514) 555-0199.
Sur Mastodon : @zoe@mastodon.example.
"""


def test_a_real_lint_run_prints_each_leak_at_its_line(site_copy, monkeypatch, capsys):
    monkeypatch.chdir(site_copy)
    (site_copy / "content/members/zoe.md").write_text(LEAKY_MEMBER, encoding="utf-8")
    assert commands.run_check("pelicanconf.py") == 1
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        leak("content/members/zoe.md:4: Quote: ", PHONE, "06\u00a012\u00a034\u00a056\u00a078") + " [erreur]",
        leak("content/members/zoe.md:4: Quote: ", EMAIL, "zoe&#64;exemple.fr") + " [erreur]",
        leak("content/members/zoe.md:5: Links: ", PHONE, "https://wa.me/33612345678") + " [erreur]",
        leak("content/members/zoe.md:9: ", EMAIL, "zoe [at] exemple [dot] fr") + " [erreur]",
        leak("content/members/zoe.md:11: ", PHONE, "(514) 555-0199") + " [erreur]",
    ]
    assert captured.out.strip() == french("Contenu vérifié : 5 erreurs, 0 avertissement.")



def test_data_hidden_by_markup_is_found_as_the_page_shows_it(site_copy, monkeypatch):
    """Markdown and HTML that split an address or a number in the source join it again on the
    page: the rule reads each paragraph as a reader does."""
    monkeypatch.chdir(site_copy)
    body = ("Écrivez-moi : jean@*exemple*.fr.\n\nOu jean<span>@</span>exemple.fr, ou jean@<!-- x -->exemple.fr.\n\n"
            "Mon numéro : 06 12 34 <b>56</b> 78,\nsinon 07 12 *34* 56 78.\n\nLe 24 novembre 2026 à 20 h 30, **12 €**.\n")
    (site_copy / "content/members/zoe.md").write_text(
        "Name: Zoé Martin\nMember-Since: 2026-06-01\nConsent: 2026-06-01\n\n" + body, encoding="utf-8")
    blocking, _ = check(load_site(site_copy / "pelicanconf.py"))
    shown = "une fois la page affichée) : les données personnelles ne sont pas publiées ; retirez-les"
    assert [str(p) for p in blocking] == [french(line) for line in (
        f"content/members/zoe.md:5: une adresse e-mail (« jean@exemple.fr », {shown}",
        f"content/members/zoe.md:7: une adresse e-mail (« jean@exemple.fr », {shown}",
        f"content/members/zoe.md:9: un numéro de téléphone (« 06 12 34 56 78 », {shown}",
        f"content/members/zoe.md:9: un numéro de téléphone (« 07 12 34 56 78 », {shown}",
    )]
