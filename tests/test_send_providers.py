"""Each provider adapter against a real HTTP server on 127.0.0.1: the exact request it sends,
and how it maps every class of answer (2xx, 4xx per recipient, 401, 429, 500, timeout)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sendserver import (
    ENV_NAMES,
    HTML,
    KEY,
    PROVIDERS,
    UNSUBSCRIBE_SECRET,
    env,
    make_workspace,
    write_issue,
)

from dopemail.config import load_settings
from dopemail.errors import ProviderAuthError, SendError
from dopemail.personalize import UNSUBSCRIBE_PLACEHOLDER
from dopemail.send.issue import load_issue
from dopemail.send.loopback import BUTTONDOWN_LIST, LoopbackServer, Reply
from dopemail.send.message import Composer, Recipient
from dopemail.send.providers import make_provider
from dopemail.send.providers.base import (
    Batch,
    HttpApi,
    InDoubt,
    Provider,
    RecipientRejected,
    Transient,
)
from dopemail.send.report import Reporter
from dopemail.send.run import SendOptions, send_issue

SPECS = Path("/work/shared/provider-specs")

# Field names each provider's published description allows (checked against the files below
# when they are present). MessageStream (Postmark) is documented but missing from its Swagger.
POSTMARK_FIELDS = {
    "Attachments",
    "Bcc",
    "Cc",
    "From",
    "Headers",
    "HtmlBody",
    "ReplyTo",
    "Subject",
    "Tag",
    "TextBody",
    "To",
    "TrackLinks",
    "TrackOpens",
}
RESEND_FIELDS = {
    "from",
    "to",
    "subject",
    "bcc",
    "cc",
    "reply_to",
    "html",
    "text",
    "template",
    "headers",
    "scheduled_at",
    "attachments",
    "tags",
    "topic_id",
}
SENDGRID_FIELDS = {
    "personalizations",
    "from",
    "reply_to",
    "reply_to_list",
    "subject",
    "content",
    "attachments",
    "template_id",
    "headers",
    "categories",
    "custom_args",
    "send_at",
    "batch_id",
    "asm",
    "ip_pool_name",
    "mail_settings",
    "tracking_settings",
}
SENDGRID_PERSONALIZATION = {
    "from",
    "to",
    "cc",
    "bcc",
    "subject",
    "headers",
    "substitutions",
    "dynamic_template_data",
    "custom_args",
    "send_at",
}
MAILGUN_FIELDS = {
    "from",
    "to",
    "cc",
    "bcc",
    "subject",
    "text",
    "html",
    "amp-html",
    "attachment",
    "inline",
    "template",
    "recipient-variables",
}
BUTTONDOWN_FIELDS = {
    "attachments",
    "publish_date",
    "subject",
    "slug",
    "description",
    "canonical_url",
    "image",
    "body",
    "archival_mode",
    "email_type",
    "status",
    "metadata",
    "secondary_id",
    "filters",
    "template",
    "commenting_mode",
    "related_email_ids",
    "featured",
    "should_trigger_pay_per_email_billing",
}


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer(key=KEY, mailgun_domain="dopepress.example.com") as running:
        yield running


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client() as http:
        yield http


def adapter(
    name: str,
    server: LoopbackServer,
    root: Path,
    client: httpx.Client,
    key: str = KEY,
    timeout: float = 2.0,
) -> tuple[Provider, Composer]:
    workspace = make_workspace(root, provider=name, server=server, timeout=timeout)
    settings = load_settings(workspace)
    provider = make_provider(settings, workspace, client, env(name, key))
    composer = Composer(load_issue(workspace, "1"), settings.sender, UNSUBSCRIBE_SECRET.encode())
    return provider, composer


def batch(composer: Composer, *emails: str, key: str | None = "dopemail-1-batch-1-abc") -> Batch:
    letters = [composer.letter(Recipient(e, "", e.lower())) for e in emails]
    return Batch(composer, letters, 1, key)


# -- the exact requests ----------------------------------------------------------------------


def test_postmark_request(server, client, tmp_path) -> None:
    provider, composer = adapter("postmark", server, tmp_path, client)
    outcomes = provider.send(batch(composer, "ada@example.com", "bob@example.com"))
    (request,) = server.requests
    assert (request.method, request.path) == ("POST", "/email/batch")
    assert request.headers["x-postmark-server-token"] == KEY
    assert request.headers["accept"] == "application/json"
    assert request.headers["content-type"] == "application/json"
    body = request.json()
    assert isinstance(body, list) and len(body) == 2
    first = body[0]
    assert set(first) - POSTMARK_FIELDS == {"MessageStream"}
    assert first["MessageStream"] == "broadcast"
    assert first["From"] == "DoPe Press <newsletter@dopepress.example.com>"
    assert first["To"] == "ada@example.com" and first["ReplyTo"] == "press@dopepress.example.com"
    assert first["Subject"] == "Ghosts, strangers and a summer of repertory"
    assert first["Tag"] == "dopemail-issue-1"
    assert (first["TrackOpens"], first["TrackLinks"]) == (False, "None")  # [send] tracking
    headers = {h["Name"]: h["Value"] for h in first["Headers"]}
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert headers["X-Dopemail-Issue"] == "1-first-issue"  # the README's promise
    assert headers["List-Unsubscribe"].startswith(
        "<https://dopepress.example.com/unsubscribe?token="
    )
    assert "<mailto:unsubscribe@dopepress.example.com?subject=" in headers["List-Unsubscribe"]
    personal = headers["List-Unsubscribe"].split(">")[0][1:]
    assert personal in first["TextBody"] and UNSUBSCRIBE_PLACEHOLDER not in first["TextBody"]
    assert personal.replace("&", "&amp;") in first["HtmlBody"]
    assert body[1]["To"] == "bob@example.com" and body[1]["TextBody"] != first["TextBody"]
    assert [o.status for o in outcomes] == ["sent", "sent"] and outcomes[0].message_id


def test_resend_request(server, client, tmp_path) -> None:
    provider, composer = adapter("resend", server, tmp_path, client)
    outcomes = provider.send(batch(composer, "ada@example.com", "bob@example.com"))
    (request,) = server.requests
    assert (request.method, request.path) == ("POST", "/emails/batch")
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert request.headers["idempotency-key"] == "dopemail-1-batch-1-abc"
    assert request.headers["x-batch-validation"] == "permissive"
    body = request.json()
    assert len(body) == 2 and set(body[0]) <= RESEND_FIELDS
    first = body[0]
    assert first["to"] == ["ada@example.com"] and first["reply_to"] == "press@dopepress.example.com"
    assert first["from"] == "DoPe Press <newsletter@dopepress.example.com>"
    assert first["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert first["headers"]["X-Dopemail-Issue"] == "1-first-issue"
    assert first["tags"] == [{"name": "dopemail_issue", "value": "1-first-issue"}]
    assert UNSUBSCRIBE_PLACEHOLDER not in first["html"] + first["text"]
    assert [o.status for o in outcomes] == ["sent", "sent"]
    assert len({o.message_id for o in outcomes}) == 2


def test_sendgrid_request(server, client, tmp_path) -> None:
    provider, composer = adapter("sendgrid", server, tmp_path, client)
    outcomes = provider.send(batch(composer, "ada@example.com", "bob@example.com"))
    (request,) = server.requests
    assert (request.method, request.path) == ("POST", "/v3/mail/send")
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert "idempotency-key" not in request.headers
    body = request.json()
    assert set(body) <= SENDGRID_FIELDS
    assert body["from"] == {"email": "newsletter@dopepress.example.com", "name": "DoPe Press"}
    assert body["reply_to"] == {"email": "press@dopepress.example.com"}
    assert [c["type"] for c in body["content"]] == ["text/plain", "text/html"]
    assert body["categories"] == ["dopemail-issue-1"]
    assert body["tracking_settings"] == {
        "click_tracking": {"enable": False, "enable_text": False},
        "open_tracking": {"enable": False},
        "subscription_tracking": {"enable": False},
        "ganalytics": {"enable": False},
    }
    tag = "-dopemailunsubscribe-"
    assert tag in body["content"][0]["value"]  # the text part's; the HTML's is escaped
    assert all(UNSUBSCRIBE_PLACEHOLDER not in c["value"] for c in body["content"])
    first, second = body["personalizations"]
    assert set(first) <= SENDGRID_PERSONALIZATION
    assert first["to"] == [{"email": "ada@example.com"}]
    assert first["substitutions"][tag].startswith(
        "https://dopepress.example.com/unsubscribe?token="
    )
    assert (
        first["headers"]["List-Unsubscribe"]
        == f"<{first['substitutions'][tag]}>, "
        + (first["headers"]["List-Unsubscribe"].split(", ", 1)[1])
    )
    assert first["custom_args"] == {"dopemail_issue": "1-first-issue"}
    assert first["headers"]["X-Dopemail-Issue"] == "1-first-issue"
    assert second["substitutions"][tag] != first["substitutions"][tag]
    assert [o.status for o in outcomes] == ["sent", "sent"]
    assert outcomes[0].message_id and outcomes[0].message_id == outcomes[1].message_id


def test_sendgrid_quotes_a_name_with_a_comma_or_semicolon(server, tmp_path) -> None:
    # SendGrid's Mail Send "Limitations": a name may not hold ',' or ';'. It answers 202 all
    # the same, then reads the name as a list of addresses: the reader was marked sent.
    rows = [
        ("quote@example.com", 'O\'Brien, "Pat" Jr.', "subscribed", "2024-01-12", ""),
        ("semi@example.com", "Ann; Bo", "subscribed", "2024-01-12", ""),
        ("plain@example.com", "Ada Lovelace", "subscribed", "2024-01-12", ""),
    ]
    root = make_workspace(tmp_path, provider="sendgrid", server=server, subscribers=rows)
    config = root / "dopemail.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('from_name = "DoPe Press"', 'from_name = "DoPe, Press"'))
    quiet = Reporter(progress=False)
    summary = send_issue(root, "1", SendOptions(yes=True), env=env("sendgrid"), reporter=quiet)
    assert (summary.sent, summary.failed) == (3, 0)
    (request,) = server.requests
    body = request.json()
    assert body["from"] == {"email": "newsletter@dopepress.example.com", "name": '"DoPe, Press"'}
    names = {p["to"][0]["email"]: p["to"][0]["name"] for p in body["personalizations"]}
    assert names == {
        "quote@example.com": '"O\'Brien, \\"Pat\\" Jr."',
        "semi@example.com": '"Ann; Bo"',
        "plain@example.com": "Ada Lovelace",
    }
    server.reset()
    send_issue(
        root,
        "1",
        SendOptions(test_to='"Lee, Ann" <lee@example.com>'),
        env=env("sendgrid"),
        reporter=quiet,
    )
    (request,) = server.requests
    assert request.json()["personalizations"][0]["to"] == [
        {"email": "lee@example.com", "name": '"Lee, Ann"'}
    ]


@pytest.mark.parametrize("name", ["sendgrid", "mailgun"])
def test_each_reader_s_parts_substituted_are_the_composer_s_own(
    name, server, client, tmp_path
) -> None:
    # SendGrid and Mailgun put each reader's link in the parts themselves: the HTML part
    # got it raw, '&' and all (an unsubscribe_url with a query gets '&token='), where
    # Postmark's, Resend's and the outbox's have it escaped for the attribute.
    provider, composer = adapter(name, server, tmp_path, client)
    url = "https://dopepress.example.com/unsubscribe?list=dope"
    sender = composer.sender.model_copy(update={"unsubscribe_url": url})
    composer = Composer(composer.issue, sender, UNSUBSCRIBE_SECRET.encode())
    sent = batch(composer, "ada@example.com", "bob@example.com")
    provider.send(sent)
    (request,) = server.requests
    for index, letter in enumerate(sent.letters):
        assert "&token=" in letter.unsubscribe_url
        if name == "sendgrid":
            body = request.json()
            values = body["personalizations"][index]["substitutions"]
            parts = {c["type"]: c["value"] for c in body["content"]}
            html, text = parts["text/html"], parts["text/plain"]
        else:
            form = dict(request.form())
            values = {
                f"%recipient.{k}%": v
                for k, v in json.loads(form["recipient-variables"])[letter.recipient.email].items()
            }
            html, text = form["html"], form["text"]
        for tag, value in values.items():
            html, text = html.replace(tag, value), text.replace(tag, value)
        assert html == composer.html(letter)
        assert text == composer.text(letter)


def test_mailgun_request(server, client, tmp_path) -> None:
    provider, composer = adapter("mailgun", server, tmp_path, client)
    outcomes = provider.send(batch(composer, "ada@example.com", "bob@example.com"))
    (request,) = server.requests
    assert (request.method, request.path) == ("POST", "/v3/dopepress.example.com/messages")
    assert (
        request.headers["authorization"]
        == "Basic " + __import__("base64").b64encode(f"api:{KEY}".encode()).decode()
    )
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    form = request.form()
    names = {name for name, _ in form}
    assert {n for n in names if not n.startswith(("h:", "o:", "v:", "t:"))} <= MAILGUN_FIELDS
    assert [v for n, v in form if n == "to"] == ["ada@example.com", "bob@example.com"]
    values = dict(form)
    variables = json.loads(values["recipient-variables"])
    assert set(variables) == {"ada@example.com", "bob@example.com"}
    assert variables["ada@example.com"]["unsubscribe_url"].startswith(
        "https://dopepress.example.com/unsubscribe?token="
    )
    assert "%recipient.unsubscribe_url_html%" in values["html"]  # escaped for the attribute
    assert "%recipient.unsubscribe_url%" in values["text"]
    assert values["h:List-Unsubscribe"] == (
        "<%recipient.unsubscribe_url%>, <%recipient.unsubscribe_mailto%>"
    )
    assert values["h:List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert values["h:X-Dopemail-Issue"] == "1-first-issue"
    assert values["h:Reply-To"] == "press@dopepress.example.com"
    assert values["o:tag"] == "dopemail-issue-1"
    assert (values["o:tracking-clicks"], values["o:tracking-opens"]) == ("no", "no")
    assert [o.status for o in outcomes] == ["sent", "sent"]


def test_mailgun_recipient_variables_are_keyed_by_each_to_address_as_written(
    server, client, tmp_path
) -> None:
    # Mailgun finds a recipient's variables under their address as the 'to' field gives it:
    # keyed by the ledger's lower-cased form, 'Ada.L@example.com' would get no unsubscribe
    # link of her own (Mailgun leaves %recipient.unsubscribe_url% as it is).
    import email.utils

    provider, composer = adapter("mailgun", server, tmp_path, client)
    readers = [Recipient("Ada.L@example.com", "Ada L", "ada.l@example.com")]
    readers.append(Recipient("Bob@Example.com", "", "bob@example.com"))
    letters = [composer.letter(r) for r in readers]
    provider.send(Batch(composer, letters, 1, None))
    (request,) = server.requests
    form = request.form()
    to = [email.utils.parseaddr(v)[1] for n, v in form if n == "to"]
    variables = json.loads(dict(form)["recipient-variables"])
    assert to == ["Ada.L@example.com", "Bob@Example.com"]
    assert sorted(variables) == sorted(to)
    for reader, letter in zip(readers, letters, strict=True):
        assert variables[reader.email]["unsubscribe_url"] == letter.unsubscribe_url


def _tags(name: str, request) -> list[str]:
    """The tags a request gives its messages, as the provider counts them."""
    if name == "mailgun":
        return [value for field, value in request.form() if field == "o:tag"]
    body = request.json()
    if name == "postmark":
        return [message["Tag"] for message in body]
    if name == "resend":
        return [tag["value"] for message in body for tag in message["tags"]]
    return body["categories"]


@pytest.mark.parametrize(
    ("name", "tag"),
    [
        ("postmark", "dopemail-issue-1"),
        ("resend", "1-first-issue"),
        ("sendgrid", "dopemail-issue-1"),
        ("mailgun", "dopemail-issue-1"),
    ],
)
def test_a_test_copy_is_tagged_apart_from_the_issue(name, tag, server, client, tmp_path) -> None:
    # The provider's figures for an issue (its opens, bounces, the messages of its tag)
    # counted the editors' test copies among the readers'.
    provider, composer = adapter(name, server, tmp_path, client)
    provider.send(batch(composer, "ada@example.com"))
    test = Composer(composer.issue, composer.sender, UNSUBSCRIBE_SECRET.encode(), test=True)
    provider.send(batch(test, "editor@example.com", key=None))
    sent, tested = server.requests
    assert _tags(name, sent) == [tag]
    assert _tags(name, tested) == [f"{tag}-test"]


@pytest.mark.parametrize("name", ["postmark", "sendgrid", "mailgun"])
def test_tracking_left_to_the_account_asks_for_nothing(name, server, client, tmp_path) -> None:
    # [send] tracking = "account": no switch is sent, so the account's own settings decide
    # (with "off", the default, each request turns them off: see the requests above).
    workspace = make_workspace(tmp_path, provider=name, server=server, send='tracking = "account"')
    settings = load_settings(workspace)
    provider = make_provider(settings, workspace, client, env(name, KEY))
    composer = Composer(load_issue(workspace, "1"), settings.sender, UNSUBSCRIBE_SECRET.encode())
    provider.send(batch(composer, "ada@example.com"))
    (request,) = server.requests
    if name == "mailgun":
        sent = " ".join(f"{field}={value}" for field, value in request.form())
    else:
        sent = json.dumps(request.json())
    assert "track" not in sent.lower() and "ada@example.com" in sent


def test_buttondown_request_posts_the_issue_once_to_the_list(server, client, tmp_path) -> None:
    provider, composer = adapter("buttondown", server, tmp_path, client)
    list_row = Recipient("buttondown subscriber list", "", "buttondown:list")
    post = Batch(composer, [composer.letter(list_row)], 1, "dopemail-1-batch-1-xyz")
    (outcome,) = provider.send(post)
    (request,) = server.requests
    assert (request.method, request.path) == ("POST", "/v1/emails")
    assert request.headers["authorization"] == f"Token {KEY}"
    assert request.headers["x-idempotency-key"] == "dopemail-1-batch-1-xyz"
    body = request.json()
    assert set(body) <= BUTTONDOWN_FIELDS
    assert body["status"] == "about_to_send" and body["secondary_id"] == 1
    # The built issue is a whole email: not wrapped in the newsletter's own template.
    assert body["template"] == "naked"
    assert body["subject"] == "Ghosts, strangers and a summer of repertory"
    assert "{{ unsubscribe_url }}" in body["body"] and UNSUBSCRIBE_PLACEHOLDER not in body["body"]
    assert body["canonical_url"] == "https://dopepress.example.com/issues/1-first-issue/"
    assert outcome.status == "sent" and outcome.message_id.startswith("em_")
    # The same key again (a lost answer, retried): Buttondown answers as before, posts nothing.
    assert provider.send(post)[0].message_id == outcome.message_id
    assert server.deliveries == {BUTTONDOWN_LIST: 1}


def test_buttondown_confirms_sending_on_every_post_under_one_key(server, client, tmp_path) -> None:
    # A new API key is asked to confirm sending (API version 2026-04-01): '--yes' is that
    # confirmation, so every post carries it and is never refused for want of it.
    server.buttondown_asks_confirmation = True
    provider, composer = adapter("buttondown", server, tmp_path, client)
    letter = composer.letter(Recipient("list", "", "buttondown:list"))
    assert provider.send(Batch(composer, [letter], 1, "k"))[0].status == "sent"
    (post,) = server.requests
    assert post.headers["x-buttondown-live-dangerously"] == "true"
    assert post.headers["x-idempotency-key"] == "k"
    # Posted again under the key (its answer lost): answered as before, the list mailed once.
    assert provider.send(Batch(composer, [letter], 1, "k"))[0].status == "sent"
    assert server.deliveries == {BUTTONDOWN_LIST: 1}


def test_buttondown_test_send_is_a_draft_sent_to_one_address(server, client, tmp_path) -> None:
    provider, _ = adapter("buttondown", server, tmp_path, client)
    root = tmp_path
    settings = load_settings(root)
    composer = Composer(load_issue(root, "1"), settings.sender, b"s", test=True)
    letter = composer.letter(Recipient("editor@example.com", "", "editor@example.com"))
    provider.send(Batch(composer, [letter]))
    create, send_draft = server.requests
    assert create.json()["status"] == "draft" and create.json()["subject"].startswith("[TEST] ")
    assert create.json()["template"] == "naked"  # the test shows what the readers will get
    assert send_draft.path.endswith("/send-draft")
    assert send_draft.json() == {"recipients": ["editor@example.com"]}
    assert server.deliveries == {"editor@example.com": 1}


# -- answers: per-recipient refusals -----------------------------------------------------------


def test_postmark_maps_each_message_error_code(server, client, tmp_path) -> None:
    provider, composer = adapter("postmark", server, tmp_path, client)
    outcomes = provider.send(
        batch(composer, "ada@example.com", "inactive1@example.com", "reject1@example.com")
    )
    assert [o.status for o in outcomes] == ["sent", "rejected", "rejected"]
    assert "406" in outcomes[1].error and "inactive" in outcomes[1].error
    assert "300" in outcomes[2].error


def test_postmark_account_errors_stop_the_send(server, client, tmp_path) -> None:
    provider, composer = adapter("postmark", server, tmp_path, client)
    refusal = {"ErrorCode": 400, "Message": "Sender signature not found"}
    server.queue(Reply(200, [refusal, refusal]))
    with pytest.raises(SendError, match="Sender signature not found"):
        provider.send(batch(composer, "ada@example.com", "bob@example.com"))


def test_resend_permissive_errors_map_to_their_index(server, client, tmp_path) -> None:
    provider, composer = adapter("resend", server, tmp_path, client)
    outcomes = provider.send(
        batch(composer, "ada@example.com", "reject1@example.com", "bob@example.com")
    )
    assert [o.status for o in outcomes] == ["sent", "rejected", "sent"]
    assert "reject1@example.com" in outcomes[1].error
    assert server.deliveries == {"ada@example.com": 1, "bob@example.com": 1}


def resend_answer(server: LoopbackServer, sent: int, **errors: str) -> None:
    """Queue Resend's permissive answer: ``sent`` ids, and an error for each index given
    (``i0="..."``)."""
    refused = [{"index": int(i[1:]), "message": m} for i, m in errors.items()]
    ids = [{"id": f"em-{n}"} for n in range(sent)]
    server.queue(Reply(200, {"data": ids, "errors": refused}))


def test_resend_errors_about_what_every_email_shares_stop_the_send(
    server, client, tmp_path
) -> None:
    provider, composer = adapter("resend", server, tmp_path, client)
    readers = ("ada@example.com", "bob@example.com", "press@dopepress.example.com")

    def statuses() -> list[str]:
        return [o.status for o in provider.send(batch(composer, *readers))]

    # What every email shares, refused in each: no reader's fault, the send stops.
    for shared in (
        "The `reply_to` field is invalid.",
        "Invalid `from` field. To send emails, verify your domain.",
        # An address named in every email's error (the reply-to, a reader too) is not theirs.
        "The reply_to address `press@dopepress.example.com` is not verified.",
    ):
        resend_answer(server, 0, i0=shared, i1=shared, i2=shared)
        assert statuses() == ["unsent"] * 3, shared
    # Resend's wording of a bad address, which does not name it, in any quotes.
    for bad_to in (
        "Invalid `to` field. The email address needs to follow the `email@example.com` or "
        "`Name <email@example.com>` format.",
        "Invalid 'to' field.",
        'Invalid "to" field.',
    ):
        resend_answer(server, 2, i1=bad_to)
        assert statuses() == ["sent", "rejected", "sent"], bad_to
    # Refused while the others went: theirs, whatever the words (the rest is shared).
    resend_answer(server, 2, i0="The address `ada@example.com` is on the suppression list.")
    outcomes = provider.send(batch(composer, *readers))
    assert [o.status for o in outcomes] == ["rejected", "sent", "sent"]
    assert "suppression" in outcomes[0].error
    resend_answer(server, 2, i2="Something about this one.")
    assert statuses() == ["sent", "sent", "rejected"]
    # Alone in its batch, an error naming its own address is the reader's.
    resend_answer(server, 0, i0="`ada@example.com` is on the suppression list.")
    assert provider.send(batch(composer, "ada@example.com"))[0].status == "rejected"
    # So is one that names nothing, reported at its index: it was taken for the sender's, the
    # send stopped on that reader, and every run after it stopped the same way.
    suppressed = "This recipient is on the suppression list."
    resend_answer(server, 0, i0=suppressed)
    assert provider.send(batch(composer, "ada@example.com"))[0].status == "rejected"
    resend_answer(server, 0, i0=suppressed, i1="The `from` field is invalid.", i2=suppressed)
    assert statuses() == ["rejected", "unsent", "rejected"]
    # What every email shares is not the reader's, alone in its batch too.
    for shared in ("The `from` field is invalid.", "The example.com domain is not verified."):
        resend_answer(server, 0, i0=shared)
        assert provider.send(batch(composer, "ada@example.com"))[0].status == "unsent", shared
    # The same words for every email, nothing sent: nothing tells them from the sender's.
    resend_answer(server, 0, i0=suppressed, i1=suppressed, i2=suppressed)
    assert statuses() == ["unsent"] * 3


@pytest.mark.parametrize(
    ("sent", "indexes", "named"),
    [(2, [3], "email 3"), (2, [-1], "email -1"), (1, [0, 0], "an email twice")],
)
def test_resend_errors_naming_no_email_of_the_batch_are_unreadable(
    server, client, tmp_path, sent: int, indexes: list[int], named: str
) -> None:
    # An index outside the batch ran the ids out: "StopIteration: ", the batch left to settle
    # by hand. Given twice, it was read as one error, and an id given to the wrong reader.
    provider, composer = adapter("resend", server, tmp_path, client)
    refused = [
        {"index": i, "message": "This recipient is on the suppression list."} for i in indexes
    ]
    ids = [{"id": f"em-{n}"} for n in range(sent)]
    server.queue(Reply(200, {"data": ids, "errors": refused}))
    with pytest.raises(Transient) as caught:
        provider.send(batch(composer, "ada@example.com", "bob@example.com", "cy@example.com"))
    # It may have gone: retried (and left in flight) under its key, never put back in the queue.
    assert caught.value.ambiguous
    assert caught.value.reason == (
        f"Resend answered 200 with an unreadable body (its errors name {named}, in a batch of 3)"
    )


@pytest.mark.parametrize("found", [None, "", 42, {"id": "em-1"}])
def test_resend_200_without_an_email_s_id_is_no_receipt(found, server, client, tmp_path) -> None:
    # {"id": null} was recorded as sent, with the message id "None".
    provider, composer = adapter("resend", server, tmp_path, client)
    server.queue(Reply(200, {"data": [{"id": "em-0"}, {"id": found}], "errors": []}))
    with pytest.raises(Transient) as caught:
        provider.send(batch(composer, "ada@example.com", "bob@example.com"))
    # It may have gone: the batch stays in flight under its key.
    assert caught.value.ambiguous and "without the id of every email" in caught.value.reason
    assert "[send.resend] base_url" in caught.value.reason


def test_resend_same_key_other_content_is_in_doubt(server, client, tmp_path) -> None:
    provider, composer = adapter("resend", server, tmp_path, client)
    provider.send(batch(composer, "ada@example.com", key="k-1"))
    with pytest.raises(InDoubt, match="other content"):
        provider.send(batch(composer, "bob@example.com", key="k-1"))


@pytest.mark.parametrize(
    ("name", "period", "when"),
    [
        ("daily_quota_exceeded", "daily", "tomorrow"),
        ("monthly_quota_exceeded", "monthly", "the month's quota is renewed"),
    ],
)
def test_resend_used_up_quota_stops_the_send(
    server, client, tmp_path, name: str, period: str, when: str
) -> None:
    # Not retried as a rate limit would be (for minutes, to no avail): the send stops at once.
    provider, composer = adapter("resend", server, tmp_path, client)
    server.queue(Reply(429, {"name": name, "message": "You have reached your quota."}))
    with pytest.raises(SendError, match=f"{period} sending quota") as caught:
        provider.send(batch(composer, "ada@example.com"))
    assert when in caught.value.hint and "resumes where it stopped" in caught.value.hint
    assert "reached your quota" in str(caught.value)
    # A plain rate limit is still a Transient, retried after what the provider asks.
    server.queue(Reply(429, {"name": "rate_limit_exceeded", "message": "slow"}))
    with pytest.raises(Transient):
        provider.send(batch(composer, "ada@example.com"))


def test_sendgrid_400_naming_a_personalization_rejects_only_that_one(
    server, client, tmp_path
) -> None:
    provider, composer = adapter("sendgrid", server, tmp_path, client)
    outcomes = provider.send(batch(composer, "ada@example.com", "reject1@example.com"))
    assert [o.status for o in outcomes] == ["unsent", "rejected"]
    assert "valid address" in outcomes[1].error
    assert server.deliveries == {}


def test_sendgrid_400_about_another_field_of_a_personalization_refuses_the_request(
    server, client, tmp_path
) -> None:
    provider, composer = adapter("sendgrid", server, tmp_path, client)
    # The same for every reader (their headers, substitutions): not any one reader's fault.
    field = {"field": "personalizations.1.headers", "message": "Invalid header name."}
    server.queue(Reply(400, {"errors": [field]}))
    with pytest.raises(SendError, match="Invalid header name"):
        provider.send(batch(composer, "ada@example.com", "bob@example.com"))
    # 'personalizations.1.to' (the whole list of a personalization) names its reader.
    field = {"field": "personalizations.1.to", "message": "Does not contain a valid address."}
    server.queue(Reply(400, {"errors": [field]}))
    outcomes = provider.send(batch(composer, "ada@example.com", "bob@example.com"))
    assert [o.status for o in outcomes] == ["unsent", "rejected"]
    # A reader the batch does not have: taken for one, it would leave every reader unsent
    # with no reason, and the same batch would be posted again, and again.
    field = {"field": "personalizations.7.to", "message": "Does not contain a valid address."}
    server.queue(Reply(400, {"errors": [field]}))
    with pytest.raises(SendError, match="valid address"):
        provider.send(batch(composer, "ada@example.com", "bob@example.com"))


@pytest.mark.parametrize(
    "body", ["<html>Mailgun Magnificent API</html>", {"message": "Queued. Thank you."}, []]
)
def test_mailgun_200_without_a_message_id_is_no_receipt(body, server, client, tmp_path) -> None:
    provider, composer = adapter("mailgun", server, tmp_path, client)
    server.queue(Reply(200, body))
    with pytest.raises(Transient) as caught:
        provider.send(batch(composer, "ada@example.com", "bob@example.com"))
    # It may have arrived: only a key would make posting it again safe, and Mailgun has none.
    assert caught.value.ambiguous and "base_url" in caught.value.reason


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("postmark", 202),
        ("resend", 202),
        ("sendgrid", 200),
        ("mailgun", 202),
        ("sendgrid", 204),
        ("buttondown", 200),
        ("buttondown", 202),
    ],
)
def test_a_success_the_api_does_not_give_is_in_doubt_not_a_refusal(
    name, status, server, client, tmp_path
) -> None:
    # A sandbox, a proxy, an API version: the provider may have taken the batch, so its
    # readers must not go back to the queue (and out again) as after a refusal.
    provider, composer = adapter(name, server, tmp_path, client)
    server.queue(Reply(status, {"id": "x"}, deliver=True))
    with pytest.raises(InDoubt, match=f"answered HTTP {status}.*may have taken this one"):
        provider.send(batch(composer, "ada@example.com", "bob@example.com"))


def test_buttondown_duplicate_email_is_in_doubt(server, client, tmp_path) -> None:
    provider, composer = adapter("buttondown", server, tmp_path, client)
    detail = "An email with this subject was sent recently."
    server.queue(Reply(400, {"code": "email_duplicate", "detail": detail}))
    with pytest.raises(InDoubt, match="Buttondown already has this email"):
        provider.send(one_batch("buttondown", composer))


def test_buttondown_asked_to_confirm_a_confirmed_post_is_in_doubt(server, client, tmp_path) -> None:
    # Confirmed and still asked to confirm: Buttondown giving back, under the key, its answer to
    # an earlier dopemail's unconfirmed post, which then posted again under 'K-confirmed' and
    # may have mailed the list. Taken as a refusal, the batch went back to the queue and was
    # posted again under a new key: the list mailed twice.
    provider, composer = adapter("buttondown", server, tmp_path, client)
    confirm = {"code": "sending_requires_confirmation", "detail": "Confirm."}
    server.queue(Reply(400, confirm))
    post = one_batch("buttondown", composer)
    with pytest.raises(InDoubt) as caught:
        provider.send(post)
    said = str(caught.value)
    key = post.idempotency_key
    assert f"under this issue's idempotency key '{key}'" in said, said
    assert f"'{key}-confirmed' and may have gone out" in said, said
    assert "Buttondown's Emails page" in said, said
    (request,) = server.requests
    assert request.headers["x-buttondown-live-dangerously"] == "true"


def test_buttondown_conflict_under_the_key_is_in_doubt(server, client, tmp_path) -> None:
    # A post under the issue's key with other content (the issue rebuilt, or sent from another
    # checkout): Buttondown answers 409. It was taken as a refusal, the issue put back in the
    # queue, to be posted again to the whole list once the key expired.
    provider, composer = adapter("buttondown", server, tmp_path, client)
    post = one_batch("buttondown", composer)
    assert provider.send(post)[0].status == "sent"
    write_issue(tmp_path, subject="A corrected subject")
    rebuilt = Composer(load_issue(tmp_path, "1"), composer.sender, UNSUBSCRIBE_SECRET.encode())
    with pytest.raises(InDoubt, match="409 Conflict under this issue's idempotency key"):
        provider.send(Batch(rebuilt, post.letters, 1, post.idempotency_key))
    assert server.deliveries == {BUTTONDOWN_LIST: 1}


@pytest.mark.parametrize(
    ("status", "body"), [(201, {}), (201, "<html>Welcome to nginx</html>"), (201, {"id": ""})]
)
def test_buttondown_success_without_the_email_s_id_is_no_receipt(
    status, body, server, client, tmp_path
) -> None:
    # Any 2xx was "posted to the whole list", with no id: a proxy's page was taken for the
    # issue sent, and the issue was never posted.
    provider, composer = adapter("buttondown", server, tmp_path, client)
    server.queue(Reply(status, body))
    with pytest.raises(Transient) as caught:
        provider.send(one_batch("buttondown", composer))
    assert caught.value.ambiguous and "without the email's id" in caught.value.reason


def test_buttondown_validation_errors_are_told_in_its_words(server, client, tmp_path) -> None:
    # Its 422 (ValidationErrorMessage: detail[{loc, msg, type}]) was shown as a Python dict.
    provider, composer = adapter("buttondown", server, tmp_path, client)
    missing = {"loc": ["body", "subject"], "msg": "Field required", "type": "missing"}
    server.queue(Reply(422, {"detail": [missing]}))
    with pytest.raises(SendError) as caught:
        provider.send(one_batch("buttondown", composer))
    assert caught.value.message.endswith("HTTP 422: Field required"), caught.value.message


@pytest.mark.parametrize(
    "odd", ["garbled", {"MessageID": "abc", "To": "bob@example.com"}, {"ErrorCode": "0"}]
)
def test_postmark_answer_without_an_error_code_for_a_message_is_in_doubt(
    odd, server, client, tmp_path
) -> None:
    # One unreadable answer among readable ones put its reader back in the queue (mailed
    # twice); one without an ErrorCode (a request echoed back) was taken as sent.
    provider, composer = adapter("postmark", server, tmp_path, client)
    sent = {"ErrorCode": 0, "Message": "OK", "MessageID": "m-1", "To": "ada@example.com"}
    server.queue(Reply(200, [sent, odd]))
    with pytest.raises(Transient) as caught:
        provider.send(batch(composer, "ada@example.com", "bob@example.com"))
    assert caught.value.ambiguous and "ErrorCode" in caught.value.reason


def test_mailgun_400_without_an_address_asks_the_runner_to_bisect(server, client, tmp_path) -> None:
    provider, composer = adapter("mailgun", server, tmp_path, client)
    with pytest.raises(RecipientRejected, match="to parameter is not a valid address"):
        provider.send(batch(composer, "ada@example.com", "reject1@example.com"))
    # The wording of Mailgun's API description (the loopback's), and with 'to' quoted.
    for said in ("to parameter is not a valid address.", "'to' parameter is not a valid address"):
        server.queue(Reply(400, {"message": said}))
        with pytest.raises(RecipientRejected):
            provider.send(batch(composer, "ada@example.com", "bob@example.com"))
    # The sender's Reply-To is not a reader's address: halving the batch would not fix it.
    server.queue(Reply(400, {"message": "'h:Reply-To' parameter is not a valid address"}))
    with pytest.raises(SendError, match="Reply-To"):
        provider.send(batch(composer, "ada@example.com", "bob@example.com"))


# -- answers common to all: 401, 429, 500, timeouts ------------------------------------------------


def one_batch(name: str, composer: Composer) -> Batch:
    if name == "buttondown":
        return Batch(composer, [composer.letter(Recipient("list", "", "buttondown:list"))], 1, "k")
    return batch(composer, "ada@example.com")


@pytest.mark.parametrize("name", PROVIDERS)
def test_a_refused_key_is_a_provider_auth_error_without_the_key(
    name, server, client, tmp_path
) -> None:
    wrong = "sk_live_WRONG-KEY-0000000000"
    provider, composer = adapter(name, server, tmp_path, client, key=wrong)
    with pytest.raises(ProviderAuthError) as caught:
        provider.send(one_batch(name, composer))
    assert ENV_NAMES[name] in caught.value.hint
    assert wrong not in str(caught.value) and KEY not in str(caught.value)
    assert wrong not in repr(provider)


@pytest.mark.parametrize("name", ["mailgun", "buttondown"])
def test_a_403_is_a_refusal_to_send_not_a_refused_key(name, server, client, tmp_path) -> None:
    # Mailgun's sandbox domain answers 403 "not allowed to send" to a key it took: "refused
    # the API key" sent the editor to check a key that was right.
    provider, composer = adapter(name, server, tmp_path, client)
    words = "Domain sandbox123.mailgun.org is not allowed to send: Free accounts are for test"
    server.queue(Reply(403, {"message": words, "detail": words}))
    with pytest.raises(ProviderAuthError) as caught:
        provider.send(one_batch(name, composer))
    assert caught.value.message.endswith(f"refused to send (HTTP 403: {words})")
    assert "sandbox or unverified domain" in caught.value.hint
    assert "refused the API key" not in caught.value.message


RATE_LIMITED = {
    "postmark": Reply(
        429, {"ErrorCode": 429, "Message": "Rate limit exceeded"}, {"Retry-After": "7"}
    ),
    "resend": Reply(429, {"name": "rate_limit_exceeded"}, {"Retry-After": "7"}),
    "sendgrid": Reply(429, {"errors": [{"message": "too many requests"}]}, {}),
    "mailgun": Reply(429, {"message": "limit exceeded, try again after 7 seconds"}),
    "buttondown": Reply(429, {"detail": "Slow down."}, {"Retry-After": "7"}),
    # As AWS answers: the error's name in x-amzn-ErrorType, and no Retry-After (AWS sends
    # none, nor any rate-limit header).
    "ses": Reply(
        429,
        {"message": "Too Many Requests"},
        {
            "x-amzn-ErrorType": "TooManyRequestsException:"
            "http://internal.amazon.com/coral/com.amazonaws.sesv2/"
        },
    ),
}


@pytest.mark.parametrize("name", PROVIDERS)
def test_429_is_transient_with_the_wait_the_provider_asked_for(
    name, server, client, tmp_path
) -> None:
    provider, composer = adapter(name, server, tmp_path, client)
    reply = RATE_LIMITED[name]
    if name == "sendgrid":  # an epoch: when the window resets
        reply.headers["X-RateLimit-Reset"] = str(int(time.time()) + 7)
    server.queue(reply)
    with pytest.raises(Transient) as caught:
        provider.send(one_batch(name, composer))
    # (Postmark documents no Retry-After, but one that comes, from a proxy, is heeded: it
    # was retried at once.)
    assert not caught.value.ambiguous
    if name == "ses":  # no wait asked for: the backoff decides
        assert caught.value.delay is None and "rate limited" in caught.value.reason
        return
    assert 5.5 <= caught.value.delay <= 7.0
    if name == "postmark":  # without one, the backoff decides
        server.queue(Reply(429, {"ErrorCode": 429, "Message": "Rate limit exceeded"}))
        with pytest.raises(Transient) as caught:
            provider.send(one_batch(name, composer))
        assert caught.value.delay is None


@pytest.mark.parametrize("name", PROVIDERS)
def test_500_is_transient(name, server, client, tmp_path) -> None:
    provider, composer = adapter(name, server, tmp_path, client)
    server.queue(Reply(500, {"message": "boom"}))
    with pytest.raises(Transient) as caught:
        provider.send(one_batch(name, composer))
    assert not caught.value.ambiguous and "500" in caught.value.reason


@pytest.mark.parametrize("name", PROVIDERS)
def test_a_timeout_is_transient_and_ambiguous(name, server, client, tmp_path) -> None:
    provider, composer = adapter(name, server, tmp_path, client, timeout=0.2)
    server.queue(Reply(200, {}, delay=1.0))
    with pytest.raises(Transient) as caught:
        provider.send(one_batch(name, composer))
    assert caught.value.ambiguous and "0.2 s" in caught.value.reason


@pytest.mark.parametrize("name", PROVIDERS)
def test_a_connection_dropped_unanswered_is_transient_and_ambiguous(
    name, server, client, tmp_path
) -> None:
    # The request was written (and here taken): a retry without a key may mail it twice.
    provider, composer = adapter(name, server, tmp_path, client)
    server.queue(Reply(200, deliver=True, hang_up=True))
    with pytest.raises(Transient) as caught:
        provider.send(one_batch(name, composer))
    assert caught.value.ambiguous and "connection to" in caught.value.reason
    assert len(server.requests) == 1 and server.delivered() == 1


@pytest.mark.parametrize(
    "error",
    [httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError],
    ids=["remote-protocol", "read", "write"],
)
def test_a_transport_error_once_the_request_is_made_is_ambiguous(error, server, tmp_path) -> None:
    def broken(request: httpx.Request) -> httpx.Response:
        raise error("connection reset by peer", request=request)

    with httpx.Client(transport=httpx.MockTransport(broken)) as mocked:
        provider, composer = adapter("postmark", server, tmp_path, mocked)
        with pytest.raises(Transient) as caught:
            provider.send(one_batch("postmark", composer))
    assert caught.value.ambiguous, caught.value.reason
    assert "connection to Postmark failed: connection reset by peer" in caught.value.reason


@pytest.mark.parametrize("name", PROVIDERS)
def test_an_unreachable_server_is_transient_and_safe(name, client, tmp_path) -> None:
    closed = LoopbackServer(key=KEY)  # bound, then closed: nothing listens on its port
    closed.stop()
    provider, composer = adapter(name, closed, tmp_path, client)
    with pytest.raises(Transient) as caught:
        provider.send(one_batch(name, composer))
    assert not caught.value.ambiguous and "cannot reach" in caught.value.reason


# -- batch sizes, end to end -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "sizes"),
    [
        ("postmark", [500, 500, 5]),
        ("resend", [100] * 10 + [5]),
        ("sendgrid", [1000, 5]),
        ("mailgun", [1000, 5]),
    ],
)
def test_batches_respect_each_providers_limit(name, sizes, server, tmp_path) -> None:
    root = make_workspace(tmp_path, provider=name, server=server, subscribers=1005)
    quiet = Reporter(progress=False)
    summary = send_issue(root, "1", SendOptions(yes=True), env=env(name), reporter=quiet)
    assert summary.sent == 1005 and set(server.deliveries.values()) == {1}
    counted = []
    for request in server.requests:
        if name == "mailgun":
            counted.append(sum(1 for n, _ in request.form() if n == "to"))
        elif name == "sendgrid":
            counted.append(len(request.json()["personalizations"]))
        else:
            counted.append(len(request.json()))
    assert sorted(counted, reverse=True) == sizes  # batches go a few at a time, in any order


@pytest.mark.parametrize("name", ["sendgrid", "mailgun"])
def test_one_copy_of_a_large_email_per_request_fills_the_batch(name, server, tmp_path) -> None:
    # SendGrid and Mailgun take the bodies once per request: a 60 KB email capped their
    # batches as if each of the 1,000 messages carried its own copy (about 250 a request).
    root = make_workspace(tmp_path, provider=name, server=server, subscribers=1005)
    filler = "<p>" + "A long review. " * 4000 + "</p>"
    write_issue(root, html=HTML.replace("</body>", filler + "</body>"))
    quiet = Reporter(progress=False)
    summary = send_issue(root, "1", SendOptions(yes=True), env=env(name), reporter=quiet)
    assert summary.sent == 1005 and set(server.deliveries.values()) == {1}
    assert len(server.requests) == 2


# -- the field lists above are the published ones ------------------------------------------------


@pytest.mark.skipif(not SPECS.is_dir(), reason="the providers' API files are not on this machine")
def test_field_lists_match_the_published_specs() -> None:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    def load(text: str) -> dict:
        return yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader

    postmark = load((SPECS / "postmark-server.yaml").read_text())
    assert set(postmark["definitions"]["SendEmailRequest"]["properties"]) == POSTMARK_FIELDS
    assert "X-Postmark-Server-Token" in json.dumps(postmark["paths"]["/email/batch"])
    resend = load((SPECS / "resend.yaml").read_text())
    assert set(resend["components"]["schemas"]["SendEmailRequest"]["properties"]) == RESEND_FIELDS
    (parameter,) = resend["paths"]["/emails/batch"]["post"]["parameters"]
    assert parameter["name"] == "Idempotency-Key" and parameter["schema"]["maxLength"] == 256
    sendgrid = load((SPECS / "sendgrid-mail-v3.yaml").read_text())
    body = sendgrid["components"]["requestBodies"]["PostMailSend"]["content"]["application/json"]
    assert set(body["schema"]["properties"]) == SENDGRID_FIELDS
    tracking = body["schema"]["properties"]["tracking_settings"]["properties"]
    assert {"click_tracking", "open_tracking", "subscription_tracking", "ganalytics"} <= set(
        tracking
    )
    assert "enable_text" in tracking["click_tracking"]["properties"]
    personalizations = body["schema"]["properties"]["personalizations"]
    assert personalizations["maxItems"] == 1000
    assert set(personalizations["items"]["properties"]) == SENDGRID_PERSONALIZATION
    mailgun = load((SPECS / "mailgun.yaml").read_text())
    form = mailgun["components"]["schemas"][
        "POST-v3-domain_name-messages-multipart-form-data-RequestBody"
    ]
    plain = {n for n in form["properties"] if ":" not in n}
    assert plain == MAILGUN_FIELDS
    assert "Maximum 1,000" in form["properties"]["recipient-variables"]["description"]
    buttondown = json.loads((SPECS / "buttondown.json").read_text())
    email_input = buttondown["components"]["schemas"]["EmailInput"]
    assert set(email_input["properties"]) == BUTTONDOWN_FIELDS
    assert email_input["additionalProperties"] is False
    (template, _) = email_input["properties"]["template"]["anyOf"]
    templates = buttondown["components"]["schemas"][template["$ref"].rpartition("/")[2]]
    assert "naked" in templates["enum"]


@pytest.mark.parametrize("dripped", ["body", "head"])
def test_an_answer_given_a_byte_at_a_time_is_cut_at_the_timeout(dripped: str) -> None:
    # httpx's timeout bounds each read: a server giving its answer a byte every tenth of a
    # second held a send with `timeout = 3` for a hundred seconds. An answer still coming at
    # the timeout is a lost one (the request went out); one that came whole, however late
    # (its first lines a byte at a time), is kept.
    import socket
    import threading

    listener = socket.create_server(("127.0.0.1", 0))
    body = b'{"MessageID": "a", "ErrorCode": 0, "To": "x"}'
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"
    first = head % len(body)
    answer = first + body
    slow = slice(0, len(first)) if dripped == "head" else slice(len(first), len(answer))

    def drip() -> None:
        connection, _ = listener.accept()
        with connection:
            _read_request(connection)
            connection.sendall(answer[: slow.start])
            for byte in answer[slow]:
                try:
                    connection.sendall(bytes([byte]))
                except OSError:  # the client gave up: what the test wants
                    return
                time.sleep(0.03)
            connection.sendall(answer[slow.stop :])

    server = threading.Thread(target=drip, daemon=True)
    server.start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    api = HttpApi("postmark", httpx.Client(), url, 0.5, KEY)
    try:
        if dripped == "head":
            assert api.post("/email", content=b"{}").json()["MessageID"] == "a"
        else:
            with pytest.raises(Transient) as caught:
                api.post("/email", content=b"{}")
            assert caught.value.ambiguous
            assert "did not answer within 0.5 s" in caught.value.reason
    finally:
        listener.close()
    server.join(5)


@pytest.mark.parametrize(
    ("answer", "told"),
    [
        (Reply(413, {"message": "Payload Too Large"}), "lower [send] batch_size"),
        (
            Reply(302, None, {"Location": "https://login.example.org/"}),
            # The table as dopemail.toml spells it: '[send.Postmark]' is another table.
            "[send.postmark] base_url leads https://login.example.org/: dopemail follows no "
            "redirect",
        ),
        (Reply(422, {"message": "Invalid from"}), "is the From domain verified"),
    ],
    ids=["too-large", "redirect", "refused"],
)
def test_a_refusal_s_hint_fits_what_refused_it(server, client, tmp_path, answer, told) -> None:
    # Every refusal said to check the From domain: no help for a batch too large for a proxy,
    # or a base_url that redirects elsewhere.
    provider, composer = adapter("postmark", server, tmp_path, client)
    server.queue(answer)
    with pytest.raises(SendError, match="refused the request") as caught:
        provider.send(batch(composer, "ada@example.com"))
    assert told in str(caught.value.hint), caught.value.hint


@pytest.mark.parametrize("framing", ["chunked", "close-delimited"])
def test_a_whole_answer_without_a_length_is_kept_however_late(framing: str) -> None:
    # Past the deadline, the last piece of a chunked answer (or one ended by closing the
    # connection) was taken for more still coming: the answer was thrown away, its batch
    # left in doubt.
    import socket
    import threading

    listener = socket.create_server(("127.0.0.1", 0))
    body = b'{"MessageID": "a", "ErrorCode": 0, "To": "x"}'
    if framing == "chunked":
        head = (
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )
        rest = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
    else:
        head = b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"
        rest = body

    def answer() -> None:
        connection, _ = listener.accept()
        with connection:
            _read_request(connection)
            time.sleep(0.3)
            connection.sendall(head)
            time.sleep(0.4)  # each wait within the timeout, the whole past it
            connection.sendall(rest)

    server = threading.Thread(target=answer, daemon=True)
    server.start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    try:
        got = HttpApi("postmark", httpx.Client(), url, 0.5, KEY).post("/email", content=b"{}")
    finally:
        listener.close()
    assert got.json()["MessageID"] == "a"
    server.join(5)


def _read_request(connection) -> bytes:  # type: ignore[no-untyped-def]
    """A whole HTTP request from ``connection``: its head, then its body by Content-Length
    (closing with part of it unread would reset the connection, not end the answer)."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += connection.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        (
            int(line.split(b":")[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        ),
        0,
    )
    while len(body) < length:
        body += connection.recv(65536)
    return data
