"""Newsletter issues: the email HTML, its plain-text part, the web version, the archive, the
issues feed, template overrides and every kind of bad input."""

from __future__ import annotations

import html as html_lib
import itertools
import json
import re
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest
from conftest import REPO, assert_reported_in_one_pass, copy_publication, snapshot
from feedrules import check_atom

from dopemail.build import build
from dopemail.config import Newsletter
from dopemail.errors import DopemailError, DopemailErrors
from dopemail.mjml_check import check_mjml, unclosed_html
from dopemail.personalize import UNSUBSCRIBE_PLACEHOLDER
from dopemail.quality import read_email
from dopemail.templates import photo_credit

SAMPLE_ISSUES = sorted(p.stem for p in (REPO / "issues").glob("*.md"))
BASE = "https://dopepress.example.com/"


class Page(HTMLParser):
    """Everything a check needs from an HTML document, collected in one parse."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.title = ""
        self._in_title = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        self.text.append(data)

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]

    @property
    def plain(self) -> str:
        # Only ASCII white space is folded: a no-break space must survive as it is.
        return re.sub(r"[ \t\r\n]+", " ", " ".join(self.text)).strip()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample publication, built once for this module's read-only checks."""
    root = copy_publication(tmp_path_factory.mktemp("pub"))
    build(root)
    return root


def _issue_dirs(root: Path) -> list[Path]:
    return sorted(p for p in (root / "site/issues").iterdir() if p.is_dir())


def _front(root: Path, key: str) -> dict[str, object]:
    return json.loads((root / "site/issues" / key / "message.json").read_text())


def test_at_least_two_sample_issues_build(built: Path) -> None:
    assert len(SAMPLE_ISSUES) >= 2
    assert [d.name for d in _issue_dirs(built)] == SAMPLE_ISSUES
    for folder in _issue_dirs(built):
        assert {p.name for p in folder.iterdir()} == {
            "email.html",
            "email.txt",
            "index.html",
            "message.json",
        }


def test_sample_emails_have_images(built: Path) -> None:
    images = [
        img
        for key in SAMPLE_ISSUES
        for img in Page((built / "site/issues" / key / "email.html").read_text()).all("img")
    ]
    assert len(images) > 10


@pytest.mark.parametrize("key", SAMPLE_ISSUES)
def test_email_html_passes_the_mail_client_rules(built: Path, key: str) -> None:
    html = (built / "site/issues" / key / "email.html").read_text(encoding="utf-8")
    message = _front(built, key)
    page = Page(html)
    assert len(html.encode()) < 102_000, "Gmail clips messages over 102 KB"
    assert page.all("html")[0]["lang"] == "en"
    assert page.title == message["subject"]
    # The preheader is the first text of the body, hidden, before anything visible.
    body_text = html.split("<body", 1)[1]
    first_div = re.search(r"<div[^>]*display:\s*none[^>]*>(.*?)</div>", body_text, re.S)
    assert first_div is not None and message["preheader"] in Page(first_div.group(1)).plain
    # Hidden from Outlook's Word engine too, which ignores display:none: it showed the text
    # and its spacers atop the message, and in replies.
    assert "mso-hide:all" in first_div.group(0).split(">", 1)[0]
    # Then characters no one sees, which an inbox's preview counts: it ran on from the
    # preheader into the masthead ("...thinking about.DoPe PressNo. 3").
    hidden = html_lib.unescape(first_div.group(1))
    preheader = message["preheader"].strip()
    assert hidden.startswith(preheader)
    filler = hidden[len(preheader) :]
    assert filler and set(filler) == {"\u200c", "\u00a0"}
    assert len(preheader) + len(filler) // 2 == 150
    images = page.all("img")
    for image in images:
        assert (image.get("alt") or "").strip(), image
        assert (image.get("width") or "").isdigit() and (image.get("height") or "").isdigit()
        assert (image.get("src") or "").startswith("https://"), image
    links = [a.get("href") or "" for a in page.all("a")]
    assert links
    for link in links:
        assert re.match(r"^(https://|mailto:)", link), link
    assert any(
        m.get("name") == "color-scheme" and "dark" in (m.get("content") or "")
        for m in page.all("meta")
    )
    styles = re.findall(r"<style[^>]*>(.*?)</style>", html, re.S)
    assert sum(len(s.encode()) for s in styles) < 16_000
    # In dark mode, the page's own background darkens too: it stayed light under the footer.
    dark = "".join(re.findall(r"prefers-color-scheme:\s*dark\)\s*\{(.*?)\n\}", html, re.S))
    assert re.search(r"(?m)^\s*body\b[^{]*\{[^}]*background-color", dark), dark
    assert "\\u{" not in html
    assert "<mj-" not in html, "every MJML tag was compiled"
    # Footer: postal address, view in browser, the unsubscribe placeholder the sender fills.
    assert "8033 Sunset Boulevard" in page.plain
    assert message["url"] in links
    assert UNSUBSCRIBE_PLACEHOLDER in links


def test_seed_card_in_the_email(built: Path) -> None:
    key = next(k for k in SAMPLE_ISSUES if _gathers(built, k, "all-of-us-strangers"))
    page = Page((built / "site/issues" / key / "email.html").read_text(encoding="utf-8"))
    text = page.plain
    for part in (
        "All of Us Strangers",
        "I’ve always said that writers know less",
        "Written and directed by Andrew Haigh",
        "based on a novel by Taichi Yamada",
        "With Andrew Scott (Adam), Paul Mescal (Harry), Claire Foy, and Jamie Bell",
        "8000 Sunset Boulevard, Los Angeles, CA 90046",
        "1332 2nd Street, Santa Monica, CA 90401",
        "Hulu",
        "in conversation with Dave Karger",
        "Watch the recording",
        "Photo: Chris Harris",
        "Images courtesy and © Searchlight Pictures, 2023.",
    ):
        assert part in text, part
    links = [a.get("href") or "" for a in page.all("a")]
    assert "https://dopepress.example.com/all-of-us-strangers/" in links
    assert any(link.startswith("https://www.google.com/maps/search/") for link in links)
    assert any("youtube.com" in link for link in links)


def _gathers(root: Path, key: str, slug: str) -> bool:
    source = (root / "issues" / f"{key}.md").read_text(encoding="utf-8")
    return (
        re.search(rf"^\s*(-\s*)?{re.escape(slug)}\b|\b{re.escape(slug)}\b", source, re.M)
        is not None
    )


@pytest.mark.parametrize("key", SAMPLE_ISSUES)
def test_text_part_reads_on_its_own(built: Path, key: str) -> None:
    text = (built / "site/issues" / key / "email.txt").read_text(encoding="utf-8")
    html = (built / "site/issues" / key / "email.html").read_text(encoding="utf-8")
    message = _front(built, key)
    assert message["subject"] in text
    # The masthead is the publication's name as it spells it: in capitals, 'DoPe' was lost.
    assert text.startswith("DoPe Press: No. "), text[:40]
    assert f"View in your browser: {message['url']}" in " ".join(text.split())
    assert not re.search(r"&(#\d+|#x[0-9a-f]+|[a-z]+);", text, re.I), "no HTML entities"
    assert not re.search(r"<(?!https?://)/?[a-z][^>]*>", text, re.I), "no markup"
    # Every link of the email is in the text as a URL.
    for href in {a.get("href") for a in Page(html).all("a")}:
        assert href and href in text, href
    assert "8033 Sunset Boulevard #1000, Los Angeles" in " ".join(text.split())
    assert f"Unsubscribe: {UNSUBSCRIBE_PLACEHOLDER}" in text
    # No line starts with a film fact's dot or a runtime's unit ('104' / 'min' once).
    assert not re.search(r"(?m)^(· |min\b)", text), text
    # A section's heading is underlined a level lower than the subject, and no rule follows.
    for heading in re.findall(r"(?m)^([A-Z][A-Z ]+)\n(-+)\n", text):
        assert len(heading[1]) == len(heading[0])
        after = text.split(f"{heading[0]}\n{heading[1]}\n", 1)[1]
        assert not after.lstrip("\n").startswith("---"), after[:200]
    # An event's lines stay together: a blank line came after its venue.
    events = re.findall(r"(?m)^- .*\n(?:  .*\n|\n)*?  Tickets and information: ", text)
    assert all("\n\n" not in found for found in events), events


def test_a_list_in_the_text_part_has_no_blank_lines_between_its_items(built: Path) -> None:
    # Each service "Where it streams" was followed by a blank line, as no other list was.
    texts = [(built / "site/issues" / k / "email.txt").read_text() for k in SAMPLE_ISSUES]
    lists = [t.split("WHERE IT STREAMS\n")[1].split("\n\n")[0] for t in texts if "STREAMS\n" in t]
    assert max(len(re.findall(r"(?m)^- ", items)) for items in lists) >= 2, lists


def test_an_event_s_address_is_a_map_link_in_the_text_part_too(workspace: Path) -> None:
    # The email links an event's address to a map; the text part gave the address alone.
    entry = workspace / "entries/all-of-us-strangers.md"
    entry.write_text(
        entry.read_text().replace(
            "    moderator: Dave Karger\n",
            "    moderator: Dave Karger\n    venue: Academy Museum\n"
            "    address: 6067 Wilshire Boulevard, Los Angeles, CA 90036\n",
        )
    )
    build(workspace)
    key = next(k for k in SAMPLE_ISSUES if _gathers(workspace, k, "all-of-us-strangers"))
    folder = workspace / "site/issues" / key
    (link,) = [
        a.get("href")
        for a in Page((folder / "email.html").read_text()).all("a")
        if "6067+Wilshire" in (a.get("href") or "")
    ]
    assert f"  Map:\n  {link}\n" in (folder / "email.txt").read_text()  # too long for one


def test_seed_in_the_text_part(built: Path) -> None:
    key = next(k for k in SAMPLE_ISSUES if _gathers(built, k, "all-of-us-strangers"))
    text = " ".join((built / "site/issues" / key / "email.txt").read_text().split())
    for part in (
        "ALL OF US STRANGERS",
        "WHERE IT PLAYS",
        "- Landmark Sunset 8000 Sunset Boulevard, Los Angeles, CA 90046",
        "Written and directed by Andrew Haigh",
        "Read more: https://dopepress.example.com/all-of-us-strangers/",
        "Watch the recording: https://www.youtube.com/",
        "Scott · Photo: Chris Harris",  # as the lead's, and the HTML part's
    ):
        assert part in text, part


def test_a_screening_s_note_is_in_the_text_part(built: Path) -> None:
    # A screening's note (which films play which night, the subtitles) is under its venue in
    # the HTML; a reader of the text part must not be left without it.
    text = (built / "site/issues/2-summer-festivals/email.txt").read_text("utf-8")
    flat = re.sub(r"\s+", " ", text)
    assert "The Crime Is Mine. All in French with English subtitles." in flat
    assert "Sunday, Petite Maman twice; the 11 am show is a relaxed screening for families." in (
        flat
    )


def test_an_entry_s_rights_line_is_in_the_text_part(built: Path) -> None:
    # Whose the pictures are (the HTML's grey line under each card) is owed in the text
    # part too: its readers see the pictures' links.
    folder = built / "site/issues"
    for key, rights in (
        ("1-strangers-and-varda", "Images courtesy and © Searchlight Pictures, 2023."),
        ("2-summer-festivals", "Festival photos © Marco Delgado for DoPe Press, 2024."),
    ):
        text = re.sub(r"\s+", " ", (folder / key / "email.txt").read_text("utf-8"))
        assert rights in text, key


@pytest.mark.parametrize("key", SAMPLE_ISSUES)
def test_the_text_part_opens_with_its_link_to_the_web_version(built: Path, key: str) -> None:
    # Where a reader whose mail program shows text alone looks first: the footer's link, 200
    # lines down, is not where to find that the email reads better in a browser.
    text = (built / "site/issues" / key / "email.txt").read_text("utf-8")
    first = " ".join(text.split("\n\n", 1)[0].split())
    assert f"View in your browser: {_front(built, key)['url']}" in first, first


def test_italics_in_a_summary_are_underscores_in_the_text_part(workspace: Path) -> None:
    # The summary's '*very*' is <i> in the HTML; in the text part it is '_very_', as the
    # intro's italics, not the asterisks as typed.
    _break(workspace, "entries/quiet-hours.md", "a patient,\n  funny", "a patient,\n  *very* funny")
    build(workspace)
    text = (workspace / "site/issues/3-quiet-hours/email.txt").read_text("utf-8")
    assert "a patient, _very_ funny film" in re.sub(r"\s+", " ", text)
    assert "*very*" not in text


def test_a_publication_title_with_angle_brackets_is_text_in_the_text_part(
    workspace: Path,
) -> None:
    # "Films & <Noir>" is what the editor wrote, shown as written in the text part (and
    # escaped in the HTML): every issue failed "the plain-text part contains HTML" at it.
    config = workspace / "dopemail.toml"
    config.write_text(
        config.read_text().replace('title = "DoPe Press"', 'title = "Films & <Noir>"')
    )
    build(workspace)
    key = SAMPLE_ISSUES[0]
    assert "Films & <Noir>" in (workspace / "site/issues" / key / "email.txt").read_text()
    html = (workspace / "site/issues" / key / "email.html").read_text()
    assert "Films &amp; &lt;Noir&gt;" in html and "<Noir>" not in html


def test_typography_survives_html_text_and_attributes(workspace: Path) -> None:
    entry = workspace / "entries/all-of-us-strangers.md"
    source = entry.read_text(encoding="utf-8")
    # A no-break space and guillemets in an attribute (alt) and in text (the caption).
    source = source.replace(
        "alt: Andrew Scott, his hand raised",
        "alt: « Mr.\u00a0Scott » — his hand raised",
        1,
    ).replace(
        "caption: Andrew Scott (behind hand) and Paul Mescal",
        "caption: « Mr.\u00a0Scott » (behind hand) and Paul Mescal… élan",
        1,
    )
    entry.write_text(source, encoding="utf-8")
    issue = _issue_with(workspace, "all-of-us-strangers")
    build(workspace)
    html = (workspace / "site/issues" / issue / "email.html").read_text(encoding="utf-8")
    text = (workspace / "site/issues" / issue / "email.txt").read_text(encoding="utf-8")
    page = Page(html)
    assert "\\u{" not in html
    alts = [img.get("alt") for img in page.all("img")]
    assert (
        "« Mr.\u00a0Scott » — his hand raised in front of his face, with Paul Mescal beside him"
        in alts
    )
    assert "« Mr.\u00a0Scott » (behind hand) and Paul Mescal… élan" in page.plain
    assert "I’ve always said" in page.plain
    assert "« Mr.\u00a0Scott » (behind hand) and Paul Mescal… élan" in text
    assert "\u00a0" in text and "&nbsp;" not in text


def _issue_with(root: Path, slug: str) -> str:
    return next(k for k in SAMPLE_ISSUES if _gathers(root, k, slug))


def test_every_heading_of_an_email_names_its_font(built: Path) -> None:
    # Outlook on Windows (Word's engine) gives a heading its own style's font, not the font
    # of the <div> around it: a title in Times New Roman. The email's style names the font
    # of every level of heading, outside the dark mode's @media block.
    for key in SAMPLE_ISSUES:
        html = (built / "site/issues" / key / "email.html").read_text(encoding="utf-8")
        assert re.search(r"<h[1-4]\b", html), key
        named: set[str] = set()
        for style in re.findall(r"<style[^>]*>(.*?)</style>", html, re.S):
            style = re.sub(r"@media[^{]*\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}", "", style)
            for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", style):
                if "font-family" in body:
                    named |= {s.strip() for s in selectors.split(",")}
        assert {f"h{level}" for level in range(1, 7)} <= named, (key, named)


def test_a_section_s_heading_sits_with_its_first_film(built: Path) -> None:
    # The section's rule, its heading, then the first card's own rule: the heading stood
    # alone between two rules, apart from the films it heads. The card after has its rule.
    html = (built / "site/issues/1-strangers-and-varda/email.html").read_text(encoding="utf-8")
    heading = html.index(">Now playing</h2>")
    before, after = html[:heading], html[heading:]
    assert "border-top:solid" in before[before.rindex("</h3>") :]  # the section's own rule
    first_film = after.index("<h3")
    assert "border-top:solid" not in after[:first_film]
    # A film outside a section keeps its rule above it.
    first_card = before.index("<h2")
    assert "border-top:solid" in before[before.index("</h1>") : first_card]


def test_web_version_and_archive(built: Path) -> None:
    # The newsletter's archive (issues/), as the home page shows the newest three of it.
    home = Page((built / "site/issues/index.html").read_text(encoding="utf-8"))
    archive = [
        a.get("href") for a in home.all("a") if "/issues/" in (a.get("href") or "").rstrip("/")
    ]
    listed = []
    for key in SAMPLE_ISSUES:
        message = _front(built, key)
        web = Page((built / "site/issues" / key / "index.html").read_text(encoding="utf-8"))
        assert web.all("html")[0]["lang"] == "en"
        assert message["subject"] in web.title
        assert any(
            link.get("rel") == "canonical" and link.get("href") == message["url"]
            for link in web.all("link")
        )
        assert [h for h in web.all("h1")], "one heading"
        # A reader who opened it from the email finds the other issues (it had no way there
        # but the home page).
        assert "https://dopepress.example.com/issues/" in [a.get("href") for a in web.all("a")]
        for image in web.all("img"):
            assert image.get("alt")
        if message["status"] != "draft":
            listed.append((message["number"], message["url"]))
    # Newest first, drafts left out.
    assert archive == [url for _, url in sorted(listed, reverse=True)]


def test_every_rule_in_a_text_part_stands_apart(built: Path) -> None:
    # A card ending on its rights line ran into the next card's rule (issue 2).
    for key in SAMPLE_ISSUES:
        lines = (built / "site/issues" / key / "email.txt").read_text("utf-8").split("\n")
        rules = [n for n, line in enumerate(lines) if set(line) == {"-"} and len(line) > 20]
        assert rules, key
        assert all(lines[n - 1] == "" for n in rules), key


def test_times_are_shown_as_written_with_their_offset_when_it_is_not_the_publication_s(
    workspace: Path,
) -> None:
    # 'times: [2024-03-09T03:30:00Z]' (7:30 PM in Los Angeles) was shown "Sat, March 9,
    # 3:30 AM" with no zone; a bare date as "12:00 AM"; an event with an address and no venue
    # lost its address in the email.
    entry = "entries/all-of-us-strangers.md"
    times = (
        '    postal_code: "90046"\n    times: [2024-03-08T19:30:00-08:00, 2024-03-09T03:30:00Z, '
        "2024-03-09T20:00:00+01:00, 2024-03-10]\n"
    )
    _break(workspace, entry, '    postal_code: "90046"\n', times)
    event = (
        "    moderator: Dave Karger\n    date: 2024-04-20\n"
        "    address: 8440 Sunset Boulevard, West Hollywood\n"
    )
    _break(workspace, entry, "    moderator: Dave Karger\n", event)
    build(workspace)
    shown = [
        "Fri, March 8, 7:30\u00a0PM",
        "Sat, March 9, 3:30\u00a0AM (UTC)",
        "Sat, March 9, 8:00\u00a0PM (UTC+1)",
        "Sun, March 10",
        "Sat, April 20",
        "8440 Sunset Boulevard, West Hollywood",
    ]
    folder = next((workspace / "site/issues").glob("1-*"))
    for path in (workspace / "site/all-of-us-strangers/index.html", folder / "email.html"):
        page = html_lib.unescape((path).read_text("utf-8"))
        assert all(s in page for s in shown), (path, [s for s in shown if s not in page])
        assert "12:00\u00a0AM" not in page and "7:30\u00a0PM (" not in page
    text = (folder / "email.txt").read_text("utf-8")
    assert all(s in text for s in shown), [s for s in shown if s not in text]
    page = (workspace / "site/all-of-us-strangers/index.html").read_text("utf-8")
    # In a <time> that says the instant to machines (a day written alone, the day).
    assert '<time datetime="2024-03-08T19:30:00-08:00">Fri, March 8, 7:30\u00a0PM</time>' in page
    assert '<time datetime="2024-03-10">Sun, March 10</time>' in page
    graph = json.loads(page.split('type="application/ld+json">')[1].split("</script>")[0])
    assert [g.get("startDate") for g in graph if g["@type"] == "ScreeningEvent"][0] == (
        "2024-03-08T19:30:00-08:00"
    )
    # An offset with seconds is no venue's clock, and was shown "(UTC-8:01)".
    from dopemail.models import Screening

    with pytest.raises(ValueError, match="write the offset in hours and minutes"):
        Screening.model_validate(
            {"venue": "V", "address": "A", "city": "C", "times": ["2024-03-08T19:30:00-08:00:30"]}
        )
    # The hour repeated when clocks go back is two moments: each says which.
    from zoneinfo import ZoneInfo

    from dopemail.templates import show_time

    zone = ZoneInfo("America/Los_Angeles")
    repeated = [
        show_time(
            Screening.model_validate(
                {"venue": "V", "address": "A", "city": "C", "times": [when]},
                context={"tz": zone},
            ).times[0]
        )
        for when in ("2024-11-03T01:30:00-07:00", "2024-11-03T01:30:00-08:00")
    ]
    assert repeated == [
        "Sun, November 3, 1:30\u00a0AM (UTC-7)",
        "Sun, November 3, 1:30\u00a0AM (UTC-8)",
    ]
    # The entry taken from the cache (the issue rendered again after an edit of its own)
    # keeps how its times were written.
    _break(workspace, f"issues/{SAMPLE_ISSUES[0]}.md", "Dear readers,", "Dear friends,")
    build(workspace)
    again = (folder / "email.txt").read_text("utf-8")
    assert "Dear friends," in again and again.replace("Dear friends,", "Dear readers,") == text


def test_issues_feed(built: Path) -> None:
    raw = (built / "feeds/issues.xml").read_bytes()
    assert check_atom(raw) == []
    feed = feedparser.parse(raw)
    assert not feed.bozo, feed.get("bozo_exception")
    listed = [_front(built, k) for k in SAMPLE_ISSUES]
    listed = [m for m in listed if m["status"] != "draft"]
    assert [e.link for e in feed.entries] == [
        m["url"] for m in sorted(listed, key=lambda m: m["number"], reverse=True)
    ]
    for entry in feed.entries:
        assert entry.id == entry.link  # the web version's address
        # The web version's words for screen readers alone are not in the feed: a reader
        # has no CSS to hide them, and showed 'Read more: <title>' under the title.
        content = entry.content[0].value
        assert "Read more</a>" in content and "visually-hidden" not in content
        web = (
            built
            / urlsplit(entry.link).path.lstrip("/").replace("issues/", "site/issues/", 1)
            / "index.html"
        ).read_text(encoding="utf-8")
        assert 'Read more<span class="visually-hidden">: ' in web


def test_an_issue_keeps_its_feed_id_when_its_date_and_subject_change(workspace: Path) -> None:
    # Its id was made from its send date: moving a ready issue to another day gave it a new
    # one, and readers saw it twice.
    build(workspace)
    before = feedparser.parse((workspace / "feeds/issues.xml").read_bytes()).entries
    issue = workspace / "issues" / f"{SAMPLE_ISSUES[0]}.md"
    source = issue.read_text(encoding="utf-8")
    date = re.search(r"(?m)^date: (\S+)", source)
    assert date is not None
    source = source.replace(date.group(1), "2024-03-08T08:00:00-08:00", 1)
    issue.write_text(source.replace('subject: "', 'subject: "New: ', 1), encoding="utf-8")
    build(workspace)
    after = feedparser.parse((workspace / "feeds/issues.xml").read_bytes()).entries
    moved = [
        e
        for e in after
        if e.title.startswith(f"No. {_front(workspace, SAMPLE_ISSUES[0])['number']}: New: ")
    ]
    assert len(moved) == 1 and moved[0].published.startswith("2024-03-08")
    assert sorted(e.id for e in before) == sorted(e.id for e in after)
    # An id it had before (dopemail made them from the send date until December 2026) is
    # kept with 'id:'.
    kept = "tag:dopepress.example.com,2024-02-23:issues/1"
    issue.write_text(source.replace("subject: ", f"id: {kept}\nsubject: ", 1), "utf-8")
    build(workspace)
    after = feedparser.parse((workspace / "feeds/issues.xml").read_bytes()).entries
    assert (
        kept in [e.id for e in after]
        and check_atom((workspace / "feeds/issues.xml").read_bytes()) == []
    )


def test_workspace_template_overrides_the_default(workspace: Path) -> None:
    default = REPO / "src/dopemail/default_templates/email/film_card.mjml.j2"
    override = workspace / "templates/email/film_card.mjml.j2"
    override.parent.mkdir(parents=True)
    override.write_text(
        default.read_text().replace('>{{ _("Read more") }}<', ">Read the whole piece<"),
        encoding="utf-8",
    )
    build(workspace)
    html = (workspace / "site/issues" / SAMPLE_ISSUES[0] / "email.html").read_text()
    assert "Read the whole piece" in html and ">Read more<" not in html


def test_an_issues_content_template_shapes_its_web_page_and_its_feed_item(
    workspace: Path,
) -> None:
    # issue_content.html.j2 is rendered once: the web version shows it, the feed carries it.
    _break(
        workspace, "templates/issue_content.html.j2", "_('Read more<", "_('Read the whole piece<"
    )
    build(workspace)
    web = (workspace / "site/issues" / SAMPLE_ISSUES[0] / "index.html").read_text()
    assert "Read the whole piece" in web and ">Read more<" not in web
    feed = feedparser.parse((workspace / "feeds/issues.xml").read_bytes())
    assert feed.entries and all("Read the whole piece" in e.content[0].value for e in feed.entries)
    item = next(e for e in feed.entries if e.link == _front(workspace, SAMPLE_ISSUES[0])["url"])
    cards = item.content[0].value.count('<article class="card">')
    assert cards and web.count('<article class="card">') == cards


