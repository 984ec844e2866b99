"""Find a built issue under ``site/issues/`` and read what the sender needs from it.

The build writes ``email.html``, ``email.txt`` and ``message.json`` per issue (the contract is in
:mod:`dopemail.personalize`); the sender mails them as they are (:mod:`.current` checks first
that they are what the issue's sources make now).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..errors import SendError
from ..layout import SITE_ISSUES_DIR
from ..personalize import HTML_FILE, MESSAGE_FILE, SENT_FILES, TEXT_FILE

SOURCES_DIR = Path("issues")  # the issues' own files, <number>-<slug>.md
_REF = re.compile(r"^(\d+)(?:-([a-z0-9][a-z0-9-]*))?$")


@dataclass(frozen=True)
class BuiltIssue:
    """One issue as the build left it: identity, subject, and the two bodies."""

    number: int
    slug: str
    subject: str
    preheader: str
    url: str
    html: str
    text: str
    folder: Path
    status: str = "ready"  # the issue file's status when it was built: draft, ready or sent
    date: datetime | None = None  # the issue's 'date:' (None from a build that did not say it)
    #: The built files' bytes as read (the check that they are current compares these, not
    #: what a build running meanwhile may have written since).
    files: dict[str, bytes] = field(default_factory=dict, compare=False, repr=False)

    @property
    def issue_id(self) -> str:
        """``<number>-<slug>``, the name of its folder; used in tags and Message-IDs."""
        return f"{self.number}-{self.slug}"

    @property
    def source(self) -> str:
        """The issue file it was built from, relative to the workspace."""
        return f"issues/{self.issue_id}.md"

    @property
    def digest(self) -> str:
        """A short hash of what readers receive, to notice an issue rebuilt mid-send."""
        sha = hashlib.sha256()
        for part in (self.subject, self.html, self.text):
            sha.update(part.encode("utf-8"))
            sha.update(b"\0")
        return sha.hexdigest()[:16]


def _not_built(ref: str, detail: str) -> SendError:
    return SendError(
        f"issue {ref} is not built: {detail}",
        None,
        None,
        "run dopemail build first (it writes site/issues/<number>-<slug>/)",
    )


def parse_ref(root: Path, ref: str) -> tuple[int, str | None]:
    """An issue as the commands name it, ``12`` or ``12-some-slug``: (number, slug or None)."""
    match = _REF.match(ref.strip())
    if not match:
        raise SendError(
            f"'{ref}' is not an issue: give its number, e.g. 12, or 12-its-slug",
            None,
            None,
            f"the issues are: {known_issues(root)}",
        )
    return int(match.group(1)), match.group(2)


def wrong_slug(number: int, named: str, slug: str, command: str) -> SendError:
    """The error for ``<number>-<slug>`` when issue ``number`` is ``named``."""
    return SendError(
        f"issue {number} is {named}, not {number}-{slug}",
        None,
        None,
        f"dopemail {command} {number} (its number is enough)",
    )


def find_issue_folder(root: Path, ref: str) -> Path:
    """The folder of issue ``ref`` (``12`` or ``12-some-slug``) under ``site/issues/``."""
    number, slug = parse_ref(root, ref)
    base = root / SITE_ISSUES_DIR
    # The number is the issue's identity; the slug may have changed with its subject.
    found = sorted(p for p in base.glob(f"{number}-*") if p.is_dir()) if base.is_dir() else []
    if slug:
        folder = base / f"{number}-{slug}"
        if folder.is_dir():
            return folder
        if len(found) == 1:
            raise wrong_slug(number, found[0].name, slug, "send")
    if not found:
        if number not in issue_numbers(root):
            # "Run dopemail build" would not help an editor who mistyped the number.
            raise no_such_issue(root, number)
        raise _not_built(ref, f"no folder {SITE_ISSUES_DIR}/{number}-*/")
    if len(found) > 1:
        names = ", ".join(p.name for p in found)
        raise SendError(
            f"issue {number} has several built folders: {names}",
            None,
            None,
            "delete the stale ones (or run dopemail build, which removes them), "
            "or name the folder: dopemail send " + found[0].name,
        )
    return found[0]


def issue_numbers(root: Path) -> dict[int, str]:
    """The issues that have a file in ``issues/`` or a folder in ``site/``: number -> its
    ``<number>-<slug>`` (the built folder's, where both exist)."""
    numbers: dict[int, str] = {}
    for folder, suffix in ((root / SOURCES_DIR, ".md"), (root / SITE_ISSUES_DIR, "")):
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):
            for item in sorted(os.scandir(folder), key=lambda e: e.name):
                head, dash, _ = item.name.partition("-")
                if dash and head.isdigit() and item.name.endswith(suffix):
                    numbers[int(head)] = item.name.removesuffix(suffix) if suffix else item.name
    return numbers


def known_issues(root: Path) -> str:
    """The issues' numbers, for a hint: "1, 4, 7–12" (or "none yet")."""
    from ..wording import number_runs  # (for a hint alone: the send's path imports no more)

    return number_runs(issue_numbers(root)) or "none yet"


def no_such_issue(root: Path, number: int, also: str = "") -> SendError:
    """The error for an issue number with no file in ``issues/`` and no built folder."""
    return SendError(
        f"there is no issue {number}: no {SOURCES_DIR}/{number}-*.md, "
        f"no {SITE_ISSUES_DIR}/{number}-*/" + also,
        None,
        None,
        f"give the number of an issue (the issues are: {known_issues(root)})",
    )


# What no header line may hold: line breaks (CR, LF, NEL, the Unicode separators) and the
# other control characters, but the tab (a header's own whitespace, which the build allows).
_NOT_A_HEADER = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")


def _date_of(value: object) -> datetime | None:
    # Only for a warning (see dopemail.send.run): a date this cannot read is not worth
    # refusing a send that the rest of message.json allows.
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def load_issue(root: Path, ref: str) -> BuiltIssue:
    """Read ``message.json``, ``email.html`` and ``email.txt`` of issue ``ref``."""
    folder = find_issue_folder(root, ref)
    try:
        files = {name: (folder / name).read_bytes() for name in SENT_FILES}
        meta = json.loads(files[MESSAGE_FILE].decode("utf-8"))
        html = files[HTML_FILE].decode("utf-8")
        text = files[TEXT_FILE].decode("utf-8")
    except FileNotFoundError as exc:
        raise _not_built(ref, f"{Path(exc.filename).name} is missing in {folder}") from None
    except json.JSONDecodeError as exc:
        raise SendError(
            f"broken {MESSAGE_FILE}: {exc}", folder / MESSAGE_FILE, exc.lineno, "rebuild it"
        ) from None
    try:
        number = int(meta["number"])
        subject = str(meta["subject"])
        if _NOT_A_HEADER.search(subject):
            # The build refuses such a subject in the issue's file; this one was written in
            # site/ by hand, or comes from a copy of it: a line break in a header would add
            # headers of its own (Bcc: ...) to every message.
            raise ValueError("subject: a line break or control character is in it")
        return BuiltIssue(
            number=number,
            slug=str(meta.get("slug") or folder.name.partition("-")[2]),
            subject=subject,
            preheader=str(meta.get("preheader") or ""),
            url=str(meta.get("url") or ""),
            html=html,
            text=text,
            folder=folder,
            status=str(meta.get("status") or "ready"),
            date=_date_of(meta.get("date")),
            files=files,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise SendError(
            f"{MESSAGE_FILE} lacks a valid {exc}",
            folder / MESSAGE_FILE,
            None,
            "rebuild the issue with dopemail build",
        ) from None
