"""The build cache: what an entry or an issue rendered to, keyed by the hash of its inputs.

A film section publishes for years; a build must cost what changed, not what exists. Each
entry's loaded model, rendered content and web page are stored under the SHA-256 of its source
bytes and of the *context* (dopemail's own code, ``dopemail.toml`` and every template), so an
edit to one entry re-renders that entry alone, and an edit to a template or the settings
re-renders everything. Local pictures are re-checked by size and modification time.

The cache lives in ``.dopemail/cache/``; deleting it is always safe. Entries it no longer
needs are removed at the end of each build.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import os
import pickle
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TypeVar, cast

from . import __version__
from .atomic import in_flight, replace_file
from .errors import ContentError, DopemailError
from .fingerprint import (
    SETTLE_NS,
    Identity,
    code_version,
    fs_now,
    identity,
    libraries,
    looped,
    path_bytes,
    zone_file,
)

CACHE_DIR = ".dopemail/cache"
_PACKAGE = Path(__file__).parent
_NOT_RENDERING = ("send", "preview")
# What renders: the code, the default templates and the catalogs of words (locales/*.po),
# whose edits change what a build writes as a template's do.
_RENDERING_CODE = (".py", ".j2", ".po")
T = TypeVar("T")
FILE_KEYS = "file-keys.json"
# Every entry's and issue's record head in one file (see BuildCache.get): read at once, not
# as thousands of small files.
HEADS = "heads"
HEADS_CHANGED = "heads-changed"  # the heads changed since the heads file (see save_heads)
_FEW_HEADS = 64
ENTRIES = "entries"  # the kind of the entries' records (see EntryRecord)
ISSUES = "issues"  # and of the issues' (IssueRecord)
_IN_TWO = (ENTRIES, ISSUES)
_CHECK = 8  # bytes of checksum before each record: a damaged file is a miss, not a surprise
# A record in two parts begins with the length of its head (see _in_two); reading this much
# finds most heads whole (a few hundred bytes to a few KB) in one read.
_LENGTH = 4
_HEAD_READ = 8192


def _files(folder: Path, follow: bool = False) -> list[Path]:
    return [Path(p) for p in sorted(_file_names(str(folder), follow))]


def _file_names(
    folder: str,
    follow: bool = False,
    real: str | None = None,
    entered: frozenset[str] = frozenset(),
) -> list[str]:
    # Strings and scandir's own file types, not Path.rglob and a stat per file: every build
    # lists the whole cache (a file per entry and issue) to prune it. ``follow``: into linked
    # folders too (an editor's templates/email linked from elsewhere), but not one above.
    found: list[str] = []
    try:
        listing = os.scandir(folder)
    except OSError:  # missing, not a folder, not ours to read: nothing in it to prune
        return found
    if follow:
        real = real or os.path.realpath(folder)
        entered = entered or frozenset({real})
    with listing:
        for item in listing:
            if item.is_dir(follow_symlinks=False):
                inner = f"{real}{os.sep}{item.name}" if real else None
                found.extend(_file_names(item.path, follow, inner, entered))
            elif follow and _linked_folder(item):
                target = os.path.realpath(item.path)
                if real is not None and not looped(target, real, entered):
                    found.extend(_file_names(item.path, follow, target, entered | {target}))
            elif _is_file(item):
                found.append(item.path)
    return found


def files_under(folder: Path) -> list[Path]:
    """Every file under a workspace's folder (templates/), through folders linked into it."""
    return _files(folder, follow=True)


def template_files(folder: Path) -> list[Path]:
    """The ``*.j2`` files under a workspace's templates/, through folders linked into it."""
    return [p for p in files_under(folder) if p.suffix == ".j2"]


def _linked_folder(item: os.DirEntry[str]) -> bool:
    try:
        return item.is_symlink() and item.is_dir()
    except OSError:  # a link that loops
        return False


def _is_file(item: os.DirEntry[str]) -> bool:
    try:
        return item.is_file()
    except OSError:  # a link that loops: no file
        return False


def context_key(root: Path) -> str:
    """Hash of everything every output depends on: dopemail and the libraries it renders
    with, settings, templates."""
    digest = hashlib.sha256(__version__.encode())
    digest.update(libraries().encode())
    # dopemail's own code and default templates too: a development checkout changes them
    # without changing the version, and a record rendered by other code is not current.
    # (not the sender's nor the preview's, which render nothing the cache holds).
    own = [
        p
        for p in _files(_PACKAGE)
        if p.suffix in _RENDERING_CODE and p.relative_to(_PACKAGE).parts[0] not in _NOT_RENDERING
    ]
    # Named from the workspace's folder and the package's (each file's place within them):
    # a workspace moved or renamed keeps its cache.
    inputs = [root / "dopemail.toml", *_files(root / "templates", follow=True)]
    named = [(p, "ws/" + p.relative_to(root).as_posix()) for p in inputs]
    named += [(p, "dopemail/" + p.relative_to(_PACKAGE).as_posix()) for p in own]
    for path, name in named:
        digest.update(path_bytes(name))
        try:
            digest.update(path.read_bytes())
        except FileNotFoundError:
            digest.update(b"-")
    zone = zone_file(root)  # the rules its dates are told by, when the system's
    if zone is not None:
        with contextlib.suppress(OSError):
            rules = Path(zone).read_bytes()
            digest.update(zone.encode() + b"\0" + rules)
            _current_rules(zone, rules)
    return digest.hexdigest()


# The zone files' bytes this process last read (see _current_rules).
_RULES: dict[str, bytes] = {}


