"""frontmatter._Block, the line reader for plain front matter, reads exactly what PyYAML reads.

It is an optimisation: whatever it accepts must come out with PyYAML's values, types and lines,
and whatever is more than plain block YAML must go to PyYAML. Thousands of generated documents,
plain and broken in every way the generator knows, are read both ways.
"""

from __future__ import annotations

import math
import random
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import REPO, bench_script

from dopemail import frontmatter
from dopemail.errors import ContentError
from dopemail.frontmatter import LineDict, LineList

OFFSET = 1  # as load.py reads a file: the front matter starts on line 2


def _shape(value: Any) -> Any:
    """A value with its types and every line, comparable with ==."""
    if isinstance(value, LineDict):
        return (
            "map",
            value.start_line,
            [(k, type(k).__name__, value.key_lines[k], _shape(v)) for k, v in value.items()],
        )
    if isinstance(value, LineList):
        return ("list", value.start_line, value.item_lines, [_shape(v) for v in value])
    if isinstance(value, float) and math.isnan(value):
        return ("float", "nan")
    return (type(value).__name__, value)


def _pyyaml(text: str) -> tuple[str, Any]:
    """PyYAML's own reading: nodes composed, then built by the line-keeping loader."""
    loader = frontmatter._LineLoader(text)
    loader.line_offset = OFFSET
    try:
        node = loader.get_single_node()
        return "ok", None if node is None else _shape(loader.construct_document(node))
    except yaml.YAMLError as exc:
        return "error", str(exc)
    finally:
        loader.dispose()


def _block(text: str) -> Any:
    try:
        return _shape(frontmatter._Block(text, 1 + OFFSET).document())
    except frontmatter._Unusual:
        return frontmatter._Unusual


# -- the generator ---------------------------------------------------------------------------

KEYS = ["title", "kind", "name", "role", "a", "b_c", "x-y", "Title", "k1", "_k", "url"]
ODD_KEYS = ["yes", "No", "ON", "null", "true", "y", "a b", "1", "~", "'q'", '"q"', "-k", "?"]
VALUES = [
    # plain text, and plain text that PyYAML types
    "All the Parades", "Zoë Yılmaz — “Q&A”", "C# and F#", "a:b", "a,b", "http://x.y/z?a=1#f",
    "42", "+3", "0x1F", "0o17", "017", "0b101", "1_000", "3.14", "1e3", ".5", "1:20:30",
    "190:20:30.5", "yes", "No", "off", "ON", "y", "n", "null", "Null", "~", "2024-01-01",
    "2024-01-01T10:00:00Z", "2024-1-1", "12:30", "0", "00", "1,000", "mid  space", "nbsp\xa0x",
    "emoji 🎬", "x.y", "True", "FALSE", "1__0", ".NaN", "a—b", "Q&A", "100%",
    # quoted, and flow lists
    "'quoted'", "'it''s'", "''", '"dq"', '""', "'a: b'", '"a # b"', "[a, b]", "[]", "[ ]",
    "[1, yes, ~]", "[Zoë, 2024-01-01, 12:30]",
]  # fmt: skip
ODD_VALUES = [
    "-7", "-.inf", "<<", "=", '"say \\"hi\\""', '"esc\\n"', '"unterminated', "'unterminated",
    "'a' b", '"a" # c', "[a, [b]]", "[a, b", "[a,, b]", "[a, b,]", "[a: b]", "['a', b]",
    "[a #b]", "{a: 1}", "{}", "a: b", "a #b", "a:", "- item", "-x", "?q", ":x", "*alias",
    "&anchor v", "!tag v", "!!str 1", "%x", "@x", "`x", "|", ">", ">-", "|-", "|+", ">2",
    "# only a comment",
]  # fmt: skip
WORDS = ["lorem", "ipsum", "dolor", "sit", "amet", "a:b", "q&a", "1", "yes", "—", "x,y", "C#"]
ODD_WORDS = ["#x", "-", "- x", "a: b", "[x]", "'q'", "*x", "b:"]


# How often the generator picks what is odd (a clean document has none of it).
_odd = [0.0]


def _word(rng: random.Random) -> str:
    return rng.choice(ODD_WORDS if rng.random() < _odd[0] else WORDS)


def _scalar_lines(rng: random.Random, head: str, inner: int) -> list[str]:
    """``head`` then a value, on one line or wrapped over several."""
    if rng.random() < 0.15:  # wrapped plain text
        words = [_word(rng) for _ in range(rng.randint(2, 7))]
        cut = rng.randint(1, len(words) - 1)
        lines = [f"{head} {' '.join(words[:cut])}"]
        for word in words[cut:]:
            if rng.random() < 0.2:
                lines.append("")
            shift = rng.choice([-1, 0, 1, 2] if _odd[0] else [0, 0, 1, 2])
            lines.append(" " * (inner + shift) + word)
        return lines
    return [f"{head} {rng.choice(ODD_VALUES if rng.random() < _odd[0] else VALUES)}"]


