"""Entries -> the web pages every feed item and newsletter links to, as bytes.

``site/<slug>/index.html`` for each entry; ``site/index.html`` for the home page, with the
archive by year (``site/archive/``) and the newsletter's archive (``site/issues/index.html``);
and the local media files the pages use, copied under ``site/media/``.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2

from .config import Settings
from .content import RenderedEntry
from .countries import display
from .errors import ContentError
from .layout import ARCHIVE_DIR, ISSUES_DIR
from .models import CALLED_OFF, CANCELLED, Event, Film, LoadedIssue, Workspace
from .moments import WholeDay, machine_time
from .newsletter import RenderedIssue
from .pictures import as_found
from .templates import event_heading, is_novel, render, to_come, unmarked
from .wording import Wording, wording_for

SITE_DIR = "site"


def _movie(film: Film, words: Wording) -> dict[str, Any]:
    movie: dict[str, Any] = {"@type": "Movie", "name": film.title}
    if film.year:
        movie["dateCreated"] = str(film.year)
    if film.directors:
        movie["director"] = [{"@type": "Person", "name": n} for n in film.directors]
    if film.writers:
        movie["author"] = [{"@type": "Person", "name": n} for n in film.writers]
    if film.cast:
        movie["actor"] = [{"@type": "Person", "name": p.name} for p in film.cast]
    based = film.based_on
    if based:
        # schema.org asks no name of a work: one the piece does not name has none.
        movie["isBasedOn"] = {
            "@type": "Book" if is_novel(str(based.kind), words) else "CreativeWork",
            **({"name": based.title} if based.title else {}),
            "author": {"@type": "Person", "name": based.author},
            **({"inLanguage": based.lang} if based.lang else {}),
        }
    # The distributor is not given: schema.org's productionCompany is who made the film, and
    # Movie has no property for who releases it.
    if film.runtime:
        movie["duration"] = f"PT{film.runtime}M"
    return movie


def _event(
    event: Event,
    page: str,
    work: dict[str, Any] | None,
    subject: str,
    words: Wording,
    published: datetime,
) -> dict[str, Any] | None:
    """An entry's event as a schema.org Event, or None when a search engine would not take
    it: ``page`` is the entry's address, ``work`` the Movie of its one film, ``subject`` the
    title it is about (that film's, else the entry's), ``published`` when the piece was."""
    # With no date it is no event a search engine takes (startDate is required): the page
    # still lists it.
    if event.date is None:
        return None
    # Its video is a way to attend only while it is to come (a stream, "Watch online"); of
    # one past when the piece was published it is the recording, and no place it happened.
    stream = event.video if event.video and to_come(event, published) else None
    # A place is found by its address (Google requires one of a Place), an online event by
    # its address on the web: a venue named without its address, or nowhere at all, is left
    # out, as an undated one is.
    if not (event.address or (stream and not event.venue)):
        return None
    heading = unmarked(event_heading(event, words))  # its italics' words
    # 'Conversation' alone says nothing of what it is about; 'The Salt Orchard, opening-night
    # Q&A' already does. (The heading and title as the web version of an issue names them.)
    named = subject.casefold() in heading.casefold()
    item: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": heading if named else f"{heading}, {subject}",
        # (A cancelled one's tickets page is offered nowhere: the piece is its page.)
        "url": page if event.status in CANCELLED else event.url or page,
    }
    start = event.date
    # A date written as a day is a day (schema.org's Date), not midnight.
    timed = not isinstance(start, WholeDay)
    item["startDate"] = machine_time(start) if timed else start.date().isoformat()
    place = {
        "@type": "Place",
        **({"name": event.venue} if event.venue else {}),
        "address": event.address,
    }
    online = {"@type": "VirtualLocation", "url": stream} if stream else None
    if event.address and online:
        item["eventAttendanceMode"] = "https://schema.org/MixedEventAttendanceMode"
        item["location"] = [place, online]
    elif online:
        item["eventAttendanceMode"] = "https://schema.org/OnlineEventAttendanceMode"
        item["location"] = online
    else:
        item["eventAttendanceMode"] = "https://schema.org/OfflineEventAttendanceMode"
        item["location"] = place
    # What a search engine shows beside the listing, as a screening's status says it.
    if event.status in CANCELLED:
        item["eventStatus"] = "https://schema.org/EventCancelled"
    elif event.status == "postponed":
        item["eventStatus"] = "https://schema.org/EventPostponed"
    else:
        item["eventStatus"] = "https://schema.org/EventScheduled"
        if event.status == "sold out":
            item["offers"] = {
                "@type": "Offer",
                "availability": "https://schema.org/SoldOut",
                "url": event.url or page,
            }
    # schema.org's performer is "a presenter, musician, ... or actor": who speaks at a talk or
    # a Q&A, and the moderator, who presents them. Its organizer is who puts the event on (a
    # venue, a festival), which the entry does not say: a moderator is not that.
    people = [*event.participants]
    if event.moderator and event.moderator not in people:
        people.append(event.moderator)
    if people:
        item["performer"] = [{"@type": "Person", "name": name} for name in people]
    if work:
        item["about"] = work
    return item


def json_ld(item: RenderedEntry, settings: Settings) -> list[dict[str, Any]]:
    """schema.org data for an entry: a Review (or Article) of its films, its screenings and
    its dated events."""
    entry, meta = item.entry, item.entry.meta
    words = wording_for(settings.publication.language)
    movies = [_movie(f, words) for f in meta.all_films]
    # A Review names what it reviews (schema.org's itemReviewed): one that names no film is
    # an Article. So is the author when it is the publication itself.
    review = meta.kind == "review" and bool(movies)
    by = "Organization" if entry.author == settings.publication.title else "Person"
    main: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Review" if review else "Article",
        "headline": unmarked(meta.title),
        "url": entry.url,
        "mainEntityOfPage": entry.url,
        "datePublished": machine_time(meta.published),
        "dateModified": machine_time(meta.updated or meta.published),
        "author": {"@type": by, "name": entry.author},
        "publisher": {"@type": "Organization", "name": settings.publication.title},
        "description": item.summary,
        "inLanguage": meta.language or settings.publication.language,
    }
    if entry.lead is not None:
        main["image"] = entry.lead.url
    if review:  # a double bill reviews both
        main["itemReviewed"] = movies[0] if len(movies) == 1 else movies
    elif movies:
        main["about"] = movies
    graph = [main]
    work = movies[0] if len(movies) == 1 else None
    run = meta.run
    for screening in meta.screenings:
        # A date the venue does not give is the run's (as the showtimes are checked); with
        # no start at all, it is no event a search engine takes (startDate is required):
        # the page still lists it.
        # (Its first showing still on, when one before it was cancelled or postponed.)
        held = [t for t in screening.times if t.status not in CALLED_OFF]
        on = held or screening.times
        # (The earliest, whatever order they are written in.)
        start = min(t.at for t in on) if on else screening.starts
        start = start or (run.starts if run else None)
        end = screening.ends or (run.ends if run else None)
        if start is None:
            continue
        day = start.date() if isinstance(start, datetime) else start
        if end is not None and end < day:
            # The venue's own start after the run's end: no end said rather than one before.
            end = None
        event: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "ScreeningEvent",
            "name": words.gettext("%(film)s at %(venue)s")
            % {"film": work["name"] if work else unmarked(meta.title), "venue": screening.venue},
            "location": {
                "@type": "MovieTheater",
                "name": screening.venue,
                "address": {
                    "@type": "PostalAddress",
                    "streetAddress": screening.address,
                    "addressLocality": screening.city,
                    **({"addressRegion": screening.region} if screening.region else {}),
                    **({"postalCode": screening.postal_code} if screening.postal_code else {}),
                    **({"addressCountry": display(screening.country)} if screening.country else {}),
                },
            },
            # (A cancelled one's tickets page is offered nowhere: the piece is its page.)
            "url": entry.url if screening.status in CANCELLED else screening.url or entry.url,
        }
        if work:
            event["workPresented"] = work
        # A showtime written as a day is a day (schema.org's Date), not midnight.
        timed = isinstance(start, datetime) and not isinstance(start, WholeDay)
        event["startDate"] = machine_time(start) if timed else day.isoformat()
        if end:
            event["endDate"] = end.isoformat()
        # What a search engine shows beside the listing: a run cancelled there, or every
        # showing of it; sold out there.
        times = screening.times
        if screening.status in CANCELLED or (times and all(t.cancelled for t in times)):
            event["eventStatus"] = "https://schema.org/EventCancelled"
        elif screening.status == "postponed" or (times and not held):
            # (Every showing cancelled or postponed, one at least postponed.)
            event["eventStatus"] = "https://schema.org/EventPostponed"
        elif screening.status == "sold out" or (
            times and all(t.status == "sold out" or t.cancelled for t in times)
        ):
            event["offers"] = {
                "@type": "Offer",
                "availability": "https://schema.org/SoldOut",
                "url": screening.url or entry.url,
            }
        graph.append(event)
    subject = work["name"] if work else unmarked(meta.title)
    for happening in meta.events:
        found = _event(happening, entry.url, work, subject, words, meta.published)
        if found is not None:
            graph.append(found)
    return graph


def render_entry_page(env: jinja2.Environment, item: RenderedEntry, settings: Settings) -> bytes:
    """One entry's accessible web page."""
    html = render(
        env,
        "entry.html.j2",
        settings=settings,
        entry=item.entry,
        content_html=item.content_html,
        summary=item.summary,
        canonical=item.entry.url,
        json_ld=json_ld(item, settings),
    )
    return html.encode("utf-8")


