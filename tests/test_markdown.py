"""Markdown as the plain-text part shows it: the intro of an issue, written by an editor."""

from __future__ import annotations

import re
from textwrap import dedent

import pytest

from dopemail.markdown import (
    first_paragraph,
    fit_pictures,
    footnotes_written,
    links_written_wrong,
    to_html,
    to_text,
)
from dopemail.templates import columns, keep_signs_html, wrap

BASE = "https://dopepress.example.com/issues/4-lists/"


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        pytest.param(
            "3. three\n4. four\n5. five\n",
            "3. three\n4. four\n5. five",
            id="numbered from where the list starts, one after the other",
        ),
        pytest.param(
            "- one\n- two\n  - two a\n  - two b\n- three\n",
            "- one\n- two\n  - two a\n  - two b\n- three",
            id="a nested list indented under its item, a tight list without blank lines",
        ),
        pytest.param(
            "Write `<div>` or \\<br>, not <b>bold</b>.\n",
            "Write <div> or <br>, not *bold*.",
            id="a code span and escaped text keep their tags, raw HTML's are left out",
        ),
        pytest.param(
            "1. first\n\n2. second\n",
            "1. first\n\n2. second",
            id="a loose list keeps its blank lines",
        ),
        pytest.param(
            "9. nine\n10. ten, whose text is long enough to be wrapped onto the next line of it\n",
            "9. nine\n10. ten, whose text is long enough to be wrapped onto the next line of\n"
            "    it",
            id="a wrapped item's lines under its text",
        ),
        pytest.param(
            "See <https://example.com/auto> and [this](https://example.com/a).\n",
            "See <https://example.com/auto> and this <https://example.com/a>.",
            id="an autolink once, a link after its text",
        ),
        pytest.param(
            "Sunset Boulevard  \nLos Angeles\n",
            "Sunset Boulevard\nLos Angeles",
            id="a hard line break kept",
        ),
        pytest.param(
            "| Film | Year |\n| --- | ---: |\n"
            "| Cléo de 5 à 7 | 1962 |\n| Sans toit ni loi | 1985 |\n",
            "Film             | Year\n-----------------+-----\nCléo de 5 à 7    | 1962\n"
            "Sans toit ni loi | 1985",
            id="a table in columns",
        ),
        pytest.param(
            "> A quote long enough to need wrapping, because it goes on and on past the width.\n",
            "> A quote long enough to need wrapping, because it goes on and on past\n> the width.",
            id="a block quote wrapped, every line marked",
        ),
        pytest.param(
            "1. one\n\n   its second paragraph\n2. two\n",
            "1. one\n\n   its second paragraph\n\n2. two",
            id="an item's second paragraph under its first",
        ),
        pytest.param("0. zero\n1. one\n", "0. zero\n1. one", id="a list numbered from 0"),
        pytest.param(
            "- an item\n\n  > its quote\n",
            "- an item\n\n  > its quote",
            id="a quote inside an item, under its text",
        ),
        pytest.param("1.\n2. b\n", "1.\n2. b", id="an empty item keeps its number"),
        pytest.param(
            "- | a | b |\n  | - | - |\n  | 1 | 2 |\n",
            "- a | b\n  --+--\n  1 | 2",
            id="a table as an item's first block, under its marker",
        ),
        pytest.param(
            "Before.\n\n- item\n\nAfter.\n",
            "Before.\n\n- item\n\nAfter.",
            id="blank lines around a list",
        ),
        pytest.param(
            "Before.\n\n<details><summary>Spoilers</summary>It was &amp; is <b>him</b>."
            "</details>\n\n<script>alert(1)</script>\n\n<div>An aside.</div>\n",
            "Before.\n\nSpoilers\n\nIt was & is *him*.\n\nAn aside.",
            id="raw HTML blocks as the page shows their words (they were left out)",
        ),
        pytest.param(
            '<div>See <a href="../tokyo/?a=1&amp;b=2">Tokyo</a>.</div>\n',
            "See Tokyo <https://dopepress.example.com/issues/tokyo/?a=1&b=2>.",
            id="a link in raw HTML followed by its address, as a Markdown link is",
        ),
        pytest.param(
            'A <a href="../tokyo/">raw link</a> and <a href="javascript:alert(1)">a bad one</a>.',
            "A raw link <https://dopepress.example.com/issues/tokyo/> and a bad one.",
            id="a link typed as raw HTML in a paragraph keeps its address (it lost it)",
        ),
        pytest.param(
            'See <img src="https://images.example.org/p.jpg" alt="The poster"> here.<br>Next.',
            "See [The poster] <https://images.example.org/p.jpg> here.\nNext.",
            id="a picture typed as raw HTML in a paragraph, as a Markdown one (it vanished)",
        ),
        pytest.param(
            '<img src="https://images.example.org/p.jpg" alt="The poster &amp; more">\n',
            "[The poster & more] <https://images.example.org/p.jpg>",
            id="a picture typed as a raw HTML block, as a Markdown one (it vanished)",
        ),
        pytest.param(
            "## With [link](https://example.org/h), `code`, <https://example.org/A>\n",
            "With link <https://example.org/h>, code, <https://example.org/A>\n" + "~" * 64,
            id="a heading's words, addresses and code as written (in capitals, a link broke)",
        ),
        pytest.param(
            "## Type <code>ls -l</code>, press <kbd>Ctrl</kbd>, see <samp>Done</samp>\n",
            "Type ls -l, press Ctrl, see Done\n" + "~" * 32,
            id="a heading's code typed as HTML as written, as a code span's (it was capitals)",
        ),
        pytest.param(
            "## A heading long enough to need wrapping, as an intro's heading may well be\n",
            "A heading long enough to need wrapping, as an intro's heading may well\nbe\n"
            + "~" * 70,
            id="a heading wrapped as a paragraph is (it was one line, however long)",
        ),
        pytest.param(
            "> ### A quoted heading long enough to need wrapping, as a paragraph would be too\n",
            "> A quoted heading long enough to need wrapping, as a paragraph would be\n> too\n> "
            + "~" * 70,
            id="a heading wrapped in a quote, every line marked",
        ),
        pytest.param(
            "```\nprint('a line of code longer than the line, which no rewrapping may break')\n"
            "```\n",
            "    print('a line of code longer than the line, which no rewrapping may break')",
            id="a code block's lines kept as written, however long (as the README says)",
        ),
        pytest.param(
            "x<sup>2</sup>, H<sub>2</sub>O, 10<sup>-3</sup>, x<sup>n+1</sup>, T<sub>max</sub>,"
            " the 19<sup>th</sup> century, le 1<sup>er</sup> mai.\n\n<p>E = mc<sup>2</sup>,"
            " x<sup>n+1</sup> and CO<sub>2</sub></p>\n",
            "x², H₂O, 10⁻³, x^(n+1), T_max, the 19th century, le 1er mai.\n\n"
            "E = mc², x^(n+1) and CO₂",
            id="raised and lowered characters as such, or marked ^ and _ (x2 read as x times 2)",
        ),
        pytest.param(
            "<div>Doors at 7<br>Film at 7:30</div>\n\n<p>\nLine one,<br/>\nthe same\nline,"
            "<br><br>\nafter a blank one.</p>\n\n<pre>code\n  kept</pre>\n",
            "Doors at 7\nFilm at 7:30\n\nLine one,\nthe same line,\n\nafter a blank one."
            "\n\n    code\n      kept",
            id="a line break in raw HTML a line break, a line of its source a space (paragraphs)",
        ),
        pytest.param(
            "<div>Lines:<pre>\nfor x in films:\n    show(x) &amp; <b>tell</b><br>done\n\n</pre>"
            "and on.</div>\n\n- An item:\n\n  <pre>\n  kept\n    as written\n  </pre>\n",
            "Lines:\n\n    for x in films:\n        show(x) & tell\n    done\n\nand on.\n\n"
            "- An item:\n\n      kept\n        as written",
            id="a raw <pre>'s lines as a code block's: indented as written, never rewrapped",
        ),
        pytest.param(
            "> Quote\n>\n> > nested\n>\n> and on.\n\n> Another.\n\n- an item\n\n  > its quote\n"
            "  >\n  > goes on\n",
            "> Quote\n>\n> > nested\n>\n> and on.\n\n> Another.\n\n- an item\n\n  > its quote\n"
            "  >\n  > goes on",
            id="a blank line within a quote quoted (it read as two quotes), not one between two",
        ),
        pytest.param(
            "See [https://example.org/same](https://example.org/same),"
            " [https://example.org/café](https://example.org/café),"
            ' <a href="https://example.org/raw">https://example.org/raw</a>,'
            " [me@example.org](mailto:me@example.org) and [example.org](https://example.org/)."
            '\n\n<div><a href="https://example.org/b">https://example.org/b</a></div>\n\n'
            "## [https://example.org/Same](https://example.org/Same)\n",
            "See <https://example.org/same>, <https://example.org/caf%C3%A9>,\n"
            "<https://example.org/raw>, <me@example.org> and example.org\n"
            "<https://example.org/>.\n\n<https://example.org/b>\n\n<https://example.org/Same>\n"
            + "~"
            * 26,
            id="a link whose words are its address shown once (twice, as words and address)",
        ),
        pytest.param(
            "<div>The doors open at nine, and the film, newly restored in 4K, begins at"
            " 10&nbsp;pm sharp.</div>\n\n| When | Where |\n| - | - |\n| 10&nbsp;pm | here |\n",
            "The doors open at nine, and the film, newly restored in 4K, begins at\n"
            "10\u00a0pm sharp.\n\nWhen  | Where\n------+------\n10\u00a0pm | here",
            id="a no-break space in raw HTML or a table kept, and no line broken at it (a space)",
        ),
        pytest.param(
            "[![Poster](https://example.com/p.jpg)](https://example.com/poster), "
            '<a href="https://example.com/r"><img src="https://example.com/r.jpg" alt="Raw"></a>'
            '\n\n<div><a href="https://example.com/b"><img src="b.jpg" alt="Block"></a></div>\n',
            "Poster <https://example.com/poster>, Raw <https://example.com/r>\n\n"
            "Block <https://example.com/b>",
            id="a picture in a link its words, the link's address once (two addresses, unsaid)",
        ),
        pytest.param(
            "Two  spaces   here,\ta tab, <!-- a note --> a comment; `code  as  typed`,"
            " <kbd>Ctrl  +  C</kbd>.\n\n## A  heading\t`x  y`\n",
            "Two spaces here, a tab, a comment; code  as  typed, Ctrl  +  C.\n\n"
            "A heading x  y\n~~~~~~~~~~~~~~",
            id="runs of spaces and tabs one space, as in HTML (every one kept); code as typed",
        ),
        pytest.param(
            "*Varda par Agnès*, **bold**, ***both***, *a **b** c*, <i>raw</i>, <b> spaced </b>then,"
            " <i>a <em>b</em> c</i>, *see [the film](https://e.example/f)*, `*code*`.\n\n"
            '## A *film* title\n\n<div>It was <b>him</b>, <i lang="fr">la <b>vie</b></i>.'
            "</div>\n",
            "_Varda par Agnès_, *bold*, _*both*_, _a *b* c_, _raw_, *spaced* then, _a\n"
            "b c_, _see the film_ <https://e.example/f>, *code*.\n\nA _film_ title\n"
            "~~~~~~~~~~~~~~\n\n"
            "It was *him*, _la *vie*_.",
            id="italics _so_ and bold *so*, as plain-text mail writes them (they were plain)",
        ),
    ],
)
def test_markdown_as_plain_text(markdown: str, text: str) -> None:
    assert to_text(markdown, BASE) == text


