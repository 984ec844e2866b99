"""What a build changes that readers already hold: pages gone, feed ids made anew, sent
issues changed, and an entry published where no subscriber will see it.

Warnings only, printed by ``build``: the build is right to make what the sources say, but an
editor renaming a file may not know that the emails already sent link to its page, nor that
a new ``base_url`` (or a corrected day) gives feed items new ids (feed readers show them
again). What readers hold is what the build replaces: the outputs in place, and the
committed ``feeds/`` in a fresh clone.
"""

from __future__ import annotations

import contextlib
import html
import json
import re
import shlex
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import urlsplit

from .atomic import replace_file
from .config import CONFIG_NAME, Settings, config_line
from .content import RenderedEntry
from .errors import ConfigError, ContentError, DopemailError
from .feeds import JSON_PATH, json_feed_items
from .filenames import entry_of_page
from .fingerprint import code_version
from .layout import MEDIA_DIR, SITE_ISSUES_DIR
from .models import LoadedEntry, LoadedIssue
from .personalize import HTML_FILE, MESSAGE_FILE, TEXT_FILE
from .scaffold import SCAFFOLDS
from .site import SITE_DIR
from .sourcetext import key_line
from .templates import TEMPLATES_DIR
from .wording import number_runs

if TYPE_CHECKING:
    from .build import Build
    from .write import WriteReport

#: The base_url the last build that wrote was made with.
LAST_BASE_URL = ".dopemail/base_url"


def pages_gone(
    removed: list[str],
    entries: Sequence[LoadedEntry] = (),
    ahead: bool = False,
    renamed: Collection[str] = (),
    drafted: Collection[int] = (),
) -> list[DopemailError]:
    """A warning for each page (an entry's, an issue's web version) a build removed
    (``ahead``: that the next build would remove, as ``check`` tells it).

    Not for the page a renamed entry had under its new file name, once it is given its old
    address back with ``slug:`` (the hint below followed): that page was the mistake. Nor
    for one whose entry the feed shows renamed (``renamed``: those pages, 'old-slug/'):
    :func:`renamed_by_feed` tells it at the entry's file, with its feed id. Nor for the web
    version of an issue whose number is a draft's still, never mailed (``drafted``): its
    file renamed as its subject changed, an address no email or feed gave.
    """
    # The addresses the entries' file names would give, where a slug: gives another (an
    # entry's slug and path, not its fields: those are unpickled on first use, 0.1 s for a
    # thousand). Only when an entry's page went.
    renamed_back = (
        {stem for entry in entries if (stem := _file_slug(entry)) != entry.slug}
        if any(_entry_page(rel) for rel in removed)
        else set()
    )
    found: list[DopemailError] = []
    for rel in removed:
        if not (rel.startswith("site/") and rel.endswith("/index.html")):
            continue  # a feed, a picture, the home page
        page = rel.removeprefix("site/").removesuffix("index.html")
        if page.rstrip("/") in renamed_back or page in renamed:
            continue
        if page.startswith("issues/") and page.count("/") == 2:
            if _issue_number(page) in drafted:
                continue
            hint = (
                "if the issue's file was renamed, give it back its name "
                f"(issues/{page.split('/')[1]}.md): the emails sent link to its web version, "
                "and the newsletter's feed knows it by that address (renamed, it is a new "
                "item there, shown to its readers again)"
            )
        elif entry_of_page(rel):
            hint = (
                f"if the entry was renamed, set 'slug: {page.rstrip('/')}' in it to keep its "
                "address and feed id; if it was deleted or made a draft, nothing to do"
            )
        else:
            continue
        gone = "would go with the next build" if ahead else "is gone with this build"
        found.append(
            ContentError(
                f"the page {rel} {gone}: links to its address ({page}) lead nowhere "
                f"{'then' if ahead else 'now'}",
                None,
                None,
                hint,
            )
        )
    return found


def _issue_number(page: str) -> int | None:
    # 'issues/12-some-slug/' -> 12
    number = page.split("/")[1].partition("-")[0]
    return int(number) if number.isdigit() else None


def rsync_protect(path: str) -> str:
    """rsync's rule protecting ``path`` (under the folder copied) from ``--delete``, quoted
    for the shell: its wildcards escaped ('still[1].jpg' was read as a class of characters,
    matching 'still1.jpg', and the picture deleted all the same), a quote in its name closed
    and reopened ('l'été.jpg' left the shell waiting for the end of the quote)."""
    # rsync reads a backslash as an escape only in a rule holding a wildcard: then every
    # wildcard and backslash is escaped, else the name is as written.
    wild = any(c in path for c in "*?[")
    literal = re.sub(r"([\\*?\[\]])", r"\\\1", path) if wild else path
    return shlex.quote(f"P /{literal}")


