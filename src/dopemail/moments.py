"""How a date or time was written, kept with it: the models make these, the templates show them.

Both are plain datetimes to everything else (feeds, ordering, the cache): the same instant.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class WholeDay(datetime):
    """A moment written as a bare date (midnight in the publication's zone): a showtime or an
    event on that day, at no time said, is shown without one (not as '12:00 AM')."""


class AwayTime(datetime):
    """A moment written with another offset than the publication's at that instant (a
    screening in Paris for a Los Angeles publication, a time written in UTC): shown with its
    offset, 'Sat, March 9, 8:00 PM (UTC+1)', where its clock alone would mislead."""


def written(moment: datetime) -> datetime:
    """``moment`` as machines can read it: RFC 3339, RFC 822 and HTML's offsets are whole
    minutes, and a zone's local mean time before it kept standard time is not (1883 in Los
    Angeles: -07:52:58); such an instant is given in UTC."""
    offset = moment.utcoffset()
    if offset is not None and offset.total_seconds() % 60:
        return moment.astimezone(UTC)
    return moment


def machine_time(moment: datetime) -> str:
    """The instant for a ``datetime`` attribute or JSON-LD: :func:`written`, in ISO 8601 (a
    showtime given whole, its time)."""
    return written(getattr(moment, "at", moment)).isoformat()


def offset_text(offset: timedelta | None) -> str:
    """An offset as ISO 8601 writes it: -07:00, +05:30, +00:00."""
    minutes = int((offset or timedelta(0)).total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