def _current_rules(path: str, rules: bytes) -> None:
    # zoneinfo keeps every zone it loaded for the process's life: a preview running across a
    # tzdata upgrade would render with the old rules under the new rules' key.
    if _RULES.get(path, rules) != rules:
        from zoneinfo import ZoneInfo

        ZoneInfo.clear_cache()
    _RULES[path] = rules


# Pictures are shared: thousands of entries show the same few dozen files, and each is looked
# at twice (its size when loading, its stamp for the cache). One stat per file per build:
# every build (and preview refresh) starts with :func:`forget_picture_stats`.
_STATS: dict[str, os.stat_result | None] = {}
# Each picture's key (a hash of its bytes) by its stat, as a source file's (see
# BuildCache.keyed), kept in .dopemail/cache/picture-keys: a picture is read and hashed only
# when its stat changed. The keys of the pictures looked at this build; and those this
# process learnt since it last saved them (or, a worker, handed them over).
_PICTURE_KEYS: dict[str, tuple[Identity, str]] = {}
_PICTURES_SEEN: dict[str, str] = {}
_PICTURES_NEW: dict[str, tuple[Identity, str]] = {}
PICTURE_KEYS = "picture-keys"
_PICTURE_KEYS_FORMAT = ("picture-keys", 1)


def picture_stat(path: str) -> os.stat_result | None:
    """The stat of a picture file (None if missing), read once per build."""
    try:
        return _STATS[path]
    except KeyError:
        pass
    try:
        found: os.stat_result | None = os.stat(path)
    except OSError:
        found = None
    _STATS[path] = found
    return found


def forget_picture_stats() -> None:
    """Start a build: pictures may have changed since the last one."""
    _STATS.clear()
    _PICTURES_SEEN.clear()


def picture_key(path: str) -> str:
    """A hash of a picture file's bytes as the build saw it ('' if it is missing), read only
    when its stat changed since it was last hashed (once per build at most)."""
    try:
        return _PICTURES_SEEN[path]
    except KeyError:
        pass
    key = ""
    info = picture_stat(path)  # the stat the build loaded the picture's size under
    if info is not None:
        seen = identity(info)
        known = _PICTURE_KEYS.get(path)
        key = known[1] if known is not None and known[0] == seen else _hashed(path, seen)
    _PICTURES_SEEN[path] = key
    return key


def _hashed(path: str, seen: Identity) -> str:
    # Bytes read under another stat than the one the build measured the picture by (saved,
    # or gone, since) are not what it rendered: their hash would vouch for a size never
    # measured. A key no later build can find again renders it once more then.
    try:
        with open(path, "rb") as handle:  # a piece at a time: a picture may be huge
            key = hashlib.file_digest(handle, "sha256").hexdigest()[:32]
        if identity(os.stat(path)) == seen:
            _PICTURE_KEYS[path] = _PICTURES_NEW[path] = (seen, key)
            return key
    except OSError:
        pass
    return f"changed while read {os.urandom(8).hex()}"


def handed_pictures() -> dict[str, tuple[Identity, str]]:
    """The pictures' keys this worker learnt since it last handed them over, for the build
    (see :func:`learn_pictures`): each once, not with every record that shows it."""
    handed = dict(_PICTURES_NEW)
    _PICTURES_NEW.clear()
    return handed


def learn_pictures(known: Mapping[str, tuple[Identity, str]]) -> None:
    """Take what a worker's :func:`picture_key` learnt (a picture changed since has another
    stat, which the key is not taken for)."""
    _PICTURE_KEYS.update(known)
    _PICTURES_NEW.update(known)


def read_picture_keys(folder: Path, root: Path) -> None:
    """Learn the pictures' keys a build of ``root`` saved (see :meth:`BuildCache.save_file_keys`).
    Not tied to the cache's context, as a hash of bytes is not: a template edited or
    dopemail upgraded does not read every picture again."""
    found = _read_checked(str(folder / PICTURE_KEYS), _PICTURE_KEYS_FORMAT)
    if found is None:
        return
    keys, _ = found
    base = str(root) + os.sep  # named from the workspace: a workspace moved keeps them
    for rel, (size, mtime, ctime, inode, key) in keys.items():
        _PICTURE_KEYS.setdefault(base + rel, ((size, mtime, ctime, inode), key))


def save_picture_keys(folder: Path, root: Path) -> None:
    """Keep the keys of the pictures this build looked at, when it learnt any."""
    if not _PICTURES_NEW:
        return
    base = str(root) + os.sep
    keys = {
        path[len(base) :]: (*_PICTURE_KEYS[path][0], key)
        for path, key in _PICTURES_SEEN.items()
        if path.startswith(base) and path in _PICTURE_KEYS and _PICTURE_KEYS[path][1] == key
    }
    os.makedirs(folder, exist_ok=True)
    _write_checked(str(folder / PICTURE_KEYS), _PICTURE_KEYS_FORMAT, keys)
    _PICTURES_NEW.clear()


def media_stamp(root: Path, sources: Iterable[str]) -> tuple[tuple[str, str], ...]:
    """(path, hash of its bytes) of local pictures: a picture that changed renders its entry
    again, even one copied over another with its size and times (``cp -p``); one that did not
    change does not, even as a new file (a copy of the workspace, a fresh clone whose
    .dopemail/ was kept: every file there is new, with new times, but holds the same bytes)."""
    # Plain strings: this runs for every picture of every entry on every build. Each named
    # as the entry names it, under media/: a workspace moved or renamed keeps its cache.
    base = str(root) + os.sep
    stamp = []
    for source in sources:
        stamp.append((source, picture_key(base + source)))
        if not source.isascii():
            # Named with its accents in one of Unicode's two ways, the picture may have been
            # found under the other (a Mac's 'e' and an accent for a typed 'é': see
            # pictures.local_media, which looks for each folder and the file in turn), and
            # the name as typed is taken first once a file of that name appears: its arrival
            # (no key, then one) renders the entry again with that file. Each folder and the
            # file may be found in either form: every spelling is stamped.
            stamp.extend((other, picture_key(base + other)) for other in _spellings(source))
    return tuple(stamp)


