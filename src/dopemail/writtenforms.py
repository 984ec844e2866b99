"""Dates and times written as people write them, read to tell the editor the value to write.

'March 3, 2026', '3 mars 2026', '2026-3-5', '06/12/2026'; '20h30', '20 h 30', '8pm', '8:30 p.m.';
'20:30 CET', '20:30 PDT', '20:30 UTC'. None of these is a date dopemail takes (it takes ISO
8601's, with the offset): each was told "is not a date" with an example of another day and
another hour, which the editor then had to convert by hand.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Written:
    """A date and time as written: each day it may be (two for '06/12/2026', none for a time
    alone), its hour if it has one, and the zone's abbreviation after it, if any ('CET')."""

    days: tuple[date, ...]
    at: time | None = None
    zone: str | None = None
    #: The weekday written before the day when it is none of its days' ('Saturday, January
    #: 12, 2024': a Friday), in English; where it is one of two readings', that one is kept.
    weekday: str | None = None


#: The abbreviations of zones an editor writes after a time: each one's offset (None for a
#: zone's name without its season, 'PT') and a zone it names (for a time with no venue).
ABBREVIATIONS: dict[str, tuple[timedelta | None, str]] = {
    **dict.fromkeys(("UTC", "GMT", "Z"), (timedelta(0), "UTC")),
    "CET": (timedelta(hours=1), "Europe/Paris"),
    "CEST": (timedelta(hours=2), "Europe/Paris"),
    "WET": (timedelta(0), "Europe/Lisbon"),
    "WEST": (timedelta(hours=1), "Europe/Lisbon"),
    "BST": (timedelta(hours=1), "Europe/London"),
    "EET": (timedelta(hours=2), "Europe/Athens"),
    "EEST": (timedelta(hours=3), "Europe/Athens"),
    "PST": (timedelta(hours=-8), "America/Los_Angeles"),
    "PDT": (timedelta(hours=-7), "America/Los_Angeles"),
    "PT": (None, "America/Los_Angeles"),
    "MST": (timedelta(hours=-7), "America/Denver"),
    "MDT": (timedelta(hours=-6), "America/Denver"),
    "MT": (None, "America/Denver"),
    "CST": (timedelta(hours=-6), "America/Chicago"),
    "CDT": (timedelta(hours=-5), "America/Chicago"),
    "CT": (None, "America/Chicago"),
    "EST": (timedelta(hours=-5), "America/New_York"),
    "EDT": (timedelta(hours=-4), "America/New_York"),
    "ET": (None, "America/New_York"),
    "AKST": (timedelta(hours=-9), "America/Anchorage"),
    "AKDT": (timedelta(hours=-8), "America/Anchorage"),
    "HST": (timedelta(hours=-10), "Pacific/Honolulu"),
    "JST": (timedelta(hours=9), "Asia/Tokyo"),
    "KST": (timedelta(hours=9), "Asia/Seoul"),
}

# Months in English and in French (a French publication's editor writes '3 mars 2026'), with
# their short forms, without accents (see _folded).
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            "january jan janvier janv",
            "february feb fevrier fevr fev",
            "march mar mars",
            "april apr avril avr",
            "may mai",
            "june jun juin",
            "july jul juillet juil",
            "august aug aout",
            "september sep sept septembre",
            "october oct octobre",
            "november nov novembre",
            "december dec decembre",
        ),
        start=1,
    )
    for name in names.split()
}
# Weekdays in English and in French, with their short forms (Monday is 0, as date.weekday).
_WEEKDAYS = {
    name: number
    for number, names in enumerate(
        (
            "monday mon lundi",
            "tuesday tue tues mardi",
            "wednesday wed mercredi",
            "thursday thu thurs jeudi",
            "friday fri vendredi",
            "saturday sat samedi",
            "sunday sun dimanche",
        )
    )
    for name in names.split()
}
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

