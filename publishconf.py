"""Production settings: pelicanconf.py plus what changes when the site goes live."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from pelicanconf import *  # noqa: E402,F401,F403

SITEURL = PRODUCTION_SITEURL  # noqa: F405
RELATIVE_URLS = False
FEED_DOMAIN = SITEURL
# The release is built with the caches of the last publish (.publish/cache/, never the
# preview's): a build from caches gives the same files as one from nothing, which the tests
# check file by file. `invoke clean` removes them, for a release built from the sources alone.
LOAD_CONTENT_CACHE = True

# Where `invoke publish` deploys: a folder on this machine (the web server's document root,
# kept as a link to the live release), "user@host:/path" (rsync over SSH) or "github-pages".
PUBLISH_TARGET = "/var/www/guilde"
PUBLISH_KEEP_RELEASES = 3
GITHUB_PAGES_CNAME = "guilde.editions-boussole.fr"
