"""HOOK POINT: the preview's "Send test" button, and its single call into the sender.

:func:`send_test` is all the preview knows of sending. It picks one of two ways:

1. **Through the sender** (``dopemail.send.send_issue`` with ``SendOptions(test_to=...)``, the
   code behind ``dopemail send ISSUE --test ADDRESS``), when that package is importable *and*
   the issue built in ``site/`` is byte for byte the one on screen. The sender sends built
   issues only, and the preview never writes ``site/``, so this is the way
   once ``dopemail build`` has run since the last edit. The configured provider delivers it
   (the ``outbox`` provider writes ``outbox/<issue>/tests/*.eml``).
2. **Into the outbox**, otherwise: the issue on screen, as a ``[TEST]`` ``.eml`` file written
   with Python's :mod:`email` package to ``<outbox>/<issue>/tests/preview-*.eml``. Nothing
   leaves the machine; the page says how to send it for real.

The sender's owners may replace the body of :func:`send_test`; keep its signature.
"""

from __future__ import annotations

import os
import re
import time
from email import policy
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from pathlib import Path

from email_validator import EmailNotValidError, validate_email

from ..atomic import replace_file
from ..config import load_settings
from ..errors import SendError
from ..newsletter import RenderedIssue

_UNSAFE = re.compile(r"[^A-Za-z0-9@._+-]")


def send_test(
    root: Path, issue_key: str, address: str, rendered: RenderedIssue | None = None
) -> str:
    """Send one test copy of issue ``issue_key`` to ``address``; say what happened.

    ``rendered`` is the issue as the preview shows it (from its in-memory build). Without it,
    the built issue in ``site/`` is sent, as ``dopemail send --test`` does.
    Raises a :class:`~dopemail.errors.SendError` the page shows when it cannot be done.
    """
    # As 'dopemail send --test' takes it: an address, or as a mail program writes one, with a
    # name ('Zoé Lefèvre <zoe@example.com>'), kept as written.
    address = address.strip()
    name, bare = parseaddr(address) if "<" in address else ("", address)
    try:
        bare = validate_email(bare, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise SendError(f"'{address}' is not a valid address: {exc}") from None
    if not name:
        address = bare
    if _sender_available() and (rendered is None or _built_matches(root, rendered)):
        from ..send import SendOptions, send_issue
        from ..send.run import Reporter

        # The built files were just found to be the issue on screen, which the preview made
        # from the sources as they are: the sender need not make it again to check them.
        options = SendOptions(test_to=address, sources_checked=rendered is not None)
        summary = send_issue(root, issue_key, options, reporter=Reporter(progress=False))
        folder = summary.outbox_folder(test=True)
        if folder is not None:  # no account: where to open it
            return f"Wrote a test of issue {issue_key} to {address} in {folder} (the outbox)."
        where = f" (id {summary.test_id})" if summary.test_id else ""
        return f"Sent a test of issue {issue_key} to {address} through {summary.provider}{where}."
    if rendered is None:
        raise SendError(
            f"issue {issue_key} cannot be test-sent: the sender is not available",
            None,
            None,
            "open the issue in dopemail preview and use its Send test button",
        )
    path = write_test_eml(root, rendered, address)
    if _sender_available():
        provider = load_settings(root).send.provider
        how = (
            "site/ does not hold this version yet; run dopemail build, then Send test again "
            f"to send it through {provider}"
        )
    else:
        how = "the sender is not installed"
    return f"Wrote {path.relative_to(root).as_posix()} (not sent: {how})."


def _sender_available() -> bool:
    try:
        from ..send import SendOptions, send_issue  # noqa: F401
    except ImportError:
        return False
    return True


def _built_matches(root: Path, rendered: RenderedIssue) -> bool:
    """Whether ``site/`` holds exactly what the sender would mail of ``rendered``."""
    for name, data in rendered.sent_files().items():
        try:
            if (root / rendered.folder / name).read_bytes() != data:
                return False
        except OSError:
            return False
    return True


# RFC 2045 (§6.7): an encoded body line is 76 characters at most; SMTP's policy says 78, a
# header's limit, and set_content encodes with it.
_POLICY = policy.SMTP.clone(max_line_length=76)


def write_test_eml(root: Path, rendered: RenderedIssue, address: str) -> Path:
    """Write the issue on screen as a ``[TEST]`` message to ``address``, in the outbox (a new
    file each time: an earlier test is never overwritten)."""
    settings = load_settings(root)
    sender, meta = settings.sender, rendered.issue.meta
    # CRLF lines and a date in UTC, as the sender's .eml files have them: the same whatever
    # the machine's time zone.
    message = EmailMessage(policy=_POLICY)
    message["Subject"] = f"[TEST] {meta.subject}"
    message["From"] = formataddr((sender.from_name, sender.from_email))
    message["To"] = address
    if sender.reply_to:
        message["Reply-To"] = sender.reply_to
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid("preview", domain=sender.from_email.rpartition("@")[2])
    # The unsubscribe link is still the build's placeholder: only the sender personalises it.
    message["X-Dopemail-Test"] = "written by dopemail preview; not personalised, not sent"
    message.set_content(rendered.text)
    message.add_alternative(rendered.html, subtype="html")

    # As the outbox provider's issue_folder(), which needs the sender's packages to import.
    folder = root / settings.send.outbox / rendered.issue.key / "tests"
    folder.mkdir(parents=True, exist_ok=True)
    name = f"preview-{time.strftime('%Y%m%d-%H%M%S', time.gmtime())}-"
    name += _UNSAFE.sub("_", address)[:80]
    # Two tests within a second (a button clicked twice) had one name: the second replaced
    # the first. The name is taken first, then filled whole.
    target = _new_file(folder, name)
    try:
        replace_file(target, message.as_bytes())
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return target


def _new_file(folder: Path, name: str) -> Path:
    """A file made empty in ``folder``: ``name.eml``, or ``name-2.eml``... when taken."""
    number = 1
    while True:
        target = folder / (f"{name}.eml" if number == 1 else f"{name}-{number}.eml")
        try:
            os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
            return target
        except FileExistsError:
            number += 1
