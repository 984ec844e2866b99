"""Benchmark the sender: ``dopemail send ISSUE --yes`` to N subscribers, against the loopback
provider running in a process of its own.

    python bench/send.py --subscribers 100000 --runs 3            # Resend-like, 3 runs
    python bench/send.py --subscribers 1000000 --runs 1           # memory at a million
    python bench/send.py --subscribers 20000 --provider postmark --json

What one run does: a fresh ledger; the loopback server (``dopemail.send.loopback``) started in
another process, so its CPU does not share the sender's GIL; the real command run as a
subprocess with ``[send.<provider>] base_url`` pointing at the server and the key in the
environment. Afterwards the server's counts are checked: exactly one message per valid address
of the list, and no other (a set fingerprint), or the run fails: a fast wrong send is no figure.

Reported per run: wall time of the command (start to exit, list reading included), messages per
second over that time, the post phase alone (first to last delivery the server saw), and the
peak RSS of the sender process (``wait4``'s ``ru_maxrss``), the CPU time of sender and server.
The summary gives the median and the range over ``--runs``.

The server runs in its light mode: it reads only the recipients of each Resend or Postmark batch
from the raw JSON (each message carries the whole issue: decoding megabytes per batch would make
the server, not the sender, the bottleneck on a small machine). ``--full-server`` decodes all.

``--json`` prints one JSON object instead (for ``bench/run.py``), and
:func:`bench_send` returns the same dict to a caller that imports this file.

The subscriber list is deterministic and cached in ``bench/.work/send/``, beside the
workspaces the runs send from (``send/`` under ``$DOPEMAIL_BENCH_WORK`` when set):
``reader<i>@<domain>`` rows, with a few unsubscribed, invalid and duplicate rows mixed in
(skipped, as a real list has).
The issue is the sample publication's built issue 1 (``make build`` writes it; some 45 KB of
HTML), ``--issue small`` for the tests' tiny one, or ``--issue DIR``, a built issue's folder.
``--set NAME=VALUE`` adds a ``[send]`` setting (``--set concurrency=4``); ``--prefix`` runs the
sender under a profiler (``--prefix "py-spy record -o send.svg --"``).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import multiprocessing
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
# Lists and workspaces; under DOPEMAIL_BENCH_WORK when set, as bench/run.py does.
WORK = Path(os.environ.get("DOPEMAIL_BENCH_WORK") or REPO / "bench" / ".work") / "send"
KEY = "bench-loopback-key-0123456789"
SECRET = "bench-unsubscribe-secret-0123456789"
ENV_NAMES = {
    "postmark": "DOPEMAIL_POSTMARK_TOKEN",
    "resend": "DOPEMAIL_RESEND_API_KEY",
    "sendgrid": "DOPEMAIL_SENDGRID_API_KEY",
    "mailgun": "DOPEMAIL_MAILGUN_API_KEY",
    "ses": "AWS_SECRET_ACCESS_KEY",  # with the server's AWS_ACCESS_KEY_ID
}
PROVIDERS = ("resend", "postmark", "sendgrid", "mailgun", "ses", "outbox")
DOMAINS = ("example.com", "example.org", "mail.example.net", "post.example.co.uk")
_MASK = (1 << 64) - 1


# -- the subscriber list ---------------------------------------------------------------------


def _fingerprint(address: str) -> int:
    return int.from_bytes(hashlib.blake2b(address.encode(), digest_size=8).digest(), "big")


def _address(i: int) -> str:
    return f"reader{i:07d}@{DOMAINS[i % len(DOMAINS)]}"


def _kind(i: int) -> str:
    """What row ``i`` of the list is: a few rows in a hundred are skipped, as in real lists."""
    if i % 211 == 0:
        return "invalid"
    if i % 97 == 0:
        return "unsubscribed"
    if i % 101 == 0 and _kind(i - 1) == "subscribed":
        return "duplicate"
    return "subscribed"


def subscriber_list(count: int) -> tuple[Path, dict[str, int]]:
    """The CSV of ``count`` rows (made once, then reused) and what a correct send delivers:
    ``{"messages": valid addresses, "fingerprint": their set's checksum}``."""
    path = WORK / f"subscribers-{count}.csv"
    facts = path.with_suffix(".json")
    if path.exists() and facts.exists():
        return path, json.loads(facts.read_text())
    WORK.mkdir(parents=True, exist_ok=True)
    messages = fingerprint = 0
    partial = path.with_suffix(".tmp")
    with partial.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["email", "name", "status", "subscribed_at", "tags"])
        for i in range(1, count + 1):
            address = _address(i)
            day = f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}"
            if _kind(i) == "invalid":  # a typo: skipped
                writer.writerow([address.replace("@", "@@"), f"Reader {i}", "subscribed", day, ""])
            elif _kind(i) == "unsubscribed":  # left the list: skipped
                writer.writerow([address, f"Reader {i}", "unsubscribed", day, "film"])
            elif _kind(i) == "duplicate":  # the row above again, in capitals: mailed once
                writer.writerow([_address(i - 1).upper(), "", "subscribed", day, ""])
            else:
                writer.writerow([address, f"Reader {i}", "subscribed", day, "film;events"])
                messages += 1
                fingerprint = (fingerprint + _fingerprint(address)) & _MASK
    partial.replace(path)
    result = {"rows": count, "messages": messages, "fingerprint": fingerprint}
    facts.write_text(json.dumps(result))
    return path, result


