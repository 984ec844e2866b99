"""Self-test of tests/feedrules.py: known-good feeds pass, and every rule fires on a broken one.

Each broken variant is made from the good document by one textual edit; the test first checks
the edit really happened (so a typo in the table cannot make a case pass vacuously), then that
the expected W3C message class is reported.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from feedrules import LEVELS, canonical_uri, check_atom, check_rss, html_problems, message_classes

GOOD_RSS = """<?xml version='1.0' encoding='UTF-8'?>
<rss xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom" \
xmlns:content="http://purl.org/rss/1.0/modules/content/" version="2.0">
  <channel>
    <title>DoPe Press</title>
    <link>https://dopepress.example.com/</link>
    <description>Films &amp; film people in Los Angeles</description>
    <atom:link href="https://dopepress.example.com/feeds/rss.xml" rel="self" \
type="application/rss+xml"/>
    <copyright>© 2024 DoPe Press</copyright>
    <docs>http://www.rssboard.org/rss-specification</docs>
    <generator>dopemail</generator>
    <image>
      <url>https://dopepress.example.com/media/logo.png</url>
      <title>DoPe Press</title>
      <link>https://dopepress.example.com/</link>
    </image>
    <language>en</language>
    <lastBuildDate>Fri, 12 Jan 2024 10:00:00 +0000</lastBuildDate>
    <item>
      <title>All of Us Strangers</title>
      <link>https://dopepress.example.com/all-of-us-strangers/</link>
      <description>A ghost story &amp;amp; a love story.</description>
      <content:encoded><![CDATA[<p>Written and directed by <em>Andrew Haigh</em>. Now \
streaming on <a href="https://www.hulu.com/">Hulu</a>.</p>
<figure><img src="https://dopepress.example.com/media/aous/01.jpg" alt="Andrew Scott" \
width="800" height="533" loading="lazy"><figcaption>Scott, photograph by Chris Harris\
</figcaption></figure>
<blockquote><p>I’ve always said that writers know less…</p></blockquote>
<ul><li>Landmark Sunset<br>8000 Sunset Boulevard</li><li>AMC Century City</li></ul>]]>\
</content:encoded>
      <guid isPermaLink="false">tag:dopepress.example.com,2024-01-12:all-of-us-strangers</guid>
      <category>review</category>
      <category>LGBTQ+</category>
      <enclosure url="https://dopepress.example.com/media/aous/01.jpg" length="48213" \
type="image/jpeg"/>
      <pubDate>Fri, 12 Jan 2024 10:00:00 +0000</pubDate>
      <dc:creator>DoPe Press</dc:creator>
    </item>
    <item>
      <title>Perfect Days</title>
      <link>https://dopepress.example.com/perfect-days/</link>
      <description>Wim Wenders in Tokyo.</description>
      <content:encoded><![CDATA[<p>Hirayama cleans toilets &amp; reads Faulkner.</p>]]>\
</content:encoded>
      <guid isPermaLink="false">tag:dopepress.example.com,2024-01-05:perfect-days</guid>
      <enclosure url="https://dopepress.example.com/media/pd/01.jpg" length="0" \
type="image/jpeg"/>
      <pubDate>Fri, 05 Jan 2024 08:30:00 GMT</pubDate>
      <dc:creator>DoPe Press</dc:creator>
    </item>
  </channel>
</rss>
"""

GOOD_ATOM = """<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <id>https://dopepress.example.com/</id>
  <title>DoPe Press</title>
  <updated>2024-01-12T10:00:00+00:00</updated>
  <author>
    <name>DoPe Press</name>
    <email>editor@dopepress.example.com</email>
  </author>
  <link href="https://dopepress.example.com/feeds/atom.xml" rel="self" \
type="application/atom+xml"/>
  <link href="https://dopepress.example.com/" rel="alternate" type="text/html"/>
  <generator uri="https://pypi.org/project/dopemail/" version="0.1.0">dopemail</generator>
  <icon>https://dopepress.example.com/media/icon.png</icon>
  <logo>https://dopepress.example.com/media/logo.png</logo>
  <rights>© 2024 DoPe Press</rights>
  <subtitle>Films &amp; film people in Los Angeles</subtitle>
  <entry>
    <id>tag:dopepress.example.com,2024-01-12:all-of-us-strangers</id>
    <title>All of Us Strangers</title>
    <updated>2024-01-12T10:00:00Z</updated>
    <author>
      <name>DoPe Press</name>
    </author>
    <content type="html">&lt;p&gt;Now streaming on &lt;a href="https://www.hulu.com/"&gt;Hulu\
&lt;/a&gt; &amp;amp; elsewhere.&lt;/p&gt;</content>
    <link href="https://dopepress.example.com/all-of-us-strangers/" rel="alternate" \
type="text/html"/>
    <link href="https://dopepress.example.com/media/aous/01.jpg" rel="enclosure" \
type="image/jpeg" length="48213"/>
    <summary>A ghost story &amp; a love story.</summary>
    <category term="review"/>
    <published>2024-01-12T10:00:00+00:00</published>
  </entry>
  <entry>
    <id>tag:dopepress.example.com,2024-01-05:perfect-days</id>
    <title type="text">Perfect Days</title>
    <updated>2024-01-05T08:30:00.5-08:00</updated>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Wim Wenders \
in <em>Tokyo</em>.</p></div></content>
    <link href="https://dopepress.example.com/perfect-days/"/>
    <summary>Wim Wenders in Tokyo.</summary>
  </entry>
