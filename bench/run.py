"""dopemail's benchmark: builds, rebuilds, the preview, one issue, peers and sending, in one run.

    .venv/bin/python bench/run.py                          # N = 1,000 and 10,000, 5 runs each
    .venv/bin/python bench/run.py --sizes 1000 --runs 3    # one size
    .venv/bin/python bench/run.py --quick                  # N = 1,000, 3 runs, 100k send only
    .venv/bin/python bench/run.py --skip-peers --skip-send

For each size N it makes (or reuses) the corpus of ``bench/make_corpus.py`` in
``bench/.work/corpus-N/`` (N entries, N/10 issues), then measures, on that same corpus:

- ``dopemail build`` cold with ``--no-cache`` (``.dopemail/``, ``site/`` and ``feeds/`` set
  aside first: see :func:`set_aside`); the same on the entries alone (no issues: what the
  peers build); the first build with the cache (it writes ``.dopemail/``); a warm full build
  (cache kept, ``site/`` and ``feeds/`` set aside); a no-op rebuild; a rebuild after
  appending a sentence to one entry;
- the preview: ``dopemail preview`` on the corpus, an SSE client on its ``/_events`` stream,
  a sentence appended to one entry, and the time until the ``reload`` event, then until the
  entry's page, fetched again, contains the sentence;
- one 5-film issue rendered (Jinja2, MJML compile, CSS inlining, quality checks) in-process
  with dopemail's own ``render_issue``, many times;
- Hugo and Pelican building one page per entry and their feeds from the same entries; Hugo's
  job done by a plain Python build (``bench/peers/plain/build.py``: the build the performance
  targets were set from); and the floor: a Python loop that reads every input file and writes
  the same bytes out;
- each target's pair in turn (dopemail's build, then the peer's, ``--runs`` times; see
  :class:`Turns`), printed as a second table of the pairs' ratios;
- ``bench/send.py`` (another engineer's) to 100,000 and 1,000,000 subscribers, if it is there.

Each build is a fresh child process, started through a small wrapper (see ``WRAPPER``): its
wall time, its CPU time and its peak RSS (``os.wait4``'s ``ru_maxrss``: the largest process of
its tree), and the peak PSS summed over its whole process tree, sampled from ``/proc`` (for
dopemail's forked workers). The table gives the median over ``--runs`` and the range
(min-max); it is printed and written to ``bench/.work/results.md`` (and the raw figures to
``bench/.work/results.json``). See bench/README.md for what each row measures.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import itertools
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"
# Corpora, peers' outputs and results; elsewhere with DOPEMAIL_BENCH_WORK (the test's tmp dir).
WORK = Path(os.environ.get("DOPEMAIL_BENCH_WORK") or BENCH / ".work")
PEERS = BENCH / "peers"
PEER_VENV = BENCH / ".venv-peers"
VENV_BIN = REPO / ".venv" / "bin"
PELICAN_REQS = ["pelican>=4.9,<5", "markdown>=3.5"]
#: Above this many entries Pelican takes minutes per build: it runs once, and only when asked.
PELICAN_BIG = 1000
BUILD_TIMEOUT = 3600.0
#: The no-op build takes a fifth of a second: it runs at least this many times, since three
#: runs of it on a shared machine can land on one slow moment (294 ms against 197 ms).
NOOP_RUNS = 10
#: Above this many subscribers a send takes minutes: --send-large-runs (1) runs instead.
SEND_BIG = 100_000

sys.path.insert(0, str(BENCH))
import make_corpus  # noqa: E402 - bench/ is not a package


class Failed(Exception):
    """A measured command failed: the row says so and the run goes on."""


# -- measuring -------------------------------------------------------------------------------


@dataclass
class Sample:
    seconds: float
    rss_kb: int | None = None
    output: str = ""
    cpu: float | None = None  # user + system seconds of the child and its children
    tree_kb: int | None = None  # peak PSS summed over the child's process tree, sampled
    processes: int = 1  # most processes seen at once in the tree


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants (Linux ``/proc/<pid>/task/<tid>/children``)."""
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        with contextlib.suppress(OSError):
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    stack.extend(int(child) for child in handle.read().split())
    return found


def _pss_kb(pid: int) -> int:
    with contextlib.suppress(OSError, ValueError), open(f"/proc/{pid}/smaps_rollup") as handle:
        for line in handle:
            if line.startswith("Pss:"):
                return int(line.split()[1])
    return 0


class TreeMemory(threading.Thread):
    """Samples the summed PSS of a process tree (forked workers share pages: PSS splits them)."""

    def __init__(self, pid: int, interval: float = 0.05, skip_root: bool = False) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval, self.skip = pid, interval, 1 if skip_root else 0
        self.peak_kb, self.processes = 0, 1
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(self.interval):
            pids = _tree(self.pid)[self.skip :]
            self.processes = max(self.processes, len(pids))
            self.peak_kb = max(self.peak_kb, sum(_pss_kb(p) for p in pids))


# A fresh, small Python between run.py and the measured command. A child's ru_maxrss starts
# from its parent's RSS at fork time (the high-water mark survives exec), so forking the
# command from run.py itself would report run.py's size for a small command.
WRAPPER = """
import json, os, subprocess, sys, time
with open(sys.argv[1], "wb") as out:
    started = time.perf_counter()
    child = subprocess.Popen(sys.argv[2:], stdout=out, stderr=subprocess.STDOUT)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "code": os.waitstatus_to_exitcode(status),
                  "maxrss": usage.ru_maxrss, "cpu": usage.ru_utime + usage.ru_stime}))
"""


