"""The build cache (.digest-cache/): a no-change rebuild does nothing, any changed input rebuilds to
exactly what a from-scratch build makes, and a corrupt or unwritable cache is ignored."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest
from sitekit import build, make_config, write_content

from digest.build import RELATED_RECORD, build_record, build_site
from digest.cache import CACHE_DIR
from digest.plan import BODIES_RECORD


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` as ``{relative POSIX path: bytes}``."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def stamps(folder: Path) -> dict[str, int]:
    """Every file under ``folder`` as ``{relative POSIX path: mtime in ns}``."""
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns
            for p in folder.rglob("*") if p.is_file()}


def from_scratch(root: Path, scratch: Path, **overrides: str) -> dict[str, bytes]:
    """Build a copy of ``root``'s content and templates (no cache, no site) in ``scratch``."""
    for name in ("content", "templates"):
        if (root / name).exists():
            shutil.copytree(root / name, scratch / name)
    build(scratch, **overrides)
    return tree(scratch / "site")


def test_second_build_with_nothing_changed_does_nothing(tmp_path: Path) -> None:
    first = build(tmp_path)
    before, times = tree(tmp_path / "site"), stamps(tmp_path / "site")
    second = build(tmp_path)
    assert second.nothing_changed and not first.nothing_changed
    assert (second.articles, second.pages_written, second.pages_unchanged) == \
        (6, 0, first.pages_written)
    assert second.summary().startswith(f"nothing changed: 6 articles, {len(before)} files in ")
    assert tree(tmp_path / "site") == before
    assert stamps(tmp_path / "site") == times


def test_changed_content_file_rebuilds_as_from_scratch(tmp_path: Path) -> None:
    build(tmp_path / "a")
    story = tmp_path / "a/content/2025/05/rates-hold.md"
    story.write_text(story.read_text(encoding="utf-8").replace(
        "Central bank holds rates", "Central bank keeps rates"), encoding="utf-8")
    report = build(tmp_path / "a")
    assert not report.nothing_changed
    assert 0 < report.pages_written < report.pages_written + report.pages_unchanged
    site = tree(tmp_path / "a/site")
    assert "Central bank keeps rates" in site["2025/05/08/markets-rally/index.html"].decode()
    assert site == from_scratch(tmp_path / "a", tmp_path / "b")


def test_changed_template_rebuilds_as_from_scratch(tmp_path: Path) -> None:
    build(tmp_path / "a")
    (tmp_path / "a/templates").mkdir()
    (tmp_path / "a/templates/404.html").write_text("gone {{ config.title }}\n", encoding="utf-8")
    report = build(tmp_path / "a")
    assert (report.nothing_changed, report.pages_written) == (False, 1)
    assert (tmp_path / "a/site/404.html").read_text(encoding="utf-8") == "gone News digest\n"
    assert tree(tmp_path / "a/site") == from_scratch(tmp_path / "a", tmp_path / "b")


def test_changed_config_value_rebuilds_as_from_scratch(tmp_path: Path) -> None:
    build(tmp_path / "a")
    report = build(tmp_path / "a", title="Other title")
    assert not report.nothing_changed
    site = tree(tmp_path / "a/site")
    assert b"<title>Other title</title>" in site["index.html"]
    assert site == from_scratch(tmp_path / "a", tmp_path / "b", title="Other title")
    assert build(tmp_path / "a", base_url="https://elsewhere.example/").pages_written > 0


def test_hand_edited_output_is_rebuilt(tmp_path: Path) -> None:
    build(tmp_path)
    before = tree(tmp_path / "site")
    (tmp_path / "site/index.html").write_text("defaced", encoding="utf-8")
    (tmp_path / "site/extra.html").write_text("stray", encoding="utf-8")
    report = build(tmp_path)
    assert not report.nothing_changed
    assert tree(tmp_path / "site") == before


def record_name(root: Path, record: str) -> str:
    """The cache file of ``record``; "build" is the record of builds into ``root/site``."""
    return build_record((root / "site").absolute()) if record == "build" else record


@pytest.mark.parametrize("record", ["build", BODIES_RECORD, RELATED_RECORD])
@pytest.mark.parametrize("garbage", [b"\x00\xffnot json", b'{"format": 1, "key": "x"',
                                     b"[1, 2]", b'{"format": 999, "key": "k", "data": {}}'])
def test_corrupt_cache_record_is_ignored(tmp_path: Path, record: str, garbage: bytes) -> None:
    build(tmp_path / "a")
    expected = tree(tmp_path / "a/site")
    (tmp_path / "a" / CACHE_DIR / record_name(tmp_path / "a", record)).write_bytes(garbage)
    (tmp_path / "a/site/index.html").unlink()  # so the build cannot stop early
    report = build(tmp_path / "a")
    assert not report.nothing_changed and report.articles == 6
    assert tree(tmp_path / "a/site") == expected


@pytest.mark.parametrize("record", [BODIES_RECORD, RELATED_RECORD, "build"])
def test_cache_record_of_the_wrong_shape_is_ignored(tmp_path: Path, record: str) -> None:
    build(tmp_path / "a")
    expected = tree(tmp_path / "a/site")
    path = tmp_path / "a" / CACHE_DIR / record_name(tmp_path / "a", record)
    saved = json.loads(path.read_bytes())
    saved["data"] = {"x": [1], "markets-rally": "no list", "y": [[1, 2, 3]]}
    path.write_text(json.dumps(saved), encoding="utf-8")
    (tmp_path / "a/site/index.html").unlink()
    build(tmp_path / "a")
    assert tree(tmp_path / "a/site") == expected


def test_cached_bodies_and_links_are_reused_and_kept_to_this_build(tmp_path: Path) -> None:
    build(tmp_path)
    bodies = json.loads((tmp_path / CACHE_DIR / BODIES_RECORD).read_bytes())["data"]
    assert len(bodies) == 6
    assert ["<p>The central bank held its rate at 4 per cent.</p>\n",
            "The central bank held its rate at 4 per cent."] in bodies.values()
    related = json.loads((tmp_path / CACHE_DIR / RELATED_RECORD).read_bytes())["data"]
    assert related["markets-rally"][0] == ["rates-hold", "linked"]
    (tmp_path / "content/2025/05/who-wrote.md").unlink()
    assert build(tmp_path).articles == 5
    bodies = json.loads((tmp_path / CACHE_DIR / BODIES_RECORD).read_bytes())["data"]
    assert len(bodies) == 5
    assert (tmp_path / CACHE_DIR / ".gitignore").read_text(encoding="utf-8").endswith("\n*\n")


def test_unwritable_cache_is_a_warning_not_a_failure(tmp_path: Path,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    write_content(tmp_path)
    (tmp_path / CACHE_DIR).write_text("a file where the cache folder goes", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="digest.cache"):
        report = build(tmp_path)
        again = build(tmp_path)
    assert report.articles == again.articles == 6
    assert not again.nothing_changed
    assert "cannot write the build cache" in caplog.text
    assert (tmp_path / "site/index.html").is_file()


def test_builds_into_another_folder_keep_the_site_record(tmp_path: Path) -> None:
    # digest serve builds into a temporary folder while site/ stays as digest build left it.
    build(tmp_path)
    build_site(make_config(tmp_path), output_dir=tmp_path / "elsewhere")
    assert build(tmp_path).nothing_changed
