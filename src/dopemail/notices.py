"""The warnings of a publication that loaded, which build and check print and do not stop
for: entries and issues dated ahead of now, settings the sender would refuse, a language
with no words yet, and what an entry says that is likely a mistake (a showtime outside its
run, a country or language dopemail does not know, alt text that repeats the caption).

Apart from loading: nothing here refuses a file. An entry's own notes are found as it loads
(:func:`notes`, kept with it in the cache); the rest are asked of the loaded workspace.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from .bodytext import dropped_html
from .config import CONFIG_NAME, POSTAL_ADDRESS_HINT, config_line, unsubscribe_url_hint
from .countries import (
    abroad_of,
    address_place,
    clock_offsets,
    country_as_region,
    country_of_zone,
    display,
    either_country,
    home_country,
    known_country,
    region_and_postal,
    region_name,
    region_of,
    venue_clocks,
)
from .countries import unknown as unknown_country
from .errors import ConfigError, ContentError, char_named, invisible_said, visible
from .frontmatter import Document
from .languages import (
    NO_DIALOGUE,
    closest_language,
    first_language,
    language_code,
    sole_language,
)
from .markdown import uncommented
from .models import CANCELLED, Entry, Film, Issue, LoadedEntry, Screening, Workspace
from .moments import WholeDay, offset_text
from .sourcetext import FILM_EXAMPLE_FACTS, front_matter_text, key_line
from .templates import italics_spans, unmarked
from .validation import (
    field_path,
    in_flow,
    leaves,
    line_of,
    lines_to_copy,
    names_in,
    source_line,
    value_at,
    yaml_scalar,
)
from .wording import add_a_catalog, untranslated, wording_for


def published_ahead(workspace: Workspace, now: datetime | None = None) -> list[ContentError]:
    """Warnings for entries (not drafts) published or updated later than ``now`` (dopemail
    has no schedule, so such an entry is on the site and in the feeds from this build on),
    and for issues dated so."""
    now = now or datetime.now(UTC)
    published = [
        ContentError(
            f"'published' is {_ahead(entry.published, now)}: the entry is on the site and in "
            "the feeds from this build on",
            entry.path,
            key_line(workspace.root, entry.path, "published"),
            "dopemail publishes at once: keep 'draft: true' until "
            + ("then" if _soon(entry.published, now) else "the day")
            + ", or correct the date",
        )
        for entry in workspace.entries
        if not entry.draft and entry.published > now
    ]
    # A year typed wrong in a correction's date: the feeds said the piece changed then, and
    # their own date (the newest item's) stayed there, ahead of every later piece.
    updated = [
        ContentError(
            f"'updated' is {_ahead(entry.updated, now)}: the feeds say the piece changed "
            "then, and give that date as their own until it passes",
            entry.path,
            key_line(workspace.root, entry.path, "updated"),
            "correct 'updated:' to when the piece was changed"
            + ("" if _soon(entry.updated, now) else " (a year typed wrong?)"),
        )
        for entry in workspace.entries
        if not entry.draft
        and entry.published <= now
        and entry.updated is not None
        and entry.updated > now
    ]
    issues = [
        ContentError(
            f"'date' is {_ahead(issue.meta.date, now)}, and the issue is "
            f"'{issue.meta.status}': it is in the archive and feeds/issues.xml from this build on",
            issue.path,
            key_line(workspace.root, issue.path, "date"),
            # A sent one went out already: only its date can be wrong.
            (
                "correct 'date:' to when it went out (its hour, or its offset?)"
                if _soon(issue.meta.date, now)
                else "correct 'date:' to the day it went out (a year typed wrong?)"
            )
            if issue.meta.status == "sent"
            else "keep 'status: draft' until it goes out, or correct the date"
            + ("" if _soon(issue.meta.date, now) else " (a year typed wrong?)"),
        )
        for issue in workspace.issues
        if issue.meta.status != "draft" and issue.meta.date > now
    ]
    return published + updated + issues


def _soon(moment: datetime, now: datetime) -> bool:
    return moment - now < timedelta(days=1)


def _ahead(moment: datetime, now: datetime) -> str:
    """How far ahead a moment is, as a warning says it: its day when it is days away; within
    a day, its time and how long until then (the day alone read as today, 'in the future')."""
    if not _soon(moment, now):
        return f"{moment.date().isoformat()}, in the future"
    minutes = max(1, -int(-(moment - now).total_seconds() // 60))
    left = (
        f"{minutes} minute{'s' if minutes != 1 else ''}"
        if minutes < 120
        else f"{round(minutes / 60)} hours"
    )
    return f"{moment.isoformat()}, {left} from now"


def over_by_the_issue(workspace: Workspace) -> list[ContentError]:
    """Warnings for an issue not sent yet that gathers an entry whose screenings and live
    events are all over by the issue's date (:attr:`~dopemail.models.LoadedEntry.showings_end`):
    its email would give their times and ticket links."""
    zone = workspace.settings.publication.zone
    found = []
    for issue in workspace.issues:
        if issue.meta.status == "sent":
            continue  # gone out as it was
        day = issue.meta.date.astimezone(zone).date()
        for entry in (*issue.entries, *(e for _, items in issue.sections for e in items)):
            last = entry.showings_end
            # Its last day is the venue's, whose clock may be behind the publication's: a
            # showing still ahead of the issue is not over (a Los Angeles showing at 8 PM on
            # the 30th, 5 AM on the 31st in Paris, was told over by a Paris issue of 4 AM).
            if last is not None and last < day and not _still_ahead(entry, issue.meta.date, zone):
                found.append(
                    ContentError(
                        f"entry '{entry.slug}': its screenings and events are all over by this "
                        f"issue's date, {day.isoformat()} (the last on {last.isoformat()}), and "
                        "the email gives their times and ticket links",
                        issue.path,
                        issue.entry_lines.get(entry.slug),
                        "leave it out of this issue, or correct the issue's 'date:' (or the "
                        "entry's dates, if they are wrong)",
                    )
                )
    return found


def _still_ahead(entry: LoadedEntry, moment: datetime, zone: ZoneInfo) -> bool:
    """Whether a showing or live event of ``entry`` (not cancelled) is at ``moment`` or
    after: a time of day as written, and a screening's last day as its venue's clock ends it
    (``zone``: the publication's, for one whose clock is not known). Its last day may be
    before the issue's at the publication's clock and not yet over at the venue's, behind.
    (Read only for an entry whose last day is before the issue's day.)"""
    meta = entry.meta
    run_ends = meta.run.ends if meta.run is not None else None
    for screening in meta.screenings:
        if screening.status in CANCELLED:
            continue
        if any(not t.cancelled and t.at >= moment for t in screening.times):
            return True
        ends = screening.ends or run_ends
        if ends is not None:
            clocks = venue_clocks(
                screening.country,
                screening.city or "",
                zone.key,
                screening.region,
                screening.postal_code,
            ).zones
            # The clock furthest behind among the venue's: its day ends last.
            ended = max(
                datetime.combine(ends + timedelta(days=1), time(0), c) for c in clocks or [zone]
            )
            if ended > moment:
                return True
    return any(
        event.date is not None
        and not isinstance(event.date, WholeDay)
        and event.status not in CANCELLED
        and event.date >= moment
        for event in meta.events
    )


def dated_before_an_earlier_issue(workspace: Workspace) -> list[ContentError]:
    """Warnings for an issue ready to send dated before a listed issue of a lower number: a
    year mistyped (2023 for 2024) put it before them in the archive and its feed, without a
    word (a day years ahead is refused; one in the past is no mistake by itself). Drafts
    are in neither: one is told once it is ready."""
    zone = workspace.settings.publication.zone
    found = []
    latest = None  # the listed issue of a lower number dated last
    listed = [i for i in workspace.issues if i.meta.status != "draft"]
    for issue in sorted(listed, key=lambda i: i.meta.number):
        if (
            latest is not None
            and issue.meta.date < latest.meta.date
            and (issue.meta.status != "sent")
        ):
            day, before = (i.meta.date.astimezone(zone).date().isoformat() for i in (issue, latest))
            found.append(
                ContentError(
                    f"issue {issue.meta.number} is dated {day}, before issue "
                    f"{latest.meta.number} ({before}): the archive and the newsletter's feed "
                    "list it before that one",
                    issue.path,
                    issue.key_lines.get("date"),
                    "correct its 'date:' (its year?); if it is right, nothing to do",
                )
            )
        if latest is None or issue.meta.date > latest.meta.date:
            latest = issue
    return found


def gathered_again(workspace: Workspace) -> list[ContentError]:
    """Warnings for an entry an issue not sent yet gathers among its main entries that an
    issue marked sent gathered there already: its readers had it, presented as new (a
    reminder belongs in a section, such as 'Still playing', which is not told)."""
    sent: dict[str, int] = {}  # entry slug -> the first sent issue that led with it
    for issue in sorted(workspace.issues, key=lambda i: i.meta.number):
        if issue.meta.status == "sent":
            for entry in issue.entries:
                sent.setdefault(entry.slug, issue.meta.number)
    found = []
    for issue in workspace.issues:
        if issue.meta.status == "sent":
            continue
        for entry in issue.entries:
            number = sent.get(entry.slug)
            if number is not None and number < issue.meta.number:
                found.append(
                    ContentError(
                        f"entry '{entry.slug}' went out in issue {number} already, among its "
                        "main entries: its readers get it again as new",
                        issue.path,
                        issue.entry_lines.get(entry.slug),
                        "leave it out of this issue, or list it as a reminder under one of the "
                        "issue's 'sections:' (a 'Still playing' section), which is not told",
                    )
                )
    return found


def unsendable(workspace: Workspace) -> list[ConfigError]:
    """A warning when the issues cannot be sent as built: no [sender] unsubscribe_url, which
    every message needs (but Buttondown's, which unsubscribes its own readers); said by build
    and check, not first by the send."""
    settings = workspace.settings
    if settings.sender.unsubscribe_url or settings.send.provider == "buttondown":
        return []
    if not workspace.issues:
        return []  # no email yet (a new publication): said with its first issue
    return [
        ConfigError(
            "[sender] unsubscribe_url is not set: the emails carry a placeholder link, and "
            "'dopemail send' will refuse them",
            CONFIG_NAME,
            config_line(workspace.root, ("sender",)),
            unsubscribe_url_hint(settings),
        )
    ]


def postal_address_without_number(workspace: Workspace) -> list[ConfigError]:
    """A warning when the publication's postal address has no number: no street number, P.O.
    box or postal code ('Los Angeles, CA, USA'), which no letter reaches, where the law asks
    every newsletter for a valid postal address (CAN-SPAM)."""
    address = workspace.settings.sender.postal_address
    if address is None:
        # A new publication's, until it has one: said once it has an issue to send.
        if not workspace.issues:
            return []
        return [
            ConfigError(
                "[sender] postal_address is not set: the emails carry none, and 'dopemail "
                "send' will refuse them",
                CONFIG_NAME,
                config_line(workspace.root, ("sender",)),
                POSTAL_ADDRESS_HINT,
            )
        ]
    if any(c.isdigit() for c in address):
        return []
    return [
        ConfigError(
            f"[sender] postal_address '{address.strip()}' has no number: it names no street "
            "address, P.O. box or postal code, which the law asks every newsletter for",
            CONFIG_NAME,
            config_line(workspace.root, ("sender", "postal_address")),
            POSTAL_ADDRESS_HINT,
        )
    ]


def untranslated_language(workspace: Workspace) -> list[ConfigError]:
    """A warning when the publication's language has no catalog of words yet: its pages,
    emails and feeds are written in English words (and dates), said by build and check."""
    message = untranslated(workspace.settings.publication.language)
    if message is None:
        return []
    line = config_line(workspace.root, ("publication", "language"))
    hint = add_a_catalog(workspace.settings.publication.language)
    return [ConfigError(message, CONFIG_NAME, line, hint)]


def entry_notes(workspace: Workspace) -> list[ContentError]:
    """What build and check warn of in the entries (see :func:`notes`) and in the issues'
    intros (:func:`dropped_html`)."""
    return [
        ContentError(message, entry.path, line, hint)
        for entry in workspace.entries
        for message, line, hint in entry.notes
    ] + [
        ContentError(message, issue.path, line, hint)
        for issue in workspace.issues
        for message, line, hint in issue.notes + dropped_html(issue.body, issue.body_line)
    ]


# A showtime before this hour belongs to the evening before (a Saturday late show at 00:30 on
# the Sunday after the run's last day).
_LATE_SHOW_ENDS = 6


def _days_of(moment: datetime, zone: ZoneInfo) -> set[date]:
    """The days a showtime may be counted in: as written, or at the publication's clock (a
    time written in UTC), a late show in the evening before."""
    days = set()
    for clock in (moment, moment.astimezone(zone)):
        days.add(clock.date())
        if clock.hour < _LATE_SHOW_ENDS and not isinstance(moment, WholeDay):
            days.add(clock.date() - timedelta(days=1))
    return days


#: Words between doubled asterisks, as Markdown writes bold: '**Premiere**'. (Not '__':
#: '__init__' is more often a name than a mark.)
_DOUBLED = re.compile(r"(\*\*)(?=\S)(.+?)(?<=\S)\*\*")


def _plain_fields(
    meta: Entry,
) -> Iterator[tuple[tuple[str | int, ...], str | None, bool]]:
    """The fields of words an entry shows as typed (a link written there is looked for in
    each): their paths, their values, and whether '*words*' in each are italics
    (templates.italics_spans: bold written there is looked for)."""
    yield ("title",), meta.title, True
    yield ("summary",), meta.summary, True
    yield ("rights",), meta.rights, True
    if meta.pull_quote:
        yield ("pull_quote", "text"), meta.pull_quote.text, False
        yield ("pull_quote", "attribution"), meta.pull_quote.attribution, True
    yield ("gallery_title",), meta.gallery_title, True
    yield ("run", "note"), meta.run.note if meta.run else None, True
    for i, screening in enumerate(meta.screenings):
        yield ("screenings", i, "note"), screening.note, True
        for j, showing in enumerate(screening.times):
            yield ("screenings", i, "times", j, "note"), showing.note, True
    for i, image in enumerate(meta.images):
        yield ("images", i, "caption"), image.caption, True
    for i, image in enumerate(meta.images):
        yield ("images", i, "credit"), image.credit, False
    for i, event in enumerate(meta.events):
        yield ("events", i, "title"), event.title, True


def _bold_asked(
    fields: Iterable[tuple[tuple[str | int, ...], str | None, bool]], data: Any
) -> Iterator[tuple[str, int | None, str]]:
    """Bold written as Markdown writes it in a field that sets italics alone (``fields``, as
    :func:`_plain_fields` gives them; ``data``, the front matter they are in): its marks
    would be printed, '**Premiere**' as typed."""
    for path, value, italics in fields:
        found = _DOUBLED.search(value) if italics and value and "**" in value else None
        if found:
            yield (
                f"'{found.group()}' in {field_path(path)} is printed as typed: a field of "
                "words sets italics alone, between single marks",
                line_of(data, path),
                f"write *{found.group(2)}* for italics, or the words without marks",
            )


def sent_as_typed(meta: Issue, data: Any) -> tuple[tuple[str, int | None, str], ...]:
    """Marks of italics in an issue's ``subject`` or ``preheader`` (``data``: its front
    matter as parsed, for their lines): both are plain text in every inbox (the Subject
    header, the preview, the issues feed's title), so '*Anora*, and more' goes out with its
    asterisks. Told, not taken out: the editor chooses the words."""
    found = []
    for name in ("subject", "preheader"):
        value = getattr(meta, name)
        if not value or unmarked(value) == value:
            continue
        marked, words = _first_italics(value)
        found.append(
            (
                f"'{marked}' in {name} is sent as typed: a subject and a preheader are plain "
                "text in every inbox",
                line_of(data, (name,)),
                f"write the title without marks ({words}), or in quotation marks",
            )
        )
    return tuple(found)


def section_titles_marked(meta: Issue, data: Any) -> tuple[tuple[str, int | None, str], ...]:
    """What an entry's short fields are told of (bold asked, a '*' inside a word), in an
    issue's sections' titles, which set italics as they do (``data``: the issue's front
    matter as parsed, for their lines)."""
    titles = [(("sections", i, "title"), s.title, True) for i, s in enumerate(meta.sections)]
    return (*_bold_asked(titles, data), *_italics_in_a_word(titles, data))


def sections_empty(meta: Issue, data: Any) -> tuple[tuple[str, int | None, str], ...]:
    """A draft's sections that gather no entries yet (``data``: the issue's front matter as
    parsed, for their lines): each is left out of the email and the web version (a heading
    with nothing under it) until it is filled in, as it must be for the issue to be ready."""
    return tuple(
        (
            f"the section '{section.title}' gathers no entries yet: it is left out of the "
            "email and the web version",
            line_of(data, ("sections", i, "entries")),
            "list their slugs under its 'entries' before the issue is ready, or remove the section",
        )
        for i, section in enumerate(meta.sections)
        if not section.entries
    )


def _first_italics(value: str) -> tuple[str, str]:
    """The first words of ``value`` that italics_spans sets in italics, with their marks as
    written ('*Anora*') and without ('Anora'); the whole value and its words if none is
    found whole (a mark escaped inside)."""
    slanted = [words for words, italic in italics_spans(value) if italic]
    for start, mark in enumerate(value):
        if mark not in "*_":
            continue
        end = value.find(mark, start + 1)
        while end > 0:
            spans = italics_spans(value[start : end + 1])
            if len(spans) == 1 and spans[0][1] and any(spans[0][0] in w for w in slanted):
                return value[start : end + 1], spans[0][0]
            end = value.find(mark, end + 1)
    return value, unmarked(value)


#: A '*' between two letters or digits (of any alphabet: 'M*A*S*H', 'Б*а*б'), and the word
#: around it; those of the languages written without spaces, where a mark inside a word is
#: how italics are written ('これは*映画*です'), are left out by _in_a_word.
_STAR_IN_WORD = re.compile(r"(?<=[^\W_])\*(?=[^\W_])")
_WORD_WITH_STARS = re.compile(r"[^\W_]*(?:\*[^\W_]+)+\*?|\*[^\W_]+(?:\*[^\W_]+)+")
_UNSPACED = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL")


def _in_a_word(text: str) -> str:
    """``text`` with each '*' inside a word escaped ('\\*'), but in Chinese, Japanese or
    Korean."""

    def escaped(found: re.Match[str]) -> str:
        around = text[found.start() - 1] + text[found.end()]
        if any(unicodedata.name(c, "").startswith(_UNSPACED) for c in around):
            return found.group()
        return "\\*"

    return _STAR_IN_WORD.sub(escaped, text)


def _italics_in_a_word(
    fields: Iterable[tuple[tuple[str | int, ...], str | None, bool]], data: Any
) -> Iterator[tuple[str, int | None, str]]:
    """A '*' inside a word taken as a mark of italics (in ``fields``, in ``data``, as
    :func:`_bold_asked` has them): a title of before italics ('M*A*S*H at 50, restored')
    shows 'M<i>A</i>S*H' in its page, 'MAS*H' in the feeds."""

    def read(text: str) -> list[tuple[str, bool]]:
        # '\*' written in a web address is kept as typed there: the same address either way.
        return [(words.replace("\\*", "*"), slanted) for words, slanted in italics_spans(text)]

    for path, value, italics in fields:
        if not italics or not value or not _STAR_IN_WORD.search(value):
            continue
        shown = read(value)
        if shown == read(_in_a_word(value)):
            continue
        words = list(_WORD_WITH_STARS.finditer(value))
        # The word whose marks make the italics (another may hold a sign: '5*3').
        word = next(
            (
                m.group()
                for m in words
                if read(value[: m.start()] + _in_a_word(m.group()) + value[m.end() :]) != shown
            ),
            words[0].group(),
        )
        if word.startswith("*") and word.count("*") == 2:
            continue  # a word in italics and its ending: '*Godfather*s', as meant
        escaped = word.replace("*", "\\*")
        yield (
            f"'{word}' in {field_path(path)}: its '*' set italics inside the word (a field "
            "of words sets '*words*' in italics)",
            line_of(data, path),
            # Between double quotes YAML reads '\*' as an escape it does not know, and stops.
            f"write \\* for the sign itself ({escaped}; between double quotes, \\\\*)",
        )


def notes(
    meta: Entry, doc: Document, zone: ZoneInfo, language: str = "en"
) -> tuple[tuple[str, int | None, str], ...]:
    """Warnings about an entry that loaded: showtimes on a day the venue does not play the
    film (its screening's ``starts``/``ends``, else the run's), a year or month typed wrong
    that the page would show as it is (the weekday and date, without the year); a picture
    whose alt text is its caption; a piece published without text; an original title in no
    language said."""
    found: list[tuple[str, int | None, str]] = []
    if not meta.draft and (not doc.body or doc.body.isspace()):
        # Cut after its front matter (a paste gone wrong, an editor's undo): it was published,
        # its page and its feed items an empty piece, without a word said.
        found.append(
            (
                "it has no text below its front matter: its page and its feed items carry "
                "only its facts",
                doc.body_line,
                "write the piece below the front matter's closing '---' (or set 'draft: true' "
                "until it is written)",
            )
        )
    found.extend(_links_in_plain_text(meta, doc))
    found.extend(_bold_asked(_plain_fields(meta), doc.meta))
    found.extend(_italics_in_a_word(_plain_fields(meta), doc.meta))
    for i, image in enumerate(meta.images):
        if image.caption and _same_words(image.alt, image.caption):
            found.append(
                (
                    f"the alt text of picture {i + 1} ({image.src}) is its caption: a screen "
                    "reader reads the same words twice, and nothing says what the picture shows",
                    line_of(doc.meta, ("images", i, "alt")),
                    "let alt say what is in the picture (who, where, doing what), and the "
                    "caption what it adds",
                )
            )
    for where, film in _films_where(meta):
        found.extend(_film_examples_left(where, film, doc, language))
        for i, country in enumerate(film.countries):
            strange, close = unknown_country(country)
            if strange:
                meant = f" (did you mean '{close}'?)" if close else ""
                found.append(
                    (
                        f"the country '{country}' of {film.title} is not one dopemail "
                        f"knows{meant}: it is printed as written",
                        line_of(doc.meta, (*where, "countries", i)),
                        "write its name in English or its own language (France, Deutschland), "
                        "or its ISO code (FR)",
                    )
                )
        if film.original_title and not film.language:
            found.append(
                (
                    f"the original title '{film.original_title}' of {film.title} is not marked "
                    "as written in a language: screen readers read it in the page's",
                    line_of(doc.meta, (*where, "original_title")),
                    "give the film's language under it (language: French, or its ISO 639 code, fr)",
                )
            )
        said = first_language(film.language) if film.language else ""
        spoken = said and said.casefold() not in NO_DIALOGUE
        if spoken and language_code(film.language) is None:
            close = closest_language(said)
            meant = f" (did you mean '{close}'?)" if close else ""
            marked = ": its original title is not marked as written in it" * bool(
                film.original_title
            )
            found.append(
                (
                    f"the language '{film.language}' of {film.title} is not one dopemail "
                    f"knows{meant}{marked}",
                    line_of(doc.meta, (*where, "language")),
                    "write its name in English (Swedish, Wolof) or its ISO 639 code (sv, wo)",
                )
            )
        based = film.based_on
        if based is not None and based.language and language_code(based.language) is None:
            close = closest_language(first_language(based.language))
            meant = f" (did you mean '{close}'?)" if close else ""
            marked = ": its title is not marked as written in it" * bool(based.title)
            found.append(
                (
                    f"the language '{based.language}' of the work {film.title} is based on is not "
                    f"one dopemail knows{meant}{marked}",
                    line_of(doc.meta, (*where, "based_on", "language")),
                    "write its name in English (Swedish, Wolof) or its ISO 639 code (sv, wo)",
                )
            )
        elif (
            based is not None
            and based.title
            and based.lang
            and not sole_language(based.language or "")
        ):
            # A film speaks several languages; a title is read in one: 'English, French' had
            # it read in English without a word.
            first = first_language(based.language or "")
            found.append(
                (
                    f"the work {film.title} is based on is said to be in '{based.language}': its "
                    f"title '{based.title}' is read as written in the first, {first}",
                    line_of(doc.meta, (*where, "based_on", "language")),
                    f"write the one language its title is in (language: {first})",
                )
            )
    for k, event in enumerate(meta.events):
        moment = event.date
        if event.address and moment is not None and not isinstance(moment, WholeDay):
            country, city = address_place(event.address, zone.key)
            region, postal = region_and_postal(event.address, country)
            clocks = venue_clocks(country, city, zone.key, region, postal)
            # Told where the address surely says its clock, or names a country of its own
            # (any of whose clocks is accepted), or a state of several (any of its clocks:
            # 'Austin, TX 78701' at -07:00, Los Angeles's, passed): no guess told as a fact.
            sure = clocks.sure_at(moment) or (country and not clocks.at_home) or clocks.by_region
            if clocks.zones and sure:
                venue = event.venue or event.address
                at = [(("events", k, "date"), moment)]
                found.extend(
                    _clocks_elsewhere(at, country, city, venue, doc, zone, "event", region, postal)
                )
            elif country is None:
                abroad = _event_maybe_abroad(event, k, city, region, doc, zone, language)
                found.extend(abroad)
                # In a state whose code is the publication's country's, or at home: a time at
                # neither's clock (its city another country's zone is told above, first).
                if not abroad and (either := either_country(city, region, postal, zone.key)):
                    at = [(("events", k, "date"), moment)]
                    venue = event.venue or event.address
                    found.extend(
                        _clocks_elsewhere(
                            at, None, city, venue, doc, zone, "event", zones=either.zones
                        )
                    )
    run = meta.run
    for i, screening in enumerate(meta.screenings):
        if screening.country:
            strange, close = unknown_country(screening.country)
            if strange:
                meant = f" (did you mean '{close}'?)" if close else ""
                found.append(
                    (
                        f"the country '{screening.country}' at {screening.venue} is not one "
                        f"dopemail knows{meant}: it is printed as written, and decides the "
                        "order of the address",
                        line_of(doc.meta, ("screenings", i, "country")),
                        "write its name in English or its own language (France, Deutschland), "
                        "or its ISO code (FR)",
                    )
                )
        found.extend(_address_repeats(screening, i, doc))
        twice, disordered = _showtimes_in_order(screening, i, doc)
        found.extend(twice)
        timed = [
            (("screenings", i, "times", j), showtime.at)
            for j, showtime in enumerate(screening.times)
            if not isinstance(showtime.at, WholeDay)
        ]
        where = (screening.country, screening.city, screening.venue)
        # Not with a region (Athens, GA; London, ON: the region says where it is, and the
        # publication's country writes addresses that way), nor for a publication whose
        # zone is no country's (UTC): then no city is abroad.
        # A venue taken to be at home that may not be is told so; one surely at home has its
        # times checked against its clocks.
        told = [] if screening.country else _maybe_abroad(screening, i, doc, zone, language)
        found.extend(told)
        # Placed in its region's country (Austin, TX in a Paris publication), its clock is
        # known all the same: a showtime at the publication's +02:00, told only that it names
        # no country, was published seven hours off (an event's was warned).
        if (
            not told
            or venue_clocks(
                None, screening.city, zone.key, screening.region, screening.postal_code
            ).region_country
        ):
            found.extend(
                _clocks_elsewhere(
                    timed, *where, doc, zone, region=screening.region, postal=screening.postal_code
                )
            )
        elif either := either_country(
            screening.city, screening.region, screening.postal_code, zone.key
        ):
            # In the state or at home, either may be meant; a time at neither's clock was
            # published without a word (Wilmington, DE 19801 written -04:00 in December).
            found.extend(_clocks_elsewhere(timed, *where, doc, zone, zones=either.zones))
        found.extend(_outside_the_run(screening, i, run, doc))
        first = screening.starts or (run.starts if run else None)
        last = screening.ends or (run.ends if run else None)
        outside = _outside_the_days(screening, i, first, last, doc, zone)
        # A year typed wrong puts its showtime out of order too: told once, as the day.
        found.extend(outside or disordered)
    return tuple(found)


def _days_said(first: date | None, last: date | None) -> str:
    """Days from ``first`` to ``last`` (either may be open), as a warning says them."""
    if first and last:
        return f"{first.isoformat()} to {last.isoformat()}" if first != last else f"on {first}"
    return f"from {first.isoformat()}" if first else f"until {last.isoformat() if last else ''}"


def _outside_the_run(
    screening: Screening, i: int, run: Any, doc: Document
) -> list[tuple[str, int | None, str]]:
    """A screening whose own days (its ``starts``/``ends``) are not all within the run's, which
    says the whole span the film plays: a month or a year typed wrong in either."""
    if run is None or (run.starts is None and run.ends is None):
        return []
    own = [d for d in (screening.starts, screening.ends) if d is not None]
    if not own:
        return []  # its showtimes are checked against the run's days (_outside_the_days)
    before = run.starts is not None and min(own) < run.starts
    after = run.ends is not None and max(own) > run.ends
    if not (before or after):
        return []
    # Entirely outside: it ends before the run starts, or starts after it ends (a screening
    # with one day said is open on the other side).
    first, last = screening.starts, screening.ends
    entirely = (run.starts is not None and last is not None and last < run.starts) or (
        run.ends is not None and first is not None and first > run.ends
    )
    return [
        (
            f"the screening at {screening.venue} plays "
            f"{_days_said(screening.starts, screening.ends)}, "
            f"{'outside' if entirely else 'partly outside'} the run "
            f"({_days_said(run.starts, run.ends)}), which says every day the film plays",
            line_of(doc.meta, ("screenings", i)),
            "check the screening's starts and ends and the run's (a month or a year typed "
            "wrong?); if the film plays longer, widen the run",
        )
    ]


def _outside_the_days(
    screening: Screening,
    i: int,
    first: date | None,
    last: date | None,
    doc: Document,
    zone: ZoneInfo,
) -> list[tuple[str, int | None, str]]:
    """Showtimes on no day between ``first`` and ``last`` (the screening's, else the run's)."""
    found: list[tuple[str, int | None, str]] = []
    if first is None and last is None:
        return found
    for j, moment in enumerate(showtime.at for showtime in screening.times):
        if any(
            (first is None or first <= day) and (last is None or day <= last)
            for day in _days_of(moment, zone)
        ):
            continue
        written = moment.date() if isinstance(moment, WholeDay) else moment
        if first and last:
            plays = f"{first.isoformat()} to {last.isoformat()}"
        else:
            plays = f"from {first.isoformat()}" if first else f"until {last}"
        found.append(
            (
                f"the showtime {written.isoformat()} at {screening.venue} is not among the "
                f"days it plays there ({plays})",
                line_of(doc.meta, ("screenings", i, "times", j)),
                "check the showtime's year and month, or the screening's starts and ends "
                "(else the run's)",
            )
        )
    return found


# A link written as Markdown or HTML, in a field of plain text.
_WRITTEN_LINK = re.compile(r"\[[^\]\n]+\]\(\s*\S+?\s*\)|<a\s[^>]*href", re.I)


# A tag of HTML an editor may type in a field of words: '<span lang="fr">', '<i>', '<br>'.
_WRITTEN_TAG = re.compile(
    r"</?(?:span|i|em|b|strong|br|q|cite|abbr|small|sup|sub|u|s|mark|p|div|font)\b[^<>]*>",
    re.I,
)


def _links_in_plain_text(meta: Entry, doc: Document) -> list[tuple[str, int | None, str]]:
    """A link, or another tag of HTML, written in a field of plain text (a caption, a note):
    shown as typed, brackets and address, tags and all, and broken across lines in the
    email's text part, without a word."""
    found = []
    for loc, text, italics in [*_plain_fields(meta), *_credit_fields(meta)]:
        link = _WRITTEN_LINK.search(str(text or ""))
        if link:
            found.append(
                (
                    f"{field_path(loc)} holds a link written as Markdown or HTML "
                    f"('{link.group()[:60]}'): the field is plain text, shown as typed",
                    line_of(doc.meta, loc),
                    "write it in plain words; a link belongs in the text below the front "
                    "matter (or the field made for it: a screening's url)",
                )
            )
            continue
        tag = _WRITTEN_TAG.search(str(text or ""))
        if tag is None:
            continue
        if "lang=" in tag.group().lower():
            # A phrase's language cannot be marked in a field (QA, accessibility: the tag
            # was published as text, and 'check' said ok).
            hint = (
                "write the words without the tag: a field's words are read in the piece's "
                "language ('language:' says it for a whole piece; a film's original_title "
                "is marked with the film's); a passage in another language goes in the text "
                'below the front matter, <span lang="fr">...</span>'
            )
        else:
            hint = "write the words without tags" + (", and *words* for italics" if italics else "")
        found.append(
            (
                f"{field_path(loc)} holds HTML ('{tag.group()[:60]}'): the field is plain "
                "text, its tags shown as typed",
                line_of(doc.meta, loc),
                hint,
            )
        )
    return found


def _film_examples_left(
    where: tuple[Any, ...], film: Film, doc: Document, language: str
) -> list[tuple[str, int | None, str]]:
    """A film's facts left as `dopemail new` wrote them (a film of 2024, 105 minutes, from
    France, in French): each is one a real film may have, so they are warned of, not
    refused, and only together: the running time and at least two more."""
    words = wording_for(language)
    left: list[str] = []
    for names, example in FILM_EXAMPLE_FACTS.items():
        value: Any = film
        for name in names:
            value = getattr(value, name, None)
        same = value == example or (
            isinstance(example, str) and value in (example, words.gettext(example))
        )
        if same:
            shown = words.gettext(example) if isinstance(example, str) else example
            shown = f"[{', '.join(shown)}]" if isinstance(shown, list) else shown  # as written
            left.append(f"{'.'.join(names)}: {shown}")
    if "runtime: 105" not in left or len(left) < 3:
        return []
    return [
        (
            f"{field_path(where)}: {', '.join(left)} are the examples 'dopemail new' wrote: "
            "they are published as this film's",
            line_of(doc.meta, (*where, "runtime")),
            "write the film's own, or delete the lines the piece does not say (if these are "
            "its facts, nothing to do)",
        )
    ]


def _showtimes_in_order(
    screening: Screening, i: int, doc: Document
) -> tuple[list[tuple[str, int | None, str]], list[tuple[str, int | None, str]]]:
    """A showtime written twice (a line copied and not changed), and showtimes out of time
    order, which every output lists as written: readers look down a venue's list for their
    evening, and a date out of its place is often a date typed wrong."""
    found: list[tuple[str, int | None, str]] = []
    disordered: list[tuple[str, int | None, str]] = []
    # Two showings at one moment with different notes (two films, two rooms) are two lines
    # readers see; the same one said sold out and then not contradicts itself, and is one
    # written twice. A whole day is not the midnight it is kept as.
    seen: dict[tuple[Any, ...], int] = {}
    latest: datetime | None = None
    latest_line: int | None = None
    told_order = False
    for j, showtime in enumerate(screening.times):
        at, line = showtime.at, line_of(doc.meta, ("screenings", i, "times", j))
        shown = at.date().isoformat() if isinstance(at, WholeDay) else at.isoformat()
        # The same instant, whatever offset it is written at.
        same = (at, isinstance(at, WholeDay), showtime.note)
        if same in seen:
            found.append(
                (
                    f"the showtime {shown} at {screening.venue} is written twice (items "
                    f"{seen[same] + 1} and {j + 1} of its times): readers see it twice",
                    line,
                    "delete one, or correct its date or time",
                )
            )
            continue
        seen[same] = j
        if latest is not None and _before(at, latest) and not told_order:
            told_order = True
            above = (
                latest.date().isoformat() if isinstance(latest, WholeDay) else latest.isoformat()
            )
            at_line = f" (line {latest_line})" if latest_line else ""
            disordered.append(
                (
                    f"the showtime {shown} at {screening.venue} is written below {above}"
                    f"{at_line}, a later one: the page, the feeds and the email list showtimes "
                    "as written",
                    line,
                    "put the showtimes in the order they happen, or check the two dates (a "
                    "year or a month typed wrong)",
                )
            )
        if latest is None or (not _before(at, latest) and at > latest):
            latest, latest_line = at, line
    return found, disordered


def _before(at: datetime, latest: datetime) -> bool:
    """Whether showtime ``at`` comes before ``latest``: by the day where either is a whole
    day (it has no time to place it among that day's shows), else by the instant."""
    if isinstance(at, WholeDay) or isinstance(latest, WholeDay):
        zone = (at if isinstance(at, WholeDay) else latest).tzinfo
        return bool(at.astimezone(zone).date() < latest.astimezone(zone).date())
    return at < latest


def _address_repeats(
    screening: Screening, i: int, doc: Document
) -> list[tuple[str, int | None, str]]:
    """A venue's street address ending with its city, region, postal code or country, which
    the page and the email write after it ('8000 Sunset Boulevard, Los Angeles, CA 90046,
    Los Angeles, CA 90046'), or that is its city alone (no street)."""
    address = screening.address.strip()
    parts = [part.strip() for part in address.split(",")]
    town = _town_at_end(parts[-1], screening)
    city = (screening.city or "").casefold()
    if len(parts) == 1 and any(c.isdigit() for c in address) and city not in address.casefold():
        return []  # a street and its number, most addresses: nothing else to look at
    kept, named = len(parts), False
    # Its last parts, as long as each is only the place's words: not a part that holds the
    # city's name among others ('Chicago Cultural Center'). A postal code or a region's
    # code the fields leave out ('CA 90028') counts among them when a part names the place.
    while kept:
        part = parts[kept - 1].casefold()
        left = _place_word(part, screening)
        if left and not _POSTAL_OR_REGION.fullmatch(left):
            break
        says_place = left != part.strip(" .")
        if (
            named
            and not says_place
            and left.isdigit()
            and kept >= 2
            and not any(c.isdigit() for c in parts[kept - 2])
        ):
            # A number before the city, after a street without one ('Rua Augusta, 1475, São
            # Paulo'): the house's, not a postal code ('Rosenthaler Straße 39, 10178, Berlin').
            break
        named = named or says_place
        kept -= 1
    if kept and kept < len(parts) and not named:
        return []  # '1100 4th Street, SE', '1 Main Street, 90028': no place named twice
    if kept == len(parts):
        if not town:
            return []
        parts[-1] = town  # '8 Rue Champollion 75005 Paris': the street, before its town
    line = line_of(doc.meta, ("screenings", i, "address"))
    if not kept:
        return [
            (
                f"the street address of {screening.venue} is its city, '{address}': the "
                f"page shows '{screening.full_address}'",
                line,
                "write the venue's street and number (8000 Sunset Boulevard)",
            )
        ]
    street = ", ".join(parts[:kept])
    return [
        (
            f"the street address of {screening.venue} ends with its city, region, postal code "
            f"or country, which the page writes after it: it shows '{screening.full_address}'",
            line,
            f"write the street alone (address: {street}), the rest in their own fields",
        )
    ]


def _add_its_country(there: str | None, otherwise: str) -> str:
    """The hint for a venue to write its country (``there``: the one its city or region is
    of, if known) or, ``otherwise``, the other fix: one sentence for both of _maybe_abroad's
    cases, its words kept alike."""
    # No country known of the region: those dopemail knows regions of, as examples.
    country = f"{there}; its times then at that clock" if there else "United States, Canada, ..."
    return f"add its country under the city (country: {country}), or {otherwise}"


def _maybe_abroad(
    screening: Screening, i: int, doc: Document, zone: ZoneInfo, language: str
) -> list[tuple[str, int | None, str]]:
    """A venue without its country that may well be abroad, taken to be in the publication's
    country: its address printed as there, its times checked against its clocks. 'Paris' for
    a Los Angeles publication went out nine hours off, without a word; 'West Hollywood', 'CA'
    for a Paris one was told Paris's clock."""
    home_code = home_country(zone.key)
    if home_code is None:  # (UTC: no country of the publication's)
        return []
    home = display(home_code)
    printed = f"its address printed as there ('{screening.full_address}')"
    abroad = abroad_of(screening.city, screening.region, zone.key, language)
    if abroad is not None:
        there = country_of_zone(abroad)
        why = (
            f"its city is that of {abroad} ({there}): it is taken to be in the publication's "
            f"country ({home}), {printed}"
        )
        field = "city"
        hint = _add_its_country(there, f"'country: {home}' if the venue is there")
    elif screening.region and not region_of(
        home_code, screening.region, screening.city, screening.postal_code
    ):
        why = (
            f"its region, {screening.region}, is not a region of the publication's country "
            f"({home}), where it is taken to be, {printed}"
        )
        field = "region"
        # The country its region is of, as its showtimes' error names it (the hint said
        # 'United States, Canada, ...' whichever it was).
        clocks = venue_clocks(
            None, screening.city, zone.key, screening.region, screening.postal_code
        )
        there = display(clocks.region_country) if clocks.region_country else None
        hint = _add_its_country(there, "correct the region")
        either = (
            None
            if there
            else either_country(screening.city, screening.region, screening.postal_code, zone.key)
        )
        # A country's code written as the region ('Berlin', 'DE' in a Berlin publication): that
        # country, not 'United States, Canada, ...', which, followed, put it at a US clock.
        code = (
            None
            if there or either
            else country_as_region(
                screening.region, home_code, screening.city, screening.postal_code
            )
        )
        if either is not None:
            # Wilmington, DE 19801 in a Berlin publication: Germany's code and Delaware's, its
            # ZIP Delaware's; Praya, ID 83511 in a Jakarta one is in Lombok. Either may be meant.
            place = (
                f"its postal code, {(screening.postal_code or '').strip()}, is"
                if either.by_postal
                else f"{screening.city} is"
            )
            why = (
                f"its region, {screening.region}, is the code of the publication's country "
                f"({home}) and of {region_name(either.state, either.code)} "
                f"({display(either.state)}), where {place}, {printed}"
            )
            hint = _add_its_country(f"{display(either.state)} or {home}", "correct the region")
        elif code is not None:
            named = display(code)
            whose = (
                "the publication's"
                if code == home_code
                else f"not a region of the publication's country ({home})"
            )
            why = (
                f"its region, {screening.region}, reads as the code of a country ({named}), "
                f"{whose}, where it is taken to be, {printed}"
            )
            hint = (
                f"write its country under the city in place of its region (country: {named}), "
                "or correct the region"
            )
    else:
        return []
    return [
        (
            f"{screening.venue} names no country, and {why} and its times at the clock written",
            line_of(doc.meta, ("screenings", i, field)),
            hint,
        )
    ]


# A postal code or a region's code, alone or together, as addresses end ('ca 90028', '75005',
# 'sw1a 2aa', 'h2x 1y4', 'ny 10019-1234'), case-folded.
_POSTAL = (
    r"(?:\d{4,5}(?:-\d{4})?|\d{3} ?\d{2}|[a-z]{1,2}\d[a-z\d]? ?\d[a-z]{2}|[a-z]\d[a-z] ?\d[a-z]\d)"
)
_POSTAL_OR_REGION = re.compile(rf"(?:[a-z]{{2}}\.? )?{_POSTAL}|[a-z]{{2}}\.?")


def _town_at_end(part: str, screening: Screening) -> str:
    """The street of ``part`` (a street address, or its last part) written with its postal
    code and city after it, without a comma ('8 Rue Champollion 75005 Paris'): '' if not so.
    (Not the city, then a code: '12 Rue de Paris 75005' is a street named after the city.)"""
    if not screening.city:
        return ""
    # Matched in the part as written (not case-folded: 'ß' folds to two letters, and the
    # street would be cut a letter off), to its end ('... 1234 Santa Monica Blvd' is a street).
    found = re.fullmatch(
        rf"(?P<street>.*\S)\s+{_POSTAL}\s+{re.escape(screening.city)}[\s.]*",
        part,
        re.IGNORECASE,
    )
    return part[: found.end("street")] if found else ""


def _place_word(text: str, screening: Screening) -> str:
    """``text`` (case-folded) without the screening's city, region, postal code and country
    (or any country's name or code), as whole words; what is left, stripped."""
    for said in (screening.city, screening.region, screening.postal_code, screening.country):
        if said:
            text = re.sub(rf"(?<![\w-]){re.escape(said.casefold())}(?![\w-])", " ", text)
    left = text.strip(" .")
    # A country's name, not its code: 'SE' and 'NE' end streets' addresses (Washington's
    # quadrants), as Sweden's and Niger's codes. (The venue's own country was taken above.)
    return "" if len(left) > 2 and known_country(left) else left


def _event_maybe_abroad(
    event: Any,
    k: int,
    city: str,
    region: str | None,
    doc: Document,
    zone: ZoneInfo,
    language: str = "en",
) -> list[tuple[str, int | None, str]]:
    """An event whose address names no country and ends with a city of another country's
    clock ('3 rue Champollion, 75005 Paris' in a Los Angeles publication), written at the
    publication's offset, which that city's clock does not have then: taken at home without a
    word, it went out nine hours off if the city was the other country's."""
    abroad = abroad_of(city, region, zone.key, language)
    moment = event.date
    if abroad is None:
        return []
    written, there = moment.utcoffset(), moment.astimezone(ZoneInfo(abroad)).utcoffset()
    if written != moment.astimezone(zone).utcoffset() or written == there:
        return []  # a clock of its own chosen, or the other country's
    country, home = country_of_zone(abroad), display(home_country(zone.key) or "")
    return [
        (
            f"the event {moment.isoformat()} at '{event.address}' is written at "
            f"{offset_text(written)}, the publication's clock, and its address names no "
            f"country: {city} is the city of {abroad} ({country}), at {offset_text(there)} then",
            line_of(doc.meta, ("events", k, "address")),
            f"if it is in {country}, write its time at {offset_text(there)} and end the address "
            f"with ', {country}'; if in the publication's, end it with ', {home}'",
        )
    ]


def _clocks_elsewhere(
    timed: Sequence[tuple[tuple[Any, ...], datetime]],
    country: str | None,
    city: str,
    venue: str,
    doc: Document,
    zone: ZoneInfo,
    what: str = "showtime",
    region: str | None = None,
    postal: str | None = None,
    zones: tuple[ZoneInfo, ...] | None = None,
) -> list[tuple[str, int | None, str]]:
    """Times written with an offset the venue's clock does not have on that day, where its
    country and city tell its zone (``timed``: each where it is in the front matter;
    ``postal``: a screening's postal_code, an event's after its region's code: see
    countries.venue_clocks; ``zones``: its clocks, where they are not those): a Paris
    screening written -08:00 (a Los Angeles publication's offset, as a hint once gave it) was
    published nine hours off, in the pages, the feeds and calendars, without a word."""
    if not timed:
        return []
    clocks = (
        zones if zones is not None else venue_clocks(country, city, zone.key, region, postal).zones
    )
    found: list[tuple[str, int | None, str]] = []
    for loc, moment in timed:
        written = moment.utcoffset()
        # The first that agrees ends it: most often the first, the publication's own (a
        # thousand entries' showtimes against the 29 zones of the United States, each, cost
        # a quarter of a cold build).
        if not clocks or any(moment.astimezone(c).utcoffset() == written for c in clocks):
            continue
        offsets = clock_offsets(clocks, moment)
        clock, first = next(iter(offsets.items()))
        name, there = first.key, moment.astimezone(first)
        place = ", ".join(p for p in (city, country) if p)
        ordered = sorted(o for o in offsets if o is not None)
        both = (
            " or ".join(offset_text(o) for o in offsets)
            if len(offsets) <= 3
            else f"one of {offset_text(ordered[0])} to {offset_text(ordered[-1])}"
        )
        wall = moment.replace(tzinfo=None).isoformat()
        told = (
            f": readers are told {moment.strftime('%H:%M')} for what is "
            f"{there.strftime('%H:%M')} there"
            if len(offsets) == 1
            else ""
        )
        hour = moment.strftime("%H:%M")
        local = moment.replace(tzinfo=first)
        if local.astimezone(UTC).astimezone(first).replace(tzinfo=None) != local.replace(
            tzinfo=None
        ):
            # The hour the clocks skip there: no offset makes it one of theirs, and offering
            # the other sent the editor back and forth between two warnings.
            told += f" ({hour} is no time in {name} on that day: the clocks go forward over it)"
            hint = f"write '{there.isoformat()}' if the moment is right, or check the hour"
        else:
            # Which of the two was meant, the hour or the moment, is the editor's to say (a
            # time written in UTC is most often the right moment).
            hint = (
                f"write it at the venue's clock{'' if len(offsets) == 1 else f' ({name})'}: "
                f"'{wall}{offset_text(clock)}' if {hour} is its hour "
                f"there, or '{there.isoformat()}' if the moment is right"
            )
        found.append(
            (
                f"the {what} {moment.isoformat()} at {venue} is written at "
                f"{offset_text(moment.utcoffset())}, and {place} is at {both} on that "
                f"day{told}",
                line_of(doc.meta, loc),
                hint,
            )
        )
    return found


# A word processor's quotes (macOS, Word, Google Docs turn '"' into these as one types):
# YAML takes only straight ones away, so the value is published with them.
_CURLY = (("\u201c", "\u201d"), ("\u2018", "\u2019"))
# A key whose value is a block of text below it ('caption: >', 'summary: |-').
_BLOCK_TEXT = re.compile(r":\s*[>|][-+0-9]*\s*(?:#.*)?$")


def _wrapped(value: str) -> bool:
    # Wrapped whole: not a text that begins and ends with a quotation of its own ('“Go,” she
    # says, “now.”'). (’ is an apostrophe too: ‘Schindler’s List’ is wrapped all the same.)
    inner = value[1:-1]
    return len(value) > 2 and any(
        value[0] == o and value[-1] == c and o not in inner and (c not in inner or c == "’")
        for o, c in _CURLY
    )


def _written_so(value: str, source: str) -> bool:
    """Whether the source line writes the quotes as meant: inside straight quotes (in a list
    on one line, around this item; its text escaped in them, '“It''s”'), or in a block of
    text ('caption: >')."""
    if f"'{value[:20]}" in source or f'"{value[:20]}' in source:
        return True
    listed = re.search(r":\s*\[", source) is not None
    if not listed and re.search(f"['\"]{re.escape(value[0])}", source):
        return True
    return _BLOCK_TEXT.search(source) is not None


def curly_quoted(meta: Any, text: str) -> tuple[tuple[str, int | None, str], ...]:
    """Warnings for front-matter values wrapped whole in curly quotes (“75005”, “Perfect
    Days”) where straight ones were meant: check said ok, and the page printed the postal
    code, the title, in quotes. Not where the source wraps them in straight quotes too
    ('“...”'): the quotes are then meant."""
    # Most front matters hold no curly quote at all: nothing to walk (a cold build of a
    # thousand entries walked every field of each).
    front = front_matter_text(text)
    if not any(opening in front for opening, _ in _CURLY):
        return ()
    lines = text.split("\n")
    found: list[tuple[str, int | None, str]] = []

    def walk(node: Any, loc: tuple[Any, ...]) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, (*loc, key))
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, (*loc, i))
        elif isinstance(node, str) and _wrapped(value := node.strip()):
            line = line_of(meta, loc)
            source = lines[line - 1] if line and line <= len(lines) else ""
            if _written_so(value, source):
                return
            shown = value if len(value) <= 40 else f"{value[:37]}...{value[-1]}"
            found.append(
                (
                    f"{field_path(loc)}: {shown} is wrapped in curly quotes, which YAML keeps "
                    "(only straight ones are taken away): they are published with it",
                    line,
                    'write straight quotes ("...") or none; if the curly ones are meant, keep '
                    f"them inside straight ones: '{value[0]}...{value[-1]}'",
                )
            )

    for key, value in meta.items():
        if key != "pull_quote":  # its own marks are dropped around it (see models.PullQuote)
            walk(value, (key,))
    return tuple(found)


