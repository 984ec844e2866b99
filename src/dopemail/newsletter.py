"""Issues -> the newsletter: email HTML (Jinja2 -> MJML -> HTML), its plain text, a web page.

Per issue, under ``site/issues/<number>-<slug>/``:

- ``email.html``: what subscribers receive, compiled from ``email/issue.mjml.j2``;
- ``email.txt``: its plain-text part, from ``email/issue.txt.j2``;
- ``index.html``: the web version ("view in browser"), from ``issue.html.j2``;
- ``message.json``: subject, preheader and URL, for the sender (see :mod:`dopemail.personalize`).

The unsubscribe link is a placeholder the sender replaces per recipient.
"""

from __future__ import annotations

import hashlib
import html as html_lib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any, cast

import jinja2
from jinja2 import meta

from . import markdown
from .compile import compile_mjml, to_ascii
from .config import Settings
from .content import Note, RenderedEntry, host_links, host_of
from .errors import DopemailError
from .layout import SITE_ISSUES_DIR
from .models import LoadedIssue, lazy_field, whole
from .personalize import (
    HTML_FILE,
    MESSAGE_FILE,
    SENT_FILES,
    TEXT_FILE,
    UNSUBSCRIBE_PLACEHOLDER,
)
from .quality import Verdict, check_email
from .templates import jinja_uncommented, keep_signs_html, render, unmarked
from .wording import N_, wording_for
from .write import Output, Stored, output_bytes

EMAIL_TEMPLATE = "email/issue.mjml.j2"
TEXT_TEMPLATE = "email/issue.txt.j2"
WEB_TEMPLATE = "issue.html.j2"
CONTENT_TEMPLATE = "issue_content.html.j2"
ITEM_TEMPLATE = "issue_item.html.j2"

# Inlined into the compiled HTML (mjml-python ignores mj-style inline="inline"): the colours of
# links and captions inside the Markdown body, for clients that strip <style>. And the lead
# picture's height: mj-image writes the height it is given into the style as well as the
# attribute, so on a phone, where the picture shrinks to the screen's width, it kept its
# full height and was squashed; the attribute stays, for Outlook, which sizes by it. A
# picture in the intro shrinks with the screen, too, a block of its own when it stands alone
# in its paragraph (markdown.to_html marks it), in its line in a sentence. A table's columns
# are as wide as their words (table-layout: auto), its cells breaking lines at spaces alone:
# the intro's "overflow-wrap: anywhere", for a long address in a paragraph, let a fixed
# table squeeze its columns narrower than their words, a phone showing "Direct/or" and
# "Venu/e". A word wider than a phone's column (an address) is marked by markdown.to_html
# and broken at the cell's edge. A table wider than the column, its words whole, scrolls
# sideways in its box (markdown.to_html puts it in one): "width: 0; min-width: 100%" keeps
# the box out of the width MJML's tables take from what they hold, which would otherwise
# widen the whole email past the screen (and in a client that ignores overflow, the table
# runs past the column's edge by what its words need, never squeezed into broken words).
#: The intro's column in the email, in pixels: 600 less the text's padding.
INTRO_WIDTH = 552

INLINE_CSS = """
.body a, .credits a, .where a { color: #9b1c1c; text-decoration: underline; }
.body p { margin: 0 0 14px; }
.body blockquote { margin: 0 0 14px; padding-left: 14px; border-left: 3px solid #e3ddd0; }
.body h2, .body h3 { font-family: Helvetica, Arial, sans-serif; margin: 18px 0 8px; }
.lead img { height: auto !important; }
.body img { max-width: 100%; height: auto; vertical-align: middle; }
.body img.lone { display: block; margin: 0 0 14px; }
.body pre { white-space: pre-wrap; word-wrap: break-word; overflow-wrap: anywhere; }
.body { word-wrap: break-word; overflow-wrap: anywhere; }
.body ul, .body ol { margin: 0 0 14px; padding-left: 24px; padding-right: 0; }
.body table, .body td, .body th, .body li { font-family: Georgia, serif; }
.body div.table { overflow-x: auto; width: 0; min-width: 100%; margin: 0 0 14px; }
.body table { width: 100%; border-collapse: collapse; }
.body td, .body th { padding: 4px 8px; vertical-align: top; }
.body td, .body th { word-break: normal; overflow-wrap: break-word; }
.body .long { overflow-wrap: anywhere; }
.body code { font-family: Menlo, Consolas, monospace; }
"""


