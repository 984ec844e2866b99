"""``dopemail new publication``: a publication of one's own, from an installed dopemail."""

from __future__ import annotations

import errno
import json
import os
import re
from pathlib import Path

import feedparser
import pytest
from conftest import REPO, snapshot

from dopemail.config import load_settings

FILES = ("dopemail.toml", "subscribers.csv", ".gitignore", "templates/README.md")
FOLDERS = ("entries", "issues", "templates", "media")


def started(run_cli, folder: Path, *options: str) -> str:  # type: ignore[no-untyped-def]
    """``dopemail new publication folder`` with ``options``, which must succeed."""
    code, output = run_cli("new", "publication", folder, *options)
    assert code == 0, output
    return output


def test_a_new_publication_checks_and_builds_with_no_entry(tmp_path: Path, run_cli) -> None:
    # An installed dopemail had no way to start one: no sample, and the README's settings
    # named a logo and an icon a new folder does not have.
    folder = tmp_path / "my-films"
    output = started(run_cli, folder)
    for name in FILES:
        assert (folder / name).is_file(), name
    for name in FOLDERS:
        assert (folder / name).is_dir(), name
    assert (folder / "subscribers.csv").read_text("utf-8") == (
        "email,name,status,subscribed_at,tags\n"
    )
    ignored = (folder / ".gitignore").read_text("utf-8")
    assert {"site/", "outbox/", ".dopemail/"} <= set(ignored.splitlines())
    assert "NOT" in ignored and "back it up" in ignored  # the ledger is not made again
    assert "dopemail template" in (folder / "templates/README.md").read_text("utf-8")
    settings = (folder / "dopemail.toml").read_text("utf-8")
    assert '# logo = "media/logo.png"' in settings and '# icon = "media/icon.png"' in settings
    # What it wrote, what to change, and the next commands for that folder.
    assert f"wrote {folder.as_posix()}/dopemail.toml" in output
    assert 'base_url = "https://example.com/": where site/ goes online' in output
    for command in ("new entry", "build", "preview"):
        assert re.search(rf"^  dopemail {command}.* --root {re.escape(str(folder))}$", output, re.M)

    code, output = run_cli("check", "--root", folder)
    assert code == 0 and "ok: 0 entries and 0 issues are valid" in output, output
    code, output = run_cli("build", "--root", folder)
    assert code == 0 and "from 0 entries and 0 issues" in output, output
    # No issue yet: no word of the emails' settings, which the first issue needs.
    assert "warning" not in output, output
    # Its feeds: valid, with no item.
    for name in ("rss.xml", "atom.xml", "issues.xml"):
        parsed = feedparser.parse((folder / "feeds" / name).read_bytes())
        assert not parsed.bozo and parsed.entries == [], (name, parsed.get("bozo_exception"))
        assert parsed.feed.title.startswith("My films")
    assert json.loads((folder / "feeds/feed.json").read_text("utf-8"))["items"] == []
    assert "Nothing is published yet." in (folder / "site/index.html").read_text("utf-8")

    code, output = run_cli("new", "entry", "Perfect Days", "--root", folder)
    assert code == 0, output
    entry = folder / "entries/perfect-days.md"
    code, output = run_cli("build", "--root", folder)
    assert code == 0 and "from 1 entry (1 draft, not published)" in output, output
    # Written and published: its page, and the feeds' one item.
    text = re.sub(r"(?m)^draft: true.*\n", "", entry.read_text("utf-8"))
    text = text.replace("Write the piece here, in Markdown.", "A quiet film about a cleaner.")
    entry.write_text(text, "utf-8")
    code, output = run_cli("build", "--root", folder)
    assert code == 0 and "from 1 entry and 0 issues" in output, output
    assert (folder / "site/perfect-days/index.html").is_file()
    parsed = feedparser.parse((folder / "feeds/rss.xml").read_bytes())
    assert not parsed.bozo and [e.title for e in parsed.entries] == ["Perfect Days"]


