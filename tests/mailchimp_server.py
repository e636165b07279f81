"""A small Mailchimp-compatible HTTP server on 127.0.0.1, for the tests of the sending.

It implements the endpoints Tribune uses, with Mailchimp's behaviour as documented: Basic
auth with the API key, campaign states (save, schedule, sending, sent), required fields,
the send checklist, quarter-hour schedule times in the future, problem+json errors; the list
of campaigns filtered by audience and sorted by create_time or send_time (in no promised
order otherwise), creation times to the second, a campaign deleted unless it went out. One
request at a time changes the campaigns, as Mailchimp sends a campaign once however many ask.

And it injects faults on demand: 429 for the next N calls, a 500, a connection dropped after
the work is done, a response slower than the client's timeout, a twin created by another
machine just before this create; and, for every request, a latency (``state.latency``), a
clock the test may freeze or make tick (``state.clock``), a meeting point where several runs
start together (``state.together``).
"""

import base64
import copy
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


#: The API key the tests' server accepts (its suffix names a data center, as real keys do).
KEY = "0123456789abcdef0123456789abcdef-us21"


@dataclass
class Fault:
    """Applies to the next ``times`` requests matching ``method`` and ``path`` (a regex)."""

    kind: str  # "429", "500", "drop" (work done, no answer), "slow" (work done, late answer),
    # "twin" (another machine creates the same campaign just before this create is handled),
    # "sent twin" (another machine's copy of the campaign in the path is sent just before this request)
    method: str
    path: str
    times: int = 1


@dataclass
class State:
    api_key: str
    audience_id: str = "aud123"
    audience_name: str = "Guilde Boussole"
    members: int = 1342
    now: datetime = field(default_factory=lambda: datetime.now(timezone.utc))  # Mailchimp's time when it starts
    clock: Callable[[], datetime] | None = None  # Mailchimp's time; default: ``now`` moving on in real time
    latency: float = 0.0  # seconds every answer takes, half before the work and half after
    together: threading.Barrier | None = None  # runs wait for each other at their first request
    slow_seconds: float = 2.0
    campaigns: dict = field(default_factory=dict)
    requests: list = field(default_factory=list)  # (method, path, body)
    sends: list = field(default_factory=list)  # campaign ids, one per real send
    tests: list = field(default_factory=list)  # (campaign id, emails)
    faults: list = field(default_factory=list)
    reports: dict = field(default_factory=dict)  # campaign id -> the /reports/{id} body
    clicks: dict = field(default_factory=dict)  # campaign id -> urls_clicked
    growth: list = field(default_factory=list)  # the audience's growth history
    lock: threading.Lock = field(default_factory=threading.Lock)
    started: float = field(default_factory=time.monotonic)

    def time(self) -> datetime:
        return self.clock() if self.clock else self.now + timedelta(seconds=time.monotonic() - self.started)


def ticking(start: datetime) -> Callable[[], datetime]:
    """A clock one second further on at every reading: no two campaigns share a create_time."""
    seconds = iter(range(10**9))
    return lambda: start + timedelta(seconds=next(seconds))


def _problem(status: int, title: str, detail: str, errors=None) -> tuple[int, dict]:
    body = {"type": "https://mailchimp.com/developer/marketing/docs/errors/", "title": title, "status": status,
            "detail": detail, "instance": secrets.token_hex(8)}
    if errors:
        body["errors"] = errors
    return status, body


