"""Helpers for the send tests: a workspace with a built issue and a subscriber list, settings
pointing at a loopback provider, and the environment holding (fake) secrets."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from dopemail.personalize import UNSUBSCRIBE_PLACEHOLDER
from dopemail.send.loopback import AWS_KEY_ID, LoopbackServer

REPO = Path(__file__).resolve().parents[1]
#: A key shaped like a real one, to be searched for where it must never appear.
KEY = "sk_live_DOPEMAIL-TEST-KEY-5f1d2e3c4b5a6978"
UNSUBSCRIBE_SECRET = "test-unsubscribe-secret-0123456789"
POSTAL = "DoPe Press, Paris-LA, 8033 Sunset Boulevard #1000, Los Angeles, CA 90046, USA"
ENV_NAMES = {
    "postmark": "DOPEMAIL_POSTMARK_TOKEN",
    "resend": "DOPEMAIL_RESEND_API_KEY",
    "sendgrid": "DOPEMAIL_SENDGRID_API_KEY",
    "mailgun": "DOPEMAIL_MAILGUN_API_KEY",
    "buttondown": "DOPEMAIL_BUTTONDOWN_API_KEY",
    "ses": "AWS_SECRET_ACCESS_KEY",  # with AWS_ACCESS_KEY_ID (see env)
}
PROVIDERS = ("postmark", "resend", "sendgrid", "mailgun", "buttondown", "ses")
#: The region SES tables name in tests (not the default, us-east-1).
SES_REGION = "eu-west-1"

HTML = f"""<!doctype html>
<html><body><h1>Ghosts and strangers</h1><p>Seven films this week.</p>
<p><a href="{UNSUBSCRIBE_PLACEHOLDER}">Unsubscribe</a></p><p>{POSTAL}</p></body></html>
"""
TEXT = f"""Ghosts and strangers

Seven films this week.

Unsubscribe: {UNSUBSCRIBE_PLACEHOLDER}
{POSTAL}
"""


def env(provider: str = "outbox", key: str = KEY) -> dict[str, str]:
    """Environment variables a send needs: the provider's key and the unsubscribe secret."""
    values = {"DOPEMAIL_UNSUBSCRIBE_SECRET": UNSUBSCRIBE_SECRET}
    if provider in ENV_NAMES:
        values[ENV_NAMES[provider]] = key
    if provider == "ses":  # the loopback server's key id; the key is the secret
        values["AWS_ACCESS_KEY_ID"] = AWS_KEY_ID
    return values


def base_url(provider: str, server: LoopbackServer) -> str:
    """Where the provider's API is on the loopback server."""
    return server.url + ("/v1" if provider == "buttondown" else "")


def make_workspace(
    root: Path,
    *,
    provider: str = "outbox",
    server: LoopbackServer | None = None,
    send: str = "",
    subscribers: int | list[tuple[str, ...]] = 3,
    number: int = 1,
    slug: str = "first-issue",
    timeout: float = 2.0,
) -> Path:
    """A publication folder with dopemail.toml, a built issue and a subscriber list."""
    root.mkdir(parents=True, exist_ok=True)
    config = (REPO / "dopemail.toml").read_text(encoding="utf-8")
    # Drop any [send] tables the shared file may grow, so ours is the only one.
    config = re.sub(r"(?ms)^\[send(\.[a-z]+)?\].*?(?=^\[|\Z)", "", config)
    # Fast retries for tests; ``send`` ("key = value" lines) adds or overrides settings.
    values = {
        "provider": f'"{provider}"',
        "backoff": "0.001",
        "backoff_max": "0.01",
        "retries": "8",
        "timeout": str(timeout),
    }
    for line in filter(None, (line.strip() for line in send.splitlines())):
        name, _, value = line.partition("=")
        values[name.strip()] = value.strip()
    config += "\n[send]\n" + "".join(f"{k} = {v}\n" for k, v in values.items())
    if server is not None and provider in ENV_NAMES:
        config += f'\n[send.{provider}]\nbase_url = "{base_url(provider, server)}"\n'
        if provider == "ses":
            config += f'region = "{SES_REGION}"\n'
    (root / "dopemail.toml").write_text(config, encoding="utf-8")
    write_issue(root, number, slug)
    write_subscribers(root, subscribers)
    return root


def write_issue(root: Path, number: int = 1, slug: str = "first-issue", **meta: str) -> Path:
    """What the build writes for one issue: email.html, email.txt, message.json."""
    folder = root / "site" / "issues" / f"{number}-{slug}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "email.html").write_text(meta.pop("html", HTML), encoding="utf-8")
    (folder / "email.txt").write_text(meta.pop("text", TEXT), encoding="utf-8")
    message = {
        "number": number,
        "slug": slug,
        "subject": "Ghosts, strangers and a summer of repertory",
        "preheader": "Seven films this week",
        "url": f"https://dopepress.example.com/issues/{number}-{slug}/",
        "date": "2024-01-19T08:00:00-08:00",
    }
    message.update(meta)
    (folder / "message.json").write_text(json.dumps(message), encoding="utf-8")
    return folder


def readers(count: int) -> list[tuple[str, ...]]:
    """``count`` subscribed readers: reader00001@example.com, ..."""
    return [
        (f"reader{i:05d}@example.com", f"Reader {i}", "subscribed", "2024-01-01", "")
        for i in range(1, count + 1)
    ]


def write_subscribers(root: Path, rows: int | list[tuple[str, ...]]) -> Path:
    """subscribers.csv with a header line and ``rows`` (or that many generated readers)."""
    path = root / "subscribers.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["email", "name", "status", "subscribed_at", "tags"])
        writer.writerows(readers(rows) if isinstance(rows, int) else rows)
    return path