def test_a_table_too_wide_for_columns_is_a_block_of_lines_a_row() -> None:
    # Each row's cells joined by " | " made one line as long as the row: 138 columns.
    source = dedent("""\
        | Film | Where |
        | --- | --- |
        | The Taste of Things (La Passion de Dodin Bouffant) | Lumière West, 8440 Sunset Boulevard, West Hollywood, every night at 7 pm through June |
        | Cléo de 5 à 7 | |
        """)  # noqa: E501
    assert to_text(source, BASE) == (
        "Film:  The Taste of Things (La Passion de Dodin Bouffant)\n"
        "Where: Lumière West, 8440 Sunset Boulevard, West Hollywood, every night\n"
        "       at 7 pm through June\n"
        "\n"
        "Film:  Cléo de 5 à 7"
    )
    # In a quote, every line marked; a word longer than the line (an address) kept whole.
    wide = "x" * 70
    assert to_text(f"> | Film | Note |\n> | --- | --- |\n> | Cléo | {wide} |\n", BASE) == (
        f"> Film: Cléo\n> Note: {wide}"
    )
    # Headers as long as a third of the line: the values after them, their next lines
    # indented as a venue's address is.
    source = dedent(f"""\
        | Film screened that night | Where the screening is, and when it begins |
        | --- | --- |
        | Cléo de 5 à 7 | {"Lumière West, 8440 Sunset Boulevard " * 2} |
        """)
    assert to_text(source, BASE) == (
        "Film screened that night: Cléo de 5 à 7\n"
        "Where the screening is, and when it begins: Lumière West, 8440 Sunset\n"
        "  Boulevard Lumière West, 8440 Sunset Boulevard"
    )


def test_a_raw_html_table_is_shown_as_a_markdown_table_is() -> None:
    # Each of its cells was a paragraph of its own: 'Raw', 'Table', 'cell one', ...
    raw = (
        "<table><tr><th>Raw</th><th>Table</th></tr><tr><td>cell one</td><td>cell two with "
        '<a href="https://example.com/rawcell">a link</a></td></tr></table>\n'
    )
    written = "| Raw | Table |\n| --- | --- |\n"
    written += "| cell one | cell two with [a link](https://example.com/rawcell) |\n"
    table = (
        "Raw      | Table\n"
        "---------+---------------------------------------------------\n"
        "cell one | cell two with a link <https://example.com/rawcell>"
    )
    assert to_text(raw, BASE) == to_text(written, BASE) == table
    # Too wide for columns, in a list item: a block of 'header: value' lines, indented.
    wide = (
        "- An item\n\n  <table><thead><tr><th>Film</th><th>Where</th></tr></thead><tbody><tr>"
        "<td>A Film</td><td>Lumière West, 8440 Sunset Boulevard, West Hollywood, every night"
        "</td></tr></tbody></table>\n"
    )
    assert to_text(wide, BASE) == (
        "- An item\n\n"
        "  Film:  A Film\n"
        "  Where: Lumière West, 8440 Sunset Boulevard, West Hollywood, every\n"
        "         night"
    )
    # The words around it, its caption's, and a table in a cell (as words) are kept; its
    # rows evened out.
    around = (
        "<div>Before<table><caption>Times</caption><tr><th>Day</th><th>Film</th></tr>"
        "<tr><td>Fri</td><td>Cléo</td><td>+</td></tr><tr><td>Sat<table><tr><td>in</td>"
        "<td>it</td></tr></table></td></tr></table>After</div>\n"
    )
    assert to_text(around, BASE) == (
        "Before\n\nTimes\n\n"
        "Day       | Film |\n"
        "----------+------+--\n"
        "Fri       | Cléo | +\n"
        "Sat in it |      |\n\n"
        "After"
    )
    # Closed in a later block (Markdown in its cells), its words stay paragraphs (its
    # italics marked as a paragraph's).
    closed_later = "<table><tr><td>\n\n*In* a cell\n\n</td></tr></table>\n"
    assert to_text(closed_later, BASE) == "_In_ a cell"


