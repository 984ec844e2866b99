"""The preview's patched rebuilds: the same bytes as a full build of the same files.

Each case edits the sample publication, patches the build made before the edit, and compares
every output with a full build from scratch after it. A patch that re-rendered too little (a
stale feed, an issue still showing the old entry, a home page out of order) fails here.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dopemail.build import Build, render_workspace
from dopemail.errors import DopemailError
from dopemail.load import load_workspace
from dopemail.patch import make_owed, patch_build
from dopemail.preview.state import SHOWN_PREFIX, PreviewState, Snapshot
from dopemail.templates import make_environment
from dopemail.write import Output, output_bytes

STRANGERS = "entries/all-of-us-strangers.md"
VARDA = "entries/varda-in-los-angeles.md"
QUIET = "entries/quiet-hours.md"
DRAFT = "entries/harbor-lights-restoration.md"
ISSUE_1 = "issues/1-strangers-and-varda.md"
ISSUE_3 = "issues/3-quiet-hours.md"
SUNNY = "entries/sunny-vallejo-park-low-tide.md"
LETTER = "entries/letter-from-paris-plein-air.md"
Y2023 = "site/archive/2023/index.html"


def full(root: Path) -> Build:
    return render_workspace(load_workspace(root))


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def assert_same(patched: Build, expected: Build) -> None:
    assert sorted(patched.outputs) == sorted(expected.outputs)
    # (A page still in the cache is known by its hash: its bytes read to compare them.)
    different = [
        p for p, v in expected.outputs.items() if _readable(patched.outputs[p]) != _readable(v)
    ]
    assert different == []
    # The models too: the preview's index and the sender read them, not only the outputs.
    assert patched.workspace.entries == expected.workspace.entries
    assert patched.workspace.issues == expected.workspace.issues
    assert patched.entries == expected.entries
    assert [i.issue for i in patched.issues] == [i.issue for i in expected.issues]
    assert patched.lists() == expected.lists()
    assert [str(w) for w in patched.warnings] == [str(w) for w in expected.warnings]


def _readable(output: Output) -> bytes | Path:
    return output if isinstance(output, Path) else output_bytes(output)


Edit = Callable[[Path], None]

CASES: dict[str, tuple[list[str], Edit]] = {
    "body of an entry in an issue": (
        [STRANGERS],
        lambda r: edit(r, STRANGERS, "Now streaming on Hulu.", "Now streaming on Hulu, too."),
    ),
    "title of an entry (issue cards, feeds, home)": (
        [VARDA],
        lambda r: edit(r, VARDA, 'title: "Varda', 'title: "Revisited — Varda'),
    ),
    "published date: the entry moves in the lists": (
        [STRANGERS],
        lambda r: edit(r, STRANGERS, "published: 2024-01-12", "published: 2024-12-30"),
    ),
    "published date in another year: a page of the archive made": (
        [VARDA],
        lambda r: edit(r, VARDA, "published: 2024-02-20", "published: 2023-02-20"),
    ),
    "a caption": (
        [STRANGERS],
        lambda r: edit(r, STRANGERS, "caption: Jamie Bell", "caption: Jamie Bell, later"),
    ),
    "a picture dropped from the gallery": (
        [STRANGERS],
        lambda r: edit(
            r,
            STRANGERS,
            "  - src: media/all-of-us-strangers/09.jpg\n    alt: Andrew Scott\n"
            "    caption: Scott\n",
            "",
        ),
    ),
    "a draft entry": ([DRAFT], lambda r: edit(r, DRAFT, "title: ", "title: Still drafting — ")),
    "an issue's intro": (
        [ISSUE_1],
        lambda r: edit(r, ISSUE_1, "Dear readers,", "Dear readers, and friends,"),
    ),
    "a draft issue made ready (archive, issues feed)": (
        [ISSUE_3],
        lambda r: edit(r, ISSUE_3, "status: draft", "status: ready"),
    ),
    "an issue gathering one more entry": (
        [ISSUE_1],
        lambda r: edit(
            r, ISSUE_1, "  - all-of-us-strangers\n", "  - all-of-us-strangers\n  - quiet-hours\n"
        ),
    ),
    "a picture shown in an entry's text, a file no gallery shows": (
        [QUIET],
        lambda r: (
            shutil.copy(r / "media/all-of-us-strangers/02.jpg", r / "media/quiet-lobby.jpg"),
            edit(
                r,
                QUIET,
                "The film is lit",
                "![The lobby](media/quiet-lobby.jpg)\n\nThe film is lit",
            ),
        ),
    ),
    "a picture shown in an issue's intro": (
        [ISSUE_1],
        lambda r: edit(
            r,
            ISSUE_1,
            "Dear readers,",
            "Dear readers,\n\n![Adam](media/all-of-us-strangers/03.jpg)",
        ),
    ),
    # Its pictures are published with it (a draft issue shows its drafts, linked as they
    # will be): the media list changes, though no entry's pictures did.
    "a draft entry gathered by a draft issue": (
        [ISSUE_3],
        lambda r: edit(
            r, ISSUE_3, "  - quiet-hours\n", "  - quiet-hours\n  - harbor-lights-restoration\n"
        ),
    ),
    "an entry and an issue at once": (
        [QUIET, ISSUE_1],
        lambda r: (
            edit(r, QUIET, "title: ", "title: Now — "),
            edit(r, ISSUE_1, "Dear readers,", "Hello,"),
        ),
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_patch_makes_the_same_bytes_as_a_full_build(workspace: Path, case: str) -> None:
    changed, change = CASES[case]
    before = full(workspace)
    change(workspace)
    patched = patch_build(before, changed, make_environment(workspace))
    assert patched is not None, "this edit should be patched, not rebuilt"
    expected = full(workspace)
    assert_same(patched, expected)
    # Everything the patch did not name is the previous build's very object.
    assert patched.touched is not None
    for path, output in patched.outputs.items():
        if path not in patched.touched:
            assert output is before.outputs[path], path
    assert {p for p in expected.outputs if before.outputs.get(p) != expected.outputs[p]} <= set(
        patched.touched
    )


FEEDS = {"feeds/rss.xml", "feeds/atom.xml", "feeds/feed.json", "feeds/issues.xml"}


@pytest.mark.parametrize("case", list(CASES))
def test_feeds_left_for_later_are_the_ones_a_patch_would_make(workspace: Path, case: str) -> None:
    changed, change = CASES[case]
    before = full(workspace)
    change(workspace)
    env = make_environment(workspace)
    first = patch_build(before, changed, env, feeds_later=True)
    assert first is not None
    # Until they are made, the feeds are the previous build's, and named as owed.
    assert first.owed <= FEEDS
    for path in FEEDS:
        assert first.outputs[path] is before.outputs[path], path
    expected = full(workspace)
    stale = {p for p in FEEDS if before.outputs[p] != expected.outputs[p]}
    assert stale <= first.owed
    made = make_owed(first)
    assert made.owed == frozenset()
    assert_same(made, expected)
    if not first.owed:  # nothing left for later: the patch itself
        assert made is first
        return
    assert set(made.touched or ()) == set(first.owed)
    for path, output in made.outputs.items():
        if path not in first.owed:
            assert output is first.outputs[path], path


def test_feeds_still_owed_are_made_by_the_next_patch(workspace: Path) -> None:
    env = make_environment(workspace)
    before = full(workspace)
    edit(workspace, VARDA, 'title: "Varda', 'title: "Revisited — Varda')
    first = patch_build(before, [VARDA], env, feeds_later=True)
    assert first is not None and first.owed
    # Their making failed (the preview keeps showing this build); the next save touches an
    # entry in no feed: the feeds owed are made all the same.
    edit(workspace, DRAFT, "title: ", "title: Still drafting — ")
    second = patch_build(first, [DRAFT], env)
    assert second is not None and second.owed == frozenset()
    assert_same(second, full(workspace))
    # The preview's way: owed by the next patch too, then made.
    later = patch_build(first, [DRAFT], env, feeds_later=True)
    assert later is not None and later.owed == first.owed
    assert_same(make_owed(later), full(workspace))


def test_an_entry_moved_out_of_the_feeds_newest_items_is_patched_out_of_them(
    workspace: Path,
) -> None:
    # The newest entry dated back past the feeds' two items: the feeds it was in are owed too.
    edit(workspace, "dopemail.toml", "items = 50", "items = 2")
    before = full(workspace)
    assert before.lists()[0][0].entry.path == QUIET  # the newest published
    edit(workspace, QUIET, "published: 2024-11-08", "published: 2024-01-02")
    patched = patch_build(before, [QUIET], make_environment(workspace))
    assert patched is not None, "this edit should be patched, not rebuilt"
    expected = full(workspace)
    assert before.outputs["feeds/rss.xml"] != expected.outputs["feeds/rss.xml"]
    assert_same(patched, expected)


def test_patches_of_patches_stay_exact(workspace: Path) -> None:
    env = make_environment(workspace)
    build = full(workspace)
    for step in range(3):
        edit(workspace, STRANGERS, "Now streaming on Hulu", f"Now streaming on Hulu ({step})")
        patched = patch_build(build, [STRANGERS], env)
        assert patched is not None
        build = patched
    assert_same(build, full(workspace))


def test_an_entry_an_issue_gathers_since_a_patch_is_shown_in_it_at_the_next(
    workspace: Path,
) -> None:
    env = make_environment(workspace)
    build = full(workspace)
    build.gatherers()  # (made before: the patches must not take it on as it was)
    edit(
        workspace,
        ISSUE_1,
        "  - all-of-us-strangers\n",
        "  - all-of-us-strangers\n  - quiet-hours\n",
    )
    gathered = patch_build(build, [ISSUE_1], env)
    assert gathered is not None
    edit(workspace, QUIET, "title: ", "title: Now — ")
    patched = patch_build(gathered, [QUIET], env)
    assert patched is not None
    assert_same(patched, full(workspace))
    assert "site/issues/1-strangers-and-varda/index.html" in (patched.touched or ())


def test_a_draft_entry_a_draft_issue_no_longer_gathers_takes_its_pictures_away(
    workspace: Path,
) -> None:
    edit(
        workspace, ISSUE_3, "  - quiet-hours\n", "  - quiet-hours\n  - harbor-lights-restoration\n"
    )
    before = full(workspace)
    shown = [p for p in before.outputs if p.startswith("site/media/harbor-lights-restoration/")]
    assert shown
    edit(workspace, ISSUE_3, "  - harbor-lights-restoration\n", "")
    patched = patch_build(before, [ISSUE_3], make_environment(workspace))
    assert patched is not None
    assert_same(patched, full(workspace))
    assert not set(shown) & set(patched.outputs)


def test_a_year_of_the_archive_emptied_by_a_patch_is_gone(workspace: Path) -> None:
    edit(workspace, VARDA, "published: 2024-02-20", "published: 2023-02-20")
    env = make_environment(workspace)
    before = full(workspace)
    assert "site/archive/2023/index.html" in before.outputs
    edit(workspace, VARDA, "published: 2023-02-20", "published: 2024-02-20")
    patched = patch_build(before, [VARDA], env)
    assert patched is not None
    assert "site/archive/2023/index.html" in (patched.touched or ())
    assert_same(patched, full(workspace))


FALLBACKS: dict[str, tuple[list[str], Edit]] = {
    "a template": (["templates/entry.html.j2"], lambda r: None),
    "the settings": (["dopemail.toml"], lambda r: None),
    "a picture": (["media/all-of-us-strangers/01.jpg"], lambda r: None),
    "a new entry": (
        ["entries/new-one.md"],
        lambda r: (r / "entries/new-one.md").write_text(
            (r / QUIET).read_text(encoding="utf-8"), encoding="utf-8"
        ),
    ),
    "a deleted entry": ([QUIET], lambda r: (r / QUIET).unlink()),
    "a slug set in the file": (
        [QUIET],
        lambda r: edit(r, QUIET, "title: ", "slug: hours\ntitle: "),
    ),
    # Maybe another entry's id: only the full build compares them all.
    "a feed id set in the file": (
        [QUIET],
        lambda r: edit(r, QUIET, "title: ", "id: tag:dopepress.example.com,2019:old\ntitle: "),
    ),
    "an entry made a draft": ([QUIET], lambda r: edit(r, QUIET, "title: ", "draft: true\ntitle: ")),
    "a draft published": ([DRAFT], lambda r: edit(r, DRAFT, "draft: true\n", "")),
    # Maybe another issue's feed id: only the full build compares them all.
    "a feed id set in an issue's file": (
        [ISSUE_3],
        lambda r: edit(
            r, ISSUE_3, "number: 3\n", "number: 3\nid: https://dopepress.example.com/issues/\n"
        ),
    ),
    "an issue renumbered": (
        [ISSUE_3],
        lambda r: (r / ISSUE_3).rename(r / "issues/4-quiet-hours.md"),
    ),
}


@pytest.mark.parametrize("case", list(FALLBACKS))
def test_what_a_patch_cannot_be_sure_of_is_a_full_build(workspace: Path, case: str) -> None:
    changed, change = FALLBACKS[case]
    before = full(workspace)
    change(workspace)
    assert patch_build(before, changed, make_environment(workspace)) is None


def test_a_broken_edit_is_left_to_the_full_build_which_reports_it(workspace: Path) -> None:
    before = full(workspace)
    edit(workspace, QUIET, "title: ", "titel: ")
    assert patch_build(before, [QUIET], make_environment(workspace)) is None
    state = PreviewState(workspace)
    state.rebuild()
    problems = state.rebuild([QUIET]).problems
    assert ("entries/quiet-hours.md:2", "unknown field 'titel' (did you mean 'title'?)") in [
        (p.location, p.message) for p in problems
    ]


def test_an_issue_edited_to_fail_its_checks_is_not_patched_silently(workspace: Path) -> None:
    # The email's checks fail (a picture on http): the patch would publish it without a word.
    before = full(workspace)
    picture = '<img src="http://images.example.org/a.png" width="10" height="10" alt="x">'
    edit(workspace, ISSUE_1, "Dear readers,", f"Dear readers,\n\n{picture}")
    assert patch_build(before, [ISSUE_1], make_environment(workspace)) is None
    state = PreviewState(workspace)
    state.rebuild()
    messages = [p.message for p in state.rebuild([ISSUE_1]).problems]
    assert any("image not on an absolute https URL" in m for m in messages), messages


def test_the_preview_keeps_showing_a_file_still_broken(workspace: Path) -> None:
    state = PreviewState(workspace)
    state.rebuild()
    edit(workspace, QUIET, "title: ", "titel: ")
    assert state.rebuild([QUIET]).problems
    # Another file saved while the first is still broken: a patch of the last good build
    # with that file alone would hide the problem.
    edit(workspace, VARDA, 'title: "Varda', 'title: "Revisited — Varda')
    problems = state.rebuild([VARDA]).problems
    with pytest.raises(DopemailError) as caught:
        full(workspace)
    reported = getattr(caught.value, "errors", [caught.value])
    assert [(p.location, p.message) for p in problems] == [
        (e.location(), e.message) for e in reported
    ]
    assert "entries/quiet-hours.md:2" in {p.location for p in problems}
    edit(workspace, QUIET, "titel: ", "title: ")
    shown = state.snapshot.version
    snapshot = state.rebuild([QUIET])
    assert snapshot.problems == ()
    expected = full(workspace)
    for path, output in expected.outputs.items():
        assert snapshot.outputs[path] == output, path
    # (This rebuild may publish two versions: its pages, then the feeds they changed.)
    assert snapshot.changed_at["site/varda-in-los-angeles/index.html"] > shown


def test_the_preview_marks_only_what_a_patch_changed(workspace: Path) -> None:
    state = PreviewState(workspace)
    first = state.rebuild()
    edit(workspace, QUIET, "title: ", "title: Now — ")
    snapshot = state.rebuild([QUIET])
    assert snapshot.build is not None and snapshot.build.touched is not None
    changed = {p for p, v in snapshot.changed_at.items() if v > first.version}
    assert "site/quiet-hours/index.html" in changed
    assert "site/index.html" in changed
    assert "site/varda-in-los-angeles/index.html" not in changed
    # What the issue's preview page shows of it (its checks, its size) changed with its email.
    shown = {p for p in changed if p.startswith(SHOWN_PREFIX)}
    assert shown == {f"{SHOWN_PREFIX}issue/3-quiet-hours"}
    assert changed - shown == {
        p for p in snapshot.outputs if first.outputs.get(p) != snapshot.outputs[p]
    }


def test_the_page_of_an_entry_deleted_is_marked_changed(workspace: Path) -> None:
    # Its open page must reload to the 404: an entry no issue gathers, so no issue page
    # changes with it.
    state = PreviewState(workspace)
    first = state.rebuild()
    page = "site/sunny-vallejo-park-low-tide/index.html"
    assert page in first.outputs
    assert not first.changed_since(first.version, [page])
    (workspace / SUNNY).unlink()
    snapshot = state.rebuild([SUNNY])
    assert snapshot.problems == ()
    assert page not in snapshot.outputs
    assert snapshot.changed_since(first.version, [page])


def _published(state: PreviewState) -> list[Snapshot]:
    """Every snapshot ``state`` publishes from now on, in order."""
    seen: list[Snapshot] = []
    publish = state._publish

    def record(*args: Any, **kwargs: Any) -> None:
        publish(*args, **kwargs)
        seen.append(state.snapshot)

    state._publish = record  # type: ignore[method-assign]
    return seen


def test_the_preview_shows_the_edited_page_before_making_the_feeds(workspace: Path) -> None:
    lines: list[str] = []
    state = PreviewState(workspace, log=lines.append)
    first = state.rebuild()
    seen = _published(state)
    edit(workspace, VARDA, 'title: "Varda', 'title: "Revisited — Varda')
    last = state.rebuild([VARDA])
    assert [s.version for s in seen] == [first.version + 1, first.version + 2]
    pages, fed = seen
    page = "site/varda-in-los-angeles/index.html"
    assert "Revisited" in output_bytes(pages.outputs[page]).decode()
    assert pages.changed_at[page] == pages.version
    # The pages first, with the feeds as they were (and marked unchanged)...
    for path in FEEDS:
        assert pages.outputs[path] is first.outputs[path], path
        assert pages.changed_at.get(path, 0) <= first.version
    # ...then the feeds, and only they changed.
    assert {p for p, v in fed.changed_at.items() if v == fed.version} == FEEDS
    assert b"Revisited" in output_bytes(fed.outputs["feeds/rss.xml"])
    assert last is fed and fed.problems == ()
    expected = full(workspace)
    for path, output in expected.outputs.items():  # (the preview's has drafts' pages too)
        assert _readable(fed.outputs[path]) == _readable(output), path
    assert [line.split(" in ")[0] for line in lines[-2:]] == ["patched", "feeds made"]


def test_the_feeds_snapshot_shares_the_warnings_worked_out_for_its_pages(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An open index asks each snapshot for the build's warnings (0.2 s at 10,000 entries):
    # the feeds' snapshot shows the same build as the pages' one, and asks nothing again.
    import dopemail.preview.state as preview_state

    config = workspace / "dopemail.toml"  # a warning: the sender would refuse the settings
    text = config.read_text(encoding="utf-8")
    config.write_text(re.sub(r"(?m)^unsubscribe_url = .*\n", "", text), encoding="utf-8")
    state = PreviewState(workspace)
    assert state.snapshot.warnings == ()  # asked before anything built
    real = preview_state.warnings_of
    builds: list[Build] = []

    def counting(build: Build) -> list[Any]:
        builds.append(build)
        return real(build)

    monkeypatch.setattr(preview_state, "warnings_of", counting)
    first = state.rebuild()
    assert first.warnings and first.warnings == first.warnings  # its own, worked out once
    assert len(builds) == 1
    seen = _published(state)
    edit(workspace, VARDA, 'title: "Varda', 'title: "Revisited — Varda')
    state.rebuild([VARDA])
    pages, fed = seen
    assert pages.warnings == fed.warnings == first.warnings
    assert fed.warnings_key == pages.warnings_key
    assert len(builds) == 2 and builds[1] is pages.build


def test_feeds_that_failed_are_shown_as_a_problem_and_made_at_the_next_save(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dopemail.preview.state as preview_state

    state = PreviewState(workspace)
    first = state.rebuild()
    make = preview_state.make_owed

    def broken(build: Build) -> Build:
        raise RuntimeError("a bug in the feeds")

    monkeypatch.setattr(preview_state, "make_owed", broken)
    edit(workspace, VARDA, 'title: "Varda', 'title: "Revisited — Varda')
    failed = state.rebuild([VARDA])
    assert [p.message for p in failed.problems] == [
        "internal error: RuntimeError: a bug in the feeds"
    ]
    # The edited page is shown; the feeds are the last good ones, until the next save.
    page = "site/varda-in-los-angeles/index.html"
    assert "Revisited" in output_bytes(failed.outputs[page]).decode()
    assert failed.outputs["feeds/rss.xml"] is first.outputs["feeds/rss.xml"]
    # Said as what it is: the build is shown, its feeds are not new (no file to fix).
    assert failed.feeds_failed and "feeds could not be made" in failed.problems_title
    monkeypatch.setattr(preview_state, "make_owed", make)
    # A save that breaks the build: its problem is the build's, and the feeds still owed...
    edit(workspace, QUIET, "title: ", "titel: ")
    broken_build = state.rebuild([QUIET])
    assert not broken_build.feeds_failed
    assert broken_build.problems_title.startswith("The build failed")
    # ...are made by the next good save.
    edit(workspace, QUIET, "titel: ", "title: ")
    fixed = state.rebuild([QUIET])
    assert fixed.problems == () and not fixed.feeds_failed
    expected = full(workspace)
    for path in FEEDS:
        assert _readable(fixed.outputs[path]) == _readable(expected.outputs[path]), path


def test_feeds_made_after_the_pages_keep_a_draft_s_problem_on_show(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dopemail.preview.state as preview_state

    state = PreviewState(workspace)
    first = state.rebuild()
    draft = "site/harbor-lights-restoration/index.html"
    assert draft in first.outputs

    def broken(*args: Any, **kwargs: Any) -> dict[str, Output]:
        raise RuntimeError("a bug in the drafts")

    monkeypatch.setattr(preview_state, "draft_outputs", broken)
    seen = _published(state)
    edit(workspace, VARDA, 'title: "Varda', 'title: "Revisited — Varda')
    last = state.rebuild([VARDA])
    assert len(seen) == 2 and last is seen[-1]  # the pages, then the feeds
    for snapshot in seen:
        assert snapshot.drafts_only and not snapshot.feeds_failed
        assert [p.message for p in snapshot.problems] == [
            "internal error: RuntimeError: a bug in the drafts"
        ]
        assert snapshot.outputs[draft] is first.outputs[draft]  # its last good page
    assert b"Revisited" in output_bytes(last.outputs["feeds/rss.xml"])
    # Then its feeds fail too: the overlay says so, the draft's problem still listed.
    monkeypatch.setattr(preview_state, "make_owed", lambda build: 1 / 0)
    edit(workspace, VARDA, "Revisited", "Again")
    both = state.rebuild([VARDA])
    assert both.feeds_failed and both.drafts_only
    assert [p.message for p in both.problems][0] == (
        "internal error: RuntimeError: a bug in the drafts"
    )
    assert len(both.problems) == 2 and "ZeroDivisionError" in both.problems[1].message
    assert both.outputs[draft] is first.outputs[draft]


@pytest.mark.parametrize("override", [False, True])
def test_the_home_page_is_rendered_again_only_when_a_line_of_it_changed(
    workspace: Path, override: bool
) -> None:
    # Without one, templates/ still holds the sample's README.md: not a template.
    assert (workspace / "templates" / "README.md").is_file()
    if override:  # a template of the workspace's own may show any field of an entry
        templates = workspace / "templates"
        templates.mkdir(exist_ok=True)
        default = make_environment(None).loader.get_source(  # type: ignore[union-attr]
            make_environment(None), "home.html.j2"
        )[0]
        (templates / "home.html.j2").write_text(default, encoding="utf-8")
    env = make_environment(workspace)
    before = full(workspace)
    home = "site/index.html"
    # The body's last paragraph: not in the summary, so not in the home page's line.
    edit(workspace, STRANGERS, "Now streaming on Hulu.", "Now streaming on Hulu, too.")
    body = patch_build(before, [STRANGERS], env)
    assert body is not None
    assert_same(body, full(workspace))
    assert (body.outputs[home] is before.outputs[home]) is not override
    edit(workspace, STRANGERS, "title: All of Us Strangers", "title: All of Us, Strangers")
    title = patch_build(body, [STRANGERS], env)
    assert title is not None and home in (title.touched or ())
    assert_same(title, full(workspace))


def test_a_line_edited_renders_again_only_the_listing_pages_that_show_it(workspace: Path) -> None:
    # Home lists the newest two (quiet-hours, then sunny-vallejo-park-low-tide); the oldest
    # entry is alone in 2023, the others in 2024.
    edit(workspace, "dopemail.toml", "latest = 20", "latest = 2")
    edit(workspace, STRANGERS, "published: 2024-01-12T09:00:00-08:00", "published: 2023-06-01")
    env = make_environment(workspace)
    build = full(workspace)
    lists = {
        "site/index.html",
        "site/archive/index.html",
        "site/issues/index.html",
        Y2023,
        "site/archive/2024/index.html",
    }
    assert lists <= set(build.outputs)
    steps = [
        (VARDA, ('title: "Varda', 'title: "Revisited — Varda'), {"site/archive/2024/index.html"}),
        (QUIET, ("title: ", "title: Now — "), {"site/index.html", "site/archive/2024/index.html"}),
        # The last entry the home page lists, then the first it does not.
        (
            SUNNY,
            ('title: "', 'title: "Low — '),
            {"site/index.html", "site/archive/2024/index.html"},
        ),
        (LETTER, ('title: "', 'title: "Dear — '), {"site/archive/2024/index.html"}),
        (STRANGERS, ("title: ", "title: Then — "), {Y2023}),
        # Moved to the year's last evening: every page, as for any move...
        (STRANGERS, ("published: 2023-06-01", "published: 2023-12-31T16:00:00-08:00"), lists),
        # ... then the same instant written in 2024: the entry keeps its place in the lists
        # but leaves 2023 (its page gone) for 2024.
        (STRANGERS, ("2023-12-31T16:00:00-08:00", "2024-01-01T00:00:00Z"), lists),
    ]
    for rel, (old, new), relisted in steps:
        edit(workspace, rel, old, new)
        before = build.lists()[0]
        patched = patch_build(build, [rel], env)
        assert patched is not None and patched.touched is not None
        assert lists & patched.touched == relisted, new
        assert [r.entry.path for r in patched.lists()[0]] == [r.entry.path for r in before], new
        assert_same(patched, full(workspace))
        build = patched
    assert Y2023 not in build.outputs
