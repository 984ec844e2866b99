"""``dopemail new publication``: the files a publication of one's own starts from.

An installed dopemail has no sample to copy (the sample is this repository, not the
package), so the starting files are made here: ``dopemail.toml`` with every setting shown
and explained (:func:`settings_text`, which the README's copy of the file is tested
against), the folders, an empty subscriber list, and a ``.gitignore`` that keeps the built
and the private files out of git.
"""

from __future__ import annotations

import contextlib
import json
import os
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .atomic import create_file
from .config import CONFIG_NAME
from .errors import ConfigError, DopemailError
from .layout import ENTRIES_DIR, ISSUES_DIR, MEDIA_DIR
from .templates import TEMPLATES_DIR
from .wording import primary

#: The stand-in address of a publication not given one: the domain kept for examples.
STAND_IN_URL = "https://example.com/"

#: A new publication's one line, in its language (the pages' words follow the language).
DESCRIPTIONS = {
    "en": "Film reviews, screenings and news.",
    "fr": "Critiques de films, séances et actualités.",
}

#: Where a comment starts on a line of :func:`settings_text` (when its setting fits before).
_COMMENT_AT = 40


@dataclass(frozen=True)
class Starter:
    """What a publication's ``dopemail.toml`` says: the settings to give values; None for
    one written commented out, with an example, until the editor has it."""

    title: str
    base_url: str
    language: str
    timezone: str
    description: str
    author: str
    from_name: str
    from_email: str
    author_email: str | None = None
    logo: str | None = None
    icon: str | None = None
    copyright: str | None = None
    reply_to: str | None = None
    postal_address: str | None = None
    unsubscribe_url: str | None = None
    unsubscribe_mailto: str | None = None
    # The examples shown for those left out: the publication's own domain.
    host: str = field(default="example.com", compare=False)
    # from_email made of the site's domain (newsletter@), no --email given: a problem of it
    # is the --url's.
    email_made: bool = field(default=False, compare=False)


def _toml(value: str | int) -> str:
    """A value as TOML writes it: a number as it is, text in double quotes (JSON's escapes
    are TOML's too)."""
    if isinstance(value, int):
        return str(value)
    # DEL is the one control character JSON leaves as it is, and TOML refuses.
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def _line(name: str, value: str | int | None, comment: str, example: str = "") -> str:
    """One setting and its comment; with no value, commented out with ``example``."""
    setting = f"{name} = {_toml(value)}" if value is not None else f"# {name} = {_toml(example)}"
    return f"{setting.ljust(_COMMENT_AT - 2)}  # {comment}" if comment else setting


