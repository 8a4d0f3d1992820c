"""A generic live-reload preview server: watch folders, rebuild, serve, reload the browser.

It knows nothing of digest (the layout follows MkDocs's ``livereload``): it is handed a
``builder`` function that writes a site into ``root`` and the paths to watch. It then

- watches those paths with watchdog, drops editor debris (swap, backup and temp files) and
  debounces each burst of changes into exactly one build; changes during a build queue exactly
  one more build (mkdocs #2061 rebuilt once per file);
- serves ``root`` over HTTP, confined to it (``..``, encoded ``%2e%2e``/``%2f`` and symlinks out
  of it give 404), holding requests while a change is pending or a build runs;
- injects a small script into served HTML only (never into files on disk) that listens to
  Server-Sent Events at ``__digest__/events`` -- a URL relative to the page, so it works on any
  port and behind a proxy under a sub-path -- and reloads the page when a build has finished;
- keeps serving the last good build when a build fails, and shows the error as a banner at the
  top of every served page until the next good build (Zola shows build errors in the browser
  too); the banner takes its own space (it never covers the page) and has a close button;
- answers a missing URL with the site's own ``404.html`` (status 404, script and banner
  injected, as GitHub Pages serves it), or a bare page when the site has none.
"""

from __future__ import annotations

import errno
import html
import logging
import mimetypes
import posixpath
import re
import secrets
import socket
import threading
import time
import urllib.parse
import warnings
from collections.abc import Callable, Iterable, Sequence
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from watchdog.events import (
    DirDeletedEvent,
    DirMovedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver

log = logging.getLogger(__name__)

Builder = Callable[[], Iterable[Path] | None]
"""Writes the site into the served folder; returns the paths *it* wrote inside watched folders
(their events are not user changes), or None. Raises :class:`BuildFailed` for a user error."""

EVENTS_PATH = "__digest__/events"
"""Server-Sent Events endpoint, relative to the served root."""
NOT_FOUND_PAGE = "404.html"
"""The site's own page for missing URLs, at the served root (GitHub Pages's convention)."""
DEFAULT_DELAY = 0.25
"""Seconds of quiet after the last change before a build starts."""
HOLD_TIMEOUT = 60.0
"""Longest a request waits (seconds) for a pending build before it is served anyway."""
KEEPALIVE = 15.0
"""Seconds between SSE keep-alive comments."""
PORT_TRIES = 20
"""How many consecutive ports :func:`bind_server` tries when the asked one is taken."""

# No DirCreatedEvent: a new folder matters only through the files in it, which have their own
# events (and the build's own new folders must not trigger a build). No DirModifiedEvent either:
# it fires for the parent of every debris file.
_WATCHED_EVENTS: list[type[FileSystemEvent]] = [
    FileCreatedEvent, FileModifiedEvent, FileDeletedEvent, FileMovedEvent,
    DirDeletedEvent, DirMovedEvent,
]
# Editor and tool debris: vim swap (.x.swp, .x.swx) and backup (x~) files (its writability
# probe "4913" is matched by _is_vim_probe), Emacs locks (.#x) and autosaves (#x#), gedit's
# .goutputstream-XXXX, JetBrains' safe-write files, sed -i temporaries, *.tmp, partial
# downloads, and hidden files in general (.DS_Store and the like).
_DEBRIS = re.compile(
    r"""^(?: \..*            # hidden: .x.swp .x.swx .#x .goutputstream-* .DS_Store
           | .*~             # backups
           | \#.*\#          # Emacs autosave
           | .*\.(?:tmp|temp|swp|swx|bak|part|crdownload)
           | .*___jb_(?:tmp|old)___
           | sed[A-Za-z0-9]{6}
         )$""",
    re.VERBOSE | re.IGNORECASE,
)


class BuildFailed(Exception):
    """Raised by a builder for a failure the user can fix; ``str(e)`` is shown as is.

    Any other exception from a builder is treated as a bug: logged with its traceback.
    """


def is_editor_debris(path: str | Path) -> bool:
    """Return True when the file name of ``path`` is an editor's swap/backup/temp file.

    ``path`` may be a full path; only its last part is checked (see ``_DEBRIS`` for the list).
    """
    name = Path(path).name
    return bool(_DEBRIS.match(name)) or _is_vim_probe(name)


def _is_vim_probe(name: str) -> bool:
    """Return True for vim's writability probe: ``4913``, then 123 more per retry (``5036``...)."""
    return name.isdigit() and int(name) >= 4913 and (int(name) - 4913) % 123 == 0


# --------------------------------------------------------------------------- build state


class BuildState:
    """What the server shows: the build tag, the last build error, and whether one is pending.

    All fields are guarded by one :class:`threading.Condition`; waiters are woken on every
    change. The tag is ``"<server id>.<n>"``: ``n`` counts finished builds (good or failed),
    the random server id makes a restarted server's tags differ from the old one's.
    """

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.server_id = secrets.token_hex(4)
        self.number = 0
        self.error: str | None = None
        self.good = False
        """True once any build has succeeded (there is a site to show)."""
        self.pending = True
        """True from a relevant change (or start) until the build it causes has finished."""
        self.closing = False

    @property
    def tag(self) -> str:
        """Return the tag of the last finished build (``"<server id>.<n>"``)."""
        return f"{self.server_id}.{self.number}"

    def wait_ready(self, timeout: float = HOLD_TIMEOUT) -> tuple[str, str | None]:
        """Wait (at most ``timeout`` seconds) until no build is pending; return ``(tag, error)``."""
        with self.cond:
            self.cond.wait_for(lambda: not self.pending or self.closing, timeout)
            return self.tag, self.error

    def wait_new_tag(self, seen: str | None, timeout: float) -> str | None:
        """Wait until a finished build's tag differs from ``seen``; return it, or None on close.

        Returns ``seen`` unchanged after ``timeout`` seconds without a new build.
        """
        with self.cond:
            self.cond.wait_for(
                lambda: self.closing or (not self.pending and self.tag != seen), timeout)
            if self.closing:
                return None
            return self.tag if not self.pending else seen

    def finish(self, error: str | None, *, more: bool) -> None:
        """Record a finished build (``error`` None when it succeeded); ``more``: one is queued."""
        with self.cond:
            self.number += 1
            self.error = error
            self.good = self.good or error is None
            self.pending = more
            self.cond.notify_all()

    def close(self) -> None:
        """Wake every waiter for shutdown."""
        with self.cond:
            self.closing = True
            self.cond.notify_all()


# --------------------------------------------------------------------------- rebuilds


class Rebuilder:
    """Turn change notifications into builds: debounced, one at a time, on a worker thread.

    Args:
        builder: see :data:`Builder`.
        state: where results go; ``state.pending`` holds requests from a change until its build.
        delay: seconds of quiet after the last change before building.
        announce: called with ``"built in 2.10 s"`` after the first good build and
            ``"rebuilt in 0.42 s"`` after later ones.
    """

    def __init__(self, builder: Builder, state: BuildState, *, delay: float = DEFAULT_DELAY,
                 announce: Callable[[str], None] | None = None) -> None:
        self.builder = builder
        self.state = state
        self.delay = delay
        self.announce = announce or (lambda message: log.warning("%s", message))
        self.builds = 0
        self._dirty = False
        self._building = False
        self._last_change = 0.0
        self._own_writes: dict[str, int] = {}
        self._during: set[str] = set()
        self.after_build: Callable[[], None] = lambda: None
        """Called on the worker thread after each build (the watcher refreshes its paths)."""
        self._thread = threading.Thread(target=self._loop, name="digest-rebuild", daemon=True)

    def start(self, *, build_now: bool = True) -> None:
        """Start the worker; with ``build_now`` it builds at once (no debounce)."""
        with self.state.cond:
            self._dirty = build_now
            self._last_change = time.monotonic() - self.delay
            self.state.pending = build_now
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the worker, waiting up to ``timeout`` seconds for a running build to end."""
        self.state.close()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def changed(self, path: str) -> None:
        """Note that ``path`` changed; a build follows ``delay`` seconds after the last change.

        An event for a file the build wrote itself, unchanged since, is ignored; events that
        arrive during a build are judged when it ends (the builder names its writes then).
        """
        with self.state.cond:
            if self._building:
                self._during.add(path)
                self._last_change = time.monotonic()
                return
        if self._is_own_write(path):
            log.debug("ignoring the build's own write to %s", path)
            return
        with self.state.cond:
            log.debug("changed: %s", path)
            self._dirty = True
            self._last_change = time.monotonic()
            self.state.pending = True
            self.state.cond.notify_all()

    def _is_own_write(self, path: str) -> bool:
        """Return True when ``path`` is a file the last build wrote, unmodified since."""
        mtime = self._own_writes.get(path)
        if mtime is None:
            return False
        try:
            return Path(path).stat().st_mtime_ns == mtime
        except OSError:
            return False

    def _loop(self) -> None:
        """Worker: wait for a change, wait for quiet, build; repeat until closing."""
        cond = self.state.cond
        while True:
            with cond:
                cond.wait_for(lambda: self._dirty or self.state.closing)
                while not self.state.closing:
                    quiet_at = self._last_change + self.delay
                    if time.monotonic() >= quiet_at:
                        break
                    cond.wait(quiet_at - time.monotonic())
                if self.state.closing:
                    return
                self._dirty = False
                self._building = True
            self._build_once()

    def _build_once(self) -> None:
        """Run the builder once; record the result in :attr:`state`."""
        started = time.perf_counter()
        error: str | None = None
        written: Iterable[Path] | None = None
        try:
            written = self.builder()
        except BuildFailed as e:
            error = str(e)
            log.error("build failed: %s", error)
        except Exception as e:  # a builder bug: keep serving the last good site
            error = f"{type(e).__name__}: {e}"
            log.exception("build crashed")
        self.builds += 1
        self._remember_own_writes(written)
        self.after_build()
        with self.state.cond:
            during, self._during = self._during, set()
            real = sorted(p for p in during if not self._is_own_write(p))
            if real:
                log.debug("changed during the build: %s", ", ".join(real))
            self._dirty = self._dirty or bool(real)
            self._building = False
            self.state.finish(error, more=self._dirty)
        if error is None:
            verb = "built" if self.builds == 1 else "rebuilt"
            self.announce(f"{verb} in {time.perf_counter() - started:.2f} s")

    def _remember_own_writes(self, written: Iterable[Path] | None) -> None:
        """Keep the modification times of the files the build wrote (see :meth:`changed`)."""
        own: dict[str, int] = {}
        for path in written or ():
            try:
                own[str(path)] = path.stat().st_mtime_ns
            except OSError:
                continue
        self._own_writes = own


# --------------------------------------------------------------------------- watching


class _ChangeHandler(FileSystemEventHandler):
    """Pass relevant file events to a :class:`Rebuilder`; drop debris and foreign paths."""

    def __init__(self, rebuilder: Rebuilder, watched: Sequence[Path],
                 ignore: Callable[[str], bool]) -> None:
        self.rebuilder = rebuilder
        self.dirs = [p for p in watched if not p.is_file()]
        self.files = {str(p) for p in watched if p.is_file()}
        self.ignore = ignore

    def on_any_event(self, event: FileSystemEvent) -> None:
        paths = [event.src_path]
        if isinstance(event, FileMovedEvent | DirMovedEvent):
            paths.append(event.dest_path)
        for raw in paths:
            path = raw.decode() if isinstance(raw, bytes) else raw
            if self._relevant(path):
                self.rebuilder.changed(path)
                return

    def _relevant(self, path: str) -> bool:
        """Return True when ``path`` is a watched file, or not debris inside a watched folder."""
        if path in self.files:
            return True
        if self.ignore(path):
            return False
        return any(Path(path).is_relative_to(folder) for folder in self.dirs)


class Watcher:
    """Watch files and folders (recursively) with a watchdog observer.

    A path that does not exist yet is picked up by :meth:`refresh` once it does (call it after
    each build). A watched file is watched through its folder, non-recursively.
    """

    def __init__(self, paths: Sequence[Path], rebuilder: Rebuilder,
                 ignore: Callable[[str], bool] = is_editor_debris) -> None:
        self.paths = [p.absolute() for p in paths]
        self.handler = _ChangeHandler(rebuilder, self.paths, ignore)
        self.observer: BaseObserver = Observer()
        self._scheduled: set[Path] = set()

    def start(self) -> None:
        """Schedule every existing path and start the observer thread.

        Silences watchdog's benign "Callback with id ... already exists" RuntimeWarning (its
        inotify emitter races with itself when nested folders appear at once, as ``mkdir -p``
        or ingest do); the watch is simply set again, no event is lost.
        """
        warnings.filterwarnings("ignore", message="Callback with id", category=RuntimeWarning,
                                module=r"watchdog\.observers\.inotify")
        self.refresh()
        self.observer.start()

    def refresh(self) -> None:
        """Schedule the watched paths that exist now and were not scheduled before."""
        self.handler.dirs = [p for p in self.paths if not p.is_file()]
        self.handler.files = {str(p) for p in self.paths if p.is_file()}
        for path in self.paths:
            if path in self._scheduled or not path.exists():
                continue
            target, recursive = (path.parent, False) if path.is_file() else (path, True)
            self.observer.schedule(self.handler, str(target), recursive=recursive,
                                   event_filter=_WATCHED_EVENTS)
            self._scheduled.add(path)
            log.debug("watching %s", path)

    def stop(self) -> None:
        """Stop the observer thread and wait for it."""
        self.observer.stop()
        if self.observer.is_alive():
            self.observer.join(5)


# --------------------------------------------------------------------------- HTTP


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


# --------------------------------------------------------------------------- together


class LiveReload:
    """Server, watcher and rebuilder together; what :func:`digest.serve.serve_site` drives.

    Args:
        builder: called as ``builder(url)`` with the server's URL (``http://127.0.0.1:8001/``,
            known only once the port is bound); otherwise as :data:`Builder`. Runs on the
            worker thread, never two at once.
        root: the folder the builder writes and the server serves.
        watch: files and folders to watch (never ``root`` itself); empty means no reload.
        host, port: where to listen; a taken port moves on to the next free one.
        delay: debounce quiet period in seconds.
        announce: called with the "rebuilt in X s" lines.

    Raises:
        OSError: when no port could be bound (see :func:`bind_server`).
    """

    def __init__(self, builder: Callable[[str], Iterable[Path] | None], root: Path, *,
                 watch: Sequence[Path], host: str = "127.0.0.1", port: int = 8000,
                 delay: float = DEFAULT_DELAY,
                 announce: Callable[[str], None] | None = None) -> None:
        self.state = BuildState()
        self.server = bind_server(host, port, root, self.state)
        url = self.server.url
        self.rebuilder = Rebuilder(lambda: builder(url), self.state, delay=delay,
                                   announce=announce)
        self.watcher = Watcher(watch, self.rebuilder) if watch else None
        if self.watcher is not None:
            self.rebuilder.after_build = self.watcher.refresh
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Return the URL the server listens at."""
        return self.server.url

    def start(self) -> None:
        """Start building, watching and serving, each on its own thread; return at once."""
        self.rebuilder.start(build_now=True)
        if self.watcher is not None:
            self.watcher.start()
        self._thread = threading.Thread(target=self.server.serve_forever, name="digest-http",
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and watching, then wait for a running build to finish."""
        if self.watcher is not None:
            self.watcher.stop()
        self.state.close()
        if self._thread is not None:
            self.server.shutdown()
            self._thread.join(5)
        self.server.server_close()
        self.rebuilder.stop()
