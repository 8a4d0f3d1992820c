"""Sidecar files: facts about a saved page kept beside it (``story.meta.yaml`` for ``story.txt``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import yaml

from digest.errors import PageError

SIDECAR_SUFFIX = ".meta.yaml"
"""``story.meta.yaml`` beside ``story.txt`` may give ``captured_at``, ``url`` and ``source``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Sidecar:
    """Facts about a page from ``<page>.meta.yaml``; every field optional."""

    captured_at: dt.datetime | None = None
    url: str | None = None
    source: str | None = None


def read_sidecar(page: Path) -> Sidecar:
    """Read ``story.meta.yaml`` beside ``story.txt``; a missing file gives an empty :class:`Sidecar`.

    Raises:
        PageError: the sidecar exists but is not a YAML mapping or has a bad ``captured_at``.
    """
    path = page.with_name(page.stem + SIDECAR_SUFFIX)
    if not path.exists():
        return Sidecar()
    try:
        meta = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        raise PageError(f"sidecar is not readable YAML: {e}", path=path) from e
    if not isinstance(meta, dict):
        raise PageError("sidecar must be a mapping (captured_at, url, source)", path=path, line=1)
    captured = meta.get("captured_at")
    if isinstance(captured, str):
        try:
            captured = dt.datetime.fromisoformat(captured)
        except ValueError as e:
            raise PageError(f"captured_at must be ISO 8601, got {captured!r}", path=path) from e
    if isinstance(captured, dt.date) and not isinstance(captured, dt.datetime):
        captured = dt.datetime.combine(captured, dt.time(12))
    if captured is not None and not isinstance(captured, dt.datetime):
        raise PageError(f"captured_at must be ISO 8601, got {captured!r}", path=path)
    if captured is not None and captured.tzinfo is None:
        captured = captured.replace(tzinfo=dt.UTC)
    return Sidecar(captured_at=captured, url=_opt(meta.get("url")), source=_opt(meta.get("source")))


def _opt(value: object) -> str | None:
    return None if value is None else str(value)
