"""``dopemail new``: scaffold sources with every field shown and explained."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import jinja2

from .atomic import create_file
from .config import load_settings
from .countries import REGION_COUNTRIES, home_country
from .errors import (
    ContentError,
    DopemailError,
    DopemailErrors,
    char_named,
    system_error,
    visible,
)
from .filenames import RESERVED_SLUGS, reserved_slug, slugify
from .frontmatter import yaml_text
from .issuefiles import PREHEADER_PLACEHOLDER
from .layout import ENTRIES_DIR
from .models import SLUG
from .sourcetext import PARIS_VENUE
from .templates import PREHEADER_SHOWN, check_compiles, make_environment, render, unmarked
from .wording import ENGLISH, Wording, primary, wording_for

_SLUG = re.compile(SLUG)


def yaml_slug(slug: str) -> str:
    """A slug as YAML reads it back as text: '1917' or 'yes' would be a number or a boolean."""
    import yaml

    return slug if isinstance(yaml.safe_load(slug), str) else yaml_text(slug)


#: The templates only `dopemail new` renders.
SCAFFOLDS = ("new_entry.md.j2", "new_issue.md.j2")


def _environment(root: Path, language: str) -> jinja2.Environment:
    """The environment the scaffolds are rendered with: text, not HTML, and their filter."""
    env = make_environment(root, autoescape=False, language=language)
    env.filters["yaml_slug"] = yaml_slug
    return env


def check_scaffolds(root: Path, language: str) -> None:
    """Raise the errors of the workspace's own :data:`SCAFFOLDS` that compiling finds (a
    syntax error), with file and line: no build renders them, and check said ok of one that
    `dopemail new` then failed on."""
    check_compiles(_environment(root, language), SCAFFOLDS)


#: The longest slug made from a title: a headline of 175 characters made a file name the
#: system refused (255 bytes at most) and a URL nobody reads to its end.
SLUG_LENGTH = 60


def short_slug(title: str) -> str:
    """The slug of ``title``, cut after a whole word to :data:`SLUG_LENGTH` characters at most."""
    slug = slugify(title)
    if len(slug) <= SLUG_LENGTH:
        return slug
    cut = slug[: SLUG_LENGTH + 1].rpartition("-")[0]
    return cut or slug[:SLUG_LENGTH]


def _require_name(title: str, what: str, command: str) -> None:
    """Refuse a title no slug can be made from (no Latin letter or digit, accents aside):
    slugify's 'untitled' would name every such file, and its URL, the same."""
    if slugify(title) != "untitled" or "untitled" in title.lower():
        return
    # A title starting with '-' reads as an option unless after '--'.
    given = f'--slug a-name -- "{title}"' if title.startswith("-") else f'"{title}" --slug a-name'
    raise ContentError(
        f"the {what} '{title}' gives no file name (it has no Latin letters or digits)",
        None,
        None,
        f"name the file and its URL yourself: dopemail new {command} {given}",
    )


def _no_control(title: str, what: str, command: str) -> None:
    """Refuse a title holding an invisible control character (U+000B, pasted along): written
    as an escape ('"VT\\u000bhere"'), which check then refuses, in a file just made."""
    from .validation import CONTROL  # (the entries' checks: loaded by `new issue` anyway)

    found = CONTROL.search(title)
    if found is None:
        return
    # Each in a space's place: two words run together would be a typo of its own.
    typed = " ".join(CONTROL.sub(" ", title).split())
    raise ContentError(
        f"the {what} '{visible(title)}' holds an invisible control character, "
        f"{char_named(found.group())}, at character {found.start() + 1}",
        None,
        None,
        f'type the {what} without it: dopemail new {command} "{typed}"',
    )


def left_out_of_slug(title: str) -> list[str]:
    """The words of ``title`` whose slug leaves letters out, having no Latin spelling
    ('Ωmega', made 'mega'): said, as the file's name would look a typo."""
    import unicodedata

    def dropped(char: str) -> bool:
        return unicodedata.category(char).startswith("L") and slugify(char) == "untitled"

    # A word as written, without the punctuation around it ('(호프)': '호프').
    words = (word.strip("()[]{}«»“”‘’\"'.,;:!?¿¡") for word in title.split())
    return [word for word in words if any(dropped(char) for char in word)]


def _check_slug(slug: str, example: str) -> None:
    if not _SLUG.fullmatch(slug):
        raise ContentError(
            f"--slug '{slug}' is not a slug",
            None,
            None,
            f"use lowercase Latin letters, digits and single hyphens, e.g. --slug {example}",
        )
    if len(slug) > SLUG_LENGTH:
        raise ContentError(
            f"--slug is {len(slug)} characters long",
            None,
            None,
            f"keep it to {SLUG_LENGTH} or fewer: it is the page's address, e.g. --slug {example}",
        )


#: The moment of the scaffold's example showtimes and event (at the publication's clock).
_EXAMPLE_TIME = (2024, 3, 8, 19, 30)


