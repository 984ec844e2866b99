"""Mailgun: ``POST /v3/{domain}/messages``, multipart form, up to 1000 recipients.

Request (OpenAPI ``POST-v3--domain-name--messages``, ``multipart/form-data``): ``from``, one
``to`` field per recipient, ``subject``, ``text``, ``html``, ``recipient-variables`` (JSON: each
address -> its unsubscribe link, used as ``%recipient.unsubscribe_url%`` in the bodies and the
``h:List-Unsubscribe`` header, so that every recipient gets their own message), ``h:Reply-To``,
``h:List-Unsubscribe-Post``, ``o:tag``, ``o:tracking-clicks`` and ``o:tracking-opens`` ``no``
(``[send] tracking``). Basic auth ``api:<key>``.

Answers: 200 ``{id, message}`` (one id for the batch; a 200 without an id is not taken for
a receipt: the batch stays in flight); 400 ``{message}``, which says "'to'
parameter is not a valid address" without saying which: the runner then halves the batch until
the address is alone (nothing was sent, so this is safe); 401 refuses the key; 429 says "try again
after N seconds" in its message; 500 and 503 are retried, and another 5xx (a gateway's), which
may have let the batch through, is not.

Mailgun has no idempotency key: a batch whose answer was lost stays "in flight".
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

import httpx

from ...errors import SendError
from ..message import ONE_CLICK
from .base import (
    Batch,
    HttpApi,
    Outcome,
    RecipientRejected,
    Transient,
    addresses_in,
    retry_after_seconds,
)

ENV = "DOPEMAIL_MAILGUN_API_KEY"

# Mailgun's 400 about a recipient: "to parameter is not a valid address. please check
# documentation." as its API description gives it; with 'to' quoted, as some of its answers
# quote parameter names. Not 'h:Reply-To' parameter: the sender's, which no halving would fix.
_TO_PARAMETER = re.compile(r"(?<![\w:-])'?to'?\s+parameter\b", re.IGNORECASE)
URL_VAR = "%recipient.unsubscribe_url%"
HTML_URL_VAR = "%recipient.unsubscribe_url_html%"  # escaped for the HTML part's attribute
MAILTO_VAR = "%recipient.unsubscribe_mailto%"
_AFTER = re.compile(r"try again after (\d+(?:\.\d+)?)\s*(?:s\b|sec|second)", re.IGNORECASE)


def wait_in_message(response: httpx.Response) -> float | None:
    """The seconds Mailgun asks for in a 429 message, else a Retry-After header."""
    match = _AFTER.search(response.text)
    if match:
        return float(match.group(1))
    return retry_after_seconds(response.headers.get("retry-after"))


class Mailgun:
    """Mailgun's messages API, batch-sending with recipient variables."""

    name = "mailgun"
    max_batch = 1000
    max_batch_bytes = 25_000_000
    # The bodies go once per request, each recipient adding only their own parts.
    bodies_once = True
    idempotent = False
    idempotency_window: float | None = None
    holds_list = False
    tracking_switch = True
    requests_per_second: float | None = None

    def __init__(self, api: HttpApi, domain: str, untracked: bool = True) -> None:
        self.api = api
        self.domain = domain
        self.untracked = untracked  # see [send] tracking

    def __repr__(self) -> str:
        return f"Mailgun({self.api.base_url!r}, {self.domain!r})"

    def send(self, batch: Batch) -> list[Outcome]:
        """Post the batch as one multipart form."""
        response = self.api.post(
            f"/v3/{self.domain}/messages", files=self._form(batch), auth=("api", self.api.key)
        )
        status = response.status_code
        if status == 401:
            raise self.api.auth_error(response, ENV)
        if status == 403:
            raise self.api.forbidden(response, ENV)
        transient = self.api.transient(response, wait_in_message(response))
        if transient:
            raise transient
        if status == 400:
            reason = self.api.message(response)
            if _TO_PARAMETER.search(reason):
                named = addresses_in(reason) & {letter.recipient.key for letter in batch.letters}
                if named:
                    return [
                        Outcome("rejected", error=f"Mailgun: {reason}")
                        if letter.recipient.key in named
                        else Outcome("unsent")
                        for letter in batch.letters
                    ]
                raise RecipientRejected(f"Mailgun: {reason}")
        if status == 404:
            raise SendError(
                f"Mailgun does not know the domain '{self.domain}' ({self.api.message(response)})",
                None,
                None,
                "set [send.mailgun] domain, and base_url = 'https://api.eu.mailgun.net' "
                "for a domain in the EU region",
            )
        if status != 200:
            raise self.api.refused(response)
        try:
            message_id = str(response.json()["id"] or "")
        except (ValueError, KeyError, TypeError):
            message_id = ""
        if not message_id:
            # Mailgun's receipt is {id, message} (both required in its API description). A 200
            # without it is not Mailgun taking the batch (a proxy's page, a base_url that lands
            # elsewhere) and not proof that it did not: the batch stays in flight.
            raise Transient(
                "Mailgun answered 200 without a message id (is [send.mailgun] base_url "
                "Mailgun's API, e.g. https://api.mailgun.net?)",
                ambiguous=True,
            )
        return [Outcome("sent", message_id) for _ in batch.letters]

    def _form(self, batch: Batch) -> list[tuple[str, tuple[None, str]]]:
        composer = batch.composer
        variables: dict[str, dict[str, Any]] = {}
        fields: list[tuple[str, str]] = [("from", composer.from_header)]
        for letter in batch.letters:
            fields.append(("to", letter.recipient.to))
            variables[letter.recipient.email] = {
                "unsubscribe_url": letter.unsubscribe_url,
                "unsubscribe_url_html": html.escape(letter.unsubscribe_url, quote=True),
                "unsubscribe_mailto": letter.unsubscribe_mailto or "",
            }
        mailto = composer.sender.unsubscribe_mailto
        fields += [
            ("subject", composer.subject),
            ("text", composer.text_with(URL_VAR)),
            ("html", composer.html_with(HTML_URL_VAR)),
            ("recipient-variables", json.dumps(variables, ensure_ascii=False)),
            ("h:List-Unsubscribe", f"<{URL_VAR}>" + (f", <{MAILTO_VAR}>" if mailto else "")),
            ("h:List-Unsubscribe-Post", ONE_CLICK),
            ("o:tag", composer.tag),
        ]
        if composer.sender.reply_to:
            fields.append(("h:Reply-To", composer.sender.reply_to))
        if self.untracked:  # each over the domain's own setting (left out, it decides)
            fields += [("o:tracking-clicks", "no"), ("o:tracking-opens", "no")]
        # Letters share these; the first one's are the composer's (issue, test marker).
        for name, value in batch.letters[0].extra_headers if batch.letters else ():
            fields.append((f"h:{name}", value))
        # (None, value): a form field without a file name, so httpx sends multipart/form-data.
        return [(name, (None, value)) for name, value in fields]
