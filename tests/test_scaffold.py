"""``digest init`` and ``digest ci github``: a new site folder and the GitHub Pages workflow."""

from __future__ import annotations

import dataclasses
import importlib.metadata
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from digest import __version__, scaffold
from digest.cli import main
from digest.config import Config, load_config
from digest.scaffold import config_text, init_site, workflow_text, write_pages_workflow

EXPECTED_FILES = [
    ".github/workflows/pages.yml",
    ".gitignore",
    "content/.gitkeep",
    "digest.yaml",
    "pages/example.meta.yaml",
    "pages/example.txt",
    "templates/README.md",
]


@pytest.fixture(autouse=True)
def isolated_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No user or system git config; a fixed identity."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))


def files_under(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def load_workflow(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


# --- init ----------------------------------------------------------------------------------------


def test_init_creates_the_site(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "world-news"
    assert main(["init", str(site)]) == 0
    assert files_under(site) == EXPECTED_FILES
    out = capsys.readouterr().out.splitlines()
    assert out == [f"created {site / name}" for name in EXPECTED_FILES]
    assert (site / ".gitignore").read_text() == "/site/\n"
    config = load_config(site / "digest.yaml")
    assert config.title == "World news"
    assert dataclasses.replace(config, title=Config().title, root=Path(".")) == Config()


def test_init_into_existing_empty_folder(tmp_path: Path) -> None:
    created = init_site(tmp_path / "empty")  # missing
    (tmp_path / "empty2").mkdir()
    assert [p.relative_to(tmp_path / "empty").as_posix() for p in created] == EXPECTED_FILES
    assert len(init_site(tmp_path / "empty2")) == len(EXPECTED_FILES)


@pytest.mark.parametrize("what", ["file in folder", "hidden file", "a file, not a folder"])
def test_init_refuses_non_empty_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                       what: str) -> None:
    target = tmp_path / "site"
    if what == "a file, not a folder":
        target.write_text("x")
    else:
        target.mkdir()
        (target / (".git" if what == "hidden file" else "notes.txt")).write_text("x")
    before = files_under(tmp_path)

    assert main(["init", str(target)]) == 1

    assert f"error: {target}: not an empty folder" in capsys.readouterr().err
    assert files_under(tmp_path) == before


def test_config_has_every_key_with_help_and_true_defaults(tmp_path: Path) -> None:
    text = config_text("My news")
    keys = [f.name for f in dataclasses.fields(Config) if f.name != "root"]
    for key in keys:
        assert re.search(rf"^(# )?{key}: ", text, re.MULTILINE), key
    assert set(scaffold._KEY_HELP) == set(keys)
    # Uncommenting every key changes nothing: the commented values are the real defaults.
    uncommented = re.sub(r"^# (\w+: )", r"\1", text, flags=re.MULTILINE)
    (tmp_path / "digest.yaml").write_text(uncommented)
    config = load_config(tmp_path / "digest.yaml")
    assert dataclasses.replace(config, root=Path("."), title=Config().title) == Config()
    assert config.title == "My news"
    assert all(len(line) <= 100 for line in text.splitlines())


def test_templates_readme_lists_the_default_templates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scaffold, "default_template_names", lambda: ["base.html", "feed.xml"])
    text = scaffold.templates_readme()
    assert "- `base.html`\n- `feed.xml`\n" in text
    assert "override" in text


def test_default_template_names_match_the_checkout() -> None:
    folder = Path(scaffold.__file__).resolve().parents[1] / "templates"
    on_disk = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                     if p.is_file() and not p.name.startswith("."))
    assert scaffold.default_template_names() == on_disk


# --- the workflow ----------------------------------------------------------------------------


def test_workflow_is_a_pages_workflow(tmp_path: Path) -> None:
    data = load_workflow(write_pages_workflow(tmp_path))
    assert data["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert data["on"]["push"]["branches"] == ["main"]
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
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = tmp_path / "repo"
    site = repo / "docs" / "news"
    site.mkdir(parents=True)
    subprocess.run(["git", "init", "--quiet", "-b", "trunk"], cwd=repo, check=True)
    (site / "digest.yaml").write_text("title: T\noutput_dir: public\n")

    assert main(["--config", str(site / "digest.yaml"), "ci", "github"]) == 0

    path = repo / ".github" / "workflows" / "pages.yml"
    assert capsys.readouterr().out == f"created {path}\n"
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


@pytest.mark.parametrize(("direct_url", "expected"), [
    (None, f"{scaffold.PYPI_NAME}=={__version__}"),
    ({"url": "file:///home/me/digest", "dir_info": {"editable": True}},
     f"{scaffold.PYPI_NAME}=={__version__}"),
    ({"url": "https://github.com/ann/digest", "vcs_info": {"vcs": "git", "commit_id": "abc123"}},
     "digest @ git+https://github.com/ann/digest@abc123"),
    ({"url": "https://example.org/digest-0.1.0.tar.gz", "archive_info": {}},
     "digest @ https://example.org/digest-0.1.0.tar.gz"),
])
def test_digest_requirement(monkeypatch: pytest.MonkeyPatch, direct_url: dict[str, Any] | None,
                            expected: str) -> None:
    class Dist:
        def read_text(self, name: str) -> str | None:
            assert name == "direct_url.json"
            return json.dumps(direct_url) if direct_url is not None else None

    monkeypatch.setattr(importlib.metadata, "distribution", lambda name: Dist())
    assert scaffold.digest_requirement() == expected
