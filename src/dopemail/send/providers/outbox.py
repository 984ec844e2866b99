"""The default provider: one RFC 5322 ``.eml`` file per message, in a folder.

It needs no account, so first-time users and tests get it. Each file is named after its
recipient and written atomically (temporary file, then rename), so posting a batch again
overwrites the same files: replays cannot duplicate, which makes the outbox idempotent. A batch
is written whole or not at all: one that fails partway (a full disk) takes back the files it
wrote, so the folder holds nothing of a batch whose readers are back in the queue.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

from ..message import Composer
from .base import Batch, InDoubt, Outcome

_UNSAFE = re.compile(r"[^A-Za-z0-9@._+-]")


def eml_name(key: str) -> str:
    """A file name for a recipient: readable, and unique even after unsafe characters go."""
    readable = _UNSAFE.sub("_", key)[:80]
    return f"{readable}-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:8]}.eml"


def issue_folder(outbox: str | Path, issue_id: str, test: bool = False) -> Path:
    """Where the outbox writes an issue's messages (its test copies in ``tests/``)."""
    folder = Path(outbox) / issue_id
    return folder / "tests" if test else folder


class Outbox:
    """Writes ``<outbox>/<number>-<slug>/<recipient>.eml`` (tests under ``tests/``)."""

    name = "outbox"
    max_batch = 100
    idempotent = True
    idempotency_window: float | None = None
    holds_list = False
    tracking_switch = False
    requests_per_second: float | None = None
    #: Batches written at once by default (local files: threads would only take turns).
    concurrency = 1

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._swept: set[Path] = set()

    def __repr__(self) -> str:
        return f"Outbox({str(self.folder)!r})"

    def send(self, batch: Batch) -> list[Outcome]:
        """Write one file per letter, all or none; the Message-ID is the outcome's id.

        A write that fails (the disk full) removes the batch's files written before it and
        raises the OSError, named by the folder; if one of them cannot be removed, InDoubt.
        """
        composer = batch.composer
        target = issue_folder(self.folder, composer.issue.issue_id, composer.test)
        target.mkdir(parents=True, exist_ok=True)
        if not composer.test and target not in self._swept:
            # What a run killed while writing left (its cleanup never ran): one send of an
            # issue at a time (the ledger's lock), so none of these is being written now.
            # (Not in tests/, where the preview's Send test may be writing one.)
            for stale in [*target.glob(".tmp-*.partial"), *target.glob(".tmp-*.eml")]:
                stale.unlink(missing_ok=True)
            self._swept.add(target)
        outcomes = []
        written: list[Path] = []
        try:
            for letter in batch.letters:
                path = target / eml_name(letter.recipient.key)
                _write_atomically(path, composer.eml(letter))
                written.append(path)
                outcomes.append(Outcome("sent", letter.message_id))
        except Exception as exc:
            # A batch is written whole or not at all (the disk full at its 54th file): the
            # sender puts its readers back in the queue, so a file of theirs left here would
            # be mailed on by whoever sends the folder, then again when the batch is written
            # anew, or to a reader who unsubscribed in between.
            _take_back(written, target, exc)
            if isinstance(exc, OSError):
                # Named by its folder: a failed write names no file, a failed mkstemp the
                # temporary one, which is gone.
                raise OSError(exc.errno, exc.strerror, str(target)) from exc
            raise
        return outcomes

    def withdraw(self, composer: Composer, keys: list[str]) -> None:
        """Take back the files of readers a replayed batch leaves out (they left the list
        since a run killed while writing the batch): the ledger skips them, and a file of
        theirs would be mailed on by whoever sends the folder. Unlike a provider, which
        cannot take a message back, the outbox has not delivered anything yet."""
        target = issue_folder(self.folder, composer.issue.issue_id, composer.test)
        for key in keys:
            (target / eml_name(key)).unlink(missing_ok=True)


def _take_back(written: list[Path], target: Path, exc: Exception) -> None:
    """Remove the files of a batch written in part (``exc`` stopped it), or say it may be out:
    a file that could not be removed may be mailed on, so the batch stays in flight."""
    left = []
    for path in written:
        try:
            path.unlink(missing_ok=True)
        except OSError as failed:
            left.append(failed)
    if left:
        said = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise InDoubt(
            f"its files could not all be written in {target}/ ({said}), and {len(left):,} of "
            f"those written could not be removed ({left[0].strerror or left[0]})"
        ) from exc


def _write_atomically(path: Path, data: bytes) -> None:
    # Not named *.eml: a script that mails the folder on must not pick up one left half
    # written (a run killed, or stopped with a second Ctrl-C, leaves it).
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".partial")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