def _spellings(source: str) -> list[str]:
    """The other spellings of ``source`` whose parts (its folders and file name) are each in
    either of Unicode's normal forms, NFC or NFD ('media/ciné/ñu.jpg': four, with itself)."""
    parts = [
        dict.fromkeys(
            (part, unicodedata.normalize("NFC", part), unicodedata.normalize("NFD", part))
        )
        for part in source.split("/")
    ]
    return [other for other in map("/".join, itertools.product(*parts)) if other != source]


class StaleRecord(ContentError):
    """A record whose body, asked for after its head was read, was damaged or gone, and whose
    entry or issue no longer renders what the head says (its file edited or deleted
    meanwhile): the record is removed, and :func:`dopemail.build.build` builds again."""


# Bodies are read (and put in place) one at a time: few are (the entries and issues a build
# renders something from), and the preview's threads may ask for one at once.
_FILLING = threading.RLock()


@dataclass(frozen=True)
class _Again:
    """What renders an entry (from its workspace path) and an issue (from its LoadedIssue)
    again, for a body found damaged or gone; and whether that record is removed (not by a
    build that writes nothing: dopemail check, on a read-only checkout maybe)."""

    entry: Callable[[str], EntryRecord] | None = None
    issue: Callable[[Any], Any] | None = None  # LoadedIssue -> RenderedIssue
    remove: bool = True


# The latest build's (see render_again_with). One for the process, not one per record: the
# preview keeps records from build to build, and serves their pages long after the build that
# read them, whose templates and workspace it must neither keep nor use.
_AGAIN = _Again()


def render_again_with(
    render: Callable[[str], EntryRecord] | None,
    issue: Callable[[Any], Any] | None = None,
    remove: bool = True,
) -> None:
    """Set what renders an entry and an issue again, and whether the damaged record is
    removed (``remove``: the build writes): each build sets its own."""
    global _AGAIN
    with _FILLING:
        _AGAIN = _Again(render, issue, remove)


# Records removed as damaged or gone (see _Body.read), which a heads file written before
# still names: a build made again at once (StaleRecord) must not take them from it.
_REMOVED: set[str] = set()


class _Body:
    """The part of a record (EntryRecord, IssueRecord) read when first asked for: its values,
    from bytes in memory (sent by a worker) or from its file, once."""

    __slots__ = ("where", "offset", "data", "values")

    def __init__(
        self,
        where: str | None,
        offset: int = 0,
        data: bytes | None = None,
        values: tuple[Any, ...] | None = None,
    ) -> None:
        self.where, self.offset, self.data, self.values = where, offset, data, values

    def read(self, again: Callable[[], tuple[Any, ...]]) -> tuple[Any, ...]:
        """Its values; when damaged or gone, its file is removed (never trusted again: the
        next build renders what it held) and ``again()`` makes them."""
        with _FILLING:
            if self.values is None:
                values = _body_of(self.where, self.offset, self.data)
                if values is None:
                    if self.where is None:  # bytes in memory, checked when they came
                        raise ValueError("a record's body sent by a worker is damaged")
                    if _AGAIN.remove:
                        with contextlib.suppress(OSError):
                            os.unlink(self.where)
                        _REMOVED.add(self.where)
                    values = again()
                self.values, self.data = values, None
            return self.values


def _rendered_again(
    render: Callable[[], T] | None, same: Callable[[T], bool], kind: str, path: str
) -> T:
    """``render()``, an entry's or an issue's rendering made again for a body found damaged
    or gone, if it is what the record's head says (``same``); else StaleRecord."""
    stale = StaleRecord(
        f"{kind} changed while the build read it from the cache", path, None, "build again"
    )
    if render is None:
        raise stale
    try:
        again = render()
    except (OSError, DopemailError):
        raise stale from None
    if not same(again):
        raise stale
    return again


