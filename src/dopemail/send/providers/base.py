"""The provider protocol, what a batch is, and what can come back.

A provider has one method, :meth:`Provider.send`: a :class:`Batch` in, one :class:`Outcome` per
letter out (in the same order), or one of these exceptions for the batch as a whole::

    Transient            try again later: 429, 5xx, a network error (ambiguous or not:
                         a 5xx other than 500 and 503, a timeout, a dropped connection)
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
import html
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal, Protocol
from urllib.parse import quote, quote_plus

import httpx

from ...errors import ProviderAuthError, SendError, one_line
from ..message import Composer, Letter, json_escape

#: The 5xx answers that are the provider's own word that it failed to take the request.
_NOT_TAKEN = frozenset({500, 503})


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

    ``unsent`` means the provider did not send this letter: it goes back to the queue. With no
    ``error``, another recipient of the request was at fault, and it goes out in a later
    batch; with one, the provider refused it for a reason that is not its reader's (the
    account, the sender), which the next batch would meet again: the send stops. A ``sent``
    one's ``error`` is what the editor must know of a letter the provider took (and holds).
    """

    status: Literal["sent", "rejected", "unsent"]
    message_id: str | None = None
    error: str | None = None


class Transient(Exception):
    """The batch may be tried again: after ``delay`` seconds if the provider said so.

    ``ambiguous`` is True when the request may have reached the provider (a read timeout, a
    dropped connection after the request was written): only an idempotency key makes a retry
    safe then. ``doubtful``: a 500 or 503, the provider's own word that it failed to take the
    request, which is trusted where nothing else is safe, and doubted where a key makes a
    replay safe: the batch then stays under its key instead of going back to the queue,
    where a new batch and a new key would mail it a second time if the word was wrong.
    """

    def __init__(
        self,
        reason: str,
        delay: float | None = None,
        ambiguous: bool = False,
        doubtful: bool = False,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.delay = delay
        self.ambiguous = ambiguous
        self.doubtful = doubtful


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
    #: A request can turn the provider's open and click tracking off (``[send] tracking``).
    tracking_switch: bool
    #: The provider's documented limit of requests a second (None: none documented); the
    #: sender paces its requests to it unless ``[send.<name>] requests_per_second`` says.
    requests_per_second: float | None

    def send(self, batch: Batch) -> list[Outcome]:
        """Post ``batch``; one outcome per letter, in order."""
        ...


#: Requests started by this thread: a batch whose adapter fails before starting one surely did
#: not reach the provider (its readers may go back to the queue).
_started = threading.local()


def requests_started() -> int:
    """How many requests this thread has started so far."""
    return getattr(_started, "count", 0)


#: The length of a piece of a key that is hidden wherever it appears.
_PIECE = 8
_HALF = _PIECE // 2  # see HttpApi.redact


def _escaped(secret: str) -> set[str]:
    """``secret`` and the ways code quotes it: repr, JSON, bytes' repr, unicode_escape, HTML."""
    return {
        secret,
        repr(secret)[1:-1],
        json.dumps(secret)[1:-1],
        repr(secret.encode("utf-8", "backslashreplace"))[2:-1],
        secret.encode("unicode_escape").decode("ascii"),
        html.escape(secret),
        html.escape(secret, quote=False),
    }


def _percent_encoded(secret: str) -> set[str]:
    """``secret`` as a URL or a form carries it (``quote``, ``quote_plus``), with its escapes
    in upper and in lower case hex: a server echoing the query or the body it got spells it
    so."""
    found = set()
    for spelled in (quote(secret, safe=""), quote(secret), quote_plus(secret)):
        found.add(spelled)
        found.add(re.sub(r"%[0-9A-F]{2}", lambda m: m.group().lower(), spelled))
    return found


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
        self,
        name: str,
        client: httpx.Client,
        base_url: str,
        timeout: float,
        key: str,
        hidden: tuple[str, ...] = (),
        table: str = "",
    ) -> None:
        """``hidden``: more secrets than the key, hidden as it is (SES: the access key's id
        and a session token); ``table``: the provider's ``[send.<table>]`` in dopemail.toml,
        if not ``name`` in lower case ("Amazon SES" is ``[send.ses]``)."""
        self.name = name
        self.table = table or name.lower()
        self.client = client
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._key = key
        # Basic auth carries the key base64-encoded: hide that spelling too, and each one's
        # escaped forms (repr, JSON, bytes, HTML), as exceptions and providers quote them; the
        # key alone in base64 and in hex, as a server's debugging echo may give it; and each
        # of those percent-encoded, as an echo of a URL or a form gives it.
        spellings: set[str] = set()
        for secret in (key, *hidden):
            raw = secret.encode()
            spellings |= {
                secret,
                base64.b64encode(f"api:{secret}".encode()).decode(),
                base64.b64encode(raw).decode(),
                base64.b64encode(raw).decode().rstrip("="),
                raw.hex(),
                raw.hex().upper(),
            }
        spellings |= {form for spelling in spellings for form in _percent_encoded(spelling)}
        self._secrets = sorted(
            {form for spelling in spellings if spelling for form in _escaped(spelling)},
            key=len,
            reverse=True,
        )
        # Any long enough piece of a spelling counts as the key: a provider's reply cut short,
        # or a key split by an escape, must not show the rest.
        self._pieces = {
            secret[i : i + _PIECE]
            for secret in self._secrets
            for i in range(len(secret) - _PIECE + 1)
        }
        # A piece found in a text holds, whole, one of its half-pieces that begin at a
        # multiple of _HALF: looking those up first clears most texts (every message id
        # of a send) in a quarter of the lookups.
        self._halves = {
            piece[i : i + _HALF] for piece in self._pieces for i in range(_PIECE - _HALF + 1)
        }

    def __repr__(self) -> str:  # never the key
        return f"HttpApi({self.name!r}, {self.base_url!r})"

    @property
    def key(self) -> str:
        """The API key (for the auth header only)."""
        return self._key

    def redact(self, text: str) -> str:
        """``text`` with the key replaced by ``***``, for anything a person or a file may see;
        on one line, without the characters a terminal acts on (a provider's words are kept
        in the ledger and printed by ``status``: an escape sequence or a carriage return in
        them could rewrite what the editor reads)."""
        text = one_line(text)
        for secret in self._secrets:
            text = text.replace(secret, "***")
        if not self._pieces or len(text) < _PIECE:
            return text
        halves = self._halves
        if not any(text[i : i + _HALF] in halves for i in range(0, len(text) - _HALF + 1, _HALF)):
            return text
        hidden = bytearray(len(text))
        for i in range(len(text) - _PIECE + 1):
            if text[i : i + _PIECE] in self._pieces:
                hidden[i : i + _PIECE] = b"\x01" * _PIECE
        if not any(hidden):
            return text
        out, i = [], 0
        while i < len(text):
            if hidden[i]:
                while i < len(text) and hidden[i]:
                    i += 1
                out.append("***")
            else:
                out.append(text[i])
                i += 1
        return "".join(out)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        """POST to ``base_url + path``; network errors become :class:`Transient`."""
        url = self.base_url + path
        _started.count = requests_started() + 1
        try:
            # httpx's timeout bounds each read: a server (or a proxy) giving its answer a
            # byte at a time would hold the send for as long as it likes. An answer still
            # coming ``timeout`` seconds after the request was sent is a lost one (one that
            # came whole, however late, is kept). The first line is waited for read by read.
            sent: list[float] = []

            def trace(event: str, info: object) -> None:
                if event.endswith("send_request_body.complete"):
                    sent.append(time.monotonic())  # (a proxy's CONNECT sends one first)

            extensions = {"trace": trace}
            with self.client.stream(
                "POST", url, timeout=self.timeout, extensions=extensions, **kwargs
            ) as answer:
                deadline = (sent[-1] if sent else time.monotonic()) + self.timeout
                length = answer.headers.get("content-length", "")
                expected = int(length) if length.isdigit() else -1
                body, received = [], 0
                chunks = answer.iter_raw()
                for chunk in chunks:
                    body.append(chunk)
                    received += len(chunk)
                    if time.monotonic() > deadline and received != expected:
                        # Past the deadline: whole if it ends now (the last of a chunked
                        # answer), lost if more is still coming.
                        if next(chunks, None) is not None:
                            raise httpx.ReadTimeout(
                                "its answer came too slowly", request=answer.request
                            )
                        break
            return httpx.Response(
                answer.status_code,
                headers=answer.headers,
                content=b"".join(body),
                request=answer.request,
                extensions=answer.extensions,
            )
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            # The request never left: retrying cannot duplicate anything.
            raise Transient(f"cannot reach {self.name}: {self._describe(exc)}") from None
        except httpx.LocalProtocolError as exc:
            # httpx refused to write the request (an illegal header value): nothing left, and
            # trying again would fail the same way.
            raise SendError(
                f"dopemail could not make a request to {self.name}: {self._describe(exc)}",
                None,
                None,
                "check the provider's settings and API key",
            ) from None
        except httpx.TimeoutException as exc:
            raise Transient(
                f"{self.name} did not answer within {self.timeout:g} s ({self._describe(exc)})",
                ambiguous=True,
            ) from None
        except httpx.TransportError as exc:
            raise Transient(
                f"connection to {self.name} failed: {self._describe(exc)}", ambiguous=True
            ) from None
        finally:
            if isinstance(kwargs.get("content"), JsonArray):
                # httpx's request and response refer to each other, so the body would live on
                # until the garbage collector's next full pass: megabytes per batch.
                kwargs["content"].close()

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
        if isinstance(found, list):  # SendGrid: errors[{message, field}]; Buttondown: [{msg}]
            found = "; ".join(
                str(item.get("message") or item.get("msg") or item)
                if isinstance(item, dict)
                else str(item)
                for item in found
            )
        text = str(found) if found is not None else response.text.strip()
        # Redacted before it is cut: a key cut in two would no longer be found whole. (The
        # status line's phrase is the server's words too: a proxy may echo the request.)
        text = self.redact(text)[:500] or self.redact(response.reason_phrase)
        return f"HTTP {response.status_code}: {text}"

    def auth_error(
        self,
        response: httpx.Response,
        env: str,
        *keys: str,
        credential: str = "API key",
        kind: str = "",
        hint: str | None = None,
    ) -> ProviderAuthError:
        """The error that stops a send when the key is refused.

        ``credential``: what the provider calls what it refused; ``kind``: its name for the
        error, said before its words; ``hint``: what to fix, where more than "check ``env``"
        can be said (naming the variable, never its value)."""
        return ProviderAuthError(
            f"{self.name} refused the {credential} ({self._said(response, kind, keys)})",
            None,
            None,
            hint
            or f"check {env}: it must hold a valid {self.name} API key with permission to send",
        )

    def forbidden(
        self,
        response: httpx.Response,
        env: str,
        *keys: str,
        kind: str = "",
        hint: str | None = None,
    ) -> ProviderAuthError:
        """The error that stops a send on a 403: the key was taken, and what it may do (or
        the account, a sandbox domain) does not include this; not a key refused. ``kind`` and
        ``hint`` as :meth:`auth_error` takes them."""
        return ProviderAuthError(
            f"{self.name} refused to send ({self._said(response, kind, keys)})",
            None,
            None,
            hint
            or f"check that {env} holds a key allowed to send, and the account at {self.name}: "
            "a sandbox or unverified domain sends only to the recipients it authorizes",
        )

    def _said(self, response: httpx.Response, kind: str, keys: tuple[str, ...]) -> str:
        said = self.message(response, *keys)
        # The error's name is the server's word too (a header, which a proxy may echo).
        return f"{self.redact(kind)}, {said}" if kind else said

    def transient(
        self, response: httpx.Response, delay: float | None, *keys: str
    ) -> Transient | None:
        """A Transient for 429 and 5xx answers (None for others); ambiguous for a 5xx other
        than 500 and 503."""
        if response.status_code == 429:
            return Transient(f"rate limited ({self.message(response, *keys)})", delay)
        if response.status_code >= 500:
            # Only a 500 or a 503 is the provider's own word that it failed to take the
            # request (and what its documentation says to retry). Any other 5xx (502, 504, a
            # CDN's 520-527) comes from something in front of it that gave up on the request,
            # which may have reached the provider and been sent: without an idempotency key, a
            # retry could mail the batch twice.
            return Transient(
                f"{self.name} failed ({self.message(response, *keys)})",
                delay,
                ambiguous=response.status_code not in _NOT_TAKEN,
                doubtful=response.status_code in _NOT_TAKEN,
            )
        return None

    def refused(self, response: httpx.Response, *keys: str) -> SendError | InDoubt:
        """The error that stops a send when the request itself is refused.

        A success other than the one the provider's API describes (a 200 where it answers
        202, a sandbox, a proxy in front of it) is no refusal: the provider may have taken
        the batch, so it stays in flight for the editor to settle (InDoubt) rather than
        going back to the queue and out a second time.
        """
        if response.is_success:
            return InDoubt(
                f"{self.name} answered {self.message(response, *keys)}, not the answer its "
                "API gives for a batch it took: it may have taken this one"
            )
        status = response.status_code
        if 300 <= status < 400:
            where = self.redact(response.headers.get("location", "elsewhere"))
            hint = (
                f"[send.{self.table}] base_url leads {where}: dopemail follows no "
                "redirect (the key would go with it); give the API's own https:// address"
            )
        elif status == 413:
            hint = (
                "the batch is larger than the provider (or a proxy in front of it) takes: "
                "lower [send] batch_size in dopemail.toml, or make the issue lighter"
            )
        else:
            hint = (
                "check [sender] in dopemail.toml (is the From domain verified at the "
                "provider?) and the built issue"
            )
        return SendError(
            f"{self.name} refused the request: {self.message(response, *keys)}", None, None, hint
        )


