"""Provider name -> adapter, and where each one's API key comes from.

Each adapter is a small class behind :class:`~.base.Provider`; it receives its ``httpx.Client``
from outside (tests point it at a loopback server) and its key from the environment variable
named in :data:`dopemail.config.SECRET_ENV`, never from dopemail.toml.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx

from ...config import (
    AWS_CALLED,
    AWS_CREDENTIALS_FROM,
    AWS_ENV,
    CONFIG_NAME,
    SECRET_ENV,
    Settings,
    config_line,
    this_machine,
)
from ...errors import SendError
from .base import HttpApi, Provider

if TYPE_CHECKING:
    from .ses import Ses

#: The providers that keep the subscriber list themselves (``Provider.holds_list``): an issue
#: is posted once, to their whole list, and they say nothing of who got it.
LIST_HOLDERS = frozenset({"buttondown"})
#: How each provider is written in what the editor reads (``[send] provider`` is lower case).
TITLES = {
    "postmark": "Postmark",
    "resend": "Resend",
    "sendgrid": "SendGrid",
    "mailgun": "Mailgun",
    "buttondown": "Buttondown",
    "ses": "Amazon SES",
}


def titled(name: str) -> str:
    """The provider ``name`` (``[send] provider``'s value) as the editor reads it: "Resend"."""
    return TITLES.get(name, name)


def api_key(name: str, env: Mapping[str, str], variable: str | None = None) -> str:
    """The provider's key from its environment variable (or ``variable``), or a SendError
    saying which to set."""
    variable = variable or SECRET_ENV[name]
    called = AWS_CALLED.get(variable)
    key = env.get(variable, "")
    if not key.strip():
        raise SendError(
            f"no {'AWS credentials' if called else 'API key'} for {TITLES[name]}: the environment "
            f"variable {variable} is empty",
            None,
            None,
            f"export {variable}=... (keys never go in dopemail.toml), "
            'or set [send] provider = "outbox" to write .eml files instead',
        )
    # Checked before any request: a control character would make httpx refuse the header,
    # quoting the key in its error. The message names the variable, never the value.
    if key != key.strip():
        problem = "spaces or a line break around the key"
    elif not key.isascii():
        problem = "a character beyond ASCII"
    elif not key.isprintable():
        problem = "a control character (a carriage return, a tab...)"
    else:
        return key
    if called:  # AWS's credentials come from IAM or the AWS CLI, not a provider's dashboard
        raise SendError(
            f"the AWS {called} for {TITLES[name]} in the environment variable {variable} has "
            f"{problem}",
            None,
            None,
            f"copy it again {AWS_CREDENTIALS_FROM}, and export {variable}='...' with nothing "
            f"but the {called}",
        )
    raise SendError(
        f"the API key for {TITLES[name]} in the environment variable {variable} has {problem}",
        None,
        None,
        f"copy the key again from {TITLES[name]}'s dashboard and export {variable}='...' "
        "with nothing but the key",
    )


def base_url(settings: Settings, name: str) -> str:
    """Where the provider's API lives (its [send.<name>] base_url)."""
    if name == "outbox":
        return settings.send.outbox
    return getattr(settings.send, name).api_url


def make_provider(
    settings: Settings,
    root: Path,
    client: httpx.Client,
    env: Mapping[str, str],
    name: str | None = None,
    need_key: bool = True,
) -> Provider:
    """The adapter for ``[send] provider`` (or ``name``), ready to post through ``client``.

    ``need_key=False`` (a dry run, which posts nothing): made without its API key if the
    environment has none."""
    name = name or settings.send.provider
    if name == "outbox":
        from .outbox import Outbox

        return Outbox(root / settings.send.outbox)
    options = getattr(settings.send, name)
    if need_key:
        refuse_plain_http(settings, root, name)
    if name == "ses":
        return _ses(settings, client, env, need_key)
    api = HttpApi(
        TITLES[name],
        client,
        options.api_url,
        options.timeout or settings.send.timeout,
        api_key(name, env) if need_key or env.get(SECRET_ENV[name], "").strip() else "",
    )
    untracked = settings.send.tracking == "off"
    if name == "postmark":
        from .postmark import Postmark

        return Postmark(api, options.message_stream, untracked)
    if name == "resend":
        from .resend import Resend

        return Resend(api)
    if name == "sendgrid":
        from .sendgrid import SendGrid

        return SendGrid(api, untracked)
    if name == "mailgun":
        from .mailgun import Mailgun

        domain = options.domain or settings.sender.from_email.rpartition("@")[2]
        return Mailgun(api, domain, untracked)
    if name == "buttondown":
        from .buttondown import Buttondown

        return Buttondown(api)
    raise SendError(f"unknown provider '{name}'")


def aws_credentials(env: Mapping[str, str]) -> tuple[str, str, str | None]:
    """SES's access key id, secret access key and session token (None unless temporary
    credentials), each checked as an API key is; a SendError names the variable to set."""
    key_id_env, secret_env, token_env = AWS_ENV
    key_id = api_key("ses", env, key_id_env)
    secret = api_key("ses", env, secret_env)
    token = api_key("ses", env, token_env) if env.get(token_env, "") else None
    return key_id, secret, token


def _ses(settings: Settings, client: httpx.Client, env: Mapping[str, str], need_key: bool) -> Ses:
    from .ses import Ses

    options = settings.send.ses
    if need_key or all(env.get(v, "").strip() for v in AWS_ENV[:2]):
        key_id, secret, token = aws_credentials(env)
    else:  # a dry run without credentials: it posts nothing
        key_id, secret, token = "", "", None
    api = HttpApi(
        TITLES["ses"],
        client,
        options.api_url,
        options.timeout or settings.send.timeout,
        secret,
        # The key id and a session token travel in every request's headers: an echo of
        # either is hidden as the secret is.
        tuple(filter(None, (key_id, token))),
        table="ses",
    )
    # Paced to the sandbox's one message a second unless told the account's own rate
    # ([send] rate, or [send.ses] requests_per_second, which the runner reads itself).
    paced = None if settings.send.rate else Ses.SANDBOX_RATE
    return Ses(api, options.region, key_id, token, paced)


def refuse_plain_http(settings: Settings, root: Path, name: str) -> None:
    """Refuse a provider's ``base_url`` on plain http (SendError at its line), unless it is
    on this machine or allowed: every request carries the API key and readers' addresses,
    which would cross the network readable."""
    if name == "outbox":
        return
    options = getattr(settings.send, name)
    url = options.api_url
    parts = urlsplit(url)
    if parts.scheme.lower() != "http" or options.allow_http or this_machine(parts.hostname or ""):
        return
    raise SendError(
        f"send.{name}.base_url: '{url}' is plain http: the API key and every reader's address "
        "would cross the network unencrypted",
        CONFIG_NAME,
        config_line(root, ("send", name, "base_url")),
        "give the API's https:// address (http is for a test server on this machine: "
        f"127.0.0.1, localhost; for one elsewhere on your network, set allow_http = true "
        f"under [send.{name}])",
    )


__all__ = ["api_key", "aws_credentials", "base_url", "make_provider", "refuse_plain_http"]
