"""Know, without loading anything, that a build would change nothing.

A rebuild with nothing changed should cost a glance, not a build: before importing the
renderer, ``dopemail build`` compares the size and times of every input (the
settings, entries, issues, templates, media, and dopemail's own code) and of every output it
last wrote with what they were after the last successful build. Only when all agree does it
stop there. Anything else, an edited entry or a deleted page, runs the real build.

A stat vouches for a file's bytes only once the file has settled, as git knows ("racy git"):
on a file system with a coarse clock (FAT's 2 s), a file saved just before a build and again
while it runs, with the same size, keeps its size and modification time. So the inputs
modified within two seconds of the stamp, by the file system's own clock (a network share's
server may run behind this machine), are read and hashed with it, and the no-op check compares
their bytes too, until they have settled. Past a few of them (a fresh clone), no record is
kept and the next build runs.

This module imports nothing heavy on purpose.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
import stat
import sys
import time
from collections.abc import Iterable, Sequence
from operator import attrgetter
from pathlib import Path

from . import __version__
from .atomic import clear_leftovers, replace_file
from .layout import MANIFEST

STATE = ".dopemail/state.json"
CLOCK = ".dopemail/clock"  # touched to read the file system's clock (the write's too)
_PACKAGE = Path(__file__).parent
_INPUT_DIRS = ("entries", "issues", "templates", "media")
#: How long a file's stat cannot vouch for its bytes after it was modified.
SETTLE_NS = 2_000_000_000
#: Past this many unsettled inputs, or bytes of them, reading them before the build and at
#: every no-op check until they settle would cost more than running the next build.
_MAX_RECENT = 64
_MAX_RECENT_BYTES = 16 << 20


#: What tells one version of a file from another without reading it: size, modification
#: and change times, inode.
Identity = tuple[int, int, int, int]


def identity(info: os.stat_result) -> Identity:
    """A file's :data:`Identity` from its stat. Change time and inode too: a file copied over
    another with its size and times (cp -p, rsync -t), or renamed onto it, still differs."""
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


def touch(marker: Path) -> int | None:
    """Touch ``marker``; its new modification time: now (ns) by the clock of the file system
    that holds it, or None when it cannot be written.

    A network share's server stamps the files it holds by its own clock, which may run
    behind or ahead of this machine's: a file's age is its modification time against this.
    """
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        with open(marker, "ab"):
            pass
        os.utime(marker)  # now, as the file system counts it
        return os.stat(marker).st_mtime_ns
    except OSError:
        return None


def fs_now(root: Path) -> int:
    """The time now (ns) by the clock that stamps files in ``root`` (see :func:`touch`)."""
    now = touch(root / CLOCK)
    # A read-only workspace: this machine's clock is the best guess.
    return time.time_ns() if now is None else now


class Stamp:
    """The inputs as a build found them before it started.

    (A plain class: importing dataclasses, and the inspect module it imports, cost a no-op
    build 20 ms.)"""

    __slots__ = ("digest", "recent", "stats")

    def __init__(
        self,
        digest: str,
        recent: dict[str, list[str | int]] | None,
        stats: dict[str, os.stat_result] | None = None,
    ) -> None:
        self.digest = digest  # of every input's path, size and modification time
        # Each input modified within SETTLE_NS of the stamp: [hash of its bytes, mtime];
        # None: too many to read.
        self.recent = recent
        # Each input's stat as the stamp took it, by path (not compared): the build keys
        # the sources by these instead of asking each file's again (see BuildCache).
        self.stats = stats or {}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Stamp):
            return NotImplemented
        return (self.digest, self.recent) == (other.digest, other.recent)

    __hash__ = None  # type: ignore[assignment]  # (as a dataclass's: it holds a dict)

    def __repr__(self) -> str:
        return f"Stamp(digest={self.digest!r}, recent={self.recent!r})"


_NAME = attrgetter("name")  # a folder's entries in order (a lambda cost more over thousands)


class _Scan:
    def __init__(self) -> None:
        self.digest = hashlib.sha256()
        # Every file's stat: the build's stamp finds the recent ones in it (inputs_stamp).
        self.files: list[tuple[str, os.stat_result]] = []

    def walk(
        self, folder: Path, real: str | None = None, entered: frozenset[str] = frozenset()
    ) -> None:
        try:
            entries = sorted(os.scandir(folder), key=_NAME)
        except (FileNotFoundError, NotADirectoryError):
            self.digest.update(b"missing:" + path_bytes(str(folder)))
            return
        # The folder's real path, made once at the top (realpath per folder cost a tenth of
        # the check on a media/ of thousands of folders).
        real = real or os.path.realpath(folder)
        entered = entered or frozenset({real})
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if entry.name != "__pycache__":
                    # An empty folder is an input too: one named like a piece
                    # (entries/x.md) stops a build, which it must not pass over as unchanged.
                    self.digest.update(path_bytes(f"folder:{entry.path}\n"))
                    self.walk(Path(entry.path), f"{real}{os.sep}{entry.name}", entered)
            elif _linked_folder(entry):
                # Folders linked from elsewhere (templates/email, media/a-film) are inputs too;
                # a link to a folder above (the workspace itself) would take in its outputs,
                # or loop: only the link is.
                try:
                    self.digest.update(
                        path_bytes(f"link:{entry.path}\0{os.readlink(entry.path)}\n")
                    )
                except FileNotFoundError:
                    self.digest.update(path_bytes(f"gone:{entry.path}\n"))
                    continue
                target = os.path.realpath(entry.path)
                if not looped(target, real, entered):
                    self.walk(Path(entry.path), target, entered | {target})
            else:
                try:
                    info = entry.stat()
                except OSError:  # a broken link (an editor's lock file) or a loop: the link
                    try:
                        info = entry.stat(follow_symlinks=False)
                    except FileNotFoundError:
                        # Gone since the listing: an editor's backup or probe file (vim's
                        # 'name.md~', '4913') made and removed while it saves. Counted as
                        # a change, not raised: it was no input.
                        self.digest.update(path_bytes(f"gone:{entry.path}\n"))
                        continue
                self.add(entry.path, info)

    def file(self, path: Path) -> None:
        try:
            self.add(str(path), path.stat())
        except FileNotFoundError:
            self.digest.update(b"missing:" + path_bytes(str(path)))

    def add(self, path: str, stat: os.stat_result) -> None:
        # Its identity (see identity()) written out here: a join over a map of str cost
        # twice as much, 50 ms of a no-op build at 10,000 entries.
        line = f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\0{stat.st_ctime_ns}\0{stat.st_ino}\n"
        self.digest.update(path_bytes(line))
        self.files.append((path, stat))


def path_bytes(text: str) -> bytes:
    """Text holding file names, as bytes to hash: a name that is not UTF-8 (unpacked from a
    Windows zip, 'caf' and the byte E9) is held by Python with surrogates, which plain encode()
    refuses (a stray one in media/ ended the build in a traceback); its own bytes, as the
    disk has them."""
    return text.encode("utf-8", "surrogateescape")


def encloses(outer: str, inner: str) -> bool:
    """Whether the folder ``outer`` is ``inner`` or one of the folders above it (real paths)."""
    return inner == outer or inner.startswith(outer.rstrip(os.sep) + os.sep)


def looped(target: str, real: str, entered: frozenset[str]) -> bool:
    """Whether following a link to ``target`` from the folder ``real`` would walk again what
    is being walked: a folder above it, or one a link on the way entered (X -> Y -> X)."""
    return encloses(target, real) or any(encloses(target, place) for place in entered)


def _linked_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_symlink() and entry.is_dir()
    except OSError:  # a link that loops
        return False


@functools.cache
def code_fingerprint() -> str:
    """A hash of this dopemail's version and every file of its package (code, default
    templates, catalogs of words): two copies of one version that differ in any of them
    (a pull of a checkout, which keeps the version number) have different ones."""
    digest = hashlib.blake2b(__version__.encode(), digest_size=16)
    base = str(_PACKAGE) + os.sep
    names = []
    for folder, dirs, files in os.walk(_PACKAGE):
        dirs[:] = [d for d in dirs if d != "__pycache__"]  # compiled: made from the .py
        names += [os.path.join(folder, f).removeprefix(base) for f in files]
    for name in sorted(names):
        digest.update(name.replace(os.sep, "/").encode() + b"\0")
        with contextlib.suppress(OSError):
            digest.update(Path(base + name).read_bytes())
    return digest.hexdigest()


#: A requirement's name, before its version, extras or markers ('css-inline>=0.14').
_REQUIREMENT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


@functools.cache
def libraries_fingerprint() -> str:
    """A hash of the name and version of every library dopemail requires (its tests' aside):
    two copies of one dopemail render some outputs otherwise when these differ (css-inline
    orders an email's inlined styles otherwise from one release to another), and each
    editor who installs dopemail gets the libraries of that day."""
    # From the names of the libraries' metadata folders and dopemail's own METADATA, not
    # importlib.metadata, which took 27 ms to look them up one by one.
    installed: dict[str, str] = {}
    for folder in library_folders():
        with contextlib.suppress(OSError):
            for name in os.listdir(folder):
                # 'mjml_python-1.4.2.dist-info'; one built the older way, 'feedgen-1.0.0.egg-info'
                # (or '...-py3.11.egg-info').
                if name.endswith((".dist-info", ".egg-info")) and "-" in name:
                    project, version = name.rsplit(".", 1)[0].split("-")[:2]
                    installed.setdefault(_normal(project), f"{version}\0{folder}/{name}")
    own = installed.get("dopemail", "").partition("\0")[2]
    wanted = None
    if own:  # (else Path("", "METADATA") is ./METADATA, of whatever folder this runs in)
        with contextlib.suppress(OSError):
            headers = Path(own, "METADATA").read_text(encoding="utf-8").partition("\n\n")[0]
            wanted = _required(  # (the README follows the headers)
                line.removeprefix("Requires-Dist:")
                for line in headers.splitlines()
                if line.startswith("Requires-Dist:")
            )
    if wanted is None:
        # No metadata folder of dopemail's beside the libraries (run from src/ on PYTHONPATH,
        # an egg-link, a zipapp): importlib.metadata finds it where it is, slowly, and rarely.
        from importlib import metadata

        with contextlib.suppress(metadata.PackageNotFoundError, OSError, ValueError):
            wanted = _required(metadata.requires("dopemail") or ())
    # Nothing says what dopemail requires: every library installed, so that copies with other
    # libraries still differ (one empty hash said they were the same).
    names = sorted(installed) if wanted is None else sorted(wanted)
    digest = hashlib.blake2b(digest_size=16)
    for name in names:
        version = installed.get(name, "missing").partition("\0")[0]
        digest.update(f"{name}=={version}\0".encode())
    return digest.hexdigest()


def _required(requirements: Iterable[str]) -> set[str]:
    """The names of the projects ``requirements`` ('css-inline>=0.14') require, those of an
    extra aside (the tests')."""
    wanted = set()
    for requirement in requirements:
        found = _REQUIREMENT_NAME.match(requirement.strip())
        if found and "extra ==" not in requirement:
            wanted.add(_normal(found.group()))
    return wanted


def _normal(project: str) -> str:
    """A project's name as PyPI compares names: 'mjml_python', 'MJML-Python' are one."""
    return re.sub(r"[-_.]+", "-", project).lower()


def code_version() -> str:
    """This dopemail as ``--version`` names it, and as a build records it for the next (see
    cache.BuildCache.last_code): its version, its code's fingerprint and its libraries'
    ('0.1.0 code 3f2a1b9c0d4e libraries 9e8d7c6b5a41')."""
    return f"{__version__} code {code_fingerprint()[:12]} libraries {libraries_fingerprint()[:12]}"


def _scan(root: Path) -> _Scan:
    scan = _Scan()
    scan.file(root / "dopemail.toml")
    for name in _INPUT_DIRS:
        scan.walk(root / name)
    scan.walk(_PACKAGE)
    # The libraries it renders with: installing or upgrading one (pip install -U feedgen)
    # adds and removes entries in its folder, which changes the folder's own times.
    scan.digest.update(sys.version.encode())
    for folder in library_folders():
        with contextlib.suppress(OSError):
            scan.digest.update(f"{folder}\0{identity(os.stat(folder))}\n".encode())
    # The publication's time zone, when the system's database holds it: an upgrade of the
    # system's tzdata changes its rules (and the offsets of dates on the pages).
    zone = zone_file(root)
    if zone is not None:
        with contextlib.suppress(OSError):
            scan.digest.update(f"{zone}\0{identity(os.stat(zone))}\n".encode())
    return scan


# 'timezone = "Europe/Paris"' on a line of its own (a comment after it).
_TIMEZONE = re.compile(
    r"""^[ \t]*timezone[ \t]*=[ \t]*(?:"([^"\\\n]+)"|'([^'\n]+)')[ \t]*(?:\#.*)?$""", re.M
)


def zone_file(root: Path) -> str | None:
    """The file the publication's time zone's rules are read from, when it is one of the
    system's zone database (``/usr/share/zoneinfo``, or ``PYTHONTZPATH``'s), which Python
    reads before the ``tzdata`` package: that package is one of the :func:`libraries`, the
    system's database is not. None when the zone is not read from such a file (or the
    settings cannot be read: the build says why)."""
    import zoneinfo

    try:
        text = (root / "dopemail.toml").read_bytes().decode("utf-8").removeprefix("\ufeff")
    except (OSError, ValueError):  # (UnicodeDecodeError is a ValueError)
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # as load_settings reads it
    # The line as it is written (importing a TOML parser would cost a no-op build more than
    # all the rest of this); TOML's other ways of writing it, parsed.
    written = _TIMEZONE.search(text)
    if written is not None:
        name: object = written.group(1) or written.group(2)
    elif "timezone" not in text:
        name = "UTC"
    else:
        import tomllib

        try:
            name = tomllib.loads(text).get("publication", {}).get("timezone", "UTC")
        except (ValueError, AttributeError):
            return None
    if not isinstance(name, str) or not name or os.path.isabs(name) or ".." in name.split("/"):
        return None  # not a zone's name: the settings' check says so
    for folder in zoneinfo.TZPATH:
        path = os.path.join(folder, name)
        if os.path.isfile(path):
            return path
    return None


def library_folders() -> list[str]:
    """The folders the installed libraries are in (site-packages), as Python searches them."""
    return [
        path
        for path in dict.fromkeys(sys.path)
        if path.endswith(("site-packages", "dist-packages")) and os.path.isdir(path)
    ]


def libraries() -> str:
    """Python's version and every library installed beside dopemail's, with its version:
    what a rendering was made with besides dopemail's own code (a record rendered by
    another feedgen, Jinja2 or markdown-it-py may differ)."""
    names = [sys.version]
    for folder in library_folders():
        with contextlib.suppress(OSError):
            names += sorted(n for n in os.listdir(folder) if n.endswith(".dist-info"))
    return "\n".join(names)


def _bytes_hash(path: str) -> str | None:
    # Without waiting: a named pipe among the inputs (mkfifo media/x.jpg) blocked the build
    # in its open until something wrote to it. Only a file's bytes are hashed.
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        with open(fd, "rb", closefd=False) as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except OSError:
        return None
    finally:
        os.close(fd)


def _changed_at(stat: os.stat_result, now: int) -> int:
    """When a file last changed, as far as its stat can vouch for its bytes: its modification
    time, unless that is ahead of ``now`` by more than a tick, which no save happening now
    gives (an archive made on a machine whose clock ran ahead, `touch -d 2035`): then its
    change time, which every write sets and no one sets by hand. Such files stayed "recent"
    for good, and past a few of them no build ever found nothing changed."""
    mtime = stat.st_mtime_ns
    return mtime if mtime <= now + SETTLE_NS else stat.st_ctime_ns


def inputs_stamp(root: Path) -> Stamp:
    """The size and mtime of every input and of dopemail's own code, hashed, and the bytes'
    hash of the inputs too recent for their stat to vouch for them.

    Taken before the build reads anything: a recent file saved again after this, whenever
    the build read it, then differs from its hash (unless saved back to these very bytes
    within the same tick, which nothing outside the build's own reads could tell).
    """
    now = fs_now(root)
    since = now - SETTLE_NS
    # The walk of the check that found a change, moments ago in this process, if there was
    # one: still taken before the build reads anything.
    scan = _CHECKED.pop(str(root), None) or _scan(root)
    found = [(path, stat) for path, stat in scan.files if _changed_at(stat, now) > since]
    recent = None
    size = sum(stat.st_size for _, stat in found)
    if len(found) <= _MAX_RECENT and size <= _MAX_RECENT_BYTES:
        recent = {path: [_bytes_hash(path) or "", _changed_at(stat, now)] for path, stat in found}
    return Stamp(scan.digest.hexdigest(), recent, dict(scan.files))


# The walk of the inputs by a check that found them changed, by the publication's folder: the
# build that follows in this process takes it for its stamp instead of walking them again
# (a build after an edit walked them three times: at 10,000 entries, a tenth of a second each).
_CHECKED: dict[str, _Scan] = {}


def found_changed(root: Path) -> bool:
    """Whether a check in this process (:func:`nothing_changed` with ``remember``) found that
    something changed since the last build, and no build has taken its stamp since."""
    return str(root) in _CHECKED


def outputs_stamp(root: Path) -> str | None:
    """Hash of the identity of every output of the last build (None: no build yet): its
    size, times and inode, as inputs are known by (a page edited in place with its size and
    modification time kept, as rsync -t or cp -p keep them, is noticed too)."""
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
            lines.append(
                f"{rel}\0{stat.st_size}\0{stat.st_mtime_ns}\0{stat.st_ctime_ns}\0{stat.st_ino}\n"
            )
        except FileNotFoundError:
            lines.append(f"missing:{rel}\n")
    return hashlib.sha256("".join(lines).encode()).hexdigest()


def up_to_date(root: Path, remember: bool = False) -> tuple[int, list[str]] | None:
    """When nothing changed since the last build, the number of its outputs and what it
    warned of that holds as long as the inputs do (see :func:`record`); else None, and with
    ``remember`` its walk of the inputs is kept for the build's stamp (:func:`inputs_stamp`)."""
    try:
        state = json.loads((root / STATE).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    recent = state.get("recent")
    if not isinstance(recent, dict):
        return None
    scan = _scan(root)
    last = _unchanged(root, state, recent, scan)
    if last is None and remember:
        _CHECKED[str(root)] = scan
    return last


def _unchanged(
    root: Path, state: dict[str, object], recent: dict[str, list[str | int]], scan: _Scan
) -> tuple[int, list[str]] | None:
    """:func:`up_to_date`'s answer from the last build's state and the inputs as walked now.

    (Typed without typing's names: importing it cost a no-op build 5 ms.)"""
    if state.get("inputs") != scan.digest.hexdigest():
        return None
    # Read before the bytes: a file that has settled by then cannot be saved again within
    # the tick of the time the state holds for it, and its bytes now are those of the stamp.
    since = fs_now(root) - SETTLE_NS if recent else 0
    if any(_bytes_hash(path) != known[0] for path, known in recent.items()):
        return None
    if state.get("outputs") != outputs_stamp(root):
        return None
    unsettled = {path: known for path, known in recent.items() if known[1] > since}
    if unsettled != recent:
        # From now on their stat alone vouches for them: no more reading them at each check.
        with contextlib.suppress(OSError):  # a read-only .dopemail/ only costs the reads
            _write_state(root, {**state, "recent": unsettled})
    warnings = state.get("warnings")
    return int(state.get("count", 0)), [str(w) for w in warnings or ()]


def nothing_changed(root: Path, remember: bool = False) -> list[str] | None:
    """What ``dopemail build`` prints when nothing changed (see :func:`up_to_date`): the last
    build's warnings, each a line for stderr, then its one line for stdout; else None (and,
    with ``remember``, the build that follows at once takes the check's walk of the inputs)."""
    last = up_to_date(root, remember)
    if last is None:
        return None
    count, said = last
    # Not fixed by building again: said again (they were gone, as if fixed).
    after = ", with the last build's warnings above" if said else ""
    return [
        *(f"warning: {warning}" for warning in said),
        f"nothing changed: {count} files up to date{after}",
    ]


def record(root: Path, count: int, inputs: Stamp, warnings: Sequence[str] = ()) -> None:
    """Remember the inputs and outputs of a successful build, and what it warned of that
    holds as long as the inputs do (a build with nothing to do says it again: the warnings
    were not fixed by building twice).

    ``inputs`` is the stamp taken *before* the build: a file edited while it ran then no
    longer matches, and the next build runs in full. So does every build after one that
    found too many recent files (see :data:`_MAX_RECENT`), until one finds them settled.
    """
    if inputs.recent is None:
        forget(root)
        return
    state = {
        "inputs": inputs.digest,
        "recent": inputs.recent,
        "outputs": outputs_stamp(root),
        "count": count,
        "warnings": list(warnings),
    }
    _write_state(root, state)


def _write_state(root: Path, state: dict[str, object]) -> None:
    path = root / STATE
    path.parent.mkdir(parents=True, exist_ok=True)
    clear_leftovers(path.parent)  # checks may run side by side: each its own temporary file
    replace_file(path, (json.dumps(state) + "\n").encode("utf-8"))


def forget(root: Path) -> None:
    """Drop the record, so the next build runs in full."""
    (root / STATE).unlink(missing_ok=True)
