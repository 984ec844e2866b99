"""Random sequences of edits: every way of building agrees with a build from scratch.

The caches that make builds fast (rendered entries and issues keyed by their inputs, files
keyed by their stat, the no-op check, the preview's memory and patches) each carry state from
one build to the next. A fixed edit tests one transition; a bug in what a cache keeps shows
up after several, in an order nobody wrote a test for (an issue saved while its entry was
broken, a picture swapped after a template override...). Here a seeded random sequence of
editors' actions is applied to the sample publication, and after each one:

- ``dopemail build`` (a real process, with its no-op check) and an in-process build with
  forked workers, taking turns on the same workspace and cache, must write exactly the files
  a build from scratch of a copy of the sources writes;
- one long-running preview, told which files changed, must hold the same outputs, models
  and warnings;
- when the sources are wrong, all of them must report the same problems and the written
  outputs must stay as they were; the next step puts the sources back.

``DOPEMAIL_EDIT_SEQUENCES=40:25`` runs 40 seeds of 25 steps (``100-139:25``: other seeds);
the suite runs three of 14.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import SOURCES, rewrite_keeping_times, snapshot, turned_jpeg
from test_patch import assert_same

from dopemail import fingerprint, parallel
from dopemail.build import build, render_workspace
from dopemail.errors import DopemailError
from dopemail.feeds import JSON_PATH
from dopemail.load import load_workspace
from dopemail.preview.state import PreviewState
from dopemail.write import Output, output_bytes

_DEFAULTS = Path(__file__).resolve().parents[1] / "src/dopemail/default_templates"


def _runs() -> list[tuple[int, int]]:
    # "SEEDS:STEPS" runs seeds 0 to SEEDS-1, "FIRST-LAST:STEPS" seeds FIRST to LAST.
    wanted = os.environ.get("DOPEMAIL_EDIT_SEQUENCES", "")
    if wanted:
        seeds, steps = wanted.split(":")
        first, _, last = seeds.rpartition("-")
        chosen = range(int(first), int(last) + 1) if first else range(int(last))
        return [(seed, int(steps)) for seed in chosen]
    return [(seed, 14) for seed in range(3)]


# -- the sources ---------------------------------------------------------------------------


def _sources(root: Path) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    for name in SOURCES:
        path = root / name
        if path.is_file():
            found[name] = path.read_bytes()
        elif path.is_dir():
            found.update({f"{name}/{k}": v for k, v in snapshot(path).items()})
    return found


def _restore(root: Path, sources: dict[str, bytes]) -> list[str]:
    """Make the sources under ``root`` exactly ``sources``; the paths that changed."""
    changed = []
    for rel in _sources(root):
        if rel not in sources:
            (root / rel).unlink()
            changed.append(rel)
    for rel, data in sources.items():
        path = root / rel
        if not path.is_file() or path.read_bytes() != data:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            changed.append(rel)
    return changed


def _copy_sources(root: Path, target: Path) -> None:
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    _restore(target, _sources(root))
    # And what was published before, as a fresh clone has it in the committed JSON feed: an
    # issue naming a slug no entry has is told whether its page went out (with a sent
    # issue's emails linking to it) from the last build's pages or that feed. Without it, the
    # copy built from scratch gave the plain hint, the workspace the published page's.
    feed = root / JSON_PATH
    if feed.is_file():
        (target / JSON_PATH).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(feed, target / JSON_PATH)


# -- what editors do -------------------------------------------------------------------------

Action = Callable[..., list[str]]  # (rng, workspace, step) -> the paths it changed


def _files(root: Path, folder: str) -> list[str]:
    return sorted(f"{folder}/{p.name}" for p in (root / folder).glob("*.md"))


def _rewrite(root: Path, rel: str, change: Callable[[str], str]) -> list[str]:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    new = change(text)
    assert new != text, f"the action changed nothing in {rel}"
    path.write_text(new, encoding="utf-8")
    return [rel]


def _set_field(text: str, key: str, value: str) -> str:
    """Set a top-level front-matter field (the first line that starts with ``key:``)."""
    head, sep, body = text.partition("\n---\n")
    line = re.compile(rf"^{re.escape(key)}:.*$", re.MULTILINE)
    if line.search(head):
        head = line.sub(lambda _: f"{key}: {value}", head, count=1)
    else:
        head = head.replace("---\n", f"---\n{key}: {value}\n", 1)
    return head + sep + body


def _body_append(rng: random.Random, root: Path, n: int) -> list[str]:
    rel = rng.choice(_files(root, "entries"))
    text = (
        f"\n\nEdit {n}: one more paragraph — « encore », with [a link](https://example.org/{n}).\n"
    )
    return _rewrite(root, rel, lambda t: t + text)


def _swap_vowel(rng: random.Random, data: bytes) -> bytes:
    # Same size: one vowel of the body for another.
    start = data.index(b"\n---\n", 4) + 5
    places = [i for i in range(start, len(data)) if data[i] in b"aeiou"]
    i = rng.choice(places)
    return data[:i] + bytes([rng.choice([c for c in b"aeiou" if c != data[i]])]) + data[i + 1 :]


def _body_same_size(rng: random.Random, root: Path, n: int) -> list[str]:
    # Same size, and often the same modification time as the build before: only the bytes
    # tell this edit apart.
    rel = rng.choice(_files(root, "entries"))
    path = root / rel
    path.write_bytes(_swap_vowel(rng, path.read_bytes()))
    return [rel]


def _same_tick(rng: random.Random, root: Path, n: int) -> list[str]:
    # A file the last build (the command's) saw as just saved, saved again within the same
    # tick of a coarse clock (FAT's 2 s): the same size and modification time as it saw.
    # Here the change time still moves and tells it apart; test_cache's coarse_clock tests
    # check the byte comparison that a disk without one relies on.
    state = root / fingerprint.STATE  # none when too many files were recent to read
    found = json.loads(state.read_text(encoding="utf-8"))["recent"] if state.exists() else {}
    recent = sorted(Path(p) for p in found if p.endswith(".md"))
    if not recent:
        return _body_same_size(rng, root, n)
    path = rng.choice(recent)
    rewrite_keeping_times(path, _swap_vowel(rng, path.read_bytes()))
    return [path.relative_to(root).as_posix()]


def _retitle(rng: random.Random, root: Path, n: int) -> list[str]:
    rel = rng.choice(_files(root, "entries"))
    return _rewrite(root, rel, lambda t: _set_field(t, "title", f'"Retitled {n} — “now”"'))


def _republish(rng: random.Random, root: Path, n: int) -> list[str]:
    rel = rng.choice(_files(root, "entries"))
    when = f"{rng.choice([2023, 2024, 2025])}-{rng.randint(1, 12):02}-{rng.randint(1, 28):02}"
    return _rewrite(root, rel, lambda t: _set_field(t, "published", f"{when}T09:00:00-08:00"))


def _toggle_draft(rng: random.Random, root: Path, n: int) -> list[str]:
    rel = rng.choice(_files(root, "entries"))

    def toggle(text: str) -> str:
        if re.search(r"^draft: true$", text, re.MULTILINE):
            return re.sub(r"^draft: true\n", "", text, count=1, flags=re.MULTILINE)
        return _set_field(text, "draft", "true")

    return _rewrite(root, rel, toggle)


def _add_entry(rng: random.Random, root: Path, n: int) -> list[str]:
    source = root / rng.choice(_files(root, "entries"))
    rel = f"entries/added-{n}.md"
    text = _set_field(source.read_text(encoding="utf-8"), "title", f'"Added {n}"')
    (root / rel).write_text(text, encoding="utf-8")
    return [rel]


def _delete_entry(rng: random.Random, root: Path, n: int) -> list[str]:
    # Often one an issue gathers: then every build must say so, and the next step puts it back.
    rel = rng.choice(_files(root, "entries"))
    (root / rel).unlink()
    return [rel]


def _issue_intro(rng: random.Random, root: Path, n: int) -> list[str]:
    rel = rng.choice(_files(root, "issues"))
    return _rewrite(root, rel, lambda t: t + f"\nP.S. {n}: see you *next* week.\n")


def _issue_subject(rng: random.Random, root: Path, n: int) -> list[str]:
    rel = rng.choice(_files(root, "issues"))
    return _rewrite(root, rel, lambda t: _set_field(t, "subject", f'"Letter {n}: what’s on"'))


def _issue_gathers(rng: random.Random, root: Path, n: int) -> list[str]:
    rel = rng.choice(_files(root, "issues"))
    slug = Path(rng.choice(_files(root, "entries"))).stem
    return _rewrite(root, rel, lambda t: t.replace("\nentries:\n", f"\nentries:\n  - {slug}\n", 1))


def _issue_drops(rng: random.Random, root: Path, n: int) -> list[str]:
    rel = rng.choice(_files(root, "issues"))
    text = (root / rel).read_text(encoding="utf-8")
    lines = re.findall(r"^  - [a-z0-9-]+\n", text, re.MULTILINE)
    if not lines:
        return _issue_intro(rng, root, n)
    return _rewrite(root, rel, lambda t: t.replace(rng.choice(lines), "", 1))


def _issue_status(rng: random.Random, root: Path, n: int) -> list[str]:
    rel = rng.choice(_files(root, "issues"))
    status = re.search(r"^status: (\w+)$", (root / rel).read_text(encoding="utf-8"), re.MULTILINE)
    assert status
    new = rng.choice([s for s in ("draft", "ready", "sent") if s != status.group(1)])
    return _rewrite(root, rel, lambda t: _set_field(t, "status", new))


def _new_issue(rng: random.Random, root: Path, n: int) -> list[str]:
    numbers = [int(Path(rel).name.split("-")[0]) for rel in _files(root, "issues")]
    number = max(numbers, default=0) + 1
    slugs = rng.sample([Path(rel).stem for rel in _files(root, "entries")], 2)
    rel = f"issues/{number}-extra-{n}.md"
    (root / rel).write_text(
        f'---\nnumber: {number}\nsubject: "Extra {n}"\ndate: 2025-01-{rng.randint(1, 28):02}'
        f'T08:00:00-08:00\npreheader: "Two films, {n}."\nstatus: draft\nentries:\n'
        f"  - {slugs[0]}\n  - {slugs[1]}\n---\nHello, readers ({n}).\n",
        encoding="utf-8",
    )
    return [rel]


def _delete_issue(rng: random.Random, root: Path, n: int) -> list[str]:
    rel = rng.choice(_files(root, "issues"))
    (root / rel).unlink()
    return [rel]


_OVERRIDES = {
    "templates/entry_content.html.j2": "Where it plays",
    "templates/email/film_card.mjml.j2": "Where it plays",
    "templates/email/issue.txt.j2": "View in your browser",
}


def _template(rng: random.Random, root: Path, n: int) -> list[str]:
    rel = rng.choice(sorted(_OVERRIDES))
    path = root / rel
    if path.exists() and rng.random() < 0.4:
        path.unlink()
        return [rel]
    default = (_DEFAULTS / rel.removeprefix("templates/")).read_text(encoding="utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(default.replace(_OVERRIDES[rel], f"{_OVERRIDES[rel]} ({n})"), "utf-8")
    return [rel]


def _settings(rng: random.Random, root: Path, n: int) -> list[str]:
    def change(text: str) -> str:
        if rng.random() < 0.5:
            items = f"items = {rng.randint(1, 9)}"  # the sample has eight entries
            return re.sub(r"^items = \d+$", items, text, count=1, flags=re.M)
        return re.sub(r'^title = ".*"$', f'title = "DoPe Press {n}"', text, count=1, flags=re.M)

    rel = "dopemail.toml"
    text = (root / rel).read_text(encoding="utf-8")
    new = change(text)
    if new == text:  # the same number of items drawn again
        new = text.replace("[feeds]\n", f"[feeds]\n# edit {n}\n")
    (root / rel).write_text(new, encoding="utf-8")
    return [rel]


def _picture(rng: random.Random, root: Path, n: int) -> list[str]:
    target, source = rng.sample(sorted(root.glob("media/*/*.jpg")), 2)
    if target.read_bytes() == source.read_bytes():
        return _touch(rng, root, n)
    target.write_bytes(source.read_bytes())
    return [target.relative_to(root).as_posix()]


def _picture_turned(rng: random.Random, root: Path, n: int) -> list[str]:
    # Another picture of exactly the same bytes' size, its times kept (cp -p).
    path = rng.choice(sorted(root.glob("media/*/*.jpg")))
    rewrite_keeping_times(path, turned_jpeg(path.read_bytes()))
    return [path.relative_to(root).as_posix()]


def _touch(rng: random.Random, root: Path, n: int) -> list[str]:
    rel = rng.choice(_files(root, rng.choice(["entries", "issues"])))
    os.utime(root / rel)
    return [rel]


def _nothing(rng: random.Random, root: Path, n: int) -> list[str]:
    return []


def _break(rng: random.Random, root: Path, n: int) -> list[str]:
    rel = rng.choice(_files(root, rng.choice(["entries", "issues"])))
    mistakes = ["titel: a misspelt field", "date: 2024-02-30", "title: [not closed"]
    return _rewrite(root, rel, lambda t: t.replace("---\n", f"---\n{rng.choice(mistakes)}\n", 1))


ACTIONS: list[tuple[Action, int]] = [
    (_body_append, 6),
    (_body_same_size, 6),
    (_same_tick, 3),
    (_retitle, 4),
    (_republish, 4),
    (_toggle_draft, 3),
    (_add_entry, 3),
    (_delete_entry, 2),
    (_issue_intro, 3),
    (_issue_subject, 2),
    (_issue_gathers, 3),
    (_issue_drops, 2),
    (_issue_status, 2),
    (_new_issue, 2),
    (_delete_issue, 1),
    (_template, 3),
    (_settings, 2),
    (_picture, 2),
    (_picture_turned, 2),
    (_touch, 2),
    (_nothing, 1),
    (_break, 2),
]


# -- the builds ------------------------------------------------------------------------------


def _written(root: Path) -> dict[str, bytes]:
    return {f"feeds/{k}": v for k, v in snapshot(root / "feeds").items()} | {
        f"site/{k}": v for k, v in snapshot(root / "site").items()
    }


def _problems(exc: DopemailError) -> list[tuple[str, str]]:
    return [(e.location(), e.message) for e in getattr(exc, "errors", [exc])]


def _bytes(output: Output) -> bytes:
    return output.read_bytes() if isinstance(output, Path) else output_bytes(output)


def _cli_build(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "dopemail", "build", "--root", str(root)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


@pytest.mark.parametrize(("seed", "steps"), _runs())
def test_every_build_agrees_with_one_from_scratch_after_each_edit(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int, steps: int
) -> None:
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)  # workers fork even for a few files
    rng = random.Random(seed)
    actions, weights = zip(*ACTIONS, strict=True)
    build(workspace, jobs=2)
    preview = PreviewState(workspace)
    assert not preview.rebuild().problems
    good = _sources(workspace)
    history: list[str] = []
    broken = False
    command_built = False  # the last build was the command's, and it succeeded
    for step in range(steps):
        action = None
        if broken:  # put back the sources of the last good step
            changed = _restore(workspace, good)
            history.append("put back")
        else:
            action = rng.choices(actions, weights)[0]
            if action in (_same_tick, _nothing) and not command_built:
                action = _body_same_size  # they test the command's no-op check
            changed = action(rng, workspace, step)
            history.append(f"{action.__name__.strip('_')} {', '.join(changed)}")
        where = f"seed {seed}, step {step + 1}: " + " → ".join(history)

        reference = tmp_path / "reference"
        _copy_sources(workspace, reference)
        before = _written(workspace)
        try:
            expected, _ = build(reference, use_cache=False, jobs=1)
        except DopemailError as exc:
            problems, report = _problems(exc), str(exc)
            broken = True
        else:
            problems = []
            broken = False
            good = _sources(workspace)

        # The real command (with its no-op check) or an in-process build with workers, drawn
        # at random: both read and write the same cache, each after the other's changes.
        if action in (_same_tick, _nothing) or rng.random() < 0.5:
            run = _cli_build(workspace)
            assert (run.returncode != 0) == broken, f"{where}\n{run.stdout}{run.stderr}"
            if broken:
                assert run.stderr == report + "\n", where
            elif action is _nothing:
                assert run.stdout.startswith("nothing changed:"), f"{where}\n{run.stdout}"
            command_built = not broken
        else:
            command_built = False
            try:
                build(workspace, jobs=2)
            except DopemailError as exc:
                assert broken, f"{where}: the build failed: {exc}"
                assert str(exc) == report, where
            else:
                assert not broken, f"{where}: the build passed, from scratch it fails"
        if broken:
            assert _written(workspace) == before, f"{where}: a failed build changed outputs"
        else:
            got, want = _written(workspace), _written(reference)
            assert sorted(got) == sorted(want), where
            different = [path for path in want if got[path] != want[path]]
            assert different == [], where

        snap = preview.rebuild(changed)
        if broken:
            assert [(p.location, p.message) for p in snap.problems] == problems, where
        else:
            assert not snap.problems, f"{where}: {snap.problems}"
            assert snap.build is not None
            # The bytes as the build from scratch in the other folder made them (it shares no
            # memo with the preview: they are keyed by path)...
            outputs = snap.build.outputs
            assert sorted(outputs) == sorted(expected.outputs), where
            different = [p for p, v in expected.outputs.items() if _bytes(outputs[p]) != _bytes(v)]
            assert different == [], where
            # ... and the models as one from scratch in this folder (they hold its paths).
            try:
                assert_same(snap.build, render_workspace(load_workspace(workspace)))
            except AssertionError as exc:
                raise AssertionError(f"{where}: {exc}") from None
