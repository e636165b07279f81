"""One edition, one campaign, sent at most once: from one machine, and from two.

The campaign of an edition is found again by its title ("tribune-2026-11"), so whatever
happened before (a run interrupted, a timeout, a send from CI) decides what happens now:

- sent or sending: say when, send nothing;
- scheduled: say when; only --send or a new --schedule changes it;
- a saved draft: update its settings and content, and go on with it;
- none: create it (after a failed create, look again before creating another).

Two machines (a CI job and a laptop) share no lock, only Mailchimp, so Mailchimp says which
campaign is the edition's: the one sent or sending, else the one scheduled, else the oldest by
``create_time``. That is the order Mailchimp documents (campaigns are listed sorted by it, to
the second); ``id`` and ``web_id`` promise none. After creating its campaign a run lists those
with the edition's title: when another one is sent, scheduled or older, it deletes its own
draft and stops. A run that saw only its own goes on, and a campaign created later always sees
the earlier one, so a later-created campaign never wins. Two created in the same second cannot
be ordered: a run that sees that gives way too, rather than risk a second send (both may, and
then nothing goes out until the command is run again). Right before sending or scheduling, a
run looks once more. Two runs that take up the same draft send it once: Mailchimp refuses to
send a campaign twice, and the run it refuses says the edition went out already.

Before a send or a schedule, the content is set and Mailchimp's send checklist must be ready.
After a send or schedule fails or times out, the campaign's status is read before anything
else: a send is never repeated blindly.
"""

import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from tribune.clock import now
from tribune.dates import format_moment
from tribune.i18n import _, confirm
from tribune.lint import display_path
from tribune.text import plain_text

from .mail import RenderedEdition
from .mailchimp import Mailchimp, MailchimpConfig, MailchimpError, campaign_status

DONE = ("sent", "sending")
_EARLIEST = datetime.min.replace(tzinfo=timezone.utc)


class SendError(Exception):
    """The run stopped without sending; the message says why and what to do."""


class AlreadySent(Exception):
    """The edition went out (from this machine or another one): the run ends saying so."""

    def __init__(self, campaign: dict):
        super().__init__(campaign.get("id"))
        self.campaign = campaign


@dataclass
class Outcome:
    """What happened, for the one line that ends every run."""

    what: str
    campaign: dict

    def line(self, config: MailchimpConfig) -> str:
        campaign = self.campaign
        archive = campaign.get("long_archive_url") or campaign.get("archive_url") or "-"
        admin = f"{config.admin_url}/campaigns/show/?id={campaign.get('web_id')}" if campaign.get("web_id") else config.admin_url
        return _("{what}: campaign {campaign}, status {status}, archive {archive}, admin {admin}", what=self.what,
                 campaign=campaign.get("id"), status=campaign_status(campaign.get("status")), archive=archive, admin=admin)


def created(campaign: dict) -> datetime | None:
    """When Mailchimp created the campaign, to the second; None when it does not say."""
    try:
        moment = datetime.fromisoformat(campaign.get("create_time") or "")
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def precedence(campaign: dict) -> tuple:
    """Sorts an edition's campaigns: the one sent or sending, the one scheduled, then the oldest."""
    status = campaign.get("status")
    return (0 if status in DONE else 1 if status == "schedule" else 2, created(campaign) or _EARLIEST)


def obstacle(campaigns: list[dict], campaign: dict) -> dict | None:
    """The campaign of ``campaigns`` that ``campaign`` must give way to; None: it may go out.

    Any other one sent, sending or scheduled; any other one created before it, or in the same
    second (Mailchimp dates campaigns to the second: those cannot be ordered), or when either
    creation time is unknown."""
    mine = created(campaign)

    def first(other: dict) -> bool:
        theirs = created(other)
        return other.get("status") in DONE + ("schedule",) or mine is None or theirs is None or theirs <= mine

    return min((other for other in campaigns if other["id"] != campaign["id"] and first(other)), key=precedence, default=None)


def campaign_title(settings: dict, edition_id: str) -> str:
    return settings.get("NEWSLETTER_CAMPAIGN_TITLE", "tribune-{edition}").format(edition=edition_id)


