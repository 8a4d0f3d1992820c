"""Load and validate the site config (``digest.yaml``) into a frozen :class:`Config`."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from digest.errors import ConfigError, DigestError

CONFIG_NAME = "digest.yaml"


@dataclass(frozen=True, slots=True, kw_only=True)
class Config:
    """Site settings; every key of ``digest.yaml`` has a default here.

    Relative folders in the file are resolved against ``root`` (the folder holding the config).
    """

    root: Path = Path(".")
    """Site root: the folder of ``digest.yaml`` (absolute after loading)."""
    config_file: Path | None = None
    """The file this config was read from; None when no file was found (all defaults)."""
    title: str = "News digest"
    description: str = "Saved news pages, as a browsable digest."
    base_url: str = "http://localhost:8000/"
    """Absolute URL the site is served at, always ending in ``/`` (``https://user.github.io/repo/``)."""
    timezone: str = "UTC"
    """IANA zone that calendar dates are taken in."""
    language: str = "en"
    input_dir: Path = Path("pages")
    """Folder of saved input pages that ``digest build`` ingests."""
    content_dir: Path = Path("content")
    output_dir: Path = Path("site")
    templates_dir: Path = Path("templates")
    """Site templates; files here override the default templates shipped with digest."""
    items_per_page: int = 20
    related_count: int = 5
    """Most "Related stories" links shown per article."""
    cname: str | None = None
    """Custom domain for GitHub Pages (written to ``CNAME``), or None."""

    def path(self, folder: Path) -> Path:
        """Return ``folder`` resolved against :attr:`root` (unchanged when absolute)."""
        return folder if folder.is_absolute() else self.root / folder


_PATH_KEYS = {"input_dir", "content_dir", "output_dir", "templates_dir"}
_KEY_TYPES: dict[str, type] = {
    "title": str,
    "description": str,
    "base_url": str,
    "timezone": str,
    "language": str,
    "items_per_page": int,
    "related_count": int,
    "cname": str,
    **{key: str for key in _PATH_KEYS},
}


def base_url_problem(url: str) -> str | None:
    """Return what is wrong with ``url`` as a base URL, or None when it is fine.

    The base URL must be absolute (``http://`` or ``https://`` and a host): canonical links, Open
    Graph URLs, Atom ids (RFC 4287 requires IRIs) and sitemap ``<loc>`` entries are built from it.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"'base_url' must be an absolute URL like https://user.github.io/repo/, got {url!r}"
    if parts.query or parts.fragment:
        return f"'base_url' must not have a query or fragment, got {url!r}"
    return None


def checked_base_url(url: str) -> str:
    """Return ``url`` normalised (one trailing slash) when it is a valid base URL.

    Raises:
        ConfigError: naming the problem (see :func:`base_url_problem`); for ``--base-url``.
    """
    problem = base_url_problem(url)
    if problem:
        raise ConfigError([DigestError(problem.replace("'base_url'", "--base-url", 1))])
    return normalize_base_url(url)


def normalize_base_url(url: str) -> str:
    """Return ``url`` with exactly one trailing slash (``https://x.io/repo`` -> ``https://x.io/repo/``)."""
    return url.rstrip("/") + "/"


def load_config(path: Path | None = None, *, root: Path | None = None) -> Config:
    """Read ``digest.yaml`` and return a validated :class:`Config`.

    Args:
        path: the config file; None means ``<root>/digest.yaml`` if it exists, else all defaults.
        root: the site root when ``path`` is None (default: the current folder).

    Raises:
        ConfigError: listing every problem at once (unknown key, wrong type, bad timezone),
            each naming the file and line.
    """
    if path is None:
        root = (root or Path.cwd()).resolve()
        candidate = root / CONFIG_NAME
        if not candidate.exists():
            return Config(root=root)
        path = candidate
    path = path.resolve()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError([DigestError(f"cannot read config: {e}", path=path)]) from e
    values = _parse(text, path)
    return Config(root=path.parent, config_file=path, **values)


def _parse(text: str, path: Path) -> dict[str, Any]:
    """Validate the YAML mapping in ``text``; return constructor keywords for :class:`Config`."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise ConfigError([DigestError(f"not valid YAML: {e}", path=path, line=line)]) from e
    if node is None:
        return {}
    if not isinstance(node, yaml.MappingNode):
        raise ConfigError([DigestError("the config must be a mapping of keys to values",
                                       path=path, line=node.start_mark.line + 1)])
    problems: list[DigestError] = []
    values: dict[str, Any] = {}
    first_line: dict[str, int] = {}
    for key_node, value_node in node.value:
        key, line = key_node.value, key_node.start_mark.line + 1
        if key in first_line:
            problems.append(DigestError(f"duplicate key {key!r} (first at line {first_line[key]})",
                                        path=path, line=line))
            continue
        first_line[key] = line
        value = yaml.safe_load(yaml.serialize(value_node))
        problem = _check(key, value)
        if problem:
            problems.append(DigestError(problem, path=path, line=line))
        else:
            values[key] = _convert(key, value)
    if problems:
        raise ConfigError(problems)
    return values


def _check(key: str, value: Any) -> str | None:
    """Return what is wrong with ``key: value``, or None when it is fine."""
    known = {f.name for f in fields(Config)} - {"root", "config_file"}
    if key not in known:
        return f"unknown key {key!r}; known keys: {', '.join(sorted(known))}"
    want = _KEY_TYPES[key]
    if key == "cname" and value is None:
        return None
    if not isinstance(value, want) or (want is int and isinstance(value, bool)):
        return f"{key!r} must be {want.__name__}, got {type(value).__name__} {value!r}"
    if isinstance(value, int) and value < 1:
        return f"{key!r} must be at least 1, got {value}"
    if key == "timezone" and isinstance(value, str):
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return f"'timezone' must be an IANA zone name like 'Europe/London', got {value!r}"
    if key == "base_url" and isinstance(value, str):
        return base_url_problem(value)
    return None


def _convert(key: str, value: Any) -> Any:
    """Turn a checked YAML value into the type :class:`Config` holds."""
    if key in _PATH_KEYS:
        return Path(value)
    if key == "base_url":
        return normalize_base_url(value)
    return value


def site_timezone(config: Config) -> zoneinfo.ZoneInfo:
    """Return the :class:`zoneinfo.ZoneInfo` for ``config.timezone`` (validated at load)."""
    return zoneinfo.ZoneInfo(config.timezone)
