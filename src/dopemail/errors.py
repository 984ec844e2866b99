"""The errors dopemail reports to its users.

Every mistake an editor can make is a :class:`DopemailError` carrying the file, the line where
possible, and a hint saying how to fix it. The CLI prints them once, without a traceback::

    DopemailError(message, path=None, line=None, hint=None)
    ├── ConfigError        dopemail.toml is missing, unreadable or wrong
    ├── ContentError       an entry or an issue: broken YAML, unknown field, bad value
    ├── TemplateError      a Jinja2 or MJML template fails to parse or render
    ├── QualityError       a built email breaks a quality rule (size, alt text, links)
    └── SendError          the sender cannot go on
        └── ProviderAuthError   the provider refused the API key

    DopemailErrors         several of the above, reported together in one pass
"""

from __future__ import annotations

import contextlib
import difflib
import errno
import os
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from .layout import MANIFEST


def visible(text: str, keep: str = "") -> str:
    """``text`` with the characters no one sees written as escapes ('quiet\\u200b-hours'):
    a name quoted in a message, which looked the same as the one it was not. ``keep``: such
    characters left as they are."""
    if text.isascii() and text.isprintable():
        return text
    return "".join(
        f"\\u{ord(c):04x}"
        if (
            c != " "
            and unicodedata.category(c) in ("Cf", "Zs", "Zl", "Zp", "Cc", "Co", "Cn")
            and c not in keep
        )
        else c
        for c in text
    )


def char_named(char: str) -> str:
    """A character as a message names it: 'U+200B ZERO WIDTH SPACE'."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X} {name}".rstrip()


def invisible_format(text: str, joiners: bool = True) -> tuple[int, str] | None:
    """The first character of ``text`` that formats and is not seen (Unicode's category Cf:
    a zero-width space, a direction mark or override, a byte order mark): (its index, it);
    None if it holds none. Not the joiners (U+200C, U+200D), which Persian words and emoji
    are written with, in file names and addresses too ('می‌خواهم.jpg'), unless ``joiners``
    is false (a date holds none)."""
    if text.isascii():
        return None
    for index, char in enumerate(text):
        if unicodedata.category(char) == "Cf" and (not joiners or char not in _JOINERS):
            return index, char
    return None


_JOINERS = "\u200c\u200d"


def invisible_said(value: str, at: int) -> str:
    """A value holding an invisible character at ``at``, as a message says it: "'A\\u200bB'
    has an invisible character, U+200B ZERO WIDTH SPACE, after 'A'" ("at its start")."""
    where = f"after '{visible(value[:at])}'" if at else "at its start"
    return f"'{visible(value)}' has an invisible character, {char_named(value[at])}, {where}"


