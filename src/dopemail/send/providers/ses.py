"""Amazon SES, API v2: ``POST /v2/email/outbound-emails`` (SendEmail), one reader a request.

Request (botocore's service model ``sesv2`` 2019-09-27, ``SendEmailRequest``):
``Destination.ToAddresses`` (the reader alone), ``Content.Raw.Data`` (the whole RFC 5322
message, base64: the one the outbox writes to a file, with the reader's own link,
List-Unsubscribe and List-Unsubscribe-Post) and ``EmailTags`` naming the issue. No
``FromEmailAddress``: beside Raw content SES would deliver it in place of the message's own
From, dropping its display name; without it SES takes the raw From (verified all the same).
SES personalises a message only through stored templates, so each reader is a request of
their own: a batch holds one letter, and the runner posts ``[send] concurrency`` of them at
once, paced (see :attr:`Ses.requests_per_second`). Signed with AWS Signature Version 4
(:mod:`.sigv4`, service ``ses``, the region of ``[send.ses]``).

Answers (rest-json: the error's name in the ``x-amzn-ErrorType`` header, else the body's
``__type`` or ``code``; its words in ``message``): 200 ``{MessageId}``, the ledger's id; a
200 without one is not SES's receipt (the letter stays in flight). 429
``TooManyRequestsException`` and a ``LimitExceededException``, ``ThrottlingException`` or
``Throttling`` "Maximum sending rate exceeded" are retried (after a Retry-After if one comes);
"Daily message quota exceeded", under any of those names (SES's Developer Guide gives it as a
ThrottlingException), stops the send until the quota's 24 hours have passed.
``MessageRejected`` naming the reader (or an address without naming one) fails that reader,
unless it says the address is not verified (the sandbox, which sends only to verified
addresses: every reader would fail); naming the From, or anything else, stops the send.
``AccountSuspendedException``, ``SendingPausedException``,
``MailFromDomainNotVerifiedException``, ``NotFoundException`` and ``BadRequestException``
stop it with what to do. Refused credentials stop it as any provider's refused key does
(:meth:`.HttpApi.auth_error`), naming the variable to fix: an unknown access key ID
(``UnrecognizedClientException``, ``InvalidClientTokenId``) ``AWS_ACCESS_KEY_ID``, a signature
that does not match (``InvalidSignatureException``, ``SignatureDoesNotMatch``)
``AWS_SECRET_ACCESS_KEY``; expired temporary ones (``ExpiredTokenException``) say to export
fresh ones and run the command again; a ``RequestExpired`` or a "Signature expired" says to
check this machine's clock; a signature "scoped to a valid region" that ``base_url`` is another
region's; ``AccessDeniedException`` (``AccessDenied``, ``NotAuthorized``) is a key taken
without the right to send, and ``OptInRequired`` an account not signed up for SES in that
region. 500 and 503 are retried; another 5xx may have let the message through. A 408
(``RequestTimeoutException``: the request was not read) is retried as not taken; a 413
(``RequestEntityTooLargeException``) stops the send with SES's own limit, 40 MB a message.

SES has no idempotency key: a message whose answer was lost stays "in flight" in the ledger
until the editor says whether it went out.
"""

from __future__ import annotations

import base64
import re
from typing import Any

import httpx

from ...config import AWS_CREDENTIALS_FROM, AWS_KEY_ID_ENV, AWS_SECRET_ENV, AWS_TOKEN_ENV
from ...errors import ProviderAuthError, SendError
from ..message import Composer, Letter
from .base import (
    Batch,
    HttpApi,
    Outcome,
    RecipientRejected,
    Transient,
    addresses_in,
    json_bytes,
    retry_after_seconds,
)
from .sigv4 import sign

