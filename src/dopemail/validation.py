"""Turn pydantic's validation errors into editor-facing messages, lines and hints."""

from __future__ import annotations

import re
import typing
from collections.abc import Collection, Iterable, Iterator, Mapping
from typing import Annotated, Any, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from .errors import closest, visible
from .frontmatter import LineDict, LineList, plain_value, quoted, reads, yaml_text
from .languages import language_code
from .models import FRENCH_CHOICES, folded
from .wording import primary


def models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    """The pydantic models a field's type holds (Film, list[Screening], Run | None...)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        return
    for arg in typing.get_args(annotation):
        yield from models_in(arg)


# Characters no editor means to type, which XML cannot carry (feeds would not build) or feed
# readers and validators refuse: Word's line and page breaks (U+000B, U+000C) come along with
# pasted text, C1 controls with text decoded the wrong way (U+0092 for a Windows apostrophe).
# U+0085 (NEL), U+2028 and U+2029 end a line for YAML and not for an editor, so every line
# number after one would be off.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")

# CONTROL's characters as UTF-8 bytes: the one-byte ones, deleted by bytes.translate, and the
# others, found by their first bytes. The regex engine tries a class at every character
# (10 ns each, a file's read twice over); these look at the raw bytes at memory speed.
_C0_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_C1 = re.compile(rb"\xc2[\x80-\x9f]")  # U+0080 to U+009F
_LINE_BREAKS = re.compile(rb"\xe2\x80[\xa8\xa9]")  # U+2028, U+2029
_NONCHARACTERS = re.compile(rb"\xef\xbf[\xbe\xbf]")  # U+FFFE, U+FFFF


def may_hold_control(data: bytes) -> bool:
    """False when ``data`` (valid UTF-8) holds none of CONTROL's characters; True when it may
    (CONTROL then says which)."""
    return bool(
        len(data.translate(None, _C0_BYTES)) != len(data)
        or _C1.search(data)
        or _LINE_BREAKS.search(data)
        or _NONCHARACTERS.search(data)
    )


# A numeric character reference, as Markdown and HTML decode it (&#11; &#x0B;; in raw HTML
# the sanitiser takes '&#11' without its ';' too, and any number of leading zeros).
_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));?")


def bad_references(line: str) -> Iterator[tuple[int, str, int]]:
    """Each numeric character reference in ``line`` to a character no feed or email may hold
    (a control character, a surrogate, a non-character, or none at all): (column from 0, the
    reference as written, its code point)."""
    for found in _REFERENCE.finditer(line):
        hex_digits, digits = found.groups()
        significant = (hex_digits or digits).lstrip("0") or "0"
        if len(significant) > 8:
            point = 0x110000  # past Unicode, however many digits (int() refuses thousands)
        else:
            point = int(significant, 16) if hex_digits else int(significant)
        if point > 0x10FFFF or 0xD800 <= point <= 0xDFFF or CONTROL.match(chr(point)):
            yield found.start(), found.group(), point


def controls_in(value: Any, loc: tuple[str | int, ...] = ()) -> Iterator[tuple[Any, str]]:
    """Each string of the front matter holding a control character: (where, its first one)."""
    if isinstance(value, str):
        found = CONTROL.search(value)
        if found:
            yield loc, found.group()
        return
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return
    for key, item in items:
        yield from controls_in(item, (*loc, key))


def leaves(value: Any, loc: tuple[str | int, ...] = ()) -> Iterator[tuple[Any, Any]]:
    """Each value of the front matter that is no mapping or list: (where, the value)."""
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        yield loc, value
        return
    for key, item in items:
        yield from leaves(item, (*loc, key))


def model_at(root: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class that validates the mapping at ``loc`` (list indexes skipped)."""
    model: type[BaseModel] | None = root
    for part in loc:
        if isinstance(part, int) or model is None:
            continue
        field = model.model_fields.get(part)
        if field is None:
            return None
        found = list(models_in(field.annotation))
        model = found[0] if found else None
    return model


def field_path(loc: tuple[Any, ...]) -> str:
    """A field's place as an editor reads it: ``screenings[2].city`` (list items from 1)."""
    text = ""
    for part in loc:
        name = visible(str(part))
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{name}" if text else name)
    return text


