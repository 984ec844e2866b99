"""What an entry's or an issue's Markdown text holds that loading must look at: the pictures
it shows (each file under media/ found, measured and its alt text said; a path Markdown did
not read as one), and the raw HTML and links that pages, feeds and emails leave out.

From the parsed text, not its characters (a picture in a code span or a comment is not shown).
Apart from the loading of files: the same questions for an entry and an issue's intro, on a
text alone.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from .config import Settings
from .errors import ContentError, DopemailError
from .layout import MEDIA_DIR
from .markdown import DROPPED_WHOLE, LINK_SCHEMES, tables_left_open, uncommented
from .models import Picture
from .pictures import (
    READABLE_NAMES,
    PictureProblem,
    beside_its_file,
    local_media,
    measured,
    media_example,
    not_shown,
    unreadable,
)
from .sourcetext import text_tokens

# A raw <img> that gives its own size: the page keeps it (markdown._sized adds none).
_SIZED_TAG = re.compile(r"(?=.*\swidth\s*=)(?=.*\sheight\s*=)", re.I | re.S)
# A raw <img> in a text's HTML, and an attribute of a tag: its name, and its value quoted
# either way or not at all (<img src=still.jpg ALT=Night>), as a browser reads them.
# ('>' in a quoted value; a lone quote in an unquoted one, alt=Marit's, as a browser reads it.)
# Possessive (*+): a quote may be read two ways, and with no '>' after a run of them the
# search tried every way (a paragraph with forty apostrophes held a build for minutes).
_RAW_IMG = re.compile(r"""<img\b((?:[^>"']|"[^"]*"|'[^']*'|["'])*+)>""", re.I)
_ATTRIBUTE = re.compile(r"""([^\s"'=<>/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")


def _text_pictures(tokens: list[Any]) -> Iterator[tuple[str, bool, int | None, str]]:
    """(src, has alt text, first line from 0, its text) of each picture the parsed text shows.

    From the parse, not the characters: a picture in a code span or an HTML comment is not
    shown, and reference-style pictures and <...> paths are."""
    for token in tokens:
        line = token.map[0] if token.map else None
        if token.type == "inline":
            for child in token.children or []:
                if child.type == "image":
                    yield str(child.attrs.get("src", "")), bool(child.content.strip()), line, ""
                elif child.type == "html_inline" and not child.content.startswith("<!--"):
                    yield from _raw_pictures(child.content, line)
        elif token.type == "html_block" and not token.content.lstrip().startswith("<!--"):
            yield from _raw_pictures(token.content, line)


# A picture Markdown left as text: '![alt](media/a b.jpg)' (a space ends a path unless the path
# is written between < and >).
_UNREAD_PICTURE = re.compile(r"!\[[^\]]*\]\(\s*(media/[^)<>]*?\s[^)<>\"']*?)\s*\)")


def _unread_pictures(tokens: list[Any]) -> Iterator[tuple[str, int | None]]:
    """(path, first line from 0) of each picture under media/ the text shows as text."""
    for token in tokens:
        if token.type != "inline":
            continue
        line = token.map[0] if token.map else None
        for child in token.children or []:
            if child.type == "text" and "](media/" in child.content:
                for found in _UNREAD_PICTURE.finditer(child.content):
                    yield found.group(1), line


def _raw_pictures(html: str, line: int | None) -> Iterator[tuple[str, bool, int | None, str]]:
    for match in _RAW_IMG.finditer(html):
        attributes: dict[str, str] = {}
        for name, double, single, bare in _ATTRIBUTE.findall(match.group(1)):
            attributes.setdefault(name.lower(), double or single or bare)
        src = attributes.get("src", "").strip()
        if src:
            yield src, bool(attributes.get("alt", "").strip()), line, match.group()


# An <img>'s alt attribute, empty ('alt=""', "alt=''", 'alt'), to fill in.
_EMPTY_ALT = re.compile(r"""(\salt)(?:\s*=\s*(?:"\s*"|'\s*'))?(?=[\s/>])""", re.IGNORECASE)


def _with_alt(tag: str) -> str:
    """An <img> tag written without its alt text, with it: the fix in the form the editor
    wrote (it was told the Markdown form, ![What it shows](...), for an <img>)."""
    if _EMPTY_ALT.search(tag):
        return _EMPTY_ALT.sub(r'\1="What it shows"', tag, count=1)
    return re.sub(r"^<img\b", '<img alt="What it shows"', tag, count=1, flags=re.IGNORECASE)


def _may_show_picture(body: str) -> bool:
    # A Markdown picture ('![') or raw HTML's, looked for at memory speed (a pattern for
    # both, tried at every character, cost 2 % of a cold build).
    return "![" in body or ("<" in body and "<img" in body.lower())


def body_pictures(
    body: str, body_line: int, rel: str, root: Path, settings: Settings, within: int = 0
) -> tuple[tuple[Picture, ...], list[DopemailError]]:
    """The pictures under media/ that a Markdown text shows, and the problems (a missing
    file, a path written two ways, no alt text). ``within``: the width to fit them in (an
    issue's intro, in the email's column); none, their own size."""
    found: dict[str, Picture] = {}
    errors: list[DopemailError] = []
    if "media/" not in body and "media%2" not in body and not _may_show_picture(body):
        return (), errors
    lines = body.split("\n")
    tokens = text_tokens(body)
    for written, first in _unread_pictures(tokens):
        errors.append(
            ContentError(
                f"the picture {written} is not shown: Markdown ends a picture's path at a "
                "space, so readers would see this text instead",
                rel,
                body_line + _line_of(lines, first, written),
                f"write the path between < and >: ![...](<{written}>), or each space as %20",
            )
        )
    for src, has_alt, first, tag in _text_pictures(tokens):
        written = unquote(src)  # the parser %-encodes: as the file is named
        parts = urlsplit(written)
        # (A one-letter scheme is a drive: C:/Users/me/still.jpg, on the editor's computer.)
        if len(parts.scheme) > 1 or parts.netloc:
            # A picture elsewhere on the web: shown as it is, if readers can see its kind.
            problem = not_shown(written)
            if problem is not None:
                line = body_line + _line_of(lines, first, written)
                errors.append(
                    ContentError(f"the picture in the text: {problem}", rel, line, problem.hint)
                )
            continue
        line = body_line + _line_of(lines, first, written)
        if not written.lstrip("/").startswith(MEDIA_DIR + "/"):
            # Read from the page, as a browser reads it: 'still.jpg' is looked for beside the
            # page (site/<slug>/still.jpg), which no build makes, and the feeds and the email
            # carried that address without a word.
            under = posixpath.normpath(written).partition(MEDIA_DIR + "/")
            hint = (
                f"write it as {MEDIA_DIR}/{under[2]}"
                if under[1] and under[2]
                else beside_its_file(written, root, rel)
                or f"put the file under {MEDIA_DIR}/ and write its path from there, e.g. "
                f"{media_example(rel)}, or give the picture's https:// address"
            )
            errors.append(
                ContentError(
                    (
                        f"the picture '{written}' is not a file under {MEDIA_DIR}/: pictures in "
                        "the text are read from the site's media/ folder"
                    )
                    if written
                    else "a picture without an address",
                    rel,
                    line,
                    hint,
                )
            )
            continue
        if not has_alt:
            errors.append(
                ContentError(
                    f"the picture {written} has no alt text",
                    rel,
                    line,
                    "say what it shows, for readers who cannot see it: "
                    + (_with_alt(tag) if tag else f"![What it shows]({src})"),
                )
            )
            continue
        try:
            source, path, info = local_media(written, root, owner=rel)
        except ValueError as exc:
            hint = getattr(
                exc,
                "hint",
                f"check the path, or copy the picture there: pictures live under media/, "
                f"e.g. {media_example(rel)}",
            )
            errors.append(ContentError(f"the picture in the text: {exc}", rel, line, hint))
            continue
        try:
            width, height = measured(written, source, path, info)
        except PictureProblem as wrong:
            errors.append(ContentError(f"the picture in the text: {wrong}", rel, line, wrong.hint))
            continue
        named = written.lower().endswith(READABLE_NAMES)  # so damaged, whatever size is said
        if (width <= 0 or height <= 0) and (named or not _SIZED_TAG.search(tag)):
            # As in a gallery; a raw <img> may give its own size, which the page keeps.
            or_else = "give the <img> its" if tag else "write it as <img> with its"
            errors.append(
                unreadable(
                    f"the picture in the text: '{written}'",
                    written,
                    rel,
                    line,
                    "put the right file in its place" if named else f"{or_else} width= and height=",
                )
            )
            continue
        if within and width > within:
            width, height = within, max(1, round(height * within / width))
        size = (width, height) if width > 0 and height > 0 else (0, 0)  # the tag gives its own
        found[written] = Picture(
            written, source, settings.media_url(source), *size, length=info.st_size
        )
    return tuple(found.values()), errors


def _line_of(lines: list[str], first: int | None, written: str) -> int:
    # The block's first line, or the line of it that names the file.
    start = first or 0
    name = written.rsplit("/", 1)[-1]
    for number in range(start, len(lines)):
        if name in unquote(lines[number]):
            return number
    return start


# Elements the sanitiser takes out of a text, with all they hold: an embedded player, a
# script, a form; and a MathML formula, whose text alone is kept. (Looked for as characters
# first: most texts hold none.)
_DROPPED = re.compile(
    r"<(" + "|".join(sorted({*DROPPED_WHOLE, "input", "link", "meta", "base", "math"})) + r")\b",
    re.I,
)


def dropped_html(body: str, body_line: int) -> tuple[tuple[str, int | None, str], ...]:
    """A note for each element of raw HTML in a text that pages, feeds and emails leave out
    (a pasted video embed showed nothing, without a word), and for each link or picture
    whose address they take out (ftp:, tel:): (message, line, hint), in the order of the
    lines. What an HTML comment holds is neither."""
    elements = "<" in body and _DROPPED.search(body) is not None
    tables = "<" in body and _TABLE_OPEN.search(body) is not None
    addresses = _other_schemes(body)
    if not elements and not addresses and not tables:
        return ()
    found: list[tuple[str, int | None, str]] = []
    for opened, _ in tables_left_open(body) if tables else ():
        found.append(
            (
                "the <table> opened here is never closed: pages, feeds and emails close it "
                "where its HTML ends, at the first blank line after it",
                body_line + opened,
                "close it with </table> after its last row",
            )
        )
    for token in text_tokens(body):
        if not token.map:
            continue
        line = body_line + token.map[0]
        if token.type == "html_block":
            pieces = [(uncommented(token.content), line)]
        elif token.type == "inline":
            children = token.children or []
            pieces, notes = _inline_pieces(children, token.content, line, addresses)
            found += notes
        else:
            continue
        for html, at in pieces:
            if addresses:
                found += _raw_addresses(html, at)
            if elements:
                found += _dropped_elements(html, at)
            if tables and token.type == "inline":
                found += _tables_in_text(html, at)
    # Stable: notes of one line in the order they were found.
    return tuple(sorted(found, key=lambda note: note[1] or 0))


def _inline_pieces(
    children: list[Any], raw: str, first: int, addresses: bool
) -> tuple[list[tuple[str, int]], list[tuple[str, int | None, str]]]:
    """The raw HTML of a paragraph (or heading, or cell), each piece with its line; and a
    note for each Markdown link or picture whose address is taken out (if ``addresses``).

    A line is counted by the breaks met, and a piece's or an address's by where it is in
    the paragraph as written (``raw``): a break inside a picture's alt text or a code span
    is no break of the paragraph's."""
    pieces: list[tuple[str, int]] = []
    notes: list[tuple[str, int | None, str]] = []
    line, cursor = first, 0

    def locate(written: str) -> None:
        # The line ``written`` is on: looked for in ``raw`` after what was found last.
        nonlocal line, cursor
        at = raw.find(written, cursor) if written else -1
        if at != -1:
            cursor, line = at + len(written), first + raw.count("\n", 0, at)

    for child in children:
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        elif child.type == "html_inline":
            locate(child.content)
            pieces.append((uncommented(child.content), line))
            line += child.content.count("\n")
        elif addresses and child.type in ("link_open", "image"):
            picture = child.type == "image"
            address = str(child.attrs.get("src" if picture else "href", ""))
            locate(address)
            notes += _address_note(address, picture, line)
        elif addresses and child.type == "text" and "](" in child.content:
            # A link to file:, javascript: or data: (not a picture) is no link to the parser
            # that reads texts here, and is left as text: the one that renders pages takes it
            # for a link, whose address the sanitiser takes out (a picture dragged in from
            # the desktop, file:///Users/..., showed nothing).
            for unread in _UNREAD_LINK.finditer(child.content):
                locate(unread.group())
                notes += _address_note(unread.group("address"), bool(unread.group("bang")), line)
    return pieces, notes


_TABLE_OPEN = re.compile(r"<table(?=[\s/>])", re.I)


def _tables_in_text(html: str, line: int) -> list[tuple[str, int | None, str]]:
    """A note for each <table> typed in a paragraph (or a heading, a cell): HTML takes no
    table there, and a browser ends the paragraph before it and moves the words after it."""
    return [
        (
            "a <table> in a paragraph ends the paragraph: pages, feeds and emails move the "
            "words after it out of their place",
            line + html[: match.start()].count("\n"),
            "put the table on lines of its own, with a blank line before it, and close it "
            "with </table>; or remove the <table>",
        )
        for match in _TABLE_OPEN.finditer(html)
    ]


def _dropped_elements(html: str, line: int) -> list[tuple[str, int | None, str]]:
    notes = []
    for match in _DROPPED.finditer(html):
        tag = match.group(1).lower()
        at = line + html[: match.start()].count("\n")
        if tag == "math":
            notes.append(
                (
                    "the <math> formula is shown as its text alone in pages, feeds and emails, "
                    "its layout lost ('x2' for x squared, '12' for a half): mail programs "
                    "cannot show MathML",
                    at,
                    "write the formula as text, with <sup> and <sub> for what is raised or "
                    "lowered: x<sup>2</sup>, H<sub>2</sub>O, 1/2, 1.85:1",
                )
            )
            continue
        notes.append(
            (
                f"the <{tag}> is left out of pages, feeds and emails, with what it "
                "holds up to its closing tag (they take no players, scripts or forms)",
                at,
                "link to it instead: [Watch the trailer](https://...)"
                if tag in ("iframe", "embed", "object", "video", "audio")
                else "remove it, or say in words what it was to show",
            )
        )
    return notes


def _other_schemes(body: str) -> bool:
    """Whether ``body`` may hold an address with a scheme whose links pages take out ('ftp://',
    'tel:+1...'): asked of its characters first, colon by colon (a text has few; a regex over
    the whole text tried every letter, 0.5 ms a piece), as most hold http, https and mailto
    ones alone."""
    at = body.find(":")
    while at != -1:
        after = body[at + 1 : at + 2]
        if (
            after
            and not after.isspace()
            and after != ":"
            and not body.endswith(_KEPT_SCHEMES, max(0, at - 6), at)
        ):
            found = _SCHEME_BEFORE.search(body, max(0, at - 32), at)
            if found is not None and found.group().lower() not in LINK_SCHEMES:
                return True
        at = body.find(":", at + 1)
    return False


_KEPT_SCHEMES = tuple(sorted(LINK_SCHEMES))  # str.endswith takes a tuple
# The scheme an address would have before a colon: 'ftp' of 'ftp://', not '30' of '10:30'.
_SCHEME_BEFORE = re.compile(r"(?<![\w.+-])[a-zA-Z][a-zA-Z0-9+.-]{1,31}$")
# (Read as browsers read an address: past the spaces, tabs and line breaks around it, a tab or
# line break in it dropped; a no-break space is no space to HTML: ' ftp:' has none.)
_SCHEME = re.compile(r"^[\x00-\x20]*([a-zA-Z][a-zA-Z0-9+.-]*):")
# A Markdown link or picture the text's parser left as text for its address's scheme.
# Its address may hold parentheses in pairs, as a link's may ('javascript:alert(3)').
_UNREAD_LINK = re.compile(
    r"(?P<bang>!?)\[[^\[\]\n]*\]\(\s*<?"
    r"(?P<address>(?:file|javascript|vbscript|data):(?:[^\s()>]|\([^\s()>]*\))*)"
)
# A link or a picture written in raw HTML (its attributes as _RAW_IMG reads them).
_RAW_LINK = re.compile(r"""<(a|img)\b((?:[^>"']|"[^"]*"|'[^']*'|["'])*+)>""", re.I)  # see _RAW_IMG


def _raw_addresses(html: str, line: int) -> list[tuple[str, int | None, str]]:
    """A note for each <a href> and <img src> of raw HTML whose address is taken out."""
    notes = []
    for tag in _RAW_LINK.finditer(html):
        picture = tag.group(1).lower() == "img"
        wanted = "src" if picture else "href"
        for name, *values in _ATTRIBUTE.findall(tag.group(2)):
            if name.lower() == wanted:
                address = next((v for v in values if v), "")
                at = line + html[: tag.start()].count("\n")
                notes += _address_note(address, picture, at)
                break
    return notes


def _address_note(address: str, picture: bool, line: int) -> list[tuple[str, int | None, str]]:
    """The note for a link or picture that leads to ``address``, if pages take it out."""
    scheme = _SCHEME.match(address.replace("\t", "").replace("\n", "").replace("\r", ""))
    if scheme is None or scheme.group(1).lower() in LINK_SCHEMES:
        return []
    shown = address.strip()
    if len(shown) > 60:  # a picture's data: address is kilobytes
        shown = shown[:59] + "…"
    if picture:
        return [
            (
                f"the picture at '{shown}' is left out of pages, feeds and emails: they show "
                "pictures from https: (or http:) addresses only",
                line,
                "put the picture under media/ or give its https:// address",
            )
        ]
    return [
        (
            f"the link to '{shown}' is taken out of pages, feeds and emails, its words left "
            "as text: they keep links to https:, http: and mailto: addresses only",
            line,
            "write the number out in the text"
            if scheme.group(1).lower() == "tel"
            else "link to a web page (https://...) instead, or write the address out",
        )
    ]
