"""dopemail.toml -> :class:`Settings`.

Secrets never live in this file: provider API keys are read from the environment variables
named in :data:`SECRET_ENV`, by the sender, at the moment it needs them.
"""

from __future__ import annotations

import os
import posixpath
import re
import tomllib
import unicodedata
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import quote, unquote, unquote_plus, urlsplit, urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import idna
from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    Strict,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .errors import (
    NESTED_TOO_DEEPLY,
    ConfigError,
    DopemailError,
    char_named,
    closest,
    deepest_line,
    merge_conflict,
    not_utf8,
    raise_all,
)
from .languages import LANGUAGE_TAG, language_direction, tag_case
from .models import Line, Model, Text, Url, at_field, hinted, placeholder_address
from .writtenforms import ABBREVIATIONS

CONFIG_NAME = "dopemail.toml"

#: A whole number as TOML writes one: ``true``, ``"5"`` or ``3.0`` were taken as 1, 5 and 3
#: (while ``"x"`` was told to be written "without quotes").
Whole = Annotated[int, Strict()]

#: Amazon SES's credentials, as every AWS tool reads them: the key's id and its secret
#: (required), and the session token of temporary credentials (optional). The one place their
#: names are written: messages name them from here.
AWS_ENV = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")
AWS_KEY_ID_ENV, AWS_SECRET_ENV, AWS_TOKEN_ENV = AWS_ENV
#: What AWS calls each (IAM's console, 'aws configure'): a message about one says it so.
AWS_CALLED = dict(
    zip(AWS_ENV, ("access key ID", "secret access key", "session token"), strict=True)
)
#: Where an AWS user copies them again: an IAM user's key from IAM, temporary credentials from
#: the access portal (IAM Identity Center) or the AWS CLI's current ones.
AWS_CREDENTIALS_FROM = (
    "from the IAM console (an IAM user's access key), or from your AWS access portal or "
    "'aws configure export-credentials --format env' (temporary credentials)"
)

#: Environment variables holding each provider's API key (for SES, the secret access key: its
#: other credentials are in :data:`AWS_ENV`).
SECRET_ENV = {
    "postmark": "DOPEMAIL_POSTMARK_TOKEN",
    "resend": "DOPEMAIL_RESEND_API_KEY",
    "sendgrid": "DOPEMAIL_SENDGRID_API_KEY",
    "mailgun": "DOPEMAIL_MAILGUN_API_KEY",
    "buttondown": "DOPEMAIL_BUTTONDOWN_API_KEY",
    "ses": AWS_SECRET_ENV,
}


def _email(value: str) -> str:
    # On first use: a build whose settings come from the cache validates no address.
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        told = f"'{value}' is not a valid email address"
        # The mistakes a copy and paste makes, said with their fix when the fix is an address
        # ("invalid characters before the @-sign: ':'" left the editor to find it).
        bare = value.strip()
        if bare[:7].lower() == "mailto:" and bare[7:].split("?")[0].strip():
            # A link's address may be percent-encoded (ada%40example.com).
            told, bare = f"{told} but a link to one", unquote(bare[7:].split("?")[0]).strip()
        elif bare != value and bare:
            told = f"{told}: it has a space before or after it"
        else:
            raise ValueError(f"{told}: {exc}") from None
        try:
            validate_email(bare, check_deliverability=False)
        except EmailNotValidError as again:
            raise ValueError(f"{told}, and '{bare}' is not one either: {again}") from None
        raise ValueError(f"{told}: write '{bare}'") from None


Email = Annotated[str, AfterValidator(_email)]


# The last folder of a base_url that is a page's name: 'index.html', 'home.php'.
_PAGE_NAME = re.compile(r"\.(?:s?html?|xhtml|php\d?|aspx?|jsp|cgi|xml|json|rss|atom)$", re.I)