# The invisible characters a text field is warned of: zero-width spaces and joiners of no
# script (U+200B, U+2060, U+FEFF, the invisible operators), and the overrides that show the
# text after them reversed (U+202D, U+202E). Not the marks that right-to-left text and scripts
# use (U+200C, U+200D, U+200E, U+200F, the embeddings and isolates): those are meant.
_HIDDEN = re.compile("[\u200b\u2060-\u2064\ufeff\u202d\u202e]")


def hidden_characters(meta: Any, text: str) -> tuple[tuple[str, int | None, str], ...]:
    """Warnings for front-matter values holding an invisible character no one means to type
    (:data:`_HIDDEN`), which check said nothing of: a zero-width space splits a name that
    search and the reader's find no longer match; an override prints the text reversed."""
    head = front_matter_text(text)
    # Typed as itself, or as an escape in double quotes ("\u202e"), which YAML turns into it.
    escaped = "\\u" in head or "\\U" in head or "\\x" in head
    if not escaped and not _HIDDEN.search(head):
        return ()
    found: list[tuple[str, int | None, str]] = []
    for loc, value in leaves(meta):
        hidden = _HIDDEN.search(value) if isinstance(value, str) else None
        if hidden is not None:
            found.append(
                (
                    f"{field_path(loc)}: {invisible_said(value, hidden.start())}: it is "
                    "published with it",
                    line_of(meta, loc),
                    "delete it (retype the value, or delete and retype the characters around it)",
                )
            )
    return tuple(found)