def describe_errors(
    exc: ValidationError,
    root: type[BaseModel],
    data: Any = None,
    source: str | None = None,
    language: str = "en",
) -> Iterator[tuple[tuple[Any, ...], str, str | None]]:
    """Yield ``(location, message, hint)`` for each problem pydantic found in ``data``.

    ``source``: the text ``data`` was parsed from (by :mod:`frontmatter`), to quote a value
    as the editor wrote it where YAML read it as something else. ``language``: the
    publication's, whose words a choice's hint lists too (French's).
    """
    errors = [
        (tuple(p for p in e["loc"] if not (isinstance(p, str) and p.startswith("function"))), e)
        for e in exc.errors(include_url=False)
    ]
    # A misspelled required field is one problem: "unknown field 'nam' (did you mean
    # 'name'?)" says all of it, without "missing required field 'name'" beside it.
    unknown = {loc: _field_like(root, loc) for loc, e in errors if e["type"] == "extra_forbidden"}
    synonyms: set[tuple[Any, ...]] = set()  # those meant as another field, by another word for it
    for loc, (close, known) in list(unknown.items()):
        # 'from = "news@..."': an address is meant for the field of that name that holds
        # one (from_email), not the nearest name (from_name).
        value, name = value_at(data, loc), str(loc[-1]).lower()
        emails = [k for k in known if "email" in k and k.startswith(name)]
        usual = _usual_name(name, known)
        web = isinstance(value, str) and _WEB_ADDRESS.match(value) is not None
        if usual == "url" and not web:
            usual = None  # 'info: Q&A after the 7 pm show' is no link (a note, maybe)
        if web and "video" in known and _RECORDING_WORDS.search(name):
            usual = "video"  # an event's 'youtube:' or 'livestream:', not its tickets' url
        if usual in known:
            synonyms.add(loc)
            # 'state:', 'zip:', 'tickets:': the word editors use elsewhere for a field that
            # has another name here, which the nearest spelling misses ('starts', 'times').
            unknown[loc] = (usual, known)
        elif isinstance(value, str) and "@" in value and emails and close not in emails:
            unknown[loc] = (emails[0], known)
        elif (
            # (Text alone: a list or mapping made of YAML's aliases, written out, can be
            # millions of characters: an entry of ten lines took minutes and gigabytes.)
            isinstance(value, str | int | float)
            and _WEB_ADDRESS.match(str(value))
            and "url" in known
            and close not in _ADDRESS_FIELDS
            and not closest(name, known, cutoff=0.8)  # 'adress: https://...' is the address
        ):
            unknown[loc] = ("url", known)  # 'ticketing: https://...' is the link, not 'times'
    for loc, (_, known) in list(unknown.items()):
        glued = _GLUED.match(str(loc[-1]))
        if glued and glued.group(1) in known:
            unknown[loc] = (glued.group(1), known)  # its "missing" is this same problem
    meant = {(*loc[:-1], close) for loc, (close, _) in unknown.items() if close}
    # The field meant is required and missing: 'title:' for an issue's 'subject:' is that
    # one mistake, not a section's title written a level too high.
    missing = {loc for loc, e in errors if e["type"] == "missing"}
    paired = {loc for loc, (close, _) in unknown.items() if close and (*loc[:-1], close) in missing}
    # '- Andrew Scott: Adam' under 'cast:': a name and its role written as one field, told
    # once, with the fields to write (not its 'name' missing and 'Andrew Scott' unknown).
    named = {
        loc: lines
        for loc, (close, _) in unknown.items()
        if root.__name__ != "Settings" and (lines := _named_as_a_field(root, data, loc, source))
    }
    meant |= {(*loc[:-1], field) for loc in named for field in _named_fields(root, loc)}
    # dopemail.toml is TOML: its hints in its own syntax.
    toml = root.__name__ == "Settings"
    syntax = "TOML" if toml else "YAML"
    for loc, error in errors:
        kind = error["type"]
        if kind == "missing" and loc in meant:
            continue
        where = field_path(loc)
        if kind == "extra_forbidden" and loc in named:
            item, key, lines = loc[:-1], loc[-1], named[loc]
            line = line_of(data, item)
            first = _first_field(model_at(root, item))
            inner = value_at(data, loc)
            # ('- Jamie Bell:' with its fields under it, '- Quiet Hours:' with its slugs:
            # their lines too.)
            under = [*getattr(inner, "key_lines", {}).values(), *getattr(inner, "item_lines", [])]
            last = max(under, default=line)
            place = f", in place of line {line}" if line else ""
            if line and last and last > line:
                place = f", in place of lines {line} to {last}"
            written = (source or "").split("\n")[line - 1 : line] if line else []
            if written and written[0].lstrip().startswith("- "):
                hint = f"write its fields by their names{place}:"
                hint += lines_to_copy(lines, indent_at(source, line))
            else:  # ('cast: [{Andrew Scott: Adam}]': in braces, as written)
                fields = ", ".join(line.lstrip("- ").strip() for line in lines)
                hint = f"write its fields by their names: {{{fields}}}"
            yield (
                item,
                f"{field_path(item)}: YAML reads '{visible(str(key))}: ...' as a field named "
                f"'{visible(str(key))}', and the item has no '{first}'",
                hint,
            )
            continue
        if kind == "extra_forbidden":
            close, known = unknown[loc]
            message = f"unknown field '{where}'"
            glued = _GLUED.match(str(loc[-1]))
            if glued and glued.group(1) in known and glued.group(1) not in _keys_at(data, loc[:-1]):
                # 'title "The Salt: x"': no ':' after the name, so YAML read the name and the
                # start of the value as one name (up to the ':' in the value).
                name, value = glued.groups()
                yield (
                    loc,
                    f"no ':' after '{name}': YAML read '{visible(str(loc[-1]))}' as a field's name",
                    f"write it '{name}: {value}...' (a ':' and a space after the name)",
                )
                continue
            under = _belongs_under(root, loc) if loc not in paired else []
            if under:
                # A field of a part written a level too high (runtime: beside film:, not in
                # it): "did you mean 'run'?" would have it renamed into something else.
                quoted = [f"'{name}'" for name in under]
                named = " or ".join([", ".join(quoted[:-1]), quoted[-1]] if quoted[1:] else quoted)
                if toml:
                    tables = " or ".join(f"[{'.'.join(map(str, (*loc[:-1], n)))}]" for n in under)
                    hint = f"move it into the {tables} table, among its settings"
                elif len(under) == 1:
                    hint = f"move it under '{under[0]}:', indented like its other fields"
                else:
                    hint = "move it under the one it belongs to, indented like its other fields"
                yield loc, f"{message}: '{loc[-1]}' is a field of {named}", hint
                continue
            body = _BODY_NAMES.get(root.__name__)
            if body and len(loc) == 1 and not close and str(loc[-1]).lower() in _BODY_WORDS:
                # 'intro:' in an issue's front matter: its text is the Markdown below it.
                yield (
                    loc,
                    f"{message}: {body} is the Markdown below the front matter, not a field",
                    f"move its text below the closing '---', and remove the '{loc[-1]}:' line",
                )
                continue
            other = _table_of(root, loc) if toml and not close else None
            if other:
                # A table's line left out ('[site]' deleted): its settings fell into the
                # table above, where each is unknown.
                yield (
                    loc,
                    f"{message}: '{loc[-1]}' is a setting of [{other}]",
                    f"move it into the [{other}] table (or put back the [{other}] line above it)",
                )
                continue
            if close and close in _keys_at(data, loc[:-1]):
                # Renamed, it would be the same key twice, which YAML and TOML refuse.
                message += f" ('{close}' is set too)"
                hint = f"remove '{loc[-1]}', or move what it says into '{close}'"
            elif close and loc in paired and loc in synonyms:
                # Another word for it: what the field holds says which one is meant.
                about = _short_description(root, (*loc[:-1], close))
                message += f" (did you mean '{close}'" + (f", {about}?)" if about else "?)")
                hint = f"rename it to '{close}'"
                line = _renamed_line(source, line_of(data, loc), str(loc[-1]), close)
                if line:
                    hint += f": {line}"
            elif close:
                message += f" (did you mean '{close}'?)"
                hint = f"rename it to '{close}'"
                status = _STATUS_FIELDS.get(str(loc[-1]).lower().replace("-", "_"))
                if close == "status" and status and value_at(data, loc) is True:
                    # 'sold_out: true' renamed would be 'status: true': the word is the value.
                    hint = f"write it 'status: {status}'"
            else:
                hint = "known fields here: " + ", ".join(known)
            yield loc, message, hint
        elif kind == "invalid_key":
            # A key YAML typed: 'on:', 'yes:' or 'no:' is a boolean, '2024:' a number.
            key = error.get("input")
            parent = field_path(loc[:-1])
            at = f"{parent}: " if parent else ""
            known = ", ".join(_field_like(root, (*loc[:-1], "?"))[1])
            if isinstance(key, bool):
                message = f"{at}a field name YAML read as {str(key).lower()}"
                hint = (
                    "on, off, yes and no are read as true or false: quote it if it is the word "
                    f'("on": ...); the fields here are {known}'
                )
            elif key is None:
                # '~: d' or 'null: d': pydantic names the key 'None', which no line has.
                loc = (*loc[:-1], None)
                message = f"{at}a field with no name: YAML reads '~' or 'null' as nothing"
                hint = f"write the field's name before the ':'; the fields here are {known}"
            else:
                message = f"{at}the field name {key!r} is a number"
                hint = f"field names are words; the fields here are {known}"
            yield loc, message, hint
        elif kind == "missing":
            schema = f"dopemail schema{_SCHEMA_OF.get(root.__name__, '')}"
            if toml and model_at(root, loc) is not None:  # a whole table
                hint = f"add a [{'.'.join(map(str, loc))}] table with its fields (see `{schema}`)"
            elif toml:
                section = f" under [{'.'.join(map(str, loc[:-1]))}]" if len(loc) > 1 else ""
                hint = f'add {loc[-1]} = "..."{section} (see `{schema}`)'
            else:
                hint = f"add '{loc[-1]}:' with a value (see `{schema}`)"
            yield loc, f"missing required field '{where}'", hint
        elif kind == "at_field":  # a whole-model check (models.at_field), at each field told
            told = [(error["ctx"]["field"], str(error["msg"])), *error["ctx"].get("also", ())]
            for field, message in told:
                yield ((*loc, *(field if isinstance(field, tuple) else (field,))), message, None)
        elif kind == "hinted":  # a field's own check, with its fix (models.hinted)
            yield (
                loc,
                f"{where}: {error['msg']}" if where else str(error["msg"]),
                error["ctx"]["hint"],
            )
        elif kind == "value_error":
            text = str(error["msg"]).removeprefix("Value error, ")
            hint = None
            if text == "must not be empty" and loc:
                # 'title: "  "', 'alt: ""': told what to write, as a field left empty is; a
                # list item written as text ('cast: - "  "') is the item, its name all of it.
                item = isinstance(loc[-1], int) or isinstance(value_at(data, loc[:-1]), str)
                write = (
                    f'write its text between the quotes: {loc[-1]} = "..."'
                    if toml
                    else f"write its text after '{loc[-1]}:'"
                )
                hint = _fill_in(root, loc, item, write)
            yield loc, f"{where}: {text}" if where else text, hint
        elif error.get("input", ...) is None and kind.endswith("_type") and not toml:
            # 'subject:' with nothing after it: YAML reads null, and pydantic's "input should
            # be a valid string (got None)" is Python's word for it, not the editor's.
            item = isinstance(loc[-1], int)
            hint = _fill_in(root, loc, item, f"write its value after '{loc[-1]}:'")
            yield loc, f"{where}: is empty", hint
        elif (kind == "string_type" and isinstance(error.get("input"), int | float)) or (
            kind == "model_type"
            and isinstance(error.get("input"), int | float)
            and _text_item(root, loc)
        ):
            # YAML types unquoted words and numbers: 02134 is the octal 1116, 1.10 is 1.1,
            # yes is true; TOML, unquoted numbers and true/false.
            value = error["input"]
            index = loc[-1] if isinstance(loc[-1], int) else None
            token = written_as(source, line_of(data, loc), value, index) if source else None
            read = f"{value!r}".lower() if isinstance(value, bool) else f"the number {value!r}"
            if token is None:
                read = f"it as {read}"
                item = '"..." in the list' if toml else '- "..."'
                quoted = '"..."'
            else:
                # What the editor wrote, beside what it became: 02134 is not 1116 to anyone.
                read = f"{token} as " + ("a number" if token == repr(value) else read)
                item = quoted = f'"{token}"'
            if isinstance(loc[-1], int):
                written = item
            else:
                written = f"{loc[-1]} = {quoted}" if toml else f"{loc[-1]}: {quoted}"
            yield (
                loc,
                f"{where}: must be text, but {syntax} read {read}",
                f"put it in quotes, as you mean it to read: {written}",
            )
        elif kind == "string_pattern_mismatch" and loc and loc[-1] in _PATTERNS:
            # Said in words: the pattern itself is no help to an editor.
            what, hint = _PATTERNS[loc[-1]]
            value = error.get("input")
            said = f"{where}: {what} (got {_got(value)})"
            if loc[-1] in ("language", "lang") and isinstance(value, str):
                # 'english', 'en_US': the code it names.
                meant = language_code(value.replace("_", "-"))
                if meant:
                    said += f" (did you mean '{meant}'?)"
            yield loc, said, hint
        elif kind == "literal_error":
            value = error.get("input")
            typed = value_at(data, loc)
            if isinstance(typed, str) and folded(typed) == folded(str(value)):
                # Quoted as typed: a status is read without its accents ('épuisé' was quoted
                # 'epuise'), a kind in lowercase.
                value = typed
            expected = str(error.get("ctx", {}).get("expected", ""))
            choices = re.findall(r"'([^']*)'", expected)
            french = FRENCH_CHOICES.get(tuple(choices), ()) if primary(language) == "fr" else ()
            # A French editor's slip is from a French word: 'Critiqe' meant 'critique'.
            # Compared without accents: 'evenment' is 'événement' mistyped, not 'event'.
            words = {folded(word): word for word in (*choices, *french)}
            close = words.get(closest(folded(str(value)), words, cutoff=0.5) or "")
            hint = f"write one of: {', '.join(choices)}" if choices else None
            if hint and french:
                hint += f", or in French: {', '.join(french)}"
            if close and hint:
                hint = f"did you mean '{close}'? ({hint})"
            yield loc, f"{where}: {_lower_first(error['msg'])} (got {_got(value)})", hint
        elif kind == "model_type" and isinstance(error.get("input"), list):
            # '[[sender]]' in dopemail.toml, '- note: ...' under 'run:': a list of what is one
            # set of fields ("a valid dictionary or instance of Sender", and "indented").
            named = _fields_of(model_at(root, loc))
            if toml:
                table = ".".join(str(p) for p in loc)
                said = f"must be one table, not a list of them (written [[{table}]])"
                hint = f"write [{table}], in single brackets, with {named}"
                if len(error["input"]) > 1:
                    # Each made [sender] alone, they were then "declared twice": one fix.
                    count = len(error["input"])
                    said = f"must be one table, not a list of {count} (written [[{table}]])"
                    others = "one (and its settings)" if count == 2 else f"{count - 1} (and theirs)"
                    hint = (
                        f"keep one [{table}], in single brackets, and delete the other "
                        f"{others}; it takes {named}"
                    )
            else:
                said = "must be fields written under it, not a list"
                hint = (
                    f"replace the '- ' before its first field with two spaces, so that its "
                    f"fields line up under '{loc[-1]}:' ({named})"
                )
            yield loc, f"{where}: {said}", hint
        elif kind == "model_type" and not isinstance(error.get("input"), dict | list):
            # 'based_on: a novel by Taichi Yamada': "a valid dictionary or instance of BasedOn"
            # is Python's word; the editor needs the fields to write instead.
            model = model_at(root, loc)
            named = _fields_of(model)
            if toml:
                hint = f"make it a table, [{'.'.join(str(p) for p in loc)}], with {named}"
                said = "must be a table of settings"
            elif isinstance(loc[-1], int):  # 'streaming:' then '- Hulu'
                hint = f"write the item as fields, '- {_first_field(model)}: ...' (its fields: "
                hint += f"{named})"
                said = "must be fields, not a value"
            else:
                hint = f"write, indented under '{loc[-1]}:', {named}"
                said = "must be fields written under it, not a value on its line"
            yield loc, f"{where}: {said} (got {_got(error.get('input'))})", hint
        elif kind == "list_type" and isinstance(error.get("input"), str) and not toml:
            # 'directors: Andrew Haigh': a list of one, as the sample's one-line lists write it
            # (a list of fields, 'streaming: Hulu', has its items written one per line).
            value = error["input"]
            field = _field_at(root, loc)
            items = list(models_in(field.annotation)) if field is not None else []
            line = line_of(data, loc)
            # 'cast: A, B #1, C': YAML ended the value at ' #' (a comment): the names are read
            # from the line as written, so that none is dropped (QA: C was; 'directors: A,
            # B #1' was told to write [A, B]).
            after = source_line(source, line).partition(f"{loc[-1]}:")[2].strip()
            # Up to a real comment, a '#' then a space ('Jane Doe  # check spelling'): it
            # became an item. An issue's slug holds no '#': '#lead' after one is a note too.
            comment = _LINE_COMMENT.search(after)
            if comment is not None:
                after = after[: comment.start()].rstrip()
            cut = (
                loc[-1] != "entries"
                and _CUT_HASH.search(after) is not None
                and not after.startswith(("'", '"'))
            )
            if cut:
                value = after
            place = f", in place of line {line}" if line else ""
            words = [w for w in re.split(r"[\s,]+", value) if w]
            if words and all(w.startswith("-") and w[1:] for w in words):
                # '-quiet-hours' under 'entries:' (two such lines read as one value): list
                # items without the space YAML needs after the dash (the hint once kept the
                # dashes, unknown entries then).
                items = [w[1:] for w in words]
                dashed = ", ".join(f"'- {i}'" for i in items)
                each = "each dash" if len(items) > 1 else "the dash"
                one = ", one per line" if len(items) > 1 else ""
                hint = (
                    f"put a space after {each}, {dashed}{one}, or write "
                    f"{loc[-1]}: [{', '.join(items)}]"
                )
            elif items and _text_item(root, (*loc, 0)):
                # 'cast: Andrew Scott, Paul Mescal': the hint's one '- name:' of it all was
                # one person of that name (the page's cast, and its schema.org actor).
                first = _first_field(items[0])
                names = names_in(str(loc[-1]), value)
                each = "a name each, one" if len(names) > 1 else "one"
                hint = (
                    f"write {each} '- {first}:' per line under '{loc[-1]}:'{place} (a role "
                    "goes under its name, as role: ...):"
                ) + lines_in_place(
                    [f"{loc[-1]}:", *(f"  - {first}: {yaml_scalar(name)}" for name in names)],
                    source,
                    line,
                )
            elif items:
                first = _first_field(items[0])
                # Quoted where YAML would read it otherwise ('Hulu #2' pasted read 'Hulu').
                example = f"- {first}: {yaml_scalar(value)}"
                hint = f"write one item per line under '{loc[-1]}:', e.g. {example}"
            elif loc[-1] in _NAME_LISTS and len(names := names_in(str(loc[-1]), value)) > 1:
                # 'directors: Nick Bruno and Troy Quane': '[Nick Bruno and Troy Quane]', as
                # the hint wrote it, is one person of that name (in the page's credits and
                # its schema.org data).
                # Each name as an item in brackets: quoted where it holds a '#', ',' or ':'
                # ('"Bob #1"'), as written it would end the line read (an unclosed '[Bob').
                listed = f"{loc[-1]}: [{', '.join(in_flow(n) for n in names)}]"
                hint = f"write {listed}, a name each, or one '- name' per line under it"
                if cut:  # its '#' quoted: the line, as it is to be written
                    hint = f"write the names in brackets, a name each{place}:"
                    hint += lines_in_place([listed], source, line)
                elif not reads(listed):
                    hint = f"write one '- name' per line under '{loc[-1]}:'"
            elif cut:  # 'tags: drama, #review': the items between its commas
                listed = ", ".join(in_flow(i.strip()) for i in value.split(",") if i.strip())
                hint = f"write the items in brackets{place}:"
                hint += lines_in_place([f"{loc[-1]}: [{listed}]"], source, line)
            else:
                # A quoted value ('directors: "Bob #1"'): its items quoted where a '#', ','
                # or ':' would end or split them in brackets; a person's name one item, a
                # suffix after its comma and all ('Sammy Davis, Jr.'), others those between
                # the commas.
                people = loc[-1] in _NAME_LISTS and loc[-1] != "countries"
                parts = names_in(str(loc[-1]), value) if people else value.split(",")
                listed = ", ".join(in_flow(i.strip()) for i in parts if i.strip())
                hint = f"write {loc[-1]}: [{listed}], or one '- item' per line under it"
                if not reads(f"{loc[-1]}: [{listed}]"):
                    hint = f"write one '- item' per line under '{loc[-1]}:'"
            yield loc, f"{where}: must be a list (got {_got(value)})", hint
        else:
            value = error.get("input")
            shown = f" (got {_got(value)})" if not isinstance(value, dict | list) else ""
            hint = _type_hint(kind)
            if kind in _BOUNDS:  # 'latest = 0': "input should be greater than 0", no fix
                hint = _bound_hint(kind, error.get("ctx", {}), _whole(root, loc))
            about = _description(root, loc) if kind in _NUMBERS or kind in _BOUNDS else None
            if hint and about:  # what the number counts: 'runtime' is in minutes
                # (After a ';': the description may hold parentheses of its own.)
                hint += f"; {loc[-1]}: {about.rstrip('.')}"
            said = _lower_first(error["msg"])
            if kind == "int_parsing":  # "unable to parse string as an integer": Python's words
                said = "must be a whole number"
            if kind in ("bool_parsing", "bool_type"):  # "unable to interpret input": pydantic's
                said = "must be true or false"
            colon = isinstance(value, dict) and len(value) == 1 and isinstance(loc[-1], int)
            if kind == "string_type" and colon:
                # '- Varda in L.A.: a March series', a title with ': ' in it: YAML reads a
                # field, and "input should be a valid string" told nothing of why. (A list
                # item's own line; not a value of a key, nor an item ending in ':'.)
                ((key, rest),) = value.items()
                if isinstance(key, str) and isinstance(rest, bool | int | float):
                    # '- Prince: yes', read as true: the text as written ("input should be a
                    # valid string" told nothing of why).
                    rest = written_as(source, line_of(data, loc), rest, key=key) or rest
                # Text on both sides: YAML read '12:30' as minutes and '007' as 7, and the
                # text rebuilt from them would not be what was written.
                if isinstance(key, str) and isinstance(rest, str):
                    text = f"{key}: {rest}"
                    said = f"holds ': ', which YAML reads as a field ({_got(key)}: {_got(rest)})"
                    hint = "quote it: " + (
                        f'"{text}"' if '"' not in text else "'" + text.replace("'", "''") + "'"
                    )
                    if "entries" in loc:
                        hint = (
                            "an issue names an entry by its slug (its file's name without .md), "
                            "not its title: write the slug"
                        )
            yield loc, f"{where}: {said}{shown}", hint


