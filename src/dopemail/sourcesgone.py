"""The guard that stops a build before it unpublishes what readers hold: entries/ or issues/
a link to nothing (a disk not connected), a piece in them linked to a file that is gone, or
the folder found missing or empty while site/ still holds what the last build made from it.

Apart from loading: it reads no source's text, only where the links lead, the folders'
listings loading took, the last build's manifest and the built issues' message.json.
"""

from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path

from .errors import ContentError, DopemailError
from .filenames import entry_of_page
from .layout import ENTRIES_DIR, ISSUES_DIR, MANIFEST


def sources_gone(root: Path, name: str, any_piece: bool, broken: list[str]) -> list[DopemailError]:
    """Source files and folders that are links to nothing (a disk not connected, a synced
    folder gone), and ``entries/`` or ``issues/`` found empty or missing while ``site/``
    still holds what the last build made from them: the entries' pages, the web versions of
    sent issues (which readers' emails link to).

    They were read as nothing to build: the build removed every page, emptied the feeds, and
    said it had built. For the folder ``name``: whether the build's listing of it named any
    piece, and the names in it that are links to nothing.
    """
    folder = root / name
    if folder.is_symlink() and not folder.exists():
        return [
            ContentError(
                f"a link to {os.readlink(folder)}, which is not there",
                name,
                None,
                "connect the disk or folder it links to (or mend the link), then build again",
            )
        ]
    errors: list[DopemailError] = []
    for item in broken:
        path = folder / item
        try:
            info = os.stat(path)
        except OSError as exc:
            looped = exc.errno == errno.ELOOP
            errors.append(
                ContentError(
                    "a link that leads back to itself"
                    if looped
                    else f"a link to {os.readlink(path)}, which is not there",
                    f"{name}/{item}",
                    None,
                    "restore the file it links to, or remove the link",
                )
            )
            continue
        errors.append(_not_a_file(name, item, path, info))
    if broken or any_piece:
        return errors
    found = [rel for rel in last_outputs(root) if _made_from(rel) == name]
    if name == ENTRIES_DIR:
        pages = [rel for rel in found if (root / rel).exists()]
        said = "the {count} pages the last one published from it ({first}...) and empty the feeds"
        undo = "delete their pages from site/ first"
    else:
        pages = sorted({rel.rsplit("/", 1)[0] for rel in found if _held(root, rel)})
        said = "the web versions of {count} issue{s} readers hold (sent, or listed in the "
        said += "archive and the issues feed) ({first}/...)"
        undo = "delete them from site/issues/ first"
    if pages:
        state = "empty" if folder.is_dir() else "missing"
        said = said.format(count=len(pages), first=pages[0], s="s" * (len(pages) > 1))
        errors.append(
            ContentError(
                f"the folder is {state}: this build would remove {said}",
                name,
                None,
                "if it is on another disk or a synced folder, connect it; to take them down "
                f"on purpose, {undo}",
            )
        )
    return errors


def _not_a_file(name: str, item: str, path: Path, info: os.stat_result) -> DopemailError:
    """A name in entries/ (issues/) that is read as a piece and is no file (a folder, a
    pipe, a device): stopped at, as a link to nothing is. A piece's file replaced by one was
    unpublished without a word, and a new one was passed over."""
    what = (
        "a folder"
        if stat.S_ISDIR(info.st_mode)
        else "a pipe (FIFO)"
        if stat.S_ISFIFO(info.st_mode)
        else "a socket"
        if stat.S_ISSOCK(info.st_mode)
        else "a device"
    )
    if path.is_symlink():
        what = f"a link to {what}, {os.readlink(path)}"
    piece = "an entry" if name == ENTRIES_DIR else "an issue"
    return ContentError(
        f"not read: {what}, not a file ({piece} is a .md file in {name}/)",
        f"{name}/{item}",
        None,
        f"if it was {piece}, put its file back in its place; else remove it, or rename it "
        "so that its name does not end in .md",
    )


def _held(root: Path, rel: str) -> bool:
    """Whether ``rel`` is the message.json of an issue readers hold: built as sent, or as
    ready (listed in the archive and the issues feed; and maybe mailed already, the editor
    marking it sent afterwards)."""
    if not rel.endswith("/message.json"):
        return False
    try:
        built = json.loads((root / rel).read_text(encoding="utf-8"))
        return isinstance(built, dict) and built.get("status") in ("sent", "ready")
    except (OSError, ValueError):
        return False


def last_outputs(root: Path) -> list[str]:
    """The outputs the last build wrote (its manifest), or none."""
    try:
        found = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [rel for rel in found if isinstance(rel, str)] if isinstance(found, list) else []


def _made_from(rel: str) -> str | None:
    """The source folder an output of the site was made from: an entry's page, an issue's."""
    parts = rel.split("/")
    if parts[0] != "site" or len(parts) < 3:
        return None
    if parts[1] == "issues":
        return ISSUES_DIR
    return ENTRIES_DIR if entry_of_page(rel) else None
