"""The whole build: determinism, atomic writes, the web pages, and the committed feeds."""

from __future__ import annotations

import html
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest
from conftest import REPO, copy_publication, snapshot

from dopemail import fingerprint
from dopemail import write as write_module
from dopemail.build import build
from dopemail.errors import DopemailError


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    first = copy_publication(tmp_path / "one")
    second = copy_publication(tmp_path / "two")
    build(first)
    build(second)
    outputs_one = snapshot(first / "feeds") | snapshot(first / "site")
    outputs_two = snapshot(second / "feeds") | snapshot(second / "site")
    assert outputs_one == outputs_two
    # A rebuild changes nothing on disk.
    before = {p: p.stat().st_mtime_ns for p in (first / "feeds").iterdir()}
    _, report = build(first)
    assert report is not None and report.written == []
    assert before == {p: p.stat().st_mtime_ns for p in (first / "feeds").iterdir()}


def test_committed_feeds_match_a_fresh_build(workspace: Path) -> None:
    """feeds/ is a reviewed golden copy: after changing output, run `make build`, read the diff."""
    build(workspace)
    assert snapshot(workspace / "feeds") == snapshot(REPO / "feeds")


def _git(*args: str) -> str:
    """Run git with none of this machine's settings but a name to commit under."""
    isolated = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    who = ["-c", "user.name=Ada", "-c", "user.email=ada@example.com"]
    done = subprocess.run(["git", *who, *args], check=True, capture_output=True, env=isolated)
    return done.stdout.decode()


def test_a_clone_that_converts_line_ends_builds_its_feeds_unchanged(tmp_path: Path) -> None:
    # A Windows clone (core.autocrlf=true) checked feeds/ out with CRLF, the build wrote
    # them with LF, and git showed them modified after every build.
    origin = copy_publication(tmp_path / "origin")
    shutil.copytree(REPO / "feeds", origin / "feeds")
    for name in (".gitattributes", ".gitignore"):
        shutil.copy2(REPO / name, origin / name)
    _git("init", "-q", str(origin))
    _git("-C", str(origin), "add", ".")
    _git("-C", str(origin), "commit", "-q", "-m", "sample")
    clone = tmp_path / "carol"
    _git("clone", "-q", "--config", "core.autocrlf=true", str(origin), str(clone))
    assert b"\r\n" in (clone / "dopemail.toml").read_bytes()  # the clone converts
    build(clone)
    assert _git("-C", str(clone), "status", "--porcelain") == ""


@pytest.mark.parametrize("marks", ["“…”", '"…"', "« … »"])
def test_a_pull_quote_copied_with_its_marks_is_shown_with_one_pair(
    marks: str, workspace: Path
) -> None:
    # “I’ve always said…” came out as ““I’ve always said…”” on the page, in the email and
    # its text part: the templates add their own marks.
    path = workspace / "entries/all-of-us-strangers.md"
    said = (
        "I’ve always said that writers know less about the real world than just about anyone else."
    )
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(f"text: {said}", f"text: '{marks.replace('…', said)}'"), "utf-8")
    result, _ = build(workspace)
    page = (workspace / "site/all-of-us-strangers/index.html").read_text(encoding="utf-8")
    issue = next(i for i in result.issues if "all-of-us-strangers" in i.mjml)
    for shown in (page, issue.html, issue.text, issue.web):
        # The email's HTML writes every mark as a reference; the text part wraps the quote.
        shown = " ".join(html.unescape(shown).split())
        assert f"“{said}”" in shown
        assert not any(f"{mark}{said[:20]}" in shown for mark in ("““", '“"', "“« ", "“«"))


def test_a_failing_build_leaves_the_previous_outputs(workspace: Path, run_cli) -> None:
    build(workspace)
    before = snapshot(workspace / "feeds") | snapshot(workspace / "site")
    (workspace / "templates").mkdir(exist_ok=True)
    (workspace / "templates/entry_content.html.j2").write_text("{% if %}broken\n")
    entry = workspace / "entries/all-of-us-strangers.md"
    entry.write_text(entry.read_text().replace("title: All", "title: Changed All", 1))
    code, output = run_cli("build", "--root", workspace)
    assert code == 1
    assert "templates/entry_content.html.j2:1: template syntax error" in output
    after = snapshot(workspace / "feeds") | snapshot(workspace / "site")
    assert after == before
    assert not [p for p in workspace.rglob("*.tmp")]


def temporaries(root: Path) -> list[str]:
    """The temporary names of outputs left under site/ and feeds/."""
    return sorted(
        p.relative_to(root).as_posix()
        for top in ("site", "feeds")
        for p in (root / top).rglob(".*.tmp")
    )


def test_a_build_waits_for_another_writing_in_the_same_folder(workspace: Path) -> None:
    # Two builds at once left temporary names in site/ for good (where both had linked the
    # same kept bytes, the second rename did nothing), and the last to finish won.
    build(workspace)
    config = workspace / "dopemail.toml"
    config.write_text(config.read_text().replace('title = "DoPe Press"', 'title = "DoPe"', 1))
    command = [sys.executable, "-m", "dopemail", "build", "--root", str(workspace)]
    with write_module.build_lock(workspace):  # another build, writing
        waiting = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        said = waiting.stderr.readline()  # type: ignore[union-attr]
        assert said == (
            f"waiting for another build of this publication (process {os.getpid()}) to finish...\n"
        )
        assert waiting.poll() is None and "<title>DoPe Press" in (
            (workspace / "site/index.html").read_text(encoding="utf-8")
        )
    out, err = waiting.communicate(timeout=300)
    assert waiting.returncode == 0, err
    assert "<title>DoPe</title>" in (workspace / "site/index.html").read_text(encoding="utf-8")
    assert temporaries(workspace) == []


def _killed_once_in_place(written: str) -> str:
    """Python for a process to run: os.replace, which puts a file in place, made to kill
    the process (kill -9: no cleanup) once it has put the file ending ``written`` there."""
    return f"""
import os
replace = os.replace
def killed_once_in_place(tmp, target):
    replace(tmp, target)
    if str(target).endswith({written!r}):
        os._exit(9)
os.replace = killed_once_in_place
"""


def test_a_build_killed_while_writing_leaves_nothing_the_next_one_keeps(workspace: Path) -> None:
    build(workspace)
    before = snapshot(workspace / "feeds") | snapshot(workspace / "site")
    # A build killed (kill -9: no cleanup) right after putting a new page in place: another
    # file already replaced, one still under its temporary name, and no manifest written.
    killed = f"""
import os
from pathlib import Path
from dopemail import write
outputs = {{
    "feeds/rss.xml": b"<rss>half-written</rss>",
    "site/aaa-killed/index.html": b"<p>a page no build makes</p>",
    "site/index.html": b"<p>home</p>",
}}
staging = write.Staging(Path({str(workspace)!r}))
staging.stage(outputs)
{_killed_once_in_place("aaa-killed/index.html")}
staging.commit(outputs, None)
"""
    run = subprocess.run([sys.executable, "-c", killed], capture_output=True, text=True)
    assert run.returncode == 9, run.stderr
    assert (workspace / "site/aaa-killed/index.html").is_file()
    assert len(temporaries(workspace)) == 1
    # A build that fails next (a typo) must not forget what the killed one put in place.
    entry = workspace / "entries/quiet-hours.md"
    text = entry.read_text(encoding="utf-8")
    entry.write_text(text.replace("title:", "title: [broken", 1), encoding="utf-8")
    with pytest.raises(DopemailError):
        build(workspace)
    entry.write_text(text, encoding="utf-8")
    _, report = build(workspace)
    assert report is not None and "site/aaa-killed/index.html" in report.removed
    assert temporaries(workspace) == []
    assert snapshot(workspace / "feeds") | snapshot(workspace / "site") == before
    assert not (workspace / write_module.JOURNAL).exists()


def test_what_a_killed_build_changed_in_a_sent_issue_is_still_said(
    workspace: Path, run_cli
) -> None:
    # Killed once it had put a sent issue's new email and page in place, a build never warned
    # of them, and the next found them as it would make them: no warning at all.
    assert run_cli("build", "--root", workspace)[0] == 0
    config = workspace / "dopemail.toml"
    config.write_text(config.read_text().replace('title = "DoPe Press"', 'title = "DoPe"', 1))
    killed = f"""
import os, sys
from dopemail import cli
{_killed_once_in_place("issues/1-strangers-and-varda/index.html")}
sys.argv = ["dopemail", "build", "--jobs", "1", "--root", {str(workspace)!r}]
cli.main()
"""
    run = subprocess.run([sys.executable, "-c", killed], capture_output=True, text=True)
    assert run.returncode == 9, run.stderr
    code, output = run_cli("build", "--root", workspace)
    assert code == 0, output
    for number in (1, 2):
        said = f"issue {number} was sent, and this build changed its web version and its email"
        assert said in output, output


def _stopped_once(call: str, made: str) -> str:
    """Python for a process to run: ``os.<call>`` (replace, link) made to send the process a
    real Ctrl-C (SIGINT) once it has made a file whose path holds ``made``."""
    return f"""
import os, signal
call = os.{call}
def stopped_once(source, target, **kwargs):
    call(source, target, **kwargs)
    if {made!r} in str(target) and not os.environ.get("STOPPED"):
        os.environ["STOPPED"] = "1"
        os.kill(os.getpid(), signal.SIGINT)
os.{call} = stopped_once
"""


@pytest.mark.parametrize(
    ("call", "made", "said"),
    [
        # The first output put in place (feeds/ sorts first): the renames go on, then stop.
        (
            "replace",
            "/feeds/atom.xml",
            "site/ and feeds/ hold this build's files, every one: "
            "run 'dopemail build' again to remove the pages it no longer makes and see its "
            "warnings",
        ),
        # A page linked under its temporary name, before any rename: nothing is put in place.
        ("link", "/.index.html.", "site/ and feeds/ are as the last build left them"),
    ],
)
def test_ctrl_c_while_the_build_puts_its_files_in_place_leaves_all_old_or_all_new(
    workspace: Path, call: str, made: str, said: str
) -> None:
    # Ctrl-C among the renames left the new feeds beside old pages (feeds/ is renamed first)
    # until the next build, and said only "Aborted!".
    build(workspace)
    before = snapshot(workspace / "feeds") | snapshot(workspace / "site")
    config = workspace / "dopemail.toml"
    config.write_text(config.read_text().replace('title = "DoPe Press"', 'title = "DoPe"', 1))
    stopped = f"""
import sys
from dopemail import cli
{_stopped_once(call, made)}
sys.argv = ["dopemail", "build", "--jobs", "1", "--root", {str(workspace)!r}]
cli.main()
"""
    run = subprocess.run([sys.executable, "-c", stopped], capture_output=True, text=True)
    assert (run.returncode, run.stderr) == (1, f"\nAborted!\n{said}\n"), run.stderr
    assert temporaries(workspace) == []
    left = snapshot(workspace / "feeds") | snapshot(workspace / "site")
    build(workspace)
    after = snapshot(workspace / "feeds") | snapshot(workspace / "site")
    assert after != before
    assert left == (after if "build's files" in said else before)


