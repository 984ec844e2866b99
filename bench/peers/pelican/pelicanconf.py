"""Pelican, configured to build what dopemail builds from the same entries (bench/README.md).

One page per entry at ``<slug>/index.html``, a home page listing every entry, RSS 2.0 and Atom
feeds of the newest ``FEED_MAX_ITEMS`` entries with their full content, and the pictures copied
from ``content/media/``. Tag, category, author and archive pages, pagination and the other
feeds are switched off. The theme is this folder (``templates/``: a page like dopemail's), with
Pelican's built-in "simple" theme behind it for anything it does not override.

``bench/run.py`` runs ``pelican CONTENT -o OUT -s this-file -t this-folder`` and sets
``DOPEMAIL_FEED_ITEMS`` from dopemail.toml's ``[feeds] items``.
"""

import os

AUTHOR = "DoPe Press"
SITENAME = "DoPe Press"
SITESUBTITLE = "Film reviews, screenings and conversations from the film section of Paris-LA."
SITEURL = "https://dopepress.example.com"
FEED_DOMAIN = SITEURL
TIMEZONE = "America/Los_Angeles"
DEFAULT_LANG = "en"
DEFAULT_DATE_FORMAT = "%B %-d, %Y"

# One page per entry, where dopemail puts it.
ARTICLE_URL = "{slug}/"
ARTICLE_SAVE_AS = "{slug}/index.html"
ARTICLE_LANG_URL = "{slug}-{lang}/"
ARTICLE_LANG_SAVE_AS = ""
DRAFT_SAVE_AS = ""
DRAFT_LANG_SAVE_AS = ""
PAGE_SAVE_AS = ""
PAGE_LANG_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""
DRAFT_PAGE_LANG_SAVE_AS = ""

# Nothing dopemail does not build.
DIRECT_TEMPLATES = ["index"]
DEFAULT_PAGINATION = False
TAG_SAVE_AS = ""
TAGS_SAVE_AS = ""
CATEGORY_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""
YEAR_ARCHIVE_SAVE_AS = ""
MONTH_ARCHIVE_SAVE_AS = ""
DAY_ARCHIVE_SAVE_AS = ""

# The feeds: RSS and Atom of every entry, the newest first, with the full content.
FEED_ALL_ATOM = "feeds/atom.xml"
FEED_ALL_RSS = "feeds/rss.xml"
FEED_ATOM = None
FEED_RSS = None
CATEGORY_FEED_ATOM = None
CATEGORY_FEED_RSS = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TAG_FEED_ATOM = None
TAG_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
TRANSLATION_FEED_RSS = None
FEED_MAX_ITEMS = int(os.environ.get("DOPEMAIL_FEED_ITEMS", "50"))
RSS_FEED_SUMMARY_ONLY = False

# Pictures, copied as dopemail copies media/ into site/media/.
STATIC_PATHS = ["media"]

# Every run from scratch, as `dopemail build --no-cache`.
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
DELETE_OUTPUT_DIRECTORY = False
RELATIVE_URLS = False
