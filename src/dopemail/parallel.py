"""Run a build step's jobs on every core, in processes forked from the build.

The build stays one sequential pass: one place where problems are gathered, duplicates found
and outputs ordered, so its result is the same bytes whatever the number of workers. Before
that pass, when many entries or issues have no cache record (a first build, ``--no-cache``, an
edited template), :func:`run_forked` lets workers render them into the build cache; the pass
then finds them there. Workers are forked so they inherit the loaded settings, templates and
entries instead of receiving them through pipes; only file names and counts cross.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

#: Below this many missing records, forking costs more than it saves.
MIN_ITEMS = 48

# What the forked workers read: set just before the fork, inherited by the children.
_shared: dict[str, Any] = {}


def _die_with_parent(parent: int) -> None:
    # A build killed with SIGKILL (a CI timeout, the OOM killer) must not leave its workers
    # behind, each holding a copy of the build's memory: Linux ends them with their parent.
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


def run_forked(
    job: Callable[[Sequence[Any]], object],
    items: Sequence[Any],
    jobs: int,
    state: dict[str, Any],
) -> bool:
    """Run ``job`` over ``items`` here and in ``jobs - 1`` forked workers; False if not worth it.

    ``job`` must be a module-level function; it finds ``state`` through :func:`shared`. It
    must not raise for bad input (the sequential pass reports that); an unexpected exception
    in a worker is raised here.
    """
    if jobs < 2 or len(items) < max(MIN_ITEMS, 2):
        return False
    if "fork" not in multiprocessing.get_all_start_methods():  # pragma: no cover - Windows
        return False
    # This process takes every jobs-th item itself (what it renders needs no trip through the
    # cache's files); jobs - 1 forked workers share the rest in chunks, which evens them out.
    mine = items[::jobs]
    theirs = [item for index, item in enumerate(items) if index % jobs]
    size = max(1, len(theirs) // ((jobs - 1) * 4))
    chunks = [theirs[i : i + size] for i in range(0, len(theirs), size)]
    _shared.clear()
    _shared.update(state)
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(
            max_workers=jobs - 1,
            mp_context=context,
            initializer=_die_with_parent,
            initargs=(os.getpid(),),
        ) as pool:
            futures = [pool.submit(job, chunk) for chunk in chunks]
            job(mine)
            for future in futures:
                future.result()
    finally:
        _shared.clear()
    return True
