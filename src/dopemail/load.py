"""entries/ + issues/ + dopemail.toml -> a valid :class:`Workspace`.

Here: an entry file loaded (validated, its gallery's pictures, its slug and feed id), every
entry of entries/ (from the cache where current; a file saved by renaming while it is listed
is read once back), the publication's logo and icon, and :func:`load_workspace`, which wires
it all and raises every problem at once; :func:`load_issue_alone`, an issue with only the
entries it gathers. The rest of loading has a module each: a file's text (sourcetext.py),
what the files are called and where they are (filenames.py), the pictures and HTML a text
holds (bodytext.py), the picture files (pictures.py), an issue file (issuefiles.py), the
guard of a source folder gone (sourcesgone.py), and the warnings of what loaded
(notices.py).

Loading reads and validates; it renders nothing (the HTML it reads is the editor's: raw
pictures and comments in a text, looked at for what they would do). Every problem in every
file is collected first and reported together, so an editor fixes them all in one pass: a
field that fails validation does not keep the checks that need no valid model from running
(pictures, the entries an issue gathers, comments). A file that cannot be read (its bytes,
its YAML, a control character or a broken '&#' reference in it, a merge conflict left in it)
stops there.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import TypeVar, cast

from .bodytext import body_pictures, dropped_html
from .cache import BuildCache, EntryRecord, forget_picture_stats, media_stamp
from .config import CONFIG_NAME, Settings, config_line, load_settings
from .countries import home_country
from .errors import (
    ConfigError,
    ContentError,
    DopemailError,
    raise_all,
)
from .filenames import (
    RESERVED_SLUGS,
    declared_slug,
    markdown_names,
    misnamed,
    name_hint,
    renamed,
    reserved_slug,
    unread_slugs,
)
from .frontmatter import Document
from .issuefiles import (
    IssueFile,
    duplicate_feed_ids,
    duplicate_id,
    duplicate_numbers,
    load_issue,
)
from .layout import ARCHIVE_DIR, ENTRIES_DIR, ISSUES_DIR
from .models import (
    SLUG,
    Entry,
    Image,
    Issue,
    LoadedEntry,
    LoadedIssue,
    Media,
    Workspace,
)
from .notices import credits_as_written, curly_quoted, hidden_characters, hidden_in_text, notes
from .pictures import (
    READABLE_NAMES,
    PictureProblem,
    check_bytes,
    local_media,
    media_example,
    media_for,
    unreadable,
)
from .sourcesgone import sources_gone
from .sourcetext import (
    each_as_written,
    examples_left,
    key_line,
    placeholder,
    read_text,
    split_text,
    validate,
)
from .validation import (
    line_of,
)


def _images(
    images: Sequence[Image | None], doc: Document, rel: str, root: Path, settings: Settings
) -> tuple[tuple[Media, ...], list[DopemailError]]:
    found, errors = [], []
    for index, image in enumerate(images):
        if image is None:
            continue
        try:
            media = media_for(image.src, root, settings, owner=rel)
        except PictureProblem as exc:
            where = line_of(doc.meta, ("images", index, "src"))
            errors.append(ContentError(f"images[{index + 1}].src: {exc}", rel, where, exc.hint))
            continue
        except ValueError as exc:
            errors.append(
                ContentError(
                    f"images[{index + 1}].src: {exc}",
                    rel,
                    line_of(doc.meta, ("images", index, "src")),
                    f"check the path, or copy the picture there: pictures live under media/, "
                    f"e.g. {media_example(rel)}",
                )
            )
            continue
        damaged = media.source is not None and (media.width is None or media.height is None)
        named = image.src.lower().endswith(READABLE_NAMES)  # so damaged, whatever size is said
        if damaged and (named or not (image.width and image.height)):
            # An unreadable file would be a broken picture in every page, feed and email, with
            # a size made up for the email's layout.
            errors.append(
                unreadable(
                    f"images[{index + 1}].src: '{image.src}'",
                    image.src,
                    rel,
                    line_of(doc.meta, ("images", index, "src")),
                    "put the right file in its place"
                    if named
                    else "give its width: and height: here",
                )
            )
            continue
        width, height = image.width or media.width, image.height or media.height
        if media.width and media.height and (image.width or image.height):
            # The email lays a picture out by these: a size of another shape than the file's
            # would show it squashed, and one side given alone takes the other from the file.
            if not image.height:
                height = max(1, round(image.width * media.height / media.width))
            elif not image.width:
                width = max(1, round(image.height * media.width / media.height))
            elif (
                abs(image.width * media.height / (image.height * media.width) - 1) > 0.02
                and abs(image.height - image.width * media.height / media.width) > 1
            ):  # a small size rounds: 20×11 is a 1200×675 still's shape
                fits = max(1, round(image.width * media.height / media.width))
                errors.append(
                    ContentError(
                        f"images[{index + 1}]: width: {image.width} and height: "
                        f"{image.height} are not the picture's shape ({media.width}×"
                        f"{media.height}): it would be shown squashed",
                        rel,
                        line_of(doc.meta, ("images", index, "width")),
                        "leave them out (the size is read from the file), or give one alone "
                        f"(width: {image.width} makes it {image.width}×{fits})",
                    )
                )
                continue
        if not media.source and not (image.width and image.height):
            # No file to read it from: the email lays pictures out by their size, and a
            # made-up one squashed a portrait poster into a landscape frame.
            errors.append(
                ContentError(
                    f"images[{index + 1}]: a picture from another site needs its width: and "
                    "height:",
                    rel,
                    line_of(doc.meta, ("images", index, "src")),
                    "give its size in pixels under its src (width: 1200, height: 800), or save "
                    "it under media/, where its size is read from the file",
                )
            )
            continue
        found.append(
            Media(
                url=media.url,
                alt=image.alt,
                caption=image.caption,
                credit=image.credit,
                width=width,
                height=height,
                mime=media.mime,
                length=media.length,
                source=media.source,
            )
        )
    return tuple(found), errors


def entry_id(settings: Settings, slug: str, entry: Entry) -> str:
    """A tag: URI (RFC 4151) from the site's host, the first-published day and the slug.

    It does not depend on the text, so editing an entry never changes its feed id.
    """
    if entry.id:
        return entry.id
    return f"tag:{settings.host},{entry.published.date().isoformat()}:{slug}"


def load_entry(
    path: Path,
    root: Path,
    settings: Settings,
    taken: dict[str, LoadedEntry] | None = None,
    data: bytes | None = None,
) -> LoadedEntry:
    """Load one entry file, raising every problem found in it.

    ``taken`` maps the slugs already loaded to their entries, to catch duplicates; ``data``
    is the file's bytes when they were read already (to key it: see ``BuildCache.read_key``).
    """
    rel = path.relative_to(root).as_posix()
    text = read_text(path, rel, data)
    doc, errors = split_text(text, rel)
    meta, invalid = validate(Entry, doc, rel, settings, text, errors)
    errors += invalid
    # What does not depend on a field that failed is checked all the same, so that fixing one
    # problem does not bring the next to light: the gallery as written, the text's pictures.
    gallery = meta.images if meta is not None else each_as_written(Image, doc.meta.get("images"))
    images, image_errors = _images(gallery, doc, rel, root, settings)
    shown, text_errors = body_pictures(doc.body, doc.body_line, rel, root, settings)
    errors += image_errors + text_errors
    if meta is not None and meta.screenings:
        # A venue without a country is in the publication's: its address in that order
        # ('13 rue Victor-Cousin, 75005 Paris' for a Paris publication).
        home = home_country(settings.publication.timezone)
        for screening in meta.screenings:
            screening._home = home
    if meta is not None and not meta.draft:
        errors += placeholder(doc, rel, "write the piece in its place, or put back 'draft: true'")
        errors += examples_left(doc, rel, settings.publication.language)
    declared = meta.slug if meta is not None else doc.meta.get("slug")
    slug = declared or path.stem
    # A 'slug:' that validation refused ('slug: ""' included) was said already: neither the
    # file's name nor another page is at fault then.
    named = declared is None or (isinstance(declared, str) and re.fullmatch(SLUG, declared))
    if named and not re.fullmatch(SLUG, slug):
        errors.append(
            ContentError(
                f"the file name '{path.name}' does not make a valid slug",
                rel,
                1,
                name_hint(path),
            )
        )
    elif named and slug in RESERVED_SLUGS:
        # Its page would be written among them (site/issues/index.html), or not put online at
        # all (the feeds' folder is copied apart).
        hint = (
            f"give it another 'slug:' (e.g. slug: {slug}-film)"
            if declared
            else f"rename the file (e.g. {slug}-film.md)"
        )
        if slug == ARCHIVE_DIR and meta is not None and not meta.id:
            # Published there before the name was the site's (in December 2026): its
            # address moves, its feed id need not.
            hint += (
                f"; if it was published at {slug}/ already, also set 'id: "
                f"{entry_id(settings, slug, meta)}' in it, so that feed readers do not show "
                "it again as new"
            )
        errors.append(
            ContentError(
                reserved_slug(slug), rel, line_of(doc.meta, ("slug",)) if declared else 1, hint
            )
        )
    elif named and taken and slug in taken:
        at = line_of(doc.meta, ("slug",)) if declared else None
        errors.append(_duplicate(slug, rel, at, taken[slug], root))
    raise_all(errors)
    assert meta is not None  # it failed with errors, raised above
    return LoadedEntry(
        meta=meta,
        slug=slug,
        path=rel,
        body=doc.body,
        body_line=doc.body_line,
        url=settings.url(f"{slug}/"),
        id=entry_id(settings, slug, meta),
        author=meta.author or settings.publication.author,
        section=meta.section or settings.publication.title,
        images=images,
        body_pictures=shown,
        notes=notes(meta, doc, settings.publication.zone, settings.publication.language)
        + credits_as_written(meta, doc.meta, text)
        + curly_quoted(doc.meta, text)
        + hidden_characters(doc.meta, text)
        + hidden_in_text(doc.body, doc.body_line)
        + dropped_html(doc.body, doc.body_line),
    )


def _duplicate(
    slug: str, rel: str, slug_line: int | None, other: LoadedEntry, root: Path
) -> ContentError:
    """The error for two entries with one slug, at the 'slug:' line that made it twice."""
    if slug_line is not None or other.meta.slug is None:
        return ContentError(
            f"duplicate slug '{slug}': {other.path} has it too",
            rel,
            slug_line or 1,
            "give one of them another 'slug:' (or rename its file)",
        )
    # This file's name makes the slug another file's 'slug:' took (that file sorts first, so
    # it was loaded first): the line to change is over there, not in a file that says nothing.
    return ContentError(
        f"duplicate slug '{slug}': {rel} has it too (from its file name)",
        other.path,
        key_line(root, other.path, "slug"),
        f"give this entry another 'slug:', or rename {rel}",
    )


def _collect(errors: list[DopemailError], exc: DopemailError) -> None:
    errors.extend(getattr(exc, "errors", [exc]))


def _cached_entry(
    cache: BuildCache, path: str, taken: dict[str, LoadedEntry]
) -> LoadedEntry | bytes:
    """The entry as the cache holds it, or the file's bytes to load it from (keyed)."""
    key, data = cache.keyed(path)
    record: EntryRecord | None = cache.get("entries", key)
    valid = (
        record is not None
        and record.entry.slug not in taken
        and media_stamp(cache.root, record.entry.pictures) == record.stamp
    )
    if valid and record is not None:
        cache.records[os.path.basename(path)] = (key, record)
        return record.entry
    if data is None:  # keyed by its stat alone: read now, and keyed by what was read
        key, data = cache.read_key(path)
    cache.records[os.path.basename(path)] = (key, None)
    return data


