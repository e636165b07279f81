"""The sample site's conversations, made for real: posted to, and fetched from, the stand-ins.

``python -m tests.sample_conversations`` (from the repository's root) writes the sample's
``content/social-ledger.json`` and ``content/conversations/``: the social plugin posts the
pieces to a Mastodon-compatible server and a Bluesky-compatible PDS on 127.0.0.1 (as on
5 October 2026, then on 9 November), people reply there and on their blogs (webmention.io's
stand-in), then ``invoke conversations`` fetches the replies under the charter of
``content/moderation.md`` (on 24 November), and the community manager approves a reply the
charter held, and rejects another. tests/test_conversations_sample.py checks that the committed files are exactly
what this gives.
"""

import os
import sys
from contextlib import ExitStack, contextmanager
from pathlib import Path

from .bluesky_server import APP_PASSWORD, HANDLE, FakeBluesky
from .mastodon_server import TOKEN, FakeMastodon
from .webmention_server import TOKEN as WEBMENTION_TOKEN
from .webmention_server import FakeWebmentionIO

ROOT = Path(__file__).resolve().parent.parent
POLLEN = "posts/2026-10-05-illustration-pollen.md"
ONE_YEAR = "posts/2026-11-09-la-guilde-a-presque-un-an.md"
SITE = "https://guilde.editions-boussole.fr/"


@contextmanager
def environment(**values):
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def post(site: Path, when: str) -> None:
    """`invoke social --send` as on ``when``, for the pieces dated since 1 October 2026."""
    from tribune.build import load_site

    with environment(TRIBUNE_NOW=when):
        settings = load_site(site / "pelicanconf.py", SOCIAL_SINCE="2026-10-01").settings
        from social import Syndication  # the site loaded, its plugins can be imported

        report = Syndication(settings, say=lambda line: None, warn=print).run(["mastodon", "bluesky"])
    assert not report.failed, report.failed


def converse(mastodon: FakeMastodon, bluesky: FakeBluesky, web: FakeWebmentionIO, copies: dict) -> None:
    """What the community said, where."""
    pollen_m, year_m = copies[POLLEN]["mastodon"]["id"], copies[ONE_YEAR]["mastodon"]["id"]
    pollen_b, year_b = copies[POLLEN]["bluesky"]["id"], copies[ONE_YEAR]["bluesky"]["id"]

    # Under the post on Pollen's illustrations
    lucie = mastodon.reply(pollen_m, "lucie@framapiaf.org", "<p>Ces abeilles au trait sont magnifiques. Est-ce que Nina Morel vend des tirages ?</p>",
                           name="Lucie Garnier", at="2026-10-05T17:42:00.000Z")
    mastodon.reply(lucie, "editionsboussole", '<p><span class="h-card"><a href="https://framapiaf.org/@lucie" class="u-url mention">@<span>lucie</span></a></span> '
                   'Oui ! Ses tirages sont sur son site : <a href="https://nina-morel.example/tirages" rel="nofollow noopener" target="_blank">'
                   '<span class="invisible">https://</span><span class="">nina-morel.example/tirages</span><span class="invisible"></span></a></p>',
                   name="Éditions Boussole", at="2026-10-05T18:30:00.000Z")
    mastodon.reply(pollen_m, "jules@mamot.fr", "<p>Bravo ! Je suis instituteur : écrivez-moi à jules.martin@exemple.fr pour un atelier dessin dans "
                   "mon école, ou au 06 12 34 56 78.</p>", name="Jules", at="2026-10-06T08:15:00.000Z")
    mastodon.reply(pollen_m, "sam@piaille.fr", "<p>Vous devriez organiser un concours de dessin d'abeilles, avec le jeu à gagner !</p>",
                   name="Sam", at="2026-10-07T12:00:00.000Z")
    mastodon.reply(pollen_m, "troll@exemple.social", "<p>Nul.</p>", name="Troll", at="2026-10-07T13:00:00.000Z")
    mastodon.reply(pollen_m, "rose@framapiaf.org", "<p>La reine des abeilles n'apparaît que sur la toute dernière carte : quelle idée géniale !</p>",
                   name="Rose", spoiler="Divulgâcheur : la dernière carte de Pollen", at="2026-10-08T09:30:00.000Z")
    bluesky.reply(pollen_b, "hugo-l.bsky.social", "Le passage du carnet à la boîte est fascinant. Merci pour ce making-of.",
                  name="Hugo L.", at="2026-10-06T19:20:00.000Z")
    mastodon.state.reblogs[pollen_m], mastodon.state.favourites[pollen_m] = 4, 15
    bluesky.state.reposts[pollen_b], bluesky.state.likes[pollen_b] = 3, 11

    # Under the post on the survey
    margaux = mastodon.reply(year_m, "margaux@piaille.fr", "<p>Bravo pour ce bilan ! Des rencontres hors de Lyon, enfin : je serai là si "
                             "vous passez par Grenoble.</p>", name="Margaux Lefèvre", at="2026-11-09T10:05:00.000Z")
    answer = mastodon.reply(margaux, "editionsboussole", '<p><span class="h-card"><a href="https://piaille.fr/@margaux" class="u-url mention">'
                            "@<span>margaux</span></a></span> Grenoble est sur la liste pour le printemps : on vous tient au courant !</p>",
                            name="Éditions Boussole", at="2026-11-09T11:20:00.000Z")
    mastodon.reply(answer, "margaux@piaille.fr", '<p><span class="h-card"><a href="https://mastodon.example/@editionsboussole" class="u-url mention">'
                   "@<span>editionsboussole</span></a></span> Super, merci !</p>", name="Margaux Lefèvre", at="2026-11-09T11:31:00.000Z")
    mastodon.reply(year_m, "theo@mamot.fr", "<p>Une soirée en ligne par mois, ce serait parfait pour celles et ceux qui habitent loin. "
                   "Merci pour la transparence sur les résultats.</p>", name="Théo", at="2026-11-10T20:48:00.000Z")
    mastodon.reply(year_m, "boutique@jeux.example", "<p>Profitez de notre promo : -20 % sur Marée haute ce week-end !</p>",
                   name="La Boutique du Dé", at="2026-11-11T09:00:00.000Z")
    mastodon.reply(year_m, "ami@piaille.fr", "<p>Réponse pour mes abonnés seulement.</p>", name="Ami", visibility="private",
                   at="2026-11-11T10:00:00.000Z")
    ines = bluesky.reply(year_b, "ines.bsky.social", "412 réponses, c'est énorme ! Hâte de voir ce qui change en janvier.",
                         name="Inès", at="2026-11-09T12:40:00.000Z")
    bluesky.reply(ines, "karim-joue.bsky.social", "Pareil ! Et merci d'avoir pensé aux débutants.", name="Karim",
                  at="2026-11-09T13:02:00.000Z")
    bluesky.quote(year_b, "nadia.bsky.social", "Une communauté qui écoute vraiment ses membres : la preuve en chiffres.",
                  name="Nadia", at="2026-11-10T07:55:00.000Z")
    mastodon.state.reblogs[year_m], mastodon.state.favourites[year_m] = 7, 23
    bluesky.state.reposts[year_b], bluesky.state.likes[year_b] = 5, 18
    page = SITE + "billets/la-guilde-a-presque-un-an-ce-que-vous-nous-avez-dit/"
    web.mention("https://paul-joue.example/2026/11/la-guilde-a-un-an/", page, name="Paul", author_url="https://paul-joue.example/",
                html="<p>La Guilde fête (presque) ses un an. J'ai répondu à l'enquête, et je suis ravi de voir arriver des tournois en "
                     "ligne.</p>", text="La Guilde fête (presque) ses un an. J'ai répondu à l'enquête, et je suis ravi de voir arriver "
                                        "des tournois en ligne.", published="2026-11-12T18:00:00+01:00")
    for name in ("Claire", "Basile"):
        web.mention(f"https://{name.lower()}.example/likes/guilde", page, "like-of", name=name, author_url=f"https://{name.lower()}.example/")
    web.mention("https://basile.example/reposts/guilde", page, "repost-of", name="Basile", author_url="https://basile.example/")


