"""One edition, one campaign, sent at most once.

The campaign of an edition is found again by its title ("tribune-2026-11"), so whatever
happened before (a run interrupted, a timeout, a send from CI) decides what happens now:

- sent or sending: say when, send nothing;
- scheduled: say when; only --send or a new --schedule changes it;
- a saved draft: update its settings and content, and go on with it;
- none: create it (after a failed create, look for it again before creating another).

Before a send or a schedule, the content is set and Mailchimp's send checklist must be ready.
After a send or schedule fails or times out, the campaign's status is read before anything
else: a send is never repeated blindly.
"""

import os
from dataclasses import dataclass
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from tribune.clock import now
from tribune.text import plain_text

from .mail import RenderedEdition
from .mailchimp import Mailchimp, MailchimpConfig, MailchimpError

DONE = ("sent", "sending")


class SendError(Exception):
    """The run stopped without sending; the message says why and what to do."""


@dataclass
class Outcome:
    """What happened, for the one line that ends every run."""

    what: str
    campaign: dict

    def line(self, config: MailchimpConfig) -> str:
        campaign = self.campaign
        archive = campaign.get("long_archive_url") or campaign.get("archive_url") or "-"
        admin = f"{config.admin_url}/campaigns/show/?id={campaign.get('web_id')}" if campaign.get("web_id") else config.admin_url
        return f"{self.what}: campaign {campaign.get('id')}, status {campaign.get('status')}, archive {archive}, admin {admin}"


def campaign_title(settings: dict, edition_id: str) -> str:
    return settings.get("NEWSLETTER_CAMPAIGN_TITLE", "tribune-{edition}").format(edition=edition_id)


