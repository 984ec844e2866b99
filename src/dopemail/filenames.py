"""What the files in entries/ and issues/ are called, and where they are.

Which names are read (``*.md``, not hidden), which are reported as misnamed (``.markdown``,
``.md.txt``...) and the name each should have, the slugs a name makes (and the folders of the
site a slug may not name), the slug an entry file declares (read from its text alone), and the
Markdown files filed in a folder inside, which are not read. Apart from loading, which
asks them with the preview's watcher (which saves change a build), ``dopemail new`` (a new
file's name) and the build's warnings (pieces filed apart).
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

from .errors import ContentError, DopemailError
from .layout import ARCHIVE_DIR, ENTRIES_DIR, ISSUES_DIR, MEDIA_DIR
from .models import SLUG

#: Folders of the site at base_url, which an entry's page (base_url + slug + /) would land in:
#: the feeds (published under base_url), the issues' web versions and the pictures.
RESERVED_SLUGS = {
    "feeds": "its feeds",
    ISSUES_DIR: "the issues' web versions",
    MEDIA_DIR: "its pictures",
    ARCHIVE_DIR: "the archive's pages by year",
}


def entry_of_page(rel: str) -> str | None:
    """The slug of the entry whose page the output ``rel`` is (``site/<slug>/index.html``),
    else None: the site's own folders hold index pages too (``site/archive/index.html``,
    ``site/issues/index.html``), which are no entry's."""
    parts = rel.split("/")
    if len(parts) == 3 and parts[0] == "site" and parts[2] == "index.html":
        return parts[1] if parts[1] not in RESERVED_SLUGS else None
    return None


def not_utf8(name: str) -> bool:
    """Whether a file's name is not UTF-8 text (Python holds its bytes as surrogates)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def shown_name(name: str) -> str:
    """A file name as a message can print it: a byte that is no UTF-8 shown as '?'."""
    return os.fsencode(name).decode("utf-8", "replace").replace("\ufffd", "?")


def _as_meant(name: str) -> str:
    """A name that is not UTF-8 read as Windows wrote it, named .md: its letters in the
    ANSI code page (é as E9), or in the DOS one its own zip tool uses (é as 82), where a
    byte is one the first gives no letter."""
    raw = os.fsencode(name).rstrip()
    page = "cp437" if any(0x80 <= byte <= 0x9F for byte in raw) else "cp1252"
    text = raw.decode(page, "replace")
    found = _OTHER_MARKDOWN.match(text)
    return f"{found.group('stem')}.md" if found else text


def markdown_names(folder: Path, broken: list[str] | None = None) -> list[str]:
    """The ``*.md`` file names in ``folder``, sorted (none if it does not exist).

    Hidden files are not the editor's pieces: Emacs's lock files (``.#name.md``, a link to
    nowhere while a file has unsaved changes), macOS's ``._name.md`` beside files copied to
    some disks. ``broken``, if given, is told the names that are no file to read: links to
    nothing (or that loop), and a folder, a pipe or a device so named (never opened: a pipe
    would wait for a writer), but for a folder holding Markdown files, warned of as pieces
    filed apart (:func:`filed_apart`). In the same listing, for
    :func:`~dopemail.sourcesgone.sources_gone`.
    """
    try:
        listing = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return []
    names = []
    for item in listing:
        if not_utf8(item.name):
            continue  # not read: told by misnamed()
        if item.name.endswith(".md") and not item.name.startswith("."):
            if _is_file(item):
                names.append(item.name)
            elif broken is not None and not _holds_markdown(item):
                broken.append(item.name)
    return sorted(names)


def _holds_markdown(item: os.DirEntry[str]) -> bool:
    """Whether ``item`` is a folder with Markdown files in it (or in a folder inside it), as
    :func:`markdown_filed_apart` finds them: a link to a folder is not followed (it may lead
    anywhere, the whole disk)."""
    try:
        if not item.is_dir(follow_symlinks=False):
            return False
    except OSError:
        return False
    return any(named_as_markdown(name) for _, _, files in os.walk(item.path) for name in files)


# Names a Markdown file goes by elsewhere, which dopemail does not read: said, or a piece
# saved as 'quiet-hours.markdown' would be missing from the site without a word.
_OTHER_MARKDOWN = re.compile(r"(?i)^(?P<stem>[^.].*?)(\.md|\.markdown|\.mdown|\.mkd)(\.txt)?$")


def named_as_markdown(name: str) -> bool:
    """Whether a file in entries/ or issues/ is read (``.md``) or reported as misnamed
    (``.markdown``, ``.MD``, ``.md.txt``...): a change to it changes what a build says."""
    return _OTHER_MARKDOWN.match(name) is not None


def reserved_slug(slug: str) -> str:
    """What is wrong with a slug that names a folder of the site (see RESERVED_SLUGS)."""
    holds = RESERVED_SLUGS[slug]
    return f"the slug '{slug}' names the folder of the site that holds {holds} ({slug}/)"


# Latin letters that no decomposition takes to ASCII (Œdipe was 'dipe'): written as the
# languages that have them write them without.
_SPELT_OUT = str.maketrans(
    {"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th"}
    | {"ħ": "h", "ı": "i", "ŋ": "ng", "ŧ": "t", "ƒ": "f", "ĸ": "k"}
)


def slugify(title: str) -> str:
    """'Céline’s « Portrait »' -> 'celines-portrait'; 'Le cœur' -> 'le-coeur'; 'L’Armée des
    ombres' -> 'l-armee-des-ombres'."""
    text = unicodedata.normalize("NFKD", title.lower().translate(_SPELT_OUT))
    # French elision parts two words ('l’armée', 'qu’il'): 'larmee' read as one; an English
    # apostrophe joins its word ('céline’s', 'don’t'). (Before the accents go, with the ’.)
    text = _ELISION.sub(r"\1-", text)
    text = text.encode("ascii", "ignore").decode()
    text = re.sub(r"['’]", "", text)
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "untitled"