def _text_block(rng: random.Random, head: str, inner: int) -> list[str]:
    odd = [">+", "|2", "> # c", ">-2"]
    style = rng.choice(odd if rng.random() < _odd[0] * 4 else [">", ">-", "|", "|-"])
    lines = [f"{head} {style}"]
    for _ in range(rng.randint(0, 4)):
        roll = rng.random()
        if roll < 0.15:
            lines.append(rng.choice(["", " " * inner, " " * (inner + 1)]))
        elif roll < 0.2:
            lines.append(" " * inner + "# not a comment")
        elif roll < 0.2 + _odd[0] * 2:
            lines.append(" " * (inner + 2) + "deeper line")
        elif roll < 0.2 + _odd[0] * 3:
            lines.append(" " * inner + "trailing  ")
        else:
            lines.append(" " * inner + " ".join(_word(rng) for _ in range(3)))
    return lines


def _mapping(rng: random.Random, depth: int, column: int) -> list[str]:
    lines: list[str] = []
    keys = KEYS[:]
    rng.shuffle(keys)
    for key in keys[: rng.randint(1, 5)]:
        if rng.random() < _odd[0]:
            key = rng.choice(ODD_KEYS)
        lines += _value(rng, depth, column, f"{' ' * column}{key}:")
    return lines


def _value(rng: random.Random, depth: int, column: int, head: str) -> list[str]:
    roll = rng.random()
    step = rng.choice([1, 2, 2, 4])
    if roll < 0.55 or depth > 3:
        return _scalar_lines(rng, head, column + step)
    if roll < 0.62:
        return [head]  # null
    if roll < 0.75:
        return [head, *_mapping(rng, depth + 1, column + step)]
    if roll < 0.9:
        return [head, *_list(rng, depth + 1, column + rng.choice([0, 2, 4]))]
    return _text_block(rng, head, column + step)


def _list(rng: random.Random, depth: int, column: int) -> list[str]:
    lines: list[str] = []
    for _ in range(rng.randint(1, 4)):
        dash = " " * column + "-" + " " * rng.choice([1, 1, 1, 2, 3])
        inner = len(dash)
        roll = rng.random()
        if roll < 0.5 or depth > 3:
            lines += _scalar_lines(rng, dash[:-1], inner)
        elif roll < 0.85:  # a mapping: its first key on the dash's line
            body = _mapping(rng, depth + 1, inner)
            lines += [dash + body[0].lstrip(" "), *body[1:]]
        elif roll < 0.93:
            lines += [dash + "- nested", " " * inner + "- list"]
        else:
            lines += [dash.rstrip(" "), *_mapping(rng, depth + 1, inner)]  # a bare dash
    return lines


def _perturbed(rng: random.Random, lines: list[str]) -> list[str]:
    lines = lines[:]
    for _ in range(rng.choice([0, 0, 0, 1, 1, 2])):
        at = rng.randrange(len(lines))
        line = lines[at]
        roll = rng.random()
        if roll < 0.12:
            lines.insert(at, "")
        elif roll < 0.24:
            lines.insert(at, " " * rng.randint(0, 6) + "# a comment")
        elif roll < 0.32:
            lines[at] = line + " # a comment"
        elif roll < 0.44:
            lines[at] = " " + line
        elif roll < 0.52:
            lines[at] = line[1:] if line.startswith(" ") else line
        elif roll < 0.58:
            lines[at] = line.replace(" ", "\t", 1)
        elif roll < 0.66:
            lines.insert(at, line)  # a repeated key or item
        elif roll < 0.72:
            lines[at] = line.replace(": ", ":", 1)
        elif roll < 0.8:
            lines[at] = line + "  "
        elif roll < 0.86:
            lines[at] = line + "\r"
        elif roll < 0.9:
            lines[at] = line.replace(" ", " : ", 1)
        else:
            lines[at] = line + rng.choice(["\x85", "\u2028", "\ufeff", "\x07", "\x7f", "é"])
    return lines


