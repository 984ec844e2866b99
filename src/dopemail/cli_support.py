"""What every command shares: the ``--root`` option and the error printer.

A module of its own so that :mod:`dopemail.cli` and the command modules of the preview and
the sender can all import it, in any order.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from .errors import DopemailError


def _find_root(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path:
    # As git finds its repository: an editor in entries/ (or deeper) means the publication
    # around it. With no dopemail.toml here or above, the current folder (and its message).
    if value is not None:
        return value
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / "dopemail.toml").is_file():
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

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except DopemailError as exc:
            click.echo(str(exc), err=True)
            sys.exit(1)
        except OSError as exc:
            if exc.errno not in _HINTS:
                raise
            click.echo(str(system_error(exc)), err=True)
            sys.exit(1)

    return wrapper


_HINTS = {
    errno.EACCES: "check its permissions (ls -l): dopemail must be able to read it, and to "
    "write where it builds",
    errno.EPERM: "check its permissions and owner (ls -l)",
    errno.ENOSPC: "the disk is full: free some space and run again (what was built before is "
    "intact)",
    errno.EDQUOT: "your disk quota is used up: free some space and run again",
    errno.EROFS: "it is on a read-only file system: build in a folder you can write to",
    errno.ENOENT: "it is missing, or a link to a file that is gone (an editor's lock file, "
    "a moved folder): remove the link or restore the file",
    errno.ELOOP: "it is a link that points to itself, through other links: remove it",
    errno.EISDIR: "a folder is where a file is expected on that path: rename or move it (or "
    "fix the name in dopemail.toml)",
    errno.ENOTDIR: "a file is where a folder is expected on that path: rename or move it (or "
    "fix the name in dopemail.toml)",
}


def system_error(exc: OSError) -> DopemailError:
    """An OSError as the editor's problem: the file, what the system said, what to do."""
    # A rename names the file it failed to make second (the first, a temporary file of ours,
    # is gone by now).
    name = exc.filename2 if exc.filename2 is not None else exc.filename
    shown = None
    if name is not None:
        path = Path(os.fsdecode(name))
        # Not resolved: a link that loops cannot be (RuntimeError), and the link is the name.
        with contextlib.suppress(ValueError):
            path = Path(os.path.abspath(path)).relative_to(Path.cwd().resolve())
        shown = path.as_posix()
    return DopemailError(exc.strerror or str(exc), shown, None, _HINTS.get(exc.errno or 0))
