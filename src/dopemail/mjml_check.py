"""Validate MJML before compiling it: unknown tags and attributes are errors.

mjml-python (MRML) accepts ``<mj-colum>`` or ``padding-topp="4px"`` without a word and writes
them into the email as-is, where mail clients ignore them: the editor never learns why the
layout broke. MJML's own validator (``validationLevel: strict``) refuses them; this module is
that check for the components MJML 4 documents (https://documentation.mjml.io/).

The content of "ending tags" (``mj-text``, ``mj-button``, ``mj-raw``, ``mj-table``...) is
HTML, not MJML, and is not checked here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import closest

_PADDING = {"padding", "padding-top", "padding-bottom", "padding-left", "padding-right"}
_BORDER = {"border", "border-top", "border-bottom", "border-left", "border-right"}
_BACKGROUND = {
    "background-color", "background-position", "background-position-x",
    "background-position-y", "background-repeat", "background-size", "background-url",
}  # fmt: skip
_FONT = {
    "color", "font-family", "font-size", "font-style", "font-weight", "letter-spacing",
    "line-height", "text-decoration", "text-transform",
}  # fmt: skip
_SECTION = (
    _PADDING | _BORDER | _BACKGROUND
    | {"border-radius", "direction", "full-width", "text-align", "text-padding", "gap"}
)  # fmt: skip

#: tag -> attributes it accepts (besides the global ``mj-class`` and ``css-class``).
ATTRIBUTES: dict[str, set[str]] = {
    "mjml": {"lang", "dir", "owa"},
    "mj-head": set(),
    "mj-body": {"width", "background-color"},
    "mj-attributes": set(),
    "mj-all": set(),  # any known attribute: checked specially
    "mj-class": {"name"},  # plus any known attribute
    "mj-breakpoint": {"width"},
    "mj-font": {"name", "href"},
    "mj-html-attributes": set(),
    "mj-html-attribute": {"name"},
    "mj-selector": {"path"},
    "mj-preview": set(),
    "mj-style": {"inline"},
    "mj-title": set(),
    "mj-include": {"path", "type", "css-inline"},
    "mj-raw": {"position"},
    "mj-section": _SECTION,
    "mj-wrapper": _SECTION,
    "mj-group": {"width", "vertical-align", "background-color", "direction"},
    "mj-column": _PADDING
    | _BORDER
    | {
        "background-color",
        "inner-background-color",
        "border-radius",
        "inner-border",
        "inner-border-radius",
        "width",
        "vertical-align",
        "direction",
    },  # fmt: skip
    "mj-text": _FONT | _PADDING | {"align", "container-background-color", "height"},
    "mj-image": _PADDING
    | _BORDER
    | {
        "alt",
        "href",
        "name",
        "src",
        "srcset",
        "sizes",
        "title",
        "rel",
        "align",
        "border-radius",
        "container-background-color",
        "fluid-on-mobile",
        "target",
        "width",
        "height",
        "usemap",
        "font-size",
    },  # fmt: skip
    "mj-button": _FONT
    | _PADDING
    | _BORDER
    | {
        "align",
        "background-color",
        "border-radius",
        "container-background-color",
        "height",
        "href",
        "inner-padding",
        "rel",
        "target",
        "text-align",
        "title",
        "vertical-align",
        "width",
        "name",
    },  # fmt: skip
    "mj-divider": _PADDING
    | {
        "align",
        "border-color",
        "border-style",
        "border-width",
        "container-background-color",
        "width",
    },  # fmt: skip
    "mj-spacer": _PADDING | {"container-background-color", "height"},
    "mj-table": _PADDING
    | {
        "align",
        "border",
        "cellpadding",
        "cellspacing",
        "color",
        "container-background-color",
        "font-family",
        "font-size",
        "line-height",
        "role",
        "table-layout",
        "width",
    },  # fmt: skip
    "mj-social": _PADDING
    | _FONT
    | {
        "align",
        "border-radius",
        "container-background-color",
        "icon-height",
        "icon-size",
        "inner-padding",
        "mode",
        "icon-padding",
        "text-padding",
    },  # fmt: skip
    "mj-social-element": _PADDING
    | _FONT
    | {
        "align",
        "alt",
        "background-color",
        "border-radius",
        "href",
        "icon-height",
        "icon-size",
        "icon-padding",
        "name",
        "rel",
        "sizes",
        "src",
        "srcset",
        "target",
        "text-padding",
        "title",
        "vertical-align",
        "icon-position",
    },  # fmt: skip
    "mj-navbar": {
        "align",
        "base-url",
        "hamburger",
        "ico-align",
        "ico-close",
        "ico-color",
        "ico-font-family",
        "ico-font-size",
        "ico-line-height",
        "ico-open",
        "ico-padding",
        "ico-padding-bottom",
        "ico-padding-left",
        "ico-padding-right",
        "ico-padding-top",
        "ico-text-decoration",
        "ico-text-transform",
    },  # fmt: skip
    "mj-navbar-link": _FONT | _PADDING | {"href", "name", "target", "rel"},
    "mj-hero": _PADDING
    | {
        "background-color",
        "background-height",
        "background-position",
        "background-url",
        "background-width",
        "border-radius",
        "height",
        "mode",
        "vertical-align",
        "width",
        "inner-background-color",
        "inner-padding",
        "inner-padding-top",
        "inner-padding-left",
        "inner-padding-right",
        "inner-padding-bottom",
    },  # fmt: skip
    "mj-accordion": _PADDING
    | {
        "border",
        "container-background-color",
        "font-family",
        "icon-align",
        "icon-height",
        "icon-position",
        "icon-unwrapped-alt",
        "icon-unwrapped-url",
        "icon-width",
        "icon-wrapped-alt",
        "icon-wrapped-url",
    },  # fmt: skip
    "mj-accordion-element": {
        "background-color",
        "border",
        "font-family",
        "icon-align",
        "icon-height",
        "icon-position",
        "icon-unwrapped-alt",
        "icon-unwrapped-url",
        "icon-width",
        "icon-wrapped-alt",
        "icon-wrapped-url",
    },  # fmt: skip
    "mj-accordion-title": _PADDING | {"background-color", "color", "font-family", "font-size"},
    "mj-accordion-text": _PADDING | _FONT | {"background-color"},
    "mj-carousel": {
        "align",
        "border-radius",
        "container-background-color",
        "icon-width",
        "left-icon",
        "right-icon",
        "thumbnails",
        "tb-border",
        "tb-border-radius",
        "tb-hover-border-color",
        "tb-selected-border-color",
        "tb-width",
    },  # fmt: skip
    "mj-carousel-image": {
        "alt",
        "href",
        "rel",
        "src",
        "target",
        "thumbnails-src",
        "title",
        "border-radius",
        "tb-border",
        "tb-border-radius",
    },  # fmt: skip
}

#: Tags whose content is HTML (or text), passed through untouched by the compiler.
ENDING_TAGS = {
    "mj-text", "mj-button", "mj-table", "mj-raw", "mj-navbar-link", "mj-accordion-title",
    "mj-accordion-text", "mj-social-element", "mj-style", "mj-title", "mj-preview",
}  # fmt: skip

_IN_COLUMN = ("mj-column", "mj-hero")
#: tag -> the tags it may be directly inside (MJML 4's documentation). mj-raw and mj-include
#: go anywhere; inside mj-attributes, any tag names its defaults.
PARENTS: dict[str, tuple[str, ...]] = {
    "mj-head": ("mjml",),
    "mj-body": ("mjml",),
    **dict.fromkeys(
        ("mj-attributes", "mj-breakpoint", "mj-font", "mj-html-attributes", "mj-preview",
         "mj-style", "mj-title"),
        ("mj-head",),
    ),
    "mj-all": ("mj-attributes",),
    "mj-class": ("mj-attributes",),
    "mj-selector": ("mj-html-attributes",),
    "mj-html-attribute": ("mj-selector",),
    "mj-wrapper": ("mj-body",),
    "mj-section": ("mj-body", "mj-wrapper"),
    "mj-hero": ("mj-body", "mj-wrapper"),
    "mj-group": ("mj-section",),
    "mj-column": ("mj-section", "mj-group"),
    **dict.fromkeys(
        ("mj-text", "mj-image", "mj-button", "mj-divider", "mj-spacer", "mj-table", "mj-social",
         "mj-navbar", "mj-accordion", "mj-carousel"),
        _IN_COLUMN,
    ),
    "mj-social-element": ("mj-social",),
    "mj-navbar-link": ("mj-navbar",),
    "mj-accordion-element": ("mj-accordion",),
    "mj-accordion-title": ("mj-accordion-element",),
    "mj-accordion-text": ("mj-accordion-element",),
    "mj-carousel-image": ("mj-carousel",),
}  # fmt: skip

#: Tags that hold no other tag: written '<mj-image ... />' (or closed at once).
CHILDLESS = {
    "mj-image", "mj-divider", "mj-spacer", "mj-carousel-image", "mj-breakpoint", "mj-font",
    "mj-all", "mj-class", "mj-include",
}  # fmt: skip

_GLOBAL = {"mj-class", "css-class"}
_ANY_KNOWN = set().union(*ATTRIBUTES.values())


@dataclass(frozen=True)
class MjmlProblem:
    """One unknown tag or attribute, with its line in the MJML source."""

    line: int
    message: str
    #: What the template line that wrote it holds, when the message starts with no MJML tag
    #: to find it by ('<3' in a text).
    wrote: str | None = None


# A tag: its name, then anything up to the '>' that is not inside a quoted value. The
# alternatives start with different characters and are possessive: a broken tag cannot make
# it backtrack.
_TAG = re.compile(
    r"<!--.*?-->|<(/?)([a-zA-Z][^\s/>]*+)((?:[^'\">]++|\"[^\"]*+\"|'[^']*+')*+)>", re.S
)
_ATTR = re.compile(r"([^\s/>=][^\s/>=]*)(?:\s*=\s*(?:'[^']*'|\"[^\"]*\"|(?![\"'])([^>\s]*)))?")
# A '<' that opens no tag, end tag or comment: mjml-python stops at it with "unable to parse
# next template", which names no line.
_STRAY = re.compile(r"<(?!/?[a-zA-Z]|!--)")
_OPENS = re.compile(r"</?[a-zA-Z]")


_CLOSE = re.compile(r"\s*>")

# (tag, its attribute text, outside any MJML tag) -> its problems; see check_mjml.
_checked: dict[tuple[str, str, bool], tuple[str, ...]] = {}
_CHECKED_MAX = 4096


def _end_of(tag: str, lower: str, pos: int) -> tuple[int, int]:
    """Where the end tag ``</tag>`` closing at or after ``pos`` starts and ends ((-1, -1): it
    is never closed)."""
    while (found := lower.find(f"</{tag}", pos)) >= 0:
        pos = found + len(tag) + 2
        close = _CLOSE.match(lower, pos)
        if close:
            return found, close.end()
    return -1, -1


def check_mjml(source: str) -> list[MjmlProblem]:
    """Every unknown MJML tag or attribute in ``source``, every tag where MJML does not
    take it, every tag left open, and what mjml-python cannot parse (a value not in quotes,
    a '<' that opens no tag, a comment never closed), with its line.

    A scanner over the tags rather than an HTML parser: an issue's MJML is mostly the HTML
    of its films inside ``<mj-text>``, which is skipped whole instead of parsed tag by tag.
    """
    problems, limit = _not_markup(source)
    stack: list[tuple[str, int]] = []  # the open tags, with their lines
    # A tag told to be where MJML does not take it, and the open tag it is in: when that one
    # is found left open, the first is no mistake of its own (the next card's <mj-section>
    # inside a card's left open, told at every card after it and at the template around).
    inside: list[tuple[MjmlProblem, tuple[str, int]]] = []
    # The open tags found never closed, by id, kept alive: a freed tuple's id is given to
    # the next one made, and a tag closed as it should was taken for one left open.
    left_open: dict[int, tuple[str, int]] = {}
    pos, line, counted = 0, 1, 0
    # End tags are found with str.find, much faster than a re.I search. A few characters
    # ('İ') lower to two: then positions would shift, and those are kept as they are.
    lower = source.lower()
    if len(lower) != len(source):
        lower = "".join(c if len(c.lower()) != 1 else c.lower() for c in source)
    while match := _TAG.search(source, pos, limit):
        pos = match.end()
        closing, name, rest = match.groups()
        if name is None:
            continue  # a comment
        tag = name.lower()
        line += source.count("\n", counted, match.start())
        counted = match.start()
        if closing:
            if any(open_tag == tag for open_tag, _ in stack):
                while (left := stack.pop())[0] != tag:
                    if left[0] in ATTRIBUTES:  # told at its own line
                        message = f"<{left[0]}> is not closed: end it with </{left[0]}>"
                        problems.append(MjmlProblem(left[1], message))
                        left_open[id(left)] = left
            elif tag in ATTRIBUTES:
                # Opened misspelt ('<mj-buton>...</mj-button>'): that tag is told, at its line;
                # "remove it" of this end tag would be the wrong fix.
                misspelt = [
                    index
                    for index, (open_tag, _) in enumerate(stack)
                    if open_tag not in ATTRIBUTES and closest(tag, [open_tag], cutoff=0.8)
                ]
                if misspelt:
                    del stack[misspelt[-1] :]
                else:
                    message = f"</{tag}> closes no open <{tag}>: remove it"
                    problems.append(MjmlProblem(line, message))
            continue
        outside = not stack
        parent = stack[-1][0] if stack else None
        # An issue's MJML repeats the same few tags (a card's sections, columns and images
        # for every film): each distinct one is checked once per process.
        found = _checked.get((tag, rest, outside))
        if parent is not None and parent not in ATTRIBUTES and tag not in ATTRIBUTES:
            # HTML inside a tag told already (a misspelt <mj-txt>, a <div> out of place) is
            # that tag's content: '<p> is HTML', '<em> is HTML'... buried the one mistake.
            found = () if not tag.startswith("mj-") else found
        if found is None:
            attrs = [(m.group(1).lower(), m.group(2)) for m in _ATTR.finditer(rest)]
            found = _checked[(tag, rest, outside)] = _check(tag, attrs, outside)
            if len(_checked) > _CHECKED_MAX:
                _checked.clear()  # a long preview session sees many; keep a few thousand
        problems.extend(MjmlProblem(line, message) for message in found)
        places = PARENTS.get(tag)
        if places and parent in ATTRIBUTES and parent != "mj-attributes" and parent not in places:
            # MRML compiles it all the same, into a layout mail clients break (a section in
            # a column): MJML's validator refuses it.
            where = " or ".join(f"<{p}>" for p in places)
            misplaced = MjmlProblem(
                line, f"<{tag}> cannot be inside <{parent}>: MJML takes it in {where}"
            )
            problems.append(misplaced)
            inside.append((misplaced, stack[-1]))
        if rest.rstrip().endswith("/"):
            continue
        if tag in CHILDLESS and parent != "mj-attributes":
            # '<mj-image src="...">' without its '/': whatever follows would be its children.
            after = _TAG.search(source, pos)
            if after is not None and after.group(1) and after.group(2).lower() == tag:
                pos = after.end()  # <mj-image ...></mj-image>
            else:
                problems.append(MjmlProblem(line, f"<{tag}> is not closed: end it with />"))
            continue
        if tag in ENDING_TAGS:
            # Its content is HTML for the compiler to pass through: not MJML to check. An
            # MJML tag in it (outside a comment) means it was left open, or closed with a
            # misspelt end tag.
            start, pos = _end_of(tag, lower, pos)
            inner = -1
            if tag != "mj-raw" and lower.find("<mj-", match.end(), start) >= 0:
                content = _COMMENT.sub(_blank, lower[match.end() : start if start >= 0 else None])
                inner = content.find("<mj-")
            if start < 0 or inner >= 0:
                left = f"<{tag}> is not closed" + (
                    ""
                    if inner < 0
                    else f" before the <{_name_at(source, match.end() + inner)}> inside it"
                )
                problems.append(MjmlProblem(line, f"{left}: end it with </{tag}>"))
            if start < 0:
                break  # the rest is its content
            continue
        stack.append((tag, line))
    if left_open and inside:
        following = {id(problem) for problem, parent in inside if id(parent) in left_open}
        problems = [problem for problem in problems if id(problem) not in following]
    problems.sort(key=lambda p: p.line)  # a tag left open is told when its parent closes
    return problems


_COMMENT = re.compile(r"<!--.*?-->", re.S)


def _blank(found: re.Match[str]) -> str:
    return " " * len(found.group())  # positions in the content stay those of the source


def _name_at(source: str, pos: int) -> str:
    """The name of the tag that starts at ``pos``."""
    found = _TAG.match(source, pos)
    return found.group(2).lower() if found and found.group(2) else "mj-"


def _not_markup(source: str) -> tuple[list[MjmlProblem], int]:
    """Every comment never closed or holding '--', and every '<' that opens no tag, outside
    comments and quoted values, with its line: mjml-python refuses them without saying
    where. And where a comment never closed starts (the rest is in it), or the length."""
    problems = []
    comments: list[tuple[int, int]] = []
    pos, limit = 0, len(source)
    while (start := source.find("<!--", pos)) >= 0:
        end = source.find("-->", start + 4)
        if end < 0:
            message = "<!-- opens a comment that is never closed: end it with -->"
            problems.append(MjmlProblem(source.count("\n", 0, start) + 1, message, "<!--"))
            limit = start  # the rest is the comment
            break
        comments.append((start, end + 3))
        pos = end + 3
        inside = source[start + 4 : end]
        if "<!--" in inside:
            message = "<!-- opens a comment not closed before the next <!--: end it with -->"
        elif "--" in inside or inside.endswith("-"):
            message = "<!-- opens a comment that holds '--', which MJML refuses: remove the '--'"
        else:
            continue
        problems.append(MjmlProblem(source.count("\n", 0, start) + 1, message, "<!--"))
    for found in _STRAY.finditer(source, 0, limit):
        at = found.start()
        if any(start < at < end for start, end in comments) or _in_tag(source, at):
            continue
        after = source[at + 1 : at + 2].strip()
        if after == "/":
            message = "'</' is not followed by a tag name: write the end tag as </name>"
        elif after == "!":
            message = "'<!' opens no comment: write a comment as <!-- ... -->"
        else:
            message = f"'<{after}' opens no tag: write &lt; for a '<' shown as text"
        problems.append(MjmlProblem(source.count("\n", 0, at) + 1, message, "<" + after))
    return problems, limit


def _in_tag(source: str, at: int) -> bool:
    """Whether ``at`` is inside a tag (a quoted value: alt="a <3 b")."""
    start = at
    while (start := source.rfind("<", 0, start)) >= 0:
        if _OPENS.match(source, start):
            tag = _TAG.match(source, start)
            return tag is not None and tag.end() > at
    return False


def _check(tag: str, attrs: list[tuple[str, str | None]], outside: bool) -> tuple[str, ...]:
    """What is wrong with one tag (``outside``: not inside any MJML tag); ``attrs``: each
    attribute's name, with its value when not in quotes."""
    if tag not in ATTRIBUTES:
        if tag.startswith("mj-") or tag == "mjml" or outside:
            return (f"unknown MJML tag <{tag}>",)
        return (f"<{tag}> is HTML: put it inside <mj-text> or <mj-raw>",)
    allowed = _ANY_KNOWN if tag in ("mj-all", "mj-class") else ATTRIBUTES[tag]
    # mjml-python stops at a value not in quotes ("unable to parse next template").
    unquoted = tuple(
        f'<{tag}> has {name}={value}, a value not in quotes: write {name}="{value}"'
        for name, value in attrs
        if value
    )
    return unquoted + tuple(
        f"unknown attribute '{name}' on <{tag}>"
        for name, _ in attrs
        if name not in allowed and name not in _GLOBAL
    )


