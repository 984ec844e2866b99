"""AWS Signature Version 4 for one request's headers, by hand (hashlib and hmac).

Written out rather than taken from botocore: dopemail signs one kind of request (a POST with
a JSON body, no query) and botocore is 100 MB of service models. ``tests/test_send_ses.py``
checks it against AWS's published test suite and against botocore's own signer.

The canonical request (AWS's "Create a signed AWS API request")::

    POST \\n /v2/email/outbound-emails \\n <query> \\n <name:value\\n each header> \\n
    <signed header names, ;-joined> \\n <hex SHA-256 of the body>

signed with a key derived from the secret, the day, the region and the service.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from datetime import UTC, datetime
from urllib.parse import quote, urlsplit

ALGORITHM = "AWS4-HMAC-SHA256"


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.digest(key, text.encode("utf-8"), "sha256")


def signing_key(secret: str, day: str, region: str, service: str) -> bytes:
    """The key of one day, region and service, derived from the secret access key."""
    key = _hmac(("AWS4" + secret).encode("utf-8"), day)
    for part in (region, service, "aws4_request"):
        key = _hmac(key, part)
    return key


def _host(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 address, bracketed as the Host header writes it
        host = f"[{host}]"
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return host if parts.port in (None, default) else f"{host}:{parts.port}"


def _query(query: str) -> str:
    pairs = [pair.partition("=") for pair in query.split("&") if pair]
    encoded = [(quote(k, safe="-_.~"), quote(v, safe="-_.~")) for k, _, v in pairs]
    return "&".join(f"{k}={v}" for k, v in sorted(encoded))


def sign(
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    access_key: str,
    secret_key: str,
    region: str,
    service: str,
    session_token: str | None = None,
    now: datetime | None = None,
) -> dict[str, str]:
    """The headers to add to a request for it to be signed: ``X-Amz-Date``, ``Authorization``
    and, for temporary credentials, ``X-Amz-Security-Token``. ``headers`` (all of them are
    signed, and the Host the URL gives) are those the request carries besides these."""
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    added = {"X-Amz-Date": stamp}
    if session_token:
        added["X-Amz-Security-Token"] = session_token
    signed = {name.lower(): " ".join(value.split()) for name, value in headers.items()}
    signed.update({name.lower(): value for name, value in added.items()})
    signed["host"] = _host(url)
    names = sorted(signed)
    parts = urlsplit(url)
    canonical = "\n".join(
        [
            method.upper(),
            quote(parts.path or "/", safe="/-_.~"),
            _query(parts.query),
            "".join(f"{name}:{signed[name]}\n" for name in names),
            ";".join(names),
            hashlib.sha256(body).hexdigest(),
        ]
    )
    scope = f"{stamp[:8]}/{region}/{service}/aws4_request"
    to_sign = "\n".join(
        [ALGORITHM, stamp, scope, hashlib.sha256(canonical.encode("utf-8")).hexdigest()]
    )
    signature = hmac.new(
        signing_key(secret_key, stamp[:8], region, service), to_sign.encode("utf-8"), "sha256"
    ).hexdigest()
    added["Authorization"] = (
        f"{ALGORITHM} Credential={access_key}/{scope}, SignedHeaders={';'.join(names)}, "
        f"Signature={signature}"
    )
    return added
