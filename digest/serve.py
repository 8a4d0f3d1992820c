"""``digest serve``: preview the site with live reload (wires :mod:`digest.livereload` to the build).

The site is built by the same :func:`digest.build.build_site` that ``digest build`` uses (Zola:
``build`` and ``serve`` call the same functions), into a temporary folder that is removed on
exit, with ``base_url`` set to the server's own URL so every link works locally. ``site/`` is
never touched. Watched: the input pages folder, ``content/``, ``templates/`` (which holds the
only static files a build publishes, ``templates/static/``) and the config file; after a build
with an edited config, the folders it now names.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import tempfile
import threading
import types
import webbrowser
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from digest.config import CONFIG_NAME, Config, load_config
from digest.errors import DigestError
from digest.livereload import DEFAULT_DELAY, BuildFailed, LiveReload

log = logging.getLogger(__name__)


def serve_site(config: Config, *, host: str = "127.0.0.1", port: int = 8000, reload: bool = True,
               open_browser: bool = False, config_path: Path | None = None,
               announce: Callable[[str], None] | None = None,
               delay: float = DEFAULT_DELAY) -> int:
    """Build ``config``'s site into a temporary folder and serve it until Ctrl-C.

    Args:
        config: the loaded site config; reloaded from ``config_path`` before every rebuild.
        host, port: where to listen (127.0.0.1 unless told); a taken port moves to the next
            free one, with a warning.
        reload: watch the sources, rebuild on change and reload open pages.
        open_browser: open the site in the default browser once serving.
        config_path: the config file (default ``<root>/digest.yaml`` when it exists).
        announce: shows the "serving at URL" and "rebuilt in X s" lines (the CLI passes
            ``print``); default: log them at WARNING.
        delay: debounce quiet period in seconds (see :mod:`digest.livereload`).

    Returns:
        The exit code: 0 after Ctrl-C (a clean stop, temporary folder removed).

    Raises:
        OSError: when no port from ``port`` on could be bound.
    """
    say = announce or (lambda message: log.warning("%s", message))
    if config_path is None and (config.root / CONFIG_NAME).is_file():
        config_path = config.root / CONFIG_NAME
    with tempfile.TemporaryDirectory(prefix="digest-serve-", ignore_cleanup_errors=True) as tmp:
        output = Path(tmp) / "site"
        builder = SiteBuilder(config, config_path, output)
        live = LiveReload(builder, output, watch=builder.watched if reload else [], host=host,
                          port=port, delay=delay, announce=say)
        try:
            with _sigterm_as_interrupt():
                _run(live, say, open_browser)
        except KeyboardInterrupt:
            say("stopping")
        finally:
            live.stop()
    return 0


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """Treat SIGTERM (``kill``, ``timeout``, a container stop) like Ctrl-C while serving.

    So the temporary build folder is removed either way. Only in the main thread (where Python
    lets a handler be set); the previous handler is restored on exit.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: types.FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _run(live: LiveReload, say: Callable[[str], None], open_browser: bool) -> None:
    """Start ``live``, show its URL, and wait until Ctrl-C."""
    live.start()
    say(f"serving at {live.url} (Ctrl-C to stop)")
    if open_browser:
        webbrowser.open(live.url)
    forever = threading.Event()
    while not forever.wait(1.0):
        pass


def watched_paths(config: Config, config_path: Path | None) -> list[Path]:
    """Return what a build of ``config`` reads: input, content and templates folders, config file.

    Not a root ``static/``: the build publishes only ``static/`` inside template folders, which
    the templates folder covers. Never the output folder: the build's own output must not
    trigger builds.
    """
    folders = [config.path(config.input_dir), config.path(config.content_dir),
               config.path(config.templates_dir)]
    return [*folders, *([config_path] if config_path is not None else [])]


class SiteBuilder:
    """The builder :func:`serve_site` hands to :class:`~digest.livereload.LiveReload`.

    Each call reloads the config from ``config_path`` (so edits to it show), runs ``build_site``
    into ``output`` for the server's URL, and returns the content files the build's ingest step
    wrote (so their events do not trigger another build). :meth:`watched` follows the last
    config that loaded, so a changed ``content_dir`` or ``templates_dir`` is watched from the
    next build on.

    Args:
        config: the config loaded at start (used as is when ``config_path`` is None).
        config_path: the config file, reloaded before every build; None: never reloaded.
        output: the folder the site is built into (served as is).
    """

    def __init__(self, config: Config, config_path: Path | None, output: Path) -> None:
        self.config = config
        """The last config that loaded; what :meth:`watched` is based on."""
        self.config_path = config_path
        self.output = output

    def __call__(self, url: str) -> list[Path]:
        """Build the site for ``url``; return the content files the build wrote.

        Raises:
            BuildFailed: with ``str(DigestError)`` (``file:line: message``) when the config
                does not load or the build fails.
        """
        from digest.build import build_site

        try:
            if self.config_path is not None:
                self.config = load_config(self.config_path)
            content_dir = self.config.path(self.config.content_dir)
            before = _snapshot(content_dir)
            build_site(self.config, output_dir=self.output, base_url=url)
        except DigestError as e:
            raise BuildFailed(str(e)) from e
        after = _snapshot(content_dir)
        return [Path(p) for p, mtime in after.items() if before.get(p) != mtime]

    def watched(self) -> list[Path]:
        """Return the paths to watch for the last config that loaded (see :func:`watched_paths`)."""
        return watched_paths(self.config, self.config_path)


def _snapshot(folder: Path) -> dict[str, int]:
    """Return ``{path: mtime_ns}`` for every file under ``folder`` (empty when it is missing)."""
    found: dict[str, int] = {}
    for path in _files(folder):
        try:
            found[str(path)] = path.stat().st_mtime_ns
        except OSError:
            continue
    return found


def _files(folder: Path) -> Iterable[Path]:
    return (p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else ()