def settings_text(s: Starter) -> str:
    """The ``dopemail.toml`` of a publication: every table, each setting with what it is
    for (a setting with no value commented out, with an example)."""
    host = s.host
    lines = [
        "[publication]",
        _line("title", s.title, "required"),
        _line("description", s.description, "required: one line, for feeds and pages"),
        _line("base_url", s.base_url, "required: where site/ goes online"),
        _line("language", s.language, "en (the default) or fr: see Languages"),
        _line(
            "timezone",
            s.timezone,
            "for dates and times written without an offset; UTC if left out",
        ),
        _line("author", s.author, "required: an entry's author unless it names one"),
        _line("author_email", s.author_email, "shown in the feeds", f"press@{host}"),
        # No picture until the editor has one: a file named here and not in media/ stops
        # every build.
        _line(
            "logo",
            s.logo,
            "the feeds' and pages' picture (or an https URL)",
            "media/logo.png",
        ),
        _line("icon", s.icon, "square: the pages' and JSON Feed's icon", "media/icon.png"),
        _line("copyright", s.copyright, "the feeds' rights line", f"© {s.title}."),
        "",
        "[feeds]",
        _line("items", 50, "items in each feed, newest first"),
        "",
        "[site]",
        _line("latest", 20, "entries on the home page (every one is in archive/)"),
        "",
        "[sender]".ljust(_COMMENT_AT) + "# required, for the emails' footer and sending",
        _line("from_name", s.from_name, "required"),
        _line("from_email", s.from_email, "required: a domain your provider verified"),
        _line("reply_to", s.reply_to, "where readers' replies go", f"press@{host}"),
        _line(
            "postal_address",
            s.postal_address,
            "required to send: the law asks every newsletter for one",
            "Name, street and number, postal code, city, country",
        ),
        _line(
            "unsubscribe_url",
            s.unsubscribe_url,
            "your unsubscribe page (Sending): required to send",
            f"https://{host}/unsubscribe",
        ),
        _line("unsubscribe_mailto", s.unsubscribe_mailto, "", f"unsubscribe@{host}"),
        "",
        "[newsletter]".ljust(_COMMENT_AT) + "# limits the build holds each email to",
        _line("max_bytes", 102000, "refused above (Gmail clips the rest)"),
        _line("warn_bytes", 80000, "warned above"),
        _line("max_style_bytes", 16000, "Gmail drops a larger <style>"),
        _line("max_picture_bytes", 1500000, "a heavier picture in the email is warned of"),
        _line("gallery_images", 4, "photos per film in the email; the rest on its page"),
        "",
        "[send]".ljust(_COMMENT_AT) + "# more settings in Sending",
        _line("provider", "outbox", "outbox writes .eml files in outbox/ and mails no one"),
        _line("subscribers", "subscribers.csv", "the readers: email,name,status,..."),
    ]
    return "\n".join(lines) + "\n"


_HEAD = """\
# The publication's settings. Every one is documented in `dopemail schema --of config`, and
# in dopemail's README ("Settings: dopemail.toml", "Sending"). Secrets (a provider's API key)
# never go here: they are read from the environment.

"""

_GITIGNORE = """\
# What dopemail builds, made again by `dopemail build`: the web pages (put online from
# site/, not from git) and the emails the outbox writes, one per reader, with their
# addresses and unsubscribe links.
site/
outbox/
# The build cache (made again) and the send ledger, .dopemail/sends.sqlite, which is NOT:
# it is what keeps `dopemail send` from mailing a reader twice. Send from one machine, keep
# the ledger there, and back it up (README: "Resume, status, and exactly once").
.dopemail/
# feeds/ may be committed: the build writes the same bytes from the same sources.
"""

_SUBSCRIBERS = "email,name,status,subscribed_at,tags\n"

_TEMPLATES_README = """\
# Your own templates

This folder holds the publication's own templates. Empty of them, the publication builds
with dopemail's defaults. A template here, at the same path as a default, replaces it for
every build, preview and send. To change one, copy it here (`dopemail template NAME` prints
where a default is, in the installed dopemail) and edit the copy:

```sh
mkdir -p templates/email
cp "$(dopemail template email/film_card.mjml.j2)" templates/email/
# edit templates/email/film_card.mjml.j2, then see it as readers will:
dopemail preview
```

`dopemail template` alone prints the folder of the defaults; their names:

| default | what it makes |
| --- | --- |
| `email/issue.mjml.j2`, `email/film_card.mjml.j2` | the email (MJML): its layout, a film's card |
| `email/issue.txt.j2`, `email/film_card.txt.j2` | the email's plain-text part |
| `issue.html.j2`, `issue_content.html.j2` | an issue's web version |
| `entry.html.j2`, `entry_content.html.j2` | an entry's page (the second: its HTML in feeds too) |
| `home.html.j2` | the home page |
| `entry_item.html.j2`, `issue_item.html.j2` | an entry's line and an issue's in every list |
| `archive.html.j2`, `newsletter.html.j2` | the entries by year, every issue |
| `page.html.j2` | the frame and styles every web page shares |
| `new_entry.md.j2`, `new_issue.md.j2` | what `dopemail new entry` and `dopemail new issue` write |

Only files whose names end in `.j2` are read; this one is not. A template here that nothing
renders (a misspelt name, one outside its folder) is warned of by `dopemail build` and
`dopemail check`, with the name it needs. A copy keeps the text of the dopemail it was copied
from: after an upgrade, compare it with the new default.
"""