def pictures_gone(
    root: Path,
    removed: Sequence[str],
    issues: Sequence[LoadedIssue],
    settings: Settings,
    mailed: Callable[[LoadedIssue], bool],
    emails_before: Mapping[str, bytes] = {},  # noqa: B006 (read, never changed)
    ahead: bool = False,
) -> list[DopemailError]:
    """A warning for each picture of the site a build removed (``ahead``: would remove) that
    the email of a sent issue shows (marked sent, or ``mailed`` by the send ledger's word):
    its readers' copies load it from the site, and the README's ``rsync --delete`` deletes it
    there. ``emails_before``: the emails the build replaced, as they were (see
    :class:`~dopemail.write.WriteReport`); the others are read where they are."""
    gone = [rel for rel in removed if rel.startswith(f"{SITE_DIR}/{MEDIA_DIR}/")]
    if not gone:
        return []
    emails: list[tuple[LoadedIssue, bytes]] = []
    for issue in issues:
        if issue.meta.status != "sent" and not mailed(issue):
            continue
        rel = f"{SITE_ISSUES_DIR}/{issue.key}/{HTML_FILE}"
        held = emails_before.get(rel)
        if held is None:
            with contextlib.suppress(OSError):
                held = (root / rel).read_bytes()
        if held is not None:
            emails.append((issue, held))
    found: list[DopemailError] = []
    for rel in gone:
        path = rel.removeprefix(f"{SITE_DIR}/")
        url = settings.media_url(path)
        shown = f'"{html.escape(url)}"'.encode()
        numbers = [issue.meta.number for issue, held in emails if shown in held]
        if not numbers:
            continue
        which = f"issue {numbers[0]}" if len(numbers) == 1 else f"issues {number_runs(numbers)}"
        found.append(
            ContentError(
                f"the picture {rel} "
                + _when(ahead, "is gone with this build", "would go with the next build")
                + f", and the sent email of {which} shows it from its address ({url}): once "
                "the site is copied online (rsync --delete), readers who open that email see "
                "it broken",
                None,
                None,
                f"if it was renamed or removed by mistake, put it back as {path} and in the "
                "entry (or text) that showed it: the build publishes only the pictures a page "
                "shows, not every file in media/; if it must leave the page, keep it online "
                f"for those emails: add --filter {rsync_protect(path)} to the README's rsync "
                "of site/",
            )
        )
    return found


