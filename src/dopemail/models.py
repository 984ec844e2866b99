"""The content model: frozen, typed, documented data with no I/O.

Each field's description is its documentation: it appears in ``dopemail schema`` (JSON Schema,
so editors get completion) and in the scaffold of ``dopemail new entry``. Unknown keys are
errors, so a typo never silently drops a field.
"""

from __future__ import annotations

import contextlib
import difflib
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Annotated, Any, Literal, NamedTuple, NoReturn, TypeVar, cast
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .countries import (
    VenueClocks,
    abroad_of,
    address_place,
    code_first,
    display,
    either_country,
    home_country,
    region_and_postal,
    region_name,
    venue_clocks,
)
from .errors import invisible_format, invisible_said
from .languages import LANGUAGE_TAG, closest_language, language_code, sole_language, tag_case
from .moments import AwayTime, WholeDay, offset_text
from .wording import primary
from .writtenforms import ABBREVIATIONS, Written, names_of, read_written

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _zone(info: ValidationInfo) -> ZoneInfo:
    context = info.context or {}
    return context.get("tz") or ZoneInfo("UTC")


def _language(info: ValidationInfo) -> str:
    # The publication's, whose names of cities are known too ('Londres').
    language = (info.context or {}).get("language")
    return language if isinstance(language, str) else "en"


def _parse_moment(value: Any, info: ValidationInfo) -> datetime:
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = WholeDay.combine(value, time(0), _zone(info))
    elif isinstance(value, str):
        _no_invisible(
            value, "date or time", joiners=False
        )  # else told "not a real date" and it looks it
        text, day = value.strip(), None
        try:
            if _DATE.match(text):
                parsed = WholeDay.combine(date.fromisoformat(text), time(0), _zone(info))
            else:
                parsed = datetime.fromisoformat(text)
                day = _other_day_form(text)
        except ValueError as exc:
            if (written_so := read_written(text)) is not None:
                # '2024-06-14 20h30', 'March 3, 2026', '20:30 CET': the value to write told,
                # at the venue's clock (it was told another day, hour and offset).
                _tell_written(text, written_so, info)
            if re.match(r"^\d{4}-\d{2}-\d{2}", text):
                # A value out of range (February 30) or a form not understood (7:30pm, PST).
                ranged = "range" in str(exc) or "must be in" in str(exc)
                bare = _DATE.match(text) is not None
                # A date written alone has no hour to check: only its day and month.
                what = "check the day and month" if bare else "check the day, month and hour"
                fix = what if ranged else _moment_form(info, text)
                # Python's own words only where they name what is out of range: "Invalid
                # isoformat string" says nothing the editor can act on.
                why = f" ({exc})" if ranged else ""
                kind = "date" if bare else "date or time"
                raise ValueError(f"'{text}' is not a real {kind}{why}: {fix}") from None
            # (A day written otherwise, 'March 3, 2026', is told above.)
            raise ValueError(
                f"'{text}' is not a date: write 2024-01-12 or {_moment_example(info)}"
            ) from None
        if day is not None:
            # A day in ISO's other forms ('2024-W23', '20240603'), which Python reads as a
            # time at midnight: it was told "has a time but no time zone".
            week = f": {day} is that week's Monday" if "w" in text.lower() else f": {day}"
            raise ValueError(f"'{text}' is not a date: write it as YYYY-MM-DD{week}")
    else:
        raise ValueError(f"expected a date like 2024-01-12 or {_moment_example(info)}")
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        _tell_offset(parsed, info, f"'{value}' has a time but no time zone")
    parsed = _plausible(parsed, value)
    if type(parsed) is not datetime:  # a bare date: the zone's own offset, whatever it is
        return parsed
    # Written with seconds (a zone's own may have them: Los Angeles before 1883, -7:52:58).
    if parsed.utcoffset().total_seconds() % 60:  # type: ignore[union-attr]
        raise ValueError(f"'{value}': write the offset in hours and minutes, such as -08:00")
    if _needs_offset(parsed, _zone(info)):
        return AwayTime.combine(parsed.date(), parsed.timetz())
    return parsed


class _Told(ValueError):
    """What a time without its offset is told (:func:`_tell_offset`): the message, and the
    values it may be written as, each with its offset (``readings``: one, or two to choose
    from; none where no offset makes it a time there, the hour skipped when clocks go
    forward), or, where the venue's offset is not known (a country of several clocks), the
    value to add it to (``bare``); ``why`` says why not one."""

    def __init__(
        self, message: str, readings: tuple[str, ...] = (), why: str = "", bare: str = ""
    ) -> None:
        super().__init__(message)
        self.readings, self.why, self.bare = readings, why, bare


def _tell_offset(
    parsed: datetime,
    info: ValidationInfo,
    said: str,
    how: str = "add the offset",
    bare: bool = True,
    abbreviation: str | None = None,
) -> NoReturn:
    """Raise, for a time without its offset, the one to write: its venue's zone's on that day
    (:func:`_venue_zone`), else the publication's; or, for a time of no venue written with a
    zone's abbreviation ('20:30 CET'), that zone's. ``said``: what is wrong with it; ``how``:
    the fix; ``bare``: whether a bare date is one too. Raises :class:`_Told`."""
    # The offset the publication's zone has at that time of year (-07:00 in Los Angeles
    # in June, not the winter's -08:00): a fixed example, followed, published the wrong
    # hour.
    zone = _zone(info)
    written = parsed.replace(tzinfo=None).isoformat()
    # A showtime is the venue's clock: its zone's offset, not the publication's (a Paris
    # screening told -08:00 by a Los Angeles publication was published 9 hours off).
    venue = _venue_zone(info, parsed, said, written)
    told, named = ABBREVIATIONS.get(abbreviation or "", (None, None))
    if venue is not None:
        zone = venue
    elif named and not _at_a_venue(info) and abbreviation not in names_of(zone, parsed.year):
        zone = ZoneInfo(named)  # 'published: ... 20:30 CET' for a Los Angeles publication
    wall = parsed.replace(tzinfo=zone)
    first, second = wall.utcoffset(), wall.replace(fold=1).utcoffset()
    said_as = f"{abbreviation} ({offset_text(told)})" if told is not None else ""
    if told is None and named and abbreviation:
        # 'ET', 'PT': a zone's name without its season, its offset that day (at a Paris venue,
        # '21:45 ET' was told +02:00 without a word of ET).
        told = parsed.replace(tzinfo=ZoneInfo(named)).utcoffset()
        said_as = f"{abbreviation} ({offset_text(told)} in {named} on that day)"
    hour = written[11:16]
    if wall.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != wall.replace(tzinfo=None):
        # The hour skipped when clocks go forward: no offset makes it a time of the zone's;
        # but '2:30am PST' is a moment all the same (03:30 PDT), which is offered.
        why = f"{hour} is no time in {zone.key} that day: the clocks go forward over it"
        skipped = f"{hour} is no time in {zone.key} on that day (the clocks go forward over it)"
        if told is None:
            raise _Told(f"{said}, and {skipped}: check the hour", why=why)
        moment = parsed.replace(tzinfo=timezone(told)).astimezone(zone).isoformat()
        raise _Told(
            f"{said}, and {skipped}: {how}, '{moment}' if {hour} {said_as} is the moment meant "
            f"({written}{offset_text(told)}), or check the hour",
            (moment,),
            why,
        )
    if first != second:
        # The hour repeated when clocks go back: two moments, one offset each; an
        # abbreviation of one of them ('1:30am PST') says which.
        if told in (first, second):
            which = "first" if told == first else "second"
            value = f"{written}{offset_text(told)}"
            raise _Told(
                f"{said}: {how}, {offset_text(told)} in {zone.key} on that day, {said_as} "
                f"the {which} {hour} of two (the clocks go back over it) ('{value}')",
                (value,),
            )
        raise _Told(
            f"{said}: {how}, {offset_text(first)} for the first "
            f"{hour} in {zone.key} on that day, {offset_text(second)} for the "
            f"second ('{written}{offset_text(first)}')",
            (f"{written}{offset_text(first)}", f"{written}{offset_text(second)}"),
            f"the first {hour} in {zone.key} or the second: the clocks go back over it",
        )
    offset = offset_text(first)
    if told is not None and told != first:
        # '20:30 CET' for a Paris venue in June, when Paris is at CEST: the hour kept at the
        # venue's clock, or the moment the abbreviation says, whichever the editor meant.
        moment = parsed.replace(tzinfo=timezone(told)).astimezone(zone).isoformat()
        raise _Told(
            f"{said}, and {said_as} is not {zone.key}'s clock on "
            f"that day, {wall.tzname()} ({offset}): {how}, '{written}{offset}' if "
            f"{hour} is the hour there, or '{moment}' if {hour} "
            f"{abbreviation} is the moment meant",
            (f"{written}{offset}", moment),
            f"{hour} at {zone.key}'s clock or {hour} {abbreviation}",
        )
    tail = ", or write a bare date (midnight in the publication's zone)" if bare else ""
    raise _Told(
        f"{said}: {how}, {offset} in {zone.key} on that day ('{written}{offset}'){tail}",
        (f"{written}{offset}",),
    )


def _at_a_venue(info: ValidationInfo) -> bool:
    """Whether the time being read is at a venue: a screening's, or an event's at an address."""
    data = info.data
    if info.field_name == "times":
        return isinstance(data.get("city"), str)
    return info.field_name == "date" and isinstance(data.get("address"), str)


