"""What the system refuses (a file in the way, an encoding, a broken link) is the editor's to
fix: one message naming the file and what to do, exit 1, no traceback, nothing lost."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import snapshot

from dopemail.build import build
from dopemail.errors import DopemailError


def _outputs(root: Path) -> dict[str, bytes]:
    return {**snapshot(root / "site"), **snapshot(root / "feeds")}


def test_a_file_where_the_build_makes_a_folder(workspace: Path, run_cli) -> None:
    build(workspace)
    site = snapshot(workspace / "site")
    shutil.rmtree(workspace / "feeds")
    (workspace / "feeds").write_text("not a folder\n", encoding="utf-8")
    code, output = run_cli("build", "--root", workspace)
    assert code == 1 and "Traceback" not in output
    assert "feeds/" in output and "Not a directory" in output, output
    assert "a file is where a folder is expected" in output
    assert snapshot(workspace / "site") == site


def test_dopemail_toml_that_is_not_utf8_names_its_line(workspace: Path, run_cli) -> None:
    config = workspace / "dopemail.toml"
    lines = config.read_bytes().split(b"\n")
    lines[2] += " # caf\xe9".encode("latin-1")
    config.write_bytes(b"\n".join(lines))
    code, output = run_cli("check", "--root", workspace)
    assert code == 1 and "Traceback" not in output
    assert "save the file as UTF-8" in output
    column = len(lines[2].decode("latin-1"))  # the last character
    assert (
        f"dopemail.toml:3: not UTF-8 text (invalid continuation byte at column {column}: 'é'"
        in output
    )


def test_dopemail_toml_that_is_a_folder_is_told_not_passed_over(workspace: Path) -> None:
    # Passed over as no publication: the one in the folder above was built instead, in
    # silence (its site/ and feeds/ written).
    from conftest import run_process

    parent = workspace.parent
    shutil.copy2(workspace / "dopemail.toml", parent / "dopemail.toml")
    shutil.copytree(workspace / "media", parent / "media")  # a publication that builds
    (workspace / "dopemail.toml").unlink()
    (workspace / "dopemail.toml").mkdir()
    said = (
        "dopemail.toml: a folder, not a file: the publication's settings are a file of this "
        "name\n  hint: move the folder away and put the settings file in its place (git "
        "checkout dopemail.toml, if it is in git)\n"
    )
    for command, where in [
        (["check"], workspace),
        (["build"], workspace),
        (["build"], workspace / "entries"),
        (["build", "--root", workspace], parent),
        (["preview", "--port", "0"], workspace),
        (["send", "1"], workspace),
    ]:
        done = run_process(*command, cwd=where)
        assert done.returncode == 1 and done.stderr.endswith(said), (command, done.stderr)
    assert not (parent / "site").exists() and not (parent / "feeds").exists()
    # A link to nothing in its place: told as one.
    (workspace / "dopemail.toml").rmdir()
    (workspace / "dopemail.toml").symlink_to("/nowhere/dopemail.toml")
    done = run_process("build", cwd=workspace)
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith(
        "dopemail.toml: a link to /nowhere/dopemail.toml, which is not there\n"
    ), done.stderr
    assert not (parent / "site").exists()


def test_dopemail_toml_with_a_byte_order_mark_is_read(workspace: Path, run_cli) -> None:
    config = workspace / "dopemail.toml"
    config.write_bytes(b"\xef\xbb\xbf" + config.read_bytes())
    code, output = run_cli("check", "--root", workspace)
    assert code == 0 and output.startswith("ok: "), output


def test_a_template_that_is_not_utf8_names_its_file_and_line(workspace: Path, run_cli) -> None:
    build(workspace)
    before = _outputs(workspace)
    override = workspace / "templates/entry.html.j2"
    override.parent.mkdir(exist_ok=True)
    override.write_bytes(b'{% extends "page.html.j2" %}\n{% block main %}caf\xe9{% endblock %}\n')
    code, output = run_cli("build", "--root", workspace)
    assert code == 1 and "Traceback" not in output
    assert "templates/entry.html.j2:2: not UTF-8 text" in output, output
    assert _outputs(workspace) == before


@pytest.mark.parametrize(
    ("name", "text"),
    [("page.html.j2", ""), ("entry_content.html.j2", "  \n"), ("email/issue.mjml.j2", "\n")],
)
def test_an_empty_template_of_the_workspace_is_refused(
    workspace: Path, run_cli, name: str, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # It once overrode the default with nothing: check said ok, and the build published every
    # page (or every entry's text, in the pages and the feeds) blank, without a word.
    build(workspace)
    before = _outputs(workspace)
    override = workspace / "templates" / name
    override.parent.mkdir(parents=True, exist_ok=True)
    override.write_text(text, encoding="utf-8")
    for command in ("check", "build"):
        code, output = run_cli(command, "--root", workspace)
        assert code == 1 and "Traceback" not in output, output
        assert f"templates/{name}: the template is empty" in output, output
        assert f"default_templates/{name}, a start), or delete the file" in output
        assert output.count("the template is empty") == 1  # said once, not per page
    assert _outputs(workspace) == before
    # The default named is one to copy from where the editor is: from the publication's
    # folder (outside dopemail's source, as with an installed dopemail), its whole path.
    monkeypatch.chdir(workspace)
    code, output = run_cli("check")
    found = re.search(r"dopemail's own is (\S+), a start\)", output)
    assert code == 1 and found, output
    assert Path(found[1]).is_absolute() and Path(found[1]).is_file(), found[1]
    assert Path(found[1]).read_text(encoding="utf-8").strip(), found[1]


@pytest.mark.parametrize("char", ["\x0b", "\x00", "\x0c", "\x1b"])
def test_a_control_character_in_a_template_is_told_at_its_line(
    workspace: Path, run_cli, char: str
) -> None:
    # It was copied into every entry's text: check, build and the preview stopped with the
    # feeds' XML library's traceback ("All strings must be XML compatible"), naming no file.
    build(workspace)
    before = _outputs(workspace)
    source = (DEFAULTS / "entry_content.html.j2").read_text("utf-8").split("\n")
    line = next(i for i, text in enumerate(source, 1) if text.startswith("<figure"))
    source[line - 1] = f"x{char}{source[line - 1]}"
    override = workspace / "templates/entry_content.html.j2"
    override.parent.mkdir(exist_ok=True)
    override.write_text("\n".join(source), encoding="utf-8")
    for command in ("check", "build"):
        code, output = run_cli(command, "--root", workspace)
        assert code == 1 and "Traceback" not in output, output
        assert (
            f"templates/entry_content.html.j2:{line}: an invisible control character, "
            f"U+{ord(char):04X}, at column 2: no page, feed, email or file dopemail writes can "
            "hold it"
        ) in output, output
    assert _outputs(workspace) == before


@pytest.mark.parametrize(
    "name",
    ["entry_item.html.j2", "email/film_card.mjml.j2", "email/issue.txt.j2", "new_entry.md.j2"],
)
def test_a_merge_conflict_left_in_a_template_is_told_at_its_lines(
    workspace: Path, run_cli, name: str
) -> None:
    # Entries, issues and dopemail.toml told it; a template's was published: '<<<<<<<' on
    # the home page and every entry listed twice, with build and check saying ok.
    build(workspace)
    before = _outputs(workspace)
    source = (DEFAULTS / name).read_text("utf-8").split("\n")
    at = next(i for i, text in enumerate(source) if text.strip() and "{#" not in text)
    source[at:at] = ["<<<<<<< HEAD", source[at], "=======", source[at] + " ", ">>>>>>> 1a2b3c4"]
    override = workspace / "templates" / name
    override.parent.mkdir(parents=True, exist_ok=True)
    override.write_text("\n".join(source), encoding="utf-8")
    for command in ("check", "build"):
        code, output = run_cli(command, "--root", workspace)
        assert code == 1 and "Traceback" not in output, output
        assert (
            f"templates/{name}:{at + 1}: a merge conflict is left in it (lines {at + 1}-"
            f"{at + 5}): both versions are in the file"
        ) in output, output
        assert "delete the <<<<<<<, ======= and >>>>>>> lines" in output
    assert _outputs(workspace) == before


def test_a_scaffold_template_that_does_not_compile_is_told_by_check_and_build(
    workspace: Path, run_cli
) -> None:
    # No build renders them: check said ok, and only `dopemail new` failed, later.
    templates = workspace / "templates"
    templates.mkdir(exist_ok=True)
    entry = (DEFAULTS / "new_entry.md.j2").read_text("utf-8").split("\n")
    entry[2] += " {% if kind %}"
    (templates / "new_entry.md.j2").write_text("\n".join(entry), encoding="utf-8")
    issue = (DEFAULTS / "new_issue.md.j2").read_text("utf-8").split("\n")
    issue[1] += " {{ subject( }}"
    (templates / "new_issue.md.j2").write_text("\n".join(issue), encoding="utf-8")
    for command in ("check", "build"):
        code, output = run_cli(command, "--root", workspace)
        assert code == 1 and "Traceback" not in output, output
        assert (
            "templates/new_entry.md.j2:3: template syntax error: the {% if %} on this line is "
            "never closed"
        ) in output, output
        assert "templates/new_issue.md.j2:2: template syntax error: unexpected '}'" in output
    # Copied as they are (new_issue.md.j2 uses a filter only `new` has): no error.
    for name in ("new_entry.md.j2", "new_issue.md.j2"):
        (templates / name).write_text((DEFAULTS / name).read_text("utf-8"), encoding="utf-8")
    code, output = run_cli("check", "--root", workspace)
    assert code == 0, output
    # A filter misspelt there is told the filters it may use, the scaffold's own among them.
    (templates / "new_issue.md.j2").write_text("{{ subject | yaml_slg }}\n", encoding="utf-8")
    code, output = run_cli("check", "--root", workspace)
    assert code == 1 and "did you mean 'yaml_slug'? dopemail's filters are" in output, output
    assert ", yaml_slug" in output.split("dopemail's filters are", 1)[1].split(";")[0], output


DEFAULTS = Path(__file__).resolve().parent.parent / "src/dopemail/default_templates"


@pytest.mark.parametrize(
    ("name", "old", "new", "line", "said"),
    [
        ("entry.html.j2", "{% block main %}", "{% block mian %}", 25, "did you mean 'main'?"),
        ("entry.html.j2", "{% block title %}", "{% block titel %}", 3, "did you mean 'title'?"),
        ("home.html.j2", "{% block main %}", "{% block body %}", None, "fills its blocks: head, "),
    ],
)
def test_a_block_its_parent_does_not_have_is_refused(
    workspace: Path, run_cli, name: str, old: str, new: str, line: int | None, said: str
) -> None:
    # A misspelt block ('mian') is shown nowhere: check said ok, and the build published
    # every entry's page with an empty <main> (a 'titel' block, pages without their title).
    build(workspace)
    before = _outputs(workspace)
    source = (DEFAULTS / name).read_text(encoding="utf-8")
    assert old in source
    line = line or source[: source.index(old)].count("\n") + 1
    (workspace / "templates" / name).write_text(source.replace(old, new), encoding="utf-8")
    for command in ("check", "build"):
        code, output = run_cli(command, "--root", workspace)
        assert code == 1 and "Traceback" not in output, output
        block = new.split()[2]
        assert f"templates/{name}:{line}: block '{block}' is not a block of page.html.j2" in output
        assert said in output, output
    assert _outputs(workspace) == before
    # A block inside an overriding one is a block for a template extending this one: no error.
    wrapped = source.replace(old, old + "{% block lead %}{% endblock %}", 1)
    (workspace / "templates" / name).write_text(wrapped, encoding="utf-8")
    assert run_cli("check", "--root", workspace)[0] == 0


def test_a_block_taken_out_of_a_parent_after_a_build_is_refused(workspace: Path, run_cli) -> None:
    # Checked as a template was compiled, and the compiled code kept: a parent edited after
    # a build (its block renamed) left its children's blocks unshown, and check said ok; and
    # a page.html.j2 of the publication's without 'main' blamed dopemail's entry.html.j2.
    templates = workspace / "templates"
    (templates / "mid.html.j2").write_text(
        '{% extends "page.html.j2" %}{% block main %}<div>{% block inner %}{% endblock %}'
        "</div>{% endblock %}\n",
        encoding="utf-8",
    )
    entry = (DEFAULTS / "entry.html.j2").read_text(encoding="utf-8")
    child = entry.replace('{% extends "page.html.j2" %}', '{% extends "mid.html.j2" %}')
    (templates / "entry.html.j2").write_text(
        child.replace("{% block main %}", "{% block inner %}"), encoding="utf-8"
    )
    build(workspace)
    before = _outputs(workspace)
    mid = (templates / "mid.html.j2").read_text(encoding="utf-8")
    (templates / "mid.html.j2").write_text(mid.replace("inner", "content"), encoding="utf-8")
    code, output = run_cli("check", "--root", workspace)
    assert code == 1 and "templates/entry.html.j2:25: block 'inner' is not a block of " in output
    assert _outputs(workspace) == before
    # The publication's page.html.j2 without 'main': told there, not at dopemail's templates.
    (templates / "mid.html.j2").unlink()
    (templates / "entry.html.j2").unlink()
    page = (DEFAULTS / "page.html.j2").read_text(encoding="utf-8")
    assert "{% block main %}" in page
    (templates / "page.html.j2").write_text(
        page.replace("{% block main %}", "{% block content %}"), encoding="utf-8"
    )
    code, output = run_cli("check", "--root", workspace)
    assert code == 1, output
    assert (
        "templates/page.html.j2: it has no block 'main', which dopemail's archive.html.j2, "
        "entry.html.j2, home.html.j2, issue.html.j2, newsletter.html.j2 fill: nothing of it is "
        "shown" in output
    ), output
    assert output.count("no block 'main'") == 1 and "(default) entry.html.j2:" not in output


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (  # a block shown through self.<name>(), as Jinja2 documents
            "home.html.j2",
            '{% extends "page.html.j2" %}{% block signup %}SIGNUP{% endblock %}'
            "{% block main %}{{ self.signup() }}{% endblock %}\n",
        ),
        (  # a parent chosen between two: not told
            "entry.html.j2",
            '{% if true %}{% extends "page.html.j2" %}{% else %}{% extends "alt.html.j2" %}'
            "{% endif %}{% block side %}x{% endblock %}{% block main %}SIGNUP{% endblock %}\n",
        ),
        (  # shown by the parent, through self.<name>() (as a sidebar some pages fill)
            "page.html.j2",
            (DEFAULTS / "page.html.j2")
            .read_text(encoding="utf-8")
            .replace(
                "{% block main %}",
                "{% if self.signup is defined %}{{ self.signup() }}{% endif %}{% block main %}",
            ),
        ),
        (  # a template nothing renders (a draft of one): told as unused, no error
            "drafts/entry-v2.html.j2",
            '{% extends "page.html.j2" %}{% block sidebar %}SIGNUP{% endblock %}\n',
        ),
    ],
)
def test_blocks_shown_another_way_are_no_error(
    workspace: Path, run_cli, name: str, text: str
) -> None:
    (workspace / "templates" / name).parent.mkdir(parents=True, exist_ok=True)
    (workspace / "templates" / name).write_text(text, encoding="utf-8")
    (workspace / "templates/alt.html.j2").write_text(
        "{% block side %}{% endblock %}{% block main %}{% endblock %}\n", encoding="utf-8"
    )
    if name == "page.html.j2":  # a page that fills the parent's self.signup()
        home = (DEFAULTS / "home.html.j2").read_text(encoding="utf-8")
        (workspace / "templates/home.html.j2").write_text(
            home + "{% block signup %}SIGNUP{% endblock %}\n", encoding="utf-8"
        )
    code, output = run_cli("build", "--root", workspace)
    assert code == 0, output
    shown = "entry-v2" not in name
    assert (
        any(b"SIGNUP" in page.read_bytes() for page in (workspace / "site").rglob("*.html"))
        is shown
    )


@pytest.mark.parametrize(
    ("old", "new", "line", "said"),
    [
        (
            "<mj-title>{{ issue.meta.subject }}</mj-title>",
            "<mj-title>{{ pub.title }}</mj-title>",
            11,
            "the <title> is not the issue's subject",
        ),
        ("<mj-preview>{{ issue.meta.preheader }}", "<mj-preview>", 12, "the preheader"),
        ('<meta name="color-scheme" content="light dark">', "", 10, "no <meta name="),
        (
            '<a href="{{ issue.url }}" style="color:#5b5b5b">',
            '<a href="issues/{{ issue.key }}/" style="color:#5b5b5b">',
            None,
            "a link that is not absolute, which goes nowhere from an inbox",
        ),
    ],
)
def test_a_fault_of_the_email_template_is_told_once_at_the_template(
    workspace: Path, run_cli, old: str, new: str, line: int | None, said: str
) -> None:
    # Told at every issue's file (sent ones too), without a line: "issues/1-...md: issue 1:
    # the <title> is 'DoPe Press', not the subject ...", three times, none naming the template.
    name = "email/issue.mjml.j2"
    source = (DEFAULTS / name).read_text(encoding="utf-8")
    assert old in source
    (workspace / "templates/email").mkdir(parents=True, exist_ok=True)
    (workspace / "templates" / name).write_text(source.replace(old, new, 1), encoding="utf-8")
    code, output = run_cli("check", "--root", workspace)
    assert code == 1 and "Traceback" not in output, output
    where = f"templates/{name}:{line}:" if line else f"templates/{name}:"
    assert f"{where} every issue's email: {said}" in output, output
    assert output.count(said) == 1 and "issues/1-strangers-and-varda.md" not in output, output


@pytest.mark.parametrize(
    ("href", "told"),
    [
        ('href="/reviews/"', "templates/email/film_card.mjml.j2: every issue's email: a link"),
        (  # made of a variable: not found as written, so any of the publication's
            'href="/{{ e.slug }}/"',
            "templates/email/: every issue's email: a link that is not absolute, which goes "
            "nowhere from an inbox (one of templates/email/film_card.mjml.j2, "
            "templates/email/issue.mjml.j2)",
        ),
    ],
)
def test_a_relative_link_of_the_film_card_is_not_blamed_on_the_layout(
    workspace: Path, run_cli, href: str, told: str
) -> None:
    # Both email templates the publication's own, the card's button made relative: told at
    # issue.mjml.j2, which holds no such link, with a hint about {{ issue.url }}.
    (workspace / "templates/email").mkdir(parents=True, exist_ok=True)
    for name in ("issue.mjml.j2", "film_card.mjml.j2"):
        source = (DEFAULTS / "email" / name).read_text(encoding="utf-8")
        if name == "film_card.mjml.j2":
            assert 'href="{{ e.url }}"' in source
            source = source.replace('href="{{ e.url }}"', href)
        (workspace / "templates/email" / name).write_text(source, encoding="utf-8")
    code, output = run_cli("check", "--root", workspace)
    assert code == 1 and told in output, output
    assert "{{ e.url }} for an entry's page" in output, output


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("entry_content.html.j2", "body_html"),
        ("email/issue.mjml.j2", "intro_html"),
        ("issue.html.j2", "content_html"),
    ],
)
def test_html_shown_as_text_is_refused_at_its_line(
    workspace: Path, run_cli, name: str, key: str
) -> None:
    # '{{ body_html }}' for '{{ body_html | safe }}': every page, feed item and email showed
    # the tags as text ('&lt;p&gt;'), and check said ok.
    build(workspace)
    before = _outputs(workspace)
    source = (DEFAULTS / name).read_text(encoding="utf-8")
    shown = f"{{{{ {key} | safe"
    assert shown in source
    mine = workspace / "templates" / name
    mine.parent.mkdir(parents=True, exist_ok=True)
    mine.write_text(source.replace(shown, f"{{{{ {key}", 1), encoding="utf-8")
    line = source[: source.index(shown)].count("\n") + 1
    for command in ("check", "build"):
        code, output = run_cli(command, "--root", workspace)
        assert code == 1 and "Traceback" not in output, output
        assert f"templates/{name}:{line}: {key} is shown as text, its HTML tags" in output, output
        assert f"hint: show it as {{{{ {key} | safe }}}}" in output
    assert _outputs(workspace) == before
    # '| safe' on a part of the expression: told where, and how to apply it to the whole.
    mine.write_text(source.replace(shown, f"{{{{ {key} ~ '' | safe", 1), encoding="utf-8")
    code, output = run_cli("check", "--root", workspace)
    assert code == 1 and f"templates/{name}:{line}: {key} is shown as text" in output, output
    assert f"write {{{{ ({key} ~ ...) | safe }}}}, the whole in parentheses" in output
    # What a template makes of it otherwise is its own ('| replace', '~'): as it was.
    made = source.replace(shown, f"{{{{ ({key} ~ '') | replace('<p>', '<p>') | safe", 1)
    mine.write_text(made, encoding="utf-8")
    code, output = run_cli("build", "--root", workspace)
    assert code == 0, output
    assert _outputs(workspace) == before
    # Its source shown on purpose ('| e', in a <textarea>): no error.
    mine.write_text(source.replace(shown, f"{{{{ {key} | e", 1), encoding="utf-8")
    code, output = run_cli("build", "--root", workspace)
    assert code == 0 and "shown as text" not in output, output


def test_html_shown_as_text_is_refused_as_a_field_and_cut_short(workspace: Path, run_cli) -> None:
    # An issue's film card showing each entry's text ('item.body_html', a field of what it is
    # given in a loop), cut short: its tags were shown as text in the email, and check said
    # ok (only what a template is given by that name was looked for, and only whole).
    build(workspace)
    before = _outputs(workspace)
    source = (DEFAULTS / "email/film_card.mjml.j2").read_text(encoding="utf-8")
    shown = "{{ item.summary_marked | italics | in_language(m.language) }}"
    assert shown in source
    line = source[: source.index(shown)].count("\n") + 1
    mine = workspace / "templates/email/film_card.mjml.j2"
    mine.parent.mkdir(parents=True, exist_ok=True)
    mine.write_text(source.replace(shown, "{{ item.body_html | truncate(40) }}"), "utf-8")
    for command in ("check", "build"):
        code, output = run_cli(command, "--root", workspace)
        assert code == 1 and "Traceback" not in output, output
        assert (
            f"templates/email/film_card.mjml.j2:{line}: item.body_html is shown as text, its "
            "HTML tags and all" in output
        ), output
        assert (
            "hint: to show its start, write {{ item.body_html | striptags | truncate(40) }}"
            in output
        ), output
    assert _outputs(workspace) == before
    # Cut shorter than its first words: still its first tag, escaped.
    for length in (20, 10):
        cut = f"{{{{ item.body_html | truncate({length}) }}}}"
        mine.write_text(source.replace(shown, cut), "utf-8")
        code, output = run_cli("check", "--root", workspace)
        assert code == 1 and f"| striptags | truncate({length}) }}}}" in output, output
    # Whole, without '| safe': the same line, the usual hint.
    mine.write_text(source.replace(shown, "{{ item.body_html }}"), "utf-8")
    code, output = run_cli("check", "--root", workspace)
    assert code == 1 and "hint: show it as {{ item.body_html | safe }}" in output, output
    # As the hint says: built, its text in the email.
    mine.write_text(source.replace(shown, "{{ item.body_html | striptags | truncate(40) }}"))
    code, output = run_cli("build", "--root", workspace)
    assert code == 0 and "shown as text" not in output, output
    email = next((workspace / "site/issues").glob("1-*/email.html")).read_text("utf-8")
    assert "&lt;p&gt;" not in email


def test_an_empty_template_is_told_by_a_build_on_several_cores(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The process that forks the workers makes every template ready while they render:
    # there too, the empty one is told as it is, once.
    from dopemail import parallel

    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    (workspace / "templates").mkdir(exist_ok=True)
    (workspace / "templates/entry_item.html.j2").write_text("", encoding="utf-8")
    with pytest.raises(DopemailError) as caught:
        build(workspace, use_cache=False, jobs=2)
    told = getattr(caught.value, "errors", [caught.value])
    assert [(e.path, e.message) for e in told] == [
        (
            "templates/entry_item.html.j2",
            "the template is empty: what is made with it would be published blank",
        )
    ]


def test_an_empty_template_that_replaces_no_default_or_that_nothing_renders_is_no_error(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A partial of the editor's own left empty on purpose (included by their page), and an
    # emptied email template in a publication without issues: nothing is published blank, and
    # a build on several cores, which makes every template ready ahead, says so too.
    from dopemail import parallel

    templates = workspace / "templates"
    (templates / "email").mkdir(parents=True, exist_ok=True)
    (templates / "analytics.html.j2").write_text("", encoding="utf-8")
    default_page = Path(parallel.__file__).parent / "default_templates/page.html.j2"
    page = default_page.read_text(encoding="utf-8")
    assert "</body>" in page
    page = page.replace("</body>", '{% include "analytics.html.j2" %}</body>', 1)
    (templates / "page.html.j2").write_text(page, encoding="utf-8")
    (templates / "email/issue.mjml.j2").write_text("\n", encoding="utf-8")
    shutil.rmtree(workspace / "issues")
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    for jobs in (1, 2):
        result, _ = build(workspace, use_cache=False, jobs=jobs)
        assert b"</body>" in bytes(result.outputs["site/index.html"])


def test_lock_files_are_not_pieces_and_broken_links_are_told(workspace: Path, run_cli) -> None:
    # Emacs keeps '.#name.md', a link to nowhere, while a file has unsaved changes: the build
    # once stopped on it with a traceback. Hidden files are no entries or issues; the build
    # is the one without them.
    build(workspace)
    before = _outputs(workspace)
    (workspace / "entries/.#quiet-hours.md").symlink_to("editor@host.1234:1700000000")
    (workspace / "issues/.#3-quiet-hours.md").symlink_to("editor@host.1234:1700000000")
    (workspace / "media/.#poster.jpg").symlink_to("nowhere.jpg")
    (workspace / "entries/._quiet-hours.md").write_bytes(b"\x00\x05\x16\x07 AppleDouble")
    code, output = run_cli("build", "--root", workspace)
    assert code == 0 and "Traceback" not in output, output
    assert _outputs(workspace) == before
    # A piece's name linked to nowhere, or to itself, is no lock file: an entry whose file
    # is on a disk not connected was unpublished without a word. Told, nothing removed.
    (workspace / "entries/loop.md").symlink_to("loop.md")
    (workspace / "entries/elsewhere.md").symlink_to("/nowhere/elsewhere.md")
    code, output = run_cli("build", "--root", workspace)
    assert code == 1 and "Traceback" not in output, output
    assert "entries/loop.md: a link that leads back to itself" in output, output
    assert "entries/elsewhere.md: a link to /nowhere/elsewhere.md, which is not there" in output
    assert _outputs(workspace) == before


NOT_A_FILE = "not a file (an entry is a .md file in entries/)"


@pytest.mark.parametrize(
    ("name", "make", "said"),
    [
        ("entries/x.md", os.mkfifo, "a pipe (FIFO)"),
        ("entries/x.md", os.mkdir, "a folder"),
        ("entries/x.md", lambda path: os.symlink("/", path), "a link to a folder, /"),
        # A piece's file replaced: its page was unpublished, told only as an issue's
        # "unknown entry 'quiet-hours'".
        ("entries/quiet-hours.md", os.mkdir, "a folder"),
    ],
    ids=["pipe", "folder", "link-to-folder", "a-piece-replaced"],
)
def test_a_name_read_as_a_piece_that_is_no_file_stops_the_build(
    workspace: Path, name: str, make, said: str
) -> None:
    # Passed over without a word: check said ok and the build exited 0 (a pipe never opened:
    # reading it would wait for a writer forever).
    from conftest import run_process

    build(workspace)
    before = _outputs(workspace)
    path = workspace / name
    if path.exists():
        path.unlink()
    make(str(path))
    for command in ("check", "build"):
        done = run_process(command, "--root", workspace)
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
        assert done.stderr.startswith(f"{name}: not read: {said}, {NOT_A_FILE}\n"), done.stderr
        assert "hint: if it was an entry, put its file back in its place" in done.stderr
        assert "unknown entry" not in done.stderr and "problems found" not in done.stderr
    assert _outputs(workspace) == before


def test_a_folder_named_as_an_issue_is_told_after_a_build_that_changed_nothing(
    workspace: Path,
) -> None:
    # An empty folder was no input to the no-op check: 'nothing changed'.
    from conftest import run_process

    assert run_process("build", "--root", workspace).returncode == 0
    (workspace / "issues/4-next.md").mkdir()
    done = run_process("build", "--root", workspace)
    assert done.returncode == 1, done.stdout + done.stderr
    assert (
        "issues/4-next.md: not read: a folder, not a file (an issue is a .md file in issues/)"
    ) in done.stderr


def test_a_ledger_the_disk_will_not_write_is_told_not_a_traceback(tmp_path: Path) -> None:
    # A full disk during a send ended in SQLite's traceback ("database or disk is full"),
    # where an OSError would have been one line with what to do.
    import sqlite3

    import click
    from click.testing import CliRunner

    from dopemail.cli_support import reports_errors, reports_send_errors

    path = tmp_path / "sends.sqlite"
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.commit()

    def write_readonly() -> None:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            db.execute("INSERT INTO t VALUES (1)")

    write = click.command("write")(reports_errors(write_readonly))
    result = CliRunner().invoke(write)
    assert result.exit_code == 1 and result.exception is not None
    assert "Traceback" not in result.output
    assert result.output.startswith(
        ".dopemail/sends.sqlite: attempt to write a readonly database\n  hint: it is read-only "
        "(the file, its folder .dopemail/ or its disk"
    ), result.output
    # Of a command that sends nothing, the ledger is left as it is (a batch stays in flight
    # only where 'send --yes' was posting it, below).
    assert "the ledger is left as it is" in result.output and "in flight" not in result.output
    # Said so too from inside a send, where the ledger's other errors are its own.
    from dopemail.send.ledger import reported

    @click.command()
    @reports_errors
    def send() -> None:
        with reported(path):
            write_readonly()

    assert CliRunner().invoke(send).output == result.output

    @click.command()
    @reports_errors
    def bug() -> None:
        sqlite3.connect(path).execute("SELECT nothing FROM nowhere")

    assert isinstance(CliRunner().invoke(bug).exception, sqlite3.OperationalError)

    @click.command()
    @click.option("--yes", is_flag=True)
    @reports_send_errors
    def sending(yes: bool) -> None:
        write_readonly()

    told = CliRunner().invoke(sending, ["--yes"]).output
    assert told.startswith(".dopemail/sends.sqlite: attempt to write a readonly database\n")
    assert told.endswith(
        "; the ledger keeps what was sent, and a batch whose answer it could "
        "not write stays in flight ('dopemail status' lists it)\n"
    ), told


def test_a_folder_where_an_output_goes_stops_the_build_before_it_writes(
    workspace: Path, run_cli
) -> None:
    # The rename of feeds/rss.xml failed after atom.xml, feed.json and issues.xml were put in
    # place: the feeds had the new summary, the pages the old one.
    build(workspace)
    before = _outputs(workspace)
    entry = workspace / "entries/all-of-us-strangers.md"
    source = entry.read_text(encoding="utf-8")
    entry.write_text(source.replace("breathtaking emotional power.", "a new summary.", 1))
    (workspace / "feeds/rss.xml").unlink()
    (workspace / "feeds/rss.xml").mkdir()
    (workspace / "feeds/rss.xml/keep").write_text("kept\n", encoding="utf-8")
    del before["rss.xml"]
    code, output = run_cli("build", "--root", workspace)
    assert code == 1 and "Traceback" not in output, output
    assert "feeds/rss.xml" in output and "a folder is where a file is expected" in output
    after = _outputs(workspace)
    assert after == {**before, "rss.xml/keep": b"kept\n"}
    assert not [p for p in workspace.rglob("*.tmp")]


def _build_limited(workspace: Path, size: int, *options: str) -> subprocess.CompletedProcess[str]:
    """``dopemail build`` in a process that may write no file larger than ``size`` bytes."""

    def limit() -> None:
        hard = resource.getrlimit(resource.RLIMIT_FSIZE)[1]
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, hard))

    return subprocess.run(
        [sys.executable, "-m", "dopemail", "build", "--root", str(workspace), *options],
        cwd=workspace,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limit,
    )


@pytest.mark.parametrize("options", [(), ("--no-cache",)])
def test_a_file_size_limit_is_told_not_a_traceback(workspace: Path, options: tuple[str]) -> None:
    # Under 'ulimit -f 30' a build that wrote a larger file (a cache record, an email) ended in
    # a traceback, "OSError: [Errno 27] File too large". Python ignores SIGXFSZ (as it does
    # SIGPIPE): the write fails with EFBIG instead of the signal killing the process.
    assert signal.getsignal(signal.SIGXFSZ) == signal.SIG_IGN
    build(workspace)
    before = _outputs(workspace)
    entry = workspace / "entries/varda-in-los-angeles.md"
    entry.write_text(entry.read_text("utf-8") + "\nAn added sentence.\n", encoding="utf-8")
    done = _build_limited(workspace, 30 * 1024, *options)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert "File too large\n  hint: it is larger than a file may be here" in done.stderr
    assert "run 'ulimit -f unlimited' in that shell" in done.stderr, done.stderr
    assert _outputs(workspace) == before
    assert not [p for p in workspace.rglob("*.tmp")]
    # The file named, as the editor sees it (not a temporary name): a cache record, or the
    # kept bytes (.dopemail/blobs/) of an output, which os.write never named.
    named = re.match(r"(\S+): File too large\n", done.stderr)
    assert named and named[1].startswith(".dopemail/"), done.stderr
    assert not named[1].endswith(".tmp") and (workspace / named[1]).parent.is_dir(), named[1]


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real file system of 4 MB of its own (a tmpfs: root only), mounted for the test."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], capture_output=True
    )
    if made.returncode != 0:
        pytest.skip(f"no tmpfs could be mounted: {made.stderr!r}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def test_a_full_disk_names_the_file_and_where_the_link_of_site_leads(
    workspace: Path, run_cli, small_disk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # site/ a link to a web root on another disk, full: told "No space left on device" and
    # "the disk is full", with no file named, so not which disk.
    (small_disk / "site").mkdir()
    (workspace / "site").symlink_to(small_disk / "site")
    monkeypatch.chdir(workspace)
    code, output = run_cli("build")
    assert code == 0, output
    before = _outputs(workspace)
    with open(small_disk / "filler", "wb", buffering=0) as filler, contextlib.suppress(OSError):
        while True:  # until the disk is full
            filler.write(b"x" * 4096)
    entry = workspace / "entries/varda-in-los-angeles.md"
    entry.write_text(entry.read_text("utf-8") + "\nAn added sentence.\n", encoding="utf-8")
    code, output = run_cli("build")
    assert code == 1 and "Traceback" not in output, output
    told = re.match(
        r"site/(\S+)/[^/\s]+: No space left on device \(in (\S+)/, where the link site/ leads\)"
        r"\n  hint: the disk is full",
        output,
    )
    assert told and told[2] == f"{small_disk}/site/{told[1]}", output
    assert _outputs(workspace) == before
    assert not [p for p in workspace.rglob("*.tmp")]


def test_a_file_name_that_is_not_utf8_is_told_not_a_traceback(workspace: Path, run_cli) -> None:
    # Unpacked from a zip made on Windows: 'caf\xe9.md', a Latin-1 é in the name. The build and
    # check ended in a traceback (UnicodeEncodeError) even for a stray file in media/.
    build(workspace)
    before = _outputs(workspace)
    entries = os.fsencode(workspace / "entries")
    shutil.copy(workspace / "entries/quiet-hours.md", os.path.join(entries, b"caf\xe9.md"))
    for command in ("check", "build"):
        code, output = run_cli(command, "--root", workspace)
        assert code == 1 and "Traceback" not in output, output
        assert (
            "entries/caf?.md: not read: the file's name is not UTF-8 text, as names are here"
        ) in output, output
        assert "hint: rename it to café.md, or another name" in output, output
    assert _outputs(workspace) == before
    os.remove(os.path.join(entries, b"caf\xe9.md"))
    # Named as Markdown otherwise, or by the DOS code page Windows' own zip tool writes (é as
    # 82): the name meant, .md (the é was dropped, or the hint could not be typed).
    for raw in (b"caf\xe9.md.txt", b"caf\x82.md"):
        shutil.copy(workspace / "entries/quiet-hours.md", os.path.join(entries, raw))
        code, output = run_cli("check", "--root", workspace)
        assert code == 1 and "hint: rename it to café.md, or another name" in output, output
        assert output.count("not read") == 1, output
        os.remove(os.path.join(entries, raw))
    # A stray one under media/ or templates/, which nothing shows: built as ever.
    media = os.fsencode(workspace / "media/all-of-us-strangers")
    shutil.copy(workspace / "media/all-of-us-strangers/01.jpg", os.path.join(media, b"x\xe9.jpg"))
    templates = os.fsencode(workspace / "templates")
    with open(os.path.join(templates, b"caf\xe9.html"), "w") as stray:
        stray.write("<p>notes</p>")
    for command in ("check", "build"):
        code, output = run_cli(command, "--root", workspace)
        assert code == 0, output


def test_a_file_name_with_a_direction_override_is_shown_escaped(workspace: Path, run_cli) -> None:
    # The override (U+202E) was taken out of what was printed, as what the terminal acts
    # on: the message named 'entries/abcd.md', a file that is not there.
    (workspace / "entries/ab\u202ecd.md").write_text("---\ntitle: [x\n---\n", "utf-8")
    code, output = run_cli("check", "--root", workspace)
    assert code == 1 and "Traceback" not in output, output
    assert output.startswith("entries/ab\\u202ecd.md:2: broken YAML: the list opened"), output
    assert "\u202e" not in output
    # The joiners a Persian name is written with are its letters', shown as they are.
    (workspace / "entries/ab\u202ecd.md").rename(workspace / "entries/می\u200cخواهم.md")
    code, output = run_cli("check", "--root", workspace)
    assert output.startswith("entries/می\u200cخواهم.md:2: broken YAML"), output


def test_a_picture_with_a_long_name_is_published(workspace: Path, run_cli) -> None:
    # 250 characters, legal on disk: its temporary name ('.<name>.<pid>.tmp') was not, and the
    # build ended in a traceback (ENAMETOOLONG) after check said ok.
    name = "p" * 246 + ".jpg"
    folder = workspace / "media/varda-in-los-angeles"
    (folder / "02.jpg").rename(folder / name)
    entry = workspace / "entries/varda-in-los-angeles.md"
    text = entry.read_text("utf-8")
    assert "src: media/varda-in-los-angeles/02.jpg" in text
    entry.write_text(text.replace("varda-in-los-angeles/02.jpg", f"varda-in-los-angeles/{name}"))
    code, output = run_cli("build", "--root", workspace)
    assert code == 0 and "Traceback" not in output, output
    published = workspace / "site/media/varda-in-los-angeles" / name
    assert published.read_bytes() == (folder / name).read_bytes()
    assert not [p for p in published.parent.iterdir() if p.name.endswith(".tmp")]


def test_two_pictures_named_alike_but_for_their_accents_are_refused(
    workspace: Path, run_cli
) -> None:
    # 'café noir.jpg' twice in one folder, the é one character in one name and e and an accent
    # in the other: both were published as one file, one page showing the other's picture.
    folder = workspace / "media/varda-in-los-angeles"
    composed, decomposed = "caf\u00e9 noir.jpg", "cafe\u0301 noir.jpg"
    shutil.copy(folder / "01.jpg", folder / composed)
    shutil.copy(workspace / "media/all-of-us-strangers/01.jpg", folder / decomposed)
    for rel, name in (
        ("entries/varda-in-los-angeles.md", decomposed),
        ("entries/the-salt-orchard-qa.md", composed),
    ):
        entry = workspace / rel
        text = entry.read_text("utf-8")
        src = next(line for line in text.splitlines() if line.strip().startswith("- src: media/"))
        place = src.split("src: ", 1)[1].strip()
        entry.write_text(text.replace(place, f"media/varda-in-los-angeles/{name}", 1), "utf-8")
    code, output = run_cli("check", "--root", workspace)
    assert code == 1 and "Traceback" not in output, output
    assert "two pictures would be published as one file, site/media/varda-in-los-angeles/" in output
    # Each spelling shown apart (printed as they are, the two looked the same).
    assert "'media/varda-in-los-angeles/cafe\\u0301 noir.jpg'" in output, output
    assert "hint: rename one of them" in output, output
    # One file found by both names (as a Mac's disk finds it; a hard link here): one picture.
    (folder / decomposed).unlink()
    os.link(folder / composed, folder / decomposed)
    code, output = run_cli("build", "--root", workspace)
    assert code == 0, output


def test_an_entry_whose_name_ends_with_a_space_is_told(workspace: Path, run_cli) -> None:
    # 'quiet-hours.md ' (a space typed after the name, or left by a copy): not read, and
    # not a word said, while .MD, .markdown and .md.txt are told.
    (workspace / "entries/quiet-hours.md").rename(workspace / "entries/quiet-hours.md ")
    code, output = run_cli("check", "--root", workspace)
    assert code == 1, output
    assert (
        "entries/quiet-hours.md : not read: the file's name ends with a space ('quiet-hours.md ')"
        "\n  hint: rename it to quiet-hours.md"
    ) in output, output


def _atom_refused(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, error: Callable[[str], OSError]
) -> dict[str, bytes]:
    """Build ``workspace``, edit an entry, and have the next build's write of feeds/atom.xml
    (its temporary file) fail with ``error(tmp)``: the outputs as they were, to compare."""
    from dopemail import write

    build(workspace)
    before = _outputs(workspace)
    entry = workspace / "entries/quiet-hours.md"
    entry.write_text(entry.read_text("utf-8").replace("Quiet Hours", "Quiet Hours, again", 1))
    staged = write._Blobs.stage

    def refused(self, data, tmp: str, pid: int, trust: bool = False):  # type: ignore[no-untyped-def]
        if os.path.basename(tmp).startswith(".atom.xml."):
            raise error(tmp)
        return staged(self, data, tmp, pid, trust)

    monkeypatch.setattr(write._Blobs, "stage", refused)
    return before


@pytest.mark.parametrize("code", [errno.EPERM, errno.EACCES])
def test_a_folder_that_refuses_an_output_is_named_not_our_temporary_file(
    workspace: Path, run_cli, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    # A read-only feeds/ was told as "feeds/.atom.xml.11416.tmp: Operation not permitted", a
    # file the editor never made, with a hint about its permissions.
    before = _atom_refused(
        workspace, monkeypatch, lambda tmp: OSError(code, os.strerror(code), tmp)
    )
    monkeypatch.chdir(workspace)  # (paths are said from where the editor is)
    code_, output = run_cli("build")
    assert code_ == 1 and "Traceback" not in output and ".tmp" not in output, output
    assert f"feeds/atom.xml: {os.strerror(code)}: it cannot be written in feeds/" in output
    assert "ls -ld feeds" in output, output
    assert _outputs(workspace) == before
    # A file of the editor's own named like one of ours is named as it is.
    from dopemail.errors import system_error

    other = system_error(OSError(code, os.strerror(code), "media/scan.2024.tmp"))
    assert other.path == "media/scan.2024.tmp" and other.message == os.strerror(code)
    # Nor ours in .dopemail/ (its journal, its records): '.dopemail/writing.json.25908.tmp'
    # was named, a file there is not.
    ours = system_error(OSError(code, os.strerror(code), ".dopemail/writing.json.25908.tmp"))
    assert ours.path == ".dopemail/writing.json", ours
    assert ours.message == f"{os.strerror(code)}: it cannot be written in .dopemail/"
    assert "ls -ld .dopemail" in (ours.hint or "")


def test_a_site_folder_that_is_a_link_to_nowhere_is_told_so(workspace: Path, run_cli) -> None:
    # site/ a link to a web server's disk, not mounted: told "File exists" and "a file is in
    # the way of a folder of that name".
    (workspace / "site").symlink_to(workspace.parent / "not-mounted" / "site")
    code, output = run_cli("build", "--root", workspace)
    assert code == 1 and "Traceback" not in output, output
    assert f"it is a link to {workspace.parent / 'not-mounted' / 'site'}, which is not there" in (
        output
    )
    assert "connect the disk or make the folder it points to, or remove the link" in output


def test_a_long_name_s_temporary_name_fits_and_is_cleared_as_ours() -> None:
    # A killed build's temporaries are found by their shape: the hashed one must have it, fit
    # the file system's 255 bytes, and differ for two names.
    from dopemail import write

    long_one, other = "p" * 246 + ".jpg", "p" * 245 + "q.jpg"
    for name in (long_one, other, "index.html"):
        made = write.temporary_name(name, 4242)
        assert write._TEMPORARY.fullmatch(made) and len(os.fsencode(made)) <= 255, made
    assert write.temporary_name("index.html", 4242) == ".index.html.4242.tmp"
    assert write.temporary_name(long_one, 4242) != write.temporary_name(other, 4242)


def _full(path: object = None) -> OSError:
    """What a full disk raises: a write names no file, an open or a rename does."""
    code = errno.ENOSPC
    return (
        OSError(code, os.strerror(code)) if path is None else OSError(code, os.strerror(code), path)
    )


_SENT_CHANGED = "issue 1 was sent, and this build changed its web version and its email"


def _edit_sent_issue_entry(workspace: Path) -> None:
    # An entry issue 1 (sent) gathers: its web version and email change with it.
    entry = workspace / "entries/all-of-us-strangers.md"
    text = entry.read_text(encoding="utf-8")
    entry.write_text(text.replace("I’ve always said", "I have always said", 1), "utf-8")


def _clean_build(workspace: Path, run_cli) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    """The outputs a build from scratch makes of ``workspace`` as it is (in a copy)."""
    clean = workspace.parent / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    shutil.copytree(workspace, clean, symlinks=True)
    code, output = run_cli("build", "--root", clean, "--no-cache")
    assert code == 0, output
    return _outputs(clean)


@pytest.mark.parametrize("refused", ["file keys", "journal", "build record"])
def test_a_full_disk_once_the_outputs_are_in_place_says_so_and_warns(
    workspace: Path, run_cli, monkeypatch: pytest.MonkeyPatch, refused: str
) -> None:
    # The disk filled 0.3 s into a build: "feed-ids.json: No space left on device ... what was
    # built before is intact", rc 1, while every changed file in site/ and feeds/ was already
    # the new one; and the warning of the sent issue's changed email was not given.
    from dopemail import cache, fingerprint
    from dopemail import write as write_module

    monkeypatch.chdir(workspace)  # (paths are said from where the editor is)
    assert run_cli("build")[0] == 0
    _edit_sent_issue_entry(workspace)
    expected = _clean_build(workspace, run_cli)
    if refused == "file keys":  # written after the outputs are put in place
        record = ".dopemail/cache/file-keys.json"

        def save(self: object) -> None:
            raise _full(workspace / record)

        monkeypatch.setattr(cache.BuildCache, "save_file_keys", save)
    elif refused == "journal":  # what the write replaced, kept for the warnings to be said
        record = write_module.JOURNAL
        journal = write_module._journal

        def kept(root: Path, targets: list[str], replacing: list[str], *rest: object) -> None:
            if not targets and replacing:  # the one after the renames
                raise _full(root / record)
            journal(root, targets, replacing, *rest)  # type: ignore[arg-type]

        monkeypatch.setattr(write_module, "_journal", kept)
    else:  # the build's record for the next to say "nothing changed", after the warnings
        record = fingerprint.STATE

        def state(root: Path, state: object) -> None:
            raise _full(root / record)

        monkeypatch.setattr(fingerprint, "_write_state", state)
    code, output = run_cli("build")
    assert code == 1 and "Traceback" not in output, output
    assert output.count(_SENT_CHANGED) == 1, output
    error = output[output.index(f"{record}: ") :]
    assert error == (
        f"{record}: No space left on device, after this build's files were put in place: site/ "
        "and feeds/ hold the new ones, every one; only this record of dopemail's own could not "
        "be saved\n  hint: the disk is full: free some space; the next build, without this "
        "record, does again some of this one's work (reads or renders again what the record "
        "would have spared); this build's warnings are above\n"
    ), output
    assert "intact" not in output
    assert _outputs(workspace) == expected
    assert not [p for p in workspace.rglob("*.tmp")]
    monkeypatch.undo()
    monkeypatch.chdir(workspace)
    code, output = run_cli("build")
    assert code == 0 and _SENT_CHANGED not in output, output  # said once, by the build above
    assert _outputs(workspace) == expected


def test_a_journal_the_full_disk_refuses_after_the_renames_is_not_said_twice(
    workspace: Path, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The journal written before the renames stayed when the disk refused the one after them:
    # taken for an unfinished write's, it was written again (refused again), and the next
    # build said the sent issue's changed email a second time.
    from dopemail import write as write_module

    monkeypatch.chdir(workspace)
    assert run_cli("build")[0] == 0
    _edit_sent_issue_entry(workspace)
    journal = write_module._journal
    renaming: list[bool] = []

    def full_after_the_renames(root: Path, targets: list[str], *rest: object, **kw: object) -> None:
        if renaming:  # every one after the one written before the renames (its targets)
            raise _full(root / write_module.JOURNAL)
        if targets:
            renaming.append(True)
        journal(root, targets, *rest, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(write_module, "_journal", full_after_the_renames)
    code, output = run_cli("build")
    assert code == 1 and output.count(_SENT_CHANGED) == 1, output
    assert "this build's warnings are above" in output, output
    monkeypatch.undo()
    monkeypatch.chdir(workspace)
    code, output = run_cli("build")
    assert code == 0 and _SENT_CHANGED not in output, output
    assert not (workspace / write_module.JOURNAL).exists()


def test_a_full_disk_as_the_outputs_go_in_place_leaves_the_last_build_s(
    workspace: Path, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Before the first rename, a full disk is what it was: nothing of this build is in place.
    from dopemail import write as write_module

    assert run_cli("build", "--root", workspace)[0] == 0
    before = _outputs(workspace)
    _edit_sent_issue_entry(workspace)
    journal = write_module._journal

    def kept(root: Path, targets: list[str], *rest: object) -> None:
        if targets:  # the one before the renames
            raise _full(root / write_module.JOURNAL)
        journal(root, targets, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(write_module, "_journal", kept)
    code, output = run_cli("build", "--root", workspace)
    assert code == 1 and "Traceback" not in output, output
    assert "hint: the disk is full: free some space and run again (what was built before is " in (
        output
    )
    assert _SENT_CHANGED not in output and "put in place" not in output, output
    assert _outputs(workspace) == before


@pytest.mark.parametrize("refused", ["old page", "manifest"])
def test_a_write_left_unfinished_is_finished_by_the_next_build(
    workspace: Path, run_cli, monkeypatch: pytest.MonkeyPatch, refused: str
) -> None:
    # Once the outputs were in place, an old page the disk would not remove, or the list of
    # outputs not saved (a full disk): the next build said "nothing changed" and left the
    # page, and an entry added by the failed build, then deleted, kept its page for good.
    from dopemail import write as write_module

    monkeypatch.chdir(workspace)
    assert run_cli("build")[0] == 0
    old = workspace / "site/quiet-hours/index.html"
    added = workspace / "entries/probe-piece.md"
    text = (workspace / "entries/quiet-hours.md").read_text("utf-8")
    added.write_text(re.sub(r"(?m)^title: .*$", "title: A probe", text, count=1), "utf-8")
    if refused == "old page":
        (workspace / "entries/quiet-hours.md").unlink()
        issue = workspace / "issues/3-quiet-hours.md"
        issue.write_text(issue.read_text("utf-8").replace("  - quiet-hours\n", "  - probe-piece\n"))
        unlink = Path.unlink

        def refuse(path: Path, missing_ok: bool = False) -> None:
            if path == old:
                raise PermissionError(errno.EACCES, "Permission denied", str(path))
            unlink(path, missing_ok=missing_ok)

        monkeypatch.setattr(Path, "unlink", refuse)
    else:
        replace = write_module.replace_file

        def full(path: object, data: bytes) -> None:
            if str(path).endswith(write_module.MANIFEST):
                raise _full(path)
            replace(path, data)

        monkeypatch.setattr(write_module, "replace_file", full)
    code, output = run_cli("build")
    assert code == 1 and "Traceback" not in output, output
    assert "after this build's files were put in place" in output, output
    if refused == "manifest":
        assert "the next build runs in full, and removes what this one made" in output, output
    monkeypatch.undo()
    monkeypatch.chdir(workspace)
    if refused == "manifest":  # the piece the failed build added is taken out again
        added.unlink()
        issue = workspace / "issues/3-quiet-hours.md"
        assert "probe-piece" not in issue.read_text("utf-8")
    code, output = run_cli("build")
    assert code == 0 and "nothing changed" not in output, output
    assert _outputs(workspace) == _clean_build(workspace, run_cli)
    gone = old if refused == "old page" else workspace / "site/probe-piece/index.html"
    assert not gone.exists()
    assert run_cli("build")[1].startswith("nothing changed")


def test_a_rename_refused_partway_says_some_files_are_new(
    workspace: Path, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A rename refused partway (a full disk that cannot grow a folder) was told "site/ and
    # feeds/ hold the new ones, every one", of a page still the last build's.
    from dopemail import write as write_module

    assert run_cli("build", "--root", workspace)[0] == 0
    _edit_sent_issue_entry(workspace)
    replace = write_module.os.replace

    def refused(src: str, dst: str) -> None:
        if str(dst).endswith(os.path.join("site", "all-of-us-strangers", "index.html")):
            raise _full(dst)
        replace(src, dst)

    monkeypatch.setattr(write_module.os, "replace", refused)
    code, output = run_cli("build", "--root", workspace)
    assert code == 1 and "Traceback" not in output, output
    assert "some in site/ and feeds/ are the new ones, the others the last build's" in output
    assert "every one" not in output, output
    monkeypatch.undo()
    assert run_cli("build", "--root", workspace)[0] == 0
    assert _outputs(workspace) == _clean_build(workspace, run_cli)


def _statvfs(files: int, free_files: int, free_blocks: int):  # type: ignore[no-untyped-def]
    real = os.statvfs

    def statvfs(path: object) -> object:
        found = real(path)  # type: ignore[arg-type]
        fields = list(found)
        # f_bsize f_frsize f_blocks f_bfree f_bavail f_files f_ffree f_favail f_flag f_namemax
        fields[3] = fields[4] = free_blocks
        fields[5], fields[6], fields[7] = files, free_files, free_files
        return os.statvfs_result(fields)

    return statvfs


@pytest.mark.parametrize("inodes", ["used up", "left", "not counted"])
def test_a_disk_with_no_inode_left_is_told_so_not_to_free_space(
    workspace: Path, run_cli, monkeypatch: pytest.MonkeyPatch, inodes: str
) -> None:
    # "No space left on device ... free some space", while df showed space: every inode was
    # taken (a tmpfs's nr_inodes, a disk of millions of small files).
    before = _atom_refused(workspace, monkeypatch, _full)
    counts = {"used up": (1000, 0, 500), "left": (1000, 10, 500), "not counted": (0, 0, 500)}
    monkeypatch.setattr(os, "statvfs", _statvfs(*counts[inodes]))
    monkeypatch.chdir(workspace)
    code, output = run_cli("build")
    assert code == 1 and "Traceback" not in output and ".tmp" not in output, output
    if inodes == "used up":
        assert output == (
            "feeds/atom.xml: No space left on device: no room for more files on that disk (it "
            "has space, but every inode is used)\n  hint: the disk can hold no more files "
            "('df -i' shows it): remove files you do not need there, many small ones count "
            "more than a few large, and run again (what was built before is intact)\n"
        ), output
    else:  # (btrfs counts no inodes: f_files 0)
        assert output == (
            "feeds/atom.xml: No space left on device\n  hint: the disk is full: free some "
            "space and run again (what was built before is intact)\n"
        ), output
    assert _outputs(workspace) == before


def test_a_full_disk_as_a_picture_is_kept_names_the_folder_and_the_picture(
    workspace: Path, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A first build keeps each picture under a name of its bytes' hash, known once copied:
    # the message named '.dopemail/blobs/picture', a name no file has.
    from dopemail import write

    create = write._create

    def full(path: str, output: object, digest: object = None) -> None:
        if os.path.basename(path).startswith("picture."):
            raise _full(path)
        create(path, output, digest)  # type: ignore[arg-type]

    monkeypatch.setattr(write, "_create", full)
    monkeypatch.chdir(workspace)
    code, output = run_cli("build", "--jobs", "1")
    assert code == 1 and "Traceback" not in output, output
    told = re.fullmatch(
        r"\.dopemail/blobs: No space left on device \(copying (media/\S+)\)\n"
        r"  hint: the disk is full: free some space and run again \(what was built before is "
        r"intact\)\n",
        output,
    )
    assert told and (workspace / told[1]).is_file(), output
    assert not (workspace / "site").exists() and not [p for p in workspace.rglob("*.tmp")]


def test_a_read_only_disk_names_the_page_not_our_temporary_file(
    workspace: Path, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    # site/ mounted read-only: "site/x/.index.html.5725.tmp: Read-only file system", as taking
    # back the temporary name that was never made failed too (EROFS, not ENOENT, there).
    from dopemail import write

    build(workspace)
    before = _outputs(workspace)
    entry = workspace / "entries/quiet-hours.md"
    entry.write_text(entry.read_text("utf-8").replace("Quiet Hours", "Quiet Hours, again", 1))
    site = str(workspace / "site")
    link, unlink = os.link, os.unlink

    def read_only(how):  # type: ignore[no-untyped-def]
        def act(*paths: str, **options: object) -> None:
            if str(paths[-1]).startswith(site):
                code = errno.EROFS
                names = (paths[0], None, paths[1]) if len(paths) == 2 else paths
                raise OSError(code, os.strerror(code), *names)
            how(*paths, **options)

        return act

    monkeypatch.setattr(write.os, "link", read_only(link))
    monkeypatch.setattr(write.os, "unlink", read_only(unlink))
    monkeypatch.chdir(workspace)
    code, output = run_cli("build")
    monkeypatch.undo()
    assert code == 1 and "Traceback" not in output, output
    assert re.fullmatch(
        r"site/\S+/index\.html: Read-only file system\n  hint: it is on a read-only file "
        r"system: build in a folder you can write to\n",
        output,
    ), output
    assert _outputs(workspace) == before


@pytest.mark.parametrize("where", ["site/archive", "feeds"])
def test_a_file_in_the_way_of_an_output_s_folder_is_named(
    workspace: Path, run_cli, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    # 'site/archive/2024/index.html: Not a directory', a file that is not there, and "or fix
    # the name in dopemail.toml", where no output is named.
    build(workspace)
    other = "feeds" if where.startswith("site") else "site"
    kept = snapshot(workspace / other)
    shutil.rmtree(workspace / where)
    (workspace / where).write_text("in the way\n", encoding="utf-8")
    monkeypatch.chdir(workspace)
    code, output = run_cli("build")
    assert code == 1 and "Traceback" not in output, output
    assert re.fullmatch(
        rf"{where}: Not a directory: it is a file, where {where}/\S+ needs a folder\n"
        r"  hint: a file is where a folder is expected on that path: rename or move it\n",
        output,
    ), output
    assert snapshot(workspace / other) == kept
    assert (workspace / where).read_text(encoding="utf-8") == "in the way\n"


@pytest.mark.parametrize("what", ["entry", "issue"])
def test_new_on_a_full_disk_leaves_no_empty_file_and_names_it(
    workspace: Path, run_cli, monkeypatch: pytest.MonkeyPatch, what: str
) -> None:
    # `new entry` on a full disk left entries/disk-full-film.md empty, naming no file; once
    # space was freed, `new entry` said it already existed and every build stopped on "the
    # file is empty".
    import builtins
    import io

    folder = workspace / ("entries" if what == "entry" else "issues")
    listed = sorted(p.name for p in folder.iterdir())
    real = builtins.open

    class Full:
        """A file made on a full disk: there, but nothing can be written in it."""

        def __init__(self, handle: object) -> None:
            self.handle = handle

        def write(self, data: object) -> int:
            raise _full()  # (a write names no file)

        def flush(self) -> None:
            pass

        def close(self) -> None:
            self.handle.close()  # type: ignore[attr-defined]

        def __enter__(self) -> Full:
            return self

        def __exit__(self, *exc: object) -> None:
            self.close()

    def full_open(file: object, mode: str = "r", *args: object, **options: object) -> object:
        handle = real(file, mode, *args, **options)  # type: ignore[call-overload]
        if ("w" in mode or "x" in mode) and str(folder) in os.path.abspath(file):  # type: ignore[arg-type]
            return Full(handle)
        return handle

    monkeypatch.setattr(builtins, "open", full_open)
    monkeypatch.setattr(io, "open", full_open)  # (pathlib's write_text opens through it)
    monkeypatch.chdir(workspace)
    command = ["new", "entry", "Disk Full Film"] if what == "entry" else ["new", "issue"]
    code, output = run_cli(*command)
    assert code == 1 and "Traceback" not in output, output
    made = "entries/disk-full-film.md" if what == "entry" else r"issues/4-dope-press-no-4\.md"
    assert re.fullmatch(
        rf"{made}: No space left on device\n  hint: the disk is full: free some space and run "
        r"again \(no file was made\)\n",
        output,
    ), output
    assert sorted(p.name for p in folder.iterdir()) == listed  # nothing left, not even hidden
    monkeypatch.undo()
    monkeypatch.chdir(workspace)
    code, output = run_cli(*command)
    assert code == 0, output
    code, output = run_cli("build")
    assert code == 0, output


def test_new_entry_never_writes_over_a_file_made_meanwhile(
    workspace: Path, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Made by another command between the look and the write: kept, and told as there.
    from dopemail import atomic

    path = workspace / "entries/disk-full-film.md"
    create = atomic.create_file

    def meanwhile(target: Path, data: bytes) -> None:
        path.write_text("mine\n", encoding="utf-8")
        create(target, data)

    monkeypatch.setattr(atomic, "create_file", meanwhile)
    from dopemail import scaffold

    monkeypatch.setattr(scaffold, "create_file", meanwhile)
    code, output = run_cli("new", "entry", "Disk Full Film", "--root", workspace)
    assert code == 1 and "entries/disk-full-film.md: an entry named 'disk-full-film'" in output
    assert path.read_text(encoding="utf-8") == "mine\n"
    assert sorted(p.name for p in path.parent.iterdir() if p.name.startswith(".")) == []


@pytest.mark.parametrize("write", ["replace_file", "create_file"])
def test_a_write_cut_short_names_the_file_not_its_temporary_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write: str
) -> None:
    # A full disk fails the write itself, an OSError that names no file: told with the file
    # the editor knows, never its temporary '.tmp' (gone, and never theirs).
    from dopemail import atomic

    opened = open

    class Full:
        def __init__(self, name: str, mode: str) -> None:
            self.handle = opened(name, mode)

        def __enter__(self) -> Full:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()

        def write(self, data: bytes) -> int:
            raise _full()

        def flush(self) -> None:
            pass

    monkeypatch.setattr(atomic, "open", Full, raising=False)
    target = tmp_path / "record.json"
    with pytest.raises(OSError) as caught:
        getattr(atomic, write)(target, b"data")
    assert (caught.value.errno, caught.value.filename) == (errno.ENOSPC, str(target))
    assert list(tmp_path.iterdir()) == []  # neither the file nor its temporary one
