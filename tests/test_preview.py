"""dopemail preview: the real server process, headless Chromium, and its safety.

The tests use a small synthetic publication (written below) rather than the sample, so they
state their input and do not depend on the sample's media.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import gc
import http.client
import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import pytest
import watchfiles
from conftest import copy_publication, run_process
from PIL import Image

from dopemail.build import build
from dopemail.preview.pages import email_frame, find_issue, inbox_snippet, index_page, issue_page
from dopemail.preview.server import PreviewServer, clean_path
from dopemail.preview.state import PreviewState, Snapshot
from dopemail.preview.watch import Watcher, is_source, linked_folders
from dopemail.templates import preview_padding

CONFIG = """\
[publication]
title = "DoPe Press"
description = "Film reviews."
base_url = "https://dopepress.example.com/"
timezone = "America/Los_Angeles"
author = "DoPe Press"

[sender]
from_name = "DoPe Press"
from_email = "newsletter@dopepress.example.com"
postal_address = "DoPe Press, 8033 Sunset Boulevard, Los Angeles, CA 90046, USA"
unsubscribe_url = "https://dopepress.example.com/unsubscribe"
"""

ENTRY = """\
---
title: Night Film
kind: review
published: 2024-01-12T09:00:00-08:00
summary: {summary}
film:
  title: Night Film
  year: 2023
images:
  - src: media/night/still.png
    alt: A still from Night Film
---
The review itself.
"""

DRAFT = """\
---
title: Draft Piece
kind: news
published: 2024-02-01
draft: true
---
Not yet.
"""

ISSUE = """\
---
number: 1
subject: Strangers in the night
date: 2024-01-19T08:00:00-08:00
preheader: Ghosts and strangers this week.
status: ready
entries: [night-film]
---
Dear readers, welcome. Start with <https://dopepress.example.com/night-film/>. {intro}
"""

SECRET = "pm-test-secret-4242-do-not-show"
PREVIEW = [sys.executable, "-m", "dopemail", "preview"]


def write_publication(root: Path, summary: str = "A film about the first night.") -> Path:
    """A two-entry, one-issue publication with one local image."""
    files = {
        "dopemail.toml": CONFIG,
        "entries/night-film.md": ENTRY.format(summary=summary),
        "entries/draft-piece.md": DRAFT,
        # A long intro, so the issue page is tall enough to scroll.
        "issues/1-strangers.md": ISSUE.format(intro="\n\n".join(["A paragraph."] * 30)),
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    (root / "media/night").mkdir(parents=True, exist_ok=True)
    buffer = BytesIO()
    Image.new("RGB", (60, 40), (200, 30, 30)).save(buffer, "PNG")
    (root / "media/night/still.png").write_bytes(buffer.getvalue())
    return root


@dataclass
class Preview:
    """A running ``dopemail preview`` process."""

    process: subprocess.Popen[str]
    url: str
    log: Path
    first: str = ""  # the line it printed on starting

    @property
    def port(self) -> int:
        return int(urllib.parse.urlsplit(self.url).port or 0)

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        """GET ``path`` exactly as written (no client-side normalising of ``..``)."""
        return self.request("GET", path, headers=headers)

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()


@contextmanager
def preview_process(root: Path, *args: str, env: dict[str, str] | None = None) -> Iterator[Preview]:
    """Start ``python -m dopemail preview`` on a free port; stop it afterwards."""
    log = root.parent / f"{root.name}-preview.log"
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [*PREVIEW, "--root", str(root), "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            env={**os.environ, **(env or {})},
        )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: lines.put(process.stdout.readline()), daemon=True).start()
    try:
        try:
            first = lines.get(timeout=60)
        except queue.Empty:
            first = ""
        match = re.search(r"http://\S+/", first)
        assert match, f"no URL printed: {first!r}\n{log.read_text()}"
        yield Preview(process, match.group(0), log, first)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for(check: Callable[[], object], timeout: float = 15.0, what: str = "") -> object:
    """Poll ``check`` until it returns something true; errors count as not yet."""
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        try:
            last = check()
            if last:
                return last
        except Exception as exc:  # a page reloading under us: try again
            last = exc
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what or check}: last {last!r}")


# -- live reload and the error overlay, in a real browser ---------------------------------


def test_the_inbox_line_keeps_the_date_in_its_box_at_every_width(tmp_path: Path, browser) -> None:
    # The sample's longest subject: at 600 px it pushed the date out and hid the snippet.
    root = copy_publication(tmp_path / "pub")
    with preview_process(root) as preview:
        page = browser.new_page(viewport={"width": 1200, "height": 800})
        for width in (375, 500, 600, 800):
            page.goto(preview.url + f"_preview/issue/2-summer-festivals?width={width}")
            box = page.evaluate(
                "(() => { const r = s => document.querySelector(s).getBoundingClientRect();"
                " return [r('.inbox').right, r('.inbox .when').right, r('.inbox .snippet').width];"
                " })()"
            )
            inbox, when, snippet = box
            assert when <= inbox + 0.5 and snippet > 20, (width, box)


def test_the_index_fits_a_phone_s_width(tmp_path: Path, browser) -> None:
    # At 375 px the entries' table made the page 487 px wide, and a warning's long line
    # 1,229 px: the page scrolled sideways.
    root = write_publication(tmp_path / "pub")
    body = (root / "entries/night-film.md").read_text(encoding="utf-8")
    link = "[a page](https://dopepress.example.com/" + "no-such-page-" * 8 + "/)"
    (root / "entries/night-film.md").write_text(body + f"\nSee {link}.\n", encoding="utf-8")
    with preview_process(root) as preview:
        page = browser.new_page(viewport={"width": 375, "height": 700})
        page.goto(preview.url)
        assert "no-such-page" in page.content()  # the dead link's warning is on the index
        assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_a_problem_naming_one_long_word_fits_a_phone(tmp_path: Path, browser) -> None:
    # A missing picture named in one word of 60 letters (underscores, camel case): the
    # overlay cut it off at the screen's edge and the index was 617 px wide at 375 (QA).
    root = write_publication(tmp_path / "pub")
    name = "AndrewScottAndPaulMescalOnTheBalconyAtNightStill_01.jpg"
    body = (root / "entries/night-film.md").read_text(encoding="utf-8")
    picture = f"\n![A still](media/night-film/{name})\n"
    (root / "entries/night-film.md").write_text(body + picture, encoding="utf-8")
    with preview_process(root) as preview:
        page = browser.new_page(viewport={"width": 375, "height": 700})
        page.goto(preview.url)
        assert name in page.content()  # the problem is on the index
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.goto(preview.url + "_preview/issue/1-strangers")
        overlay = page.locator("#dopemail-overlay")
        overlay.wait_for()
        assert name in overlay.inner_text()
        wide, shown = overlay.evaluate("o => [o.scrollWidth, o.clientWidth]")
        page.close()
    assert wide <= shown, (wide, shown)


def test_a_stale_send_test_form_says_to_reload(tmp_path: Path, browser) -> None:
    # After the preview restarts, an open page's form carries the old token: the refusal is
    # plain text, which the page shows as it is (it showed a JSON syntax error).
    root = write_publication(tmp_path / "pub")
    with preview_process(root) as preview:
        page = browser.new_page(viewport={"width": 1200, "height": 800})
        page.goto(preview.url + "_preview/issue/1-strangers")
        page.evaluate(
            "document.querySelector('#send-test input[name=token]').value = 'from-before';"
            "document.querySelector('#send-test input[name=address]').value = 'a@example.com';"
            "document.getElementById('send-test').requestSubmit();"
        )
        shown = "document.getElementById('send-result').textContent"
        wait_for(lambda: page.evaluate(shown) not in ("", "Sending…"), what="the answer")
        assert page.evaluate(shown) == "stale form: reload the page"
        assert page.evaluate("document.getElementById('send-result').className") == "bad"


def test_an_address_the_browser_refuses_clears_the_last_answer(tmp_path: Path, browser) -> None:
    # The green "Wrote a test ... to editor@example.com" stayed under a refused address.
    root = write_publication(tmp_path / "pub")
    with preview_process(root) as preview:
        page = browser.new_page(viewport={"width": 1200, "height": 800})
        page.goto(preview.url + "_preview/issue/1-strangers")
        result = page.locator("#send-result")
        page.fill("#send-test input[name=address]", "editor@example.com")
        page.click("#send-test button[type=submit]")
        page.wait_for_function("document.getElementById('send-result').className === 'ok'")
        assert "editor@example.com" in result.inner_text()
        page.fill("#send-test input[name=address]", "not an address")
        page.click("#send-test button[type=submit]")
        assert page.evaluate("document.querySelector('#send-test input:invalid') !== null")
        assert result.inner_text() == ""
        page.close()


def test_the_send_test_form_works_without_javascript(tmp_path: Path, browser) -> None:
    # With scripts off the browser posts the form itself: under 'Referrer-Policy: no-referrer'
    # Chromium sends 'Origin: null', which was refused as a cross-site post.
    root = write_publication(tmp_path / "pub")
    with preview_process(root) as preview:
        context = browser.new_context(java_script_enabled=False)
        try:
            page = context.new_page()
            page.goto(preview.url + "_preview/issue/1-strangers")
            page.fill("#send-test input[name=address]", "editor@example.com")
            with page.expect_navigation():
                page.click("#send-test button[type=submit]")
            assert "<h1>Send test</h1>" in page.content(), page.content()
            assert "(not sent:" in page.content(), page.content()
        finally:
            context.close()
    assert len(list((root / "outbox/1-strangers/tests").glob("*.eml"))) == 1


def test_with_javascript_off_the_site_s_pages_say_so_and_the_index_does_not_promise(
    tmp_path: Path, browser
) -> None:
    # The README said each page says so: only the preview's own did, and the index's list of
    # a failed build's problems said "this clears by itself", which it does not without a script.
    root = write_publication(tmp_path / "pub")
    draft = root / "entries/draft-piece.md"
    with preview_process(root) as preview:
        context = browser.new_context(java_script_enabled=False)
        try:
            page = context.new_page()
            page.goto(preview.url + "site/night-film/")
            assert "JavaScript is off" in page.locator("body").inner_text()
            draft.write_text(draft.read_text().replace("title: Draft Piece", "title: [Draft"))
            wait_for(lambda: b"broken YAML" in preview.get("/")[1], what="the failed build")
            page.goto(preview.url)
            heading = page.locator("section.problems h2").inner_text()
            assert "once you reload the page" in heading, heading
        finally:
            context.close()


#: What the issue page's email frame shows, as text.
FRAME_TEXT = "document.getElementById('email').contentDocument.body.innerText"


def _scrolled_issue_page(browser, preview: Preview):  # type: ignore[no-untyped-def]
    """The sample issue's page, its email shown, scrolled down: (page, its scroll)."""
    page = browser.new_page(viewport={"width": 1200, "height": 600})
    page.goto(preview.url + "_preview/issue/1-strangers?width=375")
    wait_for(lambda: "about the first night" in page.evaluate(FRAME_TEXT), what="the email")
    page.evaluate("window.scrollTo(0, 900)")
    scrolled = page.evaluate("window.scrollY")
    assert scrolled > 0
    return page, scrolled


def test_edits_reload_the_issue_page_and_errors_show_as_an_overlay(tmp_path: Path, browser) -> None:
    root = write_publication(tmp_path / "pub")
    entry = root / "entries/night-film.md"
    with preview_process(root) as preview:
        page, scrolled = _scrolled_issue_page(browser, preview)

        started = time.monotonic()
        entry.write_text(ENTRY.format(summary="Edited at the premiere."), encoding="utf-8")
        wait_for(lambda: "Edited at the premiere." in page.evaluate(FRAME_TEXT), what="the edit")
        print(f"\nsave to refreshed page: {(time.monotonic() - started) * 1000:.0f} ms")
        # The watcher handed the saved file over, and the last build was patched, not redone
        # (the line is logged just after the page is published: wait for it).
        patched = re.compile(r"patched in \d+ ms \(entries/night-film\.md\)")
        assert wait_for(lambda: patched.search(preview.log.read_text()), what="the patch's log")
        wait_for(lambda: abs(page.evaluate("window.scrollY") - scrolled) < 2, what="scroll")

        broken = ENTRY.format(summary="Edited at the premiere.").replace(
            "title: Night Film\n", "title: Night: Film\n", 1
        )
        started = time.monotonic()
        entry.write_text(broken, encoding="utf-8")
        overlay = page.locator("#dopemail-overlay")
        overlay.wait_for(state="visible", timeout=15_000)
        print(f"save to error overlay: {(time.monotonic() - started) * 1000:.0f} ms")
        text = overlay.inner_text()
        assert "entries/night-film.md:2: broken YAML" in text
        assert "hint:" in text
        assert "The build failed: the page shows the last good build." in text
        # The last good build stays on show under the overlay.
        assert "Edited at the premiere." in page.evaluate(FRAME_TEXT)
        # It covers the top of the page: the editor may put it away until the next problems.
        page.get_by_role("button", name="Hide").click()
        overlay.wait_for(state="detached", timeout=5_000)

        entry.write_text(ENTRY.format(summary="Recovered after the fix."), encoding="utf-8")
        wait_for(lambda: "Recovered after the fix." in page.evaluate(FRAME_TEXT), what="fix")
        overlay.wait_for(state="detached", timeout=15_000)
        assert preview.process.poll() is None, "the server must survive a broken edit"
    assert not (root / "site").exists() and not (root / "feeds").exists()


