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
from digest.config import Config, load_config
from digest.deploy import deploy_site, pages_url, target_url
from digest.errors import BuildError, DeployError

PUBLIC = "title: T\nbase_url: https://example.org/news/\n"
"""A config whose base_url is a public address (the default, localhost, is refused)."""


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
    (root / "digest.yaml").write_text(textwrap.dedent(config) or PUBLIC)
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
    bare = make_site(root, "title: T\ncname: news.example.org\nbase_url: https://news.example.org/\n")

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
    (root / "site" / "index.html").write_text("<h1>Home, updated</h1>\n")
    assert deploy(root) == 0
    assert git(bare, "rev-list", "--count", "gh-pages") == "2"

    assert deploy(root, "--force") == 0

    assert git(bare, "rev-list", "--count", "gh-pages") == "1"
    assert "new history" in capsys.readouterr().out.splitlines()[-1]


def test_cname_from_branch_is_kept_when_config_has_none(tmp_path: Path) -> None:
    # GitHub's Pages settings page commits CNAME to the branch; a later deploy must not drop it.
    root = tmp_path / "news"
    bare = make_site(root, "title: T\ncname: news.example.org\nbase_url: https://news.example.org/\n")
    assert deploy(root) == 0
    (root / "digest.yaml").write_text("title: T\nbase_url: https://news.example.org/\n")
    (root / "site" / "index.html").write_text("<h1>Home, updated</h1>\n")

    assert deploy(root) == 0

    assert git(bare, "show", "gh-pages:CNAME") == "news.example.org"


def test_identical_site_makes_no_commit_and_pushes_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "news"
    bare = make_site(root)
    assert deploy(root) == 0
    tip = git(bare, "rev-parse", "gh-pages")
    reflog_before = git(bare, "for-each-ref", "--format=%(objectname)", "refs/heads")
    capsys.readouterr()

    assert deploy(root, "--message", "again") == 0

    assert git(bare, "rev-parse", "gh-pages") == tip
    assert git(bare, "rev-list", "--count", "gh-pages") == "1"
    assert git(bare, "for-each-ref", "--format=%(objectname)", "refs/heads") == reflog_before
    assert capsys.readouterr().out == (
        f"nothing to deploy: gh-pages already holds this site (commit {tip[:7]}); "
        "it is at https://example.org/news/\n")


def test_identical_site_after_a_real_rebuild_makes_no_commit(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = new_site(tmp_path, "https://github.com/ann/news.git")
    bare = tmp_path / "remote.git"
    assert main(["--config", str(root / "digest.yaml"), "deploy"]) == 0
    tip = git(bare, "rev-parse", "gh-pages")
    capsys.readouterr()

    assert main(["--config", str(root / "digest.yaml"), "deploy"]) == 0

    assert git(bare, "rev-parse", "gh-pages") == tip
    assert capsys.readouterr().out.startswith(
        f"nothing to deploy: gh-pages already holds this site (commit {tip[:7]})")


def test_working_tree_index_and_branch_are_untouched(tmp_path: Path) -> None:
    root = tmp_path / "news"
    bare = make_site(root)
    (root / "staged.txt").write_text("staged\n")
    git(root, "add", "staged.txt")
    (root / "digest.yaml").write_text(PUBLIC + "description: changed, not staged\n")
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
    (root / "site" / "index.html").write_text("<h1>Home, updated</h1>\n")
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
        assert target_url(config, "git@github.com:ann/news.git") == "https://ann.github.io/news/"
        assert target_url(Config(cname="news.example.org", base_url="https://news.example.org"),
                          "git@github.com:ann/news.git") == "https://news.example.org/"
        assert target_url(Config(base_url="https://news.example.org/"), "file:///x.git") == (
            "https://news.example.org/")
    assert caplog.text == ""


@pytest.mark.parametrize(("config", "option", "remote", "expected"), [
    # a local base_url is replaced by the URL the site will be served at
    (Config(), None, "git@github.com:ann/news.git", "https://ann.github.io/news/"),
    (Config(base_url="http://127.0.0.1:8000"), None, "git@github.com:ann/ann.github.io.git",
     "https://ann.github.io/"),
    (Config(base_url="http://[::1]:8000/"), None, "git@github.com:ann/news.git",
     "https://ann.github.io/news/"),
    (Config(cname="news.example.org"), None, "git@github.com:ann/news.git",
     "https://news.example.org/"),
    (Config(cname="news.example.org"), None, "file:///x.git", "https://news.example.org/"),
    # --base-url wins over everything
    (Config(), "https://mirror.example.org/n", "git@github.com:ann/news.git",
     "https://mirror.example.org/n/"),
    (Config(base_url="https://example.org/"), "https://other.example.org/", "file:///x.git",
     "https://other.example.org/"),
])
def test_target_url(config: Config, option: str | None, remote: str, expected: str) -> None:
    assert target_url(config, remote, base_url=option) == expected


def test_local_base_url_replacement_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="digest.deploy"):
        target_url(Config(), "git@github.com:ann/news.git")
    assert "base_url http://localhost:8000/ is a local address; building for " \
           "https://ann.github.io/news/ instead" in caplog.text


