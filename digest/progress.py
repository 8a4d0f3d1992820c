"""Progress bars for long runs (tqdm, on stderr), shown only when asked for."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeVar

from tqdm import tqdm

T = TypeVar("T")


def progress_bar(items: Sequence[T], desc: str, enabled: bool) -> Iterable[T]:
    """Wrap ``items`` in a tqdm bar on stderr when ``enabled``."""
    if not enabled:
        return items
    bar: Iterable[T] = tqdm(items, desc=desc, unit="file", leave=False)
    return bar
