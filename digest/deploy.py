"""Publish a built ``site/`` to GitHub Pages as the whole tree of a branch (``gh-pages``).

One deploy is one new commit on the branch, on top of the branch's history as the remote has it
(``force=True`` starts a fresh history instead); when the branch already holds the same tree, no
commit is made and nothing is pushed. The site is built for the URL it will be served at, never for
a local address (see :func:`target_url`). The commit is made with git plumbing and a
temporary index (``GIT_INDEX_FILE``), so the user's working tree, index and current branch are
never touched and a detached HEAD is fine; the commit is then pushed as
``<commit>:refs/heads/<branch>``.

Why not ghp-import (what ``mkdocs gh-deploy`` uses): it runs git in the process's current folder
(no ``cwd``), builds on the *local* ``<remote>/<branch>`` ref without fetching it, prints and
carries on when ``git fast-import`` fails, and drops a ``CNAME`` that GitHub's settings page
committed to the branch (mkdocs issues #1257, #2226). The plumbing below is ~40 lines of git.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from digest import __version__
from digest.config import Config, normalize_base_url
from digest.errors import DeployError

log = logging.getLogger(__name__)

_GITHUB_REMOTE = re.compile(
    r"^(?:[a-z][a-z0-9+.-]*://)?(?:[^@/]+@)?(?:www\.)?github\.com[:/]"
    r"(?P<owner>[A-Za-z0-9-]+)/(?P<repo>[A-Za-z0-9._-]+?)(?:\.git)?/?$",
    re.IGNORECASE,
)
"""A GitHub remote URL: ``git@github.com:user/repo.git``, ``https://github.com/user/repo``, ..."""

_FILE_MODE = "100644"
_EXEC_MODE = "100755"


@dataclass(frozen=True, slots=True, kw_only=True)
class DeployReport:
    """What one deploy pushed (or, with ``changed=False``, found already published)."""

    commit: str
    """Full id of the commit the branch now points at: the pushed one, or the unchanged tip."""
    parent: str | None
    """The branch tip it was built on, or None for a new (or ``--force``d) history."""
    files: int
    """Files in the published tree, ``.nojekyll`` and ``CNAME`` included."""
    remote: str
    branch: str
    url: str
    """The URL the site was built for: ``--base-url``, ``base_url``, or (for a local
    ``base_url``) ``https://<cname>/`` or the GitHub Pages URL of the remote."""
    changed: bool = True
    """False when the branch already held this exact tree: no commit was made, nothing pushed."""

    def summary(self) -> str:
        """Return one line for the CLI: commit, file count, branch and remote, URL."""
        if not self.changed:
            return (f"nothing to deploy: {self.branch} already holds this site "
                    f"(commit {self.commit[:7]}); it is at {self.url}")
        history = "new history" if self.parent is None else f"on top of {self.parent[:7]}"
        return (f"deployed {self.commit[:7]} ({self.files} files, {history}) to branch "
                f"'{self.branch}' of remote '{self.remote}'; the site will appear at {self.url}")