def test_a_draft_s_section_without_entries_yet_is_previewed_without_it(
    tmp_path: Path, browser
) -> None:
    # A draft's section not filled in yet ('- title: Coming up' and 'entries: []') stopped
    # the preview with an error while the issue was written; shown, its heading would stand
    # alone in the email.
    root = write_publication(tmp_path / "pub")
    issue = root / "issues/1-strangers.md"
    draft = issue.read_text("utf-8").replace("status: ready", "status: draft")
    empty = draft.replace(
        "entries: [night-film]\n",
        "entries: [night-film]\nsections:\n  - title: Coming up\n    entries: []\n",
    )
    issue.write_text(empty, "utf-8")
    with preview_process(root) as preview:
        index = preview.get("/")[1].decode("utf-8")
        assert "The build failed" not in index, index
        assert "the section &#39;Coming up&#39; gathers no entries yet" in index.replace(
            "&#x27;", "&#39;"
        ), index
        page = browser.new_page()
        page.goto(preview.url + "_preview/issue/1-strangers")
        wait_for(lambda: "about the first night" in page.evaluate(FRAME_TEXT), what="the email")
        # (innerText as shown: the email sets headings in capitals)
        assert "coming up" not in page.evaluate(FRAME_TEXT).casefold()
        assert page.locator("#dopemail-overlay").count() == 0
        # Filled in, the section is there, under its heading, on the page the editor has open
        # (the film moved into it: an issue gathers an entry once).
        filled = empty.replace("entries: [night-film]", "entries: []", 1)
        issue.write_text(filled.replace("    entries: []", "    entries: [night-film]"), "utf-8")
        wait_for(lambda: "coming up" in page.evaluate(FRAME_TEXT).casefold(), what="the section")
        page.close()


def test_a_hidden_overlay_leaves_a_badge_and_comes_back_when_a_save_fails_again(
    tmp_path: Path, browser
) -> None:
    # Hidden, the overlay was gone for good: the server sends problems only when they change,
    # so later saves (failing, the other entry still broken) showed nothing and reloaded
    # nothing: the page looked healthy and was stale.
    root = write_publication(tmp_path / "pub")
    draft = root / "entries/draft-piece.md"
    good = draft.read_text(encoding="utf-8")
    entry = root / "entries/night-film.md"
    with preview_process(root) as preview:
        page = browser.new_page()
        page.goto(preview.url + "site/night-film/")
        draft.write_text(good.replace("title: Draft Piece", "title: [Draft"), "utf-8")
        overlay = page.locator("#dopemail-overlay")
        overlay.wait_for(state="visible", timeout=15_000)
        # The Hide button is the first thing Tab reaches, and hiding keeps the focus.
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Hide"
        page.keyboard.press("Enter")
        overlay.wait_for(state="detached", timeout=5_000)
        badge = page.get_by_role("status").get_by_role("button", name="Build failing – show")
        badge.wait_for(state="visible", timeout=5_000)
        page.wait_for_function(
            "document.activeElement.id === '' && "
            "document.activeElement.closest('#dopemail-failing') !== null"
        )
        # A valid edit elsewhere: the build still fails, and says so again.
        entry.write_text(ENTRY.format(summary="Edited while broken."), encoding="utf-8")
        overlay.wait_for(state="visible", timeout=15_000)
        assert page.locator("#dopemail-failing").count() == 0
        # Tabbing past Hide into the page it covers puts it away: the link focused is seen.
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Hide"
        page.keyboard.press("Tab")
        overlay.wait_for(state="detached", timeout=5_000)
        seen = (
            "(() => { const a = document.activeElement, r = a.getBoundingClientRect();"
            " return a.tagName === 'A' &&"
            " a.contains(document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2)); })()"
        )
        assert page.evaluate(seen)
        badge.click()
        overlay.wait_for(state="visible", timeout=5_000)
        assert page.evaluate("document.activeElement.textContent") == "Hide"
        draft.write_text(good, encoding="utf-8")
        edited = "document.documentElement.outerHTML.includes('Edited while broken.')"
        page.wait_for_function(edited)
        overlay.wait_for(state="detached", timeout=15_000)
        assert page.locator("#dopemail-failing").count() == 0
        page.close()


def test_a_source_pane_the_editor_opened_stays_open_across_a_reload(
    tmp_path: Path, browser
) -> None:
    # The issue page's HTML and MJML panes closed at every save: the page came back shorter,
    # and an editor reading the MJML while changing a template lost their place.
    root = write_publication(tmp_path / "pub")
    entry = root / "entries/night-film.md"
    with preview_process(root) as preview:
        page, _ = _scrolled_issue_page(browser, preview)
        page.evaluate("document.querySelectorAll('details')[1].open = true")
        page.evaluate("document.querySelectorAll('details')[1].scrollIntoView()")
        scrolled = page.evaluate("window.scrollY")
        entry.write_text(ENTRY.format(summary="Saved with the pane open."), encoding="utf-8")
        wait_for(lambda: "Saved with the pane open." in page.evaluate(FRAME_TEXT), what="edit")
        wait_for(lambda: abs(page.evaluate("window.scrollY") - scrolled) < 2, what="scroll")
        opened = "[...document.querySelectorAll('details')].map(d => d.open)"
        assert page.evaluate(opened) == [False, True]


def test_a_second_save_while_the_page_reloads_keeps_its_scroll(tmp_path: Path, browser) -> None:
    # The position was put back on "load" only: a second save before it (the page still
    # loading its pictures) reloaded it from the top.
    root = write_publication(tmp_path / "pub")
    entry = root / "entries/night-film.md"
    with preview_process(root) as preview:
        page, scrolled = _scrolled_issue_page(browser, preview)

        held: list = []  # the pictures' requests, answered when the test says: "load" waits

        def hold(route) -> None:  # type: ignore[no-untyped-def]
            held.append(route)

        page.route("**/media/**", hold)
        entry.write_text(ENTRY.format(summary="First save."), encoding="utf-8")
        wait_for(lambda: "First save." in page.evaluate(FRAME_TEXT), what="the first save")
        assert page.evaluate("document.readyState") != "complete"
        entry.write_text(ENTRY.format(summary="Second save."), encoding="utf-8")
        wait_for(lambda: "Second save." in page.evaluate(FRAME_TEXT), what="the second save")
        page.unroute("**/media/**", hold)
        for route in held:
            with contextlib.suppress(Exception):  # a reloaded page's requests are gone
                route.continue_()
        wait_for(lambda: page.evaluate("document.readyState") == "complete", what="loaded")
        wait_for(lambda: abs(page.evaluate("window.scrollY") - scrolled) < 2, what="scroll")


def test_tabs_in_the_background_leave_the_browser_free_to_open_more(
    tmp_path: Path, browser
) -> None:
    # Each open page kept its event stream: a browser holds six connections to one server,
    # and the seventh tab never loaded.
    root = write_publication(tmp_path / "pub")
    entry = root / "entries/night-film.md"
    hide = (
        "Object.defineProperty(document, 'hidden', {value: true, configurable: true});"
        "document.dispatchEvent(new Event('visibilitychange'))"
    )
    with preview_process(root) as preview:
        context = browser.new_context()
        try:
            tabs = []
            for _ in range(6):
                tab = context.new_page()
                tab.goto(preview.url + "site/night-film/")
                tab.evaluate(hide)  # another tab was brought to the front
                tabs.append(tab)
            seventh = context.new_page()
            seventh.goto(preview.url + "site/night-film/", timeout=10_000)
            assert "Night Film" in seventh.title()
            # Shown again, a tab listens again, and shows the edit made while it was hidden.
            entry.write_text(ENTRY.format(summary="Seen on return."), encoding="utf-8")
            wait_for(lambda: "Seen on return." in seventh.content(), what="the open tab")
            first = tabs[0]
            assert "Seen on return." not in first.content()
            first.evaluate(
                "Object.defineProperty(document, 'hidden', {value: false, configurable: true});"
                "document.dispatchEvent(new Event('visibilitychange'))"
            )
            wait_for(lambda: "Seen on return." in first.content(), what="the tab shown again")
        finally:
            context.close()


def test_the_preview_s_own_pages_say_to_screen_readers_what_they_show(
    running: Preview, browser
) -> None:
    # A check's ✓ or ✗ was hidden from screen readers, and its colour said the rest; the
    # chosen width and mode were told by a class alone; the size meter had no name; each
    # issue's "web version" link read the same.
    page = browser.new_page()
    try:
        page.goto(running.url + "_preview/issue/1-strangers?width=375")
        checks = page.locator("#checks").aria_snapshot()
        assert "passed: every image has alt text" in checks, checks
        chosen = page.locator('nav.controls a[aria-current="true"]')
        assert sorted(chosen.all_inner_texts()) == ["375 px (phone)", "Light"]
        meter = page.get_by_role("meter")
        assert "clipping limit" in (meter.aria_snapshot() or "")
        assert page.get_by_role("group", name="As the inbox shows it").count() == 1
        page.goto(running.url)
        assert page.get_by_role("link", name="web version of No. 1").count() == 1
    finally:
        page.close()


def _contrast(one: str, other: str) -> float:
    """The WCAG contrast ratio of two computed colours ('rgb(95, 99, 104)')."""

    def luminance(colour: str) -> float:
        channels = [int(c) / 255 for c in re.findall(r"\d+", colour)[:3]]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_preview_s_own_pages_are_usable_by_keyboard_zoomed_and_in_dark_mode(
    tmp_path: Path, browser
) -> None:
    # No focus style (the ring on the chosen chip all but invisible), the dark inbox's date
    # at 2.7:1, the issue page scrolling sideways at 200 % zoom (640 px) and a phone's width,
    # and the index's last column without a name.
    root = copy_publication(tmp_path / "pub")
    with preview_process(root) as preview:
        page = browser.new_page(viewport={"width": 1200, "height": 800})
        page.goto(preview.url + "_preview/issue/2-summer-festivals?width=600&scheme=dark")
        when = page.evaluate(
            "(() => { const s = getComputedStyle(document.querySelector('.inbox .when'));"
            " return [s.color, getComputedStyle(document.querySelector('.inbox')).backgroundColor];"
            " })()"
        )
        assert _contrast(*when) >= 4.5, when
        chip = page.locator('nav.controls a[aria-current="true"]').first
        chip.focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")  # focused by the keyboard: :focus-visible
        ring = page.evaluate(
            "(() => { const s = getComputedStyle(document.activeElement);"
            " return [s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor,"
            " getComputedStyle(document.body).backgroundColor,"
            " document.activeElement.getAttribute('aria-current')]; })()"
        )
        style, width, colour, background, current = ring
        assert current == "true" and style == "solid" and width >= 2, ring
        assert _contrast(colour, background) >= 3, ring
        for viewport in (640, 320):
            page.set_viewport_size({"width": viewport, "height": 800})
            page.goto(preview.url + "_preview/issue/2-summer-festivals?width=600")
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= viewport, (viewport, wide)
        page.goto(preview.url)
        headers = page.locator("table.list th").evaluate_all(
            "(all) => all.map((th) => th.textContent.trim())"
        )
        assert headers and all(headers), headers
        page.close()