#: Issues the home page lists (the newest); every one is on the newsletter's page (issues/).
HOME_ISSUES = 3


@dataclass(frozen=True)
class Year:
    """A year of the archive, as its pages link to it."""

    year: int
    count: int  # the entries published in it
    url: str


def year_groups(items: Sequence[RenderedEntry]) -> dict[int, list[int]]:
    """The archive's years, newest first, each with the places in ``items`` (the published
    entries, newest first) of the entries whose date, as written and shown, falls in it."""
    groups: dict[int, list[int]] = {}
    for place, item in enumerate(items):
        groups.setdefault(item.entry.published.year, []).append(place)
    return dict(sorted(groups.items(), reverse=True))


def listing_pages(
    env: jinja2.Environment,
    settings: Settings,
    items: Sequence[RenderedEntry],
    issues: Sequence[RenderedIssue] = (),
    groups: dict[int, list[int]] | None = None,
) -> dict[str, bytes]:
    """The pages that list the archive, by output path: the home page (the newest entries
    and issues), a page per year of entries (``archive/2024/``) and their index
    (``archive/``), and the newsletter's page of every issue (``issues/``).

    ``items`` are the published entries and ``issues`` the listed issues, newest first.
    A year's page holds the entries whose date, as written and shown, falls in it, so that
    an entry's list line and the page it is on agree. ``groups``: :func:`year_groups` of
    ``items``, when known.
    """
    groups = year_groups(items) if groups is None else groups
    years = _years(settings, groups)
    listed = [item.issue for item in issues]
    pages = {
        f"{SITE_DIR}/index.html": _home(env, settings, items, issues, years),
        f"{SITE_DIR}/{ARCHIVE_DIR}/index.html": render(
            env,
            "archive.html.j2",
            settings=settings,
            year=None,
            entries=[],
            entries_html="",
            years=years,
            archive_url=settings.url(f"{ARCHIVE_DIR}/"),
            canonical=settings.url(f"{ARCHIVE_DIR}/"),
        ),
        f"{SITE_DIR}/{ISSUES_DIR}/index.html": render(
            env,
            "newsletter.html.j2",
            settings=settings,
            issues=listed,
            issues_html=_lines(issues),
            canonical=settings.url(f"{ISSUES_DIR}/"),
        ),
    }
    for year in years:
        pages[_year_path(year.year)] = _year_page(env, settings, items, groups, year, years)
    return {path: html.encode("utf-8") for path, html in pages.items()}


