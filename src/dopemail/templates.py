"""The Jinja2 environment: workspace ``templates/`` override the package's defaults.

Undefined variables are errors, not blanks. Jinja2's errors are translated here into
:class:`TemplateError` naming the template and the line.
"""

from __future__ import annotations

import bisect
import contextlib
import dataclasses
import hashlib
import io
import os
import re
import shutil
import sys
import textwrap
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from functools import cache, lru_cache, partial
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import quote_plus, urlsplit

import jinja2
import markupsafe

from .atomic import clear_leftovers, replace_file
from .errors import DopemailError, TemplateError, closest, line_at, merge_conflict, raise_all
from .languages import language_direction
from .models import CALLED_OFF, CANCELLED, Event, Screening
from .moments import WholeDay, machine_time

# The English dates and names, moved to wording.py, are imported from here too.
from .wording import (
    ENGLISH,
    N_,
    NNP_,
    NP_,
    Wording,
    date_range,
    long_date,
    number,
    show_time,
    wording_for,
)

TEMPLATES_DIR = "templates"
_DEFAULTS = Path(__file__).parent / "default_templates"


def default_template(name: str) -> str:
    """Where dopemail's own template ``name`` is, for a hint to copy it: from the current
    folder in a checkout of dopemail's source, else in full (an installed dopemail's are in
    its package, under site-packages)."""
    path = _DEFAULTS / name
    with contextlib.suppress(ValueError, OSError):
        return path.relative_to(Path.cwd()).as_posix()
    return str(path)


def default_template_names() -> list[str]:
    """The names of dopemail's own templates ('email/film_card.mjml.j2'), sorted."""
    return sorted(p.relative_to(_DEFAULTS).as_posix() for p in _DEFAULTS.rglob("*.j2"))


def time_tag(
    value: Any, beside: datetime | None = None, words: Wording = ENGLISH
) -> markupsafe.Markup:
    """A showtime or an event's date in a page: its words (:func:`show_time`, with the year
    when it is not ``beside``'s) in a <time> that gives machines the day, or the instant,
    it stands for. A showtime given whole (a screening's ``times``) is its time alone: see
    :func:`showings` for its status, tickets and note."""
    value = getattr(value, "at", value)
    when = value.date().isoformat() if isinstance(value, WholeDay) else machine_time(value)
    # Joined by hand: Markup.format goes through string.Formatter, 30 times the cost.
    escape = markupsafe.escape
    shown = escape(words.show_time(value, beside))
    return markupsafe.Markup(f'<time datetime="{escape(when)}">{shown}</time>')


#: A showing's or an event's status as readers read it ('cancelled' as the editor spells
#: it: 'canceled' in American English).
_STATUSES = {
    "sold out": N_("sold out"),
    "cancelled": N_("cancelled"),
    "canceled": N_("canceled"),
    "postponed": N_("postponed"),
}


#: The same, said of a whole screening (a venue's every showing) and of an event, in the
#: words of a language whose 'cancelled' agrees with what is: French says 'séances annulées'
#: of a venue (its name is not what is cancelled), and a noun of an event ('annulation'),
#: whose heading may be of either gender.
_SCREENING_STATUSES = {
    "sold out": NNP_("screening", "sold out", "sold out"),
    "cancelled": NNP_("screening", "cancelled", "cancelled"),
    "canceled": NNP_("screening", "canceled", "canceled"),
    "postponed": NNP_("screening", "postponed", "postponed"),
}
_EVENT_STATUSES = {
    "sold out": NP_("event", "sold out"),
    "cancelled": NP_("event", "cancelled"),
    "canceled": NP_("event", "canceled"),
    "postponed": NP_("event", "postponed"),
}


def status_word(status: str, words: Wording = ENGLISH, of: Any = None) -> str:
    """A status ('sold out', 'cancelled', 'postponed') in the publication's language, said
    of a showtime ('complet', 'annulée' in French), or ``of`` a screening ('séances
    annulées', 'séance annulée' of a venue with one showtime) or an event ('annulation')."""
    status = str(status)
    if isinstance(of, Screening) and status in _SCREENING_STATUSES:
        # No times listed (a run's dates, or none): every showing there, many.
        many = len(of.times) if of.times else 2
        return words.npgettext("screening", status, status, many)
    if isinstance(of, Event) and status in _EVENT_STATUSES:
        return words.pgettext("event", status)
    known = _STATUSES.get(status)
    return words.gettext(known) if known else status


def status_suffix(status: str | None, words: Wording = ENGLISH, of: Any = None) -> str:
    """' — sold out', to follow what it is the status of where that is written apart (a
    venue in bold, a link); nothing without a status. ``of``: the screening or the event it
    is the status of (see :func:`status_word`); a showtime's without."""
    if not status:
        return ""
    # Its words kept together, and the dash with them: a line ending "... Triet) —" and
    # "complet" alone below, or "— sold" and "out".
    said = status_word(status, words, of).replace(" ", "\u00a0")
    return (words.gettext(" — %(status)s") % {"status": said}).replace("— ", "—\u00a0")


def with_status(shown: Any, status: str | None, words: Wording = ENGLISH, of: Any = None) -> Any:
    """``shown`` (a venue, an event's heading, a time), followed by its status when it has
    one: 'Landmark Sunset — sold out'. HTML stays HTML. ``of``: as :func:`status_suffix`'s."""
    if not status:
        return shown
    after = status_suffix(status, words, of)
    if isinstance(shown, markupsafe.Markup):
        return shown + after
    return f"{shown}{after}"


def cancelled(status: str | None) -> bool:
    """Whether a status says it will not take place (either spelling): its tickets' link is
    then left out (a postponed one keeps it, where its new date will be)."""
    return status in CANCELLED


def called_off(status: str | None) -> bool:
    """Whether a status says the date no longer holds (cancelled, postponed): its time is
    then struck out."""
    return status in CALLED_OFF


def showings(
    screening: Any, beside: datetime | None = None, tag: bool = True, words: Wording = ENGLISH
) -> markupsafe.Markup:
    """A screening's showtimes in a page or an email. Each is its time (in a <time> with
    ``tag``, as :func:`time_tag`), linked to its own tickets, then its note and its status
    ('Sat, March 9, 7:30 PM (Q&A after the film) — sold out'); a cancelled one is struck out,
    as all are at a venue whose screening is cancelled. One after another ('; '), or on a
    line each when one of them says more than its time."""
    escape = markupsafe.escape
    shown: list[str] = []
    # Every showing cancelled or postponed (said at the venue): none is also 'sold out'.
    whole = called_off(screening.status)
    for showtime in screening.times:
        at, status, url, note = showtime.at, showtime.status, showtime.url, showtime.note
        when = str(time_tag(at, beside, words)) if tag else str(escape(words.show_time(at, beside)))
        off = called_off(status) or whole
        if url and not off:
            when = f'<a href="{escape(url)}">{when}</a>'
        if off:
            when = f"<s>{when}</s>"
        if note:
            when += f" ({italics_html(note)})"
        shown.append(str(with_status(markupsafe.Markup(when), None if whole else status, words)))
    more = any(t.status or t.url or t.note for t in screening.times)
    joiner = "<br>" if more else str(escape(words.gettext("; ")))
    return markupsafe.Markup(joiner.join(shown))


def showing_text(
    showtime: Any,
    beside: datetime | None = None,
    screening: Any = None,
    words: Wording = ENGLISH,
) -> str:
    """A showtime in the text part: 'Sat, March 9, 7:30 PM (Q&A after the film) — sold out'
    (its tickets are on a line of their own); its own status not said when its
    ``screening``'s is cancelled or postponed (said at the venue)."""
    note = showtime.note
    shown = words.show_time(showtime.at, beside) + (f" ({italics_text(note)})" if note else "")
    whole = screening is not None and called_off(screening.status)
    return str(with_status(shown, None if whole else showtime.status, words))


def to_come(event: Any, published: datetime) -> bool:
    """Whether an event was still to come when the piece was published: its video is then a
    stream to watch it by, else (past, or undated) its recording."""
    when = event.date
    if when is None:
        return False
    if isinstance(when, WholeDay):  # that day, at no time said: to come from the day after
        return bool(when.date() > published.astimezone(when.tzinfo).date())
    return bool(when > published)


def video_words(event: Any, published: datetime, words: Wording = ENGLISH) -> str:
    """The words of an event's video link: "Watch online" for an event still to come when the
    piece was published (a stream), "Watch the recording" for one past or undated; "Listen"
    for a recording that is sound alone (see :func:`is_audio`)."""
    _ = words.gettext
    audio = is_audio(event.video)
    coming = to_come(event, published)
    if audio:
        return _("Listen online") if coming else _("Listen to the recording")
    return _("Watch online") if coming else _("Watch the recording")


# A recording that is sound alone: an audio file, or a podcast's episode where podcasts are
# published. (A talk recorded as an MP3 was introduced "Watch the recording".)
_AUDIO_FILE = re.compile(r"\.(?:mp3|m4a|aac|oga|ogg|opus|wav|flac)$", re.I)
_AUDIO_HOSTS = (
    "soundcloud.com",
    "podcasts.apple.com",
    "anchor.fm",
    "acast.com",
    "buzzsprout.com",
    "libsyn.com",
    "podbean.com",
    "spreaker.com",
    "simplecast.com",
    "audioboom.com",
    "castbox.fm",
    "overcast.fm",
    "pca.st",
    "podcasters.spotify.com",
)


def is_audio(url: Any) -> bool:
    """Whether an event's recording (``video:``) is sound alone: an audio file (.mp3, .m4a,
    .ogg...), or an episode on a podcast's host (SoundCloud, Apple Podcasts, Spotify's
    episodes and shows)."""
    if not url:
        return False
    parts = urlsplit(str(url))
    host = (parts.hostname or "").removeprefix("www.")
    if _AUDIO_FILE.search(parts.path):
        return True
    if host == "open.spotify.com":
        return parts.path.startswith(("/episode/", "/show/"))
    return any(host == known or host.endswith("." + known) for known in _AUDIO_HOSTS)


def columns(text: str) -> int:
    """How many columns ``text`` takes in a fixed-width font: a wide character (an emoji, a
    CJK ideograph) two, a combining accent none; to underline it with as many '='."""
    total = last = 0
    joined = False
    for char in text:
        if char == "\ufe0f":  # shown as an emoji: '❤' + U+FE0F takes two columns
            total += 2 - last if last == 1 else 0
            last = 2 if last else 0
            continue
        if char == "\u200d":  # a joiner: the next emoji is drawn within the one before
            joined = True
            continue
        if joined and (
            unicodedata.east_asian_width(char) == "W" or char in "\u2640\u2642\u2695\u2764"
        ):
            joined = False  # an emoji drawn within the one before
            continue
        joined = False
        if unicodedata.combining(char) or unicodedata.category(char) == "Cf":
            continue  # an accent, or a mark no one sees (a zero-width space, an isolate)
        if "\U0001f3fb" <= char <= "\U0001f3ff":  # a skin tone, shown within its emoji
            continue
        last = 2 if unicodedata.east_asian_width(char) in "WF" else 1
        total += last
    return total


def map_url(address: str) -> str:
    """A map search for a street address, which opens in any map app."""
    return "https://www.google.com/maps/search/?api=1&query=" + quote_plus(address)


def _escapes(name: str | None) -> bool:
    # HTML and MJML are escaped; plain-text templates (the email's text part) are not.
    return not (name or "").endswith(".txt.j2")


# What textwrap turns into spaces: text without them that fits on one line comes out as is.
_LINE_BREAKS = re.compile(r"[\t\n\x0b\x0c\r]")


def no_quote_breaks(text: str) -> str:
    """``text`` with no space a line of a text part may break at before a '>' ('5 > 4'),
    which Apple Mail and Thunderbird draw as a quotation at a line's start; nor between a
    runtime and its unit ('104' / 'min') or before a film fact's dot (a line starting
    '· 72 min'); nor between a US state and its ZIP code ('CA' / '90046'); nor where French
    typography keeps a sign with the word beside it, a space typed before ':', ';', '!', '?'
    or '»', or after '«' (a line starting ': c’est'). Those spaces become no-break spaces,
    which textwrap does not break at."""
    if " >" in text:
        text = text.replace(" >", "\u00a0>")
    if " · " in text:
        text = text.replace(" · ", "\u00a0· ")
    if " min" in text:
        text = _RUNTIME.sub("\\1\u00a0min", text)
    if _STATE_ZIP.search(text):
        text = _STATE_ZIP.sub("\\1\u00a0", text)
    return keep_signs_text(text)


# A US state and its ZIP code, as an address ends ('Los Angeles, CA 90046'): kept on one
# line, as a postal address is written (the footer's read 'Los Angeles, CA' / '90046, USA').
_STATE_ZIP = re.compile(r"\b([A-Z]{2}) (?=\d{5}(?:-\d{4})?\b)")


# A space typed where French sets its sign apart: before ':', ';', '!', '?' and '»', after
# '«' (the sign standing alone, not a word: ' :-)' or ' ?foo' are not).
# (A closing quotation mark may follow the sign: '“déjà ?” Et voilà.'; or the text part's
# mark closing italics or bold: '_Quoi ?_'.)
_FRENCH_SPACE = re.compile(r" (?=[:;!?»][:;!?»…]*(?:\s|$|[.,)»…”’\"_*]))|(?<=«) ")
# A sign set apart by a space typed before it, standing alone (as _FRENCH_SPACE), in HTML:
# where a no-break space may be written '&nbsp;', and a closing tag or a line break may come
# right after it ('«&nbsp;<em>La Chimère</em>&nbsp;»'); not an opening one ('a ?<em>b</em>'
# is 'a ?b' to a reader, a sign against its word).
_STANDS_ALONE = re.compile(r"[:;!?»][:;!?»…]*(?:\s|$|[.,)»…”’\"]|&nbsp;|&quot;|</|<br\b)")
# What is not text to set: code shown as typed, styles and scripts (to CSS, a no-break space
# is not a space). Nested as typed (<code> in <code>): counted, not matched in pairs.
_VERBATIM_OPEN = re.compile(r"<(?:pre|code|script|style|textarea)[\s>]", re.IGNORECASE)
_VERBATIM_TAG = re.compile(r"<(/?)(?:pre|code|script|style|textarea)(?=[\s>])", re.IGNORECASE)
_LINE_BREAK_TAGS = ("<br>", "<br/>", "<br />")


