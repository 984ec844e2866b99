"""The personal message: RFC 5322 bytes, RFC 8058 headers, the signed unsubscribe link, the
postal address, and a Message-ID that stays the same across retries."""

from __future__ import annotations

import email
import email.header
import email.policy
import email.utils
import html as html_lib
import json
import re
from pathlib import Path

import pytest
from sendserver import POSTAL, env, make_workspace, write_issue

from dopemail.config import load_settings
from dopemail.personalize import UNSUBSCRIBE_PLACEHOLDER
from dopemail.send.issue import load_issue
from dopemail.send.message import Composer, Letter, Recipient, unsubscribe_token, verify_token
from dopemail.send.report import Reporter
from dopemail.send.run import SendOptions, send_issue

SECRET = b"s3cret"


def composer(root: Path, test: bool = False) -> Composer:
    settings = load_settings(root)
    return Composer(load_issue(root, "1"), settings.sender, SECRET, test=test)


def ada_with_unsubscribe_url(tmp_path: Path, url: str) -> tuple[Composer, Letter]:
    """The composer of a workspace whose ``[sender] unsubscribe_url`` is ``url``, and its
    letter to ada@example.com."""
    root = make_workspace(tmp_path)
    config = (root / "dopemail.toml").read_text()
    config = config.replace(
        'unsubscribe_url = "https://dopepress.example.com/unsubscribe"',
        f'unsubscribe_url = "{url}"',
    )
    (root / "dopemail.toml").write_text(config)
    parts = composer(root)
    return parts, parts.letter(Recipient("ada@example.com", "", "ada@example.com"))


def test_the_token_names_the_reader_and_cannot_be_forged() -> None:
    token = unsubscribe_token("Ada@Example.com", SECRET)
    assert verify_token(token, SECRET) == "ada@example.com"
    assert verify_token(token, b"another secret") is None
    forged = (
        unsubscribe_token("bob@example.com", b"guess").split(".")[0] + "." + token.split(".")[1]
    )
    assert verify_token(forged, SECRET) is None
    assert verify_token("garbage", SECRET) is None and verify_token("", SECRET) is None
    assert token == unsubscribe_token("ada@example.com", SECRET)  # stable
    # The scheme itself, which links already mailed carry: base64url of the address, a dot,
    # the first 128 bits of its HMAC-SHA256 after a context.
    import base64
    import hashlib
    import hmac

    mac = hmac.new(SECRET, b"dopemail-unsubscribe\0ada@example.com", hashlib.sha256).digest()
    assert token == "YWRhQGV4YW1wbGUuY29t." + base64.urlsafe_b64encode(mac[:16]).decode().rstrip(
        "="
    )
    # The secret as the unsubscribe page reads it from its environment: text.
    assert verify_token(token, SECRET.decode()) == "ada@example.com"
    assert verify_token(token, "another secret") is None


@pytest.mark.parametrize(
    "name",
    [
        "Maria Antonia Walpurga Symphorosa von Bayern Kurfürstin von Sachsen und Polen Königin",
        "Zoë Ça, Jr.",
        "東京物語の監督" * 6,
        'Ann "Q" Lee',
    ],
)
def test_a_name_in_the_to_a_provider_is_posted_is_in_encoded_words_rfc_2047_allows(
    name: str,
) -> None:
    # The To posted to the providers' JSON APIs held a long name in one encoded word of 107
    # characters: RFC 2047 allows 75, and some servers cut what is longer.
    to = Recipient("reader@example.com", name, "reader@example.com").to
    words = re.findall(r"=\?[^?]+\?[bqBQ]\?[^?]*\?=", to)
    assert all(len(word) <= 75 for word in words), to
    assert bool(words) == (not name.isascii())
    ((shown, address),) = email.utils.getaddresses([to])
    assert str(email.header.make_header(email.header.decode_header(shown))) == name
    assert address == "reader@example.com"