# -- the workspace -----------------------------------------------------------------------------

_SMALL_HTML = """<!doctype html>
<html lang="en"><body><h1>Ghosts and strangers</h1><p>Seven films this week.</p>
<p><a href="{link}">Unsubscribe</a></p><p>{postal}</p></body></html>
"""
_SMALL_TEXT = "Ghosts and strangers\n\nSeven films this week.\n\nUnsubscribe: {link}\n{postal}\n"


def _issue_files(which: str) -> dict[str, str]:
    """email.html, email.txt and message.json of the issue to send."""
    if which == "small":
        from dopemail.config import load_settings
        from dopemail.personalize import UNSUBSCRIBE_PLACEHOLDER

        postal = load_settings(REPO).sender.postal_address
        fill = {"link": UNSUBSCRIBE_PLACEHOLDER, "postal": postal}
        meta = {"number": 1, "slug": "small", "subject": "Ghosts and strangers"}
        return {
            "email.html": _SMALL_HTML.format(**fill),
            "email.txt": _SMALL_TEXT.format(**fill),
            "message.json": json.dumps(meta),
        }
    if which == "sample":
        built = sorted((REPO / "site" / "issues").glob("1-*"))
        if not built:
            raise SystemExit("no built sample issue in site/issues/1-*/: run `make build` first")
        folder = built[0]
    else:  # the folder of a built issue
        folder = Path(which)
    return {name: (folder / name).read_text(encoding="utf-8") for name in _ISSUE_FILES}


_ISSUE_FILES = ("email.html", "email.txt", "message.json")


def prepare_workspace(
    provider: str, issue: str, subscribers: Path, url: str | None, send: dict[str, Any]
) -> Path:
    """A publication folder: the repository's dopemail.toml with a [send] of ours, one issue,
    and no ledger (every run starts from scratch)."""
    root = WORK / f"workspace-{provider}"
    for stale in (".dopemail", "outbox", "site"):
        shutil.rmtree(root / stale, ignore_errors=True)
    folder = root / "site" / "issues"
    files = _issue_files(issue)
    meta = json.loads(files["message.json"])
    if meta.get("status") == "sent":
        # The sample's issue 1 went out; the sender refuses to mail an issue marked sent again.
        meta["status"] = "ready"
        files["message.json"] = json.dumps(meta, ensure_ascii=False, indent=2) + "\n"
    folder = folder / f"{meta['number']}-{meta['slug']}"
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    config = (REPO / "dopemail.toml").read_text(encoding="utf-8")
    config = re.sub(r"(?ms)^\[send(\.[a-z]+)?\].*?(?=^\[|\Z)", "", config)
    values = {"provider": provider, "subscribers": str(subscribers), **send}
    config += "\n[send]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in values.items())
    if url is not None:
        # The loopback server has no rate limit: the sender's pacing would measure the
        # provider's limit (2 requests a second for Resend), not the sender.
        config += f'\n[send.{provider}]\nbase_url = "{url}"\nrequests_per_second = 0\n'
    (root / "dopemail.toml").write_text(config, encoding="utf-8")
    return root


# -- the loopback server, in a process of its own -----------------------------------------------