def _tell_written(value: str, written: Written, info: ValidationInfo) -> NoReturn:
    """Raise, for a date or time written otherwise than ISO 8601 ('March 3, 2026', '2024-06-14
    20h30', '8pm'), the value to write instead: the day, or the day and hour with the offset
    of its venue's clock (or the publication's) on that day."""
    said = f"'{value}' is not a date"
    day_first = primary(_language(info)) == "fr"
    if written.at is None:  # a day alone, as a bare date
        raise ValueError(f"{said}: {_readings(written, day_first)}")
    days = _in_order(written.days, day_first)
    if written.weekday is not None and days:
        # 'Saturday, January 12, 2024 9am': January 12 is a Friday (its weekday was dropped
        # unread).
        said = f"'{value}' is not a date, and {_weekday_wrong(written, days)}"
    hour = written.at.isoformat()[:5]
    if not days:
        starts, ends = info.data.get("starts"), info.data.get("ends")
        first = starts if isinstance(starts, date) else None
        if info.field_name == "times" and first is not None and ends == first:
            days = (first,)  # a screening of one day: the day is its
            said = f"'{value}' has no date (the screening's one day is {first.isoformat()})"
        else:
            # An example at that hour, on the screening's first day when it says one.
            on = first or date(2024, 1, 12)
            where = "on the screening's first day" if first is not None else "on a day"
            said = f"'{value}' has a time but no date"
            how = f"write its day too, e.g. {where} with the offset"
            at = datetime.combine(on, written.at)
            _tell_offset(at, info, said, how, False, written.zone)
    if len(days) > 1:  # 06/12/2026 20:30: which day is the editor's to say
        shown = [_offset_written(datetime.combine(d, written.at), info) for d in days]
        raise ValueError(f"{said}: write it in full with its offset: {' or '.join(shown)}")
    if said.endswith("is not a date"):
        said = f"'{value}' is not a date and time as dopemail reads them ({hour} on {days[0]})"
    _tell_offset(
        datetime.combine(days[0], written.at),
        info,
        said,
        "write it in full with its offset",
        False,
        written.zone,
    )


def _offset_written(wall: datetime, info: ValidationInfo) -> str:
    """``wall`` on its day as :func:`_tell_offset` tells it, to list among a date's readings:
    with its offset ("'2024-06-12T20:30:00-07:00' (June 12)"), or why none is said (the hour
    skipped that day, a venue of several clocks). (Its text was once scraped from the
    message: a garbled hint, or a value without its offset.)"""
    day = f"{wall:%B} {wall.day}"
    try:
        _tell_offset(wall, info, "")
    except _Told as told:
        if len(told.readings) == 1:
            return f"'{told.readings[0]}' ({day})"
        if told.readings:
            return " or ".join(f"'{r}'" for r in told.readings) + f" ({day}: {told.why})"
        if told.bare:
            return f"'{told.bare}' with its venue's offset added ({day}: {told.why})"
        return f"none on {day} ({told.why})"
    raise AssertionError  # pragma: no cover (it always raises)


def _both_clocks(
    said: str,
    wall: datetime,
    city: str,
    region: str | None,
    home: ZoneInfo,
    then: str,
    language: str = "en",
) -> None:
    """Raise, for a venue without its country in a city of another country's clock ('Paris'
    for a Los Angeles publication), both offsets it may be at; nothing for any other (nor
    for one whose region is the publication's country's: see countries.abroad_of)."""
    abroad = abroad_of(city, region, home.key, language)
    if abroad is None:
        return
    # 'Los Angeles' without its country, for a publication in Paris: taken to be in
    # France, it was told +01:00, which followed put an LA showtime nine hours off.
    there = wall.replace(tzinfo=ZoneInfo(abroad)).utcoffset()
    here = wall.replace(tzinfo=home).utcoffset()
    written = wall.replace(tzinfo=None).isoformat()
    raise _Told(
        f"{said}: add the offset of the venue's clock on that day: {offset_text(there)} "
        f"if it is in {abroad}'s (then {then}), {offset_text(here)} if it is in "
        f"{home.key}'s, the publication's, where a venue without a country is taken to be",
        (f"{written}{offset_text(there)}", f"{written}{offset_text(here)}"),
        f"at {abroad}'s clock or {home.key}'s",
    )


def _home_or_state(
    said: str,
    wall: datetime,
    city: str,
    region: str | None,
    postal: str | None,
    home: ZoneInfo,
    then: str,
) -> None:
    """Raise, for a venue without its country whose region is the publication's country's
    code and a state's whose ZIP or city it gives (Wilmington, DE 19801 in a Berlin
    publication; see countries.state_of_home_code), the state's offsets and the publication's
    country's, and the country to write for each; nothing for any other, nor where both
    countries' clocks agree. Told the publication's alone, a Delaware screening went out
    six hours off."""
    ours = home_country(home.key)
    either = either_country(city, region, postal, home.key)
    if either is None or ours is None:
        return
    naive = wall.replace(tzinfo=None)
    theirs, ours_at = either.there.offsets_at(naive), either.here.offsets_at(naive)
    if not theirs or not ours_at:
        return
    name, elsewhere = display(ours), display(either.state)
    code = either.code
    state_name = region_name(either.state, code)
    fix = (
        (f"end its address with ', {elsewhere}'", f"end its address with ', {name}'")
        if then.startswith("end")
        else (f"country: {elsewhere}", f"country: {name}")
    )
    evidence = (
        f"{(postal or '').strip()} a postal code of {state_name}'s"
        if either.by_postal
        else f"{city} a city of {state_name}'s"
    )
    either_said = (
        f"its region, {code}, is {state_name}'s code too, and {evidence}: it may be in "
        f"{state_name}, {elsewhere}, or in {name}, the publication's country"
    )
    if any(not _plainly_at(naive, zone) for zone in either.zones):
        # The hour skipped or repeated at one of its clocks: its country first, then its
        # clock's offset (and that hour) is told.
        raise _Told(
            f"{said}, and {either_said}: write its country first ({fix[0]}, or {fix[1]}), then "
            "its offset on that day",
            why=f"in {elsewhere} or {name}: its country first",
        )
    if set(theirs) == set(ours_at):
        return  # the same offset either way that day (Panama and Pennsylvania in December)
    written = naive.isoformat()

    def shown(offsets: Mapping[timedelta | None, ZoneInfo]) -> str:
        return ", ".join(f"{offset_text(o)} in {zone.key}" for o, zone in offsets.items())

    raise _Told(
        f"{said}: add the offset of the venue's clock on that day: {shown(theirs)} if it is "
        f"in {state_name}, {elsewhere} (then {fix[0]}), or {shown(ours_at)} if it is in "
        f"{name} (then {fix[1]}): {either_said}",
        tuple(f"{written}{offset_text(o)}" for o in dict.fromkeys([*theirs, *ours_at])),
        f"in {elsewhere} or {name}",
    )


def _plainly_at(naive: datetime, zone: ZoneInfo) -> bool:
    """Whether ``naive`` is one time at ``zone``'s clock: not an hour skipped or repeated."""
    local = naive.replace(tzinfo=zone)
    kept = local.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == naive
    return kept and local.utcoffset() == local.replace(fold=1).utcoffset()


def _elsewhere(
    said: str, wall: datetime, clocks: VenueClocks, region: str | None, home: ZoneInfo, then: str
) -> None:
    """Raise, for a venue without its country whose region is another country's than the
    publication's ('Austin, TX' in a Paris publication), its region's clocks (its city's
    where it is known) and the country to write; nothing for any other. Taken to be at home,
    it was told Paris's +02:00, and written so, published seven hours off."""
    there = clocks.region_country
    if there is None or not clocks.zones:
        return
    country = display(there)
    fix = (
        f"end its address with its country (', {country}')"
        if then.startswith("end")
        else f"give its country too (country: {country})"
    )
    why = f"; and {fix}: its region, {region}, is a region of {country}"
    ours = home_country(home.key)  # none for a publication at UTC's: nothing to set it apart
    if ours is not None:
        why += f" (not of {display(ours)}, where a venue without a country is taken to be)"
    written = wall.replace(tzinfo=None).isoformat()
    offsets = clocks.offsets_at(wall.replace(tzinfo=None))
    zone = clocks.zones[0]
    local = wall.replace(tzinfo=zone)
    kept = local.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == local.replace(tzinfo=None)
    if len(offsets) == 1 and kept and local.utcoffset() == local.replace(fold=1).utcoffset():
        offset = offset_text(local.utcoffset())
        raise _Told(
            f"{said}: add the offset, {offset} in {zone.key} on that day "
            f"('{written}{offset}'){why}",
            (f"{written}{offset}",),
        )
    if len(offsets) == 1:
        return  # the hour skipped or repeated there: told as such, at that clock
    _several(said, written, offsets, (region or "").strip(), why)


def _several(
    said: str, written: str, offsets: Mapping[timedelta | None, ZoneInfo], whose: str, then: str
) -> NoReturn:
    """Raise, for a time without its offset at a venue of several clocks that day (``whose``:
    its region's, its country's), each of them (four at most), ``then`` after them."""
    shown = ", ".join(f"{offset_text(o)} in {c.key}" for o, c in list(offsets.items())[:4])
    shown += ", ..." if len(offsets) > 4 else ""
    raise _Told(
        f"{said}: add the offset of the venue's clock on that day ('{written}' and it): "
        f"{whose} has several ({shown}){then}",
        why=f"{whose} has several clocks: {shown}",
        bare=written,
    )


