"""The one Markdown configuration: Markdown -> safe HTML, and Markdown -> plain text.

HTML is sanitised with nh3 (ammonia): no script, no event handlers, no style, no iframes,
whatever an editor pastes. Relative links and images are made absolute against the entry's
page, because the same HTML goes into feeds and emails where relative URLs break.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from functools import lru_cache
from html import unescape
from typing import TYPE_CHECKING, Literal
from urllib.parse import unquote, urljoin, urlsplit

import cmarkgfm
import nh3
from cmarkgfm.cmark import Options

from .config import dns_host
from .errors import ContentError
from .templates import columns, fill, no_quote_breaks
from .wording import ENGLISH, Wording

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

    from .models import Picture

# What an editor's HTML keeps (without attributes but those below): the rest is removed and
# its text kept. h1 is the page's title: a text's '# Heading' is made an h2 after (to_html).
_TAGS = {
    "a", "abbr", "b", "bdi", "blockquote", "br", "cite", "code", "dd", "del", "details", "div",
    "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img",
    "ins", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "summary",
    "sup",
    "table", "tbody", "td", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
_ATTRIBUTES = {
    # On any element: the language of a passage (<span lang="fr">), read aloud in it, and its
    # direction (<p dir="rtl">, <span dir="auto">).
    "*": {"lang", "dir"},
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "td": {"align"},
    "th": {"align"},
    # A list numbered from 3 ('3. ...', after a paragraph): from 1 without it, as readers saw.
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
}


# The elements that begin a new line of their own in a page.
_BLOCK_TAG = re.compile(
    r"</?(?:address|article|aside|blockquote|br|dd|details|div|dl|dt|figcaption|figure|footer|"
    r"h[1-6]|header|hr|li|ol|p|pre|section|summary|table|td|th|tr|ul)\b[^>]*>",
    re.IGNORECASE,
)


_LINK_TAG = re.compile(r"(<a\s[^>]*>)(.*?)</a>", re.IGNORECASE | re.DOTALL)


# A tag's attributes one by one, as the sanitiser writes them (a name, then its value in double
# quotes, a '"' in it escaped): read from the tag's name on, a value ending like an attribute
# ('title="see href="') is never taken for one (the mending of spaced addresses took the
# title's ' href="' for the address, and the text part showed 'x < href=>').
_TAG_NAME = re.compile(r"<[a-zA-Z][^\s/>]*")
_ONE_ATTRIBUTE = re.compile(r'(\s+)([^\s"\'>/=]+)(?:="([^"]*)")?')


def _each_attribute(tag: str) -> Iterator[re.Match[str]]:
    """The attributes of one start tag, in order (its space, name and value, if any)."""
    name = _TAG_NAME.match(tag)
    at = name.end() if name else len(tag)
    while (attribute := _ONE_ATTRIBUTE.match(tag, at)) is not None:
        yield attribute
        at = attribute.end()


def _attributes(tag: str) -> dict[str, str]:
    """The alt, src and href of one start tag, as written in it."""
    wanted = ("alt", "src", "href")
    return {a[2]: a[3] for a in _each_attribute(tag) if a[2] in wanted and a[3] is not None}


def _picture_text(found: re.Match[str]) -> str:
    # A picture typed as raw HTML, as a Markdown one is shown: '[alt] <address>' (sanitised
    # HTML: the attribute values are escaped, as the text around them).
    attributes = _attributes(found.group())
    src = attributes.get("src", "")
    return f"[{attributes.get('alt', '')}]" + (f" &lt;{src}&gt;" if src else "")


# What a superscript or a subscript holds, as Unicode writes it raised or lowered: digits
# and the signs of an exponent, in every common font (x², H₂O, 10⁻³), one column each.
_SCRIPT_SIGNS = "0123456789+-\u2212=()"
_SUPERSCRIPT = str.maketrans(_SCRIPT_SIGNS, "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾")
_SUBSCRIPT = str.maketrans(_SCRIPT_SIGNS, "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎")

# A superscript or a subscript of text alone, in a raw HTML block's sanitised HTML, and the
# digit before it (an ordinal's).
_SCRIPT = re.compile(r"(\d?)<(sup|sub)\b[^>]*>([^<]*)</\2>")


def _scripted(text: str, name: str, before: str) -> str:
    """``text`` as a plain text shows it raised (``name`` 'sup') or lowered ('sub'): written
    flat it read as another number ('x2', 'H2O'); ``before``: the character before it."""
    if not text.strip():
        return text
    if all(char in _SCRIPT_SIGNS for char in text):
        return text.translate(_SUPERSCRIPT if name == "sup" else _SUBSCRIPT)
    if name == "sup" and text.lower() in _ORDINALS and (before.isdigit() or before in "IVXLC"):
        # An ordinal ('19<sup>th</sup>', '1<sup>er</sup>', 'XIX<sup>e</sup>'), as in text.
        return text
    # Letters have no raised form in most fonts: marked as in plain-text mathematics.
    whole = text.isalnum() or (text.startswith("(") and text.endswith(")"))
    return ("^" if name == "sup" else "_") + (text if whole else f"({text})")


# An ordinal's letters, raised after its number: English, French, Spanish, Italian.
_ORDINALS = frozenset(
    {"st", "nd", "rd", "th", "er", "re", "e", "d", "de", "nde", "ers", "res", "es", "ème",
     "eme", "èmes", "emes", "o", "a", "os", "as"}
)  # fmt: skip


def _own_address(words: str, href: str) -> bool:
    """Whether a link's words are its address, as written or as the address decoded ('café'
    for 'caf%C3%A9'), a mail address without its 'mailto:': shown as the address alone,
    which was printed twice."""
    said = {href, unquote(href)}
    said |= {address.removeprefix("mailto:") for address in said}
    words = words.strip()
    if words in said:
        return True
    # Its words in italics or bold are the address as well ('[*https://e.com/a*](...)',
    # marked '_https://e.com/a_' by then, was written with its address after it again).
    for _ in range(2):  # (italics within bold, or bold within italics)
        if len(words) < 3 or words[0] != words[-1] or words[0] not in "_*":
            return False
        words = words[1:-1]
        if words in said:
            return True
    return False


# A mail address alone, as a mail program links it: nothing to decode, no subject or body.
_MAIL_ADDRESS = re.compile(r"mailto:([^\s<>\"'?%&@]+@[^\s<>\"'?%&@]+)", re.I)


def _written_address(href: str) -> str:
    """A link's address as the text part writes it between brackets: a mail address without
    its 'mailto:' ('<desk@example.org>', as typed and as a mail program links it; the
    scheme is noise to a reader), unless it says more (a subject: 'mailto:' keeps it one
    address)."""
    found = _MAIL_ADDRESS.fullmatch(href)
    return found[1] if found else href


def _raw_inline(tag: str, base_url: str, on_site: dict[str, str]) -> dict[str, str]:
    """The alt, src and href of one raw HTML tag typed in a paragraph, sanitised and made
    absolute as the page's HTML is (none of a tag the page drops; ``on_site``: the pictures
    the text shows, on the site's media/)."""
    safe = _sanitised(tag, base_url, on_site)
    return {name: unescape(value) for name, value in _attributes(safe).items()}


# What a block of raw HTML shows, in turn: a paragraph ("flow"), a <pre>'s lines ("pre"), or
# a table's rows of cells ("table").
_Shown = tuple[Literal["flow", "pre"], str] | tuple[Literal["table"], list[list[str]]]


def _html_block_text(
    html: str, base_url: str, on_site: dict[str, str], quotes: tuple[str, str] = ("“", "”")
) -> list[_Shown]:
    """What a block of raw HTML shows, sanitised as the page's HTML is (links made absolute),
    each link followed by its <URL> as in the rest of the text: its paragraphs, a ``<br>``
    in one a line break ("\\n"), words in italics, bold or quoted marked as
    :func:`_inline_text` marks them (``quotes``: a quotation's marks); a ``<pre>``'s lines,
    kept as written (its indentation is what it says: a poem's, a code sample's); and a
    table closed in the block, as its rows of cells (marked so too), to be shown as a
    Markdown table is."""
    safe = _sanitised(html, base_url, on_site)
    if "<su" in safe:
        safe = _SCRIPT.sub(lambda m: m[1] + _scripted(m[3], m[2], m[1]), safe)
    safe = _LINK_TAG.sub(_link_text, safe)
    safe = _IMG.sub(_picture_text, safe)
    shown: list[_Shown] = []
    at = 0
    # A table left open here is closed by the sanitiser at the block's end, though a later
    # block closes it (its cells holding Markdown): its words stay paragraphs.
    opened = [tag.group(1) for tag in _TABLE_TAG.finditer(uncommented(html))]
    tables = opened.count("") <= opened.count("/")
    for start, end in _verbatim_or_tables(safe, tables):
        shown += [("flow", text) for text in _flowing(safe[at:start], quotes)]
        if safe.startswith("<pre", start):
            if code := _preformatted(safe[start:end]):
                shown.append(("pre", code))
        else:
            before, rows = _table_rows(safe[start:end], quotes)
            shown += [("flow", text) for text in before]
            if rows:
                shown.append(("table", rows))
        at = end
    shown += [("flow", text) for text in _flowing(safe[at:], quotes)]
    return shown


