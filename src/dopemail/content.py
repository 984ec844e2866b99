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
    list_item: str = ""  # its line in lists of entries (the home page), from entry_item.html.j2


def render_entry(env: jinja2.Environment, entry: LoadedEntry) -> RenderedEntry:
    """Render one entry's Markdown, its full HTML content and its line in lists."""
    body_html = markdown.to_html(entry.body, entry.url, entry.body_pictures)
    content_html = render(env, "entry_content.html.j2", entry=entry, body_html=body_html).strip()
    meta = entry.meta
    written = " ".join((meta.summary or "").split())  # "  " is no summary
    summary = written or " ".join(markdown.shorten(markdown.first_paragraph(body_html)).split())
    if not summary:
        # A piece of pictures alone, or none yet: what its lead picture is, else its title
        # (an empty summary made an empty <summary/> in Atom, and RSS readers lost the full
        # content: feedgen writes content:encoded only beside a description).
        lead = meta.images[0] if meta.images else None
        about = (lead.caption or lead.alt) if lead is not None else meta.title
        summary = " ".join(markdown.shorten(about).split())
    # Rendered with the entry and cached with it, so a page listing thousands of entries
    # joins strings instead of rendering them all again after each edit.
    item = render(env, "entry_item.html.j2", entry=entry, summary=summary).strip()
    return RenderedEntry(entry, body_html, content_html, summary, item)
