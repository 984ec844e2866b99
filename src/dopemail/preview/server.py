"""The preview's HTTP server: the in-memory build, the preview pages and the live-reload stream.

URLs::

    /                               the index: issues, entries (drafts too), feeds
    /_preview/issue/<key>           an issue as subscribers get it (?width=375&scheme=dark)
    /_preview/issue/<key>/email     the email alone, for the issue page's frame
    /_preview/issue/<key>/send-test POST: the "Send test" form (see hooks.py)
    /_preview/live.js, preview.css  the preview's own script and style
    /_events                        Server-Sent Events: reload, problems, ok (see live.js)
    /site/<path>, /feeds/<path>     the build's outputs, looked up by exact path

Safety, in layers: only ``127.0.0.1`` is bound unless ``--host`` says otherwise; a request whose
``Host`` is not an address typed as one, ``localhost``, the ``--host`` value, an
``--allow-host`` name or (bound beyond loopback) this machine's own name is refused (a web page
cannot reach the preview through DNS rebinding); paths are decoded once and refused if any
segment is ``.`` or ``..``; and files are found only by exact lookup among the build's outputs,
never by joining a URL to a folder. The "Send test" form carries a per-process token, so other
sites cannot post it.
Environment variables are never read here; messages are passed through ``state.redact``.

HTML pages under ``/site/`` and the email frame have the publication's ``base_url`` replaced
by ``http://<this server>/site/``, so their links and images stay inside the preview (on the
published site, ``feeds/`` sits next to the pages, so ``/site/feeds/...`` serves the feeds too).
"""

from __future__ import annotations

import contextlib
import errno
import hmac
import ipaddress
import json
import mimetypes
import os
import re
import secrets
import socket
import sys
import threading
import traceback
import webbrowser
from collections.abc import Callable, Iterable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from ..config import CONFIG_NAME, config_not_a_file
from ..errors import ConfigError, DopemailError
from ..pictures import picture_type
from ..write import Output, output_bytes
from . import hooks, pages
from .state import PreviewState, Snapshot, as_published, redact
from .watch import Watcher

DEFAULT_HOST = "127.0.0.1"
#: Seconds a thread holds the interpreter while another waits (see serve).
SWITCH_INTERVAL = 0.001
#: Seconds between keep-alive comments on an idle event stream (finds closed tabs).
KEEPALIVE = 15.0
#: A name ``--allow-host`` takes: a host name alone, as a Host header gives it.
HOST_NAME = re.compile(r"^[A-Za-z0-9.\-]+$")
_MAX_FORM = 16_384
_HOST_HEADER = re.compile(r"^[A-Za-z0-9.\-]+(:\d+)?$|^\[[0-9A-Fa-f:.]+\](:\d+)?$")
_ISSUE = re.compile(r"^/_preview/issue/([0-9]+-[a-z0-9-]+)(/email|/send-test)?$")
_ISSUE_NUMBER = re.compile(r"^/_preview/issue/([0-9]+)(?:-[a-z0-9-]*)?(/email)?/?$")
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    # Browsers download application/rss+xml but show text/xml as a readable tree.
    ".xml": "text/xml; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
}


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or an address) stays on this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def host_names(host: str, allowed: Iterable[str] = ()) -> frozenset[str]:
    """The names the preview bound to ``host`` answers to, besides addresses: localhost,
    ``host`` itself (a name) and ``allowed``, and, bound beyond loopback, this machine's own
    names (those its network knows it by); in lower case, without a trailing dot."""
    names = {"localhost", *allowed}
    if ip_literal(host) is None and ip_literal(f"[{host}]") is None:
        names.add(host)
    if not is_loopback(host):
        names |= {socket.gethostname(), socket.getfqdn()}
    return frozenset(name.lower().rstrip(".") for name in names if name)