def _verbatim_or_tables(safe: str, tables: bool) -> list[tuple[int, int]]:
    """Where each <pre> and (with ``tables``) each outermost table in the sanitised ``safe``
    begins and ends, in order (a table in a <pre>, or a <pre> in a table, is within it)."""
    if "<pre" not in safe and "<table" not in safe:
        return []
    found: list[tuple[int, int]] = []
    at = 0
    while True:
        pre, table = safe.find("<pre", at), safe.find("<table", at) if tables else -1
        if pre == -1 and table == -1:
            return found
        if table == -1 or -1 < pre < table:
            whole = _PRE.match(safe, pre)
            end = whole.end() if whole else len(safe)
            found.append((pre, end))
            at = end
            continue
        depth, end = 0, -1
        for tag in _TABLE_TAG.finditer(safe, table):
            depth += -1 if tag.group(1) else 1
            if depth == 0:
                end = safe.find(">", tag.end()) + 1
                break
        if end <= 0:  # (the sanitiser closes every table it opens)
            return found
        found.append((table, end))
        at = end


_ROW = re.compile(r"<tr\b[^>]*>", re.I)
# A table within the one being read, and what it holds (one in it too: innermost first, the
# lookahead keeps another '<table' out).
_INNER_TABLE = re.compile(r"<table\b(?:(?!<table\b).)*?</table>", re.I | re.S)
_CELL = re.compile(r"<t[dh]\b[^>]*>", re.I)


def _table_rows(table: str, quotes: tuple[str, str]) -> tuple[list[str], list[list[str]]]:
    """A sanitised table's rows, each the text of its cells on one line (a table within a
    cell is its words), evened out to as many cells as the longest row has, as markdown-it
    evens a Markdown table's; and the paragraphs of what comes before its first row (a
    caption's words, which the sanitiser keeps). A cell's italics, bold and quotations are
    marked as a paragraph's (``quotes``: a quotation's marks), as a Markdown table's are."""
    # A table in a cell: its words, on the cell's line (the outermost's '<' left out of the
    # search: it is the one being read).
    while _INNER_TABLE.search(table, 1):
        table = table[0] + _INNER_TABLE.sub(lambda t: " " + _HTML_TAG.sub(" ", t[0]), table[1:])
    first, *rows = _ROW.split(table)
    inner = first[first.find(">") + 1 :]
    written = []
    for row in rows:
        cells = [
            one_line(unescape(_HTML_TAG.sub(" ", _BREAK.sub(" ", _marked_html(cell, quotes)))))
            for cell in _CELL.split(row)[1:]
        ]
        if cells:
            written.append(cells)
    if not written:
        return _flowing(table, quotes), []
    most = max(len(cells) for cells in written)
    return _flowing(inner, quotes), [cells + [""] * (most - len(cells)) for cells in written]


# An italic, bold or quotation tag in sanitised HTML, opening or closing ('<b' is no <br>).
_MARKED_TAG = re.compile(r"<(/?)(em|i|strong|b|q)\b[^>]*>")
_MARKS = {"em": "_", "i": "_", "strong": "*", "b": "*"}
# The <URL> that ends a link's or a picture's words once written out (_link_text,
# _picture_text), escaped as the sanitised HTML around it: an absolute address, with its
# scheme (words typed '&lt;b&gt;' are not one), or a mail address (see _written_address).
_ADDRESS_AT_END = re.compile(
    r"\s*&lt;(?:[a-zA-Z][\w+.-]*:[^\s<>]*|[^\s<>\"'?%&@]+@[^\s<>\"'?%&@]+)&gt;\s*$"
)


def _marked_html(safe: str, quotes: tuple[str, str]) -> str:
    """Sanitised ``safe`` with its italics ``_words_``, its bold ``*words*`` and its <q>
    between ``quotes``, as the text part writes them (see :func:`_marks_around`); a link's
    <URL> ending the words after the closing mark, as :func:`_inline_text` writes it."""
    # Read in one pass with the tags open, as _inline_text reads a paragraph: italics within
    # italics (or bold within bold) are marked once, by the outer pair ('_Watch Cléo from 5
    # to 7 tonight_', as Markdown's; innermost first, they were marked twice,
    # '_Watch _Cléo from 5 to 7_ tonight_'), at any depth (four at most were).
    out: list[str] = []
    opened: list[tuple[str, int]] = []  # the tags open, outermost first: name, where it began
    marking = {"_": 0, "*": 0}  # of each mark, the tags open
    at = 0
    for tag in _MARKED_TAG.finditer(safe):
        out.append(safe[at : tag.start()])
        at = tag.end()
        closing, name = tag.group(1), tag.group(2)
        if not closing:
            opened.append((name, len(out)))
            out.append("")  # where a quotation's opening mark goes
            if name in _MARKS:
                marking[_MARKS[name]] += 1
            continue
        if not opened or opened[-1][0] != name:  # (the sanitiser closes what it opens)
            continue
        start = opened.pop()[1]
        if name == "q":
            out[start] = quotes[0]
            out.append(quotes[1])
            continue
        mark = _MARKS[name]
        marking[mark] -= 1
        if marking[mark]:
            continue  # within words marked so already: one pair of marks, the outer one
        inner = "".join(out[start:])
        address = _ADDRESS_AT_END.search(inner)
        words, tail = (inner[: address.start()], address[0]) if address else (inner, "")
        shown = _TAG.sub("", words)
        # The character after the closing tag, past other italic and bold tags (a tag or an
        # entity is no letter).
        after = _MARKED_TAGS.match(safe, at)
        if shown.strip() and not _within_word(
            shown, _TAG.sub("", _last_written(out, start))[-1:], safe[after.end() : after.end() + 1]
        ):
            out[start:] = [_marks_around(words, mark) + tail]
    out.append(safe[at:])
    return "".join(out)


# Italic and bold tags side by side, or none.
_MARKED_TAGS = re.compile(r"(?:</?(?:em|i|strong|b)\b[^>]*>)*")


def _last_written(pieces: list[str], end: int) -> str:
    """The last of ``pieces`` before ``end`` with anything in it."""
    for at in range(end - 1, -1, -1):
        if pieces[at]:
            return pieces[at]
    return ""


# Scripts written without spaces between words: Thai, Lao, Myanmar, Khmer.
_UNSPACED = re.compile("[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]")


def _within_word(words: str, before: str, after: str) -> bool:
    """Whether italics or bold around ``words`` would stand inside a word: a letter or a
    digit right before or after them ('foo*bar*baz', 'word*s*'). Their marks are left out
    there: 'foo_bar_baz' reads as a program's identifier, not a word in italics. Not in a
    script written without spaces (Chinese, Japanese, Thai...), whose every italic words
    stand between letters and are told only by their marks."""

    def letter(char: str) -> bool:
        return (
            char.isalnum()
            and unicodedata.east_asian_width(char) not in "WF"
            and not _UNSPACED.match(char)
        )

    return (letter(before) and not words[:1].isspace()) or (
        letter(after) and not words[-1:].isspace()
    )


def _marks_around(words: str, mark: str) -> str:
    """``words`` between two ``mark``, the spaces at either end outside them: written inside
    ('_ words _'), a line could break at them and leave a mark alone."""
    core = words.strip(" \t\n")
    if not core:
        return words
    at = words.index(core)
    return f"{words[:at]}{mark}{core}{mark}{words[at + len(core) :]}"


def _flowing(safe: str, quotes: tuple[str, str]) -> list[str]:
    # Italics, bold and quotations marked; not a <pre>'s, whose lines are kept as typed.
    if "<i" in safe or "<em" in safe or "<b" in safe or "<strong" in safe or "<q" in safe:
        safe = _marked_html(safe, quotes)
    # A line break of the source is a space, as on the page; a <br> is a line break in its
    # paragraph (either began a paragraph of its own).
    safe = _BREAK.sub("\n", safe.replace("\n", " "))
    paragraphs = []
    # Apart at each block's edge by a character the sanitiser leaves in no text.
    for block in _HTML_TAG.sub("", _BLOCK_TAG.sub("\0", safe)).split("\0"):
        # one_line: a no-break space (&nbsp;) kept, which str.split() took for a space.
        lines = [one_line(unescape(line)) for line in block.split("\n")]
        if any(lines):
            paragraphs.append("\n".join(lines).strip("\n"))
    return paragraphs


