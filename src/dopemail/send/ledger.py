"""The send ledger: SQLite, one row per (issue, recipient), so a send can always resume.

A recipient moves through these states::

    pending ──claim──> in_flight ──answer──> sent       (with the provider's message id)
       ^                   │                 failed     (with the provider's reason)
       └──── refused ──────┘                 pending    (the provider refused the request)
    pending ──> skipped     unsubscribed, bounced or gone from the list before being sent

Recipients are posted in batches. A batch is written down as ``in_flight`` (with its number,
its members and its idempotency key) in one transaction right before its request, and closed in
one transaction with the answer. So after a crash, ``kill -9`` or a lost answer, the only
recipients whose fate is unknown are those of the batches still ``in_flight``: they are posted
again with the same key where the provider honours one, and otherwise reported, for the
editor to resolve (``--resend-in-flight`` or ``--mark-in-flight-sent``).

Batch numbers are never reused, and a batch's members never change: the same recipients go
out under the same idempotency key however often the send is resumed.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

try:  # POSIX: one `dopemail send` at a time per workspace
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

from ..errors import SendError, sqlite_hint
from .message import Recipient
from .providers.base import Outcome
from .subscribers import LATER_LINE, Row, SkipReport

LEDGER_PATH = Path(".dopemail") / "sends.sqlite"
#: Held by the one `dopemail send --yes` running in a workspace.
LOCK_PATH = LEDGER_PATH.parent / "send.lock"
STATES = ("pending", "in_flight", "sent", "failed", "skipped")
GONE = "no longer in the subscriber list"
_COMMIT_EVERY = 50_000
#: Rows of the list decided together (a few hundred: the memory of streaming stays flat).
_SYNC_CHUNK = 256

# The state checked as equalities, not 'state IN (...)': SQLite makes a temporary index of an
# IN list at each row it checks, 5 µs of every insert and update (a send writes each reader
# three times: queued, claimed, answered). A ledger made with the IN list is rebuilt once,
# by the first send that opens it (see Ledger._upgrade).
_STATE_CHECK = " OR ".join(f"state = '{state}'" for state in STATES)
_OLD_STATE_CHECK = "state IN ("


def _recipients_table(name: str) -> str:
    return f"""CREATE TABLE IF NOT EXISTS {name} (
    issue       INTEGER NOT NULL,
    key         TEXT NOT NULL,
    email       TEXT NOT NULL,
    name        TEXT NOT NULL DEFAULT '',
    seq         INTEGER NOT NULL,
    state       TEXT NOT NULL DEFAULT 'pending' CHECK ({_STATE_CHECK}),
    batch       INTEGER,
    message_id  TEXT,
    error       TEXT,
    scan        INTEGER NOT NULL DEFAULT 0,
    updated_at  REAL,
    PRIMARY KEY (issue, key)
)"""


_RECIPIENTS_INDEXES = (
    "CREATE INDEX IF NOT EXISTS recipients_queue ON recipients (issue, state, seq)",
    "CREATE INDEX IF NOT EXISTS recipients_batch ON recipients (issue, batch)",
)

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS issues (
    issue       INTEGER PRIMARY KEY,
    issue_id    TEXT NOT NULL,
    digest      TEXT NOT NULL,
    provider    TEXT NOT NULL,
    scan        INTEGER NOT NULL DEFAULT 0,
    started_at  REAL NOT NULL,
    endpoint    TEXT
);
{_recipients_table("recipients")};
{";".join(_RECIPIENTS_INDEXES)};
CREATE TABLE IF NOT EXISTS batches (
    issue           INTEGER NOT NULL,
    number          INTEGER NOT NULL,
    provider        TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('in_flight', 'done', 'released')),
    idempotency_key TEXT,
    size            INTEGER NOT NULL,
    posted_at       REAL NOT NULL,
    finished_at     REAL,
    error           TEXT,
    endpoint        TEXT,
    held            INTEGER NOT NULL DEFAULT 0,
    key_unsure      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (issue, number)
);
"""
#: Columns added since the first ledgers, each with the number of its change (see
#: SCHEMA_VERSION), added to an older file when it is opened (NULL in its rows: where an
#: issue or a batch went was not recorded then; no batch was held).
_ADDED = (
    (1, "issues", "endpoint", "TEXT"),
    (2, "batches", "endpoint", "TEXT"),
    (4, "batches", "held", "INTEGER NOT NULL DEFAULT 0"),
    (5, "batches", "key_unsure", "INTEGER NOT NULL DEFAULT 0"),
)
#: Change 5: Buttondown batches left in flight by an earlier dopemail are held, never posted
#: again under their key (see :func:`_hold_two_keyed`), in the transaction adding key_unsure.
_TWO_KEYS = 5
#: Change 3: the readers' table made again, its state checked as equalities (Ledger._upgrade).
_REBUILT = 3
#: The changes to the ledger's tables since the first, numbered in the order they were made:
#: a ledger's schema version (its PRAGMA user_version) is the number of the last one it has,
#: with all those before it. A newer dopemail's ledger is refused, unwritten: a version that
#: does not know a change would undo what it means (a batch held for the editor, replayed).
#: 0: made before versions were kept, by this version or an older one.
SCHEMA_VERSION = 5

