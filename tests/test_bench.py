"""bench/: the corpus is realistic, valid and the same every time; run.py prints its table."""

from __future__ import annotations

import csv
import dataclasses
import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import feedparser
import pytest
from conftest import REPO, bench_script, copy_publication

from dopemail.build import build
from dopemail.links import dead_links_in
from dopemail.load import load_workspace

N = 40


def _make_corpus() -> ModuleType:
    return bench_script("make_corpus")


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*.md")}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    _make_corpus().make_corpus(N, out, seed=1)
    return out


def test_entries_look_like_real_film_pieces(corpus: Path) -> None:
    workspace = load_workspace(corpus / "dopemail")  # raises on anything dopemail refuses
    assert len(workspace.entries) == N
    for entry in workspace.entries:
        meta = entry.meta
        words = len(re.sub(r"<[^>]+>", " ", entry.body).split())
        assert 600 <= words <= 1_600, (entry.slug, words)  # the body, plus a heading or two
        films = [meta.film] if meta.film else meta.films
        assert films and all(3 <= len(f.cast) <= 8 for f in films), entry.slug
        assert 2 <= len(meta.screenings) <= 4 and all(s.address for s in meta.screenings)
        assert 3 <= len(entry.images) <= 9, entry.slug
        assert all(i.alt and i.caption and i.width for i in entry.images), entry.slug
    typography = "".join(e.body for e in workspace.entries)
    for mark in ("—", "’", "…", "«"):
        assert mark in typography
    assert any(i.credit for e in workspace.entries for i in e.images)


def test_issues_gather_five_entries_each(corpus: Path) -> None:
    issues = load_workspace(corpus / "dopemail").issues
    assert len(issues) == N // 10
    assert all(len({e.slug for e in i.all_entries}) == 5 for i in issues)


def test_the_corpus_builds_and_the_peers_get_the_same_entries(corpus: Path) -> None:
    result, _ = build(corpus / "dopemail", write=False, use_cache=False)
    assert len(result.entries) == N and len(result.issues) == N // 10
    slugs = {e.entry.slug for e in result.entries}
    for peer in ("pelican/content", "hugo/content"):
        assert {Path(p).stem for p in _files(corpus / peer)} == slugs


def test_the_corpus_of_the_readme_table_builds(tmp_path: Path) -> None:
    # The README's table is of N = 1,000: its 100 issues must pass the email checks as they
    # are (at 4424425 one went over Gmail's limit and bench/run.py failed there, while the
    # corpus of 40 above built). The 10,000 corpus starts with these 1,000 entries.
    _make_corpus().make_corpus(1000, tmp_path, seed=1)
    result, _ = build(tmp_path / "dopemail", write=False, use_cache=False, jobs=2)
    assert len(result.entries) == 1000 and len(result.issues) == 100
    assert not result.warnings, [str(w) for w in result.warnings]
    # Nor any dead link: the "interview" links once led to 962 pages the corpus never had,
    # and the build's warnings about them would be timed with it.
    assert not dead_links_in(result), [str(w) for w in dead_links_in(result)]


def test_same_seed_same_bytes_and_a_larger_corpus_starts_with_a_smaller(
    corpus: Path, tmp_path: Path
) -> None:
    make = _make_corpus().make_corpus
    make(N, tmp_path / "again", seed=1)
    make(N + 10, tmp_path / "larger", seed=1)
    make(N, tmp_path / "other", seed=2)
    entries = _files(corpus / "dopemail/entries")
    assert _files(tmp_path / "again/dopemail/entries") == entries
    assert _files(tmp_path / "again/dopemail/issues") == _files(corpus / "dopemail/issues")
    larger = _files(tmp_path / "larger/dopemail/entries")
    assert entries.items() <= larger.items() and len(larger) == N + 10
    assert _files(tmp_path / "other/dopemail/entries") != entries