def relisted_pages(
    env: jinja2.Environment,
    settings: Settings,
    items: Sequence[RenderedEntry],
    issues: Sequence[RenderedIssue],
    groups: dict[int, list[int]],
    places: set[int],
) -> dict[str, bytes]:
    """Those of :func:`listing_pages` that show the entries at ``places`` in ``items``: for
    an edit that changed their list lines and nothing else the pages show (no entry moved,
    left or joined a year, no issue's line changed), the other pages stay as they were.

    At 10,000 entries, rendering every year's page again was a third of the preview's
    refresh after a title edit.
    """
    years = _years(settings, groups)
    pages: dict[str, str] = {}
    if any(place < settings.site.latest for place in places):
        pages[f"{SITE_DIR}/index.html"] = _home(env, settings, items, issues, years)
    for year in years:
        if any(place in groups[year.year] for place in places):
            pages[_year_path(year.year)] = _year_page(env, settings, items, groups, year, years)
    return {path: html.encode("utf-8") for path, html in pages.items()}


def _years(settings: Settings, groups: dict[int, list[int]]) -> list[Year]:
    return [
        Year(year, len(places), settings.url(f"{ARCHIVE_DIR}/{year}/"))
        for year, places in groups.items()
    ]


def _year_path(year: int) -> str:
    return f"{SITE_DIR}/{ARCHIVE_DIR}/{year}/index.html"


