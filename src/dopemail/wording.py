"""The words of a language: what the templates and filters write, and how dates read.

From the publication's language tag (``language`` in dopemail.toml) :func:`wording_for`
gives a :class:`Wording`: gettext and ngettext for the templates' words, and the date and
time formatters.

- English (``en``, ``en-US``, ``en-GB``...): the words as the templates write them and the
  hand-written English dates below ("January 12, 2024", "Fri, March 8, 7:30 PM"). Babel is not
  imported: an English build loads nothing more than it did before there were other languages.
- A language with a catalog, ``locales/<language>/LC_MESSAGES/dopemail.po`` (French): its
  words from the catalog, compiled in memory, and its dates by Babel from the CLDR, for the
  publication's own locale (``fr-CA`` reads as Quebec does).
- Any other language: English words and English dates, as a whole (not French words around
  English dates); ``check`` and ``build`` warn of it (:func:`untranslated`).

The ``.po`` file is the reviewed source; nothing compiled is kept in the repository.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from .countries import display as country_display
from .languages import language_name as english_language_name
from .moments import AwayTime, WholeDay

LOCALES = Path(__file__).parent / "locales"
DOMAIN = "dopemail"


def catalog_path(language: str) -> Path:
    """Where the catalog of a primary language subtag (``fr``) lives."""
    return LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def primary(tag: str) -> str:
    """The language of a tag: 'fr' of 'fr-CA'."""
    return tag.split("-")[0].lower()


def N_(message: str) -> str:  # noqa: N802 - gettext's own name for a message marked, not translated
    """Mark ``message`` for the catalog where it is written; it is translated where used."""
    return message


# English names, as strftime gives them in the C locale (Python's, whatever LANG says),
# without its cost: a call per field, thousands per build (every screening's times).
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")  # date.weekday()'s order


def NP_(context: str, message: str) -> str:  # noqa: N802 - as N_, with a context
    """Mark ``message``, said in ``context``, for the catalog where it is written."""
    return message


def NNP_(context: str, singular: str, plural: str) -> str:  # noqa: N802 - as N_, plural
    """Mark ``singular`` and its ``plural``, said in ``context``, for the catalog."""
    return singular


def join_names(names: Iterable[str], conjunction: str = "and") -> str:
    """'A', 'A and B', 'A, B, and C' (the serial comma, as the magazine prints it)."""
    items = [n for n in names if n]
    if len(items) <= 2:
        return f" {conjunction} ".join(items)
    return ", ".join(items[:-1]) + f", {conjunction} " + items[-1]


def long_date(value: date | datetime | None) -> str:
    """'January 12, 2024'."""
    if value is None:
        return ""
    return f"{MONTHS[value.month - 1]} {value.day}, {value.year}"


def number(value: int) -> str:
    """'1,079': a number of things, its thousands apart."""
    return f"{value:,}"


def date_range(starts: date | None, ends: date | None) -> str:
    """'January 12 – February 2, 2024', shortened where months or years agree."""
    if starts and ends:
        if starts == ends:
            return long_date(starts)
        if starts.year == ends.year:
            if starts.month == ends.month:
                return f"{MONTHS[starts.month - 1]} {starts.day}–{ends.day}, {ends.year}"
            return (
                f"{MONTHS[starts.month - 1]} {starts.day} – "
                f"{MONTHS[ends.month - 1]} {ends.day}, {ends.year}"
            )
        return f"{long_date(starts)} – {long_date(ends)}"
    if starts:
        return f"from {long_date(starts)}"
    if ends:
        return f"until {long_date(ends)}"
    return ""


def show_time(value: datetime, beside: datetime | None = None) -> str:
    """'Fri, March 8, 7:30 PM' (a no-break space before PM); 'Fri, March 8' for a day written
    without a time; with the offset, '(UTC+1)', for a time written in another than the
    publication's. With the year, 'Sat, January 20, 2024, 7:00 PM', when it is not the year
    of ``beside`` (see :func:`other_year`). A showtime given whole is its time (``at``)."""
    value = getattr(value, "at", value)
    day = f"{DAYS[value.weekday()]}, {MONTHS[value.month - 1]} {value.day}"
    if other_year(value, beside):
        day = f"{day}, {value.year}"
    if isinstance(value, WholeDay):
        return day
    hour = value.hour % 12 or 12
    noon = "AM" if value.hour < 12 else "PM"
    # A no-break space: "7:30" at the end of a line and "PM" on the next, in a narrow column.
    shown = f"{day}, {hour}:{value.minute:02d}\u00a0{noon}"
    return f"{shown} ({utc_offset(value)})" if isinstance(value, AwayTime) else shown


def other_year(value: datetime, beside: datetime | None) -> bool:
    """Whether ``value`` falls in another year than ``beside`` (the date a reader sees above
    it: the piece's on its page, the issue's in an email), so that its day must say its
    year: an event has no run beside it, as a showtime has, to tell which January 20 it is.
    Both as written, as both are shown."""
    return beside is not None and value.year != beside.year


def utc_offset(value: datetime, minus: str = "-") -> str:
    """'UTC', 'UTC+1', 'UTC-8', 'UTC+5:30': the offset a time was written with, behind the
    language's ``minus`` sign when it is west of Greenwich."""
    offset = value.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    if not minutes:
        return "UTC"
    sign, minutes = ("+" if minutes > 0 else minus), abs(minutes)
    return f"UTC{sign}{minutes // 60}" + (f":{minutes % 60:02d}" if minutes % 60 else "")


