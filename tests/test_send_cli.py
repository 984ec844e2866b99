"""``dopemail send`` and ``dopemail status`` as editors use them."""

from __future__ import annotations

import contextlib
import email
import email.policy
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO, copy_publication
from sendserver import LoopbackServer, env, make_workspace, write_issue, write_subscribers

from dopemail.build import build
from dopemail.cli import cli


def run(*args: object, environ: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(
        cli, [str(a) for a in args], env=environ or env(), catch_exceptions=False
    )
    return result.exit_code, result.output


@pytest.mark.parametrize("command", ["send", "status"])
def test_each_command_has_help_with_an_example(command) -> None:
    code, output = run(command, "--help")
    assert code == 0 and f"Example: dopemail {command} 12" in output


def test_send_without_yes_is_a_dry_run(tmp_path) -> None:
    root = make_workspace(tmp_path)
    code, output = run("send", "1", "--root", root)
    assert code == 0 and "Dry run of issue 1-first-issue" in output
    assert "Run again with --yes to send" in output and not (root / "outbox").exists()
    # Built files with no issue file beside them (site/ copied alone): said, and sent as built.
    assert "warning: cannot tell whether issue 1-first-issue is what its sources make now" in (
        output
    )


@pytest.mark.parametrize("yes", [True, False])
def test_a_send_stopped_at_once_says_how_to_resume(tmp_path, monkeypatch, yes: bool) -> None:
    # A second Ctrl-C (or SIGTERM) stops at once, where the first finishes the batch being
    # posted: it printed a bare "Aborted!" (exit 1), with no word of resuming.
    import dopemail.send.run as run_module

    def stopped_twice(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt  # as the signal handler raises it, asked a second time

    monkeypatch.setattr(run_module, "send_issue", stopped_twice)
    root = make_workspace(tmp_path, subscribers=3)
    code, output = run("send", "1", *(["--yes"] if yes else []), "--root", root)
    assert code == 130 and "Aborted!" not in output, output
    if yes:
        assert "stopped at once: run 'dopemail send 1 --yes' to resume" in output, output
        assert "'dopemail status 1' shows where it stands" in output
    else:
        assert "stopped: nothing was recorded" in output, output


def test_another_issue_under_a_number_already_sent_is_refused(tmp_path) -> None:
    # The ledger knows readers by the issue's number: an issue given the number of one sent
    # (kept in a folder, out of the build's sight) was "sent 0" to everyone "already sent".
    root = make_workspace(tmp_path, subscribers=3)
    code, output = run("send", "1", "--yes", "--no-progress", "--root", root)
    assert code == 0 and "sent 3, failed 0" in output
    shutil.rmtree(root / "site/issues/1-first-issue")
    write_issue(root, 1, "december-picks")
    said = "issue number 1 was sent as 1-first-issue (3 readers), and this is 1-december-picks"
    code, output = run("send", "1", "--root", root)
    assert code == 0 and f"warning: {said}: --yes will refuse it" in output, output
    code, output = run("send", "1", "--yes", "--no-progress", "--root", root)
    assert code == 1 and said in output and "takes the next free number" in output, output


def test_a_list_with_its_header_alone_is_refused_for_the_send(tmp_path) -> None:
    # An export that failed (the header line alone) sent to no one and said "sent 0": and a
    # half-sent issue's readers still to mail were taken off its queue as no longer listed.
    root = make_workspace(tmp_path, subscribers=5)
    code, output = run("send", "1", "--yes", "--no-progress", "--root", root)
    assert code == 0 and "sent 5, failed 0 this run" in output
    write_subscribers(root, 0)
    said = "the subscriber list holds no reader: its header line alone, or nothing"
    code, output = run("send", "1", "--root", root)
    assert code == 0 and f"warning: subscribers.csv: {said}; --yes will refuse it" in output
    code, output = run("send", "1", "--yes", "--no-progress", "--root", root)
    assert code == 1 and f"subscribers.csv: {said}\n  hint: export the list again" in output
    code, output = run("status", "1", "--root", root)
    assert code == 0 and "sent 5 · failed 0" in output, output
    # Refused before anything is recorded: an issue never sent is still never sent.
    write_issue(root, 2, "second-issue")
    code, output = run("send", "2", "--yes", "--no-progress", "--root", root)
    assert code == 1 and said in output
    assert run("status", "2", "--root", root) == (0, "issue 2: nothing sent yet\n")


def test_a_list_without_one_valid_address_is_refused_for_the_send(tmp_path) -> None:
    # 'Ada Lovelace <ada@example.com>' in the email column, on every line: "sent 0, failed
    # 0 ... skipped 2 (2 invalid)", exit 0, the issue sent to no one.
    root = make_workspace(tmp_path, subscribers=0)
    rows = [
        ("Ada Lovelace <ada@example.com>", "Ada", "subscribed", "", ""),
        ("Bob <bob@example.com>", "Bob", "subscribed", "", ""),
    ]
    write_subscribers(root, rows)
    said = "no address in the subscriber list is valid (line 2: 'Ada Lovelace <ada@example.com>'"
    code, output = run("send", "1", "--root", root)
    assert code == 0 and f"warning: subscribers.csv: {said}" in output, output
    code, output = run("send", "1", "--yes", "--no-progress", "--root", root)
    assert code == 1 and said in output and "address alone (ada@example.com)" in output, output
    assert run("status", "1", "--root", root) == (0, "issue 1: nothing sent yet\n")
    # One valid address among them, or readers who all left: the send goes on (to whom it may).
    write_subscribers(root, [*rows, ("gone@example.com", "", "unsubscribed", "", "")])
    code, output = run("send", "1", "--yes", "--no-progress", "--root", root)
    assert code == 0 and "sent 0, failed 0" in output, output


@pytest.mark.parametrize(
    ("provider", "title"),
    [
        ("postmark", "Postmark"),
        ("resend", "Resend"),
        ("sendgrid", "SendGrid"),
        ("mailgun", "Mailgun"),
        ("buttondown", "Buttondown"),
    ],
)
def test_the_dry_run_shows_the_plan_before_the_api_key_is_set(tmp_path, provider, title) -> None:
    # It stopped at "no API key for postmark": an editor could not see the plan (counts,
    # batches, estimate) before getting a key. --yes and --test still refuse without one.
    with LoopbackServer(key="k") as server:
        root = make_workspace(tmp_path, provider=provider, server=server)
        no_key = {"DOPEMAIL_UNSUBSCRIBE_SECRET": "s" * 32}
        code, output = run("send", "1", "--root", root, environ=no_key)
        assert code == 0 and "Dry run of issue 1-first-issue" in output, output
        # Whether opens and clicks are counted: off where each request can say so, else the
        # account's to set (the default "off" cannot be asked of Resend or Buttondown).
        tracking = next(line for line in output.split("\n") if line.startswith("  tracking:"))
        if provider in ("resend", "buttondown"):
            assert f"{title} takes no switch per message" in tracking, tracking
        else:
            assert "off, asked of each request" in tracking, tracking
        variable = output.split("environment variable ")[1].split()[0]
        # Named as the provider writes its own name (it said "no API key for postmark").
        assert output.count(f"no API key for {title} yet") == 1
        assert variable.startswith("DOPEMAIL_")
        for real in (["--yes"], ["--test", "ed@example.com"]):
            code, output = run("send", "1", "--root", root, *real, environ=no_key)
            assert code == 1 and f"no API key for {title}: the environment" in output
        assert server.requests == []


def test_send_yes_then_status(tmp_path) -> None:
    root = make_workspace(tmp_path, subscribers=5)
    code, output = run("send", "1", "--yes", "--no-progress", "--root", root)
    assert code == 0 and "sent 5, failed 0 this run" in output
    # The README's last step, said once every reader has it (it was forgotten: the archive
    # said 'ready', and an edit changing what they were sent went untold).
    assert (
        "next: once the files in outbox/1-first-issue/ are mailed on, set 'status: sent' in "
        "issues/1-first-issue.md, then run dopemail build" in output
    ), output
    # The default provider mails no one: said, not left to "sent 5" (read as mailed).
    assert "no one was mailed: the outbox wrote each message as a file in outbox/" in output
    code, output = run("status", "1", "--root", root)
    assert code == 0 and "sent 5 · failed 0 · pending 0 · in flight 0" in output
    code, output = run("status", "1-first-issue", "--root", root)
    assert code == 0 and "issue 1-first-issue via outbox" in output
    started = re.search(r"started \d{4}-\d\d-\d\d \d\d:\d\d (\S+)\n", output)
    assert started and started.group(1) == time.strftime("%Z")  # the zone, named
    code, output = run("send", "1", "--root", root)  # everyone has it: no time to estimate
    assert code == 0 and "0 to send (5 already sent" in output
    assert "estimated:   nothing to send" in output and "about" not in output


def _sent_to_three(tmp_path: Path) -> tuple[Path, Path]:
    """A workspace whose issue 1 went to its three readers, and its ledger."""
    root = make_workspace(tmp_path, subscribers=3)
    assert run("send", "1", "--yes", "--no-progress", "--root", root)[0] == 0
    return root, root / ".dopemail/sends.sqlite"


def test_a_dry_run_reads_a_ledger_another_version_added_a_column_to(tmp_path) -> None:
    # A QA tester's other checkout added a column to the shared ledger: the dry run ended in
    # a traceback ("table main.batches has no column named future_col"), exit 1.
    root, ledger = _sent_to_three(tmp_path)
    with contextlib.closing(sqlite3.connect(ledger)) as db:
        db.execute("ALTER TABLE batches ADD COLUMN future_col TEXT")
    before = ledger.read_bytes()
    code, output = run("send", "1", "--as-built", "--root", root)
    assert code == 0 and "0 to send (3 already sent" in output, output
    assert ledger.read_bytes() == before


def _rows(ledger: Path) -> list[str]:
    """The ledger's contents, as SQL (its schema version too)."""
    with contextlib.closing(sqlite3.connect(ledger)) as db:
        return [*db.iterdump(), *db.execute("PRAGMA user_version").fetchone()]


def test_a_ledger_error_after_it_opens_names_the_ledger_and_keeps_it(tmp_path) -> None:
    # Tables changed by hand (or by another version) failed past the ledger's opening, with
    # a traceback ("no such column: digest"), where opening it said what to do.
    root, ledger = _sent_to_three(tmp_path)
    with contextlib.closing(sqlite3.connect(ledger)) as db:
        db.execute("ALTER TABLE issues RENAME COLUMN digest TO checksum")
    before = _rows(ledger)
    for args, said in [
        (("status", "1"), "no such column: digest"),
        (("send", "1", "--as-built"), "NOT NULL constraint failed: issues.digest"),
        (("send", "1", "--yes", "--no-progress"), "no such column: digest"),
    ]:
        code, output = run(*args, "--root", root)
        assert code == 1 and "Traceback" not in output, output
        assert (
            f"{ledger}: the send ledger could not be read or written: {said}\n  hint: it was "
            "left as it is" in output
        ), output
        assert "send from that version, or restore the ledger from your backup" in output
        assert _rows(ledger) == before


class _FullDisk:
    """A connection to a ledger whose disk is full: the statements ``fails`` picks fail as
    SQLite's fail there, saying ``said``."""

    def __init__(self, db: sqlite3.Connection, said: str, fails: Callable[[str], bool]) -> None:
        self._db, self._said, self._fails = db, said, fails

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self._db, name)

    def execute(self, sql: str, *args):  # type: ignore[no-untyped-def]
        if self._fails(sql):
            raise sqlite3.OperationalError(self._said)
        return self._db.execute(sql, *args)

    def executemany(self, sql: str, *args):  # type: ignore[no-untyped-def]
        if self._fails(sql):
            raise sqlite3.OperationalError(self._said)
        return self._db.executemany(sql, *args)


def _disk_full(
    monkeypatch: pytest.MonkeyPatch,
    root: Path,
    said: str,
    fails: Callable[[str], bool] | None,
    room: bool = False,
) -> None:
    """The disk holding ``root`` full (0 bytes free, unless ``room``): opening its ledger,
    and the statements ``fails`` picks (None: none, the file cannot be opened), fail."""
    real_connect, real_statvfs = sqlite3.connect, os.statvfs
    ours = str(root)

    def connect(database, *args, **kwargs):  # type: ignore[no-untyped-def]
        if fails is None and str(database).startswith(ours):
            raise sqlite3.OperationalError(said)
        # The dry run's copy, elsewhere, reads the ledger through ATTACH.
        opened = real_connect(database, *args, **kwargs)
        return _FullDisk(opened, said, fails or (lambda sql: sql.startswith("ATTACH")))

    def statvfs(path):  # type: ignore[no-untyped-def]
        if room or not str(path).startswith(ours):
            return real_statvfs(path)
        return os.statvfs_result((4096, 4096, 25_000, 0, 0, 6_000, 12, 12, 0, 255))

    monkeypatch.setattr(sqlite3, "connect", connect)
    monkeypatch.setattr(os, "statvfs", statvfs)


@pytest.mark.parametrize("said", ["disk I/O error", "database or disk is full"])
@pytest.mark.parametrize(
    "args",
    [("status", "1"), ("send", "1"), ("send", "1", "--yes", "--no-progress")],
    ids=["status", "dry-run", "yes"],
)
def test_a_full_disk_is_told_full_not_a_broken_ledger(tmp_path, monkeypatch, args, said) -> None:
    # SQLite on a full disk says "disk I/O error" (its shared-memory file cannot be made) or
    # "database or disk is full": both were told "the send ledger is unreadable", hint
    # "restore it from a backup", or "the disk failed: check the disk". A backup restored
    # forgets the latest sends, and their readers are mailed again.
    root, ledger = _sent_to_three(tmp_path)
    before = _rows(ledger)
    _disk_full(monkeypatch, root, said, None)
    code, output = run(*args, "--root", root)
    monkeypatch.undo()
    assert code == 1 and "Traceback" not in output, output
    assert (
        f"{ledger}: the disk holding {ledger.parent}/ is full (0 bytes free): the send "
        f"ledger could not be read or written ({said})\n  hint: free some space on that disk "
        "and run the same command again; the ledger is left as it is, with every send it "
        "recorded: keep it"
    ) in output, output
    assert "restore" not in output and "backup" not in output
    assert "check the disk" not in output and "what was built" not in output
    assert _rows(ledger) == before


def test_a_ledger_that_fills_the_disk_mid_send_keeps_what_was_sent(tmp_path, monkeypatch) -> None:
    root = make_workspace(tmp_path, subscribers=5, send="batch_size = 2")
    ledger = root / ".dopemail/sends.sqlite"
    answers = {"n": 0}

    def second_answer(sql: str) -> bool:
        if sql.startswith("UPDATE recipients SET state = ?, batch = ?, message_id"):
            answers["n"] += 1
            return answers["n"] == 2
        return False

    _disk_full(monkeypatch, root, "database or disk is full", second_answer)
    code, output = run("send", "1", "--yes", "--no-progress", "--root", root)
    monkeypatch.undo()  # space freed
    assert code == 1 and "Traceback" not in output, output
    assert (
        f"{ledger}: the disk holding {ledger.parent}/ is full (0 bytes free): the send ledger "
        "could not be read or written (database or disk is full)\n  hint: free some space on "
        "that disk and run the same command again; the ledger keeps what was sent, and a "
        "batch whose answer it could not write stays in flight ('dopemail status' lists it)"
    ) in output, output
    assert "restore" not in output
    code, output = run("status", "1", "--root", root)
    assert "sent 2 · failed 0 · pending 1 · in flight 2" in output, output
    code, output = run("send", "1", "--yes", "--no-progress", "--root", root)
    assert code == 0, output
    files = list((root / "outbox/1-first-issue").iterdir())
    assert len(files) == 5 and all(f.suffix == ".eml" for f in files)
    code, output = run("status", "1", "--root", root)
    assert "sent 5 · failed 0 · pending 0 · in flight 0" in output, output


def test_full_says_full_with_room_on_the_disk_and_a_disk_error_without_is_the_disk(
    tmp_path, monkeypatch
) -> None:
    # "database or disk is full" with room on the ledger's disk: a quota, or SQLite's
    # temporary files' disk. A disk I/O error there is the disk's, not the file's.
    root, ledger = _sent_to_three(tmp_path)
    _disk_full(monkeypatch, root, "database or disk is full", None, room=True)
    code, output = run("status", "1", "--root", root)
    assert (
        f"{ledger}: a disk is full: the send ledger could not be written (database or disk "
        f"is full)\n  hint: free some space on the disk holding {ledger.parent}/ (or your "
        "quota there, or in the folder of temporary files,"
    ) in output, output
    monkeypatch.undo()
    _disk_full(monkeypatch, root, "disk I/O error", None, room=True)
    code, output = run("status", "1", "--root", root)
    assert (
        f"{ledger}: the send ledger could not be opened: disk I/O error\n  hint: the disk "
        "failed to read or write it: check the disk"
    ) in output, output
    assert code == 1 and "restore" not in output and "backup" not in output


def test_a_full_disk_stopping_a_send_says_what_the_ledger_keeps(tmp_path, monkeypatch) -> None:
    # A send told the build's hint: "free some space and run again (what was built before is
    # intact)", of a send that builds nothing.
    import errno

    from dopemail.send.subscribers import SkipReport

    root = make_workspace(tmp_path, subscribers=3)

    def close(self) -> None:  # type: ignore[no-untyped-def]
        raise OSError(errno.ENOSPC, "No space left on device", str(self.path))

    monkeypatch.setattr(SkipReport, "close", close)
    code, output = run("send", "1", "--yes", "--no-progress", "--root", root)
    assert code == 1 and "Traceback" not in output, output
    assert (
        "1-first-issue-skipped.csv: No space left on device\n  hint: the disk is full: free some "
        "space and run the same command again; the ledger keeps the readers sent so far, and "
        "the send goes on with the others\n"
    ) in output, output
    assert "what was built" not in output


@pytest.mark.parametrize(
    "args",
    [("status", "1"), ("send", "1"), ("send", "1", "--test", "me@example.com")],
    ids=["status", "dry-run", "test"],
)
def test_a_full_disk_stopping_what_sends_nothing_says_nothing_was_sent(
    tmp_path, monkeypatch, args
) -> None:
    # dopemail status and the dry run were told the send's hint, "the ledger keeps the
    # readers sent so far, and the send goes on with the others", of commands that send
    # nothing and write no ledger.
    import errno

    from dopemail.send import report
    from dopemail.send.ledger import Ledger
    from dopemail.send.run import _Run

    root = make_workspace(tmp_path, subscribers=3)
    scratch = Path(tempfile.gettempdir(), "dopemail-dry-run-x")

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(scratch))

    monkeypatch.setattr(report, "send_status", full)  # (status)
    monkeypatch.setattr(Ledger, "dry_run_copy", classmethod(full))  # its scratch copy, in /tmp
    monkeypatch.setattr(_Run, "test", full)
    code, output = run(*args, "--root", root)
    assert code == 1 and "Traceback" not in output, output
    assert (
        f"{scratch}: No space left on device\n  hint: the disk is full: free some space and run "
        "the same command again; nothing was sent or changed\n"
    ) in output, output
    # An error of the ledger's own: left as it is, not 'a batch stays in flight'.
    said = "attempt to write a readonly database"

    def refused(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError(said)

    monkeypatch.setattr(report, "send_status", refused)
    code, output = run("status", "1", "--root", root)
    assert code == 1 and "the ledger is left as it is" in output, output
    assert "stays in flight" not in output


@pytest.mark.parametrize("full", [False, True], ids=["room", "disk-full"])
def test_a_corrupt_ledger_is_still_told_to_be_restored(tmp_path, monkeypatch, full) -> None:
    root, ledger = _sent_to_three(tmp_path)
    ledger.write_bytes(b"\x00garbage, not a database\xff" * 200)
    for name in ("sends.sqlite-wal", "sends.sqlite-shm"):
        (ledger.parent / name).unlink(missing_ok=True)
    if full:  # what the file is, is what to tell: not the disk
        real_statvfs = os.statvfs
        monkeypatch.setattr(
            os,
            "statvfs",
            lambda path: (
                os.statvfs_result((4096, 4096, 25_000, 0, 0, 6_000, 12, 12, 0, 255))
                if str(path).startswith(str(root))
                else real_statvfs(path)
            ),
        )
    for args in (("status", "1"), ("send", "1", "--yes", "--no-progress")):
        code, output = run(*args, "--root", root)
        assert code == 1 and "Traceback" not in output, output
        assert (
            f"{ledger}: the send ledger is unreadable: file is not a database\n  hint: "
            "restore it from a backup; deleting it forgets what was sent"
        ) in output, output


def test_a_dry_run_stopped_by_its_ledger_leaves_no_scratch_copy(tmp_path, monkeypatch) -> None:
    # A dry run copies the ledger into a folder of /tmp: stopped by a ledger that is not a
    # database (or by a full disk), it left that folder behind, one a run.
    root, ledger = _sent_to_three(tmp_path)
    ledger.write_bytes(b"\x00garbage, not a database\xff" * 200)
    for name in ("sends.sqlite-wal", "sends.sqlite-shm"):
        (ledger.parent / name).unlink(missing_ok=True)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    code, output = run("send", "1", "--root", root)
    assert code == 1 and "file is not a database" in output, output
    assert list(scratch.iterdir()) == []


@pytest.mark.parametrize(
    "args",
    [
        ("status", "1"),
        ("send", "1", "--as-built"),
        ("send", "1", "--yes", "--no-progress"),
        ("send", "1", "--yes", "--no-progress", "--resend-in-flight"),
        ("send", "1", "--yes", "--no-progress", "--mark-in-flight-sent", "1"),
        ("send", "1", "--yes", "--no-progress", "--start-over-with-new-provider"),
    ],
    ids=["status", "dry-run", "yes", "resend", "mark-sent", "start-over"],
)
def test_a_ledger_a_newer_dopemail_wrote_is_refused_unwritten(tmp_path, args) -> None:
    # A teammate's older checkout replayed a batch a newer one held for the editor (it knew
    # no 'held' column): a ledger of a schema newer than this code knows is not touched.
    from dopemail.send.ledger import SCHEMA_VERSION

    root, ledger = _sent_to_three(tmp_path)
    with contextlib.closing(sqlite3.connect(ledger)) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        db.execute("ALTER TABLE batches ADD COLUMN future_col TEXT")
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    (root / "subscribers.csv").open("a").write("new@example.com,New,subscribed,,\n")
    before, mailed = ledger.read_bytes(), sorted((root / "outbox").rglob("*"))
    code, output = run(*args, "--root", root)
    assert code == 1 and "Traceback" not in output, output
    assert (
        f"{ledger}: this ledger was written by a newer dopemail (schema {SCHEMA_VERSION + 1}, "
        f"this one knows up to {SCHEMA_VERSION}); nothing was written to it\n"
        "  hint: send from that version, or upgrade this one (in a checkout of dopemail: git "
        "pull, then make build; installed with pip: pip install --upgrade CHECKOUT, of its "
        "newest commit)\n"
    ) in output, output
    assert ledger.read_bytes() == before
    assert sorted((root / "outbox").rglob("*")) == mailed


_A = ("a@example.com", "A", "subscribed", "2024-01-01", "")


@pytest.mark.parametrize(
    ("rows", "dry_run", "taken_off", "not_mailed"),
    [
        # Rows the list never let the send take on: in the report, not among the readers.
        (
            [
                _A,
                ("g@example.com", "", "unsubscribed", "", ""),
                ("b@x.example", "", "bounced", "", ""),
            ],
            "skipped:     2 (1 unsubscribed, 1 bounced)",
            None,
            2,
        ),
        # Subscribed on one row, unsubscribed on a later one: queued, then taken off (it was
        # counted in the total, beside its skipped row).
        (
            [
                _A,
                ("b@example.com", "", "subscribed", "", ""),
                ("b@example.com", "", "unsubscribed", "", ""),
            ],
            # every row once: 1 to send, and both of b's rows (the first left out before)
            "1 to send (0 already sent, 0 failed earlier)\n  skipped:     2 (1 unsubscribed, 1 "
            "unsubscribed on a later line)",
            1,
            1,
        ),
    ],
    ids=["skipped-rows", "taken-off-the-queue"],
)
def test_status_counts_each_reader_once(tmp_path, rows, dry_run, taken_off, not_mailed) -> None:
    root = make_workspace(tmp_path, subscribers=rows)
    code, output = run("send", "1", "--root", root)
    assert code == 0 and dry_run in output
    assert run("send", "1", "--yes", "--no-progress", "--root", root)[0] == 0
    code, output = run("status", "1", "--root", root)
    assert code == 0 and "sent 1 · failed 0 · pending 0 · in flight 0 · of 1 readers" in output
    line = "taken off the queue by the list (unsubscribed, bounced or removed)"
    assert (f"{line}: {taken_off}" in output) if taken_off else (line not in output)
    assert (
        "rows of the list not mailed (unsubscribed, bounced, invalid, duplicate...): "
        f"{not_mailed}, listed in " in output
    )
    assert "1-first-issue-skipped.csv" in output
    assert [p.name[:2] for p in (root / "outbox/1-first-issue").glob("*.eml")] == ["a@"]


def test_status_of_an_issue_never_sent(tmp_path) -> None:
    root = make_workspace(tmp_path)  # issue 1, built and never sent
    assert run("status", "1", "--root", root) == (0, "issue 1: nothing sent yet\n")
    # An issue written but not built yet is there too.
    (root / "issues").mkdir()
    (root / "issues" / "2-second.md").write_text("---\nnumber: 2\n---\n", encoding="utf-8")
    assert run("status", "2", "--root", root) == (0, "issue 2: nothing sent yet\n")
    # Its file marks it sent (the sample's first issues, a copy whose ledger stayed behind):
    # not "yet". What its file says, not its last build (which may be older).
    write_issue(root, 3, "third", status="ready")
    third = root / "issues" / "3-third.md"
    third.write_text("---\nnumber: 3\nstatus: sent\n---\n", encoding="utf-8")
    code, output = run("status", "3", "--root", root)
    assert code == 0 and output.startswith("issue 3: nothing sent from here (this copy's ledger")
    assert "though its file says 'status: sent': it went out from another" in output, output
    write_issue(root, 3, "third", status="sent")
    third.write_text("---\nnumber: 3\nstatus: ready\n---\n", encoding="utf-8")
    assert run("status", "3", "--root", root) == (0, "issue 3: nothing sent yet\n")
    third.write_bytes(b"---\nnumber: 3\nstatus: sent\ntitle: \xff\n---\n")  # the build says
    assert run("status", "3", "--root", root) == (0, "issue 3: nothing sent yet\n")


def test_status_of_an_issue_that_does_not_exist_says_so(tmp_path) -> None:
    # "Nothing sent yet" of a mistyped number would reassure the editor who typed it.
    root = make_workspace(tmp_path)
    (root / "issues").mkdir()
    (root / "issues" / "3-third.md").write_text("---\nnumber: 3\n---\n", encoding="utf-8")
    code, output = run("status", "7", "--root", root)
    assert code == 1 and "Traceback" not in output
    assert "there is no issue 7: no issues/7-*.md, no site/issues/7-*/ and nothing sent" in output
    assert "hint: give the number of an issue (the issues are: 1, 3)" in output
    # An archive's hundreds of numbers, in runs: not one by one.
    for number in range(4, 300):
        (root / "issues" / f"{number}-more.md").write_text("---\n---\n", encoding="utf-8")
    code, output = run("status", "700", "--root", root)
    assert code == 1 and "(the issues are: 1, 3–299)" in output, output


@pytest.mark.parametrize("command", ["send", "status"])
def test_a_word_for_an_issue_gets_the_numbers_there_are(tmp_path, command: str) -> None:
    root = make_workspace(tmp_path)
    code, output = run(command, "abc", "--root", root)
    assert code == 1 and "'abc' is not an issue: give its number, e.g. 12" in output
    assert "hint: the issues are: 1" in output


def test_status_of_a_sent_issue_whose_files_are_gone(tmp_path) -> None:
    # The ledger remembers what was sent, whatever became of the issue's files since.
    root = make_workspace(tmp_path, subscribers=2)
    assert run("send", "1", "--yes", "--no-progress", "--root", root)[0] == 0
    shutil.rmtree(root / "site")
    code, output = run("status", "1", "--root", root)
    assert code == 0 and "sent 2 · failed 0" in output


def test_test_send_from_the_command_line(tmp_path) -> None:
    root = make_workspace(tmp_path)
    code, output = run("send", "1", "--test", "editor@example.com", "--root", root)
    # Where to open it: the outbox's folder, which holds it.
    said = "wrote a test copy of issue 1-first-issue in outbox/1-first-issue/tests/"
    assert code == 0 and said in output
    assert len(list((root / "outbox/1-first-issue/tests").glob("*.eml"))) == 1


def test_a_test_goes_to_an_address_written_as_mail_programs_write_it(tmp_path) -> None:
    # "Zoé Lefèvre <zoe@example.com>", pasted from a mail program, was "not a valid address".
    import email
    import email.policy

    root = make_workspace(tmp_path)
    code, output = run("send", "1", "--test", "Zoé Lefèvre <zoe@example.com>", "--root", root)
    assert code == 0, output
    (eml,) = (root / "outbox/1-first-issue/tests").glob("*.eml")
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert message["To"].addresses[0].display_name == "Zoé Lefèvre"
    assert message["To"].addresses[0].addr_spec == "zoe@example.com"
    code, output = run("send", "1", "--test", "Zoé <not-an-address>", "--root", root)
    assert code == 1 and "--test Zoé <not-an-address>: not a valid address" in output


def _built_as_a_draft_its_file_saying(tmp_path: Path, status: str) -> tuple[Path, str]:
    """A workspace whose issue 1 was built as a draft, its file now saying ``status``, and
    what 'send 1 --yes' said (it refused)."""
    root = make_workspace(tmp_path, subscribers=3)
    write_issue(root, 1, "first-issue", status="draft")
    source = root / "issues/1-first-issue.md"
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_text(f"---\nnumber: 1\nstatus: {status}\n---\nHello.\n", encoding="utf-8")
    code, output = run("send", "1", "--yes", "--no-progress", "--root", root)
    assert code == 1, output
    return root, output


def test_a_draft_whose_file_says_ready_is_told_to_be_built(tmp_path) -> None:
    # Built as a draft, then 'status: ready' set without building: the refusal said "set
    # 'status: ready' in its file", which the file already said.
    root, output = _built_as_a_draft_its_file_saying(tmp_path, "ready")
    assert "was built as a draft, and its file now says 'status: ready'" in output
    assert "hint: run dopemail build, then send again" in output
    assert "set 'status: ready'" not in output
    assert not (root / "outbox").exists()


def test_a_draft_whose_file_says_draft_in_capitals_is_a_draft(tmp_path) -> None:
    # 'status: Draft' is a draft, as the build reads it: not "its file now says 'status:
    # Draft'" and told to build again, which would change nothing.
    _, output = _built_as_a_draft_its_file_saying(tmp_path, "Draft")
    assert "issue 1-first-issue is a draft" in output
    assert "its file now says" not in output


def test_a_draft_issue_is_test_sent_and_dry_run_but_never_sent_to_the_list(tmp_path) -> None:
    root = make_workspace(tmp_path, subscribers=3)
    write_issue(root, 1, "first-issue", status="draft")  # as the build writes a draft's
    code, output = run("send", "1", "--yes", "--no-progress", "--root", root)
    assert code == 1 and "Traceback" not in output
    assert "issues/1-first-issue.md: issue 1-first-issue is a draft" in output
    assert "hint: set 'status: ready' in its file and run dopemail build" in output
    assert not (root / "outbox").exists()
    assert run("status", "1", "--root", root) == (0, "issue 1: nothing sent yet\n")
    code, output = run("send", "1", "--root", root)  # the dry run says so, once, and plans
    assert code == 0 and "Dry run of issue 1-first-issue" in output
    assert "Run again with --yes" not in output and output.count("is a draft") == 1
    assert (
        "It is a draft (issues/1-first-issue.md): --yes refuses it until its status is ready "
        "and it is built again." in output
    )
    code, output = run("send", "1", "--test", "editor@example.com", "--root", root)
    assert code == 0 and "a test copy of issue 1-first-issue" in output
    write_issue(root, 1, "first-issue", status="ready")
    code, output = run("send", "1", "--yes", "--no-progress", "--root", root)
    assert code == 0 and "sent 3, failed 0 this run" in output


def test_an_issue_marked_sent_is_not_sent_to_the_list_again(tmp_path) -> None:
    # A mistyped number, or a ledger lost with a deleted .dopemail/, would mail everyone again.
    root = make_workspace(tmp_path, subscribers=3)
    write_issue(root, 1, "first-issue", status="sent")
    code, output = run("send", "1", "--root", root)  # the dry run says so, and plans
    assert code == 0 and "It is marked sent" in output and "3 to send" in output
    code, output = run("send", "1", "--yes", "--no-progress", "--root", root)
    refused = "issue 1-first-issue is marked sent: it is not sent to the list again"
    assert code == 1 and refused in output
    # The hint says what 'ready' would do with what this ledger knows: here, nothing.
    assert "this ledger has no record of sending it" in output
    assert "setting 'status: ready' would mail every reader on the list" in output
    assert not (root / "outbox").exists()
    code, output = run("send", "1", "--test", "editor@example.com", "--root", root)
    assert code == 0  # a test copy still goes
    write_issue(root, 1, "first-issue", status="ready")
    code, output = run("send", "1", "--yes", "--no-progress", "--root", root)
    assert code == 0 and "sent 3, failed 0 this run" in output
    write_issue(root, 1, "first-issue", status="sent")
    code, output = run("send", "1", "--yes", "--no-progress", "--root", root)
    assert code == 1 and "this ledger has it sent to 3 readers; to mail only those who" in output
    # Marked sent before it had finished (a reader still pending, as an interrupted send
    # leaves it): the hint is to finish it.
    with sqlite3.connect(root / ".dopemail/sends.sqlite") as db:
        db.execute("UPDATE recipients SET state = 'pending' WHERE rowid = 1")
    db.close()
    code, output = run("send", "1", "--yes", "--no-progress", "--root", root)
    assert code == 1 and "this ledger has 1 reader still to send or settle" in output


@pytest.mark.parametrize(
    ("readers", "said"),
    [
        (3, "delivered 3 messages to 3 addresses\n"),
        # One: "delivered 1 messages to 1 addresses" once.
        (1, "delivered 1 message to 1 address\n"),
    ],
)
def test_the_loopback_provider_runs_on_its_own_for_trying_a_provider(
    tmp_path, readers: int, said: str
) -> None:
    # As the README shows: a real provider's settings tried against a server on this machine.
    server = subprocess.Popen(
        [sys.executable, "-m", "dopemail.send.loopback", "--port", "0", "--key", "try-me"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        first = server.stdout.readline()
        found = re.search(r"on (http://127\.0\.0\.1:\d+), accepting the API key 'try-me'", first)
        assert found, first
        shown = "".join(server.stdout.readline() for _ in range(12))
        assert f'[send.resend]\n  base_url = "{found.group(1)}"' in shown
        root = make_workspace(tmp_path, provider="resend", subscribers=readers)
        with (root / "dopemail.toml").open("a") as config:
            config.write(f'\n[send.resend]\nbase_url = "{found.group(1)}"\n')
        code, output = run(
            "send", "1", "--yes", "--no-progress", "--root", root, environ=env("resend", "try-me")
        )
        assert code == 0 and f"sent {readers}, failed 0 this run" in output, output
    finally:
        server.send_signal(signal.SIGTERM)
        rest, _ = server.communicate(timeout=10)
    assert server.returncode == 0 and said in rest, rest


def test_errors_are_one_message_with_a_hint_and_no_traceback(tmp_path) -> None:
    root = make_workspace(tmp_path)
    (root / "issues").mkdir()
    (root / "issues" / "4-fourth.md").write_text("---\nnumber: 4\n---\n", encoding="utf-8")
    code, output = run("send", "4", "--yes", "--root", root)  # written, not built
    assert code == 1
    assert "issue 4 is not built: no folder site/issues/4-*/" in output
    assert "hint: run dopemail build first" in output and "Traceback" not in output
    # Mistyped: building would not help.
    code, output = run("send", "44", "--yes", "--root", root)
    assert code == 1 and "there is no issue 44: no issues/44-*.md, no site/issues/44-*/" in output
    assert "hint: give the number of an issue (the issues are: 1, 4)" in output
    code, output = run("send", "1-first-isue", "--root", root)
    assert code == 1 and "issue 1 is 1-first-issue, not 1-first-isue" in output
    assert "hint: dopemail send 1 (its number is enough)" in output
    code, output = run("status", "1-first-isue", "--root", root)  # as send says it
    assert code == 1 and "issue 1 is 1-first-issue, not 1-first-isue" in output
    assert "hint: dopemail status 1 (its number is enough)" in output
    code, output = run("send", "1", "--test", "not-an-address", "--root", root)
    assert code == 1 and "--test not-an-address: not a valid address" in output
    # The one thing said: not first the outbox's word on its development secret.
    assert "warning" not in output, output
    # An empty one (an unset shell variable) is not a dry run in disguise.
    code, output = run("send", "1", "--test", "", "--root", root)
    assert code == 2 and "--test needs an address" in output
    assert "Dry run" not in output and not (root / "outbox").exists()


def test_a_bad_provider_name_is_a_config_error(tmp_path) -> None:
    root = make_workspace(tmp_path, provider="sendgird")
    code, output = run("send", "1", "--root", root)
    assert code == 1 and "unknown provider 'sendgird'" in output and "dopemail.toml:" in output


@pytest.mark.parametrize(
    ("provider", "url"),
    [("mailgun", "https://api.mailgun.net/v3"), ("sendgrid", "https://api.sendgrid.com/v3/")],
)
def test_a_base_url_with_the_api_version_is_refused_at_its_line(provider, url, tmp_path) -> None:
    # As Mailgun's and SendGrid's documentation write it: dopemail adds /v3 itself, and
    # /v3/v3/... is no API (where a page answering 200 would be taken for a receipt).
    root = make_workspace(tmp_path, provider=provider)
    with (root / "dopemail.toml").open("a", encoding="utf-8") as config:
        config.write(f'\n[send.{provider}]\nbase_url = "{url}"\n')
    line = (root / "dopemail.toml").read_text(encoding="utf-8").count("\n")
    code, output = run("send", "1", "--root", root)
    assert code == 1 and f"dopemail.toml:{line}" in output
    assert "without '/v3' (dopemail adds it)" in output and "Traceback" not in output


def test_the_two_in_flight_choices_exclude_each_other(tmp_path) -> None:
    root = make_workspace(tmp_path)
    code, output = run(
        "send", "1", "--yes", "--resend-in-flight", "--mark-in-flight-sent", "--root", root
    )
    assert code == 2 and "choose one of" in output
    code, output = run("send", "1", "--yes", "--mark-in-flight-sent", "2,x", "--root", root)
    assert code == 2 and "--mark-in-flight-sent takes batch numbers, e.g." in output
    code, output = run("send", "1", "--yes", "--resend-in-flight", "0", "--root", root)
    assert code == 2 and "--resend-in-flight takes batch numbers" in output
    # Batches named: parsed, and refused only because none is in flight.
    code, output = run(
        "send",
        "1",
        "--yes",
        "--mark-in-flight-sent",
        "2",
        "--resend-in-flight",
        "3, 4",
        "--root",
        root,
    )
    assert code == 1 and "--mark-in-flight-sent: batch 2 is not in flight (in flight: none)" in (
        output
    )


def _built_sample(tmp_path: Path) -> Path:
    root = copy_publication(tmp_path / "pub")
    write_subscribers(root, 3)
    # The sample's issue 1 went out ('status: sent'), which --yes refuses: here, it is ready.
    issue = root / "issues/1-strangers-and-varda.md"
    issue.write_text(issue.read_text().replace("status: sent", "status: ready", 1))
    build(root)
    return root


def _subjects(root: Path) -> list[str]:
    mails = sorted((root / "outbox" / "1-strangers-and-varda").glob("*.eml"))
    return [
        line
        for mail in mails
        for line in mail.read_text().splitlines()
        if line.startswith("Subject:")
    ]


def _retitle_an_entry_issue_1_gathers(root: Path) -> None:
    # (in its "Now playing" section)
    entry = root / "entries/varda-in-los-angeles.md"
    old = 'title: "Varda in L.A.: a March repertory series on the East Side"'
    entry.write_text(entry.read_text().replace(old, 'title: "Varda in L.A., revised"', 1))


def test_an_issue_built_as_sent_and_edited_since_is_still_told_as_sent(tmp_path) -> None:
    # The dry run dropped "marked sent" once an entry changed (as if a build would let it go),
    # and --yes said to "run dopemail build to record" the status the build had recorded.
    root = copy_publication(tmp_path / "pub")
    write_subscribers(root, 3)
    build(root)
    _retitle_an_entry_issue_1_gathers(root)
    code, output = run("send", "1", "--root", root)
    assert code == 0
    assert (
        "nothing was sent. It is marked sent as built (issues/1-strangers-and-varda.md), and "
        "changed since: --yes refuses to send it to the list again (built again, it goes if "
        "its file says ready)." in output
    ), output
    assert "until it is built again" not in output
    code, output = run("send", "1", "--yes", "--no-progress", "--root", root)
    assert code == 1 and "Traceback" not in output
    assert "issue 1-strangers-and-varda is marked sent: it is not sent to the list again" in (
        output
    )
    assert "to record it" not in output
    assert not (root / "outbox").exists()


def test_an_issue_edited_since_its_build_is_not_sent_until_built_again(tmp_path) -> None:
    root = _built_sample(tmp_path)
    code, output = run("send", "1", "--root", root)
    assert code == 0 and "Run again with --yes to send" in output
    assert "changed since it was built" not in output and "cannot tell" not in output
    # An entry the issue gathers (in its "Now playing" section) is retitled after the build.
    _retitle_an_entry_issue_1_gathers(root)
    code, output = run("send", "1", "--root", root)
    assert code == 0
    assert (
        "warning: issue 1-strangers-and-varda changed since it was built: email.html and "
        "email.txt differ from what its sources make now (saved since the build: "
        "entries/varda-in-los-angeles.md)" in output
    )
    assert "It changed since it was built: --yes refuses it until it is built again." in output
    code, output = run("send", "1", "--yes", "--no-progress", "--root", root)
    assert code == 1 and "Traceback" not in output
    assert "issues/1-strangers-and-varda.md: issue 1-strangers-and-varda changed since" in output
    assert "hint: run dopemail build" in output and "--as-built" in output
    assert not (root / "outbox").exists()
    # Built again, it goes; an entry the issue does not gather may change meanwhile.
    build(root)
    other = root / "entries/quiet-hours.md"
    other.write_text(other.read_text().replace("title:", "title: Revised", 1))
    code, output = run("send", "1", "--yes", "--no-progress", "--root", root)
    assert code == 0 and "sent 3, failed 0 this run" in output, output
    assert "changed since it was built" not in output
    mails = list((root / "outbox" / "1-strangers-and-varda").glob("*.eml"))
    assert len(mails) == 3 and all("Varda in L.A., revised" in _html_of(m) for m in mails)


def test_a_built_subject_with_a_line_break_is_refused_at_the_send(tmp_path) -> None:
    # The build refuses such a subject in the issue's file, but a message.json written by
    # hand (or a copy of site/ sent --as-built) went out with it: Postmark was asked for a
    # Subject holding "\r\nBcc: ...", and the outbox's send ended in a traceback.
    root = _built_sample(tmp_path)
    message = root / "site/issues/1-strangers-and-varda/message.json"
    data = json.loads(message.read_text(encoding="utf-8"))
    data["subject"] = "Inj\r\nBcc: someone@example.org"
    message.write_text(json.dumps(data), encoding="utf-8")
    for options in (["--test", "me@example.com"], ["--yes"]):
        code, output = run("send", "1", *options, "--as-built", "--no-progress", "--root", root)
        assert code == 1 and "Traceback" not in output, output
        assert (
            "site/issues/1-strangers-and-varda/message.json: message.json lacks a valid "
            "subject: a line break or control character is in it" in output
        ), output
    assert not (root / "outbox").exists()
    # A tab is a header's own whitespace: the build allows it, and so does the send.
    data["subject"] = "Quiet Hours,\tand the sea"
    message.write_text(json.dumps(data), encoding="utf-8")
    code, output = run("send", "1", "--test", "me@example.com", "--as-built", "--root", root)
    assert code == 0 and "wrote a test copy" in output, output


def test_a_provider_over_plain_http_elsewhere_is_refused_at_the_send(tmp_path) -> None:
    # The key and the whole list would have crossed the network readable. Refused where
    # they would go (--yes, --test), not by build: a send setting stops no site work. The
    # dry run shows its plan, and says so (it said nothing, and --yes then refused).
    from dopemail.config import load_settings
    from dopemail.send.providers import refuse_plain_http

    root = _built_sample(tmp_path)
    config = root / "dopemail.toml"
    config.write_text(
        config.read_text(encoding="utf-8")
        + '\n[send]\nprovider = "mailgun"\n\n[send.mailgun]\nbase_url = "http://api.mailgun.net"\n',
        encoding="utf-8",
    )
    line = (
        config.read_text(encoding="utf-8").split("\n").index('base_url = "http://api.mailgun.net"')
        + 1
    )
    assert run("build", "--root", root)[0] == 0
    code, output = run("send", "1", "--root", root)  # the dry run: nothing goes
    assert code == 0 and "Dry run of issue" in output, output
    assert (
        f"warning: dopemail.toml:{line}: send.mailgun.base_url: 'http://api.mailgun.net' is "
        "plain http: the API key and every reader's address would cross the network "
        "unencrypted; --yes and --test will refuse it: give the API's https:// address"
    ) in output, output
    environ = {
        "DOPEMAIL_MAILGUN_API_KEY": "key-1234567890",
        "DOPEMAIL_UNSUBSCRIBE_SECRET": "s" * 32,
    }
    for options in (["--yes"], ["--test", "me@example.com"]):
        code, output = run("send", "1", *options, "--root", root, environ=environ)
        assert code == 1, output
        assert (
            f"dopemail.toml:{line}: send.mailgun.base_url: 'http://api.mailgun.net' is plain "
            "http: the API key and every reader's address would cross the network unencrypted"
        ) in output, output
        assert "set allow_http = true under [send.mailgun]" in output
    # This machine's test servers, https anywhere, or allowed by the editor: no word.
    for url, allowed in [
        ("http://127.0.0.1:8025", False),
        ("http://[::1]:8025", False),
        ("http://[::ffff:127.0.0.1]:8025", False),
        ("http://localhost:8025", False),
        ("https://api.mailgun.net", False),
        ("http://mailpit:8025", True),
    ]:
        settings = load_settings(root)
        options = settings.send.mailgun.model_copy(update={"base_url": url, "allow_http": allowed})
        send = settings.send.model_copy(update={"mailgun": options})
        refuse_plain_http(settings.model_copy(update={"send": send}), root, "mailgun")


def _html_of(eml: Path) -> str:
    # Decoded: quoted-printable may break a line anywhere in the raw file.
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    part = message.get_body(("html",))
    assert part is not None
    return part.get_content()


def test_as_built_sends_the_built_version_after_an_edit(tmp_path) -> None:
    root = _built_sample(tmp_path)
    issue = root / "issues/1-strangers-and-varda.md"
    old = 'subject: "All of Us Strangers, and Varda on the East Side"'
    assert old in issue.read_text()
    issue.write_text(issue.read_text().replace(old, 'subject: "A corrected subject"', 1))
    code, output = run("send", "1", "--yes", "--no-progress", "--root", root)
    assert code == 1 and "email.html, email.txt and message.json differ" in output
    code, output = run("send", "1", "--yes", "--as-built", "--no-progress", "--root", root)
    assert code == 0 and "sent 3, failed 0 this run" in output, output
    assert (
        "warning: issue 1-strangers-and-varda changed since it was built: email.html, email.txt "
        "and message.json differ from what its sources make now (saved since the build: "
        "issues/1-strangers-and-varda.md); sending the version built in "
        "site/issues/1-strangers-and-varda/, as --as-built asks" in output
    )
    assert _subjects(root) == ["Subject: All of Us Strangers, and Varda on the East Side"] * 3


def test_a_half_sent_issue_edited_since_says_who_got_which_version(tmp_path) -> None:
    root = _built_sample(tmp_path)
    code, output = run("send", "1", "--yes", "--no-progress", "--root", root)
    assert code == 0 and "sent 3, failed 0 this run" in output
    write_subscribers(root, 5)  # two more readers since
    issue = root / "issues/1-strangers-and-varda.md"
    old = 'subject: "All of Us Strangers, and Varda on the East Side"'
    issue.write_text(issue.read_text().replace(old, 'subject: "A corrected subject"', 1))
    code, output = run("send", "1", "--yes", "--no-progress", "--root", root)
    assert code == 1
    assert "hint: 3 readers already got the built version: --as-built sends the others" in output
    code, output = run("send", "1", "--yes", "--as-built", "--no-progress", "--root", root)
    assert code == 0 and "sent 2, failed 0 this run" in output, output
    assert _subjects(root) == ["Subject: All of Us Strangers, and Varda on the East Side"] * 5


def test_an_issue_marked_sent_since_its_build_is_told_so(tmp_path) -> None:
    # Sent to every reader, then marked 'status: sent' without a build: the refusal said
    # "3 readers already got the built version: --as-built sends the others", of whom there
    # were none.
    root = _built_sample(tmp_path)
    code, output = run("send", "1", "--yes", "--no-progress", "--root", root)
    assert code == 0 and "sent 3, failed 0 this run" in output
    issue = root / "issues/1-strangers-and-varda.md"
    issue.write_text(issue.read_text().replace("status: ready", "status: sent", 1))
    code, output = run("send", "1", "--yes", "--no-progress", "--root", root)
    assert code == 1 and "sends the others" not in output
    assert "hint: its file now says 'status: sent': run dopemail build to record it" in output
    build(root)
    code, output = run("send", "1", "--yes", "--no-progress", "--root", root)
    assert code == 1 and "is marked sent: it is not sent to the list again" in output


def test_an_issue_whose_sources_no_longer_build_is_not_sent(tmp_path) -> None:
    root = _built_sample(tmp_path)
    entry = root / "entries/all-of-us-strangers.md"
    entry.write_text(entry.read_text().replace("published: 2024-01-12", "published: 2024-13-12", 1))
    code, output = run("send", "1", "--root", root)
    assert code == 0 and "its sources do not build now (entries/all-of-us-strangers.md:" in output
    code, output = run("send", "1", "--yes", "--no-progress", "--root", root)
    assert code == 1 and "its sources do not build now" in output
    assert not (root / "outbox").exists()


def test_the_check_finds_an_entry_whose_file_is_named_otherwise(tmp_path) -> None:
    # The check loads only the issue's entries, as entries/<slug>.md; an entry that declares
    # its slug in a file of another name is found by reading the folder.
    root = copy_publication(tmp_path / "pub")
    write_subscribers(root, 3)
    old = root / "entries/varda-in-los-angeles.md"
    text = old.read_text(encoding="utf-8")
    (root / "entries/varda.md").write_text(
        text.replace("---\n", "---\nslug: varda-in-los-angeles\n", 1), encoding="utf-8"
    )
    old.unlink()
    build(root)
    # An entry the issue does not gather, broken since: the check neither loads it nor minds.
    other = root / "entries/quiet-hours.md"
    other.write_text(other.read_text().replace("title: Quiet Hours", "title: [Quiet Hours", 1))
    code, output = run("send", "1", "--root", root)
    assert code == 0 and "Dry run of issue 1-strangers-and-varda" in output, output
    assert "warning:" not in output.replace("warning: DOPEMAIL", "")
    renamed = root / "entries/varda.md"
    renamed.write_text(renamed.read_text().replace('title: "Varda in L.A.', 'title: "Varda, ', 1))
    code, output = run("send", "1", "--root", root)
    assert code == 0 and "email.html and email.txt differ" in output


def test_a_renamed_issue_file_a_template_and_a_status_count_as_edits(tmp_path) -> None:
    root = _built_sample(tmp_path)
    # The issue's file renamed (its slug changed with its subject) after the build: the old
    # folder is not sent as if nothing happened.
    issue = root / "issues/1-strangers-and-varda.md"
    original = issue.read_text(encoding="utf-8")
    renamed = issue.rename(root / "issues/1-strangers.md")
    code, output = run("send", "1", "--yes", "--no-progress", "--root", root)
    assert code == 1 and "issues/1-strangers.md: issue 1-strangers-and-varda changed" in output
    assert "its file is now issues/1-strangers.md (renamed)" in output
    renamed.unlink()
    code, output = run("send", "1", "--yes", "--no-progress", "--root", root)
    assert code == 1 and "issues/1-strangers-and-varda.md is gone" in output
    assert "hint: restore issues/1-strangers-and-varda.md" in output
    issue.write_text(original, encoding="utf-8")
    assert run("send", "1", "--root", root)[1].count("changed since it was built") == 0
    # Only the status: message.json alone differs.
    issue.write_text(original.replace("status: ready", "status: sent", 1), encoding="utf-8")
    code, output = run("send", "1", "--root", root)
    assert "changed since it was built: message.json differs from what" in output
    issue.write_text(original, encoding="utf-8")
    # A template of the publication's own, added after the build.
    override = root / "templates/email/issue.txt.j2"
    override.parent.mkdir(parents=True, exist_ok=True)
    default = REPO / "src/dopemail/default_templates/email/issue.txt.j2"
    override.write_text("A plain letter.\n" + default.read_text(encoding="utf-8"))
    code, output = run("send", "1", "--root", root)
    assert "changed since it was built: email.txt differs from what" in output
    # A test copy of the built version still goes, with the warning.
    code, output = run("send", "1", "--test", "editor@example.com", "--root", root)
    assert code == 0 and "a test copy of issue 1-strangers-and-varda" in output
    assert "changed since it was built" in output


def test_the_preview_send_test_checks_the_built_issue_only_when_it_has_not(
    tmp_path, monkeypatch
) -> None:
    # The preview compares the built files with the issue on screen, made from the sources as
    # they are; then the sender need not make it once more. Without an issue on screen
    # (dopemail send --test's way), the sender checks.
    from dopemail.preview import hooks
    from dopemail.send import run as send_run

    root = _built_sample(tmp_path)
    result, _ = build(root, write=False)
    on_screen = next(i for i in result.issues if i.issue.meta.number == 1)
    checked: list[str] = []
    real = send_run.check_current

    def recording(root: Path, issue):  # the real check, counted
        checked.append(issue.issue_id)
        return real(root, issue)

    monkeypatch.setattr(send_run, "check_current", recording)
    monkeypatch.setenv("DOPEMAIL_UNSUBSCRIBE_SECRET", "a-secret-for-the-test")
    said = hooks.send_test(root, "1-strangers-and-varda", "editor@example.com", on_screen)
    said_first = "Wrote a test of issue 1-strangers-and-varda to editor@example.com in outbox/"
    assert said.startswith(said_first) and checked == []
    said = hooks.send_test(root, "1-strangers-and-varda", "editor@example.com")
    assert said.startswith("Wrote a test") and checked == ["1-strangers-and-varda"]
    assert len(list((root / "outbox/1-strangers-and-varda/tests").glob("*.eml"))) == 1


def test_an_issue_dated_a_day_still_to_come_is_said_before_it_goes_out(tmp_path) -> None:
    # It went out without a word: readers got an issue whose page and archive line gave a
    # date days ahead (a year typed wrong: 2099 for 2024), though the build had warned.
    root = make_workspace(tmp_path, subscribers=2)
    write_issue(root, 1, "first-issue", date="2099-01-19T08:00:00-08:00")
    code, output = run("send", "1", "--root", root)
    assert code == 0 and "Dry run of issue 1-first-issue" in output, output
    assert (
        "warning: issue 1-first-issue is dated 2099-01-19, a day still to come: --yes would "
        "send it today, while its page and the archive say 2099-01-19; correct 'date:' in "
        "issues/1-first-issue.md and run dopemail build, or send it on that day" in output
    ), output
    code, output = run("send", "1", "--test", "editor@example.com", "--root", root)
    assert code == 0 and "dated 2099" not in output, output  # a test copy goes ahead on purpose
    code, output = run("send", "1", "--yes", "--no-progress", "--root", root)
    assert code == 0 and "sent 2, failed 0" in output, output
    assert (
        "warning: issue 1-first-issue is dated 2099-01-19, a day still to come: its readers get "
        "it today, while its page and the archive say 2099-01-19 (a wrong date: correct 'date:' "
        "in issues/1-first-issue.md and run dopemail build)" in output
    ), output
    write_issue(root, 2, "second-issue")  # dated 2024: nothing to say
    code, output = run("send", "2", "--root", root)
    assert code == 0 and "a day still to come" not in output, output
    # A draft is refused for its status, which is what to change until the day.
    write_issue(root, 3, "third-issue", date="2099-01-19T08:00:00-08:00", status="draft")
    code, output = run("send", "3", "--root", root)
    assert code == 0 and "is a draft" in output and "a day still to come" not in output, output


@pytest.mark.parametrize(
    ("dated", "now", "said"),
    [
        ("2024-01-19T08:00:00-08:00", "2024-01-19T07:00:00-08:00", False),  # its morning
        ("2024-01-19T08:00:00-08:00", "2024-01-19T15:00:00+00:00", False),  # seen from UTC
        ("2024-01-19T08:00:00-08:00", "2024-01-18T23:30:00-08:00", True),  # the evening before
        ("2024-01-19T08:00:00-08:00", "2024-01-19T07:30:00+00:00", True),  # 18th in Los Angeles
        # Summer time ended at 2:00 that night: 00:30 is already the 3rd in Los Angeles,
        # though not at the issue's own offset (-08:00).
        ("2024-11-03T09:00:00-08:00", "2024-11-03T00:30:00-07:00", False),
        ("2024-03-10T09:00:00-07:00", "2024-03-09T23:30:00-08:00", True),  # it began: the 9th
    ],
)
def test_a_day_still_to_come_is_counted_in_the_publication_s_zone(dated, now, said) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from dopemail.send.issue import BuiltIssue
    from dopemail.send.run import _say_if_dated_later

    issue = BuiltIssue(
        1, "first-issue", "s", "p", "u", "", "", Path("."), date=datetime.fromisoformat(dated)
    )
    told: list[str] = []

    class Told:
        def warn(self, text: str) -> None:
            told.append(text)

    zone = ZoneInfo("America/Los_Angeles")
    _say_if_dated_later(issue, Told(), zone, True, datetime.fromisoformat(now))  # type: ignore[arg-type]
    assert bool(told) is said, told


@pytest.mark.parametrize(
    ("done", "told"),
    [
        ({"sent": 5}, True),
        ({"sent": 0, "already_sent": 5}, True),  # a run that found everyone served
        ({"sent": 4, "failed": 1}, False),  # not every reader has it yet
        ({"sent": 3, "stopped": True}, False),
        ({"sent": 0, "already_sent": 4, "failed_before": 1}, False),  # failed in a run before
        ({"sent": 5, "status": "sent"}, False),  # marked already
        ({"sent": 5, "holds_list": True, "provider": "buttondown"}, True),
    ],
)
def test_a_send_that_reached_everyone_says_to_mark_the_issue_sent(done, told) -> None:
    from dopemail.send.issue import BuiltIssue
    from dopemail.send.report import describe_result
    from dopemail.send.run import SendSummary

    status = done.pop("status", "ready")
    issue = BuiltIssue(3, "x", "S", "", "https://e.example/", "", "", Path("f"), status=status)
    summary = SendSummary(issue, done.pop("provider", "outbox"), "/tmp/outbox", "send", **done)
    said = (
        "set 'status: sent' in issues/3-x.md, then run dopemail build; in git, commit and push "
        "that change now (other clones have no send ledger: that status is what keeps them "
        "from mailing the issue again)"
    )
    lines = describe_result(summary)
    assert any(line.startswith("next: ") and line.endswith(said) for line in lines) is told
    if told and summary.provider == "outbox":  # the files named, also on a run sending none
        assert any(line.startswith("next: once the files in /tmp/outbox/3-x/") for line in lines)
    # Through a provider, mailed; through the outbox, written, and said so.
    assert any("no one was mailed" in line for line in lines) is (
        summary.provider == "outbox" and summary.sent > 0
    )