# Scripts written without spaces, whose words a zero-width space may part on purpose (Thai,
# Lao, Myanmar, Khmer): a line in one of them is not told of its U+200B.
_UNSPACED_SCRIPT = re.compile("[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]")
#: The lines of a text told of their invisible characters, at most: a pasted page may hold one
#: in every paragraph, and the first lines tell what to look for.
BODY_HIDDEN_SHOWN = 5


def hidden_in_text(body: str, body_line: int) -> tuple[tuple[str, int | None, str], ...]:
    """Warnings for the lines of a text (an entry's, an issue's intro) holding an invisible
    character (:data:`_HIDDEN`) that came with a paste: published with it, it splits a word
    that readers' search and find no longer match, or shows the text after it reversed."""
    if body.isascii() or _HIDDEN.search(body) is None:
        return ()
    body = uncommented(body)
    found: list[tuple[str, int | None, str]] = []
    lines = body.split("\n")
    told = [
        (n, hidden)
        for n, line in enumerate(lines)
        if (hidden := _HIDDEN.search(line)) is not None
        and not (hidden.group() == "\u200b" and _UNSPACED_SCRIPT.search(line))
    ]
    for k, (n, hidden) in enumerate(told[:BODY_HIDDEN_SHOWN]):
        line, at = lines[n], hidden.start()
        before = visible(line[max(0, at - 30) : at].lstrip())
        where = f"after '{before}'" if before else "at the start of the line"
        more = len(told) - BODY_HIDDEN_SHOWN
        also = (
            f" (and {more} more line{'s' * (more > 1)} below)"
            if more > 0 and k == BODY_HIDDEN_SHOWN - 1
            else ""
        )
        found.append(
            (
                f"the text has an invisible character, {char_named(hidden.group())}, {where}: "
                f"it is published with it{also}",
                body_line + n,
                "delete it (delete and retype the characters around it); pasted text often "
                "brings them",
            )
        )
    return tuple(found)


