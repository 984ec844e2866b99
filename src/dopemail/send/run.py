"""The orchestrator: the subscriber list x the ledger x a provider, resumable, exactly once.

``send_issue`` does, in order: read the built issue and settings; pick the provider and its
key; sync the ledger with the subscriber list (skipping and reporting what must not be mailed);
then either print the plan (dry run, the default), send one marked copy (``--test``), or send:
settle the batches a previous run left in flight, then claim, post and record batches (up to
``[send] concurrency`` of them posted at once, by worker threads; the ledger is written by this
thread only), retrying what may be retried, until the queue is empty.

Where a send can stop (crash, ``kill -9``, Ctrl-C, an outage, a refused key) every recipient is
either pending (will be sent), sent or failed (never sent again), or in a batch in flight:
replayed under the same idempotency key where the provider has them (Resend, Buttondown, the
outbox), otherwise reported for the editor to settle with ``--mark-in-flight-sent`` or
``--resend-in-flight``. Ctrl-C lets the batches being posted finish before stopping, so it
leaves nothing in flight; it cuts every wait short (a retry's backoff, a provider's
``Retry-After``), and no request is started after it.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import os
import queue
import random
import signal
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, tzinfo
from email.utils import parseaddr
from pathlib import Path
from types import FrameType
from typing import Literal

import httpx

from ..config import (
    AWS_ENV,
    CONFIG_NAME,
    POSTAL_ADDRESS_HINT,
    SECRET_ENV,
    ProviderSettings,
    Settings,
    config_line,
    load_settings,
    unsubscribe_url_hint,
)
from ..errors import DopemailError, SendError, raise_all
from .current import check_current
from .issue import BuiltIssue, load_issue
from .ledger import (
    LEDGER_PATH,
    InFlight,
    Ledger,
    Started,
    read_counts,
    reported,
    send_lock,
    sending_now,
    sent_count,
)
from .message import UNSUBSCRIBE_SECRET_ENV, Composer, Recipient
from .providers import LIST_HOLDERS, base_url, make_provider, refuse_plain_http, titled
from .providers.base import (
    Batch,
    InDoubt,
    Outcome,
    Provider,
    RecipientRejected,
    Transient,
    requests_started,
)
from .providers.buttondown import LIST_KEY
from .providers.outbox import Outbox, issue_folder
from .report import ProgressBar, Reporter, file_status
from .retry import (
    Attempts,
    Backoff,
    GaveUp,
    RateLimiter,
    Stopped,
    TokenBucket,
    Unsafe,
    with_retries,
)
from .subscribers import (
    Row,
    SkipReport,
    address_key,
    check_address,
    read_subscribers,
    sendable,
)

#: Assumed time of one request, for the dry run's estimate.
REQUEST_SECONDS = 0.5
#: Batches posted at once, unless the provider or ``[send] concurrency`` says otherwise.
DEFAULT_CONCURRENCY = 4
#: An idempotency key is trusted for replays until this long before the provider forgets it.
KEY_MARGIN = 3600.0


@dataclass(frozen=True)
class SendOptions:
    """What ``dopemail send`` was asked to do."""

    yes: bool = False
    test_to: str | None = None
    #: Batches left in flight to post again, or to record as sent: True for all of them,
    #: or the numbers of those the editor looked up (the others stay to settle).
    resend_in_flight: bool | frozenset[int] = False
    mark_in_flight_sent: bool | frozenset[int] = False
    as_built: bool = False  # send the built files even if the sources changed since
    #: The provider or endpoint changed since sending started: what went out before was a
    #: rehearsal (``start_over``: every reader gets the issue), or real (``carry_on``: only
    #: the readers not sent yet).
    start_over: bool = False
    carry_on: bool = False
    #: The caller (the preview) has just found the built files to be what the sources make.
    sources_checked: bool = False


@dataclass
class SendSummary:
    """What a send did (or, for a dry run, would do)."""

    issue: BuiltIssue
    provider: str
    endpoint: str
    mode: Literal["dry-run", "test", "send"]
    queued: int = 0
    already_sent: int = 0
    failed_before: int = 0
    sent: int = 0
    failed: int = 0
    skipped: SkipReport | None = None
    gone: int = 0
    batch_size: int = 0
    batches: int = 0
    concurrency: int = 1
    in_flight: list[InFlight] = field(default_factory=list)
    #: In-flight batches that cannot be replayed safely: the editor must settle them.
    unsettled: list[InFlight] = field(default_factory=list)
    #: In-flight batches a run kept for the editor (its replay refused): posted again first
    #: unless settled, and likely refused again.
    held: list[InFlight] = field(default_factory=list)
    estimate: float = 0.0
    stopped: bool = False
    test_id: str | None = None
    holds_list: bool = False
    #: Why the built files are not what the issue's sources make now ("": they are).
    stale: str = ""
    #: The provider or endpoint changed since sending started, and no flag says what to do.
    provider_change: SendError | None = None
    #: Another ``dopemail send --yes`` is running (a dry run's only: a send takes the lock).
    running: bool = False
    #: Whether the provider counts opens and clicks, in words ("": the outbox, no provider).
    tracking: str = ""
    #: How the requests are paced, in words ("": not at all).
    pace: str = ""

    def outbox_folder(self, test: bool = False) -> str | None:
        """Where the outbox wrote (or writes) this issue's messages; None for a provider."""
        if self.provider != "outbox":
            return None
        return issue_folder(self.endpoint, self.issue.issue_id, test).as_posix() + "/"


def where(provider: str, endpoint: str | None, issue_id: str) -> str:
    """``outbox (files in outbox/12-slug/)`` or ``postmark (https://api.postmarkapp.com)``."""
    if endpoint is None:
        return f"{provider} (its address was not recorded)"
    if provider == "outbox":
        return f"outbox (files in {issue_folder(endpoint, issue_id).as_posix()}/)"
    return f"{provider} ({endpoint})"


def tracking_words(settings: Settings, provider: Provider) -> str:
    """Whether ``provider`` counts opens and clicks, as the dry run says it: ``[send]
    tracking = "off"`` is asked of each request where the API takes it, and only there."""
    if provider.name == "outbox":
        return ""
    if settings.send.tracking == "account":
        return 'as the account\'s settings say ([send] tracking = "account")'
    if not provider.tracking_switch:
        return (
            f"as the account's settings say: {titled(provider.name)} takes no switch per message "
            "(turn click and open tracking off in its dashboard)"
        )
    return "off, asked of each request ([send] tracking)"


def endpoint_of(settings: Settings, provider: str) -> str:
    """The provider's base_url (the outbox's folder) as the ledger records it."""
    return base_url(settings, provider).rstrip("/")


def recipient_for_test(address: str) -> tuple[str, str]:
    """The name and address of ``--test ADDRESS`` ('ed@example.com', or as a mail program
    writes it, 'Zoé Lefèvre <zoe@example.com>'); SendError if it is no address."""
    name, written = "", address
    if "<" in address:
        name, written = parseaddr(address)
    try:
        if not written:
            raise ValueError("write it as you@example.com or Your Name <you@example.com>")
        return name, check_address(written)
    except ValueError as exc:
        raise SendError(f"--test {address}: not a valid address ({exc})") from None


def send_issue(
    root: Path,
    ref: str,
    options: SendOptions | None = None,
    *,
    client: httpx.Client | None = None,
    env: Mapping[str, str] | None = None,
    reporter: Reporter | None = None,
    sleep: Callable[[float], None] | None = None,
    rng: random.Random | None = None,
) -> SendSummary:
    """Send issue ``ref`` (a dry run unless ``options.yes``); see the module docstring.

    ``sleep`` replaces the retries' waits (tests); by default they wait on the run's stop, so
    that Ctrl-C ends them at once.
    """
    options = options or SendOptions()
    # A mistyped --test address is the one thing said, before the settings and the issue.
    tested = recipient_for_test(options.test_to) if options.test_to else None
    env = os.environ if env is None else env
    reporter = reporter or Reporter()
    settings = load_settings(root)
    issue = load_issue(root, ref)
    if options.yes and not options.test_to:
        # First: a draft or an issue built as sent is refused whatever changed since, and its
        # hint is the one that applies ("run dopemail build to record" a status it recorded).
        _refuse_by_status(root, issue)
    stale = "" if options.sources_checked else _check_current(root, issue, options, reporter)
    dry_run = not (options.yes or options.test_to)
    if not options.test_to:
        _say_if_dated_later(issue, reporter, settings.publication.zone, dry_run)
    if dry_run:
        _say_if_no_key(settings, env, reporter)
        try:
            refuse_plain_http(settings, root, settings.send.provider)
        except SendError as exc:  # a dry run posts nothing: the plan, and what --yes refuses
            reporter.warn(
                f"{exc.location()}: {exc.message}; --yes and --test will refuse it: {exc.hint}"
            )
    with contextlib.ExitStack() as stack:
        if client is None:
            client = stack.enter_context(_client())
        provider = make_provider(settings, root, client, env, need_key=not dry_run)
        missing = _sender_settings_missing(root, settings, provider)
        if not dry_run:
            raise_all(missing)
        for exc in missing:  # a dry run posts nothing: the plan, and what --yes refuses
            reporter.warn(
                f"{exc.location()}: {exc.message}; --yes and --test will refuse it: {exc.hint}"
            )
        composer = Composer(
            issue,
            settings.sender,
            _secret(provider, settings, env, reporter, dry_run=dry_run),
            test=bool(options.test_to),
        )
        for warning in composer.warnings:
            reporter.warn(warning)
        run = _Run(root, settings, issue, provider, composer, options, reporter, sleep, rng)
        if tested is not None:
            return run.test(*tested)
        stack.enter_context(reported(root / LEDGER_PATH, sending=options.yes))
        if options.yes:
            stack.enter_context(send_lock(root))
            ledger = stack.enter_context(Ledger(root / LEDGER_PATH, upgrade=reporter.say))
        else:
            ledger = stack.enter_context(Ledger.dry_run_copy(root / LEDGER_PATH, issue.number))
        summary = run.send(ledger)
        summary.running = not options.yes and sending_now(root)
        summary.stale = stale
        return summary
    raise AssertionError("unreachable")