def sent_issues_changed(
    replaced: list[str],
    issues: Sequence[LoadedIssue],
    messages: Mapping[str, tuple[bytes, bytes]] | None = None,
    mailed: Callable[[LoadedIssue], bool] | None = None,
    ahead: bool = False,
    outputs: Iterable[str] = (),
    written: Collection[str] = (),
    own_templates: bool = False,
    code_before: str | None = None,
) -> list[DopemailError]:
    """A warning for the issues marked sent whose web version or email a build changed: what
    their readers open with "View in your browser" is no longer what they were sent.
    ``mailed``: whether an issue not marked sent went out all the same (the send ledger says
    so), asked only of those a build changed. ``ahead``: told of the next build, by ``check``
    (as are the other warnings' ``ahead``). ``outputs``: every output of the build, by path:
    the hint then names the entries it gathers whose pages changed while others' did not
    (theirs is the edit to undo); ``written``: those of them the build wrote (a new entry's
    page is no page that stayed as it was); ``own_templates``: whether the workspace has
    templates of its own, one of which may have changed those pages alone (a section only
    some entries have), as the hint then says. ``code_before``: the dopemail the last build
    was made with (see cache.BuildCache.last_code): when it is not this one, the hint says
    that first, an upgrade changing what it renders.

    Not when its status went to or from draft (the editor at work on a draft; one made a
    draft is told by :func:`issues_unlisted`), nor when its address alone changed with them
    (base_url moved: :func:`base_url_moved` says what that does to the emails sent). An
    edit of its subject or date is said with the rest: readers hold the issue as it was.
    ``messages``: each replaced message's bytes before and after, by output path; without
    them, a replaced message counts as such a draft's. A status set from ready to sent (the
    README's step once it went out) changes no page: what changed with it is said.
    An email changed alone (a template of the email's own) is said as such: readers keep
    the one they got, and only the copy in ``site/`` differs from it.
    """
    files: dict[str, set[str]] = {}
    for rel in replaced:
        if rel.startswith(f"{SITE_ISSUES_DIR}/") and rel.count("/") > 2:  # not the index
            _, _, key, name = rel.split("/", 3)
            files.setdefault(key, set()).add(name)
    messages = messages or {}
    changed = [
        (issue, files[issue.key])
        for issue in issues
        if issue.key in files
        and not _edited(
            messages.get(f"{SITE_ISSUES_DIR}/{issue.key}/{MESSAGE_FILE}"), files[issue.key]
        )
        and files[issue.key] - {MESSAGE_FILE}
        and (issue.meta.status == "sent" or (mailed is not None and mailed(issue)))
    ]
    if not changed:
        return []
    # A teammate building with an older dopemail flips the outputs back and forth: named
    # among the causes, with what undoes it.
    upgraded = _code_changed(code_before)
    hint = upgraded + (
        "a correction is fine; otherwise undo what changed it (its own text, an entry it "
        "gathers, a picture, a template, the settings, a different dopemail or libraries: "
        "build with the one your team uses, the same 'dopemail --version')"
    )
    email_alone = upgraded + _EMAIL_ALONE_HINT
    if len(changed) > 3:  # a template or a setting changes every issue: said once
        numbers = number_runs(issue.meta.number for issue, _ in changed)
        unmarked = [issue.meta.number for issue, _ in changed if issue.meta.status != "sent"]
        if unmarked:  # sent by the ledger's word, not marked so: to be marked too
            hint += f"; and set 'status: sent' in those not marked so ({number_runs(unmarked)})"
        kind = "sent issues" if unmarked else "issues marked sent"
        if not any(_WEB_VERSION in names for _, names in changed):
            return [
                ContentError(
                    f"the emails of {len(changed)} {kind} ({numbers}) "
                    + _when(ahead, "changed with this build", "would change with the next build")
                    + ": their readers keep the ones they were sent (nothing they open "
                    "changed), and the copies in site/ are no longer what they got",
                    None,
                    None,
                    email_alone,
                )
            ]
        return [
            ContentError(
                f"{len(changed)} {kind} ({numbers}) "
                + _when(ahead, "changed with this build", "would change with the next build")
                + f": their readers {_when(ahead, 'see', 'would see')} the new version when "
                "they open one from their email",
                None,
                None,
                hint,
            )
        ]
    written = set(written)
    edited = _edited_entries(replaced, [rel for rel in outputs if rel not in written])
    found: list[DopemailError] = []
    for issue, names in changed:
        gathered = [e.path for e in issue.all_entries if e.slug in edited] if edited else []
        one = len(gathered) == 1
        undo = (
            f"{upgraded}a correction is fine; otherwise undo the {'edit' if one else 'edits'} to "
            + " and ".join(gathered)
            + ", which it gathers ("
            + (
                "its text or its pictures: its page changed too"
                if one
                else "their text or their pictures: their pages changed too"
            )
            + ", and not the other entries')"
            + (", or a template of yours that changed those pages alone" if own_templates else "")
            if gathered
            else hint
        )
        what = " and ".join(
            part
            for part, these in (
                ("its web version", {_WEB_VERSION}),
                ("its email", {HTML_FILE, TEXT_FILE}),
            )
            if names & these
        )
        if _WEB_VERSION in names:
            said = (
                f"readers who open it from their email {_when(ahead, 'see', 'would see')} "
                "the new text"
            )
        else:
            # Readers hold the email they were sent: nothing they open changed.
            said, undo = _EMAIL_ALONE, email_alone
        marked = issue.meta.status == "sent"
        found.append(
            ContentError(
                f"issue {issue.meta.number} was sent"
                + ("" if marked else " (the send ledger says so; it is not marked sent)")
                + f", and {_when(ahead, 'this build changed', 'the next build would change')} "
                f"{what}: {said}",
                issue.path,
                None,
                undo if marked else f"{undo}; and set 'status: sent' in it",
            )
        )
    return found


_WEB_VERSION = "index.html"
_EMAIL_ALONE = (
    "its readers keep the one they were sent (nothing they open changed), and the copy in "
    "site/ is no longer what they got"
)
_EMAIL_ALONE_HINT = (
    "nothing to do if that is meant (a template of the email's own); otherwise undo what changed it"
)


def _code_changed(before: str | None) -> str:
    """The first words of a sent issue's hint when the last build was made by another
    dopemail or other libraries (``before``, see cache.BuildCache.last_code), else
    nothing."""
    now = code_version()
    if before is None or before == now:
        return ""
    was = before or "an older dopemail, which recorded none"
    return (
        f"dopemail's code or libraries changed since the last build ({was} → {now}): if that "
        "is an upgrade, the change is likely its own, and nothing is to be done if the upgrade is "
        "meant (have every copy that builds or sends run this one: 'dopemail --version' "
        "says which); if not, "
    )


def _edited_entries(replaced: Sequence[str], kept: Iterable[str]) -> set[str]:
    """The slugs of the entries whose pages a build replaced, when some other entry's page
    stayed as it was (``kept``: the outputs the build left as they were): what changed them
    is their own text or pictures. When every page changed, a template or the settings did,
    and no entry is to blame (none is named)."""
    slugs = {slug for rel in replaced if (slug := entry_of_page(rel)) is not None}
    if not slugs:
        return set()
    if any(slug not in slugs for rel in kept if (slug := entry_of_page(rel)) is not None):
        return slugs
    return set()