def _break(workspace: Path, rel: str, old: str, new: str) -> None:
    path = workspace / rel
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        default = REPO / "src/dopemail/default_templates" / rel.removeprefix("templates/")
        path.write_text(default.read_text(encoding="utf-8"), encoding="utf-8")
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(workspace: Path, rel: str, needle: str) -> int:
    lines = (workspace / rel).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


FIRST = f"issues/{SAMPLE_ISSUES[0]}.md"

BAD_ISSUES = [
    (
        # Built, then the send stopped on a header with a line break in it.
        "subject on two lines",
        FIRST,
        'subject: "All of Us Strangers, and Varda on the East Side"',
        "subject: |\n  All of Us Strangers,\n  and Varda on the East Side",
        "subject: must be one line: it goes into a header of the email, which a line break "
        "ends\n  hint: write it on one line (a YAML '|' keeps the line breaks)",
        "subject: |",
    ),
    (
        # Decoded into U+000C by Markdown: MJML failed, and the message blamed the template.
        "control character by a reference in the intro",
        FIRST,
        "Dear readers,",
        "Dear readers &#12;,",
        "'&#12;' at column 14 stands for U+000C, an invisible character feeds and emails cannot "
        "hold\n  hint: delete it, or put a space or a line break in its place",
        "&#12;",
    ),
    (
        "unknown entry",
        FIRST,
        "  - all-of-us-strangers",
        "  - all-of-us-strangerz",
        "unknown entry 'all-of-us-strangerz' (did you mean 'all-of-us-strangers'?)",
        "all-of-us-strangerz",
    ),
    (
        "unknown entry with an invisible character",  # told as it was, it looked right
        FIRST,
        "  - all-of-us-strangers",
        "  - all-of-us\u200b-strangers",
        "unknown entry 'all-of-us\\u200b-strangers' (did you mean 'all-of-us-strangers'?)",
        "all-of-us\u200b-strangers",
    ),
    (
        "template syntax error",
        "templates/email/film_card.mjml.j2",
        "{% if m.pull_quote %}",
        "{% if m.pull_quote %}{% endfor %}",
        "template syntax error",
        "{% endfor %}",
    ),
    (
        # Was 'issue.mjml.j2:1' (not said whether the publication's or dopemail's), and
        # told to check the {% %} and {{ }} pairs.
        "a comment never closed",
        "templates/entry_item.html.j2",
        "</li>",
        "</li>\n{# the title",
        "template syntax error: Missing end of comment tag\n  hint: close the comment with #}: "
        "a comment runs from {# to #}",
        "{# the title",
    ),
    (
        # Not one of Jinja's own errors: once a traceback (and in the preview, the end of
        # its rebuilds).
        "error raised by an expression",
        "templates/email/issue.mjml.j2",
        "{{ issue.meta.subject }}</mj-title>",
        "{{ issue.meta.subject }}{{ issue.meta.number // 0 }}</mj-title>",
        "template error: division by zero in the template's expression\n  hint: what this "
        "line divides by (/, // or %) is 0: test it first ({% if %})",
        "// 0",
    ),
    (
        # Past any page's size, refused before it is made: '{{ 'a' * 3000000000 }}' took a
        # minute and 11.7 GB, then ended in a traceback (OverflowError, or MemoryError).
        "a string repeated past any page's size",
        "templates/email/issue.mjml.j2",
        "{{ issue.meta.subject }}</mj-title>",
        "{{ issue.meta.subject }}{{ ('ab' * 5000001) | length }}</mj-title>",
        "this expression makes a value too large (10,000,002 characters; at most 10,000,000)"
        "\n  hint: check the numbers this expression multiplies (*), raises to a power (**) "
        "or counts to (range(), lipsum(), a filter's width): one is far larger than meant",
        "5000001",
    ),
    (  # '{{ range(10**9) | list | length }}': a MemoryError traceback
        "a range past its bound",
        "templates/email/issue.mjml.j2",
        "{{ issue.meta.subject }}</mj-title>",
        "{{ issue.meta.subject }}{{ range(100001) | list | length }}</mj-title>",
        "this expression makes a value too large (range() of 100,001 numbers; at most 100,000)",
        "range(",
    ),
    (  # '{{ lipsum(1000000) }}' ran for minutes
        "placeholder text past its bound",
        "templates/email/issue.mjml.j2",
        "{{ issue.meta.subject }}</mj-title>",
        "{{ issue.meta.subject }}{{ lipsum(1001) | length }}</mj-title>",
        "this expression makes a value too large (lipsum() of up to 100,100 words; at most "
        "100,000)",
        "lipsum(",
    ),
    (  # '{{ 10 ** (10 ** 10) }}' computed for ever
        "a power past its bound",
        "templates/email/issue.mjml.j2",
        "{{ issue.meta.subject }}</mj-title>",
        "{{ issue.meta.subject }}{{ 2 ** 10000001 > 0 }}</mj-title>",
        "this expression makes a value too large (a number of 10,000,001 bits; at most 10,000,000)",
        "** 10000001",
    ),
    (  # Python's own OverflowError at a template's line: was 'OverflowError: Python int ...'
        "a filter's width past what Python takes",
        "templates/email/issue.mjml.j2",
        "{{ issue.meta.subject }}</mj-title>",
        "{{ issue.meta.subject | center(10 ** 20) }}</mj-title>",
        "this expression makes a value too large\n  hint:",
        "center(",
    ),
    (  # was "KeyError: 'who'", and the hint above
        "a phrase without its value",
        "templates/email/issue.mjml.j2",
        "{{ issue.meta.subject }}</mj-title>",
        '{{ issue.meta.subject }}{{ _("By %(who)s") }}</mj-title>',
        "template error: KeyError: 'who'\n  hint: the phrase on this line names %(who)s: give "
        'its value after the phrase, as _("... %(who)s ...", who=...)',
        "By %(who)s",
    ),
    (  # was Python's words alone: "'str' object is not callable", no hint
        "a text called",
        "templates/email/issue.mjml.j2",
        "{{ issue.meta.subject }}</mj-title>",
        "{{ issue.meta.subject(3) }}</mj-title>",
        "template error: 'str' object is not callable\n  hint: check the values this line "
        "combines, and what it calls (a filter, a method) with which arguments",
        "subject(3)",
    ),
    (  # was Python's words alone: "'str' object has no attribute 'month'", no hint
        "a filter given another kind of value",
        "templates/email/issue.mjml.j2",
        "{{ issue.meta.subject }}</mj-title>",
        "{{ issue.meta.subject | long_date }}</mj-title>",
        "template error: 'str' object has no attribute 'month'\n  hint: check what this line "
        "gives each filter and asks of each value: a filter meant for a date, a list or a "
        "number was given something else (the default templates show what each takes)",
        "long_date",
    ),
    (  # was "RecursionError: maximum recursion depth exceeded", told to correct an expression
        "a template that extends itself",
        "templates/email/issue.mjml.j2",
        "{{ issue.meta.subject }}</mj-title>",
        '{{ issue.meta.subject }}</mj-title>{% include "email/issue.mjml.j2" %}',
        "template error: it extends, includes or calls itself (or through others), over and "
        "over\n  hint: yours replaces the default 'email/issue.mjml.j2', so naming "
        "'email/issue.mjml.j2' in it names itself, not the default: copy the default "
        "(src/dopemail/default_templates/email/issue.mjml.j2) and edit the copy instead",
        "{% include",
    ),
    (  # a key missing elsewhere than in a phrase: no word of phrases
        "a key missing from a mapping",
        "templates/email/issue.mjml.j2",
        "{{ issue.meta.subject }}</mj-title>",
        '{{ issue.meta.subject }}{{ {"a": 1}.pop("b") }}</mj-title>',
        "template error: KeyError: 'b'\n  hint: correct the expression on this line",
        ".pop(",
    ),
    (  # a macro calling itself: no default to speak of
        "a macro that calls itself",
        "templates/email/issue.mjml.j2",
        "{{ issue.meta.subject }}</mj-title>",
        "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}</mj-title>",
        "template error: it extends, includes or calls itself (or through others), over and "
        "over\n  hint: remove the {% extends %}, {% include %} or macro call that leads back "
        "to itself",
        "{% macro",
    ),
    (
        "undefined variable",
        "templates/email/issue.mjml.j2",
        "{{ issue.meta.subject }}</mj-title>",
        "{{ issue.meta.subjcet }}</mj-title>",
        "undefined variable in template: Issue has no attribute 'subjcet'",
        "subjcet",
    ),
    (
        # At the include that names it (once the template rendered, with no line), and the
        # one meant.
        "included template not found",
        "templates/email/issue.mjml.j2",
        '{% include "email/film_card.mjml.j2" %}',
        '{% include "email/film_crad.mjml.j2" %}',
        "template 'email/film_crad.mjml.j2' not found\n  hint: did you mean "
        "'email/film_card.mjml.j2'?",
        "film_crad",
    ),
    (
        "extended template not found",
        "templates/entry.html.j2",
        '{% extends "page.html.j2" %}',
        '{% extends "layout.html.j2" %}',
        "template 'layout.html.j2' not found\n  hint: create templates/layout.html.j2, or remove "
        "the {% extends %} or {% include %} that names it",
        "layout.html.j2",
    ),
    (
        # Named without its .j2 (the file's name as the folder shows it in some editors).
        "included template named without its .j2",
        "templates/email/issue.mjml.j2",
        '{% include "email/film_card.mjml.j2" %}',
        '{% include "email/film_card.mjml" %}',
        "template 'email/film_card.mjml' not found\n  hint: did you mean "
        "'email/film_card.mjml.j2'?",
        'film_card.mjml"',
    ),
    (
        # A partial of the editor's own, not written yet: "did you mean 'home.html.j2'?",
        # whose name shares '.html.j2' with it, and which led to another error.
        "included partial not written",
        "templates/entry.html.j2",
        '{% extends "page.html.j2" %}',
        '{% extends "page.html.j2" %}{% include "footer.html.j2" %}',
        "template 'footer.html.j2' not found\n  hint: create templates/footer.html.j2, or "
        "remove the {% extends %} or {% include %} that names it",
        "footer.html.j2",
    ),
    (
        "unknown MJML tag",
        "templates/email/issue.mjml.j2",
        "<mj-column>",
        "<mj-colum>",
        "unknown MJML tag <mj-colum>",
        "<mj-colum>",
    ),
    (
        "unknown MJML attribute",
        "templates/email/film_card.mjml.j2",
        '<mj-button css-class="button" href="{{ e.url }}">',
        '<mj-button css-class="button" href="{{ e.url }}" colour="#fff">',
        "unknown attribute 'colour' on <mj-button>",
        'colour="#fff"',
    ),
    (
        "unknown MJML tag in an included template",  # named, not the template including it
        "templates/email/film_card.mjml.j2",
        '<mj-text css-class="body">',
        '<mj-txet css-class="body">',
        "unknown MJML tag <mj-txet>",
        "<mj-txet",
    ),
    (
        "relative link",
        "templates/email/issue.mjml.j2",
        '<a href="{{ issue.url }}" style="color:#5b5b5b">',
        '<a href="/archive/" style="color:#5b5b5b">',
        "every issue's email: a link that is not absolute, which goes nowhere from an inbox",
        None,
    ),
    (
        # 'https://' and then no host: as relative as '/archive/' from an inbox.
        "link with no host",
        "templates/email/issue.mjml.j2",
        '<a href="{{ issue.url }}" style="color:#5b5b5b">',
        '<a href="https:///archive/" style="color:#5b5b5b">',
        "every issue's email: a link that is not absolute, which goes nowhere from an inbox",
        None,
    ),
    (
        # Mail programs block pictures over plain http, or warn the message is not secure.
        "picture over http in a template",
        "templates/email/film_card.mjml.j2",
        'src="{{ e.lead.url }}"',
        "src=\"{{ e.lead.url | replace('https://', 'http://') }}\"",
        "image not on an absolute https URL: http://dopepress.example.com/media/",
        None,
    ),
    (
        "image without alt",
        "templates/email/film_card.mjml.j2",
        'alt="{{ e.lead.alt }}"',
        'alt=""',
        "every issue's email: the entries' pictures are shown without the alt text the "
        "entries give them",
        'alt=""',  # the template's line, not an issue's
    ),
    (
        "wrong language",
        "templates/email/issue.mjml.j2",
        '<mjml lang="{{ pub.language }}"',
        '<mjml lang="fr"',
        "every issue's email: <html lang=\"fr\"> but the publication's language is 'en'",
        '<mjml lang="fr"',
    ),
    (
        "no dark-mode declaration",
        "templates/email/issue.mjml.j2",
        '<meta name="color-scheme" content="light dark">',
        "",
        'no <meta name="color-scheme"',
        None,
    ),
    (
        "dark text on a transparent background",
        "templates/email/issue.mjml.j2",
        '<mj-section background-color="#ffffff" padding="0" ',
        '<mj-section padding="0" ',
        "dark text with no background of its own",
        None,
    ),
    (
        "HTML in the text part",
        "templates/email/issue.txt.j2",
        '{{ _("View in your browser: %(url)s", url=issue.url) | wrap }}\n',
        "View in your <b>browser</b>: {{ issue.url }} &amp;\n",
        "every issue's email: the plain-text part contains HTML",
        "View in your <b>browser</b>",
    ),
    (
        # The preheader set in every issue, but a template that shows it nowhere: the inbox
        # previews the masthead instead, and the check asked only that one was written.
        "preheader left out of the template",
        "templates/email/issue.mjml.j2",
        "<mj-preview>{{ issue.meta.preheader }}{{ issue.meta.preheader | preview_padding }}",
        "<mj-preview>",
        "every issue's email: the preheader (inbox preview text) is not in the email",
        "<mj-preview>",
    ),
    (
        # Some 17 KB of <style>, a little over Gmail's 16 KB, past which it drops them all.
        "<style> over Gmail's 16 KB",
        "templates/email/issue.mjml.j2",
        "<mj-style>\n",
        "<mj-style>\n{% for i in range(520) %}.spare-{{ i }} { margin: 0 1px; }\n{% endfor %}",
        "the <style> blocks weigh 17",  # bytes, a little over
        None,
    ),
    (
        "title not the subject",
        "templates/email/issue.mjml.j2",
        "<mj-title>{{ issue.meta.subject }}</mj-title>",
        "<mj-title>{{ pub.title }}</mj-title>",
        "every issue's email: the <title> is not the issue's subject",
        "<mj-title>",
    ),
    (
        # Declared, but light only: dark-mode clients invert the email their own way.
        "light colour scheme only",
        "templates/email/issue.mjml.j2",
        '<meta name="color-scheme" content="light dark">',
        '<meta name="color-scheme" content="light">',
        'no <meta name="color-scheme" content="light dark">',
        None,
    ),
    (
        # An entity alone, no tag: the reader of the text part sees '&amp;' as is.
        "HTML entity in the text part",
        "templates/email/issue.txt.j2",
        "{% set pub = settings.publication %}\n",
        "{% set pub = settings.publication %}\nTom &amp; Jerry\n",
        "every issue's email: the plain-text part contains HTML: &amp;",
        "Tom &amp; Jerry",
    ),
    (
        # Was 'gather fewer entries, or show fewer pictures', of an issue of four: which
        # entry, and what in it, was for the editor to find.
        "one field past the size limit",
        "entries/french-film-days-2024.md",
        "      - name: Sandra Hüller",
        "      - name: Sandra Hüller" + " x" * 100000,
        "issue 2: the email is 249.6 KB as sent; Gmail clips messages over 102 KB, hiding the "
        "rest and the unsubscribe link\n  hint: the heaviest is films[0].cast[0].name in "
        "entries/french-film-days-2024.md (200.0 KB): shorten it",
        None,
    ),
    (
        "over the size limit",
        "dopemail.toml",
        "[feeds]",
        "[newsletter]\nmax_bytes = 20000\n\n[feeds]",
        "that is over the 20 KB limit of [newsletter] max_bytes (Gmail clips at 102 KB)",
        None,
    ),
]


@pytest.mark.parametrize(
    ("rel", "old", "new", "message", "line_needle"),
    [case[1:] for case in BAD_ISSUES],
    ids=[case[0] for case in BAD_ISSUES],
)
def test_bad_issue_input(
    workspace: Path, run_cli, rel: str, old: str, new: str, message: str, line_needle: str | None
) -> None:
    build(workspace)
    before = snapshot(workspace / "feeds") | snapshot(workspace / "site")
    _break(workspace, rel, old, new)
    code, output = run_cli("build", "--root", workspace)
    assert code == 1, output
    assert message in output
    assert "Traceback" not in output
    assert "hint:" in output
    if rel.startswith("issues/") or line_needle is not None:
        assert f"{rel}:{_line_of(workspace, rel, line_needle)}:" in output
    elif rel.startswith("templates/") and "MJML" in message:
        assert rel in output
    # Nothing written: the previous outputs are intact.
    assert snapshot(workspace / "feeds") | snapshot(workspace / "site") == before


@pytest.mark.parametrize(
    ("rel", "old", "new"),
    [
        ("templates/email/film_card.mjml.j2", 'alt="{{ e.lead.alt }}" ', ""),
        ("templates/email/issue.mjml.j2", '<mjml lang="{{ pub.language }}"', '<mjml lang="fr"'),
        ("templates/email/film_card.txt.j2", "{{", "<b>{{"),
        (  # told at each issue's file, without a word of the template that wrote it
            "templates/email/issue.mjml.j2",
            "</mj-body>",
            '<mj-section background-color="transparent"><mj-column><mj-text color="black">'
            "Dark words</mj-text></mj-column>"
            "</mj-section>\n</mj-body>",
        ),
    ],
    ids=["alt-left-out", "lang", "html-in-text", "dark-text"],
)
def test_a_template_s_own_fault_is_told_once_at_the_template(
    workspace: Path, run_cli, rel: str, old: str, new: str
) -> None:
    # Told at every issue's file, without a line or a word of the template: "issue 1: image
    # without alt text: ..." (the entries give it), once per issue, for one mistake.
    _break(workspace, rel, old, new)
    code, output = run_cli("check", "--root", workspace)
    assert code == 1, output
    problems = [line for line in output.splitlines() if not line.startswith(("  ", "ok"))]
    assert [p for p in problems if "problems found" not in p] == [
        next(p for p in problems if re.match(rf"{rel}:\d+: every issue's email: ", p))
    ], output
    assert "issues/" not in output


def test_a_picture_without_alt_is_told_at_its_tag_whatever_the_other_tags_quotes(
    workspace: Path, run_cli
) -> None:
    # The lead's alt='...' (right, in single quotes) was taken for the fault: line 22, not the
    # gallery's; a '>' in a Jinja tag ended a tag early.
    rel = "templates/email/film_card.mjml.j2"
    lead = 'alt="{{ e.lead.alt }}"'
    _break(workspace, rel, lead, "alt='{{ e.lead.alt }}' {% if size[0] > 300 %}{% endif %}")
    _break(workspace, rel, 'alt="{{ image.alt }}"', 'alt=" "')
    code, output = run_cli("check", "--root", workspace)
    assert code == 1, output
    line = _line_of(workspace, rel, 'alt=" "')
    assert f"{rel}:{line}: every issue's email: the entries' pictures are shown without" in output
    assert line != _line_of(workspace, rel, "alt='{{ e.lead.alt }}'")


def test_html_in_the_text_part_is_told_at_the_template_that_writes_it(
    workspace: Path, run_cli
) -> None:
    # With any text template of its own, the publication's were all blamed (one of
    # templates/email/...): the innocent copy too.
    _break(workspace, "templates/email/film_card.txt.j2", "{{", "{{")  # a copy, unchanged
    _break(workspace, "templates/email/issue.txt.j2", "{{", "<b>{{")
    code, output = run_cli("check", "--root", workspace)
    assert code == 1, output
    line = _line_of(workspace, "templates/email/issue.txt.j2", "<b>")
    assert (
        f"templates/email/issue.txt.j2:{line}: every issue's email: the plain-text part "
        "contains HTML: <b>\n" in output
    ), output
    assert "film_card.txt.j2" not in output, output


def test_duplicate_issue_number(workspace: Path, run_cli) -> None:
    first = workspace / FIRST
    copy = workspace / "issues" / (first.name.split("-", 1)[0] + "-again.md")
    copy.write_text(first.read_text(encoding="utf-8"), encoding="utf-8")
    code, output = run_cli("check", "--root", workspace)
    assert code == 1
    assert f"duplicate issue number {first.name.split('-', 1)[0]}" in output
    assert "next free number" in output


def test_a_duplicate_number_blames_the_issue_not_yet_sent(workspace: Path, run_cli) -> None:
    # The copy sorts first ('2-again' before '2-summer...'): the issue already sent (2) once
    # got the blame and the advice to change its number, which readers already have.
    sent = workspace / "issues/2-summer-festivals.md"
    assert "status: sent" in sent.read_text("utf-8")
    copy = workspace / "issues/2-again.md"
    text = (workspace / "issues/3-quiet-hours.md").read_text("utf-8")
    copy.write_text(text.replace("number: 3", "number: 2", 1), encoding="utf-8")
    code, output = run_cli("check", "--root", workspace)
    assert code == 1
    line = copy.read_text("utf-8").splitlines().index("number: 2") + 1
    assert f"issues/2-again.md:{line}: duplicate issue number 2: " in output, output
    assert "issues/2-summer-festivals.md (sent) has it too" in output
    assert "next free number, 4" in output and "issues/4-again.md" in output
    assert "issues/2-summer-festivals.md:" not in output


def test_a_duplicate_number_blames_the_later_issue_of_the_same_status(
    workspace: Path, run_cli
) -> None:
    # 'issues/3-dup.md' (a copy begun for the next issue, dated later) sorts before
    # '3-quiet-hours.md': the older issue got the blame and the advice to take another number.
    older = workspace / "issues/3-quiet-hours.md"
    text = older.read_text("utf-8")
    date = re.search(r"(?m)^date: (\S+)", text)
    assert date is not None and "status: sent" not in text
    copy = workspace / "issues/3-dup.md"
    copy.write_text(text.replace(date.group(1), "2026-12-01T08:00:00-08:00", 1), "utf-8")
    code, output = run_cli("check", "--root", workspace)
    assert code == 1
    line = _line_of(workspace, "issues/3-dup.md", "number: 3")
    assert f"issues/3-dup.md:{line}: duplicate issue number 3: issues/3-quiet-hours.md " in output
    assert "issues/3-quiet-hours.md:" not in output, output


def test_a_duplicate_made_as_is_is_blamed_not_the_issue_it_copies(workspace: Path, run_cli) -> None:
    # An exact copy (sent, the same date) that sorts first ('2-autumn' before '2-summer...')
    # had the sent issue told to take another number, which its readers already have. The
    # one a build made a web version of is kept.
    code, output = run_cli("build", "--root", workspace)
    assert code == 0, output
    original = workspace / "issues/2-summer-festivals.md"
    shutil.copy(original, workspace / "issues/2-autumn.md")
    code, output = run_cli("check", "--root", workspace)
    assert code == 1
    line = _line_of(workspace, "issues/2-autumn.md", "number: 2")
    said = "duplicate issue number 2: issues/2-summer-festivals.md (sent) has it too"
    assert f"issues/2-autumn.md:{line}: {said}" in output, output
    assert "issues/2-summer-festivals.md:" not in output, output


def test_an_issue_file_without_its_number_in_its_name_is_told_the_name_it_needs(
    workspace: Path, run_cli
) -> None:
    # The hint was always 'rename it like issues/3-summer-screenings.md', a number taken.
    text = (workspace / "issues/3-quiet-hours.md").read_text("utf-8")
    (workspace / "issues/summer screenings.md").write_text(
        text.replace("number: 3", "number: 9", 1), encoding="utf-8"
    )
    code, output = run_cli("check", "--root", workspace)
    assert code == 1
    assert "issues/summer screenings.md: issue file name 'summer screenings.md' is not " in output
    assert "hint: rename it like issues/9-summer-screenings.md" in output, output
    (workspace / "issues/summer screenings.md").rename(workspace / "issues/9-Summer-Screenings.md")
    code, output = run_cli("check", "--root", workspace)
    assert code == 1 and "hint: rename it like issues/9-summer-screenings.md" in output, output
    # A leading zero: built as 9-summer-screenings, sent from a file that is not there.
    (workspace / "issues/9-Summer-Screenings.md").rename(
        workspace / "issues/09-summer-screenings.md"
    )
    code, output = run_cli("check", "--root", workspace)
    assert code == 1 and "hint: rename it like issues/9-summer-screenings.md" in output, output
    # Number 0, in the name as in the file: one problem, the number's (the name's hint was a
    # fixed example, its number taken).
    (workspace / "issues/09-summer-screenings.md").unlink()
    (workspace / "issues/0-summer.md").write_text(text.replace("number: 3", "number: 0", 1))
    code, output = run_cli("check", "--root", workspace)
    assert code == 1 and "0-summer.md:2: number: input should be greater than 0" in output
    assert "file name" not in output and "1 problem" not in output, output


def test_a_comment_left_open_in_an_issue_s_intro_is_reported_at_its_line(
    workspace: Path, run_cli
) -> None:
    _break(workspace, FIRST, "Dear readers,", "Dear readers, <!-- a note to self")
    code, output = run_cli("check", "--root", workspace)
    assert code == 1, output
    line = _line_of(workspace, FIRST, "a note to self")
    assert (
        f"{FIRST}:{line}: an HTML comment opens here ('<!--') and is never closed: it would be "
        "shown as text" in output
    ), output


