"""The members' lint: consent first, no personal data by accident, no link to a withdrawn member."""

import html
import re
import unicodedata
from collections.abc import Iterable

import markdown
from pelican.readers import ensure_metadata_list

from tribune.i18n import _
from tribune.lint import NOTICE, WARNING, ContentKind, Corpus, FieldSpec, Problem, SourceMemo, display_path, problem
from tribune.personal_data import find_personal_data, in_words, site_region
from tribune.rules import check_date, check_image, check_slug, check_status, named_file_problem, slug_of
from tribune.slugs import slugify
from tribune.source import Source
from tribune.text import reading_text

from .authorship import pseudonym_problem, withdrawn_among
from .contents import parse_links, publishable, unpublished_because

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
        reencoded=("Avatar",),
        label=_("a member"),
    )


def check_personal_data(corpus: Corpus) -> Iterable[Problem]:
    """An e-mail address or a phone number, however disguised, in any field or line of a member file."""
    site = site_region(corpus.settings)
    regions = tuple(dict.fromkeys(filter(None, (site, *corpus.settings.get("MEMBER_PHONE_REGIONS", PHONE_REGIONS)))))
    options = _markdown_options(corpus.settings)

    def personal_data(source: Source) -> Iterable[Problem]:
        path = display_path(source.path)
        texts = [(field.line, field.key, field.value) for field in source.fields.values()]
        texts += [(source.body_line + offset, "", line) for offset, line in enumerate(source.body.splitlines())]
        written = set()
        for line, key, text in texts:
            for found in find_personal_data(text, regions):
                written.add(_key(found.written))
                yield Problem(path, line, key, _('{what} ("{written}"): personal data is not published; remove it',
                                                 what=in_words(found.what), written=found.written))
        for line, text in _paragraphs_as_read(source, options):
            for found in find_personal_data(text, regions):
                if _key(found.written) not in written:  # hidden in the source by markup, visible on the page
                    yield Problem(path, line, "", _('{what} ("{written}", once the page is shown): personal data is not published; '
                                                    "remove it", what=in_words(found.what), written=found.written))

    for source in corpus.of_kind("member"):
        yield from _personal_data.recall(corpus, source, (regions, options), personal_data)


_personal_data = SourceMemo()


def _key(found: str) -> str:
    """What a finding says, however it is written (entities, spaces, case)."""
    return re.sub(r"\W", "", unicodedata.normalize("NFKC", html.unescape(found)).casefold())


def _markdown_options(settings: dict) -> dict:
    """The site's Markdown options that change what a reader reads (its output format)."""
    return {key: value for key, value in settings.get("MARKDOWN", {}).items() if key == "output_format"}


def _paragraphs_as_read(source: Source, options: dict) -> Iterable[tuple[int, str]]:
    """Each paragraph of a body, at its first line, as a reader of the page reads it: Markdown
    and HTML rendered (with ``options``), so that "jean@*exemple*.fr" or "06 12 34 <b>56</b> 78" read whole."""
    first, block = None, []
    for number, line in [*source.body_lines(), (None, "")]:
        if line.strip():
            first = first or number
            block.append(line)
        elif block:
            yield first, reading_text(markdown.markdown("\n".join(block), **options))
            first, block = None, []


def check_members(corpus: Corpus) -> Iterable[Problem]:
    for source in corpus.of_kind("member"):
        draft = (source.get("Status") or "").strip().lower() == "draft"  # not published: the date can wait
        if not source.get("Consent") and not draft:
            yield problem(source, "Consent", _("missing: a member is published only with the date of their consent (Consent: YYYY-MM-DD)"))
        missing = named_file_problem(source, "Avatar", corpus)
        if missing:
            yield missing


def _withdrawn(corpus: Corpus) -> list[Source]:
    return [s for s in corpus.of_kind("member") if not publishable(s.values())]


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
                                      _("links to {path}, a member who is not published ({reason}): remove the link",
                                        path=display_path(member.path), reason=unpublished_because(member.values())))


