"""Settings of the sample community site, for local preview (`invoke build`, `invoke serve`).

Production overrides live in publishconf.py. Settings are Pelican's own, plus Tribune's,
each documented in README.md ("Settings").
"""

# -- The site -----------------------------------------------------------------------
SITENAME = "La Guilde Boussole"
SITESUBTITLE = "La communauté des joueuses et joueurs des Éditions Boussole"
SITEURL = "http://localhost:8000"
# The address of the live site: publishconf.py uses it, and newsletters always link to it.
PRODUCTION_SITEURL = "https://guilde.editions-boussole.fr"
RELATIVE_URLS = True
AUTHOR = "Camille Rousseau"
DEFAULT_CATEGORY = "Communauté"  # for `invoke new post`
# The site's categories, e.g. ["Communauté", "Conseils de jeu", "Coulisses"]: a post in any
# other is an error (the closest one suggested). None: any category goes, and one written
# nearly as another in use (« Comunauté », « communauté ») is a warning.
CATEGORIES = None
ORGANIZATION = "Éditions Boussole"
TIMEZONE = "Europe/Paris"
DEFAULT_LANG = "fr"
SITE_LANGUAGES = ["fr", "en"]
FRENCH_TYPOGRAPHY = True

# Pages linked from the header and the footer, by slug (their translation is used on English pages).
# SOCIAL: the community's profiles elsewhere, as (name, URL), shown in the footer.
MENU_PAGES = ["a-propos"]
FOOTER_PAGES = ["charte", "donnees-personnelles", "mentions-legales"]
SOCIAL = [
    ("Mastodon", "https://mastodon.example/@editionsboussole"),
    ("Bluesky", "https://bsky.app/profile/editionsboussole.bsky.social"),
    ("PeerTube", "https://peertube.example/c/editionsboussole"),
]

# -- Where things are ---------------------------------------------------------------
PATH = "content"
OUTPUT_PATH = "output"
THEME = "theme"
ARTICLE_PATHS = ["posts"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images"]
PLUGIN_PATHS = ["plugins"]
PLUGINS = ["l10n", "seo", "images", "search", "events", "spotlight", "newsletter", "social", "conversations", "indicators", "assets"]
# Metadata keys your own templates use, accepted by the lint besides the known ones.
EXTRA_METADATA_FIELDS = []

# -- Caches (in CACHE_PATH) ---------------------------------------------------------
# A rebuild re-reads only the files that changed (Pelican's content cache) and renders only
# the pages a change can have touched (Tribune's page cache, tribune/rendering.py).
# publishconf.py turns the reading of both off: production builds start from nothing.
CACHE_PATH = "cache"
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
GZIP_CACHE = False  # a bigger cache file, but no second spent compressing it on every build

# -- Reading ------------------------------------------------------------------------
# A post dated later than now (Tribune's clock: TRIBUNE_NOW, else the current time) waits for
# its day: not published, listed nor in the feeds before it (tribune/scheduling.py).
WITH_FUTURE_DATES = False
# Summary is plain text (escaped by the theme), not Markdown: faster and safe.
FORMATTED_FIELDS = []
SUMMARY_MAX_LENGTH = 40
MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.codehilite": {"css_class": "highlight", "guess_lang": False},
        "markdown.extensions.extra": {},
        "markdown.extensions.meta": {},
        "markdown.extensions.toc": {"permalink": False},
    },
    "output_format": "html5",
}

# -- URLs: clean, French, accent-free -----------------------------------------------
ARTICLE_URL = "billets/{slug}/"
ARTICLE_SAVE_AS = "billets/{slug}/index.html"
ARTICLE_LANG_URL = "{lang}/posts/{slug}/"
ARTICLE_LANG_SAVE_AS = "{lang}/posts/{slug}/index.html"
DRAFT_SAVE_AS = ""  # drafts are never published, not even at a hidden URL
DRAFT_LANG_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""
DRAFT_PAGE_LANG_SAVE_AS = ""
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
PAGE_LANG_URL = "{lang}/{slug}/"
PAGE_LANG_SAVE_AS = "{lang}/{slug}/index.html"
CATEGORY_URL = "categories/{slug}/"
CATEGORY_SAVE_AS = "categories/{slug}/index.html"
CATEGORIES_URL = "categories/"
CATEGORIES_SAVE_AS = "categories/index.html"
TAG_URL = "etiquettes/{slug}/"
TAG_SAVE_AS = "etiquettes/{slug}/index.html"
TAGS_URL = "etiquettes/"
TAGS_SAVE_AS = "etiquettes/index.html"
AUTHOR_URL = "auteurs/{slug}/"
AUTHOR_SAVE_AS = "auteurs/{slug}/index.html"
AUTHORS_URL = "auteurs/"
AUTHORS_SAVE_AS = "auteurs/index.html"
ARCHIVES_URL = "archives/"
ARCHIVES_SAVE_AS = "archives/index.html"
YEAR_ARCHIVE_URL = "archives/{date:%Y}/"
YEAR_ARCHIVE_SAVE_AS = "archives/{date:%Y}/index.html"
DIRECT_TEMPLATES = ["index", "archives", "categories", "tags", "authors", "404"]
SEARCH_URL = "recherche/"  # one search page per language (plugins/search)
SEARCH_SAVE_AS = "recherche/index.html"
SEARCH_LANG_URL = "{lang}/search/"
SEARCH_LANG_SAVE_AS = "{lang}/search/index.html"
PAGINATED_TEMPLATES = {"index": None, "category": None, "tag": None, "author": None}
DEFAULT_PAGINATION = 6
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)

