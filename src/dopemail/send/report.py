"""What the sender tells people: the progress bar, the dry run's plan, the result of a send,
and ``dopemail status``."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

from ..config import CONFIG_NAME
from ..errors import DopemailError, printable
from .issue import SOURCES_DIR, issue_numbers, no_such_issue, parse_ref, wrong_slug
from .ledger import LEDGER_PATH, InFlight, Ledger, reported, sending_now
from .providers.buttondown import Buttondown

if TYPE_CHECKING:  # run.py imports this module
    from .run import SendSummary


class Reporter:
    """Where the sender talks: lines for people, and a progress bar while it sends."""

    def __init__(self, console: Console | None = None, progress: bool = True) -> None:
        self.console = console or Console(stderr=True, highlight=False)
        self.show_progress = progress

    def say(self, text: str) -> None:
        """Print a line."""
        self.console.print(printable(text), markup=False, highlight=False, soft_wrap=True)

    def warn(self, text: str) -> None:
        """Print a warning."""
        self.say(f"warning: {text}")

    @contextlib.contextmanager
    def progress(self, total: int) -> Iterator[ProgressBar]:
        """A progress bar for ``total`` messages: sent / failed / remaining and the rate."""
        columns = (
            TextColumn("sending"),
            BarColumn(),
            TextColumn("{task.fields[line]}"),
            TimeRemainingColumn(),
        )
        shown = self.show_progress and total > 0
        with Progress(*columns, console=self.console, disable=not shown) as bar:
            task = bar.add_task("send", total=total, line="")
            tracker = ProgressBar(bar, task, total)
            tracker.update(0, 0)
            yield tracker


class ProgressBar:
    """Counts for the progress bar."""

    def __init__(self, bar: Progress, task: TaskID, total: int) -> None:
        self.bar, self.task, self.total = bar, task, total
        self.started = time.monotonic()

    def update(self, sent: int, failed: int) -> None:
        """Show ``sent`` and ``failed`` so far (this run) and the rate."""
        elapsed = max(time.monotonic() - self.started, 1e-6)
        left = max(self.total - sent - failed, 0)
        line = f"sent {sent:,} · failed {failed:,} · left {left:,} · {sent / elapsed:,.1f}/s"
        self.bar.update(self.task, completed=sent + failed, line=line)


@dataclass
class StatusReport:
    """Where the sending of one issue stands."""

    issue: int
    issue_id: str | None
    provider: str | None
    started_at: float | None
    #: Where the issue's sends went (None: not recorded, in an older ledger).
    endpoint: str | None
    counts: dict[str, int]
    in_flight: list[InFlight]
    failures: list[tuple[str, str]]
    skip_report: Path | None
    #: The provider and endpoint dopemail.toml names now (None: it cannot be read).
    configured: tuple[str, str] | None = None
    #: A ``dopemail send --yes`` of this workspace is running now.
    running: bool = False
    #: Nothing in the ledger, and its file in issues/ says it is sent (mailed from elsewhere).
    marked_sent: bool = False


def send_status(root: Path, ref: str, failures: int = 10) -> StatusReport:
    """Counts per state, batches in flight and the first failures of issue ``ref``."""
    number, slug = parse_ref(root, ref)
    path = root / LEDGER_PATH
    with contextlib.ExitStack() as stack:
        stack.enter_context(reported(path))
        ledger = stack.enter_context(Ledger(path)) if path.exists() else None
        started = ledger.started(number) if ledger else None
        named = started.issue_id if started else issue_numbers(root).get(number)
        if named is None:
            # "Nothing sent yet" of an issue that does not exist would reassure an editor who
            # mistyped its number.
            raise no_such_issue(root, number, " and nothing sent")
        if slug and named != f"{number}-{slug}":  # as dopemail send says it
            raise wrong_slug(number, named, slug, "status")
        if ledger is None or started is None:
            marked = file_status(root, number) == "sent"
            return StatusReport(
                number, None, None, None, None, {}, [], [], None, marked_sent=marked
            )
        issue_id = started.issue_id
        candidate = root / LEDGER_PATH.parent / f"{issue_id}-skipped.csv"
        return StatusReport(
            number,
            issue_id,
            started.provider,
            started.started_at,
            started.endpoint,
            ledger.counts(number),
            ledger.in_flight(number),
            ledger.failures(number, failures),
            candidate if _has_rows(candidate) else None,
            _configured(root),
            sending_now(root),
        )


def file_status(root: Path, number: int) -> str | None:
    """The status the issue's file in issues/ says (None: no file, or none to read in it)."""
    from ..frontmatter import split
    from ..sourcetext import read_text

    for path in sorted((root / SOURCES_DIR).glob(f"{number}-*.md")):
        rel = path.relative_to(root).as_posix()
        try:
            status = split(read_text(path, rel), rel).meta.get("status")
        except (DopemailError, OSError, ValueError):  # what it has, the build says
            return None
        # 'Ready' is ready, as the build reads it.
        return status.strip().lower() if isinstance(status, str) else None
    return None


