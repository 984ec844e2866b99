"""Postmark: ``POST /email/batch``, up to 500 messages, one answer per message.

Request (Swagger ``SendEmailBatchRequest``, an array of ``SendEmailRequest``) with the
``X-Postmark-Server-Token`` header. ``MessageStream`` is not in Postmark's Swagger file but is
documented for the batch endpoint ("If you are sending Broadcast (bulk) messages with the batch
call, use the MessageStream field"); newsletters belong in a Broadcast stream. ``TrackOpens``
false and ``TrackLinks`` "None" unless ``[send] tracking`` leaves them to the server.

Answers: 200 with one ``{ErrorCode, Message, MessageID, To}`` per message, in order; ErrorCode 0
is sent, 406 (inactive recipient) rejects that recipient, and so does 300 (invalid email
request) when its message is about the 'To' address; a 300 about anything else (the From, the
body) is the message's fault, not the reader's. Any other code (the account's, the sender's,
a stream that does not exist, one Postmark added since) sends no reader to "failed", where
nothing would mail them again: the send stops, and they are back in the queue. 401 is a bad
token; 422 a refused request; 429, 500 and 503 are retried (Postmark documents no Retry-After,
so the backoff decides, unless one comes); another 5xx (a gateway's) may have let the batch
through, and is not. A 200 without an ErrorCode for every message (an unreadable answer, a
request echoed back) may have sent them or not: the batch stays in flight.

Postmark has no idempotency key: a batch whose answer was lost stays "in flight" in the ledger
until the editor says whether it went out.
"""

from __future__ import annotations

from typing import Any

from ...errors import SendError
from ..message import Composer
from .base import (
    HTML_BODY,
    TEXT_BODY,
    Batch,
    HttpApi,
    Outcome,
    Transient,
    json_batch,
    retry_after_seconds,
)

ENV = "DOPEMAIL_POSTMARK_TOKEN"


class Postmark:
    """Postmark's batch API."""

    name = "postmark"
    max_batch = 500
    max_batch_bytes = 50_000_000
    idempotent = False
    idempotency_window: float | None = None
    holds_list = False
    tracking_switch = True
    requests_per_second: float | None = None

    def __init__(
        self, api: HttpApi, message_stream: str = "broadcast", untracked: bool = True
    ) -> None:
        self.api = api
        self.message_stream = message_stream
        self.untracked = untracked  # see [send] tracking

    def __repr__(self) -> str:
        return f"Postmark({self.api.base_url!r})"

    def send(self, batch: Batch) -> list[Outcome]:
        """Post the batch and map each message's ErrorCode."""
        body = json_batch(batch, self._message)
        response = self.api.post(
            "/email/batch",
            content=body,
            headers={
                "Accept": "application/json",
                "X-Postmark-Server-Token": self.api.key,
                **body.headers,
            },
        )
        if response.status_code == 401:
            raise self.api.auth_error(response, ENV, "Message")
        # (Postmark documents no Retry-After; a proxy or a future Postmark may send one.)
        delay = retry_after_seconds(response.headers.get("retry-after"))
        transient = self.api.transient(response, delay, "Message")
        if transient:
            raise transient
        if response.status_code != 200:
            raise self.api.refused(response, "Message")
        try:
            answers = response.json()
            assert isinstance(answers, list) and len(answers) == len(batch.letters)
        except (ValueError, AssertionError):
            # Accepted, but we cannot tell which message got which answer.
            raise Transient(
                "Postmark answered 200 with an unreadable body", ambiguous=True
            ) from None
        if not all(isinstance(a, dict) and isinstance(a.get("ErrorCode"), int) for a in answers):
            # Postmark took the batch, and says what became of each message by its ErrorCode
            # (required): a message without one may have gone out, or not (an echo of the
            # request, a proxy's rewrite). Put back in the queue, a reader would be mailed
            # twice; taken as sent, never. The batch stays in flight for the editor to say.
            raise Transient(
                "Postmark answered 200 without an ErrorCode for every message", ambiguous=True
            )
        outcomes = [self._outcome(answer) for answer in answers]
        if all(o.status == "unsent" for o in outcomes):
            # Nothing went, and not for a reader's own fault: the message's or the account's.
            raise SendError(
                f"Postmark refused every message: {outcomes[0].error}",
                None,
                None,
                "check the sender signature, the message stream ([send.postmark] "
                "message_stream) and the server's sending permission at Postmark",
            )
        return outcomes

    def _message(self, composer: Composer, to: str, headers: dict[str, str]) -> dict[str, Any]:
        message: dict[str, Any] = {
            "From": composer.from_header,
            "To": to,
            "Subject": composer.subject,
            "HtmlBody": HTML_BODY,
            "TextBody": TEXT_BODY,
            "Headers": [{"Name": k, "Value": v} for k, v in headers.items()],
            "Tag": composer.tag,
            "MessageStream": self.message_stream,
        }
        if composer.sender.reply_to:
            message["ReplyTo"] = composer.sender.reply_to
        if self.untracked:  # left out, the server's own settings decide
            message["TrackOpens"] = False
            message["TrackLinks"] = "None"
        return message

    def _outcome(self, answer: dict[str, Any]) -> Outcome:
        code = answer["ErrorCode"]
        if code == 0:
            return Outcome("sent", str(answer.get("MessageID") or ""))
        said = str(answer.get("Message", ""))
        reason = self.api.redact(f"Postmark error {code}: {said}")
        # 300 is the reader's when it is about the To address ("Invalid 'To' address: ...",
        # "Error parsing 'To': ..."); about the From, the body, it is the message's.
        theirs = code == 406 or (code == 300 and "'to'" in said.lower())
        # Unsent with a reason: back in the queue, and the send stops (see Outcome).
        return Outcome("rejected" if theirs else "unsent", error=reason)
