"""The kit speaks the site's language: every message of the code has its French translation,
with the same values, and the catalogue holds nothing the code no longer says."""

import re
from pathlib import Path

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
