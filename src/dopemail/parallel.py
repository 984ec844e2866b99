"""Run a build step's jobs on every core, in processes forked from the build.

The build stays one sequential pass: one place where problems are gathered, duplicates found
and outputs ordered, so its result is the same bytes whatever the number of workers. Before
that pass, when many entries or issues have no cache record (a first build, ``--no-cache``, an
edited template), :func:`run_forked` lets workers render them into the build cache; the pass
then finds them there. Workers are forked so they inherit the loaded settings, templates and
entries instead of receiving them through pipes; only names go out, and what a worker
rendered comes back pickled through its pipe: the build stores it (in memory only for
``--no-cache``), and no worker creates a file, which on some file systems costs more than
rendering what it holds.
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

#: Below this many missing records, forking costs more than it saves.
MIN_ITEMS = 48

# What the forked workers read: set just before the fork, inherited by the children.
_shared: dict[str, Any] = {}


def _die_with_parent(parent: int) -> None:
    # A build killed with SIGKILL (a CI timeout, the OOM killer) must not leave its workers
    # behind, each holding a copy of the build's memory: Linux ends them with their parent.
    import ctypes  # in the worker only

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def default_jobs() -> int:
    """The number of cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1


def shared() -> dict[str, Any]:
    """The state the current run handed to its workers (empty outside a worker)."""
    return _shared


def in_worker() -> bool:
    """Whether this process is a forked worker of the current run (not the build itself)."""
    return _shared.get("parent", os.getpid()) != os.getpid()


def run_forked(
    job: Callable[[Sequence[Any]], Iterable[Any]],
    items: Sequence[Any],
    jobs: int,
    state: dict[str, Any],
    receive: Callable[[Any], None],
    meanwhile: Callable[[], None] | None = None,
) -> bool:
    """Run ``job`` over ``items`` here and in ``jobs - 1`` forked workers; False if not worth it.

    ``job`` must be a module-level function; it finds ``state`` through :func:`shared`, tells
    this process from a worker with :func:`in_worker`, and yields results: tuples that pickle
    (their str and bytes parts size the batches). The items are handed out in small runs to
    whichever process is free, this one included. ``receive`` is called here with each
    result, this process's own as it makes them, the workers' as they arrive. ``meanwhile``
    runs here once the workers are started (they take more runs while it does). ``job`` must
    not raise for bad input (the sequential pass reports that); an unexpected exception in a
    worker is raised here.
    """
    if jobs < 2 or len(items) < max(MIN_ITEMS, 2) or not hasattr(os, "fork"):
        return False
    # Here, not at the top: a build with everything cached starts no thread (and forks nothing).
    import queue
    import threading

    runs = _Runs(len(items), jobs)
    _shared.clear()
    _shared.update(state, parent=os.getpid())
    arrived: queue.SimpleQueue[tuple[str, int, Any]] = queue.SimpleQueue()
    workers: dict[int, bool] = {}  # pid -> finished

    def take(block: bool) -> None:
        while not all(workers.values()):
            try:
                kind, pid, payload = arrived.get(block=block)
            except queue.Empty:
                return
            if kind == "error":
                raise payload
            if kind == "end":
                raise RuntimeError(f"build worker {pid} ended before sending all its results")
            for result in payload:
                receive(result)
            workers[pid] = kind == "done"

    pipes: dict[int, int] = {}  # pid -> its results' pipe, until a thread reads it
    try:
        for _ in range(1, jobs):  # every fork before the first thread
            pid, pipes[pid] = _fork(job, items, runs)
            workers[pid] = False
        for pid in list(pipes):
            reader = pipes[pid]
            threading.Thread(target=_read, args=(reader, pid, arrived), daemon=True).start()
            del pipes[pid]  # the thread closes it
        if meanwhile is not None:
            meanwhile()
        # Between its own runs this process takes in what the workers sent: unpickling their
        # records costs about a third of making them, and done as they come it is shared out
        # like the rest instead of waited for at the end.
        for start, stop in runs.take():
            for result in job(items[start:stop]):
                receive(result)
            take(block=False)
        take(block=True)
    finally:
        _shared.clear()
        os.close(runs.fd)
        for reader in pipes.values():
            os.close(reader)
        for pid, finished in workers.items():
            if not finished:
                _kill(pid)
            _reap(pid)
    return True