class Publication(Model):
    """The publication itself."""

    title: Text = Field(description="Name of the publication, e.g. 'DoPe Press'.")
    description: Text = Field(description="One line saying what it is, for feeds and pages.")
    base_url: Url = Field(description="Where the site lives, e.g. 'https://press.example.com/'.")
    language: Annotated[str, BeforeValidator(tag_case)] = Field("en", pattern=LANGUAGE_TAG)
    timezone: str = Field(
        "UTC", description="IANA zone for bare dates, e.g. 'America/Los_Angeles'."
    )
    author: Text = Field(description="Default author of entries.")
    author_email: Email | None = Field(None, description="Contact address shown in feeds.")
    logo: str | None = Field(None, description="Logo: a file under media/ or an https URL.")
    icon: str | None = Field(None, description="Square icon: a file under media/ or an https URL.")
    copyright: str | None = Field(None, description="Rights line for the feeds.")

    @field_validator("base_url")
    @classmethod
    def _slash(cls, value: str) -> str:
        parts = urlsplit(value)
        # Every URL of the site is made by appending to it, and emails refuse http:// pictures.
        if parts.scheme != "https":
            raise ValueError(f"'{value}': the site's address must start with https://")
        if parts.query or parts.fragment or value.endswith(("?", "#")):
            raise ValueError(
                f"'{value}': the site's address cannot have a '?' or '#' part; give the "
                "folder the site is served from, e.g. 'https://press.example.com/films/'"
            )
        # As a browser reads them: '%2e%2e' is '..'.
        segments = [unquote(segment) for segment in parts.path.split("/")]
        if "" in segments[1:-1] or "." in segments or ".." in segments:
            # Kept as written, '//' and '/../' went into every address and feed id.
            folder = posixpath.normpath("/" + unquote(parts.path).lstrip("/")).rstrip("/")
            raise ValueError(
                f"'{value}': the site's address has an empty, '.' or '..' folder in its path; "
                f"give the folder the site is served from as it is: "
                f"'{parts.scheme}://{parts.netloc}{folder}/'"
            )
        if _PAGE_NAME.search(segments[-1]):
            # '/dope/index.html' made every address '/dope/index.html/quiet-hours/'.
            raise ValueError(
                f"'{value}': the site's address names a page, '{segments[-1]}'; give the folder "
                f"the site is served from: '{value[: value.rindex('/') + 1]}'"
            )
        value = ascii_url(value)
        return value if value.endswith("/") else value + "/"

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        fixed = _FIXED_OFFSETS.get(value.strip().upper())
        if fixed is not None:
            # In the zone database, but an offset all year: a New York publication writing
            # EST would be an hour off every summer.
            meant, all_year = fixed
            raise ValueError(
                f"'{value}' is one offset all year, without summer time: write '{meant}' (a "
                f"place's zone, summer time included), or '{all_year}' for that offset all year"
            )
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            from zoneinfo import available_timezones  # reads the zone database: errors only

            # Not for an offset ("GMT+2"): the nearest name would be another offset, hours off.
            close = _ABBREVIATIONS.get(value.strip().upper())
            if close is None and not any(c.isdigit() for c in value):
                close = closest(value, available_timezones(), cutoff=0.75)
            raise hinted(
                f"unknown time zone '{value}'" + (f" (did you mean '{close}'?)" if close else ""),
                "write the zone database's name of the place (Area/City), such as "
                "'Europe/Paris' or 'America/Los_Angeles'",
            ) from None
        return value

    @property
    def zone(self) -> ZoneInfo:
        """The publication's time zone."""
        return ZoneInfo(self.timezone)

    @property
    def direction(self) -> str:
        """Which way its language is written, for ``<html dir>``: "rtl" or "ltr". (MJML's
        own default, dir="auto", took the way of the first letters of the email, its
        subject's: a subject in Arabic set an English email right to left.)"""
        return language_direction(self.language)

    @property
    def text_start(self) -> str:
        """Where a line of its text starts: "left", or "right" when written right to left
        (for the email's alignments, which MJML sets to the left unless told)."""
        return "right" if self.direction == "rtl" else "left"


def dns_host(host: str) -> str:
    """``host`` as the DNS knows it and browsers resolve it: UTS #46's processing, as the
    WHATWG URL standard applies it (capitals to small letters, '。' to '.', no transitional
    mapping), 'straße.example' is 'xn--strae-oqa.example'.
    Python's 'idna' codec is IDNA 2003, which made it 'strasse.example', another domain (and
    'ς' 'σ', and dropped a joiner). An ASCII label is kept as written ('my_host'), as
    browsers keep it. UnicodeError for a host no domain can have, saying why."""
    if host.isascii():
        dns = host.split(".")
    else:
        try:
            labels = idna.uts46_remap(host, std3_rules=False, transitional=False).split(".")
            # Browsers check a joiner's context (a zero-width joiner only after a virama, as
            # IDNA 2008's CONTEXTJ rules), not IDNA 2008's other rules: 'i❤.ws' is a domain
            # they reach, which idna.check_label refuses.
            for label in labels:
                if not label.isascii():
                    _browsers_label(label)
        except idna.IDNAError as exc:
            raise UnicodeError(str(exc)) from None
        dns = [
            label if label.isascii() else "xn--" + label.encode("punycode").decode("ascii")
            for label in labels
        ]
    # An empty part is allowed last only (the root's dot, 'example.').
    if any(len(label) > 63 for label in dns) or "" in dns[:-1]:
        raise UnicodeError("parts of 63 characters at most, between dots")
    return ".".join(dns)


# What a host cannot hold, to a browser (the WHATWG URL standard's forbidden host code points).
_NOT_IN_A_HOST = frozenset("\x00\t\n\r #/:<>?@[\\]^|%")


def _browsers_label(label: str) -> None:
    """IDNAError for a label beyond ASCII that browsers refuse, after UTS #46's mapping: one
    beginning 'xn--' or with a combining mark, breaking the bidi rule (Hebrew or Arabic
    letters beside Latin ones), with a joiner out of its context (a zero-width joiner only
    after a virama, as CONTEXTJ), or a character no host holds. IDNA 2008's other rules,
    which browsers do not apply, are not asked: 'i❤.ws' is a domain they reach."""
    if label.startswith("xn--"):
        raise idna.IDNAError(f"'{label}' begins with 'xn--' but is not written in ASCII")
    forbidden = sorted(_NOT_IN_A_HOST.intersection(label))
    if forbidden:
        raise idna.IDNAError(f"'{label}' holds {forbidden[0]!r}, which no host may hold")
    idna.check_initial_combiner(label)
    idna.check_bidi(label)
    for at, char in enumerate(label):
        if char in "\u200c\u200d" and not idna.valid_contextj(label, at):
            raise idna.IDNAError(f"a joiner (U+{ord(char):04X}) where none may be, in '{label}'")


