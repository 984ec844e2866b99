"""Validate MJML before compiling it: unknown tags and attributes are errors.

mjml-python (MRML) accepts ``<mj-colum>`` or ``padding-topp="4px"`` without a word and writes
them into the email as-is, where mail clients ignore them: the editor never learns why the
layout broke. MJML's own validator (``validationLevel: strict``) refuses them; this module is
that check for the components MJML 4 documents (https://documentation.mjml.io/).

The content of "ending tags" (``mj-text``, ``mj-button``, ``mj-raw``, ``mj-table``...) is
HTML, not MJML, and is not checked here.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

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

_GLOBAL = {"mj-class", "css-class"}
_ANY_KNOWN = set().union(*ATTRIBUTES.values())


@dataclass(frozen=True)
class MjmlProblem:
    """One unknown tag or attribute, with its line in the MJML source."""

    line: int
    message: str


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[MjmlProblem] = []
        self.stack: list[str] = []

    def _inside_ending(self) -> bool:
        return any(tag in ENDING_TAGS for tag in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._check(tag, attrs)
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._check(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass

    def _check(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._inside_ending():
            return
        line = self.getpos()[0]
        in_attributes = bool(self.stack) and self.stack[-1] == "mj-attributes"
        if tag not in ATTRIBUTES:
            if tag.startswith("mj-") or tag == "mjml" or not self.stack:
                self.problems.append(MjmlProblem(line, f"unknown MJML tag <{tag}>"))
            else:
                self.problems.append(
                    MjmlProblem(line, f"<{tag}> is HTML: put it inside <mj-text> or <mj-raw>")
                )
            return
        allowed = _ANY_KNOWN if tag in ("mj-all", "mj-class") else ATTRIBUTES[tag]
        for name, _value in attrs:
            if name in _GLOBAL and not in_attributes:
                continue
            if name not in allowed and not (in_attributes and name in _GLOBAL):
                self.problems.append(MjmlProblem(line, f"unknown attribute '{name}' on <{tag}>"))


def check_mjml(source: str) -> list[MjmlProblem]:
    """Every unknown MJML tag or attribute in ``source``, with its line."""
    checker = _Checker()
    checker.feed(source)
    checker.close()
    return checker.problems
