"""Publication + entries -> RSS 2.0, Atom 1.0 and JSON Feed 1.1, as bytes.

Every date in a feed comes from the content (never the clock), so two builds of the same
entries are byte-identical and readers' conditional requests keep working.
"""

from __future__ import annotations

import html
import json
import re
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from . import __version__
from .config import Settings
from .content import RenderedEntry
from .layout import ISSUES_DIR
from .models import URI
from .moments import written as _written
from .pictures import picture_type
from .templates import lang_attrs, unmarked
from .wording import wording_for

if TYPE_CHECKING:
    from feedgen.feed import FeedGenerator

    from .models import LoadedEntry, LoadedIssue
    from .newsletter import RenderedIssue

RSS_PATH = "feeds/rss.xml"
ATOM_PATH = "feeds/atom.xml"
JSON_PATH = "feeds/feed.json"
ISSUES_PATH = "feeds/issues.xml"
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def json_feed_items(feed: object) -> dict[str, tuple[Any, str]]:
    """A JSON feed's items (as :func:`render_json_feed` writes them, parsed) by address: their
    id (None if missing) and moment of publication; ValueError if it has no list of items."""
    items = feed.get("items") if isinstance(feed, dict) else None
    if not isinstance(items, list):
        raise ValueError("no items")
    return {
        item["url"]: (item.get("id"), str(item.get("date_published") or ""))
        for item in items
        if isinstance(item, dict) and isinstance(item.get("url"), str)
    }


def _content(item: RenderedEntry, language: str, direction: str) -> str:
    """An entry's full content for the feeds; for one with nothing in it yet but its title,
    its summary (an empty content:encoded is dropped by feedgen, an empty Atom content is
    blank). Written right to left, it says so: readers show an item's HTML as given, left
    to right, whatever the feed's language."""
    own = item.entry.meta.language
    if item.content_html.strip():
        text = item.content_html
    else:
        text = f"<p{lang_attrs(own)}>{html.escape(item.summary)}</p>"
    if own and own != language:
        # The item is in the entry's language (Atom's xml:lang, JSON Feed's language), which
        # the content would inherit: its headings and credits are the publication's words
        # (the entry's own are marked in it by the template).
        return f'<div lang="{language}" dir="{direction}">{text}</div>'
    return _directed(text, direction)


def _directed(text: str, direction: str) -> str:
    return f'<div dir="rtl">{text}</div>' if direction == "rtl" else text


def _updated(item: RenderedEntry) -> datetime:
    meta = item.entry.meta
    return _written(meta.updated or meta.published)


def _media_url(settings: Settings, src: str | None, root_url: bool = True) -> str | None:
    if not src:
        return None
    if src.startswith("https://") or not root_url:
        return src
    return settings.media_url(src)


def _channel(
    fg: FeedGenerator,
    settings: Settings,
    feed_id: str,
    title: str,
    self_url: str,
    self_type: str,
    page: str = "",
) -> None:
    """What every feed of the publication says about itself; ``page``: the site's page it
    follows (the home page if not given)."""
    pub = settings.publication
    fg.id(feed_id)
    fg.title(title)
    fg.subtitle(pub.description)
    fg.link(href=self_url, rel="self", type=self_type)
    # feedgen takes the last link as the RSS <channel><link>: the site's page, not the feed.
    fg.link(href=page or pub.base_url, rel="alternate", type="text/html")
    fg.language(pub.language)
    fg.author({"name": pub.author, **({"email": pub.author_email} if pub.author_email else {})})
    fg.generator("dopemail", __version__, "https://pypi.org/project/dopemail/")
    fg.docs("https://www.rssboard.org/rss-specification")  # feedgen's default is http://
    if pub.copyright:
        fg.rights(pub.copyright)
    if pub.logo:
        fg.logo(_media_url(settings, pub.logo))
    if pub.icon:
        fg.icon(_media_url(settings, pub.icon))