def parse_schedule(value: str, settings: dict) -> datetime:
    """"2026-12-01 09:00" in the site's time zone; Mailchimp takes quarter hours in the future."""
    zone = ZoneInfo(settings.get("TIMEZONE", "UTC"))
    try:
        local = datetime.fromisoformat(value.strip().replace(" ", "T"))
    except ValueError:
        raise SendError(f'--schedule "{value}" is not a date and time (expected "YYYY-MM-DD HH:MM", in {zone.key})') from None
    local = local.replace(tzinfo=zone) if local.tzinfo is None else local.astimezone(zone)
    if local.minute % 15 or local.second:
        later = (local.minute // 15 + 1) * 15
        hint = f"{local.hour:02d}:{later:02d}" if later < 60 else f"{(local.hour + 1) % 24:02d}:00"
        raise SendError(f"--schedule {local:%H:%M}: Mailchimp only schedules on the quarter hour (:00, :15, :30, :45); try {hint}")
    if local <= now(zone.key):
        raise SendError(f"--schedule {local:%Y-%m-%d %H:%M} is in the past ({zone.key}): Mailchimp only schedules in the future")
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

    def _create(self) -> dict:
        """Create the campaign; if the call fails, look for it before trying again."""
        for attempt in range(3):
            try:
                return self.mailchimp.create_campaign(self._body())
            except MailchimpError as error:
                if error.status is not None and error.status < 500:
                    raise
                found = self.mailchimp.find_campaign(self.title)
                if found:
                    self.say(f"The campaign was created although Mailchimp's answer was lost ({error}); going on with it.")
                    return found
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def existing(self) -> dict | None:
        return self.mailchimp.find_campaign(self.title)

    def prepare(self, campaign: dict | None) -> dict:
        """A saved campaign with this edition's settings and content."""
        if campaign is None:
            campaign = self._create()
        else:
            campaign = self.mailchimp.update_campaign(campaign["id"], self._body()) or campaign
        self.mailchimp.set_content(campaign["id"], self.rendered.html, self.rendered.text)
        return campaign

    def require_ready(self, campaign: dict) -> None:
        checklist = self.mailchimp.checklist(campaign["id"])
        if not checklist.get("is_ready"):
            items = [f"  - {i.get('heading')}: {i.get('details')}" for i in checklist.get("items", []) if i.get("type") != "success"]
            raise SendError("Mailchimp's send checklist is not ready; nothing was sent:\n" + "\n".join(items))

    def _act(self, campaign_id: str, call, action: str, expected: tuple[str, ...]) -> dict:
        """Make a send or schedule call at most three times, reading the status after each failure."""
        for attempt in range(3):
            try:
                call()
                break
            except MailchimpError as error:
                if self._settle(campaign_id, action, error, expected) or attempt == 2:
                    break
        return self.mailchimp.campaign(campaign_id)

    def _settle(self, campaign_id: str, action: str, error: MailchimpError, expected: tuple[str, ...]) -> dict | None:
        """After a send or schedule call failed: read the status before doing anything else."""
        state = self.mailchimp.campaign(campaign_id)
        if state.get("status") in expected:
            self.say(f"Mailchimp's answer to {action} was lost ({error}), but the campaign is {state['status']}.")
            return state
        if error.status is not None and error.status < 500 and error.status != 429:
            raise error
        return None

    # -- The actions ---------------------------------------------------------------------------
    def test(self, emails: list[str]) -> Outcome:
        campaign = self.existing()
        if campaign and campaign.get("status") in DONE:
            return Outcome(f"Already sent on {campaign.get('send_time')}; no test sent", campaign)
        if campaign and campaign.get("status") == "schedule":
            self.mailchimp.send_test(campaign["id"], emails)
        else:
            campaign = self.prepare(campaign)
            self.mailchimp.send_test(campaign["id"], emails)
        return Outcome(f"Test e-mail of {self.edition.edition_id} sent to {', '.join(emails)}", self.mailchimp.campaign(campaign["id"]))

    def _to_deliver(self, nothing_again: str) -> tuple[dict, Outcome | None]:
        """The campaign made ready to go out (unscheduled first if it was scheduled); or, when
        it went out already, the outcome that says so and ``nothing_again``."""
        campaign = self.existing()
        if campaign and campaign.get("status") in DONE:
            return campaign, Outcome(f"Already sent on {campaign.get('send_time')}; {nothing_again}", campaign)
        if campaign and campaign.get("status") == "schedule":
            self.mailchimp.unschedule(campaign["id"])
            campaign = self.mailchimp.campaign(campaign["id"])
        campaign = self.prepare(campaign)
        self.require_ready(campaign)
        return campaign, None

    def schedule(self, when: datetime) -> Outcome:
        campaign, already = self._to_deliver("nothing scheduled")
        if already:
            return already
        utc = when.astimezone(timezone.utc).isoformat(timespec="seconds")
        state = self._act(campaign["id"], lambda: self.mailchimp.schedule(campaign["id"], utc), "the schedule call", ("schedule",) + DONE)
        if state.get("status") != "schedule":
            raise SendError(f"the campaign could not be scheduled (status {state.get('status')}); nothing was sent")
        return Outcome(f"Scheduled {self.edition.edition_id} for {when:%Y-%m-%d %H:%M} ({when.tzinfo})", state)

    def send(self) -> Outcome:
        campaign, already = self._to_deliver("nothing sent again")
        if already:
            return already
        state = self._act(campaign["id"], lambda: self.mailchimp.send(campaign["id"]), "the send call", DONE)
        if state.get("status") not in DONE:
            raise SendError(f"Mailchimp did not send the campaign (status {state.get('status')}); run the same command again later")
        return Outcome(f"Sent {self.edition.edition_id}", state)


def deliver(settings: dict, rendered: RenderedEdition, *, test: list[str] | None = None, schedule: str | None = None,
            send: bool = False, yes: bool = False, ask=None, say=print, environ=None) -> str:
    """Test, schedule or send an edition; return the line that says what happened.

    Everything is checked before the first network call.

    ``ask`` asks a person for confirmation (None when there is no terminal: then ``yes`` is
    required to send or schedule to the audience).
    """
    if sum(map(bool, (test, schedule, send))) != 1:
        raise SendError("give one of --test, --schedule or --send")
    edition = rendered.edition
    if (send or schedule) and edition.status != "published":
        raise SendError(f"edition {edition.edition_id} is a {edition.status}: set Status: published before sending it")
    config = MailchimpConfig.load(settings, os.environ if environ is None else environ)
    when = parse_schedule(schedule, settings) if schedule else None
    if send or schedule:
        audience = "a segment of the audience" if config.segment_id is not None else "the whole audience"
        question = f'{"Send" if send else "Schedule"} "{plain_text(edition.subject)}" to {audience}' + (f" at {when:%Y-%m-%d %H:%M}" if when else " now") + "?"
        if not yes:
            if ask is None:
                raise SendError(f"{question.rstrip('?')}: there is no terminal to confirm it; add --yes (in CI, for instance)")
            if not ask(question + " [y/N] ").strip().lower().startswith(("y", "o")):
                raise SendError("not confirmed; nothing was sent")
    mailchimp = Mailchimp(config)
    mailchimp.audience()
    sender = Sender(mailchimp, settings, rendered, say=say)
    outcome = sender.test(test) if test else sender.schedule(when) if when else sender.send()
    return outcome.line(config)
