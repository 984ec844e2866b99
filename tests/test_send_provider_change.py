"""The ledger remembers which provider and endpoint sent an issue: a send through another one
is refused until the editor says whether the earlier sends were a rehearsal or real."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from sendserver import KEY, base_url, env, make_workspace

from dopemail.cli import cli
from dopemail.errors import SendError
from dopemail.send import ledger
from dopemail.send.ledger import LEDGER_PATH, Ledger
from dopemail.send.loopback import LoopbackServer
from dopemail.send.providers.outbox import Outbox
from dopemail.send.report import send_status


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


def test_a_ledger_checking_states_with_an_in_list_is_rebuilt_by_the_next_send(
    server, tmp_path, monkeypatch
) -> None:
    # 'state IN (...)' cost 5 µs at every write of a reader (SQLite makes a temporary index
    # of the list each time). A ledger made with it is rebuilt by the next real send, its rows
    # whole; the dry run and status, which may run beside a send, leave the file as it is.
    root = make_workspace(tmp_path, provider="postmark", server=server, subscribers=4)
    run(root, "send", "1", "--yes", "--no-progress")
    db = sqlite3.connect(root / LEDGER_PATH)
    made = db.execute("SELECT sql FROM sqlite_master WHERE name = 'recipients'").fetchone()[0]
    assert "state IN (" not in made and "state = 'skipped'" in made
    old = re.sub(
        r"CHECK \(state = [^)]*\)",
        "CHECK (state IN ('pending', 'in_flight', 'sent', 'failed', 'skipped'))",
        made,
    ).replace("recipients", "recipients_old", 1)
    db.execute(old)
    db.execute(
        "INSERT INTO recipients_old (rowid, issue, key, email, name, seq, state, batch, "
        "message_id, error, scan, updated_at) SELECT rowid * 10, * FROM recipients"
    )
    db.execute("DROP TABLE recipients")
    db.execute("ALTER TABLE recipients_old RENAME TO recipients")
    db.execute("CREATE INDEX recipients_queue ON recipients (issue, state, seq)")
    db.execute("CREATE INDEX recipients_batch ON recipients (issue, batch)")
    db.execute("PRAGMA user_version = 0")  # as ledgers were before they had a version
    db.commit()

    def table() -> tuple[str, list[tuple[object, ...]]]:
        sql = db.execute("SELECT sql FROM sqlite_master WHERE name = 'recipients'").fetchone()[0]
        return sql, db.execute("SELECT rowid, * FROM recipients ORDER BY rowid").fetchall()

    before = table()
    assert "state IN (" in before[0] and len(before[1]) == 4
    (root / "subscribers.csv").open("a").write("new@example.com,New,subscribed,,\n")
    assert run(root, "send", "1")[0] == 0 and run(root, "status", "1")[0] == 0
    assert table() == before
    # Not stamped by status, a read (beside a send, it waited for the send's lock to write).
    assert db.execute("PRAGMA user_version").fetchone() == (0,)
    # A rebuild that fails half way (here, at its indexes) leaves the old table whole.
    monkeypatch.setattr(ledger, "_RECIPIENTS_INDEXES", ("CREATE INDEX broken ON nowhere (x)",))
    with pytest.raises(SendError):
        Ledger(root / LEDGER_PATH, upgrade=lambda _: None)
    assert table() == before
    monkeypatch.undo()
    code, output = run(root, "send", "1", "--yes", "--no-progress")
    assert code == 0 and "sent 1," in output, output
    assert "Bringing the send ledger up to date, once" in output
    indexes = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"recipients_queue", "recipients_batch"} <= indexes  # made again with the table
    assert "send ledger up to date" not in run(root, "send", "1", "--yes", "--no-progress")[1]
    sql, rows = table()
    assert "state IN (" not in sql and "state = 'in_flight'" in sql
    assert db.execute("PRAGMA user_version").fetchone() == (ledger.SCHEMA_VERSION,)

    def unscanned(rows: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
        return [row[:10] + row[11:] for row in rows]  # (each send's sync marks them seen again)

    assert unscanned(rows[:4]) == unscanned(before[1])
    assert [row[0] for row in rows[:4]] == [10, 20, 30, 40]  # their rowids kept
    assert rows[4][2] == "new@example.com" and rows[4][6] == "sent"
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("UPDATE recipients SET state = 'lost' WHERE rowid = 10")
    db.close()


def switch(root: Path, provider: str, server: LoopbackServer) -> None:
    """Point dopemail.toml at ``provider`` on the loopback ``server``."""
    path = root / "dopemail.toml"
    text = re.sub(r'(?m)^provider = ".*"$', f'provider = "{provider}"', path.read_text())
    text = re.sub(r"(?ms)^\[send\.[a-z]+\].*?(?=^\[|\Z)", "", text)
    path.write_text(text + f'\n[send.{provider}]\nbase_url = "{base_url(provider, server)}"\n')


@pytest.mark.parametrize(
    ("first", "elsewhere"),
    [("resend", True), ("postmark", False)],
    ids=["resend-on-another-endpoint", "postmark-then-resend-on-the-same-one"],
)
def test_a_batch_in_flight_is_not_replayed_through_another_endpoint_or_provider(
    server, tmp_path, monkeypatch, first: str, elsewhere: bool
) -> None:
    # Killed once its first batch was delivered, before the answer was recorded; then the
    # editor carries on through Resend, on another server (which never saw the batch's key)
    # or on the same one after Postmark (which took no key): replayed under its key there,
    # the batch went out a second time. It is the editor's to settle.
    from dopemail.send.providers.postmark import Postmark
    from dopemail.send.providers.resend import Resend

    root = make_workspace(tmp_path, provider=first, server=server, subscribers=5)
    adapter = {"resend": Resend, "postmark": Postmark}[first]
    real = adapter.send

    def killed(self, batch):  # type: ignore[no-untyped-def]
        real(self, batch)
        raise KeyboardInterrupt  # as kill -9: delivered, the answer never recorded

    monkeypatch.setattr(adapter, "send", killed)
    code, output = run(root, "send", "1", "--yes", "--no-progress", provider=first)
    assert code == 130, output
    monkeypatch.setattr(adapter, "send", real)
    assert len(server.requests) == 1 and server.delivered() == 5
    with LoopbackServer(key=KEY) as other:
        then = other if elsewhere else server
        switch(root, "resend", then)
        args = ("send", "1", "--yes", "--no-progress", "--continue-with-new-provider")
        code, output = run(root, *args, provider="resend")
        assert code == 1, output
        assert "may or may not have been delivered" in output, output
        assert "batch 1 (5 recipients: reader00001@example.com" in output, output
        assert "--mark-in-flight-sent" in output
        assert len(server.requests) == 1 and other.requests == []
        assert len(server.deliveries) == 5 and set(server.deliveries.values()) == {1}


@pytest.mark.parametrize(("first", "then"), [("resend", "buttondown"), ("buttondown", "resend")])
def test_carrying_on_to_or_from_a_provider_that_keeps_its_own_list_is_refused(
    server, tmp_path, first: str, then: str
) -> None:
    # Buttondown posts an issue to its whole list: carrying on "to the others only" would
    # mail everyone again (its list holds those the other provider reached; or, the other
    # way, nothing says which of the readers it reached).
    root = make_workspace(tmp_path, provider=first, server=server, subscribers=6)
    code, output = run(root, "send", "1", "--yes", "--no-progress", provider=first)
    assert code == 0, output
    posted = len(server.requests)
    switch(root, then, server)
    code, output = run(root, "send", "1", provider=then)  # the dry run says so already
    assert code == 0 and "cannot carry on" not in output
    args = ("send", "1", "--yes", "--no-progress", "--continue-with-new-provider")
    code, output = run(root, *args, provider=then)
    assert code == 1, output
    assert "it cannot carry on to the readers not sent it yet (Buttondown sends an issue to " in (
        " ".join(output.split())
    )
    assert "--start-over-with-new-provider" in output
    assert len(server.requests) == posted, "posted through the new provider"
    code, output = run(root, "send", "1", *args[2:4], provider=then)
    assert code == 1 and "--continue-with-new-provider" not in output  # not offered either
    code, output = run(
        root, "send", "1", "--yes", "--no-progress", "--start-over-with-new-provider", provider=then
    )
    assert code == 0, output
    assert len(server.requests) > posted


def test_the_providers_that_keep_their_own_list_are_those_named_so() -> None:
    from dopemail.send.providers import (
        LIST_HOLDERS,
        buttondown,
        mailgun,
        outbox,
        postmark,
        resend,
        sendgrid,
    )

    classes = [
        buttondown.Buttondown,
        mailgun.Mailgun,
        outbox.Outbox,
        postmark.Postmark,
        resend.Resend,
        sendgrid.SendGrid,
    ]
    assert {c.name for c in classes if c.holds_list} == LIST_HOLDERS


def test_an_outbox_batch_left_in_flight_is_looked_for_in_the_outbox_folder(
    server, tmp_path, monkeypatch
) -> None:
    # A rehearsal through the outbox killed while writing batch 2, then the real provider,
    # carrying on: the hint said to look the batch up in "outbox's activity log", which is
    # no such thing. Its readers' files are in the outbox's folder, some of them only.
    root = make_workspace(tmp_path, subscribers=15, send="batch_size = 10")
    real = Outbox.send

    def killed_while_writing(self, batch):
        if batch.number == 2:
            real(self, replace(batch, letters=batch.letters[:2]))
            raise KeyboardInterrupt
        return real(self, batch)

    monkeypatch.setattr(Outbox, "send", killed_while_writing)
    code, output = run(root, "send", "1", "--yes", "--no-progress")
    assert code == 130, output  # stopped as a second Ctrl-C, or kill -9, stops it
    monkeypatch.setattr(Outbox, "send", real)
    folder = root / "outbox" / "1-first-issue"
    batch_2 = [f"reader{n:05d}@example.com" for n in range(11, 16)]
    written = sorted(f for f in folder.glob("*.eml") if f.name.split("-")[0] in batch_2)
    assert [f.name.split("-")[0] for f in written] == batch_2[:2]
    use(root, "postmark", server.url)
    code, output = run(root, "send", "1", "--yes", "--no-progress", "--continue-with-new-provider")
    said = " ".join(output.split())
    assert code == 1 and "activity log" not in said, said
    assert (
        "look in outbox/1-first-issue/ for these readers' files (one each, its name starting "
        "with the address; a batch cut short may have written some of them only)" in said
    )
    assert "'dopemail send 1 --yes --mark-in-flight-sent 2' if every one has its file" in said
    assert (
        "'dopemail send 1 --yes --resend-in-flight 2' if any has none (the whole batch goes "
        "again via Postmark: first delete its files that are there" in said
    )
    assert server.requests == []
    # As it says: three have none, so the two files go, and the batch goes again via postmark.
    for file in written:
        file.unlink()
    code, output = run(root, "send", "1", "--yes", "--no-progress", "--resend-in-flight")
    assert code == 0, output
    assert dict(server.deliveries) == dict.fromkeys(batch_2, 1)


def killed_on_its_first_outbox_batch(root: Path, monkeypatch) -> None:
    """A rehearsal through the outbox stopped (as kill -9 stops it) while writing batch 1:
    the batch left in flight, its first reader's file written, nothing sent."""
    real = Outbox.send

    def killed(self, batch):  # type: ignore[no-untyped-def]
        real(self, replace(batch, letters=batch.letters[:1]))
        raise KeyboardInterrupt

    monkeypatch.setattr(Outbox, "send", killed)
    code, output = run(root, "send", "1", "--yes", "--no-progress")
    assert code == 130, output
    monkeypatch.setattr(Outbox, "send", real)
    status = ledger.read_counts(root / LEDGER_PATH, 1)
    assert status["in_flight"] == 10 and status["sent"] == 0, status


