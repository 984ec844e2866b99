"""The folders of a publication, by name: where each kind of source is read from."""

ENTRIES_DIR = "entries"
ISSUES_DIR = "issues"
MEDIA_DIR = "media"

#: The site's folder of pages listing the entries by year (site/archive/2024/).
ARCHIVE_DIR = "archive"

#: Where each issue's built files (email, text part, web version, message.json) are written.
SITE_ISSUES_DIR = "site/issues"

#: What the last build wrote (its outputs' paths): kept by write.py, read by the no-op check
#: and by loading (what a build finding no sources would remove).
MANIFEST = ".dopemail/outputs.json"