def ascii_url(value: str) -> str:
    """An address in ASCII, as every URL must be in RSS (a URL, not an IRI) and in email
    headers: an international domain in its DNS form (café.example: xn--caf-dma.example),
    other characters percent-encoded (ValueError for a domain no browser can reach)."""
    if value.isascii():
        return value
    parts = urlsplit(value)
    host = parts.hostname or ""
    try:
        ascii_host = dns_host(host) if not host.isascii() else host
    except UnicodeError:
        raise ValueError(f"'{value}': '{host}' is not a domain name a browser can reach") from None
    netloc = ascii_host + (f":{parts.port}" if parts.port else "")
    if "@" in parts.netloc:
        netloc = parts.netloc.rsplit("@", 1)[0] + "@" + netloc
    safe = "/%:@!$&'()*+,;=~-._"
    return urlunsplit(
        (
            parts.scheme,
            netloc,
            quote(parts.path, safe=safe),
            quote(parts.query, safe=safe + "?"),
            quote(parts.fragment, safe=safe + "?#"),
        )
    )


# tomllib's words, in the editor's: what is wrong, and the fix.
_TOML_PROBLEMS = {
    "Illegal character '\\n'": (
        "a quoted value is not closed on this line",
        'close it with the same quote it opens with: title = "DoPe Press"',
    ),
    "Invalid value": (
        "a value that is not quoted text, a number, true/false, a date or a [list]",
        'put text in double quotes: title = "DoPe Press"',
    ),
    "Unclosed array": (
        "a list opened with '[' is not closed",
        "close it with ']' after its last item, and put a comma between its items",
    ),
    "Unterminated string": (
        "a quoted value is not closed",
        "close it with the same quote it opens with",
    ),
    "Cannot overwrite a value": (
        "this setting is set twice",
        "keep one of the two lines",
    ),
    "Expected newline or end of document after a statement": (
        "something follows the value on this line",
        "put the whole value in quotes, or the rest after a '#' as a comment",
    ),
    "Unescaped '\\' in a string": (
        "a backslash in double quotes begins an escape ('\\n' is a line break)",
        "write a path with / (media/logo.png), or put the value in single quotes",
    ),
    "Expected '=' after a key in a key/value pair": (
        "a setting without '=' after its name",
        "write it name = value (TOML's '=', not YAML's ':')",
    ),
}


_DECLARED_TWICE = re.compile(r"Cannot declare \((.*)\) twice")

# What tomllib says of text written without quotes, or with quotes inside its quotes.
_TEXT_UNQUOTED = ("Invalid value", "Expected newline or end of document after a statement")


# A TOML string at the start of a value, up to its closing quote.
_CLOSED_TEXT = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'')


def _quoted_as_written(line: str) -> str | None:
    """The fix for a text value written unquoted (or with quotes inside quotes, or curly
    quotes) on ``line``: the line as it would read quoted, its own quotes escaped, or without
    what follows its closing quote; None if it holds no setting, or a value that is not text
    (a number, a list)."""
    import json

    key, equals, value = line.partition("=")
    value = re.sub(r"\s+#.*$", "", value.strip())  # a comment after it is not the value
    if not equals or not key.strip() or not value or value[0] in "[{" or value[0].isdigit():
        return None
    if len(value) > 2 and value[-1] in ",;" and value[-2] in "\"'":
        return f"remove the '{value[-1]}' after the value: {key.strip()} = {value[:-1]}"
    closed = _CLOSED_TEXT.match(value)
    rest = value[closed.end() :] if closed else ""
    if closed and rest and not (rest[0].isalnum() and value[-1] == value[0]):
        # Text after a quoted value ('"DoPe Press".', '"DoPe" Press'): quoting the whole line
        # published the quotes with it. Quotes inside quotes ('"DoPe "Press""') go on below.
        return (
            f"remove '{rest.strip()}' after the closing quote (or move it inside the quotes): "
            f"{key.strip()} = {closed.group()}"
        )
    for opening, closing in ('""', "''", "\u201c\u201d", "\u2018\u2019"):
        if len(value) > 1 and value[0] == opening and value[-1] == closing:
            value = value[1:-1]  # its own quotes kept out; quotes inside it escaped
            break
    return f"put the text in double quotes: {key.strip()} = {json.dumps(value, ensure_ascii=False)}"


def _number_written(text: str, line: int) -> str | None:
    """The fix for a word written where a setting takes a number (``latest = twenty``):
    quoted, as text is, it was refused again as no number. None for any other setting."""
    lines = text.split("\n")
    key = lines[line - 1].partition("=")[0].strip()
    table = next(
        (found.group(1) for above in reversed(lines[: line - 1])
         if (found := re.match(r"\s*\[\s*([\w.-]+)\s*\]\s*(?:#.*)?$", above))),
        None,
    )  # fmt: skip
    model: Any = Settings
    for part in table.split(".") if table else ():
        field = model.model_fields.get(part)
        model = type(field.default) if field is not None else None
        if not (isinstance(model, type) and issubclass(model, Model)):
            return None
    field = model.model_fields.get(key)
    if field is None or field.annotation not in (int, float):
        return None
    default = field.default if isinstance(field.default, int | float) else 1
    return f"write a number, without quotes: {key} = {default}"


def _invisible(line: str) -> list[tuple[int, str]]:
    """The characters no one sees on a TOML line outside its quoted text and its comment
    (their column, from 1, and them): between a setting's name, its '=' and its value TOML
    takes a space or a tab, and tomllib's words for another ("a setting without '='") led
    the editor to a line that had one."""
    found: list[tuple[int, str]] = []
    quote, escaped = "", False
    for column, char in enumerate(line, 1):
        if quote:
            if escaped:
                escaped = False
            elif char == "\\" and quote == '"':
                escaped = True
            elif char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "#":
            break
        elif char not in " \t" and unicodedata.category(char) in ("Cc", "Cf", "Zs", "Zl", "Zp"):
            found.append((column, char))
    return found


