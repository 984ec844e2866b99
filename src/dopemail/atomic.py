"""Small files of dopemail's own (the cache's records, the build's manifest and journal)
replaced whole: written beside their place, then renamed over it."""

from __future__ import annotations

import contextlib
import errno
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


def create_file(path: str | Path, data: bytes) -> None:
    """Make the file ``path`` holding ``data``, whole or not at all, never over another.

    Written under a hidden temporary name beside it ('.<name>.<process id>.tmp': no build
    reads it), then linked at ``path`` (FileExistsError if a file is there, one made meanwhile
    by another command too) and the temporary name removed. A write that fails (a full disk)
    leaves nothing: an empty entry left behind stopped every build ("the file is empty"), and
    ``new entry`` then said it already existed. Where the file system makes no links (some
    network or USB disks), the file is made exclusively and written, and removed if the write
    fails. Every OSError names ``path``, never the temporary name.
    """
    path = os.fspath(path)
    folder, name = os.path.split(path)
    tmp = os.path.join(folder, f".{name}.{os.getpid()}.tmp")
    try:
        _write_new(tmp, data, exclusive=False)
        try:
            os.link(tmp, path)
        except OSError as exc:
            if exc.errno not in _NO_LINK:
                raise
            _write_new(path, data, exclusive=True)
    except OSError as exc:
        # (OSError() of an errno gives its subclass: FileExistsError, PermissionError...)
        raise OSError(exc.errno, exc.strerror, path) from exc
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


# A link the file system will not make (it has none): the file is made by itself instead.
_NO_LINK = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK, errno.ENOSYS}


def _write_new(path: str, data: bytes, exclusive: bool) -> None:
    # The file at ``path`` with ``data``; removed if the write fails (a full disk).
    with open(path, "xb" if exclusive else "wb") as handle:
        try:
            handle.write(data)
            handle.flush()
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(path)
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
