"""One issue, one recipient: the personal message.

What differs per reader is the unsubscribe link. The build writes the placeholder
:data:`~dopemail.personalize.UNSUBSCRIBE_PLACEHOLDER` where the link goes; here it becomes
``<unsubscribe_url>?token=<token>`` (the token in the page's query, before any ``#fragment``),
where the token is the address signed with HMAC-SHA256 (secret from
``DOPEMAIL_UNSUBSCRIBE_SECRET``), so the unsubscribe page can trust it without a database
lookup (:func:`verify_token`). The same link goes into ``List-Unsubscribe`` next to a
``mailto:``, with ``List-Unsubscribe-Post: List-Unsubscribe=One-Click`` (RFC 8058).

Every message also carries the postal address and a Message-ID that is stable across retries
and names the issue; when a built email lacks the link or the address, a footer adds them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html as html_lib
import secrets
from dataclasses import dataclass, field
from email import policy
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formataddr, formatdate
from json.encoder import encode_basestring

from ..compile import to_ascii
from ..config import Sender
from ..personalize import UNSUBSCRIBE_PLACEHOLDER, token_link_parts
from .issue import BuiltIssue

UNSUBSCRIBE_SECRET_ENV = "DOPEMAIL_UNSUBSCRIBE_SECRET"
ONE_CLICK = "List-Unsubscribe=One-Click"


def name_and_address(name: str, address: str) -> str:
    """``Name <address>`` as a header holds it: quoted as RFC 5322 wants, a name beyond ASCII
    in RFC 2047's encoded words of 75 characters at most (formataddr writes one, however
    long: a long name made one of 107, which the RFC refuses and some servers cut)."""
    if not name or name.isascii():
        return formataddr((name, address))
    encoded = Header(name, "utf-8", maxlinelen=75).encode(linesep="")
    return f"{encoded} <{address}>"


class _HeadersPolicy(policy.EmailPolicy):
    """SMTP's, but a header all in ASCII written whole, up to RFC 5322's hard limit of 998.

    Folded at 78 columns, the stdlib turns a long List-Unsubscribe URL (or one in a
    subject) into RFC 2047 encoded-words, which clients do not decode there, and moves a long
    Message-ID or X-Dopemail-Issue to a line of its own, which parsers read back with a
    space before it. A header in other letters than ASCII is folded at 78: written as
    encoded-words of at most 75 characters (RFC 2047), one a line (at 998, a subject with
    accents was one word of 108, which strict readers show as it is).
    (Bodies are encoded when set, under :data:`_BODY_POLICY`, not this one.)
    """

    def fold_binary(self, name: str, value: str) -> bytes:
        if str(value).isascii():
            return _WIDE.fold_binary(name, value)
        return super().fold_binary(name, value)


_WIDE = policy.SMTP.clone(max_line_length=998)
_HEADERS_POLICY = _HeadersPolicy(linesep="\r\n")
#: RFC 2045 §6.7 (5): an encoded line is 76 characters at most. set_content encodes a body
#: with its message's policy's max_line_length, which SMTP's sets at 78, for headers.
_QP_LINE = 76
_BODY_POLICY = policy.SMTP.clone(max_line_length=_QP_LINE)
_TOKEN_CONTEXT = b"dopemail-unsubscribe\0"


def json_escape(text: str) -> bytes:
    """``text`` as the inside of a JSON string, UTF-8 encoded: what ``json.dumps(...,
    ensure_ascii=False)`` (httpx's encoding) writes between the quotes."""
    # The string encoder json.dumps ends in, called directly: dumps with a keyword makes an
    # encoder object at each call, 3 µs, four times for each reader of a send.
    return encode_basestring(text)[1:-1].encode("utf-8")


def _around(pieces: list[bytes], link: bytes) -> list[bytes]:
    parts = [pieces[0]]
    for piece in pieces[1:]:
        parts += (link, piece)
    return parts


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def unsubscribe_token(email: str, secret: bytes) -> str:
    """``<address, base64url>.<HMAC-SHA256 of it, 128 bits>``: says who, and proves we said it."""
    address = email.lower().encode("utf-8")
    mac = hmac.digest(secret, _TOKEN_CONTEXT + address, "sha256")[:16]  # (OpenSSL's, in one call)
    return f"{_b64(address)}.{_b64(mac)}"


def verify_token(token: str, secret: str | bytes) -> str | None:
    """The address a token was made for, or None if it was not made with ``secret``.

    ``secret`` is the value of DOPEMAIL_UNSUBSCRIBE_SECRET, as text (the sender signs with its
    UTF-8 bytes) or as those bytes.
    """
    if isinstance(secret, str):  # as the unsubscribe page reads it from its environment
        secret = secret.encode("utf-8")
    try:
        encoded, _, signature = token.partition(".")
        address = _unb64(encoded)
        expected = hmac.digest(secret, _TOKEN_CONTEXT + address, "sha256")[:16]
        if hmac.compare_digest(expected, _unb64(signature)):
            return address.decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        pass
    return None


def _address(name: str, addr: str) -> Address | str:
    return Address(display_name=name, addr_spec=addr) if name else addr


@dataclass(frozen=True, slots=True)
class Recipient:
    """Who a message goes to; ``key`` is the ledger's (case-folded) form of the address."""

    email: str
    name: str = ""
    key: str = ""

    @property
    def to(self) -> str:
        """The To header: ``Name <address>``, quoted and encoded as RFC 5322 wants."""
        return name_and_address(self.name, self.email) if self.name else self.email


@dataclass(frozen=True, slots=True)
class Letter:
    """One message's personal parts: recipient, unsubscribe link and headers, Message-ID."""

    recipient: Recipient
    unsubscribe_url: str
    unsubscribe_mailto: str | None
    message_id: str
    extra_headers: tuple[tuple[str, str], ...] = ()

    def list_unsubscribe(self) -> str:
        """The ``List-Unsubscribe`` value: the https link first, then the mailto."""
        links = [f"<{self.unsubscribe_url}>"]
        if self.unsubscribe_mailto:
            links.append(f"<{self.unsubscribe_mailto}>")
        return ", ".join(links)

    def headers(self) -> dict[str, str]:
        """Headers every provider must carry for this recipient (RFC 8058 one-click included)."""
        headers = {"List-Unsubscribe": self.list_unsubscribe(), "List-Unsubscribe-Post": ONE_CLICK}
        headers.update(self.extra_headers)
        return headers


@dataclass
class Composer:
    """Makes each recipient's :class:`Letter` and the bodies with their link filled in."""

    issue: BuiltIssue
    sender: Sender
    secret: bytes = field(repr=False)
    test: bool = False
    #: Problems found in the built email (and fixed by a footer), for the editor to see.
    warnings: list[str] = field(default_factory=list)
    subject: str = field(init=False)
    html_template: str = field(init=False, repr=False)
    text_template: str = field(init=False, repr=False)
    domain: str = field(init=False)
    _headers: tuple[tuple[str, str], ...] = field(init=False)
    _pieces: dict[str, list[bytes]] = field(init=False, repr=False, default_factory=dict)
    _run: str = field(init=False, repr=False, default="")  # a --test's own, in its ids
    _link_parts: tuple[str, str] = field(init=False, repr=False, default=("", ""))

    def __post_init__(self) -> None:
        self.subject = ("[TEST] " if self.test else "") + self.issue.subject
        self.html_template = self._ensure_html_footer(self.issue.html)
        self.text_template = self._ensure_text_footer(self.issue.text)
        self.domain = self.sender.from_email.rpartition("@")[2]
        # Split once: the token goes in the page's query, before its fragment.
        self._link_parts = token_link_parts(self.sender.unsubscribe_url or "")
        self._headers = (("X-Dopemail-Issue", self.issue.issue_id),)
        self._run = secrets.token_hex(4) if self.test else ""
        if self.test:
            self._headers += (("X-Dopemail-Test", "yes"),)

    @property
    def from_header(self) -> str:
        """``DoPe Press <newsletter@...>``."""
        return name_and_address(self.sender.from_name, self.sender.from_email)

    @property
    def tag(self) -> str:
        """A provider tag naming the issue, in the characters every provider accepts; a test
        copy's says so, so that the provider's figures for the issue count its readers only."""
        return f"dopemail-issue-{self.issue.number}{'-test' if self.test else ''}"

    @property
    def label(self) -> str:
        """The issue's id as a provider's tag value gives it (``12-some-slug``), a test
        copy's marked as :attr:`tag` is."""
        return f"{self.issue.issue_id}{'-test' if self.test else ''}"

    def letter(self, recipient: Recipient) -> Letter:
        """The personal parts of the message to ``recipient``."""
        token = unsubscribe_token(recipient.email, self.secret)
        before, after = self._link_parts
        url = f"{before}{token}{after}"
        mailto = None
        if self.sender.unsubscribe_mailto:
            # The token's characters (base64url and a dot) are all unreserved in a URL:
            # only the space is quoted (urllib's quote took 7 µs of each reader).
            mailto = f"mailto:{self.sender.unsubscribe_mailto}?subject=unsubscribe%20{token}"
        digest = hashlib.sha256(recipient.key.encode("utf-8")).hexdigest()[:20]
        # A test copy's id is new at each --test (the same for its retries): Gmail shows a
        # message whose id it has seen once only, and the second test after an edit vanished.
        kind = f"test.{self._run}." if self.test else ""
        message_id = f"<dopemail.{self.issue.issue_id}.{kind}{digest}@{self.domain}>"
        return Letter(recipient, url, mailto, message_id, self._headers)

    def html(self, letter: Letter) -> str:
        """The HTML body for one recipient (their link, escaped for an attribute)."""
        return self.html_template.replace(
            UNSUBSCRIBE_PLACEHOLDER, html_lib.escape(letter.unsubscribe_url, quote=True)
        )

    def text(self, letter: Letter) -> str:
        """The plain-text body for one recipient."""
        return self.text_template.replace(UNSUBSCRIBE_PLACEHOLDER, letter.unsubscribe_url)

    def html_json(self, letter: Letter) -> bytes:
        """:meth:`html` as the inside of a JSON string (UTF-8, quotes not included).

        The body is escaped once per issue, around the link; per reader only the link is
        escaped and the pieces joined. JSON escapes character by character, so this is exactly
        the escaping of the whole body, at a fraction of the cost.
        """
        return b"".join(self.html_json_parts(letter))

    def text_json(self, letter: Letter) -> bytes:
        """:meth:`text` as the inside of a JSON string (see :meth:`html_json`)."""
        return b"".join(self.text_json_parts(letter))

    def html_json_parts(self, letter: Letter) -> list[bytes]:
        """:meth:`html_json` before the join: the issue's pieces (shared) around the link."""
        link = json_escape(html_lib.escape(letter.unsubscribe_url, quote=True))
        return _around(self._json_pieces("html"), link)

    def text_json_parts(self, letter: Letter) -> list[bytes]:
        """:meth:`text_json` before the join."""
        return _around(self._json_pieces("text"), json_escape(letter.unsubscribe_url))

    def _json_pieces(self, which: str) -> list[bytes]:
        pieces = self._pieces.get(which)
        if pieces is None:
            template = self.html_template if which == "html" else self.text_template
            pieces = [json_escape(part) for part in template.split(UNSUBSCRIBE_PLACEHOLDER)]
            self._pieces[which] = pieces
        return pieces

    def html_with(self, tag: str) -> str:
        """The HTML body with a provider's substitution tag where the link goes."""
        return self.html_template.replace(UNSUBSCRIBE_PLACEHOLDER, tag)

    def text_with(self, tag: str) -> str:
        """The text body with a provider's substitution tag where the link goes."""
        return self.text_template.replace(UNSUBSCRIBE_PLACEHOLDER, tag)

    def eml(self, letter: Letter, date: str | None = None) -> bytes:
        """The whole message as RFC 5322 bytes (CRLF lines, text and HTML alternatives)."""
        message = EmailMessage(policy=_BODY_POLICY)
        # As addresses, not as the headers' text: that text is parsed again, and a name in
        # Hebrew with '(Noa)' in it came out encoded in part, '(Noa)' a comment, its quotes
        # gone ('נועה Q').
        message["From"] = _address(self.sender.from_name, self.sender.from_email)
        message["To"] = _address(letter.recipient.name, letter.recipient.email)
        if self.sender.reply_to:
            message["Reply-To"] = self.sender.reply_to
        message["Subject"] = self.subject
        message["Date"] = date or formatdate(usegmt=True)
        message["Message-ID"] = letter.message_id
        for name, value in letter.headers().items():
            message[name] = value
        message.set_content(self.text(letter), subtype="plain", cte="quoted-printable")
        message.add_alternative(self.html(letter), subtype="html", cte="quoted-printable")
        # A body line starting "From " ("From June 13 to 16, French Film Days...") is made
        # ">From " by mail stored as mbox, which readers see and which breaks a DKIM body
        # hash: its F written =46 (quoted-printable) reads the same. (Headers say "From:".)
        raw = message.as_bytes(policy=_HEADERS_POLICY)
        if b"\r\nFrom " not in raw:
            return raw
        lines = raw.split(b"\r\n")
        return b"\r\n".join(piece for line in lines for piece in _from_escaped(line))

    # The build's templates are expected to carry both; when a custom template forgets them,
    # the law (postal address) and RFC 8058 readers (a visible link) still get what they need.
    def _ensure_html_footer(self, body: str) -> str:
        postal = self.sender.postal_address
        missing = []
        if UNSUBSCRIBE_PLACEHOLDER not in body:
            missing.append(f'<a href="{UNSUBSCRIBE_PLACEHOLDER}">Unsubscribe</a>')
            self.warnings.append("email.html has no unsubscribe link: a footer adds one")
        if postal and not _shows(
            body, postal, html_lib.escape(postal), to_ascii(html_lib.escape(postal))
        ):
            missing.append(html_lib.escape(postal))
            self.warnings.append("email.html lacks the postal address: a footer adds it")
        if not missing:
            return body
        footer = (
            '<p style="font-size:12px;color:#666;text-align:center">'
            + "<br>".join(missing)
            + "</p>"
        )
        at = body.lower().rfind("</body>")
        return body[:at] + footer + body[at:] if at >= 0 else body + footer

    def _ensure_text_footer(self, body: str) -> str:
        lines = []
        if UNSUBSCRIBE_PLACEHOLDER not in body:
            lines.append(f"Unsubscribe: {UNSUBSCRIBE_PLACEHOLDER}")
            self.warnings.append("email.txt has no unsubscribe link: a footer adds one")
        postal = self.sender.postal_address
        if postal and not _shows(body, postal):
            lines.append(postal)
            self.warnings.append("email.txt lacks the postal address: a footer adds it")
        if not lines:
            return body
        return body.rstrip("\n") + "\n\n-- \n" + "\n".join(lines) + "\n"


def _from_escaped(line: bytes) -> list[bytes]:
    """A quoted-printable line starting "From " with its F as =46, in lines of :data:`_QP_LINE`
    at most: the two characters more took a line of 76 to 78."""
    pieces = []
    while line.startswith(b"From "):
        line = b"=46" + line[1:]
        if len(line) <= _QP_LINE:
            break
        # A soft line break ('=' at the end) where it leaves no =XX escape cut in two.
        cut = at = 0
        while at < _QP_LINE:
            cut = at
            at += 3 if line[at : at + 1] == b"=" else 1
        pieces.append(line[:cut] + b"=")
        line = line[cut:]  # (which may itself start "From ")
    pieces.append(line)
    return pieces


def _shows(body: str, *forms: str) -> bool:
    """Whether ``body`` holds one of ``forms``, however its lines are broken: the text
    template wraps a long postal address, and an HTML one may break it over lines too."""
    flat = " ".join(body.split())
    return any(" ".join(form.split()) in flat for form in forms)
