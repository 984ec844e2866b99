"""``python -m dopemail``, and the ``dopemail`` command's entry point."""

from __future__ import annotations

import sys


def main() -> None:
    """Run the command; Ctrl-C while its modules load ends it as it does later: 'Aborted!'."""
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