#: The items written by a name ('- name: Andrew Scott'), and the field a value written after
#: that name as a field's ('- Andrew Scott: Adam') is meant for.
_NAMED_ITEMS = {
    "Person": "role",
    "Streaming": "url",
    "Screening": "address",
    "IssueSection": "entries",
}


def _named_fields(root: type[BaseModel], loc: tuple[Any, ...]) -> tuple[str, str]:
    """The fields an item written '- Name: value' (its unknown field at ``loc``) is told to
    write: its name's and its value's."""
    model = model_at(root, loc[:-1])
    return _first_field(model), _NAMED_ITEMS[model.__name__] if model else ""


def _named_as_a_field(
    root: type[BaseModel], data: Any, loc: tuple[Any, ...], source: str | None = None
) -> list[str]:
    """The lines to write for a list item written '- Andrew Scott: Adam' (its unknown field
    at ``loc``, on the item's own line): '- name: Andrew Scott', '  role: Adam'; none if it
    is not one. The item's other fields, on the lines under it, stay as they are. A value
    YAML read as true or a number ('- Prince: yes', '0x1A') is the text of ``source``."""
    item, key = loc[:-1], loc[-1]
    model = model_at(root, item)
    value = value_at(data, item)
    if (
        not item
        or not isinstance(item[-1], int)
        or model is None
        or model.__name__ not in _NAMED_ITEMS
        or not isinstance(value, Mapping)
        or not isinstance(key, str)
        or next(iter(value)) != key  # the item's first field, on its '- ' line
        # A field's name misspelt ('nmae: ...'); a name of words may be near one ('The Venue').
        or closest(key, model.model_fields, cutoff=0.8 if " " in key.strip() else 0.6)
        or key.lower().replace("-", "_") in _USUAL_NAMES
        or any(k != key and k not in model.model_fields for k in value)
    ):
        return []
    first, then = _first_field(model), _NAMED_ITEMS[model.__name__]
    said = value[key]
    if isinstance(said, bool | int | float):
        # (Read as true, it was told 'name' missing and 'Prince' unknown; '0x1A' was 26.)
        said = written_as(source, line_of(data, item), said, key=key) or said
    fields = dict(said) if isinstance(said, Mapping) else {then: said} if said is not None else {}
    if (
        first in value
        or first in fields
        or not all(
            isinstance(k, str) and k in model.model_fields and k not in value for k in fields
        )
        or (then == "url" and then in fields and not _WEB_ADDRESS.match(str(fields[then])))
    ):
        return []
    lines = [f"- {first}: {yaml_scalar(key)}"]
    for name, written in fields.items():
        shown = _yaml_flow(written)
        if shown is None:
            return []
        lines.append(f"  {name}: {shown}")
    return lines


