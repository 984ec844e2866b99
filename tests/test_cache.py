"""The build cache and the no-op check: faster builds, never different outputs."""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import pickle
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import weakref
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import feedparser
import jinja2
import pytest
from conftest import REPO, rewrite_keeping_times, snapshot, turned_jpeg

from dopemail import build as build_module
from dopemail import cache as cache_module
from dopemail import fingerprint, parallel
from dopemail import load as load_module
from dopemail import sourcetext as sourcetext_module
from dopemail import write as write_module
from dopemail.build import Build, build, render_workspace
from dopemail.cache import BuildCache, Memory
from dopemail.cli import _warn_of
from dopemail.errors import DopemailError
from dopemail.load import load_workspace
from dopemail.preview import state as state_module


def _outputs(root: Path) -> dict[str, bytes]:
    return snapshot(root / "feeds") | snapshot(root / "site")


def _count_renders(monkeypatch: pytest.MonkeyPatch, slow: bool = False) -> list[str]:
    rendered: list[str] = []
    real = build_module.render_entry

    def counting(env, entry):  # type: ignore[no-untyped-def]
        rendered.append(entry.slug)
        if slow:
            _slowly()
        return real(env, entry)

    monkeypatch.setattr(build_module, "render_entry", counting)
    return rendered


_TEST_PROCESS = os.getpid()
# Made by the module's first test (below), which the build's worker processes are forked
# after: made at import, it was left in /tmp by every run that deselected this module's tests.
_HANDSHAKE = Path()


def _slowly(kind: str = "entry", first: str = "worker") -> None:
    # Items go to whichever process is free: to be sure both render some of a kind (eight
    # sample entries, three issues), ``first`` goes ahead with its first item of that kind,
    # the other process waits at its first until then, and ``first`` waits at its next ones
    # until the other has begun one (each holding its run meanwhile). Waiting one way only
    # was not enough on a busy machine: the worker could take every run while this process
    # was still importing what the issues need.
    here = "parent" if os.getpid() == _TEST_PROCESS else "worker"
    other = "worker" if here == "parent" else "parent"
    mine = _HANDSHAKE / f"{kind}-{_TEST_PROCESS}-{here}"
    if here == first and not mine.exists():
        mine.touch()
        return
    theirs = _HANDSHAKE / f"{kind}-{_TEST_PROCESS}-{other}"
    deadline = time.monotonic() + 20
    while not theirs.exists() and time.monotonic() < deadline:
        time.sleep(0.005)
    mine.touch()


@pytest.fixture(autouse=True, scope="module")
def _handshake_removed() -> Iterator[None]:
    global _HANDSHAKE
    _HANDSHAKE = Path(tempfile.mkdtemp(prefix="dopemail-worker-"))
    yield
    shutil.rmtree(_HANDSHAKE, ignore_errors=True)  # not left in the machine's /tmp


@pytest.fixture(autouse=True)
def _handshake_reset() -> Iterator[None]:
    for flag in _HANDSHAKE.iterdir():
        flag.unlink()
    yield