def _document(rng: random.Random) -> str:
    # Half of them clean (what editors write), half with odd parts and broken lines.
    _odd[0] = rng.choice([0.0, 0.04])
    lines = _mapping(rng, 0, 0)
    if _odd[0]:
        lines = _perturbed(rng, lines)
        if rng.random() < 0.06:
            lines = [" " + line for line in lines]  # an indented document
        if rng.random() < 0.04:
            lines.append("---")
    # Text given straight to parse_yaml may end without a line break (split() adds one).
    return "\n".join(lines) + ("" if rng.random() < 0.1 else "\n")


# -- the tests -------------------------------------------------------------------------------


def test_what_the_line_reader_accepts_pyyaml_reads_the_same_way() -> None:
    rng = random.Random(20261203)
    accepted = passed_on = 0
    for number in range(4000):
        text = _document(rng)
        fast = _block(text)
        if fast is frontmatter._Unusual:
            passed_on += 1
            continue
        accepted += 1
        status, expected = _pyyaml(text)
        assert status == "ok", f"document {number}: PyYAML says {expected}\n{text}"
        assert fast == expected, f"document {number}:\n{text}"
    # Both ways are exercised: most plain documents are read here, the rest passed on.
    assert accepted > 1500 and passed_on > 800, (accepted, passed_on)


@pytest.mark.parametrize(
    "text",
    [
        "title: x\ntitle: y\n",  # a repeated key: PyYAML's error names it
        "title: a: b\n",
        "yes: 1\n",
        "a:\n  b: 1\n c: 2\n",  # an odd indentation
        "a:\n- x\nb: 1\n- y\n",  # a list item among keys
        "a: x\n  y: 1\n",
        "- a\n- b\n",  # a list, not fields
        "a: [x, y\n",
        "summary: >\n    deeper\n  first\n",
        "a: 'x'\n  more\n",
        "a:\n  - x\n    y: 1\n",
    ],
)
def test_anything_else_goes_to_pyyaml(text: str) -> None:
    assert _block(text) is frontmatter._Unusual


@pytest.mark.parametrize(
    "text", ["a: |\n  x", "a: >\n  x\n\n  y", "k:\n- |\n  x\n  #c", "a: |-\n  x", "a: >\n  x\n"]
)
def test_a_text_block_at_the_very_end_keeps_only_the_line_break_it_has(text: str) -> None:
    assert _block(text) == _pyyaml(text)[1]


def test_nesting_too_deep_for_the_line_reader_is_read_the_other_way(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = "a:\n  b:\n    c: 1\n"
    expected = frontmatter.parse_yaml(text, "x.md", OFFSET)

    def too_deep(self: object) -> None:
        raise RecursionError

    monkeypatch.setattr(frontmatter._Block, "document", too_deep)
    assert _shape(frontmatter.parse_yaml(text, "x.md", OFFSET)) == _shape(expected)


def test_text_blocks_and_wrapped_values_read_as_pyyaml_reads_them() -> None:
    text = (
        "summary: >-\n  Ilse Brandvold’s QUIET HOURS, set in a hotel,\n  is a patient film.\n\n"
        "  A second paragraph.\n"
        "note: |\n  line one\n\n  line three\n"
        "folded: >\n  kept\n  # not a comment\n"
        "wrapped: a long value\n  that goes on\n\n  and on\n"
        "tags: [review, 35mm, yes, 1990]\n"
        "cast:\n- name: Zoë\n  role: 'Marit'\n-   name: \"Jonas\"\n    role:\n"
    )
    assert _block(text) == _pyyaml(text)[1]
    meta = frontmatter.parse_yaml(text, "entries/x.md", line_offset=OFFSET)
    assert meta["summary"].endswith("patient film.\nA second paragraph.")
    assert meta["tags"] == ["review", "35mm", True, 1990]
    assert meta["cast"].item_lines == [20, 22] and meta["cast"][1].key_lines["role"] == 23


def test_every_sample_and_benchmark_file_is_read_by_the_line_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bench_script("make_corpus").make_corpus(20, tmp_path, seed=3)
    files = [
        *sorted((REPO / "entries").glob("*.md")),
        *sorted((REPO / "issues").glob("*.md")),
        *sorted((tmp_path / "dopemail").rglob("*.md")),
    ]
    texts = {path: path.read_text(encoding="utf-8").split("---\n")[1] for path in files}
    expected = {path: _pyyaml(text)[1] for path, text in texts.items()}

    def refuse(*args: object) -> None:
        raise AssertionError("libyaml's events read plain front matter")

    # parse_yaml, as load.py calls it, reads them without the event reader.
    monkeypatch.setattr(frontmatter._Events, "document", refuse)
    for path, text in texts.items():
        assert _shape(frontmatter.parse_yaml(text, path, OFFSET)) == expected[path], path


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (  # a caption moved to column 0 under a list item
            "---\ntitle: A\nimages:\n  - src: a.jpg\n    alt: A\ncaption: C\n  - src: b.jpg\n---\n",
            7,
            "a field YAML did not expect here: this line or the one above is indented wrongly, "
            "or a value holding ': ' is not in double quotes",
        ),
        (  # a field dedented under its parent
            "---\ntitle: A\nfilm:\n  title: F\n  based_on:\n    title: B\n  author: X\n"
            "    kind: novel\n---\n",
            8,
            "a field YAML did not expect here: this line or the one above is indented wrongly, "
            "or a value holding ': ' is not in double quotes",
        ),
        (  # a role one space short of its name
            "---\ntitle: A\nfilm:\n  title: F\n  cast:\n    - name: A\n     role: R\n---\n",
            7,
            "this line is not indented like the lines around it",
        ),
    ],
    ids=["dedented to column 0", "dedented one level", "a space short"],
)
def test_a_line_indented_wrongly_points_to_the_line_above_too(
    text: str, line: int, message: str
) -> None:
    # Told at the line after the mistake, with a hint about "this line" only.
    with pytest.raises(ContentError) as caught:
        frontmatter.split(text, "entries/x.md")
    error = caught.value
    assert (error.line, error.message) == (line, f"broken YAML: {message}")
    assert error.hint is not None
    assert f"check the indentation of this line and of line {line - 1} above it" in error.hint


