"""``build_site(config)``: ingest → load → index → related → plan outputs in memory → write.

Every read and every render happens before anything is written. Outputs are planned as
:class:`~digest.model.OutputFile` records; two claiming one path stop the build (Pelican's rule).
The files are written into a temporary folder beside the output folder and swapped in only when
all of them were written, so a failed build leaves the previous site as it was.
"""

from __future__ import annotations

import importlib.metadata
import logging
import sys
import time
from contextlib import nullcontext
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from slugify import slugify

import digest
from digest.cache import CACHE_DIR, Cache, Fingerprint, file_stats, text_hash, walk_files
from digest.config import CONFIG_NAME, Config, checked_base_url
from digest.content import content_files, content_lock, read_articles
from digest.errors import BuildError
from digest.model import Article
from digest.plan import plan_outputs
from digest.render import template_dirs
from digest.site import Site, index_site, link_further_reading
from digest.write import check_collisions, write_outputs

log = logging.getLogger(__name__)

BUILD_RECORD = "build-{output}.json"
"""Cache record of the last successful build into one output folder (``{output}``: a hash of its
path, so ``digest serve``'s temporary folder and ``site/`` keep separate records): its input
fingerprint and output files."""
RELATED_RECORD = "related.json"
"""Cache record of the related links, under :func:`digest.related.related_key`."""


@dataclass(frozen=True, slots=True, kw_only=True)
class BuildReport:
    """What a build did."""

    articles: int
    """Articles built into pages."""
    pages_written: int
    """Files written into the output folder (HTML, feeds, static files...) with new bytes."""
    seconds: float
    """Wall-clock time of the whole build."""
    warnings: list[str]
    """Problems that did not stop the build (bad content files, ingest warnings)."""
    output_dir: Path = Path("site")
    pages_unchanged: int = 0
    """Files of the output folder kept as they were: their bytes were already right."""
    nothing_changed: bool = False
    """True when no input changed since the last build of this output folder, so nothing was
    rendered or written (``pages_written`` is 0 and every file is in ``pages_unchanged``)."""

    def summary(self) -> str:
        """Return one line: ``built 26 articles into 143 files in site/ in 0.41 s``.

        A rebuild that kept files says so (``143 files (3 written, 140 unchanged)``); a build
        with no changed input says ``nothing changed: 26 articles, 143 files in site/ up to date``.
        """
        where = _display_path(self.output_dir)
        files = _count(self.pages_written + self.pages_unchanged, "file")
        if self.nothing_changed:
            line = (f"nothing changed: {_count(self.articles, 'article')}, {files} in {where}/ "
                    f"up to date (checked in {self.seconds:.2f} s)")
        else:
            kept = (f" ({self.pages_written} written, {self.pages_unchanged} unchanged)"
                    if self.pages_unchanged else "")
            line = (f"built {_count(self.articles, 'article')} into {files}{kept} "
                    f"in {where}/ in {self.seconds:.2f} s")
        if self.warnings:
            line += f" ({len(self.warnings)} warning{'s' if len(self.warnings) != 1 else ''})"
        return line