def _preformatted(pre: str) -> str:
    # Its lines as the page shows them (a <br> one more), and as a code block's are kept:
    # the blank ones around them dropped (HTML drops the line break right after <pre>).
    text = unescape(_HTML_TAG.sub("", _BREAK.sub("\n", pre)))
    lines = [line.rstrip() for line in text.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    start = 0
    while start < len(lines) and not lines[start]:
        start += 1
    return "\n".join(lines[start:])


def _link_text(found: re.Match[str]) -> str:
    # A link in sanitised HTML as the text shows one: its words, then its <URL>; a picture
    # in its words is its alt (its own address beside the link's said neither which was it).
    words, href = found.group(2), _attributes(found.group(1)).get("href")
    if href is None:  # no address: its words alone, as the tags around them are dropped
        return found.group()
    if "<img" in words:
        words = _IMG.sub(lambda img: _attributes(img.group()).get("alt", ""), words)
    if _own_address(unescape(_HTML_TAG.sub("", words)), unescape(href)):
        return f"&lt;{_written_address(href)}&gt;"
    return f"{words} &lt;{_written_address(href)}&gt;"


_PRE = re.compile(r"<pre\b.*?</pre>", re.IGNORECASE | re.DOTALL)


_HEADING = re.compile(r"<(/?)h([1-6])(?=[\s>/])", re.IGNORECASE)

# Raw HTML an editor typed, to drop from plain text; "<https://...>" is how links are shown.
_HTML_TAG = re.compile(r"<(?!https?://|mailto:)/?[a-zA-Z][^>]*>")


@lru_cache(maxsize=1)
def text_parser() -> MarkdownIt:
    """The Markdown parser of :func:`to_text` (made on first use)."""
    md = _commonmark()
    # Every address read as one, as cmark reads it for the HTML: refused ('javascript:',
    # 'file:'), a link was left as its Markdown, '[the trailer](javascript:void(0))', where
    # the page shows its words. What the sanitiser takes out, _inline_text takes out too.
    md.validateLink = _any_address
    return md


def _any_address(url: str) -> bool:
    return True


def _linkable(address: str) -> bool:
    """Whether the sanitiser keeps a link to (or a picture at) ``address``, absolute: its
    scheme is one of :data:`LINK_SCHEMES`."""
    return urlsplit(address).scheme.lower() in LINK_SCHEMES


@lru_cache(maxsize=1)
def source_parser() -> MarkdownIt:
    """:func:`text_parser`, but leaving a character written escaped (``\\<``, ``&lt;``) a
    ``text_special`` token of its own: for checks that must tell what the editor wrote from
    what a reader sees, which ``text_join`` makes one text."""
    return _commonmark().disable("text_join")


def _commonmark() -> MarkdownIt:
    from markdown_it import MarkdownIt  # on first use: a warm build renders no text

    # html=True lets editors write raw HTML; nh3 then removes anything unsafe.
    return (
        MarkdownIt("commonmark", {"html": True, "linkify": False})
        .enable("table")
        .enable("strikethrough")
    )


# The attribute of a Markdown token that holds an address.
_ADDRESSED = {"link_open": "href", "image": "src"}


def _absolutize(tokens: list[Token], base: str, on_site: dict[str, str]) -> None:
    # As the HTML's addresses (see _absolute): a picture under media/, or a link to one, is on
    # the site's media/, not under the page (the text part once sent readers to no file).
    for token in tokens:
        name = _ADDRESSED.get(token.type)
        if name and token.attrs.get(name):
            address = _resolved(str(token.attrs[name]), base, on_site)
            # One the page takes out (a data: picture, kilobytes long), the text part too.
            scheme = urlsplit(address).scheme.lower()
            token.attrSet(name, address if scheme in LINK_SCHEMES else "")
        if token.children:
            _absolutize(token.children, base, on_site)


def to_html(text: str, base_url: str, pictures: Iterable[Picture] = ()) -> str:
    """Render Markdown to sanitised HTML whose links and images are absolute URLs.

    ``pictures``: the files under media/ the text shows (:class:`~dopemail.models.Picture`):
    a picture is on the site's media/, not under the page that shows it, and is given its
    size.
    """
    shown = list(pictures)
    if "<t" in text or "<T" in text:
        text = _tables_closed(text)
    # cmark-gfm (C) renders; CommonMark plus GitHub's tables, as the markdown-it parser used
    # for plain text reads it. UNSAFE keeps the raw HTML editors type: nh3 sanitises it below.
    # ~~struck~~ too (a showtime moved: "~~Friday~~ Saturday"), as GitHub reads it.
    html = cmarkgfm.markdown_to_html_with_extensions(
        text,
        # (Two tildes, as the text part's parser reads them: '~90 min' stays as written.)
        options=Options.CMARK_OPT_UNSAFE | Options.CMARK_OPT_STRIKETHROUGH_DOUBLE_TILDE,
        extensions=["table", "strikethrough"],
    )
    clean = _sanitised(html, base_url, {p.written: p.url for p in shown}).strip()
    if "<h" in clean:  # (the sanitiser writes tags in lower case)
        # Counted once the sanitiser has dropped what is never shown: a heading in a
        # comment or a script set no level.
        clean = _headings_under_title(clean)
    if "<img" in clean:
        # A picture whose address the sanitiser took out (data:, ftp:) shows nothing: left
        # out, which bodytext.dropped_html warns of at its line. Kept, the email's check
        # failed on an address it could only call '?', in no file, at no line.
        clean = _NO_SOURCE.sub("", clean)
    if "<p></p>" in clean:  # a paragraph of an element left out with all it held
        clean = clean.replace("<p></p>\n", "").replace("<p></p>", "")
    if "<p><img" in clean or "<p><a" in clean:
        clean = _LONE.sub(r'\1<img class="lone"', clean)
    if "<table" in clean:
        clean = _tables_held(clean)
    return _sized(clean, shown) if shown else clean


_NO_SOURCE = re.compile(r"<img\b(?![^>]*\ssrc=)[^>]*>")


def _headings_under_title(html: str) -> str:
    # The page's own title is its one h1; the text's top headings are h2 under it, and its
    # lower ones keep their order below them ('#' then '##': h2 then h3, not two h2 a screen
    # reader tells as siblings; a text begun at '###' has no h2 skipped). (Left to the
    # sanitiser, an h1 lost its element and its words ran into the next line.)
    levels = {int(m.group(2)) for m in _HEADING.finditer(html)}
    if not levels or min(levels) == 2:
        return html
    shift = 2 - min(levels)
    return _HEADING.sub(lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + shift, 6)}", html)


_TABLE_TAG = re.compile(r"<(/?)table(?=[\s/>])", re.I)
_COMMENT_HELD = re.compile(r"<!--.*?(?:-->|$)", re.S)


def uncommented(html: str) -> str:
    """``html`` without what its comments hold, its lines kept (their numbers stay true):
    what a comment holds is never published."""
    if "<!--" not in html:
        return html
    return _COMMENT_HELD.sub(lambda c: "\n" * c.group().count("\n"), html)


def tables_left_open(text: str) -> list[tuple[int, int]]:
    """(line of its <table>, line its block ends on, both from 0) of each table that a raw
    HTML block of the Markdown ``text`` opens and neither it nor a later block closes. (A
    table closed in a later block, its cells holding Markdown between blank lines, is
    GitHub's way of writing one.)"""
    # (Not by counting '</table': one in a code span or a comment is no closing tag.)
    if "<table" not in text.lower():
        return []
    opened: list[tuple[int, int]] = []
    for token in source_parser().parse(text):
        if token.type != "html_block" or not token.map:
            continue
        html = uncommented(token.content)
        for tag in _TABLE_TAG.finditer(html):
            if not tag.group(1):
                opened.append((token.map[0] + html.count("\n", 0, tag.start()), token.map[1] - 1))
            elif opened:
                opened.pop()
    return opened


def _tables_closed(text: str) -> str:
    """``text`` with each table left open closed where its raw HTML block ends (see
    :func:`tables_left_open`): the sanitiser closed it at the end of the piece, every
    paragraph after it in its last cell."""
    left_open = tables_left_open(text)
    if not left_open:
        return text
    lines = text.split("\n")
    for _, end in left_open:
        lines[end] += "</table>"
    return "\n".join(lines)


# A picture alone in its paragraph (a link around it or not): shown as a block of its own,
# by the pages' and the email's styles; one in a sentence (an icon, a star) stays in its line.
_LONE = re.compile(r"(<p>(?:<a\b[^>]*>)?)<img(?=\b[^>]*>(?:</a>)?</p>)")