def test_a_french_publication_s_content_is_shown_in_french_and_marked_so(
    tmp_path: Path, browser
) -> None:
    # The inbox showed 'Jan 19', the heading 'No. 1', the dates were English and the French
    # subject sat in <html lang="en"> unmarked.
    root = write_publication(tmp_path / "pub")
    config = root / "dopemail.toml"
    config.write_text(config.read_text().replace('author = "', 'language = "fr"\nauthor = "'))
    with preview_process(root) as preview:
        page = browser.new_page(viewport={"width": 1200, "height": 800})
        page.goto(preview.url + "_preview/issue/1-strangers")
        assert page.locator("html").get_attribute("lang") == "en"  # the tool's own words
        assert page.locator(".inbox .when").inner_text() == "19 janv."
        assert page.locator(".inbox .when").get_attribute("lang") == "fr"
        heading = page.locator("h1")
        assert heading.inner_text().replace("\xa0", " ") == "N° 1 : Strangers in the night"
        assert heading.get_attribute("lang") == "fr"
        assert page.locator(".inbox .subject").get_attribute("lang") == "fr"
        assert "19 janvier 2024" in page.locator(".issue-head").inner_text()
        page.goto(preview.url)
        subject = page.get_by_role("link", name="Strangers in the night")
        assert subject.get_attribute("lang") == "fr"
        assert page.get_by_role("cell", name="19 janvier 2024").get_attribute("lang") == "fr"
        assert page.get_by_role("link", name="Night Film").get_attribute("lang") == "fr"
        page.close()


def test_five_pages_on_show_leave_a_sixth_the_connections_it_loads_with(
    tmp_path: Path, browser
) -> None:
    # A page opened its event stream before it had loaded: with five pages on show (windows
    # side by side), the sixth's stream took the browser's last connection to the server,
    # and the issue page's email frame never loaded.
    from conftest import copy_publication

    root = copy_publication(tmp_path / "pub")  # an email of many pictures
    with preview_process(root) as preview:
        context = browser.new_context()
        try:
            for _ in range(5):
                tab = context.new_page()
                tab.goto(preview.url + "site/all-of-us-strangers/")
                tab.wait_for_load_state("load")
            sixth = context.new_page()
            # How the page opens its stream, which is what the above depends on (whether five
            # early streams starve the sixth page is a race: it lost 2 times in 3).
            sixth.add_init_script(
                "const born = performance.now(); window.__streams = [];"
                "const Real = window.EventSource;"
                "window.EventSource = function (url) {"
                "  window.__streams.push([document.readyState, performance.now() - born]);"
                "  return new Real(url); };"
            )
            sixth.goto(preview.url + "_preview/issue/2-summer-festivals", wait_until="load")
            pictures = sixth.evaluate(
                "[...document.getElementById('email').contentDocument.images]"
                ".map((i) => i.complete && i.naturalWidth > 0)"
            )
            assert len(pictures) > 6 and all(pictures)
            sixth.wait_for_function("window.__streams.length > 0")
            # Once loaded, or (for a page whose pictures are slow) after a second.
            ((state, after),) = sixth.evaluate("window.__streams")
            assert state == "complete" or after >= 1000, (state, after)
        finally:
            context.close()


def test_an_svg_opened_on_its_own_runs_no_script(tmp_path: Path, browser) -> None:
    # An SVG is a document: opened from the preview's address, one put in media/ ran its
    # scripts there, able to read a page's send-test token.
    root = write_publication(tmp_path / "pub")
    (root / "media/night/poster.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="60" height="40">'
        "<script>document.documentElement.setAttribute('data-ran', 'yes')</script></svg>",
        encoding="utf-8",
    )
    entry = root / "entries/night-film.md"
    poster = "images:\n  - src: media/night/poster.svg\n    alt: A poster\n"
    entry.write_text(ENTRY.format(summary="x").replace("images:\n", poster), encoding="utf-8")
    # Refused by the build now (an SVG holding a script is no picture to publish): the
    # preview says why, and serves no such file, its scripts or not.
    with preview_process(root) as preview:
        page = browser.new_page()
        try:
            page.goto(preview.url)
            shown = page.evaluate("document.body.innerText")
            assert "media/night/poster.svg' holds a script" in shown, shown
            answer = page.goto(preview.url + "site/media/night/poster.svg")
            assert answer is not None and answer.status == 404
            assert page.evaluate("document.documentElement.getAttribute('data-ran')") is None
        finally:
            page.close()
        # One the build takes is served with no script allowed all the same: what the build
        # cannot see (a way of running one it does not know) does not run in the preview.
        (root / "media/night/poster.svg").write_text(
            '<svg xmlns="http://www.w3.org/2000/svg" width="60" height="40"/>', encoding="utf-8"
        )
        served = "/site/media/night/poster.svg"
        wait_for(lambda: preview.get(served)[0] == 200, what="the picture served")
        import http.client

        connection = http.client.HTTPConnection("127.0.0.1", preview.port, timeout=10)
        try:
            connection.request("GET", served)
            policy = connection.getresponse().getheader("Content-Security-Policy", "")
        finally:
            connection.close()
        assert "script-src 'none'; sandbox" in policy, policy


# -- one server for the HTTP-level checks --------------------------------------------------


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Preview]:
    """One preview of the synthetic publication, with a provider key in its environment."""
    root = write_publication(tmp_path_factory.mktemp("served") / "pub")
    env = {"DOPEMAIL_POSTMARK_TOKEN": SECRET, "DOPEMAIL_UNSUBSCRIBE_SECRET": SECRET + "-2"}
    with preview_process(root, env=env) as preview:
        yield preview


def test_no_other_site_may_frame_the_preview(running: Preview) -> None:
    # The issue page, with its send-test form, could be framed by any site (clickjacking).
    import http.client

    for path in ("/", "/site/night-film/", "/_preview/issue/1-strangers"):
        connection = http.client.HTTPConnection("127.0.0.1", running.port, timeout=10)
        try:
            connection.request("GET", path)
            answer = connection.getresponse()
            answer.read()
        finally:
            connection.close()
        assert answer.getheader("X-Frame-Options") == "SAMEORIGIN", path
        assert "frame-ancestors 'self'" in answer.getheader("Content-Security-Policy", ""), path


def test_the_first_line_names_the_publication_and_its_folder(running: Preview) -> None:
    # The folder is "pub": the editor reads which publication, and where it is.
    assert running.first.startswith("Previewing DoPe Press (/"), running.first
    assert f"/pub) at {running.url} (Ctrl-C to stop)" in running.first


def test_a_preview_started_with_a_broken_entry_says_so_not_that_nothing_is_there(
    tmp_path: Path,
) -> None:
    # It said "Previewing pub" (the folder) and, under the error, "No entries yet: dopemail
    # new entry starts one" for a publication with entries and issues.
    root = write_publication(tmp_path / "pub")
    entry = root / "entries/night-film.md"
    entry.write_text(entry.read_text("utf-8").replace("year: 2023", "year: soon"), "utf-8")
    with preview_process(root) as preview:
        assert preview.first.startswith("Previewing DoPe Press ("), preview.first
        status, body = preview.get("/")
        page = body.decode("utf-8")
        assert status == 200 and "No successful build yet" in page
        assert "entries/night-film.md" in page and "No entries yet" not in page
        assert "No issues yet" not in page and page.count("Listed once the build succeeds.") == 2
        assert '<h1 lang="en">DoPe Press</h1>' in page  # its title, not the folder's name
        # The overlay does not speak of a last good build: there is none.
        told = _events(preview, "v=0&deps=*")
        assert any("nothing has built yet" in line for line in told), told


def test_a_failed_build_s_problems_are_in_the_index_itself_not_only_in_the_overlay(
    tmp_path: Path,
) -> None:
    # With JavaScript off, the editor saw the last good build and nothing of the failed one:
    # its problems were only in the overlay the script draws.
    root = write_publication(tmp_path / "pub")
    with preview_process(root) as preview:
        page = preview.get("/")[1].decode("utf-8")
        assert "<noscript>" in page and "Reload them by hand" in page
        assert "The build failed" not in page
        entry = root / "entries/night-film.md"
        entry.write_text(entry.read_text("utf-8").replace("year: 2023", "year: soon"), "utf-8")
        wait_for(
            lambda: "The build failed" in preview.get("/")[1].decode("utf-8"), what="the problem"
        )
        page = preview.get("/")[1].decode("utf-8")
        assert "entries/night-film.md:" in page and "the last good build" in page
        assert "No successful build yet" not in page
        assert "<noscript>" in preview.get("/_preview/issue/1-strangers")[1].decode("utf-8")


def test_the_index_opened_on_a_failed_build_clears_its_problems_once_fixed(
    tmp_path: Path, browser
) -> None:
    # Opened while a build failed, then fixed back to the last good build: the overlay went,
    # the index's own list of problems ("this clears by itself") stayed until a reload.
    root = write_publication(tmp_path / "pub")
    entry = root / "entries/night-film.md"
    good = entry.read_text("utf-8")
    with preview_process(root) as preview:
        entry.write_text(good.replace("year: 2023", "year: soon"), "utf-8")
        wait_for(lambda: "The build failed" in preview.get("/")[1].decode(), what="the problem")
        page = browser.new_page()
        page.goto(preview.url)
        assert page.locator("section.problems").count() == 1
        entry.write_text(good, "utf-8")
        page.locator("section.problems").wait_for(state="detached", timeout=15_000)
        assert "The build failed" not in page.inner_text("body")
        page.close()


def test_the_index_says_what_an_edit_would_change_of_a_sent_issue(tmp_path: Path) -> None:
    # `check` warned "issue 1 was sent, and the next build would change its email"; the
    # preview, where such edits are made, said nothing of it.
    root = write_publication(tmp_path / "pub")
    issue = root / "issues/1-strangers.md"
    issue.write_text(issue.read_text("utf-8").replace("status: ready", "status: sent"), "utf-8")
    build(root)
    told = "issue 1 was sent, and the next build would change"
    with preview_process(root) as preview:
        assert told not in preview.get("/")[1].decode("utf-8")
        entry = root / "entries/night-film.md"
        text = entry.read_text("utf-8")
        entry.write_text(text.replace("the first night.", "the last night."), "utf-8")
        wait_for(lambda: told in preview.get("/")[1].decode("utf-8"), what="the warning")


def test_index_lists_issues_entries_drafts_and_feeds(running: Preview) -> None:
    status, body = running.get("/")
    page = body.decode()
    assert status == 200
    assert 'href="/_preview/issue/1-strangers"' in page and "Strangers in the night" in page
    assert "January 19, 2024" in page and "ready" in page
    assert 'href="/site/night-film/"' in page and 'href="/site/draft-piece/"' in page
    assert "in no issue yet" in page  # the draft
    for path in ("/site/draft-piece/", "/site/night-film/", "/site/issues/1-strangers/"):
        assert running.get(path)[0] == 200, path


def test_feeds_are_served_readable(running: Preview) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", running.port, timeout=10)
    for path, kind in (("/feeds/rss.xml", "text/xml"), ("/feeds/feed.json", "application/json")):
        connection.request("GET", path)
        response = connection.getresponse()
        data = response.read()
        assert response.status == 200
        assert response.getheader("Content-Type").startswith(kind)  # shown, not downloaded
        assert b"Night Film" in data
    connection.close()


def test_the_feeds_are_served_under_site_too(running: Preview) -> None:
    # On the published site feeds/ sits next to the pages: base_url + feeds/... is followed
    # from a page to /site/feeds/..., the same feed.
    answers = {}
    for path in ("/feeds/rss.xml", "/site/feeds/rss.xml"):
        connection = http.client.HTTPConnection("127.0.0.1", running.port, timeout=10)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            answers[path] = (response.status, response.getheader("Content-Type"), response.read())
        finally:
            connection.close()
    status, kind, data = answers["/site/feeds/rss.xml"]
    assert status == 200
    assert kind.startswith("text/xml"), kind
    assert b"Night Film" in data
    assert answers["/site/feeds/rss.xml"] == answers["/feeds/rss.xml"]