def _on_paris_clock(zone: ZoneInfo) -> bool:
    """Whether ``zone`` is a European one at Paris's offset on the examples' day (Berlin,
    Madrid, Rome): their venue then Paris, on the clock their times are written at; not
    London's or Athens's, whose offset would be Paris's wrong by an hour."""
    if not zone.key.startswith("Europe/"):
        return False
    moment = datetime(*_EXAMPLE_TIME)
    paris = ZoneInfo("Europe/Paris")
    return moment.replace(tzinfo=zone).utcoffset() == moment.replace(tzinfo=paris).utcoffset()


def new_entry(
    root: Path,
    title: str,
    now: datetime | None = None,
    slug: str | None = None,
    kind: str = "review",
) -> Path:
    """Write ``entries/<slug>.md`` from the scaffold template; never overwrite.

    ``slug`` names the file (and the page's URL); by default it is made from the title.
    ``kind``: what the piece is (one of :data:`dopemail.models.EntryKind`).
    """
    if not title.strip():
        raise ContentError(
            "a new entry needs a title", None, None, 'dopemail new entry "The Film’s Title"'
        )
    _no_control(title, "title", "entry")
    if slug is None:
        _require_name(title, "title", "entry")
    else:
        _check_slug(slug, "tokyo-story")
    settings = load_settings(root)
    slug = slug or short_slug(title)
    if slug in RESERVED_SLUGS:
        raise ContentError(
            reserved_slug(slug),
            None,
            None,
            f'choose another: dopemail new entry "{title}" --slug {slug}-film',
        )
    path = root / ENTRIES_DIR / f"{slug}.md"
    exists = ContentError(
        f"an entry named '{slug}' already exists",
        path.relative_to(root),
        None,
        "edit that file, or give this piece a name of its own: "
        f"--slug {slug}-2 (a second piece on the same film keeps its title)",
    )
    if path.exists():
        raise exists
    now = now or datetime.now(settings.publication.zone)
    env = _environment(root, settings.publication.language)
    text = render(
        env,
        "new_entry.md.j2",
        title=yaml_text(title),
        published=now.replace(microsecond=0).isoformat(),
        author=yaml_text(settings.publication.author),
        section=yaml_text(settings.publication.title),
        kind=kind,
        # The examples' times in the publication's zone, on their own day ('-08:00' was
        # written for a Paris publication).
        offset=datetime(*_EXAMPLE_TIME, tzinfo=settings.publication.zone).isoformat()[-6:],
        regions=home_country(settings.publication.zone.key) in REGION_COUNTRIES,
        home=home_country(settings.publication.zone.key),
        # A venue on the examples' clock: Los Angeles at Paris's offset was told, once
        # uncommented, that its city is that of America/Los_Angeles. (A French scaffold's
        # words are Paris's already.)
        venue=PARIS_VENUE if _on_paris_clock(settings.publication.zone) else None,
        # An example other than the publication's own: the field is for a piece that is not.
        piece_language="English" if primary(settings.publication.language) != "en" else "French",
    )
    # A scaffold copied into templates/ before it took the kind still says 'review'.
    written = _KIND_LINE.search(text)
    if written is not None and written.group(1).strip("\"'") != kind:
        text = text[: written.start(1)] + kind + text[written.end(1) :]
    _create(path, text, exists)
    return path.relative_to(root)


def _create(path: Path, text: str, exists: DopemailError) -> None:
    """Write the new file ``path`` whole, or leave none: an entry left empty by a full disk
    stopped every build ("the file is empty"), and ``new`` then said it already existed.
    ``exists``: said if a file of that name is there (made meanwhile, by another command)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        create_file(path, text.encode("utf-8"))
    except FileExistsError:
        raise exists from None
    except OSError as exc:
        # Named (a write cut short names no file) and said as what it left: nothing.
        raise system_error(exc, left=" (no file was made)") from exc


_KIND_LINE = re.compile(r"""(?m)^kind:[ \t]*("[^"\n]*"|'[^'\n]*'|[\w&-]*)""")


def _preheader(titles: list[str], words: Wording = ENGLISH) -> str:
    """ "In this issue: A, B, and C", with as many titles as an inbox shows whole (the
    first always), joined as the language joins a list ('A, B et C': commas alone left the
    last title holding a comma ambiguous), or 'A, B, …' when some do not fit; with none,
    the sentence to replace."""
    if not titles:
        return words.gettext(PREHEADER_PLACEHOLDER)
    line = words.gettext("In this issue: %(titles)s")
    shown = titles[:1]
    for title in titles[1:]:
        if len(line % {"titles": words.join_names([*shown, title])}) > PREHEADER_SHOWN - 10:
            break
        shown.append(title)
    if len(shown) < len(titles):
        # Some left out: an 'and' before the last shown said the list was whole.
        return line % {"titles": ", ".join(shown) + ", …"}
    return line % {"titles": words.join_names(shown)}