def _yaml_flow(value: Any) -> str | None:
    """``value`` written on one line as YAML reads it back (None for one that is not text,
    a number or a list of them)."""
    if isinstance(value, list):
        items = [_yaml_flow(v) for v in value]
        if any(i is None or "," in i for i in items):
            return None
        return f"[{', '.join(str(i) for i in items)}]"
    if isinstance(value, bool) or value is None or isinstance(value, Mapping):
        return None
    # (As text: each field these lines are for is text, and '- Andrew Scott: 1917' a role.)
    return yaml_scalar(str(value))


def yaml_scalar(value: Any) -> str:
    """Text or a number as written after 'field: ', quoted where YAML would read it as
    something else."""
    text = str(value)
    if isinstance(value, str) and (
        not text
        or ": " in text
        or " #" in text
        or text[0] in "-?:,[]{}#&*!|>'\"%@`"
        or text[-1] == ":"
        or text != text.strip()
        or plain_value(text) != text
    ):
        return quoted(text)  # as the YAML hints quote a value (frontmatter)
    return text


# A '#' YAML begins a comment with, before a word ('B #1'): a value the editor meant cut.
_CUT_HASH = re.compile(r"(?:^|\s)#\S")
# A comment as meant: a '#' then a space or the line's end (what follows is the comment's,
# '#'s and all), where 'B #1' before it is a value cut.
_LINE_COMMENT = re.compile(r"(?:^|\s)#(?:\s|$)")