# Results go out in batches of about this many bytes: few enough wake-ups here, and the first
# batches arrive long before the worker's last.
_BATCH_BYTES = 1 << 20


class _Runs:
    """The runs of items to hand out (start indexes in a pipe), for every process to take.

    Reading a few bytes from a pipe is atomic, so each run goes to exactly one process, and
    one that renders faster (or has less else to do) simply takes more runs.
    """

    WIDTH = 4  # bytes per run: its first item's index

    def __init__(self, count: int, jobs: int) -> None:
        # About 24 runs a process, so the last run to finish is short; never more runs than
        # the smallest pipe holds without blocking (4 KiB: one page, past the user's quota).
        self.size = max(1, -(-count // (jobs * 24)), -(-count * self.WIDTH // 4096))
        self.count = count
        self.fd, writer = os.pipe()
        try:
            starts = range(0, count, self.size)
            os.write(writer, b"".join(s.to_bytes(self.WIDTH, "little") for s in starts))
        except BaseException:
            os.close(self.fd)
            raise
        finally:
            os.close(writer)  # the readers see the end once every run is taken

    def take(self) -> Iterator[tuple[int, int]]:
        """The runs this process takes, (start, stop), until none is left."""
        while len(data := os.read(self.fd, self.WIDTH)) == self.WIDTH:
            start = int.from_bytes(data, "little")
            yield start, min(start + self.size, self.count)


def _fork(
    job: Callable[[Sequence[Any]], Iterable[Any]], items: Sequence[Any], runs: _Runs
) -> tuple[int, int]:
    """Fork a worker running ``job`` over the runs it takes; its pid and its results' pipe."""
    import pickle
    import traceback

    parent = os.getpid()
    reader, writer = os.pipe()
    pid = os.fork()
    if pid:
        os.close(writer)
        return pid, reader
    status = 1  # the worker: it never returns into the caller's frames
    try:
        os.close(reader)
        _die_with_parent(parent)
        batch: list[Any] = []
        size = 0
        for start, stop in runs.take():
            for result in job(items[start:stop]):
                batch.append(result)
                size += sum(len(part) for part in result if isinstance(part, (bytes, str)))
                if size >= _BATCH_BYTES:
                    _send(writer, pickle.dumps(("batch", batch), pickle.HIGHEST_PROTOCOL))
                    batch, size = [], 0
        _send(writer, pickle.dumps(("done", batch), pickle.HIGHEST_PROTOCOL))
        status = 0
    except BaseException as exc:  # noqa: BLE001 - every failure is reported to the build
        where = f"in build worker {os.getpid()}:\n{traceback.format_exc()}"
        try:
            exc.add_note(where)
            data = pickle.dumps(("error", exc), pickle.HIGHEST_PROTOCOL)
            pickle.loads(data)  # one the build could not rebuild is sent as text
        except Exception:  # noqa: BLE001
            data = pickle.dumps(("error", RuntimeError(f"{exc!r} {where}")))
        _send(writer, data)
    finally:
        os._exit(status)


def _send(fd: int, data: bytes) -> None:
    view = memoryview(len(data).to_bytes(8, "little") + data)
    while view:
        view = view[os.write(fd, view) :]


def _read(fd: int, pid: int, arrived: Any) -> None:
    """Read a worker's batches as they come (a thread: the pipe never fills while this
    process renders its own share)."""
    import pickle

    try:
        with open(fd, "rb", buffering=0) as pipe:
            while len(header := _read_exactly(pipe, 8)) == 8:
                data = _read_exactly(pipe, int.from_bytes(header, "little"))
                kind, payload = pickle.loads(data)
                arrived.put((kind, pid, payload))
                if kind != "batch":
                    return
    except Exception as exc:  # noqa: BLE001 - a torn batch: the worker died while sending
        arrived.put(("error", pid, RuntimeError(f"build worker {pid}: {exc}")))
        return
    arrived.put(("end", pid, None))


def _read_exactly(pipe: Any, size: int) -> bytes:
    parts = []
    while size:
        part = pipe.read(size)
        if not part:
            break
        parts.append(part)
        size -= len(part)
    return b"".join(parts)


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)
