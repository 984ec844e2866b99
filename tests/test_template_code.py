"""Compiled templates kept: the package's per user, a workspace's in its cache."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import jinja2
import pytest
from conftest import run_process

from dopemail import templates
from dopemail.content import render_entry
from dopemail.load import load_workspace
from dopemail.templates import (
    _DEFAULTS,
    TemplateCode,
    _code_version,
    credits,
    make_environment,
    render,
)


def _key(name: str, filename: Path) -> str:
    return TemplateCode().key(name, str(filename))


def _package(user_cache: Path) -> Path:
    return user_cache / "dopemail" / "templates" / _code_version()


def test_the_package_templates_are_compiled_once_per_user(
    workspace: Path, user_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = run_process("build", "--no-cache", cwd=workspace)
    assert result.returncode == 0, result.stderr
    kept = {p.stem for p in _package(user_cache).glob("*.code")}
    assert _key("entry.html.j2", _DEFAULTS / "entry.html.j2") in kept

    # Another process (here, a new environment) takes their code instead of compiling them.
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("compiled a template whose code was kept")

    entry = next(e for e in load_workspace(workspace).entries if e.slug == "all-of-us-strangers")
    monkeypatch.setattr(jinja2.Environment, "_parse", refuse)
    item = render_entry(make_environment(workspace), entry)
    assert entry.url in item.list_item and "Andrew Scott" in item.content_html


def test_a_workspace_template_is_kept_only_in_its_build_cache(
    workspace: Path, user_cache: Path
) -> None:
    override = workspace / "templates" / "entry_item.html.j2"
    override.parent.mkdir(exist_ok=True)
    override.write_text(
        (_DEFAULTS / "entry_item.html.j2").read_text(encoding="utf-8") + "<!-- ours -->\n",
        encoding="utf-8",
    )
    key = _key("entry_item.html.j2", override)
    package = _package(user_cache)

    assert run_process("build", "--no-cache", cwd=workspace).returncode == 0
    assert not (package / f"{key}.code").exists()
    assert not (workspace / ".dopemail" / "cache").exists()
    assert "<!-- ours -->" in (workspace / "site" / "index.html").read_text(encoding="utf-8")

    with override.open("a", encoding="utf-8") as more:
        more.write("<!-- edited -->\n")  # else the next build has nothing to do
    assert run_process("build", cwd=workspace).returncode == 0
    assert (workspace / ".dopemail" / "cache" / "jinja" / f"{key}.code").is_file()
    assert not (package / f"{key}.code").exists()


def _scaffold(env: Any) -> str:
    """The entry scaffold, as `dopemail new entry` renders it, with a title to escape."""
    return render(
        env,
        "new_entry.md.j2",
        title="A & B",
        published="x",
        author="Y",
        offset="-08:00",
        regions=True,
        piece_language="French",
        home="US",
        venue=None,
    )


def test_escaping_and_plain_environments_do_not_share_code() -> None:
    # Autoescaping is compiled into a template's code: the scaffold's plain environment must
    # not run code compiled for escaping, nor the other way round.
    escaped = _scaffold(make_environment(None))
    plain = _scaffold(make_environment(None, autoescape=False))
    assert "A &amp; B" in escaped
    assert "A & B" in plain and "&amp;" not in plain


def test_a_cache_folder_that_cannot_be_written_costs_only_the_compile(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would be", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    result = run_process("build", "--no-cache", cwd=workspace)
    assert result.returncode == 0, result.stderr
    assert (workspace / "site" / "all-of-us-strangers" / "index.html").is_file()
    assert blocked.read_text(encoding="utf-8").startswith("a file")


def test_what_a_killed_compile_left_in_the_user_s_folder_is_cleared(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The user's folder is shared by every workspace and never deleted while its version is
    # used: a process killed while writing code there (SIGKILL, a power cut) must not leave
    # its temporary file for good. Another process's, being written, stays.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = _package(tmp_path / "cache")
    folder.mkdir(parents=True, mode=0o700)
    gone = subprocess.Popen(["true"])
    gone.wait()
    left = folder / f"{_key('page.html.j2', _DEFAULTS / 'page.html.j2')}.code.{gone.pid}.tmp"
    left.write_bytes(b"half of a template's code")
    writing = folder / f"x.code.{os.getppid()}.tmp"
    writing.write_bytes(b"being written")

    entry = next(e for e in load_workspace(workspace).entries if e.slug == "all-of-us-strangers")
    render_entry(make_environment(workspace), entry)

    kept = {p.name for p in folder.iterdir()}
    assert f"{_key('entry_content.html.j2', _DEFAULTS / 'entry_content.html.j2')}.code" in kept
    assert left.name not in kept and writing.name in kept
    assert not [n for n in kept if n.endswith(".tmp") and n != writing.name]


def test_code_is_kept_per_version_of_what_compiles_it(monkeypatch: pytest.MonkeyPatch) -> None:
    # Jinja2's release and dopemail's template module (options, filters) are compiled in.
    before = _key("entry.html.j2", _DEFAULTS / "entry.html.j2")
    monkeypatch.setattr(templates, "_code_version", lambda: "another")
    assert _key("entry.html.j2", _DEFAULTS / "entry.html.j2") != before
    assert TemplateCode().package != _package(Path(os.environ["XDG_CACHE_HOME"]))


def test_kept_code_that_is_cut_short_or_not_ours_is_not_run(
    user_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _scaffold(make_environment(None))
    package = _package(user_cache)
    assert list(package.glob("*.code"))
    for code in package.glob("*.code"):
        code.write_bytes(code.read_bytes()[:20])  # a torn write
    compiled: list[str] = []
    real = jinja2.Environment._parse

    def parsing(self, source, name, filename):  # type: ignore[no-untyped-def]
        compiled.append(name)
        return real(self, source, name, filename)

    monkeypatch.setattr(jinja2.Environment, "_parse", parsing)
    assert "A &amp; B" in _scaffold(make_environment(None))
    assert compiled == ["new_entry.md.j2"]  # compiled afresh, not run cut short
    package.chmod(0o777)  # anyone may write there: nothing is loaded from it
    try:
        assert TemplateCode()._package() is None
    finally:
        package.chmod(0o700)


def test_a_relative_cache_home_is_ignored(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert templates._user_cache() == tmp_path / ".cache" / "dopemail"


def test_wrap_gives_what_textwrap_gives() -> None:
    # wrap() skips textwrap for text that fits on one line: the result must not change.
    import random

    from dopemail.templates import wrap

    pick = random.Random(7)
    pieces = ["a", "b", " ", "  ", "\t", "\n", "\r", "\x0c", "\u00a0", "\u2009", "-", "é"]
    pieces += ["https://example.com/a-b?c=d", "w" * 80]
    for _ in range(20_000):
        text = "".join(pick.choice(pieces) for _ in range(pick.randint(0, 30)))
        width, indent = pick.choice([10, 20, 72]), pick.choice(["", "  ", "    "])
        expected = templates._fill(text, width, indent)  # textwrap, always
        assert wrap(text, width, indent) == expected, (text, width, indent)


_JAPANESE = (
    "東京物語（Tōkyō Monogatari、1953年）は、小津安二郎監督による日本映画。尾道に暮らす老夫婦が"
    "東京に住む子供たちを訪ねる物語で、「家族」の崩壊を静かに描いた作品として世界中で高く評価"
    "されている。Directed by 小津安二郎; written by 野田高梧 and 小津安二郎, with 笠智衆 (周吉)."
)


_KOREAN = (
    "가장 기억에 남는 영화를 고르라면 망설임 없이 봉준호 감독의 《기생충》을 꼽겠다. 극장에서 "
    "두 번 보았다. 大韓民國이다, 영화《미키 17》은 "
) * 3


@pytest.mark.parametrize("text", [_JAPANESE, _JAPANESE.replace("、", ""), _KOREAN])
@pytest.mark.parametrize("width", [20, 41, 72])
def test_chinese_japanese_and_korean_wrap_by_the_columns_they_take(text: str, width: int) -> None:
    # A Japanese paragraph was one line 239 columns wide in the email's text part: textwrap
    # counts characters, and breaks only at spaces, which Japanese does not write.
    from dopemail.templates import columns, wrap

    lines = wrap(text, width, "  ").split("\n")
    assert len(lines) > 1 and all(line.startswith("  ") for line in lines), lines
    assert all(columns(line) <= width for line in lines), [(columns(x), x) for x in lines]
    # Nothing lost but the spaces it broke at; no line begun with a stop or bracket that
    # must end one, none ended with one that must begin one.
    assert "".join(line[2:] for line in lines).replace(" ", "") == text.replace(" ", "")
    assert not [x for x in lines if x[2:3] in ("、", "。", "）", "」")], lines
    assert not [x for x in lines if x[-1:] in ("（", "「")], lines
    if text is _KOREAN:  # Korean spaces its words: broken at the spaces only
        assert {word for line in lines for word in line.split()} == set(text.split()), lines


def test_a_text_in_japanese_that_fits_in_characters_but_not_columns_is_wrapped() -> None:
    from dopemail.templates import columns, wrap

    text = "小津安二郎監督による日本映画" * 3  # 42 characters, 84 columns
    assert all(columns(line) <= 72 for line in wrap(text).split("\n"))


def test_dates_are_written_as_strftime_writes_them() -> None:
    # The date filters name days and months from tables, not strftime (a call per field):
    # every hour of two years, and runs of every length, must read as strftime has them.
    from datetime import date, datetime, timedelta
    from zoneinfo import ZoneInfo

    from dopemail.templates import date_range, long_date, show_time

    zone = ZoneInfo("Europe/Paris")
    moment = datetime(2024, 1, 1, tzinfo=zone)
    for _ in range(2 * 366 * 24):
        hour = moment.hour % 12 or 12
        # (a no-break space before AM and PM: see wording.show_time)
        expected = f"{moment:%a}, {moment:%B} {moment.day}, {hour}:{moment:%M}\u00a0{moment:%p}"
        assert show_time(moment) == expected
        assert long_date(moment) == f"{moment:%B} {moment.day}, {moment.year}"
        moment += timedelta(minutes=61)
    day = date(2023, 11, 20)
    for length in range(0, 800, 7):
        ends = day + timedelta(days=length)
        assert long_date(day) == f"{day:%B} {day.day}, {day.year}"
        if day.year == ends.year and day.month == ends.month and length:
            assert date_range(day, ends) == f"{day:%B} {day.day}–{ends.day}, {ends.year}"
        elif day.year == ends.year and length:
            assert date_range(day, ends) == (
                f"{day:%B} {day.day} – {ends:%B} {ends.day}, {ends.year}"
            )
        day += timedelta(days=3)


def test_a_film_s_facts_wrap_without_parting_a_number_from_its_unit() -> None:
    # A text part broke 'Lantern Row Pictures · 104' / 'min', and began a line '· 72 min'.
    from types import SimpleNamespace

    from dopemail.templates import film_facts, wrap

    film = SimpleNamespace(
        distributor="Lantern Row Pictures", runtime=104, countries=["France"], language="French"
    )
    facts = film_facts(film)
    for width in range(12, 60):
        lines = wrap(f"Credits. {facts}.", width).split("\n")
        assert not [line for line in lines if line.startswith(("min", "·"))], (width, lines)


def test_a_french_sign_stays_with_its_word_at_a_line_s_end() -> None:
    # The editor's 'Prenez un pull : c’est le canal' came out with a line beginning ': c’est';
    # a guillemet could end or begin a line alone too.
    from dopemail.templates import wrap

    text = "Gratuit ; transats prêtés. Prenez un pull : c’est « le canal » ! Vraiment ?"
    for width in range(12, 80):
        lines = wrap(f"{'x' * (width // 2)} {text}", width).split("\n")
        assert not [line for line in lines if line.lstrip().startswith((":", ";", "!", "?", "»"))]
        assert not [line for line in lines if line.rstrip().endswith("«")], (width, lines)
        # Every word kept (str.split takes the no-break spaces for spaces too).
        assert " ".join(lines).split() == f"{'x' * (width // 2)} {text}".split()
    # Signs doubled, or followed by an ellipsis, stay with the word too.
    for text in ("xxxx Il a dit quoi ?! Vraiment incroyable", "xxxx Il a vu « Portrait » ?… non"):
        for width in range(6, 30):
            lines = wrap(text, width).split("\n")
            assert not [line for line in lines if line.startswith(("?", "!", "»"))], lines
    # Signs that stand in a word are not French spacing: ':-)' is left to break before.
    assert wrap("a face :-) here", 8).split("\n")[1].startswith(":-)")


def test_a_korean_word_is_never_broken_whatever_the_width() -> None:
    # Korean spaces its words: '《기생충》을' (a title and its particle) was broken after
    # the bracket, and a word with Hanja in it between its characters.
    from dopemail.templates import columns, fill

    for width in range(12, 80):
        lines = fill("x " + _KOREAN, width, "", "").split("\n")
        assert {word for line in lines for word in line.split()} == set(("x " + _KOREAN).split())
        assert all(columns(line) <= width or " " not in line for line in lines), (width, lines)


def test_a_panorama_is_at_least_a_pixel_high_in_the_email() -> None:
    # 100,000 x 1 pixels, fitted to the email's 552: height="0", a picture no one saw.
    from types import SimpleNamespace

    from dopemail.templates import fit

    assert fit(SimpleNamespace(width=100_000, height=1), 552) == (552, 1)
    assert fit(SimpleNamespace(width=1200, height=800), 552) == (552, 368)


def test_isolate_marks_take_no_column() -> None:
    # A name set apart (U+2068 ... U+2069) counted two columns more than it shows: the text
    # part's lines and a title's underline came out short.
    from dopemail.templates import columns

    assert columns("\u2068كوثر بن هنية\u2069") == columns("كوثر بن هنية") == 12
    assert columns("a\u200bb\u200ec") == 3 and columns("👩\u200d👩\u200d👧") == 2


def test_join_names_leaves_out_what_is_empty_and_sets_apart_right_to_left_names() -> None:
    # Isolating each name first printed 'A, None, and B'.
    from types import SimpleNamespace

    from dopemail.templates import OWN_FILTERS, source_work

    join = OWN_FILTERS["join_names"]
    assert join(["A", None, "B"]) == "A and B" and join(["A", "", None]) == "A"
    assert join(["كوثر", "B"]) == "\u2068كوثر\u2069 and B"
    based = SimpleNamespace(title=None, year=None, kind="novel", author="نجيب محفوظ")
    assert source_work(based) == "a novel by \u2068نجيب محفوظ\u2069"


def test_out_of_memory_at_a_template_s_line_is_not_called_a_value_too_large(
    workspace: Path,
) -> None:
    # Any MemoryError at a template's line was "this expression makes a value too large:
    # check the numbers this expression multiplies": a machine short of memory while a
    # default template rendered a large archive was told its innocent line was wrong.
    mine = workspace / "templates" / "archive.html.j2"
    mine.parent.mkdir(exist_ok=True)
    mine.write_text("<ul>\n{% for e in entries %}<li>{{ e | grown }}</li>{% endfor %}\n</ul>\n")
    env = make_environment(workspace, code=None)

    def out_of_memory(value: object) -> str:
        raise MemoryError

    env.filters["grown"] = out_of_memory
    with pytest.raises(templates.TemplateError) as raised:
        render(env, "archive.html.j2", entries=["a"])
    assert str(raised.value) == (
        "templates/archive.html.j2:2: ran out of memory at this line: the value it makes is "
        "larger than the memory free for it (a value far larger than meant, or the machine's "
        "limits)\n  hint: if this line makes something large (multiplies (*), raises to a "
        "power (**), counts to range() or lipsum(), joins a long list), check its numbers; if "
        "not, free memory (close other programs) or build on a machine with more, then build "
        "again"
    )

    # Python's own overflow of arithmetic, which the line's numbers alone make: its numbers.
    def overflow(value: object) -> str:
        raise OverflowError("Python int too large to convert to C ssize_t")

    env.filters["grown"] = overflow
    with pytest.raises(templates.TemplateError) as raised:
        render(env, "archive.html.j2", entries=["a"])
    assert str(raised.value).startswith(
        "templates/archive.html.j2:2: this expression makes a value too large\n  hint: check "
        "the numbers this expression multiplies (*)"
    ), str(raised.value)


def test_a_template_too_large_for_python_to_compile_is_told_at_the_template(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A constant Jinja2 folds as it compiles ("{{ 'a' | center(3000000000) }}": 3 GB made
    # then) ended Python's compile in a traceback, 'OverflowError: string to parse is too
    # long'. Python's refusal is made here: the real one takes gigabytes.
    override = workspace / "templates" / "entry_item.html.j2"
    override.parent.mkdir(exist_ok=True)
    override.write_text((_DEFAULTS / "entry_item.html.j2").read_text("utf-8"), "utf-8")
    env = make_environment(workspace, code=None)

    def too_long(source: str, filename: str) -> Any:
        raise OverflowError("string to parse is too long")

    monkeypatch.setattr(env, "_compile", too_long)
    with pytest.raises(templates.TemplateError) as raised:
        render(env, "entry_item.html.j2")
    assert str(raised.value) == (
        "templates/entry_item.html.j2: this expression makes a value too large\n  hint: check "
        "the numbers this expression multiplies (*), raises to a power (**) or counts to "
        "(range(), lipsum(), a filter's width): one is far larger than meant"
    )


def test_a_run_s_note_wins_over_its_dates_and_one_end_is_a_line() -> None:
    from datetime import date
    from types import SimpleNamespace

    from dopemail.templates import run_line

    both = SimpleNamespace(note="Played in January.", starts=date(2024, 12, 5), ends=None)
    assert run_line(both) == "Played in January."
    begun = SimpleNamespace(note=None, starts=date(2024, 12, 5), ends=None)
    assert run_line(begun) == "In cinemas from December 5, 2024."
    ending = SimpleNamespace(note=None, starts=None, ends=date(2024, 12, 19))
    assert run_line(ending) == "In cinemas until December 19, 2024."
    assert run_line(SimpleNamespace(note=None, starts=None, ends=None)) == ""


def test_a_whole_day_event_on_the_issue_s_own_date_is_a_recording() -> None:
    # A day without a time is to come only from the day after publication: on the day
    # itself it may be over by the time a reader opens the email.
    from datetime import datetime
    from types import SimpleNamespace
    from zoneinfo import ZoneInfo

    from dopemail.moments import WholeDay
    from dopemail.templates import video_words

    la = ZoneInfo("America/Los_Angeles")
    published = datetime(2026, 12, 10, 9, tzinfo=la)
    video = "https://example.com/talk"
    today = SimpleNamespace(date=WholeDay(2026, 12, 10, tzinfo=la), video=video)
    assert video_words(today, published) == "Watch the recording"
    tomorrow = SimpleNamespace(date=WholeDay(2026, 12, 11, tzinfo=la), video=video)
    assert video_words(tomorrow, published) == "Watch online"


def test_people_in_conversation_without_a_moderator() -> None:
    from types import SimpleNamespace

    from dopemail.templates import event_people

    def said(kind: str) -> str:
        return event_people(SimpleNamespace(kind=kind, participants=["A", "B"], moderator=None))

    assert said("conversation") == "A and B in conversation"
    assert said("q&a") == "A and B in a Q&A"
    assert said("talk") == "A and B"


def test_a_source_work_alone_begins_the_credits_with_a_capital() -> None:
    from types import SimpleNamespace

    from dopemail.templates import credits

    based = SimpleNamespace(title=None, year=None, kind="novel", author="Zadie Smith")
    film = SimpleNamespace(directors=[], writers=[], based_on=based)
    assert credits(film) == "Based on a novel by Zadie Smith"


def test_an_event_at_an_address_without_a_venue_has_tickets() -> None:
    from types import SimpleNamespace

    from dopemail.templates import event_link_words

    at = SimpleNamespace(venue=None, address="51 rue des Écoles, 75005 Paris")
    assert event_link_words(at) == "Tickets and information"
    online = SimpleNamespace(venue=None, address=None)
    assert event_link_words(online) == "Details and how to join"


def test_a_picture_narrower_than_the_column_keeps_its_size() -> None:
    from types import SimpleNamespace

    from dopemail.templates import fit

    assert fit(SimpleNamespace(width=300, height=200), 552) == (300, 200)
    # A size unknown is taken as 3:2 (landscape), the usual still.
    assert fit(SimpleNamespace(width=None, height=None), 552) == (552, 368)


def test_the_same_people_writing_and_directing_in_another_order_wrote_and_directed() -> None:
    # 'Directed by A and B; written by B and A' named the same two twice.
    from types import SimpleNamespace

    from dopemail.templates import credits

    film = SimpleNamespace(directors=["A", "B"], writers=["B", "A"], based_on=None)
    assert credits(film) == "Written and directed by A and B"
    # Someone more, or fewer, among the writers is credited apart.
    film = SimpleNamespace(directors=["A", "B"], writers=["B", "A", "C"], based_on=None)
    assert credits(film) == "Directed by A and B; written by B, A, and C"
    film = SimpleNamespace(directors=["A", "B"], writers=["A"], based_on=None)
    assert credits(film) == "Directed by A and B; written by A"


def _page_and_email_credits(workspace: Path, directors: str, writers: str) -> tuple[str, str]:
    """The sample entry's credits line on its page and in the email, with these people."""
    import lxml.html

    source = workspace / "entries/all-of-us-strangers.md"
    text = source.read_text(encoding="utf-8")
    text = text.replace("directors: [Andrew Haigh]", f"directors: [{directors}]")
    source.write_text(text.replace("writers: [Andrew Haigh]", f"writers: [{writers}]"), "utf-8")
    entry = next(e for e in load_workspace(workspace).entries if e.slug == "all-of-us-strangers")
    page = lxml.html.fromstring(render_entry(make_environment(workspace), entry).content_html)
    said = " ".join(page.xpath("//section[@class='credits']/p[1]")[0].text_content().split())
    return said, credits(entry.meta.film)


def test_a_page_credits_the_same_writers_in_another_order_as_writing_and_directing(
    workspace: Path,
) -> None:
    # The entry's page said 'Directed by ...' and 'Written by ...' of the same two people.
    said, _ = _page_and_email_credits(
        workspace, "Andrew Haigh, Jamie Bell", "Jamie Bell, Andrew Haigh"
    )
    assert said.startswith("Written and directed by Andrew Haigh and Jamie Bell")
    assert "Directed by" not in said and "Written by" not in said


def test_a_page_compares_names_differing_in_case_as_the_email_does(workspace: Path) -> None:
    # Jinja's sort ignores case and keeps such names in their order, so the page said
    # 'Directed by ... Written by ...' where the email said 'Written and directed by'.
    said, email = _page_and_email_credits(
        workspace, "Ann de Palma, Ann De Palma", "Ann De Palma, Ann de Palma"
    )
    assert ("Written and directed" in said) == ("Written and directed" in email), (said, email)