def test_pages_point_at_the_preview_not_the_live_site(running: Preview) -> None:
    page = running.get("/_preview/issue/1-strangers/email")[1].decode()
    local = f"http://127.0.0.1:{running.port}/site/"
    assert f'src="{local}media/night/still.png"' in page
    assert running.get("/site/media/night/still.png")[0] == 200
    # Where links lead is the preview; what they say is what readers read: a link whose words
    # are its address showed the preview's address.
    assert f'href="{local}night-film/"' in page
    assert ">https://dopepress.example.com/night-film/</a>" in page
    assert not re.findall(r'(?:href|src)="https://dopepress\.example\.com/', page)
    # A background picture (MJML's background-url) too, in its attribute and its style.
    from dopemail.preview.server import local_links

    html = (
        '<td background="https://dopepress.example.com/media/a.jpg" style="background:url('
        "'https://dopepress.example.com/media/a.jpg')\">https://dopepress.example.com/</td>"
    )
    base, local = "https://dopepress.example.com/", "http://x/site/"
    rewritten = local_links(html, base, local)
    assert rewritten.count(local) == 2 and rewritten.endswith(
        ">https://dopepress.example.com/</td>"
    )
    # A stylesheet's pictures, and the site's address without its last slash, too; not
    # another site's whose address begins the same.
    html = (
        "<style>.m { background: url('https://dopepress.example.com/media/a.jpg') }</style>"
        '<a href="https://dopepress.example.com">home</a>'
        '<a href="https://dopepress.example.com.evil/x">other</a>'
    )
    rewritten = local_links(html, base, local)
    assert "url('http://x/site/media/a.jpg')" in rewritten
    assert '<a href="http://x/site">home</a>' in rewritten
    assert 'href="https://dopepress.example.com.evil/x"' in rewritten
    assert f">{local}" not in page
    issue = running.get("/_preview/issue/1-strangers")[1].decode()
    # Subject and preheader set apart by their own direction (a Hebrew one was cut from its
    # wrong end, its quotes on the wrong sides).
    assert '<span class="subject" dir="auto" lang="en">Strangers in the night</span>' in issue
    assert 'Preheader: “<bdi lang="en">Ghosts and strangers this week.</bdi>”' in issue
    for part in ("Ghosts and strangers this week.", "of Gmail", "every image has alt text"):
        assert part in issue, part
    assert "DoPe Press: No. 1" in issue  # the plain-text part


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("/_preview/issue/1", "/_preview/issue/1-strangers"),
        ("/_preview/issue/1-an-old-subject", "/_preview/issue/1-strangers"),
        ("/_preview/issue/1?width=375", "/_preview/issue/1-strangers?width=375"),
        ("/_preview/issue/1-old/email?x=1", "/_preview/issue/1-strangers/email?x=1"),
    ],
)
def test_an_issue_named_by_its_number_leads_to_its_page(
    running: Preview, path: str, location: str
) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", running.port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        assert (response.status, response.getheader("Location")) == (302, location)
    finally:
        connection.close()
    assert running.get("/_preview/issue/2")[0] == 404  # no issue 2


@pytest.mark.parametrize(
    "path",
    [
        "/site/../dopemail.toml",
        "/site/%2e%2e/dopemail.toml",
        "/site/%2E%2E/%2e%2e/etc/passwd",
        "/site/..%2fdopemail.toml",
        "/feeds/..%5c..%5cdopemail.toml",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/site//etc/passwd",
        "//etc/passwd",
        "/etc/passwd",
        "/dopemail.toml",
        "/entries/night-film.md",
        "/site/media/../../dopemail.toml",
        "/site/media/night/%2e%2e/%2e%2e/%2e%2e/dopemail.toml",
        "/_preview/../dopemail.toml",
        "/_preview/templates/issue.html.j2",
        "/site/issues/1-strangers/%00email.html",
    ],
)
def test_nothing_outside_the_outputs_is_served(running: Preview, path: str) -> None:
    status, body = running.get(path)
    assert status == 404
    assert b"[publication]" not in body and b"root:" not in body


def test_an_open_entry_page_renamed_says_where_its_page_went(tmp_path: Path) -> None:
    # Renaming an issue moves its open tab; an entry's page was a bare 404.
    root = write_publication(tmp_path / "pub")
    entry = root / "entries/other-news.md"
    entry.write_text(DRAFT.replace("Draft Piece", "Other News").replace("draft: true", ""))
    with preview_process(root) as preview:
        assert preview.get("/site/other-news/")[0] == 200
        entry.rename(root / "entries/renamed-news.md")

        def told() -> str:
            status, body = preview.get("/site/other-news/")
            text = body.decode()
            return text if status == 404 and "renamed" in text else ""

        text = str(wait_for(told, what="the 404 of the renamed page"))
        assert '<a href="/site/renamed-news/">/site/renamed-news/</a>' in text, text
        assert "<code>slug: other-news</code> in <code>entries/renamed-news.md</code>" in text
        assert preview.get("/site/renamed-news/")[0] == 200


def test_a_published_site_s_address_is_told_its_address_in_the_preview(running: Preview) -> None:
    # '/night-film/', copied from an email's text part with the host changed: "nothing here,
    # this page reloads by itself when a build makes it", which no build ever does.
    status, body = running.get("/night-film/")
    page = body.decode("utf-8")
    assert status == 404 and 'did you mean <a href="/site/night-film/">' in page, page
    assert "reloads by itself" not in page
    status, body = running.get("/night-film")
    assert status == 404 and 'href="/site/night-film"' in body.decode("utf-8")
    # Nothing of that name: no address told; under /site/ a build may make it, and it waits.
    page = running.get("/no-such-film/")[1].decode("utf-8")
    assert "did you mean" not in page and "reloads by itself" not in page
    page = running.get("/site/no-such-film/")[1].decode("utf-8")
    assert "did you mean" not in page and "reloads by itself when a build makes it" in page
    page = running.get("/_preview/issue/4-next-week")[1].decode("utf-8")  # an issue to come
    assert "reloads by itself when a build makes it" in page


def test_binds_to_loopback_only(running: Preview) -> None:
    assert running.url.startswith("http://127.0.0.1:")
    listening = Path("/proc/net/tcp")
    if listening.exists():  # Linux: the listening socket's own address is 127.0.0.1
        port = f"{running.port:04X}"
        rows = [line.split() for line in listening.read_text().splitlines()[1:]]
        bound = {row[1] for row in rows if row[1].endswith(f":{port}") and row[3] == "0A"}
        assert bound == {f"0100007F:{port}"}
    others = {"127.0.0.2"}  # also loopback, but not the bound address
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET: picks the outgoing address, sends nothing
            others.add(probe.getsockname()[0])
        except OSError:
            pass
    for address in others - {"127.0.0.1", "0.0.0.0"}:
        with pytest.raises(OSError):
            socket.create_connection((address, running.port), timeout=2).close()


def test_a_server_made_without_a_host_binds_to_loopback_only(workspace: Path) -> None:
    # (Scripts and tests make one in their own process: the default is this machine only.)
    server = PreviewServer(PreviewState(workspace))
    try:
        assert server.server_address[0] == "127.0.0.1"
        assert server.url.startswith("http://127.0.0.1:")
        assert not server.shared
    finally:
        server.server_close()


def test_other_host_names_are_refused(running: Preview) -> None:
    # A page on another site reaching the preview through DNS rebinding sends its own Host.
    status, _ = running.get("/", headers={"Host": f"attacker.example:{running.port}"})
    assert status == 403
    assert running.get("/", headers={"Host": f"localhost:{running.port}"})[0] == 200


def _get_from(address: str, port: int, host: str) -> tuple[int, bytes]:
    """GET / from the preview at ``address`` with ``host`` as the Host header."""
    connection = http.client.HTTPConnection(address, port, timeout=10)
    try:
        connection.request("GET", "/", headers={"Host": host})
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


def test_another_loopback_address_is_answered_at_its_own_address(tmp_path: Path) -> None:
    # --host 127.0.0.2 answered every request 403 "use http://127.0.0.1", where nothing
    # listened: only 127.0.0.1, localhost and [::1] were names of this machine.
    root = write_publication(tmp_path / "pub")
    with preview_process(root, "--host", "127.0.0.2") as preview:
        assert preview.url.startswith("http://127.0.0.2:"), preview.url
        assert _get_from("127.0.0.2", preview.port, f"127.0.0.2:{preview.port}")[0] == 200
        assert _get_from("127.0.0.2", preview.port, f"localhost:{preview.port}")[0] == 200
        status, said = _get_from("127.0.0.2", preview.port, f"attacker.example:{preview.port}")
        assert status == 403 and f"Open http://127.0.0.2:{preview.port}/" in said.decode(), said
        assert "--allow-host attacker.example" in said.decode(), said
        # An address or an empty name is no name --allow-host takes: not advised.
        for host in (f"[fe80::1]:{preview.port}", "."):
            status, said = _get_from("127.0.0.2", preview.port, host)
            assert status == 403 and "--allow-host" not in said.decode(), (host, said)


def test_send_test_writes_the_issue_to_the_outbox(running: Preview) -> None:
    page = running.get("/_preview/issue/1-strangers")[1].decode()
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"token": token, "address": "editor@example.com"}).encode()
    kind = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
    status, body = running.request("POST", "/_preview/issue/1-strangers/send-test", form, kind)
    answer = json.loads(body)
    assert status == 200 and answer["ok"], answer
    root = Path(running.log.parent / "pub")
    written = sorted((root / "outbox/1-strangers/tests").glob("*.eml"))
    assert len(written) == 1 and written[0].name in answer["message"]
    message = email.message_from_bytes(written[0].read_bytes(), policy=email.policy.default)
    assert message["Subject"] == "[TEST] Strangers in the night"
    assert message["To"] == "editor@example.com"
    assert "Night Film" in message.get_body(("plain",)).get_content()
    assert "<html" in message.get_body(("html",)).get_content()
    # Posted without JavaScript: a page whose heading does not say "Test sent" above a
    # message saying it was only written ("not sent: ...").
    kind = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"}
    status, body = running.request("POST", "/_preview/issue/1-strangers/send-test", form, kind)
    shown = body.decode()
    assert status == 200 and "<h1>Send test</h1>" in shown and "(not sent:" in shown
    assert "Test sent" not in shown
    assert len(list((root / "outbox/1-strangers/tests").glob("*.eml"))) == 2
    # With a name, as 'dopemail send --test' takes it (the form refused it).
    named = urllib.parse.urlencode({"token": token, "address": "Zoé Lefèvre <zoe@example.com>"})
    kind = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
    status, body = running.request(
        "POST", "/_preview/issue/1-strangers/send-test", named.encode(), kind
    )
    assert status == 200 and json.loads(body)["ok"], body
    newest = max(
        (root / "outbox/1-strangers/tests").glob("*.eml"), key=lambda p: p.stat().st_mtime_ns
    )
    message = email.message_from_bytes(newest.read_bytes(), policy=email.policy.default)
    assert message["To"].addresses[0].display_name == "Zoé Lefèvre"
    assert message["To"].addresses[0].addr_spec == "zoe@example.com"