@pytest.mark.parametrize("number", ["4", '"4"'])  # as text, validation reads it as a number
def test_every_problem_of_an_issue_is_reported_in_one_pass(
    workspace: Path, run_cli, number: str
) -> None:
    # A missing field once hid the rest: the number, the entries gathered, the intro.
    rel = "issues/3-quiet-hours.md"
    text = (workspace / rel).read_text("utf-8")
    assert "entries:\n  - quiet-hours\n" in text, text
    text = re.sub(r"(?m)^preheader:.*\n", "", text).replace("number: 3", f"number: {number}", 1)
    # Ready: a draft issue may gather a draft entry (a warning, after the errors are fixed).
    assert "status: draft\n" in text
    text = text.replace("status: draft\n", "status: ready\n", 1)
    text = text.replace(
        "entries:\n  - quiet-hours\n",
        "entries:\n  - quiet-hours\n  - quiet-hours\n  - quiet-hourz\n"
        "  - harbor-lights-restoration\n",
        1,
    )
    (workspace / rel).write_text(text + "\nA note <!-- left open\n", encoding="utf-8")
    lines = text.splitlines()
    gathered = lines.index("entries:") + 2  # the line (from 1) of its first item
    expected = [
        "missing required field 'preheader'",
        f"{_line_of(workspace, rel, 'number:')}: the file name says issue 3 but 'number' is 4",
        f"{gathered + 1}: entry 'quiet-hours' is in this issue twice (line {gathered} has it",
        f"{gathered + 2}: unknown entry 'quiet-hourz' (did you mean 'quiet-hours'?)",
        f"{gathered + 3}: entry 'harbor-lights-restoration' is a draft",
        f"{_line_of(workspace, rel, 'left open')}: an HTML comment opens here",
    ]
    assert_reported_in_one_pass(run_cli, workspace, expected)


def test_a_sent_issue_cannot_gather_a_draft(workspace: Path, run_cli) -> None:
    entry = workspace / "entries/all-of-us-strangers.md"
    entry.write_text(
        entry.read_text().replace("author: DoPe Press\n", "author: DoPe Press\ndraft: true\n", 1)
    )
    code, output = run_cli("check", "--root", workspace)
    assert code == 1
    rel = "issues/1-strangers-and-varda.md"
    line = _line_of(workspace, rel, "  - all-of-us-strangers")
    assert (
        f"{rel}:{line}: entry 'all-of-us-strangers' is a draft: it has no web page to link to "
        "(this issue is sent)\n  hint: publish it (remove 'draft: true' from "
        "entries/all-of-us-strangers.md) or leave it out of the issue\n"
    ) in output, output


def _gather_the_draft(workspace: Path, status: str) -> tuple[str, int]:
    # The sample's draft entry, gathered by issue 3 (a draft) with the given status.
    rel = "issues/3-quiet-hours.md"
    path = workspace / rel
    text = path.read_text("utf-8")
    assert "status: draft\n" in text and "entries:\n  - quiet-hours\n" in text
    text = text.replace("status: draft\n", f"status: {status}\n", 1)
    text = text.replace("  - quiet-hours\n", "  - quiet-hours\n  - harbor-lights-restoration\n")
    path.write_text(text, encoding="utf-8")
    return rel, _line_of(workspace, rel, "  - harbor-lights-restoration")


def test_a_draft_issue_gathers_a_draft_entry_with_a_warning(workspace: Path, run_cli) -> None:
    # To preview and test-send next week's issue with a review not yet published.
    assert "draft: true" in (workspace / "entries/harbor-lights-restoration.md").read_text()
    rel, line = _gather_the_draft(workspace, "draft")
    code, output = run_cli("build", "--root", workspace)
    assert code == 0, output
    # Said once, at the line that gathers it (not again as a dead link in the issue).
    assert (
        f"warning: {rel}:{line}: issue 3: entry 'harbor-lights-restoration' is a draft: the "
        "email links to its page, which is made when it is published\n  hint: publish it "
        "(remove 'draft: true' from entries/harbor-lights-restoration.md) before the issue "
        "is ready\n"
    ) in output, output
    assert output.count("harbor-lights-restoration") == 2, output
    folder = workspace / "site/issues/3-quiet-hours"
    source = (workspace / "entries/harbor-lights-restoration.md").read_text("utf-8")
    title = re.search(r'^title: "?(.*?)"?$', source, re.M).group(1)  # type: ignore[union-attr]
    assert title.upper() in (folder / "email.txt").read_text(encoding="utf-8")
    assert html_lib.escape(title, quote=False) in (folder / "email.html").read_text("utf-8")
    # Its pictures, which the email and the web version show, are on the site.
    pictures = re.findall(r"^\s*- src: (media/\S+)$", source, re.M)
    assert pictures and all((workspace / "site" / p).is_file() for p in pictures)
    # Still a draft for the site and the feeds.
    assert not (workspace / "site/harbor-lights-restoration").exists()
    assert "harbor-lights-restoration" not in (workspace / "feeds/rss.xml").read_text("utf-8")
    # Published: the warning goes.
    entry = workspace / "entries/harbor-lights-restoration.md"
    entry.write_text(entry.read_text().replace("draft: true\n", "", 1), encoding="utf-8")
    code, output = run_cli("build", "--root", workspace)
    assert code == 0 and "warning" not in output, output


def test_a_ready_issue_cannot_gather_a_draft(workspace: Path, run_cli) -> None:
    rel, line = _gather_the_draft(workspace, "ready")
    code, output = run_cli("check", "--root", workspace)
    assert code == 1
    assert (
        f"{rel}:{line}: entry 'harbor-lights-restoration' is a draft: it has no web page to "
        "link to (this issue is ready)\n  hint: publish it (remove 'draft: true' from "
        "entries/harbor-lights-restoration.md) or leave it out of the issue, or set "
        "'status: draft' here while you work on both\n"
    ) in output, output


def test_five_films_of_nine_photos_make_an_email_under_the_warning(
    workspace: Path, run_cli
) -> None:
    # The newsletter's usual issue: five films, each with credits, screenings, an event and a
    # nine-photo gallery (the sample's heaviest entry, five times). With the default settings
    # its email must stay under the 80 KB warning, well clear of Gmail's 102 KB clipping.
    source = (workspace / "entries/all-of-us-strangers.md").read_text(encoding="utf-8")
    assert source.count("src:") == 9
    slugs = [f"strangers-{n}" for n in range(1, 6)]
    for slug in slugs:
        (workspace / "entries" / f"{slug}.md").write_text(source, encoding="utf-8")
    gathered = "".join(f"  - {slug}\n" for slug in slugs)
    (workspace / "issues/9-five-strangers.md").write_text(
        "---\nnumber: 9\nsubject: Five strangers\ndate: 2024-03-01T08:00:00-08:00\n"
        f"preheader: Five films.\nstatus: ready\nentries:\n{gathered}---\nDear readers,\n",
        encoding="utf-8",
    )
    code, output = run_cli("build", "--root", workspace)
    assert code == 0, output
    # No quality warning of its email ("issue 9: ..."); dated before issue 3 (its entries'
    # screenings are not over by then), it is told to be, as it should.
    assert "issue 9: " not in output and "issue 9 is dated 2024-03-01" in output, output
    email = workspace / "site/issues/9-five-strangers/email.html"
    page = Page(email.read_text(encoding="utf-8"))
    shown = [i for i in page.all("img") if "/media/all-of-us-strangers/" in i.get("src", "")]
    assert len(shown) == 5 * (1 + 4)  # each film's lead and four of its gallery
    assert email.stat().st_size < Newsletter().warn_bytes
    # Outlook on Windows reads a table of its own around each pair of gallery photos.
    html = email.read_text(encoding="utf-8")
    # Its cells name the font: Word's tables inherit none, and showed the captions in Times
    # New Roman.
    cell = (
        '<!--[if mso]><td width="270" valign="top" style="font-family:Georgia,serif"><![endif]-->'
    )

    assert html.count(cell) == 5 * 4
    assert html.count("<!--[if mso]></tr></table><![endif]-->") == 5 * 2
    # iOS Mail makes no links of the dates and addresses (blue, whatever the dark palette).
    assert '<meta name="format-detection" content="telephone=no,date=no,address=no,email=no">' in (
        html
    )
    assert "a[x-apple-data-detectors]" in html


def test_a_last_odd_photo_sits_in_the_middle_of_its_row_in_outlook_too(built: Path) -> None:
    # Outlook's table for a pair was 540 wide whatever the pair: a photo alone in its row
    # (the Varda card's one) was stretched across it.
    html = (built / "site/issues/1-strangers-and-varda/email.html").read_text(encoding="utf-8")
    widths = re.findall(
        r'<!--\[if mso\]><table role="presentation" border="0" cellpadding="0" '
        r'cellspacing="0" width="(\d+)" align="center"><tr><!\[endif\]-->((?:(?!</tr>).)*)',
        html,
        re.S,
    )
    assert widths and all(int(w) == 270 * row.count("<td width=") for w, row in widths)
    assert "270" in {w for w, _ in widths}  # a row of one photo


def test_an_intro_s_lists_and_tables_carry_their_font_for_outlook(workspace: Path, run_cli) -> None:
    # Word's engine gives a list or a table no font of the text around it: Times New Roman.
    issue = workspace / "issues/3-quiet-hours.md"
    issue.write_text(
        issue.read_text("utf-8") + "\n- One\n- Two\n\n| Film | Day |\n| --- | --- |\n| A | 1 |\n",
        "utf-8",
    )
    code, output = run_cli("build", "--root", workspace)
    assert code == 0, output
    html = (workspace / "site/issues/3-quiet-hours/email.html").read_text(encoding="utf-8")
    # (The layout's own cells are MJML's, not the intro's: the table's are those of "A", "1".)
    cells = re.findall(r"<(?:li|th|td)\b[^>]*>(?=One|Two|Film|Day|A<|1<)", html)
    assert len(cells) == 6 and all("font-family:" in c and "Georgia" in c for c in cells), cells


def test_an_svg_picture_is_sized_in_whole_pixels_and_warned_about_in_email(
    workspace: Path, run_cli
) -> None:
    # Its size was written as read, 100.6 and 50.0, into width= and og:image:width; and
    # Gmail and Outlook show no SVG (Outlook for Windows no WebP), which no check said.
    from PIL import Image

    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="100.6" height="50"><rect/></svg>'
    (workspace / "media/all-of-us-strangers/diagram.svg").write_text(svg, encoding="utf-8")
    with Image.open(workspace / "media/all-of-us-strangers/01.jpg") as still:
        still.save(workspace / "media/all-of-us-strangers/still.webp", "WEBP")
    lead = "  - src: media/all-of-us-strangers/diagram.svg\n    alt: A diagram\n"
    lead += "  - src: media/all-of-us-strangers/still.webp\n    alt: A still\n"
    _break(workspace, "entries/all-of-us-strangers.md", "images:\n", "images:\n" + lead)
    # Issue 1 has gone out: what its pictures are is in readers' inboxes already.
    code, output = run_cli("build", "--root", workspace)
    assert code == 0 and "built 53 files" in output, output
    assert "do not show SVG" not in output and "no WebP" not in output
    _break(workspace, f"issues/{SAMPLE_ISSUES[0]}.md", "status: sent", "status: ready")
    code, output = run_cli("build", "--root", workspace)
    assert code == 0, output
    assert "Gmail and Outlook do not show SVG pictures: " in output
    assert "all-of-us-strangers/diagram.svg" in output and "issue 1" in output
    assert (
        "issue 1: Outlook for Windows shows no WebP or AVIF picture: https://dopepress.example"
        ".com/media/all-of-us-strangers/still.webp" in output
    ), output
    page = (workspace / "site/all-of-us-strangers/index.html").read_text(encoding="utf-8")
    assert 'width="101" height="50"' in page and "100.6" not in page and "50.0" not in page
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="100%" viewBox="0 0 4 3"></svg>'
    (workspace / "media/all-of-us-strangers/diagram.svg").write_text(svg, encoding="utf-8")
    code, output = run_cli("check", "--root", workspace)
    assert code == 1 and "is an SVG without a width and height in pixels" in output


def test_a_subject_with_angle_brackets_is_text_not_template_html(workspace: Path, run_cli) -> None:
    # "the plain-text part contains HTML: <Film> ... do not put HTML in email/*.txt.j2": the
    # editor had touched no template, and the text part said just what they wrote.
    issue = "issues/1-strangers-and-varda.md"
    subject = next(
        line
        for line in (workspace / issue).read_text("utf-8").split("\n")
        if line.startswith("subject:")
    )
    _break(workspace, issue, subject, """subject: 'Notes on <Film> & <Cinema "X">'""")
    code, output = run_cli("build", "--root", workspace)
    assert code == 0, output
    folder = next((workspace / "site/issues").glob("1-*"))
    text = (folder / "email.txt").read_text(encoding="utf-8")
    assert 'Notes on <Film> & <Cinema "X">' in text
    html = (folder / "email.html").read_text(encoding="utf-8")
    assert '<title>Notes on &lt;Film&gt; &amp; &lt;Cinema "X"&gt;</title>' in html
    # MJML writes the title's aria-label with < as is: valid in an attribute, and no element.
    assert html.count("<Film>") == html.count('aria-label="Notes on <Film> &amp; <Cinema')
    # The web version's heading is the subject as text too (as its h1's markup, '<Film>'
    # would be an element the browser makes up, and the heading would read 'Notes on  & ').
    web = (folder / "index.html").read_text(encoding="utf-8")
    (heading,) = re.findall(r"<h1[^>]*>(.*?)</h1>", web, re.S)
    assert "<" not in heading and html_lib.unescape(heading) == 'Notes on <Film> & <Cinema "X">'
    assert "<Film>" not in web and "<Cinema " not in web
    # A '<' that opens no tag: "<y, and a <3 ... <https://...>" was read as one tag, from the
    # subject to the intro's link below, and the build refused the issue.
    _break(
        workspace,
        issue,
        """subject: 'Notes on <Film> & <Cinema "X">'""",
        "subject: 'Why x<y, and a <3 for cats'",
    )
    code, output = run_cli("build", "--root", workspace)
    assert code == 0, output
    assert "Why x<y, and a <3 for cats\n" in (folder / "email.txt").read_text(encoding="utf-8")
    # Nor a tag of the editor's that the text part's wrapping parts across two lines.
    long = "Notes on the night, the city and the studios that called it all <Film noir>, then"
    _break(workspace, issue, "subject: 'Why x<y, and a <3 for cats'", f"subject: '{long}'")
    code, output = run_cli("build", "--root", workspace)
    assert code == 0, output
    assert "<Film\nnoir>" in (folder / "email.txt").read_text(encoding="utf-8")
    # A role in angle brackets with a note in brackets, which the text part writes with a
    # comma ('<Narrator, voice>'): the editor's words, not HTML (the build refused them).
    _break(workspace, STRANGERS, "      role: Adam\n", "      role: <Narrator (voice)>\n")
    code, output = run_cli("build", "--root", workspace)
    assert code == 0, output
    assert "<Narrator, voice>" in (folder / "email.txt").read_text(encoding="utf-8")
    # What a template itself leaves in the text part is still caught.
    _break(workspace, "templates/email/issue.txt.j2", "{{", "<b>{{")
    code, output = run_cli("build", "--root", workspace)
    assert code == 1 and "the plain-text part contains HTML: <b>" in output


def test_a_preheader_of_160_characters_is_warned_of(workspace: Path, run_cli) -> None:
    # Inboxes show some 90 to 140 characters after the subject: ten past the 150 the
    # build allows are cut in every inbox, and said so (the issue still builds).
    issue = "issues/3-quiet-hours.md"
    long = "A Norwegian film about a hotel night shift that we cannot stop thinking about" + (
        ", and the quiet people who keep a place running while everyone else sleeps up there"
    )
    assert len(long) == 160
    _break(
        workspace,
        issue,
        'preheader: "A Norwegian film about a hotel night shift that we cannot stop thinking '
        'about."',
        f'preheader: "{long}"',
    )
    code, output = run_cli("build", "--root", workspace)
    assert code == 0, output
    line = _line_of(workspace, issue, "preheader:")
    assert f"warning: {issue}:{line}: issue 3: the preheader is 160 characters" in output


def test_size_warning_does_not_stop_the_build(workspace: Path, run_cli) -> None:
    _break(workspace, "dopemail.toml", "[feeds]", "[newsletter]\nwarn_bytes = 1000\n\n[feeds]")
    code, output = run_cli("build", "--root", workspace)
    assert code == 0, output
    assert "warning:" in output and "near Gmail's 102 KB clipping limit" in output


def test_the_size_limit_counts_each_reader_s_unsubscribe_link(workspace: Path, run_cli) -> None:
    # The build's placeholder link is shorter than the one the sender writes for each reader:
    # an email that passed the limit by a few bytes went out over it, and "the email is 95 KB;
    # that is over the 95 KB limit" did not say by how much.
    build(workspace)
    email = next((workspace / "site/issues").glob("1-*")) / "email.html"
    built = len(email.read_bytes())
    _break(workspace, "dopemail.toml", "[feeds]", f"[newsletter]\nmax_bytes = {built}\n\n[feeds]")
    code, output = run_cli("build", "--root", workspace)
    assert code == 1
    # Within a KB of the limit, said in bytes ("102.0 KB" was said under it and over it).
    found = re.search(
        rf"issue 1: the email is ([\d,]+) bytes as sent \(the limit: {built:,}\); that is over ",
        output,
    )
    assert found is not None, output
    # Each link counted at its longest: the token of a 254-character address (one sized
    # for 64 let a reader with a longer address get an email over the limit).
    from dopemail.personalize import UNSUBSCRIBE_PLACEHOLDER
    from dopemail.send.message import unsubscribe_token

    longest = unsubscribe_token(f"{'a' * 64}@{'b' * 185}.com", b"k" * 32)
    links = email.read_text("utf-8").count(UNSUBSCRIBE_PLACEHOLDER)
    link = f"https://dopepress.example.com/unsubscribe?token={longest}"
    assert links and int(found.group(1).replace(",", "")) >= built + links * (
        len(link) - len(UNSUBSCRIBE_PLACEHOLDER)
    )
    assert f"over the {built / 1000:g} KB limit of [newsletter] max_bytes" in output


def test_an_email_over_the_limit_by_its_intro_is_told_to_shorten_the_intro(
    workspace: Path, run_cli
) -> None:
    # Told to gather fewer entries and show fewer pictures, though the intro was the weight.
    issue = workspace / "issues/3-quiet-hours.md"
    text = issue.read_text("utf-8")
    paragraph = "A long word on the month ahead, its films and its rooms. " * 30
    _break(
        workspace,
        "issues/3-quiet-hours.md",
        "Dear readers,",
        f"Dear readers,\n\n{paragraph}\n" * 90,
    )
    code, output = run_cli("build", "--root", workspace)
    assert code == 1 and "issue 3: the email is" in output, output
    assert "hint: shorten the intro (its text alone is " in output, output
    # Within the limit by a shorter intro: an email whose weight is its entries is not told so.
    issue.write_text(text, encoding="utf-8")
    limit = "[newsletter]\nmax_bytes = 20000\n\n[feeds]"
    _break(workspace, "dopemail.toml", "[feeds]", limit)
    code, output = run_cli("build", "--root", workspace)
    assert code == 1 and "hint: gather fewer entries" in output, output
    assert "shorten the intro" not in output


def test_a_heavy_picture_in_the_email_is_warned_about(workspace: Path, run_cli) -> None:
    # A 60 MB still straight from the camera went into every reader's email without a word.
    code, output = run_cli("build", "--root", workspace)
    assert code == 0 and "pictures every reader downloads" not in output
    limit = "[newsletter]\nmax_picture_bytes = 40000\n\n[feeds]"
    _break(workspace, "dopemail.toml", "[feeds]", limit)
    # A picture in the intro is mailed too: the heaviest are named first, by their path.
    still = "![The canal](media/letter-from-paris-plein-air/02.jpg)\n\nDear readers,"
    _break(workspace, f"issues/{SAMPLE_ISSUES[0]}.md", "Dear readers,", still)
    # Not of an issue sent: readers have downloaded them already.
    code, output = run_cli("build", "--root", workspace)
    assert code == 0 and "warning" in output, output
    assert "pictures every reader downloads" not in output
    _break(workspace, f"issues/{SAMPLE_ISSUES[0]}.md", "status: sent", "status: ready")
    code, output = run_cli("build", "--root", workspace)
    assert code == 0, output
    assert (
        "issue 1: pictures every reader downloads with the email: media/letter-from-paris-"
        "plein-air/02.jpg (46 KB), media/all-of-us-strangers/01.jpg (40 KB)" in output
    ), output
    assert "under 40 KB" in output


def test_new_issue_lists_the_newest_unsent_entries(workspace: Path, run_cli) -> None:
    build(workspace)
    numbers = [int(k.split("-", 1)[0]) for k in SAMPLE_ISSUES]
    code, output = run_cli("new", "issue", "Summer of Strangers", "--root", workspace)
    assert code == 0, output
    # One message, not also the one for an issue that gathers none (said once no entry
    # was left waiting).
    assert "order the entries" in output and "gathers none" not in output, output
    assert "newest of the" not in output, output
    path = workspace / "issues" / f"{max(numbers) + 1}-summer-of-strangers.md"
    source = path.read_text(encoding="utf-8")
    assert f"number: {max(numbers) + 1}" in source
    gathered = set()
    for key in SAMPLE_ISSUES:
        gathered |= set(
            re.findall(r"^\s+- ([a-z0-9-]+)", (workspace / f"issues/{key}.md").read_text(), re.M)
        )
    listed = re.findall(r"^  - ([a-z0-9-]+)", source, re.M)
    assert listed and not set(listed) & gathered
    published = sorted(
        (p for p in (workspace / "entries").glob("*.md") if "draft: true" not in p.read_text()),
        key=lambda p: re.search(r"^published: (\S+)", p.read_text(), re.M).group(1),  # type: ignore[union-attr]
        reverse=True,
    )
    assert listed == [p.stem for p in published if p.stem not in gathered]
    # The draft left out is named, with what makes it an entry to gather.
    drafts = sorted(set((workspace / "entries").glob("*.md")) - set(published))
    assert drafts  # the sample has one
    names = ", ".join(p.stem for p in drafts)
    assert f"not gathered, being drafts: {names} (list one here to preview it" in output
    # Not sent, but in a draft issue (3) already: said, not left out without a word.
    assert (
        "not gathered, being in a draft issue already: quiet-hours (issue 3) (move one here "
        "if it goes out in this issue)"
    ) in output, output
    # The scaffold builds as it is.
    code, output = run_cli("build", "--root", workspace)
    assert code == 0, output


def test_new_issue_gathers_what_one_email_carries(workspace: Path, run_cli) -> None:
    # Years of pieces in no issue (5,001 in a large archive) made an email of 60 MB, which
    # stopped every build, and the preview's every rebuild, even as a draft.
    source = (workspace / "entries/quiet-hours.md").read_text(encoding="utf-8")
    for n in range(1, 10):
        moved = source.replace("2024-11-08T09:00:00-08:00", f"2025-01-{n:02}T09:00:00-08:00")
        (workspace / f"entries/piece-{n}.md").write_text(moved, encoding="utf-8")
    code, output = run_cli("new", "issue", "Many", "--root", workspace)
    assert code == 0, output
    issue = next((workspace / "issues").glob("*-many.md")).read_text(encoding="utf-8")
    listed = re.findall(r"^  - ([a-z0-9-]+)", issue, re.M)
    assert listed == [f"piece-{n}" for n in range(9, 4, -1)], listed  # the five newest
    assert (
        "it gathers the 5 newest of the 10 published entries in no issue yet (an email carries "
        "about 5: Gmail clips past 102 KB)" in output
    ), output
    assert "gathers none" not in output, output
    assert run_cli("build", "--root", workspace)[0] == 0


def test_a_draft_issue_with_no_entry_yet_builds_its_intro_and_a_ready_one_is_refused(
    workspace: Path, run_cli
) -> None:
    # Next week's intro written before its films were chosen stopped every build (new
    # entries' pages and the feeds too) and the preview, as 'new issue' wrote it.
    code, output = run_cli("new", "issue", "First", "--root", workspace)
    assert code == 0 and "order the entries" in output  # it took the entries no issue had
    code, output = run_cli("new", "issue", "Second", "--root", workspace)
    assert code == 0
    assert "every published entry is in an issue already, so it gathers none yet" in output
    assert "a draft builds with its intro alone" in output, output
    second = next((workspace / "issues").glob("*-second.md"))
    source = second.read_text(encoding="utf-8")
    second.write_text(source + "A *week* of repertory.\n", encoding="utf-8")
    code, output = run_cli("build", "--root", workspace)
    assert code == 0, output
    built = workspace / "site/issues" / second.stem
    text = (built / "email.txt").read_text(encoding="utf-8")
    assert "A _week_ of repertory." in text, text
    assert "A <em>week</em> of repertory." in (built / "email.html").read_text(encoding="utf-8")
    assert "A <em>week</em> of repertory." in (built / "index.html").read_text(encoding="utf-8")
    # Ready (or sent), it must gather one: told at its 'entries:', where the slugs go.
    second.write_text(source.replace("status: draft", "status: ready", 1), encoding="utf-8")
    code, output = run_cli("build", "--root", workspace)
    assert code == 1
    problems = [line for line in output.splitlines() if line.startswith("issues/")]
    lines = second.read_text(encoding="utf-8").split("\n")
    line = next(n for n, text in enumerate(lines, 1) if text.startswith("entries:"))
    assert problems == [
        f"issues/{second.name}:{line}: the issue is ready but gathers no entries: list their "
        "slugs under 'entries' (only a draft may gather none, while it is written)"
    ], output
    assert (built / "email.txt").read_text(encoding="utf-8") == text  # the last build's kept


def test_a_section_that_gathers_no_entries_is_told_at_its_line(workspace: Path, run_cli) -> None:
    # "- title: Coming soon / entries: []" built, and the email ended on that heading alone.
    issue = f"issues/{SAMPLE_ISSUES[0]}.md"
    _break(
        workspace,
        issue,
        "      - varda-in-los-angeles\n",
        "      - varda-in-los-angeles\n  - title: Coming soon\n    entries: []\n",
    )
    lines = (workspace / issue).read_text(encoding="utf-8").split("\n")
    line = lines.index("    entries: []") + 1
    code, output = run_cli("build", "--root", workspace)
    assert code == 1
    # Named, as a draft's is: at its 'entries:', where the slugs go.
    assert f"{issue}:{line}: the section 'Coming soon' gathers no entries: list" in output, output