def closest(word: str, known: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The known name ``word`` was most likely meant to be, for a "did you mean" (or None)."""
    # Case aside: 'Q&A' was meant to be 'q&a'.
    names = {name.lower(): name for name in known}
    found = difflib.get_close_matches(word.lower(), list(names), n=1, cutoff=cutoff)
    return names[found[0]] if found else None


#: A value longer than this is cut short where a message quotes it, to :data:`_KEPT` characters
#: (above the 255 of a file's name, and a short path to it).
LONG_VALUE = 300
_KEPT = 80
#: A path or web address is quoted whole up to this (Linux's PATH_MAX): a suggestion ('did you
#: mean 'media/...'?') or a file to look at is copied from the message, and a cut one cannot
#: be. Longer, it cannot be a path: a blob pasted in, cut as any other.
_PATH_MAX = 4096
# What a value is and where it is, strictly: a pasted blob is one word, so a span with a space
# is prose, never cut (an apostrophe pairing with the closing quote of 'assets/' cut the words
# between them). A value quoted: its opening quote at the start or after a space or one of
# '([{:', its closing quote before no letter (not the apostrophe of "editor's").
_QUOTED_LONG = re.compile(rf"""(?<![^\s(\[{{:])(['"])([^'"\s]{{{LONG_VALUE + 1},}})\1(?!\w)""")
# A run of one value's characters, unquoted, starting where a word does: 'directors: [yyy...]'.
_RUN_LONG = re.compile(rf"""(?<![^\s(\[{{:])[^\s'"()\[\]{{}},;:]{{{LONG_VALUE + 1},}}""")
# Kept whole up to _PATH_MAX: a path from the publication's folder (media/...), from the root
# of the disk ('/home/...', and '//host/...', what a web address is after its 'https:', which
# _RUN_LONG stops at), or one that starts './' or '../'.
_COPIED = ("media/", "/", "./", "../", "http://", "https://")


def _kept_whole(value: str) -> bool:
    return value.startswith(_COPIED) and len(value) <= _PATH_MAX


def cut_long(text: str) -> str:
    """``text`` with each value in it longer than :data:`LONG_VALUE` characters cut short:
    "'yyyyyy…' (200,000 characters)". A value pasted in by mistake (a blob, a whole file)
    was quoted in full, in the message and again in its hint: megabytes on the terminal.
    Prose (anything with a space) and a path or address to copy are left whole."""
    if len(text) <= LONG_VALUE:
        return text
    text = _QUOTED_LONG.sub(
        lambda m: (
            m[0] if _kept_whole(m[2]) else f"{m[1]}{m[2][:_KEPT]}…{m[1]} ({len(m[2]):,} characters)"
        ),
        text,
    )
    return _RUN_LONG.sub(lambda m: m[0] if _kept_whole(m[0]) else f"{m[0][:_KEPT]}…", text)


class DopemailError(Exception):
    """A user-facing problem, located in a file and line where possible."""

    def __init__(
        self,
        message: str,
        path: str | Path | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        # Every message is made here: the one place a value too long to quote is cut.
        message = cut_long(message)
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.hint = cut_long(hint) if hint is not None else None

    def location(self) -> str:
        """``path:line`` (or just the path), as editors and their tools read it."""
        if self.path is None:
            return ""
        # A name holding what the terminal would act on or not show (a right-to-left
        # override, which the CLI takes out) is shown escaped: the name printed without it
        # was another file's. Not the joiners a Persian name is written with.
        path = visible(self.path, keep=_JOINERS)
        return f"{path}:{self.line}" if self.line else path

    def __str__(self) -> str:
        where = self.location()
        text = f"{where}: {self.message}" if where else self.message
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class ConfigError(DopemailError):
    """dopemail.toml is missing, unreadable, or holds a wrong value."""


class ContentError(DopemailError):
    """An entry or an issue cannot be read or is not valid."""


class TemplateError(DopemailError):
    """A template fails to compile or render."""

    #: The entry the template was showing when it failed (templates.render), if any.
    entry_path: str | None = None


class QualityError(DopemailError):
    """A built email breaks one of the quality rules."""


class SendError(DopemailError):
    """The sender cannot go on."""


class ProviderAuthError(SendError):
    """The provider refused the API key; nothing was sent."""


class DopemailErrors(DopemailError):
    """Several problems found in one pass; each is reported."""

    def __init__(self, errors: Iterable[DopemailError]) -> None:
        self.errors = sorted(errors, key=lambda e: (e.path or "", e.line or 0))
        count = len(self.errors)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} found")

    def __str__(self) -> str:
        lines = [str(e) for e in self.errors]
        lines.append(self.message)
        return "\n".join(lines)


def line_at(data: bytes, offset: int) -> int:
    """The line (from 1) of the byte at ``offset``: where a decoder gave up, for the editor."""
    return data[:offset].count(b"\n") + 1


def not_utf8(data: bytes, exc: UnicodeDecodeError) -> tuple[str, int]:
    """What to say of ``data`` that is not UTF-8, and at which line: the column as an editor
    counts it (characters, not the file's bytes), and what the byte likely was."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data[:64]:
        # Notepad's "Unicode", Excel's "Unicode Text": two bytes a character, which no
        # column or character of it would make sense of.
        return "not UTF-8 text (saved as UTF-16, which some programs call Unicode)", 1
    start = max(data.rfind(b"\n", 0, exc.start), data.rfind(b"\r", 0, exc.start)) + 1
    column = len(data[start : exc.start].decode("utf-8", "replace")) + 1
    # Saved by a Windows program in its Latin-1 ('é' as the byte E9): say which character.
    guess = data[exc.start : exc.start + 1].decode("cp1252", "replace")
    known = guess.isprintable() and not guess.isascii() and guess != "\ufffd"
    if exc.reason == "unexpected end of data" and exc.end == len(data):
        # The first bytes of a character and nothing after them: a copy or a download that
        # stopped partway leaves that, which no encoding setting would mend.
        said = (
            f"not UTF-8 text: the file ends in the middle of a character (column {column}), "
            "so it may have been cut short (a copy or download that stopped)"
        )
        if known:
            said += f", or its last character '{guess}' was saved in another encoding"
        return said, line_at(data, exc.start)
    said = f"not UTF-8 text ({exc.reason} at column {column}"
    if known:
        said += f": '{guess}' saved in another encoding"
    return said + ")", line_at(data, exc.start)


def failed_rendering(exc: DopemailError, what: str) -> DopemailError:
    """``exc`` with its template errors saying what was being rendered (``what``: an entry's
    or an issue's file) where they are not that file's own: a template failing on one entry's
    data (a field it leaves out) named only the template's line."""
    for error in getattr(exc, "errors", [exc]):
        if isinstance(error, TemplateError) and error.path != what:
            # The entry a card showed, within an issue (see templates.render).
            shown = error.entry_path or what
            said = f"it failed rendering {shown}" + (f", in {what}" if shown != what else "")
            error.hint = f"{error.hint}; {said}" if error.hint else said
    return exc


def raise_all(errors: list[DopemailError]) -> None:
    """Raise the one error, or all of them together; do nothing if there are none."""
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise DopemailErrors(errors)


#: Said of a write that failed before a build put anything in place (see :func:`system_error`).
INTACT = " (what was built before is intact)"
#: Said of a path that may be a name given in the settings: not an output's (site/, feeds/).
SETTINGS_NAME = " (or fix the name in dopemail.toml)"

#: What to do about an error the system raised, by its errno (see :func:`system_error`).
SYSTEM_HINTS = {
    errno.EACCES: "check its permissions (ls -l): dopemail must be able to read it, and to "
    "write where it builds",
    errno.EPERM: "check its permissions and owner (ls -l)",
    errno.ENOSPC: "the disk is full: free some space and run again" + INTACT,
    errno.EDQUOT: "your disk quota is used up: free some space and run again",
    errno.EROFS: "it is on a read-only file system: build in a folder you can write to",
    # A limit on the size of one file (ulimit -f: a shell's, a CI job's) cut a write short.
    errno.EFBIG: "it is larger than a file may be here (the limit 'ulimit -f' shows, or the "
    "file system's): run 'ulimit -f unlimited' in that shell and run again" + INTACT,
    errno.EIO: "the disk failed to read or write it: check the disk (dmesg shows its errors), "
    "then run again",
    errno.EMFILE: "too many files are open at once: run 'ulimit -n 4096' in that shell and "
    "run again",
    errno.ENFILE: "the system has too many files open at once: close other programs and run again",
    errno.ENAMETOOLONG: "its name, or its path, is longer than the file system takes: shorten "
    "the name (or move the publication to a shorter path)",
    errno.ENOENT: "it is missing, or a link to a file that is gone (an editor's lock file, "
    "a moved folder): remove the link or restore the file",
    errno.ELOOP: "it is a link that points to itself, through other links: remove it",
    errno.EISDIR: "a folder is where a file is expected on that path: rename or move it"
    + SETTINGS_NAME,
    errno.EEXIST: "a file is in the way of a folder of that name: rename or move it",
    errno.ENOTDIR: "a file is where a folder is expected on that path: rename or move it"
    + SETTINGS_NAME,
}

#: What a send keeps when the disk stops it: the ledger's record of who was sent (a build's
#: hints say its earlier output is intact, which a send has none of).
SEND_KEPT = "the ledger keeps the readers sent so far, and the send goes on with the others"
#: What ``dopemail status`` and the send's dry run leave when the disk stops them: they
#: send nothing, and the ledger they read is not written.
NOTHING_SENT = "nothing was sent or changed"
#: The hints of :data:`SYSTEM_HINTS` the send's commands give in their own words, followed
#: by what the command stopped leaves (see :func:`system_error`).
SENDING_HINTS = {
    errno.ENOSPC: "the disk is full: free some space and run the same command again",
    errno.EDQUOT: "your disk quota is used up: free some space and run the same command again",
    errno.EFBIG: "it is larger than a file may be here (the limit 'ulimit -f' shows, or the "
    "file system's): run 'ulimit -f unlimited' in that shell and run the same command again",
}

# What SQLite says when the disk, not dopemail, is at fault (the send ledger is its one
# database): the editor's to fix, as an OSError's would be. (Said with what the ledger keeps.)
SQLITE_HINTS = {
    "database or disk is full": "the disk is full: free some space and run again",
    # Said of the send ledger, which only send and status open (not a build's words).
    "attempt to write a readonly database": "it is read-only (the file, its folder .dopemail/ "
    "or its disk: ls -l, mount): make it writable and run again (the send writes down each "
    "batch there before it posts it)",
    "unable to open database file": "check the permissions of it and its folder (ls -ld "
    ".dopemail .dopemail/sends.sqlite): dopemail send must read and write both",
    "disk I/O error": SYSTEM_HINTS[errno.EIO],
}


def sqlite_hint(said: str) -> str | None:
    """What to do about an error SQLite gave of the disk (:data:`SQLITE_HINTS`), if it is one."""
    return next((hint for words, hint in SQLITE_HINTS.items() if said.startswith(words)), None)


def system_error(
    exc: OSError, left: str = INTACT, sending: bool = False, kept: str = SEND_KEPT
) -> DopemailError:
    """An OSError as the editor's problem: the file, what the system said, what to do.

    ``left``: what the failure leaves, said after the hint of a full disk or a file too
    large (by default, a build's: what was built before is intact). ``sending``: in the words
    of the send's commands, followed by ``kept`` (by default, a send's: what the ledger keeps;
    :data:`NOTHING_SENT` for ``dopemail status`` and the dry run), not what a build left."""
    # A rename names the file it failed to make second (the first, a temporary file of ours,
    # is gone by now).
    name = exc.filename2 if exc.filename2 is not None else exc.filename
    in_the_way = _in_the_way(name) if name is not None and exc.errno == errno.ENOTDIR else None
    wanted = _shown(name) if in_the_way is not None else None
    if in_the_way is not None:
        # 'site/archive/2024/index.html: Not a directory' named a file that is not there: the
        # one in the way is site/archive.
        name = in_the_way
    shown = _shown(name) if name is not None else None
    refused = exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS)
    ours = shown is not None and "/.dopemail/" in f"/{shown}"
    temporary = _OWN_TEMPORARY.fullmatch(shown.rpartition("/")[2]) if shown and ours else None
    if shown and temporary:
        # A file of ours written beside another in .dopemail/ before it takes its place
        # ('writing.json.25908.tmp', a cache record, kept bytes), which the editor never sees.
        shown = shown[: -len(temporary.group(1))]
        if refused:  # the folder refused it
            exc = NotWritten(exc.errno, exc.strerror, shown)
    if shown and isinstance(exc, NotWritten) and exc.errno != errno.EROFS and refused:
        # Its folder refused the file written beside the output before it is put in place.
        # (A read-only disk is no matter of the folder's permissions: said of the output.)
        folder = os.path.dirname(shown) or "."
        return DopemailError(
            f"{exc.strerror or exc}: it cannot be written in {folder}/",
            shown,
            None,
            f"check the permissions and owner of {folder}/ (ls -ld {folder}): dopemail writes "
            "each file beside it first, then puts it in place",
        )
    if exc.errno == errno.EEXIST and name is not None and _dangling(name):
        # site/ a link to a web server's disk not mounted: not a file in the way.
        return DopemailError(
            f"it is a link to {os.fsdecode(os.readlink(name))}, which is not there",
            shown,
            None,
            "connect the disk or make the folder it points to, or remove the link (the "
            "build then makes a folder of that name)",
        )
    said = exc.strerror or str(exc)
    hint = SYSTEM_HINTS.get(exc.errno or 0)
    if wanted is not None:
        said += f": it is a file, where {wanted} needs a folder"
    elsewhere = _elsewhere(name) if name is not None and exc.errno in _OF_THE_DISK else None
    if elsewhere is not None:
        # site/ a link to a web root on another disk: which disk is full is not the one the
        # path shown seems to be on.
        said += f" (in {elsewhere[0]}/, where the link {elsewhere[1]} leads)"
    no_inodes = exc.errno == errno.ENOSPC and name is not None and _no_room_for_files(name)
    if no_inodes:
        # Space left (df shows it), but no inode to make a file with: freeing space of a few
        # large files would not help.
        said += ": no room for more files on that disk (it has space, but every inode is used)"
        hint = (
            "the disk can hold no more files ('df -i' shows it): remove files you do not "
            "need there, many small ones count more than a few large, and run again" + INTACT
        )
    if hint is not None and name is not None and hint.endswith(SETTINGS_NAME) and _not_set(name):
        # An output (site/, feeds/) or a record of dopemail's: no setting names those.
        hint = hint[: -len(SETTINGS_NAME)]
    if sending and exc.errno in SENDING_HINTS and not no_inodes:
        hint = f"{SENDING_HINTS[exc.errno]}; {kept}"
    elif sending and hint is not None and hint.endswith(INTACT):
        hint = f"{hint[: -len(INTACT)]}; {kept}"
    if hint is not None and left != INTACT and hint.endswith(INTACT):
        hint = hint[: -len(INTACT)] + left
    return DopemailError(said, shown, None, hint)


def _shown(name: str | bytes) -> str:
    """A path as messages show it: from the current folder where it is inside it."""
    path = Path(os.fsdecode(name))
    # Not resolved: a link that loops cannot be (RuntimeError), and the link is the name.
    with contextlib.suppress(ValueError):
        path = Path(os.path.abspath(path)).relative_to(Path.cwd().resolve())
    return path.as_posix()


def _in_the_way(name: str | bytes) -> str | None:
    """The file on the path to ``name`` where a folder should be (the path up to it), if any."""
    path = os.path.abspath(os.fsdecode(name))
    for folder in [*reversed(Path(path).parents)][1:]:
        if not os.path.lexists(folder):
            return None
        if not os.path.isdir(folder):
            return str(folder)
    return None


def _no_room_for_files(name: str | bytes) -> bool:
    """Whether the disk holding ``name`` has space left but no inode for a new file."""
    folder = os.path.dirname(os.path.abspath(os.fsdecode(name)))
    while not os.path.isdir(folder) and os.path.dirname(folder) != folder:
        folder = os.path.dirname(folder)
    try:
        disk = os.statvfs(folder)
    except OSError:
        return False
    # f_files 0: a file system that counts no inodes (btrfs), which never runs out of them.
    return disk.f_files > 0 and min(disk.f_ffree, disk.f_favail) == 0 and disk.f_bavail > 0


def _not_set(name: str | bytes) -> bool:
    """Whether ``name`` is in site/, feeds/ or .dopemail/ of the publication around it: an
    output or a record of dopemail's, which no setting names."""
    path = Path(os.path.abspath(os.fsdecode(name)))
    for folder in path.parents:
        if (folder / "dopemail.toml").exists():
            return path.relative_to(folder).parts[0] in ("site", "feeds", ".dopemail")
    return False


def not_recorded(exc: OSError, warnings: str | None, partly: bool = False) -> DopemailError:
    """An OSError once a build had put every output in place (see :func:`system_error`):
    said as such, not "what was built before is intact", which the editor read as nothing
    published. Most often a record of dopemail's own in .dopemail/ (the sources' keys, the
    feeds' ids) that the next build would have read to spare work. ``warnings``: what to say
    of the build's warnings (said above, or owed to the next build), or None. ``partly``:
    while they were put in place, some of them not yet (a rename refused)."""
    told = system_error(exc, left="")
    hint = told.hint or "fix it"
    ours = told.path is not None and "/.dopemail/" in f"/{told.path}"
    message = (
        f"{told.message}, after this build's files were put in place: site/ and feeds/ hold "
        "the new ones, every one"
    )
    if partly:
        message = (
            f"{told.message}, as this build's files were put in place: some in site/ and "
            "feeds/ are the new ones, the others the last build's"
        )
        hint += ": the next build finishes what this one could not"
    elif told.path is not None and told.path.endswith(MANIFEST):
        # The list of what the site holds: the next build runs in full, to remove what this
        # one no longer makes (the journal keeps this one's outputs for it).
        hint += (
            "; the next build runs in full, and removes what this one made that it no longer makes"
        )
    elif ours:
        # Nothing to run again for: the next build, whenever it comes, does without it.
        for then in (" and run again", ", then run again"):
            hint = hint[: -len(then)] if hint.endswith(then) else hint
        message += "; only this record of dopemail's own could not be saved"
        hint += (
            "; the next build, without this record, does again some of this one's work "
            "(reads or renders again what the record would have spared)"
        )
    else:  # (a page it no longer makes, not removed: the next build removes it)
        hint += ": the next build finishes what this one could not"
    if warnings:
        hint += f"; {warnings}"
    return DopemailError(message, told.path, None, hint)


# What the disk a file is on, not the file, is at fault of: told with where it really is.
_OF_THE_DISK = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EROFS}


def _elsewhere(name: str | bytes) -> tuple[str, str] | None:
    """The folder the file ``name`` really is in and the first link on its path that leads
    there (as shown from here), when a link on its path leads elsewhere; else None."""
    folder = os.path.dirname(os.path.abspath(os.fsdecode(name)))
    real = os.path.realpath(folder)
    if real == folder:
        return None
    for step in [*reversed(Path(folder).parents), Path(folder)]:
        if step.is_symlink():
            with contextlib.suppress(ValueError):
                step = step.relative_to(Path.cwd().resolve())
            return real, f"{step.as_posix()}/"
    return None


# The temporary files written beside a file before they take its place (atomic.replace_file):
# '<name>.<process id>.tmp'; the group, what follows the name.
_OWN_TEMPORARY = re.compile(r".+?(\.\d+\.tmp)")


def _dangling(name: str | bytes) -> bool:
    """Whether ``name`` is a link to nothing."""
    return os.path.islink(name) and not os.path.exists(name)


class NotWritten(OSError):
    """An output that could not be written (its file beside it, before it is put in place):
    named by the output, not by that file's temporary name."""


# What a terminal acts on instead of showing: escape sequences (colours, the window's title),
# a carriage return that writes over the line, and the marks that reorder text on screen.
_ACTED_ON = "\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
_UNSHOWN = re.compile(f"[{_ACTED_ON}]")
# And what breaks a line: tabs and line breaks too, Unicode's separators.
_NOT_ONE_LINE = re.compile(f"[\t\n\u2028\u2029{_ACTED_ON}]+")


def printable(text: str) -> str:
    """``text`` as a terminal shows it, without what it would act on: words from elsewhere (a
    provider's answer kept in the send ledger) cannot rewrite what dopemail says."""
    return _UNSHOWN.sub("", text)


def one_line(text: str) -> str:
    """``text`` on one line, without what a terminal acts on (each run of them a space)."""
    return _NOT_ONE_LINE.sub(" ", text)


_CONFLICT = re.compile(r"^(<{7}|={7}|>{7})(?: .*)?$", re.MULTILINE)
# The base's section git adds with merge.conflictstyle=diff3 (or zdiff3): its lines are the
# version both sides started from, to delete too.
_BASE = re.compile(r"^\|{7}(?: .*)?$", re.MULTILINE)


def merge_conflict(text: str, path: str) -> DopemailError | None:
    """A git merge conflict left in a file (its <<<<<<<, ======= and >>>>>>> lines), told
    once with where it is: YAML and TOML said "could not find expected ':'" of its lines, and
    in an entry's text it was published, its ======= a heading rule."""
    if "<<<<<<<" not in text or ">>>>>>>" not in text:
        return None
    marks = [
        (m.group(1)[0], text.count("\n", 0, m.start()) + 1)
        for m in _CONFLICT.finditer(text)
        if m.group(1)[0] in "<>"
    ]
    if "```" in text or "~~~" in text:
        # A conflict shown in a code sample (a piece on git): the whole of it, from <<<<<<<
        # to >>>>>>>, inside one fenced block. One whose sides open or close a fence (a hunk
        # across a code block's end) is a conflict left in the file.
        block = _fenced_blocks(text)
        shown: set[int] = set()
        for (kind, start), (after, end) in zip(marks, marks[1:], strict=False):
            if (
                kind == "<"
                and after == ">"
                and block.get(start)
                and block.get(start) == block.get(end)
            ):
                shown.update((start, end))
        marks = [mark for mark in marks if mark[1] not in shown]
    lines = [line for _, line in marks]
    if len(lines) < 2:
        return None
    first, last = lines[0], lines[-1]
    based = any(first < text.count("\n", 0, m.start()) + 1 < last for m in _BASE.finditer(text))
    return DopemailError(
        f"a merge conflict is left in it (lines {first}-{last}): both versions are in the file",
        path,
        first,
        "keep the lines you want, and delete the <<<<<<<, ======= and >>>>>>> lines, the "
        "||||||| line and the lines below it up to ======= (the version both sides started "
        "from), and the version you do not want"
        if based
        else "keep the lines you want, and delete the <<<<<<<, ======= and >>>>>>> lines and "
        "the version you do not want",
    )


#: A line opening a Markdown fenced code block (CommonMark): its fence is group 1; a backtick
#: fence's info string holds no backtick.
FENCE = re.compile(r" {0,3}(`{3,}(?=[^`]*$)|~{3,})")


def closes_fence(line: str, fence: str) -> bool:
    """Whether ``line`` closes the code block ``fence`` opened: the same character, as many
    or more, indented three spaces at most, and nothing else (a closing fence has no info)."""
    closing = FENCE.match(line)
    return (
        closing is not None
        and closing.group(1)[0] == fence[0]
        and len(closing.group(1)) >= len(fence)
        and not line.strip().strip(fence[0])
    )


def _fenced_blocks(text: str) -> dict[int, int]:
    """Each line inside a Markdown fenced code block (between its fences) -> the block's
    number; lines outside are not keys."""
    inside: dict[int, int] = {}
    fence, count = "", 0
    for number, line in enumerate(text.split("\n"), 1):
        if fence:
            if closes_fence(line, fence):
                fence = ""
                continue
            inside[number] = count
        elif opened := FENCE.match(line):
            fence, count = opened.group(1), count + 1
    return inside


def deepest_line(text: str) -> int:
    """The line (1-based) of ``text`` nested deepest, by its brackets left open above it and
    its indentation: where a file too deeply nested for its parser (RecursionError) is."""
    open_brackets = 0
    best, best_depth = 1, -1
    for number, line in enumerate(text.split("\n"), 1):
        depth = open_brackets + (len(line) - len(line.lstrip(" "))) // 2
        # Bracket by bracket: '[[[...]]]' closed on its own line is as deep as it goes
        # inside the line, though no bracket is left open after it.
        for bracket in _BRACKET.findall(line):
            open_brackets += 1 if bracket in "[{" else -1
            depth = max(depth, open_brackets)
        if depth > best_depth:
            best, best_depth = number, depth
    return best


_BRACKET = re.compile(r"[\[\]{}]")


#: What to say of a file nested deeper than its parser goes.
NESTED_TOO_DEEPLY = (
    "nested too deeply to be read (lists or fields within one another, hundreds of levels)",
    "no setting or field nests more than a few levels: look for brackets or indentation "
    "repeated by mistake (a paste gone wrong)",
)
