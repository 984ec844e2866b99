"""Italics in the short text fields (the title, a caption, the gallery's title, a note, the
rights, the summary...): '*words*' or '_words_' in <i> in the HTML outputs and the feeds,
'_words_' in the text part, the words alone where only text is shown."""

from __future__ import annotations

import json
import re
from pathlib import Path

import feedparser
import jinja2
import pytest

from dopemail.build import build
from dopemail.templates import italics, italics_spans, make_environment, unmarked


@pytest.mark.parametrize(
    ("written", "spans"),
    [
        (
            "*All of Us Strangers* U.S. poster",
            [("All of Us Strangers", True), (" U.S. poster", False)],
        ),
        ("_Weekend_, then more", [("Weekend", True), (", then more", False)]),
        ("*Strangers*’s ghosts", [("Strangers", True), ("’s ghosts", False)]),
        # What stays as typed: a lone mark, a rating, a product, a word's own '_', an
        # address, the marks escaped, a mark never closed, '**' (no other Markdown).
        ("5 * 3 stars", [("5 * 3 stars", False)]),
        ("rated 4*, then 5*", [("rated 4*, then 5*", False)]),
        ("5*3*2 seats", [("5*3*2 seats", False)]),
        ("snake_case_name and a_b_", [("snake_case_name and a_b_", False)]),
        (
            "https://example.com/_a_/*b* and www.x.org/_c_",
            [("https://example.com/_a_/*b* and www.x.org/_c_", False)],
        ),
        (r"\*not italics\* and \_nor this\_", [("*not italics* and _nor this_", False)]),
        ("*never closed", [("*never closed", False)]),
        ("**bold** and __init__", [("**bold** and __init__", False)]),
        ("<b>*x*</b> &amp;", [("<b>", False), ("x", True), ("</b> &amp;", False)]),
        # An italics within another is one.
        ("*a _b_ c*", [("a b c", True)]),
        # Within a word, as Markdown reads '*' (Japanese has no spaces), never '_'.
        ("これは*映画*です", [("これは", False), ("映画", True), ("です", False)]),
        # French: its no-break spaces and quotation marks are the text's.
        (
            "«\u00a0*La Chimère*\u00a0»",
            [("«\u00a0", False), ("La Chimère", True), ("\u00a0»", False)],
        ),
        ("_Quoi\u00a0?_", [("Quoi\u00a0?", True)]),
        ("", []),
        (None, []),
    ],
)
def test_the_marks_of_italics_in_a_short_field(written: str | None, spans: list) -> None:
    assert italics_spans(written) == spans
    assert unmarked(written) == "".join(words for words, _ in spans)


def test_the_filter_writes_html_in_html_and_underscores_in_text() -> None:
    env = make_environment(None)
    html = env.from_string("{{ x | italics }}")
    text = jinja2.Environment(autoescape=False)
    text.filters.update(italics=italics)
    assert html.render(x="<*A & B*> 5 * 3") == "&lt;<i>A &amp; B</i>&gt; 5 * 3"
    assert text.from_string("{{ x | italics }}").render(x="<*A & B*> 5 * 3") == "<_A & B_> 5 * 3"
    assert html.render(x=None) == ""


ENTRY = """\
---
title: "*Italics* Everywhere"
published: 2026-01-01T09:00:00-08:00
summary: Haigh’s *All of Us Strangers*, rated 4* and 5 * 3, in \\*stars\\*.
pull_quote:
  text: A quotation.
  attribution: Andrew Haigh, in *All of Us Strangers*
run:
  note: Played with _Weekend_ in January.
screenings:
  - venue: Landmark
    address: 10 Sunset Boulevard
    city: Los Angeles
    region: CA
    postal_code: "90046"
    note: Double bill with *45 Years*
    times:
      - at: 2026-01-05T19:30:00-08:00
        note: before *Weekend*
events:
  - title: A talk on *Strangers*
    kind: talk
    date: 2026-01-10T19:00:00-08:00
    address: 10 Sunset Boulevard, Los Angeles
    url: https://example.com/talk
gallery_title: {gallery}
images:
  - src: media/all-of-us-strangers/01.jpg
    alt: The poster
    caption: The *All of Us Strangers* U.S. poster
  - src: media/all-of-us-strangers/02.jpg
    alt: A still
    caption: A still from *Weekend*
    credit: Chris Harris
rights: Images from *All of Us Strangers* © Searchlight, 2023.
---
The text.
"""