@contextmanager
def services():
    """The stand-ins for Mastodon (at its public address mastodon.example), Bluesky and
    webmention.io, and the environment pointing at them."""
    with ExitStack() as stack:
        mastodon = stack.enter_context(FakeMastodon(public_url="https://mastodon.example"))
        bluesky = stack.enter_context(FakeBluesky())
        web = stack.enter_context(FakeWebmentionIO())
        stack.enter_context(environment(MASTODON_API_BASE_URL=mastodon.url, MASTODON_ACCESS_TOKEN=TOKEN, BLUESKY_HANDLE=HANDLE,
                                        BLUESKY_APP_PASSWORD=APP_PASSWORD, BLUESKY_SERVICE=bluesky.url,
                                        WEBMENTION_IO_TOKEN=WEBMENTION_TOKEN, WEBMENTION_IO_API=web.url))
        yield mastodon, bluesky, web


def start_afresh(site: Path) -> None:
    """The site without the sample's ledger and conversations."""
    import shutil

    (site / "content/social-ledger.json").unlink(missing_ok=True)
    shutil.rmtree(site / "content/conversations", ignore_errors=True)


def post_pieces(site: Path, mastodon: FakeMastodon) -> dict:
    """The pieces posted as on 5 October and 9 November 2026; the ledger."""
    from tribune.build import load_site

    mastodon.state.now = "2026-10-05T16:00:00.000Z"
    post(site, "2026-10-05T18:00:00+02:00")
    mastodon.state.now = "2026-11-09T17:00:00.000Z"
    post(site, "2026-11-09T18:00:00+01:00")
    from social.ledger import read_ledger

    return read_ledger(load_site(site / "pelicanconf.py").settings)


def make_sample(site: Path) -> None:
    """Write the ledger and the conversations of the site at ``site`` (its content/ folder), anew."""
    from tribune import commands
    from tribune.build import load_site

    start_afresh(site)
    with services() as (mastodon, bluesky, web), environment(TRIBUNE_NOW="2026-11-24T09:00:00+01:00"):
        converse(mastodon, bluesky, web, post_pieces(site, mastodon))
        previous = Path.cwd()
        os.chdir(site)
        try:
            assert commands.run_conversations("pelicanconf.py") == 0
            from conversations.archive import archive_paths, read_archive

            settings = load_site("pelicanconf.py").settings
            held = {words: reply.id for path in archive_paths(settings) for reply in read_archive(path).replies
                    for words in ("concours", "promo") if words in reply.text}
            assert commands.run_conversations("pelicanconf.py", approve=held["concours"], reject=held["promo"]) == 0
        finally:
            os.chdir(previous)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "plugins"))
    make_sample(ROOT)
