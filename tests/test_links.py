"""Links in the editors' texts that lead to no page of the site: warned about by build and check."""

from __future__ import annotations

from pathlib import Path

import pytest

BASE = "https://dopepress.example.com/"


def _append(workspace: Path, rel: str, text: str) -> int:
    """Append a paragraph to a file; the line it is on."""
    path = workspace / rel
    before = path.read_text(encoding="utf-8").rstrip("\n")
    path.write_text(before + "\n\n" + text + "\n", encoding="utf-8")
    return before.count("\n") + 3


def test_a_link_written_like_a_picture_s_path_is_warned_about(workspace: Path, run_cli) -> None:
    # [review](all-of-us-strangers/) in the entry varda-in-los-angeles leads, as any relative
    # link does, to /varda-in-los-angeles/all-of-us-strangers/: a dead link in every page,
    # feed and inbox, which nothing said.
    line = _append(
        workspace,
        "entries/varda-in-los-angeles.md",
        "See [our review](all-of-us-strangers/), [the archive](/), [the feed](/feeds/rss.xml), "
        "[a page](../quiet-hours/), [gone](https://dopepress.example.com/gone/) "
        "and [elsewhere](https://example.org/gone/).",
    )
    code, output = run_cli("build", "--root", workspace)
    assert code == 0, output  # a warning: the build goes on
    warnings = [w for w in output.split("\n") if w.startswith("warning:")]
    assert warnings == [
        f"warning: entries/varda-in-los-angeles.md:{line}: the link to "
        f"{BASE}varda-in-los-angeles/all-of-us-strangers/ leads to no page of this site",
        f"warning: entries/varda-in-los-angeles.md:{line}: the link to {BASE}gone/ leads to "
        "no page of this site",
    ], output
    assert f"hint: write {BASE}all-of-us-strangers/: a link in the text is read from" in output
    # Fixed as the hint says, nothing is left to warn about; check says the same as build.
    path = workspace / "entries/varda-in-los-angeles.md"
    text = path.read_text(encoding="utf-8")
    text = text.replace("(all-of-us-strangers/)", f"({BASE}all-of-us-strangers/)")
    path.write_text(text.replace(f"({BASE}gone/)", "(/)"), encoding="utf-8")
    code, output = run_cli("check", "--root", workspace)
    assert code == 0 and "warning:" not in output, output


def test_another_site_s_address_without_its_scheme_is_told_to_add_it(
    workspace: Path, run_cli
) -> None:
    # [the Criterion Channel](www.criterionchannel.com): a browser reads it as a page of this
    # site, and every page, feed and email carried the broken link; "check the address" did
    # not say what was wrong. A file of the site written the same way is not taken for one.
    line = _append(
        workspace,
        "entries/quiet-hours.md",
        "Streaming on [the Criterion Channel](www.criterionchannel.com/films/quiet-hours) "
        "and [MUBI](mubi.com); [a page](gone.html), [the kit](press-kit.zip).",
    )
    code, output = run_cli("check", "--root", workspace)
    assert code == 0, output
    told = [w for w in output.split("\n") if w.startswith(("warning:", "  hint:"))]
    assert told == [
        f"warning: entries/quiet-hours.md:{line}: the link to "
        f"{BASE}quiet-hours/www.criterionchannel.com/films/quiet-hours leads to no page of "
        "this site",
        "  hint: write https://www.criterionchannel.com/films/quiet-hours: an address without "
        "https:// is read as a page of this site",
        f"warning: entries/quiet-hours.md:{line}: the link to {BASE}quiet-hours/mubi.com leads "
        "to no page of this site",
        "  hint: write https://mubi.com: an address without https:// is read as a page of this "
        "site",
        f"warning: entries/quiet-hours.md:{line}: the link to {BASE}quiet-hours/gone.html leads "
        "to no page of this site",
        "  hint: check the address: no page of the site is there (a draft has none yet)",
        # A file's name ends in letters too ('.zip' is even a top-level domain): not a site's.
        f"warning: entries/quiet-hours.md:{line}: the link to {BASE}quiet-hours/press-kit.zip "
        "leads to no page of this site",
        "  hint: check the address: no page of the site is there (a draft has none yet)",
    ], output


