"""Stopping a real ``dopemail send`` process (SIGTERM, Ctrl-C) while it waits to retry: it stops
at once, posts nothing more, and leaves the refused batch pending, not in flight."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sendserver import KEY, env, make_workspace

from dopemail.cli import cli
from dopemail.send.loopback import LoopbackServer, Reply

#: How long a stopped send may take to exit: the wait it was in is 40 s or more.
PROMPT = 5.0


@contextlib.contextmanager
def _reaped(process: subprocess.Popen[str]) -> Iterator[subprocess.Popen[str]]:
    """``process``, killed and reaped on the way out if a check failed before it ended."""
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer(key=KEY) as running:
        yield running


def start_send(root: Path, provider: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "dopemail", "send", "1", "--yes", "--no-progress"]
        + ["--root", str(root)],
        env={**os.environ, **env(provider)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_for_requests(server: LoopbackServer, count: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 20
    while len(server.requests) < count:
        assert process.poll() is None, process.communicate()[0]
        assert time.monotonic() < deadline, "the send never reached the loopback server"
        time.sleep(0.02)


def ledger_states(root: Path) -> dict[str, int]:
    with sqlite3.connect(root / ".dopemail" / "sends.sqlite") as db:
        rows = db.execute("SELECT state, COUNT(*) FROM recipients GROUP BY state").fetchall()
        batches = db.execute("SELECT COUNT(*) FROM batches WHERE state = 'in_flight'").fetchone()
    db.close()
    return {**dict(rows), "batches in flight": batches[0]}


def status(root: Path) -> str:
    result = CliRunner().invoke(cli, ["status", "1", "--root", str(root)], env=env())
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_during_a_retry_after_wait_ends_it_and_posts_nothing_more(
    server, tmp_path, signum
) -> None:
    root = make_workspace(tmp_path, provider="resend", server=server, subscribers=5)
    server.queue(Reply(429, {"name": "rate_limit_exceeded"}, {"Retry-After": "40"}))
    with _reaped(start_send(root, "resend")) as process:
        wait_for_requests(server, 1, process)
        time.sleep(1.5)  # well into the 40 s the provider asked for
        seen = len(server.requests)
        asked = time.monotonic()
        process.send_signal(signum)
        output, _ = process.communicate(timeout=PROMPT)
        took = time.monotonic() - asked
    assert took < PROMPT and process.returncode == 130, output
    assert seen == 1 and len(server.requests) == 1, "a request was started after the stop"
    assert not server.deliveries
    assert ledger_states(root) == {"pending": 5, "batches in flight": 0}
    assert "sent 0 · failed 0 · pending 5 · in flight 0" in status(root)


@pytest.mark.parametrize("gap", [0.0, 0.05])
def test_a_second_sigterm_during_a_rate_limit_reset_wait_leaves_the_batch_pending(
    server, tmp_path, gap
) -> None:
    # SendGrid has no idempotency key: a batch left in flight would stop the next run until
    # the editor looked it up by hand, though SendGrid refused it.
    root = make_workspace(tmp_path, provider="sendgrid", server=server, subscribers=5)
    reset = str(int(time.time()) + 60)
    server.queue(Reply(429, {"errors": [{"message": "too many"}]}, {"X-RateLimit-Reset": reset}))
    with _reaped(start_send(root, "sendgrid")) as process:
        wait_for_requests(server, 1, process)
        time.sleep(1.0)
        asked = time.monotonic()
        process.send_signal(signal.SIGTERM)
        time.sleep(gap)  # (0: both before the first is acted on)
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=PROMPT)
        took = time.monotonic() - asked
    assert took < PROMPT and process.returncode != 0, output
    assert len(server.requests) == 1 and not server.deliveries
    assert ledger_states(root) == {"pending": 5, "batches in flight": 0}
    report = status(root)
    assert "pending 5 · in flight 0" in report and "may or may not" not in report
    # The next run sends it, with no batch to settle by hand.
    process = start_send(root, "sendgrid")
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 0 and "sent 5, failed 0 this run" in output, output