def test_a_build_killed_before_its_renames_leaves_no_folder_behind(workspace: Path) -> None:
    # Killed while staging: the folder made for a new page held only its temporary name, and
    # once that went the empty folder stayed (a listing or a 403 where a 404 belongs).
    build(workspace)
    killed = f"""
import os
from pathlib import Path
from dopemail import write
staging = write.Staging(Path({str(workspace)!r}))
staging.stage({{"site/zz-never-online/index.html": b"<p>new</p>"}})
os._exit(9)
"""
    run = subprocess.run([sys.executable, "-c", killed], capture_output=True, text=True)
    assert run.returncode == 9, run.stderr
    (left,) = temporaries(workspace)
    assert left.startswith("site/zz-never-online/.index.html.")
    build(workspace)
    assert not (workspace / "site/zz-never-online").exists()
    assert temporaries(workspace) == []


def test_a_write_failing_midway_leaves_old_files_and_no_temporaries(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(workspace)
    before = snapshot(workspace / "feeds") | snapshot(workspace / "site")
    entry = workspace / "entries/all-of-us-strangers.md"
    entry.write_text(entry.read_text().replace("title: All", "title: Changed All", 1))
    real_same = write_module._same
    calls = {"n": 0}

    def failing_same(target, output):  # type: ignore[no-untyped-def]
        calls["n"] += 1  # each output staged is first compared with what is in place
        if calls["n"] == 5:
            raise OSError(28, "No space left on device")
        return real_same(target, output)

    monkeypatch.setattr(write_module, "_same", failing_same)
    with pytest.raises(OSError):
        build(workspace)
    assert snapshot(workspace / "feeds") | snapshot(workspace / "site") == before
    assert not [p for p in workspace.rglob("*.tmp")]


def _blobs(root: Path) -> dict[int, Path]:
    return {p.stat().st_ino: p for p in (root / write_module.BLOBS).iterdir()}


def _output_files(root: Path) -> list[Path]:
    return [p for f in ("site", "feeds") for p in (root / f).rglob("*") if p.is_file()]


def test_outputs_written_again_are_links_to_the_bytes_kept(workspace: Path) -> None:
    build(workspace)
    blobs = _blobs(workspace)
    outputs = _output_files(workspace)
    # Every output is one of the kept files under a second name, and every kept file is one.
    assert {p.stat().st_ino for p in outputs} == set(blobs)
    assert all(p.stat().st_nlink == 2 for p in outputs)
    before = snapshot(workspace / "feeds") | snapshot(workspace / "site")
    for folder in ("site", "feeds"):
        for path in sorted((workspace / folder).rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
    _, report = build(workspace)
    # Written again without a single new file: each output is linked to its kept bytes.
    assert report is not None and len(report.written) == len(before)
    assert _blobs(workspace).keys() == blobs.keys()
    assert snapshot(workspace / "feeds") | snapshot(workspace / "site") == before
    assert not [p for p in workspace.rglob("*.tmp")]


def _count_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files the write reads back to compare with the bytes it has."""
    read: list[str] = []
    real = write_module._same

    def same(target, data):  # type: ignore[no-untyped-def]
        read.append(str(target))
        return real(target, data)

    monkeypatch.setattr(write_module, "_same", same)
    return read


def test_kept_bytes_untouched_since_the_last_build_are_not_read_again(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(workspace)
    # The kept bytes made well before the manifest (not on its clock tick), their change
    # time included: the manifest's time moved ahead, not theirs back (os.utime is a change).
    ahead = time.time_ns() + 60_000_000_000
    os.utime(workspace / write_module.MANIFEST, ns=(ahead, ahead))
    changed = workspace / "site/all-of-us-strangers/index.html"
    # Set aside, not deleted: unlinking an output's name moves its kept bytes' change time.
    for folder in ("site", "feeds"):
        (workspace / folder).rename(workspace.parent / f"{folder}-aside")
    read = _count_reads(monkeypatch)
    build(workspace)
    assert not [p for p in read if write_module.BLOBS in p]  # trusted by their stat
    assert changed.is_file()


def test_kept_bytes_rewritten_with_their_size_and_time_are_not_trusted(
    workspace: Path, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each kept file replaced by zeros of its size, its modification time put back (touch -r),
    # then site/ deleted: the build linked 47 pages of NUL bytes into site/, and the next one
    # said "nothing changed". Known by size and mtime alone; the change time gives it away.
    past = time.time() - 60
    for path in workspace.rglob("*"):
        os.utime(path, (past, past))  # (inputs a minute old: not read again for their age)
    assert run_cli("build", "--root", workspace)[0] == 0
    clean = workspace.parent / "clean"
    shutil.copytree(workspace, clean, symlinks=True)
    assert run_cli("build", "--root", clean, "--no-cache")[0] == 0
    expected = snapshot(clean / "site") | snapshot(clean / "feeds")
    for blob in (workspace / write_module.BLOBS).iterdir():
        stat = blob.stat()
        # Its time put back, a minute earlier still: surely before the manifest's, which the
        # last build may have written within the same tick of the clock.
        kept = stat.st_mtime_ns - 60_000_000_000
        zeros = blob.with_name("zeros")
        zeros.write_bytes(bytes(stat.st_size))
        os.utime(zeros, ns=(kept, kept))
        zeros.replace(blob)  # (in place would change the outputs too: as bad, and seen)
    shutil.rmtree(workspace / "site")
    code, output = run_cli("build", "--root", workspace)
    assert code == 0, output
    assert snapshot(workspace / "site") | snapshot(workspace / "feeds") == expected
    code, output = run_cli("build", "--root", workspace)
    assert code == 0 and output.startswith("nothing changed"), output
    assert snapshot(workspace / "site") | snapshot(workspace / "feeds") == expected


# settled: every output known by its stat at the next write (see KNOWN), which must still see
# the change (its change time and inode are part of what it is known by).
@pytest.mark.parametrize("settled", [False, True])
def test_an_output_changed_in_place_is_restored_and_its_bytes_not_trusted(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, settled: bool
) -> None:
    if settled:
        monkeypatch.setattr(write_module, "SETTLE_NS", 0)
    build(workspace)
    page = workspace / "site/all-of-us-strangers/index.html"
    good = page.read_bytes()
    stat = page.stat()
    with open(page, "r+b") as handle:  # in place: the kept bytes change with it
        handle.write(b"<!-- vandalised -->")
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns - 60_000_000_000))  # and look old
    assert page.read_bytes() != good
    _, report = build(workspace)
    assert report is not None and report.written == ["site/all-of-us-strangers/index.html"]
    assert page.read_bytes() == good
    page.unlink()
    build(workspace)
    assert page.read_bytes() == good  # linked again to the bytes written back, not the vandalised


@pytest.mark.parametrize("settled", [False, True])
def test_an_output_changed_in_place_with_its_size_and_time_kept_is_restored(
    workspace: Path, run_cli, monkeypatch: pytest.MonkeyPatch, settled: bool
) -> None:
    if settled:
        monkeypatch.setattr(write_module, "SETTLE_NS", 0)
    # A same-size edit whose modification time was put back (cp -p, rsync -t, touch -r) was
    # "nothing changed": the outputs were known by their size and time alone. (The inputs
    # made to look a minute old: files saved within seconds of a build are read again.)
    past = time.time() - 60
    for path in workspace.rglob("*"):
        os.utime(path, (past, past))
    assert run_cli("build", "--root", workspace)[0] == 0
    assert run_cli("build", "--root", workspace)[1].startswith("nothing changed")
    page = workspace / "site/all-of-us-strangers/index.html"
    good = page.read_bytes()
    stat = page.stat()
    with open(page, "r+b") as handle:
        handle.write(good[:15].replace(b"html", b"HTML"))  # "<!DOCTYPE HTML>": same size
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert page.read_bytes() != good and page.stat().st_size == stat.st_size
    code, output = run_cli("build", "--root", workspace)
    assert code == 0 and not output.startswith("nothing changed"), output
    assert page.read_bytes() == good


def test_bytes_changed_in_place_then_left_alone_are_not_trusted(workspace: Path) -> None:
    # Edited through its output, which is then deleted: the kept bytes have no output left,
    # like bytes a worker makes ahead, but they changed after the last build: read back.
    build(workspace)
    page = workspace / "site/all-of-us-strangers/index.html"
    good = page.read_bytes()
    with open(page, "r+b") as handle:
        handle.write(b"<!-- vandalised -->")
    page.unlink()
    build(workspace)
    assert page.read_bytes() == good


def test_bytes_made_ahead_by_workers_are_not_read_back(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dopemail import parallel

    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    read = _count_reads(monkeypatch)
    real_make = write_module._make_blob

    def make_once(blob, data, pid):  # type: ignore[no-untyped-def]
        # In this process and in the workers: bytes already kept are never written again.
        assert not os.path.exists(blob), f"{blob} made again"
        return real_make(blob, data, pid)

    monkeypatch.setattr(write_module, "_make_blob", make_once)
    build(workspace, use_cache=False, jobs=2)
    for made_ahead in ("site/all-of-us-strangers/index.html", "site/issues/1-*/email.html"):
        assert next(workspace.glob(made_ahead)).stat().st_nlink == 2
    assert not [p for p in read if write_module.BLOBS in p]  # this build made them


def test_outputs_staged_ahead_follow_what_the_build_kept(tmp_path: Path) -> None:
    # Staged while the issues render; by the commit, one changed and one was left out.
    staging = write_module.Staging(tmp_path)
    staging.stage({"site/a/index.html": b"first", "site/b/index.html": b"dropped"})
    report = staging.commit({"site/a/index.html": b"second", "feeds/f.xml": b"feed"}, None)
    assert (tmp_path / "site/a/index.html").read_bytes() == b"second"
    assert not (tmp_path / "site/b/index.html").exists()
    assert report.written == ["feeds/f.xml", "site/a/index.html"]
    assert not list(tmp_path.rglob("*.tmp"))


def test_a_build_stages_what_depends_on_no_issue_while_the_issues_render(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dopemail import build as build_module
    from dopemail import parallel

    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    events: list[str] = []
    real_stage, real_issues = write_module.Staging.stage, build_module._prerender_issues

    def staging(self, outputs):  # type: ignore[no-untyped-def]
        issue_files = [p for p in outputs if re.match(r"site/issues/\d+-", p)]
        if not issue_files:
            events.append("stage ahead")
        elif len(issue_files) == len(outputs):
            events.append("stage an issue")
        else:
            events.append("stage the rest")
        return real_stage(self, outputs)

    def issues(*args):  # type: ignore[no-untyped-def]
        real_issues(*args)
        events.append("issues rendered")

    monkeypatch.setattr(write_module.Staging, "stage", staging)
    monkeypatch.setattr(build_module, "_prerender_issues", issues)
    build(workspace, use_cache=False, jobs=2)
    # The entries' pages and feeds and the media are staged while the workers render the
    # issues, and each issue's files as soon as this process has them; the commit stages
    # only what is left (the archive and the home page, which list the issues).
    count = len(list((workspace / "issues").glob("*.md")))
    assert events == ["stage ahead"] + ["stage an issue"] * count + [
        "issues rendered",
        "stage the rest",
    ]


def test_an_output_found_in_place_ahead_is_read_once(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # After an edit most pages are already right: the staging ahead reads each back once, and
    # the commit does not read it again when the build kept the same bytes. (None known by
    # its stat: see the test above.)
    monkeypatch.setattr(write_module, "SETTLE_NS", 3_600 * 10**9)
    build(workspace)
    entry = workspace / "entries/all-of-us-strangers.md"
    entry.write_text(entry.read_text() + "\nOne more sentence.\n", encoding="utf-8")
    reads = _count_reads(monkeypatch)
    report = build(workspace)[1]
    assert report is not None and report.unchanged > 5
    assert len(reads) == len(set(reads)) == report.unchanged + len(report.written)


def test_outputs_unchanged_since_the_last_write_are_known_by_their_stat(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A build after one edit of a large archive read back every output it did not change (at
    # 10,000 entries, 14,000 files, a seventh of the build) to find it unchanged.
    monkeypatch.setattr(write_module, "SETTLE_NS", 0)  # every file settled at once
    build(workspace)
    known = json.loads((workspace / write_module.KNOWN).read_text(encoding="utf-8"))["files"]
    assert set(known) == {p.relative_to(workspace).as_posix() for p in _output_files(workspace)}
    entry = workspace / "entries/all-of-us-strangers.md"
    entry.write_text(entry.read_text() + "\nOne more sentence.\n", encoding="utf-8")
    reads = _count_reads(monkeypatch)
    report = build(workspace)[1]
    assert report is not None and report.unchanged > 20 and report.written
    # Read: only the files this build changes (their stat says unchanged, their hash not).
    assert sorted(reads) == sorted(str(workspace / rel) for rel in report.written)


def test_outputs_changed_within_seconds_are_not_known_by_their_stat(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As git's index: a file saved again within the same tick of a coarse clock, with the
    # same size, keeps its stat; one changed in the last seconds is read at the next write.
    monkeypatch.setattr(write_module, "SETTLE_NS", 3_600 * 10**9)
    build(workspace)
    assert not (workspace / write_module.KNOWN).exists()
    reads = _count_reads(monkeypatch)
    report = build(workspace)[1]
    assert report is not None and len(reads) == report.unchanged > 20


def test_an_output_saved_just_after_the_write_read_it_is_not_known_by_its_stat(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Its stat is taken before it is read, as git does: taken after, it named the bytes
    # saved meanwhile, kept as "what the build wrote" by every later build, --no-cache too.
    monkeypatch.setattr(write_module, "SETTLE_NS", 0)
    build(workspace)
    page = workspace / "site/quiet-hours/index.html"
    good = page.read_bytes()
    real = write_module._same

    def saved_after_the_read(target, data):  # type: ignore[no-untyped-def]
        found = real(target, data)
        if str(target) == str(page):
            with open(page, "r+b") as handle:  # an editor's save, in place
                handle.write(b"<!-- edited -->")
        return found

    monkeypatch.setattr(write_module, "_same", saved_after_the_read)
    (workspace / write_module.KNOWN).unlink()  # the page is read, not known by its stat
    build(workspace)
    monkeypatch.setattr(write_module, "_same", real)
    assert page.read_bytes() != good
    build(workspace)
    assert page.read_bytes() == good


def test_a_picture_replaced_is_copied_again_though_its_copy_is_known(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A file to copy is known by its own identity: replaced with its size and times kept
    # (cp -p), the copy in place is still found stale.
    monkeypatch.setattr(write_module, "SETTLE_NS", 0)
    build(workspace)
    logo = workspace / "media/dopepress-logo.png"
    copy = workspace / "site/media/dopepress-logo.png"
    assert copy.read_bytes() == logo.read_bytes()
    stat = logo.stat()
    new = bytearray(logo.read_bytes())
    new[len(new) // 2] ^= 0xFF  # in its pixels: still a whole PNG
    replacement = workspace / "logo.tmp"
    replacement.write_bytes(bytes(new))
    os.utime(replacement, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    os.replace(replacement, logo)
    build(workspace)
    assert copy.read_bytes() == bytes(new)


def test_a_staging_taken_back_leaves_nothing(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "site/kept.html").write_bytes(b"before")
    staging = write_module.Staging(tmp_path)
    staging.stage({"site/kept.html": b"after", "site/new.html": b"new"})
    staging.abort()
    assert (tmp_path / "site/kept.html").read_bytes() == b"before"
    assert sorted(p.name for p in (tmp_path / "site").iterdir()) == ["kept.html"]
    assert not [p for p in (tmp_path / write_module.BLOBS).iterdir()]


def test_kept_bytes_follow_the_outputs(workspace: Path) -> None:
    build(workspace)
    entry = workspace / "entries/all-of-us-strangers.md"
    entry.write_text(entry.read_text().replace("title: All", "title: Changed All", 1))
    build(workspace)
    (workspace / "entries/sunny-vallejo-park-low-tide.md").unlink()
    build(workspace)
    outputs = {
        p.stat().st_ino
        for f in ("site", "feeds")
        for p in (workspace / f).rglob("*")
        if p.is_file()
    }
    # The replaced and the removed pages' old bytes are gone; nothing else was dropped.
    assert set(_blobs(workspace)) == outputs


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_first_build_leaves_only_linked_bytes_without_looking_for_others(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    from dopemail import parallel

    # With nothing kept before it, every blob a build makes (its workers' ahead included) is
    # linked by its end: no folder of thousands to list and stat for ones to remove.
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    pruned: list[str] = []
    real = write_module._Blobs.prune

    def pruning(self):  # type: ignore[no-untyped-def]
        pruned.append(self.folder)
        real(self)

    monkeypatch.setattr(write_module._Blobs, "prune", pruning)
    build(workspace, use_cache=False, jobs=jobs)
    assert pruned == []
    assert set(_blobs(workspace)) == {p.stat().st_ino for p in _output_files(workspace)}
    # The next build that writes looks again (a killed build may have left some behind).
    entry = workspace / "entries/all-of-us-strangers.md"
    entry.write_text(entry.read_text().replace("title: All", "title: Changed All", 1))
    build(workspace, use_cache=False, jobs=jobs)
    assert pruned
    assert set(_blobs(workspace)) == {p.stat().st_ino for p in _output_files(workspace)}


def test_kept_bytes_deleted_with_the_site_kept_leave_no_unlinked_copy(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dopemail import parallel

    # .dopemail/ deleted, site/ kept: the workers make the bytes of every page ahead, most
    # outputs are found in place and never linked to them; those copies go at the write.
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    build(workspace, jobs=2)
    shutil.rmtree(workspace / ".dopemail")
    entry = workspace / "entries/all-of-us-strangers.md"
    entry.write_text(entry.read_text().replace("title: All", "title: Changed All", 1))
    _, report = build(workspace, jobs=2)
    assert report is not None and report.unchanged and report.written
    assert all(p.stat().st_nlink >= 2 for p in (workspace / write_module.BLOBS).iterdir())


def test_a_build_failing_after_its_issues_were_staged_leaves_the_outputs(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dopemail import parallel

    # The issues render and are staged while the workers work; the home page, made after
    # them, fails: every staged file is taken back, the last build's outputs stay.
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    build(workspace, use_cache=False, jobs=2)
    before = snapshot(workspace / "feeds") | snapshot(workspace / "site")
    for path in (workspace / "issues").glob("*.md"):  # every issue's files change
        path.write_text(path.read_text() + "\nOne more line from the editor.\n")
    staged: list[str] = []
    real_stage = write_module.Staging.stage

    def staging(self, outputs):  # type: ignore[no-untyped-def]
        staged.extend(outputs)
        return real_stage(self, outputs)

    monkeypatch.setattr(write_module.Staging, "stage", staging)
    home = workspace / "templates/home.html.j2"
    home.parent.mkdir(exist_ok=True)
    home.write_text("{{ no_such_thing.at_all }}\n", encoding="utf-8")
    with pytest.raises(DopemailError, match="home.html.j2"):
        build(workspace, use_cache=False, jobs=2)
    assert [p for p in staged if re.match(r"site/issues/\d+-.*/email.html", p)]
    assert snapshot(workspace / "feeds") | snapshot(workspace / "site") == before
    assert not [p for p in workspace.rglob("*.tmp")]


def test_outputs_are_written_as_files_where_links_cannot_be_made(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_link(source, target):  # type: ignore[no-untyped-def]
        raise OSError(18, "Invalid cross-device link")  # site/ on another file system

    monkeypatch.setattr(write_module.os, "link", no_link)
    build(workspace)
    monkeypatch.undo()
    outputs = _output_files(workspace)
    assert outputs and all(p.stat().st_nlink == 1 for p in outputs)
    alone = snapshot(workspace / "feeds") | snapshot(workspace / "site")
    for folder in ("site", "feeds", ".dopemail"):
        for path in sorted((workspace / folder).rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
    build(workspace)
    assert snapshot(workspace / "feeds") | snapshot(workspace / "site") == alone


def _delete_outputs(root: Path) -> None:
    for folder in ("site", "feeds"):
        for path in sorted((root / folder).rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
        (root / folder).rmdir()


def test_the_last_builds_folders_are_made_again_while_the_build_renders(
    workspace: Path,
) -> None:
    build(workspace)
    folders = sorted(p for f in ("site", "feeds") for p in (workspace / f).rglob("*") if p.is_dir())
    _delete_outputs(workspace)
    early = write_module.EarlyFolders(workspace)  # what build() starts before loading
    assert early.pid  # a child process makes them
    early.wait()
    assert all(p.is_dir() for p in folders)
    assert not [p for p in (workspace / "site").rglob("*") if p.is_file()]
    write_module.NewFolders(workspace).remove_empty()  # site/ and feeds/ existed: nothing
    assert all(p.is_dir() for p in folders)
    made = write_module.NewFolders(workspace)
    made.before = {top: None for top in made.before}  # as if none had existed
    made.remove_empty()  # empty, they all go again
    assert not (workspace / "site").exists() and not (workspace / "feeds").exists()
    # A build that then fails leaves none of them behind; one that works needs them all.
    entry = workspace / "entries/all-of-us-strangers.md"
    good = entry.read_text()
    entry.write_text(good.replace("title: All", "titel: All", 1))
    with pytest.raises(DopemailError):
        build(workspace)
    assert not (workspace / "site").exists() and not (workspace / "feeds").exists()
    entry.write_text(good)
    (workspace / "entries/sunny-vallejo-park-low-tide.md").unlink()
    build(workspace)
    assert not (workspace / "site/sunny-vallejo-park-low-tide").exists()  # made, then removed
    assert not [p for p in (workspace / "site").rglob("*") if p.is_dir() and not any(p.iterdir())]


def test_no_folder_is_made_early_when_they_are_there(workspace: Path) -> None:
    build(workspace)
    assert write_module.EarlyFolders(workspace).pid == 0


def test_a_deleted_entry_loses_its_page(workspace: Path) -> None:
    build(workspace)
    assert (workspace / "site/sunny-vallejo-park-low-tide/index.html").exists()
    (workspace / "entries/sunny-vallejo-park-low-tide.md").unlink()
    _, report = build(workspace)
    assert report is not None and "site/sunny-vallejo-park-low-tide/index.html" in report.removed
    assert not (workspace / "site/sunny-vallejo-park-low-tide").exists()


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.lang = ""
        self.meta: dict[str, str] = {}
        self.links: list[str] = []
        self.canonical = ""
        self.json_ld: list[str] = []
        self.imgs: list[dict[str, str | None]] = []
        self._in_ld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang") or ""
        elif tag == "meta" and (a.get("property") or a.get("name")):
            self.meta[a.get("property") or a.get("name") or ""] = a.get("content") or ""
        elif tag == "link" and a.get("rel") == "canonical":
            self.canonical = a.get("href") or ""
        elif tag == "a" and a.get("href"):
            self.links.append(a["href"] or "")
        elif tag == "img":
            self.imgs.append(a)
        elif tag == "script" and a.get("type") == "application/ld+json":
            self._in_ld = True

    def handle_data(self, data: str) -> None:
        if self._in_ld:
            self.json_ld.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_ld = False


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_publication(tmp_path_factory.mktemp("site") / "pub")
    build(root)
    return root


def test_entry_page_is_accessible_and_described(site: Path) -> None:
    page = _parse(site / "site/all-of-us-strangers/index.html")
    assert page.lang == "en"
    assert page.canonical == "https://dopepress.example.com/all-of-us-strangers/"
    assert page.meta["og:title"] == "All of Us Strangers"
    assert page.meta["og:image"].endswith("/media/all-of-us-strangers/01.jpg")
    assert page.meta["og:url"] == page.canonical
    assert all(img.get("alt") for img in page.imgs) and len(page.imgs) == 9
    graph = json.loads(page.json_ld[0])
    review = graph[0]
    assert review["@type"] == "Review"
    movie = review["itemReviewed"]
    assert movie["@type"] == "Movie" and movie["director"][0]["name"] == "Andrew Haigh"
    assert movie["isBasedOn"]["author"]["name"] == "Taichi Yamada"
    # Its venues have no dates, nor has its run (said in words): no event a search engine
    # takes (startDate is required), while the page lists them (test_structured_data...).
    assert not [g for g in graph if g["@type"] == "ScreeningEvent"]
    # HTML: a quotation's attribution goes outside its <blockquote> (it was a <footer> in
    # it, read as part of the quotation); a skip link leads to the main content.
    html = (site / "site/all-of-us-strangers/index.html").read_text(encoding="utf-8")
    quote = re.search(r'<figure class="pull-quote">(.*?)</figure>', html, re.S)
    assert quote is not None
    inside = re.search(r"<blockquote>(.*?)</blockquote>", quote.group(1), re.S)
    assert inside is not None and "Andrew Haigh" not in inside.group(1)
    assert "<figcaption>— " in quote.group(1) and "<footer>" not in html.split("<main")[1]
    # The piece opens on its quotation and goes on "That’s writer-director Andrew Haigh,
    # speaking through...": the lead picture comes before the quotation, not between them.
    lead, said = html.index('<figure class="lead">'), html.index('<figure class="pull-quote">')
    assert lead < said and html[quote.end() :].lstrip().startswith("<p>That’s writer-director")
    assert '<a class="skip" href="#content">Skip to content</a>' in html
    assert '<main id="content">' in html


def test_the_home_page_shows_readers_the_newsletter_s_feed(site: Path) -> None:
    # The archive's feed was linked from the issues' pages alone: a reader pointed at the site
    # found the entries' feeds, not the newsletter's.
    home = _parse(site / "site/index.html")
    feed = "https://dopepress.example.com/feeds/issues.xml"
    assert feed in home.links
    html = (site / "site/index.html").read_text(encoding="utf-8")
    link = '<link rel="alternate" type="application/atom+xml" title="DoPe Press: the newsletter"'
    assert f'{link} href="{feed}">' in html


def _listed(html: str, heading: str = "") -> list[str]:
    """The addresses a page's list of entries (after ``heading``, if given) links to."""
    if heading:
        html = html.split(heading, 1)[1]
    items = re.search(r'<ul class="entries">(.*?)</ul>', html, re.S)
    assert items is not None
    return re.findall(r'<li(?: id="[^"]*")?><a href="([^"]+)"', items.group(1))


def _address(root: Path, name: str) -> str:
    return f"https://dopepress.example.com/{name}/"


def test_the_home_page_lists_the_newest_and_the_archive_every_entry_by_year(
    workspace: Path, run_cli
) -> None:
    # The home page listed every entry: 4.6 MB at 10,000, the newsletter's archive first.
    config = workspace / "dopemail.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("latest = 20", "latest = 3"))
    for name, old, new in [
        ("varda-in-los-angeles", "2024-02-20T09:00:00-08:00", "2023-03-01T09:00:00-08:00"),
        # Already 2025 in Paris, where it is dated; still 2024 in Los Angeles: its year is
        # the one its line shows.
        ("letter-from-paris-plein-air", "2024-07-12T18:00:00+02:00", "2025-01-01T00:30:00+01:00"),
    ]:
        path = workspace / f"entries/{name}.md"
        path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), "utf-8")
    code, output = run_cli("build", "--root", workspace)
    assert code == 0, output

    site = workspace / "site"
    home = (site / "index.html").read_text(encoding="utf-8")
    newest = ["letter-from-paris-plein-air", "quiet-hours", "sunny-vallejo-park-low-tide"]
    assert _listed(home, "<h2>Latest</h2>") == [_address(workspace, n) for n in newest]
    years = {
        2025: ["letter-from-paris-plein-air"],
        2024: [
            "quiet-hours",
            "sunny-vallejo-park-low-tide",
            "french-film-days-2024",
            "the-salt-orchard-qa",
            "all-of-us-strangers",
        ],
        2023: ["varda-in-los-angeles"],
    }
    for year, names in years.items():
        page = (site / f"archive/{year}/index.html").read_text(encoding="utf-8")
        assert _listed(page) == [_address(workspace, n) for n in names], year
        assert f"<h1>Archive: {year}</h1>" in page and f"{len(names)} entr" in page
        assert "January 1, 2025" in page if year == 2025 else "January 1, 2025" not in page
        assert f'<link rel="canonical" href="{_address(workspace, f"archive/{year}")}">' in page
    # Every published entry is on one year's page, no draft on any.
    pages = {p.parent.name for p in site.glob("*/index.html")} - {"issues", "archive"}
    assert sorted(n for names in years.values() for n in names) == sorted(pages)
    assert not (site / "harbor-lights-restoration").exists()
    assert sorted(p.parent.name for p in site.glob("archive/*/index.html")) == [
        "2023",
        "2024",
        "2025",
    ]
    # An entry's page leads to its year (where a reader from a feed or an email lands), at
    # its own line there: a year of a thousand pieces is hundreds of screens, read from the top.
    for name, year in (("varda-in-los-angeles", 2023), ("letter-from-paris-plein-air", 2025)):
        page = (site / name / "index.html").read_text(encoding="utf-8")
        archive = _address(workspace, f"archive/{year}")
        assert f'<a href="{archive}#e-{name}">More from {year}</a>' in page
        listed = (site / f"archive/{year}/index.html").read_text(encoding="utf-8")
        assert listed.count(f'<li id="e-{name}">') == 1
    links = [_address(workspace, f"archive/{year}") for year in years]
    for listing in (home, (site / "archive/index.html").read_text(encoding="utf-8")):
        shown = re.findall(r'href="(https://[^"]+/archive/\d+/)"', listing)
        assert shown == links

    # The only entry of 2023 moves to 2024: that year's page goes, with no word of a page
    # readers lose (an entry's page gone is said).
    path = workspace / "entries/varda-in-los-angeles.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("2023-03-01", "2024-02-20", 1), "utf-8")
    code, output = run_cli("build", "--root", workspace)
    assert code == 0 and "is gone" not in output, output
    assert not (site / "archive/2023").exists()
    assert _address(workspace, "varda-in-los-angeles") in _listed(
        (site / "archive/2024/index.html").read_text(encoding="utf-8")
    )

    config.write_text(config.read_text(encoding="utf-8").replace("latest = 3", "latest = 0"))
    code, output = run_cli("build", "--root", workspace)
    lines = config.read_text(encoding="utf-8").split("\n")
    assert code == 1 and f"dopemail.toml:{lines.index('latest = 0') + 1}:" in output, output


