"""Is a post already there? A page's address found among a network's recent posts.

The post was made with UTM tags (and the network may have shortened or re-encoded the
address), so two addresses are the same page when they agree once the query and the
fragment are left out.
"""

from html.parser import HTMLParser
from urllib.parse import urlsplit


def same_page(url: str, page: str) -> bool:
    a, b = urlsplit(url.strip()), urlsplit(page.strip())
    return (a.scheme.lower(), a.netloc.lower(), a.path.rstrip("/")) == (b.scheme.lower(), b.netloc.lower(), b.path.rstrip("/"))


class _Hrefs(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.found.extend(value for name, value in attrs if name == "href" and value)


def hrefs(html: str) -> list[str]:
    """The addresses an HTML fragment (a Mastodon status's content) links to."""
    parser = _Hrefs()
    parser.feed(html or "")
    parser.close()
    return parser.found