def _opened_above(text: str, line: int) -> int | None:
    """The line, up to ``line``, whose value opens a list ('key = [') it does not close there;
    None when no line does (the problem is elsewhere: a missing comma, told at its line)."""
    lines = text.split("\n")
    for number in range(min(line, len(lines)), 0, -1):
        key, equals, value = _unquoted(lines[number - 1]).partition("=")
        if equals and value.lstrip().startswith("[") and value.count("[") > value.count("]"):
            return number
    return None


def _unquoted(line: str) -> str:
    """A TOML line without its quoted strings and its comment."""
    return re.sub(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'', '""', line).split("#", 1)[0]


# Names in the zone database for an offset kept all year: what was likely meant, and the
# place that keeps that offset all year. (HST is Hawaii's, which keeps no summer time.)
_FIXED_OFFSETS = {
    "EST": ("America/New_York", "America/Panama"),
    "MST": ("America/Denver", "America/Phoenix"),
}

# The abbreviations editors write for a zone ('PST'), which name no zone of the database:
# the zone of the place most publications mean, as a time written with one is read.
_ABBREVIATIONS = {name: zone for name, (_, zone) in ABBREVIATIONS.items()}


class Feeds(Model):
    """Feed settings."""

    items: Whole = Field(
        50,
        gt=0,
        le=1000,
        description="Items per feed (the issues feed too); full-content items weigh ~10 KB "
        "an entry, ~25 KB an issue.",
    )


class Site(Model):
    """The site's pages that list the archive."""

    latest: Whole = Field(
        20,
        gt=0,
        le=1000,
        description=(
            "Entries the home page lists, newest first; every entry is listed by its year "
            "under archive/ (a home page listing thousands is megabytes)."
        ),
    )


#: What to write in ``[sender] postal_address``: no address to copy (one copied from a hint
#: went into every email's footer, another publication's).
POSTAL_ADDRESS_HINT = (
    "write the address a letter would reach (the law asks every newsletter for one): its "
    "street and number or P.O. box, postal code, city and country"
)


def unsubscribe_url_hint(settings: Settings) -> str:
    """What to write in ``[sender] unsubscribe_url``: a page of the publication's own site."""
    return (
        "set it to your page that handles one-click unsubscribes (RFC 8058), e.g. "
        f'unsubscribe_url = "{settings.url("unsubscribe")}" (README: The unsubscribe page, '
        "yours to run)"
    )


class Sender(Model):
    """Who newsletters come from, and the postal address the law asks for."""

    from_name: Line = Field(description="Display name in the From header.")
    from_email: Email = Field(description="From address (a domain verified at the provider).")
    reply_to: Email | None = Field(None, description="Where replies go.")
    postal_address: Text | None = Field(
        None,
        description="The publication's postal address, for the emails' footer: required to "
        "send (the law asks every newsletter for one).",
    )
    unsubscribe_url: Url | None = Field(
        None, description="Page that handles one-click unsubscribes (RFC 8058)."
    )
    unsubscribe_mailto: Email | None = Field(None, description="Address for mailto unsubscribes.")

    @field_validator("postal_address")
    @classmethod
    def _an_address(cls, value: str | None) -> str | None:
        # The law asks every bulk email for a real one (CAN-SPAM: a valid physical postal
        # address): 'TBD' went into every email's footer without a word. Left out (a new
        # publication's, until it has one), the build warns and the send refuses.
        if value is not None and placeholder_address(value):
            raise hinted(
                f"'{value.strip()}' is a placeholder, not a postal address",
                "write the publication's street address, city and country (a P.O. box "
                "registered with the post will do): the law asks every newsletter for one",
            )
        return value

    @field_validator("unsubscribe_url")
    @classmethod
    def _https(cls, value: str | None) -> str | None:
        # RFC 8058: one-click unsubscribing (which Gmail and Yahoo ask of bulk senders) needs
        # an https URI in List-Unsubscribe.
        if value is not None and urlsplit(value).scheme != "https":
            raise ValueError(
                f"'{value}': the unsubscribe page's address must start with https:// (mail "
                "programs unsubscribe in one click only through https, RFC 8058)"
            )
        if value is None:
            return None
        _no_token(value)
        return _ascii_uri(value)


def _no_token(url: str) -> None:
    # The sender adds each reader's token to the query: an address with a 'token' of its own
    # went out as '?token=&token=<token>', and a page reading the first got an empty one.
    parts = urlsplit(url)
    pieces = parts.query.split("&") if parts.query else []
    # As the page reads the name: '?tok%65n=' is its 'token' too.
    kept = [p for p in pieces if unquote_plus(p.partition("=")[0]) != "token"]
    if len(kept) == len(pieces):
        return
    left = urlunsplit(parts._replace(query="&".join(kept)))
    raise ValueError(
        f"'{url}' has a token already; dopemail adds each reader's (?token=<token>): write '{left}'"
    )


def _ascii_uri(url: str) -> str:
    """``url`` as a URI of ASCII characters: its host as the DNS knows it (dns_host:
    'bücher.example' is 'xn--bcher-kva.example'), other letters beyond ASCII escaped
    ('désinscription': 'd%C3%A9sinscription'). A header takes no other: List-Unsubscribe's
    was encoded as a header's words, which no mail program reads as a link."""
    if url.isascii():
        return url
    parts = urlsplit(url)
    user, at, hostport = parts.netloc.rpartition("@")
    host, colon, port = hostport.partition(":")
    try:
        host = dns_host(host)
    except UnicodeError as exc:
        raise ValueError(
            f"'{url}': its host, {host}, is not a name a domain can have ({exc})"
        ) from exc
    keep = "/%:@!$&'()*+,;=?~"
    return urlunsplit(
        (
            parts.scheme,
            quote(user, safe=keep) + at + host + colon + port,
            quote(parts.path, safe=keep),
            quote(parts.query, safe=keep),
            quote(parts.fragment, safe=keep),
        )
    )


