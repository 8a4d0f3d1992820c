"""files.py: atomic writes and the visible files of a folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from digest.files import atomic_write, visible_files


def test_atomic_write_creates_folders_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    atomic_write(tmp_path / "a/b/c.txt", b"one")
    atomic_write(tmp_path / "a/b/c.txt", b"two")
    assert (tmp_path / "a/b/c.txt").read_bytes() == b"two"
    assert os.listdir(tmp_path / "a/b") == ["c.txt"]


def test_a_failed_write_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    atomic_write(tmp_path / "c.txt", b"old")

    def refuse(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="No space left"):
        atomic_write(tmp_path / "c.txt", b"new")
    assert (tmp_path / "c.txt").read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["c.txt"]


def test_visible_files_are_sorted_and_skip_hidden_ones(tmp_path: Path) -> None:
    for name in ("b.md", "a/z.md", "a/y.txt", ".hidden.md", ".git/x.md", "a/.swp.md"):
        atomic_write(tmp_path / name, b"x")
    assert list(visible_files(tmp_path)) == [tmp_path / "a/y.txt", tmp_path / "a/z.md", tmp_path / "b.md"]
    assert list(visible_files(tmp_path, suffixes=(".md",))) == [tmp_path / "a/z.md", tmp_path / "b.md"]
    assert list(visible_files(tmp_path / "missing")) == []
