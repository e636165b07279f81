"""The editions' lint: names, dates, and what an edition picks from the site."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from tribune.dates import format_date
from tribune.i18n import _, language, number
from tribune.lint import WARNING, ContentKind, Corpus, FieldSpec, Problem, display_path, problem
from tribune.rules import check_date, check_status, parse_date

from .catalogue import Catalogue, EditionError
from .contents import EDITION_NAME, Edition
from .mail import Mailer


def edition_kind(settings: dict) -> ContentKind:
    return ContentKind(
        "edition",
        list(settings.get("NEWSLETTER_PATHS", ["newsletters"])),
        [
            FieldSpec("Title"),
            FieldSpec("Subject"),
            FieldSpec("Preheader"),
            FieldSpec("Summary"),
            FieldSpec("Date", required=True, check=check_date),
            FieldSpec("Lang"),
            FieldSpec("Status", check=check_status),
            FieldSpec("Posts"),
            FieldSpec("Events"),
            FieldSpec("Spotlight"),
        ],
        label=_("an edition"),
    )


def check_editions(corpus: Corpus) -> Iterable[Problem]:
    sources = corpus.of_kind("edition")
    if not sources:
        return
    by_id = defaultdict(list)
    for source in sources:
        by_id[source.path.stem].append(source)
        named = EDITION_NAME.match(source.path.stem)
        if not named:
            yield Problem(display_path(source.path), 1, "", _('"{name}" is not an edition name (expected YYYY-MM.md or YYYY-MM-slug.md)',
                                                               name=source.path.name))
        else:
            yield from _month_agrees(source, named["month"])
        if not source.get("Title") and not source.get("Subject"):
            yield problem(source, "Title", _("missing: an edition needs a Title: or a Subject: line"))
    for edition_id, same in by_id.items():
        for duplicate in same[1:]:
            yield Problem(display_path(duplicate.path), 1, "", _('duplicate edition id "{edition}": {path} has it too', edition=edition_id,
                                                                  path=display_path(same[0].path)))
    catalogue = Catalogue.read(corpus.settings)
    mailer = Mailer.of(catalogue)
    readable = {e.source_path: e for e in catalogue.editions}
    for source in sources:
        edition: Edition | None = readable.get(str(source.path))
        if edition is None or not hasattr(edition, "date"):
            continue  # unreadable or undated: reported above
        try:
            rendered = mailer.render(edition)
            if not rendered.items():
                yield problem(source, "Title", _("the edition holds nothing but the editor's word: no post, event or member of its month; "
                                                 "name some in Posts:, Events: or Spotlight:, or check their dates"), WARNING)
            if rendered.html_bytes > 102 * 1024:
                yield problem(source, "Title", _("the e-mail is {size} KB, over Gmail's 102 KB clipping limit", size=number(rendered.html_bytes / 1024)))
        except EditionError as error:
            if error.line:
                yield Problem(display_path(source.path), error.line, error.field, error.message)
            else:
                yield problem(source, error.field, error.message)


def _month_agrees(source, month: str) -> Iterable[Problem]:
    """An edition's file is named after its month (2026-11.md): its Date must be in it, or the
    edition's address and its Date tell two months."""
    dated = parse_date(source.get("Date") or "")
    if dated and f"{dated:%Y-%m}" != month:
        year, number_of_month = map(int, month.split("-"))
        better = source.path.name.replace(month, f"{dated:%Y-%m}", 1)
        yield problem(source, "Date", _("the file is named for {named} but the Date is in {dated}: rename the file {better}, or correct "
                                        "the Date", named=format_date(date(year, number_of_month, 1), language(), "month"),
                                        dated=format_date(dated, language(), "month"), better=better))


def add_lint_rules(registry) -> None:
    registry.add_kind(edition_kind(registry.settings))
    registry.add_rule(check_editions)
