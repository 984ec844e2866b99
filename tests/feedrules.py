"""Offline re-implementation of the W3C Feed Validation Service rules that can apply to our feeds.

The W3C validator (https://github.com/w3c/feedvalidator, ``src/feedvalidator/*.py``) is not on
PyPI and needs the network, so the tests use this module instead.  Two entry points::

    check_rss(xml_bytes) -> list[str]    # RSS 2.0 (feeds/rss.xml)
    check_atom(xml_bytes) -> list[str]   # Atom 1.0 (feeds/atom.xml, feeds/issues.xml)

Each problem is a human-readable string that starts with the name of the validator's message
class it mirrors, e.g. ``"MissingDescription: line 3 <channel>: missing <description>"``.
Only classes whose level is Error or Warning in ``logging.py`` are reported: the requirement is
"zero errors and no warnings", and Info-level events (MissingDCLanguage, NonstdPrefix,
MissingEncoding, ContainsSystemEntity, ...) do not count.  :data:`LEVELS` maps every class this
module can emit to its level.

Each rule carries a comment naming the validator file (and class/method) it mirrors, so a reader
can compare.  Deliberate differences:

* Out of scope (needs the network or the HTTP response): SelfDoesntMatchLocation, UnknownHost
  (DNS lookup of e-mail domains), HTTP Content-Type / EncodingMismatch / TempRedirect,
  SameDocumentReference (depends on the URL the feed was fetched from).
* The validator parses HTML with html5lib in strict mode (validators.py ``HTMLValidator``): the
  first html5lib parse error becomes a ``NotHtml`` warning.  html5lib is not a dependency here,
  so :class:`_HtmlScan` approximates it with ``html.parser`` plus the tokenizer and tree-builder
  errors that matter for sanitised Markdown output (unknown/misnested/unclosed tags, bad
  character references, stray ``<``/``&``, duplicate attributes, trailing ``/`` on non-void
  elements, control characters).  Table foster-parenting and the full adoption agency algorithm
  are not modelled.  Unlike the validator (which stops at the first parse error), the security
  checks (SecurityRisk/SecurityRiskAttr/DangerousStyleAttr) still run after a parse error.
* ``iso639codes.py`` (the validator's language list) is not available: two-letter codes are
  checked against ISO 639-1, three-letter codes are accepted as ISO 639-2.
* Extension namespaces other than Dublin Core, ``content:`` and Atom-in-RSS (media, itunes,
  georss, ...) are accepted without checking their elements.  skipHours/skipDays/textInput
  contents are not checked.
"""

from __future__ import annotations

import base64
import codecs
import contextlib
import datetime as _dt
import re
import time
import unicodedata
import xml.parsers.expat as expat
from collections.abc import Callable, Iterator
from email.utils import getaddresses, mktime_tz, parsedate, parsedate_tz
from html.entities import html5 as _HTML5_ENTITIES
from html.entities import name2codepoint
from html.parser import HTMLParser
from urllib.parse import quote, unquote, urlparse

__all__ = ["LEVELS", "canonical_uri", "check_atom", "check_rss", "html_problems", "message_classes"]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# --------------------------------------------------------------------------------------------
# Message levels (logging.py): only Error and Warning subclasses are reported.
# --------------------------------------------------------------------------------------------
_ERRORS = """
SAXError UndefinedNamedEntity UnicodeError UnknownEncoding BadXmlVersion MissingNamespace
NotInANamespace InvalidNamespace InvalidRSSVersion UndefinedElement NoBlink MissingAttribute
MissingHref UnexpectedAttribute DuplicateElement MissingElement MissingDescription MissingLink
MissingTitle ItemMustContainTitleOrDescription MissingXhtmlDiv MissingContentOrAlternate
MissingSummary InvalidContact InvalidAddrSpec InvalidLink UriNotIri InvalidIRI InvalidFullLink
InvalidUriChar InvalidURIAttribute InvalidURLAttribute InvalidW3CDTFDate InvalidRFC2822Date
IncorrectDOW InvalidRFC3339Date InvalidIntegerAttribute InvalidBooleanAttribute
InvalidMIMEAttribute InvalidNonNegativeInteger InvalidPositiveInteger UseZeroForUnknown
InvalidWidth InvalidHeight InvalidHttpGUID InvalidLanguage InvalidTextType InvalidMIMEType
InvalidTAG InvalidURN InvalidUUID NotBase64 DuplicateValue DuplicateAtomLink DuplicateIds
UnexpectedText UnexpectedWhitespace MisplacedMetadata InvalidPermalink MediaRssNamespace
"""
_WARNINGS = """
UseOfExtensionAttr DuplicateSemantics DuplicateItemSemantics DuplicateDescriptionSemantics
ImageLinkDoesntMatch ImageUrlFormat ContainsRelRef ReservedPrefix NotSufficientlyUnique
ImplausibleDate ProblematicalRFC822Date SecurityRisk SecurityRiskAttr DangerousStyleAttr
BadCharacters ObscureEncoding NonCanonicalURI ContainsEmail ContainsHTML ContainsUndeclaredHTML
MissingSelf MissingAtomSelfLink RelativeSelf MissingTypeAttr DuplicateEntries DuplicateUpdated
NotBlank AttrNotBlank MissingTextualContent SelfNotAtom DuplicateEnclosure MissingGuid
SchemeNotIANARegistered AvoidNamespacePrefix UnknownNamespace UnsupportedNamespace
UndeterminableVocabulary MisplacedXHTMLContent AtomLinkNotEmpty UnregisteredAtomLinkRel
FeedHistoryRelInEntry NotInline NotHtml HtmlFragment CharacterData EmailFormat MissingRealName
MisplacedItem ImageTitleDoesntMatch AvoidTextInput NeedDescriptionBeforeContent
"""
#: Message class -> "error" | "warning" (as in the validator's logging.py).
LEVELS: dict[str, str] = {
    **{name: "error" for name in _ERRORS.split()},
    **{name: "warning" for name in _WARNINGS.split()},
}


def message_classes(problems: list[str]) -> list[str]:
    """The message class names of a list of problems (the text before the first colon)."""
    return [p.split(":", 1)[0] for p in problems]


# --------------------------------------------------------------------------------------------
# Namespaces (base.py ``namespaces`` / ``unsupported_namespaces`` / ``near_miss``)
# --------------------------------------------------------------------------------------------
ATOM_NS = "http://www.w3.org/2005/Atom"
XHTML_NS = "http://www.w3.org/1999/xhtml"
XML_NS = "http://www.w3.org/XML/1998/namespace"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
THR_NS = "http://purl.org/syndication/thread/1.0"
INDEXING_NS = "urn:atom-extension:indexing"
RSSBOARD_DOCS = "http://www.rssboard.org/rss-specification"

NAMESPACES: dict[str, str] = {
    "http://www.bloglines.com/about/specs/fac-1.0": "access",
    "http://webns.net/mvcb/": "admin",
    "http://purl.org/rss/1.0/modules/aggregation/": "ag",
    "http://purl.org/rss/1.0/modules/annotate/": "annotate",
    "http://www.w3.org/2007/app": "app",
    "http://media.tangent.org/rss/1.0/": "audio",
    "http://backend.userland.com/blogChannelModule": "blogChannel",
    "http://web.resource.org/cc/": "cc",
    "http://www.microsoft.com/schemas/rss/core/2005": "cf",
    "http://backend.userland.com/creativeCommonsRssModule": "creativeCommons",
    "http://purl.org/rss/1.0/modules/company": "company",
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://conversationsnetwork.org/rssNamespace-1.0/": "conversationsNetwork",
    "http://my.theinfo.org/changed/1.0/rss/": "cp",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://purl.org/dc/terms/": "dcterms",
    "http://purl.org/rss/1.0/modules/email/": "email",
    "http://purl.org/rss/1.0/modules/event/": "ev",
    "http://purl.org/syndication/history/1.0": "fh",
    "http://www.w3.org/2003/01/geo/wgs84_pos#": "geo",
    "http://geourl.org/rss/module/": "geourl",
    "http://www.georss.org/georss": "georss",
    "http://www.opengis.net/gml": "gml",
    "http://postneo.com/icbm": "icbm",
    "http://purl.org/rss/1.0/modules/image/": "image",
    INDEXING_NS: "indexing",
    "http://www.itunes.com/dtds/podcast-1.0.dtd": "itunes",
    "http://rssnamespace.org/feedburner/ext/1.0": "feedburner",
    "http://xmlns.com/foaf/0.1/": "foaf",
    "http://purl.org/rss/1.0/modules/link/": "l",
    "http://search.yahoo.com/mrss/": "media",
    "http://www.w3.org/1998/Math/MathML": "mathml",
    "http://a9.com/-/spec/opensearchrss/1.0/": "opensearch10",
    "http://a9.com/-/spec/opensearch/1.1/": "opensearch",
    "http://www.opml.org/spec2": "opml",
    RDF_NS: "rdf",
    "http://www.w3.org/2000/01/rdf-schema#": "rdfs",
    "http://purl.org/rss/1.0/modules/reference/": "ref",
    "http://purl.org/rss/1.0/modules/richequiv/": "reqv",
    "http://purl.org/rss/1.0/modules/rss091#": "rss091",
    "http://purl.org/rss/1.0/modules/search/": "search",
    "http://purl.org/rss/1.0/modules/slash/": "slash",
    "http://purl.org/rss/1.0/modules/servicestatus/": "ss",
    "http://hacks.benhammersley.com/rss/streaming/": "str",
    "http://purl.org/rss/1.0/modules/subscription/": "sub",
    "http://feedsync.org/2007/feedsync": "sx",
    "http://www.w3.org/2000/svg": "svg",
    "http://purl.org/rss/1.0/modules/syndication/": "sy",
    "http://purl.org/rss/1.0/modules/taxonomy/": "taxo",
    "http://purl.org/rss/1.0/modules/threading/": "thr",
    THR_NS: "thr",
    "http://madskills.com/public/xml/rss/module/trackback/": "trackback",
    "http://wellformedweb.org/CommentAPI/": "wfw",
    "http://purl.org/rss/1.0/modules/wiki/": "wiki",
    "http://www.usemod.com/cgi-bin/mb.pl?ModWiki": "wiki",
    "http://schemas.xmlsoap.org/soap/envelope/": "soap",
    ATOM_NS: "atom",
    XHTML_NS: "xhtml",
    "http://my.netscape.com/rdf/simple/0.9/": "rss090",
    "http://purl.org/rss/1.0/": "rss1",
    "http://purl.org/net/rss1.1#": "rss11",
    "http://base.google.com/ns/1.0": "g",
    XML_NS: "xml",
    "http://openid.net/xmlns/1.0": "openid",
    "http://earth.google.com/kml/2.0": "kml20",
    "http://earth.google.com/kml/2.1": "kml21",
    "http://www.opengis.net/kml/2.2": "kml22",
    "http://www.w3.org/1999/xlink": "xlink",
    "xri://$xrd*($v*2.0)": "xrd",
    "xri://$xrds": "xrds",
}
UNSUPPORTED_NAMESPACES = {
    "http://schemas.google.com/g/2005",
    "http://www.rawvoice.com/rawvoiceRssModule/",
    "https://schema.org/",
    "http://schema.org/",
    "https://podcastindex.org/namespace/1.0",
    "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md",
}


def _near_miss(ns: str) -> str:
    # base.py near_miss(): drop trailing non-word characters, lower-case.
    m = re.match(r".*\w", ns)
    return m.group().lower() if m else ns


_NEARLY = {_near_miss(uri): prefix for uri, prefix in NAMESPACES.items()}
_RESERVED_PREFIXES = set(NAMESPACES.values())
_PREFERRED_URI = {}
for _uri, _prefix in NAMESPACES.items():
    _PREFERRED_URI.setdefault(_prefix, _uri)
# Namespaces whose elements this module checks one by one; other known ones are accepted as is.
_STRICT_PREFIXES = {"dc", "content", "atom", "xhtml"}
_STD_ATTRS = {(XML_NS, "base"), (XML_NS, "id"), (XML_NS, "lang"), (XML_NS, "space")}

