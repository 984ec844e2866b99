"""The build cache: what an entry or an issue rendered to, keyed by the hash of its inputs.

A film section publishes for years; a build must cost what changed, not what exists. Each
entry's loaded model, rendered content and web page are stored under the SHA-256 of its source
bytes and of the *context* (dopemail's version, ``dopemail.toml`` and every template), so an
edit to one entry re-renders that entry alone, and an edit to a template or the settings
re-renders everything. Local pictures are re-checked by size and modification time.

The cache lives in ``.dopemail/cache/``; deleting it is always safe. Entries it no longer
needs are removed at the end of each build.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import __version__

CACHE_DIR = ".dopemail/cache"
_DEFAULT_TEMPLATES = Path(__file__).parent / "default_templates"


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []


def context_key(root: Path) -> str:
    """Hash of everything every output depends on: version, settings, templates."""
    digest = hashlib.sha256(__version__.encode())
    for path in [root / "dopemail.toml", *_files(root / "templates"), *_files(_DEFAULT_TEMPLATES)]:
        digest.update(str(path).encode())
        try:
            digest.update(path.read_bytes())
        except FileNotFoundError:
            digest.update(b"-")
    return digest.hexdigest()


def media_stamp(paths: list[Path]) -> tuple[tuple[str, int, int], ...]:
    """(path, size, mtime) of local pictures: an edited picture re-renders its entry."""
    stamp = []
    for path in paths:
        try:
            stat = path.stat()
        except FileNotFoundError:
            stamp.append((str(path), -1, -1))
            continue
        stamp.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(stamp)


@dataclass
class EntryRecord:
    """One entry as loaded and rendered, with the stamp of its pictures."""

    entry: Any  # LoadedEntry
    stamp: tuple[tuple[str, int, int], ...]
    rendered: Any = None  # RenderedEntry
    page: bytes | None = None  # its web page, when published


class BuildCache:
    """Pickled records in ``.dopemail/cache/<kind>/``, one file per key."""

    def __init__(self, root: Path, folder: Path | None = None) -> None:
        self.root = root
        self.folder = folder or root / CACHE_DIR
        self.context = context_key(root)
        self.used: set[Path] = set()
        # entry file name -> (key, record found this build or None)
        self.records: dict[str, tuple[str, EntryRecord | None]] = {}

    def key(self, *parts: bytes | str) -> str:
        """A record's key: the context and the given inputs."""
        digest = hashlib.sha256(self.context.encode())
        for part in parts:
            digest.update(part.encode() if isinstance(part, str) else part)
            digest.update(b"\0")
        return digest.hexdigest()

    def _path(self, kind: str, key: str) -> Path:
        return self.folder / kind / key[:2] / key

    def has(self, kind: str, key: str) -> bool:
        """Whether a record is stored under ``key`` (without reading it)."""
        return self._path(kind, key).is_file()

    def get(self, kind: str, key: str) -> Any | None:
        """The record stored under ``key``, or None (missing or unreadable: rebuild it)."""
        path = self._path(kind, key)
        try:
            data = path.read_bytes()
            record = pickle.loads(zlib.decompress(data))
        except (OSError, zlib.error, pickle.UnpicklingError, EOFError, AttributeError):
            return None
        self.used.add(path)
        return record

    def put(self, kind: str, key: str, record: Any) -> None:
        """Store a record atomically (a crash never leaves half a record to read back)."""
        path = self._path(kind, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = zlib.compress(pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL), 1)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
        self.used.add(path)

    def prune(self) -> None:
        """Remove the records this build did not use (deleted or outdated entries)."""
        for path in _files(self.folder):
            if path not in self.used:
                path.unlink(missing_ok=True)
