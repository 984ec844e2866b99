"""Resend: ``POST /emails/batch``, up to 100 emails, with an ``Idempotency-Key``.

Request (OpenAPI ``emails/send-batch``): an array of ``SendEmailRequest`` (``from``, ``to``,
``subject``, ``html``, ``text``, ``reply_to``, ``headers``, ``tags``), bearer auth, and the
``Idempotency-Key`` header (at most 256 characters, remembered 24 hours). The
``x-batch-validation: permissive`` header is not in the OpenAPI file but is documented
("Batch validation modes"): valid emails are queued and invalid ones come back in
``errors[{index, message}]`` instead of failing the whole batch. An error is reported at its
email's index, so it fails that reader (a suppressed address, alone in its batch too); one
about what every email shares (the sender, a header) stops the send with the readers back in
the queue (see :func:`_about_the_reader`).

Answers: 200 ``{data: [{id}], errors: [{index, message}]}``; ``data`` lists the created
emails in request order, skipping the indexes named in ``errors``. 401 ``missing_api_key`` /
``restricted_api_key`` and 403 ``invalid_api_key`` refuse the key; other 403s and 422s refuse the
request; 409 ``concurrent_idempotent_requests`` is retried; 409 ``invalid_idempotent_request``
(same key, other content) means the batch may have gone out already; 429 carries
``Retry-After`` (``daily_quota_exceeded`` stops the send until tomorrow,
``monthly_quota_exceeded`` until the month's quota is renewed or the plan upgraded).
"""

from __future__ import annotations

import re
from typing import Any

import httpx

from ...errors import SendError
from ..message import Composer, Letter
from .base import (
    HTML_BODY,
    TEXT_BODY,
    Batch,
    HttpApi,
    InDoubt,
    Outcome,
    Transient,
    addresses_in,
    json_batch,
    retry_after_seconds,
)

ENV = "DOPEMAIL_RESEND_API_KEY"
_AUTH_NAMES = {"missing_api_key", "invalid_api_key", "restricted_api_key"}
# Resend's 429s for a used-up quota (its errors page), and when the send can go on.
_QUOTAS = {
    "daily_quota_exceeded": ("daily", "tomorrow"),
    "monthly_quota_exceeded": (
        "monthly",
        "once the month's quota is renewed (or after upgrading your plan)",
    ),
}


