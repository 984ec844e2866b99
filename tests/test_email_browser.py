"""Each sample email rendered in real headless Chromium at phone and desktop widths."""

from __future__ import annotations

import mimetypes
import re
from html import unescape as html_unescape
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, copy_publication

from dopemail.build import build

SAMPLE_ISSUES = sorted(p.stem for p in (REPO / "issues").glob("*.md"))
BASE = "https://dopepress.example.com/"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_publication(tmp_path_factory.mktemp("pub"))
    build(root)
    return root / "site"


def _serve_site(page, site: Path) -> list[str]:
    """Answer the publication's URLs from the built site (no network exists here), so images
    load at their real sizes; anything else is refused and recorded."""
    refused: list[str] = []

    def handle(route) -> None:
        url = route.request.url
        if url.startswith(BASE):
            path = site / url[len(BASE) :].split("?")[0]
            if path.is_dir():
                path = path / "index.html"
            if path.is_file():
                kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                route.fulfill(status=200, body=path.read_bytes(), content_type=kind)
                return
        refused.append(url)
        route.abort()

    page.route(
        "**/*",
        lambda route: (
            handle(route) if not route.request.url.startswith("file:") else route.continue_()
        ),
    )
    return refused


def _open_email(
    browser, site: Path, key: str, width: int = 600, scheme: str = "light"
) -> tuple[Any, list[str]]:
    """A page showing issue ``key``'s email at ``width`` px, in a light or dark scheme, and
    the list of URLs it asked for that the site does not hold."""
    page = browser.new_page(viewport={"width": width, "height": 900}, color_scheme=scheme)
    refused = _serve_site(page, site)
    page.goto((site / "issues" / key / "email.html").as_uri())
    page.wait_for_load_state("load")
    return page, refused


@pytest.mark.parametrize("width", [375, 600])
@pytest.mark.parametrize("key", SAMPLE_ISSUES)
def test_email_fits_the_screen(browser, site: Path, key: str, width: int) -> None:
    page, refused = _open_email(browser, site, key, width)
    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    broken = page.evaluate(
        "Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0)"
        ".map(i => i.src)"
    )
    widest = page.evaluate(
        "Math.max(...Array.from(document.querySelectorAll('body *'))"
        ".map(e => e.getBoundingClientRect().right))"
    )
    page.close()
    assert scroll_width <= inner_width, f"horizontal overflow at {width}px"
    assert widest <= width + 0.5, f"an element reaches {widest}px at {width}px"
    assert broken == [], "every image of the email loads"
    assert not [u for u in refused if u.startswith(BASE)]