def _count_received(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The kinds of the records this process receives from workers."""
    received: list[str] = []
    real = BuildCache.put_encoded

    def receiving(self, kind, key, data):  # type: ignore[no-untyped-def]
        received.append(kind)
        real(self, kind, key, data)

    monkeypatch.setattr(BuildCache, "put_encoded", receiving)
    return received


def _count_opens(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files the cache module opens (to key them) in this process."""
    opened: list[str] = []
    real_open = open

    def counting_open(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        opened.append(Path(str(path)).name)
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(cache_module, "open", counting_open, raising=False)
    return opened


def _built_alone(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """The outputs of a one-process build, wiped afterwards; workers fork from then on even
    for the few sample entries and issues. What a build with workers must equal."""
    build(workspace, use_cache=False, jobs=1)
    alone = _outputs(workspace)
    _wipe_outputs(workspace)
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    return alone


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_cached_build_equals_a_build_from_scratch(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(workspace)
    _edit(workspace / "entries/quiet-hours.md", "Quiet Hours", "Quiet Hours, again")
    rendered = _count_renders(monkeypatch)
    build(workspace)
    assert rendered == ["quiet-hours"], "only the edited entry is rendered again"
    cached = _outputs(workspace)
    # The same sources built with no cache at all give the same bytes.
    (workspace / ".dopemail").rename(tmp_path / "old-state")
    for folder in ("site", "feeds"):
        for path in sorted((workspace / folder).rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
    build(workspace, use_cache=False)
    assert _outputs(workspace) == cached
    assert "Quiet Hours, again" in (workspace / "feeds/rss.xml").read_text()


@pytest.mark.parametrize("name", ["entries/quiet-hours.md", "issues/3-quiet-hours.md"])
def test_a_file_saved_while_it_is_read_is_not_cached_under_the_other_text_s_key(
    workspace: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Keyed from one read and parsed from another, a file saved in between (the preview
    # rebuilding while the editor types) had the new text's record under the old text's key:
    # once the file went back to the old text (an undo, a checkout), the build took that
    # record and kept the other text's page until the file changed again.
    import builtins
    import io

    build(workspace)
    path = workspace / name
    text = path.read_text(encoding="utf-8")
    assert "Quiet Hours" in text
    version_a = text.replace("Quiet Hours", "Quiet Hours, version A", 1)
    version_b = text.replace("Quiet Hours", "Quiet Hours, version B", 1)
    path.write_text(version_a, encoding="utf-8")
    real_open = builtins.open
    saved = []

    def open_then_save(file, *args, **kwargs):  # type: ignore[no-untyped-def]
        handle = real_open(file, *args, **kwargs)
        if not saved and os.fspath(file) == str(path):
            # The editor saves version B (a new file renamed over it, as editors save)
            # right after the build opened version A.
            saved.append(True)
            other = path.with_name(".saving")
            other.write_text(version_b, encoding="utf-8")
            os.replace(other, path)
        return handle

    monkeypatch.setattr(builtins, "open", open_then_save)
    monkeypatch.setattr(io, "open", open_then_save)
    build(workspace)
    monkeypatch.undo()
    assert saved
    # Back to version A, as it was when the build first opened it.
    path.write_text(version_a, encoding="utf-8")
    build(workspace)
    # The issue's file is loaded at every build: its rendering is what the cache holds.
    shown = (workspace / "site/issues/3-quiet-hours/email.html").read_text(encoding="utf-8")
    if name.startswith("entries/"):
        shown = (workspace / "site/quiet-hours/index.html").read_text(encoding="utf-8")
    assert "version A" in shown and "version B" not in shown


def test_a_library_installed_or_upgraded_renders_everything_again(
    workspace: Path, tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only dopemail's own code was in the cache's key and the no-op check: after
    # 'pip install -U feedgen' (or Jinja2, markdown-it-py...) a build said "nothing
    # changed", and an edit rendered one entry with the new library and kept the rest.
    libraries = tmp_path / "lib" / "site-packages"
    (libraries / "feedgen-1.0.0.dist-info").mkdir(parents=True)
    monkeypatch.syspath_prepend(str(libraries))
    assert run_cli("build", "--root", workspace)[1].startswith("built ")
    assert run_cli("build", "--root", workspace)[1].startswith("nothing changed:")
    # The upgrade, as pip makes it: the old version's metadata out, the new one's in.
    (libraries / "feedgen-1.0.0.dist-info").rename(libraries / "feedgen-1.0.1.dist-info")
    rendered = _count_renders(monkeypatch)
    code, output = run_cli("build", "--root", workspace)
    assert code == 0 and output.startswith("built "), output
    assert len(rendered) == len(list((workspace / "entries").glob("*.md")))


def test_the_libraries_fingerprint_is_what_dopemail_requires_as_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Copies of one dopemail said the same '--version' while their css-inline differed, and
    # their builds flipped a sent issue's email back and forth, each saying it changed.
    import hashlib as hashing
    from importlib import metadata

    def expected() -> str:
        names = {
            re.sub(r"[-_.]+", "-", re.match(r"[\w.-]+", r).group()).lower()
            for r in metadata.requires("dopemail") or []
            if "extra ==" not in r
        }
        digest = hashing.blake2b(digest_size=16)
        for name in sorted(names):
            digest.update(f"{name}=={metadata.version(name)}\0".encode())
        return digest.hexdigest()

    fingerprint.libraries_fingerprint.cache_clear()
    before = fingerprint.libraries_fingerprint()
    assert before == expected()  # read from the folders' names as importlib.metadata reads them
    # Another css-inline found first on the path; a library its tests alone use is not counted.
    libraries = tmp_path / "lib" / "site-packages"
    for project, version in (("css_inline", "0.14.0"), ("pytest", "1.0.0")):
        info = libraries / f"{project}-{version}.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text(f"Name: {project}\nVersion: {version}\n", "utf-8")
    monkeypatch.syspath_prepend(str(libraries))
    fingerprint.libraries_fingerprint.cache_clear()
    after = fingerprint.libraries_fingerprint()
    assert after != before and after == expected()
    shutil.rmtree(libraries / "css_inline-0.14.0.dist-info")
    fingerprint.libraries_fingerprint.cache_clear()
    assert fingerprint.libraries_fingerprint() == before
    fingerprint.libraries_fingerprint.cache_clear()


def test_the_libraries_fingerprint_without_dopemail_s_metadata_folder_reads_no_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Run with PYTHONPATH=src (or from an egg-link, a zipapp), no metadata folder of
    # dopemail's is beside the libraries: it read ./METADATA, of whatever folder it ran in,
    # and without one gave the same hash whatever was installed.
    import hashlib as hashing
    from importlib import metadata

    libraries = tmp_path / "site-packages"

    def installed(**versions: str) -> None:
        shutil.rmtree(libraries, ignore_errors=True)
        for project, version in versions.items():
            (libraries / f"{project}-{version}.dist-info").mkdir(parents=True)

    def fingerprinted() -> str:
        fingerprint.libraries_fingerprint.cache_clear()
        return fingerprint.libraries_fingerprint()

    def hashed(versions: dict[str, str]) -> str:
        digest = hashing.blake2b(digest_size=16)
        for name, version in sorted(versions.items()):
            digest.update(f"{name}=={version}\0".encode())
        return digest.hexdigest()

    monkeypatch.setattr(fingerprint, "library_folders", lambda: [str(libraries)])
    monkeypatch.chdir(tmp_path)
    (tmp_path / "METADATA").write_text("Name: other\nRequires-Dist: pytest\n", "utf-8")
    installed(css_inline="0.14.0", pytest="1.0.0")
    # What dopemail requires, as importlib.metadata finds it.
    wanted = {
        re.sub(r"[-_.]+", "-", re.match(r"[\w.-]+", r).group()).lower()
        for r in metadata.requires("dopemail") or []
        if "extra ==" not in r
    }
    assert "css-inline" in wanted and "pytest" not in wanted
    versions = dict.fromkeys(wanted, "missing") | {"css-inline": "0.14.0"}
    assert fingerprinted() == hashed(versions)

    # Not known to importlib.metadata either: every library installed, by name and version
    # (another css-inline, another fingerprint).
    def unknown(name: str) -> list[str]:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "requires", unknown)
    assert fingerprinted() == hashed({"css-inline": "0.14.0", "pytest": "1.0.0"})
    installed(css_inline="0.15.0", pytest="1.0.0")
    assert fingerprinted() == hashed({"css-inline": "0.15.0", "pytest": "1.0.0"})
    fingerprint.libraries_fingerprint.cache_clear()


def test_the_system_zone_database_upgraded_renders_everything_again(
    workspace: Path, tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Python reads a zone's rules from the system's database before the tzdata package: after
    # an upgrade of the system's tzdata, a build said "nothing changed" and kept every date
    # told by the old rules, and differed from the same build without the cache.
    import zoneinfo

    if not Path("/usr/share/zoneinfo/Etc/GMT+8").is_file():
        pytest.skip("no system zone database here (Python reads the tzdata package)")
    zones = tmp_path / "zoneinfo"
    shutil.copytree("/usr/share/zoneinfo", zones, symlinks=True)
    # Saved by Notepad, with a byte order mark, which the settings read (and so must this).
    config = workspace / "dopemail.toml"
    config.write_bytes(b"\xef\xbb\xbf" + config.read_bytes())
    zoneinfo.reset_tzpath(to=[str(zones)])  # as PYTHONTZPATH would
    zoneinfo.ZoneInfo.clear_cache()
    try:
        assert run_cli("build", "--root", workspace)[1].startswith("built ")
        assert run_cli("build", "--root", workspace)[1].startswith("nothing changed:")
        before = _outputs(workspace)
        # The upgrade, as dpkg makes it: the new file written beside, then renamed over.
        # (New rules for the sample's zone: eight hours behind UTC all year, no summer time.)
        rules = zones / "America/Los_Angeles"
        new = rules.with_name(".Los_Angeles.new")
        new.write_bytes((zones / "Etc/GMT+8").read_bytes())
        new.rename(rules)
        # (zoneinfo's cache left as it is: a preview would have it, across the upgrade)
        code, output = run_cli("build", "--root", workspace)
        # (after the warnings that sent issues changed: their events' times did)
        assert code == 0 and "\nbuilt " in output and "sent" in output, output
        after = _outputs(workspace)
        assert after != before
        # An evening in April, written at -07:00, is now told with its offset: the zone's
        # own is -08:00 all year.
        text = "issues/2-summer-festivals/email.txt"
        assert "7:00\u00a0PM (UTC-7)" not in before[text].decode()
        assert "7:00\u00a0PM (UTC-7)" in after[text].decode()
        uncached = tmp_path / "uncached"
        shutil.copytree(workspace, uncached, ignore=shutil.ignore_patterns(".dopemail"))
        assert run_cli("build", "--no-cache", "--root", uncached)[0] == 0
        assert _outputs(uncached) == after
    finally:
        zoneinfo.reset_tzpath()
        zoneinfo.ZoneInfo.clear_cache()


@pytest.mark.parametrize(
    ("settings", "zone"),
    [
        ('[publication]\ntimezone = "Europe/Paris"\n', "Europe/Paris"),
        ("[publication]\n  timezone='Asia/Tokyo'  # where we are\n", "Asia/Tokyo"),
        ('publication.timezone = "America/Sao_Paulo"\n', "America/Sao_Paulo"),  # parsed
        ("[publication]\n# timezone = 'Asia/Tokyo'\n", "UTC"),  # parsed: the default
        ('[publication]\ntitle = "X"\n', "UTC"),
        ("[publication\ntimezone = 'Asia/Tokyo'\n", "Asia/Tokyo"),  # broken: the build says
        # An old Mac's line ends, which the settings read as line ends too.
        ('[publication]\rtitle = "X"\rtimezone = "Europe/Paris"\r', "Europe/Paris"),
    ],
)
def test_the_zone_whose_rules_are_an_input(tmp_path: Path, settings: str, zone: str) -> None:
    import zoneinfo

    (tmp_path / "dopemail.toml").write_text(settings, encoding="utf-8")
    found = fingerprint.zone_file(tmp_path)
    expected = next(
        (os.path.join(f, zone) for f in zoneinfo.TZPATH if os.path.isfile(os.path.join(f, zone))),
        None,
    )
    assert found == expected


def test_folders_linked_into_templates_and_media_are_inputs_too(
    workspace: Path, tmp_path: Path, run_cli
) -> None:
    # templates/email or media/<film> linked from elsewhere: an edit there was neither in the
    # cache's key (the emails kept the old template) nor seen by the no-op check.
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "email").mkdir(parents=True)
    shutil.copy(REPO / "src/dopemail/default_templates/email/issue.txt.j2", elsewhere / "email")
    (workspace / "templates").mkdir(exist_ok=True)
    (workspace / "templates/email").symlink_to(elsewhere / "email", target_is_directory=True)
    # Links to folders above take in nothing: the workspace would bring its own outputs in.
    (workspace / "templates/loop").symlink_to(workspace / "templates")
    (workspace / "templates/up").symlink_to(workspace)
    # Two folders linked to each other (and twice) were walked until the system's limit of
    # links in a path, the build taking minutes: each is walked once along a path.
    for name in ("x", "y"):
        (elsewhere / name).mkdir()
        (elsewhere / name / "note.txt").write_text(name)
    for name, other in (("x", "y"), ("y", "x")):
        (elsewhere / name / f"to-{other}").symlink_to(elsewhere / other)
        (elsewhere / name / f"to-{other}-again").symlink_to(elsewhere / other)
    (workspace / "media/x").symlink_to(elsewhere / "x")
    (workspace / "templates/x").symlink_to(elsewhere / "x")
    film = workspace / "media/all-of-us-strangers"
    film.rename(elsewhere / "film")
    film.symlink_to(elsewhere / "film", target_is_directory=True)
    _age(workspace)
    _age(elsewhere)
    code, output = run_cli("build", "--root", workspace)
    assert output.startswith("built "), output  # and no "not used" for the linked template
    assert run_cli("build", "--root", workspace)[1].startswith("nothing changed:")

    with (elsewhere / "email/issue.txt.j2").open("a", encoding="utf-8") as handle:
        handle.write("LINKED FOOTER\n")
    code, output = run_cli("build", "--root", workspace)
    assert code == 0 and "\nbuilt " in output, output  # after the warnings of sent issues
    for text in (workspace / "site/issues").glob("*/email.txt"):
        assert "LINKED FOOTER" in text.read_text(encoding="utf-8"), text

    picture = elsewhere / "film/02.jpg"
    page = workspace / "site/all-of-us-strangers/index.html"
    width, height = re.search(
        r'02\.jpg" [^>]*width="(\d+)" height="(\d+)"', page.read_text(encoding="utf-8")
    ).groups()
    rewrite_keeping_times(picture, turned_jpeg(picture.read_bytes()))
    code, output = run_cli("build", "--root", workspace)
    assert code == 0 and "\nbuilt " in output, output
    turned = re.search(r'02\.jpg" [^>]*width="(\d+)" height="(\d+)"', page.read_text("utf-8"))
    assert turned.groups() == (height, width)


@pytest.mark.parametrize("name", ["state.json", "outputs.json", "writing.json"])
def test_a_state_file_left_by_a_killed_build_is_cleared(
    workspace: Path, run_cli, name: str
) -> None:
    # Killed between writing state.json's temporary file and renaming it, a build left
    # .dopemail/state.json.<pid>.tmp for good; and the manifest's and the journal's, since
    # their temporary files are named by process too.
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], text=True,
                          capture_output=True, check=True).stdout.strip()  # fmt: skip
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        folder = workspace / ".dopemail"
        folder.mkdir()
        orphan, busy = folder / f"{name}.{gone}.tmp", folder / f"{name}.{alive.pid}.tmp"
        orphan.write_text("{}")
        busy.write_text("{}")  # a check running side by side: its own to rename
        assert run_cli("build", "--root", workspace)[0] == 0
        assert not orphan.exists() and busy.exists()
    finally:
        alive.kill()
        alive.wait()


def test_a_template_edit_renders_everything(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(workspace)
    override = workspace / "templates/entry_content.html.j2"
    override.parent.mkdir(exist_ok=True)
    default = Path(build_module.__file__).parent / "default_templates/entry_content.html.j2"
    override.write_text(default.read_text().replace("Where it plays", "Where to see it"))
    rendered = _count_renders(monkeypatch)
    build(workspace)
    assert len(rendered) == len(list((workspace / "entries").glob("*.md")))
    assert "Where to see it" in (workspace / "site/all-of-us-strangers/index.html").read_text()


def test_a_template_renamed_out_of_use_is_no_longer_an_override(workspace: Path) -> None:
    # Renamed entry.html.j2.off, its bytes unchanged, the override is no template any more:
    # the pages go back to the default, as a build from scratch makes them.
    override = workspace / "templates/entry.html.j2"
    default = Path(build_module.__file__).parent / "default_templates/entry.html.j2"
    assert "<h1{{" in default.read_text()
    override.write_text(default.read_text().replace("<h1{{", '<h1 class="overridden"{{'))
    build(workspace)
    page = workspace / "site/all-of-us-strangers/index.html"
    assert 'class="overridden"' in page.read_text()
    override.rename(override.with_name("entry.html.j2.off"))
    build(workspace)
    assert 'class="overridden"' not in page.read_text()
    assert _outputs(workspace) == _from_scratch(workspace)


def test_a_changed_picture_renders_its_entry(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(workspace)
    picture = workspace / "media/quiet-hours.jpg"
    assert not picture.exists()  # quiet-hours has no pictures: use one that does
    lead = workspace / "media/all-of-us-strangers/01.jpg"
    replacement = workspace / "media/all-of-us-strangers/02.jpg"
    lead.write_bytes(replacement.read_bytes())
    rendered = _count_renders(monkeypatch)
    build(workspace)
    assert rendered == ["all-of-us-strangers"]
    feed = (workspace / "feeds/rss.xml").read_text()
    assert f'length="{replacement.stat().st_size}"' in feed


@pytest.mark.usefixtures("settled_code")
@pytest.mark.parametrize("how", ["command", "preview"])
def test_a_picture_replaced_with_the_same_size_and_time_is_measured_again(
    workspace: Path, run_cli, how: str
) -> None:
    # cp -p, rsync -t, or a coarse clock: another picture of the very same byte size, with
    # the old one's modification time. Its change time and inode still tell.
    _age(workspace)
    lead = workspace / "media/all-of-us-strangers/01.jpg"
    page = "site/all-of-us-strangers/index.html"
    preview = state_module.PreviewState(workspace)
    if how == "command":
        assert run_cli("build", "--root", workspace)[0] == 0
        shown = lambda: (workspace / page).read_text(encoding="utf-8")  # noqa: E731
    else:
        preview.rebuild()
        shown = lambda: preview.snapshot.outputs[page].decode()  # noqa: E731
    size = re.compile(
        r'<img src="[^"]*/all-of-us-strangers/01\.jpg"[^>]*width="(\d+)" height="(\d+)"'
    )
    assert size.findall(shown()) == [("1200", "800")]
    stat = lead.stat()
    rewrite_keeping_times(lead, turned_jpeg(lead.read_bytes()))
    assert (lead.stat().st_size, lead.stat().st_mtime_ns) == (stat.st_size, stat.st_mtime_ns)
    if how == "command":
        assert run_cli("build", "--root", workspace)[0] == 0
    else:
        snapshot = preview.rebuild(["media/all-of-us-strangers/01.jpg"])
        # An open page showing the picture reloads: the picture itself changed.
        assert snapshot.changed_at["site/media/all-of-us-strangers/01.jpg"] == snapshot.version
    assert size.findall(shown()) == [("800", "1200")]


def test_a_picture_found_under_its_other_spelling_gives_way_to_one_named_as_typed(
    workspace: Path,
) -> None:
    # The entry names 'café.jpg' as typed (é one character); only a Mac's copy, 'cafe' and an
    # accent, was there, and the build took it. A file under the typed name put there later
    # is the one the entry means (and a build from scratch takes): the cached build kept
    # publishing the Mac's copy, its bytes and their length in the feeds and emails.
    import unicodedata

    folder = workspace / "media/varda-in-los-angeles"
    typed = unicodedata.normalize("NFC", "café.jpg")
    macs = unicodedata.normalize("NFD", typed)
    (folder / "01.jpg").rename(folder / macs)
    if (folder / typed).exists():
        pytest.skip("this file system takes both spellings for one name")
    _edit(
        workspace / "entries/varda-in-los-angeles.md",
        "media/varda-in-los-angeles/01.jpg",
        f"media/varda-in-los-angeles/{typed}",
    )
    build(workspace)
    new = turned_jpeg((folder / "02.jpg").read_bytes())  # another picture, another size
    (folder / typed).write_bytes(new)
    build(workspace)
    cached = _outputs(workspace)
    assert cached[f"media/varda-in-los-angeles/{typed}"] == new
    assert cached == _from_scratch(workspace)


def test_a_folder_under_the_typed_name_gives_way_too_whatever_its_file_s_spelling(
    workspace: Path,
) -> None:
    # 'media/ciné/ñu.jpg' typed, a Mac's copy of folder and file found ('cine' and an accent,
    # 'n' and a tilde); then a folder made by hand under the typed name holding a file named
    # on a Mac: a build from scratch takes it (each part looked for in turn), the cached one
    # kept the first, its stamp holding the all-typed and all-Mac spellings only.
    import unicodedata

    nfc = unicodedata.normalize("NFC", "ciné/ñu.jpg")
    nfd = unicodedata.normalize("NFD", nfc)
    old = workspace / "media" / nfd
    old.parent.mkdir()
    if (workspace / "media" / nfc).parent.exists():
        pytest.skip("this file system takes both spellings for one name")
    (workspace / "media/varda-in-los-angeles/01.jpg").rename(old)
    _edit(
        workspace / "entries/varda-in-los-angeles.md",
        "media/varda-in-los-angeles/01.jpg",
        f"media/{nfc}",
    )
    build(workspace)
    folder, file = nfc.split("/")
    mixed = workspace / "media" / folder / unicodedata.normalize("NFD", file)
    mixed.parent.mkdir()
    new = turned_jpeg((workspace / "media/varda-in-los-angeles/02.jpg").read_bytes())
    mixed.write_bytes(new)
    build(workspace)
    assert _outputs(workspace) == _from_scratch(workspace)


def test_a_picture_in_an_issue_s_text_replaced_renders_the_issue_again(workspace: Path) -> None:
    # Issue 3 shows, in its intro, a picture of an entry it does not gather: replaced by one of
    # other dimensions, its size in the email and the issue's web page must follow it.
    _edit(
        workspace / "issues/3-quiet-hours.md",
        "Dear readers,\n",
        "Dear readers,\n\n![A wall in Los Angeles](/media/varda-in-los-angeles/01.jpg)\n",
    )
    build(workspace)
    email = workspace / "site/issues/3-quiet-hours/email.html"
    shown = '/01.jpg" alt="A wall in Los Angeles" width="552" height="{}"'
    assert shown.format(368) in email.read_text()  # 1200 by 800, at the email's width
    picture = workspace / "media/varda-in-los-angeles/01.jpg"
    picture.write_bytes(turned_jpeg(picture.read_bytes()))  # 800 by 1200 now
    build(workspace)
    assert shown.format(828) in email.read_text()
    assert _outputs(workspace) == _from_scratch(workspace)


def test_the_logo_replaced_is_measured_again_in_the_feed(workspace: Path) -> None:
    # RSS's <image> gives the logo's size: a logo of other dimensions (the square icon over
    # the 600 by 120 logo) changes it, though no entry changed.
    build(workspace)
    rss = workspace / "feeds/rss.xml"
    assert "<width>144</width>\n      <height>29</height>" in rss.read_text(encoding="utf-8")
    shutil.copy(workspace / "media/dopepress-icon.png", workspace / "media/dopepress-logo.png")
    build(workspace)
    assert "<width>144</width>\n      <height>144</height>" in rss.read_text(encoding="utf-8")
    assert _outputs(workspace) == _from_scratch(workspace)


def test_a_damaged_cache_is_rebuilt(workspace: Path) -> None:
    build(workspace)
    expected = _outputs(workspace)
    for record in (workspace / ".dopemail/cache").rglob("*"):
        if record.is_file():
            record.write_bytes(b"not a pickle")
    (workspace / "site/all-of-us-strangers/index.html").unlink()
    build(workspace)
    assert _outputs(workspace) == expected


def test_a_new_entry_taking_a_cached_entry_s_slug_fails_as_from_scratch(
    workspace: Path, run_cli
) -> None:
    # entries/aaa.md, a copy of quiet-hours.md given its 'slug:' (another date, another id),
    # sorts first and takes the slug; quiet-hours.md, unchanged since the last build, comes
    # from the cache, which must not let it take the slug again: both would be
    # site/quiet-hours/, one page silently written over the other.
    assert run_cli("build", "--root", workspace)[0] == 0
    page = (workspace / "site/quiet-hours/index.html").read_bytes()
    text = (workspace / "entries/quiet-hours.md").read_text(encoding="utf-8")
    copy = text.replace(
        "published: 2024-11-08T09:00:00-08:00", "published: 2024-11-09T09:00:00-08:00"
    )
    copy = copy.replace(
        "title: Quiet Hours\n", "title: Quiet Hours, the copy\nslug: quiet-hours\n", 1
    )
    assert copy.count("slug: quiet-hours") == 1 and "2024-11-09" in copy
    (workspace / "entries/aaa.md").write_text(copy, encoding="utf-8")
    code, cached = run_cli("build", "--root", workspace)
    assert code == 1, cached
    assert "duplicate slug 'quiet-hours'" in cached
    assert (workspace / "site/quiet-hours/index.html").read_bytes() == page
    code, from_scratch = run_cli("build", "--root", workspace, "--no-cache")
    assert (code, cached) == (1, from_scratch)


def test_the_cache_drops_deleted_entries(workspace: Path) -> None:
    build(workspace)
    count = len([p for p in (workspace / ".dopemail/cache/entries").rglob("*") if p.is_file()])
    (workspace / "entries/sunny-vallejo-park-low-tide.md").unlink()
    build(workspace)
    after = len([p for p in (workspace / ".dopemail/cache/entries").rglob("*") if p.is_file()])
    assert after == count - 1


def test_nothing_changed_is_noticed_and_anything_changed_is_built(workspace: Path, run_cli) -> None:
    code, output = run_cli("build", "--root", workspace)
    assert code == 0 and output.startswith("built ")
    code, output = run_cli("build", "--root", workspace)
    assert code == 0 and output.startswith("nothing changed:"), output
    # A deleted output is noticed and written again.
    page = workspace / "site/quiet-hours/index.html"
    before = page.read_bytes()
    page.unlink()
    code, output = run_cli("build", "--root", workspace)
    assert output.startswith("built ") and page.read_bytes() == before
    # An edited input is noticed.
    _edit(workspace / "entries/quiet-hours.md", "Quiet Hours", "Quiet Hours (edited)")
    code, output = run_cli("build", "--root", workspace)
    assert output.startswith("built ") and b"Quiet Hours (edited)" in page.read_bytes()
    # A failed build leaves no record, so the fixed sources are built in full.
    _edit(workspace / "entries/quiet-hours.md", "title:", "titel:")
    code, output = run_cli("build", "--root", workspace)
    assert code == 1
    _edit(workspace / "entries/quiet-hours.md", "titel:", "title:")
    code, output = run_cli("build", "--root", workspace)
    assert code == 0 and output.startswith("built "), output


def test_an_empty_folder_named_like_an_entry_is_not_taken_as_nothing_changed(
    workspace: Path, run_cli
) -> None:
    # entries/extra.md made as a folder (a zip unpacked, a wrong mkdir) holds no file, but a
    # build fails on it: the no-op check must not answer "nothing changed" and exit 0.
    assert run_cli("build", "--root", workspace)[0] == 0
    (workspace / "entries/extra.md").mkdir()
    code, output = run_cli("build", "--root", workspace)
    assert code == 1 and not output.startswith("nothing changed"), output
    assert "entries/extra.md: not read: a folder, not a file" in output
    assert run_cli("build", "--root", workspace, "--no-cache") == (code, output)


@pytest.fixture
def settled_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """dopemail's own code out of the no-op check's stamp: a source file a developer saved
    a second ago would count among the recent files these tests count."""
    code = tmp_path / "code"
    code.mkdir()
    monkeypatch.setattr(fingerprint, "_PACKAGE", code)


@pytest.fixture
def coarse_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The no-op check as on FAT, where Linux reports a file's change time as its
    modification time: a save within the same tick then changes no time at all (here, every
    write sets a new change time, which would tell the save apart by itself)."""
    real = fingerprint._Scan.add

    def add(self: fingerprint._Scan, path: str, stat: os.stat_result) -> None:
        fat = SimpleNamespace(
            st_size=stat.st_size,
            st_mtime_ns=stat.st_mtime_ns,
            st_ctime_ns=stat.st_mtime_ns,
            st_ino=stat.st_ino,
        )
        real(self, path, fat)  # type: ignore[arg-type]

    monkeypatch.setattr(fingerprint._Scan, "add", add)


@pytest.mark.usefixtures("settled_code", "coarse_clock")
def test_a_file_saved_again_within_one_tick_of_the_clock_is_not_taken_as_unchanged(
    workspace: Path, run_cli
) -> None:
    # On a file system with a coarse clock (FAT's 2 s, some network mounts), a file saved
    # just before a build and again while it runs, with the same size, keeps its size and
    # modification time: the no-op check must not vouch for it by its stat alone.
    entry = workspace / "entries/quiet-hours.md"
    os.utime(entry)  # saved just now
    code, output = run_cli("build", "--root", workspace)
    assert code == 0 and output.startswith("built ")
    stat = entry.stat()
    rewrite_keeping_times(entry, entry.read_bytes().replace(b"Quiet Hours", b"Quiet Hourz", 1))
    assert (entry.stat().st_size, entry.stat().st_mtime_ns) == (stat.st_size, stat.st_mtime_ns)
    code, output = run_cli("build", "--root", workspace)
    assert code == 0 and output.startswith("built "), output
    assert b"Quiet Hourz" in (workspace / "site/quiet-hours/index.html").read_bytes()
    # Once built, the same bytes are up to date again.
    code, output = run_cli("build", "--root", workspace)
    assert output.startswith("nothing changed:"), output


@pytest.mark.usefixtures("settled_code")
@pytest.mark.parametrize(("limit", "value"), [("_MAX_RECENT", 3), ("_MAX_RECENT_BYTES", 4000)])
def test_a_fresh_copy_is_checked_in_full_until_its_files_settle(
    workspace: Path, run_cli, monkeypatch: pytest.MonkeyPatch, limit: str, value: int
) -> None:
    # Every file just copied (a clone) is recent: past a few, or a few pictures' bytes,
    # reading them all before the build and at every no-op check would cost more than one
    # more build, so the next build simply runs.
    monkeypatch.setattr(fingerprint, limit, value)
    _age(workspace)
    for entry in sorted((workspace / "entries").glob("*.md"))[:4]:
        os.utime(entry)
    assert run_cli("build", "--root", workspace)[1].startswith("built ")
    assert run_cli("build", "--root", workspace)[1].startswith("built ")
    _age(workspace)
    assert run_cli("build", "--root", workspace)[1].startswith("built ")
    assert run_cli("build", "--root", workspace)[1].startswith("nothing changed:")


@pytest.mark.usefixtures("coarse_clock")
def test_files_are_aged_by_the_clock_of_their_file_system(
    workspace: Path, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A network share whose server runs 5 s behind this machine: a file it stamped 4 s ago
    # by this machine's clock was saved just now.
    def lagging(root: Path) -> int:
        return time.time_ns() - 5_000_000_000

    monkeypatch.setattr(fingerprint, "fs_now", lagging)
    monkeypatch.setattr(cache_module, "fs_now", lagging)
    _age(workspace)
    entry = workspace / "entries/quiet-hours.md"
    saved = time.time_ns() - 4_000_000_000
    os.utime(entry, ns=(saved, saved))
    assert run_cli("build", "--root", workspace)[1].startswith("built ")
    entry.write_bytes(entry.read_bytes().replace(b"Quiet Hours", b"Quiet Hourz", 1))
    os.utime(entry, ns=(saved, saved))
    code, output = run_cli("build", "--root", workspace)
    assert output.startswith("built "), output
    assert b"Quiet Hourz" in (workspace / "site/quiet-hours/index.html").read_bytes()


@pytest.mark.usefixtures("settled_code")
def test_files_dated_ahead_of_the_clock_settle_by_their_change_time(
    workspace: Path, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every source dated 2035 (an archive from a machine whose clock ran ahead, a touch -d):
    # each stayed "recent" for good, and past a few no build ever said nothing changed.
    monkeypatch.setattr(fingerprint, "_MAX_RECENT", 3)
    _age(workspace)
    ahead = 2_051_222_400_000_000_000  # 2035-01-01
    for path in [*workspace.glob("entries/*.md"), *workspace.glob("issues/*.md")]:
        os.utime(path, ns=(ahead, ahead))
    assert run_cli("build", "--root", workspace)[1].startswith("built ")
    # Their change time (the utime, just now) settles two seconds later, as any save's.
    real = fingerprint.fs_now
    monkeypatch.setattr(fingerprint, "fs_now", lambda root: real(root) + fingerprint.SETTLE_NS)
    assert run_cli("build", "--root", workspace)[1].startswith("built ")
    assert run_cli("build", "--root", workspace)[1].startswith("nothing changed:")
    # And an edit to one is seen, its times changed.
    entry = workspace / "entries/quiet-hours.md"
    entry.write_bytes(entry.read_bytes().replace(b"Quiet Hours", b"Quiet Hourz", 1))
    assert run_cli("build", "--root", workspace)[1].startswith("built ")
    assert b"Quiet Hourz" in (workspace / "site/quiet-hours/index.html").read_bytes()


def _built_with_one_recent_file(workspace: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    # Every file settled but one entry, saved just now; then a build records the state.
    _age(workspace)
    os.utime(workspace / "entries/quiet-hours.md")
    assert run_cli("build", "--root", workspace)[1].startswith("built ")


@pytest.mark.usefixtures("settled_code")
def test_recent_files_are_read_by_the_no_op_check_only_until_they_settle(
    workspace: Path, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    _built_with_one_recent_file(workspace, run_cli)
    state = workspace / fingerprint.STATE
    recent = json.loads(state.read_text(encoding="utf-8"))["recent"]
    assert [Path(path).name for path in recent] == ["quiet-hours.md"]
    assert run_cli("build", "--root", workspace)[1].startswith("nothing changed:")
    assert json.loads(state.read_text(encoding="utf-8"))["recent"] == recent  # not yet
    # Two seconds later by the file system's clock, saving it again would change its time.
    real = fingerprint.fs_now
    monkeypatch.setattr(fingerprint, "fs_now", lambda root: real(root) + fingerprint.SETTLE_NS)
    assert run_cli("build", "--root", workspace)[1].startswith("nothing changed:")
    assert json.loads(state.read_text(encoding="utf-8"))["recent"] == {}
    hashed = []
    monkeypatch.setattr(fingerprint, "_bytes_hash", lambda path: hashed.append(path))
    assert run_cli("build", "--root", workspace)[1].startswith("nothing changed:")
    assert hashed == []


@pytest.mark.usefixtures("settled_code")
def test_a_file_saved_again_while_the_no_op_check_reads_it_stays_checked(
    workspace: Path, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The check reads a recent file's bytes (the same as the stamp's), and the file is saved
    # again right after, within the same tick; by the time the check is done, the clock is
    # past that tick. The file must not be taken as settled: its bytes changed after it read.
    _age(workspace)
    entry = workspace / "entries/quiet-hours.md"
    os.utime(entry)
    assert run_cli("build", "--root", workspace)[1].startswith("built ")
    real_now, real_hash = fingerprint.fs_now, fingerprint._bytes_hash
    late = []

    def now(root: Path) -> int:
        return real_now(root) + (fingerprint.SETTLE_NS if late else 0)

    def hash_then_save(path: str) -> str | None:
        digest = real_hash(path)
        if path == str(entry) and not late:
            changed = entry.read_bytes().replace(b"Quiet Hours", b"Quiet Hourz", 1)
            rewrite_keeping_times(entry, changed)
            late.append(path)
        return digest

    monkeypatch.setattr(fingerprint, "fs_now", now)
    monkeypatch.setattr(fingerprint, "_bytes_hash", hash_then_save)
    assert fingerprint.up_to_date(workspace) is not None  # it read the bytes of the stamp
    assert late
    assert fingerprint.up_to_date(workspace) is None  # and then reads the new ones


def test_the_file_system_clock_is_read_from_a_file_it_stamps(workspace: Path) -> None:
    now = fingerprint.fs_now(workspace)
    assert now == (workspace / fingerprint.CLOCK).stat().st_mtime_ns
    assert abs(now - time.time_ns()) < 5_000_000_000  # this disk is local: the same clock
    # A workspace where nothing can be written: this machine's clock.
    blocked = workspace / "blocked"
    blocked.write_text("a file where .dopemail/ would be a folder")
    before = time.time_ns()
    assert before <= fingerprint.fs_now(blocked) <= time.time_ns()
    assert fingerprint.touch(blocked / ".dopemail/clock") is None


@pytest.mark.usefixtures("settled_code")
def test_the_no_op_check_answers_when_it_cannot_write_its_state(
    workspace: Path, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    _built_with_one_recent_file(workspace, run_cli)
    real = fingerprint.fs_now
    monkeypatch.setattr(fingerprint, "fs_now", lambda root: real(root) + fingerprint.SETTLE_NS)

    def refuse(*args: object) -> None:
        raise PermissionError("read-only")

    monkeypatch.setattr(fingerprint.os, "replace", refuse)
    assert fingerprint.up_to_date(workspace) is not None
    assert not list((workspace / ".dopemail").glob("*.tmp"))


def test_two_processes_writing_the_state_at_once_both_finish(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two no-op checks (or a check and a build) rewriting the state at the same moment: the
    # other process writes and renames its state between this one's write and rename.
    real_replace, real_pid = os.replace, os.getpid
    others: list[int] = []

    def replace(source: str | Path, target: str | Path) -> None:
        if not others:
            others.append(real_pid() + 1)
            monkeypatch.setattr(fingerprint.os, "getpid", lambda: others[0])
            fingerprint._write_state(workspace, {"by": "the other process"})
            monkeypatch.setattr(fingerprint.os, "getpid", real_pid)
        real_replace(source, target)

    monkeypatch.setattr(fingerprint.os, "replace", replace)
    fingerprint._write_state(workspace, {"by": "this process"})
    state = json.loads((workspace / fingerprint.STATE).read_text(encoding="utf-8"))
    assert state == {"by": "this process"}
    assert not list((workspace / ".dopemail").glob("*.tmp"))


def _wipe_outputs(root: Path) -> None:
    for folder in ("site", "feeds", ".dopemail"):
        for path in sorted((root / folder).rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()


def _from_scratch(root: Path) -> dict[str, bytes]:
    """The outputs of a build from scratch of the files as they are now (what a cached build
    must equal); the outputs and the cache in place are deleted first."""
    _wipe_outputs(root)
    build(root, use_cache=False)
    return _outputs(root)


@pytest.mark.parametrize("use_cache", [True, False])
def test_worker_processes_give_the_same_bytes(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, use_cache: bool
) -> None:
    build(workspace, use_cache=use_cache, jobs=1)
    alone = _outputs(workspace)
    _wipe_outputs(workspace)
    # Fork even for the eight sample entries and three issues; count what the parent renders
    # (each process waits for the other to take a share) and what the worker sends.
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    rendered = _count_renders(monkeypatch, slow=True)
    issues: list[int] = []
    real_issue = build_module.render_issue

    def counting_issue(env, issue, *args):  # type: ignore[no-untyped-def]
        issues.append(issue.meta.number)
        _slowly("issue", first="parent")  # the parent may start late: it stages meanwhile
        return real_issue(env, issue, *args)

    monkeypatch.setattr(build_module, "render_issue", counting_issue)
    received = _count_received(monkeypatch)
    build(workspace, use_cache=use_cache, jobs=2)
    assert _outputs(workspace) == alone
    # Each entry and issue was rendered once, by this process or by the worker; each did some
    # (had the worker failed, the sequential pass would have rendered its share).
    entries = list((workspace / "entries").glob("*.md"))
    numbers = list((workspace / "issues").glob("*.md"))
    assert len(set(rendered)) == len(rendered) and len(set(issues)) == len(issues)
    assert len(rendered) + received.count("entries") == len(entries)
    assert len(issues) + received.count("issues") == len(numbers)
    assert rendered and issues and "entries" in received and "issues" in received


def test_workers_send_their_records_back_without_files(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Creating a file per record cost more than rendering it on some file systems: what a
    # worker renders comes back through its pipe, and --no-cache writes no record at all.
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)

    def no_file(self, path, data):  # type: ignore[no-untyped-def]
        raise AssertionError(f"a --no-cache build wrote {path}")  # a worker's too: it re-raises

    monkeypatch.setattr(BuildCache, "_store", no_file)
    received = _count_received(monkeypatch)
    rendered = _count_renders(monkeypatch, slow=True)
    build(workspace, use_cache=False, jobs=2)
    assert not (workspace / ".dopemail/cache").exists()
    # What the worker rendered arrived through its pipe; this process rendered only the rest.
    entries = list((workspace / "entries").glob("*.md"))
    assert rendered and "entries" in received and "issues" in received
    assert len(rendered) + received.count("entries") == len(entries)


def test_results_sent_in_many_batches_give_the_same_bytes(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alone = _built_alone(workspace, monkeypatch)
    monkeypatch.setattr(parallel, "_BATCH_BYTES", 1)  # every record a batch of its own
    received = _count_received(monkeypatch)
    _count_renders(monkeypatch, slow=True)
    real = build_module.render_entry

    def noting(env, entry):  # type: ignore[no-untyped-def]
        if os.getpid() != _TEST_PROCESS:
            (_HANDSHAKE / f"rendered-{entry.slug}").touch()
        return real(env, entry)

    monkeypatch.setattr(build_module, "render_entry", noting)
    build(workspace, use_cache=False, jobs=2)
    assert _outputs(workspace) == alone
    # Every record the worker made arrived, one batch each.
    made = len(list(_HANDSHAKE.glob("rendered-*")))
    assert made >= 1 and received.count("entries") == made


def _fail(how: str) -> None:
    if how == "raises":
        raise OSError("the worker's disk is gone")
    os.kill(os.getpid(), signal.SIGKILL)


@pytest.mark.parametrize(
    ("how", "raised", "message"),
    [
        ("raises", OSError, "the worker's disk is gone"),
        ("is killed", RuntimeError, "ended before sending all its results"),
    ],
)
def test_a_worker_that_fails_fails_the_build(
    workspace: Path,
    monkeypatch: pytest.MonkeyPatch,
    how: str,
    raised: type[BaseException],
    message: str,
) -> None:
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    real = build_module.render_entry

    def failing_in_the_worker(env, entry):  # type: ignore[no-untyped-def]
        _slowly()  # this process waits until a worker took an entry
        if os.getpid() != _TEST_PROCESS:
            _fail(how)
        return real(env, entry)

    monkeypatch.setattr(build_module, "render_entry", failing_in_the_worker)
    before = set(_children(os.getpid()))
    with pytest.raises(raised, match=message):
        build(workspace, use_cache=False, jobs=2)
    assert set(_children(os.getpid())) <= before  # the worker was reaped


def test_issues_are_staged_as_they_come_and_not_again_by_the_write(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alone = _built_alone(workspace, monkeypatch)
    real_issue = build_module.render_issue

    def slow_issue(env, issue, *args):  # type: ignore[no-untyped-def]
        _slowly("issue", first="parent")  # so that the worker renders some issues too
        return real_issue(env, issue, *args)

    monkeypatch.setattr(build_module, "render_issue", slow_issue)
    received = _count_received(monkeypatch)
    phase = ["rendering"]
    linked: list[tuple[str, str]] = []
    real_link, real_commit = write_module._Blobs.stage, write_module.Staging.commit

    def linking(self, data, tmp, pid, trust=False):  # type: ignore[no-untyped-def]
        linked.append((phase[0], tmp))
        return real_link(self, data, tmp, pid, trust)

    def committing(self, outputs, early, owed=False):  # type: ignore[no-untyped-def]
        phase[0] = "writing"
        return real_commit(self, outputs, early, owed)

    monkeypatch.setattr(write_module._Blobs, "stage", linking)
    monkeypatch.setattr(write_module.Staging, "commit", committing)
    build(workspace, use_cache=False, jobs=2)
    assert _outputs(workspace) == alone
    # Every issue's four files were linked once, while the issues were being rendered: the
    # worker's as they arrived, this process's own as it made them.
    issues = [(when, tmp) for when, tmp in linked if re.search(r"/site/issues/\d+-", tmp)]
    assert "issues" in received
    assert len(issues) == 4 * len(list((workspace / "issues").glob("*.md")))
    assert {when for when, _ in issues} == {"rendering"}
    assert len({tmp for _, tmp in issues}) == len(issues)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_build_without_cache_makes_no_key_it_could_not_use_again(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    # --no-cache keeps nothing for the next build: the keys of the pages that list the
    # archive (every entry's mark) and of the issues (their files and entries) are not made.
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    marked: list[str] = []
    real = build_module._mark

    def marking(cache, entry):  # type: ignore[no-untyped-def]
        marked.append(entry.slug)
        return real(cache, entry)

    monkeypatch.setattr(build_module, "_mark", marking)
    keyed: list[str] = []
    real_file_key, real_key = BuildCache.file_key, BuildCache.key

    def file_key(self, path):  # type: ignore[no-untyped-def]
        keyed.append(Path(path).parent.name)
        return real_file_key(self, path)

    def key(self, *parts):  # type: ignore[no-untyped-def]
        keyed.append(str(parts[0]))
        return real_key(self, *parts)

    monkeypatch.setattr(BuildCache, "file_key", file_key)
    monkeypatch.setattr(BuildCache, "key", key)
    build(workspace, use_cache=False, jobs=jobs)
    assert marked == []
    assert not {"issues", "home", "feeds", "media", "issues-feed"} & set(keyed)
    build(workspace, jobs=jobs)  # a cache that is kept: they are what finds its records
    assert marked


def test_an_issue_saved_while_a_build_reads_it_is_rendered_again_by_the_next(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Its record is keyed by the bytes it was rendered from: saved again between the read
    # and the key, the rendering of the old text must not be filed under the new one's key.
    build(workspace)
    issue = workspace / "issues/1-strangers-and-varda.md"
    _edit(issue, 'subject: "All of Us', 'subject: "Second: All of Us')
    real = load_module.load_issue
    saved: list[bool] = []

    def loading(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        loaded = real(path, *args, **kwargs)
        if path.name == issue.name and not saved:
            saved.append(True)
            _edit(issue, 'subject: "Second: All of Us', 'subject: "Third: All of Us')
        return loaded

    monkeypatch.setattr(load_module, "load_issue", loading)
    build(workspace)
    assert saved
    monkeypatch.setattr(load_module, "load_issue", real)
    build(workspace)
    email = (workspace / f"site/issues/{issue.stem}/email.html").read_text(encoding="utf-8")
    assert "<title>Third: All of Us Strangers" in email
    # The pages that list the issues (their keys come from the same files) follow too.
    home = (workspace / "site/index.html").read_text(encoding="utf-8")
    assert "Third: All of Us Strangers" in home and "Second: All of Us" not in home


def test_issue_files_are_read_while_the_entries_render_and_again_if_changed(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    phase = ["entries"]
    parsed_after: list[str] = []
    real_split, real_load = sourcetext_module.split, build_module.load_workspace
    real_read = build_module.read_issues
    edited = workspace / "issues/1-strangers-and-varda.md"

    def splitting(text, path):  # type: ignore[no-untyped-def]
        if phase[0] == "after":
            parsed_after.append(str(path))
        return real_split(text, path)

    def loading(root, cache=None):  # type: ignore[no-untyped-def]
        phase[0] = "after"
        return real_load(root, cache)

    def reading(root, settings):  # type: ignore[no-untyped-def]
        found = real_read(root, settings)
        if edit:  # saved again after it was read ahead: its new text is what counts
            _edit(edited, 'subject: "All of Us', 'subject: "Still: All of Us')
        return found

    monkeypatch.setattr(sourcetext_module, "split", splitting)
    monkeypatch.setattr(build_module, "load_workspace", loading)
    monkeypatch.setattr(build_module, "read_issues", reading)
    edit = False
    build(workspace, use_cache=False, jobs=2)
    assert not [p for p in parsed_after if p.startswith("issues/")]
    edit, phase[0] = True, "entries"
    parsed_after.clear()
    _wipe_outputs(workspace)
    build(workspace, use_cache=False, jobs=2)
    assert [p for p in parsed_after if p.startswith("issues/")] == ["issues/" + edited.name]
    email = (workspace / f"site/issues/{edited.stem}/email.html").read_text(encoding="utf-8")
    assert "<title>Still: All of Us Strangers" in email


@pytest.mark.parametrize("use_cache", [True, False])
def test_a_first_build_reads_each_entry_for_its_key_only_where_it_is_rendered(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, use_cache: bool
) -> None:
    # With nothing cached every entry is missing: this process does not read and hash all
    # of them before the workers start (nor after: the worker hands back what it learnt).
    _age(workspace)
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    rendered = _count_renders(monkeypatch, slow=True)
    received = _count_received(monkeypatch)
    opened = _count_opens(monkeypatch)
    build(workspace, use_cache=use_cache, jobs=2)
    sources = {p.name for p in (workspace / "entries").glob("*.md")}
    assert rendered and received.count("entries") == len(sources) - len(rendered)
    keyed_here = sorted(name for name in opened if name in sources)
    assert keyed_here == sorted(f"{slug}.md" for slug in rendered)
    if use_cache:  # and what the worker keyed is remembered for the next build
        opened.clear()
        _wipe_outputs_only(workspace)
        build(workspace, jobs=1)
        assert not [name for name in opened if name in sources]


def test_what_workers_render_is_kept_for_the_next_build(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    build(workspace, jobs=2)
    _wipe_outputs_only(workspace)
    rendered = _count_renders(monkeypatch)
    build(workspace, jobs=1)
    assert rendered == []  # every entry, the workers' included, came from the cache
    assert (workspace / "site/index.html").is_file()


def test_workers_make_folders_and_bytes_ahead_and_a_failed_build_takes_them_back(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    build(workspace, use_cache=False, jobs=2)
    good = _outputs(workspace)
    _wipe_outputs_only(workspace)
    for folder in ("site", "feeds"):
        (workspace / folder).rmdir()
    # Entries render (and their pages are made ahead), then every issue fails.
    override = workspace / "templates/email/issue.mjml.j2"
    override.parent.mkdir(parents=True, exist_ok=True)
    override.write_text("{{ no_such_variable }}\n")
    made: list[str] = []
    real = build_module.prepare
    monkeypatch.setattr(
        build_module, "prepare", lambda root, out: made.extend(out) or real(root, out)
    )
    # The worker waits for this process's first entry: on a busy machine it could otherwise
    # take every run while this process imports what the issues need.
    real_render = build_module.render_entry

    def render(env, entry):  # type: ignore[no-untyped-def]
        _slowly(first="parent")
        return real_render(env, entry)

    monkeypatch.setattr(build_module, "render_entry", render)
    with pytest.raises(DopemailError):
        build(workspace, use_cache=False, jobs=2)
    assert made  # this process made its share ahead (the worker its own, unseen here)
    assert not (workspace / "site").exists() and not (workspace / "feeds").exists()
    override.unlink()
    build(workspace, use_cache=False, jobs=2)
    assert _outputs(workspace) == good


def test_a_check_makes_nothing_ahead(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    build(workspace, write=False, jobs=2)
    assert not (workspace / "site").exists()
    assert not (workspace / ".dopemail/blobs").exists()


def _wipe_outputs_only(root: Path) -> None:
    for folder in ("site", "feeds"):
        for path in sorted((root / folder).rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()


def test_worker_processes_report_the_same_problems(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _edit(workspace / "entries/quiet-hours.md", "title:", "titel:")
    _edit(workspace / "entries/varda-in-los-angeles.md", "\ntitle: ", "\ntitle: [unclosed ")
    problems = {}
    for jobs in (1, 2):
        monkeypatch.setattr(parallel, "MIN_ITEMS", 1 if jobs > 1 else 10_000)
        with pytest.raises(DopemailError) as caught:
            build(workspace, jobs=jobs)
        problems[jobs] = [str(e) for e in getattr(caught.value, "errors", [caught.value])]
        assert not (workspace / "site").exists()
    assert problems[1] == problems[2]
    assert any("quiet-hours.md" in p and "titel" in p for p in problems[2])
    assert any("varda-in-los-angeles.md" in p and "broken YAML" in p for p in problems[2])


def test_a_broken_template_is_reported_the_same_with_workers(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The build compiles every template ahead while its worker renders entries: a template
    # that does not compile is still reported where it is used, located, as without workers.
    broken = workspace / "templates/email/issue.txt.j2"
    broken.parent.mkdir(parents=True, exist_ok=True)
    broken.write_text("{{ issue.meta.subject }}\n{% if %}\n", encoding="utf-8")
    problems = {}
    for jobs in (1, 2):
        monkeypatch.setattr(parallel, "MIN_ITEMS", 1 if jobs > 1 else 10_000)
        with pytest.raises(DopemailError) as caught:
            build(workspace, use_cache=False, jobs=jobs)
        problems[jobs] = [str(e) for e in getattr(caught.value, "errors", [caught.value])]
    assert problems[1] == problems[2]
    assert any("templates/email/issue.txt.j2:2" in p for p in problems[2]), problems[2]


def test_feeds_and_home_are_reused_when_what_they_show_did_not_change(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = workspace / "dopemail.toml"
    _edit(config, "items = 50", "items = 1")
    build(workspace)
    made: list[str] = []
    for name in ("render_feeds", "listing_pages", "render_issues_feed"):
        real = getattr(build_module, name)

        def counting(*args, _real=real, _name=name):  # type: ignore[no-untyped-def]
            made.append(_name)
            return _real(*args)

        monkeypatch.setattr(build_module, name, counting)
    # This entry is in no feed (one item) and no issue, so the feeds stay; the home lists it.
    _edit(workspace / "entries/sunny-vallejo-park-low-tide.md", 'title: "', 'title: "Edited ')
    build(workspace)
    assert sorted(made) == ["listing_pages"]
    assert b"Edited " in (workspace / "site/index.html").read_bytes()
    assert b"Edited " in (workspace / "site/archive/2024/index.html").read_bytes()
    made.clear()
    build(workspace)
    assert made == []
    feed = feedparser.parse((workspace / "feeds/issues.xml").read_bytes())
    assert len(feed.entries) == 1  # the issues feed is capped like the others


def test_memory_keeps_a_long_running_process_from_reading_again(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    memory = Memory()
    build(workspace)
    _age(workspace)  # a file modified in the last two seconds is read again, whatever its stat

    def rebuild() -> Build:
        cache = BuildCache(workspace, memory=memory)
        result = render_workspace(load_workspace(workspace, cache), cache)
        cache.forget_unused()
        return result

    rebuild()
    reads: list[str] = []
    real_open, real_read = open, Path.read_bytes

    def note(path: object) -> None:
        where = Path(str(path)).resolve()
        reads.append(
            where.relative_to(workspace).as_posix() if where.is_relative_to(workspace) else ""
        )

    def counting_open(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        note(path)
        return real_open(path, *args, **kwargs)

    def counting_read(self: Path) -> bytes:
        note(self)
        return real_read(self)

    monkeypatch.setattr(cache_module, "open", counting_open, raising=False)
    monkeypatch.setattr(Path, "read_bytes", counting_read)
    rebuild()
    # Settings and templates are read to key them, and the issue files (a few, small) are
    # loaded again; no entry and no cache record is read again.
    assert reads and not [r for r in reads if r.startswith(("entries/", ".dopemail/"))]
    _edit(workspace / "entries/quiet-hours.md", "Quiet Hours", "Quiet Hours, remembered")
    reads.clear()
    result = rebuild()
    # Only the edited entry (hashed for its key, then loaded).
    assert {r for r in reads if r.startswith("entries/")} == {"entries/quiet-hours.md"}
    assert b"Quiet Hours, remembered" in result.outputs["site/quiet-hours/index.html"]


def test_a_new_build_reads_only_the_sources_changed_since_the_last(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _age(workspace)
    build(workspace)  # learns each settled source's key by its stat
    opened = _count_opens(monkeypatch)
    entry = workspace / "entries/quiet-hours.md"
    _edit(entry, "Quiet Hours", "Quiet Hourz")  # same size, a new modification time
    # Two files of the same size swapped, their times kept (mv, cp -p, rsync -t): the
    # inode and the change time tell.
    one, two = workspace / "issues/1-strangers-and-varda.md", workspace / "issues/2-x.md"
    swapped = two.with_name("swap")
    before = one.stat()
    one.rename(swapped)
    os.utime(swapped, ns=(before.st_atime_ns, before.st_mtime_ns))
    swapped.rename(one)
    _wipe_outputs_only(workspace)
    build(workspace)  # a new BuildCache and Memory: what a new process has
    sources = {p.name for p in (workspace / "entries").glob("*.md")}
    assert [name for name in opened if name in sources] == ["quiet-hours.md"]
    assert one.name in opened  # renamed away and back with its times: read again
    assert "Quiet Hourz" in (workspace / "site/quiet-hours/index.html").read_text()
    # Another context (a template, the settings, dopemail itself) trusts none of it.
    override = workspace / "templates/entry_item.html.j2"
    override.parent.mkdir(exist_ok=True)
    default = REPO / "src/dopemail/default_templates/entry_item.html.j2"
    override.write_text(default.read_text(encoding="utf-8") + "\n")
    opened.clear()
    build(workspace)
    assert {name for name in opened if name in sources} == sources


def _age(root: Path, seconds: float = 10.0) -> None:
    past = time.time() - seconds
    for path in root.rglob("*"):
        if path.is_file():
            os.utime(path, (past, past))


def test_a_just_modified_file_is_read_again_even_with_the_same_stat(workspace: Path) -> None:
    memory = Memory()
    entry = workspace / "entries/quiet-hours.md"
    os.utime(entry)  # saved just now
    cache = BuildCache(workspace, memory=memory)
    before = cache.file_key(entry)
    # Saved again within the same tick of a coarse clock: same size, same modification time;
    # only the bytes tell.
    rewrite_keeping_times(entry, entry.read_bytes().replace(b"Quiet Hours", b"Quiet Hourz", 1))
    assert BuildCache(workspace, memory=memory).file_key(entry) != before


def test_a_file_is_remembered_by_its_stat_once_settled_by_its_file_system_clock(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A share whose server runs 5 s behind: stamped 4 s ago by this machine's clock, the
    # file was saved a second ago and may be saved again within the same tick.
    monkeypatch.setattr(cache_module, "fs_now", lambda root: time.time_ns() - 5_000_000_000)
    entry = workspace / "entries/quiet-hours.md"
    saved = time.time_ns() - 4_000_000_000
    os.utime(entry, ns=(saved, saved))
    memory = Memory()
    BuildCache(workspace, memory=memory).file_key(entry)
    assert str(entry) not in memory.file_keys
    older = saved - 3_000_000_000
    os.utime(entry, ns=(older, older))
    BuildCache(workspace, memory=memory).file_key(entry)
    assert str(entry) in memory.file_keys


@pytest.mark.parametrize("template", ["issue_item.html.j2", "home.html.j2"])
def test_the_home_page_follows_any_field_of_an_issue(workspace: Path, template: str) -> None:
    # A template override may show what the default does not: the cache must not guess. The
    # archive's lines come from issue_item.html.j2; a home.html.j2 may loop over the issues.
    override = workspace / "templates" / template
    override.parent.mkdir(exist_ok=True)
    if template == "issue_item.html.j2":
        text = (REPO / "src/dopemail/default_templates" / template).read_text(encoding="utf-8")
        marker = "</a>"  # after the link that says the number and the subject
    else:
        text = (
            '{% extends "page.html.j2" %}{% block main %}'
            "{% for issue in issues %}<p>{{ issue.meta.subject }}</p>{% endfor %}"
            "{% endblock %}"
        )
        marker = "{{ issue.meta.subject }}"
    assert text.count(marker) == 1
    override.write_text(text.replace(marker, marker + " ({{ issue.meta.preheader }})"))
    build(workspace)
    issue = next((workspace / "issues").glob("1-*.md"))
    _edit(issue, 'preheader: "', 'preheader: "Changed. ')
    build(workspace)
    assert "(Changed. " in (workspace / "site/index.html").read_text(encoding="utf-8")


def test_outputs_are_readable_by_others_whatever_the_umask(workspace: Path) -> None:
    old = os.umask(0o077)
    try:
        build(workspace)
    finally:
        os.umask(old)
    for path in ("site/index.html", "feeds/rss.xml", "site/quiet-hours/index.html"):
        assert (workspace / path).stat().st_mode & 0o777 == 0o644, path


def test_a_damaged_cache_record_is_rendered_again(workspace: Path) -> None:
    build(workspace)
    expected = _outputs(workspace)
    records = sorted(p for p in (workspace / ".dopemail/cache/entries").rglob("*") if p.is_file())
    for record in records:
        data = bytearray(record.read_bytes())
        data[len(data) // 2] ^= 0x20  # one flipped bit, which unpickling alone may not notice
        record.write_bytes(bytes(data))
    for folder in ("site", "feeds"):
        for path in sorted((workspace / folder).rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
    build(workspace)
    assert _outputs(workspace) == expected


def _children(pid: int) -> list[int]:
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if f"\nPPid:\t{pid}\n" in text:
            found.append(int(status.parent.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_workers_end_with_a_killed_build(workspace: Path) -> None:
    source = (workspace / "entries/quiet-hours.md").read_text(encoding="utf-8")
    for n in range(400):  # enough uncached entries for the workers to be forked
        text = source.replace("title: ", f"slug: quiet-hours-copy-{n}\ntitle: ", 1)
        (workspace / f"entries/quiet-hours-copy-{n}.md").write_text(text, encoding="utf-8")
    build_process = subprocess.Popen(
        [sys.executable, "-m", "dopemail", "build", "--no-cache", "-j", "2", "--root", workspace],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not (workers := _children(build_process.pid)) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert workers, "the build forked no worker"
    finally:
        build_process.kill()
        build_process.wait()
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{w}").exists() for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [w for w in workers if Path(f"/proc/{w}").exists()]


def test_the_issues_feed_follows_the_entries_of_its_issues(workspace: Path) -> None:
    build(workspace)
    # Issue 1 gathers this entry in a section: its item in feeds/issues.xml shows the title.
    _edit(workspace / "entries/varda-in-los-angeles.md", "Varda in L.A.", "Varda in Los Angeles")
    build(workspace)
    assert "Varda in Los Angeles" in (workspace / "feeds/issues.xml").read_text(encoding="utf-8")


def test_the_issues_feed_follows_the_oldest_issue_it_still_holds(workspace: Path) -> None:
    # With '[feeds] items = 2' and three issues out, the feed holds issues 3 and 2: an edit
    # of issue 2, the last one it holds, must be in it as much as one of issue 3.
    _edit(workspace / "dopemail.toml", "items = 50", "items = 2")
    _edit(workspace / "issues/3-quiet-hours.md", "status: draft", "status: ready")
    build(workspace)
    feed = workspace / "feeds/issues.xml"
    titles = [e.title for e in feedparser.parse(feed.read_bytes()).entries]
    assert len(titles) == 2 and titles[1].startswith("No. 2: Summer: a Q&A"), titles
    _edit(workspace / "issues/2-summer-festivals.md", "Summer: a Q&A", "Summer: a talk")
    build(workspace)
    titles = [e.title for e in feedparser.parse(feed.read_bytes()).entries]
    assert titles[1].startswith("No. 2: Summer: a talk"), titles
    assert _outputs(workspace) == _from_scratch(workspace)


def test_the_preview_keeps_no_dead_environment_after_its_rebuilds(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each rebuild makes a Jinja environment, freed only by the cyclic collector; the preview
    # pauses the collector while building, so the tidy that follows must collect them before
    # it freezes the survivors (a frozen dead cycle is never freed).
    made: list[weakref.ref[jinja2.Environment]] = []
    real = build_module.make_environment

    def tracking(root, **options):  # type: ignore[no-untyped-def]
        env = real(root, **options)
        made.append(weakref.ref(env))
        return env

    monkeypatch.setattr(build_module, "make_environment", tracking)
    monkeypatch.setattr(state_module, "TIDY_SECONDS", 0.01)
    preview = state_module.PreviewState(workspace)
    entry = workspace / "entries/quiet-hours.md"
    try:
        for n in range(5):
            _edit(entry, "Quiet Hours", f"Quiet Hours {n}")
            preview.rebuild([str(entry)])
            time.sleep(0.2)  # the tidy has run
        assert len(made) >= 5
        assert sum(ref() is not None for ref in made) <= 1  # at most the last build's
    finally:
        gc.unfreeze()
        gc.enable()


def test_a_workspace_moved_keeps_its_cache(
    workspace: Path, tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The cache's key held the workspace's absolute path, and each entry's pictures' stamp
    # their absolute paths: a workspace renamed or moved rendered everything again (90 s
    # at 10,000 entries).
    assert run_cli("build", "--root", workspace)[0] == 0
    moved = tmp_path / "elsewhere" / "renamed"
    moved.parent.mkdir()
    workspace.rename(moved)
    rendered = _count_renders(monkeypatch)
    code, output = run_cli("build", "--root", moved)
    assert code == 0 and "(0 written, " in output, output
    assert rendered == []
    # What is keyed is still seen: a picture replaced there renders its entry again.
    picture = moved / "media/all-of-us-strangers/02.jpg"
    picture.write_bytes(turned_jpeg(picture.read_bytes()))
    assert run_cli("build", "--root", moved)[0] == 0
    assert rendered == ["all-of-us-strangers"]


def test_a_copy_of_the_workspace_renders_nothing_again(
    workspace: Path, tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A fresh clone in CI with .dopemail/ kept from the last run (or any copy): every file
    # is a new one, with new times and inodes, holding the same bytes. The pictures were
    # known by their stat alone: every entry with pictures, and every issue gathering one,
    # was rendered again (5.6 s instead of 0.9 s at 1,000 entries).
    assert run_cli("build", "--root", workspace)[0] == 0
    copy = tmp_path / "clone"
    shutil.copytree(workspace, copy, ignore=shutil.ignore_patterns("site", "feeds"))
    rendered = _count_renders(monkeypatch)
    issues: list[str] = []
    real_issue = build_module.render_issue
    monkeypatch.setattr(
        build_module,
        "render_issue",
        lambda env, issue, *rest: issues.append(issue.path) or real_issue(env, issue, *rest),
    )
    code, output = run_cli("build", "--root", copy)
    assert code == 0 and rendered == [] and issues == [], output
    assert _outputs(copy) == _outputs(workspace)
    # A picture whose bytes changed is still seen, whatever its stat says.
    picture = copy / "media/all-of-us-strangers/02.jpg"
    rewrite_keeping_times(picture, turned_jpeg(picture.read_bytes()))
    assert run_cli("build", "--root", copy)[0] == 0
    assert rendered == ["all-of-us-strangers"]


def test_a_picture_is_read_again_only_when_its_stat_changed(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Its bytes' hash is kept by its stat in file-keys.json, as a source file's: a build in a
    # new process reads no picture that did not change.
    build(workspace)
    entry = workspace / "entries/quiet-hours.md"
    entry.write_text(entry.read_text("utf-8").replace("funny", "droll", 1), "utf-8")
    monkeypatch.setattr(cache_module, "_PICTURE_KEYS", {})  # as a new process has it
    opened = _count_opens(monkeypatch)
    build(workspace)
    assert "quiet-hours.md" in opened
    assert not [name for name in opened if name.endswith((".jpg", ".png", ".svg"))], opened
    lead = workspace / "media/all-of-us-strangers/01.jpg"
    lead.write_bytes(lead.read_bytes())  # the same bytes, another stat: read, nothing renders
    rendered = _count_renders(monkeypatch)
    build(workspace)
    assert "01.jpg" in opened and rendered == []


def test_a_picture_saved_while_the_build_reads_it_is_rendered_again_next_time(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Measured (its width and height) before it was saved again, hashed after: the record
    # vouched for the new bytes with the old size, and no later build rendered it again.
    build(workspace)
    lead = workspace / "media/all-of-us-strangers/01.jpg"
    other = (workspace / "media/all-of-us-strangers/02.jpg").read_bytes()
    lead.write_bytes(lead.read_bytes())  # the same bytes, a new stat: hashed this build
    entry = workspace / "entries/all-of-us-strangers.md"
    entry.write_text(entry.read_text("utf-8") + "\nOne more line.\n", "utf-8")  # rendered
    real = build_module.media_stamp

    def saved_meanwhile(root, sources):  # type: ignore[no-untyped-def]
        if any(s.endswith("/01.jpg") for s in sources) and lead.read_bytes() != other:
            lead.write_bytes(other)
        return real(root, sources)

    monkeypatch.setattr(build_module, "media_stamp", saved_meanwhile)
    build(workspace)
    monkeypatch.setattr(build_module, "media_stamp", real)
    page = workspace / "site/all-of-us-strangers/index.html"
    build(workspace)
    # 02.jpg's size (01.jpg's was 1200 by 800).
    assert re.search(r'01\.jpg"[^>]*width="1200" height="675"', page.read_text("utf-8"))


def test_a_picture_gone_while_the_build_reads_it_is_told_next_time(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, run_cli
) -> None:
    # Gone between its entry's loading and its hashing: stamped as a picture missing, which
    # it then was at every check, and the record stood; the entry's line was never told.
    build(workspace)
    lead = workspace / "media/all-of-us-strangers/01.jpg"
    lead.write_bytes(lead.read_bytes())
    entry = workspace / "entries/all-of-us-strangers.md"
    entry.write_text(entry.read_text("utf-8") + "\nOne more line.\n", "utf-8")  # rendered
    real = build_module.media_stamp

    def gone_meanwhile(root, sources):  # type: ignore[no-untyped-def]
        if any(s.endswith("/01.jpg") for s in sources):
            lead.unlink(missing_ok=True)
        return real(root, sources)

    monkeypatch.setattr(build_module, "media_stamp", gone_meanwhile)
    with contextlib.suppress(DopemailError, OSError):
        build(workspace)
    monkeypatch.setattr(build_module, "media_stamp", real)
    code, output = run_cli("check", "--root", workspace)
    assert code == 1 and "entries/all-of-us-strangers.md:" in output, output
    assert "01.jpg' does not exist" in output, output


def test_a_template_edited_reads_no_picture_again(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A picture's key is the hash of its bytes, whatever renders them: kept across a new
    # context (a template, the settings, dopemail upgraded), or every picture was read again.
    build(workspace)
    config_file = workspace / "dopemail.toml"
    config_file.write_text(config_file.read_text("utf-8") + "\n# a comment\n", "utf-8")
    monkeypatch.setattr(cache_module, "_PICTURE_KEYS", {})  # as a new process has it
    opened = _count_opens(monkeypatch)
    rendered = _count_renders(monkeypatch)
    build(workspace)
    assert rendered  # everything rendered again, under the new settings
    assert not [name for name in opened if name.endswith((".jpg", ".png"))], opened


def test_a_picture_a_worker_hashed_is_not_read_again_by_the_build(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The worker that rendered an entry hashed its pictures; the process that gathers the
    # records read and hashed them all again, to check each record's stamp.
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    pictures_here: set[str] = set()  # of the entries this process renders (its share)
    real = build_module.render_entry

    def noting(env, entry):  # type: ignore[no-untyped-def]
        if os.getpid() == _TEST_PROCESS:
            pictures_here.update(Path(p).name for p in entry.pictures)
        _slowly()
        return real(env, entry)

    monkeypatch.setattr(build_module, "render_entry", noting)
    opened = _count_opens(monkeypatch)
    build(workspace, jobs=2)
    # (Not the logo, which no entry shows: this process keys the feeds by its bytes.)
    logo = Path(load_workspace(workspace).settings.publication.logo).name
    read = [name for name in opened if name.endswith((".jpg", ".png")) and name != logo]
    all_pictures = {p.name for p in (workspace / "media").rglob("*.jpg")}
    assert pictures_here != all_pictures and set(read) <= pictures_here, (pictures_here, read)


def test_an_edit_that_changes_no_list_line_renders_no_page_that_lists_the_archive(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The home page and the archive's pages were rendered again after any edit of any entry
    # (120 ms of a build at 10,000 entries): they show each entry's list line, and its year.
    build(workspace)
    listed: list[int] = []
    real = build_module.listing_pages

    def counting(env, settings, items, *args, **kwargs):  # type: ignore[no-untyped-def]
        listed.append(len(items))
        return real(env, settings, items, *args, **kwargs)

    monkeypatch.setattr(build_module, "listing_pages", counting)
    entry = workspace / "entries/quiet-hours.md"
    entry.write_text(entry.read_text("utf-8") + "\nA last paragraph, past the summary.\n")
    build(workspace)
    assert listed == []
    _edit(entry, "title: Quiet Hours", "title: Quiet Hours, Again")
    build(workspace)
    assert len(listed) == 1
    assert "Quiet Hours, Again" in (workspace / "site/index.html").read_text("utf-8")
    # A template of the workspace's own may show any field: rendered again at every edit.
    own = workspace / "templates/archive.html.j2"
    own.parent.mkdir(exist_ok=True)
    own.write_text(
        (REPO / "src/dopemail/default_templates/archive.html.j2").read_text("utf-8"), "utf-8"
    )
    build(workspace)
    entry.write_text(entry.read_text("utf-8") + "\nAnother paragraph.\n")
    build(workspace)
    assert len(listed) == 3
    expected = _outputs(workspace)
    shutil.rmtree(workspace / ".dopemail")
    build(workspace, use_cache=False)
    assert _outputs(workspace) == expected


def test_a_preview_s_failed_builds_leave_no_records_behind(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An issue too large for an email failed every rebuild, and each kept in memory what it
    # had rendered, under the issue's new key: 35 MB a save for an issue of 300 films.
    config = workspace / "dopemail.toml"
    config.write_text(config.read_text(encoding="utf-8") + "\n[newsletter]\nmax_bytes = 20_000\n")
    monkeypatch.setattr(state_module, "TIDY_SECONDS", 0.01)
    preview = state_module.PreviewState(workspace)
    entry = workspace / "entries/quiet-hours.md"
    counts = []
    try:
        for n in range(4):
            _edit(entry, "Quiet Hours" if n == 0 else f"Quiet Hours {n - 1}", f"Quiet Hours {n}")
            snapshot = preview.rebuild([str(entry)])
            assert snapshot.problems and "max_bytes" in snapshot.problems[0].message
            counts.append(sum(f"{os.sep}issues{os.sep}" in p for p in preview._memory.records))
        time.sleep(0.2)  # the tidy has run (its timer would fire in a later test)
    finally:
        gc.unfreeze()
        gc.enable()
    assert counts[-1] == counts[0] == len(list((workspace / "issues").glob("*.md"))), counts


def test_the_settings_are_validated_once_per_version_of_the_file(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dopemail import config

    build(workspace)
    validated: list[int] = []
    real = config.Settings.model_validate

    def counting(data, *args, **kwargs):  # type: ignore[no-untyped-def]
        validated.append(1)
        return real(data, *args, **kwargs)

    monkeypatch.setattr(config.Settings, "model_validate", counting)
    _wipe_outputs_only(workspace)
    build(workspace)  # a new cache, read from disk: the settings come from it
    assert validated == []
    _edit(workspace / "dopemail.toml", "items = 50", "items = 49")
    build(workspace)
    assert validated == [1]
    _edit(workspace / "dopemail.toml", "items = 49", "items = 0")
    with pytest.raises(DopemailError, match="items"):
        build(workspace)  # and a mistake in it is reported as ever


def test_the_collector_waits_until_the_saves_stop(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Its first pass after a large build takes most of a second, during which a save waits:
    # it runs once the editor has stopped saving, not after each save.
    collected: list[int] = []
    real = gc.collect
    monkeypatch.setattr(state_module.gc, "collect", lambda *a: collected.append(1) or real(*a))
    monkeypatch.setattr(state_module, "TIDY_SECONDS", 0.6)
    preview = state_module.PreviewState(workspace)
    entry = workspace / "entries/quiet-hours.md"
    try:
        preview.rebuild()
        for n in range(4):
            _edit(entry, "Quiet Hours", f"Quiet Hours {n}")
            preview.rebuild(["entries/quiet-hours.md"])
            time.sleep(0.05)
        assert collected == []
        time.sleep(1.5)
        assert collected == [1]
        # A timer that fired while a rebuild ran finds it has run: it leaves the collection
        # to that rebuild's own timer...
        late = preview._collector.builds
        preview.rebuild(["entries/quiet-hours.md"])
        preview._collector._run(late)
        assert collected == [1]
        # ...unless the last collection is too long ago (saves that never stop).
        monkeypatch.setattr(state_module, "TIDY_AT_LEAST_EVERY", 0.0)
        preview._collector._run(late)
        assert collected == [1, 1]
    finally:
        gc.enable()


def test_a_warm_build_imports_no_validator_measurer_or_process_pool(workspace: Path) -> None:
    # What a build with everything cached does not use, it does not import (each costs
    # 10-30 ms of start-up): the settings come from the cache, no picture is measured and
    # nothing is forked.
    build(workspace)
    script = (
        "import sys, pathlib\n"
        "from dopemail.build import build\n"
        f"build(pathlib.Path({str(workspace)!r}), jobs=2)\n"
        "print(sorted(m for m in ('email_validator', 'imagesize', 'multiprocessing',"
        " 'concurrent.futures') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_a_throwaway_cache_will_not_take_a_memory_from_another_build(workspace: Path) -> None:
    # Its records are named for one build only (an issue's by its file's name).
    used = Memory()
    BuildCache(workspace, memory=used, keep=False).put("issues", "k", ("strings",))
    with pytest.raises(ValueError, match="memory of its own"):
        BuildCache(workspace, memory=used, keep=False)
    BuildCache(workspace, memory=used)  # a kept cache names its records by their inputs


def test_issues_read_ahead_are_taken_only_with_the_same_settings(workspace: Path) -> None:
    # Read ahead while the entries render, an issue's dates were read in the publication's
    # zone of that moment: with other settings it is read again.
    from dopemail.config import load_settings
    from dopemail.issuefiles import read_issues

    settings = load_settings(workspace)
    rel = "issues/1-strangers-and-varda.md"
    text, doc, meta = read_issues(workspace, settings)[rel]
    marked = {rel: (text, doc, meta.model_copy(update={"subject": "Read ahead"}))}

    def subject(ahead_settings: object) -> str:
        cache = BuildCache(workspace, memory=Memory(), keep=False)
        cache.issues_read = (ahead_settings, marked)
        issues = load_workspace(workspace, cache).issues
        return next(i for i in issues if i.path == rel).meta.subject

    assert subject(settings) == "Read ahead"  # the same settings and text: taken as read
    assert subject(settings.model_copy(update={"feeds": None})) != "Read ahead"


def test_a_cached_entry_is_read_back_whole_and_its_fields_only_when_asked(
    workspace: Path,
) -> None:
    build(workspace)
    fresh = {e.slug: e for e in load_workspace(workspace).entries}
    # Read back from the cache: slug, date and draft flag are there without the fields.
    cached = load_workspace(workspace, BuildCache(workspace, memory=Memory())).entries
    assert [e.slug for e in cached] == sorted(fresh, key=lambda s: fresh[s].sort_key)[::-1]
    assert any(e.draft for e in cached) and not all(e.draft for e in cached)
    for entry in cached:
        before = fresh[entry.slug]
        assert entry.draft == before.meta.draft
        assert entry.published == before.meta.published
        assert entry.sort_key == before.sort_key
    assert all("meta" not in vars(e) for e in cached), "fields unpickled before use"
    # Asked for, they are the very fields loaded from the file; pickled again before or
    # after that, the entry comes back equal.
    for entry in cached:
        again = pickle.loads(pickle.dumps(entry))
        assert entry.meta == fresh[entry.slug].meta
        assert entry == fresh[entry.slug] == again == pickle.loads(pickle.dumps(entry))
        assert again.meta.title == fresh[entry.slug].meta.title
    with pytest.raises(AttributeError):
        cached[0].no_such_field  # noqa: B018 - the lookup is the test


def test_an_entry_read_by_another_thread_meanwhile_has_its_fields(workspace: Path) -> None:
    # Two threads (the preview's) ask a cached entry for its fields at once: one misses
    # them, then the other reads and sets them before the first looks for where they are.
    build(workspace)
    cached = load_workspace(workspace, BuildCache(workspace, memory=Memory())).entries[0]
    lazy = vars(cached)["_lazy"]
    lazy.fill()  # the other thread's work
    assert "_lazy" not in vars(cached)
    meta = vars(cached)["meta"]
    vars(cached)["_lazy"] = lazy  # as the first thread found it, before the other's fill
    assert type(cached).__getattr__(cached, "meta") is meta


def test_a_warm_build_unpickles_no_entry_fields(workspace: Path) -> None:
    # Every page, feed and issue is in the cache: nothing the build does needs more of an
    # entry than its slug, date and draft flag (70 µs an entry to unpickle the rest).
    build(workspace)
    for folder in ("site", "feeds"):
        shutil.rmtree(workspace / folder)
    result, _ = build(workspace)
    assert (workspace / "feeds/rss.xml").is_file()
    # Nor does what build says after it (warnings of dates, showtimes, links).
    _warn_of(result)
    entries = result.workspace.entries
    assert entries and all("meta" not in vars(e) for e in entries)
    assert all("meta" not in vars(e) for i in result.workspace.issues for e in i.all_entries)
    # Nor their texts or pages: each page is linked again to its kept bytes, known by hash;
    # nor the issues' emails, text parts and web pages.
    assert all("_lazy" in vars(e) for e in entries), "an entry's body was read"
    assert all("body_html" not in vars(r) for r in result.entries)
    assert result.issues and all("_lazy" in vars(i) for i in result.issues), "an issue's too"


@pytest.mark.parametrize("how", ["edited", "deleted"])
def test_an_entry_changed_between_its_head_and_body_being_read_is_built_as_it_is_now(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    # Its record's body gone (removed, damaged) when its page is needed, and its file
    # edited or deleted since its head was read: rendered again, it no longer makes what the
    # head says (its page's hash, its list line). Spliced in, the page's bytes and hash
    # disagreed; a deleted file raised a bare FileNotFoundError. Now the record goes and the
    # build is made again from the files as they are.
    build(workspace)
    _wipe_outputs_only(workspace)
    shutil.rmtree(workspace / write_module.BLOBS)  # every page is read from its body
    entry = workspace / "entries/sunny-vallejo-park-low-tide.md"  # in no issue
    real = cache_module.EntryRecord.fill
    done: list[str] = []

    def meanwhile(record) -> None:  # type: ignore[no-untyped-def]
        body = record._body
        if not done and body is not None and record.entry.path.endswith(entry.name):
            done.append(how)
            Path(body.where).unlink()  # its body gone...
            if how == "edited":  # ... and its file saved meanwhile
                entry.write_text(entry.read_text() + "\nA late paragraph.\n")
            else:
                entry.unlink()
        real(record)

    monkeypatch.setattr(cache_module.EntryRecord, "fill", meanwhile)
    result, _ = build(workspace)
    assert done == [how]
    built = _outputs(workspace)
    monkeypatch.undo()
    assert built == _from_scratch(workspace)  # the files as they are now
    page = built.get("sunny-vallejo-park-low-tide/index.html")
    assert (page is not None and b"A late paragraph." in page) == (how == "edited")


def test_a_check_that_meets_a_damaged_record_removes_nothing(workspace: Path, run_cli) -> None:
    # dopemail check writes nothing (it may run on a read-only checkout): a body it finds
    # damaged is rendered again for it, and left for the next build to remove.
    build(workspace)
    records = sorted(p for p in (workspace / ".dopemail/cache").rglob("*") if p.is_file())
    bodies = [p for p in records if p.parent.parent.name in ("entries", "issues")]
    for record in bodies:
        data = bytearray(record.read_bytes())
        data[-3] ^= 0x20  # in the body, after an intact head
        record.write_bytes(bytes(data))
    # The feeds made again (an entry in them edited): the others' bodies are read.
    _edit(workspace / "entries/quiet-hours.md", "Quiet Hours", "Quiet Hours (edited)")
    code, output = run_cli("check", "--root", workspace)
    assert code == 0, output
    assert all(p.exists() for p in bodies), "check removed a record"
    code, output = run_cli("build", "--root", workspace)  # a build does
    assert code == 0, output
    assert not all(p.exists() for p in bodies)


def test_a_stale_record_among_other_problems_still_builds_again(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Met while rendering the issues, beside another issue's problem: it was reported with
    # it ("build again"), where alone it made the build start over by itself.
    build(workspace)
    real = build_module._render_issue
    calls: list[str] = []

    def first_time(env, issue, *args):  # type: ignore[no-untyped-def]
        calls.append(issue.path)
        if len(calls) == 1:
            raise DopemailError("a problem the retry does not have", issue.path)
        if len(calls) == 2:
            raise cache_module.StaleRecord("an entry changed", issue.path, None, "build again")
        return real(env, issue, *args)

    monkeypatch.setattr(build_module, "_render_issue", first_time)
    result, _ = build(workspace)
    assert len(calls) > len(result.issues)  # once, then again


def test_a_long_running_process_keeps_no_build_s_cache_through_its_records(
    workspace: Path,
) -> None:
    # The preview keeps records from build to build; each record's body knows how to render
    # its entry again, but must not keep the cache (its workspace, its templates) of the
    # build that read it.
    build(workspace)
    memory = Memory()
    caches = []
    for _ in range(3):
        cache = BuildCache(workspace, memory=memory, writes=False)
        render_workspace(load_workspace(workspace, cache), cache)
        caches.append(weakref.ref(cache))
        del cache
    gc.collect()
    assert [c() is None for c in caches] == [True, True, True]
    # And a page it serves later, whose body is gone by then (.dopemail/ deleted, which is
    # always safe), is rendered again by the latest build's templates.
    records = [r for r in memory.records.values() if isinstance(r, cache_module.EntryRecord)]
    unread = [r for r in records if r._body is not None and r.digest is not None]
    assert unread
    shutil.rmtree(workspace / ".dopemail")
    for record in unread:
        page = record.page
        assert page is not None and hashlib.sha256(page).hexdigest() == record.digest


def test_an_issue_whose_record_body_is_damaged_is_rendered_again(workspace: Path) -> None:
    # Its head read (its verdict, its line, its files' hashes), its body found damaged when
    # its files must be written: the issue is rendered again, and its record removed.
    build(workspace)
    expected = _outputs(workspace)
    folder = workspace / ".dopemail/cache/issues"
    records = sorted(p for p in folder.rglob("*") if p.is_file())
    assert records
    for record in records:
        data = bytearray(record.read_bytes())
        data[-3] ^= 0x20  # in the body's last bytes, after an intact head
        record.write_bytes(bytes(data))
    _wipe_outputs_only(workspace)
    shutil.rmtree(workspace / write_module.BLOBS)
    build(workspace)
    assert _outputs(workspace) == expected
    assert not [p for p in records if p.exists()], "a damaged record was kept"
    build(workspace)  # rendered, and kept again
    assert sum(1 for p in folder.rglob("*") if p.is_file()) == len(records)


def _entry_bodies_read(result: Build) -> list[str]:
    return sorted(r.entry.slug for r in result.entries if "_lazy" not in vars(r.entry))


def test_a_build_after_one_edit_reads_the_bodies_of_what_it_renders_only(
    workspace: Path,
) -> None:
    # The entries a build does not render (nor a feed or an issue that shows them) are read
    # from the cache as their heads: slug, dates, pictures, list line, links, page's hash.
    # Their pages, texts and fields stay in the cache, however many thousands there are.
    _edit(workspace / "dopemail.toml", "items = 50", "items = 1")  # the feeds: quiet-hours
    build(workspace)
    entry = workspace / "entries/sunny-vallejo-park-low-tide.md"  # in no issue nor feed
    entry.write_text(entry.read_text() + "\nA sentence [added](../quiet-hours/) at the end.\n")
    result, report = build(workspace)
    assert report is not None
    assert "site/sunny-vallejo-park-low-tide/index.html" in report.written
    assert "site/quiet-hours/index.html" not in report.written
    _warn_of(result)  # what build says after it (its links, dates) reads none either
    assert _entry_bodies_read(result) == ["sunny-vallejo-park-low-tide"]
    assert [i.issue.key for i in result.issues if "_lazy" not in vars(i)] == []
    # And the outputs are those of a build from scratch.
    built = _outputs(workspace)
    assert "A sentence" in built["sunny-vallejo-park-low-tide/index.html"].decode()
    assert _from_scratch(workspace) == built


def test_pages_whose_kept_bytes_are_gone_are_read_from_the_cache(workspace: Path) -> None:
    # site/ deleted and .dopemail/blobs/ too: the pages are no longer anywhere but in the
    # entries' records, whose bodies are read then.
    build(workspace)
    expected = _outputs(workspace)
    _wipe_outputs_only(workspace)
    shutil.rmtree(workspace / write_module.BLOBS)
    result, _ = build(workspace)
    assert _outputs(workspace) == expected
    published = sorted(e.slug for e in result.workspace.entries if not e.draft)
    assert [s for s in _entry_bodies_read(result) if s in published] == published


def test_an_entry_whose_record_body_is_damaged_is_rendered_again(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Its head read, its body found damaged when its page is needed: the entry is rendered
    # again from its file, and its record removed (the next build stores it anew).
    build(workspace)
    expected = _outputs(workspace)
    folder = workspace / ".dopemail/cache/entries"
    records = sorted(p for p in folder.rglob("*") if p.is_file())
    for record in records:
        data = bytearray(record.read_bytes())
        data[-3] ^= 0x20  # in the body's last bytes (its page's), after an intact head
        record.write_bytes(bytes(data))
    _wipe_outputs_only(workspace)
    shutil.rmtree(workspace / write_module.BLOBS)
    rendered = _count_renders(monkeypatch)
    result, _ = build(workspace)
    assert _outputs(workspace) == expected
    published = sorted(e.slug for e in result.workspace.entries if not e.draft)
    assert sorted(rendered) == published  # each rendered again, when its page was asked for
    # (A draft's body is never asked for by a build: it has no page.)
    drafts = [e for e in result.workspace.entries if e.draft]
    assert len([p for p in records if p.exists()]) == len(drafts) == 1
    rendered.clear()
    build(workspace)
    assert sorted(rendered) == published  # its record was gone: rendered, and kept again
    assert sum(1 for p in folder.rglob("*") if p.is_file()) == len(records)


_BUILT_ON_IMPORT = """
from pydantic import BaseModel
from dopemail import config, models
found = [v for m in (config, models) for v in vars(m).values()
         if isinstance(v, type) and issubclass(v, BaseModel) and v.__module__ == m.__name__]
assert len(found) > 20, found
print([m.__name__ for m in found if m.__pydantic_complete__])
"""


def test_importing_the_models_builds_no_validator_and_defaults_are_as_validated() -> None:
    # A model's validator is built on its first use (25 ms at import for the settings' eight
    # defaults): a warm build, which validates no settings, never builds them.
    done = subprocess.run(
        [sys.executable, "-c", _BUILT_ON_IMPORT], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    from dopemail import config

    # Every default section, at any depth, is what validating an empty section gives.
    sections = [("Settings", config.Settings)]
    while sections:
        where, model = sections.pop()
        for name, info in model.model_fields.items():
            if isinstance(info.default, config.Model):
                kind = type(info.default)
                assert info.default == kind.model_validate({}), f"{where}.{name}"
                assert info.default.model_dump() == kind.model_validate({}).model_dump()
                sections.append((f"{where}.{name}", kind))


def test_the_files_keys_are_saved_when_they_change_and_only_then(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _age(workspace)
    build(workspace)
    saved = workspace / ".dopemail/cache" / cache_module.FILE_KEYS
    before = saved.stat()
    _wipe_outputs_only(workspace)
    build(workspace)
    assert saved.stat().st_ino == before.st_ino, "rewritten with nothing new to say"
    entry = workspace / "entries/quiet-hours.md"
    _edit(entry, "Quiet Hours", "Quiet Hourz")
    _age(workspace / "entries")  # settled: its new key is remembered
    build(workspace)
    opened = _count_opens(monkeypatch)
    _wipe_outputs_only(workspace)
    build(workspace)
    assert entry.name not in opened, "its key was learnt, but not saved for the next build"


def test_a_build_with_nothing_to_do_says_the_last_build_s_warnings_again(
    workspace: Path, run_cli
) -> None:
    # It said "nothing changed" alone: the warning of the build before was gone, as if the
    # second build had found it fixed.
    entry = workspace / "entries/letter-from-paris-plein-air.md"
    entry.write_text(entry.read_text("utf-8").replace("country: France", "country: Frnace", 1))
    code, first = run_cli("build", "--root", workspace)
    assert code == 0 and "warning: entries/letter-from-paris-plein-air.md:" in first, first
    warning = next(line for line in first.split("\n") if "Frnace" in line)
    code, again = run_cli("build", "--root", workspace)
    assert code == 0 and again.startswith(warning + "\n"), again
    assert "nothing changed: " in again and "with the last build's warnings above" in again
    # A warning the clock makes false (a date ahead of now) is not said again: it may no
    # longer hold when the next build comes.
    later = workspace / "entries/quiet-hours.md"
    text = later.read_text("utf-8")
    later.write_text(re.sub(r"(?m)^published: .*$", "published: 2099-01-01", text, count=1))
    code, output = run_cli("build", "--root", workspace)
    assert "'published' is 2099-01-01, in the future" in output, output
    code, again = run_cli("build", "--root", workspace)
    assert again.startswith(warning + "\n") and "2099" not in again, again
    later.write_text(text, encoding="utf-8")
    # Fixed, the next build has none to say again.
    entry.write_text(entry.read_text("utf-8").replace("country: Frnace", "country: France", 1))
    run_cli("build", "--root", workspace)
    code, last = run_cli("build", "--root", workspace)
    assert last.startswith("nothing changed: ") and "warning" not in last, last


class _Listing:
    """A folder's listing as os.scandir gives it: an iterator, and a context manager."""

    def __init__(self, items: list[os.DirEntry[str]]) -> None:
        self._items = iter(items)

    def __iter__(self) -> _Listing:
        return self

    def __next__(self) -> os.DirEntry[str]:
        return next(self._items)

    def __enter__(self) -> _Listing:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def close(self) -> None:
        return None


def test_an_editors_file_gone_while_the_no_op_check_lists_it_is_no_error(
    workspace: Path, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    # vim makes and removes 'x.md~' and '4913' as it saves: one listed by the check and
    # gone at its stat failed the build with "entries/4913: No such file or directory".
    code, _ = run_cli("build", "--root", workspace)
    assert code == 0
    real = os.scandir

    def listing_then_gone(path):  # the probe file listed, then removed before its stat
        probe = Path(path) / "4913"
        if Path(path).name != "entries":
            return real(path)
        probe.write_text("")
        with real(path) as listing:
            found = list(listing)
        probe.unlink()
        return _Listing(found)

    monkeypatch.setattr(fingerprint.os, "scandir", listing_then_gone)
    stamp = fingerprint.inputs_stamp(workspace)
    code, output = run_cli("build", "--root", workspace)
    assert code == 0 and output.startswith(("built ", "nothing changed")), output
    assert fingerprint.inputs_stamp(workspace) == stamp  # the same listing, the same stamp


def test_a_named_pipe_just_made_among_the_inputs_does_not_hang_the_build(workspace: Path) -> None:
    # The no-op check hashes the bytes of inputs saved within the last seconds: it opened a
    # FIFO made a moment before (mkfifo media/x.jpg) and waited for a writer, for ever.
    from conftest import run_process

    os.mkfifo(workspace / "media/pipe.jpg")
    done = run_process("build", "--root", workspace)  # a timeout if it hangs
    assert done.returncode == 0 and done.stdout.startswith("built "), done.stdout + done.stderr
    assert fingerprint._bytes_hash(str(workspace / "media/pipe.jpg")) is None


def test_pruning_leaves_another_running_process_s_record_being_written(workspace: Path) -> None:
    # A build pruned the cache of every file it did not use: a record the preview was
    # writing (<key>.<pid>.tmp) went, and the preview's rename failed, told as a bug.
    build(workspace)
    folder = workspace / ".dopemail/cache/entries/zz"
    folder.mkdir(parents=True)
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        writing = folder / f"{'z' * 64}.{alive.pid}.tmp"
        writing.write_bytes(b"half a record")
        ended = [sys.executable, "-c", "import os; print(os.getpid())"]
        gone = subprocess.run(ended, text=True, capture_output=True, check=True).stdout.strip()
        left = folder / f"{'y' * 64}.{gone}.tmp"
        left.write_bytes(b"a killed process's")
        build(workspace)  # nothing changed, but it prunes
        _edit(workspace / "entries/quiet-hours.md", "Quiet Hours", "Quiet Hours II")
        build(workspace)
        assert writing.exists() and not left.exists()
    finally:
        alive.kill()
        alive.wait()


def test_a_live_process_s_old_temporary_file_is_pruned_all_the_same(workspace: Path) -> None:
    # A process id is taken again in time (pid 1, a container's): a leftover named by one
    # that lives was kept for ever.
    build(workspace)
    left = workspace / ".dopemail/cache" / "orphan.1.tmp"
    left.write_bytes(b"left")
    an_hour_ago = time.time() - 3600
    os.utime(left, (an_hour_ago, an_hour_ago))
    _edit(workspace / "entries/quiet-hours.md", "Quiet Hours", "Quiet Hours II")
    build(workspace)
    assert not left.exists()


def test_issue_files_are_parsed_again_only_when_they_change(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Read and validated, an issue file is kept under its key, as an entry is: a thousand
    # issues parsed at every build cost a third of a second.
    parsed: list[str] = []
    real_split = sourcetext_module.split

    def splitting(text, path):  # type: ignore[no-untyped-def]
        parsed.append(str(path))
        return real_split(text, path)

    monkeypatch.setattr(sourcetext_module, "split", splitting)
    build(workspace)
    issues = sorted(p for p in parsed if p.startswith("issues/"))
    assert len(issues) == 3
    edited = workspace / "issues/1-strangers-and-varda.md"
    _edit(edited, 'subject: "All of Us', 'subject: "Again: All of Us')
    parsed.clear()
    _wipe_outputs_only(workspace)
    build(workspace)
    assert [p for p in parsed if p.startswith("issues/")] == ["issues/" + edited.name]
    parsed.clear()
    _wipe_outputs_only(workspace)
    build(workspace)
    assert not [p for p in parsed if p.startswith("issues/")]
    cached = _outputs(workspace)
    assert "Again: All of Us" in cached[f"issues/{edited.stem}/email.html"].decode()
    (workspace / ".dopemail").rename(tmp_path / "old-state")
    _wipe_outputs_only(workspace)
    build(workspace, use_cache=False)
    assert _outputs(workspace) == cached


def test_an_unchanged_issue_file_is_not_read_again(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Known by its stat and kept read, as an unchanged entry is: a thousand issue files were
    # read and hashed again at every build.
    _age(workspace)
    build(workspace)
    reads: list[str] = []
    real = Path.read_bytes

    def reading(self: Path) -> bytes:
        reads.append(self.name)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", reading)
    opened = _count_opens(monkeypatch)
    _wipe_outputs_only(workspace)
    build(workspace)
    issues = {p.name for p in (workspace / "issues").glob("*.md")}
    assert len(issues) == 3 and not issues & {*opened, *reads}, (opened, reads)
    # Saved again, it is read again and built from its new text.
    edited = workspace / "issues/1-strangers-and-varda.md"
    _edit(edited, 'subject: "All of Us', 'subject: "Again: All of Us')
    build(workspace)
    assert edited.name in opened
    email = (workspace / f"site/issues/{edited.stem}/email.html").read_text("utf-8")
    assert "<title>Again: All of Us Strangers" in email


def _records(root: Path, kind: str = "entries") -> list[Path]:
    return sorted(p for p in (root / ".dopemail/cache" / kind).rglob("*") if p.is_file())


def test_a_build_takes_the_records_heads_from_one_file(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every entry's and issue's head sits in the heads file too: a build after one edit of
    # a large archive read 11,000 record files for theirs. Here each record file's own head
    # is damaged (its body intact, where it was): one read there would render its entry again.
    build(workspace)
    for record in _records(workspace) + _records(workspace, "issues"):
        data = bytearray(record.read_bytes())
        data[cache_module._LENGTH + cache_module._CHECK + 3] ^= 0x20
        record.write_bytes(bytes(data))
    _edit(workspace / "entries/quiet-hours.md", "Quiet Hours", "Quiet Hours, again")
    rendered = _count_renders(monkeypatch)
    result, report = build(workspace)
    assert rendered == ["quiet-hours"]
    # The other issues are taken from their records too (the heads file's, then the bodies).
    assert report is not None and report.written
    built = _outputs(workspace)
    assert _from_scratch(workspace) == built


def test_a_damaged_heads_file_is_not_taken_and_is_written_again(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Its heads are not checked one by one (the file's checksum covers them all, and at
    # 10,000 entries each check cost 60 ms of every build): a word changed inside one
    # must still not reach a page.
    build(workspace)
    expected = _outputs(workspace)
    heads = workspace / ".dopemail/cache" / cache_module.HEADS
    data = heads.read_bytes()
    assert data.count(b"Quiet Hours") >= 1
    heads.write_bytes(data.replace(b"Quiet Hours", b"Quiet Hourz"))
    rendered, result = _built_again(workspace, monkeypatch)
    assert rendered == []  # each head read from its record's file, and checked there
    assert [r.list_item for r in result.entries if "Quiet Hour" in r.list_item]
    assert _outputs(workspace) == expected
    assert b"Quiet Hourz" not in heads.read_bytes()  # written again, whole


def _built_again(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], Build]:
    """The slugs rendered by a build after the outputs are wiped, and its result, in which
    no entry shows the word the damage put in ('Hourz'). (The pages are the cached records'
    own: what the build holds is where it would show.)"""
    _wipe_outputs_only(workspace)
    rendered = _count_renders(monkeypatch)
    result, _ = build(workspace)
    assert not [r for r in result.entries if "Hourz" in r.list_item + r.summary]
    return rendered, result


def test_a_record_s_damaged_head_is_found_without_the_heads_file(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Heads from the heads file are not checked one by one; those read from the records'
    # own files (no heads file: an older cache, one deleted) still are.
    build(workspace)
    expected = _outputs(workspace)
    (workspace / ".dopemail/cache" / cache_module.HEADS).unlink()
    damaged = [r for r in _records(workspace) if b"Quiet Hours" in r.read_bytes()[:4096]]
    assert damaged
    for record in damaged:
        record.write_bytes(record.read_bytes().replace(b"Quiet Hours", b"Quiet Hourz", 1))
    rendered, _ = _built_again(workspace, monkeypatch)
    assert rendered == ["quiet-hours"]  # rendered again, its record found damaged
    assert _outputs(workspace) == expected


def test_records_gone_that_the_heads_file_names_are_rendered_and_kept_again(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Record files deleted by hand (or a disk tidied): the heads file still names them, but
    # their pages are read from their bodies, which are gone: each is rendered again, and
    # kept again by the next build, which no longer finds them in the heads file.
    build(workspace)
    expected = _outputs(workspace)
    records = _records(workspace)
    for record in records:
        record.unlink()
    _wipe_outputs_only(workspace)
    shutil.rmtree(workspace / write_module.BLOBS)
    build(workspace)
    assert _outputs(workspace) == expected
    rendered = _count_renders(monkeypatch)
    build(workspace)
    assert rendered, "rendered again to be kept"
    assert _records(workspace) == records
    rendered.clear()
    build(workspace)
    assert rendered == []


def test_after_an_edit_only_the_heads_that_changed_are_written(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The heads file (18 MB at 10,000 entries) was written again after every edit, and its
    # old copy freed: 250 ms of a build after one edit. Now the heads changed since it was
    # written are kept in a file of their own, until they are more than a few.
    build(workspace)
    cache = workspace / ".dopemail/cache"
    whole = (cache / cache_module.HEADS).read_bytes()
    entry = workspace / "entries/quiet-hours.md"
    _edit(entry, "Quiet Hours", "Quiet Hours, again")
    build(workspace)
    assert (cache / cache_module.HEADS).read_bytes() == whole
    assert b"Quiet Hours, again" in (cache / cache_module.HEADS_CHANGED).read_bytes()
    # A new process takes the heads from both files: every record's head as its file has it.
    held = BuildCache(workspace.resolve(), memory=Memory())._held_heads()
    records = _records(workspace) + _records(workspace, "issues")
    assert sorted(held) == sorted(str(r) for r in records)
    for record in records:
        assert record.read_bytes().startswith(held[str(record)]), record
    rendered = _count_renders(monkeypatch)
    _edit(entry, "Quiet Hours, again", "Quiet Hours, once more")
    build(workspace)
    assert rendered == ["quiet-hours"]
    assert _from_scratch(workspace) == _outputs(workspace)
    # Past a few changed heads, the heads file is written again, and the other goes.
    monkeypatch.setattr(cache_module, "_FEW_HEADS", 0)
    _edit(entry, "Quiet Hours, once more", "Quiet Hours, at last")
    build(workspace)
    assert (cache / cache_module.HEADS).read_bytes() != whole
    assert not (cache / cache_module.HEADS_CHANGED).exists()
    rendered.clear()
    build(workspace)
    assert rendered == []


def test_a_file_of_changed_heads_left_from_an_older_heads_file_is_not_applied(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A build killed between writing the heads file and removing the changes file: those
    # changes were made to the heads file before, and must not be applied to the new one.
    build(workspace)
    entry = workspace / "entries/quiet-hours.md"
    _edit(entry, "Quiet Hours", "Quiet Hours, again")
    build(workspace)
    changed = workspace / ".dopemail/cache" / cache_module.HEADS_CHANGED
    left = changed.read_bytes()
    monkeypatch.setattr(cache_module, "_FEW_HEADS", 0)
    _edit(entry, "Quiet Hours, again", "Quiet Hours, at last")
    build(workspace)
    assert not changed.exists()
    changed.write_bytes(left)
    held = BuildCache(workspace.resolve(), memory=Memory())._held_heads()
    records = _records(workspace) + _records(workspace, "issues")
    assert sorted(held) == sorted(str(r) for r in records)


def test_a_damaged_file_of_changed_heads_is_not_taken(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Checked as the heads file is, whole: a word changed inside must not reach a page.
    build(workspace)
    _edit(workspace / "entries/quiet-hours.md", "Quiet Hours", "Quiet Hours, again")
    build(workspace)
    expected = _outputs(workspace)
    changed = workspace / ".dopemail/cache" / cache_module.HEADS_CHANGED
    data = changed.read_bytes()
    assert b"Quiet Hours, again" in data
    changed.write_bytes(data.replace(b"Quiet Hours, again", b"Quiet Hourz, again"))
    rendered, _ = _built_again(workspace, monkeypatch)
    assert rendered == []  # its head read from its record's file, and checked there
    assert _outputs(workspace) == expected


def test_a_preview_reads_the_heads_file_at_its_first_build_only(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Its later builds keep what the first read in memory, and ask the cache only for what
    # was made since: reading the heads of 10,000 entries again would cost more than them.
    from dopemail.preview.state import PreviewState

    build(workspace)
    opened: list[str] = []

    def counting(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        opened.append(os.fspath(path))
        return open(path, *args, **kwargs)

    monkeypatch.setattr(cache_module, "open", counting, raising=False)
    state = PreviewState(workspace)
    assert state.rebuild().build is not None
    _edit(workspace / "dopemail.toml", "items = 50", "items = 49")  # a whole build again
    _edit(workspace / "entries/quiet-hours.md", "Quiet Hours", "Quiet Hours, again")
    assert state.rebuild(["dopemail.toml", "entries/quiet-hours.md"]).build is not None
    heads = [p for p in opened if os.path.basename(p) == cache_module.HEADS]
    assert len(heads) == 1


def test_an_entry_whose_picture_was_replaced_has_its_new_head_kept(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Its record is stored anew under the same name (its key is made of its file, which did
    # not change): the heads file must hold the new head, or every build after took the old
    # one, found its pictures' stamp stale and rendered the entry again.
    build(workspace)
    picture = workspace / "media/harbor-lights-restoration/01.jpg"  # in no issue
    picture.write_bytes(picture.read_bytes() + b"\0" * 10)
    rendered = _count_renders(monkeypatch)
    build(workspace)
    assert rendered == ["harbor-lights-restoration"]
    rendered.clear()
    build(workspace)
    build(workspace)
    assert rendered == []


def test_an_entry_s_moment_taken_from_its_head_is_the_one_its_file_gives(
    workspace: Path,
) -> None:
    # A head keeps a moment at a fixed offset as text (unpickling datetimes cost more than
    # the rest of 10,000 heads): read back, it must be the very moment, not one at another
    # zone or of another kind. A day written alone (in the publication's zone) and a time
    # in UTC ("Z") are kept too.
    _edit(
        workspace / "entries/quiet-hours.md",
        "published: 2024-11-08T09:00:00-08:00",
        "published: 2024-11-08",
    )
    _edit(
        workspace / "entries/harbor-lights-restoration.md",
        "published: 2024-12-13T09:00:00-08:00",
        "published: 2024-12-13T17:00:00Z",
    )
    build(workspace)
    fresh = {e.slug: e.published for e in load_workspace(workspace).entries}
    cached = BuildCache(workspace, memory=Memory())
    kept = {e.slug: e.published for e in load_workspace(workspace, cached).entries}
    assert cached.used_heads  # from the heads, not loaded again
    assert kept == fresh
    for slug, moment in fresh.items():
        again = kept[slug]
        assert type(again) is type(moment), slug
        assert (again.tzinfo, again.isoformat(), again.tzname()) == (
            moment.tzinfo,
            moment.isoformat(),
            moment.tzname(),
        ), slug
    assert type(fresh["quiet-hours"]) is not datetime  # a whole day: kept as it is


def test_a_head_keeps_as_text_only_moments_that_read_back_the_same() -> None:
    from datetime import timedelta, timezone
    from zoneinfo import ZoneInfo

    from dopemail.models import _moment_kept
    from dopemail.moments import WholeDay

    offset = datetime(2024, 5, 30, 8, 30, tzinfo=timezone(timedelta(hours=-7)))
    assert _moment_kept(offset) == "2024-05-30T08:30:00-07:00"
    assert _moment_kept(datetime(2024, 5, 30, 8, 30, tzinfo=UTC)) == "2024-05-30T08:30:00+00:00"
    for kept_whole in (
        # A named zone would read back unnamed; a zone by its rules, as an offset; a day
        # alone, as a time.
        datetime(2024, 5, 30, 8, 30, tzinfo=timezone(timedelta(hours=-7), "PDT")),
        datetime(2024, 5, 30, 8, 30, tzinfo=ZoneInfo("America/Los_Angeles")),
        WholeDay(2024, 5, 30, tzinfo=timezone(timedelta(hours=-7))),
    ):
        assert _moment_kept(kept_whole) is kept_whole


def test_a_build_keys_the_sources_by_the_stats_its_stamp_took(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The CLI's stamp, taken before the build, has every source's stat: the build keys
    # them by those instead of asking each file twice more (at 10,000 entries, 22,000 calls).
    build(workspace)
    _edit(workspace / "entries/quiet-hours.md", "Quiet Hours", "Quiet Hours, again")
    stamp = fingerprint.inputs_stamp(workspace)
    entries = f"{workspace / 'entries'}{os.sep}"
    asked: list[str] = []
    real_stat = os.stat

    def stat(path: object, *args: object, **kwargs: object) -> os.stat_result:
        if str(path).startswith(entries):
            asked.append(str(path))
        return real_stat(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "stat", stat)
    rendered = _count_renders(monkeypatch)
    build(workspace, stats=stamp.stats)
    monkeypatch.setattr(os, "stat", real_stat)
    assert rendered == ["quiet-hours"]
    unchanged = [p for p in asked if not p.endswith("quiet-hours.md")]
    assert unchanged == []
    assert _outputs(workspace) == _from_scratch(workspace)


def test_a_source_saved_after_the_stamp_is_built_as_it_is_by_the_next_build(
    workspace: Path,
) -> None:
    # Keyed by the stamp's stat, a file saved while the build ran is built as the stamp saw
    # it (or as it is); the stamp, taken before, no longer matches it: the next build is no
    # no-op, and builds it as it is.
    build(workspace)
    stamp = fingerprint.inputs_stamp(workspace)
    _edit(workspace / "entries/quiet-hours.md", "Quiet Hours", "Quiet Hours, again")
    result, _ = build(workspace, stats=stamp.stats)
    # Keyed by the stamp's stat, which its record was made under: built as it was.
    assert b"Quiet Hours, again" not in _outputs(workspace)["quiet-hours/index.html"]
    fingerprint.record(workspace, len(result.outputs), stamp)
    assert fingerprint.nothing_changed(workspace) is None
    build(workspace, stats=fingerprint.inputs_stamp(workspace).stats)
    built = _outputs(workspace)
    assert b"Quiet Hours, again" in built["quiet-hours/index.html"]
    assert _from_scratch(workspace) == built