def test_a_test_written_by_the_preview_is_a_file_of_its_own_in_utc(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two within the same second (a button clicked twice) had one name: the second replaced
    # the first. And its date and name followed the machine's zone, its lines LF alone.
    from dopemail.build import build
    from dopemail.preview.hooks import write_test_eml

    rendered = build(workspace, write=False)[0].issues[0]
    monkeypatch.setenv("TZ", "Pacific/Chatham")
    time.tzset()
    moment = time.gmtime(1_733_400_000)  # 2024-12-05 12:00 UTC: the 6th at Chatham
    monkeypatch.setattr(time, "gmtime", lambda *args: moment)
    try:
        first = write_test_eml(workspace, rendered, "editor@example.com")
        second = write_test_eml(workspace, rendered, "editor@example.com")
    finally:
        monkeypatch.undo()
        time.tzset()
    assert first != second and first.exists() and second.exists()
    assert first.name.startswith("preview-20241205-") and second.name.endswith("-2.eml")
    data = second.read_bytes()
    assert data.count(b"\r\n") == data.count(b"\n")
    date = re.search(rb"^Date: (.*)\r$", data, re.M).group(1)
    assert date.endswith(b" +0000"), date
    # Its encoded lines within RFC 2045's 76, as the sender's (78, the header's limit, once),
    # and its parts read back as the issue built.
    body = data.partition(b"\r\n\r\n")[2]
    assert max(len(line) for line in body.split(b"\r\n")) <= 76
    parsed = email.message_from_bytes(data, policy=email.policy.default)
    html = parsed.get_body(("html",)).get_content().replace("\r\n", "\n")
    assert html.rstrip("\n") == rendered.html.rstrip("\n")


def test_send_test_refuses_forged_posts(running: Preview) -> None:
    form = urllib.parse.urlencode({"token": "guess", "address": "x@example.com"}).encode()
    kind = {"Content-Type": "application/x-www-form-urlencoded"}
    path = "/_preview/issue/1-strangers/send-test"
    assert running.request("POST", path, form, kind)[0] == 403
    page = running.get("/_preview/issue/1-strangers")[1].decode()
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    good = urllib.parse.urlencode({"token": token, "address": "x@example.com"}).encode()
    other_site = {**kind, "Origin": "https://attacker.example"}
    assert running.request("POST", path, good, other_site)[0] == 403
    bad_address = urllib.parse.urlencode({"token": token, "address": "not an address"}).encode()
    as_json = {**kind, "Accept": "application/json"}
    status, body = running.request("POST", path, bad_address, as_json)
    assert status == 400 and "not a valid address" in json.loads(body)["message"]


def test_no_environment_secret_is_ever_served(running: Preview) -> None:
    status, index = running.get("/")
    paths = {"/", "/_preview/issue/1-strangers", "/_preview/issue/1-strangers/email"}
    paths |= set(re.findall(r'href="(/[^"]*)"', index.decode()))
    paths |= {"/_preview/live.js", "/_preview/preview.css", "/no-such-page"}
    for path in sorted(paths):
        _, body = running.get(path)
        assert SECRET.encode() not in body, path
        assert b"DOPEMAIL_POSTMARK_TOKEN" not in body, path
    assert SECRET not in running.log.read_text()


def _events(running: Preview, query: str) -> list[str]:
    """The first lines of the event stream (it stays open; stop at the first event after the
    state every connection is told first, "ok" when the build is good)."""
    connection = http.client.HTTPConnection("127.0.0.1", running.port, timeout=10)
    connection.request("GET", f"/_events?{query}")
    response = connection.getresponse()
    assert response.getheader("Content-Type").startswith("text/event-stream")
    lines: list[str] = []
    while not lines or not lines[-1].startswith("data:") or lines[-2] == "event: ok":
        lines.append(response.fp.readline().decode().strip())
    connection.close()
    return [line for line in lines if line]


def test_pages_from_before_a_restart_reload(running: Preview) -> None:
    page = running.get("/_preview/issue/1-strangers")[1].decode()
    script = re.search(r'data-version="(\d+)" data-boot="(\w+)"', page)
    assert script, "the issue page carries the live-reload script"
    version, boot = script.groups()
    deps = "deps=site%2Fissues%2F1-strangers%2F"
    assert "event: reload" in _events(running, f"v={version}&boot=other&{deps}")
    # A page made from an older version whose files have changed since then reloads too.
    assert "event: reload" in _events(running, f"v=0&boot={boot}&{deps}")


def test_nothing_is_written_to_site_or_feeds(running: Preview) -> None:
    root = running.log.parent / "pub"
    assert not (root / "site").exists() and not (root / "feeds").exists()


# -- start-up errors and the --host warning --------------------------------------------------


def test_start_up_errors_are_one_message_without_traceback(tmp_path: Path) -> None:
    result = run_process("preview", "--root", tmp_path, "--port", "0")
    assert result.returncode == 1
    assert "no dopemail.toml" in result.stderr and "Traceback" not in result.stderr

    root = write_publication(tmp_path / "pub")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_process("preview", "--root", root, "--port", str(port))
    assert result.returncode == 1
    assert f"port {port} is already in use" in result.stderr
    assert "hint:" in result.stderr and "Traceback" not in result.stderr


def test_other_interfaces_only_when_asked_and_with_a_warning(tmp_path: Path) -> None:
    root = write_publication(tmp_path / "pub")
    with preview_process(root, "--host", "0.0.0.0") as preview:
        assert preview.get("/")[0] == 200
        log = preview.log.read_text()
    assert "warning: serving on 0.0.0.0" in log and "drafts" in log


def test_shared_on_the_network_it_still_answers_only_to_this_machine_s_names(
    tmp_path: Path,
) -> None:
    # --host 0.0.0.0 answered any Host: a page at rebind.evil.example, its name pointed at
    # this machine (DNS rebinding), read the drafts and the issue page's token, and posted
    # the Send test form with its own Origin, which was checked against its own Host.
    root = write_publication(tmp_path / "pub")
    with preview_process(root, "--host", "0.0.0.0") as preview:
        port = preview.port
        evil = {"Host": f"rebind.evil.example:{port}"}
        for path in ("/", "/site/draft-piece/", "/_preview/issue/1-strangers"):
            status, said = preview.get(path, headers=evil)
            assert status == 403, (path, said)
        text = said.decode()
        assert "unknown Host 'rebind.evil.example'" in text, text
        assert f"Open http://127.0.0.1:{port}/" in text
        # Not the names it answers to: the page that rebound its name reads this answer.
        said = re.findall(r"[\w.-]+", text.lower())
        assert socket.gethostname().lower() not in said, text
        assert "--allow-host rebind.evil.example" in text, text
        page = preview.get("/_preview/issue/1-strangers")[1].decode()
        token = re.search(r'name="token" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode({"token": token, "address": "x@example.com"}).encode()
        forged = {
            **evil,
            "Origin": f"http://rebind.evil.example:{port}",
            "Content-Type": "application/x-www-form-urlencoded",
        }
        path = "/_preview/issue/1-strangers/send-test"
        assert preview.request("POST", path, form, forged)[0] == 403
        assert not (root / "outbox").exists()
        # What the editor types: an address, or a name of this machine, port or none.
        fqdn = socket.getfqdn()
        for host in (
            f"127.0.0.1:{port}",
            f"192.0.2.7:{port}",
            f"[::1]:{port}",
            f"localhost:{port}",
            "LOCALHOST.",
            f"0.0.0.0:{port}",
            f"{socket.gethostname().upper()}:{port}",
            f"{fqdn}.:{port}",
            fqdn,
        ):
            assert preview.get("/", headers={"Host": host})[0] == 200, host
        warned = preview.log.read_text()
    assert socket.gethostname().lower() in warned and "localhost" in warned, warned
    assert "only (--allow-host NAME adds a name)" in warned, warned
    # A name the network gives this machine, added as the refusal says.
    with preview_process(root, "--host", "0.0.0.0", "--allow-host", "Studio.lan") as preview:
        assert preview.get("/", headers={"Host": f"studio.lan:{preview.port}"})[0] == 200
        assert preview.get("/", headers={"Host": f"rebind.evil.example:{preview.port}"})[0] == 403
    result = run_process("preview", "--root", root, "--allow-host", "http://studio.lan:8000/")
    assert result.returncode == 2 and "no http://, no port" in result.stderr, result.stderr


def test_the_command_passes_its_options_to_serve(monkeypatch: pytest.MonkeyPatch, run_cli) -> None:
    calls: list[tuple[object, ...]] = []
    monkeypatch.setattr("dopemail.preview.server.serve", lambda *args, **kwargs: calls.append(args))
    code, _ = run_cli("preview", "--open", "--port", "0", "--root", "somewhere")
    assert code == 0
    assert calls == [(Path("somewhere"), "127.0.0.1", 0, True)]
    code, output = run_cli("preview", "--port", "70000")
    assert code == 2 and "70000" in output
    code, output = run_cli("preview", "--help")
    assert "Example: dopemail preview --open" in output


# -- the pieces ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("/site/a/", "/site/a/"),
        ("/site/a%20b/?x=1", "/site/a b/"),
        ("/site/%2e%2e/x", None),
        ("/site/./x", None),
        ("/site/a%5cb", None),
        ("/site/a%00b", None),
        ("http://host/site/a/", "/site/a/"),
    ],
)
def test_clean_path(raw: str, clean: str | None) -> None:
    assert clean_path(raw) == clean


def test_a_page_reloads_only_when_what_it_shows_changed() -> None:
    snapshot = Snapshot(
        version=3, changed_at={"site/a/index.html": 1, "site/issues/1-x/email.html": 3}
    )
    assert snapshot.changed_since(2, ["site/issues/1-x/"])
    assert not snapshot.changed_since(2, ["site/a/", "site/media/"])
    assert snapshot.changed_since(0, ["site/a/"])
    assert snapshot.changed_since(2, ["*"]) and not snapshot.changed_since(3, ["*"])


def test_the_not_found_page_reads_as_sentences() -> None:
    # "...its errors are shown above.This page reloads by itself...": the line break after
    # the sentence went with the block tag that ends it.
    from dopemail.preview.pages import not_found_page
    from dopemail.preview.state import Problem

    broken = Snapshot(problems=(Problem("entries/a.md:2", "broken YAML"),))
    text = re.sub(r"<[^>]+>", "", not_found_page(broken, "/site/a/"))
    assert "shown above. This page reloads by itself" in " ".join(text.split()), text


def test_inbox_snippet_starts_with_the_preheader_and_skips_padding() -> None:
    html = (
        "<html><head><title>T</title><style>p{}</style></head><body>"
        '<div style="display:none">Ghosts this week.&#847;&zwnj;&nbsp;&#847;&zwnj;&nbsp;</div>'
        "<h1>Strangers</h1><p>Body text.</p></body></html>"
    )
    assert inbox_snippet(html) == "Ghosts this week. Strangers Body text."
    # Padded as the default template pads it, the preheader alone: the padding's characters
    # fill what the inbox shows, unseen.
    padded = html.replace("&#847;&zwnj;&nbsp;" * 2, preview_padding("Ghosts this week."))
    assert inbox_snippet(padded) == "Ghosts this week."


def test_email_frame_switches_the_colour_scheme() -> None:
    html = (
        "<html><head><style>@media (prefers-color-scheme: dark) { p { color: #fff } }"
        "</style></head><body><p>x</p></body></html>"
    )
    dark, light = email_frame(html, "dark"), email_frame(html, "light")
    assert "@media (min-width: 0px)" in dark and "color-scheme: dark only" in dark
    assert "@media (min-width: 100000px)" in light and "color-scheme: light only" in light
    assert "invert(1)" in email_frame(html, "inverted")
    assert '<base target="_top">' in dark
    # MJML's buttons open a new tab, which <base> does not undo: in the preview, the tab.
    button = '<a href="https://x.example/" target="_blank">Read more</a>'
    framed = email_frame(html.replace("<p>x</p>", button), "light")
    assert '<a href="https://x.example/" target="_top">Read more</a>' in framed


def test_open_says_so_when_no_browser_can_be_opened(tmp_path: Path) -> None:
    # On a server or in a container --open finds no browser: silence would look broken.
    root = copy_publication(tmp_path / "pub")
    # No display and no other browser on the PATH: Python's webbrowser would try them after
    # the one named in BROWSER, and on a desktop open a real one.
    alone = {"BROWSER": "false", "DISPLAY": "", "WAYLAND_DISPLAY": ""}
    alone["PATH"] = os.path.dirname(sys.executable)
    with preview_process(root, "--open", env=alone) as preview:
        lines: queue.Queue[str] = queue.Queue()
        assert preview.process.stdout is not None
        out = preview.process.stdout
        threading.Thread(target=lambda: lines.put(out.readline()), daemon=True).start()
        said = lines.get(timeout=30)
    assert said == f"No web browser could be opened here: open {preview.url} in one yourself.\n"


def test_a_malformed_content_length_is_refused_without_a_traceback(running: Preview) -> None:
    path = "/_preview/issue/1-strangers/send-test"
    for length in ("abc", "-1"):
        status, body = running.request("POST", path, b"", {"Content-Length": length})
        assert (status, body) == (400, b"bad Content-Length\n"), length


def test_a_template_failing_on_a_draft_page_is_shown_and_then_recovers(tmp_path: Path) -> None:
    # An error other than Jinja's, raised only for a draft's page (which the build proper
    # does not make), once ended the thread that rebuilds on every save: the preview went on
    # showing the last build, without a word, until it was restarted.
    root = write_publication(tmp_path)
    template = root / "templates/entry.html.j2"
    template.parent.mkdir(exist_ok=True)
    (root / "entries/draft-two.md").write_text(DRAFT.replace("Draft Piece", "Draft Two"), "utf-8")
    state = PreviewState(root)
    assert not state.rebuild().problems
    draft_page = state.snapshot.outputs["site/draft-piece/index.html"]
    template.write_text(
        '{% extends "page.html.j2" %}{% block main %}\n'
        '{{ (1/0) if entry.draft else "" }}\n{% endblock %}\n',
        encoding="utf-8",
    )
    snapshot = state.rebuild({"templates/entry.html.j2"})
    problems = snapshot.problems
    assert [p.location for p in problems] == ["templates/entry.html.j2:2"], problems
    assert "template error: division by zero in the template's expression" in problems[0].message
    # Said for what it is (the overlay said the build failed, while build and check pass),
    # and the draft's page is its last good one, not a 404.
    assert snapshot.drafts_only and snapshot.problems_title.startswith("A draft's page failed")
    assert snapshot.outputs["site/draft-piece/index.html"] is draft_page
    # A draft deleted meanwhile (the other still failing) is gone, not served from the last
    # good pages.
    assert "site/draft-two/index.html" in snapshot.outputs
    (root / "entries/draft-two.md").unlink()
    snapshot = state.rebuild({"entries/draft-two.md"})
    assert snapshot.drafts_only and "site/draft-two/index.html" not in snapshot.outputs
    template.unlink()
    assert not state.rebuild({"templates/entry.html.j2"}).problems
    assert not state.snapshot.drafts_only


DRAFTS_FAIL = (
    '{% extends "page.html.j2" %}{% block main %}\n'
    "{% if entry.meta.draft %}{{ nope.x }}{% endif %}\n{% endblock %}\n"
)