#: Gmail shows only the first 102 KB of a message's HTML (and a "[Message clipped]" link).
GMAIL_CLIPS_AT = 102_000


class Newsletter(Model):
    """Quality thresholds for the newsletter email."""

    max_bytes: Whole = Field(
        GMAIL_CLIPS_AT,
        gt=0,
        description="Refuse an email HTML larger than this (Gmail's clipping limit).",
    )
    # After max_bytes: its validator compares the two.
    warn_bytes: Whole = Field(
        80_000, gt=0, description="Warn when the email HTML is larger (Gmail clips at 102 KB)."
    )
    max_style_bytes: Whole = Field(
        16_000, gt=0, description="Gmail drops <style> blocks larger than 16 KB."
    )
    max_picture_bytes: Whole = Field(
        1_500_000,
        gt=0,
        description="A picture in the email heavier than this (in bytes) is warned about: "
        "every reader downloads it.",
    )
    gallery_images: Whole = Field(
        4,
        ge=0,
        description="Gallery photos per film in the email, after the lead image; the rest are "
        "one link away on the entry's page (a shorter email to scroll and to load).",
    )

    @field_validator("max_bytes", "warn_bytes", "max_style_bytes", "max_picture_bytes")
    @classmethod
    def _in_bytes(cls, value: int) -> int:
        # "max_bytes = 102" meant 102 KB: read as bytes, it refused every issue, each told
        # to gather fewer entries. No email, style block or picture is under a kilobyte.
        if 0 < value < 1000:
            raise ValueError(
                f"{value} bytes is less than a kilobyte: the limits are in bytes; for {value} "
                f"KB, write {value}_000"
            )
        return value

    @model_validator(mode="before")
    @classmethod
    def _stricter(cls, data: Any) -> Any:
        # A stricter max_bytes alone: the default warning would come after the refusal.
        if isinstance(data, dict) and "warn_bytes" not in data:
            limit = data.get("max_bytes")
            default = cls.model_fields["warn_bytes"].default
            if isinstance(limit, int) and 1000 <= limit < default:  # (below: see _in_bytes)
                return {**data, "warn_bytes": limit}
        return data

    @field_validator("warn_bytes")
    @classmethod
    def _warning_first(cls, value: int, info: ValidationInfo) -> int:
        limit = info.data.get("max_bytes")
        if isinstance(limit, int) and value > limit:
            raise ValueError(
                f"{value} is above max_bytes ({limit}): an email too large would be refused "
                "without the warning that comes first; set it to max_bytes at most"
            )
        return value


#: The providers ``[send] provider`` can name.
PROVIDERS = ("outbox", "postmark", "resend", "sendgrid", "mailgun", "buttondown", "ses")


class ProviderSettings(Model):
    """Where one provider's API lives and how long to wait for it (never its key)."""

    base_url: Url = Field(description="The API's base URL: another region, a test server.")
    timeout: float | None = Field(
        None, gt=0, description="Seconds to wait for one answer; defaults to [send] timeout."
    )
    requests_per_second: float | None = Field(
        None,
        ge=0,
        description="Most requests a second to this provider (retries count); defaults to its "
        "documented limit (Resend: 2; SES: 1, its sandbox's, unless [send] rate is set), else "
        "none; 0 means no pacing.",
    )
    allow_http: bool = Field(
        False,
        description="Let an http:// base_url name another machine (a test server on your "
        "network): the API key and readers' addresses then cross that network readable.",
    )

    @property
    def api_url(self) -> str:
        """Where the API is: ``base_url`` (SES: made from its region when not given)."""
        return str(self.base_url)


def this_machine(host: str) -> bool:
    """Whether ``host`` names this machine (localhost, a loopback address)."""
    import ipaddress

    if host.lower() == "localhost" or host.lower().endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)  # ::ffff:127.0.0.1
    return address.is_loopback or (mapped is not None and mapped.is_loopback)


class PostmarkSettings(ProviderSettings):
    """Postmark (key in DOPEMAIL_POSTMARK_TOKEN)."""

    base_url: Url = Field("https://api.postmarkapp.com", description="Postmark's API.")
    message_stream: Line = Field(
        "broadcast", description="Message stream ID: newsletters belong in a Broadcast stream."
    )


class ResendSettings(ProviderSettings):
    """Resend (key in DOPEMAIL_RESEND_API_KEY)."""

    base_url: Url = Field("https://api.resend.com", description="Resend's API.")


class _VersionAdded(ProviderSettings):
    """A provider whose API paths begin with /v3, which dopemail adds (Mailgun, SendGrid)."""

    @field_validator("base_url")
    @classmethod
    def _without_version(cls, value: str) -> str:
        # Their documentation writes the base URL with /v3: copied into base_url, every
        # request would go to /v3/v3/..., which is not their API (and a page that answers
        # 200 there is no receipt).
        if urlsplit(value).path.rstrip("/").lower().endswith("/v3"):
            example = cls.model_fields["base_url"].default
            raise ValueError(
                f"'{value}': give the API's address without '/v3' (dopemail adds it), "
                f"e.g. '{example}'"
            )
        return value