def test_a_passage_keeps_its_language_and_direction() -> None:
    html = to_html(
        'As they say, <span lang="fr" title="x">c’est la vie</span>. <bdi dir="rtl">שלום</bdi>',
        BASE,
    )
    assert '<span lang="fr">c’est la vie</span>' in html  # (a span's title is not kept)
    assert '<bdi dir="rtl">שלום</bdi>' in html
    assert to_html('<p dir="javascript:x">A.</p>', BASE) == "<p>A.</p>"  # no such direction
    # A first paragraph with its language or direction is still the summary's.
    html = to_html('<p dir="rtl">Une phrase.</p>\n\nThe rest.', BASE)
    assert first_paragraph(html) == "Une phrase."
    # And a cell's alignment is a style wherever its attribute stands.
    cell = to_html('<table><tr><td lang="fr" align="right">x</td></tr></table>', BASE)
    assert '<td lang="fr" style="text-align:right">x</td>' in cell


def test_a_raw_table_left_open_ends_where_its_html_block_ends() -> None:
    # The sanitiser closed it at the end of the piece: every paragraph after it was in its
    # last cell. One closed in a later block (Markdown in a cell, GitHub's way) stays whole.
    text = (
        "<table><tr><td>Fri 7pm</td><td>Sat 8pm\n\nThe review.\n\n"
        "<table>\n<tr><td>\n\n*In* a cell\n\n</td></tr>\n</table>\n\nThe end."
    )
    assert to_html(text, "https://x.example/") == (
        '<div class="table"><table><tbody><tr><td>Fri 7pm</td><td>Sat 8pm</td></tr></tbody>'
        "</table></div>\n<p>The review.</p>\n"
        '<div class="table"><table>\n<tbody><tr><td>\n<p><em>In</em> a cell</p>\n</td></tr>\n'
        "</tbody></table></div>\n<p>The end.</p>"
    )


def test_a_closing_tag_in_a_code_span_closes_no_table() -> None:
    # '`</table>`' in a sentence made the open table below it count as closed: the rest of
    # the piece went into its last cell again.
    text = "Close yours with `</table>`, we said.\n\n<table><tr><td>Sat 8pm\n\nAfter."
    html = to_html(text, "https://x.example/")
    assert html.endswith("<td>Sat 8pm</td></tr></tbody></table></div>\n<p>After.</p>"), html


def test_a_formula_s_text_is_kept_whatever_its_attributes_hold() -> None:
    # Wikipedia's formulas carry alttext="x > 1": the tag was read to that '>', and ' 1">'
    # was published before the formula's text.
    html = to_html(
        'The ratio is <math alttext="x > 1"><mi>x</mi><mo>&gt;</mo><mn>1</mn></math> here.',
        "https://x.example/",
    )
    assert html == "<p>The ratio is x&gt;1 here.</p>", html


def test_a_table_s_column_alignment_is_a_style_not_the_obsolete_align() -> None:
    html = to_html("| Film | Runtime |\n| :-- | --: |\n| Cléo | 90 min |\n", BASE)
    assert "align=" not in html
    assert '<th style="text-align:left">Film</th>' in html
    assert '<td style="text-align:right">90 min</td>' in html
    # Typed by the editor, the same; any other style is not kept.
    typed = to_html('<table><tr><td align="center" style="color:red">x</td></tr></table>', BASE)
    assert '<td style="text-align:center">x</td>' in typed


@pytest.mark.parametrize(
    ("written", "href"),
    [
        pytest.param("tickets/", f"{BASE}tickets/", id="relative to the page"),
        pytest.param("../3-other/", "https://dopepress.example.com/issues/3-other/", id="up"),
        pytest.param("/about/", "https://dopepress.example.com/about/", id="from the root"),
        # Browsers drop the spaces around a URL in an attribute: kept, they made a link to
        # 'https://.../3-other/ ', a page the link checker could not find.
        pytest.param(" ../3-other/ ", "https://dopepress.example.com/issues/3-other/", id="spaces"),
        pytest.param("#gallery", f"{BASE}#gallery", id="a fragment of the page"),
        pytest.param("//cdn.example.org/a", "https://cdn.example.org/a", id="scheme-relative"),
        pytest.param(
            "https://example.org/a?b=1&c=2", "https://example.org/a?b=1&amp;c=2", id="absolute"
        ),
        pytest.param("HTTPS://Example.org/A", "HTTPS://Example.org/A", id="absolute, as written"),
        # The page's own scheme without '//' is a relative reference (RFC 3986, 5.2.2), which
        # URL parsers read as absolute: a feed reader would make 'programme.html' a host.
        pytest.param("https:programme.html", f"{BASE}programme.html", id="same scheme, a path"),
        pytest.param("HTTPS:/about/?a=1&b=2", "https://dopepress.example.com/about/?a=1&amp;b=2"),
        # Browsers read an address past the spaces, tabs and line breaks around it (and
        # without a tab or line break in it): so the mending above does, which had passed
        # ' https:programme.html' by, written as typed for a feed reader to take to a host.
        pytest.param(" https:programme.html", f"{BASE}programme.html", id="same scheme, spaced"),
        pytest.param("\thttps:a.html\n", f"{BASE}a.html", id="same scheme, tab and line break"),
        pytest.param(" https://example.org/a ", "https://example.org/a", id="absolute, spaced"),
        pytest.param("mailto:desk@example.org", "mailto:desk@example.org", id="mailto"),
        pytest.param("javascript:alert(1)", None, id="script dropped"),
        pytest.param("data:text/html,x", None, id="data dropped"),
    ],
)
def test_links_in_html_are_absolute_or_dropped(written: str, href: str | None) -> None:
    # Feeds and emails are read away from the page: a relative link there goes nowhere.
    html = to_html(f'[a link]({written}) and <a href="{written}">raw</a>', BASE)
    links = re.findall(r"<a\b[^>]*>", html)
    assert len(links) == 2
    for link in links:
        assert 'rel="noopener"' in link
        if href is None:
            assert "href" not in link
        else:
            assert f'href="{href}"' in link


def test_a_same_scheme_address_with_spaces_around_it_is_the_page_s_in_every_output() -> None:
    # '<a href=" https:evil.example/">' was left as typed in the page (a feed reader or mail
    # program takes 'evil.example' for the host) and shown '< https:evil.example/>' in the
    # text part; as written without the spaces, it is a page under this one.
    page = "https://dopepress.example.com/quiet-hours/"
    typed = (
        'A <a href=" https:evil.example/">link</a>.\n\n'
        '<img src="\u0020https:evil.example/p.png\t" alt="a">\n'
    )
    html = to_html(typed, page)
    assert f'href="{page}evil.example/"' in html
    assert f'src="{page}evil.example/p.png"' in html
    assert "https:evil" not in html
    text = to_text(typed, page)
    assert f"link <{page}evil.example/>" in text
    assert f"<{page}evil.example/p.png>" in text
    assert "https:evil" not in text
    # A tab in an address is dropped by browsers too ('ht	tps:' is 'https:').
    assert f'href="{page}evil.example/"' in to_html('<a href="ht\tTPS:evil.example/">x</a>', page)
    # An attribute before it whose value ends like one ('title="see href="') is its own: the
    # mending took ' href="' in the title for the address and left the real one spaced.
    for decoy in (
        '<a title="see href=" href=" https:evil.example">x</a>',
        '<img alt="a src=" src=" https:evil.example/p.png">',
    ):
        mended = to_html(decoy, page)
        assert "https:evil" not in mended and f'="{page}evil.example' in mended, mended
        assert f"<{page}evil.example" in to_text(decoy, page)
        # ... and in a block of HTML, whose links the text part reads apart
        assert f"<{page}evil.example" in to_text(f"<p>{decoy}</p>", page)
    # A no-break space is no space to HTML: the address is a page's name, under this page.
    nbsp = to_html('<a href="&nbsp;https:evil.example/">x</a>', page)
    assert f'href="{page}&nbsp;https:evil.example/"' in nbsp