def test_each_empty_section_of_a_ready_issue_is_told_at_its_line(workspace: Path, run_cli) -> None:
    # Only the first was told: the second came up at the next build, once the first was fixed.
    issue = f"issues/{SAMPLE_ISSUES[0]}.md"
    _break(
        workspace,
        issue,
        "      - varda-in-los-angeles\n",
        "      - varda-in-los-angeles\n  - title: Coming soon\n    entries: []\n"
        "  - title: Later\n    entries:\n",
    )
    lines = (workspace / issue).read_text(encoding="utf-8").split("\n")
    told = {
        lines.index("    entries: []") + 1: "Coming soon",
        len(lines) - lines[::-1].index("    entries:"): "Later",
    }
    code, output = run_cli("build", "--root", workspace)
    assert code == 1
    for line, title in told.items():  # each named, as a draft's is
        said = f"{issue}:{line}: the section '{title}' gathers no entries: list"
        assert output.count(said) == 1, output


@pytest.mark.parametrize(
    "empty", ["    entries: []", "    entries:"], ids=["brackets", "left-empty"]
)
def test_a_draft_s_section_without_entries_yet_is_left_out_and_told(
    workspace: Path, run_cli, empty: str
) -> None:
    # A draft may gather no entries, but one section not filled in yet ('- title: Coming up'
    # and its 'entries:') stopped the build and the preview while the issue was written.
    issue = f"issues/{SAMPLE_ISSUES[2]}.md"
    _break(
        workspace,
        issue,
        "  - quiet-hours\n",
        "  - quiet-hours\nsections:\n  - title: Coming up\n"
        f"{empty}\n  - title: Still playing\n    entries: [varda-in-los-angeles]\n",
    )
    line = (workspace / issue).read_text(encoding="utf-8").split("\n").index(empty) + 1
    code, output = run_cli("build", "--root", workspace)
    assert code == 0, output
    assert (
        f"warning: {issue}:{line}: the section 'Coming up' gathers no entries yet: it is left "
        "out of the email and the web version"
    ) in output, output
    assert "hint: list their slugs under its 'entries' before the issue is ready" in output
    built = workspace / "site/issues" / SAMPLE_ISSUES[2]
    # No heading with nothing under it; the section that gathers an entry is there.
    for name in ("email.html", "index.html", "email.txt"):
        shown = (built / name).read_text(encoding="utf-8").casefold()  # (the text's in capitals)
        assert "coming up" not in shown and "still playing" in shown, (name, shown)
    # Ready, it is refused at that line: the email would go out without it.
    path = workspace / issue
    path.write_text(path.read_text("utf-8").replace("status: draft", "status: ready"), "utf-8")
    code, output = run_cli("build", "--root", workspace)
    assert code == 1
    # Named and placed as the draft's warning is.
    assert (
        f"{issue}:{line}: the section 'Coming up' gathers no entries: list their slugs under "
        "its 'entries', or remove the section (only a draft's may have none yet, while it is "
        "written)"
    ) in output, output


THIRD = f"issues/{SAMPLE_ISSUES[2]}.md"


@pytest.mark.parametrize(
    ("old", "new", "needle", "message", "hint"),
    [
        (  # natural after `dopemail new issue "A title"`: was 'missing subject', and 'title'
            # told to move under 'sections:'
            "subject:",
            "title:",
            "title:",
            "unknown field 'title' (did you mean 'subject', the email's subject line?)",
            "rename it to 'subject': subject: \"Quiet Hours, and what to stream this November\"",
        ),
        (
            "preheader:",
            "summary:",
            "summary:",
            "unknown field 'summary' (did you mean 'preheader', inbox preview text shown after "
            "the subject?)",
            "rename it to 'preheader': preheader: \"A Norwegian film",
        ),
        (  # was told the known fields, and nothing of which
            "entries:",
            "films:",
            "films:",
            "unknown field 'films' (did you mean 'entries'?)",
            "rename it to 'entries'",
        ),
        (
            "entries:\n  - quiet-hours",
            "sections:\n  - name: Quiet Hours\n    items: [quiet-hours]",
            "name:",
            "unknown field 'sections[1].name' (did you mean 'title', the section's heading?)",
            "rename it to 'title': - title: Quiet Hours",
        ),
        (
            "status: draft",
            "status: draft\nintro: Dear readers, a short letter.",
            "intro:",
            "unknown field 'intro': an issue's intro is the Markdown below the front matter, "
            "not a field",
            "move its text below the closing '---', and remove the 'intro:' line",
        ),
    ],
    ids=["title", "summary", "films", "section-name", "intro"],
)
def test_an_issue_s_field_by_another_name_is_one_problem_with_the_field_meant(
    workspace: Path, run_cli, old: str, new: str, needle: str, message: str, hint: str
) -> None:
    _break(workspace, THIRD, old, new)
    code, output = run_cli("check", "--root", workspace)
    line = _line_of(workspace, THIRD, needle)
    assert code == 1
    assert f"{THIRD}:{line}: {message}\n  hint: {hint}" in output, output
    assert output.count("hint:") == 1 + ("items" in new), output  # the section's items too
    assert "missing required field" not in output


@pytest.mark.parametrize(
    ("written", "entries"),
    [
        (
            "  - Quiet Hours:\n      - quiet-hours\n      - all-of-us-strangers",
            "quiet-hours, all-of-us-strangers",
        ),
        ("  - Quiet Hours: [quiet-hours]", "quiet-hours"),
    ],
)
def test_a_section_named_by_its_title_is_one_problem_with_the_item_to_write(
    workspace: Path, run_cli, written: str, entries: str
) -> None:
    # Was three problems (missing title, missing entries, unknown field
    # 'sections[1].Quiet Hours'), none saying how to write it.
    _break(workspace, THIRD, "entries:\n  - quiet-hours", f"sections:\n{written}")
    code, output = run_cli("check", "--root", workspace)
    line = _line_of(workspace, THIRD, "- Quiet Hours:")
    last = line + written.count("\n")
    place = f"line {line}" if last == line else f"lines {line} to {last}"
    assert code == 1
    assert (
        f"{THIRD}:{line}: sections[1]: YAML reads 'Quiet Hours: ...' as a field named 'Quiet "
        f"Hours', and the item has no 'title'\n  hint: write its fields by their names, in "
        f"place of {place}:\n  - title: Quiet Hours\n    entries: [{entries}]\n"
    ) in output, output
    assert output.count("hint:") == 1, output
    # The lines told, put in place of those, are the section meant.
    text = (workspace / THIRD).read_text(encoding="utf-8")
    fixed = text.replace(written, f"  - title: Quiet Hours\n    entries: [{entries}]")
    (workspace / THIRD).write_text(fixed, encoding="utf-8")
    code, output = run_cli("check", "--root", workspace)
    assert code == 0, output


@pytest.mark.parametrize(
    ("new", "message", "hint"),
    [
        (  # was "(did you mean 'all-of-us-strangers'?)", which dropped quiet-hours
            "  - quiet-hours, all-of-us-strangers",
            "unknown entry 'quiet-hours, all-of-us-strangers' (2 slugs on one line)",
            "write one slug per line: '- quiet-hours', '- all-of-us-strangers'",
        ),
        (
            "  - quiet-hours all-of-us-strangers",
            "unknown entry 'quiet-hours all-of-us-strangers' (2 slugs on one line)",
            "write one slug per line: '- quiet-hours', '- all-of-us-strangers'",
        ),
        (
            "  [quiet-hours all-of-us-strangers]",
            "unknown entry 'quiet-hours all-of-us-strangers' (2 slugs on one line)",
            "put a comma between the slugs: [quiet-hours, all-of-us-strangers]",
        ),
        (  # was no suggestion at all
            f"  - {BASE}quiet-hours/",
            f"unknown entry '{BASE}quiet-hours/' (did you mean 'quiet-hours'?)",
            "an issue names an entry by its slug, not its page's address: write quiet-hours",
        ),
        (
            "  - entries/quiet-hours.md",
            "unknown entry 'entries/quiet-hours.md' (did you mean 'quiet-hours'?)",
            "an issue names an entry by its slug, not its file: write quiet-hours",
        ),
        (
            "  - site/quiet-hours/",
            "unknown entry 'site/quiet-hours/' (did you mean 'quiet-hours'?)",
            "an issue names an entry by its slug, not its folder: write quiet-hours",
        ),
    ],
    ids=["comma", "space", "brackets", "address", "file", "folder"],
)
def test_an_entry_item_that_is_not_one_slug_is_told_the_slugs_in_it(
    workspace: Path, run_cli, new: str, message: str, hint: str
) -> None:
    _break(workspace, THIRD, "entries:\n  - quiet-hours", "entries:\n" + new)
    code, output = run_cli("check", "--root", workspace)
    line = _line_of(workspace, THIRD, new.strip())
    assert code == 1
    assert f"{THIRD}:{line}: {message}\n  hint: {hint}" in output, output


@pytest.mark.parametrize("written", ["/all-of-us-strangers", "/all-of-us-strangers/"])
def test_an_entry_s_path_in_a_sent_issue_is_told_its_slug_not_a_rename(
    workspace: Path, run_cli, written: str
) -> None:
    # Its address is the page's, which the feed knows: it was told "if the entry's file was
    # renamed from /all-of-us-strangers.md, set 'slug: /all-of-us-strangers' in it", and no
    # slug to write (cold review).
    build(workspace)  # the feeds that know its address
    issue = f"issues/{SAMPLE_ISSUES[0]}.md"
    _break(workspace, issue, "  - all-of-us-strangers", f"  - {written}")
    code, output = run_cli("check", "--root", workspace)
    line = _line_of(workspace, issue, f"- {written}")
    assert code == 1
    assert (
        f"{issue}:{line}: unknown entry '{written}' (did you mean 'all-of-us-strangers'?)\n"
        "  hint: an issue names an entry by its slug, not its page's address: write "
        "all-of-us-strangers"
    ) in output, output
    assert "renamed" not in output, output


def test_a_section_s_title_a_level_too_high_is_still_told_to_move(workspace: Path, run_cli) -> None:
    # With its subject written, an issue's 'title:' is a section's, indented too little.
    _break(workspace, THIRD, "status: draft", "status: draft\ntitle: Now playing")
    code, output = run_cli("check", "--root", workspace)
    assert code == 1 and "unknown field 'title': 'title' is a field of 'sections'" in output


def test_an_entry_s_title_by_another_name_is_one_problem(workspace: Path, run_cli) -> None:
    _break(workspace, "entries/quiet-hours.md", "title: Quiet Hours", "headline: Quiet Hours")
    code, output = run_cli("check", "--root", workspace)
    assert code == 1
    assert (
        "entries/quiet-hours.md:2: unknown field 'headline' (did you mean 'title', the "
        "headline?)\n  hint: rename it to 'title': title: Quiet Hours"
    ) in output, output
    assert output.count("hint:") == 1, output


@pytest.mark.parametrize(
    ("after", "below", "said"),
    [
        ("\n\n   \n", 1, "nothing"),
        ("\n", 0, "nothing"),
        ("", 0, "nothing"),
        # Published as nothing (cold review: it passed).
        ("\n<!-- intro to come -->\n", 1, "nothing but a comment"),
    ],
)
def test_a_ready_issue_without_an_intro_is_told_at_its_place(
    workspace: Path, run_cli, after: str, below: int, said: str
) -> None:
    # An empty or blank intro was accepted: the email went from its masthead straight to the
    # first film. A draft may be without one yet; one sent went out as it was.
    issue = workspace / f"issues/{SAMPLE_ISSUES[2]}.md"
    text = issue.read_text(encoding="utf-8")
    front = text[: text.index("\n---\n") + 4]
    issue.write_text(front + after, encoding="utf-8")
    assert run_cli("check", "--root", workspace)[0] == 0  # a draft
    source = front.replace("status: draft", "status: ready") + after
    issue.write_text(source, encoding="utf-8")
    code, output = run_cli("check", "--root", workspace)
    closing = source.count("\n", 0, len(front) - 1) + 1  # the closing '---'
    line = closing + below  # its first line, or the '---' when the file ends there
    assert code == 1
    assert (
        f"issues/{SAMPLE_ISSUES[2]}.md:{line}: the issue has no intro: {said} is written "
        "below the front matter\n  hint: write the intro below the closing '---'"
    ) in output, output
    assert "or set 'status: draft'" in output
    issue.write_text(source.replace("status: ready", "status: sent"), encoding="utf-8")
    assert run_cli("check", "--root", workspace)[0] == 0


@pytest.mark.parametrize("written", ["Ready", '" READY "'])
def test_an_issue_s_status_is_read_in_any_case(workspace: Path, run_cli, written: str) -> None:
    # 'status: Ready' was refused ("did you mean 'ready'?"), where 'kind: Review' is a kind.
    issue = f"issues/{SAMPLE_ISSUES[2]}.md"
    _break(workspace, issue, "status: draft", f"status: {written}")
    code, output = run_cli("build", "--root", workspace)
    assert code == 0, output
    assert _front(workspace, SAMPLE_ISSUES[2])["status"] == "ready"
    archive = (workspace / "site/issues/index.html").read_text(encoding="utf-8")
    assert f"issues/{SAMPLE_ISSUES[2]}/" in archive  # listed, as a ready issue is


def test_mjml_checker_names_lines() -> None:
    source = (
        "<mjml>\n<mj-body>\n<mj-section>\n<mj-colum>\n<mj-text fnt-size='3px'>x <p>ok</p></mj-text>"
    )
    problems = check_mjml(source + "</mj-colum></mj-section></mj-body></mjml>")
    assert [(p.line, p.message) for p in problems] == [
        (4, "unknown MJML tag <mj-colum>"),
        (5, "unknown attribute 'fnt-size' on <mj-text>"),
    ]
    # Compiling says where, in the MJML the template made ("the MJML email/x.mjml.j2
    # produced" read as if the template were the MJML).
    from dopemail.compile import compile_mjml

    with pytest.raises(DopemailErrors) as caught:
        compile_mjml(source + "</mj-colum></mj-section></mj-body></mjml>", "", "email/x.mjml.j2")
    assert caught.value.errors[0].hint.startswith(
        "line 4 of the MJML that email/x.mjml.j2 produced; see https://documentation.mjml.io/"
    )


def test_mjml_checker_skips_html_and_comments_but_not_mjml_around_them() -> None:
    source = (
        "<mjml>\n<mj-head><mj-attributes><mj-all font-family='x' /><mj-class name='a' "
        "color='red' css-class='b' /></mj-attributes>\n<mj-style>p > a { color: red }</mj-style>"
        "</mj-head>\n<mj-body>\n<!-- <mj-colum> in a comment -->\n<mj-section\n"
        "  padding='0' alt=\"a > b\">\n<mj-column CSS-CLASS='c'>\n"
        "<mj-text><span fnt-size='1'>HTML <div a=b>content</div></span></mj-text>\n"
        "<mj-raw><table bogus='1'></table></mj-raw>\n"
        "<mj-image src='x.jpg' srcc='y' />\n<div>loose</div>\n"
        "<mj-button HREF='x' colour='red'>Go</mj-button>\n"
        "</mj-column></mj-section></mj-body></mjml>"
    )
    assert [(p.line, p.message) for p in check_mjml(source)] == [
        (6, "unknown attribute 'alt' on <mj-section>"),
        (11, "unknown attribute 'srcc' on <mj-image>"),
        (12, "<div> is HTML: put it inside <mj-text> or <mj-raw>"),
        (13, "unknown attribute 'colour' on <mj-button>"),
    ]


def test_a_tag_out_of_place_is_told_whatever_was_left_open_before_it() -> None:
    # Tags found left open were remembered by id(): once freed, their ids went to tags
    # made after, and a column in a wrapper (closed as it should be) was not told, or told,
    # as memory happened to be laid out.
    import gc

    left = "<mj-section><mj-column><mj-text>x</mj-text></mj-section>\n" * 30
    misplaced = "<mj-wrapper><mj-column><mj-text>y</mj-text></mj-column></mj-wrapper>\n"
    source = f"<mjml><mj-body>\n{left}{misplaced * 30}</mj-body></mjml>"
    for _ in range(5):
        gc.collect()
        told = [p.line for p in check_mjml(source) if "cannot be inside <mj-wrapper>" in p.message]
        assert told == list(range(32, 62)), told


def test_a_misspelt_mjml_tag_is_told_alone_not_the_html_inside_it() -> None:
    # '<mj-txt>' for '<mj-text>': its <p>, <em> and <a> were each told "is HTML: put it
    # inside <mj-text>", before the one mistake; HTML out of place is told once, not its
    # children too.
    source = (
        "<mjml><mj-body><mj-section><mj-column>\n"
        "<mj-txt><p>An <em>intro</em> with <a href='x'>a link</a></p></mj-txt>\n"
        "<div><span>loose</span></div>\n"
        "</mj-column></mj-section></mj-body></mjml>"
    )
    assert [(p.line, p.message) for p in check_mjml(source)] == [
        (2, "unknown MJML tag <mj-txt>"),
        (3, "<div> is HTML: put it inside <mj-text> or <mj-raw>"),
    ]


@pytest.mark.parametrize("text", ["plain", "İstanbul"])  # 'İ' lowers to two characters
def test_mjml_checker_finds_the_end_of_html_content(text: str) -> None:
    source = (
        f"<mjml><mj-body><mj-section><mj-column>\n<mj-text>{text} <b x=1></MJ-TEXT >\n"
        f"<mj-text>{text}</mj-text>\n"
        "<mj-image srcc='x' /></mj-column></mj-section></mj-body></mjml>"
    )
    assert [(p.line, p.message) for p in check_mjml(source)] == [
        (4, "unknown attribute 'srcc' on <mj-image>")
    ]


def test_mjml_checker_finds_tags_out_of_place_and_left_open() -> None:
    # MRML compiled a section inside a column, and text straight in the body, into a broken
    # layout without a word; a <mj-text> left open (or closed as </mj-txt>) took the next
    # tags as its HTML, or failed as "unexpected element ... at position 8577:8588".
    source = (
        "<mjml><mj-body>\n<mj-text>loose</mj-text>\n<mj-section><mj-column>\n"
        "<mj-text>a</mj-text><mj-section></mj-section>\n"
        "<mj-text>kicker\n<mj-text>title</mj-text>\n"
        "<mj-button href='x'>Go</mj-buton>\n</mj-column></mj-section></mj-body></mjml>"
    )
    closing = (
        "<mjml><mj-body><mj-section><mj-column><mj-text>a</mj-text>\n</mj-section>\n"
        "</mj-column></mj-body></mjml>"
    )
    assert [(p.line, p.message) for p in check_mjml(closing)] == [
        (1, "<mj-column> is not closed: end it with </mj-column>"),
        (3, "</mj-column> closes no open <mj-column>: remove it"),
    ]
    # Opened misspelt: the misspelt tag is told, not its end tag "to remove" as well.
    misspelt = (
        "<mjml><mj-body><mj-section><mj-column>\n<mj-buton href='https://x'>Go</mj-button>\n"
        "</mj-column></mj-section></mj-body></mjml>"
    )
    assert [(p.line, p.message) for p in check_mjml(misspelt)] == [
        (2, "unknown MJML tag <mj-buton>")
    ]
    assert [(p.line, p.message) for p in check_mjml(source)] == [
        (2, "<mj-text> cannot be inside <mj-body>: MJML takes it in <mj-column> or <mj-hero>"),
        (4, "<mj-section> cannot be inside <mj-column>: MJML takes it in <mj-body> or "
         "<mj-wrapper>"),
        (5, "<mj-text> is not closed before the <mj-text> inside it: end it with </mj-text>"),
        (7, "<mj-button> is not closed: end it with </mj-button>"),
    ]  # fmt: skip
    # A picture without its '/' is told at its line, once: not every tag after it.
    image = (
        "<mjml><mj-body><mj-section><mj-column>\n<mj-image src='a.jpg'>\n<mj-text>a</mj-text>\n"
        "<mj-image src='b.jpg'></mj-image><mj-text><!-- <mj-image src='c'/> --> hi</mj-text>\n"
        "</mj-column></mj-section></mj-body></mjml>"
    )
    assert [(p.line, p.message) for p in check_mjml(image)] == [
        (2, "<mj-image> is not closed: end it with />")
    ]
    # What MJML documents is taken: defaults in mj-attributes, mj-raw anywhere, a hero.
    fine = (
        "<mjml><mj-head><mj-attributes><mj-text color='red' /><mj-section padding='0' />"
        "</mj-attributes></mj-head><mj-body><mj-raw><p>x</p></mj-raw><mj-wrapper><mj-section>"
        "<mj-group><mj-column><mj-raw>y</mj-raw><mj-text>t</mj-text></mj-column></mj-group>"
        "</mj-section><mj-hero><mj-text>h</mj-text></mj-hero></mj-wrapper></mj-body></mjml>"
    )
    assert check_mjml(fine) == []


def test_a_section_left_open_is_told_alone_not_the_sections_after_it() -> None:
    # Each section after it was "cannot be inside <mj-section>", told first, and at the
    # template around the card: the one mistake was the third of four problems.
    source = (
        "<mjml><mj-body>\n<mj-section><mj-column><mj-text>a</mj-text></mj-column>\n"
        "<mj-section><mj-column><mj-text>b</mj-text></mj-column></mj-section>\n"
        "<mj-section><mj-column><mj-text>c</mj-text></mj-column></mj-section>\n"
        "</mj-body></mjml>"
    )
    assert [(p.line, p.message) for p in check_mjml(source)] == [
        (2, "<mj-section> is not closed: end it with </mj-section>")
    ]


def test_a_card_s_section_left_open_is_told_once_at_the_card(workspace: Path, run_cli) -> None:
    card = "templates/email/film_card.mjml.j2"
    _break(workspace, card, "</mj-column>\n</mj-section>", "</mj-column>")
    code, output = run_cli("build", "--root", workspace)
    assert code == 1
    problems = [line for line in output.splitlines() if not line.startswith("  hint:")]
    line = _line_of(workspace, card, "<mj-section")
    assert problems == [f"{card}:{line}: <mj-section> is not closed: end it with </mj-section>"]


@pytest.mark.parametrize(
    ("new", "message"),
    [
        (
            '<mj-text mj-class="kicker">{{ m.kind }}',
            "<mj-text> is not closed before the <mj-text> inside it: end it with </mj-text>",
        ),
        (
            '<mj-text mj-class="kicker">{{ m.kind }}</mj-txt>',
            "<mj-text> is not closed before the <mj-text> inside it: end it with </mj-text>",
        ),
        (
            '<mj-text mj-class="kicker">{{ m.kind }}</mj-text><mj-section></mj-section>',
            "<mj-section> cannot be inside <mj-column>: MJML takes it in <mj-body> or <mj-wrapper>",
        ),
    ],
    ids=["left open", "misspelt end tag", "a section in a column"],
)
def test_mjml_out_of_place_in_a_card_is_told_once_at_the_card_s_line(
    workspace: Path, run_cli, new: str, message: str
) -> None:
    # Each issue said "(default) email/issue.mjml.j2: MJML did not compile: unexpected element
    # in root template at position 8577:8588", at another position; a section inside a
    # column built without a word.
    build(workspace)
    before = snapshot(workspace / "site") | snapshot(workspace / "feeds")
    card = "templates/email/film_card.mjml.j2"
    _break(workspace, card, '<mj-text mj-class="kicker">{{ m.kind | kind_word }}</mj-text>', new)
    code, output = run_cli("build", "--root", workspace)
    assert code == 1
    problems = [line for line in output.splitlines() if "MJML" in line or "mj-" in line]
    line = _line_of(workspace, card, new.split("\n")[0])
    assert problems[0] == f"{card}:{line}: {message}", output
    assert output.count(message) == 1, output
    assert snapshot(workspace / "site") | snapshot(workspace / "feeds") == before


def test_mjml_checker_finds_what_mjml_python_cannot_parse() -> None:
    # mjml-python stopped at each with "unable to parse next template in root template",
    # which names no line.
    source = (
        "<mjml><mj-body><mj-section><mj-column>\n<mj-text mj-class=kicker>a</mj-text>\n"
        "<mj-text>I <3 films, a < b</mj-text>\n<mj-text>x</ mj-text>\n"
        "<mj-text><!DOCTYPE x></mj-text>\n<mj-text><!-- a -- b --></mj-text>\n"
        "<mj-text><!-- a <!-- b --></mj-text>\n"
        "</mj-column></mj-section></mj-body></mjml>\n<!-- never closed <3\n<mj-text>"
    )
    assert [(p.line, p.message, p.wrote) for p in check_mjml(source)] == [
        (2, '<mj-text> has mj-class=kicker, a value not in quotes: write mj-class="kicker"', None),
        (3, "'<3' opens no tag: write &lt; for a '<' shown as text", "<3"),
        (3, "'<' opens no tag: write &lt; for a '<' shown as text", "<"),
        (4, "'</' is not followed by a tag name: write the end tag as </name>", "</"),
        (4, "<mj-text> is not closed before the <mj-text> inside it: end it with </mj-text>", None),
        (5, "'<!' opens no comment: write a comment as <!-- ... -->", "<!"),
        (6, "<!-- opens a comment that holds '--', which MJML refuses: remove the '--'", "<!--"),
        (7, "<!-- opens a comment not closed before the next <!--: end it with -->", "<!--"),
        (9, "<!-- opens a comment that is never closed: end it with -->", "<!--"),
    ]  # fmt: skip
    # A '<' in a comment or a quoted value, and Outlook's conditional comments, are fine.
    fine = (
        "<mjml><mj-body><mj-section><mj-column>\n<!-- I <3 -->"
        "<mj-image src='a.jpg' alt=\"a <3 b\" /><mj-text><!----><a title='<3'>x</a>"
        "<!--[if mso]><table><![endif]--></mj-text>\n</mj-column></mj-section></mj-body></mjml>"
    )
    assert check_mjml(fine) == []


