"""``dopemail preview``: the publication served from memory, rebuilt and reloaded as it changes.

The modules, in the order a change travels through them::

    watch.py     watchfiles threads on entries/, issues/, templates/, media/ and dopemail.toml
    state.py     calls the build (the same ``render_workspace`` as ``dopemail build``) and keeps
                 the latest good Build, the current errors and which outputs changed when
    server.py    127.0.0.1 HTTP server: outputs by exact path, the preview pages, /_events (SSE)
    pages.py     the preview's own pages (index, issue page) from Jinja2 templates in templates/
    hooks.py     ``send_test``: the "Send test" button's single call into the sender
    commands.py  the click command ``dopemail preview``

Nothing here writes to ``site/`` or ``feeds/``: a build is held in memory and served from there.
"""

from __future__ import annotations

__all__: list[str] = []
