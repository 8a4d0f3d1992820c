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
from typing import cast

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
from watchdog.observers.api import BaseObserver, ObservedWatch

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
        """Worker: wait for a change, wait for quiet, build; repeat until closing.

        Nothing may end this thread but :meth:`stop`: a dead worker would leave every request
        held for :data:`~digest.livereload.state.HOLD_TIMEOUT` seconds and no rebuild would
        ever run again. So anything an iteration raises is logged and the loop goes on.
        """
        while True:
            try:
                if not self._wait_for_work():
                    return
                self._build_once()
            except Exception:
                log.exception("rebuild worker: unexpected error (still watching)")
                self._recover()

    def _wait_for_work(self) -> bool:
        """Wait for a change and then for quiet; mark a build as running. False when closing."""
        cond = self.state.cond
        with cond:
            cond.wait_for(lambda: self._dirty or self.state.closing)
            while not self.state.closing:
                quiet_at = self._last_change + self.delay
                if time.monotonic() >= quiet_at:
                    break
                cond.wait(quiet_at - time.monotonic())
            if self.state.closing:
                return False
            self._dirty = False
            self._building = True
            return True

    def _recover(self) -> None:
        """After an unexpected error in an iteration: no build runs, nobody is left waiting."""
        with self.state.cond:
            self._building = False
            if not self._dirty and self.state.pending:
                self.state.pending = False
                self.state.cond.notify_all()

    def _build_once(self) -> None:
        """Run the builder once; record the result in :attr:`state`.

        The result is recorded (``state.finish``) whatever happens after the builder, so held
        requests are always released; a failing :attr:`after_build` is logged, not fatal.
        """
        started = time.perf_counter()
        error: str | None = "the build did not finish (see the log)"
        try:
            error = self._run_builder()
            self._after_build()
        finally:
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

    def _run_builder(self) -> str | None:
        """Call the builder and note the files it wrote; return its error message, or None."""
        written: Iterable[Path] | None = None
        try:
            written = self.builder()
        except BuildFailed as e:
            log.error("build failed: %s", e)
            return str(e)
        except (Exception, SystemExit) as e:  # a builder bug: keep serving the last good site
            log.exception("build crashed")
            return f"{type(e).__name__}: {e}"
        finally:
            self.builds += 1
            self._remember_own_writes(written)
        return None

    def _after_build(self) -> None:
        """Call :attr:`after_build`; log its failure (the next build calls it again)."""
        try:
            self.after_build()
        except Exception:
            log.exception("after the build: refreshing the watched paths failed")

    def _remember_own_writes(self, written: Iterable[Path] | None) -> None:
        """Keep the modification times of the files the build wrote (see :meth:`changed`).

        A builder that returns something other than paths is logged; its writes are forgotten.
        """
        own: dict[str, int] = {}
        try:
            for path in written or ():
                try:
                    own[str(Path(path))] = Path(path).stat().st_mtime_ns
                except OSError:
                    continue
        except TypeError:
            log.exception("the builder returned %r, not paths", written)
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

    Args:
        paths: what to watch, or a function returning it; a function is called again on every
            :meth:`refresh`, so the watched set can follow a reloaded config.
        rebuilder: told about every relevant change.
        ignore: names to drop inside watched folders (default: editor debris).

    A path that does not exist yet is picked up by :meth:`refresh` once it does (call it after
    each build); a path no longer named, or gone, stops being watched. A watched file is watched
    through its folder, non-recursively; a path inside another watched folder gets no watch of
    its own (that folder's watch already reports it). Scheduling errors (the inotify watch limit,
    a folder removed meanwhile) are logged and retried on the next refresh.
    """

    def __init__(self, paths: Sequence[Path] | Callable[[], Sequence[Path]], rebuilder: Rebuilder,
                 ignore: Callable[[str], bool] = is_editor_debris) -> None:
        self._paths_source = paths
        self.paths: list[Path] = []
        self.handler = _ChangeHandler(rebuilder, [], ignore)
        self.observer: BaseObserver = Observer()
        self._scheduled: dict[tuple[Path, bool], ObservedWatch] = {}
        self._lock = threading.Lock()
        self._started = False

    def start(self) -> None:
        """Start the observer thread, then schedule every existing path.

        In that order: watchdog starts the emitters scheduled before the observer only in its
        ``start``, so a refresh from the rebuild thread during it could add one never started.
        """
        _quiet_duplicate_callback_warnings(True)
        with self._lock:
            self.observer.start()
            self._started = True
        self.refresh()

    def refresh(self) -> None:
        """Re-read the watched paths; schedule those that exist now, unschedule the rest.

        Does nothing before :meth:`start` or after :meth:`stop`.
        """
        with self._lock:
            if not self._started:
                return
            source = self._paths_source
            self.paths = [p.absolute() for p in (source() if callable(source) else source)]
            self.handler.dirs = [p for p in self.paths if not p.is_file()]
            self.handler.files = {str(p) for p in self.paths if p.is_file()}
            wanted = _watch_targets(self.paths)
            for key in [k for k in self._scheduled if k not in wanted]:
                self._unschedule(key)
            for key in wanted:
                if key not in self._scheduled:
                    self._schedule(key)

    def _schedule(self, key: tuple[Path, bool]) -> None:
        folder, recursive = key
        try:
            self._scheduled[key] = self.observer.schedule(
                self.handler, str(folder), recursive=recursive, event_filter=_WATCHED_EVENTS)
        except OSError as e:  # ENOSPC: the inotify watch limit; ENOENT: removed meanwhile
            log.warning("cannot watch %s (%s); retrying after the next build", folder, e)
            return
        log.debug("watching %s%s", folder, "" if recursive else " (not its subfolders)")

    def _unschedule(self, key: tuple[Path, bool]) -> None:
        watch = self._scheduled.pop(key)
        try:
            self.observer.unschedule(watch)
        except Exception:  # an emitter that failed to stop: it no longer matters
            log.exception("unwatching %s", key[0])
        log.debug("no longer watching %s", key[0])

    def stop(self) -> None:
        """Stop the observer thread and wait for it."""
        with self._lock:
            started, self._started = self._started, False
        self.observer.stop()
        if self.observer.is_alive():
            self.observer.join(5)
        if started:
            _quiet_duplicate_callback_warnings(False)


def _watch_targets(paths: Iterable[Path]) -> set[tuple[Path, bool]]:
    """Return the ``(folder, recursive)`` watches that cover the existing ``paths``.

    A file is covered by a non-recursive watch of its folder, a folder by a recursive watch of
    itself; a target inside a folder already watched recursively is left out, so nested paths
    (say ``templates/`` inside ``content/``) do not schedule the same folders twice.
    """
    targets: dict[Path, bool] = {}
    for path in paths:
        if path.is_file():
            targets[path.parent] = targets.get(path.parent, False)
        elif path.is_dir():
            targets[path] = True
    wanted: set[tuple[Path, bool]] = set()
    recursive: list[Path] = []
    for folder in sorted(targets, key=lambda p: len(p.parts)):
        if any(folder.is_relative_to(outer) for outer in recursive):
            continue
        wanted.add((folder, targets[folder]))
        if targets[folder]:
            recursive.append(folder)
    return wanted


# watchdog's recursive inotify watcher adds a watch for each new folder twice when nested
# folders appear at once (``mkdir -p``, ingest writing ``content/2025/06/``): once while walking
# the new parent, once for the child's own creation event. It then warns "Callback with id ...
# already exists ... It will be Overwritten." (a RuntimeWarning) and simply sets the same watch
# again: nothing is lost. The warning is issued on watchdog's own inotify thread, not in any call
# of ours, so ``warnings.catch_warnings()`` around our calls cannot catch it (and it is not
# thread-safe anyway); and the duplicate is watchdog's, so we cannot avoid it. Instead, a filter
# matching only that message from watchdog's inotify module is added while a Watcher runs and
# removed when the last one stops: no other warning, and nothing after ``stop()``, is affected.
_DUPLICATE_CALLBACK = ("ignore", re.compile("Callback with id", re.IGNORECASE), RuntimeWarning,
                       re.compile(r"watchdog\.observers\.inotify\Z"), 0)
_quieting = 0
_quieting_lock = threading.Lock()


def _quiet_duplicate_callback_warnings(on: bool) -> None:
    """Add (``on``) or drop the filter for watchdog's duplicate-callback warning, counting users."""
    global _quieting
    with _quieting_lock:
        _quieting += 1 if on else -1
        if on and _quieting == 1:
            warnings.filterwarnings("ignore", message=_DUPLICATE_CALLBACK[1].pattern,
                                    category=RuntimeWarning, module=_DUPLICATE_CALLBACK[3].pattern)
        elif not on and _quieting == 0:
            # An "ignore" filter leaves no trace in the per-module warning registries, so
            # dropping it needs no cache reset: later warnings just meet the remaining filters.
            filters = cast("list[object]", warnings.filters)  # a list, typed as a Sequence
            while _DUPLICATE_CALLBACK in filters:
                filters.remove(_DUPLICATE_CALLBACK)
