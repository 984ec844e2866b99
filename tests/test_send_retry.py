"""The retry policy and the rate cap, with a fake clock."""

from __future__ import annotations

import random

import pytest

from dopemail.send.providers.base import Transient, retry_after_seconds
from dopemail.send.retry import (
    Attempts,
    Backoff,
    GaveUp,
    RateLimiter,
    Stopped,
    Unsafe,
    with_retries,
)


def failing(*errors: Exception, result: str = "ok"):
    queue = list(errors)

    def call() -> str:
        if queue:
            raise queue.pop(0)
        return result

    return call


def test_delays_grow_exponentially_with_full_jitter_and_a_cap() -> None:
    policy, rng = Backoff(retries=10, base=1.0, cap=8.0), random.Random(1)
    for attempt in range(8):
        delays = [policy.delay(attempt, None, rng) for _ in range(200)]
        assert min(delays) >= 0 and max(delays) <= min(8.0, 2**attempt)
        assert len(set(delays)) > 100  # jittered, so retries from many senders spread out
    assert policy.delay(0, 30.0, rng) == 30.0  # never sooner than the provider asked


def test_transient_failures_are_retried_then_given_up() -> None:
    slept: list[float] = []
    attempts = Attempts()
    call = failing(Transient("429", delay=2.0), Transient("500"))
    assert (
        with_retries(
            call,
            Backoff(retries=3, base=0.1),
            safe_to_repeat=False,
            attempts=attempts,
            wait=lambda s: bool(slept.append(s)),
        )
        == "ok"
    )
    assert attempts.count == 3 and slept[0] == 2.0 and slept[1] <= 0.2
    with pytest.raises(GaveUp, match="500"):
        with_retries(
            failing(*[Transient("500")] * 5),
            Backoff(retries=2),
            safe_to_repeat=True,
            attempts=Attempts(),
            wait=lambda s: False,
        )


def test_an_ambiguous_failure_is_retried_only_when_safe() -> None:
    lost = Transient("timed out", ambiguous=True)
    with pytest.raises(Unsafe):
        with_retries(
            failing(lost),
            Backoff(),
            safe_to_repeat=False,
            attempts=Attempts(),
            wait=lambda s: False,
        )
    attempts = Attempts()
    assert (
        with_retries(
            failing(lost),
            Backoff(base=0),
            safe_to_repeat=True,
            attempts=attempts,
            wait=lambda s: False,
        )
        == "ok"
    )
    assert attempts.ambiguous


def test_a_key_the_provider_may_have_forgotten_is_not_posted_again() -> None:
    # Safe when first posted, but the waits took the key past its window (Resend keeps a key
    # 24 hours): posted again, a batch that did arrive would arrive twice.
    clock = [0.0]

    def waiting(seconds: float) -> bool:
        clock[0] += seconds
        return False

    def run(*errors: Exception) -> str:
        clock[0] = 0.0
        return with_retries(
            failing(*errors),
            Backoff(),
            safe_to_repeat=True,
            still_safe=lambda: clock[0] < 1000,  # past it after two waits of 600 s
            attempts=attempts,
            wait=waiting,
        )

    lost = Transient("timed out", delay=600, ambiguous=True)
    attempts = Attempts()
    with pytest.raises(Unsafe):
        run(lost, lost)
    assert attempts.count == 2  # posted again once, while the key was kept; not after
    # A batch left in flight by an earlier run (ambiguous from the start) is checked before
    # its first post too: it may have waited behind others since the run began.
    calls: list[int] = []
    left = Attempts()
    left.ambiguous = True
    with pytest.raises(Unsafe):
        with_retries(
            lambda: calls.append(1),
            Backoff(),
            safe_to_repeat=True,
            still_safe=lambda: False,
            attempts=left,
            wait=waiting,
        )
    assert calls == []
    # A failure that surely did not arrive is posted again whatever the key's age.
    refused = Transient("503 unavailable", delay=600)
    attempts = Attempts()
    assert run(refused, refused) == "ok" and attempts.count == 3


def test_a_wait_beyond_max_wait_gives_up_at_once() -> None:
    with pytest.raises(GaveUp) as caught:
        with_retries(
            failing(Transient("429", delay=4000)),
            Backoff(max_wait=900),
            safe_to_repeat=True,
            attempts=Attempts(),
            wait=lambda s: pytest.fail("must not wait"),
        )
    assert caught.value.wait == 4000


def test_a_stop_ends_the_wait_and_no_attempt_follows() -> None:
    calls: list[int] = []

    def refused() -> str:
        calls.append(1)
        raise Transient("429", delay=40.0)

    attempts = Attempts()
    with pytest.raises(Stopped) as caught:  # the wait was cut short by a stop
        with_retries(
            refused, Backoff(), safe_to_repeat=False, attempts=attempts, wait=lambda s: True
        )
    assert calls == [1] and caught.value.last is not None and not attempts.posting
    with pytest.raises(Stopped) as caught:  # asked before the first attempt: nothing is posted
        with_retries(
            refused, Backoff(), safe_to_repeat=True, attempts=Attempts(), stopping=lambda: True
        )
    assert calls == [1] and caught.value.last is None


def test_retry_after_reads_seconds_and_http_dates() -> None:
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:07 GMT", now=1445412480.0) == 7.0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


def test_the_rate_limiter_spaces_batches() -> None:
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    limiter = RateLimiter(50, clock=lambda: now[0], sleep=sleep)
    for _ in range(4):
        limiter.wait(100)  # 100 messages at 50/s: 2 s apart
    assert slept == [2.0, 2.0, 2.0]
    assert RateLimiter(0, sleep=sleep).wait(10_000) == 0.0