def test_local_base_url_without_known_url_is_refused() -> None:
    with pytest.raises(DeployError, match=r"base_url is a local address; set base_url in "
                                          r"digest\.yaml or pass --base-url"):
        target_url(Config(), "file:///x.git")


def new_site(tmp_path: Path, remote: str | None = None) -> Path:
    """``digest init`` a site at ``tmp_path/news`` with origin ``tmp_path/remote.git``.

    ``remote``, when given, is the configured URL of origin; git's ``insteadOf`` sends it to the
    local bare repository (so a GitHub-named remote works offline).
    """
    root = tmp_path / "news"
    assert main(["init", str(root)]) == 0
    bare = tmp_path / "remote.git"
    git(tmp_path, "init", "--quiet", "--bare", str(bare))
    git(root, "init", "--quiet", "-b", "main")
    git(root, "remote", "add", "origin", remote or bare.as_uri())
    if remote:
        git(root, "config", f"url.{bare.as_uri()}.insteadOf", remote)
    return root


def test_init_build_and_deploy_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                          caplog: pytest.LogCaptureFixture) -> None:
    # The real build (no stand-in): a new site from `digest init` (base_url left at localhost),
    # built for the Pages URL its GitHub remote implies, and published.
    root = new_site(tmp_path, "git@github.com:ann/news.git")
    bare = tmp_path / "remote.git"
    capsys.readouterr()

    with caplog.at_level(logging.WARNING, logger="digest.deploy"):
        assert main(["--config", str(root / "digest.yaml"), "deploy"]) == 0

    assert "building for https://ann.github.io/news/ instead" in caplog.text
    assert capsys.readouterr().out.rstrip().endswith(
        "the site will appear at https://ann.github.io/news/")
    index = git(bare, "show", "gh-pages:index.html")
    assert '<link rel="canonical" href="https://ann.github.io/news/">' in index
    assert 'href="/news/static/style.css"' in index
    assert "localhost" not in index

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
    # nothing staged, site/ and the build cache ignored by the .gitignore init wrote
    assert git(root, "status", "--porcelain").splitlines() == [
        "?? .github/", "?? .gitignore", "?? content/", "?? digest.yaml", "?? pages/",
        "?? templates/"]
    assert git(root, "branch", "--list") == ""  # no local branch made


# --- local base_url: build for the served URL, or refuse ----------------------------------------


def stub_build(monkeypatch: pytest.MonkeyPatch) -> list[Config]:
    """Replace the build with one that writes ``base_url`` into ``site/index.html``."""
    built: list[Config] = []

    def build_site(config: Config) -> types.SimpleNamespace:
        built.append(config)
        (config.root / "site" / "index.html").write_text(f"<a href='{config.base_url}'>\n")
        return types.SimpleNamespace(summary=lambda: "built")

    monkeypatch.setitem(sys.modules, "digest.build", types.SimpleNamespace(build_site=build_site))
    return built


def build_and_deploy(root: Path, *args: str) -> int:
    return main(["--config", str(root / "digest.yaml"), "deploy", *args])


@pytest.mark.parametrize(("config", "args", "url"), [
    ("title: T\ncname: news.example.org\n", [], "https://news.example.org/"),
    ("title: T\n", ["--base-url", "https://mirror.example.org/n"], "https://mirror.example.org/n/"),
    ("title: T\ncname: news.example.org\n", ["--base-url", "https://mirror.example.org/"],
     "https://mirror.example.org/"),
])
def test_local_base_url_builds_for_cname_or_option(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        config: str, args: list[str], url: str) -> None:
    root = tmp_path / "news"
    bare = make_site(root, config)
    built = stub_build(monkeypatch)

    assert build_and_deploy(root, *args) == 0

    assert [c.base_url for c in built] == [url]
    assert git(bare, "show", "gh-pages:index.html") == f"<a href='{url}'>"
    assert capsys.readouterr().out.rstrip().endswith(f"the site will appear at {url}")
    assert load_base_url(root) == "http://localhost:8000/"  # the config file is left alone


def load_base_url(root: Path) -> str:
    from digest.config import load_config

    return load_config(root / "digest.yaml").base_url