def parse_schedule(value: str, settings: dict) -> datetime:
    """"2026-12-01 09:00" in the site's time zone; Mailchimp takes quarter hours in the future."""
    zone = ZoneInfo(settings.get("TIMEZONE", "UTC"))
    try:
        local = datetime.fromisoformat(value.strip().replace(" ", "T"))
    except ValueError:
        raise SendError(_('--schedule "{value}" is not a date and time (expected "YYYY-MM-DD HH:MM", in {zone})', value=value, zone=zone.key)) from None
    local = local.replace(tzinfo=zone) if local.tzinfo is None else local.astimezone(zone)
    if local.minute % 15 or local.second:
        later = (local.minute // 15 + 1) * 15
        hint = f"{local.hour:02d}:{later:02d}" if later < 60 else f"{(local.hour + 1) % 24:02d}:00"
        raise SendError(_("--schedule {time}: Mailchimp only schedules on the quarter hour (:00, :15, :30, :45); try {hint}",
                          time=f"{local:%H:%M}", hint=hint))
    if local <= now(zone.key):
        raise SendError(_("--schedule: {moment} is in the past: Mailchimp only schedules in the future", moment=format_moment(local, zone.key)))
    return local


class Sender:
    def __init__(self, mailchimp: Mailchimp, settings: dict, rendered: RenderedEdition, say=print):
        self.mailchimp = mailchimp
        self.config = mailchimp.config
        self.settings = settings
        self.rendered = rendered
        self.edition = rendered.edition
        self.title = campaign_title(settings, self.edition.edition_id)
        self.say = say

    # -- The campaign ------------------------------------------------------------------------
    def _body(self) -> dict:
        recipients = {"list_id": self.config.audience_id}
        if self.config.segment_id is not None:
            recipients["segment_opts"] = {"saved_segment_id": self.config.segment_id}
        return {
            "type": "regular",
            "recipients": recipients,
            "settings": {
                "title": self.title,
                "subject_line": self.rendered.subject_line,
                "preview_text": self.rendered.preview_text,
                "from_name": self.config.from_name,
                "reply_to": self.config.reply_to,
                "auto_footer": False,
                "inline_css": False,
            },
        }

    def _campaign(self) -> tuple[dict, bool]:
        """The edition's campaign, and whether this run created it (AlreadySent if it went out)."""
        campaign = self._existing()
        return (campaign, False) if campaign else self._create()

    def _existing(self) -> dict | None:
        """The edition's campaign already in Mailchimp, if this run may go on with it."""
        campaigns = self.mailchimp.campaigns_titled(self.title)
        campaign = min(campaigns, key=precedence, default=None)
        if campaign:
            self._check(campaigns, campaign, own=False)
        return campaign

    def _create(self) -> tuple[dict, bool]:
        """Create the campaign, then make sure no other run's comes first. If the call fails,
        look before trying again: a campaign there then may be this run's or another run's."""
        for attempt in range(3):
            try:
                campaign = self.mailchimp.create_campaign(self._body())
            except MailchimpError as error:
                if error.status is not None and error.status < 500:
                    raise
                found = self._existing()
                if found:
                    self.say(_("The campaign was created although Mailchimp's answer was lost ({error}); going on with it.", error=error))
                    return found, False
                if attempt == 2:
                    raise
            else:
                self._check(self.mailchimp.campaigns_titled(self.title), campaign, own=True)
                return campaign, True
        raise AssertionError("unreachable")

    def _check(self, campaigns: list[dict], campaign: dict, own: bool) -> None:
        """Go on only if ``campaign`` is the edition's campaign in this listing; otherwise stop
        (AlreadySent, or SendError saying why), deleting it first if this run created it."""
        listed = next((c for c in campaigns if c["id"] == campaign["id"]), None)
        if listed and listed.get("status") in DONE:
            raise AlreadySent(listed)
        rival = obstacle(campaigns, campaign)
        if listed and rival is None:
            return
        done = self._discard(campaign) if own else _("this run sent nothing")
        if rival and rival.get("status") in DONE:
            raise AlreadySent(rival)
        again = _("run the same command again in a minute to see its status")
        if not own:
            again = _("run the same command again in a minute to see its status, and if this stays, keep one campaign titled "
                      "{title} in Mailchimp and delete the others", title=self.title)
        edition = self.edition.edition_id
        if rival is None:
            raise SendError(_("Mailchimp does not list campaign {campaign} of edition {edition}, so this run cannot tell whether "
                              "another one is sending it; {done}: {again}", campaign=campaign["id"], edition=edition, done=done, again=again))
        if created(rival) is not None and created(rival) == created(campaign):
            who = (_("another run created a campaign for edition {edition} in the same second as this one", edition=edition) if own
                   else _("two campaigns of edition {edition} were created in the same second", edition=edition))
            raise SendError(_("{who} ({rival} and {campaign}, {moment}), and Mailchimp cannot tell which came first; {done}: {again}",
                              who=who, rival=rival["id"], campaign=campaign["id"], moment=format_moment(rival["create_time"]),
                              done=done, again=again))
        when = _("on {moment}", moment=format_moment(rival["create_time"])) if rival.get("create_time") else _("at a time Mailchimp does not give")
        raise SendError(_("another run is sending edition {edition} (campaign {campaign}, status {status}, created {moment}); "
                          "{done}: {again}", edition=edition, campaign=rival["id"], status=campaign_status(rival.get("status")), moment=when,
                          done=done, again=again))

    def _discard(self, campaign: dict) -> str:
        """Delete this run's own draft, which gives way to another run's campaign."""
        try:
            self.mailchimp.delete_campaign(campaign["id"])
        except MailchimpError as error:
            return _("this run could not delete its own draft {campaign} (delete it in Mailchimp; {error})", campaign=campaign["id"], error=error)
        return _("this run deleted its own draft {campaign}", campaign=campaign["id"])

    def _taken(self, campaign: dict, error: MailchimpError) -> dict | None:
        """After Mailchimp refused a change to ``campaign``: stop if another run sent, scheduled
        or deleted it meanwhile; otherwise return it as it is now (None: not a refusal)."""
        if error.status is None or error.status >= 500 or error.status == 429:
            return None
        edition = self.edition.edition_id
        try:
            state = self.mailchimp.campaign(campaign["id"])
        except MailchimpError as missing:
            if missing.status == 404:
                raise SendError(_("campaign {campaign} of edition {edition} was deleted while this run prepared it (another run gave "
                                  "way): run the same command again in a minute to see its status", campaign=campaign["id"],
                                  edition=edition)) from None
            raise
        if state.get("status") in DONE:
            raise AlreadySent(state)
        if state.get("status") == "schedule" and campaign.get("status") != "schedule":
            raise SendError(_("another run scheduled edition {edition} for {moment} (campaign {campaign}) while this one prepared it; "
                              "this run sent nothing: run the same command again in a minute to see its status", edition=edition,
                              moment=format_moment(state.get("send_time") or ""), campaign=state["id"]))
        return state

    def prepare(self, campaign: dict, fresh: bool) -> dict:
        """The campaign with this edition's settings (unless just created with them) and content."""
        try:
            if not fresh:
                campaign = self.mailchimp.update_campaign(campaign["id"], self._body()) or campaign
            self.mailchimp.set_content(campaign["id"], self.rendered.html, self.rendered.text)
        except MailchimpError as error:
            self._taken(campaign, error)
            raise
        return campaign

    def require_ready(self, campaign: dict) -> None:
        checklist = self.mailchimp.checklist(campaign["id"])
        if not checklist.get("is_ready"):
            items = [f"  - {i.get('heading')}: {i.get('details')}" for i in checklist.get("items", []) if i.get("type") != "success"]
            raise SendError(_("Mailchimp's send checklist is not ready; nothing was sent:\n{items}", items="\n".join(items)))

    def _act(self, campaign: dict, call, action: str, expected: tuple[str, ...]) -> dict:
        """Make a send or schedule call at most three times, reading the status after each failure."""
        for attempt in range(3):
            try:
                call()
                break
            except MailchimpError as error:
                if self._settle(campaign, action, error, expected) or attempt == 2:
                    break
        return self.mailchimp.campaign(campaign["id"])

    def _settle(self, campaign: dict, action: str, error: MailchimpError, expected: tuple[str, ...]) -> dict | None:
        """After a send or schedule call failed: read the status before doing anything else. A
        refusal because another run sent or scheduled the campaign first ends the run."""
        if self._taken(campaign, error) is not None:
            raise error
        state = self.mailchimp.campaign(campaign["id"])
        if state.get("status") in expected:
            self.say(_("Mailchimp's answer to {action} was lost ({error}), but the campaign is {status}.", action=action, error=error,
                       status=campaign_status(state["status"])))
            return state
        return None

    # -- The actions ---------------------------------------------------------------------------
    def _already(self, done: AlreadySent, nothing_again: str) -> Outcome:
        return Outcome(_("Already sent on {moment}; {nothing_again}", moment=format_moment(done.campaign.get("send_time") or ""),
                         nothing_again=nothing_again), done.campaign)

    def test(self, emails: list[str]) -> Outcome:
        try:
            campaign, own = self._campaign()
            if campaign.get("status") != "schedule":
                campaign = self.prepare(campaign, fresh=own)
            self.mailchimp.send_test(campaign["id"], emails)
        except AlreadySent as done:
            return self._already(done, _("no test sent"))
        return Outcome(_("Test e-mail of {edition} sent to {emails}", edition=self.edition.edition_id, emails=", ".join(emails)),
                       self.mailchimp.campaign(campaign["id"]))

    def _to_deliver(self) -> dict:
        """The campaign made ready to go out (unscheduled first if it was scheduled), after a
        last look that no other campaign of the edition comes first."""
        campaign, own = self._campaign()
        if campaign.get("status") == "schedule":
            try:
                self.mailchimp.unschedule(campaign["id"])
            except MailchimpError as error:
                if (self._taken(campaign, error) or {}).get("status") != "save":  # "save": another run unscheduled it
                    raise
            campaign = self.mailchimp.campaign(campaign["id"])
        campaign = self.prepare(campaign, fresh=own)
        self.require_ready(campaign)
        self._check(self.mailchimp.campaigns_titled(self.title), campaign, own)
        return campaign

    def schedule(self, when: datetime) -> Outcome:
        utc = when.astimezone(timezone.utc).isoformat(timespec="seconds")
        try:
            campaign = self._to_deliver()
            state = self._act(campaign, lambda: self.mailchimp.schedule(campaign["id"], utc), _("the schedule call"), ("schedule",) + DONE)
        except AlreadySent as done:
            return self._already(done, _("nothing scheduled"))
        if state.get("status") != "schedule":
            raise SendError(_("the campaign could not be scheduled (status {status}); nothing was sent", status=campaign_status(state.get("status"))))
        return Outcome(_("Scheduled {edition} for {moment}", edition=self.edition.edition_id, moment=format_moment(when, str(when.tzinfo))), state)

    def send(self) -> Outcome:
        try:
            campaign = self._to_deliver()
            state = self._act(campaign, lambda: self.mailchimp.send(campaign["id"]), _("the send call"), DONE)
        except AlreadySent as done:
            return self._already(done, _("nothing sent again"))
        if state.get("status") not in DONE:
            raise SendError(_("Mailchimp did not send the campaign (status {status}); run the same command again later", status=campaign_status(state.get("status"))))
        return Outcome(_("Sent {edition}", edition=self.edition.edition_id), state)


def deliver(settings: dict, rendered: RenderedEdition, *, test: list[str] | None = None, schedule: str | None = None,
            send: bool = False, yes: bool = False, ask=None, say=print, environ=None) -> str:
    """Test, schedule or send an edition; return the line that says what happened.

    Everything is checked before the first network call.

    ``ask`` asks a person for confirmation (None when there is no terminal: then ``yes`` is
    required to send or schedule to the audience).
    """
    if sum(map(bool, (test, schedule, send))) > 1:
        raise SendError(_("give only one of --test, --schedule and --send"))
    if not (test or schedule or send):
        raise SendError(_("give one of --test, --schedule or --send"))
    edition = rendered.edition
    if (send or schedule) and edition.status != "published":
        raise SendError(_("edition {edition} is not published (Status: {status}): set Status: published in {path} before sending it",
                          edition=edition.edition_id, status=edition.status, path=display_path(Path(edition.source_path))))
    config = MailchimpConfig.load(settings, os.environ if environ is None else environ)
    when = parse_schedule(schedule, settings) if schedule else None
    if send or schedule:
        subject = plain_text(edition.subject)
        whole = config.segment_id is None
        if when:
            question = (_('Schedule "{subject}" to the whole audience on {moment}?', subject=subject, moment=format_moment(when, str(when.tzinfo)))
                        if whole else _('Schedule "{subject}" to a segment of the audience on {moment}?', subject=subject,
                                        moment=format_moment(when, str(when.tzinfo))))
        else:
            question = (_('Send "{subject}" to the whole audience now?', subject=subject) if whole
                        else _('Send "{subject}" to a segment of the audience now?', subject=subject))
        if not yes:
            if ask is None:
                raise SendError(_("{question} There is no terminal to confirm it: add --yes (in CI, for instance)", question=question))
            if not confirm(ask, question):
                raise SendError(_("you did not confirm"))
    mailchimp = Mailchimp(config)
    mailchimp.audience()
    sender = Sender(mailchimp, settings, rendered, say=say)
    outcome = sender.test(test) if test else sender.schedule(when) if when else sender.send()
    return outcome.line(config)