def _credit_fields(meta: Entry) -> Iterator[tuple[tuple[str | int, ...], str | None, bool]]:
    """A film's title and credits, as :func:`_plain_fields` gives fields (none sets italics):
    a link or a tag written in a cast member's name was printed as typed, without a word."""
    for where, film in _films_where(meta):
        yield (*where, "title"), film.title, False
        yield (*where, "original_title"), film.original_title, False
        for key in ("directors", "writers"):
            for i, name in enumerate(getattr(film, key)):
                yield (*where, key, i), name, False
        for i, person in enumerate(film.cast):
            yield (*where, "cast", i, "name"), person.name, False
            yield (*where, "cast", i, "role"), person.role, False


def _films_where(meta: Entry) -> list[tuple[tuple[Any, ...], Film]]:
    """Each film of an entry with where it is written (``film``, or ``films`` and its index)."""
    if meta.film is not None:
        return [(("film",), meta.film)]
    return [(("films", i), film) for i, film in enumerate(meta.films)]


def _same_words(one: str, other: str) -> bool:
    """Whether two texts say the same words (case, spacing and a closing period aside)."""
    return " ".join(one.casefold().split()).rstrip(".") == " ".join(
        other.casefold().split()
    ).rstrip(".")


def credits_as_written(
    meta: Entry, data: Any, text: str
) -> tuple[tuple[str, int | None, str], ...]:
    """Warnings about the names an entry credits, each one person on the page and in its
    schema.org data: a name that holds several people ('Andrew Scott, Paul Mescal'), a cast
    member's name that holds the character ('Claire Foy (Mum)', 'Andrew Scott as Adam'), a
    name written twice in one list ('Written by Andrew Haigh and Andrew Haigh')."""
    found: list[tuple[str, int | None, str]] = []
    lists: list[tuple[tuple[Any, ...], list[str], list[str | None] | None]] = []
    for where, film in _films_where(meta):
        lists.append(((*where, "directors"), film.directors, None))
        lists.append(((*where, "writers"), film.writers, None))
        names = [person.name for person in film.cast]
        lists.append(((*where, "cast"), names, [person.role for person in film.cast]))
        for i, person in enumerate(film.cast):
            if person.role is None:
                found.extend(_character_in_name(person.name, (*where, "cast", i), data, text))
            else:
                found.extend(_role_in_name_too(person.name, (*where, "cast", i), data))
    for k, event in enumerate(meta.events):
        lists.append((("events", k, "participants"), event.participants, None))
    for loc, names, roles in lists:
        seen: dict[str, int] = {}
        for i, name in enumerate(names):
            found.extend(_several_people(name, (*loc, i), data, text))
            key = " ".join(unicodedata.normalize("NFC", name).casefold().split())
            first = seen.setdefault(key, i)
            if first == i:
                continue
            if (
                roles is not None
                and roles[first]
                and roles[i]
                and not _same_words(roles[first], roles[i])
            ):
                continue  # one actor in two parts ('Peter Sellers' as Mandrake, as Muffley)
            either = " (an actor in two parts: give each its 'role:')" if roles else ""
            found.append(
                (
                    f"{field_path(loc)}: '{name}' is written twice (items {first + 1} and "
                    f"{i + 1}): readers read the name twice, and search engines are told of "
                    "two people",
                    line_of(data, (*loc, i)),
                    f"delete one, or correct it if another person was meant{either}",
                )
            )
    return tuple(found)