# (The apostrophe as typed, as a word processor curls it, or the wrong way round: ‘, ʼ.)
_ELISION = re.compile(r"\b(c|d|j|l|m|n|s|t|qu|jusqu|lorsqu|puisqu|quoiqu)['’‘ʼ](?=[a-z])")


def renamed(stem: str, issue: bool) -> tuple[str, str]:
    """The name to give a file with this stem so that it is read and its name accepted, and
    what to say after it."""
    if issue:
        number, _, rest = stem.partition("-")
        if not number.isdigit():  # an issue's name starts with its number
            return f"<its number>-{slugify(stem)}.md", f" (e.g. 4-{slugify(stem)}.md)"
        return f"{number}-{slugify(rest)}.md", ""
    if not re.search(r"[A-Za-z0-9]", stem):
        # No Latin letter or digit (東京物語): the name makes no web address at all.
        return f"{stem}.md", ", and give it a 'slug:' with one (e.g. slug: my-film)"
    slug = stem if re.fullmatch(SLUG, stem) else slugify(stem)
    if slug in RESERVED_SLUGS:
        slug += "-film"
    return f"{slug}.md", ""


def name_hint(path: Path) -> str:
    """How to name an entry's file whose name makes no slug."""
    target, after = renamed(path.stem, False)
    if after:  # no Latin letter to make one of
        return "give it a 'slug:' of lowercase letters, digits and hyphens (slug: tokyo-story)"
    other = path.with_name(target)
    if other.exists() and not other.samefile(path):  # (one disk's case-blind name: itself)
        # Renamed as told, it would replace that entry ("Quiet Hours.md", a copy of
        # quiet-hours.md, named for a second piece on the film).
        stem = target.removesuffix(".md")
        free = next(
            name for n in range(2, 1000) if not path.with_name(name := f"{stem}-{n}.md").exists()
        )
        return (
            "rename the file with lowercase letters, digits and hyphens, to a name no other "
            f"entry has: {target} is another entry (renamed to it, this file would replace "
            f"it); {free}, say"
        )
    return f"rename the file with lowercase letters, digits and hyphens: {target}"


def filed_apart(root: Path) -> list[DopemailError]:
    """Warnings for the folders inside entries/ and issues/ that hold Markdown files, which
    are not read (a piece filed by year was missing without a word; a folder kept aside on
    purpose, entries/archive/, still builds)."""
    found: list[DopemailError] = []
    for folder, kind in ((ENTRIES_DIR, "an entry"), (ISSUES_DIR, "an issue")):
        inside: dict[str, list[Path]] = {}
        for path in markdown_filed_apart(root / folder):
            inner = path.relative_to(root / folder).parts[0]
            inside.setdefault(inner, []).append(path)
        for inner in sorted(inside):
            found.append(_nested(root, f"{folder}/{inner}", kind, inside[inner]))
    return found


