"""The ledger: states, batches that never change, and a dry run that changes nothing."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from conftest import REPO
from sendserver import readers, write_subscribers

from dopemail.errors import SendError
from dopemail.send.ledger import GONE, LEDGER_PATH, SCHEMA_VERSION, Ledger, read_counts
from dopemail.send.message import Recipient
from dopemail.send.providers.base import Outcome
from dopemail.send.subscribers import SkipReport, read_subscribers


@pytest.fixture
def ledger(tmp_path):
    with Ledger(tmp_path / ".dopemail" / "sends.sqlite") as opened:
        opened.start(1, "1-first", "digest", "resend", "https://api.resend.com")
        yield opened


def queue(ledger: Ledger, tmp_path, rows) -> None:
    ledger.sync(1, read_subscribers(write_subscribers(tmp_path, rows)), SkipReport())


def key_of(number: int) -> str:
    return f"key-{number}"


def test_recipients_move_from_pending_through_in_flight_to_sent_or_failed(ledger, tmp_path) -> None:
    queue(ledger, tmp_path, readers(5))
    first = ledger.next_pending(1, 3)
    assert [r.email for r in first] == [f"reader0000{i}@example.com" for i in (1, 2, 3)]
    number, key = ledger.claim(1, first, "resend", key_of)
    assert (number, key) == (1, "key-1")
    assert ledger.counts(1) == {"pending": 2, "in_flight": 3, "sent": 0, "failed": 0, "skipped": 0}
    (flying,) = ledger.in_flight(1)
    assert flying.number == 1 and flying.size == 3 and flying.idempotency_key == "key-1"
    assert ledger.members(1, 1) == first
    ledger.record(
        1,
        1,
        [
            (first[0].key, Outcome("sent", "id-1")),
            (first[1].key, Outcome("rejected", error="inactive")),
            (first[2].key, Outcome("unsent")),
        ],
    )
    assert ledger.counts(1) == {"pending": 3, "in_flight": 0, "sent": 1, "failed": 1, "skipped": 0}
    assert ledger.failures(1) == [("reader00002@example.com", "inactive")]
    assert ledger.in_flight(1) == []
    # The unsent one is first in line again, in a batch with a new number.
    again = ledger.next_pending(1, 10)
    assert again[0].email == "reader00003@example.com"
    assert ledger.claim(1, again, "resend", key_of)[0] == 2


def test_batch_numbers_are_never_reused(ledger, tmp_path) -> None:
    queue(ledger, tmp_path, readers(4))
    number, _ = ledger.claim(1, ledger.next_pending(1, 2), "resend", key_of)
    ledger.release(1, number, "refused")
    assert ledger.counts(1)["pending"] == 4
    assert ledger.claim(1, ledger.next_pending(1, 2), "resend", key_of)[0] == number + 1


def test_claiming_a_recipient_twice_is_refused(ledger, tmp_path) -> None:
    queue(ledger, tmp_path, readers(2))
    rows = ledger.next_pending(1, 2)
    ledger.claim(1, rows, "resend", key_of)
    with pytest.raises(SendError, match="changed under this send"):
        ledger.claim(1, rows, "resend", key_of)
    assert len(ledger.in_flight(1)) == 1


def test_mark_sent_and_renew_key_settle_in_flight_batches(ledger, tmp_path) -> None:
    queue(ledger, tmp_path, readers(4))
    one, _ = ledger.claim(1, ledger.next_pending(1, 2), "postmark", key_of)
    two, _ = ledger.claim(1, ledger.next_pending(1, 2), "postmark", key_of)
    assert ledger.mark_sent(1, one, "marked sent by the editor") == 2
    assert ledger.renew_key(1, two) == "key-2~again1"
    assert ledger.renew_key(1, two) == "key-2~again2"
    assert [b.number for b in ledger.in_flight(1)] == [two]
    assert ledger.counts(1)["sent"] == 2


def test_sent_and_failed_rows_never_change_when_the_list_does(ledger, tmp_path) -> None:
    queue(ledger, tmp_path, readers(3))
    rows = ledger.next_pending(1, 3)
    number, _ = ledger.claim(1, rows, "resend", key_of)
    ledger.record(1, number, [(r.key, Outcome("sent", "x")) for r in rows[:2]])
    ledger.record(1, number, [(rows[2].key, Outcome("rejected", error="no"))])
    unsubscribed = [(r[0], "", "unsubscribed", "", "") for r in readers(3)]
    queue(ledger, tmp_path, unsubscribed)
    assert ledger.counts(1) == {"pending": 0, "in_flight": 0, "sent": 2, "failed": 1, "skipped": 0}


def test_rows_gone_from_the_list_are_skipped_and_come_back_when_relisted(ledger, tmp_path) -> None:
    queue(ledger, tmp_path, readers(3))
    queue(ledger, tmp_path, readers(2))
    assert ledger.counts(1)["skipped"] == 1
    ((state, error),) = ledger.db.execute(
        "SELECT state, error FROM recipients WHERE key = 'reader00003@example.com'"
    )
    assert (state, error) == ("skipped", GONE)
    queue(ledger, tmp_path, readers(3))
    assert ledger.counts(1) == {"pending": 3, "in_flight": 0, "sent": 0, "failed": 0, "skipped": 0}


def test_a_dry_run_works_on_a_copy(ledger, tmp_path) -> None:
    queue(ledger, tmp_path, readers(3))
    ledger.claim(1, ledger.next_pending(1, 1), "resend", key_of)
    before = ledger.counts(1)
    with Ledger.dry_run_copy(ledger.path, 1) as copy:
        assert copy.counts(1) == before and len(copy.in_flight(1)) == 1
        queue(copy, tmp_path, readers(10))
        copy.claim(1, copy.next_pending(1, 5), "resend", key_of)
        scratch = copy.path
    assert ledger.counts(1) == before and not scratch.exists()


def test_a_dry_run_copies_a_ledger_with_columns_this_version_does_not_know(
    ledger, tmp_path
) -> None:
    # A teammate's other dopemail added a column: the copy named it in the scratch ledger,
    # made from this version's tables ("table main.batches has no column named future_col").
    queue(ledger, tmp_path, readers(3))
    ledger.claim(1, ledger.next_pending(1, 1), "resend", key_of)
    for table in ("issues", "recipients", "batches"):
        ledger.db.execute(f"ALTER TABLE {table} ADD COLUMN future_col TEXT DEFAULT 'x'")
    before = ledger.counts(1)
    with Ledger.dry_run_copy(ledger.path, 1) as copy:
        assert copy.counts(1) == before and copy.started(1) == ledger.started(1)
        assert copy.in_flight(1) == ledger.in_flight(1)


def test_a_ledger_is_stamped_with_its_schema_version(ledger) -> None:
    # Without one, a dopemail older than the ledger's tables read it as its own (a batch held
    # for the editor was replayed by a version that knew no 'held').
    def version() -> int:
        return ledger.db.execute("PRAGMA user_version").fetchone()[0]

    assert version() == SCHEMA_VERSION
    # One from before versions were kept, and before batches were held: brought up to date.
    ledger.db.execute("ALTER TABLE batches DROP COLUMN held")
    ledger.db.execute("PRAGMA user_version = 0")
    ledger.close()
    # Opened to read (a status beside a send): its columns added, no stamp written (one
    # waited 30 s for a send's lock to write it, then said the ledger unreadable).
    with Ledger(ledger.path) as opened:
        assert "held" in [row[1] for row in opened.db.execute("PRAGMA table_info(batches)")]
        assert opened.db.execute("PRAGMA user_version").fetchone() == (0,)
    # Opened by send --yes, which holds the send lock: stamped.
    with Ledger(ledger.path, upgrade=lambda said: None) as opened:
        assert opened.db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)


def test_an_earlier_ledger_s_buttondown_batches_in_flight_are_held_for_the_editor(
    ledger, tmp_path
) -> None:
    # Schema 5: an earlier dopemail posted a Buttondown batch under K and, asked to confirm,
    # under 'K-confirmed'; this one confirms under K. Replayed under K, a batch whose
    # confirmed post went out was a second email to the whole list.
    queue(ledger, tmp_path, readers(2))
    ledger.start(2, "2-second", "digest", "buttondown", None)
    ledger.sync_list(2, "buttondown:list", "buttondown subscriber list")
    ledger.claim(1, ledger.next_pending(1, 1), "resend", key_of)
    ledger.claim(2, ledger.next_pending(2, 1), "buttondown", lambda n: "dopemail-2-batch-1")
    ledger.db.execute("ALTER TABLE batches DROP COLUMN key_unsure")
    ledger.db.execute("PRAGMA user_version = 4")
    ledger.close()
    with Ledger.dry_run_copy(ledger.path, 2) as copy:  # the dry run says what --yes finds
        (planned,) = copy.in_flight(2)
        assert planned.held and planned.key_unsure
    with Ledger(ledger.path) as read:  # a status: the change made, not stamped
        (posted,) = read.in_flight(2)
        assert posted.held and posted.key_unsure
        assert "'dopemail-2-batch-1-confirmed'" in str(posted.error)
        assert "Buttondown's Emails page" in str(posted.error)
        (other,) = read.in_flight(1)  # Resend's keys were always one per batch
        assert not other.held and not other.key_unsure and other.error is None
        assert read.db.execute("PRAGMA user_version").fetchone() == (4,)
    with Ledger(ledger.path, upgrade=lambda said: None) as opened:
        assert opened.db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,) == (5,)
        assert opened.in_flight(2)[0].key_unsure
        # Sent again by the editor's word: a key of its own, no other key's post stands for it.
        opened.renew_key(2, 1)
        assert not opened.in_flight(2)[0].key_unsure
    # A batch this dopemail posts is never taken for one of those.
    with Ledger(tmp_path / "new.sqlite") as new:
        new.start(2, "2-second", "digest", "buttondown", None)
        new.sync_list(2, "buttondown:list", "buttondown subscriber list")
        new.claim(2, new.next_pending(2, 1), "buttondown", lambda n: "k")
    with Ledger(tmp_path / "new.sqlite", upgrade=lambda said: None) as new:
        (fresh,) = new.in_flight(2)
        assert not fresh.held and not fresh.key_unsure


def test_a_ledger_read_beside_a_send_writes_nothing_and_a_busy_one_is_said_busy(
    ledger, monkeypatch
) -> None:
    # A status beside a send (or an older copy's) waited 30 s for the send's lock to write
    # a stamp, then said "the send ledger is unreadable: database is locked", and advised a
    # backup.
    import sqlite3

    from dopemail.errors import SendError
    from dopemail.send import ledger as ledger_module

    ledger.db.execute("PRAGMA user_version = 0")  # as ledgers were before they had a version
    ledger.close()
    monkeypatch.setattr(ledger_module, "BUSY_TIMEOUT", 0.2)
    sending = sqlite3.connect(ledger.path, isolation_level=None)
    sending.execute("BEGIN IMMEDIATE")
    sending.execute("UPDATE issues SET scan = scan")
    try:
        with Ledger(ledger.path) as read:  # reads alone: no wait for the lock
            assert read.db.execute("PRAGMA user_version").fetchone() == (0,)
        # One that must write (a column to add) is said busy, not unreadable.
        sending.execute("ROLLBACK")
        sending.execute("ALTER TABLE batches DROP COLUMN held")
        sending.execute("BEGIN IMMEDIATE")
        sending.execute("UPDATE issues SET scan = scan")
        with pytest.raises(SendError) as caught:
            Ledger(ledger.path)
        assert caught.value.message.startswith("the send ledger is busy"), caught.value.message
        assert "run this again once it has finished" in str(caught.value.hint)
    finally:
        sending.execute("ROLLBACK")
        sending.close()


def test_members_keep_their_order(ledger, tmp_path) -> None:
    queue(ledger, tmp_path, readers(6))
    picked = [Recipient(r.email, r.name, r.key) for r in ledger.next_pending(1, 6)[::2]]
    number, _ = ledger.claim(1, picked, "resend", key_of)
    assert ledger.members(1, number) == picked


def test_an_answer_changes_only_readers_still_in_flight(ledger, tmp_path) -> None:
    """A batch's answer (or its release) is written for the members still in flight: one
    skipped meanwhile (left the list before a replay) stays skipped, not marked sent; one
    already answered stays as answered, not put back in the queue to be mailed again."""
    queue(ledger, tmp_path, readers(4))
    two = ledger.next_pending(1, 2)
    number, _ = ledger.claim(1, two, "resend", key_of)
    ledger.skip(1, [(two[0].key, two[0].email, "unsubscribed (line 6)")])
    ledger.record(1, number, [(r.key, Outcome("sent", "id")) for r in two])
    states = dict(ledger.db.execute("SELECT key, state FROM recipients WHERE issue = 1"))
    assert states[two[0].key] == "skipped" and states[two[1].key] == "sent"
    # Released after some of its members were answered: those stay answered.
    other = ledger.next_pending(1, 2)
    number, _ = ledger.claim(1, other, "resend", key_of)
    ledger.record(1, number, [(other[0].key, Outcome("sent", "id"))])
    ledger.release(1, number, "refused")
    states = dict(ledger.db.execute("SELECT key, state FROM recipients WHERE issue = 1"))
    assert states[other[0].key] == "sent" and states[other[1].key] == "pending"
    assert ledger.next_pending(1, 10) == [other[1]]
    assert ledger.counts(1) == {"pending": 1, "in_flight": 0, "sent": 2, "failed": 0, "skipped": 1}


def test_the_ledger_is_written_to_survive_a_power_cut(ledger) -> None:
    """A committed claim or answer is on disk when the commit returns (synchronous=FULL, in
    write-ahead-log mode): with less, a power cut could forget a batch posted, and the next
    run would claim its readers again under a new key and mail them twice."""
    assert ledger.db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert ledger.db.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL
    with Ledger(ledger.path) as again:  # set by each opening: it is not kept in the file
        assert again.db.execute("PRAGMA synchronous").fetchone() == (2,)


def test_steps_inside_one_transaction_commit_together_and_fail_alone(ledger, tmp_path) -> None:
    """The sender records answers and claims the next batches in one write to disk; a step
    that fails inside it (a claim the ledger refuses) undoes itself only."""
    queue(ledger, tmp_path, readers(6))
    first = ledger.next_pending(1, 3)
    with ledger.transaction():
        number, _ = ledger.claim(1, first, "resend", key_of)
        ledger.record(1, number, [(r.key, Outcome("sent", "id")) for r in first])
        with pytest.raises(SendError, match="changed under this send"):
            ledger.claim(1, first, "resend", key_of)  # already sent: refused, rolled back
        ledger.claim(1, ledger.next_pending(1, 3), "resend", key_of)
    assert ledger.counts(1) == {"pending": 0, "in_flight": 3, "sent": 3, "failed": 0, "skipped": 0}
    assert [b.number for b in ledger.in_flight(1)] == [2]  # the refused claim left no batch 2


def test_every_row_of_the_list_is_counted_once(ledger, tmp_path) -> None:
    # An address subscribed on one line and unsubscribed on a later one: the later row was
    # counted as skipped and the earlier one nowhere, so "to send" and "skipped" left rows
    # out (4 of 100,000).
    rows = [
        ("ada@example.com", "Ada", "subscribed", "2024-01-01", ""),
        ("bo@example.com", "Bo", "subscribed", "2024-01-01", ""),
        ("ada@example.com", "Ada", "unsubscribed", "2024-02-01", ""),
        ("ada@example.com", "Ada", "unsubscribed", "2024-03-01", ""),  # told once, as a repeat
        ("cy@example.com", "Cy", "bounced", "2024-01-01", ""),
        ("cy@example.com", "Cy", "unsubscribed", "2024-02-01", ""),  # none of its rows queued
    ]
    report = SkipReport()
    ledger.sync(1, read_subscribers(write_subscribers(tmp_path, rows)), report)
    assert ledger.counts(1)["pending"] == 1
    assert report.total == len(rows) - 1
    assert report.counts["unsubscribed on a later line"] == 1
    assert (2, "ada@example.com", "unsubscribed on a later line: line 4") in report.examples


def test_the_readme_s_git_clean_keeps_the_ledger(tmp_path: Path) -> None:
    # `git clean -x` (or -X) deletes what .gitignore lists, .dopemail/ and the ledger in it:
    # the README said only that `make clean` keeps it, and a clone cleaned so would mail
    # every reader of a sent issue again.
    readme = " ".join((REPO / "README.md").read_text(encoding="utf-8").split())
    found = re.findall(r"`(git clean -fd([xX]) [^`]*)`", readme)
    assert {option for _, option in found} == {"x", "X"}, found
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    root = tmp_path / "pub"
    root.mkdir()
    shutil.copy2(REPO / ".gitignore", root / ".gitignore")
    who = ["-c", "user.name=Ada", "-c", "user.email=ada@example.com"]
    for args in (["init", "-q"], ["add", ".gitignore"], ["commit", "-q", "-m", "start"]):
        subprocess.run(["git", *who, *args], cwd=root, check=True, env=env, capture_output=True)
    for command, _ in found:
        with Ledger(root / LEDGER_PATH) as ledger:
            ledger.start(1, "1-first", "digest", "outbox", "outbox")
            ledger.sync(1, read_subscribers(write_subscribers(tmp_path, readers(3))), SkipReport())
        for made in ("site/index.html", ".dopemail/cache/x", "outbox/1-first/a.eml"):
            (root / made).parent.mkdir(parents=True, exist_ok=True)
            (root / made).write_text("x", encoding="utf-8")
        subprocess.run(shlex.split(command), cwd=root, check=True, env=env, capture_output=True)
        assert read_counts(root / LEDGER_PATH, 1)["pending"] == 3, command
        assert not (root / "site").exists() and not (root / "outbox").exists(), command


class _UndoneByTheDisk:
    """A connection whose updates fail as on a full disk, SQLite undoing the transaction
    itself."""

    def __init__(self, db) -> None:  # type: ignore[no-untyped-def]
        self._db = db

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self._db, name)

    def execute(self, sql: str, *args):  # type: ignore[no-untyped-def]
        if sql.startswith("UPDATE") and self._db.in_transaction:
            self._db.execute("ROLLBACK")
            raise sqlite3.OperationalError("database or disk is full")
        return self._db.execute(sql, *args)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_full_disk_is_the_error_told_not_what_failed_after_it(ledger, tmp_path) -> None:
    # SQLite undid the transaction itself: its ROLLBACK failed ("cannot rollback - no
    # transaction is active"), then the skip report's close on the same disk (ENOSPC, no
    # file named), and that was told: "No space left on device", the build's hint.
    ledger.db = _UndoneByTheDisk(ledger.db)  # type: ignore[assignment]
    rows = read_subscribers(write_subscribers(tmp_path, readers(3)))
    with pytest.raises(sqlite3.OperationalError, match="database or disk is full"):
        ledger.sync(1, rows, SkipReport(Path("/dev/full")))
    with (
        pytest.raises(sqlite3.OperationalError, match="database or disk is full"),
        ledger.transaction(),
    ):
        ledger.db.execute("UPDATE issues SET scan = scan")
    assert not ledger.db.in_transaction
    # Its report failing alone is told, named.
    ledger.db = ledger.db._db
    report = SkipReport(Path("/dev/full"))
    rows = read_subscribers(write_subscribers(tmp_path, readers(3)))
    with pytest.raises(OSError, match="No space left on device") as caught:
        ledger.sync(1, rows, report)
    assert caught.value.filename == "/dev/full"
