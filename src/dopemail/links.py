"""Links in the editors' texts that lead to no page of this site, or that did not become
links at all: warned about, not fatal.

A link in a text is read, as a browser reads it, from the page the text is on: in the entry
``rel``, ``[review](past-lives/)`` leads to ``/rel/past-lives/``, which no build makes, and
the feeds and the email carry that address as it is. Pictures are read from the site's root
(``media/...``); links are not, so an editor who writes one like a picture's path gets a dead
link in every reader's inbox without a word. The built outputs say which addresses exist.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import unquote, urljoin

from .content import host_of
from .errors import ContentError
from .feeds import RSS_PATH
from .site import SITE_DIR
from .sourcetext import shown_lines

if TYPE_CHECKING:
    from .build import Build

# A link's target as written: [text](target ...), <target>, href="target", or a reference
# definition's ([name]: target).
_WRITTEN = re.compile(
    r"\]\(\s*<?([^)\s>]+)|<(https?://[^>\s]+)>|href=[\"']([^\"']+)|^\s{0,3}\[[^\]]+\]:\s*<?([^\s>]+)"
)

_FEEDS = RSS_PATH.partition("/")[0] + "/"


def _output_of(rel: str, outputs: Mapping[str, object]) -> bool:
    """Whether the site path ``rel`` (after base_url, unquoted) is something the build made."""
    rel = rel.split("#", 1)[0].split("?", 1)[0]
    if rel.startswith(_FEEDS):  # feeds/ is served at base_url + feeds/ (README)
        return rel in outputs
    if rel == "" or rel.endswith("/"):
        return f"{SITE_DIR}/{rel}index.html" in outputs
    return f"{SITE_DIR}/{rel}" in outputs or f"{SITE_DIR}/{rel}/index.html" in outputs


def _line_of(root: Path, path: str, page: str, url: str, written: str = "") -> int | None:
    """The line of the file ``path`` (its text on ``page``) whose link leads to ``url``, or
    None. ``written``: only a link written "in full" (its scheme first), or "short" ('/x/',
    '../../x/'); those two look at the text as it is shown (not in code or a comment)."""
    try:
        text = (root / path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    lines = shown_lines(text) if written else enumerate(text.split("\n"), 1)
    for number, line in lines:
        for found in _WRITTEN.finditer(line):
            target = next(group for group in found.groups() if group is not None)
            full = bool(_IN_FULL.match(target) or target.startswith("//"))
            if written and full != (written == "in full"):
                continue
            if unquote(urljoin(page, target)) == url:
                return number
    return None


class DeadLink(NamedTuple):
    """A link in a file's text (shown on ``page``) that leads to no page of the site."""

    path: str
    page: str
    url: str
    hint: str
    # Into the host, outside a site at a path of it, to the host's page of a name the site
    # has: meant when written in full (see dead_links_in).
    outside: bool = False


def dead_links(
    base_url: str, texts: Iterable[tuple[str, str, Iterable[str]]], outputs: Mapping[str, object]
) -> Iterator[DeadLink]:
    """Each link into ``base_url`` (or out of it, into its host) that no output answers.

    ``texts``: (the file, the page its text is on, the addresses on the site's host that its
    text links to: :func:`~dopemail.content.host_links`).
    """
    host = host_of(base_url)
    for path, page, urls in texts:
        for url in urls:
            if not url.startswith(base_url):
                # A site at a path of its host (https://paris-la.example/dope/): a link written
                # from / ([review](/past-lives/)) leaves it, for the host's page of that name.
                # Told when the site has that page; another section's is linked on purpose.
                rest = url[len(host) :]
                if rest and _output_of(rest, outputs):
                    hint = (
                        f"write {base_url}{rest}: a link written from / (or climbing out with "
                        "../) leads to the host's page"
                    )
                    yield DeadLink(path, page, url, hint, outside=True)
                continue
            if _output_of(url[len(base_url) :], outputs):
                continue
            rest = url[len(page) :] if url.startswith(page) else ""
            if rest and _output_of(rest, outputs):
                # Written like a picture's path, from the site's root: read from the page.
                hint = (
                    f"write {base_url}{rest}: a link in the text is read from the page it is "
                    f"on ({page}), not from the site's root as a picture's path is"
                )
            elif domain := _LIKE_A_DOMAIN.match(rest or url[len(base_url) :]):
                # '(www.criterionchannel.com)': another site's address without its scheme,
                # which a browser reads as a page of this one.
                hint = (
                    f"write https://{domain.group()}: an address without https:// is read as "
                    "a page of this site"
                )
            else:
                hint = "check the address: no page of the site is there (a draft has none yet)"
            yield DeadLink(path, page, url, hint)


