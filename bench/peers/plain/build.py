"""Hugo's job done by a plain Python build: the build the performance targets were set from.

The performance issue (#7) set the cold-build target from "the same build on 2 processes with
a C-backed Markdown parser", measured at about 1.5x Hugo. This is that build, on what the
bench gives Hugo (``hugo/content/``: the entries' titles, dates, authors, tags and summaries
as front matter, their text and pictures as Markdown; ``hugo/static/``), making the set of
files Hugo's templates in ``bench/peers/hugo/layouts/`` make, saying what they say (the pages,
the home page, the RSS feed of the newest ``items`` with their full content, the pictures
copied), as Hugo's defaults do, with the libraries a Python site generator would use: PyYAML's
C loader, cmarkgfm, Jinja2 and feedgen, with one process for each core.

    python bench/peers/plain/build.py HUGO_SITE OUTPUT ITEMS

Its time against Hugo's says what Python itself costs at Hugo's job; dopemail's time against
it, what the rest of dopemail's work costs (see bench/README.md).
"""

from __future__ import annotations

import html
import os
import re
import shutil
import sys
from datetime import UTC, datetime
from multiprocessing import Pool
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import cmarkgfm
import jinja2
import yaml
from cmarkgfm.cmark import Options
from feedgen.feed import FeedGenerator
from markupsafe import Markup

BASE = "https://dopepress.example.com/"
TITLE = "DoPe Press"
DESCRIPTION = "Film reviews, screenings and conversations from the film section of Paris-LA."
ZONE = ZoneInfo("America/Los_Angeles")  # Hugo's timeZone, for a date written without offset
MARKDOWN = Options.CMARK_OPT_DEFAULT  # Hugo's goldmark with unsafe = false: raw HTML left out

# bench/peers/hugo/layouts/_default/baseof.html, single.html and list.html, in Jinja2.
_ENV = jinja2.Environment(autoescape=True, keep_trailing_newline=True)
_BASE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ head_title }}</title>
<link rel="canonical" href="{{ url }}">
<meta name="description" content="{{ description }}">
<link rel="alternate" type="application/rss+xml" href="{{ base }}index.xml" title="{{ site }}">
</head>
<body>
<header><a href="{{ base }}">{{ site }}</a></header>
<main>
{% block main %}{% endblock %}
</main>
<footer><p>© Paris-LA / DoPe Press. Images © their owners, as credited.</p></footer>
</body>
</html>
"""
_ENV.loader = jinja2.DictLoader(
    {
        "base.html": _BASE,
        "single.html": """{% extends "base.html" %}{% block main %}
<article>
<h1>{{ title }}</h1>
<p class="meta">By {{ author }} · <time datetime="{{ date.isoformat() }}">{{ day }}</time>\
{% if tags %} · {{ tags|join(", ") }}{% endif %}</p>
{{ content }}
</article>
{% endblock %}""",
        "list.html": """{% extends "base.html" %}{% block main %}
<h1>{{ site }}</h1>
<p>{{ description }}</p>
<h2>Latest</h2>
<ul class="entries">
{% for page in pages %}
<li><a href="{{ page.url }}">{{ page.title }}</a><br><span class="meta"><time \
datetime="{{ page.date.isoformat() }}">{{ page.day }}</time></span><br>{{ page.summary }}</li>
{% endfor %}
</ul>
{% endblock %}""",
    }
)
_SINGLE = _ENV.get_template("single.html")
_LIST = _ENV.get_template("list.html")


def _day(date: datetime) -> str:
    return f"{date:%B} {date.day}, {date.year}"


_HEADING = re.compile(r"<h([1-6])>(.*?)</h\1>", re.S)
_TAG = re.compile(r"<[^>]*>")


def _plainify(markup: str) -> str:
    """Hugo's ``plainify``: the text of some HTML."""
    return html.unescape(_TAG.sub("", markup)).strip()


