"""How a date or time was written, kept with it: the models make these, the templates show them.

Both are plain datetimes to everything else (feeds, ordering, the cache): the same instant.
"""

from __future__ import annotations

from datetime import datetime


class WholeDay(datetime):
    """A moment written as a bare date (midnight in the publication's zone): a showtime or an
    event on that day, at no time said, is shown without one (not as '12:00 AM')."""


class AwayTime(datetime):
    """A moment written with another offset than the publication's at that instant (a
    screening in Paris for a Los Angeles publication, a time written in UTC): shown with its
    offset, 'Sat, March 9, 8:00 PM (UTC+1)', where its clock alone would mislead."""