def in_flow(value: str) -> str:
    """``value`` written as an item of a list in brackets ('[A, "B, C"]')."""
    shown = yaml_scalar(value)
    if shown[:1] != '"' and any(c in shown for c in ",[]{}"):
        shown = yaml_text(value)
    return shown


def _required_first(model: type[BaseModel] | None) -> list[tuple[str, bool]]:
    """A model's fields, (name, required), the required ones first."""
    fields = model.model_fields if model else {}
    return sorted(((n, f.is_required()) for n, f in fields.items()), key=lambda f: not f[1])


def _fields_of(model: type[BaseModel] | None) -> str:
    """A model's fields for a hint: 'author (required), title, kind, year'."""
    named = [f"{n} (required)" if required else n for n, required in _required_first(model)]
    return ", ".join(named) or "its fields"


def _text_item(root: type[BaseModel], loc: tuple[Any, ...]) -> bool:
    """Whether the list item at ``loc`` may be written as text (a cast member's name alone,
    '- Claire Foy'): '- 1917' is then a name YAML read as a number, not a missing field."""
    if not loc or not isinstance(loc[-1], int):
        return False
    parent = model_at(root, loc[:-2])
    field = parent.model_fields.get(loc[-2]) if parent and isinstance(loc[-2], str) else None
    for item in typing.get_args(field.annotation) if field is not None else ():
        for extra in getattr(item, "__metadata__", ()):
            takes = getattr(extra, "json_schema_input_type", None)
            if takes is str or str in typing.get_args(takes):
                return True
    return False