def _serve(conn: Connection, key: str, light: bool) -> None:  # pragma: no cover - in the child
    from dopemail.send.loopback import LoopbackServer

    server = LoopbackServer(key=key, record=False, light=light)
    times: list[float] = []
    handle = server.handle

    def timed(request: Any) -> Any:
        answer = handle(request)
        if 200 <= answer[0] < 300:
            now = time.time()
            if not times:
                times.append(now)
            times[1:] = [now]
        return answer

    server.handle = timed  # type: ignore[method-assign]
    server.start()
    conn.send(server.url)
    while True:
        command = conn.recv()
        if command == "stats":
            with server._lock:
                counts = list(server.deliveries.items())
                answers = dict(server.answers)
            fingerprint = 0
            for address, _ in counts:
                fingerprint = (fingerprint + _fingerprint(address)) & _MASK
            conn.send(
                {
                    "addresses": len(counts),
                    "delivered": sum(n for _, n in counts),
                    "most": max((n for _, n in counts), default=0),
                    "fingerprint": fingerprint,
                    "answers": answers,
                    "first": times[0] if times else None,
                    "last": times[-1] if times else None,
                    "cpu": sum(resource.getrusage(resource.RUSAGE_SELF)[:2]),
                }
            )
        else:
            server.stop()
            conn.send("stopped")
            return


class ServerProcess:
    """The loopback server in another process; ``stats()`` asks it what it delivered."""

    def __init__(self, light: bool = True) -> None:
        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, KEY, light), daemon=True)
        self.process.start()
        self.url: str = self.conn.recv()

    def stats(self) -> dict[str, Any]:
        self.conn.send("stats")
        return self.conn.recv()

    def stop(self) -> None:
        if self.process.is_alive():
            self.conn.send("stop")
            self.conn.recv()
        self.process.join(10)


# -- one run -------------------------------------------------------------------------------------


def _outbox_stats(root: Path) -> dict[str, Any]:
    """What the outbox wrote: one file per reader, named after the reader's address."""
    files = [p for p in (root / "outbox").rglob("*.eml") if "tests" not in p.parts]
    fingerprint = 0
    for path in files:
        with path.open("rb") as handle:
            for line in handle:
                if line.lower().startswith(b"to:"):
                    value = line[3:].strip().decode()
                    address = value.rpartition("<")[2].rstrip(">").lower()
                    fingerprint = (fingerprint + _fingerprint(address)) & _MASK
                    break
    return {
        "addresses": len(files),
        "delivered": len(files),
        "most": 1 if files else 0,
        "fingerprint": fingerprint,
        "answers": {},
        "first": None,
        "last": None,
    }


def run_once(
    subscribers: int,
    provider: str = "resend",
    issue: str = "sample",
    send: dict[str, Any] | None = None,
    prefix: list[str] | None = None,
    full_server: bool = False,
    verbose: bool = False,
) -> dict[str, Any]:
    """One send, checked; its figures."""
    path, expected = subscriber_list(subscribers)
    server = ServerProcess(light=not full_server) if provider != "outbox" else None
    try:
        root = prepare_workspace(
            provider, issue, path, server.url if server else None, {"timeout": 60.0, **(send or {})}
        )
        env = {**os.environ, "DOPEMAIL_UNSUBSCRIBE_SECRET": SECRET}
        if provider in ENV_NAMES:
            env[ENV_NAMES[provider]] = KEY
        if provider == "ses":
            from dopemail.send.loopback import AWS_KEY_ID

            env["AWS_ACCESS_KEY_ID"] = AWS_KEY_ID
        command = [sys.executable, "-m", "dopemail", "send", "1", "--yes", "--no-progress"]
        command = [*(prefix or []), *command, "--root", str(root)]
        started = time.time()
        process = subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        output: list[bytes] = []
        reader = threading.Thread(target=lambda: output.append(process.stdout.read()))  # type: ignore[union-attr]
        reader.start()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.time() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        reader.join()
        text = b"".join(output).decode(errors="replace")
        stats = server.stats() if server else _outbox_stats(root)
    finally:
        if server:
            server.stop()
    if process.returncode != 0:
        raise SystemExit(f"dopemail send failed ({process.returncode}):\n{text}")
    problems = []
    if stats["addresses"] != expected["messages"]:
        problems.append(f"{stats['addresses']} addresses got mail, {expected['messages']} expected")
    if stats["delivered"] != expected["messages"] or stats["most"] > 1:
        problems.append(
            f"{stats['delivered']} messages delivered, most to one address: {stats['most']}"
        )
    if stats["fingerprint"] != expected["fingerprint"]:
        problems.append("the delivered addresses are not the list's valid addresses")
    if problems:
        raise SystemExit("the send was wrong: " + "; ".join(problems) + "\n" + text)
    if verbose:
        print(text, file=sys.stderr)
    messages = expected["messages"]
    post = None
    if stats["first"] and stats["last"] and stats["last"] > stats["first"]:
        post = stats["last"] - stats["first"]
    return {
        "wall_s": round(wall, 3),
        "msgs_per_s": round(messages / wall, 1),
        "post_s": round(post, 3) if post else None,
        "post_msgs_per_s": round(messages / post, 1) if post else None,
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),  # Linux: kilobytes
        "user_s": round(usage.ru_utime, 2),
        "sys_s": round(usage.ru_stime, 2),
        "requests": sum(stats["answers"].values()),
        "server_cpu_s": round(stats["cpu"], 2) if stats.get("cpu") is not None else None,
    }


