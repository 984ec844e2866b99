"""Apply an edit to a previous build: the preview's refresh, at the cost of what changed.

A full rebuild of a large archive, even with every record in memory, still walks every entry
(keys, picture stamps, sorting, the issues' keys) on each save: 10,000 entries cost most of a
second. The preview knows from its file watcher which files were saved, so when only entry or
issue files were edited, :func:`patch_build` takes the previous :class:`~dopemail.build.Build`
and renders again just what those files reach:

- an edited entry: its content and page, the issues that gather it, the feeds when it is (or
  was) among their newest items, the media list when its pictures changed, the pages that
  list entries and issues (the home page, the archive by year, the newsletter's archive:
  all of them when an entry moved or changed its year, an issue's line changed, or the
  workspace has templates of its own; else only those showing an entry whose line changed);
- an edited issue: its email, text part and web page, the issues feed, those pages (the
  same way).

The preview asks for the feeds later (``feeds_later``): 50 full-content items made again
through feedgen cost more than the rest of a patch, and the editor is looking at the page;
:func:`make_owed` then makes them, as the patch would have.

Everything else is the previous build's objects, untouched. The renderers are the build's
own, and the tests compare every patched build byte for byte with a full build of the same
files. Whatever a patch cannot be sure of (a template, the settings, a picture, a new, deleted
or renamed file, a slug or issue number that changed, an entry becoming a draft or ceasing to
be one), and any problem in what it renders, returns ``None``: the caller runs the full
build, which finds and reports every problem as ``dopemail build`` does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import jinja2

from .build import Build, Listing, entry_record, own_templates
from .cache import forget_picture_stats
from .config import Settings
from .content import RenderedEntry
from .errors import DopemailError
from .feeds import ATOM_PATH, ISSUES_PATH, JSON_PATH, RSS_PATH, render_feeds, render_issues_feed
from .issuefiles import load_issue
from .layout import ENTRIES_DIR, ISSUES_DIR
from .load import load_entry
from .models import LoadedEntry, LoadedIssue
from .newsletter import RenderedIssue, render_issue
from .pictures import logo_size
from .site import (
    SITE_DIR,
    issue_pictures,
    listing_page,
    listing_pages,
    media_files,
    relisted_pages,
)
from .write import Output


def _sources(changed: Iterable[str]) -> tuple[list[str], list[str]] | None:
    entries, issues = [], []
    for rel in sorted(set(changed)):
        folder, _, name = rel.partition("/")
        if "/" in name or not name.endswith(".md"):
            return None
        if folder == ENTRIES_DIR:
            entries.append(rel)
        elif folder == ISSUES_DIR:
            issues.append(rel)
        else:
            return None
    return entries, issues


def _regather(issue: LoadedIssue, new: dict[str, LoadedEntry]) -> LoadedIssue:
    # The same issue, pointing at the edited entries instead of their previous versions.
    def swap(items: tuple[LoadedEntry, ...]) -> tuple[LoadedEntry, ...]:
        return tuple(new.get(e.path, e) for e in items)

    return replace(
        issue,
        entries=swap(issue.entries),
        sections=tuple((title, swap(items)) for title, items in issue.sections),
    )


def _newest(items: list[RenderedEntry], count: int) -> set[str]:
    return {r.entry.path for r in items[:count]}


_ENTRY_FEEDS = frozenset({RSS_PATH, ATOM_PATH, JSON_PATH})


def patch_build(
    previous: Build, changed: Iterable[str], env: jinja2.Environment, feeds_later: bool = False
) -> Build | None:
    """``previous`` with the edited entry and issue files in ``changed`` rendered again.

    ``changed`` holds workspace-relative paths; ``env`` is an environment made for the same
    templates as ``previous``. Returns ``None`` when the edit needs a full build, and when
    it finds a problem: the full build then reports every problem, exactly as ``dopemail
    build`` would (a broken entry also breaks the issues that gather it). ``feeds_later``:
    the feeds the edit changes are not made but named in the result's ``owed``, for
    :func:`make_owed` (the preview shows the edited page first).
    """
    sources = _sources(changed)
    if not sources or not (sources[0] or sources[1]):
        return None
    entry_paths, issue_paths = sources
    forget_picture_stats()
    workspace = previous.workspace
    root, settings = workspace.root, workspace.settings
    old_published, drafts, places = previous.lists()
    old_issues = {i.path: i for i in workspace.issues}
    if any(p not in places for p in entry_paths) or any(p not in old_issues for p in issue_paths):
        return None  # a new file (or a deleted one): the slugs and numbers change
    if not all((root / p).is_file() for p in [*entry_paths, *issue_paths]):
        return None

    loaded: dict[str, LoadedEntry] = {}
    for rel in entry_paths:
        try:
            entry = load_entry(root / rel, root, settings)
        except DopemailError:
            return None
        before = workspace.entries[places[rel][0]]
        if entry.slug != before.slug or entry.draft != before.draft:
            return None  # links, issues and the archive change: let the full build decide
        if entry.id != before.id and (
            entry.meta.id is not None or entry.id in {e.id for e in workspace.entries}
        ):
            return None  # maybe another entry's id: the full build compares them all
        loaded[rel] = entry

    records = {rel: entry_record(env, entry, settings, root) for rel, entry in loaded.items()}
    # Lists of thousands of entries are copied (in C) and the edited places overwritten: a
    # Python pass over the archive would cost more than the edit.
    rendered = list(previous.entries)
    entries = list(workspace.entries)
    published, drafts = list(old_published), list(drafts)
    for rel, record in records.items():
        index, place = places[rel]
        rendered[index] = record.rendered
        entries[index] = record.entry
        (drafts if record.entry.draft else published)[place] = record.rendered
    listing: Listing | None = (published, drafts, places)
    if any(e.sort_key != workspace.entries[places[rel][0]].sort_key for rel, e in loaded.items()):
        rendered.sort(key=lambda r: r.entry.sort_key, reverse=True)
        entries = [r.entry for r in rendered]
        published = [r for r in rendered if not r.entry.draft]
        listing = None

    # Issues: the edited files loaded again, those gathering an edited entry re-pointed.
    touched = set(loaded)
    slugs = {e.slug: e for e in entries} if issue_paths else {}
    issues: list[LoadedIssue] = []
    again: set[str] = set()
    # (Looked up: asking each of 1,000 issues for its entries cost 9 ms of a save.)
    gatherers = previous.gatherers()
    regathered = {path for rel in touched for path in gatherers.get(rel, ())}
    for issue in workspace.issues:
        if issue.path in issue_paths:
            try:
                fresh = load_issue(root / issue.path, root, settings, slugs)
            except DopemailError:
                return None
            if (fresh.meta.number, fresh.slug, fresh.meta.id) != (
                issue.meta.number,
                issue.slug,
                issue.meta.id,
            ):
                return None  # (its feed id: the build checks it against every other issue's)
            issues.append(fresh)
            again.add(issue.path)
        elif issue.path in regathered:
            issues.append(_regather(issue, loaded))
            again.add(issue.path)
        else:
            issues.append(issue)

    # What the issues rendered again show: their entries, as rendered now.
    shown: dict[str, RenderedEntry] = {}
    for issue in issues:
        if issue.path in again:
            for e in issue.all_entries:
                shown[e.slug] = (
                    records[e.path].rendered
                    if e.path in records
                    else previous.entries[places[e.path][0]]
                )
    previous_issues = {r.issue.path: r for r in previous.issues}
    rendered_issues: list[RenderedIssue] = []
    for issue in issues:
        if issue.path in again:
            try:
                item = render_issue(env, issue, shown, settings)
            except DopemailError:
                return None
            if item.verdict.errors:
                return None
            rendered_issues.append(item)
        else:
            rendered_issues.append(previous_issues[issue.path])

    new_workspace = replace(workspace, entries=tuple(entries), issues=tuple(issues))
    new: dict[str, Output] = {}  # what changes in the previous outputs
    gone: set[str] = set()
    for record in records.values():
        if record.page is not None:
            new[f"{SITE_DIR}/{record.entry.slug}/index.html"] = record.page

    items = settings.feeds.items
    owed = set(previous.owed)  # (owed by a patch whose feeds then failed: made now)
    if touched & (_newest(old_published, items) | _newest(published, items)):
        owed |= _ENTRY_FEEDS

    listed = [i for i in rendered_issues if i.issue.meta.status != "draft"]
    was_listed = [i for i in previous.issues if i.issue.meta.status != "draft"]
    if again & {i.issue.path for i in [*listed[:items], *was_listed[:items]]}:
        owed.add(ISSUES_PATH)
    if not feeds_later:
        new.update(_feeds(settings, new_workspace.root, published, listed, owed))
        owed = set()
    for item in rendered_issues:
        if item.issue.path in again:
            new.update(item.outputs())

    # The archive's years stay grouped as they were while no entry moved or changed its year.
    groups = (
        previous.year_groups()
        if listing is not None
        and all(
            e.published.year == workspace.entries[places[rel][0]].published.year
            for rel, e in loaded.items()
        )
        else None
    )
    relined = {
        places[rel][1]
        for rel, record in records.items()
        if not record.entry.draft
        and record.rendered.list_item != previous.entries[places[rel][0]].list_item
    }
    if (
        groups is None
        or [i.list_item for i in listed] != [i.list_item for i in was_listed]
        or own_templates(root)
    ):
        listings = listing_pages(env, settings, published, listed, groups)
        new.update(listings)
        gone |= {rel for rel in previous.outputs if listing_page(rel) and rel not in listings}
    elif relined:
        new.update(relisted_pages(env, settings, published, listed, groups, relined))
    if (
        any(e.pictures != workspace.entries[places[rel][0]].pictures for rel, e in loaded.items())
        # (Only an issue's file changes what it publishes: which drafts it gathers, its intro.)
        or any(
            issue_pictures(i) != issue_pictures(old_issues[i.path])
            for i in issues
            if i.path in issue_paths
        )
    ):
        media = media_files(new_workspace, published)
        gone |= set(media_files(workspace, old_published)) - set(media)
        new.update(media)

    warnings = [w for item in rendered_issues for w in item.verdict.warnings]
    outputs = dict(previous.outputs)
    outputs.update(new)
    for path in gone:
        del outputs[path]
    return Build(
        new_workspace,
        outputs,
        rendered,
        rendered_issues,
        warnings,
        listing=listing,
        groups=groups,
        # An issue file edited may gather other entries now.
        gathered=None if issue_paths else previous.gathered,
        touched=frozenset(new) | gone,
        owed=frozenset(owed),
    )


def make_owed(build: Build) -> Build:
    """``build`` (from :func:`patch_build` with ``feeds_later``) with the feeds it owes made:
    the same outputs as a patch that made them at once."""
    if not build.owed:
        return build
    listed = [i for i in build.issues if i.issue.meta.status != "draft"]
    workspace = build.workspace
    new = _feeds(workspace.settings, workspace.root, build.lists()[0], listed, build.owed)
    outputs = dict(build.outputs)
    outputs.update(new)
    return replace(build, outputs=outputs, touched=frozenset(new), owed=frozenset())


def _feeds(
    settings: Settings,
    root: Path,
    published: list[RenderedEntry],
    listed: list[RenderedIssue],
    paths: Iterable[str],
) -> dict[str, Output]:
    """The feeds among ``paths``, made from the published entries and listed issues."""
    paths = set(paths)
    made: dict[str, Output] = {}
    if paths & _ENTRY_FEEDS:
        newest = published[: settings.feeds.items]
        made.update(render_feeds(settings, newest, logo_size(settings, root)))
    if ISSUES_PATH in paths:
        made[ISSUES_PATH] = render_issues_feed(settings, listed)
    return made