# -- Feeds: Atom and RSS, for all posts and per category ----------------------------
FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"
CATEGORY_FEED_RSS = "feeds/{slug}.rss.xml"
TRANSLATION_FEED_ATOM = "feeds/all-{lang}.atom.xml"
TRANSLATION_FEED_RSS = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
RSS_FEED_SUMMARY_ONLY = True

# -- Search engines and social networks (plugins/seo) ----------------------------------
SEO_TITLE_FORMAT = "{title} — {sitename}"
SEO_LOGO = "images/logo.png"
SEO_TWITTER_SITE = "@editionsboussole"
SEO_NOINDEX_TAGS = False

# -- Newsletter (plugins/newsletter) --------------------------------------------------
NEWSLETTER_SIGNUP_URL = "https://editionsboussole.us21.list-manage.example/subscribe/post?u=4f1c0a&id=9b2e7d"
NEWSLETTER_EVENT_DAYS = 45
# Sending through Mailchimp (invoke newsletter --test/--schedule/--send). The API key and the
# audience come from the environment: MAILCHIMP_API_KEY, MAILCHIMP_AUDIENCE_ID.
NEWSLETTER_FROM_NAME = "La Guilde Boussole"
NEWSLETTER_REPLY_TO = "guilde@editions-boussole.fr"
NEWSLETTER_SEGMENT_ID = None  # a saved segment or tag id, to send to part of the audience

# -- Social networks (plugins/social) -------------------------------------------------
# invoke social [--send] posts to the organisation's accounts: MASTODON_API_BASE_URL,
# MASTODON_ACCESS_TOKEN, BLUESKY_HANDLE and BLUESKY_APP_PASSWORD come from the environment.
SOCIAL_SINCE = "2026-11-01"  # pieces dated before are never posted (their kit pages are there)
SOCIAL_HASHTAGS = ["JeuxDeSociété"]  # added to every text, after the piece's own Tags
SOCIAL_FEDIVERSE_CREATOR = "@editionsboussole@mastodon.example"
SOCIAL_MASTODON_INSTANCES = ["mastodon.example", "mastodon.social", "piaille.fr", "mamot.fr", "framapiaf.org"]

# -- Conversations (plugins/conversations) ----------------------------------------------
# invoke conversations fetches the replies to each post and event from Mastodon and Bluesky
# (the accounts above) and webmention.io (WEBMENTION_IO_TOKEN, from the environment), into
# content/conversations/; content/moderation.md is the charter they are moderated by.
CONVERSATIONS_WEBMENTION_ENDPOINT = "https://webmention.io/guilde.editions-boussole.fr/webmention"

# -- Indicators (plugins/indicators): invoke report, invoke veille -------------------
# The report and the veille's cache are written to REPORT_PATH (reports/, not published).
# OBJECTIVES: what the community aims for, checked first by the report. Each names an
# indicator (see plugins/indicators/README.md for the list), a bound ("at_least" or
# "at_most", a rate written "40 %") and, for counts, a period: "month", "quarter" or "year".
OBJECTIVES = [
    {"indicator": "newsletter.open_rate", "at_least": "40 %"},
    {"indicator": "newsletter.click_rate", "at_least": "8 %"},
    {"indicator": "newsletter.new_subscribers", "at_least": 30, "per": "month"},
    {"indicator": "content.posts", "at_least": 4, "per": "month"},
    {"indicator": "content.events", "at_least": 2, "per": "month"},
    {"indicator": "content.new_members", "at_least": 1, "per": "month"},
    {"indicator": "social.mastodon", "at_least": 4, "per": "month"},
    {"indicator": "veille.mentions", "at_least": 10, "per": "month"},
]
# The veille: what is said about the community elsewhere. Keywords are looked for whole,
# without case nor accents; an excluded phrase does not count ("boussole numérique" is not us).
VEILLE_KEYWORDS = ["Guilde Boussole", "Éditions Boussole", "Marée haute", "Pollen"]
VEILLE_EXCLUDE = ["boussole numérique", "pollen allergies", "marée haute à Saint-Malo"]
VEILLE_SOURCES = [
    {"name": "Alerte Google « Éditions Boussole »", "feed": "https://www.google.example/alerts/feeds/0184/2207"},
    {"name": "Forum Tric Trac", "feed": "https://forum.trictrac.example/c/jeux-de-societe.rss", "lang": "fr"},
    {"name": "Blog Ludovox", "feed": "https://ludovox.example/feed/"},
    {"name": "YouTube — Des jeux et des lettres", "feed": "https://www.youtube.example/feeds/videos.xml?channel_id=UCdesjeux"},
    {"name": "Mastodon", "mastodon": "https://mastodon.example", "hashtags": ["GuildeBoussole", "MaréeHaute"], "search": True},
    {"name": "Bluesky", "bluesky": "https://bsky.example"},
]

# -- Templates ----------------------------------------------------------------------
# Autoescape: any text from content (titles, names, summaries) is escaped wherever it lands.
# tribune.templating.StripIndentation: the templates' indentation is not sent to readers.
# auto_reload off: a build reads each template once (`invoke serve` builds anew when one
# changes); on, Jinja would check the date of every template a page includes or imports,
# each time (100 000 checks at 1 000 posts).
JINJA_ENVIRONMENT = {
    "trim_blocks": True,
    "lstrip_blocks": True,
    "autoescape": True,
    "auto_reload": False,
    "extensions": ["tribune.templating.StripIndentation"],
}