@pytest.mark.parametrize(
    ("new", "message"),
    [
        (
            "<mj-text mj-class=kicker>{{ m.kind | kind_word }}</mj-text>",
            '<mj-text> has mj-class=kicker, a value not in quotes: write mj-class="kicker"',
        ),
        (
            '<mj-text mj-class="kicker">I <3 {{ m.kind | kind_word }}</mj-text>',
            "'<3' opens no tag: write &lt; for a '<' shown as text",
        ),
        (
            '<mj-text mj-class="kicker"><!-- {{ m.kind | kind_word }}</mj-text>',
            "<!-- opens a comment that is never closed: end it with -->",
        ),
    ],
    ids=["value not in quotes", "a '<' in text", "comment never closed"],
)
def test_mjml_that_mjml_python_cannot_parse_is_told_at_the_template_s_line(
    workspace: Path, run_cli, new: str, message: str
) -> None:
    # Blamed on "(default) email/issue.mjml.j2: MJML did not compile: unable to parse next
    # template in root template", with no line, though the card of the workspace wrote it.
    card = "templates/email/film_card.mjml.j2"
    _break(workspace, card, '<mj-text mj-class="kicker">{{ m.kind | kind_word }}</mj-text>', new)
    code, output = run_cli("check", "--root", workspace)
    assert code == 1
    assert f"{card}:{_line_of(workspace, card, new)}: {message}" in output, output
    assert "did not compile" not in output and "(default) email/issue.mjml.j2:" not in output


def test_a_template_failing_on_one_piece_s_data_names_the_piece(workspace: Path, run_cli) -> None:
    # '{{ m.film.year + 1 }}' failed where an entry has no film: told at the template's line
    # alone, with no word of which entry or issue it failed on.
    page = "templates/entry.html.j2"
    _break(workspace, page, "{% block head %}", "{% block head %}{{ m.film.year + 1 }}")
    code, output = run_cli("build", "--root", workspace)
    assert code == 1
    told = [line for line in output.splitlines() if line.startswith("  hint:")]
    assert len(told) == 1, output
    assert told[0].endswith("; it failed rendering entries/letter-from-paris-plein-air.md"), output
    (workspace / page).unlink()
    card = "templates/email/film_card.mjml.j2"
    new = '<mj-text mj-class="kicker">{{ m.kind | kind_word }}{{ m.film.year + 1 }}</mj-text>'
    _break(workspace, card, '<mj-text mj-class="kicker">{{ m.kind | kind_word }}</mj-text>', new)
    code, output = run_cli("build", "--root", workspace)
    assert code == 1
    # Once, at the first card it failed on: the entry with no film, in its issue.
    told = [line for line in output.splitlines() if line.startswith("  hint:")]
    assert len(told) == 1, output
    assert told[0].endswith(
        "; it failed rendering entries/varda-in-los-angeles.md, in issues/1-strangers-and-varda.md"
    ), output


@pytest.mark.parametrize("opened", ["<div>", "<p>", "<b>"])
def test_a_tag_left_open_in_a_text_is_told_at_the_template_s_line(
    workspace: Path, run_cli, opened: str
) -> None:
    # A <div> opened in a card's <mj-text> and never closed: "(default) email/issue.mjml.j2:
    # MJML did not compile: unexpected end of stream in root template", a template never
    # touched, with no line (QA).
    card = "templates/email/film_card.mjml.j2"
    new = f'<mj-text mj-class="kicker">{opened}{{{{ m.kind | kind_word }}}}</mj-text>'
    _break(workspace, card, '<mj-text mj-class="kicker">{{ m.kind | kind_word }}</mj-text>', new)
    code, output = run_cli("check", "--root", workspace)
    assert code == 1
    name = opened.strip("<>")
    assert (
        f"{card}:{_line_of(workspace, card, new)}: MJML did not compile: {opened} is not "
        f"closed before </mj-text>: end it with </{name}>"
    ) in output, output
    assert "end of stream" not in output and "(default) email/issue.mjml.j2:" not in output


def test_the_html_left_open_is_found_in_texts_alone() -> None:
    # Not a head's <mj-text ... />, a void <br>, a tag written whole, a comment, a button.
    source = (
        '<mjml><mj-head><mj-attributes><mj-text padding="0" /></mj-attributes></mj-head>\n'
        '<mj-body><mj-section><mj-column>\n<mj-text><p>a<br>b<img src="x" /></p>'
        "<!-- <div> --></mj-text>\n<mj-button>Go</mj-button>\n<mj-text>\n<span>x</span><em>y"
        "</mj-text>\n</mj-column></mj-section></mj-body></mjml>"
    )
    left = unclosed_html(source)
    assert left is not None
    assert (left.line, left.message) == (
        6,
        "<em> is not closed before </mj-text>: end it with </em>",
    )
    assert unclosed_html(source.replace("<em>y", "<em>y</em>")) is None


def test_mjml_that_stops_the_compiler_at_a_position_is_told_at_a_template_line(
    workspace: Path, run_cli
) -> None:
    # A '</b>' too many in a text: mjml-python stops at the next <mj-section>, "at position
    # 8577:8588" of the MJML; the error named the root template, with no line.
    card = "templates/email/film_card.mjml.j2"
    _break(
        workspace,
        card,
        "{{ m.kind | kind_word }}</mj-text>",
        "{{ m.kind | kind_word }}</b></mj-text>",
    )
    code, output = run_cli("check", "--root", workspace)
    assert code == 1
    told = [line for line in output.splitlines() if "MJML did not compile" in line]
    assert told, output
    sections = {
        f"{name}:{number}"
        for name in (card, "(default) email/issue.mjml.j2")
        for number, text in enumerate(
            (workspace / card if name == card else REPO / "src/dopemail/default_templates"
             / "email/issue.mjml.j2").read_text("utf-8").splitlines(), 1
        )
        if "<mj-section" in text
    }  # fmt: skip
    for line in told:
        assert line.split(": MJML did not compile: ")[0] in sections, output
        assert line.endswith("unexpected element <mj-section"), output
    assert "where MJML stopped: the fault is there or above it" in output


def test_a_block_left_open_is_told_at_the_line_that_opens_it(workspace: Path, run_cli) -> None:
    # Jinja stops at the end of the template: the error was at the card's last line, with
    # "check the {% %} and {{ }} pairs on this line", 42 lines below the {% if %} to close.
    card = "templates/email/film_card.mjml.j2"
    _break(
        workspace,
        card,
        "{% endif %}\n{% for film in m.all_films %}",
        "{% for film in m.all_films %}",
    )
    line = _line_of(workspace, card, "{% if e.lead %}")
    code, output = run_cli("build", "--root", workspace)
    assert code == 1
    assert (
        f"{card}:{line}: template syntax error: the {{% if %}} on this line is never closed"
        in output
    ), output
    assert "add {% endif %} where it should end" in output
    # A misspelt end tag is not a block left open: Jinja's own words, at its line.
    _break(
        workspace,
        card,
        "{% for film in m.all_films %}",
        "{% endif %}\n{% for film in m.all_films %}",
    )
    _break(workspace, card, "{% endfor %}", "{% endfro %}")
    code, output = run_cli("build", "--root", workspace)
    line = _line_of(workspace, card, "{% endfro %}")
    assert (
        code == 1
        and f"{card}:{line}: template syntax error: Encountered unknown tag 'endfro'" in output
    ), output
    # An {% if %} left open inside a block: Jinja meets the block's {% endblock %} first,
    # and that line was told, with "check the {% %} and {{ }} pairs on this line".
    page = "templates/entry.html.j2"
    _break(workspace, page, "{% if m.tags %}<p", "{% if m.tags %}{% if m.updated %}<p")
    code, output = run_cli("build", "--root", workspace)
    line = _line_of(workspace, page, "{% if m.tags %}{% if m.updated %}")
    assert code == 1
    assert (
        f"{page}:{line}: template syntax error: the {{% if %}} on this line is never closed"
        in output
    ), output
    lines = (workspace / page).read_text("utf-8").splitlines()
    end = max(n for n, text in enumerate(lines, 1) if text.startswith("{% endblock %}"))
    assert f"Jinja reached the {{% endblock %}} on line {end}, still inside it" in output
    # A stray end tag inside an {% if %} is no block left open: Jinja's words, at its line.
    _break(workspace, page, "{% if m.tags %}{% if m.updated %}", "{% if m.tags %}{% endfor %}")
    code, output = run_cli("build", "--root", workspace)
    assert code == 1
    assert f"{page}:{line}: template syntax error: Encountered unknown tag 'endfor'" in output


@pytest.mark.parametrize(
    ("written", "message", "hint"),
    [
        ("{{ m.knd }}", "Entry has no attribute 'knd'", "did you mean 'kind'?"),
        ("{{ itme.url }}", "'itme' is undefined", "did you mean 'item'?"),
        ("{{ e.ulr }}", "LoadedEntry has no attribute 'ulr'", "did you mean 'url'?"),
        # HTML's word for a picture's address, not the nearest name ('source', the file under
        # media/: a path that leads nowhere from an inbox).
        ("{{ e.images[0].src }}", "Media has no attribute 'src'", "did you mean 'url'?"),
        # 'summary' is an attribute there (item.summary), not a variable: no such advice.
        ("{{ summry }}", "'summry' is undefined", "check the variable's spelling"),
        # Nor are Jinja's own words ('not', 'if'), filters (| safe) or tests (is defined).
        ("{{ nothing }}", "'nothing' is undefined", "check the variable's spelling"),
        ("{{ iff }}", "'iff' is undefined", "check the variable's spelling"),
        ("{{ saf }}{{ '' | safe }}", "'saf' is undefined", "check the variable's spelling"),
    ],
)
def test_a_misspelt_name_in_a_template_is_told_with_the_one_meant(
    workspace: Path, run_cli, written: str, message: str, hint: str
) -> None:
    # "'dopemail.models.Entry object' has no attribute 'knd'", with no word of 'kind'.
    card = "templates/email/film_card.mjml.j2"
    _break(workspace, card, "{{ m.kind | kind_word }}", written)
    code, output = run_cli("build", "--root", workspace)
    assert code == 1
    line = _line_of(workspace, card, written)
    assert f"{card}:{line}: undefined variable in template: {message}" in output, output
    assert f"hint: {hint}" in output


def test_a_name_undefined_in_an_included_template_names_the_line_that_includes_it(
    workspace: Path, run_cli
) -> None:
    # The {% include %} moved out of its {% for %}: "(default) email/film_card.txt.j2:1:
    # 'item' is undefined", "check the spelling"; the line the writer moved was never named.
    text = "templates/email/issue.txt.j2"
    include = '{% with under_heading = loop.first %}{% include "email/film_card.txt.j2" %}'
    swapped = f"{{% endfor %}}\n{include}{{% endwith %}}"
    _break(workspace, text, f"{include}{{% endwith %}}\n{{% endfor %}}", swapped)
    code, output = run_cli("check", "--root", workspace)
    assert code == 1
    line = _line_of(workspace, text, include)
    assert (
        f"{text}:{line}: the included 'email/film_card.txt.j2' needs 'item', which is not set "
        "here\n  hint: (default) email/film_card.txt.j2:1 uses it; an included template sees "
        "the variables where it is included: include it where 'item' is set, or set it around "
        "the include ({% with item = ... %} ... {% endwith %})"
    ) in output, output


def test_a_name_undefined_in_a_partial_of_the_publication_s_names_the_include_too(
    workspace: Path, run_cli
) -> None:
    # The partial is the publication's own: the name may be misspelt there, at its line; the
    # line that includes it is said in the hint.
    text = "templates/email/issue.txt.j2"
    include = '{% with under_heading = loop.first %}{% include "email/film_card.txt.j2" %}'
    swapped = f"{{% endfor %}}\n{include}{{% endwith %}}"
    _break(workspace, text, f"{include}{{% endwith %}}\n{{% endfor %}}", swapped)
    _break(workspace, "templates/email/film_card.txt.j2", "{{", "{{")  # a copy, unchanged
    code, output = run_cli("check", "--root", workspace)
    assert code == 1
    assert (
        "templates/email/film_card.txt.j2:1: undefined variable in template: 'item' is undefined"
        in output
    ), output
    line = _line_of(workspace, text, include)
    assert (
        f"this template is included at {text}:{line}, where 'item' is not set: if the name is "
        "right, put that {% include %} inside the {% for %} or {% with %} that sets it"
    ) in output, output


@pytest.mark.parametrize(
    ("rel", "anchor", "include", "needs", "uses"),
    [
        (  # was "(default) page.html.j2:2: ... 'settings' is undefined", through issue.html.j2
            "templates/entry_item.html.j2",
            "</li>",
            '</li>\n{% include "issue.html.j2" %}',
            "the included 'issue.html.j2' needs 'settings'",
            "(default) page.html.j2:2 uses it",
        ),
        (  # was the included file's line, and "did you mean 'title'?" of dopemail's template
            "templates/issue.html.j2",
            '{% extends "page.html.j2" %}',
            '{% include "email/film_card.mjml.j2" %}{% extends "page.html.j2" %}',
            "the included 'email/film_card.mjml.j2' needs 'item'",
            "(default) email/film_card.mjml.j2:",
        ),
    ],
    ids=["through-extends", "did-you-mean"],
)
def test_a_default_included_where_its_names_are_not_set_is_told_at_the_include(
    workspace: Path, run_cli, rel: str, anchor: str, include: str, needs: str, uses: str
) -> None:
    _break(workspace, rel, anchor, include)
    code, output = run_cli("build", "--root", workspace)
    assert code == 1
    line = _line_of(workspace, rel, "{% include")
    assert f"{rel}:{line}: {needs}, which is not set here\n  hint: {uses}" in output, output
    assert "did you mean" not in output and "Traceback" not in output


def test_a_default_included_beside_another_include_is_named_not_the_first_on_the_line(
    workspace: Path, run_cli
) -> None:
    # Two includes on the writer's line: the first was named ("the included 'mine.html.j2'
    # needs 'settings'"), though it was issue.html.j2, through page.html.j2, that needed it.
    rel = "templates/entry_item.html.j2"
    (workspace / "templates" / "mine.html.j2").write_text("<hr>\n", encoding="utf-8")
    _break(
        workspace, rel, "</li>", '</li>\n{% include "mine.html.j2" %}{% include "issue.html.j2" %}'
    )
    code, output = run_cli("build", "--root", workspace)
    assert code == 1
    line = _line_of(workspace, rel, "{% include")
    assert (
        f"{rel}:{line}: the included 'issue.html.j2' needs 'settings', which is not set here\n"
        "  hint: (default) page.html.j2:2 uses it"
    ) in output, output
    assert "mine.html.j2" not in output and "Traceback" not in output, output


def test_a_field_of_a_value_none_on_some_pages_is_told_to_be_shown_inside_an_if(
    workspace: Path, run_cli
) -> None:
    # The archive's template has a 'year' on each year's page and none on archive/'s: told
    # "check the variable's spelling", though 'year' was right.
    page = "templates/archive.html.j2"
    _break(workspace, page, "<h1>", "<p>{{ year.count }}</p><h1>")
    code, output = run_cli("build", "--root", workspace)
    assert code == 1
    line = _line_of(workspace, page, "{{ year.count }}")
    assert f"{page}:{line}: undefined variable in template: 'None' has no attribute 'count'" in (
        output
    ), output
    assert "hint: what comes before .count is none on the page that failed" in output
    assert "spelling" not in output


def test_mjml_checker_reports_a_repeated_tag_on_each_line_and_in_its_place() -> None:
    # Each distinct tag is checked once (an issue repeats a card's tags for every film); its
    # problems must still be reported at every occurrence, with that occurrence's line, and
    # the same tag text means something else outside any MJML tag than inside one.
    bad = "<mj-image srcc='x' />"
    source = (
        "<div>loose</div>\n"
        f"<mjml><mj-body><mj-section><mj-column>\n{bad}\n<mj-image src='ok' />\n{bad}\n"
        "<div>loose</div>\n</mj-column></mj-section></mj-body></mjml>"
    )
    expected = [
        (1, "unknown MJML tag <div>"),
        (3, "unknown attribute 'srcc' on <mj-image>"),
        (5, "unknown attribute 'srcc' on <mj-image>"),
        (6, "<div> is HTML: put it inside <mj-text> or <mj-raw>"),
    ]
    assert [(p.line, p.message) for p in check_mjml(source)] == expected
    # Checked again (now from what the first pass kept): the same answer.
    assert [(p.line, p.message) for p in check_mjml("\n\n" + source)] == [
        (line + 2, message) for line, message in expected
    ]


def test_bad_mjml_compiles_to_nothing(workspace: Path) -> None:
    _break(workspace, "templates/email/issue.mjml.j2", "</mj-body>", "")
    with pytest.raises(DopemailError) as info:
        build(workspace)
    assert "templates/email/issue.mjml.j2" in str(info.value)


@pytest.mark.parametrize("shown", [0, 2, 4, 8])
def test_email_gallery_shows_a_few_photos_and_links_to_all(workspace: Path, shown: int) -> None:
    # The email shows `gallery_images` photos of a film's gallery and links to the page's
    # gallery for the rest.
    _break(
        workspace, "dopemail.toml", "[feeds]", f"[newsletter]\ngallery_images = {shown}\n\n[feeds]"
    )
    build(workspace)
    key = _issue_with(workspace, "all-of-us-strangers")
    folder = workspace / "site/issues" / key
    page = Page((folder / "email.html").read_text(encoding="utf-8"))
    text = (folder / "email.txt").read_text(encoding="utf-8")
    gallery = "https://dopepress.example.com/media/all-of-us-strangers/0"
    sources = [a["src"] for a in page.all("img") if (a.get("src") or "").startswith(gallery)]
    assert len(sources) == 1 + shown  # the lead, then the gallery
    link = "https://dopepress.example.com/all-of-us-strangers/#gallery"
    more = [a for a in page.all("a") if a.get("href") == link]
    assert bool(more) == (shown < 8)
    assert ("See all 8 photos" in page.plain) == (shown < 8)
    # The text part as the HTML part: the lead under the headline, then the gallery (it once
    # listed the lead among the gallery's photos and counted it out of "All 8 photos").
    assert (f"All 8 photos: {link}" in text) == (shown < 8)
    gallery_part = text.split("ANDREW HAIGH, _ALL OF US STRANGERS_ (2023)", 1)[1]
    assert gallery_part.count(gallery) == shown
    assert text.count("media/all-of-us-strangers/01.jpg") == 1  # the lead, once
    assert text.count(gallery) == 1 + shown
    entry_page = (workspace / "site/all-of-us-strangers/index.html").read_text(encoding="utf-8")
    assert 'id="gallery"' in entry_page


def test_dark_text_needs_a_background_that_is_painted() -> None:
    html = (
        '<html lang="en"><head><title>T</title></head><body>'
        '<div bgcolor="#ffffff"><p style="color:#111111">on white</p></div>'
        '<div style="background-color: transparent"><p style="color:#222">on nothing</p></div>'
        '<span style="background: none; color:#000">nothing either</span>'
        '<p style="color:#eeeeee">light text</p></body></html>'
    )
    assert read_email(html).dark_on_transparent == [
        '<p style="color:#222">',
        '<span style="background: none; color:#000">',
    ]


@pytest.mark.parametrize(
    ("color", "dark"),
    [
        # Written as a name or a function, dark text passed where '#000' was refused.
        ("black", True),
        ("Navy", True),
        ("rgb(0,0,0)", True),
        ("rgb(0 0 0 / 50%)", True),
        ("rgba(20, 20, 20, .9)", True),
        ("rgb(10%, 10%, 10%)", True),
        ("hsl(0, 0%, 10%)", True),
        ("#111 !important", True),
        ("#11111180", True),
        ("white", False),
        ("rgb(250,250,250)", False),
        ("hsl(60, 100%, 50%)", False),  # yellow
        ("rgba(0,0,0,0)", False),  # no text seen
        ("#00000000", False),
        ("inherit", False),  # its parent's, checked there
        ("currentColor", False),
    ],
)
def test_dark_text_is_found_however_its_colour_is_written(color: str, dark: bool) -> None:
    html = f'<html><body><div><p style="margin:0; color: {color}">x</p></div></body></html>'
    assert bool(read_email(html).dark_on_transparent) == dark


def test_an_unknown_filter_is_named_with_the_one_meant_and_those_there_are(
    workspace: Path, run_cli
) -> None:
    rel = "templates/email/film_card.mjml.j2"
    _break(workspace, rel, "{{ m.kind | kind_word }}", "{{ m.kind | long_dat }}")
    code, output = run_cli("build", "--root", workspace)
    assert code == 1 and "Traceback" not in output
    line = _line_of(workspace, rel, "long_dat")
    assert f"{rel}:{line}: template syntax error: No filter named 'long_dat'" in output
    assert (
        "hint: did you mean 'long_date'? dopemail's filters are address_line, called_off, "
        "cancelled, cast_line, columns, credit_line, credits," in output
    )


def test_a_value_outside_the_choices_is_told_the_choices_and_the_one_meant(
    workspace: Path, run_cli
) -> None:
    _break(workspace, FIRST, "status: sent", "status: snet")
    code, output = run_cli("check", "--root", workspace)
    assert code == 1
    assert f"{FIRST}:{_line_of(workspace, FIRST, 'status:')}: status: input should be" in output
    assert "hint: did you mean 'sent'? (write one of: draft, ready, sent)" in output


def test_streaming_dates_after_the_piece_read_as_coming_and_ticket_links_reach_the_email(
    workspace: Path,
) -> None:
    # quiet-hours, published 2024-11-08: on the Criterion Channel since Nov 1, Kanopy from Nov 15.
    _break(
        workspace,
        "entries/all-of-us-strangers.md",
        "  - venue: Landmark Sunset\n",
        "  - venue: Landmark Sunset\n    url: https://landmark.example/tickets\n",
    )
    # Issue 3 (quiet-hours) sent on Nov 10: Kanopy is still to come when it arrives.
    _break(workspace, "issues/3-quiet-hours.md", "date: 2024-11-15", "date: 2024-11-10")
    build(workspace)
    page = (workspace / "site/quiet-hours/index.html").read_text(encoding="utf-8")
    assert (
        'Now streaming on <a href="https://www.criterionchannel.com/">The Criterion Channel' in page
    )
    assert "(since November 1, 2024)" in page
    assert (
        'Streaming on <a href="https://www.kanopy.com/">Kanopy</a> from November 15, 2024' in page
    )
    assert "(since November 15, 2024)" not in page
    issue = next((workspace / "site/issues").glob("3-*"))
    text = (issue / "email.txt").read_text(encoding="utf-8")
    assert (
        "- The Criterion Channel, since November 1, 2024:\n  https://www.criterionchannel.com/"
        in text
    )
    assert "- Kanopy, from November 15, 2024: https://www.kanopy.com/" in text
    html = (issue / "email.html").read_text(encoding="utf-8")
    assert re.search(r">Kanopy</a>, from November 15, 2024", html)
    assert re.search(r">The Criterion Channel</a>, since November 1, 2024", html)
    first = next((workspace / "site/issues").glob("1-*"))
    html = (first / "email.html").read_text(encoding="utf-8")
    assert re.search(r'<a href="https://landmark\.example/tickets"[^>]*>Landmark Sunset</a>', html)
    text = (first / "email.txt").read_text(encoding="utf-8")
    assert "- Landmark Sunset\n  8000 Sunset Boulevard" in text
    assert "  Tickets: https://landmark.example/tickets\n" in text


def test_an_mjml_problem_is_found_in_the_templates_the_email_uses_not_in_notes_or_copies(
    workspace: Path, run_cli
) -> None:
    rel = "templates/email/film_card.mjml.j2"
    _break(
        workspace,
        rel,
        '<mj-button css-class="button" href="{{ e.url }}">',
        '<mj-button css-class="button"\n  colour="#fff"\n  href="{{ e.url }}">',
    )
    card = workspace / rel
    text = card.read_text(encoding="utf-8")
    card.write_text('{# a note: colour="x" on <mj-button is not MJML #}\n' + text, "utf-8")
    unused = workspace / "templates/email/old/film_card.mjml.j2"  # included by nothing
    unused.parent.mkdir()
    unused.write_text('<mj-button colour="#000" href="x">Old</mj-button>\n', "utf-8")
    code, output = run_cli("build", "--root", workspace)
    assert code == 1 and "Traceback" not in output
    line = _line_of(workspace, rel, 'colour="#fff"') - 1  # the tag starts on the line above
    assert f"{rel}:{line}: unknown attribute 'colour' on <mj-button>" in output, output


def test_an_unknown_filter_inside_a_block_gets_the_same_hint(workspace: Path, run_cli) -> None:
    # Jinja2 checks filters inside {% if %} only when the block runs: a runtime error.
    rel = "templates/email/film_card.mjml.j2"
    _break(workspace, rel, "{% if m.pull_quote %}", "{% if m.pull_quote | long_dat %}")
    code, output = run_cli("build", "--root", workspace)
    assert code == 1 and "Traceback" not in output
    assert f"{rel}:{_line_of(workspace, rel, 'long_dat')}: template error: No filter" in output
    assert "hint: did you mean 'long_date'? dopemail's filters are" in output


PANEL_ENTRY = """---
title: A Panel on Night Shifts
kind: news
published: 2024-07-10T09:00:00-07:00
author: DoPe Press
summary: A panel on films about night work, after a screening of Night Desk.
film:
  title: Night Desk
  original_title: Nattskranke
  year: 2023
  directors: [Ilse Brandvold]
  cast:
    - name: Sigrid Aamodt
      role: Marit
    - Jonas Eidsvik
  based_on:
    title: The Porter
    author: Håkon Løvås
    kind: novel
    year: 1999
  distributor: Northlight Releasing
  runtime: 97
  countries: [Norway, Sweden]
  language: Norwegian
run:
  starts: 2024-07-12
  ends: 2024-07-25
events:
  - title: Working nights, on screen
    kind: talk
    moderator: Dave Karger
---
A panel on films about night work.
"""


