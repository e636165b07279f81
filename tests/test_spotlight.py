"""Members: profile pages, the directory, the spotlight, author links, JSON-LD, and privacy."""

import io
import json

import pytest
from PIL import Image

from tribune.build import BuildError, build, check, load_site

from .conftest import build_site, french

SITE = "https://guilde.editions-boussole.fr"


def node(soup, kind):
    data = json.loads(soup.find("script", type="application/ld+json").string)
    return next(n for n in data["@graph"] if n["@type"] == kind)


def test_profile_page(production_site):
    page = production_site.html("membres/yanis-belkacem/")
    assert page.find("h1").get_text() == "Yanis Belkacem"
    assert page.select_one(".member__role").get_text() == "Ambassadeur · Villeurbanne"
    assert page.select_one(".member__header .byline").get_text() == "Membre depuis le 12 janvier 2026"
    assert page.select_one(".member__quote").get_text(strip=True) == "Une soirée jeux réussie, c’est quand personne ne regarde l’heure."
    assert "premier ambassadeur" in page.select_one(".prose").get_text()
    links = page.select(".member__section a[rel]")
    assert [a["href"] for a in links] == ["https://mastodon.example/@yanis", "https://ledebleu.example/soirees"]
    assert all(a["rel"] == ["me", "nofollow", "ugc", "noopener"] for a in links)  # their own: rel="me" verifies them
    posts = [a.get_text() for a in page.select(".archive-list a")]
    assert len(posts) == 4 and posts[0] == "Trois jeux courts pour la pause de midi"
    avatar = page.select_one(".member__header img")
    assert (avatar["width"], avatar["height"]) == ("192", "192") and "2x" in avatar["srcset"]
    with Image.open(production_site.output / avatar["src"].removeprefix(SITE + "/")) as image:
        assert image.size == (192, 192)


def test_directory_is_a_grid_ordered_by_name_with_newcomers_welcomed(production_site):
    cards = production_site.html("membres/").select(".member-card")
    assert [c.select_one(".member-card__name").get_text() for c in cards] == ["Aïcha Benali", "Hugo Marchand", "Léa Fontaine", "Yanis Belkacem"]
    welcomed = [c.select_one(".member-card__name").get_text() for c in cards if c.select_one(".member-card__welcome")]
    assert welcomed == ["Aïcha Benali"]  # joined 2026-10-30, within 90 days of TRIBUNE_NOW
    for card in cards:
        assert card.find("img")["alt"] == "" and card.select_one(".member-card__role").get_text()


def test_directory_can_be_ordered_by_member_since(site_copy, tmp_path):
    site = build_site(site_copy, "publishconf.py", tmp_path / "out", MEMBERS_ORDER_BY="member-since")
    names = [c.get_text() for c in site.html("membres/").select(".member-card__name")]
    assert names == ["Yanis Belkacem", "Léa Fontaine", "Hugo Marchand", "Aïcha Benali"]


def test_home_page_shows_the_member_of_the_month(production_site):
    spotlight = production_site.html("").select_one(".spotlight")
    assert spotlight.select_one(".spotlight__name").get_text() == "Léa Fontaine"
    assert spotlight.select_one(".spotlight__name a")["href"] == f"{SITE}/membres/lea-fontaine/"


def test_spotlight_member_api(production_site):
    from spotlight import spotlight_member  # the plugin package, as the newsletter imports it

    class Fake:
        def __init__(self, month, ok=True):
            self.spotlight_month, self.may_publish = month, ok

    members = [Fake("2026-10"), Fake("2026-11", ok=False), Fake("2026-11")]
    assert spotlight_member(members, "2026-11") is members[2]
    assert spotlight_member(members, "2027-01") is None


def test_bylines_and_author_pages_link_to_member_pages(production_site):
    post = production_site.html("billets/trois-jeux-courts-pour-la-pause-de-midi/")
    assert post.select_one(".byline a")["href"] == f"{SITE}/membres/yanis-belkacem/"
    other = production_site.html("billets/ete-a-montreal-l-equipe/")
    assert other.select_one(".byline a")["href"] == f"{SITE}/auteurs/camille-rousseau/"  # not a member
    author = production_site.html("auteurs/yanis-belkacem/")
    assert author.select_one(".author-member a")["href"] == f"{SITE}/membres/yanis-belkacem/"


def test_profile_json_ld(production_site):
    page = production_site.html("membres/yanis-belkacem/")
    profile, person = node(page, "ProfilePage"), node(page, "Person")
    assert profile["mainEntity"] == {"@id": person["@id"]}
    assert person["name"] == "Yanis Belkacem" and person["jobTitle"] == "Ambassadeur"
    assert person["sameAs"] == ["https://mastodon.example/@yanis", "https://ledebleu.example/soirees"]
    assert person["memberOf"]["@id"] == f"{SITE}/#organization"
    assert person["image"] == f"{SITE}/membres/yanis-belkacem/avatar-384.jpg"
    crumbs = node(page, "BreadcrumbList")["itemListElement"]
    assert [c["name"] for c in crumbs] == ["La Guilde Boussole", "Membres", "Yanis Belkacem"]


MEMBER = """Name: Zoé Martin
Role: Membre
Member-Since: 2026-06-01
Quote: Une phrase.
Consent: 2026-06-01

Un portrait.
"""


def _errors(site):
    blocking, _ = check(load_site(site / "pelicanconf.py"))
    return [str(p) for p in blocking]