# --------------------------------------------------------------------------------------------
# Value syntaxes (validators.py)
# --------------------------------------------------------------------------------------------
_T = r"[^\s()<>,;:\\\"/[\]?=]+"
MIME_RE = re.compile(_T + "/" + _T + r"(\s*;\s*" + _T + r"=(\"(\\\"|[^\"])*\"|" + _T + "))*$")
_URI_RELATIVE_RE = re.compile(
    r"([a-zA-Z][0-9a-zA-Z+\-\.]*:)?/{0,2}(\[[0-9A-Fa-f:]+\])?[0-9a-zA-Z;/?:@&=+$\.\-_!~*'()%,#]*$"
)
_URI_FULL_RE = re.compile(r"[a-zA-Z][0-9a-zA-Z+\-\.]*:(//)?[0-9a-zA-Z;/?:@&=+$\.\-_!~*'()%,#]+$")
_URN_RE = re.compile(
    r"^[Uu][Rr][Nn]:[a-zA-Z0-9][a-zA-Z0-9-]{1,31}:([a-zA-Z0-9()+,\.:=@;$_!*'\-]|%[0-9A-Fa-f]{2})+$"
)
_UUID_RE = re.compile(
    r"^[Uu][Rr][Nn]:[Uu][Uu][Ii][Dd]:[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-"
    r"[a-fA-F0-9]{4}-[a-fA-F0-9]{12}$"
)
_TAG_RE = re.compile(
    r"^tag:([a-z0-9\-\._]+?@)?[a-z0-9\.\-]+?,\d{4}(-\d{2}(-\d{2})?)?:"
    r"[0-9a-zA-Z;/\?:@&=+$\.\-_!~*'\(\)%,]*(#[0-9a-zA-Z;/\?:@&=+$\.\-_!~*'\(\)%,]*)?$"
)
_URICHAR_RE = re.compile(r"[0-9a-zA-Z;/?:@&=+$\.\-_!~*'()%,#]")
_IANA_SCHEMES = _words(
    """ftp http gopher mailto news nntp telnet wais file prospero z39.50s z39.50r cid mid vemmi
    service imap nfs acap rtsp tip pop data dav opaquelocktoken sip sips tel fax modem ldap https
    soap.beep soap.beeps xmlrpc.beep xmlrpc.beeps urn go h323 ipp tftp mupdate pres im mtqp
    iris.beep dict snmp crid tag dns info aaa aaas cap iax icap iris iris.xpc iris.xpcs iris.lwz
    msrp msrps shttp thismessage tv xmpp"""
)
_DOMAIN_RE = r"(([0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.)|(([A-Z0-9\-]+\.)+))([A-Z0-9][-A-Z0-9]*)"
_EMAIL_RE = re.compile(r"([A-Z0-9_\-\+\.\']+)@" + _DOMAIN_RE + "$", re.I)
_SIMPLE_EMAIL_RE = re.compile(r"^[\w._%+-]+@[A-Za-z][\w.-]+$")
_NONEMAIL_RE = re.compile("<" + _EMAIL_RE.pattern[:-1] + ">", re.I)
_HTTP_URL_RE = re.compile(r"(http|https)://" + _DOMAIN_RE + r"(?::\d+)?(/|$)", re.I)
_RFC822_LOOSE_RE = re.compile(
    r"(((mon)|(tue)|(wed)|(thu)|(fri)|(sat)|(sun))\s*,\s*)?\d\d?\s+((jan)|(feb)|(mar)|(apr)|"
    r"(may)|(jun)|(jul)|(aug)|(sep)|(oct)|(nov)|(dec))\s+\d\d(\d\d)?\s+\d\d:\d\d(:\d\d)?\s+"
    r"(([+-]\d\d\d\d)|(ut)|(gmt)|(est)|(edt)|(cst)|(cdt)|(mst)|(mdt)|(pst)|(pdt)|[a-ik-z])?$"
)
_RFC2822_RE = re.compile(
    r"(((Mon)|(Tue)|(Wed)|(Thu)|(Fri)|(Sat)|(Sun)), )?\d\d? ((Jan)|(Feb)|(Mar)|(Apr)|(May)|"
    r"(Jun)|(Jul)|(Aug)|(Sep)|(Oct)|(Nov)|(Dec)) \d\d\d\d \d\d:\d\d(:\d\d)? (([+-]?\d\d[03]0)|"
    r"(UT)|(GMT)|(EST)|(EDT)|(CST)|(CDT)|(MST)|(MDT)|(PST)|(PDT)|Z)$"
)
_RFC3339_RE = re.compile(r"^\d\d\d\d-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d*)?(Z|([+-]\d\d:\d\d))$")
_W3CDTF_RE = re.compile(
    r"^\d\d\d\d(-\d\d(-\d\d(T\d\d:\d\d(:\d\d(\.\d*)?)?(Z|([+-]\d\d:\d\d)))?)?)?$"
)
_HTML_END_TAG_RE = re.compile(r"</(\w+)>")
_HTML_ENTITY_RE = re.compile(r"&(#?\w+)")
_ANCHOR_RE = re.compile(r"<a\s+href=(?:\"(.*?)\"|'(.*?)'|([\w-]+))[\s>]", re.I)
_IMG_RE = re.compile(r"<img\s+[^>]*src=(?:\"(.*?)\"|'(.*?)'|([\w-]+))[\s>]", re.I)
_ABSREF_RE = re.compile(r"\w+:")

# ISO 639-1 (two-letter) language codes; see the module docstring about iso639codes.py.
_ISO639_1 = _words(
    """aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv
    cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht
    hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la
    lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj
    om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv
    sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh
    zu"""
)

# validators.py HTMLValidator: tag/attribute/CSS allow-lists.
HTMLTAGS = _words(
    """a abbr acronym address applet area article aside audio b base basefont bdi bdo big
    blockquote body br button canvas caption center cite code col colgroup command data datagrid
    datalist dd del details dfn dialog dir div dl dt em eventsource fieldset figcaption figure font
    footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html i iframe img input ins
    isindex kbd label legend li link m main map mark menu meta meter nav noframes noscript object
    ol optgroup option output p param picture pre progress q rp rt ruby s samp script section
    select slot small source span strike strong style sub summary sup table tbody td template
    textarea tfoot th thead time title tr track tt u ul var xmp plaintext embed comment listing
    video wbr"""
)
ACCEPTABLE_ELEMENTS = _words(
    """a abbr acronym address area article aside audio b bdi big blockquote br button canvas
    caption center cite code col colgroup command data datagrid datalist dd del details dfn dialog
    dir div dl dt em eventsource fieldset figcaption figure footer font form header h1 h2 h3 h4 h5
    h6 hgroup hr i img input ins keygen kbd label legend li m main map mark menu meter multicol nav
    nextid ol output optgroup option p picture pre progress q rp rt ruby s samp section select
    small sound source spacer span strike strong sub summary sup table tbody td template textarea
    time tfoot th thead tr track tt u ul var video noscript wbr"""
)
ACCEPTABLE_ATTRIBUTES = _words(
    """abbr accept accept-charset accesskey action align allow allowfullscreen allowpaymentrequest
    alt as autoplay autocapitalize autocomplete autofocus axis background balance bgcolor
    bgproperties border bordercolor bordercolordark bordercolorlight bottompadding cellpadding
    cellspacing ch challenge char charoff choff charset checked cite class clear color cols colspan
    compact contenteditable coords crossorigin data datafld datapagesize datasrc datetime decoding
    default delay dir dirname disabled download draggable dynsrc enctype end enterkeyhint face for
    form formenctype frame galleryimg gutter headers height hidefocus hidden high href hreflang
    hspace icon id inputmode is ismap itemid itemprop itemref itemscope itemtype kind keytype label
    lang leftspacing loading list longdesc loop loopcount loopend loopstart low lowsrc max
    maxlength media method min minlength multiple muted name nohref nonce noshade nowrap open
    optimum pattern ping placeholder playsinline point-size poster preload prompt pqg radiogroup
    readonly referrerpolicy rel repeat-max repeat-min replace required rev reversed rightspacing
    rows rowspan rules scope selected shape size sizes span spellcheck src srclang srcset start
    step summary suppress tabindex target template title toppadding translate type unselectable
    usemap urn valign value variable volume vspace vrml width wrap xml:lang xmlns"""
)
_CSS_PROPERTIES = _words(
    """azimuth background background-color border border-bottom border-bottom-color
    border-bottom-style border-bottom-width border-collapse border-color border-left
    border-left-color border-left-style border-left-width border-right border-right-color
    border-right-style border-right-width border-spacing border-style border-top border-top-color
    border-top-style border-top-width border-width clear color cursor direction display elevation
    float font font-family font-size font-style font-variant font-weight height letter-spacing
    line-height list-style-type margin margin-bottom margin-left margin-right margin-top overflow
    padding padding-bottom padding-left padding-right padding-top pause pause-after pause-before
    pitch pitch-range richness speak speak-header speak-numeral speak-punctuation speech-rate
    stress text-align text-decoration text-indent unicode-bidi vertical-align voice-family volume
    white-space width"""
)
_CSS_KEYWORDS = _words(
    """aqua auto black block blue bold both bottom brown center collapse dashed dotted fuchsia
    gray green !important italic left lime maroon medium none navy normal nowrap olive pointer
    purple red right solid silver teal top transparent underline white yellow"""
)
_CSS_VALUE_RE = re.compile(
    r"^(#[0-9a-f]+|rgb\(\d+%?,\d*%?,?\d*%?\)?|\d?\.?\d?\d(cm|em|ex|in|mm|pc|pt|px|%|,|\))?)$"
)


def _check_style(style: str) -> list[str]:
    # validators.py checkStyle()
    if not re.match(r"""^([:,;#%.\sa-zA-Z0-9!]|\w-\w|'[\s\w]+'|"[\s\w]+"|\([\d,\s]+\))*$""", style):
        return [style]
    if not re.match(r"^(\s*[-\w]+\s*:\s*[^:;]*(;|$))*$", style):
        return [style]
    unsafe: list[str] = []
    for prop, value in re.findall(r"([-\w]+)\s*:\s*([^:;]*)", style.lower()):
        if prop not in _CSS_PROPERTIES:
            if prop not in unsafe:
                unsafe.append(prop)
        elif prop.split("-")[0] in ("background", "border", "margin", "padding"):
            for keyword in value.split():
                if (
                    keyword not in _CSS_KEYWORDS
                    and not _CSS_VALUE_RE.match(keyword)
                    and keyword not in unsafe
                ):
                    unsafe.append(keyword)
    return unsafe


# --------------------------------------------------------------------------------------------
# URI canonical form (uri.py canonicalForm), used for NonCanonicalURI on atom:id
# --------------------------------------------------------------------------------------------
_SUBDELIMS = "!$&'()*+,;="
_PCHAR = "-._~" + _SUBDELIMS + ":@"
_RESERVED = ":/?#[]@" + _SUBDELIMS
_DEFAULT_PORT = {
    "ftp": 21,
    "telnet": 23,
    "http": 80,
    "gopher": 70,
    "news": 119,
    "nntp": 119,
    "prospero": 191,
    "https": 443,
    "snews": 563,
    "snntp": 563,
}
_URI_PARTS_RE = re.compile(r"^(([^:/?#]+):)?(//([^/?#]*))?([^?#]*)(\?([^#]*))?(#(.*))?$")


class _BadUri(Exception):
    pass


def _octets(s: str) -> Iterator[tuple[str, int]]:
    i = 0
    while i < len(s):
        if s[i] == "%":
            if not re.fullmatch(r"%[0-9a-fA-F]{2}", s[i : i + 3]):
                raise _BadUri
            yield s[i : i + 3].upper(), int(s[i + 1 : i + 3], 16)
            i += 3
        else:
            yield s[i], ord(s[i])
            i += 1


def _requote(s: str | None, safe: str = "") -> str | None:
    """Normalise percent-encoding the way uri.py ``_qnu`` does (decode, NFC, re-encode)."""
    if s is None:
        return None

    def flush(buf: list[int]) -> str:
        text = unquote(bytes(buf).decode("utf-8"))
        return quote(unicodedata.normalize("NFC", text).encode("utf-8"), safe)

    out, buf = "", []
    for c, x in _octets(s):
        if chr(x) in _RESERVED and chr(x) in safe:
            out += flush(buf) + c
            buf = []
        else:
            buf.append(x)
    return out + flush(buf)


def _norm_authority(auth: str, port: int | None) -> str:
    userinfo, _, host = auth.rpartition("@")
    if userinfo == ":":
        userinfo = ""
    host = host.lower()
    m = re.search(r":(\d*)$", host)
    p = port
    if m:
        if m.group(1):
            p = int(m.group(1))
        host = host[: m.start(1) - 1]
    if host and host[-1] == "." and host.rfind(".", 0, -2) >= 0:
        host = host[:-1]
    if host.startswith("[") != host.endswith("]"):
        raise _BadUri
    if p != port:
        host = f"{host}:{p}"
    return f"{userinfo}@{host}" if userinfo else host


