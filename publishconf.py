"""Production settings: pelicanconf.py plus what changes when the site goes live."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from pelicanconf import *  # noqa: E402,F401,F403

SITEURL = PRODUCTION_SITEURL  # noqa: F405
RELATIVE_URLS = False
FEED_DOMAIN = SITEURL
LOAD_CONTENT_CACHE = False  # a release is built from the sources alone, with no cache

# Where `invoke publish` deploys: a folder on this machine (the web server's document root,
# kept as a link to the live release), "user@host:/path" (rsync over SSH) or "github-pages".
PUBLISH_TARGET = "/var/www/guilde"
PUBLISH_KEEP_RELEASES = 3
GITHUB_PAGES_CNAME = "guilde.editions-boussole.fr"