def test_refuses_local_base_url_when_no_url_is_known(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "news"
    bare = make_site(root, "title: T\n")  # file:// remote: no Pages URL
    built = stub_build(monkeypatch)

    assert build_and_deploy(root) == 1

    assert "error: base_url is a local address; set base_url in digest.yaml or pass --base-url" \
        in capsys.readouterr().err
    assert built == []
    assert remote_branches(bare) == ""


@pytest.mark.parametrize(("remote", "example"), [
    ("file", "https://<user>.github.io/<repo>/"),
    ("git@github.com:ann/news.git", "https://ann.github.io/news/"),
])
def test_no_build_refuses_a_site_built_for_localhost_even_with_force(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], remote: str, example: str) -> None:
    root = tmp_path / "news"
    bare = make_site(root, "title: T\n")
    if remote != "file":
        git(root, "remote", "set-url", "origin", remote)
        git(root, "config", f"url.{bare.as_uri()}.insteadOf", remote)

    for args in [(), ("--force",)]:
        err = refused(root, capsys, *args)
        assert err == (
            "error: base_url is a local address (http://localhost:8000/), so a site built with it "
            "links to this machine; deploy without --no-build to rebuild it for the published "
            "URL, or pass --base-url URL stating the URL site/ was built for (e.g. --base-url "
            f"{example} after 'digest build --base-url {example}'; --base-url "
            "http://localhost:8000/ publishes it as it is)\n")
    assert remote_branches(bare) == ""


def test_no_build_publishes_a_localhost_site_when_told_its_url(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "news"
    bare = make_site(root, "title: T\n")

    assert deploy(root, "--base-url", "http://localhost:8000/") == 0

    assert "index.html" in branch_files(bare)
    assert capsys.readouterr().out.rstrip().endswith(
        "the site will appear at http://localhost:8000/")


def test_no_build_accepts_the_url_the_site_was_built_for(tmp_path: Path) -> None:
    root = tmp_path / "news"
    bare = make_site(root, "title: T\n")
    assert deploy(root, "--base-url", "https://example.org/") == 0
    assert "index.html" in branch_files(bare)


# --- names git could read as options ----------------------------------------------------------


def deploy_api(root: Path, *, remote: str = "origin", branch: str = "gh-pages") -> None:
    deploy_site(load_config(root / "digest.yaml"), remote=remote, branch=branch, build=False)


@pytest.mark.parametrize("branch", ["-x", "--force", "--upload-pack=touch pwned", "a..b",
                                    "has space", "@{-1}", "HEAD", ""])
def test_refuses_invalid_branch_names(tmp_path: Path, branch: str) -> None:
    root = tmp_path / "news"
    bare = make_site(root)
    with pytest.raises(DeployError) as caught:
        deploy_api(root, branch=branch)
    assert str(caught.value) == (f"{branch!r} is not a valid branch name (see 'git "
                                 "check-ref-format --branch'); pass --branch with a name like "
                                 "gh-pages")
    assert remote_branches(bare) == ""
    assert not (root / "pwned").exists()


def test_refuses_branch_option_from_the_cli(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "news"
    bare = make_site(root)
    assert "'-x' is not a valid branch name" in refused(root, capsys, "--branch=-x")
    assert remote_branches(bare) == ""


@pytest.mark.parametrize(("remote", "configured"), [
    ("--upload-pack=touch pwned", False),  # not a name git accepts for a remote
    ("-evil", True),  # one git accepts ('git remote add -- -evil url'); deploy does not
])
def test_refuses_remote_names_starting_with_a_dash(tmp_path: Path, remote: str,
                                                   configured: bool) -> None:
    root = tmp_path / "news"
    bare = make_site(root)
    if configured:
        git(root, "remote", "add", "--", remote, bare.as_uri())
    with pytest.raises(DeployError) as caught:
        deploy_api(root, remote=remote)
    assert str(caught.value) == (f"refusing remote name {remote!r}: it starts with '-', which git "
                                 "would read as an option; rename the remote ('git remote "
                                 "rename') and pass --remote")
    assert remote_branches(bare) == ""
    assert not (root / "pwned").exists()


def test_refuses_a_remote_url_in_place_of_a_name(tmp_path: Path) -> None:
    root = tmp_path / "news"
    bare = make_site(root)
    with pytest.raises(DeployError, match=r"^no git remote named '.*' \(known remotes: origin\)"):
        deploy_api(root, remote=bare.as_uri())
    assert remote_branches(bare) == ""


def test_valid_slashed_branch_name_is_published(tmp_path: Path) -> None:
    root = tmp_path / "news"
    bare = make_site(root)
    deploy_api(root, branch="pages/live")
    assert remote_branches(bare) == "refs/heads/pages/live"