def _venue_zone(info: ValidationInfo, wall: datetime, said: str, written: str) -> ZoneInfo | None:
    """The zone of the venue a time without an offset is at (a screening's ``times``, an
    event's ``date`` at its ``address``), where its country and city tell it; None to take
    the publication's. Raises where the
    venue's country has several offsets that day and none is the venue's by its city."""
    data = info.data
    home = _zone(info)
    if info.field_name == "times" and isinstance(data.get("city"), str):
        country, city = data.get("country"), data["city"]
        region = data.get("region") if isinstance(data.get("region"), str) else None
        # Its postal code, evidence of the region's country as an event's is ('IL', '61602').
        postal = data.get("postal_code") if isinstance(data.get("postal_code"), str) else None
    elif info.field_name == "date" and isinstance(data.get("address"), str):
        # An event's, on one line. Without a country named, the publication's zone, unless
        # its city surely names another of its country's; with one, as a screening's (a
        # country of several clocks and a city read as none of them: each told).
        country, city = address_place(data["address"], home.key, lookup=True)
        region, postal = region_and_postal(data["address"], country)
        if country is None:
            clocks = venue_clocks(None, city, home.key, region, postal)
            _elsewhere(said, wall, clocks, region, home, "end its address with its country")
            _home_or_state(said, wall, city, region, postal, home, "end its address")
            # '51 rue des Écoles, 75005 Paris' for a Los Angeles publication: told
            # Los Angeles's offset alone, then warned for writing it.
            _both_clocks(
                said, wall, city, region, home, "end its address with its country", _language(info)
            )
            if clocks.zones and clocks.sure_at(wall):
                return clocks.zones[0]
            if not clocks.by_region:
                return None
            # A state of several clocks ('Austin, TX 78701'): each told, below.
    else:
        return None
    clocks = venue_clocks(country, city, home.key, region, postal)
    if country is None and info.field_name == "times":
        _elsewhere(said, wall, clocks, region, home, "give its country too")
        _home_or_state(said, wall, city, region, postal, home, "give its country too")
        _both_clocks(said, wall, city, region, home, "give its country too", _language(info))
    offsets = clocks.offsets_at(wall.replace(tzinfo=None))
    if len(offsets) == 1:
        return next(iter(offsets.values()))
    # Its region's clocks, when they are what its city is read as (Austin, TX: Central or
    # Mountain time; no zone is named after Austin): never the publication's. Told -07:00,
    # Los Angeles's, an Austin showtime was published two hours off.
    by_region = clocks.by_region
    if not offsets or (clocks.at_home and not by_region):
        return None  # (its city not among its country's zones: most venues are local)
    whose = (region or "").strip() if by_region else display(country) if country else None
    _several(said, written, offsets, whose or "its country", "")


def _needs_offset(moment: datetime, zone: ZoneInfo) -> bool:
    """Whether a time's clock alone would mislead a reader of the publication: written with
    another offset than the zone's then, or in the hour repeated when clocks go back (01:30
    on the first Sunday of November in Los Angeles is two moments)."""
    if moment.utcoffset() != moment.astimezone(zone).utcoffset():
        return True
    wall = moment.replace(tzinfo=zone)
    return wall.utcoffset() != wall.replace(fold=1).utcoffset()


def _plausible(moment: datetime, written: Any) -> datetime:
    # Years at the ends of Python's calendar (0001, 9999) cannot be moved to UTC, which
    # ordering and feeds do: a typo there once ended the build with a traceback.
    if not 1800 <= moment.year <= 2199:
        # As written: a bare date's midnight and zone ('0001-01-01T00:00:00-07:52:58', Los
        # Angeles's offset then) are none of the editor's.
        shown = written.strip() if isinstance(written, str) else moment.isoformat()
        raise ValueError(f"'{shown}': the year {moment.year} is surely a typo")
    return moment


def _other_day_form(text: str) -> str | None:
    """The day ``text`` names as YYYY-MM-DD, when it is written in another of ISO's forms of
    a day alone (a week, '2024-W23'; no dashes, '20240603'); None for anything else."""
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        return None