def _same(message: str) -> str:
    return message


def _no_elision(text: str, value: str) -> str:
    return text


def _same_plural(singular: str, plural: str, n: int) -> str:
    return singular if n == 1 else plural


def _same_in_context(context: str, message: str) -> str:
    return message


def _same_plural_in_context(context: str, singular: str, plural: str, n: int) -> str:
    return singular if n == 1 else plural


@dataclass(frozen=True)
class Wording:
    """The words and dates of one language, as the templates and filters write them."""

    language: str  #: the publication's tag, as written in dopemail.toml ('fr-CA')
    translated: bool  #: False: English words, for want of a catalog (or for English)
    locale: str  #: for og:locale: 'fr_FR', 'fr_CA'; English keeps the tag as written
    gettext: Callable[[str], str] = _same
    ngettext: Callable[[str, str, int], str] = _same_plural
    #: A word said of one thing, which another language says otherwise of another (French
    #: agrees 'annulée' with a séance): ``pgettext(context, message)``, as gettext's.
    pgettext: Callable[[str, str], str] = _same_in_context
    npgettext: Callable[[str, str, str, int], str] = _same_plural_in_context
    long_date: Callable[[date | datetime | None], str] = long_date
    date_range: Callable[[date | None, date | None], str] = date_range
    show_time: Callable[..., str] = show_time
    join_names: Callable[..., str] = join_names
    number: Callable[[int], str] = number
    #: A film's language as written ('French', 'fr') as readers are shown it ('French';
    #: 'français' in French).
    language_name: Callable[[str], str] = english_language_name
    #: A country as written ('FR', 'France') as readers are shown it ('France').
    country_name: Callable[[str], str] = country_display
    #: What the language does where words meet: French elides 'de' before a vowel
    #: ('mémoires d’Alberto Moravia'), which the catalog's 'de %(author)s' cannot know.
    elide: Callable[[str, str], str] = _no_elision
    #: A digest of the catalog these words were read from ('' for English): what compiled
    #: templates, which hold the words, are kept under (a process reads a catalog once).
    catalog: str = ""


#: English, as the templates and filters write it.
# og:locale in Open Graph's form, language_TERRITORY ('en' alone is not one; en_US is both the
# CLDR's likely English and Open Graph's default), without loading Babel for English.
ENGLISH = Wording("en", translated=False, locale="en_US")


def has_catalog(language: str) -> bool:
    """Whether dopemail has the words of ``language`` (a tag: 'fr-BE' has French's)."""
    return primary(language) != "en" and catalog_path(primary(language)).is_file()