def _norm_path(p: str) -> str:
    segs = p.split("/")
    i = len(segs) if segs and segs[0] else 0
    while i < len(segs):
        c = segs[i]
        if c in (".", ".."):
            if i < len(segs) - 1:
                del segs[i]
            else:
                segs[i] = ""
            if c == ".." and (i > 1 or (i > 0 and segs[0])):
                i -= 1
                del segs[i]
        else:
            i += 1
    if segs == [""]:
        segs = ["", ""]
    return "/".join(_requote(c, _PCHAR) or "" for c in segs)


def canonical_uri(u: str) -> str | None:
    """uri.py canonicalForm(): None when the URI cannot be normalised (or is relative)."""
    try:
        m = _URI_PARTS_RE.match(u)
        if not m:
            raise _BadUri
        scheme = m.group(2).lower() if m.group(2) is not None else None
        if m.group(4) is None:
            authority = None
            p = m.group(5)
            if scheme is None and not p.startswith("/"):
                return None
            if scheme == "mailto":
                i = p.find("@")
                if i > 0:
                    j = p.find("?")
                    j = len(p) if j < 0 else j
                    p = f"{_requote(p[:i])}@{_requote(p[i + 1 :].lower())}{_requote(p[j:])}"
                path = p
            elif scheme is None or p.startswith("/"):
                path = _norm_path(p)
            else:
                path = _requote(p, _PCHAR + "/") or ""
        else:
            authority = _norm_authority(m.group(4), _DEFAULT_PORT.get(scheme or ""))
            path = _norm_path(m.group(5))
        query = _requote(m.group(7), _PCHAR + "/?")
        fragment = _requote(m.group(9), _PCHAR + "/?")
    except (_BadUri, UnicodeError, ValueError):
        return None
    s = f"{scheme}:" if scheme is not None else ""
    s += f"//{authority}" if authority is not None else ""
    s += path
    s += f"?{query}" if query is not None else ""
    s += f"#{fragment}" if fragment is not None else ""
    return s


# --------------------------------------------------------------------------------------------
# HTML checks (validators.py HTMLValidator / absUrlMixin)
# --------------------------------------------------------------------------------------------
_VOID = _words(
    """area base basefont bgsound br col command embed frame hr image img input keygen link meta
    param source track wbr"""
)
_IMPLIED_END = {"dd", "dt", "li", "optgroup", "option", "p", "rb", "rp", "rt", "rtc"}
_CLOSES_P = _words(
    """address article aside blockquote center details dialog dir div dl fieldset figcaption
    figure footer header hgroup main menu nav ol p section summary ul h1 h2 h3 h4 h5 h6 pre
    listing form plaintext table hr xmp li dd dt"""
)
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_BLOCK_END = _words(
    """address article aside blockquote button center details dialog dir div dl fieldset
    figcaption figure footer header hgroup listing main menu nav ol pre section summary
    ul"""
)
_FORMATTING = _words("a b big code em font i nobr s small strike strong tt u")
_SPECIAL = _words(
    """address applet area article aside base basefont bgsound blockquote body br button caption
    center col colgroup command dd details dir div dl dt embed fieldset figcaption figure footer
    form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html iframe image img input
    isindex li link listing main marquee menu meta nav noembed noframes noscript object ol p param
    plaintext pre script section select source style summary table tbody td template textarea
    tfoot th thead title tr track ul wbr xmp"""
)
_SCOPE = {"applet", "caption", "html", "table", "td", "th", "marquee", "object", "template"}
_EOF_OK = {"dd", "dt", "li", "p", "tbody", "td", "tfoot", "th", "thead", "tr", "body", "html"}
_STRICT_TAG_RE = re.compile(
    r"<[^\s/>]+(?:\s+[^\s\"'<>/=]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*\s*/?>\Z"
)
_INVALID_CODEPOINT_RE = re.compile(
    "[\x01-\x08\x0b\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff\U0001fffe\U0001ffff]"
)


def _entity_errors(html: str) -> Iterator[str]:
    """Character-reference errors html5lib's tokenizer reports (consumeEntity)."""
    # Comments and raw-text elements are not scanned for references.
    scan = re.sub(r"<!--.*?-->|<(script|style)\b.*?</\1\s*>", " ", html, flags=re.S | re.I)
    for m in re.finditer("&", scan):
        rest = scan[m.end() : m.end() + 40]
        if not rest or rest[0] in " \t\n\r\f<&\"'":
            continue
        if rest[0] == "#":
            num = re.match(r"#([xX][0-9a-fA-F]+|[0-9]+)(;?)", rest)
            if not num:
                yield "expected-numeric-entity"
                continue
            digits = num.group(1)
            code = int(digits[1:], 16) if digits[0] in "xX" else int(digits)
            if not num.group(2):
                yield "numeric-entity-without-semicolon"
            if (
                code == 0
                or code > 0x10FFFF
                or 0xD800 <= code <= 0xDFFF
                or 0x80 <= code <= 0x9F
                or _INVALID_CODEPOINT_RE.match(chr(min(code, 0x10FFFF)))
            ):
                yield "illegal-codepoint-for-numeric-entity"
            continue
        best = max((n for n in range(1, len(rest) + 1) if rest[:n] in _HTML5_ENTITIES), default=0)
        if not best:
            yield "expected-named-entity"
        elif not rest[:best].endswith(";"):
            yield "named-entity-without-semicolon"


