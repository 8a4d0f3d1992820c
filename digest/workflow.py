"""The GitHub Actions workflow that builds a site and publishes it with GitHub Pages
(``digest ci github``, and ``digest init``).

The workflow installs digest on the CI runner with the pip requirement in ``DIGEST_PACKAGE``:
the URL the running digest was installed from when a runner can reach it (PEP 610
``direct_url.json``), else the PyPI name :data:`PYPI_NAME`, which :func:`install_note` warns about.
"""

from __future__ import annotations

import json
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

from digest.config import CONFIG_NAME
from digest.errors import DigestError

WORKFLOW_PATH = Path(".github", "workflows", "pages.yml")
PYPI_NAME = "digest-news"
"""The name digest is to be published under on PyPI (``digest`` there is an unrelated project)."""


def write_pages_workflow(root: Path, *, output_dir: Path = Path("site")) -> Path:
    """Write the GitHub Pages workflow for the site in ``root``; return its path.

    The file goes to ``.github/workflows/pages.yml`` at the top of the git repository holding
    ``root`` (GitHub reads workflows only there), or in ``root`` when it is not in one; a site in
    a sub-folder of its repository gets ``working-directory`` set. An identical existing file is
    left as it is.

    Args:
        root: the site folder (holding ``digest.yaml``).
        output_dir: the site's ``output_dir``, relative to ``root``.

    Raises:
        DigestError: ``output_dir`` is absolute, or a different workflow file already exists
            (delete it to write a new one).
    """
    if output_dir.is_absolute():
        raise DigestError(f"output_dir {output_dir} is absolute; the workflow needs a folder "
                          "inside the site", path=root / CONFIG_NAME)
    root = root.resolve()
    path = workflow_path(root)
    top = path.parents[len(WORKFLOW_PATH.parts) - 1]
    subdir = root.relative_to(top).as_posix() if root != top else None
    text = workflow_text(branch=_current_branch(top), package=digest_requirement(),
                         site_subdir=subdir, output_dir=output_dir.as_posix())
    if path.exists():
        if path.read_text(encoding="utf-8") == text:
            return path
        raise DigestError("a workflow already exists here; delete it to write a new one",
                          path=path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def workflow_path(root: Path) -> Path:
    """Return where the workflow of the site in ``root`` goes: ``.github/workflows/pages.yml`` at
    the top of the git work tree holding ``root`` (GitHub reads workflows only there), else in
    ``root``."""
    root = root.resolve()
    return (_repository_top(root) or root) / WORKFLOW_PATH


DEFAULT_BRANCHES = ("main", "master")
"""Branches that publish when the site is not in a git repository yet (``digest init``): git's
default branch is one of these, depending on its version and ``init.defaultBranch``."""


def workflow_text(*, branch: str | None = None, package: str | None = None,
                  site_subdir: str | None = None, output_dir: str = "site") -> str:
    """Return the Pages workflow as YAML text: a comment header, then the dumped mapping.

    Args:
        branch: pushes to this branch publish the site; None (no repository yet) means
            :data:`DEFAULT_BRANCHES`.
        package: the pip requirement that installs digest (default: :func:`digest_requirement`).
        site_subdir: the site folder relative to the repository top, when not the top itself.
        output_dir: the site's output folder relative to the site folder.
    """
    package = package or digest_requirement()
    header = (
        "# Build the digest site and publish it with GitHub Pages (written by 'digest ci github').\n"
        "# In the repository's Settings > Pages, set Source to 'GitHub Actions'.\n"
        "#\n"
        f"# DIGEST_PACKAGE is the pip requirement that installs digest: the PyPI name\n"
        f"# '{PYPI_NAME}' (with a version, e.g. '{PYPI_NAME}==1.0'), or\n"
        f"# '{PYPI_NAME} @ git+https://github.com/<owner>/<repo>@<commit>' to build with a digest\n"
        "# from a git repository. It defaults to the digest that wrote this file when that came\n"
        f"# from git, else to '{PYPI_NAME}' from PyPI. A requirements.txt beside digest.yaml, when\n"
        "# present, is installed instead (pin digest and plugins there).\n"
    )
    return header + yaml.dump(
        pages_workflow(branch=branch, package=package, site_subdir=site_subdir,
                       output_dir=output_dir),
        Dumper=_WorkflowDumper, sort_keys=False, width=100, allow_unicode=True)


def pages_workflow(*, branch: str | None, package: str, site_subdir: str | None,
                   output_dir: str) -> dict[str, Any]:
    """Return the workflow as a mapping (GitHub's starter Pages workflow, with digest's build).

    Uses GitHub's official actions: checkout, setup-python, configure-pages (whose ``base_url``
    output is the site's URL, custom domain included), upload-pages-artifact, deploy-pages.
    """
    artifact = f"{site_subdir}/{output_dir}" if site_subdir else output_dir
    install = ('if [ -f requirements.txt ]; then python -m pip install -r requirements.txt\n'
               'else python -m pip install "$DIGEST_PACKAGE"\nfi\n')
    build: dict[str, Any] = {"runs-on": "ubuntu-latest"}
    if site_subdir:
        build["defaults"] = {"run": {"working-directory": site_subdir}}
    build["steps"] = [
        {"uses": "actions/checkout@v4"},
        {"uses": "actions/setup-python@v5", "with": {"python-version": "3.12"}},
        {"id": "pages", "uses": "actions/configure-pages@v5"},
        {"name": "Install digest", "run": install},
        {"name": "Build the site",
         "run": 'digest build --base-url "${{ steps.pages.outputs.base_url }}/"'},
        {"uses": "actions/upload-pages-artifact@v3", "with": {"path": artifact}},
    ]
    return {
        "name": "Publish site",
        "on": {"push": {"branches": [branch] if branch else list(DEFAULT_BRANCHES)},
               "workflow_dispatch": {}},
        "permissions": {"contents": "read", "pages": "write", "id-token": "write"},
        "concurrency": {"group": "pages", "cancel-in-progress": False},
        "env": {"DIGEST_PACKAGE": package},
        "jobs": {
            "build": build,
            "deploy": {
                "needs": "build",
                "runs-on": "ubuntu-latest",
                "environment": {"name": "github-pages",
                                "url": "${{ steps.deployment.outputs.page_url }}"},
                "steps": [{"id": "deployment", "uses": "actions/deploy-pages@v4"}],
            },
        },
    }


class _WorkflowDumper(yaml.SafeDumper):
    """A safe dumper that writes multi-line strings (shell scripts) as ``|`` blocks."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_WorkflowDumper.add_representer(str, _represent_str)


def digest_requirement() -> str:
    """Return a pip requirement for the running digest, usable on a CI machine.

    :func:`direct_requirement` when the install came from a reachable URL, else the bare PyPI
    name :data:`PYPI_NAME` (which :func:`install_note` warns may not be on PyPI).
    """
    return direct_requirement() or PYPI_NAME


def direct_requirement() -> str | None:
    """Return a pip requirement naming the URL the running digest was installed from, or None.

    Reads PEP 610 ``direct_url.json`` of the ``digest-news`` distribution (the project name in
    pyproject.toml; pip refuses a requirement whose name differs from the project's). A git
    install gives ``digest-news @ git+<url>@<commit>``; an https archive gives
    ``digest-news @ <url>``. None for a PyPI install, or a local folder or editable install
    (``file://``: no URL a CI runner could reach).
    """
    info = _direct_url()
    url = str(info.get("url", ""))
    if url.startswith("file:"):
        return None
    vcs = info.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs") == "git":
        return f"{PYPI_NAME} @ git+{url}@{vcs.get('commit_id', '')}".rstrip("@")
    if "archive_info" in info and url.startswith("https://"):
        return f"{PYPI_NAME} @ {url}"
    return None


def _direct_url() -> dict[str, Any]:
    """Return the parsed ``direct_url.json`` of the installed distribution (``{}`` when none).

    Raises:
        DigestError: the file is not valid JSON.
    """
    try:
        raw = metadata.distribution(PYPI_NAME).read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return {}
    try:
        info = json.loads(raw) if raw else {}
    except json.JSONDecodeError as e:
        raise DigestError(f"the install record direct_url.json of {PYPI_NAME} is not valid "
                          f"JSON: {e}") from e
    return info if isinstance(info, dict) else {}


def install_note(root: Path) -> str | None:
    """Return a note for the CLI when the workflow installs digest from PyPI, else None.

    None when :func:`direct_requirement` found a reachable source or ``root`` (the site
    folder) holds a ``requirements.txt``, which the workflow installs instead. The note names
    the workflow file (:func:`workflow_path`).
    """
    if direct_requirement() or (root / "requirements.txt").is_file():
        return None
    return (f"note: the workflow installs digest from PyPI as '{PYPI_NAME}' (this digest was not "
            "installed from a URL a CI runner can reach). If digest is not on PyPI for you, set "
            f"DIGEST_PACKAGE in {workflow_path(root)} (e.g. "
            f"'{PYPI_NAME} @ git+https://github.com/<you>/digest') or add a requirements.txt "
            "beside digest.yaml.")


def _repository_top(folder: Path) -> Path | None:
    """Return the top folder of the git work tree holding ``folder``, or None."""
    done = _git(folder, "rev-parse", "--show-toplevel")
    return Path(done).resolve() if done else None


def _current_branch(top: Path) -> str | None:
    """Return the branch checked out in ``top`` (None when detached or not a repository)."""
    return _git(top, "symbolic-ref", "--quiet", "--short", "HEAD")


def _git(folder: Path, *args: str) -> str | None:
    """Run git in ``folder``; return its stripped stdout, or None on failure or without git."""
    if not folder.is_dir():
        return None
    try:
        done = subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True,
                              check=False)
    except FileNotFoundError:
        return None
    return done.stdout.strip() if done.returncode == 0 else None
