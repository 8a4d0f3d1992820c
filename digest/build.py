"""``build_site(config)``: ingest → load → index → related → plan outputs in memory → write.

Every read and every render happens before anything is written. Outputs are planned as
:class:`~digest.model.OutputFile` records; two claiming one path stop the build (Pelican's rule).
The files are written into a temporary folder beside the output folder and swapped in only when
all of them were written, so a failed build leaves the previous site as it was.
"""

from __future__ import annotations

import importlib.metadata
import logging
import os
import re
import shutil
import stat
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, TypeVar

from markupsafe import Markup
from slugify import slugify
from tqdm import tqdm

import digest
from digest.cache import CACHE_DIR, Cache, Fingerprint, file_stats, text_hash, walk_files
from digest.config import Config, normalize_base_url, site_timezone
from digest.content import content_files, read_article
from digest.errors import BuildError, ContentError
from digest.feeds import FeedInfo, atom_feed, robots_txt, sitemap
from digest.model import Article, OutputFile
from digest.render import Body, Renderer, json_ld, long_date, month_name, template_dirs
from digest.site import (
    Day,
    Links,
    Listing,
    Page,
    Site,
    article_path,
    group_by_day,
    group_by_source,
    index_site,
)

if TYPE_CHECKING:
    from digest.related import Kind, RelatedLink

log = logging.getLogger(__name__)

T = TypeVar("T")
FEED_PATH = "feed.xml"
BUILD_RECORD = "build.json"
"""Cache record of the last successful build: its input fingerprint and output files."""
RELATED_RECORD = "related.json"
"""Cache record of the related links, under :func:`digest.related.related_key`."""
BODIES_RECORD = "bodies.json"
"""Cache record of rendered article bodies, by hash of their Markdown."""
_SLUG = re.compile(r"[\w-][\w.-]*")
"""A slug is one URL segment: word characters (Unicode letters, digits, ``_``), ``-`` and ``.``,
not starting with ``.``."""


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
               progress: bool = False, ingest: bool = True) -> BuildReport:
    """Build the site of ``config`` into ``output_dir`` (default: ``config.output_dir``).

    Args:
        config: the site config; not changed (a ``base_url`` override makes a copy).
        output_dir: where the site goes; replaced as a whole when the build succeeds.
        base_url: overrides ``config.base_url`` (``https://user.github.io/repo/``).
        progress: show tqdm progress bars on stderr.
        ingest: first ingest new or changed pages of ``config.input_dir`` (when it exists).

    Returns:
        a :class:`BuildReport`; bad content files are left out and reported as warnings.

    Raises:
        BuildError: a template error (naming the template file and line), two outputs claiming
            one path (naming both), or an output folder that would hold the site's own sources.
            Nothing is written then.
    """
    start = time.perf_counter()
    if base_url is not None:
        config = replace(config, base_url=normalize_base_url(base_url))
    out = (output_dir or config.path(config.output_dir)).absolute()
    check_output_dir(out, config)
    warnings = ingest_pages(config) if ingest else []
    cache = Cache(config.root / CACHE_DIR)
    fingerprint = build_fingerprint(config, out)
    previous = previous_build(cache, fingerprint, out)
    if previous is not None:
        return _unchanged_report(previous, warnings + previous.warnings, out, start)
    loaded, problems = load_content(config.path(config.content_dir))
    site = index_site([a for a, _ in loaded], per_page=config.items_per_page, slugify=slugify)
    problems += duplicate_slug_warnings(site)
    related = related_stories(site, config.related_count, cache)
    outputs = plan_outputs(config, site, related, loaded, progress=progress, cache=cache)
    check_collisions(outputs)
    written = write_outputs(outputs, out, progress=progress)
    cache.save(BUILD_RECORD, fingerprint, PreviousBuild(
        articles=len(site.articles), warnings=problems, files=file_stats(out)).to_json())
    warnings += problems
    for warning in warnings:
        log.warning("%s", warning)
    return BuildReport(articles=len(site.articles), pages_written=written,
                       pages_unchanged=len(outputs) - written, seconds=time.perf_counter() - start,
                       warnings=warnings, output_dir=out)


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
    fp.add_files("code", package, walk_files(package, skip=[cache_dir]))
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


