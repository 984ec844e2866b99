"""Know, without loading anything, that a build would change nothing.

A rebuild with nothing changed should cost a glance, not a build: before importing the
renderer, ``dopemail build`` compares the size and modification time of every input (the
settings, entries, issues, templates, media, and dopemail's own code) and of every output it
last wrote with what they were after the last successful build. Only when all agree does it
stop there. Anything else, an edited entry or a deleted page, runs the real build.

This module imports nothing heavy on purpose.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

STATE = ".dopemail/state.json"
MANIFEST = ".dopemail/outputs.json"
_PACKAGE = Path(__file__).parent
_INPUT_DIRS = ("entries", "issues", "templates", "media")


def _walk(folder: Path, digest: hashlib._Hash) -> None:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except (FileNotFoundError, NotADirectoryError):
        digest.update(b"missing:" + str(folder).encode())
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            if entry.name != "__pycache__":
                _walk(Path(entry.path), digest)
        else:
            stat = entry.stat()
            digest.update(f"{entry.path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())


def _file(path: Path, digest: hashlib._Hash) -> None:
    try:
        stat = path.stat()
        digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    except FileNotFoundError:
        digest.update(b"missing:" + str(path).encode())


def inputs_stamp(root: Path) -> str:
    """Hash of the size and mtime of every input, and of dopemail's own code."""
    digest = hashlib.sha256()
    _file(root / "dopemail.toml", digest)
    for name in _INPUT_DIRS:
        _walk(root / name, digest)
    _walk(_PACKAGE, digest)
    return digest.hexdigest()


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
    if state.get("inputs") != inputs_stamp(root):
        return None
    if state.get("outputs") != outputs_stamp(root):
        return None
    return int(state.get("count", 0))


def record(root: Path, count: int, inputs: str) -> None:
    """Remember the inputs and outputs of a successful build.

    ``inputs`` is the stamp taken *before* the build: a file edited while it ran then no
    longer matches, and the next build runs in full.
    """
    path = root / STATE
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    state = {"inputs": inputs, "outputs": outputs_stamp(root), "count": count}
    tmp.write_text(json.dumps(state) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def forget(root: Path) -> None:
    """Drop the record, so the next build runs in full."""
    (root / STATE).unlink(missing_ok=True)