def keep_signs_text(text: str) -> str:
    """Plain text (a summary) with the spaces French typography keeps with their sign made
    no-break spaces, as :func:`keep_signs_html` makes them in HTML."""
    if " :" in text or " ;" in text or " !" in text or " ?" in text or "«" in text or "»" in text:
        return _FRENCH_SPACE.sub("\u00a0", text)
    return text


def keep_signs_html(html: str) -> str:
    """Sanitised HTML with the spaces French typography keeps with their sign (see
    :func:`no_quote_breaks`; a newline typed there too) made no-break spaces, in its text
    only: not in tags (a space the sanitiser kept in an address is '%20' to a browser, a
    no-break space another address), nor in code, styles and scripts, nor the newline after
    a line break. Without it a browser or mail program left '«' at the end of a line and its
    words on the next."""
    # The signs found with str.find and each one looked at: a regular expression trying
    # every position of the text cost ten times as much.
    spots = []
    find = html.find
    for sign in "»:;!?":
        at = find(sign, 1)
        while at != -1:
            if html[at - 1] in " \n" and _STANDS_ALONE.match(html, at):
                spots.append(at - 1)
            at = find(sign, at + 1)
    at = find("«")
    while at != -1:
        if html[at + 1 : at + 2] in (" ", "\n"):
            spots.append(at + 1)
        at = find("«", at + 1)
    if not spots:
        return html
    starts, ends = _verbatim(html)
    rfind = html.rfind
    parts: list[str] = []
    last = 0
    for at in sorted(set(spots)):
        block = bisect.bisect_right(starts, at) - 1
        if block >= 0 and at < ends[block]:
            continue
        if rfind("<", 0, at) > rfind(">", 0, at):  # in a tag (text escapes '<' and '>')
            continue
        if html[at] == "\n" and html.endswith(_LINE_BREAK_TAGS, 0, at):
            continue  # the line's own start, not a space between a sign and its words
        parts += (html[last:at], "\u00a0")
        last = at + 1
    parts.append(html[last:])
    return "".join(parts)


def _verbatim(html: str) -> tuple[list[int], list[int]]:
    """Where the outermost code, style and script elements of ``html`` begin and end."""
    starts: list[int] = []
    ends: list[int] = []
    if not _VERBATIM_OPEN.search(html):
        return starts, ends
    depth = 0
    for tag in _VERBATIM_TAG.finditer(html):
        if not tag.group(1):
            if depth == 0:
                starts.append(tag.start())
            depth += 1
        elif depth > 0:
            depth -= 1
            if depth == 0:
                ends.append(html.find(">", tag.end()) + 1 or len(html))
    if len(ends) < len(starts):  # left open: to the end
        ends.append(len(html))
    return starts, ends


_RUNTIME = re.compile(r"(\d) min\b")


def wrap(text: str, width: int = 72, indent: str = "") -> str:
    """Fill plain text to ``width`` columns without breaking URLs or words."""
    text = str(text)
    # Most of what an email's text part wraps (a title, a credit line) fits on one line:
    # then textwrap would give it back unchanged, at the cost of splitting it into words.
    if (
        text
        and len(indent) + len(text) <= width
        and not text[-1].isspace()
        and not _LINE_BREAKS.search(text)
        and not _wide(text)  # a character two columns wide (CJK, an emoji)
    ):
        return indent + text
    return _fill(text, width, indent)


def _fill(text: str, width: int, indent: str) -> str:
    return fill(no_quote_breaks(text), width, indent, indent)


def fill(text: str, width: int, first: str, rest: str) -> str:
    """``text`` as lines of at most ``width`` columns (a word longer than that alone on its
    line), the first begun with ``first``, the others with ``rest``.

    Chinese and Japanese put no space between words and are two columns a character: text
    in them is broken between characters, by the columns it takes (not at a '、' or '」'
    that must end a line, nor after a '「' that must begin one); Korean, two columns a
    character too, at its spaces; text with an emoji, two columns too, at its spaces, by
    the columns it takes. Anything else is textwrap's, at spaces.
    """
    if _wide(text):
        return _fill_columns(_LINE_BREAKS.sub(" ", text), width, first, rest)
    return textwrap.fill(
        text,
        width=width,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    )


# Scripts written without spaces between words, in characters two columns wide: CJK
# punctuation, kana, ideographs, and the full-width forms.
_CJK_CLASS = (
    "\u2e80-\u303e\u3041-\u312f\u3190-\u33ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\ufe30-\ufe4f\uff01-\uff60\uffe0-\uffe6\U00020000-\U0003fffd"
)
# Korean: two columns a character too, but its words are spaced, and broken at the spaces.
_HANGUL_CLASS = "\u1100-\u115f\u3130-\u318f\ua960-\ua97f\uac00-\ud7a3"


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    # Compiled on first use: their character ranges cost some 60 M instructions to compile,
    # which a publication in other languages never needs.
    return (
        re.compile(f"[{_CJK_CLASS}{_HANGUL_CLASS}]"),  # any character two columns wide
        re.compile(f"[{_CJK_CLASS}]|[^{_CJK_CLASS}]+"),  # one such character, or a run
        re.compile(f"[{_HANGUL_CLASS}]"),
    )


def _wide(text: str) -> bool:
    """Whether ``text`` holds a character two columns wide: Chinese, Japanese or Korean, or
    an emoji (East Asian Width W or F: '🎬', '☕'; or one drawn as an emoji by U+FE0F:
    '❤️'), which textwrap, counting characters, let run past the line (40 '🎬 ' made a line
    of 107 columns). First, without a regex, whether it holds anything past the punctuation,
    quotes and symbols of other languages (the first wide one is U+2329)."""
    if text.isascii():
        return False
    top = max(text)
    if top < "\u2329":
        return False
    if top >= "\u2e80" and _patterns()[0].search(text):
        return True
    return any(
        char >= "\u2329" and (char == "\ufe0f" or unicodedata.east_asian_width(char) in "WF")
        for char in text
    )


# What may not begin a line (closing brackets and stops, small kana, the prolonged sound
# mark) and what may not end one (opening brackets): kept with the character beside it. And
# the text part's marks of italics and bold ('_東京物語_'), either way: a mark alone at a
# line's end or start marks nothing.
_NOT_FIRST = frozenset(
    "、。，．・：；？！）」』】〕〉》〗〙〛ー々〻ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ"
    "ｰ｡｣､,.;:!?)]}%”’…_*"
)
_NOT_LAST = frozenset("（「『【〔〈《〖〘〚([{“‘_*")


def _fill_columns(text: str, width: int, first: str, rest: str) -> str:
    _, pieces, hangul = _patterns()
    chunks: list[list[Any]] = []  # [text, a space before it (none begins a line)]
    for word in text.split(" "):
        # A Korean word is kept whole (Korean breaks at its spaces); Chinese and Japanese
        # between characters.
        for at, piece in enumerate([word] if hangul.search(word) else pieces.findall(word)):
            gap = at == 0
            if chunks and not gap and (piece[0] in _NOT_FIRST or chunks[-1][0][-1] in _NOT_LAST):
                chunks[-1][0] += piece
            else:
                chunks.append([piece, gap])
    lines: list[str] = []
    line, used, empty = first, columns(first), True
    for piece, after_space in chunks:
        wide = columns(piece)
        gap = 1 if after_space and not empty else 0
        if not empty and used + gap + wide > width:
            lines.append(line)
            line, used, empty, gap = rest, columns(rest), True, 0
        line += " " * gap + piece
        used += gap + wide
        empty = False
    if not empty:
        lines.append(line)
    return "\n".join(lines)


# A credit that says what it is already: "Photo © Jane Doe", "Courtesy of Searchlight",
# "© 2023 Searchlight Pictures", "Still from the film", "Poster: Les Films du Fleuve".
# Whole words: a photographer named Stillman or Imogen is still credited as one.
_SELF_DESCRIBED = re.compile(
    r"(?:©|\(c\)|(?:photo\w*|by|images?|stills?|posters?|courtesy|copyright|credits?"
    r"|crédits?|illustrations?|artworks?|frames?|sources?|archives?"
    # And in French, as the French scaffold suggests a line of its own ("Avec l'aimable
    # autorisation de Pathé" was printed "photographie d'Avec l'aimable autorisation ...").
    r"|avec|courtoisie|collection|affiches?|droits|d\.r)\b)",
    re.IGNORECASE,
)


def photo_credit(credit: str, prefix: str) -> str:
    """``prefix`` and the credit ("photograph by Chris Harris"), or the credit alone when it
    says what it is already: "Photo © Jane Doe" was printed "photograph by Photo © Jane Doe"."""
    return credit_line(credit, f"{prefix}{credit}")


# What ends a sentence: a caption ending so is followed by its credit as a sentence.
_SENTENCE_END = tuple(".!?…。！？")


def with_credit(caption: str | None, credit: str, lang: str | None = None) -> markupsafe.Markup:
    """A picture's caption and its credit line, as a page prints them under it: 'Le Canal,
    photograph by Zoé Lefèvre'; after a caption that ends a sentence, a sentence of its own
    ('The last scene. Photograph by ...': it read '... scene., photograph by'); without a
    caption, the credit begins the line. ``lang``: the caption's language (the entry's),
    when not the page's."""
    # A caption may come in HTML already, its italics shown (the ``italics`` filter).
    html = isinstance(caption, markupsafe.Markup)
    written = caption.rstrip() if html else str(caption or "").rstrip()
    said = written.striptags() if html else written
    ends = said.rstrip("”’\"')»」』").endswith(_SENTENCE_END)  # judged before escaping
    # Escaped as the parts are: a credit line may be markup already (a translated line).
    shown, credit = in_language(written, lang), markupsafe.escape(credit or "")
    if not shown:
        # The credit alone is the caption, a sentence of its own: 'Photograph by ...'.
        return credit[:1].upper() + credit[1:]
    if not credit:
        return shown
    if ends:
        return shown + " " + credit[:1].upper() + credit[1:]
    return shown + ", " + credit


def credit_line(credit: str, line: str, words: Wording = ENGLISH) -> str:
    """The credit as written when it says what it is already ("Photo © Jane Doe"), else
    ``line``, the sentence that names it (``_("Photo: %(credit)s", credit=credit)``): as
    :func:`photo_credit`, with the whole sentence translated rather than a prefix."""
    credit = str(credit)
    return credit if _SELF_DESCRIBED.match(credit.lstrip()) else words.elide(line, credit)


def credits(film: Any, italic: bool = False, words: Wording = ENGLISH, marked: bool = False) -> str:
    """'Written and directed by A; based on the novel B by C', as the magazine prints credits.

    With ``italic``, HTML with the source work's title in <i>, as the page shows it (an email
    said 'based on the 2014 short story Drive My Car by ...' of a film named so too); with
    ``marked``, plain text with it between underscores, as the text part writes italics
    ('based on the 1924 novel _La Vie et la passion de Dodin-Bouffant, gourmet_ by ...').
    """
    if italic:
        escaped = markupsafe.escape
        said = credits(film, words=words)
        if not (film.based_on and film.based_on.title):
            return escaped(said)
        plain = source_work(film.based_on, words=words)
        shown = source_work(film.based_on, italic=True, words=words)
        if plain not in said:
            return escaped(said)
        before, _, after = said.rpartition(plain)
        # (Its words as the plain credits say them, the work itself in the HTML form.)
        return escaped(before) + shown + escaped(after)
    _ = words.gettext
    directors = join_isolated(film.directors or (), words=words)
    writers = join_isolated(film.writers or (), words=words)
    parts: list[str] = []
    # The same people in another order are the same credit (named in the directors' order).
    if film.directors and Counter(film.directors) == Counter(film.writers or ()):
        parts.append(_("Written and directed by %(names)s") % {"names": directors})
    else:
        if film.directors:
            parts.append(_("Directed by %(names)s") % {"names": directors})
        if film.writers:
            written = _("written by %(names)s") if parts else _("Written by %(names)s")
            parts.append(written % {"names": writers})
    if film.based_on:
        work = source_work(film.based_on, words=words, marked=marked)
        parts.append(_("based on %(work)s") % {"work": work})
    if not parts:
        return ""
    line = parts[0]
    for part in parts[1:]:
        line = _("%(credits)s; %(more)s") % {"credits": line, "more": part}
    return line[:1].upper() + line[1:]


# Written with a vowel but said with a consonant (a one-act play, a utopian novel), and the
# other way round (an hour-long play, an MTV special).
_CONSONANT_SOUND = ("one", "once", "uni", "use", "usu", "uto", "ukr", "ure", "eu", "ewe")
_VOWEL_SOUND = ("hour", "honest", "honor", "honour", "heir")


def _indefinite(word: str) -> str:
    # By the sound, as far as the kinds of work a film adapts go (an opera, a memoir).
    lower = word.lower()
    digits = re.match(r"\d+", word)
    if digits:  # an 8-part, an 18-page, an 80-minute, an 11,000-word...; a 110-page
        number = digits.group()
        vowel = number[0] == "8" or (len(number) in (2, 4, 5) and number[:2] in ("11", "18"))
    elif lower.startswith(_VOWEL_SOUND):
        vowel = True
    elif word[:2].isupper() and word[:2].isalpha():  # an acronym, said letter by letter
        vowel = word[0] in "AEFHILMNORSX"
    else:
        vowel = lower[:1] in "aeiou" and not lower.startswith(_CONSONANT_SOUND)
    return f"{'an' if vowel else 'a'} {word}"