def _first_field(model: type[BaseModel] | None) -> str:
    """The field an item of ``model`` is written with first: its first required one."""
    fields = _required_first(model)
    return fields[0][0] if fields else "..."


def _lower_first(message: str) -> str:
    # Only the first letter: what follows may quote the editor's value or a choice as written.
    return message[:1].lower() + message[1:]


# The fields checked against a pattern: what they must be, and how to write one.
_PATTERNS = {
    "slug": (
        "must be lowercase letters and digits, words joined by single hyphens",
        "write it like all-of-us-strangers",
    ),
    "language": (
        "must be a language code",
        "write a language code such as en, fr or fr-CA (BCP 47)",
    ),
    "lang": (
        "must be a language code",
        "write a language code such as fr, es or pt-BR (BCP 47)",
    ),
}


# Which `dopemail schema --of` documents a model's fields (the entry's is the default).
_SCHEMA_OF = {"Issue": " --of issue", "Settings": " --of config"}


def names_in(field: str, value: str) -> list[str]:
    """The names a list's value written as a sentence holds ('A, B and C'); a country's
    name may hold 'and' itself ('Trinidad and Tobago and Jamaica': two countries), a
    person's a suffix after a comma ('Sammy Davis, Jr.')."""
    if field != "countries":
        names: list[str] = []
        for name in _NAMES_JOINED.split(value.strip()):
            if names and NAME_SUFFIX.fullmatch(name):
                names[-1] += f", {name}"
            elif name:
                names.append(name)
        return names
    from .countries import unknown  # on this error's path alone (ISO 3166 loaded)

    def known_country(name: str) -> bool:
        return not unknown(name)[0]

    names = []
    for part in re.split(r"\s*,\s*(?:and\s+|&\s*)?", value.strip()):
        words = [w for w in re.split(r"\s+(?:and|&)\s+", part) if w]
        while words:  # the longest run of them that names a country, from the first
            for end in range(len(words), 0, -1):
                if known_country(" and ".join(words[:end])) or end == 1:
                    names.append(" and ".join(words[:end]))
                    words = words[end:]
                    break
    return names if all(known_country(name) for name in names) else [value.strip()]


#: What follows a person's name after a comma, and is no other person: 'Davis, Jr.'.
NAME_SUFFIX = re.compile(r"(?:Jr|Sr|Jnr|Snr|Esq)\.?|II|III|IV|fils|père", re.I)

#: The lists of names (people's, countries'), and what joins names in a sentence.
_NAME_LISTS = ("directors", "writers", "participants", "countries")
_NAMES_JOINED = re.compile(r"\s*,\s*(?:(?:and|&)\s+)?|\s+(?:and|&)\s+")

#: The names editors give elsewhere to what a field of dopemail's holds under another name
#: (the field is meant only where the part has it: 'url' of a screening, 'credit' of a picture).
_USUAL_NAMES = {
    **dict.fromkeys(("state", "province", "county", "department"), "region"),
    **dict.fromkeys(("zip", "zipcode", "zip_code", "postcode", "post_code"), "postal_code"),
    "postal": "postal_code",
    **dict.fromkeys(("tickets", "ticket", "ticket_url", "tickets_url", "ticket_link"), "url"),
    **dict.fromkeys(("link", "website", "web", "href", "booking", "info"), "url"),
    **dict.fromkeys(("photographer", "photo_credit", "agency", "copyright", "photo_by"), "credit"),
    **dict.fromkeys(("recording", "audio", "podcast", "replay", "stream_url"), "video"),
    **dict.fromkeys(("description", "legend"), "caption"),
    **dict.fromkeys(("alt_text", "alttext"), "alt"),
    # A showing's or an event's state written as a field of its own ('sold_out: true').
    **dict.fromkeys(
        ("sold_out", "soldout", "cancelled", "canceled", "postponed", "availability"), "status"
    ),
}

