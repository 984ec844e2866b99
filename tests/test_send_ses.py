"""Amazon SES (API v2): the Signature Version 4 signer against AWS's test suite and botocore's
signer, the SendEmail request as the service model describes it (one raw, personal message a
reader), and how each of SES's answers is taken, over real HTTP to the loopback server, which
computes every signature again with botocore."""

from __future__ import annotations

import base64
import email
import email.policy
import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sendserver import (
    KEY,
    SES_REGION,
    UNSUBSCRIBE_SECRET,
    env,
    make_workspace,
    readers,
)

from dopemail.config import load_settings
from dopemail.errors import ConfigError, DopemailError, ProviderAuthError, SendError
from dopemail.send.issue import load_issue
from dopemail.send.loopback import AWS_KEY_ID, SES_FIELDS, LoopbackServer, Reply
from dopemail.send.message import Composer, Recipient, verify_token
from dopemail.send.providers import make_provider
from dopemail.send.providers.base import Batch, RecipientRejected, Transient
from dopemail.send.providers.ses import Ses
from dopemail.send.providers.sigv4 import sign
from dopemail.send.report import Reporter
from dopemail.send.run import SendOptions, send_issue

SPECS = Path("/work/shared/provider-specs")
QUIET = Reporter(progress=False)

# -- the signer ----------------------------------------------------------------------------------

# AWS's Signature Version 4 test suite (its published example credentials and requests).
SUITE = {
    "access_key": "AKIDEXAMPLE",
    "secret_key": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    "region": "us-east-1",
    "service": "service",
    "now": datetime(2015, 8, 30, 12, 36, tzinfo=UTC),
}
SUITE_TOKEN = (
    "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpS"
    "PfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQD"
    "YwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+sc"
    "qKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA=="
)


@pytest.mark.parametrize(
    ("case", "method", "url", "headers", "token", "signed", "signature"),
    [
        ("get-vanilla", "GET", "/", {}, None, "host;x-amz-date", "5fa00fa31553b73e"),
        ("post-vanilla", "POST", "/", {}, None, "host;x-amz-date", "5da7c1a2acd57cee"),
        (
            "get-vanilla-query-order-key-case",
            "GET",
            "/?Param2=value2&Param1=value1",
            {},
            None,
            "host;x-amz-date",
            "b97d918cfa904a5b",
        ),
        (
            "post-header-value-case",
            "POST",
            "/",
            {"My-Header1": "VALUE1"},
            None,
            "host;my-header1;x-amz-date",
            "cdbc9802e29d2942",
        ),
        # The session token signed, as dopemail sends it (X-Amz-Security-Token among the
        # signed headers).
        (
            "post-sts-header-before",
            "POST",
            "/",
            {},
            SUITE_TOKEN,
            "host;x-amz-date;x-amz-security-token",
            "85d96828115b5dc0",
        ),
        # AWS's "after" case: the token header added once the request is signed, so neither
        # signed nor in the signature (post-vanilla's): the signer is not given it.
        (
            "post-sts-header-after",
            "POST",
            "/",
            {},
            None,
            "host;x-amz-date",
            "5da7c1a2acd57cee",
        ),
    ],
)
def test_the_signer_gives_aws_s_own_test_suite_s_signatures(
    case, method, url, headers, token, signed, signature
) -> None:
    added = sign(
        method, "https://example.amazonaws.com" + url, headers, b"", session_token=token, **SUITE
    )
    assert added["X-Amz-Date"] == "20150830T123600Z"
    scope = "AKIDEXAMPLE/20150830/us-east-1/service/aws4_request"
    assert added["Authorization"].startswith(
        f"AWS4-HMAC-SHA256 Credential={scope}, SignedHeaders={signed}, Signature={signature}"
    ), case


def botocore_authorization(
    url: str, headers: dict[str, str], body: bytes, now: datetime, token: str | None, monkeypatch
) -> dict[str, str]:
    """What botocore's signer (SigV4Auth) adds to the same request, at the same moment."""
    import botocore.auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: now.replace(tzinfo=None))
    request = AWSRequest(method="POST", url=url, data=body, headers=dict(headers))
    credentials = Credentials(
        "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", token
    )
    botocore.auth.SigV4Auth(credentials, "ses", "eu-west-1").add_auth(request)
    return {k: v for k, v in request.headers.items() if k.lower().startswith(("x-amz", "auth"))}


