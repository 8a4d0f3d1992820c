"""``digest ci github`` (and ``digest init``): the GitHub Pages workflow."""

from __future__ import annotations

import importlib.metadata
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from digest import workflow
from digest.cli import main
from digest.workflow import workflow_text, write_pages_workflow


@pytest.fixture(autouse=True)
def isolated_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No user or system git config; a fixed identity."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))


def load_workflow(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_workflow_is_a_pages_workflow(tmp_path: Path) -> None:
    data = load_workflow(write_pages_workflow(tmp_path))
    assert data["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert data["on"]["push"]["branches"] == ["main", "master"]  # no repository yet: either default
    assert set(data["jobs"]) == {"build", "deploy"}
    build, deploy = data["jobs"]["build"], data["jobs"]["deploy"]
    uses = [step.get("uses", "").split("@")[0] for step in build["steps"]]
    assert [u for u in uses if u] == ["actions/checkout", "actions/setup-python",
                                      "actions/configure-pages", "actions/upload-pages-artifact"]
    assert {"id": "pages", "uses": "actions/configure-pages@v5"} in build["steps"]
    runs = [step["run"] for step in build["steps"] if "run" in step]
    assert 'digest build --base-url "${{ steps.pages.outputs.base_url }}/"' in runs
    assert build["steps"][-1]["with"] == {"path": "site"}
    assert deploy["needs"] == "build"
    assert deploy["environment"] == {"name": "github-pages",
                                     "url": "${{ steps.deployment.outputs.page_url }}"}
    assert deploy["steps"] == [{"id": "deployment", "uses": "actions/deploy-pages@v4"}]
    assert data["env"]["DIGEST_PACKAGE"]


@pytest.mark.parametrize("subdir", [None, "docs/news"])
def test_workflow_passes_githubs_workflow_schema(tmp_path: Path, subdir: str | None) -> None:
    pytest.importorskip("check_jsonschema")
    path = tmp_path / "pages.yml"
    path.write_text(workflow_text(package="digest-news==1.0", site_subdir=subdir))
    done = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema",
                           "vendor.github-workflows", str(path)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    # and the check is real: a wrong permission value fails it
    path.write_text(path.read_text().replace("pages: write", "pages: writ"))
    done = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema",
                           "vendor.github-workflows", str(path)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 1


def test_install_script_is_valid_shell(tmp_path: Path) -> None:
    data = yaml.safe_load(workflow_text(package="digest-news==1.0"))
    script = next(s["run"] for s in data["jobs"]["build"]["steps"] if s.get("name") ==
                  "Install digest")
    assert "requirements.txt" in script
    subprocess.run(["sh", "-n", "-c", script], check=True, cwd=tmp_path)


def test_ci_github_writes_workflow_at_repository_top(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    fake_install(monkeypatch, None)  # from PyPI: the note names the workflow file
    repo = tmp_path / "repo"
    site = repo / "docs" / "news"
    site.mkdir(parents=True)
    subprocess.run(["git", "init", "--quiet", "-b", "trunk"], cwd=repo, check=True)
    (site / "digest.yaml").write_text("title: T\noutput_dir: public\n")

    assert main(["--config", str(site / "digest.yaml"), "ci", "github"]) == 0

    path = repo / ".github" / "workflows" / "pages.yml"
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"created {path}"
    assert f"set DIGEST_PACKAGE in {path} " in out[1]
    data = load_workflow(path)
    assert data["on"]["push"]["branches"] == ["trunk"]
    build = data["jobs"]["build"]
    assert build["defaults"] == {"run": {"working-directory": "docs/news"}}
    assert build["steps"][-1]["with"] == {"path": "docs/news/public"}


def test_ci_github_is_idempotent_and_keeps_edited_files(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "digest.yaml").write_text("title: T\n")
    args = ["--config", str(tmp_path / "digest.yaml"), "ci", "github"]
    assert main(args) == 0
    assert main(args) == 0  # same content: fine
    path = tmp_path / ".github" / "workflows" / "pages.yml"
    path.write_text(path.read_text() + "# my edit\n")
    capsys.readouterr()

    assert main(args) == 1

    assert "a workflow already exists here" in capsys.readouterr().err
    assert path.read_text().endswith("# my edit\n")


GIT_INSTALL = {"url": "https://github.com/ann/digest",
               "vcs_info": {"vcs": "git", "commit_id": "abc123"}}
"""PEP 610 ``direct_url.json`` of ``pip install git+https://github.com/ann/digest``."""


def fake_install(monkeypatch: pytest.MonkeyPatch, direct_url: dict[str, Any] | None) -> None:
    """Make ``importlib.metadata`` report an installed ``digest-news`` with ``direct_url``."""

    class Dist:
        def read_text(self, name: str) -> str | None:
            assert name == "direct_url.json"
            return json.dumps(direct_url) if direct_url is not None else None

    def distribution(name: str) -> Dist:
        if name != "digest-news":
            raise importlib.metadata.PackageNotFoundError(name)
        return Dist()

    monkeypatch.setattr(importlib.metadata, "distribution", distribution)


@pytest.mark.parametrize(("direct_url", "expected"), [
    (None, "digest-news"),
    ({"url": "file:///home/me/digest", "dir_info": {"editable": True}}, "digest-news"),
    ({"url": "file:///home/me/digest", "dir_info": {}}, "digest-news"),
    ({"url": "file:///home/me/digest", "vcs_info": {"vcs": "git", "commit_id": "abc123"}},
     "digest-news"),
    (GIT_INSTALL, "digest-news @ git+https://github.com/ann/digest@abc123"),
    ({"url": "https://example.org/digest-0.1.0.tar.gz", "archive_info": {}},
     "digest-news @ https://example.org/digest-0.1.0.tar.gz"),
])
def test_digest_requirement(monkeypatch: pytest.MonkeyPatch, direct_url: dict[str, Any] | None,
                            expected: str) -> None:
    fake_install(monkeypatch, direct_url)
    assert workflow.digest_requirement() == expected


def test_digest_requirement_when_not_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    def distribution(name: str) -> None:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "distribution", distribution)
    assert workflow.digest_requirement() == "digest-news"


def test_workflow_installs_the_git_commit_digest_came_from(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    fake_install(monkeypatch, GIT_INSTALL)
    (tmp_path / "digest.yaml").write_text("title: T\n")

    assert main(["--config", str(tmp_path / "digest.yaml"), "ci", "github"]) == 0

    path = tmp_path / ".github" / "workflows" / "pages.yml"
    assert load_workflow(path)["env"] == {
        "DIGEST_PACKAGE": "digest-news @ git+https://github.com/ann/digest@abc123"}
    assert capsys.readouterr().out == f"created {path}\n"  # a reachable source: no note


@pytest.mark.parametrize("command", ["init", "ci"])
def test_without_a_reachable_source_the_user_is_told_to_set_digest_package(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        command: str) -> None:
    fake_install(monkeypatch, {"url": "file:///home/me/digest", "dir_info": {"editable": True}})
    site = tmp_path / "news"
    if command == "init":
        assert main(["init", str(site)]) == 0
    else:
        site.mkdir()
        (site / "digest.yaml").write_text("title: T\n")
        assert main(["--config", str(site / "digest.yaml"), "ci", "github"]) == 0

    out = capsys.readouterr().out
    assert load_workflow(site / ".github" / "workflows" / "pages.yml")["env"] == {
        "DIGEST_PACKAGE": "digest-news"}
    assert "note: the workflow installs digest from PyPI as 'digest-news'" in out
    workflow = site.resolve() / ".github" / "workflows" / "pages.yml"
    assert f"set DIGEST_PACKAGE in {workflow} (e.g. " \
           "'digest-news @ git+https://github.com/<you>/digest') or add a requirements.txt" in out


def test_no_note_when_the_site_has_a_requirements_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    fake_install(monkeypatch, None)
    (tmp_path / "digest.yaml").write_text("title: T\n")
    (tmp_path / "requirements.txt").write_text("digest-news @ git+https://example.org/d\n")
    assert main(["--config", str(tmp_path / "digest.yaml"), "ci", "github"]) == 0
    assert "note:" not in capsys.readouterr().out