def source_work(
    based: Any, italic: bool = False, words: Wording = ENGLISH, marked: bool = False
) -> str:
    """'the 1987 novel Strangers by Taichi Yamada', or 'a novel by Taichi Yamada' when the piece
    does not name the work (the year, if known, still says which: 'the 1987 novel by ...').

    With ``italic``, HTML with the title in <i> (the text escaped), for the web page; with
    ``marked``, plain text with the title between underscores, as the text part writes
    italics.
    """
    _ = words.gettext
    kind = str(based.kind)
    # A novel is named as such where the language gives a work a gender by its kind ('un
    # roman de', not 'une œuvre de ... (roman)', which any other kind reads).
    novel = is_novel(kind, words)
    if based.title and based.year:
        message = _("the %(year)s %(kind)s %(title)s by %(author)s")
    elif based.title:
        message = _("the %(kind)s %(title)s by %(author)s")
    elif based.year and novel:
        message = _("the %(year)s novel by %(author)s")
    elif based.year:
        message = _("the %(year)s %(kind)s by %(author)s")
    elif novel:
        message = _("a novel by %(author)s")
    elif _indefinite(kind).startswith("an "):
        message = _("an %(kind)s by %(author)s")
    else:
        message = _("a %(kind)s by %(author)s")
    # The kind taken when none is given, in the language of the rest: a French page read
    # 'une œuvre de Taichi Yamada (novel)'. Any other is the editor's word, as written (the
    # catalog's other phrases are not kinds of works: 'feature' would read 'dossier').
    if novel:
        kind = _(_NOVEL)
    values = {"year": based.year, "kind": kind, "author": _isolated(str(based.author))}
    if not italic:
        title = _italics(based.title) if marked and based.title else based.title
        return words.elide(message % {**values, "title": title}, based.author)
    title = None
    if based.title:
        # Marked with its language: a French novel's title read aloud in English words.
        lang = getattr(based, "lang", None)
        marked = markupsafe.Markup(' lang="%s" dir="auto"') % lang if lang else ""
        title = markupsafe.Markup("<i%s>%s</i>") % (marked, based.title)
    return words.elide(markupsafe.escape(message) % {**values, "title": title}, based.author)


#: The kind of a source work when none is given (models.BasedOn), a phrase of the catalog.
_NOVEL = N_("novel")


def is_novel(kind: str, words: Wording = ENGLISH) -> bool:
    """Whether a source work's ``kind`` is a novel: as written in English, or in the words
    of the publication's language ('roman', as the French scaffold writes it)."""
    written = kind.strip().casefold()
    return written == _NOVEL or written == words.gettext(_NOVEL).casefold()


# What an event's kind says of its participants, and so how its moderator is named: 'with'
# after a conversation or a Q&A, 'moderated by' after anything else (a talk, a masterclass).
# (Without a moderator, then with one.)
_EVENT_WAYS = {
    "conversation": (
        N_("%(people)s in conversation"),
        N_("%(people)s in conversation with %(moderator)s"),
    ),
    "q&a": (N_("%(people)s in a Q&A"), N_("%(people)s in a Q&A with %(moderator)s")),
}
_ANY_WAY = ("%(people)s", N_("%(people)s, moderated by %(moderator)s"))


def event_people(event: Any, words: Wording = ENGLISH) -> str:
    """Who speaks, as every output says it under the event's heading: 'Andrew Haigh and Andrew
    Scott in conversation with Dave Karger', 'Agnès Varda, moderated by Jim Hubbard',
    'Moderated by Dave Karger'; empty when the entry names nobody."""
    _ = words.gettext
    moderator = _isolated(event.moderator) if event.moderator else event.moderator
    if not event.participants:
        return _("Moderated by %(moderator)s") % {"moderator": moderator} if moderator else ""
    people = words.join_names(_names(event.participants))
    alone, led = _EVENT_WAYS.get(event.kind, _ANY_WAY)
    if not moderator:
        return people if alone == "%(people)s" else _(alone) % {"people": people}
    return _(led) % {"people": people, "moderator": moderator}


#: An entry's kind as its readers read it (the kicker above its title: 'review').
_KINDS = {
    "review": N_("review"),
    "news": N_("news"),
    "event": N_("event"),
    "festival": N_("festival"),
    "feature": N_("feature"),
    "interview": N_("interview"),
}

#: An event's kind as a heading, when it has no title of its own.
_EVENT_HEADINGS = {
    "conversation": N_("Conversation"),
    "q&a": N_("Q&A"),
    "talk": N_("Talk"),
    "screening": N_("Screening"),
    "masterclass": N_("Masterclass"),
    "other": N_("Event"),
}


def kind_word(kind: str, words: Wording = ENGLISH) -> str:
    """An entry's kind in the publication's language ('review'; 'critique' in French)."""
    known = _KINDS.get(str(kind))
    return words.gettext(known) if known else str(kind)


def event_heading(event: Any, words: Wording = ENGLISH) -> str:
    """What heads an event: its title, or else its kind ('Conversation', 'Q&A'); as the
    event's ``heading``, in the publication's language."""
    if event.title:
        return str(event.title)
    known = _EVENT_HEADINGS.get(event.kind)
    return words.gettext(known) if known else str(event.heading)


def event_link_words(event: Any, words: Wording = ENGLISH) -> str:
    """The words of an event's link (its ``url``): "Tickets and information" for an event at
    a place, "Details and how to join" for one online (no venue, no address), whose link is
    most often where to sign up or the call itself (a Zoom link was "Tickets")."""
    if event.venue or event.address:
        return words.gettext("Tickets and information")
    return words.gettext("Details and how to join")


def address_line(screening: Any, words: Wording = ENGLISH) -> str:
    """A screening's address on one line, its country named in the publication's language
    ('Galerie de la Reine 26, 1000 Bruxelles, Belgique' in French); maps are given
    :attr:`~dopemail.models.Screening.full_address`, in English."""
    return str(screening.address_with(words.country_name))


def cast_line(film: Any, words: Wording = ENGLISH) -> str:
    """'With Andrew Scott (Adam), Paul Mescal (Harry), and Claire Foy'."""
    if not film.cast:
        return ""
    people = (
        f"{_isolated(p.name)} ({_isolated(unbracketed(p.role))})" if p.role else _isolated(p.name)
        for p in film.cast
    )
    return words.gettext("With %(people)s") % {"people": words.join_names(people)}


def unbracketed(role: str) -> str:
    """A role as the cast line shows it, within brackets of its own: its brackets a comma."""
    # Brackets in a role shown in brackets: 'Nimona (voice)' was 'Chloë Grace Moretz (Nimona
    # (voice))'; it reads 'Nimona, voice'.
    return re.sub(r"\s*\(([^()]*)\)", r", \1", role).strip(", ") if "(" in role else role


def film_facts(film: Any, start: bool = False, words: Wording = ENGLISH) -> str:
    """'Searchlight Pictures · 105 min · United Kingdom · English': what else the credits say,
    a country's code and a language's spelled out ('FR', 'fr': 'France', 'French').

    With ``start``, the facts begin a sentence: a language named first is capitalised
    ('Anglais', French naming languages lowercase); a distributor stays as it is written."""
    language = words.language_name(film.language) if film.language else None
    facts = [
        film.distributor,
        f"{film.runtime}\u00a0min" if film.runtime else None,  # a line never begins with 'min'
        ", ".join(words.country_name(country) for country in film.countries),
    ]
    if start and language and not any(facts):
        language = language[:1].upper() + language[1:]
    return " · ".join(f for f in (*facts, language) if f)


def _isolated(text: str) -> str:
    # A title or a name in a right-to-left script, set apart (first strong isolate ... pop)
    # so that the year and comma beside it stay where they are written: 'Wadjda (وجدة,
    # 2012)' was shown 'Wadjda (2012 ,وجدة)', and two Arabic names joined by a comma read
    # in the other order.
    if not text.isascii() and _RIGHT_TO_LEFT_LETTER.search(text):
        return f"\u2068{text}\u2069"
    return text


def with_piece(heading: Any, meta: Any) -> str:
    """The ``with_piece`` filter: an event's heading as its links are named, the piece's
    title after it ('Q&A, Wadjda'), unless the heading names the piece or one of its films
    already, in whole words as written ('The Salt Orchard, opening-night Q&A': said once, not
    twice)."""
    heading, piece = str(heading), unmarked(meta.title)
    titles = [piece, *(film.title for film in meta.all_films)]
    for title in filter(None, map(str, titles)):
        # As written: 'Her' is not named by 'Q&A with her director', 'Us' by 'US premiere',
        # nor 'Up' by 'Stand-up' (a title said twice is read twice; one lost is not read).
        if re.search(rf"(?<![\w-]){re.escape(title)}(?![\w-])", heading):
            return heading
    return f"{heading}, {piece}"


def isolated(text: Any) -> str:
    """The ``isolated`` filter: a title or a name in a right-to-left script set apart with
    Unicode's invisible isolate marks, so that a year or a dash written after it stays after
    it ('المومياء (1969)' was shown '(1969) المومياء' in an English page); others as they
    are."""
    return "" if text is None else _isolated(str(text))


def lang_attrs(code: Any, auto: bool = False) -> markupsafe.Markup:
    """The ``lang_attrs`` filter: ' lang="en" dir="ltr"' for a language tag, the attributes
    that mark an element written in it (``dir`` so that its punctuation ends on its readers'
    side); nothing for None, an element in the page's language, or with ``auto`` (a title)
    ' dir="auto"', its direction taken from its first letters."""
    if not code:
        # A Hebrew title in an English list, its language not given, ended with its '!' on
        # the right, where a Hebrew reader begins.
        return markupsafe.Markup(' dir="auto"' if auto else "")
    return markupsafe.Markup(' lang="%s" dir="%s"') % (code, language_direction(str(code)))


def in_language(text: Any, code: Any, element: str = "span") -> markupsafe.Markup:
    """The ``in_language`` filter: a text in a ``<span>`` (or ``element``) marked with its
    language (an entry's own words among the page's: a caption before its credit line), or
    the text alone for None."""
    if not text:
        return markupsafe.Markup("")
    if not code:
        return markupsafe.escape(text)
    tag = markupsafe.Markup(element)  # a name the template gives, not a value
    return markupsafe.Markup("<%s%s>%s</%s>") % (tag, lang_attrs(code), text, tag)


def _names(names: Any) -> list[str]:
    return [_isolated(str(name)) for name in names if name]  # (None and '' left out, as before)


# The blocks of the scripts written right to left (Hebrew, Arabic, Syriac, Thaana, N'Ko...,
# their presentation forms, and those beyond the first plane): a regex, not a call a letter.
_RIGHT_TO_LEFT_LETTER = re.compile(
    "[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff\U0001e800-\U0001efff]"
)


def film_title(film: Any, marked: bool = False) -> str:
    """'Quiet Hours (Stille timer, 2025)': the title, with the original one and the year;
    with ``marked``, the original one between underscores, as the text part writes the
    italics the HTML sets it in ('Quiet Hours (_Stille timer_, 2025)')."""
    original = _isolated(film.original_title) if film.original_title else None
    if original and marked:
        original = _italics(original)
    after = ", ".join(str(x) for x in (original, film.year) if x)
    return f"{_isolated(film.title)} ({after})" if after else film.title


def _italics(text: Any) -> str:
    # Plain text as the text part writes words the HTML sets in italics, '_so_' (as
    # markdown.to_text writes them): the marks outside a right-to-left title's isolates and
    # the spaces at its ends (a mark alone at the end of a line marks nothing).
    text = str(text)
    core = text.strip()
    if not core:
        return text
    at = text.index(core)
    return f"{text[:at]}_{core}_{text[at + len(core) :]}"


# Italics in a field of plain text (a caption, a gallery's title, a note, the rights...):
# '*words*' or '_words_', where Markdown's emphasis is, by CommonMark's rules (a mark opens
# before a word and closes after one; '_' never inside a word: snake_case), a mark of its
# own (a run of two or more, '**', is kept as typed: nothing else of Markdown is read). A
# lone '*' ('5 * 3', a rating '4*'), one between digits ('5*3*2'), one never closed, '\*'
# or '\_' (the mark itself) and a web address are text as typed. What the house style sets
# in italics there: a film's or a book's title ('Andrew Haigh, *All of Us Strangers* (2023)').
_MARKS = "*_"
# A web address: its '_' and '*' are its own (its end as linkify finds it: not a sign after).
_ADDRESS = re.compile(r"(?:https?://|www\.)[^\s<>]*[^\s<>.,;:!?)\]*_'\"”’»]")


class _Mark(str):
    """A mark that may open or close italics (see :func:`italics_spans`)."""

    opens: bool
    closes: bool


def _flanking(before: str, after: str) -> tuple[bool, bool]:
    # CommonMark's left- and right-flanking: before a word (not before a space, nor before a
    # sign unless after a space or a sign), and after one.
    def space(c: str) -> bool:
        return c.isspace()

    def sign(c: str) -> bool:
        return unicodedata.category(c)[0] in "PS"

    left = not space(after) and (not sign(after) or space(before) or sign(before))
    right = not space(before) and (not sign(before) or space(after) or sign(after))
    return left, right