class SendGridSettings(_VersionAdded):
    """SendGrid (key in DOPEMAIL_SENDGRID_API_KEY)."""

    base_url: Url = Field(
        "https://api.sendgrid.com",
        description="SendGrid's API; EU regional subusers use 'https://api.eu.sendgrid.com'.",
    )


class MailgunSettings(_VersionAdded):
    """Mailgun (key in DOPEMAIL_MAILGUN_API_KEY)."""

    base_url: Url = Field(
        "https://api.mailgun.net",
        description="Mailgun's API; domains in the EU region use 'https://api.eu.mailgun.net'.",
    )
    domain: str | None = Field(
        None, description="Sending domain at Mailgun; defaults to the domain of from_email."
    )


class ButtondownSettings(ProviderSettings):
    """Buttondown, which holds the subscriber list (key in DOPEMAIL_BUTTONDOWN_API_KEY)."""

    base_url: Url = Field("https://api.buttondown.com/v1", description="Buttondown's API.")


#: An AWS region's name: us-east-1, eu-west-1, ap-southeast-2, us-gov-west-1.
_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d{1,2}")


class SesSettings(ProviderSettings):
    """Amazon SES, API v2 (credentials in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and, for
    temporary ones, AWS_SESSION_TOKEN)."""

    region: str = Field(
        "us-east-1",
        description="The AWS region whose SES sends (where the From domain is verified), "
        "e.g. 'eu-west-1'; requests are signed for it.",
        json_schema_extra={"pattern": _REGION.pattern},
    )
    base_url: Url | None = Field(  # type: ignore[assignment]
        None,
        description="SES's API; defaults to https://email.<region>.amazonaws.com (an AWS "
        "endpoint given must be region's: requests are signed for it).",
    )

    @field_validator("region")
    @classmethod
    def _region(cls, value: str) -> str:
        if not _REGION.fullmatch(value):
            raise ValueError(
                f"'{value}' is not an AWS region's name: give the one SES sends from, as "
                "its console's address names it, e.g. 'eu-west-1' or 'us-east-1'"
            )
        return value

    @model_validator(mode="after")
    def _endpoint_in_region(self) -> SesSettings:
        # Requests are signed for `region`: an AWS endpoint of another region refuses each
        # one ("Credential should be scoped to a valid region"), the send stopped at its first
        # request, when this line can say so before any.
        if self.base_url is None:
            return self
        host = (urlsplit(str(self.base_url)).hostname or "").lower()
        if not host.endswith((".amazonaws.com", ".amazonaws.com.cn")):
            return self
        found = next((label for label in host.split(".") if _REGION.fullmatch(label)), None)
        if found is not None and found != self.region:
            raise at_field(
                "base_url",
                f"'{self.base_url}' is SES's endpoint in {found}, but [send.ses] region is "
                f"'{self.region}': requests are signed for the region, and AWS refuses them "
                f"at another region's endpoint; set region = '{found}' (where the From "
                "domain is verified), or leave base_url out: it is made from region",
            )
        return self

    @property
    def api_url(self) -> str:
        """``base_url``, else the region's own endpoint."""
        return str(self.base_url or f"https://email.{self.region}.amazonaws.com")


class SendSettings(Model):
    """How issues are sent. API keys are never here: they are read from SECRET_ENV."""

    provider: str = Field(
        "outbox",
        description="Who delivers: outbox (.eml files, no account), postmark, resend, "
        "sendgrid, mailgun, buttondown or ses (Amazon SES).",
        json_schema_extra={"enum": list(PROVIDERS)},
    )
    subscribers: str = Field(
        "subscribers.csv", description="The subscriber list (CSV), relative to the workspace."
    )
    outbox: str = Field("outbox", description="Folder the outbox provider writes .eml files to.")
    tracking: Literal["off", "account"] = Field(
        "off",
        description="off: Postmark, SendGrid and Mailgun are asked, message by message, not to "
        "count opens (a pixel) nor to rewrite links to count clicks, whatever the account's "
        "settings say; account: the account's settings decide. Resend, Buttondown and SES have "
        "no such switch per message: their account's or domain's settings decide (SES: the "
        "identity's default configuration set).",
    )
    rate: float = Field(0, ge=0, description="Most messages per second; 0 means no cap.")
    timeout: float = Field(10.0, gt=0, description="Seconds to wait for a provider's answer.")
    retries: Whole = Field(
        6, ge=0, le=100, description="Retries of a batch after 429, 5xx or a network error."
    )
    backoff: float = Field(
        1.0, ge=0, description="First retry delay in seconds; it doubles each time, with jitter."
    )
    backoff_max: float = Field(60.0, ge=0, description="Longest delay between two retries.")
    max_wait: float = Field(
        900.0,
        gt=0,
        description="Longest wait a provider may ask for (Retry-After); beyond it the send "
        "stops and resumes when run again.",
    )
    batch_size: Whole | None = Field(
        None, gt=0, description="Messages per request, below the provider's own limit."
    )
    concurrency: Whole | None = Field(
        None,
        ge=1,
        le=64,
        description="Batches posted at once (each in flight until its answer is recorded). "
        "Default: 4; 2 for Resend (its default limit is 2 requests a second); 1 for the outbox.",
    )
    # Defaults made with model_construct(): the same values, without building each model's
    # validator at import (25 ms at every start, and a warm build validates no settings).
    # Nothing runs on them: a model_validator added to one of these sections would not see
    # its default (a test compares each default with a validated empty section).
    postmark: PostmarkSettings = PostmarkSettings.model_construct()
    resend: ResendSettings = ResendSettings.model_construct()
    sendgrid: SendGridSettings = SendGridSettings.model_construct()
    mailgun: MailgunSettings = MailgunSettings.model_construct()
    buttondown: ButtondownSettings = ButtondownSettings.model_construct()
    ses: SesSettings = SesSettings.model_construct()

    @field_validator("provider")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in PROVIDERS:
            raise ValueError(f"unknown provider '{value}': choose one of {', '.join(PROVIDERS)}")
        return value


