"""Files on disk: write one without ever showing a half-written file, and list the visible files of
a folder in a stable order. Standard library only."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` (bytes) to ``path`` through a hidden temporary file beside it and a rename.

    A reader sees the old file or the new one, never a part; parent folders are created.
    A failure leaves no temporary file behind and re-raises the ``OSError``.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def visible_files(folder: Path, *, suffixes: Iterable[str] | None = None) -> Iterator[Path]:
    """Yield the files under ``folder``, sorted by path, leaving out hidden ones.

    A file is hidden when its name or a folder between it and ``folder`` starts with ``.``
    (``.git/``, editor swap files, digest's own ``.digest-state.json``). ``suffixes`` keeps only
    files ending in one of them (``(".md",)``). Nothing when ``folder`` is not a folder.
    """
    if not folder.is_dir():
        return
    wanted = tuple(suffixes) if suffixes is not None else None
    for path in sorted(folder.rglob("*")):
        if wanted is not None and not path.name.endswith(wanted):
            continue
        if path.is_file() and not any(p.startswith(".") for p in path.relative_to(folder).parts):
            yield path