#: What a name's brackets may say of the credit rather than name a character: 'Jane Doe
#: (voice)', '(uncredited)', '(archive footage)', 'John Smith (II)'.
_CREDIT_NOTES = re.compile(
    r"(?:voice|voices|uncredited|archive(?:al)? footage|archive|cameo|credited as .*|as "
    r"(?:him|her|them)sel(?:f|ves)|I{1,3}|IV|V|jr\.?|sr\.?|\d+)",
    re.IGNORECASE,
)
#: A character written in a cast member's name: 'Claire Foy (Mum)', 'Andrew Scott as Adam'
#: ('as' a word of its own, in lowercase, between two names).
_IN_BRACKETS = re.compile(r"^(?P<name>[^()]*?\S)\s*\((?P<role>[^()]*\S[^()]*)\)$")
_AS_A_ROLE = re.compile(r"^(?P<name>[^()]*?\S)\s+as\s+(?P<role>\S.*)$")
#: What begins the actor's own other name in brackets, not a character: 'Marilyn Monroe (née
#: Norma Jeane Mortenson)', 'Cary Grant (born Archibald Leach)', '(a.k.a. ...)'.
_OWN_NAME = re.compile(
    r"(?:n[ée]e|né|born|b\.|geb\.|geboren|dite?|a\.?k\.?a\.?|also known as|real name|birth name)"
    r"(?:\s|$)",
    re.IGNORECASE,
)


