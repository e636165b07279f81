"""The members' lint: consent first, no personal data by accident, no link to a withdrawn member."""

import re
from collections.abc import Iterable

from pelican.readers import ensure_metadata_list

from tribune.i18n import _
from tribune.lint import NOTICE, ContentKind, Corpus, FieldSpec, Problem, display_path, problem
from tribune.personal_data import find_personal_data, in_words, site_region
from tribune.rules import check_date, check_image, check_slug, check_status, named_file_problem, slug_of
from tribune.slugs import slugify
from tribune.source import Source

from .authorship import pseudonym_problem, withdrawn_among
from .contents import parse_links, publishable

#: MEMBER_PHONE_REGIONS: the countries whose national numbers (written without + or 00) are
#: recognised, after the site's own: the French-speaking ones. Luxembourg is left out: its
#: numbers have any length, and dates, postcodes and prices would read as numbers there.
PHONE_REGIONS = ("FR", "BE", "CH", "CA")
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def check_month(value: str) -> str | None:
    return None if _MONTH.match(value.strip()) else _('"{value}" is not a month (expected YYYY-MM, e.g. 2026-11)', value=value)


def check_links(value: str) -> str | None:
    leftovers = _strip_urls(value).replace(",", " ").split()
    if leftovers:
        return _('"{value}" is not a web address (Links: takes https://… addresses, separated by commas)', value=leftovers[0])
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
            FieldSpec("Pseudonym"),
            FieldSpec("Status", check=check_status),
            FieldSpec("Lang"),
            FieldSpec("Slug", check=check_slug),
            FieldSpec("Summary"),
        ],
        third_party=True,
        label=_("a member"),
    )


def check_personal_data(corpus: Corpus) -> Iterable[Problem]:
    """An e-mail address or a phone number, however disguised, in any field or line of a member file."""
    site = site_region(corpus.settings)
    regions = tuple(dict.fromkeys(filter(None, (site, *corpus.settings.get("MEMBER_PHONE_REGIONS", PHONE_REGIONS)))))
    for source in corpus.of_kind("member"):
        path = display_path(source.path)
        texts = [(field.line, field.key, field.value) for field in source.fields.values()]
        texts += [(source.body_line + offset, "", line) for offset, line in enumerate(source.body.splitlines())]
        for line, key, text in texts:
            for found in find_personal_data(text, regions):
                yield Problem(path, line, key, _('{what} ("{written}"): personal data is not published; remove it',
                                                 what=in_words(found.what), written=found.written))


def check_members(corpus: Corpus) -> Iterable[Problem]:
    for source in corpus.of_kind("member"):
        draft = (source.get("Status") or "").strip().lower() == "draft"  # not published: the date can wait
        if not source.get("Consent") and not draft:
            yield problem(source, "Consent", _("missing: a member is published only with the date of their consent (Consent: YYYY-MM-DD)"))
        missing = named_file_problem(source, "Avatar", corpus.settings)
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
                        yield Problem(display_path(source.path), source.body_line + offset, "",
                                      _("links to {path}, a member who is not published (consent missing or withdrawn): remove the link",
                                        path=display_path(member.path)))


def check_authorship(corpus: Corpus) -> Iterable[Problem]:
    """A Pseudonym that is not plain text or names its member (an error); and each post that a
    member who withdrew or is hidden wrote, which the build credits to their pseudonym or to the
    organisation (a notice: it never blocks publishing, which is what removes their name)."""
    for member in corpus.of_kind("member"):
        wrong = pseudonym_problem(member.get("Pseudonym"), member.get("Name") or "") if member.get("Pseudonym") else None
        if wrong:
            yield problem(member, "Pseudonym", wrong)
    withdrawn = withdrawn_among(corpus.of_kind("member"), corpus.settings)
    if not withdrawn:
        return
    default = withdrawn.get(slugify(corpus.settings.get("AUTHOR") or ""))
    for post in corpus.of_kind("post"):
        written = [("Author", post.get("Author"))] if post.get("Author") else []  # one name, as Pelican reads it
        written += [("Authors", name) for name in ensure_metadata_list(post.get("Authors") or "")]
        for key, name in written:
            member = withdrawn.get(slugify(name))
            if member:
                yield problem(post, key, _('{name} {reason}: this post is credited to "{credit}"; change {field}: to keep it so in the source',
                                           name=member.name, reason=member.reason, credit=member.credit, field=key), NOTICE)
        if not written and default:
            yield problem(post, "Author", _('{name} (the AUTHOR setting) {reason}: this post is credited to "{credit}"; change AUTHOR '
                                            "in pelicanconf.py or give the post an Author: line", name=default.name, reason=default.reason,
                                            credit=default.credit), NOTICE)


def add_lint_rules(registry) -> None:
    registry.add_kind(member_kind(registry.settings))
    registry.add_rule(check_members)
    registry.add_rule(check_personal_data)
    registry.add_rule(check_links_to_withdrawn_members)
    registry.add_rule(check_authorship)
