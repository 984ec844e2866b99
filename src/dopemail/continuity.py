"""What a build changes that readers already hold: pages gone, feed ids made anew.

Warnings only, printed by ``build``: the build is right to make what the sources say, but an
editor renaming a file may not know that the emails already sent link to its page, nor that
a new ``base_url`` gives every feed item a new id (feed readers show the archive again).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

from .config import CONFIG_NAME, Settings, config_line
from .errors import ConfigError, ContentError, DopemailError
from .models import LoadedIssue
from .newsletter import ISSUES_DIR
from .personalize import HTML_FILE, MESSAGE_FILE, TEXT_FILE

#: The base_url the last build that wrote was made with.
LAST_BASE_URL = ".dopemail/base_url"


def pages_gone(removed: list[str]) -> list[DopemailError]:
    """A warning for each page (an entry's, an issue's web version) a build removed."""
    found: list[DopemailError] = []
    for rel in removed:
        if not (rel.startswith("site/") and rel.endswith("/index.html")):
            continue  # a feed, a picture, the home page
        page = rel.removeprefix("site/").removesuffix("index.html")
        if page.startswith("issues/") and page.count("/") == 2:
            hint = (
                "if the issue's file was renamed, give it back its name "
                f"(issues/{page.split('/')[1]}.md): the emails sent link to its web version, "
                "and the newsletter's feed knows it by that address (renamed, it is a new "
                "item there, shown to its readers again)"
            )
        elif page.count("/") == 1:
            hint = (
                f"if the entry was renamed, set 'slug: {page.rstrip('/')}' in it to keep its "
                "address and feed id; if it was deleted or made a draft, nothing to do"
            )
        else:
            continue
        found.append(
            ContentError(
                f"the page {rel} is gone with this build: links to its address "
                f"({page}) lead nowhere now",
                None,
                None,
                hint,
            )
        )
    return found


def sent_issues_changed(replaced: list[str], issues: Sequence[LoadedIssue]) -> list[DopemailError]:
    """A warning for the issues marked sent whose web version or email a build changed: what
    their readers open with "View in your browser" is no longer what they were sent.

    Not when the issue's own message changed with them (``message.json``: its status set to
    sent, its subject or date edited): that is the editor at work on the issue itself.
    """
    files: dict[str, set[str]] = {}
    for rel in replaced:
        if rel.startswith(f"{ISSUES_DIR}/"):
            _, _, key, name = rel.split("/", 3)
            files.setdefault(key, set()).add(name)
    changed = [
        (issue, files[issue.key])
        for issue in issues
        if issue.meta.status == "sent"
        and issue.key in files
        and MESSAGE_FILE not in files[issue.key]
    ]
    if not changed:
        return []
    hint = (
        "a correction is fine; otherwise undo what changed it (an entry it gathers, a picture, "
        "a template, the settings)"
    )
    if len(changed) > 3:  # a template or a setting changes every issue: said once
        numbers = ", ".join(str(issue.meta.number) for issue, _ in changed)
        return [
            ContentError(
                f"{len(changed)} issues marked sent ({numbers}) changed with this build: "
                "their readers see the new version when they open one from their email",
                None,
                None,
                hint,
            )
        ]
    found: list[DopemailError] = []
    for issue, names in changed:
        what = " and ".join(
            part
            for part, these in (
                ("its web version", {"index.html"}),
                ("its email", {HTML_FILE, TEXT_FILE}),
            )
            if names & these
        )
        found.append(
            ContentError(
                f"issue {issue.meta.number} was sent, and this build changed {what}: readers "
                "who open it from their email see the new text",
                issue.path,
                None,
                hint,
            )
        )
    return found


def base_url_moved(root: Path, settings: Settings) -> list[DopemailError]:
    """A warning when ``base_url`` is not the one the last build was made with (see
    :func:`remember_base_url`); none when no build recorded one."""
    current = settings.publication.base_url
    try:
        last = (root / LAST_BASE_URL).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return []
    if last == current:
        return []
    # An entry's id is made from the site's host (and its day and slug), an issue's from its
    # web version's address.
    which = (
        "issue's"
        if urlsplit(last).hostname == urlsplit(current).hostname
        else "entry's and issue's"
    )
    return [
        ConfigError(
            f"base_url is now {current} (the last build's was {last}): every {which} feed "
            "id is made from it, so feed readers show them all again as new, once",
            CONFIG_NAME,
            config_line(root, ("publication", "base_url")),
            "if the site moved, that is the price of moving (an entry can keep its old id: "
            "copy it from the feed into the entry as 'id:'); if not, put base_url back",
        )
    ]


def remember_base_url(root: Path, settings: Settings) -> None:
    """Record the base_url a build was made with, for the next one (:func:`base_url_moved`)."""
    path = root / LAST_BASE_URL
    current = settings.publication.base_url + "\n"
    with contextlib.suppress(FileNotFoundError):
        if path.read_text(encoding="utf-8") == current:
            return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(current, encoding="utf-8")
    os.replace(tmp, path)
