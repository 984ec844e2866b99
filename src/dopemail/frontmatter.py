"""Split a Markdown file into its YAML front matter and body, keeping each key's line.

YAML errors are translated into :class:`ContentError` here, where they enter. The loader keeps
timestamps as strings: dates are parsed by the model, which knows the publication's time zone
and can point at the key's own line when a date is impossible.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from .errors import NESTED_TOO_DEEPLY, ContentError, DopemailError, deepest_line, raise_all

_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LineDict(dict):
    """A mapping that remembers the line of each key and of itself (1-based, in the file)."""

    start_line: int = 0
    key_lines: dict[Any, int]


class LineList(list):
    """A sequence that remembers the line of each item."""

    start_line: int = 0
    item_lines: list[int]


class _KeyTwice(yaml.constructor.ConstructorError):
    """A key given twice in one mapping: the fix is about keys, not quoting."""

    hint = "keep one of the two, with what both say (a key is given once where it stands)"


def _check_key(key: Any, mapping: LineDict, node: yaml.Node) -> None:
    if not isinstance(key, str | int | float | bool) and key is not None:
        raise yaml.constructor.ConstructorError(
            None, None, "a key must be a plain word", node.start_mark
        )
    if key in mapping:
        first = mapping.key_lines.get(key)
        said = f" (first on line {first})" if first else ""
        raise _KeyTwice(None, None, f"the key '{key}' appears twice{said}", node.start_mark)


class _LineLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    line_offset = 0

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> LineDict:
        own_keys = sum(1 for key, _ in node.value if key.tag != "tag:yaml.org,2002:merge")
        self.flatten_mapping(node)
        # What a merge (<<: *landmark) brought comes first: the mapping's own keys may set
        # those again, as YAML means them to; one of its own written twice is a mistake.
        merged = len(node.value) - own_keys
        mapping, own = LineDict(), LineDict()
        mapping.start_line = node.start_mark.line + 1 + self.line_offset
        mapping.key_lines, own.key_lines = {}, {}
        for index, (key_node, value_node) in enumerate(node.value):
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1 + self.line_offset
            if index >= merged:
                _check_key(key, own, key_node)
                own[key] = None
                own.key_lines[key] = line
            mapping[key] = self.construct_object(value_node, deep=True)
            mapping.key_lines[key] = line
        return mapping

    def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> LineList:
        seq = LineList(self.construct_object(child, deep=True) for child in node.value)
        seq.start_line = node.start_mark.line + 1 + self.line_offset
        seq.item_lines = [child.start_mark.line + 1 + self.line_offset for child in node.value]
        return seq


_LineLoader.add_constructor("tag:yaml.org,2002:map", _LineLoader.construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _LineLoader.construct_sequence)
# Dates stay strings: the model parses them with the publication's zone and a precise message.
_LineLoader.add_constructor(
    "tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node)
)


class _Unusual(Exception):
    """Front matter that is not plain mappings, lists and scalars: read the general way."""


# Types a text is read as without a word: '!' alone (a tag without a name, which YAML drops:
# 'title: ! Quiet' is 'Quiet') and '!!binary' ('!!binary aGk=' is 'hi').
_TAGS_MISREAD = ("!", "tag:yaml.org,2002:binary")


def _misread_text(text: str) -> tuple[int, str] | None:
    """The line (0-based) of the first text YAML reads as other than written, and the sign
    it begins with: a text given a name (YAML's anchor, '&name') that nothing repeats
    ('*name'), or a type YAML drops or decodes ('!'). 'title: &Strangers and more' is the
    text 'and more' named 'Strangers' (and '&Strangers' alone, nothing): what was meant would
    be lost."""
    named: dict[str, int] = {}
    repeated: set[str] = set()
    typed: list[int] = []
    try:
        for event in yaml.parse(text, Loader=_BaseLoader):
            if isinstance(event, ScalarEvent):
                if event.anchor is not None:
                    named.setdefault(event.anchor, event.start_mark.line)
                if event.tag in _TAGS_MISREAD and not typed:
                    typed.append(event.start_mark.line)
            elif isinstance(event, AliasEvent):
                repeated.add(event.anchor)
    except yaml.YAMLError:
        return None  # broken: the general way words it
    found = [(line, "&") for name, line in named.items() if name not in repeated]
    found += [(line, "!") for line in typed]
    return min(found) if found else None


# Plain scalars: the implicit resolvers by first character (PyYAML's own table, read once).
_RESOLVERS: dict[str, tuple[tuple[str, Any], ...]] = {
    first: tuple(found) + tuple(_LineLoader.yaml_implicit_resolvers.get(None, []))
    for first, found in _LineLoader.yaml_implicit_resolvers.items()
    if first is not None
}
_WILDCARD = tuple(_LineLoader.yaml_implicit_resolvers.get(None, []))
# A tuple made once: ``str | int | ...`` in the loop made a union object for every key.
_KEY_TYPES = (str, int, float, bool, type(None))


# What _LineLoader's scalar constructors (int, float, bool, null; dates stay text) are called
# on: they read nothing but the node's value and the class's tables.
_SCALARS = yaml.constructor.SafeConstructor()


def _plain(text: str) -> Any:
    """A plain (unquoted) scalar's value, typed as PyYAML's implicit resolvers type it."""
    for tag, pattern in _RESOLVERS.get(text[:1], _WILDCARD):
        if pattern.match(text):
            construct = _LineLoader.yaml_constructors.get(tag)
            if construct is None:  # a merge key, '=' (!!value): the general way
                raise _Unusual
            return construct(_SCALARS, yaml.ScalarNode(tag, text))
    return text


# -- plain block YAML, read a line at a time (see _Block) -------------------------------------

# What makes a text more than plain block YAML for _Block: tabs, other line breaks (\r, \x85,
# \u2028, \u2029), the byte order mark, and every character YAML does not allow unescaped.
_ODD_CHARACTER = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]"
)
# A key that is a word, its colon, and the value on its line if any.
_KEY_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]{0,200}):(?: +(.+))?")
# Words PyYAML reads as other than text (booleans, null): as keys, the general way says no.
_TYPED_WORDS = frozenset(
    w
    for word in ("yes", "no", "true", "false", "on", "off", "null")
    for w in (word, word.capitalize(), word.upper())
)
_DOUBLE_QUOTED = re.compile(r'"([^"\\]*)"')
_SINGLE_QUOTED = re.compile(r"'((?:[^']|'')*)'")
# A plain scalar may not start with these (YAML's indicators), nor contain ': ' or ' #'.
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
# First characters of a plain scalar that no implicit resolver looks at: the value is text.
_TEXT_FIRST = (
    frozenset(chr(c) for c in range(0x20, 0x7F)) - _INDICATORS - set(_RESOLVERS)
    if not _WILDCARD
    else frozenset()
)
_BLOCK_SCALARS = frozenset((">", ">-", "|", "|-"))


def plain_value(text: str) -> Any:
    """What YAML makes of ``text`` written unquoted on its own: a number, true, null or text."""
    try:
        return _plain(text)
    except _Unusual:
        return text


def _plain_line(text: str) -> bool:
    """Whether a line of a plain scalar reads as itself: no indicator first, no ': ', no ' #'."""
    return not (text[0] in _INDICATORS or ": " in text or " #" in text or text[-1] == ":")


def _flow_list(text: str, line: int) -> LineList:
    """``[a, b, c]`` of plain scalars on one line, or :class:`_Unusual`."""
    inner = text[1:-1]
    if any(c in inner for c in "[]{}\"'#"):
        raise _Unusual
    items = LineList()
    items.start_line = line
    if inner.strip(" "):
        for part in inner.split(","):
            part = part.strip(" ")
            if not part or not _plain_line(part):
                raise _Unusual
            items.append(_plain(part))
    items.item_lines = [line] * len(items)
    return items


def _one_line(text: str, line: int) -> Any:
    """A value written whole on its line: plain, quoted or ``[a, b]``; else :class:`_Unusual`."""
    first = text[0]
    if first in _TEXT_FIRST:  # most values: _plain_line's test without its first check
        if ": " in text or " #" in text or text[-1] == ":":
            raise _Unusual
        return text
    if first == '"':
        quoted = _DOUBLE_QUOTED.fullmatch(text)
        if quoted:
            return quoted.group(1)
    elif first == "'":
        quoted = _SINGLE_QUOTED.fullmatch(text)
        if quoted:
            return quoted.group(1).replace("''", "'")
    elif first == "[":
        if text[-1] == "]":
            return _flow_list(text, line)
    elif _plain_line(text):
        return _plain(text)
    raise _Unusual  # an escape, a comment after the value, an anchor, a tag...


class _Block:
    """Plain block YAML -> LineDict/LineList/values, a line at a time, without a parser.

    Front matter is block mappings and lists whose keys are words and whose values are plain
    or quoted scalars (a long one wrapped over lines), ``>-``-style text blocks and ``[a, b]``
    lists. Its YAML was the largest part of rendering an entry (about 30%, most of it
    libyaml's events: an object with two position objects each); read here, it costs about a
    quarter less (callgrind: 1.95M against 2.67M instructions a benchmark entry). Anything
    else (an escaped or multi-line quoted value, a comment after a value, an anchor or tag, a
    tab, a text block with deeper lines, an odd indentation, a repeated key) raises
    :class:`_Unusual` and :class:`_Events` reads the file: values, lines and error messages
    are PyYAML's. A test compares both ways on thousands of generated documents.
    """

    def __init__(self, text: str, offset: int) -> None:
        if _ODD_CHARACTER.search(text):
            raise _Unusual
        self.lines = text.split("\n")
        self.offset = offset
        # (column, line, text or None for a list item's dash, blank lines just before or -1
        # after a comment line): "- a: 1" is a dash, then "a: 1" at its column, same line.
        rows: list[tuple[int, int, str | None, int]] = []
        gap = 0
        for number, raw in enumerate(self.lines, offset):
            body = raw.lstrip(" ")
            if not body:
                if gap >= 0:
                    gap += 1
                continue
            if body[0] == "#":
                gap = -1  # a comment on a line of its own (or a text block's line)
                continue
            column = len(raw) - len(body)
            if body[0] == "-" and body[1:2] == " ":
                item = body[1:].lstrip(" ")
                if not item or item[0] == "#":
                    raise _Unusual  # the item's value on the lines below
                rows.append((column, number, None, gap))
                column += len(body) - len(item)
                body = item
            rows.append((column, number, body.rstrip(" "), gap))
            gap = 0
        self.rows = rows

    def document(self) -> Any:
        rows = self.rows
        if not rows:
            return None
        if rows[0][0] != 0 or rows[0][2] is None:
            raise _Unusual  # an indented or list document: the general way words it
        value, end = self._node(0, -1)
        if end != len(rows) or not isinstance(value, LineDict):
            raise _Unusual
        return value

    def _node(self, at: int, parent: int) -> tuple[Any, int]:
        """The value whose first row is ``at``, inside a block at column ``parent``."""
        column, line, text, _ = self.rows[at]
        if text is None:
            return self._list(at, column)
        if _KEY_LINE.fullmatch(text):
            return self._mapping(at, column)
        return self._scalar(text, line, at + 1, parent)

    def _scalar(self, text: str, line: int, at: int, parent: int) -> tuple[Any, int]:
        """The scalar starting with ``text`` on ``line``, then rows from ``at`` deeper than
        ``parent`` (its next lines), if any."""
        rows = self.rows
        if at == len(rows) or rows[at][0] <= parent:
            return _one_line(text, line), at  # (a text block's header alone: _Unusual)
        if text in _BLOCK_SCALARS:
            return self._text_block(text, line, at, parent)
        if not _plain_line(text):
            raise _Unusual  # a quoted or [flow] value over several lines
        # Wrapped: each next line joins with a space, or with a line break per blank line.
        parts = [text]
        count = len(rows)
        while at < count and rows[at][0] > parent:
            _, _, part, gap = rows[at]
            if part is None or gap < 0 or not _plain_line(part):
                raise _Unusual
            parts.append("\n" * gap if gap else " ")
            parts.append(part)
            at += 1
        return _plain("".join(parts)), at

    def _text_block(self, style: str, line: int, at: int, parent: int) -> tuple[str, int]:
        """A ``>``/``|`` text block (clipped, or stripped with ``-``), from the raw lines."""
        lines, index = self.lines, line - self.offset + 1
        texts: list[str | None] = []  # None: a blank line
        indent = last = 0
        while index < len(lines):
            raw = lines[index]
            body = raw.lstrip(" ")
            if not body:
                if indent and len(raw) > indent:
                    raise _Unusual  # spaces past the indentation are text
                texts.append(None)
            else:
                column = len(raw) - len(body)
                if column <= parent:
                    break
                if not indent:
                    indent = column
                # Deeper lines (kept as they are, even in '>'), a leading blank line and
                # trailing spaces follow finer rules: the general way reads them.
                if column != indent or texts[:1] == [None] or raw[-1] == " ":
                    raise _Unusual
                texts.append(body)
                last = index
            index += 1
        while texts and texts[-1] is None:
            texts.pop()
        if style[0] == "|":
            value = "\n".join(t or "" for t in texts)
        else:
            parts: list[str] = []
            blanks = 0
            for text in texts:
                if text is None:
                    blanks += 1
                    continue
                if parts:
                    parts.append("\n" * blanks if blanks else " ")
                parts.append(text)
                blanks = 0
            value = "".join(parts)
        if style[-1] != "-" and last < len(lines) - 1:
            value += "\n"  # clipped: the line break after the last line, if the text has one
        end = index + self.offset  # the first line after the block
        rows, count = self.rows, len(self.rows)
        while at < count and rows[at][1] < end:
            at += 1
        return value, at

    def _mapping(self, at: int, column: int) -> tuple[LineDict, int]:
        rows, count = self.rows, len(self.rows)
        mapping = LineDict()
        mapping.start_line = rows[at][1]
        lines: dict[Any, int] = {}
        mapping.key_lines = lines
        key_line = _KEY_LINE.fullmatch
        while at < count:
            row_column, line, text, _ = rows[at]
            if row_column != column or text is None:
                break
            found = key_line(text)
            if found is None:
                raise _Unusual
            key, rest = found.groups()
            if key in _TYPED_WORDS or key in mapping:
                raise _Unusual  # a key read as a boolean or null, or repeated
            at += 1
            after = rows[at][0] if at < count else -1
            if rest and after <= column:
                value = _one_line(rest, line)  # most values: no call to _scalar
            elif rest:
                value, at = self._scalar(rest, line, at, column)
            elif after > column:
                value, at = self._node(at, column)
            elif after == column and rows[at][2] is None:
                value, at = self._list(at, column)  # "key:" then "- item" at its column
            else:
                value = None
            if at < count and rows[at][0] > column:
                raise _Unusual  # an odd indentation
            mapping[key] = value
            lines[key] = line
        if at < count and rows[at][0] == column:
            raise _Unusual  # a list item among keys
        return mapping, at

    def _list(self, at: int, column: int) -> tuple[LineList, int]:
        rows, count = self.rows, len(self.rows)
        items = LineList()
        items.start_line = rows[at][1]
        item_lines: list[int] = []
        items.item_lines = item_lines
        while at < count and rows[at][0] == column and rows[at][2] is None:
            item_lines.append(rows[at][1])
            value, at = self._node(at + 1, column)
            items.append(value)
            if at < count and rows[at][0] > column:
                raise _Unusual
        return items, at


class _Events:
    """libyaml's events -> LineDict/LineList/values directly, for the common front matter.

    Composing nodes first (and resolving every scalar's tag through PyYAML's Python resolver)
    cost a third of loading an entry. Anything but plain mappings, lists and scalars (an
    anchor, a tag, a merge key, a repeated or complex key, a second document) raises
    :class:`_Unusual`, and the file is parsed again the general way, which also words every
    error as before.
    """

    def __init__(self, loader: _LineLoader) -> None:
        self.loader = loader
        self.get = loader.get_event
        self.offset = 1 + loader.line_offset

    def document(self) -> Any:
        get = self.get
        get()  # stream start
        if isinstance(get(), StreamEndEvent):
            return None
        value = self.value(get())
        get()  # document end
        if not isinstance(get(), StreamEndEvent):
            raise _Unusual
        return value

    def value(self, event: Any) -> Any:
        if event.anchor is not None or event.tag is not None:
            raise _Unusual
        kind = type(event)
        if kind is ScalarEvent:
            text = event.value
            if not event.implicit[0]:  # quoted
                return text
            return _plain(text)
        get, offset = self.get, self.offset
        if kind is MappingStartEvent:
            mapping = LineDict()
            mapping.start_line = event.start_mark.line + offset
            lines: dict[Any, int] = {}
            mapping.key_lines = lines
            while type(key_event := get()) is not MappingEndEvent:
                if type(key_event) is not ScalarEvent:
                    raise _Unusual
                key = self.value(key_event)
                if key in mapping or not isinstance(key, _KEY_TYPES):
                    raise _Unusual
                mapping[key] = self.value(get())
                lines[key] = key_event.start_mark.line + offset
            return mapping
        if kind is SequenceStartEvent:
            items = LineList()
            items.start_line = event.start_mark.line + offset
            item_lines: list[int] = []
            items.item_lines = item_lines
            while type(item := get()) is not SequenceEndEvent:
                items.append(self.value(item))
                item_lines.append(item.start_mark.line + offset)
            return items
        raise _Unusual


@dataclass(frozen=True)
class Document:
    """A parsed source file: its front matter (with lines) and its Markdown body."""

    meta: LineDict
    body: str
    body_line: int


# Errors PyYAML and libyaml report where they give up, after something opened earlier: the
# context (what was opened, and where), what it is, and how to fix it.
_UNCLOSED = {
    "while parsing a flow sequence": (
        "the list opened with '[' on this line is not closed",
        "end it with ']' on this line, or write one '- item' per line instead",
    ),
    "while parsing a flow mapping": (
        "the '{' on this line is not closed",
        "end it with '}', or write the fields one per line, indented",
    ),
    "while scanning a quoted scalar": (
        "the quoted text that starts on this line is not closed",
        "end it with the same quote it starts with (\" or ')",
    ),
}


# PyYAML's and libyaml's words for a backslash in double quotes that is no escape.
_ESCAPE_ERRORS = (
    "found unknown escape character",
    "did not find expected hexdecimal number",
    "expected escape sequence of",
    "found invalid Unicode character escape code",
)
# YAML's escapes in double quotes: a character, or x, u, U and their 2, 4, 8 hex digits.
_ESCAPE = re.compile(
    r"\\(?:[0abt\tnvfre \"/\\N_LP]|x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|$)"
)


def _bad_escape(line: str) -> str | None:
    """The first backslash and the character after it on ``line`` that is no YAML escape."""
    at = 0
    while (at := line.find("\\", at)) != -1:
        found = _ESCAPE.match(line, at)
        if found is None:
            return line[at : at + 2]
        at = found.end()
    return None


# A 'key: ' or '- ' followed by a quoted value whose closing quote is not on the line.
_OPEN_QUOTE = re.compile(
    r"""^\s*(?:-\s+)?(?:[^\s#'"][^:#]*:\s+)?(?:"(?:[^"\\]|\\.)*|'(?:[^']|'')*)$"""
)


def _indent(line: str) -> str:
    """The whitespace a line starts with."""
    return line[: len(line) - len(line.lstrip(" \t"))]


def _open_quote_line(text: str, first: int, last: int) -> int | None:
    """The first line from ``first`` to before ``last`` (0-based) whose quoted value is open."""
    for number, line in enumerate(text.splitlines()[first:last], first):
        if _OPEN_QUOTE.match(line.rstrip()):
            return number
    return None


# A field whose plain value holds ': ' too: 'title: Mission: Impossible'.
_TWO_COLONS = re.compile(r"^\s*(?:- )?([\w-]+): [^\"'#][^#]*?: ")

# Where a wrong indentation is noticed, in PyYAML's words, and in the editor's.
_INDENTATION = {
    # PyYAML's words for a ': ' it did not expect ("mapping values are not allowed here").
    "mapping values are not allowed here": (
        "a ': ' here reads as a second field on one line (a value holding ': ' must be in "
        "double quotes), or the line is indented under one that takes no fields"
    ),
    "mapping values are not allowed in this context": (
        "a field YAML did not expect here: this line or the one above is indented wrongly, "
        "or a value holding ': ' is not in double quotes"
    ),
    "did not find expected key": "this line is not indented like the lines around it",
    "did not find expected '-' indicator": "this line is not indented like the lines around it",
    "expected <block end>, but found '-'": "this line is not indented like the lines around it",
}


# A field written without its ': ' ('author DoPe Press', 'kind:review', 'kind：review'): the
# name, what stands where ': ' should, and the value.
_NO_COLON = re.compile(r"^[ ]*(?:- +)?([A-Za-z_][\w-]*)(:(?! )|：[ ]?|[ ]+)(?!#)(\S.*?)[ ]*$")


# A field or a list's item on one line: its name (none for an item) and its value.
_ONE_LINE = re.compile(r"^[ ]*(?:- +)?(?:([A-Za-z_][\w-]*): +)?(\S.*?)[ ]*$")


# The errors PyYAML gives for a text begun with one of its signs, by sign.
_SIGN_ERRORS = {
    "*": "found undefined alias",
    "!": "could not determine a constructor for the tag",
    "|": "did not find expected comment or line break",
    ">": "did not find expected comment or line break",
}

# YAML's signs a value may begin with ('&Strangers'), and what YAML reads them as.
_MARKS = {
    "&": "a name given to the value (an anchor)",
    "*": "a reference to another value (an alias)",
    "!": "a type (a tag)",
}


def _read_otherwise(line: str, signs: str = "") -> tuple[str, str] | None:
    """What to say of a value that begins with a character YAML reads as something else than
    text (message, hint), if the line holds one. ``signs``: YAML's own signs to tell of too,
    those the error at hand is about ('&' named a text; '*' named no value, '!' no type; '|'
    and '>' were followed by text): elsewhere they are meant (a list named, and repeated)."""
    found = _ONE_LINE.match(line)
    if found is None:
        return None
    key, value = found.groups()
    named = f"the value of '{key}'" if key else "this item"
    quoted = f"{key}: " if key else "- "
    first = value[0]
    if first in "[{":
        close = value.find("]" if first == "[" else "}")
        inner = value[1:close] if close > 0 else value[1:]
        if (
            re.search(r"(?:^|[\s,])#", inner)
            and (hashed := _hashes_in_flow(line, found.start(2), key, close)) is not None
        ):
            held = "list" if first == "[" else "fields in braces"
            return (
                f"broken YAML: a '#' in the {held} on this line begins a comment: the rest of "
                "the line is left out",
                hashed,
            )
        after = value[close + 1 :].strip() if close > 0 else ""
        if not after or after.startswith("#"):
            return None  # a list or mapping as meant
        what = "a list" if first == "[" else "a mapping"
    elif first in "`%@":
        what = "one of its own signs"
    elif first in signs and first in _MARKS:
        what = _MARKS[first]
    elif first in signs and first in "|>" and re.match(r"[|>][-+0-9]*[ \t]+[^#\s]", value):
        what = "the start of a block of lines below it (the text cannot follow on its line)"
    else:
        return None
    return (
        f"broken YAML: {named} begins with '{first}', which YAML reads as {what}, not text",
        f"put the value in double quotes: {quoted}{yaml_text(value)}",
    )


# A '#' that begins a comment in a list in brackets: at an item's start, or after a space.
_FLOW_HASH = re.compile(r"(?:^|\s)#")
# A quoted value at an item's start, whole (as _COMMENTED in validation reads one).
_QUOTED_START = re.compile(r"""("(?:[^"\\]|\\.)*"|'(?:[^']|'')*')""")


def _hashes_in_flow(line: str, start: int, key: str | None, close: int) -> str | None:
    """The hint for a list in brackets, or fields in braces, on ``line`` (from ``start``, its
    ']' or '}' ``close`` on from there, -1 if not on it) cut by a '#' in an item: the line to
    write in its place, checked to read. Its values holding a '#' quoted; an issue's entries'
    '#' left as a comment, after the ']' (a slug holds no '#': quoted, it named an entry no
    file is). An example alone ('["#review", drama]', whatever the list) left the editor to
    make the line, and a list of slugs quoted with its note named no entry.

    None where each '#' is in a quoted value: none begins a comment, and the mistake is
    another (the line was told to quote its items, and given itself unchanged)."""
    example = "put each item holding a '#' in double quotes: [\"#review\", drama]"
    if close < 0:  # its items go on below: no one line to give
        return example
    inner = line[start + 1 : start + close]
    slugs = key == "entries" and line[start] == "[" and not any(c in inner for c in "[{")
    if not slugs:
        # Fields in braces, or lists within: each value quoted where it is, brackets and
        # braces as written ('- {name: Bob #1, role: Adam}' was told a list, ["name: Bob
        # #1", role: Adam], and a list of them cut at their inner commas, a broken line).
        done = _quote_hashed(line, start)
        if done is not None and not done[1]:
            return None  # no value quoted: each '#' was in quotes already
        if done is None or not reads(done[0]):
            return example
        written, used = done
        held = "value" if "{" in line[start : start + close] else "item"  # a field's, or an item
        # The quotes the line gives, in words: one holding double quotes goes in single ones
        # (told "in double quotes", it was given 'Dwayne "Rock" #1 Johnson').
        words = "double quotes"
        if used == {"'"}:
            words = "single quotes (it holds double quotes)"
        elif "'" in used:
            words = "quotes (double ones, or single ones where it holds double quotes)"
        return f"put each {held} holding a '#' in {words}, in place of this line:\n{written}"
    items, notes = [], []
    for item in _flow_items(inner):
        # After a quoted slug ('"a" #lead') as after a plain one; one inside it is its own.
        lead = _QUOTED_START.match(item)
        found = _FLOW_HASH.search(item, lead.end() if lead else 0)
        if found is not None:
            items.append(item[: found.start()].strip())
            notes.append(item[found.start() :].strip())
        else:
            items.append(item)
    written = f"{line[:start]}[{', '.join(i for i in items if i)}]{line[start + close + 1 :]}"
    if not notes:
        return None  # each '#' in a quoted slug: none begins a comment
    kept = written.rstrip()
    return (
        "a slug holds no '#': write what follows it as a comment, after the ']', in place "
        f"of this line:\n{kept} {' '.join(notes)}"
    )


def _quote_hashed(line: str, start: int) -> tuple[str, set[str]] | None:
    """``line`` with each plain value of the list or fields in brackets or braces at
    ``start`` that holds a '#' YAML reads as a comment quoted, as the editor wrote it
    (commas and all up to the next one), and the quotes it was given (' or "); None if
    they are not closed on the line."""
    out, value, depth, at = [line[:start]], "", 0, start
    used: set[str] = set()
    while at < len(line):
        char = line[at]
        if char in "\"'" and not value.strip():  # a quoted value, whole, to its own quote
            end = at + 1
            while end < len(line):
                if char == '"' and line[end] == "\\":  # an escape: its next character too
                    end += 2
                elif line[end] == char and line[end + 1 : end + 2] == char == "'":
                    end += 2  # '': an apostrophe in a single-quoted value
                elif line[end] == char:
                    break
                else:
                    end += 1
            value += line[at : end + 1]
            at = end + 1
            continue
        # What ends a plain value in brackets: a comma, a bracket, or ': ' after a field.
        if char in ",[]{}" or (char == ":" and line[at + 1 : at + 2] in ("", " ", ",", "]", "}")):
            core = value.strip()
            if core and core[0] not in "\"'" and _FLOW_HASH.search(core):
                value = value.replace(core, quoted(core), 1)
                used.add(quoted(core)[0])
            out.append(value + char)
            value = ""
            depth += 1 if char in "[{" else -1 if char in "]}" else 0
            if depth == 0:
                return "".join(out) + line[at + 1 :], used
        else:
            value += char
        at += 1
    return None


def reads(line: str) -> bool:
    """Whether ``line``, alone, is YAML that reads (a hint's line is checked before it is
    given: one PyYAML rejects would send the editor round again)."""
    try:
        yaml.load(line.strip(), Loader=_BaseLoader)
    except yaml.YAMLError:
        return False
    return True


def _flow_items(inner: str) -> list[str]:
    """The items of a list in brackets, as written between its commas (a quoted one whole,
    commas and all)."""
    items, item, quote = [], "", ""
    for char in inner:
        if quote:
            quote = "" if char == quote and not item.endswith("\\") else quote
        elif char in "\"'" and not item.strip():
            quote = char
        elif char == ",":
            items.append(item.strip())
            item = ""
            continue
        item += char
    return [*items, item.strip()]


def _missing_colon(line: str) -> tuple[str, str] | None:
    """What to say of a line that is a field without its ': ' (message, hint), if it is one."""
    found = _NO_COLON.match(line)
    if found is None or ": " in line:
        return None
    key, between, value = found.groups()
    if key != key.lower():
        return None  # a name ('- Sigrid Aamodt'), not a field: fields are written lower case
    if between.startswith("："):
        what = f"the ':' after '{key}' is a full-width colon (：), which YAML does not read"
    elif between == ":":
        what = f"no space after the ':' of '{key}'"
    else:
        what = f"no ':' after '{key}'"
    return f"broken YAML: {what}", f"write it '{key}: {value}' (a ':' and a space after the name)"


# A field or list item whose value starts with a quote: what is before the value, the quote.
_QUOTED_VALUE = re.compile(r"""^([ ]*(?:- +)?(?:[^\s#'"][^:#]*:[ ]+)?)(['"])""")


# A field whose value is a block of lines below it ('summary: >-'): its indentation, name, sign.
_TEXT_OPENER = re.compile(r"^([ ]*)(?:- +)?([A-Za-z_][\w-]*):[ ]+([|>][-+]?)[ ]*(?:#.*)?$")
# A line that is a field (its name quoted or not) or a list's item, or begins a comment.
_FIELD_OR_ITEM = re.compile(r"^[ ]*(?:-(?:[ ]|$)|#|['\"]|[^\s:#'\"][^:#]*:(?:[ ]|$))")


def _text_left_out(lines: list[str], upto: int) -> tuple[int, str, str] | None:
    """A line, at or before ``upto`` (0-based), of the text of a field such as 'summary: >-'
    that is not indented under it, which ends the text (line, message, hint), if there is
    one. YAML notices it lines later, or takes it for a field missing its ':' ('funny:
    film about...'): the line to fix is the first one left out."""
    found = None
    for index in range(min(upto, len(lines) - 1) + 1):
        opener = _TEXT_OPENER.match(lines[index])
        if opener is None:
            continue
        column, key, sign = len(opener.group(1)), opener.group(2), opener.group(3)
        below, depth = index + 1, None
        while below <= upto and below < len(lines):
            line = lines[below]
            if line.strip() and len(_indent(line)) <= column:
                break
            if line.strip() and depth is None:
                depth = len(_indent(line))
            below += 1
        if below > upto or below >= len(lines) or _FIELD_OR_ITEM.match(lines[below]):
            continue
        colon = _missing_colon(lines[below])
        field: str | None = colon[1] if colon else "add ': ' after its name"
        if _ADDRESS.match(lines[below]):
            field = None  # a web address, no field named 'https'
        elif colon is not None:
            name = _NO_COLON.match(lines[below]).group(1)  # type: ignore[union-attr]
            if _set_elsewhere(lines, below, name):
                field = None  # the summary's 'film about the people...': 'film:' is set
            elif not colon[0].startswith("broken YAML: no ':' after") or name in _field_names():
                # A field missing its ': ' ('author DoPe Press', 'trailer:https://...'), told
                # as such.
                continue
        spaces = depth if depth is not None else column + 2
        found = (
            below,
            f"broken YAML: this line is not indented under '{key}: {sign}', so {key}'s text "
            "ends above it",
            f"if it is part of {key}, indent it by {spaces} spaces, as every line of a "
            f"'{sign}' text is under its field" + (f"; if it is a field, {field}" if field else ""),
        )
    return found


# A line that begins with a web address ('https://...'): text, not a field named 'https'.
_ADDRESS = re.compile(r"^[ ]*[A-Za-z][\w+.-]*://")


def _set_elsewhere(lines: list[str], index: int, name: str) -> bool:
    """Whether a field ``name`` is set on another line at the column of line ``index``."""
    column = _indent(lines[index])
    field = re.compile(rf"^{column}{re.escape(name)}:(?:[ ]|$)")
    return any(field.match(line) for number, line in enumerate(lines) if number != index)


@functools.cache
def _top_field_names() -> frozenset[str]:
    """The names of an entry's and an issue's own fields (not those inside them)."""
    from .models import Entry, Issue

    return frozenset((*Entry.model_fields, *Issue.model_fields))


@functools.cache
def _field_names() -> frozenset[str]:
    """Every field name an entry or an issue has, at any depth: a line of one of them without
    its ':' is a field, not a line of text (imported on a broken file only)."""
    from pydantic import BaseModel

    from .models import Entry, Issue
    from .validation import models_in  # (it imports this module)

    names: set[str] = set()
    seen: set[type] = set()

    def walk(model: type[BaseModel]) -> None:
        if model in seen:
            return
        seen.add(model)
        for name, field in model.model_fields.items():
            names.add(name)
            for inner in models_in(field.annotation):
                walk(inner)

    walk(Entry)
    walk(Issue)
    return frozenset(names)


def quoted(value: str) -> str:
    """``value`` quoted as YAML reads it whole, on one line: in single quotes where it holds
    double ones (an apostrophe written twice), else in double quotes. Told to put 'Andrew
    Haigh: "I was writing about ghosts"' in double quotes, an editor broke it again."""
    if '"' in value:
        return "'" + value.replace("'", "''") + "'"
    return yaml_text(value)


def _quote_it(line: str) -> str:
    """The hint for a line whose value is not read whole ('title: Mission: Impossible'): the
    line as it is to be written, its value quoted (its comment, after ' #', left out)."""
    found = re.match(r"^\s*((?:- +)?[\w-]+:[ ]+)(.*?)\s*$", line)
    if found is None:
        return 'put the value in double quotes: "..."'
    field, value = found.group(1), re.split(r"\s+#", found.group(2), maxsplit=1)[0]
    quotes = "single" if '"' in value else "double"
    return f"put the value in {quotes} quotes: {field}{quoted(value)}"


def _early_quote(line: str) -> tuple[str, str] | None:
    """What to say of a quoted value that ends before its line does ('Marit's Night',
    "Quiet" Hours), if the line holds one: (message, hint)."""
    found = _QUOTED_VALUE.match(line)
    if found is None:
        return None
    quote, start = found.group(2), found.end()
    at = start
    while (at := line.find(quote, at)) != -1:
        if quote == "'" and line.startswith("''", at):
            at += 2  # a quote written twice is one, inside '...'
        elif quote == '"' and line[at - 1] == "\\":
            at += 1
        else:
            break
    rest = line[at + 1 :].strip() if at != -1 else ""
    if at == -1 or not rest or rest.startswith("#"):
        return None
    value = line[found.start(2) :].strip()
    inner = value[1:-1] if len(value) > 1 and value.endswith(quote) else None
    if inner is not None and quote == "'":
        inner = inner.replace("''", "'")  # as meant: 'It''s' is It's
    if inner is not None:
        single = "'" + inner.replace("'", "''") + "'"
        double = '"' + inner.replace('"', '\\"') + '"'
    if quote == "'":
        hint = "inside '...', write an apostrophe twice, or put the value in double quotes"
        if inner is not None:
            hint += f": {single} or {double}"
    else:
        hint = 'inside "...", write a quote as \\" (or use curly quotes “ ”), or put the value '
        hint += "in single quotes"
        if inner is not None:
            hint += f": {double} or {single}"
    if inner is None:
        # '"Dune: Part Two" is a triumph': the quotes are the text's own, the whole value
        # quoted (the hint gave no line to write).
        whole = re.split(r"\s+#", value, maxsplit=1)[0]
        field = found.group(1).strip()
        hint += f": {field} {quoted(whole)}" if field else f": {quoted(whole)}"
    said = line[found.start(2) : at + 1]
    return f"broken YAML: the quoted value {said} ends before the line does ({rest})", hint


def _listed(lines: list[str], index: int, below: int) -> bool:
    """Whether line ``index`` is a list's item or a line of a ``>``/``|`` text block: words
    that need no ':' (a name under 'writers:', a summary's last line). Not an item whose
    next field is the line ``below`` ('- name Marit' then 'role: ...' at its column)."""
    if lines[index].lstrip().startswith("- "):
        column = len(_indent(lines[index])) + 2
        return len(_indent(lines[below])) != column
    depth = len(_indent(lines[index]))
    for number in range(index - 1, -1, -1):
        line = lines[number]
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if len(_indent(line)) < depth:
            return line.rstrip().endswith(("|", ">", "|-", ">-", "|+", ">+"))
    return False


def _continues(lines: list[str], index: int) -> bool:
    """Whether line ``index`` (0-based) may be the next line of a value wrapped from the line
    above it (deeper than a field with a value): then it is no field of its own."""
    above = _line_above(lines, index)
    if above is None:
        return False
    deeper = len(_indent(lines[index])) > len(_indent(lines[above]))
    opens = lines[above].rstrip().endswith(":") or lines[above].lstrip().startswith("- ")
    return deeper and not opens


# A value without its field's name: ': text', '  : text'.
_NO_KEY = re.compile(r"\s*:(?:\s|$)")
# A field commented out with nothing after it ('# screenings:'), the start of a block.
_COMMENTED_KEY = re.compile(r"(\s*)#\s?([A-Za-z_][\w-]*):\s*(?:#.*)?$")


def _commented_parent(lines: list[str], index: int) -> tuple[int, str] | None:
    """The line and name of a field left commented out right above an indented line that is
    not (a block of `dopemail new`'s examples uncommented but its first line): YAML read the
    lines under it as indented wrongly under the field before, lines above."""
    if not 0 < index < len(lines) or not lines[index].startswith(" "):
        return None
    above = index - 1
    while above >= 0 and not lines[above].strip():
        above -= 1
    found = _COMMENTED_KEY.match(lines[above]) if above >= 0 else None
    if found is None or len(found.group(1)) >= len(_indent(lines[index])):
        return None
    return above, found.group(2)


def _line_above(lines: list[str], index: int) -> int | None:
    """The last line before ``index`` (0-based) with something on it, if any."""
    for number in range(min(index, len(lines)) - 1, -1, -1):
        if lines[number].strip() and not lines[number].lstrip().startswith("#"):
            return number
    return None


def parse_yaml(text: str, path: Path | str, line_offset: int = 0) -> Any:
    """Parse YAML text, translating parser errors into a located :class:`ContentError`."""
    try:
        return _Block(text, 1 + line_offset).document()
    except (_Unusual, RecursionError):
        pass  # read by libyaml's events (which nest deeper), or the general way
    loader = _LineLoader(text)
    loader.line_offset = line_offset
    try:
        try:
            return _Events(loader).document()
        except (_Unusual, yaml.YAMLError):
            loader.dispose()
            misread = _misread_text(text)  # (only here: the fast ways read no '&' or '!')
            if misread is not None:
                named, sign = misread
                lines = text.split("\n")
                told = _read_otherwise(lines[named], sign) if named < len(lines) else None
                message, hint = told or (
                    f"broken YAML: a text begins with '{sign}', which YAML reads as "
                    f"{_MARKS[sign]}, not text",
                    "put the value in double quotes",
                )
                raise ContentError(message, path, named + 1 + line_offset, hint) from None
            loader = _LineLoader(text)  # the general way, from the start
            loader.line_offset = line_offset
        node = loader.get_single_node()
        return None if node is None else loader.construct_document(node)
    except RecursionError:
        what, fix = NESTED_TOO_DEEPLY
        line = deepest_line(text) + line_offset
        raise ContentError(f"broken YAML: {what}", path, line, fix) from None
    except yaml.MarkedYAMLError as exc:
        problem = exc.problem or exc.context or "invalid YAML"
        if problem == "exceeded maximum nesting depth":
            # libyaml's own limit on brackets within brackets (1000), the same mistake as
            # Python's RecursionError above; not a list begun where text was meant.
            what, fix = NESTED_TOO_DEEPLY
            line = deepest_line(text) + line_offset
            raise ContentError(f"broken YAML: {what}", path, line, fix) from None
        if problem.startswith(_ESCAPE_ERRORS) and exc.problem_mark is not None:
            # 'title: "Don\'t Look Up"', 'C:\Users': hinted to wrap in double quotes the
            # value that was in them.
            at = exc.problem_mark.line
            lines = text.split("\n")
            escape = _bad_escape(lines[at]) if at < len(lines) else None
            raise ContentError(
                "broken YAML: inside double quotes, a backslash starts an escape"
                + (f", and '{escape}' is not one" if escape else ""),
                path,
                at + 1 + line_offset,
                "drop the backslash, write \\\\ for a backslash itself, or put the value in single "
                "quotes, where a backslash is text (inside single quotes, a quote is written "
                "twice: 'Don''t')",
            ) from None
        # A text that begins with what YAML reads as something else ('[REC] 3', '`Tár`'),
        # told as an indentation or a list left open, whatever the line (the '[' is closed).
        all_lines = text.split("\n")
        marked = [m.line for m in (exc.context_mark, exc.problem_mark) if m is not None]
        # (A list cut short by a comment is noticed on the line after it.)
        signs = "".join(sign for sign, said in _SIGN_ERRORS.items() if said in problem)
        for number in (*marked, *(n - 1 for n in marked if n > 0)):
            misread = _read_otherwise(all_lines[number], signs) if number < len(all_lines) else None
            if misread is not None:
                line = number + 1 + line_offset
                raise ContentError(misread[0], path, line, misread[1]) from None
        unclosed = _UNCLOSED.get(exc.context or "")
        opened, stopped = exc.context_mark, exc.problem_mark
        # The parser notices a missing ']' or quote where the next thing starts, often lines
        # later: the line to fix is the one that opened it. (On that same line, the '[' may
        # well be closed, and a ',' missing.)
        if unclosed and opened and stopped is not None and stopped.line > opened.line:
            line = opened.line + 1 + line_offset
            raise ContentError(
                f"broken YAML: {unclosed[0]} ({problem})", path, line, unclosed[1]
            ) from None
        if exc.context == "while parsing a block mapping" and opened and stopped:
            # A quote left open runs on, over the next lines, to the next quote: the parser
            # then stumbles lines below the one to fix.
            quoted = _open_quote_line(text, opened.line, stopped.line)
            if quoted is not None:
                what, fix = _UNCLOSED["while scanning a quoted scalar"]
                line = quoted + 1 + line_offset
                raise ContentError(f"broken YAML: {what}", path, line, fix) from None
        lines = text.split("\n")
        left_out = _text_left_out(lines, stopped.line) if stopped is not None else None
        if left_out is not None:
            raise ContentError(
                left_out[1], path, left_out[0] + 1 + line_offset, left_out[2]
            ) from None
        # 'author DoPe Press' reads as the start of a key running on to the next line, where
        # the parser gives up: the line to fix is the one the key started on (or, when it is
        # told as a field YAML did not expect, the one above).
        started = None
        if exc.context == "while scanning a simple key" and opened is not None:
            started = opened.line
        elif (
            problem.startswith("mapping values are not allowed")
            and stopped is not None
            and stopped.line < len(lines)
            and not _TWO_COLONS.match(lines[stopped.line])  # 'section: Reviews: Norway'
        ):
            above = _line_above(lines, stopped.line)
            listed = above is not None and _listed(lines, above, stopped.line)
            if above is not None and not _continues(lines, above) and not listed:
                started = above
        if problem.startswith("did not find expected") and stopped is not None:
            early = _early_quote(lines[stopped.line]) if stopped.line < len(lines) else None
            if early is not None:
                raise ContentError(
                    early[0], path, stopped.line + 1 + line_offset, early[1]
                ) from None
        if started is not None and started < len(lines):
            colon = _missing_colon(lines[started])
            if colon is not None:
                raise ContentError(colon[0], path, started + 1 + line_offset, colon[1]) from None
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + line_offset if mark else None
        for at in (mark.line, mark.line - 1) if mark else ():
            if 0 <= at < len(lines) and _NO_KEY.match(lines[at]):
                # ': Images courtesy of ...': its field's name deleted. Told as an
                # indentation, which it is not.
                raise ContentError(
                    "broken YAML: this line has a value but no field name before its ':'",
                    path,
                    at + 1 + line_offset,
                    "write the field's name before the ':' (rights: ...), or delete the line",
                ) from None
        parent = _commented_parent(lines, mark.line) if mark else None
        if parent is not None:
            at, key = parent
            raise ContentError(
                f"broken YAML: the field '{key}' is still commented out, and the lines "
                "under it are not",
                path,
                at + 1 + line_offset,
                f"remove the '#' before '{key}:' (or put it back before the lines under it)",
            ) from None
        if mark and mark.line < len(lines) and "\t" in _indent(lines[mark.line]):
            # An editor's tab key: "cannot start any token" would not say what to do.
            raise ContentError(
                "broken YAML: a tab indents this line, and YAML indents with spaces only",
                path,
                line,
                "replace the tab with spaces (two per level, as on the lines around it)",
            ) from None
        if (
            mark
            and problem.startswith("mapping values are not allowed")
            and mark.line < len(lines)
            and _TWO_COLONS.match(lines[mark.line])
        ):
            # title: Mission: Impossible. Most often, not an indentation.
            key = _TWO_COLONS.match(lines[mark.line]).group(1)  # type: ignore[union-attr]
            raise ContentError(
                f"broken YAML: the value of '{key}' holds ': ', which YAML reads as another field",
                path,
                line,
                _quote_it(lines[mark.line]),
            ) from None
        above = _line_above(lines, mark.line) if mark and problem in _INDENTATION else None
        if (
            above is not None
            and mark is not None
            and mark.line < len(lines)
            and lines[mark.line].lstrip().startswith("- ")
            and re.search(r"(?:^|:)\s*\[[^\]]*\]\s*(?:#.*)?$", lines[above])
        ):
            # '- a-slug' added under 'entries:' and its '[]' (as 'new issue' writes a list
            # with none): a list is in brackets or one item a line, not both (QA: told only
            # to check the indentation, of two lines indented alike).
            raise ContentError(
                "broken YAML: a '- ' item follows a list written in brackets on line "
                f"{above + 1 + line_offset}",
                path,
                line,
                "a list is written either in brackets, [a, b], or one '- item' per line: "
                f"remove the brackets ({lines[above].strip().split('#')[0].strip()}) and keep "
                "the '- ' lines, or put the items in the brackets",
            ) from None
        hint = getattr(exc, "hint", None)
        if hint is None and above is not None:
            # A line indented wrongly is noticed on the next: "credit:" moved to column 0 was
            # told at the line after it, with nothing pointing back.
            hint = (
                f"check the indentation of this line and of line {above + 1 + line_offset} "
                "above it (YAML notices a line indented wrongly on the one after it), and "
                "the quoting: a value containing ': ' must be wrapped in double quotes"
            )
        raise ContentError(
            f"broken YAML: {_INDENTATION.get(problem, problem)}",
            path,
            line,
            hint
            or "check the indentation and quoting on this line; a value containing ': ' or "
            "starting with a quote, '*', '&' or '@' must be wrapped in double quotes",
        ) from None
    except yaml.YAMLError as exc:
        raise ContentError(f"broken YAML: {exc}", path, None, "fix the front matter") from None
    finally:
        loader.dispose()


# A no-break space where YAML needs a plain one: in an indentation, after a list's '-' or a
# key's ':'. YAML reads it as a character of the key or value (' title', an unknown field) or
# as broken YAML lines later. One inside a value ('Cléo de 5 à 7') is typography, and kept.
_STRAY_NBSP = re.compile(r"[ \t]*(?:-?\xa0|(?:-[ \t]+)?[^\s:#'\"\xa0-][^:#\xa0]*:\xa0)")


def _no_break_space(where: str, path: Path | str, line: int) -> ContentError:
    return ContentError(
        f"a no-break space (U+00A0) at column {where}",
        path,
        line,
        "replace it with a normal space (it comes with text pasted from a web page or a word "
        "processor)",
    )


def _no_break_spaces(lines: list[str], path: Path | str) -> None:
    """Raise an error for each front matter line with a no-break space YAML would misread."""
    errors: list[DopemailError] = []
    for number, line in enumerate(lines, 2):
        found = _STRAY_NBSP.match(line) if "\xa0" in line else None
        if found:
            errors.append(
                _no_break_space(f"{found.end()}, where YAML needs a plain space", path, number)
            )
    raise_all(errors)


def _no_break_spaces_in_keys(meta: Any, lines: list[str], path: Path | str) -> None:
    """Raise an error for each key of the front matter with a no-break space in it."""
    errors: list[DopemailError] = []

    def walk(node: Any) -> None:
        if isinstance(node, LineDict):
            for key, value in node.items():
                line = node.key_lines.get(key)
                if isinstance(key, str) and "\xa0" in key and line:
                    column = lines[line - 1].find("\xa0") + 1
                    where = f"{column}, in the field name '{key.strip()}'"
                    errors.append(_no_break_space(where, path, line))
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(meta)
    raise_all(errors)


# A line of dashes that is not '---': an em or en dash typed for it, with a hyphen or two.
_DASHES = re.compile(r"(?=.*[\u2012-\u2015])[-\u2012-\u2015]{1,3}")
# A line meant to close the front matter: a dash, or hyphens too few or many, or YAML's '...'.
_NEAR_FENCE = re.compile(rf"{_DASHES.pattern}|-{{2,}}|\.\.\.")
# A line of front matter: indented (a field's or a block's), a comment, a list item, a field.
_FIELD_LIKE = re.compile(r"\s|#|-(?:\s|$)|[^\s:#][^:]*:(?:\s|$)")
# A Markdown heading of the text ('## The film'), which YAML would take for a comment.
_HEADING = re.compile(r"#{2,6}\s")


# A line that begins with a dash glued to what follows it ('-drama'), not '---' or '--'.
_GLUED_DASH = re.compile(r"^[ ]*-[^\s-]", re.MULTILINE)
# A line that opens a '|' or '>' text: after a field's ':' or a list item's '-' (or several,
# '- - |', '- note: |'), an anchor or a tag maybe, the sign with its indicators ('|-', '>+',
# '|2'), then nothing but a comment. Group 1 ends where the node's parent is: the column of
# the last key or dash, from which YAML measures the text's indentation; group 2 or 3 the
# indentation indicator.
_TEXT_BLOCK_START = re.compile(
    r"^((?:[ ]*-[ ]+)*[ ]*)(?:-|[^\s#'\"\[{&!|>-][^#]*?:)"
    r"[ ]+(?:[&!]\S*[ ]+)*[|>](?:([1-9])[-+]?|[-+]([1-9])?)?[ ]*(?:#.*)?$"
)


def _text_block_lines(lines: list[str]) -> set[int]:
    """The indexes of ``lines`` inside a '|' or '>' text: below the line that opens it, each
    line indented deeper than the text's field or list item (or blank), as YAML reads them.
    Their dashes are the text's ('- drinks', '-snacks'), never a list's, however deep the
    text's lines go, and a 'key: |' among them is the text's too."""
    inside: set[int] = set()
    at = 0
    while at < len(lines):
        sign = _TEXT_BLOCK_START.match(lines[at].rstrip("\r\n"))
        at += 1
        if sign is None:
            continue
        parent = len(sign.group(1))
        explicit = sign.group(2) or sign.group(3)
        # With an indentation indicator the text's lines are at the parent's column and that
        # many more; without one, at any column deeper than the parent's (YAML takes the
        # first line's).
        deeper = parent + int(explicit) if explicit else parent + 1
        while at < len(lines):
            line = lines[at].rstrip("\r\n")
            if line.strip() and len(_indent(line)) < deeper:
                break
            inside.add(at)
            at += 1
    return inside


def _items_without_their_space(lines: list[str], path: Path | str) -> Iterator[ContentError]:
    """An error for each line of the front matter (``lines``, from its line 2) that is a
    list's item with no space after its dash ('-drama'), among items that have it: YAML reads
    it as text joined to the item above it, or cannot read the list (its error lines below).
    Alone under its field, it is told by the field's check ('entries: must be a list')."""
    texts = _text_block_lines(lines)
    for at, line in enumerate(lines):
        if at in texts or not _GLUED_DASH.match(line) or not _among_items(lines, at, texts):
            continue
        item = line.rstrip("\r\n").lstrip(" ")
        yield ContentError(
            f"broken YAML: no space after the '-' of this list item, so YAML does not read "
            f"'{item}' as an item (the items around it have one)",
            path,
            at + 2,
            f"put a space after the dash: '- {item[1:]}'",
        )


def _among_items(lines: list[str], at: int, texts: set[int]) -> bool:
    """Whether the lines at the column of line ``at`` in its block, above and below it, are
    list items and one at least has its '- ' (``texts``: the lines of '|' and '>' texts,
    whose dashes are no list's)."""
    column = len(_indent(lines[at]))
    items = False
    for way in (range(at - 1, -1, -1), range(at + 1, len(lines))):
        for near in way:
            other = lines[near].rstrip("\r\n")
            body = other.lstrip(" ")
            if not body or body[0] == "#" or near in texts or len(other) - len(body) > column:
                continue
            if len(other) - len(body) < column:  # the block's end, or its field above
                break
            if body == "-" or body.startswith("- "):
                items = True
            elif not _GLUED_DASH.match(other):
                return False  # a field, or text, at its column: no list
    return items


# The start of a line of text that is a field's name (or a field's name and its ':').
_NAME_FIRST = re.compile(r"([A-Za-z_][\w-]*)(?=[:\s]|$)")


def _reads_as_text(line: str) -> bool:
    """Whether ``line``, at the start of a paragraph, is the text's and no field: words at
    column 0 that are not a field's ('Ilse Brandvold's film...', 'Note: ...'), where a field
    of the front matter (even with its ':' missing, or a capital) is not. A heading ('## The
    film') is no sign alone: YAML reads it as a comment, which an editor may write between
    fields ('## Pictures and credits')."""
    if not line.strip() or line[0] in " \t#-'\"[{" or _NEAR_FENCE.fullmatch(line.strip()):
        return False
    name = _NAME_FIRST.match(line)
    if name is not None and (
        name.group(1) in _field_names()
        or difflib.get_close_matches(name.group(1).lower(), _top_field_names(), 1, 0.8)
    ):
        return False  # 'film:', 'credit:' moved to column 0, 'Title:', 'Autor:'; not 'Note:'
    # A word in lower case first ('tittle: X', 'authr DoPe Press'): a field misspelt, or
    # missing its ':', told as one.
    return not line[0].islower()


def _text_in_front_matter(lines: list[str], index: int, path: Path | str) -> tuple[int, int] | None:
    """Where the front matter closed by line ``index`` (0-based) holds the text's first
    paragraphs, its closing line forgotten and a '---' of the text (a scene break) taken for
    it: the last field's line and the text's first (0-based), if so. A blank line, and below
    it a paragraph that reads as text, after fields that read; and a blank line above the
    '---', as around a scene break."""
    if index < 3 or lines[index - 1].strip():
        return None  # a scene break has a blank line above it; a closing line need not
    for blank in range(2, index):
        if lines[blank].strip():
            continue
        # The paragraph's first line that is no comment: comments, and headings that YAML
        # reads as comments, are the front matter's as much as the text's.
        below = next(
            (n for n in range(blank + 1, index) if lines[n].strip() and lines[n][0] != "#"),
            None,
        )
        if below is None:
            return None
        if not _reads_as_text(lines[below]):
            continue
        # Text below: the headings just above it (blank lines between) are its first lines.
        while below - 1 > blank and (
            not lines[below - 1].strip() or _HEADING.match(lines[below - 1])
        ):
            below -= 1
        while not lines[below].strip():
            below += 1
        above = [n for n in range(1, blank) if lines[n].strip() and lines[n].lstrip()[0] != "#"]
        if not above:
            return None
        try:
            fields = parse_yaml("".join(lines[1:blank]), path, line_offset=1)
        except ContentError:
            return None
        return (above[-1], below) if isinstance(fields, LineDict) else None
    return None


@lru_cache(maxsize=1024)
def split(text: str, path: Path | str) -> Document:
    """Split ``---``-fenced YAML front matter from a Markdown body and parse it.

    The result is shared between calls with the same text (the preview loads every issue
    after each edit; most have not changed): treat it as read-only.
    """
    if not text.strip():
        maker = (
            'dopemail new issue "Subject"'
            if Path(path).parent.name == "issues"
            else 'dopemail new entry "Title"'
        )
        raise ContentError(
            "the file is empty",
            path,
            1,
            f"start it with a front matter block between two '---' lines (`{maker}` writes "
            "one for you)",
        )
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.splitlines(keepends=True)
    if lines[0].rstrip() != "---":
        first = lines[0].strip()
        if first == "---":
            # ' ---': the opening line read as such would have the closing ' ---' refused.
            written = lines[0].rstrip("\r\n")
            before = "a tab" if written[0] == "\t" else "a space"
            raise ContentError(
                f"no front matter: the first line is '{written}', not '---' alone: {before} "
                "comes before the hyphens",
                path,
                1,
                "write '---' on the first line: three hyphens, nothing before them",
            )
        if _DASHES.fullmatch(first):
            # A word processor's '---' made an em dash ('—', '—-'): it looks like the line.
            raise ContentError(
                f"no front matter: the first line is '{first}', not three hyphens '---' (a word "
                "processor makes dashes of them)",
                path,
                1,
                "write '---' (three hyphens) on the first line, and on the line that closes "
                "the front matter; turn off the automatic dashes (smart punctuation) in your "
                "editor",
            )
        raise ContentError(
            "no front matter: the file must start with a line '---'",
            path,
            1,
            "put '---' on the first line, the fields below it, and another '---' before the text",
        )
    for index in range(1, len(lines)):
        if lines[index].rstrip() == "---":
            break
    else:
        # Closed by a word processor's dash, or a line near '---' (' ---', '----', YAML's
        # '...'): that line, not "never closed" at line 1.
        dashed = next(
            (i for i in range(1, len(lines)) if _NEAR_FENCE.fullmatch(lines[i].strip())), 0
        )
        # Only where every line above it reads as front matter: below a forgotten '---', a
        # dash alone is the text's own (a scene break).
        above = [line for line in lines[1:dashed] if line.strip()]
        if dashed and all(_FIELD_LIKE.match(line) and not _HEADING.match(line) for line in above):
            written = lines[dashed].rstrip("\r\n")
            if _DASHES.fullmatch(written.strip()):
                raise ContentError(
                    f"the front matter is closed by '{written.strip()}', not three hyphens "
                    "'---' (a word processor makes dashes of them)",
                    path,
                    dashed + 1,
                    "write '---' (three hyphens) on this line",
                )
            raise ContentError(
                f"the front matter is closed by '{written}', not by '---' alone on its line",
                path,
                dashed + 1,
                "write '---' on this line: three hyphens, nothing before them",
            )
        raise ContentError(
            "the front matter is never closed",
            path,
            1,
            "add a line '---' after the last field, before the text",
        )
    forgotten = _text_in_front_matter(lines, index, path)
    if forgotten is not None:
        last, text = forgotten
        raise ContentError(
            f"the front matter is not closed before the text: line {text + 1} reads as text, "
            f"and the '---' on line {index + 1} is taken for the end of the front matter",
            path,
            last + 1,
            f"add a line '---' after line {last + 1}, the last field, before the text",
        )
    head = "".join(lines[1:index])
    if _GLUED_DASH.search(head):
        raise_all(list(_items_without_their_space(lines[1:index], path)))
    try:
        meta = parse_yaml(head, path, line_offset=1)
    except ContentError:
        if "\xa0" in head:  # the YAML broken by one, a line or more below it
            _no_break_spaces(lines[1:index], path)
        raise
    if "\xa0" in head:  # read, but into a key: ' title' or 'title ' (before ':' in French)
        _no_break_spaces_in_keys(meta, lines, path)
    if meta is None:
        meta = LineDict()
        meta.start_line, meta.key_lines = 2, {}
    if not isinstance(meta, LineDict):
        raise ContentError(
            "the front matter must be a list of 'field: value' lines",
            path,
            2,
            "write one 'field: value' per line between the '---' lines",
        )
    return Document(meta=meta, body="".join(lines[index + 1 :]), body_line=index + 2)


def yaml_text(value: str) -> str:
    """``value`` as a double-quoted YAML scalar: quotes, backslashes and all escaped."""
    # A JSON string is a valid YAML double-quoted scalar, and json escapes what YAML must.
    return json.dumps(value, ensure_ascii=False)
