"""What readers get of the conversations: the sample site's moderated replies under two posts,
threaded static HTML with microformats, no script and nothing from another host, in French and
in English; an erased author gone from every output file, the search index included; the
figures for the report and the newsletter; and the pages in a real browser."""

import gzip
import json
from pathlib import Path

import pytest

from tribune.typography import french_text as typeset

from .conftest import ROOT, build_site, chromium_on, copy_site
from .sample_conversations import make_sample

YEAR = "billets/la-guilde-a-presque-un-an-ce-que-vous-nous-avez-dit/"
BEES = "billets/de-l-esquisse-a-la-boite-l-illustration-de-pollen/"
LEDGER = json.loads((ROOT / "content/social-ledger.json").read_text(encoding="utf-8"))["pieces"]


def test_the_samples_conversations_are_what_the_stand_ins_give(tmp_path):
    """content/social-ledger.json and content/conversations/ are made by tests/sample_conversations.py:
    run again from nothing, it gives the very same files."""
    site = copy_site(tmp_path / "site")
    make_sample(site)
    made = {path.relative_to(site).as_posix(): path.read_bytes() for path in [site / "content/social-ledger.json",
                                                                              *(site / "content/conversations").rglob("*.json")]}
    committed = {path.relative_to(ROOT).as_posix(): path.read_bytes() for path in [ROOT / "content/social-ledger.json",
                                                                                   *(ROOT / "content/conversations").rglob("*.json")]}
    assert made == committed


def _thread(page) -> list:
    """The replies as a reader meets them: (author, text, [answers])."""
    def read(item):
        return (item.find(class_="p-author").get_text(strip=True), item.find(class_="e-content").get_text(" ", strip=True),
                [read(child) for child in item.find("ol", class_="reply__replies", recursive=False).find_all("li", recursive=False)]
                if item.find("ol", class_="reply__replies", recursive=False) else [])
    return [read(item) for item in page.select("ol.conversation__thread > li")]


def test_approved_replies_are_threaded_under_the_post(local_site):
    page = local_site.html(YEAR)
    section = page.select_one("article.h-entry > section.conversation#reponses")
    assert section is not None and section["data-pagefind-ignore"] == "all"
    assert section.find("h2").get_text() == "8 réponses"
    assert [li.get_text(" ", strip=True) for li in section.select(".conversation__tallies li")] == [
        "Mastodon 4 réponses · 7 partages · 23 j’aime", "Bluesky 3 réponses · 5 partages · 18 j’aime", "Web 1 réponse · 1 partage · 2 j’aime"]
    assert _thread(page) == [  # as written, with the French typography of every French text
        ("Margaux Lefèvre", typeset("Bravo pour ce bilan ! Des rencontres hors de Lyon, enfin : je serai là si vous passez par Grenoble."), [
            ("Éditions Boussole", typeset("@margaux Grenoble est sur la liste pour le printemps : on vous tient au courant !"), [
                ("Margaux Lefèvre", typeset("@editionsboussole Super, merci !"), [])])]),
        ("Inès", typeset("412 réponses, c'est énorme ! Hâte de voir ce qui change en janvier."), [
            ("Karim", typeset("Pareil ! Et merci d'avoir pensé aux débutants."), [])]),
        ("Nadia", typeset("Une communauté qui écoute vraiment ses membres : la preuve en chiffres."), []),
        ("Théo", "Une soirée en ligne par mois, ce serait parfait pour celles et ceux qui habitent loin. Merci pour la transparence sur les résultats.", []),
        ("Paul", typeset("La Guilde fête (presque) ses un an. J'ai répondu à l'enquête, et je suis ravi de voir arriver des tournois en ligne."), []),
    ]
    assert _thread(page)[1][1] == "412 réponses, c’est énorme\u202f! Hâte de voir ce qui change en janvier."
    assert "promo" not in str(section) and "Boutique" not in str(section)  # held by the charter, never approved
    # each reply: its author's card, its date, its network, a link to the original
    nadia = section.select("li.p-comment.h-cite")[5]
    assert nadia.find("a", class_="p-author h-card")["href"] == "https://bsky.app/profile/nadia.bsky.social"
    assert nadia.find("time", class_="dt-published")["datetime"] == "2026-11-10T07:55:00+00:00"
    assert nadia.find(class_="reply__when").get_text(" ", strip=True) == "a cité ce contenu · 10 novembre 2026 · sur Bluesky"
    assert nadia.find("a", class_="u-url")["href"].startswith("https://bsky.app/profile/nadia.bsky.social/post/")
    assert {a["rel"] == ["nofollow", "ugc", "noopener"] for a in section.select(".reply a")} == {True}
    # where to answer, and the charter
    answer = section.select(".conversation__answer a")
    assert [(a.get_text(), a["href"]) for a in answer] == [("sur Mastodon", LEDGER["posts/2026-11-09-la-guilde-a-presque-un-an.md"]["mastodon"]["url"]),
                                                           ("sur Bluesky", LEDGER["posts/2026-11-09-la-guilde-a-presque-un-an.md"]["bluesky"]["url"])]
    assert section.select_one(".conversation__answer").get_text(" ", strip=True) == "Répondre sur Mastodon sur Bluesky"
    note = section.select_one(".conversation__note")
    assert note.find("a").get_text() == "Lire la charte de la communauté" and note.find("a")["href"] == "../../charte/"


