"""Posts dated in the future wait for their day, on Tribune's clock.

Pelican's ``WITH_FUTURE_DATES = False`` makes a post dated later a draft, but it decides with
the machine's clock, once, when the post is read, and its content cache keeps the decision:
a post read the day before its date would stay a draft for good, and a build pinned to
another day (``TRIBUNE_NOW``, see :mod:`tribune.clock`) would still decide on today. Here the
decision is made again on every build, from the post's own Status and Date and
:func:`tribune.clock.now`, once Pelican has sorted its posts (``article_generator_pretaxonomy``,
before categories, tags, feeds and archives are made of them). Pelican's own rule is turned
off (:func:`take_over`): nothing depends on the machine's date.

The lint says it at the Date line of each scheduled post (a notice: nothing to fix), so that
check, build and publish all say when the post goes out. A site rebuilt by a scheduled CI job
(see docs/ci/release.yml) publishes it on its day.
"""

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from pelican import signals
from pelican.utils import order_content, process_translations

from tribune.clock import site_now
from tribune.dates import format_date, format_moment
from tribune.i18n import _, language
from tribune.lint import CLOCK, FIELDS, NOTICE, Corpus, Problem, problem, reads
from tribune.rules import parse_date


_CHOICE = "_TRIBUNE_WITH_FUTURE_DATES"  # the site's WITH_FUTURE_DATES, once take_over() has turned Pelican's off


def take_over(settings: dict) -> None:
    """Decide on Tribune's clock instead of Pelican: Pelican's own rule (the machine's clock,
    wherever a post is read: the build, the newsletter's and the networks' light reading) is
    turned off, and the site's choice kept for :func:`waits`."""
    if _CHOICE not in settings:
        settings[_CHOICE] = settings.get("WITH_FUTURE_DATES", True)
        settings["WITH_FUTURE_DATES"] = True


def waits(settings: dict) -> bool:
    """Whether posts dated later than now wait for their day (WITH_FUTURE_DATES = False)."""
    return settings.get(_CHOICE, settings.get("WITH_FUTURE_DATES", True)) is False


def later(date: datetime, settings: dict, moment: datetime) -> bool:
    """Whether ``date`` (naive: in the site's time zone) is after ``moment`` (Tribune's now,
    asked once for thousands of posts)."""
    zone = settings.get("TIMEZONE") or "UTC"
    aware = date if date.tzinfo else date.replace(tzinfo=ZoneInfo(zone))
    return aware > moment


def _wait_for_their_day(generator) -> None:
    """Pelican's article_generator_pretaxonomy: each post meant to be published is a draft
    while its date is ahead, and published from that day on, whatever Pelican's cache kept."""
    settings = generator.settings
    if not waits(settings) or not hasattr(generator, "drafts_translations"):
        return
    published, drafts = [], []
    moment = site_now(settings)
    for article in generator.articles + generator.translations + generator.drafts + generator.drafts_translations:
        meant = (article.metadata.get("status") or settings.get("DEFAULT_STATUS") or "published").lower()
        if meant == "published" and hasattr(article, "date"):
            article.status = "draft" if later(article.date, settings, moment) else "published"
        (published if article.status == "published" else drafts).append(article)
    generator.articles, generator.translations = _sorted(published, settings)
    generator.drafts, generator.drafts_translations = _sorted(drafts, settings)


def _sorted(articles: list, settings: dict) -> tuple[list, list]:
    """Originals in the site's order and their translations, as Pelican's generator makes them."""
    originals, translations = process_translations(articles, translation_id=settings["ARTICLE_TRANSLATION_ID"])
    return order_content(originals, settings["ARTICLE_ORDER_BY"]), translations


def install() -> None:
    signals.article_generator_pretaxonomy.connect(_wait_for_their_day)


def day_in_words(written: str, date: datetime, settings: dict) -> str:
    """"5 janvier 2027", or "5 janvier 2027 à 9 h 00" when the Date gives a time."""
    if len(written.strip()) <= 10:
        return format_date(date, language())
    zone = settings.get("TIMEZONE") or "UTC"
    return format_moment(date if date.tzinfo else date.replace(tzinfo=ZoneInfo(zone)), zone)


@reads(FIELDS, CLOCK)
def check_scheduled_posts(corpus: Corpus) -> Iterable[Problem]:
    """A notice at the Date line of each post that waits for its day: check, build and publish
    say when it goes out."""
    if not waits(corpus.settings):
        return
    moment = site_now(corpus.settings)
    for source in corpus.of_kind("post"):
        written = source.get("Date") or ""
        date = parse_date(written)
        status = (source.get("Status") or corpus.settings.get("DEFAULT_STATUS") or "published").lower()
        if date and status == "published" and later(date, corpus.settings, moment):
            yield problem(source, "Date", _("scheduled for {day}: not published before then (the site must be built again "
                                            "after that moment)", day=day_in_words(written, date, corpus.settings)), NOTICE)