def previous_build(cache: Cache, fingerprint: str, out: Path) -> PreviousBuild | None:
    """Return the last build's record when its inputs had ``fingerprint`` and ``out`` still holds
    exactly the files it wrote (same paths, sizes, modification times and inodes); else None."""
    record = PreviousBuild.from_json(cache.load(BUILD_RECORD, fingerprint))
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


def check_output_dir(out: Path, config: Config) -> None:
    """Refuse an output folder that is, or holds, the site root or one of its source folders.

    Raises:
        BuildError: ``out`` would be replaced together with content the user wrote.
    """
    sources = [config.root, config.path(config.content_dir), config.path(config.input_dir),
               config.path(config.templates_dir)]
    for source in sources:
        source = source.absolute()
        if source == out or out in source.parents:
            raise BuildError(f"output folder {out} holds {source}; a build replaces the output "
                             "folder as a whole, so choose another one", path=out)


def ingest_pages(config: Config) -> list[str]:
    """Ingest new or changed pages of ``config.input_dir`` into the content folder.

    Returns the ingest warnings; nothing happens when the input folder does not exist.
    """
    if not config.path(config.input_dir).is_dir():
        log.debug("no input folder %s: nothing to ingest", config.path(config.input_dir))
        return []
    from digest.ingest.store import ingest_new_pages

    return list(ingest_new_pages(config).warnings)


def load_content(content_dir: Path) -> tuple[list[tuple[Article, Path]], list[str]]:
    """Read every content file (as :func:`digest.content.load_articles` does), keeping its path.

    Returns:
        ``([(article, file), ...], warnings)``; a bad file becomes one warning naming file and
        line, and the rest still build.
    """
    if not content_dir.is_dir():
        return [], [f"{content_dir}: no content folder; the site has no articles"]
    loaded: list[tuple[Article, Path]] = []
    warnings: list[str] = []
    for path in content_files(content_dir):
        try:
            loaded.append((check_slug(read_article(path), path), path))
        except ContentError as e:
            warnings.append(str(e))
    return loaded, warnings


def check_slug(article: Article, path: Path) -> Article:
    """Return ``article`` when its slug can be one URL segment and folder name.

    Content files are edited by hand, and the slug becomes a folder of the site: ``..``, ``/``
    or spaces there would write outside the article's folder or make a broken link.

    Raises:
        ContentError: naming ``path`` and the slug's line.
    """
    if _SLUG.fullmatch(article.slug) is None:
        line = _line_of(path, "slug")
        raise ContentError(f"front matter: 'slug' must be letters, digits, '-', '_' or '.' (not "
                           f"first), got {article.slug!r}", path=path, line=line)
    return article


