"""``digest deploy``: publish site/ to a branch of a local bare repository over file://."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import pytest

from digest.cli import main
from digest.config import Config
from digest.deploy import _site_url, pages_url
from digest.errors import BuildError


def git(cwd: Path, *args: str) -> str:
    """Run git in ``cwd`` (never the project checkout) and return its stripped stdout."""
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout.strip()


@pytest.fixture(autouse=True)
def git_identity(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Give git a fixed identity and no user or system config."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for who in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{who}_NAME", "Test")
        monkeypatch.setenv(f"GIT_{who}_EMAIL", "test@example.org")


def make_site(root: Path, config: str = "") -> Path:
    """Create a site repo at ``root`` with one commit, a bare ``origin`` and a built site/."""
    bare = root.parent / f"{root.name}-remote.git"
    git(root.parent, "init", "--quiet", "--bare", str(bare))
    root.mkdir()
    git(root, "init", "--quiet", "-b", "main")
    (root / "digest.yaml").write_text(textwrap.dedent(config) or "title: Test\n")
    (root / ".gitignore").write_text("/site/\n")
    git(root, "add", "digest.yaml", ".gitignore")
    git(root, "commit", "--quiet", "-m", "source")
    git(root, "remote", "add", "origin", bare.as_uri())
    site = root / "site"
    (site / "2025" / "story").mkdir(parents=True)
    (site / "index.html").write_text("<h1>Home</h1>\r\n")
    (site / "2025" / "story" / "index.html").write_text("<h1>Story</h1>\n")
    return bare


def deploy(root: Path, *args: str) -> int:
    return main(["--config", str(root / "digest.yaml"), "deploy", "--no-build", *args])


def branch_files(bare: Path, branch: str = "gh-pages") -> list[str]:
    return git(bare, "ls-tree", "-r", "--name-only", branch).splitlines()


def remote_branches(bare: Path) -> str:
    return git(bare, "for-each-ref", "--format=%(refname)", "refs/heads")


def repo_state(root: Path) -> tuple[str, str, str, str]:
    """Current branch (or detached HEAD), HEAD, staged diff and work-tree status."""
    branch = subprocess.run(["git", "symbolic-ref", "-q", "HEAD"], cwd=root,
                            capture_output=True, text=True, check=False).stdout.strip()
    return (branch, git(root, "rev-parse", "HEAD"), git(root, "diff", "--cached"),
            git(root, "status", "--porcelain", "--untracked-files=all"))


def test_deploy_publishes_site_with_nojekyll_and_cname(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "news"
    bare = make_site(root, "title: T\ncname: news.example.org\n")

    assert deploy(root, "--message", "first") == 0

    assert branch_files(bare) == [".nojekyll", "2025/story/index.html", "CNAME", "index.html"]
    assert git(bare, "show", "gh-pages:CNAME") == "news.example.org"
    assert git(bare, "show", "gh-pages:.nojekyll") == ""
    # bytes are pushed verbatim (no line-ending conversion)
    raw = subprocess.run(["git", "show", "gh-pages:index.html"], cwd=bare, capture_output=True,
                         check=True).stdout
    assert raw == b"<h1>Home</h1>\r\n"
    assert git(bare, "log", "--format=%s", "gh-pages") == "first"
    out = capsys.readouterr().out
    commit = git(bare, "rev-parse", "--short=7", "gh-pages")
    assert f"deployed {commit} (4 files, new history) to branch 'gh-pages' of remote 'origin'" \
        in out
    assert "https://news.example.org/" in out


def test_second_deploy_adds_one_commit_and_keeps_history(tmp_path: Path) -> None:
    root = tmp_path / "news"
    bare = make_site(root)
    assert deploy(root) == 0
    first = git(bare, "rev-parse", "gh-pages")
    (root / "site" / "index.html").write_text("<h1>Home, updated</h1>\n")

    assert deploy(root, "--message", "second") == 0

    assert git(bare, "rev-list", "--count", "gh-pages") == "2"
    assert git(bare, "rev-parse", "gh-pages^") == first
    assert git(bare, "show", "gh-pages:index.html") == "<h1>Home, updated</h1>"
    assert git(bare, "log", "-1", "--format=%s", "gh-pages") == "second"


def test_default_message_names_source_commit(tmp_path: Path) -> None:
    root = tmp_path / "news"
    bare = make_site(root)
    assert deploy(root) == 0
    source = git(root, "rev-parse", "--short", "HEAD")
    assert git(bare, "log", "-1", "--format=%s", "gh-pages").startswith(f"Deploy {source} with")


def test_force_replaces_history(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "news"
    bare = make_site(root)
    assert deploy(root) == 0
    assert deploy(root) == 0
    assert git(bare, "rev-list", "--count", "gh-pages") == "2"

    assert deploy(root, "--force") == 0

    assert git(bare, "rev-list", "--count", "gh-pages") == "1"
    assert "new history" in capsys.readouterr().out.splitlines()[-1]


def test_cname_from_branch_is_kept_when_config_has_none(tmp_path: Path) -> None:
    # GitHub's Pages settings page commits CNAME to the branch; a later deploy must not drop it.
    root = tmp_path / "news"
    bare = make_site(root, "title: T\ncname: news.example.org\n")
    assert deploy(root) == 0
    (root / "digest.yaml").write_text("title: T\n")

    assert deploy(root) == 0

    assert git(bare, "show", "gh-pages:CNAME") == "news.example.org"


def test_unchanged_site_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "news"
    make_site(root)
    assert deploy(root) == 0
    assert deploy(root) == 0
    assert "no file changes since the last deploy" in capsys.readouterr().out


def test_working_tree_index_and_branch_are_untouched(tmp_path: Path) -> None:
    root = tmp_path / "news"
    bare = make_site(root)
    (root / "staged.txt").write_text("staged\n")
    git(root, "add", "staged.txt")
    (root / "digest.yaml").write_text("title: Changed but not staged\n")
    (root / "untracked.txt").write_text("x\n")
    before = repo_state(root)

    assert deploy(root) == 0

    assert repo_state(root) == before
    assert before[0] == "refs/heads/main"
    assert "A  staged.txt" in before[3]
    assert git(root, "branch", "--list") == "* main"  # no local gh-pages branch made
    assert "index.html" in branch_files(bare)


def test_works_from_detached_head(tmp_path: Path) -> None:
    root = tmp_path / "news"
    bare = make_site(root)
    git(root, "checkout", "--quiet", "--detach")
    before = repo_state(root)
    assert before[0] == ""

    assert deploy(root) == 0

    assert repo_state(root) == before
    assert "index.html" in branch_files(bare)


def test_build_runs_before_publishing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "news"
    bare = make_site(root)
    built: list[Config] = []

    def build_site(config: Config) -> types.SimpleNamespace:
        built.append(config)
        (config.root / "site" / "fresh.html").write_text("new\n")
        return types.SimpleNamespace(summary=lambda: "built")

    monkeypatch.setitem(sys.modules, "digest.build", types.SimpleNamespace(build_site=build_site))
    assert main(["--config", str(root / "digest.yaml"), "deploy"]) == 0
    assert [c.root for c in built] == [root]
    assert "fresh.html" in branch_files(bare)


# --- refusals: exit 1, a clear message, nothing pushed -----------------------------------------


def refused(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert deploy(root, *args) == 1
    return capsys.readouterr().err


def test_refuses_without_git_repository(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "plain"
    (root / "site").mkdir(parents=True)
    (root / "site" / "index.html").write_text("x")
    (root / "digest.yaml").write_text("title: T\n")
    assert "is not in a git repository" in refused(root, capsys)


def test_refuses_unknown_remote(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "news"
    bare = make_site(root)
    err = refused(root, capsys, "--remote", "upstream")
    assert "no git remote named 'upstream' (known remotes: origin)" in err
    assert remote_branches(bare) == ""


def test_refuses_unreachable_remote(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "news"
    make_site(root)
    git(root, "remote", "set-url", "origin", (tmp_path / "missing.git").as_uri())
    assert "reaching remote 'origin' failed" in refused(root, capsys)


@pytest.mark.parametrize("empty", [False, True])
def test_refuses_missing_or_empty_site(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                       empty: bool) -> None:
    root = tmp_path / "news"
    bare = make_site(root)
    for path in sorted((root / "site").rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    if not empty:
        (root / "site").rmdir()
    err = refused(root, capsys)
    assert ("is empty" if empty else "does not exist") in err
    assert "run 'digest build' first" in err
    assert remote_branches(bare) == ""


def test_refuses_failed_build(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                              monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "news"
    bare = make_site(root)

    def build_site(config: Config) -> None:
        raise BuildError("template error", path="templates/page.html", line=3)

    monkeypatch.setitem(sys.modules, "digest.build", types.SimpleNamespace(build_site=build_site))
    assert main(["--config", str(root / "digest.yaml"), "deploy"]) == 1
    err = capsys.readouterr().err
    assert "the build failed, nothing was pushed: templates/page.html:3: template error" in err
    assert remote_branches(bare) == ""


def test_refuses_non_fast_forward_without_force(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "news"
    bare = make_site(root)
    assert deploy(root) == 0
    # A hook that rejects every update stands in for a remote that refuses the push.
    hook = bare / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'rejected by hook' >&2\nexit 1\n")
    hook.chmod(0o755)
    before = git(bare, "rev-parse", "gh-pages")
    err = refused(root, capsys)
    assert "git push to origin/gh-pages failed" in err
    assert "rejected by hook" in err
    assert git(bare, "rev-parse", "gh-pages") == before


# --- the Pages URL -------------------------------------------------------------------------------


@pytest.mark.parametrize(("remote", "url"), [
    ("git@github.com:Ann/news.git", "https://ann.github.io/news/"),
    ("https://github.com/ann/news", "https://ann.github.io/news/"),
    ("https://github.com/ann/news.git/", "https://ann.github.io/news/"),
    ("ssh://git@github.com/ann/news.git", "https://ann.github.io/news/"),
    ("https://x-access-token@github.com/ann/news", "https://ann.github.io/news/"),
    ("git@github.com:Ann/ann.github.io.git", "https://ann.github.io/"),
    ("https://gitlab.com/ann/news.git", None),
    ("https://github.com.evil.org/ann/news", None),
    ("file:///tmp/news.git", None),
])
def test_pages_url(remote: str, url: str | None) -> None:
    assert pages_url(remote) == url


def test_warns_when_base_url_does_not_match_pages_url(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    root = tmp_path / "news"
    bare = make_site(root, "title: T\nbase_url: https://example.org/\n")
    # The remote is named like GitHub; git's insteadOf sends it to the local bare repository.
    git(root, "remote", "set-url", "origin", "https://github.com/ann/news.git")
    git(root, "config", f"url.{bare.as_uri()}.insteadOf", "https://github.com/ann/news.git")
    with caplog.at_level(logging.WARNING, logger="digest.deploy"):
        assert deploy(root) == 0
    assert "base_url is https://example.org/ but the site will be served at " \
           "https://ann.github.io/news/" in caplog.text
    assert "index.html" in branch_files(bare)


def test_no_warning_when_base_url_matches(caplog: pytest.LogCaptureFixture) -> None:
    config = Config(base_url="https://ann.github.io/news/")
    with caplog.at_level(logging.WARNING, logger="digest.deploy"):
        assert _site_url(config, "git@github.com:ann/news.git") == "https://ann.github.io/news/"
        assert _site_url(Config(cname="news.example.org", base_url="https://news.example.org"),
                         "git@github.com:ann/news.git") == "https://news.example.org/"
        assert _site_url(Config(base_url="https://news.example.org/"), "file:///x.git") == (
            "https://news.example.org/")
    assert caplog.text == ""


def test_warns_when_publishing_a_localhost_base_url(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="digest.deploy"):
        assert _site_url(Config(), "file:///x.git") == "http://localhost:8000/"
    assert "base_url is http://localhost:8000/, a local address" in caplog.text


def test_init_build_and_deploy_end_to_end(tmp_path: Path) -> None:
    # The real build (no stand-in): a new site from `digest init`, built and published.
    root = tmp_path / "news"
    assert main(["init", str(root)]) == 0
    bare = tmp_path / "remote.git"
    git(tmp_path, "init", "--quiet", "--bare", str(bare))
    git(root, "init", "--quiet", "-b", "main")
    git(root, "remote", "add", "origin", bare.as_uri())

    assert main(["--config", str(root / "digest.yaml"), "deploy"]) == 0

    files = branch_files(bare)
    article = ("2025/06/02/town-library-opens-a-new-reading-room-after-a-two-year-fundraiser/"
               "index.html")
    assert {".nojekyll", "index.html", "feed.xml", article} <= set(files)
    assert "CNAME" not in files
    assert "Town library opens a new reading room" in git(bare, "show", f"gh-pages:{article}")
    content = (root / "content" / "2025" / "06"
               / "town-library-opens-a-new-reading-room-after-a-two-year-fundraiser.md")
    assert "source: The Example Gazette\n" in content.read_text()
    assert "captured_at: '2025-06-02T18:00:00+00:00'\n" in content.read_text()
    # nothing staged, site/ ignored by the .gitignore that init wrote, no local branch made
    assert git(root, "status", "--porcelain").splitlines() == [
        "?? .github/", "?? .gitignore", "?? content/", "?? digest.yaml", "?? pages/",
        "?? templates/"]
    assert git(root, "branch", "--list") == ""