class _HtmlScan(HTMLParser):
    """Approximates html5lib strict-mode fragment parsing; records tags, attributes, errors."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.errors: list[str] = []
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.stack: list[str] = []

    # -- helpers ---------------------------------------------------------------------------
    def _in_scope(self, tag: str, extra: tuple[str, ...] = ()) -> bool:
        for name in reversed(self.stack):
            if name == tag:
                return True
            if name in _SCOPE or name in extra:
                return False
        return False

    def _close(self, tag: str, extra: tuple[str, ...] = ()) -> None:
        """End tag processing for an element that must be in scope."""
        if not self._in_scope(tag, extra):
            self.errors.append(f"unexpected-end-tag </{tag}>")
            return
        while self.stack and self.stack[-1] != tag and self.stack[-1] in _IMPLIED_END:
            self.stack.pop()
        if self.stack[-1] != tag:
            self.errors.append(f"end-tag-too-early </{tag}> (open: <{self.stack[-1]}>)")
        while self.stack.pop() != tag:
            pass

    # -- HTMLParser callbacks ----------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, self_closing=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, self_closing=True)

    def _start(self, tag: str, attrs: list[tuple[str, str | None]], self_closing: bool) -> None:
        raw = self.get_starttag_text() or ""
        if not _STRICT_TAG_RE.match(raw):
            self.errors.append(f"malformed start tag {raw!r}")
        names = [name for name, _ in attrs]
        if len(names) != len(set(names)):
            self.errors.append(f"duplicate-attribute in <{tag}>")
        if self_closing and tag not in _VOID:
            self.errors.append(f"non-void-element-with-trailing-solidus <{tag}/>")
        if tag in ("html", "head", "body", "frameset"):
            self.errors.append(f"unexpected-start-tag <{tag}>")
            return
        self.tags.append((tag, attrs))
        if tag in _CLOSES_P and self._in_scope("p", ("button",)):
            self._close("p", ("button",))
        if tag in _HEADINGS and self.stack and self.stack[-1] in _HEADINGS:
            self.errors.append(f"unexpected-start-tag <{tag}> in <{self.stack[-1]}>")
            self.stack.pop()
        if tag in ("li", "dd", "dt"):
            same = {"li"} if tag == "li" else {"dd", "dt"}
            for i in range(len(self.stack) - 1, -1, -1):
                name = self.stack[i]
                if name in same:
                    if any(n not in _IMPLIED_END for n in self.stack[i + 1 :]):
                        self.errors.append(f"missing-end-tag </{name}> before <{tag}>")
                    del self.stack[i:]
                    break
                if name in _SPECIAL and name not in ("address", "div", "p"):
                    break
        if tag in ("a", "button", "form") and tag in self.stack:
            self.errors.append(f"unexpected-start-tag-implies-end-tag <{tag}> inside <{tag}>")
            self.stack.remove(tag)
        if tag not in _VOID:
            self.stack.append(tag)  # html5lib ignores the "/" on non-void elements

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            if tag == "br":
                self.errors.append("unexpected-end-tag </br>")
            else:
                self.errors.append(f"unexpected-end-tag </{tag}>")
            return
        if tag == "p":
            if not self._in_scope("p", ("button",)):
                self.errors.append("unexpected-end-tag </p>")
            else:
                self._close("p", ("button",))
        elif tag == "li":
            self._close("li", ("ol", "ul"))
        elif tag in ("dd", "dt") or tag in _BLOCK_END:
            self._close(tag)
        elif tag in _HEADINGS:
            present = [h for h in _HEADINGS if self._in_scope(h)]
            if not present:
                self.errors.append(f"unexpected-end-tag </{tag}>")
                return
            while self.stack[-1] in _IMPLIED_END:
                self.stack.pop()
            if self.stack[-1] != tag:
                self.errors.append(f"end-tag-too-early </{tag}>")
            while self.stack.pop() not in _HEADINGS:
                pass
        elif tag in _FORMATTING:
            if tag not in self.stack or not self._in_scope(tag):
                self.errors.append(f"unexpected-end-tag </{tag}>")
                if tag in self.stack:
                    self.stack.remove(tag)
            elif self.stack[-1] != tag:
                self.errors.append(f"adoption-agency </{tag}> (open: <{self.stack[-1]}>)")
                self.stack.remove(tag)
            else:
                self.stack.pop()
        else:
            for i in range(len(self.stack) - 1, -1, -1):
                name = self.stack[i]
                if name == tag:
                    while self.stack[-1] != tag and self.stack[-1] in _IMPLIED_END:
                        self.stack.pop()
                    if self.stack[-1] != tag:
                        self.errors.append(f"unexpected-end-tag </{tag}>")
                    del self.stack[i:]
                    return
                if name in _SPECIAL:
                    break
            self.errors.append(f"unexpected-end-tag </{tag}>")

    def handle_decl(self, decl: str) -> None:
        self.errors.append("unexpected-doctype")

    def handle_pi(self, data: str) -> None:
        self.errors.append("expected-tag-name-but-got-question-mark")

    def handle_comment(self, data: str) -> None:
        if "--" in data or data.startswith(">") or data.startswith("->"):
            self.errors.append("unexpected-char-in-comment")

    def finish(self) -> None:
        self.close()
        for name in reversed(self.stack):
            if name not in _EOF_OK:
                self.errors.append(f"expected-closing-tag-but-got-eof (<{name}> left open)")
                break


def html_problems(value: str) -> tuple[list[str], list[tuple[str, str]]]:
    """(parse errors, [(message class, detail)]) for an HTML fragment, as HTMLValidator does."""
    errors: list[str] = []
    if _INVALID_CODEPOINT_RE.search(value):
        errors.append("invalid-codepoint")
    # Markup-free text: where a "<" must start a tag (quoted attribute values may contain "<").
    text = re.sub(r"<!--.*?-->|<(script|style)\b.*?</\1\s*>", " ", value, flags=re.S | re.I)
    text = re.sub(_STRICT_TAG_RE.pattern[:-2] + "|</[A-Za-z][^>]*>", " ", text)
    for m in re.finditer(r"<(?![A-Za-z/!?])", text):
        errors.append(f"expected-tag-name after '<' in {text[m.start() : m.start() + 20]!r}")
    for m in re.finditer(r"</(?![A-Za-z])", text):
        errors.append(f"expected-closing-tag-but-got-char in {text[m.start() : m.start() + 20]!r}")
    for m in re.finditer(r"<!(?!--)", text):
        if not re.match(r"<!doctype", text[m.start() :], re.I):
            errors.append("expected-dashes-or-doctype")
    if re.search(r"<!--(?:(?!-->).)*\Z", value, re.S):
        errors.append("eof-in-comment")
    if re.search(r"</[A-Za-z][^>]*\s[^\s>/][^>]*>", value):
        errors.append("attributes-in-end-tag")
    if re.search(r"</[A-Za-z][^>]*/>", value):
        errors.append("self-closing-flag-on-end-tag")
    if re.search(r"<[A-Za-z][^>]*\Z", value):
        errors.append("eof-in-tag")
    errors.extend(_entity_errors(value))
    scan = _HtmlScan()
    try:
        scan.feed(value)
        scan.finish()
    except AssertionError as exc:  # html.parser gives up on some malformed markup
        errors.append(f"unparseable markup: {exc}")
    errors.extend(scan.errors)

    findings: list[tuple[str, str]] = []
    if "<?import " in value.lower():
        findings.append(("SecurityRisk", "<?import"))
    for tag, attrs in scan.tags:
        if tag not in HTMLTAGS:
            findings.append(("NotHtml", f"Non-html tag <{tag}>"))
        elif tag not in ACCEPTABLE_ELEMENTS:
            findings.append(("SecurityRisk", f"<{tag}>"))
        else:
            for name, attr_value in attrs:
                if name == "style":
                    for evil in _check_style(attr_value or ""):
                        findings.append(("DangerousStyleAttr", f"<{tag} style> {evil!r}"))
                elif name not in ACCEPTABLE_ATTRIBUTES and not name.startswith("data-"):
                    findings.append(("SecurityRiskAttr", f"<{tag} {name}>"))
    return errors, findings


def _decode_html_refs(data: str) -> str:
    # validators.py decodehtml()
    def repl(m: re.Match[str]) -> str:
        ref = m.group(1)
        if ref.isdigit():
            return chr(int(ref))
        if ref in name2codepoint:
            return chr(name2codepoint[ref])
        return m.group(0)

    return re.sub(r"&#?(\w+);", repl, data)


# --------------------------------------------------------------------------------------------
# Document model
# --------------------------------------------------------------------------------------------
class _Node:
    __slots__ = ("ns", "name", "attrs", "parent", "children", "chunks", "line", "decls", "vname")

    def __init__(self, ns: str | None, name: str, attrs: dict, parent: _Node | None, line: int):
        self.ns = ns
        self.name = name
        self.attrs: dict[tuple[str | None, str], str] = attrs
        self.parent = parent
        self.children: list[_Node] = []
        self.chunks: list[str] = []
        self.line = line
        self.decls: list[tuple[str | None, str]] = []
        self.vname: str | None = None

    @property
    def text(self) -> str:
        return "".join(self.chunks)

    @property
    def label(self) -> str:
        if not self.ns:
            return self.name
        prefix = NAMESPACES.get(self.ns)
        return f"{prefix}:{self.name}" if prefix else f"{{{self.ns}}}{self.name}"

    def attr(self, name: str, ns: str | None = None) -> str | None:
        return self.attrs.get((ns, name))

    def walk(self) -> Iterator[_Node]:
        yield self
        for child in self.children:
            yield from child.walk()


class _Ctx:
    """Per-parent state: the element names seen so far (the validator's ``children``)."""

    def __init__(self, node: _Node) -> None:
        self.node = node
        self.seen: list[str] = []
        self.links: list[dict[str, str]] = []
        self.data: dict[str, object] = {}


_COMMON_ENCODINGS = _words(
    """UTF-8 UTF-16 US-ASCII ISO-8859-1 EUC-JP ISO-8859-2 ISO-8859-15 ISO-8859-7 KOI8-R SHIFT_JIS
    WINDOWS-1250 WINDOWS-1251 WINDOWS-1252 WINDOWS-1254 WINDOWS-1255 WINDOWS-1256
    GB18030"""
)
_ENC_DECL_RE = re.compile(
    rb"<\?xml\s+version\s*=\s*(?:\"[-a-zA-Z0-9_.:]+\"|'[-a-zA-Z0-9_.:]+')\s+"
    rb"(encoding\s*=\s*(?:\"([-A-Za-z0-9._]+)\"|'([-A-Za-z0-9._]+)'))"
)


class _Validator:
    def __init__(self, kind: str) -> None:
        self.kind = kind  # "rss" | "atom"
        self.out: list[str] = []
        self.lines: list[str] = []
        self.rss_version = "2.0"
        self.docs = ""
        self.ext_attr_events: list[str] = []
        self.default_ns: set[str] = set()

    # -- reporting ---------------------------------------------------------------------------
    def log(self, cls: str, node: _Node | None, detail: str) -> None:
        assert cls in LEVELS, cls
        where = f"line {node.line} <{node.label}>" if node is not None else "document"
        self.out.append(f"{cls}: {where}: {detail}")

    # -- parsing -----------------------------------------------------------------------------
    def parse(self, data: bytes) -> _Node | None:
        # xmlEncoding.py decode(): declared encoding, ObscureEncoding, UnicodeError
        encoding = "utf-8"
        body = data
        if data.startswith(codecs.BOM_UTF8):
            body = data[3:]
        elif data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            encoding = "utf-16"
        decl = _ENC_DECL_RE.match(body)
        if decl and encoding == "utf-8":
            declared = (decl.group(2) or decl.group(3)).decode("ascii")
            try:
                codecs.lookup(declared)
            except LookupError:
                self.log("UnknownEncoding", None, f"unknown encoding {declared!r}")
                declared = "utf-8"
            else:
                if declared.upper() not in _COMMON_ENCODINGS:
                    self.log("ObscureEncoding", None, f"obscure XML encoding {declared!r}")
            encoding = declared
        try:
            text = body.decode(encoding)
        except UnicodeDecodeError as exc:
            self.log("UnicodeError", None, f"cannot decode as {encoding}: {exc}")
            text = body.decode(encoding, "replace")
        text = text.lstrip("\ufeff")
        self.lines = text.split("\n")

        # __init__.py _validate(): BadXmlVersion
        ver = re.match(r"^<\?\s*xml\s+version\s*=\s*['\"]([-a-zA-Z0-9_.:]*)['\"]", text)
        if ver and ver.group(1) != "1.0":
            self.log("BadXmlVersion", None, f"XML version {ver.group(1)!r} (must be 1.0)")

        parser = expat.ParserCreate(namespace_separator=" ")
        parser.UseForeignDTD(True)
        root: list[_Node] = []
        stack: list[_Node] = []
        pending: list[tuple[str | None, str]] = []

        def split(qname: str) -> tuple[str | None, str]:
            ns, _, local = qname.rpartition(" ")
            return (ns or None), local

        def start(qname: str, attrs: dict[str, str]) -> None:
            ns, local = split(qname)
            parent = stack[-1] if stack else None
            node = _Node(ns, local, {split(k): v for k, v in attrs.items()}, parent, 0)
            node.line = parser.CurrentLineNumber
            node.decls, pending[:] = list(pending), []
            if parent is None:
                root.append(node)
            else:
                parent.children.append(node)
            stack.append(node)

        def chars(data: str) -> None:
            if stack:
                stack[-1].chunks.append(data)

        def skipped(name: str, is_pe: bool) -> None:
            # base.py SAXDispatcher.skippedEntity(): UndefinedNamedEntity
            self.out.append(
                f"UndefinedNamedEntity: line {parser.CurrentLineNumber}: undefined entity &{name};"
            )

        parser.StartNamespaceDeclHandler = lambda prefix, uri: pending.append((prefix, uri))
        parser.StartElementHandler = start
        parser.EndElementHandler = lambda name: stack.pop()
        parser.CharacterDataHandler = chars
        parser.SkippedEntityHandler = skipped
        try:
            parser.Parse(text, True)
        except expat.ExpatError as exc:
            # base.py SAXDispatcher.error(): SAXError (not well-formed)
            self.out.append(f"SAXError: line {exc.lineno}: XML parsing error: {exc}")
            return None
        return root[0] if root else None

    # -- document-wide checks ----------------------------------------------------------------
    def global_checks(self, root: _Node) -> None:
        for node in root.walk():
            # base.py startPrefixMapping(): ReservedPrefix, AvoidNamespacePrefix, UnknownNamespace
            feed_type = "unknown" if node is root else self.kind
            for prefix, uri in node.decls:
                self.namespace_decl(node, prefix, uri or "", feed_type)
            # base.py validatorBase.startElementNS / setElement: xml:lang and xml:base values
            lang = node.attr("lang", XML_NS)
            if lang:
                self.iso639(node, lang, "xml:lang")
            xml_base = node.attr("base", XML_NS)
            if xml_base is not None:
                self.uri(node, xml_base, iri=True, error="InvalidIRI", what="xml:base")
            # base.py validatorBase.characters() / eater: BadCharacters (C1 controls, U+FFFD,
            # UTF-8 read as Latin-1)
            for value in [node.text, *node.attrs.values()]:
                if re.search("[\x80-\x9f\ufffd]", value) or _double_encoded(value):
                    self.log("BadCharacters", node, "contains C1/replacement/mojibake characters")
                    break

    def namespace_decl(self, node: _Node, prefix: str | None, uri: str, feed_type: str) -> None:
        if prefix and prefix in _RESERVED_PREFIXES:
            if NAMESPACES.get(uri, "") != prefix:
                if uri == "http://search.yahoo.com/mrss":
                    self.log("MediaRssNamespace", node, f"xmlns:{prefix}={uri!r} (missing '/')")
                else:
                    self.log(
                        "ReservedPrefix",
                        node,
                        f"prefix {prefix!r} is reserved for {_PREFERRED_URI[prefix]!r}",
                    )
            elif prefix in ("atom", "xhtml") and feed_type == "atom":
                self.log("AvoidNamespacePrefix", node, f"avoid the {prefix!r} prefix in Atom")
        elif uri in NAMESPACES:
            # NonstdPrefix itself is Info; AvoidNamespacePrefix is a warning.
            if prefix and NAMESPACES[uri] in ("atom", "xhtml") and feed_type in ("atom", "unknown"):
                self.log("AvoidNamespacePrefix", node, f"avoid the {prefix!r} prefix for {uri}")
        elif uri == "http://search.yahoo.com/mrss":
            self.log("MediaRssNamespace", node, f"xmlns:{prefix}={uri!r} (missing '/')")
        elif not uri or self.uri(node, uri, iri=True, error="InvalidIRI", what=f"xmlns:{prefix}"):
            if uri in UNSUPPORTED_NAMESPACES:
                self.log("UnsupportedNamespace", node, f"unsupported namespace {uri!r}")
            else:
                self.log("UnknownNamespace", node, f"unknown namespace {uri!r}")

    # -- element plumbing (base.py validatorBase.startElementNS) -----------------------------
    def vname(self, node: _Node) -> str | None:
        """The validator's name for an element ("title", "dc_creator"); None = foreign."""
        if not node.ns:
            if self.kind == "atom":
                # base.py: element in no namespace in a non-RSS feed.
                self.log("UndeterminableVocabulary", node, "element is in no namespace")
                return None
            return node.name
        if node.ns in self.default_ns:
            return node.name
        prefix = _NEARLY.get(_near_miss(node.ns))
        return f"{prefix}_{node.name}" if prefix else None

    def children(
        self,
        parent: _Node,
        table: dict[str, tuple[Callable[[_Node, _Ctx], None], str | None]],
        ctx: _Ctx,
        text_ok: bool = False,
    ) -> None:
        if not text_ok and parent.text.strip():
            # base.py validatorBase.textOK(): UnexpectedText
            self.log("UnexpectedText", parent, "unexpected text content")
        for child in parent.children:
            name = self.vname(child)
            child.vname = name
            if name is None:
                self.eat(child, "unknown_" + child.name)
                ctx.seen.append("unknown_" + child.name)
                continue
            spec = table.get(name)
            if spec is None:
                prefix = name.split("_", 1)[0] if "_" in name else ""
                if name.startswith("xhtml_"):
                    self.log("MisplacedXHTMLContent", child, f"not allowed in <{parent.label}>")
                elif "_" not in name or prefix in _STRICT_PREFIXES:
                    self.log("UndefinedElement", child, f"undefined in <{parent.label}>")
                self.eat(child, name)
            else:
                handler, dup_class = spec
                if dup_class and name in ctx.seen:
                    # validators.py noduplicates
                    self.log(dup_class, child, f"duplicate <{child.label}> in <{parent.label}>")
                handler(child, ctx)
            ctx.seen.append(name)

    def eat(self, node: _Node, name: str) -> None:
        # validators.py eater: NotInANamespace for un-namespaced children of extensions (RSS)
        for child in node.children:
            if not child.ns and self.kind == "rss" and "_" in name:
                self.log("NotInANamespace", child, f"element in no namespace inside <{name}>")
            self.eat(child, child.name if not child.ns else "unknown_" + child.name)

    def attrs(self, node: _Node, expected: set[tuple[str | None, str]]) -> None:
        # base.py SAXDispatcher.startElementNS(): UnexpectedAttribute / UseOfExtensionAttr
        for key in node.attrs:
            if key in _STD_ATTRS or key in expected:
                continue
            ns, local = key
            if ns and _near_miss(ns) not in _NEARLY:
                if not node.ns and self.kind == "rss":
                    self.ext_attr_events.append(
                        f"UseOfExtensionAttr: line {node.line} <{node.label}>: "
                        f"extension attribute {{{ns}}}{local}"
                    )
                continue
            label = f"{NAMESPACES.get(ns, ns)}:{local}" if ns else local
            self.log("UnexpectedAttribute", node, f"unexpected attribute {label!r}")

    def text_element(self, node: _Node, expected: set | None = None) -> str:
        """validators.py text: no child elements; returns the stripped value."""
        self.attrs(node, expected or set())
        for child in node.children:
            self.log("UndefinedElement", child, f"<{node.label}> must not contain elements")
            self.eat(child, child.name)
        return node.text.strip()

    def line_has_hex_ref(self, node: _Node) -> bool:
        # __init__.py: rssCharData = lines containing "&#x" (RSS profile escaping)
        return 0 < node.line <= len(self.lines) and "&#x" in self.lines[node.line - 1]

    # -- value checks (validators.py) --------------------------------------------------------
    def nonblank(self, node: _Node, value: str, cls: str = "NotBlank", what: str = "") -> None:
        if not value:
            self.log(cls, node, f"{what or 'element'} should not be blank")

    def nows(self, node: _Node) -> None:
        if node.text != node.text.strip():
            self.log("UnexpectedWhitespace", node, "leading/trailing whitespace in value")

    def nonhtml(self, node: _Node, value: str, cls: str = "ContainsHTML", what: str = "") -> None:
        what = what or f"<{node.label}>"
        tags = [t for t in _HTML_END_TAG_RE.findall(value) if t.lower() in HTMLTAGS]
        if tags:
            self.log(cls, node, f"{what} contains HTML (</{tags[0]}>)")
        elif _HTML_ENTITY_RE.search(value):
            for ent in _HTML_ENTITY_RE.findall(value):
                if ent in name2codepoint or ent == "apos" or not ent.isalpha():
                    if not self.line_has_hex_ref(node):
                        self.log(cls, node, f"{what} contains an HTML entity (&{ent};)")
                    break
        elif (
            self.kind == "rss"
            and re.search(r"&#[x0-9]|<[/a-zA-Z]", value)
            and not self.line_has_hex_ref(node)
            and self.rss_version.startswith("2.")
        ):
            # RSS Profile: markup-like characters should be escaped as &#x3C; etc.
            self.log("CharacterData", node, f"{what}: encode '<' and '&' as &#x3C; &#x26;")

    def safe_html(self, node: _Node, value: str, rel_refs: bool = True) -> None:
        """validators.py safeHtml: HTMLValidator (+ absUrlMixin when ``rel_refs``)."""
        errors, findings = html_problems(value)
        if errors:
            self.log("NotHtml", node, f"Invalid HTML: {errors[0]}")
        for cls, detail in findings:
            self.log(cls, node, detail)
        if not rel_refs:
            return
        for groups in _IMG_RE.findall(value) + _ANCHOR_RE.findall(value):
            ref = _decode_html_refs(next((g for g in groups if g), "")).strip()
            if _ABSREF_RE.match(ref):
                continue
            bad = next((c for c in ref if ord(c) < 128 and not _URICHAR_RE.match(c)), None)
            if bad is not None:
                self.log("InvalidUriChar", node, f"invalid character {bad!r} in {ref!r}")
            else:
                self.log("ContainsRelRef", node, f"relative URL {ref!r}")

    def uri(
        self,
        node: _Node,
        value: str,
        *,
        full: bool = False,
        iri: bool = False,
        error: str = "InvalidLink",
        what: str = "",
    ) -> bool:
        """validators.py rfc2396.validate (rfc2396_full / rfc3987 / rfc3987_full variants)."""
        what = what or f"<{node.label}>"
        if iri and value:
            with contextlib.suppress(UnicodeError):
                value = value.encode("idna").decode("utf-8")
        regex = _URI_FULL_RE if full else _URI_RELATIVE_RE
        scheme = value.split(":")[0].lower()
        if scheme == "tag":
            if _TAG_RE.match(value):
                return True
            self.log("InvalidTAG", node, f"{what}: invalid tag: URI {value!r}")
            return False
        if scheme == "urn":
            if value.lower().startswith("urn:uuid:") and not _UUID_RE.match(value):
                self.log("InvalidUUID", node, f"{what}: invalid urn:uuid {value!r}")
                return False
            if _URN_RE.match(value):
                return True
            self.log("InvalidURN", node, f"{what}: invalid URN {value!r}")
            return False
        if not regex.match(value):
            bad = next((c for c in value if ord(c) < 128 and not _URICHAR_RE.match(c)), None)
            if bad is not None:
                self.log("InvalidUriChar", node, f"{what}: invalid character {bad!r} in {value!r}")
                return False
            try:
                if regex.match(value.encode("idna").decode("utf-8")):
                    error = "UriNotIri"
            except UnicodeError:
                pass
            self.log(error, node, f"{what}: invalid URI {value!r}")
            return False
        if scheme in ("http", "ftp"):
            if not re.match(r"^\w+://[^/].*", value):
                self.log(error, node, f"{what}: invalid URI {value!r}")
                return False
            return True
        if ":" in value and scheme.isalpha() and scheme not in _IANA_SCHEMES:
            self.log("SchemeNotIANARegistered", node, f"{what}: unregistered scheme {scheme!r}")
            return False
        return True

    def canonical(self, node: _Node, value: str) -> None:
        # validators.py canonicaluri: rfc3987_full, then NonCanonicalURI
        stripped = value.strip()
        if self.uri(node, stripped, full=True, error="InvalidFullLink"):
            canon = canonical_uri(stripped)
            if canon is None or canon != value:
                self.log("NonCanonicalURI", node, f"{value!r} is not canonical ({canon!r})")

    def iso639(self, node: _Node, value: str, what: str = "") -> None:
        lang = value.split("-", 1)[0].lower()
        if lang not in _ISO639_1 and not re.fullmatch(r"[a-z]{3}", lang):
            self.log("InvalidLanguage", node, f"{what or node.label}: invalid language {value!r}")

    def rfc822(self, node: _Node, value: str) -> None:
        # validators.py rfc822.validate
        if _RFC2822_RE.match(value):
            parsed = parsedate(value)
            try:
                if parsed and parsed[0] > 1900:
                    dow = _dt.date(*parsed[:3]).strftime("%a")
                    if value.find(",") > 0 and dow.lower() != value[:3].lower():
                        self.log("IncorrectDOW", node, f"{value!r}: day of week is {dow}")
                        return
            except ValueError as exc:
                self.log("InvalidRFC2822Date", node, f"{value!r}: {exc}")
                return
            if _implausible_822(value):
                self.log("ImplausibleDate", node, f"implausible date {value!r}")
        else:
            previous, stripped = "", re.sub(r"[\\](.)", "", value)
            while previous != stripped:
                previous, stripped = stripped, re.sub(r"\([^(]*?\)", " ", stripped)
            if not _RFC822_LOOSE_RE.match(stripped.strip().lower()):
                self.log("InvalidRFC2822Date", node, f"{value!r} is not an RFC-822 date-time")
            else:
                self.log(
                    "ProblematicalRFC822Date",
                    node,
                    f"{value!r}: use e.g. 'Wed, 02 Oct 2002 13:00:00 GMT' (4-digit year, "
                    "single spaces, numeric or US zone)",
                )

    def iso8601(self, node: _Node, value: str, regex: re.Pattern[str], cls: str) -> bool:
        # validators.py unbounded_iso8601 / iso8601 / rfc3339 / w3cdtf
        if not regex.match(value):
            self.log(cls, node, f"invalid date-time {value!r}")
            return False
        work = value.split("T")
        date = work[0].split("-")
        try:
            if len(date) > 2:
                _dt.date(int(date[0]), int(date[1]), int(date[2]))
        except ValueError as exc:
            self.log(cls, node, f"{value!r}: {exc}")
            return False
        if len(work) > 1:
            hms = work[1].split("Z")[0].split("+")[0].split("-")[0].split(":")
            if (
                int(hms[0]) > 23
                or (len(hms) > 1 and int(hms[1]) > 60)
                or (len(hms) > 2 and float(hms[2]) > 60.0)
            ):
                self.log(cls, node, f"invalid time in {value!r}")
                return False
        tomorrow = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 86400))
        if value < "1990-01-01" or value > tomorrow:
            self.log("ImplausibleDate", node, f"implausible date {value!r}")
        return True

    def rfc3339(self, node: _Node, value: str) -> None:
        self.iso8601(node, value, _RFC3339_RE, "InvalidRFC3339Date")

    def w3cdtf(self, node: _Node, value: str) -> None:
        self.iso8601(node, value, _W3CDTF_RE, "InvalidW3CDTFDate")

    def addr_spec(self, node: _Node, value: str, cls: str) -> None:
        # validators.py addr_spec (the DNS lookup behind UnknownHost is skipped: offline)
        if not _EMAIL_RE.match(value) and not _SIMPLE_EMAIL_RE.match(value):
            self.log(cls, node, f"invalid e-mail address {value!r}")

    def email_with_name(self, node: _Node, value: str) -> None:
        # validators.py email_with_name: "editor@example.com (Editor Name)"
        if value.startswith("mailto:"):
            value = unquote(value.split(":", 1)[1])
        if value.find("@") > 0 and not value.endswith(")"):
            if value.find(" ") > 0:
                self.log("EmailFormat", node, f"{value!r}: use 'address (Real Name)'")
            else:
                self.log("MissingRealName", node, f"{value!r}: add the real name in parentheses")
            return
        addresses = getaddresses([value])
        address = addresses[0][1] if len(addresses) == 1 else value
        self.nonhtml(node, value)
        self.addr_spec(node, address or value, "InvalidContact")

    def integer(self, node: _Node, value: str, *, positive: bool, what: str = "") -> None:
        try:
            number = int(value)
            ok = number > 0 if positive else number >= 0
        except ValueError:
            ok = False
        if not ok:
            cls = "InvalidPositiveInteger" if positive else "InvalidNonNegativeInteger"
            self.log(cls, node, f"{what or node.label}: {value!r} is not a valid integer")

    # -- shared Atom constructs (used by RSS for atom:* too) ---------------------------------
    def atom_link(self, node: _Node, ctx: _Ctx) -> None:
        """link.py link.validate."""
        self.attrs(
            node,
            {
                (None, "type"),
                (None, "title"),
                (None, "rel"),
                (None, "href"),
                (None, "length"),
                (None, "hreflang"),
                (RDF_NS, "type"),
                (RDF_NS, "resource"),
                (THR_NS, "count"),
                (THR_NS, "when"),
                (THR_NS, "updated"),
            },
        )
        parent = node.parent
        in_entry = parent is not None and parent.vname == "entry"
        info = {"rel": "alternate", "type": "", "href": "", "hreflang": ""}
        rel = node.attr("rel")
        if rel is not None:
            if rel.startswith("http://www.iana.org/assignments/relation/"):
                rel = rel[len("http://www.iana.org/assignments/relation/") :]
            info["rel"] = rel
            if rel not in _LINK_RELATIONS:
                try:
                    ascii_rel = rel.encode("idna").decode("utf-8")
                except UnicodeError:
                    ascii_rel = rel
                if not _URI_FULL_RE.match(ascii_rel):
                    self.log("UnregisteredAtomLinkRel", node, f"unregistered rel {rel!r}")
            self.nonblank(node, rel, "AttrNotBlank", "rel")
            if rel in _RFC5005_RELS and in_entry:
                self.log("FeedHistoryRelInEntry", node, f"rel={rel!r} belongs on the feed")
        link_type = node.attr("type")
        if link_type is not None:
            info["type"] = link_type
            if not MIME_RE.match(link_type):
                self.log("InvalidMIMEType", node, f"invalid type {link_type!r}")
            elif info["rel"] == "self" and link_type.split(";")[0] not in (
                "application/atom+xml",
                "application/rss+xml",
                "application/rdf+xml",
            ):
                self.log("SelfNotAtom", node, f"rel=self with type {link_type!r}")
        title = node.attr("title")
        if title is not None:
            self.nonblank(node, title, "AttrNotBlank", "title")
            self.nonhtml(node, title, what="title attribute")
        length = node.attr("length")
        if length is not None:
            self.integer(node, length, positive=False, what="length")
            self.nonblank(node, length, what="length")
        hreflang = node.attr("hreflang")
        if hreflang is not None:
            info["hreflang"] = hreflang
            self.iso639(node, hreflang, "hreflang")
        href = node.attr("href")
        if href is not None:
            info["href"] = href
            self.uri(node, href, iri=True, error="InvalidIRI", what="href")
            if info["rel"] == "self" and parent is not None and parent.vname in ("feed", "channel"):
                absolute = urlparse(href).netloc
                ancestor: _Node | None = node
                while not absolute and ancestor is not None:
                    base = ancestor.attr("base", XML_NS)
                    if base:
                        absolute = urlparse(base).netloc
                    ancestor = ancestor.parent
                if not absolute:
                    self.log("RelativeSelf", node, f"relative self link {href!r}")
        else:
            self.log("MissingHref", node, "link has no href attribute")
        if node.attr("count", THR_NS) is not None and info["rel"] != "replies":
            self.log("UnexpectedAttribute", node, "thr:count only allowed with rel=replies")
        if node.text.strip():
            self.log("AtomLinkNotEmpty", node, "link element should be empty")
        ctx.links.append(info)

    def atom_author(self, node: _Node, ctx: _Ctx) -> None:
        """author.py author."""
        self.attrs(node, {(RDF_NS, "parseType")})
        sub = _Ctx(node)
        table = {
            name: spec
            for base in ("", "atom_")
            for name, spec in {
                f"{base}name": (self._author_name, "DuplicateElement"),
                f"{base}email": (self._author_email, "DuplicateElement"),
                f"{base}uri": (self._author_uri, "DuplicateElement"),
            }.items()
        }
        for extra in ("foaf_workplaceHomepage", "foaf_homepage", "foaf_weblog", "foaf_plan"):
            table[extra] = (lambda n, c: None, None)
        table["xhtml_div"] = (lambda n, c: None, None)
        self.children(node, table, sub)
        if "name" not in sub.seen and "atom_name" not in sub.seen:
            self.log("MissingElement", node, f"<{node.label}> has no <name>")

    def _author_name(self, node: _Node, ctx: _Ctx) -> None:
        value = self.text_element(node)
        self.nonhtml(node, value)
        if _NONEMAIL_RE.search(value):
            self.log("ContainsEmail", node, "name contains an e-mail address")
        self.nonblank(node, value)

    def _author_email(self, node: _Node, ctx: _Ctx) -> None:
        self.addr_spec(node, self.text_element(node), "InvalidAddrSpec")

    def _author_uri(self, node: _Node, ctx: _Ctx) -> None:
        value = self.text_element(node)
        self.nonblank(node, value)
        self.uri(node, value, iri=True, error="InvalidIRI")
        self.nows(node)

    def atom_category(self, node: _Node, ctx: _Ctx) -> None:
        """category.py category (Atom): a validatorBase, so no text and no children."""
        self.attrs(node, {(None, "term"), (None, "scheme"), (None, "label")})
        term = node.attr("term")
        if term is None:
            self.log("MissingAttribute", node, "category has no term attribute")
        else:
            self.nonblank(node, term, what="term")
        scheme = node.attr("scheme")
        if scheme is not None:
            self.uri(node, scheme, full=True, error="InvalidFullLink", what="scheme")
        label = node.attr("label")
        if label is not None:
            self.nonhtml(node, label, what="label attribute")
        self.children(node, {}, _Ctx(node))

    def atom_generator(self, node: _Node, ctx: _Ctx) -> None:
        """generator.py generator (+ nonblank)."""
        value = self.text_element(node, {(None, "uri"), (None, "version")})
        if node.attr("url") is not None:
            self.uri(node, node.attr("url") or "", what="url attribute")
        if node.attr("uri") is not None:
            self.uri(node, node.attr("uri") or "", error="InvalidURIAttribute", what="uri")
        self.nonhtml(node, value)
        self.nonblank(node, value)

    def text_construct(self, node: _Node, ctx: _Ctx, content: bool = False) -> None:
        """content.py textConstruct / content."""
        self.attrs(node, {(None, "type"), (None, "src")})
        src = node.attr("src")
        ctype = "" if src is not None else "text"
        if src is None and self.kind == "rss" and node.vname != "atom_summary":
            self.log("DuplicateDescriptionSemantics", node, "duplicates an RSS core element")
        if node.attr("type") is not None:
            ctype = node.attr("type") or ""
            if not ctype:
                self.log("AttrNotBlank", node, "type should not be blank")
        if content:
            if ctype == "multipart/alternative":
                self.log("InvalidMIMEType", node, f"invalid type {ctype!r}")
        elif "/" in ctype:
            self.log("InvalidTextType", node, f"type must be text, html or xhtml, not {ctype!r}")
        if src is not None:
            self.uri(node, src, error="InvalidURIAttribute", what="src")
            if node.attr("type") is None:
                self.log("MissingTypeAttr", node, "src without a type attribute")
        if (
            not (ctype in ("text", "html", "xhtml") and src is None)
            and ctype
            and not MIME_RE.match(ctype)
        ):
            self.log("InvalidMIMEType", node, f"invalid type {ctype!r}")
        ctx.data[f"type:{node.vname}"] = ctype
        ctx.data[f"src:{node.vname}"] = src

        value = node.text
        xmlish = ctype.endswith("+xml") or ctype.endswith("/xml")
        if ctype == "xhtml":
            value = self._xhtml_content(node, value)
        else:
            for child in node.children:
                if not xmlish:
                    self.log("UndefinedElement", child, f"element inside <{node.label}>")
                self.eat(child, child.name)
        if ctype == "text":
            self.nonhtml(node, value, "ContainsUndeclaredHTML")
        elif ctype == "xhtml":
            self.nonhtml(node, value, "NotInline")
        else:
            if "/" in ctype and not (xmlish or ctype.startswith("text/")):
                try:
                    decoded = base64.b64decode(value.encode("us-ascii"), validate=False)
                    if ctype.endswith("/html"):
                        ctype, value = "html", decoded.decode("utf-8")
                except (ValueError, UnicodeError):
                    self.log("NotBase64", node, "content is not valid base64")
            if ctype == "html" or ctype.endswith("/html"):
                self.safe_html(node, value, rel_refs=False)
                if ctype.endswith("/html") and "<html" not in value and src is None:
                    self.log("HtmlFragment", node, f"{ctype} content must be a full document")
            elif not xmlish:
                self.nonhtml(node, value, "ContainsUndeclaredHTML")
        if not value and not node.children and src is None:
            self.log("NotBlank", node, f"<{node.label}> should not be blank")

    def _xhtml_content(self, node: _Node, value: str) -> str:
        """content.py textConstruct.startElementNS + diveater for type="xhtml"."""
        if value.strip():
            self.log("MissingXhtmlDiv", node, "xhtml content must be wrapped in an xhtml:div")
        for i, child in enumerate(node.children):
            if child.ns != XHTML_NS or child.name != "div":
                if i == 0:
                    self.log("MissingXhtmlDiv", node, "first child must be xhtml:div")
                if child.ns != XHTML_NS:
                    self.log("NotHtml", child, f"unexpected namespace {child.ns!r}")
                continue
            mixed = False
            for desc in list(child.walk())[1:]:
                mixed = True
                if not desc.ns:
                    self.log("MissingNamespace", desc, "element in no namespace in xhtml:div")
                elif desc.ns == XHTML_NS:
                    if desc.name not in HTMLTAGS:
                        self.log("NotHtml", desc, f"Non-XHTML element <{desc.name}>")
                    elif desc.name not in ACCEPTABLE_ELEMENTS:
                        self.log("SecurityRisk", desc, f"<{desc.name}>")
                    for (ans, aname), aval in desc.attrs.items():
                        if ans:
                            continue
                        if aname == "style":
                            for evil in _check_style(aval):
                                self.log("DangerousStyleAttr", desc, f"style {evil!r}")
                        elif aname.startswith("on"):
                            self.log("SecurityRiskAttr", desc, f"attribute {aname!r}")
            if not mixed:
                value += child.text
        return value