def _generator(
    settings: Settings, items: Sequence[RenderedEntry], self_url: str, self_type: str
) -> FeedGenerator:
    from feedgen.feed import FeedGenerator  # on first use: a warm build takes feeds from the cache

    pub = settings.publication
    fg = FeedGenerator()
    fg.load_extension("dc", atom=False, rss=True)
    _channel(fg, settings, pub.base_url, pub.title, self_url, self_type)
    fg.updated(max((_updated(i) for i in items), default=_EPOCH))

    for item in items:
        entry, meta = item.entry, item.entry.meta
        fe = fg.add_entry(order="append")
        fe.id(entry.id)
        fe.guid(entry.id, permalink=False)
        fe.title(unmarked(meta.title))
        fe.link(href=entry.url, rel="alternate", type="text/html")
        fe.summary(item.summary)
        fe.description(item.summary)
        fe.content(_content(item, pub.language, pub.direction), type="CDATA")
        fe.published(_written(meta.published))
        fe.updated(_updated(item))
        fe.author({"name": entry.author})
        fe.dc.dc_creator(entry.author)
        for tag in meta.tags:
            fe.category(term=tag)
        lead = entry.lead
        # A picture from another site whose type its URL does not tell is left out: an
        # enclosure must say its type, and a guess could tell readers' apps a wrong one.
        if lead is not None and lead.mime is not None:
            fe.link(
                href=lead.url,
                rel="enclosure",
                type=lead.mime,
                length=str(lead.length or 0),
            )
    return fg


_RSS_IMAGE_TYPES = frozenset({"image/gif", "image/jpeg", "image/png"})


def render_rss(
    settings: Settings, items: Sequence[RenderedEntry], logo: tuple[int, int] | None = None
) -> bytes:
    """RSS 2.0 with content:encoded (full HTML), dc:creator and atom:link rel=self.

    ``logo``: the logo's width and height (:func:`~dopemail.pictures.logo_size`), if known.
    """
    fg = _generator(settings, items, settings.url(RSS_PATH), "application/rss+xml")
    src = settings.publication.logo
    if src and picture_type(urlsplit(src).path) not in _RSS_IMAGE_TYPES:
        # RSS's <image> is a GIF, JPEG or PNG (the spec): an SVG logo stays Atom's alone.
        # feedgen sets both from one call, and has no way to unset the RSS one.
        fg._FeedGenerator__rss_image = None  # type: ignore[attr-defined]
    elif src and logo is not None:
        # Without a size, the spec's default is 88 by 31 pixels, and its largest 144 by 400:
        # a wider or taller logo is given at the size that fits, its proportions kept, which
        # readers show it at (the file is not made smaller).
        width, height = _fitted(*logo, 144, 400)
        fg.image(_media_url(settings, src), width=str(width), height=str(height))
    # Readers take <description> as HTML ("entity-encoded HTML is allowed"), the channel's
    # as well as an item's (feedparser, and the readers built on it): the text is escaped as
    # HTML before XML escapes it again, or "<Noir>" or "x<y" in it is lost. A reader that
    # showed the channel's as text would show "&amp;" for an '&': the spec says nothing of
    # it, and losing words is the worse. (In Atom, the subtitle is text.)
    fg.description(html.escape(settings.publication.description, quote=False))
    for fe, item in zip(fg.entry(), items, strict=True):
        fe.description(html.escape(item.summary, quote=False))
    rss = _RSS_TITLE.sub(_hex_references, fg.rss_str(pretty=True))
    # The channel's is text to validators, which take an '&amp;' in it for HTML left in by
    # mistake: its '&' written as a hexadecimal reference says the escaping is meant (the
    # same characters to an XML parser, and to a reader).
    return _CHANNEL_DESCRIPTION.sub(_hex_references, rss, count=1)


def _fitted(width: int, height: int, most_wide: int, most_high: int) -> tuple[int, int]:
    scale = min(1.0, most_wide / width, most_high / height)
    return max(1, round(width * scale)), max(1, round(height * scale))


# A title, a tag, an author's name, the rights line are text, which some RSS readers decode
# twice: the RSS Profile asks for '<' and '&' as hexadecimal references there (the same
# characters to an XML parser).
_RSS_TITLE = re.compile(rb"(<(title|category|dc:creator|copyright)(?:\s[^>]*)?>)([^<]*)(</\2>)")

