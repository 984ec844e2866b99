"""The only module that writes outputs: atomically, and only what changed.

All files are first written to temporary siblings; only when every one of them is on disk are
they renamed over the old ones (``os.replace``, atomic on POSIX). A build that fails before or
while writing leaves the previous outputs intact and no temporary files behind. Files a
previous build wrote that the current one no longer produces (a deleted entry's page) are
removed, using the manifest in ``.dopemail/outputs.json``.

Every file written is also kept in ``.dopemail/blobs/``, named by the hash of its bytes, and the
output is a hard link to it (the same file under two names: no second copy on disk). Writing
the same bytes again, after ``site/`` was deleted or a page went back to what it was, is then
a link instead of a new file: creating files is the dear part of writing (on ext4, a new inode
skips every inode freed in the last minute, so it costs up to a millisecond after a large
delete). Where a link cannot be made (``site/`` on another file system), files are written.

An output found in place is known by its stat, as git knows a file by its index: each write
keeps, in ``.dopemail/outputs-known.json``, each output's size, times and inode with what it
holds (the hash of its bytes; for a copied picture, its source's size, times and inode), and
the next write reads a file only when its stat changed since. Files changed in the seconds
before the write ended are left out, and read by the next one. A build after one edit of a
large archive then reads the few files it changes, not all of them.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import signal
import stat
import threading
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .atomic import replace_file
from .errors import NotWritten
from .fingerprint import CLOCK, SETTLE_NS, Identity, identity, touch
from .layout import MANIFEST, SITE_ISSUES_DIR
from .personalize import HTML_FILE, MESSAGE_FILE
from .sourcesgone import last_outputs

BLOBS = ".dopemail/blobs"
#: Each output's identity (size, times, inode) and what it held when the last write left it
#: in place (see Staging): a file whose stat is unchanged is not read again.
KNOWN = ".dopemail/outputs-known.json"
#: Present while a write is under way: the outputs it was putting in place. A build that
#: finds it was preceded by one that did not finish (killed, a power cut).
JOURNAL = ".dopemail/writing.json"
LOCK = ".dopemail/build.lock"
# The temporary names of outputs (see Staging._stage): '.index.html.12345.tmp'.
_TEMPORARY = re.compile(r"\..+\.\d+\.tmp")
# The longest file name most file systems take, in bytes.
_NAME_MAX = 255


def temporary_name(name: str, pid: int) -> str:
    """The name an output is written under before it is put in place: '.<name>.<pid>.tmp',
    or, for a name that would then be too long for the file system (a picture named in 250
    characters, legal itself), one made of its hash (the build ended in a traceback)."""
    suffix = f".{pid}.tmp"
    if len(os.fsencode(name)) + len(suffix) + 1 > _NAME_MAX:
        name = hashlib.sha256(os.fsencode(name)).hexdigest()[:32]
    return f".{name}{suffix}"


class Stored:
    """An output known by the SHA-256 of its bytes, which ``read()`` gives when they are
    needed: an unchanged page of a large archive, whose bytes stay in the build cache while
    the page in place (or its blob) is found to hold them by their hash."""

    __slots__ = ("digest", "length", "read")

    def __init__(self, digest: str, length: int, read: Callable[[], bytes]) -> None:
        self.digest, self.length, self.read = digest, length, read

    def __repr__(self) -> str:
        return f"Stored({self.digest[:12]}, {self.length} bytes)"


Output = bytes | Path | Stored  # bytes to write, a file to copy (media), or bytes known by hash


def output_bytes(output: bytes | Stored) -> bytes:
    """The bytes of an output that is not a file to copy."""
    return output.read() if isinstance(output, Stored) else output


# A link that cannot be made: another file system, no hard links there, too many links.
_NO_LINK = {errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP, errno.EACCES}


@dataclass
class WriteReport:
    """What a write changed."""

    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)  # of those written: there, other bytes
    # What the JSON outputs this write replaced held before (an issue's message.json, the
    # JSON feed): what changed in them tells what readers already hold changed (continuity).
    json_before: dict[str, bytes] = field(default_factory=dict)
    # What the issues' emails this write replaced held before, kept only when it removes a
    # picture of the site: whether an email already sent shows it (continuity). Not journaled:
    # a build stopped before saying it leaves the next one to say the picture alone.
    emails_before: dict[str, bytes] = field(default_factory=dict)
    # What failed once every output was in place, leaving the write unfinished: an old page
    # not removed, the manifest not saved (the next build must run in full to finish it).
    unfinished: OSError | None = None


# A file's bytes (a picture's) are read this much at a time: a picture of hundreds of MB is
# compared, hashed and copied without being held whole.
_PIECE = 1 << 20


def _length(output: Output) -> int:
    if isinstance(output, Stored):
        return output.length
    return os.stat(output).st_size if isinstance(output, Path) else len(output)


def _same(target: str | Path, output: Output) -> bool:
    try:
        if os.stat(target).st_size != _length(output):
            return False
        with open(target, "rb", buffering=0) as handle:
            if isinstance(output, Stored):
                return hashlib.sha256(handle.read()).hexdigest() == output.digest
            if not isinstance(output, Path):
                return handle.read() == output
            with open(output, "rb", buffering=0) as source:
                while piece := source.read(_PIECE):
                    if handle.read(len(piece)) != piece:
                        return False
                return True
    except FileNotFoundError:
        return False


def _tag(output: Output) -> str | None:
    """What an output holds, as the known outputs name it (see :data:`KNOWN`): the hash of
    its bytes, or for a file to copy (a picture) that file's identity, which changes with its
    bytes; None when it cannot be told (the file is gone)."""
    if isinstance(output, Stored):
        return output.digest
    if isinstance(output, Path):
        try:
            return "file " + " ".join(map(str, identity(os.stat(output))))
        except OSError:
            return None
    return hashlib.sha256(output).hexdigest()


def _read_known(root: Path) -> dict[str, tuple[Identity, str]]:
    try:
        with open(root / KNOWN, "rb") as handle:
            found = json.loads(handle.read())
    except (OSError, ValueError):
        return {}
    files = found.get("files") if isinstance(found, dict) else None
    if not isinstance(files, dict):
        return {}
    known: dict[str, tuple[Identity, str]] = {}
    for rel, value in files.items():
        if isinstance(value, list) and len(value) == 5 and isinstance(value[4], str):
            known[rel] = (tuple(value[:4]), value[4])  # type: ignore[assignment]
    return known


def would_write(
    root: Path,
    outputs: Mapping[str, Output],
    last: list[str],
    compared: Callable[[str], bool] | None = None,
) -> WriteReport:
    """What writing ``outputs`` in ``root`` would change, found without writing anything (for
    ``check``): the outputs it would write, those it would replace among them (with what the
    JSON ones hold now), how many are in place already, and which of ``last`` (the last
    build's outputs) it would remove. An output in place is known as a write knows it: by
    its stat as the last write left it, else by reading it. ``compared``: which outputs to
    compare (the others are counted in place when there, to be written when not)."""
    known = _read_known(root)
    report = WriteReport()
    base = f"{root}{os.sep}"  # (a str joined, not a Path made, for each of 14,000 outputs)
    for rel in sorted(outputs):
        if compared is not None and not compared(rel):
            # Not read, but known new when it is not there (an entry published: its page).
            if os.path.lexists(base + rel):
                report.unchanged += 1
            else:
                report.written.append(rel)
            continue
        output, target = outputs[rel], base + rel
        try:
            before, how, _ = _held(target, output, known.get(rel))
            there = before is not None
        except OSError:  # a folder where the file goes: the write would tell
            how, there = "", True
        if how:
            report.unchanged += 1
            continue
        report.written.append(rel)
        if not there:
            continue
        report.replaced.append(rel)
        if rel.endswith(".json"):
            with contextlib.suppress(OSError), open(target, "rb") as handle:
                report.json_before[rel] = handle.read()
    report.removed = sorted(rel for rel in set(last) - outputs.keys() if os.path.isfile(base + rel))
    return report


def _held(
    target: str, output: Output, known: tuple[Identity, str] | None
) -> tuple[Identity | None, str, int]:
    """The identity of the file at ``target`` (None: there is none), how it is known to
    hold ``output``: "known" by its stat, as the last write left it (``known``, see
    :data:`KNOWN`), "read" by its bytes, or "" when it does not hold it; and its mode."""
    try:  # taken before any read, as git does: a save during or after it changes it
        found = os.stat(target)
    except FileNotFoundError:
        return None, "", 0
    before = identity(found)
    if known is not None and (before, _tag(output)) == known:
        return before, "known", found.st_mode
    # (A file's bytes, a picture's, are read a piece at a time, never held whole.)
    return before, "read" if _same(target, output) else "", found.st_mode


def _open_new(path: str) -> int:
    # A name of our own (this process's id) instead of mkstemp's random ones: a leftover of a
    # killed build with the same id is replaced, and 14,000 outputs cost 14,000 opens, not more.
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags, 0o644)
    try:
        os.fchmod(fd, 0o644)  # readable by the web server whatever the umask
    except BaseException:
        os.close(fd)
        raise
    return fd


def _create(path: str, output: Output, digest: Any = None) -> None:
    """Write ``output`` at ``path``: bytes, or a file's, copied a piece at a time and, with
    ``digest`` (a hashlib object), hashed as they are copied."""
    fd = _open_new(path)
    try:
        if not isinstance(output, Path):
            _write_all(fd, output_bytes(output), path)
            return
        with open(output, "rb") as source:
            while piece := source.read(_PIECE):
                if digest is not None:
                    digest.update(piece)
                _write_all(fd, piece, path)
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes, path: str) -> None:
    """Write all of ``data`` to ``fd``, the file at ``path``."""
    view = memoryview(data)
    try:
        while view:
            view = view[os.write(fd, view) :]
    except OSError as exc:
        # os.write names no file: a full disk would be told without saying which (site/ may
        # be a link to a web root on another disk).
        raise OSError(exc.errno, exc.strerror, path) from exc


def make_folders(path: str) -> None:
    """Make the output folder ``path`` and any missing parent, each readable by all (0755).

    As the files are 0644 whatever the umask (see :func:`_create`): under a umask of 077 a
    folder would be 0700, and a web server serving the copied site could not enter it. A
    folder made here gets 0755; one there already that its owner alone may enter (checked
    out by git under that umask) gets those bits (0555), and one its group may (a web root
    shared with the web server's group) is left as it is. What the umask and the parent gave
    (group write, the setgid bit) is kept: the bits are added, not set.
    """
    try:
        os.mkdir(path)
    except FileExistsError:
        try:
            mode = os.stat(path).st_mode
        except OSError:
            mode = 0
        if not stat.S_ISDIR(mode):
            raise
        # There already (or just made by another process of the build).
        _readable(path, mode, _FOLDER_READABLE)
        return
    except FileNotFoundError:
        parent = os.path.dirname(path)
        if not parent or parent == path:
            raise
        make_folders(parent)
        make_folders(path)
        return
    mode = stat.S_IMODE(os.stat(path).st_mode)
    if (mode & 0o755) != 0o755:
        os.chmod(path, mode | 0o755)


# What all must have of an output (a web server reads it as another user): read, and for a
# folder enter.
_FILE_READABLE, _FOLDER_READABLE = 0o444, 0o555


def _readable(path: str, mode: int, bits: int) -> bool:
    """Give the file or folder at ``path`` (whose mode, as stat found it, is ``mode``) the
    ``bits`` it lacks when it is its owner's alone (0600, 0700: git's checkout under a umask
    of 077); whether its mode changed. One its group may read (0640, 0750: a web root shared
    with the web server's group, by choice) or not ours to change (its owner another user)
    is left as its owner set it."""
    if mode & bits == bits or mode & bits & 0o077:
        return False
    try:
        os.chmod(path, stat.S_IMODE(mode) | bits)
    except PermissionError:
        return False
    return True


def _blob_path(folder: str, output: Output) -> str:
    # SHA-256, not BLAKE2: with the SHA extensions (most x86 CPUs since 2019 have them), 29 µs
    # for 50 KB against BLAKE2b's 55 µs on the benchmark machine; without them BLAKE2b wins.
    if isinstance(output, Stored):
        digest = output.digest
    elif isinstance(output, Path):
        with open(output, "rb") as handle:
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
    else:
        digest = hashlib.sha256(output).hexdigest()
    return f"{folder}{os.sep}{digest}"


def _make_blob(blob: str, output: Output, pid: int) -> str:
    """Keep ``output``'s bytes under ``blob``; the blob made (a file's bytes are hashed as
    they are copied: one saved meanwhile is kept under its new bytes' name, never under
    another's)."""
    if isinstance(output, Stored):
        # Named by the bytes read, never by the hash they were expected to have.
        output = output.read()
        blob = f"{os.path.dirname(blob)}{os.sep}{hashlib.sha256(output).hexdigest()}"
    staging = f"{blob}.{pid}.tmp"
    try:
        digest = hashlib.sha256() if isinstance(output, Path) else None
        _create(staging, output, digest)
        if digest is not None:
            blob = f"{os.path.dirname(blob)}{os.sep}{digest.hexdigest()}"
        os.replace(staging, blob)
    except BaseException:
        Path(staging).unlink(missing_ok=True)  # a full disk, a killed worker: no leftover
        raise
    return blob


class _Blobs:
    """``.dopemail/blobs/<hash>``: the bytes of every output, which the outputs link to."""

    def __init__(self, folder: Path, settled_before: int, made_since: int | None) -> None:
        self.folder = str(folder)
        # Blobs unchanged since the last build's manifest was written are trusted by their
        # stat, and so are those this build made ahead (since ``made_since``); any other is
        # read back (as git's index does).
        self.settled_before = settled_before
        self.made_since = made_since if made_since is not None else 1 << 64
        self.linking = True  # until a link fails: then every output is written as a file
        # None kept before this write (a first build, .dopemail/ deleted): see commit.
        self.fresh = not os.path.isdir(self.folder)
        self.made: list[str] = []  # blobs created by this write (removed if it fails)
        self.folder_made = False

    def stage(self, data: Output, tmp: str, pid: int, trust: bool = False) -> str | None:
        """Put ``data`` (bytes, or a file's) at ``tmp``: a link to its blob, or a file of its
        own. The hash of the bytes put there, where known without reading them again (the
        blob's name), else None.

        ``trust``: the blob may be taken as intact on its stat (the output was missing).
        """
        if not self.linking:
            _create(tmp, data)
            return None
        if isinstance(data, Path) and self.fresh:
            # No blob was kept before this write: a picture is copied and hashed in one
            # read, and kept under what it held (hashing it first would read it twice).
            unnamed = f"{self.folder}{os.sep}picture"
            try:
                blob = self._make(unnamed, data, pid)
            except OSError as exc:
                if exc.filename != f"{unnamed}.{pid}.tmp":
                    raise
                # Said of the folder and the picture: '.dopemail/blobs/picture' is no file.
                root = os.path.dirname(os.path.dirname(self.folder))
                copying = f"{exc.strerror} (copying {os.path.relpath(data, root)})"
                raise OSError(exc.errno, copying, self.folder) from exc
            self._link(blob, tmp, data)
            return None
        blob = _blob_path(self.folder, data)
        # Asked of the file system, not of a listing taken once: the workers keep making
        # blobs while this write stages. A blob may also have been changed in place through
        # one of its outputs (an editor saving site/x/index.html): it is checked before it is
        # linked again.
        if not self._intact(blob, data, trust):
            blob = self._make(blob, data, pid)
        self._link(blob, tmp, data)
        return os.path.basename(blob)

    def _make(self, blob: str, data: Output, pid: int) -> str:
        if not self.folder_made:
            os.makedirs(self.folder, exist_ok=True)
            self.folder_made = True
        blob = _make_blob(blob, data, pid)
        self.made.append(blob)
        return blob

    def _link(self, blob: str, tmp: str, data: Output) -> None:
        try:
            os.link(blob, tmp)
        except FileExistsError:  # a killed build's leftover link under our name
            os.unlink(tmp)
            os.link(blob, tmp)
        except OSError as exc:
            if exc.errno not in _NO_LINK:
                raise
            self.linking = False
            _create(tmp, data)

    def _intact(self, blob: str, data: Output, trust: bool) -> bool:
        try:
            stat = os.stat(blob)
        except FileNotFoundError:
            return False
        if stat.st_size != _length(data):
            return False
        # Trusted when no output can have changed it: unchanged since the last build was
        # written, or made ahead by this build's workers and linked to no output yet. Its
        # change time too, as every other check: bytes rewritten with their modification
        # time put back (touch -r, cp -p) keep their size and mtime, never their ctime. (An
        # output deleted moves it too, unlinking a name: after `rm -rf site` the kept bytes
        # are read back once before they are linked, as nothing tells the two apart.)
        settled = max(stat.st_mtime_ns, stat.st_ctime_ns) < self.settled_before or (
            # Strictly after: the file system's clock ticks coarsely, and an edit made just
            # before the build began may carry the very same time.
            stat.st_nlink == 1 and stat.st_mtime_ns > self.made_since
        )
        return (trust and settled) or _same(blob, data)

    def prune(self) -> None:
        """Remove the blobs no output links to any more (a replaced page's old bytes)."""
        try:
            entries = list(os.scandir(self.folder))
        except FileNotFoundError:
            return
        for entry in entries:
            try:
                if entry.stat(follow_symlinks=False).st_nlink < 2:
                    os.unlink(entry.path)
            except FileNotFoundError:
                continue


class EarlyFolders:
    """The folders the last build wrote into, made again by a forked process meanwhile.

    Making a folder is making a file (an inode), the dear part of writing; after ``site/`` was
    deleted, a build makes a thousand of them. The last build's manifest says which: a child
    process makes them while this one loads and renders, on the other core. Only an
    optimisation: the writer makes whatever folder is still missing, and removes the empty
    ones no output needs any more (it waits for the child first); a failed build takes them
    back (:class:`NewFolders`).
    """

    def __init__(self, root: Path) -> None:
        self.pid = 0
        self.folders: list[str] = []
        self.new_folders = NewFolders(root)  # taken before this build makes anything
        try:
            rels = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return
        base = f"{root}{os.sep}"
        names: set[str] = set()
        for rel in rels:
            parts = rel.split("/")[:-1]
            names.update("/".join(parts[:n]) for n in range(1, len(parts) + 1))
        folders = sorted(base + name for name in names)
        # A few looks tell whether folders are missing (site/ deleted); most builds find them.
        step = max(1, len(folders) // 32)
        if not hasattr(os, "fork") or all(os.path.isdir(f) for f in folders[::step]):
            return
        self.folders = folders
        self.pid = os.fork()
        if self.pid == 0:  # the child: folders only, then out without any cleanup of ours
            try:
                for folder in folders:
                    make_folders(folder)
            finally:
                os._exit(0)

    def wait(self) -> None:
        """Wait until the child is done (at once when there was none)."""
        if self.pid:
            pid, self.pid = self.pid, 0
            # Reaped already (SIGCHLD ignored by whoever started us): nothing to wait for.
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)


@contextlib.contextmanager
def build_lock(root: Path, waiting: Callable[[int | None], None] | None = None) -> Iterator[None]:
    """One build that writes at a time in a workspace: another waits for it.

    Two at once each put their own temporary files in place, and where both had linked the
    same kept bytes the second rename did nothing (renaming a file over another name of the
    same file is a no-op), leaving the temporary name in site/ for good; and the one that
    finished last won, stale or not. ``waiting`` is told (with the other build's process id,
    if known) before this one waits. The lock ends with its process, even on kill -9.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    path = root / LOCK
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting is not None:
                handle.seek(0)
                holder = handle.read().strip()
                waiting(int(holder) if holder.isdigit() else None)
            fcntl.flock(handle, fcntl.LOCK_EX)
        except OSError as exc:
            # A file system without locks (some network mounts): build as before, unguarded,
            # rather than not at all.
            if exc.errno not in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL):
                raise
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        yield


def _recover(root: Path) -> tuple[set[str], set[str], dict[str, bytes], set[str]]:
    """Clear what a write that did not finish left: the temporary names under ``site/`` and
    ``feeds/``; and return the outputs it was putting in place (for the write to remove
    those the build no longer makes: the manifest never listed them), those of them it
    was putting over other bytes (for the build to warn of what it changed, as the killed
    one never did: an email of a sent issue), what the issues' messages among them held
    before (to tell an edit of the issue from a change of what it gathers), and the outputs
    a finished write removed before it could say so (a page gone)."""
    try:
        left = json.loads((root / JOURNAL).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return set(), set(), {}, set()
    except ValueError:  # cut short by the kill: its temporaries are cleared all the same
        left = []
    replacing: object = []
    before: object = {}
    removed: object = []
    if isinstance(left, dict):
        before, removed = left.get("before", {}), left.get("removed", [])
        left, replacing = left.get("targets", []), left.get("replacing", [])
    for top in ("site", "feeds"):
        # Bottom up: a folder the killed build made for a page it never put in place is
        # empty once its temporaries go (served, it would be a listing or a 403, not a 404).
        for where, _folders, files in os.walk(root / top, topdown=False):
            for name in files:
                if _TEMPORARY.fullmatch(name):
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(os.path.join(where, name))
            if where != str(root / top):
                with contextlib.suppress(OSError):  # not empty: it holds an output
                    os.rmdir(where)

    def strings(items: object) -> set[str]:
        return {t for t in items if isinstance(t, str)} if isinstance(items, list) else set()

    held = {
        rel: text.encode("utf-8")
        for rel, text in (before.items() if isinstance(before, dict) else ())
        if isinstance(rel, str) and isinstance(text, str)
    }
    return strings(left), strings(replacing), held, strings(removed)


def _journal(
    root: Path,
    targets: list[str],
    replacing: list[str],
    before: Mapping[str, bytes] | None = None,
    removed: list[str] | None = None,
    unfinished: bool = False,
) -> None:
    path = root / JOURNAL
    path.parent.mkdir(parents=True, exist_ok=True)
    # What the issues' messages held before (small), not the JSON feed's (all of its items).
    held = {
        rel: data.decode("utf-8", "replace")
        for rel, data in (before or {}).items()
        if rel.endswith(f"/{MESSAGE_FILE}")
    }
    journal: dict[str, object] = {"targets": targets, "replacing": replacing, "before": held}
    if removed:
        journal["removed"] = removed
    if unfinished:  # a finished write's targets, kept past its warnings (see warnings_said)
        journal["unfinished"] = True
    replace_file(path, json.dumps(journal).encode("utf-8"))


def warnings_said(root: Path) -> None:
    """Forget what the last write changed: the warnings of it have been given. Until then
    (a build stopped between putting its outputs in place and saying what they changed, an
    email of a sent issue), the next build says them (see :meth:`Staging.commit`). The
    outputs of a write left unfinished (see :attr:`WriteReport.unfinished`) are kept."""
    path = root / JOURNAL
    try:
        journal = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        journal = None
    # Only a write marked unfinished keeps them: the journal written before the renames
    # lists targets too, left in place when the one after them could not be written (a
    # full disk), and keeping those would have the next build say this one's warnings again.
    if isinstance(journal, dict) and journal.get("unfinished") and journal.get("targets"):
        _journal(root, journal["targets"], [], unfinished=True)
    else:
        path.unlink(missing_ok=True)


def _mark_start(root: Path) -> int | None:
    """Note when a build that writes begins, by the file system's clock (None if it cannot).

    Blobs made since then with no output linked to them were made ahead by this build's
    workers (:func:`prepare`), so the write links them without reading them back. The time
    is the file system's, as the blobs' own: a mount whose clock runs ahead of this machine's
    cannot make a blob edited before the build look made by it.
    """
    return touch(root / CLOCK)


def prepare(root: Path, outputs: Mapping[str, bytes]) -> None:
    """Make, ahead of the write, the folders and kept bytes (blobs) of ``outputs``.

    Forked workers call it for what they render: making files is the dear part of writing,
    and done here it overlaps with the rendering in the other process instead of waiting
    for the one write at the end. Nothing the previous build wrote is touched, so a build
    that fails still leaves its outputs as they were (:class:`NewFolders` takes back the
    empty folders; unused blobs go with the next write).
    """
    blobs = f"{root}{os.sep}{BLOBS}"
    os.makedirs(blobs, exist_ok=True)
    for rel, data in outputs.items():
        make_folders(os.path.dirname(f"{root}{os.sep}{rel}"))
        blob = _blob_path(blobs, data)
        if not os.path.exists(blob):
            _make_blob(blob, data, os.getpid())


class NewFolders:
    """The folders a build makes under ``site/`` and ``feeds/``, taken back if it fails."""

    _TOPS = ("site/issues", "site", "feeds")  # deepest first

    def __init__(self, root: Path) -> None:
        self.root = root
        self.before = {top: _folders_in(root / top) for top in self._TOPS}

    def remove_empty(self) -> None:
        """Remove the folders made since, where they are still empty."""
        for top in self._TOPS:
            before, path = self.before[top], self.root / top
            for name in (_folders_in(path) or set()) - (before or set()):
                _remove_empty_tree(path / name)
            if before is None:
                with contextlib.suppress(OSError):
                    path.rmdir()


def _folders_in(path: Path) -> set[str] | None:
    try:
        return {e.name for e in os.scandir(path) if e.is_dir(follow_symlinks=False)}
    except (FileNotFoundError, NotADirectoryError):
        return None


def _remove_empty_tree(folder: Path) -> None:
    for where, _, _ in os.walk(folder, topdown=False):
        with contextlib.suppress(OSError):  # not empty: it holds an output
            os.rmdir(where)


class Staging:
    """A write in two steps: outputs staged (linked under temporary names) as they are ready,
    then all put in place at once by :meth:`commit`, or taken back by :meth:`abort`.

    A build stages its entries' pages while its workers render the issues, and each issue's
    files as they come, so that what is left to do after the last issue is mostly renaming.
    ``ahead``: its workers make blobs ahead (:func:`prepare`) from now on, which the write may
    then trust (:func:`_mark_start`).
    """

    def __init__(self, root: Path, ahead: bool = False) -> None:
        self.root = root
        # Before any temporary name is made: a build killed from here on is found by the next,
        # which also learns what this one (or an earlier one, killed too) was putting in place.
        self.unfinished, self.replaced_before, self.before, self.removed_before = _recover(root)
        _journal(
            root,
            sorted(self.unfinished),
            sorted(self.replaced_before),
            self.before,
            sorted(self.removed_before),
        )
        self.renamed = False  # whether any output was put in place
        self.all_renamed = False  # whether every one was
        # What failed once every output was in place (see commit): raised by the caller.
        self.unsaved: OSError | None = None
        self.replacing: set[str] = set()  # staged over a file with other bytes
        started = _mark_start(root) if ahead else None
        try:
            settled = os.stat(root / MANIFEST).st_mtime_ns
        except FileNotFoundError:
            settled = 0
        self.blobs = _Blobs(root / BLOBS, settled, started)
        self.base = f"{root}{os.sep}"
        self.pid = os.getpid()
        self.folders: set[str] = set()
        # path -> (temporary name, or None once in place; target; the output staged)
        self.staged: dict[str, tuple[str | None, str, Output]] = {}
        # What the last write left in place (see KNOWN), and what this one finds or puts:
        # path -> (its identity, what it holds); for those put in place, what they will hold.
        self.known = _read_known(root)
        self.found: dict[str, tuple[Identity, str]] = {}
        self.tags: dict[str, str] = {}

    def stage(self, outputs: Mapping[str, Output]) -> None:
        """Link each output that differs from what is in place under a temporary name."""
        try:
            for rel in sorted(outputs):
                self._stage(rel, outputs[rel])
        except BaseException:
            self.abort()
            raise

    def _stage(self, rel: str, output: Output) -> None:
        previous = self.staged.get(rel)
        if previous is not None and previous[2] is output:
            return  # staged (or found in place) ahead, and the build kept the very same bytes
        self._drop(rel)
        target = self.base + rel
        if self._in_place(rel, target, output):
            self.staged[rel] = (None, target, output)
            return
        # An output that is there but wrong may be its own blob changed in place: its kept
        # bytes are then read back whatever their stat says.
        trust = not os.path.lexists(target)
        if not trust:
            if os.path.isdir(target) and not os.path.islink(target):
                # Its rename would fail: told now, before the first rename, so that a failed
                # build leaves the last build's outputs whole (not feeds renewed beside the
                # old pages).
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), target)
            self.replacing.add(rel)
        folder, _, name = target.rpartition(os.sep)
        self._folders_readable(folder)
        tmp = f"{folder}{os.sep}{temporary_name(name, self.pid)}"
        self.staged[rel] = (tmp, target, output)
        # A file to copy is named by its identity before it is copied: one saved meanwhile
        # has another by the next write, which then reads it.
        tag = _tag(output) if isinstance(output, Path) else None
        try:
            linked = self.blobs.stage(output, tmp, self.pid, trust)
        except OSError as exc:
            if tmp not in (exc.filename, exc.filename2):
                raise
            # Said of the output and its folder: the temporary name is ours, never seen.
            raise NotWritten(exc.errno or 0, exc.strerror or str(exc), target) from exc
        tag = tag or linked or _tag(output)
        if tag is not None:
            self.tags[rel] = tag

    def _in_place(self, rel: str, target: str, output: Output) -> bool:
        """Whether the file at ``target`` holds ``output`` already: told by its stat when
        the last write left it so (see KNOWN), else by reading it."""
        known = self.known.get(rel)
        before, how, mode = _held(target, output, known)
        if not how:
            return False
        if _readable(target, mode, _FILE_READABLE):
            # Checked out by git under a umask of 077 (0600), found with the right bytes and
            # never written again: a web server could not read it, nor enter its folder.
            self._folders_readable(target.rpartition(os.sep)[0])
            return True  # its stat changed (chmod): read again by the next write
        if how == "known":
            self.found[rel] = known  # type: ignore[assignment]
            return True
        tag = _tag(output)
        with contextlib.suppress(OSError):  # gone since: the next write reads it again
            if tag is not None and identity(os.stat(target)) == before:
                self.found[rel] = (before, tag)
        return True

    def _folders_readable(self, folder: str) -> None:
        """Make ``folder`` (missing parents too), readable by all, and so those above it up to
        the workspace; each once a write (one mkdir per folder, not per file)."""
        while folder not in self.folders and len(folder) >= len(self.base):
            make_folders(folder)
            self.folders.add(folder)
            folder = os.path.dirname(folder)

    def _drop(self, rel: str) -> None:
        self.found.pop(rel, None)
        self.tags.pop(rel, None)
        item = self.staged.pop(rel, None)
        if item is not None and item[0] is not None:
            # Never an error of its own: on a read-only disk even a name never made cannot be
            # unlinked (EROFS, not ENOENT), which hid why the build stopped behind our
            # temporary name. One left is cleared by the next write (_recover).
            with contextlib.suppress(OSError):
                os.unlink(item[0])

    def abort(self) -> None:
        """Take back what was staged: no temporary name and no new blob is left (but where
        the disk will not remove them: the next write clears those)."""
        for rel in list(self.staged):
            self._drop(rel)
        for blob in self.blobs.made:
            with contextlib.suppress(OSError):  # (not hiding the error that stopped the build)
                os.unlink(blob)
        self.blobs.made.clear()
        # Nothing of this write is left to clear but what it put in place, which the manifest
        # does not list: then the journal keeps it for the next write; and what an earlier
        # write replaced and never said (a failed build after a stopped one lost it).
        if (
            not self.renamed
            and not self.unfinished
            and not self.replaced_before
            and not self.removed_before
        ):
            with contextlib.suppress(OSError):
                (self.root / JOURNAL).unlink(missing_ok=True)

    def commit(
        self, outputs: Mapping[str, Output], early: EarlyFolders | None, owed: bool = False
    ) -> WriteReport:
        """Stage what is left of ``outputs`` (the whole build), then put everything in place.

        ``owed``: the caller says what the write changed once it is done, then calls
        :func:`warnings_said`; until then the journal keeps what it replaced, for the next
        build to say if this one is stopped before. An OSError once every output is in place
        (the manifest not saved on a full disk) is kept in :attr:`unsaved`, for the caller to
        raise once it has said what the write changed."""
        report = WriteReport()
        try:
            for rel in [rel for rel in self.staged if rel not in outputs]:
                self._drop(rel)  # staged ahead, then left out of the build
            self.stage(outputs)
            # Readable however little changed: site/, feeds/ and the few folders that hold
            # output folders (site/issues/); one holding files only (a page's) is made so when
            # a file in it is written or made readable (see _in_place).
            holders = {rel.rpartition("/")[0].rpartition("/")[0] for rel in outputs}
            holders.update(top for top in ("site", "feeds") if os.path.isdir(self.base + top))
            holders.discard("")
            for folder in sorted(holders):
                self._folders_readable(self.base + folder.replace("/", os.sep))
            moving = [rel for rel, (tmp, _, _) in self.staged.items() if tmp is not None]
            emails = _pictures_go(self.root, outputs)
            for rel in moving:
                if rel in self.replacing and rel.endswith(".json"):
                    with contextlib.suppress(OSError):
                        report.json_before[rel] = Path(self.staged[rel][1]).read_bytes()
                elif rel in self.replacing and emails and _is_email(rel):
                    with contextlib.suppress(OSError):
                        report.emails_before[rel] = Path(self.staged[rel][1]).read_bytes()
            if moving:
                replacing = self.replaced_before.union(self.replacing.intersection(moving))
                _journal(
                    self.root,
                    sorted(self.unfinished.union(moving)),
                    sorted(replacing),
                    {**self.before, **report.json_before},
                    sorted(self.removed_before),
                )
            with _stops_held():
                for rel in sorted(self.staged):
                    tmp, target, output = self.staged[rel]
                    if tmp is None:
                        report.unchanged += 1
                        continue
                    os.replace(tmp, target)
                    self.renamed = True
                    self.staged[rel] = (None, target, output)
                    tag = self.tags.pop(rel, None)
                    if tag is not None:
                        with contextlib.suppress(OSError):
                            self.found[rel] = (identity(os.stat(target)), tag)
                    report.written.append(rel)
                    if rel in self.replacing:
                        report.replaced.append(rel)
                self.blobs.made.clear()  # linked now: never taken back
                self.all_renamed = True
            # What a killed build replaced, put in place before it could say so: said now.
            said_late = sorted(
                rel for rel in self.replaced_before if rel in outputs and rel not in self.replacing
            )
            report.replaced += said_late
            for rel in said_late:
                if rel in self.before:
                    report.json_before.setdefault(rel, self.before[rel])
        except BaseException:
            self.abort()  # what was not renamed yet (and the new blobs, as ever)
            raise
        finally:
            if early is not None:
                early.wait()
        # Every output is in place: what fails from here (a full disk, a page the disk will
        # not remove) is kept in ``unsaved``, not raised, so that the build still says what
        # it changed (the caller raises it after).
        try:
            _prune(self.root, set(outputs), self.unfinished, report.removed)
        except OSError as exc:
            # The manifest not saved, or an old page left: the journal keeps this write's
            # outputs as ones put in place (see _recover), for the next write to remove those
            # its build no longer makes; without them, one added here was never removed.
            self.unsaved = report.unfinished = exc
        # What a stopped build removed and never said: said now (its page gone), unless this
        # build makes it again.
        report.removed += sorted(
            rel for rel in self.removed_before if rel not in outputs and rel not in report.removed
        )
        self._keep_known()
        try:
            targets = sorted(outputs) if report.unfinished is not None else []
            if (owed and (report.replaced or report.removed)) or targets:
                held = {
                    rel: report.json_before[rel]
                    for rel in report.replaced
                    if rel in report.json_before and owed
                }
                replaced, removed = (report.replaced, report.removed) if owed else ([], [])
                _journal(self.root, targets, sorted(replaced), held, sorted(removed), bool(targets))
            else:  # (its journal, written before the renames, of no more use)
                (self.root / JOURNAL).unlink(missing_ok=True)
            # With no blobs before it and every output written (linked), all blobs are this
            # build's own and linked: no folder of thousands to list. An output found in place
            # (site/ kept, .dopemail/ deleted) leaves the blob a worker made for it unlinked.
            all_linked = self.blobs.fresh and report.unchanged == 0
            if (report.written or report.removed) and not all_linked:
                self.blobs.prune()
        except OSError as exc:
            self.unsaved = self.unsaved or exc
        return report

    def _keep_known(self) -> None:
        """Keep, for the next write, the identity of each output in place and what it holds
        (see KNOWN); but not of those changed within the last seconds (as git does, "racy
        git"): on a file system whose clock ticks coarsely, a file saved again within the
        same tick, with the same size, would keep its stat."""
        now = touch(self.root / CLOCK)
        if now is None:
            known = {}
        else:
            since = now - SETTLE_NS
            known = {
                rel: [*stat, tag]
                for rel, (stat, tag) in sorted(self.found.items())
                if rel in self.staged and _settled(stat, since) and _settled_source(tag, since)
            }
        path = self.root / KNOWN
        if known == {rel: [*stat, tag] for rel, (stat, tag) in self.known.items()}:
            return  # what the file says already (most builds after one edit, and no-ops)
        if not known:
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)
            return
        text = json.dumps({"files": known}, separators=(",", ":"))
        with contextlib.suppress(OSError):  # not kept: the next write reads the files
            replace_file(path, text.encode("utf-8"))
        self.known = {rel: (tuple(v[:4]), v[4]) for rel, v in known.items()}  # type: ignore[misc]


class StoppedAfterWrite(KeyboardInterrupt):
    """Ctrl-C once the build had put all its outputs in place, before it finished (removing
    the pages it no longer makes, saying what it changed): which the next build does."""


# What stops a build from outside: Ctrl-C, and a polite kill (a CI job cancelled, systemd).
_STOPS = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def _stops_held() -> Iterator[None]:
    """Hold Ctrl-C (SIGINT) and SIGTERM until the block ends, then act on them as ever.

    The renames that put the outputs in place take milliseconds: a Ctrl-C among them left new
    feeds beside old pages until the next build. Held, it leaves every output new (or, come
    before the first rename, every one old). Python runs signal handlers in the main thread
    only: elsewhere nothing stops the block anyway.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []

    def hold(signum: int, frame: object) -> None:
        caught.append(signum)

    before = {}
    for stop in _STOPS:
        handler = signal.getsignal(stop)
        if handler is not None:  # (None: set outside Python, which could not put it back)
            before[stop] = signal.signal(stop, hold)
    try:
        yield
    finally:
        for stop, handler in before.items():
            signal.signal(stop, handler)
        for stop in dict.fromkeys(caught):
            signal.raise_signal(stop)  # Ctrl-C: KeyboardInterrupt, raised here


def _settled(stat: Identity, since: int) -> bool:
    return max(stat[1], stat[2]) < since  # modified and changed before ``since``


def _settled_source(tag: str, since: int) -> bool:
    # A copied file (a picture) is known by its source's identity: which must have settled
    # too, or a save within the same tick of the copy would go unseen.
    if not tag.startswith("file "):
        return True
    try:
        return _settled(tuple(int(n) for n in tag.split()[1:]), since)  # type: ignore[arg-type]
    except ValueError:
        return False


def _pictures_go(root: Path, current: Mapping[str, Output]) -> bool:
    """Whether the last build published a picture this one does not (its manifest read)."""
    return any(rel.startswith("site/media/") and rel not in current for rel in last_outputs(root))


def _is_email(rel: str) -> bool:
    # An issue's email.html: site/issues/<key>/email.html.
    return (
        rel.startswith(f"{SITE_ISSUES_DIR}/")
        and rel.count("/") == 3
        and rel.endswith(f"/{HTML_FILE}")
    )


def _prune(
    root: Path,
    current: set[str],
    unfinished: set[str] | None = None,
    removed: list[str] | None = None,
) -> list[str]:
    """Remove the outputs the last build wrote (``unfinished``: or a killed one put in place)
    that this one no longer makes, and write the manifest of this one's. Those removed are
    returned, and added to ``removed`` as they go (known when a later one fails)."""
    manifest = root / MANIFEST
    try:
        previous = set(json.loads(manifest.read_text(encoding="utf-8")))
    except (FileNotFoundError, ValueError):
        previous = set()
    removed = [] if removed is None else removed
    spelt: dict[str, str] | None = None
    for rel in sorted((previous | (unfinished or set())) - current):
        path = root / rel
        if path.is_file():
            # On a disk that finds a name however its accents or case are written (macOS's),
            # an output now named another way ('é' one character, where a Mac's copy of
            # media/ had 'e' and an accent) is this very file: removing the old name would
            # remove it.
            if spelt is None:
                spelt = {_spelling(name): name for name in current}
            now = spelt.get(_spelling(rel))
            if now is not None and _same_file(path, root / now):
                continue
            path.unlink()
            removed.append(rel)
        _remove_empty_parents(path.parent, root)  # also a folder made early for nothing
    if previous != current:
        manifest.parent.mkdir(parents=True, exist_ok=True)
        replace_file(manifest, (json.dumps(sorted(current), indent=0) + "\n").encode("utf-8"))
    return removed


def _spelling(rel: str) -> str:
    return unicodedata.normalize("NFC", rel).casefold()


def _same_file(one: Path, other: Path) -> bool:
    try:
        return os.path.samefile(one, other)
    except OSError:
        return False


def _remove_empty_parents(folder: Path, root: Path) -> None:
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
