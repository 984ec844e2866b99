"""Quality rules for a built email, enforced by the build.

Each rule exists because a real mail client punishes breaking it: Gmail clips messages over
102 KB (hiding the footer with the unsubscribe link) and drops ``<style>`` blocks over 16 KB;
images without width/height collapse or jump in Outlook; relative links go nowhere from an
inbox; dark text on a transparent background vanishes when a client paints the page dark.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .config import GMAIL_CLIPS_AT, Settings
from .errors import QualityError
from .models import LoadedIssue
from .personalize import UNSUBSCRIBE_PLACEHOLDER, token_link_parts
from .templates import PREHEADER_SHOWN, SUBJECT_SHOWN, unbracketed

_ABSOLUTE_LINK = re.compile(r"^\s*(https?://[^\s/]+|mailto:\S+@\S+)", re.I)
# A URL is read without regard to the case of its scheme, and an attribute's spaces around it.
_PIXELS = re.compile(r"\s*\d+(?:\.\d+)?\s*(?:px)?\s*")
_HTTPS = re.compile(r"\s*https://", re.I)
_SVG = re.compile(r"\.svgz?$", re.I)
_NEWER_KINDS = re.compile(r"\.(?:webp|avif)$", re.I)
_COLOR = re.compile(r"(?:^|;)\s*color\s*:\s*([^;!]+)")
# The look-ahead covers the spaces too: "background: transparent" must not count as painted.
_BACKGROUND = re.compile(r"(?:^|;)\s*background(?:-color)?\s*:(?!\s*(?:transparent|none)\b)[^;]+")


# A picture's tag in a template that gives it no alt text of its own (none, or an empty
# one, in either quotes); not <mj-attributes>' defaults for every <mj-image>, which show no
# picture.
_IMAGE_WITHOUT_ALT = (
    r"<(?:mj-image|img)\b(?=[^>]*\bsrc\s*=)(?![^>]*\balt\s*=\s*[\"']\s*[^\s\"'])[^>]*>"
)
# Jinja's own markup, whose '>' (`{% if width > 300 %}`) would end a tag early.
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)


def _line_of_match(text: str, pattern: str) -> int | None:
    """The line (from 1) where ``pattern`` first matches in a template's ``text``, its Jinja
    expressions and tags read as plain letters (their lines kept)."""
    plain = _JINJA.sub(lambda m: "".join("\n" if c == "\n" else "x" for c in m.group()), text)
    found = re.search(pattern, plain)
    return plain.count("\n", 0, found.start()) + 1 if found else None


# CSS's named colours that are dark by _dark's measure (the rest are light enough).
_DARK_NAMES = frozenset(
    "black blue blueviolet brown crimson darkblue darkgreen darkmagenta darkorchid darkred "  # noqa: SIM905
    "darkslateblue darkslategray darkslategrey darkviolet deeppink firebrick fuchsia indigo "
    "magenta maroon mediumblue mediumvioletred midnightblue navy purple rebeccapurple red "
    "saddlebrown".split()
)
_FUNCTION = re.compile(r"(rgba?|hsla?)\(\s*([^)]*)\)", re.I)


def _dark(color: str) -> bool:
    """Whether a CSS colour (#hex, rgb(), hsl(), a name; not one without its own value, as
    inherit or currentColor) is dark text, unreadable on a dark page. A template wrote
    'color: black' or 'rgb(0,0,0)' where '#000' was refused."""
    value = color.strip().lower()
    if value in _DARK_NAMES:
        return True
    rgb = _hex_rgb(value[1:]) if value.startswith("#") else _function_rgb(value)
    if rgb is None:
        return False
    r, g, b = rgb
    # Relative luminance (sRGB, roughly): below ~0.35 it is unreadable on a dark page.
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255 < 0.35


def _hex_rgb(digits: str) -> tuple[float, float, float] | None:
    if not re.fullmatch(r"[0-9a-f]{3,4}|[0-9a-f]{6}(?:[0-9a-f]{2})?", digits):
        return None
    if len(digits) <= 4:
        digits = "".join(c * 2 for c in digits)
    if len(digits) == 8 and digits[6:] == "00":
        return None  # wholly transparent: no text seen
    r, g, b = (int(digits[i : i + 2], 16) for i in (0, 2, 4))
    return r, g, b


def _function_rgb(value: str) -> tuple[float, float, float] | None:
    found = _FUNCTION.fullmatch(value)
    if not found:
        return None
    parts = re.split(r"[\s,/]+", found.group(2).strip())
    try:
        numbers = [float(p.rstrip("%deg")) for p in parts]
    except ValueError:
        return None
    if len(numbers) < 3 or (len(numbers) > 3 and numbers[3] == 0):
        return None  # wholly transparent, or not a colour
    if found.group(1).startswith("rgb"):
        return tuple(  # type: ignore[return-value]
            n * 2.55 if p.endswith("%") else n for n, p in zip(numbers[:3], parts, strict=False)
        )
    hue, saturation, lightness = numbers[0] % 360, numbers[1] / 100, numbers[2] / 100
    chroma = (1 - abs(2 * lightness - 1)) * saturation

    def channel(n: float) -> float:
        k = (n + hue / 30) % 12
        return 255 * (lightness - chroma / 2 * max(-1, min(k - 3, 9 - k, 1)))

    return channel(0), channel(8), channel(4)


@dataclass
class EmailFacts:
    """What the quality rules need to know of a compiled email, gathered in one parse."""

    lang: str | None = None
    title: str = ""
    color_scheme: bool = False
    style_bytes: int = 0
    images: list[dict[str, str | None]] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    dark_on_transparent: list[str] = field(default_factory=list)
    dark_colors: list[str] = field(default_factory=list)  # their colours, as written
    text: list[str] = field(default_factory=list)


def read_email(html: str) -> EmailFacts:
    """Parse a compiled email once and gather what the rules check."""
    # libxml2's HTML parser and XPath (lxml, C): the email of a five-film issue is 100 KB of
    # nested tables, and walking all of it in Python cost more than rendering it.
    import lxml.html  # on first use: a warm build takes checked issues from the cache

    facts = EmailFacts()
    root = lxml.html.document_fromstring(html)
    facts.lang = root.get("lang")
    facts.title = "".join(root.xpath("//title/text()"))
    facts.style_bytes = sum(len(t.encode("utf-8")) for t in root.xpath("//style/text()"))
    facts.text = root.xpath("//text()[not(parent::title or parent::style)]", smart_strings=False)
    for meta in root.iter("meta"):
        if (meta.get("name") or "").lower() == "color-scheme":
            facts.color_scheme = "dark" in (meta.get("content") or "")
    facts.images = [dict(img.attrib) for img in root.iter("img")]
    facts.links = [a.get("href") or "" for a in root.iter("a") if a.get("href") is not None]
    _find_dark_text(root, facts.dark_on_transparent, facts.dark_colors)
    return facts


def _find_dark_text(
    element: Any, found: list[str], colors: list[str], page: str | None = None
) -> None:
    # Top down, in document order: below a painted background nothing can be unreadable, so
    # the walk stops there (most of an email; a walk up from every coloured element cost
    # more than parsing the email). The page's own background does not count (<body>'s, and
    # the same on mj-body's <div> inside it, ``page``): a client paints it dark in dark
    # mode, as the template's dark styles do.
    style = element.get("style") or ""
    painted = (element.get("bgcolor") or "").strip().lower() or _painted(style)
    if element.tag == "body":
        page = painted or None
    elif painted and painted != page:
        return
    color = _COLOR.search(style)
    if color and _dark(color.group(1)):
        found.append(f'<{element.tag} style="{style[:60]}">')
        colors.append(color.group(1).strip())
    for child in element:
        if isinstance(child.tag, str):  # not a comment (MSO conditionals) or an instruction
            _find_dark_text(child, found, colors, page if element.tag in ("html", "body") else None)


def _painted(style: str) -> str:
    found = _BACKGROUND.search(style)
    return " ".join(found.group().lstrip(";").split(":", 1)[1].split()).lower() if found else ""


@dataclass
class Verdict:
    """The quality rules' findings: errors stop the build, warnings are printed."""

    errors: list[QualityError] = field(default_factory=list)
    warnings: list[QualityError] = field(default_factory=list)
    size: int = 0
    checks: list[tuple[str, bool]] = field(default_factory=list)  # (rule, passed), for preview


