"""The HTTP side: serve the built folder, stream build events, inject the reload script and banner.

See :mod:`digest.livereload` for the whole server. Requests are confined to the served folder
and held while a build is pending; HTML responses (never files on disk) get the reload script
and, after a failed build, the error banner; a missing URL gets the site's own ``404.html``.
"""

from __future__ import annotations

import errno
import html
import logging
import mimetypes
import posixpath
import re
import socket
import urllib.parse
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from digest.livereload.state import BuildState

log = logging.getLogger(__name__)

EVENTS_PATH = "__digest__/events"
"""Server-Sent Events endpoint, relative to the served root."""
NOT_FOUND_PAGE = "404.html"
"""The site's own page for missing URLs, at the served root (GitHub Pages's convention)."""
KEEPALIVE = 15.0
"""Seconds between SSE keep-alive comments."""
PORT_TRIES = 20
"""How many consecutive ports :func:`bind_server` tries when the asked one is taken."""

_SCRIPT = """<script>
(function () {
  var build = "%(tag)s";
  var source = new EventSource(new URL("%(events)s", location.href));
  source.addEventListener("build", function (event) {
    if (event.data !== build) { source.close(); location.reload(); }
  });
})();
</script>
"""
_BANNER = """<div id="digest-build-error" role="alert"><style>
#digest-build-error{all:initial;display:flex;align-items:flex-start;gap:1em;box-sizing:border-box;\
width:100%%;margin:0;padding:.75em 1em;background:#fde7e9;color:#4a000d;border-bottom:3px solid #b00020;\
font:14px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;max-height:50vh;overflow:auto}
#digest-build-error>div{flex:1;min-width:0}
#digest-build-error strong{display:block;font-weight:700}
#digest-build-error pre{margin:.25em 0 0;font:inherit;color:inherit;background:none;white-space:pre-wrap;\
overflow-wrap:anywhere}
#digest-build-error button{flex:none;margin:0;padding:.1em .5em;font:700 18px/1 system-ui,sans-serif;\
color:inherit;background:transparent;border:1px solid currentColor;border-radius:4px;cursor:pointer}
#digest-build-error button:focus-visible{outline:3px solid #b00020;outline-offset:2px}
@media (prefers-color-scheme:dark){#digest-build-error{background:#3b0a12;color:#ffdce1;\
border-bottom-color:#ff6b81}#digest-build-error button:focus-visible{outline-color:#ff6b81}}
</style><div><strong>digest: the last build failed; showing the last good build.</strong>
<pre>%s</pre></div><button type="button" aria-label="Dismiss the build error" title="Dismiss"
onclick="this.parentNode.remove()">&#x2715;</button></div>
"""
"""The build-error banner: a normal-flow block right after ``<body>`` (it pushes the page down
instead of covering its header), with its own colours for light and dark mode and a close button."""
_MISSING = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>%(title)s</title></head>
<body><h1>%(title)s</h1><p>%(detail)s</p></body></html>
"""
_BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)
_BODY_START = re.compile(rb"<body(?:\s[^>]*)?>", re.IGNORECASE)


def inject(page: bytes, *, tag: str, events_url: str, error: str | None) -> bytes:
    """Return ``page`` (HTML bytes) with the reload script and, on ``error``, the error banner.

    Args:
        tag: the build tag the page belongs to; the script reloads when the server's differs.
        events_url: the events URL relative to the page (``"../../__digest__/events"``).
        error: the last build error to show (``file:line: message``), or None.

    The banner goes right after the first ``<body>`` tag (case-insensitive), so it takes its own
    space at the top; the script goes before the last ``</body>``. A page without those tags gets
    them appended at its end.
    """
    script = (_SCRIPT % {"tag": html.escape(tag), "events": html.escape(events_url)}).encode()
    banner = b"" if error is None else (_BANNER % html.escape(error)).encode("utf-8")
    start = _BODY_START.search(page)
    if start is not None:
        page = page[:start.end()] + banner + page[start.end():]
        banner = b""
    return _insert_before_body_end(page, banner + script)


def _insert_before_body_end(page: bytes, data: bytes) -> bytes:
    """Return ``page`` with ``data`` before its last ``</body>``, or at its end when it has none."""
    ends = list(_BODY_END.finditer(page))
    if not ends:
        return page + data
    at = ends[-1].start()
    return page[:at] + data + page[at:]


def resolve_request(root: Path, url_path: str) -> Path | None:
    """Return the file or folder under ``root`` that ``url_path`` names, or None when outside.

    ``url_path`` is the raw request path (query already removed). Each ``/``-separated part is
    percent-decoded on its own; a part that decodes to ``.``/``..`` or contains ``/``, ``\\`` or
    NUL is refused (so ``%2e%2e`` and ``%2f`` cannot climb out), and the result, with symlinks
    resolved, must stay inside ``root``.
    """
    parts: list[str] = []
    for raw in url_path.split("/"):
        part = urllib.parse.unquote(raw, errors="strict") if raw else ""
        if part in (".", "..") or any(c in part for c in "/\\\0"):
            return None
        if part:
            parts.append(part)
    real_root = root.resolve()
    try:
        target = real_root.joinpath(*parts).resolve()
    except (OSError, RuntimeError, ValueError):
        return None
    return target if target.is_relative_to(real_root) else None


class _Handler(BaseHTTPRequestHandler):
    """Serve the built site, the events stream, and the reload script injection."""

    server: LiveReloadServer
    server_version = "digest-serve"

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s - %s", self.address_string(), format % args)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_GET(self) -> None:
        self._serve(head=False)

    def _serve(self, *, head: bool) -> None:
        raw_path = urllib.parse.urlsplit(self.path).path
        if raw_path == "/" + EVENTS_PATH:
            self._events(head=head)
            return
        try:
            target = resolve_request(self.server.root, raw_path)
        except UnicodeDecodeError:
            target = None
        tag, error = self.server.state.wait_ready()
        if target is not None and target.is_dir():
            if not raw_path.endswith("/"):
                self._redirect(posixpath.basename(raw_path) + "/")
                return
            target = target / "index.html"
        if target is None or not target.is_file():
            self._not_found(raw_path, tag, error, head=head)
            return
        self._file(target, raw_path, tag, error, head=head)

    def _relative_events_url(self, raw_path: str) -> str:
        """Return the events URL relative to the page at ``raw_path`` (``../`` per folder level)."""
        return "../" * max(raw_path.count("/") - 1, 0) + EVENTS_PATH

    def _file(self, target: Path, raw_path: str, tag: str, error: str | None, *,
              head: bool) -> None:
        try:
            body = target.read_bytes()
        except OSError:
            self._not_found(raw_path, tag, error, head=head)
            return
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind == "text/html":
            body = inject(body, tag=tag, events_url=self._relative_events_url(raw_path),
                          error=error)
            kind += "; charset=utf-8"
        self._respond(HTTPStatus.OK, kind, body, head=head)

    def _not_found(self, raw_path: str, tag: str, error: str | None, *, head: bool) -> None:
        """Answer 404 with the site's own ``404.html`` (as GitHub Pages does), else a bare page."""
        page = self._site_404() or self._bare_404(raw_path)
        body = inject(page, tag=tag, events_url=self._relative_events_url(raw_path), error=error)
        self._respond(HTTPStatus.NOT_FOUND, "text/html; charset=utf-8", body, head=head)

    def _site_404(self) -> bytes | None:
        """Return the bytes of ``404.html`` at the served root, or None when there is none.

        Only after a good build: before one, the folder holds no site to take it from.
        """
        if not self.server.state.good:
            return None
        try:
            return (self.server.root / NOT_FOUND_PAGE).read_bytes()
        except OSError:
            return None

    def _bare_404(self, raw_path: str) -> bytes:
        """Return the plain "Not found" (or "Build failed" before any good build) page."""
        title = "Not found" if self.server.state.good else "Build failed"
        detail = html.escape(f"No page at {urllib.parse.unquote(raw_path)}")
        return (_MISSING % {"title": title, "detail": detail}).encode("utf-8")

    def _redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _respond(self, status: HTTPStatus, kind: str, body: bytes, *, head: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _events(self, *, head: bool) -> None:
        """Stream ``event: build`` with the tag of each finished build, until the client leaves."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if head:
            return
        state, seen = self.server.state, None
        try:
            self.wfile.write(b"retry: 1000\n\n")
            while True:
                tag = state.wait_new_tag(seen, KEEPALIVE)
                if tag is None:
                    return
                message = b": keep-alive\n\n" if tag == seen else f"event: build\ndata: {tag}\n\n".encode()
                self.wfile.write(message)
                self.wfile.flush()
                seen = tag
        except (BrokenPipeError, ConnectionResetError):
            return


class LiveReloadServer(ThreadingHTTPServer):
    """A threading HTTP server for ``root`` that reports builds from ``state`` to browsers.

    Create it with :func:`bind_server`; run :meth:`serve_forever`; stop with :meth:`shutdown`
    (from another thread) and :meth:`server_close`.
    """

    daemon_threads = True

    def __init__(self, address: tuple[str, int], root: Path, state: BuildState) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.root = root
        self.state = state
        super().__init__(address, _Handler)

    @property
    def url(self) -> str:
        """Return ``http://host:port/`` for the bound socket (IPv6 hosts in brackets)."""
        host, port = self.server_address[:2]
        text = host.decode() if isinstance(host, bytes) else str(host)
        return f"http://[{text}]:{port}/" if ":" in text else f"http://{text}:{port}/"


def bind_server(host: str, port: int, root: Path, state: BuildState, *,
                tries: int = PORT_TRIES) -> LiveReloadServer:
    """Bind a :class:`LiveReloadServer` at ``host:port``, or the next free port after it.

    A port another process listens on is never shared: that port is skipped with a warning.
    Port 0 lets the system choose.

    Raises:
        OSError: when none of ``tries`` consecutive ports can be bound, or any other bind error.
    """
    for candidate in range(port, port + tries) if port else [0]:
        try:
            return LiveReloadServer((host, candidate), root, state)
        except OSError as e:
            if e.errno != errno.EADDRINUSE:
                raise
            log.warning("port %d is in use by another program; trying %d", candidate, candidate + 1)
    raise OSError(errno.EADDRINUSE, f"ports {port}-{port + tries - 1} are all in use")

