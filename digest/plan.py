"""Plan every file of the site in memory: render pages, feeds and machine files, copy static files.

The one place that turns a :class:`~digest.site.Site` into :class:`~digest.model.OutputFile`
records; nothing here writes to the output folder.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from markupsafe import Markup

from digest.cache import Cache, text_hash
from digest.config import Config, site_timezone
from digest.feeds import FeedInfo, atom_feed, robots_txt, sitemap
from digest.files import visible_files
from digest.model import Article, OutputFile
from digest.progress import progress_bar
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
)

FEED_PATH = "feed.xml"
BODIES_RECORD = "bodies.json"
"""Cache record of rendered article bodies, by hash of their Markdown."""


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
    outputs = [planner.article(a, f) for a, f in progress_bar(loaded, "render", progress)]
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
        for path in visible_files(static):
            rel = PurePosixPath("static", *path.relative_to(static).parts)
            files[rel] = path
    return [OutputFile(path=rel, data=files[rel].read_bytes(), source=str(files[rel]))
            for rel in sorted(files)]
