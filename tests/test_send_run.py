"""The sender end to end, in-process: dry run, test send, resume, retries, refusals, the rate cap,
Ctrl-C, and the in-flight batches of providers without idempotency keys."""

from __future__ import annotations

import email
import email.utils
import errno
import io
import os
import re
import signal
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console
from sendserver import KEY, env, make_workspace, readers, write_issue, write_subscribers

import dopemail.send.providers.outbox as outbox_module
from dopemail.errors import ProviderAuthError, SendError
from dopemail.send import run as run_module
from dopemail.send.ledger import LEDGER_PATH, send_lock
from dopemail.send.loopback import BUTTONDOWN_LIST, LoopbackServer, Recorded, Reply
from dopemail.send.providers.base import Outcome
from dopemail.send.providers.buttondown import Buttondown
from dopemail.send.providers.outbox import Outbox
from dopemail.send.providers.resend import Resend
from dopemail.send.report import Reporter, describe_plan, describe_status, send_status
from dopemail.send.retry import RateLimiter
from dopemail.send.run import SendOptions, send_issue

YES = SendOptions(yes=True)


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer(key=KEY, mailgun_domain="dopepress.example.com") as running:
        yield running


def quiet() -> Reporter:
    return Reporter(Console(file=io.StringIO(), width=200), progress=False)


def send(root: Path, provider: str = "outbox", options: SendOptions = YES, **kwargs):
    kwargs.setdefault("reporter", quiet())
    return send_issue(root, "1", options, env=env(provider), **kwargs)


def counts(root: Path) -> dict[str, int]:
    return send_status(root, "1").counts


# -- dry run, outbox, test ---------------------------------------------------------------------


def test_dry_run_says_what_would_happen_and_writes_nothing(tmp_path) -> None:
    rows = [
        *readers(3),
        ("gone@example.com", "Gone", "unsubscribed", "2024-01-01", ""),
        ("bounce@example.com", "", "bounced", "2024-01-01", ""),
        ("not an address", "", "subscribed", "2024-01-01", ""),
        ("READER00001@example.com", "", "subscribed", "2024-01-01", ""),
    ]
    root = make_workspace(tmp_path, subscribers=rows, send="rate = 1")
    summary = send(root, options=SendOptions())
    text = "\n".join(describe_plan(summary))
    assert "Dry run of issue 1-first-issue: nothing was sent" in text
    assert (
        "provider:    outbox (no account: one .eml file per reader in outbox/1-first-issue/)"
        in text
    )
    assert "recipients:  3 to send (0 already sent, 0 failed earlier)" in text
    assert "skipped:     4 (1 unsubscribed, 1 bounced, 1 invalid, 1 duplicate)" in text
    assert "line 8: READER00001@example.com: duplicate: also on line 2" in text
    assert "batches:     3 of up to 1 message" in text  # a second's worth each, at rate = 1
    assert "estimated:   about 2 s" in text  # 3 at rate = 1: one at once, a second each after
    assert not (root / ".dopemail").exists() and not (root / "outbox").exists()


def test_outbox_writes_one_eml_per_reader_and_a_second_run_sends_nobody(tmp_path) -> None:
    root = make_workspace(tmp_path, subscribers=250)
    first = send(root)
    assert (first.sent, first.failed) == (250, 0)
    files = sorted((root / "outbox" / "1-first-issue").glob("*.eml"))
    assert len(files) == 250
    stamps = {f: f.stat().st_mtime_ns for f in files}
    again = send(root)
    assert again.sent == 0 and again.already_sent == 250
    assert {f: f.stat().st_mtime_ns for f in files} == stamps
    assert counts(root)["sent"] == 250
    lines = describe_status(send_status(root, "1"))
    assert "sent 250 · failed 0 · pending 0 · in flight 0" in lines[1]


def test_a_run_clears_the_half_written_files_a_killed_one_left_in_the_outbox(
    tmp_path, monkeypatch
) -> None:
    # A run killed (or stopped with a second Ctrl-C) while writing a file left '.tmp-*.eml'
    # files, empty, which no later run removed and which a script mailing *.eml picks up.
    root = make_workspace(tmp_path, subscribers=3)
    folder = root / "outbox" / "1-first-issue"
    (folder / "tests").mkdir(parents=True)
    for name in (".tmp-2vap30c5.eml", ".tmp-x1.partial"):
        (folder / name).write_bytes(b"")
    (folder / "tests" / ".tmp-writing.partial").write_bytes(b"")  # a Send test's, maybe now
    # A file being written is not named *.eml while it is: seen as the run writes it.
    seen: list[str] = []
    real = outbox_module.os.replace

    def replace(source, target):  # type: ignore[no-untyped-def]
        seen.append(Path(source).name)
        return real(source, target)

    monkeypatch.setattr(outbox_module.os, "replace", replace)
    assert send(root).sent == 3
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) == []
    assert len(list(folder.glob("*.eml"))) == 3
    assert (folder / "tests" / ".tmp-writing.partial").exists()
    assert len(seen) == 3 and all(n.endswith(".partial") for n in seen), seen


def test_test_send_writes_one_marked_copy_and_records_nothing(tmp_path) -> None:
    root = make_workspace(tmp_path)
    summary = send(root, options=SendOptions(test_to="Editor@Example.com"))
    assert summary.mode == "test" and summary.sent == 1
    (copy,) = (root / "outbox" / "1-first-issue" / "tests").glob("*.eml")
    text = copy.read_text()
    assert "Subject: [TEST] Ghosts" in text and "X-Dopemail-Test: yes" in text
    assert "To: Editor@example.com" in text
    assert not (root / LEDGER_PATH).exists()


def test_a_test_send_through_a_provider_records_nothing(server, tmp_path) -> None:
    root = make_workspace(tmp_path, provider="resend", server=server)
    send(root, "resend", SendOptions(test_to="editor@example.com"))
    (request,) = server.requests
    (email,) = request.json()
    assert email["subject"].startswith("[TEST] ") and email["to"] == ["editor@example.com"]
    assert email["headers"]["X-Dopemail-Test"] == "yes"
    assert not (root / LEDGER_PATH).exists()


def test_a_missing_build_says_run_dopemail_build_first(tmp_path) -> None:
    root = make_workspace(tmp_path)
    (root / "issues").mkdir()
    (root / "issues" / "2-second.md").write_text("---\nnumber: 2\n---\n", encoding="utf-8")
    with pytest.raises(SendError, match="issue 2 is not built") as caught:
        send_issue(root, "2", YES, env=env(), reporter=quiet())
    assert "run dopemail build first" in caught.value.hint


def test_a_missing_key_names_its_environment_variable(server, tmp_path) -> None:
    root = make_workspace(tmp_path, provider="postmark", server=server)
    with pytest.raises(SendError, match="DOPEMAIL_POSTMARK_TOKEN is empty"):
        send_issue(root, "1", YES, env={}, reporter=quiet())


def test_a_real_provider_needs_the_unsubscribe_secret(server, tmp_path) -> None:
    root = make_workspace(tmp_path, provider="resend", server=server)
    environ = {"DOPEMAIL_RESEND_API_KEY": KEY}
    with pytest.raises(SendError, match="DOPEMAIL_UNSUBSCRIBE_SECRET is not set"):
        send_issue(root, "1", YES, env=environ, reporter=quiet())
    test = SendOptions(test_to="editor@example.com")
    with pytest.raises(SendError, match="DOPEMAIL_UNSUBSCRIBE_SECRET is not set"):
        send_issue(root, "1", test, env=environ, reporter=quiet())
    # The dry run, the harmless first step, plans and says what --yes will need.
    out = io.StringIO()
    reporter = Reporter(Console(file=out, width=200), progress=False)
    summary = send_issue(root, "1", SendOptions(), env=environ, reporter=reporter)
    assert summary.mode == "dry-run" and not server.requests
    assert "DOPEMAIL_UNSUBSCRIBE_SECRET is not set: --yes and --test will refuse" in (
        out.getvalue()
    )


@pytest.mark.parametrize("odd", ["\n", " ", "\t", "\r\n"])
def test_an_unsubscribe_secret_with_a_line_break_is_refused_unshown(odd, server, tmp_path) -> None:
    # Kept from an env file, a line break signed every link with a secret the unsubscribe
    # page, reading it trimmed, does not have: no one-click unsubscribe would verify.
    root = make_workspace(tmp_path, provider="resend", server=server)
    secret = "s3cret-for-the-unsubscribe-page"
    environ = {"DOPEMAIL_RESEND_API_KEY": KEY, "DOPEMAIL_UNSUBSCRIBE_SECRET": secret + odd}
    with pytest.raises(SendError, match="DOPEMAIL_UNSUBSCRIBE_SECRET has spaces, a line") as caught:
        send_issue(root, "1", YES, env=environ, reporter=quiet())
    assert secret not in str(caught.value) + (caught.value.hint or "")
    assert not server.requests
    # The dry run, the harmless first step, says so and shows its plan.
    out = io.StringIO()
    reporter = Reporter(Console(file=out, width=200), progress=False)
    assert send_issue(root, "1", SendOptions(), env=environ, reporter=reporter).mode == "dry-run"
    assert "has spaces, a line break or a control character in it: --yes and --test will" in (
        out.getvalue()
    )
    assert secret not in out.getvalue()


# -- resume ------------------------------------------------------------------------------------


def killed_on_its_first_batch(monkeypatch, root: Path, provider, delivered: bool) -> None:
    """A send stopped as kill -9 would stop it, on its first batch: before the provider took
    it or after (``delivered``), its answer never recorded."""
    real = provider.send

    def killed(self, batch):
        if delivered:
            real(self, batch)
        raise KeyboardInterrupt

    monkeypatch.setattr(provider, "send", killed)
    with pytest.raises(KeyboardInterrupt):
        send(root, provider.name)
    monkeypatch.setattr(provider, "send", real)


def test_a_crash_after_delivery_is_replayed_without_duplicates(tmp_path, monkeypatch) -> None:
    root = make_workspace(tmp_path, subscribers=35, send="batch_size = 10")
    real = Outbox.send
    calls = []

    def crash_on_third(self, batch):
        calls.append(batch.number)
        outcomes = real(self, batch)
        if len(calls) == 3:
            raise KeyboardInterrupt  # like kill -9: delivered, answer never recorded
        return outcomes

    monkeypatch.setattr(Outbox, "send", crash_on_third)
    with pytest.raises(KeyboardInterrupt):
        send(root)
    assert counts(root) == {"pending": 5, "in_flight": 10, "sent": 20, "failed": 0, "skipped": 0}
    (stuck,) = send_status(root, "1").in_flight
    assert stuck.number == 3 and stuck.size == 10
    monkeypatch.setattr(Outbox, "send", real)
    summary = send(root)
    assert summary.sent == 10 + 5 and counts(root)["sent"] == 35
    assert len(list((root / "outbox" / "1-first-issue").glob("*.eml"))) == 35


@pytest.mark.parametrize(
    "answer",
    [
        Reply(429, {"name": "rate_limit_exceeded"}, {"Retry-After": "3600"}),
        Reply(422, {"name": "validation_error", "message": "Invalid `to` field."}),
    ],
    ids=["asked-to-wait", "refused"],
)
def test_a_replay_that_fails_stays_in_flight_under_its_key(
    server, tmp_path, monkeypatch, answer
) -> None:
    # A batch left in flight may have been delivered. Its replay, refused or told to wait an
    # hour, once put its readers back in the queue: the next run claimed them as a new batch
    # with a new key, which the provider could not tell from the first, and mailed them twice.
    root = make_workspace(tmp_path, provider="resend", server=server, subscribers=3)
    killed_on_its_first_batch(monkeypatch, root, Resend, delivered=True)
    server.queue(answer)
    with pytest.raises(SendError, match="asks to wait 3600 s|refused the request") as caught:
        send(root, "resend", sleep=lambda seconds: None)
    if answer.status == 422:  # refused: the editor is told how to settle it, both ways
        assert "may or may not have delivered batch 1: then refused" in caught.value.message
        assert "--mark-in-flight-sent" in str(caught.value.hint)
        assert "--resend-in-flight" in str(caught.value.hint)
    assert counts(root) == {"pending": 0, "in_flight": 3, "sent": 0, "failed": 0, "skipped": 0}
    assert send_status(root, "1").in_flight[0].number == 1
    summary = send(root, "resend")  # the same key again: the provider answers as the first time
    assert summary.sent == 3 and counts(root)["sent"] == 3
    keys = {r.headers.get("idempotency-key") for r in server.requests}
    assert len(keys) == 1 and len(server.requests) == 3
    assert set(server.deliveries.values()) == {1} and len(server.deliveries) == 3