def test_member_without_consent_is_an_error_and_not_published(site_copy, monkeypatch):
    monkeypatch.chdir(site_copy)
    (site_copy / "content/members/zoe.md").write_text(MEMBER.replace("Consent: 2026-06-01\n", ""), encoding="utf-8")
    assert _errors(site_copy) == [
        french("content/members/zoe.md:1: Consent: manquant : un membre n'est publié qu'avec la date de son consentement (Consent: AAAA-MM-JJ)")
    ]
    with pytest.raises(BuildError):
        build(load_site(site_copy / "pelicanconf.py"))
    assert not (site_copy / "output").exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Écrivez-moi à zoe.martin@exemple.fr pour jouer.",
         french("7: une adresse e-mail (« zoe.martin@exemple.fr ») : les données personnelles ne sont pas publiées ; retirez-les")),
        ("Mon numéro : 06 12 34 56 78.",
         french("7: un numéro de téléphone (« 06 12 34 56 78 ») : les données personnelles ne sont pas publiées ; retirez-les")),
        ("Appelez le +33 6 12 34 56 78.",
         french("7: un numéro de téléphone (« +33 6 12 34 56 78 ») : les données personnelles ne sont pas publiées ; retirez-les")),
    ],
)
def test_personal_data_in_the_body_is_an_error(site_copy, monkeypatch, text, expected):
    monkeypatch.chdir(site_copy)
    (site_copy / "content/members/zoe.md").write_text(MEMBER.replace("Un portrait.", text), encoding="utf-8")
    assert _errors(site_copy) == [f"content/members/zoe.md:{expected}"]


def test_personal_data_in_metadata_is_an_error(site_copy, monkeypatch):
    monkeypatch.chdir(site_copy)
    (site_copy / "content/members/zoe.md").write_text(MEMBER.replace("Quote: Une phrase.", "Quote: Mon mail, zoe@exemple.fr"), encoding="utf-8")
    assert _errors(site_copy) == [french("content/members/zoe.md:4: Quote: une adresse e-mail (« zoe@exemple.fr ») : les données "
                                         "personnelles ne sont pas publiées ; retirez-les")]


def test_dates_and_links_in_a_portrait_are_not_mistaken_for_phone_numbers(site_copy, monkeypatch):
    monkeypatch.chdir(site_copy)
    text = "Inscrite le 2026-06-01, score 1234 56 78, voir https://exemple.fr/0612345678 et 10:30."
    (site_copy / "content/members/zoe.md").write_text(MEMBER.replace("Un portrait.", text), encoding="utf-8")
    assert _errors(site_copy) == []


def test_withdrawn_member_is_absent_from_every_output_file(site_copy, tmp_path, monkeypatch):
    monkeypatch.chdir(site_copy)
    withdrawn = site_copy / "content/members/hugo-marchand.md"
    withdrawn.write_text(withdrawn.read_text(encoding="utf-8").replace("Consent: 2026-02-05", "Consent: 2026-02-05\nConsent-Withdrawn: 2026-11-20"), encoding="utf-8")
    site = build_site(site_copy, "publishconf.py", tmp_path / "out")
    assert not (site.output / "membres/hugo-marchand").exists()
    for path in site.output.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".ics", ".txt", ".json"):
            text = path.read_text(encoding="utf-8")
            assert "Hugo Marchand" not in text and "hugo-marchand" not in text, path
    assert not list(site.output.rglob("*hugo-marchand*"))


def test_a_link_to_a_withdrawn_member_is_reported(site_copy, monkeypatch):
    monkeypatch.chdir(site_copy)
    withdrawn = site_copy / "content/members/hugo-marchand.md"
    withdrawn.write_text(withdrawn.read_text(encoding="utf-8").replace("Consent: 2026-02-05", "Consent: 2026-02-05\nStatus: hidden"), encoding="utf-8")
    (site_copy / "content/posts/merci-hugo.md").write_text(
        "Title: Merci Hugo\nDate: 2026-11-01\nCategory: Coulisses\nImage: images/pollen.png\nImage-Alt: Une abeille\n\n"
        "Lire [son portrait]({filename}/members/hugo-marchand.md) ou [sa page](/membres/hugo-marchand/).\n",
        encoding="utf-8",
    )
    assert _errors(site_copy) == [
        french("content/posts/merci-hugo.md:7: fait un lien vers content/members/hugo-marchand.md, un membre qui n'est pas publié "
               "(Status: hidden) : retirez le lien")
    ]


def test_avatar_exif_and_gps_never_reach_the_output(site_copy, tmp_path):
    photo = Image.new("RGB", (800, 600), (200, 120, 90))
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    exif[0xA431] = "SERIAL-123456"  # BodySerialNumber
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (45.0, 45.0, 0.0), 3: "E", 4: (4.0, 50.0, 0.0)})
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", exif=exif)
    (site_copy / "content/images/zoe.jpg").write_bytes(buffer.getvalue())
    with Image.open(site_copy / "content/images/zoe.jpg") as check_source:
        assert check_source.getexif().get_ifd(0x8825)  # the source really carries GPS
    (site_copy / "content/members/zoe.md").write_text(MEMBER.replace("Quote:", "Avatar: images/zoe.jpg\nQuote:"), encoding="utf-8")
    site = build_site(site_copy, "publishconf.py", tmp_path / "out")
    assert not (site.output / "images/zoe.jpg").exists()  # the original is not copied
    copies = sorted((site.output / "membres/zoe-martin").glob("avatar-*.jpg"))
    assert [c.name for c in copies] == ["avatar-192.jpg", "avatar-384.jpg", "avatar-96.jpg"]
    for copy in copies:
        raw = copy.read_bytes()
        assert b"Exif" not in raw and b"SERIAL-123456" not in raw and b"CameraMaker" not in raw
        with Image.open(copy) as image:
            assert not image.getexif() and image.size[0] == image.size[1]