class Settings(Model):
    """Everything in dopemail.toml."""

    publication: Publication
    feeds: Feeds = Feeds.model_construct()  # model_construct(): see SendSettings
    site: Site = Site.model_construct()
    sender: Sender
    newsletter: Newsletter = Newsletter.model_construct()
    send: SendSettings = SendSettings.model_construct()

    @property
    def host(self) -> str | None:
        """The site's host name, which its feed ids are made of."""
        return urlsplit(self.publication.base_url).hostname

    def url(self, path: str = "") -> str:
        """An absolute URL on the publication's site."""
        return self.publication.base_url + path.lstrip("/")

    def media_url(self, src: str) -> str:
        """The URL of a picture: an https URL as it is, a file under media/ on the site.

        A space, an accent or a bracket in a file name is written as a URL spells it (%20):
        left as it is, it breaks the URL in feed readers and the plain-text email.
        """
        if src.startswith("https://"):
            return src
        # Accents as one character each (NFC), however the disk spells the file's name (a
        # Mac's, 'e' and an accent): the same URL on every machine (see site.media_files).
        return self.url(quote(unicodedata.normalize("NFC", src.lstrip("/")), safe=_PATH_SAFE))


# What a URL path holds as it is: RFC 3986's pchar and "/", less the quote and brackets that
# mail programs take for the end of a link in plain text; anything else is %-encoded.
_PATH_SAFE = "/:@!$&+,;="


def config_line(root: Path, loc: tuple[Any, ...]) -> int | None:
    """The line of ``dopemail.toml`` in ``root`` that sets ``loc`` (None if not found)."""
    try:
        return _key_line((root / CONFIG_NAME).read_text(encoding="utf-8"), loc)
    except (OSError, UnicodeDecodeError):
        return None


def _key_line(text: str, loc: tuple[Any, ...]) -> int | None:
    """Best-effort line of a dotted key in TOML text (tomllib keeps no positions)."""
    section, line_no = "", None
    wanted_section = ".".join(str(p) for p in loc[:-1])
    key = str(loc[-1]) if loc else ""
    # Lines as the editor counts them: splitlines() also ends one at U+2028 and U+0085,
    # which TOML allows in comments and strings.
    for number, line in enumerate(text.split("\n"), 1):
        # A table's header, or an array of tables' ([[sender]], for [sender] written wrong).
        header = re.match(r"^\s*\[\[?([^\[\]]+)\]", line)
        if header:
            section = header.group(1).strip()
            if section == ".".join(str(p) for p in loc):
                line_no = line_no or number
            continue
        if section == wanted_section and re.match(rf"^\s*{re.escape(key)}\s*=", line):
            return number
    return line_no


def config_not_a_file(root: Path) -> ConfigError | None:
    """What is wrong with ``dopemail.toml`` in ``root`` when the name is there and no file
    can be read by it (a folder, a link to nothing); None when it is a file, or not there."""
    path = root / CONFIG_NAME
    if path.is_file() or not os.path.lexists(path):
        return None
    if path.is_dir():
        return ConfigError(
            "a folder, not a file: the publication's settings are a file of this name",
            CONFIG_NAME,
            None,
            "move the folder away and put the settings file in its place (git checkout "
            f"{CONFIG_NAME}, if it is in git)",
        )
    if path.is_symlink() and not path.exists():
        return ConfigError(
            f"a link to {os.readlink(path)}, which is not there",
            CONFIG_NAME,
            None,
            "connect the disk or folder it links to (or mend the link), then run again",
        )
    return ConfigError(
        "not a file (a pipe or a device): the publication's settings are a file of this name",
        CONFIG_NAME,
        None,
        "remove it and put the settings file in its place",
    )


