"""Machine-readable files: Atom feeds (via feedgen), ``sitemap.xml`` and ``robots.txt``.

Everything here is deterministic: an entry's ``updated`` is its article's date at 00:00 in the
site's timezone, and a feed's ``updated`` is its newest entry's (RFC 4287 asks for the last
significant change, which is exactly that); no build timestamps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from feedgen.feed import FeedGenerator

from digest import __version__
from digest.model import Article

EMPTY_FEED_UPDATED = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
"""``updated`` of a feed with no entries (Atom requires one; the epoch keeps output stable)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedInfo:
    """The feed-level values of one Atom feed."""

    title: str
    subtitle: str
    language: str
    home_url: str
    """Absolute URL of the HTML page the feed mirrors (``rel="alternate"``)."""
    feed_url: str
    """Absolute URL of the feed itself (``rel="self"``, also its id)."""
    author: str
    """Feed-level author (Atom requires one on the feed or on every entry)."""


def midnight(date: dt.date, tz: dt.tzinfo) -> dt.datetime:
    """Return 00:00 of ``date`` in ``tz`` (timezone-aware)."""
    return dt.datetime.combine(date, dt.time(0), tzinfo=tz)


def atom_feed(info: FeedInfo, articles: Sequence[Article], *, tz: dt.tzinfo,
              url_of: Callable[[Article], str], html_of: Mapping[Article, str]) -> bytes:
    """Return an Atom 1.0 document (UTF-8 bytes) with one entry per article, in the given order.

    Args:
        info: feed title, links and author.
        articles: the entries, newest first.
        tz: timezone in which article dates start (the site's ``timezone``).
        url_of: absolute URL of an article's page (entry id and link).
        html_of: each article's rendered body HTML (entry content).
    """
    fg = FeedGenerator()
    fg.id(info.feed_url)
    fg.title(info.title)
    fg.subtitle(info.subtitle or info.title)
    fg.language(info.language)
    fg.author(name=info.author)
    fg.link(href=info.home_url, rel="alternate", type="text/html")
    fg.link(href=info.feed_url, rel="self", type="application/atom+xml")
    fg.generator("digest", version=__version__)
    newest = max((a.date for a in articles), default=None)
    fg.updated(midnight(newest, tz) if newest else EMPTY_FEED_UPDATED)
    for article in articles:
        _add_entry(fg, article, tz, url_of(article), html_of[article])
    data: bytes = fg.atom_str(pretty=True)
    return data


def _add_entry(fg: FeedGenerator, article: Article, tz: dt.tzinfo, url: str, html: str) -> None:
    entry = fg.add_entry(order="append")
    entry.id(url)
    entry.title(article.title)
    entry.link(href=url, rel="alternate", type="text/html")
    when = midnight(article.date, tz)
    entry.updated(when)
    entry.published(when)
    if article.source:
        entry.author(name=article.source)
    for term in (*((article.category,) if article.category else ()), *article.tags):
        entry.category(term=term)
    entry.content(html, type="html")


def sitemap(urls: Sequence[tuple[str, dt.date | None]]) -> bytes:
    """Return a sitemaps.org ``urlset`` (UTF-8 bytes) for ``(absolute URL, lastmod or None)`` pairs.

    URLs are written in the given order; give them sorted for stable output.
    """
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for url, lastmod in urls:
        mod = f"<lastmod>{lastmod.isoformat()}</lastmod>" if lastmod else ""
        lines.append(f"  <url><loc>{escape(url)}</loc>{mod}</url>")
    lines.append("</urlset>\n")
    return "\n".join(lines).encode("utf-8")


def robots_txt(sitemap_url: str) -> bytes:
    """Return a ``robots.txt`` allowing every crawler and naming the sitemap's absolute URL."""
    return f"User-agent: *\nAllow: /\n\nSitemap: {sitemap_url}\n".encode()