@lru_cache(maxsize=8)
def wording_for(language: str) -> Wording:
    """The wording of a publication written in ``language`` (a BCP 47 tag)."""
    if primary(language) == "en":
        return ENGLISH if language == "en" else Wording(language, False, _english_tag(language))
    from babel import Locale, UnknownLocaleError

    try:
        locale = Locale.parse(language, sep="-")
        shown = _locale_tag(locale)
    except (ValueError, UnknownLocaleError):
        # A region the CLDR has no locale of the language for (fr-US: the French of an LA
        # desk): the language's own, and og:locale as written (fr_US).
        shown = language.replace("-", "_")
        try:
            locale = Locale.parse(primary(language))
        except (ValueError, UnknownLocaleError):
            locale = None
    # Without a catalog, English words, dates and numbers: German's 1.079 in an English
    # sentence reads as a decimal.
    if locale is None or not has_catalog(language):
        return Wording(language, False, shown)
    translations, catalog = load_translations(primary(language))
    cldr = _CldrDates(locale)
    return Wording(
        language,
        True,
        shown,
        gettext=translations.gettext,
        ngettext=translations.ngettext,
        pgettext=translations.pgettext,
        npgettext=translations.npgettext,
        long_date=cldr.long_date,
        date_range=cldr.make_range(translations.gettext),
        show_time=cldr.show_time,
        join_names=cldr.join_names(),
        number=cldr.number,
        language_name=cldr.language_name,
        country_name=cldr.country_name,
        elide=_french_elision if locale.language == "fr" else _no_elision,
        catalog=catalog,
    )


def _english_tag(language: str) -> str:
    """'en_GB' for 'en-GB' (its region, in any case), 'en_US' for an English with none."""
    region = next((p for p in language.split("-")[1:] if len(p) == 2 and p.isalpha()), "US")
    # 'en-UK', as often written: the United Kingdom's code is GB (UK is no territory's).
    return f"en_{'GB' if region.upper() == 'UK' else region.upper()}"


def _locale_tag(locale: Any) -> str:
    """'fr_FR' for 'fr', 'fr_CA' for 'fr-CA' (Babel's likely subtags): Open Graph's form."""
    from babel.core import get_global

    if locale.territory:
        return f"{locale.language}_{locale.territory}"
    likely = get_global("likely_subtags").get(locale.language, "")
    territory = next((p for p in likely.split("_")[1:] if p.isupper() and len(p) == 2), None)
    return f"{locale.language}_{territory}" if territory else locale.language