def test_the_eml_is_rfc_5322_with_both_parts_and_the_one_click_headers(tmp_path) -> None:
    parts = composer(make_workspace(tmp_path))
    letter = parts.letter(Recipient("zoe@example.com", "Zoë Ça, Jr.", "zoe@example.com"))
    raw = parts.eml(letter)
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")  # CRLF only
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["From"] == "DoPe Press <newsletter@dopepress.example.com>"
    assert message["To"].addresses[0].display_name == "Zoë Ça, Jr."
    assert message["To"].addresses[0].addr_spec == "zoe@example.com"
    assert message["Reply-To"] == "press@dopepress.example.com"
    assert message["Subject"] == "Ghosts, strangers and a summer of repertory"
    assert message["Date"] and message["MIME-Version"] == "1.0"
    assert message["Message-ID"] == letter.message_id
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    https, mailto = (v.strip(" <>") for v in message["List-Unsubscribe"].split(","))
    assert https == letter.unsubscribe_url
    assert https.startswith("https://dopepress.example.com/unsubscribe?token=")
    token = https.split("token=")[1]
    assert verify_token(token, SECRET) == "zoe@example.com"
    assert mailto == f"mailto:unsubscribe@dopepress.example.com?subject=unsubscribe%20{token}"
    assert b"=?utf-8?" not in raw.split(b"List-Unsubscribe:")[1].split(b"\r\n")[0]
    assert message.get_content_type() == "multipart/alternative"
    plain, html = message.iter_parts()
    assert plain.get_content_type() == "text/plain" and html.get_content_type() == "text/html"
    for part in (plain, html):
        body = part.get_content()
        assert https in body and UNSUBSCRIBE_PLACEHOLDER not in body and POSTAL in body


def test_a_long_subject_in_other_letters_is_encoded_words_of_75_at_most(tmp_path) -> None:
    # Headers went out unfolded up to 998 columns (for List-Unsubscribe's sake): a subject with
    # accents and curly quotes was one encoded-word of 108 characters, past RFC 2047's 75,
    # which strict mail programs show as '=?utf-8?b?...?='.
    subject = "“Low Tide” à la plage: Sunny Vallejo-Park on shooting at Dockweiler, été 2024"
    root = make_workspace(tmp_path)
    write_issue(root, subject=subject)
    parts = composer(root, test=True)
    raw = parts.eml(parts.letter(Recipient("zoe@example.com", "Zoë", "zoe@example.com")))
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
    words = re.findall(r"=\?[^?]+\?[bBqQ]\?[^?]*\?=", head)
    assert words and max(len(word) for word in words) <= 75
    unsubscribe = next(line for line in head.split("\r\n") if line.startswith("List-Unsub"))
    for line in head.split("\r\n"):
        assert len(line) <= (78 if "=?" in line else 998), line
    assert "=?" not in unsubscribe and len(unsubscribe) > 78  # still whole, on one line
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["Subject"] == f"[TEST] {subject}"
    # Headers all in ASCII stay whole: a long slug, a subject with a URL.
    slug = "a-very-long-slug-made-from-a-long-subject-by-dopemail-new-" * 2 + "end"
    ascii_subject = "Read it at https://dopepress.example.com/" + "long-path-" * 8
    write_issue(root, number=12, slug=slug, subject=ascii_subject)
    parts = Composer(load_issue(root, "12"), load_settings(root).sender, SECRET)
    raw = parts.eml(parts.letter(Recipient("zoe@example.com", "Zoë", "zoe@example.com")))
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["X-Dopemail-Issue"] == f"12-{slug}"
    assert message["Subject"] == ascii_subject and b"Subject: Read it at https://" in raw
    assert message["List-Unsubscribe"].startswith(
        f"<{parts.letter(Recipient('zoe@example.com', 'Zoë', 'zoe@example.com')).unsubscribe_url}>"
    )