def test_a_draft_s_page_in_the_preview_leads_to_no_year_it_is_not_on(workspace: Path) -> None:
    # Its "More from 2024" led to a page without it (or, alone in its year, to a 404).
    from dopemail.build import render_workspace
    from dopemail.load import load_workspace
    from dopemail.site import render_entry_page
    from dopemail.templates import make_environment

    result = render_workspace(load_workspace(workspace))
    env = make_environment(workspace)
    pages = {
        item.entry.draft: render_entry_page(env, item, result.workspace.settings).decode()
        for item in result.entries
    }
    assert ">More from 2024</a>" in pages[False] and "More from" not in pages[True]
    assert f'<a href="{_address(workspace, "issues")}">Newsletter archive</a>' in pages[True]


def test_the_home_page_leads_to_every_issue_on_the_newsletter_s_page(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dopemail import site as site_module

    issues = [
        _address(workspace, f"issues/{k}") for k in ("2-summer-festivals", "1-strangers-and-varda")
    ]
    link = f'<a href="{_address(workspace, "issues")}">Newsletter archive</a>'
    build(workspace)
    home = (workspace / "site/index.html").read_text(encoding="utf-8")
    assert _listed(home) == issues and link in home
    assert f'<h2 id="archive"><a href="{_address(workspace, "archive")}">Archive</a></h2>' in home
    monkeypatch.setattr(site_module, "HOME_ISSUES", 1)
    build(workspace, use_cache=False)
    home = (workspace / "site/index.html").read_text(encoding="utf-8")
    assert _listed(home) == issues[:1] and link in home
    # Sent and ready issues, not the draft (3), newest first.
    newsletter = (workspace / "site/issues/index.html").read_text(encoding="utf-8")
    assert _listed(newsletter) == issues
    assert "<h1>Newsletter archive</h1>" in newsletter
    assert (
        'href="https://dopepress.example.com/feeds/issues.xml" aria-label="DoPe Press: the '
        'newsletter (Atom)">Atom</a>' in newsletter
    )
    # The newsletter's feed leads to that page (its id is the home page's part it was on).
    feed = feedparser.parse((workspace / "feeds/issues.xml").read_bytes()).feed
    assert feed.link == _address(workspace, "issues")
    assert feed.id == "https://dopepress.example.com/#newsletter"


def test_the_home_page_lists_the_three_newest_issues(workspace: Path) -> None:
    # Four listed: the draft (3) made ready, and a fourth. The oldest is on the newsletter's
    # page alone.
    draft = workspace / "issues/3-quiet-hours.md"
    text = draft.read_text(encoding="utf-8").replace("status: draft", "status: ready", 1)
    draft.write_text(text, "utf-8")
    fourth = text.replace("number: 3", "number: 4", 1).replace("2024-11-15", "2024-12-15", 1)
    (workspace / "issues/4-more-quiet-hours.md").write_text(fourth, "utf-8")
    build(workspace)
    names = ["4-more-quiet-hours", "3-quiet-hours", "2-summer-festivals", "1-strangers-and-varda"]
    issues = [_address(workspace, f"issues/{name}") for name in names]
    home = (workspace / "site/index.html").read_text(encoding="utf-8")
    assert _listed(home) == issues[:3]
    newsletter = (workspace / "site/issues/index.html").read_text(encoding="utf-8")
    assert _listed(newsletter) == issues


def test_the_home_and_newsletter_pages_name_their_canonical_address(site: Path) -> None:
    # Search engines take this address for the page: another page's would hide this one.
    assert _parse(site / "site/index.html").canonical == "https://dopepress.example.com/"
    newsletter = _parse(site / "site/issues/index.html")
    assert newsletter.canonical == "https://dopepress.example.com/issues/"


def test_a_home_page_of_the_publication_s_own_lists_what_it_listed(workspace: Path) -> None:
    # Made from the default that listed every entry and issue: it is given the same names.
    (workspace / "templates/home.html.j2").write_text(
        '{% extends "page.html.j2" %}{% block main %}<ul class="entries">\n'
        "{{ entries_html | safe }}{{ issues_html | safe }}</ul>"
        "{{ entries | length }} {{ issues | length }}{% endblock %}",
        encoding="utf-8",
    )
    config = workspace / "dopemail.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("latest = 20", "latest = 1"))
    build(workspace)
    home = (workspace / "site/index.html").read_text(encoding="utf-8")
    assert len(_listed(home)) == 7 + 2 and "</ul>7 2" in home


def test_structured_data_says_what_schema_org_means(write_files) -> None:
    # A double bill was a Review with no itemReviewed; the distributor was given as the
    # productionCompany; the publication as author was a Person.
    double = (
        "---\ntitle: Double bill\nkind: review\npublished: 2024-05-01\nfilms:\n"
        "  - title: Film One\n    distributor: Neon\n  - title: Film Two\n---\nText.\n"
    )
    alone = (
        "---\ntitle: No film\nkind: review\npublished: 2024-05-02\nauthor: Ada Lee\n---\nText.\n"
    )
    venues = (
        "---\ntitle: Venues\nkind: news\npublished: 2024-05-03\nfilm:\n  title: Film Three\n"
        "run:\n  starts: 2024-05-10\n  ends: 2024-05-30\nscreenings:\n"
        "  - {venue: Dated, address: 1 Main St, city: Paris, postal_code: '75001', country: "
        "France, starts: 2024-05-12, ends: 2024-05-14}\n"
        "  - {venue: Undated, address: 2 Main St, city: Los Angeles}\n"
        "  - {venue: Ends, address: 4 Main St, city: Lyon, ends: 2024-05-20}\n"
        "  - {venue: Late, address: 5 Main St, city: Nice, starts: 2024-06-10}\n"
        "  - {venue: Shows, address: 3 Main St, city: Marseille,\n"
        "     times: ['2024-05-20T20:00:00+02:00']}\n"
        "---\nText.\n"
    )
    no_dates = venues.replace("run:\n  starts: 2024-05-10\n  ends: 2024-05-30\n", "")
    root = write_files(
        {
            "entries/double-bill.md": double,
            "entries/no-film.md": alone,
            "entries/venues.md": venues,
            "entries/no-dates.md": no_dates.replace("title: Venues", "title: No dates", 1),
        }
    )
    build(root)
    graph = json.loads(_parse(root / "site/venues/index.html").json_ld[0])
    events = {
        g["location"]["name"]: (g["location"]["address"]["streetAddress"], g.get("startDate"),
                                g.get("endDate"))
        for g in graph
        if g["@type"] == "ScreeningEvent"
    }  # fmt: skip
    assert events == {
        "Dated": ("1 Main St", "2024-05-12", "2024-05-14"),
        "Undated": ("2 Main St", "2024-05-10", "2024-05-30"),  # the run's
        "Ends": ("4 Main St", "2024-05-10", "2024-05-20"),  # the run's start, its own end
        "Late": ("5 Main St", "2024-06-10", None),  # not the run's end, before its start
        "Shows": ("3 Main St", "2024-05-20T20:00:00+02:00", "2024-05-30"),
    }
    # With no run dates either, the undated venue is no event; the page still lists it.
    graph = json.loads(_parse(root / "site/no-dates/index.html").json_ld[0])
    events = [g["location"]["name"] for g in graph if g["@type"] == "ScreeningEvent"]
    assert events == ["Dated", "Late", "Shows"]
    assert "2 Main St" in (root / "site/no-dates/index.html").read_text(encoding="utf-8")
    review = json.loads(_parse(root / "site/double-bill/index.html").json_ld[0])[0]
    assert review["@type"] == "Review"
    assert [m["name"] for m in review["itemReviewed"]] == ["Film One", "Film Two"]
    assert "productionCompany" not in json.dumps(review)
    assert review["author"] == {"@type": "Organization", "name": "DoPe Press"}
    article = json.loads(_parse(root / "site/no-film/index.html").json_ld[0])[0]
    assert article["@type"] == "Article" and "itemReviewed" not in article
    assert article["author"] == {"@type": "Person", "name": "Ada Lee"}


def _events(root: Path, slug: str) -> list[dict]:
    """The Events of an entry page's JSON-LD (json.loads of the <script> as a parser ends it)."""
    graph = json.loads(_parse(root / f"site/{slug}/index.html").json_ld[0])
    return [g for g in graph if g["@type"] == "Event"]


def test_an_entry_s_dated_events_are_schema_org_events(write_files) -> None:
    # An entry's events were in no page's JSON-LD: a Q&A at a venue was no event to search
    # engines, which list only what the page's data says.
    talks = (
        "---\ntitle: Talks\nkind: event\npublished: 2024-05-01\nfilm:\n  title: Film Four\n"
        "events:\n"
        "  - {kind: talk, participants: [Ann Lee], moderator: Bo Park, venue: Hall,\n"
        "     address: '1 Main St, Los Angeles, CA 90001', date: '2024-06-01T19:00:00-07:00',\n"
        "     status: cancelled, url: 'https://tickets.example.com/talk'}\n"
        "  - {kind: conversation, participants: [Cy Diaz], date: '2024-06-02T18:00:00-07:00',\n"
        "     video: 'https://video.example.com/live'}\n"
        "  - {title: Day of talks, venue: '</script><b>Hall', address: '2 Main St, Los Angeles',\n"
        "     date: 2024-06-03, status: sold out}\n"
        "  - {kind: q&a, venue: Hall, address: '3 Main St, Los Angeles'}\n"
        "  - {kind: masterclass, venue: Hall, address: '4 Main St, Los Angeles',\n"
        "     video: 'https://video.example.com/class', date: '2024-06-04T10:00:00-07:00',\n"
        "     status: postponed}\n"
        "  - {kind: other, venue: Somewhere, date: '2024-06-05T10:00:00-07:00'}\n"
        # Past when the piece came out: their video is the recording, no way to attend.
        "  - {kind: talk, venue: Hall, address: '5 Main St, Los Angeles',\n"
        "     video: 'https://video.example.com/rec', date: '2024-04-20T19:00:00-07:00'}\n"
        "  - {kind: conversation, video: 'https://video.example.com/rec2',\n"
        "     date: '2024-04-21T19:00:00-07:00'}\n"
        "---\nText.\n"
    )
    root = write_files({"entries/talks.md": talks})
    build(root)
    page = "https://dopepress.example.com/talks/"
    movie = {"@type": "Movie", "name": "Film Four"}
    cancelled, online, whole_day, postponed, recorded = _events(root, "talks")
    # Cancelled: said so, its tickets page no longer given; the moderator presents.
    assert cancelled == {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": "Talk, Film Four",
        "url": page,
        "startDate": "2024-06-01T19:00:00-07:00",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "location": {
            "@type": "Place",
            "name": "Hall",
            "address": "1 Main St, Los Angeles, CA 90001",
        },
        "eventStatus": "https://schema.org/EventCancelled",
        "performer": [
            {"@type": "Person", "name": "Ann Lee"},
            {"@type": "Person", "name": "Bo Park"},
        ],
        "about": movie,
    }
    # Only a video: online, at its address.
    assert online["name"] == "Conversation, Film Four" and online["url"] == page
    assert online["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert online["location"] == {
        "@type": "VirtualLocation",
        "url": "https://video.example.com/live",
    }
    assert online["eventStatus"] == "https://schema.org/EventScheduled"
    # A day alone is a date; sold out is the offer's availability. A venue's name that
    # closes the <script> does not end it (the parser read the whole JSON above).
    assert whole_day["startDate"] == "2024-06-03" and whole_day["name"] == "Day of talks, Film Four"
    assert whole_day["location"]["name"] == "</script><b>Hall" and "performer" not in whole_day
    assert whole_day["offers"] == {
        "@type": "Offer",
        "availability": "https://schema.org/SoldOut",
        "url": page,
    }
    html = (root / "site/talks/index.html").read_text(encoding="utf-8")
    assert html.count("</script>") == html.count("<script")
    # A venue and a video: both places; postponed, at the date it was to be.
    assert postponed["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    assert postponed["location"] == [
        {"@type": "Place", "name": "Hall", "address": "4 Main St, Los Angeles"},
        {"@type": "VirtualLocation", "url": "https://video.example.com/class"},
    ]
    assert postponed["eventStatus"] == "https://schema.org/EventPostponed"
    assert postponed["startDate"] == "2024-06-04T10:00:00-07:00"
    # Past at publication, its video the recording ("Watch the recording" on the page): at
    # its place alone; one online alone and past is no event to attend, and left out.
    assert recorded["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert recorded["location"] == {
        "@type": "Place",
        "name": "Hall",
        "address": "5 Main St, Los Angeles",
    }
    assert "rec2" not in json.dumps(_events(root, "talks"))
    # The undated Q&A and the venue without an address are left out (no start, no place a
    # search engine can find); the page lists both.
    assert "3 Main St" in html and "Somewhere" in html
    # The sample's Q&A, its heading already naming its film; the conversation with no date
    # is no event.
    (qa,) = _events(root, "the-salt-orchard-qa")
    assert qa["name"] == "The Salt Orchard, opening-night Q&A"
    assert qa["startDate"] == "2024-04-26T21:00:00-07:00"
    assert qa["url"] == "https://www.example.com/fairfax-picture-house/the-salt-orchard#qa"
    assert qa["location"] == {
        "@type": "Place",
        "name": "Fairfax Picture House",
        "address": "7330 Beverly Boulevard, Los Angeles, CA 90036",
    }
    assert [p["name"] for p in qa["performer"]] == [
        "Nadia Ferreira-Holm",
        "Lupe Arriaga",
        "Tomás Ekwueme",
        "Rosalind Mei",
    ]
    assert qa["about"]["name"] == "The Salt Orchard" and "offers" not in qa
    assert _events(root, "all-of-us-strangers") == []


def test_no_link_the_pipeline_emits_is_dead(site: Path) -> None:
    """Every URL on the publication's own site points at a file the build wrote."""
    base = "https://dopepress.example.com/"
    texts = [p.read_text(encoding="utf-8") for p in (site / "site").rglob("*.html")]
    texts += [p.read_text(encoding="utf-8") for p in (site / "feeds").iterdir()]
    urls = {
        u for t in texts for u in re.findall(r"https://dopepress\.example\.com/[^\"'<>\s\\]*", t)
    }
    assert urls
    for url in urls:
        rel = url.removeprefix(base).split("#")[0]
        if rel in ("unsubscribe",):  # served by the sender's provider, not the static site
            continue
        target = site / ("feeds" if rel.startswith("feeds/") else "site")
        target = target / (rel.removeprefix("feeds/") if rel.startswith("feeds/") else rel)
        if rel == "" or rel.endswith("/"):
            target = target / "index.html"
        assert target.is_file(), f"dead link {url}"


def test_check_writes_nothing(workspace: Path, run_cli) -> None:
    code, output = run_cli("check", "--root", workspace)
    assert code == 0, output
    assert "ok:" in output
    assert not (workspace / "feeds").exists() and not (workspace / "site").exists()


def test_build_errors_are_dopemail_errors_without_traceback(workspace: Path) -> None:
    from conftest import run_process

    (workspace / "entries/broken.md").write_text("---\ntitle: [\n---\n")
    result = run_process("build", "--root", workspace)
    assert result.returncode == 1
    assert "entries/broken.md:" in result.stderr and "broken YAML" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert issubclass(DopemailError, Exception)


def test_the_build_command_says_what_it_built_before_it_exits(workspace: Path) -> None:
    from conftest import run_process

    # The process skips the interpreter's clean-up after a build: its words must still reach
    # a pipe, and the exit status stay right.
    result = run_process("build", "--root", workspace)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("built ") and result.stdout.endswith("issues\n")
    assert (workspace / "site/index.html").is_file()
    again = run_process("build", "--root", workspace)
    assert again.returncode == 0 and again.stdout.startswith("nothing changed")


def test_a_build_with_nothing_to_do_says_so_without_the_command_line_s_modules(
    workspace: Path,
) -> None:
    from conftest import run_process

    # Click and the rest were imported to say "nothing changed": some 40 ms of a no-op build
    # at 10,000 entries. Said the same, with the last build's warnings, by either way; a
    # stream Click writes its own way (ASCII) is left to it.
    config = workspace / "dopemail.toml"  # a warning that holds while the inputs do
    config.write_text(re.sub(r"(?m)^unsubscribe_url = .*\n", "", config.read_text("utf-8")))
    first = run_process("build", "--root", workspace)
    assert first.returncode == 0 and "warning:" in first.stderr, first.stderr
    for args, cwd, encoding in (
        (["build"], workspace, "utf-8"),
        (["build", "--root", workspace], None, "utf-8"),
        (["build", "--root", workspace, "--jobs", "1"], None, "utf-8"),  # the command line's
        (["build", "--root", workspace], None, "ascii"),  # the command line's way too
    ):
        result = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "dopemail", *map(str, args)],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "PYTHONIOENCODING": encoding},
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("nothing changed: ") and "warnings above" in result.stdout
        said = [line for line in result.stderr.splitlines() if not line.startswith("import time")]
        assert said == first.stderr.splitlines()
        fast = "--jobs" not in args and encoding == "utf-8"
        assert (" click" not in result.stderr) is fast, args
        if fast:  # nor dataclasses, and the inspect module it imports: 20 ms more
            assert " dataclasses" not in result.stderr, args


