"""Create a new site folder (``digest init``) and copies of default templates to edit
(``digest templates --copy``).

A new site holds no copy of the default templates: the build finds them in the installed package,
so a site keeps getting fixes to them. ``templates/`` starts with a README that lists the defaults
a file there would override and how to copy one. The GitHub Pages workflow a new site gets is
written by :mod:`digest.workflow`; ``write_pages_workflow`` and ``install_note`` are importable
from here too.
"""

from __future__ import annotations

import logging
import shlex
import shutil
import textwrap
from dataclasses import fields
from pathlib import Path
from typing import Any

import yaml

from digest import __version__
from digest.cache import CACHE_DIR
from digest.config import CONFIG_NAME, Config
from digest.content import INGEST_LOCK_NAME
from digest.errors import DigestError
from digest.render import default_templates_dir
from digest.workflow import install_note, workflow_path, write_pages_workflow

log = logging.getLogger(__name__)

__all__ = [
    "config_text", "copy_templates", "default_template_names", "default_templates",
    "gitignore_text", "init_site", "install_note", "next_steps", "templates_readme",
    "write_pages_workflow",
]
"""The public names; ``install_note`` and ``write_pages_workflow`` are re-exported from
:mod:`digest.workflow` for the CLI."""

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