# What begins with a host's name: 'www.', or a dotted name ending in a common top-level domain
# ('criterion.com', 'mubi.fr'), then a path or nothing; not a file's name ('feed.rss',
# 'press-kit.zip', 'notes.md'), nor a page of the site ('reviews/past-lives/', 'st.louis/').
_TOP_DOMAINS = (
    "com|org|net|edu|gov|int|info|biz|io|co|app|dev|film|movie|tv|fm|me|ly|news|art|studio"
    "|media|online|site|blog|xyz|cinema|(?!(?:md|sh|js|ts|rs|gz|xz|db|cs|ps|pm|py|ai|ml)\\b)"
    "[a-z]{2}"
)
_LIKE_A_DOMAIN = re.compile(
    rf"(?:www\.[^/?#\s]+|(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:{_TOP_DOMAINS}))"
    r"(?=[/?#]|$)[^\s]*",
    re.IGNORECASE,
)


def _warning(root: Path, base_url: str, link: DeadLink, line: int | None) -> ContentError:
    if not link.outside:  # (an outside one's line is known already, or not to be found)
        line = _line_of(root, *link[:3])  # read only for a link that is told
    said = f"outside this site (it is at {base_url})" if link.outside else "to no page of this site"
    return ContentError(f"the link to {link.url} leads {said}", link.path, line, link.hint)


# An address written in full: its scheme first ('https:').
_IN_FULL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")

#: At most this many are told one by one: an archive moved from elsewhere may have hundreds.
SHOWN = 20


def _page(url: str) -> str:
    # The page an address leads to: without its fragment, query or last slash.
    return unquote(url.split("#", 1)[0].split("?", 1)[0]).rstrip("/")


def dead_links_in(build: Build) -> list[ContentError]:
    """:func:`dead_links` of a build (its published entries' texts and its issues), the first
    :data:`SHOWN` of them, then how many more there are."""
    workspace = build.workspace
    base_url = workspace.settings.publication.base_url
    # Found when each was rendered (its HTML is not read again for this).
    texts = [(r.entry.path, r.entry.url, r.links) for r in build.entries if not r.entry.draft]
    texts += [(i.issue.path, i.issue.url, i.links) for i in build.issues]
    # A draft issue's link to a draft entry it gathers: the issue's checks say so, at its line.
    drafts = {(i.issue.path, unquote(e.url)) for i in build.issues for e in i.issue.drafts}
    # A page of the site dopemail does not make, named in dopemail.toml: the unsubscribe page.
    served = {_page(url) for url in (workspace.settings.sender.unsubscribe_url,) if url}
    found: list[tuple[DeadLink, int | None]] = []  # each with its line, when known
    for link in dead_links(base_url, texts, build.outputs):
        if (link.path, link.url) in drafts or _page(link.url) in served:
            continue
        line = None
        if link.outside:
            # Told unless written in full, which is meant (another page of the host, which
            # may have an archive/ of its own): written from '/', climbing out with '../',
            # or in a way the line is not found for (Markdown's link across two lines).
            line = _line_of(workspace.root, *link[:3], "short")
            if line is None and _line_of(workspace.root, *link[:3], "in full") is not None:
                continue
        found.append((link, line))
    told = [_warning(workspace.root, base_url, link, line) for link, line in found[:SHOWN]]
    more = len(found) - len(told)
    if more:
        told.append(
            ContentError(
                f"and {more} more link{'s' if more != 1 else ''} to no page of this site",
                None,
                None,
                "fix those above and build again to see the next ones",
            )
        )
    return told


# What Markdown leaves as text when a link is written wrong (see broken_links_in): found in the
# rendered HTML's text, where a link that worked left no brackets.
def broken_links_in(build: Build) -> list[ContentError]:
    """Links written wrong in the entries' texts (drafts' too) and the issues' intros, which
    Markdown prints as they are (see :func:`dopemail.markdown.links_written_wrong`): the
    reader sees brackets, and no link. From the texts as rendered, kept with each."""
    # Drafts too: their pages are previewed, and told now, one is fixed before it goes out.
    # Each entry's and issue's were found when it was rendered (its text is not read again).
    found = [(r.entry.path, r.written_wrong) for r in build.entries]
    found += [(i.issue.path, i.written_wrong) for i in build.issues]
    return [
        ContentError(message, path, line, hint)
        for path, told in found
        for message, line, hint in told
    ]