def test_a_link_by_reference_is_told_at_its_definition(workspace: Path, run_cli) -> None:
    line = _append(workspace, "entries/quiet-hours.md", "[old]: /gone-by-reference/")
    _append(workspace, "entries/quiet-hours.md", "See the [old piece][old].")
    code, output = run_cli("check", "--root", workspace)
    assert (
        code == 0
        and (f"warning: entries/quiet-hours.md:{line}: the link to {BASE}gone-by-reference/ leads")
        in output
    ), output


def test_a_link_to_a_draft_or_from_an_issue_intro_is_warned_about(workspace: Path, run_cli) -> None:
    draft = next(
        p.stem
        for p in sorted((workspace / "entries").glob("*.md"))
        if "\ndraft: true" in p.read_text(encoding="utf-8")
    )
    issue = next((workspace / "issues").glob("1-*.md"))
    line = _append(workspace, f"issues/{issue.name}", f"Coming: [a draft](/{draft}/).")
    code, output = run_cli("check", "--root", workspace)
    assert code == 0, output
    assert (
        f"warning: issues/{issue.name}:{line}: the link to {BASE}{draft}/ leads to no page"
    ) in output
    assert "(a draft has none yet)" in output


def test_many_dead_links_are_told_twenty_then_counted(workspace: Path, run_cli) -> None:
    links = ", ".join(f"[{n}](/moved-{n}/)" for n in range(25))
    _append(workspace, "entries/varda-in-los-angeles.md", f"Old pieces: {links}.")
    code, output = run_cli("build", "--root", workspace)
    assert code == 0, output
    told = [w for w in output.split("\n") if w.startswith("warning:")]
    assert len(told) == 21 and f"{BASE}moved-19/" in told[19], told
    assert told[20] == "warning: and 5 more links to no page of this site"


def test_a_link_written_wrong_is_warned_about_at_its_line(workspace: Path, run_cli) -> None:
    # Markdown prints a link it cannot read as it was written: readers saw brackets and an
    # address in the text of the page, the feeds and the email, and nothing said so.
    first = _append(
        workspace,
        "entries/quiet-hours.md",
        "See [the trailer](https://youtu.be/x y) and [the poster](https://example.org/p.jpg\n"
        "or [tickets] (https://tickets.example.com/), [the book][1]"
        " and (https://example.org/a)[this].",
    )
    # What is no link written wrong: brackets in prose and transcripts, citations and
    # footnote marks, code, a link that works.
    _append(
        workspace,
        "entries/quiet-hours.md",
        "He said [sic] (twice); `[a](b` is code; [a link](https://example.org/a_(b)) works. "
        "“It was [expletive][laughs] hard,” on [Fri][Sat], his line [sic] (/s), as cited "
        "(https://fest.example/program)[1], notes[^2][^3], [both laugh][crosstalk], "
        "[Kael wrote](in The New Yorker, 1968).",
    )
    picture = _append(
        workspace, "entries/quiet-hours.md", "![A still](https://img.example.org/a b.jpg)"
    )
    intro = _append(workspace, "issues/1-strangers-and-varda.md", "Read [the essay](/essay/.")
    code, output = run_cli("build", "--root", workspace)
    assert code == 0, output
    told = [w for w in output.split("\n") if "did not become a" in w]
    shown = "did not become a link: the text shows it as written"
    assert told == [
        f"warning: entries/quiet-hours.md:{first}: '[the trailer](https://youtu.be/x y' {shown}",
        f"warning: entries/quiet-hours.md:{first}: '[the poster](https://example.org/p.jpg' "
        f"{shown}",
        f"warning: entries/quiet-hours.md:{first + 1}: '[tickets] "
        f"(https://tickets.example.com/)' {shown}",
        f"warning: entries/quiet-hours.md:{first + 1}: '[the book][1]' {shown}",
        f"warning: entries/quiet-hours.md:{first + 1}: '(https://example.org/a)[this]' {shown}",
        f"warning: entries/quiet-hours.md:{picture}: '![A still](https://img.example.org/a "
        "b.jpg' did not become a picture: the text shows it as written",
        f"warning: issues/1-strangers-and-varda.md:{intro}: '[the essay](/essay/.' {shown}",
    ], output
    for hint in (
        "an address has no spaces: write them %20, or put the address in <...>",
        "close the address with ')'",
        "write no space between ']' and '('",
        "add the line '[1]: https://...' below the text",
        "the text comes first: [this](https://example.org/a)",
    ):
        assert f"hint: {hint}" in output