def italics_spans(text: Any) -> list[tuple[str, bool]]:
    """A field of plain text as its runs of words, each with whether it is in italics
    (written between '*' or '_', see :data:`_MARKS`), the marks taken out and '\\*', '\\_'
    the marks themselves: '*All of Us Strangers* U.S. poster' is [('All of Us Strangers',
    True), (' U.S. poster', False)]."""
    text = "" if text is None else str(text)
    if "*" not in text and "_" not in text:
        return [(text, False)] if text else []
    pieces: list[str] = []
    at, end = 0, len(text)
    while at < end:
        c = text[at]
        if c == "\\" and text[at + 1 : at + 2] in ("*", "_"):
            pieces.append(text[at + 1])
            at += 2
            continue
        if c in "hw" and (at == 0 or not text[at - 1].isalnum()):
            address = _ADDRESS.match(text, at)
            if address:
                pieces.append(address.group())
                at = address.end()
                continue
        if c not in _MARKS:
            pieces.append(c)
            at += 1
            continue
        run = at
        while run < end and text[run] == c:
            run += 1
        if run - at > 1:  # '**', '__init__': as typed
            pieces.append(text[at:run])
            at = run
            continue
        left, right = _flanking(text[at - 1] if at else " ", text[at + 1] if run < end else " ")
        mark = _Mark(c)
        if c == "*" and text[at - 1 : at].isdigit() and text[run : run + 1].isdigit():
            mark.opens = mark.closes = False  # a product, '5*3*2': not Markdown's '5<em>3</em>2'
        elif c == "*":
            mark.opens, mark.closes = left, right
        else:  # '_' within a word is the word's: snake_case, a file_name
            before, after = text[at - 1] if at else " ", text[run] if run < end else " "
            mark.opens = left and (not right or unicodedata.category(before)[0] in "PS")
            mark.closes = right and (not left or unicodedata.category(after)[0] in "PS")
        pieces.append(mark)
        at = run
    # Paired as CommonMark pairs them: a closing mark with the nearest open one of its kind
    # (those opened between are text); an italics within another is one italics.
    opened: list[int] = []
    italic = [False] * len(pieces)
    hidden: set[int] = set()
    for i, piece in enumerate(pieces):
        if not isinstance(piece, _Mark):
            continue
        if piece.closes:
            pair = next((k for k in reversed(range(len(opened))) if pieces[opened[k]] == piece), -1)
            if pair >= 0:
                start = opened[pair]
                del opened[pair:]
                hidden.update((start, i))
                italic[start + 1 : i] = [True] * (i - start - 1)
                continue
        if piece.opens:
            opened.append(i)
    spans: list[tuple[str, bool]] = []
    for i, piece in enumerate(pieces):
        if i in hidden:
            continue
        if spans and spans[-1][1] == italic[i]:
            spans[-1] = (spans[-1][0] + piece, italic[i])
        else:
            spans.append((str(piece), italic[i]))
    return spans


def unmarked(text: Any) -> str:
    """The ``unmarked`` filter: a field that may hold italics (see :func:`italics_spans`)
    as plain words, without their marks, where no italics can be shown: an alt text, an
    aria-label, a <title>, a description, a feed's summary, JSON-LD."""
    return "".join(words for words, _ in italics_spans(text))


def marks_escaped(text: str) -> str:
    """Plain ``text`` written so that :func:`italics_spans` reads it as it is: each '*' and
    '_' as '\\*', '\\_' (a summary made from the text, whose own italics are gone)."""
    return text.replace("*", "\\*").replace("_", "\\_")


def italics_html(text: Any) -> markupsafe.Markup:
    """A field that may hold italics (see :func:`italics_spans`) as HTML: its words escaped
    (the editor's text, never HTML), those in italics in <i>."""
    escape = markupsafe.escape
    return markupsafe.Markup("").join(
        markupsafe.Markup("<i>%s</i>") % words if slanted else escape(words)
        for words, slanted in italics_spans(text)
    )


def italics_text(text: Any) -> str:
    """A field that may hold italics (see :func:`italics_spans`) as the text part writes
    them, between underscores, as it writes the body's ('_so_', see markdown.to_text)."""
    return "".join(_italics(words) if slanted else words for words, slanted in italics_spans(text))


@jinja2.pass_eval_context
def italics(eval_ctx: Any, text: Any) -> Any:
    """The ``italics`` filter: a field of plain text that may hold italics ('*All of Us
    Strangers* U.S. poster', see :func:`italics_spans`) as shown: in HTML, <i> (see
    :func:`italics_html`); in a template of plain text (the email's text part), '_so_'."""
    return italics_html(text) if eval_ctx.autoescape else italics_text(text)


def run_line(run: Any, words: Wording = ENGLISH) -> str:
    """The run's own note, or 'In cinemas December 5–19, 2024.' (empty with neither)."""
    if run is None:
        return ""
    if run.note:
        return str(run.note)
    if not (run.starts or run.ends):
        return ""
    return words.gettext("In cinemas %(dates)s.") % {
        "dates": words.date_range(run.starts, run.ends)
    }


def fit(media: Any, width: int, height: int | None = None) -> tuple[int, int]:
    """An image's display size within ``width`` pixels (and ``height``, if given), keeping
    its proportions."""
    if not media.width or not media.height:
        return width, round(width * 2 / 3)
    shown = min(width, media.width)
    if height is not None and media.height * shown > height * media.width:
        # A portrait lead at the column's width filled a phone's screen before any word.
        shown = max(1, round(media.width * height / media.height))
    # At least a pixel: a panorama 100,000 wide was given height="0" in the email, unseen.
    return shown, max(1, round(media.height * shown / media.width))


def _user_cache() -> Path | None:
    """The per-user cache folder (``$XDG_CACHE_HOME/dopemail``), or None without a home."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # unset or relative: ignored, as the XDG spec says
        try:
            base = str(Path.home() / ".cache")
        except (RuntimeError, KeyError):  # no HOME and no password entry
            return None
    return Path(base) / "dopemail"


@lru_cache(maxsize=1)
def _code_version() -> str:
    """What compiled code depends on besides its template: Jinja2's release and this module
    (the environment's options and filters are compiled in)."""
    digest = hashlib.blake2b(digest_size=8)
    digest.update(f"{jinja2.__version__} {sys.version_info[:2]}".encode())
    digest.update(Path(__file__).read_bytes())
    # The words folded into the code are wording.py's reading of a catalog (_FoldWords).
    digest.update((Path(__file__).parent / "wording.py").read_bytes())
    return digest.hexdigest()


class TemplateCode(jinja2.BytecodeCache):
    """Compiled templates kept between processes, as Python keeps ``.pyc`` files.

    Compiling the package's templates cost some 150 ms in every process that rendered (both
    processes of a build, every ``dopemail`` command): their code is kept per user, shared
    by every workspace, in a folder per version of what the code depends on (older ones are
    removed a day after). A workspace's own templates are kept in its build cache
    (``workspace``), and nowhere when it has none (``--no-cache``). A template whose text
    changed is compiled afresh (Jinja2 checks its checksum), the same bytes come out either
    way, and a folder that cannot be used is skipped: deleting it only costs the compiles.
    """

    def __init__(self, workspace: Path | None = None, words: str = "en", keep: bool = True) -> None:
        user = _user_cache()
        self.package = user / "templates" / _code_version() if user is not None else None
        self.workspace = workspace
        self.keep = keep  # False (dopemail check): the workspace's code is read, not written
        self.words = words  # the language's words are compiled in (see _FoldWords)
        self.folders: dict[str, Path | None] = {}
        self.checked = False
        self.swept: set[Path] = set()  # folders cleared of killed writers' leftovers

    def key(self, name: str, filename: str | None, escaping: bool = True) -> str:
        """The name a template's code is kept under: its name, file and what compiled it."""
        key = self.get_cache_key(f"{name}|{_code_version()}|{self.words}", filename)
        return key if escaping else key + "-plain"  # escaping is compiled into the code

    def get_bucket(
        self, environment: jinja2.Environment, name: str, filename: str | None, source: str
    ) -> jinja2.bccache.Bucket:
        key = self.key(name, filename, environment.autoescape is _escapes)
        ours = filename is not None and Path(filename).is_relative_to(_DEFAULTS)
        self.folders[key] = self._package() if ours else self.workspace
        bucket = jinja2.bccache.Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def _package(self) -> Path | None:
        # Code is loaded from the folder only if it is this user's and no one else can write
        # to it (as Jinja2 checks its own shared folder).
        if not self.checked and self.package is not None:
            self.checked = True
            try:
                info = os.stat(self.package)
            except FileNotFoundError:
                self._make_package_folder()
            except OSError:
                self.package = None
            else:
                if info.st_uid != os.getuid() or info.st_mode & 0o022:
                    self.package = None
        return self.package

    def _make_package_folder(self) -> None:
        assert self.package is not None
        try:
            self.package.mkdir(parents=True, mode=0o700)
        except FileExistsError:
            return
        except OSError:
            self.package = None
            return
        # A new version of the code: the folders of versions unused for a day go.
        old = time.time() - 86400
        for sibling in self.package.parent.iterdir():
            with contextlib.suppress(OSError):
                if sibling != self.package and sibling.stat().st_mtime < old:
                    shutil.rmtree(sibling)

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        folder = self.folders.get(bucket.key)
        if folder is None:
            return
        try:
            with open(folder / f"{bucket.key}.code", "rb") as handle:
                bucket.load_bytecode(handle)
        except FileNotFoundError:
            pass
        except Exception:  # noqa: BLE001 - unreadable or cut short: compiled afresh
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        folder = self.folders.get(bucket.key)
        if folder is None or (folder == self.workspace and not self.keep):
            return
        code = io.BytesIO()
        bucket.write_bytecode(code)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if folder not in self.swept:
                # What processes killed while writing here left (the user's folder is
                # shared by every workspace and lives on: nothing else would clear it).
                self.swept.add(folder)
                clear_leftovers(folder)
            replace_file(folder / f"{bucket.key}.code", code.getvalue())
        except OSError:
            pass  # a read-only home or full disk only costs the compile next time


def make_environment(
    root: Path | None,
    autoescape: bool = True,
    code: Path | None = None,
    language: str = "en",
    keep_code: bool = True,
) -> jinja2.Environment:
    """The environment for a workspace: its ``templates/`` first, then the package defaults.

    ``code``: where to keep the compiled code of the workspace's own templates (see
    :class:`TemplateCode`); with ``keep_code`` false, only read from. ``language``: the
    publication's, whose words ``_()`` and ``ngettext()`` write in the templates, and whose
    dates the filters write (see :mod:`dopemail.wording`).
    """
    loaders: list[jinja2.BaseLoader] = []
    if root is not None and (root / TEMPLATES_DIR).is_dir():
        loaders.append(_OwnTemplates(root))
    loaders.append(jinja2.FileSystemLoader(_DEFAULTS))
    words = wording_for(language)
    env = _Environment(
        words,
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        autoescape=_escapes if autoescape else False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # An environment lives for one build (the preview makes a new one when a template
        # changes): no stat of every template on every render to see whether it changed.
        auto_reload=False,
        bytecode_cache=TemplateCode(code, _words_key(words), keep_code),
        extensions=["jinja2.ext.i18n"],
    )
    # Kept so error messages can show template paths relative to the workspace.
    env.globals["workspace_root"] = root
    # Newstyle: _("Read more: %(url)s", url=...) fills its placeholders after translating, and
    # escapes what it fills in (the words themselves are the template's, trusted as its text).
    env.install_gettext_callables(  # type: ignore[attr-defined]
        words.gettext, words.ngettext, newstyle=True
    )
    # The same, called directly: the extension's _() goes through an alias and two more
    # context calls to reach gettext, thousands of times a build (9 % of an English cold
    # build's instructions).
    gettext, ngettext = _newstyle(words)
    env.globals.update(_=gettext, gettext=gettext, ngettext=ngettext)
    #: og:locale: 'fr_FR' for 'fr' (English keeps the tag as written, as before).
    env.globals["locale_tag"] = words.locale
    env.filters.update(OWN_FILTERS)
    env.filters.update(worded_filters(words))
    env.filters.update(_SIZED_OPERATORS)
    env.globals.update(range=_range, lipsum=_lipsum)
    return env


def compile_all(env: jinja2.Environment) -> None:
    """Compile every template now (the preview as it starts, a build's process while its
    workers render), rather than when something first renders it. One that fails to compile
    is passed over: rendering reports it, if anything renders it (an empty template of the
    workspace's that nothing uses is no error)."""
    for name in env.list_templates(extensions=["j2"]):
        with contextlib.suppress(jinja2.TemplateError, DopemailError, UnicodeDecodeError):
            env.get_template(name)


class _OwnTemplates(jinja2.FileSystemLoader):
    """The workspace's ``templates/``, where a file that replaces a default and holds nothing
    is refused: every page, feed item or email made with it would be published blank (an
    editor emptying a file to start again, a save that failed)."""

    def __init__(self, root: Path) -> None:
        super().__init__(root / TEMPLATES_DIR)
        self.root = root

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool] | None]:
        source, filename, uptodate = super().get_source(environment, template)
        # A byte-order mark some editors (Notepad) save first: not the template's text. Kept,
        # it began every page and feed item and the text part, and broke the MJML.
        source = source.removeprefix("\ufeff")
        # Only one that replaces a default: a partial of the editor's own ('analytics.html.j2',
        # included by their page) may be left empty on purpose.
        if not source.strip() and (_DEFAULTS / template).is_file():
            raise TemplateError(
                "the template is empty: what is made with it would be published blank",
                _shown(filename, self.root),
                None,
                f"write the template (dopemail's own is {default_template(template)}, a start), "
                "or delete the file to use dopemail's",
            )
        # Else published: both sides and the markers in every page it makes (an entry item's
        # twice over), the build and check saying nothing.
        conflict = (
            merge_conflict(source, _shown(filename, self.root)) if "<<<<<<<" in source else None
        )
        if conflict is not None:
            raise TemplateError(conflict.message, conflict.path, conflict.line, conflict.hint)
        from .validation import CONTROL  # loaded by then: the entries' models need it

        control = CONTROL.search(source)
        if control is not None:
            # Else copied into every page and feed item, which the feeds' XML library
            # refused with a traceback naming no template.
            line = source.count("\n", 0, control.start()) + 1
            column = control.start() - (source.rfind("\n", 0, control.start()) + 1) + 1
            more = len(CONTROL.findall(source)) - 1
            raise TemplateError(
                f"an invisible control character, U+{ord(control.group()):04X}, at column "
                f"{column}"
                + (f" ({more} more in the file)" if more else "")
                + ": no page, feed, email or file dopemail writes can hold it (pasted text "
                "often brings them)",
                _shown(filename, self.root),
                line,
                "delete it, or put a space or a line break in its place",
            )
        return source, filename, uptodate