# The whole reference, '&amp;' (its name alone, 'amp', was what findall gave: found in any
# text that holds the word 'example', it excused every entity a template left).
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]{1,31});")
# A tag holds no '<' and no blank line: "x<y" in a subject is not the start of a tag that
# ends at the '>' of the next URL, paragraphs below.
_MARKUP = re.compile(r"<(?!https?://|mailto:)/?[a-zA-Z](?:[^<>\n]|\n(?!\n))*>")


def _written_text(issue: LoadedIssue, shown: str, settings: Settings) -> str:
    """Every field the editor wrote for the issue and the entries it gathers, and in the
    settings (the publication's title and description, the sender's name and address, which
    the text part shows), and ``shown`` (the text made of what they wrote: the intro's, the
    summaries), in lower case (the text part shows titles in capitals)."""
    found: list[str] = []

    def strings(value: object) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                strings(item)
        elif isinstance(value, list | tuple):
            for item in value:
                strings(item)

    for meta in (issue.meta, *(entry.meta for entry in issue.all_entries)):
        strings(meta.model_dump())
    # A role as the text part writes it, its brackets a comma ('<Narrator (voice)>' is
    # '<Narrator, voice>' there): the editor's words, not HTML a template left.
    found.extend(
        unbracketed(person.role)
        for entry in issue.all_entries
        for film in entry.meta.all_films
        for person in film.cast
        if person.role and "(" in person.role
    )
    strings(settings.publication.model_dump())
    strings(settings.sender.model_dump())
    found.append(shown)
    return "\n".join(found).casefold()


