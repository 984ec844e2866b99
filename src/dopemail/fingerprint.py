"""Know, without loading anything, that a build would change nothing.

A rebuild with nothing changed should cost a glance, not a build: before importing the
renderer, ``dopemail build`` compares the size and modification time of every input (the
settings, entries, issues, templates, media, and dopemail's own code) and of every output it
last wrote with what they were after the last successful build. Only when all agree does it
stop there. Anything else, an edited entry or a deleted page, runs the real build.

A stat vouches for a file's bytes only once the file has settled, as git knows ("racy git"):
on a file system with a coarse clock (FAT's 2 s, some network mounts), a file saved just
before a build and again while it runs, with the same size, keeps its size and modification
time. So the inputs modified within two seconds of the stamp are read and hashed with it, and
the no-op check compares their bytes too; past a few of them (a fresh clone), no record is
kept and the next build runs.

This module imports nothing heavy on purpose.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

STATE = ".dopemail/state.json"
MANIFEST = ".dopemail/outputs.json"
_PACKAGE = Path(__file__).parent
_INPUT_DIRS = ("entries", "issues", "templates", "media")
#: How long a file's stat cannot vouch for its bytes after it was modified.
_SETTLE_NS = 2_000_000_000
#: Past this many unsettled inputs, hashing them costs more than the next build saves.
_MAX_RECENT = 64


@dataclass(frozen=True)
class Stamp:
    """The inputs as a build found them before it started."""

    digest: str  # of every input's path, size and modification time
    # The bytes' hash of each input modified within _SETTLE_NS of the stamp; None: too many.
    recent: dict[str, str] | None


class _Scan:
    def __init__(self) -> None:
        self.digest = hashlib.sha256()
        self.since = time.time_ns() - _SETTLE_NS
        self.recent: list[str] = []

    def walk(self, folder: Path) -> None:
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except (FileNotFoundError, NotADirectoryError):
            self.digest.update(b"missing:" + str(folder).encode())
            return
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if entry.name != "__pycache__":
                    self.walk(Path(entry.path))
            else:
                self.add(entry.path, entry.stat())

    def file(self, path: Path) -> None:
        try:
            self.add(str(path), path.stat())
        except FileNotFoundError:
            self.digest.update(b"missing:" + str(path).encode())

    def add(self, path: str, stat: os.stat_result) -> None:
        self.digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
        if stat.st_mtime_ns > self.since:  # a clock set back counts as recent too
            self.recent.append(path)


def _scan(root: Path) -> _Scan:
    scan = _Scan()
    scan.file(root / "dopemail.toml")
    for name in _INPUT_DIRS:
        scan.walk(root / name)
    scan.walk(_PACKAGE)
    return scan


def _bytes_hash(path: str) -> str | None:
    try:
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except OSError:
        return None


def inputs_stamp(root: Path) -> Stamp:
    """The size and mtime of every input and of dopemail's own code, hashed, and the bytes'
    hash of the inputs too recent for their stat to vouch for them.

    Taken before the build reads anything: a recent file saved again after this, whenever
    the build read it, then differs from its hash.
    """
    scan = _scan(root)
    recent = None
    if len(scan.recent) <= _MAX_RECENT:
        recent = {path: _bytes_hash(path) or "" for path in scan.recent}
    return Stamp(scan.digest.hexdigest(), recent)


def outputs_stamp(root: Path) -> str | None:
    """Hash of the size and mtime of every output of the last build (None: no build yet)."""
    try:
        outputs = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    # Plain strings and one joined update: this runs over every output on every no-op build.
    base = str(root) + os.sep
    lines = []
    for rel in outputs:
        try:
            stat = os.stat(base + rel)
            lines.append(f"{rel}\0{stat.st_size}\0{stat.st_mtime_ns}\n")
        except FileNotFoundError:
            lines.append(f"missing:{rel}\n")
    return hashlib.sha256("".join(lines).encode()).hexdigest()


def up_to_date(root: Path) -> int | None:
    """The number of outputs when nothing changed since the last build, else None."""
    try:
        state = json.loads((root / STATE).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    recent = state.get("recent")
    if not isinstance(recent, dict) or state.get("inputs") != _scan(root).digest.hexdigest():
        return None
    if any(_bytes_hash(path) != known for path, known in recent.items()):
        return None
    if state.get("outputs") != outputs_stamp(root):
        return None
    return int(state.get("count", 0))


def record(root: Path, count: int, inputs: Stamp) -> None:
    """Remember the inputs and outputs of a successful build.

    ``inputs`` is the stamp taken *before* the build: a file edited while it ran then no
    longer matches, and the next build runs in full. So does every build after one that
    found too many recent files (see :data:`_MAX_RECENT`), until one finds them settled.
    """
    path = root / STATE
    if inputs.recent is None:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    state = {
        "inputs": inputs.digest,
        "recent": inputs.recent,
        "outputs": outputs_stamp(root),
        "count": count,
    }
    tmp.write_text(json.dumps(state) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def forget(root: Path) -> None:
    """Drop the record, so the next build runs in full."""
    (root / STATE).unlink(missing_ok=True)