def load_translations(language: str) -> tuple[Any, str]:
    """The catalog of ``language``, read from its ``.po`` and compiled in memory, and a
    digest of what was compiled."""
    import gettext
    import hashlib
    import io

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    source = catalog_path(language).read_bytes()
    catalog = read_po(io.BytesIO(source), locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    digest = hashlib.blake2b(compiled.getvalue(), digest_size=8).hexdigest()
    compiled.seek(0)
    return gettext.GNUTranslations(compiled), digest


#: The languages whose CLDR writes a time zone's offset west of Greenwich with a minus sign
#: (U+2212: 'UTC−8'), not a hyphen-minus: of those dopemail has a catalog of.
_OFFSET_MINUS_SIGN = frozenset(("fr",))


class _CldrDates:
    """Dates and times as the CLDR writes them in a locale, by Babel."""

    def __init__(self, locale: Any) -> None:
        from babel.dates import match_skeleton, parse_pattern

        self.locale = locale
        self._parse = parse_pattern
        self._day = parse_pattern(self._skeleton("MMMMEd", match_skeleton))
        self._day_in_year = parse_pattern(self._skeleton("yMMMMEd", match_skeleton))
        self._time = parse_pattern(self._skeleton("Hm", match_skeleton))
        self._long = parse_pattern(str(locale.date_formats["long"]))
        # How the CLDR joins a day and its time: '{1}, {0}' ('jeu. 10 décembre, 20:30').
        self._joined = str(locale.datetime_formats["medium"]).replace("'", "")
        self._intervals = self._interval_patterns(match_skeleton)
        # 1er décembre, 1er–31 décembre: French writes the first of a month as an ordinal.
        self._first = (
            re.compile(r"(?<![\d])1(?=[ \u00a0\u202f]\w|[\u2009\u202f ]?–)")
            if locale.language == "fr"
            else None
        )
        # The CLDR's time zone offsets ('+HH:mm;−HH:mm') are not in Babel's data, and its
        # number minus is French's hyphen-minus: the languages whose offsets are written with
        # U+2212, as their CLDR's hourFormat writes them.
        self._minus = "\u2212" if locale.language in _OFFSET_MINUS_SIGN else "-"

    def number(self, value: int) -> str:
        """A number of things as the locale groups its thousands ('1 079' in French)."""
        from babel.numbers import format_decimal

        return str(format_decimal(value, locale=self.locale))

    def _skeleton(self, skeleton: str, match: Callable[..., str | None]) -> str:
        """The locale's pattern for ``skeleton``, its fields as wide as asked for (the CLDR's
        own way: a pattern for 'MMMd' serves 'MMMMd' with the month written in full)."""
        known = self.locale.datetime_skeletons
        if skeleton in known:
            return str(known[skeleton])
        found = match(skeleton, known) or skeleton
        return _widen(str(known[found]) if found in known else found, skeleton, found)

    def _interval_patterns(self, match: Callable[..., str | None]) -> dict[str, list[str]]:
        skeleton = "yMMMMd"
        formats = self.locale.interval_formats
        found = skeleton if skeleton in formats else match(skeleton, formats)
        if not found:
            return {}
        return {
            field: [_widen(part, skeleton, found) for part in parts]
            for field, parts in formats[found].items()
        }

    def _ordinal(self, text: str) -> str:
        return self._first.sub("1er", text) if self._first is not None else text

    def long_date(self, value: date | datetime | None) -> str:
        """'4 décembre 2026'."""
        if value is None:
            return ""
        return self._ordinal(self._long.apply(_day_of(value), self.locale))

    def show_time(self, value: datetime, beside: datetime | None = None) -> str:
        """'jeu. 10 décembre, 20:30', the day alone for a day written without a time, and the
        offset for a time written in another than the publication's; with the year when it
        is not ``beside``'s ('sam. 20 janvier 2024, 19:00')."""
        value = getattr(value, "at", value)
        pattern = self._day_in_year if other_year(value, beside) else self._day
        day = self._ordinal(pattern.apply(value, self.locale))
        if isinstance(value, WholeDay):
            return day
        shown = self._joined.replace("{1}", day).replace(
            "{0}", self._time.apply(value, self.locale)
        )
        return (
            f"{shown} ({utc_offset(value, self._minus)})" if isinstance(value, AwayTime) else shown
        )

    def make_range(
        self, gettext: Callable[[str], str]
    ) -> Callable[[date | None, date | None], str]:
        def date_range(starts: date | None, ends: date | None) -> str:
            """'9–20 décembre 2026', '30 novembre – 3 décembre 2026' (the CLDR's intervals)."""
            if starts and ends:
                return self.interval(starts, ends)
            if starts:
                return gettext("from %(date)s") % {"date": self.long_date(starts)}
            if ends:
                return gettext("until %(date)s") % {"date": self.long_date(ends)}
            return ""

        return date_range

    def interval(self, starts: date, ends: date) -> str:
        if starts == ends or not self._intervals:
            if starts == ends:
                return self.long_date(starts)
            return f"{self.long_date(starts)} – {self.long_date(ends)}"
        start, end = _day_of(starts), _day_of(ends)
        field = "y" if start.year != end.year else "M" if start.month != end.month else "d"
        parts = self._intervals.get(field) or self._intervals.get("y")
        if not parts:
            return f"{self.long_date(starts)} – {self.long_date(ends)}"
        joined = "".join(
            self._parse(part).apply(when, self.locale)
            for part, when in zip(parts, (start, end), strict=True)
        )
        # The CLDR's thin spaces around the dash may break: a line would begin with '–'.
        return self._ordinal(joined.replace("\u2009", "\u202f"))

    def language_name(self, written: str) -> str:
        """A language named alone ('French', 'fr', 'français') by the locale's name for it
        ('français'); several, or one with a note ('Chinese (Mandarin)'), as written."""
        from .languages import sole_language

        code = sole_language(written)
        if code is None:
            return written
        names = self.locale.languages
        return str(names.get(code.replace("-", "_")) or names.get(primary(code)) or written)

    def country_name(self, written: str) -> str:
        """A country given as its ISO code ('DE') or its name in English or its own language
        ('Germany', 'Deutschland') by the locale's name for it ('Allemagne'); any other (a
        part of one, 'Scotland', one dopemail does not know, or a code the CLDR names no
        country, 'ZZ') as English prints it (see countries.display)."""
        # A French page read 'United States · anglais': the language named in French, the
        # country as typed.
        from .countries import code_of

        code = code_of(written)
        found = self.locale.territories.get(code) if code is not None else None
        return str(found) if found else country_display(written)

    def join_names(self) -> Callable[..., str]:
        from babel.lists import format_list

        def joined(names: Iterable[str], conjunction: str = "and") -> str:
            """'A, B et C': the CLDR's list, as the language writes it."""
            items = [n for n in names if n]
            if not items:
                return ""
            if conjunction != "and":  # a template's own word: joined as English joins
                return join_names(items, conjunction)
            return format_list(items, locale=self.locale)

        return joined


_VOWELS = "aeiouàâäéèêëîïôöùûüœæ"


def _vowel_sound(value: str) -> bool:
    # A y before a vowel is a consonant (de Yann, de Yasujirō; d’Yves); an h is left as
    # written ('de Hugo' and 'd’Hugo' are both French).
    first = value[:1].casefold()
    if first == "y":
        return value[1:2].casefold() not in _VOWELS
    return bool(first) and first in _VOWELS


def _french_elision(text: str, value: str) -> str:
    """``text`` with the catalog's 'de' before ``value`` (a name filled in) written 'd’'
    when the name begins with a vowel sound ('mémoires d’Alberto Moravia'); a 'de' that is
    part of the name or of another is left as it is (Ana de Armas, Machado de Assis)."""
    value = str(value).strip()
    if not _vowel_sound(value):
        return text
    marked = isinstance(text, Markup)
    shown = str(escape(value)) if marked else value
    elided = re.sub(rf"\b([Dd])e (?={re.escape(shown)})", "\\1’", str(text), count=1)
    return Markup(elided) if marked else elided


def _day_of(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


_MONTH_FIELD = re.compile(r"(?<!M)M{3}(?!M)|(?<!L)L{3}(?!L)")


def _widen(pattern: str, wanted: str, found: str) -> str:
    """``pattern`` (made for the skeleton ``found``) with its abbreviated month written in
    full when ``wanted`` asks for it."""
    if "MMMM" in wanted and "MMMM" not in found and "MMM" in found:
        return _MONTH_FIELD.sub(lambda m: m.group(0)[0] * 4, pattern)
    return pattern


def untranslated(language: str) -> str | None:
    """The warning for a publication whose language dopemail has no words for (None: it
    has them, or the language is English)."""
    if primary(language) == "en" or wording_for(language).translated:
        return None
    return (
        f'language = "{language}": dopemail has no catalog for this language yet, so pages, '
        "emails and feeds are written in English words, with English dates"
    )


def add_a_catalog(language: str) -> str:
    """How to give dopemail the words of ``language``: that warning's hint, with the
    catalogs' folder from the current one in a checkout of dopemail's source, else in full
    (an installed dopemail's are in its package, under site-packages)."""
    folder = LOCALES.as_posix()
    with contextlib.suppress(ValueError, OSError):
        folder = LOCALES.relative_to(Path.cwd()).as_posix()
    return (
        f"copy {folder}/fr/LC_MESSAGES/dopemail.po to "
        f"{folder}/{primary(language)}/LC_MESSAGES/ and translate it (README: "
        "'Languages', for developers)"
    )


def number_runs(numbers: Iterable[int], most: int = 8) -> str:
    """Issue numbers as a reader of a message takes them in: in order, runs of three or more
    as '1–40', and past ``most`` runs the count of the others ('1–3, 5, 9 and 12 more'): a
    warning and a hint once listed an archive's thousand numbers one by one."""
    runs: list[list[int]] = []
    for number in sorted(set(numbers)):
        if runs and number == runs[-1][1] + 1:
            runs[-1][1] = number
        else:
            runs.append([number, number])
    shown = [
        f"{first}–{last}" if last - first >= 2 else ", ".join(map(str, range(first, last + 1)))
        for first, last in runs[:most]
    ]
    rest = sum(last - first + 1 for first, last in runs[most:])
    return ", ".join(shown) + (f" and {rest} more" if rest else "")
