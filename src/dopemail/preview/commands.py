"""``dopemail preview``: a thin command over :func:`dopemail.preview.server.serve`."""

from __future__ import annotations

import time
from pathlib import Path

import click

from ..cli_support import reports_errors, root_option


def _log(line: str) -> None:
    click.echo(f"{time.strftime('%H:%M:%S')} {line}", err=True)


def _host_names(
    ctx: click.Context, param: click.Parameter, names: tuple[str, ...]
) -> tuple[str, ...]:
    from .server import HOST_NAME

    for name in names:
        if not HOST_NAME.match(name):
            raise click.BadParameter(
                f"'{name}' is not a host name: give the name alone, as in --allow-host "
                "studio.lan (no http://, no port, no path)"
            )
    return names


@click.command()
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on; 0 picks a free one.",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Anything but a loopback address shares your drafts with "
    "your network (a warning says so); 0.0.0.0 means every interface.",
)
@click.option(
    "--allow-host",
    "allowed",
    multiple=True,
    callback=_host_names,
    metavar="NAME",
    help="A host name the preview answers to besides its own (a name your network gives this "
    "machine); repeat for more. It answers to localhost, its addresses and, with --host "
    "beyond loopback, this machine's names already.",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the index in your web browser.")
@root_option
@reports_errors
def preview(port: int, host: str, allowed: tuple[str, ...], open_browser: bool, root: Path) -> None:
    """Serve the publication on this machine, rebuilt and reloaded as you edit it.

    Every issue is shown as subscribers will get it: the email at phone and desktop widths,
    light and dark, its plain-text part, HTML source, size and quality checks. Saving an
    entry, an issue, a template or dopemail.toml refreshes the open pages; a mistake is shown
    over the page, with its file and line, until you fix it. Nothing is written to site/ or
    feeds/.

    Example: dopemail preview --open
    """
    from .server import serve

    serve(root, host, port, open_browser, say=click.echo, log=_log, allowed=allowed)
