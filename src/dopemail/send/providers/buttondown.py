"""Buttondown, which holds the subscriber list: the issue is posted once, to all of it.

Request (OpenAPI ``create_email``, ``EmailInput``): ``POST /emails`` with ``subject``, ``body``
(the built HTML; Buttondown's ``{{ unsubscribe_url }}`` in place of the link, since Buttondown
unsubscribes its own readers and adds the List-Unsubscribe headers), ``status: about_to_send``
(explicit: newer API versions default to ``draft``), ``template: naked`` (see :data:`TEMPLATE`),
``secondary_id`` (the issue number), ``description`` (the preheader), ``canonical_url`` (the web
version), ``metadata``. Auth header
``Authorization: Token <key>``. The ``X-Idempotency-Key`` header is documented ("Idempotency
keys", at most 200 characters) but absent from the OpenAPI file. A test send creates a draft
(``status: draft``) and posts it to one address (``POST /emails/{id}/send-draft``).

Answers: 201 with the email (its ``id`` is recorded in the ledger); 400 ``{code, detail}``, where
``sending_requires_confirmation`` (API version 2026-04-01) is not met: every post that sends
carries the documented ``X-Buttondown-Live-Dangerously: true``, since ``--yes`` is that
confirmation (met all the same, it is an earlier dopemail's refusal given back under the key,
and the post stays in flight: see :meth:`Buttondown.send`), and ``email_duplicate`` means the
issue may be out already, as does a 409 (a conflict under the idempotency key); 401/403 refuse
the key; 429 carries ``Retry-After``; 5xx are retried.
"""

from __future__ import annotations

from typing import Any

import httpx

from .base import Batch, HttpApi, InDoubt, Outcome, Transient, retry_after_seconds

ENV = "DOPEMAIL_BUTTONDOWN_API_KEY"
UNSUBSCRIBE_VAR = "{{ unsubscribe_url }}"
LIST_KEY = "buttondown:list"
#: The documented confirmation that a post sends to the list (API version 2026-04-01).
CONFIRM = "X-Buttondown-Live-Dangerously"
FANCY = "<!-- buttondown-editor-mode: fancy -->\n"
#: ``EmailInput.template``: "If present, this template overrides your newsletter's default
#: email template" (one of classic, custom, modern, plaintext, naked). The body is the whole
#: built issue, masthead and footer included: the newsletter's own template (Classic, Modern)
#: would put Buttondown's subject line, masthead and preamble around it.
TEMPLATE = "naked"


CREATED, OK = 201, 200  # what the API answers to POST /emails and to send-draft