T = TypeVar("T")

# How long a file listed a moment ago may be missing before it counts as deleted: an
# editor saving by renaming has the new file in place within milliseconds.
_BACK_WITHIN = (0.01, 0.05, 0.25)
_ISSUE_FILES = "issue-files"  # the cache's records of issue files read and validated


def _while_there(path: str, load: Callable[[str], T]) -> T | None:
    """``load(path)`` for a file a folder's listing just named; None if it is gone.

    Between the listing and the read an editor may be saving the file by renaming (vim
    moves 'x.md' to 'x.md~', then writes 'x.md' anew): it is read once it is back. One
    that stays gone was deleted meanwhile and is left out, as a listing taken a moment
    later would have.
    """
    for wait in (*_BACK_WITHIN, None):
        try:
            return load(path)
        except FileNotFoundError as exc:
            if exc.filename is None or os.fspath(exc.filename) != path:
                raise  # another file is missing
            if wait is None:
                return None
            time.sleep(wait)
    return None


def load_entries(
    root: Path,
    settings: Settings,
    errors: list[DopemailError],
    cache: BuildCache | None = None,
    listed: tuple[list[str], list[str]] | None = None,
) -> list[LoadedEntry]:
    """Load every ``entries/*.md``, adding problems to ``errors``; newest first.

    With a ``cache``, an entry whose source (and pictures) did not change since it was last
    built is taken from it, skipping YAML and validation. ``listed``, if given, is told the
    folder's ``*.md`` names, and those that are links to nothing (see :func:`markdown_names`).
    """
    entries: list[LoadedEntry] = []
    by_slug: dict[str, LoadedEntry] = {}
    folder = root / ENTRIES_DIR

    def load(path: str) -> LoadedEntry:
        found = _cached_entry(cache, path, by_slug) if cache is not None else None
        if isinstance(found, LoadedEntry):
            return found
        return load_entry(Path(path), root, settings, by_slug, found)

    names, broken = listed or ([], [])
    names += markdown_names(folder, broken)
    for name in names:
        path = f"{folder}{os.sep}{name}"  # a string: this loop runs over the whole archive
        try:
            entry = _while_there(path, load)
        except DopemailError as exc:
            _collect(errors, exc)
            continue
        if entry is None:
            continue
        by_slug[entry.slug] = entry
        entries.append(entry)
    errors += _duplicate_ids(root, entries, settings.host)
    entries.sort(key=lambda e: e.sort_key, reverse=True)
    return entries