def _text_of(html: str) -> str:
    import lxml.html

    return re.sub(r"\s+", " ", lxml.html.fromstring(html).text_content())


def test_every_credit_the_run_and_a_moderator_alone_reach_every_output(tmp_path) -> None:
    # The email once dropped the cast's roles, the film's original title, distributor,
    # runtime, countries and language, and a run given by its dates alone; every output
    # dropped the source work's year, and an event's moderator when it had no participants.
    root = copy_publication(tmp_path)
    (root / "entries/night-desk-panel.md").write_text(PANEL_ENTRY, encoding="utf-8")
    issue = root / "issues/2-summer-festivals.md"
    text = issue.read_text(encoding="utf-8")
    issue.write_text(text.replace("  - the-salt-orchard-qa\n", "  - night-desk-panel\n", 1))
    build(root)
    folder = root / "site/issues/2-summer-festivals"
    page = _text_of((root / "site/night-desk-panel/index.html").read_text("utf-8"))
    feed = feedparser.parse((root / "feeds/rss.xml").read_bytes())
    item = next(e for e in feed.entries if e.title == "A Panel on Night Shifts")
    outputs = {
        "web page": page,
        "RSS content": _text_of(item.content[0].value),
        "email": _text_of((folder / "email.html").read_text("utf-8")),
        "text part": re.sub(r"\s+", " ", (folder / "email.txt").read_text("utf-8")),
    }
    everywhere = [
        "Based on the 1999 novel The Porter by Håkon Løvås",
        "Sigrid Aamodt (Marit)",
        "Nattskranke",
        "Northlight Releasing · 97 min · Norway, Sweden · Norwegian",
        "In cinemas July 12–25, 2024.",
        "Moderated by Dave Karger",
    ]
    for name, shown in outputs.items():
        if name == "text part":  # the titles set in italics marked as the part marks them
            shown = shown.replace("_The Porter_", "The Porter").replace(
                "_Nattskranke_", "Nattskranke"
            )
        missing = [p for p in everywhere if p.lower() not in shown.lower()]
        assert not missing, f"{name} lacks {missing}"


STRANGERS = "entries/all-of-us-strangers.md"
STRANGERS_ISSUE = "1-strangers-and-varda"


def _strangers_everywhere(root: Path, old: str, new: str) -> dict[str, tuple[str, str]]:
    """Edit the sample's All of Us Strangers (``old`` -> ``new`` in its front matter), build,
    and read the entry back from every output: name -> (its HTML or text, the words shown)."""
    path = root / STRANGERS
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    build(root)
    folder = root / "site/issues" / STRANGERS_ISSUE
    found: dict[str, str] = {
        "web page": (root / "site/all-of-us-strangers/index.html").read_text("utf-8"),
        "email": (folder / "email.html").read_text("utf-8"),
        "web version": (folder / "index.html").read_text("utf-8"),
    }
    for feed in ("rss.xml", "atom.xml"):
        parsed = feedparser.parse((root / "feeds" / feed).read_bytes())
        item = next(e for e in parsed.entries if e.title == "All of Us Strangers")
        found[f"{feed} content"] = item.content[0].value
    outputs = {name: (html, _text_of(html)) for name, html in found.items()}
    plain = (folder / "email.txt").read_text("utf-8")
    outputs["text part"] = (plain, re.sub(r"\s+", " ", plain))
    return outputs


@pytest.mark.parametrize(
    ("date", "words", "in_the_issue"),
    [
        ("", "Watch the recording", "Watch the recording"),  # undated, as the sample's
        ("    date: 2023-11-20T19:00:00-08:00\n", "Watch the recording", "Watch the recording"),
        # To come when the piece was published (January 12, 09:00), past when the issue that
        # gathers it went out (February 23): a stream on the page, a recording in the email.
        ("    date: 2024-02-20T19:00:00-08:00\n", "Watch online", "Watch the recording"),
        ("    date: 2024-01-12T19:00:00-08:00\n", "Watch online", "Watch the recording"),
        ("    date: 2024-01-12T12:00:00-05:00\n", "Watch the recording", "Watch the recording"),
        ("    date: 2024-03-20T19:00:00-08:00\n", "Watch online", "Watch online"),
    ],
)
def test_an_event_still_to_come_is_not_called_a_recording(
    tmp_path: Path, date: str, words: str, in_the_issue: str
) -> None:
    root = copy_publication(tmp_path)
    moderator = "    moderator: Dave Karger\n"
    outputs = _strangers_everywhere(root, moderator, moderator + date)
    for name, (_, shown) in outputs.items():
        said = in_the_issue if name in ("email", "web version", "text part") else words
        (other,) = {"Watch online", "Watch the recording"} - {said}
        assert said in shown and other not in shown, name


@pytest.mark.parametrize(
    ("recording", "audio"),
    [
        ("https://archive.example.org/varda-1985.mp3", True),
        ("https://media.example.org/talk.M4A?download=1", True),
        ("https://soundcloud.com/dope-press/haigh-scott", True),
        ("https://podcasts.apple.com/us/podcast/dope/id123?i=456", True),
        ("https://open.spotify.com/episode/4rOoJ6Egrf8K2IrywzwOMk", True),
        ("https://open.spotify.com/track/4rOoJ6Egrf8K2IrywzwOMk", False),  # a song, not a talk
        ("https://www.youtube.com/watch?v=abc", False),
        ("https://example.org/mp3-talks/haigh", False),  # 'mp3' in its path, not its file
    ],
)
def test_a_recording_that_is_sound_alone_is_listened_to_not_watched(
    tmp_path: Path, recording: str, audio: bool
) -> None:
    # A talk recorded as an MP3 was introduced "Watch Agnès Varda." and "Watch the recording"
    # in the page, the feeds, the email and its text part.
    root = copy_publication(tmp_path)
    old = (
        "    video: https://www.youtube.com/results?search_query=All+of+Us+Strangers+conversation"
        "+Dave+Karger\n"
    )
    outputs = _strangers_everywhere(root, old, f"    video: {recording}\n")
    for name, (_, shown) in outputs.items():
        if audio:
            assert "Listen to the recording" in shown and "Watch" not in shown, name
        else:
            assert "Watch the recording" in shown and "Listen" not in shown, name
    page = outputs["web page"][1]
    people = "Andrew Haigh, Andrew Scott, Paul Mescal"
    assert (f"Listen to {people}" if audio else f"Watch {people}") in page


@pytest.mark.parametrize("place", ["", "    venue: Landmark Sunset\n"])
def test_an_online_event_s_link_is_to_join_not_tickets(tmp_path: Path, place: str) -> None:
    # An event with no venue and no address, its link a call to join: "Tickets and
    # information" in every output.
    root = copy_publication(tmp_path)
    moderator = "    moderator: Dave Karger\n"
    link = "    url: https://zoom.example/j/123\n"
    outputs = _strangers_everywhere(root, moderator, moderator + place + link)
    said, other = "Details and how to join", "Tickets and information"
    if place:
        said, other = other, said
    for name, (_, shown) in outputs.items():
        assert said in shown and other not in shown, name


def test_a_role_with_brackets_of_its_own_is_not_bracketed_twice(tmp_path: Path) -> None:
    # 'role: Nimona (voice)', as voice casts are credited: 'Chloë Grace Moretz (Nimona (voice))'
    # in the page, the feeds, the email and its text part.
    root = copy_publication(tmp_path)
    outputs = _strangers_everywhere(root, "role: Adam\n", "role: Adam (voice)\n")
    for name, (_, shown) in outputs.items():
        assert "Andrew Scott (Adam, voice)" in shown and "(voice))" not in shown, name


def test_the_email_and_pages_are_written_the_way_the_publication_s_language_is(
    tmp_path: Path,
) -> None:
    # MJML's dir="auto" took the way of the email's first letters, its subject's: a subject
    # in Arabic set an English email right to left.
    root = copy_publication(tmp_path)
    issue = root / "issues/3-quiet-hours.md"
    text = issue.read_text(encoding="utf-8")
    text = text.replace('subject: "Quiet Hours,', 'subject: "ساعات هادئة — Quiet Hours,')
    issue.write_text(text + "\n- one\n- two\n\n> A quotation.\n", encoding="utf-8")
    build(root)
    email = (root / "site/issues/3-quiet-hours/email.html").read_text(encoding="utf-8")
    page = (root / "site/quiet-hours/index.html").read_text(encoding="utf-8")
    assert '<html lang="en" dir="ltr"' in email and '<html lang="en" dir="ltr">' in page
    config = root / "dopemail.toml"
    config.write_text(config.read_text().replace('language = "en"', 'language = "ar"'))
    build(root)
    email = (root / "site/issues/3-quiet-hours/email.html").read_text(encoding="utf-8")
    page = (root / "site/quiet-hours/index.html").read_text(encoding="utf-8")
    assert '<html lang="ar" dir="rtl"' in email and '<html lang="ar" dir="rtl">' in page
    # And laid out that way: MJML set every section to ltr and every text to the left.
    assert "direction:ltr" not in email and "direction:rtl" in email
    # (MJML writes text-align:left on every column's wrapper, whose text sets its own.)
    texts = re.findall(r'<div style="font-family:[^"]*text-align:(\w+)', email)
    assert texts and set(texts) == {"right"} | ({"center"} & set(texts)), texts
    # The intro's list is indented, and its quotation ruled, where their lines start.
    lists = re.findall(r"<ul\b[^>]*>", email)
    assert lists and all("padding-right: 24px" in u and "padding-left: 0" in u for u in lists)
    quote = re.search(r"<blockquote\b[^>]*>", email)
    assert (
        quote is not None
        and "border-right:" in quote.group()
        and "border-left" not in (quote.group())
    )
    from dopemail.config import Publication

    tags = {"he-IL": "rtl", "az-Arab": "rtl", "pa-Arab": "rtl", "ku-Latn": "ltr", "fr": "ltr"}
    for tag, way in tags.items():
        assert Publication.model_construct(language=tag).direction == way, tag


def test_a_quotation_and_an_original_title_say_their_language(tmp_path: Path) -> None:
    # A French quotation and Cléo de 5 à 7 in an English page were read aloud with English
    # sounds (WCAG 3.1.2): nothing said their language.
    root = copy_publication(tmp_path)
    build(root)
    page = (root / "site/letter-from-paris-plein-air/index.html").read_text("utf-8")
    email = (root / "site/issues/2-summer-festivals/email.html").read_text("utf-8")
    web = (root / "site/issues/2-summer-festivals/index.html").read_text("utf-8")
    rss = (root / "feeds/rss.xml").read_text("utf-8")
    for name, html in (("page", page), ("web version", web), ("feed", rss)):
        assert '<blockquote lang="fr" dir="ltr"><p>“Ici, on ne coupe' in html, name
        assert '<i lang="fr" dir="auto">Cléo de 5 à 7</i>' in html, name
        assert '<i lang="es" dir="auto">Dolor y gloria</i>' in html, name
    assert '<div lang="fr" dir="ltr">“Ici, on ne coupe' in email
    # In Arabic, a block of its own set right: a span in the text's left-aligned block put
    # its second line at the left edge.
    entry = root / "entries/letter-from-paris-plein-air.md"
    text = entry.read_text("utf-8")
    entry.write_text(text.replace("  lang: fr\n", "  lang: ar\n", 1), "utf-8")
    build(root)
    email = (root / "site/issues/2-summer-festivals/email.html").read_text("utf-8")
    assert '<div lang="ar" dir="rtl" style="text-align:right">“Ici, on ne coupe' in email
    entry.write_text(text, "utf-8")
    assert '<i lang="fr" dir="auto">Anatomie d’une chute</i>' in email
    # A tag that is none is said at its line.
    entry = root / "entries/letter-from-paris-plein-air.md"
    entry.write_text(entry.read_text("utf-8").replace("  lang: fr\n", "  lang: French\n"), "utf-8")
    with pytest.raises(DopemailError) as caught:
        build(root)
    errors = getattr(caught.value, "errors", [caught.value])
    assert any("pull_quote.lang: must be a language code" in e.message for e in errors), errors


def test_cards_in_a_named_section_are_a_heading_level_lower(tmp_path: Path) -> None:
    # "Letter from Paris" (an h2) was followed by its card's own h2: a list of headings made
    # the section look empty.
    root = copy_publication(tmp_path)
    build(root)
    folder = root / "site/issues/2-summer-festivals"
    for name in ("index.html", "email.html"):
        html = (folder / name).read_text(encoding="utf-8")
        levels = [int(n) for n in re.findall(r"<h([1-6])\b", html)]
        assert levels[0] == 1 and all(b - a <= 1 for a, b in itertools.pairwise(levels)), name
        after = html.split("Letter from Paris</h2>", 1)[1]
        assert re.search(r"<h([1-6])\b", after).group(1) == "3", name  # type: ignore[union-attr]


def test_a_credit_that_says_what_it_is_gets_no_second_prefix(tmp_path: Path) -> None:
    # "Photo © Jane Doe" came out "photograph by Photo © Jane Doe" on the page and in the
    # feeds, and "Photo: Photo © Jane Doe" in the email and its text part.
    root = copy_publication(tmp_path)
    lead = "    caption: Andrew Scott (behind hand) and Paul Mescal\n"
    path = root / STRANGERS
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(lead, lead + "    credit: Courtesy of Searchlight Pictures\n"))
    outputs = _strangers_everywhere(
        root,
        "caption: Scott\n    credit: Chris Harris",
        "caption: Scott\n    credit: Photo © Chris Harris",
    )
    for name, (_, shown) in outputs.items():
        assert "Photo © Chris Harris" in shown, name
        assert "Courtesy of Searchlight Pictures" in shown, name
        doubled = re.findall(r"(?i)(?:by|photo:) (?:photo ©|courtesy)", shown)
        assert not doubled, (name, doubled)
    for written in ("Images courtesy of A24", "Stills: A24", "Posters by X", "Frames: Y"):
        assert photo_credit(written, "photograph by ") == written
    # In French too, as the French scaffold suggests ("photographie d'Avec l'aimable...").
    for written in (
        "Avec l'aimable autorisation de Pathé",
        "Collection Cinémathèque française",
        "Affiche : Pathé",
        "D.R.",
        "Droits réservés",
    ):
        assert photo_credit(written, "photographie de ") == written
    # A name alone is still said to be the photographer's.
    assert "Jamie Bell, photograph by Chris Harris" in outputs["web page"][1]
    assert "Jamie Bell · Photo: Chris Harris" in outputs["text part"][1]


@pytest.mark.parametrize(
    ("year", "credit"),
    [
        ("", "based on a novel by Taichi Yamada"),
        ("    year: 1987\n", "based on the 1987 novel by Taichi Yamada"),
    ],
)
def test_a_source_work_without_a_title_is_credited_by_its_kind_and_author(
    tmp_path: Path, year: str, credit: str
) -> None:
    # The piece says "based on a novel by Taichi Yamada" and names no novel: the title was
    # required, so the editor had to make one up (the sample once credited "the novel
    # Strangers", which the piece does not say).
    root = copy_publication(tmp_path)
    outputs = _strangers_everywhere(
        root, "    author: Taichi Yamada\n", f"    author: Taichi Yamada\n{year}"
    )
    for name, (raw, shown) in outputs.items():
        # After the film's other credits: the piece's own text says it too.
        said = re.findall(r"[^.;]*Taichi Yamada", shown)
        assert re.search(f"Andrew Haigh[;.]? {credit}", shown, re.I), f"{name}: {said}"
        assert "None" not in raw, name
        assert "<i></i>" not in raw and "novel  by" not in shown, name
    page = outputs["web page"][0]
    graph = [
        json.loads(block)
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    ]
    based = next(g for g in graph[0] if g.get("itemReviewed"))["itemReviewed"]["isBasedOn"]
    assert based == {"@type": "Book", "author": {"@type": "Person", "name": "Taichi Yamada"}}


def test_the_text_part_marks_what_the_html_sets_in_italics(built: Path) -> None:
    # The HTML sets the intro's *italics*, a film's original title and its source work's in
    # <i>; the text part wrote them plain, and the card read 'based on the 1924 novel La Vie
    # et la passion de Dodin-Bouffant, gourmet by Marcel Rouff', the title's end unseen.
    folder = built / "site/issues"
    festivals = (folder / "2-summer-festivals/email.txt").read_text("utf-8")
    flat = re.sub(r"\s+", " ", festivals)
    assert (
        "based on the 1924 novel _La Vie et la passion de Dodin-Bouffant, gourmet_ by Marcel"
        " Rouff" in flat
    )
    assert "The Taste of Things (_La Passion de Dodin Bouffant_, 2023)." in flat
    html = (folder / "2-summer-festivals/email.html").read_text("utf-8")
    for title in re.findall(r"<i\b[^>]*>([^<]*)</i>", html):
        assert f"_{html_lib.unescape(title)}_" in flat, title
    strangers = (folder / "1-strangers-and-varda/email.txt").read_text("utf-8")
    assert "Andrew Haigh’s _All of Us Strangers_, the film" in re.sub(r"\s+", " ", strangers)
    assert "<em>All of Us Strangers</em>" in (
        folder / "1-strangers-and-varda/email.html"
    ).read_text("utf-8")


def test_a_source_work_in_its_own_language_is_marked_in_every_output(built: Path) -> None:
    # The sample's Mon crime, a French play (language: French under based_on): its title
    # was read aloud in English words on the page, in the email and in the web version.
    site = built / "site"
    for path in (
        "french-film-days-2024/index.html",
        "issues/2-summer-festivals/email.html",
        "issues/2-summer-festivals/index.html",
    ):
        html = (site / path).read_text("utf-8")
        assert '<i lang="fr" dir="auto">Mon crime</i>' in html, path
    page = (site / "french-film-days-2024/index.html").read_text("utf-8")
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    works = [
        node["isBasedOn"]
        for block in blocks
        for node in _walk(json.loads(block))
        if isinstance(node, dict) and "isBasedOn" in node
    ]
    assert {w["name"]: w.get("inLanguage") for w in works} == {
        "La Vie et la passion de Dodin-Bouffant, gourmet": "fr",
        "Mon crime": "fr",
    }


def _walk(node: object) -> Iterator[object]:
    """Every value in a JSON document, the document first."""
    yield node
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else []
    for child in children:
        yield from _walk(child)


def test_an_event_without_a_title_is_headed_by_its_kind(tmp_path: Path) -> None:
    # The piece's recorded conversation has no title: one made up ("All of Us Strangers in
    # conversation", as the sample once had) read twice, over "... in conversation with Dave
    # Karger". The sample's event, as it is.
    root = copy_publication(tmp_path)
    outputs = _strangers_everywhere(root, "  - kind: conversation\n", "  - kind: conversation\n")
    people = "Andrew Haigh, Andrew Scott, Paul Mescal, Claire Foy, and Jamie Bell in conversation"
    for name, (raw, shown) in outputs.items():
        assert "None" not in raw, name
        assert people in shown, f"{name}: {shown}"
        assert "in conversation in conversation" not in shown.lower(), name
        assert "in conversation" not in shown.lower().split(people.lower())[0], name
        if name == "text part":
            assert "\n- Conversation\n" in raw, raw
        elif name in ("web page", "rss.xml content", "atom.xml content"):
            assert "<h3>Conversation</h3>" in raw, name
        else:
            assert "<strong>Conversation</strong>" in raw, name


_PEOPLE = "Andrew Haigh, Andrew Scott, Paul Mescal, Claire Foy, and Jamie Bell"


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        ("  - kind: conversation\n", "  - kind: conversation\n", f"{_PEOPLE} in conversation with"),
        ("  - kind: conversation\n", "  - kind: q&a\n", f"{_PEOPLE} in a Q&A with"),
        ("  - kind: conversation\n", "  - kind: talk\n", f"{_PEOPLE}, moderated by"),
        (f"    participants: [{_PEOPLE.replace(', and', ',')}]\n", "", "Moderated by"),
    ],
    ids=["conversation", "q&a", "talk", "no participants"],
)
def test_who_speaks_at_an_event_is_said_alike_everywhere(
    tmp_path: Path, old: str, new: str, said: str
) -> None:
    # The page said "... in conversation with Dave Karger" and the emails "..., moderated by
    # Dave Karger": each output wrote the line its own way (four copies of the rule).
    outputs = _strangers_everywhere(copy_publication(tmp_path), old, new)
    for name, (_, shown) in outputs.items():
        assert f"{said} Dave Karger" in shown, f"{name}: {shown}"


@pytest.mark.parametrize("key", SAMPLE_ISSUES)
def test_the_web_version_and_the_issues_feed_show_what_the_email_shows(
    built: Path, key: str
) -> None:
    # "View in your browser" once showed cut-down cards: no venues or addresses, no
    # streaming, no events, no gallery, no rights, no roles. Whatever the email links to or
    # shows, its web version and its item in the issues feed carry too.
    folder = built / "site/issues" / key
    email, web = (Page((folder / n).read_text("utf-8")) for n in ("email.html", "index.html"))
    pages = {"web version": web}
    if _front(built, key)["status"] != "draft":  # a draft is not in the feed
        feed = feedparser.parse((built / "feeds/issues.xml").read_bytes())
        item = next(e for e in feed.entries if e.link.rstrip("/").endswith(key))
        pages["issues feed"] = Page(item.content[0].value)
    own = {UNSUBSCRIBE_PLACEHOLDER, f"{BASE}feeds/rss.xml", f"{BASE}issues/{key}/", BASE}
    links = {a["href"] for a in email.all("a")} - own
    pictures = {i["src"] for i in email.all("img")}
    texts = {" ".join(t.split()) for t in email.text}
    # The card's sentences; not the stylesheets, the masthead or the footer, which the web
    # page has in its own words.
    front = _front(built, key)
    # The feed's item has the subject as its title and no footer: the cards are compared.
    own_words = {str(front["preheader"]), str(front["subject"])}
    sentences = {
        t for t in texts if len(t) > 25 and "{" not in t and not t.startswith(("DoPe", "No. ", "©"))
    } - own_words
    # (The preheader with the inbox's filler after it.)
    sentences = {t for t in sentences if not t.startswith(str(front["preheader"]))}
    assert links and sentences
    for name, page in pages.items():
        assert links <= {a["href"] for a in page.all("a")}, name
        assert pictures <= {i["src"] for i in page.all("img")}, name
        # Chunks joined as they are: a sentence split by inline tags (<time>) reads whole.
        shown = " ".join("".join(page.text).split())
        missing = [s for s in sentences if s not in shown]
        assert not missing, f"{name} lacks {missing[:3]}"


def test_a_picture_in_the_text_is_on_the_site_and_sized(tmp_path) -> None:
    # ![alt](media/...) in a piece once pointed under the piece's own page (a broken picture
    # on the page and in the feeds), and its file was not copied to the site.
    root = copy_publication(tmp_path)
    lobby = root / "media/quiet-lobby.jpg"
    lobby.write_bytes((root / "media/all-of-us-strangers/02.jpg").read_bytes())
    entry = root / "entries/quiet-hours.md"
    text = entry.read_text("utf-8")
    entry.write_text(
        text.replace("The film is lit", "![The lobby](media/quiet-lobby.jpg)\n\nThe film is lit", 1)
    )
    issue = root / "issues/1-strangers-and-varda.md"
    text = issue.read_text("utf-8")
    issue.write_text(
        text.replace("Dear readers,", "Dear readers,\n\n![Adam](/media/quiet-lobby.jpg)", 1)
    )
    build(root)
    url = f"{BASE}media/quiet-lobby.jpg"
    assert (root / "site/media/quiet-lobby.jpg").read_bytes() == lobby.read_bytes()
    page = Page((root / "site/quiet-hours/index.html").read_text("utf-8"))
    lobby = {"src": url, "alt": "The lobby", "width": "1200", "height": "675", "class": "lone"}
    assert lobby in page.all("img")
    feed = feedparser.parse((root / "feeds/rss.xml").read_bytes())
    item = next(e for e in feed.entries if e.link == f"{BASE}quiet-hours/")
    assert f'src="{url}"' in item.content[0].value
    email = Page((root / "site/issues/1-strangers-and-varda/email.html").read_text("utf-8"))
    shown = next(i for i in email.all("img") if i.get("alt") == "Adam")
    assert (shown["src"], shown["width"], shown["height"]) == (url, "552", "310")
    # The column's width on a phone, and no wider than its own on a desktop.
    assert "width: 100%;max-width: 552px" in (shown.get("style") or "")
    # The text part shows where it is, as it does a gallery's pictures ('[Adam]' alone, once).
    text = (root / "site/issues/1-strangers-and-varda/email.txt").read_text("utf-8")
    assert f"[Adam] <{url}>" in text


def test_every_line_of_the_text_part_fits_72_columns_but_a_url(workspace: Path) -> None:
    # A venue's name and address, a streaming service, an event's heading and its place were
    # written as they came: 97 and 108 columns for a long name and address.
    entry = workspace / "entries/all-of-us-strangers.md"
    text = entry.read_text("utf-8")
    long_place = (
        "The Academy Museum of Motion Pictures David Geffen Theater and Sidney Poitier Hall"
    )
    for old, new in [
        ("  - venue: Landmark Sunset\n", f"  - venue: {long_place}\n"),
        (
            "    address: 8000 Sunset Boulevard\n",
            "    address: 6067 Wilshire Boulevard, Miracle Mile District, Building B, "
            "Second Floor\n",
        ),
        (
            "  - service: Hulu\n    url: https://www.hulu.com/\n",
            "  - service: " + "Hulu " * 16 + "\n  - service: The Criterion Channel\n"
            "    url: https://www.criterionchannel.com/all-of-us-strangers\n",
        ),
        (
            "    moderator: Dave Karger\n",
            "    moderator: Dave Karger\n    title: A conversation on grief, ghosts and the "
            "houses we grew up in, after the second screening\n"
            f"    venue: {long_place}\n    address: 6067 Wilshire Boulevard, Los Angeles, CA\n",
        ),
    ]:
        assert old in text, old
        text = text.replace(old, new, 1)
    entry.write_text(text, "utf-8")
    build(workspace)

    key = _issue_with(workspace, "all-of-us-strangers")
    lines = (workspace / "site/issues" / key / "email.txt").read_text("utf-8").split("\n")
    # A URL is kept whole, on a line of its own when it does not fit after its label: the
    # streaming service's, the map's, the tickets' and the web version's ran on to 92 columns.
    # (Not the reader's unsubscribe link, put in at sending.)
    too_long = [
        line
        for line in lines
        if len(line) > 72
        and not re.fullmatch(r" *(- )?\S+://\S+", line)
        and not line.startswith("Unsubscribe: ")
    ]
    assert too_long == []
    assert "- The Criterion Channel:\n  https://www.criterionchannel.com/all-of-us-strangers\n" in (
        "\n".join(lines)
    )
    joined = " ".join(line.strip() for line in lines)
    for said in (long_place, "Building B, Second Floor", "the houses we grew up in"):
        assert said in joined, said
    assert (
        "- The Academy Museum"
        in lines[[line.strip() for line in lines].index("WHERE IT PLAYS") + 2]
    )