@pytest.mark.parametrize(
    "text",
    [
        # Words that look like an attribute, as a code sample or a quotation has them: the
        # sanitiser leaves " as typed in text, and the same-scheme link mending once read
        # them as a link, unescaping what followed into tags (an onerror ran in a browser).
        "Code: href=\"https:\\<img src='x' onerror='document.title=1'\\>\" end.",
        '`href="https:<b onmouseover=\'alert(2)\'>hover</b>"` and src="https:&lt;i&gt;"',
        'Set dir="anything" on it, says the manual.',
    ],
)
def test_attribute_like_words_in_text_stay_words(text: str) -> None:
    html = to_html(text, BASE)
    tags = re.findall(r"<(\w+)", html)
    assert set(tags) <= {"p", "code"}, html
    assert "onerror=" not in re.sub(r"&lt;.*?&gt;", "", html)
    assert ("https:" in html) is ("https:" in text) and BASE not in html
    if "manual" in text:
        assert html == f"<p>{text}</p>"


def test_a_picture_under_media_is_on_the_site_not_under_the_page() -> None:
    from dopemail.models import Picture

    picture = Picture(
        source="media/still one.jpg",
        written="media/still one.jpg",
        url="https://dopepress.example.com/media/still%20one.jpg",
        width=600,
        height=400,
    )
    html = to_html("![A still](<media/still one.jpg>) ![Other](media/other.jpg)", BASE, [picture])
    assert (
        '<img src="https://dopepress.example.com/media/still%20one.jpg" alt="A still" '
        'width="600" height="400">'
    ) in html
    assert f'<img src="{BASE}media/other.jpg" alt="Other">' in html


def test_a_link_to_a_picture_the_text_shows_leads_where_the_html_s_does() -> None:
    # The HTML took it to the site's media/, the text part under the page: to no file.
    from dopemail.models import Picture

    site = "https://dopepress.example.com/"
    url = f"{site}media/a/01.jpg"
    picture = Picture(source="media/a/01.jpg", written="media/a/01.jpg", url=url, width=6, height=4)
    text = "![A still](media/a/01.jpg)\n\nSee [it full size](media/a/01.jpg).\n"
    page = f"{site}issues/4-x/"
    assert f'<a href="{url}"' in to_html(text, page, [picture])
    shown = " ".join(to_text(text, page, pictures=[picture]).split())
    assert f"See it full size <{url}>." in shown, shown
    # Typed as raw HTML, a block's picture and a paragraph's link alike.
    raw = '<p><img src="media/a/01.jpg" alt="raw"></p>\n\nOr <a href="media/a/01.jpg">here</a>.\n'
    shown = " ".join(to_text(raw, page, pictures=[picture]).split())
    assert shown == f"[raw] <{url}> Or here <{url}>.", shown


def test_the_text_headings_keep_their_order_under_the_title() -> None:
    # '#' and '##' were both h2: a screen reader told a part's scene as the part's sibling.
    html = to_html("# Part one\n\n## A scene\n\n#### Aside\n\n# Part two\n", BASE)
    assert html.split("\n") == [
        "<h2>Part one</h2>",
        "<h3>A scene</h3>",
        "<h5>Aside</h5>",
        "<h2>Part two</h2>",
    ]
    # Begun at '##' (under a title written as '#' by habit), a text is as written; begun at
    # '###', its top is h2 all the same: the page skips no level.
    assert to_html("## One\n\n### Two\n", BASE) == "<h2>One</h2>\n<h3>Two</h3>"
    assert to_html("### One\n\n#### Two\n", BASE) == "<h2>One</h2>\n<h3>Two</h3>"
    # Raw HTML headings are the same text's; the lowest stays h6.
    assert to_html("<h1>A</h1>\n\n###### B\n", BASE) == "<h2>A</h2>\n<h6>B</h6>"
    # One never shown (in a comment, a script) sets no level: a text begun at '##' lost its
    # h2 to an old title left in a comment.
    for hidden in ("<!-- <h1>Old title</h1> -->", "<script><h1>x</h1></script>"):
        html = to_html(f"## A\n\n{hidden}\n\nMore.\n\n### B\n", BASE)
        assert "<h2>A</h2>" in html and "<h3>B</h3>" in html and "<h4>" not in html, html


def test_html_an_editor_types_keeps_its_blocks_and_one_h1() -> None:
    # '# Heading' and <div>, <details>, <u>, <mark> lost their elements: their words ran into
    # the next line with nothing around them. The page's title is its h1.
    html = to_html(
        "# Summer at last\n\n<details><summary>Spoilers</summary>Hidden</details>\n\n"
        "<div onclick='x()'>An aside</div>\n\nSo <u>this</u>, <mark>that</mark>.\n",
        BASE,
    )
    assert html.split("\n") == [
        "<h2>Summer at last</h2>",
        "<details><summary>Spoilers</summary>Hidden</details>",
        "<div>An aside</div>",
        "<p>So <u>this</u>, <mark>that</mark>.</p>",
    ]
    assert to_html("```\n<h1>code</h1>\n```\n", BASE) == (
        "<pre><code>&lt;h1&gt;code&lt;/h1&gt;\n</code></pre>"
    )


@pytest.mark.parametrize(
    ("markdown", "summary"),
    [
        pytest.param(
            "![A crowd at the door](https://images.example.org/a.jpg)\n\nThe piece begins.\n",
            "The piece begins.",
            id="a paragraph of pictures alone is skipped (the summary was empty)",
        ),
        pytest.param(
            "東京物語 is a film. ![Noriko](https://images.example.org/a.jpg) and "
            "![Shukichi](https://images.example.org/b.jpg).\n",
            "東京物語 is a film. Noriko and Shukichi.",
            id="a picture among words is read as its alt text ('and .' was left)",
        ),
        pytest.param("![Only](https://images.example.org/a.jpg)\n", "", id="no words at all"),
        pytest.param(
            "<p>Hello&nbsp;there &amp; caf&eacute;<br>second line, <BR/>third</p>\n",
            "Hello\u00a0there & café second line, third",  # the no-break space typed stays
            id="a line break written in HTML parts words ('cafésecond' was read)",
        ),
        pytest.param(
            "One line\\\nand the next.\n", "One line and the next.", id="a Markdown line break"
        ),
        pytest.param(
            "The ~~worst~~ best film of the year, out in <del>June</del> <s>July</s> May.\n",
            "The best film of the year, out in May.",
            id="struck words left out ('worst best' said the opposite of the page)",
        ),
        pytest.param(
            "~~Screening moved to the Aero.~~\n\nThe real words.\n",
            "The real words.",
            id="a paragraph struck whole has no words (the summary was the title)",
        ),
        pytest.param(
            "It is both at once, and ~~struck words~~. AT&T (~~old~~ new) ~~a~~ ~~b~~; "
            "“~~was~~ is”, and  ~~then~~  now.\n",
            "It is both at once, and. AT&T (new); “is”, and now.",
            id="no space left before a sign, nor after a bracket, where struck words were",
        ),
        pytest.param(
            "Il a dit ~~non~~ ! Puis ~~peut-être~~ : oui.\n",
            "Il a dit ! Puis : oui.",
            id="the space typed before a French sign, after struck words, stays",
        ),
        pytest.param(
            "Il a dit ~~non~~&nbsp;! Puis ~~peut-être~~\u202f; ~~x~~\u00a0: oui.\n",
            "Il a dit\u00a0! Puis\u202f;\u00a0: oui.",
            id="a no-break space typed before a French sign stays alone (a space was beside it)",
        ),
    ],
)
def test_the_first_paragraph_with_words_is_the_summary(markdown: str, summary: str) -> None:
    assert first_paragraph(to_html(markdown, BASE)) == summary