def load_settings(root: Path) -> Settings:
    """Read and validate ``dopemail.toml`` in ``root``."""
    from .validation import describe_errors  # shared with entries; imported late to stay light

    path = root / CONFIG_NAME
    shown = CONFIG_NAME
    odd = config_not_a_file(root)
    if odd is not None:
        raise odd
    try:
        data_bytes = path.read_bytes()
    except FileNotFoundError:
        if not root.is_dir():  # a mistyped --root: not a publication without its settings
            raise ConfigError(
                f"no folder {root}",
                None,
                None,
                f"check the path given with --root: the publication's folder, with its "
                f"{CONFIG_NAME}",
            ) from None
        raise ConfigError(
            f"no {CONFIG_NAME} in {root}",
            None,
            None,
            "run dopemail in the publication's folder (or a folder inside it), or pass --root DIR",
        ) from None
    try:
        # A byte-order mark (Notepad's UTF-8) is not TOML, but it is not the editor's mistake.
        text = data_bytes.decode("utf-8").removeprefix("\ufeff")
        # Line ends as entries' are read: an old Mac's CR alone is one too, which TOML refuses
        # ("Found invalid character '\r'").
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError as exc:
        said, line = not_utf8(data_bytes, exc)
        raise ConfigError(
            said, shown, line, "save the file as UTF-8 (in most editors: Save As, encoding UTF-8)"
        ) from None
    conflict = merge_conflict(text, shown) if "<<<<<<<" in text else None
    if conflict is not None:
        raise ConfigError(conflict.message, shown, conflict.line, conflict.hint)
    try:
        data = tomllib.loads(text)
    except RecursionError:
        what, fix = NESTED_TOO_DEEPLY
        raise ConfigError(what, shown, deepest_line(text), fix) from None
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        said = re.sub(r" \((?:at line \d+, column \d+|at end of document)\)$", "", str(exc))
        what, fix = _TOML_PROBLEMS.get(said, (said, "check the quotes and brackets on that line"))
        twice = _DECLARED_TWICE.fullmatch(said)
        if twice is not None:
            # tomllib names the table as a Python tuple: "Cannot declare ('sender',) twice".
            table = ".".join(re.findall(r"'([^']*)'", twice.group(1)))
            what = f"the table [{table}] is written twice (this is the second)"
            fix = (
                f"keep one [{table}] line, with all of its settings under it (a setting "
                "written under both: keep the one meant)"
            )
            # Its [table] lines, however written ([send."mailgun"], [ send . mailgun ]).
            headers = [
                re.sub(r"""\s*\.\s*""", ".", found.strip()).replace('"', "").replace("'", "")
                for found in re.findall(r"(?m)^[ \t]*\[(?!\[)([^\]\n]+)\]", text)
            ]
            if headers.count(table) < 2:
                # Made once by its [table] line and once otherwise: under the table above, a
                # dotted name ('mailgun.base_url' under [send]) or an inline table ('mailgun =
                # {...}'); or [[table]].
                head, _, last = table.rpartition(".")
                under = f" under [{head}]" if head else ""
                what = f"the table [{table}] is made twice (this line makes it again)"
                fix = (
                    f"it is made above too: by a dotted name ({last}.<setting> = ...{under}), an "
                    f"inline table ({last} = {{...}}{under}) or [[{table}]]; put all of its "
                    f"settings under this one [{table}] line, and remove the other"
                )
        line = int(match.group(1)) if match else None
        if match is None and str(exc).endswith("(at end of document)"):
            # The file ended inside something: a list left open, most likely (its items
            # read as values up to the end), told where it opens; else at the last line.
            if _opened_above(text, text.count("\n") + 1) is not None:
                said = "Unclosed array"
                what, fix = _TOML_PROBLEMS[said]
            else:
                line = len(text.rstrip("\n").split("\n"))
        if said == "Unclosed array":
            # Noticed at the next line (or the end of the file): told where the list opens;
            # a list closed on its line is one with a comma missing between two items.
            opened = _opened_above(text, line or text.count("\n") + 1)
            if opened is None:
                what, fix = (
                    "two items of a list are not separated by a comma",
                    ('put a comma between them: ["film", "cinema"]'),
                )
            line = opened or line
        if line and said in _TEXT_UNQUOTED:
            fix = (
                _number_written(text, line) or _quoted_as_written(text.split("\n")[line - 1]) or fix
            )
        invisible = _invisible(text.split("\n")[line - 1]) if line else []
        if invisible:
            (column, char), more = invisible[0], len(invisible) - 1
            kind = "control character" if unicodedata.category(char) == "Cc" else "character"
            what = f"an invisible {kind}, {char_named(char)}, at column {column}" + (
                f" and {more} more on the line" if more else ""
            )
            fix = (
                f"delete {'them' if more else 'it'} (text pasted from a web page or a word "
                "processor brings them): between a setting's name, its '=' and its value TOML "
                "takes spaces and tabs"
            )
        raise ConfigError(f"broken TOML: {what}", shown, line, fix) from None
    from .validation import controls_in, field_path

    # TOML refuses them typed, not as escapes ("\u000c").
    raise_all(
        [
            ConfigError(
                f"{field_path(loc)}: an invisible control character, U+{ord(char):04X}",
                shown,
                _key_line(text, loc),
                "remove it from its value (typed, or as an escape such as \\u000c)",
            )
            for loc, char in controls_in(data)
        ]
    )
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        errors: list[DopemailError] = [
            ConfigError(message, shown, _key_line(text, loc), hint)
            for loc, message, hint in describe_errors(exc, Settings, data)
        ]
        raise_all(errors)
        raise AssertionError("unreachable") from None
    published = _published_folder(root, settings.send.outbox)
    if published is not None:
        raise ConfigError(
            f"send.outbox is inside {published}/, which is published: the outbox's emails "
            "(each reader's address and unsubscribe link) would go out with the site",
            shown,
            _key_line(text, ("send", "outbox")),
            'give it a folder of its own, outside site/ and feeds/: outbox = "outbox"',
        )
    return settings


#: The folders a build writes and the site publishes (site.SITE_DIR, and the feeds').
_PUBLISHED = ("site", "feeds")


def _published_folder(root: Path, folder: str) -> str | None:
    """Which published folder of ``root`` the folder ``folder`` (as dopemail.toml gives it:
    relative to ``root``, or absolute) is in, if it is in one."""
    where = Path(posixpath.normpath((root / folder).as_posix()))
    real = Path(os.path.realpath(where))  # a folder linked into site/ writes into it
    for name in _PUBLISHED:
        published = Path(posixpath.normpath((root / name).as_posix()))
        if where.is_relative_to(published) or real.is_relative_to(os.path.realpath(published)):
            return name
    return None


__all__ = [
    "AWS_CALLED",
    "AWS_CREDENTIALS_FROM",
    "AWS_ENV",
    "AWS_KEY_ID_ENV",
    "AWS_SECRET_ENV",
    "AWS_TOKEN_ENV",
    "CONFIG_NAME",
    "SECRET_ENV",
    "Settings",
    "config_line",
    "load_settings",
]
