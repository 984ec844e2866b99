"""The command line: thin commands over the Python API, errors printed once.

Every user mistake is a DopemailError: it is printed with its file, line and hint, and the
command exits with status 1, without a traceback.
"""

from __future__ import annotations

import gc
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from . import __version__
from .cli_support import reports_errors, root_option
from .errors import DopemailError

if TYPE_CHECKING:
    from .build import Build
    from .write import WriteReport

_FAST_EXIT = False
_LAST_BUILD: object = None


def _warn_of(result: Build) -> None:
    """What build and check say of a publication that built (see warnings_of)."""
    from .build import warnings_of

    _warn(warnings_of(result))


def _warn(warnings: list[DopemailError]) -> None:
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)


def _root_for_every_command(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    # 'dopemail --root DIR build', as 'git -C DIR status' is written: the folder given before
    # the command is every command's --root (one given after it wins).
    if value is not None:
        ctx.default_map = _with_root(ctx.command, value)


def _with_root(command: click.Command, root: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name, sub in getattr(command, "commands", {}).items():
        if isinstance(sub, click.Group):
            found[name] = _with_root(sub, root)
        elif any(p.name == "root" for p in sub.params):
            found[name] = {"root": root}
    return found


def _print_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    # The version and its code's fingerprint: every commit of a checkout was "0.1.0", and a
    # team told to build with one dopemail could not tell two apart.
    if not value or ctx.resilient_parsing:
        return
    from .fingerprint import code_fingerprint, libraries_fingerprint

    code, libraries = code_fingerprint()[:12], libraries_fingerprint()[:12]
    click.echo(f"dopemail, version {__version__} (code {code}, libraries {libraries})")
    ctx.exit()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the version, and the fingerprint of its code, and exit.",
)
@click.option(
    "--root",
    type=click.Path(file_okay=False),
    expose_value=False,
    callback=_root_for_every_command,
    help="The publication's folder, for the command that follows (as its own --root).",
)
def cli() -> None:
    """dopemail: DoPe Press film entries to feeds, newsletters, a preview and a sender.

    Run a command with --help to see what it does and an example.

    Example: dopemail build
    """


@cli.command()
@root_option
@click.option(
    "--no-cache",
    is_flag=True,
    help="Render everything from scratch, ignoring .dopemail/cache (same output, slower).",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes for what is not cached (default: one per core).",
)
@reports_errors
def build(root: Path, no_cache: bool, jobs: int | None) -> None:
    """Build the feeds, the web pages and the newsletter issues.

    Only what changed since the last build is rendered again.

    Example: dopemail build
    """
    from . import fingerprint

    where = root.resolve()
    if not (where / "dopemail.toml").is_file():
        # Said before anything is written: a mistyped --root once got a .dopemail/ made.
        from .config import load_settings

        load_settings(where)
    # (Checked already when `dopemail build` found a change before loading this module.)
    if not no_cache and not fingerprint.found_changed(where):
        lines = fingerprint.nothing_changed(where, remember=True)
        if lines is not None:
            for line in lines[:-1]:
                click.echo(line, err=True)
            click.echo(lines[-1])
            return
    stamp = fingerprint.inputs_stamp(where)
    fingerprint.forget(where)
    from .write import EarlyFolders

    # Started before the heavy imports: the folders are made meanwhile, on the other core.
    early = EarlyFolders(where)
    from .build import build as run_build
    from .parallel import default_jobs

    # A build allocates hundreds of thousands of long-lived objects (models, cache records)
    # and makes few cycles: the cyclic collector rescanning them again and again cost a third
    # of a 10,000-entry rebuild. This process ends with the build; reference counting frees
    # the rest meanwhile.
    gc.disable()

    def waiting(pid: int | None) -> None:
        who = f" (process {pid})" if pid else ""
        click.echo(f"waiting for another build of this publication{who} to finish...", err=True)

    written = False  # whether every output of this build is in place

    def tell(result: Build, report: WriteReport | None) -> None:
        # What the build warns of, and what its write changed that readers hold: said while
        # it still holds the lock (a build started meanwhile would say it too, as owed).
        assert report is not None
        nonlocal written
        written = True
        from .build import warnings_of
        from .continuity import after_write
        from .errors import not_recorded
        from .notices import published_ahead
        from .write import warnings_said

        said = False
        try:
            # Said again by a build with nothing to do, but for those the clock makes false
            # (an entry dated later than now is not, a minute on).
            timed = published_ahead(result.workspace)
            warnings = warnings_of(result, ahead=timed)
            lasting = [str(w) for w in warnings if not any(w is t for t in timed)]
            told, keep = after_write(result, report)
            _warn(warnings)
            _warn(told)
            # Told: a build stopped before this point has the next one tell what it replaced
            # and removed (a sent issue's email, a page gone; not a new entry no feed
            # carries), a build in full (not one that finds nothing changed: this build's
            # record comes after).
            warnings_said(where)
            said = True
            # The records the next build reads, after the warnings: a full disk refuses them.
            keep()
            if report.unfinished is None:
                fingerprint.record(where, len(result.outputs), stamp, lasting)
            else:  # an old page left, the manifest not saved: the next build runs in full
                fingerprint.forget(where)
        except OSError as exc:
            words = (
                "this build's warnings are above"
                if said
                else "the next build gives this build's warnings"
            )
            raise not_recorded(exc, words) from exc

    try:
        result, report = run_build(
            root,
            use_cache=not no_cache,
            jobs=jobs or default_jobs(),
            early=early,
            waiting=waiting,
            stats=stamp.stats,
            then=tell,
        )
    except KeyboardInterrupt as exc:
        from .write import StoppedAfterWrite

        # Said as Click says it, then what the editor may now publish (or not).
        click.echo("\nAborted!", err=True)
        if written or isinstance(exc, StoppedAfterWrite):
            click.echo(
                "site/ and feeds/ hold this build's files, every one: run 'dopemail build' "
                "again to remove the pages it no longer makes and see its warnings",
                err=True,
            )
        else:
            click.echo("site/ and feeds/ are as the last build left them", err=True)
        sys.exit(1)
    global _FAST_EXIT, _LAST_BUILD
    _FAST_EXIT = True  # see main()
    # Held until the process ends: freed as this function returns, what the build holds
    # (its entries, pages and emails) would cost, one object at a time, what the fast exit
    # saves.
    _LAST_BUILD = result
    assert report is not None
    entries, issues = len(result.workspace.entries), len(result.workspace.issues)
    # Said, or an entry left at 'draft: true' (as `new entry` writes it) would be missing from
    # the site and the feeds without a word.
    drafts = sum(1 for e in result.workspace.entries if e.draft)
    click.echo(
        f"built {len(result.outputs)} files "
        f"({len(report.written)} written, {report.unchanged} unchanged"
        + (f", {len(report.removed)} removed" if report.removed else "")
        + f") from {entries} entr{'y' if entries == 1 else 'ies'}"
        + (f" ({drafts} draft{'' if drafts == 1 else 's'}, not published)" if drafts else "")
        + f" and {issues} issue{'' if issues == 1 else 's'}"
    )


@cli.command()
@root_option
@reports_errors
def check(root: Path) -> None:
    """Check every entry, issue and template without writing anything.

    Example: dopemail check
    """
    from .build import build as run_build

    result, _ = run_build(root, write=False)
    _warn_of(result)
    from .continuity import before_write

    _warn(before_write(result))
    entries, issues = len(result.workspace.entries), len(result.workspace.issues)
    click.echo(
        f"ok: {entries} {'entry' if entries == 1 else 'entries'} and "
        f"{issues} {'issue' if issues == 1 else 'issues'} are valid"
    )


class _NewGroup(click.Group):
    """``new``, told what to make when given the title alone: 'dopemail new "Perfect Days"'
    was "No such command 'Perfect Days'"."""

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if name and self.get_command(ctx, name) is None:
            import difflib

            if not difflib.get_close_matches(name, list(self.commands), cutoff=0.6):
                raise click.UsageError(
                    f'say what to make first, then its title: dopemail new entry "{name}", '
                    f'or dopemail new issue "{name}" (a publication of your own: dopemail new '
                    "publication DIR)",
                    ctx,
                )
        return super().resolve_command(ctx, args)


@cli.group(cls=_NewGroup)
def new() -> None:
    """Scaffold a new entry or issue, or start a publication of your own.

    Example: dopemail new entry "Past Lives"
    """


# models.EntryKind's values, written here so that starting the command does not import pydantic
# for its help (test_cli keeps the two the same).
ENTRY_KINDS = ("review", "news", "event", "festival", "feature", "interview")


class _KindChoice(click.Choice):  # type: ignore[type-arg]
    """The kinds, and their French words as an entry's ``kind:`` reads them ('critique' is
    a review): the French scaffold's comment lists those first, and --kind refused them."""

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        if isinstance(value, str) and value not in self.choices:
            from .models import read_kind  # only then: the command starts without pydantic

            read = read_kind(value)
            if read in self.choices:
                return read
        return super().convert(value, param, ctx)


@new.command("entry")
@click.argument("title")
@click.option(
    "--slug",
    default=None,
    help="The file's name and the page's URL (default: made from the title).",
)
@click.option(
    "--kind",
    type=_KindChoice(ENTRY_KINDS),
    default="review",
    show_default=True,
    help="What kind of piece it is (or in French: critique, actualité, événement, dossier, "
    "entretien).",
)
@root_option
@reports_errors
def new_entry(title: str, slug: str | None, kind: str, root: Path) -> None:
    """Write entries/<slug>.md with every field present and commented.

    Example: dopemail new entry "Past Lives" (or: dopemail new entry "Cannes opens" --kind news)
    """
    from .scaffold import left_out_of_slug
    from .scaffold import new_entry as scaffold

    path = scaffold(root, title, slug=slug, kind=kind)
    click.echo(f"wrote {path}: fill in the fields, then run dopemail check")
    dropped = [] if slug else left_out_of_slug(title)
    if dropped:
        click.echo(
            f"note: {', '.join(dropped)}: letters without a Latin spelling are left out of its "
            "name (and its page's address); to choose one, delete the file and run again with "
            "--slug"
        )


@new.command("issue")
@click.argument("subject", required=False)
@click.option(
    "--slug",
    default=None,
    help="The file's name and the web version's URL, after the number (default: from the subject).",
)
@root_option
@reports_errors
def new_issue(subject: str | None, slug: str | None, root: Path) -> None:
    """Write issues/<next number>-<slug>.md listing the newest entries in no issue yet.

    Example: dopemail new issue "Ghosts, strangers and a summer of repertory"
    """
    from .scaffold import new_issue as scaffold

    made = scaffold(root, subject, slug=slug)
    path, gathered, drafts, left = made.path, made.gathered, made.drafts, made.left
    if gathered:
        click.echo(f"wrote {path}: write the intro, order the entries, then run dopemail build")
        if left:
            click.echo(
                f"it gathers the {gathered} newest of the {gathered + left:,} published entries "
                f"in no issue yet (an email carries about {gathered}: Gmail clips past 102 KB); "
                "swap slugs under 'entries:' for others you want"
            )
    else:
        # Said as it is: with drafts alone, "every published entry is in an issue already"
        # was said of none.
        why = (
            "every published entry is in an issue already"
            if made.published
            else "no entry is published yet"
        )
        click.echo(
            f"wrote {path}: {why}, so it gathers none yet; write the intro and the "
            "preheader, and add entry slugs under 'entries:' before it is ready (a draft "
            "builds with its intro alone, to preview)"
        )
    if made.held:
        said = ", ".join(
            f"{name} (issue{'s' * (len(found) > 1)} {', '.join(map(str, found))})"
            for name, found in made.held.items()
        )
        click.echo(
            f"not gathered, being in a draft issue already: {said} (move one here if it goes "
            "out in this issue)"
        )
    if drafts:
        names = ", ".join(drafts[:5]) + (f" and {len(drafts) - 5} more" if len(drafts) > 5 else "")
        click.echo(
            f"not gathered, being drafts: {names} (list one here to preview it in this "
            "issue; publish it, removing 'draft: true', before the issue is ready)"
        )


@new.command("publication")
@click.argument("folder", default=".", type=click.Path(path_type=Path))
@click.option("--title", default=None, help="Its name (default: made from the folder's name).")
@click.option(
    "--url",
    default=None,
    help="Where site/ goes online, https://... (default: https://example.com/, to change).",
)
@click.option(
    "--language",
    default="en",
    show_default=True,
    help="The words of its pages, emails and feeds: en or fr.",
)
@click.option(
    "--timezone",
    default="UTC",
    show_default=True,
    help="For dates and times written without an offset, e.g. Europe/Paris.",
)
@click.option("--description", default=None, help="One line saying what it is.")
@click.option(
    "--email",
    default=None,
    help="The newsletter's From address (default: newsletter@ the site's domain).",
)
@click.option(
    "--postal-address",
    default=None,
    help="Its postal address, for the emails' footer (needed to send, not to build).",
)
@click.option(
    "--root",
    type=click.Path(path_type=Path),
    default=None,
    help="The same as FOLDER, as the other commands take it ('dopemail --root DIR new "
    "publication' too).",
)
@reports_errors
def new_publication(
    folder: Path,
    root: Path | None,
    title: str | None,
    url: str | None,
    language: str,
    timezone: str,
    description: str | None,
    email: str | None,
    postal_address: str | None,
) -> None:
    """Start a publication of your own in FOLDER (default: this one; made if missing).

    Writes dopemail.toml (every setting, explained), entries/, issues/, templates/, media/,
    an empty subscribers.csv and a .gitignore; never over a file that is there.

    Example: dopemail new publication my-films --title "My Films" --url https://films.example.org/
    """
    from .starter import STAND_IN_URL, starter_for
    from .starter import new_publication as start

    if root is not None:
        # Given before the command ('dopemail --root DIR new publication'), it was not made
        # here but in the current folder.
        if folder != Path(".") and folder != root:
            raise click.UsageError(f"two folders given, {folder} and --root {root}: give one")
        folder = root

    starter = starter_for(
        folder,
        title=title,
        url=url,
        language=language,
        timezone=timezone,
        description=description,
        email=email,
        postal_address=postal_address,
    )
    made = start(folder, starter)
    where = "" if folder == Path(".") else f"{folder.as_posix().rstrip('/')}/"
    folders = ", ".join(where + name for name in made.folders)
    folders = f", and the folders {folders}" if folders else ""
    click.echo(f"wrote {', '.join(where + name for name in made.files)}{folders}")
    # What was not given is a stand-in: said, with the line to change.
    change = []
    if title is None:
        change.append(f'title = "{starter.title}" (and author, from_name)')
    if url is None:
        change.append(f'base_url = "{STAND_IN_URL}": where site/ goes online')
    if description is None:
        change.append(f'description = "{starter.description}"')
    if timezone == "UTC":
        change.append('timezone = "UTC": your city\'s zone, e.g. "Europe/Paris"')
    if email is None:
        change.append(f'from_email = "{starter.from_email}": a domain your provider verified')
    if change:
        click.echo(f"in {where}dopemail.toml, change what you did not give:")
        for line in change:
            click.echo(f"  {line}")
    click.echo(
        "before sending an issue, set [sender] "
        + ("postal_address and " if postal_address is None else "")
        + "unsubscribe_url (README: Sending)"
    )
    import shlex

    root = f" --root {shlex.quote(folder.as_posix())}" if where else ""
    click.echo("next:")
    click.echo(f'  dopemail new entry "The Film\'s Title"{root}')
    click.echo(f"  dopemail build{root}")
    click.echo(f"  dopemail preview{root}")


@cli.command()
@click.argument("name", required=False)
def template(name: str | None) -> None:
    """Print where dopemail's default template NAME is (or, without NAME, their folder),
    to copy it into templates/ and change it there.

    Example: dopemail template email/film_card.mjml.j2 (to copy it: cp "$(dopemail template
    email/film_card.mjml.j2)" templates/email/)
    """
    from .templates import default_template, default_template_names

    if name is None:
        click.echo(default_template(""))
        return
    names = default_template_names()
    if name not in names:
        from .errors import closest

        close = closest(name, names)
        raise click.UsageError(
            f"dopemail has no template '{name}'"
            + (f" (did you mean '{close}'?)" if close else "")
            + f": its templates are {', '.join(names)}"
        )
    click.echo(default_template(name))


@cli.command()
@click.option(
    "--of",
    "what",
    type=click.Choice(["entry", "issue", "config"]),
    default="entry",
    show_default=True,
    help="Which schema to print.",
)
def schema(what: str) -> None:
    """Print the JSON Schema of an entry's front matter (or of an issue, or dopemail.toml).

    Example: dopemail schema > entry.schema.json
    """
    from .schema import json_schema

    click.echo(json.dumps(json_schema(what), indent=2, ensure_ascii=False))


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``dopemail`` command."""
    # Pydantic looks for plugins in every installed package's entry points the first time a
    # model is made: 60 ms of metadata reading at each start, for plugins dopemail never uses.
    # Set in this process's environment, so its children inherit it too; a user who sets the
    # variable, to anything, keeps their choice.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        cli.main(args=argv, prog_name="dopemail")
    except SystemExit as exc:
        if _FAST_EXIT and isinstance(exc.code, int | None):
            # A build leaves a heap of hundreds of thousands of objects: freeing them one by
            # one as the interpreter shuts down cost 0.2 s at 1,000 entries, for nothing the
            # system does not do at once. Everything the build wrote is closed by now.
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(exc.code or 0)
        raise


# The preview and the sender are packages of their own; their commands join the group here.
from .preview.commands import preview  # noqa: E402
from .send.commands import send, status  # noqa: E402

cli.add_command(preview)
cli.add_command(send)
cli.add_command(status)
