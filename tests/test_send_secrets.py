"""API keys never appear in logs, errors, the ledger or .eml files, even when a provider echoes
them back in an error message."""

from __future__ import annotations

import html
import io
import logging
import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from rich.console import Console
from sendserver import KEY, PROVIDERS, UNSUBSCRIBE_SECRET, env, make_workspace, readers

from dopemail.errors import DopemailError
from dopemail.send.loopback import LoopbackServer, Reply
from dopemail.send.report import Reporter
from dopemail.send.run import SendOptions, send_issue

ECHOING = {
    "postmark": Reply(422, {"ErrorCode": 300, "Message": f"Invalid token {KEY} for From"}),
    "resend": Reply(422, {"name": "validation_error", "message": f"key {KEY} may not send"}),
    "sendgrid": Reply(400, {"errors": [{"message": f"bad key {KEY}", "field": "from"}]}),
    "mailgun": Reply(400, {"message": f"from parameter is missing (api:{KEY})"}),
    "buttondown": Reply(400, {"code": "body_invalid", "detail": f"token {KEY} is odd"}),
    "ses": Reply(
        400,
        {"message": f"1 validation error: secret {KEY} in AWS_SECRET_ACCESS_KEY"},
        {"x-amzn-ErrorType": "BadRequestException:http://internal.amazon.com/coral/"},
    ),
}


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer(key=KEY, mailgun_domain="dopepress.example.com") as running:
        yield running


def everything_written(root: Path) -> bytes:
    """Every byte under the workspace's .dopemail/ and outbox/ (ledger, WAL, reports, .eml)."""
    found = b""
    for folder in (root / ".dopemail", root / "outbox"):
        if folder.exists():
            found += b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())
    return found