def test_a_rehearsal_stopped_with_a_batch_in_flight_still_asks_about_the_change(
    server, tmp_path, monkeypatch
) -> None:
    # Nothing marked sent, but a batch in flight: it may have gone out through the old
    # provider. The change is the editor's to call, as when readers were sent it, not a quiet
    # switch followed by a question about the batch alone.
    root = make_workspace(tmp_path, subscribers=15, send="batch_size = 10")
    killed_on_its_first_outbox_batch(root, monkeypatch)
    use(root, "postmark", server.url)
    code, output = run(root, "send", "1", "--yes", "--no-progress")
    said = " ".join(output.split())
    assert code == 1, said
    assert "was being sent via outbox (files in outbox/1-first-issue/)" in said, said
    assert f"dopemail.toml now says postmark ({server.url})" in said, said
    assert "10 are in a batch left without an answer" in said, said
    assert "--start-over-with-new-provider" in said and "--continue-with-new-provider" in said
    assert server.requests == []
    with Ledger(root / LEDGER_PATH) as opened:
        assert opened.started(1).provider == "outbox"  # not switched behind the editor's back


def test_starting_afresh_closes_the_old_provider_s_batches_in_flight(
    server, tmp_path, monkeypatch
) -> None:
    # A rehearsal's batch left in flight is forgotten with the rest of it: every reader gets
    # the issue once via the new provider, and no batch of the rehearsal waits for the editor.
    root = make_workspace(tmp_path, subscribers=15, send="batch_size = 10")
    killed_on_its_first_outbox_batch(root, monkeypatch)
    use(root, "postmark", server.url)
    code, output = run(
        root, "send", "1", "--yes", "--no-progress", "--start-over-with-new-provider"
    )
    assert code == 0 and "sent 15" in output, output
    readers = {f"reader{n:05d}@example.com" for n in range(1, 16)}
    assert dict(server.deliveries) == dict.fromkeys(readers, 1)
    status = send_status(root, "1")
    assert status.in_flight == [] and status.counts["sent"] == 15
    with Ledger(root / LEDGER_PATH) as opened:
        states = dict(opened.db.execute("SELECT number, state FROM batches WHERE issue = 1"))
    assert states[1] == "released", states
