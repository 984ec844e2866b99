"""Small files of dopemail's own (the cache's records, the build's manifest and journal)
replaced whole: written beside their place, then renamed over it."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def replace_file(path: str | Path, *parts: bytes) -> None:
    """Put ``parts``, one after the other, at ``path`` at once.

    A reader finds the old file or the new one, never half of one; a write that fails (a
    full disk) leaves neither a half file nor its temporary one, which nothing would ever
    clear. The temporary name is this process's own: processes writing side by side (two
    checks, a preview and a build) never write into each other's.
    """
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        with open(tmp, "wb") as handle:
            for part in parts:
                handle.write(part)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
