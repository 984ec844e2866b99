"""Exactly once, the hard way: real ``dopemail send`` processes killed with SIGKILL at random
moments while a loopback provider answers with random 429s, 500s, stalls and lost answers."""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sendserver import KEY, env, make_workspace

from dopemail.send.ledger import LEDGER_PATH, Ledger
from dopemail.send.loopback import Faults, LoopbackServer, Recorded

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")


def environ(provider: str) -> dict[str, str]:
    return {**os.environ, **env(provider)}


def start(root: Path, *args: str, provider: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "dopemail", "send", "1", "--yes", "--no-progress"]
    return subprocess.Popen(
        [*command, *args, "--root", str(root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environ(provider),
    )


def finish(process: subprocess.Popen[str], timeout: float = 60) -> tuple[int, str]:
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out + err


def ledger_counts(root: Path) -> dict[str, int]:
    with Ledger(root / LEDGER_PATH) as ledger:
        return ledger.counts(1)


@pytest.fixture
def flaky() -> Iterator[LoopbackServer]:
    faults = Faults(
        rate_limit=0.08,
        server_error=0.08,
        stall=0.03,
        lost_answer=0.05,
        stall_seconds=0.5,
        retry_after=0,
        seed=20240119,
    )
    with LoopbackServer(key=KEY, faults=faults, record=False) as server:
        yield server


@pytest.mark.parametrize("concurrency", [None, 8], ids=["default", "eight-at-once"])
def test_ten_thousand_readers_each_get_one_copy_through_kills_and_faults(
    flaky: LoopbackServer, tmp_path: Path, concurrency: int | None
) -> None:
    """Resend-like: idempotency keys make the replay of every in-flight batch harmless, however
    many batches a kill leaves in flight."""
    root = make_workspace(
        tmp_path,
        provider="resend",
        server=flaky,
        subscribers=10_000,
        timeout=0.25,
        send="retries = 30" + (f"\nconcurrency = {concurrency}" if concurrency else ""),
    )
    with (root / "dopemail.toml").open("a") as config:
        # In [send.resend], the last table: paced to 2 requests a second, the batches would
        # go one by one, and a kill would never find several in flight.
        config.write("requests_per_second = 0\n")
    chance = random.Random(7)
    kills, left_in_flight, most_in_flight = 0, 0, 0
    for _ in range(5):
        # Kill after a random number of deliveries (whatever the machine's speed), at a random
        # moment within a request.
        target = flaky.delivered() + chance.randint(300, 1500)
        process = start(root, provider="resend")
        deadline = time.monotonic() + 30
        while flaky.delivered() < target and process.poll() is None:
            assert time.monotonic() < deadline, finish(process)[1]
            time.sleep(0.002)
        time.sleep(chance.uniform(0, 0.03))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.wait(timeout=30)
        in_flight = ledger_counts(root)["in_flight"]
        left_in_flight += in_flight > 0
        most_in_flight = max(most_in_flight, in_flight)
    assert kills == 5
    # Most kills land mid-request: the replay of an in-flight batch is what is tested here.
    assert left_in_flight >= 1, f"{kills} kills, none during a request"
    if concurrency:  # and with several batches at once, several are replayed together
        assert most_in_flight > 2 * 100, most_in_flight
    killed_midway = ledger_counts(root)
    assert 0 < killed_midway["sent"] < 10_000
    for _ in range(6):  # runs may stop on their own (retries used up): run again
        code, output = finish(start(root, provider="resend"))
        if code == 0:
            break
        assert "resumes where it stopped" in output, output
    assert code == 0, output
    assert ledger_counts(root) == {
        "pending": 0,
        "in_flight": 0,
        "sent": 10_000,
        "failed": 0,
        "skipped": 0,
    }
    assert len(flaky.deliveries) == 10_000
    assert set(flaky.deliveries.values()) == {1}, "someone got the issue twice"
    # The faults did happen.
    assert flaky.answers[429] and flaky.answers[500]


def test_a_killed_send_to_a_provider_without_idempotency_reports_its_batch(
    tmp_path: Path,
) -> None:
    """Postmark-like: no idempotency key, so the batch whose answer died with the process is
    reported, and the editor's --mark-in-flight-sent settles it; nobody gets two copies."""
    with LoopbackServer(key=KEY) as server:
        root = make_workspace(
            tmp_path,
            provider="postmark",
            server=server,
            subscribers=300,
            send="batch_size = 50\nconcurrency = 1",
        )
        arrived, release = threading.Event(), threading.Event()
        seen = {"n": 0}

        def hold_third_answer(request: Recorded) -> None:
            seen["n"] += 1
            if seen["n"] == 3:
                arrived.set()  # batch 3 is delivered; its answer waits
                release.wait(10)

        server.on_delivered = hold_third_answer
        process = start(root, provider="postmark")
        assert arrived.wait(30), finish(process)[1]
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        release.set()
        server.on_delivered = None
        assert ledger_counts(root)["in_flight"] == 50

        code, output = finish(start(root, provider="postmark"))
        assert code == 1
        assert "1 batch (50 recipients) may or may not have been delivered" in output
        assert "batch 3 (50 recipients: reader00101@example.com" in output
        assert "--mark-in-flight-sent" in output and "Traceback" not in output
        assert len(server.deliveries) == 150  # the second run posted nothing

        status = subprocess.run(
            [sys.executable, "-m", "dopemail", "status", "1", "--root", str(root)],
            capture_output=True,
            text=True,
            env=environ("postmark"),
            timeout=30,
        )
        assert "in flight 50" in status.stdout and "batch 3 in flight" in status.stdout

        code, output = finish(start(root, "--mark-in-flight-sent", provider="postmark"))
        assert code == 0, output
        assert "batch 3: 50 recipients marked sent" in output
        assert len(server.deliveries) == 300 and set(server.deliveries.values()) == {1}
        assert ledger_counts(root)["sent"] == 300


def test_a_kill_with_several_batches_in_flight_leaves_exactly_those_to_settle(
    tmp_path: Path,
) -> None:
    """Postmark-like, four batches at a time: a kill while four requests wait for their answers
    leaves those four in flight, and nothing else; settling them mails nobody twice."""
    with LoopbackServer(key=KEY) as server:
        root = make_workspace(
            tmp_path,
            provider="postmark",
            server=server,
            subscribers=300,
            send="batch_size = 50\nconcurrency = 4",
        )
        four, release = threading.Barrier(5), threading.Event()
        seen = {"n": 0}

        def hold_answers_after_the_first(request: Recorded) -> None:
            seen["n"] += 1
            if seen["n"] > 1:  # batch 1 goes alone; then four at once: all delivered, unanswered
                with contextlib.suppress(threading.BrokenBarrierError):
                    four.wait(10)
                release.wait(10)

        server.on_delivered = hold_answers_after_the_first
        process = start(root, provider="postmark")
        four.wait(30)  # the four requests have arrived
        time.sleep(0.05)  # a fifth would have arrived by now, if the window let it
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        release.set()
        server.on_delivered = None
        assert ledger_counts(root)["in_flight"] == 200 and ledger_counts(root)["sent"] == 50
        assert len(server.deliveries) == 250 and len(server.requests) == 5

        code, output = finish(start(root, provider="postmark"))
        assert code == 1, output
        assert "4 batches (200 recipients) may or may not have been delivered" in output
        for number in (2, 3, 4, 5):
            assert f"batch {number} (50 recipients: " in output
        assert len(server.requests) == 5  # the second run posted nothing

        code, output = finish(start(root, "--mark-in-flight-sent", provider="postmark"))
        assert code == 0, output
        assert output.count("50 recipients marked sent") == 4
        assert len(server.deliveries) == 300 and set(server.deliveries.values()) == {1}
        assert ledger_counts(root)["sent"] == 300


def test_a_client_hanging_up_is_no_fault_the_loopback_server_prints(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # A send stopped mid-answer made socketserver print "Exception occurred during
    # processing of request" and a traceback in the middle of the sender's output.
    server = LoopbackServer()
    try:
        for error in (ConnectionResetError(104, "reset"), BrokenPipeError(32, "pipe")):
            try:
                raise error
            except ConnectionError:
                server._server.handle_error(None, ("127.0.0.1", 1))
        assert capsys.readouterr().err == ""
        try:
            raise ValueError("a fault of the server's own")
        except ValueError:
            server._server.handle_error(None, ("127.0.0.1", 1))
        assert "ValueError: a fault of the server's own" in capsys.readouterr().err
    finally:
        server._server.server_close()