# A table in a box of its own, which the pages' and the email's styles let scroll sideways
# when its words, kept whole, are wider than a phone's screen; and in its cells, a word too
# long for any phone's column (a 375 px phone's is 327 px, some 45 letters of the email's
# 17 px Georgia: from 46, an address), marked to be broken at its cell's edge. A word so
# marked may be squeezed like any other: marked from 31, a 42-letter German word that a
# phone's column holds was cut in three; shorter ones are kept whole and the box scrolls.
# Breaking every word so ("overflow-wrap: anywhere" on the cells) let a table squeeze its
# columns narrower than their words: "Direct/or", "Venu/e".
_TEXT_OR_TAG = re.compile(r"(<[^>]*>)")
_LONG_WORD = re.compile(r"[^\s<>]{46,}")


def _tables_held(html: str) -> str:
    # Text and tags in turn: the sanitiser escapes < and > in text and in attribute values,
    # and closes every table it opens. A table in a table stays in its cell, in no box.
    parts = _TEXT_OR_TAG.split(html)
    depth = 0
    for at, part in enumerate(parts):
        if at % 2:
            if part.startswith("<table"):
                depth += 1
                if depth == 1:
                    parts[at] = '<div class="table">' + part
            elif part == "</table>":
                depth -= 1
                if depth == 0:
                    parts[at] = "</table></div>"
        elif depth and len(part) > 45:
            parts[at] = _LONG_WORD.sub(r'<span class="long">\g<0></span>', part)
    return "".join(parts)


def _sanitised(html: str, base_url: str, on_site: dict[str, str] | None = None) -> str:
    """``html`` through the sanitiser, its relative links and pictures made absolute from the
    page at ``base_url`` (``on_site``: pictures as written -> their address on the site)."""
    token = _base.set((base_url, on_site or {}))
    try:
        clean = _cleaner().clean(_held(html))
        if (
            _SAME_SCHEME_HINT.search(clean)
            or ' dir="' in clean
            or _FOREIGN_HOST_HINT.search(clean)
            or _SPACED_HINT.search(clean)
        ):
            # In tags alone: the sanitiser leaves " as typed in text, where 'href="https:'
            # is words (a code sample), which rewritten as a link once let a text write tags.
            clean = _TAG.sub(_attributes_mended, clean)
        if ' align="' in clean:
            clean = _ALIGN.sub(r'<\1 style="text-align:\2"', clean)
        return clean
    finally:
        _base.reset(token)


# A table's column alignment ('|:--|--:|'), as Markdown writes it: align, which HTML made
# obsolete; as the style it stands for, which mail programs keep too. (The sanitiser keeps no
# other attribute on a cell, and writes it double-quoted.)
_ALIGN = re.compile(r'<(t[dh]\b[^>]*?) align="(left|center|right)"')

# A direction that is none of HTML's three: dropped (the sanitiser keeps any value).
_BAD_DIR = re.compile(r'\sdir="(?!(?:ltr|rtl|auto)")[^"]*"', re.IGNORECASE)

# 'https:page.html' and 'https:/path': relative references with the page's own scheme, which
# URL parsers (the sanitiser's among them) read as absolute and a feed reader or mail program
# resolves to the host 'page.html'; joined with the page's address as any relative URL is.
# Attribute values as the sanitiser writes them: double-quoted, with & " and NBSP escaped.
_SAME_SCHEME = re.compile(r'(\s(?:href|src)=")(https:(?!//)[^"]*)"', re.IGNORECASE)
# What every such attribute holds, looked for first: the pattern above begins with a class (a
# space) that the regex engine tries at every character, a tenth of rendering an entry; this
# one begins with text it finds at memory speed.
_SAME_SCHEME_HINT = re.compile(r'="https:(?!//)', re.IGNORECASE)


# An address written with spaces around it (href=" https:page"), or a tab or a line break in
# it: the sanitiser keeps it as typed, where browsers read it without them (HTML drops ASCII
# whitespace around a URL, and a URL parser every tab and line break in it). Left so, the
# mending above, which reads the address from its first character, passed it by: a feed
# reader made 'page' the host. (A no-break space is no space to HTML: such an address is
# relative, as the sanitiser reads it.) Looked for first, from its '="' (found at memory
# speed, as _SAME_SCHEME_HINT's 'https:').
_SPACED_HINT = re.compile(r'="(?:[\x00-\x20]|[^"\t\n\r]*[\t\n\r]|[^"]*[\x00-\x20]")')


def _unspaced(tag: str) -> str:
    """``tag`` with its href and src read as browsers read them: without the spaces and
    control characters around them, nor a tab or a line break in them."""
    name = _TAG_NAME.match(tag)
    if name is None:
        return tag
    parts, at = [tag[: name.end()]], name.end()
    for attribute in _each_attribute(tag):
        space, key, value = attribute.groups()
        if value is not None and key.lower() in ("href", "src"):
            address = value.replace("\t", "").replace("\n", "").replace("\r", "")
            parts.append(f'{space}{key}="{address.strip(_C0_OR_SPACE)}"')
        else:
            parts.append(attribute.group())
        at = attribute.end()
    return "".join(parts) + tag[at:]


# What a URL parser drops around an address (HTML's spaces among them).
_C0_OR_SPACE = "".join(map(chr, range(0x21)))


# A start tag as the sanitiser writes it: it escapes < and > in attribute values (and in
# text), so every < it writes opens a tag and the first > after it closes that tag.
_TAG = re.compile(r"<[a-zA-Z][^>]*>")


def _attributes_mended(tag: re.Match[str]) -> str:
    written = tag.group()
    if _SPACED_HINT.search(written):  # first: what follows reads the address as browsers do
        written = _unspaced(written)
    if _SAME_SCHEME_HINT.search(written):
        written = _SAME_SCHEME.sub(_joined, written)
    if ' dir="' in written:
        written = _BAD_DIR.sub("", written)
    if _FOREIGN_HOST_HINT.search(written):
        written = _FOREIGN_HOST.sub(_dns_host, written)
    return written


# A link's or a picture's international domain, %-encoded as cmark writes it ('caf%C3%A9.
# example') or as typed in raw HTML ('café.example'): a name no DNS has, which a feed reader
# or a program other than a browser looks up as written. Its DNS form instead, as the front
# matter's addresses get (config.ascii_url).
_FOREIGN_HOST = re.compile(
    r'(\s(?:href|src)="https?://(?:[^@/"?#]*@)?)([^/"?#:]*(?:%[0-9A-Fa-f]{2}|[^\x00-\x7f])[^/"?#:]*)',
    re.IGNORECASE,
)
_FOREIGN_HOST_HINT = re.compile(r'="https?://[^/"?#]*(?:%|[^\x00-\x7f])', re.IGNORECASE)


def _dns_host(found: re.Match[str]) -> str:
    host = unquote(unescape(found.group(2)))
    try:
        dns = dns_host(host)
    except UnicodeError:  # no name a browser reaches either: left as written
        return found.group()
    # Letters, digits, hyphens and dots only: IDNA lets an ASCII label through as it is, and
    # decoded, '%22' would be a '"' put back after the sanitiser, closing the attribute
    # ('a%22onmouseover=...'). A host of anything else is left as written.
    return found.group(1) + dns if _DNS_NAME.fullmatch(dns) else found.group()


