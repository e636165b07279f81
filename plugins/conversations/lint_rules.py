"""The conversations' lint: the charter (a content kind of one file: unknown fields, modes,
accounts, domains, and the charter page it links), and the archive files, which must read.

Two notices, never blocking: replies that wait for a decision, and replies of authors erased or
blocked since the last fetch (left out of the site already; the next fetch takes them out of
the archive too).
"""

from collections.abc import Iterable

from tribune.i18n import _, _n
from tribune.lint import ERROR, NOTICE, Corpus, Problem, display_path, problem
from tribune.rules import slug_of

from .archive import ArchiveError, archive_paths, read_archive
from .charter import CharterError, charter_kind, read_charter


def check_charter_page(corpus: Corpus) -> Iterable[Problem]:
    for source in corpus.of_kind("moderation"):
        slug = (source.get("Charter") or "").strip()
        if slug and slug not in {slug_of(page) for page in corpus.of_kind("page") if (page.get("Status") or "").lower() != "draft"}:
            yield problem(source, "Charter", _("no published page has the slug \"{slug}\": give the slug of the charter page the note "
                                               "under the replies links (e.g. charte)", slug=slug))


def check_archives(corpus: Corpus) -> Iterable[Problem]:
    try:
        charter = read_charter(corpus.settings)
    except CharterError:
        charter = None  # the charter's own problems are said at its lines
    for path in archive_paths(corpus.settings):
        try:
            archive = read_archive(path)
        except ArchiveError as error:
            yield Problem(display_path(path), error.line, "", error.reason, ERROR)
            continue
        waiting = sum(reply.state == "pending" for reply in archive.replies)
        if waiting:
            yield Problem(display_path(path), 1, "", _n("{count} reply waits for a decision: invoke conversations --pending",
                                                        "{count} replies wait for a decision: invoke conversations --pending", waiting), NOTICE)
        gone = sum(1 for reply in archive.replies if charter and charter.excludes(reply.author, reply.url))
        if gone:
            yield Problem(display_path(path), 1, "", _n("{count} reply of an erased or blocked author is left out of the site; "
                                                        "invoke conversations takes it out of this file",
                                                        "{count} replies of erased or blocked authors are left out of the site; "
                                                        "invoke conversations takes them out of this file", gone), NOTICE)


def add_lint_rules(registry) -> None:
    registry.add_kind(charter_kind(registry.settings))
    registry.add_rule(check_charter_page)
    registry.add_rule(check_archives)
