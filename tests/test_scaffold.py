"""``digest init`` and ``digest templates``: a new site folder and copies of default templates."""

from __future__ import annotations

import dataclasses
import re
import subprocess
from pathlib import Path

import pytest

from digest import scaffold
from digest.cli import main
from digest.config import Config, load_config
from digest.scaffold import config_text, init_site

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



def test_workflow_functions_are_reexported_for_the_cli() -> None:
    from digest import workflow

    assert scaffold.write_pages_workflow is workflow.write_pages_workflow
    assert scaffold.install_note is workflow.install_note