def test_a_footnote_is_warned_about_at_its_line_by_build_and_check(
    workspace: Path, run_cli
) -> None:
    # Markdown here makes no footnotes: '[^1]' and '[^1]: ...' were printed as typed in the
    # pages, the feeds and the email (the text part joining the notes into one line), and
    # nothing said so, though '[trailer][1]' was warned of.
    mark = _append(workspace, "entries/quiet-hours.md", "A claim[^1], and `code[^2]`.")
    note = _append(
        workspace, "entries/quiet-hours.md", "[^1]: The footnote text.\n[^note]: Another."
    )
    _append(workspace, "entries/quiet-hours.md", "```\n[^3]: in code\n```")
    intro = _append(workspace, "issues/1-strangers-and-varda.md", "As said[^a].")
    hint = "  hint: write the note in the text, in parentheses, or as a last paragraph"
    for command in ("build", "check"):
        code, output = run_cli(command, "--root", workspace)
        assert code == 0, output
        told = [w for w in output.split("\n") if "footnote" in w]
        typed = "and dopemail makes no footnotes: pages, feeds and emails print it as typed"
        assert told == [
            f"warning: entries/quiet-hours.md:{mark}: '[^1]' is a footnote's mark, {typed}",
            f"warning: entries/quiet-hours.md:{note}: '[^1]:' begins a footnote's text, "
            f"{typed}, where it is",
            f"warning: entries/quiet-hours.md:{note + 1}: '[^note]:' begins a footnote's "
            f"text, {typed}, where it is",
            f"warning: issues/1-strangers-and-varda.md:{intro}: '[^a]' is a footnote's mark, "
            f"{typed}",
        ], output
        assert output.count(hint) == 4, output


def test_each_link_written_wrong_is_told_at_its_own_line(workspace: Path, run_cli) -> None:
    # The line was that of the first place the words stood in the file (the front matter's
    # summary, once): the same link written wrong twice was told twice at one line, and one
    # with emphasis in its words at none.
    entry = workspace / "entries/quiet-hours.md"
    text = entry.read_text(encoding="utf-8")
    entry.write_text(text.replace("summary: >-\n", "summary: >-\n  See the [clip][1] below.\n", 1))
    first = _append(workspace, "entries/quiet-hours.md", "First [clip][1] here.")
    again = _append(workspace, "entries/quiet-hours.md", "Again [clip][1] there.")
    styled = _append(workspace, "entries/quiet-hours.md", "The [*trailer*](https://x y) is out.")
    # French signs set with no-break spaces in the HTML: still found where they were typed.
    signs = _append(workspace, "entries/quiet-hours.md", "Voir [« la bande »](https://x y !) ici.")
    intro = _append(workspace, "issues/1-strangers-and-varda.md", "Lire [« ceci »](/a b ?) !")
    # A draft's too: previewed, it is fixed before it goes out.
    draft = _append(workspace, "entries/harbor-lights-restoration.md", "See the [clip][2].")
    code, output = run_cli("check", "--root", workspace)
    lines = [w.split(": ", 2)[1] for w in output.split("\n") if "did not become" in w]
    assert lines == [
        f"entries/harbor-lights-restoration.md:{draft}",
        *(f"entries/quiet-hours.md:{n}" for n in (first, again, styled, signs)),
        f"issues/1-strangers-and-varda.md:{intro}",
    ], output
    assert "'[« la bande »](https://x y !' did not become a link" in output, output