def test_it_starts_in_the_current_folder(tmp_path: Path, run_cli, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    output = started(run_cli, Path("."), "--title", "Here")
    assert "wrote dopemail.toml, subscribers.csv" in output and "--root" not in output
    assert load_settings(tmp_path).publication.title == "Here"


def test_a_root_given_before_the_command_is_its_folder(
    tmp_path: Path, run_cli, monkeypatch
) -> None:
    # 'dopemail --root DIR new publication', as every command takes it: not the current folder.
    monkeypatch.chdir(tmp_path)
    code, output = run_cli("--root", "pub", "new", "publication")
    assert code == 0, output
    assert (tmp_path / "pub/dopemail.toml").is_file() and not (tmp_path / "dopemail.toml").exists()
    assert "dopemail build --root pub" in output


def test_the_settings_written_are_those_asked_for(tmp_path: Path, run_cli) -> None:
    started(
        run_cli,
        tmp_path / "pub",
        *("--title", 'Le "Ciné" : Paris'),
        *("--url", "https://cine.example.fr/films"),
        *("--language", "fr"),
        *("--timezone", "Europe/Paris"),
        *("--description", "Des films."),
        *("--email", "lettre@cine.example.fr"),
        *("--postal-address", "Le Ciné, 12 rue de la Roquette, 75011 Paris, France"),
    )
    settings = load_settings(tmp_path / "pub")
    publication, sender = settings.publication, settings.sender
    assert publication.title == publication.author == sender.from_name == 'Le "Ciné" : Paris'
    assert publication.base_url == "https://cine.example.fr/films/"
    assert (publication.language, publication.timezone) == ("fr", "Europe/Paris")
    assert publication.description == "Des films."
    assert sender.from_email == "lettre@cine.example.fr"
    assert sender.postal_address == "Le Ciné, 12 rue de la Roquette, 75011 Paris, France"
    # Nothing left to a file not there, nor to an address not given.
    assert publication.logo is publication.icon is sender.unsubscribe_url is None
    assert settings.send.provider == "outbox"


def test_a_french_publication_builds_in_french(tmp_path: Path, run_cli) -> None:
    folder = tmp_path / "cine"
    started(run_cli, folder, "--language", "fr", "--timezone", "Europe/Paris")
    assert load_settings(folder).publication.description == (
        "Critiques de films, séances et actualités."
    )
    code, output = run_cli("build", "--root", folder)
    assert code == 0, output
    home = (folder / "site/index.html").read_text("utf-8")
    assert '<html lang="fr"' in home and "Rien n’est encore publié." in home
    code, output = run_cli("new", "entry", "Portrait de la jeune fille", "--root", folder)
    assert code == 0 and run_cli("build", "--root", folder)[0] == 0


def test_a_second_run_refuses_and_changes_nothing(tmp_path: Path, run_cli) -> None:
    folder = tmp_path / "pub"
    started(run_cli, folder)
    before = snapshot(folder)
    code, output = run_cli("new", "publication", folder, "--title", "Another")
    assert code == 1 and "Traceback" not in output, output
    assert "dopemail.toml, subscribers.csv, .gitignore and templates/README.md are there" in output
    assert "a publication is here already" in output
    assert snapshot(folder) == before
    # One file in the way: named, with where it is, and nothing else written.
    other = tmp_path / "other"
    other.mkdir()
    (other / ".gitignore").write_text("*.pyc\n", "utf-8")
    code, output = run_cli("new", "publication", other)
    assert code == 1, output
    assert f"{other / '.gitignore'}: .gitignore is there already" in output, output
    assert "move that file away first" in output
    assert [p.name for p in other.iterdir()] == [".gitignore"]


def test_a_folder_that_is_a_file_is_told(tmp_path: Path, run_cli) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("mine\n", "utf-8")
    code, output = run_cli("new", "publication", path)
    assert code == 1 and "Traceback" not in output, output
    assert output.count(f"{path} is a file, not a folder") == 1
    assert path.read_text("utf-8") == "mine\n"
    # A file where one of its folders goes.
    (tmp_path / "pub").mkdir()
    (tmp_path / "pub/media").write_text("", "utf-8")
    code, output = run_cli("new", "publication", tmp_path / "pub")
    assert code == 1 and "media is a file where the publication's folder" in output, output
    assert [p.name for p in (tmp_path / "pub").iterdir()] == ["media"]


def test_it_starts_in_a_folder_whose_parent_is_missing_too(tmp_path: Path, run_cli) -> None:
    # 'dopemail new publication films/mine' made both, wrote every file, then stopped on a
    # traceback (the folders it made were named from films/mine/, films/ among them).
    output = started(run_cli, tmp_path / "films" / "mine")
    assert "Traceback" not in output, output
    assert (
        "and the folders "
        + ", ".join(f"{(tmp_path / 'films' / 'mine').as_posix()}/{name}/" for name in FOLDERS)
        in output
    ), output
    assert load_settings(tmp_path / "films" / "mine").publication.title


def test_the_sender_s_address_made_of_a_refused_url_is_not_told(tmp_path: Path, run_cli) -> None:
    # '--url ftp://x' also said "--email: 'newsletter@x' is not a valid email address", of an
    # option not given: the address made of the URL's domain, refused with it.
    folder = tmp_path / "pub"
    for url in ("ftp://x", "https://ex\x0bample.org"):
        code, output = run_cli("new", "publication", folder, "--url", url)
        assert code == 1 and "--url: " in output, output
        assert "--email" not in output and "newsletter@" not in output, output
    # Given, it is told with the URL.
    code, output = run_cli("new", "publication", folder, "--url", "ftp://x", "--email", "me")
    assert "--url: 'ftp://x'" in output and "--email: 'me' is not a valid email address" in output
    # Of a URL taken, made of a domain no address has: to give one.
    code, output = run_cli("new", "publication", folder, "--url", "https://localhost")
    assert (
        code == 1
        and (
            "--email: 'newsletter@localhost' is not a valid email address: The part after the "
            "@-sign is not valid. It should have a period.\n  hint: give the sender's address with "
            "--email (without it, newsletter@ the site's domain, localhost, is taken)"
        )
        in output
    ), output
    assert not folder.exists()


def test_a_folder_it_cannot_write_in_is_told_and_left_empty(
    tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dopemail import starter

    folder = tmp_path / "pub"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            code, output = run_cli("new", "publication", folder)
        finally:
            folder.chmod(0o755)
    else:  # root writes in a read-only folder: its first file refused as the mode would
        with monkeypatch.context() as patched:

            def read_only(path: Path, data: bytes) -> None:
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))

            patched.setattr(starter, "create_file", read_only)
            code, output = run_cli("new", "publication", folder)
    assert code == 1 and "Traceback" not in output, output
    assert output.count(f"cannot write in {folder}") == 1, output
    assert list(folder.iterdir()) == []
    # The third file refused: the two before it are taken back, the folders it made too.

    written = starter.create_file
    calls = []

    def refused(path: Path, data: bytes) -> None:
        calls.append(path)
        if len(calls) == 3:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        written(path, data)

    monkeypatch.setattr(starter, "create_file", refused)
    code, output = run_cli("new", "publication", folder)
    assert code == 1 and "Traceback" not in output, output
    assert output.count(f"cannot write in {folder} (Permission denied)") == 1, output
    assert "ls -ld" in output
    assert list(folder.iterdir()) == []