@pytest.mark.parametrize(("width", "per_row"), [(600, 2), (375, 1), (414, 1)])
def test_email_gallery_is_two_photos_a_row_and_one_on_a_phone(
    browser, site: Path, width: int, per_row: int
) -> None:
    # The gallery is cells of one text block, not MJML columns: the rows must still hold two
    # photos on a desktop client and stack on a phone, each photo whole and inside the card.
    key = next(k for k in SAMPLE_ISSUES if k.startswith("1-"))
    page, _ = _open_email(browser, site, key, width)
    boxes = page.evaluate(
        "Array.from(document.images)"
        ".filter(i => /all-of-us-strangers\\/0[2-9]/.test(i.src))"
        ".map(i => { const r = i.getBoundingClientRect();"
        " return [r.left, r.top, r.right, r.bottom, i.naturalWidth]; })"
    )
    # Each photo's caption, and its alt text where pictures are off, in a readable size
    # (the block holding the cells has a font size of 0).
    sizes = page.evaluate(
        "Array.from(document.images)"
        ".filter(i => /all-of-us-strangers\\/0[2-9]/.test(i.src))"
        ".map(i => [parseFloat(getComputedStyle(i).fontSize),"
        " parseFloat(getComputedStyle(i.nextElementSibling).fontSize),"
        " i.nextElementSibling.getBoundingClientRect().height])"
    )
    page.close()
    assert len(boxes) == 4  # the default four of the gallery
    rows: list[list[list[float]]] = []
    for box in boxes:
        if rows and abs(rows[-1][0][1] - box[1]) < 1:
            rows[-1].append(box)
        else:
            rows.append([box])
    assert [len(row) for row in rows] == [per_row] * (4 // per_row)
    for upper, lower in zip(rows, rows[1:], strict=False):
        assert max(b[3] for b in upper) <= min(b[1] for b in lower)  # no overlap
    for alt_size, caption_size, caption_height in sizes:
        assert alt_size >= 12 and caption_size >= 12 and caption_height > 12
    for left, top, right, bottom, natural in boxes:
        assert natural > 0 and right - left > 100 and bottom > top
        assert left >= 24 - 0.5 and right <= width - 24 + 0.5  # inside the card's padding
        if per_row == 1:
            # One a row, as wide as the column (two a row's 252 px left a third of it empty),
            # and a portrait no taller than the lead's 4:3 of it.
            full, tall = right - left >= width - 48 - 0.5, abs(bottom - top - 414) < 1
            assert (full or tall) and bottom - top <= 414 + 0.5, boxes


@pytest.mark.parametrize("width", [375, 600])
@pytest.mark.parametrize("key", SAMPLE_ISSUES)
def test_email_pictures_keep_their_shape(browser, site: Path, key: str, width: int) -> None:
    # On a phone every picture shrinks to the screen: its height must shrink with it (the
    # lead picture's fixed height once squashed it to 327 x 368 at 375 px).
    page, _ = _open_email(browser, site, key, width)
    shapes = page.evaluate(
        "Array.from(document.images).map(i => { const r = i.getBoundingClientRect();"
        " return [i.src, r.width, r.height, i.naturalWidth, i.naturalHeight]; })"
    )
    page.close()
    html = (site / "issues" / key / "email.html").read_text(encoding="utf-8")
    assert len(shapes) == html.count("<img ")
    for src, shown_w, shown_h, natural_w, natural_h in shapes:
        assert natural_w > 0 and shown_h > 0, src
        shown, natural = shown_w / shown_h, natural_w / natural_h
        assert abs(shown - natural) / natural < 0.02, f"{src}: {shown_w}x{shown_h} at {width}px"


# The contrast of every piece of text with what is painted behind it, as the reader sees the
# page: WCAG's relative luminance, 4.5:1 for body text and 3:1 for large text.
_CONTRAST_JS = """
() => {
  const lum = (c) => {
    const [r, g, b] = c.match(/[\\d.]+/g).slice(0, 3).map(Number).map(v => {
      v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const opaque = (c) => { const p = c.match(/[\\d.]+/g); return p && (p.length < 4 || +p[3] > 0); };
  const behind = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const bg = getComputedStyle(e).backgroundColor;
      if (opaque(bg)) return bg;
    }
    return 'rgb(255, 255, 255)';
  };
  const found = [];
  for (const el of document.body.querySelectorAll('*')) {
    const own = Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
    const r = el.getBoundingClientRect();
    if (!own || r.width === 0 || r.height === 0) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none' || +style.opacity === 0) continue;
    const a = lum(style.color), b = lum(behind(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(style.fontSize), bold = +style.fontWeight >= 700;
    const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    const text = el.textContent.trim().slice(0, 40);
    if (ratio < needed) found.push([text, style.color, behind(el), ratio.toFixed(2)]);
  }
  return found;
}
"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("key", SAMPLE_ISSUES)
def test_email_text_is_readable_in_light_and_dark_mode(
    browser, site: Path, key: str, scheme: str
) -> None:
    # In dark mode the footer's text once turned light on its light background (the postal
    # address and the copyright unreadable) and the button's text pink on red.
    page, _ = _open_email(browser, site, key, 600, scheme)
    hard_to_read = page.evaluate(_CONTRAST_JS)
    page.close()
    assert hard_to_read == [], f"text below WCAG contrast in {scheme} mode"


def test_dark_mode_keeps_the_kicker_and_the_muted_lines_apart_from_the_text(
    browser, site: Path
) -> None:
    # Dark mode painted every <div> of a card the same off-white: the red kicker ('REVIEW'),
    # the grey credits, captions and rights looked like the body text.
    key = next(k for k in SAMPLE_ISSUES if k.startswith("1-"))
    colors = {}
    for scheme in ("light", "dark"):
        page, _ = _open_email(browser, site, key, 600, scheme)
        colors[scheme] = page.evaluate(
            "(() => { const c = e => getComputedStyle(e).color;"
            " const q = s => document.querySelector(s);"
            " const kicker = [...document.querySelectorAll('.card div')]"
            ".find(d => d.textContent.trim() === 'review');"  # the kind, shown in capitals
            " return { kicker: c(kicker), muted: c(q('.card .credits div')),"
            " text: c(q('.card .body p')) }; })()"
        )
        page.close()
    for scheme, seen in colors.items():
        assert len(set(seen.values())) == 3, (scheme, seen)
    assert colors["dark"]["text"] != colors["light"]["text"]  # the dark scheme applies


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_film_s_headline_is_drawn_as_the_issue_s_title_not_as_a_link(
    browser, site: Path, scheme: str
) -> None:
    # Dark mode drew the cards' headlines (links to the entries) in the links' pink, while
    # the issue's own title stayed the text's colour: two headings of one kind looked apart.
    key = next(k for k in SAMPLE_ISSUES if k.startswith("1-"))
    page, _ = _open_email(browser, site, key, 600, scheme)
    seen = page.evaluate(
        "(() => { const c = e => getComputedStyle(e).color;"
        " const q = s => document.querySelector(s);"
        " return [c(q('.card h2 a')), c(q('.card .body p')), c(q('.card .body a'))]; })()"
    )
    page.close()
    headline, text, link = seen
    assert headline != link, seen
    if scheme == "dark":
        assert headline == text, seen


@pytest.mark.parametrize("width", [375, 600])
def test_the_read_more_button_is_big_enough_to_tap(browser, site: Path, width: int) -> None:
    # 38 px high: under the 44 px of a finger's tap target (Apple's and WCAG's).
    key = next(k for k in SAMPLE_ISSUES if k.startswith("1-"))
    page, _ = _open_email(browser, site, key, width)
    heights = page.evaluate(
        "Array.from(document.querySelectorAll('.button a'))"
        ".map(a => a.getBoundingClientRect().height)"
    )
    page.close()
    assert heights and min(heights) >= 44, heights


def test_links_of_the_same_words_to_other_places_are_named_apart(tmp_path: Path) -> None:
    # Two films with a recording and more photos than shown: "Watch the recording" and "See
    # all N photos" twice each, to other places, with nothing to tell them apart in a screen
    # reader's list of links (WCAG 2.4.4), where "Read more" had each its film's name.
    root = copy_publication(tmp_path)
    for name in ("the-salt-orchard-qa", "french-film-days-2024"):
        entry = root / "entries" / f"{name}.md"
        text = entry.read_text(encoding="utf-8")
        start = text.index("    url: https://www.example.com/", text.index("\nevents:"))
        text = text[:start] + f"    video: https://video.example/{name}\n" + text[start:]
        entry.write_text(text, encoding="utf-8")
    # And a second recorded event in one of them: named apart from the first by its own.
    salt = root / "entries/the-salt-orchard-qa.md"
    text = salt.read_text(encoding="utf-8")
    second = "  - title: The morning after\n    participants: [Ann Lee]\n"
    second += "    video: https://video.example/morning-after\n"
    salt.write_text(text.replace("gallery_title:", second + "gallery_title:", 1), "utf-8")
    config = root / "dopemail.toml"
    assert "[newsletter]" not in config.read_text("utf-8")
    config.write_text(config.read_text("utf-8") + "\n[newsletter]\ngallery_images = 1\n")
    build(root)
    places = _links_by_name(root / "site/issues/2-summer-festivals/email.html")
    assert sum("Watch the recording" in name for name in places) == 3, places
    assert sum(name.startswith("See all") for name in places) >= 2, places
    assert {name: hrefs for name, hrefs in places.items() if len(hrefs) > 1} == {}
    # A heading that names the film is not followed by the piece's title again (read out
    # whole: "The Salt Orchard, opening-night Q&A, The Salt Orchard: opening-night Q&A...").
    for name in places:
        assert name.count("The Salt Orchard") <= 1, name
    # The home page and the newsletter's archive: the newsletter's feed was "Atom" there, as
    # the pieces' feed is in the footer. (An entry's page names its events' links by their
    # words alone: the feeds carry its HTML, and aria-label is no attribute a feed may hold.)
    for page in ("site/index.html", "site/issues/index.html"):
        places = _links_by_name(root / page)
        assert sum(name.endswith("(Atom)") for name in places) == 1, places
        assert {name: hrefs for name, hrefs in places.items() if len(hrefs) > 1} == {}, page


def _links_by_name(path: Path) -> dict[str, set[str]]:
    """The places each link name of the HTML file at ``path`` leads to (the name a screen
    reader lists: its aria-label, or else its words)."""
    places: dict[str, set[str]] = {}
    html = path.read_text("utf-8")
    for link in re.finditer(r"<a\s([^>]*)>(.*?)</a>", html, re.S):
        attributes, words = link.groups()
        href = re.search(r'href="([^"]*)"', attributes)
        label = re.search(r'aria-label="([^"]*)"', attributes)
        name = label.group(1) if label else " ".join(re.sub(r"<[^>]+>", "", words).split())
        if href and name:
            places.setdefault(html_unescape(name), set()).add(href.group(1))
    return places


def test_a_portrait_lead_picture_is_not_a_screenful(browser, tmp_path: Path) -> None:
    # A lead photo taller than wide was shown at the column's width, 552 x 828 in the email
    # (a phone's whole screen before any word), and at the column's full width on the page.
    root = copy_publication(tmp_path)
    entry = root / "entries/all-of-us-strangers.md"
    text = entry.read_text(encoding="utf-8")
    entry.write_text(text.replace("all-of-us-strangers/01.jpg", "all-of-us-strangers/06.jpg", 1))
    build(root)
    site = root / "site"
    key = next(k for k in SAMPLE_ISSUES if k.startswith("1-"))
    for width in (375, 600):
        page, _ = _open_email(browser, site, key, width)
        lead = page.evaluate(
            "(() => { const i = document.querySelector('.lead img');"
            " const r = i.getBoundingClientRect(); return [r.width, r.height]; })()"
        )
        page.close()
        assert lead[1] <= 414.5 and abs(lead[0] / lead[1] - 800 / 1200) < 0.02, (width, lead)
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    page.goto((site / "all-of-us-strangers/index.html").as_uri())
    shown = page.evaluate(
        "(() => { const r = document.querySelector('figure.lead img').getBoundingClientRect();"
        " return [r.width, r.height]; })()"
    )
    page.close()
    assert shown[1] <= 0.85 * 800 + 0.5 and abs(shown[0] / shown[1] - 800 / 1200) < 0.02, shown


@pytest.fixture(scope="module")
def wide_intro(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # What an editor may write in an intro that is wider than the email: a picture from
    # another site written as <img> with its own size, a code block (which never wraps) and
    # a long address written as a link.
    root = copy_publication(tmp_path_factory.mktemp("wide"))
    issue = root / "issues/3-quiet-hours.md"
    text = issue.read_text(encoding="utf-8")
    intro = (
        '<img src="https://images.example.org/poster.jpg" alt="The poster" width="1200" '
        'height="1800">\n\n'
        "    As the poet says, " + "and so on " * 15 + "\n\n"
        "<https://example.org/" + "a-very-long-path-" * 8 + ">\n\n"
    )
    assert text.count("\n---\n") == 1
    issue.write_text(text.replace("\n---\n", "\n---\n" + intro, 1), encoding="utf-8")
    build(root)
    return root / "site"


@pytest.mark.parametrize("width", [375, 600])
def test_an_intro_wider_than_the_email_is_fitted(browser, wide_intro: Path, width: int) -> None:
    html = (wide_intro / "issues/3-quiet-hours/email.html").read_text(encoding="utf-8")
    # The written width, which Outlook keeps whatever the CSS says, is the column's.
    poster_tag = re.search(r'<img[^>]*alt="The poster"[^>]*>', html)
    assert poster_tag is not None
    assert 'width="552" height="828"' in poster_tag.group() and "width: 100%" in poster_tag.group()
    page, _ = _open_email(browser, wide_intro, "3-quiet-hours", width)
    scroll_width, inner_width, background = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth,"
        " getComputedStyle(document.body).backgroundColor]"
    )
    poster = page.evaluate(
        "(() => { const r = document.querySelector('img[alt=\"The poster\"]')"
        ".getBoundingClientRect(); return [r.left, r.right]; })()"
    )
    page.close()
    assert scroll_width <= inner_width, f"horizontal overflow at {width}px"
    assert poster[1] <= width - 24 + 0.5
    # The page around the cards is the template's beige (once ignored: set in mj-attributes).
    assert background == "rgb(244, 241, 234)"


@pytest.mark.parametrize(
    "where", ["site/quiet-hours/index.html", "site/index.html", "site/archive/2024/index.html"]
)
def test_a_long_word_wraps_on_a_phone_in_the_pages_too(browser, tmp_path: Path, where) -> None:
    # A German compound (or a 70-letter Arabic word) made the page scroll sideways on a
    # phone: the pages had no overflow-wrap, the email had its word-break.
    root = copy_publication(tmp_path / "pub")
    word = "Rindfleischetikettierungsüberwachungsaufgabenübertragungsgesetz"
    entry = root / "entries/quiet-hours.md"
    text = entry.read_text("utf-8").replace("summary: >-\n", f"summary: >-\n  {word}\n", 1)
    entry.write_text(text.replace("\n---\n", f"\n---\n{word}, the law.\n\n", 1), "utf-8")
    build(root)
    assert word in (root / where).read_text("utf-8")
    page = browser.new_page(viewport={"width": 375, "height": 900})
    _serve_site(page, root / "site")
    page.goto((root / where).as_uri())
    page.wait_for_load_state("load")
    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    page.close()
    assert scroll_width <= inner_width, f"{scroll_width}px wide at {inner_width}px"


def _built_with(tmp_path: Path, rel: str, old: str, new: str) -> Path:
    """A copy of the sample publication, ``old`` replaced by ``new`` in ``rel``, built."""
    root = copy_publication(tmp_path / "pub")
    path = root / rel
    text = path.read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), "utf-8")
    build(root)
    return root


_LEFT_OF = """([text, words]) => {
    // The left edge of each of ``words`` in the first text node that holds ``text``.
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode()) && !node.data.includes(text)) {}
    const range = document.createRange();
    return words.map((word) => {
        const at = node.data.indexOf(word);
        range.setStart(node, at);
        range.setEnd(node, at + word.length);
        return range.getBoundingClientRect().left;
    });
}"""


def _lefts(root: Path, where: str, browser, text: str, words: list[str]) -> list[float]:
    page = browser.new_page(viewport={"width": 600, "height": 900})
    _serve_site(page, root / "site")
    page.goto((root / where).as_uri())
    page.wait_for_load_state("load")
    lefts = page.evaluate(_LEFT_OF, [text, words])
    page.close()
    return lefts


@pytest.mark.parametrize(
    "where",
    [
        "site/all-of-us-strangers/index.html",
        "site/issues/1-strangers-and-varda/index.html",
        "site/issues/1-strangers-and-varda/email.html",
    ],
)
def test_an_address_in_latin_reads_as_written_in_a_right_to_left_publication(
    browser, tmp_path: Path, where: str
) -> None:
    # In an Arabic publication '8000 Sunset Boulevard, ...' was shown 'Sunset Boulevard, ...
    # 8000': the number, a weak character, took the paragraph's direction.
    root = _built_with(tmp_path, "dopemail.toml", 'language = "en"', 'language = "ar"')
    number, street = _lefts(root, where, browser, "8000 Sunset", ["8000", "Sunset"])
    assert number < street, (number, street)


@pytest.mark.parametrize(
    "where", ["site/all-of-us-strangers/index.html", "site/issues/1-strangers-and-varda/email.html"]
)
def test_a_pull_quote_in_hebrew_ends_on_the_left_in_an_english_page(
    browser, tmp_path: Path, where: str
) -> None:
    # It had lang="he" and no direction: its full stop sat at the right-hand end, where a
    # Hebrew reader begins.
    root = _built_with(
        tmp_path,
        "entries/all-of-us-strangers.md",
        "  text: I’ve always said that writers know less about the real world than just about "
        "anyone else.\n",
        "  text: אני לא ציור, אני בן אדם.\n  lang: he\n",
    )
    last, stop = _lefts(root, where, browser, "אני לא ציור", ["אדם", "."])
    assert stop < last, (last, stop)  # the sentence runs right to left, and ends on the left


@pytest.mark.parametrize(
    "where", ["site/quiet-hours/index.html", "site/issues/3-quiet-hours/email.html"]
)
def test_names_in_a_right_to_left_script_keep_their_order_in_an_english_page(
    browser, tmp_path: Path, where: str
) -> None:
    # 'A, B and C', three Arabic names: the comma between two of them joined them into one
    # right-to-left run, and an English reader read them in the other order.
    names = ["كوثر بن هنية", "نادين لبكي", "هيفاء المنصور"]
    root = _built_with(
        tmp_path,
        "entries/quiet-hours.md",
        "  directors: [Ilse Brandvold]",
        f"  directors: [{', '.join(names)}]",
    )
    lefts = _lefts(root, where, browser, names[0], [n.split()[0] for n in names])
    assert lefts == sorted(lefts), lefts  # left to right, as the sentence reads


_HEADING_SIZES = """() => {
    // The rendered font size of every heading, by level, in document order.
    const sizes = {};
    for (const h of document.querySelectorAll("h1, h2, h3, h4, h5, h6")) {
        (sizes[h.tagName] ||= []).push(parseFloat(getComputedStyle(h).fontSize));
    }
    return sizes;
}"""


def test_an_entry_page_s_headings_get_smaller_level_by_level(browser, site: Path) -> None:
    # An event's "Conversation" (h3) was shown larger than the "Events" (h2) it sits under:
    # the pages sized h2 and left h3 to the browser (1.17em of the 18px serif text). (The web
    # version of an issue heads a section with a small label in capitals, on purpose.)
    page = browser.new_page(viewport={"width": 600, "height": 900})
    _serve_site(page, site)
    page.goto((site / "all-of-us-strangers/index.html").as_uri())
    page.wait_for_load_state("load")
    sizes = page.evaluate(_HEADING_SIZES)
    page.close()
    assert "H3" in sizes, sizes
    levels = sorted(sizes)
    for upper, lower in zip(levels, levels[1:], strict=False):
        assert min(sizes[upper]) > max(sizes[lower]), (upper, lower, sizes)


def test_the_run_of_a_film_is_told_under_where_it_plays(site: Path) -> None:
    # "Played in cinemas in January and February 2024" sat after the credits, above "Where it
    # plays", read as one of them; the email shows it under the heading. An entry with a run
    # and no venue gets the heading too.
    import lxml.html

    runs = 0
    for path in sorted(site.glob("*/index.html")):
        root = lxml.html.fromstring(path.read_bytes())
        for run in root.find_class("run"):
            runs += 1
            section = run.getparent()
            assert section.tag == "section" and "screenings" in section.classes, path
            assert section.findtext("h2") == "Where it plays", path
    assert runs >= 3, runs  # the sample's entries with a run, one with no venue


def _intro_shown(browser, tmp_path: Path, intro: str, width: int, where: str):  # type: ignore[no-untyped-def]
    """A page showing issue 3's ``where`` (email.html, index.html) at ``width`` px, ``intro``
    written before its own."""
    root = _built_with(tmp_path, "issues/3-quiet-hours.md", "\n---\n", f"\n---\n{intro}")
    page = browser.new_page(viewport={"width": width, "height": 900})
    _serve_site(page, root / "site")
    page.goto((root / "site/issues/3-quiet-hours" / where).as_uri())
    page.wait_for_load_state("load")
    return page


_BROKEN_WORDS = """() => {
    // The words of the intro's table cells that the page shows on more than one line.
    const broken = [];
    for (const cell of document.querySelectorAll("td.body td, td.body th")) {
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        let node;
        while ((node = walker.nextNode())) {
            for (const found of node.data.matchAll(/\\S+/g)) {
                const range = document.createRange();
                range.setStart(node, found.index);
                range.setEnd(node, found.index + found[0].length);
                if (range.getClientRects().length > 1) broken.push(found[0]);
            }
        }
    }
    return broken;
}"""


def test_a_table_in_the_intro_breaks_no_word_on_a_phone(browser, tmp_path: Path) -> None:
    # The intro's text breaks a long address anywhere (mj-text's word-break): a table's cells
    # took it too, and a phone showed "Venu/e", "MUB/I", "Dockweil/er".
    table = (
        "| Film | Venue | Day |\n| --- | --- | --- |\n"
        "| Low Tide at Dockweiler | Vidiots Foundation | Friday |\n"
        "| Perfect Days | MUBI, streaming | Saturday |\n\n"
        # And an address longer than its cell: broken, not widening the email past the phone.
        "| Venue | Tickets |\n| --- | --- |\n| Colorado Street Cinemas | "
        "https://www.example.com/colorado-street-cinemas/the-salt-orchard/tickets-and-times |\n"
    )
    page = _intro_shown(browser, tmp_path, f"{table}\n", 375, "email.html")
    cells = page.evaluate("document.querySelectorAll('td.body td').length")
    broken = page.evaluate(_BROKEN_WORDS)
    wide, screen = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    page.close()
    address = [word for word in broken if word.startswith("https://")]
    assert cells == 8 and broken == address and len(address) == 1, (cells, broken)
    assert wide <= screen, f"{wide}px wide on a {screen}px screen"


# A film listing as an editor writes it in an issue's intro or an entry: whole words, wider
# than a phone at 320 px, then an address wider than any phone's column, in a cell and in a
# paragraph.
_LISTING = (
    "| Film | Director | Year | Runtime | Venue |\n| --- | --- | --- | ---: | --- |\n"
    + "".join(
        f"| Film number {n} with a longer title | Director {n} | 200{n} | 9{n} "
        "| Landmark Sunset, 8000 Sunset Boulevard |\n"
        for n in range(1, 8)
    )
    # A long word a phone's column holds (302 px of its 327 at 375 px): it was cut in three.
    + "| Vista | Donaudampfschifffahrtsgesellschaftskapitän |\n"
    + "\n| Venue | Tickets |\n| --- | --- |\n| Colorado Street Cinemas | "
    "https://www.example.com/colorado-street-cinemas/the-salt-orchard/tickets-and-times |\n\n"
    "Tickets: https://www.example.com/colorado-street-cinemas/the-salt-orchard/tickets\n\n"
)


@pytest.fixture(scope="module")
def listing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_publication(tmp_path_factory.mktemp("listing"))
    for name in ("issues/3-quiet-hours.md", "entries/quiet-hours.md"):
        text = (root / name).read_text("utf-8")
        assert text.count("\n---\n") == 1
        (root / name).write_text(text.replace("\n---\n", f"\n---\n{_LISTING}", 1), "utf-8")
    build(root)
    return root / "site"


_TABLE_WORDS = """(scope) => {
    // Every word of the tables in ``scope``, split over two lines or not: its width alone,
    // and the room its cell has; each column's widest word with the cell's padding (what
    // the column needs to keep its words whole), the column, the box around each table.
    const where = document.querySelector(scope);
    const style = getComputedStyle(where);
    const column = where.clientWidth - parseFloat(style.paddingLeft)
        - parseFloat(style.paddingRight);
    const pen = document.createElement("canvas").getContext("2d");
    const words = [], tables = [];
    for (const table of where.querySelectorAll("table")) {
        const needs = [];
        for (const cell of table.querySelectorAll("td, th")) {
            const own = getComputedStyle(cell);
            const padding = parseFloat(own.paddingLeft) + parseFloat(own.paddingRight);
            const room = cell.clientWidth - padding;
            const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
            let node;
            while ((node = walker.nextNode())) {
                pen.font = getComputedStyle(node.parentElement).font;
                for (const found of node.data.matchAll(/\\S+/g)) {
                    const range = document.createRange();
                    range.setStart(node, found.index);
                    range.setEnd(node, found.index + found[0].length);
                    const width = pen.measureText(found[0]).width;
                    const split = range.getClientRects().length > 1;
                    words.push([found[0], split, width, room]);
                    // A word wider than the whole column cannot be kept whole in it, if it
                    // is one marked to break (an address: 46 characters or more); a shorter
                    // one is kept whole, and the box scrolls.
                    const marked = found[0].length > 45;
                    const need = width > column && marked ? padding : width + padding;
                    needs[cell.cellIndex] = Math.max(needs[cell.cellIndex] || 0, need);
                }
            }
        }
        const box = table.parentElement;
        tables.push([table.getBoundingClientRect().width, needs.reduce((a, b) => a + b, 0),
                     box.getBoundingClientRect().width, getComputedStyle(box).overflowX]);
    }
    // And the address in the paragraph after them.
    const walker = document.createTreeWalker(where, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode()) && !node.data.startsWith("Tickets: ")) {}
    const range = document.createRange();
    range.setStart(node, 9);
    range.setEnd(node, node.data.length);
    const address = range.getClientRects().length;
    const page = [document.documentElement.scrollWidth, window.innerWidth];
    return { column, words, tables, address, page };
}"""


@pytest.mark.parametrize("width", [320, 375])
@pytest.mark.parametrize(
    ("where", "scope"),
    [
        ("issues/3-quiet-hours/email.html", "td.body"),
        ("issues/3-quiet-hours/index.html", "main"),
        ("quiet-hours/index.html", "main"),
    ],
)
def test_a_table_breaks_a_word_only_where_it_cannot_fit_its_cell(
    browser, listing: Path, where: str, scope: str, width: int
) -> None:
    # The cells broke words anywhere ("overflow-wrap: anywhere", for a long address in a
    # paragraph) and the table's columns were of equal widths (table-layout: fixed): at 375
    # px the email showed "Direct/or", "Runti/me", "Landm/ark", "Boulev/ard"; at 320
    # "Venu/e", and the web version too.
    page = browser.new_page(viewport={"width": width, "height": 900})
    _serve_site(page, listing.parent / "site")
    page.goto((listing / where).as_uri())
    page.wait_for_load_state("load")
    seen = page.evaluate(_TABLE_WORDS, scope)
    page.close()
    column, words = seen["column"], seen["words"]
    assert len(words) > 100 and len(seen["tables"]) == 2, seen["tables"]
    broken = [(word, width, room) for word, split, width, room in words if split]
    # Split only where the word alone is wider than its cell, and than the whole column: no
    # width the table could give its column would hold it. (A cell squeezed narrower than
    # its words, as they were, has its words wider than it too.)
    assert [word for word, width, room in broken if min(room, column) >= width - 0.5] == []
    assert [word for word, width, room in broken if width <= column] == [], (column, broken)
    assert [word for word, *_ in broken] == [
        "https://www.example.com/colorado-street-cinemas/the-salt-orchard/tickets-and-times"
    ]
    for table, need, box, overflow in seen["tables"]:
        # A table wider than the column, its words whole, scrolls in its box: the box stays
        # within the column (the page never scrolls sideways), and the table is no wider
        # than the column or, when its words need more, than its columns' widest words.
        assert box <= column + 0.5 and overflow == "auto", (box, column, overflow)
        assert table <= max(column, need) + 1, (table, column, need)
    listing_width = seen["tables"][0][0]
    assert listing_width > column  # the listing needs more than a phone: it scrolls
    # Outside a table a long address still breaks rather than widening the page.
    assert seen["address"] > 1
    scroll_width, inner_width = seen["page"]
    assert scroll_width <= inner_width, f"{scroll_width}px wide at {inner_width}px"


_ON_ITS_LINE = """() => {
    // The tops of the words around the icon and of the icon itself; each picture's display.
    const body = document.querySelector("td.body") || document.querySelector("main");
    const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode()) && !node.data.includes("Rated")) {}
    const range = document.createRange();
    range.setStart(node, node.data.indexOf("Rated"));
    range.setEnd(node, node.data.indexOf("Rated") + 5);
    const before = range.getBoundingClientRect();
    const icon = body.querySelector("img[alt='one star']").getBoundingClientRect();
    const after = node.nextSibling.nextSibling;
    range.setStart(after, 1);
    range.setEnd(after, 4);
    const next = range.getBoundingClientRect();
    const still = body.querySelector("img[alt='A still']");
    const shown = getComputedStyle(still).display;
    return [before.top, before.bottom, icon.top, icon.bottom, next.top, shown];
}"""


@pytest.mark.parametrize("where", ["email.html", "index.html"])
def test_a_picture_in_a_sentence_stays_in_its_line(browser, tmp_path: Path, where: str) -> None:
    # Every picture of the intro was made a block: "rated ★ out of five" was three lines.
    icon = (
        'Rated <img src="https://dopepress.example.com/media/dopepress-icon.png" '
        'alt="one star" width="16" height="16"> out of five.\n\n'
        "![A still](media/all-of-us-strangers/01.jpg)\n\n"
    )
    page = _intro_shown(browser, tmp_path, icon, 600, where)
    top, bottom, icon_top, icon_bottom, next_top, still = page.evaluate(_ON_ITS_LINE)
    page.close()
    assert abs(next_top - top) < 2, (top, next_top)  # "out of five" on the line of "Rated"
    assert icon_bottom > top and icon_top < bottom, (top, bottom, icon_top, icon_bottom)
    assert still == "block"  # a picture alone in its paragraph is one of its own


@pytest.mark.parametrize("width", [320, 375])
def test_an_intro_picture_blocked_keeps_the_email_to_the_phone(
    browser, tmp_path: Path, width: int
) -> None:
    # Outlook and some Gmail set-ups block pictures: the intro's, not shown, kept its width
    # attribute's 552 px, and the email grew that wide on a phone (the cards' held).
    root = _built_with(
        tmp_path,
        "issues/3-quiet-hours.md",
        "\n---\n",
        "\n---\n![Andrew Scott](media/all-of-us-strangers/01.jpg)\n\n",
    )
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    page.goto((root / "site/issues/3-quiet-hours/email.html").as_uri())
    page.wait_for_load_state("load")
    wide, screen, shown = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth,"
        " document.querySelector('img[alt=\"Andrew Scott\"]').naturalWidth]"
    )
    page.close()
    assert shown == 0  # blocked, as the reader's client does
    assert wide <= screen, (wide, screen)


@pytest.mark.parametrize("width", [320, 375])
def test_a_code_block_and_a_wide_table_fit_the_web_version_on_a_phone(
    browser, tmp_path: Path, width: int
) -> None:
    # The page had no rule for either: a table with a ticket address and a code block made
    # it 543 px wide, the whole page scrolling sideways (the email already fitted).
    intro = (
        "| Date | Film | Tickets |\n| --- | --- | --- |\n| Fri, June 13 | Anatomy of a Fall | "
        "<https://www.lumierewest.example.com/tickets/anatomy-of-a-fall> |\n\n"
        "```\nOpening night: doors 6:30, film 7:00, talk 9:15, party on the roof after\n```\n"
    )
    page = _intro_shown(browser, tmp_path, intro, width, "index.html")
    wide, screen = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    broken = page.evaluate(_BROKEN_WORDS.replace("td.body td, td.body th", "main td, main th"))
    page.close()
    assert wide <= screen, f"{wide}px wide on a {screen}px screen"
    # Only the address too long for its cell is broken, not the table's words.
    assert [w for w in broken if not w.startswith("<https://") and "//" not in w] == [], broken


@pytest.mark.parametrize("width", [320, 360])
def test_an_issue_s_gallery_fits_a_phone_with_the_reader_s_text_made_larger(
    browser, tmp_path: Path, width: int
) -> None:
    # A column of at least 14rem: with the text at 150 % or 200 % (a reader's setting, WCAG's
    # resize and reflow), issue 1's web version was 366 to 488 px wide on a phone, its photos
    # and their captions cut off at the screen's edge.
    root = _built_with(tmp_path, "issues/1-strangers-and-varda.md", "\n---\n", "\n---\n")
    page = browser.new_page(viewport={"width": width, "height": 900})
    _serve_site(page, root / "site")
    page.goto((root / "site/issues/1-strangers-and-varda/index.html").as_uri())
    page.wait_for_load_state("load")
    found = []
    for size in ("24px", "32px"):
        page.evaluate(f"document.documentElement.style.fontSize = '{size}'")
        figures = page.evaluate("document.querySelectorAll('article.card .gallery figure').length")
        found.append(
            (
                size,
                figures,
                *page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]"),
            )
        )
    page.close()
    assert all(figures > 0 and wide <= screen for _, figures, wide, screen in found), found
