"""The one Markdown configuration: Markdown -> safe HTML, and Markdown -> plain text.

HTML is sanitised with nh3 (ammonia): no script, no event handlers, no style, no iframes,
whatever an editor pastes. Relative links and images are made absolute against the entry's
page, because the same HTML goes into feeds and emails where relative URLs break.
"""

from __future__ import annotations

import re
import textwrap
from functools import lru_cache
from html import unescape
from typing import TYPE_CHECKING
from urllib.parse import urljoin

import cmarkgfm
import nh3
from cmarkgfm.cmark import Options

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "cite", "code", "del", "em", "figcaption", "figure",
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "q", "s", "small",
    "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "td": {"align"},
    "th": {"align"},
}


# Raw HTML an editor typed, to drop from plain text; "<https://...>" is how links are shown.
_HTML_TAG = re.compile(r"<(?!https?://|mailto:)/?[a-zA-Z][^>]*>")


@lru_cache(maxsize=1)
def text_parser() -> MarkdownIt:
    """The Markdown parser of :func:`to_text` (made on first use)."""
    from markdown_it import MarkdownIt  # on first use: a warm build renders no text

    # html=True lets editors write raw HTML; nh3 then removes anything unsafe.
    return MarkdownIt("commonmark", {"html": True, "linkify": False}).enable("table")


def _absolutize(tokens: list[Token], base: str) -> None:
    for token in tokens:
        if token.type == "link_open" and token.attrs.get("href"):
            token.attrSet("href", urljoin(base, str(token.attrs["href"])))
        elif token.type == "image" and token.attrs.get("src"):
            token.attrSet("src", urljoin(base, str(token.attrs["src"])))
        if token.children:
            _absolutize(token.children, base)


def to_html(text: str, base_url: str) -> str:
    """Render Markdown to sanitised HTML whose links and images are absolute URLs."""
    # cmark-gfm (C) renders; CommonMark plus GitHub's tables, as the markdown-it parser used
    # for plain text reads it. UNSAFE keeps the raw HTML editors type: nh3 sanitises it below.
    html = cmarkgfm.markdown_to_html_with_extensions(
        text, options=Options.CMARK_OPT_UNSAFE, extensions=["table"]
    )

    def absolute(tag: str, attribute: str, value: str) -> str:
        # Every link and picture, Markdown or raw HTML: feeds and emails need absolute URLs.
        if attribute in ("href", "src"):
            return urljoin(base_url, value)
        return value

    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener",
        attribute_filter=absolute,
    ).strip()


def _inline_text(tokens: list[Token], urls: bool = True) -> str:
    out: list[str] = []
    href_stack: list[str] = []
    for token in tokens:
        if token.type in ("text", "code_inline"):
            out.append(token.content)
        elif token.type in ("softbreak",):
            out.append(" ")
        elif token.type == "hardbreak":
            out.append("\n")
        elif token.type == "link_open":
            href_stack.append(str(token.attrs.get("href", "")))
        elif token.type == "link_close" and href_stack:
            href = href_stack.pop()
            if href and urls:
                out.append(f" <{href}>")
        elif token.type == "image":
            out.append(f"[{token.content}]")
    return "".join(out)


def to_text(text: str, base_url: str, width: int = 72) -> str:
    """Render Markdown as readable plain text: wrapped paragraphs, links as <URL>."""
    md = text_parser()
    tokens = md.parse(text)
    _absolutize(tokens, base_url)
    blocks: list[str] = []
    prefix: list[str] = []
    bullets: list[str] = []
    for index, token in enumerate(tokens):
        if token.type == "blockquote_open":
            prefix.append("> ")
        elif token.type == "blockquote_close":
            prefix.pop()
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            bullets.append("-" if token.type == "bullet_list_open" else "1.")
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            bullets.pop()
        elif token.type == "inline":
            content = _HTML_TAG.sub("", _inline_text(token.children or []))
            opener = tokens[index - 1] if index else None
            lead = "".join(prefix)
            if opener is not None and opener.type == "heading_open":
                blocks.append(lead + content.upper())
                continue
            in_item = bool(bullets) and any(
                t.type == "list_item_open" for t in tokens[max(0, index - 2) : index]
            )
            first = lead + (bullets[-1] + " " if in_item else "")
            rest = lead + ("  " if in_item else "")
            blocks.append(
                textwrap.fill(
                    content,
                    width=width,
                    initial_indent=first,
                    subsequent_indent=rest,
                    break_long_words=False,
                    break_on_hyphens=False,
                )
            )
        elif token.type in ("fence", "code_block"):
            blocks.append(textwrap.indent(token.content.rstrip(), "    "))
        elif token.type == "hr":
            blocks.append("-" * 8)
    return "\n\n".join(blocks)


_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
_TAG = re.compile(r"<[^>]+>")


def first_paragraph(html: str) -> str:
    """The first paragraph of rendered HTML (from :func:`to_html`) as plain text, for summaries."""
    found = _PARAGRAPH.search(html)
    if not found:
        return ""
    return re.sub(r"\s+", " ", unescape(_TAG.sub("", found.group(1)))).strip()


def shorten(text: str, limit: int = 280) -> str:
    """Cut text at a word boundary, ending with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:—–-")
    return cut + "…"