class WorkspaceNotRead(DopemailErrors):
    """``new issue`` could not read the publication: what it needs fixed, and why."""

    def __str__(self) -> str:
        lead = (
            "no issue written: dopemail new issue reads every entry and issue (for the next "
            "number, and the entries in no issue yet), and these need fixing first:"
        )
        return f"{lead}\n{super().__str__()}"


_NUMBERED = re.compile(r"(\d+)-")


#: The most entries a new issue gathers: five films with nine photos each, credits and
#: showtimes make an email of about 75 KB, under the 80 KB warning and Gmail's 102 KB
#: clipping. (An archive's years of pieces in no issue made an email of 60 MB, which
#: stopped every build.)
NEW_ISSUE_ENTRIES = 5


@dataclass(frozen=True)
class NewIssue:
    """What :func:`new_issue` wrote, and what it left out."""

    path: Path  # relative to the workspace
    gathered: int  # entries it lists
    drafts: list[str]  # draft entries in no issue, by slug
    left: int  # published entries in no issue, beyond those it lists
    held: dict[str, list[int]]  # published entries only draft issues gather: their numbers
    published: int = 0  # entries published (none: it could gather none, all in no issue)


def new_issue(
    root: Path, subject: str | None = None, now: datetime | None = None, slug: str | None = None
) -> NewIssue:
    """Write ``issues/<next number>-<slug>.md`` gathering the newest entries in no issue yet
    (:data:`NEW_ISSUE_ENTRIES` at most), and say what it left out.

    ``slug`` names the file and the web version's URL after the number; by default it is made
    from the subject.
    """
    from .filenames import markdown_filed_apart
    from .layout import ISSUES_DIR
    from .load import load_workspace

    if subject is not None and not subject.strip():
        raise ContentError(
            "the subject is empty",
            None,
            None,
            'give one (dopemail new issue "Ghosts and strangers"), or none for "<title> No. N"',
        )
    if subject is not None:
        _no_control(subject, "subject", "issue")
    if slug is not None:
        _check_slug(slug, "tokyo-story-week")
    elif subject is not None:
        _require_name(subject, "subject", "issue")
    try:
        workspace = load_workspace(root)
    except DopemailError as exc:
        raise WorkspaceNotRead(getattr(exc, "errors", [exc])) from None
    # Issues kept in a folder inside issues/ (not read, but numbered, perhaps sent) count.
    filed = [p.name for p in markdown_filed_apart(root / ISSUES_DIR) if p.name.endswith(".md")]
    kept = [int(m.group(1)) for m in map(_NUMBERED.match, filed) if m]
    number = max([*(i.meta.number for i in workspace.issues), *kept], default=0) + 1
    gathered = {name for issue in workspace.issues for name in issue.meta.all_slugs}
    waiting = [e for e in workspace.published if e.slug not in gathered]
    unsent = waiting[:NEW_ISSUE_ENTRIES]
    words = wording_for(workspace.settings.publication.language)
    title = workspace.settings.publication.title
    subject = subject or words.gettext("%(title)s No. %(number)s") % {
        "title": title,
        "number": number,
    }
    path = root / ISSUES_DIR / f"{number}-{slug or short_slug(subject)}.md"
    now = now or datetime.now(workspace.settings.publication.zone)
    language = workspace.settings.publication.language
    env = _environment(root, language)
    text = render(
        env,
        "new_issue.md.j2",
        number=number,
        subject=yaml_text(subject),
        date=now.replace(microsecond=0).isoformat(),
        entries=unsent,
        published=bool(workspace.published),
        # With no entry to name, a sentence to replace rather than an empty field, which the
        # build refuses: the draft builds, its intro alone, as it is written.
        preheader=yaml_text(_preheader([unmarked(e.meta.title) for e in unsent[:3]], words)),
        title=workspace.settings.publication.title,
    )
    exists = ContentError(
        f"an issue file named '{path.name}' was made meanwhile",
        path.relative_to(root),
        None,
        "run the command again: the new issue takes the next number",
    )
    _create(path, text, exists)
    drafts = [e.slug for e in workspace.entries if e.draft and e.slug not in gathered]
    # Gathered by a draft issue alone: not sent, yet not this one's, which an editor expecting
    # "the entries not sent" would miss without a word.
    held: dict[str, list[int]] = {}
    for issue in reversed(workspace.issues):  # lowest number first
        for name in issue.meta.all_slugs:
            held.setdefault(name, []).append(issue.meta.number)
    sent_or_ready = {
        name
        for issue in workspace.issues
        if issue.meta.status != "draft"
        for name in issue.meta.all_slugs
    }
    published = {e.slug for e in workspace.published}
    held = {n: numbers for n, numbers in held.items() if n in published and n not in sent_or_ready}
    return NewIssue(
        path.relative_to(root),
        len(unsent),
        drafts,
        len(waiting) - len(unsent),
        held,
        len(workspace.published),
    )