def _name(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return ""
    return str(data.get("name", "")) if isinstance(data, dict) else ""


class Resend:
    """Resend's batch API, with idempotency keys."""

    name = "resend"
    max_batch = 100
    max_batch_bytes = 40_000_000
    idempotent = True
    idempotency_window: float | None = 24 * 3600.0
    holds_list = False
    tracking_switch = False
    #: "The default maximum rate limit is 2 requests per second per team" (Resend's API
    #: reference, Rate limit; not in its OpenAPI file).
    requests_per_second: float | None = 2.0
    #: Batches posted at once by default: more could only wait for the rate limit.
    concurrency = 2

    def __init__(self, api: HttpApi) -> None:
        self.api = api

    def __repr__(self) -> str:
        return f"Resend({self.api.base_url!r})"

    def send(self, batch: Batch) -> list[Outcome]:
        """Post the batch and map ``data`` and ``errors`` back to the letters."""
        headers = {"Authorization": f"Bearer {self.api.key}", "x-batch-validation": "permissive"}
        if batch.idempotency_key:
            headers["Idempotency-Key"] = batch.idempotency_key
        body = json_batch(batch, self._email)
        headers.update(body.headers)
        response = self.api.post("/emails/batch", content=body, headers=headers)
        status, name = response.status_code, _name(response)
        if status in (401, 403) and (name in _AUTH_NAMES or status == 401):
            raise self.api.auth_error(response, ENV)
        if status == 409 and name == "invalid_idempotent_request":
            raise InDoubt(
                f"Resend already has batch {batch.number} under its idempotency key, with other "
                "content (was the issue rebuilt, or did readers of it leave the list, since the "
                "batch was first posted?)"
            )
        if status == 409:
            raise Transient(f"Resend is still working on this batch ({self.api.message(response)})")
        if status == 429 and name in _QUOTAS:
            # Not a rate limit: retrying within minutes cannot succeed, so the send stops at
            # once (the batch unsent) rather than backing off until its retries are used up.
            period, when = _QUOTAS[name]
            raise SendError(
                f"Resend's {period} sending quota is used up ({self.api.message(response)})",
                None,
                None,
                f"run the same command again {when}: the send resumes where it stopped",
            )
        transient = self.api.transient(
            response, retry_after_seconds(response.headers.get("retry-after"))
        )
        if transient:
            raise transient
        if status != 200:
            raise self.api.refused(response)
        return self._outcomes(response, batch.letters)

    @staticmethod
    def _email(composer: Composer, to: str, headers: dict[str, str]) -> dict[str, Any]:
        email: dict[str, Any] = {
            "from": composer.from_header,
            "to": [to],
            "subject": composer.subject,
            "html": HTML_BODY,
            "text": TEXT_BODY,
            "headers": headers,
            "tags": [{"name": "dopemail_issue", "value": composer.label}],
        }
        if composer.sender.reply_to:
            email["reply_to"] = composer.sender.reply_to
        return email

    def _outcomes(self, response: httpx.Response, letters: list[Letter]) -> list[Outcome]:
        count = len(letters)
        try:
            data = response.json()
            created = [item["id"] for item in data.get("data") or []]
            refused = [
                (int(e["index"]), str(e.get("message", ""))) for e in data.get("errors") or []
            ]
        except (ValueError, KeyError, TypeError, AttributeError):
            raise Transient("Resend answered 200 with an unreadable body", ambiguous=True) from None
        if not all(isinstance(found, str) and found for found in created):
            # Each created email's id is Resend's receipt for it: one without (null, a
            # number) is not Resend's answer (something else at base_url), nor proof that the
            # email did not go. Recorded "sent" with the id "None", it was.
            raise Transient(
                "Resend answered 200 without the id of every email it created (is "
                "[send.resend] base_url Resend's API, https://api.resend.com?)",
                ambiguous=True,
            )
        errors = dict(refused)
        # The ids come in request order, skipping the indexes refused: an index outside the
        # batch, or given twice, leaves no telling which id is whose (nor whether all went).
        wrong = next((i for i, _ in refused if not 0 <= i < count), None)
        if wrong is not None or len(errors) != len(refused):
            which = f"email {wrong}" if wrong is not None else "an email twice"
            raise Transient(
                f"Resend answered 200 with an unreadable body (its errors name {which}, in a "
                f"batch of {count})",
                ambiguous=True,
            )
        if len(created) + len(errors) != count:
            raise Transient(
                f"Resend answered for {len(created) + len(errors)} of {count} emails",
                ambiguous=True,
            )
        ids = iter(created)
        said = [errors.get(i) for i in range(count)]
        outcomes: list[Outcome] = []
        for i, letter in enumerate(letters):
            reason = said[i]
            if reason is None:
                outcomes.append(Outcome("sent", next(ids)))
                continue
            shown = self.api.redact(f"Resend: {reason}")
            theirs = _about_the_reader(reason, letter.recipient.key, said, bool(created))
            outcomes.append(Outcome("rejected" if theirs else "unsent", error=shown))
        return outcomes


# Resend words a bad address as "Invalid `to` field. The email address needs to follow the
# `email@example.com` or `Name <email@example.com>` format.", without the address.
_TO_FIELD = re.compile(r"[`'\"]to[`'\"]|\bto\s+field\b", re.IGNORECASE)
# What every email of the issue shares, as Resend names it: a field other than `to` ("Invalid
# `from` field. To send emails, verify your domain."), the sending domain, the key.
_SHARED = re.compile(
    r"[`'\"](?:from|reply_to|subject|html|text|headers|tags)[`'\"]"
    r"|\b(?:from|reply_to|subject|html|text|headers?|tags)\s+field\b"
    r"|\bdomains?\b|\bapi\s+key\b",
    re.IGNORECASE,
)


def _about_the_reader(reason: str, address: str, said: list[str | None], some_sent: bool) -> bool:
    """Whether Resend refused one email of a batch for its reader (who is marked failed), not
    for what every email of the issue shares: the sender, a reply-to, a header (the send
    stops, that reader back in the queue, as the next batch would meet it too).

    The reader's: an error about the ``to`` field; any error when another email of the batch
    went (they all share the rest); one naming the reader's address that no other email of
    the batch got word for word (a reply-to address named in every email's error is not
    about the reader who has it); and, as Resend reports each error at its email's index, one
    that names neither another address nor anything every email shares ("This recipient is
    on the suppression list."), unless every email of a batch of several got it word for
    word: then nothing tells it from a refusal of what they share."""
    if _TO_FIELD.search(reason) or some_sent:
        return True
    named = addresses_in(reason)
    if address in named:
        return said.count(reason) == 1
    if named or _SHARED.search(reason):
        return False
    return len(said) == 1 or said.count(reason) != len(said)
