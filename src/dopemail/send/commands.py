"""``dopemail send`` and ``dopemail status``: thin commands over :mod:`dopemail.send.run`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..cli_support import reports_send_errors, root_option
from ..errors import printable


@click.command()
@click.argument("issue")
@click.option("--yes", is_flag=True, help="Send for real (without it: a dry run).")
@click.option(
    "--test",
    "test_to",
    metavar="ADDRESS",
    help="Send one copy, marked [TEST], to ADDRESS; the ledger is not touched.",
)
@click.option(
    "--resend-in-flight",
    is_flag=False,
    flag_value="all",
    default=None,
    metavar="[BATCH,...]",
    help="Post again the batches a stopped send left without an answer (they did not arrive): "
    "all of them, or those numbered (e.g. 3,5).",
)
@click.option(
    "--mark-in-flight-sent",
    is_flag=False,
    flag_value="all",
    default=None,
    metavar="[BATCH,...]",
    help="Record the batches a stopped send left without an answer as sent (they arrived): "
    "all of them, or those numbered (e.g. 2).",
)
@click.option(
    "--start-over-with-new-provider",
    "start_over",
    is_flag=True,
    help="The provider or its base_url changed since this issue's sending started, and what "
    "went out before was a rehearsal: send it to every reader through the new one.",
)
@click.option(
    "--continue-with-new-provider",
    "carry_on",
    is_flag=True,
    help="The provider or its base_url changed, and the readers sent the issue before did get "
    "it: send it to the others only, through the new one.",
)
@click.option(
    "--as-built",
    is_flag=True,
    help="Send the files as they were built, even if the issue's sources changed since.",
)
@click.option("--no-progress", is_flag=True, help="No progress bar (for logs and CI).")
@root_option
@reports_send_errors
def send(
    issue: str,
    yes: bool,
    test_to: str | None,
    resend_in_flight: str | None,
    mark_in_flight_sent: str | None,
    start_over: bool,
    carry_on: bool,
    as_built: bool,
    no_progress: bool,
    root: Path,
) -> None:
    """Send built issue ISSUE (its number, or its folder's name: 3-quiet-hours) to the
    subscribers; a dry run unless --yes.

    Run it again after any interruption: it resumes where it stopped and mails nobody twice.

    Example: dopemail send 12 --yes
    """
    from .report import Reporter, describe_plan, describe_result
    from .run import SendOptions, send_issue

    if (
        resend_in_flight
        and mark_in_flight_sent
        and "all" in (resend_in_flight, mark_in_flight_sent)
    ):
        raise click.UsageError(
            "choose one of --resend-in-flight and --mark-in-flight-sent, or name the batches "
            "of each: --mark-in-flight-sent 2 --resend-in-flight 5"
        )
    if start_over and carry_on:
        raise click.UsageError(
            "choose one of --start-over-with-new-provider and --continue-with-new-provider"
        )
    if test_to is not None and not test_to.strip():
        # An empty address (an unset shell variable) would have made it a dry run, silently.
        raise click.UsageError("--test needs an address, e.g. --test you@example.com")
    options = SendOptions(
        yes,
        test_to,
        _batches("--resend-in-flight", resend_in_flight),
        _batches("--mark-in-flight-sent", mark_in_flight_sent),
        as_built,
        start_over=start_over,
        carry_on=carry_on,
    )
    try:
        summary = send_issue(root, issue, options, reporter=Reporter(progress=not no_progress))
    except KeyboardInterrupt:
        # Asked twice (Ctrl-C, SIGTERM): stopped at once, where one stop finishes the batch
        # being posted first. Said as that one is, not a bare "Aborted!".
        if yes and test_to is None:
            click.echo(
                f"\nstopped at once: run 'dopemail send {issue} --yes' to resume (a batch "
                f"left in flight is checked then; 'dopemail status {issue}' shows where it "
                "stands)",
                err=True,
            )
        else:
            click.echo("\nstopped: nothing was recorded", err=True)
        sys.exit(130)
    lines = describe_plan(summary) if summary.mode == "dry-run" else describe_result(summary)
    for line in lines:
        click.echo(printable(line))
    if summary.stopped:
        sys.exit(130)


def _batches(flag: str, value: str | None) -> bool | frozenset[int]:
    """An in-flight option's value: absent (False), bare (True: every batch), or numbers."""
    if value is None:
        return False
    if value == "all":
        return True
    try:
        numbers = frozenset(int(part) for part in value.replace(" ", "").split(",") if part)
    except ValueError:
        numbers = frozenset()
    if not numbers or min(numbers) < 1:
        raise click.UsageError(
            f"{flag} takes batch numbers, e.g. {flag} 2,5 (or none: every batch in flight); "
            f"got {value!r}"
        )
    return numbers


@click.command()
@click.argument("issue")
@click.option("--failures", default=10, show_default=True, help="How many failures to list.")
@root_option
@reports_send_errors
def status(issue: str, failures: int, root: Path) -> None:
    """Show how the sending of ISSUE stands: sent, failed, pending, in flight, skipped.

    Example: dopemail status 12
    """
    from .report import describe_status, send_status

    for line in describe_status(send_status(root, issue, failures)):
        click.echo(printable(line))
