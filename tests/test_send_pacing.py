"""The provider's rate limit (requests a second) is kept by pacing, not found out by 429s."""

from __future__ import annotations

import io
import time

import pytest
from rich.console import Console
from sendserver import KEY, env, make_workspace

from dopemail.send.loopback import Faults, LoopbackServer
from dopemail.send.report import Reporter
from dopemail.send.run import SendOptions, send_issue


def quiet() -> Reporter:
    return Reporter(Console(file=io.StringIO(), width=200), progress=False)


def test_a_resend_send_keeps_to_two_requests_a_second_without_a_429(tmp_path) -> None:
    # Resend's documented default: 2 requests a second. Two batches at a time (its default
    # concurrency) used to make half the requests 429s on a server that enforces it.
    with LoopbackServer(key=KEY, rps=2) as server:
        root = make_workspace(
            tmp_path, provider="resend", server=server, subscribers=300, send="batch_size = 30"
        )
        started = time.monotonic()
        summary = send_issue(root, "1", SendOptions(yes=True), env=env("resend"), reporter=quiet())
        took = time.monotonic() - started
    assert server.answers[429] == 0 and len(server.requests) == 10
    assert summary.sent == 300 and len(server.deliveries) == 300
    assert set(server.deliveries.values()) == {1}
    assert took > 9 * 0.5  # ten requests, each 1/2 s after the one before


def test_retries_take_their_token_too(tmp_path) -> None:
    # A 500 is retried after a millisecond's backoff: right away, it would be one request too
    # many in its second.
    faults = Faults(server_error=0.4, seed=3)
    with LoopbackServer(key=KEY, rps=2, faults=faults) as server:
        root = make_workspace(
            tmp_path, provider="resend", server=server, subscribers=120, send="batch_size = 20"
        )
        summary = send_issue(root, "1", SendOptions(yes=True), env=env("resend"), reporter=quiet())
    assert server.answers[500] > 0 and server.answers[429] == 0
    assert summary.sent == 120 and set(server.deliveries.values()) == {1}


def test_the_setting_overrides_the_documented_limit(tmp_path) -> None:
    with LoopbackServer(key=KEY) as server:
        root = make_workspace(
            tmp_path,
            provider="resend",
            server=server,
            subscribers=100,
            send="batch_size = 10",
        )
        with (root / "dopemail.toml").open("a") as config:
            config.write("requests_per_second = 0\n")  # in [send.resend], the last table
        started = time.monotonic()
        summary = send_issue(root, "1", SendOptions(yes=True), env=env("resend"), reporter=quiet())
        took = time.monotonic() - started
    assert summary.sent == 100 and len(server.requests) == 10
    assert took < 3  # paced at Resend's 2 a second, ten requests take 5 s


def test_the_bucket_spaces_requests_shared_by_threads() -> None:
    from dopemail.send.retry import TokenBucket

    now = [10.0]
    bucket = TokenBucket(2, clock=lambda: now[0])
    waits = [bucket.reserve() for _ in range(4)]  # four threads at once
    assert waits == pytest.approx([0, bucket.interval, 2 * bucket.interval, 3 * bucket.interval])
    assert bucket.interval > 0.5  # a little under the limit: arrivals jitter
    now[0] += 60  # idle for a minute: still no burst
    assert bucket.reserve() == 0.0 and bucket.reserve() == pytest.approx(bucket.interval)
    assert TokenBucket(0).reserve() == 0.0