def test_raw_and_markdown_links_each_close_their_own() -> None:
    # A raw </a> once closed a Markdown link (and a Markdown link's end a raw <a>): the
    # address shown was the other one's.
    text = to_text('[see <a href="https://r.example/">this](https://m.example/)', BASE)
    assert text == "see this <https://m.example/>"
    text = to_text("[a </a> b](https://m.example/)", BASE)
    assert " ".join(text.split()) == "a b <https://m.example/>"


def test_a_picture_wider_than_the_column_is_fitted_however_its_width_is_written() -> None:
    for written in ('width="1200px" height="1800px"', 'width=" 1200 " height="1800"'):
        html = fit_pictures(f'<p><img src="https://x.example/a.jpg" alt="A" {written}></p>', 552)
        assert 'width="552" height="828"' in html, html
    # Narrower, its own width, and no wider than a phone's column: its width attribute held
    # the email that wide while pictures were blocked.
    narrow = '<img src="https://x.example/a.jpg" alt="A" width="300" height="200">'
    assert fit_pictures(narrow, 552) == narrow[:-1] + ' style="width:100%;max-width:300px">'
    styled = narrow[:-1] + ' style="float:right">'  # an editor's own style is theirs
    assert fit_pictures(styled, 552) == styled


def test_a_text_part_line_never_starts_with_a_quotation_mark() -> None:
    # 'and 5 > 4' wrapped before its '>': Apple Mail and Thunderbird draw a line of a plain
    # text that starts with one as a quotation.
    from dopemail.templates import wrap

    text = "Three films a night, and a fourth on Fridays: 5 > 4, as the programmers say."
    for width in range(20, 60):
        for made in (wrap(text, width), to_text(text, "https://x.example/", width=width)):
            lines = made.split("\n")
            assert not [line for line in lines if line.startswith(">")], (width, made)
            # Only that space changed: a no-break space, which a plain text shows as one.
            assert made.strip().replace("\n", " ") == text.replace(" >", "\u00a0>")


def test_players_scripts_and_forms_go_with_all_they_hold() -> None:
    # An embed's fallback words ("your browser does not support the video tag") and a
    # form's labels were kept as text, while the build said the element was left out.
    text = (
        'Intro.\n\n<video src="x.mp4">Your browser does not support the video tag.</video>\n\n'
        "<form><label>Email</label><button>Subscribe</button></form>\n\n"
        "Text <iframe>Watch it</iframe> after, <b>bold</b> kept."
    )
    for made in (to_html(text, "https://x.example/"), to_text(text, "https://x.example/")):
        for gone in ("browser", "Email", "Subscribe", "Watch it", "<p></p>"):
            assert gone not in made, (gone, made)
        assert "Intro." in made and "after" in made and "bold" in made
    # One never closed, or closed as a void element, loses its tag alone: it took the rest
    # of the piece with it, from the page and the feeds.
    for tag in ("<video src=x.mp4 controls>", "<video src=x.mp4 />", "<iframe src=y />"):
        text = f"The trailer: {tag}\n\nThe review goes on.\n\nAnd ends."
        for made in (to_html(text, "https://x.example/"), to_text(text, "https://x.example/")):
            assert "The review goes on." in made and "And ends." in made, (tag, made)
            assert "&lt;" not in made, made
    # A void one mid-sentence leaves the sentence whole in the text part too.
    text = "Watch <embed src=x.swf> the trailer above, then read on."
    assert "then read on" in to_text(text, "https://x.example/")


def test_struck_words_are_struck_in_html_and_marked_in_the_text_part() -> None:
    # '~~Friday~~ Saturday' (a showtime moved) was printed with its tildes in every page and
    # email; the text part keeps them, a plain text's way of showing words struck.
    text = "Plays ~~Friday~~ Saturday at 8. About ~90 min, and `~~code~~`."
    html = to_html(text, "https://x.example/")
    assert "<del>Friday</del> Saturday" in html and "About ~90 min" in html
    assert "<code>~~code~~</code>" in html
    assert "Plays ~~Friday~~ Saturday at 8. About ~90" in to_text(text, "https://x.example/")


def test_a_paragraph_in_japanese_is_wrapped_by_its_columns_in_the_text_part() -> None:
    # One line 239 columns wide: textwrap breaks at spaces only, and counts characters.
    from dopemail.templates import columns

    paragraph = (
        "尾道に暮らす老夫婦が東京に住む子供たちを訪ねる物語で、「家族」の崩壊を静かに描いた作品。"
        * 3
    )
    text = to_text(f"{paragraph}\n\n- {paragraph}\n", "https://example.com/")
    lines = [line for line in text.split("\n") if line]
    assert len(lines) > 4 and all(columns(line) <= 72 for line in lines), lines
    assert lines[-1].startswith("  ") and "".join(x.strip(" -") for x in lines) == paragraph * 2


def test_a_line_with_emoji_is_wrapped_by_the_columns_it_takes_in_the_text_part() -> None:
    # An emoji takes two columns: textwrap counts characters, and 40 '🎬 ' made a line of
    # 107 columns; a line of 59 characters, 89 columns, was printed whole by wrap.
    text = to_text("🎬 " * 40 + "\n\n" + "Tonight ❤️ " * 12, BASE)
    lines = text.split("\n")
    assert lines[:2] == ["🎬 " * 23 + "🎬", "🎬 " * 15 + "🎬"]
    assert lines[3:] == [("Tonight ❤️ " * 6).strip(), ("Tonight ❤️ " * 6).strip()]
    assert max(columns(line) for line in lines) <= 72
    wrapped = wrap(("🎬 " * 30).strip(), indent="  ")
    assert wrapped == "  " + "🎬 " * 22 + "🎬\n  " + "🎬 " * 6 + "🎬"
    assert wrap("A film 🎬 tonight") == "A film 🎬 tonight"


def test_a_table_in_japanese_lines_up_in_the_text_part() -> None:
    # Cells padded by their characters: a Japanese cell, two columns a character, pushed its
    # row's bars out of line.
    from dopemail.templates import columns

    table = "| 映画 | 監督 |\n| --- | --- |\n| 東京物語 | 小津安二郎 |\n| Ran | Kurosawa |\n"
    lines = [line for line in to_text(table, "https://example.com/").split("\n") if "|" in line]
    bars = {columns(line[: line.index("|")]) for line in lines}
    assert len(lines) == 3 and len(bars) == 1, lines


