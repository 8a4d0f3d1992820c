"""Imports point one way, down the pipeline: model <- config <- content <- ingest/site <- build <- cli.

Walks every module's imports with ``ast`` (see STYLE.md, "The pipeline shows in the layout").
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "digest"

LAYER = {
    "digest": 0, "digest.model": 0, "digest.errors": 0, "digest.livereload": 0,
    "digest.livereload.state": -2, "digest.livereload.watch": -1, "digest.livereload.server": -1,
    "digest.config": 1,
    "digest.content": 2, "digest.related": 2, "digest.site": 2, "digest.ingest": 2,
    "digest.progress": 0, "digest.files": 0, "digest.cache": 1, "digest.write": 1,
    "digest.render": 3, "digest.feeds": 3, "digest.ingest.store": 3, "digest.ingest.state": 3,
    "digest.plan": 4,
    "digest.build": 5,
    "digest.workflow": 5,
    "digest.serve": 6, "digest.deploy": 6, "digest.scaffold": 6,
    "digest.cli": 7,
}
"""A module may import only from a lower layer; modules of ``digest.ingest`` may import each other
(except its ``store``, the I/O edge). Unlisted modules take the layer of their package."""

ONLY_IN = {
    "jinja2": {"digest.render"}, "markdown_it": {"digest.render"},
    "sklearn": {"digest.related"}, "scipy": {"digest.related"}, "feedgen": {"digest.feeds"},
    "watchdog": {"digest.livereload.watch"}, "filelock": {"digest.content"},
    "tqdm": {"digest.progress"}, "py3langid": {"digest.ingest.language"},
}
"""Libraries that exactly one module may know."""


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer(name: str) -> int:
    while name not in LAYER:
        name = name.rpartition(".")[0]
    return LAYER[name]


def imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_imports_point_down_the_pipeline(path: Path) -> None:
    me = module_name(path)
    for name in imports(path):
        if name.startswith("digest"):
            same_ingest = (me.startswith("digest.ingest") and name.startswith("digest.ingest")
                           and name != "digest.ingest.store")
            assert same_ingest or layer(name) < layer(me) or name == "digest", f"{me} imports {name}"
        top = name.split(".")[0]
        assert me in ONLY_IN.get(top, {me}), f"only {ONLY_IN[top]} may import {top}; {me} does"


def test_every_module_was_walked() -> None:
    assert {"digest.model", "digest.cli", "digest.content"} <= {module_name(p) for p in MODULES}
