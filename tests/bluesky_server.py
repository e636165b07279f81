"""A Bluesky-compatible PDS on 127.0.0.1 for the tests of posting: the XRPC methods Tribune's
client (the atproto SDK) calls, checked as a PDS and the lexicons check them.

- com.atproto.server.createSession with the handle and the app password (401
  "AuthenticationRequired: Invalid identifier or password" otherwise); access tokens are JWTs
  whose ``exp`` the SDK reads; every other call needs ``Authorization: Bearer``.
- app.bsky.actor.getProfile (which the SDK asks for at login).
- com.atproto.repo.uploadBlob: the bytes are an image (by their first bytes), kept as a blob.
- com.atproto.repo.createRecord of ``app.bsky.feed.post``: the lexicon's limits (``text`` at
  most 300 graphemes, counted with the ``grapheme`` package, and 3,000 UTF-8 bytes; at most 3
  ``langs``; a ``createdAt`` datetime), every facet's byte offsets inside the text and on
  character boundaries, a link facet over the text that shows its address, a tag facet over
  "#" and its tag; the external embed's ``uri``, ``title``, ``description``, and its ``thumb``,
  a blob of this repository, an image of at most 1,000,000 bytes; the record key a TID. A
  second record at a key is refused as the PDS refuses it (its repository tree holds one
  value per key: an internal error).
- com.atproto.repo.getRecord (400 RecordNotFound) and listRecords (by record key, newest
  first, as the PDS lists them).
- What the PDS proxies to the AppView: app.bsky.feed.getPostThread (the thread below a post
  down to ``depth``, 6 by default and at most 1,000, each post's view with its author, record,
  reply, repost, like and quote counts; 400 NotFound for a deleted post) and
  app.bsky.feed.getQuotes (newest first, ``limit`` 1 to 100, 50 by default, and a ``cursor``
  to the next page). Other people's replies, quotes, likes and reposts are put there by the
  tests (:meth:`FakeBluesky.reply`, :meth:`FakeBluesky.quote`), with their facets and their
  authors' self-labels (``!no-unauthenticated``).
- For the veille, app.bsky.feed.searchPosts over other accounts' posts (``state.public``, see
  :meth:`FakeBluesky.speak`), as the AppView answers it through the PDS: signed in only, ``q``
  required, ``limit`` from 1 to 100, ``sort`` top or latest, every word of ``q`` in the text.
"""

import base64
import hashlib
import json
import re
import time
from dataclasses import dataclass, field
from datetime import datetime

import grapheme

from .stand_in import StandIn

HANDLE = "editionsboussole.bsky.social"
APP_PASSWORD = "abcd-efgh-ijkl-mnop"
DID = "did:plc:guildeboussole0000000000"
_TID = re.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$")


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


@dataclass
class BlueskyState:
    handle: str = HANDLE
    password: str = APP_PASSWORD
    did: str = DID
    tokens: set = field(default_factory=set)
    blobs: dict = field(default_factory=dict)  # cid -> (mime, size)
    records: dict = field(default_factory=dict)  # rkey -> {"uri", "cid", "value"}
    posts: int = 0
    sessions: int = 0
    others: dict = field(default_factory=dict)  # at:// URI -> other people's posts {"author", "value", "indexedAt"}
    likes: dict = field(default_factory=dict)  # at:// URI -> likes
    reposts: dict = field(default_factory=dict)  # at:// URI -> reposts
    made: int = 0  # other people's posts made so far
    public: list = field(default_factory=list)  # other accounts' post views, oldest first


def _error(status: int, error: str, message: str):
    return status, {"error": error, "message": message}, {}


