"""The build cache: versioned JSON records in a folder (``<site root>/.digest-cache/``).

One record per name (``build.json``, ``bodies.json``...), each ``{"format": FORMAT, "key": key,
"data": data}``. A record is handed back only when its format and key are the ones the caller
expects; a missing, unreadable, corrupt or stale record reads as None, so the caller rebuilds
what it held. Records are written atomically (a temporary file, then ``os.replace``), so a
crash mid-write leaves the old record or none, never half of one. Writing is best effort: a
cache that cannot be written is a warning, never a failed build.

Standard library only: what the keys mean is the caller's business (:mod:`digest.build`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from digest.files import atomic_write

log = logging.getLogger(__name__)

CACHE_DIR = ".digest-cache"
"""Folder of the cache, at the site root."""
FORMAT = 1
"""Bump when the layout of any record changes, so older records are not read."""
GITIGNORE = "# the build cache of digest: never committed, safe to delete\n*\n"
"""The cache folder's own ``.gitignore``: everything in it."""


class Cache:
    """Named JSON records in ``folder`` (created on the first save).

    Args:
        folder: the cache folder, ``<site root>/.digest-cache``.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def load(self, name: str, key: str) -> Any | None:
        """Return the data saved under ``name`` with ``key``, or None when absent, stale or corrupt.

        The data is JSON (dicts, lists, str, int, float, bool, None); the caller still checks
        its shape, since a record can be hand-edited.
        """
        path = self.folder / name
        try:
            record = json.loads(path.read_bytes())
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as e:  # unreadable, not UTF-8 or not JSON
            log.info("ignoring the build cache record %s: %s", path, e)
            return None
        if not isinstance(record, dict) or record.get("format") != FORMAT:
            log.info("ignoring the build cache record %s: another format", path)
            return None
        if record.get("key") != key:
            log.debug("build cache record %s is for other inputs", path)
            return None
        return record.get("data")

    def save(self, name: str, key: str, data: Any) -> None:
        """Store ``data`` (JSON-serialisable) under ``name`` with ``key``, replacing the old record.

        An OS error (read-only folder, full disk) is logged as a warning and otherwise ignored.
        """
        record = {"format": FORMAT, "key": key, "data": data}
        text = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
        try:
            self._make_folder()
            atomic_write(self.folder / name, text.encode("utf-8"))
        except OSError as e:
            log.warning("cannot write the build cache %s (%s); the next build starts afresh",
                        self.folder / name, e)

    def _make_folder(self) -> None:
        """Create the folder with a ``.gitignore`` of ``*`` in it, so git never lists the cache
        (as pytest, mypy and ruff do with theirs)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        ignore = self.folder / ".gitignore"
        if not ignore.exists():
            atomic_write(ignore, GITIGNORE.encode())


def text_hash(text: str) -> str:
    """Return a 32-hex-digit BLAKE2b hash of ``text`` (UTF-8)."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


class Fingerprint:
    """Accumulates what a result depends on (strings and files) into one 32-hex-digit hash."""

    def __init__(self) -> None:
        self._hash = hashlib.blake2b(digest_size=16)

    def add(self, *parts: str) -> None:
        """Add strings, each delimited so ``("ab", "c")`` and ``("a", "bc")`` differ."""
        for part in parts:
            self._hash.update(part.encode("utf-8", "surrogateescape") + b"\0")

    def add_files(self, label: str, folder: Path, files: Iterable[Path]) -> None:
        """Add each of ``files`` by its path relative to ``folder`` and its bytes.

        An unreadable file counts by its error message, so it still changes the hash when it
        becomes readable (the build itself reports it).
        """
        self.add(label, str(folder))
        for path in files:
            try:
                data = path.read_bytes()
            except OSError as e:
                data = f"unreadable: {e}".encode()
            self.add(str(path.relative_to(folder)), str(len(data)))
            self._hash.update(data)

    def hexdigest(self) -> str:
        """Return the hash of everything added so far."""
        return self._hash.hexdigest()


def walk_files(folder: Path, *, skip: Iterable[Path] = ()) -> Iterator[Path]:
    """Yield every file under ``folder``, sorted, leaving out the folders in ``skip``.

    Nothing when ``folder`` is not a folder.
    """
    skipped = {s.absolute() for s in skip}
    if not folder.is_dir() or folder.absolute() in skipped:
        return
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        path = Path(entry.path)
        if entry.is_dir(follow_symlinks=True):
            yield from walk_files(path, skip=skipped)
        elif entry.is_file(follow_symlinks=True):
            yield path


def file_stats(folder: Path) -> dict[str, list[int]]:
    """Return ``{relative POSIX path: [size in bytes, mtime in ns, inode]}`` of every file under
    ``folder`` (empty when it is missing): what a later build checks to see it untouched."""
    stats: dict[str, list[int]] = {}
    if not folder.is_dir():
        return stats
    for path in walk_files(folder):
        st = path.stat()
        stats[path.relative_to(folder).as_posix()] = [st.st_size, st.st_mtime_ns, st.st_ino]
    return stats
