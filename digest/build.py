"""``build_site(config)``: ingest → load → index → related → plan outputs in memory → write.

Every read and every render happens before anything is written. Outputs are planned as
:class:`~digest.model.OutputFile` records; two claiming one path stop the build (Pelican's rule).
The files are written into a temporary folder beside the output folder and swapped in only when
all of them were written, so a failed build leaves the previous site as it was.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, TypeVar

from slugify import slugify
from tqdm import tqdm

from digest.config import Config, normalize_base_url, site_timezone
from digest.content import content_files, read_article
from digest.errors import BuildError, ContentError
from digest.feeds import FeedInfo, atom_feed, robots_txt, sitemap
from digest.model import Article, OutputFile
from digest.render import Renderer, json_ld, long_date, month_name, template_dirs
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
    from digest.related import RelatedLink

log = logging.getLogger(__name__)

T = TypeVar("T")
FEED_PATH = "feed.xml"
_SLUG = re.compile(r"[\w-][\w.-]*")
"""A slug is one URL segment: word characters (Unicode letters, digits, ``_``), ``-`` and ``.``,
not starting with ``.``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class BuildReport:
    """What a build did."""

    articles: int
    """Articles built into pages."""
    pages_written: int
    """Files written into the output folder (HTML, feeds, static files...)."""
    seconds: float
    """Wall-clock time of the whole build."""
    warnings: list[str]
    """Problems that did not stop the build (bad content files, ingest warnings)."""
    output_dir: Path = Path("site")

    def summary(self) -> str:
        """Return one line: ``built 26 articles into 143 files in site/ in 0.41 s``."""
        where = _display_path(self.output_dir)
        line = (f"built {_count(self.articles, 'article')} into {_count(self.pages_written, 'file')} "
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
    loaded, problems = load_content(config.path(config.content_dir))
    warnings += problems
    site = index_site([a for a, _ in loaded], per_page=config.items_per_page, slugify=slugify)
    warnings += duplicate_slug_warnings(site)
    related = related_stories(site, config.related_count)
    outputs = plan_outputs(config, site, related, loaded, progress=progress)
    check_collisions(outputs)
    write_outputs(outputs, out, progress=progress)
    for warning in warnings:
        log.warning("%s", warning)
    return BuildReport(articles=len(site.articles), pages_written=len(outputs),
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


def related_stories(site: Site, count: int) -> dict[str, list[tuple[Article, str]]]:
    """Return each article's "Related stories" as ``{slug: [(article, kind), ...]}``, in order.

    Uses :func:`digest.related.related_links`; links to unknown slugs are dropped.
    """
    from digest.related import related_links

    links: dict[str, tuple[RelatedLink, ...]] = related_links(site.articles, count=count)
    return {slug: [(site.by_slug[link.slug], link.kind) for link in found
                   if link.slug in site.by_slug]
            for slug, found in links.items()}


def _progress(items: Sequence[T], desc: str, enabled: bool) -> Iterable[T]:
    """Wrap ``items`` in a tqdm bar on stderr when ``enabled``."""
    if not enabled:
        return items
    bar: Iterable[T] = tqdm(items, desc=desc, unit="file", leave=False)
    return bar


class _Planner:
    """Renders every page of one site into :class:`OutputFile` records (no writing)."""

    def __init__(self, config: Config, site: Site,
                 related: dict[str, list[tuple[Article, str]]]) -> None:
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
        self.bodies = {a: self.renderer.markdown(a.body) for a in site.articles}

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
        description = self.renderer.plain_text(article.body) or article.title
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
                         body=self.bodies[article], related=self.related.get(article.slug, []),
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
                 loaded: Sequence[tuple[Article, Path]], *,
                 progress: bool = False) -> list[OutputFile]:
    """Render every file of the site in memory, in a stable order.

    Raises:
        BuildError: a template error, naming the template file and line.
    """
    planner = _Planner(config, site, related)
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
    html_of = {a: str(body) for a, body in planner.bodies.items()}

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


def write_outputs(outputs: Sequence[OutputFile], out: Path, *, progress: bool = False) -> None:
    """Write ``outputs`` into a temporary folder beside ``out``, then swap it into ``out``.

    On any failure the temporary folder is removed and ``out`` is left as it was.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        os.chmod(tmp, 0o755)  # mkdtemp makes it private; a site folder is meant to be served
        for output in _progress(outputs, "write", progress):
            target = tmp.joinpath(*output.path.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(output.data)
        _swap(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


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
