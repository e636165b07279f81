"""The replies and quotes of a Bluesky post: its thread and its quotes, through the social
plugin's account.

The organisation's session (BLUESKY_HANDLE, BLUESKY_APP_PASSWORD: see the social plugin)
asks its PDS, which hands the AppView's methods on: app.bsky.feed.getPostThread (the whole
thread below the post, down to 1,000 levels, with the post's reposts and likes) and
app.bsky.feed.getQuotes (the posts quoting it, a page of 100 at a time, followed by cursor).

Replies whose author asked not to be shown to people who are not logged in to Bluesky (the
``!no-unauthenticated`` self-label) are never kept.
"""

from atproto import models
from atproto_client.models.utils import get_model_as_dict

from social.bluesky_account import BlueskyAccount
from social.service import ServiceError

from tribune.i18n import _

from .found import Found, Thread
from .words import text_of_facets

NOT_ON_THE_WEB = "!no-unauthenticated"
_MAX_QUOTE_PAGES = 50


def _plain(value) -> dict:
    return value if isinstance(value, dict) else get_model_as_dict(value)


class BlueskyThreads(BlueskyAccount):
    def _found(self, view, kind: str, parent: str | None) -> Found:
        author = view.author
        record = _plain(view.record)
        handle = author.handle if author.handle and author.handle != "handle.invalid" else author.did
        labels = {label.val for label in author.labels or []}
        created = str(record.get("createdAt") or "")
        indexed = str(view.indexed_at or "")
        return Found(
            key=view.uri, kind=kind, url=f"{self.config.web}/profile/{handle}/post/{view.uri.rsplit('/', 1)[-1]}",
            author={"name": author.display_name or handle, "url": f"{self.config.web}/profile/{handle}", "handle": "@" + handle,
                    "did": author.did},
            published=created if created and (not indexed or created <= indexed) else indexed,  # a createdAt in the future is the client's
            text=text_of_facets(record.get("text") or "", record.get("facets")), lang=str((record.get("langs") or [""])[0]), parent=parent,
            kept_off=NOT_ON_THE_WEB in labels,
        )

    def _walk(self, nodes, parent: str | None, thread: Thread) -> None:
        for node in nodes or []:
            view = getattr(node, "post", None)
            if view is None:  # a post deleted (notFoundPost) or an author who blocks the account (blockedPost)
                continue
            thread.replies.append(self._found(view, "reply", parent))
            self._walk(node.replies, view.uri, thread)

    def thread(self, uri: str) -> Thread:
        try:
            answer = self._call(_("reading the thread"), lambda: self.client.app.bsky.feed.get_post_thread(
                models.AppBskyFeedGetPostThread.Params(uri=uri, depth=1000, parent_height=0)))
        except ServiceError as error:
            if error.status == 400 and "NotFound" in str(error):
                return Thread(gone=True)
            raise
        root = answer.thread
        if getattr(root, "post", None) is None:
            return Thread(gone=True)
        thread = Thread(reposts=root.post.repost_count or 0, likes=root.post.like_count or 0)
        self._walk(root.replies, None, thread)
        cursor = None
        for _page in range(_MAX_QUOTE_PAGES):
            page = self._call(_("reading the quotes"), lambda: self.client.app.bsky.feed.get_quotes(
                models.AppBskyFeedGetQuotes.Params(uri=uri, limit=100, cursor=cursor)))
            thread.replies += [self._found(view, "quote", None) for view in page.posts]
            cursor = page.cursor
            if not cursor or not page.posts:
                break
        return thread