@pytest.mark.parametrize("name", PROVIDERS)
def test_keys_never_leak_from_any_provider(name, server, tmp_path, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    rows = [*readers(3), ("inactive1@example.com", "", "subscribed", "", "")]
    root = make_workspace(tmp_path, provider=name, server=server, subscribers=rows)
    out = io.StringIO()
    reporter = Reporter(Console(file=out, width=300), progress=False)
    options = SendOptions(yes=True)
    # 1. A provider error that quotes the key back.
    server.queue(ECHOING[name])
    with pytest.raises(DopemailError) as refused:
        send_issue(root, "1", options, env=env(name), reporter=reporter)
    # 2. A wrong key (the error must not show either key).
    with pytest.raises(DopemailError) as auth:
        send_issue(root, "1", options, env=env(name, "sk_live_OTHER-KEY-123"), reporter=reporter)
    # 3. A retried 500 and a per-message refusal quoting the key (Postmark), then success.
    server.queue(Reply(500, {"message": f"down, your key is {KEY}"}))
    if name == "postmark":
        server.queue(
            Reply(200, [{"ErrorCode": 406, "Message": f"inactive ({KEY})", "To": "x"}] * 4)
        )
    summary = send_issue(root, "1", options, env=env(name), reporter=reporter)
    assert summary.sent + summary.failed == (1 if name == "buttondown" else 4)
    shown = str(refused.value) + str(auth.value) + out.getvalue() + caplog.text
    assert "***" in str(refused.value)  # the provider's words are kept, minus the key
    written = everything_written(root)
    for secret in (KEY, "sk_live_OTHER-KEY-123"):
        assert secret not in shown
        assert secret.encode() not in written
    assert UNSUBSCRIBE_SECRET.encode() not in written


def test_a_key_echoed_in_a_status_line_or_a_message_id_is_kept_out(server, tmp_path) -> None:
    # A server at base_url that echoes the request (a proxy, a request bin) put the key in
    # the status line's phrase, shown with an empty body, and in the message ids the ledger
    # keeps.
    import http.server
    import threading

    class Echo(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(422, f"Unprocessable {self.headers['X-Postmark-Server-Token']}")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            return

    echo = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    threading.Thread(target=echo.serve_forever, daemon=True).start()
    try:

        class At:
            url = f"http://127.0.0.1:{echo.server_address[1]}"

        root = make_workspace(tmp_path / "a", provider="postmark", server=At)  # type: ignore[arg-type]
        with pytest.raises(DopemailError) as refused:
            send_issue(root, "1", SendOptions(yes=True), env=env("postmark"))
    finally:
        echo.shutdown()
        echo.server_close()
    assert "HTTP 422: Unprocessable ***" in str(refused.value), str(refused.value)
    assert KEY not in str(refused.value)
    root = make_workspace(tmp_path / "b", provider="postmark", server=server, subscribers=3)
    answers = [{"ErrorCode": 0, "MessageID": f"{KEY}-{i}", "To": "x"} for i in range(3)]
    server.queue(Reply(200, answers))
    summary = send_issue(root, "1", SendOptions(yes=True), env=env("postmark"))
    assert summary.sent == 3
    written = everything_written(root)
    assert KEY.encode() not in written and b"***-0" in written


#: A key with characters that URLs and HTML escape.
ODD_KEY = 'Sk_live/ab+cd&ef"gh<ij>kl-0123456789'


def lower_hex(spelled: str) -> str:
    """``spelled`` with its percent escapes in lower case hex (%2f), as some servers write."""
    return re.sub(r"%[0-9A-F]{2}", lambda m: m.group().lower(), spelled)


@pytest.mark.parametrize(
    "spelled",
    [
        quote(ODD_KEY, safe=""),
        lower_hex(quote(ODD_KEY, safe="")),
        quote(ODD_KEY),  # its '/' kept
        quote_plus(ODD_KEY),
        lower_hex(quote_plus(ODD_KEY)),
        html.escape(ODD_KEY),
    ],
)
def test_a_key_echoed_percent_encoded_or_html_escaped_is_hidden_whole(tmp_path, spelled) -> None:
    # The percent-encoded spellings were shown in full, and the HTML-escaped one came out
    # garbled ('***&quot;***amp;***'), a piece of the key between the stars.
    with LoopbackServer(key=ODD_KEY) as odd:
        root = make_workspace(tmp_path, provider="postmark", server=odd)
        odd.queue(Reply(422, {"ErrorCode": 300, "Message": f"bad key {spelled} for From"}))
        with pytest.raises(DopemailError) as refused:
            send_issue(root, "1", SendOptions(yes=True), env=env("postmark", ODD_KEY))
    shown = str(refused.value)
    assert "bad key *** for From" in shown, shown


def test_outbox_files_and_ledger_hold_no_secret(tmp_path) -> None:
    root = make_workspace(tmp_path, subscribers=3)
    environ = {k: v for name in PROVIDERS for k, v in env(name).items()}
    send_issue(root, "1", SendOptions(yes=True), env=environ, reporter=Reporter(progress=False))
    written = everything_written(root)
    assert written.count(b"List-Unsubscribe-Post") == 3
    assert KEY.encode() not in written and UNSUBSCRIBE_SECRET.encode() not in written


def pieces(secret: str, size: int = 12) -> list[str]:
    """Every ``size``-character piece of ``secret``: none may show anywhere."""
    return [secret[i : i + size] for i in range(len(secret) - size + 1)]


def printed_with(root: Path, environ: dict[str, str]) -> str:
    """stdout and stderr of a real send and of dopemail status, with ``environ`` set."""
    outputs = ""
    for command in (["send", "1", "--yes", "--no-progress"], ["status", "1"]):
        done = subprocess.run(
            [sys.executable, "-m", "dopemail", *command, "--root", str(root)],
            capture_output=True,
            text=True,
            env={**os.environ, **environ},
            timeout=120,
        )
        outputs += done.stdout + done.stderr
    return outputs


def printed_by(root: Path, provider: str, key: str) -> str:
    """:func:`printed_with` the provider's key."""
    return printed_with(root, env(provider, key))


def shown_anywhere_with(root: Path, environ: dict[str, str]) -> str:
    """What :func:`printed_with` prints, the ledger's bytes, reports."""
    return printed_with(root, environ) + everything_written(root).decode("utf-8", "replace")


def shown_anywhere(root: Path, provider: str, key: str) -> str:
    """:func:`shown_anywhere_with` the provider's key."""
    return shown_anywhere_with(root, env(provider, key))


def test_a_key_cut_short_in_a_reply_is_hidden_whole(server, tmp_path) -> None:
    """A provider's reply is cut to 500 characters after the key is taken out, not before;
    and a piece of the key (a reply cut by the provider itself) is hidden too."""
    root = make_workspace(tmp_path, provider="postmark", server=server, send="retries = 2")
    # The key straddles the 500th character, in the stored error of a batch that kept failing.
    cut = "x" * (500 - len("Postmark down, key ") - 10)
    for _ in range(3):
        server.queue(Reply(503, {"Message": f"Postmark down, key {cut}{KEY}"}))
    server.queue(Reply(422, {"ErrorCode": 300, "Message": f"bad request {KEY[:20]}"}))
    found = shown_anywhere(root, "postmark", KEY)
    assert "kept failing" in found and "***" in found
    assert [p for p in pieces(KEY) if p in found] == []
    found = shown_anywhere(root, "postmark", KEY)
    assert "refused the request" in found and "bad request ***" in found
    assert [p for p in pieces(KEY) if p in found] == []


ODD = [(odd, at) for odd in ("\r", "\n", "\t", "\x1b", "é") for at in (0, 20, len(KEY))]


# Spaces count only around the key (a space inside is the provider's to refuse).
@pytest.mark.parametrize(("odd", "where"), [*ODD, (" ", 0), (" ", len(KEY))])
def test_a_key_with_an_odd_character_is_refused_before_any_request(
    odd, where, server, tmp_path
) -> None:
    root = make_workspace(tmp_path, provider="resend", server=server)
    key = KEY[:where] + odd + KEY[where:]
    found = shown_anywhere(root, "resend", key)
    assert "the API key for Resend in the environment variable DOPEMAIL_RESEND_API_KEY" in found
    assert "retry" not in found and server.requests == []
    assert [p for p in pieces(KEY) if p in found] == []


def test_a_piece_of_the_key_in_a_message_id_is_hidden(server, tmp_path) -> None:
    # Only an id holding the whole key was redacted: one holding all of it but its last
    # characters went into the ledger and the test copy's line as it was.
    root = make_workspace(tmp_path, provider="postmark", server=server, subscribers=3)
    answers = [{"ErrorCode": 0, "MessageID": f"{KEY[:-6]}-{i}", "To": "x"} for i in range(3)]
    server.queue(Reply(200, answers))
    found = shown_anywhere(root, "postmark", KEY)
    assert "3 sent" in found or "sent 3" in found, found
    assert [p for p in pieces(KEY) if p in found] == [] and "***-0" in found


def test_a_provider_s_words_cannot_drive_the_terminal(server, tmp_path) -> None:
    # A provider's reason was kept and printed as it came: an escape sequence set the
    # terminal's title, and a carriage return wrote "all readers were sent" over the line.
    root = make_workspace(tmp_path, provider="postmark", server=server, subscribers=3)
    said = "bad\x1b]0;pwned\x07 sender\r\x1b[2Kall 3 readers were sent issue 1\u202e"
    server.queue(Reply(422, {"ErrorCode": 300, "Message": said}))
    printed = printed_by(root, "postmark", KEY)
    assert "refused the request" in printed, printed
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]", printed), printed
    assert "]0;pwned" in printed and "[2Kall 3 readers were sent issue 1" in printed
    # Stored as the reader's failure when the provider refuses the reader alone.
    server.queue(Reply(200, [{"ErrorCode": 406, "Message": said, "To": "x"}] * 3))
    subprocess.run(
        [sys.executable, "-m", "dopemail", "send", "1", "--yes", "--no-progress", "--root", root],
        capture_output=True,
        env={**os.environ, **env("postmark", KEY)},
        timeout=120,
    )
    with sqlite3.connect(root / ".dopemail/sends.sqlite") as ledger:
        kept = [str(row[0]) for row in ledger.execute("SELECT error FROM recipients")]
    assert any("pwned" in k for k in kept), kept
    assert not any(re.search("[\x00-\x1f\u202e]", k) for k in kept), kept


def test_the_key_in_base64_or_hex_is_hidden_too(server, tmp_path) -> None:
    # A server's debugging echo of the key (base64 of it alone, hex) was kept and printed.
    import base64

    root = make_workspace(tmp_path, provider="postmark", server=server, subscribers=3)
    forms = [
        base64.b64encode(KEY.encode()).decode(),
        KEY.encode().hex(),
        KEY.encode().hex().upper(),
    ]
    server.queue(Reply(422, {"ErrorCode": 300, "Message": "saw " + " ".join(forms)}))
    found = shown_anywhere(root, "postmark", KEY)
    assert "refused the request" in found and "saw ***" in found
    assert not [form for form in forms if form[:12] in found]


def test_every_piece_of_the_key_is_hidden_wherever_it_falls() -> None:
    # Texts are looked at half a piece at a time first: a piece at any offset must be found.
    import httpx

    from dopemail.send.providers.base import HttpApi

    api = HttpApi("postmark", httpx.Client(), "https://127.0.0.1", 1.0, KEY)
    for piece in pieces(KEY, 8):
        for pad in range(9):
            shown = api.redact("x" * pad + piece + "y" * (9 - pad))
            assert piece not in shown and "***" in shown, (pad, piece, shown)
    assert (
        api.redact("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0") == "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
    )


def test_ses_s_session_token_and_key_id_are_hidden_as_its_secret_is(tmp_path) -> None:
    # SES has three credentials: the secret signs, the key id and a session token travel in
    # every request's headers, and an echo of any of them (a proxy, an error quoting the
    # request) must not reach the editor's screen or the ledger.
    from dopemail.send.loopback import AWS_KEY_ID

    token = "FwoGZXIvYXdzEXAMPLE-SESSION-TOKEN-0123456789abcdef"
    environ = {**env("ses"), "AWS_SESSION_TOKEN": token}
    with LoopbackServer(key=KEY, session_token=token) as server:
        root = make_workspace(tmp_path, provider="ses", server=server, subscribers=3)
        echoed = f"saw {AWS_KEY_ID} with {token} signed by {KEY}"
        server.queue(Reply(400, {"message": echoed}, {"x-amzn-ErrorType": "BadRequestException:"}))
        found = shown_anywhere_with(root, environ)
        assert "refused the request" in found and "saw *** with *** signed by ***" in found, found
        server.queue(
            Reply(200, {"MessageId": f"{token}-1"}),
            Reply(200, {"MessageId": f"{AWS_KEY_ID}-2"}),
        )
        found = shown_anywhere_with(root, environ)
        assert "sent 3" in found, found
    for secret in (KEY, token, AWS_KEY_ID):
        assert [p for p in pieces(secret) if p in found] == [], secret


SES_TOKEN = "FwoGZXIvYXdzEXAMPLE-SESSION-TOKEN-0123456789abcdef"


@pytest.mark.parametrize(
    ("kind", "told"),
    [
        ("InvalidClientTokenId", "refused the AWS credentials"),
        ("UnrecognizedClientException", "refused the AWS credentials"),
        ("SignatureDoesNotMatch", "refused the AWS credentials"),
        ("IncompleteSignature", "refused the AWS credentials"),
        ("AccessDenied", "refused to send"),
        ("OptInRequired", "refused to send"),
    ],
)
def test_ses_s_refused_credentials_are_told_without_any_of_them(kind, told, tmp_path) -> None:
    # SES's auth errors now say which variable to fix: its name, never what it holds, even
    # from an answer quoting all three (a proxy, a debugging echo).
    from dopemail.send.loopback import AWS_KEY_ID

    environ = {**env("ses"), "AWS_SESSION_TOKEN": SES_TOKEN}
    with LoopbackServer(key=KEY, session_token=SES_TOKEN) as server:
        root = make_workspace(tmp_path, provider="ses", server=server, subscribers=3)
        echoed = f"{kind} for {AWS_KEY_ID} with {SES_TOKEN} signed by {KEY}"
        server.queue(Reply(403, {"message": echoed}, {"x-amzn-ErrorType": f"{kind}:"}))
        found = shown_anywhere_with(root, environ)
    printed = found.partition("SQLite format")[0]  # (the ledger's bytes follow)
    said = f"Amazon SES {told} ({kind}, HTTP 403: {kind} for *** with *** signed by ***)"
    assert said in found, printed
    assert "AWS_ACCESS_KEY_ID" in found
    for secret in (KEY, SES_TOKEN, AWS_KEY_ID):
        assert [p for p in pieces(secret) if p in found] == [], secret


@pytest.mark.parametrize(
    "variable", ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"]
)
def test_an_aws_credential_with_an_odd_character_is_named_never_shown(
    variable, server, tmp_path
) -> None:
    root = make_workspace(tmp_path, provider="ses", server=server)
    environ = {**env("ses"), "AWS_SESSION_TOKEN": SES_TOKEN}
    value = environ[variable]
    environ[variable] = value[:12] + "\x1b" + value[12:]
    found = shown_anywhere_with(root, environ)
    said = f"for Amazon SES in the environment variable {variable} has a control"
    assert said in found, found.partition("SQLite format")[0]
    assert "aws configure export-credentials" in found and server.requests == []
    assert [p for p in pieces(value) if p in found] == []


#: SES's error name, from the x-amzn-ErrorType header or the body's __type, quoting the key
#: (a proxy echoing the request), on the answers whose messages say that name.
SES_NAMED = [(status, where) for status in (429, 408, 413) for where in ("header", "__type")]


@pytest.mark.parametrize(("status", "where"), SES_NAMED)
def test_ses_s_error_name_quoting_the_key_is_hidden(
    status, where, server, tmp_path, caplog
) -> None:
    # The error's name went into "rate limited (<name>, ...)", "SES did not read the request
    # in time (<name>, ...)" and "too large (<name>, ...)" as the answer gave it: printed, and
    # kept in the ledger as the batch's error. (Logs from INFO up: httpcore's DEBUG trace
    # lists every header it received, the echo included, and is no one's screen.)
    caplog.set_level(logging.INFO)
    root = make_workspace(tmp_path, provider="ses", server=server, send="retries = 1")
    if where == "header":
        answer = Reply(status, {"message": "no"}, {"x-amzn-ErrorType": f"{KEY}:http://x/"})
    else:
        answer = Reply(status, {"__type": f"com.amazon#{KEY}", "message": "no"})
    server.queue(answer, answer)
    out = io.StringIO()
    reporter = Reporter(Console(file=out, width=300), progress=False)
    with pytest.raises(DopemailError) as stopped:
        send_issue(root, "1", SendOptions(yes=True), env=env("ses"), reporter=reporter)
    shown = str(stopped.value) + str(stopped.value.hint) + out.getvalue() + caplog.text
    assert "***" in str(stopped.value), str(stopped.value)
    found = shown + everything_written(root).decode("utf-8", "replace")
    assert [p for p in pieces(KEY) if p in found] == [], found.partition("SQLite format")[0]


def test_buttondown_s_status_quoting_the_key_is_hidden(server, tmp_path) -> None:
    # The status of an email Buttondown holds is said to the editor and kept in the ledger:
    # an answer echoing the request put the key there as it came.
    root = make_workspace(tmp_path, provider="buttondown", server=server)
    server.queue(Reply(201, {"id": "em_held", "status": f"held {KEY}"}))
    out = io.StringIO()
    reporter = Reporter(Console(file=out, width=300), progress=False)
    summary = send_issue(root, "1", SendOptions(yes=True), env=env("buttondown"), reporter=reporter)
    assert summary.sent == 1
    assert "holds it as 'held ***'" in out.getvalue(), out.getvalue()
    found = out.getvalue() + everything_written(root).decode("utf-8", "replace")
    assert [p for p in pieces(KEY) if p in found] == []


def test_a_failure_outside_the_provider_quoting_the_key_is_hidden(
    server, tmp_path, monkeypatch
) -> None:
    # Not every error comes through the adapter, which redacts what it says: one raised
    # while the batch is made (a header that cannot hold a value, quoted) is the runner's.
    from dopemail.send.message import Composer

    def broken(self, recipient):  # type: ignore[no-untyped-def]
        raise ValueError(f"a header cannot hold {KEY}")

    monkeypatch.setattr(Composer, "letter", broken)
    root = make_workspace(tmp_path, provider="resend", server=server, subscribers=3)
    out = io.StringIO()
    reporter = Reporter(Console(file=out, width=300), progress=False)
    with pytest.raises(DopemailError) as stopped:
        send_issue(root, "1", SendOptions(yes=True), env=env("resend"), reporter=reporter)
    assert "a header cannot hold ***" in str(stopped.value), str(stopped.value)
    assert server.requests == []
    found = (
        str(stopped.value) + out.getvalue() + everything_written(root).decode("utf-8", "replace")
    )
    assert [p for p in pieces(KEY) if p in found] == []