def deploy_site(config: Config, *, remote: str = "origin", branch: str = "gh-pages",
                message: str | None = None, build: bool = True, force: bool = False,
                base_url: str | None = None) -> DeployReport:
    """Build (unless ``build=False``) and publish the output folder to ``remote``'s ``branch``.

    Args:
        config: the site; git runs in ``config.root``; the published tree is
            ``config.path(config.output_dir)``.
        remote: a configured git remote name (one starting with ``-`` is refused: git would
            read it as an option).
        branch: the branch to replace the tree of (created when missing); a valid branch name
            (``git check-ref-format --branch``), not starting with ``-``.
        message: the commit message; default names the source commit and digest's version.
        build: run :func:`digest.build.build_site` first, for the URL :func:`target_url` picks.
        force: replace the branch's history: push a commit with no parent (force-push), even
            when the tree is unchanged. It has no other effect.
        base_url: the URL to build for (with ``build=False``: the URL ``site/`` was built for),
            instead of ``config.base_url``; it is taken as given, so it is also how to publish
            with ``build=False`` a site whose ``config.base_url`` is a local address.

    Returns:
        A :class:`DeployReport`; ``changed=False`` when the branch tip already holds the same
        tree (then no commit is made and nothing is pushed, unless ``force``).

    Raises:
        DeployError: no git repository, an invalid branch name, no such remote (or a remote
            name starting with ``-``), the remote is unreachable, the site
            would be published for a local address (see :func:`target_url`), the build failed,
            the site folder is missing or empty, or git refused the commit or the push.
            Nothing is pushed in any of these cases.
    """
    root = config.root
    _require_repository(root)
    _require_branch_name(root, branch)
    _require_remote(root, remote)
    url = target_url(config, _remote_url(root, remote), base_url=base_url, build=build)
    tip = _remote_tip(root, remote, branch)
    if build:
        _build(replace(config, base_url=url))
    site_dir = config.path(config.output_dir)
    tree, count = _write_tree(root, site_dir, _site_files(site_dir),
                              _extra_files(config, site_dir, root, tip))
    report = DeployReport(commit=tip or "", parent=tip, files=count, remote=remote,
                          branch=branch, url=url, changed=False)
    if tip is not None and not force and _tree_of(root, tip) == tree:
        log.info("%s/%s already holds tree %s; nothing pushed", remote, branch, tree)
        return report
    parent = None if force else tip
    commit = _commit_tree(root, tree, parent, message or _default_message(root))
    _push(root, remote, branch, commit, force=force)
    log.info("pushed %s to %s/%s", commit, remote, branch)
    return replace(report, commit=commit, parent=parent, changed=True)


# --- git -------------------------------------------------------------------------------------


