"""The site model: which pages a set of articles makes, what each lists, and where each lives.

Pure and standard library only. :func:`index_site` turns articles into a :class:`Site` (indexes by
source, date, tag and category, each paginated); :class:`Links` turns the site's paths into URLs.

Paths in this module are relative to the site root and name folders, so they end in ``/`` (the home
page is ``""``); a folder is served as its ``index.html`` (Hugo's and Pelican's "pretty URLs")::

    2025/05/08/<slug>/       an article            sources/<source>/          one source's stories
    2025/05/08/  2025/05/  2025/   dates           sources/<source>/page/2/   its second page
    archive/                 months with counts    tags/<tag>/  categories/<category>/
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from digest.model import Article

UNKNOWN_SOURCE = "Unknown source"
"""Name shown for articles whose source is None; they are listed under ``sources/unknown/``."""
UNKNOWN_SLUG = "unknown"

Slugify = Callable[[str], str]
"""Turns a display name into a URL-safe slug (``"Le Monde"`` -> ``"le-monde"``); may return ``""``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Page:
    """One page of a paginated listing."""

    number: int
    """1-based page number."""
    total: int
    """How many pages the listing has (at least 1)."""
    path: str
    """Where this page lives: the listing's path for page 1, ``<path>page/<n>/`` after."""
    items: tuple[Article, ...]
    """The articles on this page, newest first."""
    newer: str | None
    """Path of the previous (newer) page, or None on page 1."""
    older: str | None
    """Path of the next (older) page, or None on the last page."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Listing:
    """A named, paginated group of articles: one source, tag or category."""

    name: str
    """Display name (``"Le Monde"``, ``"Unknown source"``)."""
    slug: str
    """URL segment, unique within its kind."""
    path: str
    """Path of the listing's first page (``sources/le-monde/``)."""
    articles: tuple[Article, ...]
    """Every article in the group, newest first."""
    pages: tuple[Page, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Day:
    """The stories of one calendar day, with links to the neighbouring days that have stories."""

    date: dt.date
    path: str
    articles: tuple[Article, ...]
    """Newest first (for one day: by slug)."""
    previous: dt.date | None
    """The nearest earlier day with stories, or None."""
    next: dt.date | None
    """The nearest later day with stories, or None."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Month:
    """One month: its days with stories, newest first."""

    year: int
    month: int
    path: str
    days: tuple[Day, ...]

    @property
    def count(self) -> int:
        """Number of articles in the month."""
        return sum(len(day.articles) for day in self.days)


@dataclass(frozen=True, slots=True, kw_only=True)
class Year:
    """One year: its months with stories, newest first."""

    year: int
    path: str
    months: tuple[Month, ...]

    @property
    def count(self) -> int:
        """Number of articles in the year."""
        return sum(month.count for month in self.months)


@dataclass(frozen=True, slots=True, kw_only=True)
class Site:
    """Every page the articles make, as indexes; built by :func:`index_site`."""

    articles: tuple[Article, ...]
    """Every article, newest first, ties by slug."""
    home: tuple[Page, ...]
    """The paginated home page (at least one page, possibly empty)."""
    sources: tuple[Listing, ...]
    """One listing per source, by name (case-insensitive), the unknown source last."""
    tags: tuple[Listing, ...]
    categories: tuple[Listing, ...]
    years: tuple[Year, ...]
    """Newest first; months and days inside are newest first too."""
    by_slug: Mapping[str, Article]
    """Article by slug; for a repeated slug, the first in :attr:`articles`."""
    source_slugs: Mapping[str | None, str]
    """Source name (None for unknown) -> its slug."""
    tag_slugs: Mapping[str, str]
    category_slugs: Mapping[str, str]

    @property
    def days(self) -> tuple[Day, ...]:
        """Every day with stories, newest first."""
        return tuple(day for year in self.years for month in year.months for day in month.days)

    def source_listing(self, source: str | None) -> Listing:
        """Return the listing of ``source`` (None: the unknown source). Raises KeyError if absent."""
        slug = self.source_slugs[source]
        return next(listing for listing in self.sources if listing.slug == slug)


def article_path(article: Article) -> str:
    """Return the permalink path of ``article``: ``YYYY/MM/DD/<slug>/``."""
    return f"{day_path(article.date)}{article.slug}/"


def day_path(date: dt.date) -> str:
    """Return ``YYYY/MM/DD/``."""
    return f"{date:%Y/%m/%d}/"


def month_path(year: int, month: int) -> str:
    """Return ``YYYY/MM/``."""
    return f"{year:04d}/{month:02d}/"


def year_path(year: int) -> str:
    """Return ``YYYY/``."""
    return f"{year:04d}/"


def page_path(first: str, number: int) -> str:
    """Return the path of page ``number`` (1-based) of a listing whose first page is ``first``."""
    return first if number == 1 else f"{first}page/{number}/"


def paginate(articles: Sequence[Article], first: str, per_page: int) -> tuple[Page, ...]:
    """Split ``articles`` into pages of ``per_page`` (>= 1); always at least one page.

    Raises:
        ValueError: ``per_page`` is less than 1.
    """
    if per_page < 1:
        raise ValueError(f"per_page must be at least 1, got {per_page}")
    chunks = [tuple(articles[i : i + per_page]) for i in range(0, len(articles), per_page)] or [()]
    total = len(chunks)
    return tuple(
        Page(number=n, total=total, path=page_path(first, n), items=items,
             newer=page_path(first, n - 1) if n > 1 else None,
             older=page_path(first, n + 1) if n < total else None)
        for n, items in enumerate(chunks, start=1)
    )


def group_by_day(articles: Iterable[Article]) -> list[tuple[dt.date, list[Article]]]:
    """Group consecutive ``articles`` by date, keeping their order: ``[(date, [article, ...])]``."""
    groups: list[tuple[dt.date, list[Article]]] = []
    for article in articles:
        if groups and groups[-1][0] == article.date:
            groups[-1][1].append(article)
        else:
            groups.append((article.date, [article]))
    return groups


def group_by_source(articles: Iterable[Article]) -> list[tuple[str | None, list[Article]]]:
    """Group ``articles`` by source (case-insensitive name order, unknown last), order kept inside.

    Returns ``[(source name or None, [article, ...])]``.
    """
    groups: dict[str | None, list[Article]] = {}
    for article in articles:
        groups.setdefault(article.source, []).append(article)
    return [(name, groups[name]) for name in sorted(groups, key=_source_order)]


def _source_order(name: str | None) -> tuple[bool, str, str]:
    """Sort key: unknown last, then by :func:`name_order`."""
    return (name is None, *name_order(name or ""))


def name_order(name: str) -> tuple[str, str]:
    """Sort key for display names: accents and case ignored first (``Économie`` before ``Sport``)."""
    return unicodedata.normalize("NFKD", name).casefold(), name


def unique_slugs(names: Iterable[str], slugify: Slugify, *, reserved: Iterable[str] = (),
                 fallback: str = "item") -> dict[str, str]:
    """Give every distinct name a distinct slug.

    Names are taken in sorted order; a slug already used (or ``reserved``) gets ``-2``, ``-3``...;
    a name that slugifies to ``""`` gets ``<fallback>-<first 8 hex of its SHA-1>``. The result
    depends only on the set of names, so it is stable from build to build.
    """
    used = set(reserved)
    slugs: dict[str, str] = {}
    for name in sorted(set(names)):
        base = slugify(name) or f"{fallback}-{hashlib.sha1(name.encode()).hexdigest()[:8]}"
        slug, n = base, 1
        while slug in used:
            n += 1
            slug = f"{base}-{n}"
        used.add(slug)
        slugs[name] = slug
    return slugs


def link_further_reading(articles: Sequence[Article]) -> list[Article]:
    """Return ``articles`` with each ``further_reading`` headline added to ``related`` as a slug,
    when exactly one article has that title (case and spacing ignored); others stay unlinked.

    A saved page names stories under "Further Reading" that it does not hold; they may have been
    saved from another page. Resolving at build time makes the link independent of the order in
    which pages were ingested.
    """
    by_title: dict[str, set[str]] = {}
    for article in articles:
        by_title.setdefault(_title_words(article.title), set()).add(article.slug)
    linked = []
    for article in articles:
        found = (by_title.get(_title_words(t), set()) for t in article.further_reading)
        extra = tuple(next(iter(slugs)) for slugs in found if len(slugs) == 1)
        extra = tuple(s for s in extra if s != article.slug)
        related = tuple(dict.fromkeys((*article.related, *extra)))
        linked.append(replace(article, related=related) if related != article.related else article)
    return linked


def _title_words(title: str) -> str:
    return " ".join(title.casefold().split())


def index_site(articles: Iterable[Article], *, per_page: int, slugify: Slugify) -> Site:
    """Build the :class:`Site` of ``articles``.

    Args:
        articles: every article, in any order (sorted here: newest first, ties by slug).
        per_page: articles per page of the home, source, tag and category listings (>= 1).
        slugify: makes source, tag and category slugs (python-slugify in the build).

    Raises:
        ValueError: ``per_page`` is less than 1.
    """
    ordered = tuple(sorted(sorted(articles, key=lambda a: a.slug), key=lambda a: a.date,
                           reverse=True))
    by_slug: dict[str, Article] = {}
    for article in ordered:
        by_slug.setdefault(article.slug, article)
    source_slugs: dict[str | None, str] = {None: UNKNOWN_SLUG}
    source_slugs.update(unique_slugs((a.source for a in ordered if a.source is not None),
                                     slugify, reserved={UNKNOWN_SLUG}, fallback="source"))
    tag_slugs = unique_slugs((t for a in ordered for t in a.tags), slugify, fallback="tag")
    category_slugs = unique_slugs((a.category for a in ordered if a.category), slugify,
                                  fallback="category")
    return Site(
        articles=ordered,
        home=paginate(ordered, "", per_page),
        sources=_source_listings(ordered, source_slugs, per_page),
        tags=_term_listings(ordered, lambda a: a.tags, tag_slugs, "tags", per_page),
        categories=_term_listings(ordered, lambda a: (a.category,) if a.category else (),
                                  category_slugs, "categories", per_page),
        years=_years(ordered),
        by_slug=by_slug,
        source_slugs=source_slugs,
        tag_slugs=tag_slugs,
        category_slugs=category_slugs,
    )


def _source_listings(ordered: Sequence[Article], slugs: Mapping[str | None, str],
                     per_page: int) -> tuple[Listing, ...]:
    """Return one listing per source present in ``ordered``."""
    names = sorted({a.source for a in ordered}, key=_source_order)
    return tuple(
        _listing(name or UNKNOWN_SOURCE, slugs[name], "sources",
                 [a for a in ordered if a.source == name], per_page)
        for name in names
    )


def _term_listings(ordered: Sequence[Article], terms_of: Callable[[Article], Iterable[str]],
                   slugs: Mapping[str, str], kind: str, per_page: int) -> tuple[Listing, ...]:
    """Return one listing per tag or category (``kind`` is the URL folder), sorted by name."""
    members: dict[str, list[Article]] = {}
    for article in ordered:
        for term in dict.fromkeys(terms_of(article)):
            members.setdefault(term, []).append(article)
    return tuple(_listing(term, slugs[term], kind, members[term], per_page)
                 for term in sorted(members, key=name_order))


def _listing(name: str, slug: str, kind: str, articles: Sequence[Article],
             per_page: int) -> Listing:
    path = f"{kind}/{slug}/"
    return Listing(name=name, slug=slug, path=path, articles=tuple(articles),
                   pages=paginate(articles, path, per_page))


def _years(ordered: Sequence[Article]) -> tuple[Year, ...]:
    """Return the date indexes of ``ordered`` (newest first), days linked to their neighbours."""
    dates = [date for date, _ in group_by_day(ordered)]
    by_date = dict(group_by_day(ordered))
    days = [
        Day(date=date, path=day_path(date), articles=tuple(by_date[date]),
            next=dates[i - 1] if i > 0 else None,
            previous=dates[i + 1] if i + 1 < len(dates) else None)
        for i, date in enumerate(dates)
    ]
    months: dict[tuple[int, int], list[Day]] = {}
    for day in days:
        months.setdefault((day.date.year, day.date.month), []).append(day)
    years: dict[int, list[Month]] = {}
    for (year, month), month_days in months.items():
        years.setdefault(year, []).append(
            Month(year=year, month=month, path=month_path(year, month), days=tuple(month_days)))
    return tuple(Year(year=year, path=year_path(year), months=tuple(ms))
                 for year, ms in years.items())


@dataclass(frozen=True, slots=True)
class Links:
    """Turn site paths into URLs for one ``base_url``.

    Internal links are root-relative and carry the base URL's path (``/repo/2025/05/08/x/`` for
    ``https://user.github.io/repo/``), so a site works wherever that host serves it; absolute URLs
    (:meth:`absolute`) are only for canonical links, Open Graph, feeds and the sitemap.
    """

    site: Site
    base_url: str
    """Absolute URL (or root-relative path) ending in ``/``."""

    @property
    def base_path(self) -> str:
        """The path part of ``base_url`` (``/repo/``), always starting and ending with ``/``."""
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    def path(self, path: str) -> str:
        """Return the root-relative URL of site path ``path`` (``""`` is the home page)."""
        return self.base_path + path

    def absolute(self, path: str) -> str:
        """Return the absolute URL of site path ``path``."""
        return self.base_url + path

    def home(self) -> str:
        """URL of the home page."""
        return self.path("")

    def article(self, article: Article) -> str:
        """URL of ``article``'s page."""
        return self.path(article_path(article))

    def source(self, name: str | None) -> str:
        """URL of the first page of source ``name`` (None: the unknown source)."""
        return self.path(f"sources/{self.site.source_slugs[name]}/")

    def tag(self, tag: str) -> str:
        """URL of the first page of ``tag``."""
        return self.path(f"tags/{self.site.tag_slugs[tag]}/")

    def category(self, category: str) -> str:
        """URL of the first page of ``category``."""
        return self.path(f"categories/{self.site.category_slugs[category]}/")

    def day(self, date: dt.date) -> str:
        """URL of ``date``'s day page."""
        return self.path(day_path(date))

    def month(self, year: int, month: int) -> str:
        """URL of a month page."""
        return self.path(month_path(year, month))

    def year(self, year: int) -> str:
        """URL of a year page."""
        return self.path(year_path(year))