class FakeBluesky(StandIn):
    def __init__(self):
        super().__init__()
        self.state = BlueskyState()

    def too_many(self):
        return 429, {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}, {
            "ratelimit-limit": "5000", "ratelimit-remaining": "0", "ratelimit-reset": str(int(time.time()) + 1), "ratelimit-policy": "5000;w=3600"}

    def internal_error(self):
        return _error(500, "InternalServerError", "Internal Server Error")

    def _jwt(self, scope: str, hours: int) -> str:
        now = int(time.time())
        token = ".".join([_b64({"typ": "at+jwt", "alg": "ES256K"}), _b64({"scope": scope, "sub": self.state.did, "iat": now,
                          "exp": now + hours * 3600, "aud": "did:web:127.0.0.1"}), base64.urlsafe_b64encode(hashlib.sha256(
                          str(time.time_ns()).encode()).digest()).rstrip(b"=").decode()])
        self.state.tokens.add(token)
        return token

    def route(self, method, path, query, headers, body):
        name = path.removeprefix("/xrpc/")
        if method == "POST" and name == "com.atproto.server.createSession":
            data = json.loads(body or b"{}")
            if data.get("identifier") not in (self.state.handle, self.state.did) or data.get("password") != self.state.password:
                return _error(401, "AuthenticationRequired", "Invalid identifier or password")
            self.state.sessions += 1
            return 200, {"accessJwt": self._jwt("com.atproto.appPass", 2), "refreshJwt": self._jwt("com.atproto.refresh", 24 * 60),
                         "handle": self.state.handle, "did": self.state.did, "active": True,
                         "didDoc": {"@context": ["https://www.w3.org/ns/did/v1"], "id": self.state.did,
                                    "alsoKnownAs": [f"at://{self.state.handle}"], "verificationMethod": [],
                                    "service": [{"id": "#atproto_pds", "type": "AtprotoPersonalDataServer", "serviceEndpoint": self.url}]}}, {}
        authorization = headers.get("Authorization", "")
        if not authorization.startswith("Bearer ") or authorization[7:] not in self.state.tokens:
            return _error(401, "AuthenticationRequired", "Authentication Required")
        if method == "GET" and name == "app.bsky.actor.getProfile":
            if query.get("actor") not in (self.state.handle, self.state.did):
                return _error(400, "InvalidRequest", "Profile not found")
            return 200, {"did": self.state.did, "handle": self.state.handle, "displayName": "Éditions Boussole"}, {}
        if method == "POST" and name == "com.atproto.repo.uploadBlob":
            return self._upload(headers, body)
        if method == "POST" and name == "com.atproto.repo.createRecord":
            return self._create(json.loads(body or b"{}"))
        if method == "GET" and name == "com.atproto.repo.getRecord":
            record = self.state.records.get(query.get("rkey", ""))
            if query.get("repo") not in (self.state.did, self.state.handle) or query.get("collection") != "app.bsky.feed.post" or not record:
                return _error(400, "RecordNotFound", f"Could not locate record: at://{query.get('repo')}/{query.get('collection')}/{query.get('rkey')}")
            return 200, record, {}
        if method == "GET" and name == "com.atproto.repo.listRecords":
            limit = int(query.get("limit", 50))
            if not 1 <= limit <= 100:
                return _error(400, "InvalidRequest", "limit must be between 1 and 100")
            listed = [self.state.records[key] for key in sorted(self.state.records, reverse=True)][:limit]
            return 200, {"records": listed}, {}
        if method == "GET" and name == "app.bsky.feed.getPostThread":
            return self._thread(query)
        if method == "GET" and name == "app.bsky.feed.getQuotes":
            return self._quotes(query)
        if method == "GET" and name == "app.bsky.feed.searchPosts":
            words = str(query.get("q", "")).casefold().split()
            if not words:
                return _error(400, "InvalidRequest", 'Error: Params must have the property "q"')
            limit = int(query.get("limit", 25))
            if not 1 <= limit <= 100 or query.get("sort", "latest") not in ("top", "latest"):
                return _error(400, "InvalidRequest", "Error: limit must be between 1 and 100, sort top or latest")
            found = [p for p in reversed(self.state.public) if all(word in p["record"]["text"].casefold() for word in words)]
            return 200, {"posts": found[:limit], "hitsTotal": len(found)}, {}
        return _error(501, "MethodNotImplemented", "Method Not Implemented")

    def speak(self, text: str, handle: str, created_at: str, langs: list | None = None) -> dict:
        """A post of another account, as a post view of the AppView."""
        did = "did:plc:" + hashlib.sha256(handle.encode()).hexdigest()[:24]
        rkey = self._tid()
        record = {"$type": "app.bsky.feed.post", "text": text, "createdAt": created_at, "langs": langs or ["fr"]}
        view = {"uri": f"at://{did}/app.bsky.feed.post/{rkey}", "cid": "bafyrei" + hashlib.sha256(text.encode()).hexdigest()[:52],
                "author": {"did": did, "handle": handle, "displayName": handle.split(".")[0]}, "record": record,
                "indexedAt": created_at, "replyCount": 0, "repostCount": 0, "likeCount": 0}
        self.state.public.append(view)
        return view

    def _upload(self, headers, body):
        if body.startswith(b"\x89PNG\r\n\x1a\n"):
            mime = "image/png"
        elif body.startswith(b"\xff\xd8\xff"):
            mime = "image/jpeg"
        else:
            mime = headers.get("Content-Type") or "application/octet-stream"
        cid = "bafkrei" + hashlib.sha256(body).hexdigest()[:52]
        self.state.blobs[cid] = (mime, len(body))
        return 200, {"blob": {"$type": "blob", "ref": {"$link": cid}, "mimeType": mime, "size": len(body)}}, {}

    def _create(self, data: dict):
        if data.get("repo") not in (self.state.did, self.state.handle):
            return _error(400, "InvalidRequest", f"Could not find repo: {data.get('repo')}")
        if data.get("collection") != "app.bsky.feed.post":
            return _error(400, "InvalidRequest", "Unsupported collection")
        rkey = data.get("rkey") or self._tid()
        if not _TID.match(rkey):
            return _error(400, "InvalidRequest", f"Invalid record key: {rkey}")
        problem = self.invalid(data.get("record") or {})
        if problem:
            return _error(400, "InvalidRequest", f"Invalid app.bsky.feed.post record: {problem}")
        if rkey in self.state.records:
            return self.internal_error()  # the repository tree: "There is already a value at key"
        uri = f"at://{self.state.did}/app.bsky.feed.post/{rkey}"
        cid = "bafyrei" + hashlib.sha256(json.dumps(data["record"], sort_keys=True).encode()).hexdigest()[:52]
        self.state.records[rkey] = {"uri": uri, "cid": cid, "value": data["record"]}
        self.state.posts += 1
        return 200, {"uri": uri, "cid": cid, "validationStatus": "valid"}, {}

    def _tid(self) -> str:
        value = (time.time_ns() // 1000) << 10
        return "".join("234567abcdefghijklmnopqrstuvwxyz"[(value >> shift) & 31] for shift in range(60, -1, -5))

    def invalid(self, record: dict) -> str | None:
        """What the lexicon (and the facets' offsets) refuse in a post record; None: valid."""
        if record.get("$type") != "app.bsky.feed.post":
            return "$type must be app.bsky.feed.post"
        text = record.get("text")
        if not isinstance(text, str):
            return "text must be a string"
        if grapheme.length(text) > 300:
            return f"Record/text must not be longer than 300 graphemes ({grapheme.length(text)})"
        raw = text.encode("utf-8")
        if len(raw) > 3000:
            return "Record/text must not be longer than 3000 characters"
        try:
            datetime.fromisoformat(record.get("createdAt", "").replace("Z", "+00:00"))
        except ValueError:
            return "Record/createdAt must be a valid datetime"
        if len(record.get("langs") or []) > 3:
            return "Record/langs must not have more than 3 elements"
        for facet in record.get("facets") or []:
            start, end = facet["index"]["byteStart"], facet["index"]["byteEnd"]
            if not 0 <= start < end <= len(raw):
                return f"facet {start}-{end} is outside the text ({len(raw)} bytes)"
            try:
                covered = raw[start:end].decode("utf-8")
            except UnicodeDecodeError:
                return f"facet {start}-{end} cuts a character"
            for feature in facet["features"]:
                kind = feature.get("$type")
                if kind == "app.bsky.richtext.facet#link":
                    shown = covered.removesuffix("…").removesuffix("...")
                    address = feature["uri"].split("://", 1)[-1]
                    if not feature["uri"].startswith(("https://", "http://")) or not (address.startswith(shown) or feature["uri"].startswith(shown)):
                        return f"link facet over \"{covered}\" does not show {feature['uri']}"
                elif kind == "app.bsky.richtext.facet#tag":
                    if covered != "#" + feature["tag"] or grapheme.length(feature["tag"]) > 64:
                        return f"tag facet over \"{covered}\" is not #{feature['tag']}"
                elif kind == "app.bsky.richtext.facet#mention":
                    return "this stand-in's account mentions no one"
                else:
                    return f"unknown facet feature {kind}"
        embed = record.get("embed")
        if embed:
            if embed.get("$type") != "app.bsky.embed.external":
                return f"unexpected embed {embed.get('$type')}"
            external = embed.get("external") or {}
            if not all(isinstance(external.get(key), str) for key in ("uri", "title", "description")):
                return "Record/embed/external must have uri, title and description"
            thumb = external.get("thumb")
            if thumb:
                known = self.state.blobs.get((thumb.get("ref") or {}).get("$link"))
                if known is None:
                    return "Could not find blob of the thumb"
                if not thumb.get("mimeType", "").startswith("image/") or known[1] > 1_000_000:
                    return "Record/embed/external/thumb must be an image of at most 1000000 bytes"
        return None

    def texts(self) -> list[str]:
        return [record["value"]["text"] for record in self.state.records.values()]

    # -- The AppView: threads and quotes ----------------------------------------------------
    def _post(self, uri: str) -> dict | None:
        """Any post by its at:// URI: the account's own records, or someone else's."""
        if uri in self.state.others:
            return self.state.others[uri]
        own = next((r for r in self.state.records.values() if r["uri"] == uri), None)
        if own is None:
            return None
        return {"author": {"did": self.state.did, "handle": self.state.handle, "displayName": "Éditions Boussole"},
                "value": own["value"], "cid": own["cid"], "indexedAt": own["value"]["createdAt"]}

    def _view(self, uri: str, post: dict) -> dict:
        replies = sum(1 for other in self.state.others.values() if (other["value"].get("reply") or {}).get("parent", {}).get("uri") == uri)
        quotes = sum(1 for other in self.state.others.values() if _quoted(other) == uri)
        return {"uri": uri, "cid": post["cid"], "author": post["author"], "record": post["value"], "indexedAt": post["indexedAt"],
                "replyCount": replies, "repostCount": self.state.reposts.get(uri, 0), "likeCount": self.state.likes.get(uri, 0),
                "quoteCount": quotes, "labels": []}

    def _thread_of(self, uri: str, depth: int) -> dict:
        node = {"$type": "app.bsky.feed.defs#threadViewPost", "post": self._view(uri, self._post(uri))}
        if depth > 0:
            children = sorted((other_uri for other_uri, other in self.state.others.items()
                               if (other["value"].get("reply") or {}).get("parent", {}).get("uri") == uri),
                              key=lambda other_uri: self.state.others[other_uri]["value"]["createdAt"])
            node["replies"] = [self._thread_of(child, depth - 1) for child in children]
        return node

    def _thread(self, query: dict):
        uri = query.get("uri", "")
        try:
            depth, height = int(query.get("depth", 6)), int(query.get("parentHeight", 80))
        except ValueError:
            return _error(400, "InvalidRequest", "depth and parentHeight must be integers")
        if not uri.startswith("at://") or not 0 <= depth <= 1000 or not 0 <= height <= 1000:
            return _error(400, "InvalidRequest", "Error: Params must have the property \"uri\"" if not uri else "Invalid depth or uri")
        if self._post(uri) is None:
            return _error(400, "NotFound", f"Post not found: {uri}")
        return 200, {"thread": self._thread_of(uri, depth)}, {}

    def _quotes(self, query: dict):
        uri = query.get("uri", "")
        try:
            limit, offset = int(query.get("limit", 50)), int(query.get("cursor") or 0)
        except ValueError:
            return _error(400, "InvalidRequest", "limit must be an integer, and the cursor one this server gave")
        if not uri.startswith("at://") or not 1 <= limit <= 100:
            return _error(400, "InvalidRequest", "limit must be between 1 and 100")
        quoting = sorted((other_uri for other_uri, other in self.state.others.items() if _quoted(other) == uri),
                         key=lambda other_uri: self.state.others[other_uri]["value"]["createdAt"], reverse=True)
        page = quoting[offset:offset + limit]
        answer = {"uri": uri, "posts": [self._view(other_uri, self.state.others[other_uri]) for other_uri in page]}
        if offset + limit < len(quoting):
            answer["cursor"] = str(offset + limit)
        return 200, answer, {}

    # -- Other people's posts, put there by the tests ------------------------------------------
    def _someone(self, handle: str, text: str, name: str, at: str, facets, labels) -> tuple[str, dict]:
        did = "did:plc:" + hashlib.sha256(handle.encode()).hexdigest()[:24]
        self.state.made += 1  # a TID from the post's date, and an order of its own: the same tests make the same keys
        micros = int(datetime.fromisoformat(at.replace("Z", "+00:00")).timestamp() * 1_000_000) + self.state.made
        rkey = "".join("234567abcdefghijklmnopqrstuvwxyz"[((micros << 10) >> shift) & 31] for shift in range(60, -1, -5))
        author = {"did": did, "handle": handle, "displayName": name or handle.split(".")[0],
                  "avatar": f"https://cdn.bsky.app/img/avatar/plain/{did}/avatar@jpeg",
                  "labels": [{"src": did, "uri": f"at://{did}/app.bsky.actor.profile/self", "val": value, "cts": at} for value in labels]}
        value = {"$type": "app.bsky.feed.post", "text": text, "createdAt": at, "langs": ["fr"]}
        if facets:
            value["facets"] = facets
        problem = self.invalid({**value, "facets": [f for f in facets or [] if not f["features"][0]["$type"].endswith("#mention")]})
        if problem:
            raise ValueError(problem)
        uri = f"at://{did}/app.bsky.feed.post/{rkey}"
        return uri, {"author": author, "value": value, "cid": "bafyrei" + hashlib.sha256(uri.encode()).hexdigest()[:52], "indexedAt": at}

    def reply(self, parent: str, handle: str, text: str, *, name: str = "", at: str = "2026-11-20T10:00:00.000Z",
              facets: list | None = None, labels: tuple = ()) -> str:
        """Someone's reply to the post ``parent`` (an at:// URI); its URI."""
        parent_post = self._post(parent)
        if parent_post is None:
            raise ValueError(f"no post {parent} to reply to")
        root = (parent_post["value"].get("reply") or {}).get("root") or {"uri": parent, "cid": parent_post["cid"]}
        uri, post = self._someone(handle, text, name, at, facets, labels)
        post["value"]["reply"] = {"root": root, "parent": {"uri": parent, "cid": parent_post["cid"]}}
        self.state.others[uri] = post
        return uri

    def quote(self, quoted: str, handle: str, text: str, *, name: str = "", at: str = "2026-11-20T10:00:00.000Z") -> str:
        """Someone's post quoting ``quoted``; its URI."""
        uri, post = self._someone(handle, text, name, at, None, ())
        post["value"]["embed"] = {"$type": "app.bsky.embed.record", "record": {"uri": quoted, "cid": self._post(quoted)["cid"]}}
        self.state.others[uri] = post
        return uri

    def delete(self, uri: str) -> None:
        """A post deleted by its author: gone from the AppView (its replies too, as they hang from it)."""
        self.state.others.pop(uri, None)
        for rkey in [k for k, r in self.state.records.items() if r["uri"] == uri]:
            del self.state.records[rkey]


def _quoted(post: dict) -> str | None:
    embed = post["value"].get("embed") or {}
    return (embed.get("record") or {}).get("uri") if embed.get("$type") == "app.bsky.embed.record" else None