def test_run_prints_a_table_of_every_dopemail_measurement(tmp_path: Path) -> None:
    # A tiny corpus, one run, no peers and no send (test_the_peers_build_... runs those).
    # Bytecode goes to a folder of the test's own, and no process writes any by itself: only
    # the benchmark's compile step (see compile_dopemail) can have put it there.
    pycache = tmp_path / "pycache"
    env = {"DOPEMAIL_BENCH_WORK": str(tmp_path), "PYTHONPYCACHEPREFIX": str(pycache)}
    done = subprocess.run(
        [sys.executable, str(REPO / "bench/run.py"), "--sizes", "20", "--runs", "1"]
        + ["--skip-peers", "--skip-send", "--issue-calls", "3", "--results", "smoke"],
        env={**os.environ, **env, "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    modules = sorted((REPO / "src" / "dopemail").rglob("*.py"))
    tag = sys.implementation.cache_tag
    missing = [
        p.name
        for p in modules
        if not (pycache / p.parent.relative_to("/") / f"{p.stem}.{tag}.pyc").is_file()
    ]
    assert modules and not missing, f"measured without compiled bytecode: {missing}"
    assert not (tmp_path / "aside").exists(), "the outputs set aside were not deleted at the end"
    table = (tmp_path / "smoke.md").read_text(encoding="utf-8")
    assert done.stdout.strip().endswith(table.strip().splitlines()[-1])  # printed too
    steal = re.search(r"CPU time taken by the host \(steal\) during the run: (\d+\.\d)%", table)
    assert steal and 0 <= float(steal.group(1)) <= 100, table[:1500]
    rows = {
        "cold (entries + issues)",
        "cold (entries + issues), one process",
        "cold, entries only",
        "warm full",
        "no-op",
        "after editing one entry",
        "preview: save → edited page fetched",
        "preview: its own rebuild time",
        "preview: then the feeds made, after the page is shown",
        "preview: title edited → page fetched",
        "preview: its own rebuild time after the title edit",
        "render one 5-film issue",
    }
    for row in rows:
        line = next((x for x in table.splitlines() if row in x), None)
        assert line, f"no row {row!r} in\n{table}"
        assert re.search(r"\| \d[\d.,]* (ms|s) \(", line), line  # a measured time, not n/a


def _bench_run() -> ModuleType:
    return bench_script("run")


def test_in_turn_alternates_which_goes_first_and_stops_at_a_failure(tmp_path: Path) -> None:
    run = _bench_run()
    log = tmp_path / "log"

    def step(name: str, fail_at: int = -1) -> object:
        def note(i: int) -> None:
            with log.open("a") as handle:
                handle.write(f"before {name}{i}\n")

        code = (
            "import sys; i = int(sys.argv[1]); "
            f"open({str(log)!r}, 'a').write(f'{name}{{i}}\\n'); sys.exit(i == {fail_at})"
        )
        return run.Step(note, lambda i: [sys.executable, "-c", code, str(i)])

    turns = run.in_turn(3, step("a"), step("b"), "test")
    assert not turns.error
    # Which goes first alternates: a b, b a, a b; each right after its own preparation.
    expected = [
        f"{what}{name}{i}"
        for i, pair in enumerate(("ab", "ba", "ab"))
        for name in pair
        for what in ("before ", "")
    ]
    assert log.read_text().split("\n")[:-1] == expected
    assert len(turns.a.seconds) == len(turns.b.seconds) == len(turns.ratios) == 3

    log.unlink()
    broken = run.in_turn(3, step("a"), step("b", fail_at=1), "test")
    assert "exited with 1" in broken.error
    assert log.read_text().split("\n")[-2] == "b1"  # nothing ran after the failure (a1 did not)
    assert len(broken.ratios) == 1 and run.fmt_turns(broken) == "n/a"

    log.unlink()  # A fails in a pair B began: B's time has no partner and makes no ratio
    late = run.in_turn(3, step("a", fail_at=1), step("b"), "test")
    assert "exited with 1" in late.error and late.first == ["a", "b"]
    assert log.read_text().split("\n")[-2] == "a1"
    assert len(late.b.seconds) == 2 and len(late.a.seconds) == 1 and len(late.ratios) == 1


def test_a_ratio_in_turn_is_the_median_of_the_pairs_ratios() -> None:
    # Not the ratio of the medians (2.00× here): each pair shares its moment of the machine.
    run = _bench_run()
    turns = run.Turns(a=run.Row(seconds=[1.0, 4.0, 2.0]), b=run.Row(seconds=[1.0, 1.0, 4.0]))
    assert turns.ratios == [1.0, 4.0, 0.5]
    assert run.fmt_turns(turns).startswith("1.00× (0.50–4.00): 2.00 s (1.00–4.00) ÷ ")


def test_the_results_say_how_much_cpu_time_the_host_took_during_the_run() -> None:
    # /proc/stat's cpu line: user nice system idle iowait irq softirq steal guest guest_nice.
    run = _bench_run()
    before = run.cpu_ticks("cpu  100 0 50 1000 10 0 0 50 7 0\ncpu0 50 0 25 500 5 0 0 25 7 0\n")
    after = run.cpu_ticks("cpu  400 0 100 3000 10 0 0 150 9 0\ncpu0 200 0 50 1500 5 0 0 75 9 0\n")
    assert before == (200, 50) and after == (650, 150)  # idle, iowait and guest left out
    line = run.steal_line(before, after)
    assert "22.2% of the time the cores were busy or ready to run" in line  # 100 of 450
    assert run.cpu_ticks("cpu  100 0 50 1000\n") == (150, 0)  # an old kernel: no steal field
    assert "unknown" in run.steal_line(None, after)
    assert "unknown" in run.steal_line(after, after)  # no time passed: no share to give


def test_the_pairs_in_turn_each_start_from_the_corpus_as_made(tmp_path: Path) -> None:
    # Stand-in peers (a Python line noting whether the edited entry carries an edit when the
    # peer runs): the edit pair builds an edited entry, every other pair the original, and
    # the corpus is left as it was made, built.
    run = _bench_run()
    _make_corpus().make_corpus(N, tmp_path, seed=1)
    entry = run.edited_entry(tmp_path)
    original = entry.read_bytes()
    log = tmp_path / "peers.log"

    def peer(name: str) -> object:
        code = (
            "import sys; text = open(sys.argv[1], encoding='utf-8').read(); "
            f"open({str(log)!r}, 'a').write('{name} ' + str('Benchmark edit' in text) + '\\n')"
        )
        return run.Step(lambda i: None, lambda i: [sys.executable, "-c", code, str(entry)])

    turns: dict[str, object] = {}
    peers = {name: peer(name) for name in ("hugo", "pelican", "plain")}
    run.bench_turns(N, tmp_path, 1, peers, turns)
    assert log.read_text().split("\n")[:-1] == [
        "hugo False",  # cold
        "hugo False",  # cold, entries only
        "hugo False",  # warm
        "hugo True",  # after the edit
        "pelican False",  # cold, after the edit pair
        "plain False",  # cold, entries only
    ]
    assert entry.read_bytes() == original
    assert (tmp_path / "dopemail/site/index.html").is_file()
    table = run.turns_table([N], {N: turns}, 1)
    for _, _, label in run.TURNS:
        line = next(x for x in table if label in x)
        assert re.search(r"\| \d+\.\d\d×: \d", line), line
    json.dumps({k: dataclasses.asdict(t) for k, t in turns.items()})


def test_the_floor_copies_every_input_and_nothing_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The floor row times the I/O no tool can avoid: every input read and written out again.
    run = _bench_run()
    monkeypatch.setattr(run, "WORK", tmp_path / "work")
    _make_corpus().make_corpus(N, tmp_path, seed=1)
    ws = tmp_path / "dopemail"
    build(ws)
    results: dict[str, object] = {}
    run.bench_floor(N, tmp_path, 1, results)
    assert len(results["floor"].seconds) == 1 and not results["floor"].error
    copy = tmp_path / "work/out" / f"floor-{N}"
    inputs = {
        p.relative_to(ws): p.read_bytes()
        for p in ws.rglob("*")
        if p.is_file() and p.relative_to(ws).parts[0] not in ("site", "feeds", ".dopemail")
    }
    assert (
        inputs
        and {p.relative_to(copy): p.read_bytes() for p in copy.rglob("*") if p.is_file()} == inputs
    )


def _titles_and_links(feed: Path) -> list[tuple[str, str]]:
    parsed = feedparser.parse(feed.read_bytes())
    assert not parsed.bozo, (feed, parsed.get("bozo_exception"))
    return [(e.title, e.link) for e in parsed.entries]


def _text(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]*>", " ", markup)).split())


def _items(feed: Path) -> list[tuple[str, ...]]:
    parsed = feedparser.parse(feed.read_bytes())
    assert not parsed.bozo, (feed, parsed.get("bozo_exception"))
    return [
        (e.title, e.link, e.published, _text(e.summary), _text(e.content[0].value))
        for e in parsed.entries
    ]


def test_the_plain_python_build_leaves_out_what_hugo_does_and_keeps_the_feed_short(
    tmp_path: Path,
) -> None:
    # Hugo's defaults: no drafts, nothing dated later than now, the feed's newest `items`;
    # a date may be a YAML timestamp, one without an offset in the site's zone.
    site = tmp_path / "hugo"
    (site / "content").mkdir(parents=True)
    (site / "static/media").mkdir(parents=True)
    (site / "static/media/a.jpg").write_bytes(b"picture")
    entries = {
        "old": "date: 2020-01-02T10:00:00\nsummary: The *first*.",
        "new": "date: '2021-03-04T05:06:00+01:00'\ntags: [a, b]",
        "draft": "date: '2021-05-01T00:00:00Z'\ndraft: true",
        "later": "date: '2999-01-01T00:00:00Z'",
    }
    for slug, front in entries.items():
        text = f"---\ntitle: {slug.title()}\n{front}\n---\n## A heading\n\nText of {slug}.\n"
        (site / "content" / f"{slug}.md").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, str(REPO / "bench/peers/plain/build.py"), str(site), str(out), "1"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert _pages(out) == {"old", "new"} and (out / "media/a.jpg").read_bytes() == b"picture"
    assert '<h2 id="a-heading">A heading</h2>' in (out / "new/index.html").read_text("utf-8")
    assert '<time datetime="2020-01-02T10:00:00-08:00">' in (out / "old/index.html").read_text(
        "utf-8"
    )
    home = "Latest New March 4, 2021 A heading Text of new. Old January 2, 2020 The first. ©"
    assert home in _text((out / "index.html").read_text("utf-8"))
    ((title, link, _, summary, content),) = _items(out / "index.xml")
    assert (title, link) == ("New", "https://dopepress.example.com/new/")
    assert (summary, content) == ("A heading Text of new.", "A heading Text of new.")
    channel = feedparser.parse((out / "index.xml").read_bytes()).feed
    assert channel.link == "https://dopepress.example.com/"


def _files_in(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def _pages(site: Path) -> set[str]:
    return {p.parent.name for p in site.glob("*/index.html")}


def test_the_peers_build_the_same_entries_and_feeds_and_a_send_is_counted(
    tmp_path: Path,
) -> None:
    # Hugo and Pelican for real (make test installs both: bench/run.py --install-peers) on a
    # small corpus, as in a full run; and bench/send.py to a small list through the loopback
    # server. A peer set up for other output (missing pages, a feed of another length or
    # order) would make its ratio meaningless, so its output is compared with dopemail's.
    if not shutil.which("hugo") or not (_bench_run().PEER_VENV / "bin/pelican").exists():
        pytest.fail("Hugo or Pelican is missing: run `make peers` (make test does)")
    subscribers = 300
    done = subprocess.run(
        [sys.executable, str(REPO / "bench/run.py"), "--sizes", str(N), "--runs", "1"]
        + ["--skip-preview", "--skip-issue", "--results", "peers", "--send-runs", "1"]
        + ["--send-subscribers", str(subscribers), "--send-issue", "small"],
        env={**os.environ, "DOPEMAIL_BENCH_WORK": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    raw = json.loads((tmp_path / "peers.json").read_text(encoding="utf-8"))
    rows, turns = raw["sizes"][str(N)], raw["turns"][str(N)]
    for name in ("hugo", "pelican", "plain", "floor"):
        assert len(rows[name]["seconds"]) == 1 and not rows[name]["error"], rows[name]
    assert set(turns) == {f"{ours}/{peer}" for ours, peer, _ in _bench_run().TURNS}
    assert all(len(t["ratios"]) == 1 and not t["error"] for t in turns.values()), turns

    ws = tmp_path / f"corpus-{N}/dopemail"
    entries = _pages(ws / "site") - {"issues", "archive"}  # the lists of issues and by year
    feed = _titles_and_links(ws / "feeds/rss.xml")
    assert len(entries) == N and len(feed) == N  # the feed holds every entry at this size
    hugo = tmp_path / f"out/hugo-{N}"
    assert _pages(hugo) == entries
    assert _titles_and_links(hugo / "index.xml") == feed
    pelican = tmp_path / f"out/pelican-{N}"
    assert _pages(pelican) == entries
    assert _titles_and_links(pelican / "feeds/rss.xml") == feed
    assert _titles_and_links(pelican / "feeds/atom.xml") == feed
    # Hugo's job in plain Python: Hugo's files, saying what Hugo's say (their markup differs
    # in details: `<br />`, an ampersand escaped), and its feed the same items.
    plain = tmp_path / f"out/plain-{N}"
    assert _pages(plain) == entries
    assert _files_in(plain) == _files_in(hugo)
    for page in plain.rglob("*.html"):
        assert _text(page.read_text("utf-8")) == _text(
            (hugo / page.relative_to(plain)).read_text("utf-8")
        ), page
    assert _items(plain / "index.xml") == _items(hugo / "index.xml")
    table = (tmp_path / "peers.md").read_text(encoding="utf-8")
    assert re.search(r"\| ratio: plain Python build ÷ Hugo \| \d+\.\d\d×", table)

    # The send: every valid, subscribed address of the list once (duplicates differ in case).
    with (tmp_path / f"send/subscribers-{subscribers}.csv").open(encoding="utf-8") as handle:
        valid = {
            row["email"].lower()
            for row in csv.DictReader(handle)
            if row["status"] == "subscribed" and row["email"].count("@") == 1
        }
    send = raw["send"][str(subscribers)]
    assert isinstance(send, dict), send  # else why send.py gave no figures
    # The loopback server's count of deliveries, one per valid address, is checked by
    # send.py itself (it fails the run otherwise); here, that the list is the one counted.
    assert send["messages"] == len(valid) and 0 < len(valid) < subscribers
    (one,) = send["runs"]
    assert one["requests"] >= 1 and one["msgs_per_s"] > 0 and one["peak_rss_mb"] > 0
    assert f"| send to {subscribers} subscribers (resend, {len(valid)} messages" in table


def test_outputs_are_set_aside_between_runs_and_deleted_at_the_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Deleting a run's thousands of files right before the next run made that run pay for
    # the deletion on this file system: they are renamed away, and deleted once all is done.
    run = _bench_run()
    monkeypatch.setattr(run, "WORK", tmp_path / "work")
    site = tmp_path / "work/corpus/site"
    (site / "entry").mkdir(parents=True)
    (site / "entry/index.html").write_text("page", encoding="utf-8")
    inode = (site / "entry/index.html").stat().st_ino
    run.set_aside(site, tmp_path / "work/corpus/missing")
    assert not site.exists()
    kept = list((tmp_path / "work/aside").rglob("index.html"))
    assert [p.stat().st_ino for p in kept] == [inode]  # the same file: moved, not copied
    run.empty_aside()
    assert not (tmp_path / "work/aside").exists()


def test_the_send_benchmark_sends_the_sample_issue_marked_sent(tmp_path: Path) -> None:
    # The sample's issue 1 says 'status: sent', which the sender refuses to mail again: the
    # benchmark sends it as ready (it stopped with "is marked sent" when that refusal came).
    root = copy_publication(tmp_path / "pub")
    build(root)
    (issue,) = (root / "site/issues").glob("1-*")
    assert json.loads((issue / "message.json").read_text())["status"] == "sent"
    done = subprocess.run(
        [sys.executable, str(REPO / "bench/send.py"), "--subscribers", "40", "--runs", "1"]
        + ["--issue", str(issue), "--json"],
        env={**os.environ, "DOPEMAIL_BENCH_WORK": str(tmp_path / "work")},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["messages"] > 0 and result["runs"][0]["msgs_per_s"] > 0


def test_pelican_runs_on_dopemails_own_interpreter(tmp_path: Path, monkeypatch) -> None:
    # The ratio compares the programs, not the Pythons: a peers venv made by another
    # interpreter than dopemail's venv (another folder, or another version in the same one)
    # is made again, by dopemail's venv's Python; one made by the same is kept.
    run = bench_script("run")
    ours, peers = tmp_path / "venv", tmp_path / "peers"
    monkeypatch.setattr(run, "VENV_BIN", ours / "bin")
    monkeypatch.setattr(run, "PEER_VENV", peers)
    made: list[list[str]] = []

    def fake_run(cmd: list[str], **_: object) -> subprocess.CompletedProcess[str]:
        made.append(cmd)
        (peers / "bin").mkdir(parents=True, exist_ok=True)
        (peers / "bin" / "pelican").write_text("")
        return subprocess.CompletedProcess(cmd, 0)

    monkeypatch.setattr(run.subprocess, "run", fake_run)

    def config(venv: Path, home: str, version: str) -> None:
        venv.mkdir(exist_ok=True)
        (venv / "pyvenv.cfg").write_text(f"home = {home}\nversion = {version}\n")

    config(ours, "/usr/bin", "3.11.2")
    assert run.ensure_pelican() == peers / "bin" / "pelican"  # none yet: made
    assert made[0] == [str(ours / "bin" / "python"), "-m", "venv", "--clear", str(peers)]
    for home, version, again in [
        ("/usr/bin", "3.11.2", False),
        ("/root/.pyenv/versions/3.11.7/bin", "3.11.7", True),
        ("/usr/bin", "3.12.3", True),
    ]:
        made.clear()
        config(peers, home, version)
        assert run.ensure_pelican() == peers / "bin" / "pelican"
        assert bool(made) == again, (home, version)
    # Two venvs that say nothing of their Python are not taken for the same one.
    made.clear()
    (peers / "pyvenv.cfg").unlink()
    (ours / "pyvenv.cfg").unlink()
    assert run.ensure_pelican() == peers / "bin" / "pelican" and made
    assert run.venv_config(tmp_path / "missing") == {}
