"""The preview's state: the latest good build in memory, the current errors, and what changed.

:meth:`PreviewState.rebuild` is the preview's one call into the build: ``load_workspace`` then
``render_workspace``, exactly what ``dopemail build`` runs, minus the writing. A failed build
keeps the previous good one on show and records the errors for the overlay; the preview never
stops because of an editor's mistake.

Each successful build gets a new ``version``. Every output path remembers the version at which
its bytes last changed (``changed_at``), so a browser showing one issue reloads only when that
issue's files changed, not when an unrelated entry did (the mkdocs "epoch" idea, per page).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import itertools
import operator
import os
import secrets
import stat
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, cast

import jinja2

from ..build import Build, render_workspace, warnings_of
from ..cache import BuildCache, Memory, picture_stat
from ..config import SECRET_ENV
from ..content import RenderedEntry
from ..continuity import before_write
from ..errors import DopemailError, DopemailErrors
from ..fingerprint import identity
from ..load import load_workspace
from ..models import LoadedEntry
from ..patch import make_owed, patch_build
from ..quality import Verdict
from ..site import SITE_DIR, media_files, render_entry_page
from ..templates import compile_all, make_environment
from ..write import Output, Stored

#: Environment variables whose values must never reach a page, on top of the providers' keys.
_MORE_SECRETS = ("DOPEMAIL_UNSUBSCRIBE_SECRET",)
_SECRET_WORDS = ("KEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL")


def redact(text: str) -> str:
    """``text`` with the value of every secret-looking environment variable blanked out.

    Applied to everything the preview shows that did not come from the workspace's own files
    (error messages, the sender's answers): a provider that echoes a key back in an error
    message must not put it on a page.
    """
    names = set(SECRET_ENV.values()) | set(_MORE_SECRETS)
    names |= {n for n in os.environ if any(word in n.upper() for word in _SECRET_WORDS)}
    for name in names:
        value = os.environ.get(name, "")
        if len(value) >= 6 and value in text:
            text = text.replace(value, "[redacted]")
    return text


@dataclass(frozen=True)
class Problem:
    """One error as the overlay shows it: ``path:line: message`` and a hint."""

    location: str
    message: str
    hint: str | None = None

    @classmethod
    def from_error(cls, error: DopemailError) -> Problem:
        """The overlay's view of a DopemailError, secrets blanked."""
        return cls(
            redact(error.location()),
            redact(error.message),
            redact(error.hint) if error.hint else None,
        )

    @classmethod
    def internal(cls, error: Exception) -> Problem:
        """The overlay's view of a bug in dopemail (its traceback printed in the terminal,
        where the caller catches it): the preview goes on."""
        traceback.print_exc()
        return cls(
            "",
            redact(f"internal error: {type(error).__name__}: {error}"),
            "this is a bug in dopemail: the traceback is in the terminal",
        )

    def as_dict(self) -> dict[str, str | None]:
        """JSON-ready form, for the ``/_events`` stream."""
        return {"location": self.location, "message": self.message, "hint": self.hint}


@dataclass(frozen=True)
class Snapshot:
    """Everything the server needs to answer a request; replaced whole, never mutated."""

    boot: str = ""  # this process's id: a page from before a restart reloads
    seq: int = 0  # bumps on every change, good or bad: wakes the event streams
    version: int = 0  # bumps on every successful build
    build: Build | None = None
    outputs: Mapping[str, Output] = field(default_factory=dict)
    # Each output's signature when its build was published (see _signature): a picture is
    # served from its file only while that file is still the one the build saw.
    signatures: Mapping[str, bytes] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()
    # The seq of the save that last reported the problems: a save that fails again, even
    # with the same problems, is news to an editor who hid the overlay (see live.js).
    failed_at: int = 0
    changed_at: Mapping[str, int] = field(default_factory=dict)
    seconds: float = 0.0  # how long the last build took
    drafts_only: bool = False  # the problems are a draft's page's: the build itself is fine
    # The pages ('site/slug/') of the failing drafts that never rendered: none to show.
    drafts_unshown: tuple[str, ...] = ()
    drafts_failed: int = 0  # how many drafts' pages failed, those shown as last made too
    # An entry renamed while previewing: its old page ('site/old/') -> its new page and its
    # file, so that the tab left open on the old address says where it went.
    renamed: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    feeds_failed: bool = False  # the build is shown, but making its feeds failed (a bug)
    # What is worked out of the build when first asked (its warnings), shared by the
    # snapshots that show the same build: its pages' and then its feeds' (see
    # PreviewState._publish_owed), one with problems over it.
    memo: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def problems_title(self) -> str:
        """What the overlay says the problems below it are, and what the page shows."""
        if self.feeds_failed:
            return (
                "The pages are up to date, but their feeds could not be made again: the feeds "
                "are the last good ones. The next save tries again."
            )
        if self.drafts_only and self.drafts_unshown:
            pages = ", ".join(f"/{page}" for page in self.drafts_unshown)
            others = self.drafts_failed > len(self.drafts_unshown)
            return (
                "A draft's page failed (build and check pass: drafts are not published), and "
                f"there is no earlier version of {pages} to show: not found until it renders"
                + ("; the other drafts' last good versions are shown" if others else "")
                + ". Fix the file and save; this clears by itself."
            )
        if self.drafts_only:
            return (
                "A draft's page failed (build and check pass: drafts are not published); "
                "its last good version is shown. Fix the file and save; this clears by itself."
            )
        if self.version == 0:
            return "The build failed, and nothing has built yet. Fix the file and save."
        return (
            "The build failed: the page shows the last good build. Fix the file and save; "
            "this clears by itself."
        )

    @property
    def warnings(self) -> tuple[str, ...]:
        """What ``build`` and ``check`` would warn of, as the index shows it: worked out
        once per build shown, and only when asked (an index page open, or opened). At
        10,000 entries that takes 0.2 s: an open index asked it again of the feeds' snapshot,
        the same build, at every save."""
        found = self.memo.get("warnings")
        if found is None:
            # With what the next build would change that readers hold (a sent issue's email, a
            # page gone, feed ids), as `check` says it: edits made in the preview, its index
            # said nothing of them.
            told = (
                [*warnings_of(self.build), *before_write(self.build, pages=False)]
                if self.build
                else []
            )
            found = tuple(str(w) for w in told)
            self.memo["warnings"] = found
        return cast("tuple[str, ...]", found)

    @property
    def warnings_key(self) -> str:
        """A short digest of :attr:`warnings`: an open index reloads when it changes."""
        found = self.memo.get("warnings_key")
        if found is None:
            found = self.memo["warnings_key"] = _digest(self.warnings).hex()[:16]
        return cast(str, found)

    def changed_since(self, version: int, deps: Iterable[str]) -> bool:
        """Whether any output under one of the ``deps`` prefixes changed after ``version``.

        The prefix ``*`` stands for every output (the index page shows them all).
        """
        if version >= self.version:
            return False
        prefixes = tuple(deps)
        if "*" in prefixes:
            return any(v > version for v in self.changed_at.values())
        return any(v > version for path, v in self.changed_at.items() if path.startswith(prefixes))


#: The names of what the preview's pages show beyond the outputs (see PreviewState._shown_only).
SHOWN_PREFIX = "_preview/"


def _digest(value: object) -> bytes:
    return hashlib.sha256(repr(value).encode()).digest()


def _checks(verdict: Verdict) -> bytes:
    # As the issue page shows them: each warning with its line and hint (its repr has neither).
    shown = (verdict.size, verdict.checks, [str(w) for w in verdict.warnings])
    return _digest(shown)


def _signature(output: Output) -> bytes:
    if isinstance(output, Path):
        # Media are copied from disk when served; their stat says whether they changed. The
        # one the build measured them by, where it did: a file swapped since is not its.
        info = picture_stat(str(output))
        if info is None:
            return b"missing"
        return ":".join(map(str, identity(info))).encode()
    if isinstance(output, Stored):  # the same hash, of bytes not read
        return bytes.fromhex(output.digest)
    return hashlib.sha256(output).digest()  # not BLAKE2: see write._blob_path


def as_published(signature: bytes | None, info: os.stat_result) -> bool:
    """Whether a picture's file, as ``info`` (its stat, links followed) finds it now, is the
    one its build published with ``signature``: a regular file of the same size,
    modification time and inode (its change time aside: a chmod changes no byte)."""
    if signature is None or not stat.S_ISREG(info.st_mode):
        return False
    try:
        size, mtime, _, inode = map(int, signature.split(b":"))
    except ValueError:  # b"missing", or not a picture's
        return False
    return (size, mtime, inode) == (info.st_size, info.st_mtime_ns, info.st_ino)


class DraftPagesFailed(DopemailErrors):
    """Some drafts' pages failed to render: their errors, the outputs of the others
    (``found``) and the slugs of those that failed (``failed``)."""

    def __init__(
        self, errors: Iterable[DopemailError], found: dict[str, Output], failed: list[str]
    ) -> None:
        super().__init__(errors)
        self.found = found
        self.failed = failed


def draft_outputs(
    build: Build,
    env: jinja2.Environment | None = None,
    known: dict[str, tuple[RenderedEntry, bytes]] | None = None,
) -> dict[str, Output]:
    """Pages (and their media) for draft entries, which the build leaves out of the site.

    Editors preview drafts before publishing them, so the preview renders their pages with the
    build's own page renderer and serves them where they will live once published. ``env``
    and ``known`` (slug -> the rendered entry and its page last time) let a long-running
    process render only the drafts that changed. Raises :class:`DraftPagesFailed` when some
    pages fail: each draft is rendered on its own, so the others' are still made.
    """
    drafts = build.lists()[1]
    if not drafts:
        if known is not None:
            known.clear()
        return {}
    workspace = build.workspace
    env = env or make_environment(workspace.root, language=workspace.settings.publication.language)
    found: dict[str, Output] = {}
    errors: list[DopemailError] = []
    failed: list[str] = []
    for item in drafts:
        before = known.get(item.entry.slug) if known is not None else None
        if before is not None and before[0] is item:
            page = before[1]
        else:
            try:
                page = render_entry_page(env, item, workspace.settings)
            except DopemailError as exc:
                errors.extend(getattr(exc, "errors", [exc]))
                failed.append(item.entry.slug)
                continue
        if known is not None:
            known[item.entry.slug] = (item, page)
        found[f"{SITE_DIR}/{item.entry.slug}/index.html"] = page
    if known is not None:  # forget drafts published or deleted since
        for slug in set(known) - {item.entry.slug for item in drafts}:
            del known[slug]
    found.update(media_files(workspace, drafts))
    if failed:
        raise DraftPagesFailed(errors, found, failed)
    return found


def _compiled(env: jinja2.Environment) -> jinja2.Environment:
    # Compiled now, while the preview starts or the templates were just edited, rather than
    # on the first edit of an entry, which would wait for them.
    compile_all(env)
    return env


#: How long after the last rebuild the cyclic collector runs, off the path of the refresh.
TIDY_SECONDS = 1.0
#: Saves that never stop (an editor's autosave) still let it run this often.
TIDY_AT_LEAST_EVERY = 30.0


class _Collector:
    """The cyclic collector, paused while building and run once the saves stop.

    Scanning what a rebuild made (the cache's records, the outputs) cost a third of a
    refresh, whether during the rebuild or right after it while the page reloads. So it stays
    off while building, and ``TIDY_SECONDS`` after the last rebuild it collects what the
    rebuilds left (under the build lock, never during one) and freezes the survivors, which
    later collections then skip. Reference counting still frees them when a rebuild
    replaces them, but for cycles (a templates' environment): after a full build the next
    tidy unfreezes everything first. The first collection after a full build of 10,000
    entries takes most of a second, during which a save would wait: each rebuild puts the
    next one off (but never beyond ``TIDY_AT_LEAST_EVERY``), so an editor saving again and
    again does not meet it.
    """

    def __init__(self, lock: threading.Lock) -> None:
        self.lock = lock
        self.timer: threading.Timer | None = None
        self.builds = 0
        self.tidied = time.monotonic()
        # A full build since the last tidy: what it replaced (the templates' environment,
        # whose cycles reference counting cannot free) was frozen while in use.
        self.replaced = False

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        """Build with the collector off; tidy a moment after the last build."""
        self.builds += 1
        if self.timer is not None:
            self.timer.cancel()
        gc.disable()
        try:
            yield
        finally:
            self.timer = threading.Timer(TIDY_SECONDS, self._run, (self.builds,))
            self.timer.daemon = True
            self.timer.start()

    def _run(self, builds: int) -> None:
        with self.lock:  # never during a rebuild
            # A rebuild that ran while this waited for the lock has its own timer.
            overdue = time.monotonic() - self.tidied > TIDY_AT_LEAST_EVERY
            if builds != self.builds and not overdue:
                return
            if self.replaced:
                # Frozen, the replaced objects would never be collected: 30 MB held after
                # fifty saves of a template. A full build costs more than this collection.
                gc.unfreeze()
                self.replaced = False
            gc.collect()
            gc.freeze()
            gc.enable()
            self.tidied = time.monotonic()


#: Entries gone from the build remembered, to find the new name of one renamed, and entries
#: new in it, to find the old name of one saved under a new one before the old is deleted.
_GONE_KEPT = 50
#: How many builds that change the entries each is remembered for: a rename takes a few
#: saves; one long gone, matched later, took a mere copy of a file for its rename.
_RENAME_BUILDS = 20

# Files named in a log line at most: a checkout changes hundreds, and named them all in one
# line thousands of characters long.
_NAMED = 5


def _named(paths: list[str]) -> str:
    """``paths`` for a log line: the first few, then how many more."""
    if len(paths) <= _NAMED:
        return ", ".join(paths)
    return f"{', '.join(paths[: _NAMED - 1])} and {len(paths) - _NAMED + 1} more files"


def _slugs_changed(before: list[RenderedEntry], after: list[RenderedEntry]) -> bool:
    """Whether an entry came, went or changed its slug between two builds' lists. A patched
    build keeps the objects of the entries it did not render again: those compared, the
    slugs of the few others. Every entry's slug, asked at every save, was 20 ms of the
    preview's rebuild at 10,000 entries."""
    if len(before) != len(after):
        return True
    changed = list(itertools.compress(itertools.count(), map(operator.is_not, before, after)))
    old = Counter(before[i].entry.slug for i in changed)
    return old != Counter(after[i].entry.slug for i in changed)


def _twin_key(entry: LoadedEntry) -> tuple[object, object]:
    # What an entry renamed keeps: its title and date. (Its title is in its fields, read
    # from the cache when asked: only of entries of the same date, see PreviewState._renames.)
    return entry.meta.title, entry.published


class PreviewState:
    """The latest build of one workspace, rebuilt on demand under a lock."""

    def __init__(self, root: Path, log: Callable[[str], None] = lambda line: None) -> None:
        self.root = root.resolve()
        self.log = log
        # Versions restart at 1 with each process: pages opened before a restart must reload.
        self.boot = secrets.token_hex(4)
        self._lock = threading.Lock()  # one build at a time
        self._changed = threading.Condition()  # event streams wait on it
        self._signatures: dict[str, bytes] = {}
        # What _shown_only made of the last build's settings and issues (each object kept,
        # so that its id is not another's).
        self._settings_shown: tuple[object, bytes] = (None, b"")
        self._issues_shown: dict[int, tuple[object, str, object, bytes]] = {}
        self._memory = Memory()
        self._env: tuple[str, jinja2.Environment] | None = None
        self._drafts: dict[str, tuple[RenderedEntry, bytes]] = {}
        self._draft_pages: dict[str, Output] = {}  # the drafts' outputs when last made
        self._dirty: set[str] = set()
        # Entries gone from the last builds and entries new in them, by slug, each with the
        # build it went or came in (a rename may come as two saves, in either order), and the
        # renames found: old slug -> new slug.
        self._gone: dict[str, tuple[LoadedEntry, int]] = {}
        self._added: dict[str, tuple[LoadedEntry, int]] = {}
        self._entry_builds = 0  # the builds whose entries changed (an edit's too)
        self._renamed: dict[str, str] = {}
        self._moved: dict[str, tuple[str, str]] = {}
        self._collector = _Collector(self._lock)
        self.snapshot = Snapshot(boot=self.boot)

    def rebuild(self, changed: Iterable[str] = ()) -> Snapshot:
        """Build again after ``changed`` files (workspace-relative) and publish the result.

        When only entry or issue files changed since the last good build, that build is
        patched (:func:`dopemail.patch.patch_build`); anything else is a full build.
        """
        changed = set(changed)
        what = _named(sorted(changed)) or "start"
        with self._lock, self._collector.paused():
            started = time.perf_counter()
            old = self.snapshot
            problems: list[Problem] = []
            # Files saved since the last good build, this save included: a patch must not
            # hide a file that broke an earlier rebuild and is still broken.
            pending = changed | self._dirty
            self._dirty = pending
            try:
                build = None
                if old.build is not None and self._env is not None and changed:
                    # The feeds after the pages (see below): what the editor looks at first.
                    build = patch_build(old.build, pending, self._env[1], feeds_later=True)
                how = "built" if build is None else "patched"
                self._collector.replaced |= build is None
                if build is None:
                    # The build's cache, with what the last build read still in memory: an
                    # edit reads and re-renders only the entry or issue it touched.
                    cache = BuildCache(self.root, memory=self._memory, keep_pages=False)
                    workspace = load_workspace(self.root, cache)
                    try:
                        build = render_workspace(workspace, cache)
                    except DopemailError:
                        # An issue too large for an email, say: the issues it rendered
                        # replace the last ones, as after a build that succeeds. Kept, each
                        # failed save left a copy of what it rendered in memory (35 MB a
                        # save for an issue of 300 films). (Nothing after a failed load,
                        # which renders nothing.)
                        cache.forget_unused(issues_only=True)
                        raise
                    cache.forget_unused()
                    build.lists()  # made now, the next patch starts from them
                    # One environment while the templates and settings stay (a new override
                    # is a new context); and each draft's page until the draft changes.
                    if self._env is None or self._env[0] != cache.context:
                        language = build.workspace.settings.publication.language
                        made = make_environment(self.root, language=language)
                        self._env = (cache.context, _compiled(made))
                        self._drafts = {}
            except DopemailError as exc:
                errors = getattr(exc, "errors", [exc])
                self._publish(old, tuple(Problem.from_error(e) for e in errors))
                self.log(f"build failed ({what}):\n{redact(str(exc))}")
                return self.snapshot
            except Exception as exc:  # a bug in dopemail must not stop the preview
                problem = Problem.internal(exc)
                self._publish(old, (problem,))
                self.log(f"build failed ({what}): {problem.message}")
                return self.snapshot
            self._dirty = set()
            outputs: dict[str, Output] = dict(build.outputs)
            kept = self._draft_pages
            drafts = build.lists()[1]
            failing = [d.entry.slug for d in drafts]
            try:
                extra = draft_outputs(build, self._env[1], self._drafts)
                failing = []
            except DraftPagesFailed as exc:
                # Those that rendered are shown anew; those that failed, as last shown.
                problems = list(dict.fromkeys(Problem.from_error(e) for e in exc.errors))
                self.log(f"a draft entry's page failed:\n{redact(str(exc))}")
                kept = {k: v for k, v in exc.found.items() if k not in outputs}
                failing = exc.failed
            except DopemailError as exc:
                # The build itself is fine: show it, and the draft's problem over it.
                problems = [Problem.from_error(e) for e in getattr(exc, "errors", [exc])]
                self.log(f"a draft entry's page failed:\n{redact(str(exc))}")
            except Exception as exc:  # a bug in dopemail must not stop the preview (above)
                problems = [Problem.internal(exc)]
                self.log(f"a draft entry's page failed: {problems[0].message}")
            else:
                kept = self._draft_pages = {k: v for k, v in extra.items() if k not in outputs}
            # Failed, the drafts' pages of the last time they rendered, not a 404; of the
            # drafts there still are (one deleted meanwhile is a 404).
            unshown: list[str] = []
            if problems:
                pages = {f"{SITE_DIR}/{d.entry.slug}/index.html" for d in drafts}
                kept = {
                    k: v for k, v in kept.items() if not k.endswith("/index.html") or k in pages
                }
                # The last page shown at its address, whatever the entry was then: one just
                # made a draft was shown as published, and its page is what the editor had.
                for slug in failing:
                    page = f"{SITE_DIR}/{slug}/index.html"
                    last = kept.get(page)
                    last = old.outputs.get(page) if last is None else last
                    if page in outputs:
                        continue
                    if last is None:
                        unshown.append(f"{SITE_DIR}/{slug}/")
                    else:
                        kept[page] = last
            outputs.update({k: v for k, v in kept.items() if k not in outputs})
            renamed = self._renames(old.build, build)
            seconds = time.perf_counter() - started
            self._publish(
                old,
                tuple(problems),
                build,
                outputs,
                seconds,
                drafts=bool(problems),
                unshown=tuple(unshown),
                failed=len(failing),
                renamed=renamed,
            )
            self.log(f"{how} in {seconds * 1000:.0f} ms ({what})")
            if build.owed:
                self._publish_owed(build, outputs, tuple(problems), bool(problems))
            return self.snapshot

    def _renames(self, before: Build | None, after: Build) -> dict[str, tuple[str, str]]:
        # A renamed file is an entry gone and one new: the same file (its 'slug:' edited),
        # or the same title and date, across saves in either order (deleted, then saved
        # anew; or "Save As", then the old one deleted). Renamed back, or with 'slug:'
        # keeping its old address, the old page is there again and nothing is said.
        if before is not None and before.entries is not after.entries:
            self._entry_builds += 1
            build_no = self._entry_builds
            if not _slugs_changed(before.entries, after.entries):
                # An edit: no entry came or went (counted all the same: the entries gone
                # are forgotten after so many builds changing the entries, edits too).
                return self._moved
            was = {r.entry.slug: r.entry for r in before.entries}
            now = {r.entry.slug: r.entry for r in after.entries}
            gone = [slug for slug in was if slug not in now]
            added = [slug for slug in now if slug not in was]
            # Those of too many builds ago are forgotten: a file long deleted is no rename
            # of one copied later.
            self._gone = {
                s: (e, n) for s, (e, n) in self._gone.items() if build_no - n < _RENAME_BUILDS
            }
            self._added = {
                s: (e, n)
                for s, (e, n) in self._added.items()
                if s in now and build_no - n < _RENAME_BUILDS
            }
            for slug in gone:
                self._gone.pop(slug, None)
                self._gone[slug] = (was[slug], build_no)
            # The entries of each title and date: one of two alike is a copy, whose old
            # name cannot be told (nothing is said). Found among those of the same date,
            # which every entry holds at hand: the titles of all, read from the cache at
            # every save, were a third of the preview's rebuild at 1,000 entries.
            dated: dict[object, list[str]] = {}
            for slug, entry in now.items():
                dated.setdefault(entry.published, []).append(slug)

            def alike(entry: LoadedEntry) -> list[str]:
                key = _twin_key(entry)
                return [s for s in dated.get(entry.published, ()) if _twin_key(now[s]) == key]

            for slug in added:
                new = now[slug]
                old = next((o for o, (e, _) in self._gone.items() if e.path == new.path), None)
                if old is None and alike(new) == [slug]:
                    olds = [o for o, (e, _) in self._gone.items() if _twin_key(e) == _twin_key(new)]
                    old = olds[0] if len(olds) == 1 else None
                if old is None:
                    self._added[slug] = (new, build_no)
                    continue
                del self._gone[old]
                self._rename(old, slug)
            # Saved under its new name first: the entry gone matched with one new in a
            # recent build, still there.
            for slug in gone:
                if slug not in self._gone:
                    continue  # matched above
                twins = alike(was[slug])
                if len(twins) == 1 and twins[0] in self._added:
                    del self._gone[slug], self._added[twins[0]]
                    self._rename(slug, twins[0])
            self._renamed = {o: n for o, n in self._renamed.items() if o not in now and n in now}
            for kept in (self._gone, self._added):
                for slug in list(kept)[: max(0, len(kept) - _GONE_KEPT)]:
                    del kept[slug]
            moved = self._renamed.items()
            self._moved = {f"{SITE_DIR}/{o}/": (f"{SITE_DIR}/{n}/", now[n].path) for o, n in moved}
        return self._moved

    def _rename(self, old: str, new: str) -> None:
        for first, then in list(self._renamed.items()):
            if then == old:  # renamed twice: the first address leads to the last
                self._renamed[first] = new
        self._renamed[old] = new

    def _publish_owed(
        self, build: Build, outputs: dict[str, Output], problems: tuple[Problem, ...], drafts: bool
    ) -> None:
        # The feeds of 50 full-content items, made again through feedgen, were half of a
        # patch's time: the edited page and issue are published without them, and they
        # follow here (a page showing a feed reloads when it changes). Still under the lock,
        # so the next save patches this build, feeds made. Should they fail, the build
        # published keeps owing them, and the next patch makes them.
        started = time.perf_counter()
        try:
            fed = make_owed(build)
        except Exception as exc:  # a bug in dopemail must not stop the preview (above)
            problem = Problem.internal(exc)
            self._publish(self.snapshot, (*problems, problem), feeds_failed=True)
            self.log(f"the feeds failed: {problem.message}")
            return
        outputs = {**outputs, **{path: fed.outputs[path] for path in fed.touched or ()}}
        seconds = time.perf_counter() - started
        shown = self.snapshot  # the pages': the same build, its warnings the same
        total = shown.seconds + seconds  # (the index page's "built in")
        self._publish(
            shown,
            problems,
            fed,
            outputs,
            total,
            drafts=drafts,
            memo=shown.memo,
            unshown=shown.drafts_unshown,
            failed=shown.drafts_failed,
        )
        self.log(f"feeds made in {seconds * 1000:.0f} ms ({_named(sorted(build.owed))})")

    def _publish(
        self,
        old: Snapshot,
        problems: tuple[Problem, ...],
        build: Build | None = None,
        outputs: dict[str, Output] | None = None,
        seconds: float = 0.0,
        drafts: bool = False,
        feeds_failed: bool = False,
        memo: dict[str, Any] | None = None,
        unshown: tuple[str, ...] = (),
        failed: int = 0,
        renamed: Mapping[str, tuple[str, str]] | None = None,
    ) -> None:
        if build is None or outputs is None:
            # A failed build: keep showing the last good one, with the problems over it. (Or
            # its feeds failed: it is shown, and a draft's problem is still only a draft's.)
            new = replace(
                old,
                seq=old.seq + 1,
                problems=problems,
                failed_at=old.seq + 1 if problems else 0,
                drafts_only=old.drafts_only and feeds_failed,
                drafts_unshown=old.drafts_unshown if feeds_failed else (),
                drafts_failed=old.drafts_failed if feeds_failed else 0,
                feeds_failed=feeds_failed,
            )
        else:
            version = old.version + 1
            changed_at = dict(old.changed_at.copy())  # (a C copy of the dict inside the proxy)
            # An output taken from the cache (or kept by a patch) is the very object served
            # last time: hashing every page of a large archive after each keystroke would
            # cost more than the edit.
            before = old.outputs
            signatures = dict(self._signatures)
            # A patched build names what it changed; the drafts' pages and media may too.
            candidates: Iterable[str] = outputs.keys()
            if build.touched is not None:
                candidates = build.touched | (outputs.keys() - build.outputs.keys())
            for path in candidates:
                out = outputs.get(path)
                if out is None:
                    continue  # removed: marked below
                if before.get(path) is out and not isinstance(out, Path) and path in signatures:
                    continue
                signature = _signature(out)
                if signatures.get(path) != signature:
                    signatures[path] = signature
                    changed_at[path] = version
            shown = self._shown_only(build)
            for path, signature in shown.items():
                if signatures.get(path) != signature:
                    signatures[path] = signature
                    changed_at[path] = version
            for path in signatures.keys() - outputs.keys() - shown.keys():
                del signatures[path]
                changed_at[path] = version  # removed: a page showing it must now show the 404
            self._signatures = signatures
            new = Snapshot(
                boot=old.boot,
                seq=old.seq + 1,
                version=version,
                build=build,
                outputs=MappingProxyType(outputs),
                # (Never changed once published: the next build copies it; see above.)
                signatures=MappingProxyType(signatures),
                problems=problems,
                # The feeds made after the pages are the same save: not a failure again.
                failed_at=(old.failed_at if memo is not None else old.seq + 1) if problems else 0,
                changed_at=MappingProxyType(changed_at),
                seconds=seconds,
                drafts_only=drafts,
                drafts_unshown=unshown,
                drafts_failed=failed if problems else 0,
                renamed=old.renamed if renamed is None else MappingProxyType(renamed),
                memo={} if memo is None else memo,
            )
        with self._changed:
            self.snapshot = new
            self._changed.notify_all()

    def _shown_only(self, build: Build) -> dict[str, bytes]:
        # What the preview's own pages show beyond the outputs, as pseudo-outputs that pages
        # depend on like any other (SHOWN_PREFIX): the settings (an issue page's size
        # limits, its provider and outbox) and each issue's checks. A change to the limits
        # alone changes no output: the open issue page went on showing the old ones.
        # A patch keeps the settings and the issues it did not touch, the very objects: what
        # they show is not made again (at 10,000 entries, 1,000 issues' keys and checks
        # took 7 ms of each save).
        settings = build.workspace.settings
        if self._settings_shown[0] is not settings:
            self._settings_shown = (settings, _digest(settings))
        shown = {f"{SHOWN_PREFIX}settings": self._settings_shown[1]}
        last = self._issues_shown
        by_verdict: dict[int, tuple[object, str, object, bytes]] | None = None
        issues: dict[int, tuple[object, str, object, bytes]] = {}
        for item in build.issues:
            kept = last.get(id(item))
            if kept is None or kept[0] is not item:
                # A full build from the cache makes new issues with the same checks: those
                # are not digested again either.
                if by_verdict is None:
                    by_verdict = {id(k[2]): k for k in last.values()}
                verdict = item.verdict
                same = by_verdict.get(id(verdict))
                digest = same[3] if same and same[2] is verdict else _checks(verdict)
                kept = (item, f"{SHOWN_PREFIX}issue/{item.issue.key}", verdict, digest)
            issues[id(item)] = kept
            shown[kept[1]] = kept[3]
        self._issues_shown = issues
        return shown

    def wait(self, seq: int, timeout: float) -> Snapshot:
        """The snapshot after ``seq`` as soon as there is one, or the current one at ``timeout``."""
        with self._changed:
            self._changed.wait_for(lambda: self.snapshot.seq > seq, timeout)
            return self.snapshot

    def warm_up(self) -> None:
        """Do, once, what the first save after start-up would do for the first time: the
        start-up build takes everything from the cache, so the first patch imported the
        renderers, built the validators, compiled templates and read the bodies of the
        entries the feeds show (at 10,000 entries, 520 ms against 150 for the next save).
        The newest published entry (a draft has no page and is in no feed), and one that
        an issue gathers, are patched as if saved, and the result dropped: nothing is shown.
        Run in the background after start-up; a save meanwhile waits for it. (The collector
        paused, as for a build: see _Collector.)"""
        with self._lock, self._collector.paused():
            build = self.snapshot.build
            if build is None or self._env is None or not build.entries:
                return
            published = build.lists()[0]
            saved = {(published or build.entries)[0].entry.path}
            gathered = (e.path for i in build.issues for e in i.issue.all_entries)
            saved.update(itertools.islice(gathered, 1))  # the issues' renderers too
            # Whatever fails here fails again, and is reported, when the editor saves.
            with contextlib.suppress(Exception):
                patch_build(build, sorted(saved), self._env[1])

    def wake(self) -> None:
        """Wake every waiting event stream (at shutdown, so their threads end)."""
        with self._changed:
            self._changed.notify_all()