@pytest.mark.parametrize(
    "name", ['נועה (Noa) "Q"', "Zoë (Zo) Ça", 'Ann "Q" (Lee), Jr.', "Ada (Lovelace)"]
)
def test_a_name_with_brackets_or_quotes_is_the_readers_name_in_the_eml(tmp_path, name) -> None:
    # 'נועה (Noa) "Q"' came out 'נועה Q': the To header's text, parsed again, encoded the
    # Hebrew alone, read '(Noa)' as a comment and dropped the quotes. The sender's name too.
    root = make_workspace(tmp_path)
    config = root / "dopemail.toml"
    text = config.read_text("utf-8")
    assert 'from_name = "DoPe Press"' in text
    config.write_text(text.replace('from_name = "DoPe Press"', f"from_name = {json.dumps(name)}"))
    parts = composer(root)
    raw = parts.eml(parts.letter(Recipient("noa@example.co.il", name, "noa@example.co.il")))
    message = email.message_from_bytes(raw, policy=email.policy.default)
    for header in ("To", "From"):
        (address,) = message[header].addresses
        assert address.display_name == name, (header, message[header])
    assert message["To"].addresses[0].addr_spec == "noa@example.co.il"


def test_message_ids_are_stable_per_reader_and_name_the_issue(tmp_path) -> None:
    parts = composer(make_workspace(tmp_path))
    ada = Recipient("ada@example.com", "", "ada@example.com")
    first, again = parts.letter(ada), parts.letter(ada)
    other = parts.letter(Recipient("bob@example.com", "", "bob@example.com"))
    assert first.message_id == again.message_id != other.message_id
    assert first.message_id.startswith("<dopemail.1-first-issue.")
    assert first.message_id.endswith("@dopepress.example.com>")
    assert parts.tag == "dopemail-issue-1"


def test_a_test_copy_is_marked(tmp_path) -> None:
    parts = composer(make_workspace(tmp_path), test=True)
    letter = parts.letter(Recipient("ed@example.com", "", "ed@example.com"))
    message = email.message_from_bytes(parts.eml(letter), policy=email.policy.default)
    assert message["Subject"].startswith("[TEST] ") and message["X-Dopemail-Test"] == "yes"
    assert ".test." in message["Message-ID"]
    # Each --test a new id, the same for its retries: Gmail shows a message whose id it has
    # seen once only (the second test after an edit never arrived).
    assert parts.letter(letter.recipient).message_id == letter.message_id
    again = composer(make_workspace(tmp_path / "again"), test=True)
    assert again.letter(letter.recipient).message_id != letter.message_id


@pytest.mark.parametrize("part", ["html", "text"])
def test_an_email_without_link_or_address_gets_a_footer(tmp_path, part) -> None:
    root = make_workspace(tmp_path)
    write_issue(root, html="<html><body><p>Hi</p></body></html>", text="Hi\n")
    parts = composer(root)
    assert any("unsubscribe link" in w for w in parts.warnings)
    assert any("postal address" in w for w in parts.warnings)
    letter = parts.letter(Recipient("ada@example.com", "", "ada@example.com"))
    body = parts.html(letter) if part == "html" else parts.text(letter)
    assert letter.unsubscribe_url.replace("&", "&amp;") in body and "Sunset Boulevard" in body
    if part == "html":
        assert body.index("Unsubscribe") < body.index("</body>")


def test_an_unsubscribe_url_with_a_query_is_escaped_in_html(tmp_path) -> None:
    parts, letter = ada_with_unsubscribe_url(tmp_path, "https://dopepress.example.com/u?list=press")
    assert letter.unsubscribe_url.startswith("https://dopepress.example.com/u?list=press&token=")
    assert "u?list=press&amp;token=" in parts.html(letter)
    assert "u?list=press&token=" in parts.text(letter)