</feed>
"""


def test_good_rss_has_no_problems() -> None:
    assert check_rss(GOOD_RSS.encode("utf-8")) == []


def test_good_atom_has_no_problems() -> None:
    assert check_atom(GOOD_ATOM.encode("utf-8")) == []


Edit = tuple[str, str] | Callable[[str], str]


def _apply(doc: str, edit: Edit) -> str:
    if callable(edit):
        changed = edit(doc)
    else:
        old, new = edit
        assert old in doc, f"edit target not in the good document: {old!r}"
        changed = doc.replace(old, new, 1)
    assert changed != doc, "the edit did not change the document"
    return changed


def _drop(fragment: str) -> Edit:
    return (fragment, "")


# (case id, edit of GOOD_RSS, expected message class)
RSS_CASES: list[tuple[str, Edit, str]] = [
    # channel.py channel.validate: required elements
    (
        "no-channel-description",
        _drop("<description>Films &amp; film people in Los Angeles</description>"),
        "MissingDescription",
    ),
    (
        "no-channel-link",
        ("<link>https://dopepress.example.com/</link>\n    <desc", "<desc"),
        "MissingLink",
    ),
    ("no-channel-title", ("<title>DoPe Press</title>\n    <link>", "<link>"), "MissingTitle"),
    (
        "no-atom-self-link",
        _drop(
            '<atom:link href="https://dopepress.example.com/feeds/rss.xml" '
            'rel="self" type="application/rss+xml"/>'
        ),
        "MissingAtomSelfLink",
    ),
    ("self-link-wrong-type", ('type="application/rss+xml"', 'type="text/html"'), "SelfNotAtom"),
    (
        "self-link-relative",
        ('href="https://dopepress.example.com/feeds/rss.xml"', 'href="/feeds/rss.xml"'),
        "RelativeSelf",
    ),
    (
        "atom-link-unregistered-rel",
        ('rel="self"', 'rel="self"/><atom:link href="https://x.example.com/" rel="sibling"'),
        "UnregisteredAtomLinkRel",
    ),
    ("atom-link-no-href", ('rel="self"', 'rel="self"/><atom:link rel="related"'), "MissingHref"),
    (
        "atom-link-not-empty",
        ('type="application/rss+xml"/>', 'type="application/rss+xml">x</atom:link>'),
        "AtomLinkNotEmpty",
    ),
    ("atom-link-bad-mime", ('type="application/rss+xml"', 'type="rss"'), "InvalidMIMEType"),
    ("atom-link-bad-length", ('rel="self"', 'rel="self" length="-5"'), "InvalidNonNegativeInteger"),
    # item.py item.validate
    (
        "item-without-title-or-description",
        lambda d: d.replace("<title>Perfect Days</title>", "").replace(
            "<description>Wim Wenders in Tokyo.</description>", ""
        ),
        "ItemMustContainTitleOrDescription",
    ),
    (
        "item-without-guid",
        _drop('<guid isPermaLink="false">tag:dopepress.example.com,2024-01-05:perfect-days</guid>'),
        "MissingGuid",
    ),
    (
        "content-before-description",
        lambda d: d.replace("<description>Wim Wenders in Tokyo.</description>", "").replace(
            '</content:encoded>\n      <guid isPermaLink="false">tag:dopepress.example.com,'
            "2024-01-05",
            "</content:encoded><description>Wim Wenders in Tokyo.</description>\n"
            '      <guid isPermaLink="false">tag:dopepress.example.com,2024-01-05',
        ),
        "NeedDescriptionBeforeContent",
    ),
    ("empty-item-title", ("<title>Perfect Days</title>", "<title></title>"), "NotBlank"),
    (
        "text-directly-in-item",
        ("<title>Perfect Days</title>", "stray text<title>Perfect Days</title>"),
        "UnexpectedText",
    ),
    # validators.py rfc822
    (
        "pubdate-iso8601",
        ("Fri, 05 Jan 2024 08:30:00 GMT", "2024-01-05T08:30:00Z"),
        "InvalidRFC2822Date",
    ),
    (
        "pubdate-two-digit-year",
        ("Fri, 05 Jan 2024 08:30:00 GMT", "Fri, 05 Jan 24 08:30:00 GMT"),
        "ProblematicalRFC822Date",
    ),
    (
        "pubdate-military-zone",
        ("Fri, 05 Jan 2024 08:30:00 GMT", "Fri, 05 Jan 2024 08:30:00 A"),
        "ProblematicalRFC822Date",
    ),
    (
        "pubdate-quarter-hour-zone",
        ("Fri, 05 Jan 2024 08:30:00 GMT", "Fri, 05 Jan 2024 08:30:00 +0545"),
        "ProblematicalRFC822Date",
    ),
    (
        "pubdate-lowercase",
        ("Fri, 05 Jan 2024 08:30:00 GMT", "fri, 05 jan 2024 08:30:00 gmt"),
        "ProblematicalRFC822Date",
    ),
    (
        "pubdate-no-zone",
        ("Fri, 05 Jan 2024 08:30:00 GMT", "Fri, 05 Jan 2024 08:30:00"),
        "InvalidRFC2822Date",
    ),
    (
        "pubdate-wrong-weekday",
        ("Fri, 05 Jan 2024 08:30:00 GMT", "Mon, 05 Jan 2024 08:30:00 GMT"),
        "IncorrectDOW",
    ),
    (
        "pubdate-feb-30",
        ("Fri, 05 Jan 2024 08:30:00 GMT", "30 Feb 2024 08:30:00 GMT"),
        "InvalidRFC2822Date",
    ),
    (
        "pubdate-future",
        ("Fri, 05 Jan 2024 08:30:00 GMT", "05 Jan 2999 08:30:00 GMT"),
        "ImplausibleDate",
    ),
    (
        "pubdate-before-1990",
        ("Fri, 05 Jan 2024 08:30:00 GMT", "Sat, 05 Jan 1985 08:30:00 GMT"),
        "ImplausibleDate",
    ),
    (
        "lastbuilddate-invalid",
        ("Fri, 12 Jan 2024 10:00:00 +0000</lastBuildDate>", "yesterday</lastBuildDate>"),
        "InvalidRFC2822Date",
    ),
    # item.py guid
    (
        "duplicate-guid",
        ("2024-01-05:perfect-days</guid>", "2024-01-12:all-of-us-strangers</guid>"),
        "DuplicateValue",
    ),
    (
        "tag-guid-as-permalink",
        (
            '<guid isPermaLink="false">tag:dopepress.example.com,2024-01-05',
            "<guid>tag:dopepress.example.com,2024-01-05",
        ),
        "InvalidPermalink",
    ),
    (
        "permalink-guid-not-a-url",
        (
            '<guid isPermaLink="false">tag:dopepress.example.com,2024-01-05:perfect-days</guid>',
            '<guid isPermaLink="true">perfect-days</guid>',
        ),
        "InvalidHttpGUID",
    ),
    (
        "guid-ispermalink-yes",
        (
            '<guid isPermaLink="false">tag:dopepress.example.com,2024-01-05',
            '<guid isPermaLink="yes">tag:dopepress.example.com,2024-01-05',
        ),
        "InvalidBooleanAttribute",
    ),
    (
        "short-numeric-guid",
        ('false">tag:dopepress.example.com,2024-01-05:perfect-days</guid>', 'false">12345</guid>'),
        "NotSufficientlyUnique",
    ),
    # item.py enclosure
    (
        "duplicate-enclosure",
        (
            '<enclosure url="https://dopepress.example.com/media/pd/01.jpg"',
            '<enclosure url="https://dopepress.example.com/media/pd/02.jpg" length="1" type="image/'
            'jpeg"/><enclosure url="https://dopepress.example.com/media/pd/01.jpg"',
        ),
        "DuplicateEnclosure",
    ),
    ("enclosure-without-length", (' length="0"', ""), "MissingAttribute"),
    ("enclosure-length-not-integer", ('length="0"', 'length="unknown"'), "InvalidIntegerAttribute"),
    ("enclosure-length-minus-one", ('length="0"', 'length="-1"'), "UseZeroForUnknown"),
    ("enclosure-length-negative", ('length="0"', 'length="-7"'), "InvalidNonNegativeInteger"),
    ("enclosure-without-type", ('length="0" type="image/jpeg"', 'length="0"'), "MissingAttribute"),
    (
        "enclosure-bad-type",
        ('length="0" type="image/jpeg"', 'length="0" type="jpeg"'),
        "InvalidMIMEAttribute",
    ),
    (
        "enclosure-relative-url",
        ('url="https://dopepress.example.com/media/pd/01.jpg"', 'url="/media/pd/01.jpg"'),
        "InvalidURLAttribute",
    ),
    (
        "enclosure-text-content",
        ('length="0" type="image/jpeg"/>', 'length="0" type="image/jpeg">x</enclosure>'),
        "UnexpectedText",
    ),
    # email_with_name: <author> must be an address (that is why we use dc:creator)
    (
        "author-is-a-name",
        (
            "<dc:creator>DoPe Press</dc:creator>\n    </item>\n  </channel>",
            "<author>DoPe Press</author>\n    </item>\n  </channel>",
        ),
        "InvalidContact",
    ),
    (
        "author-without-real-name",
        (
            "<dc:creator>DoPe Press</dc:creator>\n    </item>\n  </channel>",
            "<author>editor@dopepress.example.com</author>\n    </item>\n  </channel>",
        ),
        "MissingRealName",
    ),
    (
        "managing-editor-format",
        (
            "<language>en</language>",
            "<language>en</language>"
            "<managingEditor>editor@dopepress.example.com Editor</managingEditor>",
        ),
        "EmailFormat",
    ),
    (
        "author-and-dc-creator",
        (
            "<dc:creator>DoPe Press</dc:creator>\n    </item>\n  </channel>",
            "<dc:creator>DoPe Press</dc:creator><author>ed@dopepress.example.com (Ed)</author>\n"
            "    </item>\n  </channel>",
        ),
        "DuplicateItemSemantics",
    ),
    (
        "language-and-dc-language",
        ("<language>en</language>", "<language>en</language><dc:language>en</dc:language>"),
        "DuplicateSemantics",
    ),
    # safeHtml: HTMLValidator + absUrlMixin (description and content:encoded)
    (
        "relative-link-in-content",
        ('<a href="https://www.hulu.com/">', '<a href="/hulu/">'),
        "ContainsRelRef",
    ),
    (
        "fragment-link-in-content",
        ('<a href="https://www.hulu.com/">', '<a href="#fn1">'),
        "ContainsRelRef",
    ),
    (
        "relative-img-in-content",
        (
            '<img src="https://dopepress.example.com/media/aous/01.jpg"',
            '<img src="media/aous/01.jpg"',
        ),
        "ContainsRelRef",
    ),
    (
        "protocol-relative-img",
        (
            '<img src="https://dopepress.example.com/media/aous/01.jpg"',
            '<img src="//dopepress.example.com/media/aous/01.jpg"',
        ),
        "ContainsRelRef",
    ),
    (
        "relative-link-in-description",
        ("A ghost story &amp;amp; a love story.", 'A &lt;a href="../x/"&gt;ghost&lt;/a&gt; story.'),
        "ContainsRelRef",
    ),
    ("script-in-content", ("<p>Hirayama", "<script>alert(1)</script><p>Hirayama"), "SecurityRisk"),
    (
        "iframe-in-content",
        ("<p>Hirayama", '<iframe src="https://www.youtube.com/embed/x"></iframe><p>Hirayama'),
        "SecurityRisk",
    ),
    (
        "onclick-in-content",
        ('<a href="https://www.hulu.com/">', '<a href="https://www.hulu.com/" onclick="go()">'),
        "SecurityRiskAttr",
    ),
    (
        "aria-attribute-in-content",
        ('<a href="https://www.hulu.com/">', '<a href="https://www.hulu.com/" aria-label="Hulu">'),
        "SecurityRiskAttr",
    ),
    (
        "dangerous-style",
        ("<p>Hirayama", '<p style="position: fixed">Hirayama'),
        "DangerousStyleAttr",
    ),
    ("unclosed-div", ("<p>Hirayama", "<div><p>Hirayama"), "NotHtml"),
    (
        "misnested-tags",
        ("<em>Andrew Haigh</em>", "<em><strong>Andrew Haigh</em></strong>"),
        "NotHtml",
    ),
    ("bare-ampersand", ("reads Faulkner", "reads R&D"), "NotHtml"),
    ("non-html-tag", ("<p>Hirayama", "<foo>x</foo><p>Hirayama"), "NotHtml"),
    ("plain-text-description-with-lt", ("Wim Wenders in Tokyo.", "Wenders &lt;3 Tokyo"), "NotHtml"),
    # nonhtml: channel title/description, item title, category
    (
        "html-in-channel-description",
        ("Films &amp; film people", "&lt;b&gt;Films&lt;/b&gt;"),
        "ContainsHTML",
    ),
    (
        "entity-in-item-title",
        ("<title>Perfect Days</title>", "<title>Perfect &amp;amp; Days</title>"),
        "ContainsHTML",
    ),
    (
        "markup-in-item-title",
        ("<title>Perfect Days</title>", "<title>Use &lt;em tags</title>"),
        "CharacterData",
    ),
    # noduplicates / undefined elements / attributes
    (
        "duplicate-channel-title",
        (
            "<title>DoPe Press</title>\n    <link>",
            "<title>DoPe Press</title><title>DoPe</title>\n    <link>",
        ),
        "DuplicateElement",
    ),
    (
        "duplicate-item-description",
        (
            "<description>Wim Wenders in Tokyo.</description>",
            "<description>Wim Wenders in Tokyo.</description><description>x</description>",
        ),
        "DuplicateElement",
    ),
    (
        "unknown-core-element",
        ("<language>en</language>", "<language>en</language><tags>x</tags>"),
        "UndefinedElement",
    ),
    (
        "unknown-dc-element",
        (
            "<dc:creator>DoPe Press</dc:creator>\n    </item>\n  </channel>",
            "<dc:author>DoPe Press</dc:author>\n    </item>\n  </channel>",
        ),
        "UndefinedElement",
    ),
    (
        "content-encoded-on-channel",
        ("<language>en</language>", "<language>en</language><content:encoded>x</content:encoded>"),
        "UndefinedElement",
    ),
    (
        "element-inside-title",
        ("<title>Perfect Days</title>", "<title><b>Perfect</b></title>"),
        "UndefinedElement",
    ),
    ("blink", ("<language>en</language>", "<language>en</language><blink>x</blink>"), "NoBlink"),
    (
        "unexpected-attribute",
        ("<title>Perfect Days</title>", '<title type="text">Perfect Days</title>'),
        "UnexpectedAttribute",
    ),
    (
        "extension-attribute-without-rssboard-docs",
        lambda d: (
            d.replace("<docs>http://www.rssboard.org/rss-specification</docs>", "")
            .replace("<rss ", '<rss xmlns:x="http://example.com/x" ')
            .replace("<title>Perfect Days</title>", '<title x:y="1">Perfect Days</title>')
        ),
        "UseOfExtensionAttr",
    ),
    (
        "un-namespaced-child-of-extension",
        (
            "<language>en</language>",
            '<language>en</language><x:stats xmlns:x="http://example.com/x"><views>1</views></x:stats>',
        ),
        "NotInANamespace",
    ),
    (
        "atom-title-in-item",
        (
            "<title>Perfect Days</title>",
            "<title>Perfect Days</title><atom:title>Perfect Days</atom:title>",
        ),
        "DuplicateDescriptionSemantics",
    ),
    (
        "xhtml-element-in-item",
        (
            "<title>Perfect Days</title>",
            '<title>Perfect Days</title><h:p xmlns:h="http://www.w3.org/1999/xhtml">x</h:p>',
        ),
        "MisplacedXHTMLContent",
    ),
    # channel-level values
    (
        "invalid-language",
        ("<language>en</language>", "<language>english</language>"),
        "InvalidLanguage",
    ),
    ("invalid-xml-lang", ("<channel>", '<channel xml:lang="english">'), "InvalidLanguage"),
    (
        "ttl-zero",
        ("<language>en</language>", "<language>en</language><ttl>0</ttl>"),
        "InvalidPositiveInteger",
    ),
    (
        "channel-link-not-absolute",
        (
            "<link>https://dopepress.example.com/</link>\n    <desc",
            "<link>dopepress.example.com</link>\n    <desc",
        ),
        "InvalidFullLink",
    ),
    (
        "unregistered-scheme",
        (
            "<link>https://dopepress.example.com/</link>\n    <desc",
            "<link>gemini://dopepress.example.com/</link>\n    <desc",
        ),
        "SchemeNotIANARegistered",
    ),
    (
        "dc-date-not-w3cdtf",
        ("<language>en</language>", "<language>en</language><dc:date>2024-01-12 10:00</dc:date>"),
        "InvalidW3CDTFDate",
    ),
    (
        "metadata-after-items",
        ("</item>\n  </channel>", "</item><ttl>60</ttl>\n  </channel>"),
        "MisplacedItem",
    ),
    (
        "text-input",
        (
            "<language>en</language>",
            "<language>en</language><textInput><title>S"
            "</title><description>d</description><name>q</name><link>https://dopepress.example.com/s"
            "</link></textInput>",
        ),
        "AvoidTextInput",
    ),
    # image.py
    (
        "image-link-differs",
        (
            "<link>https://dopepress.example.com/</link>\n    </image>",
            "<link>https://dopepress.example.com/about/</link>\n    </image>",
        ),
        "ImageLinkDoesntMatch",
    ),
    (
        "image-title-differs",
        ("<title>DoPe Press</title>\n      <link>", "<title>Logo</title>\n      <link>"),
        "ImageTitleDoesntMatch",
    ),
    ("image-webp", ("media/logo.png", "media/logo.webp"), "ImageUrlFormat"),
    (
        "image-without-url",
        _drop("<url>https://dopepress.example.com/media/logo.png</url>"),
        "MissingElement",
    ),
    (
        "image-too-wide",
        (
            "<url>https://dopepress.example.com/media/logo.png</url>",
            "<url>https://dopepress.example.com/media/logo.png</url><width>400</width>",
        ),
        "InvalidWidth",
    ),
    # rss.py root, namespaces, XML level
    ("rss-version-3", ('version="2.0"', 'version="3.0"'), "InvalidRSSVersion"),
    ("rss-without-version", (' version="2.0"', ""), "MissingAttribute"),
    ("unknown-namespace", ("<rss ", '<rss xmlns:x="http://example.com/ns" '), "UnknownNamespace"),
    (
        "reserved-prefix",
        ("<rss ", '<rss xmlns:media="http://example.com/media" '),
        "ReservedPrefix",
    ),
    (
        "atom-with-other-prefix",
        lambda d: d.replace("xmlns:atom=", "xmlns:a=").replace("<atom:link", "<a:link"),
        "AvoidNamespacePrefix",
    ),
    ("not-well-formed", ("</channel>", "</chanel>"), "SAXError"),
    ("undefined-entity", ("Wim Wenders in Tokyo.", "Wim&nbsp;Wenders"), "UndefinedNamedEntity"),
    ("c1-control-character", ("Wim Wenders in Tokyo.", "Wim Wenders&#x93;"), "BadCharacters"),
    ("xml-version-1.1", ("version='1.0'", "version='1.1'"), "BadXmlVersion"),
]

# (case id, edit of GOOD_ATOM, expected message class)
ATOM_CASES: list[tuple[str, Edit, str]] = [
    # feed.py validate_metadata
    ("no-feed-id", _drop("<id>https://dopepress.example.com/</id>"), "MissingElement"),
    ("no-feed-title", _drop("<title>DoPe Press</title>"), "MissingElement"),
    ("no-feed-updated", _drop("<updated>2024-01-12T10:00:00+00:00</updated>"), "MissingElement"),
    (
        "no-self-link",
        _drop(
            '<link href="https://dopepress.example.com/feeds/atom.xml" rel="self"'
            ' type="application/atom+xml"/>'
        ),
        "MissingSelf",
    ),
    ("self-link-html", ('type="application/atom+xml"', 'type="text/html"'), "SelfNotAtom"),
    (
        "self-link-relative",
        ('href="https://dopepress.example.com/feeds/atom.xml"', 'href="atom.xml"'),
        "RelativeSelf",
    ),
    (
        "duplicate-feed-alternate",
        (
            'type="text/html"/>\n  <generator',
            'type="text/html"/>'
            '<link href="https://dopepress.example.com/x" rel="alternate" type="text/html"/>\n'
            "  <generator",
        ),
        "DuplicateAtomLink",
    ),
    (
        "metadata-after-entries",
        ("</entry>\n</feed>", "</entry><rights>x</rights>\n</feed>"),
        "MisplacedMetadata",
    ),
    (
        "duplicate-feed-title",
        ("<title>DoPe Press</title>", "<title>DoPe Press</title><title>DoPe</title>"),
        "DuplicateElement",
    ),
    # entry.py validate
    (
        "no-entry-id",
        _drop("<id>tag:dopepress.example.com,2024-01-05:perfect-days</id>"),
        "MissingElement",
    ),
    ("no-entry-title", _drop('<title type="text">Perfect Days</title>'), "MissingElement"),
    ("no-entry-updated", _drop("<updated>2024-01-05T08:30:00.5-08:00</updated>"), "MissingElement"),
    (
        "no-author-anywhere",
        _drop(
            "<author>\n    <name>DoPe Press</name>\n    <email>"
            "editor@dopepress.example.com</email>\n  </author>"
        ),
        "MissingElement",
    ),
    (
        "no-content-no-summary",
        lambda d: d.replace("<summary>Wim Wenders in Tokyo.</summary>", "").replace(
            d[
                d.index('<content type="xhtml">') : d.index(
                    "</content>", d.index('<content type="xhtml">')
                )
                + len("</content>")
            ],
            "",
        ),
        "MissingTextualContent",
    ),
    (
        "no-content-no-alternate",
        lambda d: d.replace(
            '<link href="https://dopepress.example.com/perfect-days/"/>', ""
        ).replace(
            d[
                d.index('<content type="xhtml">') : d.index(
                    "</content>", d.index('<content type="xhtml">')
                )
                + len("</content>")
            ],
            "",
        ),
        "MissingContentOrAlternate",
    ),
    (
        "content-src-without-summary",
        lambda d: d.replace("<summary>Wim Wenders in Tokyo.</summary>", "").replace(
            d[
                d.index('<content type="xhtml">') : d.index(
                    "</content>", d.index('<content type="xhtml">')
                )
                + len("</content>")
            ],
            '<content type="text/html" src="https://dopepress.example.com/perfect-days/"/>',
        ),
        "MissingSummary",
    ),
    (
        "content-src-without-type",
        (
            '<category term="review"/>',
            '<category term="review"/><content src="https://dopepress.example.com/x.mp4"/>',
        ),
        "MissingTypeAttr",
    ),
    (
        "entry-two-untyped-alternates",
        (
            '<link href="https://dopepress.example.com/perfect-days/"/>',
            '<link href="https://dopepress.example.com/perfect-days/"/><link href="https://dopepress.'
            'example.com/media/pd/01.jpg"/>',
        ),
        "DuplicateAtomLink",
    ),
    (
        "duplicate-entry-id",
        ("2024-01-05:perfect-days</id>", "2024-01-12:all-of-us-strangers</id>"),
        "DuplicateEntries",
    ),
    (
        "duplicate-entry-updated",
        ("2024-01-05T08:30:00.5-08:00", "2024-01-12T10:00:00Z"),
        "DuplicateUpdated",
    ),
    (
        "history-rel-in-entry",
        (
            '<link href="https://dopepress.example.com/perfect-days/"/>',
            '<link href="https://dopepress.example.com/perfect-days/"/><link rel="next" '
            'href="https://dopepress.example.com/p2"/>',
        ),
        "FeedHistoryRelInEntry",
    ),
    ("entry-unknown-attribute", ("<entry>", '<entry draft="yes">'), "UnexpectedAttribute"),
    (
        "unknown-atom-element",
        (
            "<title>All of Us Strangers</title>",
            "<title>All of Us Strangers</title><draft>yes</draft>",
        ),
        "UndefinedElement",
    ),
    (
        "element-in-no-namespace",
        (
            "<title>All of Us Strangers</title>",
            '<title>All of Us Strangers</title><draft xmlns="">yes</draft>',
        ),
        "UndeterminableVocabulary",
    ),
    # rfc3339 / ids
    ("updated-date-only", ("2024-01-05T08:30:00.5-08:00", "2024-01-05"), "InvalidRFC3339Date"),
    (
        "updated-no-zone",
        ("2024-01-05T08:30:00.5-08:00", "2024-01-05T08:30:00"),
        "InvalidRFC3339Date",
    ),
    (
        "updated-lowercase-t",
        ("2024-01-05T08:30:00.5-08:00", "2024-01-05t08:30:00Z"),
        "InvalidRFC3339Date",
    ),
    (
        "updated-rfc822",
        ("<updated>2024-01-05T08:30:00.5-08:00", "<updated>Fri, 05 Jan 2024 08:30:00 GMT"),
        "InvalidRFC3339Date",
    ),
    (
        "updated-month-13",
        ("2024-01-05T08:30:00.5-08:00", "2024-13-05T08:30:00Z"),
        "InvalidRFC3339Date",
    ),
    (
        "updated-hour-24",
        ("2024-01-05T08:30:00.5-08:00", "2024-01-05T24:30:00Z"),
        "InvalidRFC3339Date",
    ),
    (
        "published-future",
        ("<published>2024-01-12T10:00:00+00:00", "<published>2999-01-12T10:00:00+00:00"),
        "ImplausibleDate",
    ),
    (
        "updated-whitespace",
        (
            "<updated>2024-01-05T08:30:00.5-08:00</updated>",
            "<updated> 2024-01-05T08:30:00.5-08:00 </updated>",
        ),
        "UnexpectedWhitespace",
    ),
    (
        "tag-id-uppercase-domain",
        (
            "tag:dopepress.example.com,2024-01-05:perfect-days",
            "tag:DoPePress.example.com,2024-01-05:perfect-days",
        ),
        "InvalidTAG",
    ),
    (
        "tag-id-without-date",
        (
            "tag:dopepress.example.com,2024-01-05:perfect-days",
            "tag:dopepress.example.com:perfect-days",
        ),
        "InvalidTAG",
    ),
    (
        "relative-id",
        ("tag:dopepress.example.com,2024-01-05:perfect-days", "/perfect-days/"),
        "InvalidFullLink",
    ),
    (
        "bad-uuid-id",
        ("tag:dopepress.example.com,2024-01-05:perfect-days", "urn:uuid:1234"),
        "InvalidUUID",
    ),
    (
        "non-canonical-id",
        ("<id>https://dopepress.example.com/</id>", "<id>HTTPS://DoPePress.example.com:443/</id>"),
        "NonCanonicalURI",
    ),
    (
        "id-with-space",
        (
            "tag:dopepress.example.com,2024-01-05:perfect-days",
            "tag:dopepress.example.com,2024-01-05:perfect days",
        ),
        "InvalidTAG",
    ),
    # content.py text constructs
    (
        "html-in-text-summary",
        (
            "<summary>A ghost story &amp; a love story.</summary>",
            "<summary>A &lt;em&gt;ghost&lt;/em&gt; story.</summary>",
        ),
        "ContainsUndeclaredHTML",
    ),
    (
        "summary-with-mime-type",
        ("<summary>A ghost story", '<summary type="text/plain">A ghost story'),
        "InvalidTextType",
    ),
    ("empty-title", ("<title>All of Us Strangers</title>", "<title></title>"), "NotBlank"),
    ("html-content-not-well-formed", ("Hulu&lt;/a&gt;", "Hulu&lt;/b&gt;"), "NotHtml"),
    ("html-content-bare-ampersand", ("&amp;amp; elsewhere", "R&amp;D"), "NotHtml"),
    (
        "html-content-script",
        ("&lt;p&gt;Now", "&lt;script&gt;x()&lt;/script&gt;&lt;p&gt;Now"),
        "SecurityRisk",
    ),
    (
        "html-content-event-handler",
        (
            '&lt;a href="https://www.hulu.com/"',
            '&lt;a href="https://www.hulu.com/" onmouseover="x()"',
        ),
        "SecurityRiskAttr",
    ),
    (
        "xhtml-content-without-div",
        (
            '<content type="xhtml"><div xmlns="http://www.w3.org/1999/'
            'xhtml"><p>Wim Wenders in <em>Tokyo</em>.</p></div>',
            '<content type="xhtml">Wim Wenders',
        ),
        "MissingXhtmlDiv",
    ),
    (
        "xhtml-content-escaped-html",
        ("<p>Wim Wenders in <em>Tokyo</em>.</p></div>", "&lt;p&gt;Wim Wenders&lt;/p&gt;</div>"),
        "NotInline",
    ),
    (
        "xhtml-content-script",
        ("<p>Wim Wenders in", "<script>x()</script><p>Wim Wenders in"),
        "SecurityRisk",
    ),
    # author.py / category.py / link.py / generator
    ("author-without-name", ("<name>DoPe Press</name>\n    <email>", "<email>"), "MissingElement"),
    (
        "author-bad-email",
        ("<email>editor@dopepress.example.com</email>", "<email>editor at dopepress</email>"),
        "InvalidAddrSpec",
    ),
    (
        "author-name-with-email",
        (
            "<name>DoPe Press</name>\n    <email>",
            "<name>Ed &lt;ed@dopepress.example.com&gt;</name>\n    <email>",
        ),
        "ContainsEmail",
    ),
    (
        "category-without-term",
        ('<category term="review"/>', '<category label="Review"/>'),
        "MissingAttribute",
    ),
    ("category-blank-term", ('<category term="review"/>', '<category term=""/>'), "NotBlank"),
    ("enclosure-link-bad-length", ('length="48213"', 'length="big"'), "InvalidNonNegativeInteger"),
    (
        "link-href-with-space",
        (
            'href="https://dopepress.example.com/perfect-days/"',
            'href="https://dopepress.example.com/perfect days/"',
        ),
        "InvalidUriChar",
    ),
    (
        "link-bad-type",
        (
            'rel="alternate" type="text/html"/>\n  <generator',
            'rel="alternate" type="html"/>\n  <generator',
        ),
        "InvalidMIMEType",
    ),
    (
        "link-blank-rel",
        (
            'rel="alternate" type="text/html"/>\n  <generator',
            'rel="" type="text/html"/>\n  <generator',
        ),
        "AttrNotBlank",
    ),
    (
        "generator-bad-uri",
        ('uri="https://pypi.org/project/dopemail/"', 'uri="http:/pypi.org"'),
        "InvalidURIAttribute",
    ),
    ("empty-generator", (">dopemail</generator>", "></generator>"), "NotBlank"),
    # root.py / base.py namespaces, xml:lang, XML level
    ("feed-without-namespace", (' xmlns="http://www.w3.org/2005/Atom"', ""), "MissingNamespace"),
    (
        "feed-wrong-namespace",
        ("http://www.w3.org/2005/Atom", "http://example.com/atom"),
        "InvalidNamespace",
    ),
    (
        "atom-prefix-declared",
        ("<feed ", '<feed xmlns:atom="http://www.w3.org/2005/Atom" '),
        "AvoidNamespacePrefix",
    ),
    ("unknown-namespace", ("<feed ", '<feed xmlns:x="http://example.com/ns" '), "UnknownNamespace"),
    ("invalid-xml-lang", ('xml:lang="en"', 'xml:lang="english"'), "InvalidLanguage"),
    ("bad-xml-base", ("<entry>", '<entry xml:base="http://exa mple.com/">'), "InvalidUriChar"),
    ("not-well-formed", ("</feed>", "</fed>"), "SAXError"),
    ("mojibake", ("© 2024", "Â© 2024"), "BadCharacters"),
]


def _case_ids(cases: list[tuple[str, Edit, str]]) -> list[str]:
    return [case[0] for case in cases]


@pytest.mark.parametrize(("case", "edit", "expected"), RSS_CASES, ids=_case_ids(RSS_CASES))
def test_rss_rule_fires(case: str, edit: Edit, expected: str) -> None:
    problems = check_rss(_apply(GOOD_RSS, edit).encode("utf-8"))
    assert expected in message_classes(problems), problems


@pytest.mark.parametrize(("case", "edit", "expected"), ATOM_CASES, ids=_case_ids(ATOM_CASES))
def test_atom_rule_fires(case: str, edit: Edit, expected: str) -> None:
    problems = check_atom(_apply(GOOD_ATOM, edit).encode("utf-8"))
    assert expected in message_classes(problems), problems


def test_case_ids_are_unique() -> None:
    for cases in (RSS_CASES, ATOM_CASES):
        ids = _case_ids(cases)
        assert len(ids) == len(set(ids))


def test_only_error_and_warning_classes_are_reported() -> None:
    """Every reported class exists in the validator's logging.py as an Error or Warning."""
    outputs = [check_rss(_apply(GOOD_RSS, edit).encode("utf-8")) for _, edit, _ in RSS_CASES]
    outputs += [check_atom(_apply(GOOD_ATOM, edit).encode("utf-8")) for _, edit, _ in ATOM_CASES]
    reported = {name for problems in outputs for name in message_classes(problems)}
    assert reported <= set(LEVELS), reported - set(LEVELS)
    assert {LEVELS[name] for name in reported} == {"error", "warning"}