class EntryRecord:
    """One entry as loaded and rendered, with the stamp of its pictures.

    Stored in two parts (see :func:`_in_two`): its head, what every build asks of every
    entry (its slug, place, dates, pictures and notes, its line in lists, what its text links
    to, its page's hash), and its body (its fields, text, content and page), read only when
    something asks for one of those. A build after one edit of a large archive, or one after
    ``site/`` was deleted, reads the heads of the thousands of entries it does not render,
    not their pages: a page in place (or kept in ``.dopemail/blobs/``) is known by its hash.
    The entry and its rendering taken from the cache call :meth:`fill` for their body.
    """

    __slots__ = ("entry", "stamp", "rendered", "digest", "length", "_page", "_body")

    def __init__(
        self,
        entry: Any,  # LoadedEntry
        stamp: tuple[tuple[str, int, int, int, int], ...],
        rendered: Any,  # RenderedEntry
        page: bytes | None,  # its web page, when published
    ) -> None:
        self.entry, self.stamp, self.rendered, self._page = entry, stamp, rendered, page
        self._body: _Body | None = None  # unread (see decode)
        self.digest = hashlib.sha256(page).hexdigest() if page is not None else None
        self.length = len(page) if page is not None else 0  # (SHA-256, not BLAKE2: see write)

    @property
    def page(self) -> bytes | None:
        """Its web page (None for a draft), read when first asked for."""
        if self._body is not None:
            self.fill()
        return self._page

    def page_output(self) -> Any:
        """Its page as the write takes it: the bytes, or while they are still in the cache,
        known by their hash (:class:`~dopemail.write.Stored`): the write reads them only if
        the page in place (and its blob) holds other bytes."""
        from .write import Stored

        if self._body is None:
            return self._page
        return Stored(self.digest or "", self.length, lambda: cast(bytes, self.page))

    def fill(self) -> None:
        """Put its body in place in the entry, its rendering and itself (once; another thread
        may have done it)."""
        from .content import HEAVY_HTML
        from .models import HEAVY

        with _FILLING:
            body = self._body
            if body is None:
                return
            values = body.read(self._again)
            heavy = len(HEAVY)
            # Put in place before the entry forgets where they come from: another thread
            # finding no _lazy finds them.
            self.entry.__dict__.update(zip(HEAVY, values[:heavy], strict=True))
            self.rendered.__dict__.update(zip(HEAVY_HTML, values[heavy:-1], strict=True))
            self._page = values[-1]
            self.entry.__dict__.pop("_lazy", None)
            self.rendered.__dict__.pop("_lazy", None)
            self._body = None

    def _values(self) -> tuple[Any, ...]:
        from .content import HEAVY_HTML
        from .models import HEAVY

        return (
            *(getattr(self.entry, name) for name in HEAVY),
            *(getattr(self.rendered, name) for name in HEAVY_HTML),
            self.page,
        )

    def _again(self) -> tuple[Any, ...]:
        def same(again: EntryRecord) -> bool:
            return (again.digest, again.length) == (self.digest, self.length) and (
                again.entry.light_state() == self.entry.light_state()
                and again.rendered.light_state() == self.rendered.light_state()
            )

        path = self.entry.path
        render = partial(_AGAIN.entry, path) if _AGAIN.entry is not None else None
        return _rendered_again(render, same, "an entry", path)._values()

    def encode(self) -> bytes:
        """The record as the cache stores it (see :func:`_in_two`)."""
        entry, rendered = self.entry, self.rendered
        head = (entry.light_state(), self.stamp, rendered.light_state(), self.digest, self.length)
        return _in_two(head, self._values())

    @classmethod
    def decode(
        cls, data: bytes, where: str | None = None, checked: bool = False
    ) -> EntryRecord | None:
        """The record :meth:`encode` made, its body left unread; None if damaged
        (``checked``: see :func:`_head_of`).

        ``data``: the whole record, or (from the file ``where``) at least its head: the body
        is then read from the file when asked for, and if it is damaged or gone by then, the
        file is removed and the entry rendered again (see :func:`render_again_with`).
        """
        LoadedEntry, RenderedEntry, assembled = _ENTRY_CLASSES or _entry_classes()  # noqa: N806
        found = _head_of(data, checked)
        if found is None:
            return None
        (state, stamp, shown, digest, length), end = found
        record = cls.__new__(cls)
        entry = assembled(LoadedEntry, state, _lazy=record)
        rendered = assembled(RenderedEntry, shown, entry=entry, _lazy=record)
        record.entry, record.stamp, record.rendered, record._page = entry, stamp, rendered, None
        record.digest, record.length = digest, length
        record._body = _Body(where, end, None if where else bytes(memoryview(data)[end:]))
        return record


# The classes an entry's record is made of, imported on first use (the no-op check imports
# none of them); then looked up here: importing them in decode, at each of 10,000 records,
# cost 40 ms of a build.
_ENTRY_CLASSES: tuple[Any, Any, Any] | None = None


def _entry_classes() -> tuple[Any, Any, Any]:
    global _ENTRY_CLASSES
    from .content import RenderedEntry
    from .models import LoadedEntry, assembled

    _ENTRY_CLASSES = (LoadedEntry, RenderedEntry, assembled)
    return _ENTRY_CLASSES


class IssueRecord:
    """An issue's rendering as the cache keeps it, in two parts as an entry's (EntryRecord):
    its head (its checks' verdict, its line in the archive, the links its texts make, its
    files' hashes) read at every build, and its body (its email, text part, web page, MJML,
    content and intro) read when asked for. An unchanged issue's files go to the write known
    by their hashes; a build after one edit reads a kilobyte of each issue, not 170 KB."""

    __slots__ = ("head", "body")

    def __init__(self, head: dict[str, Any], body: _Body) -> None:
        self.head, self.body = head, body

    @classmethod
    def of(cls, item: Any) -> IssueRecord:
        """The record of a RenderedIssue."""
        from .newsletter import HEAVY_ISSUE

        values = tuple(getattr(item, name) for name in HEAVY_ISSUE)
        return cls(_issue_head(item), _Body(None, values=values))

    def encode(self) -> bytes:
        """The record as the cache stores it (see :func:`_in_two`)."""
        assert self.body.values is not None, "made of a rendering, or read whole"
        return _in_two(self.head, self.body.values)

    @classmethod
    def decode(
        cls, data: bytes, where: str | None = None, checked: bool = False
    ) -> IssueRecord | None:
        """The record :meth:`encode` made, its body left unread (in ``data``, or in the file
        ``where``); None if damaged (``checked``: see :func:`_head_of`)."""
        found = _head_of(data, checked)
        if found is None:
            return None
        head, end = found
        return cls(head, _Body(where, end, None if where else bytes(memoryview(data)[end:])))

    def rendered(self, issue: Any) -> Any:
        """The RenderedIssue of ``issue`` (the one its key was made of), its texts read when
        first asked for."""
        from .models import assembled
        from .newsletter import RenderedIssue

        item = assembled(RenderedIssue, self.head, issue=issue, files=None)
        item.__dict__["_lazy"] = _IssueTexts(self, item)
        return item

    def texts(self, issue: Any) -> tuple[Any, ...]:
        """Its body's values (:data:`~dopemail.newsletter.HEAVY_ISSUE`), read once."""
        from .newsletter import HEAVY_ISSUE

        def same(again: Any) -> bool:
            # (Not the verdict: its warnings are exceptions, equal only to themselves.)
            made, kept = _issue_head(again), self.head
            return all(made[k] == kept[k] for k in kept if k != "verdict")

        def again() -> tuple[Any, ...]:
            render = partial(_AGAIN.issue, issue) if _AGAIN.issue is not None else None
            made = _rendered_again(render, same, "an issue", issue.path)
            return tuple(getattr(made, name) for name in HEAVY_ISSUE)

        return self.body.read(again)


