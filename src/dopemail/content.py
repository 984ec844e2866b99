"""An entry's rendered content, shared by the feeds, the web pages and the newsletter."""

from __future__ import annotations

from dataclasses import dataclass

import jinja2

from . import markdown
from .models import LoadedEntry
from .templates import render


@dataclass(frozen=True)
class RenderedEntry:
    """An entry with its body and full content rendered."""

    entry: LoadedEntry
    body_html: str  # the Markdown body alone, sanitised
    content_html: str  # body plus credits, screenings, events, gallery, rights
    summary: str  # plain text


def render_entry(env: jinja2.Environment, entry: LoadedEntry) -> RenderedEntry:
    """Render one entry's Markdown and its full HTML content."""
    body_html = markdown.to_html(entry.body, entry.url)
    content_html = render(env, "entry_content.html.j2", entry=entry, body_html=body_html).strip()
    summary = entry.meta.summary or markdown.shorten(markdown.first_paragraph(entry.body))
    return RenderedEntry(entry, body_html, content_html, " ".join(summary.split()))