class _Environment(jinja2.Environment):
    """An environment whose templates have their words translated as they are compiled."""

    def __init__(self, words: Wording, **options: Any) -> None:
        super().__init__(**options)
        self.words = words

    def _parse(self, source: str, name: str | None, filename: str | None) -> Any:
        tree = _FoldWords(self.words).visit(super()._parse(source, name, filename))
        return _SizedOperators().visit(tree)

    def compile(  # type: ignore[override]
        self,
        source: Any,
        name: str | None = None,
        filename: str | None = None,
        raw: bool = False,
        defer_init: bool = False,
    ) -> Any:
        """Compile as Jinja2 does; a value too large for Python, made as a constant is
        folded or as the code is compiled ('x' | center(3000000000)), is a TemplateError at
        the template, not a traceback."""
        try:
            return super().compile(source, name, filename, raw, defer_init)
        except (OverflowError, MemoryError) as exc:
            root = self.globals.get("workspace_root")
            shown = _shown(filename or name or "<template>", root)
            raise _too_large(exc, shown, _folded_line(exc)) from None


#: The most characters (or items, or a number's bits) a template's * or ** may make, the most
#: numbers its range() may count and the most words its lipsum() may write: far more than
#: any page, feed or email holds, and refused before they are made, where Python took
#: gigabytes and a minute to make a string of '{{ 'a' * 3000000000 }}' (Jinja2's sandbox
#: bounds range() at 100,000 as well).
MAX_SIZE = 10_000_000
MAX_RANGE = 100_000
MAX_LIPSUM_WORDS = 100_000

TOO_LARGE = "this expression makes a value too large"
TOO_LARGE_HINT = (
    "check the numbers this expression multiplies (*), raises to a power (**) or counts to "
    "(range(), lipsum(), a filter's width): one is far larger than meant"
)


#: A MemoryError at a template's line: the value may be over-large, or the machine short of
#: memory (a default template rendering a large archive on a small machine), so the line is
#: not called wrong, as TOO_LARGE does of an OverflowError, which its numbers alone make.
OUT_OF_MEMORY = (
    "ran out of memory at this line: the value it makes is larger than the memory free for it "
    "(a value far larger than meant, or the machine's limits)"
)
OUT_OF_MEMORY_HINT = (
    "if this line makes something large (multiplies (*), raises to a power (**), counts to "
    "range() or lipsum(), joins a long list), check its numbers; if not, free memory (close "
    "other programs) or build on a machine with more, then build again"
)


def _too_large(exc: OverflowError | MemoryError, path: str, line: int | None) -> TemplateError:
    """A value too large at a template's ``line``, said by what raised it: the guard's own
    refusal (what it would make) or Python's arithmetic overflow, which the line's numbers
    make, or a MemoryError, which the machine's limits may make as well."""
    if isinstance(exc, MemoryError):
        return TemplateError(OUT_OF_MEMORY, path, line, OUT_OF_MEMORY_HINT)
    said = f" ({exc})" if isinstance(exc, _TooLarge) else ""
    return TemplateError(TOO_LARGE + said, path, line, TOO_LARGE_HINT)


class _TooLarge(OverflowError):
    """A value a template's expression would make, refused before it is made."""


def _times(left: Any, right: Any) -> Any:
    """A template's ``left * right``, refused when it repeats a string or a list past
    :data:`MAX_SIZE`."""
    for seq, count in ((left, right), (right, left)):
        if isinstance(seq, str | list | tuple) and type(count) is int:
            size = len(seq) * count
            if size > MAX_SIZE:
                kind = "characters" if isinstance(seq, str) else "items"
                raise _TooLarge(f"{size:,} {kind}; at most {MAX_SIZE:,}")
    return left * right


def _power(left: Any, right: Any) -> Any:
    """A template's ``left ** right``, refused when the whole number it makes would be
    longer than :data:`MAX_SIZE` bits (Python would compute it for minutes)."""
    if type(left) is int and type(right) is int and right > 0 and abs(left) > 1:
        bits = (abs(left).bit_length() - 1) * right
        if bits > MAX_SIZE:
            raise _TooLarge(f"a number of {bits:,} bits; at most {MAX_SIZE:,}")
    return left**right


#: Filters the compiled templates call for * and ** (see :class:`_SizedOperators`); their
#: names cannot be written in a template's filter (a leading '_' is the lexer's name but
#: no filter's a writer would look for) and are left out of the hint listing the filters.
_SIZED_OPERATORS = {"_times": _times, "_power": _power}


def _range(*args: int) -> range:
    """range() in a template, refused past :data:`MAX_RANGE` numbers."""
    made = range(*args)
    count = len(made)  # an OverflowError itself past a machine integer
    if count > MAX_RANGE:
        raise _TooLarge(f"range() of {count:,} numbers; at most {MAX_RANGE:,}")
    return made


def _lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> Any:  # noqa: A002
    """Jinja2's lipsum() placeholder text, refused past :data:`MAX_LIPSUM_WORDS` words."""
    if n * max > MAX_LIPSUM_WORDS:
        raise _TooLarge(f"lipsum() of up to {n * max:,} words; at most {MAX_LIPSUM_WORDS:,}")
    return jinja2.utils.generate_lorem_ipsum(n, html, min, max)


class _SizedOperators(jinja2.visitor.NodeTransformer):
    """A template's ``*`` and ``**`` as calls to :func:`_times` and :func:`_power`, which
    refuse a value too large before it is made, at run time and when Jinja2 folds constants
    as it compiles. Cheaper than Jinja2's sandbox, which routes every call of every
    template through a check to intercept them; the default templates multiply a few times
    an issue."""

    def visit_Mul(self, node: Any) -> Any:  # noqa: N802 - the visitor's naming
        return self._call("_times", self.generic_visit(node))

    def visit_Pow(self, node: Any) -> Any:  # noqa: N802 - the visitor's naming
        return self._call("_power", self.generic_visit(node))

    @staticmethod
    def _call(name: str, node: Any) -> Any:
        return jinja2.nodes.Filter(
            node.left, name, [node.right], [], None, None, lineno=node.lineno
        )


def _folded_line(exc: BaseException) -> int | None:
    """The template's line Jinja2's compiler was at when ``exc`` was raised (its code
    generator's and optimizer's frames hold the node they visit); None if past them."""
    line = None
    tb = exc.__traceback__
    while tb is not None:
        node = tb.tb_frame.f_locals.get("node")
        if isinstance(node, jinja2.nodes.Node) and getattr(node, "lineno", None):
            line = node.lineno
        tb = tb.tb_next
    return line


def check_blocks(env: jinja2.Environment) -> None:
    """Refuse a block of a template that extends another which no template it extends has:
    Jinja2 shows a block only where its parent has one of that name, so a misspelt block
    ('mian' for 'main'), or a block taken out of a page template of the publication's that
    other templates fill, was left out of every page, published blank, without a word.

    Asked of the templates dopemail renders (a default's name) whose chain of parents holds
    one of the publication's own; run at every build of a publication with templates of its
    own (their compiled code is kept, so a check made when one is compiled would miss a
    parent edited since). Only those chains are parsed: a few milliseconds."""
    root = env.globals.get("workspace_root")
    if root is None:
        return
    own = root / TEMPLATES_DIR
    sources: dict[str, tuple[str, str] | None] = {}
    trees: dict[str, Any] = {}

    def source_of(name: str) -> tuple[str, str] | None:
        if name not in sources:
            try:
                source, filename, _ = env.loader.get_source(env, name)  # type: ignore[union-attr]
                sources[name] = (source, filename)
            except (jinja2.TemplateError, DopemailError, OSError, UnicodeDecodeError):
                sources[name] = None
        return sources[name]

    def tree_of(name: str) -> Any:
        if name not in trees:
            found = source_of(name)
            trees[name] = None
            if found is not None:
                # (Jinja2's own parse: the words folded in as compiled are not needed here.)
                with contextlib.suppress(jinja2.TemplateError):
                    trees[name] = jinja2.Environment._parse(env, found[0], name, None)
        return trees[name]

    def chain(name: str) -> list[str] | None:
        # ``name`` and the templates it extends, by their {% extends "..." %} as written
        # (None: one missing, or a loop).
        names = [name]
        while (found := source_of(names[-1])) is not None:
            parent = _EXTENDS.search(found[0])
            if parent is None:
                return names
            if parent.group(1) in names:
                return None
            names.append(parent.group(1))
        return None

    told: dict[tuple[str, str], list[str]] = {}  # (own parent, block) -> defaults filling it
    errors: list[DopemailError] = []
    for name in sorted(p.relative_to(_DEFAULTS).as_posix() for p in _DEFAULTS.rglob("*.j2")):
        names = chain(name)
        owned = [n for n in names or () if (own / n).is_file()]
        if not names or len(names) < 2 or not owned:
            continue  # dopemail's own chain (its blocks agree), or none to follow
        trees_in = [tree_of(n) for n in names]
        if any(t is None for t in trees_in) or any(
            _extended(t) != parent for t, parent in zip(trees_in, names[1:], strict=False)
        ):
            continue  # broken, told as it renders; or a parent chosen between several
        known = {b.name for t in trees_in[1:] for b in t.find_all(jinja2.nodes.Block)}
        # A block shown through self.<name>() (by it or a parent): shown, whatever the parent.
        called = {
            node.attr
            for t in trees_in
            for node in t.find_all(jinja2.nodes.Getattr)
            if isinstance(node.node, jinja2.nodes.Name) and node.node.name == "self"
        }
        for block in _outer_blocks(trees_in[0]):
            if block.name in known or block.name in called:
                continue
            if owned[0] != name:
                # dopemail's template, filling a block the publication's own took out.
                told.setdefault((owned[0], block.name), []).append(name)
                continue
            close = closest(block.name, sorted(known))
            errors.append(
                TemplateError(
                    f"block '{block.name}' is not a block of {names[1]} (nor of a template it "
                    "extends), so nothing of it is shown",
                    f"{TEMPLATES_DIR}/{name}",
                    block.lineno,
                    (f"did you mean '{close}'? " if close else "")
                    + f"a template that extends {names[1]} fills its blocks: "
                    + ", ".join(sorted(known)),
                )
            )
    for (held, block_name), fillers in sorted(told.items()):
        errors.append(
            TemplateError(
                f"it has no block '{block_name}', which dopemail's "
                f"{', '.join(fillers)} fill{'s' if len(fillers) == 1 else ''}: nothing of it "
                "is shown",
                f"{TEMPLATES_DIR}/{held}",
                None,
                f"put {{% block {block_name} %}}{{% endblock %}} back where it goes (as "
                f"dopemail's own {held} has it: {default_template(held)})",
            )
        )
    raise_all(errors)


# The parent a template names, as written: a prefilter (the parse decides).
_EXTENDS = re.compile(r"""\{%-?\s*extends\s+["']([^"']+)["']""")


def _outer_blocks(node: Any) -> Iterator[Any]:
    """A template's blocks not inside another block: one inside an overriding block is a
    new block, for the templates that extend this one."""
    for child in node.iter_child_nodes():
        if isinstance(child, jinja2.nodes.Block):
            yield child
        else:
            yield from _outer_blocks(child)


def _extended(tree: Any) -> str | None | bool:
    """The name of the template ``tree`` extends; None if it extends none, False if that
    cannot be told (its name made as it renders, or chosen between several)."""
    extends = list(tree.find_all(jinja2.nodes.Extends))
    if not extends:
        return None
    if len(extends) > 1 or not isinstance(extends[0].template, jinja2.nodes.Const):
        return False
    return str(extends[0].template.value)


class _FoldWords(jinja2.visitor.NodeTransformer):
    """_("Where it plays") as the text it translates to, and _("By %(author)s", author=...)
    as that text filled in, when the template is compiled: a call per phrase at each render
    cost an English cold build 5 % of its instructions. The same as the newstyle gettext
    below does (marked safe where the template escapes, always %-formatted), which calls
    the folding leaves alone go to (a phrase given as a variable; ngettext)."""

    def __init__(self, words: Wording) -> None:
        self.words = words

    def visit_Output(self, node: Any) -> Any:  # noqa: N802 - the visitor's naming
        # {{ _("By %(author)s", author=x) }} written out as "By {{ x }}" would be: the words
        # as the template's own text, the values escaped as {{ }} escapes them, without a
        # Markup %-format per phrase (17,000 of them in a cold build of 1,000 entries).
        written: list[Any] = []
        for child in node.nodes:
            parts = self._spelled_out(child)
            written.extend(parts if parts is not None else [child])
        node.nodes = written
        return self.generic_visit(node)

    def _spelled_out(self, node: Any) -> list[Any] | None:
        """A phrase with values in an output, as its words and its values; None if not."""
        nodes = jinja2.nodes
        text = self._translation(node)
        if text is None or not node.kwargs:
            return None
        given = {k.key: k.value for k in node.kwargs}
        pieces = _PLACEHOLDER.split(text)  # words, name, words, name, ..., words
        words, names = pieces[::2], pieces[1::2]
        if any(n not in given for n in names):
            return None
        if any("%" in w.replace("%%", "") for w in words):
            return None  # another conversion than %(name)s: %-formatted as the render would
        parts: list[Any] = []
        for i, piece in enumerate(pieces):
            if i % 2:
                parts.append(given[piece])
            elif piece:
                parts.append(nodes.TemplateData(piece.replace("%%", "%"), lineno=node.lineno))
        return parts

    def _translation(self, node: Any) -> str | None:
        """What a _("...") call translates to, when it can be compiled in; else None."""
        nodes = jinja2.nodes
        called = node.node if isinstance(node, nodes.Call) else None
        if not (
            isinstance(called, nodes.Name)
            and called.name in ("_", "gettext")
            and len(node.args) == 1
            and isinstance(node.args[0], nodes.Const)
            and isinstance(node.args[0].value, str)
            and node.dyn_args is None
            and node.dyn_kwargs is None
        ):
            return None
        text = self.words.gettext(node.args[0].value)
        # Markup ('&nbsp;', '<span>'): Jinja2's optimizer joins constants ('~') as text,
        # and the phrase would be escaped. Left to the call, which marks it safe.
        return None if any(c in text for c in "&<>") else text

    def visit_Call(self, node: Any) -> Any:  # noqa: N802 - the visitor's naming
        node = self.generic_visit(node)
        nodes = jinja2.nodes
        text = self._translation(node)
        if text is None:
            return node
        if not node.kwargs:
            try:
                text = text % {}
            except (KeyError, ValueError, TypeError):
                return node  # a placeholder with no value: the render says so
            return nodes.MarkSafeIfAutoescape(nodes.Const(text), lineno=node.lineno)
        values = nodes.Dict(
            [nodes.Pair(nodes.Const(k.key), k.value, lineno=node.lineno) for k in node.kwargs],
            lineno=node.lineno,
        )
        safe = nodes.MarkSafeIfAutoescape(nodes.Const(text), lineno=node.lineno)
        return nodes.Mod(safe, values, lineno=node.lineno)