def ip_literal(name: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a Host header's name is, if it is one (an IPv6 one in brackets, as URLs
    write it); None for a name."""
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    elif ":" in name:
        return None
    try:
        return ipaddress.ip_address(name)
    except ValueError:
        return None


def clean_path(raw: str) -> str | None:
    """The decoded URL path, or None if it could step outside (``..``, ``\\``, NUL)."""
    path = unquote(urlsplit(raw).path)
    if not path.startswith("/") or "\\" in path or "\x00" in path:
        return None
    if any(segment in (".", "..") for segment in path.split("/")):
        return None
    return path


def content_type(rel: str) -> str:
    """The Content-Type of an output path, chosen so browsers show rather than download it."""
    suffix = Path(rel).suffix.lower()
    # A picture's as the feeds announce it (mimetypes' table differs between machines).
    known = _TYPES.get(suffix) or picture_type(rel) or mimetypes.guess_type(rel)[0]
    return known or "application/octet-stream"


def local_links(html: str, base: str, local: str) -> str:
    """``html`` with ``base`` made ``local`` where links and pictures point (attributes, and
    a stylesheet's url()s), not in what the page says: a link whose words are its address (an
    intro's <https://...>) reads as readers will see it. The site's address written without
    its last slash (https://press.example.com) is the site's too."""
    site = re.compile(re.escape(base.rstrip("/")) + r"(?=/|[?#\"')]|$)")
    home = local.rstrip("/")

    def point(text: str) -> str:
        return site.sub(home, text) if base.rstrip("/") in text else text

    html = _ATTRIBUTE.sub(lambda m: m[1] + point(m[3]) + m[4], html)
    return _STYLE.sub(lambda m: m[1] + point(m[2]) + m[3], html) if "<style" in html else html


#: A stylesheet in the page (a template's background-image: url(...)).
_STYLE = re.compile(r"(<style\b[^>]*>)(.*?)(</style>)", re.S | re.IGNORECASE)

#: An attribute that holds an address (srcset holds several; a style, background pictures'
#: url(...), as MJML's background-url writes them), quoted as the templates write them.
_ATTRIBUTE = re.compile(
    r"""(\s(?:href|src|srcset|poster|action|content|background|style)=(["']))(.*?)(\2)""", re.S
)


class PreviewServer(ThreadingHTTPServer):
    """A threading HTTP server over a :class:`PreviewState`."""

    daemon_threads = True  # open event streams must not keep the process alive

    def __init__(
        self,
        state: PreviewState,
        host: str = DEFAULT_HOST,
        port: int = 0,
        allowed: Iterable[str] = (),
    ) -> None:
        self.state = state
        self.token = secrets.token_urlsafe(24)
        self.stopping = False
        # Bound elsewhere than loopback on purpose, the preview is still reached by a name
        # its user types, never by one a web page elsewhere chose (DNS rebinding): the few
        # names of this machine, and any address typed as one.
        self.shared = not is_loopback(host)
        self.host_names = host_names(host, allowed)
        if ":" in host:
            self.address_family = socket.AF_INET6
        super().__init__((host.strip("[]"), port), PreviewHandler)

    @property
    def url(self) -> str:
        """The index page's URL."""
        host, port = self.server_address[:2]
        shown = f"[{host}]" if ":" in str(host) else str(host)
        if shown in ("0.0.0.0", "[::]"):
            shown = "127.0.0.1" if shown == "0.0.0.0" else "[::1]"
        return f"http://{shown}:{port}/"

    def start_in_thread(self) -> threading.Thread:
        """Serve from a daemon thread (scripts and tests); :meth:`stop` ends it."""
        thread = threading.Thread(target=self.serve_forever, name="dopemail-preview", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        """Stop serving, end the event streams and close the socket."""
        self.stopping = True
        self.state.wake()
        self.shutdown()
        self.server_close()


class PreviewHandler(BaseHTTPRequestHandler):
    """Answers one request from the current snapshot."""

    server: PreviewServer
    server_version = "dopemail-preview"
    sys_version = ""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib's name
        """Quiet: a page view is not news (build results are logged by the state)."""

    # -- entry points --------------------------------------------------------------------

    def do_GET(self) -> None:  # noqa: N802 - stdlib's name
        """Serve a page, an output or the event stream."""
        self._get(body=True)

    def do_HEAD(self) -> None:  # noqa: N802 - stdlib's name
        """Like GET, without the body."""
        self._get(body=False)

    def do_POST(self) -> None:  # noqa: N802 - stdlib's name
        """The "Send test" form."""
        if not self._host_ok():
            return
        path = clean_path(self.path)
        match = _ISSUE.match(path or "")
        if not match or match.group(2) != "/send-test":
            self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain; charset=utf-8")
            return
        origin = self.headers.get("Origin")
        if origin and origin != f"http://{self.headers.get('Host')}":
            self._send(HTTPStatus.FORBIDDEN, b"cross-site post refused\n", "text/plain")
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0:
            self._send(HTTPStatus.BAD_REQUEST, b"bad Content-Length\n", "text/plain")
            return
        if length > _MAX_FORM:
            self._send(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, b"form too large\n", "text/plain")
            return
        form = parse_qs(self.rfile.read(length).decode("utf-8", "replace"))
        token = (form.get("token") or [""])[0]
        if not hmac.compare_digest(token.encode(), self.server.token.encode()):
            self._send(HTTPStatus.FORBIDDEN, b"stale form: reload the page\n", "text/plain")
            return
        self._send_test(match.group(1), (form.get("address") or [""])[0])

    # -- GET -----------------------------------------------------------------------------

    def _get(self, body: bool) -> None:
        if not self._host_ok():
            return
        path = clean_path(self.path)
        snapshot = self.server.state.snapshot
        if path is None:
            self._not_found(snapshot, self.path, body)
            return
        query = parse_qs(urlsplit(self.path).query)
        if path == "/":
            html = pages.index_page(snapshot, self.server.state.root, "all" in query)
            self._send(HTTPStatus.OK, html.encode(), _TYPES[".html"], body)
        elif path == "/_events":
            self._events(query, body)
        elif path.startswith("/_preview/"):
            self._preview(snapshot, path, query, body)
        elif path == "/site" or path.startswith(("/site/", "/feeds/")):
            self._output(snapshot, path, body)
        else:
            self._not_found(snapshot, path, body)

    def _preview(
        self, snapshot: Snapshot, path: str, query: dict[str, list[str]], body: bool
    ) -> None:
        name = path.removeprefix("/_preview/")
        static = pages.static_file(name)
        if static is not None:
            self._send(HTTPStatus.OK, static, content_type(name), body)
            return
        match = _ISSUE.match(path)
        rendered = pages.find_issue(snapshot, match.group(1)) if match else None
        moved = _ISSUE_NUMBER.match(path) if rendered is None else None
        if moved is not None:
            # /_preview/issue/4 (or a slug from before the subject changed): the issue's page,
            # or its email, at the width and scheme asked for.
            found = pages.find_issue_number(snapshot, int(moved.group(1)))
            if found is not None:
                query = urlsplit(self.path).query
                where = f"/_preview/issue/{found.issue.key}{moved.group(2) or ''}"
                self._redirect(where + (f"?{query}" if query else ""))
                return
        if match is None or rendered is None or match.group(2) == "/send-test":
            self._not_found(snapshot, path, body)
            return
        scheme = (query.get("scheme") or ["light"])[0]
        scheme = scheme if scheme in pages.SCHEMES else "light"
        if match.group(2) == "/email":
            html = pages.email_frame(self._local_links(snapshot, rendered.html), scheme)
        else:
            width = pages.clamp_width((query.get("width") or [None])[0])
            html = pages.issue_page(snapshot, rendered, width, scheme, self.server.token)
        self._send(HTTPStatus.OK, html.encode(), _TYPES[".html"], body)

    def _output(self, snapshot: Snapshot, path: str, body: bool) -> None:
        outputs = snapshot.outputs
        rel = path.lstrip("/")
        if rel.endswith("/"):
            rel += "index.html"
        elif f"{rel}/index.html" in outputs:
            self._redirect(path + "/")
            return
        if rel not in outputs and rel.startswith("site/feeds/"):
            rel = rel.removeprefix("site/")  # base_url + feeds/... on the published site
        output: Output | None = outputs.get(rel)
        if output is None:
            self._not_found(snapshot, path, body)
            return
        kind = content_type(rel)
        if isinstance(output, Path):  # a picture: sent from its file, a piece at a time
            try:
                # Not blocking: a picture replaced by a pipe would hold this thread forever.
                opened = os.open(output, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
            except OSError:  # removed since the build: the next build drops it too
                self._not_found(snapshot, path, body)
                return
            with os.fdopen(opened, "rb") as handle:
                info = os.fstat(handle.fileno())
                # Only the file the last good build saw: one replaced since (by a link to a
                # file outside, which the build then refused) is not the build's to serve.
                if not as_published(snapshot.signatures.get(rel), info):
                    self._changed(output, body)
                    return
                left = info.st_size
                self._headers(HTTPStatus.OK, kind, left)
                # No more than announced: a picture saved again meanwhile may have grown.
                with contextlib.suppress(OSError):  # the browser went away
                    while body and left > 0 and (piece := handle.read(min(left, 1 << 20))):
                        self.wfile.write(piece)
                        left -= len(piece)
            return
        try:
            data = output_bytes(output)
        except (DopemailError, OSError):
            # A page still in the cache whose bytes are gone, and its file edited since: the
            # rebuild the edit brings makes it anew.
            self._send(
                HTTPStatus.SERVICE_UNAVAILABLE,
                b"rebuilding: reload in a moment",
                _TYPES[".txt"],
                body,
            )
            return
        if kind.startswith("text/html") and rel.startswith("site/"):
            html = self._local_links(snapshot, data.decode("utf-8", "replace"))
            deps = f"{rel},site/media/"
            data = pages.inject(html, pages.NOSCRIPT + pages.live_script(snapshot, deps)).encode()
        self._send(HTTPStatus.OK, data, kind, body)

    def _local_links(self, snapshot: Snapshot, html: str) -> str:
        if snapshot.build is None:
            return html
        base = snapshot.build.workspace.settings.publication.base_url
        return local_links(html, base, f"http://{self.headers.get('Host')}/site/")

    # -- the event stream ----------------------------------------------------------------

    def _events(self, query: dict[str, list[str]], body: bool) -> None:
        try:
            since = int((query.get("v") or ["0"])[0])
        except ValueError:
            since = 0
        deps = [d for d in (query.get("deps") or ["*"])[0].split(",") if d] or ["*"]
        warned = (query.get("w") or [""])[0]  # the index: the warnings it shows
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if not body:
            return
        state = self.server.state
        # None: the state is sent on every connection, "ok" included: a tab shown again (see
        # live.js) may still show an overlay of problems fixed while it was not listening.
        shown: tuple[object, ...] | None = None
        snapshot = state.snapshot
        try:
            self._write("retry: 500\n\n")  # reconnect quickly when the preview restarts
            if (query.get("boot") or [""])[0] != snapshot.boot:
                since = -1  # opened before this process started: its versions mean nothing
            while not self.server.stopping:
                if (snapshot.problems, snapshot.failed_at) != shown:
                    problems = [p.as_dict() for p in snapshot.problems]
                    if problems:
                        # The id lets a page whose editor hid the overlay show it again once
                        # another save fails, and keep it hidden across reconnections.
                        told = {
                            "title": snapshot.problems_title,
                            "problems": problems,
                            "id": f"{snapshot.boot}:{snapshot.failed_at}",
                        }
                        self._write(f"event: problems\ndata: {json.dumps(told)}\n\n")
                    else:
                        self._write("event: ok\ndata: {}\n\n")
                    shown = (snapshot.problems, snapshot.failed_at)
                if snapshot.changed_since(since, deps) or (
                    warned and snapshot.version > since and snapshot.warnings_key != warned
                ):
                    self._write(f"event: reload\ndata: {snapshot.version}\n\n")
                    return
                since = max(since, snapshot.version)
                latest = state.wait(snapshot.seq, KEEPALIVE)
                if latest is snapshot:
                    self._write(": still here\n\n")  # fails once the tab is gone
                snapshot = latest
        except OSError:  # the browser closed the page
            return

    def _write(self, text: str) -> None:
        self.wfile.write(text.encode("utf-8"))
        self.wfile.flush()

    # -- "Send test" ---------------------------------------------------------------------

    def _send_test(self, key: str, address: str) -> None:
        state = self.server.state
        rendered = pages.find_issue(state.snapshot, key)
        if rendered is None:
            ok, message = False, f"issue {key} is not in the current build"
        else:
            try:
                ok, message = True, hooks.send_test(state.root, key, address, rendered)
            except DopemailError as exc:
                ok, message = False, str(exc)
            except Exception as exc:  # the page must answer, whatever the sender did
                traceback.print_exc()
                ok, message = False, f"internal error: {type(exc).__name__}: {exc}"
        message = redact(message)
        state.log(f"send test {key} -> {message}")
        status = HTTPStatus.OK if ok else HTTPStatus.BAD_REQUEST
        if "application/json" in (self.headers.get("Accept") or ""):
            data = json.dumps({"ok": ok, "message": message}).encode()
            self._send(status, data, _TYPES[".json"])
        else:
            html = pages.send_result_page(key, ok, message)
            self._send(status, html.encode(), _TYPES[".html"])

    # -- plumbing ------------------------------------------------------------------------

    def _host_ok(self) -> bool:
        host = self.headers.get("Host") or ""
        if not _HOST_HEADER.match(host):
            self._send(HTTPStatus.BAD_REQUEST, b"bad Host header\n", "text/plain")
            return False
        name = host.rsplit(":", 1)[0] if not host.startswith("[") else host.split("]")[0] + "]"
        name = name.lower().rstrip(".")
        if name in self.server.host_names:
            return True
        # Bound to another loopback address (127.0.0.2), or to the network: where the browser
        # goes. No page elsewhere reaches us by an address typed as one, only by a name.
        literal = ip_literal(name)
        if literal is not None and (literal.is_loopback or self.server.shared):
            return True
        # A page on another site reaching us through DNS rebinding: refuse it.
        # The names it answers to are not listed: a page that rebinds a name of its own to
        # this machine reads this answer, and would learn the machine's (the terminal's
        # warning lists them, for its user).
        told = (
            f"unknown Host '{name}': this preview answers to the names it was started with "
            f"only (its terminal lists them). Open {self.server.url}"
        )
        if name and HOST_NAME.match(name):  # what --allow-host takes ('[fe80::1]' it refuses)
            told += f", or, to open it as {name}, start it again with --allow-host {name}"
        told += "\n"
        self._send(HTTPStatus.FORBIDDEN, told.encode(), "text/plain; charset=utf-8")
        return False

    def _changed(self, source: Path, body: bool) -> None:
        try:
            name = source.relative_to(self.server.state.root).as_posix()
        except ValueError:
            name = str(source)
        told = (
            f"{name} has changed since the last good build, which is what the preview shows: "
            f"it is served again once a build succeeds with it (the problems, if any, are "
            f"listed at {self.server.url})\n"
        )
        self._send(HTTPStatus.CONFLICT, told.encode(), _TYPES[".txt"], body)

    def _not_found(self, snapshot: Snapshot, path: str, body: bool) -> None:
        html = pages.not_found_page(snapshot, path)
        self._send(HTTPStatus.NOT_FOUND, html.encode(), _TYPES[".html"], body)

    def _redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.FOUND)  # not cached: pages come and go
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(self, status: HTTPStatus, data: bytes, kind: str, body: bool = True) -> None:
        self._headers(status, kind, len(data))
        if body:
            with contextlib.suppress(OSError):  # the browser went away: nothing to do
                self.wfile.write(data)

    def _headers(self, status: HTTPStatus, kind: str, length: int) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(length))
        self.send_header("Cache-Control", "no-store")  # every build must show at once
        self.send_header("X-Content-Type-Options", "nosniff")
        # Preview URLs stay private, but not from the preview itself: under no-referrer,
        # a form posted without JavaScript carries 'Origin: null', refused as cross-site.
        self.send_header("Referrer-Policy", "same-origin")
        # Framed by the preview's own pages alone: another site framing the issue page could
        # lead the editor's clicks to its send-test button.
        self.send_header("X-Frame-Options", "SAMEORIGIN")
        self.send_header("Content-Security-Policy", "frame-ancestors 'self'")
        if kind.startswith("image/svg+xml"):
            # An SVG opened on its own is a document that may run scripts, on the preview's
            # own address: one put in media/ could read a page's send-test token. None run.
            self.send_header("Content-Security-Policy", "script-src 'none'; sandbox")
        self.end_headers()


def serve(
    root: Path,
    host: str = DEFAULT_HOST,
    port: int = 8000,
    open_browser: bool = False,
    say: Callable[[str], None] = print,
    log: Callable[[str], None] = print,
    allowed: Iterable[str] = (),
) -> None:
    """Build ``root``, serve it on ``host:port`` and rebuild on every change, until Ctrl-C.

    ``say`` prints the few lines users need (the URL); ``log`` prints build results.
    ``allowed``: host names it answers to besides its own (see :func:`host_names`).
    Raises a :class:`~dopemail.errors.DopemailError` when the preview cannot start.
    """
    root = root.resolve()
    odd = config_not_a_file(root)
    if odd is not None:
        raise odd
    if not (root / CONFIG_NAME).is_file():
        raise ConfigError(
            f"no {CONFIG_NAME} in {root}",
            None,
            None,
            "run dopemail preview in the publication's folder, or pass --root DIR",
        )
    state = PreviewState(root, log=log)
    server = bind(state, host, port, allowed)
    # A page requested while a rebuild runs (the feeds made after the pages it reloads) waits
    # for the interpreter's lock at each read and write of its socket: up to the switch
    # interval each time (5 ms by default, 20 ms in all for a page). The preview is a server
    # for one person, where that wait is what they see, and a shorter one costs the rebuild
    # little.
    switching = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH_INTERVAL)
    if server.shared:
        names = ", ".join(sorted(server.host_names))
        log(
            f"warning: serving on {host}, not only on this machine: anyone who can reach it "
            "on your network can read your drafts and unsent issues. It answers to its IP "
            f"addresses and to {names} only (--allow-host NAME adds a name)"
        )
    watcher = Watcher(root, state.rebuild)
    watcher.start()
    state.rebuild()
    name = pages.publication_title(state.snapshot, root)
    say(f"Previewing {name} ({root}) at {server.url} (Ctrl-C to stop)")
    threading.Thread(target=state.warm_up, name="dopemail-warm-up", daemon=True).start()
    # Said, or --open on a machine with no browser (a server, a container) would look broken.
    if open_browser and not webbrowser.open(server.url):
        say(f"No web browser could be opened here: open {server.url} in one yourself.")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        say("stopped")
    finally:
        watcher.stop()
        server.stopping = True
        state.wake()
        server.server_close()
        sys.setswitchinterval(switching)  # (serve may be called by a program that goes on)


def bind(state: PreviewState, host: str, port: int, allowed: Iterable[str] = ()) -> PreviewServer:
    """A :class:`PreviewServer` listening on ``host:port`` (answering to the names in
    ``allowed`` too), or a DopemailError saying why not."""
    try:
        return PreviewServer(state, host, port, allowed)
    except socket.gaierror:
        raise ConfigError(
            f"--host {host}: no such address on this machine",
            None,
            None,
            f"leave --host out to serve on {DEFAULT_HOST} (this machine only)",
        ) from None
    except PermissionError:
        raise ConfigError(
            f"port {port} needs administrator rights",
            None,
            None,
            "use a port above 1023, e.g. --port 8000",
        ) from None
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise ConfigError(
                f"port {port} is already in use (another preview?)",
                None,
                None,
                f"stop the other server, or pick another port: --port {port + 1} "
                "(--port 0 picks a free one)",
            ) from None
        if exc.errno == errno.EADDRNOTAVAIL:
            raise ConfigError(
                f"--host {host} is not an address of this machine",
                None,
                None,
                f"leave --host out to serve on {DEFAULT_HOST}",
            ) from None
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