def _home(
    env: jinja2.Environment,
    settings: Settings,
    items: Sequence[RenderedEntry],
    issues: Sequence[RenderedIssue],
    years: list[Year],
) -> str:
    latest = items[: settings.site.latest]
    listed = [item.issue for item in issues]
    # Lines joined here, not in the templates: a loop over thousands of entries (or hundreds
    # of issues) in Jinja costs more than the rest of a refresh.
    return render(
        env,
        "home.html.j2",
        settings=settings,
        latest=latest,
        latest_html=_lines(latest),
        latest_issues=listed[:HOME_ISSUES],
        latest_issues_html=_lines(issues[:HOME_ISSUES]),
        issues_url=settings.url(f"{ISSUES_DIR}/"),
        years=years,
        archive_url=settings.url(f"{ARCHIVE_DIR}/"),
        # What the home page was given when it listed everything: a template of the
        # publication's own made then goes on showing what it showed (joined only if
        # shown: the default shows neither, and at 10,000 entries a join is 10 ms).
        entries=items,
        entries_html=_Joined(items),
        issues=listed,
        issues_html=_Joined(issues),
        canonical=settings.publication.base_url,
    )


def _year_page(
    env: jinja2.Environment,
    settings: Settings,
    items: Sequence[RenderedEntry],
    groups: dict[int, list[int]],
    year: Year,
    years: list[Year],
) -> str:
    entries = [items[place] for place in groups[year.year]]
    return render(
        env,
        "archive.html.j2",
        settings=settings,
        year=year,
        entries=entries,
        entries_html=_lines(entries),
        years=years,
        archive_url=settings.url(f"{ARCHIVE_DIR}/"),
        canonical=year.url,
    )


def listing_page(rel: str) -> bool:
    """Whether the output ``rel`` is one of :func:`listing_pages`' (made again together)."""
    return (
        rel == f"{SITE_DIR}/index.html"
        or rel == f"{SITE_DIR}/{ISSUES_DIR}/index.html"
        or rel.startswith(f"{SITE_DIR}/{ARCHIVE_DIR}/")
    )


def _lines(items: Sequence[RenderedEntry] | Sequence[RenderedIssue]) -> str:
    return "\n".join([item.list_item for item in items])


class _Joined:
    """The list lines of ``items``, joined when a template shows them (``| safe`` or not)."""

    def __init__(self, items: Sequence[RenderedEntry] | Sequence[RenderedIssue]) -> None:
        self.items = items

    def __str__(self) -> str:
        return _lines(self.items)

    def __html__(self) -> str:
        return _lines(self.items)


def picture_sources(workspace: Workspace, items: Sequence[RenderedEntry]) -> list[str]:
    """The pictures under media/ that the pages and emails show: those of ``items`` (the
    listed entries), of the issues' intros, and of the draft entries a draft issue gathers."""
    sources = [source for item in items for source in item.entry.pictures]
    for issue in workspace.issues:
        sources += issue_pictures(issue)
    return sources


def issue_pictures(issue: LoadedIssue) -> list[str]:
    """The pictures under media/ that an issue's file makes published: its intro's, and
    those of the draft entries it gathers (a draft issue shows them, linked as they will be)."""
    return [picture.source for picture in issue.body_pictures] + [
        source for entry in issue.drafts for source in entry.pictures
    ]


def media_files(workspace: Workspace, items: Sequence[RenderedEntry]) -> dict[str, Path]:
    """Local media the pages use: output path -> source file."""
    wanted: dict[str, Path] = {}
    pub = workspace.settings.publication
    for src in (pub.logo, pub.icon):
        if src and not src.startswith("https://"):
            # As the load found it: a Mac's 'e' and an accent for a typed 'é' too (the build
            # copied the name as typed, and stopped: no such file).
            found = as_found(src, workspace.root)
            wanted[_published(src.lstrip("/"))] = workspace.root / found
    for source in picture_sources(workspace, items):
        out = _published(source)
        other = wanted.get(out)
        if other is not None and not _same(other, workspace.root / source):
            # 'café' written two ways on disk (an accent one character, or a letter and an
            # accent): two pictures, one address; the site showed one of them on both pages.
            # (One file named both ways, as macOS finds it, is one picture.)
            first = other.relative_to(workspace.root).as_posix()
            raise ContentError(
                f"two pictures would be published as one file, {out}: {ascii(first)} and this "
                f"one, {ascii(source)}, have the same name, its accents saved two ways (as macOS "
                "and Linux save them)",
                source,
                None,
                "rename one of them",
            )
        wanted[out] = workspace.root / source
    return wanted


def _same(one: Path, other: Path) -> bool:
    """Whether two paths name one file (as a Mac's disk finds a name however its accents
    are saved)."""
    if one == other:
        return True
    try:
        return os.path.samefile(one, other)
    except OSError:
        return False


def _published(source: str) -> str:
    # Named as its URL spells it (accents as one character each, NFC), whichever way the disk
    # spells the source: the same site from a Mac's copy of the media as from Linux's.
    return f"{SITE_DIR}/{unicodedata.normalize('NFC', source)}"