@pytest.mark.parametrize("token", [None, "IQoJb3JpZ2luX2VjEXAMPLE+token/=="])
@pytest.mark.parametrize(
    "url",
    [
        "https://email.eu-west-1.amazonaws.com/v2/email/outbound-emails",
        "http://127.0.0.1:8025/v2/email/outbound-emails",
        "https://proxy.example.com:8443/ses%20api/v2/email/outbound-emails",
    ],
)
def test_the_signer_agrees_with_botocore_s(url, token, monkeypatch) -> None:
    now = datetime(2026, 12, 7, 15, 4, 5, tzinfo=UTC)
    body = json.dumps({"Content": {"Raw": {"Data": "RnJvbTogYUBiLmM="}}, "é": "ü"}).encode()
    headers = {"Content-Type": "application/json"}
    ours = sign(
        "POST",
        url,
        headers,
        body,
        access_key="AKIAIOSFODNN7EXAMPLE",
        secret_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        region="eu-west-1",
        service="ses",
        session_token=token,
        now=now,
    )
    theirs = botocore_authorization(url, headers, body, now, token, monkeypatch)
    assert ours == theirs


# -- the request ----------------------------------------------------------------------------------


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer(key=KEY, ses_region=SES_REGION) as running:
        yield running


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client() as http:
        yield http


def ses(server, root: Path, client, environ: dict[str, str] | None = None, send: str = ""):
    workspace = make_workspace(root, provider="ses", server=server, send=send)
    settings = load_settings(workspace)
    provider = make_provider(
        settings, workspace, client, env("ses") if environ is None else environ
    )
    composer = Composer(load_issue(workspace, "1"), settings.sender, UNSUBSCRIBE_SECRET.encode())
    return provider, composer


def one(composer: Composer, address: str = "ada@example.com") -> Batch:
    return Batch(composer, [composer.letter(Recipient(address, "Ada", address.lower()))], 1)


def raw_message(request) -> email.message.EmailMessage:
    data = base64.b64decode(request.json()["Content"]["Raw"]["Data"], validate=True)
    return email.message_from_bytes(data, policy=email.policy.default)


def test_send_email_request_is_signed_and_shaped_as_the_service_model_says(
    server, client, tmp_path
) -> None:
    provider, composer = ses(server, tmp_path, client)
    batch = one(composer)
    (outcome,) = provider.send(batch)
    (request,) = server.requests
    assert server.sigv4_checker == "botocore"  # the server recomputed the signature itself
    assert (request.method, request.path) == ("POST", "/v2/email/outbound-emails")
    authorization = request.headers["authorization"]
    day = request.headers["x-amz-date"][:8]
    assert authorization.startswith(
        f"AWS4-HMAC-SHA256 Credential={AWS_KEY_ID}/{day}/{SES_REGION}/ses/aws4_request, "
        "SignedHeaders=content-type;host;x-amz-date, Signature="
    )
    assert "x-amz-security-token" not in request.headers
    assert request.headers["content-type"] == "application/json"
    # The message delivered keeps the From's display name (SES delivers a request's
    # FromEmailAddress in place of the raw From header).
    (delivered,) = server.ses_delivered
    assert delivered["From"] == "DoPe Press <newsletter@dopepress.example.com>"
    body = request.json()
    assert set(body) <= SES_FIELDS
    # No FromEmailAddress: beside Raw content it would replace the message's From, display
    # name and all; SES reads the raw From (and checks that it is verified).
    assert "FromEmailAddress" not in body
    assert body["Destination"] == {"ToAddresses": ["ada@example.com"]}
    assert body["EmailTags"] == [{"Name": "dopemail_issue", "Value": "1-first-issue"}]
    assert set(body["Content"]) == {"Raw"}
    # The raw message is the outbox's own, for this reader (its Date and MIME boundary aside).
    sent = base64.b64decode(body["Content"]["Raw"]["Data"])
    date = raw_message(request)["Date"]
    outbox = composer.eml(batch.letters[0], date=date)
    boundary = raw_message(request).get_boundary().encode()
    theirs = email.message_from_bytes(outbox, policy=email.policy.default).get_boundary().encode()
    assert sent == outbox.replace(theirs, boundary)
    message = raw_message(request)
    assert message["To"] == "Ada <ada@example.com>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    token = message["List-Unsubscribe"].split("token=")[1].split(">")[0]
    assert verify_token(token, UNSUBSCRIBE_SECRET) == "ada@example.com"
    assert outcome.status == "sent" and outcome.message_id.startswith("0100")


def test_the_loopback_server_delivers_from_from_email_address_as_ses_does(
    server, client, tmp_path
) -> None:
    # SES v2: FromEmailAddress beside Raw content is the From delivered, the raw header's
    # display name lost (laravel/framework#37881): the server does as SES does, so that the
    # test above would see a request that still sent it.
    provider, composer = ses(server, tmp_path, client)
    request = provider._request(composer, one(composer).letters[0])
    request["FromEmailAddress"] = "newsletter@dopepress.example.com"
    data = json.dumps(request).encode()
    headers = {"Content-Type": "application/json"}
    headers.update(
        sign(
            "POST",
            server.url + "/v2/email/outbound-emails",
            headers,
            data,
            access_key=AWS_KEY_ID,
            secret_key=KEY,
            region=SES_REGION,
            service="ses",
        )
    )
    answer = client.post(server.url + "/v2/email/outbound-emails", content=data, headers=headers)
    assert answer.status_code == 200, answer.text
    (delivered,) = server.ses_delivered
    assert delivered["From"] == "newsletter@dopepress.example.com"