def issues_unlisted(
    root: Path,
    issues: Sequence[LoadedIssue],
    messages: Mapping[str, tuple[bytes, bytes]],
    mailed: Callable[[LoadedIssue], bool] | None = None,
    replaced: Sequence[str] = (),
    ahead: bool = False,
) -> list[DopemailError]:
    """A warning for each issue built as sent or ready before, a draft with this build: it
    leaves the newsletter's archive and its feed, and its web version, which a sent email
    links to, is marked for search engines not to index. ``messages``: each replaced
    ``message.json``, before and after; ``mailed``: whether the send ledger says an issue
    went out, asked of one that was ready; ``replaced``: the outputs the build changed (a
    sent email changed with it is said too)."""
    found: list[DopemailError] = []
    for issue in issues:
        message = messages.get(f"{SITE_ISSUES_DIR}/{issue.key}/{MESSAGE_FILE}")
        if issue.meta.status != "draft" or message is None:
            continue
        try:
            before = json.loads(message[0])
        except ValueError:  # edited by hand: nothing to tell from it
            continue
        was = before.get("status") if isinstance(before, dict) else None
        if was not in ("sent", "ready"):
            continue
        went = was == "sent" or (mailed is not None and mailed(issue))
        said = "was sent" if went else "was ready"
        also = (
            ", and its web version, which the emails link to, "
            + _when(ahead, "is hidden", "would be hidden")
            + " from search engines"
        )
        folder = f"{SITE_ISSUES_DIR}/{issue.key}/"
        if went and {f"{folder}{HTML_FILE}", f"{folder}{TEXT_FILE}"} & set(replaced):
            also += (
                "; its email "
                + _when(ahead, "changed with this build", "would change with the next build")
                + " too: it "
                + _when(ahead, "is not", "would not be")
                + " what its readers got"
            )
        found.append(
            ContentError(
                f"issue {issue.meta.number} {said}, and "
                + _when(ahead, "is a draft with this build", "would be a draft with the next build")
                + f": it {_when(ahead, 'leaves', 'would leave')} the newsletter's archive and "
                "its feed (feed readers that fetched it keep it)" + (also if went else ""),
                issue.path,
                key_line(root, issue.path, "status"),
                "set 'status: sent' back in it now: while it is a draft, what changes in it "
                "(an entry it gathers edited, a template) is not told"
                if went
                else "set 'status: ready' back in it if it goes out as it is (a draft again on "
                "purpose: nothing to do)",
            )
        )
    return found


def _edited(message: tuple[bytes, bytes] | None, names: set[str]) -> bool:
    # Whether what changed in the issue's message is not for sent_issues_changed to tell:
    # a draft's status, or its address alone (see there).
    if MESSAGE_FILE not in names:
        return False
    if message is None:
        return True
    try:
        before, after = (json.loads(data) for data in message)
    except ValueError:  # a message.json edited by hand: nothing to tell from it
        return True
    if not (isinstance(before, dict) and isinstance(after, dict)):
        return True
    # A draft's page says so to search engines; made sent, it is the editor finishing it;
    # made a draft, it is told (issues_unlisted).
    if "draft" in (before.get("status"), after.get("status")):
        return True
    # Its address alone moved (base_url): base_url_moved tells what that does to the emails
    # sent. Its subject or date edited is said with the rest: readers hold it as it was (an
    # edit of its subject once hid its intro's, which alone was said).
    same = {**before, "status": None, "url": None} == {**after, "status": None, "url": None}
    return same and before.get("url") != after.get("url")


