"""The kit speaks the site's language: every message of the code has its French translation,
with the same values, and the catalogue holds nothing the code no longer says."""

import re
from pathlib import Path

import pytest

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from tribune.i18n import LOCALE_FOLDER

ROOT = Path(__file__).resolve().parent.parent
FIELD = re.compile(r"\{(\w*)[^{}]*\}")


def messages_of_the_code() -> set[str]:
    """What `invoke translations` extracts (babel.cfg), by message id (a plural's singular)."""
    found = extract_from_dir(str(ROOT), method_map=[("tribune/**.py", "python"), ("plugins/**.py", "python"), ("tasks.py", "python"),
                                                    ("plugins/indicators/templates/**.html", "jinja2")],
                             keywords={"_": None, "_n": (1, 2)})
    return {message if isinstance(message, str) else message[0] for _, _, message, _, _ in found}


def french_catalogue():
    with (LOCALE_FOLDER / "fr/LC_MESSAGES/tribune.po").open("rb") as stream:
        return read_po(stream)


def test_every_message_has_a_french_translation_with_the_same_values():
    catalogue = french_catalogue()
    translated = {(m.id if isinstance(m.id, str) else m.id[0]): m for m in catalogue if m.id}
    missing = sorted(messages_of_the_code() - set(translated))
    assert not missing, f"not in the French catalogue (run invoke translations, then translate): {missing}"
    for message_id, message in translated.items():
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings) and not message.fuzzy, f"no French translation for: {message_id}"
        for string in strings:
            assert sorted(FIELD.findall(string)) == sorted(FIELD.findall(message_id)), f"values differ: {message_id} / {string}"


def test_the_catalogue_holds_only_what_the_code_says():
    stale = sorted({(m.id if isinstance(m.id, str) else m.id[0]) for m in french_catalogue() if m.id} - messages_of_the_code())
    assert not stale, f"messages the code no longer has (run invoke translations): {stale}"


def test_a_message_is_in_the_site_language_and_english_without_a_catalogue():
    from tribune.i18n import _, set_language

    set_language("fr")
    assert _("unknown field, did you mean {field}?", field="Title") == "champ inconnu, vouliez-vous dire Title\u202f?"
    set_language("fr_CA")  # the base language's catalogue
    assert _("warning") == "avertissement"
    set_language("de")  # no catalogue: English
    assert _("unknown field, did you mean {field}?", field="Title") == "unknown field, did you mean Title?"


def test_instants_are_in_the_site_time_zone_and_language_never_raw_utc():
    from tribune.dates import format_moment
    from tribune.i18n import set_language

    set_language("fr", "Europe/Paris")
    assert format_moment("2026-12-02T09:05:00+00:00") == "2 décembre 2026 à 10\u00a0h\u00a005"  # Mailchimp's UTC, read in Paris
    assert format_moment("2026-07-14T20:30:00Z") == "14 juillet 2026 à 22\u00a0h\u00a030"  # summer time
    set_language("en", "America/Montreal")
    assert format_moment("2026-12-02T09:05:00+00:00") == "December 2, 2026 at 4:05 AM"
    assert format_moment("") == "" and format_moment("bientôt") == "bientôt"  # nothing to read: said as given


def test_numbers_are_written_the_site_way():
    from tribune.i18n import number, set_language

    set_language("fr")
    assert (number(1342), number(0.912, 2), number(5.0, 1, optional=True)) == ("1\u202f342", "0,91", "5")
    set_language("en")
    assert (number(1342), number(0.912, 2), number(5.24, 1, optional=True)) == ("1,342", "0.91", "5.2")


@pytest.mark.parametrize(("answers", "confirmed"), [
    (["o"], True), (["oui"], True), (["Oui "], True), (["y"], True), (["YES"], True),
    (["n"], False), (["non"], False), (["no"], False), ([""], False),
    (["peut-être", "oui"], True), (["bof", "?", "hein", "o"], False),  # asked again, three times at most
])
def test_a_confirmation_accepts_o_oui_y_yes_and_asks_again_otherwise(answers, confirmed):
    from tribune.i18n import confirm, set_language

    set_language("fr")
    asked = []

    def ask(question: str) -> str:
        asked.append(question)
        return answers[len(asked) - 1]

    assert confirm(ask, "Envoyer\u202f?") is confirmed
    assert asked[0] == "Envoyer\u202f? [o/N] " and len(asked) <= 3


def test_the_end_of_input_is_no():
    from tribune.i18n import confirm

    def ask(question: str) -> str:
        raise EOFError

    assert confirm(ask, "Send?") is False