def test_an_intro_s_heading_and_wide_table_fit_the_text_part_with_their_links(
    workspace: Path,
) -> None:
    # QA's intro: a heading's link said in capitals (<HTTPS://EXAMPLE.ORG/H>, a page not
    # found), a long heading on one line of 100 columns, a table's row on one of 138.
    issue = workspace / "issues/1-strangers-and-varda.md"
    intro = (
        "## Heading with [link](https://example.org/h)\n\n"
        "## What to see this week, where to see it, and the one night you should not miss\n\n"
        "| Film | Where |\n| --- | --- |\n"
        "| The Taste of Things (La Passion de Dodin Bouffant) | Lumière West, 8440 Sunset "
        "Boulevard, West Hollywood, every night at 7 pm through June |\n\n"
    )
    text = issue.read_text("utf-8")
    issue.write_text(text.replace("Dear readers,", intro + "Dear readers,", 1), "utf-8")
    build(workspace)

    email = (workspace / "site/issues/1-strangers-and-varda/email.txt").read_text("utf-8")
    assert (
        "Heading with link <https://example.org/h>\n" + "~" * 41 + "\n\n"
        "What to see this week, where to see it, and the one night you should not\n"
        "miss\n" + "~" * 72 + "\n\n"
        "Film:  The Taste of Things (La Passion de Dodin Bouffant)\n"
        "Where: Lumière West, 8440 Sunset Boulevard, West Hollywood, every night\n"
        "       at 7 pm through June\n\n"
        "Dear readers,\n"
    ) in email
    assert [line for line in email.split("\n") if len(line) > 72 and "://" not in line] == []


def test_an_event_of_another_year_than_the_piece_says_its_year(workspace: Path) -> None:
    # An event has no run beside it to tell which January 20 it is: one of 2027 in a piece
    # of 2024 was shown as 'Wed, January 20, 7:00 PM' everywhere, as if to come.
    entry = workspace / "entries/all-of-us-strangers.md"
    text = entry.read_text("utf-8")
    old = "    moderator: Dave Karger\n"
    assert old in text
    entry.write_text(
        text.replace(
            old,
            old + "    date: 2024-01-20T19:00:00-08:00\n"
            "  - kind: q&a\n    participants: [Andrew Haigh]\n"
            "    date: 2027-01-20T19:00:00-08:00\n    venue: Landmark Sunset\n",
            1,
        ),
        "utf-8",
    )
    build(workspace)
    same, other = "Sat, January 20, 7:00\u00a0PM", "Wed, January 20, 2027, 7:00\u00a0PM"
    key = _issue_with(workspace, "all-of-us-strangers")
    outputs = {
        "page": workspace / "site/all-of-us-strangers/index.html",
        "email": workspace / "site/issues" / key / "email.html",
        "text part": workspace / "site/issues" / key / "email.txt",
        "web version": workspace / "site/issues" / key / "index.html",
    }
    for name, path in outputs.items():
        shown = html_lib.unescape(path.read_text("utf-8"))
        assert same in shown and other in shown, name
        assert "January 20, 2024" not in shown, name
    item = feedparser.parse((workspace / "feeds/atom.xml").read_bytes()).entries
    content = next(e for e in item if e.link.endswith("/all-of-us-strangers/")).content[0]
    assert f'<time datetime="2027-01-20T19:00:00-08:00">{other}</time>' in content.value

    # An issue's reader sees the issue's date, not the piece's: an event of December 2023 in
    # a piece of December 2023, gathered by an issue of 2024, says its year there alone.
    text = entry.read_text("utf-8")
    text = text.replace("published: 2024-01-12T09:00:00-08:00", "published: 2023-12-20", 1)
    entry.write_text(text.replace("2024-01-20T19:00:00-08:00", "2023-12-28T19:00:00-08:00"))
    build(workspace)
    december = "Thu, December 28, 7:00\u00a0PM"
    page = html_lib.unescape(outputs["page"].read_text("utf-8"))
    assert december in page and "December 28, 2023" not in page
    for name in ("email", "text part", "web version"):
        shown = html_lib.unescape(outputs[name].read_text("utf-8"))
        assert "Thu, December 28, 2023, 7:00\u00a0PM" in shown, name

    # An event's video is a stream to come or a recording as the issue's reader has it:
    # the event of December 2023, with a video, is a recording in an issue of 2024.
    text = entry.read_text("utf-8")
    old = "    date: 2023-12-28T19:00:00-08:00\n"
    assert old in text
    entry.write_text(text.replace(old, old + "    video: https://video.example/qa\n", 1))
    published = "published: 2023-12-20"
    entry.write_text(entry.read_text("utf-8").replace(published, "published: 2023-12-01"))
    build(workspace)

    def label(name: str) -> str:  # the words of the link to that video
        shown = html_lib.unescape(outputs[name].read_text("utf-8"))
        found = re.search(r'href="https://video\.example/qa"[^>]*>([^<]+)<', shown)
        return found.group(1) if found else shown.split("https://video.example/qa")[0][-40:]

    assert label("page") == "Watch online"  # to come when the piece was published
    for name in ("email", "web version"):
        assert label(name) == "Watch the recording", name
    assert "Watch the recording: https://video.example/qa" in outputs["text part"].read_text()
    entry.write_text(entry.read_text("utf-8").replace("published: 2023-12-01", published))

    # Showtimes too: one of 2024 in a piece of 2024 mailed in 2025 read as next month's.
    issue = workspace / "issues" / f"{key}.md"
    issue.write_text(
        issue.read_text("utf-8").replace("date: 2024-02-23T08:00:00-08:00", "date: 2025-01-03")
    )
    entry.write_text(
        entry.read_text("utf-8").replace(
            '    postal_code: "90046"\n',
            '    postal_code: "90046"\n    times: [2023-12-29T19:30:00-08:00]\n',
            1,
        )
    )
    build(workspace)
    page = html_lib.unescape(outputs["page"].read_text("utf-8"))
    assert "Fri, December 29, 7:30\u00a0PM" in page and "December 29, 2023" not in page
    for name in ("email", "text part", "web version"):
        shown = html_lib.unescape(outputs[name].read_text("utf-8"))
        assert "Fri, December 29, 2023, 7:30\u00a0PM" in shown, name


def test_the_text_part_underlines_a_subject_by_its_width_on_screen(workspace: Path) -> None:
    # An emoji takes two columns in a fixed-width font, a combining accent none: the line of
    # '=' under "Ghosts 👻" was one column short.
    issue = workspace / "issues/1-strangers-and-varda.md"
    subject = "Ghosts 👻 and Cle\u0301o 🎬 👍🏽"
    text = issue.read_text("utf-8")
    old = next(line for line in text.split("\n") if line.startswith("subject:"))
    issue.write_text(text.replace(old, f'subject: "{subject}"', 1), "utf-8")
    build(workspace)
    lines = (workspace / "site/issues/1-strangers-and-varda/email.txt").read_text("utf-8")
    lines = lines.split("\n")
    under = lines[lines.index(subject) + 1]
    assert under == "=" * (len("Ghosts ") + 2 + len(" and Cleo ") + 2 + 1 + 2), under


@pytest.mark.parametrize(
    ("text", "width"),
    [
        ("Love ❤️", 5 + 2),  # a text heart made an emoji by U+FE0F: it was counted one
        ("Family 👨\u200d👩\u200d👧", 7 + 2),  # one emoji drawn from three: it was six
        ("Paris 🇫🇷", 6 + 2),
        ("東京 Story", 4 + 6),
    ],
)
def test_columns_counts_what_a_fixed_width_font_shows(text: str, width: int) -> None:
    from dopemail.templates import columns

    assert columns(text) == width


def test_only_a_draft_issue_s_web_version_is_kept_from_search_engines(built: Path) -> None:
    for key in SAMPLE_ISSUES:
        page = Page((built / "site/issues" / key / "index.html").read_text("utf-8"))
        robots = [m.get("content") for m in page.all("meta") if m.get("name") == "robots"]
        draft = _front(built, key)["status"] == "draft"
        assert robots == (["noindex"] if draft else []), key
    assert any(_front(built, k)["status"] == "draft" for k in SAMPLE_ISSUES)


def test_a_picture_replaced_in_an_issue_s_intro_is_measured_again(tmp_path) -> None:
    # The intro's pictures were not in the issue's cache key: a picture replaced by one of
    # another shape kept its old size in the email, and the sender then refused the issue
    # for good (its sources made other bytes than the build kept writing).
    root = copy_publication(tmp_path)
    picture = root / "media/intro.jpg"
    picture.write_bytes((root / "media/all-of-us-strangers/02.jpg").read_bytes())  # 1200x675
    issue = root / "issues/1-strangers-and-varda.md"
    text = issue.read_text("utf-8")
    issue.write_text(text.replace("Dear readers,", "Dear readers,\n\n![Adam](media/intro.jpg)", 1))
    build(root)
    folder = root / "site/issues/1-strangers-and-varda"

    def shown() -> tuple[str | None, str | None]:
        email = Page((folder / "email.html").read_text("utf-8"))
        found = next(i for i in email.all("img") if i.get("alt") == "Adam")
        return found.get("width"), found.get("height")

    assert shown() == ("552", "310")
    square = (root / "media/all-of-us-strangers/03.jpg").read_bytes()  # 1000x1000
    picture.write_bytes(square)
    build(root)
    assert shown() == ("552", "552")


def test_pictures_in_the_text_are_read_as_markdown_reads_them(tmp_path) -> None:
    # Read from the characters, an accented name, brackets in the alt text, a <path with
    # spaces> and a reference-style picture were missed (broken on the page, not copied),
    # while a picture in a code span or an HTML comment, which no reader sees, stopped the
    # build, as did a '<!--' in a code span.
    root = copy_publication(tmp_path)
    folder = root / "media/quiet-hours"
    folder.mkdir()
    still = (root / "media/all-of-us-strangers/02.jpg").read_bytes()
    for name in ("é.jpg", "my still.jpg", "b.jpg"):
        (folder / name).write_bytes(still)
    entry = root / "entries/quiet-hours.md"
    text = """![Accent](media/quiet-hours/é.jpg)

![Marit at the desk [still]](media/quiet-hours/b.jpg)

![Angle](<media/quiet-hours/my still.jpg>)

![Ref][r]

[r]: media/quiet-hours/b.jpg

<!-- ![Old](media/quiet-hours/old.jpg) -->

Use `<!--` for a note and `![What it shows](media/my-film/still.jpg)` for a picture.

"""
    entry.write_text(entry.read_text("utf-8").replace("The film is lit", text + "The film is lit"))
    build(root)
    page = Page((root / "site/quiet-hours/index.html").read_text("utf-8"))
    site = f"{BASE}media/quiet-hours/"
    shown = {(i["alt"], i["src"]) for i in page.all("img") if site in (i.get("src") or "")}
    assert shown == {
        ("Accent", f"{site}%C3%A9.jpg"),
        ("Marit at the desk [still]", f"{site}b.jpg"),
        ("Angle", f"{site}my%20still.jpg"),
        ("Ref", f"{site}b.jpg"),
    }
    for name in ("é.jpg", "my still.jpg", "b.jpg"):
        assert (root / "site/media/quiet-hours" / name).read_bytes() == still


def test_an_absolute_link_written_in_capitals_or_with_spaces_is_absolute(
    workspace: Path, run_cli
) -> None:
    # An href is a URL "potentially surrounded by spaces" (HTML), and its scheme is read
    # without regard to case: mail programs follow such a link as they follow any other.
    _break(
        workspace,
        "templates/email/issue.mjml.j2",
        '<a href="{{ issue.url }}" style="color:#5b5b5b">',
        '<a href=" HTTPS://dopepress.example.com/archive/ " style="color:#5b5b5b">',
    )
    code, output = run_cli("build", "--root", workspace)
    assert code == 0, output
    email = next((workspace / "site/issues").glob("1-*/email.html")).read_text()
    assert 'href=" HTTPS://dopepress.example.com/archive/ "' in email


def test_a_picture_on_an_absolute_url_written_in_capitals_is_on_https(
    workspace: Path, run_cli
) -> None:
    logo = "HTTPS://dopepress.example.com/media/dopepress-logo.png"
    _break(
        workspace,
        FIRST,
        "\n---\n",
        f'\n---\n<img src="{logo}" alt="The magazine" width="40" height="40">\n\n',
    )
    code, output = run_cli("build", "--root", workspace)
    assert code == 0, output
    email = next((workspace / "site/issues").glob("1-*/email.html")).read_text()
    assert f'src="{logo}"' in email


@pytest.mark.parametrize(
    ("kind", "credit"),
    [
        ("novel", "a novel by A. Writer"),
        ("opera", "an opera by A. Writer"),
        ("one-act play", "a one-act play by A. Writer"),
        ("utopian novel", "a utopian novel by A. Writer"),
        ("Ukrainian folk tale", "a Ukrainian folk tale by A. Writer"),
        ("hour-long radio play", "an hour-long radio play by A. Writer"),
        ("8-part podcast", "an 8-part podcast by A. Writer"),
        ("110-page story", "a 110-page story by A. Writer"),
        ("MTV special", "an MTV special by A. Writer"),
        ("BBC series", "a BBC series by A. Writer"),
    ],
)
def test_a_work_the_piece_does_not_name_reads_with_its_article(kind: str, credit: str) -> None:
    from dopemail.models import BasedOn
    from dopemail.templates import source_work

    assert source_work(BasedOn(author="A. Writer", kind=kind)) == credit


def test_a_venue_and_an_original_title_with_angle_brackets_are_text_in_the_email(
    workspace: Path, run_cli
) -> None:
    # A venue and an original title are the editor's words: with '<' and '&' in them they
    # are escaped in the email, not elements of it (a '<Royal>' the mail program drops).
    _break(
        workspace, STRANGERS, "  - venue: Landmark Sunset\n", "  - venue: Laemmle & Sons <Royal>\n"
    )
    _break(
        workspace,
        STRANGERS,
        "film:\n  title: All of Us Strangers\n",
        "film:\n  title: All of Us Strangers\n  original_title: Stille & <timer>\n",
    )
    code, output = run_cli("build", "--root", workspace)
    assert code == 0, output
    html = (workspace / "site/issues" / STRANGERS_ISSUE / "email.html").read_text("utf-8")
    assert "Laemmle &amp; Sons &lt;Royal&gt;" in html
    assert "Stille &amp; &lt;timer&gt;" in html
    page = Page(html)
    assert not {name for name, _ in page.tags} & {"royal", "timer"}
    assert "Laemmle & Sons <Royal>" in page.plain and "Stille & <timer>" in page.plain


def test_angle_brackets_an_editor_wrote_in_a_title_or_a_text_are_not_template_html(
    workspace: Path, run_cli
) -> None:
    # A film titled "Why <Noir> matters" stopped the build ("the plain-text part contains
    # HTML: <NOIR>"): the text part shows titles in capitals, which the fields as written do
    # not contain. So did a code span in the opening that the summary is taken from.
    entry = "entries/all-of-us-strangers.md"
    _break(workspace, entry, "title: All of Us Strangers", "title: Why <Noir> matters")
    source = (workspace / entry).read_text("utf-8")
    start = source.index("summary: >-")
    end = source.index("tags:", start)
    source = source[:start] + source[end:]
    source = source.replace("That’s writer-director", "That’s `a <code>` span and writer-director")
    (workspace / entry).write_text(source, "utf-8")
    code, output = run_cli("build", "--root", workspace)
    assert code == 0, output
    text = (next((workspace / "site/issues").glob("1-*")) / "email.txt").read_text("utf-8")
    assert "WHY <NOIR> MATTERS" in text and "That’s a <code> span" in text
    # A code span in the intro is the editor's text too, shown as written.
    _break(workspace, f"issues/{SAMPLE_ISSUES[0]}.md", "Dear readers,", "Dear `<div>` readers,")
    code, output = run_cli("build", "--root", workspace)
    assert code == 0, output
    text = (next((workspace / "site/issues").glob("1-*")) / "email.txt").read_text("utf-8")
    assert "Dear <div> readers," in text
    # A tag a template writes is still caught, in capitals too, and raw HTML in a text (which
    # never reaches the text part) excuses nothing.
    _break(workspace, entry, "Perhaps this character", "Perhaps this <B>character</B>")
    _break(workspace, "templates/email/issue.txt.j2", "{{", "<B>{{")
    code, output = run_cli("build", "--root", workspace)
    assert code == 1 and "the plain-text part contains HTML: <B>" in output


def test_a_picture_from_another_site_without_its_size_says_how_to_write_it(
    workspace: Path, run_cli
) -> None:
    # The hint once named mj-image, a tag of the templates that editors never write.
    _break(
        workspace,
        FIRST,
        "Dear readers,",
        'Dear readers,\n\n<img src="https://images.example.org/poster.jpg" alt="The poster">\n',
    )
    code, output = run_cli("build", "--root", workspace)
    assert code == 1, output
    # At its line in the intro (it named the file alone).
    line = _line_of(workspace, FIRST, '<img src="https://images.example.org/poster.jpg"')
    assert (
        f"{FIRST}:{line}: issue 1: image without width/height in pixels: "
        "https://images.example.org/poster.jpg\n"
        "  hint: Outlook lays out the email by them: a picture from another site in the intro "
        'is written <img src="https://..." alt="..." width="600" height="400"> (pixels, not % '
        "or auto); in a template, set both on mj-image, in px\n"
    ) in output, output
    # Sized, but not in pixels: Outlook takes '100%' and 'auto' for nothing (check said ok).
    poster = '<img src="https://images.example.org/poster.jpg" alt="The poster"'
    for size in ('width="100%" height="auto"', 'width="600" height="auto"'):
        _break(workspace, FIRST, poster, f"{poster} {size}")
        code, output = run_cli("check", "--root", workspace)
        assert code == 1 and "image without width/height in pixels" in output, (size, output)
        _break(workspace, FIRST, f"{poster} {size}", poster)
    _break(workspace, FIRST, poster, f'{poster} width="600px" height="400"')
    code, output = run_cli("check", "--root", workspace)
    assert "image without width/height" not in output, output


def test_a_right_to_left_original_title_keeps_the_year_in_its_place(
    workspace: Path, run_cli
) -> None:
    # Without isolation the bidi algorithm pulled the year and comma to the title's other side:
    # 'The Crime Is Mine (2023 ,وجدة)'.
    _break(
        workspace,
        "entries/french-film-days-2024.md",
        "original_title: Mon crime",
        "original_title: وجدة",
    )
    code, output = run_cli("build", "--root", workspace)
    assert code == 0, output
    folder = workspace / "site/issues/2-summer-festivals"
    # (In italics, '_..._', as the HTML sets it: the marks outside the isolates.)
    text = (folder / "email.txt").read_text("utf-8")
    assert "The Crime Is Mine (_\u2068وجدة\u2069_, 2023)" in text
    # In HTML the element is set apart by its direction, found from its own text.
    for page in (
        folder / "email.html",
        folder / "index.html",
        workspace / "site/french-film-days-2024/index.html",
    ):
        # (and its language said, the film's: lang="fr" here)
        assert '<i lang="fr" dir="auto">وجدة</i>' in page.read_text(encoding="utf-8"), page
    # A title in a left-to-right script is left as it is.
    assert "(_Anatomie d’une chute_, 2023)" in text


def test_the_email_has_headings_a_screen_reader_can_move_by(workspace: Path) -> None:
    # Its subject, films and parts were <div>s: no heading to jump from film to film.
    import lxml.html

    build(workspace)
    key = "2-summer-festivals"
    root = lxml.html.fromstring((workspace / f"site/issues/{key}/email.html").read_bytes())
    source = (workspace / f"issues/{key}.md").read_text(encoding="utf-8")
    subject = re.search(r'^subject: "(.*)"$', source, re.M).group(1)  # type: ignore[union-attr]
    assert [h.text_content() for h in root.iter("h1")] == [subject]
    # Films' titles are h2, or h3 under a named section's h2; their parts a level lower.
    titles = [h.text_content() for tag in ("h2", "h3") for h in root.iter(tag)]
    slugs = re.findall(r"^\s+- ([a-z0-9-]+)$", source, re.M)
    assert len(slugs) == 3, slugs
    for slug in slugs:
        entry = (workspace / f"entries/{slug}.md").read_text(encoding="utf-8")
        title = re.search(r"^title: (.*)$", entry, re.M).group(1).strip('"')  # type: ignore[union-attr]
        assert title in titles, (title, titles)
    parts = {h.text_content() for tag in ("h3", "h4") for h in root.iter(tag)}
    assert {"Where it plays", "Events"} <= parts, parts


def test_the_pages_own_background_does_not_make_dark_text_readable() -> None:
    # Painted dark by a client in dark mode: text with no background of its own below it is
    # still found (the colours compared as written in either case).
    html = (
        '<html lang="en"><head><title>T</title></head><body bgcolor="#F4F1EA">'
        '<div style="background-color: #f4f1ea"><p style="color:#111111">on the page</p>'
        '<div style="background-color:#ffffff"><p style="color:#222">on a card</p></div>'
        "</div></body></html>"
    )
    assert read_email(html).dark_on_transparent == ['<p style="color:#111111">']


def test_the_text_part_keeps_its_lines_short_but_for_addresses(workspace: Path) -> None:
    # RFC 5322 2.1.1: lines SHOULD be 78 characters at most. Long titles (a film's, a
    # section's, the subject) went out on one line; an address is never broken.
    from dopemail.templates import columns

    build(workspace)
    long_lines = [
        (key, line)
        for key in SAMPLE_ISSUES
        for line in (workspace / f"site/issues/{key}/email.txt").read_text("utf-8").splitlines()
        if columns(line) > 78 and "https://" not in line
    ]
    assert long_lines == []


def test_a_long_subject_is_wrapped_and_underlined_as_its_longest_line(workspace: Path) -> None:
    subject = "A very long subject line " * 4
    _break(
        workspace,
        FIRST,
        'subject: "All of Us Strangers, and Varda on the East Side"',
        f'subject: "{subject.strip()}"',
    )
    build(workspace)
    text = (workspace / f"site/issues/{SAMPLE_ISSUES[0]}/email.txt").read_text("utf-8")
    lines = text.split("\n")
    start = lines.index("A very long subject line A very long subject line A very long subject")
    assert lines[start + 1 : start + 3] == ["line A very long subject line", "=" * 69]


def test_each_read_more_button_is_named_by_its_entry(built: Path) -> None:
    # A screen reader's list of an email's links read "Read more, Read more, Read more"
    # (WCAG 2.4.4): mjml-python writes no aria-label of an mj-button's own, so each button's
    # link is named after the compile, by the entry it leads to.
    from dopemail.load import load_workspace

    workspace = load_workspace(built)
    labels: dict[str, list[str | None]] = {}
    for issue in workspace.issues:
        email = Page((built / "site/issues" / issue.key / "email.html").read_text("utf-8"))
        gathered = [*issue.entries, *(entry for _, items in issue.sections for entry in items)]
        named = [a for a in email.all("a") if (a.get("aria-label") or "").startswith("Read")]
        assert [(a["href"], a["aria-label"]) for a in named] == [
            (e.url, f"Read more: {e.meta.title}") for e in gathered
        ], issue.key
        # And each event's link to its tickets, by the event. (Not in the web version and the
        # feeds, whose HTML the feed validators take an aria-label in for a risk.)
        # With its film's, as the recording's: two events' "Q&A" read alike.
        events = [ev for e in gathered for ev in e.meta.events if ev.url]
        tickets = [a for a in email.all("a") if a.get("href") in {ev.url for ev in events}]
        labels[issue.key] = [a.get("aria-label") for a in tickets]
    # Once: a heading that names the film is not followed by the piece's title again.
    assert labels == {
        "1-strangers-and-varda": [],
        "2-summer-festivals": [
            "Tickets and information: The Salt Orchard, opening-night Q&A",
            "Tickets and information: Opening night: what French cinema is saying now, "
            "French Film Days on Sunset 2024 — four nights, four films",
        ],
        "3-quiet-hours": [],
    }


@pytest.mark.parametrize(
    ("heading", "title", "films", "named"),
    [
        # The heading names the film, or the piece: said once.
        (
            "The Salt Orchard, opening-night Q&A",
            "The Salt Orchard: a Q&A",
            ["The Salt Orchard"],
            "",
        ),
        ("Wadjda: a talk", "Wadjda", [], ""),
        # Said otherwise, it is said again: a title said twice is read twice, one lost not.
        ("WADJDA, the talk", "Wadjda", [], ", Wadjda"),
        # A heading inside the title names neither (it was taken to: 'Q&A' alone), nor a
        # film's title inside one of its words ('M' in 'Meet').
        ("Q&A", "Q&A with Nadia Ferreira-Holm", [], ", Q&A with Nadia Ferreira-Holm"),
        ("Meet the cast", "M, restored", ["M"], ", M, restored"),
        # A title that is a word, said otherwise in the heading (a second review found them).
        ("Q&A with her director", "Her", [], ", Her"),
        ("Stand-up comedy night", "Up", [], ", Up"),
        ("US premiere", "Us", [], ", Us"),
    ],
)
def test_an_event_s_links_name_its_piece_once(
    heading: str, title: str, films: list[str], named: str
) -> None:
    from types import SimpleNamespace

    from dopemail.templates import with_piece

    meta = SimpleNamespace(title=title, all_films=[SimpleNamespace(title=f) for f in films])
    assert with_piece(heading, meta) == heading + named


