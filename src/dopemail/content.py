"""An entry's rendered content, shared by the feeds, the web pages and the newsletter."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

import jinja2

from . import markdown
from .models import LoadedEntry, lazy_field, whole
from .templates import keep_signs_html, keep_signs_text, marks_escaped, render, unmarked

Note = tuple[str, int | None, str | None]  # (message, line, hint)


@dataclass(frozen=True)
class RenderedEntry:
    """An entry with its body and full content rendered."""

    entry: LoadedEntry
    body_html: str  # the Markdown body alone, sanitised
    content_html: str  # body plus credits, screenings, events, gallery, rights
    summary: str  # plain text
    list_item: str  # its line in lists of entries (the home page), from entry_item.html.j2
    # What the checks after a build look for in its text, found once when it is rendered
    # (a build taking it from the cache then reads none of its HTML): the addresses its
    # text links to on the site's host (see links.dead_links), and its links written wrong
    # (markdown.links_written_wrong).
    links: tuple[str, ...] = ()
    written_wrong: tuple[Note, ...] = ()
    # The summary as written, its italics marked ('*All of Us Strangers*, with ...'), for the
    # ``italics`` filter: the cards and lists show them; ``summary`` is its plain words.
    summary_marked: str = ""

    # As LoadedEntry's: one taken from the cache reads its HTML when first asked for.
    def __getattr__(self, name: str) -> Any:
        return lazy_field(self, name, HEAVY_HTML)

    def __reduce__(self) -> tuple[Any, ...]:
        return whole(self, HEAVY_HTML)

    def light_state(self) -> dict[str, Any]:
        """Its fields but the entry and :data:`HEAVY_HTML` (see cache.EntryRecord)."""
        skip = ("entry", *HEAVY_HTML)
        return {k: v for k, v in self.__dict__.items() if k not in skip and k[0] != "_"}


#: What a cached rendering reads only when asked (see RenderedEntry.__getattr__).
HEAVY_HTML = ("body_html", "content_html")


def host_links(html: str, host: str) -> Iterator[str]:
    """The addresses ``html`` links to on ``host`` ('https://example.org/'), each once,
    unquoted, as they are looked for among a build's outputs."""
    # Found as a plain string (a regex cost five times more: the texts of 1,000 entries and
    # 100 issues are 8 MB).
    needle = f'href="{host}'
    seen: set[str] = set()
    at = html.find(needle)
    while at != -1:
        start = at + len('href="')
        end = html.find('"', start)
        if end == -1:
            return
        url = unquote(html[start:end].replace("&amp;", "&"))
        if url not in seen:
            seen.add(url)
            yield url
        at = html.find(needle, end)


def host_of(url: str) -> str:
    """'https://example.org/' of any address on that host."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


def render_entry(env: jinja2.Environment, entry: LoadedEntry) -> RenderedEntry:
    """Render one entry's Markdown, its full HTML content and its line in lists."""
    # As written (what the links' checks compare with the text), then as shown.
    written_html = markdown.to_html(entry.body, entry.url, entry.body_pictures)
    body_html = keep_signs_html(written_html)
    content_html = render(env, "entry_content.html.j2", entry=entry, body_html=body_html).strip()
    meta = entry.meta
    # The summary written may hold italics ('*All of Us Strangers*'): plain words where
    # text alone is shown (feeds, descriptions, JSON-LD), in italics in the cards and lists.
    marked = keep_signs_text(markdown.one_line(meta.summary or ""))  # "  " is no summary
    summary = unmarked(marked)
    if not summary:
        summary = markdown.one_line(markdown.shorten(markdown.first_paragraph(body_html)))
        marked = marks_escaped(summary)  # its '*' as the text shows it, no mark
    if not summary:
        # A piece of pictures alone, or none yet: what its lead picture is, else its title
        # (an empty summary made an empty <summary/> in Atom, and RSS readers lost the full
        # content: feedgen writes content:encoded only beside a description).
        lead = meta.images[0] if meta.images else None
        about = (lead.caption or lead.alt) if lead is not None else meta.title
        # A caption or a title may hold italics; an alt text is its words as typed.
        written = marks_escaped(about) if lead is not None and not lead.caption else about
        marked = keep_signs_text(markdown.one_line(written))
        summary = markdown.shorten(unmarked(marked))
        if summary != unmarked(marked):  # cut short, its marks maybe cut: its words alone
            marked = marks_escaped(summary)
    # Rendered with the entry and cached with it, so a page listing thousands of entries
    # joins strings instead of rendering them all again after each edit.
    item = render(
        env, "entry_item.html.j2", entry=entry, summary=summary, summary_marked=marked
    ).strip()
    links = tuple(host_links(body_html, host_of(entry.url)))
    wrong = markdown.links_written_wrong(entry.path, entry.body, entry.body_line, written_html)
    told = tuple((e.message, e.line, e.hint) for e in wrong)
    return RenderedEntry(entry, body_html, content_html, summary, item, links, told, marked)
