"""Watching: editor-debris rules, debounced one-at-a-time rebuilds, and the watchdog watcher.

See :mod:`digest.livereload` for the whole server. Events for editor debris (swap, backup and
temp files) are dropped; each burst of changes becomes exactly one build; changes during a
build queue exactly one more build (mkdocs #2061 rebuilt once per file).
"""

from __future__ import annotations

import logging
import re
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

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

from digest.livereload.state import BuildState

log = logging.getLogger(__name__)

Builder = Callable[[], Iterable[Path] | None]
"""Writes the site into the served folder; returns the paths *it* wrote inside watched folders
(their events are not user changes), or None. Raises :class:`BuildFailed` for a user error."""

DEFAULT_DELAY = 0.25
"""Seconds of quiet after the last change before a build starts."""

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

