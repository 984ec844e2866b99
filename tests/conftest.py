"""Shared fixtures: a copy of the sample publication per test, and ways to run the CLI."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest
from click.testing import CliRunner

from dopemail.cli import cli

REPO = Path(__file__).resolve().parents[1]
SOURCES = ("dopemail.toml", "entries", "issues", "media", "templates")


@cache
def bench_script(name: str) -> ModuleType:
    """``bench/<name>.py``, loaded once (bench/ is scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", REPO / "bench" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # registered first, for its dataclasses
    spec.loader.exec_module(module)
    return module


def copy_publication(target: Path) -> Path:
    """Copy the sample publication's sources (not its outputs) into ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    for name in SOURCES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        elif source.is_file():
            shutil.copy2(source, target / name)
    return target


@pytest.fixture(autouse=True, scope="session")
def user_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A per-user cache folder of the test session's own (the processes it starts inherit it)."""
    folder = tmp_path_factory.mktemp("user-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(folder))
        yield folder


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A private copy of the sample publication."""
    return copy_publication(tmp_path / "pub")


@pytest.fixture
def write_files(workspace: Path) -> Callable[[dict[str, str | bytes]], Path]:
    """Write ``{relative path: text}`` into the workspace (mkdocs' tempdir(files=...))."""

    def write(files: dict[str, str | bytes]) -> Path:
        for rel, content in files.items():
            path = workspace / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return workspace

    return write


@pytest.fixture
def run_cli() -> Callable[..., tuple[int, str]]:
    """Run a dopemail command in-process; returns (exit code, output incl. stderr)."""

    def run(*args: str | Path) -> tuple[int, str]:
        result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
        return result.exit_code, result.output

    return run


def assert_reported_in_one_pass(
    run_cli: Callable[..., tuple[int, str]], root: Path, expected: list[str]
) -> None:
    """``check`` and ``build`` both fail with every one of ``expected`` in their output, in
    that order (by line, as errors always are), and nothing else."""
    for command in ("check", "build"):
        code, output = run_cli(command, "--root", root)
        assert code == 1, output
        where = [output.find(e) for e in expected]
        assert -1 not in where, (where, output)
        assert where == sorted(where), output
        assert f"{len(expected)} problems found" in output, output
        assert "Traceback" not in output


def run_process(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real ``python -m dopemail`` in a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "dopemail", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder``, relative path -> bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def turned_jpeg(jpeg: bytes) -> bytes:
    """The same JPEG, its frame header saying width and height the other way round: another
    picture's size in exactly the same number of bytes."""
    at = next(i for i in range(len(jpeg) - 9) if jpeg[i] == 0xFF and jpeg[i + 1] in (0xC0, 0xC2))
    return jpeg[: at + 5] + jpeg[at + 7 : at + 9] + jpeg[at + 5 : at + 7] + jpeg[at + 9 :]


def rewrite_keeping_times(path: Path, data: bytes) -> None:
    """Write ``data`` over ``path`` and put its times back, as ``cp -p`` does, or as a save
    within the same tick of a coarse clock leaves them."""
    stat = path.stat()
    path.write_bytes(data)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium, driven by Playwright (installed by scripts/ensure-packages)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/ensure-packages (make test does)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