#: Where a message's bodies go in the dict given to :func:`json_message`.
HTML_BODY = "\x00dopemail:html\x00"
TEXT_BODY = "\x00dopemail:text\x00"
_BODY = re.compile(rb'"\\u0000dopemail:(html|text)\\u0000"')


def json_bytes(value: Any) -> bytes:
    """``value`` as JSON, encoded exactly as httpx's ``json=`` encodes a request body."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def json_message(
    message: dict[str, Any], composer: Composer, letter: Letter, lead: bytes = b""
) -> bytes:
    """One message of a batch as JSON bytes (after ``lead``, e.g. a comma), its bodies (marked
    :data:`HTML_BODY` and :data:`TEXT_BODY`) spliced in already escaped: the bytes
    ``json_bytes`` would give for the message with its bodies filled in, without encoding the
    whole issue again per reader."""
    parts = _BODY.split(json_bytes(message))
    if sorted(parts[1::2]) != [b"html", b"text"]:  # a field held a marker: the long way
        bodies = {HTML_BODY: composer.html(letter), TEXT_BODY: composer.text(letter)}
        filled = {k: bodies.get(v, v) if isinstance(v, str) else v for k, v in message.items()}
        return lead + json_bytes(filled)
    bodies = {b"html": composer.html_json(letter), b"text": composer.text_json(letter)}
    parts[1::2] = [b'"' + bodies[name] + b'"' for name in parts[1::2]]
    return b"".join([lead, *parts])


#: The fields of one message, given the reader's To header and headers (provider-specific).
MessageFields = Callable[[Composer, str, dict[str, str]], dict[str, Any]]
_HOLE = re.compile(rb'"\\u0000dopemail:([a-z]+)\\u0000"')
_TO, _UNSUBSCRIBE = "\x00dopemail:to\x00", "\x00dopemail:unsubscribe\x00"


def json_batch(batch: Batch, fields: MessageFields) -> JsonArray:
    """A batch of messages as one JSON array: the bytes ``json_bytes`` would give for the list of
    ``fields(composer, letter.recipient.to, letter.headers())`` with the bodies filled in.

    The message is encoded once per batch, with holes where the readers differ (To, bodies,
    List-Unsubscribe); per reader only those are escaped, and the pieces joined.
    """
    composer, letters = batch.composer, batch.letters
    if not letters:
        return JsonArray([])
    first = letters[0]
    headers = first.headers()
    headers["List-Unsubscribe"] = _UNSUBSCRIBE
    parts = _HOLE.split(json_bytes(fields(composer, _TO, headers)))
    literals, names = parts[0::2], parts[1::2]
    if sorted(names) != [b"html", b"text", b"to", b"unsubscribe"]:
        literals = []  # a field held a marker: each message the long way
    items = []
    for index, letter in enumerate(letters):
        lead = array_lead(index)
        if not literals or letter.extra_headers != first.extra_headers:
            message = fields(composer, letter.recipient.to, letter.headers())
            items.append(json_message(message, composer, letter, lead))
            continue
        values = {
            b"to": [json_escape(letter.recipient.to)],
            b"html": composer.html_json_parts(letter),
            b"text": composer.text_json_parts(letter),
            b"unsubscribe": [json_escape(letter.list_unsubscribe())],
        }
        parts = [lead, literals[0]]
        for name, literal in zip(names, literals[1:], strict=True):
            parts += (b'"', *values[name], b'"', literal)
        items.append(parts)  # joined only when sent: the issue is not copied per reader before
    return JsonArray(items)


def array_lead(index: int) -> bytes:
    """What goes before value ``index`` of a JSON array: ``[`` or ``,``."""
    return b"," if index else b"["


class JsonArray:
    """A request body: encoded JSON values as one JSON array, sent a value at a time.

    A batch of a hundred messages, each with the whole issue, is megabytes. It is written to the
    connection a few messages at a time (with its Content-Length given, so it is not sent
    chunked), and a message given as a list of parts is joined only then: a batch in flight
    holds the issue's pieces once, and small per-reader parts, not a copy of the issue per
    reader.
    """

    #: About this many bytes are written at a time. Each write is an event through h11 and
    #: httpcore, 30 µs of Python: a write per message of 40 KB was a tenth of a send's time.
    WRITE = 256 * 1024

    def __init__(self, items: list[bytes | list[bytes]]) -> None:
        """``items``: the values (bytes, or parts to join), each after its separator (made
        with ``array_lead(i)``, so that no value is copied again)."""
        self.items = items
        self.length = (
            2
            if not items
            else 1
            + sum(len(item) if isinstance(item, bytes) else sum(map(len, item)) for item in items)
        )

    def __iter__(self) -> Iterator[bytes]:
        if not self.items:
            yield b"[]"
            return
        pending: list[bytes] = []
        size = 0
        for item in self.items:
            pending += (item,) if isinstance(item, bytes) else item
            size += len(item) if isinstance(item, bytes) else sum(map(len, item))
            if size >= self.WRITE:
                yield b"".join(pending)
                pending, size = [], 0
        pending.append(b"]")
        yield b"".join(pending)

    def __bytes__(self) -> bytes:
        return b"".join(self)

    def close(self) -> None:
        """Let go of the messages (once posted)."""
        self.items = []

    @property
    def headers(self) -> dict[str, str]:
        """Content-Type and Content-Length."""
        return {"Content-Type": "application/json", "Content-Length": str(self.length)}


# Quoted in `backticks` too, as Resend's messages quote values.
_ADDRESS = re.compile(r"[^\s<>\"'`,;:()\[\]]+@[^\s<>\"'`,;:()\[\]]+")


def addresses_in(text: str) -> set[str]:
    """Every email-address-looking word of ``text``, case-folded."""
    return {m.group(0).lower().rstrip(".") for m in _ADDRESS.finditer(text)}
