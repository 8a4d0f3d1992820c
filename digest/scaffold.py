"""Create a new site folder (``digest init``) and the GitHub Actions workflow (``digest ci github``).

A new site holds no copy of the default templates: the build finds them in the installed package,
so a site keeps getting fixes to them. ``templates/`` starts with a README that lists the defaults
a file there would override.
"""

from __future__ import annotations

import json
import logging
import subprocess
import textwrap
from dataclasses import fields
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import yaml

import digest
from digest import __version__
from digest.config import CONFIG_NAME, Config
from digest.errors import DigestError

log = logging.getLogger(__name__)

WORKFLOW_PATH = Path(".github", "workflows", "pages.yml")
PYPI_NAME = "digest-news"
"""The name digest is to be published under on PyPI (``digest`` there is an unrelated project)."""

_KEY_HELP: dict[str, str] = {
    "title": "Site name, shown in every page header and in the feed.",
    "description": "One sentence under the title and in the feed.",
    "base_url": "Absolute URL the site is served at, ending in '/'. GitHub Pages: "
                "https://<user>.github.io/<repo>/ (the Actions workflow passes it with --base-url).",
    "timezone": "IANA time zone that article dates are taken in, e.g. Europe/London.",
    "language": "Language of the site, a BCP 47 code (the <html lang> attribute).",
    "input_dir": "Folder of saved news pages (text files) that 'digest build' ingests.",
    "content_dir": "Folder of articles (Markdown with YAML front matter) made from the pages; "
                   "edit them freely.",
    "output_dir": "Where 'digest build' writes the site; not committed (see .gitignore).",
    "templates_dir": "Your templates: a file here overrides the default template of the same "
                     "name.",
    "items_per_page": "Articles per listing page.",
    "related_count": "Most 'Related stories' links shown under an article.",
    "cname": "Custom domain for GitHub Pages (written to CNAME), e.g. news.example.org.",
}
"""One line of help per config key, written above the key in a new ``digest.yaml``."""

_EXAMPLE_PAGE = """\
logo
Town library opens a new reading room after a two-year fundraiser

Town library opens a new reading room after a two-year fundraiser

The Example Gazette02-06-2025

The library in Millbrook opened its new reading room on Monday, two years after residents \
began raising money for it.
The room seats forty readers, has a children's corner, and stays open until nine on weekday \
evenings.
'This is what a town can do when it pulls together,' said head librarian Ines Okafor.
"""
"""A made-up saved page in the "header" layout: title, source glued to a DD-MM-YYYY date, body."""

_EXAMPLE_SIDECAR = """\
# When the page beside this file was saved: dates like "2 hours ago" count back from it.
captured_at: 2025-06-02T18:00:00+00:00
"""


def init_site(directory: Path) -> list[Path]:
    """Create a new site in ``directory`` (made if missing); return the files created, sorted.

    Creates ``digest.yaml`` (every key, with help; all but ``title`` commented out at their
    defaults), ``pages/example.txt`` with its ``example.meta.yaml`` (capture time),
    ``content/``, ``templates/README.md``, ``.gitignore`` and the GitHub Pages workflow
    (see :func:`write_pages_workflow`).

    Raises:
        DigestError: ``directory`` is a file or a folder that is not empty.
    """
    directory = directory.resolve()
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise DigestError("not an empty folder; 'digest init' creates a site only in a new or "
                          "empty folder", path=directory)
    config = Config(root=directory)
    files = {
        directory / CONFIG_NAME: config_text(_title_for(directory)),
        config.path(config.input_dir) / "example.txt": _EXAMPLE_PAGE,
        config.path(config.input_dir) / "example.meta.yaml": _EXAMPLE_SIDECAR,
        config.path(config.content_dir) / ".gitkeep": "",
        config.path(config.templates_dir) / "README.md": templates_readme(),
        directory / ".gitignore": f"/{config.output_dir.as_posix()}/\n",
    }
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        log.debug("wrote %s", path)
    created = [*files, write_pages_workflow(directory, output_dir=config.output_dir)]
    return sorted(created)


