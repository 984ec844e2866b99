"""A fake email provider on 127.0.0.1, for tests and benchmarks: no account, no network.

It speaks the sending endpoints of the six providers well enough to be told apart from the
real thing only by its address: Resend (``/emails/batch``, ``/emails``, with idempotency
keys and permissive batch validation), Postmark (``/email/batch``, ``/email``), SendGrid
(``/v3/mail/send``), Mailgun (``/v3/<domain>/messages``, multipart), Buttondown
(``/v1/emails``, ``/v1/emails/<id>/send-draft``) and Amazon SES (``/v2/email/outbound-emails``,
a raw message signed with AWS Signature Version 4, which it computes again: with botocore's
signer when botocore is installed, as for the tests, else with dopemail's). It checks each
one's auth header and batch limit, answers in each one's format, and counts what it delivers
per address::

    with LoopbackServer(key="test-key", faults=Faults(rate_limit=0.1, seed=1)) as server:
        ...  # point [send.resend] base_url at server.url
        assert set(server.deliveries.values()) == {1}

Addresses whose mailbox starts with ``reject`` are refused as invalid, and with ``inactive``
(Postmark) as inactive. ``Faults`` injects 429s, 500s, stalls and lost answers (delivered, then
no answer before the client's timeout) at random; ``queue()`` scripts the next answers, and
``on_delivered`` runs after each delivery, before the answer (to kill a client mid-request).
``rps`` limits the requests a second, as Resend does: a request that would make more than
``rps`` in the last second is answered 429 (with ``Retry-After: 1``) before anything else.
"""

from __future__ import annotations

import base64
import calendar
import contextlib
import email.message
import email.parser
import email.policy
import email.utils
import json
import random
import re
import signal
import sys
import threading
import time
import uuid
import zlib
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

#: The label Buttondown deliveries are counted under (its subscribers are not ours).
BUTTONDOWN_LIST = "buttondown:list"
#: The status :meth:`LoopbackServer.handle` gives for a request to hang up on, unanswered.
HANG_UP = 0
#: The access key id the server takes for SES by default (its secret is ``key``).
AWS_KEY_ID = "AKIALOOPBACK0EXAMPLE"
#: SendEmailRequest's members (botocore's service model, sesv2 2019-09-27).
SES_FIELDS = frozenset(
    {
        "FromEmailAddress",
        "FromEmailAddressIdentityArn",
        "Destination",
        "ReplyToAddresses",
        "FeedbackForwardingEmailAddress",
        "FeedbackForwardingEmailAddressIdentityArn",
        "Content",
        "EmailTags",
        "ConfigurationSetName",
        "EndpointId",
        "TenantName",
        "ListManagementOptions",
    }
)
_SES_PATH = "/v2/email/outbound-emails"
_SIGV4 = re.compile(
    r"AWS4-HMAC-SHA256 Credential=(?P<key_id>[^/\s]+)/(?P<day>\d{8})/(?P<region>[a-z0-9-]+)/"
    r"(?P<service>[a-z0-9-]+)/aws4_request, SignedHeaders=(?P<signed>[a-z0-9;-]+), "
    r"Signature=(?P<signature>[0-9a-f]{64})"
)


@dataclass
class Reply:
    """A scripted answer. With ``deliver``, the request is processed first (and counted).
    With ``hang_up``, no answer at all: the connection is closed once the request is read
    (and, with ``deliver``, processed), as a server or proxy dropping it would."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    deliver: bool = False
    hang_up: bool = False


@dataclass
class Faults:
    """Random trouble, as probabilities per request (independent draws, in this order)."""

    rate_limit: float = 0.0
    server_error: float = 0.0
    stall: float = 0.0
    lost_answer: float = 0.0
    stall_seconds: float = 2.0
    retry_after: int = 0
    seed: int | None = None


@dataclass
class Recorded:
    """One request as the server saw it."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    #: When its request line came (``time.monotonic()``), before its body was read: how far
    #: apart the client started its requests, which a pace is about.
    arrived: float = 0.0

    def json(self) -> Any:
        """The body, parsed as JSON."""
        return json.loads(self.body)

    def form(self) -> list[tuple[str, str]]:
        """The body, parsed as multipart/form-data: (name, value) in order."""
        return parse_multipart(self.headers.get("content-type", ""), self.body)


