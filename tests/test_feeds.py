"""Feeds: read back with feedparser, checked against the validator's rules, full content."""

from __future__ import annotations

import calendar
import html
import json
import re
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import feedparser
import pytest
from conftest import copy_publication
from feedrules import check_atom, check_rss

from dopemail import markdown
from dopemail.build import build
from dopemail.content import render_entry
from dopemail.errors import ContentError
from dopemail.load import load_workspace
from dopemail.templates import make_environment

SEED = "all-of-us-strangers"
# Every part of ../shared/seed/all-of-us-strangers.txt, as a reader must see it.
SEED_PARTS = [
    "I’ve always said that writers know less about the real world than just about anyone else.",
    "That’s writer-director Andrew Haigh, speaking through one of the characters",
    "Adam listlessly putters—checking the fridge for leftovers",
    "inviting himself in for… company and whatever else may arise",
    "ALL OF US STRANGERS—based on a novel by Taichi Yamada—played in cinemas",
    "Written and directed by Andrew Haigh",
    "Played in cinemas in January and February 2024.",
    'Now streaming on <a href="https://www.hulu.com/">Hulu</a>',
    "Landmark Sunset",
    "8000 Sunset Boulevard, Los Angeles",
    "AMC Century City",
    "10250 Santa Monica Boulevard, Los Angeles",
    "Monica Film Center",
    "1332 2nd Street, Santa Monica",
    "Andrew Haigh, Andrew Scott, Paul Mescal, Claire Foy, and Jamie Bell in conversation with "
    "Dave Karger",
    "Andrew Haigh, <i>All of Us Strangers</i> (2023)",
    "Andrew Scott (behind hand) and Paul Mescal",
    "Scott, photograph by Chris Harris",
    "Jamie Bell, photograph by Chris Harris",
    "Scott, Bell, and Claire Foy",
    "All of Us Strangers U.S. poster",
    "Foy and Scott",
    "Mescal and Scott",
    "Images courtesy and © Searchlight Pictures, 2023.",
    "Based on a novel by Taichi Yamada",
    "Andrew Scott (Adam), Paul Mescal (Harry), Claire Foy, and Jamie Bell",
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conftest import copy_publication

    root = copy_publication(tmp_path_factory.mktemp("feeds") / "pub")
    build(root)
    return root


@pytest.mark.parametrize("name", ["rss.xml", "atom.xml"])
def test_feed_parses_cleanly_with_every_published_entry(built: Path, name: str) -> None:
    from dopemail.load import load_workspace

    parsed = feedparser.parse((built / "feeds" / name).read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    published = load_workspace(built).published
    assert [e.link for e in parsed.entries] == [p.url for p in published]
    assert parsed.feed.title == "DoPe Press"
    assert parsed.feed.language == "en"
    # Newest first.
    dates = [e.published_parsed for e in parsed.entries]
    assert dates == sorted(dates, reverse=True)


@pytest.mark.parametrize("name", ["rss.xml", "atom.xml"])
def test_seed_entry_is_complete_in_the_feed(built: Path, name: str) -> None:
    parsed = feedparser.parse((built / "feeds" / name).read_bytes())
    item = next(e for e in parsed.entries if e.link.endswith(f"/{SEED}/"))
    html = item.content[0].value
    missing = [part for part in SEED_PARTS if part not in html]
    assert not missing
    assert item.title == "All of Us Strangers"
    assert item.author == "DoPe Press"
    assert {t.term for t in item.tags} >= {"review", "LGBTQ+"}
    assert "breathtaking emotional power" in item.summary
    enclosure = item.enclosures[0]
    assert enclosure.href.endswith("/media/all-of-us-strangers/01.jpg")
    assert enclosure.type == "image/jpeg"
    assert int(enclosure.length) == (built / "media/all-of-us-strangers/01.jpg").stat().st_size
    assert item.id == "tag:dopepress.example.com,2024-01-12:all-of-us-strangers"


def test_rss_channel_links_to_the_site_and_itself(built: Path) -> None:
    parsed = feedparser.parse((built / "feeds/rss.xml").read_bytes())
    assert parsed.feed.link == "https://dopepress.example.com/"
    self_links = [link for link in parsed.feed.links if link.rel == "self"]
    assert [link.href for link in self_links] == ["https://dopepress.example.com/feeds/rss.xml"]
    assert parsed.feed.image.href == "https://dopepress.example.com/media/dopepress-logo.png"


def _png(width: int, height: int) -> bytes:
    """A whole PNG of ``width`` by ``height`` grey pixels."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\0" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _rss_image(root: Path) -> tuple[int | None, int | None]:
    rss = (root / "feeds/rss.xml").read_bytes()
    assert check_rss(rss) == []
    image = feedparser.parse(rss).feed.image
    return image.get("width"), image.get("height")


def test_the_rss_image_is_given_at_a_size_the_spec_allows(tmp_path: Path) -> None:
    # RSS's <image> is at most 144 pixels wide and 400 high, 88 by 31 when no size is given:
    # the sample's 600 by 120 logo was given without one. A larger logo is given at the size
    # that fits, its proportions kept; one that fits, at its own size; a logo replaced by
    # one of another size changes the feed, though no entry changed.
    from conftest import copy_publication

    root = copy_publication(tmp_path / "pub")
    build(root)
    assert _rss_image(root) == (144, 29)  # the sample's 600 x 120
    for size, given in [((100, 50), (100, 50)), ((90, 800), (45, 400))]:
        (root / "media/dopepress-logo.png").write_bytes(_png(*size))
        build(root)
        assert _rss_image(root) == given, size
    # From an https:// address, the build reads no size: none is given.
    config = root / "dopemail.toml"
    text = config.read_text(encoding="utf-8")
    remote = "https://cdn.example.com/logo.png"
    config.write_text(text.replace("media/dopepress-logo.png", remote), "utf-8")
    build(root)
    assert _rss_image(root) == (None, None)
    assert feedparser.parse((root / "feeds/rss.xml").read_bytes()).feed.image.href == remote


def test_an_svg_logo_is_atom_s_alone(tmp_path: Path) -> None:
    # RSS's <image> is a GIF, JPEG or PNG: an SVG logo there made the channel invalid.
    from conftest import copy_publication

    root = copy_publication(tmp_path / "pub")
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"></svg>'
    (root / "media/logo.svg").write_text(svg, encoding="utf-8")
    config = root / "dopemail.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("media/dopepress-logo.png", "media/logo.svg"), "utf-8")
    build(root)
    rss = (root / "feeds/rss.xml").read_bytes()
    assert b"<image>" not in rss and check_rss(rss) == []
    atom = feedparser.parse((root / "feeds/atom.xml").read_bytes())
    assert atom.feed.logo == "https://dopepress.example.com/media/logo.svg"


def test_an_international_domain_is_written_as_dns_knows_it(tmp_path: Path) -> None:
    # RSS links are URLs, not IRIs: 'https://café.example/' made every <link> and <guid>
    # invalid (and an email header would not hold it either).
    from conftest import copy_publication

    root = copy_publication(tmp_path / "pub")
    config = root / "dopemail.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace(
            'base_url = "https://dopepress.example.com/"',
            'base_url = "https://Café.example/revue/"',
        ),
        "utf-8",
    )
    build(root)
    rss = (root / "feeds/rss.xml").read_bytes()
    parsed = feedparser.parse(rss)
    assert parsed.feed.link == "https://xn--caf-dma.example/revue/"
    assert parsed.entries[0].link.startswith("https://xn--caf-dma.example/revue/")
    assert "café" not in rss.decode().lower() and check_rss(rss) == []


def test_a_picture_from_another_site_is_given_an_ascii_address(write_files) -> None:
    # The enclosure of an RSS item is a URL: 'https://bücher.example/straße.jpg' went out as
    # typed (invalid), and one with a space in it too.
    entry = (
        "---\ntitle: Abroad\npublished: 2024-01-05\nimages:\n"
        "  - src: https://bücher.example/bilder/straße.jpg?größe=groß\n    alt: A still\n"
        "    width: 1200\n    height: 800\n---\nText.\n"
    )
    root = write_files({"entries/zz-abroad.md": entry})
    build(root)
    rss = (root / "feeds/rss.xml").read_bytes()
    url = "https://xn--bcher-kva.example/bilder/stra%C3%9Fe.jpg?gr%C3%B6%C3%9Fe=gro%C3%9F"
    item = next(e for e in feedparser.parse(rss).entries if e.title == "Abroad")
    assert item.enclosures[0].href == url
    assert check_rss(rss) == []
    items = json.loads((root / "feeds/feed.json").read_bytes())["items"]
    assert next(i for i in items if i["title"] == "Abroad")["image"] == url
    write_files({"entries/zz-abroad.md": entry.replace("bilder/straße", "bilder/a b")})
    with pytest.raises(ContentError) as caught:
        build(root)
    assert caught.value.line == 5 and "has a space in it" in caught.value.message
    assert caught.value.hint == (
        "write each space as %20, as the picture's page shows it in the address bar"
    )


def test_feeds_pass_the_validator_rules(built: Path) -> None:
    assert check_rss((built / "feeds/rss.xml").read_bytes()) == []
    assert check_atom((built / "feeds/atom.xml").read_bytes()) == []
    # The spec's address, as it is served now (feedgen's default is http://).
    assert (
        b"<docs>https://www.rssboard.org/rss-specification</docs>"
        in (built / "feeds/rss.xml").read_bytes()
    )


def test_json_feed_is_valid_1_1(built: Path) -> None:
    feed = json.loads((built / "feeds/feed.json").read_text(encoding="utf-8"))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] and feed["home_page_url"].startswith("https://")
    assert feed["feed_url"] == "https://dopepress.example.com/feeds/feed.json"
    ids = [item["id"] for item in feed["items"]]
    assert len(ids) == len(set(ids))
    for item in feed["items"]:
        assert isinstance(item["id"], str) and item["url"].startswith("https://")
        assert item.get("content_html") or item.get("content_text")
        for key in ("date_published", "date_modified"):
            assert datetime.fromisoformat(item[key]).utcoffset() is not None  # RFC 3339
        assert all(isinstance(a["name"], str) for a in item["authors"])
    seed = next(i for i in feed["items"] if i["url"].endswith(f"/{SEED}/"))
    assert [p for p in SEED_PARTS if p not in seed["content_html"]] == []
    assert seed["attachments"][0]["mime_type"] == "image/jpeg"


def _seed_ids(root: Path) -> dict[str, str]:
    """The seed entry's id in each feed: RSS guid, Atom id, JSON Feed id."""
    ids = {}
    for name in ("rss.xml", "atom.xml"):
        parsed = feedparser.parse((root / "feeds" / name).read_bytes())
        ids[name] = next(e for e in parsed.entries if e.link.endswith(f"/{SEED}/")).id
    items = json.loads((root / "feeds/feed.json").read_bytes())["items"]
    ids["feed.json"] = next(i for i in items if i["url"].endswith(f"/{SEED}/"))["id"]
    return ids


def test_item_id_survives_an_edit(workspace: Path) -> None:
    build(workspace)
    before = _seed_ids(workspace)
    path = workspace / f"entries/{SEED}.md"
    path.write_text(
        path.read_text().replace("title: All of Us Strangers", "title: All of Us Strangers!", 1)
        + "\nA new closing line.\n"
    )
    build(workspace)
    after = feedparser.parse((workspace / "feeds/atom.xml").read_bytes())
    new = next(e for e in after.entries if e.link.endswith(f"/{SEED}/"))
    assert new.title == "All of Us Strangers!" and _seed_ids(workspace) == before
    # An editor dating the edit, on a later day: the id is the first-published day's, or
    # readers show the entry again as a new one (in every feed).
    path.write_text(
        path.read_text().replace(
            "published: 2024-01-12T09:00:00-08:00\n",
            "published: 2024-01-12T09:00:00-08:00\nupdated: 2024-03-05T10:00:00-08:00\n",
            1,
        )
    )
    build(workspace)
    after = feedparser.parse((workspace / "feeds/atom.xml").read_bytes())
    new = next(e for e in after.entries if e.link.endswith(f"/{SEED}/"))
    assert new.updated.startswith("2024-03-05")  # the edit was read
    assert _seed_ids(workspace) == before
    assert before["rss.xml"] == "tag:dopepress.example.com,2024-01-12:all-of-us-strangers"


def test_text_with_angle_brackets_reads_back_whole_in_every_feed(write_files) -> None:
    # RSS readers take <description> as HTML: a summary escaped for XML alone lost
    # "<Noir>" and everything from "<y" to the next '>' in feedparser.
    summary = "A night at Café <Noir> & Bar, where x<y and a <3 for cats"
    title = "Why <Noir> & “Bar” matter"
    about = "Reviews & more: x<y, AT&T; a <3 to cinema"  # the publication's description
    config = (write_files({}) / "dopemail.toml").read_text(encoding="utf-8")
    config = re.sub(r'(?m)^description = ".*"$', f'description = "{about}"', config, count=1)
    root = write_files(
        {
            "dopemail.toml": config,
            "entries/zz-noir.md": (
                f"---\ntitle: '{title}'\npublished: 2026-01-01\nsummary: '{summary}'\n---\nText.\n"
            ),
        }
    )
    build(root)

    def shown(text: str, detail: Any) -> str:  # what a reader shows: HTML rendered, text as is
        return html.unescape(text) if detail.type == "text/html" else text

    for name in ("rss.xml", "atom.xml"):
        parsed = feedparser.parse((root / "feeds" / name).read_bytes())
        item = parsed.entries[0]
        assert (item.title, shown(item.summary, item.summary_detail)) == (title, summary), name
        assert shown(parsed.feed.subtitle, parsed.feed.subtitle_detail) == about, name
    assert check_rss((root / "feeds/rss.xml").read_bytes()) == []
    feed = json.loads((root / "feeds/feed.json").read_bytes())
    assert (feed["items"][0]["title"], feed["items"][0]["summary"]) == (title, summary)
    assert feed["description"] == about


def test_a_guid_kept_from_an_older_feed_stays_and_atom_gets_a_uri_of_it(write_files) -> None:
    # Ghost and others give RSS guids that are not URIs: kept as they are in RSS and JSON
    # Feed (readers know the item by them), made a tag: URI in Atom, which wants one.
    root = write_files(
        {"entries/zz-old.md": "---\ntitle: Old\npublished: 2026-01-01\nid: 5f3a9c0e1b2d\n---\nx\n"}
    )
    build(root)
    rss = feedparser.parse((root / "feeds/rss.xml").read_bytes()).entries[0]
    atom = feedparser.parse((root / "feeds/atom.xml").read_bytes()).entries[0]
    item = json.loads((root / "feeds/feed.json").read_bytes())["items"][0]
    assert rss.id == item["id"] == "5f3a9c0e1b2d"
    assert atom.id == "urn:uuid:31f613fa-61a0-596e-8db8-1061a7f29fb4"  # of the host and guid
    assert check_atom((root / "feeds/atom.xml").read_bytes()) == []
    # Correcting the day published, as an editor keeps an id for, keeps the Atom id too (it
    # was a tag: URI holding that day).
    entry = root / "entries/zz-old.md"
    entry.write_text(entry.read_text().replace("2026-01-01", "2025-12-31"))
    build(root)
    again = feedparser.parse((root / "feeds/atom.xml").read_bytes()).entries[0]
    assert again.id == atom.id and again.published.startswith("2025-12-31")


def test_a_kept_id_with_characters_no_iri_holds_gets_a_uri_in_atom(write_files) -> None:
    # 'tag:...a|b{c}' looked like a URI (a scheme, a colon) and went into Atom as it was:
    # not an IRI, which Atom's id must be.
    kept = "tag:old.example.com,2019:a|b{c}^d"
    root = write_files(
        {"entries/zz-old.md": f"---\ntitle: Old\npublished: 2026-01-01\nid: '{kept}'\n---\nx\n"}
    )
    build(root)
    atom = feedparser.parse((root / "feeds/atom.xml").read_bytes()).entries[0]
    rss = feedparser.parse((root / "feeds/rss.xml").read_bytes()).entries[0]
    assert rss.id == kept and atom.id.startswith("urn:uuid:")
    assert check_atom((root / "feeds/atom.xml").read_bytes()) == []


def test_an_instant_before_standard_time_is_written_in_utc(write_files) -> None:
    # Midnight of 1 June 1883 in Los Angeles was -07:52:58 (local mean time): an offset in
    # seconds, which RFC 3339 and RFC 822 do not have.
    root = write_files({"entries/zz-old.md": "---\ntitle: Old\npublished: 1883-06-01\n---\nx\n"})
    build(root)
    for name, check in (("rss.xml", check_rss), ("atom.xml", check_atom)):
        found = check((root / "feeds" / name).read_bytes())
        # (The validator finds 1883 implausible for a feed, as it is: but a valid date.)
        assert [f for f in found if not f.startswith("ImplausibleDate")] == [], name
    items = json.loads((root / "feeds/feed.json").read_bytes())["items"]
    (item,) = [i for i in items if i["title"] == "Old"]
    assert item["date_published"] == "1883-06-01T07:52:58+00:00"
    assert b"-07:52:58" not in (root / "feeds/atom.xml").read_bytes()


def test_feed_item_count_is_a_setting(workspace: Path) -> None:
    config = workspace / "dopemail.toml"
    config.write_text(config.read_text().replace("items = 50", "items = 2"))
    build(workspace)
    for name in ("rss.xml", "atom.xml"):
        assert len(feedparser.parse((workspace / "feeds" / name).read_bytes()).entries) == 2
    assert len(json.loads((workspace / "feeds/feed.json").read_bytes())["items"]) == 2
    config.write_text(config.read_text().replace("items = 2", "items = 1"))
    build(workspace)  # the sample lists two issues
    assert len(feedparser.parse((workspace / "feeds/issues.xml").read_bytes()).entries) == 1


def test_render_feeds_gives_each_feed_the_newest_items_the_setting_allows(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Its callers slice too (build, patch): render_feeds' own limit, as documented.
    from dopemail import feeds
    from dopemail.config import load_settings

    config = workspace / "dopemail.toml"
    config.write_text(config.read_text().replace("items = 50", "items = 2"))
    settings = load_settings(workspace)
    for name in ("render_rss", "render_atom", "render_json_feed"):
        monkeypatch.setattr(feeds, name, lambda _settings, items, *_: list(items))
    made = feeds.render_feeds(settings, ["newest", "next", "oldest"])  # type: ignore[arg-type]
    assert made == {
        path: ["newest", "next"] for path in (feeds.RSS_PATH, feeds.ATOM_PATH, feeds.JSON_PATH)
    }


def test_drafts_stay_out_of_feeds(write_files) -> None:
    root = write_files(
        {"entries/secret.md": "---\ntitle: Secret\npublished: 2030-01-01\ndraft: true\n---\nx\n"}
    )
    build(root)
    for name in ("rss.xml", "atom.xml", "feed.json"):
        assert b"Secret" not in (root / "feeds" / name).read_bytes()
    assert not (root / "site/secret").exists()


def test_markdown_is_sanitised(write_files) -> None:
    body = (
        "Hello <script>alert(1)</script> <img src=https://e.test/x.png alt=x onerror=alert(2)> "
        '<a href="javascript:alert(3)">x</a> <iframe src="https://e.test"></iframe> '
        '<span style="color:red">s</span> [rel](../other-page/)\n'
    )
    root = write_files(
        {"entries/zz-unsafe.md": f"---\ntitle: Unsafe\npublished: 2024-01-01\n---\n{body}"}
    )
    build(root)
    feed = feedparser.parse((root / "feeds/rss.xml").read_bytes())
    html = next(e for e in feed.entries if e.title == "Unsafe").content[0].value
    for bad in ("<script", "onerror", "javascript:", "<iframe", "style="):
        assert bad not in html
    assert 'href="https://dopepress.example.com/other-page/"' in html
    assert check_rss((root / "feeds/rss.xml").read_bytes()) == []


def test_markdown_tables_pictures_and_the_summary() -> None:
    text = (
        "## Programme\n\n"
        "Films by *Agnès Varda* &amp; friends — `35mm` prints, [tickets](tickets/)\n"
        "and more…\n\n"
        "![A still](media/still.jpg)\n\n"
        "| Date | Film |\n| :--- | ---: |\n| March 1 | Mur Murs |\n"
    )
    html = markdown.to_html(text, "https://dopepress.example.com/varda/")
    assert (
        '<img class="lone" src="https://dopepress.example.com/varda/media/still.jpg" alt="A still">'
        in html
    )
    assert 'href="https://dopepress.example.com/varda/tickets/"' in html
    assert '<th style="text-align:left">Date</th>' in html and "<td>Mur Murs</td>" not in html
    assert '<td style="text-align:right">Mur Murs</td>' in html
    # The first paragraph, not the heading, as plain text with its entities decoded.
    assert markdown.first_paragraph(html) == (
        "Films by Agnès Varda & friends — 35mm prints, tickets and more…"
    )
    assert markdown.first_paragraph("<h2>Only a heading</h2>") == ""


def test_pictures_named_with_spaces_and_brackets_have_valid_urls_everywhere(
    workspace: Path,
) -> None:
    # The icon (feeds, pages) and an entry's picture (feeds, pages, email): a raw space or
    # bracket ends the URL in feed readers and mail programs.
    config = workspace / "dopemail.toml"
    media = workspace / "media"
    (media / "dopepress-icon.png").rename(media / "dope icon (1).png")
    config.write_text(
        config.read_text().replace("media/dopepress-icon.png", "media/dope icon (1).png")
    )
    entry = workspace / "entries/all-of-us-strangers.md"
    (media / "all-of-us-strangers/01.jpg").rename(media / "all-of-us-strangers/it's 01.jpg")
    entry.write_text(entry.read_text().replace("/01.jpg", "/it's 01.jpg"))
    build(workspace)
    icon = "https://dopepress.example.com/media/dope%20icon%20%281%29.png"
    still = "https://dopepress.example.com/media/all-of-us-strangers/it%27s%2001.jpg"
    atom = feedparser.parse((workspace / "feeds/atom.xml").read_bytes())
    assert atom.feed.icon == icon
    assert json.loads((workspace / "feeds/feed.json").read_text())["icon"] == icon
    assert f'href="{icon}"' in (workspace / "site/index.html").read_text()
    rss = feedparser.parse((workspace / "feeds/rss.xml").read_bytes())
    (item,) = [e for e in rss.entries if e.link.endswith("/all-of-us-strangers/")]
    assert item.enclosures[0].href == still
    email = next((workspace / "site/issues").glob("1-*/email.txt")).read_text()
    assert still in email
    # The files keep their names, where the encoded URLs lead.
    assert (workspace / "site/media/dope icon (1).png").is_file()
    assert (workspace / "site/media/all-of-us-strangers/it's 01.jpg").is_file()


def test_a_lead_picture_from_another_site_is_an_enclosure_only_with_its_type(
    workspace: Path,
) -> None:
    # Its length is not known: RSS says 0 (as its best practices ask), Atom says none (0
    # would be a false length), and a URL that tells no type makes no enclosure at all (a
    # guessed image/jpeg told readers' apps a wrong one).
    entry = workspace / "entries/all-of-us-strangers.md"
    remote = "https://images.example.org/strangers/poster.png"
    text = entry.read_text().replace(
        "  - src: media/all-of-us-strangers/01.jpg\n",
        f"  - src: {remote}\n    width: 800\n    height: 1200\n",
        1,
    )
    entry.write_text(text)
    build(workspace)
    rss = feedparser.parse((workspace / "feeds/rss.xml").read_bytes())
    (item,) = [e for e in rss.entries if e.link.endswith("/all-of-us-strangers/")]
    assert [(e.href, e.type, e.length) for e in item.enclosures] == [(remote, "image/png", "0")]
    atom = (workspace / "feeds/atom.xml").read_text()
    link = re.search(rf'<link[^>]*href="{re.escape(remote)}"[^>]*>', atom)
    assert link and 'rel="enclosure"' in link.group() and "length=" not in link.group()
    attachments = json.loads((workspace / "feeds/feed.json").read_text())["items"]
    mine = next(i for i in attachments if i["url"].endswith("/all-of-us-strangers/"))
    assert mine["attachments"] == [
        {"url": remote, "mime_type": "image/png", "title": mine["attachments"][0]["title"]}
    ]
    email = next((workspace / "site/issues").glob("1-*/email.html")).read_text()
    shown = re.search(rf'<img[^>]*src="{re.escape(remote)}"[^>]*>', email)
    # At its given size's proportions, no taller than 4:3 of the column (a portrait).
    assert shown and 'width="276"' in shown.group() and 'height="414"' in shown.group()

    entry.write_text(text.replace(remote, "https://images.example.org/strangers/poster"))
    build(workspace)
    rss = feedparser.parse((workspace / "feeds/rss.xml").read_bytes())
    (item,) = [e for e in rss.entries if e.link.endswith("/all-of-us-strangers/")]
    assert item.enclosures == []
    mine = json.loads((workspace / "feeds/feed.json").read_text())["items"]
    assert "attachments" not in next(i for i in mine if i["url"].endswith("/all-of-us-strangers/"))


def test_plain_text_beside_the_title_is_encoded_as_the_rss_profile_asks(write_files) -> None:
    # '&' and '<' in a tag, the author's name or the rights line: as hexadecimal references,
    # as the title's are (some readers decode plain text twice).
    root = write_files(
        {
            "entries/zz-noir.md": (
                "---\ntitle: Noir\npublished: 2026-01-01\nauthor: 'Smith & <Jones>'\n"
                "tags: ['<Noir> & co']\n---\nText.\n"
            )
        }
    )
    config = root / "dopemail.toml"
    text = config.read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if line.startswith("copyright = "))
    config.write_text(text.replace(line, 'copyright = "© A & B"'), encoding="utf-8")
    build(root)
    rss = (root / "feeds/rss.xml").read_bytes()
    assert check_rss(rss) == []
    parsed = feedparser.parse(rss)
    item = parsed.entries[0]
    assert [t.term for t in item.tags] == ["<Noir> & co"]
    assert item.author == "Smith & <Jones>"
    assert parsed.feed.rights == "© A & B"
    # As written: decoded, '&amp;' and '&#x26;' are the same.
    raw = rss.decode("utf-8")
    for tag, text in [
        ("category", "&#x3C;Noir> &#x26; co"),
        ("dc:creator", "Smith &#x26; &#x3C;Jones>"),
        ("copyright", "© A &#x26; B"),
    ]:
        found = [f.replace("&gt;", ">") for f in re.findall(rf"<{tag}>([^<]*)</{tag}>", raw)]
        assert text in found, tag
    written = re.findall(r"<(title|category|dc:creator|copyright)>([^<]*)</\1>", raw)
    assert {t for t, _ in written} == {"title", "category", "dc:creator", "copyright"}
    assert [w for w in written if "&amp;" in w[1] or "&lt;" in w[1]] == []


def test_an_entry_without_words_still_has_a_summary_in_every_feed(write_files) -> None:
    # Pictures alone, or a blank summary: an empty <summary/> in Atom, an empty JSON summary,
    # and RSS readers lost the full content (feedgen drops content:encoded then).
    pictures = (
        "---\ntitle: Stills\npublished: 2024-01-03\nimages:\n"
        "  - src: media/all-of-us-strangers/01.jpg\n    alt: Two men on a bed\n"
        "    caption: Andrew Scott and Paul Mescal\n---\n"
    )
    blank = "---\ntitle: Blank\npublished: 2024-01-02\nsummary: '  '\n---\n"
    # Its summary is its content, HTML: escaped once; in French, an English publication's.
    french = "---\ntitle: Noir\npublished: 2024-01-01\nlanguage: fr\nsummary: 'x<y & <Noir>'\n---\n"
    root = write_files(
        {"entries/zz-stills.md": pictures, "entries/zz-blank.md": blank, "entries/zz-fr.md": french}
    )
    build(root)
    expected = {"Stills": "Andrew Scott and Paul Mescal", "Blank": "Blank", "Noir": "x<y & <Noir>"}
    atom = feedparser.parse((root / "feeds/atom.xml").read_bytes())
    rss = feedparser.parse((root / "feeds/rss.xml").read_bytes())
    items = json.loads((root / "feeds/feed.json").read_bytes())["items"]
    for title, summary in expected.items():
        assert next(e for e in atom.entries if e.title == title).summary == summary
        assert next(i for i in items if i["title"] == title)["summary"] == summary
        item = next(e for e in rss.entries if e.title == title)
        shown = html.unescape(item.summary)  # RSS's description is HTML
        assert shown == summary and item.content[0].value.strip()
    noir = [
        next(e for e in atom.entries if e.title == "Noir").content[0].value,
        next(e for e in rss.entries if e.title == "Noir").content[0].value,
        next(i for i in items if i["title"] == "Noir")["content_html"],
    ]
    assert [html.unescape(re.sub(r"<[^>]*>", "", text)) for text in noir] == [expected["Noir"]] * 3
    # (feedparser sorts an element's attributes.)
    assert [bool(re.match(r'<div[^>]*><p[^>]* lang="fr"', text)) for text in noir] == [True] * 3
    assert check_atom((root / "feeds/atom.xml").read_bytes()) == []
    assert check_rss((root / "feeds/rss.xml").read_bytes()) == []


@pytest.mark.parametrize(("language", "rtl"), [("ar", True), ("he-IL", True), ("en", False)])
def test_a_right_to_left_publications_items_say_their_direction(
    workspace: Path, language: str, rtl: bool
) -> None:
    # Readers show an item's HTML as given, left to right: the feed's language (Atom's
    # xml:lang, RSS's <language>) sets no direction, and Arabic items read with their
    # punctuation on the wrong side.
    config = workspace / "dopemail.toml"
    config.write_text(config.read_text("utf-8").replace('"en"', f'"{language}"', 1), "utf-8")
    build(workspace)
    items = []
    for name in ("rss.xml", "atom.xml", "issues.xml"):
        items += [e.content[0].value for e in feedparser.parse(workspace / "feeds" / name).entries]
    feed = json.loads((workspace / "feeds/feed.json").read_text("utf-8"))
    items += [item["content_html"] for item in feed["items"]]
    assert items and {i.startswith('<div dir="rtl">') for i in items} == {rtl}, items[0][:80]


# What the feeds mean, against the front matter below (written by hand), not their bytes.
MEANT = (
    "---\ntitle: Meant\npublished: 2024-01-01T09:00:00-08:00\n"
    "updated: 2024-02-01T10:30:00-08:00\nauthor: Jane Critic\nid: Ghost-5F3a9C\n"
    "tags: [meant, Noir]\n---\nA body.\n"
)
MEANT_PUBLISHED = datetime(2024, 1, 1, 17, 0, tzinfo=UTC)  # 09:00 at -08:00
MEANT_UPDATED = datetime(2024, 2, 1, 18, 30, tzinfo=UTC)  # 10:30 at -08:00
HOME = "https://dopepress.example.com/"


@pytest.fixture(scope="module")
def meant(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conftest import copy_publication

    root = copy_publication(tmp_path_factory.mktemp("meant") / "pub")
    (root / "entries/zz-meant.md").write_text(MEANT, encoding="utf-8")
    build(root)
    return root


def _parsed(root: Path, name: str) -> Any:
    parsed = feedparser.parse((root / "feeds" / name).read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def _json(root: Path) -> dict[str, Any]:
    return json.loads((root / "feeds/feed.json").read_bytes())


def _instant(parsed_time: Any) -> datetime:
    return datetime.fromtimestamp(calendar.timegm(parsed_time), UTC)


@pytest.mark.parametrize("name", ["rss.xml", "atom.xml", "issues.xml"])
def test_each_feed_s_self_link_is_its_own(meant: Path, name: str) -> None:
    # A self link to another feed moves a reader's subscription there.
    links = _parsed(meant, name).feed.links
    assert [link.href for link in links if link.rel == "self"] == [f"{HOME}feeds/{name}"]


def test_an_entry_s_dates_are_its_own_in_every_feed(meant: Path) -> None:
    atom = next(e for e in _parsed(meant, "atom.xml").entries if e.title == "Meant")
    assert _instant(atom.published_parsed) == MEANT_PUBLISHED
    assert _instant(atom.updated_parsed) == MEANT_UPDATED
    rss = next(e for e in _parsed(meant, "rss.xml").entries if e.title == "Meant")
    assert _instant(rss.published_parsed) == MEANT_PUBLISHED  # pubDate
    item = next(i for i in _json(meant)["items"] if i["title"] == "Meant")
    assert datetime.fromisoformat(item["date_published"]) == MEANT_PUBLISHED
    assert datetime.fromisoformat(item["date_modified"]) == MEANT_UPDATED


def test_every_entry_is_published_when_its_front_matter_says(meant: Path) -> None:
    import yaml

    written = {}
    for path in (meant / "entries").glob("*.md"):
        front = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
        if not front.get("draft"):
            published = front["published"]
            if not isinstance(published, datetime):  # a day alone: midnight in Los Angeles
                zone = ZoneInfo("America/Los_Angeles")
                published = datetime.combine(published, datetime.min.time(), zone)
            written[front["title"]] = published.astimezone(UTC)
    for name in ("rss.xml", "atom.xml"):
        entries = _parsed(meant, name).entries
        assert {e.title: _instant(e.published_parsed) for e in entries} == written, name
    items = _json(meant)["items"]
    assert {i["title"]: datetime.fromisoformat(i["date_published"]) for i in items} == written


@pytest.mark.parametrize("name", ["atom.xml", "issues.xml"])
def test_a_feed_is_updated_when_its_newest_entry_is(meant: Path, name: str) -> None:
    parsed = _parsed(meant, name)
    assert len(parsed.entries) >= 2
    assert parsed.feed.updated_parsed == max(e.updated_parsed for e in parsed.entries)


def test_an_issue_links_to_its_web_version_and_says_its_preheader(meant: Path) -> None:
    entries = _parsed(meant, "issues.xml").entries
    first = next(e for e in entries if e.title.startswith("No. 1:"))
    url = f"{HOME}issues/1-strangers-and-varda/"
    assert [link.href for link in first.links if link.rel == "alternate"] == [url]
    assert first.summary == (
        "Andrew Haigh’s ghost story of a son and his parents, where it still plays, and five "
        "Varda films in March."
    )
    assert [e.author for e in entries] == ["DoPe Press"] * len(entries)


def test_the_json_feed_s_favicon_and_authors(meant: Path) -> None:
    feed = _json(meant)
    assert feed["favicon"] == f"{HOME}media/dopepress-icon.png"
    assert feed["authors"] == [{"name": "DoPe Press"}]


def test_an_entry_s_own_author_and_tags_in_every_feed(meant: Path) -> None:
    for name in ("rss.xml", "atom.xml"):
        entry = next(e for e in _parsed(meant, name).entries if e.title == "Meant")
        assert entry.author == "Jane Critic", name
        assert [t.term for t in entry.tags] == ["meant", "Noir"], name
    item = next(i for i in _json(meant)["items"] if i["title"] == "Meant")
    assert item["authors"] == [{"name": "Jane Critic"}]
    assert item["tags"] == ["meant", "Noir"]


def test_the_publication_s_author_email_is_in_the_atom_feed(meant: Path) -> None:
    author = _parsed(meant, "atom.xml").feed.author_detail
    assert (author.name, author.email) == ("DoPe Press", "press@dopepress.example.com")


def test_a_json_attachment_says_its_size(meant: Path) -> None:
    item = next(i for i in _json(meant)["items"] if i["url"].endswith(f"/{SEED}/"))
    size = (meant / "media/all-of-us-strangers/01.jpg").stat().st_size
    assert [a["size_in_bytes"] for a in item["attachments"]] == [size]


def test_a_kept_guid_s_atom_id_keeps_its_case(meant: Path) -> None:
    # The recipe (the README, _atom_id's docstring): a name-based (version 5) UUID, in the URL
    # namespace, of 'https://<host>/#guid:<the guid as kept>', which gives the id pinned in
    # test_a_guid_kept_from_an_older_feed_stays_and_atom_gets_a_uri_of_it for its guid.
    recipe = uuid.uuid5(uuid.NAMESPACE_URL, "https://dopepress.example.com/#guid:5f3a9c0e1b2d")
    assert str(recipe) == "31f613fa-61a0-596e-8db8-1061a7f29fb4"
    atom = next(e for e in _parsed(meant, "atom.xml").entries if e.title == "Meant")
    name = "https://dopepress.example.com/#guid:Ghost-5F3a9C"
    assert atom.id == f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"
    rss = next(e for e in _parsed(meant, "rss.xml").entries if e.title == "Meant")
    assert rss.id == "Ghost-5F3a9C"


def test_json_feed_items_are_dated_when_published() -> None:
    from dopemail.feeds import json_feed_items

    feed = {
        "items": [
            {
                "id": "a",
                "url": "https://e.test/a/",
                "date_published": "2024-01-01T09:00:00-08:00",
                "date_modified": "2024-02-01T10:30:00-08:00",
            },
            {"url": "https://e.test/b/"},
            "not an item",
        ]
    }
    assert json_feed_items(feed) == {
        "https://e.test/a/": ("a", "2024-01-01T09:00:00-08:00"),
        "https://e.test/b/": (None, ""),
    }
    with pytest.raises(ValueError):
        json_feed_items({"items": None})


def test_the_json_feed_s_home_page_is_the_site(meant: Path) -> None:
    # Readers link the feed's name to its home page: the feed's own address there leads a
    # reader to raw JSON.
    feed = _json(meant)
    assert feed["home_page_url"] == HOME != feed["feed_url"]


@pytest.mark.parametrize(
    ("name", "expected"), [("atom.xml", HOME), ("issues.xml", f"{HOME}#newsletter")]
)
def test_an_atom_feed_s_id_is_fixed(meant: Path, name: str, expected: str) -> None:
    # A reader knows a feed by its id (RFC 4287: it never changes): the site's address for the
    # entries' feed, the home page's newsletter part for the issues' (where they once were).
    assert _parsed(meant, name).feed.id == expected


def test_a_picture_saved_with_its_accents_decomposed_is_where_the_feed_says(
    workspace: Path,
) -> None:
    # A Mac writes 'é' in a file's name as 'e' and an accent (NFD); the text names it with
    # one character (NFC), and so does its URL. Published under the disk's spelling, the
    # picture in readers' feeds led to no file on a server that tells the two apart.
    import unicodedata
    from shutil import copyfile
    from urllib.parse import unquote, urlsplit

    typed = "media/Amélie/café.jpg"
    on_disk = workspace / unicodedata.normalize("NFD", typed)
    on_disk.parent.mkdir()
    copyfile(workspace / "media/all-of-us-strangers/01.jpg", on_disk)
    entry = workspace / "entries/quiet-hours.md"
    text = entry.read_text("utf-8")
    entry.write_text(text.replace("\n---\n", f"\n---\n![A café]({typed})\n\n", 1), "utf-8")
    build(workspace)
    rss = feedparser.parse((workspace / "feeds/rss.xml").read_bytes())
    content = next(e for e in rss.entries if e.link.endswith("/quiet-hours/")).content[0].value
    (src,) = re.findall(r'<img[^>]* src="([^"]*caf[^"]*)"', content)
    path = unquote(urlsplit(src).path).removeprefix("/")
    assert path == unicodedata.normalize("NFC", typed), src
    published = workspace / "site" / path
    assert published.is_file() and published.read_bytes() == on_disk.read_bytes()
    # As one character on the disk too (the name a server is asked for).
    assert unicodedata.normalize("NFC", "café.jpg") in [p.name for p in published.parent.iterdir()]


def test_a_publication_with_nothing_published_has_the_same_feeds_at_every_build(
    workspace: Path,
) -> None:
    # Nothing published (a draft alone, no issue): no entry gives the feeds a date, and the
    # time of the build would change them at every build, and readers fetch them again.
    for path in [*(workspace / "entries").glob("*.md"), *(workspace / "issues").glob("*.md")]:
        if "\ndraft: true" not in path.read_text(encoding="utf-8"):
            path.unlink()
    build(workspace)
    first = {p.name: p.read_bytes() for p in (workspace / "feeds").iterdir()}
    build(workspace, use_cache=False)
    assert {p.name: p.read_bytes() for p in (workspace / "feeds").iterdir()} == first
    for name in ("atom.xml", "issues.xml"):
        parsed = _parsed(workspace, name)
        assert parsed.entries == [], name
        assert _instant(parsed.feed.updated_parsed) == datetime(2000, 1, 1, tzinfo=UTC), name


def test_a_remote_logo_with_a_query_is_still_the_rss_image(workspace: Path) -> None:
    # Its type is told by the URL's path: 'logo.png?v=2' (a CDN's cache-buster) is a PNG,
    # which RSS's <image> allows.
    remote = "https://cdn.example/logo.png?v=2"
    config = workspace / "dopemail.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('"media/dopepress-logo.png"', f'"{remote}"'), "utf-8")
    build(workspace)
    rss = (workspace / "feeds/rss.xml").read_bytes()
    assert check_rss(rss) == []
    assert feedparser.parse(rss).feed.image.href == remote
    assert _parsed(workspace, "atom.xml").feed.logo == remote


def test_a_summary_made_from_the_text_or_a_caption_is_cut_short_without_marks(
    tmp_path: Path,
) -> None:
    root = copy_publication(tmp_path / "pub")
    # No summary: the first paragraph's words, 600 characters and more, in italics some.
    words = " ".join(["*Quiet* _hours_ and long takes"] * 20)
    (root / "entries/zz-long.md").write_text(
        f"---\ntitle: Long\npublished: 2024-01-03\n---\n{words}\n\nSecond.\n", "utf-8"
    )
    # No text either: its lead picture's caption, as long, in italics some.
    caption = " ".join(["a *Quiet Hours* still"] * 30)
    (root / "entries/zz-pics.md").write_text(
        "---\ntitle: Pics\npublished: 2024-01-04\nimages:\n"
        "  - src: media/all-of-us-strangers/01.jpg\n    alt: Two men\n"
        f'    caption: "{caption}"\n---\n',
        "utf-8",
    )
    env = make_environment(root)
    for entry in load_workspace(root).entries:
        if not entry.slug.startswith("zz-"):
            continue
        rendered = render_entry(env, entry)
        # shorten()'s 280 characters, then its '…'; a mark cut from its pair is none.
        for summary in (rendered.summary, rendered.summary_marked):
            assert len(summary) <= 281 and summary.endswith("…"), (entry.slug, summary)
            assert "*" not in summary and "_" not in summary, (entry.slug, summary)