PATH = "/v2/email/outbound-emails"
#: Where AWS puts a rest-json error's name.
ERROR_HEADER = "x-amzn-errortype"
#: AWS's names for refused credentials (its common errors, in their rest-json spellings and in
#: its query APIs'), by the variable to fix. An access key ID it does not know (or temporary
#: credentials' key without their session token):
_UNKNOWN_KEY_ID = frozenset({"UnrecognizedClientException", "InvalidClientTokenId"})
#: A signature that does not match the key ID's secret (a "Signature expired" is the clock's,
#: and "scoped to a valid region" the endpoint's: told before these):
_BAD_SIGNATURE = frozenset({"InvalidSignatureException", "SignatureDoesNotMatch"})
#: A request without a whole signature: the credentials, or something in between dropping them.
_UNSIGNED = frozenset(
    {
        "IncompleteSignature",
        "IncompleteSignatureException",
        "MissingAuthenticationToken",
        "MissingAuthenticationTokenException",
    }
)
#: Temporary credentials (AWS_SESSION_TOKEN's) past their expiry.
_EXPIRED_TOKEN = frozenset({"ExpiredTokenException", "ExpiredToken"})
#: The key was taken, and may not send.
_NOT_ALLOWED = frozenset({"AccessDeniedException", "AccessDenied", "NotAuthorized"})
#: Where SES's answers put their words.
_WORDS = ("message", "Message")
_THROTTLED = frozenset({"TooManyRequestsException", "ThrottlingException", "Throttling"})
#: The daily quota's words ("Daily message quota exceeded"), under whichever throttling name.
_DAILY_QUOTA = re.compile(r"\bdaily\s+(?:message|sending)\s+quota\b", re.IGNORECASE)
# MessageRejected about an address it does not name ("Illegal address", SES's word for one
# it cannot parse): the reader's.
_ABOUT_AN_ADDRESS = re.compile(r"\b(?:illegal|invalid)\s+(?:address|recipient)", re.IGNORECASE)


def error_type(response: httpx.Response) -> str:
    """The error's name, as botocore's rest-json parser finds it: the ``x-amzn-ErrorType``
    header (``MessageRejected:http://internal.amazon.com/...``), else the body's ``__type``
    (``...#MessageRejected``) or ``code``."""
    header = response.headers.get(ERROR_HEADER, "")
    if header:
        return header.partition(":")[0].strip()
    try:
        data = response.json()
    except ValueError:
        return ""
    if not isinstance(data, dict):
        return ""
    found = str(data.get("__type") or data.get("code") or data.get("Code") or "")
    return found.rpartition("#")[2].partition(":")[0].strip()


