"""The command line: scaffolding, schema, help, and the README that documents it."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import click
import feedparser
import pytest
import yaml
from conftest import REPO, run_process, snapshot

from dopemail import models
from dopemail import templates as templates_module
from dopemail.cli import cli
from dopemail.continuity import feed_ids_changed, sent_issues_changed, unfed
from dopemail.load import load_workspace
from dopemail.schema import json_schema
from dopemail.wording import number_runs


def _commands(group: click.Group, prefix: str = "") -> list[str]:
    names = []
    for name, command in sorted(group.commands.items()):
        full = f"{prefix}{name}"
        if isinstance(command, click.Group):
            names += [full, *_commands(command, full + " ")]
        else:
            names.append(full)
    return names


def built(run_cli, workspace: Path) -> str:  # type: ignore[no-untyped-def]
    """``dopemail build`` of ``workspace``, which must succeed: what it printed."""
    code, output = run_cli("build", "--root", workspace)
    assert code == 0, output
    return output


def test_new_entry_scaffolds_a_valid_draft(workspace: Path, run_cli) -> None:
    code, output = run_cli("new", "entry", "Céline’s « Portrait »", "--root", workspace)
    assert code == 0, output
    path = workspace / "entries/celines-portrait.md"
    text = path.read_text(encoding="utf-8")
    entry = next(e for e in load_workspace(workspace).entries if e.slug == "celines-portrait")
    assert entry.meta.title == "Céline’s « Portrait »" and entry.meta.draft
    # Every field of the model is shown (commented) in the scaffold, nested ones included.
    for model in (models.Entry, models.Film, models.Screening, models.Event, models.Image):
        for field in model.model_fields:
            found = re.search(rf"^#?\s*(# )?\s*-?\s*{field}:", text, re.M)
            assert found, f"{model.__name__}.{field}"
    # A showing's fields in its own example, behind a second '#' (the exception): a url or
    # a note left out there was found in the screening's lines.
    showing = text[text.index("#     # times:") : text.index("#     # status: cancelled")]
    for field in models.Showtime.model_fields:
        assert re.search(rf"^#\s*#\s*-?\s*{field}:", showing, re.M), f"Showtime.{field}"
    # Its examples' times at the publication's offset on their day (Los Angeles, March 8).
    assert "#     times: [2024-03-08T19:30:00-08:00]" in text
    # The section it defaults to is this publication's title (it said 'DoPe Press' in any).
    config = workspace / "dopemail.toml"
    config.write_text(
        config.read_text("utf-8").replace('title = "DoPe Press"', 'title = "Le Ciné: Paris"', 1)
    )
    assert run_cli("new", "entry", "Another", "--root", workspace)[0] == 0
    another = (workspace / "entries/another.md").read_text(encoding="utf-8")
    assert re.search(
        r'^# section: "Le Ciné: Paris" +# defaults to the publication\'s title$', another, re.M
    ), another
    code, output = run_cli("new", "entry", "Céline’s « Portrait »", "--root", workspace)
    assert code == 1 and (
        "entries/celines-portrait.md: an entry named 'celines-portrait' already exists" in output
    )
    assert "--slug celines-portrait-2" in output  # a second piece on the same film


def _uncommented(text: str, *fields: str) -> str:
    """``text`` with each of ``fields``' commented block ('# screenings:' and the lines under
    it) uncommented, as an editor does to fill one in."""
    lines, out, inside = text.split("\n"), [], False
    for line in lines:
        if any(line.startswith(f"# {field}:") for field in fields):
            inside = True
        elif inside and not line.startswith("#  "):
            inside = False
        out.append(line[2:] if inside or any(line.startswith(f"# {f}:") for f in fields) else line)
    return "\n".join(out)


def _sent_while_ready(workspace: Path, run_cli) -> None:
    """Issue 3 made ready, built and sent to the sample's readers through the outbox, and
    left 'ready' (not marked sent): the send ledger alone says it went out."""
    shutil.copy(REPO / "subscribers.csv", workspace / "subscribers.csv")
    issue = workspace / "issues/3-quiet-hours.md"
    issue.write_text(issue.read_text("utf-8").replace("status: draft", "status: ready"), "utf-8")
    built(run_cli, workspace)
    (workspace / "subscribers.csv").write_text(
        "email,name,status,subscribed_at,tags\nada@example.com,Ada,active,,\n", encoding="utf-8"
    )
    code, output = run_cli("send", "3", "--yes", "--no-progress", "--root", workspace)
    assert code == 0, output


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_examples_of_new_entry_are_not_published(
    workspace: Path, run_cli, language: str
) -> None:
    # Uncommented and left as they were, "Venue Name", "123 Street Name", "Name One" and
    # "One or two sentences for feeds..." were published without a word.
    config = workspace / "dopemail.toml"
    config.write_text(
        config.read_text("utf-8").replace('language = "en"', f'language = "{language}"')
    )
    assert run_cli("new", "entry", "Perfect Days", "--root", workspace)[0] == 0
    path = workspace / "entries/perfect-days.md"
    scaffold = path.read_text("utf-8")
    fields = ("summary", "slug", "id", "film", "screenings", "events")
    text = _uncommented(scaffold, *fields).replace("draft: true", "")
    path.write_text(text.replace(scaffold.rsplit("---\n", 1)[1], "The piece, written.\n"), "utf-8")
    code, output = run_cli("check", "--root", workspace)
    assert code == 1, output
    lines = text.split("\n")
    told = re.findall(
        r"^entries/perfect-days\.md:(\d+): (\S+): '(.+)' is the example", output, re.M
    )
    assert {field for _, field, _ in told} == {
        "summary",
        # The page's address and the feed id, never to change once published; the film's
        # example title, credits and distributor (the review found them published).
        "slug",
        "id",
        "film.title",
        "film.original_title",
        "film.directors[1]",
        "film.writers[1]",
        "film.cast[1].name",
        "film.cast[1].role",
        "film.based_on.title",
        "film.based_on.author",
        "film.distributor",
        "screenings[1].venue",
        "screenings[1].address",
        "screenings[1].url",
        "events[1].participants[1]",
        "events[1].participants[2]",
        "events[1].moderator",
        "events[1].video",
        "events[1].venue",
        "events[1].address",
        "events[1].url",
    }, output
    for line, _, value in told:
        assert value in lines[int(line) - 1], (line, value)  # told at its own line
    # A draft holds them as long as it likes; so does the entry once they are replaced.
    path.write_text(text.replace("\ntags:", "\ndraft: true\ntags:", 1), "utf-8")
    assert run_cli("check", "--root", workspace)[0] == 0
    # Its words replaced, the film's facts left as the scaffold wrote them (2024, 105
    # minutes, France, French, a novel of 1987) were published as the film's: warned of,
    # as each is one a real film may have.
    for _, _, value in told:
        real = "https://cinema.example/real" if value.startswith("https:") else "Real"
        real = "perfect-days" if value == "my-film" else real
        text = re.sub(rf": {re.escape(value)}( +#.*)?$", f": {real}", text, flags=re.M)
        text = text.replace(f"[{value}]", "[Real]")
        text = text.replace(f"[{value}, ", "[Real, ").replace(f" {value}]", " Real]")
    text = text.replace(scaffold.rsplit("---\n", 1)[1], "The piece, written.\n")
    path.write_text(text.replace("\nid: tag:", "\n# "), "utf-8")
    code, output = run_cli("check", "--root", workspace)
    runtime = next(n for n, line in enumerate(text.split("\n"), 1) if "runtime: 105" in line)
    french = "français" if language == "fr" else "French"
    assert code == 0 and (
        f"entries/perfect-days.md:{runtime}: film: year: 2024, runtime: 105, countries: "
        f"[France], language: {french}, based_on.year: 1987 are the examples" in output
    ), output


def test_the_readme_s_example_entry_passes_check_as_written(workspace: Path, run_cli) -> None:
    # Copied as the README shows it, it was refused: its recording and alt text were the
    # scaffold's examples, which the README says a published entry may not keep.
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    at = readme.index("The front matter sits between two `---` lines")
    block = re.search(r"```markdown\n(.*?)```", readme[at:], re.S)
    assert block is not None and block.group(1).startswith("---\ntitle: ")
    (workspace / "entries/readme-example.md").write_text(block.group(1), "utf-8")
    code, output = run_cli("check", "--root", workspace)
    assert code == 0 and "readme-example.md:" not in output, output


def test_an_example_s_words_elsewhere_are_real_and_published(workspace: Path, run_cli) -> None:
    # 'Character' (Mike van Diem's film, 1997), a role 'Photographer', a tag: each stopped the
    # build as "the example 'dopemail new' wrote", which they are only in their own fields.
    entry = workspace / "entries/zz-character.md"
    entry.write_text(
        "---\ntitle: Character\npublished: 2024-03-01T09:00:00-08:00\n"
        "tags: [documentary, Photographer]\nfilm:\n  title: Character\n"
        "  original_title: Karakter\n  year: 1997\n  directors: [Mike van Diem]\n"
        "  cast:\n    - name: Victor Löw\n      role: Photographer\n---\nThe piece.\n",
        "utf-8",
    )
    code, output = run_cli("check", "--root", workspace)
    assert code == 0 and "is the example" not in output, output
    # In its own field, the example is told.
    text = entry.read_text("utf-8").replace("role: Photographer", "role: Character")
    entry.write_text(text, "utf-8")
    code, output = run_cli("check", "--root", workspace)
    assert code == 1 and "film.cast[1].role: 'Character' is the example" in output, output


def test_new_entry_takes_the_kind_of_piece(workspace: Path, run_cli) -> None:
    # Every scaffold said 'review': a news piece or an interview was one to correct by hand.
    from typing import get_args

    from dopemail.cli import ENTRY_KINDS

    assert get_args(models.EntryKind) == ENTRY_KINDS
    code, output = run_cli("new", "entry", "Cannes opens", "--kind", "news", "--root", workspace)
    assert code == 0, output
    text = (workspace / "entries/cannes-opens.md").read_text(encoding="utf-8")
    # Its comment stays where the review's is, listing the others.
    assert "\nkind: news                  # review, news, event," in text
    entry = next(e for e in load_workspace(workspace).entries if e.slug == "cannes-opens")
    assert entry.meta.kind == "news"
    # A scaffold copied into templates/ before it took the kind gets it all the same.
    (workspace / "templates").mkdir(exist_ok=True)
    (workspace / "templates/new_entry.md.j2").write_text(
        "---\ntitle: {{ title }}\nkind: review  # as copied\npublished: {{ published }}\n"
        "draft: true\n---\nWrite the piece here, in Markdown.\n",
        encoding="utf-8",
    )
    code, output = run_cli("new", "entry", "Talk", "--kind", "interview", "--root", workspace)
    assert code == 0, output
    text = (workspace / "entries/talk.md").read_text(encoding="utf-8")
    assert "\nkind: interview  # as copied\n" in text
    # A scaffold writing its kind in quotes: left as it is, or given the kind asked for (it
    # became 'kind: review"review"').
    (workspace / "templates/new_entry.md.j2").write_text(
        '---\ntitle: {{ title }}\nkind: "review"  # as copied\npublished: {{ published }}\n'
        "draft: true\n---\nWrite the piece here, in Markdown.\n",
        encoding="utf-8",
    )
    for name, kind, written in (("Quoted", "review", '"review"'), ("News", "news", "news")):
        code, output = run_cli("new", "entry", name, "--kind", kind, "--root", workspace)
        assert code == 0, output
        text = (workspace / f"entries/{name.lower()}.md").read_text(encoding="utf-8")
        assert f"\nkind: {written}  # as copied\n" in text, text
    code, output = run_cli("new", "entry", "Other", "--kind", "essay", "--root", workspace)
    assert code == 2 and "'essay' is not one of 'review', 'news'," in output
    assert not (workspace / "entries/other.md").exists()
    # Its French word, as kind: reads it (the French scaffold lists them): it was refused.
    code, output = run_cli("new", "entry", "Critique", "--kind", "Critique", "--root", workspace)
    assert code == 0, output
    text = (workspace / "entries/critique.md").read_text(encoding="utf-8")
    assert '\nkind: "review"  # as copied\n' in text, text


def test_new_entry_needs_a_title(workspace: Path, run_cli) -> None:
    code, output = run_cli("new", "entry", " ", "--root", workspace)
    assert code == 1 and "a new entry needs a title" in output
    # A title with nothing to name the file by: 'untitled.md' every time, before --slug.
    code, output = run_cli("new", "entry", "東京物語", "--root", workspace)
    assert code == 1 and "gives no file name (it has no Latin letters or digits)" in output
    assert 'dopemail new entry "東京物語" --slug a-name' in output
    assert not (workspace / "entries/untitled.md").exists()
    code, output = run_cli("new", "entry", "東京物語", "--slug", "Tokyo Story", "--root", workspace)
    assert code == 1 and "--slug 'Tokyo Story' is not a slug" in output
    code, output = run_cli("new", "entry", "東京物語", "--slug", "tokyo-story", "--root", workspace)
    assert code == 0 and "wrote entries/tokyo-story.md" in output
    entry = next(e for e in load_workspace(workspace).entries if e.slug == "tokyo-story")
    assert entry.meta.title == "東京物語"


def test_new_refuses_a_title_with_a_control_character(workspace: Path, run_cli) -> None:
    # 'VT\x0bhere' was written 'title: "VT\\u000bhere"', which check then refused ("remove
    # the escape") in the file new had just made.
    code, output = run_cli("new", "entry", "VT\x0bhere", "--root", workspace)
    assert code == 1, output
    assert (
        "the title 'VT\\u000bhere' holds an invisible control character, U+000B, at character 3"
        in output
    ), output
    assert 'hint: type the title without it: dopemail new entry "VT here"' in output
    assert not (workspace / "entries/vt-here.md").exists()
    code, output = run_cli("new", "issue", "Sub\x0cject", "--root", workspace)
    assert code == 1 and "U+000C, at character 4" in output, output
    assert not list((workspace / "issues").glob("*-sub*.md"))
    # The fix, followed: a valid entry.
    code, output = run_cli("new", "entry", "VT here", "--root", workspace)
    assert code == 0 and "wrote entries/vt-here.md" in output
    assert run_cli("check", "--root", workspace)[0] == 0


def test_a_long_title_or_subject_makes_a_short_slug(workspace: Path, run_cli) -> None:
    # A 175-character headline made a file name the system refused, with a traceback.
    title = "A Very Long Title That Goes On " * 6 + "and Ends Here"
    code, output = run_cli("new", "entry", title, "--root", workspace)
    assert code == 0, output
    slug = "a-very-long-title-that-goes-on-a-very-long-title-that-goes"  # 'on' would be 61
    assert len(slug) <= 60 and f"wrote entries/{slug}.md" in output
    entry = next(e for e in load_workspace(workspace).entries if e.slug == slug)
    assert entry.meta.title == title  # the title itself is kept whole
    code, output = run_cli("new", "issue", title, "--root", workspace)
    assert code == 0 and re.search(rf"wrote issues/\d+-{slug}\.md", output), output
    code, output = run_cli("new", "entry", "X", "--slug", "x" * 61, "--root", workspace)
    assert code == 1 and "--slug is 61 characters long" in output and "Traceback" not in output


def test_a_title_s_letters_without_accents_are_spelt_out_in_its_slug(
    workspace: Path, run_cli
) -> None:
    # Œ, æ, ß, ø, ł, þ have no decomposition to ASCII: "Œdipe roi" was entries/dipe-roi.md,
    # an address kept for good once published.
    for title, slug in (
        ("Œdipe roi", "oedipe-roi"),
        ("Le cœur régulier", "le-coeur-regulier"),
        ("Straße", "strasse"),
        ("Ødegaard på Øya", "odegaard-pa-oya"),
        ("Þór", "thor"),
        ("Łódź", "lodz"),
        # French elision parts its words ('larmee' read as one); English apostrophes do not.
        ("L’Armée des ombres", "l-armee-des-ombres"),
        ("Jusqu’à la garde", "jusqu-a-la-garde"),
        ("Don’t Look Now", "dont-look-now"),
        ("Céline's Portrait", "celines-portrait"),
        ("L‘Argent", "l-argent"),  # the apostrophe a word processor turned the wrong way
        ("Lʼarmée", "l-armee"),
    ):
        code, output = run_cli("new", "entry", title, "--root", workspace)
        assert code == 0 and f"wrote entries/{slug}.md" in output, output
    code, output = run_cli("new", "issue", "L’œuvre de Breillat", "--root", workspace)
    assert code == 0 and re.search(r"wrote issues/\d+-l-oeuvre-de-breillat\.md", output), output


def test_the_scaffold_s_placeholder_is_not_published(workspace: Path, run_cli) -> None:
    # An entry taken out of draft, or an issue marked ready, with "Write the piece here"
    # still in it went to the feeds and the list without a word.
    run_cli("new", "entry", "Placeholder", "--root", workspace)
    path = workspace / "entries/placeholder.md"
    text = path.read_text(encoding="utf-8")
    assert run_cli("check", "--root", workspace)[0] == 0  # a draft may hold it
    path.write_text(text.replace("draft: true", "draft: false"), encoding="utf-8")
    line = text.split("\n").index("Write the piece here, in Markdown.") + 1
    code, output = run_cli("check", "--root", workspace)
    assert (
        code == 1
        and (
            f"entries/placeholder.md:{line}: the text still holds the sentence 'dopemail new' put "
            "there: 'Write the piece here, in Markdown.'"
        )
        in output
    )
    assert "put back 'draft: true'" in output
    path.write_text(text.replace("Write the piece here, in Markdown.", "A real piece."), "utf-8")
    code, output = run_cli("new", "issue", "Ready or not", "--root", workspace)
    (issue,) = (workspace / "issues").glob("*-ready-or-not.md")
    assert run_cli("check", "--root", workspace)[0] == 0, "a draft issue may hold it"
    source = issue.read_text(encoding="utf-8")
    issue.write_text(re.sub(r"status: draft", "status: ready", source), encoding="utf-8")
    code, output = run_cli("check", "--root", workspace)
    line = next(n for n, t in enumerate(source.split("\n"), 1) if t.startswith("Write the intro"))
    assert code == 1 and f"{issue.relative_to(workspace)}:{line}: the text still holds" in output
    assert "set 'status: draft'" in output
    # One sent went out as it was: nothing to fix in it now, and the archive still builds.
    issue.write_text(re.sub(r"status: draft", "status: sent", source), encoding="utf-8")
    code, output = run_cli("check", "--root", workspace)
    assert code == 0, output


def test_the_scaffold_s_placeholder_is_found_inside_a_paragraph(workspace: Path, run_cli) -> None:
    # Only a line holding the sentence alone was caught.
    run_cli("new", "entry", "Placeholder", "--root", workspace)
    path = workspace / "entries/placeholder.md"
    text = path.read_text(encoding="utf-8").replace("draft: true", "draft: false")
    text = text.replace(
        "Write the piece here, in Markdown.",
        'Triet <em>again</em> Write the piece here, in Markdown. "more".',
    )
    path.write_text(text, encoding="utf-8")
    code, output = run_cli("check", "--root", workspace)
    assert code == 1 and "the text still holds the sentence 'dopemail new' put there" in output


def test_the_scaffold_s_placeholder_preheader_is_not_sent(workspace: Path, run_cli) -> None:
    # With every entry in an issue already, `new issue` writes a sentence to replace as the
    # preheader; an issue marked ready with it passed the checks, and inboxes would have shown
    # "One sentence on what this issue brings." after the subject.
    run_cli("new", "issue", "Everything left", "--root", workspace)
    code, output = run_cli("new", "issue", "Nothing left", "--root", workspace)
    assert code == 0, output
    (issue,) = (workspace / "issues").glob("*-nothing-left.md")
    source = issue.read_text(encoding="utf-8")
    assert 'preheader: "One sentence on what this issue brings."' in source
    source = re.sub(r"(?m)^Write the intro.*$", "A real intro.", source)
    source = source.replace("status: draft", "status: ready")
    source = re.sub(r"(?m)^  \[\].*$", "  - quiet-hours", source)
    issue.write_text(source, encoding="utf-8")
    line = next(n for n, t in enumerate(source.split("\n"), 1) if t.startswith("preheader:"))
    code, output = run_cli("check", "--root", workspace)
    where = f"{issue.relative_to(workspace)}:{line}"
    assert code == 1 and f"{where}: the preheader is still the sentence 'dopemail new'" in output
    assert output.count("error") <= 2 and "write one sentence on what this issue brings" in output
    issue.write_text(source.replace("One sentence on", "Two films on"), encoding="utf-8")
    code, output = run_cli("check", "--root", workspace)
    assert code == 0, output


def test_a_preheader_longer_than_an_inbox_shows_is_warned_about(workspace: Path, run_cli) -> None:
    # `new issue` joined three whole titles, 185 characters, where its own comment asks for
    # one short sentence; no inbox shows that much after the subject.
    long = "A Film Whose Title Goes On and On Past Any Inbox's Preview Line"
    for name in ("one", "two", "three"):
        run_cli("new", "entry", f"{long} {name}", "--slug", f"long-{name}", "--root", workspace)
        path = workspace / f"entries/long-{name}.md"
        text = path.read_text(encoding="utf-8").replace("draft: true", "draft: false")
        path.write_text(text.replace("Write the piece here, in Markdown.", "A piece."), "utf-8")
    code, output = run_cli("new", "issue", "Long titles", "--root", workspace)
    assert code == 0, output
    (issue,) = (workspace / "issues").glob("*-long-titles.md")
    source = issue.read_text(encoding="utf-8")
    preheader = re.search(r'(?m)^preheader: "(.*?)"', source)
    assert preheader is not None
    # As many whole titles as fit (one, here: two would be 151 characters), and the others
    # said to be there.
    assert re.fullmatch(f"In this issue: {long} (one|two|three), …", preheader.group(1))
    # Written longer by hand: said, and still built.
    longer = preheader.group(1) + ", and two more films we liked as much, one of them twice"
    longer += " over, in a cinema by the sea"
    assert len(longer) > 150
    issue.write_text(source.replace(preheader.group(1), longer), encoding="utf-8")
    code, output = run_cli("build", "--root", workspace)
    assert code == 0, output
    # At its line in the issue file, as is a subject cut in every inbox.
    line = source.count("\n", 0, preheader.start()) + 1
    said = f"warning: issues/{issue.name}:{line}: issue "
    assert re.search(f"{re.escape(said)}\\d+: the preheader is {len(longer)} characters", output)
    subject = re.search(r"(?m)^subject: (.*)$", source)
    assert subject is not None and "subject is" not in output
    line = source.count("\n", 0, subject.start()) + 1
    words = "Long titles, and what they say of the films they name when no inbox shows them whole"
    issue.write_text(source.replace(subject.group(0), f"subject: {words}"), encoding="utf-8")
    code, output = run_cli("build", "--root", workspace)
    assert code == 0, output
    said = f"warning: issues/{issue.name}:{line}: issue "
    assert re.search(f"{re.escape(said)}\\d+: the subject is {len(words)} characters", output)
    # Once sent, the words are in readers' inboxes: not warned of again at every build.
    sent = issue.read_text(encoding="utf-8").replace("status: draft", "status: sent", 1)
    issue.write_text(sent, encoding="utf-8")
    code, output = run_cli("build", "--root", workspace)
    assert code == 0 and "the subject is" not in output, output


@pytest.mark.parametrize("address", ["Los Angeles, CA, USA", "USA"])
def test_a_postal_address_with_no_number_is_said_by_check_and_build(
    workspace: Path, run_cli, address: str
) -> None:
    # The law asks every newsletter for a postal address a letter would reach: a city and a
    # country alone went into every email's footer without a word.
    config = workspace / "dopemail.toml"
    lines = config.read_text(encoding="utf-8").split("\n")
    (at,) = [i for i, line in enumerate(lines) if line.startswith("postal_address = ")]
    lines[at] = f'postal_address = "{address}"'
    config.write_text("\n".join(lines), encoding="utf-8")
    for command in ("check", "build"):
        code, output = run_cli(command, "--root", workspace)
        assert code == 0, output
        said = f"warning: dopemail.toml:{at + 1}: [sender] postal_address '{address}' has no number"
        assert said in output, output
    lines[at] = 'postal_address = "DoPe Press, BP 12, Paris, France"'  # a P.O. box's
    config.write_text("\n".join(lines), encoding="utf-8")
    code, output = run_cli("check", "--root", workspace)
    assert code == 0 and "postal_address" not in output, output


def test_without_a_postal_address_it_builds_and_the_send_refuses(workspace: Path, run_cli) -> None:
    # A new publication's settings leave it out until the editor has one: it builds (told,
    # once it has an issue), and no email goes out without it. A publication with no issue
    # is told neither this nor of its unsubscribe page: it has no email yet.
    config = workspace / "dopemail.toml"
    config.write_text(re.sub(r"(?m)^postal_address = .*\n", "", config.read_text("utf-8")), "utf-8")
    code, output = run_cli("build", "--root", workspace)
    assert code == 0, output
    assert "[sender] postal_address is not set: the emails carry none" in output
    assert "8033 Sunset" not in (
        workspace / "site/issues/1-strangers-and-varda/email.txt"
    ).read_text("utf-8")
    code, output = run_cli("send", "1", "--test", "ed@example.com", "--root", workspace)
    assert code == 1 and "Traceback" not in output, output
    assert re.search(r"dopemail\.toml:\d+: \[sender\] postal_address is not set: every", output)


def test_a_new_publication_s_dry_run_says_what_the_send_needs_and_test_copies_refuse_it(
    workspace: Path, run_cli
) -> None:
    # With neither a postal address nor an unsubscribe page (a new publication's settings),
    # the dry run stopped on the first, then on the second once it was set: the plan was never
    # shown, and the hint gave DoPe Press's own address to copy.
    config = workspace / "dopemail.toml"
    text = config.read_text("utf-8")
    kept = [t for t in text.split("\n") if not t.startswith(("postal_address", "unsubscribe_url"))]
    config.write_text("\n".join(kept), "utf-8")
    line = kept.index("[sender]") + 1
    (workspace / "subscribers.csv").write_text(
        "email,name,status,subscribed_at,tags\nada@example.com,Ada,subscribed,,\n", "utf-8"
    )
    built(run_cli, workspace)
    code, output = run_cli("send", "1", "--as-built", "--root", workspace)
    one = " ".join(output.split())
    assert code == 0, output
    for setting in ("postal_address", "unsubscribe_url"):
        told = f"dopemail.toml:{line}: [sender] {setting} is not set"
        assert f"{told}" in one and "--yes and --test will refuse it" in one, output
    assert 'unsubscribe_url = "https://dopepress.example.com/unsubscribe"' in one
    # What an address holds is said, and no address to copy (a sample's was pasted).
    assert "write the address a letter would reach" in one, output
    assert "Sunset" not in output and 'postal_address = "' not in one
    code, output = run_cli("send", "1", "--test", "ed@example.com", "--root", workspace)
    assert code == 1 and "Traceback" not in output, output
    assert "postal_address is not set" in output and "unsubscribe_url is not set" in output
    assert not (workspace / "outbox").exists()


def test_what_the_sender_would_refuse_is_said_by_check_and_build(workspace: Path, run_cli) -> None:
    # With no unsubscribe_url, check and build passed and the emails carried a placeholder
    # link: the send alone said so, even its dry run stopping on it.
    config = workspace / "dopemail.toml"
    text = config.read_text(encoding="utf-8")
    kept = [line for line in text.split("\n") if not line.startswith("unsubscribe_url")]
    config.write_text("\n".join(kept), encoding="utf-8")
    line = kept.index("[sender]") + 1
    for command in ("check", "build"):
        code, output = run_cli(command, "--root", workspace)
        assert code == 0, output
        assert f"dopemail.toml:{line}: [sender] unsubscribe_url is not set" in output, output
    # A ready issue dated ahead (a year typed wrong) is in the archive at once: said.
    issue = workspace / "issues/3-quiet-hours.md"
    source = issue.read_text(encoding="utf-8")
    date = re.search(r"(?m)^date: (\S+)", source)
    assert date is not None
    ahead = source.replace(date.group(1), "2031-12-01T08:00:00-08:00", 1)
    issue.write_text(ahead.replace("status: draft", "status: ready", 1), encoding="utf-8")
    code, output = run_cli("check", "--root", workspace)
    number = source.split("\n").index(date.group(0)) + 1
    assert code == 0 and f"issues/3-quiet-hours.md:{number}: 'date' is 2031-12-01" in output, output
    assert "keep 'status: draft' until it goes out" in output
    # Marked sent with that date: it went out already, only the date can be wrong (it was
    # told to keep 'status: draft' until it goes out).
    issue.write_text(ahead.replace("status: draft", "status: sent", 1), encoding="utf-8")
    code, output = run_cli("check", "--root", workspace)
    assert code == 0 and "'date' is 2031-12-01, in the future, and the issue is 'sent'" in output
    assert "correct 'date:' to the day it went out" in output
    assert "keep 'status: draft'" not in output


def test_an_entry_published_in_the_future_is_warned_about(workspace: Path, run_cli) -> None:
    # dopemail has no schedule: an entry dated 2030 was on the site and in the feeds at once,
    # without a word.
    path = workspace / "entries/quiet-hours.md"
    text = path.read_text(encoding="utf-8")
    published = re.search(r"(?m)^published: (\S+)", text)
    assert published is not None
    path.write_text(text.replace(published.group(1), "2030-05-01T09:00:00-07:00", 1), "utf-8")
    line = text.split("\n").index(published.group(0)) + 1
    for command in ("check", "build"):
        code, output = run_cli(command, "--root", workspace)
        assert code == 0, output
        assert (
            f"entries/quiet-hours.md:{line}: 'published' is 2030-05-01, in the future: the entry "
            "is on the site and in the feeds from this build on" in output
        ), output
    assert "2030-05-01" in (workspace / "feeds/atom.xml").read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    code, output = run_cli("check", "--root", workspace)
    assert code == 0 and "in the future" not in output


def _told_by_check_and_build(run_cli, workspace: Path, warning: str) -> list[str]:  # type: ignore[no-untyped-def]
    """What ``check`` and then ``build`` print, each of which must succeed and give
    ``warning``."""
    outputs = []
    for command in ("check", "build"):
        code, output = run_cli(command, "--root", workspace)
        assert code == 0 and warning in output, output
        outputs.append(output)
    return outputs


def test_an_issue_dated_before_an_earlier_issue_is_warned_about(workspace: Path, run_cli) -> None:
    # 2023 typed for 2024: issue 3, ready, listed before issues 1 and 2 in the archive and
    # the newsletter's feed, and check said ok.
    path = workspace / "issues/3-quiet-hours.md"
    text = path.read_text(encoding="utf-8")
    assert "date: 2024-11-15T08:00:00-08:00" in text and "status: draft" in text
    dated = text.replace("date: 2024-11-15", "date: 2023-11-15", 1)
    path.write_text(dated.replace("status: draft", "status: ready", 1), "utf-8")
    warning = (
        "issues/3-quiet-hours.md:4: issue 3 is dated 2023-11-15, before issue 2 (2024-07-19): "
        "the archive and the newsletter's feed list it before that one"
    )
    for output in _told_by_check_and_build(run_cli, workspace, warning):
        assert output.count("before issue") == 1, output
    # A draft is in neither the archive nor the feed (told once ready); a sent one went out.
    for status in ("draft", "sent"):
        path.write_text(dated.replace("status: draft", f"status: {status}", 1), "utf-8")
        code, output = run_cli("check", "--root", workspace)
        assert code == 0 and "before issue" not in output, output
    path.write_text(text.replace("status: draft", "status: ready", 1), "utf-8")
    code, output = run_cli("check", "--root", workspace)
    assert code == 0 and "before issue" not in output, output


def test_an_entry_a_sent_issue_led_with_is_warned_of_in_the_next(workspace: Path, run_cli) -> None:
    # Issue 3 leading with the film issue 1 led with: its readers got it again as new, and
    # check said ok. Not in a section (a reminder, on purpose), nor in a sent issue.
    path = workspace / "issues/3-quiet-hours.md"
    text = path.read_text(encoding="utf-8")
    assert "entries:\n  - quiet-hours\n" in text
    again = text.replace("  - quiet-hours\n", "  - quiet-hours\n  - all-of-us-strangers\n", 1)
    path.write_text(again, "utf-8")
    warning = (
        "issues/3-quiet-hours.md:9: entry 'all-of-us-strangers' went out in issue 1 already, "
        "among its main entries: its readers get it again as new"
    )
    _told_by_check_and_build(run_cli, workspace, warning)
    reminder = text.replace(
        "entries:\n  - quiet-hours\n",
        "entries:\n  - quiet-hours\nsections:\n  - title: Still playing\n    entries:\n"
        "      - all-of-us-strangers\n",
        1,
    )
    for written in (reminder, again.replace("status: draft", "status: sent", 1)):
        path.write_text(written, "utf-8")
        code, output = run_cli("check", "--root", workspace)
        assert code == 0 and "went out in issue" not in output, output


@pytest.mark.parametrize(
    ("date", "abroad", "told"),
    [
        ("04:00:00", True, False),
        ("15:00:00", True, True),
        # At home, over at the issue's own clock: a morning issue is told (a second review
        # found a bound at the clock furthest behind on Earth silenced it until 1 PM).
        ("04:00:00", False, True),
    ],
)
def test_screenings_are_over_once_their_last_day_has_ended_at_the_venue_s_clock_too(
    workspace: Path, run_cli, date: str, abroad: bool, told: bool
) -> None:
    # A Paris publication's issue of 4 AM on May 10 was told the Salt Orchard's screenings in
    # Los Angeles were over: their last day, May 9, ends at 9 AM on the 10th in Paris.
    config = workspace / "dopemail.toml"
    source = config.read_text("utf-8")
    config.write_text(source.replace("America/Los_Angeles", "Europe/Paris"), "utf-8")
    entry = workspace / "entries/the-salt-orchard-qa.md"  # its venues in the United States
    text = entry.read_text("utf-8")
    # At home: without their region too, a state of another country's, which places them
    # there (at Los Angeles's clock) with their country or without it.
    there = "    region: CA\n    country: US\n" if abroad else ""
    entry.write_text(text.replace("    region: CA\n", there))
    path = workspace / "issues/3-quiet-hours.md"
    text = re.sub(r"(?m)^date: .*$", f"date: 2024-05-10T{date}+02:00", path.read_text("utf-8"))
    path.write_text(text.replace("  - quiet-hours\n", "  - the-salt-orchard-qa\n", 1), "utf-8")
    code, output = run_cli("check", "--root", workspace)
    said = "entry 'the-salt-orchard-qa': its screenings and events are all over"
    assert (said in output) is told, output


def test_an_issue_gathering_screenings_all_over_by_its_date_is_warned_about(
    workspace: Path, run_cli
) -> None:
    # An issue dated July 19 presented an April Q&A and a June festival, times and ticket
    # links, in the future tense, without a word. Said of an issue not sent yet, at the line
    # that gathers the entry; not of an entry that streams or has a recording to watch.
    path = workspace / "issues/3-quiet-hours.md"
    text = path.read_text(encoding="utf-8")
    gathered = "  - quiet-hours\n  - the-salt-orchard-qa\n  - all-of-us-strangers\n"
    path.write_text(text.replace("  - quiet-hours\n", gathered, 1), "utf-8")
    line = path.read_text(encoding="utf-8").split("\n").index("  - the-salt-orchard-qa") + 1
    warning = (
        f"issues/3-quiet-hours.md:{line}: entry 'the-salt-orchard-qa': its screenings and "
        "events are all over by this issue's date, 2024-11-15 (the last on 2024-05-09), and "
        "the email gives their times and ticket links"
    )
    for output in _told_by_check_and_build(run_cli, workspace, warning):
        assert output.count("are all over by this issue's date") == 1, output
    # Gathered under a section, the same, at its line there.
    in_section = text.replace(
        "entries:\n  - quiet-hours\n",
        "entries:\n  - quiet-hours\nsections:\n  - title: Still playing\n    entries:\n"
        "      - the-salt-orchard-qa\n",
        1,
    )
    path.write_text(in_section, "utf-8")
    line = in_section.split("\n").index("      - the-salt-orchard-qa") + 1
    code, output = run_cli("check", "--root", workspace)
    assert code == 0 and f"issues/3-quiet-hours.md:{line}: entry 'the-salt-orchard-qa'" in output
    path.write_text(text.replace("  - quiet-hours\n", gathered, 1), "utf-8")
    # Dated before the Q&A's run ends: nothing to say; nor on its last day in the
    # publication's zone (Los Angeles), though the next one already where the date was typed.
    # Sent: gone out as it was.
    dated = path.read_text(encoding="utf-8")
    for day in ("2024-05-09", "2024-05-10T01:00:00+02:00"):
        path.write_text(dated.replace("date: 2024-11-15T08:00:00-08:00", f"date: {day}"), "utf-8")
        code, output = run_cli("check", "--root", workspace)
        assert code == 0 and "all over by" not in output, (day, output)
    path.write_text(dated.replace("status: draft", "status: sent"), "utf-8")
    code, output = run_cli("check", "--root", workspace)
    assert code == 0 and "all over by" not in output, output


def test_a_showtime_outside_its_venues_days_is_warned_about(workspace: Path, run_cli) -> None:
    # A year typed wrong: the page showed "Sun, January 12" beside "Fri, January 12" (no
    # year), and check said ok.
    path = workspace / "entries/harbor-lights-restoration.md"
    text = path.read_text(encoding="utf-8")
    typo = text.replace("      - 2025-01-18T15:00:00-08:00", "      - 2026-01-18T15:00:00-08:00")
    assert typo != text
    path.write_text(typo, encoding="utf-8")
    line = typo.split("\n").index("      - 2026-01-18T15:00:00-08:00") + 1
    for command in ("check", "build"):
        code, output = run_cli(command, "--root", workspace)
        assert code == 0, output
        assert (
            f"entries/harbor-lights-restoration.md:{line}: the showtime 2026-01-18T15:00:00-08:00 "
            "at Highland Park Palace Theatre is not among the days it plays there (2025-01-17 "
            "to 2025-01-18)" in output
        ), output
        assert output.count("the showtime 20") == 1
    # Built again with the entry taken from the cache (another one edited): still said.
    other = workspace / "entries/quiet-hours.md"
    other.write_text(other.read_text(encoding="utf-8") + "\nOne more line.\n", "utf-8")
    output = built(run_cli, workspace)
    assert output.count("the showtime 2026-01-18T15:00:00-08:00") == 1, output
    # Without the screening's days, the run's: none here; the typo is then told by the
    # showtimes' order, both lines named.
    undated = typo.replace("    starts: 2025-01-17\n    ends: 2025-01-18\n", "")
    path.write_text(undated, "utf-8")
    code, output = run_cli("check", "--root", workspace)
    line = undated.split("\n").index("      - 2026-01-18T15:00:00-08:00") + 1
    assert code == 0 and output.count(": the showtime ") == 1, output
    assert (
        f"entries/harbor-lights-restoration.md:{line + 1}: the showtime 2025-01-18T19:30:00-08:00 "
        f"at Highland Park Palace Theatre is written below 2026-01-18T15:00:00-08:00 (line "
        f"{line}), a later one" in output
    ), output
    path.write_text(text, encoding="utf-8")
    code, output = run_cli("check", "--root", workspace)
    assert code == 0 and "the showtime" not in output


def test_a_page_a_build_removes_is_said_with_how_to_keep_its_address(
    workspace: Path, run_cli
) -> None:
    # A renamed entry's page went away in silence, with its feed id: links to it (and emails
    # that carried them) led nowhere.
    output = built(run_cli, workspace)
    assert "is gone" not in output, output
    old = workspace / "entries/sunny-vallejo-park-low-tide.md"
    renamed = workspace / "entries/low-tide.md"
    old.rename(renamed)
    output = built(run_cli, workspace)
    # Found renamed by the feed (its item gone, a new one at the same moment), it is told at
    # its file, with its feed id: "the page ... is gone" said neither (a rename told so in a
    # fresh clone alone, with no site/).
    assert (
        "warning: entries/low-tide.md: its address is new with this build, and the feed's "
        "item at https://dopepress.example.com/sunny-vallejo-park-low-tide/, published at the "
        "same moment, is gone: links to the old address lead nowhere, and feed readers show "
        "the entry again as new\n  hint: if it was renamed from sunny-vallejo-park-low-tide.md, "
        "set 'slug: sunny-vallejo-park-low-tide' in it to keep its address and feed id" in output
    ), output
    assert "is gone with this build" not in output, output
    text = renamed.read_text(encoding="utf-8")
    renamed.write_text(
        text.replace("---\n", "---\nslug: sunny-vallejo-park-low-tide\n", 1), "utf-8"
    )
    code, output = run_cli("build", "--root", workspace)
    # Back at its address. The page it had for a build went with it, in silence: its warning
    # said to set 'slug: low-tide', undoing what the hint had the editor do.
    assert code == 0 and "is gone" not in output and "slug: low-tide" not in output, output
    assert (workspace / "site/sunny-vallejo-park-low-tide/index.html").is_file()
    assert not (workspace / "site/low-tide").exists()


def test_a_draft_issue_renamed_is_not_told_unless_its_number_went_out(
    workspace: Path, run_cli
) -> None:
    # A draft's file renamed as its subject changed was told "the emails sent link to its
    # web version, and the newsletter's feed knows it by that address": no email or feed
    # gave a draft's address.
    built(run_cli, workspace)
    (workspace / "issues/3-quiet-hours.md").rename(workspace / "issues/3-quiet.md")
    output = built(run_cli, workspace)
    assert "is gone" not in output and "warning" not in output, output
    assert not (workspace / "site/issues/3-quiet-hours").exists()
    # Mailed, then set back to draft: its readers' emails link to the address it had.
    issue = workspace / "issues/3-quiet.md"
    draft = issue.read_text(encoding="utf-8")
    issue.write_text(draft.replace("status: draft", "status: ready", 1), encoding="utf-8")
    built(run_cli, workspace)
    (workspace / "subscribers.csv").write_text(
        "email,name,status,subscribed_at,tags\nada@example.com,Ada,active,,\n", encoding="utf-8"
    )
    code, output = run_cli("send", "3", "--yes", "--no-progress", "--root", workspace)
    assert code == 0, output
    issue.write_text(draft, encoding="utf-8")
    built(run_cli, workspace)
    issue.rename(workspace / "issues/3-quiet-nights.md")
    output = built(run_cli, workspace)
    assert (
        "warning: the page site/issues/3-quiet/index.html is gone with this build: links to "
        "its address (issues/3-quiet/) lead nowhere now\n  hint: if the issue's file was "
        "renamed, give it back its name (issues/3-quiet.md)" in output
    ), output


def test_a_renamed_issue_is_told_with_its_web_version_and_feed_id(workspace: Path, run_cli) -> None:
    # Its feed item's id is its web version's address: renamed, the newsletter's feed showed
    # it to readers again, and the warning spoke of the emails' links alone.
    built(run_cli, workspace)
    before = feedparser.parse((workspace / "feeds/issues.xml").read_bytes())
    old = workspace / "issues/2-summer-festivals.md"
    old.rename(workspace / "issues/2-summer.md")
    output = built(run_cli, workspace)
    assert (
        "warning: the page site/issues/2-summer-festivals/index.html is gone with this build: "
        "links to its address (issues/2-summer-festivals/) lead nowhere now\n  hint: if the "
        "issue's file was renamed, give it back its name (issues/2-summer-festivals.md): the "
        "emails sent link to its web version, and the newsletter's feed knows it by that "
        "address" in output
    ), output
    after = feedparser.parse((workspace / "feeds/issues.xml").read_bytes())
    ids = {e.id for e in before.entries} ^ {e.id for e in after.entries}
    assert ids == {
        "https://dopepress.example.com/issues/2-summer-festivals/",
        "https://dopepress.example.com/issues/2-summer/",
    }


def test_a_picture_a_sent_email_shows_is_told_when_it_leaves_the_site(
    workspace: Path, run_cli, tmp_path: Path
) -> None:
    # A picture taken out of an entry left the site in silence but for "issue 1 changed":
    # the sent email loads it from the site, and rsync --delete deleted it there.
    from test_build import _readme_rsync

    built(run_cli, workspace)
    server = tmp_path / "www"
    shutil.copytree(workspace / "site", server)  # online as the last build made it
    url = "https://dopepress.example.com/media/varda-in-los-angeles/02.jpg"
    assert url in (workspace / "site/issues/1-strangers-and-varda/email.html").read_text("utf-8")
    entry = workspace / "entries/varda-in-los-angeles.md"
    text = entry.read_text(encoding="utf-8")
    start = text.index("  - src: media/varda-in-los-angeles/02.jpg")
    entry.write_text(text[:start] + text[text.index("rights:", start) :], "utf-8")
    picture = workspace / "media/varda-in-los-angeles/02.jpg"
    picture.unlink()
    told = (
        f"the sent email of issue 1 shows it from its address ({url}): once the site is copied "
        "online (rsync --delete), readers who open that email see it broken\n  hint: if it was "
        "renamed or removed by mistake, put it back as media/varda-in-los-angeles/02.jpg and in "
        "the entry (or text) that showed it: the build publishes only the pictures a page "
        "shows, not every file in media/; if it must leave the page, keep it online for those "
        "emails: add --filter 'P /media/varda-in-los-angeles/02.jpg' to the README's rsync of "
        "site/"
    )
    code, output = run_cli("check", "--root", workspace)
    assert (
        "warning: the picture site/media/varda-in-los-angeles/02.jpg would go with the next "
        "build, and " + told in output
    ), output
    from dopemail.build import build as build_only
    from dopemail.continuity import before_write

    result, _ = build_only(workspace, write=False)  # as the preview's index asks
    preview = [str(w) for w in before_write(result, pages=False)]
    assert any(told in warning for warning in preview), preview
    output = built(run_cli, workspace)
    assert (
        "warning: the picture site/media/varda-in-los-angeles/02.jpg is gone with this build, "
        "and " + told in output
    ), output
    # The hint followed: the README's copy of site/, given the filter, keeps it online.
    (server / "media/stray.jpg").write_bytes(b"gone")  # what --delete still deletes
    command = shlex.split(_readme_rsync()[0])
    command.insert(1, "--filter=P /media/varda-in-los-angeles/02.jpg")
    args = [a.replace("you@host:/var/www/dopepress/", f"{server}/") for a in command]
    subprocess.run(args, cwd=workspace, check=True, capture_output=True)
    assert (server / "media/varda-in-los-angeles/02.jpg").is_file()
    assert not (server / "media/stray.jpg").exists()
    # Kept in media/ alone, it is not published: the hint does not say that keeps it.
    shutil.copy(REPO / "media/varda-in-los-angeles/02.jpg", picture)
    built(run_cli, workspace)
    assert not (workspace / "site/media/varda-in-los-angeles/02.jpg").exists()
    # Renamed, a picture is told by its old name (the one the emails show).
    entry.write_text(text.replace("varda-in-los-angeles/01.jpg", "varda-in-los-angeles/wall.jpg"))
    (workspace / "media/varda-in-los-angeles/01.jpg").rename(picture.with_name("wall.jpg"))
    output = built(run_cli, workspace)
    assert "picture site/media/varda-in-los-angeles/01.jpg is gone" in output, output
    assert "picture site/media/varda-in-los-angeles/02.jpg" not in output, output


def test_the_rsync_rule_that_keeps_a_picture_online_is_its_name_alone(tmp_path: Path) -> None:
    # 'still[1].jpg' was protected as a class of characters (still1.jpg), and deleted; a
    # name with a quote left the shell waiting for the quote's end.
    from dopemail.continuity import rsync_protect

    site, server = tmp_path / "site", tmp_path / "www"
    (site / "media/a").mkdir(parents=True)
    (server / "media/a").mkdir(parents=True)
    kept = ["still[1].jpg", "l'été 3.jpg", "x*?.jpg", "back\\slash.jpg", "[\\].jpg", "a]b.jpg"]
    for name in [*kept, "still1.jpg", "xy.jpg"]:
        (server / "media/a" / name).write_bytes(b"online")
    rules = " ".join(f"--filter {rsync_protect(f'media/a/{name}')}" for name in kept)
    shell = f"rsync -a --delete {rules} {shlex.quote(str(site))}/ {shlex.quote(str(server))}/"
    subprocess.run(["bash", "-c", shell], check=True, capture_output=True, timeout=60)
    assert sorted(p.name for p in (server / "media/a").iterdir()) == sorted(kept)


def test_check_tells_ahead_what_the_next_build_would_remove_or_renumber(
    workspace: Path, run_cli
) -> None:
    # check said "ok" to a sent issue's file deleted and to a new base_url; build, run next,
    # told of them only once the issue's web page (linked from every email sent) was gone and
    # the feed ids changed. check now says it first, and writes nothing.
    built(run_cli, workspace)
    code, output = run_cli("check", "--root", workspace)
    assert code == 0 and "warning:" not in output, output
    outputs = {p: p.read_bytes() for p in (workspace / "site").rglob("*") if p.is_file()}
    (workspace / "issues/2-summer-festivals.md").unlink()
    config = workspace / "dopemail.toml"
    config.write_text(
        config.read_text().replace("https://dopepress.example.com", "https://dope.example.org")
    )
    code, output = run_cli("check", "--root", workspace)
    assert code == 0, output
    assert (
        "warning: the page site/issues/2-summer-festivals/index.html would go with the next "
        "build: links to its address (issues/2-summer-festivals/) lead nowhere then\n  hint: "
        "if the issue's file was renamed, give it back its name" in output
    ), output
    assert (
        "base_url is now https://dope.example.org/ (the last build's was "
        "https://dopepress.example.com/)" in output
    ), output
    assert {p: p.read_bytes() for p in (workspace / "site").rglob("*") if p.is_file()} == outputs


def _warnings(output: str) -> list[tuple[str, str]]:
    """Each warning printed: where (its file and line, if any) and its hint."""
    return re.findall(
        r"(?m)^warning: ((?:[\w./-]+\.(?:md|toml):(?:\d+:)? )?).*\n  hint: (.*)$", output
    )


def _set(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), "utf-8")


def _short_feeds(ws: Path) -> None:
    _set(ws / "dopemail.toml", "items = 50", "items = 3")


CHECK_AHEAD = {
    # Set before the build, the edit after it, what check then says of the next build.
    "sent-issue-changed": (
        None,
        lambda ws: _set(
            ws / "entries/all-of-us-strangers.md", "I’ve always said", "I have always said"
        ),
        "issue 1 was sent, and the next build would change its web version and its email: "
        "readers who open it from their email would see the new text",
    ),
    "new-feed-id": (
        None,
        lambda ws: _set(
            ws / "entries/quiet-hours.md", "2024-11-08T09:00:00-08:00", "2024-11-09T02:00:00+09:00"
        ),
        "its feed id would be tag:dopepress.example.com,2024-11-09:quiet-hours with the next "
        "build (it is tag:dopepress.example.com,2024-11-08:quiet-hours): feed readers would "
        "show the entry again as new, once",
    ),
    "sent-issue-made-a-draft": (
        None,
        lambda ws: _set(ws / "issues/1-strangers-and-varda.md", "status: sent", "status: draft"),
        "issue 1 was sent, and would be a draft with the next build: it would leave the "
        "newsletter's archive and its feed (feed readers that fetched it keep it), and its web "
        "version, which the emails link to, would be hidden from search engines",
    ),
    "published-too-old-for-the-feeds": (
        _short_feeds,
        lambda ws: _set(
            ws / "entries/harbor-lights-restoration.md",
            "draft: true\npublished: 2024-12-13T",
            "published: 2024-03-01T",
        ),
        "would be published with the next build, but no feed would carry it: the feeds hold "
        "the 3 newest entries",
    ),
}


@pytest.mark.parametrize("case", sorted(CHECK_AHEAD))
def test_check_tells_ahead_every_warning_the_next_build_gives(
    workspace: Path, run_cli, case: str
) -> None:
    # check told of the pages the next build would remove and of a new base_url, and said
    # nothing of a sent issue changed, feed ids made anew, an issue unlisted or an entry no
    # feed carries: build told those once the site was written. check tells them all now,
    # said of the next build, and writes nothing.
    setup, edit, ahead = CHECK_AHEAD[case]
    if setup is not None:
        setup(workspace)
    built(run_cli, workspace)
    edit(workspace)
    before = [snapshot(workspace / folder) for folder in ("site", "feeds")]
    state = snapshot(workspace / ".dopemail")
    code, checked = run_cli("check", "--root", workspace)
    assert code == 0 and ahead in checked, checked
    # The preview's index says it too, comparing only what readers hold (it lost the entry
    # no feed carries: its new page was not compared).
    from dopemail.build import build as build_only
    from dopemail.continuity import before_write

    result, _ = build_only(workspace, write=False)
    preview = [str(w) for w in before_write(result, pages=False)]
    assert any(ahead in told for told in preview), preview
    assert [snapshot(workspace / folder) for folder in ("site", "feeds")] == before
    assert snapshot(workspace / ".dopemail") == state, "check remembered something"
    told = built(run_cli, workspace)
    assert _warnings(told) and _warnings(checked) == _warnings(told), (checked, told)
    assert "next build" not in told, told
    # Built, it is said: check has nothing more to tell ahead.
    code, checked = run_cli("check", "--root", workspace)
    assert code == 0 and "next build" not in checked, checked


def test_an_issue_naming_a_renamed_entry_is_told_how_to_keep_its_address(
    workspace: Path, run_cli
) -> None:
    # The hint was to name the new file in the issue: that moves the page the sent emails
    # link to, and gives the entry a new feed id.
    output = built(run_cli, workspace)
    (workspace / "entries/quiet-hours.md").rename(workspace / "entries/quiet-hours-review.md")
    code, output = run_cli("check", "--root", workspace)
    assert code == 1
    assert (
        "unknown entry 'quiet-hours' (did you mean 'quiet-hours-review'?)\n  hint: if "
        "entries/quiet-hours-review.md was renamed from quiet-hours.md, set 'slug: quiet-hours' "
        "in it to keep its address and feed id; else use the slug of a file in entries/"
    ) in output, output
    # A slug mistyped names no page: no rename to suggest.
    issue = workspace / "issues/1-strangers-and-varda.md"
    text = issue.read_text(encoding="utf-8")
    issue.write_text(text.replace("  - all-of-us-strangers\n", "  - all-of-us-stranger\n"), "utf-8")
    code, output = run_cli("check", "--root", workspace)
    assert code == 1 and "did you mean 'all-of-us-strangers'?)\n  hint: use the slug" in output


def test_of_two_pieces_of_one_title_the_one_renamed_is_named_by_the_feed(
    workspace: Path, run_cli
) -> None:
    # 'festival-notes' renamed 'festival-notes-one': the hint named the nearest name,
    # festival-notes-2, the other piece of that title, and following it gave that piece the
    # renamed one's address and feed id.
    text = (workspace / "entries/quiet-hours.md").read_text("utf-8")
    for slug in ("festival-notes", "festival-notes-2"):
        (workspace / f"entries/{slug}.md").write_text(text, "utf-8")
    issue = workspace / "issues/3-quiet-hours.md"
    issue.write_text(
        issue.read_text("utf-8").replace(
            "  - quiet-hours\n", "  - quiet-hours\n  - festival-notes-2\n  - festival-notes\n"
        ),
        "utf-8",
    )
    built(run_cli, workspace)
    (workspace / "entries/festival-notes.md").rename(workspace / "entries/festival-notes-one.md")
    code, output = run_cli("check", "--root", workspace)
    assert (
        code == 1
        and (
            "unknown entry 'festival-notes' (did you mean 'festival-notes-one'?)\n  hint: if "
            "entries/festival-notes-one.md was renamed from festival-notes.md, set "
            "'slug: festival-notes' in it"
        )
        in output
    ), output


def test_an_entry_renamed_is_known_by_its_title_in_italics_as_the_feed_writes_it(
    workspace: Path, run_cli
) -> None:
    # The feed's title is the words alone: a title in italics matched no item, and a file
    # renamed with its time corrected was not found.
    entry = workspace / "entries/varda-in-los-angeles.md"
    text = entry.read_text("utf-8")
    entry.write_text(text.replace('title: "Varda in L.A.:', 'title: "*Varda* in L.A.:', 1))
    built(run_cli, workspace)
    moved = workspace / "entries/varda-la.md"
    entry.rename(moved)
    published = re.search(r"(?m)^published: (\S+)$", text).group(1)
    later = published.replace(":00-", ":01-", 1)
    assert later != published
    moved.write_text(moved.read_text("utf-8").replace(published, later, 1), "utf-8")
    code, output = run_cli("check", "--root", workspace)
    assert (
        code == 1
        and (
            "if entries/varda-la.md was renamed from varda-in-los-angeles.md, set "
            "'slug: varda-in-los-angeles' in it"
        )
        in output
    ), output


def test_a_sent_issue_naming_a_renamed_entry_is_told_to_keep_the_address_its_emails_link_to(
    workspace: Path, run_cli
) -> None:
    # Renamed past 'did you mean', the entry of a sent issue was told "use the slug of a file
    # in entries/": written in the issue, the sent emails' link to its page led nowhere.
    built(run_cli, workspace)
    entry = workspace / "entries/varda-la.md"
    (workspace / "entries/varda-in-los-angeles.md").rename(entry)
    told = (
        "issues/1-strangers-and-varda.md:12: unknown entry 'varda-in-los-angeles'\n  hint: this "
        "issue was sent, and its emails link to "
        "https://dopepress.example.com/varda-in-los-angeles/: if entries/varda-la.md was renamed "
        "from varda-in-los-angeles.md, set 'slug: varda-in-los-angeles' in it (no need to change "
        "this issue then); else use the slug of a file in entries/"
    )
    code, output = run_cli("check", "--root", workspace)
    assert code == 1 and told in output, output
    # Its title edited too, it is known by its moment of publication in the feed.
    text = entry.read_text("utf-8")
    entry.write_text(text.replace('title: "Varda in L.A.:', 'title: "Varda in LA:', 1), "utf-8")
    code, output = run_cli("check", "--root", workspace)
    assert code == 1 and told in output, output
    # The hint followed: the issue is right as it is, and the page is where the emails link.
    entry.write_text(
        entry.read_text("utf-8").replace("---\n", "---\nslug: varda-in-los-angeles\n", 1)
    )
    code, output = run_cli("check", "--root", workspace)
    assert code == 0 and "unknown entry" not in output, output
    built(run_cli, workspace)
    assert (workspace / "site/varda-in-los-angeles/index.html").is_file()
    # Sent while 'ready' and not marked sent: the send ledger's word is enough.
    _sent_while_ready(workspace, run_cli)
    (workspace / "entries/quiet-hours.md").rename(workspace / "entries/hours.md")
    code, output = run_cli("check", "--root", workspace)
    assert code == 1 and (
        "unknown entry 'quiet-hours'\n  hint: this issue was sent, and its emails link to "
        "https://dopepress.example.com/quiet-hours/: if entries/hours.md was renamed from "
        "quiet-hours.md, set 'slug: quiet-hours' in it" in output
    ), output


@pytest.mark.parametrize("slug", ["archive", "issues"])
def test_an_issue_naming_a_folder_of_the_site_is_not_told_to_take_its_address(
    workspace: Path, run_cli, slug: str
) -> None:
    # site/archive/index.html (and site/issues/index.html) looked like a published entry's
    # page: the hint was to give an entry an address that is refused.
    built(run_cli, workspace)
    entry = workspace / "entries/quiet-hours.md"
    entry.rename(workspace / f"entries/{slug}-review.md")
    issue = workspace / "issues/3-quiet-hours.md"
    text = issue.read_text(encoding="utf-8")
    issue.write_text(text.replace("  - quiet-hours\n", f"  - {slug}\n"), "utf-8")
    code, output = run_cli("check", "--root", workspace)
    assert code == 1 and f"unknown entry '{slug}' (did you mean '{slug}-review'?)" in output
    assert f"slug: {slug}'" not in output, output


def test_an_entry_published_at_a_name_the_site_took_is_told_to_keep_its_feed_id(
    workspace: Path, run_cli
) -> None:
    # An entry at archive/ before archive/ held the years: renamed, its feed id would change.
    (workspace / "entries/quiet-hours.md").rename(workspace / "entries/archive.md")
    code, output = run_cli("check", "--root", workspace)
    assert code == 1
    assert (
        "entries/archive.md:1: the slug 'archive' names the folder of the site that holds the "
        "archive's pages by year (archive/)\n  hint: rename the file (e.g. archive-film.md); if "
        "it was published at archive/ already, also set "
        "'id: tag:dopepress.example.com,2024-11-08:archive' in it"
    ) in output, output


def test_an_entry_renamed_in_a_fresh_clone_is_told_from_the_committed_feed(
    workspace: Path, run_cli
) -> None:
    # No site/ (a clone): the page gone went unsaid, and the entry took a new address and
    # feed id without a word; the committed feeds/feed.json is what readers hold.
    shutil.copytree(REPO / "feeds", workspace / "feeds")  # as a clone has them
    assert not (workspace / "site").exists()
    old = workspace / "entries/sunny-vallejo-park-low-tide.md"
    new = workspace / "entries/low-tide-interview.md"
    old.rename(new)
    output = built(run_cli, workspace)
    assert (
        "warning: entries/low-tide-interview.md: its address is new with this build, and the "
        "feed's item at https://dopepress.example.com/sunny-vallejo-park-low-tide/, published "
        "at the same moment, is gone"
    ) in output, output
    assert "set 'slug: sunny-vallejo-park-low-tide' in it" in output
    assert "is gone with this build" not in output  # no page was removed
    # The hint followed: its address and id are back, nothing to say.
    text = new.read_text("utf-8")
    new.write_text(text.replace("title:", "slug: sunny-vallejo-park-low-tide\ntitle:", 1), "utf-8")
    assert "warning" not in built(run_cli, workspace)
    # Renamed keeping its id (an 'id:' written): its address alone moved.
    shutil.rmtree(workspace / "site")
    feed = json.loads((workspace / "feeds/feed.json").read_text("utf-8"))
    kept = next(
        i["id"] for i in feed["items"] if i["url"].endswith("/sunny-vallejo-park-low-tide/")
    )
    new.write_text(
        new.read_text("utf-8").replace("slug: sunny-vallejo-park-low-tide\n", f"id: {kept}\n")
    )
    output = built(run_cli, workspace)
    assert "is gone: links to the old address lead nowhere\n" in output, output
    assert "to keep its address\n" in output and "again as new" not in output
    new.write_text(
        new.read_text("utf-8").replace(f"id: {kept}\n", "slug: sunny-vallejo-park-low-tide\n")
    )
    built(run_cli, workspace)
    # base_url moved: every address is new, which is told once, not as renames.
    config = workspace / "dopemail.toml"
    config.write_text(
        config.read_text("utf-8").replace("dopepress.example.com", "films.example.org")
    )
    output = built(run_cli, workspace)
    assert "base_url" in output and "renamed from" not in output, output
    # An issue naming the old file in a clone is told the same (its page was not there).
    shutil.rmtree(workspace / "site")
    (workspace / "entries/quiet-hours.md").rename(workspace / "entries/quiet-hours-review.md")
    code, output = run_cli("check", "--root", workspace)
    assert code == 1 and "set 'slug: quiet-hours' in it to keep its address" in output, output


def test_a_sent_issue_changed_by_a_build_is_said(workspace: Path, run_cli) -> None:
    # Its web version (what "View in your browser" opens) and the email kept with it were
    # rewritten in silence after an entry it gathers was edited.
    output = built(run_cli, workspace)
    assert "was sent" not in output, output
    entry = workspace / "entries/all-of-us-strangers.md"
    text = entry.read_text(encoding="utf-8")
    said = "I’ve always said that writers"
    entry.write_text(text.replace(said, "I have always said that writers", 1), "utf-8")
    output = built(run_cli, workspace)
    assert (
        "warning: issues/1-strangers-and-varda.md: issue 1 was sent, and this build changed its "
        "web version and its email: readers who open it from their email see the new text" in output
    ), output
    # The hint names the edit to undo: the one entry whose page changed, of those it gathers.
    assert (
        "otherwise undo the edit to entries/all-of-us-strangers.md, which it gathers (its text "
        "or its pictures: its page changed too, and not the other entries')" in output
    ), output
    # Marked sent (the README's step once it went out): its message changes, not what it says.
    issue = workspace / "issues/2-summer-festivals.md"
    text = issue.read_text(encoding="utf-8")
    for status in ("ready", "sent"):
        issue.write_text(re.sub(r"(?m)^status: \w+$", f"status: {status}", text), "utf-8")
        output = built(run_cli, workspace)
        assert "was sent" not in output, output
    # Marked sent in the same sitting as an entry it gathers was edited: the status changes
    # no page, so what changed them is said (it was not: the message had changed too).
    issue.write_text(re.sub(r"(?m)^status: \w+$", "status: ready", text), "utf-8")
    built(run_cli, workspace)
    issue.write_text(text, encoding="utf-8")
    entry = workspace / "entries/the-salt-orchard-qa.md"
    entry.write_text(entry.read_text(encoding="utf-8").replace("The ", "This ", 1), "utf-8")
    output = built(run_cli, workspace)
    assert "issue 2 was sent, and this build changed its web version and its email" in output
    # A draft made sent with its entry edited is the editor finishing it: nothing to say.
    issue.write_text(re.sub(r"(?m)^status: \w+$", "status: draft", text), "utf-8")
    built(run_cli, workspace)
    issue.write_text(text, encoding="utf-8")
    entry.write_text(entry.read_text(encoding="utf-8").replace("This ", "The ", 1), "utf-8")
    output = built(run_cli, workspace)
    assert "was sent" not in output, output
    # Made anew where there was none (site/ deleted): nothing a reader had changes.
    shutil.rmtree(workspace / "site")
    output = built(run_cli, workspace)
    assert "was sent" not in output, output
    # The settings changed every page, the entries' too: no entry is named as the cause.
    config = workspace / "dopemail.toml"
    config.write_text(config.read_text().replace('title = "DoPe Press"', 'title = "DoPe"', 1))
    output = built(run_cli, workspace)
    assert "issue 1 was sent, and this build changed" in output, output
    assert "undo what changed it (its own text, an entry it gathers, a picture" in output, output
    # A teammate's older dopemail changes every issue too (outputs flip back and forth).
    assert (
        "a different dopemail or libraries: build with the one your team uses, the same "
        "'dopemail --version')" in " ".join(output.split())
    ), output
    assert "dopemail's code or libraries changed" not in output, output
    assert "undo the edit" not in output, output
    # So too with a new entry written in the same build: its page, new, is no page that
    # stayed as it was (the hint named every entry of the issue, none of them edited).
    config.write_text(config.read_text().replace('title = "DoPe"', 'title = "DoPe Press"', 1))
    (workspace / "entries/new-one.md").write_text(
        "---\ntitle: New one\nkind: news\npublished: 2024-11-23T10:00:00-08:00\n---\nBody.\n",
        "utf-8",
    )
    output = built(run_cli, workspace)
    assert "issue 1 was sent, and this build changed" in output, output
    assert "undo what changed it (its own text, an entry it gathers, a picture" in output, output
    assert "undo the edit" not in output, output


@pytest.mark.parametrize("before", ["0.0.9 code 0123456789ab", None], ids=["recorded", "older"])
def test_a_sent_issue_changed_after_dopemail_s_code_changed_says_that_first(
    workspace: Path, run_cli, before: str | None
) -> None:
    # After an upgrade, every sent issue's web version changed, and the hint named the new
    # code last of six causes ("a different dopemail version"), without saying it had changed.
    built(run_cli, workspace)
    keys = workspace / ".dopemail/cache/file-keys.json"
    known = json.loads(keys.read_text(encoding="utf-8"))
    now = known["code"]
    assert re.fullmatch(r"0\.1\.0 code [0-9a-f]{12} libraries [0-9a-f]{12}", now), now
    assert (
        run_process("--version").stdout
        == f"dopemail, version {now.replace(' code ', ' (code ').replace(' lib', ', lib')})\n"
    )
    # The last build made by other code: it rendered issue 1 otherwise, and recorded that
    # code (or, older than the record, none).
    if before is None:
        del known["code"]
    else:
        known["code"] = before
    keys.write_text(json.dumps(known), encoding="utf-8")
    page = workspace / "site/issues/1-strangers-and-varda/index.html"
    page.write_text(page.read_text("utf-8").replace("</p>", " </p>", 1), "utf-8")
    was = before or "an older dopemail, which recorded none"
    said = (
        f"hint: dopemail's code or libraries changed since the last build ({was} → {now}): if "
        "that is an upgrade, the change is likely its own"
    )
    for command in ("check", "build"):
        code, output = run_cli(command, "--root", workspace)
        assert code == 0, output
        assert "issue 1 was sent, and" in output, output
        assert " ".join(output.split()).count(said) == 1, output
    # Said once: the build recorded its own code for the next.
    assert json.loads(keys.read_text(encoding="utf-8"))["code"] == now
    page.write_text(page.read_text("utf-8").replace("</p>", " </p>", 1), "utf-8")
    output = built(run_cli, workspace)
    assert "issue 1 was sent, and" in output and "code changed" not in output, output


@pytest.mark.parametrize("change", ["entry", "settings", "page gone"])
def test_a_build_stopped_before_it_warned_of_a_sent_issue_has_the_next_one_warn(
    workspace: Path, run_cli, change: str
) -> None:
    # Stopped once its outputs were in place but before it said what they changed (the last
    # tenth of a second of a build), the warning was lost: the journal was gone, and the next
    # build found nothing to write.
    built(run_cli, workspace)
    if change == "entry":
        entry = workspace / "entries/all-of-us-strangers.md"
        text = entry.read_text(encoding="utf-8")
        entry.write_text(text.replace("I’ve always said", "I have always said", 1), "utf-8")
        told = "issue 1 was sent, and this build changed its web version and its email"
    elif change == "settings":
        config = workspace / "dopemail.toml"
        text = config.read_text("utf-8")
        config.write_text(text.replace('title = "DoPe Press"', 'title = "DoPe"', 1), "utf-8")
        told = "issue 1 was sent, and this build changed"
    else:  # an entry moved away: its page removed, which the journal did not keep
        (workspace / "entries/sunny-vallejo-park-low-tide.md").rename(workspace / "away.md")
        told = "the page site/sunny-vallejo-park-low-tide/index.html is gone with this build"
    # The CLI's build, stopped right after its write: nothing said yet.
    import dopemail.continuity as continuity_module

    def stopped(*args: object) -> None:
        raise KeyboardInterrupt

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(continuity_module, "after_write", stopped)
        code, output = run_cli("build", "--root", workspace)
    assert code != 0 and told not in output, output
    # A build that fails in between (a file broken meanwhile) keeps what is owed.
    quiet = workspace / "entries/quiet-hours.md"
    good = quiet.read_text(encoding="utf-8")
    quiet.write_text(good.replace("title:", "title: [broken", 1), encoding="utf-8")
    code, output = run_cli("build", "--root", workspace)
    assert code == 1 and told not in output, output
    quiet.write_text(good, encoding="utf-8")
    output = built(run_cli, workspace)
    assert told in output and "0 written" in output, output
    assert told not in built(run_cli, workspace)  # said once
    # A build that says it at once leaves nothing owed.
    assert not (workspace / ".dopemail/writing.json").exists()


def test_the_build_says_what_it_changed_before_another_build_may_write(workspace: Path) -> None:
    # Said after the build let go of its lock, a build started meanwhile said the first one's
    # changes as its own ("this build changed", 0 written), and the first one's clearing of
    # its journal could remove the second one's.
    import fcntl

    from dopemail.build import build
    from dopemail.write import LOCK

    held: list[bool] = []

    def then(result: object, report: object) -> None:
        with open(workspace / LOCK, "a+") as other:
            try:
                fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                held.append(True)
            else:
                held.append(False)
                fcntl.flock(other, fcntl.LOCK_UN)

    build(workspace, then=then)
    assert held == [True]


def _built_with_quiet_hours(run_cli, workspace: Path) -> tuple[Path, str, str]:
    """The sample built: an entry the feeds carry, its text, and its feed id."""
    built(run_cli, workspace)
    entry = workspace / "entries/quiet-hours.md"
    return (
        entry,
        entry.read_text(encoding="utf-8"),
        "tag:dopepress.example.com,2024-11-08:quiet-hours",
    )


def test_an_entry_given_a_new_feed_id_is_said_with_how_to_keep_the_old_one(
    workspace: Path, run_cli
) -> None:
    # Its id holds the day published as written: correcting the day, or writing the same
    # moment with another offset, made readers show it again as new, without a word.
    entry, text, old = _built_with_quiet_hours(run_cli, workspace)
    assert f'"id": "{old}"' in (workspace / "feeds/feed.json").read_text(encoding="utf-8")
    entry.write_text(text.replace("2024-11-08T09:00:00-08:00", "2024-11-09T02:00:00+09:00"))
    output = built(run_cli, workspace)
    assert (
        "warning: entries/quiet-hours.md:4: its feed id is now "
        "tag:dopepress.example.com,2024-11-09:quiet-hours (it was " + old + "): feed readers "
        f"show the entry again as new, once\n  hint: to keep it, set 'id: \"{old}\"' in it"
    ) in output, output
    # The hint followed: the old id is back, nothing more to say.
    entry.write_text(text.replace("published:", f'id: "{old}"\npublished:', 1))
    output = built(run_cli, workspace)
    assert "feed id" not in output, output
    # In a fresh clone (no site/, no .dopemail/) the committed feeds/ are what readers hold.
    shutil.rmtree(workspace / "site")
    shutil.rmtree(workspace / ".dopemail")
    entry.write_text(text.replace("2024-11-08T09", "2024-11-07T09"))
    output = built(run_cli, workspace)
    assert "entries/quiet-hours.md:4: its feed id is now" in output, output
    # Its text edited, another entry removed, base_url moved: no item's id moved.
    entry.write_text(text.replace("2024-11-08T09", "2024-11-07T09").replace("funny", "droll"))
    (workspace / "entries/harbor-lights-restoration.md").unlink()
    output = built(run_cli, workspace)
    assert "feed id" not in output, output
    config = workspace / "dopemail.toml"
    moved = "https://dopepress.example.org"
    config.write_text(config.read_text().replace("https://dopepress.example.com", moved))
    output = built(run_cli, workspace)
    assert "base_url is now" in output and "its feed id" not in output, output
    # In a fresh clone too (no .dopemail/ to remember it): the committed feeds/ say it.
    shutil.rmtree(workspace / ".dopemail")
    config.write_text(config.read_text().replace(moved, "https://press.example.net"))
    output = built(run_cli, workspace)
    assert (
        "base_url is now https://press.example.net/ (the last build's was "
        "https://dopepress.example.org/)" in output
    ), output


def test_an_entry_published_too_old_for_the_feeds_is_said(workspace: Path, run_cli) -> None:
    # A draft begun long ago, made public without correcting its day: its page appeared,
    # and no feed carried it (they hold the newest), without a word.
    config = workspace / "dopemail.toml"
    config.write_text(config.read_text().replace("items = 50", "items = 3"))
    built(run_cli, workspace)
    entry = workspace / "entries/harbor-lights-restoration.md"
    text = entry.read_text(encoding="utf-8")
    entry.write_text(text.replace("draft: true\n", "").replace("2024-12-13T", "2024-03-01T"))
    output = built(run_cli, workspace)
    assert (
        "warning: entries/harbor-lights-restoration.md:4: published with this build, but no "
        "feed carries it: the feeds hold the 3 newest entries, and its 'published' (2024-03-01) "
        "is older than theirs\n  hint: if it goes out now, set 'published' to now"
    ) in output, output
    feed = (workspace / "feeds/feed.json").read_text(encoding="utf-8")
    assert "harbor-lights" not in feed
    # Dated as it goes out: in the feeds, nothing to say.
    entry.write_text(text)
    built(run_cli, workspace)
    entry.write_text(text.replace("draft: true\n", ""))
    output = built(run_cli, workspace)
    assert "no feed carries it" not in output, output
    assert "harbor-lights" in (workspace / "feeds/feed.json").read_text(encoding="utf-8")
    # An old entry renamed (a new page) is not news: pages_gone tells of the rename.
    config.write_text(config.read_text().replace("items = 3", "items = 2"))
    built(run_cli, workspace)
    old = workspace / "entries/sunny-vallejo-park-low-tide.md"
    old.rename(workspace / "entries/sunny-vallejo-park.md")
    output = built(run_cli, workspace)
    assert "no feed carries it" not in output and "is gone with this build" in output, output


def test_an_entry_published_again_on_another_day_or_given_a_wrong_id_is_said(
    workspace: Path, run_cli
) -> None:
    # Taken down (in no feed the build replaces), then published again on the day it went
    # out: a new id, and no word. And an 'id:' written wrong was taken as meant.
    entry, text, old = _built_with_quiet_hours(run_cli, workspace)
    entry.write_text(text.replace("published:", "draft: true\npublished:", 1))
    output = built(run_cli, workspace)
    assert "its feed id" not in output and old not in (workspace / "feeds/feed.json").read_text()
    again = text.replace("2024-11-08T09:00:00-08:00", "2024-11-20T09:00:00-08:00")
    entry.write_text(again)
    output = built(run_cli, workspace)
    assert (
        "warning: entries/quiet-hours.md:4: its feed id is now "
        "tag:dopepress.example.com,2024-11-20:quiet-hours (it was " + old + "): feed readers "
        f"show the entry again as new, once\n  hint: to keep it, set 'id: \"{old}\"' in it"
    ) in output, output
    output = built(run_cli, workspace)  # said once: readers have the new one now
    assert "its feed id" not in output, output
    wrong = "tag:dopepress.example.com,2024-11-8:quiet-hours"
    entry.write_text(again.replace("published:", f'id: "{wrong}"\npublished:', 1))
    output = built(run_cli, workspace)
    assert (
        f"warning: entries/quiet-hours.md:4: its feed id is now {wrong} (it was "
        "tag:dopepress.example.com,2024-11-20:quiet-hours), as its 'id:' says: feed readers "
        "show the entry again as new, once\n  hint: if its readers know it by the 'id:' you "
        "wrote (an older feed's), nothing to do; if not, set 'id: "
        '"tag:dopepress.example.com,2024-11-20:quiet-hours"\' in it'
    ) in output, output
    # Deleted, then another piece given its address: another item, nothing to keep.
    other = workspace / "entries/sunny-vallejo-park-low-tide.md"
    piece = other.read_text(encoding="utf-8")
    other.unlink()
    output = built(run_cli, workspace)
    assert "is gone with this build" in output, output
    published = re.search(r"(?m)^published: (\S+)", piece).group(1)
    other.write_text(piece.replace(published, "2024-12-01T09:00:00-08:00", 1))
    output = built(run_cli, workspace)
    assert "its feed id" not in output, output


def test_many_entries_given_new_feed_ids_are_said_in_one_warning(tmp_path: Path) -> None:
    def feed(day: int) -> bytes:
        items = [
            {"id": f"tag:x,2024-01-{day:02}:e{n}", "url": f"https://x/e{n}/"} for n in range(5)
        ]
        return json.dumps({"items": items}).encode()

    def entry(n: int) -> SimpleNamespace:
        meta = SimpleNamespace(id=None)
        return SimpleNamespace(
            entry=SimpleNamespace(url=f"https://x/e{n}/", path=f"e{n}.md", meta=meta)
        )

    entries = [entry(n) for n in range(5)]
    (warning,) = feed_ids_changed(tmp_path, (feed(1), feed(2)), entries)  # type: ignore[arg-type]
    assert warning.message.startswith("5 entries (e0.md, e1.md, e2.md...) have new feed ids")
    assert len(feed_ids_changed(tmp_path, (feed(1), feed(2)), entries[:3])) == 3  # type: ignore[arg-type]
    assert feed_ids_changed(tmp_path, (feed(1), feed(1)), entries) == []  # type: ignore[arg-type]
    assert feed_ids_changed(tmp_path, (b"{", feed(1)), entries) == []  # type: ignore[arg-type]


def test_many_entries_too_old_for_the_feeds_are_said_once(tmp_path: Path) -> None:
    # An archive brought in at once gave a warning (and a file read) per entry.
    from datetime import datetime

    def entry(n: int) -> SimpleNamespace:
        loaded = SimpleNamespace(
            slug=f"e{n}", path=f"entries/e{n}.md", draft=False, published=datetime(2020, 1, n)
        )
        return SimpleNamespace(entry=loaded)

    entries = [entry(n) for n in range(9, 0, -1)]  # newest first
    pages = [f"site/e{n}/index.html" for n in range(1, 10)]
    home = ["site/index.html"]
    # The two newest were there; the seven others are new, and the feeds hold three.
    written, replaced = pages[:7] + home, home
    (warning,) = unfed(tmp_path, written, replaced, [], entries, 3)  # type: ignore[arg-type]
    assert warning.message.startswith(
        "6 entries (entries/e6.md, entries/e5.md, entries/e4.md...) are published with this "
        "build, but no feed carries them"
    ), warning.message
    assert len(unfed(tmp_path, pages[:3] + home, home, [], entries, 3)) == 3  # type: ignore[arg-type]
    # Every page new: a first build (or site/ deleted), nothing to say.
    assert unfed(tmp_path, pages + home, [], [], entries, 3) == []  # type: ignore[arg-type]


def test_an_issue_made_a_draft_again_is_said_to_leave_the_archive_and_its_feed(
    workspace: Path, run_cli
) -> None:
    # Sent, then set to draft (a slip): it left the newsletter's archive and feed, and its
    # web version, which the emails link to, was hidden from search engines, without a word.
    built(run_cli, workspace)
    sent, ready = (
        workspace / "issues/1-strangers-and-varda.md",
        workspace / "issues/3-quiet-hours.md",
    )
    sent.write_text(sent.read_text("utf-8").replace("status: sent", "status: draft"), "utf-8")
    output = built(run_cli, workspace)
    line = _line(sent, "status: draft")
    assert (
        f"warning: issues/1-strangers-and-varda.md:{line}: issue 1 was sent, and is a draft with "
        "this build: it leaves the newsletter's archive and its feed (feed readers that "
        "fetched it keep it), and its web version, which the emails link to, is hidden from "
        "search engines\n  hint: set 'status: sent' back in it now: while it is a draft, what "
        "changes in it (an entry it gathers edited, a template) is not told\n"
    ) in output, output
    assert "was sent" not in built(run_cli, workspace)  # said once
    sent.write_text(sent.read_text("utf-8").replace("status: draft", "status: sent"), "utf-8")
    assert "warning" not in built(run_cli, workspace)
    # Made a draft with its intro edited at once: the email's change is said with it.
    text = sent.read_text("utf-8").replace("status: sent", "status: draft")
    sent.write_text(text.replace("Dear readers,", "Dear readers, hi,", 1), "utf-8")
    output = built(run_cli, workspace)
    assert "; its email changed with this build too: it is not what its readers got" in output
    sent.write_text(sent.read_text("utf-8").replace("status: draft", "status: sent"), "utf-8")
    assert "warning" not in built(run_cli, workspace)  # back, nothing changed since
    ready.write_text(ready.read_text("utf-8").replace("status: draft", "status: ready"), "utf-8")
    assert "warning" not in built(run_cli, workspace)
    ready.write_text(ready.read_text("utf-8").replace("status: ready", "status: draft"), "utf-8")
    output = built(run_cli, workspace)
    assert "issue 3 was ready, and is a draft with this build" in output, output
    assert "search engines" not in output and "set 'status: ready' back in it if" in output
    # Mailed while ready (the ledger says so), then made a draft: as sent.
    _sent_while_ready(workspace, run_cli)
    ready.write_text(ready.read_text("utf-8").replace("status: ready", "status: draft"), "utf-8")
    output = built(run_cli, workspace)
    assert "issue 3 was sent, and is a draft" in output and "'status: sent' back" in output
    assert "changed its web version" not in output, output  # one warning for one slip


def _line(path: Path, text: str) -> int:
    return path.read_text("utf-8").split("\n").index(text) + 1


def test_an_issue_the_ledger_says_went_out_is_guarded_though_not_marked_sent(
    workspace: Path, run_cli
) -> None:
    # Sent while 'ready' and never marked sent (the README's step, by hand): an entry it
    # gathers edited, its web version and email changed in silence.
    _sent_while_ready(workspace, run_cli)
    entry = workspace / "entries/quiet-hours.md"
    entry.write_text(entry.read_text("utf-8").replace("funny", "droll", 1), "utf-8")
    output = built(run_cli, workspace)
    assert (
        "issue 3 was sent (the send ledger says so; it is not marked sent), and this build "
        "changed its web version and its email" in output
    ), output
    assert "; and set 'status: sent' in it" in output
    # An issue never sent, edited the same way: nothing to say.
    entry.write_text(entry.read_text("utf-8").replace("droll", "funny", 1), "utf-8")
    shutil.rmtree(workspace / ".dopemail")
    built(run_cli, workspace)
    entry.write_text(entry.read_text("utf-8").replace("funny", "droll", 1), "utf-8")
    assert "was sent" not in built(run_cli, workspace)


@pytest.mark.parametrize(
    ("numbers", "said"),
    [
        ([4, 2, 1], "1, 2, 4"),
        ([1, 2, 3, 7, 8, 10, 11, 12], "1–3, 7, 8, 10–12"),
        (range(1000, 0, -1), "1–1000"),
        ([*range(1, 20, 2), *range(40, 50)], "1, 3, 5, 7, 9, 11, 13, 15 and 12 more"),
    ],
)
def test_issue_numbers_in_a_warning_are_said_in_runs(numbers, said) -> None:
    # A template edited in an archive of 1,000 sent issues printed a line of 1,000 numbers.
    assert number_runs(numbers) == said


def test_many_sent_issues_changed_at_once_are_said_in_one_warning() -> None:
    # A template or a setting changes every issue of the archive: one line, not one each.
    def issue(number: int) -> SimpleNamespace:
        meta = SimpleNamespace(number=number, status="sent")
        return SimpleNamespace(meta=meta, key=f"{number}-x", path=f"issues/{number}-x.md")

    issues = [issue(n) for n in range(1, 6)]
    replaced = [f"site/issues/{n}-x/index.html" for n in range(1, 6)]
    (warning,) = sent_issues_changed(replaced, issues)  # type: ignore[arg-type]
    assert warning.message.startswith("5 issues marked sent (1–5) changed")
    assert "status: sent" not in (warning.hint or "")
    # Two of them sent by the send ledger's word, not marked so: not called marked.
    for number in (4, 5):
        issues[number - 1].meta.status = "ready"
    (warning,) = sent_issues_changed(replaced, issues, mailed=lambda issue: True)  # type: ignore[arg-type]
    assert warning.message.startswith("5 sent issues (1–5) changed"), warning.message
    assert (warning.hint or "").endswith("; and set 'status: sent' in those not marked so (4, 5)")
    assert [w.message[:8] for w in sent_issues_changed(replaced[:3], issues)] == [
        "issue 1 ",
        "issue 2 ",
        "issue 3 ",
    ]  # type: ignore[arg-type]
    # Their emails alone changed (a template of the email's own): said of them all, in the
    # plural ("its readers" was said of five issues).
    emails = [f"site/issues/{n}-x/email.html" for n in range(1, 6)]
    (warning,) = sent_issues_changed(emails, issues, mailed=lambda issue: True)  # type: ignore[arg-type]
    assert warning.message == (
        "the emails of 5 sent issues (1–5) changed with this build: their readers keep the ones "
        "they were sent (nothing they open changed), and the copies in site/ are no longer what "
        "they got"
    ), warning.message


def test_a_new_base_url_is_said_once_with_what_it_does_to_feed_ids(
    workspace: Path, run_cli
) -> None:
    output = built(run_cli, workspace)
    assert "base_url is now" not in output, output
    config = workspace / "dopemail.toml"
    text = config.read_text(encoding="utf-8")
    line = text.split("\n").index('base_url = "https://dopepress.example.com/"') + 1
    moved = text.replace("https://dopepress.example.com/", "https://films.paris-la.example.org/", 1)
    config.write_text(moved, encoding="utf-8")
    # The hint said to copy the old ids from the feeds, which the build saying so had just
    # made anew: it gives the rule, and an example of each, the old ids themselves.
    keep = (
        "set it in its file as 'id:'; an entry's is its id in feeds/atom.xml with "
        "dopepress.example.com as its host (entries/quiet-hours.md: 'id: "
        "\"tag:dopepress.example.com,2024-11-08:quiet-hours\"'), an issue's is its old address "
        "(issues/2-summer-festivals.md: 'id: "
        '"https://dopepress.example.com/issues/2-summer-festivals/"\')'
    )
    # An issue made ready since, never published at the old address, is no example: a sent
    # one is (the hint named issue 4, whose id it would have tied to the old host).
    draft = (workspace / "issues/3-quiet-hours.md").read_text("utf-8")
    ready = draft.replace("number: 3", "number: 4").replace("status: draft", "status: ready")
    (workspace / "issues/4-winter.md").write_text(ready.replace("08:00:00", "09:00:00"), "utf-8")
    code, output = run_cli("check", "--root", workspace)
    assert f"an entry or an issue can keep its old id: before you build, {keep}" in output, output
    (workspace / "issues/4-winter.md").unlink()
    output = built(run_cli, workspace)
    assert (
        f"warning: dopemail.toml:{line}: base_url is now https://films.paris-la.example.org/ "
        "(the last build's was https://dopepress.example.com/): every entry's and issue's feed "
        "id is made from it" in output
    ), output
    assert "tag:films.paris-la.example.org," in (workspace / "feeds/atom.xml").read_text("utf-8")
    assert (
        f"hint: if the site moved, that is the price of moving (an entry or an issue can keep "
        f"its old id: {keep})" in output
    ), output
    # The hint followed after the build, from the feeds it wrote: the old ids are back.
    atom = (workspace / "feeds/atom.xml").read_text("utf-8")
    new_id = "tag:films.paris-la.example.org,2024-11-08:quiet-hours"
    assert new_id in atom, atom
    for path, id_ in (
        (
            "entries/quiet-hours.md",
            new_id.replace("films.paris-la.example.org", "dopepress.example.com"),
        ),
        (
            "issues/2-summer-festivals.md",
            "https://dopepress.example.com/issues/2-summer-festivals/",
        ),
    ):
        file = workspace / path
        file.write_text(file.read_text("utf-8").replace("---\n", f'---\nid: "{id_}"\n', 1))
    built(run_cli, workspace)
    feeds = (workspace / "feeds/atom.xml").read_text("utf-8")
    feeds += (workspace / "feeds/issues.xml").read_text("utf-8")
    assert "<id>tag:dopepress.example.com,2024-11-08:quiet-hours</id>" in feeds, feeds
    assert "<id>https://dopepress.example.com/issues/2-summer-festivals/</id>" in feeds, feeds
    config.write_text(moved + "\n# a comment\n", encoding="utf-8")  # built again: said once
    output = built(run_cli, workspace)
    assert "base_url is now" not in output, output
    # Moved to a path of the same host: only the issues' ids change, and they are named.
    config.write_text(moved.replace(".org/", ".org/dope/", 1), encoding="utf-8")
    output = built(run_cli, workspace)
    assert "every issue's feed id is made from it" in output, output
    assert (
        "(an issue can keep its old id: set it in its file as 'id:'; an issue's is its old "
        "address (issues/1-strangers-and-varda.md: 'id: "
        '"https://films.paris-la.example.org/issues/1-strangers-and-varda/"\'))' in output
    ), output
    # Its record cut short or garbled (a full disk, a crash): read as none, not a moved
    # base_url, nor a traceback at every build and check.
    remembered = workspace / ".dopemail/base_url"
    assert remembered.read_text("utf-8") == "https://films.paris-la.example.org/dope/\n"
    for damaged in (b"https://films.paris-la.example.org/d", b"https://films\xe9\n", b"\x00\n"):
        remembered.write_bytes(damaged)
        config.write_text(moved.replace(".org/", ".org/dope/", 1) + "\n# again\n", "utf-8")
        for command in ("check", "build"):
            code, output = run_cli(command, "--root", workspace)
            assert code == 0 and "Traceback" not in output, output
            assert "base_url is now" not in output, output


def test_new_issue_names_its_file_as_new_entry_does(workspace: Path, run_cli) -> None:
    # A subject with no Latin letter made '6-untitled.md' in silence, and --slug did not exist.
    code, output = run_cli("new", "issue", "東京物語", "--root", workspace)
    assert code == 1 and 'dopemail new issue "東京物語" --slug a-name' in output
    assert not list((workspace / "issues").glob("*-untitled.md"))
    code, output = run_cli("new", "issue", "東京物語", "--slug", "tokyo", "--root", workspace)
    assert code == 0 and re.search(r"wrote issues/\d+-tokyo\.md", output), output
    code, output = run_cli("new", "issue", "Kyoto", "--slug", "Kyoto", "--root", workspace)
    assert code == 1 and "--slug 'Kyoto' is not a slug" in output
    code, output = run_cli("new", "issue", " ", "--root", workspace)
    assert code == 1 and "the subject is empty" in output
    # A title that is the word itself names its file by it.
    code, output = run_cli("new", "entry", "Untitled", "--root", workspace)
    assert code == 0 and "wrote entries/untitled.md" in output, output


def test_new_issue_with_drafts_alone_says_none_is_published(tmp_path: Path, run_cli) -> None:
    # A new publication with one draft: "every published entry is in an issue already",
    # said of none, in the command's words and in the file's.
    root = tmp_path / "pub"
    assert run_cli("new", "publication", root, "--url", "https://t.example.org/")[0] == 0
    assert run_cli("new", "entry", "A Film", "--root", root)[0] == 0
    code, output = run_cli("new", "issue", "First", "--root", root)
    assert code == 0 and "no entry is published yet, so it gathers none" in output, output
    assert "every published entry" not in output
    text = next((root / "issues").glob("*-first.md")).read_text(encoding="utf-8")
    assert "# no entry is published yet: write slugs in the brackets" in text, text
    assert "every entry is in an issue already" not in text


def test_new_issue_with_every_entry_gathered_tells_a_fix_that_works(
    workspace: Path, run_cli
) -> None:
    # Its 'entries: []' said "add slugs here": a '- slug' line added below the brackets is
    # broken YAML. As it says now, word for word, the issue is valid.
    assert run_cli("new", "issue", "First", "--root", workspace)[0] == 0
    code, output = run_cli("new", "issue", "Second", "--root", workspace)
    assert code == 0, output
    path = next((workspace / "issues").glob("*-second.md"))
    text = path.read_text(encoding="utf-8")
    # ('published': the drafts are in none.)
    said = (
        "every published entry is in an issue already: write slugs in the brackets, "
        "[a-slug, another-slug]"
    )
    assert re.search(r"(?m)^  \[\] +# " + re.escape(said) + "$", text), text
    # A '- slug' line added under the brackets, as a list is most often written: told that,
    # at its line (QA: it was told to check the indentation of two lines indented alike).
    line = text.split("\n").index(next(t for t in text.split("\n") if t.startswith("  []"))) + 2
    under = text.replace("  []", "  []\n  - quiet-hours", 1)
    path.write_text(under, encoding="utf-8")
    code, output = run_cli("check", "--root", workspace)
    assert code == 1
    assert (
        f"issues/{path.name}:{line}: broken YAML: a '- ' item follows a list written in "
        f"brackets on line {line - 1}\n  hint: a list is written either in brackets, [a, b], or "
        "one '- item' per line: remove the brackets ([]) and keep the '- ' lines"
    ) in output, output
    path.write_text(text.replace("  []", "  [quiet-hours]", 1), encoding="utf-8")
    code, output = run_cli("check", "--root", workspace)
    assert code == 0, output


def test_new_issue_numbers_past_an_issue_kept_in_a_folder(workspace: Path, run_cli) -> None:
    # An issue moved into issues/2024/ is not read, but its number was sent: the next issue
    # took it again, and its send found every reader "already sent".
    (workspace / "issues/2024").mkdir()
    (workspace / "issues/3-quiet-hours.md").rename(workspace / "issues/2024/3-quiet-hours.md")
    code, output = run_cli("new", "issue", "December picks", "--root", workspace)
    assert code == 0 and "wrote issues/4-december-picks.md" in output, output


def test_new_issue_says_why_a_broken_file_elsewhere_stops_it(workspace: Path, run_cli) -> None:
    # It printed another file's error alone, as if that were the command's: the editor who
    # asked for a new issue did not learn that none was written, nor why that file mattered.
    issues = sorted((workspace / "issues").iterdir())
    (workspace / "entries/broken.md").write_text(
        "---\ntitle: Broken\npublished: 2024-02-30\n---\nText.\n", encoding="utf-8"
    )
    (workspace / "issues/9-emptied.md").write_text("", encoding="utf-8")
    code, output = run_cli("new", "issue", "Next", "--root", workspace)
    assert code == 1
    lines = output.strip().split("\n")
    assert lines[0].startswith("no issue written: dopemail new issue reads every entry and issue")
    assert lines[1].startswith("entries/broken.md:3: published: '2024-02-30' is not a real date")
    # An issue file's hint names the command that writes one, not `new entry`.
    assert lines[2:] == [
        "issues/9-emptied.md:1: the file is empty",
        "  hint: start it with a front matter block between two '---' lines "
        '(`dopemail new issue "Subject"` writes one for you)',
        "2 problems found",
    ], output
    assert sorted((workspace / "issues").iterdir()) == [*issues, workspace / "issues/9-emptied.md"]


@pytest.mark.parametrize("title", ["Media", "Issues", "Feeds", "Archive"])
def test_new_entry_refuses_a_slug_the_site_uses_for_a_folder(
    workspace: Path, run_cli, title: str
) -> None:
    # Its page would land among the pictures or the issues, or never go online with the site.
    slug = title.lower()
    code, output = run_cli("new", "entry", title, "--root", workspace)
    assert code == 1 and f"the slug '{slug}' names the folder of the site" in output
    assert f'dopemail new entry "{title}" --slug {slug}-film' in output
    assert not (workspace / "entries" / f"{slug}.md").exists()


def test_scaffold_examples_are_valid_once_uncommented(workspace: Path, run_cli) -> None:
    run_cli("new", "entry", "Full Example", "--root", workspace)
    path = workspace / "entries/full-example.md"
    # A Los Angeles publication's venue at home gives its state, not its country (which an
    # address abroad gives).
    assert "\n#     region: CA      # where the country's addresses give one\n" in path.read_text()
    assert "\n#     # country: Canada  # a venue abroad" in path.read_text()
    text = re.sub(r"^# (?=\s*(?:- )?[a-z_]+:)", "", path.read_text(), flags=re.M)
    text = re.sub(r"^published: .*$", "published: 2024-01-01", text, flags=re.M)
    text = text.replace("media/my-film/01.jpg", "media/all-of-us-strangers/01.jpg")
    path.write_text(text)
    entry = next(e for e in load_workspace(workspace).entries if e.slug == "my-film")
    meta = entry.meta
    assert meta.film and meta.film.based_on and meta.screenings[0].times and meta.events
    # Uncommented twice, the showing with more to say and the statuses are valid too.
    text = re.sub(r"^    times: \[.*\n", "", text, flags=re.M)
    path.write_text(re.sub(r"^# (\s*)# (?=\s*(?:- )?[a-z_]+:)", r"\1", text, flags=re.M))
    entry = next(e for e in load_workspace(workspace).entries if e.slug == "my-film")
    (screening,) = entry.meta.screenings
    (showtime,) = screening.times
    assert (showtime.status, showtime.note, showtime.url, screening.status) == (
        "sold out",
        "Q&A after the film",
        "https://venue.example/tickets/0309",
        "cancelled",
    )
    assert entry.meta.events[0].status == "postponed"
    assert meta.run and meta.streaming and meta.pull_quote and entry.images[0].width == 1200


@pytest.mark.parametrize(
    ("zone", "city", "offset"),
    [
        ("America/Los_Angeles", "Los Angeles", "-08:00"),
        ("Europe/Paris", "Paris", "+01:00"),
        ("Europe/Berlin", "Paris", "+01:00"),
    ],
)
def test_the_scaffold_s_venue_is_on_the_publication_s_clock(
    workspace: Path, run_cli, zone: str, city: str, offset: str
) -> None:
    # An English publication in Paris was given a Los Angeles venue at Paris's offset:
    # uncommented, check said "its city is that of America/Los_Angeles". (A Berlin one gets
    # Paris's, a venue abroad with its country, on the same clock.)
    config = workspace / "dopemail.toml"
    config.write_text(
        config.read_text("utf-8").replace("America/Los_Angeles", zone), encoding="utf-8"
    )
    assert run_cli("new", "entry", "Perfect Days", "--root", workspace)[0] == 0
    path = workspace / "entries/perfect-days.md"
    scaffold = path.read_text("utf-8")
    assert f"#     city: {city}\n" in scaffold and f"19:30:00{offset}]" in scaffold
    text = _uncommented(scaffold, "screenings", "events")
    path.write_text(text, "utf-8")
    code, output = run_cli("check", "--root", workspace)
    assert code == 0, output
    assert "perfect-days.md:" not in output, output
    # Its street is an example, published or not, as "123 Street Name" is.
    path.write_text(text.replace("draft: true", ""), "utf-8")
    code, output = run_cli("check", "--root", workspace)
    assert code == 1 and "screenings[1].address: '" in output, output
    assert "events[1].address: '" in output, output


def test_the_scaffold_s_venue_abroad_is_abroad_for_a_canadian_publication(
    workspace: Path, run_cli
) -> None:
    # Its example 'country: Canada', "a venue abroad", was a Toronto publication's own.
    config = workspace / "dopemail.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("America/Los_Angeles", "America/Toronto"), encoding="utf-8")
    run_cli("new", "entry", "Abroad", "--root", workspace)
    scaffold = (workspace / "entries/abroad.md").read_text(encoding="utf-8")
    assert "\n#     # country: Mexico  # a venue abroad" in scaffold
    assert "Canada" not in scaffold


def _key_paths(node: object, prefix: str = "") -> set[str]:
    """Every mapping key under ``node``, as dotted paths through mappings and lists."""
    if isinstance(node, list):
        return set().union(*(_key_paths(item, prefix) for item in node))
    if not isinstance(node, dict):
        return set()
    found: set[str] = set()
    for key, value in node.items():
        path = f"{prefix}{key}"
        found |= {path} | _key_paths(value, f"{path}.")
    return found


def _schema_paths(node: dict, defs: dict, prefix: str = "", seen: tuple = ()) -> set[str]:
    """Every field the JSON Schema names, as dotted paths (a list's items under its own)."""
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        return set() if name in seen else _schema_paths(defs[name], defs, prefix, (*seen, name))
    found: set[str] = set()
    items = [node["items"]] if "items" in node else []
    for sub in (*node.get("anyOf", ()), *node.get("allOf", ()), *items):
        found |= _schema_paths(sub, defs, prefix, seen)
    for key, value in node.get("properties", {}).items():
        found |= {f"{prefix}{key}"} | _schema_paths(value, defs, f"{prefix}{key}.", seen)
    return found


def test_the_scaffold_shows_every_field_of_the_schema(workspace: Path, run_cli) -> None:
    # The README says the scaffold has "every field present and explained": an entry's
    # 'language:' and a source work's were in the schema and the README, not in the scaffold.
    run_cli("new", "entry", "Full Example", "--root", workspace)
    text = (workspace / "entries/full-example.md").read_text(encoding="utf-8")
    for _ in range(2):  # the fields commented twice: a showing with more to say, statuses
        text = re.sub(r"^# (\s*)(?:# )?(?=\s*(?:- )?[a-z_]+:)", r"\1", text, flags=re.M)
    shown = _key_paths(yaml.safe_load(text.split("---\n")[1]))
    schema = json_schema("entry")
    fields = _schema_paths(schema, schema["$defs"])
    # 'films:' is a list of what 'film:' is, which the scaffold shows once.
    fields = {re.sub(r"^films\.", "film.", field) for field in fields}
    assert fields - shown == set()
    assert shown - fields == set()


def test_schema_lists_every_field() -> None:
    result = run_process("schema")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    assert set(schema["properties"]) == set(models.Entry.model_fields)
    assert schema["additionalProperties"] is False
    assert "published" in schema["required"]
    assert "description" in schema["properties"]["rights"]


def test_the_schema_lets_a_source_work_and_an_event_go_untitled() -> None:
    # A piece may name neither the novel a film adapts nor its recorded conversation: editors
    # made titles up when the schema (and the model) required them.
    defs = json_schema("entry")["$defs"]
    assert defs["BasedOn"]["required"] == ["author"]
    assert "required" not in defs["Event"]


def test_the_schema_takes_a_cast_member_by_name_alone_as_dopemail_does() -> None:
    # '- Fabrice Luchini' (the sample's French Film Days) is valid; an editor's YAML plugin
    # pointed at the schema flagged it.
    cast = json_schema("entry")["$defs"]["Film"]["properties"]["cast"]["items"]
    assert cast == {"anyOf": [{"type": "string"}, {"$ref": "#/$defs/Person"}]}
    assert models.Film.model_validate({"title": "F", "cast": ["A B"]}).cast[0].name == "A B"


def test_the_readme_s_settings_are_valid_as_written(workspace: Path) -> None:
    # An editor copies them: the whole file shown under "The workspace", and the [send]
    # table added to the sample's.
    from dopemail.config import load_settings

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```toml\n(.*?)^```", readme, flags=re.M | re.S)
    whole = next(block for block in blocks if "[publication]" in block)
    sample = (workspace / "dopemail.toml").read_text(encoding="utf-8")
    (workspace / "dopemail.toml").write_text(whole, encoding="utf-8")
    settings = load_settings(workspace)
    assert settings.publication.zone.key == "America/Los_Angeles"
    assert settings.newsletter.gallery_images == 4 and settings.site.latest == 20
    # The README's file names what the sample's does (the sample is the one to start from).
    tables = re.compile(r"^\[([a-z.]+)\]", flags=re.M)
    assert set(tables.findall(sample)) <= set(tables.findall(whole))
    for block in blocks:
        if "[publication]" not in block:
            (workspace / "dopemail.toml").write_text(sample + "\n" + block, encoding="utf-8")
            assert load_settings(workspace).send is not None


def test_the_readme_s_links_to_its_sections_lead_somewhere() -> None:
    # Sections were moved and renamed over time; a contents list was added: a link to a
    # heading that is no longer there leads an editor to the top of the page.
    readme = (REPO / "README.md").read_text(encoding="utf-8")

    def slug(heading: str) -> str:  # as GitHub names a heading's anchor
        return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")

    anchors = {slug(h) for h in re.findall(r"^#{1,6} (.+)$", readme, flags=re.M)}
    links = re.findall(r"\]\(#([^)]+)\)", readme)
    assert len(links) > 10  # the contents list and the walk-through's links
    assert [link for link in links if link not in anchors] == []
    # The contents list names every section.
    contents = next(line for line in readme.splitlines() if line.startswith("Contents: "))
    sections = re.findall(r"^## (.+)$", readme, flags=re.M)
    assert re.findall(r"\[([^\]]+)\]", contents) == sections


@pytest.mark.parametrize("command", ["", *_commands(cli)])  # "": dopemail itself
def test_every_command_has_help_and_is_in_the_readme(command: str) -> None:
    result = run_process(*command.split(), "--help")
    assert result.returncode == 0 and "Example: dopemail " in result.stdout
    assert f"dopemail {command}".strip() in (REPO / "README.md").read_text(encoding="utf-8")


def test_the_template_command_prints_where_a_default_is(run_cli) -> None:
    # An installed dopemail's defaults are in its package: templates/README.md said to copy
    # them from src/dopemail/default_templates/, a checkout's path.
    code, output = run_cli("template", "email/film_card.mjml.j2")
    assert code == 0 and Path(output.strip()).is_file(), output
    code, output = run_cli("template", "email/film_card.mjml")
    assert code == 2 and "did you mean 'email/film_card.mjml.j2'?" in output, output


def test_python_dash_m_and_version(tmp_path: Path) -> None:
    result = run_process("--version")
    assert result.returncode == 0 and "dopemail" in result.stdout
    # Every commit said "dopemail, version 0.1.0": a team told to build with one dopemail
    # could not tell two apart. A copy whose default template differs says another code.
    package = tmp_path / "dopemail"
    shutil.copytree(REPO / "src/dopemail", package, ignore=shutil.ignore_patterns("__pycache__"))

    def version() -> str:
        done = subprocess.run(
            [sys.executable, "-m", "dopemail", "--version"],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env={**os.environ, "PYTHONPATH": str(tmp_path)},
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    first = version()
    assert first == result.stdout  # the same code: the same fingerprint
    assert re.fullmatch(
        r"dopemail, version 0\.1\.0 \(code [0-9a-f]{12}, libraries [0-9a-f]{12}\)\n", first
    ), first
    card = package / "default_templates/email/film_card.txt.j2"
    card.write_text(card.read_text("utf-8") + "\n", "utf-8")
    assert version() not in (first, "")


_COUNT_PLUGIN_LOOKUPS = """
import importlib.metadata, os, sys
os.environ.pop("PYDANTIC_DISABLE_PLUGINS", None)
asked = []
real_points, real_dists = importlib.metadata.entry_points, importlib.metadata.distributions
def counting(**params):
    asked.append(params.get("group"))
    return real_points(**params)
def listing(**params):  # how older pydantic releases looked for their plugins
    asked.append("distributions")
    return real_dists(**params)
# Before pydantic binds them.
importlib.metadata.entry_points, importlib.metadata.distributions = counting, listing
from dopemail import cli
try:
    cli.main(["check", "--root", sys.argv[1]])
finally:
    print("asked:", asked, file=sys.stderr)
"""


def test_the_command_does_not_look_for_pydantic_plugins(workspace: Path) -> None:
    # Reading every installed package's entry points cost 60 ms at each start.
    done = subprocess.run(
        [sys.executable, "-c", _COUNT_PLUGIN_LOOKUPS, str(workspace)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "asked: []" in done.stderr, done.stderr[-2000:]


def test_the_build_counts_in_words(workspace, run_cli) -> None:
    code, output = run_cli("build", "--root", workspace)
    # The sample's draft is said: an entry left a draft is missing from the site and feeds.
    tail = "from 8 entries (1 draft, not published) and 3 issues"
    assert code == 0 and output.rstrip().endswith(tail), output
    for issue in (workspace / "issues").glob("*.md"):
        if not issue.name.startswith("1-"):
            issue.unlink()
    draft = workspace / "entries/harbor-lights-restoration.md"
    draft.write_text(draft.read_text(encoding="utf-8").replace("draft: true\n", ""), "utf-8")
    run_cli("new", "entry", "One", "--root", workspace)
    run_cli("new", "entry", "Two", "--root", workspace)
    code, output = run_cli("build", "--root", workspace)
    tail = "from 10 entries (2 drafts, not published) and 1 issue"
    assert code == 0 and output.rstrip().endswith(tail), output
    for name in ("one", "two"):
        (workspace / f"entries/{name}.md").unlink()
    output = built(run_cli, workspace)
    assert output.rstrip().endswith("from 8 entries and 1 issue"), output
    # And check, which said "1 issues".
    code, output = run_cli("check", "--root", workspace)
    assert code == 0 and "ok: 8 entries and 1 issue are valid" in output, output


def test_a_command_run_inside_the_publication_finds_its_folder(
    workspace: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch, run_cli
) -> None:
    # As git finds its repository: an editor in entries/ means the publication around it.
    monkeypatch.chdir(workspace / "entries")
    code, output = run_cli("check")
    assert code == 0 and "ok: 8 entries and 3 issues are valid" in output, output
    # Said, since paths in messages and what `new` writes are the publication's.
    assert output.startswith(f"publication: {workspace}\n")
    code, output = run_cli("new", "entry", "Past Lives")
    assert code == 0 and (workspace / "entries/past-lives.md").is_file()
    assert not (workspace / "entries/entries").exists()
    elsewhere = tmp_path_factory.mktemp("no-publication") / "deeper"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    code, output = run_cli("check")
    assert code == 1 and "no dopemail.toml in" in output and "Traceback" not in output
    assert "(or a folder inside it)" in output
    code, output = run_cli("check", "--root", workspace)  # --root still wins
    assert code == 0, output
    # A mistyped --root is said to be one, not a publication without its settings.
    for command in (("check",), ("build",), ("new", "entry", "Past Lives")):
        code, output = run_cli(*command, "--root", elsewhere / "nope")
        assert code == 1 and f"no folder {elsewhere / 'nope'}" in output, output
        assert "check the path given with --root" in output and "Traceback" not in output
    assert not (elsewhere / "nope").exists()  # the build once made nope/.dopemail/clock
    code, output = run_cli("build", "--root", elsewhere)
    assert code == 1 and "no dopemail.toml in" in output
    assert list(elsewhere.iterdir()) == []


def test_a_kind_in_another_case_is_taken_and_a_mistyped_one_gets_a_did_you_mean(
    workspace: Path, run_cli
) -> None:
    # 'kind: Review', 'kind: Q&A': one of a few words, meant as it is (it was refused, with a
    # "did you mean" of the same word in lower case).
    entry = workspace / "entries/all-of-us-strangers.md"
    text = entry.read_text(encoding="utf-8")
    assert "kind: conversation" in text and "kind: review" in text
    capitals = text.replace("kind: conversation", "kind: Q&A", 1).replace(
        "kind: review", "kind: Review", 1
    )
    entry.write_text(capitals, encoding="utf-8")
    code, output = run_cli("build", "--root", workspace)
    assert code == 0, output
    page = (workspace / "site/all-of-us-strangers/index.html").read_text(encoding="utf-8")
    assert "Q&amp;A" in page
    entry.write_text(text.replace("kind: conversation", "kind: Q&Z", 1), encoding="utf-8")
    code, output = run_cli("check", "--root", workspace)
    assert code == 1 and "hint: did you mean 'q&a'?" in output, output


def test_make_clean_keeps_the_send_ledger(tmp_path: Path) -> None:
    # Without the ledger, dopemail send no longer knows who already has an issue and would
    # mail them again: `make clean` takes everything a build makes, and not that.
    shutil.copy(REPO / "Makefile", tmp_path / "Makefile")
    kept = ["sends.sqlite", "sends.sqlite-wal", "send.lock", "3-quiet-hours-skipped.csv"]
    gone = ["outputs.json", "state.json", "cache/entries/x", "blobs/ab"]
    for name in [*kept, *gone, "../site/index.html", "../.venv-x/bin/python"]:
        path = tmp_path / ".dopemail" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    done = subprocess.run(
        ["make", "clean", "VENV=.venv-x"], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (tmp_path / ".dopemail").iterdir()) == sorted(kept)
    assert not (tmp_path / "site").exists() and not (tmp_path / ".venv-x").exists()


def _make_python(folder: Path, *args: str) -> str:
    done = subprocess.run(
        ["make", "--no-print-directory", "--eval", "which-python: ; @echo $(PYTHON)",
         "which-python", *args],
        cwd=folder, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout.strip()


def test_make_prefers_the_systems_python_when_it_can_make_a_venv(tmp_path: Path) -> None:
    # Debian's own build runs dopemail on about a fifth less CPU than pyenv's here. A system
    # Python too old, or without venv's ensurepip (Debian's python3-venv), or none, is passed
    # over for python3 on the PATH; PYTHON= chooses any other. The "system Python" here is
    # this test's own interpreter, as is or told to be 3.10, or to have no ensurepip.
    shutil.copy(REPO / "Makefile", tmp_path / "Makefile")

    def stub(name: str, setup: str) -> str:
        # The Makefile runs ``<it> -c CODE``: CODE runs after ``setup``, in this interpreter.
        path = tmp_path / name
        path.write_text(
            f"#!/bin/sh\nexec {sys.executable} -c '{setup}; exec(sys.argv[1])' \"$2\"\n"
        )
        path.chmod(0o755)
        return str(path)

    def chosen(*args: str) -> str:
        return _make_python(tmp_path, *args)

    assert chosen(f"SYSTEM_PYTHON_BIN={sys.executable}") == sys.executable
    assert chosen(f"SYSTEM_PYTHON_BIN={stub('as-is', 'import sys')}") == sys.executable
    old = stub("old", "import sys; sys.version_info = (3, 10, 14)")
    assert chosen(f"SYSTEM_PYTHON_BIN={old}") == "python3"
    bare = stub("bare", 'import sys; sys.modules["ensurepip"] = None')
    assert chosen(f"SYSTEM_PYTHON_BIN={bare}") == "python3"
    assert chosen(f"SYSTEM_PYTHON_BIN={tmp_path / 'none'}") == "python3"
    assert chosen(f"SYSTEM_PYTHON_BIN={sys.executable}", "PYTHON=python3.12") == "python3.12"
    # A venv made by another Python is made anew, not half rewritten over its old links.
    (tmp_path / "pyproject.toml").write_text("")
    planned = subprocess.run(
        ["make", "-n", ".venv-x/.installed", "VENV=.venv-x", "PYTHON=python3"],
        cwd=tmp_path, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "python3 -m venv --clear .venv-x\n" in planned


def test_scaffolds_write_what_they_were_given_as_yaml_reads_it(workspace: Path, run_cli) -> None:
    # A backslash once wrote broken YAML ('AC\DC') or a form feed ('C:\films\new'), and an
    # entry whose slug is a number ('1917') was listed as the number 1917.
    title = 'C:\\films\\new, "AC\\DC" live'
    code, output = run_cli("new", "entry", title, "--root", workspace)
    assert code == 0, output
    entry = workspace / "entries/c-films-new-ac-dc-live.md"
    written = entry.read_text("utf-8").replace("Write the piece here, in Markdown.", "A piece.")
    entry.write_text(written.replace("draft: true", "draft: false"), "utf-8")
    (workspace / "entries/1917.md").write_text(
        '---\ntitle: "1917"\npublished: 2024-12-01\nslug: "1917"\n---\nBody.\n', "utf-8"
    )
    code, output = run_cli("new", "issue", "Say \\o/ hi", "--root", workspace)
    assert code == 0, output
    loaded = load_workspace(workspace)
    by_slug = {e.slug: e for e in loaded.entries}
    assert by_slug["c-films-new-ac-dc-live"].meta.title == title
    issue = next(i for i in loaded.issues if i.meta.number == 4)
    assert issue.meta.subject == "Say \\o/ hi"
    assert "1917" in issue.meta.all_slugs and "c-films-new-ac-dc-live" in issue.meta.all_slugs


def test_a_template_nothing_renders_is_warned_about(workspace: Path, run_cli) -> None:
    # A misspelt override (entyr for entry) was ignored without a word: the default rendered.
    defaults = REPO / "src/dopemail/default_templates"
    templates = workspace / "templates"
    (templates / "partials").mkdir(parents=True)
    (templates / "entyr.html.j2").write_text((defaults / "entry.html.j2").read_text())
    # A template of the editor's own, included by an override: used, so not warned about.
    (templates / "partials/note.j2").write_text("<p>From the archive.</p>\n")
    page = (defaults / "entry.html.j2").read_text()
    (templates / "entry.html.j2").write_text(page + '{% include "partials/note.j2" %}\n')
    for command in ("check", "build"):
        code, output = run_cli(command, "--root", workspace)
        assert code == 0, output
        warned = [line for line in output.splitlines() if line.startswith("warning: templates/")]
        assert warned == [
            "warning: templates/entyr.html.j2: not used: no template dopemail renders has this "
            "name, and none includes it"
        ], output
        assert "did you mean templates/entry.html.j2?" in output
    # Named without its .j2, or put outside its folder: never read, without a word, or told
    # the wrong name ("did you mean templates/issue.html.j2?").
    (templates / "entyr.html.j2").unlink()
    (templates / "email").mkdir()
    issue = (defaults / "email/issue.mjml.j2").read_text()
    (templates / "email/issue.mjml").write_text(issue)
    (templates / "issue.mjml.j2").write_text(issue)
    code, output = run_cli("check", "--root", workspace)
    assert code == 0, output
    assert (
        "warning: templates/email/issue.mjml: not used: dopemail reads templates whose names "
        "end in .j2\n  hint: rename it templates/email/issue.mjml.j2"
    ) in output, output
    assert "did you mean templates/email/issue.mjml.j2?" in output, output


def test_a_template_copied_before_statuses_is_warned_of_once_an_entry_has_one(
    workspace: Path, run_cli
) -> None:
    # An own entry_content.html.j2 from before statuses published a cancelled screening as
    # going ahead, with its tickets, while the page's JSON-LD said EventCancelled; check and
    # build said nothing.
    old = (
        "{% set m = entry.meta %}\n"
        "<h1>{{ m.title }}</h1>\n"
        "{% for s in m.screenings %}\n"
        '<p><a href="{{ s.url }}">{{ s.venue }}</a>'
        "{% for t in s.times %} {{ t | time_tag(m.published) }}{% endfor %}</p>\n"
        "{% endfor %}\n"
        "{% for ev in m.events %}<p>{{ ev | event_heading }} {{ ev.url }}</p>{% endfor %}\n"
    )
    template = workspace / "templates/entry_content.html.j2"
    template.parent.mkdir(exist_ok=True)
    template.write_text(old, encoding="utf-8")
    expected = (
        "warning: templates/entry_content.html.j2:3: it shows screenings or events without "
        "their status: entries/all-of-us-strangers.md has a screening marked 'cancelled'"
    )

    def warned() -> list[str]:
        said = []
        for command in ("check", "build"):
            code, output = run_cli(command, "--root", workspace)
            assert code == 0, output
            said.append(output)
        return said

    # No entry with a status: the old template shows what there is to show.
    assert not any("without their status" in output for output in warned())
    entry = workspace / "entries/all-of-us-strangers.md"
    text = entry.read_text(encoding="utf-8")
    cancelled = text.replace(
        'postal_code: "90067"\n', 'postal_code: "90067"\n    status: cancelled\n'
    )
    assert cancelled != text
    entry.write_text(cancelled, encoding="utf-8")
    for output in warned():
        assert output.count(expected) == 1, output
        assert "{{ s.status | status_suffix(of=s) }}" in output, output
        assert "{{ s | showings(m.published) }}" in output, output
        assert "{% if s.url and not s.status | cancelled %}" in output, output
    # Its status said: nothing to warn of.
    template.write_text(
        old.replace("{{ s.venue }}</a>", "{{ s.venue }}</a>{{ s.status | status_suffix(of=s) }}"),
        encoding="utf-8",
    )
    assert not any("without their status" in output for output in warned())
    # Said by a file its loop includes: nothing either (a review found it warned, and its
    # hint followed said the status twice).
    (workspace / "templates/screening_item.html.j2").write_text(
        '<p><a href="{{ s.url }}">{{ s.venue }}</a>{{ s.status | status_suffix(of=s) }}</p>\n',
        encoding="utf-8",
    )
    template.write_text(
        "{% set m = entry.meta %}\n"
        '{% for s in m.screenings %}{% include "screening_item.html.j2" %}{% endfor %}\n',
        encoding="utf-8",
    )
    assert not any("without their status" in output for output in warned())
    # A template that names screenings in a sentence shows none: not warned.
    template.write_text(
        "{% set m = entry.meta %}<h1>{{ m.title }}</h1>\n"
        "{% if m.screenings or m.events %}<p>Screenings and events: {{ entry.url }}</p>"
        "{% endif %}\n",
        encoding="utf-8",
    )
    assert not any("without their status" in output for output in warned())


def test_the_build_s_warnings_read_no_entry_s_fields_when_nothing_asks(workspace: Path) -> None:
    # pages_gone read every entry's slug: field, and with it unpickled the fields of every
    # entry taken from the cache: a tenth of a second at a thousand entries, every build.
    from dopemail.build import build as run_build
    from dopemail.continuity import feed_ids_changed, pages_gone, unfed

    run_build(workspace)
    result, report = run_build(workspace)
    entries = result.workspace.entries
    assert all("meta" not in e.__dict__ for e in entries), "the cached entries came unpickled"
    pages_gone(report.removed, entries)
    unfed(workspace, report.written, report.replaced, report.removed, result.entries, 50)
    feed = (workspace / "feeds/feed.json").read_bytes()
    feed_ids_changed(workspace, (feed, feed), result.entries)
    assert all("meta" not in e.__dict__ for e in entries)
    # Nor the warning of a template blind to statuses, with one there and no status said:
    # every cached entry was unpickled to find none (a warm build of 2,000, 70 % more).
    (workspace / "templates").mkdir(exist_ok=True)
    (workspace / "templates/entry_content.html.j2").write_text(
        "{% for s in entry.meta.screenings %}{{ s.venue }}{% endfor %}\n", encoding="utf-8"
    )
    from dopemail.templates import status_blind_templates

    assert status_blind_templates(workspace, entries) == []
    assert all("meta" not in e.__dict__ for e in entries)


@pytest.mark.parametrize("built", [False, True], ids=["fresh", "after-a-build"])
def test_check_writes_nothing(
    workspace: Path, run_cli, built: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # It wrote .dopemail/cache/ (and failed on a read-only checkout: "Permission denied"),
    # while its help and the README say it writes nothing.
    # A template of the workspace's own, whose compiled code a build keeps in .dopemail/.
    (workspace / "templates").mkdir(exist_ok=True)
    shutil.copy(templates_module._DEFAULTS / "entry_item.html.j2", workspace / "templates")
    if built:
        assert run_cli("build", "--root", workspace)[0] == 0
        entry = workspace / "entries/quiet-hours.md"  # something for the cache to miss
        entry.write_text(entry.read_text("utf-8").replace("Quiet Hours", "Quiet Hours II", 1))
    loaded: list[bool] = []  # the workspace template's code found kept, each time it was asked
    real = templates_module.TemplateCode.load_bytecode

    def load_bytecode(self, bucket) -> None:
        real(self, bucket)
        if self.folders.get(bucket.key) == self.workspace:
            loaded.append(bucket.code is not None)

    monkeypatch.setattr(templates_module.TemplateCode, "load_bytecode", load_bytecode)

    def tree() -> dict[str, tuple[int, int]]:
        found = {}
        for path in sorted(workspace.rglob("*")):
            info = path.lstat()
            found[path.relative_to(workspace).as_posix()] = (info.st_size, info.st_mtime_ns)
        return found

    before = tree()
    code, output = run_cli("check", "--root", workspace)
    assert code == 0 and "ok: " in output, output
    assert tree() == before
    # Read all the same: a check after a build compiles none of the workspace's templates.
    assert loaded and all(loaded) is built, loaded


def test_new_entry_says_which_words_lost_letters_in_its_name(workspace: Path, run_cli) -> None:
    # 'Ωmega' made entries/mega.md without a word: the name looked a typo.
    code, output = run_cli("new", "entry", "Ωmega Ελληνικά and Ça va", "--root", workspace)
    assert code == 0 and (workspace / "entries/mega-and-ca-va.md").exists(), output
    assert "note: Ωmega, Ελληνικά: letters without a Latin spelling are left out" in output
    code, output = run_cli("new", "entry", "Ça va", "--root", workspace)
    assert code == 0 and "note:" not in output, output
    # The word as written, not the brackets around it ('(호프)').
    code, output = run_cli("new", "entry", "Hope (호프)", "--root", workspace)
    assert code == 0 and "note: 호프: letters without a Latin spelling" in output, output


def test_the_slug_hint_for_a_title_like_an_option_can_be_run(workspace: Path, run_cli) -> None:
    # It said: dopemail new entry "---" --slug a-name, which the command line refuses.
    code, output = run_cli("new", "entry", "--root", workspace, "--", "---")
    assert code == 1, output
    command = output.partition("yourself: ")[2].strip()
    assert command == 'dopemail new entry --slug a-name -- "---"', output
    words = shlex.split(command)[1:]  # as the shell gives them, after 'dopemail'
    words[words.index("--") : words.index("--")] = ["--root", str(workspace)]
    code, output = run_cli(*words)
    assert code == 0 and (workspace / "entries/a-name.md").exists(), output


def test_new_issue_shows_every_field_of_an_issue(workspace: Path, run_cli) -> None:
    # 'id:' was missing, though the README tells editors to set it to keep an old feed id.
    # Uncommented as shown, it is refused: a made-up id would show the issue to readers anew.
    code, output = run_cli("new", "issue", "Ghosts", "--root", workspace)
    assert code == 0, output
    path = next((workspace / "issues").glob("4-*.md"))
    text = path.read_text(encoding="utf-8")
    for model in (models.Issue, models.IssueSection):
        for field in model.model_fields:
            assert re.search(rf"^#?\s*-?\s*{field}:", text, re.M), f"{model.__name__}.{field}"
    path.write_text(re.sub(r"^# id: ([^#]+?)  #", r"id: \1  #", text, flags=re.M), "utf-8")
    code, output = run_cli("check", "--root", workspace)
    assert code == 1 and "id: '<its id in the old feed>' is not a feed id" in output, output


def test_the_schema_takes_a_language_tag_in_any_case_as_the_build_does() -> None:
    # 'lang: FR' built (written 'fr'), and an editor's plugin checking by the schema marked
    # it an error.
    schema = json.loads(run_process("schema").stdout)
    lang = schema["$defs"]["PullQuote"]["properties"]["lang"]
    pattern = re.compile(next(k["pattern"] for k in lang.get("anyOf", [lang]) if "pattern" in k))
    assert all(pattern.search(tag) for tag in ("fr", "FR", "EN-us", "pt-BR", "zh-Hant"))
    assert not any(pattern.search(tag) for tag in ("français", "f", "fr_FR"))
    assert models.PullQuote(text="Bonjour", lang="FR").lang == "fr"


def test_the_schema_refuses_dates_and_empty_text_the_build_refuses() -> None:
    # 'updated: next week', a time without its zone and 'title: ""' were valid by the schema,
    # refused by the build; and a required date's hover text did not say how to write it.
    schema = json.loads(run_process("schema").stdout)
    published = schema["properties"]["published"]
    moment = re.compile(published["pattern"])
    accepted = ("2024-01-12", "2024-01-12T09:00:00-08:00", "2024-01-12 09:00Z")
    # As YAML 1.1 writes a timestamp, and the other forms Python reads.
    accepted += ("2024-01-12 09:00:00 -08:00", "2024-01-12t19:30:00 Z", "2024-01-12T19:30+0800")
    accepted += ("20240112T193000Z", " 2024-01-12")
    for written in accepted:
        assert moment.search(written), written
        models.Entry.model_validate({"title": "A", "published": written})
    for written in ("next week", "2024-01-12T09:00:00", "12/01/2024"):
        assert not moment.search(written), written
        with pytest.raises(ValueError):
            models.Entry.model_validate({"title": "A", "published": written})
    assert "with its zone (2024-01-12T19:30:00-08:00)" in published["description"]
    text = re.compile(schema["properties"]["title"]["pattern"])
    assert text.search("A Film") and not text.search("") and not text.search("   ")


def test_ctrl_c_while_the_command_loads_is_aborted_not_a_traceback() -> None:
    # In its first ~40 ms (the imports), Ctrl-C printed Python's KeyboardInterrupt traceback.
    interrupt = (
        "import runpy, sys\n"
        "class Interrupt:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'dopemail.cli':\n"
        "            raise KeyboardInterrupt\n"
        "sys.meta_path.insert(0, Interrupt())\n"
        "sys.argv = ['dopemail', '--version']\n"
        "runpy.run_module('dopemail', run_name='__main__')\n"
    )
    done = subprocess.run([sys.executable, "-c", interrupt], capture_output=True, text=True)
    assert (done.returncode, done.stderr) == (1, "Aborted!\n"), done.stderr


def test_the_schema_asks_a_remote_picture_for_its_size_as_the_build_does() -> None:
    # The build refuses an https:// picture without width and height; the schema let it be.
    schema = json.loads(run_process("schema").stdout)
    image = schema["$defs"]["Image"]
    remote = re.compile(image["if"]["properties"]["src"]["pattern"])
    assert remote.search("https://example.com/still.jpg") and not remote.search("media/a.jpg")
    assert image["then"] == {"required": ["width", "height"]}


def test_the_root_given_before_the_command_is_the_command_s(
    workspace: Path, tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 'dopemail --root DIR build', as 'git -C DIR' is written, was "No such option: --root".
    monkeypatch.chdir(tmp_path)  # no publication here or above
    code, output = run_cli("--root", workspace, "check")
    assert code == 0 and "8 entries and 3 issues are valid" in output, output
    code, output = run_cli("--root", workspace, "new", "entry", "Given Before")
    assert code == 0 and (workspace / "entries/given-before.md").is_file(), output
    # One given after the command wins.
    code, output = run_cli("--root", tmp_path / "nowhere", "check", "--root", workspace)
    assert code == 0 and "are valid" in output, output
    code, output = run_cli("--root", tmp_path / "nowhere", "check")
    assert code == 1 and f"no folder {tmp_path / 'nowhere'}" in output, output


def test_build_hands_the_stamp_s_stats_to_the_build(
    workspace: Path, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The sources are keyed by the stats the no-op check took before the build (two stat
    # calls fewer per source): the command must hand them over, or the build asks again.
    import dopemail.build as build_module

    handed: list[object] = []
    real = build_module.build

    def build(*args, **kwargs):  # type: ignore[no-untyped-def]
        handed.append(kwargs.get("stats"))
        return real(*args, **kwargs)

    monkeypatch.setattr(build_module, "build", build)
    code, output = run_cli("build", "--root", workspace)
    assert code == 0, output
    (stats,) = handed
    entry = str(workspace.resolve() / "entries" / "quiet-hours.md")
    assert stats is not None and stats[entry].st_ino == Path(entry).stat().st_ino


def test_new_with_a_title_alone_is_told_to_say_what_to_make(run_cli) -> None:
    # 'dopemail new "Perfect Days"' said "No such command 'Perfect Days'".
    code, output = run_cli("new", "Perfect Days")
    assert code == 2, output
    assert (
        'say what to make first, then its title: dopemail new entry "Perfect Days", or '
        'dopemail new issue "Perfect Days"'
    ) in output, output
    # A misspelt command keeps click's own "did you mean".
    code, output = run_cli("new", "entri", "Perfect Days")
    assert code == 2 and "Did you mean 'entry'?" in output, output


def test_the_readme_s_week_of_work_runs_as_written(
    workspace: Path, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "A week's work, step by step": each command as the README gives it, in its order, from
    # a folder inside the publication.
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    steps = readme.split("## A week's work, step by step", 1)[1].split("\n## ", 1)[0]
    for said in (
        'dopemail new entry "Perfect Days"',
        "dopemail check",
        'dopemail new issue "Perfect Days, and a week of Wenders"',
        "dopemail send <number> --test",
        "dopemail send <number> --yes",
    ):
        assert said in steps, said
    monkeypatch.chdir(workspace / "entries")
    assert run_cli("new", "entry", "Perfect Days")[0] == 0
    entry = workspace / "entries/perfect-days.md"
    assert "draft: true" in entry.read_text("utf-8")
    # 2. Its pictures in media/<slug>/, listed with alt, caption and credit.
    (workspace / "media/perfect-days").mkdir()
    shutil.copy(workspace / "media/all-of-us-strangers/01.jpg", workspace / "media/perfect-days")
    text = entry.read_text("utf-8").replace("draft: true", "draft: false", 1)
    front = text.split("\n---\n", 1)[0]
    images = (
        "images:\n  - src: media/perfect-days/01.jpg\n    alt: A man cleaning a public toilet\n"
        "    caption: Kōji Yakusho\n    credit: Master Mind\n"
    )
    entry.write_text(f"{front}\n{images}---\nHirayama cleans Tokyo's toilets.\n", "utf-8")
    code, output = run_cli("check")
    assert code == 0, output
    # 4. Published (draft: false above), then the issue.
    assert run_cli("build")[0] == 0
    code, output = run_cli("new", "issue", "Perfect Days, and a week of Wenders")
    assert code == 0, output
    (issue,) = (workspace / "issues").glob("4-*.md")
    source = issue.read_text("utf-8")
    assert "  - perfect-days" in source, source
    # 5. Its date the day it goes out, a draft until then (the README said 'ready' at once,
    # and the build warned that it was in the archive days early, telling to keep it a draft).
    # (The publication's day: from midnight UTC until 8 in the morning, UTC's is its next.)
    today = f"date: {datetime.now(ZoneInfo('America/Los_Angeles')).date().isoformat()}"
    source = re.sub(r"(?m)^date: .*$", today, source)
    front = source.split("\n---\n", 1)[0]
    assert "status: draft" in front, front
    issue.write_text(f"{front}\n---\nDear readers, a week of Wim Wenders.\n", "utf-8")
    code, output = run_cli("build")
    assert code == 0, output
    (workspace / "subscribers.csv").write_text(
        "email,name,status,subscribed_at,tags\nada@example.com,Ada,subscribed,2026-01-02,\n"
        "bo@example.com,Bo,subscribed,2026-01-03,\n",
        encoding="utf-8",
    )
    # 6. Tried while a draft: a copy of one's own, and the dry run.
    code, output = run_cli("send", "4", "--test", "you@example.com")
    assert code == 0 and "wrote a test copy of issue 4-" in output, output
    code, output = run_cli("send", "4")
    assert code == 0, output
    # 7. On the day: ready, built, sent.
    issue.write_text(issue.read_text("utf-8").replace("status: draft", "status: ready"), "utf-8")
    code, output = run_cli("build")
    assert code == 0 and "in the future" not in output, output
    code, output = run_cli("send", "4", "--yes", "--no-progress")
    assert code == 0 and "failed 0 this run" in output, output
    assert f"set 'status: sent' in issues/{issue.name}, then run dopemail build" in output
    assert "no one was mailed" in output  # the outbox, the README's provider out of the box
    issue.write_text(issue.read_text("utf-8").replace("status: ready", "status: sent"), "utf-8")
    code, output = run_cli("build")
    assert code == 0, output
    message = json.loads((workspace / f"site/issues/{issue.stem}/message.json").read_text())
    assert message["status"] == "sent"


def test_a_sent_issue_s_changes_are_told_as_what_its_readers_hold(workspace: Path, run_cli) -> None:
    built(run_cli, workspace)
    # The email alone changed (a template of the email's own): readers keep the one they
    # got. It said they "see the new text", and to undo the template.
    own = workspace / "templates/email/film_card.mjml.j2"
    own.parent.mkdir(parents=True, exist_ok=True)
    default = (REPO / "src/dopemail/default_templates/email/film_card.mjml.j2").read_text()
    assert '{{ _("Read more") }}</mj-button>' in default
    own.write_text(default.replace('{{ _("Read more") }}</mj-button>', "Read on</mj-button>"))
    output = built(run_cli, workspace)
    assert (
        "issue 1 was sent, and this build changed its email: its readers keep the one they "
        "were sent (nothing they open changed), and the copy in site/ is no longer what they "
        "got" in output
    ), output
    assert "see the new text" not in output and "nothing to do if that is meant" in output
    own.unlink()
    built(run_cli, workspace)
    # Its subject edited with its intro: both said (the subject's edit hid the intro's).
    issue = workspace / "issues/2-summer-festivals.md"
    text = issue.read_text("utf-8")
    subject = re.search(r"(?m)^subject: .*$", text)
    assert subject is not None
    text = text.replace(subject.group(0), 'subject: "Summer: a Q&A, and French Film Days"', 1)
    issue.write_text(text + "\nP.S. A correction: the Q&A starts at 8.\n", "utf-8")
    output = built(run_cli, workspace)
    assert (
        "issue 2 was sent, and this build changed its web version and its email: readers" in output
    )
    assert "undo what changed it (its own text," in output, output
    # base_url moved: the emails sent link to the old address, which that warning says; the
    # sent issues' pages are not said one by one to be seen "from their email".
    config = workspace / "dopemail.toml"
    config.write_text(
        config.read_text().replace(
            'base_url = "https://dopepress.example.com/"',
            'base_url = "https://press.example.com/dope/"',
            1,
        )
    )
    output = built(run_cli, workspace)
    assert "was sent, and this build changed" not in output, output
    assert (
        "and the emails already sent link to the old address (their 'View in your browser', "
        "'Read more' and pictures)" in output
    ), output
    assert "keep the old address answering (redirect it to the new one)" in output


def test_a_moment_ahead_by_hours_is_told_with_its_hour_not_as_a_day_in_the_future(
    workspace: Path,
) -> None:
    # "'date' is 2026-12-06, in the future" on December 6, of an issue sent at 18:30 checked at
    # 18:10: the day shown was today, and the hint asked for a year typed wrong.
    from datetime import datetime, timedelta

    from dopemail.notices import published_ahead

    issue = workspace / "issues/1-strangers-and-varda.md"
    text = issue.read_text("utf-8")
    assert "date: 2024-02-23T08:00:00-08:00" in text and "status: sent" in text
    workspace_loaded = load_workspace(workspace)
    sent = next(i for i in workspace_loaded.issues if i.meta.number == 1).meta.date

    def told(now: datetime) -> list:  # type: ignore[type-arg]
        # The issue's warning (entries published after it are warned of too).
        found = published_ahead(workspace_loaded, now=now)
        return [w for w in found if w.path == "issues/1-strangers-and-varda.md"]

    (soon,) = told(sent - timedelta(minutes=20))
    assert "'date' is 2024-02-23T08:00:00-08:00, 20 minutes from now, and the issue is 'sent'" in (
        soon.message
    ), soon.message
    assert soon.hint == "correct 'date:' to when it went out (its hour, or its offset?)"
    (later,) = told(sent - timedelta(hours=5))
    assert "2024-02-23T08:00:00-08:00, 5 hours from now" in later.message
    # Days away, the day as before, and the year to check.
    (far,) = told(sent - timedelta(days=3))
    assert "'date' is 2024-02-23, in the future" in far.message and "year" in far.hint
    assert isinstance(sent, datetime)


def test_a_sent_issue_s_hint_names_a_template_of_the_workspace_beside_its_entries(
    workspace: Path, run_cli
) -> None:
    # A template of the workspace changed the pages of the entries with screenings alone,
    # in the build an entry was edited: the hint had the editor undo three entries' edits,
    # two of them never made.
    built(run_cli, workspace)
    own = workspace / "templates/entry_content.html.j2"
    default = (REPO / "src/dopemail/default_templates/entry_content.html.j2").read_text()
    heading = '<h2>{{ _("Where it plays") }}</h2>'
    assert heading in default
    own.write_text(default.replace(heading, '<h2 class="x">{{ _("Where it plays") }}</h2>'))
    entry = workspace / "entries/french-film-days-2024.md"
    text = entry.read_text("utf-8")
    entry.write_text(text.replace("four nights, four films", "four nights, four films!", 1))
    output = built(run_cli, workspace)
    assert "issue 2 was sent, and this build changed its web version" in output, output
    assert (
        "and not the other entries'), or a template of yours that changed those pages alone"
        in output
    ), output
    # A scaffold of the workspace's own makes no page: not named.
    own.unlink()
    (workspace / "templates/new_entry.md.j2").write_text(
        (REPO / "src/dopemail/default_templates/new_entry.md.j2").read_text()
    )
    built(run_cli, workspace)
    entry.write_text(text, "utf-8")
    output = built(run_cli, workspace)
    assert "issue 2 was sent" in output and "a template of yours" not in output, output


def test_new_issue_s_preheader_names_a_title_s_words_without_its_italics(
    workspace: Path, run_cli
) -> None:
    # An inbox shows the preheader as text: '*Anora*' was written with its marks.
    entry = (workspace / "entries/quiet-hours.md").read_text(encoding="utf-8")
    marked = re.sub(r"(?m)^title: .*$", 'title: "*Anora*, reviewed"', entry, count=1)
    (workspace / "entries/anora.md").write_text(marked, encoding="utf-8")
    code, output = run_cli("new", "issue", "Anora", "--root", workspace)
    assert code == 0, output
    text = next((workspace / "issues").glob("*-anora.md")).read_text(encoding="utf-8")
    (line,) = [t for t in text.split("\n") if t.startswith("preheader:")]
    assert "Anora, reviewed" in line and "*" not in line, line


def test_an_updated_date_ahead_is_warned_of_at_every_build(workspace: Path, run_cli) -> None:
    # 'updated: 2027-01-07' (a year typed wrong in a correction) went through without a word:
    # the feeds said the piece changed then, and their own date stayed there for a month.
    entry = workspace / "entries/quiet-hours.md"
    text = entry.read_text(encoding="utf-8")
    published = re.search(r"(?m)^published: .*$", text).group()
    from datetime import date

    ahead = f"{date.today().year + 1}-01-07"
    entry.write_text(text.replace(published, f"{published}\nupdated: {ahead}", 1), "utf-8")
    line = text[: text.index(published)].count("\n") + 2
    told = (
        f"warning: entries/quiet-hours.md:{line}: 'updated' is {ahead}, in the future: the "
        "feeds say the piece changed then, and give that date as their own until it passes"
    )
    other = workspace / "entries/all-of-us-strangers.md"
    for _ in range(2):  # the second reads it from the cache (another entry's edit builds)
        code, output = run_cli("build", "--root", workspace)
        other.write_text(other.read_text("utf-8") + "\nMore.\n", "utf-8")
        assert code == 0 and told in " ".join(output.split()), output
        assert "correct 'updated:' to when the piece was changed (a year typed wrong?)" in output
    entry.write_text(text, "utf-8")
    assert "'updated' is" not in run_cli("build", "--root", workspace)[1]


def test_a_sent_issue_whose_text_part_alone_changed_is_said_to_have_changed_its_email(
    workspace: Path, run_cli
) -> None:
    # The text part is as much the email as its HTML: a template of the text part's own,
    # edited, changed what a sent issue's readers hold in no words.
    built(run_cli, workspace)
    own = workspace / "templates/email/film_card.txt.j2"
    own.parent.mkdir(parents=True, exist_ok=True)
    default = (REPO / "src/dopemail/default_templates/email/film_card.txt.j2").read_text()
    assert '_("Read more: %(url)s", url=e.url)' in default
    own.write_text(default.replace('_("Read more: %(url)s", url=e.url)', '"Read on: " ~ e.url'))
    output = built(run_cli, workspace)
    assert "issue 1 was sent, and this build changed its email: its readers keep" in output, output
    assert "web version" not in output.split("issue 1 was sent")[1].split("\n")[0]


def test_two_entries_published_at_one_moment_both_renamed_are_not_paired_by_guess(
    workspace: Path, run_cli
) -> None:
    # Two pages gone and two new at one moment: which new one was which old is a guess, and
    # a wrong one would tell the editor to give a piece the other's address and feed id.
    entries = workspace / "entries"
    text = (entries / "sunny-vallejo-park-low-tide.md").read_text("utf-8")
    (entries / "low-tide-two.md").write_text(
        text.replace('title: "', 'title: "Another take: ', 1), "utf-8"
    )
    built(run_cli, workspace)
    (entries / "sunny-vallejo-park-low-tide.md").rename(entries / "low-tide-one.md")
    (entries / "low-tide-two.md").rename(entries / "low-tide-second.md")
    output = built(run_cli, workspace)
    assert "published at the same moment" not in output and "renamed from" not in output, output
    for slug in ("sunny-vallejo-park-low-tide", "low-tide-two"):
        assert (
            f"warning: the page site/{slug}/index.html is gone with this build: links to its "
            f"address ({slug}/) lead nowhere now"
        ) in output, output