@pytest.mark.parametrize(
    ("markdown", "html"),
    [
        pytest.param(
            "Un « bonne année », a little\nlate !\n",
            "<p>Un «\u00a0bonne année\u00a0», a little\nlate\u00a0!</p>",
            id="guillemets and a sign typed with spaces, a newline included",
        ),
        pytest.param(
            "Typed «\nacross lines\n» and « *Cléo* ».\n",
            "<p>Typed «\u00a0across lines\u00a0» and «\u00a0<em>Cléo</em>\u00a0».</p>",
            id="a newline beside a guillemet, and a tag right beside the space",
        ),
        pytest.param(
            '“Un film, déjà ?” Et ‘vraiment !’ "oui ?"\n',
            '<p>“Un film, déjà\u00a0?” Et ‘vraiment\u00a0!’ "oui\u00a0?"</p>',
            id="a sign before a closing quotation mark (a line began '?” Et voilà')",
        ),
        pytest.param(
            "A smiley :-) and ?foo and 10 : 30 stay.\n",
            "<p>A smiley :-) and ?foo and 10\u00a0: 30 stay.</p>",
            id="a sign that begins a word is not set apart",
        ),
        pytest.param(
            "Code `a « b » c` and:\n\n```\nx = y ? 1 : 2\n« kept »\n```\n",
            "<p>Code <code>a « b » c</code> and:</p>\n"
            "<pre><code>x = y ? 1 : 2\n« kept »\n</code></pre>",
            id="code keeps its spaces as typed",
        ),
        pytest.param(
            "[« Le site »](https://example.org/a:b) ![« alt »](https://example.org/p.jpg)\n",
            '<p><a href="https://example.org/a:b" rel="noopener">«\u00a0Le site\u00a0»</a> '
            '<img src="https://example.org/p.jpg" alt="« alt »"></p>',
            id="link text, not what is in a tag",
        ),
        pytest.param(
            '<a href="https://x.org/Pourquoi pas !">lien</a> et <img src="media/Quoi ?.jpg">\n',
            '<p><a href="https://x.org/Pourquoi pas !" rel="noopener">lien</a> et '
            '<img src="https://dopepress.example.com/issues/4-lists/media/Quoi ?.jpg"></p>',
            id="an address typed with spaces in raw HTML stays the address it was",
        ),
        pytest.param(
            "<code><code>a</code> ?</code> <pre><pre>x</pre>\n« y »</pre> et « z »\n",
            "<p><code><code>a</code> ?</code> </p><pre><pre>x</pre>\n« y »</pre>"
            " et «\u00a0z\u00a0»",
            id="code in code, as typed",
        ),
        pytest.param(
            "Un vers\\\n» deux ?*b* et « c »  \n!\n",
            "<p>Un vers<br>\n» deux ?<em>b</em> et «\u00a0c\u00a0»<br>\n!</p>",
            id="a line begun after a break, a sign against its word's tag",
        ),
    ],
)
def test_a_french_sign_is_kept_on_the_line_of_its_words_in_html(markdown, html) -> None:
    # The text part kept them together; the page, the feeds and the email's HTML let a browser
    # leave '«' at the end of one line and its words on the next.
    assert keep_signs_html(to_html(markdown, BASE)) == html


def test_a_link_written_wrong_is_told_as_typed_though_its_signs_are_set() -> None:
    # Told from the HTML with its signs set, the address's space was a no-break space: the
    # hint said to close the address, and the line was lost.
    body = "Voir\n[« le site »](https://example.org/le site !) ici.\n"
    # The checks read Markdown's HTML as written; the signs are set only in what is shown.
    written = to_html(body, BASE)
    assert "\u00a0" not in written and "\u00a0" in keep_signs_html(written)
    (told,) = links_written_wrong("entries/x.md", body, 5, written)
    assert told.line == 6 and "an address has no spaces" in (told.hint or ""), told
    assert "\u00a0" not in told.message


def test_a_heading_keeps_its_written_addresses_as_written() -> None:
    # Put in capitals, an address typed out in a heading (no link) led to no page.
    text = to_text("## Visit https://ex.com/Path today, or ed@dope.example", "https://e.example/")
    assert text.splitlines()[0] == "Visit https://ex.com/Path today, or ed@dope.example"
    bare = to_text("## Tickets at cinema.fr/Programme", "https://e.example/")
    assert bare.splitlines()[0] == "Tickets at cinema.fr/Programme"


def test_an_intro_s_headings_read_below_the_email_s_own_and_tell_their_levels() -> None:
    # Each of the six levels was a line in capitals, as the email's own titles are ('#' read
    # as a section of the issue, underlined '-', or a film's title): the top ones are
    # underlined with '~', the lower ones between asterisks, the words as written.
    source = "# Top\n\nText.\n\n## Second\n\n###### Sixth\n\n- # In an item\n"
    assert to_text(source, BASE) == (
        "Top\n~~~\n\nText.\n\n*Second*\n\n*Sixth*\n\n- In an item\n  ~~~~~~~~~~"
    )
    # The top level is the text's own, as in its HTML (a text begun at '##').
    assert to_text("## Top\n\n### Lower\n", BASE) == "Top\n~~~\n\n*Lower*"
    # Underlined as wide as it shows: a title with an emoji or in Japanese.
    assert to_text("# 🎬 Ce soir\n", BASE) == "🎬 Ce soir\n" + "~" * 10


def test_raised_letters_are_an_ordinal_only_after_a_number_as_ordinals_go() -> None:
    text = to_text(
        "H<sub>2</sub>O<sub>(l)</sub>, iPhone 15<sup>Pro</sup>, the 19<sup>th</sup>, "
        "le 1<sup>er</sup>",
        "https://e.example/",
    )
    # '15Pro' read as one word; '_((l))' had its parentheses twice.
    assert text.strip() == "H₂O_(l), iPhone 15^Pro, the 19th, le 1er"
    # French ordinals, after a number or a Roman one: as written.
    french = to_text(
        "le 2<sup>d</sup>, la 2<sup>nde</sup>, les 1<sup>ers</sup>, le XIX<sup>e</sup>", ""
    )
    assert french.strip() == "le 2d, la 2nde, les 1ers, le XIXe"


def test_an_international_domain_in_the_text_is_written_in_its_dns_form() -> None:
    # '[fr](https://café.example/x)' came out 'https://caf%C3%A9.example/x' (as cmark writes
    # it) and raw HTML's as typed: names no DNS has, looked up as written by programs other
    # than browsers; the front matter's addresses were in their DNS form already.
    html = to_html(
        '[fr](https://café.example/x), <a href="https://café.example/y">y</a>, '
        "![p](https://café.example/p.jpg), <https://café.example/z>, "
        "[path](https://example.com/caf%C3%A9), [who](https://ann@café.example/)",
        "https://dopepress.example.com/e/",
    )
    hrefs = re.findall(r'(?:href|src)="([^"]*)"', html)
    assert hrefs == [
        "https://xn--caf-dma.example/x",
        "https://xn--caf-dma.example/y",
        "https://xn--caf-dma.example/p.jpg",
        "https://xn--caf-dma.example/z",
        "https://example.com/caf%C3%A9",  # a path's %-encoding is the URL's own
        "https://ann@xn--caf-dma.example/",
    ], html


def test_an_international_domain_in_the_text_is_the_one_browsers_reach() -> None:
    # 'https://straße.example/x' was linked as 'https://strasse.example/x' (IDNA 2003), a
    # domain other than the one browsers resolve (IDNA 2008 / UTS #46).
    html = to_html(
        "[de](https://straße.example/x) [gr](https://ς.example/y) [up](https://BÜCHER.example/z)"
        " [love](https://i❤.ws/a)",
        "https://dopepress.example.com/e/",
    )
    assert re.findall(r'href="([^"]*)"', html) == [
        "https://xn--strae-oqa.example/x",
        "https://xn--3xa.example/y",
        "https://xn--bcher-kva.example/z",
        "https://xn--i-7iq.ws/a",
    ], html


@pytest.mark.parametrize(
    "text",
    [
        "[site](https://a%22onmouseover=alert(document.cookie)%22.example/)",
        "![p](https://x%22onerror=alert(1)%22.example/p.jpg)",
        '<a href="https://b%22onfocus=alert(1)%20autofocus%22.example/">this</a>',
        "[s](https://a%27onclick=x%27.example/) [t](https://a%3Cscript%3E.example/)",
        "[u](https://caf%C3%A9%22%20onmouseover=x.example/)",
    ],
)
def test_a_host_made_of_what_no_domain_holds_cannot_write_attributes(text: str) -> None:
    # Decoded into its DNS form after the sanitiser, 'a%22onmouseover=...' put a '"' in the
    # attribute: a link wrote its own event handler into the page, the feeds and the email.
    html = to_html(text, "https://dopepress.example.com/e/")
    for tag in re.findall(r"<(?:a|img)\b[^>]*>", html):
        names = re.findall(r'\s([\w-]+)="[^"]*"', tag)
        assert set(names) <= {"href", "src", "alt", "rel", "class"}, tag
        assert re.fullmatch(r'<(?:a|img)(?:\s[\w-]+="[^"]*")*>', tag), tag


