"""Create a new site folder (``digest init``), the GitHub Actions workflow (``digest ci github``),
and copies of default templates to edit (``digest templates --copy``).

A new site holds no copy of the default templates: the build finds them in the installed package,
so a site keeps getting fixes to them. ``templates/`` starts with a README that lists the defaults
a file there would override and how to copy one.
"""

from __future__ import annotations

import json
import logging
import shlex
import shutil
import subprocess
import textwrap
from dataclasses import fields
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

from digest import __version__
from digest.cache import CACHE_DIR
from digest.config import CONFIG_NAME, Config
from digest.content import INGEST_LOCK_NAME
from digest.errors import DigestError
from digest.render import default_templates_dir

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

_NOT_KEYS = {"root", "config_file"}
"""Fields of :class:`Config` that say where the config came from, not keys of ``digest.yaml``."""

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
        directory / ".gitignore": gitignore_text(config),
    }
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        log.debug("wrote %s", path)
    created = [*files, write_pages_workflow(directory, output_dir=config.output_dir)]
    return sorted(created)


def gitignore_text(config: Config) -> str:
    """Return a new site's ``.gitignore``: the output folder, the build cache (rebuilt anyway)
    and the ingest lock file."""
    return f"/{config.output_dir.as_posix()}/\n/{CACHE_DIR}/\n{INGEST_LOCK_NAME}\n"


def next_steps(directory: Path) -> list[str]:
    """Return what to do after ``digest init directory``, one line each, for the CLI to print.

    ``directory`` is shown as the user gave it (quoted for the shell when needed); the workflow
    relative to it, or absolute when it went to the top of an enclosing git repository.
    """
    config = Config()
    pages, site = config.input_dir.as_posix(), config.output_dir.as_posix()
    workflow = workflow_path(directory)
    if workflow.is_relative_to(directory.resolve()):
        workflow = workflow.relative_to(directory.resolve())
    return [
        "next steps:",
        f"  cd {shlex.quote(str(directory))}",
        f"  put saved news pages (text files) in {pages}/ (see {pages}/example.txt)",
        f"  digest build     # ingest the pages into content/ and write the site to {site}/",
        f"  digest serve     # preview it at {config.base_url} with live reload",
        "  publish on GitHub Pages: push the folder to a GitHub repository, then either run",
        f"  'digest deploy' (pushes {site}/ to a gh-pages branch) or use the workflow in",
        f"  {workflow} (Settings > Pages > Source: GitHub Actions)",
    ]


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
        if field.name in _NOT_KEYS:
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
    """Return the text of ``templates/README.md``: how overrides work, how to copy a default,
    and the default names."""
    names = default_template_names()
    listed = "\n".join(f"- `{name}`" for name in names) or "- (none found in this install)"
    return (
        "# Templates\n\n"
        "digest renders the site with its built-in Jinja2 templates. To change one, put a file\n"
        "with the same name (and sub-folder) here: files in this folder override the defaults;\n"
        "the others are still taken from digest. The folder is set by `templates_dir` in\n"
        "`digest.yaml`.\n\n"
        "`digest templates` lists the defaults and where they are installed;\n"
        "`digest templates --copy article.html` copies one here as a starting point\n"
        "(`--copy all` copies every one; an existing file is never overwritten).\n\n"
        f"Default templates in digest {__version__}:\n\n{listed}\n"
    )


def default_template_names() -> list[str]:
    """Return the relative paths of digest's default templates, sorted (``[]`` when none)."""
    folder = default_templates_dir()
    return _files_in(folder) if folder.is_dir() else []


def default_templates() -> tuple[Path, list[str]]:
    """Return the folder of digest's default templates and their names.

    Names are posix paths relative to the folder, sorted (``article.html``,
    ``static/style.css``); hidden files are left out.

    Raises:
        DigestError: this install holds no default templates (a broken install).
    """
    folder = default_templates_dir()
    if not folder.is_dir():
        raise DigestError("this digest install has no default templates folder; reinstall digest")
    return folder, _files_in(folder)


def copy_templates(config: Config, names: list[str]) -> list[Path]:
    """Copy the named default templates into the site's templates folder; return the new paths.

    ``names`` are as :func:`default_templates` lists them (``["all"]``: every one); sub-folders
    are kept (``static/style.css`` -> ``templates/static/style.css``). Every name and target is
    checked before anything is copied.

    Raises:
        DigestError: a name is not a default template (the message lists the known ones), or a
            target file already exists (a user's template is never overwritten). Nothing is
            copied then.
    """
    folder, known = default_templates()
    wanted = known if names == ["all"] else list(dict.fromkeys(n.replace("\\", "/") for n in names))
    unknown = [n for n in wanted if n not in known]
    if unknown:
        raise DigestError(f"no default template named {', '.join(map(repr, unknown))}; the "
                          f"defaults are: {', '.join(known)} (or 'all')")
    target_dir = config.path(config.templates_dir)
    targets = {name: target_dir / name for name in wanted}
    existing = [str(t) for t in targets.values() if t.exists()]
    if existing:
        raise DigestError(f"already exists, not overwritten (delete or rename it to copy the "
                          f"default): {', '.join(existing)}; nothing was copied")
    for name, target in targets.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(folder / name, target)
        log.debug("copied %s to %s", folder / name, target)
    return list(targets.values())


def _files_in(folder: Path) -> list[str]:
    """Return the relative posix paths of the non-hidden files under ``folder``, sorted."""
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