def _duplicate_ids(root: Path, entries: list[LoadedEntry], host: str | None) -> list[DopemailError]:
    """Two entries with one feed id (an 'id:' kept from an older system): readers would merge
    them or drop one. Said at the 'id:' line that made it twice. (Compared as Atom writes
    them too: a kept guid becomes a urn:uuid there, which another entry may have been given
    as its 'id:', copied from atom.xml.)"""
    from .feeds import entry_atom_id

    # id -> the entry that has it, and whether as atom.xml writes it (a kept guid's urn:uuid)
    by_id: dict[str, tuple[LoadedEntry, bool]] = {}
    errors: list[DopemailError] = []
    for entry in entries:  # in file name order
        shared = entry.id
        other, in_atom = by_id.setdefault(shared, (entry, False))
        if other is entry and (atom := entry_atom_id(entry, host)) != entry.id:
            shared, in_atom = atom, True  # this one's as atom.xml writes it
            other, _ = by_id.setdefault(atom, (entry, True))
        if other is entry:
            continue
        shown = f"'{shared}'" + (" (in atom.xml)" if in_atom else "")
        hint = (
            "every entry needs an id of its own: remove 'id:' (an id is then made from the "
            "slug and the published day), or give back the id it had"
        )
        errors.append(duplicate_id(root, shown, entry, other, hint))
    return errors