def test_an_entry_made_a_draft_whose_page_fails_keeps_its_last_good_page(tmp_path: Path) -> None:
    # Only drafts' last pages were kept: an entry just made a draft, its page failing, was a
    # 404 saying "the last build failed", under an overlay saying its last good version was
    # shown.
    root = write_publication(tmp_path)
    entry = root / "entries/other-news.md"  # in no issue: it may become a draft
    entry.write_text(DRAFT.replace("Draft Piece", "Other News").replace("draft: true", ""))
    template = root / "templates/entry.html.j2"
    template.parent.mkdir(exist_ok=True)
    template.write_text(DRAFTS_FAIL, encoding="utf-8")
    state = PreviewState(root)
    assert [p.location for p in state.rebuild().problems] == ["templates/entry.html.j2:2"]
    published = state.snapshot.outputs["site/other-news/index.html"]
    entry.write_text(entry.read_text().replace("kind: news", "kind: news\ndraft: true"))
    snapshot = state.rebuild({"entries/other-news.md"})
    assert snapshot.drafts_only and snapshot.problems
    assert len(snapshot.problems) == 1, snapshot.problems  # one template error, said once
    assert snapshot.outputs["site/other-news/index.html"] is published
    # The other draft never rendered: it has no version to show, and the title says which.
    assert snapshot.drafts_unshown == ("site/draft-piece/",)
    assert "no earlier version of /site/draft-piece/ to show" in snapshot.problems_title
    assert "the other drafts' last good versions are shown" in snapshot.problems_title


def test_a_new_draft_whose_page_fails_says_it_has_no_version_to_show(tmp_path: Path) -> None:
    from dopemail.preview.pages import not_found_page

    root = write_publication(tmp_path)
    (root / "entries/draft-piece.md").unlink()
    state = PreviewState(root)
    assert not state.rebuild().problems
    template = root / "templates/entry.html.j2"
    template.parent.mkdir(exist_ok=True)
    template.write_text(DRAFTS_FAIL, encoding="utf-8")
    assert not state.rebuild({"templates/entry.html.j2"}).problems
    (root / "entries/brand-new.md").write_text(DRAFT.replace("Draft Piece", "Brand New"))
    snapshot = state.rebuild({"entries/brand-new.md"})
    assert snapshot.drafts_only and snapshot.drafts_unshown == ("site/brand-new/",)
    assert "site/brand-new/index.html" not in snapshot.outputs
    title = snapshot.problems_title
    assert "no earlier version of /site/brand-new/ to show" in title
    assert "last good version is shown" not in title
    for path in ("/site/brand-new/", "/site/brand-new/index.html"):  # (the page's file too)
        text = " ".join(re.sub(r"<[^>]+>", "", not_found_page(snapshot, path)).split())
        assert "there is no earlier version of it to show" in text, text
        assert "The last build failed" not in text


def test_a_template_emptied_while_previewing_is_shown_and_then_recovers(tmp_path: Path) -> None:
    # An editor emptying a file to start it again: the preview says so (it used to show
    # blank pages), and shows the pages again once the template holds something.
    root = write_publication(tmp_path)
    template = root / "templates/page.html.j2"
    template.parent.mkdir(exist_ok=True)
    state = PreviewState(root)
    assert not state.rebuild().problems
    template.write_text("\n", encoding="utf-8")
    problems = state.rebuild({"templates/page.html.j2"}).problems
    assert [(p.location, p.message) for p in problems] == [
        (
            "templates/page.html.j2",
            "the template is empty: what is made with it would be published blank",
        )
    ]
    # (With every block dopemail's pages fill: one left out is an error of its own.)
    template.write_text(
        "<title>{% block title %}{% endblock %}</title>{% block head %}{% endblock %}"
        "<main>{% block main %}{% endblock %}</main>\n",
        encoding="utf-8",
    )
    snapshot = state.rebuild({"templates/page.html.j2"})
    assert not snapshot.problems
    assert snapshot.outputs["site/index.html"].startswith(b"<title>")
    assert b"<main>" in snapshot.outputs["site/index.html"]


def test_a_merge_conflict_in_a_template_is_shown_in_the_preview(tmp_path: Path) -> None:
    # A pull that conflicted in a template: the preview showed both sides and the markers.
    root = write_publication(tmp_path)
    template = root / "templates/entry_item.html.j2"
    template.parent.mkdir(exist_ok=True)
    state = PreviewState(root)
    assert not state.rebuild().problems
    mine = "<li>{{ entry.meta.title }}</li>"
    template.write_text(f"<<<<<<< HEAD\n{mine}\n=======\n{mine}!\n>>>>>>> 1a2b3c4\n", "utf-8")
    problems = state.rebuild({"templates/entry_item.html.j2"}).problems
    assert [(p.location, p.message) for p in problems] == [
        (
            "templates/entry_item.html.j2:1",
            "a merge conflict is left in it (lines 1-5): both versions are in the file",
        )
    ]
    template.write_text(f"{mine}\n", "utf-8")
    snapshot = state.rebuild({"templates/entry_item.html.j2"})
    assert not snapshot.problems
    assert b"<<<<<<<" not in snapshot.outputs["site/index.html"]


def _kept_elsewhere(root: Path, rel: str, elsewhere: Path) -> Path:
    """Move the workspace's folder ``rel`` to ``elsewhere`` and link it back in its place."""
    elsewhere.parent.mkdir(parents=True, exist_ok=True)
    (root / rel).rename(elsewhere)
    (root / rel).symlink_to(elsewhere, target_is_directory=True)
    return elsewhere


def test_a_linked_entries_folder_is_watched(tmp_path: Path) -> None:
    # Entries kept on another disk or in a synced folder, linked into the workspace: their
    # paths resolve outside it, and every save was dropped without a word.
    root = write_publication(tmp_path / "pub")
    elsewhere = _kept_elsewhere(root, "entries", tmp_path / "synced" / "entries")
    watcher = Watcher(root, lambda paths: None)
    saved = str(root / "entries" / "night-film.md")
    assert watcher._relative({(watchfiles.Change.modified, saved)}) == {"entries/night-film.md"}
    real = str(elsewhere / "night-film.md")  # as some watchers report it: nothing of ours
    assert watcher._relative({(watchfiles.Change.modified, real)}) == set()
    # A folder of the workspace linked into media/: a change in it is told by its link
    # (photos/shared/a.png was dropped, being no source).
    (root / "photos/shared").mkdir(parents=True)
    (root / "media/shared").symlink_to(root / "photos/shared", target_is_directory=True)
    watcher._links = linked_folders(watcher._source_dirs())
    inside = str(root / "photos/shared/a.png")
    assert watcher._relative({(watchfiles.Change.modified, inside)}) == {"media/shared/a.png"}


def test_a_folder_linked_into_media_is_watched(tmp_path: Path) -> None:
    # A recursive watch does not enter a link: a picture replaced in a film's folder linked
    # into media/ from elsewhere was served new, at the old picture's size, until some other
    # file changed.
    root = write_publication(tmp_path / "pub")
    elsewhere = _kept_elsewhere(root, "media/night", tmp_path / "synced" / "night")
    with preview_process(root) as preview:
        _, page = preview.get("/site/night-film/")
        assert b'width="60" height="40"' in page
        buffer = BytesIO()
        Image.new("RGB", (30, 50), (20, 30, 200)).save(buffer, "PNG")
        (elsewhere / "still.png").write_bytes(buffer.getvalue())
        wait_for(
            lambda: b'width="30" height="50"' in preview.get("/site/night-film/")[1],
            what="the page with the new picture's size",
        )
        # A folder linked there while it runs is watched too.
        later = tmp_path / "synced" / "later"
        later.mkdir()
        (later / "poster.png").write_bytes(buffer.getvalue())
        (root / "media/later").symlink_to(later, target_is_directory=True)
        entry = root / "entries/night-film.md"
        poster = "images:\n  - src: media/later/poster.png\n    alt: A poster\n"
        entry.write_text(ENTRY.format(summary="x").replace("images:\n", poster), "utf-8")
        wait_for(lambda: b"poster.png" in preview.get("/site/night-film/")[1], what="poster")
        Image.new("RGB", (90, 10), (20, 30, 200)).save(later / "poster.png", "PNG")
        wait_for(
            lambda: b'width="90" height="10"' in preview.get("/site/night-film/")[1],
            what="the poster's new size",
        )


def test_a_template_environment_replaced_by_a_full_build_is_freed(tmp_path: Path) -> None:
    # Frozen by the collector while in use, the replaced environment (its cycles beyond
    # reference counting) was kept for good: memory grew with every template save.
    root = write_publication(tmp_path)
    (root / "templates").mkdir(exist_ok=True)
    state = PreviewState(root)
    assert not state.rebuild().problems
    state._collector._run(state._collector.builds)  # the tidy after the first build
    assert state._env is not None
    first = weakref.ref(state._env[1])
    (root / "templates/entry_item.html.j2").write_text("<li>{{ entry.meta.title }}</li>\n")
    assert not state.rebuild({"templates/entry_item.html.j2"}).problems
    assert state._env[1] is not first()
    state._collector._run(state._collector.builds)
    gc.enable()
    assert first() is None


@pytest.mark.parametrize(
    ("rel", "rebuilds"),
    [
        ("entries/night-film.md", True),
        ("entries/night-film.markdown", True),  # reported by the build: once never seen
        ("entries/Night-Film.MD", True),
        ("issues/2-more.md.txt", True),
        ("entries/2024/night-film.md", True),  # reported by the build: filed in a folder
        ("entries/2024/notes.txt", False),
        ("entries/.trash/night-film.md", False),  # an editor's own folder: no piece
        ("entries/.night-film.md.swp", False),
        ("entries/night-film.md~", False),
        ("entries/notes.txt", False),
        ("dopemail.toml", True),  # the settings
        ("media/night-film/01.jpg", True),
        ("templates/issue.html.j2", True),
        ("site/index.html", False),  # an output: rebuilding on it would loop
    ],
)
def test_what_a_save_rebuilds(rel: str, rebuilds: bool) -> None:
    assert is_source(rel) is rebuilds


def test_saves_made_during_a_build_are_all_in_the_next_one(tmp_path: Path) -> None:
    # Two batches queued while a build runs: the next build gets both, not the last alone.
    calls: list[set[str]] = []
    building = threading.Event()
    release = threading.Event()

    def on_change(paths: set[str]) -> None:
        calls.append(paths)
        building.set()
        release.wait(15)

    watcher = Watcher(tmp_path, on_change)
    thread = threading.Thread(target=watcher._deliver, daemon=True)
    thread.start()
    try:
        watcher._batches.put({"entries/a.md"})
        assert building.wait(15)
        watcher._batches.put({"entries/b.md"})
        watcher._batches.put({"entries/c.md"})
        release.set()
        wait_for(lambda: len(calls) >= 2, what="a second build")
    finally:
        release.set()
        watcher._batches.put(None)
        thread.join(15)
    assert calls == [{"entries/a.md"}, {"entries/b.md", "entries/c.md"}]


def test_a_rebuild_that_fails_does_not_stop_the_next_ones(tmp_path: Path, capfd) -> None:
    # The thread that hands each save to a rebuild once died with the first unexpected
    # error: every later save was ignored until the preview was restarted.
    seen: list[set[str]] = []

    def on_change(paths: set[str]) -> None:
        seen.append(paths)
        if len(seen) == 1:
            raise ZeroDivisionError("a bug")

    watcher = Watcher(tmp_path, on_change)
    thread = threading.Thread(target=watcher._deliver)
    thread.start()
    watcher._batches.put({"entries/a.md"})
    while not seen:
        time.sleep(0.01)
    watcher._batches.put({"entries/b.md"})
    deadline = time.monotonic() + 5
    while len(seen) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    watcher._batches.put(None)
    thread.join(5)
    assert seen == [{"entries/a.md"}, {"entries/b.md"}]
    assert "ZeroDivisionError: a bug" in capfd.readouterr().err


