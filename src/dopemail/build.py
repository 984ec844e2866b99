"""The one orchestrator: load -> render -> write. ``dopemail build`` and the preview use it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .content import RenderedEntry, render_entry
from .errors import DopemailError, QualityError, raise_all
from .feeds import ISSUES_PATH, render_feeds, render_issues_feed
from .load import load_workspace
from .models import Workspace
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


def render_workspace(workspace: Workspace) -> Build:
    """Render every output of a loaded workspace in memory (nothing touches the disk).

    Raises every template or quality error found, all at once.
    """
    settings = workspace.settings
    env = make_environment(workspace.root)
    rendered = [render_entry(env, entry) for entry in workspace.entries]
    by_slug = {r.entry.slug: r for r in rendered}
    published = [r for r in rendered if not r.entry.meta.draft]
    errors: list[DopemailError] = []
    issues: list[RenderedIssue] = []
    for issue in workspace.issues:
        try:
            issues.append(render_issue(env, issue, by_slug, settings))
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
    for item in published:
        outputs[f"{SITE_DIR}/{item.entry.slug}/index.html"] = render_entry_page(env, item, settings)
    for issue_item in issues:
        outputs.update(issue_item.outputs())
    outputs[f"{SITE_DIR}/index.html"] = render_home(
        env, settings, published, [i.issue for i in listed]
    )
    outputs.update(media_files(workspace, published))
    warnings = [w for item in issues for w in item.verdict.warnings]
    return Build(workspace, outputs, rendered, issues, warnings)


def build(root: Path, write: bool = True) -> tuple[Build, WriteReport | None]:
    """Load, render and (unless ``write`` is false) write the publication in ``root``."""
    workspace = load_workspace(root)
    result = render_workspace(workspace)
    report = write_outputs(workspace.root, result.outputs) if write else None
    return result, report