def load_issue_alone(path: Path, root: Path, settings: Settings) -> LoadedIssue:
    """Load one issue and only the entries it gathers, not the whole archive.

    The sender's check that a built issue is still what its sources make: an entry is
    ``entries/<slug>.md``, or a file that declares that ``slug:`` (found from the text alone);
    the whole archive is loaded only for a slug no file has, to name the one meant.
    """
    rel = path.relative_to(root).as_posix()
    text = read_text(path, rel)
    doc, errors = split_text(text, rel)
    meta, invalid = validate(Issue, doc, rel, settings, text, errors)
    if meta is None or errors:
        raise_all(errors + invalid)
    assert meta is not None  # it failed with errors, raised above
    by_slug: dict[str, LoadedEntry] = {}
    for slug in meta.all_slugs:
        entry = _entry_for(slug, root, settings)
        if entry is None:  # no file has it: the whole archive, for "did you mean"
            problems: list[DopemailError] = []
            by_slug = {e.slug: e for e in load_entries(root, settings, problems)}
            raise_all(problems)
            break
        by_slug[slug] = entry
    return load_issue(path, root, settings, by_slug, {rel: (text, doc, meta)})


def _entry_for(slug: str, root: Path, settings: Settings) -> LoadedEntry | None:
    """The entry ``slug`` names: ``entries/<slug>.md``, or else a file declaring that slug."""
    folder = root / ENTRIES_DIR
    named = folder / f"{slug}.md"
    if named.is_file():
        candidates = [named]
    else:
        candidates = [
            folder / n for n in markdown_names(folder) if declared_slug(folder / n) == slug
        ]
    for candidate in candidates:
        entry = load_entry(candidate, root, settings)
        if entry.slug == slug:
            return entry
    return None


class _Every:
    """Every slug: entries/ gone, an issue's entries are not each said unknown."""

    def __contains__(self, slug: object) -> bool:
        return True

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


def _read_ahead(cache: BuildCache | None, settings: Settings) -> dict[str, IssueFile] | None:
    # Issue files read while the entries rendered, if with the same settings (their dates are
    # read in the publication's zone).
    if cache is None or cache.issues_read is None or cache.issues_read[0] != settings:
        return None
    return cast(dict[str, IssueFile], cache.issues_read[1])


def _settings_media(root: Path, settings: Settings) -> list[DopemailError]:
    """The publication's logo and icon, checked as an entry's pictures are."""
    errors: list[DopemailError] = []
    for name in ("logo", "icon"):
        src = getattr(settings.publication, name)
        if not src:
            continue
        if src.startswith("https://"):
            continue
        try:
            # Not measured (a warm build reads no picture), but its first bytes are read:
            # every page links to it, and the feeds give it as their picture.
            check_bytes(*local_media(src, root, setting=True))
        except ValueError as exc:
            errors.append(
                ConfigError(
                    f"publication.{name}: {exc}",
                    CONFIG_NAME,
                    config_line(root, ("publication", name)),
                    getattr(
                        exc,
                        "hint",
                        "give a file under media/ (its path from the publication's folder) "
                        "or an https:// URL",
                    ),
                )
            )
    return errors