@pytest.mark.parametrize(
    ("page", "link"),
    [
        ("unsubscribe#confirm", "unsubscribe?token={token}#confirm"),
        ("u?list=press#confirm", "u?list=press&token={token}#confirm"),
    ],
)
def test_the_token_goes_in_the_query_of_an_unsubscribe_url_with_a_fragment(
    tmp_path, page: str, link: str
) -> None:
    # 'unsubscribe#confirm' got '?token=...' after the '#': the token was in the fragment,
    # which browsers and mail providers never send, so the page was reached without it and
    # one-click unsubscribing (RFC 8058) could not tell who asked.
    parts, letter = ada_with_unsubscribe_url(tmp_path, f"https://dopepress.example.com/{page}")
    token = unsubscribe_token("ada@example.com", SECRET)
    expected = "https://dopepress.example.com/" + link.format(token=token)
    message = email.message_from_bytes(parts.eml(letter), policy=email.policy.default)
    https = message["List-Unsubscribe"].split(",")[0].strip(" <>")
    assert https == expected
    plain, html = message.iter_parts()
    assert expected in plain.get_content()
    assert html_lib.escape(expected, quote=True) in html.get_content()
    assert "#confirm?" not in plain.get_content() + html.get_content()


def test_a_batch_is_written_in_pieces_of_a_quarter_megabyte_not_message_by_message() -> None:
    # Each write is an event through h11 and httpcore: a write per 40 KB message was a tenth
    # of a send's time. The pieces still make the JSON array, in order, of the announced
    # length, whether a message is given whole (bytes) or as parts to join.
    import json

    from dopemail.send.providers.base import JsonArray, array_lead

    def message(i: int) -> list[bytes]:
        return [b'{"n":', str(i).encode(), b',"html":"', b"x" * 40_000, b'"}']

    items: list[bytes | list[bytes]] = [
        [array_lead(i), *message(i)] if i % 3 else b"".join([array_lead(i), *message(i)])
        for i in range(100)
    ]
    body = JsonArray(items)
    pieces = list(body)
    whole = b"[" + b",".join(b"".join(message(i)) for i in range(100)) + b"]"
    assert b"".join(pieces) == whole and len(whole) == int(body.headers["Content-Length"])
    assert [m["n"] for m in json.loads(whole)] == list(range(100))
    assert len(pieces) == 15  # 14 pieces of 7 messages of 40 KB, then 2 more and the "]"
    assert all(len(piece) >= JsonArray.WRITE for piece in pieces[:-1])
    assert all(len(piece) < JsonArray.WRITE + 40_100 for piece in pieces)
    assert list(JsonArray([b"[1", [b",", b"2"]])) == [b"[1,2]"]
    assert list(JsonArray([])) == [b"[]"]


def test_bodies_as_json_are_exactly_what_encoding_the_whole_message_gives(tmp_path) -> None:
    """Resend and Postmark get each body escaped once per issue, the link spliced in per reader:
    the bytes must be those of encoding the filled-in message as httpx does."""
    import json

    from dopemail.send.providers.base import (
        HTML_BODY,
        TEXT_BODY,
        JsonArray,
        array_lead,
        json_message,
    )

    tricky = "Zoë “quoted” \\ back\tslash </script> \u2028 \x01 é\n"
    html = f'<p>{tricky}<a href="{UNSUBSCRIBE_PLACEHOLDER}">x</a>{UNSUBSCRIBE_PLACEHOLDER}</p>'
    root = make_workspace(tmp_path)
    write_issue(root, html=html + POSTAL, text=f"{tricky}{UNSUBSCRIBE_PLACEHOLDER}\n{POSTAL}")
    parts = composer(root)
    for name in ("Ada", 'Zoë "Z" Ça', ""):
        letter = parts.letter(Recipient("zoe+x@example.com", name, "zoe+x@example.com"))
        message = {"to": [letter.recipient.to], "html": HTML_BODY, "x": 1, "text": TEXT_BODY}
        whole = {**message, "html": parts.html(letter), "text": parts.text(letter)}
        expected = json.dumps(whole, ensure_ascii=False, separators=(",", ":")).encode()
        assert json_message(message, parts, letter) == expected
        # In a batch: a JSON array, whose length is announced before it is sent.
        items = [json_message(message, parts, letter, array_lead(i)) for i in range(3)]
        body = JsonArray(items)
        assert bytes(body) == b"[" + b",".join([expected] * 3) + b"]" == b"".join(body)
        assert body.headers["Content-Length"] == str(len(bytes(body)))
    assert bytes(JsonArray([])) == b"[]"
    # A whole batch, as Resend and Postmark encode it: one message template per batch.
    from dopemail.send.providers.base import Batch, json_batch

    letters = [
        parts.letter(Recipient(f"r{i}@example.com", name, f"r{i}@example.com"))
        for i, name in enumerate(["Ada", 'Zoë "Z" Ça, Jr.', "", "A\\B"])
    ]

    def fields(composer, to, headers):
        return {
            "from": composer.from_header,
            "to": [to],
            "html": HTML_BODY,
            "n": [1, None],
            "text": TEXT_BODY,
            "headers": [{"Name": k, "Value": v} for k, v in headers.items()],
        }

    whole = [
        {**fields(parts, x.recipient.to, x.headers()), "html": parts.html(x), "text": parts.text(x)}
        for x in letters
    ]
    expected = json.dumps(whole, ensure_ascii=False, separators=(",", ":")).encode()
    assert bytes(json_batch(Batch(parts, letters), fields)) == expected
    # A field that happens to hold a marker takes the long way, with the same result.
    odd = {"subject": HTML_BODY, "html": HTML_BODY, "text": TEXT_BODY}
    filled = {"subject": parts.html(letter), "html": parts.html(letter), "text": parts.text(letter)}
    assert json.loads(json_message(odd, parts, letter)) == filled