def _configured(root: Path) -> tuple[str, str] | None:
    """The provider and endpoint the next send would use."""
    from ..config import load_settings
    from .run import endpoint_of

    try:
        settings = load_settings(root)
    except DopemailError:  # status still reports what the ledger knows
        return None
    return settings.send.provider, endpoint_of(settings, settings.send.provider)


def _has_rows(path: Path) -> bool:
    """Does this CSV report hold a row below its header?"""
    try:
        with path.open(encoding="utf-8") as handle:
            return bool(handle.readline() and handle.readline())
    except FileNotFoundError:
        return False


def duration(seconds: float) -> str:
    """``45 s``, ``12 min``, ``3 h 20 min``."""
    if seconds < 60:
        return f"{max(seconds, 1):.0f} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def describe_plan(summary: SendSummary) -> list[str]:
    """The dry run's report, line by line."""
    issue = summary.issue
    draft = issue.status == "draft"
    if summary.stale and draft:
        then = (
            f"It is a draft ({issue.source}) and changed since it was built: --yes refuses it "
            "until its status is ready and it is built again."
        )
    elif summary.stale and issue.status == "sent":
        then = (
            f"It is marked sent as built ({issue.source}), and changed since: --yes refuses "
            "to send it to the list again (built again, it goes if its file says ready)."
        )
    elif summary.stale:
        then = "It changed since it was built: --yes refuses it until it is built again."
    elif draft:
        then = (
            f"It is a draft ({issue.source}): --yes refuses it until its status is ready and "
            "it is built again."
        )
    elif issue.status == "sent":
        then = f"It is marked sent ({issue.source}): --yes refuses to send it to the list again."
    else:
        then = "Run again with --yes to send."
    lines = [
        f"Dry run of issue {issue.issue_id}: nothing was sent. {then}",
        f"  subject:     {issue.subject}",
        f"  provider:    {_where(summary)}",
    ]
    if summary.tracking:
        lines.append(f"  tracking:    {summary.tracking}")
    if summary.provider_change is not None:
        lines[0] = (
            f"Dry run of issue {issue.issue_id}: nothing was sent. The provider changed since "
            "its sending started: --yes refuses until you choose how to go on."
        )
        lines.append(f"  changed:     {summary.provider_change.message}")
        lines.append(f"               {summary.provider_change.hint}")
    if summary.holds_list:
        lines.append(f"  recipients:  {summary.provider}'s own subscriber list, in one post")
    else:
        lines.append(
            f"  recipients:  {summary.queued:,} to send"
            f" ({summary.already_sent:,} already sent, {summary.failed_before:,} failed earlier)"
        )
    if summary.skipped is not None:
        lines.append(f"  skipped:     {summary.skipped.total:,} ({summary.skipped.summary()})")
        for line, email, reason in summary.skipped.examples:
            lines.append(f"               line {line}: {email or '(empty)'}: {reason}")
        if summary.gone:
            lines.append(f"               {summary.gone:,} queued earlier are no longer listed")
    lines.append(
        f"  batches:     {summary.batches:,} of up to {summary.batch_size:,} "
        + ("message" if summary.batch_size == 1 else "messages")
        + (f", {summary.concurrency} at a time" if summary.concurrency > 1 else "")
        + (f", {len(summary.in_flight)} left in flight earlier" if summary.in_flight else "")
    )
    if summary.pace:
        lines.append(f"  paced:       {summary.pace}")
    if summary.running:
        # Its batches in flight are on the wire: settling them now would mail or miss readers.
        lines.append(
            "  running:     another dopemail send of this workspace is running now: its "
            "batches in flight are being posted; run this again once it has finished"
        )
    elif summary.unsettled:
        # With those a run held for the editor (a replay refused): the options without
        # numbers settle both kinds, so both are named (a held one was left out, and settled
        # unseen).
        held = sorted({b.number for b in (*summary.unsettled, *summary.held)})
        numbers = ", ".join(map(str, held))
        # The example names this send's own batches (it named 2 and 5, which may not be).
        how = (
            "settle it with --mark-in-flight-sent or --resend-in-flight"
            if len(held) == 1
            else "settle them with --mark-in-flight-sent or --resend-in-flight, for all of "
            f"them or for the batches named (--mark-in-flight-sent {held[0]} "
            f"--resend-in-flight {held[1]})"
        )
        lines.append(
            f"  in flight:   batch {numbers} may have been delivered already: {how}; see "
            "dopemail status"
        )
        lines.extend(_replayed(summary, set(held)))
    elif summary.held:
        # A run kept these for the editor (a replay refused): calling them safe to post again
        # hid that they wait for the editor's word.
        for batch in summary.held:
            n = batch.number
            lines.append(
                f"  in flight:   batch {n} may have been delivered already, and the last run "
                f"could not tell ({batch.error or 'see dopemail status'}): settle it by hand "
                f"with --mark-in-flight-sent {n} or --resend-in-flight {n}"
            )
        lines.extend(_replayed(summary, {b.number for b in summary.held}))
    elif summary.in_flight:
        lines.append("  in flight:   posted again under the same idempotency keys (safe)")
    if summary.batches or summary.holds_list:
        lines.append(f"  estimated:   about {duration(summary.estimate)}")
    else:
        lines.append("  estimated:   nothing to send")
    return lines