def feed_ids_changed(
    root: Path,
    feed: tuple[bytes | None, bytes] | None,
    entries: Sequence[RenderedEntry],
    ahead: bool = False,
    later: list[Callable[[], None]] | None = None,
) -> list[DopemailError]:
    """A warning for each entry the JSON feed carries at an address it carried before (in
    the feed this build replaces, or in an earlier build's: see :data:`FEED_IDS`) under
    another id (``feed``: the feed's bytes before the build, None if it made the feed anew,
    and after): feed readers know an item by its id, and show it again as new. The ids
    are remembered then, or, with ``later``, by a call added to it.

    An entry's id is made from the day it was published, as written: correcting that day
    (or writing the same moment in another time zone's offset), or publishing it again on
    another day after taking it down, gives it a new one; so does an 'id:' written wrong.
    """
    if feed is None:
        return []
    remembered = _remembered_ids(root)
    try:
        after = _ids_by_address(json.loads(feed[1]))
        replaced = {} if feed[0] is None else _ids_by_address(json.loads(feed[0]))
    except ValueError:  # a feed.json edited by hand: nothing to tell from it
        return []
    before = {url: ids[-1] for url, ids in remembered.items()} | replaced
    if not ahead and any(remembered.get(url, [""])[-1] != id_ for url, id_ in after.items()):
        kept = dict(remembered)
        for url, id_ in after.items():
            kept[url] = [*(i for i in kept.get(url, []) if i != id_), id_]
        if later is None:
            _remember_ids(root, kept)
        else:
            later.append(partial(_remember_ids, root, kept))
    changed = {url: new for url, new in after.items() if url in before and before[url] != new}
    if not changed:
        return []
    # Asked of the moved ones alone (an entry's fields are unpickled on first use).
    by_address = {item.entry.url: item.entry for item in entries if item.entry.url in changed}
    # An 'id:' giving back an id the feeds carried before is the hint below followed.
    moved = [
        (entry, before[url], changed[url])
        for url, entry in by_address.items()
        if not (entry.meta.id and changed[url] in remembered.get(url, ()))
    ]
    if not moved:
        return []
    if len(moved) > 3:  # an edit across the archive: said once
        names = ", ".join(entry.path for entry, _, _ in moved[:3])
        return [
            ContentError(
                f"{len(moved)} entries ({names}...) "
                + _when(
                    ahead,
                    "have new feed ids with this build",
                    "would have new feed ids with the next build",
                )
                + f": feed readers {_when(ahead, 'show', 'would show')} them again as new, once",
                None,
                None,
                "their 'published' days (or 'id:') changed; to keep an entry's old id, copy it "
                "from the last feeds/feed.json into the entry as 'id:'",
            )
        ]
    return [
        ContentError(
            _when(
                ahead,
                f"its feed id is now {new} (it was {old})",
                f"its feed id would be {new} with the next build (it is {old})",
            )
            + f"{_why_new(entry)}: feed readers {_when(ahead, 'show', 'would show')} the entry "
            "again as new, once",
            entry.path,
            key_line(root, entry.path, "id" if entry.meta.id else "published"),
            (
                "if its readers know it by the 'id:' you wrote (an older feed's), nothing to "
                f"do; if not, set 'id: {json.dumps(old)}' in it"
            )
            if entry.meta.id
            else f"to keep it, set 'id: {json.dumps(old)}' in it",
        )
        for entry, old, new in moved
    ]


def forget_deleted(root: Path, removed: list[str], entries: Sequence[LoadedEntry]) -> None:
    """Forget the feed ids of entries deleted (not made drafts) with this build: a new entry
    given the address of a deleted one is another piece, not the same one under a new id."""
    if not any(_entry_page(rel) for rel in removed):
        return
    remembered = _remembered_ids(root)
    there = {entry.url for entry in entries}
    kept = {url: ids for url, ids in remembered.items() if url in there}
    if len(kept) != len(remembered):
        _remember_ids(root, kept)


def _when(ahead: bool, now: str, then: str) -> str:
    """The words for a build that wrote (``now``), or for the next one, told by ``check``."""
    return then if ahead else now


def _why_new(entry: LoadedEntry) -> str:
    return ", as its 'id:' says" if entry.meta.id else ""


#: Every entry's feed ids as the feeds carried them, by address, the latest last: an entry
#: taken down, then published again on another day, is in no feed the build replaces, yet
#: readers hold it.
FEED_IDS = ".dopemail/feed-ids.json"


