"""The one orchestrator: load -> render -> write. ``dopemail build`` and the preview use it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .content import RenderedEntry, render_entry
from .feeds import render_feeds
from .load import load_workspace
from .models import Workspace
from .site import SITE_DIR, media_files, render_entry_page, render_home
from .templates import make_environment
from .write import Output, WriteReport, write_outputs


@dataclass
class Build:
    """A complete build held in memory: every output path and its content."""

    workspace: Workspace
    outputs: dict[str, Output]
    entries: list[RenderedEntry]


def render_workspace(workspace: Workspace) -> Build:
    """Render every output of a loaded workspace in memory (nothing touches the disk)."""
    settings = workspace.settings
    env = make_environment(workspace.root)
    rendered = [render_entry(env, entry) for entry in workspace.entries]
    published = [r for r in rendered if not r.entry.meta.draft]
    outputs: dict[str, Output] = {}
    outputs.update(render_feeds(settings, published))
    for item in published:
        outputs[f"{SITE_DIR}/{item.entry.slug}/index.html"] = render_entry_page(env, item, settings)
    outputs[f"{SITE_DIR}/index.html"] = render_home(env, settings, published, workspace.issues)
    outputs.update(media_files(workspace, published))
    return Build(workspace, outputs, rendered)


def build(root: Path, write: bool = True) -> tuple[Build, WriteReport | None]:
    """Load, render and (unless ``write`` is false) write the publication in ``root``."""
    workspace = load_workspace(root)
    result = render_workspace(workspace)
    report = write_outputs(workspace.root, result.outputs) if write else None
    return result, report
