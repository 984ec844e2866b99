"""A source file's text, before and around its fields: read (UTF-8, line ends, control
characters, broken '&#' references), split into front matter and body, the fields validated
against their model, and what the text does that its author may not mean (an HTML comment
left open, a '#' that cut a value, a scaffold's sentence left in); and the line of a key,
read again from a file that loaded, for a problem found between files.

Problems are returned or raised as :class:`~dopemail.errors.ContentError` with the file and
line, for loading (load.py, issuefiles.py) to gather with the rest of each file's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from .config import Settings
from .errors import (
    FENCE,
    ContentError,
    DopemailError,
    closes_fence,
    merge_conflict,
    not_utf8,
    raise_all,
)
from .frontmatter import Document, split, yaml_text
from .layout import ISSUES_DIR
from .validation import (
    CONTROL,
    bad_references,
    controls_in,
    describe_errors,
    field_path,
    leaves,
    line_of,
    may_hold_control,
    written_as,
)
from .wording import N_, wording_for


def validate(
    model: type[BaseModel],
    doc: Document,
    rel: str,
    settings: Settings,
    text: str,
    told: list[DopemailError] | None = None,
) -> tuple[Any, list[DopemailError]]:
    """The front matter validated as ``model`` (None if it is not valid), and its problems.

    ``told``: the text's problems (:func:`split_text`'s); a field a '#' cut to nothing is
    told once, as cut, not also as empty ('title: #Alive'). One cut to a value that is wrong
    too ('status: snet #done') is told both ways: two mistakes. A list written as one value
    and cut ('cast: A, B #1, C') is one, told as a list with the line to write: the cut is
    taken out of ``told`` (its hint, to quote the value, gave a text where a list goes).
    """
    octal = _octal_numbers(doc, rel, text)
    try:
        context = {"tz": settings.publication.zone, "language": settings.publication.language}
        value = model.model_validate(doc.meta, context=context)
    except ValidationError as exc:
        told = told if told is not None else []
        emptied = {e.loc for e in told if isinstance(e, CutValueError) and e.emptied}
        found = [
            (tuple(loc), ContentError(message, rel, line_of(doc.meta, loc), hint))
            for loc, message, hint in describe_errors(
                exc, model, doc.meta, text, settings.publication.language
            )
            if tuple(loc) not in emptied
        ]
        listed = {tuple(e["loc"]) for e in exc.errors() if e["type"] == "list_type"}
        for cut in [e for e in told if isinstance(e, CutValueError) and e.loc in listed]:
            told.remove(cut)
        # A field that must be text is told so ('postal_code: 02134'): not twice.
        told_at = {loc for loc, _ in found}
        return None, [e for loc, e in octal if loc not in told_at] + _once([e for _, e in found])
    if octal:
        # Not taken as valid: 'number: 010' read 8, and the file name's check said 8.
        return None, [e for _, e in octal]
    return value, []


# A list item's place in a field's name ('screenings[2].adress').
_ITEM = re.compile(r"\[\d+\]")


def _once(errors: list[ContentError]) -> list[ContentError]:
    """Each mistake told once: a block written once and merged into others by a YAML alias
    (`<<: *landmark`) is each of them, and pydantic tells its typo at each, at its one line."""
    seen: set[tuple[int | None, str]] = set()
    kept = []
    for error in errors:
        key = (error.line, _ITEM.sub("[]", error.message))
        if error.line is None or key not in seen:
            kept.append(error)
            seen.add(key)
    return kept


# YAML 1.1 reads a plain number written with a leading 0 in octal: 075 is 61.
_OCTAL = re.compile(r"[-+]?0[0-7_]*[0-7][0-7_]*")


def _octal_numbers(
    doc: Document, rel: str, text: str
) -> list[tuple[tuple[Any, ...], ContentError]]:
    """Each number of the front matter written with a leading 0, which YAML read in octal
    ('runtime: 075' published '61 min'), with its error."""
    head = front_matter_text(text)
    # Looked for as text first: most files have none, and skip the walk.
    if not any(sign in head for sign in (" 0", "[0", ",0")):
        return []
    found = []
    for loc, value in leaves(doc.meta):
        if type(value) is not int:
            continue
        line = line_of(doc.meta, loc)
        index = loc[-1] if loc and isinstance(loc[-1], int) else None
        token = written_as(text, line, value, index)
        if token is None or not _OCTAL.fullmatch(token):
            continue
        meant = int(token.replace("_", ""), 10)
        if meant == value:  # 01 to 07 read as written
            continue
        error = OctalNumberError(
            f"{field_path(loc)}: YAML reads {token} as the octal number {value}: a number "
            "written with a leading 0 is one",
            rel,
            line,
            f"write {meant}, without the 0",
            loc,
        )
        found.append((loc, error))
    return found


def front_matter_text(text: str) -> str:
    """A source file's front matter as written, between its '---' lines ('' for none): where
    a check looks first, as text, before it walks the fields (most files need no walk)."""
    end = text.find("\n---", 3)
    return text[:end] if text.startswith("---") and end > 0 else ""


class FieldError(ContentError):
    """A problem of the field at ``loc`` of the front matter, for what else is said of it."""

    def __init__(
        self,
        message: str,
        path: str | None = None,
        line: int | None = None,
        hint: str | None = None,
        loc: tuple[Any, ...] = (),
    ) -> None:  # (all but the message with defaults: unpickled as ContentError is)
        super().__init__(message, path, line, hint)
        self.loc = loc


class OctalNumberError(FieldError):
    """A number written with a leading 0, which YAML read in octal: what the file says of
    it as written (its name's issue number) is not compared with that."""


class CutValueError(FieldError):
    """A value YAML cut at a '#' meant as text (see :func:`split_text`), ``emptied`` when
    nothing of it was left."""

    def __init__(self, *args: Any, emptied: bool = False, **fields: Any) -> None:
        super().__init__(*args, **fields)
        self.emptied = emptied


def split_text(text: str, rel: str) -> tuple[Document, list[DopemailError]]:
    """The file's front matter and body, and the problems of its text that do not keep its
    fields from being checked: HTML comments left open, control characters put in a value.

    Returned, not raised: they are reported with the fields' problems, in one pass.
    """
    conflict = merge_conflict(text, rel) if "<<<<<<<" in text else None
    if conflict is not None:
        raise ContentError(conflict.message, rel, conflict.line, conflict.hint)
    doc = split(text, rel)
    errors: list[DopemailError] = []
    if "<!--" in doc.body:
        lines = doc.body.split("\n")
        for line, raw in _unclosed_comments(text_tokens(doc.body), lines):
            what, hint = _OPEN_COMMENT[raw]
            errors.append(ContentError(what, rel, doc.body_line + line, hint))
    # The text has none (see read_text): only a YAML escape ("\v", "\x0b") can put one in
    # a value, and it takes a backslash. Most files have none, and skip the walk.
    for loc, char in controls_in(doc.meta) if "\\" in text else ():
        errors.append(
            ContentError(
                f"{field_path(loc)}: an invisible control character, U+{ord(char):04X}",
                rel,
                line_of(doc.meta, loc),
                "remove the escape (a backslash sequence such as \\v or \\x0b) from its text",
            )
        )
    # Looked for in the front matter's lines first: a '#' in a link ("...#qa") is common,
    # and walking every value of the file for it cost about 0.2 M instructions a file.
    if _MAY_CUT.search(front_matter_text(text)):
        errors.extend(_cut_by_comments(doc, text, rel))
    return doc, errors


# A '#' that begins a YAML comment: at the start of a value, or after a space.
_COMMENT_START = re.compile(r"(?:^|[ \t])#(\S*)")
# The same on a raw line: a '#' followed by a word, at the line's start or after a space.
_MAY_CUT = re.compile(r"(?:^|[ \t])#\S", re.MULTILINE)


def _cut_by_comments(doc: Document, text: str, rel: str) -> list[DopemailError]:
    """A value YAML cut at a '#' the editor meant as text ("Episode #5", "#Alive"): after a
    space, '#' begins a comment, and the rest of the line was left out without a word."""
    lines = text.split("\n")
    errors = []
    told: set[int] = set()
    for loc, value in leaves(doc.meta):
        if value is not None and not isinstance(value, str):
            continue
        line = line_of(doc.meta, loc)
        if not line or line > len(lines) or line in told:
            continue
        raw = lines[line - 1].rstrip()
        written = raw.strip()
        dash = None
        while written.startswith("- "):  # a list's item, maybe a mapping's first field
            dash = len(raw) - len(written)
            written = written[2:].lstrip()
        # Its next lines, if it is wrapped, are those deeper than its key (or an item's dash).
        deeper_than = len(raw) - len(written)
        if _KEY_FIRST.match(written):
            written = written.partition(":")[2].strip()
        elif dash is not None:
            deeper_than = dash
        pieces = _wrapped_lines(lines, line, deeper_than, written)
        if pieces[0][1].startswith(('"', "'", "[", "{", ">", "|")):
            continue  # quoted, a list or mapping on its line (its comment is one), a text block
        for at, (_, piece) in enumerate(pieces):
            found = _COMMENT_START.search(piece)
            # Not a comment that reads as one ("# note"), one on a line of its own after the
            # value's first, the '#' in the value, one after a date or a number (a value YAML
            # did not read as text either).
            if (
                found is None
                or not found.group(1)
                or (at and found.start() == 0)
                or f"#{found.group(1)}" in (value or "")
                or (not at and _NOT_TEXT.fullmatch(piece[: found.start()].strip()))
            ):
                continue
            break
        else:
            continue
        cut_line = pieces[at][0]  # the line holding the '#'
        if value and _a_slug(rel, loc):
            continue  # a slug holds no '#': what follows it is a note, read as one
        told.add(line)
        # The value as meant, its lines joined as YAML joins a wrapped value's.
        meant, blanks = "", 0
        for _, piece in pieces:
            if not piece:
                blanks += 1 if meant else 0
                continue
            meant += ("\n" * blanks or " ") + piece if meant else piece
            blanks = 0
        # The whole line to write, not the value alone: pasted in place of '- Bob #1', a
        # value was no longer the list's item.
        head = raw[: len(raw) - len(written)] if written else raw + " "
        quoted = f"{head}{yaml_text(meant)}"
        last = max(n for n, piece in pieces if piece)
        where = f"line {line}" if last == line else f"lines {line} to {last}"
        errors.append(
            CutValueError(
                f"{field_path(loc)}: what follows '#' is left out ('#{found.group(1)}'...): in "
                "YAML, a '#' at the start of a value or after a space begins a comment",
                rel,
                cut_line,
                f"put the value in double quotes: {yaml_text(meant)}; "
                f"or, for a comment, put a space after the '#'. Quoted, in place of {where}:"
                f"\n{quoted}",
                tuple(loc),
                emptied=not value,
            )
        )
    return errors


def _wrapped_lines(
    lines: list[str], line: int, deeper_than: int, first: str
) -> list[tuple[int, str]]:
    """The lines (1-based) of a plain value whose key or item is on ``line``, and their text:
    ``first`` (on that line, maybe empty), then those below it deeper than column
    ``deeper_than`` (blank ones as ''), up to a comment on a line of its own, which ends it."""
    pieces = [(line, first)] if first else []
    blank: list[tuple[int, str]] = []
    for number in range(line, len(lines)):
        below = lines[number].rstrip()
        text = below.lstrip(" ")
        if not text:
            blank.append((number + 1, ""))
            continue
        if len(below) - len(text) <= deeper_than or (pieces and text[0] == "#"):
            break
        if text[0] == "#":
            continue  # a comment above a value begun on the line below its key
        pieces += [*blank, (number + 1, text)]
        blank = []
    return pieces or [(line, first)]


def _a_slug(rel: str, loc: Sequence[Any]) -> bool:
    """Whether the value at ``loc`` of the file ``rel`` is an entry's slug, an issue's."""
    return rel.startswith(f"{ISSUES_DIR}/") and len(loc) > 1 and loc[-2] == "entries"


_KEY_FIRST = re.compile(r"[A-Za-z_][\w-]*:(?:\s|$)")
# A date (and time) or a number, as written before a comment: values YAML did not read as text.
_NOT_TEXT = re.compile(
    r"\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)?|[+-]?\d+(?:\.\d+)?"
)


# What an HTML comment left open does, in raw HTML (True) or in a paragraph (False), and what
# to do about it.
_OPEN_COMMENT = {
    True: (
        "an HTML comment opens here ('<!--') and is never closed: everything after it would "
        "be left out of the page, the feeds and the email",
        "close it with '-->' where the note ends, or remove the '<!--'",
    ),
    False: (
        "an HTML comment opens here ('<!--') and is never closed: it would be shown as text "
        "in the page, the feeds and the email",
        "close it with '-->' where the note ends (in the same paragraph), or remove the "
        "'<!--'; to show it as written, write '\\<!--'",
    ),
}


def read_text(path: Path, rel: str, data: bytes | None = None) -> str:
    if data is None:
        data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        said, line = not_utf8(data, exc)
        raise ContentError(
            said, rel, line, "save the file as UTF-8 (in most editors: Save As, encoding UTF-8)"
        ) from None
    # As reading in text mode would: Windows's line ends read as every other's.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if may_hold_control(data) and CONTROL.search(text):
        raise_all(_control_characters(text, rel))
    if "&#" in text:
        raise_all(_bad_references(text, rel))
    return text


_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
_COMMENT = re.compile(r"<!--.*?-->")


def shown_lines(text: str) -> Iterator[tuple[int, str]]:
    """(number, line) of the body's lines, with what Markdown shows as written blanked (code
    spans, fenced code, HTML comments): where a reference is decoded. The front matter is
    shown as written too, its text escaped, and is left out."""
    lines = text.split("\n")
    start = 0
    if lines and lines[0].rstrip() == "---":
        start = next((i + 1 for i in range(1, len(lines)) if lines[i].rstrip() == "---"), 0)
    fence = ""
    comment = False
    for number, line in enumerate(lines[start:], start + 1):
        if fence:
            if closes_fence(line, fence):
                fence = ""
            continue
        if not comment and (opened := FENCE.match(line)):
            fence = opened.group(1)
            continue
        if comment:
            end = line.find("-->")
            if end < 0:
                continue
            line = " " * (end + 3) + line[end + 3 :]
            comment = False
        line = _COMMENT.sub(_blank, _CODE_SPAN.sub(_blank, line))
        if (opened_at := line.find("<!--")) >= 0:
            line, comment = line[:opened_at], True
        yield number, line


def _blank(found: re.Match[str]) -> str:
    return " " * len(found.group())


def _bad_references(text: str, rel: str) -> list[DopemailError]:
    # Markdown and the sanitiser decode '&#11;' into the character itself, which XML forbids:
    # the feeds could not be written. Text from old CMSs and Word brings them, and
    # Windows-1252's numbers for its quotes and dashes (&#146;), which HTML maps to ’ but
    # Markdown reads as invisible control characters.
    errors: list[ContentError] = []
    for number, line in shown_lines(text):
        for column, written, point in bad_references(line):
            meant = bytes([point]).decode("cp1252", "ignore") if 0x80 <= point <= 0x9F else ""
            hint = "delete it, or put a space or a line break in its place"
            if meant:
                what = f"is Windows-1252's number for {meant}: Markdown reads it as the invisible "
                what += f"control character U+{point:04X}"
                hint = f"write {meant} itself (or &#{ord(meant)};)"
            elif point > 0x10FFFF:
                what = "stands for no character at all (Unicode ends at U+10FFFF)"
                hint = "delete it, or write the character you meant"
            elif 0xD800 <= point <= 0xDFFF:
                what = f"stands for U+{point:04X}, half of a character's UTF-16 code, no character"
                hint = "write the character you meant itself"
            else:
                what = (
                    f"stands for U+{point:04X}, an invisible character feeds and emails cannot hold"
                )
            errors.append(
                ContentError(
                    f"'{written}' at column {column + 1} {what}",
                    rel,
                    number,
                    hint,
                )
            )
    more = "and {count} more such references, to line {last}"
    return _at_most(errors, rel, more, "search the file for '&#' and write each character itself")


def _at_most(errors: list[ContentError], rel: str, more: str, hint: str) -> list[DopemailError]:
    """The first :data:`_CONTROL_LINES` of ``errors``, then one that says how many more there
    are (``more``, with its ``{count}`` and ``{last}`` line), at the first one left out."""
    if len(errors) <= _CONTROL_LINES:
        return list(errors)
    rest = errors[_CONTROL_LINES:]
    told = ContentError(more.format(count=len(rest), last=rest[-1].line), rel, rest[0].line, hint)
    return [*errors[:_CONTROL_LINES], told]


def _control_characters(text: str, rel: str) -> list[DopemailError]:
    # Every line that holds one: text pasted from Word brings one at each of its line breaks,
    # and an editor told of the first alone would have to build again for each of the others.
    # Past a screenful, the count: a whole pasted book would bury every other message.
    errors: list[ContentError] = []
    for number, line in enumerate(text.split("\n"), 1):
        found = [(m.start(), m.group()) for m in CONTROL.finditer(line)]
        if not found:
            continue
        (column, char), more = found[0], len(found) - 1
        errors.append(
            ContentError(
                f"an invisible control character, U+{ord(char):04X}, at column {column + 1}"
                + (f" and {more} more on the line" if more else "")
                + " (pasted text often brings them)",
                rel,
                number,
                "delete it, or put a space or a line break in its place",
            )
        )
    hint = "search the file for them: your editor's find, in regular-expression mode, with "
    return _at_most(errors, rel, "and on {count} more lines, to line {last}", hint + _CONTROL_SHOWN)


#: The lines with a control character said one by one (see _control_characters).
_CONTROL_LINES = 20
# The same characters, as an editor's find takes them: [\x00-\x08...\u2028\u2029...].
_CONTROL_SHOWN = CONTROL.pattern.encode("unicode_escape").decode("ascii")


def as_written(kind: Any, value: Any) -> Any:
    """``value`` from front matter that failed validation elsewhere, read as the models read
    a ``kind`` (a model, a field's type), or None where they refuse it (validation said why):
    what does not depend on the field at fault is then checked all the same."""
    adapter = _ADAPTERS.get(kind)
    if adapter is None:
        adapter = _ADAPTERS[kind] = TypeAdapter(kind)
    try:
        return adapter.validate_python(value)
    except ValidationError:
        return None


def each_as_written(kind: Any, items: Any) -> list[Any]:
    """Each item of a written list as :func:`as_written` reads it, in its place."""
    return [as_written(kind, item) for item in items] if isinstance(items, list) else []


_ADAPTERS: dict[Any, TypeAdapter[Any]] = {}


def text_tokens(body: str) -> list[Any]:
    from .markdown import source_parser  # only for a text that may hold what is looked for

    return source_parser().parse(body)


def _unclosed_comments(tokens: list[Any], lines: list[str]) -> Iterator[tuple[int, bool]]:
    """(line from 0, whether in raw HTML) of each HTML comment ('<!--') the text never closes.

    In raw HTML (a block), an open comment hides everything after it in the page. In a
    paragraph, a heading or a table cell, the parser reads '<!--' as a comment only when it
    is closed there: an open one stays text, and readers see the editor's note. A '<!--' in
    code, or written '\\<!--' or '&lt;!--' (its '<' a token of its own), is text as meant.
    """
    for token in tokens:
        if not token.map:
            continue
        if token.type == "html_block":
            yield from ((token.map[0] + line, True) for line in _open_in_html(token.content))
        elif token.type == "inline":
            yield from ((line, False) for line in _open_in_text(token, lines))


# A comment's opening, or a tag (CommonMark's open tag, 6.6), skipped whole: a '<!--' in one
# of its attribute values (alt="<!-- arrow") opens no comment.
_COMMENT_OR_TAG = re.compile(
    r"(<!--)|<[A-Za-z][A-Za-z0-9-]*"
    r"(?:\s+[A-Za-z_:][A-Za-z0-9_.:-]*(?:\s*=\s*(?:[^\s\"'=<>`]+|'[^']*'|\"[^\"]*\"))?)*\s*/?>"
)


def _open_in_html(html: str) -> Iterator[int]:
    at = 0
    while found := _COMMENT_OR_TAG.search(html, at):
        if not found.group(1):
            at = found.end()
            continue
        # '<!-->' and '<!--->' are comments too (empty ones), closed where they open.
        end = html.find("-->", found.start() + 2)
        if end < 0:
            yield html.count("\n", 0, found.start())
            return
        at = end + 3


def _open_in_text(inline: Any, lines: list[str]) -> Iterator[int]:
    first, end = inline.map
    line = first
    for child in _inline_tokens(inline.children or []):
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        elif child.type == "html_inline":
            line += child.content.count("\n")
        elif child.type == "text" and "<!--" in child.content:  # a text is on one line
            # A line break in a code span or a link's address is no token: the count can fall
            # short of the line, never pass it. The first line from there showing '<!--'.
            yield next((n for n in range(line, min(end, len(lines))) if "<!--" in lines[n]), line)


def _inline_tokens(tokens: list[Any]) -> Iterator[Any]:
    for token in tokens:
        yield token
        if token.type == "image":  # its alt text
            yield from _inline_tokens(token.children or [])


def key_line(root: Path, rel: str, key: str) -> int | None:
    """The line of a top-level ``key`` in a file that loaded fine (None if not written)."""
    # Only for errors between files (a feed id or an issue number used twice): the file
    # loaded fine, and its lines are not kept (a cached entry's were never read). Rare
    # enough to read the file again.
    try:
        doc = split(read_text(root / rel, rel), rel)
    except (DopemailError, OSError):
        return None
    return doc.meta.key_lines.get(key)


# The sentences `dopemail new` leaves for the editor to replace (its default templates), in
# each language dopemail has words for: recognized in the language they were written in,
# whatever the publication's language is now.
_PLACEHOLDER = re.compile(
    r"(Write the piece here, in Markdown\.|Write the intro of [^\n]{1,200}? No\. \d+ here\."
    r"|Écrivez l’article ici, en Markdown\."
    r"|Écrivez ici l’introduction de [^\n]{1,200}? [Nn]°[ \u00a0]\d+\.)"
)
_PLACEHOLDER_STARTS = ("Write the ", "Écrivez ")


# The examples `dopemail new entry` writes in its commented fields that no real piece says
# (not "Los Angeles" or "35mm print", which one may): left in a field uncommented, they were
# published ("Venue Name", "123 Street Name"). In the publication's language, as written.
_EXAMPLES = (
    N_("One or two sentences for feeds and newsletter cards."),
    N_("The quotation (marks you copy around it are dropped, the page adds its own)"),
    N_("Who says it"),
    N_("Director Name"),
    N_("Writer Name"),
    N_("Actor Name"),
    N_("Author Name"),
    N_("Venue Name"),
    N_("123 Street Name"),
    N_("Service Name"),
    N_("Name One"),
    N_("Name Two"),
    N_("Moderator Name"),
    N_("123 Street Name, Los Angeles"),
    N_("Director, The Film (2024)"),
    N_("What the picture shows"),
    N_("The caption under it"),
    N_("Images courtesy and © Distributor, 2024."),
    N_("Q&A after the film"),
)
_EXAMPLE_URLS = (
    "https://venue.example/tickets",
    "https://venue.example/tickets/0309",
    "https://service.example/film",
    "https://video.example/watch",
    "https://venue.example/event",
)
#: The example venue of a scaffold in English for a publication on a European clock (Los
#: Angeles's, written at Paris's offset, was told to be abroad once uncommented): its words as
#: the French scaffold's. Its street is an example, as "123 Street Name" is.
PARIS_VENUE = {
    "address": "12 rue de l’Exemple",
    "city": "Paris",
    "postal_code": "75011",
    "event_address": "12 rue de l’Exemple, 75011 Paris",
}
#: Examples that are examples only in the field the scaffold writes them in (its path's last
#: names): "Character" is a film's title (Mike van Diem's, 1997) and "Photographer" a role,
#: but no film is "The Film" from "Distributor", and no photo is credited to "Photographer".
_FIELD_EXAMPLES = {
    N_("The Film"): ("film", "title"),
    N_("Le Film"): ("film", "original_title"),
    N_("The Book"): ("based_on", "title"),
    N_("Distributor"): ("film", "distributor"),
    N_("Character"): ("role",),
    N_("Photographer"): ("credit",),
}
#: The film's facts as the scaffold writes them: each one a real film may have, not all at
#: once (see :func:`dopemail.notices.notes`).
FILM_EXAMPLE_FACTS = {
    ("year",): 2024,
    ("runtime",): 105,
    ("countries",): ["France"],
    ("language",): N_("French"),
    ("based_on", "year"): 1987,
}

#: The page's address and the feed id as the scaffold writes them: published, they could
#: never change again.
_FIELD_VALUES = {"my-film": ("slug",), "tag:example.com,2019-05-01:my-film": ("id",)}


@lru_cache(maxsize=4)
def _examples(language: str) -> tuple[frozenset[str], dict[str, set[tuple[str, ...]]]]:
    words = wording_for(language)
    paris = (PARIS_VENUE["address"], PARIS_VENUE["event_address"])
    anywhere = frozenset({*_EXAMPLES, *map(words.gettext, _EXAMPLES), *_EXAMPLE_URLS, *paris})
    # As written in the scaffold of the publication's language, and in English (a scaffold
    # made before the language was set): each example with the fields it is one in.
    in_field: dict[str, set[tuple[str, ...]]] = {v: {w} for v, w in _FIELD_VALUES.items()}
    for example, where in _FIELD_EXAMPLES.items():
        for written in (example, words.gettext(example)):
            in_field.setdefault(written, set()).add(where)
    return anywhere, in_field


def examples_left(doc: Document, rel: str, language: str) -> list[DopemailError]:
    """The examples of `dopemail new` left in fields of an entry about to be published."""
    anywhere, in_field = _examples(language)

    found: list[tuple[tuple[Any, ...], str]] = []

    def walk(node: Any, loc: tuple[Any, ...]) -> None:
        # Each text value looked up as it is met, its place made only for an example: every
        # value's (a generator per level, a tuple per value) was 2 % of a cold build.
        for key, value in node.items() if isinstance(node, dict) else enumerate(node):
            if isinstance(value, str):
                written = value.strip()
                if written in anywhere or written in in_field:
                    found.append(((*loc, key), value))
            elif isinstance(value, (dict, list)):
                walk(value, (*loc, key))

    def left(loc: tuple[Any, ...], value: str) -> bool:
        written = value.strip()
        if written in anywhere:
            return True
        # The field's names, a film of 'films' as 'film': ('film', 'title') is a film's
        # title, not its source work's ('based_on', 'title').
        names = tuple("film" if part == "films" else part for part in loc if isinstance(part, str))
        return any(names[-len(where) :] == where for where in in_field[written])

    if isinstance(doc.meta, (dict, list)):
        walk(doc.meta, ())
    return [
        ContentError(
            f"{field_path(loc)}: '{value}' is the example 'dopemail new' wrote",
            rel,
            line_of(doc.meta, loc),
            "write what this piece says in its place, or put back 'draft: true' until it does",
        )
        for loc, value in found
        if left(loc, value)
    ]


def placeholder(doc: Document, rel: str, hint: str) -> list[DopemailError]:
    """The scaffold's placeholder left in a text about to be published, at its line."""
    maybe = any(start in doc.body for start in _PLACEHOLDER_STARTS)
    found = _PLACEHOLDER.search(doc.body) if maybe else None
    if found is None:
        return []
    line = doc.body_line + doc.body.count("\n", 0, found.start())
    message = f"the text still holds the sentence 'dopemail new' put there: '{found.group(1)}'"
    return [ContentError(message, rel, line, hint)]