def _with_ids(content: str) -> str:
    """Headings with the ids goldmark gives them (Hugo's default, ``autoHeadingID``): the
    text lowercased, its punctuation dropped, its spaces dashes; a repeated one numbered."""
    taken: dict[str, int] = {}

    def with_id(found: re.Match[str]) -> str:
        text = _plainify(found.group(2)).lower()
        name = re.sub(r"\s", "-", re.sub(r"[^\w\s-]", "", text))
        count = taken.get(name, 0)
        taken[name] = count + 1
        if count:
            name = f"{name}-{count}"
        level = found.group(1)
        return f'<h{level} id="{html.escape(name)}">{found.group(2)}</h{level}>'

    return _HEADING.sub(with_id, content)


def _date(value: Any) -> datetime:
    # Quoted, the corpus's way, or a YAML timestamp; one without an offset is in Hugo's zone.
    date = datetime.fromisoformat(value) if isinstance(value, str) else value
    if not isinstance(date, datetime):
        date = datetime(date.year, date.month, date.day)
    return date if date.tzinfo else date.replace(tzinfo=ZONE)


def page(args: tuple[Path, Path, datetime]) -> dict[str, Any] | None:
    """Build one entry's page; what the home page and the feed show of it (None: a draft, or
    dated later than ``now``, which Hugo leaves out by default)."""
    source, output, now = args
    _, front, body = source.read_text(encoding="utf-8").split("---\n", 2)
    meta = yaml.load(front, Loader=yaml.CSafeLoader)
    date = _date(meta["date"])
    if meta.get("draft") or date > now:
        return None
    content = _with_ids(cmarkgfm.github_flavored_markdown_to_html(body, options=MARKDOWN))
    slug = meta.get("slug") or source.stem
    url = f"{BASE}{slug}/"
    # Hugo renders a front matter summary as Markdown, and the templates show its text;
    # without one, the first 70 words (summaryLength).
    summary = _plainify(cmarkgfm.github_flavored_markdown_to_html(meta.get("summary") or ""))
    summary = summary or " ".join(_plainify(content).split()[:70])
    made = _SINGLE.render(
        head_title=f"{meta['title']} · {TITLE}",
        url=url,
        description=summary,
        base=BASE,
        site=TITLE,
        title=meta["title"],
        author=meta.get("author", ""),
        date=date,
        day=_day(date),
        tags=meta.get("tags") or [],
        content=Markup(content),
    )
    folder = output / slug
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html").write_text(made, encoding="utf-8")
    return {
        "date": date,
        "day": _day(date),
        "url": url,
        "title": meta["title"],
        "tags": meta.get("tags") or [],
        "summary": summary,
        "content": content,
    }


def build(site: Path, output: Path, items: int) -> int:
    """Build ``site`` (a Hugo site of the bench) into ``output``; the number of pages."""
    sources = sorted((site / "content").glob("*.md"))
    output.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    with Pool(len(os.sched_getaffinity(0))) as pool:
        made = pool.map(page, [(s, output, now) for s in sources], chunksize=16)
    pages = [p for p in made if p is not None]
    pages.sort(key=lambda p: p["date"], reverse=True)
    home = _LIST.render(
        head_title=TITLE, url=BASE, description=DESCRIPTION, base=BASE, site=TITLE, pages=pages
    )
    (output / "index.html").write_text(home, encoding="utf-8")
    feed = FeedGenerator()
    feed.title(TITLE)
    feed.link(href=f"{BASE}index.xml", rel="self")
    feed.link(href=BASE)  # after: feedgen makes the channel's <link> of the last one
    feed.description(DESCRIPTION)
    feed.language("en")
    for item in pages[:items]:
        entry = feed.add_entry(order="append")
        entry.title(item["title"])
        entry.link(href=item["url"])
        entry.guid(item["url"], permalink=False)
        entry.pubDate(item["date"])
        for tag in item["tags"]:
            entry.category(term=tag)
        entry.description(item["summary"])
        entry.content(item["content"], type="CDATA")
    feed.lastBuildDate(pages[0]["date"] if pages else None)
    feed.rss_file(str(output / "index.xml"))
    shutil.copytree(site / "static", output, dirs_exist_ok=True)
    return len(pages)


if __name__ == "__main__":
    build(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]))
