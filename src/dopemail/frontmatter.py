"""Split a Markdown file into its YAML front matter and body, keeping each key's line.

YAML errors are translated into :class:`ContentError` here, where they enter. The loader keeps
timestamps as strings: dates are parsed by the model, which knows the publication's time zone
and can point at the key's own line when a date is impossible.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from yaml.events import (
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from .errors import ContentError

_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LineDict(dict):
    """A mapping that remembers the line of each key and of itself (1-based, in the file)."""

    start_line: int = 0
    key_lines: dict[Any, int]


class LineList(list):
    """A sequence that remembers the line of each item."""

    start_line: int = 0
    item_lines: list[int]


def _check_key(key: Any, mapping: LineDict, node: yaml.Node) -> None:
    if not isinstance(key, str | int | float | bool) and key is not None:
        raise yaml.constructor.ConstructorError(
            None, None, "a key must be a plain word", node.start_mark
        )
    if key in mapping:
        raise yaml.constructor.ConstructorError(
            None, None, f"the key '{key}' appears twice", node.start_mark
        )


class _LineLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    line_offset = 0

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> LineDict:
        self.flatten_mapping(node)
        mapping = LineDict()
        mapping.start_line = node.start_mark.line + 1 + self.line_offset
        mapping.key_lines = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            _check_key(key, mapping, key_node)
            mapping[key] = self.construct_object(value_node, deep=True)
            mapping.key_lines[key] = key_node.start_mark.line + 1 + self.line_offset
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


# Plain scalars: the implicit resolvers by first character (PyYAML's own table, read once).
_RESOLVERS: dict[str, tuple[tuple[str, Any], ...]] = {
    first: tuple(found) + tuple(_LineLoader.yaml_implicit_resolvers.get(None, []))
    for first, found in _LineLoader.yaml_implicit_resolvers.items()
    if first is not None
}
_WILDCARD = tuple(_LineLoader.yaml_implicit_resolvers.get(None, []))
# A tuple made once: ``str | int | ...`` in the loop made a union object for every key.
_KEY_TYPES = (str, int, float, bool, type(None))


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
            for tag, pattern in _RESOLVERS.get(text[:1], _WILDCARD):
                if pattern.match(text):
                    construct = self.loader.yaml_constructors.get(tag)
                    if construct is None:  # a merge key, '=' (!!value): the general way
                        raise _Unusual
                    node = yaml.ScalarNode(tag, text, event.start_mark, event.end_mark)
                    return construct(self.loader, node)
            return text
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


def parse_yaml(text: str, path: Path | str, line_offset: int = 0) -> Any:
    """Parse YAML text, translating parser errors into a located :class:`ContentError`."""
    loader = _LineLoader(text)
    loader.line_offset = line_offset
    try:
        try:
            return _Events(loader).document()
        except (_Unusual, yaml.YAMLError):
            loader.dispose()
            loader = _LineLoader(text)  # the general way, from the start
            loader.line_offset = line_offset
        node = loader.get_single_node()
        return None if node is None else loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + line_offset if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise ContentError(
            f"broken YAML: {problem}",
            path,
            line,
            "check the indentation and quoting on this line; a value containing ': ' or "
            "starting with a quote, '*', '&' or '@' must be wrapped in double quotes",
        ) from None
    except yaml.YAMLError as exc:
        raise ContentError(f"broken YAML: {exc}", path, None, "fix the front matter") from None
    finally:
        loader.dispose()


@lru_cache(maxsize=1024)
def split(text: str, path: Path | str) -> Document:
    """Split ``---``-fenced YAML front matter from a Markdown body and parse it.

    The result is shared between calls with the same text (the preview loads every issue
    after each edit; most have not changed): treat it as read-only.
    """
    if not text.strip():
        raise ContentError(
            "the file is empty",
            path,
            1,
            "start it with a front matter block between two '---' lines "
            '(`dopemail new entry "Title"` writes one for you)',
        )
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.splitlines(keepends=True)
    if lines[0].rstrip() != "---":
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
        raise ContentError(
            "the front matter is never closed",
            path,
            1,
            "add a line '---' after the last field, before the text",
        )
    meta = parse_yaml("".join(lines[1:index]), path, line_offset=1)
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