def _line_of(path: Path, key: str) -> int | None:
    """Return the line of ``key:`` in ``path`` (None when not found)."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith(f"{key}:"):
            return number
    return None


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
    from digest.related import related_key, related_links

    key = related_key(site.articles, count=count)
    links = _links_from_json(cache.load(RELATED_RECORD, key)) if cache else None
    if links is None:
        links = related_links(site.articles, count=count)
        if cache:
            cache.save(RELATED_RECORD, key, {slug: [[link.slug, link.kind] for link in found]
                                             for slug, found in links.items()})
    return {slug: [(site.by_slug[link.slug], link.kind) for link in found
                   if link.slug in site.by_slug]
            for slug, found in links.items()}


def _links_from_json(data: Any) -> dict[str, tuple[RelatedLink, ...]] | None:
    """Return the links stored as ``{slug: [[slug, kind], ...]}``; None when not that shape."""
    from digest.related import RelatedLink

    if not isinstance(data, dict):
        return None
    try:
        return {slug: tuple(RelatedLink(slug=str(other), kind=_KINDS[kind])
                            for other, kind in found)
                for slug, found in data.items()}
    except (TypeError, ValueError, KeyError):
        return None


_KINDS: dict[str, Kind] = {"linked": "linked", "backlink": "backlink", "similar": "similar"}


def _progress(items: Sequence[T], desc: str, enabled: bool) -> Iterable[T]:
    """Wrap ``items`` in a tqdm bar on stderr when ``enabled``."""
    if not enabled:
        return items
    bar: Iterable[T] = tqdm(items, desc=desc, unit="file", leave=False)
    return bar


def render_bodies(renderer: Renderer, articles: Sequence[Article],
                  cache: Cache | None) -> dict[Article, Body]:
    """Return every article's body as HTML and plain text, reusing those in ``cache``.

    Bodies are stored by a hash of their Markdown, under the renderer's
    :attr:`~digest.render.Renderer.markdown_version`; the record is rewritten only when it
    gained or lost a body, and keeps only this build's bodies. (A body takes ~0.5 ms to render,
    ~5 s for 10,000 articles.)
    """
    stored = _bodies_from_json(cache.load(BODIES_RECORD, renderer.markdown_version)) if cache else {}
    used: dict[str, Body] = {}
    bodies: dict[Article, Body] = {}
    for article in articles:
        key = text_hash(article.body)
        body = used.get(key) or stored.get(key) or renderer.body(article.body)
        bodies[article] = used[key] = body
    if cache and used.keys() != stored.keys():
        cache.save(BODIES_RECORD, renderer.markdown_version,
                   {key: [str(body.html), body.plain] for key, body in sorted(used.items())})
    return bodies


def _bodies_from_json(data: Any) -> dict[str, Body]:
    """Return bodies stored as ``{hash: [html, plain]}``, skipping entries of another shape."""
    if not isinstance(data, dict):
        return {}
    return {key: Body(html=Markup(value[0]), plain=value[1]) for key, value in data.items()
            if isinstance(value, list) and len(value) == 2
            and isinstance(value[0], str) and isinstance(value[1], str)}


class _Planner:
    """Renders every page of one site into :class:`OutputFile` records (no writing)."""

    def __init__(self, config: Config, site: Site,
                 related: dict[str, list[tuple[Article, str]]], cache: Cache | None) -> None:
        self.config = config
        self.site = site
        self.related = related
        self.links = Links(site, config.base_url)
        dirs = template_dirs(config.path(config.templates_dir))
        self.dirs = dirs
        self.renderer = Renderer(dirs, {
            "config": config, "site": site, "links": self.links,
            "group_by_day": group_by_day, "group_by_source": group_by_source,
            "feed_path": FEED_PATH,
        })
        self.bodies = render_bodies(self.renderer, site.articles, cache)

    def page(self, path: str, template: str, *, title: str, source: str = "",
             description: str | None = None, **context: Any) -> OutputFile:
        """Render ``template`` as the folder page at site path ``path``."""
        data = self.renderer.render(template, {
            "path": path, "title": title, "lang": context.pop("lang", self.config.language),
            "description": description or self.config.description, **context})
        return OutputFile(path=PurePosixPath(path + "index.html"), data=data,
                          source=source or f"template {template}")

    def article(self, article: Article, file: Path) -> OutputFile:
        """Plan the page of one article."""
        url = self.links.absolute(article_path(article))
        body = self.bodies[article]
        description = body.plain or article.title
        data = {
            "@context": "https://schema.org", "@type": "NewsArticle",
            "headline": article.title, "datePublished": article.date.isoformat(),
            "url": url, "mainEntityOfPage": url, "description": description,
            "inLanguage": article.lang or self.config.language,
            "publisher": {"@type": "Organization", "name": article.source or self.config.title},
        }
        if article.tags:
            data["keywords"] = list(article.tags)
        return self.page(article_path(article), "article.html", title=article.title,
                         source=str(file), description=description, article=article,
                         body=body.html, related=self.related.get(article.slug, []),
                         jsonld=json_ld(data), lang=article.lang or self.config.language,
                         og_type="article")

    def listing_pages(self, pages: Sequence[Page], *, heading: str, kind: str,
                      feed: str | None = None, count: int | None = None) -> list[OutputFile]:
        """Plan every page of one paginated listing (home, a source, a tag, a category)."""
        outputs = []
        for page in pages:
            title = heading if page.number == 1 else f"{heading} (page {page.number})"
            outputs.append(self.page(page.path, "list.html", title=title, heading=heading,
                                     page=page, kind=kind, feed=feed, count=count))
        return outputs


def plan_outputs(config: Config, site: Site, related: dict[str, list[tuple[Article, str]]],
                 loaded: Sequence[tuple[Article, Path]], *, progress: bool = False,
                 cache: Cache | None = None) -> list[OutputFile]:
    """Render every file of the site in memory, in a stable order.

    ``cache`` holds article bodies rendered by earlier builds (see :func:`render_bodies`).

    Raises:
        BuildError: a template error, naming the template file and line.
    """
    planner = _Planner(config, site, related, cache)
    outputs = [planner.article(a, f) for a, f in _progress(loaded, "render", progress)]
    outputs += planner.listing_pages(site.home, heading="Latest stories", kind="home")
    outputs += _plan_sources(planner)
    outputs += _plan_terms(planner, site.tags, "tags", "Tags", "Tag")
    outputs += _plan_terms(planner, site.categories, "categories", "Categories", "Category")
    outputs += _plan_dates(planner)
    outputs += _plan_machine_files(planner)
    outputs += _plan_static(planner.dirs)
    return outputs


def _plan_sources(planner: _Planner) -> list[OutputFile]:
    site = planner.site
    outputs = [planner.page("sources/", "sources.html", title="Sources", listings=site.sources)]
    for listing in site.sources:
        outputs += planner.listing_pages(listing.pages, heading=listing.name, kind="source",
                                         feed=f"{listing.path}{FEED_PATH}",
                                         count=len(listing.articles))
    return outputs


def _plan_terms(planner: _Planner, listings: Sequence[Listing], folder: str, plural: str,
                singular: str) -> list[OutputFile]:
    if not listings:
        return []
    outputs = [planner.page(f"{folder}/", "terms.html", title=plural, listings=listings)]
    for listing in listings:
        outputs += planner.listing_pages(listing.pages, heading=f"{singular}: {listing.name}",
                                         kind=folder, count=len(listing.articles))
    return outputs


def _plan_dates(planner: _Planner) -> list[OutputFile]:
    outputs = [planner.page("archive/", "archive.html", title="Archive")]
    for year in planner.site.years:
        outputs.append(planner.page(year.path, "year.html", title=str(year.year), year=year))
        for month in year.months:
            title = f"{month_name(month.month)} {month.year}"
            outputs.append(planner.page(month.path, "month.html", title=title, month=month))
            outputs += [_day_page(planner, day) for day in month.days]
    return outputs


def _day_page(planner: _Planner, day: Day) -> OutputFile:
    return planner.page(day.path, "day.html", title=long_date(day.date, weekday=True), day=day)


def _plan_machine_files(planner: _Planner) -> list[OutputFile]:
    """Plan the feeds, ``sitemap.xml``, ``robots.txt``, ``404.html`` and ``CNAME``."""
    config, site, links = planner.config, planner.site, planner.links
    tz = site_timezone(config)
    html_of = {a: str(body.html) for a, body in planner.bodies.items()}

    def feed(path: str, home: str, title: str, articles: Sequence[Article]) -> OutputFile:
        info = FeedInfo(title=title, subtitle=config.description, language=config.language,
                        home_url=links.absolute(home), feed_url=links.absolute(path),
                        author=config.title)
        data = atom_feed(info, articles[: config.items_per_page], tz=tz,
                         url_of=lambda a: links.absolute(article_path(a)), html_of=html_of)
        return OutputFile(path=PurePosixPath(path), data=data, source=f"feed of {home or '/'}")

    outputs = [feed(FEED_PATH, "", config.title, site.articles)]
    outputs += [feed(f"{s.path}{FEED_PATH}", s.path, f"{config.title}: {s.name}", s.articles)
                for s in site.sources]
    outputs.append(OutputFile(path=PurePosixPath("sitemap.xml"), source="sitemap",
                              data=sitemap(_sitemap_urls(planner))))
    outputs.append(OutputFile(path=PurePosixPath("robots.txt"), source="robots.txt",
                              data=robots_txt(links.absolute("sitemap.xml"))))
    not_found = planner.renderer.render("404.html", {
        "path": None, "title": "Page not found", "lang": config.language,
        "description": config.description})
    outputs.append(OutputFile(path=PurePosixPath("404.html"), data=not_found,
                              source="template 404.html"))
    if config.cname:
        outputs.append(OutputFile(path=PurePosixPath("CNAME"), source="config cname",
                                  data=f"{config.cname}\n".encode()))
    return outputs


def _sitemap_urls(planner: _Planner) -> list[tuple[str, Any]]:
    """Return ``(absolute URL, lastmod)`` of every HTML page but 404, sorted by URL."""
    site, links = planner.site, planner.links
    urls: dict[str, Any] = {links.absolute(article_path(a)): a.date for a in site.articles}
    newest = site.articles[0].date if site.articles else None
    pages = [p.path for p in site.home]
    pages += ["sources/", "archive/"]
    for group in (site.sources, site.tags, site.categories):
        pages += [p.path for listing in group for p in listing.pages]
    pages += ["tags/"] if site.tags else []
    pages += ["categories/"] if site.categories else []
    for year in site.years:
        pages.append(year.path)
        for month in year.months:
            pages.append(month.path)
            pages += [day.path for day in month.days]
    for path in pages:
        urls.setdefault(links.absolute(path), newest if path == "" else None)
    return sorted(urls.items())


def _plan_static(dirs: Sequence[Path]) -> list[OutputFile]:
    """Plan ``static/`` of every template folder into ``static/``; earlier folders win."""
    files: dict[PurePosixPath, Path] = {}
    for folder in reversed(dirs):
        static = folder / "static"
        for path in _walk_files(static):
            rel = PurePosixPath("static", *path.relative_to(static).parts)
            files[rel] = path
    return [OutputFile(path=rel, data=files[rel].read_bytes(), source=str(files[rel]))
            for rel in sorted(files)]


def _walk_files(folder: Path) -> Iterator[Path]:
    """Yield the files under ``folder`` (sorted), skipping hidden ones; nothing if it is absent."""
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not any(p.startswith(".") for p in path.relative_to(folder).parts):
            yield path


def check_collisions(outputs: Iterable[OutputFile]) -> None:
    """Refuse two outputs claiming one path (compared case-insensitively, as on macOS/Windows).

    Raises:
        BuildError: naming the path and both sources.
    """
    claimed: dict[str, OutputFile] = {}
    for output in outputs:
        key = str(output.path).casefold()
        first = claimed.setdefault(key, output)
        if first is not output:
            raise BuildError(f"two outputs claim {output.path}: {first.source} and "
                             f"{output.source}", path=output.source or None)


def write_outputs(outputs: Sequence[OutputFile], out: Path, *, progress: bool = False) -> int:
    """Write ``outputs`` into a temporary folder beside ``out``, then swap it into ``out``.

    A file whose bytes are already in ``out`` at its path is hard-linked from there instead of
    written again (writing costs ~1 ms a file here, linking a tenth of that). On any failure
    the temporary folder is removed and ``out`` is left as it was.

    Returns:
        how many files were written; the rest (``len(outputs)`` minus that) were linked.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    written = 0
    try:
        os.chmod(tmp, 0o755)  # mkdtemp makes it private; a site folder is meant to be served
        folders: set[Path] = set()
        for output in _progress(outputs, "write", progress):
            target = tmp.joinpath(*output.path.parts)
            if target.parent not in folders:
                target.parent.mkdir(parents=True, exist_ok=True)
                folders.add(target.parent)
            if not _link_unchanged(out.joinpath(*output.path.parts), target, output.data):
                target.write_bytes(output.data)
                written += 1
        _swap(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return written


def _link_unchanged(old: Path, target: Path, data: bytes) -> bool:
    """Hard-link ``old`` to ``target`` when ``old`` is a plain file holding exactly ``data``.

    Only a file with no other link (so nothing outside the old output shares it) is reused.
    Returns False, linking nothing, otherwise or when the file system refuses.
    """
    try:
        st = old.lstat()
        if not stat.S_ISREG(st.st_mode) or st.st_nlink != 1 or st.st_size != len(data):
            return False
        if old.read_bytes() != data:
            return False
        os.link(old, target, follow_symlinks=False)
    except OSError:
        return False
    return True


def _swap(new: Path, out: Path) -> None:
    """Replace folder ``out`` by folder ``new`` with two renames; the old one is then deleted."""
    if out.exists() and not out.is_dir():
        raise BuildError("the output path exists and is not a folder", path=out)
    if not out.exists():
        os.replace(new, out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    os.replace(out, old / out.name)
    try:
        os.replace(new, out)
    except OSError:
        os.replace(old / out.name, out)
        raise
    shutil.rmtree(old, ignore_errors=True)