def test_problem_text_starts_with_class_and_names_a_line() -> None:
    problems = check_rss(_apply(GOOD_RSS, ("<language>en</language>", "")).encode("utf-8"))
    assert problems == []  # a missing <language> is only Info (MissingDCLanguage)
    doc = _apply(GOOD_RSS, ("<language>en</language>", "<language>xx-yy-zz</language>"))
    line = doc.splitlines().index("    <language>xx-yy-zz</language>") + 1
    problems = check_rss(doc.encode("utf-8"))
    assert len(problems) == 1
    assert problems[0].startswith(f"InvalidLanguage: line {line} <language>: ")


def test_extension_attributes_are_fine_with_rssboard_docs() -> None:
    # channel.py: UseOfExtensionAttr is dropped when <docs> is the RSS Board specification.
    doc = GOOD_RSS.replace("<rss ", '<rss xmlns:x="http://example.com/x" ').replace(
        "<title>Perfect Days</title>", '<title x:y="1">Perfect Days</title>'
    )
    assert message_classes(check_rss(doc.encode("utf-8"))) == ["UnknownNamespace"]


def test_enclosure_length_zero_is_accepted() -> None:
    # item.py enclosure: only negative lengths are reported (-1 as UseZeroForUnknown).
    assert 'length="0"' in GOOD_RSS
    assert check_rss(GOOD_RSS.encode("utf-8")) == []