#: Seconds to wait for another process's write to the ledger before saying it is busy.
BUSY_TIMEOUT = 30.0


@dataclass(frozen=True)
class Started:
    """What the ledger knows of an issue's sending: which version, through what, since when."""

    issue_id: str
    digest: str
    provider: str
    #: The provider's base_url (the outbox's folder); None in a ledger from before it was kept.
    endpoint: str | None
    started_at: float


@dataclass(frozen=True)
class InFlight:
    """A batch posted without a recorded answer: its recipients may or may not have it."""

    number: int
    provider: str
    size: int
    posted_at: float
    idempotency_key: str | None
    error: str | None
    sample: list[str]
    #: Where it was posted (None: a ledger from before endpoints were recorded).
    endpoint: str | None = None
    #: Kept for the editor to settle (its replay was refused, or its answer could not be
    #: read): listed for the editor; a run not told what it became posts it again under its
    #: key first (safe: a provider that took the first post refuses it again), then stops.
    held: bool = False
    #: A post under another key may have delivered it (a Buttondown batch an earlier dopemail
    #: left in flight): posted again under its own, it could go out twice; never replayed.
    key_unsure: bool = False


@dataclass(frozen=True)
class SyncCounts:
    """What one pass over the subscriber list found."""

    mailable: int
    skipped: int
    gone: int