def test_an_autolink_s_address_in_the_text_part_is_the_html_s_href() -> None:
    # The text part wrote the parser's decoded text of an autolink: '%20' a space (the
    # address ended there for a mail program), '%E2%80%8B' an invisible character inside it,
    # and a host in Unicode where the HTML has its DNS form.
    text = (
        "The press kit: <https://www.example.com/press%20kit/Cl%C3%A9o%20press%20notes.pdf>,"
        " <https://a.example/x%E2%80%8By>, <https://café.example/z> and <desk@example.org>.\n"
    )
    hrefs = re.findall(r'href="([^"]*)"', to_html(text, BASE))
    shown = re.findall(r"<([^<>\s]+)>", to_text(text, BASE))
    assert shown == [href.removeprefix("mailto:") for href in hrefs]  # (see below)
    assert shown == [
        "https://www.example.com/press%20kit/Cl%C3%A9o%20press%20notes.pdf",
        "https://a.example/x%E2%80%8By",
        "https://xn--caf-dma.example/z",
        "desk@example.org",
    ]


def test_a_mail_address_in_the_text_part_is_written_without_its_mailto() -> None:
    # '<mailto:desk@example.org>': the scheme is noise to a reader of plain text, who reads
    # and copies an address, and a mail program links '<desk@example.org>' as it is. As
    # typed, an autolink, a link whose words are the address, a link's address after its
    # words, raw or in a raw block, alike. One with a subject keeps its 'mailto:' (a mail
    # program would take 'desk@example.org?subject=...' for an address).
    text = (
        "Write to <desk@example.org>, [desk@example.org](mailto:desk@example.org),"
        " [the desk](mailto:desk@example.org), *[in italics](mailto:desk@example.org)*,"
        ' <a href="mailto:desk@example.org">raw</a> or'
        " [ask](mailto:desk@example.org?subject=Tickets).\n\n"
        '<div><i><a href="mailto:desk@example.org">In a block</a></i>,'
        ' <a href="mailto:desk@example.org">desk@example.org</a>.</div>\n'
    )
    assert to_text(text, BASE, width=200) == (
        "Write to <desk@example.org>, <desk@example.org>, the desk <desk@example.org>,"
        " _in italics_ <desk@example.org>, raw <desk@example.org> or"
        " ask <mailto:desk@example.org?subject=Tickets>.\n\n"
        "_In a block_ <desk@example.org>, <desk@example.org>."
    )


def test_a_link_the_html_takes_out_is_its_words_alone_in_the_text_part() -> None:
    # The build warns that such a link is 'taken out of pages, feeds and emails, its words
    # left as text', and the HTML shows its words: the text part printed the Markdown as
    # typed (a javascript: address the parser refused), the address of the others, and a
    # data: picture's whole blob.
    text = (
        "See [the trailer](javascript:void(0)) or [ftp](ftp://example.com/f) or"
        " [call us](tel:+15555550100), <ftp://example.com/g>, [ok](https://example.com/ok)."
        "\n\n![A still](data:image/png;base64,iVBORw0KGgo=) "
        '<img src="data:image/png;base64,iVBORw0KGgo=" alt="Raw"> ![](data:image/png;base64,AA)'
    )
    html = to_html(text, BASE)
    assert re.findall(r'href="([^"]*)"', html) == ["https://example.com/ok"]
    assert "src=" not in html
    assert to_text(text, BASE) == (
        "See the trailer or ftp or call us, ftp://example.com/g, ok\n"
        "<https://example.com/ok>.\n\n[A still] [Raw]"
    )


def test_a_quotation_is_between_the_publication_s_quotation_marks_in_the_text_part() -> None:
    # A browser shows a <q> between quotation marks; the text part left them out.
    from dopemail.wording import wording_for

    text = "She said <q>not now</q>.\n\n<div>And <q>later</q>.</div>\n"
    assert to_text(text, BASE) == "She said “not now”.\n\nAnd “later”."
    french = to_text(text, BASE, words=wording_for("fr"))
    assert french == "She said «\u00a0not now\u00a0».\n\nAnd «\u00a0later\u00a0»."


def test_a_mark_of_italics_or_bold_is_never_alone_on_its_line() -> None:
    # A mark at the end of a line that opens words on the next, or at the start of one that
    # closes words on the last, marks nothing: each stays with its word, whatever the width
    # (Japanese, without spaces, too); a French sign stays with its word inside the marks.
    text = (
        "Based on the 1924 novel *La Vie et la passion de Dodin-Bouffant, gourmet* by Marcel"
        " Rouff, <i> a novel </i> read « *à voix haute ?* » ;\n\n"
        "東京物語は東京物語は東京物語*東京物語*は東京物語は東京物語は東京物語*東京*です。"
    )
    for width in range(12, 72):
        made = to_text(text, "https://x.example/", width=width)
        seen = 0  # marks so far: an odd count opens words, an even one closes them
        for line in made.split("\n"):
            assert not line.startswith("_") or seen % 2 == 0, (width, made)
            seen += line.count("_")
            assert not line.endswith("_") or seen % 2 == 0, (width, made)
        assert seen == 10, (width, made)
        flat = made.replace("\n", " ")
        assert "_La Vie et la passion de Dodin-Bouffant, gourmet_" in flat, (width, made)
        assert "_a novel_" in flat and "_à voix haute\u00a0?_" in flat, (width, made)


def test_a_bold_word_in_a_lower_heading_is_not_marked_twice() -> None:
    # A lower heading is written between asterisks, as bold is: its bold words marked too
    # read '*A *bold* word*', '**All bold**'. A top heading (underlined) and a paragraph
    # mark them; italics are marked in either.
    text = (
        "# Top **bold** and *it*\n\n## A **bold** word\n\n### **All bold**\n\n"
        "## *All italic* and <b>raw</b>\n\nText **b**.\n"
    )
    assert to_text(text, BASE) == (
        "Top *bold* and _it_\n~~~~~~~~~~~~~~~~~~~\n\n*A bold word*\n\n*All bold*\n\n"
        "*_All italic_ and raw*\n\nText *b*."
    )


def test_a_raw_table_or_block_marks_italics_and_bold_as_markdown_does() -> None:
    # A raw table's cells as a Markdown table's ('Cléo' was plain there, '_Cléo_' here),
    # and a link's <URL> after the mark closing its words in a raw block too ('_see <URL>_'
    # put '>_' where a mail program took it into the address).
    raw = (
        "<table><tr><th>Film</th><th>Note</th></tr><tr><td><i>Cléo</i></td>"
        "<td><b>sold</b> <q>out</q></td></tr></table>\n"
    )
    written = "| Film | Note |\n| --- | --- |\n| *Cléo* | **sold** <q>out</q> |\n"
    table = "Film   | Note\n-------+-------------\n_Cléo_ | *sold* “out”"
    assert to_text(raw, BASE) == to_text(written, BASE) == table
    block = (
        '<div><i><a href="https://e.example/f">see</a></i>, <em>a <img src="https://e.example/'
        'p.jpg" alt="P"></em>, <i>x &lt;b&gt;</i>.</div>\n'
    )
    markdown = "*[see](https://e.example/f)*, *a ![P](https://e.example/p.jpg)*, *x \\<b\\>*.\n"
    shown = "_see_ <https://e.example/f>, _a [P]_ <https://e.example/p.jpg>, _x <b>_."
    assert to_text(block, BASE, width=200) == to_text(markdown, BASE, width=200) == shown


