"""Production settings: pelicanconf.py plus what changes when the site goes live."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from pelicanconf import *  # noqa: E402,F401,F403

SITEURL = PRODUCTION_SITEURL  # noqa: F405
RELATIVE_URLS = False
FEED_DOMAIN = SITEURL
