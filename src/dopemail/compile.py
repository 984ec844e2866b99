"""MJML -> the email's HTML: validate, compile with mjml-python, inline our CSS.

Three quirks of mjml-python are handled here rather than in every template:

- it accepts unknown tags and attributes silently, so the MJML is validated first
  (:mod:`dopemail.mjml_check`);
- it writes a literal ``\\u{a0}`` into attributes that contain a no-break space (and other
  non-ASCII characters), so every non-ASCII character is handed to it as a numeric character
  reference, which it passes through untouched;
- it ignores ``<mj-style inline="inline">``, so the CSS meant for inlining (link colours inside
  the Markdown body, figure captions) is inlined after compiling with css-inline, for the mail
  clients that strip ``<style>`` (Gmail's app on some accounts, many webmails);
- the hidden preview text it writes for ``<mj-preview>`` lacks ``mso-hide:all``, without which
  Outlook on Windows shows it (and its spacers) at the top of the message and in replies:
  it is added.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .errors import TemplateError, raise_all

#: Finds the template line that wrote an MJML problem, from what that line looks like or
#: from the line of MJML it wrote and the tag it is about: (template, line) or None.
Locate = Callable[[re.Pattern[str] | tuple[str, str]], tuple[str, int] | None]

_TOLD_TAG = re.compile(r"</?mj[\w-]*")
_POSITION = re.compile(r"(.*?) in root template at position (\d+):(\d+)", re.S)
_UNKNOWN_TAG = re.compile(r"unknown MJML tag <([^>\s]+)>")
_UNKNOWN_ATTRIBUTE = re.compile(r"unknown attribute '([^']+)' on <([^>\s]+)>")
_UNQUOTED = re.compile(r"<([^>\s]+)> has ([\w:-]+)=(\S+), a value not in quotes")


def to_ascii(source: str) -> str:
    """Non-ASCII characters as numeric character references (``&#160;``)."""
    return source.encode("ascii", "xmlcharrefreplace").decode("ascii")


def compile_mjml(source: str, inline_css: str, template: str, locate: Locate | None = None) -> str:
    """Compile MJML to email HTML; raise TemplateError for invalid MJML.

    ``template`` names the template the MJML came from, for error messages; ``locate``
    finds the line of the template (the one named or one it includes) that wrote a bad tag.
    """
    # On first use: a warm build takes compiled issues from the cache.
    import css_inline
    from mjml import mjml2html

    from .mjml_check import check_mjml, unclosed_html

    errors = []
    problems = check_mjml(source)
    lines = source.split("\n") if problems else []
    for problem in problems:
        wrote: re.Pattern[str] | tuple[str, str] | None = _written(problem.message)
        told = _TOLD_TAG.match(problem.message)
        tag = problem.wrote or (told.group() if told is not None else None)
        # A value not in quotes: by its MJML line first (each problem at its own, when two
        # templates write the same value), then by the tag and value as written (a line
        # filled in with the intro is no template's line).
        unquoted = wrote is not None and _UNQUOTED.match(problem.message) is not None
        tries: list[re.Pattern[str] | tuple[str, str]] = []
        if (wrote is None or unquoted) and tag is not None and problem.line <= len(lines):
            # Told by the line of MJML it is on, and the MJML tag it names (not an HTML tag
            # such as <div>, which is in many templates) or the text it is about ('<3').
            tries.append((lines[problem.line - 1].strip(), tag))
        if wrote is not None:
            tries.append(wrote)
        found = next(
            (at for each in tries if locate is not None and (at := locate(each)) is not None),
            None,
        )
        path, line = found or (template, None)
        errors.append(
            TemplateError(
                problem.message,
                path,
                line,
                f"line {problem.line} of the MJML that {template} produced; see "
                "https://documentation.mjml.io/ for the tags and attributes MJML knows",
            )
        )
    raise_all(errors)
    try:
        # fonts={} keeps mjml-python from adding its Google Fonts <link> (Ubuntu): the
        # templates name system fonts, and a remote stylesheet is a request per open.
        html = mjml2html(to_ascii(source), fonts={}, disable_comments=True)
    except Exception as exc:  # mjml-python raises a bare Exception with the parser's message
        # "unexpected element in root template at position 8577:8588": where, in the MJML,
        # is said by its line (the same in every issue a template breaks), not the message.
        message, where, found = str(exc), "", None
        at = _POSITION.fullmatch(message)
        # With no position: a tag opened in a <mj-text> (a <div>, a <p>) and never closed.
        left = unclosed_html(source) if at is None and "end of stream" in message else None
        if left is not None:
            message = left.message
            where = f"line {left.line} of the MJML that {template} made; "
            if locate is not None:
                found = locate((source.split("\n")[left.line - 1].strip(), left.wrote or ""))
        elif at is not None:
            compiled = to_ascii(source)
            start, end = int(at.group(2)), int(at.group(3))
            told = compiled[start:end]
            message = f"{at.group(1)} {told}".strip()
            number = compiled.count(chr(10), 0, start) + 1
            # MJML tells where it stopped, which may be past the fault ('</b>' too many in a
            # text stops it at the next <mj-section>).
            where = (
                f"line {number} of the MJML that {template} made, where MJML stopped: the fault "
                "is there or above it; "
            )
            # The same line of the source (to_ascii adds no line), as the template wrote it.
            written = source.split("\n")[number - 1].strip()
            if locate is not None and told.strip() and "\n" not in told:
                found = locate((written, told.strip().lower()))
        path, line = found or (template, None)
        raise TemplateError(
            f"MJML did not compile: {message}",
            path,
            line,
            f"{where}check that every <mj-*> tag, and every HTML tag inside one, is closed and "
            "nested as MJML requires",
        ) from None
    inliner = css_inline.CSSInliner(
        inline_style_tags=False,
        keep_style_tags=True,
        keep_link_tags=False,
        load_remote_stylesheets=False,
        extra_css=inline_css,
    )
    return _PREVIEW.sub(r"\1mso-hide:all;", inliner.inline(html), count=1)


# The <div> mjml-python writes for <mj-preview>: hidden everywhere but in Outlook's Word engine.
_PREVIEW = re.compile(r'(<div style="display:none;font-size:1px;[^"<>]*?overflow:hidden;)(?=">)')


def _written(message: str) -> re.Pattern[str] | None:
    """How a template line that wrote the problem looks (None: too common to tell)."""
    if (found := _UNKNOWN_TAG.fullmatch(message)) and found.group(1).startswith("mj"):
        return re.compile(rf"<{re.escape(found.group(1))}(?![\w-])", re.I)
    if found := _UNKNOWN_ATTRIBUTE.fullmatch(message):
        name, tag = (re.escape(g) for g in found.groups())
        return re.compile(rf"<{tag}(?![\w-])[^>]*?(?<![\w-]){name}\s*=", re.I)
    if found := _UNQUOTED.match(message):
        # Found by the tag and the value as the template wrote them: the MJML line may hold
        # what a variable filled in (the intro), which no template line does.
        tag, name, value = (re.escape(g) for g in found.groups())
        return re.compile(rf"<{tag}(?![\w-])[^>]*?(?<![\w-]){name}\s*=\s*{value}", re.I)
    return None  # an HTML tag outside <mj-text>: a <div> is in many templates