def test_a_quote_ending_a_value_early_is_told_with_the_value_written_right() -> None:
    with pytest.raises(ContentError) as caught:
        frontmatter.parse_yaml("kind: review\ntitle: 'Marit's Night'\ndraft: true\n", "e.md")
    assert caught.value.line == 2
    assert caught.value.hint == (
        "inside '...', write an apostrophe twice, or put the value in double quotes: "
        "'Marit''s Night' or \"Marit's Night\""
    )
    with pytest.raises(ContentError) as caught:
        frontmatter.parse_yaml('kind: review\ncast:\n  - name: "The "Big" one"\n', "e.md")
    assert caught.value.line == 3
    assert caught.value.hint is not None
    assert caught.value.hint.endswith(': "The \\"Big\\" one" or \'The "Big" one\'')
    # An apostrophe already written twice is one in the value shown both ways.
    with pytest.raises(ContentError) as caught:
        frontmatter.parse_yaml("kind: review\ntitle: 'It''s Marit's'\n", "e.md")
    assert caught.value.hint is not None
    assert caught.value.hint.endswith(": 'It''s Marit''s' or \"It's Marit's\"")
    # A comment after a quoted value is no text after it.
    assert frontmatter.parse_yaml("title: 'Quiet' # the short title\n", "e.md") == {
        "title": "Quiet"
    }


@pytest.mark.parametrize(
    ("text", "line", "told"),
    [
        # A word processor's dashes for '---': "no front matter", with nothing of why.
        ("—\ntitle: X\n—\nText.\n", 1, "no front matter: the first line is '—', not three hyphens"),
        ("–-\ntitle: X\n---\nText.\n", 1, "the first line is '–-', not three hyphens"),
        # Opened right, closed by one: that line, not "never closed".
        ("---\ntitle: X\n—\nText.\n", 3, "the front matter is closed by '—', not three hyphens"),
    ],
)
def test_dashes_typed_for_the_front_matter_lines_are_told(text: str, line: int, told: str) -> None:
    with pytest.raises(ContentError) as caught:
        frontmatter.split(text, "entries/x.md")
    assert caught.value.line == line and told in caught.value.message, caught.value.message
    assert caught.value.hint is not None and "three hyphens" in caught.value.hint


@pytest.mark.parametrize("closing", [" ---", "----", "...", "--"])
def test_a_closing_line_near_three_hyphens_is_told_at_its_line(closing: str) -> None:
    # "the front matter is never closed", at line 1, of a file closed by ' ---' or YAML's '...'.
    text = f"---\ntitle: X\nkind: review\n{closing}\nText.\n"
    with pytest.raises(ContentError) as caught:
        frontmatter.split(text, "entries/x.md")
    assert (caught.value.line, caught.value.message) == (
        4,
        f"the front matter is closed by '{closing}', not by '---' alone on its line",
    )
    assert caught.value.hint == "write '---' on this line: three hyphens, nothing before them"
    # Followed, the file reads.
    fixed = text.replace(f"\n{closing}\n", "\n---\n")
    assert frontmatter.split(fixed, "entries/x.md").meta["title"] == "X"


