"""The site model: pagination, indexes by source/date/tag, slugs and links. Pure, no files."""

from __future__ import annotations

import datetime as dt

import pytest
from slugify import slugify

from digest.model import Article
from digest.site import (
    Links,
    article_path,
    group_by_day,
    group_by_source,
    index_site,
    link_further_reading,
    paginate,
    unique_slugs,
)


def art(slug: str, day: int, source: str | None = "BBC News", **kw: object) -> Article:
    return Article(title=slug.title(), source=source, date=dt.date(2025, 5, day), slug=slug,
                   body="text", **kw)  # type: ignore[arg-type]


def test_paginate_splits_and_links_pages() -> None:
    items = [art(f"s{i}", 1) for i in range(5)]
    pages = paginate(items, "sources/bbc/", 2)
    assert [p.path for p in pages] == ["sources/bbc/", "sources/bbc/page/2/", "sources/bbc/page/3/"]
    assert [len(p.items) for p in pages] == [2, 2, 1]
    assert (pages[0].newer, pages[0].older) == (None, "sources/bbc/page/2/")
    assert (pages[2].newer, pages[2].older) == ("sources/bbc/page/2/", None)
    assert {p.total for p in pages} == {3}


def test_paginate_empty_gives_one_empty_page_and_rejects_zero() -> None:
    (page,) = paginate([], "", 10)
    assert (page.path, page.items, page.total) == ("", (), 1)
    with pytest.raises(ValueError, match="per_page"):
        paginate([], "", 0)


def test_index_orders_newest_first_and_groups_sources() -> None:
    site = index_site([art("b", 1), art("a", 1, "Le Monde"), art("c", 3, None), art("d", 2)],
                      per_page=10, slugify=slugify)
    assert [a.slug for a in site.articles] == ["c", "d", "a", "b"]
    assert [(s.name, s.slug, len(s.articles)) for s in site.sources] == [
        ("BBC News", "bbc-news", 2), ("Le Monde", "le-monde", 1), ("Unknown source", "unknown", 1)]
    assert site.source_listing(None).path == "sources/unknown/"
    assert [a.slug for a in site.source_listing("BBC News").articles] == ["d", "b"]


def test_source_named_unknown_does_not_take_the_unknown_slug() -> None:
    site = index_site([art("a", 1, "Unknown"), art("b", 1, None)], per_page=5, slugify=slugify)
    assert site.source_slugs == {None: "unknown", "Unknown": "unknown-2"}


def test_unique_slugs_disambiguates_and_falls_back() -> None:
    slugs = unique_slugs(["BBC News", "bbc news", "???"], slugify, fallback="source")
    assert slugs["BBC News"] == "bbc-news" and slugs["bbc news"] == "bbc-news-2"
    assert slugs["???"].startswith("source-") and len(slugs["???"]) == len("source-") + 8


def test_dates_years_months_days_with_neighbours() -> None:
    old = Article(title="Old", source=None, date=dt.date(2024, 12, 31), slug="old", body="")
    site = index_site([art("a", 1), art("b", 3), art("c", 3), art("x", 30), old],
                      per_page=5, slugify=slugify)
    assert [y.year for y in site.years] == [2025, 2024]
    may = site.years[0].months[0]
    assert (may.path, may.count) == ("2025/05/", 4)
    assert [d.date.day for d in may.days] == [30, 3, 1]
    day3 = may.days[1]
    assert day3.path == "2025/05/03/"
    assert (day3.previous, day3.next) == (dt.date(2025, 5, 1), dt.date(2025, 5, 30))
    assert site.days[-1].previous is None and site.days[0].next is None
    assert site.days[-2].previous == dt.date(2024, 12, 31)
    assert site.years[1].count == 1


def test_tags_and_categories_are_indexed_once_per_article() -> None:
    site = index_site([art("a", 1, tags=("Économie", "Économie"), category="Business"),
                       art("b", 2, tags=("Sport",))], per_page=5, slugify=slugify)
    assert [(t.name, t.slug, len(t.articles)) for t in site.tags] == [
        ("Économie", "economie", 1), ("Sport", "sport", 1)]
    assert [c.path for c in site.categories] == ["categories/business/"]


def test_group_by_day_keeps_order_and_group_by_source_sorts() -> None:
    items = [art("a", 3), art("b", 3, None), art("c", 2, "ap")]
    assert [(d.day, [a.slug for a in xs]) for d, xs in group_by_day(items)] == [
        (3, ["a", "b"]), (2, ["c"])]
    assert [(s, [a.slug for a in xs]) for s, xs in group_by_source(items)] == [
        ("ap", ["c"]), ("BBC News", ["a"]), (None, ["b"])]


def test_links_carry_the_base_path_and_absolute_urls() -> None:
    a = art("story", 8, "Le Monde", tags=("Tag One",))
    site = index_site([a], per_page=5, slugify=slugify)
    links = Links(site, "https://user.github.io/repo/")
    assert article_path(a) == "2025/05/08/story/"
    assert links.article(a) == "/repo/2025/05/08/story/"
    assert links.source("Le Monde") == "/repo/sources/le-monde/"
    assert links.tag("Tag One") == "/repo/tags/tag-one/"
    assert links.day(a.date) == "/repo/2025/05/08/"
    assert links.month(2025, 5) == "/repo/2025/05/" and links.year(2025) == "/repo/2025/"
    assert links.home() == "/repo/"
    assert links.absolute("feed.xml") == "https://user.github.io/repo/feed.xml"
    assert Links(site, "https://example.org/").article(a) == "/2025/05/08/story/"


def test_further_reading_links_only_a_unique_title_and_never_itself() -> None:
    def story(slug: str, title: str, further: tuple[str, ...] = (), related: tuple[str, ...] = ()) -> Article:
        return Article(title=title, source=None, date=dt.date(2025, 6, 1), slug=slug, body="x",
                       further_reading=further, related=related)

    articles = [
        story("brief", "Briefing", further=("Bridge  SHUTS", "Twice", "Briefing", "Nowhere"),
              related=("other",)),
        story("bridge", "Bridge shuts"), story("twice-a", "Twice"), story("twice-b", "Twice"),
        story("other", "Other"),
    ]
    linked = link_further_reading(articles)
    assert linked[0].related == ("other", "bridge")
    assert linked[1:] == articles[1:]
