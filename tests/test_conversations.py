"""Fetching the conversations: the real task, the real clients (Mastodon.py, the atproto SDK,
requests) against stand-ins for Mastodon, a Bluesky PDS and AppView, and webmention.io on
127.0.0.1; the archive in content/conversations/, moderated by content/moderation.md from the
command line alone."""

import json
import os
import subprocess
import sys
from pathlib import Path

from tribune import commands

from .conftest import ROOT
from .sample_conversations import ONE_YEAR, POLLEN, SITE, converse
from .webmention_server import TOKEN as WEBMENTION_TOKEN

YEAR = "la-guilde-a-presque-un-an-ce-que-vous-nous-avez-dit"
BEES = "de-l-esquisse-a-la-boite-l-illustration-de-pollen"
YEAR_PAGE = SITE + f"billets/{YEAR}/"


def run(capsys, **flags):
    code = commands.run_conversations("pelicanconf.py", **flags)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def archive(name: str) -> dict:
    return json.loads(Path(f"content/conversations/{name}.json").read_text(encoding="utf-8"))


def replies(name: str) -> dict[str, dict]:
    """The archive's replies by the first words of their text."""
    return {" ".join(reply["text"].split()[:3]): reply for reply in archive(name)["replies"]}


def charter(**fields) -> None:
    """content/moderation.md with these fields changed (Blocked_Words= for Blocked-Words:)."""
    path = Path("content/moderation.md")
    lines = path.read_text(encoding="utf-8").split("\n")
    for key, value in fields.items():
        name = key.replace("_", "-") + ":"
        lines = [f"{name} {value}" if line.startswith(name) else line for line in lines]
    path.write_text("\n".join(lines), encoding="utf-8")


def test_replies_threads_quotes_webmentions_and_counts_are_archived(conversing, capsys):
    converse(conversing.mastodon, conversing.bluesky, conversing.web, conversing.copies)
    code, out, err = run(capsys)
    assert code == 0, err
    assert out.strip().splitlines()[-1] == ("Conversations\u202f: 7 pages lues, 15 nouvelles réponses\u202f; "
                                            "2 réponses attendent une décision\u202f; aucun échec")
    assert (f"{YEAR_PAGE} — Mastodon\u202f: 5 réponses (5 nouvelles, 1 en attente)\u202f; Bluesky\u202f: 3 réponses (3 nouvelles)\u202f; "
            "Web\u202f: 1 réponse (1 nouvelle)") in out
    year = archive(YEAR)
    assert year["piece"] == ONE_YEAR and year["page"] == YEAR_PAGE
    assert year["sources"]["mastodon"] == {"post": conversing.copies[ONE_YEAR]["mastodon"]["url"], "read": "2026-11-24T08:00:00+00:00",
                                           "replies": 5, "reposts": 7, "likes": 23}
    assert {name: (s["replies"], s["reposts"], s["likes"]) for name, s in year["sources"].items()} == {
        "mastodon": (5, 7, 23), "bluesky": (3, 5, 18), "webmention": (1, 1, 2)}
    found = replies(YEAR)
    # threads: Margaux, the organisation's answer to her, and her answer to it; Inès then Karim
    margaux, answer, thanks = found["Bravo pour ce"], found["@margaux Grenoble est"], found["@editionsboussole Super, merci"]
    assert (margaux["in_reply_to"], answer["in_reply_to"], thanks["in_reply_to"]) == (None, margaux["id"], answer["id"])
    assert margaux["author"] == {"name": "Margaux Lefèvre", "url": "https://piaille.fr/@margaux", "handle": "@margaux@piaille.fr"}
    assert margaux["url"].startswith("https://piaille.fr/@margaux/") and margaux["published"] == "2026-11-09T10:05:00+00:00"
    assert answer["author"]["handle"] == "@editionsboussole@mastodon.example"
    assert found["Pareil ! Et"]["in_reply_to"] == found["412 réponses, c'est"]["id"]
    assert found["Pareil ! Et"]["author"]["url"] == "https://bsky.app/profile/karim-joue.bsky.social"
    assert found["Une communauté qui"]["kind"] == "quote" and found["Une communauté qui"]["in_reply_to"] is None
    assert found["La Guilde fête"]["source"] == "webmention" and found["La Guilde fête"]["url"] == "https://paul-joue.example/2026/11/la-guilde-a-un-an/"
    # the charter: a held word, a blocked account, a followers-only reply never archived
    assert found["Profitez de notre"]["state"] == "pending" and found["Profitez de notre"]["rule"] == "held-word:promo"
    assert {reply["state"] for text, reply in found.items() if text != "Profitez de notre"} == {"approved"}
    everything = Path(f"content/conversations/{BEES}.json").read_text(encoding="utf-8") + json.dumps(year, ensure_ascii=False)
    assert "Troll" not in everything and "troll@" not in everything and "abonnés seulement" not in everything
    # a second fetch finds nothing new and changes nothing
    files = {path: path.read_bytes() for path in Path("content/conversations").rglob("*.json")}
    code, out, _ = run(capsys)
    assert code == 0 and "0 nouvelle réponse" in out.splitlines()[-1]
    assert {path: path.read_bytes() for path in Path("content/conversations").rglob("*.json")} == files