#: More names editors give a field, each with the fields it may be, the first one the part
#: has meant: an issue's 'title:' is its subject, a section's 'name:' its title.
_USUAL_NAMES_OF = {
    **dict.fromkeys(("title", "subject_line", "email_subject"), ("subject",)),
    **dict.fromkeys(("headline", "heading"), ("title", "subject")),
    "name": ("title",),
    **dict.fromkeys(("summary", "preview", "preview_text", "preheader_text"), ("preheader",)),
    **dict.fromkeys(("teaser", "excerpt"), ("summary", "preheader")),
    **dict.fromkeys(
        ("films", "items", "articles", "pieces", "posts", "stories", "reviews", "slugs"),
        ("entries",),
    ),
}


def _usual_name(name: str, known: Collection[str]) -> str | None:
    """The field of ``known`` an editor likely meant by another word, ``name``."""
    name = name.replace("-", "_")
    usual = _USUAL_NAMES.get(name)
    if usual is not None:
        return usual
    return next((field for field in _USUAL_NAMES_OF.get(name, ()) if field in known), None)


def _short_description(root: type[BaseModel], loc: tuple[Any, ...]) -> str | None:
    """What the field at ``loc`` holds, in a few words: 'the email's subject line'."""
    about = _description(root, loc)
    if not about:
        return None
    about = re.split(r"[.,;(]| e\.g\.", about)[0].strip()
    return about[:1].lower() + about[1:] if about else None


def _renamed_line(source: str | None, line: int | None, name: str, field: str) -> str | None:
    """The line of ``name`` in ``source`` written with ``field`` instead, to copy (None when
    it is not that field's line, or too long to show)."""
    if not source or line is None:
        return None
    lines = source.split("\n")
    text = lines[line - 1].strip() if 0 < line <= len(lines) else ""
    dash = "- " if text.startswith("- ") else ""  # a list's item, its first field
    text = text.removeprefix(dash).lstrip()
    if not text.startswith(f"{name}:"):
        return None
    value = _COMMENTED.match(text[len(name) + 1 :].strip())
    if value is None or not value.group(1):
        return None  # its value on the lines below: the new name says it all
    text = f"{dash}{field}: {value.group(1)}"
    return text if len(text) <= 100 else None


# A value as written, without the comment after it (a quoted one whole, '#' and all).
_COMMENTED = re.compile(r"""("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|.*?)(?:\s+#.*)?$""")

#: The text below the front matter, which editors write as a field: its name in each kind
#: of file, and the words for it.
_BODY_NAMES = {"Issue": "an issue's intro", "Entry": "the piece's text"}
_BODY_WORDS = frozenset(("intro", "introduction", "body", "text", "content", "message"))

#: A status written as a field of its own, true ('sold_out: true'): the value it is.
_STATUS_FIELDS = {
    **dict.fromkeys(("sold_out", "soldout"), "sold out"),
    "cancelled": "cancelled",
    "canceled": "canceled",
    "postponed": "postponed",
}

#: A name that says a recording: its address is an event's video, not its url.
_RECORDING_WORDS = re.compile(r"youtube|vimeo|stream|record|replay|video|audio|podcast", re.I)

#: The fields that hold a web address, which a misspelt name with one is likely meant for.
_ADDRESS_FIELDS = ("url", "video", "src")
_WEB_ADDRESS = re.compile(r"\s*https?://", re.IGNORECASE)

# A field's name, then (no ':') a space or a quote and the start of its value.
_GLUED = re.compile(r"""^([A-Za-z_][\w-]*)(?:[ \t]+|(?=["']))(\S.*)$""")


def _field_like(root: type[BaseModel], loc: tuple[Any, ...]) -> tuple[str | None, list[str]]:
    """The known field an unknown one at ``loc`` was likely meant to be, and every known one."""
    parent = model_at(root, loc[:-1])
    known = sorted(parent.model_fields) if parent else []
    return closest(str(loc[-1]), known), known


def _belongs_under(root: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The fields beside an unknown one at ``loc`` whose own fields have its very name (a
    field indented too little)."""
    parent = model_at(root, loc[:-1])
    if parent is None:
        return []
    return [
        name
        for name in parent.model_fields
        if (inner := model_at(root, (*loc[:-1], name))) is not None
        and inner is not parent
        and loc[-1] in inner.model_fields
    ]


def _table_of(root: type[BaseModel], loc: tuple[Any, ...]) -> str | None:
    """For a setting unknown in its table (``loc``: table, name), another table that has it."""
    if len(loc) != 2:
        return None
    for name in root.model_fields:
        inner = model_at(root, (name,))
        if name != loc[0] and inner is not None and loc[1] in inner.model_fields:
            return name
    return None


def value_at(data: Any, loc: tuple[Any, ...]) -> Any:
    """The value at ``loc`` in ``data``, as written (None if there is none)."""
    for part in loc:
        try:
            data = data[part]
        except (LookupError, TypeError):
            return None
    return data


def _keys_at(data: Any, loc: tuple[Any, ...]) -> Iterable[Any]:
    """The keys of the mapping at ``loc`` in ``data`` (none if there is no such mapping)."""
    found = value_at(data, loc)
    return found.keys() if isinstance(found, Mapping) else ()


def _fill_in(root: type[BaseModel], loc: tuple[Any, ...], item: bool, write: str) -> str:
    """The hint for a field left empty (``write``: what to write in it), or a list's item."""
    if item:
        return "write the item, or remove the empty one from the list"
    field = _field_at(root, loc)
    optional = field is not None and not field.is_required()
    return write + (", or remove the line (it is optional)" if optional else "")


_NUMBERS = frozenset(("int_parsing", "int_type", "float_parsing", "float_type"))


def _field_at(root: type[BaseModel], loc: tuple[Any, ...]) -> FieldInfo | None:
    """The model field at ``loc``, if there is one."""
    parent = model_at(root, loc[:-1])
    return parent.model_fields.get(loc[-1]) if parent and loc else None


def _description(root: type[BaseModel], loc: tuple[Any, ...]) -> str | None:
    """The documented meaning of the field at ``loc``, if any."""
    field = _field_at(root, loc)
    return field.description if field is not None else None


def _got(value: Any) -> str:
    """A value as the editor wrote it, near enough: YAML and TOML write true and false."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


# A number out of its field's bounds: what to write instead.
_BOUNDS = {
    "greater_than": "gt",
    "greater_than_equal": "ge",
    "less_than": "lt",
    "less_than_equal": "le",
}


def _whole(root: type[BaseModel], loc: tuple[Any, ...]) -> bool:
    """Whether the field at ``loc`` takes whole numbers only."""
    field = _field_at(root, loc)
    kinds = _kinds(field.annotation) if field else set()
    return int in kinds and float not in kinds


def _kinds(annotation: Any) -> set[Any]:
    """The types an annotation admits: 'Whole | None' (an Annotated int in a union) is int."""
    if get_origin(annotation) is Annotated:
        return _kinds(get_args(annotation)[0])
    args = get_args(annotation)
    return set().union(*map(_kinds, args)) if args else {annotation}


def _bound_hint(kind: str, ctx: dict[str, Any], whole: bool) -> str:
    bound = ctx.get(_BOUNDS[kind])
    if whole and isinstance(bound, int) and kind in ("greater_than", "less_than"):
        # A whole number's bound: 'above 0' is 1 or more.
        kind, bound = f"{kind}_equal", bound + (1 if kind == "greater_than" else -1)
    if isinstance(bound, float):
        bound = f"{bound:g}"  # 0, not 0.0
    if kind == "greater_than":
        return f"write a number above {bound}"
    if kind == "less_than":
        return f"write a number below {bound}"
    return f"write {bound} or {'more' if kind == 'greater_than_equal' else 'less'}"


def _type_hint(kind: str) -> str | None:
    hints = {
        "list_type": "write a list: one '- item' per line under the field",
        "model_type": "write the nested fields under it, indented",
        "dict_type": "write the nested fields under it, indented",
        "int_parsing": "write a whole number without quotes",
        "int_type": "write a whole number, without quotes or a decimal point",
        "string_type": "write text (quote it if it looks like a number or date)",
        "bool_parsing": "write true or false",
        "literal_error": None,
    }
    return hints.get(kind)


# A plain scalar as written on a line: a run of characters that cannot end or quote one.
_PLAIN_TOKEN = re.compile(r"[^\s,\[\]{}#'\"]+")


# A quoted scalar written as a field's name, then its ':' (as _COMMENTED matches a value).
_QUOTED_KEY = re.compile(r"""("(?:[^"\\]|\\.)*"|'(?:[^']|'')*')\s*:(?:\s|$)""")