def parse_multipart(content_type: str, body: bytes) -> list[tuple[str, str]]:
    """(name, value) pairs of a multipart/form-data body."""
    raw = b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(raw)
    if not message.is_multipart():
        return []
    fields = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        fields.append((str(name), payload.decode(part.get_content_charset() or "utf-8")))
    return fields


def _address(value: str) -> str:
    if value.endswith(">") and value.count("<") == 1 and '"' not in value:  # Name <address>
        return value[value.index("<") + 1 : -1].strip().lower()
    return email.utils.parseaddr(value)[1].lower()


def _light_batch(body: bytes, key: str, stand_ins: dict[str, str]) -> list[dict[str, Any]] | None:
    """A JSON batch's messages with only ``key`` (the recipient field) read from the raw bytes;
    ``stand_ins`` fill the fields not read. None if the body is not a JSON array.

    A field name found in the raw JSON is a real key: inside a string value every quote is
    escaped, so ``"to":`` cannot occur there.
    """
    if not body.lstrip().startswith(b"["):
        return None
    pattern = _LIGHT.get(key)
    if pattern is None:
        string = rb'"(?:[^"\\]|\\.)*"'
        pattern = re.compile(
            b'"' + key.encode() + rb'"\s*:\s*(\[\s*(?:' + string + rb"\s*,?\s*)*\]|" + string + b")"
        )
        _LIGHT[key] = pattern
    return [{**stand_ins, key: json.loads(m.group(1))} for m in pattern.finditer(body)]


_LIGHT: dict[str, re.Pattern[bytes]] = {}