def _issue_head(item: Any) -> dict[str, Any]:
    """What a build asks of every issue (see IssueRecord), from its RenderedIssue."""
    from .newsletter import file_hashes

    return {
        "verdict": item.verdict,
        "list_item": item.list_item,
        "links": item.links,
        "written_wrong": item.written_wrong,
        "_known": file_hashes(item),
    }


class _IssueTexts:
    """Puts an issue record's texts in place in one rendering of it (see IssueRecord)."""

    __slots__ = ("record", "item")

    def __init__(self, record: IssueRecord, item: Any) -> None:
        self.record, self.item = record, item

    def fill(self) -> None:
        from .newsletter import HEAVY_ISSUE

        item = self.item
        with _FILLING:
            if "_lazy" not in item.__dict__:
                return
            values = self.record.texts(item.issue)
            item.__dict__.update(zip(HEAVY_ISSUE, values, strict=True))
            item.__dict__.pop("_lazy", None)


def _in_two(head: Any, body: Any) -> bytes:
    """A record in two parts (EntryRecord, IssueRecord): its head's length, then the head
    and the body, each after its checksum."""
    heads = pickle.dumps(head, protocol=pickle.HIGHEST_PROTOCOL)
    bodies = pickle.dumps(body, protocol=pickle.HIGHEST_PROTOCOL)
    size = len(heads).to_bytes(_LENGTH, "little")
    return b"".join((size, _checksum(heads), heads, _checksum(bodies), bodies))


def _head_end(data: bytes) -> int:
    """Where the body of a record :func:`_in_two` made begins (``data``: at least its first
    bytes)."""
    return _LENGTH + _CHECK + int.from_bytes(data[:_LENGTH], "little")


def _head_of(data: bytes, checked: bool = False) -> tuple[Any, int] | None:
    """The head of a record :func:`_in_two` made, and where its body begins; None if damaged
    (``data``: the whole record, or at least its head; ``checked``: a head from the heads
    file, whose checksum covers them all)."""
    end = _head_end(data)
    if len(data) < end:
        return None
    view = memoryview(data)
    # (At 10,000 entries, checking each head again cost 60 ms of every build.)
    if not checked and data[_LENGTH : _LENGTH + _CHECK] != _checksum(view[_LENGTH + _CHECK : end]):
        return None
    return pickle.loads(view[_LENGTH + _CHECK : end]), end


def _body_of(where: str | None, offset: int, data: bytes | None) -> tuple[Any, ...] | None:
    """The body of a record :func:`_in_two` made, from ``data`` (in memory) or its file
    ``where`` at ``offset``; None if damaged or gone. Any other trouble (no memory, a disk
    that fails to read) is raised, not taken for damage that would remove the record."""
    if data is None:
        assert where is not None
        try:
            with open(where, "rb") as handle:
                handle.seek(offset)
                data = handle.read()
        except FileNotFoundError:
            return None
    view = memoryview(data)
    if data[:_CHECK] != _checksum(view[_CHECK:]):
        return None
    try:
        values = pickle.loads(view[_CHECK:])
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):
        return None
    return cast("tuple[Any, ...]", values)


@dataclass
class Memory:
    """What a long-running process (the preview) keeps from one build to the next.

    Records already read (unpickling thousands of them again after each keystroke would cost
    more than the edit), and each source file's key by its size and modification time, so an
    unchanged file is not read again either.
    """

    records: dict[str, Any] = field(default_factory=dict)
    file_keys: dict[str, tuple[Identity, str, str]] = field(default_factory=dict)
    derived: dict[str, Any] = field(default_factory=dict)  # made from a record, by its key
    # Whether a build read the heads file already: a later one asks it only for records not
    # in memory (an edit's, new; an undo's, dropped from memory since), read from their own
    # files: reading the heads of a whole archive again would cost more than them.
    heads_read: bool = False


def _checksum(data: bytes | memoryview) -> bytes:
    # SHA-256, not BLAKE2: see write._blob_path.
    return hashlib.sha256(data).digest()[:_CHECK]


def _write_checked(path: str, tag: object, value: dict[str, Any]) -> bytes:
    """Write ``value`` pickled, under ``tag`` (what it must have been written for) and a
    checksum of both, atomically; the checksum."""
    data = pickle.dumps((tag, value), protocol=pickle.HIGHEST_PROTOCOL)
    checksum = _checksum(data)
    replace_file(path, checksum, data)
    return checksum