def markdown_filed_apart(folder: Path) -> list[Path]:
    """The Markdown files in the folders inside ``folder`` (entries/ or issues/), hidden
    folders passed over: pieces not read where they are."""
    found: list[Path] = []
    for where, folders, files in os.walk(folder):
        folders[:] = sorted(f for f in folders if not f.startswith("."))
        if Path(where) != folder:
            found += [Path(where, f) for f in files if named_as_markdown(f)]
    return found


def misnamed(root: Path) -> list[DopemailError]:
    """Files in entries/ and issues/ named as Markdown but not ``.md``, which are not read."""
    errors: list[DopemailError] = []
    for folder, kind in ((ENTRIES_DIR, "an entry"), (ISSUES_DIR, "an issue")):
        try:
            names = sorted(e.name for e in os.scandir(root / folder) if _is_file(e))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for name in names:
            if not_utf8(name):
                if named_as_markdown(name.rstrip()):
                    errors.append(
                        ContentError(
                            "not read: the file's name is not UTF-8 text, as names are here (a "
                            "name from another system: a zip made on Windows?)",
                            f"{folder}/{shown_name(name)}",
                            None,
                            f"rename it to {_as_meant(name)}, or another name",
                        )
                    )
                continue
            if name != name.rstrip() and named_as_markdown(name.rstrip()):
                # 'quiet-hours.md ' (a space typed after the name): skipped without a word.
                errors.append(
                    ContentError(
                        f"not read: the file's name ends with a space ('{name}')",
                        f"{folder}/{name}",
                        None,
                        f"rename it to {name.rstrip()}",
                    )
                )
                continue
            found = _OTHER_MARKDOWN.match(name)
            if found and not name.endswith(".md"):
                target, after = renamed(found.group("stem"), folder == ISSUES_DIR)
                hint = f"rename it to {target}{after}"
                if target in names:
                    # Renamed as said, it would replace the file of that name.
                    hint = (
                        f"{folder}/{target} exists already: if this is a newer copy of it, "
                        f"move it in its place; else rename it to another name{after}"
                    )
                errors.append(
                    ContentError(f"not read: {kind} is a .md file", f"{folder}/{name}", None, hint)
                )
    return errors


def _nested(root: Path, rel: str, kind: str, found: list[Path]) -> DopemailError:
    """The warning for a folder inside entries/ (issues/) holding the Markdown files ``found``."""
    top = rel.split("/", 1)[0]
    shown = ", ".join(p.relative_to(root).as_posix() for p in sorted(found)[:3])
    more = f" and {len(found) - 3} more" if len(found) > 3 else ""
    return ContentError(
        f"not read: {shown}{more}, in a folder inside {top}/ ({kind} is a .md file "
        f"directly in {top}/)",
        f"{rel}/",
        None,
        f"move {'it' if len(found) == 1 else 'them'} up into {top}/ to publish; kept there "
        f"on purpose, move the folder out of {top}/ "
        + (
            "(an entry not ready to publish stays in entries/ with draft: true)"
            if top == ENTRIES_DIR
            else "(an issue being written stays in issues/ with status: draft)"
        ),
    )


def _is_file(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()
    except OSError:  # a link that loops
        return False


# A 'slug:' line at the top level: how an entry names its slug, read even from a broken file.
_SLUG_LINE = re.compile(rf"^slug:[ \t]*(?P<q>[\"']?)(?P<slug>{SLUG})(?P=q)[ \t]*(?:#.*)?$", re.M)


def unread_slugs(root: Path) -> set[str]:
    """The slugs of the entry files :func:`misnamed` reports (the name each would have)."""
    found: set[str] = set()
    try:
        names = [e.name for e in os.scandir(root / ENTRIES_DIR) if _is_file(e)]
    except OSError:
        return found
    for name in names:  # (those in a folder inside are warned of: an issue's hint says so)
        written = _OTHER_MARKDOWN.match(name)
        if written is None or name.endswith(".md"):
            continue  # not Markdown, or read
        found.add(renamed(written.group("stem"), False)[0][:-3])
        found.add(declared_slug(root / ENTRIES_DIR / name) or "")
    return found


def declared_slug(path: Path) -> str | None:
    """The slug a broken entry file declares, read from its text alone (None if none)."""
    try:
        found = _SLUG_LINE.search(path.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return None
    return found.group("slug") if found else None
