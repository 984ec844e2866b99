"""Screenshots of the preview's issue page at a phone's and a desktop's width, for the README.

    .venv/bin/python scripts/screenshots.py [--root DIR] [--issue KEY] [--out docs]

Builds the publication in memory (the sample, by default), serves it with the preview's own
server on a free 127.0.0.1 port, opens the issue page in Debian's headless Chromium
(/usr/bin/chromium, driven by Playwright) and writes ``preview-375.png`` and ``preview-600.png``.
Nothing is written to the publication's site/ or feeds/.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from dopemail.preview.server import PreviewServer
from dopemail.preview.state import PreviewState

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
WIDTHS = (375, 600)
VIEWPORT = {"width": 1280, "height": 1100}


def main(argv: list[str] | None = None) -> int:
    """Write the screenshots; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=REPO, help="the publication (the sample)")
    parser.add_argument("--issue", help="the issue's folder name, e.g. 2-ghosts (the newest)")
    parser.add_argument("--out", type=Path, default=REPO / "docs", help="where the PNGs go")
    args = parser.parse_args(argv)

    state = PreviewState(args.root)
    snapshot = state.rebuild()
    if snapshot.build is None or snapshot.problems:
        for problem in snapshot.problems:
            print(f"{problem.location}: {problem.message}", file=sys.stderr)
        print("the publication does not build: fix it first (dopemail check)", file=sys.stderr)
        return 1
    keys = [item.issue.key for item in snapshot.build.issues]
    if not keys or (args.issue and args.issue not in keys):
        print(f"no issue {args.issue or ''} to show; issues: {keys or 'none'}", file=sys.stderr)
        return 1
    key = args.issue or keys[0]  # the highest number comes first

    args.out.mkdir(parents=True, exist_ok=True)
    server = PreviewServer(state)
    server.start_in_thread()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            page = browser.new_page(viewport=VIEWPORT)
            for width in WIDTHS:
                page.goto(f"{server.url}_preview/issue/{key}?width={width}", wait_until="load")
                target = args.out / f"preview-{width}.png"
                page.screenshot(path=str(target))
                print(f"wrote {target}")
            browser.close()
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