def _code(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return ""
    return str(data.get("code", "")) if isinstance(data, dict) else ""


class Buttondown:
    """Buttondown's emails API: one post per issue, guarded by an idempotency key."""

    name = "buttondown"
    max_batch = 1
    idempotent = True
    idempotency_window: float | None = 24 * 3600.0
    holds_list = True
    tracking_switch = False
    requests_per_second: float | None = None

    def __init__(self, api: HttpApi) -> None:
        self.api = api

    def __repr__(self) -> str:
        return f"Buttondown({self.api.base_url!r})"

    def send(self, batch: Batch) -> list[Outcome]:
        """Post the issue to the whole list (or, for a test, a draft to one address)."""
        if batch.composer.test:
            return [self._test(batch, letter) for letter in batch.letters]
        # Confirmed on every post, under the one key: Buttondown asks to confirm sending once
        # per API key, so a post confirmed only when asked, its answer lost, was retried
        # unconfirmed under a key that had only a refusal to give back: a new email, the list
        # mailed twice. '--yes' is the confirmation.
        headers = {"Authorization": f"Token {self.api.key}", CONFIRM: "true"}
        if batch.idempotency_key:
            headers["X-Idempotency-Key"] = batch.idempotency_key
        body = self._email(batch, "about_to_send")
        response = self.api.post("/emails", json=body, headers=headers)
        key = batch.idempotency_key
        if (
            key
            and response.status_code == 400
            and _code(response) == "sending_requires_confirmation"
        ):
            # Asked to confirm a post that did: Buttondown giving back what it answered under
            # this key before, to an earlier dopemail's unconfirmed post, which then posted
            # again confirmed under K-confirmed and may have mailed the list. Refused, the
            # batch went back to the queue and out under a new key: the list mailed twice.
            raise InDoubt(
                f"Buttondown answered 'sending_requires_confirmation' to a post that confirmed "
                f"sending, under this issue's idempotency key '{key}' "
                f"({self._message(response)}): it may be repeating its answer to an earlier "
                f"dopemail's post under that key, which then posted again under "
                f"'{key}-confirmed' and may have gone out; look in Buttondown's Emails page "
                "for this issue's email"
            )
        if response.status_code == 400 and _code(response) == "email_duplicate":
            raise InDoubt(f"Buttondown already has this email ({self._message(response)})")
        if response.status_code == 409:
            # Documented for POST /emails without a body: a conflict under the idempotency
            # key (a post under it still being made, or made with other content). Either way
            # a post under this key reached Buttondown and may have gone to the list; taken
            # as a refusal, the issue went back to the queue, to be posted again once the
            # key expired: the list mailed twice.
            raise InDoubt(
                f"Buttondown answered 409 Conflict under this issue's idempotency key "
                f"({self._message(response)}): a post under it reached Buttondown and may "
                "have gone out"
            )
        self._check(response, CREATED)
        held = _held(response)
        # (Its status is the server's word, shown and kept: an echo may hold the key.)
        return [Outcome("sent", self._receipt(response), held and self.api.redact(held))]

    def _test(self, batch: Batch, letter: Any) -> Outcome:
        headers = {"Authorization": f"Token {self.api.key}"}
        response = self.api.post("/emails", json=self._email(batch, "draft"), headers=headers)
        self._check(response, CREATED)
        draft = self._receipt(response)
        response = self.api.post(
            f"/emails/{draft}/send-draft",
            json={"recipients": [letter.recipient.email]},
            headers=headers,
        )
        self._check(response, OK)
        return Outcome("sent", draft)

    def _email(self, batch: Batch, status: str) -> dict[str, Any]:
        composer = batch.composer
        issue = composer.issue
        email: dict[str, Any] = {
            "subject": composer.subject,
            "body": FANCY + composer.html_with(UNSUBSCRIBE_VAR),
            "status": status,
            "template": TEMPLATE,
            "secondary_id": issue.number,
            "description": issue.preheader,
            "metadata": {"dopemail_issue": issue.issue_id},
        }
        if issue.url:
            email["canonical_url"] = issue.url
        return email

    def _message(self, response: httpx.Response) -> str:
        return self.api.message(response, "detail", "code")

    def _check(self, response: httpx.Response, success: int) -> None:
        # ``success``: the answer Buttondown's API gives when it took the request (201 for a
        # new email, 200 for send-draft); any other success is no proof (see HttpApi.refused).
        status = response.status_code
        if status == 401:
            raise self.api.auth_error(response, ENV, "detail")
        if status == 403:
            raise self.api.forbidden(response, ENV, "detail")
        transient = self.api.transient(
            response, retry_after_seconds(response.headers.get("retry-after")), "detail"
        )
        if transient:
            raise transient
        if status != success:
            raise self.api.refused(response, "detail", "code")

    def _receipt(self, response: httpx.Response) -> str:
        """The new email's id. Buttondown answers with the email, its ``id`` required: a
        success without one is not Buttondown taking the issue (a proxy's page, a base_url
        that lands elsewhere) and not proof that it did not, so the post stays in flight."""
        try:
            found = response.json().get("id")
        except (ValueError, AttributeError):
            found = None
        if not found:
            raise Transient(
                f"Buttondown answered {response.status_code} without the email's id (is "
                "[send.buttondown] base_url Buttondown's API, https://api.buttondown.com/v1?)",
                ambiguous=True,
            )
        return str(found)  # (kept out of the ledger by the runner, as every provider's id)


# The states of an email Buttondown is sending, or will at its hour (its EmailStatus).
_GOING_OUT = frozenset({"about_to_send", "scheduled", "in_flight", "sent", "resending"})


def _held(response: httpx.Response) -> str | None:
    """What to tell of an email Buttondown took but does not send (a draft, paused,
    throttled, errored...): it is recorded as posted (a second post would be a second email
    to the list), and the editor must see to it in Buttondown."""
    try:
        status = response.json().get("status")
    except (ValueError, AttributeError):
        return None
    if not isinstance(status, str) or status in _GOING_OUT:
        return None
    return (
        f"Buttondown took the issue but holds it as '{status}': it does not go out until that "
        "changes; see to it in Buttondown (Emails), not by sending again, which would post it "
        "a second time"
    )