def _mailbox(address: str) -> str:
    return address.partition("@")[0]


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up mid-answer (a send stopped, a timeout the fault script
        # asked for) is no server fault: socketserver printed "Exception occurred" and a
        # traceback for it, in the middle of the sender's output.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class LoopbackServer:
    """A threaded HTTP server on 127.0.0.1 (a free port) that pretends to be the providers."""

    def __init__(
        self,
        key: str = "loopback-key",
        faults: Faults | None = None,
        record: bool = True,
        mailgun_domain: str | None = None,
        light: bool = False,
        port: int = 0,
        rps: float = 0,
        aws_key_id: str = AWS_KEY_ID,
        session_token: str | None = None,
        ses_region: str | None = None,
    ) -> None:
        self.key = key
        #: SES: the access key id taken (``key`` is its secret), the session token asked
        #: for (None: none), the region requests must be signed for (None: any).
        self.aws_key_id = aws_key_id
        self.session_token = session_token
        self.ses_region = ses_region
        #: Who computed SES's signatures again: "botocore" or "dopemail".
        self.sigv4_checker = ""
        #: Most requests admitted in any one second (0: no limit), counted on arrival.
        self.rps = rps
        self._admitted: deque[float] = deque()
        self.faults = faults or Faults()
        self.record = record
        #: Read only the recipients of Resend and Postmark batches, straight from the raw JSON,
        #: and take the other fields as given (for benchmarks: each message carries the whole
        #: issue, megabytes per batch, and decoding them all costs more than sending them).
        self.light = light
        self.mailgun_domain = mailgun_domain
        self.deliveries: Counter[str] = Counter()
        #: SES: each message as SES would deliver it (its From replaced by the request's
        #: FromEmailAddress, when one is given, as SES replaces it), in order.
        self.ses_delivered: list[email.message.EmailMessage] = []
        self.requests: list[Recorded] = []
        self.answers: Counter[int] = Counter()
        self.on_delivered: Callable[[Recorded], None] | None = None
        self._script: deque[Reply] = deque()
        self._lock = threading.Lock()
        self._random = random.Random(self.faults.seed)
        self._idempotent: dict[str, tuple[str, int, Any, dict[str, str]]] = {}
        #: Buttondown's API version 2026-04-01: a post that sends is refused
        #: (``sending_requires_confirmation``) until one was confirmed with
        #: ``X-Buttondown-Live-Dangerously: true``; once per API key, so not again after.
        self.buttondown_asks_confirmation = False
        self._server = _Server(("127.0.0.1", port), _handler(self))
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> LoopbackServer:
        """Start serving in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and free the port."""
        if self._thread.is_alive():  # shutdown() waits for serve_forever(), so only if it runs
            self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def delivered(self) -> int:
        """How many messages were delivered so far (safe to call while serving)."""
        with self._lock:
            return sum(self.deliveries.values())

    def queue(self, *replies: Reply) -> None:
        """Answer the next requests with these replies, in order."""
        with self._lock:
            self._script.extend(replies)

    def reset(self) -> None:
        """Forget deliveries, requests and scripted answers (not idempotency keys)."""
        with self._lock:
            self.deliveries.clear()
            self.ses_delivered.clear()
            self.requests.clear()
            self.answers.clear()
            self._script.clear()

    # -- handling ----------------------------------------------------------------------------

    def handle(self, request: Recorded) -> tuple[int, Any, dict[str, str], float]:
        """(status, body, headers, delay) for one request; deliveries are counted here. A
        status of :data:`HANG_UP`: close the connection without answering."""
        with self._lock:
            if self.record:
                self.requests.append(request)
            if self.rps and not self._admit():
                return (*self._rate_limited(self._flavor(request.path) or "resend", 1), 0.0)
            scripted = self._script.popleft() if self._script else None
            if scripted and not scripted.deliver:
                return self._scripted(scripted)
            flavor = self._flavor(request.path)
            if flavor is None:
                return 404, {"message": f"no route {request.path}"}, {}, 0.0
            if not scripted:
                fault = self._fault(flavor)
                if fault:
                    return fault
            lost = not scripted and self._random.random() < self.faults.lost_answer
            status, body, headers = self._idempotent_answer(flavor, request)
        if self.on_delivered and 200 <= status < 300:
            self.on_delivered(request)
        if scripted:
            return self._scripted(scripted)
        return status, body, headers, self.faults.stall_seconds if lost else 0.0

    @staticmethod
    def _scripted(reply: Reply) -> tuple[int, Any, dict[str, str], float]:
        status = HANG_UP if reply.hang_up else reply.status
        return status, reply.body, reply.headers, reply.delay

    def _flavor(self, path: str) -> str | None:
        if path in ("/emails/batch", "/emails"):
            return "resend"
        if path in ("/email/batch", "/email"):
            return "postmark"
        if path == "/v3/mail/send":
            return "sendgrid"
        if path.startswith("/v3/") and path.endswith("/messages"):
            return "mailgun"
        if path.startswith("/v1/emails"):
            return "buttondown"
        if path == _SES_PATH:
            return "ses"
        return None

    def _fault(self, flavor: str) -> tuple[int, Any, dict[str, str], float] | None:
        faults, draw = self.faults, self._random.random
        if draw() < faults.rate_limit:
            return (*self._rate_limited(flavor), 0.0)
        if draw() < faults.server_error:
            if flavor == "ses":
                return (*_ses_error(500, "InternalFailure", "internal server error"), 0.0)
            return 500, _error(flavor, 500, "internal server error"), {}, 0.0
        if draw() < faults.stall:
            # Nothing processed; the client gives up waiting first.
            if flavor == "ses":
                return (*_ses_error(503, "ServiceUnavailable", "stalled"), faults.stall_seconds)
            return 503, _error(flavor, 503, "stalled"), {}, faults.stall_seconds
        return None

    def _admit(self) -> bool:
        """Count this request in the sliding second, unless it is full already."""
        now = time.monotonic()
        while self._admitted and now - self._admitted[0] >= 1.0:
            self._admitted.popleft()
        if len(self._admitted) >= self.rps:
            return False  # refused requests are not counted: trying again soon is allowed
        self._admitted.append(now)
        return True

    def _rate_limited(
        self, flavor: str, wait: int | None = None
    ) -> tuple[int, Any, dict[str, str]]:
        wait = self.faults.retry_after if wait is None else wait
        if flavor == "sendgrid":
            return (
                429,
                _error(flavor, 429, "too many requests"),
                {"X-RateLimit-Reset": str(int(time.time()) + wait)},
            )
        if flavor == "mailgun":
            message = (
                f"Domain is not allowed to send: limit exceeded, try again after {wait} seconds"
            )
            return 429, {"message": message}, {}
        if flavor == "postmark":
            return 429, {"ErrorCode": 429, "Message": "Rate limit exceeded"}, {}
        if flavor == "ses":  # (no Retry-After: AWS sends none)
            return _ses_error(429, "TooManyRequestsException", "Too Many Requests")
        body = _error(flavor, 429, "Too many requests. You can only make 2 requests per second.")
        return 429, body, {"Retry-After": str(wait)}

    def _idempotent_answer(self, flavor: str, request: Recorded) -> tuple[int, Any, dict[str, str]]:
        header = {"resend": "idempotency-key", "buttondown": "x-idempotency-key"}.get(flavor)
        key = request.headers.get(header) if header else None
        if not key:
            return getattr(self, f"_{flavor}")(request)
        # What was asked, to tell a replay from other content under the same key (a checksum
        # is enough for a test double, and costs far less than a hash of megabytes).
        fingerprint = f"{request.path}:{len(request.body)}"
        if not self.light:  # (light: the length alone, for benchmarks)
            fingerprint += f":{zlib.crc32(request.body):08x}"
        known = self._idempotent.get(f"{flavor}:{key}")
        if known:
            if known[0] != fingerprint:
                # (Buttondown's OpenAPI file gives its 409 no body: one like its 400s.)
                if flavor == "buttondown":
                    detail = "This idempotency key was used with a different request."
                    return 409, {"detail": detail}, {}
                return (
                    409,
                    {
                        "statusCode": 409,
                        "name": "invalid_idempotent_request",
                        "message": "Same idempotency key used with a different request payload.",
                    },
                    {},
                )
            return known[1], known[2], known[3]
        status, body, headers = getattr(self, f"_{flavor}")(request)
        if 200 <= status < 300:  # a refused request does not use up its key
            self._idempotent[f"{flavor}:{key}"] = (fingerprint, status, body, headers)
        return status, body, headers

    # -- the providers -------------------------------------------------------------------------

    def _resend(self, request: Recorded) -> tuple[int, Any, dict[str, str]]:
        auth = request.headers.get("authorization", "")
        if not auth:
            return 401, _error("resend", 401, "Missing API key in the authorization header."), {}
        if auth != f"Bearer {self.key}":
            return (
                403,
                {"statusCode": 403, "name": "invalid_api_key", "message": "API key is invalid."},
                {},
            )
        data = None
        if self.light and request.path.endswith("/batch"):
            data = _light_batch(request.body, "to", _RESEND_STAND_INS)
        data = _json(request) if data is None else data
        emails = data if request.path.endswith("/batch") else [data]
        if not isinstance(emails, list) or not 1 <= len(emails) <= 100:
            return 422, _error("resend", 422, "The batch must hold 1 to 100 emails."), {}
        errors, ok = [], []
        for index, item in enumerate(emails):
            problem = _resend_problem(item)
            (errors.append({"index": index, "message": problem}) if problem else ok.append(item))
        permissive = request.headers.get("x-batch-validation") == "permissive"
        if errors and not (permissive and request.path.endswith("/batch")):
            return 422, _error("resend", 422, errors[0]["message"]), {}
        ids = []
        for item in ok:
            to = item["to"] if isinstance(item["to"], list) else [item["to"]]
            for address in to:
                self.deliveries[_address(address)] += 1
            ids.append({"id": str(uuid.uuid4())})
        if not request.path.endswith("/batch"):
            return 200, ids[0], {}
        body: dict[str, Any] = {"data": ids}
        if permissive:
            body["errors"] = errors
        return 200, body, {}

    def _postmark(self, request: Recorded) -> tuple[int, Any, dict[str, str]]:
        if request.headers.get("x-postmark-server-token") != self.key:
            return (
                401,
                {"ErrorCode": 10, "Message": "Request does not contain a valid Server token."},
                {},
            )
        batch = request.path.endswith("/batch")
        data = None
        if self.light and batch:
            data = _light_batch(request.body, "To", _POSTMARK_STAND_INS)
        data = _json(request) if data is None else data
        messages = data if batch else [data]
        if not isinstance(messages, list):
            return 422, {"ErrorCode": 402, "Message": "Received invalid JSON input."}, {}
        if len(messages) > 500:
            return 422, {"ErrorCode": 410, "Message": "Too many batch messages (max 500)."}, {}
        answers = []
        for item in messages:
            to = _address(str(item.get("To", "")))
            if not item.get("From") or not to or not (item.get("HtmlBody") or item.get("TextBody")):
                answers.append({"ErrorCode": 300, "Message": "Invalid email request"})
            elif _mailbox(to).startswith("inactive"):
                answers.append(
                    {
                        "ErrorCode": 406,
                        "Message": "You tried to send to recipient(s) marked as inactive.",
                        "To": to,
                    }
                )
            elif _mailbox(to).startswith("reject"):
                answers.append({"ErrorCode": 300, "Message": f"Invalid 'To' address: '{to}'."})
            else:
                self.deliveries[to] += 1
                answers.append(
                    {
                        "ErrorCode": 0,
                        "Message": "OK",
                        "MessageID": str(uuid.uuid4()),
                        "SubmittedAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                        "To": to,
                    }
                )
        if not batch:
            return (200 if answers[0]["ErrorCode"] == 0 else 422), answers[0], {}
        return 200, answers, {}

    def _sendgrid(self, request: Recorded) -> tuple[int, Any, dict[str, str]]:
        if request.headers.get("authorization") != f"Bearer {self.key}":
            return (
                401,
                _sg("The provided authorization grant is invalid, expired, or revoked", ""),
                {},
            )
        data = _json(request)
        personalizations = data.get("personalizations") if isinstance(data, dict) else None
        if not personalizations or len(personalizations) > 1000:
            return 400, _sg("personalizations must hold 1 to 1000 items", "personalizations"), {}
        if sum(len(p.get("to", [])) for p in personalizations) > 1000:
            return 400, _sg("Too many recipients (1000 at most).", "personalizations"), {}
        content = data.get("content") or []
        if not data.get("from", {}).get("email") or not content:
            return 400, _sg("The from email and content are required.", "from"), {}
        if content[0].get("type") != "text/plain":
            return 400, _sg("The text/plain content type must be first.", "content"), {}
        refused = [
            _sg("Does not contain a valid address.", f"personalizations.{i}.to.0.email")["errors"][
                0
            ]
            for i, p in enumerate(personalizations)
            if _mailbox(p["to"][0]["email"].lower()).startswith("reject")
        ]
        if refused:
            return 400, {"errors": refused}, {}
        for p in personalizations:
            for to in p["to"]:
                self.deliveries[to["email"].lower()] += 1
        return 202, None, {"X-Message-Id": uuid.uuid4().hex[:22]}

    def _mailgun(self, request: Recorded) -> tuple[int, Any, dict[str, str]]:
        expected = "Basic " + base64.b64encode(f"api:{self.key}".encode()).decode()
        if request.headers.get("authorization") != expected:
            return 401, "Forbidden", {}
        domain = request.path.split("/")[2]
        if self.mailgun_domain and domain != self.mailgun_domain:
            return 404, {"message": f"Domain not found: {domain}"}, {}
        if not request.headers.get("content-type", "").startswith("multipart/form-data"):
            return 400, {"message": "expected multipart/form-data"}, {}
        form = request.form()
        to = [_address(v) for k, v in form if k == "to"]
        values = dict(form)
        if not values.get("from"):
            return 400, {"message": "from parameter is missing"}, {}
        if not to or len(to) > 1000:
            return 400, {"message": "to parameter is missing or holds over 1000 recipients"}, {}
        if any(_mailbox(a).startswith("reject") for a in to):
            invalid = "to parameter is not a valid address. please check documentation."
            return 400, {"message": invalid}, {}
        variables = json.loads(values.get("recipient-variables") or "{}")
        if len(to) > 1 and not all(a in {k.lower() for k in variables} for a in to):
            return 400, {"message": "recipient-variables must name every recipient"}, {}
        for address in to:
            self.deliveries[address] += 1
        return 200, {"id": f"<{uuid.uuid4().hex}@{domain}>", "message": "Queued. Thank you."}, {}

    def _buttondown(self, request: Recorded) -> tuple[int, Any, dict[str, str]]:
        if request.headers.get("authorization") != f"Token {self.key}":
            return 401, {"detail": "Invalid token."}, {}
        data = _json(request)
        if request.path.endswith("/send-draft"):
            for address in data.get("recipients") or []:
                self.deliveries[address.lower()] += 1
            return 200, {}, {}
        if not isinstance(data, dict) or not data.get("subject"):
            return 400, {"code": "subject_invalid", "detail": "A subject is required."}, {}
        status = data.get("status", "about_to_send")
        if status == "about_to_send":
            confirmed = request.headers.get("x-buttondown-live-dangerously") == "true"
            if self.buttondown_asks_confirmation and not confirmed:
                detail = "Sending emails via the API requires confirmation."
                return 400, {"code": "sending_requires_confirmation", "detail": detail}, {}
            if confirmed:
                self.buttondown_asks_confirmation = False
            self.deliveries[BUTTONDOWN_LIST] += 1
        email_id = f"em_{uuid.uuid4().hex[:26]}"
        return 201, {"id": email_id, "subject": data["subject"], "status": status}, {}

    def _ses(self, request: Recorded) -> tuple[int, Any, dict[str, str]]:
        refused = self._ses_signature(request)
        if refused:
            return refused
        data = _json(request)
        if not isinstance(data, dict) or set(data) - SES_FIELDS:
            unknown = sorted(set(data) - SES_FIELDS) if isinstance(data, dict) else "not JSON"
            return _ses_error(400, "BadRequestException", f"unknown members: {unknown}")
        raw = (data.get("Content") or {}).get("Raw") or {}
        try:
            message = email.parser.BytesParser(policy=email.policy.SMTP).parsebytes(
                base64.b64decode(raw.get("Data") or "", validate=True)
            )
        except (ValueError, TypeError):
            return _ses_error(400, "BadRequestException", "Content.Raw.Data is not base64")
        to = [str(a).lower() for a in (data.get("Destination") or {}).get("ToAddresses") or []]
        # With Raw content, FromEmailAddress is optional (SES reads the message's From); given,
        # it is the From SES delivers: the raw From header, display name and all, is replaced
        # by the bare address (laravel/framework#37881, aws/aws-sdk-rails#97).
        if not (data.get("FromEmailAddress") or message.get("From")) or not message.get("To"):
            return _ses_error(400, "MessageRejected", "Missing final '@domain'")
        if len(to) != 1 or _address(str(message["To"])) != to[0]:
            return _ses_error(400, "BadRequestException", "Destination is not the To header")
        if not message.get("List-Unsubscribe") or not message.get("List-Unsubscribe-Post"):
            return _ses_error(400, "BadRequestException", "no List-Unsubscribe (test server)")
        if _mailbox(to[0]).startswith("reject"):
            return _ses_error(400, "MessageRejected", "Illegal address")
        if data.get("FromEmailAddress"):
            del message["From"]
            message["From"] = str(data["FromEmailAddress"])
        self.deliveries[to[0]] += 1
        if self.record:
            self.ses_delivered.append(message)
        return 200, {"MessageId": f"0100{uuid.uuid4().hex}-000000"}, {}

    def _ses_signature(self, request: Recorded) -> tuple[int, Any, dict[str, str]] | None:
        """None if the request is signed as AWS Signature Version 4 asks, with the key the
        server takes; else SES's answer to it."""
        headers = request.headers
        found = _SIGV4.fullmatch(headers.get("authorization", ""))
        stamp = headers.get("x-amz-date", "")
        if not found or not stamp:
            return _ses_error(
                403, "MissingAuthenticationTokenException", "Missing Authentication Token"
            )
        if found["key_id"] != self.aws_key_id:
            invalid = "The security token included in the request is invalid."
            return _ses_error(403, "UnrecognizedClientException", invalid)
        signed = found["signed"].split(";")
        needed = {"host", "x-amz-date", "content-type"}
        if headers.get("x-amz-security-token") is not None:
            needed.add("x-amz-security-token")
        if (
            self.session_token is not None
            and headers.get("x-amz-security-token") != self.session_token
        ):
            return _ses_error(403, "UnrecognizedClientException", "The security token is invalid.")
        try:
            when = float(calendar.timegm(time.strptime(stamp, "%Y%m%dT%H%M%SZ")))
        except ValueError:
            when = 0.0
        if (
            found["service"] != "ses"
            or found["day"] != stamp[:8]
            or (self.ses_region and found["region"] != self.ses_region)
            or not needed <= set(signed)
            or signed != sorted(signed)
            or abs(time.time() - when) > 300
        ):
            return _ses_error(
                403,
                "InvalidSignatureException",
                f"Credential should be scoped correctly: {found[0][:60]}",
            )
        expected = _recompute(self, request, found["region"], signed, stamp)
        if expected != found["signature"]:
            mismatch = (
                "The request signature we calculated does not match the signature you "
                "provided. Check your AWS Secret Access Key and signing method."
            )
            return _ses_error(403, "InvalidSignatureException", mismatch)
        return None


def _recompute(
    server: LoopbackServer, request: Recorded, region: str, signed: list[str], stamp: str
) -> str:
    """The signature of ``request`` computed again from what the server received: by
    botocore's signer (an independent implementation) when it is installed."""
    url = f"http://{request.headers.get('host', '')}{request.path}"
    kept = {n: v for n, v in request.headers.items() if n in signed and n != "host"}
    try:
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials
    except ImportError:
        from datetime import UTC, datetime

        from .providers.sigv4 import sign

        server.sigv4_checker = "dopemail"
        for name in ("x-amz-date", "x-amz-security-token"):
            kept.pop(name, None)
        now = datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        token = request.headers.get("x-amz-security-token")
        authorization = sign(
            request.method,
            url,
            kept,
            request.body,
            access_key=server.aws_key_id,
            secret_key=server.key,
            region=region,
            service="ses",
            session_token=token,
            now=now,
        )["Authorization"]
        return authorization.rpartition("Signature=")[2]
    server.sigv4_checker = "botocore"
    credentials = Credentials(
        server.aws_key_id, server.key, request.headers.get("x-amz-security-token")
    )
    auth = SigV4Auth(credentials, "ses", region)
    aws = AWSRequest(method=request.method, url=url, data=request.body, headers=kept)
    aws.context["timestamp"] = stamp
    if auth.signed_headers(auth.headers_to_sign(aws)).split(";") != signed:
        return ""
    canonical = auth.canonical_request(aws)
    return str(auth.signature(auth.string_to_sign(aws, canonical), aws))


def _ses_error(status: int, kind: str, message: str) -> tuple[int, Any, dict[str, str]]:
    """An SES error as AWS's rest-json services give one: its name in a header."""
    header = f"{kind}:http://internal.amazon.com/coral/com.amazonaws.sesv2/"
    return status, {"message": message}, {"x-amzn-ErrorType": header}


_RESEND_STAND_INS = {"from": "(not read)", "subject": "(not read)", "html": "(not read)"}
_POSTMARK_STAND_INS = {"From": "(not read)", "HtmlBody": "(not read)"}


def _json(request: Recorded) -> Any:
    try:
        return request.json()
    except ValueError:
        return None


def _error(flavor: str, status: int, message: str) -> Any:
    if flavor == "resend":
        names = {401: "missing_api_key", 422: "validation_error", 429: "rate_limit_exceeded"}
        return {
            "statusCode": status,
            "name": names.get(status, "application_error"),
            "message": message,
        }
    if flavor == "postmark":
        return {"ErrorCode": status, "Message": message}
    if flavor == "sendgrid":
        return {"errors": [{"message": message, "field": None, "help": None}]}
    if flavor == "buttondown":
        return {"detail": message}
    return {"message": message}


def _sg(message: str, field_name: str) -> dict[str, Any]:
    return {"errors": [{"message": message, "field": field_name or None, "help": None}]}


def _resend_problem(item: Any) -> str | None:
    if not isinstance(item, dict):
        return "Each email must be an object."
    for name in ("from", "to", "subject"):
        if not item.get(name):
            return f"The `{name}` field is missing."
    if not (item.get("html") or item.get("text")):
        return "Provide `html` or `text`."
    to = item["to"] if isinstance(item["to"], list) else [item["to"]]
    if len(to) > 50:
        return "The `to` field holds more than 50 addresses."
    for address in to:
        if _mailbox(_address(address)).startswith("reject"):
            return f"Invalid `to` field. The email address '{address}' is not valid."
    return None


def _handler(server: LoopbackServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in separate writes: without this, Nagle's algorithm and the
        # client's delayed ACK add ~40 ms to every answer.
        disable_nagle_algorithm = True

        def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
            arrived = time.monotonic()
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            request = Recorded("POST", self.path, headers, body, arrived)
            status, payload, extra, delay = server.handle(request)
            if delay:
                time.sleep(delay)
            if status == HANG_UP:  # no answer: the connection is closed on the client
                self.close_connection = True
                with server._lock:
                    server.answers[status] += 1
                return
            if payload is None:
                data, kind = b"", None
            elif isinstance(payload, str):
                data, kind = payload.encode(), "text/plain"
            else:
                data, kind = json.dumps(payload).encode(), "application/json"
            with contextlib.suppress(OSError):  # the client may have given up waiting
                self.send_response(status)
                if kind:
                    self.send_header("Content-Type", kind)
                for name, value in extra.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            with server._lock:
                server.answers[status] += 1

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            return

    return Handler


PROVIDERS = ("postmark", "resend", "sendgrid", "mailgun", "buttondown", "ses")


def main(argv: list[str] | None = None) -> None:
    """``python -m dopemail.send.loopback``: serve until Ctrl-C, to try a real provider's
    settings with no account (every message is counted, none is mailed)."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m dopemail.send.loopback",
        description="A fake email provider on 127.0.0.1: point [send.<provider>] base_url at "
        "it to try a provider's settings with no account. Nothing leaves this machine.",
    )
    parser.add_argument("--port", type=int, default=8025, help="default: 8025 (0: any free one)")
    parser.add_argument("--key", default="loopback-key", help="the API key it accepts")
    parser.add_argument(
        "--rps",
        type=float,
        default=0,
        help="answer 429 beyond this many requests a second, as Resend does (default: no limit)",
    )
    args = parser.parse_args(argv)
    try:
        # Bodies not kept: only counted (a long try-out would otherwise grow without end).
        server = LoopbackServer(key=args.key, port=args.port, record=False, rps=args.rps)
    except OSError as exc:
        parser.exit(1, f"cannot listen on 127.0.0.1:{args.port}: {exc.strerror} (--port 0: any)\n")
    with server:
        print(f"loopback provider on {server.url}, accepting the API key '{args.key}'", flush=True)
        print("in dopemail.toml, for the provider you try:")
        for name in PROVIDERS:
            path = "/v1" if name == "buttondown" else ""
            print(f'  [send.{name}]\n  base_url = "{server.url}{path}"')
        print(
            f"for ses, its key is the secret: AWS_ACCESS_KEY_ID={server.aws_key_id} "
            f"AWS_SECRET_ACCESS_KEY={args.key}"
        )
        print("Ctrl-C stops it.", flush=True)
        # kill, as Ctrl-C. Not an Event set by a handler: a signal landing as the wait takes
        # the Event's lock would have its handler wait for that lock forever.
        signal.signal(signal.SIGTERM, signal.default_int_handler)
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(3600)
        refused = f", answered {server.answers[429]} requests 429" if server.answers[429] else ""
        messages, addresses = server.delivered(), len(server.deliveries)
        print(
            f"delivered {messages} message{'s' * (messages != 1)} to {addresses} "
            f"address{'es' * (addresses != 1)}{refused}"
        )


if __name__ == "__main__":
    main()


__all__ = [
    "AWS_KEY_ID",
    "BUTTONDOWN_LIST",
    "HANG_UP",
    "PROVIDERS",
    "Faults",
    "LoopbackServer",
    "Recorded",
    "Reply",
    "SES_FIELDS",
    "main",
    "parse_multipart",
]
