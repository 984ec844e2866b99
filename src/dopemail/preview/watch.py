"""Watch a workspace's sources and call back with the changed paths, in batches.

Two watchfiles threads share the work, so that neither ``site/`` nor a ``.venv`` next to the
sources is ever watched (a recursive watch on the workspace would add an inotify watch per
folder, thousands of them in a large publication):

- the *top* thread watches the workspace folder itself, not recursively: ``dopemail.toml``
  (also when an editor saves it by writing a new file and renaming it over the old one) and
  the appearance or removal of ``entries/``, ``issues/``, ``templates/`` or ``media/``;
- the *tree* thread watches those folders recursively, and the folders linked into them from
  elsewhere (``media/a-film`` -> a synced folder), which a recursive watch does not enter; it
  is restarted when the set changes.

watchfiles groups the events of one save (``step``): a batch arrives ~10 ms after the last
event. A single builder thread takes the batches and calls back, so builds never overlap and
changes made during a build are gathered into the next one.
"""

from __future__ import annotations

import os
import queue
import threading
import traceback
from collections.abc import Callable
from pathlib import Path

import watchfiles

from ..config import CONFIG_NAME
from ..filenames import named_as_markdown
from ..fingerprint import encloses, looped
from ..layout import ENTRIES_DIR, ISSUES_DIR, MEDIA_DIR
from ..templates import TEMPLATES_DIR

#: The folders of sources, watched recursively when they exist.
SOURCE_DIRS = (ENTRIES_DIR, ISSUES_DIR, TEMPLATES_DIR, MEDIA_DIR)

_STEP_MS = 10  # quiet time that closes a batch of events (an editor's save is a burst of
# a millisecond or less; one split in two may show the half-saved file for a moment, as an
# error or a stale page, until the second batch's rebuild replaces it)
_DEBOUNCE_MS = 400  # longest a batch may keep growing while events keep coming
_RETRY_SECONDS = 0.5


def is_source(rel: str) -> bool:
    """Whether a change to ``rel`` (relative to the workspace) can change the build."""
    top, _, rest = rel.partition("/")
    if not rest:
        return rel == CONFIG_NAME or rel in SOURCE_DIRS
    if top in (ENTRIES_DIR, ISSUES_DIR):
        # What the loader reads, and what it reports as misnamed ('.markdown') or filed in
        # a folder inside (entries/2024/...): such a piece was missing without a word.
        folders, _, name = rest.rpartition("/")
        hidden = any(part.startswith(".") for part in folders.split("/") if part)
        return not hidden and named_as_markdown(name)  # (.trash/: an editor's own)
    return top in (TEMPLATES_DIR, MEDIA_DIR)


def linked_folders(folders: list[Path]) -> dict[Path, Path]:
    """The folders linked into ``folders`` (at any depth, through links too): each one's real
    path -> the path it has through its link. A link to a folder above it, or back into one
    already walked, is not followed again (the build walks them the same way)."""
    found: dict[Path, Path] = {}

    def walk(folder: Path, real: str, entered: frozenset[str]) -> None:
        try:
            items = list(os.scandir(folder))
        except OSError:
            return
        for item in items:
            try:
                if not item.is_dir():
                    continue
                link = item.is_symlink()
            except OSError:  # a link that loops
                continue
            path = folder / item.name
            if not link:
                walk(path, os.path.join(real, item.name), entered)
                continue
            target = os.path.realpath(path)
            if looped(target, real, entered) or any(encloses(target, r) for r in roots):
                continue
            found[Path(target)] = path
            walk(path, target, entered | {target})

    roots = [os.path.realpath(folder) for folder in folders]
    for folder, real in zip(folders, roots, strict=True):
        walk(folder, real, frozenset({real}))
    return found


