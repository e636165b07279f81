"""Bad event files: one error per case, naming the file, the line and the field."""

import pytest

from tribune.build import BuildError, build, check, load_site

from .conftest import french

GOOD = """Title: Soirée test
Start: 2026-12-20 20:00
Duration: 2h
Mode: online
Kind: chat
URL: https://visio.example/test
Summary: Une soirée pour tester.

Texte.
"""


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("Duration: 2h", "End: 2026-12-20 19:00"),
         "3: End: l’événement finit (20 décembre 2026 à 19\u00a0h\u00a000) avant de commencer (20 décembre 2026 à 20\u00a0h\u00a000)"),
        (("Duration: 2h", "Duration: 2h\nTimezone: Europe/Lyon"),
         french("4: Timezone: « Europe/Lyon » n'est pas un fuseau horaire (attendu : un nom IANA comme Europe/Paris)")),
        (("2026-12-20 20:00", "2026-12-32 20:00"),
         french("2: Start: « 2026-12-32 20:00 » n'est pas une date (attendu : AAAA-MM-JJ HH:MM, ou AAAA-MM-JJ pour un événement sur "
                "toute la journée)")),
        (("Duration: 2h", "Duration: deux heures"),
         french("3: Duration: « deux heures » n'est pas une durée (attendu par exemple : 2h, 90min, 1h30min ou 2d)")),
        (("Mode: online", "Mode: en ligne"), french("4: Mode: « en ligne » n'est pas un mode (valeurs possibles : online, offline, mixed)")),
        (("Kind: chat", "Kind: apéro"), french("5: Kind: « apéro » n'est pas un type d'événement (valeurs possibles : chat, interview, live, "
                                              "contest, webinar, barcamp, conference, meetup, workshop, other)")),
        (("Summary:", "Status: maybe\nSummary:"), french("7: Status: « maybe » n'est pas un statut (valeurs possibles : scheduled, "
                                                         "cancelled, postponed, rescheduled, draft)")),
        (("URL: https://visio.example/test\n", ""),
         french("4: URL: manquant : un événement Mode: online doit avoir une ligne URL: (où rejoindre l'événement)")),
    ],
)
def test_one_error_per_bad_field(site_copy, monkeypatch, change, expected):
    monkeypatch.chdir(site_copy)
    (site_copy / "content/events/test.md").write_text(GOOD.replace(*change), encoding="utf-8")
    blocking, _ = check(load_site(site_copy / "pelicanconf.py"))
    assert [str(p) for p in blocking] == [f"content/events/test.md:{expected}"]


def test_offline_event_without_venue_and_address(site_copy, monkeypatch):
    monkeypatch.chdir(site_copy)
    (site_copy / "content/events/test.md").write_text(GOOD.replace("Mode: online", "Mode: offline"), encoding="utf-8")
    blocking, _ = check(load_site(site_copy / "pelicanconf.py"))
    assert [str(p) for p in blocking] == [
        french("content/events/test.md:4: Address: manquant : un événement Mode: offline doit avoir une ligne Address: (le lieu)"),
        french("content/events/test.md:4: Venue: manquant : un événement Mode: offline doit avoir une ligne Venue: (le lieu)"),
    ]


def test_a_bad_event_stops_the_build_before_anything_is_written(site_copy, monkeypatch):
    monkeypatch.chdir(site_copy)
    (site_copy / "content/events/test.md").write_text(GOOD.replace("Kind: chat", "Kind: apéro"), encoding="utf-8")
    with pytest.raises(BuildError):
        build(load_site(site_copy / "pelicanconf.py"))
    assert not (site_copy / "output").exists()


def test_a_draft_event_is_not_published(site_copy, tmp_path):
    (site_copy / "content/events/test.md").write_text(GOOD.replace("Summary:", "Status: draft\nSummary:"), encoding="utf-8")
    site = load_site(site_copy / "publishconf.py", OUTPUT_PATH=str(tmp_path / "out"))
    build(site)
    assert not (tmp_path / "out/evenements/soiree-test").exists()
    assert "Soirée test" not in (tmp_path / "out/evenements/calendrier.ics").read_text(encoding="utf-8")


def test_hostile_text_in_event_fields_is_escaped_everywhere(site_copy, tmp_path):
    import json

    import icalendar
    from bs4 import BeautifulSoup

    hostile = '"Le" <script>alert(1)</script></script> & <img src=x onerror=alert(1)>'
    (site_copy / "content/events/hostile.md").write_text(
        f"Title: {hostile}\nSlug: hostile\nStart: 2026-12-20 20:00\nDuration: 2h\nMode: mixed\nKind: meetup\n"
        f"Venue: {hostile}\nAddress: {hostile}\nOrganizer: {hostile}\nURL: https://visio.example/x\n"
        f"Summary: {hostile}\n\nTexte.\n",
        encoding="utf-8",
    )
    site = load_site(site_copy / "publishconf.py", OUTPUT_PATH=str(tmp_path / "out"))
    build(site)
    html = (tmp_path / "out/evenements/hostile/index.html").read_text(encoding="utf-8")
    assert html.count("</script>") == 1
    soup = BeautifulSoup(html, "html.parser")
    assert not soup.find("img", onerror=True)
    assert not [s for s in soup.find_all("script") if s.get("type") != "application/ld+json"]
    event = next(n for n in json.loads(soup.find("script", type="application/ld+json").string)["@graph"] if n["@type"] == "Event")
    assert event["location"][0]["name"] == hostile and event["organizer"]["name"] == hostile
    assert hostile in [line.get_text() for line in soup.select(".facts__line")]
    calendar = icalendar.Calendar.from_ical((tmp_path / "out/evenements/hostile.ics").read_bytes())
    assert str(calendar.walk("VEVENT")[0]["LOCATION"]).startswith(f"{hostile}, {hostile}")



def _gap(value: str, zone: str, shifted: str) -> str:
    return french(f"2: Start: « {value} » n'existe pas à l'heure de {zone} : on avance les horloges cette nuit-là, et les agendas "
                  f"afficheraient {shifted} ; choisissez une autre heure")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("2026-12-20 20:00", "2027-03-28 02:30"), _gap("2027-03-28 02:30", "Europe/Paris", "28 mars 2027 à 3\u00a0h\u00a030")),
        # The gap of the event's own time zone, not the site's:
        (("Duration: 2h", "Duration: 2h\nTimezone: America/Montreal"), None),
        (("2026-12-20 20:00", "2027-03-14 02:30\nTimezone: America/Montreal"),
         _gap("2027-03-14 02:30", "America/Montreal", "14 mars 2027 à 3\u00a0h\u00a030")),
        (("Start: 2026-12-20 20:00\nDuration: 2h", "Start: 2026-12-20\nDuration: 2d"),
         french("3: Duration: un événement sur des journées entières (Start sans heure) prend son dernier jour, pas une durée : écrivez "
                "End: 2026-12-21, ou donnez une heure à Start")),
    ],
)
def test_times_that_read_well_but_mean_something_else_are_warned(site_copy, monkeypatch, change, expected):
    monkeypatch.chdir(site_copy)
    (site_copy / "content/events/test.md").write_text(GOOD.replace(*change), encoding="utf-8")
    blocking, problems = check(load_site(site_copy / "pelicanconf.py"))
    assert [str(p) for p in problems if p.path == "content/events/test.md"] == ([f"content/events/test.md:{expected}"] if expected else [])
    assert blocking == []  # warnings: publish (--strict) refuses them