def test_a_scene_break_below_a_forgotten_closing_line_is_not_blamed() -> None:
    # The closing '---' forgotten, the text's own '—' (a scene break) was told to be made
    # '---', which would have read the paragraphs above it as fields.
    for text in (
        "---\ntitle: X\ndraft: true\nThe text begins.\n\n—\n\nAnother scene.\n",
        "---\ntitle: X\nkind: review\n\n## The film\n\n—\n\nMore text.\n",  # a heading
    ):
        with pytest.raises(ContentError) as caught:
            frontmatter.split(text, "entries/x.md")
        assert "never closed" in caught.value.message, caught.value.message


@pytest.mark.parametrize(
    "first",
    [
        "Ilse Brandvold's film is patient and funny.",
        "Note: the screening on the 12th is sold out.",
        "Note: the screening on the 12th is sold out.\n\nBooking: at the door.",  # YAML reads
        "## The film",
        "## The film\nIlse Brandvold's film is patient and funny.",
    ],
    ids=[
        "prose",
        "a-line-that-reads-as-a-field",
        "lines-that-all-read-as-fields",
        "a-heading",
        "a-heading-on-the-text's-line",
    ],
)
def test_a_forgotten_closing_line_with_a_scene_break_below_is_told_where_it_goes(
    first: str,
) -> None:
    # QA: the closing '---' forgotten and the text holding a '---' (a scene break) further
    # down, the text's lines were read as fields: ':9: broken YAML: could not find expected
    # ':'' with an indentation hint, ':7: unknown field 'Note'', or line 11.
    fields = "title: Quiet Hours\nkind: review\nauthor: DoPe Press\nsummary: A quiet film.\n"
    more = "" if "Booking" in first else "\n\nIt plays all month."
    text = f"---\n{fields}\n{first}{more}\n\n---\n\nAnother scene.\n"
    with pytest.raises(ContentError) as caught:
        frontmatter.split(text, "entries/x.md")
    assert caught.value.line == 5, caught.value
    assert "not closed" in caught.value.message, caught.value.message
    assert "line 7 reads as text" in caught.value.message, caught.value.message
    assert caught.value.hint is not None and "add a line '---' after line 5" in caught.value.hint
    # Followed, the file reads: the fields as fields, the text and its scene break as text.
    fixed = text.replace(fields, f"{fields}---\n")
    doc = frontmatter.split(fixed, "entries/x.md")
    assert list(doc.meta) == ["title", "kind", "author", "summary"]
    assert doc.body.startswith(f"\n{first}\n") and "\n---\n\nAnother scene." in doc.body


def test_a_blank_line_between_fields_is_no_closing_line_forgotten() -> None:
    # A blank line before a field (misspelt, capitalised, or with its ':' missing) is front
    # matter still: told as that field, not to close the front matter above it.
    for below in (
        "film:\n  title: Quiet Hours",
        "tags: [a]",
        "Title: Quiet Hours",
        "Titel: Quiet Hours",
        "Autor: DoPe Press",
        "authr DoPe Press",
        "credit: Courtesy of Searchlight",  # a field of a picture's, moved to column 0
    ):
        for after in ("", "\n"):
            text = f"---\ntitle: X\n\n{below}\n{after}---\nText.\n"
            try:
                frontmatter.split(text, "entries/x.md")
            except ContentError as error:
                assert "not closed" not in error.message, error


@pytest.mark.parametrize(
    "head",
    [
        "title: X\nauthor: Y\n\n## Pictures and credits\ngallery_title: Z\n\n",
        "title: X\n\n## Pictures and credits\n\n",
        "title: X\n\n### Notes\n#### More\ntags: [a]\n\n",
        "title: X\n\n## Credits\n\nrights: Y\n\n",
        "title: X\n\n## Credits\n  # indented\nrights: Y\n\n",
    ],
    ids=["above-fields", "alone", "several", "a-paragraph-of-its-own", "with-a-comment-below"],
)
def test_a_comment_of_hashes_after_a_blank_line_is_a_comment(head: str) -> None:
    # QA: '## Pictures and credits' after a blank line, with a blank line before the closing
    # '---', was told "the front matter is not closed before the text: line 7 reads as text":
    # YAML reads it as a comment, and the front matter as written.
    doc = frontmatter.split(f"---\n{head}---\nText.\n", "entries/x.md")
    assert doc.meta == yaml.safe_load(head)
    assert doc.body == "Text.\n"