def _read_checked(path: str, tag: object) -> tuple[dict[str, Any], bytes] | None:
    """What :func:`_write_checked` wrote at ``path`` under ``tag``, and its checksum; None if
    there is none, or it is damaged, or it was written under another tag."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
        if data[:_CHECK] == _checksum(memoryview(data)[_CHECK:]):
            written, value = pickle.loads(memoryview(data)[_CHECK:])
            if written == tag and isinstance(value, dict):
                return value, data[:_CHECK]
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError):
        pass
    return None


def encode(record: Any) -> bytes:
    """A record as the cache stores it (and as forked workers send it back)."""
    # Not compressed: decompressing every record of a large archive cost more than reading
    # four times the bytes from the page cache.
    if isinstance(record, EntryRecord | IssueRecord):
        return record.encode()  # checksummed in parts: see EntryRecord
    data = pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL)
    return _checksum(data) + data


class BuildCache:
    """Pickled records in ``.dopemail/cache/<kind>/``, one file per key."""

    def __init__(
        self,
        root: Path,
        folder: Path | None = None,
        memory: Memory | None = None,
        keep: bool = True,
        keep_pages: bool = True,
        writes: bool = True,
        stats: Mapping[str, os.stat_result] | None = None,
    ):
        self.root = root
        self.folder = folder or root / CACHE_DIR
        self.context = context_key(root)
        self.memory = memory
        # keep=False (a throwaway cache, for --no-cache): records live in memory only, and
        # nothing is read from or written to disk.
        self.keep = keep
        if not keep and memory is not None and memory.records:
            # Its records are named by what they are within one build only (an issue's by
            # its file's name): a memory kept from another build would serve stale ones.
            raise ValueError("a throwaway cache (keep=False) needs a memory of its own")
        # keep_pages=False (the preview): pages that list the archive, remade after most
        # edits, stay in memory instead of piling up on disk until the next build prunes.
        self.keep_pages = keep_pages
        # writes=False (dopemail check): records on disk are read, none is written or
        # removed; what is made is kept in memory for this run.
        self.writes = writes
        self._base = f"{self.folder}{os.sep}"
        self.used: set[str] = set()  # record files read or written this build
        self.seen: set[str] = set()  # source files keyed this build
        # Source files' stats taken before the build began (fingerprint.inputs_stamp), by
        # path: a source is keyed by its stat there, not asked again (twice a build: before
        # the workers start, then as it loads; 11,000 stat calls each at 10,000 entries).
        # One saved since then is built as it was, and the stamp, taken before too, then no
        # longer matches it: the next build takes it as it is.
        self._stats = stats or {}
        self.marks: dict[str, str] = {}  # entry file name -> its mark, this build
        self.issue_keys: dict[str, str] = {}  # issue file -> its record's key, this build
        # (settings, issue file -> read ahead): see issuefiles.read_issues; and each issue file's
        # key, taken before the file is read (as an entry's is), for the issue's record.
        self.issues_read: tuple[Any, dict[str, Any]] | None = None
        self.issue_sources: dict[str, str] = {}
        self.derived_used: set[str] = set()
        # entry file name -> (key, record found this build or None)
        self.records: dict[str, tuple[str, EntryRecord | None]] = {}
        self._saved_keys: object = None  # the files' keys as file-keys.json holds them
        # The dopemail the last build that kept its keys was made with (fingerprint.
        # code_version), as file-keys.json says it: None when it says nothing (no build
        # yet), "" when it was made by a dopemail older than the record.
        self.last_code: str | None = None
        # The heads file's, by record file (None until first asked), and the heads of the
        # records this build used, for the next build's (see save_heads).
        self._heads: dict[str, bytes] | None = None
        self.used_heads: dict[str, bytes] = {}
        # The heads file's own heads (before the changes file's), and its checksum.
        self._whole_heads: dict[str, bytes] = {}
        self._heads_sum: bytes | None = None
        self._clock_offset: int | None = None  # the file system's clock minus this machine's
        if keep and memory is not None and not memory.file_keys:
            memory.file_keys = self._read_file_keys()
            read_picture_keys(self.folder, root)

    def _read_file_keys(self) -> dict[str, tuple[Identity, str, str]]:
        # What the last build learnt of each source file: a warm build reads (and hashes) only
        # the files whose stat changed since, as git's index does.
        try:
            with open(self._base + FILE_KEYS, "rb") as handle:
                known = json.loads(handle.read())
        except (OSError, ValueError):
            return {}
        if not isinstance(known, dict):
            return {}
        # Read before the context is compared: other code keyed its files by another.
        code = known.get("code", "")
        self.last_code = code if isinstance(code, str) else ""
        if known.get("context") != self.context:
            return {}
        keys = known.get("files")
        if not isinstance(keys, dict):
            return {}
        self._saved_keys = keys
        found: dict[str, tuple[Identity, str, str]] = {}
        for path, value in keys.items():
            if isinstance(value, list) and len(value) == 5 and isinstance(value[4], str):
                found[path] = (tuple(value[:4]), self.context, value[4])  # type: ignore[assignment]
        return found

    def save_file_keys(self) -> None:
        """Remember each source file's key by its stat, for the next build (see file_key)."""
        if not self.keep or not self.writes or self.memory is None:
            return
        files = {
            path: [*stat, key]
            for path, (stat, context, key) in self.memory.file_keys.items()
            if path in self.seen and context == self.context
        }
        self.used.add(str(self.folder / PICTURE_KEYS))
        save_picture_keys(self.folder, self.root)
        target = self._base + FILE_KEYS
        self.used.add(target)
        code = code_version()
        if files == self._saved_keys and self.last_code == code and os.path.isfile(target):
            return  # what the file says already (most builds)
        os.makedirs(self.folder, exist_ok=True)
        # json.dumps, not json.dump: dump writes through the pure-Python encoder, piece by piece.
        text = json.dumps(
            {"context": self.context, "code": code, "files": files}, separators=(",", ":")
        )
        replace_file(target, text.encode("utf-8"))
        self._saved_keys = files

    def file_key(self, path: str | Path) -> str:
        """The key of a source file: its name and bytes (read only when its stat changed)."""
        return self.keyed(path)[0]

    def keyed(self, path: str | Path) -> tuple[str, bytes | None]:
        """:meth:`file_key`, and the bytes it read to make it (None when the file's stat
        said it is unchanged): what is rendered from a file must be parsed from the bytes
        its key was made of (:meth:`read_key`)."""
        path = str(path)
        info = self._stats.get(path)
        if info is None or not info.st_ino:  # (Windows' listings give no inode: asked)
            info = os.stat(path)
        self.seen.add(path)
        if self.memory is not None:
            known = self.memory.file_keys.get(path)
            if known and known[0] == identity(info) and known[1] == self.context:
                return known[2], None
        return self._read_key(path, info)

    def read_key(self, path: str | Path) -> tuple[str, bytes]:
        """The file's bytes, read once, and the key made of them.

        A file keyed by one read and parsed from another could be saved in between: its
        record then held the new text under the old text's key, and stayed wrong once the
        file went back to the old text (an undo, a checkout) until it changed again.
        """
        path = str(path)
        self.seen.add(path)
        return self._read_key(path, os.stat(path))

    def _read_key(self, path: str, info: os.stat_result) -> tuple[str, bytes]:
        with open(path, "rb") as handle:
            data = handle.read()
        key = self.key(os.path.basename(path), data)
        # As git does: a file modified within two seconds of its read may change again within
        # the same timestamp tick with the same size, so its key is not remembered yet; nor
        # is it when the file changed while it was read (its stat then names other bytes).
        if (
            self.memory is not None
            and self._settled(info.st_mtime_ns)
            and identity(os.stat(path)) == (stat := identity(info))
        ):
            self.memory.file_keys[path] = (stat, self.context, key)
        return key, data

    def _settled(self, mtime_ns: int) -> bool:
        # Measured by the file system's clock (see fingerprint.fs_now), read once a build.
        if self._clock_offset is None:
            # (Read by touching a file: a cache that writes nothing takes this machine's.)
            self._clock_offset = fs_now(self.root) - time.time_ns() if self.writes else 0
        return time.time_ns() + self._clock_offset - mtime_ns > SETTLE_NS

    def key(self, *parts: bytes | str) -> str:
        """A record's key: the context and the given inputs."""
        digest = hashlib.sha256(self.context.encode())
        for part in parts:
            digest.update(path_bytes(part) if isinstance(part, str) else part)
            digest.update(b"\0")
        return digest.hexdigest()

    def _path(self, kind: str, key: str) -> str:
        # Plain strings: this runs for every entry and issue on every build.
        return f"{self._base}{kind}{os.sep}{key[:2]}{os.sep}{key}"

    def holds_none(self, kind: str) -> bool:
        """Whether no record of ``kind`` is stored at all (a first build, ``--no-cache``):
        then every key is missing, and nothing needs keying to find that out."""
        prefix = f"{self._base}{kind}{os.sep}"
        if self.memory is not None and any(p.startswith(prefix) for p in self.memory.records):
            return False
        return not (self.keep and os.path.isdir(prefix))

    def known_file_key(self, path: str | Path) -> tuple[Identity, str, str] | None:
        """What :meth:`file_key` remembers of a source file, to hand to another process."""
        return self.memory.file_keys.get(str(path)) if self.memory is not None else None

    def learn_file_key(self, path: str, known: tuple[Identity, str, str]) -> None:
        """Take what another process's :meth:`file_key` learnt of a file (it read the bytes
        so that this process does not); a file changed since then has another stat."""
        if self.memory is not None:
            self.memory.file_keys[path] = known

    def has(self, kind: str, key: str) -> bool:
        """Whether a record is stored under ``key`` (without reading it): its file is there,
        or the heads file names it (its body, if gone by the time it is asked for, is
        rendered again: see EntryRecord)."""
        path = self._path(kind, key)
        if self.memory is not None and path in self.memory.records:
            return True
        if kind in _IN_TWO and self.keep and path in self._held_heads() and path not in _REMOVED:
            return True
        return self.keep and os.path.isfile(path)

    def get(self, kind: str, key: str) -> Any | None:
        """The record stored under ``key``, or None (missing or unreadable: rebuild it).

        An entry's or issue's head is taken from the heads file when it holds it (its body,
        when asked for, from the record's file; one gone or damaged by then is rendered
        again, as ever: see EntryRecord)."""
        path = self._path(kind, key)
        if self.memory is not None and path in self.memory.records:
            self.used.add(path)
            return self.memory.records[path]
        if not self.keep:
            return None
        head = self._held_heads().get(path) if kind in _IN_TWO and path not in _REMOVED else None
        try:
            if head is not None:
                data = head
            else:
                with open(path, "rb") as handle:
                    if kind in _IN_TWO:  # its head alone (see EntryRecord)
                        data = handle.read(_HEAD_READ)
                        if len(data) < (end := _head_end(data)):
                            data += handle.read(end - len(data))
                    else:
                        data = handle.read()
            record = self._decode(kind, data, path, checked=head is not None)
        except Exception:  # noqa: BLE001 - whatever is wrong with a record, rebuild it
            return None
        if record is None:
            return None  # damaged on disk: render it again
        self.used.add(path)
        if kind in _IN_TWO:
            self.used_heads[path] = head or bytes(memoryview(data)[: _head_end(data)])
        if self.memory is not None:
            self.memory.records[path] = record
        return record

    def _held_heads(self) -> dict[str, bytes]:
        # The heads file, read once, if it was written in this context (see save_heads),
        # with the heads changed since, from the file of those, if it was written for it.
        if self._heads is None:
            self._heads = {}
            if self.memory is not None:
                if self.memory.heads_read:
                    return self._heads
                self.memory.heads_read = True
            found = _read_checked(self._base + HEADS, self.context)
            if found is not None:
                # Named in it from the cache's folder: a workspace moved keeps it.
                self._whole_heads = {self._base + name: head for name, head in found[0].items()}
                self._heads_sum = found[1]
                self._heads = dict(self._whole_heads)
                changed = _read_checked(self._base + HEADS_CHANGED, (self.context, found[1]))
                for name, head in changed[0].items() if changed is not None else ():
                    if head is None:
                        self._heads.pop(self._base + name, None)
                    else:
                        self._heads[self._base + name] = head
        return self._heads

    def save_heads(self, stored: set[str]) -> None:
        """Write the heads of the entries' and issues' records this build used that are
        on disk (``stored``), for the next build to read at once; not when they are what
        the heads file holds already (a build that rendered nothing).

        After a few edits, only the heads that changed since the heads file was written, in
        a file of their own (``heads-changed``, made for that heads file): at 10,000 entries
        the heads file is 18 MB, and writing it again (and freeing the old one) cost 250 ms
        of a build after one edit. Past a twentieth of them, the heads file is written again.
        """
        heads = {path: head for path, head in self.used_heads.items() if path in stored}
        target = self._base + HEADS
        # Whole heads compared, not only their records' names: an entry whose picture was
        # replaced is stored anew under the same name (its key is its file's), another head.
        if heads == self._held_heads() and os.path.isfile(target):
            return
        whole = self._whole_heads
        changed: dict[str, bytes | None] = {
            path[len(self._base) :]: head for path, head in heads.items() if whole.get(path) != head
        }
        changed.update({path[len(self._base) :]: None for path in whole if path not in heads})
        if self._heads_sum is not None and len(changed) <= max(_FEW_HEADS, len(heads) // 20):
            # Written for the heads file it changes: applied to no other.
            tag = (self.context, self._heads_sum)
            _write_checked(self._base + HEADS_CHANGED, tag, dict(sorted(changed.items())))
            self._heads = heads
            return
        named = {path[len(self._base) :]: head for path, head in sorted(heads.items())}
        checksum = _write_checked(target, self.context, named)
        # The changes file, if one is left, names the heads file before: no longer applied.
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self._base + HEADS_CHANGED)
        self._heads, self._whole_heads, self._heads_sum = heads, dict(heads), checksum

    def _decode(
        self, kind: str, data: bytes, where: str | None = None, checked: bool = False
    ) -> Any | None:
        if kind == ENTRIES:
            return EntryRecord.decode(data, where, checked)
        if kind == ISSUES:
            return IssueRecord.decode(data, where, checked)
        body = memoryview(data)[_CHECK:]  # a view, not a copy of tens of KB
        if data[:_CHECK] != _checksum(body):
            return None
        return pickle.loads(body)

    def put(self, kind: str, key: str, record: Any, disk: bool = True) -> None:
        """Store a record atomically (a crash never leaves half a record to read back).

        With a memory, ``disk=False`` keeps it there only.
        """
        path = self._path(kind, key)
        self.used.add(path)
        if self.memory is not None:
            self.memory.records[path] = record
            if not disk:
                return
        if self.keep:
            self._store(kind, path, encode(record))

    def put_encoded(self, kind: str, key: str, data: bytes) -> None:
        """Store a record that another process made with :func:`encode`."""
        path = self._path(kind, key)
        self.used.add(path)
        if self.memory is not None:
            self.memory.records[path] = self._decode(kind, data)
        if self.keep:
            self._store(kind, path, data)

    def _store(self, kind: str, path: str, data: bytes) -> None:
        if not self.writes:
            return
        os.makedirs(os.path.dirname(path), exist_ok=True)
        replace_file(path, data)
        if kind in _IN_TWO:
            self.used_heads[path] = data[: _head_end(data)]

    def remember(self, kind: str, make: Callable[[], T]) -> T:
        """``make()``, or what it made before in this context (the settings, dopemail's code
        and the templates): for what depends on nothing else, like the validated settings."""
        key = self.key(kind)
        found = self.get(kind, key)
        if found is None:
            found = make()
            self.put(kind, key, found)
        return cast(T, found)

    def forget_unused(self, issues_only: bool = False) -> None:
        """Drop from memory what this build did not use (outdated records, deleted files).

        ``issues_only``: for a build that failed after rendering the issues, which used all
        of them but not the pages that list the archive (made after the issues): only the
        issues' records and files it replaced, by far the largest, go; the rest stays for the
        build that follows the fix.
        """
        if self.memory is None:
            return
        records = self.memory.records
        if issues_only:
            issues = f"{self._base}issues{os.sep}"
            self.memory.records = {
                p: r for p, r in records.items() if p in self.used or not p.startswith(issues)
            }
        else:
            self.memory.records = {p: r for p, r in records.items() if p in self.used}
            keys = self.memory.file_keys
            self.memory.file_keys = {p: k for p, k in keys.items() if p in self.seen}
        derived = self.memory.derived
        self.memory.derived = {k: v for k, v in derived.items() if k in self.derived_used}

    def prune(self) -> None:
        """Remove the records this build did not use (deleted or outdated entries)."""
        if not self.keep or not self.writes:
            return  # a throwaway cache used nothing from the folder: it must not empty it
        self.used.update((self._base + HEADS, self._base + HEADS_CHANGED))
        stored = set()
        for path in _file_names(str(self.folder)):
            if path not in self.used and not (path.endswith(".tmp") and in_flight(path)):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(path)
            else:
                stored.add(path)
        self.save_heads(stored)
