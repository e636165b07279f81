"""The members' lint: consent first, no personal data by accident, no link to a withdrawn member."""

import re
from collections.abc import Iterable

from tribune.lint import ContentKind, Corpus, FieldSpec, Problem, display_path, problem
from tribune.rules import check_date, check_image, check_slug, check_status, missing_file, slug_of
from tribune.source import Source

from .contents import parse_links, publishable

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# French numbers (06 12 34 56 78, 06.12.34.56.78, 0612345678) and international ones (+33 6 12 34 56 78).
_PHONE = re.compile(r"(?<![\w/.-])(?:\+\d{1,3}[ .-]?(?:\(0\))?[ .-]?\d(?:[ .-]?\d{2}){4}|0[1-9](?:[ .-]?\d{2}){4})(?![\w/])")
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def check_month(value: str) -> str | None:
    return None if _MONTH.match(value.strip()) else f'"{value}" is not a month (expected YYYY-MM, e.g. 2026-11)'


def check_links(value: str) -> str | None:
    leftovers = _strip_urls(value).replace(",", " ").split()
    if leftovers:
        return f'"{leftovers[0]}" is not a web address (Links: takes https://… addresses, separated by commas)'
    return None


def _strip_urls(text: str) -> str:
    for url in parse_links(text):
        text = text.replace(url, " ")
    return text


def member_kind(settings: dict) -> ContentKind:
    return ContentKind(
        "member",
        list(settings.get("MEMBER_PATHS", ["members"])),
        [
            FieldSpec("Name", required=True),
            FieldSpec("Role"),
            FieldSpec("Member-Since", required=True, check=check_date),
            FieldSpec("City"),
            FieldSpec("Avatar", check=check_image),
            FieldSpec("Links", check=check_links),
            FieldSpec("Quote"),
            FieldSpec("Spotlight", check=check_month),
            FieldSpec("Consent", check=check_date),
            FieldSpec("Consent-Withdrawn", check=check_date),
            FieldSpec("Status", check=check_status),
            FieldSpec("Lang"),
            FieldSpec("Slug", check=check_slug),
            FieldSpec("Summary"),
        ],
        third_party=True,
    )


def _personal_data(text: str) -> str | None:
    """What looks like an e-mail address or a phone number in ``text`` (URLs set aside)."""
    text = _strip_urls(text)
    for pattern, what in ((_EMAIL, "an e-mail address"), (_PHONE, "a phone number")):
        found = pattern.search(text)
        if found:
            return f'{what} ("{found.group(0)}"): personal data is not published; remove it'
    return None


def check_members(corpus: Corpus) -> Iterable[Problem]:
    for source in corpus.of_kind("member"):
        if not source.get("Consent"):
            yield problem(source, "Consent", "missing: a member is published only with the date of their consent (Consent: YYYY-MM-DD)")
        for field in source.fields.values():
            found = _personal_data(field.value)
            if found:
                yield Problem(display_path(source.path), field.line, field.key, found)
        for offset, line in enumerate(source.body.splitlines()):
            found = _personal_data(line)
            if found:
                yield Problem(display_path(source.path), source.body_line + offset, "", found)
        missing = missing_file(source, "Avatar", corpus.settings)
        if missing:
            yield missing


def _withdrawn(corpus: Corpus) -> list[Source]:
    return [s for s in corpus.of_kind("member") if not publishable({k: f.value for k, f in s.fields.items()})]


def check_links_to_withdrawn_members(corpus: Corpus) -> Iterable[Problem]:
    """Content that still links to a member who is not published (no consent, withdrawn, hidden)."""
    withdrawn = _withdrawn(corpus)
    if not withdrawn:
        return
    member_url = corpus.settings.get("MEMBER_URL", "membres/{slug}/")
    targets = []
    for member in withdrawn:
        slug = slug_of(member, "Name")
        targets.append((member, re.compile(
            rf"\{{filename\}}[^)\s\"']*{re.escape(member.path.name)}|/{re.escape(member_url.format(slug=slug).rstrip('/'))}\b"
        )))
    for sources in corpus.sources.values():
        for source in sources:
            for offset, line in enumerate(source.body.splitlines()):
                for member, pattern in targets:
                    if source is not member and pattern.search(line):
                        yield Problem(
                            display_path(source.path), source.body_line + offset, "",
                            f"links to {display_path(member.path)}, a member who is not published (consent missing or withdrawn): remove the link",
                        )


def add_lint_rules(registry) -> None:
    registry.add_kind(member_kind(registry.settings))
    registry.add_rule(check_members)
    registry.add_rule(check_links_to_withdrawn_members)