def test_obscure_encoding_is_a_warning() -> None:
    doc = GOOD_RSS.replace("encoding='UTF-8'", "encoding='ISO-8859-5'")
    problems = check_rss(doc.encode("iso-8859-5", "xmlcharrefreplace"))
    assert message_classes(problems) == ["ObscureEncoding"]


def test_undecodable_bytes_are_a_unicode_error() -> None:
    problems = check_rss(GOOD_RSS.encode("latin-1", "xmlcharrefreplace"))
    assert "UnicodeError" in message_classes(problems)


def test_duplicate_ids_in_every_entry() -> None:
    # feed.py validate: more than 9 entries sharing one id -> DuplicateIds (an error).
    head, rest = GOOD_ATOM.split("<entry>", 1)
    entry = "<entry>" + rest.split("</entry>", 1)[0] + "</entry>"
    entries = [
        entry.replace("2024-01-12T10:00:00Z", f"2024-01-{day:02d}T10:00:00Z")
        for day in range(1, 12)
    ]
    doc = head + "".join(entries) + "</feed>"
    assert message_classes(check_atom(doc.encode("utf-8"))) == ["DuplicateIds"]


@pytest.mark.parametrize(
    "html",
    [
        "<p>Plain <em>text</em> &amp; <strong>more</strong>.</p>",
        '<figure><img src="https://e.com/a.jpg" alt="x" width="1" height="1"><figcaption>c'
        "</figcaption></figure>",
        "<ul><li>one<li>two</ul><ol><li><p>para</p></li></ol>",
        "<p>one<p>two<blockquote><p>q</p></blockquote>",
        "<table><thead><tr><th>h</th></tr></thead><tbody><tr><td>d</td></tr></tbody></table>",
        "<pre><code>a &lt; b</code></pre><hr><br>",
        "<h2>Heading</h2><p>text</p><!-- a comment -->",
        '<p title="a &lt; b and a > b">x</p>',
        "<p>caf&eacute; &#233; &#xE9;</p>",
        "<dl><dt>t<dd>d<dt>t2<dd>d2</dl>",
    ],
)
def test_html_scan_accepts_valid_fragments(html: str) -> None:
    assert html_problems(html) == ([], [])