_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _words_key(words: Wording) -> str:
    """What of a language's words compiled templates depend on: the language, and the
    catalog its words were compiled from (as read by this process, not as the file is now)."""
    return f"{words.language}-{words.catalog}" if words.catalog else words.language


def _newstyle(words: Wording) -> tuple[Any, Any]:
    """gettext and ngettext as jinja2.ext.i18n's newstyle ones behave: translated, marked
    safe where the template escapes, then filled in (always: '%%' is '%'), its values escaped.
    """
    translate, plural = words.gettext, words.ngettext
    safe = markupsafe.Markup

    @jinja2.pass_eval_context
    def gettext(eval_ctx: Any, __string: str, **variables: Any) -> str:
        found = translate(__string)
        return (safe(found) if eval_ctx.autoescape else found) % variables

    @jinja2.pass_eval_context
    def ngettext(
        eval_ctx: Any, __singular: str, __plural: str, __num: int, **variables: Any
    ) -> str:
        variables.setdefault("num", __num)
        found = plural(__singular, __plural, __num)
        return (safe(found) if eval_ctx.autoescape else found) % variables

    return gettext, ngettext


#: What inboxes show of the text after the subject, at most: the preheader and, when it is
#: shorter, the filler that keeps the email's first words out of the preview. Past this many
#: characters, no inbox shows a preheader whole (Gmail's web inbox shows the most, some 140
#: with a short subject; a phone's, 90 or fewer).
PREHEADER_SHOWN = 150

#: Past this many characters, no inbox shows a subject whole (a computer's shows some 60 to
#: 70, a phone's 35 to 40): the warning is for a subject cut everywhere, not for style.
SUBJECT_SHOWN = 80

# A zero-width non-joiner and a no-break space (&zwnj;&nbsp;): nothing a reader sees, but
# characters an inbox's preview counts (Gmail, Outlook, Yahoo; Apple Mail ignores them and
# shows the email's first words after the preheader whatever is done). Nine bytes a pair in
# the email, which counts them towards Gmail's clipping limit.
_PREVIEW_FILLER = "\u200c\u00a0"


def preview_padding(preheader: str) -> str:
    """What follows the preheader in <mj-preview>: without it, an inbox's preview runs on
    from the preheader into the email's first words ('...thinking about.DoPe PressNo. 3')."""
    return _PREVIEW_FILLER * max(0, PREHEADER_SHOWN - len(str(preheader).strip()))


def join_isolated(names: Any, conjunction: str = "and", words: Wording = ENGLISH) -> str:
    """The ``join_names`` filter: 'A, B and C', each name in a right-to-left script set apart
    (see :func:`_isolated`)."""
    return words.join_names(_names(names), conjunction)


#: The filters dopemail adds to Jinja2's, for the templates.
OWN_FILTERS = {
    "join_names": join_isolated,
    "long_date": long_date,
    "date_range": date_range,
    "show_time": show_time,
    "map_url": map_url,
    "columns": columns,
    "wrap": wrap,
    "credits": credits,
    "photo_credit": photo_credit,
    "credit_line": credit_line,
    "kind_word": kind_word,
    "event_heading": event_heading,
    "event_link_words": event_link_words,
    "video_words": video_words,
    "is_audio": is_audio,
    "time_tag": time_tag,
    "showings": showings,
    "showing_text": showing_text,
    "status_word": status_word,
    "with_status": with_status,
    "status_suffix": status_suffix,
    "called_off": called_off,
    "cancelled": cancelled,
    "machine_time": machine_time,
    "number": number,
    "source_work": source_work,
    "cast_line": cast_line,
    "address_line": address_line,
    "event_people": event_people,
    "film_facts": film_facts,
    "film_title": film_title,
    "run_line": run_line,
    "fit": fit,
    "preview_padding": preview_padding,
    "direction": language_direction,
    "lang_attrs": lang_attrs,
    "in_language": in_language,
    "with_credit": with_credit,
    "isolated": isolated,
    "with_piece": with_piece,
    "italics": italics,
    "unmarked": unmarked,
}

#: The filters that write words or dates: bound to the publication's language.
_WORDED = (
    "credits",
    "video_words",
    "event_link_words",
    "time_tag",
    "showings",
    "showing_text",
    "status_word",
    "with_status",
    "status_suffix",
    "source_work",
    "cast_line",
    "address_line",
    "event_people",
    "run_line",
    "kind_word",
    "event_heading",
    "film_facts",
    "credit_line",
)


def worded_filters(words: Wording) -> dict[str, Any]:
    """:data:`OWN_FILTERS` that write words or dates, in ``words``' language."""
    if words is ENGLISH:
        return {}
    filters: dict[str, Any] = {name: partial(OWN_FILTERS[name], words=words) for name in _WORDED}
    filters.update(
        join_names=partial(join_isolated, words=words),
        long_date=words.long_date,
        date_range=words.date_range,
        show_time=words.show_time,
        number=words.number,
    )
    return filters


# A template naming another: {% extends "x" %}, {% include "x" %}, {% import "x" as m %}...
_NAMES_ANOTHER = re.compile(r"""{%-?\s*(?:extends|include|import|from)\s+["']([^"']+)["']""")


def unused_templates(root: Path) -> list[TemplateError]:
    """The workspace's templates that nothing renders: an override takes the name of the
    default it replaces, and one misspelt (templates/entyr.html.j2) was ignored without a
    word. A template of the editor's own is used once another names it."""
    folder = root / TEMPLATES_DIR
    if not folder.is_dir():
        return []
    from .cache import files_under, template_files

    # Folders linked in (templates/email from elsewhere) included, as the cache's key has them.
    ours = {p.relative_to(folder).as_posix(): p for p in template_files(folder)}
    defaults = {p.relative_to(_DEFAULTS).as_posix(): p for p in _DEFAULTS.rglob("*.j2")}
    # A default's name without its .j2 (templates/email/issue.mjml): never read, not a word.
    unread = [
        TemplateError(
            "not used: dopemail reads templates whose names end in .j2",
            f"{TEMPLATES_DIR}/{name}",
            None,
            f"rename it {TEMPLATES_DIR}/{name}.j2",
        )
        for name in sorted(p.relative_to(folder).as_posix() for p in files_under(folder))
        if f"{name}.j2" in defaults
    ]
    unknown = set(ours) - set(defaults)
    if not unknown:
        return unread
    named: set[str] = set()
    for path in (*ours.values(), *defaults.values()):
        with contextlib.suppress(OSError, UnicodeDecodeError):
            named.update(_NAMES_ANOTHER.findall(path.read_text(encoding="utf-8")))
    warnings = []
    for name in sorted(unknown - named):
        # Put in another folder (templates/issue.mjml.j2 for email/issue.mjml.j2): that one.
        moved = [d for d in defaults if d.rpartition("/")[2] == name.rpartition("/")[2]]
        close = moved[0] if len(moved) == 1 else closest(name, set(defaults), cutoff=0.75)
        warnings.append(
            TemplateError(
                "not used: no template dopemail renders has this name, and none includes it",
                f"{TEMPLATES_DIR}/{name}",
                None,
                f"did you mean {TEMPLATES_DIR}/{close}? (an override takes the name of the "
                "default it replaces)"
                if close
                else "an override takes the name of the default it replaces; a template of "
                "your own is used once another one includes it",
            )
        )
    return unread + warnings


#: The defaults that show screenings or events, as a copy made before statuses still does.
_SHOWS_STATUSES = frozenset(
    {
        "entry_content.html.j2",
        "issue_content.html.j2",
        "email/film_card.mjml.j2",
        "email/film_card.txt.j2",
    }
)
_COMMENT = re.compile(r"\{#.*?#\}", re.DOTALL)


def jinja_uncommented(source: str) -> str:
    """A template's ``source`` without what its comments hold, its lines kept (a line told
    is the template's own): a default's comment names 'screenings' and shows none."""
    return _COMMENT.sub(lambda found: "\n" * found.group().count("\n"), source)


_LOOPS_OVER = re.compile(r"\{%-?\s*for\b[^%]*?\bin\s+[^%]*?\b(?:screenings|events|times)\b")
# The templates a template renders as part of itself (its loop's body may be in one).
_PULLS_IN = re.compile(r"\{%-?\s*(?:include|import|from|extends)\s+[\"']([^\"']+)[\"']")
# A status said with a filter, or read by hand (not an issue's draft/ready/sent).
_STATUS_AWARE = re.compile(
    r"\|\s*(?:status_suffix|with_status|status_word|showings|showing_text|cancelled|called_off)"
    r"\b|(?<!meta)\.(?:status|cancelled)\b"
)


def _status_aware(source: str, folder: Path, seen: set[str]) -> bool:
    """Whether a template's ``source``, or one it includes, imports or extends (the
    workspace's own, else dopemail's), says a status: a loop whose body is an included
    file's said it there, and was warned of."""
    if _STATUS_AWARE.search(source):
        return True
    for name in _PULLS_IN.findall(source):
        if name in seen:
            continue
        seen.add(name)
        for path in (folder / name, _DEFAULTS / name):
            try:
                pulled = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            if _status_aware(pulled, folder, seen):
                return True
            break  # the workspace's own stands for dopemail's
    return False


def _status_hint(name: str) -> str:
    """What a template showing screenings or events without their statuses is to write (as
    dopemail's own defaults write it), in its own kind of part: text, MJML or HTML."""
    # An issue's templates show its date; the entry's page, and another own template, the
    # piece's (issue.meta.date in an issue's template of one's own).
    issue_part = name in _SHOWS_STATUSES and name != "entry_content.html.j2"
    date = "issue.meta.date" if issue_part else "m.published"
    if name.endswith(".txt.j2"):
        times = f"{{{{ t | showing_text({date}, s) }}}} for each time t of s.times"
    elif name.endswith(".mjml.j2"):
        times = f"{{{{ s | showings({date}, tag=false) }}}} in place of the loop over s.times"
    else:
        times = f"{{{{ s | showings({date}) }}}} in place of the loop over s.times"
    hint = (
        "say the status after a screening's venue, {{ s.status | status_suffix(of=s) }}, and "
        "after an event's heading, {{ ev.status | status_suffix(of=ev) }}; show the times with "
        f"{times}; link the tickets only {{% if s.url and not s.status | cancelled %}} (and "
        "an event's {% if ev.url and not ev.status | cancelled %})"
    )
    if name in _SHOWS_STATUSES:
        hint += (
            f"; or copy dopemail's own again ({default_template(name)}) and make your changes "
            "to it anew"
        )
    return hint


