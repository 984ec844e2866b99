"""Addresses and names a header cannot hold, and a batch that fails before it is posted: skipped
or cleaned when the list is read, and never left in flight."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console
from sendserver import KEY, env, make_workspace, readers

from dopemail.cli import cli
from dopemail.errors import SendError
from dopemail.send.loopback import LoopbackServer
from dopemail.send.report import Reporter, send_status
from dopemail.send.run import SendOptions, send_issue

YES = SendOptions(yes=True)
ROWS = [
    ("josé@example.com", "José", "subscribed", "", ""),
    ("ada@example.com", "Ada\nLovelace", "subscribed", "", ""),
    ("bob@bücher.example", "Bob\r\nBücher", "subscribed", "", ""),
    ("tab@example.com", "Tab\tby\x07name", "subscribed", "", ""),
    ('"john doe"@example.com', "John", "subscribed", "", ""),
]


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer(key=KEY) as running:
        yield running


def quiet() -> Reporter:
    return Reporter(Console(file=io.StringIO(), width=200), progress=False)


@pytest.mark.parametrize("provider", ["postmark", "outbox"])
def test_unsendable_addresses_are_skipped_and_names_cleaned(provider, server, tmp_path) -> None:
    root = make_workspace(tmp_path, provider=provider, server=server, subscribers=ROWS)
    summary = send_issue(root, "1", YES, env=env(provider), reporter=quiet())
    assert (summary.sent, summary.failed) == (3, 0)
    assert summary.skipped is not None and summary.skipped.counts == {"invalid": 2}
    ((line, email, reason), quoted) = summary.skipped.examples
    assert (line, email) == (2, "josé@example.com")
    assert "characters before the @-sign are not supported: 'é'" in reason
    # Valid (RFC 5322), but not mailed: said as unsupported, as josé@ is, not as not allowed.
    assert quoted == (
        8,  # (the names with line breaks take two lines each)
        '"john doe"@example.com',
        "invalid: Quoting the part before the @-sign is not supported: '\"john doe\"'.",
    )
    report = (root / ".dopemail" / "1-first-issue-skipped.csv").read_text(encoding="utf-8")
    assert "josé@example.com,invalid" in report
    if provider == "postmark":
        sent = {m["To"] for r in server.requests for m in r.json()}
        # The IDN domain goes out in its ASCII form, the line breaks in names as spaces.
        assert sent == {
            "Ada Lovelace <ada@example.com>",
            "=?utf-8?q?Bob_B=C3=BCcher?= <bob@xn--bcher-kva.example>",
            "Tab by name <tab@example.com>",
        }
    else:
        files = sorted((root / "outbox" / "1-first-issue").glob("*.eml"))
        heads = [f.read_bytes().split(b"\r\n\r\n")[0] for f in files]
        assert any(b"To: Ada Lovelace <ada@example.com>" in h for h in heads)
        assert any(b"<bob@xn--bcher-kva.example>" in h for h in heads)
    assert send_status(root, "1").counts["in_flight"] == 0


def test_a_batch_that_cannot_be_composed_goes_back_to_the_queue(tmp_path, monkeypatch) -> None:
    root = make_workspace(tmp_path, subscribers=readers(3))
    # Composing the first message fails, before any is written (as the email package does
    # with a header it cannot hold; a subject with a line break is refused before this now).
    from dopemail.send.message import Composer

    def cannot(self, letter, date=None):
        raise ValueError("Header values may not contain linefeed or carriage return characters")

    monkeypatch.setattr(Composer, "eml", cannot)
    for _ in range(2):  # and resuming says the same, instead of a batch stuck in flight
        with pytest.raises(SendError, match=r"batch \d+ could not be made") as caught:
            send_issue(root, "1", YES, env=env(), reporter=quiet())
        assert "nothing of it was sent" in str(caught.value)
        assert send_status(root, "1").counts == {
            "pending": 3,
            "in_flight": 0,
            "sent": 0,
            "failed": 0,
            "skipped": 0,
        }
    result = CliRunner().invoke(
        cli, ["send", "1", "--yes", "--no-progress", "--root", str(root)], env=env()
    )
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "its 3 readers (reader00001@example.com" in result.output
    assert "are back in the queue" in result.output
    assert not list(Path(root / "outbox").rglob("*.eml"))