def test_the_index_of_a_large_archive_lists_the_newest_and_every_draft(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 10,000 entries made it a page of 3 MB, rendered again at every reload.
    from dopemail.preview import pages

    root = write_publication(tmp_path)
    # A sent issue besides the sample's ready one: every issue not sent is listed too.
    sent = ISSUE.format(intro="").replace("number: 1", "number: 2").replace("ready", "sent")
    (root / "issues/2-sent.md").write_text(sent, encoding="utf-8")
    state = PreviewState(root)
    assert not state.rebuild().problems
    entries = state.snapshot.build.entries
    drafts = [item.entry.slug for item in entries if item.entry.draft]
    published = [item.entry.slug for item in entries if not item.entry.draft]
    assert drafts and published
    monkeypatch.setattr(pages, "INDEX_ROWS", 0)
    page = index_page(state.snapshot, root)
    listed = re.findall(r'<td><a href="/site/([^/"]+)/" lang="en">', page)
    assert listed == drafts
    assert f"{len(published)} older entr" in page and '<a href="/?all=1">' in page
    issues = r'<td><a href="/_preview/issue/([^"]+)" lang="en">'
    assert re.findall(issues, page) == ["1-strangers"]
    assert "1 older issue, all sent, not listed" in page
    every = index_page(state.snapshot, root, everything=True)
    entry_rows = r'<td><a href="/site/([^/"]+)/" lang="en">'
    assert re.findall(entry_rows, every) == [i.entry.slug for i in entries]
    assert re.findall(issues, every) == ["2-sent", "1-strangers"]
    assert "older entr" not in every and "older issue" not in every


def test_the_index_shows_a_title_s_italics(tmp_path: Path) -> None:
    root = write_publication(tmp_path)
    entry = root / "entries/night-film.md"
    text = re.sub(r"(?m)^title: .*$", 'title: "*Night Film* <again>"', entry.read_text("utf-8"))
    entry.write_text(text, encoding="utf-8")
    state = PreviewState(root)
    assert not state.rebuild().problems
    page = index_page(state.snapshot, root)
    assert '/night-film/" lang="en"><i>Night Film</i> &lt;again&gt;</a>' in page


def test_the_index_shows_what_build_would_warn_of(tmp_path: Path) -> None:
    # The typos an editor previews to catch were printed by build and check only.
    root = write_publication(tmp_path)
    entry = root / "entries/night-film.md"
    text = entry.read_text(encoding="utf-8")
    text = text.replace("published: 2024-01-12T09:00:00-08:00", "published: 2031-11-08")
    entry.write_text(text.replace("The review itself.", "See [it](elsewhere/)."), "utf-8")
    state = PreviewState(root)
    assert not state.rebuild().problems
    page = index_page(state.snapshot, root)
    warnings = page[page.index("<h2>Warnings</h2>") : page.index("<h2>Issues</h2>")]
    assert "entries/night-film.md:4: &#39;published&#39; is 2031-11-08, in the future" in warnings
    assert "the link to https://dopepress.example.com/night-film/elsewhere/ leads to no page" in (
        warnings
    )


def test_an_open_index_reloads_when_only_its_warnings_change(tmp_path: Path, browser) -> None:
    # A template no one uses changes no output: the open index went on without its warning,
    # and kept it once the file was gone.
    root = write_publication(tmp_path / "pub")
    warnings = "document.querySelector('body').innerText"
    with preview_process(root) as preview:
        page = browser.new_page()
        try:
            page.goto(preview.url)
            assert "entyr.html.j2" not in page.evaluate(warnings)
            (root / "templates").mkdir()
            (root / "templates/entyr.html.j2").write_text("{{ x }}", encoding="utf-8")
            wait_for(lambda: "entyr.html.j2" in page.evaluate(warnings), what="the warning")
            (root / "templates/entyr.html.j2").unlink()
            wait_for(lambda: "entyr.html.j2" not in page.evaluate(warnings), what="it gone")
        finally:
            page.close()


def test_an_issue_page_reloads_when_only_what_it_shows_of_the_settings_changed(
    tmp_path: Path,
) -> None:
    # The size limit (and the provider, the outbox) change no output: the open issue page
    # went on showing the old limit until reloaded by hand.
    root = write_publication(tmp_path)
    state = PreviewState(root)
    assert not state.rebuild().problems
    deps = ["site/issues/1-strangers/", "_preview/settings", "_preview/issue/1-strangers"]
    before = state.snapshot.version
    config = root / "dopemail.toml"
    config.write_text(config.read_text() + "\n[newsletter]\nwarn_bytes = 1000\n", "utf-8")
    snapshot = state.rebuild({"dopemail.toml"})
    assert not snapshot.problems
    assert not snapshot.changed_since(before, deps[:1])  # the email itself is the same
    assert snapshot.changed_since(before, deps[1:2]) and snapshot.changed_since(before, deps[2:])
    # An edit that changes neither leaves them be.
    before = snapshot.version
    entry = root / "entries/draft-piece.md"
    entry.write_text(entry.read_text().replace("Not yet.", "Not yet, really."), "utf-8")
    snapshot = state.rebuild({"entries/draft-piece.md"})
    assert snapshot.version > before and not snapshot.changed_since(before, deps)


@pytest.mark.parametrize(
    ("setting", "said"),
    [
        ("", "of Gmail's 102 KB clipping limit"),
        # Once called Gmail's limit too, whatever the publication had set.
        ("\n[newsletter]\nmax_bytes = 60000\n", "of the 60 KB limit set in dopemail.toml"),
    ],
)
def test_the_size_meter_names_whose_limit_it_is(tmp_path: Path, setting: str, said: str) -> None:
    root = write_publication(tmp_path)
    config = root / "dopemail.toml"
    config.write_text(config.read_text() + setting, encoding="utf-8")
    state = PreviewState(root)
    snapshot = state.rebuild()
    rendered = find_issue(snapshot, "1-strangers")
    assert rendered is not None
    page = issue_page(snapshot, rendered, 375, "light", "token")
    assert said in " ".join(page.split())


def test_a_bug_in_a_draft_page_is_shown_and_the_next_rebuild_recovers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Not a template's error (those are located): dopemail's own, which once ended the
    # rebuilds for good.
    import dopemail.preview.state as state_module

    root = write_publication(tmp_path)
    state = PreviewState(root)
    assert not state.rebuild().problems
    real = state_module.draft_outputs

    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("a bug")

    monkeypatch.setattr(state_module, "draft_outputs", broken)
    entry = root / "entries/draft-piece.md"
    entry.write_text(entry.read_text().replace("Not yet.", "Not yet!"), "utf-8")
    problems = state.rebuild({"entries/draft-piece.md"}).problems
    assert [p.message for p in problems] == ["internal error: RuntimeError: a bug"]
    monkeypatch.setattr(state_module, "draft_outputs", real)
    entry.write_text(entry.read_text().replace("Not yet!", "Not yet."), "utf-8")
    assert not state.rebuild({"entries/draft-piece.md"}).problems


def test_a_tab_shown_again_drops_the_overlay_of_problems_fixed_meanwhile(
    tmp_path: Path, browser
) -> None:
    root = write_publication(tmp_path / "pub")
    draft = root / "entries/draft-piece.md"
    good = draft.read_text(encoding="utf-8")
    shown = "Object.defineProperty(document, 'hidden', {value: %s, configurable: true});" + (
        "document.dispatchEvent(new Event('visibilitychange'))"
    )
    with preview_process(root) as preview:
        page = browser.new_page()
        page.goto(preview.url + "site/night-film/")
        draft.write_text(good.replace("title: Draft Piece", "title: [Draft"), "utf-8")
        overlay = page.locator("#dopemail-overlay")
        overlay.wait_for(state="visible", timeout=15_000)
        page.evaluate(shown % "true")
        draft.write_text(good, encoding="utf-8")
        rebuilt = re.compile(r"(built|patched) in \d+ ms")
        assert wait_for(lambda: rebuilt.search(preview.log.read_text().rsplit("failed", 1)[-1]))
        page.evaluate(shown % "false")
        overlay.wait_for(state="detached", timeout=15_000)
        page.close()


def test_an_open_page_says_when_the_preview_stopped(tmp_path: Path, browser) -> None:
    # Stopped (Ctrl-C in its terminal), the preview left its pages open with no sign: the
    # editor saved on, to a page that no longer followed.
    root = write_publication(tmp_path / "pub")
    with preview_process(root) as preview:
        page = browser.new_page()
        # The page's event stream, kept where the test can see whether it is open (live.js
        # keeps it to itself): a fixed wait for it to open failed on a loaded machine.
        page.add_init_script(
            "window.__streams = []; const Real = window.EventSource;"
            "window.EventSource = function (url) {"
            "  const stream = new Real(url); window.__streams.push(stream); return stream; };"
        )
        page.goto(preview.url + "site/night-film/")
        page.wait_for_function("() => document.readyState === 'complete'")
        page.wait_for_function(
            "() => window.__streams.some((s) => s.readyState === 1)",  # OPEN
            timeout=15_000,
        )
        assert page.locator("#dopemail-gone").count() == 0
        preview.process.send_signal(signal.SIGINT)
        preview.process.wait(timeout=30)
        note = page.locator("#dopemail-gone")
        note.wait_for(state="visible", timeout=15_000)
        assert "not answering" in note.inner_text()
        page.close()


def test_an_issue_page_reloads_when_a_warning_moves_to_another_line(tmp_path: Path) -> None:
    # The page shows each warning with its line: a warning's line moved, the email the same,
    # and the page went on naming the old line.
    root = write_publication(tmp_path)
    issue = root / "issues/1-strangers.md"
    text = issue.read_text(encoding="utf-8").replace("status: ready", "status: draft")
    issue.write_text(text.replace("[night-film]", "[night-film, draft-piece]"), "utf-8")
    state = PreviewState(root)
    first = state.rebuild()
    assert not first.problems
    issue.write_text(issue.read_text().replace("entries:", "# the films\nentries:"), "utf-8")
    snapshot = state.rebuild({"issues/1-strangers.md"})
    assert not snapshot.changed_since(first.version, ["site/issues/1-strangers/email.html"])
    assert snapshot.changed_since(first.version, ["_preview/issue/1-strangers"])


@pytest.mark.parametrize("how", ["deleted and copied back", "moved aside"])
def test_saves_are_seen_in_a_source_folder_replaced_whole(tmp_path: Path, how: str) -> None:
    # entries/ restored from a backup (rm -rf entries && cp -r backup entries) or moved aside:
    # the tree's watch stayed on the old folder, and no later save in entries/ was seen (in
    # the 'moved' case, saves in the old one were taken for entries/) until a restart.
    root = write_publication(tmp_path / "pub")
    seen: list[set[str]] = []
    watcher = Watcher(root, seen.append)
    watcher.start()
    try:
        time.sleep(0.5)  # the watches set up
        backup = tmp_path / "backup"
        shutil.copytree(root / "entries", backup)
        if how == "moved aside":
            (root / "entries").rename(root / "entries.old")
        else:
            shutil.rmtree(root / "entries")
        shutil.copytree(backup, root / "entries")
        wait_for(lambda: any("entries" in batch for batch in seen), what="the swap")
        time.sleep(1.5)  # the tree's watch restarted (or not) on the new folder
        seen.clear()
        if how == "moved aside":  # no longer a source: its saves are no entry's
            (root / "entries.old/stray.md").write_text("In the folder set aside.\n", "utf-8")
        with (root / "entries/night-film.md").open("a", encoding="utf-8") as entry:
            entry.write("\nA later save.\n")
        wait_for(lambda: any("entries/night-film.md" in b for b in seen), what="the save")
        time.sleep(0.5)
        assert "entries/stray.md" not in set().union(*seen), seen
    finally:
        watcher.stop()


def _peak_rss_kb(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))


def test_a_large_picture_is_served_a_piece_at_a_time(tmp_path: Path) -> None:
    # Each request read the whole file into memory: a 400 MB picture took the preview from
    # 53 MB to 400 MB. Its type is the one the feeds announce.
    root = write_publication(tmp_path / "pub")
    still = root / "media/night/still.png"
    big = still.read_bytes() + b"\0" * (80 << 20)  # data after a picture's end is no fault
    still.write_bytes(big)
    with preview_process(root) as preview:
        before = _peak_rss_kb(preview.process.pid)
        connection = http.client.HTTPConnection("127.0.0.1", preview.port, timeout=60)
        try:
            connection.request("GET", "/site/media/night/still.png")
            answer = connection.getresponse()
            served = answer.read()
        finally:
            connection.close()
        grown = _peak_rss_kb(preview.process.pid) - before
    assert answer.status == 200 and served == big
    assert answer.getheader("Content-Type") == "image/png"
    assert answer.getheader("Content-Length") == str(len(big))
    assert grown < 20 << 10, f"the preview grew by {grown} kB to serve an 80 MB picture"


def test_a_picture_the_failed_build_refused_is_not_served(tmp_path: Path) -> None:
    # The picture replaced by a link to a file outside the publication: the build refused
    # it and failed, and the preview, still showing the last good build, served the file's
    # current bytes, the secret's text as image/png.
    root = write_publication(tmp_path / "pub")
    secret = tmp_path / "outside/secret.txt"
    secret.parent.mkdir()
    secret.write_text("the secret\n", encoding="utf-8")
    still = root / "media/night/still.png"
    picture = still.read_bytes()
    served = "/site/media/night/still.png"
    with preview_process(root) as preview:
        assert preview.get(served) == (200, picture)
        still.unlink()
        still.symlink_to(secret)
        wait_for(lambda: "build failed" in preview.log.read_text(), what="the build to fail")
        status, said = preview.get(served)
        assert status == 409 and b"the secret" not in said, (status, said)
        assert said.decode().startswith(
            "media/night/still.png has changed since the last good build"
        ), said
        # Put back, it is served again once a build succeeds with it.
        still.unlink()
        still.write_bytes(picture)
        wait_for(lambda: preview.get(served) == (200, picture), what="the picture served")