#: The folders a publication reads, made empty (media/: its pictures).
FOLDERS = (ENTRIES_DIR, ISSUES_DIR, TEMPLATES_DIR, MEDIA_DIR)

#: The options of ``dopemail new publication`` that set each setting, for its messages.
OPTIONS = {
    ("publication", "title"): "--title",
    ("publication", "base_url"): "--url",
    ("publication", "language"): "--language",
    ("publication", "timezone"): "--timezone",
    ("publication", "description"): "--description",
    ("publication", "author"): "--title",
    ("sender", "from_name"): "--title",
    ("sender", "from_email"): "--email",
    ("sender", "postal_address"): "--postal-address",
}


def default_title(root: Path) -> str:
    """A title made from the folder's name ('my-films': 'My films')."""
    name = root.resolve().name.replace("-", " ").replace("_", " ").strip()
    return (name[:1].upper() + name[1:]) if name else "My publication"


def starter_for(
    root: Path,
    title: str | None = None,
    url: str | None = None,
    language: str = "en",
    timezone: str = "UTC",
    description: str | None = None,
    email: str | None = None,
    postal_address: str | None = None,
) -> Starter:
    """The settings of a new publication in ``root``: those given, and defaults for the
    rest (the title from the folder's name, :data:`STAND_IN_URL`, the sender at
    newsletter@ the site's domain)."""
    title = title if title is not None else default_title(root)
    base_url = url or STAND_IN_URL
    host = urlsplit(base_url).hostname or "example.com"
    words = DESCRIPTIONS.get(primary(language), DESCRIPTIONS["en"])
    return Starter(
        title=title,
        base_url=base_url,
        language=language,
        timezone=timezone,
        description=description if description is not None else words,
        author=title,
        from_name=title,
        from_email=email or f"newsletter@{host}",
        postal_address=postal_address,
        host=host,
        email_made=email is None,
    )


def _checked(starter: Starter) -> str:
    """The settings file of ``starter``, refused as dopemail.toml would be, each problem
    named by the option that gave it (before anything is written)."""
    from pydantic import ValidationError

    from .config import Settings
    from .errors import raise_all
    from .validation import controls_in, describe_errors

    text = _HEAD + settings_text(starter)
    data = tomllib.loads(text)
    # As load_settings refuses them: a file written with one would not load.
    raise_all(
        _told(
            starter,
            (
                (
                    loc,
                    f"an invisible control character, U+{ord(char):04X}",
                    "give the value without it",
                )
                for loc, char in controls_in(data)
            ),
        )
    )
    try:
        Settings.model_validate(data)
    except ValidationError as exc:
        raise_all(
            _told(
                starter,
                (
                    (loc, message.removeprefix(f"{'.'.join(map(str, loc))}: "), hint)
                    for loc, message, hint in describe_errors(exc, Settings, data)
                ),
            )
        )
    return text


def _told(
    starter: Starter, problems: Iterable[tuple[tuple[str | int, ...], str, str | None]]
) -> list[DopemailError]:
    """``problems`` of the settings (where, what, the hint), each named by the option that
    gave it. The sender's address made of the site's domain (no --email given) goes with a
    refused --url, untold ('ftp://x' also said "--email: 'newsletter@x' is not a valid email
    address", of an option not given); of a --url taken, it is told with how to give one."""
    problems = list(problems)
    url_refused = any(tuple(loc[:2]) == ("publication", "base_url") for loc, _, _ in problems)
    errors = []
    for loc, message, hint in problems:
        if starter.email_made and tuple(loc[:2]) == ("sender", "from_email"):
            if url_refused:
                continue
            hint = (
                f"give the sender's address with --email (without it, newsletter@ the site's "
                f"domain, {starter.host}, is taken)"
            )
        option = OPTIONS.get(tuple(loc[:2]), ".".join(map(str, loc)))
        errors.append(ConfigError(f"{option}: {message}", None, None, hint))
    return _once(errors)


