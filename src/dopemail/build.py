"""The one orchestrator: load -> render -> write. ``dopemail build`` and the preview use it."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TypeVar, cast

import jinja2

from . import parallel
from .cache import (
    BuildCache,
    EntryRecord,
    IssueRecord,
    Memory,
    StaleRecord,
    encode,
    forget_picture_stats,
    handed_pictures,
    learn_pictures,
    media_stamp,
    render_again_with,
    template_files,
)
from .config import Settings, config_not_a_file, load_settings
from .content import RenderedEntry, render_entry
from .errors import DopemailError, QualityError, failed_rendering, not_recorded, raise_all
from .feeds import ISSUES_PATH, render_feeds, render_issues_feed
from .filenames import markdown_names
from .issuefiles import read_issues
from .layout import ENTRIES_DIR
from .load import load_entry, load_workspace
from .models import LoadedEntry, LoadedIssue, Workspace
from .newsletter import RenderedIssue, render_issue
from .pictures import logo_size, logo_stamp
from .site import (
    SITE_DIR,
    listing_pages,
    media_files,
    picture_sources,
    render_entry_page,
    year_groups,
)
from .templates import TEMPLATES_DIR, check_blocks, compile_all, make_environment
from .write import (
    EarlyFolders,
    Output,
    Staging,
    StoppedAfterWrite,
    WriteReport,
    build_lock,
    prepare,
)

T = TypeVar("T")
Listing = tuple[list[RenderedEntry], list[RenderedEntry], dict[str, tuple[int, int]]]


@dataclass
class Build:
    """A complete build held in memory: every output path and its content."""

    workspace: Workspace
    outputs: dict[str, Output]
    entries: list[RenderedEntry]
    issues: list[RenderedIssue] = field(default_factory=list)
    warnings: list[QualityError] = field(default_factory=list)
    # (published, drafts, path -> (index in entries, index in its list)), made on first use:
    # a patched build shares it with the build it patched while the order stays the same.
    listing: Listing | None = field(default=None, repr=False, compare=False)
    # site.year_groups of the published entries, made on first use and shared as listing is
    # (when no entry changed its year either).
    groups: dict[int, list[int]] | None = field(default=None, repr=False, compare=False)
    # A patched build: the outputs it set or removed (all others are the previous objects).
    touched: frozenset[str] | None = field(default=None, repr=False, compare=False)
    # Each entry's path -> the paths of the issues that gather it, made on first use and
    # shared as listing is (while no issue file changed).
    gathered: dict[str, set[str]] | None = field(default=None, repr=False, compare=False)
    # A patched build whose feeds were left for later: the feeds it still holds as they were
    # before the edit (see dopemail.patch.make_owed).
    owed: frozenset[str] = field(default=frozenset(), repr=False, compare=False)
    # The dopemail the last build was made with, as its cache says it (see
    # cache.BuildCache.last_code): what changed a sent issue may be an upgrade's doing.
    code_before: str | None = field(default=None, repr=False, compare=False)

    def lists(self) -> Listing:
        """The published entries and the drafts, newest first, and each entry's places."""
        if self.listing is None:
            published: list[RenderedEntry] = []
            drafts: list[RenderedEntry] = []
            places: dict[str, tuple[int, int]] = {}
            for index, item in enumerate(self.entries):
                into = drafts if item.entry.draft else published
                places[item.entry.path] = (index, len(into))
                into.append(item)
            self.listing = (published, drafts, places)
        return self.listing

    def gatherers(self) -> dict[str, set[str]]:
        """Each entry's path and the paths of the issues that gather it (only those gathered)."""
        if self.gathered is None:
            gathered: dict[str, set[str]] = {}
            for issue in self.workspace.issues:
                for entry in issue.all_entries:
                    gathered.setdefault(entry.path, set()).add(issue.path)
            self.gathered = gathered
        return self.gathered

    def year_groups(self) -> dict[int, list[int]]:
        """The archive's years and the places of their entries among the published ones."""
        if self.groups is None:
            self.groups = year_groups(self.lists()[0])
        return self.groups