def _parse_day(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        _no_invisible(value, "date", joiners=False)
    if isinstance(value, str) and _DATE.match(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError as exc:
            raise ValueError(
                f"'{value}' is not a real date ({exc}): check the day and month"
            ) from None
    readings = _readings(read_written(value.strip())) if isinstance(value, str) else None
    raise ValueError(
        f"'{value}' is not a date: {readings or 'write it as YYYY-MM-DD, e.g. 2024-01-12'}"
    )


def _readings(written: Written | None, day_first: bool = False) -> str | None:
    """How to write a day written otherwise ('06/12/2026', 'March 3, 2026', '3 mars 2026',
    '2026-3-5', as writtenforms.read_written reads it): each real reading as YYYY-MM-DD, both
    where both are days (June 12 in the United States, December 6 in France: which one is
    the editor's to say, unless a weekday written with it says; the day first with
    ``day_first``, a French publication's); None for anything else."""
    if written is None or written.at is not None or not written.days:
        return None
    days = _in_order(written.days, day_first)
    said = [f"{d.isoformat()} ({d:%B} {d.day})" for d in days]
    wrong = _weekday_wrong(written, days)
    if wrong:
        return f"{wrong}: write the right day as YYYY-MM-DD, {' or '.join(said)} as written"
    return f"write it as YYYY-MM-DD: {' or '.join(said)}"


def _in_order(days: tuple[date, ...], day_first: bool) -> tuple[date, ...]:
    # '06/12/2026' is read month first (June 12) and day first (December 6), in that order;
    # a French publication's editor most likely meant the second.
    return days[::-1] if day_first and len(days) == 2 else days


def _weekday_wrong(written: Written, days: tuple[date, ...]) -> str:
    """Where a weekday written with a day is none of its readings' ('Saturday, January 12,
    2024', a Friday): said, for the editor to say which is right; else nothing."""
    if written.weekday is None:
        return ""
    are = " and ".join(f"{d:%B} {d.day}, {d.year} is a {d:%A}" for d in days)
    return (
        f"its weekday disagrees with its day ({are}, not a {written.weekday}), a typo in one "
        "or the other (which is right?)"
    )


_DAY_WRITTEN = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


def _moment_example(info: ValidationInfo, text: str = "") -> str:
    """A date and time written with its zone, at the publication's clock on the day
    ``text`` begins with where it names a real one (its offset that time of year: July's
    +02:00 in Paris, not January's), else on 2024-01-12: a Paris publication was shown Los
    Angeles's -08:00, which followed published the hour wrong."""
    day = date(2024, 1, 12)
    written = _DAY_WRITTEN.match(text.strip())
    if written is not None:
        with contextlib.suppress(ValueError):
            day = date(*map(int, written.groups()))
    return datetime.combine(day, time(19, 30), _zone(info)).isoformat()


def _moment_form(info: ValidationInfo, text: str = "") -> str:
    example = _moment_example(info, text)
    day = example[:10]
    return f"write it like {day} or {example}"


# Addresses of other kinds, some a letter or two from https (ftps, webcals).
_OTHER_SCHEMES = frozenset(
    {"ftp", "ftps", "sftp", "mailto", "tel", "sms", "file", "data", "webcal", "webcals"}
)
# A word before '://' (or ':/'), for a scheme misspelt: 'htps://', 'hhttps://'.
_SCHEME_TYPED = re.compile(r"([A-Za-z]{3,7}):/{1,3}(?=[^/])")
# 'https//', 'https:/', 'https:///', 'https;//': the start of an address typed wrong.
_MISTYPED_SCHEME = re.compile(r"(https?)(?:[:;]/{1}|[:;]?/{3,}|;//|//)(?=[^/])", re.IGNORECASE)


def _start_typed_wrong(value: str) -> tuple[str, str] | None:
    """How an address begins where it means https:// ('https//', 'https:/', 'htps://'), and
    the address meant. Told to put https:// first, it became https://https//..., which
    passed."""
    if found := _MISTYPED_SCHEME.match(value):
        return found.group(), f"{found.group(1).lower()}://{value[found.end() :]}"
    found = _SCHEME_TYPED.match(value)
    word = found.group(1).lower() if found else "https"
    if word in ("http", "https") or word in _OTHER_SCHEMES:
        return None
    if found is None or difflib.SequenceMatcher(None, word, "https").ratio() < 0.6:
        return None  # another kind of address (rtsp://): told so by _check_url
    return found.group(), f"https://{value[found.end() :]}"


def _no_invisible(value: str, what: str, joiners: bool = True) -> None:
    """Refuse ``value`` (a ``what``: a web address, a date) holding an invisible format
    character: pasted from a chat or a page, it looks right and is published broken.
    ``joiners``: whether the joiners of Persian words and emoji are its own (in an address,
    a file's name; not in a date)."""
    hidden = invisible_format(value, joiners)
    if hidden is not None:
        raise ValueError(
            f"{invisible_said(value, hidden[0])}, which no {what} has: delete it (retype the "
            "value, or delete and retype the characters around it)"
        )


def _check_url(value: str) -> str:
    # Before the others: a zero-width space before 'https' read as a scheme written wrong.
    _no_invisible(value, "web address")
    if typed := _start_typed_wrong(value):
        begins, meant = typed
        raise ValueError(
            f"'{value}' begins '{begins}', which is not how a web address begins: write {meant}"
        )
    parts = urlsplit(value)
    scheme = parts.scheme.lower()
    other = scheme in _OTHER_SCHEMES
    if other or (scheme not in ("http", "https") and value[len(scheme) :].startswith("://")):
        # An address of another kind (webcal://, ftps://), which https:// put before breaks.
        raise ValueError(
            f"'{value}' is an address of another kind ({parts.scheme}:), not a web page's: "
            "write the page's address, starting https://"
        )
    if parts.scheme not in ("http", "https"):
        # (Not "or http://": the site's and the unsubscribe page's must be https.)
        raise ValueError(f"'{value}' is not a full web address: write it with https:// first")
    if (parts.hostname or "").rstrip(".") in ("http", "https"):
        # 'https://https//www.hulu.com/': the scheme written twice.
        rest = value[len(parts.scheme) + 3 :]
        again = _MISTYPED_SCHEME.match(rest) or _SCHEME_TYPED.match(rest)
        if again is not None:
            raise ValueError(
                f"'{value}' begins with its scheme twice: write "
                f"{parts.scheme}://{rest[again.end() :]}"
            )
    if not parts.hostname:
        raise ValueError(
            f"'{value}' has no site name after {parts.scheme}://: write the whole address"
        )
    if any(c.isspace() for c in value):
        raise ValueError(
            f"'{value}' has a space in it, which no web address has: remove it, or write %20"
        )
    if bad := next((c for c in value if c in '"<>'), None):
        # Copied with the HTML around it ('...tickets">Buy'): the link led to '...%22%3EBuy'.
        alone = value[: value.index(bad)]
        raise ValueError(
            f"'{value}' has {bad} in it, which no web address has (copied with the HTML "
            f"around it?): write the address alone, {alone}"
        )
    try:
        port = parts.port
    except ValueError:  # 'https://example.com:99999/': every link made from it led nowhere
        port = 0
    if port == 0:
        raise ValueError(
            f"'{value}' has a port no address can have (a number from 1 to 65535 after the "
            "site's name, most often none): remove it or correct it"
        )
    return value


#: An absolute URI, as Atom (RFC 4287, 4.2.6) wants its ids: none of the characters an IRI
#: cannot hold (RFC 3987: spaces, <>"{}|\^`).
URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+")


def _check_feed_id(value: str) -> str:
    # The id an older system gave: a URI, or an RSS guid of its own (Ghost's are hex words),
    # which the Atom feed turns into a URI (see feeds.py). Readers trim spaces.
    if not value or any(c.isspace() for c in value):
        raise ValueError(
            f"'{value}' is not a feed id: write the id it had in your old feed, a URI such "
            "as tag:example.com,2019-05-01:my-film (an issue's: tag:<host>,<date>:issues/"
            "<number>) or its guid, without spaces"
        )
    return value


def _check_text(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value.strip()


#: How a moment is written, for the schema's descriptions (a required field's own
#: description is the one editors' plugins show).
MOMENT_WRITTEN = (
    "a date (2024-01-12, midnight in the publication's zone) "
    "or a date and time with its zone (2024-01-12T19:30:00-08:00)"
)
_MOMENT_SCHEMA = {
    "type": "string",
    # As _parse_moment takes them: a day, or a time with its zone ('next week' and a time
    # without a zone were valid by the schema, refused by the build).
    "pattern": r"^\s*(\d{4}-\d\d-\d\d([Tt _]\d\d(:?\d\d(:?\d\d([.,]\d+)?)?)? ?"
    r"(Z|[+-]\d\d(:?\d\d(:?\d\d([.,]\d+)?)?)?))?"
    r"|\d{8}T\d{2,6}([.,]\d+)?(Z|[+-]\d{2,4}))\s*$",
    "description": MOMENT_WRITTEN,
}
Moment = Annotated[datetime, BeforeValidator(_parse_moment), WithJsonSchema(_MOMENT_SCHEMA)]
Day = Annotated[
    date,
    BeforeValidator(_parse_day),
    WithJsonSchema({"type": "string", "format": "date", "description": "YYYY-MM-DD"}),
]
Url = Annotated[
    str, AfterValidator(_check_url), WithJsonSchema({"type": "string", "format": "uri"})
]
# (Something other than spaces, in the schema too: an empty title was valid by it.)
Text = Annotated[
    str, AfterValidator(_check_text), WithJsonSchema({"type": "string", "pattern": r"\S"})
]


def _check_line(value: str) -> str:
    value = _check_text(value)
    if "\n" in value or "\r" in value:
        # YAML's '|' keeps its lines: a Subject header holding one broke the send, not the build.
        raise hinted(
            "must be one line: it goes into a header of the email, which a line break ends",
            "write it on one line (a YAML '|' keeps the line breaks)",
        )
    return value


#: Text that goes into an email header (Subject, From): one line.
Line = Annotated[
    str, AfterValidator(_check_line), WithJsonSchema({"type": "string", "pattern": r"\S"})
]


#: A slug: what names an entry or issue in URLs (lowercase letters, digits, single hyphens).
SLUG = r"[a-z0-9]+(-[a-z0-9]+)*"


def any_case(value: Any) -> Any:
    """A word of a few (a kind, an issue's status) as the model reads it: 'Review' or
    ' Ready ' is the one meant, not a mistake."""
    return value.strip().lower() if isinstance(value, str) else value


# What stands for an address not known yet: the whole value ('address', 'N/A', '123 Main
# Street'), or a word of it ('Address TBD', 'Anytown', 'CHANGEME'), and a value of no letter or
# digit ('-', '…').
_PLACEHOLDER_ADDRESS = re.compile(
    r"(?is)[\W_]*(?:xx+|to do|n/?a|none|null|(?:your |our |the )?(?:postal |street |mailing )?"
    r"address(?: here)?|123,? main st(?:reet|\.)?)[\W_]*"
)
_PLACEHOLDER_WORD = re.compile(
    r"(?i)\b(?:tb[acd]|todo|fixme|change ?me|anytown|lorem ipsum|to be (?:determined|"
    r"confirmed|announced)|your (?:postal |street |mailing )?address)\b"
)


def placeholder_address(value: str) -> bool:
    """Whether an address is a placeholder for one (the sender's postal address, a venue's)."""
    value = value.strip()
    return (
        not any(c.isalnum() for c in value)
        or _PLACEHOLDER_ADDRESS.fullmatch(value) is not None
        or _PLACEHOLDER_WORD.search(value) is not None
    )


def _street_address(value: str) -> str:
    # 'TBD', 'N/A', '123 Main Street': printed as the venue's address, put in its map link
    # and its page's schema.org data, without a word.
    if placeholder_address(value):
        raise hinted(
            f"'{value.strip()}' is a placeholder, not a street address",
            "write the venue's street and number (8000 Sunset Boulevard), or leave it out of "
            "the entry until it is known",
        )
    return value


def hinted(message: str, hint: str) -> PydanticCustomError:
    """A value that fails a field's check, with the fix to say after it (no braces in either:
    the message is a template)."""
    return PydanticCustomError("hinted", message, {"hint": hint})


def at_field(
    field: str | tuple[str | int, ...],
    message: str,
    also: Sequence[tuple[str | tuple[str | int, ...], str]] = (),
) -> PydanticCustomError:
    """A check of the whole model that fails, placed at the field to correct (its line): a
    field's name, or its path within the model (("sections", 0, "entries")). ``also``: other
    fields told the same way, each with its own message, at its line (a validator raises one
    error; each empty section is named)."""
    # A plain ValueError from a model validator has no place but the model's first line.
    # (The message is a template: pydantic replaces '{field}' and '{also}' in it, and
    # leaves any other braces, a title's, as written; those of ``also`` are not templates.)
    return PydanticCustomError("at_field", message, {"field": field, "also": tuple(also)})


class Model(BaseModel):
    """Base of every content model: unknown keys are errors, values never change."""

    # defer_build: each model's validator is made on its first use, not at import; a warm
    # build unpickles entries and validates none.
    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=False, defer_build=True
    )


# A quotation's marks, opening -> the closing ones it takes („ closes with “ in German, ” in
# Polish): what a quote copied with its marks begins and ends with.
_QUOTE_MARKS = {
    "“": "”", "«": "»", "‹": "›", "„": "“”", "「": "」", "『": "』", "‘": "’", '"': '"',
}  # fmt: skip


def _without_marks(text: str) -> str:
    """``text`` without a pair of quotation marks around the whole of it, if it has one."""
    inner = text.strip()
    opening, closing = inner[:1], inner[-1:]
    if len(inner) < 3 or closing not in _QUOTE_MARKS.get(opening, ""):
        return text
    body = inner[1:-1]
    if opening == closing or opening == "‘":
        # The same mark both ways (or ’, an apostrophe too): inner ones cannot be told
        # apart, so only a text without another opening mark loses its pair.
        if opening in body:
            return text
    else:
        # Inner quotations with the same marks ("He called it “a ghost story”"), each closed
        # after it opens: '“Yes,” she said, “and no.”' closes first, and is kept as written.
        depth = 0
        for char in body:
            depth += (char == opening) - (char == closing)
            if depth < 0:
                return text
        if depth:
            return text
    return body.strip(" \u00a0\u202f") or text


class PullQuote(Model):
    """The quotation that opens a piece, and who says it."""

    text: Text = Field(
        description="The quotation itself; marks around it are dropped (the page adds its own)."
    )
    attribution: str | None = Field(
        None,
        description="Who says it, e.g. 'Andrew Haigh, through one of his characters in *All of "
        "Us Strangers*' (*words* or _words_ in italics); a dash before it is dropped (the page "
        "adds its own).",
    )
    lang: Annotated[str | None, BeforeValidator(tag_case)] = Field(
        None,
        pattern=LANGUAGE_TAG,
        description="Its language, when not the publication's, e.g. 'fr': screen readers "
        "read it aloud in it.",
    )

    @field_validator("text")
    @classmethod
    def _one_pair(cls, text: str) -> str:
        # A quotation is copied with its marks more often than not, and the templates put
        # their own around it: “I’ve always said…” came out as ““I’ve always said…””.
        return _without_marks(text)

    @field_validator("attribution")
    @classmethod
    def _no_dash(cls, attribution: str | None) -> str | None:
        # Copied as magazines print it, '— Andrew Haigh', it came out '— — Andrew Haigh':
        # the templates write their own dash before it.
        if attribution is None:
            return None
        return _LEADING_DASH.sub("", attribution) or None


# A dash before an attribution: an em or en dash, a horizontal bar, or hyphens typed for one.
_LEADING_DASH = re.compile(r"^\s*(?:[\u2014\u2013\u2015\u2012]+|-{1,3}(?=\s))\s*")


class Person(Model):
    """A cast member: the actor and, optionally, the role."""

    name: Text = Field(description="The actor's name.")
    role: str | None = Field(None, description="The character played.")


def _person(value: Any) -> Any:
    return {"name": value} if isinstance(value, str) else value


#: The longest running time taken, in minutes (100 hours): the longest films released run
#: a few days; a number above it is a typo, or seconds.
RUNTIME_MAX = 6000


def _check_runtime(value: int) -> int:
    if value > RUNTIME_MAX:
        raise hinted(
            f"{value} minutes is over {RUNTIME_MAX // 60} hours, longer than any film released "
            "(runtime is in minutes)",
            f"write the running time in minutes, {RUNTIME_MAX} at most: runtime: 112 for a film "
            "of 1 h 52",
        )
    return value


class BasedOn(Model):
    """The work a film adapts."""

    title: Text | None = Field(
        None,
        description="Title of the source work, e.g. 'Strangers'; leave it out when the piece "
        "does not name it ('based on a novel by Taichi Yamada').",
    )
    author: Text = Field(description="Its author, e.g. 'Taichi Yamada'.")
    kind: Text = Field("novel", description="novel, play, memoir, short story, ...")
    # Printed as a plain number ('the 1987 novel'): a year before 1 would read '-400'.
    year: int | None = Field(
        None,
        ge=1,
        le=2100,
        description="Year the source work was published (leave it out for one before year 1).",
    )
    language: str | None = Field(
        None, description="The language it was written in, e.g. 'French': its title is read in it."
    )

    @property
    def lang(self) -> str | None:
        """The language tag of its title (from ``language``: "French": "fr"), for screen
        readers to read it in that language."""
        return language_code(self.language) if self.title and self.language else None


class Film(Model):
    """A film's credits."""

    title: Text = Field(description="The film's title as released, e.g. 'All of Us Strangers'.")
    original_title: str | None = Field(None, description="Title in the original language.")
    year: int | None = Field(None, ge=1888, le=2100, description="Year of release.")
    directors: list[Text] = Field(default_factory=list, description="Directed by.")
    writers: list[Text] = Field(default_factory=list, description="Written by.")
    # A bare name is taken too (the schema says so: an editor's YAML plugin reads it).
    cast: list[Annotated[Person, BeforeValidator(_person, json_schema_input_type=str | Person)]] = (
        Field(
            default_factory=list,
            description="Cast in billing order: a name, or {name, role}.",
        )
    )
    based_on: BasedOn | None = Field(None, description="The work the film adapts.")
    distributor: str | None = Field(None, description="The distributor, e.g. 'Searchlight'.")
    runtime: Annotated[int, Field(gt=0), AfterValidator(_check_runtime)] | None = Field(
        None, json_schema_extra={"maximum": RUNTIME_MAX}, description="Running time in minutes."
    )
    countries: list[str] = Field(default_factory=list, description="Countries of production.")
    language: str | None = Field(None, description="Main spoken language, e.g. 'French'.")

    @property
    def original_lang(self) -> str | None:
        """The language tag of its original title (from ``language``: "French": "fr"), for
        screen readers to read it in that language."""
        return language_code(self.language) if self.original_title else None


def _after_start(ends: date | None, info: ValidationInfo, what: str) -> date | None:
    # On the 'ends' line, which is likelier to hold the slip (a month typed wrong) than the
    # 'starts' above it: say both dates rather than guess that they are swapped.
    starts = info.data.get("starts")
    if ends and starts and ends < starts:
        raise ValueError(
            f"the {what} ends on {ends.isoformat()}, before it starts on {starts.isoformat()}: "
            "check both dates"
        )
    return ends


class Run(Model):
    """The film's theatrical run, in words and dates."""

    note: str | None = Field(
        None,
        description="How the run reads in print, e.g. 'Played in cinemas in January…' "
        "(*words* in italics); printed instead of the dates (say them in it if readers should "
        "see them).",
    )
    starts: Day | None = Field(
        None, description="First day of the run (printed when there is no note)."
    )
    ends: Day | None = Field(
        None, description="Last day of the run (printed when there is no note)."
    )

    @field_validator("ends")
    @classmethod
    def _ordered(cls, ends: date | None, info: ValidationInfo) -> date | None:
        return _after_start(ends, info, "run")


def _status_word(value: Any) -> Any:
    # 'Sold Out', 'SOLD-OUT', 'sold_out', 'soldout': the status meant, not a mistake.
    if not isinstance(value, str):
        return value
    words = folded(value)
    if words in _MOVED:
        # Its nearest spelling is 'canceled', the opposite: a showing moved still takes place.
        raise ValueError(
            f"'{value.strip()}' is no status: a showing or event moved to a new time is written "
            "at that time (its 'at', its 'date'), a 'note' saying so if readers should know "
            "('moved from June 12'); 'postponed' while its new day is not known"
        )
    return _STATUS_SAID.get(words, words)


_MOVED = frozenset(("rescheduled", "moved", "delayed", "changed", "new time", "new date"))


def folded(value: str) -> str:
    """A status as written, lowercase, its words one space apart and its accents dropped
    ('Sold-Out', 'ANNULÉE', 'annulee' alike)."""
    words = " ".join(re.split(r"[\s_-]+", value.strip().lower()))
    return "".join(c for c in unicodedata.normalize("NFKD", words) if not unicodedata.combining(c))


#: A status as an editor may write it otherwise (folded: see folded): in one word, or in
#: French, the language of the publication's other city (what readers read follows the
#: publication's language).
_STATUS_SAID = {
    "soldout": "sold out",
    **dict.fromkeys(("complet", "complete", "complets", "completes"), "sold out"),
    **dict.fromkeys(("annule", "annulee", "annules", "annulees"), "cancelled"),
    **dict.fromkeys(("reporte", "reportee", "reportes", "reportees"), "postponed"),
}
#: Every word a status is read from, folded.
_STATUS_WORDS = ("sold out", "cancelled", "canceled", "postponed", *_STATUS_SAID)


#: Both spellings of it, as the editor writes it (American 'canceled', British 'cancelled'),
#: printed as written.
CANCELLED = ("cancelled", "canceled")
#: The statuses whose showing or event does not take place when it was said to: struck out.
CALLED_OFF = (*CANCELLED, "postponed")
#: A showing's, a screening's or an event's status.
Status = Annotated[
    Literal["sold out", "cancelled", "canceled", "postponed"], BeforeValidator(_status_word)
]


class Showtime(Model):
    """One showing at a venue: its time, and, when there is more to say of it, whether it is
    sold out or cancelled, its own tickets and a note."""

    at: Moment = Field(description="When it starts, with its zone.")
    status: Status | None = Field(
        None,
        description="'sold out', 'cancelled' (or 'canceled') or 'postponed': printed beside "
        "its time.",
    )
    url: Url | None = Field(None, description="Tickets for this showing.")
    note: str | None = Field(
        None, description="e.g. 'Q&A after the film', 'before *Weekend*' (*words* in italics)."
    )

    @property
    def cancelled(self) -> bool:
        """Whether it was cancelled (either spelling)."""
        return self.status in CANCELLED

    def __str__(self) -> str:
        # '{{ t }}' in a template written when a showtime was its time alone.
        return str(self.at)

    # Compared, sorted ('s.times | sort', 'min') and moved by a timedelta as its time, as
    # the times alone were.
    def __lt__(self, other: Any) -> bool:
        return bool(self.at < getattr(other, "at", other))

    def __le__(self, other: Any) -> bool:
        return bool(self.at <= getattr(other, "at", other))

    def __gt__(self, other: Any) -> bool:
        return bool(self.at > getattr(other, "at", other))

    def __ge__(self, other: Any) -> bool:
        return bool(self.at >= getattr(other, "at", other))

    def __add__(self, other: Any) -> Any:
        return self.at + other

    def __sub__(self, other: Any) -> Any:
        return self.at - getattr(other, "at", other)

    def __getattr__(self, name: str) -> Any:
        # A template written when showtimes were times alone reads one as its time
        # ('t.hour', 't.isoformat()'). Not private names (pydantic's own, and what pickling
        # asks of an object not yet filled).
        at = self.__dict__.get("at") if not name.startswith("_") else None
        if at is None:
            return super().__getattr__(name)  # type: ignore[misc]
        return getattr(at, name)


def _showtime(value: Any, info: ValidationInfo) -> Any:
    # A time alone, or a mapping with its 'at'. The time is read here, where the screening's
    # city and country are known (a Showtime of its own does not know them): a time without
    # an offset is told the venue's, and a Paris venue's '19:30' is at Paris's clock.
    if isinstance(value, Showtime):
        return value
    if isinstance(value, Mapping):
        if "at" not in value:
            return value  # (its missing 'at' told by Showtime)
        return {**value, "at": _parse_moment(value["at"], info)}
    said = _SAID_WITH_STATUS.match(value) if isinstance(value, str) else None
    if said and folded(said.group(2)) in _STATUS_WORDS:
        # '2024-06-13T19:00:00-07:00 (sold out)': the time and its status in one text, told
        # the status it is read as (the words are the statuses' own: a hint that works).
        at, status = said.group(1), _status_word(said.group(2))
        raise ValueError(
            f"'{value.strip()}': a showtime's status is a field of its own: write the item "
            f"as '- at: {at}' with 'status: {status}' under it, indented like 'at'"
        )
    return Showtime.model_construct(at=_parse_moment(value, info))


# A time, then words after it: a status if they are one of _STATUS_WORDS.
_SAID_WITH_STATUS = re.compile(r"^\s*(\d{4}-\d\d-\d\d\S*)\s*[-–—(,:;]*\s*([^()]+?)\s*\)?\s*$")


class _OrAMoment:
    """A showtime's schema: a time alone, or a mapping with its 'at' and the rest."""

    def __get_pydantic_json_schema__(self, schema: Any, handler: Any) -> Any:
        return {"anyOf": [_MOMENT_SCHEMA, handler(schema)]}


ShowtimeItem = Annotated[Showtime, BeforeValidator(_showtime), _OrAMoment()]


class Screening(Model):
    """A venue where the film plays, with its street address."""

    venue: Text = Field(description="The venue's name, e.g. 'Landmark Sunset'.")
    address: Text = Field(description="Street address, e.g. '8000 Sunset Boulevard'.")
    city: Text = Field(description="City, e.g. 'Los Angeles'.")
    region: str | None = Field(None, description="State or region, e.g. 'CA'.")
    postal_code: str | None = Field(None, description="Postal code, e.g. '90046'.")
    country: str | None = Field(
        None,
        description="Country, if not the publication's own: its name, in English or its own "
        "language, or its ISO code ('FR', printed 'France').",
    )
    starts: Day | None = Field(None, description="First day it plays here.")
    ends: Day | None = Field(None, description="Last day it plays here.")
    times: list[ShowtimeItem] = Field(
        default_factory=list,
        description="Showtimes, with their zone; one with more to say is a mapping: its 'at', "
        "and its 'status' ('sold out', 'cancelled', 'postponed'), 'url' (its tickets) or "
        "'note'.",
    )
    status: Status | None = Field(
        None,
        description="'sold out', 'cancelled' (or 'canceled') or 'postponed': every showing here.",
    )
    url: Url | None = Field(None, description="The venue's page for this film (tickets).")
    note: str | None = Field(
        None, description="e.g. '35mm print', 'with *Weekend*' (*words* in italics)."
    )

    #: The publication's own country (its time zone's: see load), whose order an address
    #: without a country is written in.
    _home: str | None = PrivateAttr(default=None)

    @field_validator("ends")
    @classmethod
    def _ordered(cls, ends: date | None, info: ValidationInfo) -> date | None:
        return _after_start(ends, info, "screening")

    @field_validator("address")
    @classmethod
    def _a_street(cls, value: str) -> str:
        return _street_address(value)

    @property
    def full_address(self) -> str:
        """Street, city, region and postal code on one line, in the order the venue's country
        writes them: "8000 Sunset Boulevard, Los Angeles, CA 90046", "12 quai de la Loire,
        75019 Paris, France" (the country named in English: see :meth:`address_with`)."""
        return self.address_with(display)

    def address_with(self, country_name: Callable[[str], str]) -> str:
        """:attr:`full_address`, its country named by ``country_name`` (the publication's
        language's: "Belgique" in French)."""
        country = country_name(self.country) if self.country else ""
        # (The publication's country read from pydantic's own dict: through its __getattr__,
        # a private attribute cost 3 µs, thousands of times a build.)
        home = (self.__pydantic_private__ or {}).get("_home") if not self.country else None
        if self.postal_code and code_first(self.country, home):
            place = f"{self.postal_code} {self.city}"
            parts = (self.address, place, self.region or "", country)
        else:
            tail = " ".join(p for p in (self.region, self.postal_code) if p)
            parts = (self.address, self.city, tail, country)
        return ", ".join(p for p in parts if p)


class Streaming(Model):
    """Where the film streams."""

    service: Text = Field(description="The service, e.g. 'Hulu'.")
    url: Url | None = Field(None, description="The film's page on the service.")
    since: Day | None = Field(None, description="Streaming from this day.")


class Event(Model):
    """A conversation, Q&A or talk around the film, recorded or live."""

    title: Text | None = Field(
        None,
        description="Its heading, e.g. 'Opening-night Q&A', 'A talk on *Weekend*' (*words* in "
        "italics); without one, its kind heads it ('Conversation', 'Q&A', ...).",
    )
    kind: Annotated[
        Literal["conversation", "q&a", "talk", "screening", "masterclass", "other"],
        BeforeValidator(any_case),
    ] = Field("conversation", description="What kind of event it is.")
    participants: list[Text] = Field(default_factory=list, description="Who speaks.")
    moderator: str | None = Field(None, description="Who leads the conversation.")
    video: Url | None = Field(None, description="Link to the recording.")
    # Before its date, which is validated at the venue's clock (its address's country).
    venue: str | None = Field(None, description="Where it takes place, if live.")
    address: str | None = Field(
        None,
        description="The venue's street address and city, and its country if not the "
        "publication's ('51 rue des Écoles, 75005 Paris, France').",
    )
    date: Moment | None = Field(None, description="When it takes or took place.")
    status: Status | None = Field(
        None,
        description="'sold out', 'cancelled' (or 'canceled') or 'postponed': printed beside "
        "its heading.",
    )
    url: Url | None = Field(None, description="Tickets or more information.")

    @field_validator("address")
    @classmethod
    def _a_street(cls, value: str | None) -> str | None:
        return value if value is None else _street_address(value)

    @property
    def heading(self) -> str:
        """Its title, or else its kind ('Conversation', 'Q&A'): what heads it in every output."""
        # The kind as a noun, not 'In conversation': the line under the heading already says
        # "... in conversation with ...", and a heading saying it too reads twice.
        return self.title or _EVENT_HEADINGS[self.kind]


_EVENT_HEADINGS = {
    "conversation": "Conversation",
    "q&a": "Q&A",
    "talk": "Talk",
    "screening": "Screening",
    "masterclass": "Masterclass",
    "other": "Event",
}


class Image(Model):
    """A photo of the gallery (the first one is the lead image)."""

    # A picture from another site needs its size, which the email lays it out by (the build
    # says so; the schema too, for an editor's plugin).
    model_config = ConfigDict(
        **Model.model_config,
        json_schema_extra={
            "if": {"properties": {"src": {"pattern": "^[A-Za-z][A-Za-z0-9+.-]*:"}}},
            "then": {"required": ["width", "height"]},
        },
    )

    src: Text = Field(
        description="A file under media/ (e.g. media/strangers/01.jpg) or a full https:// URL."
    )
    alt: Text = Field(description="What the image shows, for readers who cannot see it.")
    caption: str | None = Field(
        None,
        description="The caption printed under the image, e.g. '*All of Us Strangers* U.S. "
        "poster' (*words* or _words_ in italics).",
    )
    credit: str | None = Field(
        None,
        description="Photographer, e.g. 'Chris Harris', or a credit line of its own, "
        "e.g. 'Courtesy of Searchlight Pictures' (printed as written).",
    )
    width: int | None = Field(None, gt=0, description="Pixels; read from the file if local.")
    height: int | None = Field(None, gt=0, description="Pixels; read from the file if local.")

    @field_validator("src")
    @classmethod
    def _src_seen(cls, value: str) -> str:
        # Published percent-encoded (/%E2%80%8Bstill.jpg): a file's name typed anew, a page's
        # address, lack it.
        _no_invisible(value, "picture's file name or web address")
        return value


#: The kinds of piece an entry can be.
EntryKind = Literal["review", "news", "event", "festival", "feature", "interview"]

#: An entry's kind as an editor may write it in French (folded: see folded), as statuses.
_KIND_SAID = {
    "critique": "review",
    **dict.fromkeys(("actualite", "actu", "actualites", "actus"), "news"),
    "evenement": "event",
    "dossier": "feature",
    "entretien": "interview",
}

#: The French words read as each field's choices (its English ones, in order), which a
#: French publication's hint lists beside them and its "did you mean" picks from.
FRENCH_CHOICES = {
    ("sold out", "cancelled", "canceled", "postponed"): ("complet", "annulée", "reportée"),
    ("review", "news", "event", "festival", "feature", "interview"): (
        "critique",
        "actualité",
        "actu",
        "événement",
        "festival",
        "dossier",
        "entretien",
    ),
}


def read_kind(value: str) -> str:
    """An entry's kind as ``kind:`` reads it: its English word, from a French one too
    ('Critique': 'review'); anything else lowercased, for the caller to refuse."""
    return cast(str, _entry_kind(value))


def _entry_kind(value: Any) -> Any:
    # 'Review' is the kind meant; 'critique', 'Actualité' too, in French.
    if not isinstance(value, str):
        return value
    words = folded(value)
    return _KIND_SAID.get(words, value.strip().lower())


def _entry_language(value: Any) -> Any:
    # Only ever a mark for screen readers and feeds, never printed: a name that marks nothing
    # would be dropped unseen, so it is refused where a film's language is only warned of.
    if not isinstance(value, str):
        return value
    code = sole_language(value)
    if code is None:
        close = closest_language(value)
        meant = f" (did you mean '{close}'?)" if close else ""
        # The message is a template: braces of the value's own would be read as placeholders.
        shown = value.replace("{", "(").replace("}", ")")
        raise hinted(
            f"'{shown}' is not one language dopemail knows{meant}",
            "write the one language the piece is written in, by its name in English (English, "
            "Swedish) or its code (en, sv, pt-BR)",
        )
    return code


class Entry(Model):
    """A film entry: a review or news piece with everything around the film."""

    title: Text = Field(
        description="The headline, *words* in italics (the words alone where only text is "
        "shown: feeds' titles, <title>); in quotes if it begins with '*'."
    )
    kind: Annotated[EntryKind, BeforeValidator(_entry_kind)] = Field(
        "review", description="What kind of piece this is."
    )
    slug: str | None = Field(
        None,
        pattern=rf"^{SLUG}$",
        description="URL name; defaults to the file name. Never change it once published.",
    )
    id: Annotated[str, AfterValidator(_check_feed_id)] | None = Field(
        None, description="Permanent feed id; set only to keep an id from an older system."
    )
    section: str | None = Field(None, description="Section name; defaults to the publication's.")
    published: Moment = Field(description=f"When the piece was first published: {MOMENT_WRITTEN}.")
    updated: Moment | None = Field(None, description="When it was last changed substantially.")
    author: Text | None = Field(None, description="Who wrote it; defaults to the publication's.")
    summary: str | None = Field(
        None,
        description="One or two sentences for feeds and cards, *words* in italics (the words "
        "alone where only text is shown); defaults to the opening.",
    )
    tags: list[Text] = Field(default_factory=list, description="Topics, e.g. 'LGBTQ+', 'drama'.")
    language: Annotated[str, AfterValidator(_entry_language)] | None = Field(
        None,
        description="The language the piece is written in, when not the publication's, e.g. "
        "'English' or 'en': screen readers read it aloud in it.",
    )
    draft: bool = Field(False, description="A draft is checked and previewed but not published.")
    pull_quote: PullQuote | None = Field(None, description="The opening quotation.")
    film: Film | None = Field(None, description="The film this piece is about.")
    films: list[Film] = Field(
        default_factory=list, description="Several films (a festival, a series), instead of film."
    )
    run: Run | None = Field(None, description="The theatrical run.")
    screenings: list[Screening] = Field(default_factory=list, description="Where it plays.")
    streaming: list[Streaming] = Field(default_factory=list, description="Where it streams.")
    events: list[Event] = Field(default_factory=list, description="Conversations, Q&As, talks.")
    gallery_title: str | None = Field(
        None,
        description="Heading of the gallery, e.g. 'Andrew Haigh, *All of Us Strangers* (2023)' "
        "(*words* or _words_ in italics).",
    )
    images: list[Image] = Field(default_factory=list, description="Gallery; the first leads.")
    rights: str | None = Field(
        None,
        description="e.g. 'Images courtesy and © Searchlight…' (*words* or _words_ in italics).",
    )

    @model_validator(mode="before")
    @classmethod
    def _lang_is_language(cls, data: Any) -> Any:
        # The pull quote's field is 'lang': an entry's, written the same way, would be told
        # to move under 'pull_quote:', which marks the quote alone.
        if isinstance(data, dict) and "lang" in data and "language" not in data:
            raise at_field(
                "lang",
                "an entry's language is written 'language:' ('lang' is a pull quote's): rename "
                "'lang' to 'language'",
            )
        return data

    @model_validator(mode="after")
    def _one_way_of_naming_films(self) -> Entry:
        if self.film is not None and self.films:
            raise at_field("films", "use either 'film' (one film) or 'films' (several), not both")
        if self.updated is not None and self.updated < self.published:
            updated, published = self.updated, self.published
            if isinstance(updated, WholeDay) and updated.date() == published.date():
                # 'updated: 2024-11-08' for a piece out at 9 that morning: "one is wrong"
                # of the same day written twice.
                # An example after the piece went out, that same day.
                later = published + timedelta(hours=1)
                if later.date() != published.date():
                    later = published.replace(hour=23, minute=59, second=59, microsecond=0)
                example = later.replace(microsecond=0).isoformat()
                raise at_field(
                    "updated",
                    f"'updated' is {updated.date().isoformat()} with no time, read as its "
                    f"midnight, before the piece went out at {published.strftime('%H:%M')} "
                    f"that day: give the time it was updated (updated: {example}), or leave "
                    "it out",
                )
            raise at_field(
                "updated", "'updated' is earlier than 'published': correct the one that is wrong"
            )
        return self

    @property
    def all_films(self) -> list[Film]:
        """The films of this entry, however they were written."""
        return [self.film] if self.film is not None else list(self.films)


def _none_yet(value: Any) -> Any:
    """An issue's list of slugs left empty ('entries:', which YAML reads as null) as none
    yet: a draft is written before its films are chosen (the issue says whether it may)."""
    return [] if value is None else value


#: An issue's or a section's entry slugs, in order (none yet: see Issue._has_entries).
Slugs = Annotated[list[Text], BeforeValidator(_none_yet)]


class IssueSection(Model):
    """A named group of entries inside a newsletter issue."""

    title: Text = Field(description="The section's heading, e.g. 'Now playing'.")
    entries: Slugs = Field(description="Entry slugs, in order.")


class Issue(Model):
    """A newsletter issue: the editor's intro and the entries it gathers."""

    # (No newsletter reaches a million issues: a number past that is a key held down, and
    # past 2**63 the send ledger could not hold it.)
    number: int = Field(gt=0, lt=1_000_000, description="The issue number; unique.")
    subject: Line = Field(description="The email's subject line.")
    date: Moment = Field(description=f"The send date: {MOMENT_WRITTEN}.")
    preheader: Text = Field(description="Inbox preview text shown after the subject.")
    id: Annotated[str, AfterValidator(_check_feed_id)] | None = Field(
        None,
        description="Permanent id in the issues feed; set only to keep the one it had "
        "(dopemail before December 2026 gave tag:<host>,<date>:issues/<number>).",
    )
    entries: Slugs = Field(default_factory=list, description="Entry slugs, in order.")
    sections: list[IssueSection] = Field(
        default_factory=list, description="Optional named groups of entries after the main ones."
    )
    # 'Ready' is the status meant, as an entry's 'kind: Review' is its kind.
    status: Annotated[Literal["draft", "ready", "sent"], BeforeValidator(any_case)] = Field(
        "draft", description="draft while writing, ready to send, sent once sent."
    )

    @model_validator(mode="after")
    def _has_entries(self) -> Issue:
        # A draft may have none yet: next week's intro is written, and previewed, before its
        # films are chosen, and the whole build (new entries' pages, the feeds) went on hold.
        if (
            self.status != "draft"
            and not self.entries
            and not any(s.entries for s in self.sections)
        ):
            raise at_field(
                "entries",
                f"the issue is {self.status} but gathers no entries: list their slugs under "
                "'entries' (only a draft may gather none, while it is written)",
            )
        # A section's heading would stand alone in the email, with nothing under it: a
        # draft's is left out, and told (notices.sections_empty), until it is filled in.
        # Each told at its line: the first alone was, the next one at the next build.
        # Each named, as a draft's warning names it, at its 'entries:' as that is, where the
        # slugs go (the fix), rather than at its title.
        empty = [
            (
                ("sections", i, "entries"),
                f"the section '{s.title}' gathers no entries: list their slugs under its "
                "'entries', or remove the section (only a draft's may have none yet, while it "
                "is written)",
            )
            for i, s in enumerate(self.sections)
            if not s.entries
        ]
        if self.status != "draft" and empty:
            raise at_field(*empty[0], also=empty[1:])
        return self

    @property
    def all_slugs(self) -> list[str]:
        """Every entry slug of the issue, main ones first, without repeats."""
        seen: dict[str, None] = {}
        for slug in [*self.entries, *(s for sec in self.sections for s in sec.entries)]:
            seen.setdefault(slug, None)
        return list(seen)


# --- Loaded content: the models above, placed in the workspace ------------------------------


@dataclass(frozen=True)
class Media:
    """An image as readers fetch it: absolute URL and what is known of the file."""

    url: str
    alt: str
    caption: str | None = None
    credit: str | None = None
    width: int | None = None
    height: int | None = None
    mime: str | None = None
    length: int | None = None
    source: str | None = None  # workspace-relative file, for local media


class Picture(NamedTuple):
    """A picture under media/ that a Markdown text shows."""

    written: str  # its src as the text writes it (%-escapes decoded)
    source: str  # the file, from the publication's folder
    url: str  # where readers fetch it
    width: int  # the size to show it at (none read: 0)
    height: int
    length: int = 0  # the file's size in bytes


@dataclass(frozen=True)
class LoadedEntry:
    """An entry with its place in the workspace: slug, source file, URL and feed id."""

    meta: Entry
    slug: str
    path: str
    body: str
    body_line: int
    url: str
    id: str
    author: str
    section: str
    images: tuple[Media, ...]
    # Pictures under media/ that the Markdown text shows (![alt](media/...)): copied to the
    # site and watched as the gallery's are.
    body_pictures: tuple[Picture, ...]
    # What build and check warn of in it, found while its fields were at hand: (message,
    # line, hint). Kept with the entry, so that a build taking it from the cache does not
    # read its fields to look again.
    notes: tuple[tuple[str, int | None, str], ...] = ()

    # An entry taken from the build cache holds only what every build asks of every entry
    # (its slug, place, dates, pictures, notes); its fields, text and pictures' details
    # (HEAVY) are read from the cache when first asked for (see cache.EntryRecord): a build
    # after one edit of a large archive reads a few hundred bytes of each entry it does not
    # render, not its whole record.
    def __getattr__(self, name: str) -> Any:
        # Called only for what normal lookup misses: a heavy field not read yet.
        return lazy_field(self, name, HEAVY)

    def __reduce__(self) -> tuple[Any, ...]:
        return whole(self, HEAVY)

    def light_state(self) -> dict[str, Any]:
        """What a build asks of every entry (see cache.EntryRecord): the fields but
        :data:`HEAVY`, its dates, draft flag, pictures and the last day it shows."""
        state = {k: v for k, v in self.__dict__.items() if k not in HEAVY and k[0] != "_"}
        moment = _moment_kept(self.published)
        updated = self.updated
        changed = _moment_kept(updated) if updated is not None else None
        facts = (moment, self.draft, tuple(self.pictures), self._fact(3), self._fact(4), changed)
        state["_facts"] = facts
        return state

    def _fact(self, index: int) -> Any:
        facts = self.__dict__.get("_facts")
        # (A record kept by a dopemail before the status fact holds four, before the updated
        # one five: read from meta.)
        if facts is not None and index < len(facts):
            found = facts[index]
            if index in (0, 5) and isinstance(found, str):  # kept as text (see _moment_kept)
                found = datetime.fromisoformat(found)
                self.__dict__["_facts"] = (*facts[:index], found, *facts[index + 1 :])
            return found
        if index == 2:
            images, shown = self.images, self.body_pictures
            return [m.source for m in images if m.source] + [p.source for p in shown]
        if index == 3:
            return _showings_end(self.meta)
        if index == 4:
            return _status_said(self.meta)
        if index == 5:
            return self.meta.updated
        return getattr(self.meta, ("published", "draft")[index])

    @property
    def pictures(self) -> list[str]:
        """Every local picture the entry shows: its gallery's, then its text's."""
        return list(self._fact(2))

    @property
    def draft(self) -> bool:
        """Whether the entry is a draft (``meta.draft``, without reading ``meta``)."""
        return bool(self._fact(1))

    @property
    def published(self) -> datetime:
        """Its publication date (``meta.published``, without reading ``meta``)."""
        return cast(datetime, self._fact(0))

    @property
    def updated(self) -> datetime | None:
        """When it was last changed substantially (``meta.updated``, without reading
        ``meta``)."""
        return cast("datetime | None", self._fact(5))

    @property
    def showings_end(self) -> date | None:
        """The last day its screenings, run and live events name, each as written (a
        showtime's day at its own offset), without reading ``meta``; None when it names
        none, when one runs on with no end or has no date, or when it streams or has a
        recording to watch (still worth reading after the last)."""
        found = self._fact(3)
        return date.fromisoformat(found) if found is not None else None

    @property
    def status_said(self) -> str | None:
        """Its first screening, showtime or event with a status, said ("a screening marked
        'cancelled'"), without reading ``meta``; None when none has one."""
        return cast("str | None", self._fact(4))

    @property
    def lead(self) -> Media | None:
        """The lead image: the gallery's first."""
        return self.images[0] if self.images else None

    @property
    def sort_key(self) -> tuple[datetime, str]:
        """Newest first when sorted in reverse; ties broken by slug for stable output."""
        # The same instant in UTC: datetimes with one tzinfo compare field by field, while
        # each "-08:00" read from a file has its own, which cost an offset lookup per side
        # of every comparison (80 ms to sort 10,000 entries).
        return (self.published.astimezone(UTC), self.slug)


def _status_said(meta: Entry) -> str | None:
    """:attr:`LoadedEntry.status_said` (what an entry's cache head keeps)."""
    for screening in meta.screenings:
        if screening.status:
            return f"a screening marked '{screening.status}'"
        for showtime in screening.times:
            if showtime.status:
                return f"a showtime marked '{showtime.status}'"
    for event in meta.events:
        if event.status:
            return f"an event marked '{event.status}'"
    return None


def _showings_end(meta: Entry) -> str | None:
    """:attr:`LoadedEntry.showings_end`, as text (what an entry's cache head keeps)."""
    if meta.streaming or any(event.video for event in meta.events):
        return None
    run = meta.run
    days = [d for d in (run.starts, run.ends) if d is not None] if run is not None else []
    if run is not None and run.starts is not None and run.ends is None:
        return None  # 'in cinemas from October 11': playing still, as far as it says
    for screening in meta.screenings:
        if screening.status in CANCELLED:
            continue  # (it plays there on no day: it neither ends the showings nor extends them)
        on = [t for t in screening.times if not t.cancelled]
        if screening.status == "postponed" or any(t.status == "postponed" for t in on):
            return None  # to play on a day not said yet
        if screening.times and not on:
            continue  # every showing there cancelled
        # A venue's days are its own, else the run's (as its page says them).
        starts = screening.starts or (run.starts if run is not None else None)
        ends = screening.ends or (run.ends if run is not None else None)
        if ends is None and (starts is not None or not screening.times):
            return None  # from a day on, or no day said: playing still, as far as it says
        days += [d for d in (starts, ends) if d is not None]
        days += [showtime.at.date() for showtime in on]
    for event in meta.events:
        if event.status in CANCELLED:
            continue  # (it will not take place: it neither ends the showings nor extends them)
        if event.date is None or event.status == "postponed":
            return None  # live, and its day not said yet (or no longer the one written)
        days.append(event.date.date())
    return max(days).isoformat() if days else None


def _moment_kept(moment: datetime) -> datetime | str:
    """A moment as an entry's cache head keeps it: as text when reading that back gives the
    very same moment (a plain datetime at a fixed offset, as "2024-01-12T19:30:00-08:00"
    reads), else as it is (a day written alone, in the publication's zone)."""
    # Unpickling a datetime with its timezone and timedelta cost 80 ms of each build of
    # 10,000 entries, more than their whole head's other fields; parsing the text, 4 ms.
    if type(moment) is not datetime or type(moment.tzinfo) is not timezone:
        return moment
    text = moment.isoformat()
    back = datetime.fromisoformat(text)
    same = back.tzinfo is not None and back.tzinfo.tzname(None) == moment.tzinfo.tzname(None)
    return text if same and back == moment and back.fold == moment.fold else moment


#: An entry's fields that a cached entry reads only when asked (see LoadedEntry.__getattr__).
HEAVY = ("meta", "body", "images", "body_pictures")
_MISSING = object()
D = TypeVar("D")


def lazy_field(item: object, name: str, heavy: tuple[str, ...]) -> Any:
    """``item.<name>`` where normal lookup missed it: one of the ``heavy`` fields of an entry
    or its rendering taken from the cache, read with its record's body when first asked for
    (see cache.EntryRecord); anything else is no attribute."""
    state = item.__dict__
    if name in heavy:
        lazy = state.get("_lazy")
        if lazy is not None:
            lazy.fill()
        # Another thread (the preview's) may have filled it meanwhile.
        found = state.get(name, _MISSING)
        if found is not _MISSING:
            return found
    raise AttributeError(f"'{type(item).__name__}' object has no attribute '{name}'")


def assembled(cls: type[D], state: Mapping[str, Any], **more: Any) -> D:
    """An instance of a frozen dataclass made of its ``__dict__``: one unpickled, or one
    made of a cache record's head, whose heavy fields its ``_lazy`` reads when asked (an
    entry, its rendering, an issue's: see cache.EntryRecord)."""
    item = object.__new__(cls)
    item.__dict__.update(state, **more)
    return item


def whole(item: object, heavy: tuple[str, ...]) -> tuple[Any, ...]:
    """How an item whose ``heavy`` fields are read on use pickles (its ``__reduce__``):
    whole, those read first, without what only the cache's copy holds (its private keys)."""
    for name in heavy:
        getattr(item, name)
    state = {k: v for k, v in item.__dict__.items() if k[0] != "_"}
    return (assembled, (type(item), state))


@dataclass(frozen=True)
class LoadedIssue:
    """A newsletter issue with its entries resolved."""

    meta: Issue
    slug: str
    path: str
    body: str
    entries: tuple[LoadedEntry, ...]
    sections: tuple[tuple[str, tuple[LoadedEntry, ...]], ...]
    url: str
    body_pictures: tuple[Picture, ...] = ()  # as an entry's (see LoadedEntry)
    # slug -> the line of the issue file that gathers it (for what the checks say of it).
    entry_lines: Mapping[str, int | None] = field(default_factory=dict)
    # front matter key -> its line (for what the email's checks say of the subject...).
    key_lines: Mapping[str, int] = field(default_factory=dict)
    body_line: int = 0  # the line of the file the intro starts on
    # What build and check warn of in its front matter, as an entry's notes.
    notes: tuple[tuple[str, int | None, str], ...] = ()

    def line_of_text(self, written: str) -> int | None:
        """The line of the file where the intro first holds ``written`` (None if it does
        not): for what the email's checks say of a picture or link written there."""
        at = self.body.find(written) if written else -1
        return self.body_line + self.body.count("\n", 0, at) if at >= 0 else None

    @property
    def key(self) -> str:
        """``<number>-<slug>``, the issue's folder name."""
        return f"{self.meta.number}-{self.slug}"

    @property
    def all_entries(self) -> tuple[LoadedEntry, ...]:
        """Every entry the issue gathers: the main ones, then each section's."""
        return self.entries + tuple(e for _, items in self.sections for e in items)

    @property
    def drafts(self) -> tuple[LoadedEntry, ...]:
        """The draft entries it gathers (only a draft issue may): its email and web version
        show them, linking to pages not made yet."""
        return tuple(e for e in self.all_entries if e.draft)


@dataclass(frozen=True)
class Workspace:
    """A whole publication, loaded and valid."""

    root: Path
    settings: Any
    entries: tuple[LoadedEntry, ...]  # newest first, drafts included
    issues: tuple[LoadedIssue, ...] = field(default=())  # highest number first

    @property
    def published(self) -> list[LoadedEntry]:
        """Entries that are not drafts, newest first."""
        return [e for e in self.entries if not e.draft]