def test_the_build_command_frees_nothing_before_it_exits(workspace: Path) -> None:
    # Freeing a large build's objects one at a time as the command returns cost as much as
    # the interpreter's clean-up the fast exit skips: they must be alive when it exits.
    script = (
        "import os, sys, weakref\n"
        "import dopemail.build as b, dopemail.cli as c\n"
        "real, seen = b.build, []\n"
        "def build(*args, **kwargs):\n"
        "    result = real(*args, **kwargs)\n"
        "    seen.append(weakref.ref(result[0]))\n"
        "    return result\n"
        "b.build = build\n"
        "end = os._exit\n"
        "def ending(code):\n"
        "    print('alive' if seen and seen[0]() is not None else 'freed', file=sys.stderr)\n"
        "    end(code)\n"
        "os._exit = ending\n"
        f"c.main(['build', '--no-cache', '--root', {str(workspace)!r}])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("built ")
    assert result.stderr.strip().splitlines()[-1] == "alive"


@pytest.mark.parametrize("jobs", [1, 2])
def test_output_folders_are_readable_by_all_whatever_the_umask(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    # Files are 0644 whatever the umask; a folder made 0700 under umask 077 would keep a
    # web server out of every file in it. Made by this process, by the workers ahead of the
    # write, and by the child that remakes a deleted site/'s folders from the manifest.
    from dopemail import parallel

    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)

    def modes() -> dict[str, int]:
        found = {}
        for top in ("site", "feeds"):
            for path in [workspace / top, *(workspace / top).rglob("*")]:
                found[path.relative_to(workspace).as_posix()] = path.stat().st_mode & 0o777
        return found

    for top in ("site", "feeds"):  # made by the build, under the umask below
        shutil.rmtree(workspace / top, ignore_errors=True)
    old = os.umask(0o077)
    try:
        build(workspace, use_cache=False, jobs=jobs)
        first = modes()
        shutil.rmtree(workspace / "site")  # the manifest names the folders to remake
        build(workspace, jobs=jobs)
        again = modes()
    finally:
        os.umask(old)
    for found in (first, again):
        folders = {rel: mode for rel, mode in found.items() if (workspace / rel).is_dir()}
        assert len(folders) > 10
        assert set(folders.values()) == {0o755}, folders
        assert {mode for rel, mode in found.items() if rel not in folders} == {0o644}
    assert first == again


def test_outputs_in_place_that_all_cannot_read_are_made_readable_not_written(
    workspace: Path,
) -> None:
    # Cloned under umask 077, feeds/ was 0700 and its files 0600: the build found their bytes
    # right and never touched them, and rsync -a published a folder the web server could not
    # enter (403). A page and its folders, copied or checked out so, the same.
    build(workspace)
    page = workspace / "site/varda-in-los-angeles/index.html"
    shut = [workspace / "feeds", workspace / "site", page.parent, workspace / "site/issues"]
    files = [*(workspace / "feeds").iterdir(), page]
    for path in files:
        path.chmod(0o600)
    for path in shut:
        path.chmod(0o700)
    inodes = {path: path.stat().st_ino for path in files}
    before = snapshot(workspace / "feeds") | snapshot(workspace / "site")
    _, report = build(workspace)
    assert report is not None and report.written == []
    assert {oct(path.stat().st_mode & 0o7777) for path in shut} == {"0o755"}
    assert {oct(path.stat().st_mode & 0o7777) for path in files} == {"0o644"}
    assert {path: path.stat().st_ino for path in files} == inodes  # not written again
    assert snapshot(workspace / "feeds") | snapshot(workspace / "site") == before
    # One feed shut again, the others fine: its folder too, though nothing else changed.
    (workspace / "feeds/issues.xml").chmod(0o600)
    (workspace / "feeds").chmod(0o700)
    build(workspace)
    assert (workspace / "feeds/issues.xml").stat().st_mode & 0o777 == 0o644
    assert (workspace / "feeds").stat().st_mode & 0o777 == 0o755
    # Shared with a group by choice (a web root of the web server's group): left so, not
    # opened to all at every build.
    (workspace / "site").chmod(0o750)
    page.chmod(0o640)
    page.parent.chmod(0o750)
    build(workspace)
    modes = [oct(p.stat().st_mode & 0o777) for p in (workspace / "site", page.parent, page)]
    assert modes == ["0o750", "0o750", "0o640"], modes


def test_a_folder_made_keeps_what_its_parent_and_the_umask_give(tmp_path: Path) -> None:
    # A web root shared by a group: setgid, group-writable. The folders made in it stay so,
    # and are readable by all.
    shared = tmp_path / "www"
    shared.mkdir()
    shared.chmod(0o2775)
    old = os.umask(0o002)
    try:
        write_module.make_folders(str(shared / "a" / "b"))
    finally:
        os.umask(old)
    for folder in (shared / "a", shared / "a" / "b"):
        assert folder.stat().st_mode & 0o7777 == 0o2775, oct(folder.stat().st_mode)


def test_pages_give_machines_whole_minute_offsets(write_files) -> None:
    # Before 1883 Los Angeles kept local mean time, -07:52:58: an offset in seconds, which
    # HTML's <time datetime> and schema.org's ISO 8601 dates do not have (the feeds already
    # wrote such an instant in UTC, the pages did not).
    old = "---\ntitle: Old\nkind: news\npublished: 1883-06-01\nupdated: 1883-06-02\n---\nText.\n"
    root = write_files({"entries/zz-old.md": old})
    build(root)
    page = _parse(root / "site/zz-old/index.html")
    html = (root / "site/zz-old/index.html").read_text(encoding="utf-8")
    home = (root / "site/index.html").read_text(encoding="utf-8")
    stamps = re.findall(r'datetime="([^"]+)"', html + home)
    graph = json.loads(page.json_ld[0])
    stamps += [graph[0]["datePublished"], graph[0]["dateModified"]]
    stamps += [page.meta["article:published_time"], page.meta["article:modified_time"]]
    assert stamps.count("1883-06-01T07:52:58+00:00") == 4  # page, home, JSON-LD, meta
    assert stamps.count("1883-06-02T07:52:58+00:00") == 3
    assert [s for s in stamps if re.search(r"[+-]\d\d:\d\d:\d\d$", s)] == []


def _snapshot_outputs(root: Path) -> dict[str, bytes]:
    return snapshot(root / "site") | snapshot(root / "feeds")


@pytest.mark.parametrize("how", ["linked folders gone", "folders missing", "folder empty"])
def test_sources_gone_do_not_unpublish_everything(workspace: Path, run_cli, how: str) -> None:
    # entries/ and issues/ linked from a synced folder or another disk, which went away:
    # the build read nothing, removed every page (those of sent issues too), emptied the
    # feeds and said "built ... from 0 entries", exit 0.
    issue = workspace / "issues/3-quiet-hours.md"  # ready: in the archive, maybe mailed
    issue.write_text(issue.read_text("utf-8").replace("status: draft", "status: ready", 1))
    code, output = run_cli("build", "--root", workspace)
    assert code == 0, output
    before = _snapshot_outputs(workspace)
    elsewhere = workspace.parent / "synced"
    elsewhere.mkdir()
    for name in ("entries", "issues"):
        (workspace / name).rename(elsewhere / name)
        if how == "linked folders gone":
            (workspace / name).symlink_to(workspace.parent / "unmounted" / name)
        elif how == "folder empty":
            (workspace / name).mkdir()
    code, output = run_cli("build", "--root", workspace)
    assert code == 1, output
    if how == "linked folders gone":
        assert "entries: a link to " in output and "which is not there" in output, output
    else:
        state = "empty" if how == "folder empty" else "missing"
        assert f"entries: the folder is {state}: this build would remove the 7 pages" in output
        assert (
            f"issues: the folder is {state}: this build would remove the web versions of 3 "
            "issues readers hold (sent, or listed in the archive and the issues feed) "
            "(site/issues/1-strangers-and-varda/...)"
        ) in output, output
    assert _snapshot_outputs(workspace) == before
    # Unpublishing everything on purpose: the pages deleted first, then the build.
    if how != "linked folders gone":
        shutil.rmtree(workspace / "site")
        code, output = run_cli("build", "--root", workspace)
        assert code == 0 and "from 0 entries" in output, output
        for page in ("index.html", "archive/index.html"):
            shown = (workspace / "site" / page).read_text(encoding="utf-8")
            assert "<p>Nothing is published yet.</p>" in shown and "<h2>Latest" not in shown


def test_an_entry_linked_to_a_file_that_is_gone_is_said(workspace: Path, run_cli) -> None:
    # It was skipped as if deleted: its page removed, exit 0.
    code, _ = run_cli("build", "--root", workspace)
    page = workspace / "site/quiet-hours/index.html"
    assert code == 0 and page.exists()
    entry = workspace / "entries/quiet-hours.md"
    entry.rename(workspace.parent / "quiet-hours.md")
    entry.symlink_to(workspace.parent / "disk/quiet-hours.md")
    code, output = run_cli("build", "--root", workspace)
    assert code == 1 and "entries/quiet-hours.md: a link to " in output, output
    assert page.exists()


@pytest.mark.parametrize("what", ["journal", "manifest", "cache record", "file keys"])
def test_a_record_not_put_in_place_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, what: str
) -> None:
    # A full disk left .dopemail/writing.<pid>.tmp for good: nothing clears the folder.
    import errno

    from dopemail import write as write_module
    from dopemail.cache import BuildCache, Memory

    root = tmp_path / "pub"
    (root / ".dopemail/cache").mkdir(parents=True)

    def full(source: object, target: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(OSError, match="No space left"):
        if what == "journal":
            write_module._journal(root, ["site/index.html"], [])
        elif what == "manifest":
            write_module._prune(root, {"site/index.html"})
        else:
            cache = BuildCache(root, memory=Memory())
            if what == "cache record":
                cache.put("pages", "k" * 64, {"a": 1})
            else:
                cache.memory.file_keys["x"] = ((1, 2, 3, 4), cache.context, "key")
                cache.seen.add("x")
                cache.save_file_keys()
    left = [p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()]
    assert left == [], left


@pytest.mark.parametrize("mixed", [False, True], ids=["all-decomposed", "file-alone"])
def test_a_picture_named_with_its_accents_decomposed_is_found_and_published(
    workspace: Path, run_cli, mixed: bool
) -> None:
    # Files unzipped or synced from a Mac name 'é' as 'e' and an accent (NFD); the entry, as
    # typed, as one character (NFC): "does not exist", for names that look the same.
    import unicodedata

    typed = "media/été à Paris/Amélie café.jpg"
    on_disk = workspace / unicodedata.normalize("NFD", typed)
    if mixed:  # a folder made here (as typed), holding a file from a Mac
        on_disk = workspace / "media/été à Paris" / unicodedata.normalize("NFD", "Amélie café.jpg")
    on_disk.parent.mkdir()
    shutil.copy(workspace / "media/all-of-us-strangers/01.jpg", on_disk)
    entry = workspace / "entries/quiet-hours.md"
    text = entry.read_text("utf-8")
    entry.write_text(
        text.replace("\n---\n", f"\n---\n![A café]({typed.replace(' ', '%20')})\n\n", 1)
    )
    code, output = run_cli("build", "--root", workspace)
    assert code == 0, output
    page = (workspace / "site/quiet-hours/index.html").read_text("utf-8")
    (src,) = re.findall(r'<img (?:class="lone" )?src="([^"]*Am[^"]*)"', page)
    # Its URL and its copy as typed (NFC), not as the disk spells it: the same site and
    # feeds built from a Mac's copy of media/ as from Linux's (every URL changed with it).
    assert src == "https://dopepress.example.com/" + urllib.parse.quote(typed), src
    published = workspace / "site" / urllib.parse.unquote(src.split("/", 3)[3])
    assert published.read_bytes() == on_disk.read_bytes(), src


def test_an_output_the_disk_finds_under_its_old_spelling_is_not_removed(
    workspace: Path, run_cli
) -> None:
    # On macOS's disks, 'Ame\u0301lie.jpg' (as a Mac's copy of media/ spelt it, and the last
    # build's manifest lists it) and 'Amélie.jpg' (as the build names it now) are one file:
    # removing the old name as no longer made removed the picture. Linux's disk tells the two
    # apart; a second link to the file, under the old name, stands for the Mac's.
    import json
    import unicodedata

    typed = "media/Amélie/01.jpg"
    (workspace / "media/Amélie").mkdir()
    shutil.copy(workspace / "media/all-of-us-strangers/01.jpg", workspace / typed)
    entry = workspace / "entries/quiet-hours.md"
    text = entry.read_text("utf-8")
    entry.write_text(text.replace("\n---\n", f"\n---\n![A café]({typed})\n\n", 1))
    assert run_cli("build", "--root", workspace)[0] == 0
    now = workspace / "site" / typed
    old_rel = "site/" + unicodedata.normalize("NFD", typed)
    (workspace / old_rel).parent.mkdir(exist_ok=True)
    os.link(now, workspace / old_rel)
    manifest = workspace / ".dopemail/outputs.json"
    listed = json.loads(manifest.read_text(encoding="utf-8"))
    manifest.write_text(json.dumps(sorted([*listed, old_rel]), indent=0) + "\n", "utf-8")
    entry.write_text(entry.read_text("utf-8").replace("A café", "A cup", 1))
    code, output = run_cli("build", "--root", workspace)
    assert code == 0 and "removed" not in output, output
    assert (workspace / old_rel).exists() and os.path.samefile(workspace / old_rel, now)


@pytest.mark.parametrize(
    ("caption", "credit", "shown"),
    [
        ("Scott.", "Chris Harris", "Scott. Photograph by Chris Harris"),
        ("場面。", "松竹 & Co", "場面。 Photograph by 松竹 &amp; Co"),
        ("He said “go.”", "Chris Harris", "He said “go.” Photograph by Chris Harris"),
        ('He said "Stop."', "Chris Harris", "He said &#34;Stop.&#34; Photograph by Chris Harris"),
        ("'Scott.'", "Chris Harris", "&#39;Scott.&#39; Photograph by Chris Harris"),
        ("Scott", "Chris <Harris>", "Scott, photograph by Chris &lt;Harris&gt;"),
    ],
)
def test_a_caption_that_ends_a_sentence_is_followed_by_its_credit_as_one(
    workspace: Path, caption: str, credit: str, shown: str
) -> None:
    # 'Scott., photograph by Chris Harris', '場面。, photograph by ...'.
    entry = workspace / "entries/all-of-us-strangers.md"
    text = entry.read_text("utf-8").replace(
        "    caption: Scott\n", f"    caption: {json.dumps(caption, ensure_ascii=False)}\n", 1
    )
    entry.write_text(text.replace("    credit: Chris Harris\n", f"    credit: {credit}\n", 1))
    build(workspace)
    page = (workspace / "site/all-of-us-strangers/index.html").read_text("utf-8")
    assert f"<figcaption>{shown}</figcaption>" in page, re.findall(
        "<figcaption>.*?</figcaption>", page
    )


def test_a_credit_without_a_caption_begins_its_line(workspace: Path) -> None:
    # It read "photograph by Chris Harris" under the picture, in lower case (the email's
    # "Photo: Chris Harris" was right).
    entry = workspace / "entries/all-of-us-strangers.md"
    text = entry.read_text("utf-8")
    assert "    caption: Scott\n    credit: Chris Harris\n" in text
    entry.write_text(text.replace("    caption: Scott\n", "", 1))
    build(workspace)
    page = (workspace / "site/all-of-us-strangers/index.html").read_text("utf-8")
    assert "<figcaption>Photograph by Chris Harris</figcaption>" in page
    assert "<figcaption>photograph by" not in page


def test_the_last_issue_unsent_may_go(workspace: Path, run_cli) -> None:
    # The guard of sent issues' web versions took any issue's: deleting the one draft left
    # stopped the build, and 'new issue', the command to fill the folder again.
    code, _ = run_cli("build", "--root", workspace)
    assert code == 0
    for number in (1, 2):  # sent: told gone (continuity), not refused
        next((workspace / "issues").glob(f"{number}-*.md")).unlink()
    code, output = run_cli("build", "--root", workspace)
    assert code == 0, output
    next((workspace / "issues").glob("3-*.md")).unlink()  # the draft, the last one
    code, output = run_cli("build", "--root", workspace)
    assert code == 0, output
    code, output = run_cli("new", "issue", "Next", "--root", workspace)
    assert code == 0 and "wrote issues/" in output, output


def _build_peak_kb(root: Path) -> int:
    """The peak memory of `dopemail build --root root` in a process of its own (kB)."""
    measure = (
        "import resource, subprocess, sys; "
        "done = subprocess.run([sys.executable, '-m', 'dopemail', 'build', '--root', sys.argv[1]]"
        ", capture_output=True); assert done.returncode == 0, done.stdout + done.stderr; "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    done = subprocess.run(
        [sys.executable, "-c", measure, str(root)], capture_output=True, text=True, check=True
    )
    return int(done.stdout)


def test_a_large_picture_is_published_a_piece_at_a_time(workspace: Path) -> None:
    # Read whole to be compared, hashed and copied: a 400 MB picture took the build past
    # its memory, and under a limit it ended in a MemoryError traceback.
    small = copy_publication(workspace.parent / "small")
    baseline = _build_peak_kb(small)
    picture = workspace / "media/all-of-us-strangers/01.jpg"
    picture.write_bytes(picture.read_bytes() + b"\0" * (120 << 20))  # after its end: no fault
    grown = _build_peak_kb(workspace) - baseline
    published = workspace / "site/media/all-of-us-strangers/01.jpg"
    assert published.read_bytes() == picture.read_bytes()
    assert grown < 40 << 10, f"the build grew by {grown} kB to publish a 120 MB picture"


def test_a_first_build_reads_each_picture_once_to_keep_it(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Hashed to name its kept bytes, then read and hashed again to copy them: twice the
    # reading of every picture by the write, on the build that copies them all. (The cache
    # reads each picture once more, on this first build only, to know it by its bytes: see
    # test_cache's copy of a workspace.)
    import hashlib
    from types import SimpleNamespace

    def hashed_apart(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("a picture hashed before it was copied")

    spy = SimpleNamespace(sha256=hashlib.sha256, file_digest=hashed_apart)
    monkeypatch.setattr(write_module, "hashlib", spy)
    build(workspace)
    published = workspace / "site/media/all-of-us-strangers/01.jpg"
    source = workspace / "media/all-of-us-strangers/01.jpg"
    assert published.read_bytes() == source.read_bytes() and published.stat().st_nlink == 2
    blob = workspace / write_module.BLOBS / hashlib.sha256(source.read_bytes()).hexdigest()
    assert blob.samefile(published)  # kept under the name of what it holds


def test_entries_gone_is_one_problem_not_also_unknown_entries_in_issues(
    workspace: Path, run_cli
) -> None:
    # entries/ missing while issues/ gathers them: the guard's problem was followed by an
    # "unknown entry" for every slug the issues name.
    code, _ = run_cli("build", "--root", workspace)
    assert code == 0
    shutil.rmtree(workspace / "entries")
    code, output = run_cli("build", "--root", workspace)
    assert code == 1 and "entries: the folder is missing" in output, output
    assert "unknown entry" not in output and "problems found" not in output, output


def test_a_broken_entry_link_does_not_hide_an_unknown_entry_in_an_issue(
    workspace: Path, run_cli
) -> None:
    # One entry linked to nothing took entries/ for gone, and no issue's unknown slug was
    # said: the editor fixed the link, then learnt of the typo.
    issue = workspace / "issues/2-summer-festivals.md"
    issue.write_text(issue.read_text("utf-8").replace("the-salt-orchard-qa", "the-salt-orchrd-qa"))
    (workspace / "entries/zz-gone.md").symlink_to("/nowhere/x.md")
    code, output = run_cli("build", "--root", workspace)
    assert code == 1 and "entries/zz-gone.md: a link to /nowhere/x.md" in output, output
    assert "unknown entry 'the-salt-orchrd-qa'" in output, output


def test_a_build_after_an_edit_walks_the_inputs_once(workspace: Path) -> None:
    # The check that found a change walked every input; the command line's own check and the
    # build's stamp walked them again (at 10,000 entries, a tenth of a second each). The
    # stamp is now the check's walk, and the build after finds nothing changed.
    from conftest import run_process

    assert run_process("build", "--root", workspace).returncode == 0
    script = (
        "import os, sys\n"
        "import dopemail.fingerprint as f\n"
        "real, walks = f._scan, []\n"
        "def scan(*args, **kwargs):\n"
        "    walks.append(1)\n"
        "    return real(*args, **kwargs)\n"
        "f._scan = scan\n"
        "end = os._exit\n"
        "def ending(code):\n"
        "    print(f'walks: {len(walks)}', file=sys.stderr)\n"
        "    end(code)\n"
        "os._exit = ending\n"
        f"sys.argv[1:] = ['build', '--root', {str(workspace)!r}]\n"
        "from dopemail.__main__ import main\n"
        "main()\n"
    )
    entry = workspace / "entries/quiet-hours.md"
    entry.write_text(entry.read_text("utf-8") + "\nOne sentence more.\n", encoding="utf-8")
    edited = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    assert edited.returncode == 0, edited.stderr
    assert edited.stdout.startswith("built ") and "walks: 1" in edited.stderr, edited.stderr
    assert "One sentence more." in (workspace / "site/quiet-hours/index.html").read_text("utf-8")
    assert run_process("build", "--root", workspace).stdout.startswith("nothing changed")
    # A check that keeps no walk (the default) leaves the next build its own.
    assert fingerprint.nothing_changed(workspace) is not None
    entry.write_text(entry.read_text("utf-8") + "\nAnother.\n", encoding="utf-8")
    assert fingerprint.nothing_changed(workspace) is None
    assert not fingerprint.found_changed(workspace)


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ('"Varda in L.A.: a March repertory series on the East Side"', "varda-in-los-angeles"),
        ("'varda in l.a.:  a march Repertory series on the east side'", "varda-in-los-angeles"),
        ("all of us strangers", "all-of-us-strangers"),  # (its slug, by closest too)
        ("Quiet Hours", "quiet-hours"),
    ],
)
def test_an_entry_named_by_its_title_in_an_issue_is_told_its_slug(
    workspace: Path, run_cli, written: str, meant: str
) -> None:
    # An editor copies the title from the page: "unknown entry", and a hint to use a slug,
    # with no word of which one, where the title said it.
    issue = workspace / "issues/1-strangers-and-varda.md"
    text = issue.read_text("utf-8")
    issue.write_text(text.replace("      - varda-in-los-angeles", f"      - {written}", 1))
    code, output = run_cli("check", "--root", workspace)
    assert code == 1 and f"(did you mean '{meant}'?)" in output, output
    assert f"an issue names an entry by its slug, not its title: write {meant}" in output


def test_a_list_item_with_a_colon_is_told_to_be_quoted(workspace: Path, run_cli) -> None:
    # A title with ': ' copied into a list unquoted: YAML reads a field, and the editor was
    # told "input should be a valid string" and to quote "if it looks like a number or date".
    issue = workspace / "issues/1-strangers-and-varda.md"
    text = issue.read_text("utf-8")
    title = "Varda in L.A.: a March repertory series on the East Side"
    issue.write_text(text.replace("      - varda-in-los-angeles", f"      - {title}", 1))
    code, output = run_cli("check", "--root", workspace)
    assert code == 1, output
    assert (
        "issues/1-strangers-and-varda.md:12: sections[1].entries[1]: holds ': ', which YAML "
        "reads as a field ('Varda in L.A.': 'a March repertory series on the East Side')\n"
        "  hint: an issue names an entry by its slug (its file's name without .md), not its "
        "title: write the slug"
    ) in output, output


def _readme_rsync() -> list[str]:
    """The README's commands that put the site and the feeds online."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    at = readme.index("### Putting it online")
    block = re.search(r"```sh\n(.*?)```", readme[at:], re.S)
    assert block is not None
    lines = [line.split("  #")[0].strip() for line in block.group(1).splitlines()]
    assert len(lines) == 2 and all(line.startswith("rsync ") for line in lines), lines
    return lines


def test_the_site_put_online_as_the_readme_says_links_to_nothing_missing(
    workspace: Path, tmp_path: Path
) -> None:
    # The README's rsync published each issue's email.html, the email before the sender puts
    # each reader's unsubscribe link in: a page whose link led nowhere (.invalid); and once
    # published, rsync --delete leaves an excluded file where it is.
    from dopemail.personalize import UNSUBSCRIBE_PLACEHOLDER

    build(workspace)
    server = tmp_path / "www"
    # Put online before as the README said then: every file of site/, the feeds beside them.
    shutil.copytree(workspace / "site", server)
    shutil.copytree(workspace / "feeds", server / "feeds")
    for command in _readme_rsync():
        # rsync is run as written, the server's folder on this machine (no network here).
        words = shlex.split(command)  # as a shell reads it: its quoted patterns unquoted
        args = [a.replace("you@host:/var/www/dopepress/", f"{server}/") for a in words]
        subprocess.run(args, cwd=workspace, check=True, capture_output=True)
    base = "https://dopepress.example.com/"
    pages = sorted(server.rglob("*.html"))
    assert (server / "index.html") in pages and (server / "feeds/rss.xml").is_file()
    assert (server / "issues/1-strangers-and-varda/index.html") in pages
    assert not list(server.glob("issues/*/email.*")) and not list(server.glob("issues/*/*.json"))
    dead = []
    for path in sorted(p for p in server.rglob("*") if p.is_file()):
        data = path.read_bytes()
        assert UNSUBSCRIBE_PLACEHOLDER.encode() not in data, path.relative_to(server)
        if path.suffix not in (".html", ".xml", ".json"):
            continue
        # Every address of the site that a page or feed names is a file put online.
        for url in set(re.findall(rf'{re.escape(base)}[^"\'<>\s)\\]*', data.decode("utf-8"))):
            rel = urllib.parse.unquote(url[len(base) :].split("#")[0].split("?")[0])
            target = server / rel
            if not (target / "index.html" if rel.endswith("/") or not rel else target).is_file():
                dead.append((str(path.relative_to(server)), url))
    assert not dead, dead[:10]


def test_a_template_saved_with_a_byte_order_mark_makes_the_same_outputs(
    workspace: Path, tmp_path: Path
) -> None:
    # Saved by Notepad, a template began with U+FEFF: it was the first character of every
    # page and feed item and of the text part, and the MJML's was refused as broken tags.
    build(workspace)
    before = snapshot(workspace / "site") | {
        f"feeds/{k}": v for k, v in snapshot(workspace / "feeds").items()
    }
    defaults = REPO / "src/dopemail/default_templates"
    for name in (
        "page.html.j2",
        "entry_content.html.j2",
        "email/issue.mjml.j2",
        "email/issue.txt.j2",
    ):
        target = workspace / "templates" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(b"\xef\xbb\xbf" + (defaults / name).read_bytes())
    build(workspace)
    after = snapshot(workspace / "site") | {
        f"feeds/{k}": v for k, v in snapshot(workspace / "feeds").items()
    }
    assert after == before


def test_a_logo_found_under_its_other_spelling_is_published(workspace: Path) -> None:
    # 'logé.png' typed (é one character), the file a Mac's ('e' and an accent): the load took
    # it, as it takes an entry's picture, but the build copied the name as typed and stopped
    # with "No such file or directory" and a hint about lock files and links.
    import unicodedata

    typed = unicodedata.normalize("NFC", "media/logé.png")
    macs = unicodedata.normalize("NFD", typed)
    logo = workspace / "media/dopepress-logo.png"
    logo.rename(workspace / macs)
    if (workspace / typed).exists():
        pytest.skip("this file system takes both spellings for one name")
    config = workspace / "dopemail.toml"
    text = config.read_text("utf-8").replace('"media/dopepress-logo.png"', f'"{typed}"')
    assert typed in text
    config.write_text(text, "utf-8")
    build(workspace)
    assert (workspace / "site" / typed).read_bytes() == (workspace / macs).read_bytes()
    assert urllib.parse.quote(typed) in (workspace / "feeds/rss.xml").read_text("utf-8")