def _replayed(summary: SendSummary, waiting: set[int]) -> list[str]:
    """The plan's line for the batches in flight that the next run posts again under their
    keys: all but those ``waiting`` for the editor."""
    safe = [b.number for b in summary.in_flight if b.number not in waiting]
    if not safe:
        return []
    numbers = ", ".join(map(str, safe))
    return [f"               batch {numbers}: posted again under the same idempotency keys (safe)"]


def _where(summary: SendSummary) -> str:
    folder = summary.outbox_folder()
    if folder is not None:
        return f"outbox (no account: one .eml file per reader in {folder})"
    return f"{summary.provider} ({summary.endpoint})"


def describe_result(summary: SendSummary) -> list[str]:
    """What a real send did."""
    issue = summary.issue
    if summary.mode == "test":
        folder = summary.outbox_folder(test=True)
        if folder is not None:  # where to open it
            copy = f"wrote a test copy of issue {issue.issue_id} in {folder}"
            return [f"{copy}; the ledger is unchanged"]
        return [
            f"sent a test copy of issue {issue.issue_id} via {summary.provider}"
            + (f" (id {summary.test_id})" if summary.test_id else "")
            + "; the ledger is unchanged"
        ]
    if summary.holds_list:
        done = "posted to the whole list" if summary.sent else "already posted: nothing to do"
        return [f"issue {issue.issue_id} via {summary.provider}: {done}", *_mark_sent(summary)]
    lines = [
        f"issue {issue.issue_id} via {summary.provider}: sent {summary.sent:,}, "
        f"failed {summary.failed:,} this run ({summary.already_sent + summary.sent:,} sent "
        "in all)"
    ]
    folder = summary.outbox_folder()
    if folder is not None and summary.sent:
        # "sent 3" of the default provider read as mailed, and the next line said to mark the
        # issue sent: no reader had it.
        lines.append(
            f"no one was mailed: the outbox wrote each message as a file in {folder} (to read, "
            "or for a program that mails them on); to mail the readers, set [send] provider in "
            f"{CONFIG_NAME} (README: Providers)"
        )
    if summary.skipped is not None and summary.skipped.total:
        where = f"; list in {summary.skipped.path}" if summary.skipped.path else ""
        lines.append(f"skipped {summary.skipped.total:,} ({summary.skipped.summary()}){where}")
    if summary.failed:
        lines.append(f"see the failures with: dopemail status {issue.number}")
    if summary.stopped:
        lines.append(f"stopped: run 'dopemail send {issue.number} --yes' to resume")
    return lines + _mark_sent(summary)


def _mark_sent(summary: SendSummary) -> list[str]:
    # The README's last step, once every reader has it: forgotten, the archive said 'ready'
    # and a later edit that changed what readers were sent went untold.
    issue = summary.issue
    # (A reader who failed in an earlier run stays failed: not every reader has it.)
    done = not (summary.failed or summary.failed_before or summary.stopped or summary.unsettled)
    if not done or issue.status == "sent" or not (summary.sent or summary.already_sent):
        return []
    # Committed and pushed at once: another clone has no ledger, and the status is all that
    # keeps it from mailing every reader again.
    mark = (
        f"set 'status: sent' in {issue.source}, then run dopemail build; in git, commit and "
        "push that change now (other clones have no send ledger: that status is what keeps "
        "them from mailing the issue again)"
    )
    folder = summary.outbox_folder()
    if folder is not None:
        return [f"next: once the files in {folder} are mailed on, {mark}"]
    return [f"next: {mark}"]