_LINK_RELATIONS = _words(
    """alternate current describedby edit edit-media enclosure first hub last license next
    next-archive payment prev-archive previous related replies search self service up
    via"""
)
_RFC5005_RELS = {"current", "first", "last", "next", "next-archive", "prev-archive", "previous"}


def _double_encoded(value: str) -> bool:
    # base.py validatorBase.characters(): Latin characters double-encoded as UTF-8
    if not re.search("[\xc2\xc3][\x80-\xbf]", value):
        return False
    try:
        value.encode("iso-8859-1").decode("utf-8")
    except UnicodeError:
        return False
    return True


def _implausible_822(value: str) -> bool:
    # validators.py implausible_822(): future (+10 minutes) or before 1990
    parsed = parsedate_tz(value)
    try:
        stamp = mktime_tz(parsed)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return True
    return stamp > time.time() + 600 or parsed[0] < 1990  # type: ignore[index]


# --------------------------------------------------------------------------------------------
# RSS 2.0 (rss.py, channel.py, item.py, image.py)
# --------------------------------------------------------------------------------------------
_CHANNEL_METADATA = _words(
    """link title description image textInput textinput category cloud ttl docs generator pubDate
    managingEditor webMaster language copyright lastBuildDate skipHours skipDays
    atom_link"""
)


