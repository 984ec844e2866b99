"""The subscriber list: what is mailed, what is skipped and why, and that it is streamed."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest
from sendserver import REPO, readers, write_subscribers

from dopemail.errors import SendError
from dopemail.send.ledger import Ledger
from dopemail.send.subscribers import SkipReport, read_subscribers


def sync(root: Path, path: Path, report: SkipReport | None = None) -> tuple[Ledger, SkipReport]:
    ledger = Ledger(root / "ledger.sqlite")
    ledger.start(1, "1-x", "digest", "outbox", "outbox")
    report = report or SkipReport()
    ledger.sync(1, read_subscribers(path), report)
    return ledger, report


def test_each_row_is_checked_and_every_skip_has_a_reason(tmp_path) -> None:
    path = tmp_path / "subscribers.csv"
    path.write_text(
        "\ufeffEmail, Name ,STATUS,subscribed_at,tags\n"  # a BOM, spaces, any case
        'ada@Example.COM,"Lovelace, Ada",Subscribed,2024-01-01,film;events\n'
        "\n"
        "bob@example.com,Bob,unsubscribed,2024-01-02,\n"
        "carol@example.com,Carol,bounced,2024-01-03,\n"
        "dan@example.com,Dan,complained,2024-01-03,\n"
        "erin@example.com,Erin,pending,2024-01-03,\n"
        "fay@example.com,Fay,,2024-01-03,\n"
        "no-at-sign,Nobody,subscribed,2024-01-04,\n"
        ",Empty,subscribed,2024-01-04,\n"
        "ADA@example.com,Ada again,subscribed,2024-01-05,\n"
        "gus@example.com,Gus,active,2024-01-06\n",
        encoding="utf-8",
    )
    rows = list(read_subscribers(path))
    assert rows[0].email == "ada@example.com" and rows[0].name == "Lovelace, Ada"
    assert rows[0].line == 2 and rows[1].line == 4  # blank lines are not rows
    ledger, report = sync(tmp_path, path)
    assert [r.email for r in ledger.next_pending(1, 10)] == ["ada@example.com", "gus@example.com"]
    assert report.counts == {
        "unsubscribed": 1,
        "bounced": 1,
        "complained": 1,
        "not subscribed": 2,
        "invalid": 2,
        "duplicate": 1,
    }
    reasons = {email: reason for _, email, reason in report.examples}
    assert (
        reasons["erin@example.com"]
        == "not subscribed: status 'pending' (only 'subscribed' readers are mailed)"
    )
    assert reasons["fay@example.com"].startswith("not subscribed: no status")
    assert reasons["no-at-sign"].startswith("invalid: ")
    assert reasons["ADA@example.com"] == "duplicate: also on line 2"


def test_a_row_a_comma_split_or_a_status_misspelt_is_told_why(tmp_path) -> None:
    # A name's comma unquoted made 'Orson' the status: "not subscribed: status 'orson'"; a
    # status misspelt was skipped without the word it was meant to be.
    path = tmp_path / "subscribers.csv"
    path.write_text(
        "email,name,status,subscribed_at,tags\n"
        "orson@example.com,Welles, Orson,subscribed,2024-02-01,reviews\n"
        "rita@example.com,Rita,subscirbed,2024-02-01,\n"
        "ida@example.com,Ida,pending,2024-02-01,,\n"  # a cell more, its status its own
        "gus@example.com,Gus,subscribed,2024-02-01,film,\n"  # a cell more: still mailed
        "rex@example.com,Harrison, Rex,subscribed\n"  # short, as a list without the last columns
        "lev@example.com,Lev,inactive,2024-02-01,\n",  # not told 'active', its opposite
        encoding="utf-8",
    )
    ledger, report = sync(tmp_path, path)
    assert [r.email for r in ledger.next_pending(1, 10)] == ["gus@example.com"]
    reasons = {email: reason for _, email, reason in report.examples}
    assert reasons["orson@example.com"] == (
        'invalid: a comma made its name two cells: a name with a comma goes in quotes, "Welles, '
        'Orson"'
    )
    assert reasons["rex@example.com"].endswith('goes in quotes, "Harrison, Rex"')
    assert reasons["lev@example.com"] == (
        "not subscribed: status 'inactive' (only 'subscribed' readers are mailed)"
    )
    assert reasons["rita@example.com"] == (
        "not subscribed: status 'subscirbed' (did you mean 'subscribed'? only 'subscribed' "
        "readers are mailed)"
    )
    assert reasons["ida@example.com"].startswith("not subscribed: status 'pending'")


@pytest.mark.parametrize("status", ["unsubscribe", "Unsub", "unsubscribed-2024"])
def test_a_status_of_a_reader_who_left_in_other_words_is_unsubscribed(tmp_path, status) -> None:
    # 'unsubscribe' was "not subscribed ... (write 'subscribed' to mail)": a hint to mail a
    # reader who left, and their earlier 'subscribed' line was not taken back.
    path = write_subscribers(
        tmp_path,
        [
            ("ada@example.com", "", "subscribed", "", ""),
            ("ada@example.com", "", status, "", ""),
        ],
    )
    ledger, report = sync(tmp_path, path)
    assert ledger.next_pending(1, 10) == []
    assert report.counts == {"unsubscribed": 1, "unsubscribed on a later line": 1}


def test_an_unsubscribe_anywhere_in_the_file_wins(tmp_path) -> None:
    rows = [
        ("ada@example.com", "", "subscribed", "", ""),
        ("bob@example.com", "", "unsubscribed", "", ""),
        ("ada@example.com", "", "unsubscribed", "", ""),
        ("bob@example.com", "", "subscribed", "", ""),
    ]
    ledger, report = sync(tmp_path, write_subscribers(tmp_path, rows))
    assert ledger.next_pending(1, 10) == []
    assert ledger.counts(1)["skipped"] == 1  # ada was queued, then taken out
    # (ada's first row counted too: every row of the list once)
    assert report.counts == {"unsubscribed": 2, "duplicate": 1, "unsubscribed on a later line": 1}


def test_the_skip_report_lists_every_row_in_a_csv(tmp_path) -> None:
    rows = [
        *readers(2),
        ("x", "", "subscribed", "", ""),
        ("bob@example.com", "", "bounced", "", ""),
    ]
    report = SkipReport(tmp_path / "skipped.csv")
    sync(tmp_path, write_subscribers(tmp_path, rows), report)
    assert (tmp_path / "skipped.csv").read_text().splitlines() == [
        "line,email,reason,detail",
        "4,x,invalid,An email address must have an @-sign.",
        "5,bob@example.com,bounced,",
    ]


def test_a_list_without_an_email_column_is_refused_with_its_line(tmp_path) -> None:
    path = tmp_path / "subscribers.csv"
    path.write_text("address,name\nada@example.com,Ada\n")
    with pytest.raises(SendError, match="no 'email' column") as caught:
        list(read_subscribers(path))
    assert caught.value.line == 1 and "email,name,status" in caught.value.hint


@pytest.mark.parametrize(
    ("header", "hint"),
    [
        # No status at all: everyone would be mailed, those who unsubscribed with them.
        ("email,name", "email,name,status"),
        ("email,name,subscription_status", "rename the column 'subscription_status' to 'status'"),
        ("Email,Name,Statut", "rename the column 'Statut' to 'status'"),
        # The usual header but the status: no column of its own is taken for it.
        ("email,name,subscribed_at,tags", "email,name,status,subscribed_at,tags"),
    ],
)
def test_a_list_without_a_status_column_mails_no_one(header, hint, tmp_path) -> None:
    path = tmp_path / "subscribers.csv"
    path.write_text(f"{header}\nada@example.com,Ada,subscribed\nbob@example.com,Bob,unsubscribed\n")
    with pytest.raises(SendError, match="no 'status' column, so it does not say who") as caught:
        list(read_subscribers(path))
    assert caught.value.line == 1 and hint in caught.value.hint
    assert "'tags'" not in caught.value.hint and "'subscribed_at'" not in caught.value.hint


@pytest.mark.parametrize(("mark", "named"), [(";", "semicolons"), ("\t", "tabs")])
def test_a_list_separated_by_semicolons_is_named_as_such(tmp_path, mark, named) -> None:
    # Tabs were told to "rename the column 'email<TAB>name<TAB>...' to 'email'", which left
    # a list of one column.
    path = tmp_path / "subscribers.csv"
    path.write_text(mark.join(["email", "name", "status"]) + "\nada@example.com" + mark + "Ada\n")
    with pytest.raises(SendError, match="no 'email' column") as caught:
        list(read_subscribers(path))
    assert f"separated by {named}" in caught.value.hint
    assert "rename the column" not in caught.value.hint


def test_a_missing_list_says_how_to_make_one(tmp_path) -> None:
    with pytest.raises(SendError, match="no subscriber list") as caught:
        list(read_subscribers(tmp_path / "nope.csv"))
    assert "[send] subscribers" in caught.value.hint


def test_a_large_list_is_streamed_not_loaded(tmp_path) -> None:
    count = 5_000
    path = write_subscribers(tmp_path, readers(count))
    ledger = Ledger(tmp_path / "ledger.sqlite")
    ledger.start(1, "1-x", "digest", "outbox", "outbox")
    tracemalloc.start()
    try:
        ledger.sync(1, read_subscribers(path), SkipReport())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert ledger.counts(1)["pending"] == count
    # Holding the rows would take ~300 bytes each (1.5 MB); streaming stays flat (~80 KB,
    # the same for 20,000 rows).
    assert peak < 400_000, f"peak {peak:,} bytes"


def test_the_sample_list_shows_each_kind_of_row() -> None:
    rows = list(read_subscribers(REPO / "subscribers.csv"))
    emails = [r.email for r in rows]
    assert all("@example" in e for e in emails)  # fictional addresses only
    kinds = {r.skip for r in rows}
    assert {"unsubscribed", "bounced", "invalid", None} <= kinds
    keys = [r.key for r in rows if r.key]
    assert len(keys) > len(set(keys)), "the sample should hold a duplicate"


def test_plain_addresses_take_a_short_way_to_the_same_answer() -> None:
    """check_address skips email-validator for plain addresses: same result, every time."""
    import random

    from email_validator import EmailNotValidError, validate_email

    from dopemail.send.subscribers import check_address

    def reference(raw: str) -> str | None:
        try:
            # No SMTPUTF8: a local part beyond ASCII cannot be sent (see check_address).
            return validate_email(raw, check_deliverability=False, allow_smtputf8=False).normalized
        except EmailNotValidError:
            return None

    def ours(raw: str) -> str | None:
        try:
            return check_address(raw)
        except ValueError:
            return None

    chance = random.Random(20240119)
    locals_ = [
        "ada",
        "Ada.Lovelace",
        "a+b",
        "x_y-z",
        "o'brien",
        "a..b",
        ".a",
        "a.",
        "Postmaster",
        "ABUSE",
        "a{b}|c",
        "a b",
        '"q"',
        "é",
        "a" * 70,
        "x=y?z^`~#$%&*/!",
    ]
    domains = [
        "example.com",
        "Example.COM",
        "ex-ample.org",
        "-bad.com",
        "bad-.com",
        "a..com",
        "localhost",
        "test",
        "x.test",
        "x.local",
        "x.invalid",
        "xn--bcher-kva.example",
        "xn--zz.example",
        "ab--cd.example",
        "1.2.3.4",
        "example.123",
        "a." * 130 + "com",
        "b" * 64 + ".com",
        "b" * 63 + ".com",
        "mail.example.co.uk",
        "exa_mple.com",
        "example.com.",
        "EXAMPLE.com",
        "ex.ample.c",
        "[1.2.3.4]",
        "",
        "bücher.example",
    ]
    cases = [f"{local}@{domain}" for local in locals_ for domain in domains]
    cases += ["no-at-sign", "a@b@c.com", "@example.com", "a@", "a" * 250 + "@example.com"]
    alphabet = "aZ09.-_+@'\"!#é ()<>[]\\,;:"
    cases += [
        "".join(chance.choice(alphabet) for _ in range(chance.randint(3, 20))) + "@example.com"
        for _ in range(500)
    ]
    for raw in cases:
        assert ours(raw) == reference(raw), raw


STRAY = [
    # The file ends inside the quote.
    (
        "email,name,status\n",
        'ada@example.com,"Ada, Lovelace,subscribed\nbob@example.com,Bob,subscribed\n'
        "cy@example.com,Cy,subscribed\n",
    ),
    # Another stray quote, lines later, closes it: the rows in between are one cell.
    (
        "email,name,status\n",
        'ada@example.com,"Ada, Lovelace,subscribed\nbob@example.com,Bob,subscribed\n'
        'cy@example.com,Cy",subscribed\ndee@example.com,Dee,subscribed\n',
    ),
    # The same with the address in the second column: it was missed, Ada and Bob dropped
    # and Cy mailed under a name made of both their rows.
    (
        "name,email,status\n",
        '"Ada, Lovelace,ada@example.com,subscribed\nBob,bob@example.com,subscribed\n'
        'Cy",cy@example.com,subscribed\nDee,dee@example.com,subscribed\n',
    ),
]


@pytest.mark.parametrize(
    ("header", "rows"), STRAY, ids=["to-the-end", "to-a-later-quote", "address-second"]
)
def test_a_stray_quote_stops_the_send_at_its_line(header, rows, tmp_path, monkeypatch) -> None:
    from click.testing import CliRunner
    from sendserver import env, make_workspace

    from dopemail.cli import cli
    from dopemail.send.ledger import LEDGER_PATH, read_counts

    root = make_workspace(tmp_path / "pub")
    (root / "subscribers.csv").write_text(header + rows, encoding="utf-8")
    monkeypatch.chdir(root)
    for args in (["send", "1"], ["send", "1", "--yes", "--no-progress"]):
        result = CliRunner().invoke(cli, args, env=env())
        assert result.exit_code == 1, result.output
        assert "subscribers.csv:2: a quote opened here is never closed" in result.output
        assert 'hint: close it (ada@example.com,"Ada, Lovelace",subscribed)' in result.output
    assert not (root / "outbox").exists()
    assert read_counts(root / LEDGER_PATH, 1)["sent"] == 0


@pytest.mark.parametrize("where", ["subscribers.csv", "lists/readers.csv"])
def test_a_merge_conflict_in_the_list_stops_the_send_and_the_dry_run(
    where, tmp_path, monkeypatch
) -> None:
    # Two editors adding readers: the marker lines were skipped as invalid addresses ("line
    # 3: <<<<<<< HEAD: invalid") and both sides' readers mailed.
    from click.testing import CliRunner
    from sendserver import env, make_workspace

    from dopemail.cli import cli
    from dopemail.send.ledger import LEDGER_PATH, read_counts

    root = make_workspace(tmp_path / "pub", send=f'subscribers = "{where}"')
    path = root / where
    path.parent.mkdir(exist_ok=True)
    path.write_text(
        "email,name,status\nada@example.com,Ada,subscribed\n<<<<<<< HEAD\n"
        "bob@example.com,Bob,subscribed\n=======\ncy@example.com,Cy,subscribed\n"
        ">>>>>>> 1a2b3c4 (Add Cy)\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(root)
    for args in (["send", "1"], ["send", "1", "--yes", "--no-progress"]):
        result = CliRunner().invoke(cli, args, env=env())
        assert result.exit_code == 1 and "Traceback" not in result.output, result.output
        assert (
            f"{where}:3: a merge conflict is left in it (lines 3-7): both versions are in the file"
        ) in result.output
        assert "hint: keep the lines you want, and delete the <<<<<<<" in result.output
    assert not (root / "outbox").exists()
    assert read_counts(root / LEDGER_PATH, 1)["sent"] == 0


def test_a_merge_conflict_is_found_wherever_it_is_in_a_long_list(tmp_path) -> None:
    # The list is searched a chunk at a time: a marker cut by a chunk's end is found too, at
    # the line the CSV reader counts (Windows line ends).
    from dopemail.send.subscribers import _CHUNK

    path = tmp_path / "subscribers.csv"
    head = "email,name,status\r\n"
    row = "reader@example.com,Reader,subscribed\r\n"
    last = "@example.com,,subscribed\r\n"
    end = _CHUNK - 3  # the marker's first 3 characters in the first chunk read
    rows = row * ((end - len(head) - len(last)) // len(row))
    before = head + rows + "x" * (end - len(head) - len(rows) - len(last)) + last
    assert len(before) == end
    path.write_bytes(
        (before + "<<<<<<< HEAD\r\na@b.com,,subscribed\r\n=======\r\n>>>>>>> x\r\n").encode()
    )
    line = before.count("\n") + 1
    with pytest.raises(SendError) as caught:
        list(read_subscribers(path))
    assert (caught.value.line, caught.value.message) == (
        line,
        f"a merge conflict is left in it (lines {line}-{line + 3}): both versions are in the file",
    )


def test_a_quoted_cell_over_several_lines_is_still_read(tmp_path) -> None:
    path = tmp_path / "subscribers.csv"
    path.write_text(
        'email,name,status\nada@example.com,"Ada\nLovelace",subscribed\n'
        'bob@example.com,"Bob ""the"" Builder",subscribed\n',
        encoding="utf-8",
    )
    rows = list(read_subscribers(path))
    assert [(r.email, r.name) for r in rows] == [
        ("ada@example.com", "Ada Lovelace"),
        ("bob@example.com", 'Bob "the" Builder'),
    ]


def test_an_outbox_it_cannot_write_is_the_editor_s_to_fix_not_a_bug(tmp_path, monkeypatch) -> None:
    # A file where the issue's outbox folder goes: "batch 1 could not be made
    # (FileExistsError...) ... this is a bug in dopemail", instead of what to do.
    from click.testing import CliRunner
    from sendserver import env, make_workspace

    from dopemail.cli import cli
    from dopemail.send.ledger import LEDGER_PATH, read_counts

    root = make_workspace(tmp_path / "pub")
    (root / "outbox").mkdir()
    (root / "outbox/1-first-issue").write_text("in the way\n", encoding="utf-8")
    monkeypatch.chdir(root)
    result = CliRunner().invoke(cli, ["send", "1", "--yes", "--no-progress"], env=env())
    assert result.exit_code == 1, result.output
    assert "outbox/1-first-issue" in result.output and "bug" not in result.output
    assert "hint: a file is in the way of a folder of that name" in result.output, result.output
    assert read_counts(root / LEDGER_PATH, 1)["in_flight"] == 0


@pytest.mark.parametrize("end", ["\r\n", "\n", "\r"], ids=["crlf", "lf", "cr"])
@pytest.mark.parametrize("bad_line", [1, 2, 901])
def test_a_list_that_is_not_utf8_is_reported_at_its_line(tmp_path, bad_line: int, end: str) -> None:
    # Read in chunks, the list was reported where the decoder was (line 840 for line 901, and
    # line 1 for an accent in the first row), with a position inside its chunk.
    rows = ["email,name,status,subscribed_at,tags"]
    rows += [f"u{i}@example.com,U{i},subscribed,2024-01-01," for i in range(1000)]
    if bad_line == 1:
        rows[0] = "email,name,status,subscribed_at,tags,pr\xe9nom"
    else:
        rows[bad_line - 1] = "x@example.com,Agn\xe8s,subscribed,2024-01-01,"
    path = tmp_path / "subscribers.csv"
    # A byte-order mark is no column; a lone \r ends a line, as the CSV reader reads it.
    path.write_bytes(b"\xef\xbb\xbf" + (end.join(rows) + end).encode("latin-1"))
    with pytest.raises(SendError) as caught:
        list(read_subscribers(path))
    column, letter = (40, "é") if bad_line == 1 else (18, "è")
    assert (caught.value.path, caught.value.line) == (str(path), bad_line)
    assert caught.value.message == (
        f"not UTF-8 text (invalid continuation byte at column {column}: '{letter}' saved in "
        "another encoding)"
    )
    assert caught.value.hint and "UTF-8" in caught.value.hint


def test_the_skipped_counts_are_written_as_the_total_is() -> None:
    # "skipped: 4,054 (2973 unsubscribed, 935 bounced, ...)": two ways of writing numbers.
    report = SkipReport()
    for line in range(2973):
        report.add(line, f"u{line}@example.com", "unsubscribed")
    report.add(9999, "b@example.com", "bounced")
    assert report.summary() == "2,973 unsubscribed, 1 bounced"


@pytest.mark.parametrize(
    ("header", "said"),
    [
        # The empty last column was read as everyone's status: all skipped, "no status".
        ("email,name,status,subscribed_at,tags,status", "'status' twice (columns 3 and 6)"),
        # The second column's addresses were mailed, the first's never.
        ("email,Email ,status", "'email' twice (columns 1 and 2)"),
    ],
)
def test_a_column_named_twice_stops_the_send_and_the_dry_run(
    header, said, tmp_path, monkeypatch
) -> None:
    from click.testing import CliRunner
    from sendserver import env, make_workspace

    from dopemail.cli import cli
    from dopemail.send.ledger import LEDGER_PATH, read_counts

    root = make_workspace(tmp_path / "pub")
    (root / "subscribers.csv").write_text(
        f"{header}\nada@example.com,bob@example.com,subscribed,2024-01-01,,\n", encoding="utf-8"
    )
    monkeypatch.chdir(root)
    for args in (["send", "1"], ["send", "1", "--yes", "--no-progress"]):
        result = CliRunner().invoke(cli, args, env=env())
        assert result.exit_code == 1 and "Traceback" not in result.output, result.output
        assert f"subscribers.csv:1: the header names {said}" in result.output
        assert "hint: keep one" in result.output
    assert not (root / "outbox").exists()
    assert read_counts(root / LEDGER_PATH, 1)["sent"] == 0


def test_columns_of_the_editor_s_own_may_repeat(tmp_path) -> None:
    # dopemail never reads them: a spreadsheet's empty trailing columns, two 'notes'.
    path = tmp_path / "subscribers.csv"
    path.write_text("email,name,status,notes,notes,,\nada@example.com,Ada,subscribed,a,b,,\n")
    assert [r.email for r in read_subscribers(path)] == ["ada@example.com"]
    # Nor these, which the header names but a send never reads: an export with two 'tags'
    # columns was refused.
    path.write_text("email,name,status,tags,tags\nada@example.com,Ada,subscribed,a,b\n")
    assert [r.email for r in read_subscribers(path)] == ["ada@example.com"]


def test_a_cell_too_long_to_read_names_its_column_and_the_likely_cause(tmp_path) -> None:
    # It said "unreadable CSV: field larger than field limit (131072)" and "save it as UTF-8
    # CSV", which would change nothing.
    path = tmp_path / "subscribers.csv"
    path.write_text(
        "email,name,status\nada@example.com," + "x" * 140_000 + ",subscribed\n", encoding="utf-8"
    )
    with pytest.raises(SendError) as caught:
        list(read_subscribers(path))
    assert (caught.value.line, caught.value.message) == (
        2,
        "the cell in the column 'name' is over 131,072 characters long, more than a cell may be",
    )
    assert caught.value.hint and "a quote opened there and never closed" in caught.value.hint
    assert "text pasted into the cell by mistake" in caught.value.hint
    assert "UTF-8" not in caught.value.hint
    # A stray quote that reads thousands of rows into its cell: told at the quote's line.
    rows = "".join(f"u{i}@example.com,U{i},subscribed\n" for i in range(5000))
    path.write_text(
        'email,name,status\nada@example.com,Ada,subscribed\nbob@example.com,"Bob,subscribed\n'
        + rows,
        encoding="utf-8",
    )
    with pytest.raises(SendError) as caught:
        list(read_subscribers(path))
    assert (caught.value.line, caught.value.message) == (
        3,
        "the cell in the column 'name' is over 131,072 characters long, more than a cell may be",
    )


def test_a_list_cut_short_in_a_character_says_so(tmp_path) -> None:
    # "unexpected end of data at column 33: 'Å' saved in another encoding": a file copied or
    # downloaded in part was told to be saved again as UTF-8.
    path = tmp_path / "subscribers.csv"
    data = "email,name,status\nozu@example.com,Yasujirō Ozu,subscribed\n".encode()
    path.write_bytes(data[: data.index("ō".encode()) + 1])
    with pytest.raises(SendError) as caught:
        list(read_subscribers(path))
    assert (caught.value.line, caught.value.message) == (
        2,
        "not UTF-8 text: the file ends in the middle of a character (column 24), so it may have "
        "been cut short (a copy or download that stopped), or its last character 'Å' was saved "
        "in another encoding",
    )
    # The same byte at the end of a line the file goes on after is another encoding's.
    path.write_bytes(b"email,name,status\nozu@example.com,Ozu,subscribed,Yasujir\xc5\nx,y,z\n")
    with pytest.raises(SendError) as caught:
        list(read_subscribers(path))
    assert (caught.value.line, caught.value.message) == (
        2,
        "not UTF-8 text (invalid continuation byte at column 39: 'Å' saved in another encoding)",
    )