_CHANNEL_DESCRIPTION = re.compile(rb"(<(description)>)([^<]*)(</description>)")


def _hex_references(found: re.Match[bytes]) -> bytes:
    text = found.group(3).replace(b"&lt;", b"&#x3C;").replace(b"&amp;", b"&#x26;")
    return found.group(1) + text + found.group(4)


def render_atom(settings: Settings, items: Sequence[RenderedEntry]) -> bytes:
    """Atom 1.0 with html content, summaries and enclosure links."""
    fg = _generator(settings, items, settings.url(ATOM_PATH), "application/atom+xml")
    host = settings.host
    for fe, item in zip(fg.entry(), items, strict=True):
        # Atom carries the escaped HTML in <content type="html">, not CDATA.
        fe.content(fe.content()["content"], type="html")
        fe.id(entry_atom_id(item.entry, host))
    return _atom_with_entry_links(fg, items)


def _atom_id(kept: str, host: str | None) -> str:
    """An id as Atom wants it, a URI: as it is, or made of a guid kept from an older RSS feed
    (which need not be one), and of nothing else: a name-based UUID of the site's host and
    the guid. (A tag: URI of it held the day published, and correcting that day, as an
    editor keeps an id for, gave it a new id after all.)"""
    if URI.fullmatch(kept):
        return kept
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'https://{host}/#guid:{kept}')}"


def issue_feed_id(issue: LoadedIssue, host: str | None) -> str:
    """An issue's id in the issues feed: its web version's address, or the id it had."""
    return _atom_id(issue.meta.id, host) if issue.meta.id else issue.url


def entry_atom_id(entry: LoadedEntry, host: str | None) -> str:
    """An entry's id in the Atom feed (its RSS guid and JSON Feed id are ``entry.id``)."""
    return _atom_id(entry.id, host)


_LINK_ATTRIBUTES = ("rel", "type", "hreflang", "title", "length")


def _atom_with_entry_links(fg: FeedGenerator, items: Sequence[RenderedEntry] = ()) -> bytes:
    """``fg.atom_str()``, with each entry's links carrying their rel, type and length, and
    the entry of one of ``items`` written in a language of its own its xml:lang.

    feedgen 1.0.0 drops them (``entry.py`` reuses the loop variable ``link`` for the new
    element), so an enclosure would read as a second alternate link: readers would take the
    image for the article, and the W3C validator reports DuplicateAtomLink.
    """
    from lxml import etree  # with feedgen, on first use

    # feedgen's own tree, mended before it is serialised (parsing its output again cost most
    # of a feed). Its elements carry no namespace: the root's xmlns is a plain attribute.
    root, document = fg._create_atom()
    # (The issues feed's entries are issues, and pass no items.)
    for element, item in zip(root.iterchildren("entry"), items, strict=False):
        if item.entry.meta.language:  # feedgen sets xml:lang on the feed alone
            element.set("{http://www.w3.org/XML/1998/namespace}lang", item.entry.meta.language)
    for element, fe in zip(root.iterchildren("entry"), fg.entry(), strict=True):
        for link_element, link in zip(element.iterchildren("link"), fe.link() or [], strict=True):
            for name in _LINK_ATTRIBUTES:
                # RSS must give a length, 0 when it is not known (a picture on another site);
                # Atom's is optional, and 0 would be a false one.
                if link.get(name) and not (name == "length" and str(link[name]) == "0"):
                    link_element.set(name, str(link[name]))
    etree.indent(root, space="  ")
    return etree.tostring(document, pretty_print=True, encoding="UTF-8", xml_declaration=True)


