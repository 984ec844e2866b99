"""``dopemail new``: scaffold sources with every field shown and explained."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from pathlib import Path

from .config import load_settings
from .errors import ContentError
from .load import ENTRIES_DIR
from .templates import make_environment, render


def slugify(title: str) -> str:
    """'Céline’s « Portrait »' -> 'celines-portrait'."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    text = re.sub(r"['’]", "", text.lower())
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "untitled"


def new_entry(root: Path, title: str, now: datetime | None = None) -> Path:
    """Write ``entries/<slug>.md`` from the scaffold template; never overwrite."""
    settings = load_settings(root)
    slug = slugify(title)
    path = root / ENTRIES_DIR / f"{slug}.md"
    if path.exists():
        raise ContentError(
            f"{path.relative_to(root)} already exists",
            path.relative_to(root),
            None,
            "choose another title, or edit the existing file",
        )
    now = now or datetime.now(settings.publication.zone)
    env = make_environment(root, autoescape=False)
    text = render(
        env,
        "new_entry.md.j2",
        title=title.replace('"', '\\"'),
        published=now.replace(microsecond=0).isoformat(),
        author=settings.publication.author,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path.relative_to(root)
