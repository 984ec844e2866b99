"""The preview's own pages: the index, an issue's page, the email frame, not-found.

They are drawn from the build held in :mod:`.state` with the Jinja2 templates in
``preview/templates/``; nothing here renders newsletter content, it only shows what the build
made (and transforms the email for the dark-mode views).
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup, escape

from ..config import GMAIL_CLIPS_AT, load_settings
from ..errors import DopemailError
from ..newsletter import RenderedIssue
from ..quality import read_email
from ..templates import italics_html
from ..wording import Wording, has_catalog, primary, wording_for
from .state import SHOWN_PREFIX, Snapshot

TEMPLATES = Path(__file__).parent / "templates"

#: Frame widths offered on the issue page: a phone, and the usual desktop reading panes.
WIDTHS = (375, 600, 700, 800)
DEFAULT_WIDTH = 600
MIN_WIDTH, MAX_WIDTH = 280, 1400

SCHEMES: dict[str, str] = {
    "light": "Light",
    "dark": "Dark: the email's own dark styles (Apple Mail, iOS Mail)",
    "inverted": "Forced dark: colours inverted (Gmail and Outlook apps)",
}

#: How many characters of preview text an inbox shows after the subject (Gmail: ~100-140).
SNIPPET_CHARS = 140
# Characters templates use to pad the preheader so inboxes show no body text after it.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u034f\u00ad"), None)
_ASCII_SPACES = re.compile(r"[ \t\r\n\f]+")
_COLOR_SCHEME_QUERY = re.compile(r"\(\s*prefers-color-scheme\s*:\s*(dark|light)\s*\)", re.I)
_ALWAYS, _NEVER = "(min-width: 0px)", "(min-width: 100000px)"
_HEAD_END = re.compile(r"</head\s*>", re.I)
_NEW_TAB = re.compile(r"""\starget=["']?_blank["']?""", re.I)
_BODY_END = re.compile(r"</body\s*>", re.I)


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["kb"] = lambda size: f"{size / 1000:.{0 if size % 1000 == 0 else 1}f} KB"
    return env


def _render(name: str, **context: Any) -> str:
    return _environment().get_template(name).render(**context)


def inbox_snippet(html: str, limit: int = SNIPPET_CHARS) -> str:
    """The preview text an inbox shows after the subject: the email's first visible words.

    Inboxes take it from the start of the body, which is the (hidden) preheader followed by
    whatever comes next, unless the template pads the preheader with invisible characters:
    those count towards the characters shown, and are not seen.
    """
    text = _ASCII_SPACES.sub(" ", " ".join(read_email(html).text)).strip()
    shown = text[:limit].translate(_INVISIBLE)
    return " ".join(shown.split())  # also folds the no-break spaces used as padding


def email_frame(html: str, scheme: str) -> str:
    """The email as a client in ``scheme`` (light, dark, inverted) would paint it.

    ``dark`` makes the email's ``prefers-color-scheme: dark`` rules apply whatever the
    editor's own system setting; ``inverted`` imitates the clients that ignore those rules and
    invert the colours themselves (photos are inverted back, as those clients do). Links open
    in the whole tab rather than inside the frame.
    """
    dark = scheme == "dark"

    def flip(match: re.Match[str]) -> str:
        return _ALWAYS if (match.group(1).lower() == "dark") == dark else _NEVER

    html = _COLOR_SCHEME_QUERY.sub(flip, html)
    style = ":root { color-scheme: %s only; }" % ("dark" if dark else "light")
    if scheme == "inverted":
        style += (
            " html { filter: invert(1) hue-rotate(180deg); background: #fff; }"
            " img, video { filter: invert(1) hue-rotate(180deg); }"
        )
    extra = f'<base target="_top"><style data-dopemail-preview>{style}</style>'
    # MJML gives its buttons target="_blank", which a <base> does not override: a click in
    # the preview opened a new tab for each.
    html = _NEW_TAB.sub(' target="_top"', html)
    return inject(html, extra, before=_HEAD_END)


def inject(html: str, snippet: str, before: re.Pattern[str] = _BODY_END) -> str:
    """``html`` with ``snippet`` inserted before the last match of ``before`` (or appended)."""
    matches = list(before.finditer(html))
    if not matches:
        return html + snippet
    at = matches[-1].start()
    return html[:at] + snippet + html[at:]


def live_script(snapshot: Snapshot, deps: str, warnings: str = "") -> str:
    """The tag that gives a page live reload and the error overlay (see ``live.js``).

    ``deps`` lists, comma-separated, the output path prefixes the page shows (``*``: all);
    ``warnings``: the :attr:`Snapshot.warnings_key` of the warnings it shows, if it does (a
    change to them alone changes no output).
    """
    shows = f' data-warnings="{escape(warnings)}"' if warnings else ""
    return (
        f'<script src="/_preview/live.js" data-version="{snapshot.version}" '
        f'data-boot="{snapshot.boot}" data-deps="{escape(deps)}"{shows}></script>'
    )


#: Put in the site's pages with the live script: with JavaScript off they neither reload nor
#: show a failed build, and only the preview's own pages said so.
NOSCRIPT = (
    '<noscript><p style="position:fixed;z-index:2147483646;left:0;right:0;bottom:0;margin:0;'
    "padding:8px 16px;background:#2b2b2b;color:#fff;font:14px/1.4 system-ui,sans-serif;"
    'text-align:center">JavaScript is off: this page does not update as you save, nor show a '
    'failed build\'s problems. Reload it by hand; <a style="color:#fff" href="/">the index</a> '
    "lists the last build's problems.</p></noscript>"
)


def inbox_date(value: date, language: str) -> str:
    """An email's date as an inbox in the publication's language shows it on its line:
    'Nov 15', '15 nov.' (the CLDR's month-and-day, as Gmail writes it)."""
    if primary(language) == "en" or not has_catalog(language):
        return f"{value.strftime('%b')} {value.day}"  # (no Babel loaded for English)
    from babel.dates import format_skeleton

    return str(format_skeleton("MMMd", value, locale=language.replace("-", "_")))


def _words(snapshot: Snapshot) -> tuple[Wording, str]:
    """The publication's words and its language tag: what the preview shows of its content
    is in that language (the preview's own interface stays English)."""
    language = snapshot.build.workspace.settings.publication.language if snapshot.build else "en"
    return wording_for(language), language


@dataclass(frozen=True)
class EntryRow:
    """One line of the index's entry table."""

    slug: str
    title: Markup  # its italics in <i>
    kind: str
    published: str
    draft: bool
    issues: list[int]
    lang: str  # the title's language: the entry's own, or the publication's


def publication_title(snapshot: Snapshot, root: Path) -> str:
    """The publication's title: from the last build, else from its settings (a first build
    may fail on an entry), else its folder's name."""
    if snapshot.build is not None:
        return snapshot.build.workspace.settings.publication.title
    with contextlib.suppress(DopemailError):
        return load_settings(root).publication.title
    return root.name


#: Rows of each table the index lists, newest first, besides every draft (and every issue not
#: sent): an archive of 10,000 entries made it a page of 3 MB, rendered again at each reload.
INDEX_ROWS = 100


def index_page(snapshot: Snapshot, root: Path, everything: bool = False) -> str:
    """The issues and entries (the newest :data:`INDEX_ROWS` of each, every draft and issue
    not sent; all of them with ``everything``) with links to their previews, and the feeds."""
    build = snapshot.build
    entries: list[EntryRow] = []
    issues: list[dict[str, Any]] = []
    feeds: list[str] = []
    hidden = {"entries": 0, "issues": 0}
    title = publication_title(snapshot, root)
    words, lang = _words(snapshot)
    if build is not None:
        gathered: dict[str, list[int]] = {}
        for place, item in enumerate(build.issues):
            for slug in item.issue.meta.all_slugs:
                gathered.setdefault(slug, []).append(item.issue.meta.number)
            if not (everything or place < INDEX_ROWS or item.issue.meta.status != "sent"):
                hidden["issues"] += 1
                continue
            issues.append(
                {
                    "key": item.issue.key,
                    "meta": item.issue.meta,
                    "size": item.verdict.size,
                    "warnings": len(item.verdict.warnings),
                    "date": words.long_date(item.issue.meta.date),
                }
            )
        for place, rendered in enumerate(build.entries):
            entry = rendered.entry
            if not (everything or place < INDEX_ROWS or entry.draft):
                hidden["entries"] += 1
                continue
            entries.append(
                EntryRow(
                    slug=entry.slug,
                    title=italics_html(entry.meta.title),
                    kind=entry.meta.kind,
                    published=words.long_date(entry.meta.published),
                    draft=entry.meta.draft,
                    issues=sorted(gathered.get(entry.slug, [])),
                    lang=entry.meta.language or lang,
                )
            )
        feeds = sorted(path for path in snapshot.outputs if path.startswith("feeds/"))
    return _render(
        "index.html.j2",
        title=title,
        lang=lang,
        root=root,
        snapshot=snapshot,
        issues=issues,
        entries=entries,
        feeds=feeds,
        hidden=hidden,
        # What build and check would print: the typos an editor previews to catch.
        warnings=list(snapshot.warnings),
        live=live_script(snapshot, "*", warnings=snapshot.warnings_key),
    )


def find_issue(snapshot: Snapshot, key: str) -> RenderedIssue | None:
    """The rendered issue whose folder name is ``key``, in the current build."""
    issues = snapshot.build.issues if snapshot.build else []
    return next((i for i in issues if i.issue.key == key), None)


def find_issue_number(snapshot: Snapshot, number: int) -> RenderedIssue | None:
    """The rendered issue numbered ``number``, in the current build."""
    issues = snapshot.build.issues if snapshot.build else []
    return next((i for i in issues if i.issue.meta.number == number), None)


def issue_page(
    snapshot: Snapshot, rendered: RenderedIssue, width: int, scheme: str, token: str
) -> str:
    """An issue as subscribers get it: inbox line, framed email, text part, source, checks."""
    assert snapshot.build is not None
    settings = snapshot.build.workspace.settings
    key = rendered.issue.key
    limits = settings.newsletter
    words, lang = _words(snapshot)
    meta = rendered.issue.meta
    return _render(
        "issue.html.j2",
        title=settings.publication.title,
        lang=lang,
        # As the email writes them: 'N° 3 : …', '15 novembre 2024', and the inbox's '15 nov.'.
        heading=words.gettext("No. %(number)s: %(subject)s")
        % {"number": meta.number, "subject": meta.subject},
        date=words.long_date(meta.date),
        inbox_date=inbox_date(meta.date, lang),
        item=rendered,
        meta=rendered.issue.meta,
        key=key,
        sender=settings.sender,
        snippet=inbox_snippet(rendered.html),
        width=width,
        widths=WIDTHS,
        scheme=scheme,
        schemes=SCHEMES,
        size=rendered.verdict.size,
        max_bytes=limits.max_bytes,
        gmail_clips_at=GMAIL_CLIPS_AT,
        warn_bytes=limits.warn_bytes,
        checks=rendered.verdict.checks,
        warnings=[str(w) for w in rendered.verdict.warnings],
        provider=settings.send.provider,
        outbox=settings.send.outbox,
        token=token,
        live=live_script(
            snapshot,
            f"site/issues/{key}/,site/media/,{SHOWN_PREFIX}settings,{SHOWN_PREFIX}issue/{key}",
        ),
    )


def not_found_page(snapshot: Snapshot, path: str) -> str:
    """A 404 that still reloads itself once a build produces the page; for a path as the
    published site has it ('/quiet-hours/', copied from an email's text part), the preview's
    own address of that page, where the build has it."""
    meant = None
    if not path.startswith(("/site/", "/feeds/", "/_preview/")):
        for rel in (f"site{path}", *_below_base(snapshot, path)):
            there = f"{rel}index.html" if rel.endswith("/") else rel
            if there in snapshot.outputs or f"{rel}/index.html" in snapshot.outputs:
                meant = f"/{rel}"
                break
    # The page's folder, as snapshot.renamed and drafts_unshown name it, asked for as the
    # folder or as its file ('/site/old/index.html': a link to the file went unmatched).
    folder = f"{path.strip('/').removesuffix('/index.html')}/"
    return _render(
        "not_found.html.j2",
        title="Not found",
        path=path,
        meant=meant,
        # Under /site/, /feeds/ and an issue's page a build may make it; nothing else.
        waits=path.startswith(("/site/", "/feeds/", "/_preview/issue/")),
        # A draft whose page failed before it ever rendered: said so, not "the build failed".
        renamed=snapshot.renamed.get(folder) if path.startswith("/site/") else None,
        old_slug=folder.rstrip("/").rsplit("/", 1)[-1],
        draft_failed=snapshot.drafts_only and folder in snapshot.drafts_unshown,
        live=live_script(snapshot, "*"),
        snapshot=snapshot,
    )


def _below_base(snapshot: Snapshot, path: str) -> list[str]:
    # A site at a path of its host ('https://example.com/dope/'): its pages' addresses, as
    # copied from a reader's email, begin with that path, which site/ does not hold.
    if snapshot.build is None:
        return []
    base = urlsplit(snapshot.build.workspace.settings.publication.base_url).path
    if base in ("", "/") or not f"{path}/".startswith(base):
        return []
    rest = path[len(base) :]  # ('' for the base itself, written with or without its '/')
    # The feeds are published at base_url + feeds/, and served at /feeds/ here.
    return [f"site/{rest}", *([rest] if rest.startswith("feeds/") else [])]


def send_result_page(key: str, ok: bool, message: str) -> str:
    """What the "Send test" form shows when the browser posts it without JavaScript."""
    return _render("sent.html.j2", title="Send test", key=key, ok=ok, message=message, live="")


def static_file(name: str) -> bytes | None:
    """A file of the preview's own UI (``live.js``, ``preview.css``), or None."""
    if name not in ("live.js", "preview.css"):
        return None
    return (TEMPLATES / name).read_bytes()


def clamp_width(raw: str | None) -> int:
    """The frame width asked for in the query string, within sane bounds."""
    try:
        width = int(raw) if raw else DEFAULT_WIDTH
    except ValueError:
        width = DEFAULT_WIDTH
    return max(MIN_WIDTH, min(MAX_WIDTH, width))
