"""The ledger remembers which provider and endpoint sent an issue: a send through another one
is refused until the editor says whether the earlier sends were a rehearsal or real."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sendserver import KEY, env, make_workspace

from dopemail.cli import cli
from dopemail.send.ledger import LEDGER_PATH
from dopemail.send.loopback import LoopbackServer


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer(key=KEY) as running:
        yield running


def run(root: Path, *args: str, provider: str = "postmark") -> tuple[int, str]:
    result = CliRunner().invoke(
        cli,
        [*args, "--root", str(root)],
        env={**env("outbox"), **env(provider)},
        catch_exceptions=False,
    )
    return result.exit_code, result.output


def use(root: Path, provider: str, url: str) -> None:
    """Point dopemail.toml at ``provider`` on ``url``, as an editor would."""
    path = root / "dopemail.toml"
    text = re.sub(r'(?m)^provider = ".*"$', f'provider = "{provider}"', path.read_text())
    text = re.sub(r"(?ms)^\[send\.postmark\].*?(?=^\[|\Z)", "", text)
    path.write_text(text + f'\n[send.postmark]\nbase_url = "{url}"\n')


def test_a_send_through_another_provider_is_refused_until_the_editor_says(server, tmp_path) -> None:
    root = make_workspace(tmp_path, subscribers=50)
    code, output = run(root, "send", "1", "--yes", "--no-progress")
    assert code == 0 and "sent 50" in output
    use(root, "postmark", server.url)
    # The dry run says so; --yes refuses, naming both and what went out.
    code, output = run(root, "send", "1")
    assert code == 0 and "The provider changed since its sending started" in output
    code, output = run(root, "send", "1", "--yes", "--no-progress")
    assert code == 1, output
    assert "50 readers were sent issue 1 via outbox (files in outbox/1-first-issue/)" in output
    assert f"dopemail.toml now says postmark ({server.url})" in output
    assert "--start-over-with-new-provider" in output
    assert "--continue-with-new-provider" in output
    assert server.requests == []
    code, output = run(root, "status", "1")
    assert "via outbox (files in outbox/1-first-issue/)" in output
    assert f"dopemail.toml now says postmark ({server.url})" in output
    # A rehearsal: everyone gets it through the real provider.
    code, output = run(
        root, "send", "1", "--yes", "--no-progress", "--start-over-with-new-provider"
    )
    assert code == 0 and "sent 50" in output, output
    assert server.delivered() == 50
    code, output = run(root, "status", "1")
    assert f"via postmark ({server.url})" in output and "sent 50 ·" in output
    assert "now says" not in output


def test_another_endpoint_of_the_same_provider_counts_too(server, tmp_path) -> None:
    root = make_workspace(tmp_path, provider="postmark", server=server, subscribers=10)
    code, output = run(root, "send", "1", "--yes", "--no-progress")
    assert code == 0 and server.delivered() == 10
    with LoopbackServer(key=KEY) as other:
        use(root, "postmark", other.url)
        code, output = run(root, "send", "1", "--yes", "--no-progress")
        assert code == 1 and f"via postmark ({server.url})" in output
        assert f"now says postmark ({other.url})" in output and other.requests == []
        # They did get it: only readers who joined since go through the new endpoint.
        (root / "subscribers.csv").open("a").write("new@example.com,New,subscribed,,\n")
        code, output = run(
            root, "send", "1", "--yes", "--no-progress", "--continue-with-new-provider"
        )
        assert code == 0 and "sent 1, failed 0 this run (11 sent in all)" in output, output
        assert dict(other.deliveries) == {"new@example.com": 1}


def test_an_older_ledger_without_endpoints_keeps_working(server, tmp_path) -> None:
    root = make_workspace(tmp_path, provider="postmark", server=server, subscribers=4)
    run(root, "send", "1", "--yes", "--no-progress")
    db = sqlite3.connect(root / LEDGER_PATH)
    for table in ("issues", "batches"):  # as the ledger was before endpoints were recorded
        db.execute(f"ALTER TABLE {table} DROP COLUMN endpoint")
    db.commit()
    db.close()
    (root / "subscribers.csv").open("a").write("new@example.com,New,subscribed,,\n")
    code, output = run(root, "send", "1")  # the dry run reads the old file as it is
    assert code == 0 and "1 to send (4 already sent" in output
    code, output = run(root, "send", "1", "--yes", "--no-progress")
    assert code == 0 and "sent 1," in output, output  # same provider: its endpoint is adopted
    code, output = run(root, "status", "1")
    assert f"via postmark ({server.url})" in output