def _spread(values: list[float]) -> dict[str, float]:
    return {
        "median": round(statistics.median(values), 3),
        "min": round(min(values), 3),
        "max": round(max(values), 3),
    }


def bench_send(
    subscribers: int = 100_000,
    runs: int = 3,
    provider: str = "resend",
    issue: str = "sample",
    send: dict[str, Any] | None = None,
    prefix: list[str] | None = None,
    progress: bool = False,
    full_server: bool = False,
    verbose: bool = False,
) -> dict[str, Any]:
    """``runs`` checked sends to ``subscribers`` rows; the figures, as one JSON-ready dict."""
    _, expected = subscriber_list(subscribers)
    results = []
    for number in range(runs):
        result = run_once(subscribers, provider, issue, send, prefix, full_server, verbose)
        results.append(result)
        if progress:
            post = result["post_msgs_per_s"]
            print(
                f"run {number + 1}/{runs}: {result['wall_s']:.2f} s, "
                f"{result['msgs_per_s']:,.0f} msg/s"
                + (f" (post phase {post:,.0f} msg/s)" if post else "")
                + f", peak RSS {result['peak_rss_mb']:.1f} MB, "
                f"cpu {result['user_s']:.1f} user + {result['sys_s']:.1f} sys"
                + (f" (server {result['server_cpu_s']:.1f})" if result["server_cpu_s"] else ""),
                file=sys.stderr,
            )
    summary: dict[str, Any] = {
        "benchmark": "send",
        "provider": provider,
        "issue": issue,
        "subscribers": subscribers,
        "messages": expected["messages"],
        "settings": send or {},
        "server": "full" if full_server else "light",
        "runs": results,
    }
    for name in ("wall_s", "msgs_per_s", "post_msgs_per_s", "peak_rss_mb"):
        values = [r[name] for r in results if r[name] is not None]
        if values:
            summary[name] = _spread(values)
    return summary


def _setting(text: str) -> tuple[str, Any]:
    name, _, value = text.partition("=")
    try:
        return name.strip(), json.loads(value)
    except json.JSONDecodeError:
        return name.strip(), value.strip()


def main(argv: list[str] | None = None) -> None:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=100_000, help="rows in the list")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--provider", choices=PROVIDERS, default="resend")
    parser.add_argument(
        "--issue",
        default="sample",
        help="sample (the built site/issues/1-*/), small (a tiny one), or a built issue's folder",
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a [send] setting for the run, e.g. --set concurrency=8 (repeatable)",
    )
    parser.add_argument(
        "--prefix", default="", help="a command to run the sender under, e.g. 'py-spy record -o x'"
    )
    parser.add_argument(
        "--full-server",
        action="store_true",
        help="the loopback server decodes every message in full (it then needs about a core "
        "of its own at 2,000 messages a second of the sample issue)",
    )
    parser.add_argument("--verbose", action="store_true", help="show what the sender printed")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    send = dict(_setting(item) for item in args.set)
    result = bench_send(
        args.subscribers,
        args.runs,
        args.provider,
        args.issue,
        send,
        args.prefix.split() or None,
        progress=not args.json,
        full_server=args.full_server,
        verbose=args.verbose,
    )
    if args.json:
        print(json.dumps(result))
        return
    print(
        f"dopemail send: {result['messages']:,} messages ({args.subscribers:,} rows), "
        f"provider {args.provider} (loopback), issue {args.issue}, {args.runs} run(s)"
    )
    for name, label, unit in (
        ("wall_s", "wall time", "s"),
        ("msgs_per_s", "messages/second", ""),
        ("post_msgs_per_s", "  post phase only", ""),
        ("peak_rss_mb", "peak RSS", "MB"),
    ):
        if name in result:
            spread = result[name]
            print(
                f"  {label:<18} median {spread['median']:>10,.1f} {unit:<2} "
                f"(min {spread['min']:,.1f}, max {spread['max']:,.1f})"
            )


if __name__ == "__main__":
    main()
