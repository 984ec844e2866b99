"""``python -m dopemail``."""

from .cli import main

main()