class Watcher:
    """Calls ``on_change(paths relative to root)`` after the sources change."""

    def __init__(self, root: Path, on_change: Callable[[set[str]], None]) -> None:
        self.root = root.resolve()
        self.on_change = on_change
        self._stop = threading.Event()
        self._tree_stop = threading.Event()
        self._batches: queue.Queue[set[str] | None] = queue.Queue()
        self._threads: list[threading.Thread] = []
        self._tree_folders: list[Path] = []
        self._links: dict[Path, Path] = {}  # linked folders' real paths -> through their link

    def start(self) -> None:
        """Start watching (in daemon threads)."""
        for target, name in (
            (self._watch_top, "dopemail-watch-top"),
            (self._watch_tree, "dopemail-watch-tree"),
            (self._deliver, "dopemail-rebuild"),
        ):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self, timeout: float = 2.0) -> None:
        """Stop every thread; waits at most ``timeout`` seconds for each."""
        self._stop.set()
        self._tree_stop.set()
        self._batches.put(None)
        for thread in self._threads:
            thread.join(timeout)

    def _relative(self, changes: set[tuple[watchfiles.Change, str]]) -> set[str]:
        found = set()
        for _, raw in changes:
            # In a folder linked into media/ (say): by its link, whether the folder is
            # elsewhere or in the workspace (photos/ linked as media/shared); the deepest
            # link first.
            real = Path(os.path.abspath(raw))
            linked = [t for t in self._links if real.is_relative_to(t)]
            if linked:
                target = max(linked, key=lambda t: len(t.parts))
                path = self._links[target] / real.relative_to(target)
                found.add(path.relative_to(self.root).as_posix())
                continue
            # As watched first: entries/ may be a link to a folder elsewhere (another disk, a
            # synced folder), whose files resolve outside the workspace.
            for path in (real, Path(raw).resolve()):
                if path.is_relative_to(self.root):
                    found.add(path.relative_to(self.root).as_posix())
                    break
        return found

    def _source_dirs(self) -> list[Path]:
        return [self.root / name for name in SOURCE_DIRS if (self.root / name).is_dir()]

    def _watch_top(self) -> None:
        def relevant(change: watchfiles.Change, path: str) -> bool:
            return Path(path).name in (CONFIG_NAME, *SOURCE_DIRS)

        while not self._stop.is_set():
            try:
                for changes in watchfiles.watch(
                    self.root,
                    watch_filter=relevant,
                    recursive=False,
                    step=_STEP_MS,
                    debounce=_DEBOUNCE_MS,
                    stop_event=self._stop,
                    raise_interrupt=False,
                ):
                    paths = self._relative(changes)
                    # A source folder itself came, went or was replaced (restored from a
                    # backup, swapped by a rename): the tree's watch follows the folder it
                    # began on, by inode, and heard nothing of the new one under the name.
                    folders = any(
                        change != watchfiles.Change.modified and Path(raw).name in SOURCE_DIRS
                        for change, raw in changes
                    )  # (a polled mount says 'modified' of a folder a file was saved in)
                    if folders or self._source_dirs() != self._tree_folders:
                        self._tree_stop.set()  # the tree thread restarts with the new set
                    self._batches.put(paths)
            except Exception:  # e.g. the folder vanished for a moment: try again
                self._stop.wait(_RETRY_SECONDS)

    def _watch_tree(self) -> None:
        default = watchfiles.DefaultFilter()  # skips editors' swap and backup files
        while not self._stop.is_set():
            self._tree_stop.clear()
            folders = self._tree_folders = self._source_dirs()
            if not folders:
                self._tree_stop.wait(_RETRY_SECONDS)
                continue
            self._links = linked_folders(folders)
            try:
                for changes in watchfiles.watch(
                    *folders,
                    *self._links,
                    watch_filter=default,
                    step=_STEP_MS,
                    debounce=_DEBOUNCE_MS,
                    stop_event=self._tree_stop,
                    raise_interrupt=False,
                ):
                    self._batches.put(self._relative(changes))
                    if self._links_may_change(changes) and linked_folders(folders) != self._links:
                        self._tree_stop.set()  # a folder linked or unlinked: watch anew
            except Exception:  # a watched folder was removed: watch what is left
                self._tree_stop.wait(_RETRY_SECONDS)

    def _links_may_change(self, changes: set[tuple[watchfiles.Change, str]]) -> bool:
        # Looked for again only when a folder or link came or went (a save of a picture does
        # not walk every folder of media/ again).
        for change, raw in changes:
            if change == watchfiles.Change.added and os.path.isdir(raw):
                return True
            if change == watchfiles.Change.deleted:
                gone = Path(os.path.abspath(raw))
                if any(link.is_relative_to(gone) for link in self._links.values()):
                    return True
        return False

    def _deliver(self) -> None:
        while True:
            batch = self._batches.get()
            if batch is None:
                return
            # Gather what piled up during the last build into this one.
            while not self._batches.empty():
                more = self._batches.get_nowait()
                if more is None:
                    return
                batch |= more
            batch = {path for path in batch if is_source(path)}
            if batch and not self._stop.is_set():
                try:
                    self.on_change(batch)
                except Exception:  # noqa: BLE001 - every later save must still be seen
                    traceback.print_exc()