@pytest.mark.parametrize(
    ("value", "line", "escape", "fixed"),
    [
        ('title: "Don\\\'t Look Up"', 2, "\\'", "title: 'Don''t Look Up'"),
        ('summary: "see C:\\Users\\me"', 3, "\\U", 'summary: "see C:\\\\Users\\\\me"'),
        ('summary: "see C:\\xyz"', 3, "\\x", "summary: 'see C:\\xyz'"),
        ('summary: "a \\q b\n  and more"', 3, "\\q", 'summary: "a q b\n  and more"'),
    ],
    ids=["an-apostrophe", "a-windows-path", "x-without-its-number", "wrapped"],
)
def test_a_backslash_in_double_quotes_is_told_it_starts_an_escape(
    value: str, line: int, escape: str, fixed: str
) -> None:
    # QA: 'found unknown escape character' or 'did not find expected hexdecimal number',
    # hinted to wrap in double quotes the value that was in them.
    first = "" if value.startswith("title") else "title: X\n"
    text = f"---\n{first}{value}\nkind: review\n---\nText.\n"
    with pytest.raises(ContentError) as caught:
        frontmatter.split(text, "entries/x.md")
    error = caught.value
    assert error.line == line, error
    assert error.message == (
        f"broken YAML: inside double quotes, a backslash starts an escape, and '{escape}' is "
        "not one"
    )
    assert error.hint is not None and "double quotes" not in error.hint.split(";")[0], error.hint
    assert "drop the backslash" in error.hint and "write \\\\ for a backslash" in error.hint
    assert "single quotes" in error.hint and "'Don''t'" in error.hint, error.hint
    # Each way the hint gives reads (here, the one the value meant).
    assert frontmatter.split(text.replace(value, fixed), "entries/x.md").meta["kind"] == "review"


def test_a_byte_order_mark_at_the_start_of_a_file_is_read() -> None:
    # Notepad's UTF-8 starts the file with U+FEFF: its first line is '---' all the same.
    doc = frontmatter.split("\ufeff---\ntitle: X\n---\nText.\n", "entries/x.md")
    assert (doc.meta, doc.meta.key_lines, doc.body, doc.body_line) == (
        {"title": "X"},
        {"title": 2},
        "Text.\n",
        4,
    )


def test_a_tab_before_a_comment_ends_the_value_read_the_fast_way() -> None:
    # A tab then '#' begins a comment as a space does: the line reader, which takes ' #' for
    # one, must leave a line with a tab to PyYAML, or the comment became the title's text.
    meta = frontmatter.parse_yaml("title: Quiet Hours\t# working title\n", "x.md", 1)
    assert (meta, meta.key_lines) == ({"title": "Quiet Hours"}, {"title": 2})


def test_a_tab_after_spaces_in_an_indentation_is_told_to_be_replaced() -> None:
    text = "---\nfilm:\n  title: X\n  \tyear: 2024\n---\nText.\n"
    with pytest.raises(ContentError) as caught:
        frontmatter.split(text, "entries/x.md")
    assert (caught.value.line, caught.value.message) == (
        4,
        "broken YAML: a tab indents this line, and YAML indents with spaces only",
    )
    assert caught.value.hint is not None and "replace the tab with spaces" in caught.value.hint


def test_a_time_on_a_line_indented_by_mistake_is_told_as_an_indentation() -> None:
    # '  start: 19:30' under 'kind: review': its second ':' has no space after it, so it is
    # no value holding ': ' to quote ('start: "19:30"' indented as it is would break again).
    text = "---\nkind: review\n  start: 19:30\n---\nText.\n"
    with pytest.raises(ContentError) as caught:
        frontmatter.split(text, "entries/x.md")
    assert caught.value.line == 3, caught.value
    assert "indented wrongly" in caught.value.message, caught.value.message
    assert caught.value.hint is not None and "check the indentation" in caught.value.hint
    assert "put the value in" not in caught.value.hint, caught.value.hint


@pytest.mark.parametrize("first", [" ---", "  ---", "\t---"])
def test_a_first_line_with_space_before_its_hyphens_is_refused_at_line_1(first: str) -> None:
    # Read as the front matter's opening, ' ---' would be accepted where the closing ' ---'
    # is not: the first line is '---' alone, and the hint names what is before it.
    text = f"{first}\ntitle: X\n---\nText.\n"
    with pytest.raises(ContentError) as caught:
        frontmatter.split(text, "entries/x.md")
    assert caught.value.line == 1, caught.value
    assert caught.value.message == (
        f"no front matter: the first line is '{first}', not '---' alone: "
        f"{'a tab' if first[0] == chr(9) else 'a space'} comes before the hyphens"
    )
    assert caught.value.hint == "write '---' on the first line: three hyphens, nothing before them"
    fixed = text.replace(first, "---", 1)
    assert frontmatter.split(fixed, "entries/x.md").meta == {"title": "X"}


