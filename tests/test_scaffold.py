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

from digest import scaffold
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


def as_default(config: Config) -> Config:
    """``config`` with the fields that say where it came from, and the title, at their defaults."""
    return dataclasses.replace(config, title=Config().title, root=Path("."), config_file=None)


def test_init_creates_the_site(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "world-news"
    assert main(["init", str(site)]) == 0
    assert files_under(site) == EXPECTED_FILES
    out = capsys.readouterr().out.splitlines()
    assert out[:len(EXPECTED_FILES)] == [f"created {site / name}" for name in EXPECTED_FILES]
    assert (site / ".gitignore").read_text() == "/site/\n/.digest-cache/\n.digest-ingest.lock\n"
    config = load_config(site / "digest.yaml")
    assert config.title == "World news"
    assert as_default(config) == Config()


def test_init_tells_the_next_steps(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["init", "my news"]) == 0
    out = capsys.readouterr().out
    steps = out[out.index("next steps:"):].splitlines()
    assert steps[1] == "  cd 'my news'"
    assert "in pages/ (see pages/example.txt)" in steps[2]
    assert steps[3].startswith("  digest build ")
    assert steps[4].startswith("  digest serve ")
    publish = " ".join(steps[5:])
    assert "'digest deploy'" in publish
    assert ".github/workflows/pages.yml" in publish


def test_build_cache_is_ignored_by_git(tmp_path: Path) -> None:
    site = tmp_path / "news"
    init_site(site)
    subprocess.run(["git", "init", "--quiet"], cwd=site, check=True)
    (site / ".digest-cache").mkdir()
    (site / ".digest-cache" / "record.json").write_text("{}")
    (site / "site").mkdir()
    (site / "site" / "index.html").write_text("x")
    done = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=site,
                          capture_output=True, text=True, check=True)
    assert "digest-cache" not in done.stdout
    assert "site/index.html" not in done.stdout
    assert "?? digest.yaml" in done.stdout


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
    keys = [f.name for f in dataclasses.fields(Config) if f.name not in {"root", "config_file"}]
    for key in keys:
        assert re.search(rf"^(# )?{key}: ", text, re.MULTILINE), key
    assert set(scaffold._KEY_HELP) == set(keys)
    # Uncommenting every key changes nothing: the commented values are the real defaults.
    uncommented = re.sub(r"^# (\w+: )", r"\1", text, flags=re.MULTILINE)
    (tmp_path / "digest.yaml").write_text(uncommented)
    config = load_config(tmp_path / "digest.yaml")
    assert as_default(config) == Config()
    assert config.title == "My news"
    assert all(len(line) <= 100 for line in text.splitlines())


def test_templates_readme_lists_the_default_templates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scaffold, "default_template_names", lambda: ["base.html", "feed.xml"])
    text = scaffold.templates_readme()
    assert "- `base.html`\n- `feed.xml`\n" in text
    assert "override" in text
    assert "`digest templates` lists the defaults" in text
    assert "`digest templates --copy article.html` copies one here" in text


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
    assert scaffold.digest_requirement() == expected


def test_digest_requirement_when_not_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    def distribution(name: str) -> None:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "distribution", distribution)
    assert scaffold.digest_requirement() == "digest-news"


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


# --- digest templates ------------------------------------------------------------------------


def templates_cli(site: Path, *args: str) -> int:
    return main(["--config", str(site / "digest.yaml"), "templates", *args])


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A new site from ``digest init`` (its templates folder holds only the README)."""
    root = tmp_path / "news"
    init_site(root)
    return root


def test_templates_lists_the_defaults(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder, names = scaffold.default_templates()
    assert "article.html" in names
    assert "static/style.css" in names
    assert names == sorted(names)

    assert templates_cli(site) == 0

    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"default templates in {folder}:"
    assert out[1:-1] == [f"  {name}" for name in names]


def test_templates_copy(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder, _ = scaffold.default_templates()

    assert templates_cli(site, "--copy", "article.html", "static/style.css") == 0

    copied = [site / "templates" / "article.html", site / "templates" / "static" / "style.css"]
    assert capsys.readouterr().out.splitlines() == [f"created {p}" for p in copied]
    assert copied[0].read_bytes() == (folder / "article.html").read_bytes()
    assert copied[1].read_bytes() == (folder / "static" / "style.css").read_bytes()


def test_templates_copy_all(site: Path) -> None:
    _, names = scaffold.default_templates()
    assert templates_cli(site, "--copy", "all") == 0
    assert files_under(site / "templates") == sorted([*names, "README.md"])


def test_templates_copy_never_overwrites(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mine = site / "templates" / "article.html"
    mine.write_text("my article\n")

    assert templates_cli(site, "--copy", "base.html", "article.html") == 1

    err = capsys.readouterr().err
    assert "already exists, not overwritten" in err
    assert str(mine) in err
    assert "nothing was copied" in err
    assert mine.read_text() == "my article\n"
    assert files_under(site / "templates") == ["README.md", "article.html"]


def test_templates_copy_refuses_unknown_names(site: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert templates_cli(site, "--copy", "base.html", "artikel.html", "../digest.yaml") == 1

    err = capsys.readouterr().err
    assert "no default template named 'artikel.html', '../digest.yaml'; the defaults are: " in err
    assert "article.html" in err
    assert files_under(site / "templates") == ["README.md"]