def test_a_link_from_the_host_s_root_that_leaves_a_site_at_a_path_is_warned_about(
    workspace: Path, run_cli
) -> None:
    # DoPe Press at a path of Paris-LA's host: [review](/all-of-us-strangers/) leads to the
    # host's page of that name, outside the site, and only the picture stayed inside it.
    config = workspace / "dopemail.toml"
    site = "https://paris-la.example.com/dope/"
    config.write_text(config.read_text("utf-8").replace(BASE, site), encoding="utf-8")
    line = _append(
        workspace,
        "entries/quiet-hours.md",
        "A [review](/all-of-us-strangers/), [Paris-LA](/), [music](/music/) and "
        f"[ours]({site}varda-in-los-angeles/).",
    )
    # Relative, climbing above the site: on a site at the host's root a browser stops at
    # the root and it worked; under /dope/ it leaves.
    climbing = _append(workspace, "entries/quiet-hours.md", "[Then](../../the-salt-orchard-qa/).")
    # Written in full, the host's own pages are meant, even named as the site's are; and
    # an example of the short way in code is no link.
    _append(
        workspace,
        "entries/varda-in-los-angeles.md",
        "Paris-LA's [archive](https://paris-la.example.com/archive/) and "
        "[home](https://paris-la.example.com/index.html).\n\n```\n[archive](/archive/)\n```",
    )
    # Its address on the next line (Markdown allows it): told, without a line to point at.
    _append(
        workspace, "issues/1-strangers-and-varda.md", "See [the days](\n/french-film-days-2024/)."
    )
    code, output = run_cli("check", "--root", workspace)
    assert code == 0, output
    warnings = [w for w in output.split("\n") if w.startswith("warning:")]
    assert warnings == [
        f"warning: entries/quiet-hours.md:{line}: the link to "
        f"https://paris-la.example.com/all-of-us-strangers/ leads outside this site (it is at "
        f"{site})",
        f"warning: entries/quiet-hours.md:{climbing}: the link to "
        f"https://paris-la.example.com/the-salt-orchard-qa/ leads outside this site (it is at "
        f"{site})",
        "warning: issues/1-strangers-and-varda.md: the link to "
        f"https://paris-la.example.com/french-film-days-2024/ leads outside this site (it is at "
        f"{site})",
    ], output
    assert f"hint: write {site}all-of-us-strangers/: a link written from / (or climbing" in output


def test_a_link_to_the_publication_s_unsubscribe_page_is_no_dead_link(
    workspace: Path, run_cli
) -> None:
    # The page is the publication's own ([sender] unsubscribe_url), not one dopemail makes:
    # a link to it was told it "leads to no page of this site".
    line = _append(
        workspace,
        "entries/varda-in-los-angeles.md",
        f"[Leave the list]({BASE}unsubscribe), or [this one]({BASE}unsubscribed/).",
    )
    code, output = run_cli("check", "--root", workspace)
    assert code == 0, output
    told = [w for w in output.split("\n") if w.startswith("warning:")]
    assert told == [
        f"warning: entries/varda-in-los-angeles.md:{line}: the link to {BASE}unsubscribed/ "
        "leads to no page of this site"
    ], told


def _warned(output: str) -> list[str]:
    return [w for w in output.split("\n") if w.startswith("warning:")]


def test_a_link_to_a_missing_feed_is_warned_about(workspace: Path, run_cli) -> None:
    # feeds/ is served beside the site (base_url + feeds/): its files are there, not any name
    # under it.
    line = _append(
        workspace,
        "entries/varda-in-los-angeles.md",
        f"[Our feed]({BASE}feeds/atom.xml), [an old one]({BASE}feeds/nope.xml).",
    )
    code, output = run_cli("check", "--root", workspace)
    assert code == 0, output
    assert _warned(output) == [
        f"warning: entries/varda-in-los-angeles.md:{line}: the link to {BASE}feeds/nope.xml "
        "leads to no page of this site"
    ], output