def measure(cmd: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> Sample:
    """Run ``cmd`` in a fresh child process: its wall time, CPU time and peak RSS (``wait4``),
    and the peak PSS of its whole process tree (sampled)."""
    with tempfile.NamedTemporaryFile(prefix="bench-", suffix=".log") as log:
        wrapper = [sys.executable, "-S", "-c", WRAPPER, log.name, *map(str, cmd)]
        process = subprocess.Popen(wrapper, cwd=cwd, env=env, stdout=subprocess.PIPE)
        sampler = TreeMemory(process.pid, skip_root=True)
        sampler.start()
        try:
            report, _ = process.communicate(timeout=BUILD_TIMEOUT)
        except subprocess.TimeoutExpired:
            for pid in reversed(_tree(process.pid)):
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            process.communicate()
            raise Failed(f"{' '.join(map(str, cmd))} took over {BUILD_TIMEOUT:.0f} s") from None
        finally:
            sampler.done.set()
            sampler.join()
        text = Path(log.name).read_bytes().decode("utf-8", "replace")
    try:
        data = json.loads(report)
    except ValueError:
        raise Failed(f"the measuring wrapper failed for {cmd[0]}: {report!r}") from None
    if data["code"] != 0:
        tail = "\n".join(text.strip().splitlines()[-15:])
        raise Failed(f"{' '.join(map(str, cmd))} exited with {data['code']}:\n{tail}")
    tree = sampler.peak_kb or None
    return Sample(data["seconds"], data["maxrss"], text, data["cpu"], tree, sampler.processes)


@dataclass
class Row:
    """One measurement at one size: samples in seconds (and KB), or why there are none."""

    seconds: list[float] = field(default_factory=list)
    rss_kb: list[int] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    tree_kb: list[int] = field(default_factory=list)
    processes: int = 0
    unit: str = "s"
    note: str = ""
    error: str = ""
    output: str = ""  # the last run's output

    def add(self, sample: Sample) -> None:
        self.output = sample.output
        self.seconds.append(sample.seconds)
        if sample.cpu is not None:
            self.cpu.append(sample.cpu)
        if sample.tree_kb:
            self.tree_kb.append(sample.tree_kb)
        self.processes = max(self.processes, sample.processes)
        if sample.rss_kb:
            self.rss_kb.append(sample.rss_kb)

    @property
    def median(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds else None

    @property
    def rss_median(self) -> float | None:
        return statistics.median(self.rss_kb) if self.rss_kb else None


def fmt_time(row: Row | None) -> str:
    if row is None:
        return ""
    if row.error:
        return "n/a"
    if not row.seconds:
        return row.note or "n/a"
    scale, unit = (1000.0, "ms") if row.unit == "ms" or max(row.seconds) < 1 else (1.0, "s")
    digits = 1 if unit == "ms" and row.median * scale >= 10 else 2

    def show(value: float) -> str:
        return f"{value * scale:.{digits}f}"

    text = f"{show(row.median)} {unit}"
    if len(row.seconds) > 1:
        text += f" ({show(min(row.seconds))}–{show(max(row.seconds))})"
    else:
        text += " (1 run)"
    return text


def fmt_cpu(row: Row | None) -> str:
    if row is None or row.error or not row.cpu:
        return "—" if row is not None and not row.error else ("n/a" if row else "")
    return f"{statistics.median(row.cpu):.2f} s"


def fmt_tree(row: Row | None) -> str:
    if row is None or row.error or not row.tree_kb:
        return "—" if row is not None and not row.error else ("n/a" if row else "")
    text = f"{statistics.median(row.tree_kb) / 1024:.0f} MB"
    return text + (f" ({row.processes} proc.)" if row.processes > 1 else "")


def fmt_rss(row: Row | None) -> str:
    if row is None or row.error or not row.rss_kb:
        return "—" if row is not None and not row.error else ("n/a" if row else "")
    med, low, high = row.rss_median / 1024, min(row.rss_kb) / 1024, max(row.rss_kb) / 1024
    if len(row.rss_kb) > 1 and high - low >= 1:
        return f"{med:.0f} MB ({low:.0f}–{high:.0f})"
    return f"{med:.0f} MB"


def code_stamp() -> str:
    """Names, sizes and times of dopemail's code and templates: did they change under a row?"""
    parts = []
    for path in sorted((REPO / "src" / "dopemail").rglob("*")):
        if path.suffix in (".py", ".j2", ".js", ".css"):
            with contextlib.suppress(OSError):
                stat = path.stat()
                parts.append(f"{path}:{stat.st_size}:{stat.st_mtime_ns}")
    return "\n".join(parts)


CHANGED = (
    "dopemail's code changed during these runs (another engineer's edit): figures mix versions"
)


def repeat(
    row: Row,
    runs: int,
    before: Callable[[int], None],
    cmd: Callable[[int], list[str]],
    check: Callable[[Sample], None] | None = None,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    label: str = "",
) -> Row:
    """``runs`` measurements of ``cmd(i)``, each after ``before(i)``; a failure ends the row."""
    stamp = code_stamp()
    for i in range(runs):
        try:
            before(i)
            sample = measure(cmd(i), cwd=cwd, env=env)
            if check:
                check(sample)
        except (Failed, OSError) as exc:
            row.error = str(exc)
            say(f"  {label}: FAILED: {exc}")
            return row
        row.add(sample)
        if code_stamp() != stamp and CHANGED not in row.note:
            row.note = f"{row.note}; {CHANGED}" if row.note else CHANGED
        say(
            f"  {label} [{i + 1}/{runs}]: {sample.seconds:.3f} s, CPU {sample.cpu or 0:.2f} s, "
            f"RSS {fmt_kb(sample.rss_kb)}, tree PSS {fmt_kb(sample.tree_kb)} "
            f"({sample.processes} proc.)"
        )
    return row


@dataclass
class Step:
    """A command to time and what to do before each run of it (set its outputs aside...)."""

    before: Callable[[int], None]
    cmd: Callable[[int], list[str]]
    env: dict[str, str] | None = None


@dataclass
class Turns:
    """Two commands timed in turn, A B B A A B ...: the ratio A ÷ B is taken pair by pair.

    The machine's speed drifts: other work on the shared cores, and the file system's state.
    Two medians taken minutes apart move with it, each on its own; a pair taken back to back
    shares the same moment, and so does its ratio. Which of the two goes first alternates,
    so that whatever the first leaves behind for the second (a warm page cache, thousands of
    new files) weighs on both sides: alike with an even number of pairs, one pair apart with
    an odd one. ``first`` says which went first in each pair ("a" or "b").
    """

    a: Row = field(default_factory=Row)
    b: Row = field(default_factory=Row)
    error: str = ""
    note: str = ""
    first: list[str] = field(default_factory=list)

    @property
    def ratios(self) -> list[float]:
        return [x / y for x, y in zip(self.a.seconds, self.b.seconds, strict=False)]


def in_turn(runs: int, a: Step, b: Step, label: str) -> Turns:
    """``runs`` pairs, A then B, then B then A, and so on, each run right after the other;
    a failure ends the pairs (the error says which)."""
    turns = Turns()
    stamp = code_stamp()
    for i in range(runs):
        pair = ((turns.a, a), (turns.b, b))
        turns.first.append("a" if i % 2 == 0 else "b")
        for row, step in pair if i % 2 == 0 else pair[::-1]:
            try:
                step.before(i)
                row.add(measure(step.cmd(i), env=step.env))
            except (Failed, OSError) as exc:
                turns.error = str(exc)
                say(f"  {label}: FAILED: {exc}")
                return turns
        say(
            f"  {label} [{i + 1}/{runs}]: {turns.a.seconds[-1]:.3f} s ÷ "
            f"{turns.b.seconds[-1]:.3f} s = {turns.ratios[-1]:.2f}×"
        )
    if code_stamp() != stamp:
        turns.note = CHANGED
        say(f"  {label}: {CHANGED}")
    return turns


def fmt_turns(turns: Turns | None) -> str:
    if turns is None:
        return ""
    if turns.error:
        return "n/a"
    ratios = turns.ratios
    if not ratios:
        return "n/a"
    text = f"{statistics.median(ratios):.2f}×"
    if len(ratios) > 1:
        text += f" ({min(ratios):.2f}–{max(ratios):.2f})"
    return text + f": {fmt_time(turns.a)} ÷ {fmt_time(turns.b)}"


def fmt_kb(kb: int | None) -> str:
    return f"{kb / 1024:.0f} MB" if kb else "-"


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def rmtree(*paths: Path) -> None:
    for path in paths:
        shutil.rmtree(path, ignore_errors=True)


_ASIDE_NAMES = itertools.count()


def set_aside(*paths: Path) -> None:
    """Take a run's outputs out of the way of the next run without deleting them.

    On a file system like this machine's (ext4 with no journal), a file made within a minute
    or so of a deletion skips every inode freed in that time, so a build right after deleting
    thousands of files paid for the deletion too, and in a pair the second tool paid for the
    first one's. Renamed under ``aside/`` (no inode is freed) and deleted when the benchmark
    is over (:func:`empty_aside`), every cold run starts from the same state.
    """
    for path in paths:
        if not (path.exists() or path.is_symlink()):
            continue
        folder = WORK / "aside"
        folder.mkdir(parents=True, exist_ok=True)
        try:
            os.rename(path, folder / f"{os.getpid()}-{next(_ASIDE_NAMES)}-{path.name}")
        except OSError:  # another file system: deleted after all
            shutil.rmtree(path, ignore_errors=True)


def empty_aside() -> None:
    """Delete what :func:`set_aside` kept (this run's and any interrupted run's)."""
    shutil.rmtree(WORK / "aside", ignore_errors=True)


# -- the corpus ------------------------------------------------------------------------------


def corpus(n: int, seed: int) -> Path:
    """``bench/.work/corpus-N``, made unless an identical one is already there."""
    out = WORK / f"corpus-{n}"
    wanted = {"format": make_corpus.FORMAT, "entries": n, "issues": n // 10, "seed": seed}
    try:
        info = json.loads((out / "corpus.json").read_text(encoding="utf-8"))
        if all(info.get(k) == v for k, v in wanted.items()):
            say(f"corpus {n}: reusing {out}")
            return out
    except (OSError, ValueError):
        pass
    say(f"corpus {n}: making it in {out} ...")
    started = time.perf_counter()
    # In a process of its own, so that run.py stays small (see WRAPPER).
    script = BENCH / "make_corpus.py"
    cmd = [str(VENV_BIN / "python"), str(script), str(n), "--out", str(out), "--seed", str(seed)]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    say(f"corpus {n}: made in {time.perf_counter() - started:.1f} s")
    return out


def corpus_info(out: Path) -> dict[str, Any]:
    return json.loads((out / "corpus.json").read_text(encoding="utf-8"))


def entries_only(out: Path) -> Path:
    """A workspace with the corpus's entries and media but no issues: what the peers build."""
    ws = out / "dopemail-entries-only"
    if not ws.is_dir():
        ws.mkdir()
        shutil.copyfile(out / "dopemail" / "dopemail.toml", ws / "dopemail.toml")
        (ws / "entries").symlink_to(out / "dopemail" / "entries", target_is_directory=True)
        (ws / "media").symlink_to(out / "dopemail" / "media", target_is_directory=True)
    return ws


def feed_items(ws: Path) -> int:
    with (ws / "dopemail.toml").open("rb") as handle:
        return int(tomllib.load(handle).get("feeds", {}).get("items", 50))


# -- dopemail builds -------------------------------------------------------------------------

EDIT = (
    "\n\nBenchmark edit {run}: the projectionist’s cut runs {minutes} minutes longer — « enfin ».\n"
)


def dopemail_cmd(*args: str) -> list[str]:
    return [str(VENV_BIN / "dopemail"), *args]


def built_count(output: str) -> str:
    found = re.search(r"built (\d+) files", output)
    return found.group(1) if found else "?"


def dopemail_steps(out: Path) -> dict[str, Step]:
    """The builds measured on the corpus in ``out``, by row name (see :data:`ROWS`).

    "warm" needs the cache a plain build leaves; "edit" changes an entry, which
    the caller puts back (then :func:`rebuild`).
    """
    ws = out / "dopemail"
    only = entries_only(out)
    entry = edited_entry(out)
    original = entry.read_bytes()
    root = ["--root", str(ws)]

    def edit(i: int) -> None:
        text = EDIT.format(run=i + 1, minutes=7 * (i + 1))
        entry.write_bytes(original + text.encode("utf-8"))

    return {
        "cold": Step(
            lambda i: set_aside(ws / ".dopemail", ws / "site", ws / "feeds"),
            lambda i: dopemail_cmd("build", "--no-cache", *root),
        ),
        # The same build on one core: the work itself, without what sharing it out costs
        # (forking, records pickled across, the issues' second fork).
        "cold_one": Step(
            lambda i: set_aside(ws / ".dopemail", ws / "site", ws / "feeds"),
            lambda i: dopemail_cmd("build", "--no-cache", "--jobs", "1", *root),
        ),
        "cold_entries": Step(
            lambda i: set_aside(only / ".dopemail", only / "site", only / "feeds"),
            lambda i: dopemail_cmd("build", "--no-cache", "--root", str(only)),
        ),
        "first": Step(
            lambda i: set_aside(ws / ".dopemail", ws / "site", ws / "feeds"),
            lambda i: dopemail_cmd("build", *root),
        ),
        "warm": Step(
            lambda i: set_aside(ws / "site", ws / "feeds"), lambda i: dopemail_cmd("build", *root)
        ),
        "noop": Step(lambda i: None, lambda i: dopemail_cmd("build", *root)),
        "edit": Step(edit, lambda i: dopemail_cmd("build", *root)),
    }


def edited_entry(out: Path) -> Path:
    """The entry the "one edit" rows append a sentence to: in an issue and in the feeds."""
    return out / "dopemail" / "entries" / f"{corpus_info(out)['newest_in_issue']}.md"


def rebuild(out: Path) -> None:
    """Build, leaving the workspace built from its sources (after the edit is put back)."""
    with contextlib.suppress(Failed):
        measure(dopemail_cmd("build", "--root", str(out / "dopemail")))


def bench_builds(size: int, out: Path, runs: int, results: dict[str, Row]) -> None:
    steps = dopemail_steps(out)

    def run(
        key: str,
        what: str,
        label: str,
        check: Callable[[Sample], None] | None = None,
        times: int = runs,
    ) -> Row:
        say(f"N={size}: {what}")
        step = steps[key]
        results[key] = Row()
        return repeat(results[key], times, step.before, step.cmd, check, env=step.env, label=label)

    row = run("cold", "dopemail build --no-cache (cold)", "cold --no-cache")
    if row.seconds:
        row.note = f"{built_count(row.output)} files built"
    run("cold_one", "dopemail build --no-cache --jobs 1 (cold, one process)", "cold, one process")
    run("cold_entries", "dopemail build --no-cache, entries only", "cold --no-cache, entries only")
    run("first", "first dopemail build (no .dopemail/, writes the cache)", "first build")
    run("warm", "warm full build (cache kept; site/ and feeds/ set aside)", "warm")

    def no_op(sample: Sample) -> None:
        if "nothing changed" not in sample.output:
            results["noop"].note = "did not say 'nothing changed'"

    run("noop", "no-op rebuild", "no-op", no_op, times=max(runs, NOOP_RUNS))
    original = edited_entry(out).read_bytes()
    try:
        name = edited_entry(out).name
        what = f"rebuild after editing one entry ({name}, in an issue and the feeds)"
        run("edit", what, "one edit")
    finally:
        edited_entry(out).write_bytes(original)
    rebuild(out)


# -- the preview -----------------------------------------------------------------------------


class Preview:
    """``dopemail preview --port 0`` on a workspace, and a plain HTTP client for it."""

    def __init__(self, ws: Path) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed by stop()
        self.process = subprocess.Popen(
            dopemail_cmd("preview", "--port", "0", "--root", str(ws)),
            stdout=subprocess.PIPE,
            stderr=self.log,
            env=env,
            text=True,
        )
        self.port = 0
        started = time.perf_counter()
        assert self.process.stdout is not None
        for line in self.process.stdout:  # "Previewing X at http://127.0.0.1:PORT/ ..."
            found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
            if found:
                self.port = int(found.group(1))
                break
        if not self.port:
            self.stop()
            raise Failed(f"the preview did not start:\n{self.log_tail()}")
        self.startup = time.perf_counter() - started

    def build_times(self, at_least: int = 0, timeout: float = 10.0) -> list[float]:
        """The rebuild times the preview logged ("built in N ms", "patched in N ms"), in
        seconds: ``at_least`` of them, if they are logged within ``timeout`` seconds."""
        return self._logged_times(r"(?:built|patched)", at_least, timeout)

    def feed_times(self, at_least: int = 0, timeout: float = 10.0) -> list[float]:
        """The times the preview logged making the feeds after a patch's pages ("feeds made
        in N ms"), as :meth:`build_times`."""
        return self._logged_times(r"feeds made", at_least, timeout)

    def _logged_times(self, what: str, at_least: int, timeout: float) -> list[float]:
        deadline = time.monotonic() + timeout
        while True:
            self.log.seek(0)
            text = self.log.read().decode("utf-8", "replace")
            self.log.seek(0, os.SEEK_END)
            found = re.findall(what + r" in (\d+) ms", text)
            if len(found) >= at_least or time.monotonic() > deadline:
                return [int(ms) / 1000 for ms in found]
            time.sleep(0.01)

    def log_tail(self) -> str:
        self.log.seek(0)
        return "\n".join(self.log.read().decode("utf-8", "replace").splitlines()[-10:])

    def get(self, path: str) -> str:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            body = response.read().decode("utf-8", "replace")
            if response.status != 200:
                raise Failed(f"GET {path}: {response.status}")
            return body
        finally:
            conn.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout:
            self.process.stdout.close()
        self.log.close()


def _live_attrs(html: str) -> tuple[str, str]:
    version = re.search(r'data-version="(\d+)"', html)
    boot = re.search(r'data-boot="([^"]*)"', html)
    if not version or not boot:
        raise Failed("the page has no live-reload script (data-version, data-boot)")
    return version.group(1), boot.group(1)


def body_edit(original: bytes, run: int) -> tuple[bytes, str]:
    """A sentence appended to the entry's text: its page, an issue's card and the feeds change,
    no list line (the home page and the archive keep their lines)."""
    text = EDIT.format(run=run + 1, minutes=7 * (run + 1))
    return original + text.encode("utf-8"), f"Benchmark edit {run + 1}:"


def title_edit(original: bytes, run: int) -> tuple[bytes, str]:
    """The entry's title changed: its line in the lists changes too (the home page, its year's
    page of the archive), besides its page, an issue and the feeds."""
    marker = f"Benchmark title {run + 1}"
    edited, count = re.subn(rb"(?m)^title: .*$", f'title: "{marker}"'.encode(), original, count=1)
    if not count:
        raise Failed("the entry has no title line to edit")
    return edited, marker


def preview_edit(
    preview: Preview,
    entry: Path,
    slug: str,
    original: bytes,
    run: int,
    edit: Callable[[bytes, int], tuple[bytes, str]] = body_edit,
) -> Sample:
    """Save ``edit`` of ``entry``: seconds to the reload event (``.seconds``) and to the
    refreshed page containing the edit (``.output``, as text)."""
    page = f"/site/{slug}/"
    version, boot = _live_attrs(preview.get(page))
    deps = f"site/{slug}/index.html,site/media/"
    conn = http.client.HTTPConnection("127.0.0.1", preview.port, timeout=300)
    try:
        conn.request("GET", f"/_events?v={version}&boot={boot}&deps={deps}")
        stream = conn.getresponse()
        if stream.status != 200:
            raise Failed(f"/_events: {stream.status}")
        first = stream.fp.readline()  # "retry: 500": the stream is open and watching
        if not first.startswith(b"retry"):
            raise Failed(f"/_events began with {first!r}")
        edited, marker = edit(original, run)
        started = time.perf_counter()
        entry.write_bytes(edited)
        event = None
        while True:
            line = stream.fp.readline()
            if not line:
                raise Failed("the event stream closed without a reload event")
            line = line.decode("utf-8").strip()
            if line.startswith("event: "):
                event = line.removeprefix("event: ")
            if event == "problems":
                raise Failed(f"the preview reports problems: {stream.fp.readline()!r}")
            if event == "reload" and line.startswith("data:"):
                break
        reloaded = time.perf_counter() - started
    finally:
        conn.close()
    deadline = time.perf_counter() + 60
    while marker not in preview.get(page):
        if time.perf_counter() > deadline:
            raise Failed("the reloaded page does not contain the edit")
        time.sleep(0.005)
    fetched = time.perf_counter() - started
    return Sample(reloaded, None, str(fetched))


def restore(preview: Preview, entry: Path, slug: str, original: bytes) -> None:
    """Put the entry back as it was, and wait until the preview shows it so (an edit of
    another kind then starts from the same text)."""
    page = f"/site/{slug}/"
    logged = len(preview.build_times())
    entry.write_bytes(original)
    deadline = time.perf_counter() + 60
    while "Benchmark " in preview.get(page):
        if time.perf_counter() > deadline:
            raise Failed("the page still shows an edit after the entry was put back")
        time.sleep(0.05)
    preview.build_times(at_least=logged + 1)  # its time logged, not taken for the next edit's
    time.sleep(0.3)


def bench_preview(size: int, out: Path, runs: int, results: dict[str, Row]) -> None:
    ws = out / "dopemail"
    slug = corpus_info(out)["newest_in_issue"]
    entry = ws / "entries" / f"{slug}.md"
    original = entry.read_bytes()
    event, page, logged, fed = Row(), Row(), Row(), Row()
    title_page, title_logged = Row(), Row()
    results["preview_event"], results["preview_page"] = event, page
    results["preview_logged"], results["preview_feeds_logged"] = logged, fed
    results["preview_title_page"], results["preview_title_logged"] = title_page, title_logged
    stamp = code_stamp()
    say(f"N={size}: preview, save -> reload event -> page ({entry.name})")
    preview = None
    # The body edits, then the title edits, in one preview: (edit, event row, page row, log row).
    kinds = [
        ("body", body_edit, event, page, logged),
        ("title", title_edit, None, title_page, title_logged),
    ]
    failing = (event, page, title_page)  # what a failure leaves without figures
    try:
        preview = Preview(ws)
        say(f"  preview up on port {preview.port} in {preview.startup:.1f} s (first build)")
        results["preview_start"] = Row(seconds=[preview.startup], note="")
        for kind, edit, event_row, page_row, log_row in kinds:
            if kind != "body":
                failing = (page_row,)  # the body edits' figures stand
                if runs:
                    restore(preview, entry, slug, original)
            for run in range(runs):
                logged_before = len(preview.build_times())
                fed_before = len(preview.feed_times())
                sample = preview_edit(preview, entry, slug, original, run, edit)
                if event_row is not None:
                    event_row.seconds.append(sample.seconds)
                page_row.seconds.append(float(sample.output))
                # The preview logs an edit's time just after it publishes the page, which the
                # client may have fetched already.
                built = preview.build_times(at_least=logged_before + 1)
                if len(built) > logged_before:
                    log_row.seconds.append(built[-1])
                # The feeds the edited entry is in, made once the page is published.
                feeds = preview.feed_times(at_least=fed_before + 1)
                if kind == "body" and len(feeds) > fed_before:
                    fed.seconds.append(feeds[-1])
                say(
                    f"  {kind} edit [{run + 1}/{runs}]: reload event {sample.seconds:.3f} s, "
                    f"page {float(sample.output):.3f} s"
                )
                time.sleep(0.3)  # let the watcher settle between saves
    except (Failed, OSError) as exc:
        for row in failing:
            row.error = str(exc)
        say(f"  preview: FAILED: {exc}")
        if preview:
            say(preview.log_tail())
    finally:
        entry.write_bytes(original)
        if preview:
            preview.stop()
    if code_stamp() != stamp:
        for row in (event, page, logged, fed, title_page, title_logged):
            row.note = CHANGED


# -- one issue, in-process -------------------------------------------------------------------

ISSUE_WORKER = "--_issue-worker"


def issue_worker(root: Path, reps: int) -> None:
    """(Run by the dopemail venv's Python.) Time ``render_issue`` on the newest issue."""
    from dopemail.content import render_entry
    from dopemail.load import load_workspace
    from dopemail.newsletter import render_issue
    from dopemail.templates import make_environment

    ws = load_workspace(root)
    issue = max(ws.issues, key=lambda i: i.meta.number)
    env = make_environment(ws.root)
    slugs = issue.meta.all_slugs
    by_slug = {e.slug: render_entry(env, e) for e in ws.entries if e.slug in slugs}
    for _ in range(3):  # warm up: template compilation, first MJML call
        rendered = render_issue(env, issue, by_slug, ws.settings)
    times = []
    for _ in range(reps):
        started = time.perf_counter()
        render_issue(env, issue, by_slug, ws.settings)
        times.append(time.perf_counter() - started)
    print(
        json.dumps(
            {
                "issue": issue.key,
                "entries": len(slugs),
                "email_bytes": len(rendered.html.encode()),
                "mjml_bytes": len(rendered.mjml.encode()),
                "times": times,
            }
        )
    )


def bench_issue(size: int, out: Path, reps: int, results: dict[str, Row]) -> None:
    say(f"N={size}: render one issue in-process, {reps} calls")
    row = results["issue"] = Row(unit="ms")
    cmd = [str(VENV_BIN / "python"), __file__, ISSUE_WORKER, str(out / "dopemail"), str(reps)]
    try:
        sample = measure(cmd)
        data = json.loads(sample.output.strip().splitlines()[-1])
    except (Failed, ValueError, IndexError) as exc:
        row.error = str(exc)
        say(f"  issue: FAILED: {exc}")
        return
    row.seconds = data["times"]
    row.note = (
        f"issue {data['issue']}: {data['entries']} entries, email {data['email_bytes'] / 1000:.0f}"
        f" KB from {data['mjml_bytes'] / 1000:.0f} KB of MJML"
    )
    say(f"  {fmt_time(row)} per call ({row.note})")


# -- peers and the floor ---------------------------------------------------------------------


def ensure_hugo() -> str | None:
    """The ``hugo`` command, installed from Debian's package when missing."""
    found = shutil.which("hugo")
    if found:
        return found
    say("hugo is not on PATH: apt-get install -y hugo")
    for step in (["apt-get", "install", "-y", "hugo"], ["apt-get", "update"]):
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        if step[1] == "update":  # the first install failed: refresh the lists, try again
            subprocess.run(step, check=False, **quiet)
            step = ["apt-get", "install", "-y", "hugo"]
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        if subprocess.run(step, check=False, env=env, **quiet).returncode == 0:
            return shutil.which("hugo")
    say("could not install hugo (as root: apt-get install -y hugo): its rows are left out")
    return None


def ensure_pelican() -> Path | None:
    """``bench/.venv-peers/bin/pelican``, creating the venv when missing.

    Pelican runs on dopemail's own interpreter, so the ratio compares the programs and not
    the Pythons (the Makefile prefers the system's optimised build): a peers venv made on
    another interpreter is made again.
    """
    pelican = PEER_VENV / "bin" / "pelican"
    if pelican.exists() and same_interpreter(PEER_VENV, VENV_BIN.parent):
        return pelican
    say(f"creating {PEER_VENV} with {' '.join(PELICAN_REQS)}")
    try:
        # Made by dopemail's venv's Python, whichever one runs this script.
        made = [str(VENV_BIN / "python"), "-m", "venv", "--clear", str(PEER_VENV)]
        subprocess.run(made, check=True)
        subprocess.run(
            [
                str(PEER_VENV / "bin" / "python"),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                *PELICAN_REQS,
            ],
            check=True,
        )
    except subprocess.CalledProcessError as exc:
        say(f"could not install Pelican ({exc}): its rows are left out")
        return None
    return pelican if pelican.exists() else None


def venv_config(venv: Path) -> dict[str, str]:
    """A venv's ``pyvenv.cfg`` (``home``, ``version``...); empty if it has none."""
    try:
        text = (venv / "pyvenv.cfg").read_text(encoding="utf-8")
    except OSError:
        return {}
    pairs = (line.partition("=") for line in text.splitlines())
    return {key.strip(): value.strip() for key, sep, value in pairs if sep}


def same_interpreter(venv: Path, other: Path) -> bool:
    """Whether two venvs were made by the same Python: its folder and its version (one
    folder can hold several, /usr/bin/python3.11 and python3.12)."""
    mine, theirs = venv_config(venv), venv_config(other)
    return bool(mine.get("home")) and all(mine.get(k) == theirs.get(k) for k in ("home", "version"))


def install_peers() -> int:
    """Install both peers when missing (``--install-peers``); 0 when both are there."""
    hugo, pelican = ensure_hugo(), ensure_pelican()
    say(f"hugo: {version_of([hugo, 'version']) if hugo else 'missing'}")
    say(f"pelican: {version_of([str(pelican), '--version']) if pelican else 'missing'}")
    return 0 if hugo and pelican else 1


def version_of(cmd: list[str]) -> str:
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)
    except OSError:
        return "n/a"
    return (done.stdout or done.stderr).strip().splitlines()[0] if done.returncode == 0 else "n/a"


def count_items(path: Path, tag: str) -> int:
    try:
        return path.read_text(encoding="utf-8").count(f"<{tag}>")
    except OSError:
        return -1


def count_pages(folder: Path) -> int:
    return sum(1 for _ in folder.glob("*/index.html")) if folder.is_dir() else 0


def hugo_step(size: int, out: Path, hugo: str) -> Step:
    """Hugo building the corpus's entries (its site set up for the same feed length)."""
    site = out / "hugo"
    items = feed_items(out / "dopemail")
    config = (PEERS / "hugo" / "config.toml").read_text(encoding="utf-8")
    (site / "config.toml").write_text(config.replace("{items}", str(items)), encoding="utf-8")
    rmtree(site / "layouts")
    shutil.copytree(PEERS / "hugo" / "layouts", site / "layouts")
    public = hugo_output(size)
    return Step(
        lambda i: set_aside(public, site / "resources"),
        lambda i: [hugo, "--source", str(site), "--destination", str(public), "--quiet"],
    )


def hugo_output(size: int) -> Path:
    return WORK / "out" / f"hugo-{size}"


def bench_hugo(size: int, out: Path, runs: int, hugo: str, results: dict[str, Row]) -> None:
    say(f"N={size}: Hugo (pages + RSS)")
    _pages_and_rss("hugo", hugo_step(size, out, hugo), hugo_output(size), runs, results)


def _pages_and_rss(key: str, step: Step, output: Path, runs: int, results: dict[str, Row]) -> None:
    """Time a build of Hugo's files (pages, ``index.xml``), and note how many it made."""
    row = results[key] = repeat(Row(), runs, step.before, step.cmd, label=key)
    if not row.error:
        row.note = (
            f"{count_pages(output)} pages, RSS {count_items(output / 'index.xml', 'item')} items"
        )
        say(f"  {key} made {row.note}")


def pelican_step(size: int, out: Path, pelican: Path) -> Step:
    """Pelican building the corpus's entries, with the same feed length."""
    output = pelican_output(size)
    env = {**os.environ, "DOPEMAIL_FEED_ITEMS": str(feed_items(out / "dopemail"))}
    return Step(
        lambda i: set_aside(output),
        lambda i: [
            str(pelican),
            str(out / "pelican" / "content"),
            "-o",
            str(output),
            "-s",
            str(PEERS / "pelican" / "pelicanconf.py"),
            "-t",
            str(PEERS / "pelican"),
            "-q",
        ],
        env,
    )


def pelican_output(size: int) -> Path:
    return WORK / "out" / f"pelican-{size}"


def bench_pelican(size: int, out: Path, runs: int, pelican: Path, results: dict[str, Row]) -> None:
    step = pelican_step(size, out, pelican)
    say(f"N={size}: Pelican (pages + RSS + Atom), {runs} run(s)")
    row = results["pelican"] = repeat(
        Row(), runs, step.before, step.cmd, env=step.env, label="pelican"
    )
    if not row.error:
        output = pelican_output(size)
        feeds = output / "feeds"
        row.note = (
            f"{count_pages(output)} pages, RSS {count_items(feeds / 'rss.xml', 'item')} / "
            f"Atom {count_items(feeds / 'atom.xml', 'entry')} items"
        )
        say(f"  pelican made {row.note}")


def plain_step(size: int, out: Path) -> Step:
    """Hugo's job done by a plain Python build (bench/peers/plain/build.py): the same content
    and output as Hugo's, in the same interpreter as dopemail."""
    output = plain_output(size)
    script = PEERS / "plain" / "build.py"
    items = str(feed_items(out / "dopemail"))
    return Step(
        lambda i: set_aside(output),
        lambda i: [sys.executable, str(script), str(out / "hugo"), str(output), items],
    )


def plain_output(size: int) -> Path:
    return WORK / "out" / f"plain-{size}"


def bench_plain(size: int, out: Path, runs: int, results: dict[str, Row]) -> None:
    say(f"N={size}: a plain Python build of Hugo's job (pages + RSS)")
    _pages_and_rss("plain", plain_step(size, out), plain_output(size), runs, results)


#: Measured in turn (see :class:`Turns`): a dopemail build (a key of :func:`dopemail_steps`),
#: a peer, and the label.
TURNS = [
    ("cold", "hugo", "cold `--no-cache`, with issues ÷ Hugo"),
    ("cold_entries", "hugo", "cold `--no-cache`, entries only ÷ Hugo"),
    ("warm", "hugo", "warm full ÷ Hugo"),
    ("edit", "hugo", "after editing one entry ÷ Hugo"),
    ("cold", "pelican", "cold `--no-cache`, with issues ÷ Pelican"),
    ("cold_entries", "plain", "cold `--no-cache`, entries only ÷ the plain Python build"),
]


def bench_turns(
    size: int, out: Path, runs: int, peers: dict[str, Step], turns: dict[str, Turns]
) -> None:
    """Each pair of :data:`TURNS` whose peer is in ``peers``, ``runs`` times in turn."""
    pairs = [(key, peer, label) for key, peer, label in TURNS if peer in peers]
    if not pairs:
        return
    steps = dopemail_steps(out)
    entry = edited_entry(out)
    original = entry.read_bytes()
    try:
        for key, peer, label in pairs:
            if key in ("warm", "edit"):  # they start from the cache a plain build leaves
                with contextlib.suppress(Failed):
                    measure(steps["first"].cmd(0))
            say(f"N={size}: in turn, {label}")
            turns[f"{key}/{peer}"] = in_turn(runs, steps[key], peers[peer], label)
            entry.write_bytes(original)  # the next pair builds the corpus as it was made
    finally:
        entry.write_bytes(original)
    rebuild(out)


COPY_LOOP = """
import os, sys
src, dst = sys.argv[1], sys.argv[2]
for folder, _, names in os.walk(src, followlinks=True):
    rel = os.path.relpath(folder, src)
    if rel.split(os.sep)[0] in (".dopemail", "site", "feeds"):
        continue
    target = os.path.join(dst, rel)
    os.makedirs(target, exist_ok=True)
    for name in names:
        with open(os.path.join(folder, name), "rb") as f:
            data = f.read()
        with open(os.path.join(target, name), "wb") as f:
            f.write(data)
"""


def bench_floor(size: int, out: Path, runs: int, results: dict[str, Row]) -> None:
    copy = WORK / "out" / f"floor-{size}"
    say(f"N={size}: floor (read every input, write the same bytes)")
    results["floor"] = repeat(
        Row(),
        runs,
        lambda i: set_aside(copy),
        lambda i: [sys.executable, "-S", "-c", COPY_LOOP, str(out / "dopemail"), str(copy)],
        label="floor",
    )


# -- sending ---------------------------------------------------------------------------------


def bench_send(subscribers: int, runs: int, issue: str = "sample") -> dict[str, Any] | str:
    """``bench/send.py``'s figures for one list size (its JSON), or why there are none."""
    script = BENCH / "send.py"
    if not script.exists():
        return "n/a (bench/send.py is missing)"
    say(f"send: {subscribers:,} subscribers, {runs} run(s), via bench/send.py")
    cmd = [str(VENV_BIN / "python"), str(script), "--subscribers", str(subscribers)]
    cmd += ["--runs", str(runs), "--issue", issue, "--json"]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=7200, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"n/a ({exc})"
    if done.returncode != 0:
        tail = " ".join((done.stderr or done.stdout).strip().splitlines()[-3:])
        say(f"  send.py failed: {tail}")
        return f"n/a (send.py exited {done.returncode})"
    for line in reversed(done.stdout.strip().splitlines()):
        with contextlib.suppress(ValueError):
            data = json.loads(line)
            if isinstance(data, dict):
                return data
    return "n/a (no JSON object in send.py's output)"


def fmt_spread(value: Any, unit: str, digits: int = 2) -> str:
    if isinstance(value, dict) and "median" in value:
        text = f"{value['median']:,.{digits}f}{unit}"
        if "min" in value and "max" in value and value["min"] != value["max"]:
            text += f" ({value['min']:,.{digits}f}–{value['max']:,.{digits}f})"
        return text
    if isinstance(value, int | float):
        return f"{value:,.{digits}f}{unit}"
    return "n/a"


def send_row(subscribers: int, result: dict[str, Any] | str) -> str:
    if isinstance(result, str):
        return f"| send to {subscribers:,} subscribers | {result} | | | |"
    runs = len(result.get("runs", [])) or "?"
    return (
        f"| send to {subscribers:,} subscribers ({result.get('provider', '?')}, "
        f"{result.get('messages', '?'):,} messages, {runs} run(s)) | "
        f"{fmt_spread(result.get('wall_s'), ' s')} | "
        f"{fmt_spread(result.get('msgs_per_s'), ' msg/s', 0)} | "
        f"{fmt_spread(result.get('post_msgs_per_s'), ' msg/s', 0)} | "
        f"{fmt_spread(result.get('peak_rss_mb'), ' MB', 0)} |"
    )


# -- the machine and the table ---------------------------------------------------------------


def compile_dopemail() -> None:
    """Compile dopemail's modules to bytecode, as installing a package does.

    ``make build`` installs dopemail in editable mode, where Python writes a module's bytecode
    the first time it imports it, unless ``PYTHONDONTWRITEBYTECODE`` is set (as it is in some
    containers and CI images). Then every measured process compiles dopemail's own code again
    (50-80 ms per start, at 1,000 entries a tenth of a warm build), which no installed copy
    does, and the peers do not either (a Go binary, and Pelican's packages, which pip compiled).
    """
    done = subprocess.run(
        [str(VENV_BIN / "python"), "-m", "compileall", "-q", str(REPO / "src")],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:  # a syntax error: every build row will say so too
        say(f"compiling dopemail's bytecode failed:\n{_first_lines(done.stdout + done.stderr)}")


def machine(hugo: str | None, pelican: Path | None) -> list[str]:
    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram = "?"
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    python = version_of([str(VENV_BIN / "python"), "--version"])
    dopemail = version_of(dopemail_cmd("--version"))
    commit = version_of(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"])
    dirty = subprocess.run(
        ["git", "-C", str(REPO), "status", "--porcelain", "--", "src"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return [
        f"- CPU: {cpu}, {os.cpu_count()} cores; RAM {ram}; {platform.system()} "
        f"{platform.release()}",
        f"- {python} from {venv_config(VENV_BIN.parent).get('home', '?')} (dopemail's venv, and "
        f"Pelican's); {dopemail}; commit {commit}"
        + (" with uncommitted changes in src/" if dirty else ""),
        f"- Hugo: {version_of([hugo, 'version']) if hugo else 'n/a'}",
        f"- Pelican: {version_of([str(pelican), '--version']) if pelican else 'n/a'}",
        f"- load average at start: {load}",
    ]


def cpu_ticks(stat_text: str) -> tuple[int, int] | None:
    """The cores' time wanted (busy, or ready but not run) and the part of it the host took
    (steal), in ticks, from ``/proc/stat`` text.

    On a virtual machine, steal is the time a virtual core was ready to run and the host ran
    something else: the shared machine's noise, which no wall time shows by itself.
    """
    for line in stat_text.splitlines():
        if line.startswith("cpu "):
            # user nice system idle iowait irq softirq steal (guest time is counted in user)
            values = [int(v) for v in line.split()[1:9]]
            values += [0] * (8 - len(values))  # an old kernel's line stops before steal
            return sum(values) - values[3] - values[4], values[7]
    return None


def read_cpu_ticks() -> tuple[int, int] | None:
    """:func:`cpu_ticks` of this machine now (None where there is no ``/proc/stat``)."""
    try:
        return cpu_ticks(Path("/proc/stat").read_text())
    except (OSError, ValueError):
        return None


def steal_line(before: tuple[int, int] | None, after: tuple[int, int] | None) -> str:
    """The results' line on the CPU time the host took during the run."""
    if before is None or after is None or after[0] <= before[0]:
        return "- CPU time taken by the host (steal) during the run: unknown (no /proc/stat)"
    share = 100 * (after[1] - before[1]) / (after[0] - before[0])
    return (
        f"- CPU time taken by the host (steal) during the run: {share:.1f}% of the time the "
        "cores were busy or ready to run (/proc/stat): on a shared virtual machine, what other "
        "machines took; the more, the noisier the figures"
    )


ROWS = [
    ("cold", "`dopemail build --no-cache`, cold (entries + issues)"),
    ("cold_one", "`dopemail build --no-cache --jobs 1`, cold (entries + issues), one process"),
    ("cold_entries", "`dopemail build --no-cache`, cold, entries only (no issues)"),
    ("first", "`dopemail build`, first (no `.dopemail/`: writes the cache)"),
    ("warm", "`dopemail build`, warm full (cache kept, `site/` + `feeds/` set aside)"),
    ("noop", f"`dopemail build`, no-op (nothing changed; at least {NOOP_RUNS} runs)"),
    ("edit", "`dopemail build` after editing one entry"),
    ("preview_start", "preview: start-up (its first in-memory build, with the cache as left)"),
    ("preview_event", "preview: save → reload event (SSE)"),
    ("preview_page", "preview: save → edited page fetched"),
    ("preview_logged", "preview: its own rebuild time after the edit (its log)"),
    ("preview_feeds_logged", "preview: then the feeds made, after the page is shown (its log)"),
    ("preview_title_page", "preview: title edited → page fetched (its lines in the lists too)"),
    ("preview_title_logged", "preview: its own rebuild time after the title edit (its log)"),
    ("issue", "render one 5-film issue, in-process (per call)"),
    ("hugo", "Hugo: pages + RSS (same entries)"),
    ("pelican", "Pelican: pages + RSS + Atom (same entries)"),
    ("plain", "plain Python build of Hugo's job (PyYAML's C loader, cmarkgfm, Jinja2, feedgen)"),
    ("floor", "floor: read every input, write the same bytes"),
]
RATIOS = [
    ("cold_entries", "hugo", "dopemail entries only ÷ Hugo"),
    ("cold_entries", "pelican", "dopemail entries only ÷ Pelican"),
    ("cold", "hugo", "dopemail with issues ÷ Hugo"),
    ("cold", "pelican", "dopemail with issues ÷ Pelican"),
    ("plain", "hugo", "plain Python build ÷ Hugo"),
    ("cold_entries", "plain", "dopemail entries only ÷ plain Python build"),
    ("cold_entries", "floor", "dopemail entries only ÷ floor"),
    ("cold", "cold_one", "dopemail with issues, all cores ÷ one process"),
]


def ratio(a: Row | None, b: Row | None, what: str = "wall") -> str:
    if not a or not b:
        return ""
    x, y = {
        "wall": (a.median, b.median),
        "cpu": (_median(a.cpu), _median(b.cpu)),
        "rss": (a.rss_median, b.rss_median),
        "tree": (_median(a.tree_kb), _median(b.tree_kb)),
    }[what]
    if not x or not y:
        return "n/a"
    return f"{x / y:.2f}×"


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def table(sizes: list[int], results: dict[int, dict[str, Row]], runs: int) -> list[str]:
    head = "| measurement (median of runs, min–max) |"
    rule = "| --- |"
    for size in sizes:
        head += f" N={size:,}: wall time | CPU | peak RSS | all processes |"
        rule += " ---: | ---: | ---: | ---: |"
    lines = [head, rule]
    for key, label in ROWS:
        if not any(key in results[s] for s in sizes):
            continue
        line = f"| {label} |"
        for size in sizes:
            row = results[size].get(key)
            line += f" {fmt_time(row)} | {fmt_cpu(row)} | {fmt_rss(row)} | {fmt_tree(row)} |"
        lines.append(line)
    for a, b, label in RATIOS:
        if not any(b in results[s] and a in results[s] for s in sizes):
            continue
        line = f"| ratio: {label} |"
        for size in sizes:
            x, y = results[size].get(a), results[size].get(b)
            line += (
                f" {ratio(x, y)} | {ratio(x, y, 'cpu')} | {ratio(x, y, 'rss')} "
                f"| {ratio(x, y, 'tree')} |"
            )
        lines.append(line)
    return lines


def turns_table(sizes: list[int], turns: dict[int, dict[str, Turns]], runs: int) -> list[str]:
    head = (
        f"| measured in turn, {runs} pairs (A then B, B then A, ...): the median of the pairs' "
        "A ÷ B (min–max), "
        "then A's and B's times |"
    )
    lines = [head + "".join(f" N={size:,} |" for size in sizes)]
    lines.append("| --- |" + " --- |" * len(sizes))
    for key, peer, label in TURNS:
        pair = f"{key}/{peer}"
        if any(pair in turns[size] for size in sizes):
            cells = "".join(f" {fmt_turns(turns[size].get(pair))} |" for size in sizes)
            lines.append(f"| {label} |{cells}")
    said = []
    for size in sizes:
        for key, peer, label in TURNS:
            pair = turns[size].get(f"{key}/{peer}")
            if pair and pair.error:
                said.append(
                    f"- N={size:,}, in turn, {label}: **failed**: {_first_lines(pair.error)}"
                )
            if pair and pair.note:
                said.append(f"- N={size:,}, in turn, {label}: {pair.note}")
    return lines + (["", *said] if said else [])


def _first_lines(text: str) -> str:
    # One line of a Markdown list: a failure's first lines, joined.
    return " / ".join(text.strip().splitlines()[:3])[:400]


def notes(sizes: list[int], results: dict[int, dict[str, Row]]) -> list[str]:
    out = []
    for size in sizes:
        for key, label in ROWS:
            row = results[size].get(key)
            if row and row.note:
                out.append(f"- N={size:,}, {label}: {row.note}")
            if row and row.error:
                out.append(f"- N={size:,}, {label}: **failed**: {_first_lines(row.error)}")
    return out


# -- main ------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == [ISSUE_WORKER]:
        issue_worker(Path(argv[1]), int(argv[2]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="entry counts (default 1000,10000)")
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (default 5)")
    parser.add_argument("--seed", type=int, default=1, help="the corpus's seed (default 1)")
    parser.add_argument("--quick", action="store_true", help="N=1000, 3 runs, 100k send only")
    parser.add_argument("--skip-peers", action="store_true", help="no Hugo, Pelican or floor")
    parser.add_argument("--skip-send", action="store_true", help="do not run bench/send.py")
    parser.add_argument("--skip-preview", action="store_true", help="no preview measurement")
    parser.add_argument("--skip-builds", action="store_true", help="no dopemail build rows")
    parser.add_argument("--skip-issue", action="store_true", help="no issue-rendering row")
    parser.add_argument(
        "--skip-turns", action="store_true", help="no ratios measured in turn with the peers"
    )
    parser.add_argument(
        "--results",
        default="results",
        help="write bench/.work/NAME.md and NAME.json (default: results)",
    )
    parser.add_argument(
        "--pelican-large",
        action="store_true",
        help=f"run Pelican above {PELICAN_BIG:,} entries too (once: it takes minutes)",
    )
    parser.add_argument(
        "--send-subscribers",
        default="100000,1000000",
        help="subscriber counts for bench/send.py (default 100000,1000000)",
    )
    parser.add_argument("--send-runs", type=int, default=3, help="runs of each send (default 3)")
    parser.add_argument(
        "--send-large-runs",
        type=int,
        default=1,
        help=f"runs of sends above {SEND_BIG:,} subscribers (default 1)",
    )
    parser.add_argument(
        "--send-issue",
        default="sample",
        help="the issue bench/send.py sends: sample (make build's issue 1), small, or a folder",
    )
    parser.add_argument("--issue-calls", type=int, default=30, help="render_issue calls (30)")
    parser.add_argument(
        "--install-peers",
        action="store_true",
        help="only install Hugo and Pelican (make test does, for the tests that run them)",
    )
    args = parser.parse_args(argv)
    if args.install_peers:
        return install_peers()
    if args.quick:
        args.sizes, args.runs, args.send_subscribers, args.send_runs = "1000", 3, "100000", 1
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    subscribers = [int(s.replace("_", "")) for s in args.send_subscribers.split(",") if s]
    if not (VENV_BIN / "dopemail").exists():
        say(f"{VENV_BIN / 'dopemail'} is missing: run `make build` first")
        return 2
    WORK.mkdir(parents=True, exist_ok=True)
    compile_dopemail()
    hugo = pelican = None
    if not args.skip_peers:
        hugo = ensure_hugo()
        pelican = ensure_pelican()
    about = machine(hugo, pelican)
    for line in about:
        say(line)
    started = time.perf_counter()
    ticks = read_cpu_ticks()
    results: dict[int, dict[str, Row]] = {}
    turns: dict[int, dict[str, Turns]] = {}
    for size in sizes:
        out = corpus(size, args.seed)
        results[size] = rows = {}
        turns[size] = {}
        if not args.skip_builds:
            bench_builds(size, out, args.runs, rows)
        if not args.skip_preview:
            bench_preview(size, out, args.runs, rows)
        if not args.skip_issue:
            bench_issue(size, out, args.issue_calls, rows)
        if not args.skip_peers:
            if hugo:
                bench_hugo(size, out, args.runs, hugo, rows)
            if pelican and size <= PELICAN_BIG:
                bench_pelican(size, out, args.runs, pelican, rows)
            elif pelican and args.pelican_large:
                bench_pelican(size, out, 1, pelican, rows)
            elif pelican:
                rows["pelican"] = Row(
                    note=f"skipped (--pelican-large runs it above {PELICAN_BIG:,})"
                )
            bench_plain(size, out, args.runs, rows)
            bench_floor(size, out, args.runs, rows)
        if not (args.skip_peers or args.skip_builds or args.skip_turns):
            peers = {"hugo": hugo_step(size, out, hugo)} if hugo else {}
            peers["plain"] = plain_step(size, out)
            if pelican and size <= PELICAN_BIG:
                peers["pelican"] = pelican_step(size, out, pelican)
            bench_turns(size, out, args.runs, peers, turns[size])
    sends: list[tuple[int, dict[str, Any] | str]] = []
    if not args.skip_send:
        for n in subscribers:  # a million takes minutes per run: once, unless asked
            runs = args.send_runs if n <= SEND_BIG else args.send_large_runs
            sends.append((n, bench_send(n, runs, args.send_issue)))
    elapsed = time.perf_counter() - started
    about = [*about, steal_line(ticks, read_cpu_ticks())]
    say(about[-1])
    empty_aside()  # only now: freeing their inodes earlier would weigh on the next runs

    lines = ["# dopemail benchmark", "", *about, ""]
    lines.append(
        f"Corpus: `bench/make_corpus.py` (seed {args.seed}): N film entries and N/10 issues of 5 "
        f"entries; runs per measurement: {args.runs} unless said; whole run {elapsed / 60:.1f} min."
    )
    lines += ["", *table(sizes, results, args.runs), ""]
    if any(turns.values()):
        lines += [*turns_table(sizes, turns, args.runs), ""]
    if sends:
        lines += [
            "| sending (bench/send.py) | wall | msg/s | msg/s, post phase | sender peak RSS |",
            "| --- | ---: | ---: | ---: | ---: |",
            *(send_row(n, r) for n, r in sends),
            "",
        ]
    extra = notes(sizes, results)
    if extra:
        lines += ["Notes:", "", *extra, ""]
    text = "\n".join(lines)
    print(text)
    (WORK / f"{args.results}.md").write_text(text, encoding="utf-8")
    raw = {
        "machine": about,
        "sizes": {
            str(size): {k: vars(v) for k, v in rows.items()} for size, rows in results.items()
        },
        "turns": {
            str(size): {k: {**asdict(t), "ratios": t.ratios} for k, t in pairs.items()}
            for size, pairs in turns.items()
        },
        "send": {str(n): r for n, r in sends},
    }
    (WORK / f"{args.results}.json").write_text(json.dumps(raw, indent=1) + "\n", encoding="utf-8")
    say(f"written to {WORK / args.results}.md and .json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
