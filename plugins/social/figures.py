"""The social plugin's figures for the indicators report (see :mod:`tribune.figures`): the
organisation's posts per network and per month, from the ledger (content/social-ledger.json),
with no network call."""

from collections import Counter

from tribune.figures import Figures
from tribune.i18n import _

from .compose import NETWORKS
from .ledger import LedgerError, read_ledger


def offer_social_figures(figures: Figures) -> None:
    section = figures.section("social", _("Social networks"), order=40)
    try:
        pieces = read_ledger(figures.settings)
    except LedgerError as error:
        section.note(_("The posts on the networks are not counted: {error}", error=error))
        return
    keys = []
    for name in figures.settings.get("SOCIAL_NETWORKS", ["mastodon", "bluesky"]):
        if name not in NETWORKS:
            continue
        months = Counter(str(entry[name].get("at", ""))[:7] for entry in pieces.values()
                         if isinstance(entry.get(name), dict) and str(entry[name].get("at", ""))[:4].isdigit())
        section.add(f"social.{name}", _("Posts on {network}", network=NETWORKS[name].label), months)
        keys.append(f"social.{name}")
    if keys:
        section.chart(_("The organisation's posts per month"), keys)