def test_a_read_more_button_a_template_named_itself_keeps_its_name() -> None:
    # The name is set on the compiled link only where the template set none: a publication's
    # own template that names its buttons (in raw HTML) is left as it wrote them.
    from types import SimpleNamespace

    from dopemail.newsletter import _buttons_named

    entry = SimpleNamespace(url="https://x.example/a/", meta=SimpleNamespace(title="A & B"))
    settings = SimpleNamespace(publication=SimpleNamespace(language="en"))
    items = [SimpleNamespace(entry=entry)]
    bare = '<p><a href="https://x.example/a/" style="x">Read more</a></p>'
    own = '<p><a href="https://x.example/a/" aria-label="Onward">Read more</a></p>'
    assert _buttons_named(bare, items, settings) == (  # type: ignore[arg-type]
        '<p><a href="https://x.example/a/" style="x" aria-label="Read more: A &amp; B">'
        "Read more</a></p>"
    )
    assert _buttons_named(own, items, settings) == own  # type: ignore[arg-type]


def test_a_list_numbered_from_3_keeps_its_numbers_in_every_output(workspace: Path) -> None:
    # "3. All of Us Strangers", after a paragraph, was shown "1." in the email, the web
    # version and the feeds: the sanitiser took the list's start away (the text part kept it).
    issue = workspace / "issues/3-quiet-hours.md"
    source = issue.read_text(encoding="utf-8").rstrip("\n")
    issue.write_text(source + "\n\nThe office argued:\n\n3. Perfect Days\n4. Past Lives\n", "utf-8")
    build(workspace)
    folder = workspace / "site/issues/3-quiet-hours"
    for name in ("email.html", "index.html"):
        page = (folder / name).read_text(encoding="utf-8")
        assert re.search(r'<ol start="3"[^>]*>\s*<li[^>]*>Perfect Days</li>', page), name
    assert "3. Perfect Days\n4. Past Lives" in (folder / "email.txt").read_text(encoding="utf-8")


def _screening_events(page: str) -> dict[str, dict[str, object]]:
    """The ScreeningEvents of a page's JSON-LD, by their venue's name."""
    blocks = [
        json.loads(block)
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    ]
    return {
        e["location"]["name"]: e
        for block in blocks
        for e in (block if isinstance(block, list) else block.get("@graph", [block]))
        if e.get("@type") == "ScreeningEvent"
    }


_STATUSES_BEFORE = '    postal_code: "90046"\n  - venue: AMC Century City\n'
_STATUSES_AFTER = (
    '    postal_code: "90046"\n'
    "    times:\n"
    "      - 2024-01-12T19:00:00-08:00\n"
    "      - at: 2024-01-13T19:00:00-08:00\n"
    "        status: Sold-Out\n"
    "        note: with Andrew Haigh in person\n"
    "        url: https://tickets.example.com/landmark/0113\n"
    "      - at: 2024-01-14T16:00:00-08:00\n"
    "        status: canceled\n"
    "        url: https://tickets.example.com/landmark/0114\n"
    "  - venue: AMC Century City\n"
    "    status: cancelled\n"
    "    url: https://tickets.example.com/amc\n"
    "    times:\n"
    "      - 2024-01-15T19:00:00-08:00\n"
    "      - {at: 2024-01-16T19:00:00-08:00, status: sold out}\n"
)


def test_the_source_work_s_title_is_in_italics_in_the_email_as_on_the_page(
    tmp_path: Path,
) -> None:
    # The page printed 'the 1987 novel <i>Strangers</i> by Taichi Yamada'; the email and the
    # web version the title plain, which read as one with the film's when they share it.
    root = copy_publication(tmp_path)
    outputs = _strangers_everywhere(
        root,
        "    author: Taichi Yamada\n",
        "    author: Taichi Yamada\n    title: Strangers & <Others>\n    year: 1987\n",
    )
    for name in ("web page", "email", "web version", "rss.xml content", "atom.xml content"):
        raw = outputs[name][0]
        assert "the 1987 novel <i>Strangers &amp; &lt;Others&gt;</i> by Taichi Yamada" in raw, name
    # The text part as it writes italics, the title's end seen there too.
    assert "the 1987 novel _Strangers & <Others>_ by Taichi Yamada" in outputs["text part"][0]


def test_a_right_to_left_title_keeps_its_year_after_it_everywhere(tmp_path: Path) -> None:
    # An Arabic title in an English page, '<h2>المومياء (1969)</h2>': the year took the
    # title's direction and was shown before it, '(1969) المومياء', in the page, the email,
    # the web version and the feeds (the text part set it apart already).
    root = copy_publication(tmp_path)
    path = root / STRANGERS
    text = path.read_text(encoding="utf-8")
    quote = "  text: أنا لا أدير الأطفال. أنتظرهم.\n  attribution: نادين لبكي\n  lang: ar\n"
    text = re.sub(r"(?m)^  text: I’ve always.*\n  attribution: .*\n", quote, text, count=1)
    path.write_text(text, encoding="utf-8")
    outputs = _strangers_everywhere(root, "film:\n  title: All of Us Strangers\n",
                                    "film:\n  title: المومياء\n")  # fmt: skip
    for name, (raw, _) in outputs.items():
        assert "\u2068المومياء\u2069 (2023)" in raw or (
            "\u2068المومياء\u2069</strong> (2023)" in raw
        ), name
    # The text part's pull quote and its attribution, each set apart from the other.
    plain = outputs["text part"][0]
    assert "“\u2068أنا لا أدير الأطفال. أنتظرهم.\u2069” — \u2068نادين لبكي\u2069" in plain, plain


def _lang_of(html: str, tag: str, text: str) -> tuple[str | None, str | None]:
    """The lang and dir in force at the first ``tag`` whose text holds ``text``: its own, or
    its nearest ancestor's that has one."""
    from lxml import html as lxml_html

    for element in lxml_html.fromstring(html).iter(tag):
        if text in element.text_content():
            marked = next((e for e in element.iterancestors() if e.get("lang")), None)
            marked = element if element.get("lang") else marked
            return (marked.get("lang"), marked.get("dir")) if marked is not None else (None, None)
    raise AssertionError(f"no <{tag}> holding {text!r}")


def test_an_entry_in_another_language_than_the_publications_is_marked_in_it(
    tmp_path: Path,
) -> None:
    # An English piece in a French publication: read aloud with French voices everywhere.
    root = copy_publication(tmp_path)
    config = root / "dopemail.toml"
    config.write_text(config.read_text("utf-8").replace('language = "en"', 'language = "fr"'))
    outputs = _strangers_everywhere(root, "---\ntitle: All", "---\nlanguage: English\ntitle: All")
    title, summary = "All of Us Strangers", "with Andrew Scott and Paul Mescal"
    body = "speaking through one of the characters"
    page = outputs["web page"][0]
    assert _lang_of(page, "h1", title) == ("en", "ltr")
    assert _lang_of(page, "p", body) == ("en", "ltr")
    assert _lang_of(page, "span", "Andrew Scott (behind hand)") == ("en", "ltr")  # a caption
    # dopemail's own words stay in the publication's.
    assert _lang_of(page, "h2", "Où le voir")[0] == "fr"
    assert _lang_of(page, "p", "Par ")[0] == "fr"
    (data,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert json.loads(data)[0]["inLanguage"] == "en"
    for name in ("email", "web version"):
        card = outputs[name][0]
        assert _lang_of(card, "a", title) == ("en", "ltr"), name
        assert _lang_of(card, "a", "Lire la suite")[0] == "fr", name
    assert _lang_of(outputs["web version"][0], "p", summary) == ("en", "ltr")
    assert _lang_of(outputs["email"][0], "span", summary) == ("en", "ltr")
    from lxml import html as lxml_html

    home = lxml_html.fromstring((root / "site/index.html").read_text("utf-8"))
    (listed,) = home.xpath(f'//ul/li/a[@href="{BASE}all-of-us-strangers/"]')
    assert (listed.get("lang"), listed.get("dir")) == ("en", "ltr")
    # Atom's entry in it, its content's headings put back in the publication's.
    atom = feedparser.parse((root / "feeds/atom.xml").read_bytes())
    item = next(e for e in atom.entries if e.title == title)
    assert item.title_detail.language == "en"
    assert _lang_of(item.content[0].value, "h2", "Où le voir") == ("fr", "ltr")
    assert _lang_of(item.content[0].value, "p", body) == ("en", "ltr")
    other = next(e for e in atom.entries if e.title != title)
    assert other.title_detail.language == "fr"
    feed = json.loads((root / "feeds/feed.json").read_text("utf-8"))
    languages = {i["title"]: i.get("language") for i in feed["items"]}
    assert languages[title] == "en" and languages["Quiet Hours"] is None


def test_an_entry_in_a_language_written_right_to_left_is_marked_rtl(tmp_path: Path) -> None:
    root = copy_publication(tmp_path)
    outputs = _strangers_everywhere(root, "---\ntitle: All", "---\nlanguage: ar\ntitle: All")
    assert _lang_of(outputs["web page"][0], "h1", "All of Us Strangers") == ("ar", "rtl")
    assert _lang_of(outputs["email"][0], "a", "All of Us Strangers") == ("ar", "rtl")


def test_a_title_in_a_right_to_left_script_without_its_language_ends_on_its_side(
    tmp_path: Path,
) -> None:
    # A Hebrew title, its language not given, in an English list: its '!' was drawn on the
    # right, where a Hebrew reader begins. Each title takes its direction from its letters.
    from lxml import html as lxml_html

    root = copy_publication(tmp_path)
    title = "זרים: כולנו!"
    _break(root, "entries/quiet-hours.md", "title: Quiet Hours", f'title: "{title}"')
    build(root)
    shown = {
        "page": ("site/quiet-hours/index.html", "h1"),
        "home": ("site/index.html", "a"),
        "email": ("site/issues/3-quiet-hours/email.html", "h2"),
        "web version": ("site/issues/3-quiet-hours/index.html", "h2"),
    }
    for name, (path, tag) in shown.items():
        page = lxml_html.fromstring((root / path).read_text("utf-8"))
        (element,) = [e for e in page.iter(tag) if e.text_content().strip() == title]
        assert element.get("dir") == "auto" and element.get("lang") is None, name


def test_sold_out_and_cancelled_showings_and_a_postponed_event_are_said_everywhere(
    tmp_path: Path,
) -> None:
    root = copy_publication(tmp_path)
    moderator = "    moderator: Dave Karger\n"
    postponed = "    date: 2024-01-20T19:00:00-08:00\n    status: postponed\n"
    _break(root, STRANGERS, moderator, moderator + postponed)
    outputs = _strangers_everywhere(root, _STATUSES_BEFORE, _STATUSES_AFTER)
    for name, (raw, shown) in outputs.items():
        # The dash kept with its status on one line, after a venue and an event as after a time.
        for said in (r"AMC Century City(?:</a>)?(?:</strong>)?", r"Conversation(?:</strong>)?"):
            said += r" —(?:\u00a0|&nbsp;|&#160;)(?:cancelled|postponed)"
            assert re.search(said, raw), (name, said)
        shown = shown.replace("\u00a0", " ")
        assert "Sat, January 13, 7:00 PM (with Andrew Haigh in person) — sold out" in shown, name
        assert "Sun, January 14, 4:00 PM — canceled" in shown, name
        assert "AMC Century City — cancelled" in shown, name
        assert "Conversation — postponed" in shown, name
        assert "Fri, January 12, 7:00 PM" in shown, name
        # A cancelled showing's tickets are no longer offered, nor a cancelled screening's;
        # a sold-out one's are (returns).
        assert "https://tickets.example.com/landmark/0113" in raw, name
        assert "https://tickets.example.com/landmark/0114" not in raw, name
        assert "https://tickets.example.com/amc" not in raw, name
        # A showing of a cancelled screening is not also "sold out".
        assert "January 16, 7:00 PM — sold out" not in shown, name
        if name == "text part":
            assert "    Tickets: https://tickets.example.com/landmark/0113\n" in raw, raw
            continue
        # Struck out where it no longer holds: a cancelled showing, every one of a
        # cancelled screening, a postponed event's date; not the others.
        struck = [_text_of(s).replace("\u00a0", " ") for s in re.findall(r"<s>.*?</s>", raw)]
        assert struck == [
            "Sun, January 14, 4:00 PM",
            "Mon, January 15, 7:00 PM",
            "Tue, January 16, 7:00 PM",
            "Sat, January 20, 7:00 PM",
        ], (name, struck)
        # The showtimes on a line each where one says more than its time.
        assert re.search(r"7:00(&nbsp;|\u00a0| )PM(</time>)?<br ?/?>", raw), name
    events = _screening_events(outputs["web page"][0])
    assert events["AMC Century City"]["eventStatus"] == "https://schema.org/EventCancelled"
    assert "eventStatus" not in events["Landmark Sunset"]
    assert "offers" not in events["Landmark Sunset"]  # (one showing of three sold out)


def test_a_template_of_the_editor_s_own_still_shows_showtimes_by_their_time(
    tmp_path: Path,
) -> None:
    # Templates written before a showtime could say more than its time pass it to time_tag
    # and show_time: its time, as before.
    root = copy_publication(tmp_path)
    _break(
        root,
        "templates/email/film_card.mjml.j2",
        "{{ s | showings(issue.meta.date, tag=false) }}",
        "{% for t in s.times %}{{ t | show_time(issue.meta.date) }} "
        "{{ t | time_tag(issue.meta.date) }} [{{ t | machine_time }} {{ t.hour }} "
        "{{ t.isoformat() }}]{% endfor %}",
    )
    outputs = _strangers_everywhere(root, _STATUSES_BEFORE, _STATUSES_AFTER)
    shown = outputs["email"][1].replace("\u00a0", " ")
    assert "Sat, January 13, 7:00 PM Sat, January 13, 7:00 PM" in shown, shown
    # Read as its time by a datetime's filters and attributes too ('t.hour', machine_time).
    stamp = "2024-01-13T19:00:00-08:00"
    assert f"Sat, January 13, 7:00 PM [{stamp} 19 {stamp}]" in shown, shown


def test_links_alike_in_words_are_named_apart_in_the_web_version_and_the_email(
    tmp_path: Path,
) -> None:
    # The web version's "See all 8 photos", "Watch the recording" and "Tickets and
    # information" had only their words, two events' tickets in one issue read alike in a
    # screen reader's list of links (the email's ticket link named the event alone: "Q&A").
    root = copy_publication(tmp_path)
    build(root)
    strangers = root / "site/issues" / STRANGERS_ISSUE
    festivals = root / "site/issues/2-summer-festivals"
    # (The web version's HTML is the issues feed's too, whose validators take an aria-label
    # for a risk: its links say the rest to screen readers alone, as its "Read more" does.)
    hidden = '<span class="visually-hidden">: '
    festival = "French Film Days on Sunset 2024 — four nights, four films"
    named = {
        (strangers / "index.html"): [
            f"See all 8 photos{hidden}All of Us Strangers</span></a>",
            f"Watch the recording{hidden}Conversation, All of Us Strangers</span></a>",
        ],
        (festivals / "index.html"): [
            f"Tickets and information{hidden}Opening night: what French cinema is saying "
            f"now, {festival}</span></a>",
        ],
        (festivals / "email.html"): [
            'aria-label="Tickets and information: Opening night: what French cinema is saying '
            'now, French Film Days on Sunset 2024 — four nights, four films"',
        ],
    }
    for path, labels in named.items():
        html = path.read_text("utf-8")
        for label in labels:
            assert label in html, (path.name, label)
    # An event's address keeps its own direction, as a screening's does (in an Arabic page,
    # "8000 Sunset Boulevard" had its number moved to the end).
    address = "8440 Sunset Boulevard, West Hollywood, CA 90069</a>"
    for path in (
        festivals / "index.html",
        festivals / "email.html",
        root / "site/french-film-days-2024/index.html",
    ):
        # The screening's at Lumière West, then the event's there.
        links = [
            a for a in re.findall(r"<a [^>]*>[^<]*</a>", path.read_text("utf-8")) if address in a
        ]
        assert len(links) == 2 and all('dir="auto"' in a for a in links), (path, links)


def test_a_cancelled_event_offers_no_tickets_and_postponed_showings_are_said_to_engines(
    tmp_path: Path,
) -> None:
    # A cancelled event kept its "Tickets and information", and a screening whose every
    # showing was postponed told search engines it would start on the first of them.
    root = copy_publication(tmp_path)
    monica = '    postal_code: "90401"\n'
    assert (root / STRANGERS).read_text(encoding="utf-8").count(monica) == 1
    times = (
        "    times:\n"
        "      - {at: 2024-01-20T19:00:00-08:00, status: postponed}\n"
        "      - {at: 2024-01-21T19:00:00-08:00, status: cancelled}\n"
    )
    _break(root, STRANGERS, monica, monica + times)
    moderator = "    moderator: Dave Karger\n"
    added = "    url: https://tickets.example.com/talk\n    status: cancelled\n"
    outputs = _strangers_everywhere(root, moderator, moderator + added)
    for name, (raw, shown) in outputs.items():
        assert "Conversation — cancelled" in shown.replace("\u00a0", " "), name
        assert "https://tickets.example.com/talk" not in raw, name
        assert "Tickets and information" not in shown, name
    monica_event = _screening_events(outputs["web page"][0])["Monica Film Center"]
    assert monica_event["eventStatus"] == "https://schema.org/EventPostponed", monica_event


def test_a_value_not_in_quotes_is_told_at_its_line_when_the_line_fills_in_the_intro(
    workspace: Path, run_cli
) -> None:
    # The MJML line the check found it on holds the intro the variable filled in, which no
    # template line does: it was told at the template without a line.
    rel = "templates/email/issue.mjml.j2"
    old = '<mj-text css-class="body">{{ intro_html | safe }}</mj-text>'
    _break(workspace, rel, old, old.replace('"body">', '"body" padding=6px>'))
    line = _line_of(workspace, rel, "padding=6px")
    code, output = run_cli("check", "--root", workspace)
    assert code == 1, output
    assert (
        f"templates/email/issue.mjml.j2:{line}: <mj-text> has padding=6px, a value not in "
        'quotes: write padding="6px"' in output
    ), output


def test_a_screening_starts_for_search_engines_on_its_earliest_showing(tmp_path: Path) -> None:
    # Its first showing as written: a later one written first was its startDate.
    monica = '    postal_code: "90401"\n'
    outputs = _strangers_everywhere(
        copy_publication(tmp_path),
        monica,
        monica + "    times: [2024-01-21T19:00:00-08:00, 2024-01-20T19:00:00-08:00]\n",
    )
    event = _screening_events(outputs["web page"][0])["Monica Film Center"]
    assert event["startDate"] == "2024-01-20T19:00:00-08:00", event


def test_two_values_not_in_quotes_in_two_templates_are_each_told_at_their_line(
    workspace: Path, run_cli
) -> None:
    # Found by the tag and value alone, both were put at the first template writing that
    # value, and one was not told.
    lines = {}
    for name, old in (
        ("issue.mjml.j2", '<mj-section css-class="card"'),
        ("film_card.mjml.j2", "<mj-section"),
    ):
        _break(workspace, f"templates/email/{name}", old, old + " padding=8px")
        lines[name] = _line_of(workspace, f"templates/email/{name}", "padding=8px")
    code, output = run_cli("check", "--root", workspace)
    assert code == 1, output
    for name, line in lines.items():
        assert f"templates/email/{name}:{line}: <mj-section> has padding=8px" in output, output


def test_a_code_block_s_and_a_pre_s_blank_lines_are_kept_in_the_text_part(
    workspace: Path,
) -> None:
    # The text part made every run of blank lines one, a code sample's and a poem's stanzas'
    # too, though the intro's text kept them.
    issue = workspace / "issues/3-quiet-hours.md"
    issue.write_text(
        issue.read_text("utf-8")
        + "\n```\nfirst = 1\n\n\nsecond = 2\n```\n\n"
        + "<pre>\nThe first stanza,\n\n\nthe second one.\n</pre>\n\nAfter.\n\n"
        # Lines of spaces alone, an editor's indentation left on them: blank lines too.
        + "```\nthird = 3\n    \n  \nfourth = 4\n```\n",
        "utf-8",
    )
    build(workspace)
    text = (workspace / "site/issues/3-quiet-hours/email.txt").read_text(encoding="utf-8")
    assert "    first = 1\n\n\n    second = 2\n\n" in text, text
    assert "    third = 3\n\n\n    fourth = 4\n" in text, text
    assert "    The first stanza,\n\n\n    the second one.\n\nAfter.\n" in text, text
    assert "\0" not in text
    # The template's own runs of blank lines are still made one.
    kept = ("first = 1\n\n\n", "stanza,\n\n\n", "third = 3\n\n\n")
    assert "\n\n\n" not in re.sub("|".join(kept), "", text)


def test_the_intro_s_text_holds_no_blank_line_mark_outside_the_text_part(workspace: Path) -> None:
    # The intro's text, its code blocks' blank lines marked with a NUL for the text part's
    # tidying, was in every issue template's context: an override printing it in the web
    # page or the email wrote NUL bytes into site/issues/*/index.html.
    issue = workspace / "issues/3-quiet-hours.md"
    issue.write_text(issue.read_text("utf-8") + "\n```\nfirst = 1\n\n\nsecond = 2\n```\n", "utf-8")
    shown = "{{ intro_html | safe }}"
    _break(
        workspace,
        "templates/issue_content.html.j2",
        shown,
        f"{shown}<pre>{{{{ intro_text }}}}</pre>",
    )
    _break(
        workspace,
        "templates/issue.html.j2",
        "{% block main %}",
        "{% block main %}<pre class='w'>{{ intro_text }}</pre>",
    )
    mjml = '<mj-text css-class="body">{{ intro_html | safe }}'
    _break(
        workspace, "templates/email/issue.mjml.j2", mjml, f"{mjml}<pre>{{{{ intro_text }}}}</pre>"
    )
    build(workspace)
    folder = workspace / "site/issues/3-quiet-hours"
    code = "    first = 1\n    \n    \n    second = 2"
    for name in ("index.html", "email.html"):
        page = (folder / name).read_text("utf-8")
        assert "\0" not in page, name
        assert page.count(code) == (2 if name == "index.html" else 1), page
    text = (folder / "email.txt").read_text("utf-8")
    assert "    first = 1\n\n\n    second = 2\n" in text and "\0" not in text, text


def test_a_status_s_words_and_a_state_with_its_zip_code_stay_on_one_line_in_the_text_part(
    workspace: Path,
) -> None:
    # A showtime's status was broken '— sold' / 'out', and the footer's address
    # 'Los Angeles, CA' / '90046, USA'.
    entry = workspace / "entries/all-of-us-strangers.md"
    entry.write_text(
        entry.read_text("utf-8").replace(
            '    postal_code: "90046"\n',
            '    postal_code: "90046"\n    times:\n      - at: 2024-01-13T19:00:00-08:00\n'
            "        status: sold out\n        note: Q&A with Andrew Haigh and Jamie Bell\n",
            1,
        ),
        "utf-8",
    )
    build(workspace)
    key = next(k for k in SAMPLE_ISSUES if _gathers(workspace, k, "all-of-us-strangers"))
    text = (workspace / "site/issues" / key / "email.txt").read_text(encoding="utf-8")
    assert (
        "  Sat, January 13, 7:00\u00a0PM (Q&A with Andrew Haigh and Jamie Bell)\n"
        "  —\u00a0sold\u00a0out\n"
    ) in text, text
    assert "Los Angeles,\nCA\u00a090046, USA\n" in text, text
    # Spaces to a reader, written as no entity.
    assert "&nbsp;" not in text and "&#160;" not in text


def test_a_data_picture_in_an_intro_is_left_out_and_told_at_its_line(
    workspace: Path, run_cli
) -> None:
    # The sanitiser took its address out, and the email's check failed the build on a
    # picture it called '?' ('image not on an absolute https URL: ?'), at no line.
    issue = workspace / "issues/3-quiet-hours.md"
    before = issue.read_text("utf-8").rstrip("\n")
    issue.write_text(before + "\n\nA dot: ![dot](data:image/png;base64,iVBORw0KGgo=)\n", "utf-8")
    line = before.count("\n") + 3
    code, output = run_cli("build", "--root", workspace)
    assert code == 0, output
    assert (
        f"warning: issues/3-quiet-hours.md:{line}: the picture at "
        "'data:image/png;base64,iVBORw0KGgo=' is left out of pages, feeds and emails"
    ) in output, output
    assert "hint: put the picture under media/ or give its https:// address" in output
    folder = workspace / "site/issues/3-quiet-hours"
    html = (folder / "email.html").read_text("utf-8")
    assert [i for i in Page(html).all("img") if not i.get("src")] == []
    assert "data:" not in (folder / "email.txt").read_text("utf-8")


def test_a_postponed_event_and_screening_keep_their_tickets(tmp_path: Path) -> None:
    # Postponed is not called off for good: its tickets' page is where its new date will be.
    root = copy_publication(tmp_path)
    monica = '    postal_code: "90401"\n'
    venue = "    status: postponed\n    url: https://tickets.example.com/monica\n"
    _break(root, STRANGERS, monica, monica + venue)
    moderator = "    moderator: Dave Karger\n"
    added = "    url: https://tickets.example.com/talk\n    status: postponed\n"
    outputs = _strangers_everywhere(root, moderator, moderator + added)
    for name, (raw, shown) in outputs.items():
        assert "Conversation — postponed" in shown.replace("\u00a0", " "), name
        assert "https://tickets.example.com/talk" in raw, name
        assert "https://tickets.example.com/monica" in raw, name