@pytest.mark.parametrize(
    "html",
    [
        "<div>open",
        "<p>a</div>",
        "<b><i>x</b></i>",
        "</p>",
        "<span/>",
        '<a href="x" href="y">z</a>',
        "a < b",
        "R&D",
        "&copy 2024",
        "&#150;",
        "&#65",
        "<body>x</body>",
        "<!DOCTYPE html><p>x</p>",
        '<a href="x"title="y">z</a>',
        "<a href=x><a href=y>z</a></a>",
        "<h2><h3>x</h3></h2>",
        "</br>",
    ],
)
def test_html_scan_rejects_invalid_fragments(html: str) -> None:
    errors, _ = html_problems(html)
    assert errors, html


@pytest.mark.parametrize(
    ("uri", "canonical"),
    [
        ("https://dopepress.example.com/", "https://dopepress.example.com/"),
        ("HTTPS://DoPePress.Example.com:443/a/./b/../c", "https://dopepress.example.com/a/c"),
        ("http://example.com", "http://example.com/"),
        ("http://example.com/%7euser", "http://example.com/~user"),
        ("tag:dopepress.example.com,2024-01-12:x", "tag:dopepress.example.com,2024-01-12:x"),
    ],
)
def test_canonical_uri(uri: str, canonical: str) -> None:
    assert canonical_uri(uri) == canonical