def test_a_dash_inside_a_closed_front_matter_is_its_text() -> None:
    # A block of text holding a line with a dash alone is no closing line: read as written.
    doc = frontmatter.split("---\nsummary: |\n  A\n  —\n---\nText.\n", "entries/x.md")
    assert doc.meta["summary"] == "A\n—\n"


@pytest.mark.parametrize(
    "head",
    [
        "note: |\n  Doors at 7.\n    - drinks\n    -snacks\n",
        "notes:\n  - |\n    - one\n    -two\n",
        "notes:\n  - >\n    - one\n    -two\n",
        "notes:\n- |-\n  - one\n  -two\n",
        "note: >+\n  Doors at 7.\n    - drinks\n    -snacks\n\n",
        "note: |2\n    - drinks\n    -snacks\n",
        "note: |  # the bar's list\n  - drinks\n  -snacks\n",
        "cast:\n  - name: Zoë\n    bio: |\n      - actor\n      -singer\n",
        "note: |1  # shown as written\n  - drinks\n   -snacks\n",
        "outer: |\n  inner: |\n  - one\n  -two\n",
    ],
    ids=[
        "deeper-lines",
        "a-list-item's-text",
        "a-list-item's-folded-text",
        "strip-indicator",
        "keep-indicator",
        "indentation-indicator",
        "a-comment-after-the-sign",
        "a-field-of-a-list-item",
        "an-indentation-indicator-and-a-comment",
        "a-sign-inside-a-text",
    ],
)
def test_dashes_glued_to_words_in_a_text_block_are_its_text(head: str) -> None:
    # QA: lines of a '|' or '>' text with a dash glued to a word ('-snacks') below lines with
    # a '- ' were told "no space after the '-' of this list item": YAML reads them as text.
    doc = frontmatter.split(f"---\n{head}---\nText.\n", "entries/x.md")
    assert doc.meta == yaml.safe_load(head)


@pytest.mark.parametrize(
    ("head", "line"),
    [
        ("tags:\n  - |\n    a text\n  -drama\n  - review\n", 5),
        ("note: |\n  - drinks\ntags:\n  - review\n  -drama\n", 6),
        ("tags:\n  - review\n  -drama\nnote: >\n  - x\n  -y\n", 4),
    ],
    ids=["after-a-text-item", "after-a-text-field", "before-a-text-field"],
)
def test_a_list_item_glued_to_its_dash_near_a_text_block_is_told(head: str, line: int) -> None:
    # Only the text's own lines are text: an item of the list around it is told, at its line.
    with pytest.raises(ContentError) as caught:
        frontmatter.split(f"---\n{head}---\nText.\n", "entries/x.md")
    assert caught.value.line == line, caught.value
    assert "no space after the '-'" in caught.value.message, caught.value.message


@pytest.mark.parametrize(
    ("line", "hint", "value"),
    [
        # Told to put it in double quotes, as 'title: "..."', the editor broke it again: the
        # line to write, in single quotes where it holds double ones.
        (
            'title: Andrew Haigh: "I was writing about ghosts"',
            "put the value in single quotes: title: 'Andrew Haigh: \"I was writing about ghosts\"'",
            'Andrew Haigh: "I was writing about ghosts"',
        ),
        (
            'title: Andrew Haigh: "It\'s about ghosts"  # his words',
            "put the value in single quotes: title: 'Andrew Haigh: \"It''s about ghosts\"'",
            'Andrew Haigh: "It\'s about ghosts"',
        ),
        (
            "title: Mission: Impossible",
            'put the value in double quotes: title: "Mission: Impossible"',
            "Mission: Impossible",
        ),
        # A quoted start with text after it: the hint gave no line to write.
        (
            'title: "Dune: Part Two" is a triumph',
            'inside "...", write a quote as \\" (or use curly quotes “ ”), or put the value in '
            "single quotes: title: '\"Dune: Part Two\" is a triumph'",
            '"Dune: Part Two" is a triumph',
        ),
        (
            "title: 'Marit' is a night receptionist",
            "inside '...', write an apostrophe twice, or put the value in double quotes: "
            "title: \"'Marit' is a night receptionist\"",
            "'Marit' is a night receptionist",
        ),
    ],
)
def test_a_value_to_quote_is_told_the_line_to_write(line: str, hint: str, value: str) -> None:
    with pytest.raises(ContentError) as caught:
        frontmatter.parse_yaml(f"kind: review\n{line}\ndraft: true\n", "e.md")
    assert (caught.value.line, caught.value.hint) == (2, hint), caught.value.hint
    # The line the hint gives, as written, reads as the value meant.
    written = hint.split("title: ", 1)[1]
    fixed = frontmatter.parse_yaml(f"kind: review\ntitle: {written}\n", "e.md")
    assert fixed["title"] == value, fixed