# The unsubscribe token of the longest address there can be (254 characters, RFC 5321's
# path less its brackets), as the sender writes it: the address and a 128-bit signature, each
# in base64url. (Sized for 64, a reader with a longer one got an email over Gmail's limit
# that the build had passed.)
_LONG_TOKEN = "x" * (339 + 1 + 22)


def _weight(size: int) -> str:
    """'1.5 MB', '40 KB'."""
    return f"{size / 1e6:.1f} MB" if size >= 1_000_000 else f"{size / 1000:.0f} KB"


def _heaviest_field(issue: LoadedIssue) -> tuple[str, str, int] | None:
    """The longest text of the issue's and its entries' fields: (file, field as the front
    matter names it, 'films[0].cast[2].name', its size in bytes); None if none."""
    best: tuple[str, str, int] | None = None
    for path, meta in ((issue.path, issue.meta), *((e.path, e.meta) for e in issue.all_entries)):
        pending: list[tuple[str, object]] = [("", meta.model_dump(exclude_none=True))]
        while pending:
            name, value = pending.pop()
            if isinstance(value, str):
                size = len(value.encode("utf-8"))
                if best is None or size > best[2]:
                    best = (str(path), name, size)
            elif isinstance(value, dict):
                pending.extend((f"{name}.{k}" if name else str(k), v) for k, v in value.items())
            elif isinstance(value, list | tuple):
                pending.extend((f"{name}[{i}]", v) for i, v in enumerate(value))
    return best