class Ledger:
    """The ledger file, opened for one process (``dopemail send`` holds a lock around it)."""

    def __init__(
        self,
        path: Path,
        *,
        scratch: bool = False,
        upgrade: Callable[[str], None] | None = None,
    ) -> None:
        """Open (or make) the ledger at ``path``. ``upgrade``: rebuild a table made by an
        older version where that makes sending faster, first telling it what is done; only
        by ``dopemail send --yes``, which holds the send lock (``dopemail status`` may open
        the file meanwhile)."""
        self.path = path
        self.scratch = scratch
        #: The scan number of each issue's last sync in this process.
        self._scans: dict[int, int] = {}
        path.parent.mkdir(parents=True, exist_ok=True)
        new = not path.exists()
        try:
            # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE ... COMMIT).
            self.db = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT)
            try:
                _refuse_newer(self.db, "main", path)  # before anything is written to it
            except SendError:
                self.db.close()
                raise
            self.db.execute("PRAGMA journal_mode=WAL")
            # FULL: a committed claim or answer survives even a power cut, not just kill -9.
            self.db.execute("PRAGMA synchronous=FULL")
            self.db.executescript(_SCHEMA)
            self._migrate()
            if upgrade is not None:
                self._upgrade(upgrade)
            if upgrade is not None or new:
                # Stamped when made, or by send --yes, which holds the send lock: a status run
                # beside a send waited 30 s for the file to write a stamp, then said it
                # unreadable.
                self._stamp()
        except sqlite3.OperationalError as exc:
            if hasattr(self, "db"):
                self.db.close()
            if "locked" not in str(exc) and "busy" not in str(exc):
                # The disk's fault, not the file's: no 'restore it from a backup', which
                # would forget the latest sends (and mail their readers again).
                raise (
                    full_disk_error(exc, path, LEFT_AS_IT_IS)
                    or _disk_said(exc, path)
                    or self._unreadable(exc)
                ) from None
            raise SendError(
                f"the send ledger is busy: {exc}",
                path,
                None,
                "another program is writing to it (a dopemail send of this workspace, perhaps "
                "from another version, or a database browser): run this again once it has "
                "finished; the ledger is left as it is",
            ) from None
        except sqlite3.DatabaseError as exc:
            if hasattr(self, "db"):
                self.db.close()
            raise self._unreadable(exc) from None

    def _unreadable(self, exc: sqlite3.DatabaseError) -> SendError:
        return SendError(
            f"the send ledger is unreadable: {exc}",
            self.path,
            None,
            "restore it from a backup; deleting it forgets what was sent",
        )

    def _migrate(self) -> None:
        for change, table, column, kind in _ADDED:
            if column not in _columns(self.db, "main", table):
                # One transaction: the column is the mark that its change was made (see
                # _stamp), so a crash between the two must leave neither.
                with self.transaction():
                    self.db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
                    if change == _TWO_KEYS:
                        _hold_two_keyed(self.db, "main")

    def _rebuilt(self) -> bool:
        (made,) = self.db.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'recipients'"
        ).fetchone()
        return _OLD_STATE_CHECK not in made

    def _stamp(self) -> None:
        # Read from the tables themselves, not counted up from the version stamped before: a
        # ledger of version 0 may have any of the changes, and the rebuild (3) is made by
        # send --yes alone, so a ledger a status opened stays at 2 until then. Only ever
        # raised, never rewritten: a status run beside a send writes it once at most.
        have = {n for n, table, column, _ in _ADDED if column in _columns(self.db, "main", table)}
        if self._rebuilt():
            have.add(_REBUILT)
        version = 0
        while version + 1 in have:
            version += 1
        if version > _user_version(self.db, "main"):
            self.db.execute(f"PRAGMA user_version = {version}")

    def _upgrade(self, tell: Callable[[str], None]) -> None:
        if self._rebuilt():
            return
        # SQLite cannot change a CHECK in place: the table is made again beside the old one,
        # its rows copied (rowids too), in one transaction: a crash leaves the old one whole.
        names = ", ".join(["rowid", *_columns(self.db, "main", "recipients")])
        tell(
            "Bringing the send ledger up to date, once: its readers' table is made again, "
            "every row kept (a few seconds for a long list)."
        )
        with self.transaction():
            self.db.execute(_recipients_table("recipients_new"))
            self.db.execute(f"INSERT INTO recipients_new ({names}) SELECT {names} FROM recipients")
            self.db.execute("DROP TABLE recipients")  # and its indexes
            self.db.execute("ALTER TABLE recipients_new RENAME TO recipients")
            for index in _RECIPIENTS_INDEXES:
                self.db.execute(index)

    @classmethod
    def dry_run_copy(cls, real: Path, issue: int) -> Ledger:
        """A scratch ledger holding a copy of ``issue``'s rows, so a dry run changes nothing."""
        folder = Path(tempfile.mkdtemp(prefix="dopemail-dry-run-"))
        try:
            ledger = cls(folder / "sends.sqlite", scratch=True)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        try:
            if real.exists():
                ledger._copy_from(real, issue)
        except BaseException:
            # The scratch copy goes with whatever stopped it (a ledger not a database, a
            # newer dopemail's, a full disk): one folder in /tmp was left at each.
            ledger.close()
            raise
        return ledger

    def _copy_from(self, real: Path, issue: int) -> None:
        """Copy ``issue``'s rows of the ledger at ``real`` into this scratch one."""
        self.db.execute("ATTACH DATABASE ? AS real", (f"file:{real}?mode=ro",))
        _refuse_newer(self.db, "real", real)
        with self.transaction():
            for table in ("issues", "recipients", "batches"):
                # By name, those both have: an older ledger lacks the columns added since,
                # and one a newer dopemail wrote may have some this one does not know.
                known = _columns(self.db, "main", table)
                names = ", ".join(c for c in _columns(self.db, "real", table) if c in known)
                self.db.execute(
                    f"INSERT INTO main.{table} ({names}) "
                    f"SELECT {names} FROM real.{table} WHERE issue = ?",
                    (issue,),
                )
            if "key_unsure" not in _columns(self.db, "real", "batches"):
                # An earlier dopemail's ledger, not yet brought up to date: the dry run
                # says what --yes will find, its Buttondown batches held.
                _hold_two_keyed(self.db, "main")
        self.db.execute("DETACH DATABASE real")

    def close(self) -> None:
        """Close the file (and delete it, for a dry run's scratch copy)."""
        self.db.close()
        if self.scratch:
            shutil.rmtree(self.path.parent, ignore_errors=True)

    def __enter__(self) -> Ledger:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def transaction(self) -> _Transaction:
        """``with ledger.transaction():`` one atomic, durable step.

        Steps taken inside another ``with ledger.transaction():`` are committed together with
        it, in one write to disk (the sender records answers and claims batches that way).
        """
        return _Transaction(self.db)

    # -- the issue ---------------------------------------------------------------------------

    def start(
        self, issue: int, issue_id: str, digest: str, provider: str, endpoint: str
    ) -> Started | None:
        """Note the issue being sent; what the ledger knew of it before (None: nothing).

        A ledger from before endpoints were recorded knows only the provider's name: if it is
        this run's provider, this run's endpoint is taken as the one it had.
        """
        before = self.started(issue)
        if before is None:
            with self.transaction():
                self.db.execute(
                    "INSERT INTO issues (issue, issue_id, digest, provider, started_at, endpoint) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (issue, issue_id, digest, provider, time.time(), endpoint),
                )
        elif before.endpoint is None and before.provider == provider:
            with self.transaction():
                self.db.execute("UPDATE issues SET endpoint = ? WHERE issue = ?", (endpoint, issue))
        return before

    def switch(self, issue: int, provider: str, endpoint: str, *, afresh: bool) -> None:
        """Send ``issue`` through another provider or endpoint from now on.

        ``afresh``: what went out before was a rehearsal; every reader is queued again (the
        next sync queues them), and batches left in flight are closed unanswered. Batch numbers
        go on from the last one, so no idempotency key is used twice.
        """
        now = time.time()
        with self.transaction():
            if afresh:
                self.db.execute("DELETE FROM recipients WHERE issue = ?", (issue,))
                self.db.execute(
                    "UPDATE batches SET state = 'released', finished_at = ?, "
                    "error = 'superseded: the issue was started afresh' "
                    "WHERE issue = ? AND state = 'in_flight'",
                    (now, issue),
                )
            self.db.execute(
                "UPDATE issues SET provider = ?, endpoint = ?"
                + (", started_at = ?" if afresh else "")
                + " WHERE issue = ?",
                (provider, endpoint, *((now,) if afresh else ()), issue),
            )

    def rebuilt(self, issue: int, digest: str) -> None:
        """Remember the version of the issue being sent now."""
        with self.transaction():
            self.db.execute("UPDATE issues SET digest = ? WHERE issue = ?", (digest, issue))

    # -- the list ----------------------------------------------------------------------------

    def sync(self, issue: int, rows: Iterable[Row], report: SkipReport) -> SyncCounts:
        """Bring the queue in line with the subscriber list, streaming it row by row.

        New subscribers are queued; a row saying unsubscribed, bounced (or any status but
        subscribed) takes a queued address out, wherever it appears in the file; queued
        addresses gone from the file are taken out too. Sent and failed rows never change.
        """
        db = self.db
        scan = self._next_scan(issue)
        db.execute("CREATE TEMP TABLE IF NOT EXISTS seen (key TEXT PRIMARY KEY, line INTEGER)")
        db.execute("DELETE FROM temp.seen")
        # Addresses a row takes off the list (unsubscribed...): in-flight rows are not touched
        # by a sync, but a batch posted again with new members must leave them out.
        db.execute("CREATE TEMP TABLE IF NOT EXISTS dropped (key TEXT PRIMARY KEY, why TEXT)")
        db.execute("DELETE FROM temp.dropped")
        self._scans[issue] = scan
        now = time.time()
        mailable = done = 0
        db.execute("BEGIN IMMEDIATE")
        try:
            for chunk in _chunks(rows, _SYNC_CHUNK):
                done += len(chunk)
                if done >= _COMMIT_EVERY:  # keep the write-ahead log small
                    db.execute("COMMIT")
                    db.execute("BEGIN IMMEDIATE")
                    done = 0
                mailable += self._sync_chunk(issue, chunk, report, scan, now)
            gone = db.execute(
                "UPDATE recipients SET state = 'skipped', error = ?, updated_at = ? "
                "WHERE issue = ? AND state = 'pending' AND scan <> ?",
                (GONE, now, issue, scan),
            ).rowcount
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:  # (see _Transaction.__exit__)
                db.execute("ROLLBACK")
            # What stopped it is what to tell: its report, on a full disk too, fails to close.
            with contextlib.suppress(OSError):
                report.close()
            raise
        report.close()
        return SyncCounts(mailable, report.total, gone)

    def _sync_chunk(
        self, issue: int, chunk: list[Row], report: SkipReport, scan: int, now: float
    ) -> int:
        """One slice of the list, decided row by row in file order, written in three
        statements: the first line of each address (``temp.seen``), the queue, the skips.

        Queueing (first occurrence of an address) always comes before any skip of the same
        address in the file, so writing the queue before the skips gives what writing row by
        row would.
        """
        db = self.db
        keys = list({row.key for row in chunk if row.skip != "invalid"})
        seen: dict[str, int] = {}
        if keys:
            marks = ",".join("?" * len(keys))
            seen.update(db.execute(f"SELECT key, line FROM temp.seen WHERE key IN ({marks})", keys))
        firsts: list[tuple[str, int]] = []
        queue: list[tuple[int, str, str, str, int, int]] = []
        skips: list[tuple[str, float, int, str]] = []
        later: list[tuple[int, Row]] = []  # a skip on a later line than the address's first
        for row in chunk:
            if row.skip == "invalid":
                report.add(row.line, row.email, "invalid", row.detail)
                continue
            line = seen.get(row.key)
            if line is None:
                seen[row.key] = row.line
                firsts.append((row.key, row.line))
            if row.skip:
                report.add(row.line, row.email, row.skip, row.detail)
                skips.append((f"{row.skip} (line {row.line})", now, issue, row.key))
                if line is not None:
                    later.append((line, row))
            elif line is not None:
                report.add(row.line, row.email, "duplicate", f"also on line {line}")
            else:
                queue.append((issue, row.key, row.email, row.name, row.line, scan))
        db.executemany("INSERT INTO temp.seen VALUES (?, ?)", firsts)
        db.executemany(
            "INSERT OR IGNORE INTO temp.dropped VALUES (?, ?)", [(k, why) for why, _, _, k in skips]
        )
        db.executemany(
            "INSERT INTO recipients (issue, key, email, name, seq, scan) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (issue, key) DO UPDATE SET "
            "scan = excluded.scan, "
            # The list's spelling wins for those still to be sent (a name cleaned since).
            "email = CASE WHEN state IN ('pending', 'skipped') THEN excluded.email ELSE email END, "
            "name = CASE WHEN state IN ('pending', 'skipped') THEN excluded.name ELSE name END, "
            "error = CASE WHEN state = 'skipped' THEN NULL ELSE error END, "
            "state = CASE WHEN state = 'skipped' THEN 'pending' ELSE state END",
            queue,
        )
        # The address's earlier row, queued, is taken back by the later one: that row is not
        # mailed either, and is counted with the skipped, so that the rows add up (the dry
        # run's "to send" and "skipped" left out 4 of 100,000 rows).
        for first, row in later:
            taken = db.execute(
                "UPDATE recipients SET state = 'skipped', error = ?, updated_at = ? "
                "WHERE issue = ? AND key = ? AND state = 'pending' AND scan = ?",
                (f"{row.skip} (line {row.line})", now, issue, row.key, scan),
            ).rowcount
            if taken:
                report.add(first, row.email, f"{row.skip} {LATER_LINE}", f"line {row.line}")
        db.executemany(
            "UPDATE recipients SET state = 'skipped', error = ?, updated_at = ? "
            "WHERE issue = ? AND key = ? AND state = 'pending'",
            skips,
        )
        return len(queue)

    def sync_list(self, issue: int, key: str, label: str) -> None:
        """Queue one row standing for a list the provider holds (Buttondown)."""
        with self.transaction():
            self.db.execute(
                "INSERT INTO recipients (issue, key, email, seq) VALUES (?, ?, ?, 0) "
                "ON CONFLICT DO NOTHING",
                (issue, key, label),
            )

    def _next_scan(self, issue: int) -> int:
        with self.transaction():
            self.db.execute("UPDATE issues SET scan = scan + 1 WHERE issue = ?", (issue,))
        row = self.db.execute("SELECT scan FROM issues WHERE issue = ?", (issue,)).fetchone()
        return row[0] if row else 1

    # -- batches -----------------------------------------------------------------------------

    def next_pending(self, issue: int, limit: int) -> list[Recipient]:
        """The next ``limit`` queued recipients, in list order."""
        rows = self.db.execute(
            "SELECT email, name, key FROM recipients WHERE issue = ? AND state = 'pending' "
            "ORDER BY seq, key LIMIT ?",
            (issue, limit),
        )
        return [Recipient(*row) for row in rows]

    def claim(
        self,
        issue: int,
        recipients: Sequence[Recipient],
        provider: str,
        idempotency_key: Callable[[int], str],
        endpoint: str | None = None,
    ) -> tuple[int, str]:
        """Write a new batch down as in flight, in one transaction; its number and key."""
        with self.transaction():
            (last,) = self.db.execute(
                "SELECT COALESCE(MAX(number), 0) FROM batches WHERE issue = ?", (issue,)
            ).fetchone()
            number = last + 1
            key = idempotency_key(number)
            self.db.execute(
                "INSERT INTO batches (issue, number, provider, state, idempotency_key, size, "
                "posted_at, endpoint) VALUES (?, ?, ?, 'in_flight', ?, ?, ?, ?)",
                (issue, number, provider, key, len(recipients), time.time(), endpoint),
            )
            changed = self.db.executemany(
                "UPDATE recipients SET state = 'in_flight', batch = ?, updated_at = ? "
                "WHERE issue = ? AND key = ? AND state = 'pending'",
                [(number, time.time(), issue, r.key) for r in recipients],
            ).rowcount
            if changed != len(recipients):
                raise SendError(
                    "the ledger changed under this send",
                    self.path,
                    None,
                    "is another dopemail send running on this issue?",
                )
        return number, key

    def members(self, issue: int, number: int) -> list[Recipient]:
        """The recipients of batch ``number`` still in flight, in their original order."""
        rows = self.db.execute(
            "SELECT email, name, key FROM recipients WHERE issue = ? AND batch = ? "
            "AND state = 'in_flight' ORDER BY seq, key",
            (issue, number),
        )
        return [Recipient(*row) for row in rows]

    def record(
        self,
        issue: int,
        number: int,
        results: Iterable[tuple[str, Outcome]],
        left_out: Iterable[tuple[str, str, str]] = (),
    ) -> None:
        """Write the provider's answer for a batch, in one transaction; with the members its
        replay left out (see :meth:`unlisted`) skipped."""
        now = time.time()
        rows = []
        for key, outcome in results:
            if outcome.status == "sent":
                values = ("sent", number, outcome.message_id, None)
            elif outcome.status == "rejected":
                values = ("failed", number, None, outcome.error)
            else:  # refused with the request, not sent: back in the queue
                values = ("pending", None, None, outcome.error)
            rows.append((*values, now, issue, key))
        with self.transaction():
            self.db.executemany(
                "UPDATE recipients SET state = ?, batch = ?, message_id = ?, error = ?, "
                "updated_at = ? WHERE issue = ? AND key = ? AND state = 'in_flight'",
                rows,
            )
            self.skip(issue, left_out)
            self._close_batch(issue, number, "done", None, now)

    def release(self, issue: int, number: int, error: str | None = None) -> None:
        """The provider surely did not take the batch: its recipients go back in the queue."""
        now = time.time()
        with self.transaction():
            self.db.execute(
                "UPDATE recipients SET state = 'pending', batch = NULL, updated_at = ? "
                "WHERE issue = ? AND batch = ? AND state = 'in_flight'",
                (now, issue, number),
            )
            self._close_batch(issue, number, "released", error, now)

    def mark_sent(self, issue: int, number: int, note: str) -> int:
        """The editor says an in-flight batch went out; how many recipients that marks sent."""
        now = time.time()
        with self.transaction():
            count = self.db.execute(
                "UPDATE recipients SET state = 'sent', error = ?, updated_at = ? "
                "WHERE issue = ? AND batch = ? AND state = 'in_flight'",
                (note, now, issue, number),
            ).rowcount
            self._close_batch(issue, number, "done", note, now)
        return count

    def unlisted(self, issue: int, number: int) -> list[tuple[str, str, str]]:
        """The members of in-flight batch ``number`` the list synced last no longer mails
        (unsubscribed, bounced, deleted...): (key, address, why) of each, left as they are."""
        scan = self._scans.get(issue)
        if scan is None:
            return []
        return self.db.execute(
            "SELECT r.key, r.email, COALESCE(d.why, ?) FROM recipients r "
            "LEFT JOIN temp.dropped d ON d.key = r.key WHERE r.issue = ? AND r.batch = ? "
            "AND r.state = 'in_flight' AND (d.key IS NOT NULL OR r.scan <> ?) ORDER BY r.seq",
            (GONE, issue, number, scan),
        ).fetchall()

    def skip(self, issue: int, rows: Iterable[tuple[str, str, str]]) -> None:
        """Mark in-flight recipients ((key, address, why) from :meth:`unlisted`) skipped."""
        now = time.time()
        with self.transaction():
            self.db.executemany(
                "UPDATE recipients SET state = 'skipped', error = ?, updated_at = ? "
                "WHERE issue = ? AND key = ? AND state = 'in_flight'",
                [(why, now, issue, key) for key, _, why in rows],
            )

    def drop_unlisted(self, issue: int, number: int) -> list[tuple[str, str]]:
        """Take out of in-flight batch ``number`` the members the list no longer mails: they
        are skipped. For a batch about to be posted again under a new key (its members may
        change then); (address, why) of each."""
        rows = self.unlisted(issue, number)
        self.skip(issue, rows)
        return [(email, why) for _, email, why in rows]

    def renew_key(self, issue: int, number: int) -> str:
        """A new idempotency key for an in-flight batch the editor chose to send again."""
        with self.transaction():
            (key,) = self.db.execute(
                "SELECT idempotency_key FROM batches WHERE issue = ? AND number = ?",
                (issue, number),
            ).fetchone()
            base, _, count = (key or f"batch-{number}").partition("~again")
            key = f"{base}~again{int(count or 0) + 1}"
            # Posted anew, under a key of its own: held no more (a new doubt about it holds it
            # again), and no other key's post stands for it.
            self.db.execute(
                "UPDATE batches SET idempotency_key = ?, posted_at = ?, held = 0, key_unsure = 0 "
                "WHERE issue = ? AND number = ?",
                (key, time.time(), issue, number),
            )
        return key

    def note(self, issue: int, number: int, error: str) -> None:
        """Remember why an in-flight batch could not be settled (for the status report)."""
        with self.transaction():
            self.db.execute(
                "UPDATE batches SET error = ? WHERE issue = ? AND number = ?",
                (error, issue, number),
            )

    def hold(self, issue: int, number: int, error: str) -> None:
        """Keep an in-flight batch for the editor to settle, with why (see :meth:`note`)."""
        with self.transaction():
            self.db.execute(
                "UPDATE batches SET error = ?, held = 1 WHERE issue = ? AND number = ?",
                (error, issue, number),
            )

    def _close_batch(
        self, issue: int, number: int, state: str, error: str | None, now: float
    ) -> None:
        self.db.execute(
            "UPDATE batches SET state = ?, error = ?, finished_at = ? "
            "WHERE issue = ? AND number = ?",
            (state, error, now, issue, number),
        )

    # -- reading -----------------------------------------------------------------------------

    def in_flight(self, issue: int) -> list[InFlight]:
        """Batches posted without a recorded answer, oldest first."""
        batches = self.db.execute(
            "SELECT number, provider, size, posted_at, idempotency_key, error, endpoint, held, "
            "key_unsure FROM batches WHERE issue = ? AND state = 'in_flight' ORDER BY number",
            (issue,),
        ).fetchall()
        found = []
        for number, provider, size, posted_at, key, error, endpoint, held, unsure in batches:
            sample = [r.email for r in self.members(issue, number)[:3]]
            found.append(
                InFlight(
                    number,
                    provider,
                    size,
                    posted_at,
                    key,
                    error,
                    sample,
                    endpoint,
                    bool(held),
                    bool(unsure),
                )
            )
        return found

    def counts(self, issue: int) -> dict[str, int]:
        """How many recipients are in each state."""
        counts = dict.fromkeys(STATES, 0)
        for state, count in self.db.execute(
            "SELECT state, COUNT(*) FROM recipients WHERE issue = ? GROUP BY state", (issue,)
        ):
            counts[state] = count
        return counts

    def failures(self, issue: int, limit: int | None = None) -> list[tuple[str, str]]:
        """(address, reason) of failed recipients, in list order."""
        rows = self.db.execute(
            "SELECT email, COALESCE(error, '') FROM recipients WHERE issue = ? "
            "AND state = 'failed' ORDER BY seq LIMIT ?",
            (issue, -1 if limit is None else limit),
        )
        return list(rows)

    def started(self, issue: int) -> Started | None:
        """What the ledger knows of the issue, if sending it ever started."""
        row = self.db.execute(
            "SELECT issue_id, digest, provider, endpoint, started_at FROM issues WHERE issue = ?",
            (issue,),
        ).fetchone()
        return Started(*row) if row else None