def test_italics_within_italics_in_raw_html_are_marked_once_at_any_depth() -> None:
    # Read innermost first, a raw block's italics within italics were marked twice
    # ('_Watch _Cléo from 5 to 7_ tonight_', where Markdown writes them once), and past four
    # levels not at all ('a _b _c _d _e____').
    cases = {
        "<div><em>Watch <i>Cléo from 5 to 7</i> tonight</em></div>\n": (
            "_Watch Cléo from 5 to 7 tonight_"
        ),
        "<div><b>Bold <strong>strong</strong> bold</b></div>\n": "*Bold strong bold*",
        "<div><em><em>x</em></em></div>\n": "_x_",
        "<div>a <i>b <i>c <i>d <i>e</i></i></i></i></div>\n": "a _b c d e_",
        # One of each kind, marked once each; a <q> within them still quoted.
        "<div><i>a <b>b <i>c <q>d</q></i></b></i></div>\n": "_a *b c “d”*_",
    }
    for raw, text in cases.items():
        assert to_text(raw, BASE) == text, raw
    # As the Markdown path marks them, in a raw table's cells too.
    assert to_text("*Watch *Cléo from 5 to 7* tonight*\n", BASE) == (
        "_Watch Cléo from 5 to 7 tonight_"
    )
    cell = "<table><tr><th>Film</th></tr><tr><td><i>see <em>Cléo</em></i></td></tr></table>\n"
    assert to_text(cell, BASE) == "Film\n----------\n_see Cléo_"
    # Deep, still marked once and in one pass.
    deep = "<div>" + "<i>a " * 200 + "x" + " b</i>" * 200 + "</div>\n"
    assert to_text(deep, BASE, width=10_000) == "_" + "a " * 200 + "x" + " b" * 200 + "_"


def test_italics_and_bold_nested_thousands_deep_are_each_marked_once() -> None:
    # Each closing mark searched every mark open for its kind (10,000 levels of '*a **b '
    # took 7.6 s, measured by hand; 0.5 s now): the speed is not timed here (tests run on a
    # shared machine), the output at that depth is.
    n = 6000
    nested = "*a **b " * n + "x" + "** c*" * n
    marked = "_a *b " + "a b " * (n - 1) + "x" + " c" * (n - 1) + "* c_"  # each kind once
    assert to_text(nested, BASE, width=10**9) == marked


def test_italics_or_bold_inside_a_word_are_not_marked_in_the_text_part() -> None:
    # 'foo_bar_baz' and 'word_s_' read as a program's identifiers, where the page shows
    # 'foo<em>bar</em>baz': a letter or digit against a mark leaves the marks out, raw tags'
    # too and a raw block's. Words that begin or end with a space, a sign beside the mark,
    # and a language written without spaces keep them.
    text = (
        "foo*bar*baz, word*s*, *pre*fix, 2**0**1, <i>a</i>b, *ok*, **ok**'s, *ok* <b>spaced"
        " </b>then, foo***x***bar, 東京物語*東京*です, ภาษา*ไทย*ดี.\n\n"
        "<div>foo<i>bar</i>baz, x<b><i>y</i></b>, (<i>ok</i>)</div>\n"
    )
    assert to_text(text, BASE, width=200) == (
        "foobarbaz, words, prefix, 201, ab, _ok_, *ok*'s, _ok_ *spaced* then, fooxbar,"
        " 東京物語_東京_です, ภาษา_ไทย_ดี.\n\nfoobarbaz, xy, (_ok_)"
    )


def test_a_code_block_s_line_of_spaces_alone_is_a_kept_blank_line() -> None:
    # Only empty lines were marked as the text's own blank ones: a code sample's line of
    # spaces alone (an editor's indentation left on it) was squeezed with the template's.
    from dopemail.markdown import VERBATIM_BLANK

    text = "```\nfirst = 1\n    \n  \t\nsecond = 2\n```\n\n    indented\n   \n    code\n"
    assert to_text(text, BASE, keep_blank=True) == (
        f"    first = 1\n    {VERBATIM_BLANK}\n    {VERBATIM_BLANK}\n    second = 2\n\n"
        f"    indented\n    {VERBATIM_BLANK}\n    code"
    )
    # A <pre>'s too.
    assert to_text("<pre>a\n   \nb</pre>\n", BASE, keep_blank=True) == (
        f"    a\n    {VERBATIM_BLANK}\n    b"
    )


def test_a_link_whose_words_are_its_address_in_italics_shows_the_address_once() -> None:
    # Its words compared with their marks, '_https://ex.com/a_ <https://ex.com/a>'.
    text = (
        "[*https://ex.com/a*](https://ex.com/a), [***https://ex.com/b***](https://ex.com/b),"
        ' <a href="https://ex.com/c"><i>https://ex.com/c</i></a>,'
        " [*see*](https://ex.com/d).\n\n"
        '<div><a href="https://ex.com/e"><b>https://ex.com/e</b></a></div>\n'
    )
    assert to_text(text, BASE, width=200) == (
        "<https://ex.com/a>, <https://ex.com/b>, <https://ex.com/c>, _see_ <https://ex.com/d>."
        "\n\n<https://ex.com/e>"
    )


def _elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    """Each start tag of ``html`` as a browser's parser reads it: (name, attributes)."""
    from html.parser import HTMLParser

    found: list[tuple[str, dict[str, str | None]]] = []

    class Reader(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append((tag, dict(attrs)))

        handle_startendtag = handle_starttag

    reader = Reader()
    reader.feed(html)
    reader.close()
    return found


@pytest.mark.parametrize(
    ("typed", "tag", "handler"),
    [
        ('<a href="https:&quot;onmouseover=alert(1)">x</a>', "a", "onmouseover"),
        ('<img src="https:&quot;onerror=alert(1)//" alt="a">', "img", "onerror"),
    ],
)
def test_a_quote_in_a_same_scheme_address_stays_in_the_address(
    typed: str, tag: str, handler: str
) -> None:
    # The mended address is written back escaped as the sanitiser writes it: its '"' as
    # '&quot;', or it closed the attribute and what followed became one (an event handler).
    html = to_html(typed, BASE)
    (element,) = [attrs for name, attrs in _elements(html) if name == tag]
    assert handler not in element, html
    address = element["href" if tag == "a" else "src"]
    assert address is not None and address.startswith(BASE) and '"' in address


def test_html_keeps_the_elements_and_attributes_it_lists_and_no_other() -> None:
    html = to_html(
        '<p id="x" class="btn"><a href="https://e.com" target="_blank">a</a><input></p>\n\n'
        "An <ins>n</ins> word.\n\n"
        '<img src="https://e.com/a.png" alt="a" width="300" height="200">\n',
        BASE,
    )
    elements = _elements(html)
    names = [name for name, _ in elements]
    assert "input" not in names and "ins" in names, html
    p, a = next(attrs for name, attrs in elements if name == "p"), dict(elements)["a"]
    assert "id" not in p and "class" not in p, html
    assert "target" not in a and a["href"] == "https://e.com", html
    img = dict(elements)["img"]
    assert (img["width"], img["height"]) == ("300", "200"), html


def test_a_picture_whose_address_is_taken_out_is_left_out_whole() -> None:
    # An <img> without its src (a data: one) showed nothing and failed the email's checks.
    assert to_html('<img src="data:image/png;base64,AAA" alt="d">', BASE) == ""


def test_one_tilde_is_no_strikethrough_in_html() -> None:
    # '~Friday~': a tilde as in '~90 min', not a struck word (two tildes strike, as GitHub).
    html = to_html("~Friday~ Saturday, ~~Sunday~~", BASE)
    assert html == "<p>~Friday~ Saturday, <del>Sunday</del></p>"


def test_a_footnote_s_text_indented_is_told_as_one_and_one_in_a_comment_is_not() -> None:
    # Indented up to three spaces, '[^1]: note' is still a footnote's text as typed (four
    # make it code); in a comment, nothing a reader sees.
    body = "Text <!-- see [^1] --> here.\n\n<!--\n[^2]: old\n-->\n\n   [^1]: note\n"
    told = [(e.line, e.message) for e in footnotes_written("entries/a.md", body, 10)]
    assert told == [
        (
            16,
            "'[^1]:' begins a footnote's text, and dopemail makes no footnotes: pages, feeds "
            "and emails print it as typed, where it is",
        )
    ]
