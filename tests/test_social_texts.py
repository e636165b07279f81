"""The networks' texts: counted as each network counts (checked against independent
implementations: Mastodon.py's port of Mastodon's rule, the grapheme package for Bluesky,
twitter-text's published weights for X), written from the content, fitted, and inert."""

from pathlib import Path

import grapheme
import pytest
from mastodon import Mastodon
from pelican.contents import Article

from tribune.build import load_site
from tribune.headers import light_content

from .conftest import ROOT

load_site(ROOT / "pelicanconf.py")  # registers the plugins, and puts their folder on the path, as a build does
from social import counting  # noqa: E402
from social.compose import NETWORKS, WORD_JOINER, compose, hashtag, texts_for  # noqa: E402

URL = "https://guilde.editions-boussole.fr/billets/cinq-conseils-pour-animer-une-soiree-jeux/?utm_source=mastodon&utm_medium=social"
TRICKY = [
    "Soirée jeux ! 🎲",
    "e\u0301te\u0301 à Montréal",  # combining accents: two graphemes where four code points
    "👩‍👩‍👧‍👦 🇫🇷 👍🏽 1️⃣",  # a family, a flag, a skin tone, a keycap
    f"Lire : {URL}",
    f"(voir {URL}).",
    f"« {URL} »",
    f"Deux liens : {URL} et https://exemple.fr/a?b=c#d, fin.",
    "Écrire à @lea@mastodon.example ou à guilde@editions-boussole.fr",
    "#SoiréeJeux #MaréeHaute #JeuxDeSociété",
    "Texte\u202f: avec espaces fines\u202f; et «\u202fguillemets\u202f».",
]


@pytest.fixture(scope="module")
def settings():
    return load_site(ROOT / "pelicanconf.py").settings


@pytest.mark.parametrize("text", TRICKY)
def test_mastodon_counts_as_mastodon_does(text):
    assert counting.mastodon_length(text) == Mastodon.get_status_length(text)


@pytest.mark.parametrize("text", TRICKY)
def test_bluesky_counts_graphemes(text):
    assert counting.bluesky_length(text) == grapheme.length(text)


def test_the_counts_of_emoji_accents_and_urls():
    assert counting.graphemes("e\u0301") == 1 and counting.graphemes("👩‍👩‍👧‍👦") == 1 and counting.graphemes("🇫🇷") == 1
    assert counting.mastodon_length(URL) == 23 and counting.mastodon_length("a " + URL + ".") == 2 + 23 + 1
    # X: Latin and its accents weigh 1, CJK 2, any emoji sequence 2, any URL 23, with or without https://
    assert counting.x_length("é" * 280) == 280 and counting.x_length("漢" * 141) == 282
    assert counting.x_length("👩‍👩‍👧‍👦") == 2 and counting.x_length("👍🏽") == 2 and counting.x_length("1️⃣") == 2
    assert counting.x_length(URL) == 23 and counting.x_length("voir exemple.fr/page") == 5 + 23
    assert counting.x_length("e\u0301") == 1  # normalised to NFC first: one code point
    # French typography's narrow no-break space is outside X's weight-1 ranges: it weighs 2 (16
    # code points, 4 of them); © and ’ weigh 1, ♥ (an emoji) 2; mixed with an emoji and CJK,
    # each counts its way.
    assert counting.x_length("Été\u202f: «\u202fjeux\u202f»\u202f!") == 16 + 4
    assert counting.x_length("© ♥ ’") == 5 + 1 and counting.x_length("Été\u202f! 🎲 漢") == 9 + 3
    # LinkedIn's composer counts JavaScript string length: an emoji outside the BMP is two
    assert counting.linkedin_length("🎲a") == 3


@pytest.mark.parametrize(("tag", "expected"), [
    ("soirée jeux", "SoiréeJeux"), ("marée haute", "MaréeHaute"), ("tests de jeu", "TestsDeJeu"),
    ("l'équipe", "LÉquipe"), ("PeerTube", "PeerTube"), ("2026", None), ("accessibilité", "Accessibilité"),
])
def test_hashtags_are_camel_case_with_their_accents(tag, expected):
    assert hashtag(tag) == expected


def post(site: Path, settings: dict, header: str, body: str = "Le texte du billet.") -> Article:
    path = site / "content/posts/2026-11-23-essai.md"
    path.write_text(f"Title: Un essai\nDate: 2026-11-23 10:00\nCategory: Communauté\n{header}\n\n{body}\n", encoding="utf-8")
    return light_content(path, Article, {**settings, "PATH": str(site / "content")})


def test_a_long_summary_is_cut_to_fit_each_network(site_copy, settings):
    summary = "Une phrase assez longue pour remplir un message, répétée avec des accents éèà et des émojis 🎲🧩. " * 40
    texts = texts_for(post(site_copy, settings, f"Tags: soirée jeux\nSummary: {summary}"), settings, list(NETWORKS))
    for name, text in texts.items():
        assert 0 < text.count <= NETWORKS[name].limit, name
        assert "…" in text.text and text.text.endswith("#SoiréeJeux #JeuxDeSociété") and not text.own_words
    assert grapheme.length(texts["bluesky"].text) <= 300 and Mastodon.get_status_length(texts["mastodon"].text) <= 500
    assert texts["bluesky"].network.count(texts["bluesky"].text) > 280  # cut at the end, not far before it


def test_the_writers_own_text_is_kept_with_the_link_and_hashtags(site_copy, settings):
    content = post(site_copy, settings, "Tags: marée haute\nSocial-Mastodon: Mon texte à moi, sans « coupure » !")
    text = compose(content, NETWORKS["mastodon"], settings)
    assert text.own_words and text.text.startswith("Mon texte à moi, sans «\u202fcoupure\u202f»\u202f!\n\n")  # French typography
    assert "utm_source=mastodon&utm_medium=social&utm_campaign=syndication" in text.link and text.link in text.text
    assert text.text.endswith("#MaréeHaute #JeuxDeSociété")
    bluesky = compose(content, NETWORKS["bluesky"], settings)
    assert not bluesky.own_words and bluesky.text.startswith("Un essai\n\nLe texte du billet.")


def test_mentions_are_made_inert_and_hostile_text_stays_text(site_copy, settings):
    content = post(site_copy, settings, 'Summary: Merci @camille et @lea@mastodon.example ! </script><b>"x"</b> *|EMAIL|*')
    text = compose(content, NETWORKS["mastodon"], settings)
    assert f"@{WORD_JOINER}camille" in text.text and f"@{WORD_JOINER}lea@mastodon.example" in text.text
    assert text.mentions == ["@camille", "@lea@mastodon.example"]
    assert '</script><b>"x"</b> *|EMAIL|*' in text.text  # plain text: the kit page escapes it, networks show it as typed