def _scripts(text: str) -> set[str]:
    """The scripts of the letters of ``text``, as Unicode names them ('LATIN', 'HANGUL',
    'CYRILLIC', 'CJK'), a letter's name beginning with its script's."""
    return {unicodedata.name(c, "?").split()[0] for c in text if c.isalpha()}


def _own_other_name(actor: str, role: str) -> bool:
    """Whether what a cast member's name holds beside it is the actor's own name written
    otherwise: in another script ('Kim Min-hee (김민희)'), or a birth name or another the
    actor went by ('(née Norma Jeane Mortenson)')."""
    if _OWN_NAME.match(role):
        return True
    theirs, its = _scripts(actor), _scripts(role)
    return bool(theirs and its) and theirs.isdisjoint(its)


def _character_written(name: str) -> tuple[str, str, str] | None:
    """The actor, the character and a credit's note a cast member's name holds ('Claire Foy
    (Mum)', 'Andrew Scott as Adam (voice)', 'Carol Cleveland (as Nurse)'), or None: no
    character, a credit's note alone ('Jane Doe (voice)'), the actor's own other name, a
    link."""
    if _WRITTEN_LINK.search(name):
        return None  # '[Jo Doe](https://...)': a link, told as one
    actor, note = name.strip(), ""
    said = _IN_BRACKETS.match(actor)
    if said and _CREDIT_NOTES.fullmatch(said.group("role").strip()):
        # 'Andrew Scott as Adam (voice)': the note goes with the role, as the house writes
        # it ('role: Nimona (voice)'); 'Jane Doe (voice)' alone is the credit as printed.
        actor, note, said = said.group("name"), f" ({said.group('role').strip()})", None
    said = said or _AS_A_ROLE.match(actor)
    if said is None or said.group("name").endswith(","):
        return None
    if _own_other_name(said.group("name"), said.group("role").strip()):
        return None
    # 'Claire Foy (as Mum)': the character without its 'as'.
    return said.group("name"), re.sub(r"^as\s+", "", said.group("role").strip()), note