def _remembered_ids(root: Path) -> dict[str, list[str]]:
    # Each address's ids, the latest last.
    try:
        found = json.loads((root / FEED_IDS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(found, dict):
        return {}
    return {
        url: [i for i in ids if isinstance(i, str)]
        for url, ids in found.items()
        if isinstance(url, str) and isinstance(ids, list) and any(isinstance(i, str) for i in ids)
    }


def _remember_ids(root: Path, ids: Mapping[str, list[str]]) -> None:
    path = root / FEED_IDS
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps(dict(sorted(ids.items())), indent=0, ensure_ascii=False)
    replace_file(path, data.encode("utf-8"))


def unfed(
    root: Path,
    written: list[str],
    replaced: list[str],
    removed: list[str],
    entries: Sequence[RenderedEntry],
    count: int,
    ahead: bool = False,
) -> list[DopemailError]:
    """A warning for each entry published with this build (its page is new) that no feed
    carries: the feeds hold the ``count`` newest, and it is dated before them (an entry
    begun long ago, made public without correcting its day). Its subscribers never see it.
    """
    if any(_entry_page(rel) for rel in removed):
        return []  # an entry renamed: its new page is not news (pages_gone says what to do)
    new = set(written) - set(replaced)
    published = [item.entry for item in entries if not item.entry.draft]
    if all(f"{SITE_DIR}/{entry.slug}/index.html" in new for entry in published):
        return []  # a first build (or site/ deleted): every page is new
    unseen = [e for e in published[count:] if f"{SITE_DIR}/{e.slug}/index.html" in new]
    hint = (
        "if it goes out now, set 'published' to now; else it is on the site alone "
        "([feeds] items in dopemail.toml carries more)"
    )
    if len(unseen) > 3:  # an archive brought in: said once
        names = ", ".join(entry.path for entry in unseen[:3])
        return [
            ContentError(
                f"{len(unseen)} entries ({names}...) "
                + _when(
                    ahead, "are published with this build", "would be published with the next build"
                )
                + f", but no feed {_when(ahead, 'carries', 'would carry')} them: the feeds hold "
                f"the {count} newest entries, and they are dated before those",
                None,
                None,
                hint.replace("it goes", "they go").replace("it is", "they are"),
            )
        ]
    return [
        ContentError(
            _when(ahead, "published with this build", "would be published with the next build")
            + f", but no feed {_when(ahead, 'carries', 'would carry')} it: the feeds hold the "
            f"{count} newest entries, and its 'published' "
            f"({entry.published.date().isoformat()}) is older than theirs",
            entry.path,
            key_line(root, entry.path, "published"),
            hint,
        )
        for entry in unseen
    ]


def _file_slug(entry: LoadedEntry) -> str:
    """The slug an entry's file name gives it (its own 'slug:' aside)."""
    return entry.path.rpartition("/")[2].removesuffix(".md")


def _entry_page(rel: str) -> bool:
    return entry_of_page(rel) is not None


def renamed_by_feed(
    root: Path,
    renames: Sequence[Rename],
    ahead: bool = False,
) -> list[DopemailError]:
    """A warning for each entry the JSON feed shows renamed (see :func:`renames_in`): a file
    renamed, which moves its page (and, unless its 'id:' is kept, its feed id). Told at the
    entry's file, in place of :func:`pages_gone`'s word of its old page, which said neither
    that the entry was found nor that feed readers show it again."""
    found: list[DopemailError] = []
    for rename in renames:
        entry, old, kept = rename
        slug = rename.old_slug
        found.append(
            ContentError(
                "its address "
                + _when(ahead, "is new with this build", "would be new with the next build")
                + f", and the feed's item at {old}, published at the same moment, "
                + _when(
                    ahead,
                    "is gone: links to the old address lead",
                    "would be gone: links to the old address would lead",
                )
                + " nowhere"
                + (
                    ""
                    if kept
                    else f", and feed readers {_when(ahead, 'show', 'would show')} the "
                    "entry again as new"
                ),
                entry.path,
                key_line(root, entry.path, "slug") if entry.meta.slug else None,
                f"if it was renamed from {slug}.md, set 'slug: {slug}' in it to keep its "
                + ("address" if kept else "address and feed id"),
            )
        )
    return found


class Rename(NamedTuple):
    """An entry the feed shows renamed: it, the address it had, and whether its id was kept."""

    entry: LoadedEntry
    old: str
    kept: bool

    @property
    def old_slug(self) -> str:
        """The slug of the address it had."""
        return self.old.rstrip("/").rpartition("/")[2]


def renames_in(
    feed: tuple[bytes | None, bytes] | None, entries: Sequence[LoadedEntry]
) -> list[Rename]:
    """The entries at an address new to the JSON feed whose moment of publication is that of
    the one item the feed carried at an address no entry has now: each file renamed.

    In a fresh clone there is no ``site/``, and the committed ``feeds/feed.json`` is what
    readers hold. Only a moment with one item gone and one new is told: two entries
    published at once are not guessed at.
    """
    if feed is None or feed[0] is None:
        return []
    try:
        old_feed, new_feed = (json.loads(data) for data in (feed[0], feed[1]))
        before, after = json_feed_items(old_feed), json_feed_items(new_feed)
    except ValueError:  # a feed.json edited by hand: nothing to tell from it
        return []
    if old_feed.get("home_page_url") != new_feed.get("home_page_url"):
        return []  # every address moved: base_url_moved says so
    addresses = {entry.url for entry in entries}
    gone: dict[str, list[str]] = {}  # moment -> the addresses gone
    for url, (_, moment) in before.items():
        if url not in after and url not in addresses and moment:
            gone.setdefault(moment, []).append(url)
    new: dict[str, list[str]] = {}
    for url, (_, moment) in after.items():
        if url not in before and moment in gone:
            new.setdefault(moment, []).append(url)
    by_address = {entry.url: entry for entry in entries}
    found: list[Rename] = []
    for moment, urls in new.items():
        entry = by_address.get(urls[0])
        if len(urls) != 1 or len(gone[moment]) != 1 or entry is None:
            continue
        old = gone[moment][0]
        rename = Rename(entry, old, kept=before[old][0] == after[urls[0]][0])
        if rename.old_slug == _file_slug(entry):
            # The page its file's name gave it, left for its old address with 'slug:' (the
            # hint followed): that page was the mistake, undone.
            continue
        found.append(rename)
    return found


def _ids_by_address(feed: object) -> dict[str, str]:
    return {url: id_ for url, (id_, _) in json_feed_items(feed).items() if id_ is not None}


# A base_url as settings keep it: a web address on one line.
_ADDRESS = re.compile(r"https?://[^\s/]+/\S*")


def base_url_moved(
    root: Path,
    settings: Settings,
    feed: bytes | None = None,
    sent_before: Callable[[], bool] = lambda: False,
    entries: Sequence[LoadedEntry] = (),
    issues: Sequence[LoadedIssue] = (),
    ahead: bool = False,
) -> list[DopemailError]:
    """A warning when ``base_url`` is not the one the last build was made with (see
    :func:`remember_base_url`), or, where no build recorded one (a fresh clone), the one of
    the JSON feed this build replaces (``feed``, its bytes: the committed ``feeds/``).
    ``sent_before``: whether an issue went out (its emails link to the old address), asked
    only when base_url moved (the send ledger is read for it). ``entries`` and ``issues``:
    one of each is given as an example of the old id to keep, found in ``feed``."""
    current = settings.publication.base_url
    try:
        written = (root / LAST_BASE_URL).read_text(encoding="utf-8")
    except (FileNotFoundError, UnicodeDecodeError):
        written = ""
    # Written whole with its line's end (remember_base_url): a file cut short (a full disk,
    # a crash) or garbled is as none, not a base_url that moved ('https://dopepre').
    last: str | None = written.strip() if written.endswith("\n") else ""
    if not last or not _ADDRESS.fullmatch(last):
        last = _home_of(feed)
        if last is None:
            return []
    if last == current:
        return []
    # An entry's id is made from the site's host (and its day and slug), an issue's from its
    # web version's address.
    same_host = urlsplit(last).hostname == urlsplit(current).hostname
    which = "issue's" if same_host else "entry's and issue's"
    # Whose ids changed can keep them (the entries' did not change when only the path did).
    # Said as a rule with an example, not copied from the feeds: the build that says it has
    # replaced them, and a thousand ids would not be read in a warning.
    # A sent one: its old address surely served (one made ready since never had it).
    issue = next((i for i in issues if i.meta.status == "sent" and not i.meta.id), None)
    keep_issue = "an issue's is its old address" + (
        f" ({issue.path}: 'id: {json.dumps(last + issue.url.removeprefix(current))}')"
        if issue is not None and issue.url.startswith(current)
        else ""
    )
    # Told ahead by check, while the feeds in place still hold the old ids.
    set_it = f"{'before you build, ' if ahead else ''}set it in its file as 'id:'"
    if same_host:
        keep = f"an issue can keep its old id: {set_it}; {keep_issue}"
    else:
        old_ids = _old_ids(feed)
        entry, old_id = next(
            (
                (e, old_ids[last + e.url.removeprefix(current)])
                for e in entries
                if not e.meta.id
                and e.url.startswith(current)
                and last + e.url.removeprefix(current) in old_ids
            ),
            (None, ""),
        )
        keep = (
            f"an entry or an issue can keep its old id: {set_it}; an entry's is its id in "
            f"feeds/atom.xml with {urlsplit(last).hostname} as its host"
            + (f" ({entry.path}: 'id: {json.dumps(old_id)}')" if entry else "")
            + f", {keep_issue}"
        )
    # The emails gone out link to the old address: only what serves it keeps them working.
    sent = (
        ", and the emails already sent link to the old address (their 'View in your "
        "browser', 'Read more' and pictures)"
        if sent_before()
        else ""
    )
    redirect = "; keep the old address answering (redirect it to the new one)" if sent else ""
    return [
        ConfigError(
            f"base_url is now {current} (the last build's was {last}): every {which} feed "
            f"id is made from it, so feed readers show them all again as new, once{sent}",
            CONFIG_NAME,
            config_line(root, ("publication", "base_url")),
            f"if the site moved, that is the price of moving ({keep}){redirect}; if not, put "
            "base_url back",
        )
    ]


def _old_ids(feed: bytes | None) -> dict[str, str]:
    # The ids of the feed a build replaces, by address: none from one edited by hand.
    try:
        return _ids_by_address(json.loads(feed)) if feed is not None else {}
    except ValueError:
        return {}


def _home_of(feed: bytes | None) -> str | None:
    try:
        home = json.loads(feed)["home_page_url"] if feed is not None else None
    except (ValueError, TypeError, KeyError):
        return None
    return home if isinstance(home, str) and home else None


def remember_base_url(root: Path, settings: Settings) -> None:
    """Record the base_url a build was made with, for the next one (:func:`base_url_moved`)."""
    path = root / LAST_BASE_URL
    current = settings.publication.base_url + "\n"
    with contextlib.suppress(FileNotFoundError):
        if path.read_bytes() == current.encode("utf-8"):
            return
    path.parent.mkdir(parents=True, exist_ok=True)
    replace_file(path, current.encode("utf-8"))


def before_write(build: Build, pages: bool = True) -> list[DopemailError]:
    """What ``check`` can tell of a build it does not write: every warning ``build`` would
    give once written (see :func:`after_write`), said of the next build, found by comparing
    the outputs with those in place; nothing is written or remembered.

    Without ``pages``, the issues' files and the feeds alone are compared with those in
    place (what readers hold), the other pages only found there or not (a new entry's page
    tells it is published): which entries an edit of a sent issue came from is not said.
    The preview's index asks at every save, and reading 10,000 pages cost half a second
    each time."""
    from .sourcesgone import last_outputs
    from .write import would_write

    root = build.workspace.root
    compared = None if pages else _held_by_readers
    report = would_write(root, build.outputs, last_outputs(root), compared)
    return _told(build, report, ahead=True)


def _held_by_readers(rel: str) -> bool:
    # The outputs whose change readers are told of: an issue's files, the feeds.
    return rel.startswith((f"{SITE_ISSUES_DIR}/", "feeds/"))


def after_write(
    build: Build, report: WriteReport
) -> tuple[list[DopemailError], Callable[[], None]]:
    """Everything a written build changed that readers already hold (see the module), and
    what keeps the records the next build compares with (the feeds' ids, the base_url it
    was made with): called once the warnings are said, as a full disk refuses those."""
    workspace, settings = build.workspace, build.workspace.settings
    later: list[Callable[[], None]] = []
    told = _told(build, report, later=later)

    def keep() -> None:
        for record in later:
            record()
        forget_deleted(workspace.root, report.removed, workspace.entries)
        remember_base_url(workspace.root, settings)

    return told, keep


def _told(
    build: Build,
    report: WriteReport,
    ahead: bool = False,
    later: list[Callable[[], None]] | None = None,
) -> list[DopemailError]:
    # What ``report``'s changes do to what readers hold (``ahead``: would do, unwritten).
    workspace, settings = build.workspace, build.workspace.settings
    # The JSON outputs replaced, as they were and as they are now.
    json_files = {
        rel: (before, after)
        for rel, before in report.json_before.items()
        if isinstance(after := build.outputs.get(rel), bytes)
    }
    feed = _feed(build, report, json_files)
    mailed = _mailed(workspace.root)
    renames = renames_in(feed, workspace.entries)
    # Their old pages, as pages_gone knows them ('old-slug/').
    moved = {rename.old_slug + "/" for rename in renames}
    return [
        *pages_gone(
            report.removed,
            workspace.entries,
            ahead=ahead,
            renamed=moved,
            # (The ledger asked only when an issue's page went.)
            drafted={
                issue.meta.number
                for issue in workspace.issues
                if issue.meta.status == "draft" and not mailed(issue)
            }
            if any(rel.startswith(f"{SITE_ISSUES_DIR}/") for rel in report.removed)
            else (),
        ),
        *pictures_gone(
            workspace.root,
            report.removed,
            workspace.issues,
            settings,
            mailed,
            report.emails_before,
            ahead,
        ),
        *sent_issues_changed(
            report.replaced,
            workspace.issues,
            json_files,
            mailed,
            ahead,
            build.outputs,
            report.written,
            _has_own_templates(workspace.root),
            build.code_before,
        ),
        *issues_unlisted(
            workspace.root, workspace.issues, json_files, mailed, report.replaced, ahead
        ),
        *feed_ids_changed(workspace.root, feed, build.entries, ahead, later),
        *renamed_by_feed(workspace.root, renames, ahead),
        *unfed(
            workspace.root,
            report.written,
            report.replaced,
            report.removed,
            build.entries,
            settings.feeds.items,
            ahead,
        ),
        *base_url_moved(
            workspace.root,
            settings,
            feed[0] if feed is not None else None,
            lambda: any(issue.meta.status == "sent" or mailed(issue) for issue in workspace.issues),
            workspace.entries,
            workspace.issues,
            ahead,
        ),
    ]


def _has_own_templates(root: Path) -> bool:
    # Of those that make pages: not the scaffolds of `dopemail new`.
    folder = root / TEMPLATES_DIR
    return folder.is_dir() and any(p.name not in SCAFFOLDS for p in folder.rglob("*.j2"))


def _feed(
    build: Build, report: WriteReport, json_files: Mapping[str, tuple[bytes, bytes]]
) -> tuple[bytes | None, bytes] | None:
    # The JSON feed before and after, when this build wrote it; made anew (feeds/ deleted),
    # it is compared with the ids earlier builds published.
    if JSON_PATH in json_files:
        return json_files[JSON_PATH]
    made = build.outputs.get(JSON_PATH)
    if JSON_PATH in report.written and isinstance(made, bytes):
        return None, made
    return None


def _mailed(root: Path) -> Callable[[LoadedIssue], bool]:
    """Whether the send ledger says an issue went out (its status is the editor's to set)."""

    def mailed(issue: LoadedIssue) -> bool:
        from .send.ledger import went_out

        return went_out(root, issue.meta.number)

    return mailed