def _once(errors: Iterable[ConfigError]) -> list[DopemailError]:
    """``errors`` without repeats: --title gives three settings, each refusing its value."""
    said: dict[str, DopemailError] = {}
    for error in errors:
        said.setdefault(error.message, error)
    return list(said.values())


@dataclass(frozen=True)
class NewPublication:
    """What :func:`new_publication` wrote."""

    files: list[str]  # relative to the publication's folder
    folders: list[str]  # made (those there already are not)


def new_publication(root: Path, starter: Starter) -> NewPublication:
    """Write a new publication in ``root`` (made if missing): dopemail.toml from
    ``starter``, the folders, subscribers.csv and .gitignore. Never overwrites a file: if
    any is there, nothing is written; if a write fails, what was made is removed."""
    files = {
        CONFIG_NAME: _checked(starter),
        "subscribers.csv": _SUBSCRIBERS,
        ".gitignore": _GITIGNORE,
        f"{TEMPLATES_DIR}/README.md": _TEMPLATES_README,
    }
    if os.path.lexists(root) and not root.is_dir():
        raise ConfigError(
            f"{root} is a file, not a folder",
            None,
            None,
            "give the folder to start the publication in (made if missing): "
            "dopemail new publication my-films",
        )
    there = [name for name in files if os.path.lexists(root / name)]
    in_the_way = [name for name in FOLDERS if os.path.lexists(root / name)]
    in_the_way = [name for name in in_the_way if not (root / name).is_dir()]
    if there:
        names = ", ".join(there[:-1]) + " and " + there[-1] if len(there) > 1 else there[0]
        raise ConfigError(
            f"{names} {'is' if len(there) == 1 else 'are'} there already: a new publication "
            "writes over no file",
            str(root / there[0]) if len(there) == 1 else None,
            None,
            "start it in a folder of its own (dopemail new publication my-films), or move "
            f"{'that file' if len(there) == 1 else 'those files'} away first"
            + (" (a publication is here already: dopemail check)" if CONFIG_NAME in there else ""),
        )
    if in_the_way:
        raise ConfigError(
            f"{in_the_way[0]} is a file where the publication's folder of that name goes",
            str(root / in_the_way[0]),
            None,
            "move it away, or start the publication in another folder",
        )
    made: list[Path] = []  # folders this call made, removed again if a write fails
    written: list[Path] = []
    try:
        for folder in (root, *(root / name for name in FOLDERS)):
            if not folder.is_dir():
                _make_folder(folder, made)
        # Each file whole or not at all, and over none made meanwhile (atomic.create_file,
        # which makes it by itself where the file system has no links: FAT, some shares).
        for name, text in files.items():
            create_file(root / name, text.encode("utf-8"))
            written.append(root / name)
    except OSError as exc:
        for path in written:
            path.unlink(missing_ok=True)
        raise _not_written(root, exc) from None
    finally:
        if len(written) < len(files):
            for folder in reversed(made):
                # Not empty: something else wrote in it meanwhile; kept.
                with contextlib.suppress(OSError):
                    folder.rmdir()
    # Those inside it: the folder itself, and any made above it ('new publication a/b'), are
    # not the publication's.
    return NewPublication(
        list(files), [f"{p.relative_to(root).as_posix()}/" for p in made if root in p.parents]
    )


def _make_folder(folder: Path, made: list[Path]) -> None:
    """Make ``folder`` and those above it that are missing, each added to ``made``."""
    missing = []
    for above in (folder, *folder.parents):
        if above.is_dir():
            break
        missing.append(above)
    for path in reversed(missing):
        path.mkdir()
        made.append(path)


def _not_written(root: Path, exc: OSError) -> DopemailError:
    """A write the system refused, told of the publication's folder: nothing is left."""
    said = exc.strerror or str(exc)
    return ConfigError(
        f"cannot write in {root} ({said}): no file of the publication was written",
        None,
        None,
        f"check the folder's permissions (ls -ld {root}), or give one you can write to",
    )