def status_blind_templates(root: Path, entries: Iterable[Any]) -> list[TemplateError]:
    """The workspace's templates that show screenings or events and say none of their
    statuses, when an entry has one: a copy of a default made before statuses existed shows a
    cancelled screening as going ahead, with its tickets, while the page's own search-engine
    data says it is cancelled. One warning per template, at the line where it shows them."""
    folder = root / TEMPLATES_DIR
    if not folder.is_dir():
        return []  # dopemail's own templates say every status
    from .cache import template_files

    blind: list[tuple[str, int]] = []
    for path in template_files(folder):
        name = path.relative_to(folder).as_posix()
        try:
            source = jinja_uncommented(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            continue  # told as it renders
        # Where it shows them: a loop over them (a word alone, 'screenings and events' in a
        # sentence of the template's, shows none).
        loop = _LOOPS_OVER.search(source)
        if loop is None or _status_aware(source, folder, set()):
            continue
        blind.append((name, source.count("\n", 0, loop.start()) + 1))
    if not blind:
        return []
    said = _entry_with_status(entries)
    if said is None:
        return []
    entry, what = said
    return [
        TemplateError(
            f"it shows screenings or events without their status: {entry} has {what}, which "
            "this template leaves out (a cancelled one is shown as going ahead, its tickets "
            "linked; a template copied before dopemail had statuses)",
            f"{TEMPLATES_DIR}/{name}",
            line,
            _status_hint(name),
        )
        for name, line in blind
    ]


def _entry_with_status(entries: Iterable[Any]) -> tuple[str, str] | None:
    """The first entry with a screening, showtime or event that has a status, and which (as
    each entry's cache head keeps it: a build of cached entries reads none of their fields,
    which cost a warm build of 2,000 entries 70 % more when none had a status)."""
    for entry in entries:
        said = entry.status_said
        if said is not None:
            return entry.path, said
    return None


def _template_line(exc: BaseException, name: str) -> tuple[str, int | None]:
    """Find the innermost template frame in a rendering traceback (Jinja2 rewrites them)."""
    frames = _template_frames(exc)
    return frames[-1] if frames else (name, None)


def _template_frames(exc: BaseException) -> list[tuple[str, int]]:
    """The template frames of a rendering traceback, outermost first: (file, line)."""
    frames = []
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2") or "/templates/" in filename or "default_templates" in filename:
            frames.append((filename, tb.tb_lineno))
        tb = tb.tb_next
    return frames


def _includer(exc: BaseException) -> tuple[str, int] | None:
    """The {% include %} line (file, line) of the template that included the one that
    failed, if another did."""
    frames = _template_frames(exc)
    for filename, line in reversed(frames[:-1]):
        if filename != frames[-1][0]:
            return (filename, line) if _line_holds(filename, line, "include") else None
    return None


_INCLUDE = re.compile(r"""\{%[-+]?\s*include\s+(["'])(.+?)\1""")


def _included_by_own(
    env: jinja2.Environment, exc: BaseException, root: Path | None
) -> tuple[str, int, str] | None:
    """When the template that failed is dopemail's, reached through an {% include %} in a
    template of the publication's (directly, or through the templates it extends): that
    include's file, line and the name it includes; else None."""
    frames = _template_frames(exc)
    if root is None or not frames or _is_own(frames[-1][0], root):
        return None
    for index in range(len(frames) - 2, -1, -1):
        filename, line = frames[index]
        if not _is_own(filename, root):
            continue  # a default the failing one extends or is included by
        try:
            text = Path(filename).read_text(encoding="utf-8").splitlines()[line - 1]
        except (OSError, UnicodeDecodeError, IndexError):
            return None
        # The include whose template the render went into: the first on the line was named
        # ('{% include "mine.html.j2" %}{% include "issue.html.j2" %}' told of mine.html.j2).
        # None found, or more than one, the caller says the failing template's own line.
        inside = {os.path.realpath(f) for f, _ in frames[index + 1 :]}
        names = [found.group(2) for found in _INCLUDE.finditer(text)]
        loaded = [n for n in dict.fromkeys(names) if _loaded_from(env, n) in inside]
        return (filename, line, loaded[0]) if len(loaded) == 1 else None
    return None


def _loaded_from(env: jinja2.Environment, name: str) -> str | None:
    """The file the template ``name`` is loaded from (the publication's, else dopemail's)."""
    try:
        filename = env.loader.get_source(env, name)[1]  # type: ignore[union-attr]
    except (jinja2.TemplateError, DopemailError, OSError, UnicodeDecodeError):
        return None
    return os.path.realpath(filename) if filename else None


def _is_own(filename: str, root: Path) -> bool:
    """Whether ``filename`` is one of the publication's templates (not dopemail's)."""
    return _shown(filename, root).startswith(f"{TEMPLATES_DIR}/")


def _shown(filename: str, root: Path | None) -> str:
    path = Path(filename)
    if root is not None and path.is_relative_to(root):
        return path.relative_to(root).as_posix()
    if path.is_relative_to(_DEFAULTS):
        return "(default) " + path.relative_to(_DEFAULTS).as_posix()
    return filename


def _syntax_error(
    env: jinja2.Environment, exc: jinja2.TemplateSyntaxError, name: str
) -> TemplateError:
    """A template's syntax error, at the line to correct, with its fix."""
    opened = _unclosed(env, exc)
    if opened is not None:
        # Jinja tells where the template ended; the block to close began elsewhere.
        tag, line = opened
        ended = _ENCOUNTERED_END.match(exc.message or "")
        reached = (
            f"the {{% end{ended.group(1)} %}} on line {exc.lineno}"
            if ended
            else f"the end of the template, line {exc.lineno}"
        )
        return TemplateError(
            f"template syntax error: the {{% {tag} %}} on this line is never closed",
            _syntax_file(env, exc, name),
            line,
            f"add {{% end{tag} %}} where it should end (Jinja reached {reached}, still inside it)",
        )
    message = str(exc.message)
    hint = _unknown_name_hint(env, message) or (
        "close the comment with #}: a comment runs from {# to #}"
        if message.startswith("Missing end of comment tag")
        else "check the {% %} and {{ }} pairs on this line"
    )
    return TemplateError(
        f"template syntax error: {exc.message}", _syntax_file(env, exc, name), exc.lineno, hint
    )


def _syntax_file(env: jinja2.Environment, exc: jinja2.TemplateSyntaxError, name: str) -> str:
    """The template a syntax error is in, as messages show it (``templates/...``)."""
    root = env.globals.get("workspace_root")
    if exc.filename:
        return _shown(exc.filename, root)
    # Jinja2's lexer gives some errors ('Missing end of comment tag') the file's path as
    # their name and no file: shown as the bare name, without templates/, it was not said
    # whether the error was in the publication's template or dopemail's.
    if exc.name and os.path.isfile(exc.name):
        return _shown(exc.name, root)
    try:
        filename = env.loader.get_source(env, exc.name or name)[1]  # type: ignore[union-attr]
    except (jinja2.TemplateError, DopemailError, OSError, UnicodeDecodeError):
        return exc.name or name
    return _shown(filename, root) if filename else name


def check_compiles(env: jinja2.Environment, names: tuple[str, ...]) -> None:
    """Compile those of ``names`` the workspace has templates of its own for, raising their
    errors with file and line: for the templates no build renders (the scaffolds of
    `dopemail new`), which check said ok of until they failed."""
    root = env.globals.get("workspace_root")
    if root is None:
        return
    errors: list[DopemailError] = []
    for name in names:
        if not (root / TEMPLATES_DIR / name).is_file():
            continue
        try:
            source, filename, _ = env.loader.get_source(env, name)  # type: ignore[union-attr]
            env.compile(source, name, filename)  # (not kept: check writes nothing)
        except jinja2.TemplateSyntaxError as exc:
            errors.append(_syntax_error(env, exc, name))
        except UnicodeDecodeError:
            shown, line = _undecodable(root)
            errors.append(
                TemplateError(
                    "not UTF-8 text",
                    shown or f"{TEMPLATES_DIR}/{name}",
                    line,
                    "save the template as UTF-8 (in most editors: Save As, encoding UTF-8)",
                )
            )
        except DopemailError as exc:  # empty, or a control character: told as it is
            errors.append(exc)
    raise_all(errors)


def render(env: jinja2.Environment, name: str, **context: Any) -> str:
    """Render a template, translating every Jinja2 error into a located TemplateError.

    The HTML dopemail made and hands a template (``body_html``, ``intro_html``,
    ``content_html``) shown as text (``{{ body_html }}`` without ``| safe``: every page,
    feed item and email showed its tags, '&lt;p&gt;') is an error, at the line that shows it.
    The error keeps the entry the template was showing when it failed, if any
    (``entry_path``: an issue's card of one; see :func:`~dopemail.errors.failed_rendering`).
    """
    try:
        return _render(env, name, **context)
    except TemplateError as exc:
        failed = exc.__context__  # the template's own error, raised 'from None'
        if failed is not None and exc.entry_path is None:
            exc.entry_path = _entry_shown(failed.__traceback__)
        raise


def _entry_shown(tb: TracebackType | None) -> str | None:
    """The file of the entry the innermost template frame of ``tb`` was showing (a card's
    ``e``, its ``item``), or None."""
    from .models import LoadedEntry

    found = None
    while tb is not None:
        frame = tb.tb_frame
        if frame.f_code.co_filename.endswith(".j2") or "__jinja_template__" in frame.f_globals:
            for value in frame.f_locals.values():
                try:  # (an Undefined raises on any attribute asked of it)
                    entry = getattr(value, "entry", value)
                except Exception:  # noqa: BLE001
                    continue
                if isinstance(entry, LoadedEntry):
                    found = entry.path
                    break
        tb = tb.tb_next
    return found


def _render(env: jinja2.Environment, name: str, **context: Any) -> str:
    root = env.globals.get("workspace_root")
    try:
        made = env.get_template(name).render(**context)
        _check_shown_as_html(env, name, context, made)
        return made
    except jinja2.TemplateSyntaxError as exc:
        raise _syntax_error(env, exc, name) from None
    except jinja2.TemplateNotFound as exc:
        # The template that names it, at the {% extends %} or {% include %} that does.
        filename, line = _template_line(exc, name)
        # Told by their names without the kind (.html.j2): 'footer.html.j2' was "did you
        # mean 'home.html.j2'?", the two sharing most of their letters in '.html.j2'. Not
        # the template that names it.
        names = env.list_templates(extensions=["j2"])
        stem, _, kind = str(exc.name).partition(".")
        by_stem = {
            known.partition(".")[0]: known
            for known in names
            if known.partition(".")[2] == kind
            and not (filename or "").endswith(f"{os.sep}{known}".replace("/", os.sep))
        }
        if f"{exc.name}.j2" in names:
            meant: str | None = f"{exc.name}.j2"  # named without its .j2
        else:
            meant = by_stem.get(closest(stem, by_stem, cutoff=0.75) or "")
        raise TemplateError(
            f"template '{exc.name}' not found",
            _shown(filename, root),
            line,
            f"did you mean '{meant}'?"
            if meant
            else f"create {TEMPLATES_DIR}/{exc.name}, or remove the {{% extends %}} or "
            "{% include %} that names it",
        ) from None
    except UnicodeDecodeError:
        shown, line = _undecodable(root)
        raise TemplateError(
            "not UTF-8 text",
            shown or name,
            line,
            "save the template as UTF-8 (in most editors: Save As, encoding UTF-8)",
        ) from None
    except jinja2.UndefinedError as exc:
        filename, line = _template_line(exc, name)
        message, wanted, names = _undefined(exc.message or "", [*context, *env.globals])
        through = _included_by_own(env, exc, root) if _NO_VARIABLE.fullmatch(message) else None
        if through is not None:
            # dopemail's template is right for where dopemail renders it: the mistake is the
            # publication's {% include %} of it where the name is not set (its own line was
            # never named, and 'did you mean' sent the writer to correct dopemail's).
            own_file, own_line, included = through
            raise TemplateError(
                f"the included '{included}' needs '{wanted}', which is not set here",
                _shown(own_file, root),
                own_line,
                f"{_shown(filename, root)}:{line} uses it; an included template sees the "
                f"variables where it is included: include it where '{wanted}' is set, or set "
                f"it around the include ({{% with {wanted} = ... %}} ... {{% endwith %}})",
            ) from None
        if message.endswith("is undefined"):  # or set in the template, or a loop's
            names += _names_in(env, filename)
        names = [n for n in names if n != wanted]  # the template names it, where it failed
        close = closest(wanted, names, cutoff=0.6) if names else None  # "ulr" is 0.67
        if _MEANT.get(wanted) in names:
            close = _MEANT[wanted]  # HTML's word for what a template shows readers
        of_none = re.fullmatch(r"'None' has no attribute '([^']*)'", message)
        if of_none:
            # archive.html.j2's 'year' on the page of every year (archive/), which has none:
            # the name is right, and "check the spelling" sent the writer looking for a typo.
            hint = (
                f"what comes before .{of_none.group(1)} is none on the page that failed (an "
                "optional value: a year on archive/'s page, an entry's missing field): show it "
                "inside an {% if %} on it"
            )
        elif close:
            hint = f"did you mean '{close}'?"
        else:
            hint = "check the variable's spelling; see the default template for the names available"
        includer = _includer(exc) if not close and _NO_VARIABLE.fullmatch(message) else None
        if includer is not None:
            # A name spelt right, and the {% include %} moved out of the loop or {% with %}
            # that sets it: the writer's own line, never named otherwise.
            hint += (
                f"; this template is included at {_shown(includer[0], root)}:{includer[1]}, "
                f"where '{wanted}' is not set: if the name is right, put that {{% include %}} "
                "inside the {% for %} or {% with %} that sets it"
            )
        raise TemplateError(
            f"undefined variable in template: {message}", _shown(filename, root), line, hint
        ) from None
    except (DopemailError, OSError):
        raise  # a filter's own, located already; the system's, said with its errno's hint
    except (OverflowError, MemoryError) as exc:
        filename, line = _template_line(exc, name)
        if line is None:
            raise  # not a template's line: the machine's memory, not the editor's mistake
        raise _too_large(exc, _shown(filename, root), line) from None
    except Exception as exc:  # noqa: BLE001 - raised again unless a template's line raised it
        filename, line = _template_line(exc, name)
        if line is None:
            raise
        # Jinja2 checks a filter or test inside {% if %} or {% for %} only when it runs.
        hint = _unknown_name_hint(env, str(exc)) or _runtime_hint(exc, filename, line, root)
        if isinstance(exc, RecursionError):
            exc_text = "it extends, includes or calls itself (or through others), over and over"
        elif isinstance(exc, ZeroDivisionError):
            # Python's words and class name ('ZeroDivisionError: division by zero') were
            # shown to template writers, who write no Python.
            exc_text = "division by zero in the template's expression"
            hint = hint or "what this line divides by (/, // or %) is 0: test it first ({% if %})"
        elif not isinstance(exc, TypeError | ValueError | AttributeError | jinja2.TemplateError):
            # '1/0', a missing key, a loop without end: named as Python names them.
            exc_text = f"{type(exc).__name__}: {exc}"
            hint = hint or "correct the expression on this line"
        else:
            exc_text = str(exc)
        raise TemplateError(
            f"template error: {exc_text}", _shown(filename, root), line, hint
        ) from None


def _runtime_hint(exc: Exception, filename: str | None, line: int, root: Path | None) -> str | None:
    """What to do about an error a template's line raised as it ran, where Python's words
    alone ("KeyError: 'author'") would not say it."""
    if isinstance(exc, RecursionError):
        path = Path(filename or "")
        own = root / TEMPLATES_DIR if root is not None else None
        name = path.relative_to(own).as_posix() if own and path.is_relative_to(own) else ""
        try:
            names_itself = bool(name) and name in path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            names_itself = False
        if names_itself and (_DEFAULTS / name).is_file():
            # templates/entry.html.j2 replaces the default of that name: extending
            # "entry.html.j2" from it names itself, never the default.
            return (
                f"yours replaces the default '{name}', so naming '{name}' in it names itself, "
                f"not the default: copy the default ({default_template(name)}) "
                "and edit the copy instead"
            )
        return "remove the {% extends %}, {% include %} or macro call that leads back to itself"
    if isinstance(exc, KeyError) and exc.args and _line_holds(filename, line, f"%({exc.args[0]})s"):
        # gettext's %-format: _("By %(author)s") without author=...
        key = exc.args[0]
        return (
            f"the phrase on this line names %({key})s: give its value after the phrase, as "
            f'_("... %({key})s ...", {key}=...)'
        )
    if isinstance(exc, TypeError):
        return (
            "check the values this line combines, and what it calls (a filter, a method) with "
            "which arguments"
        )
    if isinstance(exc, AttributeError | ValueError):
        # "'str' object has no attribute 'month'": a filter given another kind of value than
        # it takes ('title | long_date'), or a name of the wrong thing.
        return (
            "check what this line gives each filter and asks of each value: a filter meant for "
            "a date, a list or a number was given something else (the default templates show "
            "what each takes)"
        )
    return None


def _line_holds(filename: str | None, line: int, text: str) -> bool:
    try:
        lines = Path(filename or "").read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return False
    return 0 < line <= len(lines) and text in lines[line - 1]


_NO_ATTRIBUTE = re.compile(r"'([\w.]+) object' has no attribute '([^']*)'")
_NO_VARIABLE = re.compile(r"'([^']*)' is undefined")


def _undefined(message: str, variables: list[str]) -> tuple[str, str, list[str]]:
    """Jinja's message, with a class named as a template writer knows it; the name it did not
    find; and the names that were there instead (an object's fields, or the variables)."""
    found = _NO_ATTRIBUTE.fullmatch(message)
    if found is None:
        variable = _NO_VARIABLE.fullmatch(message)
        return (message, variable.group(1), variables) if variable else (message, "", [])
    qualified, wanted = found.groups()
    module, _, name = qualified.rpartition(".")
    kind = getattr(sys.modules.get(module), name, None)
    if not isinstance(kind, type) or kind in (dict, list, str):
        return message, wanted, []
    names = [n for n in dir(kind) if not n.startswith("_") and not n.startswith("model_")]
    # A model's fields, and a dataclass's without defaults, are not class attributes.
    names += getattr(kind, "model_fields", {})
    if dataclasses.is_dataclass(kind):
        names += [f.name for f in dataclasses.fields(kind)]
    return f"{name} has no attribute '{wanted}'", wanted, names


# Names the lexer gives that are Jinja's own words, not variables: '{{ nothing }}' was asked
# "did you mean 'not'?".
_JINJA_WORDS = frozenset({
    "and", "or", "not", "in", "is", "if", "else", "elif", "endif", "for", "endfor", "recursive",
    "block", "endblock", "extends", "include", "import", "from", "as", "with", "without",
    "context", "ignore", "missing", "set", "endset", "macro", "endmacro", "call", "endcall",
    "filter", "endfilter", "trans", "endtrans", "pluralize", "autoescape", "endautoescape",
    "raw", "endraw", "do", "break", "continue", "scoped", "required", "true", "false", "none",
    "True", "False", "None",
})  # fmt: skip


def _names_in(env: jinja2.Environment, filename: str | None) -> list[str]:
    """Every variable's name a template's tags and expressions use."""
    try:
        source = Path(filename).read_text(encoding="utf-8") if filename else ""
        names, after = set(), ""
        for _, kind, value in env.lex(source):
            if kind == "whitespace":
                continue
            # Not an attribute (item.summary), a filter (| safe) or a test (is defined).
            if kind == "name" and not after and value not in _JINJA_WORDS:
                names.add(value)
            if kind == "operator" and value in (".", "|"):
                after = value
            elif kind == "name" and value == "is":
                after = "is"
            elif not (after == "is" and value == "not"):  # 'is not defined'
                after = ""
        return sorted(names)
    except (OSError, UnicodeDecodeError, jinja2.TemplateSyntaxError):
        return []


_INNERMOST = re.compile(r"innermost block that needs to be closed is '(\w+)'")
# The tags that open a block closed by {% end<tag> %} ({% set %} does only without '=').
_BLOCKS = {"if", "for", "block", "macro", "call", "filter", "with", "autoescape", "trans"}


_ENCOUNTERED_END = re.compile(r"Encountered unknown tag 'end(\w+)'")


def _unclosed(env: jinja2.Environment, exc: jinja2.TemplateSyntaxError) -> tuple[str, int] | None:
    """For "Unexpected end of template", or the end of an outer block met first (an
    ``{% if %}`` left open before ``{% endblock %}``): the innermost block left open, and its
    line."""
    message = exc.message or ""
    innermost = _INNERMOST.search(message)
    if innermost is None:
        return None
    # "Encountered unknown tag 'endfi'" (a typo) names the same innermost block, and is told
    # at its own line as it is; 'endblock' inside an open {% if %} is the if's mistake.
    ended = _ENCOUNTERED_END.match(message)
    outer = ended is not None and ended.group(1) in _BLOCKS and ended.group(1) != innermost.group(1)
    if not (outer or message.startswith("Unexpected end of template")):
        return None
    open_blocks: list[tuple[str, int]] = []
    after_begin = False
    try:
        source = exc.source
        if source is None and exc.name is not None and env.loader is not None:
            source = env.loader.get_source(env, exc.name)[0]
        for line, kind, value in env.lex(source or ""):
            if (
                outer
                and ended is not None
                and (
                    line > (exc.lineno or 0)
                    or (line == exc.lineno and after_begin and value == f"end{ended.group(1)}")
                )
            ):
                break  # only what was open where Jinja met the outer block's end
            if kind == "block_begin":
                after_begin = True
                continue
            if kind == "whitespace":
                continue
            if after_begin and kind == "name":
                if value in _BLOCKS:
                    open_blocks.append((value, line))
                elif value.startswith("end"):
                    closed = value[3:]
                    for index in range(len(open_blocks) - 1, -1, -1):
                        if open_blocks[index][0] == closed:
                            del open_blocks[index:]
                            break
            after_begin = False
    except (jinja2.TemplateError, OSError, UnicodeDecodeError):
        return None
    if outer and ended is not None and all(tag != ended.group(1) for tag, _ in open_blocks):
        return None  # a stray end tag (an {% endfor %} with no for open): Jinja's words, there
    wanted = innermost.group(1)
    for tag, line in reversed(open_blocks):
        if tag == wanted:
            return tag, line
    return None


#: The HTML dopemail makes and hands the templates by these names (the lists' lines are
#: objects that are HTML whatever a template does).
_MADE_HTML = ("body_html", "intro_html", "content_html")


def _check_shown_as_html(
    env: jinja2.Environment, name: str, context: dict[str, Any], made: str
) -> None:
    """Refuse what a template of the publication's made with dopemail's HTML in it escaped,
    its tags as text: at the line that shows it without ``| safe`` (or, where the ``| safe``
    is there but applies to a part, at the first line that shows it)."""
    root = env.globals.get("workspace_root")
    if root is None or not _has_own(env):
        return  # dopemail's own templates show them as they should
    # Escaped a character at a time: its first characters escaped are the start of it (its
    # first tag and a few more: also when a filter cut it short, '| truncate(10)').
    escaped = {
        key for key, value in _made_html(context) if str(markupsafe.escape(_start(value))) in made
    }
    # One HTML may hold another (an issue's content_html, its intro_html): the one a
    # template of the publication's shows as text.
    found = [where for key in sorted(escaped) if (where := _showing(root, key))]
    if not found:
        return  # escaped on purpose ('| e'), or by none of the publication's templates
    shown, line, whole, expression, cut = min(found, key=lambda item: not item[2])
    hint = (
        f"show it as {{{{ {expression} | safe }}}}: it is the HTML dopemail made (its text "
        "cleaned), as the default templates show it; to show its source on purpose, "
        f"{{{{ {expression} | e }}}}"
        if whole
        else "'| safe' applies to what is just before it: write "
        f"{{{{ ({expression} ~ ...) | safe }}}}, the whole in parentheses"
    )
    if cut:  # HTML cut short would leave its tags open: its text cut short instead
        hint = (
            f"to show its start, write {{{{ {expression} | striptags | {cut} }}}} (its text; "
            f"HTML cut short would leave tags open); to show it whole, "
            f"{{{{ {expression} | safe }}}}"
        )
    raise TemplateError(
        f"{expression} is shown as text, its HTML tags and all ('&lt;p&gt;' to readers)",
        shown,
        line,
        hint,
    )


def _start(html: str) -> str:
    # Its first tag and the next few characters, as a filter cutting it short keeps them.
    end = html.find(">")
    return html[: 32 if end < 0 else min(32, end + 3)]


def _made_html(context: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """dopemail's HTML in a template's context, by the name a template shows it by: given
    by that name (``body_html``), or as a field of what is given (``item.content_html``, an
    issue's entries, in a loop). Only the fields already read: one a rendering taken from
    the cache has not read yet was shown by no template."""

    def html(value: Any) -> bool:
        return type(value) is str and "<" in value[:60]

    for key in _MADE_HTML:
        if html(value := context.get(key)):
            yield key, value
    # An issue's entries and its sections' (title, entries): a few, and two levels down.
    pending: list[tuple[Any, int]] = [(value, 0) for value in context.values()]
    looked = 0
    while pending and looked < 200:
        value, depth = pending.pop()
        looked += 1
        if isinstance(value, list | tuple):
            if depth < 2:
                pending.extend((item, depth + 1) for item in value[:50])
            continue
        fields = getattr(value, "__dict__", None)
        if isinstance(fields, dict) and not isinstance(value, type):
            for key in _MADE_HTML:
                if html(found := fields.get(key)):
                    yield key, found


def _has_own(env: jinja2.Environment) -> bool:
    """Whether ``env`` reads templates of the publication's own (see make_environment)."""
    loader = env.loader
    return isinstance(loader, jinja2.ChoiceLoader) and isinstance(loader.loaders[0], _OwnTemplates)


def _showing(root: Path, key: str) -> tuple[str, int, bool, str, str] | None:
    """Where a template of the publication's (not a text part's) shows ``key`` (by that
    name or as a field, ``item.key``): the first place without ``| safe``, else the first
    with it applied to a part of the expression (file, line, whether '| safe' is missing,
    the expression as written, and its '| truncate(...)' if it cuts it short); None where
    none shows it but with ``| e`` (escaped on purpose)."""
    showing = re.compile(
        r"\{\{-?\s*\(?\s*((?:\w+(?:\[[^\]]*\])?\.)*" + re.escape(key) + r")\b((?:(?!\}\}).)*)\}\}"
    )
    folder = root / TEMPLATES_DIR
    part: tuple[str, int, bool, str, str] | None = None
    for path in sorted(folder.rglob("*.j2")):
        if path.name.endswith(".txt.j2"):
            continue  # a text part: no escaping there
        try:
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        for found in showing.finditer(source):
            filters = found.group(2)
            if re.search(r"\|\s*(?:e|escape|forceescape)\b", filters):
                continue
            where = (_shown(str(path), root), source.count("\n", 0, found.start()) + 1)
            cut = re.search(r"\btruncate\b(?:\([^)]*\))?", filters)
            shown = (found.group(1), cut.group(0) if cut else "")
            if "safe" not in filters:
                return (*where, True, *shown)
            part = part or (*where, False, *shown)
    return part


# A picture's or a link's address as HTML names it: its 'url' (what readers fetch), not the
# nearest name: 'src' was told "did you mean 'source'?", the file under media/, a path that
# leads nowhere from an inbox or a feed reader.
_MEANT = {"src": "url", "href": "url", "link": "url", "path": "url"}


def _undecodable(root: Path | None) -> tuple[str | None, int | None]:
    """The publication's template that is not UTF-8, and the line of its first bad byte."""
    # Jinja2's loader raises the bare UnicodeDecodeError, which names no file.
    if root is None:
        return None, None
    for path in sorted((root / TEMPLATES_DIR).rglob("*.j2")):
        data = path.read_bytes()
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            return path.relative_to(root).as_posix(), line_at(data, exc.start)
    return None, None


_JINJA_FILTERS = frozenset(jinja2.Environment().filters)


def _unknown_name_hint(env: jinja2.Environment, message: str) -> str | None:
    """For "No filter named 'x'": the one meant, and where the others are listed."""
    unknown = re.match(r"No (filter|test) named '([^']*)'", message)
    if not unknown:
        return None
    kind, wanted = unknown.groups()
    known = sorted(env.filters if kind == "filter" else env.tests)
    close = closest(wanted, known, cutoff=0.75)
    hint = f"did you mean '{close}'? " if close else ""
    docs = "https://jinja.palletsprojects.com/en/stable/templates/#builtin-"
    if kind == "filter":
        # The environment's own beyond Jinja2's: a scaffold's has yaml_slug too.
        added = {f for f in set(env.filters) - set(_JINJA_FILTERS) if f not in _SIZED_OPERATORS}
        own = ", ".join(sorted({*OWN_FILTERS, *added}))
        return hint + f"dopemail's filters are {own}; Jinja2's own are at {docs}filters"
    return hint + f"Jinja2's tests are at {docs}tests"