def _say_if_dated_later(
    issue: BuiltIssue,
    reporter: Reporter,
    zone: tzinfo,
    dry_run: bool,
    now: datetime | None = None,
) -> None:
    """Warn of an issue dated a day still to come (in the publication's ``zone``): the build
    only warns of one (it may be written days before it goes out), but sent today, its page
    and the archive give readers a date still to come. A later hour of the same day is the
    usual morning send, not a mistake. Not said of a draft (refused, for its status) nor of
    a test copy (sent ahead of the day on purpose)."""
    if issue.date is None or issue.status == "draft":
        return
    day = issue.date.date()  # as its page says it
    if day <= (now or datetime.now(UTC)).astimezone(zone).date():
        return
    shown = day.isoformat()
    if dry_run:
        reporter.warn(
            f"issue {issue.issue_id} is dated {shown}, a day still to come: --yes would send "
            f"it today, while its page and the archive say {shown}; correct 'date:' in "
            f"{issue.source} and run dopemail build, or send it on that day"
        )
    else:
        reporter.warn(
            f"issue {issue.issue_id} is dated {shown}, a day still to come: its readers get "
            f"it today, while its page and the archive say {shown} (a wrong date: correct "
            f"'date:' in {issue.source} and run dopemail build)"
        )


def _say_if_no_key(settings: Settings, env: Mapping[str, str], reporter: Reporter) -> None:
    # A dry run posts nothing: it shows the plan before the key is set up, and says what
    # --yes will want (which refuses to start without it, as --test does).
    name = settings.send.provider
    variable = SECRET_ENV.get(name)
    if name == "ses":  # the key's id and its secret
        missing = [v for v in AWS_ENV[:2] if not env.get(v, "").strip()]
        if missing:
            reporter.warn(
                f"no AWS credentials for {titled(name)} yet: --yes and --test will refuse to "
                f"start until the environment variable{'s' * (len(missing) > 1)} "
                f"{' and '.join(missing)} hold{'s' * (len(missing) == 1)} them "
                f"(export {missing[0]}=...)"
            )
        return
    if variable is not None and not env.get(variable, "").strip():
        reporter.warn(
            f"no API key for {titled(name)} yet: --yes and --test will refuse to start until the "
            f"environment variable {variable} holds it (export {variable}=...)"
        )


def _check_current(root: Path, issue: BuiltIssue, options: SendOptions, reporter: Reporter) -> str:
    # Sending an issue in the version before its last edits cannot be taken back either: the
    # built files must be what the sources make now, or the editor says to send them as built.
    found = check_current(root, issue)
    folder = f"site/issues/{issue.issue_id}/"
    if found.unknown:
        reporter.warn(
            f"cannot tell whether issue {issue.issue_id} is what its sources make now "
            f"({found.unknown}): sending what {folder} holds"
        )
        return ""
    if not found.stale:
        return ""
    message = f"issue {issue.issue_id} changed since it was built: {found.stale}"
    if options.as_built:
        reporter.warn(f"{message}; sending the version built in {folder}, as --as-built asks")
        return ""
    if options.yes:
        sent = sent_count(root / LEDGER_PATH, issue.number)
        if found.gone:
            hint = (
                f"restore {found.source} (git checkout, your backup) and send again; "
                "--as-built sends the files as they were built"
            )
        elif found.status == "sent":
            # Marked sent by the editor since the build: the list is not to be mailed.
            hint = (
                f"its file now says 'status: sent': run dopemail build to record it, after "
                f"which it is not sent to the list again (dopemail status {issue.number} shows "
                "who has it)"
            )
        elif sent:
            hint = (
                f"{sent:,} reader{'s' if sent != 1 else ''} already got the built version: "
                "--as-built sends the others that same version; or run dopemail build and "
                "send again to give the others the new one"
            )
        else:
            hint = (
                "run dopemail build (and look at it in dopemail preview), then send again; "
                "--as-built sends the files as they were built"
            )
        raise SendError(message, found.source, None, hint)
    if issue.status in ("draft", "sent"):
        reporter.warn(message)  # refused whatever is built: the plan says why
    else:
        reporter.warn(f"{message}: --yes will refuse it until it is built again (or --as-built)")
    return found.stale


def _refuse_by_status(root: Path, issue: BuiltIssue) -> None:
    """Refuse to send a draft or an issue marked sent to the list (the dry run plans them,
    and says so; --test sends either)."""
    if issue.status == "draft":
        # Built to be previewed and test-sent; sending it to the list is the one mistake the
        # ledger cannot take back.
        now = file_status(root, issue.number)
        if now not in (None, "draft"):  # its file says otherwise: the build is what is old
            raise SendError(
                f"issue {issue.issue_id} was built as a draft, and its file now says "
                f"'status: {now}': it is not sent to the subscribers as built",
                issue.source,
                None,
                f"run dopemail build, then send again (dopemail send {issue.number} shows "
                "what would go out)",
            )
        raise SendError(
            f"issue {issue.issue_id} is a draft: it is not sent to the subscribers",
            issue.source,
            None,
            "set 'status: ready' in its file and run dopemail build, then send again "
            f"(dopemail send {issue.number} --test ADDRESS sends one marked copy of a draft)",
        )
    if issue.status == "sent":
        # Marked sent by the editor: a mistyped number, or a ledger lost (a deleted
        # .dopemail/, another machine), would otherwise mail the whole list again.
        raise SendError(
            f"issue {issue.issue_id} is marked sent: it is not sent to the list again",
            issue.source,
            None,
            _sent_hint(root, issue),
        )


def _sent_hint(root: Path, issue: BuiltIssue) -> str:
    # What 'status: ready' would then do depends on what this ledger knows: the hint must not
    # lead to the second mailing the refusal stops.
    counts = read_counts(root / LEDGER_PATH, issue.number)
    ready = f"set 'status: ready' in {issue.source} and run dopemail build, then send"
    if counts["pending"] or counts["in_flight"]:
        unsettled = counts["pending"] + counts["in_flight"]
        return (
            f"this ledger has {unsettled:,} reader{'s' * (unsettled != 1)} still to send or "
            "settle: it was marked sent "
            f"before it had finished; to finish, {ready} again"
        )
    if counts["sent"] or counts["failed"]:
        return (
            f"this ledger has it sent to {counts['sent']:,} reader{'s' * (counts['sent'] != 1)}; "
            "to mail only those who "
            f"joined the list since, {ready}"
        )
    return (
        "this ledger has no record of sending it (it went out from another copy, or the "
        "ledger was deleted): setting 'status: ready' would mail every reader on the list"
    )


def _client() -> httpx.Client:
    """One client for the whole send: its connections are kept alive and shared by the
    workers. TCP_NODELAY: a request's last bytes go at once, instead of waiting for the
    server to acknowledge the previous ones (up to 40 ms per request, with delayed ACKs)."""
    transport = httpx.HTTPTransport(socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)])
    return httpx.Client(headers={"User-Agent": "dopemail"}, transport=transport)


