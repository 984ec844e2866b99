"""The only module that writes outputs: atomically, and only what changed.

All files are first written to temporary siblings; only when every one of them is on disk are
they renamed over the old ones (``os.replace``, atomic on POSIX). A build that fails before or
while writing leaves the previous outputs intact and no temporary files behind. Files a
previous build wrote that the current one no longer produces (a deleted entry's page) are
removed, using the manifest in ``.dopemail/outputs.json``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST = ".dopemail/outputs.json"

Output = bytes | Path  # bytes to write, or a file to copy (media)


@dataclass
class WriteReport:
    """What a write changed."""

    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)


def _same(target: Path, data: bytes) -> bool:
    try:
        if target.stat().st_size != len(data):
            return False
        return target.read_bytes() == data
    except FileNotFoundError:
        return False


def _create(path: Path, data: bytes) -> None:
    # A name of our own (this process's id) instead of mkstemp's random ones: a leftover of a
    # killed build with the same id is replaced, and 14,000 outputs cost 14,000 opens, not more.
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags, 0o644)
    os.fchmod(fd, 0o644)  # readable by the web server whatever the umask
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _read(output: Output) -> bytes:
    return output.read_bytes() if isinstance(output, Path) else output


def write_outputs(root: Path, outputs: Mapping[str, Output]) -> WriteReport:
    """Write ``{relative path: bytes or source file}`` under ``root``, all or nothing."""
    report = WriteReport()
    staged: list[tuple[Path, Path]] = []
    folders: set[Path] = set()
    pid = os.getpid()
    renamed = 0
    try:
        for rel in sorted(outputs):
            target = root / rel
            data = _read(outputs[rel])
            if _same(target, data):
                report.unchanged += 1
                continue
            if target.parent not in folders:  # one mkdir per folder, not per file
                target.parent.mkdir(parents=True, exist_ok=True)
                folders.add(target.parent)
            tmp = target.with_name(f".{target.name}.{pid}.tmp")
            staged.append((tmp, target))
            _create(tmp, data)
        for tmp, target in staged:
            os.replace(tmp, target)
            renamed += 1
            report.written.append(target.relative_to(root).as_posix())
    finally:
        for tmp, _ in staged[renamed:]:  # what a failure left unrenamed
            tmp.unlink(missing_ok=True)
    report.removed = _prune(root, set(outputs))
    return report


def _prune(root: Path, current: set[str]) -> list[str]:
    manifest = root / MANIFEST
    try:
        previous = set(json.loads(manifest.read_text(encoding="utf-8")))
    except (FileNotFoundError, ValueError):
        previous = set()
    removed = []
    for rel in sorted(previous - current):
        path = root / rel
        if path.is_file():
            path.unlink()
            removed.append(rel)
            _remove_empty_parents(path.parent, root)
    if previous != current:
        manifest.parent.mkdir(parents=True, exist_ok=True)
        tmp = manifest.with_suffix(".tmp")
        tmp.write_text(json.dumps(sorted(current), indent=0) + "\n", encoding="utf-8")
        os.replace(tmp, manifest)
    return removed


def _remove_empty_parents(folder: Path, root: Path) -> None:
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