def _count(n: int, noun: str) -> str:
    """Return ``"1 article"`` / ``"2 articles"``."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _display_path(path: Path) -> str:
    """Return ``path`` relative to the current folder when it is inside it."""
    try:
        return str(path.absolute().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def build_site(config: Config, *, output_dir: Path | None = None, base_url: str | None = None,
               progress: bool = False, ingest: bool = True, strict: bool = False,
               refresh: bool = False) -> BuildReport:
    """Build the site of ``config`` into ``output_dir`` (default: ``config.output_dir``).

    Args:
        config: the site config; not changed (a ``base_url`` override makes a copy).
        output_dir: where the site goes; replaced as a whole when the build succeeds.
        base_url: overrides ``config.base_url`` (``https://user.github.io/repo/``).
        progress: show tqdm progress bars on stderr.
        ingest: first ingest new or changed pages of ``config.input_dir`` (when it exists).
        refresh: read every input page again, rewriting what ingest wrote from them (after an
            upgrade of digest); hand-edited files are kept.
        strict: treat warnings (bad content files, rejected pages, shared slugs) as errors, as
            Pelican's and MkDocs's strict modes do: the output folder is then left as it was.

    Returns:
        a :class:`BuildReport`; bad content files are left out and reported as warnings.

    Raises:
        BuildError: a template error (naming the template file and line), two outputs claiming
            one path (naming both), an output folder that would hold the site's own sources, or
            (with ``strict``) any warning. Nothing is written to the output folder then.
    """
    start = time.perf_counter()
    if base_url is not None:
        config = replace(config, base_url=checked_base_url(base_url))
    out = (output_dir or config.path(config.output_dir)).absolute()
    check_site(config)
    check_output_dir(out, config)
    warnings = ingest_pages(config, refresh=refresh) if ingest else []
    cache = Cache(config.root / CACHE_DIR)
    fingerprint = build_fingerprint(config, out)
    previous = previous_build(cache, fingerprint, out)
    if previous is not None:
        check_strict(strict, warnings + previous.warnings)
        return _unchanged_report(previous, warnings + previous.warnings, out, start)
    content_dir = config.path(config.content_dir)
    with content_lock(content_dir) if content_dir.is_dir() else nullcontext():
        loaded, problems = load_content(content_dir)
    linked = link_further_reading([a for a, _ in loaded])
    loaded = [(article, path) for article, (_, path) in zip(linked, loaded, strict=True)]
    site = index_site(linked, per_page=config.items_per_page, slugify=slugify)
    problems += duplicate_slug_warnings(site)
    check_strict(strict, warnings + problems)
    related = related_stories(site, config.related_count, cache)
    outputs = plan_outputs(config, site, related, loaded, progress=progress, cache=cache)
    check_collisions(outputs)
    written = write_outputs(outputs, out, progress=progress)
    cache.save(build_record(out), fingerprint, PreviousBuild(
        articles=len(site.articles), warnings=problems, files=file_stats(out)).to_json())
    warnings += problems
    for warning in warnings:
        log.warning("%s", warning)
    return BuildReport(articles=len(site.articles), pages_written=written,
                       pages_unchanged=len(outputs) - written, seconds=time.perf_counter() - start,
                       warnings=warnings, output_dir=out)


def check_strict(strict: bool, warnings: list[str]) -> None:
    """With ``strict``, refuse to go on when there are warnings.

    Raises:
        BuildError: listing every warning, one a line.
    """
    if strict and warnings:
        listed = "\n".join(f"  {w}" for w in warnings)
        raise BuildError(f"--strict: {len(warnings)} warning(s) fail the build; site not written:\n"
                         f"{listed}")


@dataclass(frozen=True, slots=True, kw_only=True)
class PreviousBuild:
    """What a successful build recorded in the cache (:data:`BUILD_RECORD`) under its fingerprint."""

    articles: int
    """Articles built."""
    warnings: list[str]
    """Warnings about the content (bad files, shared slugs); not the ingest ones."""
    files: dict[str, list[int]]
    """Every file of the output folder right after the build, as :func:`file_stats` gives it."""

    def to_json(self) -> dict[str, Any]:
        """Return the record as JSON data."""
        return {"articles": self.articles, "warnings": self.warnings, "files": self.files}

    @classmethod
    def from_json(cls, data: Any) -> PreviousBuild | None:
        """Return the record in JSON ``data``, or None when it is not the right shape."""
        if not isinstance(data, dict):
            return None
        articles, warnings, files = data.get("articles"), data.get("warnings"), data.get("files")
        if (not isinstance(articles, int) or not isinstance(warnings, list)
                or not all(isinstance(w, str) for w in warnings) or not isinstance(files, dict)):
            return None
        return cls(articles=articles, warnings=warnings, files=files)


def build_fingerprint(config: Config, out: Path) -> str:
    """Return a hash (32 hex digits) of every input of a build into ``out``.

    Covers the versions of digest (its source files too, for development), Python and the
    libraries that shape the output; every config value (base URL and folders included); the
    output folder; and the path and bytes of every content file, template and static file.
    Reads every content file (about 0.3 s for 10,000).
    """
    cache_dir = config.root / CACHE_DIR
    fp = Fingerprint()
    fp.add(digest.__version__, sys.version, repr(config), str(out))
    fp.add(*(f"{name} {_version(name)}" for name in _LIBRARIES))
    package = Path(digest.__file__).parent
    fp.add_files("code", package, sorted(package.rglob("*.py")))  # not __pycache__: it changes
    content = config.path(config.content_dir)
    fp.add_files("content", content, content_files(content) if content.is_dir() else [])
    for folder in template_dirs(config.path(config.templates_dir)):
        fp.add_files("templates", folder, walk_files(folder, skip=[cache_dir, out]))
    return fp.hexdigest()


_LIBRARIES = ("jinja2", "markdown-it-py", "markupsafe", "python-slugify", "feedgen",
              "scikit-learn", "pyyaml")
"""Distributions whose version can change the bytes of a build."""


def _version(name: str) -> str:
    """Return the installed version of distribution ``name`` (``"missing"`` when absent)."""
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "missing"


def build_record(out: Path) -> str:
    """Return the name of the cache record of builds into ``out`` (see :data:`BUILD_RECORD`)."""
    return BUILD_RECORD.format(output=text_hash(str(out.absolute()))[:16])


def previous_build(cache: Cache, fingerprint: str, out: Path) -> PreviousBuild | None:
    """Return the last build's record when its inputs had ``fingerprint`` and ``out`` still holds
    exactly the files it wrote (same paths, sizes, modification times and inodes); else None."""
    record = PreviousBuild.from_json(cache.load(build_record(out), fingerprint))
    if record is None or not out.is_dir():
        return None
    if file_stats(out) != record.files:
        log.info("the output folder %s changed since the last build; building again", out)
        return None
    return record


def _unchanged_report(previous: PreviousBuild, warnings: list[str], out: Path,
                      start: float) -> BuildReport:
    """Return the report of a build that found nothing to do (warnings logged again)."""
    for warning in warnings:
        log.warning("%s", warning)
    return BuildReport(articles=previous.articles, pages_written=0,
                       pages_unchanged=len(previous.files), nothing_changed=True,
                       seconds=time.perf_counter() - start, warnings=warnings, output_dir=out)


def check_site(config: Config) -> None:
    """Refuse to build where there is no site: no config file, content folder or input folder.

    (Hugo refuses the same way; building there would only make an empty ``site/``.)

    Raises:
        BuildError: naming the folder and how to start a site.
    """
    if config.config_file or config.path(config.content_dir).is_dir() or config.path(
            config.input_dir).is_dir():
        return
    raise BuildError(f"no digest site here: no {CONFIG_NAME}, {config.content_dir}/ or "
                     f"{config.input_dir}/ folder; run 'digest init DIR' to start one, or pass "
                     "--config", path=config.root)


def check_output_dir(out: Path, config: Config) -> None:
    """Refuse an output folder that is, or holds, the site root or a source folder, or lies inside
    a source folder (the next build would read its own output).

    Raises:
        BuildError: ``out`` would be replaced together with content the user wrote.
    """
    inputs = [config.path(config.content_dir), config.path(config.input_dir),
              config.path(config.templates_dir)]
    for source in [config.root, *inputs]:
        source = source.absolute()
        if source == out or out in source.parents:
            raise BuildError(f"output folder {out} holds {source}; a build replaces the output "
                             "folder as a whole, so choose another one", path=out)
    for source in inputs:
        if source.absolute() in out.parents:
            raise BuildError(f"output folder {out} is inside {source}, which the build reads; "
                             "choose one outside it", path=out)


def ingest_pages(config: Config, *, refresh: bool = False) -> list[str]:
    """Ingest new or changed pages of ``config.input_dir`` into the content folder (every page,
    with ``refresh``: see :func:`digest.ingest.store.ingest_new_pages`).

    Returns the ingest warnings; nothing happens when the input folder does not exist.
    """
    if not config.path(config.input_dir).is_dir():
        log.debug("no input folder %s: nothing to ingest", config.path(config.input_dir))
        return []
    from digest.ingest.store import ingest_new_pages

    report = ingest_new_pages(config, refresh=refresh,
                              on_page=lambda page: log.info("%s", page.summary()))
    return list(report.warnings)


def load_content(content_dir: Path) -> tuple[list[tuple[Article, Path]], list[str]]:
    """Read every content file, keeping its path (:func:`digest.content.read_articles`).

    Returns:
        ``([(article, file), ...], warnings)``; a bad file becomes one warning naming file and
        line, and the rest still build.
    """
    if not content_dir.is_dir():
        return [], [f"{content_dir}: no content folder; the site has no articles"]
    loaded, errors = read_articles(content_dir)
    return loaded, [str(e) for e in errors]


def duplicate_slug_warnings(site: Site) -> list[str]:
    """Warn about slugs used by more than one article (links by slug reach only the first)."""
    seen: dict[str, int] = {}
    for article in site.articles:
        seen[article.slug] = seen.get(article.slug, 0) + 1
    return [f"{n} articles share the slug {slug!r}; related links reach only the newest"
            for slug, n in sorted(seen.items()) if n > 1]


def related_stories(site: Site, count: int,
                    cache: Cache | None = None) -> dict[str, list[tuple[Article, str]]]:
    """Return each article's "Related stories" as ``{slug: [(article, kind), ...]}``, in order.

    Uses :func:`digest.related.related_links`, or the links stored in ``cache`` under the same
    :func:`digest.related.related_key` (the text analysis takes seconds, the key 70 ms for
    10,000 articles); links to unknown slugs are dropped.
    """
    from digest.related import links_from_json, links_to_json, related_key, related_links

    key = related_key(site.articles, count=count)
    links = links_from_json(cache.load(RELATED_RECORD, key)) if cache else None
    if links is None:
        links = related_links(site.articles, count=count)
        if cache:
            cache.save(RELATED_RECORD, key, links_to_json(links))
    return {slug: [(site.by_slug[link.slug], link.kind) for link in found
                   if link.slug in site.by_slug]
            for slug, found in links.items()}


