"""Postmark: ``POST /email/batch``, up to 500 messages, one answer per message.

Request (Swagger ``SendEmailBatchRequest``, an array of ``SendEmailRequest``) with the
``X-Postmark-Server-Token`` header. ``MessageStream`` is not in Postmark's Swagger file but is
documented for the batch endpoint ("If you are sending Broadcast (bulk) messages with the batch
call, use the MessageStream field"); newsletters belong in a Broadcast stream.

Answers: 200 with one ``{ErrorCode, Message, MessageID, To}`` per message, in order; ErrorCode 0
is sent, 406 (inactive recipient) and 300 (invalid request for this message) reject that
recipient; account-level codes refuse every message. 401 is a bad token; 422 a refused request;
429, 500 and 503 are retried (Postmark sends no Retry-After, so the backoff decides); another 5xx
(a gateway's) may have let the batch through, and is not.

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
)

ENV = "DOPEMAIL_POSTMARK_TOKEN"

# Errors about the account or the sender, not the recipient: they refuse every message alike.
_ACCOUNT_CODES = {10, 400, 401, 405, 412, 413}


class Postmark:
    """Postmark's batch API."""

    name = "postmark"
    max_batch = 500
    max_batch_bytes = 50_000_000
    idempotent = False
    idempotency_window: float | None = None
    holds_list = False
    requests_per_second: float | None = None

    def __init__(self, api: HttpApi, message_stream: str = "broadcast") -> None:
        self.api = api
        self.message_stream = message_stream

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
        transient = self.api.transient(response, None, "Message")
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
        outcomes = [self._outcome(answer) for answer in answers]
        if all(o.status == "unsent" for o in outcomes):
            raise SendError(
                f"Postmark refused every message: {outcomes[0].error}",
                None,
                None,
                "check the sender signature and the server's sending permission at Postmark",
            )
        # Mixed answers: an account-level code on some messages only is that message's failure
        # (queuing it again could loop forever).
        return [Outcome("rejected", error=o.error) if o.status == "unsent" else o for o in outcomes]

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
        return message

    def _outcome(self, answer: Any) -> Outcome:
        if not isinstance(answer, dict):
            return Outcome("unsent", error="unreadable answer")
        code = answer.get("ErrorCode", 0)
        if code == 0:
            return Outcome("sent", str(answer.get("MessageID") or ""))
        reason = self.api.redact(f"Postmark error {code}: {answer.get('Message', '')}")
        return Outcome("unsent" if code in _ACCOUNT_CODES else "rejected", error=reason)
