"""Small files of dopemail's own (the cache's records, the build's manifest and journal)
replaced whole: written beside their place, then renamed over it."""

from __future__ import annotations

import contextlib
import os
import re
import time
from pathlib import Path


def replace_file(path: str | Path, *parts: bytes) -> None:
    """Put ``parts``, one after the other, at ``path`` at once.

    A reader finds the old file or the new one, never half of one; a write that fails (a
    full disk) leaves neither a half file nor its temporary one, which nothing would ever
    clear. The temporary name is this process's own: processes writing side by side (two
    checks, a preview and a build) never write into each other's.
    """
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        with open(tmp, "wb") as handle:
            for part in parts:
                handle.write(part)
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and exc.filename is None:
            # A write cut short (a full disk, a file size limit) names no file: this one, as
            # the editor knows it (the temporary one is gone).
            raise OSError(exc.errno, exc.strerror, os.fspath(path)) from exc
        raise


# What replace_file names its temporary files: '<name>.<process id>.tmp'.
_LEFT = re.compile(r".+\.(\d+)\.tmp")


def clear_leftovers(folder: Path) -> None:
    """Remove the temporary files in ``folder`` that processes killed while writing left
    (by SIGKILL or a power cut, nothing could take them back): those of processes gone.
    Another process writing side by side keeps its own."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        writer = _writer(name)
        if writer is not None and not _alive(writer):
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(folder, name))


def in_flight(name: str) -> bool:
    """Whether the file ``name`` is another running process's temporary one, being written
    (a preview's cache record while a build prunes the cache): not to be removed."""
    writer = _writer(name)
    if writer is None or not _alive(writer):
        return False
    # And written to lately: a process id is taken again by another process, in time.
    try:
        return os.stat(name).st_mtime > time.time() - _WRITTEN_WITHIN
    except OSError:
        return False


# How long ago a temporary file of a live process may have been written to, and still be
# one being written: a record takes milliseconds.
_WRITTEN_WITHIN = 600


def _writer(name: str) -> int | None:
    """The id of the other process whose temporary file ``name`` is (None: not one)."""
    found = _LEFT.fullmatch(os.path.basename(name))
    pid = int(found.group(1)) if found else None
    return pid if pid != os.getpid() else None


def _alive(pid: int) -> bool:
    # Whether a process ``pid`` runs (someone else's counts).
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's: alive
        return True
    return True
