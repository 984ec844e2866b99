"""SendGrid: ``POST /v3/mail/send``, one personalization per recipient, up to 1000.

Request (OpenAPI ``SendMail``): ``personalizations`` (at most 1000; SendGrid also caps the
recipients of one request at 1000), each with ``to``, its own ``headers`` (List-Unsubscribe) and
``substitutions`` (the recipient's unsubscribe link in place of :data:`TAG`); then ``from``,
``reply_to``, ``subject``, ``content`` (text/plain first, then text/html), ``categories``, and
``tracking_settings`` with clicks, opens, SendGrid's subscription link and Google Analytics'
parameters off (``[send] tracking``).
Bearer auth. The spec types the top-level ``custom_args`` as a string, unlike the docs (an
object); dopemail only uses the per-personalization one, typed as an object in both.

Answers: 202 with the ``X-Message-Id`` header for the whole request; 400 with
``errors[{message, field}]`` (a field ``personalizations.N.to...`` names the recipient at fault;
nothing was sent, so the others go back to the queue); 401/403 refuse the key or sender; 413
the size; 429 carries ``X-RateLimit-Reset`` (epoch seconds); 500 and 503 are retried, and another
5xx (a gateway's), which may have let the batch through, is not.

SendGrid has no idempotency key: a batch whose answer was lost stays "in flight".
"""

from __future__ import annotations

import html
import re
import time
from email.utils import quote
from typing import Any

import httpx

from .base import Batch, HttpApi, Outcome

ENV = "DOPEMAIL_SENDGRID_API_KEY"
TAG = "-dopemailunsubscribe-"
# In the HTML part the link is in an attribute, escaped ('&' as '&amp;'): a tag of its own,
# as SendGrid puts a substitution's value in every part as it is.
HTML_TAG = "-dopemailunsubscribehtml-"
# A reader's address: "personalizations.3.to" or "personalizations.3.to.0.email". Another field
# of a personalization (its headers, substitutions, custom_args) is the same for every reader.
_FIELD = re.compile(r"^personalizations\.(\d+)\.to\b")


def display_name(name: str) -> str:
    """``name`` as SendGrid must get it: in double quotes (its own escaped, as RFC 5322 quotes
    them) when it holds a comma or a semicolon.

    SendGrid's Mail Send limitations forbid both in a name; it answers 202 all the same, and
    then reads the name as a list of addresses (sendgrid-python quotes such a name too).
    """
    return f'"{quote(name)}"' if "," in name or ";" in name else name


def reset_delay(response: httpx.Response, now: float | None = None) -> float | None:
    """Seconds until ``X-RateLimit-Reset`` (a Unix time), if the header is there."""
    value = response.headers.get("x-ratelimit-reset")
    try:
        return max(0.0, float(value) - (time.time() if now is None else now)) if value else None
    except ValueError:
        return None


class SendGrid:
    """SendGrid's v3 Mail Send API."""

    name = "sendgrid"
    max_batch = 1000
    max_batch_bytes = 20_000_000
    # The bodies go once per request, each recipient adding only their own parts.
    bodies_once = True
    idempotent = False
    idempotency_window: float | None = None
    holds_list = False
    tracking_switch = True
    requests_per_second: float | None = None

    def __init__(self, api: HttpApi, untracked: bool = True) -> None:
        self.api = api
        self.untracked = untracked  # see [send] tracking

    def __repr__(self) -> str:
        return f"SendGrid({self.api.base_url!r})"

    def send(self, batch: Batch) -> list[Outcome]:
        """Post the batch; on 400, reject the personalizations SendGrid names."""
        response = self.api.post(
            "/v3/mail/send",
            json=self._body(batch),
            headers={"Authorization": f"Bearer {self.api.key}"},
        )
        status = response.status_code
        if status == 403 and "sender identity" in response.text.lower():
            raise self.api.refused(response, "errors")
        if status in (401, 403):
            raise self.api.auth_error(response, ENV, "errors")
        transient = self.api.transient(response, reset_delay(response), "errors")
        if transient:
            raise transient
        if status == 400:
            named = self._named(response, len(batch.letters))
            if named:
                return [
                    Outcome("rejected", error=named[i]) if i in named else Outcome("unsent")
                    for i in range(len(batch.letters))
                ]
        if status != 202:
            raise self.api.refused(response, "errors")
        message_id = response.headers.get("x-message-id", "")
        return [Outcome("sent", message_id) for _ in batch.letters]

    def _body(self, batch: Batch) -> dict[str, Any]:
        composer = batch.composer
        sender = composer.sender
        body: dict[str, Any] = {
            "personalizations": [self._personalization(batch, letter) for letter in batch.letters],
            "from": {"email": sender.from_email, "name": display_name(sender.from_name)},
            "subject": composer.subject,
            "content": [
                {"type": "text/plain", "value": composer.text_with(TAG)},
                {"type": "text/html", "value": composer.html_with(HTML_TAG)},
            ],
            "categories": [composer.tag],
        }
        if sender.reply_to:
            body["reply_to"] = {"email": sender.reply_to}
        if self.untracked:
            # Left out, the account's settings decide. Subscription tracking adds SendGrid's
            # own unsubscribe link, beside the one every issue has; Google Analytics, utm_
            # parameters to every link.
            body["tracking_settings"] = {
                "click_tracking": {"enable": False, "enable_text": False},
                "open_tracking": {"enable": False},
                "subscription_tracking": {"enable": False},
                "ganalytics": {"enable": False},
            }
        return body

    def _personalization(self, batch: Batch, letter: Any) -> dict[str, Any]:
        to: dict[str, str] = {"email": letter.recipient.email}
        if letter.recipient.name:
            to["name"] = display_name(letter.recipient.name)
        return {
            "to": [to],
            "headers": letter.headers(),
            "substitutions": {
                TAG: letter.unsubscribe_url,
                HTML_TAG: html.escape(letter.unsubscribe_url, quote=True),
            },
            "custom_args": {"dopemail_issue": batch.composer.issue.issue_id},
        }

    def _named(self, response: httpx.Response, size: int) -> dict[int, str]:
        """Personalization index -> SendGrid's reason, for errors that name one."""
        try:
            errors = response.json().get("errors") or []
        except (ValueError, AttributeError):
            return {}
        named: dict[int, str] = {}
        for error in errors:
            match = _FIELD.match(str(error.get("field") or ""))
            if not match or int(match.group(1)) >= size:
                # Something about the whole request (sender, content), or a reader the batch
                # does not have: refuse it all rather than post the same batch again and again.
                return {}
            reason = f"SendGrid: {error.get('message', 'refused')}"
            named[int(match.group(1))] = self.api.redact(reason)
        return named