class Ses:
    """Amazon SES's SendEmail, one raw message a request."""

    name = "ses"
    #: SES personalises only through stored templates: one reader, one message, one request.
    max_batch = 1
    idempotent = False
    idempotency_window: float | None = None
    holds_list = False
    tracking_switch = False
    #: A new SES account is in the sandbox, which sends one message a second ("Sending
    #: quotas", SES's Developer Guide); a production account is given its own rate.
    SANDBOX_RATE = 1.0
    #: What the dry run says of that pace: the sandbox's is rarely the account's, whose
    #: production access gives its own.
    pace_said = " (SES sandbox default); set [send] rate to your account's maximum send rate"

    def __init__(
        self,
        api: HttpApi,
        region: str,
        access_key: str,
        session_token: str | None,
        requests_per_second: float | None,
    ) -> None:
        self.api = api
        self.region = region
        self._access_key = access_key
        self._session_token = session_token
        #: Unless [send] rate or [send.ses] requests_per_second gives the account's own.
        self.requests_per_second = requests_per_second

    def __repr__(self) -> str:  # never the credentials
        return f"Ses({self.api.base_url!r}, {self.region!r})"

    def send(self, batch: Batch) -> list[Outcome]:
        """Post the batch's one letter as a raw message and map SES's answer."""
        if len(batch.letters) != 1:
            raise SendError(f"SES sends one message a request, not {len(batch.letters)}")
        (letter,) = batch.letters
        body = json_bytes(self._request(batch.composer, letter))
        headers = {"Content-Type": "application/json"}
        headers.update(
            sign(
                "POST",
                self.api.base_url + PATH,
                headers,
                body,
                access_key=self._access_key,
                secret_key=self.api.key,
                region=self.region,
                service="ses",
                session_token=self._session_token,
            )
        )
        response = self.api.post(PATH, content=body, headers=headers)
        if response.status_code == 200:
            return [self._receipt(response)]
        raise self._error(response, batch.composer, letter, len(body))

    def _request(self, composer: Composer, letter: Letter) -> dict[str, Any]:
        raw = base64.b64encode(composer.eml(letter)).decode("ascii")
        # No FromEmailAddress: optional beside Raw content (SendEmailRequest requires only
        # Content), and given, SES delivers it as the From, replacing the raw From header and
        # its display name ('DoPe Press <...>' would arrive as the bare address). SES reads the
        # raw From instead, and checks that it is verified all the same.
        return {
            "Destination": {"ToAddresses": [letter.recipient.email]},
            "Content": {"Raw": {"Data": raw}},
            # (Its label, <number>-<slug>: letters, digits and dashes, as a tag takes them.)
            "EmailTags": [{"Name": "dopemail_issue", "Value": composer.label}],
        }

    def _receipt(self, response: httpx.Response) -> Outcome:
        try:
            message_id = response.json()["MessageId"]
        except (ValueError, KeyError, TypeError):
            message_id = None
        if not isinstance(message_id, str) or not message_id:
            # SES's receipt is its MessageId: a 200 without one is not SES taking the message
            # (a proxy's page, a base_url that lands elsewhere), nor proof that it did not.
            raise Transient(
                "SES answered 200 without a MessageId (is [send.ses] base_url SES's API, "
                "https://email.<region>.amazonaws.com?)",
                ambiguous=True,
            )
        return Outcome("sent", message_id)

    def _error(
        self, response: httpx.Response, composer: Composer, letter: Letter, size: int
    ) -> Exception:
        """What SES's refusal means; ``size``: the request body's bytes."""
        status, kind = response.status_code, error_type(response)
        said = self.api.message(response, *_WORDS)
        lowered = said.lower()
        if kind in _EXPIRED_TOKEN:
            # Temporary credentials (an assumed role's, SSO's) last an hour or a few: a long
            # send outlives them. Nothing of this request was sent; the ledger keeps the rest.
            return self.api.auth_error(
                response,
                AWS_TOKEN_ENV,
                *_WORDS,
                credential="temporary credentials: they have expired",
                kind=kind,
                hint=f"export fresh temporary credentials ({AWS_KEY_ID_ENV}, {AWS_SECRET_ENV} "
                f"and {AWS_TOKEN_ENV}, e.g. from 'aws configure export-credentials --format "
                "env') and run the same command again: the send resumes where it stopped",
            )
        if kind == "RequestExpired" or (
            kind == "InvalidSignatureException" and "signature expired" in lowered
        ):
            # The request's time (X-Amz-Date) is too far from AWS's: this machine's clock.
            return SendError(
                f"SES refused the request as signed too long ago or ahead: this machine's "
                f"clock is off ({kind}, {said})",
                None,
                None,
                "check this machine's clock and time zone ('date -u' against the real UTC "
                "time; turn on NTP, e.g. 'timedatectl set-ntp true'), then run the same "
                "command again: the send resumes where it stopped",
            )
        if kind == "InvalidSignatureException" and "scoped to a valid region" in lowered:
            return ProviderAuthError(
                f"SES refused the request: it was signed for {self.region}, which is not the "
                f"region of its endpoint ({said})",
                None,
                None,
                f"[send.ses] base_url ({self.api.base_url}) is another region's SES: set "
                "[send.ses] region to that region, or leave base_url out (it is made from "
                "region)",
            )
        refused = self._refused_credentials(response, kind)
        if refused is not None:
            return refused
        throttled = status == 429 or kind in _THROTTLED or kind == "LimitExceededException"
        if throttled and _DAILY_QUOTA.search(said):
            # Before the rate limit: SES says both with a ThrottlingException ("Errors related
            # to the sending quotas", its Developer Guide), a 429 may carry the quota's words,
            # and no retry within minutes gets past a 24-hour quota.
            return SendError(
                f"SES's daily sending quota is used up ({said})",
                None,
                None,
                "run the same command again once the quota's 24 hours have passed (the SES "
                "console's Account dashboard shows it): the send resumes where it stopped",
            )
        delay = retry_after_seconds(response.headers.get("retry-after"))
        # The name as shown: the server's word (a header, which a proxy may echo with the
        # request's credentials), redacted as its message is. (Matched above as it came.)
        named = self.api.redact(kind)
        if throttled:
            # Nothing was sent: SES refused the request at its rate ("Maximum sending rate
            # exceeded"), as a 429 refuses one.
            return Transient(f"rate limited ({named}, {said})", delay)
        if status == 408 or kind == "RequestTimeoutException":
            # The request was not read whole before SES stopped waiting for it: not taken,
            # safe to post again (not a lost answer).
            return Transient(
                f"SES did not read the request in time ({named or 408}, {said})",
                delay,
            )
        if status == 413 or kind == "RequestEntityTooLargeException":
            return SendError(
                f"SES refused the message as too large ({named or 413}, {said}); the request "
                f"was {size / 1_000_000:.1f} MB",
                None,
                None,
                "SES (API v2) takes a message of 40 MB at most, counted after base64 encoding "
                "(pictures and attachments grow by a third in it): make the issue lighter "
                "(fewer or smaller pictures, linked from the site rather than attached); [send] "
                "batch_size does not matter, SES takes one message a request",
            )
        stops = {
            "AccountSuspendedException": (
                "SES has stopped this account's sending for good",
                "see the SES console's Account dashboard and AWS Support: nothing can be sent "
                f"through SES in {self.region} until the account sends again",
            ),
            "SendingPausedException": (
                "sending is paused for this SES account (or its configuration set)",
                "resume it in the SES console (Account dashboard) or with 'aws sesv2 "
                "put-account-sending-attributes --sending-enabled', then run the same command "
                "again: the send resumes where it stopped",
            ),
            "MailFromDomainNotVerifiedException": (
                "SES refused the From domain's custom MAIL FROM domain: it is not verified",
                "check the MX and SPF records of the identity's MAIL FROM domain in the SES "
                f"console ({self.region}), or set its behaviour on failure to use SES's own",
            ),
            "NotFoundException": (
                "SES does not know what the request names",
                f"check [send.ses] region ('{self.region}': the From identity must be "
                "verified there) and base_url",
            ),
        }
        if kind in stops:
            what, hint = stops[kind]
            return SendError(f"{what} ({said})", None, None, hint)
        if kind == "MessageRejected":
            return self._rejected(said, composer, letter)
        return self.api.transient(response, delay, *_WORDS) or self.api.refused(response, *_WORDS)

    def _refused_credentials(self, response: httpx.Response, kind: str) -> Exception | None:
        """The credentials refused (or a key that may not send), as every provider's refused
        key is told, naming the variable to fix; None for another answer."""
        status, api = response.status_code, self.api
        again = f"export them again, copied {AWS_CREDENTIALS_FROM}"
        if kind in _UNKNOWN_KEY_ID:
            # SES says the same of temporary credentials' key ID sent without their token.
            hint = (
                f"check {AWS_KEY_ID_ENV}: AWS knows no active access key with that ID "
                "(mistyped, or deleted or made inactive in IAM), or it is temporary "
                f"credentials' and {AWS_TOKEN_ENV} is missing or not theirs; {again}"
            )
            env = AWS_KEY_ID_ENV
        elif kind in _BAD_SIGNATURE:
            hint = (
                f"check {AWS_SECRET_ENV}: it is not the secret access key of the access key "
                f"in {AWS_KEY_ID_ENV} (mistyped, or another key's); {again}"
            )
            env = AWS_SECRET_ENV
        elif kind in _UNSIGNED or status == 401:
            hint = (
                f"check {AWS_KEY_ID_ENV} and {AWS_SECRET_ENV} (and {AWS_TOKEN_ENV}, for "
                "temporary credentials): they must be an AWS access key allowed to send "
                f"with Amazon SES in {self.region}; {again}"
            )
            env = AWS_KEY_ID_ENV
        elif kind == "OptInRequired":
            return api.forbidden(
                response,
                AWS_KEY_ID_ENV,
                *_WORDS,
                kind=kind,
                hint=f"the account of the access key in {AWS_KEY_ID_ENV} is not signed up for "
                f"Amazon SES in {self.region}: if it is a Region to opt in to, enable it (the "
                "AWS console's Account page, AWS Regions), or set [send.ses] region to one "
                "the account uses",
            )
        elif kind in _NOT_ALLOWED or status == 403:
            return api.forbidden(
                response,
                AWS_KEY_ID_ENV,
                *_WORDS,
                kind=kind,
                hint=f"the access key in {AWS_KEY_ID_ENV} was taken but may not send: give "
                "its IAM user or role the ses:SendEmail permission (on the From identity)",
            )
        else:
            return None
        return api.auth_error(
            response, env, *_WORDS, credential="AWS credentials", kind=kind, hint=hint
        )

    def _rejected(self, said: str, composer: Composer, letter: Letter) -> Exception:
        """MessageRejected: the reader's (RecipientRejected), or the account's or the
        message's (the send stops)."""
        named = addresses_in(said)
        reader, sender = letter.recipient.email.lower(), composer.sender.from_email.lower()
        unverified = "not verified" in said.lower()
        if unverified and reader in named:
            return SendError(
                f"SES refused to mail {letter.recipient.email}: its account is in the sandbox, "
                f"which sends only to verified addresses ({said})",
                None,
                None,
                f"request production access for SES in {self.region} (the SES console's "
                "Account dashboard); until then, dopemail send --test to a verified address",
            )
        if sender in named or unverified:
            return SendError(
                f"SES refused the sender ({said})",
                None,
                None,
                f"verify the domain of [sender] from_email in SES's {self.region} region "
                "(DKIM records), or set [send.ses] region to the one where it is verified",
            )
        if reader in named or (not named and _ABOUT_AN_ADDRESS.search(said)):
            return RecipientRejected(f"SES: {said}")
        return SendError(
            f"SES refused the message ({said})",
            None,
            None,
            "check [sender] in dopemail.toml and the built issue (a header, its size: SES takes "
            "40 MB at most)",
        )
