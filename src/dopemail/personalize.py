"""The contract between a built issue and the sender.

The build renders one email per issue, the same for every reader. What differs per recipient
(the unsubscribe link) is written as :data:`UNSUBSCRIBE_PLACEHOLDER`, a valid absolute https URL
so that the build's link checks pass, and the sender replaces it per message.

Next to ``email.html`` and ``email.txt`` the build writes ``message.json``::

    {"number": 1, "slug": "first-issue", "subject": "...", "preheader": "...",
     "url": "https://.../issues/1-first-issue/", "date": "2024-01-19T08:00:00-08:00"}
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

UNSUBSCRIBE_PLACEHOLDER = "https://unsubscribe.dopemail.invalid/"

MESSAGE_FILE = "message.json"
HTML_FILE = "email.html"
TEXT_FILE = "email.txt"
#: The files of a built issue that make the message the sender mails.
SENT_FILES = (HTML_FILE, TEXT_FILE, MESSAGE_FILE)


def token_link_parts(unsubscribe_url: str) -> tuple[str, str]:
    """The reader's unsubscribe link around its token: ``before + token + after``.

    The token goes in the query, after any the page's address has (``?list=press&token=``),
    and before its fragment (``#confirm``), which browsers and mail providers never send: a
    token written after the ``#`` did not reach the page.
    """
    parts = urlsplit(unsubscribe_url)
    query = f"{parts.query}&token=" if parts.query else "token="
    before = urlunsplit(parts._replace(query=query, fragment=""))
    return before, f"#{parts.fragment}" if parts.fragment else ""