def read_counts(path: Path, issue: int) -> dict[str, int]:
    """How many of ``issue``'s readers are in each state, read without opening the ledger
    for writing (none when there is no ledger, or one this code cannot read)."""
    counts = dict.fromkeys(STATES, 0)
    if not path.is_file():
        return counts
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        rows = db.execute(
            "SELECT state, COUNT(*) FROM recipients WHERE issue = ? GROUP BY state", (issue,)
        )
        counts.update({state: int(n) for state, n in rows})
    except sqlite3.Error:
        pass
    finally:
        db.close()
    return counts


def sent_count(path: Path, issue: int) -> int:
    """How many readers were sent ``issue`` (see :func:`read_counts`)."""
    return read_counts(path, issue)["sent"]


def went_out(root: Path, issue: int | None) -> bool:
    """Whether the workspace at ``root``'s ledger says ``issue`` went out to a reader at
    least (an issue marked ready, not sent, may have: its status is the editor's to set)."""
    return issue is not None and sent_count(root / LEDGER_PATH, issue) > 0


#: What the ledger holds after an error its disk is at fault of, as a hint says it: when opened.
LEFT_AS_IT_IS = (
    "the ledger is left as it is, with every send it recorded: keep it (an older copy, or none, "
    "would mail the readers of the latest sends again)"
)
#: And during a send (a transaction that failed is undone whole).
KEPT_WHILE_SENDING = (
    "the ledger keeps what was sent, and a batch whose answer it could not write stays in "
    "flight ('dopemail status' lists it)"
)
#: Free space under which the ledger's disk is taken as full. SQLite needs a few pages, its
#: write-ahead log and a 32 KB shared-memory file; short of them it often says "disk I/O
#: error", not "database or disk is full".
NEARLY_FULL = 1 << 20


