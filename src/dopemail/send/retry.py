"""When to try a batch again, and how fast to send at all.

Retries use exponential backoff with full jitter (a random delay between 0 and
``backoff * 2**attempt``, at most ``backoff_max``), never less than what the provider asked
for (``Retry-After``, SendGrid's reset time, Mailgun's "try again after N seconds"). A wait
longer than ``max_wait`` is not waited out: the send stops and resumes when run again.
Every wait goes through ``wait``, which a stop (Ctrl-C, SIGTERM) cuts short, and ``ready`` is
asked before every attempt: once a stop is asked, no request is started.

An *ambiguous* failure (the request may have arrived) is retried only when the provider makes
that safe (idempotency keys); otherwise the batch is left in flight and the send stops.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from .providers.base import Transient

T = TypeVar("T")


@dataclass(frozen=True)
class Backoff:
    """The retry policy (``[send] retries``, ``backoff``, ``backoff_max``, ``max_wait``)."""

    retries: int = 6
    base: float = 1.0
    cap: float = 60.0
    max_wait: float = 900.0

    def delay(self, attempt: int, asked: float | None, rng: random.Random) -> float:
        """Seconds before retry number ``attempt + 1``: jittered, never below ``asked``."""
        jittered = rng.uniform(0, min(self.cap, self.base * 2**attempt))
        return max(asked or 0.0, jittered)


class GaveUp(Exception):
    """Retries are used up (or the provider asked for too long a wait)."""

    def __init__(self, last: Transient, wait: float | None = None) -> None:
        super().__init__(last.reason)
        self.last = last
        self.wait = wait


class Stopped(Exception):
    """A stop was asked before the next attempt: no request of it was started.

    ``last`` is the failure that attempt would have retried (None: it was the first).
    """

    def __init__(self, last: Transient | None) -> None:
        super().__init__(last.reason if last else "stopped before it was posted")
        self.last = last


class Unsafe(Exception):
    """An ambiguous failure that only an idempotency key would make safe to retry."""

    def __init__(self, last: Transient) -> None:
        super().__init__(last.reason)
        self.last = last


@dataclass
class Attempts:
    """What the retry loop saw, for the caller to decide a batch's fate afterwards."""

    count: int = 0
    ambiguous: bool = False
    reasons: list[str] = field(default_factory=list)
    #: A request may be on its way, or have arrived unrecorded: from right before an attempt
    #: until the provider refuses it (429, 5xx...) or it could not be sent.
    posting: bool = False
    #: Held while deciding to post and setting ``posting``, so that whoever reads ``posting``
    #: after stopping knows no request will start later.
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)


def _sleep(seconds: float) -> bool:
    time.sleep(seconds)
    return False


def with_retries(
    call: Callable[[], T],
    backoff: Backoff,
    *,
    safe_to_repeat: bool,
    attempts: Attempts,
    still_safe: Callable[[], bool] = lambda: True,
    wait: Callable[[float], bool] = _sleep,
    ready: Callable[[], bool] = lambda: True,
    stopping: Callable[[], bool] = lambda: False,
    on_retry: Callable[[Transient, int, float], None] | None = None,
    rng: random.Random | None = None,
) -> T:
    """``call()``, retried on :class:`Transient` as the policy allows.

    ``wait(seconds)`` returns True when a stop cut the wait short; ``ready()`` may wait too
    (for the rate limit), and returns False when a stop cut that short; ``stopping()`` is
    asked right before each attempt: once it says so, no request is started.
    ``still_safe()`` is asked before each post of a batch that may have arrived already (an
    attempt of this call, or of an earlier run: ``attempts.ambiguous``; ``safe_to_repeat``
    said so when it was first posted, and the provider's key for it may be forgotten since,
    after long waits): when it says no, the batch is left in doubt.
    """
    rng = rng or random.Random()
    last: Transient | None = None
    while True:
        if not ready():
            raise Stopped(last)
        with attempts.lock:
            if stopping():
                raise Stopped(last)
            if attempts.ambiguous and not still_safe():
                # Also before a replay's first post (a batch left in flight, ambiguous from
                # the start), which may have waited behind others since the run began.
                raise Unsafe(last or Transient("its key may be forgotten", ambiguous=True))
            attempts.posting = True
        attempts.count += 1
        try:
            return call()
        except Transient as exc:
            last = exc
            # A 500 is taken at its word only where doubting it would cost a second copy.
            ambiguous = exc.ambiguous or (exc.doubtful and safe_to_repeat)
            if not ambiguous:  # refused, or never sent: it did not arrive
                with attempts.lock:
                    attempts.posting = False
            attempts.ambiguous |= ambiguous
            attempts.reasons.append(exc.reason)
            if exc.ambiguous and not safe_to_repeat:
                raise Unsafe(exc) from None
            if attempts.count > backoff.retries:
                raise GaveUp(exc) from None
            delay = backoff.delay(attempts.count - 1, exc.delay, rng)
            if delay > backoff.max_wait:
                raise GaveUp(exc, delay) from None
            if stopping():
                raise Stopped(exc) from None
            if on_retry:
                on_retry(exc, attempts.count, delay)
            if wait(delay):
                raise Stopped(exc) from None


#: Requests are spaced this much wider than the limit allows: a provider counting them in a
#: sliding window sees them when they arrive, and one that took longer than the next would
#: otherwise make two fall in the same second.
PACE_MARGIN = 1.1


class TokenBucket:
    """At most ``rate`` requests a second (0: no limit), shared by the worker threads.

    The bucket holds one token: no burst, since a burst at the end of one second and another
    at the start of the next fall in the same second of a sliding window. Each request,
    a retry too, takes a token right before it starts.
    """

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.interval = PACE_MARGIN / rate if rate > 0 else 0.0
        self.clock = clock
        self._next = 0.0
        self._lock = threading.Lock()

    def reserve(self) -> float:
        """Take the next token: seconds to wait before the request may start (0: now).

        A token taken and not used (a stop during the wait) is lost, which only slows the
        requests after it."""
        if self.rate <= 0:
            return 0.0
        with self._lock:
            now = self.clock()
            at = max(now, self._next)
            self._next = at + self.interval
            return at - now


class RateLimiter:
    """At most ``rate`` messages per second (0: no cap), counted per batch."""

    def __init__(
        self,
        rate: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.rate = rate
        self.clock = clock
        self.sleep = sleep
        self._next = 0.0

    def wait(self, count: int) -> float:
        """Sleep until ``count`` more messages may go; returns the seconds slept."""
        slept = self.ready_in()
        if slept > 0:
            self.sleep(slept)
        self.take(count)
        return slept

    def ready_in(self) -> float:
        """Seconds until the next batch may go (0: now)."""
        if self.rate <= 0:
            return 0.0
        return max(0.0, self._next - self.clock())

    def take(self, count: int) -> None:
        """``count`` messages go now (or at the earliest time they may)."""
        if self.rate > 0:
            self._next = max(self.clock(), self._next) + count / self.rate