def _character_in_name(
    name: str, loc: tuple[Any, ...], data: Any, text: str
) -> list[tuple[str, int | None, str]]:
    """A cast member without a role whose name holds its character ('Claire Foy (Mum)')."""
    written = _character_written(name)
    if written is None:
        return []
    actor, role = written[0], written[1] + written[2]
    braces = isinstance(value_at(data, loc), Mapping)
    if braces:
        loc = (*loc, "name")
    line = line_of(data, loc)
    lines = _item_lines(text, line, [("name", actor), ("role", role)], one=True)
    fields = f"name: {in_flow(actor)}, role: {in_flow(role)}"
    if lines:
        said = f"write the character under 'role:', in place of line {line}:{lines}"
    elif line and braces:  # '- {name: ...}': its fields as they are written in its braces
        said = f"write the character under 'role:' (line {line}): {fields}"
    elif line:  # an item of a list in brackets: the item in braces
        said = f"write the item with the character under 'role:' (line {line}): {{{fields}}}"
    else:
        said = f"write 'name: {actor}' and, under it, 'role: {role}'"
    return [
        (
            f"{field_path(loc)}: '{name}' holds a character's name: it is printed, and given to "
            "search engines, as the actor's name",
            line,
            said,
        )
    ]


def _role_in_name_too(
    name: str, loc: tuple[Any, ...], data: Any
) -> list[tuple[str, int | None, str]]:
    """A cast member with a role whose name holds a character too ('Andrew Scott (Adam)' with
    'role: Adam'): printed twice, 'Andrew Scott (Adam) (Adam)' (QA). (With a credit's note,
    'as Adam (voice)', the role may be the note's: not told.)"""
    written = _character_written(name)
    if written is None or written[2]:
        return []
    loc = (*loc, "name")
    return [
        (
            f"{field_path(loc)}: '{name}' holds a character's name beside its 'role:': the "
            "page prints both, and search engines take it for the actor's name",
            line_of(data, loc),
            f"write the name alone: name: {yaml_scalar(written[0].strip())} (its role stays "
            "under it)",
        )
    ]