def inline_css(direction: str) -> str:
    """:data:`INLINE_CSS` for a language written ``direction`` ("rtl": lists indented and
    quotations ruled on the right, where their lines start)."""
    if direction != "rtl":
        return INLINE_CSS
    return INLINE_CSS.replace(
        "padding-left: 24px; padding-right: 0", "padding-right: 24px; padding-left: 0"
    ).replace("padding-left: 14px; border-left:", "padding-right: 14px; border-right:")


@dataclass(frozen=True)
class RenderedIssue:
    """An issue's email (MJML source and compiled HTML), its text part and web page."""

    issue: LoadedIssue
    mjml: str
    html: str
    text: str
    web: str
    content_html: str  # intro and entry cards, for the issues feed
    verdict: Verdict
    list_item: str  # its line in the newsletter archive, from issue_item.html.j2
    intro_html: str  # the intro as rendered
    # What the checks after a build look for in its texts, found when it is rendered (as an
    # entry's: see RenderedEntry): the addresses its content links to on the site's host,
    # and the links its intro wrote wrong.
    links: tuple[str, ...] = ()
    written_wrong: tuple[Note, ...] = ()
    # The encoded files: made once (outputs), or kept by a long-running process from an
    # earlier build.
    files: dict[str, Output] | None = field(default=None, compare=False, repr=False)

    # One taken from the cache reads its texts when first asked for (see cache.IssueRecord).
    def __getattr__(self, name: str) -> Any:
        return lazy_field(self, name, HEAVY_ISSUE)

    def __reduce__(self) -> tuple[Any, ...]:
        return whole(self, HEAVY_ISSUE)

    @property
    def folder(self) -> str:
        """Where the issue's files go, relative to the workspace."""
        return f"{SITE_ISSUES_DIR}/{self.issue.key}"

    def outputs(self) -> dict[str, Output]:
        """The files of this issue: path -> bytes (or, when its texts are still in the cache,
        known by their hash: :class:`~dopemail.write.Stored`)."""
        if self.files is not None:
            return self.files
        known = self.__dict__.get("_known") if "_lazy" in self.__dict__ else None
        if known:
            return {
                f"{self.folder}/{name}": Stored(*known[name], partial(_encoded, self, text))
                for name, text in _FILES
            } | {f"{self.folder}/{MESSAGE_FILE}": self._message()}
        made: dict[str, Output] = {
            f"{self.folder}/{name}": _encoded(self, text) for name, text in _FILES
        } | {f"{self.folder}/{MESSAGE_FILE}": self._message()}
        # Encoded once: its record's hashes (file_hashes), the workers' staging ahead and the
        # write all ask for them. (Frozen: set as its constructor would have.)
        self.__dict__["files"] = made
        return made

    def _message(self) -> bytes:
        meta = self.issue.meta
        message = {
            "number": meta.number,
            "slug": self.issue.slug,
            "subject": meta.subject,
            "preheader": meta.preheader,
            "url": self.issue.url,
            "date": meta.date.isoformat(),
            "status": meta.status,
        }
        return (json.dumps(message, ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    def sent_files(self) -> dict[str, bytes]:
        """What the sender mails of it (:data:`~dopemail.personalize.SENT_FILES`): file name ->
        bytes, to compare with what its folder in ``site/`` holds."""
        outputs = self.outputs()
        return {
            name: output_bytes(cast("bytes | Stored", outputs[f"{self.folder}/{name}"]))
            for name in SENT_FILES
        }


#: What an issue taken from the cache reads only when asked (see cache.IssueRecord).
HEAVY_ISSUE = ("mjml", "html", "text", "web", "content_html", "intro_html")
# Its files known by hash while its texts are in the cache: file name -> the text it is.
_FILES = ((HTML_FILE, "html"), (TEXT_FILE, "text"), ("index.html", "web"))


def _encoded(item: RenderedIssue, name: str) -> bytes:
    return cast(str, getattr(item, name)).encode("utf-8")


def file_hashes(item: RenderedIssue) -> dict[str, tuple[str, int]]:
    """Its email's, text part's and web page's SHA-256 and length, by file name."""
    files = item.outputs()
    found = {}
    for name, _ in _FILES:
        data = output_bytes(cast("bytes | Stored", files[f"{item.folder}/{name}"]))
        found[name] = (hashlib.sha256(data).hexdigest(), len(data))
    return found


def render_issue(
    env: jinja2.Environment,
    issue: LoadedIssue,
    rendered: Mapping[str, RenderedEntry],
    settings: Settings,
) -> RenderedIssue:
    """Render one issue's email, text part and web page, and check the email's quality."""
    # As written (what the links' checks compare with the intro), then as shown.
    written_html = markdown.to_html(issue.body, issue.url, issue.body_pictures)
    # Its code blocks' blank lines marked, for _tidy_text to keep; a <q> between the
    # publication's quotation marks. The mark only in the text part's template, which
    # _tidy_text reads: in the others' context, a template printing the intro's text (a
    # web page's '<pre>{{ intro_text }}</pre>') wrote NUL bytes into the page.
    marked_text = markdown.to_text(
        issue.body,
        issue.url,
        pictures=issue.body_pictures,
        keep_blank=True,
        words=wording_for(settings.publication.language),
    )
    intro_text = marked_text.replace(markdown.VERBATIM_BLANK, "")
    context = {
        "settings": settings,
        "issue": issue,
        # A picture written as <img> keeps its width: Outlook, which ignores max-width, would
        # widen the email to it.
        "intro_html": markdown.fit_pictures(keep_signs_html(written_html), INTRO_WIDTH),
        "intro_text": intro_text,
        "entries": [rendered[e.slug] for e in issue.entries],
        "sections": [(title, [rendered[e.slug] for e in items]) for title, items in issue.sections],
        "unsubscribe_url": UNSUBSCRIBE_PLACEHOLDER,
        "canonical": issue.url,
    }
    source = render(env, EMAIL_TEMPLATE, **context)
    html = compile_mjml(
        source,
        inline_css(settings.publication.direction),
        _template_path(env, EMAIL_TEMPLATE),
        lambda p: _locate(env, p),
    )
    gathered = [*context["entries"], *(r for _, items in context["sections"] for r in items)]
    html = _buttons_named(html, gathered, settings)
    text = _tidy_text(render(env, TEXT_TEMPLATE, **{**context, "intro_text": marked_text}))
    # Rendered once: the web version shows it as it is, the issues feed carries it trimmed.
    content = render(env, CONTENT_TEMPLATE, **context)
    web = render(env, WEB_TEMPLATE, **context, content_html=content)
    content_html = content.strip()
    shown = "\n".join([intro_text, *(r.summary for r in gathered)])
    verdict = check_email(issue, html, text, settings, shown, _own_email_templates(env))
    # Rendered with the issue and kept with it: the archive page joins a thousand of these
    # instead of looping over the issues in a template after each edit.
    item = render(env, ITEM_TEMPLATE, issue=issue).strip()
    intro_html = context["intro_html"]
    links = tuple(host_links(content_html, host_of(settings.publication.base_url)))
    wrong = markdown.links_written_wrong(issue.path, issue.body, issue.body_line, written_html)
    told = tuple((e.message, e.line, e.hint) for e in wrong)
    return RenderedIssue(
        issue, source, html, text, web, content_html, verdict, item, intro_html, links, told
    )


#: What a screen reader says of an entry's "Read more" button in an email.
_READ_MORE_NAMED = N_("Read more: %(title)s")


def _buttons_named(html: str, items: list[RenderedEntry], settings: Settings) -> str:
    """The email's "Read more" buttons named by the entry each leads to, for a screen reader
    (WCAG 2.4.4): its list of an issue's links read "Read more, Read more, Read more".
    mjml-python writes none of an ``mj-button``'s own attributes on its link: the name is set
    on the compiled link, found by its address and its words (a template's own button,
    worded otherwise, is left as it is)."""
    words = wording_for(settings.publication.language)
    label = to_ascii(html_lib.escape(words.gettext("Read more"), quote=False))
    if f">{label}</a>" not in html:
        return html
    titles = {html_lib.escape(r.entry.url): unmarked(r.entry.meta.title) for r in items}

    def named(found: re.Match[str]) -> str:
        href, rest = found.group(1), found.group(2)
        title = titles.get(href)
        if title is None or "aria-label=" in rest:
            return found.group()
        name = to_ascii(html_lib.escape(words.gettext(_READ_MORE_NAMED) % {"title": title}))
        return f'<a href="{href}"{rest} aria-label="{name}">{label}</a>'

    return re.sub(rf'<a href="([^"]*)"([^>]*)>{re.escape(label)}</a>', named, html)


def _locate(
    env: jinja2.Environment, wrote: re.Pattern[str] | tuple[str, str]
) -> tuple[str, int] | None:
    # The MJML comes from the email template and the ones it includes: the first match in
    # them, the publication's own templates first (the likelier to have been edited), with
    # Jinja comments blanked (a note about a tag did not write it) and a tag free to span lines.
    # ``wrote``: what the line looks like, or the line of MJML itself (see _likeliest_line).
    loader = env.loader
    assert loader is not None
    sources: dict[str, str] = {}
    todo = [EMAIL_TEMPLATE]
    while todo:
        name = todo.pop()
        if name in sources:
            continue
        try:
            sources[name] = loader.get_source(env, name)[0]
            todo.extend(n for n in meta.find_referenced_templates(env.parse(sources[name])) if n)
        except (jinja2.TemplateError, DopemailError):  # (an empty one of the workspace's)
            sources.pop(name, None)  # rendering reported it already
    paths = {name: _template_path(env, name) for name in sources}
    order = sorted(sources, key=lambda n: (not paths[n].startswith("templates/"), n))
    blanked = {n: jinja_uncommented(sources[n]) for n in order}
    if isinstance(wrote, tuple):
        return _likeliest_line(*wrote, [(paths[n], blanked[n]) for n in order])
    for name in order:
        found = wrote.search(blanked[name])
        if found:
            return paths[name], blanked[name].count("\n", 0, found.start()) + 1
    return None


_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}")


def _likeliest_line(
    mjml_line: str, tag: str, sources: list[tuple[str, str]]
) -> tuple[str, int] | None:
    """The template line that most likely wrote ``mjml_line`` (where ``tag`` is): one that
    writes the tag, whose text outside ``{{ }}`` and ``{% %}`` is all in it, in order, and
    the longest such (the publication's templates first, at equal length)."""
    best: tuple[int, str, int] | None = None
    for path, source in sources:
        for number, line in enumerate(source.split("\n"), 1):
            chunks = [c.strip() for c in _JINJA.split(line)]
            chunks = [c for c in chunks if c]
            if not any(tag in c.lower() for c in chunks):
                continue
            at, fits = 0, True
            for chunk in chunks:
                at = mjml_line.find(chunk, at)
                if at < 0:
                    fits = False
                    break
                at += len(chunk)
            score = sum(len(c) for c in chunks)
            if fits and (best is None or score > best[0]):
                best = (score, path, number)
    return (best[1], best[2]) if best is not None else None


def _own_email_templates(env: jinja2.Environment) -> dict[str, str]:
    """The publication's own email templates (``templates/email/*.j2``) and their text, as the
    quality checks name them: a fault no issue's text causes is theirs."""
    root = env.globals.get("workspace_root")
    folder = None if root is None else root / "templates" / "email"
    if folder is None or not folder.is_dir():
        return {}
    own = {}
    for path in sorted(folder.iterdir()):
        if path.suffix == ".j2" and path.is_file():
            own[f"templates/email/{path.name}"] = path.read_text(encoding="utf-8", errors="replace")
    return own


def _template_path(env: jinja2.Environment, name: str) -> str:
    root = env.globals.get("workspace_root")
    if root is not None and (root / "templates" / name).is_file():
        return f"templates/{name}"
    return f"(default) {name}"


def _tidy_text(text: str) -> str:
    # Templates leave runs of blank lines where optional parts are empty: keep at most one.
    # Not of a code block's or a <pre>'s blank lines, the intro's marked ones (a poem's
    # stanzas, apart by two, were squeezed into one); the mark is never printed.
    mark = markdown.VERBATIM_BLANK
    out: list[str] = []
    for line in text.splitlines():
        kept = mark in line
        line = line.replace(mark, "").rstrip() if kept else line.rstrip()
        if line or kept or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip() + "\n"
