"""The subscriber list the editor owns: ``subscribers.csv``, read one row at a time.

Columns (a header line names them, in any order, any case)::

    email,name,status,subscribed_at,tags
    ada@example.com,Ada Lovelace,subscribed,2024-01-12,"film;events"

Only ``status`` = ``subscribed`` (or ``active``) is mailed. ``unsubscribed``, ``bounced``,
``complained`` and any other status are skipped (a list without a ``status`` column is
refused: it cannot say who left), and so are addresses that fail the syntax check
(``email-validator``, no network) and repeats of an address already seen. Every skipped row is
reported with its line and the reason; a git merge conflict left in the list is refused, at
its lines, before any row is read. Nothing here holds the whole list in memory: rows are
yielded as they are read, and duplicates are found by the ledger (SQLite), not by a Python set.
"""

from __future__ import annotations

import csv
import difflib
import functools
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from email_validator import EmailNotValidError, validate_email

try:  # the mailbox names email-validator lowercases (postmaster, abuse, ...)
    from email_validator.rfc_constants import CASE_INSENSITIVE_MAILBOX_NAMES
except ImportError:  # pragma: no cover - moved: every local part then goes the long way
    CASE_INSENSITIVE_MAILBOX_NAMES = None

from ..errors import SendError, merge_conflict, not_utf8, visible

MAILABLE = frozenset({"subscribed", "active"})
#: The reason given a row queued, then taken back by a later row of the same address
#: ("unsubscribed on a later line").
LATER_LINE = "on a later line"
COLUMNS = ("email", "name", "status", "subscribed_at", "tags")
#: The columns a send reads (read_subscribers indexes these three): one named twice is
#: refused (two 'tags' columns are not).
READ = ("email", "name", "status")


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the list: a mailable subscriber (``skip`` is None) or a row to skip."""

    line: int
    email: str
    key: str
    name: str
    skip: str | None = None
    detail: str = ""


def address_key(email: str) -> str:
    """The ledger's key for an address: its normalized form, case-folded.

    Mailbox names are case-sensitive in theory and never in practice; folding the case makes
    ``Ada@Example.com`` and ``ada@example.com`` one subscriber who gets one copy.
    """
    return email.lower()


def check_address(raw: str) -> str:
    """The normalized address, or ValueError saying why it is not a valid one (syntax only).

    Plain addresses (an ASCII dot-atom before the @-sign, letters, digits, dots and hyphens
    after it: nearly every row of a real list) take a short way with the same answer: the
    local part is checked with email-validator's own rule for it, and the domain is validated
    by email-validator once per domain, not once per row. Anything else goes the long way.
    """
    match = _PLAIN.fullmatch(raw)
    if match and len(raw) <= _MAX_LENGTH:
        local, domain = match.groups()
        normalized = _domain(domain)
        if (
            normalized is not None
            and _SPECIAL_MAILBOXES is not None
            and (local.lower() not in _SPECIAL_MAILBOXES)
        ):
            return f"{local}@{normalized}"
    try:
        # No SMTPUTF8: a local part beyond ASCII (josé@) cannot be put in a header the
        # providers take, and few mail servers would accept it.
        return validate_email(raw, check_deliverability=False, allow_smtputf8=False).normalized
    except EmailNotValidError as exc:
        reason = str(exc)
    try:
        # Not mailed either, as few providers or mail servers take it: a quoted local part
        # ("john doe"@) is valid all the same, and is said to be unsupported, as josé@ is.
        validate_email(
            raw, check_deliverability=False, allow_smtputf8=False, allow_quoted_local=True
        )
    except EmailNotValidError:
        raise ValueError(reason) from None
    local = raw.rpartition("@")[0]
    raise ValueError(f"Quoting the part before the @-sign is not supported: '{local}'.")


def sendable(address: str) -> str:
    """``address`` (as :func:`check_address` gives it) as it is sent: an international
    domain (IDN) in its ASCII form, ``bob@xn--bcher-kva.example``, the name DNS knows it by and
    the only one every provider and header takes."""
    local, _, domain = address.rpartition("@")
    if domain.isascii():
        return address
    return f"{local}@{_ascii_domain(domain)}"


@functools.lru_cache(maxsize=1024)
def _ascii_domain(domain: str) -> str:
    return str(validate_email(f"a@{domain}", check_deliverability=False).ascii_domain)


# RFC 5322 atext, as email-validator spells it (rfc_constants.ATEXT), in a dot-atom; then a
# host name of ASCII letters, digits, hyphens and dots (whatever email-validator says of it).
_ATEXT = r"a-zA-Z0-9_!#$%&'*+\-/=?^`{|}~"
_PLAIN = re.compile(rf"([{_ATEXT}]+(?:\.[{_ATEXT}]+)*)@([a-zA-Z0-9.-]+)")
_MAX_LENGTH = 254  # email-validator's limit for a whole address (RFC 3696 errata)
# Mailbox names email-validator lowercases (postmaster, abuse, ...): left to it.
_SPECIAL_MAILBOXES = (
    None
    if CASE_INSENSITIVE_MAILBOX_NAMES is None
    else frozenset(name.lower() for name in CASE_INSENSITIVE_MAILBOX_NAMES)
)


@functools.lru_cache(maxsize=4096)
def _domain(domain: str) -> str | None:
    """email-validator's normalized form of a domain, or None when it refuses it."""
    try:
        return validate_email(f"a@{domain}", check_deliverability=False).domain
    except EmailNotValidError:
        return None