def test_a_hostile_reply_is_kept_as_harmless_text(conversing, capsys):
    year = conversing.copies[ONE_YEAR]
    conversing.mastodon.reply(year["mastodon"]["id"], "mal@exemple.social", (
        '<p>Gagnez <a href="javascript:alert(1)">ici</a><script>alert("x")</script> <img src="https://pixel.example/t.gif" onerror="alert(2)">'
        "*|EMAIL|* \u202eexe.gnp\u202c écrivez à jean&#64;exemple.fr ou au +33 6 12 34 56 78 "
        '<a href="https://wa.me/33612345678">WhatsApp</a></p>'), name="Mal <b>Intentionné</b> 06 12 34 56 78")
    start = len("Lien piégé ".encode())
    conversing.bluesky.reply(year["bluesky"]["id"], "bs.bsky.social", "Lien piégé exemple.fr/x",
                             facets=[{"index": {"byteStart": start, "byteEnd": start + len("exemple.fr/x")},
                                      "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "https://exemple.fr/x"}]}])
    assert run(capsys)[0] == 0
    hostile = next(reply for reply in archive(YEAR)["replies"] if reply["author"]["handle"] == "@mal@exemple.social")
    text = hostile["text"]
    assert text == ("Gagnez ici *\u200d|EMAIL|\u200d* exe.gnp écrivez à [adresse e-mail masquée] ou au [numéro de téléphone masqué] "
                    "WhatsApp ([numéro de téléphone masqué])")
    assert hostile["author"]["name"] == "Mal <b>Intentionné</b> [numéro de téléphone masqué]"  # text, escaped where it is printed
    trapped = next(reply for reply in archive(YEAR)["replies"] if reply["author"].get("handle") == "@bs.bsky.social")
    assert trapped["text"] == "Lien piégé https://exemple.fr/x"


def test_a_held_reply_is_shown_once_approved_and_a_rejected_one_never(conversing, capsys):
    charter(Mode="hold")
    converse(conversing.mastodon, conversing.bluesky, conversing.web, conversing.copies)
    code, out, _ = run(capsys)
    assert code == 0 and "15 réponses attendent une décision" in out.splitlines()[-1]
    assert {reply["state"] for reply in archive(YEAR)["replies"]} == {"pending"}
    code, out, _ = run(capsys, pending=True)
    theo = replies(YEAR)["Une soirée en"]
    promo = replies(YEAR)["Profitez de notre"]
    lines = out.splitlines()
    start = lines.index(f"{theo['id']}  Mastodon, 10 novembre 2026 21:48, Théo (@theo@mamot.fr) sur {YEAR_PAGE}")
    assert lines[start + 1] == f"    retenue\u202f: chaque nouvelle réponse attend une décision (Mode: hold) — {theo['url']}"
    assert lines[start + 2].startswith("    | Une soirée en ligne par mois")
    assert f"    retenue\u202f: elle dit «\u202fpromo\u202f» (Held-Words) — {promo['url']}" in lines
    assert lines[-1] == ("15 réponses attendent une décision. invoke conversations --approve ID (ou --reject ID\u202f; plusieurs "
                         "identifiants séparés par des virgules)")
    code, out, err = run(capsys, approve=theo["id"][:5], reject=promo["id"])
    assert code == 0, err
    assert out.splitlines() == [
        f"Approuvée\u202f: {theo['id']}, Théo sur {YEAR_PAGE}",
        f"Inscrit dans content/conversations/{YEAR}.json\u202f: faites-en un commit (Git garde qui a décidé et quand), puis construisez le site.",
        f"Refusée\u202f: {promo['id']}, La Boutique du Dé sur {YEAR_PAGE}",
        f"Inscrit dans content/conversations/{YEAR}.json\u202f: faites-en un commit (Git garde qui a décidé et quand), puis construisez le site."]
    decided = replies(YEAR)
    assert (decided["Une soirée en"]["state"], decided["Une soirée en"]["by"]) == ("approved", "hand")
    assert (decided["Profitez de notre"]["state"], decided["Profitez de notre"]["by"]) == ("rejected", "hand")
    # a fetch keeps the decisions; the charter's words no longer decide what a hand decided
    charter(Blocked_Words="arnaque, casino*, soirée")
    assert run(capsys)[0] == 0
    assert replies(YEAR)["Une soirée en"]["state"] == "approved" and replies(YEAR)["Profitez de notre"]["state"] == "rejected"
    # an unknown or ambiguous id is one line, and nothing is written
    code, _, err = run(capsys, approve="zzzz9999")
    assert code == 1 and err.strip() == "zzzz9999\u202f: aucune réponse n’a cet identifiant (voir invoke conversations --pending)"


def test_an_approved_reply_edited_at_its_source_is_moderated_again(conversing, capsys):
    year = conversing.copies[ONE_YEAR]["mastodon"]["id"]
    reply_id = conversing.mastodon.reply(year, "edit@piaille.fr", "<p>Très bon bilan.</p>", name="Edith")
    assert run(capsys)[0] == 0
    assert replies(YEAR)["Très bon bilan."]["state"] == "approved"
    next(s for s in conversing.mastodon.state.others if s["id"] == reply_id)["content"] = "<p>Très bon bilan. Code promo en message privé !</p>"
    assert run(capsys)[0] == 0
    edited = replies(YEAR)["Très bon bilan."]
    assert (edited["state"], edited["rule"]) == ("pending", "held-word:promo")


def test_a_reply_deleted_at_its_source_leaves_the_archive(conversing, capsys):
    converse(conversing.mastodon, conversing.bluesky, conversing.web, conversing.copies)
    assert run(capsys)[0] == 0
    theo, ines, paul = (replies(YEAR)[words] for words in ("Une soirée en", "412 réponses, c'est", "La Guilde fête"))
    conversing.mastodon.delete(theo["key"])
    conversing.bluesky.delete(ines["key"])  # Karim's answer to Inès hangs from nothing that can be read any more
    conversing.web.delete(int(paul["key"]))
    code, out, _ = run(capsys)
    assert code == 0
    left = replies(YEAR)
    assert not {"Une soirée en", "412 réponses, c'est", "Pareil ! Et", "La Guilde fête"} & set(left)
    assert archive(YEAR)["sources"]["webmention"] == {"post": "", "read": "2026-11-24T08:00:00+00:00", "replies": 0, "reposts": 1, "likes": 2}
    # the post itself deleted: its replies go, and the fetch says so
    conversing.mastodon.delete(conversing.copies[POLLEN]["mastodon"]["id"])
    code, out, _ = run(capsys)
    assert f"Mastodon\u202f: la publication de {POLLEN} n’y est plus (https://mastodon.example/@editionsboussole/" in out
    assert {reply["source"] for reply in archive(BEES)["replies"]} == {"bluesky"}


def test_an_erased_author_leaves_the_archive_and_is_masked_in_others_replies(conversing, capsys):
    converse(conversing.mastodon, conversing.bluesky, conversing.web, conversing.copies)
    assert run(capsys)[0] == 0
    charter(Erased="@margaux@piaille.fr, https://bsky.app/profile/ines.bsky.social")
    code, out, _ = run(capsys)
    assert code == 0
    assert f"{ONE_YEAR}\u202f: 3 réponses de personnes effacées ou bloquées ont quitté les archives" in out
    text = Path(f"content/conversations/{YEAR}.json").read_text(encoding="utf-8")
    assert "argaux" not in text and "Inès" not in text and "ines.bsky" not in text and "Grenoble est sur la liste" in text
    left = replies(YEAR)
    assert left["@… Grenoble est"]["in_reply_to"] is None and left["Pareil ! Et"]["in_reply_to"] is None  # their answers hang from the page
    requests = len(conversing.mastodon.requests)
    assert run(capsys)[0] == 0 and "argaux" not in Path(f"content/conversations/{YEAR}.json").read_text(encoding="utf-8")
    assert len(conversing.mastodon.requests) > requests  # fetched again, and still never archived


def test_a_source_failing_half_way_loses_nothing(conversing, capsys):
    converse(conversing.mastodon, conversing.bluesky, conversing.web, conversing.copies)
    assert run(capsys)[0] == 0
    before = archive(YEAR)
    year = conversing.copies[ONE_YEAR]
    conversing.mastodon.reply(year["mastodon"]["id"], "nouvelle@piaille.fr", "<p>Nouvelle réponse.</p>", name="Nouvelle")
    conversing.bluesky.reply(year["bluesky"]["id"], "nouveau.bsky.social", "Nouveau sur Bluesky.")
    for number in range(150):  # two pages of webmentions, the second failing
        conversing.web.mention(f"https://fan{number}.example/like", YEAR_PAGE, "like-of", name=f"Fan {number}")
    failing = {"pages": 0}
    web_route, bluesky_route = conversing.web.route, conversing.bluesky.route

    def second_page_fails(method, path, query, headers, body):
        if query.get("page") == "1":
            failing["pages"] += 1
            return 500, {"error": "internal"}, {}
        return web_route(method, path, query, headers, body)

    def one_thread_fails(method, path, query, headers, body):
        if path.endswith("getPostThread") and query.get("uri") == year["bluesky"]["id"]:
            return conversing.bluesky.internal_error()
        return bluesky_route(method, path, query, headers, body)

    conversing.web.route, conversing.bluesky.route = second_page_fails, one_thread_fails
    code, out, err = run(capsys)
    assert code == 1 and failing["pages"] == 4  # tried again, within bounds
    lines = err.strip().splitlines()
    assert f"Bluesky non lu pour {ONE_YEAR}\u202f: lecture du fil\u202f: Bluesky a refusé (HTTP 500\u202f: InternalServerError: Internal Server Error)" \
           "\u202f; ses réponses archivées sont gardées" in lines
    assert "Webmentions non lues\u202f: lecture des webmentions (page 2)\u202f: webmention.io a refusé (HTTP 500\u202f: internal)\u202f; " \
           "celles des archives sont gardées" in lines
    after = archive(YEAR)
    assert [r for r in after["replies"] if r["source"] != "mastodon"] == [r for r in before["replies"] if r["source"] != "mastodon"]
    assert after["sources"]["bluesky"] == before["sources"]["bluesky"] and after["sources"]["webmention"] == before["sources"]["webmention"]
    assert "Nouvelle réponse." in replies(YEAR) and "Nouveau sur Bluesky." not in replies(YEAR)
    # the next fetch, with nothing failing, takes everything: both pages of webmentions
    conversing.web.route, conversing.bluesky.route = web_route, bluesky_route
    code, out, err = run(capsys)
    assert code == 0, err
    assert archive(YEAR)["sources"]["webmention"]["likes"] == 152 and "Nouveau sur Bluesky." in replies(YEAR)


def test_quotes_are_read_page_after_page(conversing, capsys):
    year = conversing.copies[ONE_YEAR]["bluesky"]["id"]
    for number in range(130):
        conversing.bluesky.quote(year, f"q{number}.bsky.social", f"Citation {number}", at=f"2026-11-1{number % 10}T10:{number % 60:02d}:00.000Z")
    assert run(capsys)[0] == 0
    quotes = [reply for reply in archive(YEAR)["replies"] if reply["kind"] == "quote"]
    assert len(quotes) == 130 and len({reply["key"] for reply in quotes}) == 130
    assert [request[1] for request in conversing.bluesky.requests].count("/xrpc/app.bsky.feed.getQuotes") == 2 + 6  # two pages, one for each other post


def test_since_and_each_sources_cursor_keep_the_fetch_incremental(conversing, capsys, monkeypatch):
    converse(conversing.mastodon, conversing.bluesky, conversing.web, conversing.copies)
    assert run(capsys)[0] == 0  # everything is read once
    contexts = lambda: sorted(path for method, path, *_ in conversing.mastodon.requests if path.endswith("/context"))  # noqa: E731
    seen = len(contexts())
    code, out, _ = run(capsys, since="2026-11-01")
    assert code == 0 and "1 page lue" in out.splitlines()[-1]  # the survey's post, posted on 9 November; webmentions for it too
    assert contexts()[seen:] == [f"/api/v1/statuses/{conversing.copies[ONE_YEAR]['mastodon']['id']}/context"]
    monkeypatch.setenv("TRIBUNE_NOW", "2027-06-01T09:00:00+02:00")  # months later: no conversation is recent, none is read again
    code, out, _ = run(capsys)
    assert code == 0 and len(contexts()) == seen + 1
    code, _, err = run(capsys, since="le 3 mars")
    assert code == 1 and err.strip() == "Rien n’a été récupéré\u202f: --since le 3 mars\u202f: ce n’est pas une date (attendu AAAA-MM-JJ, par exemple 2026-11-01)"


def test_refused_tokens_are_one_line_each_and_never_printed(conversing, capsys, monkeypatch):
    monkeypatch.setenv("WEBMENTION_IO_TOKEN", "not-the-webmention-token")
    monkeypatch.setenv("MASTODON_ACCESS_TOKEN", "not-the-mastodon-token")
    code, out, err = run(capsys)
    assert code == 1
    assert err.strip().splitlines() == [
        "Mastodon non lu\u202f: vérification de MASTODON_ACCESS_TOKEN\u202f: Mastodon a refusé MASTODON_ACCESS_TOKEN (HTTP 401\u202f: The access "
        "token is invalid)\u202f: créez un nouveau jeton dans Préférences › Développement et exportez-le (7 pages gardent leurs réponses archivées)",
        "Webmentions non lues\u202f: lecture des webmentions (page 1)\u202f: webmention.io a refusé WEBMENTION_IO_TOKEN (HTTP 401\u202f: Access "
        "token was not valid)\u202f: copiez à nouveau la clé d’API depuis les réglages de webmention.io\u202f; celles des archives sont gardées"]
    assert "not-the" not in out + err and WEBMENTION_TOKEN not in out + err
    monkeypatch.setenv("WEBMENTION_IO_TOKEN", WEBMENTION_TOKEN)
    monkeypatch.setenv("WEBMENTION_IO_API", "http://127.0.0.1:9")  # nothing listens there: the address (and its token) is not said
    code, _, err = run(capsys)
    assert "Webmentions non lues\u202f: lecture des webmentions (page 1)\u202f: webmention.io n’a pas répondu (pas de connexion)\u202f; " \
           "celles des archives sont gardées" in err and WEBMENTION_TOKEN not in err and "127.0.0.1" not in err


def test_fetching_and_deciding_hold_the_sites_lock(conversing, capsys):
    holder = subprocess.Popen([sys.executable, "-c", "import sys; from tribune.lock import site_lock\n"
                               "with site_lock('pelicanconf.py', 'invoke build'):\n print('held', flush=True); sys.stdin.read()"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert holder.stdout.readline().strip() == "held"
        fetched = run(capsys, wait=False)
        decided = run(capsys, approve="abcd1234", wait=False)
    finally:
        holder.communicate("")
    for code, _, err in (fetched, decided):
        assert code == 1 and err.startswith("Rien n’a été lancé\u202f: invoke build (pid")
    assert not Path("content/conversations").exists() and not any("/context" in path for _, path, *_ in conversing.mastodon.requests)


def test_the_lint_reads_the_charter_and_the_archive(conversing, capsys):
    Path("content/moderation.md").write_text("Title: Modération\nMode: publier\nBlocked-Accounts: troll\nBlocked-Domain: spam.example\n"
                                              "Charter: reglement\n\nTexte.\n", encoding="utf-8")
    Path("content/conversations").mkdir()
    Path(f"content/conversations/{YEAR}.json").write_text('{"format": 1,\n<<<<<<< HEAD\n}', encoding="utf-8")
    assert commands.run_check("pelicanconf.py") == 1
    err = capsys.readouterr().err
    assert "content/moderation.md:2: Mode: «\u202fpublier\u202f» n’est pas un mode\u202f: écrivez publish (réponses affichées tout de suite) " \
           "ou hold (chacune attend une approbation) [erreur]" in err
    assert "content/moderation.md:3: Blocked-Accounts: «\u202ftroll\u202f» n’est pas un compte" in err
    assert "content/moderation.md:4: Blocked-Domain: champ inconnu, vouliez-vous dire Blocked-Domains\u202f? [erreur]" in err
    assert "content/moderation.md:5: Charter: aucune page publiée n’a le slug «\u202freglement\u202f»" in err
    assert f"content/conversations/{YEAR}.json:2: la conversation ne peut pas être lue\u202f: ce n’est pas du JSON valide (ligne 2, " \
           "colonne 1)\u202f; elle contient un conflit Git\u202f: gardez les réponses des deux côtés [erreur]" in err
    code, _, err = run(capsys)
    assert code == 1 and err.startswith("Rien n’a été récupéré\u202f: content/moderation.md:2: Mode: «\u202fpublier\u202f» n’est pas un mode")
