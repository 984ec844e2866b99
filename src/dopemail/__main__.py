"""``python -m dopemail``, and the ``dopemail`` command's entry point."""

from __future__ import annotations

import sys
from pathlib import Path


def _said_nothing_changed(argv: list[str]) -> bool:
    """``dopemail build`` (or ``build --root DIR``) with nothing changed, said without loading
    the command line's modules (Click and the rest: some 40 ms of a no-op build's 0.3 s at
    10,000 entries, measured in turn). Anything else (an option more, a publication found in
    a folder above, no dopemail.toml, a stream Click would write otherwise) goes to the
    command line, which says it as it always does."""
    if argv == ["build"]:
        root = Path(".")
    elif len(argv) == 3 and argv[:2] == ["build", "--root"]:
        root = Path(argv[2])
    else:
        return False
    if not all(_utf8(stream) for stream in (sys.stdout, sys.stderr)):
        return False  # no stream, or one Click would write otherwise
    where = root.resolve()
    if not (where / "dopemail.toml").is_file():
        return False
    from .fingerprint import nothing_changed

    try:
        lines = nothing_changed(where, remember=True)  # a change found: the build follows
    except Exception:  # noqa: BLE001 - the command line says what it is
        return False
    if lines is None:
        return False
    for line in lines[:-1]:
        sys.stderr.write(f"{line}\n")
    sys.stdout.write(f"{lines[-1]}\n")
    return True


def _utf8(stream: object) -> bool:
    encoding = getattr(stream, "encoding", None)
    return isinstance(encoding, str) and encoding.lower().replace("-", "") == "utf8"


def main() -> None:
    """Run the command; Ctrl-C while its modules load ends it as it does later: 'Aborted!'."""
    try:
        said = _said_nothing_changed(sys.argv[1:])
    except KeyboardInterrupt:
        sys.stderr.write("\nAborted!\n")  # as Click says it, on a line of its own after ^C
        raise SystemExit(1) from None
    if said:
        return
    try:
        from .cli import main as run
    except KeyboardInterrupt:
        # Click says so for a Ctrl-C once a command runs; in the first few tens of
        # milliseconds, while importing, Python printed its traceback.
        sys.stderr.write("Aborted!\n")
        raise SystemExit(1) from None
    run()


if __name__ == "__main__":
    main()