def render_json_feed(settings: Settings, items: Sequence[RenderedEntry]) -> bytes:
    """JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/)."""
    pub = settings.publication
    feed: dict[str, object] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": pub.title,
        "home_page_url": pub.base_url,
        "feed_url": settings.url(JSON_PATH),
        "description": pub.description,
        "language": pub.language,
        "authors": [{"name": pub.author}],
    }
    if pub.icon:
        feed["icon"] = _media_url(settings, pub.icon)
        feed["favicon"] = _media_url(settings, pub.icon)
    feed["items"] = [_json_item(item, pub.language, pub.direction) for item in items]
    return (json.dumps(feed, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _json_item(item: RenderedEntry, language: str, direction: str) -> dict[str, object]:
    entry, meta = item.entry, item.entry.meta
    data: dict[str, object] = {
        "id": entry.id,
        "url": entry.url,
        "title": unmarked(meta.title),
        "content_html": _content(item, language, direction),
        "summary": item.summary,
        "date_published": _written(meta.published).isoformat(),
        "date_modified": _updated(item).isoformat(),
        "authors": [{"name": entry.author}],
        "tags": list(meta.tags),
    }
    if meta.language:  # (JSON Feed 1.1: an item's own, when not the feed's)
        data["language"] = meta.language
    if entry.lead is not None:
        data["image"] = entry.lead.url
    if entry.lead is not None and entry.lead.mime is not None:  # an attachment needs its type
        data["attachments"] = [
            {
                "url": entry.lead.url,
                "mime_type": entry.lead.mime,
                **({"size_in_bytes": entry.lead.length} if entry.lead.length else {}),
                **({"title": entry.lead.alt} if entry.lead.alt else {}),
            }
        ]
    return data


def render_feeds(
    settings: Settings, items: Sequence[RenderedEntry], logo: tuple[int, int] | None = None
) -> dict[str, bytes]:
    """All three feeds of the newest ``feeds.items`` published entries (``logo``: the
    logo's size, see :func:`render_rss`)."""
    newest = list(items)[: settings.feeds.items]
    return {
        RSS_PATH: render_rss(settings, newest, logo),
        ATOM_PATH: render_atom(settings, newest),
        JSON_PATH: render_json_feed(settings, newest),
    }


def render_issues_feed(settings: Settings, issues: Sequence[RenderedIssue]) -> bytes:
    """Atom 1.0 feed of the newest ``feeds.items`` issues, to follow the letter in a reader."""
    from feedgen.feed import FeedGenerator

    issues = list(issues)[: settings.feeds.items]
    pub = settings.publication
    host = settings.host
    _ = wording_for(pub.language).gettext
    fg = FeedGenerator()
    # Its id names the newsletter's part of the home page, where its archive was once (ids
    # never change); its page is now the newsletter's archive.
    _channel(
        fg,
        settings,
        settings.url("#newsletter"),
        _("%(title)s: the newsletter") % {"title": pub.title},
        settings.url(ISSUES_PATH),
        "application/atom+xml",
        settings.url(f"{ISSUES_DIR}/"),
    )
    fg.updated(_written(max((i.issue.meta.date for i in issues), default=_EPOCH)))
    for item in issues:
        issue, meta = item.issue, item.issue.meta
        fe = fg.add_entry(order="append")
        # Its web version's address, made from the file's name (like an entry's id, from its
        # slug), never from the text or the send date: an issue listed while 'ready' is often
        # moved to another day, and a new id would show it to readers twice. Or the id it
        # had, kept with 'id:'.
        fe.id(issue_feed_id(issue, host))
        fe.title(
            _("No. %(number)s: %(subject)s") % {"number": meta.number, "subject": meta.subject}
        )
        fe.link(href=issue.url, rel="alternate", type="text/html")
        fe.summary(meta.preheader)
        content = _SCREEN_READERS_ONLY.sub("", item.content_html)
        fe.content(_directed(content, pub.direction), type="html")
        fe.published(_written(meta.date))
        fe.updated(_written(meta.date))
        fe.author({"name": pub.author})
    return _atom_with_entry_links(fg)


# What the web version says to screen readers alone ('Read more: <title>', the link's name
# among many): a feed reader has none of the page's CSS and would show it under the title.
_SCREEN_READERS_ONLY = re.compile(r'<span class="visually-hidden">[^<]*</span>')
