"""An issue file loaded: read and validated, its file name and number checked, the entries it
gathers resolved against those loaded (each slug unknown, a draft or gathered twice said at
its line), its intro's pictures; and two issues with one number.

Apart from the entries' loading (load.py), which it depends on only through the entries it is
given: a build reads the issue files ahead (:func:`read_issues`) while its workers render the
entries.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from .bodytext import body_pictures
from .config import Settings
from .errors import ContentError, DopemailError, closest, raise_all, visible
from .filenames import RESERVED_SLUGS, markdown_filed_apart, markdown_names, slugify
from .frontmatter import Document
from .layout import ENTRIES_DIR, ISSUES_DIR
from .markdown import uncommented
from .models import SLUG, Issue, LoadedEntry, LoadedIssue, Text, any_case
from .notices import (
    hidden_characters,
    hidden_in_text,
    section_titles_marked,
    sections_empty,
    sent_as_typed,
)
from .sourcetext import (
    OctalNumberError,
    as_written,
    each_as_written,
    key_line,
    placeholder,
    read_text,
    split_text,
    validate,
)
from .validation import line_of
from .wording import N_

# The number as written in the file name: no leading zero (04-x.md would be built as 4-x, a
# file the sender then looks for and does not find).
_ISSUE_NAME = re.compile(rf"^([1-9]\d*)-({SLUG})$")


# An issue's number as its model reads it ("9" is 9): the model's own field, constraints and all.
_NUMBER = Annotated[int, Issue.model_fields["number"]]


#: The preheader `dopemail new issue` writes when no entry is left to name in it (in
#: English; translated by the catalogs).
PREHEADER_PLACEHOLDER = N_("One sentence on what this issue brings.")

#: The same in each language dopemail has words for (its catalog's msgstr; a test checks
#: they agree): an issue scaffolded in French is refused as one in English is.
PREHEADER_PLACEHOLDERS = frozenset(
    {PREHEADER_PLACEHOLDER, "Une phrase sur ce qu’apporte ce numéro."}
)


#: An issue file read ahead: its text, its front matter and its validated fields.
IssueFile = tuple[str, Document, Issue]


def read_issues(root: Path, settings: Settings) -> dict[str, IssueFile]:
    """Read and validate every issue file that is valid on its own (its entries are not
    resolved), for :func:`load_issue` to take while its text stays the same.

    A build does this while its workers render the entries, instead of after them.
    """
    found: dict[str, IssueFile] = {}
    for path in (root / ISSUES_DIR / name for name in markdown_names(root / ISSUES_DIR)):
        rel = path.relative_to(root).as_posix()
        try:
            text = read_text(path, rel)
            doc, problems = split_text(text, rel)
        except (DopemailError, OSError):
            continue  # load_issue reports it
        meta, _ = validate(Issue, doc, rel, settings, text)
        if meta is not None and not problems:
            found[rel] = (text, doc, meta)
    return found


def _titled(written: str, by_slug: Mapping[str, LoadedEntry]) -> LoadedEntry | None:
    """The one entry whose title (or film's title) is ``written``, give or take case and
    spaces: an editor copies it from the entry's page, or from its file."""
    from .templates import unmarked  # (only for a slug no entry has)

    wanted = " ".join(written.split()).casefold()
    found = {
        entry.slug: entry
        for entry in by_slug.values()
        # As the page shows it ('*Harbor Lights*, restored' is 'Harbor Lights, restored'
        # there), and as the file writes it.
        for title in (
            entry.meta.title,
            unmarked(entry.meta.title),
            *(film.title for film in entry.meta.all_films),
        )
        if " ".join(title.split()).casefold() == wanted
    }
    return next(iter(found.values())) if len(found) == 1 else None


def load_issue(
    path: Path,
    root: Path,
    settings: Settings,
    by_slug: dict[str, LoadedEntry],
    read: dict[str, IssueFile] | None = None,
    unloaded: Collection[str] = (),
    data: bytes | None = None,
    parsed: Callable[[IssueFile], None] | None = None,
) -> LoadedIssue:
    """Load one issue file and resolve the entries it gathers (``read``: issue files read
    ahead by :func:`read_issues`, or kept from an earlier build, taken when the file's text
    is still the same).

    ``unloaded``: the slugs of entry files that failed to load; an issue naming one is not
    said to name an unknown entry (the entry's own problem is reported). ``data``: the
    file's bytes, when they were read already to key it. ``parsed`` is given the file as
    read and validated, when it is valid on its own (as :func:`read_issues` has it), for a
    build to keep.
    """
    rel = path.relative_to(root).as_posix()
    errors: list[DopemailError] = []
    name = _ISSUE_NAME.match(path.stem)
    text = read_text(path, rel, data)
    ahead = read.get(rel) if read else None
    if ahead is not None and ahead[0] == text:
        doc, meta = ahead[1], ahead[2]
        valid: IssueFile | None = ahead
    else:
        doc, problems = split_text(text, rel)
        meta, invalid = validate(Issue, doc, rel, settings, text, problems)
        errors += problems + invalid
        valid = (text, doc, meta) if meta is not None and not problems else None
    if parsed is not None and valid is not None:
        parsed(valid)
    # A field that failed does not keep the others from being checked as written (the
    # number, the entries gathered), so that fixing one problem does not bring the next to
    # light.
    number = meta.number if meta is not None else as_written(_NUMBER, doc.meta.get("number"))
    if any(isinstance(e, OctalNumberError) and e.loc == ("number",) for e in errors):
        number = None  # 010 read 8: told as written, not as a name that disagrees with 8
    written = doc.meta.get("number")
    if not name and not (number is None and re.match(rf"{re.escape(str(written))}-", path.stem)):
        # The name it should have, from its own number (an example's number may be taken);
        # not when the name holds the number as written, which is the fault (number 0).
        stem = slugify(re.sub(r"^\d+[-_. ]*", "", path.stem)) or "its-subject"
        example = f"{ISSUES_DIR}/{number or '<its number>'}-{stem}.md"
        errors.insert(
            0,
            ContentError(
                f"issue file name '{path.name}' is not '<number>-<slug>.md'",
                rel,
                None,
                f"rename it like {example}",
            ),
        )
    if name and number is not None and number != int(name.group(1)):
        errors.append(
            ContentError(
                f"the file name says issue {int(name.group(1))} but 'number' is {number}",
                rel,
                line_of(doc.meta, ("number",)),
                "make the file name and the number agree",
            )
        )

    if meta is not None and meta.status == "ready":  # one sent went out as it is
        errors += placeholder(doc, rel, "write the intro in its place, or set 'status: draft'")
        if not uncommented(doc.body).strip():
            # The email would go from its masthead straight to the first film. At the line
            # the intro goes on, or at the closing '---' when the file ends there. (A
            # comment, '<!-- intro to come -->', is published as nothing.)
            said = "nothing" if not doc.body.strip() else "nothing but a comment"
            errors.append(
                ContentError(
                    f"the issue has no intro: {said} is written below the front matter",
                    rel,
                    doc.body_line if doc.body else doc.body_line - 1,
                    "write the intro below the closing '---' (a few lines to your readers, in "
                    "Markdown), or set 'status: draft'",
                )
            )
        if meta.preheader.strip() in PREHEADER_PLACEHOLDERS:
            errors.append(
                ContentError(
                    "the preheader is still the sentence 'dopemail new' put there: "
                    f"'{meta.preheader.strip()}' (inboxes show it after the subject)",
                    rel,
                    line_of(doc.meta, ("preheader",)),
                    "write one sentence on what this issue brings, or set 'status: draft'",
                )
            )

    placed: dict[str, int | None] = {}  # slug -> the line that first gathers it
    # As written when the front matter is invalid otherwise: a draft's entries are not
    # reported as errors alongside its real ones.
    # ('Ready', as the model reads it.)
    status = meta.status if meta is not None else any_case(doc.meta.get("status", "draft"))

    def resolve(slugs: Sequence[str | None], loc: tuple[Any, ...]) -> tuple[LoadedEntry, ...]:
        found = []
        for index, slug in enumerate(slugs):
            if slug is None:
                continue  # not a slug, which validation said
            line = line_of(doc.meta, (*loc, index))
            if slug in placed:
                first = placed[slug]
                errors.append(
                    ContentError(
                        f"entry '{slug}' is in this issue twice"
                        + (f" (line {first} has it too)" if first else ""),
                        rel,
                        line,
                        "keep it in one place: under 'entries:' or in one section",
                    )
                )
                continue
            placed[slug] = line
            # A draft issue may gather a draft entry, to be previewed and test-sent with it
            # before either goes out (the checks warn that its link leads nowhere yet).
            if slug in by_slug and by_slug[slug].draft and status != "draft":
                errors.append(
                    ContentError(
                        f"entry '{slug}' is a draft: it has no web page to link to"
                        + (f" (this issue is {status})" if status in ("ready", "sent") else ""),
                        rel,
                        line,
                        f"publish it (remove 'draft: true' from {by_slug[slug].path}) or leave "
                        "it out of the issue"
                        + (
                            ", or set 'status: draft' here while you work on both"
                            if status == "ready"
                            else ""
                        ),
                    )
                )
                continue
            if slug in by_slug:
                found.append(by_slug[slug])
                continue
            if slug in unloaded:
                continue
            close, aside = closest(slug, by_slug), None
            hint = f"use the slug of a file in {ENTRIES_DIR}/ (its name without .md)"
            titled = _titled(slug, by_slug)
            if titled is not None:
                # Its title copied from the page or the file: the slug it has is the one meant.
                close = titled.slug
                hint = f"an issue names an entry by its slug, not its title: write {titled.slug}"
            addressed = _slug_named_in(slug, by_slug, unloaded)
            if addressed is not None:
                # Its page's address, its file or its folder in site/ copied: the slug in it.
                close, what = addressed
                hint = f"an issue names an entry by its slug, not its {what}: write {close}"
            several = _slugs_in(slug, by_slug, unloaded)
            if several:
                # 'quiet-hours, all-of-us-strangers' on one line is one unknown slug; the
                # nearest name dropped the others.
                close, aside = None, f"{len(several)} slugs on one line"
                dashed = ", ".join(f"'- {one}'" for one in several)
                if line is not None and _in_brackets(text, line):
                    hint = f"put a comma between the slugs: [{', '.join(several)}]"
                else:
                    hint = f"write one slug per line: {dashed}"
            apart = _filed_apart(root, slug)
            if apart is not None:
                close = None
                hint = (
                    f"{apart} is in a folder inside {ENTRIES_DIR}/, where pieces are not read: "
                    f"move it up to {ENTRIES_DIR}/{slug}.md"
                )
            named = next(
                (e for e in by_slug.values() if e.path == f"{ENTRIES_DIR}/{slug}.md"), None
            )
            if named is not None:
                # The file is there: its own 'slug:' names it otherwise.
                close = None
                hint = (
                    f"{named.path} is there, but its 'slug: {named.slug}' names it so: write "
                    f"{named.slug} here, or remove its 'slug:' line"
                )
            # site/archive/ and site/issues/ hold an index.html too: no entry's page. (An
            # entry's address or slugs written whole are told so above: '/x' is no old slug,
            # though its address is the page's.)
            published = (
                addressed is None
                and not several
                and slug not in RESERVED_SLUGS
                and _published_before(root, settings, slug)
            )
            from .send.ledger import went_out  # (only for a slug no entry has)

            went = published and (status == "sent" or went_out(root, number))
            if went and named is None and apart is None:
                # A sent issue's emails link to the page at its slug: naming another entry
                # here would leave them leading nowhere; the file renamed, its 'slug:' keeps it.
                renamed = _renamed_to(root, settings, slug, by_slug)
                which = renamed.path if renamed is not None else "the entry's file"
                close = None  # writing its new slug here is what breaks the emails' links
                hint = (
                    f"this issue was sent, and its emails link to {settings.url(f'{slug}/')}: "
                    f"if {which} was renamed from {slug}.md, set 'slug: {slug}' in it (no need "
                    "to change this issue then); else " + hint
                )
            elif published and named is None and apart is None:
                # (A file there with another 'slug:', or filed in a folder, is told so above.)
                # Likely a file renamed: naming it anew here would move its page (which an
                # email may link to) and give it a new feed id. The one the feed knows by its
                # title or moment, else the nearest name: two pieces of one title
                # ('festival-notes', 'festival-notes-2'), the nearest was the other one.
                renamed = _renamed_to(root, settings, slug, by_slug)
                if renamed is None and close and "slug" not in by_slug[close].meta.model_fields_set:
                    renamed = by_slug[close]
                if renamed is not None:
                    close = renamed.slug
                    hint = (
                        f"if {renamed.path} was renamed from {slug}.md, set 'slug: {slug}' "
                        "in it to keep its address and feed id; else " + hint
                    )
            errors.append(
                ContentError(
                    f"unknown entry '{visible(slug)}'"
                    + (f" (did you mean '{close}'?)" if close else f" ({aside})" if aside else ""),
                    rel,
                    line,
                    hint,
                )
            )
        return tuple(found)

    gathered = [resolve(slugs, loc) for loc, slugs in _gathered(meta, doc.meta)]
    # Fitted to the email's column (the web version shows the same intro).
    shown, text_errors = body_pictures(doc.body, doc.body_line, rel, root, settings, 552)
    raise_all(errors + text_errors)
    assert meta is not None and name is not None  # else there were errors, raised above
    entries = gathered[0]
    # A draft's section without entries yet is left out (told: notices.sections_empty).
    sections = tuple(
        (section.title, gathered[1 + i])
        for i, section in enumerate(meta.sections)
        if section.entries
    )
    return LoadedIssue(
        meta=meta,
        slug=name.group(2),
        path=rel,
        body=doc.body,
        entries=entries,
        sections=sections,
        url=settings.url(f"issues/{meta.number}-{name.group(2)}/"),
        body_pictures=shown,
        entry_lines=placed,
        key_lines=dict(doc.meta.key_lines),
        body_line=doc.body_line,
        # (A zero-width space in a subject goes to every inbox.)
        notes=hidden_characters(doc.meta, text)
        + sent_as_typed(meta, doc.meta)
        + section_titles_marked(meta, doc.meta)
        + sections_empty(meta, doc.meta)
        + hidden_in_text(doc.body, doc.body_line),
    )


def _gathered(
    meta: Issue | None, written: dict[str, Any]
) -> list[tuple[tuple[Any, ...], Sequence[str | None]]]:
    """Where each list of entry slugs of an issue is, and its slugs: the main entries first,
    then each section's. From the front matter as written when it failed validation, each
    slug in its place (None for what is not one)."""
    if meta is not None:
        return [(("entries",), meta.entries)] + [
            (("sections", i, "entries"), section.entries) for i, section in enumerate(meta.sections)
        ]
    sections = written.get("sections")
    lists = [(("entries",), written.get("entries"))] + [
        (("sections", i, "entries"), section.get("entries") if isinstance(section, dict) else None)
        for i, section in enumerate(sections if isinstance(sections, list) else [])
    ]
    return [(loc, each_as_written(Text, slugs)) for loc, slugs in lists]


def _slugs_in(
    written: str, by_slug: Mapping[str, LoadedEntry], unloaded: Collection[str]
) -> list[str]:
    """The slugs of entries that ``written`` holds, when it is several of them on one line
    ('quiet-hours, all-of-us-strangers'), else none."""
    parts = [part for part in re.split(r"[\s,;]+", written) if part]
    known = all(part in by_slug or part in unloaded for part in parts)
    return parts if len(parts) > 1 and known else []


def _slug_named_in(
    written: str, by_slug: Mapping[str, LoadedEntry], unloaded: Collection[str]
) -> tuple[str, str] | None:
    """The slug of an entry whose address, file or folder ``written`` is
    ('https://.../quiet-hours/', 'entries/quiet-hours.md', 'site/quiet-hours/'), and which
    of those it is."""
    written = written.strip()
    web = re.match(r"(?i)https?://", written) is not None
    path = urlsplit(written).path if web else written
    parts = [part for part in path.replace("\\", "/").split("/") if part]
    if parts and parts[-1].lower() in ("index.html", "index.md"):
        parts.pop()
    if not parts or ("/" not in path.replace("\\", "/") and not path.lower().endswith(".md")):
        return None  # a slug alone, mistyped: the nearest name says which
    last = parts[-1]
    stem = re.sub(r"(?i)\.(?:md|markdown|html?)$", "", last)
    if stem not in by_slug and stem not in unloaded:
        return None
    if web or path.startswith("/"):
        return stem, "page's address"
    return stem, "file" if last != stem else "folder"


def _in_brackets(text: str, line: int) -> bool:
    """Whether the line ``line`` of ``text`` holds a list in brackets ('entries: [a b]')."""
    lines = text.split("\n")
    return 0 < line <= len(lines) and "[" in lines[line - 1]


def _published_before(root: Path, settings: Settings, slug: str) -> bool:
    """Whether an entry was published at ``slug``: its page is in ``site/``, or (in a fresh
    clone, which has none) the committed JSON feed carries its address."""
    from .feeds import JSON_PATH, json_feed_items  # (only for a slug no entry has)

    if (root / "site" / slug / "index.html").is_file():
        return True
    try:
        feed = json_feed_items(json.loads((root / JSON_PATH).read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return False
    return settings.url(f"{slug}/") in feed


def _renamed_to(
    root: Path, settings: Settings, slug: str, by_slug: Mapping[str, LoadedEntry]
) -> LoadedEntry | None:
    """The one entry that is likely the one published at ``slug``, its file renamed: the
    JSON feed (the last build's, or the committed one) carried an item at that address with
    its title or its moment of publication, and no 'slug:' of its own names it."""
    from .feeds import JSON_PATH  # (only for a slug no entry has)
    from .templates import unmarked

    try:
        feed = json.loads((root / JSON_PATH).read_text(encoding="utf-8"))
        items = feed["items"]
        item = next(i for i in items if i.get("url") == settings.url(f"{slug}/"))
        moment = datetime.fromisoformat(item["date_published"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError, StopIteration):
        return None
    addresses = {i.get("url") for i in items if isinstance(i, dict)}
    found = [
        entry
        for entry in by_slug.values()
        if entry.url not in addresses  # published at its own address before: not renamed
        and "slug" not in entry.meta.model_fields_set
        # A feed's title is the words alone ('*Anora*, reviewed' is 'Anora, reviewed' there),
        # but for one written before titles took italics, which holds the marks as typed.
        and (
            item.get("title") in (unmarked(entry.meta.title), entry.meta.title)
            or entry.published == moment
        )
    ]
    return found[0] if len(found) == 1 else None


def _filed_apart(root: Path, slug: str) -> str | None:
    """The Markdown file named ``slug`` in a folder inside entries/, if there is one."""
    for path in markdown_filed_apart(root / ENTRIES_DIR):
        if path.name == f"{slug}.md":
            return path.relative_to(root).as_posix()
    return None


_STAGES = ("sent", "ready", "draft")


def duplicate_numbers(root: Path, issues: list[LoadedIssue]) -> list[DopemailError]:
    """One problem for each issue whose number another issue has.

    The one kept is the issue furthest along (sent: its number is in readers' inboxes; ready:
    in the archive and the feed), then the one sent earliest (a copy made for the next issue
    is dated later), then one a build has already made a web version of (a copy made as is
    has none yet), then the first by file name; the others are told the next free number,
    at their 'number:' line.
    """
    by_number: dict[int, list[LoadedIssue]] = {}
    for issue in issues:
        by_number.setdefault(issue.meta.number, []).append(issue)
    free = max(by_number, default=0) + 1
    errors: list[DopemailError] = []
    for number, same in sorted(by_number.items()):
        if len(same) < 2:
            continue
        from .site import SITE_DIR  # only when two issues share a number

        kept = min(
            same,
            key=lambda i: (
                _STAGES.index(i.meta.status),
                i.meta.date,
                not (root / SITE_DIR / ISSUES_DIR / i.key).is_dir(),
                i.path,
            ),
        )
        for issue in same:
            if issue is kept:
                continue
            sent = " (sent)" if kept.meta.status == "sent" else ""
            errors.append(
                ContentError(
                    f"duplicate issue number {number}: {kept.path}{sent} has it too",
                    issue.path,
                    key_line(root, issue.path, "number"),
                    f"give this issue the next free number, {free} ('number:' and the file "
                    f"name: issues/{free}-{issue.slug}.md)",
                )
            )
            free += 1
    return errors


def duplicate_feed_ids(
    root: Path, issues: list[LoadedIssue], host: str | None
) -> list[DopemailError]:
    """Two issues with one id in the issues feed (an 'id:' copied with the file the next
    issue was started from, or naming another issue's address): readers take the second for
    an edit of the first, which never shows as new. Said at the 'id:' line that made it twice
    (this one's if both have one)."""
    from .feeds import issue_feed_id

    by_id: dict[str, LoadedIssue] = {}
    errors: list[DopemailError] = []
    for issue in sorted(issues, key=lambda i: i.path):
        other = by_id.setdefault(issue_feed_id(issue, host), issue)
        if other is issue:
            continue
        hint = (
            "every issue needs an id of its own: remove 'id:' (its web version's address is "
            "then its id), or give back the id it had"
        )
        errors.append(duplicate_id(root, f"'{issue_feed_id(issue, host)}'", issue, other, hint))
    return errors


def duplicate_id(
    root: Path, shown: str, this: LoadedEntry | LoadedIssue, other: Any, hint: str
) -> ContentError:
    """The error for two entries (or issues) with one feed id (``shown``), at the 'id:' line
    that made it twice: the one that set its id by hand is the one to change (``this`` one,
    found second, if both did)."""
    declared, named = (this, other) if this.meta.id is not None else (other, this)
    return ContentError(
        f"duplicate feed id {shown}: {named.path} has it too",
        declared.path,
        key_line(root, declared.path, "id"),
        hint,
    )