@pytest.mark.parametrize(
    ("line", "meant"),
    [
        ("cast: [{name: Bob #1, role: Adam}]", {"cast": [{"name": "Bob #1", "role": "Adam"}]}),
        # Text after the ']': no line that reads, the example instead.
        ("cast: [{name: Bob #1}] and more", None),
        (
            "based_on: {title: Strangers #1, author: [Taichi Yamada, B #2]}",
            {"based_on": {"title": "Strangers #1", "author": ["Taichi Yamada", "B #2"]}},
        ),
    ],
)
def test_a_hash_in_brackets_is_never_told_a_line_yaml_cannot_read(line: str, meant: Any) -> None:
    # '- {name: Bob #1, role: Adam}' was told a list, '- ["name: Bob #1", role: Adam]', and
    # 'cast: [{name: Bob #1, role: Adam}, ...]' a line PyYAML rejected.
    with pytest.raises(ContentError) as caught:
        frontmatter.split(f"---\ntitle: A\n{line}\n---\nBody\n", "e.md")
    hint = str(caught.value.hint)
    assert "holding a '#' in double quotes" in hint, hint
    if meant is not None:  # a line to write: it reads as meant, fields and all
        assert yaml.safe_load(hint.split("\n", 1)[1]) == meant, hint
    else:
        assert hint.endswith('["#review", drama]'), hint


@pytest.mark.parametrize(
    ("line", "hint", "meant"),
    [
        (
            'directors: [Dwayne "Rock" #1 Johnson]',
            "put each item holding a '#' in single quotes (it holds double quotes), in place "
            "of this line:\ndirectors: ['Dwayne \"Rock\" #1 Johnson']",
            {"directors": ['Dwayne "Rock" #1 Johnson']},
        ),
        (
            'cast: [{name: Dwayne "Rock" #1 Johnson, role: Bob #2}]',
            "put each value holding a '#' in quotes (double ones, or single ones where it "
            "holds double quotes), in place of this line:\n"
            'cast: [{name: \'Dwayne "Rock" #1 Johnson\', role: "Bob #2"}]',
            {"cast": [{"name": 'Dwayne "Rock" #1 Johnson', "role": "Bob #2"}]},
        ),
    ],
)
def test_a_hash_in_brackets_is_told_the_quotes_its_line_gives(
    line: str, hint: str, meant: Any
) -> None:
    # A value holding double quotes goes in single ones: the hint said "in double quotes" and
    # gave 'Dwayne "Rock" #1 Johnson'.
    with pytest.raises(ContentError) as caught:
        frontmatter.split(f"---\ntitle: A\n{line}\n---\nBody\n", "e.md")
    assert caught.value.hint == hint, caught.value.hint
    assert yaml.safe_load(hint.split("\n", 1)[1]) == meant


@pytest.mark.parametrize(
    ("lines", "line", "said"),
    [
        # The '#' in quotes, the mistake on the line below: told at that line.
        ('entries: ["a #b", c]\n  bad: x', 4, "indented"),
        ('directors: ["Bob #1", Carl]\n  bad: x', 4, "indented"),
        # Text after the ']': the list as a value's start, not the quoted '#'.
        ('entries: [a, "b #c"] x', 3, "begins with '['"),
    ],
)
def test_a_hash_in_quotes_in_brackets_is_not_told_to_be_quoted(
    lines: str, line: int, said: str
) -> None:
    # A '#' inside a quoted item begins no comment: the line was told to quote its items
    # holding a '#', and given itself, unchanged, to write.
    with pytest.raises(ContentError) as caught:
        frontmatter.split(f"---\ntitle: A\n{lines}\n---\nBody\n", "e.md")
    error = caught.value
    assert "'#'" not in f"{error.message} {error.hint}", (error.message, error.hint)
    assert error.line == line and said in f"{error.message} {error.hint}", (error, error.hint)


def test_a_note_after_a_quoted_slug_is_told_as_a_comment_after_the_list() -> None:
    # '"a" #lead' in brackets: the note ends the line read (the list left open), as after a
    # slug unquoted; it was told to quote the item, and given the line unchanged.
    with pytest.raises(ContentError) as caught:
        frontmatter.split('---\ntitle: A\nentries: ["a" #lead, b]\n---\nBody\n', "e.md")
    assert caught.value.hint == (
        "a slug holds no '#': write what follows it as a comment, after the ']', in place of "
        'this line:\nentries: ["a", b] #lead'
    ), caught.value.hint