def disk_full(folder: Path) -> str | None:
    """How little room the disk holding ``folder`` has left, when it has (almost) none: '0
    bytes free', or no file can be added (its inodes used up); None if it has room, or
    cannot be asked."""
    while not folder.exists() and folder.parent != folder:  # the nearest folder there
        folder = folder.parent
    try:
        disk = os.statvfs(folder)
    except (OSError, AttributeError):  # (Windows has no statvfs)
        return None
    free = disk.f_bavail * disk.f_frsize
    if free < NEARLY_FULL:
        return f"{free:,} bytes free" if free < 1024 else f"{free // 1024:,} KB free"
    if disk.f_files and not disk.f_favail:  # (a file system that counts none says 0 of 0)
        return "no file can be added: its inodes are used up"
    return None


def full_disk_error(exc: Exception, path: Path, kept: str) -> SendError | None:
    """``exc``, an SQLite error of the ledger at ``path``, said as the full disk it comes of
    (SQLite's "database or disk is full", or any error of its with the disk found full), with
    ``kept`` (what the ledger holds) in the hint; None when the disk has room."""
    said = str(exc)
    folder = f"{path.parent}/"
    full = disk_full(path.parent) if isinstance(exc, sqlite3.OperationalError) else None
    if full is not None:
        return SendError(
            f"the disk holding {folder} is full ({full}): the send ledger could not be read or "
            f"written ({said})",
            path,
            None,
            f"free some space on that disk and run the same command again; {kept}",
        )
    if said.startswith("database or disk is full"):
        # Room on its disk all the same: a quota, or the disk of SQLite's temporary files.
        return SendError(
            f"a disk is full: the send ledger could not be written ({said})",
            path,
            None,
            f"free some space on the disk holding {folder} (or your quota there, or in the "
            f"folder of temporary files, {tempfile.gettempdir()}) and run the same command "
            f"again; {kept}",
        )
    return None