_DNS_NAME = re.compile(r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.?")


def _joined(found: re.Match[str]) -> str:
    url = _absolute(unescape(found.group(2)))
    # Escaped as the sanitiser escapes a value: < and > too, so that _TAG and _IMG still
    # find where each tag ends.
    escaped = (
        url.replace("&", "&amp;")
        .replace("\xa0", "&nbsp;")
        .replace('"', "&quot;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
    )
    return f'{found.group(1)}{escaped}"'


# The page a text is on, and the pictures it shows (as written -> their URL on the site), for
# the sanitiser's callback: one sanitiser serves every text (making one per text cost a fifth
# of sanitising), so what differs from text to text is handed over here.
_base: ContextVar[tuple[str, dict[str, str]]] = ContextVar("_base")


def _absolute(url: str) -> str:
    # Every relative link and picture, Markdown or raw HTML: feeds and emails need absolute
    # URLs. cmark %-encodes what it writes (an accent, a space): pictures compared as named.
    base_url, on_site = _base.get()
    # Browsers drop the spaces around a URL in an attribute (href=" ../page/ "): so do we,
    # or they would be kept inside the absolute URL, where the link checker finds no page.
    return _resolved(url.strip(" \t\n\f\r"), base_url, on_site)


def _resolved(url: str, base_url: str, on_site: dict[str, str]) -> str:
    """``url`` made absolute from the page at ``base_url``; a picture the text shows
    (``on_site``: as written -> its address), on the site's media/."""
    return on_site.get(unquote(url)) or urljoin(base_url, url)


#: Elements a text's HTML loses with all they hold, their words too (an embed's "your browser
#: does not support the video tag", a form's labels): players, scripts, forms. The build
#: warns of each (see bodytext.dropped_html). Only an element closed in the same block goes with
#: its words (see _held); one never closed loses its tag alone, not the rest of the piece.
DROPPED_WHOLE = frozenset(
    {
        "script", "style", "iframe", "embed", "object", "video", "audio", "form", "select",
        "textarea", "button", "noscript", "canvas", "svg", "applet", "frameset", "frame",
        "template",
    }
)  # fmt: skip
# A MathML formula's annotations: its source in another notation (TeX), which browsers do
# not show; kept, it would follow the formula's own text ('x=2x = 2').
_ANNOTATIONS = frozenset({"annotation", "annotation-xml"})
_CONTAINERS = DROPPED_WHOLE - {"embed", "frame"} | _ANNOTATIONS  # (void: nothing inside)
# An element of those and what it holds, up to its closing tag within the block (no blank
# line between): as browsers read a closed one. (The longer names first: 'annotation-xml'.)
_HELD = re.compile(
    r"<("
    + "|".join(sorted(_CONTAINERS, reverse=True))
    + r")\b[^>]*(?<!/)>(?:(?!\n[ \t]*\n).)*?</\1\s*>",
    re.I | re.S,
)

# MathML's elements (MathML Core's and MathML 3's presentation ones), whose tags are taken
# out before the sanitiser: what they hold is kept as text ('1.85:1'). The sanitiser drops
# each with its words, whatever namespace it is in, and a <math> never closed took the rest
# of the piece in (its <mtext> reads the paragraphs after it as its own); mail programs show
# no MathML anyway.
MATHML = frozenset(
    {
        "math", "maction", "maligngroup", "malignmark", "menclose", "merror", "mfenced",
        "mfrac", "mglyph", "mi", "mlabeledtr", "mlongdiv", "mmultiscripts", "mn", "mo",
        "mover", "mpadded", "mphantom", "mprescripts", "mroot", "mrow", "ms", "mscarries",
        "mscarry", "msgroup", "msline", "mspace", "msqrt", "msrow", "mstack", "mstyle", "msub",
        "msubsup", "msup", "mtable", "mtd", "mtext", "mtr", "munder", "munderover", "none",
        "semantics",
    }
)  # fmt: skip
# (Its attributes read past a quoted '>': Wikipedia's formulas carry alttext="x > 1".)
_MATH_TAG = re.compile(
    r"</?(?:" + "|".join(sorted(MATHML)) + r")(?=[\s/>])(?:\"[^\"]*\"|'[^']*'|[^'\">])*>", re.I
)


# Elements whose content a parser reads as plain text up to their closing tag: one left open
# (or written '<iframe ... />') took the rest of the piece as its text.
_RAW_TEXT_OPEN = re.compile(
    r"<(?:iframe|textarea|noscript|noembed|noframes|xmp|script|style)\b[^>]*>", re.I
)


def _held(html: str) -> str:
    """``html`` without the players, scripts and forms closed in their block, and what they
    hold (the sanitiser then drops the tags left, keeping what is between them); and without
    the opening tag of one left open whose content a parser would read to the end; and
    without a formula's MathML tags, its text kept."""
    if "<" not in html:
        return html
    html = _HELD.sub("", html)
    if "<m" in html or "<M" in html or "</m" in html or "</M" in html:  # (13 % of a text)
        html = _MATH_TAG.sub("", html)
    return _RAW_TEXT_OPEN.sub("", html)


#: Where a link or a picture in a text may lead: any other address is taken out, the link's
#: words left as text (bodytext.dropped_html warns of each).
LINK_SCHEMES = frozenset({"http", "https", "mailto"})


@lru_cache(maxsize=1)
def _cleaner() -> nh3.Cleaner:
    # Only relative URLs reach the callback (an attribute filter called for every attribute
    # cost as much as the sanitising itself).
    return nh3.Cleaner(
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=set(LINK_SCHEMES),
        link_rel="noopener",
        url_relative=_absolute,
    )


_IMG = re.compile(r"<img\b[^>]*>")


def _sized(html: str, pictures: list[Picture]) -> str:
    # Width and height on every picture of the site the text shows, unless written: a page
    # keeps its layout while pictures load, and Outlook lays out an email by them.
    sizes = {p.url: p for p in pictures if p.width and p.height}

    def size(match: re.Match[str]) -> str:
        tag = match.group()
        src = re.search(r'\ssrc="([^"]*)"', tag)
        picture = sizes.get(unescape(src.group(1))) if src else None
        if picture is None or re.search(r"\s(width|height)=", tag):
            return tag
        return f'{tag[:-1]} width="{picture.width}" height="{picture.height}">'

    return _IMG.sub(size, html)


_WIDTH = re.compile(r'\swidth="\s*(\d+)(?:px)?\s*"', re.IGNORECASE)
_HEIGHT = re.compile(r'\sheight="\s*(\d+)(?:px)?\s*"', re.IGNORECASE)


def fit_pictures(html: str, width: int) -> str:
    """Every picture of ``html`` whose written width is over ``width`` made that wide, its
    height scaled with it; and every picture with a width no wider than the column on a
    narrower screen."""
    if "<img" not in html:
        return html

    def fit(match: re.Match[str]) -> str:
        tag = match.group()
        wide = _WIDTH.search(tag)
        if wide is None:
            return tag
        if int(wide.group(1)) <= width:
            # Narrower than the column on a phone too, while pictures are blocked (a picture
            # not shown keeps its width attribute's, whatever max-width says, and the email
            # grew as wide as it).
            if " style=" in tag:
                return tag
            return f'{tag[:-1]} style="width:100%;max-width:{wide.group(1)}px">'
        high = _HEIGHT.search(tag)
        if high is not None:
            height = max(1, round(int(high.group(1)) * width / int(wide.group(1))))
            tag = f'{tag[: high.start()]} height="{height}"{tag[high.end() :]}'
            wide = _WIDTH.search(tag)
            assert wide is not None
        tag = f'{tag[: wide.start()]} width="{width}"{tag[wide.end() :]}'
        # As wide as the column, and no wider on a phone even while pictures are blocked (a
        # picture not shown keeps its width attribute's, whatever max-width says).
        return tag if " style=" in tag else f'{tag[:-1]} style="width:100%">'

    return _IMG.sub(fit, html)


# Raw HTML whose words are code, a key or a program's output: its spaces as typed, as a code
# span's.
_VERBATIM = frozenset({"code", "kbd", "samp"})


class _Address(str):
    """A link's <URL> as :func:`_inline_text` writes it: a mark closing words in italics or
    bold goes before it ('_words_ <URL>', not '_words <URL>_', whose '>_' a mail program
    took into the address)."""


# A raw tag's name -> the mark that shows what it does to its words in a plain text.
_MARK_OF = {"em": "_", "i": "_", "strong": "*", "b": "*"}
# Markdown's emphasis tokens -> their mark: italics '_words_', bold '*words*', as plain-text
# mail has long written them.
_MARK_OF_TOKEN = {"em_open": "_", "em_close": "_", "strong_open": "*", "strong_close": "*"}


def _inline_text(
    tokens: list[Token],
    base_url: str,
    on_site: dict[str, str],
    quotes: tuple[str, str] = ("“", "”"),
    bold: bool = True,
) -> str:
    # quotes: a <q>'s marks, which the browser shows and a plain text must write.
    # bold: whether bold words are marked '*so*'; not in words the text part sets between
    # asterisks already (a lower heading), where they read as doubled marks ('**A**').
    out: list[str] = []
    # Italics and bold open, each kind apart: where each began. (One list of both, searched
    # at each close for its kind, made a paragraph nested 10,000 deep take seconds.)
    marks: dict[str, list[int]] = {"_": [], "*": []}

    def close_marked(mark: str, index: int) -> None:
        # index: the closing token's.
        opened = marks[mark]
        if not opened:
            return
        start = min(opened.pop(), len(out))
        if opened or (mark == "*" and not bold):
            return  # within words marked so already: one pair of marks, the outer one
        tail = [out.pop()] if len(out) > start and isinstance(out[-1], _Address) else []
        words = "".join(out[start:])
        if words.strip() and not _within_word(
            words, _last_written(out, start)[-1:], _shown_after(tokens, index)
        ):
            words = _marks_around(words, mark)
        out[start:] = [words, *tail]

    # Links open, each with where its words begin: Markdown's, and raw <a> tags (each closer
    # closes its own kind).
    href_stack: list[tuple[str, bool, int]] = []
    raw_stack: list[tuple[str, int]] = []
    scripts: list[tuple[str, int]] = []  # raw <sup> and <sub>, open: where each began
    dropped = ""  # a raw element left out with all it holds, open (an <iframe>...</iframe>)
    verbatim = 0  # raw <code>, <kbd> and <samp> open: their words as written, as a code span's
    for index, token in enumerate(tokens):
        if dropped:
            if token.type == "html_inline" and token.content.lower().startswith(f"</{dropped}"):
                dropped = ""
            continue
        if token.type == "html_inline":
            # Raw HTML typed in a paragraph: a link's address and a picture are kept, as
            # Markdown's are (the part once lost them: '...and a raw link.'); other tags go,
            # and the players, scripts and forms with their words, as in the page.
            tag = token.content
            name = tag[1:].split(None, 1)[0].rstrip("/>").lower() if len(tag) > 1 else ""
            closer = f"</{name}"
            if (
                name in _CONTAINERS
                and not tag.rstrip().endswith("/>")
                and any(
                    t.type == "html_inline" and t.content.lower().startswith(closer)
                    for t in tokens[index + 1 :]
                )
            ):
                dropped = name  # closed in this paragraph: its words go, as on the page
            elif name == "a":
                raw_stack.append(
                    (_raw_inline(tag, base_url, on_site or {}).get("href", ""), len(out))
                )
            elif name == "/a" and raw_stack:
                href, start = raw_stack.pop()
                if href and _own_address("".join(out[start:]), href):
                    out[start:] = [_Address(f"<{_written_address(href)}>")]
                elif href:
                    out.append(_Address(f" <{_written_address(href)}>"))
            elif name in _MARK_OF:
                marks[_MARK_OF[name]].append(len(out))
            elif name[1:] in _MARK_OF:
                close_marked(_MARK_OF[name[1:]], index)
            elif name in ("q", "/q"):
                out.append(quotes[name == "/q"])
            elif name == "img":
                found = _raw_inline(tag, base_url, on_site)
                alt = found.get("alt", "")
                if href_stack or raw_stack:
                    out.append(alt)  # a link's picture, its alt the link's words (see below)
                elif "src" in found:
                    out += [f"[{alt}]", _Address(f" <{found['src']}>")]
                elif alt:  # its address taken out by the sanitiser: the page shows its alt
                    out.append(f"[{alt}]")
            elif name == "br":
                out.append("\n")
            elif name in _VERBATIM:
                verbatim += 1
            elif name[1:] in _VERBATIM and verbatim:
                verbatim -= 1
            elif name in ("sup", "sub"):
                scripts.append((name, len(out)))
            elif name in ("/sup", "/sub") and scripts and scripts[-1][0] == name[1:]:
                start = scripts.pop()[1]
                before = "".join(out[:start])[-1:]
                out[start:] = [_scripted("".join(out[start:]), name[1:], before)]
            continue
        if token.type == "text":
            if href_stack and href_stack[-1][1]:
                continue  # an autolink's text: its address is written when it closes
            if verbatim:
                out.append(_held_spaces(token.content))
            else:
                out.append(token.content)
        elif token.type == "code_inline":
            out.append(_held_spaces(token.content))
        elif token.type in ("softbreak",):
            out.append(" ")
        elif token.type == "hardbreak":
            out.append("\n")
        elif token.type in ("s_open", "s_close"):
            out.append("~~")  # a plain text shows a struck word as written, not as current
        elif token.type in ("em_open", "strong_open"):
            marks[_MARK_OF_TOKEN[token.type]].append(len(out))
        elif token.type in ("em_close", "strong_close"):
            close_marked(_MARK_OF_TOKEN[token.type], index)
        elif token.type == "link_open":
            href = str(token.attrs.get("href", ""))
            # A link the sanitiser takes out (ftp:, tel:, javascript:) is its words alone, as
            # on the page: an autolink's, its address as written.
            if not _linkable(href):
                href = ""
            auto = token.markup == "autolink" and bool(href)
            href_stack.append((href, auto, len(out)))
        elif token.type == "link_close" and href_stack:
            href, auto, start = href_stack.pop()
            if auto:
                # An autolink (<https://...>) is its own text: the URL once, in brackets, as
                # the HTML's href has it. The parser's text for it is decoded ('%20' a space,
                # '%E2%80%8B' an invisible character, a host in Unicode), which breaks the
                # address where the text part's reader copies or a mail program links it.
                out.append(_Address(f"<{_written_address(href)}>"))
            elif href and _own_address("".join(out[start:]), href):
                out[start:] = [_Address(f"<{_written_address(href)}>")]
            elif href:
                out.append(_Address(f" <{_written_address(href)}>"))
        elif token.type == "image":
            # Its address too, as the gallery's pictures have theirs: '[A still]' alone
            # showed a reader of the text part nothing to look at.
            src = str(token.attrs.get("src") or "")
            if not _linkable(src):
                src = ""  # taken out of the HTML too (a data: picture's kilobytes)
            alt = token.content
            if href_stack or raw_stack:
                # A picture a link is made of: its alt the link's words, the link's address
                # alone after them (two addresses side by side said neither which was the
                # link).
                out.append(alt)
            elif src or alt:
                out += [f"[{alt}]", _Address(f" <{src}>" if src else "")]
    # Each run of spaces and tabs one space, as the HTML shows it (the text part kept every
    # space typed, a tab a textwrap's run of them); code's as written, held apart till now.
    return _COLLAPSED.sub(" ", "".join(out)).translate(_SPACES_HELD_BACK)


def _shown_after(tokens: list[Token], index: int) -> str:
    """The first character a paragraph shows after ``tokens[index]``, past italics' and
    bold's own tokens and tags (which show none); none past anything else."""
    for later in range(index + 1, len(tokens)):
        token = tokens[later]
        if token.type in ("text", "code_inline"):
            return token.content[:1]
        if token.type in _MARK_OF_TOKEN:
            continue
        if token.type == "html_inline" and _MARK_TAG.match(token.content):
            continue
        return ""
    return ""


_MARK_TAG = re.compile(r"</?(?:em|i|strong|b)(?=[\s/>])", re.I)


# What HTML collapses in a paragraph's text (not a line break, which is a hard break's here,
# nor a no-break space).
_COLLAPSED = re.compile(r"[ \t\f\r]+")
# Code's spaces and tabs, held as control characters no editor types (the parser makes a
# NUL U+FFFD) while the rest is collapsed.
_SPACES_HOLD = str.maketrans({" ": "\x00", "\t": "\x01"})
_SPACES_HELD_BACK = str.maketrans({"\x00": " ", "\x01": "\t"})


def _held_spaces(code: str) -> str:
    """``code`` with its spaces and tabs held, to be written back as typed (see
    :data:`_SPACES_HELD_BACK`)."""
    return code.translate(_SPACES_HOLD)


def _fill(text: str, width: int, first: str, rest: str) -> str:
    # Each line a hard break ends is wrapped on its own, the break kept.
    lines = []
    for number, line in enumerate(text.split("\n")):
        start = first if number == 0 else rest
        lines.append(fill(no_quote_breaks(line.strip()), width, start, rest) or start.rstrip())
    return "\n".join(lines)


def _heading(words: str, tier: int, width: int, first: str, rest: str) -> str:
    """A heading of the text, ``tier`` levels below its top ones (0: a top one), wrapped
    as a paragraph is, its words as written."""
    # Under the template's own structure, which it must not read as: the subject is
    # underlined with '=', a section's title (in capitals) with '-', a film's title and its
    # parts ('WHERE IT PLAYS') are in capitals. So the text's top headings are underlined
    # with '~', the next mark of reStructuredText's order, and the lower ones between
    # asterisks, as plain text writes bold: two looks, one level apart, as an intro needs
    # (in capitals, its six levels all read the same, and '#' as a section of the issue).
    if not words.strip():
        return first.rstrip()
    if tier:
        return _fill(f"*{words.strip()}*", width, first, rest)
    lines = _fill(words, width, first, rest)
    under = max(columns(line[len(rest) :]) for line in lines.split("\n"))
    return f"{lines}\n{rest}{'~' * under}"


def _code(code: str, first: str, rest: str, blank: str = "") -> str:
    # A code block's lines as written, indented four spaces past its container's; a blank
    # one given the mark ``blank`` (see to_text's keep_blank), one of spaces alone too (its
    # spaces are stripped with the line's end, and it was squeezed as a template's).
    lines = code.split("\n")
    return "\n".join(
        (rest, first)[i == 0] + "    " + (line if line.strip() else blank)
        for i, line in enumerate(lines)
    )


def _table(rows: list[list[str]], first: str, rest: str, width: int) -> str:
    # Columns padded to line up when the table fits the width; else each row a block of
    # 'header: value' lines, wrapped (its cells joined by " | " made a line as long as the
    # row, 138 columns for a film and its venue).
    # By the columns a cell takes, not its characters: a cell in Japanese is twice as wide.
    widths = [max(columns(row[i]) for row in rows if i < len(row)) for i in range(len(rows[0]))]
    if len(rest) + sum(widths) + 3 * (len(widths) - 1) <= width:
        lines = [
            " | ".join(
                cell + " " * (widths[i] - columns(cell)) for i, cell in enumerate(row)
            ).rstrip()
            for row in rows
        ]
        lines.insert(1, "-+-".join("-" * w for w in widths))
        return "\n".join((rest, first)[i == 0] + line for i, line in enumerate(lines))
    header, *body = rows
    # A table of headers alone: those, one a line.
    labels = [f"{cell}:" if cell and body else "" for cell in header]
    # The values line up after the headers, unless the longest takes a third of the line:
    # then each just after its own, its next lines indented as a venue's address is.
    lead = max(columns(label) + 1 if label else 0 for label in labels)
    aligned = lead <= width // 3
    blocks = []
    for row in body or [header]:
        lines = []
        for label, cell in zip(labels, row, strict=False):  # markdown-it evens rows out
            if not cell:  # an empty cell says nothing
                continue
            start = first if not blocks and not lines else rest
            if aligned:
                start, hang = start + label + " " * (lead - columns(label)), rest + " " * lead
            else:
                start, hang = start + (f"{label} " if label else ""), rest + "  "
            lines.append(fill(no_quote_breaks(cell), width, start, hang))
        if lines:
            blocks.append("\n".join(lines))
    # Rows apart as paragraphs are, the blank line between them quoted as they are.
    return f"\n{rest.rstrip()}\n".join(blocks) or first.rstrip()


class _List:
    """A list being written: its numbering and whether it is tight."""

    def __init__(self, ordered: bool, start: int, tight: bool) -> None:
        self.ordered, self.number, self.tight = ordered, start, tight

    def next_marker(self) -> str:
        if not self.ordered:
            return "- "
        self.number += 1
        return f"{self.number - 1}. "


class _Item:
    """A list item being written: its marker shows once, on its first line."""

    def __init__(self, marker: str) -> None:
        self.marker, self.shown = marker, False


class _Quote:
    """A block quote being written: its marker begins every line."""

    marker = "> "


#: What :func:`to_text` writes, asked to, on a blank line of a code block or a ``<pre>``: a
#: character no text holds (the parser makes a NUL typed U+FFFD).
VERBATIM_BLANK = "\0"


def to_text(
    text: str,
    base_url: str,
    width: int = 72,
    pictures: Iterable[Picture] = (),
    keep_blank: bool = False,
    words: Wording = ENGLISH,
) -> str:
    """Render Markdown as readable plain text: wrapped paragraphs and headings (the top
    ones underlined with '~', the lower ones between asterisks), links and pictures as
    <URL>, words in italics ``_so_`` and in bold ``*so*``, a quotation (<q>) between the
    quotation marks of ``words``' language, lists numbered and indented as written, tables
    in columns (or, too wide for them, a block of 'header: value' lines a row).

    ``pictures``: as :func:`to_html`'s, the files under media/ the text shows.
    ``keep_blank``: each blank line of a code block or a ``<pre>`` holds
    :data:`VERBATIM_BLANK`, for a caller that then squeezes runs of blank lines to tell
    which are the text's own (a poem's stanzas, a code sample's) and must stay.
    """
    blank = VERBATIM_BLANK if keep_blank else ""
    on_site = {p.written: p.url for p in pictures}
    # The marks the publication's pull quotes are given (« » in French).
    opening, _, closing = words.gettext("“%(quote)s”").partition("%(quote)s")
    quotes = (opening, closing)
    md = text_parser()
    tokens = md.parse(text)
    _absolutize(tokens, base_url, on_site)
    out: list[str] = []
    # What the current block sits in, outermost first: a quote or a list item.
    containers: list[_Quote | _Item] = []
    last_containers: list[_Quote | _Item] = []  # what the last block written sat in
    lists: list[_List] = []
    rows: list[list[str]] | None = None
    last_in_tight = False  # the last block written was an item of a tight list
    # The text's top heading level, whichever it is (as to_html's h2 under the title).
    top = min((int(t.tag[1]) for t in tokens if t.type == "heading_open"), default=1)

    def write(block: str) -> None:
        nonlocal last_in_tight, last_containers
        tight = bool(lists) and lists[-1].tight
        if out and tight and last_in_tight:
            out.append("\n")
        elif out:
            # The blank line between two blocks of one quote is quoted too: unmarked, it
            # ended the quote ('> Quote', '', '> > nested' read as two).
            shared = []
            for before, now in zip(last_containers, containers, strict=False):
                if before is not now:
                    break
                shared.append(now)
            lead = "".join(
                c.marker if isinstance(c, _Quote) else " " * len(c.marker) for c in shared
            )
            out.append(f"\n{lead.rstrip()}\n")
        out.append(block)
        last_in_tight, last_containers = tight, containers.copy()

    def indents() -> tuple[str, str]:
        # The first line's lead (an item's marker the first time) and the next lines'.
        first = rest = ""
        for container in containers:
            if isinstance(container, _Quote):
                first, rest = first + container.marker, rest + container.marker
                continue
            first += " " * len(container.marker) if container.shown else container.marker
            rest += " " * len(container.marker)
            container.shown = True
        return first, rest

    for index, token in enumerate(tokens):
        kind = token.type
        if kind == "blockquote_open":
            containers.append(_Quote())
        elif kind in ("bullet_list_open", "ordered_list_open"):
            # markdown-it hides the paragraphs of a tight list's items.
            tight = True
            for later in tokens[index + 1 :]:
                if later.level == token.level:  # the list's end
                    break
                if later.type == "paragraph_open":
                    tight = later.hidden
                    break
            start = token.attrGet("start") if kind == "ordered_list_open" else None
            lists.append(
                _List(kind == "ordered_list_open", int(start) if start is not None else 1, tight)
            )
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
            # After a nested list, its parent's next item follows as closely as the parent's
            # items do; after the whole list, a blank line.
            last_in_tight = bool(lists) and lists[-1].tight
        elif kind == "list_item_open":
            containers.append(_Item(lists[-1].next_marker()))
        elif kind in ("list_item_close", "blockquote_close"):
            item = containers[-1]
            if isinstance(item, _Item) and not item.shown:  # an empty item: its marker alone
                write(indents()[0].rstrip())
            containers.pop()
        elif kind == "table_open":
            rows = []
        elif kind == "tr_open" and rows is not None:
            rows.append([])
        elif kind == "table_close" and rows:
            write(_table(rows, *indents(), width))
            rows = None
        elif kind == "html_block":
            # Raw HTML an editor typed as a block (<div>, <details>): its words, as the page
            # shows them (what the page drops, a script's, is dropped here too).
            first, rest = indents()
            for kind_shown, shown in _html_block_text(token.content, base_url, on_site, quotes):
                # A <pre>'s lines as a code block's: indented, never rewrapped; a table as a
                # Markdown table (its cells were each a paragraph of their own).
                if isinstance(shown, list):
                    write(_table(shown, first, rest, width))
                elif kind_shown == "pre":
                    write(_code(shown, first, rest, blank))
                else:
                    write(_fill(shown, width, first, rest))
                first = rest
        elif kind == "inline":
            # Raw HTML is its own tokens, left out: what is left is text, a code span's
            # '<div>' included.
            opener = tokens[index - 1] if index else None
            # A lower heading is written between asterisks, as bold is: its bold words are
            # not marked again ('*A *bold* word*' read as two headings' marks).
            heading = opener is not None and opener.type == "heading_open"
            lower = heading and int(tokens[index - 1].tag[1]) > top
            content = _inline_text(
                token.children or [], base_url, on_site, quotes=quotes, bold=not lower
            )
            if rows is not None:
                rows[-1].append(one_line(content))  # (a no-break space kept)
                continue
            if opener is not None and opener.type == "heading_open":
                write(_heading(content, int(opener.tag[1]) - top, width, *indents()))
                continue
            write(_fill(content, width, *indents()))
        elif kind in ("fence", "code_block"):
            write(_code(token.content.rstrip(), *indents(), blank))
        elif kind == "hr":
            write(indents()[0] + "-" * 8)
    return "".join(out)


# With its attributes (an editor's <p lang="fr">, <p dir="rtl">, which the sanitiser keeps).
_PARAGRAPH = re.compile(r"<p(?:\s[^>]*)?>(.*?)</p>", re.S)
_TAG = re.compile(r"<[^>]+>")


_IMG_ALT = re.compile(r'<img\b[^>]*?\salt="([^"]*)"[^>]*>')


def first_paragraph(html: str) -> str:
    """The first paragraph of rendered HTML (from :func:`to_html`) with words in it, as plain
    text, for summaries; a picture in it is read as its alt text."""
    for found in _PARAGRAPH.finditer(html):
        # Struck words are left out: shown plain, '~~worst~~ best' read "worst best", the
        # opposite of what the page shows (a summary is the text as it now reads); a
        # paragraph struck whole is one with no words.
        # Where they were is marked (the sanitiser leaves no NUL) for the spaces around it.
        inner = _STRUCK.sub("\0", found.group(1))
        # A paragraph of pictures alone is skipped: its alt texts say what a picture shows,
        # not what the piece is about (the summary was once empty: an empty <summary/>).
        if not _TAG.sub("", inner).replace("\0", "").strip():
            continue
        # A line break is a space between its words ('café<br>second line' written as HTML
        # has no newline beside it, as Markdown's own has).
        text = _TAG.sub("", _BREAK.sub(" ", _IMG_ALT.sub(lambda m: m.group(1), inner)))
        return one_line(_STRUCK_GAP.sub("", unescape(text)).replace("\0", ""))
    return ""


_STRUCK = re.compile(r"<(del|s|strike)\b[^>]*>.*?</\1\s*>", re.I | re.S)
# The space before struck words that a sign follows, and the space after those an opening
# bracket or quotation mark comes before: 'and ~~struck words~~.' read 'and .' once struck
# out, in the text part, the HTML card, the feeds' summaries and the pages' description. (A
# space typed after them, as French typography sets '!', stays: 'mot ~~x~~ !' is 'mot !';
# a no-break space typed there too, alone: the space before them was kept beside it, 'a \xa0!'.
# \s is either no-break space too.)
_STRUCK_GAP = re.compile(r"\s*\0(?:\s*\0)*(?=\s*[.,;:!?…)\]}”’])|(?<=[(\[{“‘])\0(?:\s*\0)*\s*")


def one_line(text: str) -> str:
    """``text`` on one line: each run of spaces and line breaks one space, but the no-break
    spaces (typed, or set with French signs: see templates.keep_signs_html), which
    ``str.split()`` takes for spaces too."""
    return _SPACES.sub(" ", text).strip()


_SPACES = re.compile(r"[^\S\u00a0\u202f]+")


_BREAK = re.compile(r"<br\b[^>]*>", re.I)


def shorten(text: str, limit: int = 280) -> str:
    """Cut text at a word boundary, ending with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:—–-")
    return cut + "…"


# Each form asks for what a link has, not what brackets in prose have: an address after
# '](' or '] (', words in '(url)[text]' (not a citation's [1]); '[text][name]' only with a
# name links are given and prose is not, empty, a number or the text itself ('[trailer][]',
# '[trailer][1]': not '[both laugh][crosstalk]' or '[Fri][Sat]' in a transcript).
_BROKEN = re.compile(
    r"(?P<plain>(?P<bang>!?)\[(?P<text>[^\[\]\n]{1,200})\]\((?P<rest>[^\[\]\n]{0,80}))"
    r"|(?P<spaced>\[(?P<stext>[^\[\]\n]{1,200})\] \((?P<surl>(?:https?://|www\.)[^()\s]*)\)?)"
    r"|(?P<ref>\[(?P<rtext>[^\[\]\n^]{1,200})\]\[(?P<name>[^\[\]\n^]{0,200})\])"
    r"|(?P<back>\((?P<url>https?://[^()\s]+)\)\[(?P<btext>[^\[\]\n]{0,200}[^\W\d_][^\[\]\n]{0,200})\])"
)
# What looks like an address in a '[text](...' left as text: else words in parentheses
# after a bracket ('[Kael wrote](in The New Yorker, 1968)'), no link at all.
_ADDRESS_LIKE = re.compile(r"^\s*<?(?:https?:|www\.|/|\.\.?/|#|mailto:|[\w-]+\.[a-z]{2,}\b)", re.I)
_CODE = re.compile(r"<(code|pre)\b[^>]*>.*?</\1>", re.S | re.I)


def _broken(html: str) -> list[tuple[str, str]]:
    """The links written wrong in a text's rendered HTML: (what is left of it, hint)."""
    # Most texts: a link that worked leaves no brackets (one character is looked for at memory
    # speed, 1 ms for the texts of 1,000 entries; the four pairs took 27).
    if "]" not in html:
        return []
    if "](" not in html and "][" not in html and ")[" not in html and "] (" not in html:
        return []
    text = unescape(_TAG.sub("", _CODE.sub(" ", html)))
    found: list[tuple[str, str]] = []
    for match in _BROKEN.finditer(text):
        if match["plain"]:
            rest, bang = match["rest"], match["bang"]
            if not _ADDRESS_LIKE.match(rest):
                continue
            where = f"{bang}[{match['text']}]({rest.split(')')[0]}"
            if ")" in rest and " " in rest.split(")")[0].strip():
                hint = (
                    "an address has no spaces: write them %20, or put the address in <...>: "
                    f"{bang}[text](<address with spaces>)"
                )
            else:
                hint = f"close the address with ')': {bang}[text](https://...)"
        elif match["spaced"]:
            where = f"[{match['stext']}] ({match['surl']})"
            hint = "write no space between ']' and '(': [text](https://...)"
        elif match["ref"]:
            written = match["name"]
            if (
                written
                and not written.isdigit()
                and written.casefold() != match["rtext"].casefold()
            ):
                continue  # brackets in prose, as likely as a link
            name = written or match["rtext"]
            where = f"[{match['rtext']}][{match['name']}]"
            hint = (
                f"add the line '[{name}]: https://...' below the text, or write [text](https://...)"
            )
        else:
            where = f"({match['url']})[{match['btext']}]"
            hint = f"the text comes first: [{match['btext']}]({match['url']})"
        found.append((where, hint))
    return found


def _fragment_at(body: str, fragment: str, nth: int) -> int | None:
    """Where in ``body`` the ``nth`` (from 0) of the places ``fragment`` stands begins: as
    written, or by what stays of it once rendered ('[*trailer*](x y' is '[trailer](x y'
    then: its '](x y' is looked for)."""
    after = fragment[fragment.index("]") :] if "]" in fragment else ""
    for needle in (fragment, after, fragment[: fragment.index("]") + 1] if after else ""):
        if len(needle) < 3:
            continue
        at, seen = body.find(needle), 0
        while at != -1 and seen < nth:
            at, seen = body.find(needle, at + 1), seen + 1
        if at != -1:
            return at
    return None


# A footnote's mark ('[^1]', '[^note]') or, at a line's start, its text ('[^1]: ...'), which
# CommonMark (and so dopemail) does not make: printed as typed.
_FOOTNOTE = re.compile(r"(?P<at>^ {0,3})?\[\^[^\[\]\s]{1,100}\](?(at):|)")
_CODE_SPAN = re.compile(r"(`+).+?\1")


def footnotes_written(path: str, body: str, body_line: int) -> list[ContentError]:
    """A warning at each line of a text's Markdown ``body`` (from line ``body_line`` of the
    file ``path``) that writes a footnote's mark or its text, outside code and comments."""
    if "[^" not in body:
        return []
    shown = uncommented(body)
    code: set[int] = set()
    for token in source_parser().parse(shown):
        if token.type in ("fence", "code_block") and token.map:
            code.update(range(*token.map))
    told: list[ContentError] = []
    for number, line in enumerate(shown.split("\n")):
        if "[^" not in line or number in code:
            continue
        found = _FOOTNOTE.search(_CODE_SPAN.sub(" ", line))
        if found is None:
            continue
        if found["at"] is not None:
            message = (
                f"'{found[0].strip()}' begins a footnote's text, and dopemail makes no "
                "footnotes: pages, feeds and emails print it as typed, where it is"
            )
        else:
            message = (
                f"'{found[0]}' is a footnote's mark, and dopemail makes no footnotes: "
                "pages, feeds and emails print it as typed"
            )
        hint = "write the note in the text, in parentheses, or as a last paragraph"
        told.append(ContentError(message, path, body_line + number, hint))
    return told


def links_written_wrong(path: str, body: str, body_line: int, html: str) -> list[ContentError]:
    """A warning for each link written wrong in a text: its Markdown ``body`` (from line
    ``body_line`` of the file ``path``) as rendered in ``html``, each at its own line; and
    for each line that writes a footnote (:func:`footnotes_written`), which is none."""
    told: list[ContentError] = footnotes_written(path, body, body_line)
    seen: dict[str, int] = {}
    for where, hint in _broken(html):
        # The same link written wrong twice: each at its own line.
        nth = seen[where] = seen.get(where, -1) + 1
        at = _fragment_at(body, where, nth)
        line = body_line + body.count("\n", 0, at) if at is not None else None
        kind = "a picture" if where.startswith("!") else "a link"
        message = f"'{where}' did not become {kind}: the text shows it as written"
        told.append(ContentError(message, path, line, hint))
    return told