def _git(root: Path, *args: str, stdin: bytes | None = None,
         env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run ``git args`` in ``root`` without prompting; return the finished process (any code).

    Raises:
        DeployError: git is not installed.
    """
    full_env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", **(env or {})}
    try:
        return subprocess.run(["git", *args], cwd=root, input=stdin, capture_output=True,
                              env=full_env, check=False)
    except FileNotFoundError as e:
        raise DeployError("git is not installed (or not on PATH); deploy needs it") from e


def _git_out(root: Path, *args: str, what: str, stdin: bytes | None = None,
             env: Mapping[str, str] | None = None) -> str:
    """Run git and return its stripped stdout; raise DeployError naming ``what`` on failure."""
    done = _git(root, *args, stdin=stdin, env=env)
    if done.returncode != 0:
        raise DeployError(f"{what} failed, nothing was pushed: {_stderr(done)}")
    return done.stdout.decode("utf-8", "replace").strip()


def _stderr(done: subprocess.CompletedProcess[bytes]) -> str:
    """Return git's stderr as one readable string."""
    text = done.stderr.decode("utf-8", "replace").strip()
    return " ".join(line.strip() for line in text.splitlines()) or f"git exit {done.returncode}"


def _require_repository(root: Path) -> None:
    """Raise DeployError unless ``root`` is inside a git repository."""
    if _git(root, "rev-parse", "--git-dir").returncode != 0:
        raise DeployError(f"{root} is not in a git repository; run 'git init' and "
                          "'git remote add origin <url>' first")


def _require_branch_name(root: Path, branch: str) -> None:
    """Raise DeployError unless ``branch`` is a valid branch name, taken literally.

    ``git check-ref-format --branch`` decides validity (it refuses a leading ``-``, ``..``,
    spaces, ``HEAD``, ...); its output must equal ``branch``, so a shorthand it expands
    (``@{-1}``: the previously checked-out branch) is refused too.
    """
    done = _git(root, "check-ref-format", "--branch", branch)
    if (branch.startswith("-") or done.returncode != 0
            or done.stdout.decode("utf-8", "replace").strip() != branch):
        raise DeployError(f"{branch!r} is not a valid branch name (see 'git check-ref-format "
                          "--branch'); pass --branch with a name like gh-pages")


def _require_remote(root: Path, remote: str) -> None:
    """Raise DeployError unless ``remote`` is a configured remote whose name is not an option.

    A name starting with ``-`` is refused even when configured (``git remote add -- -x url``
    allows it): every git call here puts ``--`` before it where git has one, but a name that
    reads as an option is one mistake away from being one. The message lists the known remotes.
    """
    if remote.startswith("-"):
        raise DeployError(f"refusing remote name {remote!r}: it starts with '-', which git "
                          "would read as an option; rename the remote ('git remote rename') "
                          "and pass --remote")
    known = _git(root, "remote").stdout.decode("utf-8", "replace").split()
    if remote not in known:
        listed = ", ".join(known) if known else "none"
        raise DeployError(f"no git remote named {remote!r} (known remotes: {listed}); add one "
                          f"with 'git remote add {remote} <url>' or pass --remote")


def _remote_url(root: Path, remote: str) -> str:
    """Return the URL of the configured ``remote`` (see :func:`_require_remote`).

    The configured URL (before ``url.<base>.insteadOf`` rewriting) is the one that names the
    GitHub repository; when it is not a GitHub URL the rewritten one is returned.
    """
    rewritten = _git_out(root, "remote", "get-url", "--", remote, what=f"reading remote {remote!r}")
    raw = _git(root, "config", "--get", f"remote.{remote}.url").stdout.decode().strip()
    return raw if pages_url(raw) else rewritten


def _remote_tip(root: Path, remote: str, branch: str) -> str | None:
    """Return the commit ``branch`` points at on ``remote`` (None when missing), fetching it.

    The fetch makes the commit's objects local so a new commit can name it as parent; it
    updates only ``refs/remotes/<remote>/<branch>``.
    """
    ref = f"refs/heads/{branch}"
    listing = _git_out(root, "ls-remote", "--heads", "--", remote, ref,
                       what=f"reaching remote {remote!r}")
    tips = [line.split()[0] for line in listing.splitlines() if line.split()[1:] == [ref]]
    if not tips:
        return None
    tip = tips[0]
    _git_out(root, "fetch", "--no-tags", "--quiet", "--", remote,
             f"+{ref}:refs/remotes/{remote}/{branch}", what=f"fetching {remote}/{branch}")
    return tip


def _tree_of(root: Path, commit: str) -> str:
    """Return the tree id of ``commit``."""
    return _git_out(root, "rev-parse", f"{commit}^{{tree}}", what="reading the branch tip")


def _write_tree(root: Path, site_dir: Path, files: Sequence[Path],
                extra: Mapping[str, bytes]) -> tuple[str, int]:
    """Store ``files`` (relative to ``site_dir``) and ``extra`` (path -> bytes) as a git tree.

    ``extra`` wins over a site file of the same path. Blobs are written verbatim
    (``--no-filters``: no line-ending or attribute conversion); a temporary index keeps the
    user's index untouched. Returns the tree id and its number of files.
    """
    blobs = _hash_files(root, [site_dir / f for f in files])
    entries = {f.as_posix(): (_mode(site_dir / f), blob)
               for f, blob in zip(files, blobs, strict=True)}
    for name, data in extra.items():
        blob = _git_out(root, "hash-object", "-w", "--stdin", stdin=data, what="storing " + name)
        entries[name] = (_FILE_MODE, blob)
    index_info = b"".join(f"{mode} {blob}\t{path}\0".encode()
                          for path, (mode, blob) in sorted(entries.items()))
    with tempfile.TemporaryDirectory(prefix="digest-deploy-") as tmp:
        env = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
        _git_out(root, "update-index", "--add", "-z", "--index-info", stdin=index_info, env=env,
                 what="staging the site")
        return _git_out(root, "write-tree", env=env, what="writing the site tree"), len(entries)


def _hash_files(root: Path, paths: Sequence[Path]) -> list[str]:
    """Write each file as a blob; return their ids in order (one git call for all files)."""
    names = [str(p.resolve()) for p in paths]
    bad = [n for n in names if "\n" in n]
    if bad:
        raise DeployError(f"cannot publish a file whose name holds a line break: {bad[0]!r}")
    out = _git_out(root, "hash-object", "-w", "--no-filters", "--stdin-paths",
                   stdin="".join(n + "\n" for n in names).encode(), what="storing the site files")
    return out.split()


def _mode(path: Path) -> str:
    """Return the git file mode for ``path``: executable or plain."""
    return _EXEC_MODE if os.access(path, os.X_OK) else _FILE_MODE


def _commit_tree(root: Path, tree: str, parent: str | None, message: str) -> str:
    """Create a commit of ``tree`` on ``parent`` (None: a root commit); return its id."""
    parents = ["-p", parent] if parent else []
    return _git_out(root, "commit-tree", tree, *parents, stdin=message.encode(),
                    what="committing the site (is git's user.name/user.email set?)")


def _push(root: Path, remote: str, branch: str, commit: str, *, force: bool) -> None:
    """Push ``commit`` as ``remote``'s ``branch``; raise DeployError when the remote refuses."""
    args = ["push", "--quiet", *(["--force"] if force else []), "--", remote,
            f"{commit}:refs/heads/{branch}"]
    done = _git(root, *args)
    if done.returncode != 0:
        hint = "" if force else (" (if someone else deployed meanwhile, run deploy again; "
                                 "--force replaces the branch history)")
        raise DeployError(f"git push to {remote}/{branch} failed{hint}: {_stderr(done)}")


def _default_message(root: Path) -> str:
    """Return ``Deploy <short source commit> with digest <version>`` (no commit: just version)."""
    done = _git(root, "rev-parse", "--short", "HEAD")
    source = done.stdout.decode().strip() if done.returncode == 0 else ""
    return f"Deploy {source} with digest {__version__}" if source else \
        f"Deploy with digest {__version__}"


# --- the site --------------------------------------------------------------------------------


def _build(config: Config) -> None:
    """Run the build; turn its failure into a DeployError (nothing pushed)."""
    from digest.build import build_site  # lazy: deploy --no-build needs none of the renderer
    from digest.errors import DigestError

    try:
        report = build_site(config)
    except DigestError as e:
        raise DeployError(f"the build failed, nothing was pushed: {e}") from e
    log.info("%s", report.summary())


def _site_files(site_dir: Path) -> list[Path]:
    """Return every file under ``site_dir``, relative and sorted.

    Raises:
        DeployError: the folder is missing or holds no files.
    """
    if not site_dir.is_dir():
        raise DeployError(f"site folder {site_dir} does not exist; run 'digest build' first "
                          "(or deploy without --no-build)")
    files = sorted(p.relative_to(site_dir) for p in site_dir.rglob("*") if p.is_file())
    if not files:
        raise DeployError(f"site folder {site_dir} is empty; run 'digest build' first "
                          "(or deploy without --no-build)")
    return files


def _extra_files(config: Config, site_dir: Path, root: Path,
                 previous: str | None) -> dict[str, bytes]:
    """Return the files deploy adds to the tree: ``.nojekyll`` and, when known, ``CNAME``.

    ``CNAME`` comes from ``config.cname``; else a ``CNAME`` in the site folder is kept as built;
    else the one on the branch tip ``previous`` (GitHub's Pages settings page commits it there)
    is carried over, so a custom domain is never lost between deploys. ``.nojekyll`` stops
    GitHub running Jekyll, which would hide ``_``-prefixed files.
    """
    extra = {".nojekyll": b""}
    built = site_dir / "CNAME"
    if config.cname:
        cname = config.cname.strip()
        if built.is_file() and built.read_text(encoding="utf-8").strip() != cname:
            log.warning("%s differs from the config's cname %r; using the config", built, cname)
        extra["CNAME"] = f"{cname}\n".encode()
    elif not built.is_file() and previous is not None:
        kept = _git(root, "show", f"{previous}:CNAME")
        if kept.returncode == 0 and kept.stdout.strip():
            log.info("keeping CNAME %s from the branch", kept.stdout.decode().strip())
            extra["CNAME"] = kept.stdout
    return extra


_LOCAL_HOST = re.compile(r"^https?://(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?/", re.IGNORECASE)
"""A ``base_url`` on this machine: fine for ``digest serve``, wrong for a published site."""


def pages_url(remote_url: str) -> str | None:
    """Return the GitHub Pages URL a GitHub remote implies, or None for other remotes.

    ``git@github.com:User/repo.git`` -> ``https://user.github.io/repo/``;
    a repository named ``<user>.github.io`` -> ``https://<user>.github.io/``
    (GitHub's rule for user and organisation sites; the host name is lower case).
    """
    match = _GITHUB_REMOTE.match(remote_url.strip())
    if not match:
        return None
    owner, repo = match["owner"].lower(), match["repo"]
    if repo.lower() == f"{owner}.github.io":
        return f"https://{owner}.github.io/"
    return f"https://{owner}.github.io/{repo}/"


def target_url(config: Config, remote_url: str, *, base_url: str | None = None,
               build: bool = True) -> str:
    """Return the URL to publish the site for; refuse one that would link to this machine.

    The rule, first match wins:

    1. ``base_url`` (``--base-url``) as given: the user chose it (a local address too: that is
       how a site built for this machine is published on purpose).
    2. ``config.base_url`` when it is not a local address (localhost, 127.x, [::1]).
    3. A local ``config.base_url`` while building: ``https://<cname>/`` when ``config.cname`` is
       set, else the GitHub Pages URL the remote implies (:func:`pages_url`), logged at WARNING
       (``digest init`` leaves ``base_url`` at ``http://localhost:8000/`` for ``digest serve``).

    When the result is not where the site will be served, a WARNING says so.

    Raises:
        DeployError: the base_url is local and none of 1-3 applies: no URL is known while
            building, or ``site/`` is already built for the local address (``build=False``;
            the message asks for ``--base-url`` with the URL it was built for).
    """
    served = _served_url(config, remote_url)
    if base_url is not None:
        url = normalize_base_url(base_url)
    else:
        url = normalize_base_url(config.base_url)
        if _LOCAL_HOST.match(url):
            return _instead_of_local(url, served, build=build)
    if served is not None and _without_scheme(url) != _without_scheme(served):
        log.warning("base_url is %s but the site will be served at %s; links and feeds will "
                    "point to the wrong place (set base_url: %s in digest.yaml)",
                    url, served, served)
    return url


def _served_url(config: Config, remote_url: str) -> str | None:
    """Return where the site will be served: ``https://<cname>/``, the Pages URL, or None."""
    if config.cname:
        return f"https://{config.cname.strip()}/"
    return pages_url(remote_url)


def _instead_of_local(local: str, served: str | None, *, build: bool) -> str:
    """Return the URL to use for a site whose ``base_url`` is the local address ``local``.

    See rule 3 of :func:`target_url`.

    Raises:
        DeployError: no served URL is known, or ``site/`` is already built (``build=False``):
            it links to ``local`` unless it was built with another URL, which only the user
            knows (``--base-url``).
    """
    if not build:
        example = served or "https://<user>.github.io/<repo>/"
        raise DeployError(
            f"base_url is a local address ({local}), so a site built with it links to this "
            "machine; deploy without --no-build to rebuild it for the published URL, or pass "
            f"--base-url URL stating the URL site/ was built for (e.g. --base-url {example} "
            f"after 'digest build --base-url {example}'; --base-url {local} publishes it as "
            "it is)")
    if served is None:
        raise DeployError("base_url is a local address; set base_url in digest.yaml or pass "
                          "--base-url")
    log.warning("base_url %s is a local address; building for %s instead, where the site will be "
                "served (set base_url in digest.yaml to choose)", local, served)
    return served


def _without_scheme(url: str) -> str:
    """Return ``url`` lower-cased without ``http(s)://`` and trailing slash, for comparing."""
    return re.sub(r"^https?://", "", url.lower()).rstrip("/")
