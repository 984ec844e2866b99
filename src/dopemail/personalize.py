"""The contract between a built issue and the sender.

The build renders one email per issue, the same for every reader. What differs per recipient
(the unsubscribe link) is written as :data:`UNSUBSCRIBE_PLACEHOLDER`, a valid absolute https URL
so that the build's link checks pass, and the sender replaces it per message.

Next to ``email.html`` and ``email.txt`` the build writes ``message.json``::

    {"number": 1, "slug": "first-issue", "subject": "...", "preheader": "...",
     "url": "https://.../issues/1-first-issue/", "date": "2024-01-19T08:00:00-08:00"}
"""

from __future__ import annotations

UNSUBSCRIBE_PLACEHOLDER = "https://unsubscribe.dopemail.invalid/"

MESSAGE_FILE = "message.json"
HTML_FILE = "email.html"
TEXT_FILE = "email.txt"
#: The files of a built issue that make the message the sender mails.
SENT_FILES = (HTML_FILE, TEXT_FILE, MESSAGE_FILE)