def warnings_of(result: Build, ahead: list[DopemailError] | None = None) -> list[DopemailError]:
    """What ``build`` and ``check`` (and the preview's index) warn of in a publication that
    built: a language dopemail has no words for, templates no longer used or that show
    screenings and events without their statuses, settings the
    sender would refuse, entries and issues dated later than now, showtimes outside their
    run, issues gathering screenings all over by their date, dated before an earlier issue
    or leading with an entry a sent issue led with, the issues' quality warnings,
    dead links and links written wrong. (``ahead``: those of dates ahead of now, when the
    caller has them already.)"""
    from .filenames import filed_apart
    from .links import broken_links_in, dead_links_in
    from .notices import (
        dated_before_an_earlier_issue,
        entry_notes,
        gathered_again,
        over_by_the_issue,
        postal_address_without_number,
        published_ahead,
        unsendable,
        untranslated_language,
    )
    from .templates import status_blind_templates, unused_templates

    return [
        *untranslated_language(result.workspace),
        *unused_templates(result.workspace.root),
        *status_blind_templates(result.workspace.root, result.workspace.entries),
        *unsendable(result.workspace),
        *postal_address_without_number(result.workspace),
        *(published_ahead(result.workspace) if ahead is None else ahead),
        *entry_notes(result.workspace),
        *over_by_the_issue(result.workspace),
        *dated_before_an_earlier_issue(result.workspace),
        *gathered_again(result.workspace),
        *filed_apart(result.workspace.root),
        *result.warnings,
        *dead_links_in(result),
        *broken_links_in(result),
    ]


def entry_record(
    env: jinja2.Environment, entry: LoadedEntry, settings: Settings, root: Path
) -> EntryRecord:
    """One entry rendered: its content, its page (unless a draft), its pictures' stamp."""
    try:
        item = render_entry(env, entry)
        page = None if entry.draft else render_entry_page(env, item, settings)
    except DopemailError as exc:
        raise failed_rendering(exc, entry.path) from None
    stamp = media_stamp(root, entry.pictures)
    return EntryRecord(entry, stamp, item, page)


def _render_entries(
    env: jinja2.Environment, workspace: Workspace, cache: BuildCache | None
) -> tuple[list[RenderedEntry], dict[str, bytes]]:
    """Each entry's content and (when published) page, from the cache where it is current."""
    rendered: list[RenderedEntry] = []
    pages: dict[str, bytes] = {}
    for entry in workspace.entries:
        name = entry.path.rpartition("/")[2]
        key, record = cache.records.get(name, ("", None)) if cache else ("", None)
        if record is None or record.rendered is None:
            record = entry_record(env, entry, workspace.settings, workspace.root)
            if cache is not None and key:
                cache.put("entries", key, record)
                cache.records[name] = (key, record)
        rendered.append(record.rendered)
        if record.digest is not None:
            pages[f"{SITE_DIR}/{entry.slug}/index.html"] = record.page_output()
    return rendered, pages


def _entry_again(env: jinja2.Environment, workspace: Workspace, rel: str) -> EntryRecord:
    """An entry rendered again from its file (its record's body found damaged)."""
    root, settings = workspace.root, workspace.settings
    return entry_record(env, load_entry(root / rel, root, settings), settings, root)


def _issue_again(
    env: jinja2.Environment,
    by_slug: dict[str, RenderedEntry],
    settings: Settings,
    issue: LoadedIssue,
) -> RenderedIssue:
    """An issue rendered again (its record's body found damaged)."""
    return render_issue(env, issue, by_slug, settings)


def _issue_key(cache: BuildCache, issue: LoadedIssue, by_slug: dict[str, RenderedEntry]) -> str:
    # An issue depends on its own file and on the entries it gathers (made once a build: the
    # workers, the sequential pass and the issues feed all ask).
    key = cache.issue_keys.get(issue.path)
    if key is None:
        if cache.keep:
            parts = [_issue_source(cache, issue)]
            for slug in issue.meta.all_slugs:
                parts.append(_mark(cache, by_slug[slug].entry))
            if issue.body_pictures:  # their sizes are in its intro: a picture replaced
                shown = [p.source for p in issue.body_pictures]
                parts.append(repr(media_stamp(cache.root, shown)))
        else:
            # A throwaway cache (--no-cache) keeps nothing past this build, where the issue's
            # file names its record well enough: nothing to read and hash for it.
            parts = [issue.path]
        key = cache.issue_keys[issue.path] = cache.key("issue", *parts)
    return key