def load_workspace(root: Path, cache: BuildCache | None = None) -> Workspace:
    """Load and validate the whole publication in ``root``; raise every problem at once."""
    root = root.resolve()
    forget_picture_stats()
    # Validated once per version of dopemail.toml: a warm build unpickles them (and imports
    # no address validator).
    if cache is not None:
        settings = cache.remember("settings", lambda: load_settings(root))
    else:
        settings = load_settings(root)
    errors: list[DopemailError] = _settings_media(root, settings) + misnamed(root)
    listed: dict[str, tuple[list[str], list[str]]] = {ENTRIES_DIR: ([], []), ISSUES_DIR: ([], [])}
    entries = load_entries(root, settings, errors, cache, listed[ENTRIES_DIR])
    gone = sources_gone(root, ENTRIES_DIR, bool(listed[ENTRIES_DIR][0]), listed[ENTRIES_DIR][1])
    errors += gone
    by_slug = {e.slug: e for e in entries}
    issues: list[LoadedIssue] = []
    read = _read_ahead(cache, settings)
    # Entry files that are there but failed to load: one typo in an entry is one problem,
    # not also an "unknown entry" in every issue that gathers it.
    # The folder itself gone (not a file in it linked to nothing): what the issues name is
    # not each said unknown.
    folder_gone = bool(gone) and not listed[ENTRIES_DIR][1]
    unloaded: Collection[str] = _Every() if folder_gone else set()
    if errors and not folder_gone:
        loaded = {e.path.rpartition("/")[2] for e in entries}
        for name in listed[ENTRIES_DIR][0]:
            if name not in loaded:
                # By the slug it declares and by its name: which one an issue gives, the
                # file's own problem comes first.
                unloaded.add(renamed(name[:-3], False)[0][:-3])
                unloaded.add(declared_slug(root / ENTRIES_DIR / name) or "")
        # And those not read (misnamed, filed in a folder, or a name that is no file, a link
        # to nothing): reported as such already.
        unloaded |= unread_slugs(root)
        unloaded |= {renamed(name[:-3], False)[0][:-3] for name in listed[ENTRIES_DIR][1]}

    # Each issue file read and validated (not resolved: the entries it gathers change without
    # it) is kept under its key: a build reads again only the files that changed, as it does
    # the entries (a thousand issues cost a third of a second to parse at each build).
    ahead: dict[str, IssueFile] = dict(read or {})

    def load_one(path: str) -> LoadedIssue:
        if cache is None or not cache.keep:
            return load_issue(Path(path), root, settings, by_slug, ahead, unloaded)
        rel = Path(path).relative_to(root).as_posix()
        # Its key by its stat when that is unchanged, and then its text as kept: an unchanged
        # file is not read again, as an unchanged entry is not.
        key, data = cache.keyed(path) if rel not in ahead else (None, None)
        kept = cache.get(_ISSUE_FILES, key) if key is not None else None
        keep = None
        if kept is not None:
            ahead[rel] = kept
            data = kept[0].encode("utf-8") if data is None else data
        else:  # read ahead by this build, or to read now
            if data is None:
                # Keyed by the bytes it is loaded from, as an entry is (read_key).
                key, data = cache.read_key(path)
            keep = partial(cache.put, _ISSUE_FILES, key)
        cache.issue_sources[rel] = key
        return load_issue(Path(path), root, settings, by_slug, ahead, unloaded, data, keep)

    issue_names, broken_issues = listed[ISSUES_DIR]
    issue_names += markdown_names(root / ISSUES_DIR, broken_issues)
    for name in issue_names:
        try:
            issue = _while_there(str(root / ISSUES_DIR / name), load_one)
        except DopemailError as exc:
            _collect(errors, exc)
            continue
        if issue is not None:
            issues.append(issue)
    errors.extend(duplicate_numbers(root, issues))
    errors.extend(duplicate_feed_ids(root, issues, settings.host))
    errors += sources_gone(root, ISSUES_DIR, bool(issue_names), broken_issues)
    raise_all(errors)
    issues.sort(key=lambda i: i.meta.number, reverse=True)
    return Workspace(root=root, settings=settings, entries=tuple(entries), issues=tuple(issues))