def _dead(workspace: Path, run_cli) -> list[str]:
    """The dead links ``check`` warns of (it passes)."""
    code, output = run_cli("check", "--root", workspace)
    assert code == 0, output
    return [w for w in _warned(output) if "leads to no page" in w]


def test_a_draft_s_dead_link_is_not_warned_about(workspace: Path, run_cli) -> None:
    # A draft's text is not on the site yet: its dead links are told when it is published.
    _append(workspace, "entries/harbor-lights-restoration.md", "[Gone](/gone-from-a-draft/).")
    assert _dead(workspace, run_cli) == []


def test_a_draft_issue_s_link_to_a_draft_it_gathers_is_told_once(workspace: Path, run_cli) -> None:
    # It links to the page the entry will have: the issue's own check tells of the draft, at
    # its line; "no page of this site" would tell it twice, and wrongly.
    issue = workspace / "issues/3-quiet-hours.md"
    text = issue.read_text(encoding="utf-8")
    gathers = "  - quiet-hours\n  - harbor-lights-restoration\n"
    issue.write_text(text.replace("  - quiet-hours\n", gathers, 1), "utf-8")
    _append(workspace, "issues/3-quiet-hours.md", "Also [the harbor](/harbor-lights-restoration/).")
    code, output = run_cli("check", "--root", workspace)
    assert code == 0, output
    assert _warned(output) == [
        "warning: issues/3-quiet-hours.md:9: issue 3: entry 'harbor-lights-restoration' is a "
        "draft: the email links to its page, which is made when it is published"
    ], output


@pytest.mark.parametrize(
    "url",
    [
        f"{BASE}unsubscribe/",  # the unsubscribe page, with a last slash its setting has not
        f"{BASE}quiet-hours",  # a page without its last slash: the server answers it
    ],
)
def test_a_link_to_a_page_written_with_or_without_its_last_slash_is_no_dead_link(
    workspace: Path, run_cli, url: str
) -> None:
    _append(workspace, "entries/varda-in-los-angeles.md", f"[This]({url}).")
    assert _dead(workspace, run_cli) == []


def test_a_percent_encoded_dead_link_is_told_at_its_line(workspace: Path, run_cli) -> None:
    # Told as a reader reads it (café), found in the text as written (caf%C3%A9).
    line = _append(workspace, "entries/quiet-hours.md", "[A café](/caf%C3%A9-gone/).")
    code, output = run_cli("check", "--root", workspace)
    assert code == 0, output
    assert _warned(output) == [
        f"warning: entries/quiet-hours.md:{line}: the link to {BASE}café-gone/ leads to no "
        "page of this site"
    ], output


def test_a_same_scheme_link_with_spaces_around_it_is_checked_as_written_without(
    workspace: Path, run_cli
) -> None:
    # <a href=" https:gone.html">: left as typed in the pages, no dead link was told of,
    # where the same link without the space was.
    line = _append(
        workspace, "entries/quiet-hours.md", 'See <a href=" https:gone.html\t">the page</a>.'
    )
    code, output = run_cli("check", "--root", workspace)
    assert code == 0, output
    assert (
        f"warning: entries/quiet-hours.md:{line}: the link to {BASE}quiet-hours/gone.html leads "
        "to no page of this site"
    ) in output, output


def test_the_links_looked_for_are_the_addresses_a_browser_follows() -> None:
    from dopemail.content import host_links

    # As the HTML writes them: '&amp;' is '&' and '%C3%A9' an 'é', as the build's outputs
    # are named; kept escaped, a link to a page that is there was told it leads nowhere.
    html = '<a href="https://h/caf%C3%A9/?a=1&amp;b=2">x</a> <a href="https://other/">y</a>'
    assert list(host_links(html, "https://h/")) == ["https://h/café/?a=1&b=2"]