def _render_issue(
    env: jinja2.Environment,
    issue: LoadedIssue,
    by_slug: dict[str, RenderedEntry],
    settings: Settings,
    cache: BuildCache | None,
) -> RenderedIssue:
    if cache is None:
        return render_issue(env, issue, by_slug, settings)
    key = _issue_key(cache, issue, by_slug)
    # Only the rendering is stored (IssueRecord): the issue itself was just loaded, and
    # unpickling its models again for every issue of a large archive would cost more.
    found = cache.get("issues", key)
    if isinstance(found, IssueRecord):
        item = found.rendered(issue)
        if cache.memory is None:
            return item
        # In a long-running process, the same outputs as last time: encoding a large
        # archive's emails again (and the preview hashing them to see what changed) would
        # cost more than the edit.
        files = cache.memory.derived.get(key)
        if files is None:  # made once, and kept: later calls give the very same objects
            files = item.outputs()
        cache.memory.derived[key] = files
        cache.derived_used.add(key)
        item.__dict__["files"] = files  # (frozen: set as its constructor would)
        return item
    result = render_issue(env, issue, by_slug, settings)
    cache.put("issues", key, IssueRecord.of(result))
    return result


# Forked workers (see parallel.py): each renders its share and sends the records back pickled
# (this process puts its own share in the cache directly); a file that fails is skipped here
# and reported by the sequential pass that follows.


def _entries_job(names: Sequence[tuple[str, str]]) -> Iterator[tuple[object, ...]]:
    state = parallel.shared()
    root, settings, cache = state["root"], state["settings"], state["cache"]
    for name, key in names:
        path = root / ENTRIES_DIR / name
        current, data = cache.read_key(path)
        if key and current != key:
            continue  # edited since the parent keyed it: the sequential pass sees the new bytes
        try:
            entry = load_entry(path, root, settings, data=data)
            record = entry_record(state["env"], entry, settings, root)
        except DopemailError:
            continue
        if state["prepare"] and record.page is not None:
            prepare(root, {f"{SITE_DIR}/{entry.slug}/index.html": record.page})
        yield from _hand_over(cache, "entries", current, record, str(path))


def _issues_job(indexes: Sequence[int]) -> Iterator[tuple[object, ...]]:
    state = parallel.shared()
    workspace, cache = state["workspace"], state["cache"]
    for index in indexes:
        issue = workspace.issues[index]
        try:
            result = render_issue(state["env"], issue, state["by_slug"], workspace.settings)
        except DopemailError:
            continue
        staging = state["ahead"] is not None and not parallel.in_worker()
        if state["prepare"] and not staging:
            prepare(workspace.root, result.outputs())
        yield from _hand_over(cache, "issues", state["keys"][index], IssueRecord.of(result))
        if staging:  # its record is in the cache now
            by_slug, ahead = state["by_slug"], state["ahead"]
            _stage_issue(state["env"], issue, by_slug, workspace.settings, cache, ahead)


def _stage_issue(
    env: jinja2.Environment,
    issue: LoadedIssue,
    by_slug: dict[str, RenderedEntry],
    settings: Settings,
    cache: BuildCache,
    ahead: Callable[[Mapping[str, Output]], None],
) -> None:
    # Staged as soon as this process has the issue's record, while the workers render the
    # rest. _render_issue takes it from the cache and keeps its files in the memory, where
    # the sequential pass finds these very bytes again: the write then finds them staged
    # instead of hashing and linking them after the last issue.
    ahead(_render_issue(env, issue, by_slug, settings, cache).outputs())


def _hand_over(
    cache: BuildCache, kind: str, key: str, record: object, source: str | None = None
) -> Iterator[tuple[object, ...]]:
    # A worker sends its records back pickled (see _receive); this process keeps its own.
    # With a record, what the worker learnt of its source file's key (``source``), so that
    # the sequential pass does not read and hash the file again.
    if parallel.in_worker():
        known = cache.known_file_key(source) if source is not None else None
        # And the pictures' keys hashed here: this process need not read them again.
        yield key, encode(record), source, known, handed_pictures()
    else:
        cache.put(kind, key, record)