def test_a_replay_refused_for_an_address_it_does_not_name_stays_in_flight(
    server, tmp_path, monkeypatch
) -> None:
    # A refusal naming no address (RecipientRejected) is halved until the address is alone:
    # right when nothing was sent. A replay's first post may have been taken, though; halved,
    # its readers went out again in new batches under new keys. (Only Mailgun and SES raise
    # it today, and neither takes keys: Resend stands in for a provider that would.)
    from dopemail.send.providers.base import RecipientRejected

    root = make_workspace(tmp_path, provider="resend", server=server, subscribers=5)
    killed_on_its_first_batch(monkeypatch, root, Resend, delivered=True)
    real = Resend.send

    def refused_whole(self, batch):  # type: ignore[no-untyped-def]
        if len(batch.letters) == 5:
            raise RecipientRejected("an address of the batch was refused")
        return real(self, batch)

    monkeypatch.setattr(Resend, "send", refused_whole)
    with pytest.raises(SendError) as caught:
        send(root, "resend")
    said = caught.value.message
    assert "may or may not have delivered batch 1: an address of the batch" in said, said
    assert counts(root) == {"pending": 0, "in_flight": 5, "sent": 0, "failed": 0, "skipped": 0}
    (batch,) = send_status(root, "1").in_flight
    assert batch.number == 1 and batch.held
    assert len(server.requests) == 1
    assert len(server.deliveries) == 5 and set(server.deliveries.values()) == {1}


def test_a_batch_answered_500_stays_under_its_key_where_the_provider_keeps_keys(
    server, tmp_path
) -> None:
    # A 500 is the provider's word that it did not take the batch. Given up on (or stopped
    # while waiting to retry), the batch went back to the queue, and the next run posted it
    # as a new batch under a new key: had the provider taken it all the same, every reader
    # got two copies. With a key, it stays in flight under that key and is replayed.
    root = make_workspace(tmp_path, provider="resend", server=server, subscribers=5)
    server.queue(Reply(500, {"message": "internal"}, {"Retry-After": "3600"}, deliver=True))
    with pytest.raises(SendError, match="asks to wait 3600 s"):
        send(root, "resend", sleep=lambda seconds: None)
    assert counts(root)["in_flight"] == 5 and len(server.deliveries) == 5
    summary = send(root, "resend")
    assert summary.sent == 5 and counts(root)["sent"] == 5
    assert set(server.deliveries.values()) == {1}, server.deliveries
    assert len({r.headers.get("idempotency-key") for r in server.requests}) == 1


def test_a_resend_answer_naming_an_email_out_of_the_batch_stays_under_its_key(
    server, tmp_path
) -> None:
    # Errors naming email 3 of a batch of 3 ran the ids out: the send stopped on
    # "StopIteration: ", telling the editor to look the batch up and settle it by hand, when
    # running the same command again replays it under its key.
    root = make_workspace(
        tmp_path, provider="resend", server=server, subscribers=3, send="retries = 1"
    )
    odd = {"data": [{"id": "em-1"}, {"id": "em-2"}], "errors": [{"index": 3, "message": "?"}]}
    server.queue(*[Reply(200, odd, deliver=True)] * 2)
    with pytest.raises(SendError) as caught:
        send(root, "resend", sleep=lambda seconds: None)
    assert caught.value.message == (
        "Resend kept failing after 2 attempts: Resend answered 200 with an unreadable body "
        "(its errors name email 3, in a batch of 3)"
    )
    assert "--mark-in-flight-sent" not in caught.value.hint
    assert caught.value.hint.startswith("run the same command again later")
    assert "batch 1 again under its idempotency key" in caught.value.hint
    assert counts(root) == {"pending": 0, "in_flight": 3, "sent": 0, "failed": 0, "skipped": 0}
    summary = send(root, "resend")  # as it says: the replay is answered as the first post was
    assert summary.sent == 3 and counts(root)["sent"] == 3
    assert set(server.deliveries.values()) == {1} and len(server.deliveries) == 3
    assert len({r.headers.get("idempotency-key") for r in server.requests}) == 1


def test_a_batch_is_not_posted_again_once_its_key_may_be_forgotten(
    server, tmp_path, monkeypatch
) -> None:
    # Its first post went unanswered (a timeout: it may have arrived); by the retry, the key
    # is older than the provider keeps keys, less the margin (Resend's 24 hours, after hours
    # of waits; here a window that the timeout alone outlasts): posted again under a key the
    # provider may have forgotten, a batch it took would go out twice. It stays in flight.
    monkeypatch.setattr(Resend, "idempotency_window", run_module.KEY_MARGIN + 0.5)
    root = make_workspace(tmp_path, provider="resend", server=server, subscribers=3, timeout=1)
    server.queue(Reply(200, {"data": []}, delay=1.5, deliver=True))
    with pytest.raises(SendError, match="may or may not have delivered batch 1"):
        send(root, "resend", sleep=lambda seconds: None)
    assert len(server.requests) == 1  # not posted again
    assert counts(root)["in_flight"] == 3


def test_a_replay_that_cannot_be_made_stays_in_flight(server, tmp_path, monkeypatch) -> None:
    # Composing a batch's messages failed before any request: the batch went back to the
    # queue, which is right for a new batch, not for one the last run may have delivered.
    from dopemail.send.message import Composer

    root = make_workspace(tmp_path, provider="resend", server=server, subscribers=3)
    real = Resend.send

    def delivered_then_killed(self, batch):
        real(self, batch)
        raise KeyboardInterrupt

    monkeypatch.setattr(Resend, "send", delivered_then_killed)
    with pytest.raises(KeyboardInterrupt):
        send(root, "resend")
    monkeypatch.setattr(Resend, "send", real)

    def broken(self, recipient):
        raise ValueError("a header cannot hold that")

    with monkeypatch.context() as patch:
        patch.setattr(Composer, "letter", broken)
        with pytest.raises(SendError, match="then not made again"):
            send(root, "resend")
    assert counts(root)["in_flight"] == 3 and counts(root)["pending"] == 0
    assert send(root, "resend").sent == 3
    assert set(server.deliveries.values()) == {1} and len(server.deliveries) == 3


def test_a_batch_keeps_its_recipients_and_key_across_retries_and_runs(
    server, tmp_path, monkeypatch
) -> None:
    root = make_workspace(
        tmp_path,
        provider="resend",
        server=server,
        subscribers=30,
        timeout=0.3,
        send="batch_size = 10\nconcurrency = 1",  # one batch at a time: the order is known
    )
    seen = {"n": 0}

    def lose_the_second_answer(request: Recorded) -> None:
        seen["n"] += 1
        if seen["n"] == 2:
            time.sleep(0.8)  # delivered, but the answer comes too late: retried at once

    server.on_delivered = lose_the_second_answer
    real = Resend.send

    def crash_after_third(self, batch):
        outcomes = real(self, batch)
        if batch.number == 3:
            raise KeyboardInterrupt  # like kill -9 after the provider took the batch
        return outcomes

    monkeypatch.setattr(Resend, "send", crash_after_third)
    with pytest.raises(KeyboardInterrupt):
        send(root, "resend", sleep=lambda s: None)
    monkeypatch.setattr(Resend, "send", real)
    send(root, "resend")
    keys = [r.headers["idempotency-key"] for r in server.requests]
    members = [[e["to"][0] for e in r.json()] for r in server.requests]
    assert len(keys) == 5  # batch 1, batch 2 twice, batch 3 twice
    assert keys[1] == keys[2] and members[1] == members[2]  # the retry within a run
    assert keys[3] == keys[4] and members[3] == members[4]  # the replay after the crash
    assert members[3] == [f"Reader {i} <reader{i:05d}@example.com>" for i in range(21, 31)]
    assert set(server.deliveries.values()) == {1} and len(server.deliveries) == 30


def test_unsubscribes_and_removals_between_runs_are_honoured(server, tmp_path) -> None:
    root = make_workspace(
        tmp_path,
        provider="resend",
        server=server,
        subscribers=20,
        send="batch_size = 5\nretries = 0",
    )
    seen = {"n": 0}

    def refuse_after_first(request: Recorded) -> None:
        seen["n"] += 1
        if seen["n"] == 1:
            server.key = "rotated"  # the key is revoked: the next batch is refused

    server.on_delivered = refuse_after_first
    with pytest.raises(ProviderAuthError):
        send(root, "resend")
    assert counts(root)["sent"] == 5 and counts(root)["in_flight"] == 0
    rows = readers(20)
    rows[10] = (rows[10][0], "", "unsubscribed", "", "")  # reader00011
    del rows[12]  # reader00013 left the list
    write_subscribers(root, rows)
    server.key = KEY
    summary = send(root, "resend")
    assert summary.sent == 13
    assert "reader00011@example.com" not in server.deliveries
    assert "reader00013@example.com" not in server.deliveries
    assert counts(root)["skipped"] == 2 and set(server.deliveries.values()) == {1}


@pytest.mark.parametrize("resend", [False, True], ids=["replayed", "sent again as new"])
def test_an_outbox_batch_killed_while_written_takes_back_the_files_of_who_left(
    tmp_path, monkeypatch, resend
) -> None:
    # The files of a batch the kill left in flight were kept for readers who left the list
    # before the replay: the ledger skipped them, and the folder still held their messages.
    root = make_workspace(tmp_path, subscribers=10, send="batch_size = 5\nconcurrency = 1")
    real = Outbox.send

    def crash_in_the_second(self, batch):
        outcomes = real(self, batch)
        if batch.number == 2:
            raise KeyboardInterrupt  # like kill -9 once its files are written
        return outcomes

    monkeypatch.setattr(Outbox, "send", crash_in_the_second)
    with pytest.raises(KeyboardInterrupt):
        send(root)
    monkeypatch.setattr(Outbox, "send", real)
    folder = root / "outbox" / "1-first-issue"
    assert len(list(folder.glob("*.eml"))) == 10 and counts(root)["in_flight"] == 5
    rows = readers(10)
    rows[6] = (rows[6][0], "", "unsubscribed", "", "")  # reader00007, of batch 2
    del rows[8]  # reader00009, of batch 2, left the list
    write_subscribers(root, rows)
    # The plan counts the three the replay mails, not the five in flight (it said one more
    # than it sent for each who left).
    assert send(root, options=SendOptions(resend_in_flight=resend)).queued == 3
    summary = send(root, options=SendOptions(yes=True, resend_in_flight=resend))
    assert summary.queued == summary.sent == 3
    files = [p.name for p in folder.glob("*.eml")]
    assert len(files) == 8
    assert not [f for f in files if f.startswith(("reader00007", "reader00009"))]
    assert counts(root)["skipped"] == 2 and counts(root)["sent"] == 8


def disk_full_after(monkeypatch, folder: Path, files: int) -> None:
    """The disk under ``folder`` full once ``files`` files are written there: the next one's
    write fails as the kernel fails it (/dev/full answers ENOSPC), its temporary file made."""
    real = outbox_module.tempfile.mkstemp
    made = {"n": 0}

    def mkstemp(*args, **kwargs):  # type: ignore[no-untyped-def]
        handle, name = real(*args, **kwargs)
        if Path(kwargs.get("dir", "")) != folder:
            return handle, name
        made["n"] += 1
        if made["n"] <= files:
            return handle, name
        os.close(handle)
        return os.open("/dev/full", os.O_WRONLY), name

    monkeypatch.setattr(outbox_module.tempfile, "mkstemp", mkstemp)


