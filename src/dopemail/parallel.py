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

import os
import signal
from collections.abc import Callable, Sequence
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
    job: Callable[[Sequence[Any]], list[Any]],
    items: Sequence[Any],
    jobs: int,
    state: dict[str, Any],
) -> list[Any] | None:
    """Run ``job`` over ``items`` here and in ``jobs - 1`` forked workers; None if not worth it.

    ``job`` must be a module-level function; it finds ``state`` through :func:`shared` and
    returns a list. What the workers return is gathered and returned here (what ``job``
    returned in this process comes first); ``job`` tells the two apart with
    :func:`in_worker`. It must not raise for bad input (the sequential pass reports that); an
    unexpected exception in a worker is raised here.
    """
    if jobs < 2 or len(items) < max(MIN_ITEMS, 2):
        return None
    # Here, not at the top: a build with everything cached forks nothing (20 ms of imports).
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if "fork" not in multiprocessing.get_all_start_methods():  # pragma: no cover - Windows
        return None
    # This process takes every jobs-th item itself (what it renders needs no trip through a
    # pipe), and each worker every jobs-th of the rest, in one task: a worker waiting for its
    # next chunk waits for this process's pool thread, which waits for the GIL this process
    # holds while it renders (some 70 ms a chunk), so one task each is faster than balancing.
    mine = items[::jobs]
    chunks = [items[start::jobs] for start in range(1, jobs)]
    _shared.clear()
    _shared.update(state, parent=os.getpid())
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(
            max_workers=jobs - 1,
            mp_context=context,
            initializer=_die_with_parent,
            initargs=(os.getpid(),),
        ) as pool:
            futures = [pool.submit(job, chunk) for chunk in chunks]
            results = list(job(mine))
            for future in futures:
                results.extend(future.result())
    finally:
        _shared.clear()
    return results