#: Words of a person's name that are not capitalised: 'Ludwig van Beethoven', 'Agnès de Varda'.
_PARTICLES = frozenset((
    "de", "da", "das", "dos", "du", "del", "della", "der", "den", "di", "van", "von", "ter",
    "ten", "le", "la", "bin", "ibn", "al", "el", "y", "e", "zu",
))  # fmt: skip
#: Words of an organisation's name: 'Dave Karger, Turner Classic Movies', 'Ben Sachs, Chicago
#: Reader' are one person each.
_ORGANISATION_WORDS = frozenset((
    "inc", "inc.", "ltd", "ltd.", "llc", "co", "co.", "company", "pictures", "films", "film",
    "studios", "studio", "productions", "entertainment", "movies", "cinema", "cinemas", "media",
    "press", "magazine", "weekly", "times", "news", "review", "radio", "tv", "television",
    "festival", "institute", "university", "museum", "society", "academy", "foundation",
    "group", "network", "records", "theatre", "theater", "collective", "orchestra", "band",
    "reader", "cinéma", "cinémathèque", "cinematheque", "cinemateca", "cinematek", "kino",
    "archive", "archives", "library", "center", "centre", "council", "trust", "association",
    "guild", "club", "journal", "gazette", "herald", "tribune", "chronicle", "observer",
    "post", "daily", "quarterly", "monthly", "features", "distribution", "releasing",
    "channel", "podcast", "gallery", "school", "college", "lab", "labs", "agency", "fund",
    "department", "bureau", "project", "series", "union", "alliance", "league", "federation",
    "committee", "commission", "ministry", "board", "filmfest", "screenings", "arts",
))  # fmt: skip
#: Words of a job or a title: 'Jane Doe, Artistic Director', 'Sam Roe, Head of Programming'.
_TITLE_WORDS = frozenset((
    "director", "directors", "artistic", "critic", "critics", "editor", "editors",
    "programmer", "programmers", "programming", "curator", "curators", "writer", "writers",
    "producer", "producers", "professor", "founder", "co-founder", "cofounder", "ceo", "cto",
    "coo", "head", "chair", "chairman", "chairwoman", "chairperson", "president", "vice",
    "moderator", "host", "author", "journalist", "filmmaker", "actor", "actress", "composer",
    "cinematographer", "manager", "executive", "chief", "senior", "associate", "assistant",
    "lecturer", "dean", "fellow", "scholar", "historian", "archivist", "publisher",
    "presenter", "correspondent", "contributor", "columnist", "reporter", "emeritus",
    "dr", "dr.", "prof", "prof.", "directeur", "directrice", "réalisateur", "réalisatrice",
    "regisseur", "regisseurin", "leiter", "leiterin",
))  # fmt: skip
#: The articles an organisation's name may begin with ('The New Yorker', 'La Cinémathèque
#: française', 'Der Spiegel', 'El País'); a person's does not.
_ARTICLES = frozenset((
    "the", "a", "an", "la", "le", "les", "l'", "der", "die", "das", "el", "los", "las", "il",
    "lo", "gli", "het", "een",
))  # fmt: skip


def _a_full_name(part: str) -> bool:
    """Whether ``part`` reads as a person's full name: two to five words, capitalised (but
    the particles between them), with no digits, not begun by an article ('The New Yorker')
    and with no word of an organisation's ('Chicago Reader') or a job's ('Artistic
    Director')."""
    words = part.split()
    if not 2 <= len(words) <= 5 or any(c.isdigit() for c in part):
        return False
    first = words[0].casefold()
    if first in _ARTICLES or first.startswith(("l'", "l’")):
        return False
    for n, word in enumerate(words):
        folded = word.casefold().strip(",;:")
        if folded in _ORGANISATION_WORDS or folded in _TITLE_WORDS:
            return False
        if word in _PARTICLES and 0 < n < len(words) - 1:
            continue
        if not word[:1].isupper() or not word[:1].isalpha():
            return False
    return True


def _several_people(
    name: str, loc: tuple[Any, ...], data: Any, text: str
) -> list[tuple[str, int | None, str]]:
    """A name that holds several people ('Andrew Scott, Paul Mescal'), each a full name
    (not 'Sammy Davis, Jr.', 'Earth, Wind & Fire', 'Dave Karger, Turner Classic Movies')."""
    if "," not in name:
        return []
    parts = names_in("cast", name)
    # A participant is often credited with an affiliation, as a person's name may read
    # ('Hélène Marchetti, Lumière West'): told there only of three full names or more.
    fewest = 3 if loc[-2] == "participants" else 2
    if len(parts) < fewest or not all(_a_full_name(part) for part in parts):
        return []
    item = value_at(data, loc)
    field, at = loc[-2], loc[-1]
    cast = field == "cast"
    listed = _list_split(text, line_of(data, loc), value_at(data, loc[:-1]), at, parts)
    if cast and isinstance(item, Mapping):
        loc = (*loc, "name")
    line = line_of(data, loc)
    fields = [("name" if isinstance(item, Mapping) else "", part) for part in parts]
    lines = _item_lines(text, line, fields)
    if lines:
        said = f"write a name each, one a line in place of line {line}:{lines}"
    elif listed:
        said = f"write a name each, in place of line {line}:{listed}"
    elif cast and isinstance(item, Mapping):
        said = "write a '- name:' item each under 'cast:'"
    else:
        said = f"write a name each, item {at + 1} of '{field}' as {len(parts)}: {', '.join(parts)}"
    return [
        (
            f"{field_path(loc)}: '{name}' looks like {len(parts)} people, but is one name: it "
            "is printed, and given to search engines, as one person's",
            line,
            said,
        )
    ]


def _list_split(text: str, line: int | None, items: Any, at: int, parts: list[str]) -> str:
    """The line to copy in place of ``line`` of ``text``, a list in brackets written on it
    alone ('directors: [A, "B, C", D]'), with its item ``at`` written as ``parts``: the
    whole list, that none of its other names is lost. '' where it is written otherwise."""
    written = source_line(text, line)
    start = written.find("[")
    if start < 0 or not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        return ""
    try:
        as_read = yaml.safe_load(written[start:])
    except yaml.YAMLError:
        return ""
    if as_read != list(items):
        return ""  # the list goes on over other lines, or is not this one
    split = [*items[:at], *parts, *items[at + 1 :]]
    rebuilt = f"[{', '.join(in_flow(name) for name in split)}]"
    if yaml.safe_load(rebuilt) != split:
        return ""
    return lines_to_copy([written[:start] + rebuilt])


def _item_lines(
    text: str, line: int | None, fields: list[tuple[str, str]], one: bool = False
) -> str:
    """The lines to copy in place of ``line`` of ``text`` (a list's item, '- name: ...', or
    its 'name:' alone): ``fields``, (name, value), each an item of its own ('' for a bare
    value: '- Paul Mescal'), or, with ``one``, all of one item. '' where the line is written
    otherwise (an item in '[...]')."""
    written = source_line(text, line)
    indent = len(written) - len(written.lstrip(" "))
    dashed = written.lstrip(" ").startswith("- ")
    if "[" in written or "{" in written or (not dashed and not one):
        return ""
    said = []
    for n, (field, value) in enumerate(fields):
        shown = f"{field}: {yaml_scalar(value)}" if field else yaml_scalar(value)
        if dashed and (not one or n == 0):
            said.append(f"- {shown}")
        else:
            said.append(f"{'  ' if dashed else ''}{shown}")
    return lines_to_copy(said, indent)