def describe_status(report: StatusReport) -> list[str]:
    """``dopemail status``'s report."""
    if report.issue_id is None and report.marked_sent:
        # The sample's issues 1 and 2, or a copy of a publication whose ledger stayed behind:
        # "nothing sent yet" of an issue its file says went out read as a contradiction.
        return [
            f"issue {report.issue}: nothing sent from here (this copy's ledger, {LEDGER_PATH}, "
            "has no send of it), though its file says 'status: sent': it went out from another "
            "copy of the publication, or before this ledger was kept"
        ]
    if report.issue_id is None:
        return [f"issue {report.issue}: nothing sent yet"]
    counts = report.counts
    # This machine's clock and zone, named: the ledger keeps seconds since the epoch.
    when = time.strftime("%Y-%m-%d %H:%M %Z", time.localtime(report.started_at or 0))
    readers = sum(counts.values()) - counts["skipped"]
    from .run import where

    provider = report.provider or "?"
    lines = [
        f"issue {report.issue_id} via {where(provider, report.endpoint, report.issue_id)}, "
        f"started {when}"
    ]
    if report.configured is not None:
        name, endpoint = report.configured
        went = counts["sent"] + counts["failed"] + counts["in_flight"]
        if went and (name != provider or report.endpoint not in (None, endpoint)):
            lines.append(
                f"  dopemail.toml now says {where(name, endpoint, report.issue_id)}: the next "
                f"send refuses until told --start-over-with-new-provider or "
                "--continue-with-new-provider"
            )
    if report.provider == Buttondown.name:  # one post stands for the list the provider holds
        state = next((s for s in ("sent", "in_flight", "failed") if counts[s]), "pending")
        done = {"sent": "posted", "in_flight": "in flight", "failed": "failed"}.get(state)
        lines.append(f"  {done or 'not posted yet'} to {report.provider}'s own subscriber list")
        # Why its post waits for the editor, and what to look at in Buttondown: the line above
        # alone left the editor to guess what to settle.
        lines += [f"  batch {b.number} in flight: {b.error}" for b in report.in_flight if b.error]
        return lines
    lines.append(
        f"  sent {counts['sent']:,} · failed {counts['failed']:,} · pending "
        f"{counts['pending']:,} · in flight {counts['in_flight']:,} · of {readers:,} readers"
    )
    if counts["skipped"]:
        # Queued from one row, then taken out: a later row of the list (unsubscribed, say),
        # or gone from it at a later run. Their rows may also be in the report below.
        lines.append(
            f"  taken off the queue by the list (unsubscribed, bounced or removed): "
            f"{counts['skipped']:,}"
        )
    if report.running and report.in_flight:
        lines.append("  a dopemail send is running now: the batches in flight are being posted")
    for batch in report.in_flight:
        why = f" ({batch.error})" if batch.error else ""
        lines.append(f"  batch {batch.number} in flight: {batch.size} recipients{why}")
    if report.failures:
        lines.append("  failures:")
        lines += [f"    {email}: {reason}" for email, reason in report.failures]
    if report.skip_report:
        # Not in the counts above, which are the readers the send took on: the dry run's
        # "skipped" rows (unsubscribed, bounced, invalid, duplicate) were never among them.
        rows = _data_rows(report.skip_report)
        lines.append(
            f"  rows of the list not mailed (unsubscribed, bounced, invalid, duplicate...): "
            f"{rows:,}, listed in {report.skip_report}"
        )
    return lines


def _data_rows(path: Path) -> int:
    """How many rows a skip report holds below its header, but those of readers queued and
    then taken back by a later row of the list: the status counts them as taken off."""
    import csv

    from .subscribers import LATER_LINE

    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle)
        next(rows, None)
        return sum(1 for row in rows if not (len(row) > 2 and row[2].endswith(LATER_LINE)))


__all__ = [
    "ProgressBar",
    "Reporter",
    "StatusReport",
    "describe_plan",
    "describe_result",
    "describe_status",
    "duration",
    "send_status",
]