def test_the_built_text_part_keeps_its_wrapped_postal_address_once(workspace: Path) -> None:
    # The text template wraps a long address over two lines, where the composer looked for it
    # on one: every reader's text part ended with a "-- " signature saying it again.
    from dopemail.build import build

    build(workspace)
    settings = load_settings(workspace)
    parts = Composer(load_issue(workspace, "1"), settings.sender, SECRET)
    letter = parts.letter(Recipient("ada@example.com", "", "ada@example.com"))
    postal = settings.sender.postal_address
    for body in (parts.text(letter), parts.html(letter)):
        flat = " ".join(body.split())
        assert flat.count(postal) == 1 and "\n-- \n" not in body
    assert parts.warnings == []
    # Written by a template that leaves it out, it is added once, and said.
    template = workspace / "templates/email/issue.txt.j2"
    source = (
        template.read_text(encoding="utf-8")
        if template.exists()
        else (
            Path(__file__).parents[1] / "src/dopemail/default_templates/email/issue.txt.j2"
        ).read_text(encoding="utf-8")
    )
    template.parent.mkdir(parents=True, exist_ok=True)
    template.write_text(source.replace("{{ settings.sender.postal_address | wrap }}", ""), "utf-8")
    build(workspace)
    parts = Composer(load_issue(workspace, "1"), settings.sender, SECRET)
    text = parts.text(parts.letter(Recipient("ada@example.com", "", "ada@example.com")))
    assert " ".join(text.split()).count(postal) == 1 and text.endswith(f"\n-- \n{postal}\n")
    assert parts.warnings == ["email.txt lacks the postal address: a footer adds it"]


def test_a_body_line_starting_from_is_stored_unchanged_by_mbox(tmp_path) -> None:
    # "From June 13 to 16..." began a line of both parts: mbox storage writes it ">From",
    # which readers see and which breaks a DKIM signature of the body.
    root = make_workspace(tmp_path)
    text = f"From June 13 to 16, French Film Days.\n\nUnsubscribe: {UNSUBSCRIBE_PLACEHOLDER}\n"
    write_issue(root, text=text, html=f"<p>x</p>\nFrom June 13 to 16. {UNSUBSCRIBE_PLACEHOLDER}")
    parts = composer(root)
    raw = parts.eml(parts.letter(Recipient("zoe@example.com", "", "zoe@example.com")))
    assert b"\r\nFrom " not in raw and b"\r\n=46rom June 13" in raw
    message = email.message_from_bytes(raw, policy=email.policy.default)
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain is not None and plain.get_content().startswith("From June 13 to 16")
    assert html is not None and "\nFrom June 13 to 16." in html.get_content()
    assert message["From"] == "DoPe Press <newsletter@dopepress.example.com>"