def test_temporary_credentials_send_and_sign_their_session_token(tmp_path, client) -> None:
    with LoopbackServer(key=KEY, session_token="FwoGZXIvYXdzEXAMPLE-token") as server:
        environ = {**env("ses"), "AWS_SESSION_TOKEN": "FwoGZXIvYXdzEXAMPLE-token"}
        provider, composer = ses(server, tmp_path / "a", client, environ)
        assert provider.send(one(composer))[0].status == "sent"
        (request,) = server.requests
        assert (
            "content-type;host;x-amz-date;x-amz-security-token"
            in (request.headers["authorization"])
        )
        # Without it, the server refuses the credentials, and the error names the variables.
        provider, composer = ses(server, tmp_path / "b", client)
        with pytest.raises(ProviderAuthError) as caught:
            provider.send(one(composer))
    assert "AWS_SESSION_TOKEN" in caught.value.hint and "FwoGZXIvYXdz" not in str(caught.value)


@pytest.mark.parametrize("missing", ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"])
def test_a_send_without_credentials_is_refused_before_any_request(
    missing, server, tmp_path
) -> None:
    root = make_workspace(tmp_path, provider="ses", server=server)
    environ = {k: v for k, v in env("ses").items() if k != missing}
    with pytest.raises(SendError) as caught:
        send_issue(root, "1", SendOptions(yes=True), env=environ, reporter=QUIET)
    assert f"the environment variable {missing} is empty" in str(caught.value)
    assert server.requests == []


def test_a_session_token_with_a_line_break_is_refused_by_its_name(server, tmp_path) -> None:
    root = make_workspace(tmp_path, provider="ses", server=server)
    environ = {**env("ses"), "AWS_SESSION_TOKEN": "FwoGZXIvYXdzEXAMPLE\n"}
    with pytest.raises(SendError) as caught:
        send_issue(root, "1", SendOptions(yes=True), env=environ, reporter=QUIET)
    assert "AWS_SESSION_TOKEN has spaces or a line break" in str(caught.value)
    assert "FwoGZXIvYXdz" not in str(caught.value) and server.requests == []


def test_a_redirect_names_ses_s_own_table(server, client, tmp_path) -> None:
    # Written "Amazon SES" in messages, its settings are still [send.ses].
    provider, composer = ses(server, tmp_path, client)
    server.queue(Reply(301, None, {"Location": "https://elsewhere.example/"}))
    with pytest.raises(SendError) as caught:
        provider.send(one(composer))
    assert "[send.ses] base_url leads https://elsewhere.example/" in (caught.value.hint or "")


TOKEN = "FwoGZXIvYXdzEXAMPLE-SESSION-TOKEN-0123456789"


@pytest.mark.parametrize(
    ("variable", "called"),
    [
        ("AWS_ACCESS_KEY_ID", "access key ID"),
        ("AWS_SECRET_ACCESS_KEY", "secret access key"),
        ("AWS_SESSION_TOKEN", "session token"),
    ],
)
def test_a_credential_with_a_control_character_is_refused_in_aws_s_words(
    variable, called, server, tmp_path
) -> None:
    # It said "the value for ses ... copy the key again from ses's dashboard": AWS keys come
    # from IAM, the AWS access portal or the AWS CLI, and no dashboard of SES's.
    root = make_workspace(tmp_path, provider="ses", server=server)
    environ = {**env("ses"), "AWS_SESSION_TOKEN": TOKEN}
    value = environ[variable]
    environ[variable] = value[:10] + "\r" + value[10:]
    with pytest.raises(SendError) as caught:
        send_issue(root, "1", SendOptions(yes=True), env=environ, reporter=QUIET)
    told, hint = caught.value.message, caught.value.hint or ""
    assert told == (
        f"the AWS {called} for Amazon SES in the environment variable {variable} has a "
        "control character (a carriage return, a tab...)"
    ), told
    assert "dashboard" not in hint and "aws configure export-credentials" in hint, hint
    assert f"export {variable}='...'" in hint, hint
    assert [p for p in (value[i : i + 8] for i in range(len(value) - 7)) if p in told + hint] == []
    assert server.requests == []


# -- SES's answers --------------------------------------------------------------------------------


def error(status: int, kind: str, message: str, **headers: str) -> Reply:
    header = f"{kind}:http://internal.amazon.com/coral/com.amazonaws.sesv2/"
    return Reply(status, {"message": message}, {"x-amzn-ErrorType": header, **headers})


#: What AWS's common errors say of a credential it does not know or a signature it could not
#: match (their names in its query APIs; the loopback server gives the rest-json ones).
UNKNOWN_KEY_ID = "The security token included in the request is invalid."
MISMATCH = (
    "The request signature we calculated does not match the signature you provided. Check "
    "your AWS Secret Access Key and signing method."
)
BOTH = "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN, for temporary"


@pytest.mark.parametrize(
    ("environ", "reply", "named", "variable"),
    [
        # Refused by the loopback server, which knows one key id and computes each signature.
        (
            {"AWS_ACCESS_KEY_ID": "AKIANOTTHISONE000000"},
            None,
            "UnrecognizedClientException",
            "AWS_ACCESS_KEY_ID:",
        ),
        (
            {"AWS_SECRET_ACCESS_KEY": "not-the-secret-0000000000"},
            None,
            "InvalidSignatureException",
            "AWS_SECRET_ACCESS_KEY:",
        ),
        (
            {},
            error(403, "InvalidClientTokenId", UNKNOWN_KEY_ID),
            "InvalidClientTokenId",
            "AWS_ACCESS_KEY_ID:",
        ),
        (
            {},
            error(403, "SignatureDoesNotMatch", MISMATCH),
            "SignatureDoesNotMatch",
            "AWS_SECRET_ACCESS_KEY:",
        ),
        ({}, error(400, "IncompleteSignature", "Authorization header requires..."), None, BOTH),
        (
            {},
            error(403, "MissingAuthenticationTokenException", "Missing Authentication Token"),
            None,
            BOTH,
        ),
        ({}, Reply(401, {"message": "Unauthorized"}), "HTTP 401", BOTH),
    ],
)
def test_refused_credentials_stop_naming_the_variable_to_fix_never_its_value(
    environ, reply, named, variable, server, client, tmp_path
) -> None:
    # As every provider's refused key does ("<provider> refused the API key (...)", then
    # "check <variable>: ..."), in AWS's words, and naming the variable that the error is
    # about: an unknown key id is AWS_ACCESS_KEY_ID's, a signature AWS_SECRET_ACCESS_KEY's.
    provider, composer = ses(server, tmp_path, client, {**env("ses"), **environ})
    if reply is not None:
        server.queue(reply)
    with pytest.raises(ProviderAuthError) as caught:
        provider.send(one(composer))
    told, hint = str(caught.value), caught.value.hint or ""
    kind = named or reply.headers["x-amzn-ErrorType"].partition(":")[0]
    assert told.startswith(f"Amazon SES refused the AWS credentials ({kind}"), told
    assert hint.startswith(f"check {variable}"), hint
    for value in (*environ.values(), KEY, AWS_KEY_ID):
        assert value not in told + hint + repr(provider)


@pytest.mark.parametrize(
    ("reply", "hint"),
    [
        (error(403, "AccessDeniedException", "User is not authorized"), "ses:SendEmail"),
        (Reply(403, {"__type": "AccessDenied", "message": "Access denied"}), "ses:SendEmail"),
        (error(400, "NotAuthorized", "You do not have permission"), "ses:SendEmail"),
        (
            error(403, "OptInRequired", "The AWS access key ID needs a subscription"),
            "not signed up for Amazon SES",
        ),
    ],
)
def test_a_key_taken_but_not_allowed_to_send_says_which_key_and_what_it_lacks(
    reply, hint, server, client, tmp_path
) -> None:
    provider, composer = ses(server, tmp_path, client)
    server.queue(reply)
    with pytest.raises(ProviderAuthError) as caught:
        provider.send(one(composer))
    told = str(caught.value)
    assert told.startswith("Amazon SES refused to send ("), told
    assert "AWS_ACCESS_KEY_ID" in (caught.value.hint or "") and hint in caught.value.hint
    assert AWS_KEY_ID not in told + caught.value.hint


@pytest.mark.parametrize(
    ("reply", "delay"),
    [
        # (AWS sends no Retry-After; one that comes, from a proxy in front, is heeded.)
        (error(429, "TooManyRequestsException", "Too Many Requests", **{"Retry-After": "7"}), 7),
        (error(429, "TooManyRequestsException", "Too Many Requests"), None),
        (error(400, "LimitExceededException", "Maximum sending rate exceeded."), None),
        (error(400, "ThrottlingException", "Maximum sending rate exceeded."), None),
        (Reply(400, {"__type": "Throttling", "message": "Rate exceeded"}), None),
    ],
)
def test_throttling_is_retried_after_the_wait_asked_for(
    reply, delay, server, client, tmp_path
) -> None:
    provider, composer = ses(server, tmp_path, client)
    server.queue(reply)
    with pytest.raises(Transient) as caught:
        provider.send(one(composer))
    assert caught.value.delay == delay and not caught.value.ambiguous
    assert "rate limited" in caught.value.reason


@pytest.mark.parametrize(
    ("reply", "told", "hint"),
    [
        (
            error(400, "LimitExceededException", "Daily message quota exceeded."),
            "daily sending quota is used up",
            "24 hours",
        ),
        # SES's Developer Guide ("Errors related to the sending quotas"): the API says both
        # limits with a ThrottlingException, and a 429 may carry the quota's words as well.
        (
            error(400, "ThrottlingException", "Daily message quota exceeded."),
            "daily sending quota is used up",
            "24 hours",
        ),
        (
            Reply(400, {"__type": "Throttling", "message": "Daily message quota exceeded."}),
            "daily sending quota is used up",
            "24 hours",
        ),
        (
            error(429, "TooManyRequestsException", "Daily message quota exceeded"),
            "daily sending quota is used up",
            "24 hours",
        ),
        (
            error(400, "AccountSuspendedException", "Your account is suspended."),
            "stopped this account's sending for good",
            "AWS Support",
        ),
        (
            error(400, "SendingPausedException", "Sending is paused for this account."),
            "sending is paused",
            "put-account-sending-attributes --sending-enabled",
        ),
        (
            error(400, "MailFromDomainNotVerifiedException", "MAIL FROM domain not verified"),
            "MAIL FROM domain",
            "MX and SPF records",
        ),
        (
            error(404, "NotFoundException", "Configuration set does not exist."),
            "SES does not know",
            f"region ('{SES_REGION}'",
        ),
        (
            error(400, "BadRequestException", "1 validation error detected"),
            "refused the request: HTTP 400: 1 validation error detected",
            "From domain verified",
        ),
        (
            error(
                400,
                "MessageRejected",
                "Email address is not verified. The following identities failed the check in "
                "region EU-WEST-1: newsletter@dopepress.example.com",
            ),
            "SES refused the sender",
            "verify the domain of [sender] from_email in SES's eu-west-1 region",
        ),
        (
            error(
                400,
                "MessageRejected",
                "Email address is not verified. The following identities failed the check in "
                "region EU-WEST-1: ada@example.com",
            ),
            "its account is in the sandbox",
            "request production access",
        ),
        (
            error(400, "MessageRejected", "Message length is more than 40 MB"),
            "SES refused the message",
            "40 MB",
        ),
        (
            error(403, "AccessDeniedException", "User is not authorized to perform ses:SendEmail"),
            "SES refused to send",
            "ses:SendEmail permission",
        ),
        # Temporary credentials outlived by a long send: fresh ones, and the send resumes.
        (
            error(
                403,
                "ExpiredTokenException",
                "The security token included in the request is expired",
            ),
            "temporary credentials: they have expired",
            "export fresh temporary credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and "
            "AWS_SESSION_TOKEN",
        ),
        (
            Reply(403, {"__type": "ExpiredToken", "message": "The security token is expired"}),
            "temporary credentials: they have expired",
            "run the same command again: the send resumes where it stopped",
        ),
        # The clock: a request more than 15 minutes off AWS's time, a signature 5.
        (
            Reply(
                400,
                {
                    "message": "Request has expired.",
                },
                {"x-amzn-ErrorType": "RequestExpired:"},
            ),
            "this machine's clock is off",
            "check this machine's clock",
        ),
        (
            error(
                403,
                "InvalidSignatureException",
                "Signature expired: 20261207T150000Z is now earlier than 20261207T151000Z "
                "(20261207T151500Z - 5 min.)",
            ),
            "this machine's clock is off",
            "NTP",
        ),
        (
            error(
                403,
                "InvalidSignatureException",
                "Credential should be scoped to a valid region. ",
            ),
            f"it was signed for {SES_REGION}, which is not the region of its endpoint",
            "set [send.ses] region to that region",
        ),
    ],
)
def test_what_stops_the_send_says_why_and_what_to_do(
    reply, told, hint, server, client, tmp_path
) -> None:
    provider, composer = ses(server, tmp_path, client)
    server.queue(reply)
    with pytest.raises(DopemailError) as caught:
        provider.send(one(composer))
    assert isinstance(caught.value, SendError | ProviderAuthError)
    assert not isinstance(caught.value, ConfigError)
    assert told in str(caught.value) and hint in (caught.value.hint or ""), caught.value


@pytest.mark.parametrize(
    "reply",
    [
        error(400, "MessageRejected", "Address blacklisted: ada@example.com"),
        error(400, "MessageRejected", "Illegal address"),
        Reply(400, {"__type": "com.amazonaws.sesv2#MessageRejected", "message": "Illegal address"}),
    ],
)
def test_a_message_rejected_for_its_reader_fails_that_reader(
    reply, server, client, tmp_path
) -> None:
    provider, composer = ses(server, tmp_path, client)
    server.queue(reply)
    with pytest.raises(RecipientRejected) as caught:
        provider.send(one(composer))
    assert caught.value.reason.startswith("SES: HTTP 400: ")


@pytest.mark.parametrize(
    ("status", "ambiguous"), [(500, False), (503, False), (502, True), (504, True)]
)
def test_5xx_are_transient_and_only_500_503_are_taken_as_not_sent(
    status, ambiguous, server, client, tmp_path
) -> None:
    provider, composer = ses(server, tmp_path, client)
    server.queue(error(status, "InternalFailure", "boom"))
    with pytest.raises(Transient) as caught:
        provider.send(one(composer))
    assert caught.value.ambiguous is ambiguous and str(status) in caught.value.reason


@pytest.mark.parametrize(
    "reply",
    [
        error(408, "RequestTimeoutException", "Request timed out"),
        Reply(408, "Request Timeout"),
    ],
)
def test_a_408_is_a_request_never_read_retried_as_not_taken(
    reply, server, client, tmp_path
) -> None:
    provider, composer = ses(server, tmp_path, client)
    server.queue(reply)
    with pytest.raises(Transient) as caught:
        provider.send(one(composer))
    assert not caught.value.ambiguous and "did not read the request" in caught.value.reason


@pytest.mark.parametrize(
    "reply",
    [
        error(413, "RequestEntityTooLargeException", "Request entity too large"),
        Reply(413, "<html>413 Request Entity Too Large</html>"),
    ],
)
def test_a_413_says_ses_s_own_limit_not_batch_size(reply, server, client, tmp_path) -> None:
    provider, composer = ses(server, tmp_path, client)
    server.queue(reply)
    with pytest.raises(SendError) as caught:
        provider.send(one(composer))
    hint = caught.value.hint or ""
    assert "too large" in str(caught.value) and " MB" in str(caught.value)
    assert "40 MB" in hint and "after base64" in hint
    assert "lower [send] batch_size" not in hint


@pytest.mark.parametrize("body", [{}, {"MessageId": ""}, {"MessageId": 7}, "OK"])
def test_a_200_without_a_message_id_is_no_receipt(body, server, client, tmp_path) -> None:
    provider, composer = ses(server, tmp_path, client)
    server.queue(Reply(200, body))
    with pytest.raises(Transient) as caught:
        provider.send(one(composer))
    assert caught.value.ambiguous and "MessageId" in caught.value.reason


# -- end to end ----------------------------------------------------------------------------------


def ledger_rows(root: Path) -> dict[str, tuple[str, str | None, str | None]]:
    with sqlite3.connect(root / ".dopemail/sends.sqlite") as ledger:
        rows = ledger.execute("SELECT key, state, message_id, error FROM recipients")
        return {key: (state, message_id, error) for key, state, message_id, error in rows}


def test_each_reader_gets_their_own_message_once_and_the_ledger_keeps_ses_s_ids(
    server, tmp_path
) -> None:
    rows = [*readers(6), ("rejected@example.com", "", "subscribed", "", "")]
    root = make_workspace(tmp_path, provider="ses", server=server, subscribers=rows)
    summary = send_issue(root, "1", SendOptions(yes=True), env=env("ses"), reporter=QUIET)
    assert (summary.sent, summary.failed, summary.batch_size) == (6, 1, 1)
    assert set(server.deliveries.values()) == {1} and len(server.deliveries) == 6
    assert len(server.requests) == 7  # one a reader
    links = {raw_message(r)["List-Unsubscribe"] for r in server.requests}
    assert len(links) == 7  # each reader's own link
    kept = ledger_rows(root)
    assert kept["rejected@example.com"][0] == "failed"
    assert "Illegal address" in (kept["rejected@example.com"][2] or "")
    ids = {r.json()["Destination"]["ToAddresses"][0] for r in server.requests}
    assert ids == set(kept)
    assert all(
        state == "sent" and mid and mid.startswith("0100")
        for state, mid, _ in (kept[k] for k in kept if k != "rejected@example.com")
    )
    # Run again: nobody is mailed twice.
    server.reset()
    again = send_issue(root, "1", SendOptions(yes=True), env=env("ses"), reporter=QUIET)
    assert again.sent == 0 and server.requests == []


def test_a_used_up_daily_quota_stops_the_send_at_once_with_the_quota_s_hint(
    server, tmp_path
) -> None:
    # Not retried as a rate limit (three tries, then a generic 'gave up'): the quota's 24
    # hours are far beyond any retry, and the send resumes where it stopped.
    root = make_workspace(
        tmp_path, provider="ses", server=server, subscribers=3, send="concurrency = 1"
    )
    server.queue(
        Reply(200, {"MessageId": "0100first"}, deliver=True),
        error(400, "ThrottlingException", "Daily message quota exceeded."),
    )
    with pytest.raises(SendError) as caught:
        send_issue(root, "1", SendOptions(yes=True), env=env("ses"), reporter=QUIET)
    assert "daily sending quota is used up" in str(caught.value)
    assert "24 hours" in (caught.value.hint or "")
    assert len(server.requests) == 2
    states = sorted(state for state, _, _ in ledger_rows(root).values())
    assert states == ["pending", "pending", "sent"]


def test_expired_temporary_credentials_stop_the_send_to_resume_with_fresh_ones(
    server, tmp_path
) -> None:
    root = make_workspace(
        tmp_path, provider="ses", server=server, subscribers=3, send="concurrency = 1"
    )
    environ = {**env("ses"), "AWS_SESSION_TOKEN": "FwoGZXIvYXdzEXAMPLE-token"}
    server.queue(
        Reply(200, {"MessageId": "0100first"}, deliver=True),
        # (The token quoted in SES's words, as a proxy or a service may: it must not show.)
        error(
            403,
            "ExpiredTokenException",
            "The security token FwoGZXIvYXdzEXAMPLE-token included in the request is expired",
        ),
    )
    with pytest.raises(ProviderAuthError) as caught:
        send_issue(root, "1", SendOptions(yes=True), env=environ, reporter=QUIET)
    assert "export fresh temporary credentials" in (caught.value.hint or "")
    told = str(caught.value) + (caught.value.hint or "")
    assert "The security token *** included" in told and "FwoGZXIvYXdz" not in told, told
    # The one sent is kept, the others wait (none in flight): the same command resumes.
    states = sorted(state for state, _, _ in ledger_rows(root).values())
    assert states == ["pending", "pending", "sent"]
    server.reset()
    again = send_issue(root, "1", SendOptions(yes=True), env=environ, reporter=QUIET)
    assert again.sent == 2 and len(server.requests) == 2


def test_a_lost_answer_leaves_that_one_reader_in_flight_to_settle(server, tmp_path) -> None:
    # SES has no idempotency key: a timed-out request may have been sent. Its reader stays
    # in flight for the editor; the others are recorded.
    root = make_workspace(tmp_path, provider="ses", server=server, subscribers=3, timeout=0.3)
    server.queue(Reply(200, {"MessageId": "x"}, delay=1.0, deliver=True))
    with pytest.raises(DopemailError) as caught:
        send_issue(root, "1", SendOptions(yes=True), env=env("ses"), reporter=QUIET)
    assert "--mark-in-flight-sent" in str(caught.value) + (caught.value.hint or "")
    states = sorted(state for state, _, _ in ledger_rows(root).values())
    assert states.count("in_flight") == 1


def test_sends_are_paced_to_the_sandbox_unless_told_the_account_s_rate(
    server, client, tmp_path
) -> None:
    provider, _ = ses(server, tmp_path / "a", client)
    # One a second: SES's sandbox rate, as its Developer Guide gives it (not the constant read
    # back: a constant changed by mistake would pass).
    assert isinstance(provider, Ses) and provider.requests_per_second == 1.0
    assert provider.max_batch == 1 and not provider.idempotent
    provider, _ = ses(server, tmp_path / "b", client, send="rate = 14")
    assert provider.requests_per_second is None  # [send] rate paces the messages


def arrivals_span(server: LoopbackServer) -> float:
    """Seconds from the first request's arrival at the server to the last's."""
    arrived = sorted(request.arrived for request in server.requests)
    return arrived[-1] - arrived[0]


#: How much earlier than its pace a request may seem to arrive: the first request's way to the
#: server (a connection to open) may take longer than the last's. Only that can bring the
#: arrivals closer; a slow machine spreads them further apart. On a loaded machine (four test
#: runs at once on two cores) six requests paced over 1 s arrived 0.82 s apart; unpaced, they
#: come within 0.2 s, so the bound still tells the two apart.
LEEWAY = 0.3


def test_a_send_keeps_to_send_rate_as_the_server_sees_it(server, tmp_path) -> None:
    # Six readers at 5 messages a second: six requests, the last at least 5/5 s after the
    # first. Unpaced, six at once (concurrency = 6) come within a fifth of that here.
    root = make_workspace(
        tmp_path, provider="ses", server=server, subscribers=6, send="rate = 5\nconcurrency = 6"
    )
    summary = send_issue(root, "1", SendOptions(yes=True), env=env("ses"), reporter=QUIET)
    assert summary.sent == 6 and len(server.requests) == 6
    assert arrivals_span(server) >= 5 / 5 - LEEWAY
    # And the rate set is the pace, not the sandbox's one a second, which would also pass the
    # bound above: some two requests came closer than a second apart (at 5 a second each gap
    # is a fifth of one; only a machine taking most of a second per request could miss it).
    arrived = sorted(request.arrived for request in server.requests)
    gaps = [later - earlier for earlier, later in zip(arrived, arrived[1:], strict=False)]
    assert min(gaps) < 0.9, arrived


def test_a_send_keeps_to_the_sandbox_s_one_a_second_without_send_rate(server, tmp_path) -> None:
    # SES's sandbox sends one message a second (its Developer Guide's "Sending quotas"): three
    # readers, the third request at least two seconds after the first, however many go at once.
    root = make_workspace(
        tmp_path, provider="ses", server=server, subscribers=3, send="concurrency = 3"
    )
    summary = send_issue(root, "1", SendOptions(yes=True), env=env("ses"), reporter=QUIET)
    assert summary.sent == 3 and len(server.requests) == 3
    assert arrivals_span(server) >= 2 / 1.0 - LEEWAY


def test_the_dry_run_shows_ses_its_region_s_endpoint_and_what_is_missing(tmp_path) -> None:
    from click.testing import CliRunner

    from dopemail.cli import cli

    root = make_workspace(tmp_path, provider="ses")
    with (root / "dopemail.toml").open("a") as config:
        config.write('\n[send.ses]\nregion = "eu-central-1"\n')
    no_credentials = {"DOPEMAIL_UNSUBSCRIBE_SECRET": UNSUBSCRIBE_SECRET}
    shown = CliRunner().invoke(cli, ["send", "1", "--root", str(root)], env=no_credentials).output
    assert "Dry run of issue 1-first-issue" in shown, shown
    assert "  provider:    ses (https://email.eu-central-1.amazonaws.com)\n" in shown, shown
    assert "  batches:     3 of up to 1 message" in shown, shown
    assert (
        "  paced:       1 request a second (SES sandbox default); set [send] rate to your "
        "account's maximum send rate\n"
    ) in shown, shown
    assert "the environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY" in shown
    for real in (["--yes"], ["--test", "ed@example.com"]):
        done = CliRunner().invoke(
            cli, ["send", "1", "--root", str(root), *real], env=no_credentials
        )
        assert done.exit_code == 1, done.output
        assert "no AWS credentials for Amazon SES: the environment variable AWS_ACCESS_KEY_ID" in (
            done.output
        )


def test_the_dry_run_says_the_account_s_own_rate_once_set(tmp_path) -> None:
    from click.testing import CliRunner

    from dopemail.cli import cli

    root = make_workspace(tmp_path, provider="ses", send="rate = 14")
    shown = CliRunner().invoke(cli, ["send", "1", "--root", str(root)], env=env("ses")).output
    assert "  paced:       14 messages a second ([send] rate)\n" in shown, shown
    assert "sandbox" not in shown


def test_a_region_that_is_not_one_is_refused_at_its_line(tmp_path) -> None:
    root = make_workspace(tmp_path, provider="ses")
    with (root / "dopemail.toml").open("a") as config:
        config.write('\n[send.ses]\nregion = "Ireland"\n')
    with pytest.raises(DopemailError) as caught:
        load_settings(root)
    assert "'Ireland' is not an AWS region's name" in str(caught.value)
    assert caught.value.line is not None


def test_a_base_url_of_another_region_than_region_is_refused_at_its_line(tmp_path) -> None:
    root = make_workspace(tmp_path, provider="ses")
    with (root / "dopemail.toml").open("a") as config:
        config.write(
            '\n[send.ses]\nregion = "eu-west-1"\n'
            'base_url = "https://email.us-east-1.amazonaws.com"\n'
        )
    with pytest.raises(DopemailError) as caught:
        load_settings(root)
    shown = str(caught.value) + (caught.value.hint or "")
    assert "SES's endpoint in us-east-1, but [send.ses] region is 'eu-west-1'" in shown
    lines = (root / "dopemail.toml").read_text().splitlines()
    assert lines[caught.value.line - 1].startswith("base_url = "), caught.value.line


@pytest.mark.parametrize(
    "url",
    [
        "https://email.eu-west-1.amazonaws.com",
        "https://email-fips.eu-west-1.amazonaws.com",
        "https://ses-proxy.example.com",
    ],
)
def test_a_base_url_in_region_or_not_aws_s_is_taken(url, tmp_path) -> None:
    root = make_workspace(tmp_path, provider="ses")
    with (root / "dopemail.toml").open("a") as config:
        config.write(f'\n[send.ses]\nregion = "eu-west-1"\nbase_url = "{url}"\n')
    assert load_settings(root).send.ses.api_url.rstrip("/") == url


@pytest.mark.skipif(not SPECS.is_dir(), reason="the providers' API files are not on this machine")
def test_the_loopback_server_s_fields_are_the_service_model_s() -> None:
    model = json.loads((SPECS / "sesv2-service-2.json").read_text())
    operation = model["operations"]["SendEmail"]
    assert operation["http"] == {"method": "POST", "requestUri": "/v2/email/outbound-emails"}
    assert model["metadata"]["signingName"] == "ses"
    shapes = model["shapes"]
    assert set(shapes["SendEmailRequest"]["members"]) == SES_FIELDS
    # FromEmailAddress is optional: dopemail leaves it out beside Raw content.
    assert shapes["SendEmailRequest"]["required"] == ["Content"]
    errors = {
        e["shape"]: shapes[e["shape"]]["error"]["httpStatusCode"] for e in operation["errors"]
    }
    assert errors == {
        "TooManyRequestsException": 429,
        "LimitExceededException": 400,
        "AccountSuspendedException": 400,
        "SendingPausedException": 400,
        "MessageRejected": 400,
        "MailFromDomainNotVerifiedException": 400,
        "NotFoundException": 404,
        "BadRequestException": 400,
    }
    assert shapes["SendEmailResponse"]["members"]["MessageId"]["shape"] == "OutboundMessageId"