class _Rss(_Validator):
    def __init__(self) -> None:
        super().__init__("rss")

    def run(self, data: bytes) -> list[str]:
        root = self.parse(data)
        if root is None:
            return self.out
        self.global_checks(root)
        # root.py root.startElementNS / rss.py rss
        if root.name != "rss":
            self.log("UndefinedElement", root, "the root element must be <rss>")
            return self.out
        if root.ns:
            self.log("InvalidNamespace", root, f"<rss> must not be in a namespace ({root.ns})")
        root.vname = "rss"
        self.attrs(root, {(None, "version")})
        version = root.attr("version")
        if version is None:
            self.log("MissingAttribute", root, "<rss> has no version attribute")
        else:
            self.rss_version = version
            if version not in ("0.91", "0.92", "2.0"):
                self.log("InvalidRSSVersion", root, f"invalid RSS version {version!r}")
        ctx = _Ctx(root)
        self.children(root, {"channel": (self.channel, "DuplicateElement")}, ctx)
        if "channel" not in ctx.seen:
            self.log("MissingElement", root, "<rss> has no <channel>")
        # channel.py: rss-board-compliant feeds (docs = rssboard) may use extension attributes
        if self.docs != RSSBOARD_DOCS:
            self.out.extend(self.ext_attr_events)
        return self.out

    # -- channel -----------------------------------------------------------------------------
    def channel(self, node: _Node, ctx: _Ctx) -> None:
        self.attrs(node, {(INDEXING_NS, "index")})
        c = _Ctx(node)
        c.data["guids"] = []
        c.data["atom_ids"] = []
        t = self.text_spec
        dup = "DuplicateElement"
        table: dict[str, tuple[Callable[[_Node, _Ctx], None], str | None]] = {
            "title": (self.channel_title, dup),
            "link": (self.channel_link, dup),
            "description": (t(self.nonhtml), dup),
            "image": (self.image, dup),
            "textInput": (self.text_input, dup),
            "item": (self.item, None),
            "category": (t(self.nonhtml, {(None, "domain")}), None),
            "cloud": (self.cloud, dup),
            "rating": (t(), None),
            "ttl": (self.ttl, dup),
            "docs": (self.channel_docs, dup),
            "generator": (t(sem=("admin_generatorAgent", "DuplicateSemantics")), dup),
            "pubDate": (t(self.rfc822, sem=("dc_date", "DuplicateSemantics")), dup),
            "managingEditor": (
                t(self.email_with_name, sem=("dc_creator", "DuplicateSemantics")),
                dup,
            ),
            "webMaster": (t(self.email_with_name, sem=("dc_publisher", "DuplicateSemantics")), dup),
            "language": (t(self.iso639, sem=("dc_language", "DuplicateSemantics")), dup),
            "copyright": (t(self.nonhtml, sem=("dc_rights", "DuplicateSemantics")), dup),
            "lastBuildDate": (
                t(self.rfc822, sem=("dcterms_modified", "DuplicateSemantics")),
                dup,
            ),
            "skipHours": (self.lenient, None),
            "skipDays": (self.lenient, None),
            "blink": (self.blink, dup),
            "textinput": (self.textinput_lower, None),
            "atom_author": (self.atom_author, None),
            "atom_category": (self.atom_category, None),
            "atom_contributor": (self.atom_author, None),
            "atom_generator": (self.atom_generator, dup),
            "atom_id": (t(lambda n, v: self.uri(n, v, full=True, error="InvalidFullLink")), dup),
            "atom_icon": (t(self._nonblank_uri), dup),
            "atom_link": (self.atom_link, None),
            "atom_logo": (t(self._nonblank_uri), dup),
            "atom_title": (self.text_construct, dup),
            "atom_subtitle": (self.text_construct, dup),
            "atom_rights": (self.text_construct, dup),
            "atom_updated": (t(self.rfc3339), dup),
            "dc_creator": (t(sem=("managingEditor", "DuplicateSemantics")), None),
            "dc_subject": (t(sem=("category", "DuplicateSemantics")), None),
            "dc_date": (t(self.w3cdtf, sem=("pubDate", "DuplicateSemantics")), dup),
            "cc_license": (self.lenient, None),
            "creativeCommons_license": (
                t(lambda n, v: self.uri(n, v, full=True, error="InvalidFullLink")),
                None,
            ),
            "xhtml_div": (self.lenient, None),
            "xhtml_meta": (self.lenient, None),
            **self.dc_everywhere(),
        }
        wrapped = {
            name: (self._metadata(handler) if name in _CHANNEL_METADATA else handler, d)
            for name, (handler, d) in table.items()
        }
        self.children(node, wrapped, c)
        # channel.py channel.validate
        if "description" not in c.seen:
            self.log("MissingDescription", node, "missing <description>")
        if "link" not in c.seen:
            self.log("MissingLink", node, "missing <link>")
        if "title" not in c.seen:
            self.log("MissingTitle", node, "missing <title>")
        if self.rss_version == "2.0" and not any(link["rel"] == "self" for link in c.links):
            self.log("MissingAtomSelfLink", node, 'missing <atom:link rel="self">')

    def _metadata(self, handler: Callable[[_Node, _Ctx], None]) -> Callable[[_Node, _Ctx], None]:
        # channel.py rss20Channel.metadata(): channel metadata after the first item
        def wrapped(node: _Node, ctx: _Ctx) -> None:
            if "item" in ctx.seen:
                self.log("MisplacedItem", node, "channel metadata must come before the items")
            handler(node, ctx)

        return wrapped

    def text_spec(
        self,
        check: Callable[[_Node, str], object] | None = None,
        expected: set | None = None,
        sem: tuple[str, str] | None = None,
    ) -> Callable[[_Node, _Ctx], None]:
        """A text element: optional value check and DuplicateSemantics partner."""

        def handler(node: _Node, ctx: _Ctx) -> None:
            if sem and sem[0] in ctx.seen:
                self.log(sem[1], node, f"<{node.label}> duplicates <{sem[0].replace('_', ':')}>")
            value = self.text_element(node, expected)
            if check is not None:
                check(node, value)

        return handler

    def dc_everywhere(self) -> dict[str, tuple[Callable[[_Node, _Ctx], None], str | None]]:
        # extension.py extension_everywhere (Dublin Core part)
        t = self.text_spec
        dup = "DuplicateElement"
        return {
            "dc_title": (t(), dup),
            "dc_description": (t(), dup),
            "dc_publisher": (t(sem=("webMaster", "DuplicateSemantics")), None),
            "dc_contributor": (t(), None),
            "dc_type": (t(), dup),
            "dc_format": (t(), dup),
            "dc_identifier": (t(), None),
            "dc_source": (t(sem=("source", "DuplicateItemSemantics")), dup),
            "dc_language": (t(self.iso639, sem=("language", "DuplicateSemantics")), dup),
            "dc_relation": (t(), None),
            "dc_coverage": (t(), None),
            "dc_rights": (t(self.nonhtml, sem=("copyright", "DuplicateSemantics")), dup),
        }

    def _nonblank_uri(self, node: _Node, value: str) -> None:
        self.nonblank(node, value)
        self.uri(node, value)

    def lenient(self, node: _Node, ctx: _Ctx) -> None:
        self.eat(node, node.vname or node.name)

    def channel_title(self, node: _Node, ctx: _Ctx) -> None:
        value = self.text_element(node)
        ctx.data["title"] = value
        self.nonhtml(node, value)
        self.nonblank(node, value)

    def channel_link(self, node: _Node, ctx: _Ctx) -> None:
        value = self.text_element(node)
        ctx.data["link"] = value
        self.uri(node, value, full=True, error="InvalidFullLink")

    def channel_docs(self, node: _Node, ctx: _Ctx) -> None:
        value = self.text_element(node)
        self.docs = value
        self.uri(node, value, full=True, error="InvalidFullLink")

    def ttl(self, node: _Node, ctx: _Ctx) -> None:
        value = self.text_element(node)
        self.integer(node, value, positive=True)
        self.nonblank(node, value)

    def blink(self, node: _Node, ctx: _Ctx) -> None:
        self.text_element(node)
        self.log("NoBlink", node, "there is no <blink> element")

    def textinput_lower(self, node: _Node, ctx: _Ctx) -> None:
        self.log("UndefinedElement", node, "did you mean <textInput>?")
        self.eat(node, node.name)

    def text_input(self, node: _Node, ctx: _Ctx) -> None:
        self.log("AvoidTextInput", node, "<textInput> is not widely supported")
        self.eat(node, node.name)

    def cloud(self, node: _Node, ctx: _Ctx) -> None:
        names = ("domain", "path", "registerProcedure", "protocol", "port")
        self.text_element(node, {(None, n) for n in names})
        for name in names:
            if node.attr(name) is None:
                self.log("MissingAttribute", node, f"<cloud> has no {name} attribute")
        port = node.attr("port")
        if port is not None:
            try:
                if int(port) <= 0:
                    raise ValueError
            except ValueError:
                self.log("InvalidIntegerAttribute", node, f"port {port!r}")

    def image(self, node: _Node, ctx: _Ctx) -> None:
        """image.py image."""
        self.attrs(node, {(RDF_NS, "resource"), (RDF_NS, "about"), (RDF_NS, "parseType")})
        channel = ctx
        sub = _Ctx(node)

        def title(n: _Node, c: _Ctx) -> None:
            value = self.text_element(n)
            if not value.strip():
                self.log("NotBlank", n, "image title should not be blank")
            else:
                self.nonhtml(n, value)
            if channel.data.get("title") and channel.data["title"] != value:
                self.log("ImageTitleDoesntMatch", n, "image title differs from channel title")

        def link(n: _Node, c: _Ctx) -> None:
            value = self.text_element(n)
            self.uri(n, value, full=True, error="InvalidFullLink")
            if channel.data.get("link") and channel.data["link"] != value:
                self.log("ImageLinkDoesntMatch", n, "image link differs from channel link")

        def url(n: _Node, c: _Ctx) -> None:
            value = self.text_element(n)
            self.uri(n, value, full=True, error="InvalidFullLink")
            ext = value.split(".")[-1].lower()
            if re.match(r"^\w+$", ext) and ext not in ("jpg", "jpeg", "gif", "png"):
                self.log("ImageUrlFormat", n, f"image format {ext!r} (use jpg, gif or png)")

        def size(limit: int, cls: str) -> Callable[[_Node, _Ctx], None]:
            def check(n: _Node, c: _Ctx) -> None:
                value = self.text_element(n)
                try:
                    ok = 0 < int(value) <= limit
                except ValueError:
                    ok = False
                if not ok:
                    self.log(cls, n, f"{value!r} (must be 1..{limit})")

            return check

        t = self.text_spec
        dup = "DuplicateElement"
        table = {
            "title": (title, dup),
            "link": (link, dup),
            "url": (url, dup),
            "width": (size(144, "InvalidWidth"), dup),
            "height": (size(400, "InvalidHeight"), dup),
            "description": (t(self.nonhtml), dup),
            "dc_creator": (t(), None),
            "dc_subject": (t(), None),
            "dc_date": (t(self.w3cdtf), dup),
            "cc_license": (self.lenient, None),
            **self.dc_everywhere(),
        }
        self.children(node, table, sub)
        if node.attr("resource", RDF_NS) is not None:
            return
        if "title" not in sub.seen:
            self.log("MissingTitle", node, "<image> has no <title>")
        if "url" not in sub.seen:
            self.log("MissingElement", node, "<image> has no <url>")
        if node.attr("parseType", RDF_NS) is None and "link" not in sub.seen:
            self.log("MissingLink", node, "<image> has no <link>")

    # -- item --------------------------------------------------------------------------------
    def item(self, node: _Node, channel: _Ctx) -> None:
        """item.py item / rss20Item."""
        self.attrs(node, set())
        c = _Ctx(node)
        t = self.text_spec
        dup = "DuplicateElement"
        full_uri = t(lambda n, v: self.uri(n, v, full=True, error="InvalidFullLink"))

        def title(n: _Node, ctx: _Ctx) -> None:
            value = self.text_element(n)
            self.nonhtml(n, value)
            self.nonblank(n, value)

        def description(n: _Node, ctx: _Ctx) -> None:
            value = self.text_element(n)
            if self.rss_version == "0.91":
                self.nonhtml(n, value)
            else:
                self.safe_html(n, value)

        def content_encoded(n: _Node, ctx: _Ctx) -> None:
            if "description" not in ctx.seen:
                self.log("NeedDescriptionBeforeContent", n, "put <description> before it")
            self.safe_html(n, self.text_element(n))

        def unique(key: str) -> Callable[[_Node, str], None]:
            def check(n: _Node, value: str) -> None:
                seen: list[str] = channel.data[key]  # type: ignore[assignment]
                self.nonblank(n, value)
                if value in seen:
                    self.log("DuplicateValue", n, f"duplicate value {value!r}")
                elif value:
                    seen.append(value)

            return check

        def atom_id(n: _Node, ctx: _Ctx) -> None:
            if "guid" in ctx.seen:
                self.log("DuplicateItemSemantics", n, "atom:id duplicates <guid>")
            value = self.text_element(n)
            self.uri(n, value, full=True, error="InvalidFullLink")
            unique("atom_ids")(n, value)

        def guid(n: _Node, ctx: _Ctx) -> None:
            if "atom_id" in ctx.seen:
                self.log("DuplicateItemSemantics", n, "<guid> duplicates atom:id")
            value = self.text_element(n, {(None, "isPermaLink")})
            self.guid(n, value)
            unique("guids")(n, value)

        def category(n: _Node, ctx: _Ctx) -> None:
            if "dc_subject" in ctx.seen:
                self.log("DuplicateItemSemantics", n, "<category> duplicates dc:subject")
            value = self.text_element(n, {(None, "domain")})
            self.nonhtml(n, value)
            self.nonblank(n, value)

        def source(n: _Node, ctx: _Ctx) -> None:
            if "dc_source" in ctx.seen:
                self.log("DuplicateItemSemantics", n, "<source> duplicates dc:source")
            value = self.text_element(n, {(None, "url")})
            self.nonhtml(n, value)
            if n.attr("url") is None:
                self.log("MissingAttribute", n, "<source> has no url attribute")
            else:
                self.uri(n, n.attr("url") or "", full=True, error="InvalidFullLink", what="url")

        def atom_author(n: _Node, ctx: _Ctx) -> None:
            self.atom_author(n, ctx)

        table: dict[str, tuple[Callable[[_Node, _Ctx], None], str | None]] = {
            "title": (title, dup),
            "link": (full_uri, dup),
            "description": (description, dup),
            "content_encoded": (content_encoded, dup),
            "content_items": (self.lenient, dup),
            "xhtml_body": (self.xhtml_body, None),
            "atom_id": (atom_id, dup),
            "atom_link": (self.atom_link, None),
            "atom_title": (lambda n, ctx: self.text_construct(n, ctx, content=True), dup),
            "atom_summary": (self.text_construct, dup),
            "atom_author": (atom_author, dup),
            "atom_contributor": (self.atom_author, None),
            "atom_content": (lambda n, ctx: self.text_construct(n, ctx, content=True), None),
            "atom_published": (t(self.rfc3339), dup),
            "atom_updated": (t(self.rfc3339), dup),
            "dc_creator": (t(sem=("author", "DuplicateItemSemantics")), None),
            "dc_subject": (t(sem=("category", "DuplicateItemSemantics")), None),
            "dc_date": (t(self.w3cdtf, sem=("pubDate", "DuplicateItemSemantics")), None),
            "cc_license": (self.lenient, None),
            "creativeCommons_license": (full_uri, None),
            "comments": (full_uri, dup),
            "enclosure": (self.enclosure, "DuplicateEnclosure"),
            "pubDate": (self.pub_date, dup),
            "author": (t(self.email_with_name, sem=("dc_creator", "DuplicateItemSemantics")), dup),
            "category": (category, None),
            "guid": (guid, dup),
            "source": (source, dup),
            **self.dc_everywhere(),
        }
        self.children(node, table, c)
        if "title" not in c.seen and "description" not in c.seen:
            self.log("ItemMustContainTitleOrDescription", node, "item needs a title or description")
        if "guid" not in c.seen and self.rss_version.startswith("2."):
            self.log("MissingGuid", node, "item has no <guid>")

    def pub_date(self, node: _Node, ctx: _Ctx) -> None:
        for other in ("dc_date", "atom_published"):
            if other in ctx.seen:
                self.log("DuplicateItemSemantics", node, f"<pubDate> duplicates {other}")
        self.rfc822(node, self.text_element(node))

    def xhtml_body(self, node: _Node, ctx: _Ctx) -> None:
        self.log("DuplicateDescriptionSemantics", node, "xhtml:body duplicates <description>")
        self.eat(node, "xhtml_body")

    def guid(self, node: _Node, value: str) -> None:
        """item.py guid.validate."""
        permalink = True
        flag = node.attr("isPermaLink")
        if flag is not None:
            if flag not in ("true", "false"):
                self.log("InvalidBooleanAttribute", node, f"isPermaLink={flag!r}")
            permalink = flag == "true"
        if permalink:
            valid = self.uri(node, value, full=True, error="InvalidHttpGUID")
            if valid and value.lower().startswith(("tag:", "urn:uuid:")):
                self.log("InvalidPermalink", node, f"{value!r} is not a permalink (isPermaLink)")
        elif len(value) < 9 and value.isdigit():
            self.log("NotSufficientlyUnique", node, f"guid {value!r} is not unique enough")

    def enclosure(self, node: _Node, ctx: _Ctx) -> None:
        """item.py enclosure.prevalidate."""
        self.attrs(node, {(None, "url"), (None, "length"), (None, "type")})
        length = node.attr("length")
        if length is None:
            self.log("MissingAttribute", node, "<enclosure> has no length attribute")
        else:
            try:
                number = int(length)
            except ValueError:
                self.log("InvalidIntegerAttribute", node, f"length={length!r}")
            else:
                if number == -1:
                    self.log("UseZeroForUnknown", node, "use length=0 for an unknown length")
                elif number < 0:
                    self.log("InvalidNonNegativeInteger", node, f"length={length!r}")
        mime = node.attr("type")
        if mime is None:
            self.log("MissingAttribute", node, "<enclosure> has no type attribute")
        elif not MIME_RE.match(mime):
            self.log("InvalidMIMEAttribute", node, f"type={mime!r}")
        url = node.attr("url")
        if url is None:
            self.log("MissingAttribute", node, "<enclosure> has no url attribute")
        elif not _HTTP_URL_RE.match(url) or not _URI_FULL_RE.match(url):
            self.log("InvalidURLAttribute", node, f"url={url!r} must be an http(s) URL")
        self.children(node, {}, _Ctx(node))