def mail_on(folder: Path, mailed: dict[str, int]) -> None:
    """What a program mailing the outbox on does between runs: mail each .eml, remove it."""
    for path in folder.glob("*.eml"):
        to = email.message_from_bytes(path.read_bytes())["To"]
        address = email.utils.parseaddr(to)[1]
        mailed[address] = mailed.get(address, 0) + 1
        path.unlink()


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_batch_the_outbox_cannot_write_whole_leaves_none_of_its_files(
    tmp_path, monkeypatch
) -> None:
    # The disk full at batch 2's fourth file: its three files stayed in the folder while the
    # ledger put its readers back in the queue, saying nothing of it was sent. Mailed on
    # between runs, they were mailed twice (the next run wrote them again), and a reader who
    # unsubscribed in between got it all the same.
    root = make_workspace(tmp_path, subscribers=25, send="batch_size = 10")
    folder = root / "outbox" / "1-first-issue"
    disk_full_after(monkeypatch, folder, 13)
    with pytest.raises(SendError) as caught:
        send(root)
    error = caught.value
    assert error.message.startswith(
        f"batch 2 could not be written in {folder}/ (No space left on device); none of its "
        "files is left there, and its 10 readers (reader00011@example.com, "
        "reader00012@example.com, reader00013@example.com and 7 more) are back in the queue"
    ), error.message
    # What a send keeps, not a build's "what was built before is intact".
    assert error.hint == (
        "the disk is full: free some space and run the same command again; the ledger keeps "
        "the readers sent so far, and the send goes on with the others"
    )
    assert sorted(p.name[:11] for p in folder.iterdir()) == [
        f"reader{i:05d}" for i in range(1, 11)
    ]  # batch 1's files, and no temporary file
    assert counts(root) == {"pending": 15, "in_flight": 0, "sent": 10, "failed": 0, "skipped": 0}
    mailed: dict[str, int] = {}
    mail_on(folder, mailed)
    rows = readers(25)
    rows[11] = (rows[11][0], "", "unsubscribed", "", "")  # reader00012, of batch 2
    write_subscribers(root, rows)
    monkeypatch.undo()  # space freed
    assert send(root).sent == 14
    mail_on(folder, mailed)
    assert counts(root) == {"pending": 0, "in_flight": 0, "sent": 24, "failed": 0, "skipped": 1}
    everyone = {f"reader{i:05d}@example.com" for i in range(1, 26)}
    assert mailed == dict.fromkeys(everyone - {"reader00012@example.com"}, 1)
    assert list(folder.iterdir()) == []


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_batch_whose_written_files_cannot_be_taken_back_stays_in_flight(
    tmp_path, monkeypatch
) -> None:
    # Files of the batch left in the folder may be mailed on: its readers are not put back
    # in the queue, where the next run would write them again.
    root = make_workspace(tmp_path, subscribers=5)
    folder = root / "outbox" / "1-first-issue"
    disk_full_after(monkeypatch, folder, 2)
    real = Path.unlink

    def unlink(self, missing_ok=False):  # type: ignore[no-untyped-def]
        if self.suffix == ".eml":
            raise OSError(errno.EIO, "Input/output error", str(self))
        return real(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", unlink)
    with pytest.raises(SendError, match="outbox may or may not have delivered batch 1") as caught:
        send(root)
    assert "2 of those written could not be removed (Input/output error)" in str(caught.value)
    assert "([Errno" not in str(caught.value)
    assert counts(root)["in_flight"] == 5
    assert len(list(folder.glob("*.eml"))) == 2 and not list(folder.glob(".tmp-*"))


# -- faults --------------------------------------------------------------------------------------


def test_429_and_500_are_retried_honouring_retry_after(server, tmp_path) -> None:
    root = make_workspace(tmp_path, provider="resend", server=server)
    server.queue(
        Reply(429, {"name": "rate_limit_exceeded"}, {"Retry-After": "3"}),
        Reply(500, {"message": "oops"}),
    )
    slept: list[float] = []
    summary = send(root, "resend", sleep=slept.append)
    assert summary.sent == 3 and len(server.requests) == 3
    assert slept[0] >= 3.0 and slept[1] < 1.0  # Retry-After, then the (tiny) backoff


@pytest.mark.parametrize("status", [502, 504, 520])
def test_a_gateway_error_without_idempotency_is_left_in_flight_not_retried(
    server, tmp_path, status
) -> None:
    # The gateway gave up on the request, not the provider: it may have sent the batch.
    root = make_workspace(tmp_path, provider="sendgrid", server=server, subscribers=3)
    server.queue(Reply(status, {"errors": [{"message": "gateway"}]}))
    with pytest.raises(SendError, match="may or may not have delivered batch 1") as caught:
        send(root, "sendgrid", sleep=lambda s: None)
    assert f"HTTP {status}" in str(caught.value) and "--mark-in-flight-sent" in caught.value.hint
    assert len(server.requests) == 1 and counts(root)["in_flight"] == 3


@pytest.mark.parametrize("status", [500, 503])
def test_the_providers_own_5xx_is_retried_without_idempotency(server, tmp_path, status) -> None:
    root = make_workspace(tmp_path, provider="sendgrid", server=server, subscribers=3)
    server.queue(Reply(status, {"errors": [{"message": "down"}]}))
    summary = send(root, "sendgrid", sleep=lambda s: None)
    assert summary.sent == 3 and len(server.requests) == 2
    assert set(server.deliveries.values()) == {1}


def test_a_gateway_error_with_an_idempotency_key_is_retried_with_the_same_key(
    server, tmp_path
) -> None:
    root = make_workspace(tmp_path, provider="resend", server=server)
    server.queue(Reply(504, {"message": "gateway timeout"}))
    summary = send(root, "resend", sleep=lambda s: None)
    assert summary.sent == 3 and len(server.requests) == 2
    keys = [request.headers.get("idempotency-key") for request in server.requests]
    assert keys[0] and keys[0] == keys[1]


def test_a_test_copy_the_provider_keeps_failing_is_one_clear_error(server, tmp_path) -> None:
    root = make_workspace(tmp_path, provider="sendgrid", server=server, send="retries = 2")
    server.queue(*[Reply(503, {"errors": [{"message": "down"}]})] * 3)
    options = SendOptions(test_to="me@example.com")
    with pytest.raises(SendError, match="the test to me@example.com was not sent") as caught:
        send(root, "sendgrid", options, sleep=lambda s: None)
    assert "SendGrid kept failing after 3 attempts: SendGrid failed (HTTP 503: down)" in str(
        caught.value
    )
    assert caught.value.hint == "run the same command again later"
    assert len(server.requests) == 3 and not server.deliveries


def test_a_wait_longer_than_max_wait_stops_and_resumes_later(server, tmp_path) -> None:
    root = make_workspace(tmp_path, provider="resend", server=server)
    server.queue(Reply(429, {"name": "rate_limit_exceeded"}, {"Retry-After": "3600"}))
    with pytest.raises(SendError, match="asks to wait 3600 s") as caught:
        send(root, "resend", sleep=lambda s: None)
    assert "resumes where it stopped" in caught.value.hint
    assert counts(root) == {"pending": 3, "in_flight": 0, "sent": 0, "failed": 0, "skipped": 0}
    assert send(root, "resend").sent == 3


def test_a_wait_without_end_is_said_in_words(server, tmp_path) -> None:
    # "Retry-After: inf" was told as "asks to wait inf s".
    root = make_workspace(tmp_path, provider="resend", server=server)
    server.queue(Reply(429, {"name": "rate_limit_exceeded"}, {"Retry-After": "inf"}))
    with pytest.raises(SendError) as caught:
        send(root, "resend", sleep=lambda s: None)
    assert caught.value.message.startswith("Resend asks to wait without limit (rate limited")
    assert counts(root)["pending"] == 3
    server.queue(Reply(429, {"name": "rate_limit_exceeded"}, {"Retry-After": "inf"}))
    with pytest.raises(SendError) as caught:
        send(root, "resend", SendOptions(test_to="me@example.com"), sleep=lambda s: None)
    assert "was not sent: Resend asks to wait without limit: rate limited" in caught.value.message


def test_a_used_up_monthly_quota_stops_at_once_and_resumes_later(server, tmp_path) -> None:
    # Resend's monthly quota: no retry can succeed before it is renewed, so no backoff either.
    root = make_workspace(tmp_path, provider="resend", server=server)
    server.queue(Reply(429, {"name": "monthly_quota_exceeded", "message": "monthly quota"}))
    waits: list[float] = []
    with pytest.raises(SendError, match="monthly sending quota is used up") as caught:
        send(root, "resend", sleep=waits.append)
    assert "resumes where it stopped" in caught.value.hint
    assert len(server.requests) == 1 and not waits and not server.deliveries
    assert counts(root) == {"pending": 3, "in_flight": 0, "sent": 0, "failed": 0, "skipped": 0}
    assert send(root, "resend").sent == 3 and set(server.deliveries.values()) == {1}


def test_a_refused_key_stops_at_once_and_marks_nothing_sent(server, tmp_path) -> None:
    root = make_workspace(tmp_path, provider="postmark", server=server, subscribers=700)
    with pytest.raises(ProviderAuthError, match="refused the API key"):
        send_issue(root, "1", YES, env=env("postmark", "wrong-key"), reporter=quiet())
    assert len(server.requests) == 1 and not server.deliveries
    assert counts(root) == {"pending": 700, "in_flight": 0, "sent": 0, "failed": 0, "skipped": 0}


def test_a_refused_address_fails_alone_and_the_send_goes_on(server, tmp_path) -> None:
    rows = [*readers(4), ("reject-me@example.com", "", "subscribed", "", ""), *readers(6)[4:]]
    root = make_workspace(tmp_path, provider="resend", server=server, subscribers=rows)
    summary = send(root, "resend")
    assert (summary.sent, summary.failed) == (6, 1)
    report = send_status(root, "1")
    ((email, reason),) = report.failures
    assert email == "reject-me@example.com" and "not valid" in reason


def test_mailgun_refusal_without_an_address_is_bisected(server, tmp_path) -> None:
    rows = readers(10)
    rows[6] = ("reject7@example.com", "", "subscribed", "", "")
    root = make_workspace(tmp_path, provider="mailgun", server=server, subscribers=rows)
    summary = send(root, "mailgun")
    assert (summary.sent, summary.failed) == (9, 1)
    assert set(server.deliveries.values()) == {1} and len(server.deliveries) == 9
    assert send_status(root, "1").failures[0][0] == "reject7@example.com"


def test_the_rate_setting_caps_messages_per_second(tmp_path) -> None:
    root = make_workspace(tmp_path, subscribers=60, send="rate = 200\nbatch_size = 10")
    started = time.monotonic()
    send(root)
    assert time.monotonic() - started >= (60 - 10) / 200


def test_the_rate_setting_makes_batches_a_second_s_worth_and_no_wait_after_the_last(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_workspace(tmp_path, subscribers=30, send="rate = 20")
    events: list[tuple[str, float]] = []

    def sleep(seconds: float) -> None:
        events.append(("pause", seconds))
        time.sleep(seconds)

    real_take = RateLimiter.take

    def take(self: RateLimiter, count: int) -> None:
        events.append(("take", count))
        real_take(self, count)

    monkeypatch.setattr(RateLimiter, "take", take)
    assert send(root, options=SendOptions()).batch_size == 20  # the dry run says so too
    events.clear()
    summary = send(root, sleep=sleep)
    assert (summary.sent, summary.batch_size) == (30, 20)
    # 20 go, a pause of up to a second, the last 10 go; then the send is over, with no pause
    # to make up for them (it sat idle for size / rate seconds after a burst).
    assert [e for e in events if e[0] == "take"] == [("take", 20), ("take", 10)]
    assert events[-1] == ("take", 10) and events[1][0] == "pause", events
    assert sum(seconds for kind, seconds in events if kind == "pause") <= 1.0


def test_ctrl_c_finishes_the_current_batch_then_stops(tmp_path, monkeypatch) -> None:
    root = make_workspace(tmp_path, subscribers=40, send="batch_size = 10")
    real = Outbox.send
    calls = []

    def interrupt_during_second(self, batch):
        calls.append(batch.number)
        if len(calls) == 2:
            os.kill(os.getpid(), signal.SIGINT)
        return real(self, batch)

    monkeypatch.setattr(Outbox, "send", interrupt_during_second)
    summary = send(root)
    assert summary.stopped and summary.sent == 20
    assert counts(root)["in_flight"] == 0 and counts(root)["pending"] == 20
    monkeypatch.setattr(Outbox, "send", real)
    assert send(root).sent == 20


# -- providers without idempotency keys: the in-flight window ------------------------------------


def postmark_workspace(server: LoopbackServer, tmp_path: Path) -> Path:
    root = make_workspace(
        tmp_path,
        provider="postmark",
        server=server,
        subscribers=30,
        timeout=0.3,
        send="batch_size = 10",
    )
    return root


def test_a_postmark_code_not_about_the_reader_fails_no_one(server, tmp_path) -> None:
    # Every code but 406 and 300 once marked its reader failed for good, never mailed again:
    # a message stream that does not exist failed the whole list, and the send ended "done".
    root = postmark_workspace(server, tmp_path)
    stream = {
        "ErrorCode": 1235,
        "Message": "The message stream for the provided 'ID' was not found.",
    }
    server.queue(Reply(200, [stream] * 10))
    with pytest.raises(SendError, match="refused every message: Postmark error 1235"):
        send(root, "postmark")
    assert counts(root) == {"pending": 30, "in_flight": 0, "sent": 0, "failed": 0, "skipped": 0}
    # Out of credits halfway through a batch: what went is sent, the rest waits, the send stops.
    sent = {"ErrorCode": 0, "Message": "OK", "MessageID": "m-1"}
    credits = {"ErrorCode": 405, "Message": "You have run out of credits."}
    server.queue(Reply(200, [sent] * 4 + [credits] * 6))
    with pytest.raises(SendError, match="did not send 6 messages of batch 2") as caught:
        send(root, "postmark")
    assert (
        "(reader00005@example.com, reader00006@example.com, reader00007@example.com and 3 more): "
        "Postmark error 405" in caught.value.message
    )
    assert counts(root) == {"pending": 26, "in_flight": 0, "sent": 4, "failed": 0, "skipped": 0}
    summary = send(root, "postmark")  # credits bought: the rest goes, no one twice
    assert summary.sent == 26 and counts(root)["sent"] == 30 and counts(root)["failed"] == 0
    # 300 on every message is the message's fault (its From, say), not thirty bad addresses.
    root = postmark_workspace(server, tmp_path / "two")
    invalid = {"ErrorCode": 300, "Message": "Invalid 'From' address: 'Dope, Press'."}
    server.queue(Reply(200, [invalid] * 10))
    with pytest.raises(SendError, match="refused every message: Postmark error 300"):
        send(root, "postmark")
    assert counts(root)["pending"] == 30
    # A 300 about the To address is that reader's, even alone in its batch: it fails, and the
    # send goes on (it once stopped every run on the last batch, one bad address in it).
    rows = [*readers(10), ("reject1@example.com", "", "subscribed", "2024-01-01", "")]
    root = make_workspace(
        tmp_path / "three",
        provider="postmark",
        server=server,
        subscribers=rows,
        send="batch_size = 10",
    )
    summary = send(root, "postmark")
    assert (summary.sent, summary.failed) == (10, 1)
    assert counts(root) == {"pending": 0, "in_flight": 0, "sent": 10, "failed": 1, "skipped": 0}


def test_an_unexpected_success_keeps_its_batch_in_flight_not_queued_again(server, tmp_path) -> None:
    root = postmark_workspace(server, tmp_path)
    # Whichever batch arrives first is taken, and answered 202 where Postmark answers 200.
    server.queue(Reply(202, {"Message": "Accepted"}, deliver=True))
    with pytest.raises(SendError, match="may or may not have delivered batch"):
        send(root, "postmark")
    taken = counts(root)
    assert taken["in_flight"] == 10 and taken["sent"] + taken["pending"] == 20
    # Running again posts nothing: the editor settles the batch first.
    posted = len(server.requests)
    with pytest.raises(SendError, match="\\(10 recipients: reader"):
        send(root, "postmark")
    assert len(server.requests) == posted
    # A test send meeting one (a sandbox's answer) is told, not a traceback.
    server.queue(Reply(202, {"Message": "Accepted"}, deliver=True))
    with pytest.raises(SendError, match="the test to editor@example.com may not have been sent"):
        send(root, "postmark", SendOptions(test_to="editor@example.com"))


def _adapter(name: str):  # type: ignore[no-untyped-def]
    from dopemail.send.providers.postmark import Postmark

    return {"postmark": Postmark, "resend": Resend}[name]


@pytest.mark.parametrize("name", ["postmark", "resend"])
def test_a_surprise_after_the_request_left_keeps_the_batch_in_flight_and_held(
    server, tmp_path, monkeypatch, name
) -> None:
    # An adapter bug reading a 200 (a ValueError, not one of the errors adapters raise by
    # design): the provider took the batch. Put back in the queue as "never made", or
    # released as refused, its readers were mailed again by the next run.
    root = make_workspace(tmp_path, provider=name, server=server, subscribers=5)
    adapter = _adapter(name)
    real = adapter.send

    def unreadable(self, batch):  # type: ignore[no-untyped-def]
        real(self, batch)
        raise ValueError("could not read the answer")

    monkeypatch.setattr(adapter, "send", unreadable)
    with pytest.raises(SendError) as caught:
        send(root, name)
    said = caught.value.message
    assert "may or may not have delivered batch 1: ValueError: could not read" in said, said
    assert "--mark-in-flight-sent" in caught.value.hint
    assert counts(root) == {"pending": 0, "in_flight": 5, "sent": 0, "failed": 0, "skipped": 0}
    (batch,) = send_status(root, "1").in_flight
    assert batch.number == 1 and batch.held
    monkeypatch.setattr(adapter, "send", real)
    after_the_fix(server, root, name)


def after_the_fix(server: LoopbackServer, root: Path, name: str) -> None:
    """The adapter fixed, the next run posts nothing until the editor settles batch 1 (5
    readers, posted once): Postmark has no keys; Resend's is posted again under its key,
    which answers as the first time and mails no one twice."""
    if name == "postmark":
        with pytest.raises(SendError, match="batch 1 \\(5 recipients: reader00001@example.com"):
            send(root, name)
        assert len(server.requests) == 1
    else:
        summary = send(root, name)
        assert summary.sent == 5 and counts(root)["sent"] == 5
        keys = {r.headers.get("idempotency-key") for r in server.requests}
        assert len(server.requests) == 2 and len(keys) == 1, keys
    assert len(server.deliveries) == 5 and set(server.deliveries.values()) == {1}


@pytest.mark.parametrize("name", ["postmark", "resend"])
def test_an_adapter_answering_for_the_wrong_count_keeps_the_batch_in_flight_and_held(
    server, tmp_path, monkeypatch, name
) -> None:
    # One outcome short: which reader went unanswered cannot be told, and all were posted.
    root = make_workspace(tmp_path, provider=name, server=server, subscribers=5)
    adapter = _adapter(name)
    real = adapter.send

    def one_short(self, batch):  # type: ignore[no-untyped-def]
        return real(self, batch)[:-1]

    monkeypatch.setattr(adapter, "send", one_short)
    with pytest.raises(SendError) as caught:
        send(root, name)
    said = caught.value.message
    assert "may or may not have delivered batch 1" in said, said
    assert "adapter answered for the wrong count" in said, said
    assert counts(root) == {"pending": 0, "in_flight": 5, "sent": 0, "failed": 0, "skipped": 0}
    (batch,) = send_status(root, "1").in_flight
    assert batch.number == 1 and batch.held
    monkeypatch.setattr(adapter, "send", real)
    after_the_fix(server, root, name)


def hang_on(server: LoopbackServer, number: int, seconds: float = 0.8) -> None:
    """The answer to batch ``number`` (10 readers a batch) comes after the client gave up.

    Batches are posted several at a time, so they may reach the server in any order: the
    batch is told by its first reader, not by the order of arrival.
    """
    first = f"reader{(number - 1) * 10 + 1:05d}@example.com"
    seen: set[str] = set()
    lock = threading.Lock()

    def hook(request: Recorded) -> None:
        if first not in request.body.decode():
            return
        with lock:  # only its first delivery hangs (a retry under the same key is answered)
            again = first in seen
            seen.add(first)
        if not again:
            time.sleep(seconds)  # delivered; the answer comes after the client gave up

    server.on_delivered = hook


def test_each_batch_left_in_flight_is_listed_and_settled_on_its_own(server, tmp_path) -> None:
    root = postmark_workspace(server, tmp_path)
    # Batch 1 goes alone; then 2 and 3 together, and neither answer comes in time.
    firsts = {"reader00011@example.com", "reader00021@example.com"}
    hung: set[str] = set()
    lock = threading.Lock()

    def hook(request: Recorded) -> None:
        body = request.body.decode()
        first = next((f for f in firsts if f in body), None)
        with lock:
            if first is None or first in hung:
                return
            hung.add(first)
        time.sleep(0.8)

    server.on_delivered = hook
    with pytest.raises(SendError) as caught:
        send(root, "postmark")
    server.on_delivered = None
    # Both are named, not only the one that stopped the send first.
    assert "also left in flight" in caught.value.message
    for number in (2, 3):
        assert f"batch {number} (10 recipients: " in caught.value.message
    assert "--mark-in-flight-sent 2 --resend-in-flight 3" in caught.value.hint
    assert counts(root)["in_flight"] == 20
    posted = len(server.requests)

    for yes in (True, False):  # the dry run says it too
        with pytest.raises(SendError, match="batch 7 is not in flight \\(in flight: 2, 3\\)"):
            send(root, "postmark", SendOptions(yes=yes, mark_in_flight_sent=frozenset({7})))
    with pytest.raises(SendError) as caught:
        send(root, "postmark", SendOptions(mark_in_flight_sent=frozenset({15, 5, 10})))
    assert caught.value.message == (
        "--mark-in-flight-sent: batches 5, 10 and 15 are not in flight (in flight: 2, 3)"
    )
    with pytest.raises(SendError, match="batch 3 cannot be both marked sent and sent again"):
        both = frozenset({3})
        send(
            root, "postmark", SendOptions(yes=True, mark_in_flight_sent=both, resend_in_flight=both)
        )
    # The editor found batch 3 missing from Postmark's activity log, and has not looked batch
    # 2 up yet: the send stops on batch 2, and the word on batch 3 is kept (it was lost).
    with pytest.raises(SendError) as caught:
        send(root, "postmark", SendOptions(yes=True, resend_in_flight=frozenset({3})))
    assert "batch 2 (10 recipients: " in caught.value.message
    assert "batch 3 (" not in caught.value.message
    assert len(server.requests) == posted
    assert (counts(root)["in_flight"], counts(root)["pending"]) == (10, 10)
    # Batch 2 did arrive: marked sent, and batch 3's readers go out, completing the issue.
    summary = send(root, "postmark", SendOptions(yes=True, mark_in_flight_sent=frozenset({2})))
    assert summary.sent == 10 and counts(root)["sent"] == 30
    assert posts_to(server, "reader00011@example.com") == 1
    assert posts_to(server, "reader00021@example.com") == 2


def test_a_batch_left_in_flight_is_listed_whatever_stopped_the_send_first(
    server, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Batch 3 refused at once, batch 2's answer in doubt a moment later: the stop said only
    # the refusal, and nothing of the 10 readers left in flight.
    from dopemail.send.providers.base import InDoubt
    from dopemail.send.providers.postmark import Postmark

    root = postmark_workspace(server, tmp_path)
    real = Postmark.send

    def answer(self, batch):  # type: ignore[no-untyped-def]
        if batch.number == 2:
            time.sleep(0.3)
            raise InDoubt("an answer Postmark does not give")
        if batch.number == 3:
            raise SendError("Postmark refused the request: HTTP 422: the sender is not verified")
        return real(self, batch)

    monkeypatch.setattr(Postmark, "send", answer)
    with pytest.raises(SendError) as caught:
        send(root, "postmark")
    message = caught.value.message
    assert message.startswith("Postmark refused the request: HTTP 422"), message
    assert "may or may not have delivered batch 2" in message
    assert "batch 2 (10 recipients: " in message and "--mark-in-flight-sent" in caught.value.hint
    assert counts(root)["in_flight"] == 10


def test_a_dry_run_during_a_send_does_not_advise_settling_its_batches(server, tmp_path) -> None:
    root = postmark_workspace(server, tmp_path)
    hang_on(server, 2)
    with pytest.raises(SendError):
        send(root, "postmark")
    server.on_delivered = None
    plan = "\n".join(describe_plan(send(root, "postmark", SendOptions())))
    assert "settle it with --mark-in-flight-sent" in plan and "running:" not in plan
    with send_lock(root):  # another send holds the workspace
        plan = "\n".join(describe_plan(send(root, "postmark", SendOptions())))
        lines = describe_status(send_status(root, "1"))
    assert "another dopemail send of this workspace is running now" in plan
    assert "settle" not in plan
    assert any("a dopemail send is running now" in line for line in lines)


def hang_first(server: LoopbackServer, seconds: float = 0.8) -> None:
    """The answer to the first request comes after the client gave up (one post at a time)."""
    seen = {"n": 0}

    def hook(request: Recorded) -> None:
        seen["n"] += 1
        if seen["n"] == 1:
            time.sleep(seconds)

    server.on_delivered = hook


def posts_to(server: LoopbackServer, address: str) -> int:
    """How many requests carried a message to ``address``."""
    return sum(address in request.body.decode() for request in server.requests)


def test_a_lost_answer_without_idempotency_is_reported_not_retried(server, tmp_path) -> None:
    root = postmark_workspace(server, tmp_path)
    hang_on(server, 2)
    with pytest.raises(SendError, match="may or may not have delivered batch 2") as caught:
        send(root, "postmark")
    assert "--mark-in-flight-sent" in caught.value.hint
    assert "--resend-in-flight" in caught.value.hint
    # Not retried: a retry could mail these 10 twice. (Batch 3, posted alongside, was answered.)
    assert posts_to(server, "reader00011@example.com") == 1
    assert counts(root)["in_flight"] == 10 and counts(root)["sent"] == 20
    # Running again does not guess either: it lists the batch and stops.
    server.on_delivered = None
    posted = len(server.requests)
    with pytest.raises(SendError, match="batch 2 \\(10 recipients: reader00011@example.com"):
        send(root, "postmark")
    assert len(server.requests) == posted
    lines = describe_status(send_status(root, "1"))
    assert any("batch 2 in flight: 10 recipients" in line for line in lines)
    plan = "\n".join(describe_plan(send(root, "postmark", SendOptions())))
    # Told with its own number, not an example's that names batches this send has not.
    assert (
        "in flight:   batch 2 may have been delivered already: settle it with "
        "--mark-in-flight-sent or --resend-in-flight; see dopemail status"
    ) in plan, plan
    # The editor checked Postmark's activity: batch 2 went out.
    summary = send(root, "postmark", SendOptions(yes=True, mark_in_flight_sent=True))
    assert summary.sent == 0 and counts(root)["sent"] == 30  # batch 3 went in the first run
    assert set(server.deliveries.values()) == {1} and len(server.deliveries) == 30


def test_a_connection_dropped_after_the_request_left_stays_in_flight_not_retried(
    server, tmp_path
) -> None:
    # The request was written and taken; the connection then dropped, no answer. Without an
    # idempotency key, a retry (or putting the readers back in the queue) mails them twice.
    root = make_workspace(tmp_path, provider="postmark", server=server, subscribers=30)
    server.queue(Reply(200, deliver=True, hang_up=True))
    with pytest.raises(SendError, match="may or may not have delivered batch 1") as caught:
        send(root, "postmark")
    assert "connection to Postmark failed" in caught.value.message, caught.value.message
    assert "--mark-in-flight-sent" in caught.value.hint
    assert len(server.requests) == 1 and server.answers == {0: 1}
    assert len(server.deliveries) == 30 and set(server.deliveries.values()) == {1}
    assert counts(root) == {"pending": 0, "in_flight": 30, "sent": 0, "failed": 0, "skipped": 0}
    (batch,) = send_status(root, "1").in_flight
    assert batch.number == 1 and batch.size == 30
    # Running again posts nothing: the editor settles it.
    with pytest.raises(SendError, match="batch 1 \\(30 recipients: reader00001@example.com"):
        send(root, "postmark")
    assert len(server.requests) == 1


def test_two_batches_in_flight_are_told_how_to_settle_each(server, tmp_path, monkeypatch) -> None:
    # The example named batches 2 and 5 whatever was in flight (2 and 3 here).
    from dopemail.send.providers.base import InDoubt
    from dopemail.send.providers.postmark import Postmark

    root = postmark_workspace(server, tmp_path)
    real = Postmark.send

    def answer(self, batch):  # type: ignore[no-untyped-def]
        if batch.number in (2, 3):  # posted side by side, neither answered in time
            time.sleep(0.3)
            raise InDoubt("no answer in time")
        return real(self, batch)

    monkeypatch.setattr(Postmark, "send", answer)
    with pytest.raises(SendError, match="may or may not have delivered batch"):
        send(root, "postmark")
    monkeypatch.setattr(Postmark, "send", real)
    plan = "\n".join(describe_plan(send(root, "postmark", SendOptions())))
    (line,) = [line for line in plan.split("\n") if line.startswith("  in flight:")]
    numbers = re.search(r"batch (\d+), (\d+) may have", line)
    assert numbers is not None, line
    assert numbers.groups() == ("2", "3"), line
    assert "(--mark-in-flight-sent 2 --resend-in-flight 3)" in line, line


def test_resend_in_flight_posts_a_batch_that_never_arrived(server, tmp_path) -> None:
    root = postmark_workspace(server, tmp_path)
    server.queue(Reply(200, [], delay=0.8))  # the first request: no answer in time, not delivered
    with pytest.raises(SendError, match="may or may not have delivered batch 1"):
        send(root, "postmark")
    assert not server.deliveries
    summary = send(root, "postmark", SendOptions(yes=True, resend_in_flight=True))
    assert summary.sent == 30
    assert set(server.deliveries.values()) == {1} and len(server.deliveries) == 30


def test_resend_in_flight_of_a_keyed_batch_posts_it_under_a_new_key(
    server, tmp_path, monkeypatch
) -> None:
    # The editor names a batch Resend may have taken: sent again, as asked. Under its old key
    # Resend would answer from its cache, mail no one, and the ledger would say sent: the
    # readers the editor found without the issue would never get it.
    root = make_workspace(tmp_path, provider="resend", server=server, subscribers=3)
    killed_on_its_first_batch(monkeypatch, root, Resend, delivered=True)
    (first,) = server.requests
    old = first.headers.get("idempotency-key")
    summary = send(root, "resend", SendOptions(yes=True, resend_in_flight=frozenset({1})))
    assert summary.sent == 3 and counts(root)["sent"] == 3
    assert len(server.requests) == 2
    new = server.requests[-1].headers.get("idempotency-key")
    assert old and new == f"{old}~again1"
    assert dict(server.deliveries) == {f"reader0000{i}@example.com": 2 for i in (1, 2, 3)}
    assert send_status(root, "1").in_flight == []


def test_a_batch_sent_again_as_the_editor_asked_and_refused_goes_back_in_the_queue(
    server, tmp_path, monkeypatch
) -> None:
    # The editor said batch 1 never arrived: sent again, it is a new post, not a replay of
    # one that may have been delivered. Refused outright, its readers are back in the queue,
    # not held in flight for the editor to settle a second time.
    root = make_workspace(tmp_path, provider="resend", server=server, subscribers=3)
    killed_on_its_first_batch(monkeypatch, root, Resend, delivered=False)
    server.queue(Reply(422, {"name": "validation_error", "message": "Invalid `to` field."}))
    again = SendOptions(yes=True, resend_in_flight=frozenset({1}))
    with pytest.raises(SendError, match="refused the request") as caught:
        send(root, "resend", again)
    assert "may or may not have delivered" not in caught.value.message
    assert not server.deliveries
    assert counts(root) == {"pending": 3, "in_flight": 0, "sent": 0, "failed": 0, "skipped": 0}
    assert send_status(root, "1").in_flight == []
    assert send(root, "resend").sent == 3
    assert set(server.deliveries.values()) == {1} and len(server.deliveries) == 3


def test_resend_in_flight_leaves_out_who_left_the_list_since(server, tmp_path) -> None:
    root = postmark_workspace(server, tmp_path)
    server.queue(Reply(200, [], delay=0.8))  # batch 1 (readers 1-10): no answer, not delivered
    with pytest.raises(SendError, match="may or may not have delivered batch 1"):
        send(root, "postmark")
    # Meanwhile reader 2 unsubscribed and reader 3 was deleted from the list.
    rows = readers(30)
    rows[1] = (rows[1][0], "", "unsubscribed", "", "")
    del rows[2]
    write_subscribers(root, rows)
    summary = send(root, "postmark", SendOptions(yes=True, resend_in_flight=True))
    assert "reader00002@example.com" not in server.deliveries
    assert "reader00003@example.com" not in server.deliveries
    assert len(server.deliveries) == 28 and set(server.deliveries.values()) == {1}
    assert summary.sent == 28 and summary.already_sent == 0
    assert counts(root) == {"pending": 0, "in_flight": 0, "sent": 28, "failed": 0, "skipped": 2}
    db = sqlite3.connect(root / LEDGER_PATH)
    why = dict(db.execute("SELECT email, error FROM recipients WHERE state = 'skipped'"))
    assert why == {
        "reader00002@example.com": "unsubscribed (line 3)",
        "reader00003@example.com": "no longer in the subscriber list",
    }


@pytest.mark.parametrize("delivered", [False, True])
def test_a_replay_leaves_out_who_left_the_list_since(
    server, tmp_path, monkeypatch, delivered
) -> None:
    # A batch left in flight was replayed with all its members: a reader who unsubscribed,
    # or was deleted from the list, while the send was stopped was mailed on resume, and the
    # summary said they were skipped.
    root = make_workspace(tmp_path, provider="resend", server=server, subscribers=5)
    killed_on_its_first_batch(monkeypatch, root, Resend, delivered)
    rows = readers(5)
    rows[1] = (rows[1][0], "", "unsubscribed", "", "")
    del rows[2]
    write_subscribers(root, rows)
    gone = {"reader00002@example.com", "reader00003@example.com"}
    if not delivered:  # the provider never had it: the others alone are mailed, once
        summary = send(root, "resend")
        assert summary.sent == 3 and not gone & set(server.deliveries)
        assert len(server.deliveries) == 3 and set(server.deliveries.values()) == {1}
        assert counts(root) == {"pending": 0, "in_flight": 0, "sent": 3, "failed": 0, "skipped": 2}
        return
    # The provider had the first post: it refuses a replay unlike it, and nobody is mailed
    # twice; the batch stays in flight whole, and the editor settles it from the provider's
    # log: all five were mailed, those who left since too.
    with pytest.raises(SendError, match="did readers of it leave the list"):
        send(root, "resend")
    assert set(server.deliveries.values()) == {1} and len(server.deliveries) == 5
    assert counts(root)["in_flight"] == 5
    summary = send(root, "resend", SendOptions(yes=True, mark_in_flight_sent=True))
    assert counts(root) == {"pending": 0, "in_flight": 0, "sent": 5, "failed": 0, "skipped": 0}


def test_a_replay_leaves_out_who_unsubscribed_on_a_later_line_of_the_list(
    server, tmp_path, monkeypatch
) -> None:
    # An export that appends status changes lists a reader twice: subscribed, then, on a
    # later line, unsubscribed. The later line takes the first one's row out of the queue;
    # the replay of a batch they were in must leave them out too, though their first line
    # marks them as seen in this sync (the check of 'seen' alone mailed them).
    root = make_workspace(tmp_path, provider="resend", server=server, subscribers=5)
    killed_on_its_first_batch(monkeypatch, root, Resend, delivered=False)
    rows = readers(5)
    rows.append(("reader00002@example.com", "", "unsubscribed", "", ""))  # line 7
    write_subscribers(root, rows)
    summary = send(root, "resend")
    assert "reader00002@example.com" not in server.deliveries
    assert len(server.deliveries) == 4 and set(server.deliveries.values()) == {1}
    assert summary.sent == 4
    assert counts(root) == {"pending": 0, "in_flight": 0, "sent": 4, "failed": 0, "skipped": 1}
    db = sqlite3.connect(root / LEDGER_PATH)
    why = dict(db.execute("SELECT email, error FROM recipients WHERE state = 'skipped'"))
    db.close()
    assert why == {"reader00002@example.com": "unsubscribed (line 7)"}


def _resend_in_batches_of_20(server, tmp_path) -> Path:  # type: ignore[no-untyped-def]
    """A workspace sending to 60 readers through Resend on ``server``, 20 a batch, two
    batches at a time."""
    return make_workspace(
        tmp_path,
        provider="resend",
        server=server,
        subscribers=60,
        send="batch_size = 20\nconcurrency = 2",
    )


def _killed_with_two_in_flight(server, tmp_path, monkeypatch) -> Path:  # type: ignore[no-untyped-def]
    """A Resend send of 60 readers killed with batch 2 delivered (its answer lost) and batch
    3 never arrived, then a reader of batch 2 deleted from the list: its replay is refused."""
    root = _resend_in_batches_of_20(server, tmp_path)
    with (root / "dopemail.toml").open("a") as config:  # under [send.resend], the last table
        config.write("requests_per_second = 0\n")
    real = Resend.send
    posting_3 = threading.Event()

    def killed(self, batch):  # type: ignore[no-untyped-def]
        if batch.number == 2:
            real(self, batch)
            posting_3.wait(5)
            raise KeyboardInterrupt  # as kill -9: delivered, its answer never recorded
        if batch.number == 3:
            posting_3.set()
            time.sleep(0.5)  # on its way when the process dies; it never arrives
            raise KeyboardInterrupt
        return real(self, batch)

    monkeypatch.setattr(Resend, "send", killed)
    with pytest.raises(KeyboardInterrupt):
        send(root, "resend")
    monkeypatch.setattr(Resend, "send", real)
    assert [b.number for b in send_status(root, "1").in_flight] == [2, 3]
    rows = readers(60)
    del rows[24]  # reader00025, of batch 2
    write_subscribers(root, rows)
    return root


def test_a_refused_replay_and_a_batch_never_replayed_are_each_told_and_settled_apart(
    server, tmp_path, monkeypatch
) -> None:
    # Batch 2 reached Resend, its answer lost; batch 3 never arrived; the send was killed. A
    # reader of batch 2 deleted since, its replay was refused (same key, other content). The
    # stop named batch 2 alone, its hint's bare --mark-in-flight-sent marked batch 3 sent too
    # (20 readers who never got the issue), and the dry run called both safe.
    root = _killed_with_two_in_flight(server, tmp_path, monkeypatch)
    with pytest.raises(SendError) as caught:
        send(root, "resend")
    message, hint = caught.value.message, str(caught.value.hint)
    assert "batch 2 (20 recipients: " in message and "batch 3 (20 recipients: " in message
    assert message.index("posted again under its idempotency key by the next run") < (
        message.index("batch 3 (")
    )
    assert "--mark-in-flight-sent 2'" in hint and "--resend-in-flight 2'" in hint, hint
    assert "3" not in hint.replace("dopemail send 1", ""), hint
    plan = "\n".join(describe_plan(send(root, "resend", SendOptions())))
    assert "batch 2 may have been delivered already" in plan, plan
    assert "settle it by hand with --mark-in-flight-sent 2 or --resend-in-flight 2" in plan
    assert "batch 3: posted again under the same idempotency keys (safe)" in plan, plan
    # Following the old hint, bare: batch 2 alone is settled; batch 3 goes under its key.
    summary = send(root, "resend", SendOptions(yes=True, mark_in_flight_sent=True))
    assert summary.sent == 20 and counts(root)["sent"] == 60 and counts(root)["in_flight"] == 0
    assert len(server.deliveries) == 60 and set(server.deliveries.values()) == {1}


def test_the_dry_run_names_a_held_batch_beside_one_past_its_key(
    server, tmp_path, monkeypatch
) -> None:
    # Batch 2 held (its replay refused) and batch 3 past Resend's key window: the dry run
    # named batch 3 alone and advised the bare options, which settle batch 2 too, unseen.
    root = _killed_with_two_in_flight(server, tmp_path, monkeypatch)
    with pytest.raises(SendError):
        send(root, "resend")
    db = sqlite3.connect(root / LEDGER_PATH)
    with db:
        db.execute("UPDATE batches SET posted_at = posted_at - 3 * 86400 WHERE number = 3")
    db.close()
    plan = "\n".join(describe_plan(send(root, "resend", SendOptions())))
    assert "batch 2, 3 may have been delivered already" in plan, plan
    assert "(safe)" not in plan, plan


def test_giving_up_with_two_batches_in_flight_names_both_to_be_posted_again(
    server, tmp_path
) -> None:
    # The hint named only the batch whose answer stopped the send.
    root = _resend_in_batches_of_20(server, tmp_path)
    down = Reply(500, {"message": "internal"}, {"Retry-After": "3600"}, deliver=True)

    def after_the_first(request: Recorded) -> None:
        server.on_delivered = None
        server.queue(down, down)  # batches 2 and 3, posted side by side

    server.on_delivered = after_the_first
    with pytest.raises(SendError, match="asks to wait 3600 s") as caught:
        send(root, "resend", sleep=lambda seconds: None)
    assert counts(root)["in_flight"] == 40
    assert "posting batches 2 and 3 again under their idempotency keys first" in str(
        caught.value.hint
    ), caught.value.hint


def test_a_replay_whose_readers_all_left_posts_nothing(tmp_path, monkeypatch) -> None:
    root = make_workspace(tmp_path, subscribers=12, send="batch_size = 10")
    killed_on_its_first_batch(monkeypatch, root, Outbox, delivered=False)
    write_subscribers(root, readers(12)[10:])  # the first batch's ten deleted from the list
    summary = send(root)
    assert summary.sent == 2 and counts(root)["skipped"] == 10 and counts(root)["in_flight"] == 0
    assert len(list((root / "outbox" / "1-first-issue").glob("*.eml"))) == 2
    # The batch is closed, not left in flight with no members (listed for the editor forever).
    assert send_status(root, "1").in_flight == []
    assert send(root).sent == 0 and send_status(root, "1").in_flight == []


# -- Buttondown: one post ----------------------------------------------------------------------


def test_buttondown_posts_once_and_records_that_post(server, tmp_path) -> None:
    root = make_workspace(tmp_path, provider="buttondown", server=server, timeout=0.3)
    hang_first(server)  # the first answer is lost: the retry carries the same key
    summary = send(root, "buttondown", sleep=lambda s: None)
    assert summary.sent == 1 and server.deliveries == {BUTTONDOWN_LIST: 1}
    keys = {r.headers["x-idempotency-key"] for r in server.requests}
    assert len(server.requests) == 2 and len(keys) == 1
    assert send(root, "buttondown").sent == 0 and len(server.requests) == 2
    db = sqlite3.connect(root / LEDGER_PATH)
    ((state, message_id),) = db.execute("SELECT state, message_id FROM recipients").fetchall()
    assert state == "sent" and message_id.startswith("em_")
    # Its status is the list's, not a count of one reader.
    shown = describe_status(send_status(root, "1"))
    assert shown[1] == "  posted to buttondown's own subscriber list" and len(shown) == 2


def test_buttondown_asking_confirmation_is_mailed_once_when_an_answer_is_lost(
    server, tmp_path
) -> None:
    # A new API key must confirm sending once. Confirmed only when asked (a second post under
    # a key of its own), the confirmed post's answer lost was retried unconfirmed under the
    # first key, which held only a refusal: Buttondown took it as a new email, and the list
    # was mailed twice. Then, for a replay by the next run, the same.
    server.buttondown_asks_confirmation = True
    root = make_workspace(tmp_path, provider="buttondown", server=server, timeout=0.3)
    hang_first(server)
    assert send(root, "buttondown", sleep=lambda s: None).sent == 1
    assert server.deliveries == {BUTTONDOWN_LIST: 1}
    assert {r.headers.get("x-buttondown-live-dangerously") for r in server.requests} == {"true"}
    assert len({r.headers["x-idempotency-key"] for r in server.requests}) == 1
    # Killed after a post that arrived: the next run replays it, and the list is mailed once.
    real = Buttondown.send

    def delivered_then_killed(self, batch):
        real(self, batch)
        raise KeyboardInterrupt

    with LoopbackServer(key=KEY) as fresh, pytest.MonkeyPatch.context() as patch:
        fresh.buttondown_asks_confirmation = True
        again = make_workspace(tmp_path / "again", provider="buttondown", server=fresh)
        patch.setattr(Buttondown, "send", delivered_then_killed)
        with pytest.raises(KeyboardInterrupt):
            send(again, "buttondown")
        patch.undo()
        assert send(again, "buttondown").sent == 1
        assert fresh.deliveries == {BUTTONDOWN_LIST: 1} and len(fresh.requests) == 2


def previous_release_send(self, batch):  # type: ignore[no-untyped-def]
    """Buttondown.send as the release before 2026-12-07 made it (e48370a): unconfirmed under
    the batch's key K, then, asked to confirm, confirmed under 'K-confirmed'."""
    headers = {"Authorization": f"Token {self.api.key}"}
    if batch.idempotency_key:
        headers["X-Idempotency-Key"] = batch.idempotency_key
    body = self._email(batch, "about_to_send")
    response = self.api.post("/emails", json=body, headers=headers)
    if response.status_code == 400 and response.json().get("code") == (
        "sending_requires_confirmation"
    ):
        headers["X-Buttondown-Live-Dangerously"] = "true"
        if batch.idempotency_key:
            headers["X-Idempotency-Key"] = f"{batch.idempotency_key}-confirmed"
        response = self.api.post("/emails", json=body, headers=headers)
    self._check(response, 201)
    return [Outcome("sent", self._receipt(response))]


def as_the_previous_release_left_it(path: Path) -> None:
    """The ledger as the release before key_unsure wrote it: schema 4, without the column."""
    db = sqlite3.connect(path)
    if "key_unsure" in [row[1] for row in db.execute("PRAGMA table_info(batches)")]:
        with db:
            db.execute("ALTER TABLE batches DROP COLUMN key_unsure")
    db.execute("PRAGMA user_version = 4")
    db.close()


def left_in_flight_by_the_previous_release(
    root: Path, monkeypatch: pytest.MonkeyPatch, delivered: bool
) -> None:
    """Issue 1 sent through Buttondown by the release before key_unsure and killed before
    the answer was recorded (its post delivered, or not made), the ledger as it left it."""

    def killed(self, batch):  # type: ignore[no-untyped-def]
        if delivered:
            previous_release_send(self, batch)
        raise KeyboardInterrupt

    monkeypatch.setattr(Buttondown, "send", killed)
    with pytest.raises(KeyboardInterrupt):
        send(root, "buttondown")
    monkeypatch.undo()
    as_the_previous_release_left_it(root / LEDGER_PATH)


def test_a_buttondown_batch_left_in_flight_by_the_previous_release_is_held_not_posted_again(
    server, tmp_path, monkeypatch
) -> None:
    # The previous release posted under K, was asked to confirm, posted again confirmed under
    # 'K-confirmed' (delivered), and was killed before recording it. This one replayed the
    # batch under K, confirmed: Buttondown had only a refusal under K, and made a second
    # email: requests [(K, None), (K-confirmed, 'true'), (K, 'true')], the list mailed twice.
    server.buttondown_asks_confirmation = True
    root = make_workspace(tmp_path, provider="buttondown", server=server)
    left_in_flight_by_the_previous_release(root, monkeypatch, delivered=True)
    key = server.requests[0].headers["x-idempotency-key"]
    posted = [(key, None), (f"{key}-confirmed", "true")]

    def requests() -> list[tuple[str, str | None]]:
        return [
            (r.headers["x-idempotency-key"], r.headers.get("x-buttondown-live-dangerously"))
            for r in server.requests
        ]

    assert requests() == posted and server.deliveries == {BUTTONDOWN_LIST: 1}
    # The dry run, on the ledger as it was left (not brought up to date by it), says so.
    plan = "\n".join(describe_plan(send(root, "buttondown", SendOptions())))
    assert "batch 1 may have been delivered already: settle it with" in plan, plan
    assert "(safe)" not in plan, plan
    # The new release holds it for the editor, says why, and posts nothing.
    with pytest.raises(SendError) as caught:
        send(root, "buttondown")
    message, hint = caught.value.message, str(caught.value.hint)
    assert "left in flight by an earlier dopemail" in message, message
    assert f"key '{key}' and, asked to confirm sending, again under '{key}-confirmed'" in (
        message
    ), message
    assert "look in Buttondown's Emails page for this issue's email" in message, message
    assert "--mark-in-flight-sent 1'" in hint and "--resend-in-flight 1'" in hint, hint
    assert requests() == posted and server.deliveries == {BUTTONDOWN_LIST: 1}
    # Held in the ledger, brought up to date: run again, it still waits for the editor.
    with pytest.raises(SendError, match="left in flight by an earlier dopemail"):
        send(root, "buttondown")
    shown = "\n".join(describe_status(send_status(root, "1")))
    assert "Buttondown's Emails page" in shown, shown
    assert requests() == posted
    # The email is in Buttondown's Emails page, sent once: the editor marks it sent.
    summary = send(root, "buttondown", SendOptions(yes=True, mark_in_flight_sent=frozenset({1})))
    assert summary.sent == 0 and counts(root)["sent"] == 1 and counts(root)["in_flight"] == 0
    assert requests() == posted and server.deliveries == {BUTTONDOWN_LIST: 1}


def test_a_buttondown_batch_the_editor_sends_again_after_the_upgrade_goes_once(
    server, tmp_path, monkeypatch
) -> None:
    # Killed before its post arrived, the batch held after the upgrade: the editor found no
    # email in Buttondown and sends it again, under a new key, confirmed.
    server.buttondown_asks_confirmation = True
    root = make_workspace(tmp_path, provider="buttondown", server=server)
    left_in_flight_by_the_previous_release(root, monkeypatch, delivered=False)
    with pytest.raises(SendError, match="left in flight by an earlier dopemail"):
        send(root, "buttondown")
    assert server.requests == []
    summary = send(root, "buttondown", SendOptions(yes=True, resend_in_flight=frozenset({1})))
    assert summary.sent == 1 and server.deliveries == {BUTTONDOWN_LIST: 1}
    (request,) = server.requests
    assert request.headers["x-buttondown-live-dangerously"] == "true"
    assert send(root, "buttondown").sent == 0 and len(server.requests) == 1


def test_buttondown_conflict_keeps_the_issue_in_flight_never_posted_again(server, tmp_path) -> None:
    # The issue sent from one checkout, then from another whose build differs: the same
    # key, other content, and Buttondown's 409. The second checkout kept nothing in flight
    # (a refusal puts the post back in the queue): once the key expired, the list got the
    # issue twice. It stays in flight, for the editor to settle, and is never posted anew.
    first = make_workspace(tmp_path / "first", provider="buttondown", server=server)
    assert send(first, "buttondown").sent == 1
    other = make_workspace(tmp_path / "other", provider="buttondown", server=server)
    write_issue(other, subject="A corrected subject")
    with pytest.raises(SendError):
        send(other, "buttondown")
    assert counts(other)["in_flight"] == 1 and counts(other)["pending"] == 0
    (stuck,) = send_status(other, "1").in_flight
    assert "409 Conflict" in (stuck.error or "")
    # The next run replays it under the same key (a post it took would be answered, not
    # made again), meets the conflict again, and keeps it.
    with pytest.raises(SendError, match="may or may not have delivered"):
        send(other, "buttondown")
    assert counts(other)["in_flight"] == 1 and server.deliveries == {BUTTONDOWN_LIST: 1}
    assert len({r.headers["x-idempotency-key"] for r in server.requests}) == 1


@pytest.mark.parametrize(
    ("status", "held"), [("paused", True), ("draft", True), ("in_flight", False)]
)
def test_buttondown_holding_the_issue_is_said_and_recorded_as_posted(
    server, tmp_path, status, held
) -> None:
    # Buttondown answers with the email's status: one it took but holds (a draft, paused,
    # throttled, errored) was said to have gone out. It is posted (a second post would be a
    # second email to the list): recorded so, and said.
    root = make_workspace(tmp_path, provider="buttondown", server=server)
    server.queue(Reply(201, {"id": "em_held", "subject": "x", "status": status}))
    said = io.StringIO()
    reporter = Reporter(Console(file=said, width=300), progress=False)
    summary = send(root, "buttondown", reporter=reporter)
    assert summary.sent == 1 and counts(root)["sent"] == 1
    told = f"Buttondown took the issue but holds it as '{status}'"
    assert (told in said.getvalue()) is held, said.getvalue()
    assert send(root, "buttondown").sent == 0 and len(server.requests) == 1


def test_a_rebuilt_issue_mid_send_is_warned_about(tmp_path, monkeypatch) -> None:
    root = make_workspace(tmp_path, subscribers=20, send="batch_size = 10")
    real = Outbox.send

    def stop_after_first(self, batch):
        outcomes = real(self, batch)
        if batch.number == 2:
            raise KeyboardInterrupt
        return outcomes

    monkeypatch.setattr(Outbox, "send", stop_after_first)
    with pytest.raises(KeyboardInterrupt):
        send(root)
    monkeypatch.setattr(Outbox, "send", real)
    write_issue(root, subject="A corrected subject")
    out = io.StringIO()
    send(root, reporter=Reporter(Console(file=out, width=200), progress=False))
    assert "was rebuilt after sending started" in out.getvalue()


def test_only_one_send_runs_at_a_time(tmp_path) -> None:
    import fcntl

    root = make_workspace(tmp_path)
    (root / ".dopemail").mkdir()
    with (root / ".dopemail" / "send.lock").open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as a running send holds it
        with pytest.raises(SendError, match="another dopemail send is running"):
            send(root)
    assert send(root).sent == 3
    # A dry run or 'dopemail status' looking whether a send runs holds it for a moment: a
    # send starting then waits for it rather than stop as if another send ran.
    write_subscribers(root, 5)
    held = (root / ".dopemail" / "send.lock").open("w")
    fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
    threading.Timer(0.2, held.close).start()
    assert send(root).sent == 2


# -- several batches at once ---------------------------------------------------------------------


def test_several_batches_go_at_once_and_each_reader_gets_one_copy(server, tmp_path) -> None:
    root = make_workspace(
        tmp_path,
        provider="postmark",
        server=server,
        subscribers=200,
        send="batch_size = 10\nconcurrency = 4",
    )
    lock, now, most = threading.Lock(), [0], [0]

    def slow_answer(request: Recorded) -> None:
        with lock:
            now[0] += 1
            most[0] = max(most[0], now[0])
        time.sleep(0.05)
        with lock:
            now[0] -= 1

    server.on_delivered = slow_answer
    summary = send(root, "postmark")
    assert summary.sent == 200 and len(server.requests) == 20
    assert 1 < most[0] <= 4  # overlapping requests, never more than the setting
    assert set(server.deliveries.values()) == {1} and len(server.deliveries) == 200
    assert counts(root) == {"pending": 0, "in_flight": 0, "sent": 200, "failed": 0, "skipped": 0}
    # Each batch went once, with its own readers, in list order within the batch.
    batches = sorted(
        ([m["To"] for m in r.json()] for r in server.requests), key=lambda b: b[0][-25:]
    )
    assert [a for batch in batches for a in batch] == [
        f"Reader {i} <reader{i:05d}@example.com>" for i in range(1, 201)
    ]


def test_the_rate_cap_holds_with_several_batches_at_once(
    server, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_workspace(
        tmp_path,
        provider="resend",
        server=server,
        subscribers=80,
        send="rate = 200\nbatch_size = 10\nconcurrency = 4",
    )
    arrivals: list[float] = []
    server.on_delivered = lambda request: arrivals.append(time.monotonic())
    # When the limiter let each batch go. Measured at the server alone, a first request slowed
    # on a busy machine made the next ones look early: what is capped is when requests leave.
    granted: list[float] = []
    real_take = RateLimiter.take

    def take(self: RateLimiter, count: int) -> None:
        granted.append(time.monotonic())
        real_take(self, count)

    monkeypatch.setattr(RateLimiter, "take", take)
    started = time.monotonic()
    assert send(root, "resend").sent == 80
    assert time.monotonic() - started >= (80 - 10) / 200
    assert len(granted) == len(arrivals) == 8
    for k, grant in enumerate(granted):  # batch k goes 10 * k / 200 s after the first
        assert grant - granted[0] >= k * 10 / 200 - 0.002, (k, grant - granted[0])
    # And no request reached the server before its turn: the k-th to arrive came after the
    # k-th was let go.
    for k, (grant, arrival) in enumerate(zip(granted, sorted(arrivals), strict=True)):
        assert arrival >= grant, k


def test_ctrl_c_lets_every_batch_in_flight_finish(server, tmp_path) -> None:
    root = make_workspace(
        tmp_path,
        provider="resend",
        server=server,
        subscribers=200,
        send="batch_size = 10\nconcurrency = 4",
    )
    seen = {"n": 0}

    def interrupt_at_the_third(request: Recorded) -> None:
        seen["n"] += 1
        if seen["n"] == 3:
            os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.02)

    server.on_delivered = interrupt_at_the_third
    summary = send(root, "resend")
    assert summary.stopped
    posted = len(server.requests)
    assert 3 <= posted <= 3 + 4 and summary.sent == 10 * posted
    assert counts(root)["in_flight"] == 0 and counts(root)["sent"] == summary.sent
    server.on_delivered = None
    assert send(root, "resend").sent == 200 - summary.sent
    assert set(server.deliveries.values()) == {1} and len(server.deliveries) == 200


@pytest.mark.parametrize("provider", ["resend", "postmark"])
def test_the_light_loopback_counts_what_the_full_one_counts(provider, tmp_path) -> None:
    """The benchmark's server reads only the recipients of each batch: same deliveries."""
    rows = [*readers(30), ("reject-me@example.com", "", "subscribed", "", ""), *readers(45)[30:]]
    found = []
    for light in (False, True):
        with LoopbackServer(key=KEY, light=light) as loopback:
            root = make_workspace(
                tmp_path / str(light), provider=provider, server=loopback, subscribers=rows
            )
            summary = send(root, provider)
            found.append((summary.sent, summary.failed, dict(loopback.deliveries)))
    assert found[0] == found[1] and found[0][:2] == (45, 1)


def test_the_progress_bar_shows_sent_failed_left_and_the_rate(server, tmp_path) -> None:
    rows = [*readers(20), ("reject-me@example.com", "No", "subscribed", "2024-01-01", "")]
    root = make_workspace(
        tmp_path, provider="resend", server=server, subscribers=rows, send="batch_size = 7"
    )
    out = io.StringIO()
    console = Console(file=out, width=200, force_terminal=True, color_system=None)
    send(root, "resend", reporter=Reporter(console, progress=True))
    shown = out.getvalue()
    # The last frame of the bar: every message accounted for, the refusal counted as failed.
    assert "sent 20 · failed 1 · left 0" in shown
    assert re.search(r"left 0 · [\d,.]+/s", shown)


def test_a_resend_error_about_the_sender_puts_every_reader_back(server, tmp_path) -> None:
    # Permissive batches: Resend answers 200 with the emails it refused in errors[]. One
    # about what every email shares (here the sender) is no reader's fault.
    root = make_workspace(tmp_path, provider="resend", server=server, subscribers=6)
    errors = [{"index": i, "message": "The `from` field is invalid."} for i in range(6)]
    server.queue(Reply(200, {"data": [], "errors": errors}))
    with pytest.raises(SendError, match="from` field is invalid") as caught:
        send(root, "resend")
    assert "back in the queue" in caught.value.hint
    # Named, should the refusal be about them: the first few, and how many more.
    assert (
        "did not send 6 messages of batch 1 (reader00001@example.com, "
        "reader00002@example.com, reader00003@example.com and 3 more)" in caught.value.message
    )
    assert counts(root)["pending"] == 6 and counts(root)["failed"] == 0
    # Nobody was failed for good: the next run (the sender fixed) mails all six, once.
    summary = send(root, "resend")
    assert (summary.sent, summary.failed) == (6, 0)
    assert sorted(server.deliveries.values()) == [1] * 6


def test_a_resend_refusal_of_the_one_reader_of_a_batch_fails_that_reader(server, tmp_path) -> None:
    # A batch of one (the last reader of the list) answered 200 with the reader's refusal at
    # its index: taken for the sender's, it stopped the send with the reader back in the
    # queue, first in the next batch, and every run stopped there again.
    root = make_workspace(
        tmp_path, provider="resend", server=server, subscribers=10, send="batch_size = 10"
    )
    assert send(root, "resend").sent == 10
    rows = [*readers(10), ("ada@example.com", "Ada", "subscribed", "2024-01-01", "")]
    write_subscribers(root, rows)
    refused = {"index": 0, "message": "This recipient is on the suppression list."}
    server.queue(Reply(200, {"data": [], "errors": [refused]}))
    summary = send(root, "resend")
    assert (summary.sent, summary.failed) == (0, 1)
    assert counts(root) == {"pending": 0, "in_flight": 0, "sent": 10, "failed": 1, "skipped": 0}
    posted = len(server.requests)
    assert send(root, "resend").sent == 0 and len(server.requests) == posted


# -- each reader's own parts, each issue's own keys --------------------------------------------


def _list_unsubscribe(provider: str, message: dict) -> tuple[str, str]:
    """(To, List-Unsubscribe) of one message of a Postmark or Resend batch."""
    if provider == "postmark":
        headers = {h["Name"]: h["Value"] for h in message["Headers"]}
        return message["To"], headers["List-Unsubscribe"]
    return message["to"][0], message["headers"]["List-Unsubscribe"]


@pytest.mark.parametrize("provider", ["postmark", "resend"])
def test_each_reader_of_a_batch_gets_their_own_unsubscribe_header(
    provider, server, tmp_path
) -> None:
    # The batch is encoded once with holes where readers differ: filled with the first
    # reader's List-Unsubscribe, every reader's one-click unsubscribe would unsubscribe reader 1.
    from sendserver import UNSUBSCRIBE_SECRET

    from dopemail.send.message import verify_token

    rows = [(f"r{i}@example.com", "", "subscribed", "", "") for i in range(1, 4)]
    root = make_workspace(tmp_path, provider=provider, server=server, subscribers=rows)
    assert send(root, provider).sent == 3
    (request,) = server.requests
    links = []
    for message in request.json():
        to, header = _list_unsubscribe(provider, message)
        token = re.search(r"[?&]token=([^&#>]+)", header)
        assert token, header
        assert verify_token(token.group(1), UNSUBSCRIBE_SECRET) == to
        links.append(header)
    assert len(set(links)) == 3, links


def test_a_mailgun_400_naming_one_reader_fails_that_reader_and_sends_the_others(
    server, tmp_path
) -> None:
    rows = [(a, "", "subscribed", "", "") for a in ("ada@example.com", "bad@example.com")]
    rows.append(("cy@example.com", "", "subscribed", "", ""))
    root = make_workspace(tmp_path, provider="mailgun", server=server, subscribers=rows)
    said = "'to' parameter is not a valid address: bad@example.com"
    server.queue(Reply(400, {"message": said}))
    summary = send(root, "mailgun")
    assert (summary.sent, summary.failed) == (2, 1)
    ((address, reason),) = send_status(root, "1").failures
    assert address == "bad@example.com" and "not a valid address" in reason
    assert server.deliveries == {"ada@example.com": 1, "cy@example.com": 1}
    assert len(server.requests) == 2  # the refused batch, then the two others together


@pytest.mark.parametrize(
    ("provider", "header"), [("resend", "idempotency-key"), ("buttondown", "x-idempotency-key")]
)
def test_the_next_issue_to_the_same_list_goes_under_keys_of_its_own(
    provider, header, server, tmp_path
) -> None:
    # Batch 1 of issue 2 to the same readers under issue 1's key: the provider would answer
    # it as issue 1's (or as a conflict), and issue 2 would never be delivered.
    root = make_workspace(tmp_path, provider=provider, server=server, subscribers=3)
    write_issue(root, 2, "second-issue", subject="The second issue")
    first = send(root, provider)
    second = send_issue(root, "2", YES, env=env(provider), reporter=quiet())
    assert first.sent == second.sent == (1 if provider == "buttondown" else 3)
    keys = [r.headers[header] for r in server.requests]
    assert len(keys) == 2 and keys[0] != keys[1], keys
    if provider == "buttondown":
        assert server.deliveries == {BUTTONDOWN_LIST: 2}
    else:
        assert set(server.deliveries.values()) == {2} and len(server.deliveries) == 3


def test_a_replay_stopped_while_it_waits_to_be_posted_again_stays_in_flight(
    server, tmp_path, monkeypatch
) -> None:
    # The last run may have delivered the batch: stopped between its replay's attempts (told
    # to wait), it is no batch that surely never arrived. Put back in the queue, the next run
    # posted it as a new batch under a new key, and every reader of it got two copies.
    root = make_workspace(tmp_path, provider="resend", server=server, subscribers=3)
    killed_on_its_first_batch(monkeypatch, root, Resend, delivered=True)
    server.queue(Reply(429, {"name": "rate_limit_exceeded"}, {"Retry-After": "30"}))
    said = io.StringIO()
    reporter = Reporter(Console(file=said, width=200), progress=False)

    def second_ctrl_c(self) -> None:  # once the replay waits to be retried: nothing is posting
        if "retry 1 in" in said.getvalue():
            raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(run_module._Run, "_announce_stop", second_ctrl_c)
        with pytest.raises(KeyboardInterrupt):
            send(root, "resend", reporter=reporter)
    assert counts(root) == {"pending": 0, "in_flight": 3, "sent": 0, "failed": 0, "skipped": 0}
    assert send(root, "resend").sent == 3
    assert len({r.headers["idempotency-key"] for r in server.requests}) == 1
    assert set(server.deliveries.values()) == {1} and len(server.deliveries) == 3


def test_a_resend_batch_posted_25_hours_ago_is_held_not_posted_again(
    server, tmp_path, monkeypatch
) -> None:
    # Resend keeps an idempotency key 24 hours: a batch first posted 25 hours ago, replayed
    # under a key it may have forgotten, would go out a second time if it went the first.
    root = make_workspace(tmp_path, provider="resend", server=server, subscribers=3)
    killed_on_its_first_batch(monkeypatch, root, Resend, delivered=True)
    with sqlite3.connect(root / LEDGER_PATH) as ledger:
        ledger.execute("UPDATE batches SET posted_at = ?", (time.time() - 25 * 3600,))
    posted = len(server.requests)
    with pytest.raises(SendError, match="may or may not have been delivered") as held:
        send(root, "resend")
    assert "--resend-in-flight 1" in str(held.value.hint)
    assert len(server.requests) == posted  # no request made
    assert counts(root) == {"pending": 0, "in_flight": 3, "sent": 0, "failed": 0, "skipped": 0}
    assert [b.number for b in send_status(root, "1").in_flight] == [1]


# -- how each provider's partial answers and refusals are told apart ---------------------------


def test_a_resend_refusal_beside_emails_sent_fails_only_its_reader(server, tmp_path) -> None:
    # The domain is named, as in a refusal of what every email shares; but the other emails
    # of the batch went, which they share everything but the reader with: it is the reader's.
    root = make_workspace(tmp_path, provider="resend", server=server, subscribers=3)
    said = "The recipient's domain rejected this email"
    answer = {"data": [{"id": "em-0"}, {"id": "em-2"}], "errors": [{"index": 1, "message": said}]}
    server.queue(Reply(200, answer))
    summary = send(root, "resend")
    assert (summary.sent, summary.failed) == (2, 1)
    ((address, reason),) = send_status(root, "1").failures
    assert address == "reader00002@example.com" and said in reason
    assert counts(root) == {"pending": 0, "in_flight": 0, "sent": 2, "failed": 1, "skipped": 0}


def test_a_resend_200_answering_for_fewer_emails_stays_under_its_key(server, tmp_path) -> None:
    # Two ids for three emails: no telling whose the ids are, nor whether the third went.
    root = make_workspace(
        tmp_path, provider="resend", server=server, subscribers=3, send="retries = 1"
    )
    short = {"data": [{"id": "em-1"}, {"id": "em-2"}], "errors": []}
    server.queue(*[Reply(200, short, deliver=True)] * 2)
    with pytest.raises(SendError) as caught:
        send(root, "resend", sleep=lambda seconds: None)
    assert "Resend answered for 2 of 3 emails" in caught.value.message, caught.value.message
    assert "batch 1 again under its idempotency key" in caught.value.hint
    assert counts(root) == {"pending": 0, "in_flight": 3, "sent": 0, "failed": 0, "skipped": 0}
    assert send(root, "resend").sent == 3
    assert set(server.deliveries.values()) == {1} and len(server.deliveries) == 3
    assert len({r.headers["idempotency-key"] for r in server.requests}) == 1


@pytest.mark.parametrize(
    "errors",
    [
        [{"field": "personalizations.3.to", "message": "Does not contain a valid address."}],
        [
            {"field": "from", "message": "The from address is not valid."},
            {"field": "personalizations.1.to", "message": "Does not contain a valid address."},
        ],
    ],
    ids=["a-reader-past-the-batch", "the-sender-and-a-reader"],
)
def test_a_sendgrid_400_not_only_about_readers_of_the_batch_is_refused_whole(
    errors, server, tmp_path
) -> None:
    # personalizations.3 of a batch of 3 (0 to 2) is no reader of it; with the sender's field
    # refused too, failing the reader named would leave the request refused for the rest.
    root = make_workspace(tmp_path, provider="sendgrid", server=server, subscribers=3)
    server.queue(Reply(400, {"errors": errors}))
    with pytest.raises(SendError, match="refused the request"):
        send(root, "sendgrid")
    assert len(server.requests) == 1 and not server.deliveries
    assert counts(root) == {"pending": 3, "in_flight": 0, "sent": 0, "failed": 0, "skipped": 0}


def test_a_sendgrid_403_about_the_sender_identity_points_to_the_sender(server, tmp_path) -> None:
    # The key was taken; the From is not a verified sender: not a refused key.
    from dopemail.errors import ProviderAuthError

    root = make_workspace(tmp_path, provider="sendgrid", server=server, subscribers=3)
    said = "The from address does not match a verified Sender Identity."
    server.queue(Reply(403, {"errors": [{"message": said, "field": "from"}]}))
    with pytest.raises(SendError) as caught:
        send(root, "sendgrid")
    assert not isinstance(caught.value, ProviderAuthError)
    assert said in caught.value.message and "[sender]" in str(caught.value.hint)
    assert "DOPEMAIL_SENDGRID_API_KEY" not in str(caught.value.hint)


def test_a_reader_left_out_of_a_batch_sent_again_stays_skipped_when_it_is_marked_sent(
    server, tmp_path
) -> None:
    # Batch 1 went unanswered; reader 2 unsubscribed; the batch, sent again without them,
    # went unanswered too. Marked sent, it is its nine posted readers, not the one left out.
    root = postmark_workspace(server, tmp_path)
    server.queue(Reply(200, [], delay=0.8))
    with pytest.raises(SendError, match="may or may not have delivered batch 1"):
        send(root, "postmark")
    rows = readers(30)
    rows[1] = (rows[1][0], "", "unsubscribed", "", "")
    write_subscribers(root, rows)
    server.queue(Reply(200, [], delay=0.8))
    with pytest.raises(SendError, match="may or may not have delivered batch 1"):
        send(root, "postmark", SendOptions(yes=True, resend_in_flight=True))
    assert counts(root)["in_flight"] == 9 and counts(root)["skipped"] == 1
    summary = send(root, "postmark", SendOptions(yes=True, mark_in_flight_sent=True))
    assert summary.sent == 20
    assert counts(root) == {"pending": 0, "in_flight": 0, "sent": 29, "failed": 0, "skipped": 1}
    db = sqlite3.connect(root / LEDGER_PATH)
    ((state,),) = db.execute(
        "SELECT state FROM recipients WHERE email = 'reader00002@example.com'"
    ).fetchall()
    assert state == "skipped"
