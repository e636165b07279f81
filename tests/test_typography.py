"""French typography: right in prose, absent from code, attributes, URLs and entities."""

import pytest

from tribune.typography import french_html, french_text
from tribune.text import plain_text, shorten

N = "\u202f"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Bonjour : entrez !", f"Bonjour{N}: entrez{N}!"),
        ("Génial! Vraiment? Oui; enfin", f"Génial{N}! Vraiment{N}? Oui{N}; enfin"),
        ("Quoi ?!", f"Quoi{N}?!"),
        ("«Pollen» et « Marée haute »", f"«{N}Pollen{N}» et «{N}Marée haute{N}»"),
        ("Bonjour\u00a0: déjà insécable", f"Bonjour{N}: déjà insécable"),
        ("Bonjour&nbsp;!", f"Bonjour{N}!"),
        ("l'équipe d'été", "l’équipe d’été"),
        ("Rendez-vous à 10:30 sur https://exemple.fr/?q=1 ou www.exemple.fr/a:b", "Rendez-vous à 10:30 sur https://exemple.fr/?q=1 ou www.exemple.fr/a:b"),
        ("Écrire à contact@exemple.fr ?", f"Écrire à contact@exemple.fr{N}?"),
        ("A &amp; B; C&#39;s", f"A &amp; B{N}; C&#39;s"),
    ],
)
def test_french_text(typed, expected):
    assert french_text(typed) == expected


def test_code_pre_and_attributes_are_left_alone_but_those_readers_read():
    html = (
        '<p title="Note : voir!">Note: <code>a ? b : c;</code> '
        '<a href="https://x.fr/a:b?c=d">lien</a>!</p><pre><code>x = 1 ; y!</code></pre><p>après!</p>'
        "<img src=\"l'image.png\" alt=\"L'atelier : la table\">"
    )
    assert french_html(html) == (
        f'<p title="Note{N}: voir{N}!">Note{N}: <code>a ? b : c;</code> '
        f'<a href="https://x.fr/a:b?c=d">lien</a>!</p><pre><code>x = 1 ; y!</code></pre><p>après{N}!</p>'
        f"<img src=\"l'image.png\" alt=\"L’atelier{N}: la table\">"
    )


def test_plain_text_keeps_french_spaces_and_shorten_cuts_at_a_word():
    text = plain_text(f"<p>Une  enquête{N}:\n<em>vos</em> avis &amp; idées</p>")
    assert text == f"Une enquête{N}: vos avis & idées"
    long = ("mot " * 60).strip()
    short = shorten(long, 160)
    assert len(short) <= 160 and short.endswith("mot…")
    assert shorten("court", 160) == "court"