class Handler(BaseHTTPRequestHandler):
    server_version = "FakeMailchimp/1.0"

    def log_message(self, *args):
        pass

    @property
    def state(self) -> State:
        return self.server.state

    # -- plumbing ---------------------------------------------------------------------------
    def _send(self, status: int, body=None):
        if isinstance(body, dict) and "_content" in body:
            body = {k: v for k, v in body.items() if k != "_content"}  # kept server-side, as Mailchimp does
        payload = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        if body is not None:
            kind = "application/problem+json" if status >= 400 else "application/json; charset=utf-8"
            self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _fault(self, method: str, path: str) -> str | None:
        with self.state.lock:
            for fault in self.state.faults:
                if fault.times > 0 and fault.method == method and re.search(fault.path, path):
                    fault.times -= 1
                    return fault.kind
        return None

    def _authorised(self) -> bool:
        header = self.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return False
        try:
            _, _, key = base64.b64decode(header[6:]).decode().partition(":")
        except ValueError:
            return False
        return key == self.state.api_key

    def _handle(self, method: str):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        path = self.path.split("?")[0]
        self.state.requests.append((method, path, body))
        if not self._authorised():
            return self._send(*_problem(401, "API Key Invalid", "Your API key may be invalid, or you've attempted to access the wrong datacenter."))
        if self.state.together and method == "GET" and path == f"/3.0/lists/{self.state.audience_id}":
            try:
                self.state.together.wait()
            except threading.BrokenBarrierError:
                pass  # the other run never came: go on alone
        time.sleep(self.state.latency / 2)
        fault = self._fault(method, path)
        if fault == "429":
            return self._send(*_problem(429, "Too Many Requests", "You have exceeded the limit of 10 simultaneous connections."))
        if fault == "500":
            return self._send(*_problem(500, "Internal Server Error", "An unexpected internal error has occurred."))
        with self.state.lock:
            if fault == "twin":
                self._create(body or {})
            if fault == "sent twin":
                self._send_twin(path)
            status, answer = self._route(method, path, body)
            answer = copy.deepcopy(answer)  # as it is now: other requests may change the campaign meanwhile
        time.sleep(self.state.latency / 2)
        if fault == "drop":
            self.close_connection = True
            self.connection.close()  # the work is done; the client never hears of it
            return None
        if fault == "slow":
            time.sleep(self.state.slow_seconds)
        return self._send(status, answer)

    def do_GET(self):
        self._handle("GET")

    def do_POST(self):
        self._handle("POST")

    def do_PATCH(self):
        self._handle("PATCH")

    def do_PUT(self):
        self._handle("PUT")

    def do_DELETE(self):
        self._handle("DELETE")

    # -- Mailchimp --------------------------------------------------------------------------
    def _route(self, method: str, path: str, body):
        state = self.state
        if m := re.fullmatch(r"/3\.0/lists/([^/]+)", path):
            if method == "GET" and m.group(1) == state.audience_id:
                return 200, {"id": state.audience_id, "name": state.audience_name, "stats": {"member_count": state.members}}
            return _problem(404, "Resource Not Found", "The requested resource could not be found.")
        if m := re.fullmatch(r"/3\.0/lists/([^/]+)/growth-history", path):
            if m.group(1) != state.audience_id:
                return _problem(404, "Resource Not Found", "The requested resource could not be found.")
            return 200, {"list_id": state.audience_id, "history": state.growth, "total_items": len(state.growth)}
        if m := re.fullmatch(r"/3\.0/reports/([^/]+)(/click-details)?", path):
            if m.group(1) not in state.reports:
                return _problem(404, "Resource Not Found", "The requested resource could not be found.")
            if m.group(2):
                urls = state.clicks.get(m.group(1), [])
                return 200, {"urls_clicked": urls, "campaign_id": m.group(1), "total_items": len(urls)}
            return 200, state.reports[m.group(1)]
        if path == "/3.0/campaigns" and method == "GET":
            return self._list({name: values[-1] for name, values in parse_qs(urlsplit(self.path).query).items()})
        if path == "/3.0/campaigns" and method == "POST":
            return self._create(body or {})
        m = re.fullmatch(r"/3\.0/campaigns/([^/]+)(/.*)?", path)
        if not m or m.group(1) not in state.campaigns:
            return _problem(404, "Resource Not Found", "The requested resource could not be found.")
        campaign, rest = state.campaigns[m.group(1)], m.group(2) or ""
        if rest == "" and method == "GET":
            return 200, campaign
        if rest == "" and method == "DELETE":
            if campaign["status"] in ("sending", "sent"):
                return _problem(400, "Bad Request", f"This campaign cannot be deleted because its status is {campaign['status']}.")
            del state.campaigns[campaign["id"]]
            return 204, None
        if rest == "" and method == "PATCH":
            if campaign["status"] not in ("save", "paused"):
                return _problem(400, "Bad Request", f"This campaign cannot be updated because its status is {campaign['status']}.")
            campaign["settings"].update((body or {}).get("settings", {}))
            campaign["recipients"].update((body or {}).get("recipients", {}))
            return 200, campaign
        if rest == "/content" and method == "PUT":
            if campaign["status"] not in ("save", "paused"):
                return _problem(400, "Bad Request", "The content of a scheduled or sent campaign cannot change.")
            campaign["_content"] = {"html": (body or {}).get("html", ""), "plain_text": (body or {}).get("plain_text", "")}
            return 200, {"html": campaign["_content"]["html"], "plain_text": campaign["_content"]["plain_text"]}
        if rest == "/send-checklist" and method == "GET":
            return 200, self._checklist(campaign)
        if rest == "/actions/test" and method == "POST":
            emails = (body or {}).get("test_emails") or []
            if not emails or not all(re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", e) for e in emails):
                return _problem(400, "Invalid Resource", "The resource submitted could not be validated.", [{"field": "test_emails", "message": "Enter valid e-mail addresses."}])
            state.tests.append((campaign["id"], emails))
            return 204, None
        if rest == "/actions/schedule" and method == "POST":
            return self._schedule(campaign, (body or {}).get("schedule_time", ""))
        if rest == "/actions/unschedule" and method == "POST":
            if campaign["status"] != "schedule":
                return _problem(400, "Bad Request", "This campaign is not scheduled.")
            campaign["status"], campaign["send_time"] = "save", ""
            return 204, None
        if rest == "/actions/send" and method == "POST":
            if campaign["status"] in ("sending", "sent"):
                return _problem(400, "Bad Request", "This campaign has already been sent.")
            if not self._checklist(campaign)["is_ready"]:
                return _problem(400, "Bad Request", "Your Campaign is not ready to send.")
            campaign["status"], campaign["send_time"] = "sent", state.time().isoformat(timespec="seconds")
            state.sends.append(campaign["id"])
            return 204, None
        return _problem(405, "Method Not Allowed", f"{method} {path} is not allowed.")

    def _list(self, query: dict):
        """GET /campaigns: the filters and sorting Mailchimp documents that Tribune uses."""
        errors = []
        if query.get("sort_field", "create_time") not in ("create_time", "send_time"):
            errors.append({"field": "sort_field", "message": "Value must be one of: create_time, send_time."})
        if query.get("sort_dir", "ASC") not in ("ASC", "DESC"):
            errors.append({"field": "sort_dir", "message": "Value must be one of: ASC, DESC."})
        if not all(query.get(name, "0").isdigit() for name in ("count", "offset")) or int(query.get("count", 10)) > 1000:
            errors.append({"field": "count", "message": "count and offset are whole numbers; count is at most 1000."})
        if errors:
            return _problem(400, "Invalid Resource", "The resource submitted could not be validated.", errors)
        listed = [c for c in self.state.campaigns.values() if c["recipients"]["list_id"] == query.get("list_id", c["recipients"]["list_id"])]
        listed.sort(key=lambda c: c["id"])  # without sort_field, Mailchimp promises no order: not the creation order either
        if "sort_field" in query:
            listed.sort(key=lambda c: c.get(query["sort_field"]) or "", reverse=query.get("sort_dir") == "DESC")
        offset, count = int(query.get("offset", 0)), int(query.get("count", 10))
        return 200, {"campaigns": listed[offset:offset + count], "total_items": len(listed)}

    def _create(self, body: dict):
        errors = []
        if body.get("type") not in ("regular", "plaintext", "rss", "variate"):
            errors.append({"field": "type", "message": "Required fields were not provided: type"})
        if (body.get("recipients") or {}).get("list_id") != self.state.audience_id:
            errors.append({"field": "recipients.list_id", "message": "Required fields were not provided: list_id"})
        if errors:
            return _problem(400, "Invalid Resource", "The resource submitted could not be validated.", errors)
        campaign_id, web_id = secrets.token_hex(5), 1000 + secrets.randbelow(10**6)  # web_id: no promised order
        campaign = {
            "id": campaign_id, "web_id": web_id, "type": body["type"], "status": "save", "send_time": "",
            "create_time": self.state.time().isoformat(timespec="seconds"),  # to the second, as Mailchimp gives it
            "archive_url": f"http://eepurl.com/{campaign_id}",
            "long_archive_url": f"https://us21.campaign-archive.com/?u=abc&id={campaign_id}",
            "recipients": dict(body["recipients"]), "settings": dict(body.get("settings") or {}), "_content": {"html": "", "plain_text": ""},
        }
        self.state.campaigns[campaign_id] = campaign
        return 200, campaign

    def _send_twin(self, path: str) -> None:
        """Another machine, which never saw the campaign in ``path``, sends its own copy of it."""
        source = self.state.campaigns[re.fullmatch(r"/3\.0/campaigns/([^/]+)(/.*)?", path).group(1)]
        _, twin = self._create({"type": source["type"], "recipients": source["recipients"], "settings": source["settings"]})
        twin["status"], twin["send_time"] = "sent", self.state.time().isoformat(timespec="seconds")
        self.state.sends.append(twin["id"])

    def _checklist(self, campaign: dict) -> dict:
        items = []
        settings, html = campaign["settings"], campaign["_content"]["html"]
        if not html:
            items.append({"type": "error", "id": 1, "heading": "Content", "details": "Your campaign has no content."})
        if not settings.get("subject_line"):
            items.append({"type": "error", "id": 2, "heading": "Subject line", "details": "Your campaign needs a subject line."})
        if not settings.get("reply_to") or not settings.get("from_name"):
            items.append({"type": "error", "id": 3, "heading": "From", "details": "Your campaign needs a from name and a reply-to address."})
        if html and "*|UNSUB|*" not in html:
            items.append({"type": "error", "id": 4, "heading": "Unsubscribe link", "details": "Your campaign has no *|UNSUB|* link."})
        return {"is_ready": not items, "items": items or [{"type": "success", "id": 0, "heading": "Ready", "details": "Ready to send."}]}

    def _schedule(self, campaign: dict, when: str):
        try:
            moment = datetime.fromisoformat(when.replace("Z", "+00:00"))
        except ValueError:
            return _problem(400, "Invalid Resource", "The resource submitted could not be validated.", [{"field": "schedule_time", "message": "This value is not a valid date."}])
        if moment.minute % 15 or moment.second or moment <= self.state.time():
            return _problem(400, "Invalid Resource", "Schedule time must be in the future and on the quarter-hour (:00, :15, :30, :45).")
        if campaign["status"] not in ("save", "paused"):
            return _problem(400, "Bad Request", f"This campaign cannot be scheduled because its status is {campaign['status']}.")
        if not self._checklist(campaign)["is_ready"]:
            return _problem(400, "Bad Request", "Your Campaign is not ready to send.")
        campaign["status"], campaign["send_time"] = "schedule", moment.isoformat(timespec="seconds")
        return 204, None


class FakeMailchimp:
    """Started on a free port of 127.0.0.1; ``url`` is what MAILCHIMP_API_URL takes."""

    def __init__(self, api_key: str):
        self.state = State(api_key=api_key)
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.state = self.state
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/3.0"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()

    def inject(self, kind: str, method: str, path: str, times: int = 1) -> None:
        self.state.faults.append(Fault(kind, method, path, times))

    def campaigns_titled(self, title: str) -> list[dict]:
        return [c for c in self.state.campaigns.values() if c["settings"].get("title") == title]


def sent_campaign(server: FakeMailchimp, title: str, subject: str, sent: int, opens: int, proxy_excluded: int, clicks: int,
                  unsubscribed: int = 0, bounces: tuple = (0, 0), abuse: int = 0, send_time: str = "2026-11-25T08:00:00+00:00") -> str:
    """A campaign already sent, with Mailchimp's report figures for it: its rates as Mailchimp
    computes them, over the e-mails delivered (sent minus bounces), not over those sent."""
    campaign_id = secrets.token_hex(5)
    server.state.campaigns[campaign_id] = {
        "id": campaign_id, "web_id": len(server.state.campaigns) + 2000, "type": "regular", "status": "sent", "send_time": send_time,
        "create_time": send_time,
        "archive_url": "", "long_archive_url": "", "recipients": {"list_id": server.state.audience_id},
        "settings": {"title": title, "subject_line": subject}, "_content": {"html": "*|UNSUB|*", "plain_text": ""},
    }
    delivered = sent - bounces[0] - bounces[1]
    server.state.reports[campaign_id] = {
        "id": campaign_id, "campaign_title": title, "subject_line": subject, "emails_sent": sent, "abuse_reports": abuse,
        "unsubscribed": unsubscribed, "send_time": send_time,
        "bounces": {"hard_bounces": bounces[0], "soft_bounces": bounces[1], "syntax_errors": 0},
        "opens": {"opens_total": opens * 2, "unique_opens": opens, "open_rate": opens / delivered if delivered > 0 else 0,
                  "proxy_excluded_opens": proxy_excluded * 2, "proxy_excluded_unique_opens": proxy_excluded,
                  "proxy_excluded_open_rate": proxy_excluded / delivered if delivered > 0 else 0},
        "clicks": {"clicks_total": clicks * 3, "unique_clicks": clicks, "unique_subscriber_clicks": clicks,
                   "click_rate": clicks / delivered if delivered > 0 else 0},
    }
    return campaign_id