def check_authorship(corpus: Corpus) -> Iterable[Problem]:
    """A Pseudonym that is not plain text or names its member (an error); and each post that a
    member who withdrew or is hidden wrote, which the build credits to their pseudonym or to the
    organisation (a notice: it never blocks publishing, which is what removes their name)."""
    others = _names_in_use(corpus)
    for member in corpus.of_kind("member"):
        pseudonym = member.get("Pseudonym")
        wrong = pseudonym_problem(pseudonym, member.get("Name") or "") if pseudonym else None
        if wrong:
            yield problem(member, "Pseudonym", wrong)
        elif pseudonym and slugify(pseudonym) in others and others[slugify(pseudonym)][1] != member.path:
            yield problem(member, "Pseudonym", _('"{pseudonym}" is already a name in use ({who}): their posts would be credited to someone who '
                                                 "did not write them; choose a name nobody has", pseudonym=pseudonym, who=others[slugify(pseudonym)][0]))
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


def _names_in_use(corpus: Corpus) -> dict[str, tuple[str, object]]:
    """The names that sign for someone else, by slug, with who it is and the member file it
    comes from (None for AUTHOR and ORGANIZATION). Posts may be signed with the pseudonym:
    that is what an editor does once a member has withdrawn."""
    names: dict[str, tuple[str, object]] = {}
    for setting in ("AUTHOR", "ORGANIZATION"):
        if corpus.settings.get(setting):
            names[slugify(corpus.settings[setting])] = (_("the {setting} setting", setting=setting), None)
    for member in corpus.of_kind("member"):
        if member.get("Name"):
            names[slugify(member.get("Name"))] = (_("another member, {path}", path=display_path(member.path)), member.path)
    return names


def _folded(text: str) -> str:
    """Text without accents or case, to find a name however it is written."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()


def check_withdrawn_names(corpus: Corpus) -> Iterable[Problem]:
    """A withdrawn or hidden member named in any text (a body, a summary, an "&" in Author:):
    the build credits their posts to someone else, but cannot rewrite prose. A warning, so
    that publishing (--strict) waits until the name is gone from every page."""
    withdrawn = withdrawn_among(corpus.of_kind("member"), corpus.settings)
    if not withdrawn:
        return
    patterns = [(member, re.compile(rf"(?<!\w){re.escape(_folded(member.name))}(?!\w)")) for member in withdrawn.values()]
    owners = {member.source.path for member in withdrawn.values()}
    for sources in corpus.sources.values():
        for source in sources:
            if source.path in owners:
                continue
            for number, key, text in _texts(source, withdrawn):
                folded = _folded(text)
                for member, pattern in patterns:
                    if pattern.search(folded):
                        yield Problem(display_path(source.path), number, key, _("names {name}, who {reason}: remove the name from this "
                                      "text (publish refuses it until then)", name=member.name, reason=member.reason), WARNING)


def _texts(source: Source, withdrawn: dict) -> Iterable[tuple[int, str, str]]:
    """Each field and body line of a file, with its line and field; in Author:/Authors:, the
    names the build credits on its own (a withdrawn member's whole name) left out."""
    for field in source.fields.values():
        value = field.value
        if field.key.lower() in ("author", "authors"):
            value = ", ".join(name for name in ensure_metadata_list(value) if slugify(name) not in withdrawn)
        yield field.line, field.key, value
    for number, line in source.body_lines():
        yield number, "", line


def check_one_spotlight_a_month(corpus: Corpus) -> Iterable[Problem]:
    """Two published members in the spotlight the same month: the home page and the edition
    show one member a month, so the other would not be shown. A warning on each after the first."""
    first: dict[str, Source] = {}
    for member in sorted(corpus.of_kind("member"), key=lambda source: source.path):
        month = (member.get("Spotlight") or "").strip()
        if not month or not publishable({key: written.value for key, written in member.fields.items()}):
            continue
        if month in first:
            yield problem(member, "Spotlight", _("{path} is in the spotlight the same month ({month}): one member a month is shown; give "
                                                 "one of them another month", path=display_path(first[month].path), month=month), WARNING)
        else:
            first[month] = member


def add_lint_rules(registry) -> None:
    registry.add_kind(member_kind(registry.settings))
    registry.add_rule(check_members)
    registry.add_rule(check_one_spotlight_a_month)
    registry.add_rule(check_personal_data)
    registry.add_rule(check_links_to_withdrawn_members)
    registry.add_rule(check_authorship)
    registry.add_rule(check_withdrawn_names)