def _sender_settings_missing(root: Path, settings: Settings, provider: Provider) -> list[SendError]:
    """What a publication's settings leave out that every message needs (a new one's, until
    it has them; the build warns): its postal address, and the page that unsubscribes a
    reader (unless the provider unsubscribes its own). Both told at once."""
    missing = []
    line = config_line(root, ("sender",))
    if not settings.sender.postal_address:
        missing.append(
            SendError(
                "[sender] postal_address is not set: every newsletter must carry the "
                "publication's postal address (the law asks for it)",
                CONFIG_NAME,
                line,
                f"{POSTAL_ADDRESS_HINT}; then build again",
            )
        )
    if not provider.holds_list and not settings.sender.unsubscribe_url:
        missing.append(
            SendError(
                "[sender] unsubscribe_url is not set: every message needs an unsubscribe link",
                CONFIG_NAME,
                line,
                f"{unsubscribe_url_hint(settings)}; then build again",
            )
        )
    return missing


def _secret(
    provider: Provider,
    settings: Settings,
    env: Mapping[str, str],
    reporter: Reporter,
    dry_run: bool = False,
) -> bytes:
    if provider.holds_list:
        return b"unused: the provider unsubscribes its own readers"
    if not settings.sender.unsubscribe_url:  # a dry run's (the others stopped on it)
        return b"dry run: no unsubscribe page, nothing is signed"
    secret = env.get(UNSUBSCRIBE_SECRET_ENV, "")
    if dry_run and secret and (secret != secret.strip() or not secret.isprintable()):
        reporter.warn(
            f"{UNSUBSCRIBE_SECRET_ENV} has spaces, a line break or a control character in it: "
            "--yes and --test will refuse to start until it holds the secret alone"
        )
        return b"dry run: nothing is signed"
    if secret and (secret != secret.strip() or not secret.isprintable()):
        # A line break kept from an env file would sign every link with a secret the
        # unsubscribe page, reading it trimmed, does not have: no one-click unsubscribe would
        # verify. Named, never shown.
        raise SendError(
            f"the environment variable {UNSUBSCRIBE_SECRET_ENV} has spaces, a line break or "
            "a control character in it",
            None,
            None,
            f"export {UNSUBSCRIBE_SECRET_ENV}='...' with the secret alone, the same the "
            "unsubscribe page has",
        )
    if secret:
        return secret.encode("utf-8")
    if provider.name == "outbox":
        reporter.warn(
            f"{UNSUBSCRIBE_SECRET_ENV} is not set: the outbox signs unsubscribe links with a "
            "development secret"
        )
        return b"dopemail-outbox-development-secret"
    if dry_run:  # it signs nothing: said, so that the send itself does not stop on it
        reporter.warn(
            f"{UNSUBSCRIBE_SECRET_ENV} is not set: --yes and --test will refuse to start "
            f"until it is (export {UNSUBSCRIBE_SECRET_ENV}=$(openssl rand -hex 32))"
        )
        return b"dry run: nothing is signed"
    raise SendError(
        f"{UNSUBSCRIBE_SECRET_ENV} is not set: it signs each reader's unsubscribe link",
        None,
        None,
        f"export {UNSUBSCRIBE_SECRET_ENV}=$(openssl rand -hex 32), and give the same secret "
        "to the unsubscribe page",
    )


def batch_key(issue: BuiltIssue, number: int, recipients: Sequence[Recipient]) -> str:
    """The idempotency key of a batch: the issue, the batch number, and who is in it."""
    members = hashlib.sha256("\n".join(r.key for r in recipients).encode("utf-8"))
    return f"dopemail-{issue.number}-batch-{number}-{members.hexdigest()[:16]}"