def _title_for(directory: Path) -> str:
    """Return a site title made from the folder name (``world-news`` -> ``World news``)."""
    words = directory.name.replace("-", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else Config().title


def config_text(title: str) -> str:
    """Return the text of a new ``digest.yaml``: ``title`` set, every other key commented out.

    Each key is preceded by a line of help (from ``_KEY_HELP``); commented values are the
    defaults of :class:`digest.config.Config`, so uncommenting a line changes nothing.
    """
    defaults = Config()
    lines = ["# digest site config. Every key is optional: the commented-out values are the",
             "# defaults. Uncomment a line to change it."]
    for field in fields(Config):
        if field.name == "root":
            continue
        value = title if field.name == "title" else getattr(defaults, field.name)
        entry = _yaml_entry(field.name, value)
        lines += ["", *textwrap.wrap(_KEY_HELP[field.name], width=98, initial_indent="# ",
                                     subsequent_indent="# ", break_on_hyphens=False),
                  entry if field.name == "title" else f"# {entry}"]
    return "\n".join(lines) + "\n"


def _yaml_entry(key: str, value: Any) -> str:
    """Return ``key: value`` as one YAML line (paths as strings, None as null)."""
    plain = value.as_posix() if isinstance(value, Path) else value
    return yaml.safe_dump({key: plain}, allow_unicode=True, width=1000).strip()


def templates_readme() -> str:
    """Return the text of ``templates/README.md``: how overrides work, and the default names."""
    names = default_template_names()
    listed = "\n".join(f"- `{name}`" for name in names) or "- (none found in this install)"
    return (
        "# Templates\n\n"
        "digest renders the site with its built-in Jinja2 templates. To change one, put a file\n"
        "with the same name (and sub-folder) here: files in this folder override the defaults;\n"
        "the others are still taken from digest. Copy a default from digest's `templates/`\n"
        "folder as a starting point. The folder is set by `templates_dir` in `digest.yaml`.\n\n"
        f"Default templates in digest {__version__}:\n\n{listed}\n"
    )


def default_template_names() -> list[str]:
    """Return the relative paths of digest's default templates, sorted (``[]`` when none).

    Looks in the installed package (``digest/templates``, as the wheel ships them), else in
    the source checkout's ``templates/`` beside the package.
    """
    packaged = resources.files("digest") / "templates"
    folder = Path(str(packaged))
    if not folder.is_dir():
        folder = Path(digest.__file__).resolve().parents[1] / "templates"
    if not folder.is_dir():
        return []
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                  if p.is_file() and not p.name.startswith("."))


# --- GitHub Actions ------------------------------------------------------------------------------


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
    top = _repository_top(root) or root
    subdir = root.relative_to(top).as_posix() if root != top else None
    text = workflow_text(branch=_current_branch(top), package=digest_requirement(),
                         site_subdir=subdir, output_dir=output_dir.as_posix())
    path = top / WORKFLOW_PATH
    if path.exists():
        if path.read_text(encoding="utf-8") == text:
            return path
        raise DigestError("a workflow already exists here; delete it to write a new one",
                          path=path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def workflow_text(*, branch: str = "main", package: str | None = None,
                  site_subdir: str | None = None, output_dir: str = "site") -> str:
    """Return the Pages workflow as YAML text: a comment header, then the dumped mapping.

    Args:
        branch: pushes to this branch publish the site.
        package: the pip requirement that installs digest (default: :func:`digest_requirement`).
        site_subdir: the site folder relative to the repository top, when not the top itself.
        output_dir: the site's output folder relative to the site folder.
    """
    package = package or digest_requirement()
    header = (
        "# Build the digest site and publish it with GitHub Pages (written by 'digest ci github').\n"
        "# In the repository's Settings > Pages, set Source to 'GitHub Actions'.\n"
        "#\n"
        "# DIGEST_PACKAGE is the pip requirement that installs digest: a PyPI name and version,\n"
        "# or 'digest @ git+https://github.com/<owner>/<repo>@<commit>' to build with a digest\n"
        "# from a git repository. It defaults to the digest that wrote this file when that came\n"
        "# from git, else to the PyPI release of the same version. A requirements.txt beside\n"
        "# digest.yaml, when present, is installed instead (pin digest and plugins there).\n"
    )
    return header + yaml.dump(
        pages_workflow(branch=branch, package=package, site_subdir=site_subdir,
                       output_dir=output_dir),
        Dumper=_WorkflowDumper, sort_keys=False, width=100, allow_unicode=True)


def pages_workflow(*, branch: str, package: str, site_subdir: str | None,
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
        "on": {"push": {"branches": [branch]}, "workflow_dispatch": {}},
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

    From PEP 610 ``direct_url.json``: a git install gives ``digest @ git+<url>@<commit>``; an
    archive URL gives ``digest @ <url>``. Anything else (a PyPI install, or a local or editable
    one a CI machine cannot reach) gives ``<PYPI_NAME>==<version>``.
    """
    try:
        raw = metadata.distribution("digest").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        raw = None
    info: dict[str, Any] = json.loads(raw) if raw else {}
    url = str(info.get("url", ""))
    vcs = info.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs") == "git" and not url.startswith("file:"):
        return f"digest @ git+{url}@{vcs.get('commit_id', '')}".rstrip("@")
    if "archive_info" in info and url.startswith("https://"):
        return f"digest @ {url}"
    return f"{PYPI_NAME}=={__version__}"


def _repository_top(folder: Path) -> Path | None:
    """Return the top folder of the git work tree holding ``folder``, or None."""
    done = _git(folder, "rev-parse", "--show-toplevel")
    return Path(done).resolve() if done else None


def _current_branch(top: Path) -> str:
    """Return the branch checked out in ``top`` (``main`` when none or not a repository)."""
    return _git(top, "symbolic-ref", "--quiet", "--short", "HEAD") or "main"


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