def _receive(cache: BuildCache, kind: str) -> Callable[[tuple[Any, ...]], None]:
    def store(result: tuple[Any, ...]) -> None:
        key, data, source, known, pictures = result
        cache.put_encoded(kind, key, data)
        if known is not None:
            cache.learn_file_key(source, known)
        learn_pictures(pictures)

    return store


def _prerender_entries(
    root: Path, cache: BuildCache, jobs: int, write: bool
) -> jinja2.Environment | None:
    """Render the entries missing from the cache on every core; the environment it made."""
    forget_picture_stats()
    names = markdown_names(root / ENTRIES_DIR)
    if cache.holds_none("entries"):
        # A first build or --no-cache: every entry is missing. Each process keys the files it
        # renders, instead of this one reading and hashing them all before any work begins.
        missing = [(name, "") for name in names]
    else:
        missing = []
        folder = f"{root / ENTRIES_DIR}{os.sep}"  # strings: joined as Paths, 70 ms at 10,000
        for name in names:
            key = cache.file_key(folder + name)
            if not cache.has("entries", key):
                missing.append((name, key))
    if len(missing) < parallel.MIN_ITEMS:
        return None  # not worth loading the settings for
    try:
        settings = load_settings(root)
    except DopemailError:
        return None  # the sequential pass reports it
    env = _environment(root, cache, settings.publication.language)
    state = {"root": root, "settings": settings, "cache": cache, "env": env, "prepare": write}
    parallel.run_forked(
        _entries_job,
        missing,
        jobs,
        state,
        _receive(cache, "entries"),
        lambda: _ready(env, root, settings, cache),
    )
    return env


def _ready(env: jinja2.Environment, root: Path, settings: Settings, cache: BuildCache) -> None:
    # What rendering issues imports and compiles, done while the worker renders entries (it
    # takes more of them meanwhile): the issues' workers, forked from this process with the
    # same environment, inherit it instead of each doing it again. The issue files are read
    # and validated now too, rather than between the entries and the issues.
    cache.issues_read = (settings, read_issues(root, settings))
    import css_inline  # noqa: F401
    import lxml.html  # noqa: F401
    import mjml  # noqa: F401

    from . import markdown

    markdown.text_parser()
    compile_all(env)


def _prerender_issues(
    env: jinja2.Environment,
    workspace: Workspace,
    by_slug: dict[str, RenderedEntry],
    cache: BuildCache,
    jobs: int,
    write: bool,
    meanwhile: Callable[[], None],
    ahead: Callable[[Mapping[str, Output]], None] | None,
) -> None:
    keys = [_issue_key(cache, issue, by_slug) for issue in workspace.issues]
    missing = [i for i, key in enumerate(keys) if not cache.has("issues", key)]
    state = {"env": env, "workspace": workspace, "by_slug": by_slug, "cache": cache, "keys": keys}
    state.update(prepare=write, ahead=ahead)
    store = _receive(cache, "issues")
    issue_of = {key: workspace.issues[i] for i, key in enumerate(keys)}

    def receive(result: tuple[Any, ...]) -> None:
        store(result)
        if ahead is not None:
            issue = issue_of[result[0]]
            _stage_issue(env, issue, by_slug, workspace.settings, cache, ahead)

    parallel.run_forked(_issues_job, missing, jobs, state, receive, meanwhile)


def _environment(root: Path, cache: BuildCache | None, language: str) -> jinja2.Environment:
    code = _jinja_folder(cache) if cache and cache.keep else None
    return make_environment(
        root, code=code, language=language, keep_code=cache is None or cache.writes
    )


