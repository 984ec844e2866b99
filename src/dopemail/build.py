"""The one orchestrator: load -> render -> write. ``dopemail build`` and the preview use it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from .cache import BuildCache, EntryRecord, media_stamp
from .config import Settings
from .content import RenderedEntry, render_entry
from .errors import DopemailError, QualityError, raise_all
from .feeds import ISSUES_PATH, render_feeds, render_issues_feed
from .load import load_workspace
from .models import LoadedIssue, Workspace
from .newsletter import RenderedIssue, render_issue
from .site import SITE_DIR, media_files, render_entry_page, render_home
from .templates import make_environment
from .write import Output, WriteReport, write_outputs


@dataclass
class Build:
    """A complete build held in memory: every output path and its content."""

    workspace: Workspace
    outputs: dict[str, Output]
    entries: list[RenderedEntry]
    issues: list[RenderedIssue] = field(default_factory=list)
    warnings: list[QualityError] = field(default_factory=list)


def _render_entries(
    env: jinja2.Environment, workspace: Workspace, cache: BuildCache | None
) -> tuple[list[RenderedEntry], dict[str, bytes]]:
    """Each entry's content and (when published) page, from the cache where it is current."""
    settings = workspace.settings
    rendered: list[RenderedEntry] = []
    pages: dict[str, bytes] = {}
    for entry in workspace.entries:
        key, record = cache.records.get(Path(entry.path).name, ("", None)) if cache else ("", None)
        if record is None or record.rendered is None:
            item = render_entry(env, entry)
            page = None if entry.meta.draft else render_entry_page(env, item, settings)
            if cache is not None and key:
                stamp = media_stamp([workspace.root / m.source for m in entry.images if m.source])
                cache.put("entries", key, EntryRecord(entry, stamp, item, page))
        else:
            item, page = record.rendered, record.page
        rendered.append(item)
        if page is not None:
            pages[f"{SITE_DIR}/{entry.slug}/index.html"] = page
    return rendered, pages


def _render_issue(
    env: jinja2.Environment,
    issue: LoadedIssue,
    by_slug: dict[str, RenderedEntry],
    settings: Settings,
    cache: BuildCache | None,
) -> RenderedIssue:
    if cache is None:
        return render_issue(env, issue, by_slug, settings)
    # An issue depends on its own file and on the entries it gathers.
    parts = [(cache.root / issue.path).read_bytes()]
    for slug in issue.meta.all_slugs:
        entry = by_slug[slug].entry
        parts.append(cache.records.get(Path(entry.path).name, (entry.path, None))[0])
    key = cache.key("issue", *parts)
    found = cache.get("issues", key)
    if isinstance(found, RenderedIssue):
        return found
    result = render_issue(env, issue, by_slug, settings)
    cache.put("issues", key, result)
    return result


def render_workspace(workspace: Workspace, cache: BuildCache | None = None) -> Build:
    """Render every output of a loaded workspace in memory (nothing touches the disk).

    With a ``cache`` (the one :func:`load_workspace` was given), entries and issues whose
    inputs did not change are taken from it. Raises every template or quality error found,
    all at once.
    """
    settings = workspace.settings
    env = make_environment(workspace.root)
    if cache is not None:
        env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(_jinja_folder(cache)))
    rendered, pages = _render_entries(env, workspace, cache)
    by_slug = {r.entry.slug: r for r in rendered}
    published = [r for r in rendered if not r.entry.meta.draft]
    errors: list[DopemailError] = []
    issues: list[RenderedIssue] = []
    for issue in workspace.issues:
        try:
            issues.append(_render_issue(env, issue, by_slug, settings, cache))
        except DopemailError as exc:
            errors.extend(getattr(exc, "errors", [exc]))
    for item in issues:
        errors.extend(item.verdict.errors)
    # A broken shared template fails every issue the same way: say it once.
    unique = {(e.path, e.line, e.message): e for e in errors}
    raise_all(list(unique.values()))

    # Drafts are built (to preview and test-send them) but not listed in the archive or feed.
    listed = [i for i in issues if i.issue.meta.status != "draft"]
    outputs: dict[str, Output] = {}
    outputs.update(render_feeds(settings, published))
    outputs[ISSUES_PATH] = render_issues_feed(settings, listed)
    outputs.update(pages)
    for issue_item in issues:
        outputs.update(issue_item.outputs())
    outputs[f"{SITE_DIR}/index.html"] = render_home(
        env, settings, published, [i.issue for i in listed]
    )
    outputs.update(media_files(workspace, published))
    warnings = [w for item in issues for w in item.verdict.warnings]
    return Build(workspace, outputs, rendered, issues, warnings)


def _jinja_folder(cache: BuildCache) -> Path:
    folder = cache.folder / "jinja"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def build(
    root: Path, write: bool = True, use_cache: bool = True
) -> tuple[Build, WriteReport | None]:
    """Load, render and (unless ``write`` is false) write the publication in ``root``.

    The cache in ``.dopemail/cache/`` makes a build cost what changed; ``use_cache=False``
    renders everything from scratch (the outputs are the same bytes either way).
    """
    root = root.resolve()
    cache = BuildCache(root) if use_cache else None
    workspace = load_workspace(root, cache)
    result = render_workspace(workspace, cache)
    report = write_outputs(workspace.root, result.outputs) if write else None
    if cache is not None and write:
        cache.used.update(_jinja_folder(cache).iterdir())
        cache.prune()
    return result, report