def _disk_said(exc: sqlite3.Error, path: Path) -> SendError | None:
    """An error SQLite gives of a disk (SQLITE_HINTS) when the ledger is opened, with the
    disk's hint: the file may be whole."""
    said = str(exc)
    hint = sqlite_hint(said)
    if hint is None:
        return None
    return SendError(
        f"the send ledger could not be opened: {said}", path, None, f"{hint}; {LEFT_AS_IT_IS}"
    )


@contextlib.contextmanager
def reported(path: Path, sending: bool = False) -> Iterator[None]:
    """``with reported(ledger_path):`` an SQLite error of the ledger said as a
    :class:`SendError` naming the file and what to do, not a traceback; the file is left as
    it is (a disk at fault, the CLI says with the disk's own hint; a full one, here, with
    what the ledger keeps of a send when ``sending``)."""
    try:
        yield
    except sqlite3.Error as exc:
        full = full_disk_error(exc, path, KEPT_WHILE_SENDING if sending else LEFT_AS_IT_IS)
        if full is not None:
            raise full from None
        if sqlite_hint(str(exc)) is not None:
            raise
        raise SendError(
            f"the send ledger could not be read or written: {exc}",
            path,
            None,
            "it was left as it is (the readers it records as sent stay so, and a batch whose "
            "answer it could not write stays in flight): close any other program that has it "
            "open (a sqlite3 shell, a database browser) and run this again; if the error stays, "
            "its tables were changed by hand or by another dopemail version: send from that "
            "version, or restore the ledger from your backup (deleting it forgets what was "
            "sent)",
        ) from None