def render_workspace(
    workspace: Workspace,
    cache: BuildCache | None = None,
    jobs: int = 1,
    write_ahead: bool = False,
    env: jinja2.Environment | None = None,
    ahead: Callable[[Mapping[str, Output]], None] | None = None,
) -> Build:
    """Render every output of a loaded workspace in memory (only cache records are written).

    With a ``cache`` (the one :func:`load_workspace` was given), entries and issues whose
    inputs did not change are taken from it, and ``jobs`` worker processes render the missing
    issues into it first (``write_ahead``: and make their folders and kept bytes, for a build
    that writes; see :func:`dopemail.write.prepare`). ``env``: the environment to render with
    (one is made). ``ahead`` is given the outputs that depend on no issue (the entries' pages
    and feeds, the media) as soon as they are made, while the workers render the issues, and
    then each issue's files as soon as this process has them: a build stages them for its
    write. Raises every template or quality error found, all at once.
    """
    settings = workspace.settings
    env = env or _environment(workspace.root, cache, settings.publication.language)
    if own_templates(workspace.root):
        check_blocks(env)  # (dopemail's own fill each other's blocks as they should)
        from .scaffold import check_scaffolds

        check_scaffolds(workspace.root, settings.publication.language)
    rendered, pages = _render_entries(env, workspace, cache)
    by_slug = {r.entry.slug: r for r in rendered}
    render_again_with(
        partial(_entry_again, env, workspace),
        partial(_issue_again, env, by_slug, settings),
        remove=cache is not None and cache.writes,
    )
    published = [r for r in rendered if not r.entry.draft]
    newest = published[: settings.feeds.items]

    # The feeds of entries and the media depend on no issue: made while the workers render
    # issues when there are some (and raised, if they fail, where they always were).
    side: dict[str, dict[str, Output]] = {}
    failed: list[Exception] = []

    def entries_side() -> None:
        if side or failed:
            return
        try:
            side["feeds"] = _memo(
                cache,
                "feeds",
                # And the logo's bytes: RSS gives its size (a warm build measures nothing).
                lambda: [*_keys(cache, newest), repr(logo_stamp(settings, workspace.root))],
                lambda: render_feeds(settings, newest, logo_size(settings, workspace.root)),
            )
            # Kept as the files' places in the workspace: a workspace moved keeps its cache.
            places = _memo(
                cache,
                "media files",
                lambda: picture_sources(workspace, published),
                lambda: {
                    out: source.relative_to(workspace.root).as_posix()
                    for out, source in media_files(workspace, published).items()
                },
            )
            side["media"] = {out: workspace.root / place for out, place in places.items()}
            if ahead is not None:
                ahead({**pages, **side["feeds"], **side["media"]})
        except Exception as exc:  # noqa: BLE001 - raised below, after the issues' errors
            failed.append(exc)

    if cache is not None and jobs > 1:
        _prerender_issues(env, workspace, by_slug, cache, jobs, write_ahead, entries_side, ahead)
    errors: list[DopemailError] = []
    issues: list[RenderedIssue] = []
    for issue in workspace.issues:
        try:
            issues.append(_render_issue(env, issue, by_slug, settings, cache))
        except DopemailError as exc:
            errors.extend(getattr(failed_rendering(exc, issue.path), "errors", [exc]))
    for item in issues:
        errors.extend(item.verdict.errors)
    for error in errors:
        if isinstance(error, StaleRecord):
            raise error  # the build is made again (see build): not one of the problems
    # A broken shared template fails every issue the same way: say it once.
    unique = {(e.path, e.line, e.message): e for e in errors}
    raise_all(list(unique.values()))

    entries_side()
    if failed:
        raise failed[0]
    # Drafts are built (to preview and test-send them) but not listed in the archive or feed.
    listed = [i for i in issues if i.issue.meta.status != "draft"]
    outputs: dict[str, Output] = {}
    outputs.update(side["feeds"])
    # An issue's item shows its file's fields and its entries: what its own record is keyed by.
    newest_issues = listed[: settings.feeds.items]
    outputs[ISSUES_PATH] = _memo(
        cache,
        "issues-feed",
        lambda: [_issue_key(cache, i.issue, by_slug) for i in newest_issues],
        lambda: render_issues_feed(settings, listed),
    )
    outputs.update(pages)
    for issue_item in issues:
        outputs.update(issue_item.outputs())
    outputs.update(
        _memo(
            cache,
            "listings",
            lambda: _listed(cache, published, listed),
            lambda: listing_pages(env, settings, published, listed),
        )
    )
    outputs.update(side["media"])
    warnings = [w for item in issues for w in item.verdict.warnings]
    return Build(workspace, outputs, rendered, issues, warnings)


def _mark(cache: BuildCache, entry: LoadedEntry) -> str:
    """What an entry's rendering depends on: its file's key and its pictures' stamp."""
    name = entry.path.rpartition("/")[2]
    mark = cache.marks.get(name)
    if mark is None:
        key, record = cache.records.get(name, (entry.path, None))
        mark = f"{key} {record.stamp!r}" if record is not None else key
        cache.marks[name] = mark
    return mark