def test_the_page_runs_nothing_and_loads_nothing_from_elsewhere(local_site):
    bees = local_site.html(BEES)
    section = bees.find("section", class_="conversation")
    texts = [item.get_text(" ", strip=True) for item in section.select(".e-content")]
    assert typeset("Bravo ! Je suis instituteur : écrivez-moi à [adresse e-mail masquée] pour un atelier dessin dans mon école, ou "
                   "au [numéro de téléphone masqué].") in texts  # personal data masked, whatever the mode
    assert typeset("Vous devriez organiser un concours de dessin d'abeilles, avec le jeu à gagner !") in texts  # held, then approved by hand
    warned = section.find("details", class_="reply__warning")  # a content warning hides the text until the reader opens it
    assert warned.find("summary").get_text() == "Avertissement\u202f: Divulgâcheur\u202f: la dernière carte de Pollen"
    assert warned.find(class_="e-content").get_text(strip=True).startswith("La reine des abeilles")
    assert not section.find(["img", "script", "iframe", "form"]) and not [s for s in bees.find_all("script") if s.get("type") != "application/ld+json"]
    assert [link["href"] for link in bees.head.find_all("link", rel="stylesheet")] == ["../../theme/css/main.css", "../../theme/css/conversations.css"]
    assert bees.head.find("link", rel="webmention")["href"] == "https://webmention.io/guilde.editions-boussole.fr/webmention"
    home = local_site.html("")
    assert home.head.find("link", rel="webmention") and not home.head.find("link", href="../theme/css/conversations.css")
    event = local_site.html("evenements/rencontre-de-la-guilde-a-lyon/")
    assert event.select_one("section.conversation h2").get_text() == "Réponses"
    assert event.select_one("section.conversation p").get_text() == "Pas encore de réponse\u202f: lancez la conversation\u202f!"


def test_a_translation_shows_the_conversation_in_its_language(tmp_path):
    site = copy_site(tmp_path / "site")
    (site / "content/posts/2026-11-09-the-guild-is-almost-one.md").write_text(
        "Title: The Guild is (almost) one: what you told us\nDate: 2026-11-09 10:00\nCategory: Communauté\nLang: en\nTranslation: true\n"
        "Slug: la-guilde-a-presque-un-an-ce-que-vous-nous-avez-dit\n\nFour hundred and twelve answers.\n", encoding="utf-8")
    built = build_site(site, "pelicanconf.py", tmp_path / "output", search=False)
    section = built.html("en/posts/la-guilde-a-presque-un-an-ce-que-vous-nous-avez-dit/").find("section", class_="conversation")
    assert section.find("h2").get_text() == "8 replies"
    assert section.select_one(".conversation__tallies li").get_text(" ", strip=True) == "Mastodon 4 replies · 7 reposts · 23 likes"
    assert section.select_one(".conversation__answer").get_text(" ", strip=True) == "Reply on Mastodon on Bluesky"
    assert section.select(".reply__when")[0].get_text(" ", strip=True) == "November 9, 2026 · on Mastodon"
    assert section.select_one(".conversation__note a").get_text() == "Read the community charter"


def _every_text(output: Path) -> str:
    """Every file of a built site as text, the search index's gzipped fragments opened."""
    texts = []
    for path in output.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if data[:2] == b"\x1f\x8b":
                data = gzip.decompress(data)
            texts.append(data.decode("utf-8", "replace"))
    return "\n".join(texts)


def test_an_erased_author_is_in_no_output_file(tmp_path, local_site):
    assert "Margaux" in (local_site.output / YEAR / "index.html").read_text(encoding="utf-8")  # there before
    site = copy_site(tmp_path / "site")
    charter = site / "content/moderation.md"
    charter.write_text(charter.read_text(encoding="utf-8").replace("Erased:", "Erased: https://piaille.fr/@margaux"), encoding="utf-8")
    built = build_site(site, "publishconf.py", tmp_path / "output", search=True)
    assert list((built.output / "pagefind").rglob("*.pf_fragment"))
    everything = _every_text(built.output)
    assert "argaux" not in everything and "Grenoble est sur la liste" in everything  # her answerer's reply stays, her name masked
    index = _every_text(built.output / "pagefind")
    assert "ambassadrices" in index and "Grenoble est sur la liste" not in index  # the post is indexed, never its replies
    assert "je serai là si vous passez par Grenoble" not in everything
    page = built.html(YEAR)
    assert page.select_one("section.conversation h2").get_text() == "6 réponses"
    assert [author for author, _, _ in _thread(page)][0] == "Éditions Boussole"  # her thread's answer hangs from the page now