# A piece in French (its no-break spaces and quotation marks kept) and one in Arabic (its
# fields marked with their language and direction around the italics).
OTHER_LANGUAGES = {
    "zz-italique": """\
---
title: Italique
published: 2025-12-30T09:00:00-08:00
language: fr
summary: "«\u00a0*La Chimère*\u00a0», _Quoi\u00a0?_"
gallery_title: "«\u00a0*La Chimère*\u00a0» (2023)"
images:
  - src: media/all-of-us-strangers/01.jpg
    alt: L’affiche
  - src: media/all-of-us-strangers/02.jpg
    alt: Une image
    caption: "Une image de *La Chimère*\u00a0!"
---
Le texte.
""",
    "zz-maail": """\
---
title: مائل
published: 2025-12-29T09:00:00-08:00
language: ar
gallery_title: صور *المومياء*
images:
  - src: media/all-of-us-strangers/01.jpg
    alt: ملصق
  - src: media/all-of-us-strangers/02.jpg
    alt: صورة
rights: "*المومياء* ١٩٦٩"
---
النص.
""",
}

ISSUE = """\
---
number: 9
subject: Italics
date: 2026-01-02T08:00:00-08:00
preheader: Italics in the short fields.
status: draft
entries:
  - zz-italics
  - zz-italique
sections:
  - title: More *Wenders*
    entries:
      - zz-maail
---
Dear readers.
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conftest import copy_publication

    root = copy_publication(tmp_path_factory.mktemp("italics") / "pub")
    gallery = "Andrew Haigh, *All of Us Strangers* (2023)"
    (root / "entries/zz-italics.md").write_text(ENTRY.format(gallery=gallery), encoding="utf-8")
    for slug, text in OTHER_LANGUAGES.items():
        (root / f"entries/{slug}.md").write_text(text, encoding="utf-8")
    (root / "issues/9-italics.md").write_text(ISSUE, encoding="utf-8")
    build(root)
    return root


# What the HTML outputs show of each field, in italics.
SHOWN_HTML = [
    "— Andrew Haigh, in <i>All of Us Strangers</i>",
    "Played with <i>Weekend</i> in January.",
    "Double bill with <i>45 Years</i>",
    "(before <i>Weekend</i>)",
    "A talk on <i>Strangers</i>",
    "Andrew Haigh, <i>All of Us Strangers</i> (2023)</h",
    "The <i>All of Us Strangers</i> U.S. poster",
    "A still from <i>Weekend</i>",
    "Images from <i>All of Us Strangers</i> © Searchlight, 2023.",
]
SUMMARY_HTML = "Haigh’s <i>All of Us Strangers</i>, rated 4* and 5 * 3, in *stars*."
SUMMARY = "Haigh’s All of Us Strangers, rated 4* and 5 * 3, in *stars*."
TITLE_HTML = "<i>Italics</i> Everywhere</a>"  # a card's and a list's, linked


def test_the_page_sets_the_fields_italics_in_i(built: Path) -> None:
    page = (built / "site/zz-italics/index.html").read_text(encoding="utf-8")
    assert [part for part in SHOWN_HTML if part not in page] == []
    assert "Weekend</i>, photograph by Chris Harris" in page
    # The words alone where text alone is read: the description, JSON-LD (the event's name).
    assert f'<meta name="description" content="{SUMMARY}">' in page
    assert f'<meta property="og:description" content="{SUMMARY}">' in page
    data = json.loads(re.search(r'application/ld\+json">(.*?)</script>', page).group(1))
    assert data[0]["description"] == SUMMARY
    assert "A talk on Strangers, Italics Everywhere" in [d.get("name") for d in data]
    assert "*All" not in page and "_Weekend_" not in page and "*Italics" not in page
    # The title: in <i> in its heading, its words where words alone are shown.
    assert '<h1 dir="auto"><i>Italics</i> Everywhere</h1>' in page
    assert "<title>Italics Everywhere · DoPe Press</title>" in page
    assert '<meta property="og:title" content="Italics Everywhere">' in page
    assert data[0]["headline"] == "Italics Everywhere"


def test_the_lists_show_the_summary_s_italics(built: Path) -> None:
    home = (built / "site/index.html").read_text(encoding="utf-8")
    assert SUMMARY_HTML in home
    assert TITLE_HTML in home and "*Italics" not in home


@pytest.mark.parametrize("name", ["rss.xml", "atom.xml", "feed.json"])
def test_the_feeds_carry_the_page_s_italics_and_a_summary_of_words(built: Path, name: str) -> None:
    data = (built / "feeds" / name).read_bytes()
    if name == "feed.json":
        item = json.loads(data)["items"][0]
        content, summary = item["content_html"], item["summary"]
    else:
        item = feedparser.parse(data).entries[0]
        content, summary = item.content[0].value, item.summary
    assert [part for part in SHOWN_HTML if part not in content] == []
    assert summary == SUMMARY
    assert item["title"] == "Italics Everywhere"  # a feed's title is text


def test_the_email_and_its_web_version_set_them_in_i(built: Path) -> None:
    folder = built / "site/issues/9-italics"
    for name in ("email.html", "index.html"):
        html = (folder / name).read_text(encoding="utf-8")
        assert [part for part in SHOWN_HTML if part not in html] == [], name
        assert SUMMARY_HTML in html and TITLE_HTML in html, name
        assert "*All" not in html and "_Weekend_" not in html and "*Italics" not in html, name
    # The screen readers' name of the talk's link is its words (and a feed reader drops it).
    assert '<span class="visually-hidden">: A talk on Strangers, Italics Everywhere</span>' in (
        folder / "index.html"
    ).read_text(encoding="utf-8")
    email = (folder / "email.html").read_text(encoding="utf-8")
    assert 'aria-label="Tickets and information: A talk on Strangers, Italics Everywhere"' in email
    assert 'aria-label="Read more: Italics Everywhere"' in email


def test_the_text_part_marks_them_as_it_marks_the_body_s_italics(built: Path) -> None:
    text = (built / "site/issues/9-italics/email.txt").read_text(encoding="utf-8")
    one = " ".join(text.split())
    for part in [
        "— Andrew Haigh, in _All of Us Strangers_",
        "Haigh’s _All of Us Strangers_, rated 4* and 5 * 3, in *stars*.",
        "Played with _Weekend_ in January.",
        "Double bill with _45 Years_",
        "(before _Weekend_)",
        "- A talk on _Strangers_",
        "ANDREW HAIGH, _ALL OF US STRANGERS_ (2023)",
        "_ITALICS_ EVERYWHERE",
        "The _All of Us Strangers_ U.S. poster",
        "A still from _Weekend_ · Photo: Chris Harris",
        "Images from _All of Us Strangers_ © Searchlight, 2023.",
    ]:
        assert part in one
    assert "*All" not in text and "*ITALICS" not in text


def test_a_section_s_title_sets_its_italics(built: Path) -> None:
    folder = built / "site/issues/9-italics"
    for name in ("email.html", "index.html"):
        html = (folder / name).read_text(encoding="utf-8")
        assert "More <i>Wenders</i></h2>" in html, name
        assert "*Wenders" not in html, name
    text = (folder / "email.txt").read_text(encoding="utf-8")
    assert "MORE _WENDERS_\n--------------\n" in text
    assert "*WENDERS" not in text


def test_french_spacing_and_right_to_left_marking_keep_around_the_italics(built: Path) -> None:
    french = (built / "site/zz-italique/index.html").read_text(encoding="utf-8")
    assert '<h2 lang="fr" dir="ltr">«\u00a0<i>La Chimère</i>\u00a0» (2023)</h2>' in french
    assert '<span lang="fr" dir="ltr">Une image de <i>La Chimère</i>\u00a0!</span>' in french
    home = (built / "site/index.html").read_text(encoding="utf-8")
    assert (
        '<span lang="fr" dir="ltr">«\u00a0<i>La Chimère</i>\u00a0», <i>Quoi\u00a0?</i></span>'
        in home
    )
    arabic = (built / "site/zz-maail/index.html").read_text(encoding="utf-8")
    assert '<h2 lang="ar" dir="rtl">صور <i>المومياء</i></h2>' in arabic
    assert '<p class="rights" lang="ar" dir="rtl"><small><i>المومياء</i> ١٩٦٩</small></p>' in arabic
    text = (built / "site/issues/9-italics/email.txt").read_text(encoding="utf-8")
    assert "«\u00a0_La Chimère_\u00a0», _Quoi\u00a0?_" in text
    assert "Une image de _La Chimère_\u00a0!" in text
    email = (built / "site/issues/9-italics/email.html").read_text(encoding="utf-8")
    assert '<span lang="ar" dir="rtl"><i>المومياء</i> ١٩٦٩</span>' in email
    feed = json.loads((built / "feeds/feed.json").read_bytes())
    summary = next(i["summary"] for i in feed["items"] if i["url"].endswith("/zz-italique/"))
    assert summary == "«\u00a0La Chimère\u00a0», Quoi\u00a0?"


def test_a_piece_of_no_words_is_summed_up_by_its_title_s_words(tmp_path: Path) -> None:
    # With no summary, no text and no picture, the title is the summary: its marks were
    # printed in the lists ('*Blank* page').
    from conftest import copy_publication

    root = copy_publication(tmp_path / "pub")
    (root / "entries/zz-blank.md").write_text(
        '---\ntitle: "*Blank* page"\npublished: 2026-01-03T09:00:00-08:00\n---\n',
        encoding="utf-8",
    )
    build(root)
    (item,) = [e for e in feedparser.parse(root / "feeds/rss.xml").entries if "zz-blank" in e.link]
    assert item.summary == "Blank page" and item.title == "Blank page"
    home = (root / "site/index.html").read_text(encoding="utf-8")
    assert "</span><br><i>Blank</i> page</li>" in home, home