def _user_version(db: sqlite3.Connection, schema: str) -> int:
    (version,) = db.execute(f"PRAGMA {schema}.user_version").fetchone()
    return int(version)


def _refuse_newer(db: sqlite3.Connection, schema: str, path: Path) -> None:
    version = _user_version(db, schema)
    if version > SCHEMA_VERSION:
        raise SendError(
            f"this ledger was written by a newer dopemail (schema {version}, this one knows up "
            f"to {SCHEMA_VERSION}); nothing was written to it",
            path,
            None,
            "send from that version, or upgrade this one (in a checkout of dopemail: git pull, "
            "then make build; installed with pip: pip install --upgrade CHECKOUT, of its newest "
            "commit)",
        )


def _hold_two_keyed(db: sqlite3.Connection, schema: str) -> None:
    """Hold for the editor the Buttondown batches an earlier dopemail left in flight.

    That dopemail posted under the batch's key K unconfirmed and, refused with
    ``sending_requires_confirmation``, again confirmed under ``K-confirmed``; this one confirms
    every post under K. Replayed under K, a batch whose confirmed post went out is a new email
    to Buttondown (the refusal did not use K up): the whole list mailed twice. Only the editor,
    looking at Buttondown's Emails page, can tell whether it went.
    """
    rows = db.execute(
        f"SELECT issue, number, idempotency_key, error FROM {schema}.batches "
        "WHERE provider = 'buttondown' AND state = 'in_flight'"
    ).fetchall()
    for issue, number, key, error in rows:
        why = (
            f"left in flight by an earlier dopemail, which may have posted it under the key "
            f"'{key}' and, asked to confirm sending, again under '{key}-confirmed'; this one "
            f"posts under '{key}' alone, so posted again it could make a second email of one "
            "already sent: look in Buttondown's Emails page for this issue's email (sent, or "
            "scheduled, once or more) before settling it"
        )
        if error:
            why += f" (the last run's word on it: {error})"
        db.execute(
            f"UPDATE {schema}.batches SET held = 1, key_unsure = 1, error = ? "
            "WHERE issue = ? AND number = ?",
            (why, issue, number),
        )


