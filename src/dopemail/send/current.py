"""Is a built issue still what its sources make? Checked before every send.

The sender mails what ``dopemail build`` wrote, so an issue edited after its last build (a
typo fixed in an entry it gathers, a new subject, a changed template) would reach the list in
its old version. Before sending, the issue is made again in memory from its file and the
entries it gathers only (not the whole archive), and compared, byte for byte, with the
email, the text part and ``message.json`` in its folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import DopemailError
from ..personalize import SENT_FILES
from .issue import SOURCES_DIR, BuiltIssue


@dataclass(frozen=True)
class Currency:
    """What the check found: ``stale`` says why the built files are not current (empty when
    they are), ``unknown`` why it could not tell."""

    source: str
    stale: str = ""
    unknown: str = ""
    gone: bool = False  # the issue's file was deleted: building again would not bring it back
    status: str | None = None  # what the issue's file says of it now, when it was read


def check_current(root: Path, issue: BuiltIssue) -> Currency:
    """Make ``issue`` again from its sources and compare it with its built files."""
    source = issue.source
    path = root / source
    if not path.is_file():
        if not (root / SOURCES_DIR).is_dir():
            # Built files sent from a copy of site/ alone: nothing to compare them with.
            return Currency(source, unknown=f"{source} is not in {root}")
        now = sorted(p.name for p in (root / SOURCES_DIR).glob(f"{issue.number}-*.md"))
        if now:
            renamed = f"issues/{now[0]}"
            return Currency(renamed, stale=f"its file is now {renamed} (renamed)")
        return Currency(
            source, stale=f"{source} is gone (the issue was deleted or renamed)", gone=True
        )
    # Imported here: the rest of the sender never loads the renderer.
    from ..config import load_settings
    from ..content import render_entry
    from ..load import load_issue_alone
    from ..newsletter import render_issue
    from ..templates import make_environment

    try:
        settings = load_settings(root)
        loaded = load_issue_alone(path, root, settings)
        env = make_environment(root, language=settings.publication.language)
        gathered = [*loaded.entries, *(e for _, items in loaded.sections for e in items)]
        rendered = {e.slug: render_entry(env, e) for e in gathered}
        made = render_issue(env, loaded, rendered, settings)
    except DopemailError as exc:
        first = getattr(exc, "errors", [exc])[0]
        where = first.location()
        problem = f"{where}: {first.message}" if where else first.message
        return Currency(source, stale=f"its sources do not build now ({problem})")
    except OSError as exc:  # a file it cannot read (permissions, a vanished folder)
        return Currency(source, stale=f"its sources cannot be read now ({exc})")
    # The bytes the sender read and will mail, not the files as they are now on disk.
    now = made.sent_files()
    differ = [name for name in SENT_FILES if issue.files.get(name) != now[name]]
    status = loaded.meta.status
    if not differ:
        return Currency(source, status=status)
    names = ", ".join(differ[:-1]) + (" and " if len(differ) > 1 else "") + differ[-1]
    verb = "differ" if len(differ) > 1 else "differs"
    sources = [
        loaded.path,
        *(e.path for e in gathered),
        *(source for e in gathered for source in e.pictures),
        *(p.source for p in loaded.body_pictures),
        "dopemail.toml",
        *sorted(p.relative_to(root).as_posix() for p in (root / "templates").rglob("*.j2")),
    ]
    edited = _modified_since(root, issue.folder, sources)
    which = ""
    if edited:
        more = f" and {len(edited) - 3} more" if len(edited) > 3 else ""
        which = f" (saved since the build: {', '.join(edited[:3])}{more})"
    stale = f"{names} {verb} from what its sources make now{which}"
    return Currency(source, stale=stale, status=status)


def _modified_since(root: Path, built: Path, sources: list[str]) -> list[str]:
    # Which sources were saved after the build last wrote the issue: a pointer to what was
    # edited, for the message (the comparison itself is on the bytes). The same time counts:
    # file times move in ticks of a few milliseconds, and an edit right after a build (a
    # script, a test) can share the tick of the build's last write.
    try:
        since = max((built / name).stat().st_mtime_ns for name in SENT_FILES)
    except OSError:
        return []
    found = []
    for rel in dict.fromkeys(sources):
        try:
            if (root / rel).stat().st_mtime_ns >= since:
                found.append(rel)
        except OSError:
            continue
    return found
