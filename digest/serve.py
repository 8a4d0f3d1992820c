"""``digest serve``: preview the site with live reload (wires :mod:`digest.livereload` to the build).

The site is built by the same :func:`digest.build.build_site` that ``digest build`` uses (Zola:
``build`` and ``serve`` call the same functions), into a temporary folder that is removed on
exit, with ``base_url`` set to the server's own URL so every link works locally. ``site/`` is
never touched. Watched: the input pages folder, ``content/``, ``templates/``, ``static/`` (when
there is one) and the config file.
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
from dataclasses import replace
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
        builder = make_builder(config, config_path, output)
        watch = watched_paths(config, config_path) if reload else []
        live = LiveReload(builder, output, watch=watch, host=host, port=port, delay=delay,
                          announce=say)
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
    """Return what a rebuild depends on: input, content, templates, static folders, config file.

    Never the output folder: the build's own output must not trigger builds.
    """
    folders = [config.path(config.input_dir), config.path(config.content_dir),
               config.path(config.templates_dir), config.root / "static"]
    return [*folders, *([config_path] if config_path is not None else [])]


def make_builder(config: Config, config_path: Path | None,
                 output: Path) -> Callable[[str], list[Path]]:
    """Return ``builder(url)`` for :class:`~digest.livereload.LiveReload`.

    Each call reloads the config (so edits to it show), runs ``build_site`` into ``output`` with
    ``base_url=url``, and returns the content files the build's ingest step wrote (so their
    events do not trigger another build).

    Raises (from the builder):
        BuildFailed: with ``str(DigestError)`` (``file:line: message``) when the build fails.
    """
    def build(url: str) -> list[Path]:
        from digest.build import build_site

        content_dir = config.path(config.content_dir)
        before = _snapshot(content_dir)
        try:
            current = load_config(config_path) if config_path is not None else config
            build_site(replace(current, base_url=url), output_dir=output, base_url=url)
        except DigestError as e:
            raise BuildFailed(str(e)) from e
        after = _snapshot(content_dir)
        return [Path(p) for p, mtime in after.items() if before.get(p) != mtime]

    return build


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