def own_templates(root: Path) -> bool:
    """Whether the workspace has templates of its own. The default pages that list the
    archive show each entry's and issue's list line and nothing else of them, so an edit
    that changes no line leaves them as they were; a template of the workspace's own may
    show any field. (Only its .j2 files are templates: the folder's README, or an editor's
    notes, is not one.)"""
    return bool(template_files(root / TEMPLATES_DIR))


def _listed(
    cache: BuildCache, published: Sequence[RenderedEntry], listed: Sequence[RenderedIssue]
) -> list[str]:
    """What the pages that list the archive show of its entries and issues: with the default
    templates, each one's list line, and the year it is filed under (as the preview's patch
    knows them: an edit that changes no line, most of them, leaves the pages as they were,
    where rendering them again cost 120 ms of a build at 10,000 entries); with templates of
    the workspace's own, which may show any field, everything each one is made of."""
    if own_templates(cache.root):
        return [*_keys(cache, published), *_issue_files(cache, listed)]
    return [
        *(f"{item.entry.published.year} {item.list_item}" for item in published),
        *(item.list_item for item in listed),
    ]


def _issue_source(cache: BuildCache, issue: LoadedIssue) -> str:
    # The key of the issue's file as it was read: taken before the read (load_workspace), so
    # that a file saved meanwhile does not name what was rendered from its old text.
    return cache.issue_sources.get(issue.path) or cache.file_key(cache.root / issue.path)


def _issue_files(cache: BuildCache, issues: Sequence[RenderedIssue]) -> list[str]:
    # Whatever a page shows of an issue (a template may show any field) comes from its file.
    return [_issue_source(cache, i.issue) for i in issues]


def _keys(cache: BuildCache, items: Sequence[RenderedEntry]) -> list[str]:
    return [_mark(cache, i.entry) for i in items]


def _memo(
    cache: BuildCache | None,
    name: str,
    parts: Callable[[], Sequence[str]],
    make: Callable[[], T],
) -> T:
    """``make()``, or what it made last time from the same inputs.

    The pages that list the whole archive (the home page, the feeds) cost what the archive
    costs; after an edit that does not touch them they are taken from the cache. ``parts()``
    are the keys of everything they show: made only for a cache that keeps what it is given
    (a throwaway one, for --no-cache, would never find it again).
    """
    if cache is None or not cache.keep:
        return make()
    key = cache.key(name, *parts())
    found = cache.get("pages", key)
    if found is not None:
        return cast(T, found)
    value = make()
    cache.put("pages", key, value, disk=cache.keep_pages)
    return value


def _jinja_folder(cache: BuildCache) -> Path:
    assert cache.keep, "a throwaway cache has no folder of its own"
    folder = cache.folder / "jinja"
    if cache.writes:
        folder.mkdir(parents=True, exist_ok=True)
    return folder


def build(
    root: Path,
    write: bool = True,
    use_cache: bool = True,
    jobs: int = 1,
    early: EarlyFolders | None = None,
    waiting: Callable[[int | None], None] | None = None,
    stats: Mapping[str, os.stat_result] | None = None,
    then: Callable[[Build, WriteReport | None], None] | None = None,
) -> tuple[Build, WriteReport | None]:
    """Load, render and (unless ``write`` is false) write the publication in ``root``.

    The cache in ``.dopemail/cache/`` makes a build cost what changed; ``use_cache=False``
    renders everything from scratch (the outputs are the same bytes either way). With
    ``jobs`` > 1, what is not cached is rendered by that many worker processes. ``early``:
    the last build's folders, already being made (the CLI starts that before its imports).
    A build that writes waits for another one writing in ``root`` to finish (``waiting`` is
    told first, with its process id if known). ``stats``: the sources' stats, by path, as
    taken before the build (the CLI's :class:`~dopemail.fingerprint.Stamp`), for the cache
    to key them by. ``then``: called with the build and its write's report before the
    build lets another one write: the CLI says there what it changed, then calls
    :func:`~dopemail.write.warnings_said` (until then the journal keeps what it replaced,
    for the next build to say if this one is stopped; see
    :meth:`~dopemail.write.Staging.commit`). An OSError once every output is in place (a
    record of dopemail's own not saved, on a full disk) is raised after ``then``, as the
    :class:`~dopemail.errors.DopemailError` :func:`~dopemail.errors.not_recorded` makes.
    """
    root = root.resolve()
    odd = config_not_a_file(root)
    if odd is not None:  # before the cache reads it as one of its keys ('Is a directory')
        raise odd
    with build_lock(root, waiting) if write else contextlib.nullcontext():
        try:
            result, report, unsaved = _build(
                root, write, use_cache, jobs, early, stats, then is not None
            )
        except StaleRecord:
            # A cached entry's file was edited or deleted while the build read it, and its
            # record's body was needed (and gone): that record is removed, and the build
            # made again from the files as they are now.
            result, report, unsaved = _build(
                root, write, use_cache, jobs, None, owed=then is not None
            )
        if then is not None:
            then(result, report)
        if unsaved is not None:
            # Every output is in place, and ``then`` has said what the build changed: a record
            # of dopemail's own (the sources' keys, the manifest) is what a full disk refused.
            said = "this build's warnings are above" if then is not None else None
            raise not_recorded(unsaved, said) from unsaved
        return result, report