def _decoded_parts(raw: bytes) -> dict[str, str]:
    """Each part's content type -> its text, after checking that every line of a
    quoted-printable part is at most 76 characters (RFC 2045 §6.7, rule 5)."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    parts = {}
    for part in message.walk():
        if part.get("Content-Transfer-Encoding") != "quoted-printable":
            continue
        encoded = part.get_payload()
        assert isinstance(encoded, str)
        too_long = [line for line in encoded.split("\r\n") if len(line) > 76]
        assert too_long == [], f"{part.get_content_type()}: {too_long[:3]}"
        # (A MIME text part ends in a line break; its lines come back as CRLF.)
        parts[part.get_content_type()] = part.get_content().replace("\r\n", "\n")
    return parts


def test_a_built_issue_s_eml_has_quoted_printable_lines_of_76_at_most(workspace: Path) -> None:
    # set_content encoded the parts at policy.SMTP's 78 columns, the headers' limit: 662
    # lines of issue 2 (long lines, accents, map links of 99 characters) were 77 or 78.
    from dopemail.build import build

    build(workspace)
    quiet = Reporter(progress=False)
    send_issue(workspace, "2", SendOptions(test_to="me@example.com"), env=env(), reporter=quiet)
    (path,) = (workspace / "outbox").glob("2-*/tests/*.eml")
    raw = path.read_bytes()
    message = email.message_from_bytes(raw, policy=email.policy.default)
    link = message["List-Unsubscribe"].split(",")[0].strip(" <>")
    (built,) = (workspace / "site" / "issues").glob("2-*")
    text = (built / "email.txt").read_text(encoding="utf-8")
    page = (built / "email.html").read_text(encoding="utf-8")
    assert max(map(len, text.splitlines())) > 76 and not text.isascii()
    parts = _decoded_parts(raw)
    assert parts["text/plain"] == text.replace(UNSUBSCRIBE_PLACEHOLDER, link)
    escaped = html_lib.escape(link, quote=True)
    assert parts["text/html"].rstrip("\n") == page.replace(UNSUBSCRIBE_PLACEHOLDER, escaped)


def test_a_line_starting_from_written_76_long_stays_within_76(tmp_path) -> None:
    # Its F written =46 made a line the encoder had filled to 76 two characters longer.
    root = make_workspace(tmp_path)
    lines = [
        "From " + "a" * 71,
        "From " + "b" * 64 + "é",  # an =XX escape where the line is cut
        "From " + "c" * 67 + "=",  # =3D there
        "From " + "d" * 70 + "From " + "e" * 80,  # its next line, after a soft break, too
    ]
    text = "\n".join(lines) + f"\n\nUnsubscribe: {UNSUBSCRIBE_PLACEHOLDER}\n"
    write_issue(root, text=text)
    parts = composer(root)
    letter = parts.letter(Recipient("zoe@example.com", "", "zoe@example.com"))
    raw = parts.eml(letter)
    assert b"\r\nFrom " not in raw
    assert _decoded_parts(raw)["text/plain"] == parts.text(letter)


def test_an_unsubscribe_url_written_with_letters_beyond_ascii_is_sent_as_an_ascii_uri(
    tmp_path,
) -> None:
    # 'https://bücher.example/désinscription' went into List-Unsubscribe encoded as a header's
    # words (=?utf-8?q?...?=), which no mail program reads as a URI: one-click unsubscribing
    # (RFC 8058) was lost. Its host is written as the DNS knows it (IDNA), the rest escaped.
    parts, letter = ada_with_unsubscribe_url(
        tmp_path, "https://Bücher.example/désinscription?liste=é"
    )
    token = unsubscribe_token("ada@example.com", SECRET)
    expected = f"https://xn--bcher-kva.example/d%C3%A9sinscription?liste=%C3%A9&token={token}"
    raw = parts.eml(letter)
    assert b"=?utf-8?" not in raw.partition(b"\r\n\r\n")[0].lower()
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["List-Unsubscribe"].split(",")[0].strip(" <>") == expected
    plain, html = message.iter_parts()
    assert expected in plain.get_content()
    assert html_lib.escape(expected, quote=True) in html.get_content()