# --------------------------------------------------------------------------------------------
# Atom 1.0 (root.py, feed.py, entry.py, content.py, author.py, category.py, link.py)
# --------------------------------------------------------------------------------------------
class _Atom(_Validator):
    def __init__(self) -> None:
        super().__init__("atom")
        self.default_ns = {ATOM_NS}

    def run(self, data: bytes) -> list[str]:
        root = self.parse(data)
        if root is None:
            return self.out
        self.global_checks(root)
        # root.py root.startElementNS
        if root.name != "feed":
            self.log("UndefinedElement", root, "the root element must be <feed>")
            return self.out
        if any(prefix in ("atom", "xhtml") for prefix, _ in root.decls):
            self.log("AvoidNamespacePrefix", root, "do not declare the atom/xhtml prefixes")
        if not root.ns:
            self.log("MissingNamespace", root, f"<feed> must be in the {ATOM_NS} namespace")
            return self.out
        if root.ns != ATOM_NS:
            self.log("InvalidNamespace", root, f"<feed> is in namespace {root.ns!r}")
            return self.out
        root.vname = "feed"
        self.feed(root)
        return self.out

    def feed(self, node: _Node) -> None:
        """feed.py feed."""
        self.attrs(node, {(INDEXING_NS, "index")})
        c = _Ctx(node)
        c.data["ids"] = []
        c.data["updated"] = []
        dup = "DuplicateElement"
        t = self.atom_text

        def metadata(handler: Callable[[_Node, _Ctx], None]) -> Callable[[_Node, _Ctx], None]:
            def wrapped(n: _Node, ctx: _Ctx) -> None:
                if "entry" in ctx.seen:
                    self.log("MisplacedMetadata", n, "feed metadata must come before entries")
                handler(n, ctx)

            return wrapped

        def entry(n: _Node, ctx: _Ctx) -> None:
            if "entry" not in ctx.seen:
                self.feed_metadata(node, ctx)
            self.entry(n, ctx)

        table: dict[str, tuple[Callable[[_Node, _Ctx], None], str | None]] = {
            "author": (metadata(self.atom_author), None),
            "category": (metadata(self.atom_category), None),
            "contributor": (metadata(self.atom_author), None),
            "generator": (metadata(self.atom_generator), dup),
            "id": (metadata(t(self.canonical, nows=True)), dup),
            "icon": (metadata(t(self._icon, nows=True)), dup),
            "link": (metadata(self.atom_link), None),
            "logo": (metadata(t(self._icon, nows=True)), dup),
            "title": (metadata(self.text_construct), dup),
            "subtitle": (metadata(self.text_construct), dup),
            "rights": (metadata(self.text_construct), dup),
            "updated": (metadata(t(self.rfc3339, nows=True)), dup),
            "entry": (entry, None),
            "dc_creator": (t(), None),
            "dc_subject": (t(), None),
            "dc_date": (t(self.w3cdtf), dup),
            **self.dc_common(),
        }
        self.children(node, table, c)
        if "entry" not in c.seen:
            self.feed_metadata(node, c)
        # feed.py validate: DuplicateIds when (almost) every entry shares one id
        entries = c.seen.count("entry")
        dups = sum(1 for p in self.out if p.startswith("DuplicateEntries:"))
        if entries > 9 and entries == dups + 1:
            self.out = [p for p in self.out if not p.startswith("DuplicateEntries:")]
            self.log("DuplicateIds", node, "all entries have the same id")

    def feed_metadata(self, node: _Node, c: _Ctx) -> None:
        # feed.py validate_metadata (run at the first entry, or at the end)
        for name in ("title", "id", "updated"):
            if name not in c.seen:
                self.log("MissingElement", node, f"<feed> has no <{name}>")
        if not any(link["rel"] == "self" for link in c.links):
            self.log("MissingSelf", node, 'missing <link rel="self">')
        self._duplicate_alternates(node, c)

    def _duplicate_alternates(self, node: _Node, c: _Ctx) -> None:
        seen: set[tuple[str, str]] = set()
        for link in c.links:
            if link["rel"] != "alternate":
                continue
            key = (link["type"], link["hreflang"])
            if key in seen:
                self.log(
                    "DuplicateAtomLink",
                    node,
                    f"two rel=alternate links with type={key[0]!r} hreflang={key[1]!r}",
                )
            seen.add(key)

    def dc_common(self) -> dict[str, tuple[Callable[[_Node, _Ctx], None], str | None]]:
        # extension.py extension_everywhere (Dublin Core part)
        t = self.atom_text
        dup = "DuplicateElement"
        return {
            "dc_title": (t(), dup),
            "dc_description": (t(), dup),
            "dc_publisher": (t(), None),
            "dc_contributor": (t(), None),
            "dc_type": (t(), dup),
            "dc_format": (t(), dup),
            "dc_identifier": (t(), None),
            "dc_source": (t(), dup),
            "dc_language": (t(self.iso639), dup),
            "dc_relation": (t(), None),
            "dc_coverage": (t(), None),
            "dc_rights": (t(self.nonhtml), dup),
        }

    def atom_text(
        self, check: Callable[[_Node, str], object] | None = None, nows: bool = False
    ) -> Callable[[_Node, _Ctx], None]:
        def handler(node: _Node, ctx: _Ctx) -> None:
            value = self.text_element(node)
            if nows:
                self.nows(node)
            if check is not None:
                check(node, value)

        return handler

    def _icon(self, node: _Node, value: str) -> None:
        self.nonblank(node, value)
        self.uri(node, value)

    def entry(self, node: _Node, feed: _Ctx) -> None:
        """entry.py entry."""
        self.attrs(node, {(RDF_NS, "parseType")})
        c = _Ctx(node)
        dup = "DuplicateElement"
        t = self.atom_text

        def unique(key: str, cls: str) -> Callable[[_Node, str], None]:
            def check(n: _Node, value: str) -> None:
                seen: list[str] = feed.data[key]  # type: ignore[assignment]
                self.nonblank(n, value)
                if value in seen:
                    self.log(cls, n, f"{value!r} is used by an earlier entry")
                elif value:
                    seen.append(value)

            return check

        def entry_id(n: _Node, ctx: _Ctx) -> None:
            value = self.text_element(n)
            self.canonical(n, value)
            self.nows(n)
            unique("ids", "DuplicateEntries")(n, value)

        def updated(n: _Node, ctx: _Ctx) -> None:
            value = self.text_element(n)
            self.rfc3339(n, value)
            self.nows(n)
            unique("updated", "DuplicateUpdated")(n, value)

        table: dict[str, tuple[Callable[[_Node, _Ctx], None], str | None]] = {
            "author": (self.atom_author, None),
            "category": (self.atom_category, None),
            "content": (lambda n, ctx: self.text_construct(n, ctx, content=True), dup),
            "contributor": (self.atom_author, None),
            "id": (entry_id, dup),
            "link": (self.atom_link, None),
            "published": (t(self.rfc3339, nows=True), dup),
            "source": (self.lenient, dup),
            "rights": (self.text_construct, dup),
            "summary": (self.text_construct, dup),
            "title": (self.text_construct, dup),
            "updated": (updated, dup),
            "dc_creator": (t(), None),
            "dc_subject": (t(), None),
            "dc_date": (t(self.w3cdtf), dup),
            "creativeCommons_license": (
                t(lambda n, v: self.uri(n, v, full=True, error="InvalidFullLink")),
                None,
            ),
            **self.dc_common(),
        }
        self.children(node, table, c)
        for name in ("title", "id", "updated"):
            if name not in c.seen:
                self.log("MissingElement", node, f"<entry> has no <{name}>")
        if "author" not in c.seen and "author" not in feed.seen:
            self.log("MissingElement", node, "<entry> has no <author> and neither has the feed")
        if "content" in c.seen:
            if "summary" not in c.seen:
                ctype = str(c.data.get("type:content") or "")
                if c.data.get("src:content") is not None:
                    self.log("MissingSummary", node, "content with src needs a <summary>")
                elif "/" in ctype and not (
                    ctype.endswith("+xml") or ctype.endswith("/xml") or ctype.startswith("text/")
                ):
                    self.log("MissingSummary", node, f"{ctype} content needs a <summary>")
        else:
            if "summary" not in c.seen:
                self.log("MissingTextualContent", node, "entry has neither content nor summary")
            if not any(link["rel"] == "alternate" for link in c.links):
                self.log("MissingContentOrAlternate", node, "no content and no alternate link")
        self._duplicate_alternates(node, c)

    def lenient(self, node: _Node, ctx: _Ctx) -> None:
        self.eat(node, node.vname or node.name)


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------
def check_rss(xml_bytes: bytes) -> list[str]:
    """Problems the W3C validator would report (errors and warnings) for an RSS 2.0 feed."""
    return _Rss().run(xml_bytes)


def check_atom(xml_bytes: bytes) -> list[str]:
    """Problems the W3C validator would report (errors and warnings) for an Atom 1.0 feed."""
    return _Atom().run(xml_bytes)
