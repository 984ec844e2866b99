"""What every command shares: the ``--root`` option and the error printer.

A module of its own so that :mod:`dopemail.cli` and the command modules of the preview and
the sender can all import it, in any order.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from .errors import NOTHING_SENT, SEND_KEPT, DopemailError, printable, sqlite_hint, system_error
from .errors import SYSTEM_HINTS as _HINTS


def _find_root(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path:
    # As git finds its repository: an editor in entries/ (or deeper) means the publication
    # around it. With no dopemail.toml here or above, the current folder (and its message).
    if value is not None:
        return value
    here = Path.cwd()
    for folder in (here, *here.parents):
        # There but no file (a folder of that name, a link to nothing): this publication's,
        # which loading tells; going on up built the publication around it instead.
        if os.path.lexists(folder / "dopemail.toml"):
            if folder == here:
                return Path(".")
            # Said: paths in messages, and what `new` writes, are the publication's.
            click.echo(f"publication: {folder}", err=True)
            return folder
    return Path(".")


root_option = click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    callback=_find_root,
    show_default="the nearest folder with a dopemail.toml: this one or one above",
    help="The publication's folder (where dopemail.toml is).",
)


def reports_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Print a DopemailError once, as 'file:line: message' plus its hint, and exit 1.

    So is a file the system would not let dopemail read or write (permissions, a full disk,
    a broken link): the editor's to fix, not a bug to show a traceback for.
    """
    return _reporting(func, sending=False)


def reports_send_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """:func:`reports_errors` for ``dopemail send`` and ``status``: a system error's hint in
    their words, not a build's (what was built before is intact): a full disk stopping
    ``send --yes``, what the ledger keeps of the send; stopping ``status``, the dry run or a
    test, that nothing was sent or changed."""
    return _reporting(func, sending=True)


def _reporting(func: Callable[..., Any], sending: bool) -> Callable[..., Any]:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        # Only 'send --yes' sends to the list, and writes to the ledger as it goes.
        sends = sending and bool(kwargs.get("yes")) and not kwargs.get("test_to")
        try:
            return func(*args, **kwargs)
        except DopemailError as exc:
            click.echo(printable(str(exc)), err=True)
            sys.exit(1)
        except OSError as exc:
            if exc.errno not in _HINTS:
                raise
            kept = SEND_KEPT if sends else NOTHING_SENT
            click.echo(str(system_error(exc, sending=sending, kept=kept)), err=True)
            sys.exit(1)
        except Exception as exc:
            said = _ledger_error(exc, kwargs.get("root"), sends)
            if said is None:
                raise
            click.echo(str(said), err=True)
            sys.exit(1)

    return wrapper


def _ledger_error(exc: Exception, root: Path | None, sends: bool) -> DopemailError | None:
    # ``sends``: during 'send --yes', which writes the ledger (else it is left as it is).
    if type(exc).__module__ != "sqlite3":
        return None
    from .send.ledger import KEPT_WHILE_SENDING, LEDGER_PATH, LEFT_AS_IT_IS, full_disk_error

    kept = KEPT_WHILE_SENDING if sends else LEFT_AS_IT_IS
    # A full disk first: SQLite calls it a "disk I/O error" too, whose hint blames the disk.
    full = full_disk_error(exc, (root or Path(".")) / LEDGER_PATH, kept)
    if full is not None:
        return full
    said = str(exc)
    hint = sqlite_hint(said)
    if hint is None:
        return None
    return DopemailError(said, LEDGER_PATH, None, f"{hint}; {kept}")