class _NotPosted(Exception):
    """A batch failed before any of its requests was started (composing it): nothing of it
    reached the provider."""

    def __init__(self, reason: str, hint: str | None = None, folder: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.hint = hint  # what to do, when it is not a bug: a file the system refused
        #: The outbox's folder its files could not be written in (it took back those it had).
        self.folder = folder


#: What adapters and the retry loop raise by design; anything else is a surprise.
_EXPECTED = (Transient, InDoubt, RecipientRejected, GaveUp, Stopped, Unsafe, DopemailError)


class _Stopped(Exception):
    """Ctrl-C (or SIGTERM) asked the send to stop between batches."""


class _KeptInFlight(SendError):
    """A batch left in flight for the editor to settle; the send stops once the batches
    still posted are recorded, with every batch then in flight (``_Run.kept_error``)."""

    def __init__(self, number: int, reason: str) -> None:
        super().__init__(f"batch {number} may or may not have been delivered: {reason}")
        self.number = number
        self.reason = reason


class _GaveUp(SendError):
    """The provider kept failing, or asked to wait too long: run the same command again later.
    Its hint names the batches left in flight for that run to post again under their keys,
    once every batch still posted is recorded (:meth:`_Run.replays_first`)."""

    def __init__(self, message: str, again: str, why: str = "") -> None:
        super().__init__(message, None, None, again + why)
        self.again, self.why = again, why


class StopFlag:
    """Set once, from a signal handler or the loop; the workers' waits end soon after.

    Not a ``threading.Event``: its ``set()`` takes a lock in Python code, and a second Ctrl-C
    landing right after the first's handler took that lock left it taken for good; the loop,
    stopping, then waited for it forever. Here setting is one assignment, and a wait looks
    at the flag every :attr:`STEP` seconds, so nothing a signal interrupts can be left held.
    """

    #: How long a wait may go on after the flag is set.
    STEP = 0.05

    def __init__(self) -> None:
        self._set = False

    def set(self) -> None:
        """Set the flag (safe in a signal handler, and when interrupted by one)."""
        self._set = True

    def is_set(self) -> bool:
        """Whether the flag is set."""
        return self._set

    def wait(self, seconds: float) -> bool:
        """Wait ``seconds``, or until the flag is set; True if it is."""
        deadline = time.monotonic() + seconds
        while not self._set and (left := deadline - time.monotonic()) > 0:
            time.sleep(min(self.STEP, left))
        return self._set


def _batches(numbers: Sequence[int]) -> str:
    """``batch 5``, or ``batches 5, 10 and 15``."""
    if len(numbers) == 1:
        return f"batch {numbers[0]}"
    *head, last = map(str, numbers)
    return f"batches {', '.join(head)} and {last}"


def _wait_words(seconds: float) -> str:
    """``wait 3600 s``; ``Retry-After: inf`` (a wait no run can sit through) in words."""
    return f"wait {seconds:.0f} s" if math.isfinite(seconds) else "wait without limit"


def _first_few(recipients: Sequence[Recipient], shown: int = 3) -> str:
    """The first ``shown`` addresses of ``recipients``, and how many more."""
    few = ", ".join(r.email for r in recipients[:shown])
    more = len(recipients) - shown
    return f"{few} and {more:,} more" if more > 0 else few


def _fatal(result: object) -> bool:
    """A worker's KeyboardInterrupt (or the like): not a provider's answer, a reason to stop."""
    return isinstance(result, BaseException) and not isinstance(result, Exception)


def _way_back(before: Started) -> str:
    """The settings that send an issue on as its earlier sends went."""
    back = f'provider = "{before.provider}"'
    if before.endpoint and before.provider != "outbox":
        back += f" and its base_url {before.endpoint}"
    return back


@dataclass
class _Job:
    """A claimed batch on its way to the provider, and what its attempts saw."""

    number: int
    recipients: list[Recipient]
    key: str | None
    attempts: Attempts = field(default_factory=Attempts)
    #: Members a replay leaves out (they left the list): (key, address, why), skipped once
    #: the replay is answered; until then they stay in flight with their batch.
    left_out: list[tuple[str, str, str]] = field(default_factory=list)
    #: When it was first posted under its key (a replay's, from the ledger).
    posted_at: float = field(default_factory=time.time)


class _Workers:
    """A few daemon threads that post batches; answers come back, in any order, on a queue.

    Daemon threads: a second Ctrl-C ends the process at once, leaving their batches in flight
    (as ``kill -9`` would), instead of waiting for their requests.
    """

    def __init__(self, size: int, work: Callable[[_Job], list[Outcome]]) -> None:
        self.size = size
        self._work = work
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._answers: queue.SimpleQueue[tuple[_Job, list[Outcome] | BaseException]] = (
            queue.SimpleQueue()
        )
        self._threads = [
            threading.Thread(target=self._run, name=f"dopemail-send-{i}", daemon=True)
            for i in range(size)
        ]
        for thread in self._threads:
            thread.start()

    def _run(self) -> None:
        while (job := self._jobs.get()) is not None:
            try:
                answer: list[Outcome] | BaseException = self._work(job)
            except BaseException as exc:  # handed to the main thread, which decides
                answer = exc
            self._answers.put((job, answer))

    def submit(self, job: _Job) -> None:
        """Post ``job`` as soon as a thread is free."""
        self._jobs.put(job)

    def result(
        self, timeout: float | None, tick: Callable[[], None] = lambda: None
    ) -> tuple[_Job, list[Outcome] | BaseException] | None:
        """The next answer, or None after ``timeout`` seconds (None: wait as long as it takes).

        Waits in short steps, so Ctrl-C is handled promptly on every platform; ``tick`` is
        called at each."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            tick()
            step = 0.2 if deadline is None else min(0.2, deadline - time.monotonic())
            if step <= 0:
                return None
            try:
                return self._answers.get(timeout=step)
            except queue.Empty:
                continue

    def ready(self) -> list[tuple[_Job, list[Outcome] | BaseException]]:
        """The answers that came back already (without waiting)."""
        found = []
        while True:
            try:
                found.append(self._answers.get_nowait())
            except queue.Empty:
                return found

    def close(self) -> None:
        """Let the threads end after their current batch (without waiting for them)."""
        for _ in self._threads:
            self._jobs.put(None)


class _Run:
    """One invocation of ``dopemail send``."""

    def __init__(
        self,
        root: Path,
        settings: Settings,
        issue: BuiltIssue,
        provider: Provider,
        composer: Composer,
        options: SendOptions,
        reporter: Reporter,
        sleep: Callable[[float], None] | None,
        rng: random.Random | None,
    ) -> None:
        self.root, self.settings, self.issue = root, settings, issue
        self.provider, self.composer, self.options = provider, composer, options
        self.reporter, self.sleep = reporter, sleep
        self.rng = rng or random.Random()
        send = settings.send
        self.backoff = Backoff(send.retries, send.backoff, send.backoff_max, send.max_wait)
        self.limiter = RateLimiter(send.rate)
        #: The provider's requests a second, taken by the workers before each request.
        self.pacer = TokenBucket(self.requests_per_second())
        self.stopping = False
        #: Batches left in flight by this run, in the order they were kept.
        self.kept: list[_KeptInFlight] = []
        #: Batches left in flight that the editor said never arrived: posted anew.
        self.resent: set[int] = set()
        #: Set by Ctrl-C (or SIGTERM), and when the loop is gone (an error, a second Ctrl-C):
        #: every wait of the workers ends, and they start no request after it.
        self._stop = StopFlag()
        self._announced = False  # "stopping after the current batch" was said
        #: The signal that asked the send to stop, to word how to stop it at once.
        self._signum = signal.SIGINT
        self.summary = SendSummary(
            issue,
            provider.name,
            endpoint_of(settings, provider.name),
            "test" if options.test_to else ("send" if options.yes else "dry-run"),
            holds_list=provider.holds_list,
            tracking=tracking_words(settings, provider),
        )
        self._bar: ProgressBar | None = None

    # -- --test ADDRESS ----------------------------------------------------------------------

    def test(self, name: str, email: str) -> SendSummary:
        """Send one copy, marked as a test, to ``email`` (with ``name``: see
        :func:`recipient_for_test`); the ledger is not touched."""
        letter = self.composer.letter(Recipient(sendable(email), name, address_key(email)))
        batch = Batch(self.composer, [letter])
        try:
            # Retried even after an answer that may have been lost: one copy to the editor's
            # own address, where a second one harms nobody and a test failed by a gateway's
            # hiccup would stop the editor for nothing.
            (outcome,) = self._attempt(batch, attempts := Attempts(), safe=True)
        except GaveUp as exc:
            failed = (
                f"asks to {_wait_words(exc.wait)}"
                if exc.wait is not None
                else f"kept failing after {attempts.count} attempts"
            )
            raise SendError(
                f"the test to {email} was not sent: {titled(self.provider.name)} {failed}: "
                f"{exc.last.reason}",
                None,
                None,
                "run the same command again later",
            ) from None
        except (InDoubt, RecipientRejected) as exc:
            # An answer the API does not give (a sandbox's 200), or a refusal of the address:
            # said as the provider's, not as a traceback.
            raise SendError(
                f"the test to {email} may not have been sent: {exc.reason}",
                None,
                None,
                f"look for it in {titled(self.provider.name)}'s activity log (a sandbox mode "
                "accepts messages it does not deliver), and check the address",
            ) from None
        if outcome.status != "sent":
            raise SendError(
                f"{titled(self.provider.name)} refused the test to {email}: {outcome.error}",
                None,
                None,
                "check the address, and the sender's domain at the provider",
            )
        self.summary.test_id = outcome.message_id
        self.summary.sent = 1
        return self.summary

    # -- the real thing (or its dry run) -----------------------------------------------------

    def send(self, ledger: Ledger) -> SendSummary:
        """Sync the queue, then report the plan (dry run) or send it."""
        self.ledger = ledger
        number, summary = self.issue.number, self.summary
        issue = self.issue
        if not self.provider.holds_list:
            # Before the ledger records a start: a refused send leaves no trace there.
            self._check_someone(self.root / self.settings.send.subscribers, summary.mode)
        before = ledger.start(
            number, issue.issue_id, issue.digest, self.provider.name, summary.endpoint
        )
        if before is not None and before.issue_id != issue.issue_id:
            self._check_same_issue(before.issue_id, ledger.counts(number)["sent"], summary.mode)
        if before is not None:
            self.check_provider(before)
        if before and before.digest != issue.digest and ledger.counts(number)["sent"]:
            self.reporter.warn(
                f"issue {self.issue.issue_id} was rebuilt after sending started: readers "
                "already sent the earlier version will not get this one"
            )
        if self.provider.holds_list:
            ledger.sync_list(number, LIST_KEY, f"{self.provider.name} subscriber list")
        else:
            report_path = None
            if summary.mode == "send":
                report_path = self.root / LEDGER_PATH.parent / f"{self.issue.issue_id}-skipped.csv"
            summary.skipped = SkipReport(report_path)
            path = self.root / self.settings.send.subscribers
            summary.gone = ledger.sync(number, read_subscribers(path), summary.skipped).gone
        counts = ledger.counts(number)
        summary.in_flight = ledger.in_flight(number)
        summary.queued = self._to_send(counts, summary.in_flight)
        summary.already_sent, summary.failed_before = counts["sent"], counts["failed"]
        summary.unsettled = [b for b in summary.in_flight if not self.replayable(b)]
        summary.held = [b for b in summary.in_flight if b.held and self.replayable(b)]
        summary.batch_size = self.batch_size()
        summary.concurrency = self.concurrency()
        new_batches = -(-counts["pending"] // summary.batch_size)
        summary.batches = new_batches + len(summary.in_flight)
        summary.estimate = self.estimate(summary.batches, summary.queued)
        summary.pace = self.pace_words()
        if summary.mode == "dry-run":
            # Batch numbers that are not in flight are said now, not at the --yes.
            self._check_chosen(
                summary.in_flight,
                self.options.mark_in_flight_sent,
                self.options.resend_in_flight,
            )
            return summary
        self.settle_in_flight()
        counts = ledger.counts(number)
        summary.queued = self._to_send(counts, summary.in_flight)
        summary.already_sent = counts["sent"]
        try:
            with self.reporter.progress(summary.queued) as bar, self._signals():
                self._bar = bar
                self.loop()
        except _Stopped:
            summary.stopped = True
        return summary

    def check_provider(self, before: Started) -> None:
        """Refuse to go on through another provider or endpoint than the one the issue's
        earlier sends went through, unless the editor said what those were.

        Left alone, the ledger would count readers mailed through the outbox (or a staging
        server) as sent, and the real provider would never get them.
        """
        summary, ledger, number = self.summary, self.ledger, self.issue.number
        name, endpoint = self.provider.name, summary.endpoint
        if before.provider == name and before.endpoint in (None, endpoint):
            if self.options.start_over or self.options.carry_on:
                self.reporter.say(
                    f"issue {self.issue.issue_id} is already sent via {titled(name)} ({endpoint}): "
                    "the provider did not change, so there is nothing to start over or carry on"
                )
            return
        counts = ledger.counts(number)
        if not (counts["sent"] or counts["failed"] or counts["in_flight"]):
            ledger.switch(number, name, endpoint, afresh=False)  # nothing went out: no question
            return
        earlier = where(before.provider, before.endpoint, self.issue.issue_id)
        now = where(name, endpoint, self.issue.issue_id)
        if self.options.start_over:
            ledger.switch(number, name, endpoint, afresh=True)
            ledger.rebuilt(number, self.issue.digest)
            self.reporter.say(
                f"issue {self.issue.issue_id}: starting afresh via {now}; what went out via "
                f"{earlier} is forgotten, every reader on the list gets it"
            )
            return
        if self.options.carry_on and self._list_held(before):
            # Carrying on means mailing only those not sent it yet: a provider that keeps its
            # own list cannot be told who they are, nor tell who its post reached.
            error = self.list_holder_error(before, earlier, now)
            if summary.mode == "send":
                raise error
            summary.provider_change = error
            return
        if self.options.carry_on:
            ledger.switch(number, name, endpoint, afresh=False)
            self.reporter.say(
                f"issue {self.issue.issue_id}: carrying on via {now}; the {counts['sent']:,} "
                f"readers sent it via {earlier} are not mailed again"
            )
            return
        error = self.provider_change_error(before, counts, earlier, now)
        if summary.mode == "send":
            raise error
        summary.provider_change = error

    def _list_held(self, before: Started) -> bool:
        return self.provider.holds_list or before.provider in LIST_HOLDERS

    def list_holder_error(self, before: Started, earlier: str, now: str) -> SendError:
        """Why the send cannot carry on through another provider when either keeps its own
        list, and the two ways on."""
        ref, issue_id = self.issue.number, self.issue.issue_id
        holder = self.provider.name if self.provider.holds_list else before.provider
        why = f"{titled(holder)} sends an issue to its own whole list, and " + (
            f"cannot be told which readers {titled(before.provider)} mailed already"
            if self.provider.holds_list
            else "said nothing of which readers it reached"
        )
        return SendError(
            f"issue {issue_id} was being sent via {earlier}, and dopemail.toml now says "
            f"{now}: it cannot carry on to the readers not sent it yet ({why})",
            None,
            None,
            f"'dopemail send {ref} --yes --start-over-with-new-provider' sends it to every "
            f"reader via {titled(self.provider.name)} (those who got it via "
            f"{titled(before.provider)} get it "
            f"again); or set {_way_back(before)} back in dopemail.toml to go on as before",
        )

    def provider_change_error(
        self, before: Started, counts: dict[str, int], earlier: str, now: str
    ) -> SendError:
        """What went out, through what, and the two ways on (and the way back)."""
        ref, issue_id = self.issue.number, self.issue.issue_id
        sent = counts["sent"]
        done = [
            f"{sent:,} reader{'s' if sent != 1 else ''} {'were' if sent != 1 else 'was'} sent "
            f"issue {ref} via {earlier}"
        ]
        if before.provider in LIST_HOLDERS and sent:  # one row: its whole list
            done = [f"issue {ref} was posted to {before.provider}'s list via {earlier}"]
        if counts["failed"]:
            done.append(f"{counts['failed']:,} failed")
        if counts["in_flight"]:
            done.append(f"{counts['in_flight']:,} are in a batch left without an answer")
        back = _way_back(before)
        return SendError(
            f"issue {issue_id} was being sent via {earlier}, and dopemail.toml now says "
            f"{now}: " + "; ".join(done),
            None,
            None,
            f"if that was a rehearsal, 'dopemail send {ref} --yes --start-over-with-new-provider' "
            f"sends it to every reader via {titled(self.provider.name)}; "
            + (
                ""
                if self._list_held(before)
                else f"if those readers really got it, 'dopemail send {ref} --yes "
                f"--continue-with-new-provider' sends it via {titled(self.provider.name)} to the "
                "others only; "
            )
            + f"or set {back} back in dopemail.toml to go on as before",
        )

    def batch_size(self) -> int:
        """Messages per request: the provider's limit, the setting, and the payload cap."""
        size = self.provider.max_batch
        if self.settings.send.batch_size:
            size = min(size, self.settings.send.batch_size)
        if self.settings.send.rate:
            # A batch goes at once: larger than a second's worth, it would go over the cap in
            # one burst, and the send would then sit idle to make up for it.
            size = min(size, max(1, int(self.settings.send.rate)))
        cap = getattr(self.provider, "max_batch_bytes", None)
        if cap:
            bodies = len(self.issue.html.encode()) + len(self.issue.text.encode())
            # JSON escapes quotes and newlines (x1.25 is generous); each recipient's headers,
            # fields and links take up to 4 KB.
            if getattr(self.provider, "bodies_once", False):  # SendGrid, Mailgun
                room = cap - int(bodies * 1.25)
                size = min(size, max(1, room // 4096))
            else:  # each message carries its own copy of the bodies
                size = min(size, max(1, cap // (int(bodies * 1.25) + 4096)))
        return max(1, size)

    def estimate(self, batches: int, messages: int) -> float:
        """Seconds the send should take: requests, the provider's pace, the rate cap."""
        seconds = batches * REQUEST_SECONDS / self.concurrency()
        if self.pacer.rate:
            seconds = max(seconds, batches * self.pacer.interval)
        if self.settings.send.rate:
            # The first batch goes at once, and no pause follows the last.
            paced = max(0, messages - self.batch_size())
            seconds = max(seconds, paced / self.settings.send.rate)
        return seconds

    def _check_same_issue(self, earlier: str, sent: int, mode: str) -> None:
        # The ledger knows its readers by the issue's number: another issue given a number
        # already sent (an earlier one moved into a folder, a copy) was "sent" to no one.
        number = self.issue.number
        message = (
            f"issue number {number} was sent as {earlier} ({sent:,} reader"
            f"{'s' if sent != 1 else ''}), and this is {self.issue.issue_id}"
        )
        hint = (
            f"another issue takes the next free number (its 'number:' and file name); if this "
            f"is {earlier} renamed, give it back its name"
        )
        if mode == "send":
            raise SendError(message, None, None, hint)
        self.reporter.warn(f"{message}: --yes will refuse it; {hint}")

    def _check_someone(self, path: Path, mode: str) -> None:
        # A list with its header alone (an export that failed) sent to no one and said
        # "sent 0"; and a half-sent issue's readers still to mail were taken off its queue.
        # So did one whose every address is invalid ('Ada <ada@example.com>' in the email
        # column): read until a row that is no such mistake, the first one most often.
        first: Row | None = None
        with contextlib.closing(read_subscribers(path)) as rows:
            for row in rows:
                if row.skip != "invalid":
                    return
                first = first or row
        name = self.settings.send.subscribers
        message = "the subscriber list holds no reader: its header line alone, or nothing"
        hint = "export the list again from where you keep it (one reader a line under the header)"
        if first is not None:
            message = (
                f"no address in the subscriber list is valid (line {first.line}: "
                f"'{first.email}': {first.detail})"
            )
            hint = (
                "its email column holds each reader's address alone (ada@example.com); "
                "export the list again from where you keep it"
            )
        if mode == "send":
            raise SendError(message, name, None, hint)
        self.reporter.warn(f"{name}: {message}; --yes will refuse it: {hint}")

    def replayable(self, batch: InFlight) -> bool:
        """Can this in-flight batch be posted again without risk of a second copy?"""
        provider = self.provider
        if not provider.idempotent or batch.provider != provider.name:
            return False
        if batch.key_unsure:  # another key's post may have delivered it: the editor's to tell
            return False
        if batch.endpoint is not None and batch.endpoint != self.summary.endpoint:
            return False  # another server never saw its key
        return self.key_kept(batch.posted_at)

    def needs_editor(self, batch: InFlight) -> bool:
        """Whether an in-flight batch waits for the editor's word: one no run can post again
        safely, or one a run kept for the editor (its replay refused: another likely is)."""
        return batch.held or not self.replayable(batch)

    def applies(self, choice: bool | frozenset[int], batch: InFlight) -> bool:
        """Whether an in-flight option names ``batch``: by its number, or given bare and the
        batch waits for the editor. Bare, it never settles a batch the next run posts again
        safely under its key: the editor was not asked about that one."""
        if isinstance(choice, frozenset):
            return batch.number in choice
        return choice and self.needs_editor(batch)

    def key_kept(self, posted_at: float) -> bool:
        """Whether the provider still knows a key first posted at ``posted_at``, with
        :data:`KEY_MARGIN` to spare: posted again under it, a batch it took is not sent
        twice."""
        window = self.provider.idempotency_window
        return window is None or time.time() - posted_at < window - KEY_MARGIN

    def _take_back(self, gone: Sequence[tuple[str, str, str]]) -> None:
        """Withdraw what a batch in flight holds for readers who left the list since ((key,
        address, why) of each), where the provider can: the outbox, which has delivered
        nothing yet, deletes their files (written before a kill); the ledger skips them."""
        if gone and isinstance(self.provider, Outbox):
            self.provider.withdraw(self.composer, sorted(key for key, _, _ in gone))

    def _to_send(self, counts: Mapping[str, int], in_flight: Sequence[InFlight]) -> int:
        """The readers this run is to mail: those queued, and those of the batches in flight
        but who left the list since (a replay leaves them out: counted, the plan said one more
        than it sent, and the progress bar ended with some 'left')."""
        gone = sum(len(self.ledger.unlisted(self.issue.number, b.number)) for b in in_flight)
        return counts["pending"] + counts["in_flight"] - gone

    def settle_in_flight(self) -> None:
        """Apply the editor's choice to batches left in flight, or refuse to go on."""
        number, ledger = self.issue.number, self.ledger
        stale = self.summary.in_flight
        mark, resend = self.options.mark_in_flight_sent, self.options.resend_in_flight
        self._check_chosen(stale, mark, resend)
        left = [
            b
            for b in self.summary.unsettled
            if not (self.applies(mark, b) or self.applies(resend, b))
        ]
        for batch in stale:
            if (mark is True or resend is True) and not self.needs_editor(batch):
                self.reporter.say(
                    f"batch {batch.number}: posted again under its idempotency key (what "
                    f"{titled(self.provider.name)} took of it is not sent twice), not settled by "
                    f"--{'mark-in-flight-sent' if mark is True else 'resend-in-flight'}"
                )
            if self.applies(mark, batch):
                count = ledger.mark_sent(number, batch.number, "marked sent by the editor")
                self.reporter.say(f"batch {batch.number}: {count} recipients marked sent")
            elif self.applies(resend, batch) and left:
                # The send stops on the others: the editor's word on this one is kept by
                # putting its readers back in the queue, for the run that goes on.
                self._take_back(ledger.unlisted(number, batch.number))
                ledger.release(number, batch.number, "not delivered, said the editor")
                self.reporter.say(f"batch {batch.number}: its readers will be sent again")
            elif self.applies(resend, batch):
                self.resent.add(batch.number)
                # Posted again under a new key, so its members may change: who left the list
                # since it was claimed is not mailed (as for any reader still to be sent).
                self._take_back(ledger.unlisted(number, batch.number))
                for email, why in ledger.drop_unlisted(number, batch.number):
                    self.reporter.say(f"batch {batch.number}: {email} is not mailed: {why}")
                ledger.renew_key(number, batch.number)
                self.reporter.say(f"batch {batch.number}: will be sent again")
        if left:
            still = ledger.in_flight(number)
            waiting = [b for b in still if self.needs_editor(b)]
            raise self.in_flight_error(waiting, replays=[b for b in still if b not in waiting])
        self.summary.in_flight = ledger.in_flight(number)

    def _check_chosen(
        self,
        stale: list[InFlight],
        mark: bool | frozenset[int],
        resend: bool | frozenset[int],
    ) -> None:
        """Refuse batch numbers that are not in flight, or given both ways."""
        ref, numbers = self.issue.number, {b.number for b in stale}
        listed = ", ".join(str(n) for n in sorted(numbers)) or "none"
        for flag, chosen in (("--mark-in-flight-sent", mark), ("--resend-in-flight", resend)):
            unknown = sorted(chosen - numbers) if isinstance(chosen, frozenset) else []
            if unknown:
                raise SendError(
                    f"{flag}: {_batches(unknown)} {'is' if len(unknown) == 1 else 'are'} not "
                    f"in flight (in flight: {listed})",
                    None,
                    None,
                    f"'dopemail status {ref}' lists the batches in flight",
                )
        if mark and resend:
            both = (mark if isinstance(mark, frozenset) else numbers) & (
                resend if isinstance(resend, frozenset) else numbers
            )
            if both:
                raise SendError(
                    f"{_batches(sorted(both))} cannot be both marked sent and sent again",
                    None,
                    None,
                    "give each batch to one of --mark-in-flight-sent and --resend-in-flight",
                )

    def in_flight_error(
        self,
        batches: list[InFlight],
        reason: str | None = None,
        replays: Sequence[InFlight] = (),
    ) -> SendError:
        """Why the send cannot go on by itself, and the two ways the editor can settle
        ``batches``; ``replays``, also in flight, are listed as the next run's to post again
        under their keys (the options do not name them: they are not the editor's to settle)."""

        def listed(batch: InFlight, why: str = "") -> str:
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(batch.posted_at))
            who = ", ".join(batch.sample) + (", ..." if batch.size > len(batch.sample) else "")
            return (
                f"  batch {batch.number} ({batch.size} recipients: {who}), posted to "
                f"{batch.provider} at {when}{why}"
            )

        lines = [listed(b, f": {b.error}" if b.error else "") for b in batches]
        if replays:
            lines.append(
                f"  and, posted again under {'their' if len(replays) > 1 else 'its'} "
                "idempotency key by the next run once those are settled (nothing to settle: "
                f"what {titled(self.provider.name)} took is not sent twice):"
            )
            lines += ["  " + listed(b) for b in replays]
        count = sum(b.size for b in batches)
        head = reason or (
            f"{len(batches)} batch{'es' if len(batches) != 1 else ''} ({count} recipients) "
            "may or may not have been delivered: "
            + (
                "the last run could not settle "
                + ("them" if len(batches) != 1 else "it")
                + " by itself"
                if any(b.held for b in batches)
                else "the last run stopped before the answer"
            )
        )
        ref = self.issue.number
        # By number: a bare option would settle these alone too, but the editor is told
        # exactly what each command settles.
        numbers = ",".join(str(b.number) for b in sorted(batches, key=lambda b: b.number))
        mark = f"'dopemail send {ref} --yes --mark-in-flight-sent {numbers}'"
        again = f"'dopemail send {ref} --yes --resend-in-flight {numbers}'"
        # The outbox has no activity log: what it took of a batch is the files it wrote, one
        # per reader, and a run killed while writing one leaves some written and some not.
        outboxes = [b for b in batches if b.provider == "outbox"]
        folder = ""
        if outboxes:
            endpoint = outboxes[0].endpoint or self.settings.send.outbox
            folder = issue_folder(endpoint, self.issue.issue_id).as_posix() + "/"
        if outboxes and len(outboxes) == len(batches):
            hint = (
                f"look in {folder} for these readers' files (one each, its name starting with "
                "the address; a batch cut short may have written some of them only), then run "
                f"{mark} if every one has its file (they are recorded as sent: their files are "
                f"their copies, mailed on with the others), or {again} if any has none (the "
                f"whole batch goes again via {titled(self.provider.name)}: first delete its files "
                "that are there, so that they are not mailed on as well)"
            )
        else:
            logs = next(b.provider for b in batches if b.provider != "outbox")
            look = f"look these addresses up in {logs}'s activity log"
            if outboxes:
                numbers = _batches([b.number for b in outboxes])
                look += f" (those of {numbers}: for their files in {folder})"
            hint = f"{look}, then run {mark} if they got the issue, or {again} if they did not"
        if len(batches) > 1:
            first, second = sorted(b.number for b in batches)[:2]
            hint += (
                "; if some batches arrived and others did not, name them: "
                f"'--mark-in-flight-sent {first} --resend-in-flight {second}'"
            )
        return SendError(head + "\n" + "\n".join(lines), None, None, hint)

    def loop(self) -> None:
        """Replay what is in flight, then claim, post and record batches until none is left.

        Up to ``concurrency`` batches are posted at once, by worker threads that only talk to
        the provider. Everything that touches the ledger happens here, in this thread and in
        order: a batch is claimed (written down as in flight) right before it is handed to a
        worker, and its answer is recorded as soon as it comes back. When one batch stops the
        send (an error, Ctrl-C), no new batch is claimed; the others are let finish and are
        recorded, then the send stops.
        """
        number, ledger = self.issue.number, self.ledger
        size = self.summary.batch_size
        # Batches to post before any new claim: replays, then halves of a bisected batch. A
        # batch the last run left in flight may have been delivered: whatever its replay
        # meets (a 429, a refusal, Ctrl-C), it stays in flight under its key, never back in
        # the queue, where a new batch and a new key would mail its readers a second time.
        # Unless the editor said it never arrived (--resend-in-flight): then it is new.
        ready: deque[_Job] = deque()
        for b in self.summary.in_flight:
            replay = b.number not in self.resent
            # Who unsubscribed or was deleted since is not mailed by the replay (the one sent
            # again has been through this). A provider that took the batch then finds the
            # replay unlike the first post under its key, and refuses it: the batch stays in
            # flight, them included, for the editor to settle (they were mailed, if it was).
            # One that did not mails the others alone, and they are skipped.
            gone = ledger.unlisted(number, b.number) if replay else []
            for _, email, why in gone:
                self.reporter.say(f"batch {b.number}: {email} is not mailed: {why}")
            left_out = {key for key, _, _ in gone}
            self._take_back(gone)
            members = [m for m in ledger.members(number, b.number) if m.key not in left_out]
            if not members:  # all of them left the list: nothing to post
                ledger.skip(number, gone)
                ledger.record(number, b.number, [])
                continue
            attempts = Attempts(ambiguous=replay)
            ready.append(_Job(b.number, members, b.idempotency_key, attempts, gone, b.posted_at))
        halves: deque[list[Recipient]] = deque()
        workers = _Workers(self.concurrency(), self._deliver)
        # The first batch goes alone: a refused key or sender stops the send after one request.
        window, running = 1, 0
        answers: list[tuple[_Job, list[Outcome] | BaseException]] = []
        #: Batches handed to the workers whose answers are not recorded yet.
        outstanding: dict[int, _Job] = {}
        error: Exception | None = None
        try:
            while True:
                fatal = next((a for a in answers if _fatal(a[1])), None)
                jobs: list[_Job] = []
                pause = None
                # One transaction, one write to disk: the answers in hand, then the claims of
                # the batches that go next (committed before any of them is posted).
                settled = answers
                with ledger.transaction():
                    for job, result in answers:
                        if _fatal(result):
                            continue
                        try:
                            halves.extend(self.settle(job, result))  # type: ignore[arg-type]
                        except Exception as exc:  # stop claiming; record what still runs
                            error = error or exc
                        else:
                            window = workers.size
                    answers = []
                    while (
                        fatal is None
                        and error is None
                        and not self.stopping
                        and running + len(jobs) < window
                    ):
                        if halves:  # claimed before anything new: they are pending again
                            ready.append(self.claim(halves.popleft()))
                        if not ready:
                            # Who is left first: after the last batch, nothing is to wait for.
                            recipients = ledger.next_pending(number, size)
                            if not recipients:
                                break
                            pause = self.limiter.ready_in() or None
                            if pause:
                                break
                            self.limiter.take(len(recipients))
                            ready.append(self.claim(recipients))
                        jobs.append(ready.popleft())
                for job, result in settled:
                    if not _fatal(result):
                        outstanding.pop(job.number, None)
                if fatal is not None:
                    raise fatal[1]  # KeyboardInterrupt and the like: stop now, as kill -9 would
                for job in jobs:
                    outstanding[job.number] = job
                    workers.submit(job)
                running += len(jobs)
                if running:
                    answer = workers.result(timeout=pause, tick=self._announce_stop)
                    answers = [answer, *workers.ready()] if answer else []
                    running -= len(answers)
                elif pause:
                    self._pause(pause)
                else:
                    break
        except BaseException:
            # A second Ctrl-C, or a surprise: whatever the workers were doing is dropped. A
            # batch none of whose requests can be on its way (it waits, or the provider refused
            # its last attempt) surely did not arrive: it goes back to the queue, not in flight.
            self._abandon()
            self._release_unposted(outstanding)
            raise
        finally:
            self._abandon()
            workers.close()
        if self.kept:
            # Whatever stopped the send first, the batches it leaves in flight are what the
            # editor must settle before anything else: they are listed, after its reason.
            raise self.kept_error(None if isinstance(error, _KeptInFlight) else error)
        if error is not None:
            raise self.replays_first(error)
        if self.stopping:
            self._announce_stop()
            raise _Stopped

    def pace_words(self) -> str:
        """How the requests and messages are paced, and where that comes from ("": not)."""
        name = self.provider.name
        said = []
        if self.pacer.rate:
            rate = self.pacer.rate
            pace = f"{rate:g} request{'' if rate == 1 else 's'} a second"
            if self._rate_setting() is not None:
                said.append(f"{pace} ([send.{name}] requests_per_second)")
            else:  # the provider's own words for its pace, else its documented limit's
                said.append(
                    pace
                    + getattr(self.provider, "pace_said", f" ({titled(name)}'s documented limit)")
                )
        if self.settings.send.rate:
            rate = self.settings.send.rate
            said.append(f"{rate:g} message{'' if rate == 1 else 's'} a second ([send] rate)")
        return "; ".join(said)

    def _rate_setting(self) -> float | None:
        """``[send.<provider>] requests_per_second``, if set (none for the outbox)."""
        options = getattr(self.settings.send, self.provider.name, None)
        return options.requests_per_second if isinstance(options, ProviderSettings) else None

    def requests_per_second(self) -> float:
        """``[send.<provider>] requests_per_second``, else the provider's documented limit."""
        setting = self._rate_setting()
        if setting is not None:
            return setting
        return self.provider.requests_per_second or 0.0

    def concurrency(self) -> int:
        """Batches posted at once: ``[send] concurrency``, else the provider's default."""
        if self.provider.holds_list:
            return 1
        setting = self.settings.send.concurrency
        return setting or getattr(self.provider, "concurrency", DEFAULT_CONCURRENCY)

    def claim(self, recipients: list[Recipient]) -> _Job:
        """Write the batch down as in flight; right after this, it is posted."""
        number, key = self.ledger.claim(
            self.issue.number,
            recipients,
            self.provider.name,
            lambda n: batch_key(self.issue, n, recipients),
            self.summary.endpoint,
        )
        return _Job(number, recipients, key)

    def _deliver(self, job: _Job) -> list[Outcome]:
        """Compose and post one claimed batch, retrying as allowed (in a worker thread)."""
        if not job.recipients:
            return []
        provider = self.provider
        started = requests_started()
        try:
            letters = [self.composer.letter(r) for r in job.recipients]
            key = job.key if provider.idempotent else None
            return self._attempt(
                Batch(self.composer, letters, job.number, key),
                job.attempts,
                provider.idempotent,
                lambda: self.key_kept(job.posted_at),
            )
        except _EXPECTED:
            raise
        except Exception as exc:
            if requests_started() != started:
                raise
            # Composing failed (a character a header cannot hold, say): the batch never left,
            # so it must not stay in flight, where resuming would stop on it for good.
            if isinstance(exc, OSError):  # the outbox's folder or disk: the editor's to fix
                from ..errors import system_error

                problem = system_error(exc, sending=True)
                if isinstance(provider, Outbox) and problem.path:
                    raise _NotPosted(problem.message, problem.hint, problem.path) from None
                where = f"{problem.path}: " if problem.path else ""
                raise _NotPosted(f"{where}{problem.message}", problem.hint) from None
            raise _NotPosted(self.redact(f"{type(exc).__name__}: {exc}")) from None

    def settle(self, job: _Job, result: list[Outcome] | Exception) -> list[list[Recipient]]:
        """Record a batch's answer, or decide its fate on failure; parts to post again."""
        provider, ledger, issue = self.provider, self.ledger, self.issue.number
        number, recipients, attempts = job.number, job.recipients, job.attempts
        if not recipients:
            ledger.record(issue, number, [])
            return []
        try:
            if isinstance(result, Exception):
                raise result
            outcomes = result
        except RecipientRejected as exc:
            if attempts.ambiguous:
                raise self.keep(number, exc.reason) from None
            if len(recipients) > 1:
                # Nothing was sent: halve the batch until the refused address is alone.
                ledger.release(issue, number, exc.reason)
                half = len(recipients) // 2
                return [recipients[:half], recipients[half:]]
            outcomes = [Outcome("rejected", error=exc.reason)]
        except (InDoubt, Unsafe) as exc:
            raise self.keep(number, str(exc)) from None
        except Stopped as exc:
            # A stop cut the batch's wait short, or came before its first request: nothing was
            # posted after the provider's refusal (or at all), so it surely did not arrive...
            if attempts.ambiguous:  # ...unless an earlier attempt's answer was lost
                ledger.note(issue, number, exc.last.reason if exc.last else "stopped")
            else:
                ledger.release(issue, number, f"stopped: {exc}")
            if self.stopping:
                return []
            raise SendError(f"batch {number} was not sent: the send was stopping") from None
        except GaveUp as exc:
            reason = exc.last.reason
            if attempts.ambiguous:
                self.ledger.note(issue, number, reason)
            else:
                ledger.release(issue, number, reason)
            if self.stopping:
                return []
            again = "run the same command again later: the send resumes where it stopped"
            if exc.wait is not None:
                raise _GaveUp(
                    f"{titled(provider.name)} asks to {_wait_words(exc.wait)} ({reason})",
                    again,
                    " ([send] max_wait sets the longest wait dopemail sits through)",
                ) from None
            raise _GaveUp(
                f"{titled(provider.name)} kept failing after {attempts.count} attempts: {reason}",
                again,
            ) from None
        except DopemailError as exc:
            if attempts.ambiguous:
                # An earlier attempt (or the last run's) may have gone through: the editor
                # settles it, told both ways, instead of meeting this refusal run after run.
                raise self.keep(number, f"then refused: {getattr(exc, 'message', exc)}") from None
            ledger.release(issue, number, "refused")
            raise
        except _NotPosted as exc:
            if attempts.ambiguous:  # a replay that could not be made: it may have arrived
                raise self.keep(number, f"then not made again: {exc.reason}") from None
            where = f"{exc.folder}: " if exc.folder else ""
            ledger.release(issue, number, f"not sent: {where}{exc.reason}")
            # The outbox took back what it wrote of the batch: none of it is in the folder.
            said = (
                f"could not be written in {exc.folder}/ ({exc.reason}); none of its files is "
                "left there"
                if exc.folder
                else f"could not be made ({exc.reason}); nothing of it was sent"
            )
            raise SendError(
                f"batch {number} {said}, and its {len(recipients):,} readers "
                f"({_first_few(recipients)}) are back in the queue",
                None,
                None,
                exc.hint
                or "this is a bug in dopemail or in what it was given (the built issue, the "
                f"list): dopemail status {self.issue.number} shows the readers left",
            ) from None
        except Exception as exc:  # a surprise after a request left: it may have been delivered
            raise self.keep(number, self.redact(f"{type(exc).__name__}: {exc}")) from None
        if len(outcomes) != len(recipients):  # an adapter bug, not a provider's answer
            raise self.keep(number, f"{titled(provider.name)} adapter answered for the wrong count")
        ledger.record(
            issue, number, zip((r.key for r in recipients), outcomes, strict=True), job.left_out
        )
        self.summary.sent += sum(o.status == "sent" for o in outcomes)
        self.summary.failed += sum(o.status == "rejected" for o in outcomes)
        for held in dict.fromkeys(o.error for o in outcomes if o.status == "sent" and o.error):
            self.reporter.warn(held)
        if self._bar:
            self._bar.update(self.summary.sent, self.summary.failed)
        back = [
            (r, o.error)
            for r, o in zip(recipients, outcomes, strict=True)
            if o.status == "unsent" and o.error
        ]
        if back:
            # Not the readers' fault, and every later batch would meet it too: stop, with
            # them back in the queue rather than failed for good. Named, as the next run
            # posts them first and stops the same way if the provider's words were about them.
            raise SendError(
                f"{titled(provider.name)} did not send {len(back):,} message"
                f"{'s' if len(back) != 1 else ''} of batch {number} "
                f"({_first_few([r for r, _ in back])}): {back[0][1]}",
                None,
                None,
                f"their readers are back in the queue: fix what {provider.name} says (if it is "
                f"about those readers, correct or remove them in "
                f"{self.settings.send.subscribers}), then run the same command again",
            )
        return []

    def replays_first(self, error: Exception) -> Exception:
        """``error``, its hint naming every batch left in flight for the next run to post again
        under its key (not only the one that stopped the send), once all are recorded: the
        editor would otherwise look for batches to settle by hand."""
        if not isinstance(error, _GaveUp):
            return error
        in_flight = self.ledger.in_flight(self.issue.number)
        replays = [b.number for b in in_flight if not self.needs_editor(b)]
        if replays:
            many = len(replays) > 1
            error.hint = (
                f"{error.again}, posting {_batches(replays)} again under "
                f"{'their' if many else 'its'} idempotency key{'s' if many else ''} first "
                f"(what {self.provider.name} took of {'them' if many else 'it'} is not sent "
                f"twice){error.why}"
            )
        return error

    def keep(self, number: int, reason: str) -> SendError:
        """Leave batch ``number`` in flight, held for the editor, and explain how to settle
        it."""
        self.ledger.hold(self.issue.number, number, reason)
        error = _KeptInFlight(number, reason)
        self.kept.append(error)
        return error

    def kept_error(self, first_error: Exception | None = None) -> SendError:
        """The stop once every batch still posted is recorded: each batch left in flight, and
        not only the first one kept (another may have met a lost answer meanwhile), after
        ``first_error`` when something else stopped the send first."""
        first = self.kept[0]
        kept = {k.number for k in self.kept}
        # Those kept by this run, and any other the next run could not post again by itself;
        # the others are listed too, as the next run's to post again under their keys.
        in_flight = self.ledger.in_flight(self.issue.number)
        batches = [b for b in in_flight if b.number in kept or self.needs_editor(b)]
        replays = [b for b in in_flight if b not in batches]
        batches.sort(key=lambda b: b.number != first.number)  # the one that stopped it first
        head = f"{self.provider.name} may or may not have delivered batch {first.number}: "
        head += first.reason
        if len(batches) > 1:
            head += f" (and {_batches([b.number for b in batches[1:]])}, also left in flight)"
        if first_error is not None:
            said = getattr(first_error, "message", None) or str(first_error)
            head = f"{said}\nand {head}"
        return self.in_flight_error(batches, head, replays)

    def redact(self, text: str) -> str:
        """``text`` without the provider's key (for errors that did not come through it)."""
        api = getattr(self.provider, "api", None)
        return api.redact(text) if api is not None else text

    def _attempt(
        self,
        batch: Batch,
        attempts: Attempts,
        safe: bool,
        key_kept: Callable[[], bool] = lambda: True,
    ) -> list[Outcome]:
        outcomes = with_retries(
            lambda: self.provider.send(batch),
            self.backoff,
            safe_to_repeat=safe,
            still_safe=key_kept,
            attempts=attempts,
            wait=self._wait,
            ready=self._paced,
            stopping=self._stop.is_set,
            on_retry=self._retrying(batch.number),
            rng=self.rng,
        )
        # The ids go into the ledger and the reports: one a server made of the request it was
        # sent (an echo at base_url) must not keep the key there, nor a piece of it.
        api = getattr(self.provider, "api", None)
        if api is not None:
            outcomes = [
                o
                if not o.message_id or (shown := api.redact(o.message_id)) == o.message_id
                else replace(o, message_id=shown)
                for o in outcomes
            ]
        return outcomes

    def _wait(self, seconds: float) -> bool:
        """Wait ``seconds`` (in a worker), or less if a stop comes first; True if it did."""
        if self.sleep is None:
            return self._stop.wait(seconds)
        self.sleep(seconds)  # a test's stand-in
        return self._stop.is_set()

    def _paced(self) -> bool:
        """Wait for the provider's rate limit (a worker); False if a stop came first."""
        # On the real clock even in tests: it is the provider's limit, not a retry's delay.
        return not self._stop.wait(self.pacer.reserve())

    def _pause(self, seconds: float) -> None:
        """Wait ``seconds`` in the loop's thread, or less if a stop comes first."""
        # On the stop flag: in this thread, it is set only by Ctrl-C (the loop sets it when
        # it is gone, after any pause).
        if self.sleep is None:
            self._stop.wait(seconds)
        elif not self.stopping:
            self.sleep(seconds)  # a test's stand-in

    def _announce_stop(self) -> None:
        """Say, once, that Ctrl-C was heard: here, in the loop's thread, not in the handler."""
        if self.stopping and not self._announced:
            self._announced = True
            # A service manager sends SIGTERM, and there is no keyboard to press Ctrl-C on.
            again = (
                "send SIGTERM or Ctrl-C again" if self._signum == signal.SIGTERM else "Ctrl-C again"
            )
            self.reporter.say(f"stopping after the current batch ({again} to stop now)")

    def _abandon(self) -> None:
        """The loop is gone: the workers stop waiting and start no request."""
        self._stop.set()

    def _release_unposted(self, outstanding: dict[int, _Job]) -> None:
        """Put back in the queue the batches left without an answer that surely did not arrive:
        those with no request on its way (``_stop`` is set, so their workers start none)."""
        issue = self.issue.number
        with contextlib.suppress(Exception):  # stopping anyway: at worst they stay in flight
            in_flight = {b.number for b in self.ledger.in_flight(issue)}
            for number, job in outstanding.items():
                with job.attempts.lock:
                    unposted = not job.attempts.posting and not job.attempts.ambiguous
                if unposted and number in in_flight:
                    self.ledger.release(issue, number, "stopped before it was posted again")

    def _retrying(self, number: int | None) -> Callable[[Transient, int, float], None]:
        def say(exc: Transient, attempt: int, wait: float) -> None:
            which = f"batch {number}" if number else "test"
            self.reporter.say(f"{which}: {exc.reason}; retry {attempt} in {wait:.1f} s")

        return say

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        """Ctrl-C or SIGTERM, in the main thread wherever it was.

        Assignments and nothing else: no printing, no lock. The thread may hold, where the
        signal landed, the console's or the progress bar's lock, which printing would wait for
        while the bar's refresh thread waited for the other (seen: a send hung by one SIGTERM).
        """
        if self.stopping:  # asked twice: stop now, leaving the batch in flight
            raise KeyboardInterrupt
        self._signum = signum
        self.stopping = True
        self._stop.set()  # ends the workers' waits at once; they start no new request

    @contextlib.contextmanager
    def _signals(self) -> Iterator[None]:
        """Ctrl-C or SIGTERM: finish the batch being posted, record it, then stop."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return

        previous = {s: signal.signal(s, self._on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)


# Reporter lives in report.py; it is re-exported here for callers that import it from run
# (dopemail.preview does).
__all__ = ["Reporter", "SendOptions", "SendSummary", "batch_key", "send_issue"]
