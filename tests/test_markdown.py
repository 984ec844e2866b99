"""Markdown as the plain-text part shows it: the intro of an issue, written by an editor."""

from __future__ import annotations

from textwrap import dedent

import pytest

from dopemail.markdown import to_text

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
    ],
)
def test_markdown_as_plain_text(markdown: str, text: str) -> None:
    assert to_text(markdown, BASE) == text


def test_a_table_too_wide_for_columns_keeps_its_rows() -> None:
    wide = "x" * 70
    source = dedent(f"""\
        | Film | Note |
        | --- | --- |
        | Cléo | {wide} |
        """)
    assert to_text(source, BASE) == f"Film | Note\nCléo | {wide}"
