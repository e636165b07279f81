"""What the site shows of the networks: the kit relais pages, each page's links to its copies,
the fediverse:creator meta and rel="me" links, and the lint of the social texts."""

import json
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tribune import commands

from .conftest import build_site, copy_site

POST = "billets/cinq-conseils-pour-animer-une-soiree-jeux/"
EVENT = "evenements/soiree-jeux-quebecoise-en-ligne/"
LEDGER = {"format": 1, "pieces": {
    "posts/2026-02-09-cinq-conseils-soiree-jeux.md": {
        "url": "https://guilde.editions-boussole.fr/" + POST,
        "mastodon": {"id": "1", "url": "https://mastodon.example/@editionsboussole/1", "at": "2026-02-09T18:00:00+00:00"},
        "bluesky": {"id": "at://did:plc:x/app.bsky.feed.post/3k", "url": "https://bsky.app/profile/editionsboussole.bsky.social/post/3k",
                    "at": "2026-02-09T18:00:00+00:00"}},
    "events/soiree-jeux-quebecoise.md": {
        "url": "https://guilde.editions-boussole.fr/" + EVENT,
        "mastodon": {"id": "2", "url": "javascript:alert(1)", "at": "2026-11-24T18:00:00+00:00"}},
}}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The sample site with a ledger, built."""
    root = copy_site(tmp_path_factory.mktemp("social") / "site")
    (root / "content/social-ledger.json").write_text(json.dumps(LEDGER), encoding="utf-8")
    return build_site(root, "pelicanconf.py", root / "output", search=False)


def test_every_post_and_event_has_its_kit_page_out_of_search_engines(site):
    kits = sorted(p.relative_to(site.output).as_posix() for p in site.output.rglob("relais/index.html"))
    assert f"{POST}relais/index.html" in kits and f"{EVENT}relais/index.html" in kits
    assert "en/posts/bienvenue-dans-la-guilde-boussole/relais/index.html" in kits  # a translation's, in its language
    assert not any("atelier-d-illustration" in kit or "campagne" in kit for kit in kits)  # cancelled event, draft post
    assert len(kits) == 12 + 6  # the 12 published posts (one a translation) and the 6 events not cancelled
    sitemap = (site.output / "sitemap.xml").read_text(encoding="utf-8")
    for kit in kits:
        page = site.html(kit)
        assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex, follow" and "/relais/" not in sitemap
        assert [s.get("type") for s in page.find_all("script")] == ["application/ld+json"]  # no script but the JSON-LD
        assert not page.find(attrs={"data-pagefind-body": True})



def test_a_piece_kept_off_the_networks_has_no_kit(tmp_path):
    """``Social: no`` (or ``false``, any case; the last one when the field is written twice) on
    a post or an event: no kit page, no link to one."""
    root = copy_site(tmp_path / "site")
    prototype = "billets/dans-l-atelier-comment-nous-testons-un-prototype/"
    for path, value in (("posts/2026-02-09-cinq-conseils-soiree-jeux.md", "No"), ("events/soiree-jeux-quebecoise.md", "false"),
                        ("posts/2026-04-06-tester-un-prototype.md", "yes\nSocial: no")):
        source = root / "content" / path
        source.write_text(source.read_text(encoding="utf-8").replace("\n\n", f"\nSocial: {value}\n\n", 1), encoding="utf-8")
    site = build_site(root, "pelicanconf.py", root / "output", search=False)
    kits = sorted(p.relative_to(site.output).as_posix() for p in site.output.rglob("relais/index.html"))
    assert not {f"{POST}relais/index.html", f"{EVENT}relais/index.html", f"{prototype}relais/index.html"} & set(kits)
    assert len(kits) == 12 + 6 - 3
    for page in (POST, EVENT, prototype):
        assert site.html(page).find("h1") and not site.html(page).find("a", href=lambda href: href and "relais/" in href)


def test_the_kit_gives_each_networks_text_and_a_form_to_its_compose_page(site):
    from social.compose import NETWORKS

    page = site.html(POST + "relais/")
    assert page.find("h1").get_text() == "Kit relais\u202f: Cinq conseils pour animer une soirée jeux"
    forms = {form.find("textarea")["id"].removeprefix("kit-text-"): form for form in page.find_all("form", class_="kit__form")}
    assert list(forms) == ["mastodon", "bluesky", "linkedin", "x"]
    assert all(form["method"] == "get" for form in forms.values())
    assert forms["bluesky"]["action"] == "https://bsky.app/intent/compose" and forms["bluesky"].find("textarea")["name"] == "text"
    assert forms["x"]["action"] == "https://x.com/intent/tweet"
    linkedin = forms["linkedin"]
    assert linkedin["action"] == "https://www.linkedin.com/sharing/share-offsite/" and not linkedin.find("textarea").get("name")
    assert linkedin.find("input", attrs={"name": "url"})["value"].endswith(POST + "?utm_source=linkedin&utm_medium=social&utm_campaign=relais")
    assert linkedin.find("textarea").get_text().startswith("Animer une soirée jeux, c’est un métier.")  # the sample's Social-LinkedIn
    buttons = [button["formaction"] for button in forms["mastodon"].find_all("button")]
    assert buttons == ["https://mastodon.example/share", "https://mastodon.social/share", "https://piaille.fr/share", "https://mamot.fr/share",
                       "https://framapiaf.org/share"]
    assert forms["mastodon"].find("a")["href"].startswith("web+mastodon://share?text=Cinq%20conseils")
    bluesky = forms["bluesky"].find("textarea").get_text()
    assert "guilde.editions-boussole.fr/billets/cinq-conseils-p…" in bluesky and bluesky.endswith("#SoiréeJeux #Animation #JeuxDeSociété")
    assert page.find(id="kit-count-bluesky").get_text() == f"{NETWORKS['bluesky'].count(bluesky)} sur 300 caractères"
    english = site.html("en/posts/bienvenue-dans-la-guilde-boussole/relais/")
    assert english.find("html")["lang"] == "en" and english.find("h1").get_text() == "Sharing kit: Welcome to the Boussole Guild!"


def test_pages_link_to_their_copies_and_their_kit(site):
    links = site.html(POST).find("p", class_="syndication")
    copies = [(a.get_text(), a["href"]) for a in links.find_all("a", class_="u-syndication")]
    assert copies == [("Mastodon", "https://mastodon.example/@editionsboussole/1"),
                      ("Bluesky", "https://bsky.app/profile/editionsboussole.bsky.social/post/3k")]
    assert links.get_text(" ", strip=True).startswith("Aussi sur Mastodon · Bluesky")
    assert all("syndication" in a["rel"] for a in links.find_all("a", class_="u-syndication"))
    assert links.find_parent(class_="h-entry") is not None
    assert links.find("a", string="Relayer sur vos réseaux")["href"] == "../../" + POST + "relais/"
    event = site.html(EVENT).find("p", class_="syndication")
    assert not event.find("a", class_="u-syndication") and "javascript" not in str(event)  # a ledger's address is checked


def test_every_page_names_the_organisations_accounts(site):
    for path in site.pages():
        page = site.html(path.relative_to(site.output).as_posix())
        assert page.find("meta", attrs={"name": "fediverse:creator"})["content"] == "@editionsboussole@mastodon.example", path
        me = {a["href"] for a in page.find_all("a", rel="me")}
        assert {"https://mastodon.example/@editionsboussole", "https://bsky.app/profile/editionsboussole.bsky.social"} <= me, path


def test_the_lint_checks_each_network_text_mentions_images_and_the_ledger(site_copy, capsys, monkeypatch):
    monkeypatch.chdir(site_copy)
    post = site_copy / "content/posts/2026-11-09-la-guilde-a-presque-un-an.md"
    text = post.read_text(encoding="utf-8")
    text = text.replace("Social-X: 412 réponses", "Social-X: " + "漢" * 120 + " 412 réponses").replace("Summary: Quatre", "Summary: Merci @camille ! Quatre")
    post.write_text(text, encoding="utf-8")
    event = site_copy / "content/events/soiree-jeux-quebecoise.md"
    event.write_text(event.read_text(encoding="utf-8").replace("Image-Alt: Silhouette de la ville de Montréal au coucher du soleil\n", "")
                     .replace("Social-Bluesky:", "Social: non\nSocial-Bluesky:"), encoding="utf-8")
    (site_copy / "content/social-ledger.json").write_text('{"format": 1, "pieces": {\n<<<<<<< HEAD\n}}', encoding="utf-8")
    assert commands.run_check("pelicanconf.py") == 1
    err = capsys.readouterr().err
    lines = text.splitlines()
    x_line = next(number for number, line in enumerate(lines, 1) if line.startswith("Social-X:"))
    # 120 CJK characters weigh 240, the two narrow no-break spaces of French typography 2 each, the URL 23
    assert (f"content/posts/2026-11-09-la-guilde-a-presque-un-an.md:{x_line}: Social-X: le texte pour X fait 384 caractères pondérés, "
            "104 de plus que les 280 de X (lien et mots-dièse compris)\u202f: raccourcissez-le [avertissement]") in err
    assert ("content/posts/2026-11-09-la-guilde-a-presque-un-an.md:6: Summary: @camille\u202f: publié inerte sur les réseaux (Tribune "
            "ne mentionne personne, pour qu’aucun inconnu ne soit notifié)\u202f; mentionnez les comptes à la main dans une réponse si "
            "c’est voulu [remarque]") in err
    assert "content/events/soiree-jeux-quebecoise.md:12: Image: pas d’Image-Alt\u202f: l’image n’est publiée sur les réseaux qu’avec sa description" in err
    assert "content/events/soiree-jeux-quebecoise.md:13: Social: «\u202fnon\u202f» doit valoir true ou false [erreur]" in err
    assert "content/social-ledger.json:2: le registre ne peut pas être lu\u202f: ce n’est pas du JSON valide (ligne 2, colonne 1)\u202f; " \
           "il contient un conflit Git\u202f: gardez les entrées des deux côtés [erreur]" in err


def test_the_kit_page_in_a_real_browser_at_375_px(site, tmp_path):
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("Debian's chromium is not installed")

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(site.output)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    outside = []
    try:
        with playwright.sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            for scheme in ("light", "dark"):
                page = browser.new_page(viewport={"width": 375, "height": 800}, color_scheme=scheme, java_script_enabled=False)
                page.on("request", lambda request: outside.append(request.url) if "127.0.0.1" not in request.url else None)
                page.goto(f"http://127.0.0.1:{server.server_port}/{POST}relais/")
                assert page.evaluate("document.documentElement.scrollWidth") <= 375  # nothing wider than the phone
                textarea = page.locator("#kit-text-bluesky")
                box = textarea.bounding_box()
                assert box["width"] > 250 and box["x"] >= 0 and box["x"] + box["width"] <= 375
                textarea.fill("Mon texte à moi")
                with page.expect_request(lambda request: "bsky.app" in request.url) as sent:
                    page.route("https://bsky.app/**", lambda route: route.fulfill(body="ok"))
                    page.locator("#kit-bluesky ~ form button").click()
                assert sent.value.url == "https://bsky.app/intent/compose?text=Mon+texte+%C3%A0+moi"
                page.screenshot(path=str(tmp_path / f"kit-375-{scheme}.png"), full_page=True)
                page.close()
            browser.close()
    finally:
        server.shutdown()
    assert outside == ["https://bsky.app/intent/compose?text=Mon+texte+%C3%A0+moi"] * 2  # only where the reader pressed