def _columns(db: sqlite3.Connection, schema: str, table: str) -> list[str]:
    return [row[1] for row in db.execute(f"PRAGMA {schema}.table_info({table})")]


def _chunks(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    """``rows`` in lists of ``size`` (the last one shorter)."""
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


class _Transaction:
    """One transaction; inside another one, a savepoint (committed with the outer one)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.nested = False

    def __enter__(self) -> None:
        self.nested = self.db.in_transaction
        self.db.execute("SAVEPOINT step" if self.nested else "BEGIN IMMEDIATE")

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        # SQLite ends a transaction itself on some errors (a full disk, an I/O error): a
        # ROLLBACK then fails, "no transaction is active", in place of the error to tell.
        if kind and not self.db.in_transaction:
            return
        if not self.nested:
            self.db.execute("ROLLBACK" if kind else "COMMIT")
            return
        if kind:
            self.db.execute("ROLLBACK TO step")
        self.db.execute("RELEASE step")


@contextlib.contextmanager
def send_lock(root: Path) -> Iterator[None]:
    """One real send at a time per workspace (the lock dies with the process, even on kill -9)."""
    path = root / LOCK_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        # A dry run or 'dopemail status' looking whether a send runs (sending_now) holds the
        # lock for a moment: waited for, up to a second, rather than taken for a send.
        deadline = time.monotonic() + 1.0
        while fcntl is not None:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise SendError(
                        "another dopemail send is running in this workspace",
                        None,
                        None,
                        "wait for it to finish (or stop it with Ctrl-C), then run this again",
                    ) from None
                time.sleep(0.02)
        yield


def sending_now(root: Path) -> bool:
    """Whether a ``dopemail send --yes`` holds this workspace's lock at this moment (its
    batches in flight are then on the wire, not left for the editor to settle)."""
    path = root / LOCK_PATH
    if fcntl is None or not path.exists():
        return False
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False