def test_a_rebuild_after_many_saves_names_a_few_in_its_log_line(tmp_path: Path) -> None:
    # After a git checkout, one line named every file changed: thousands of characters.
    root = write_publication(tmp_path / "pub")
    logged: list[str] = []
    state = PreviewState(root, logged.append)
    state.rebuild()
    changed = [f"media/night/{n:03}.png" for n in range(200)]
    state.rebuild(changed)
    (line,) = [entry for entry in logged if "media/night/000.png" in entry]
    assert line.endswith("(media/night/000.png, media/night/001.png, media/night/002.png, "
                         "media/night/003.png and 196 more files)"), line  # fmt: skip
    state.rebuild(changed[:2])
    assert logged[-1].endswith("(media/night/000.png, media/night/001.png)"), logged[-1]


def test_a_page_whose_cached_bytes_cannot_be_read_answers_503(workspace: Path) -> None:
    # A page still in the cache (write.Stored) whose bytes are gone and whose file changed
    # since: reading it raises. The request was dropped, a traceback on the terminal; it is
    # answered "rebuilding" until the rebuild the edit brings.
    import dataclasses
    from types import MappingProxyType

    from dopemail.cache import StaleRecord
    from dopemail.preview.server import bind
    from dopemail.write import Stored

    state = PreviewState(workspace)
    state.rebuild()

    def gone() -> bytes:
        raise StaleRecord("an entry changed", "entries/x.md", None, "build again")

    rel = "site/quiet-hours/index.html"
    outputs = {**state.snapshot.outputs, rel: Stored("0" * 64, 10, gone)}
    state.snapshot = dataclasses.replace(state.snapshot, outputs=MappingProxyType(outputs))
    server = bind(state, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
        connection.request("GET", "/site/quiet-hours/")
        response = connection.getresponse()
        assert response.status == 503
        assert b"rebuilding" in response.read()
        connection.request("GET", "/site/varda-in-los-angeles/")  # the others as ever
        response = connection.getresponse()
        assert response.status == 200 and response.read()
        connection.close()
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("issues", [True, False])
def test_the_warm_up_after_start_up_reads_ahead_and_shows_nothing(
    workspace: Path, issues: bool
) -> None:
    # Started from the cache, the preview had imported, compiled and read nothing the first
    # save needs (at 10,000 entries it took 520 ms, the next ones 150): the warm-up does it
    # then, patching the newest published entry (the sample's newest is a draft, in no feed)
    # and one an issue gathers, and drops what it made.
    from dopemail.build import build

    if not issues:
        shutil.rmtree(workspace / "issues")
    build(workspace)
    state = PreviewState(workspace)
    before = state.rebuild()
    published = [r.entry for r in before.build.entries if not r.entry.draft]
    assert before.build.entries[0].entry.draft  # (what the warm-up must look past)
    # (The two it patches are loaded anew from their files: the others are the build's own.)
    patched = {published[0].path}
    patched |= {e.path for i in before.build.issues for e in i.issue.all_entries[:1]}
    others = [e for e in published if e.path not in patched]
    assert others and all("_lazy" in vars(e) for e in others)  # heads only, so far
    state.warm_up()
    assert state.snapshot is before  # nothing shown
    assert not [e.slug for e in others if "_lazy" in vars(e)]  # what the feeds show, read
    entry = workspace / published[0].path
    entry.write_text(entry.read_text(encoding="utf-8") + "\nOne more line.\n", "utf-8")
    after = state.rebuild([published[0].path])
    # Its pages, then the feeds it is in: the warm-up published nothing of its own.
    assert after.version == before.version + 2
    assert "One more line." in after.outputs[f"site/{published[0].slug}/index.html"].decode()


def test_a_site_address_under_its_base_url_s_path_is_told_its_preview_address() -> None:
    # For a site at https://press.example.com/dope/, an address copied from an email
    # (/dope/night-film/) was told nothing: only /night-film/ was told /site/night-film/.
    from types import SimpleNamespace

    from dopemail.preview.pages import not_found_page

    publication = SimpleNamespace(base_url="https://press.example.com/dope/")
    build = SimpleNamespace(
        workspace=SimpleNamespace(settings=SimpleNamespace(publication=publication))
    )
    snapshot = Snapshot(build=build, outputs={"site/night-film/index.html": b""})  # type: ignore[arg-type]
    for asked in ("/dope/night-film/", "/night-film/"):
        assert 'did you mean <a href="/site/night-film/">' in not_found_page(snapshot, asked), asked
    assert "did you mean" not in not_found_page(snapshot, "/dope/no-such-film/")
    # The site's own address, with or without its '/', and its feeds (served at /feeds/).
    outputs = {"site/index.html": b"", "feeds/rss.xml": b""}
    home = Snapshot(build=build, outputs=outputs)  # type: ignore[arg-type]
    for asked, meant in (
        ("/dope", "/site/"),
        ("/dope/", "/site/"),
        ("/dope/feeds/rss.xml", "/feeds/rss.xml"),
    ):
        assert f'did you mean <a href="{meant}">' in not_found_page(home, asked), asked


def _news(title: str) -> str:
    return DRAFT.replace("Draft Piece", title).replace("draft: true\n", "")


def test_an_entry_saved_under_a_new_name_then_deleted_is_told_renamed(tmp_path: Path) -> None:
    # "Save As", then the old file deleted: the new entry came first, and only an entry
    # already gone was matched with one new, so the old page was a bare 404.
    root = write_publication(tmp_path)
    old = root / "entries/other-news.md"
    old.write_text(_news("Other News"), encoding="utf-8")
    state = PreviewState(root)
    assert not state.rebuild().problems
    new = root / "entries/renamed-news.md"
    new.write_text(old.read_text(encoding="utf-8"), encoding="utf-8")
    assert not state.rebuild({"entries/renamed-news.md"}).renamed  # a copy, so far
    new.write_text(_news("Other News") + "Edited.\n", encoding="utf-8")  # a save or two between
    assert not state.rebuild({"entries/renamed-news.md"}).renamed
    old.unlink()
    snapshot = state.rebuild({"entries/other-news.md"})
    assert dict(snapshot.renamed) == {
        "site/other-news/": ("site/renamed-news/", "entries/renamed-news.md")
    }


def test_a_save_that_renames_nothing_reads_no_entry_s_fields_to_look_for_a_rename(
    tmp_path: Path, monkeypatch
) -> None:
    # Every save compared the title of every entry, read from the build cache for each: a
    # third of the preview's rebuild after one edit at 1,000 entries, and more with more.
    import dopemail.preview.state as state_module

    root = write_publication(tmp_path)
    entry = root / "entries/other-news.md"
    entry.write_text(_news("Other News"), encoding="utf-8")
    elsewhen = _news("Elsewhen").replace("published: 2024-02-01", "published: 2019-03-03")
    (root / "entries/elsewhen.md").write_text(elsewhen, encoding="utf-8")
    state = PreviewState(root)
    assert not state.rebuild().problems
    asked: list[str] = []
    real = state_module._twin_key
    monkeypatch.setattr(state_module, "_twin_key", lambda e: asked.append(e.slug) or real(e))
    entry.write_text(_news("Other News") + "Edited.\n", encoding="utf-8")
    assert not state.rebuild({"entries/other-news.md"}).problems
    assert asked == []
    # Dated anew, it moves in the lists: still no entry came or went.
    moved = _news("Other News").replace("published: 2024-02-01", "published: 2020-05-05")
    assert moved != _news("Other News")
    entry.write_text(moved, encoding="utf-8")
    assert not state.rebuild({"entries/other-news.md"}).renamed
    assert asked == []
    # A rename still pairs them (those of its date alone are asked).
    entry.rename(root / "entries/renamed-news.md")
    snapshot = state.rebuild({"entries/other-news.md", "entries/renamed-news.md"})
    assert dict(snapshot.renamed) == {
        "site/other-news/": ("site/renamed-news/", "entries/renamed-news.md")
    }
    same_day = {
        e.entry.slug
        for e in state.snapshot.build.entries
        if e.entry.published
        == next(
            r.entry.published
            for r in state.snapshot.build.entries
            if r.entry.slug == "renamed-news"
        )
    }
    assert asked and set(asked) <= same_day | {"other-news"}, (asked, same_day)
    assert "elsewhen" not in asked  # of another date: its title is not read


def test_a_copy_of_an_entry_is_not_told_the_rename_of_one_deleted_before(tmp_path: Path) -> None:
    # An entry deleted, its twin (the same title and date) kept: a copy of the twin made
    # later was told to be the deleted one's new name.
    root = write_publication(tmp_path)
    for name in ("other-news", "other-news-2"):
        (root / f"entries/{name}.md").write_text(_news("Other News"), encoding="utf-8")
    state = PreviewState(root)
    assert not state.rebuild().problems
    (root / "entries/other-news.md").unlink()
    assert not state.rebuild({"entries/other-news.md"}).renamed  # its twin was there before
    copy = root / "entries/other-news-3.md"
    copy.write_text(_news("Other News"), encoding="utf-8")
    assert not state.rebuild({"entries/other-news-3.md"}).renamed
    # In the same preview, an entry with no twin deleted, then made again under another
    # name, is told a rename: the copy above was not told one for its twin alone.
    (root / "entries/solo-news.md").write_text(_news("Solo News"), encoding="utf-8")
    state.rebuild({"entries/solo-news.md"})
    (root / "entries/solo-news.md").unlink()
    state.rebuild({"entries/solo-news.md"})
    (root / "entries/solo-news-2.md").write_text(_news("Solo News"), encoding="utf-8")
    assert dict(state.rebuild({"entries/solo-news-2.md"}).renamed) == {
        "site/solo-news/": ("site/solo-news-2/", "entries/solo-news-2.md")
    }


def test_an_entry_deleted_long_ago_is_no_rename_of_one_made_now(tmp_path: Path) -> None:
    # Remembered till 50 more were deleted, an entry deleted was matched with one made much
    # later with its title and date: a rename said of a new piece.
    root = write_publication(tmp_path)
    gone = root / "entries/other-news.md"
    gone.write_text(_news("Other News"), encoding="utf-8")
    state = PreviewState(root)
    assert not state.rebuild().problems
    gone.unlink()
    assert not state.rebuild({"entries/other-news.md"}).renamed
    entry = root / "entries/night-film.md"
    for n in range(20):  # twenty saves of another entry (a rename takes a few)
        entry.write_text(entry.read_text(encoding="utf-8") + f"\nMore {n}.\n", encoding="utf-8")
        state.rebuild({"entries/night-film.md"})
    (root / "entries/later-news.md").write_text(_news("Other News"), encoding="utf-8")
    assert not state.rebuild({"entries/later-news.md"}).renamed
    # Within those builds, it is one.
    (root / "entries/later-news.md").unlink()
    state.rebuild({"entries/later-news.md"})
    (root / "entries/last-news.md").write_text(_news("Other News"), encoding="utf-8")
    snapshot = state.rebuild({"entries/last-news.md"})
    assert dict(snapshot.renamed) == {
        "site/later-news/": ("site/last-news/", "entries/last-news.md")
    }


def test_a_renamed_entry_s_page_asked_for_as_its_file_says_where_it_went(tmp_path: Path) -> None:
    # '/site/old/index.html' (a link to the page's file) was a bare 404: only the folder's
    # address was looked up among the renames.
    from dopemail.preview.pages import not_found_page

    root = write_publication(tmp_path)
    entry = root / "entries/other-news.md"
    entry.write_text(_news("Other News"), encoding="utf-8")
    state = PreviewState(root)
    assert not state.rebuild().problems
    entry.rename(root / "entries/renamed-news.md")
    snapshot = state.rebuild({"entries/other-news.md", "entries/renamed-news.md"})
    for path in ("/site/other-news/", "/site/other-news", "/site/other-news/index.html"):
        page = not_found_page(snapshot, path)
        assert '<a href="/site/renamed-news/">/site/renamed-news/</a>' in page, path
        assert "<code>slug: other-news</code> in <code>entries/renamed-news.md</code>" in page
    assert "renamed" not in not_found_page(snapshot, "/site/night-film/index.html/x")
