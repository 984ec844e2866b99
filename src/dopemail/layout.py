"""The folders of a publication, by name: where each kind of source is read from."""

ENTRIES_DIR = "entries"
ISSUES_DIR = "issues"
MEDIA_DIR = "media"

#: Where each issue's built files (email, text part, web version, message.json) are written.
SITE_ISSUES_DIR = "site/issues"