def sent_size(html: str, settings: Settings) -> int:
    """The size of the email as each reader gets it: the build writes a short placeholder
    where the sender puts the reader's own unsubscribe link, 100 bytes or more longer (an
    email that passed by a few bytes went out over Gmail's limit)."""
    before, after = token_link_parts(settings.sender.unsubscribe_url or "")
    link = html_lib.escape(f"{before}{_LONG_TOKEN}{after}", quote=True)
    growth = max(0, len(link) - len(UNSUBSCRIBE_PLACEHOLDER))
    return len(html.encode("utf-8")) + html.count(UNSUBSCRIBE_PLACEHOLDER) * growth


def check_email(
    issue: LoadedIssue,
    html: str,
    text: str,
    settings: Settings,
    shown: str = "",
    own_templates: Mapping[str, str] | None = None,
) -> Verdict:
    """Apply every rule to an issue's compiled HTML and its plain-text part.

    ``shown``: the text made of what the editor wrote (the intro as text, the summaries): a
    code span there ('<div>') is theirs, not HTML a template left. ``own_templates``: the
    publication's email templates (``templates/email/...``) and their text; a fault no
    issue's text causes (an entry's alt text left out, the <html lang>, HTML in the text
    part) is told once, as theirs, rather than at every issue's file."""
    limits = settings.newsletter
    verdict = Verdict(size=sent_size(html, settings))
    where = issue.path
    own = own_templates or {}

    def own_with(suffix: str, *marks: str) -> list[str]:
        # The publication's templates that may be at fault: of the part, holding the markup.
        return [n for n, t in own.items() if n.endswith(suffix) and any(m in t for m in marks)]

    def rule(
        name: str,
        ok: bool,
        message: str,
        hint: str,
        warning: bool = False,
        key: str = "",
        written: Sequence[str] = (),
        templates: Sequence[str] = (),
        at: str = "",
    ) -> None:
        # ``key``: the front matter key the problem is in, whose line the message gives; or
        # ``written``: what is at fault, at the line of the intro that holds the first; or
        # ``templates``: the publication's own that make it, told at the template with the
        # same words for every issue (the build says it once: see build.py), at the line of
        # the first match of the pattern ``at`` when it is the one template.
        verdict.checks.append((name, ok))
        if ok:
            return
        if templates:
            path = templates[0] if len(templates) == 1 else "templates/email/"
            also = "" if len(templates) == 1 else f" (one of {', '.join(templates)})"
            line = _line_of_match(own[path], at) if len(templates) == 1 and at else None
            error = QualityError(f"every issue's email: {message}{also}", path, line, hint)
        else:
            line = issue.key_lines.get(key)
            for text in written:
                line = line or issue.line_of_text(text)
            error = QualityError(f"issue {issue.meta.number}: {message}", where, line, hint)
        (verdict.warnings if warning else verdict.errors).append(error)

    facts = read_email(html)
    # One decimal: "95 KB; that is over the 95 KB limit" said nothing of how much to cut.
    # Within a KB of the limit, bytes: "102.0 KB" was said both under it and over it.
    size_kb = f"{verdict.size / 1000:.1f} KB as sent"
    if abs(verdict.size - limits.max_bytes) < 1000:
        size_kb = f"{verdict.size:,} bytes as sent (the limit: {limits.max_bytes:,})"
    # The limit is Gmail's own unless the publication set a stricter (or looser) one.
    if limits.max_bytes == GMAIL_CLIPS_AT:
        limit = f"Gmail's {GMAIL_CLIPS_AT / 1000:g} KB clipping limit"
        over = f"Gmail clips messages over {GMAIL_CLIPS_AT / 1000:g} KB, hiding the rest and "
        over += "the unsubscribe link"
    else:
        limit = f"the {limits.max_bytes / 1000:g} KB limit of [newsletter] max_bytes"
        over = f"that is over {limit} (Gmail clips at {GMAIL_CLIPS_AT / 1000:g} KB)"
    smaller = "gather fewer entries, or show fewer pictures of each ([newsletter] gallery_images)"
    intro = len(issue.body.encode("utf-8"))
    if intro * 3 > limits.max_bytes:  # the intro is the weight (entries are told as above)
        smaller = f"shorten the intro (its text alone is {intro / 1000:.1f} KB), or {smaller}"
    elif verdict.size > limits.max_bytes:
        heaviest = _heaviest_field(issue)
        if heaviest is not None and heaviest[2] * 5 > limits.max_bytes:
            # One field weighs the email down ('cast' pasted 200 KB long): said "gather fewer
            # entries", the editor was left to find which, and where in it.
            path, field, size = heaviest
            smaller = f"the heaviest is {field} in {path} ({size / 1000:.1f} KB): shorten it"
    rule(
        f"size under {limit}",
        verdict.size <= limits.max_bytes,
        f"the email is {size_kb}; {over}",
        smaller,
    )
    if verdict.size <= limits.max_bytes:
        rule(
            "size comfortably small",
            verdict.size <= limits.warn_bytes,
            f"the email is {size_kb}, near {limit}",
            f"keep it under {limits.warn_bytes / 1000:g} KB ([newsletter] warn_bytes)",
            warning=True,
        )
    rule(
        "<style> under 16 KB",
        facts.style_bytes <= limits.max_style_bytes,
        f"the <style> blocks weigh {facts.style_bytes} bytes; Gmail drops them over "
        f"{limits.max_style_bytes}",
        "move styling into mj-attributes or component attributes",
    )
    missing_alt = [i.get("src") or "?" for i in facts.images if not (i.get("alt") or "").strip()]
    described = {m.url for e in issue.all_entries for m in e.images if m.alt.strip()}
    # Pictures the entries describe, shown without it: the publication's own template's doing.
    by_template = own_with(".mjml.j2", "mj-image", "<img")
    dropped = [src for src in missing_alt if src in described] if by_template else []
    missing_alt = [src for src in missing_alt if src not in dropped]
    if dropped:
        rule(
            "every image has alt text",
            False,
            "the entries' pictures are shown without the alt text the entries give them",
            'give each picture its alt, as the default does: alt="{{ e.lead.alt }}" on the '
            'lead\'s <mj-image>, alt="{{ image.alt }}" in the gallery',
            templates=by_template,
            at=_IMAGE_WITHOUT_ALT,
        )
    if missing_alt or not dropped:  # (once in the checks the preview lists)
        rule(
            "every image has alt text",
            not missing_alt,
            f"image without alt text: {', '.join(str(s) for s in missing_alt)}",
            "give every image an 'alt' in the entry or the template",
            written=[str(s) for s in missing_alt],
        )
    # In pixels: Outlook lays a picture out by them, and takes '100%' or 'auto' (which
    # mj-image writes without a height) for nothing, showing it at its file's own size.
    unsized = [
        i.get("src") or "?"
        for i in facts.images
        if not (
            _PIXELS.fullmatch(i.get("width") or "") and _PIXELS.fullmatch(i.get("height") or "")
        )
    ]
    rule(
        "every image has width and height",
        not unsized,
        f"image without width/height in pixels: {', '.join(str(s) for s in unsized)}",
        "Outlook lays out the email by them: a picture from another site in the intro is "
        'written <img src="https://..." alt="..." width="600" height="400"> (pixels, not % '
        "or auto); in a template, set both on mj-image, in px",
        written=[str(s) for s in unsized],
    )
    not_https = [i.get("src") or "?" for i in facts.images if not _HTTPS.match(i.get("src") or "")]
    rule(
        "every image URL is absolute https",
        not not_https,
        f"image not on an absolute https URL: {', '.join(str(s) for s in not_https)}",
        "use files under media/ (served from base_url) or https URLs",
        written=[str(s) for s in not_https],
    )
    # Pictures readers already have in their inboxes, as the words below: a sent issue's
    # are not warned of again at every build.
    sent = issue.meta.status == "sent"
    # Each picture's address without its query, which names no kind.
    addresses = [str(i.get("src") or "").split("?")[0] for i in facts.images]
    svg = [src for src in addresses if _SVG.search(src)]
    rule(
        "no SVG pictures",
        sent or not svg,
        f"Gmail and Outlook do not show SVG pictures: {', '.join(svg)}",
        "use a JPEG or PNG of it instead (in the entry's images, or as [publication] logo); "
        "a page may keep its SVG",
        warning=True,
    )
    newer = [src for src in addresses if _NEWER_KINDS.search(src)]
    rule(
        "no WebP or AVIF pictures",
        sent or not newer,
        f"Outlook for Windows shows no WebP or AVIF picture: {', '.join(newer)}",
        "export it again as JPEG (a photograph) or PNG, and give that in the entry's images or "
        "the intro",
        warning=True,
    )
    # Every reader downloads the email's pictures with it, often on a phone's data: a 60 MB
    # still straight from the camera built without a word.
    weights = {m.url: (m.source, m.length) for e in issue.all_entries for m in e.images}
    weights.update((p.url, (p.source, p.length)) for p in issue.body_pictures)  # the intro's
    mailed = {weights[src] for i in facts.images if (src := str(i.get("src") or "")) in weights}
    heavy = sorted(
        ((size, name) for name, size in mailed if name and size > limits.max_picture_bytes),
        reverse=True,
    )
    rule(
        "pictures light enough to mail",
        sent or not heavy,
        "pictures every reader downloads with the email: "
        + ", ".join(f"{name} ({_weight(size)})" for size, name in heavy[:3])
        + (f" and {len(heavy) - 3} more" if len(heavy) > 3 else ""),
        f"export them smaller, under {_weight(limits.max_picture_bytes)} (2,000 pixels wide "
        "is plenty), or raise [newsletter] max_picture_bytes",
        warning=True,
    )
    relative = [link for link in facts.links if not _ABSOLUTE_LINK.match(link)]
    # The publication's layout template ('<mjml'): what the issue's own text does not make,
    # it does, the same in every issue (its title, preview, color scheme, footer links).
    layout = own_with(".mjml.j2", "<mjml")
    written = [link for link in relative if issue.line_of_text(link) is not None]
    if relative and own_with(".mjml.j2", "") and not written:
        # The template holding the link as written, or (made of a variable, '/{{ e.slug }}/')
        # any of the publication's: not the layout alone, which may hold none.
        rule(
            "every link is absolute",
            False,
            "a link that is not absolute, which goes nowhere from an inbox",
            "write full https:// URLs ({{ issue.url }} for the web version, {{ e.url }} for "
            f"an entry's page, as the defaults do); one was {relative[0]}",
            templates=own_with(".mjml.j2", *relative) or own_with(".mjml.j2", ""),
        )
    else:
        rule(
            "every link is absolute",
            not relative,
            f"link that is not absolute: {', '.join(relative)}",
            "write full https:// URLs; relative links go nowhere from an inbox",
            written=relative,
        )
    language = settings.publication.language
    rule(
        "<html lang> is the publication's language",
        facts.lang == language,
        f"<html lang=\"{facts.lang}\"> but the publication's language is '{language}'",
        'set lang="{{ pub.language }}" on the <mjml> tag of the template, as the default does',
        templates=own_with(".mjml.j2", "<mjml"),
        at=r"<mjml\b",
    )
    titled = facts.title.strip() == issue.meta.subject.strip()
    rule(
        "the title is the subject",
        titled,
        "the <title> is not the issue's subject"
        if layout
        else f"the <title> is '{facts.title.strip()}', not the subject '{issue.meta.subject}'",
        "put {{ issue.meta.subject }} in <mj-title>",
        templates=layout,
        at=r"<mj-title\b",
    )
    body_text = " ".join(facts.text)
    preheader = issue.meta.preheader.strip()
    rule(
        "the preheader is set",
        bool(preheader) and preheader in body_text,
        "the preheader (inbox preview text) is not in the email",
        "put {{ issue.meta.preheader }} in <mj-preview>",
        templates=layout if preheader else (),
        at=r"<mj-preview\b",
    )
    length = len(issue.meta.preheader.strip())
    rule(
        "the preheader fits an inbox's preview",
        sent or length <= PREHEADER_SHOWN,
        f"the preheader is {length} characters: inboxes show some 90 to 140 after the subject, "
        "and cut the rest",
        f"keep it to one short sentence, under {PREHEADER_SHOWN} characters",
        warning=True,
        key="preheader",
    )
    length = len(issue.meta.subject.strip())
    rule(
        "the subject fits an inbox's line",
        sent or length <= SUBJECT_SHOWN,
        f"the subject is {length} characters: inboxes show some 60 to 70 of it on a computer "
        "and 35 to 40 on a phone, and cut the rest",
        f"keep it under {SUBJECT_SHOWN} characters, what matters first; the preheader can "
        "say the rest",
        warning=True,
        key="subject",
    )
    rule(
        "dark mode is declared",
        facts.color_scheme,
        'no <meta name="color-scheme" content="light dark">',
        "add it in an <mj-raw> in <mj-head>",
        templates=layout,
        at=r"<mj-head\b",
    )
    # Written by the publication's own template (no text of an issue writes a style): told
    # once, at the template's line, rather than at every issue's file.
    colors = sorted(set(facts.dark_colors))
    painting = own_with(".mjml.j2", *colors) if colors else []
    rule(
        "no dark text on a transparent background",
        not facts.dark_on_transparent,
        "dark text with no background of its own, unreadable in dark mode: "
        + ", ".join(facts.dark_on_transparent[:3]),
        "give the section a background-color",
        templates=painting,
        at="|".join(rf"color\s*[=:]\s*[\"']?\s*{re.escape(c)}" for c in colors),
    )
    escaped = re.findall(r"\\u\{[0-9a-fA-F]+\}", html)
    rule(
        "typography survives compiling",
        not escaped,
        f"the compiler wrote literal escapes {sorted(set(escaped))} instead of characters",
        "pass non-ASCII text to the compiler as character references (see compile.py)",
    )
    leftovers = _ENTITY.findall(text) + _MARKUP.findall(text)
    if leftovers:
        # What the editor wrote (a subject "Notes on <Film>", a title, a code span in a text)
        # is text, in the plain part as written: only what a template left counts. (The
        # texts themselves are not taken as written: raw HTML there never reaches the part.)
        # Whitespace as one space: the text part wraps what was written ('<Film\nnoir>').
        written = " ".join(_written_text(issue, shown, settings).split())
        leftovers = [
            found for found in leftovers if " ".join(found.casefold().split()) not in written
        ]
    # The publication's text templates that write what was left: theirs, once. (Only those:
    # one of its own may well be innocent of what a default left.)
    rule(
        "the plain-text part has no HTML left",
        not leftovers,
        f"the plain-text part contains HTML: {', '.join(sorted(set(leftovers))[:5])}",
        "use the text templates' filters; do not put HTML in email/*.txt.j2",
        templates=own_with(".txt.j2", *leftovers) if leftovers else (),
        at="|".join(re.escape(found) for found in leftovers),
    )
    # Gathered by a draft issue (load refuses it in any other): previewed and test-sent with
    # the issue, but its "read on" link leads nowhere until the entry is published.
    verdict.checks.append(("every entry it gathers is published", not issue.drafts))
    for entry in issue.drafts:
        verdict.warnings.append(
            QualityError(
                f"issue {issue.meta.number}: entry '{entry.slug}' is a draft: the email links "
                "to its page, which is made when it is published",
                where,
                issue.entry_lines.get(entry.slug),
                f"publish it (remove 'draft: true' from {entry.path}) before the issue is ready",
            )
        )
    return verdict