def _open(path: Path) -> IO[str]:
    try:
        # utf-8-sig: spreadsheets often save a byte-order mark in front of the header.
        return path.open(encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        raise SendError(
            f"no subscriber list at {path}",
            None,
            None,
            "create it with the header line 'email,name,status,subscribed_at,tags', "
            "or point [send] subscribers in dopemail.toml at yours",
        ) from None


def read_subscribers(path: Path) -> Iterator[Row]:
    """Yield every data row of the CSV at ``path``, checked, in file order."""
    with _open(path) as handle:
        _refuse_conflict(path)
        lines = _Lines(handle)
        reader = csv.reader(lines)
        try:
            header = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError:
            raise _not_utf8(path) from None
        except csv.Error as exc:
            raise _unreadable(path, exc, 1, lines.first, None) from None
        _refuse_repeated_columns(path, header)
        columns = {name.strip().lower(): i for i, name in enumerate(header)}
        for needed in ("email", "status"):
            if needed not in columns:
                raise _missing_column(path, needed, header)
        at_email, at_name = columns["email"], columns.get("name")
        at_status = columns["status"]
        while True:
            start = reader.line_num + 1
            lines.first = None
            try:
                record = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError:
                raise _not_utf8(path) from None
            except csv.Error as exc:
                raise _unreadable(path, exc, start, lines.first, header) from None
            if reader.line_num > start:  # a quoted cell holds line breaks
                _check_quotes(path, start, reader.line_num, record, lines.last)
            if not any(cell.strip() for cell in record):
                continue
            row = _check(reader.line_num, record, at_email, at_name, at_status)
            skipped = row.skip == "not subscribed"
            if skipped and at_name is not None and _shifted(record, at_name, at_status):
                # 'orson@example.com,Welles, Orson,subscribed': the name's comma made it two
                # cells, and 'Orson' was read as the status.
                row = _name_split(row, record, at_name)
            yield row


_MARKER = b"<<<<<<<"
#: How much of the list is searched for it at once: little beside what reading it holds.
_CHUNK = 1 << 16


def _refuse_conflict(path: Path) -> None:
    """Stop at a git merge conflict left in the list, before any row is read: its marker
    lines were skipped as invalid addresses and both sides' readers mailed. The file is
    searched a chunk at a time (at the speed of the disk), and read whole only when a
    marker is in it."""
    with path.open("rb") as handle:
        tail = b""
        while chunk := handle.read(_CHUNK):
            if _MARKER in chunk or _MARKER in tail + chunk[:6]:
                break
            tail = chunk[-6:]
        else:
            return
        handle.seek(0)
        data = handle.read()
    # Lines counted as the CSV reader counts them (a lone \r ends one too).
    text = data.decode("utf-8-sig", errors="replace").replace("\r\n", "\n").replace("\r", "\n")
    conflict = merge_conflict(text, str(_shown(path)))
    if conflict is not None:
        raise SendError(conflict.message, _shown(path), conflict.line, conflict.hint)


# What else a spreadsheet separates columns with: semicolons (its regional setting), tabs (a
# "Text (Tab delimited)" export, or cells copied and pasted).
_OTHER_SEPARATORS = (
    (";", "semicolons (a spreadsheet's regional setting)"),
    ("\t", "tabs (a spreadsheet's 'Text (Tab delimited)', or cells pasted)"),
)


def _missing_column(path: Path, needed: str, header: list[str]) -> SendError:
    """The header names no ``needed`` column: what the editor most likely meant instead."""
    shown = ",".join(header)
    apart = next((name for mark, name in _OTHER_SEPARATORS if mark in shown), None)
    if len(header) == 1 and apart:
        hint = (
            f"the columns are separated by {apart}: save it as comma-separated CSV (in a "
            "spreadsheet: Save As, 'CSV UTF-8')"
        )
    else:
        # Never a column the list uses for something else ('tags' is not a misspelt status).
        names = {n.strip().lower(): n.strip() for n in header if n.strip().lower() not in COLUMNS}
        close = difflib.get_close_matches(needed, list(names), n=1, cutoff=0.75) or [
            n for n in names if needed in n
        ]
        close = [names[n] for n in close]
        hint = f"rename the column '{close[0]}' to '{needed}'; " if close else ""
        hint += "the first line must name the columns: email,name,status,subscribed_at,tags"
    if needed == "status":
        # Without it the list cannot tell who left: mailing everyone would mail them too.
        why = "the header line has no 'status' column, so it does not say who unsubscribed"
        hint += " ('subscribed' on each row to mail; 'unsubscribed', 'bounced'... are skipped)"
    else:
        why = "the header line has no 'email' column"
    return SendError(why, path, 1, hint)


def _refuse_repeated_columns(path: Path, header: list[str]) -> None:
    """Stop at a header naming a column dopemail reads twice: only one of the two would be
    read, in silence ('...,tags,status' read the empty last column as every reader's
    status and mailed no one; 'email,email,status' mailed the second column's addresses)."""
    seen: dict[str, int] = {}
    for number, cell in enumerate(header, 1):
        name = cell.strip().lower()
        if name not in READ:
            continue  # the editor's own columns, and those dopemail lists but never reads
        if name in seen:
            raise SendError(
                f"the header names '{name}' twice (columns {seen[name]} and {number})",
                path,
                1,
                f"keep one '{name}' column: rename or delete the other (and its cells), so "
                "each row says one thing for it",
            )
        seen[name] = number


def _not_utf8(path: Path) -> SendError:
    """Where the list stops being UTF-8. The text reader decodes a chunk ahead of the lines it
    gives, so neither its line count nor the decoder's position says where; a line at a time,
    the file says (a character's bytes never span a line break)."""
    number = 0
    with path.open("rb") as handle:
        for raw in handle:
            # Lines end as the CSV reader ends them: at \r\n, \n, or a lone \r (Excel's
            # "CSV (Macintosh)").
            pieces = raw.removesuffix(b"\n").removesuffix(b"\r").split(b"\r")
            ended = raw.endswith((b"\n", b"\r"))
            for index, line in enumerate(pieces):
                number += 1
                if number == 1:
                    line = line.removeprefix(b"\xef\xbb\xbf")  # a spreadsheet's byte-order mark
                if ended or index < len(pieces) - 1:
                    # Decoded with its line end: a character cut short there is a byte of
                    # another encoding, not the end of the file.
                    line += b"\n"
                try:
                    line.decode("utf-8")
                except UnicodeDecodeError as exc:
                    return SendError(
                        not_utf8(line, exc)[0],
                        path,
                        number,
                        "save it as UTF-8 CSV (in a spreadsheet: Save As, 'CSV UTF-8')",
                    )
    return SendError("not UTF-8 text", path, None, "save it as UTF-8 CSV")


class _Lines:
    """The file's lines, remembering the last one read (where a record ended) and the first
    one read since ``first`` was set to None (where a record began)."""

    def __init__(self, handle: IO[str]) -> None:
        self.handle = handle
        self.last = ""
        self.first: str | None = None

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        self.last = next(self.handle)
        if self.first is None:
            self.first = self.last
        return self.last


def _unreadable(
    path: Path, exc: csv.Error, line: int, first: str | None, header: list[str] | None
) -> SendError:
    """A row the CSV reader gave up on. Its one likely error is a cell over the reader's
    limit (131,072 characters), which no saving as UTF-8 would mend: a quote opened and never
    closed, which reads the rows after it into the cell, or text pasted in by mistake."""
    if "field larger than field limit" not in str(exc):
        return SendError(f"unreadable CSV: {exc}", path, line, "save it as UTF-8 CSV")
    limit = csv.field_size_limit()
    at = _long_cell(first or "", limit)
    if at is None:
        which = "a cell"
    elif header is not None and at < len(header) and header[at].strip():
        which = f"the cell in the column '{visible(header[at].strip())[:40]}'"
    else:
        which = f"the cell in column {at + 1}"
    return SendError(
        f"{which} is over {limit:,} characters long, more than a cell may be",
        path,
        line,
        "likely a quote opened there and never closed, which reads the rows after it into "
        'the cell (close it, or write a quote inside a quoted cell twice: ""), or text '
        "pasted into the cell by mistake (delete it)",
    )


def _long_cell(line: str, limit: int) -> int | None:
    """The index of the cell of ``line`` (a record's first line) that runs over ``limit``
    characters, or is a quote still open where the line ends; None if none is."""
    index, length, quoted, at_start = 0, 0, False, True
    position = 0
    while position < len(line):
        char = line[position]
        if quoted:
            if char == '"' and line[position + 1 : position + 2] == '"':
                position += 1  # a quote inside a quoted cell, written twice
            elif char == '"':
                quoted = False
            else:
                length += 1
        elif char == '"' and at_start:
            quoted = True
        elif char == ",":
            index, length = index + 1, -1
        elif char not in "\r\n":
            length += 1
        if length > limit:
            return index
        at_start = char == ","
        position += 1
    return index if quoted else None


#: A line that starts like a row of the list: an address, then a comma.
# An address as a whole cell, in any column: a later line of a cell that holds one is a row.
_ROW = re.compile(r'(?m)(?:^|,)\s*"?[^\s",@]+@[^\s",]+"?\s*(?:,|$)')


def _check_quotes(path: Path, start: int, end: int, record: list[str], last: str) -> None:
    """Stop at a stray quote: Python's csv reads on, silently, to the next quote or the end
    of the file, making every row in between one cell (and those readers unmailed).

    A record over several lines is a quote that never closed if its last line holds no quote
    (the file ended inside it), or if a cell's later lines look like rows of the list.
    """
    unclosed = '"' not in last
    swallowed = any("\n" in cell and _ROW.search(cell.partition("\n")[2]) for cell in record)
    if not (unclosed or swallowed):
        return  # a name or tag with a line break, quoted as it should be
    raise SendError(
        f"a quote opened here is never closed where its cell should end: lines {start} to "
        f"{end} were read as one cell, so the rows in them would not be mailed",
        _shown(path),
        start,
        'close it (ada@example.com,"Ada, Lovelace",subscribed) or remove it; a quote inside '
        'a quoted cell is written twice ("")',
    )


def _shown(path: Path) -> Path:
    """``path`` as the editor would type it: relative to where the command runs, if it can."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def _cell(record: list[str], index: int | None) -> str:
    return record[index].strip() if index is not None and index < len(record) else ""


#: Control characters (line breaks from a quoted cell, tabs...) have no place in a To header.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def clean_name(name: str) -> str:
    """A reader's name with each run of control characters made one space."""
    # Most names hold none: isprintable() says so faster than the substitution finds none.
    return name.strip() if name.isprintable() else _CONTROL.sub(" ", name).strip()


@functools.lru_cache(maxsize=64)
def _closest_status(status: str) -> str | None:
    # Held: a list of a hundred thousand 'pending' readers asks the same thing each time.
    close = difflib.get_close_matches(status, _STATUSES, n=1, cutoff=0.8)
    # Not the status a word negates ('inactive', 'not subscribed'): the opposite of it.
    return close[0] if close and not status.endswith(close[0]) else None


def _shifted(record: list[str], at_name: int, at_status: int) -> bool:
    """Whether a comma in a row's name split it (the name before the status): the cell
    after the status column holds a status. (A row may be short: 'a@b.c,Welles, Orson,
    subscribed', without the columns after it.)"""
    return at_name < at_status and _cell(record, at_status + 1).lower() in _STATUSES


def _name_split(row: Row, record: list[str], at_name: int) -> Row:
    """A row whose name's comma made it two cells (see :func:`_shifted`): said so, with the
    name quoted as the file needs it."""
    name = ", ".join(cell.strip() for cell in record[at_name : at_name + 2])
    detail = f'a comma made its name two cells: a name with a comma goes in quotes, "{name}"'
    return Row(row.line, row.email, row.key, row.name, "invalid", detail)


#: The statuses a list holds, for a misspelt one's closest ('subscirbed').
_STATUSES = ("subscribed", "active", "unsubscribed", "bounced", "complained")


def _check(line: int, record: list[str], at_email: int, at_name: int | None, at_status: int) -> Row:
    raw = _cell(record, at_email)
    name = clean_name(_cell(record, at_name))
    status = _cell(record, at_status).lower()
    if not raw:
        return Row(line, raw, "", name, "invalid", "no address")
    try:
        email = check_address(raw)
    except ValueError as exc:
        return Row(line, raw, "", name, "invalid", str(exc))
    # The key stays the address as validated (an IDN domain in Unicode), as it always was:
    # an older ledger's readers keep their key.
    key = address_key(email)
    email = sendable(email)
    if status in MAILABLE:
        return Row(line, email, key, name)
    if status in ("unsubscribed", "bounced", "complained"):
        return Row(line, email, key, name, status)
    if status.startswith("unsub"):  # 'unsubscribe', 'unsub': a reader who left, as any other
        return Row(line, email, key, name, "unsubscribed", f"status '{status}'")
    shown = f"status '{status}'" if status else "no status"
    # Not told to write 'subscribed': the status may be a reader who left, in other words.
    # But a status misspelt is told the one it is closest to, which the editor may mean.
    close = _closest_status(status) if status else None
    meant = f"did you mean '{close}'? " if close else ""
    return Row(
        line,
        email,
        key,
        name,
        "not subscribed",
        f"{shown} ({meant}only 'subscribed' readers are mailed)",
    )


class SkipReport:
    """What was skipped and why: counts per reason, a few examples, the full list in a CSV."""

    def __init__(self, path: Path | None = None, examples: int = 10) -> None:
        self.path = path
        self.counts: Counter[str] = Counter()
        self.examples: list[tuple[int, str, str]] = []
        self._keep = examples
        self._handle: IO[str] | None = None
        self._writer: csv.DictWriter[str] | None = None
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = path.open("w", encoding="utf-8", newline="")
            self._writer = csv.DictWriter(self._handle, ["line", "email", "reason", "detail"])
            self._writer.writeheader()

    def add(self, line: int, email: str, reason: str, detail: str = "") -> None:
        """Count one skipped row (and write it to the report file)."""
        self.counts[reason] += 1
        text = f"{reason}: {detail}" if detail else reason
        if len(self.examples) < self._keep:
            self.examples.append((line, email, text))
        if self._writer is not None:
            self._writer.writerow(
                {"line": line, "email": email, "reason": reason, "detail": detail}
            )

    @property
    def total(self) -> int:
        """How many rows were skipped."""
        return sum(self.counts.values())

    def summary(self) -> str:
        """E.g. ``3 unsubscribed, 2 bounced, 1 invalid`` (or ``none``)."""
        if not self.counts:
            return "none"
        return ", ".join(f"{n:,} {reason}" for reason, n in self.counts.most_common())

    def close(self) -> None:
        """Flush the report file (an error writing it, a full disk, names it)."""
        if self._handle is not None:
            handle, self._handle = self._handle, None
            try:
                handle.close()
            except OSError as exc:
                # Its last lines are written here, and the error says no file.
                raise OSError(exc.errno, exc.strerror, str(self.path)) from exc