def test_it_starts_on_a_file_system_without_links(
    tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A FAT or exFAT disk, some shares: each file was linked into place from its temporary
    # name, refused there, and told "cannot write in DIR (Operation not permitted)", "check
    # the folder's permissions", of a folder one can write in.
    def no_links(source: object, target: object) -> None:
        raise OSError(errno.EPERM, os.strerror(errno.EPERM))

    made, linked = tmp_path / "unlinked" / "pub", tmp_path / "linked" / "pub"
    made.parent.mkdir()
    linked.parent.mkdir()
    started(run_cli, linked)
    monkeypatch.setattr(os, "link", no_links)
    output = started(run_cli, made)
    assert "cannot write" not in output, output
    assert snapshot(made) == snapshot(linked)
    # The folders, and no temporary file left.
    assert sorted(p.name for p in made.rglob("*")) == sorted(p.name for p in linked.rglob("*"))


def test_a_wrong_option_is_told_by_its_name_and_nothing_is_written(tmp_path: Path, run_cli) -> None:
    folder = tmp_path / "pub"
    code, output = run_cli(
        "new", "publication", folder, "--url", "http://films.example.org", "--timezone", "Paris"
    )
    assert code == 1 and "Traceback" not in output, output
    assert "--url: 'http://films.example.org': the site's address must start with https://" in (
        output
    )
    assert "--timezone: unknown time zone 'Paris'" in output
    assert not folder.exists()
    # The title is three settings' (the author's, the sender's name): said once.
    code, output = run_cli("new", "publication", folder, "--title", "")
    assert code == 1 and output.count("--title: must not be empty") == 1, output
    code, output = run_cli("new", "publication", folder, "--title", "Ciné\x0b")
    assert code == 1 and output.count("--title: an invisible control character") == 1, output
    assert not folder.exists()


def test_the_readme_s_settings_are_those_new_publication_writes() -> None:
    # One source: the README's file is the one the command writes, with DoPe Press's values
    # (test_cli loads it as written).
    from dopemail.starter import Starter, settings_text

    dope_press = Starter(
        title="DoPe Press",
        base_url="https://dopepress.example.com/",
        language="en",
        timezone="America/Los_Angeles",
        description="Film reviews, ...",
        author="DoPe Press",
        from_name="DoPe Press",
        from_email="newsletter@dopepress.example.com",
        author_email="press@dopepress.example.com",
        copyright="© Paris-LA / DoPe Press.",
        reply_to="press@dopepress.example.com",
        postal_address="DoPe Press, 8033 Sunset Boulevard #1000, Los Angeles, CA 90046, USA",
        unsubscribe_url="https://dopepress.example.com/unsubscribe",
        unsubscribe_mailto="unsubscribe@dopepress.example.com",
        host="dopepress.example.com",
    )
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```toml\n(.*?)^```", readme, flags=re.M | re.S)
    whole = next(block for block in blocks if "[publication]" in block)
    assert whole == settings_text(dope_press)