_WORD = r"[^\W\d_]+"
_DAY_FORMS = (
    # 2026-3-5 (YAML reads it as text), 2026/12/06, 2026.12.06: the year first, then the month
    ("ymd", re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})|(\d{4})[/.](\d{1,2})[/.](\d{1,2})")),
    # 06/12/2026 (or 6.12.2026, 06-12-2026): June 12 in the United States, December 6 in France
    ("letter", re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")),
    # March 3, 2026; Mar. 3rd 2026
    ("mdy", re.compile(rf"({_WORD})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})")),
    # 3 mars 2026; 1er mai 2026; 3 March 2026; le 3 mars 2026
    ("dmy", re.compile(rf"(?:le\s+)?(\d{{1,2}})(?:er|st|nd|rd|th)?\s+({_WORD})\.?,?\s+(\d{{4}})")),
)
# Between a day and its hour: 'T', a space, a comma, 'at', 'à'.
_BETWEEN = re.compile(r"\s*(?:T|,)?\s*(?:(?:at|à|a|@)\s+)?", re.IGNORECASE)
# 20:30, 20:30:00, 20.30, 20h30, 20 h 30, 20h, 8pm, 8 p.m., 8:30 pm; then a zone's abbreviation.
_HOUR = re.compile(
    r"(\d{1,2})(?:(\s*h\s*|[:.])(\d{2})?(?::(\d{2}))?)?(?:\s*([ap])\.?\s?m\.?)?"
    r"(?:\s*([A-Za-z]{1,4}))?",
    re.IGNORECASE,
)


def _folded(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _days(kind: str, groups: tuple[str | None, ...]) -> list[tuple[int, int, int]]:
    """The (year, month, day) each reading of a day written so may be."""
    if kind == "ymd":
        year, month, day = (int(g) for g in groups if g is not None)
        return [(year, month, day)]
    if kind == "letter":
        first, second, year = (int(g) for g in groups if g is not None)
        return [(year, first, second), (year, second, first)]
    if kind == "mdy":
        month, day, year = groups
    else:
        day, month, year = groups
    number = _MONTHS.get(_folded(month or ""))
    return [(int(year or 0), number, int(day or 0))] if number else []


def _hour(text: str) -> tuple[time, str | None] | None:
    """An hour as written ('20h30', '8:30 pm', '20:30 CET'), with its zone's abbreviation."""
    found = _HOUR.fullmatch(text.strip())
    if found is None:
        return None
    hour, sep, minute, second, half, zone = found.groups()
    if zone is not None and zone.upper() not in ABBREVIATIONS:
        return None
    if sep is not None and sep.strip() in (":", ".") and minute is None:
        return None
    meridiem = half is not None
    if sep is None and not meridiem:
        return None  # a number alone is no hour
    h, m, s = int(hour), int(minute or 0), int(second or 0)
    if meridiem:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if (half or "").lower() == "p" else 0)
    if h > 23 or m > 59 or s > 59:
        return None
    return time(h, m, s), zone.upper() if zone else None


def read_written(text: str) -> Written | None:
    """The day(s), hour and zone ``text`` writes in one of the forms above; None for any other
    (and for a day that is no real one, told as such elsewhere)."""
    text = " ".join(text.split())
    words = text.split(" ", 1)
    weekday = None
    if len(words) == 2 and _folded(words[0].rstrip(",.")) in _WEEKDAYS:
        # 'Friday, June 14, 2024': checked against its day (a typo in one or the other was
        # read without a word), and the one of two readings it names ('Friday 06/12/2026').
        weekday, text = _WEEKDAYS[_folded(words[0].rstrip(",."))], words[1]
    for kind, form in _DAY_FORMS:
        found = form.match(text)
        if found is None:
            continue
        days: list[date] = []
        for year, month, day in _days(kind, found.groups()):
            try:
                shown = date(year, month, day)
            except ValueError:
                continue
            if shown not in days:
                days.append(shown)
        rest = text[found.end() :]
        if not days or (rest and not _BETWEEN.match(rest)):
            return None
        wrong = None
        if weekday is not None:
            agreeing = [d for d in days if d.weekday() == weekday]
            days, wrong = (agreeing, None) if agreeing else (days, _WEEKDAY_NAMES[weekday])
        rest = rest[_BETWEEN.match(rest).end() :]  # type: ignore[union-attr]
        if not rest:
            return Written(tuple(days), weekday=wrong)
        hour = _hour(rest)
        return Written(tuple(days), *hour, weekday=wrong) if hour else None
    hour = _hour(text)
    return Written((), *hour) if hour else None


def names_of(zone: ZoneInfo, year: int) -> set[str]:
    """The abbreviations a zone's clock goes by in ``year`` (Europe/Paris: CET and CEST)."""
    return {datetime(year, month, 15, tzinfo=zone).tzname() or "" for month in (1, 4, 7, 10)} - {""}
