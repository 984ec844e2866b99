"""Sending a built issue: subscribers x ledger x provider, exactly once.

The stages, each in its own module::

    subscribers.py  subscribers.csv -> validated rows, streamed; what is skipped and why
    issue.py        site/issues/<n>-<slug>/ -> the built issue (subject, HTML, text)
    current.py      the built issue against what its sources make now (edited since?)
    message.py      issue + recipient -> personal message: unsubscribe link and headers, .eml
    ledger.py       SQLite, one row per (issue, recipient): pending -> in_flight -> sent / failed
    providers/      one adapter per provider behind one protocol, over an injected httpx.Client
    retry.py        backoff with jitter, Retry-After, the rate cap
    run.py          the orchestrator: plan (dry run), test send, send, resume
    report.py       what it tells people: progress bar, plan, result, ``dopemail status``
    commands.py     the click commands ``dopemail send`` and ``dopemail status``

and, beside them, ``loopback.py``: a local stand-in for the providers (Resend, Postmark,
SendGrid, Mailgun, Buttondown), for tests, the benchmark and ``python -m
dopemail.send.loopback``.

The build writes the email once, the sender only fills in what differs per reader (the
unsubscribe link); it renders the issue once more, before sending, only to check that the
built files are still what the sources make.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Reporter", "SendOptions", "SendSummary", "send_issue", "send_status"]


def __getattr__(name: str) -> Any:
    # Imported on first use, so that `dopemail build` does not pay for httpx, rich and sqlite.
    if name == "send_status":
        from .report import send_status

        return send_status
    if name in __all__:
        from . import run

        return getattr(run, name)
    raise AttributeError(name)