def _build(
    root: Path,
    write: bool,
    use_cache: bool,
    jobs: int,
    early: EarlyFolders | None,
    stats: Mapping[str, os.stat_result] | None = None,
    owed: bool = False,
) -> tuple[Build, WriteReport | None, OSError | None]:
    # The build, its write's report, and what failed once every output was in place (a
    # record not saved), which the caller raises after saying what the build changed.
    # Begun before any worker makes a blob (see Staging).
    staging = Staging(root, ahead=True) if write else None
    if write and early is None:
        early = EarlyFolders(root)
    try:
        with _cache_for(root, use_cache, jobs, write, stats) as cache:
            env = None
            if cache is not None and jobs > 1:
                env = _prerender_entries(root, cache, jobs, write)
            workspace = load_workspace(root, cache)
            result = render_workspace(
                workspace, cache, jobs, write, env, staging.stage if staging else None
            )
            if cache is not None:
                result.code_before = cache.last_code  # (before this build records its own)
            report = staging.commit(result.outputs, early, owed) if staging else None
            unsaved = staging.unsaved if staging else None
            if cache is not None and write and use_cache:
                cache.used.update(str(p) for p in _jinja_folder(cache).glob("*.code"))
                try:
                    cache.save_file_keys()
                    cache.prune()
                except OSError as exc:
                    # Only what spares the next build work: the outputs are in place.
                    unsaved = unsaved or exc
    except BaseException as exc:
        if staging is not None:
            staging.abort()  # what was staged ahead, before the empty folders go
        if early is not None:
            early.wait()
            early.new_folders.remove_empty()  # a failed build leaves no empty folders behind
        if isinstance(exc, KeyboardInterrupt) and staging is not None and staging.renamed:
            # Every output is this build's (see Staging.commit): the editor is told so.
            raise StoppedAfterWrite from exc
        if isinstance(exc, OSError) and staging is not None and staging.renamed:
            # Not "what was built before is intact": the outputs are this build's, or some
            # of them (a rename refused partway). What it replaced is in the journal, for
            # the next build to say.
            said = "the next build gives this build's warnings" if owed else None
            raise not_recorded(exc, said, partly=not staging.all_renamed) from exc
        raise
    finally:
        if early is not None:
            early.wait()  # the child is reaped, never left behind
    return result, report, unsaved


@contextmanager
def _cache_for(
    root: Path,
    use_cache: bool,
    jobs: int,
    write: bool,
    stats: Mapping[str, os.stat_result] | None = None,
) -> Iterator[BuildCache | None]:
    # In memory too: what this process renders or reads once is not read back from a file.
    # A build that writes no outputs (check) writes no record either: it may run on a
    # read-only checkout.
    if use_cache:
        yield BuildCache(root, memory=Memory(), writes=write, stats=stats)
    elif jobs > 1:
        # From scratch, on several cores: what the workers send back is gathered in a cache
        # that lives in memory only, for this build.
        yield BuildCache(root, memory=Memory(), keep=False)
    else:
        yield None