def _unquoted(written: str) -> Any:
    """A quoted scalar as YAML reads it (None if it does not read)."""
    try:
        return yaml.safe_load(written)
    except yaml.YAMLError:
        return None


def written_as(
    source: str | None,
    line: int | None,
    value: Any,
    index: int | None = None,
    key: str | None = None,
) -> str | None:
    """How the editor wrote ``value`` (a plain scalar YAML typed) on ``line`` of ``source``;
    ``index``: its place in a list ([1, 01]: the second is 01, though both read 1); ``key``:
    the field it is the value of, looked for after its ':', the name quoted or not ('-
    "Prince": yes'; a name may read as a value too, '- Yes Man: yes').

    None when it cannot be told for sure (no line, or no such word on it).
    """
    text = source_line(source, line)
    if key is not None:
        # The name as written: quoted, it is compared as YAML reads it, escapes and all
        # ("'Sinéad O''Connor'", '"Dwayne \\"Rock\\" Johnson"' were not found as read).
        named = next(
            (m for m in _QUOTED_KEY.finditer(text) if _unquoted(m.group(1)) == key), None
        ) or re.search(rf"{re.escape(key)}:(?:\s|$)", text)
        text = text[named.end() :] if named is not None else ""
    if index is not None and "[" in text:  # a list on one line: its items by their commas
        items = text[text.index("[") + 1 :].split("]")[0].split(",")
        if index < len(items):
            token = items[index].strip()
            found = plain_value(token)
            if type(found) is type(value) and found == value:
                return token
    for token in _PLAIN_TOKEN.findall(text):
        token = token.rstrip(":")
        found = plain_value(token)
        if type(found) is type(value) and found == value:
            return token
    return None


def source_line(source: str | None, line: int | None) -> str:
    """Line ``line`` (from 1) of ``source`` as written; "" when either is not known."""
    lines = source.split("\n") if source and line else []
    return lines[line - 1] if line and 0 < line <= len(lines) else ""


def indent_at(source: str | None, line: int | None) -> int:
    """The indentation of ``line`` of ``source`` (0 when either is not known): where the
    lines a hint gives to copy in its place start."""
    text = source_line(source, line)
    return len(text) - len(text.lstrip(" "))


def lines_to_copy(lines: Iterable[str], indent: int = 0) -> str:
    """Lines of YAML for a hint to end with, each on a line of its own at ``indent`` (that
    of the line they go in place of), to copy into the file as they are."""
    return "".join(f"\n{' ' * indent}{line}" for line in lines)


def lines_in_place(lines: list[str], source: str | None, line: int | None) -> str:
    """:func:`lines_to_copy` for ``line`` of ``source``: where that line is a list's item
    ('  - cast: ...', a film's first field), the first of ``lines`` keeps its dash and the
    others are indented under it (without, the item pasted became a field of the list)."""
    text = source_line(source, line)
    indent = len(text) - len(text.lstrip(" "))
    dash = re.match(r"-[ ]+", text[indent:])
    if dash is None or not lines or lines[0].startswith("- "):
        return lines_to_copy(lines, indent)
    width = indent + len(dash.group())
    return f"\n{text[:width]}{lines[0]}" + lines_to_copy(lines[1:], width)


def line_of(data: Any, loc: tuple[Any, ...]) -> int | None:
    """The source line of ``loc`` in data parsed by :mod:`frontmatter`, or its nearest parent."""
    line = getattr(data, "start_line", None)
    node = data
    for part in loc:
        if isinstance(node, LineDict) and part in node:
            line = node.key_lines.get(part, line)
            node = node[part]
        elif isinstance(node, LineList) and isinstance(part, int) and part < len(node):
            line = node.item_lines[part]
            node = node[part]
        else:
            break
    return line


__all__ = [
    "controls_in",
    "describe_errors",
    "field_path",
    "indent_at",
    "line_of",
    "lines_to_copy",
    "model_at",
    "names_in",
    "yaml_scalar",
]
