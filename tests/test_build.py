"""build_site end to end on a small site: pages, indexes, feeds, safety, failure and determinism."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path, PurePosixPath

import feedparser
import pytest
from sitekit import ARTICLES, HOSTILE_TITLE, build, elements, html_files, make_config, write_content

from digest.build import BuildReport, build_site
from digest.errors import BuildError
from digest.model import OutputFile
from digest.write import check_collisions

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildReport]:
    """The sample site built once for this module: ``(site folder, report)``."""
    root = tmp_path_factory.mktemp("site")
    report = build(root)
    return root / "site", report


@pytest.fixture(scope="module")
def site(built: tuple[Path, BuildReport]) -> Path:
    return built[0]


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def titles_in(html: str) -> list[str]:
    """Story titles listed on a page, in order (unescaped text of ``a.story-title``)."""
    import html as html_module

    return [html_module.unescape(t)
            for t in re.findall(r'class="story-title" href="[^"]*">([^<]*)</a>', html)]


def test_report_counts_articles_and_files(built: tuple[Path, BuildReport]) -> None:
    site, report = built
    assert report.articles == 6
    assert report.pages_written == sum(1 for p in site.rglob("*") if p.is_file())
    assert report.warnings == []
    assert re.fullmatch(r"built 6 articles into \d+ files in .*site/ in \d+\.\d\d s",
                        report.summary())


def test_article_page_has_title_source_date_body_and_metadata(site: Path) -> None:
    html = read(site, "2025/05/08/markets-rally/index.html")
    assert "<h1>Markets rally as rates hold</h1>" in html
    assert '<a href="/sources/the-guardian/">The Guardian</a>' in html
    assert '<time datetime="2025-05-08">Thursday 8 May 2025</time>' in html
    assert "<p>Analysts expect rates to hold.</p>" in html
    assert '<link rel="canonical" href="https://news.example.org/2025/05/08/markets-rally/">' in html
    assert '<meta property="og:title" content="Markets rally as rates hold">' in html
    assert '<a href="/2025/05/08/">All stories of 8 May 2025</a>' in html
    assert '<a href="/categories/business/">Business</a>' in html
    assert '<a class="tag" href="/tags/economy/">Economy</a>' in html
    assert "guardian-page.txt" not in html  # local page file names are not shown to readers
    (script,) = elements(site / "2025/05/08/markets-rally/index.html").scripts
    data = json.loads(script)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Markets rally as rates hold"
    assert data["datePublished"] == "2025-05-08"


def test_related_stories_list_titles_with_source(site: Path) -> None:
    html = read(site, "2025/05/08/markets-rally/index.html")
    related = html.split("Related stories", 1)[1]
    assert titles_in(related)[0] == "Central bank holds rates"
    assert "BBC News" in related
    # the backlink shows on the other side
    back = read(site, "2025/05/08/rates-hold/index.html").split("Related stories", 1)[1]
    assert titles_in(back)[0] == "Markets rally as rates hold"


def test_truncated_estimated_and_unknown_source(site: Path) -> None:
    storm = read(site, "2025/05/07/storm-hits/index.html")
    assert "This story was cut off in the saved page." in storm
    assert "(estimated)" in storm
    assert "cut off in the saved page" not in read(site, "2025/05/08/rates-hold/index.html")
    who = read(site, "2025/05/07/who-wrote/index.html")
    assert '<a href="/sources/unknown/">Unknown source</a>' in who


def test_article_language_is_on_the_html_element(site: Path) -> None:
    assert read(site, "2025/04/30/visite/index.html").startswith('<!DOCTYPE html>\n<html lang="fr">')
    assert read(site, "index.html").startswith('<!DOCTYPE html>\n<html lang="en">')


def test_home_lists_newest_first_paginated_and_grouped_by_day(site: Path) -> None:
    page1, page2, page3 = (read(site, p) for p in
                           ("index.html", "page/2/index.html", "page/3/index.html"))
    assert not (site / "page/4").exists()
    listed = titles_in(page1) + titles_in(page2) + titles_in(page3)
    assert listed == ["Markets rally as rates hold", "Central bank holds rates",
                      HOSTILE_TITLE, "Storm hits the coast", "Who wrote this",
                      "Le président en visite"]
    assert '<a href="/2025/05/08/"><time datetime="2025-05-08">Thursday 8 May 2025</time></a>' \
        in page1
    assert 'rel="next" href="/page/2/"' in page1
    assert 'rel="prev" href="/"' in page2 and 'rel="next" href="/page/3/"' in page2
    assert "Page 3 of 3" in page3


def test_sources_index_counts_and_source_pages(site: Path) -> None:
    html = read(site, "sources/index.html")
    rows = re.findall(r'<li><a href="(/sources/[^"]+)">([^<]+)</a> <span class="count">([^<]+)',
                      html)
    assert rows == [("/sources/bbc-news/", "BBC News", "2 stories"),
                    ("/sources/le-monde/", "Le Monde", "1 story"),
                    ("/sources/the-guardian/", "The Guardian", "2 stories"),
                    ("/sources/unknown/", "Unknown source", "1 story")]
    bbc = read(site, "sources/bbc-news/index.html")
    assert titles_in(bbc) == ["Central bank holds rates", "Storm hits the coast"]
    assert titles_in(read(site, "sources/unknown/index.html")) == ["Who wrote this"]
    assert ('<link rel="alternate" type="application/atom+xml" title="News digest: BBC News" '
            'href="/sources/bbc-news/feed.xml">') in bbc


def test_date_pages(site: Path) -> None:
    day = read(site, "2025/05/07/index.html")
    assert "<h1><time datetime=\"2025-05-07\">Wednesday 7 May 2025</time></h1>" in day
    # grouped by source: BBC News, The Guardian, then the unknown source
    headings = re.findall(r'<h2><a href="/sources/([^/]+)/">', day)
    assert headings == ["bbc-news", "the-guardian", "unknown"]
    assert 'rel="prev" href="/2025/04/30/"' in day and 'rel="next" href="/2025/05/08/"' in day
    assert 'rel="prev"' not in read(site, "2025/04/30/index.html")
    month = read(site, "2025/05/index.html")
    assert "5 stories" in month and len(titles_in(month)) == 5
    year = read(site, "2025/index.html")
    assert re.search(r'href="/2025/05/">May</a> <span class="count">5 stories', year)
    assert re.search(r'href="/2025/04/">April</a> <span class="count">1 story', year)


def test_archive_counts_per_month(site: Path) -> None:
    html = read(site, "archive/index.html")
    months = re.findall(r'<li><a href="(/\d{4}/\d\d/)">([^<]+)</a> <span class="count">([^<]+)',
                        html)
    assert months == [("/2025/05/", "May 2025", "5 stories"), ("/2025/04/", "April 2025", "1 story")]
    assert re.search(r'href="/2025/">2025</a> <span class="count">6 stories', html)


def test_tag_and_category_pages(site: Path) -> None:
    assert titles_in(read(site, "tags/economy/index.html")) == ["Markets rally as rates hold"]
    assert titles_in(read(site, "categories/business/index.html")) == \
        ["Markets rally as rates hold"]
    tags = read(site, "tags/index.html")
    assert 'href="/tags/economy/">Economy</a>' in tags
    assert "&lt;b&gt;Tag&lt;/b&gt;" in tags


def test_feed_parses_with_latest_entries_and_local_midnight(site: Path) -> None:
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    # items_per_page (2) newest entries
    assert [e.title for e in feed.entries] == ["Markets rally as rates hold",
                                              "Central bank holds rates"]
    entry = feed.entries[0]
    assert entry.link == "https://news.example.org/2025/05/08/markets-rally/"
    assert entry.updated == "2025-05-08T00:00:00+02:00"  # Europe/Paris, summer time
    assert feed.feed.updated == "2025-05-08T00:00:00+02:00"
    assert "<p>Stocks rose on Thursday.</p>" in entry.content[0].value


def test_source_feed_has_only_that_source(site: Path) -> None:
    feed = feedparser.parse((site / "sources/bbc-news/feed.xml").read_bytes())
    assert not feed.bozo
    assert [e.title for e in feed.entries] == ["Central bank holds rates", "Storm hits the coast"]
    assert feed.feed.updated == "2025-05-08T00:00:00+02:00"


def test_sitemap_lists_every_article_and_robots_points_to_it(site: Path) -> None:
    root = ET.fromstring((site / "sitemap.xml").read_bytes())
    locs = {u.findtext(f"{SITEMAP_NS}loc"): u.findtext(f"{SITEMAP_NS}lastmod")
            for u in root.iter(f"{SITEMAP_NS}url")}
    for article in ARTICLES:
        url = f"https://news.example.org/{article.date:%Y/%m/%d}/{article.slug}/"
        assert locs[url] == article.date.isoformat()
    assert "https://news.example.org/sources/bbc-news/" in locs
    assert "https://news.example.org/404.html" not in locs
    html_pages = {p.parent.relative_to(site).as_posix() for p in site.rglob("index.html")}
    assert len(locs) == len(html_pages)
    assert read(site, "robots.txt").endswith("Sitemap: https://news.example.org/sitemap.xml\n")


def test_404_and_stylesheet(site: Path) -> None:
    html = read(site, "404.html")
    assert "<h1>Page not found</h1>" in html and 'href="/static/style.css"' in html
    assert "prefers-color-scheme: dark" in read(site, "static/style.css")


def test_no_hostile_markup_survives(site: Path) -> None:
    hostile = read(site, "2025/05/07/hostile/index.html")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Hostile headline" in hostile
    for page in html_files(site):
        parsed = elements(page)
        for tag, attrs in parsed.tags:
            assert tag not in ("img", "iframe", "object"), page
            assert not any(name.startswith("on") for name in attrs), (page, tag, attrs)
            for name in ("href", "src"):
                value = (attrs.get(name) or "").strip().lower()
                assert not value.startswith(("javascript:", "data:")), (page, tag, attrs)
            if tag == "script":
                assert attrs == {"type": "application/ld+json"}, page
        for script in parsed.scripts:
            assert "<" not in script, page  # JSON-LD escapes it, nothing can close the script
            json.loads(script)
    assert "<script>alert" not in hostile


def test_base_url_override_and_subpath(tmp_path: Path) -> None:
    report = build(tmp_path, base_url="https://user.github.io/repo")
    html = (tmp_path / "site/2025/05/08/markets-rally/index.html").read_text(encoding="utf-8")
    assert '<a href="/repo/sources/the-guardian/">The Guardian</a>' in html
    assert 'href="https://user.github.io/repo/2025/05/08/markets-rally/"' in html
    assert report.articles == 6


def test_bad_content_file_is_a_warning_and_the_rest_builds(tmp_path: Path) -> None:
    write_content(tmp_path)
    bad = tmp_path / "content/2025/05/broken.md"
    bad.write_text("---\ntitle: Broken\ndate: 12/03\nslug: broken\n---\nbody\n", encoding="utf-8")
    report = build(tmp_path)
    assert report.articles == 6
    assert len(report.warnings) == 1
    assert report.warnings[0].startswith(f"{bad}:3: front matter: 'date'")


def test_builds_an_empty_site(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    report = build_site(make_config(tmp_path), ingest=True)
    assert report.articles == 0
    assert "No stories yet." in (tmp_path / "site/index.html").read_text(encoding="utf-8")
    feed = feedparser.parse((tmp_path / "site/feed.xml").read_bytes())
    assert not feed.bozo and feed.entries == []


def test_refuses_a_folder_that_is_no_site(tmp_path: Path) -> None:
    with pytest.raises(BuildError, match=r"no digest site here: no digest.yaml, content/ or pages/"):
        build_site(make_config(tmp_path))
    assert not (tmp_path / "site").exists()


def test_broken_template_fails_and_leaves_previous_site(tmp_path: Path) -> None:
    build(tmp_path)
    before = {p: p.read_bytes() for p in (tmp_path / "site").rglob("*") if p.is_file()}
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "day.html").write_text(
        '{% extends "base.html" %}\n{% block main %}\n<h1>{{ day.date }</h1>\n{% endblock %}\n',
        encoding="utf-8")
    with pytest.raises(BuildError) as err:
        build(tmp_path)
    assert err.value.path == templates / "day.html"
    assert err.value.line == 3
    after = {p: p.read_bytes() for p in (tmp_path / "site").rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".digest-cache", "content", "site", "templates"]


def test_template_runtime_error_names_template_and_line(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "year.html").write_text(
        '{% extends "base.html" %}\n{% block main %}\n\n<p>{{ no_such_value }}</p>\n'
        "{% endblock %}\n", encoding="utf-8")
    with pytest.raises(BuildError) as err:
        build(tmp_path)
    assert err.value.path == templates / "year.html"
    assert err.value.line == 4
    assert "no_such_value" in str(err.value)
    assert not (tmp_path / "site").exists()


def test_site_templates_override_defaults_and_static(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    (templates / "static").mkdir(parents=True)
    (templates / "404.html").write_text("custom {{ config.title }}\n", encoding="utf-8")
    (templates / "static/extra.css").write_text("p{}", encoding="utf-8")
    build(tmp_path)
    assert (tmp_path / "site/404.html").read_text(encoding="utf-8") == "custom News digest\n"
    assert (tmp_path / "site/static/extra.css").exists()
    assert (tmp_path / "site/static/style.css").exists()


def test_two_articles_at_one_permalink_collide(tmp_path: Path) -> None:
    write_content(tmp_path)
    twin = tmp_path / "content/2025/05/twin.md"
    text = (tmp_path / "content/2025/05/rates-hold.md").read_text(encoding="utf-8")
    twin.write_text(text.replace("Central bank", "Other bank"), encoding="utf-8")
    with pytest.raises(BuildError) as err:
        build(tmp_path)
    message = str(err.value)
    assert "2025/05/08/rates-hold/index.html" in message
    assert "rates-hold.md" in message and "twin.md" in message
    assert not (tmp_path / "site").exists()


def test_check_collisions_names_both_sources() -> None:
    first = OutputFile(path=PurePosixPath("a/index.html"), data=b"1", source="content/a.md")
    second = OutputFile(path=first.path, data=b"2", source="template sources.html")
    check_collisions([first])
    with pytest.raises(BuildError, match=r"a/index.html: content/a.md and template sources.html"):
        check_collisions([first, second])


def test_refuses_to_replace_the_site_root(tmp_path: Path) -> None:
    write_content(tmp_path)
    with pytest.raises(BuildError, match="holds"):
        build_site(make_config(tmp_path), output_dir=tmp_path, ingest=False)
    assert (tmp_path / "content").is_dir()


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    build(tmp_path / "a")
    build(tmp_path / "b")
    a, b = tmp_path / "a/site", tmp_path / "b/site"
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert files_a == files_b
    for rel in files_a:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel


def test_rebuild_replaces_the_site_and_drops_stale_files(tmp_path: Path) -> None:
    build(tmp_path)
    stale = tmp_path / "site/stale.html"
    stale.write_text("old", encoding="utf-8")
    build(tmp_path)
    assert not stale.exists()
    assert (tmp_path / "site/index.html").exists()
    assert oct((tmp_path / "site").stat().st_mode & 0o777) == "0o755"



@pytest.mark.parametrize("slug", ["../../escape", "a/b", ".hidden", "two words"])
def test_unsafe_slug_is_a_warning_and_nothing_escapes(tmp_path: Path, slug: str) -> None:
    write_content(tmp_path)
    bad = tmp_path / "content/2025/05/bad.md"
    text = (tmp_path / "content/2025/05/rates-hold.md").read_text(encoding="utf-8")
    bad.write_text(text.replace("slug: rates-hold", f"slug: '{slug}'"), encoding="utf-8")
    report = build(tmp_path)
    assert report.articles == 6
    (warning,) = report.warnings
    assert warning.startswith(f"{bad}:6: front matter: 'slug' must be")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".digest-cache", "content", "site"]
    assert not list((tmp_path / "site").rglob("escape"))


def test_a_template_calling_a_helper_wrongly_names_its_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates/archive.html").write_text(
        '{% extends "base.html" %}\n{% block main %}\n<a href="{{ links.source(42) }}">x</a>\n'
        "{% endblock %}\n", encoding="utf-8")
    with pytest.raises(BuildError) as info:
        build(tmp_path)
    assert str(info.value).startswith(f"{tmp_path / 'templates/archive.html'}:3: template error: ")


def test_refuses_an_output_folder_inside_a_folder_it_reads(tmp_path: Path) -> None:
    write_content(tmp_path)
    with pytest.raises(BuildError, match=r"is inside .*content, which the build reads"):
        build_site(make_config(tmp_path), output_dir=tmp_path / "content/site")
    assert not (tmp_path / "content/site").exists()


def test_strict_fails_on_a_warning_and_leaves_the_site_as_it_was(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    build(tmp_path)
    before = {p: p.read_bytes() for p in (tmp_path / "site").rglob("*") if p.is_file()}
    (tmp_path / "content/2025/05/broken.md").write_text("---\ntitle: x\ndate: soon\n---\nx\n",
                                                       encoding="utf-8")
    with pytest.raises(BuildError, match=r"--strict: 1 warning\(s\) fail the build; site not written"):
        build_site(make_config(tmp_path), strict=True)
    assert {p: p.read_bytes() for p in (tmp_path / "site").rglob("*") if p.is_file()} == before
    assert build_site(make_config(tmp_path)).warnings[0].startswith(
        f"{tmp_path / 'content/2025/05/broken.md'}:3: front matter: 'date' must be")