def test_the_figures_for_the_report_and_the_newsletter(local_site):
    from conversations import conversation_figures, liveliest_conversation

    rows = [(row.month, row.piece.split("/")[-1], row.network, row.replies, row.reposts, row.likes) for row in conversation_figures(local_site.settings)]
    assert rows == [
        ("2026-10", "2026-10-05-illustration-pollen.md", "mastodon", 5, 4, 15),  # the blocked account's is not archived
        ("2026-10", "2026-10-05-illustration-pollen.md", "bluesky", 1, 3, 11),
        ("2026-11", "2026-11-09-la-guilde-a-presque-un-an.md", "mastodon", 5, 7, 23),
        ("2026-11", "2026-11-09-la-guilde-a-presque-un-an.md", "bluesky", 3, 5, 18),
        ("2026-11", "2026-11-09-la-guilde-a-presque-un-an.md", "webmention", 1, 1, 2),
    ]
    from datetime import date

    liveliest = liveliest_conversation(local_site.settings, date(2026, 10, 31), date(2026, 11, 30))
    assert (liveliest.piece, liveliest.replies, liveliest.networks) == ("posts/2026-11-09-la-guilde-a-presque-un-an.md", 8,
                                                                        ("mastodon", "bluesky", "webmention"))
    assert liveliest_conversation(local_site.settings, date(2026, 9, 1), date(2026, 9, 30)) is None


@pytest.mark.parametrize("width", [375, 1280])
def test_the_conversation_in_a_real_browser(local_site, width):
    """Without JavaScript, light and dark: the replies are there, nothing comes from another
    host, nothing is wider than the screen."""
    with chromium_on(local_site.output) as (browser, base):
        for scheme in ("light", "dark"):
            page = browser.new_page(viewport={"width": width, "height": 900}, java_script_enabled=False, color_scheme=scheme)
            hosts = []
            page.on("request", lambda request: hosts.append(request.url.split("/")[2]))
            page.goto(f"{base}{YEAR}")
            replies = page.locator("li.reply")
            assert replies.count() == 8 and replies.first.is_visible()
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            assert set(hosts) == {base.split("/")[2]}
            colours = page.evaluate("[getComputedStyle(document.querySelector('li.reply')).backgroundColor, "
                                    "getComputedStyle(document.querySelector('li.reply')).color]")
            assert colours[0] != colours[1]
            page.close()


def test_a_decision_reaches_the_page_at_the_next_build(tmp_path, monkeypatch):
    """The page cache renders a page again when its conversation changes: a reply rejected after
    a build leaves the page at the next one."""
    from tribune import commands

    site = copy_site(tmp_path / "site")
    built = build_site(site, "pelicanconf.py", site / "output", search=False)
    assert "Une soirée en ligne par mois" in (built.output / YEAR / "index.html").read_text(encoding="utf-8")
    monkeypatch.chdir(site)
    theo = next(reply["id"] for reply in json.loads((site / "content/conversations/la-guilde-a-presque-un-an-ce-que-vous-nous-avez-dit.json")
                                                    .read_text(encoding="utf-8"))["replies"] if reply["text"].startswith("Une soirée"))
    assert commands.run_conversations("pelicanconf.py", reject=theo) == 0
    rebuilt = build_site(site, "pelicanconf.py", site / "output", search=False)
    page = (rebuilt.output / YEAR / "index.html").read_text(encoding="utf-8")
    assert "Une soirée en ligne par mois" not in page and "7 réponses" in page


def test_the_newsletter_features_the_liveliest_conversation_of_its_period(tmp_path):
    from tribune.build import load_site

    settings = load_site(ROOT / "pelicanconf.py", OUTPUT_PATH=str(tmp_path / "output")).settings
    from newsletter import build_edition

    rendered, _ = build_edition(settings, "2026-11")
    section = rendered.html[rendered.html.index("La conversation du mois"):]
    assert "La Guilde a (presque) un an\u202f: ce que vous nous avez dit" in section[:600]
    assert "8 réponses sur Mastodon, Bluesky et le web" in section and f"{YEAR}?utm_source=newsletter" in section
    assert ("CONVERSATION DU MOIS\n-----------------------\n\n* La Guilde a (presque) un an\u202f: ce que vous nous avez dit\n"
            "  8 réponses sur Mastodon, Bluesky et le web\n") in rendered.text
    assert "conversation du mois" not in build_edition(settings, "2026-10")[0].html  # no reply in October's period
    settings["NEWSLETTER_CONVERSATION"] = False
    from newsletter.catalogue import Catalogue

    assert Catalogue.read(settings).contents_of(next(e for e in Catalogue.read(settings).editions if e.edition_id == "2026-11")).conversation is None
