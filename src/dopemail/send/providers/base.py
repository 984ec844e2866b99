"""The provider protocol, what a batch is, and what can come back.

A provider has one method, :meth:`Provider.send`: a :class:`Batch` in, one :class:`Outcome` per
letter out (in the same order), or one of these exceptions for the batch as a whole::

    Transient            try again later: 429, 5xx, a network error (ambiguous or not)
    InDoubt              the provider may have the batch already: it stays in flight
    RecipientRejected    refused because of a recipient it does not name (the runner bisects)
    ProviderAuthError    the key was refused: stop at once, nothing is marked sent
    SendError            the request itself is wrong (sender, content): stop, say why

httpx errors are translated here, in :meth:`HttpApi.post`, and nowhere else. Keys never leave the
adapter: every text that may reach a log, an error or the ledger goes through :meth:`redact`.
"""

from __future__ import annotations

import base64
import email.utils
import re
import time
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import httpx

from ...errors import ProviderAuthError, SendError
from ..message import Composer, Letter


@dataclass(frozen=True)
class Batch:
    """Letters posted together, with the key that makes posting them again harmless."""

    composer: Composer
    letters: list[Letter]
    number: int | None = None
    idempotency_key: str | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one letter: sent (with the provider's id), rejected (why), or unsent.

    ``unsent`` means the provider refused the request without sending this letter (another
    recipient was at fault): it goes back to the queue.
    """

    status: Literal["sent", "rejected", "unsent"]
    message_id: str | None = None
    error: str | None = None


class Transient(Exception):
    """The batch may be tried again: after ``delay`` seconds if the provider said so.

    ``ambiguous`` is True when the request may have reached the provider (a read timeout, a
    dropped connection after the request was written): only an idempotency key makes a retry
    safe then.
    """

    def __init__(self, reason: str, delay: float | None = None, ambiguous: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.delay = delay
        self.ambiguous = ambiguous


class InDoubt(Exception):
    """The provider may have delivered the batch already (e.g. the idempotency key was reused
    with different content): it must stay in flight until the editor decides."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RecipientRejected(Exception):
    """The provider refused the whole batch because of an address it does not name."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Provider(Protocol):
    """Turns a batch into the provider's HTTP request(s) and maps the answer."""

    name: str
    #: The provider's documented limit of messages (or recipients) per request.
    max_batch: int
    #: Replaying a batch cannot deliver it twice (idempotency keys, or files overwritten).
    idempotent: bool
    #: How long the provider remembers an idempotency key, in seconds (None: forever).
    idempotency_window: float | None
    #: The provider holds the subscriber list: the issue is posted once, to all of it.
    holds_list: bool
    #: Roughly how many requests per second the provider allows by default (for estimates).
    requests_per_second: float | None

    def send(self, batch: Batch) -> list[Outcome]:
        """Post ``batch``; one outcome per letter, in order."""
        ...


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds from a ``Retry-After`` header: delta-seconds or an HTTP date (RFC 9110)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class HttpApi:
    """One provider's API: base URL, timeout, key; posts and classifies common answers."""

    def __init__(
        self, name: str, client: httpx.Client, base_url: str, timeout: float, key: str
    ) -> None:
        self.name = name
        self.client = client
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._key = key
        # Basic auth carries the key base64-encoded: hide that spelling too.
        self._secrets = [s for s in (key, base64.b64encode(f"api:{key}".encode()).decode()) if s]

    def __repr__(self) -> str:  # never the key
        return f"HttpApi({self.name!r}, {self.base_url!r})"

    @property
    def key(self) -> str:
        """The API key (for the auth header only)."""
        return self._key

    def redact(self, text: str) -> str:
        """``text`` with the key replaced by ``***``, for anything a person or a file may see."""
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        """POST to ``base_url + path``; network errors become :class:`Transient`."""
        url = self.base_url + path
        try:
            return self.client.post(url, timeout=self.timeout, **kwargs)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            # The request never left: retrying cannot duplicate anything.
            raise Transient(f"cannot reach {self.name}: {self._describe(exc)}") from None
        except httpx.TimeoutException as exc:
            raise Transient(
                f"{self.name} did not answer within {self.timeout:g} s ({self._describe(exc)})",
                ambiguous=True,
            ) from None
        except httpx.TransportError as exc:
            raise Transient(
                f"connection to {self.name} failed: {self._describe(exc)}", ambiguous=True
            ) from None

    def _describe(self, exc: Exception) -> str:
        return self.redact(str(exc) or type(exc).__name__)

    def message(self, response: httpx.Response, *keys: str) -> str:
        """The provider's own words from an error answer (JSON ``message`` etc., else text)."""
        try:
            data = response.json()
        except ValueError:
            data = None
        found = None
        if isinstance(data, dict):
            for key in keys or ("message",):
                if data.get(key):
                    found = data[key]
                    break
        if isinstance(found, list):  # SendGrid: errors[{message, field}]
            found = "; ".join(
                str(item.get("message", item)) if isinstance(item, dict) else str(item)
                for item in found
            )
        text = str(found) if found is not None else response.text.strip()
        text = text[:500] or response.reason_phrase
        return self.redact(f"HTTP {response.status_code}: {text}")

    def auth_error(self, response: httpx.Response, env: str, *keys: str) -> ProviderAuthError:
        """The error that stops a send when the key is refused."""
        return ProviderAuthError(
            f"{self.name} refused the API key ({self.message(response, *keys)})",
            None,
            None,
            f"check {env}: it must hold a valid {self.name} API key with permission to send",
        )

    def transient(
        self, response: httpx.Response, delay: float | None, *keys: str
    ) -> Transient | None:
        """A Transient for 429 and 5xx answers (None for others)."""
        if response.status_code == 429:
            return Transient(f"rate limited ({self.message(response, *keys)})", delay)
        if response.status_code >= 500:
            return Transient(f"{self.name} failed ({self.message(response, *keys)})", delay)
        return None

    def refused(self, response: httpx.Response, *keys: str) -> SendError:
        """The error that stops a send when the request itself is refused."""
        return SendError(
            f"{self.name} refused the request: {self.message(response, *keys)}",
            None,
            None,
            "check [sender] in dopemail.toml (is the From domain verified at the provider?) "
            "and the built issue",
        )


_ADDRESS = re.compile(r"[^\s<>\"',;:()\[\]]+@[^\s<>\"',;:()\[\]]+")


def addresses_in(text: str) -> set[str]:
    """Every email-address-looking word of ``text``, case-folded."""
    return {m.group(0).lower().rstrip(".") for m in _ADDRESS.finditer(text)}