#: HTML's elements with no end tag: '<br>' is whole.
_VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr",
}  # fmt: skip


def unclosed_html(source: str) -> MjmlProblem | None:
    """The first HTML tag opened inside an ending tag (``<mj-text>``...) and not closed
    before its end, with its line: mjml-python then says only "unexpected end of stream",
    naming neither line nor tag. Looked for once it has failed so (check_mjml skips that
    HTML, for speed)."""
    ending: str | None = None
    opened: list[tuple[str, int]] = []
    for match in _TAG.finditer(source):
        closing, name, rest = match.groups()
        if name is None:
            continue  # a comment
        tag = name.lower()
        if ending is None:
            written_whole = rest.rstrip().endswith("/")  # <mj-text padding="0" /> in a head
            if tag in ENDING_TAGS and not closing and not written_whole and tag != "mj-style":
                ending, opened = tag, []
            continue
        if closing and tag == ending:
            if opened:
                left, line = opened[0]
                return MjmlProblem(
                    line,
                    f"<{left}> is not closed before </{ending}>: end it with </{left}>",
                    f"<{left}",
                )
            ending = None
        elif closing:
            for index in range(len(opened) - 1, -1, -1):
                if opened[index][0] == tag:
                    del opened[index:]
                    break
        elif tag not in _VOID and not rest.rstrip().endswith("/"):
            opened.append((tag, source.count("\n", 0, match.start()) + 1))
    return None
