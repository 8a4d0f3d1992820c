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

Modules: :mod:`~digest.livereload.state` (the build state the other two share),
:mod:`~digest.livereload.watch` (debris rules, :class:`Rebuilder`, :class:`Watcher`) and
:mod:`~digest.livereload.server` (the HTTP handler, events stream, :func:`inject`,
:func:`resolve_request`); this package puts them together as :class:`LiveReload`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from digest.livereload.server import (
    EVENTS_PATH,
    KEEPALIVE,
    NOT_FOUND_PAGE,
    PORT_TRIES,
    LiveReloadServer,
    bind_server,
    inject,
    resolve_request,
)
from digest.livereload.state import HOLD_TIMEOUT, BuildState
from digest.livereload.watch import (
    DEFAULT_DELAY,
    Builder,
    BuildFailed,
    Rebuilder,
    Watcher,
    is_editor_debris,
)

__all__ = [
    "DEFAULT_DELAY", "EVENTS_PATH", "HOLD_TIMEOUT", "KEEPALIVE", "NOT_FOUND_PAGE", "PORT_TRIES",
    "BuildFailed", "BuildState", "Builder", "LiveReload", "LiveReloadServer", "Rebuilder",
    "Watcher", "bind_server", "inject", "is_editor_debris", "resolve_request",
]


class LiveReload:
    """Server, watcher and rebuilder together; what :func:`digest.serve.serve_site` drives.

    Args:
        builder: called as ``builder(url)`` with the server's URL (``http://127.0.0.1:8001/``,
            known only once the port is bound); otherwise as :data:`Builder`. Runs on the
            worker thread, never two at once.
        root: the folder the builder writes and the server serves.
        watch: files and folders to watch (never ``root`` itself); empty means no reload. May
            be a function returning them, called again after every build (see :class:`Watcher`).
        host, port: where to listen; a taken port moves on to the next free one.
        delay: debounce quiet period in seconds.
        announce: called with the "rebuilt in X s" lines.

    Raises:
        OSError: when no port could be bound (see :func:`bind_server`).
    """

    def __init__(self, builder: Callable[[str], Iterable[Path] | None], root: Path, *,
                 watch: Sequence[Path] | Callable[[], Sequence[Path]], host: str = "127.0.0.1",
                 port: int = 8000, delay: float = DEFAULT_DELAY,
                 announce: Callable[[str], None] | None = None) -> None:
        self.state = BuildState()
        self.server = bind_server(host, port, root, self.state)
        url = self.server.url
        self.rebuilder = Rebuilder(lambda: builder(url), self.state, delay=delay,
                                   announce=announce)
        self.watcher = Watcher(watch, self.rebuilder) if callable(watch) or watch else None
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
