"""Build a site from the handed pages (../shared/pages, ../shared/seeds): a page per expected article,
related links both ways, hostile markup shown as text. Skipped when ../shared is absent."""

from __future__ import annotations

import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from markupsafe import escape

from digest.build import build_site
from digest.config import Config
from digest.content import load_articles
from digest.model import Article

SHARED = Path(__file__).resolve().parents[2] / "shared"
BASE = "/repo/"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Article], list[dict[str, Any]]]:
    if not (SHARED / "pages/EXPECTED.yaml").exists():
        pytest.skip("../shared is not here")
    root = tmp_path_factory.mktemp("site")
    expected: list[dict[str, Any]] = []
    for folder in ("pages", "seeds"):
        spec = yaml.safe_load((SHARED / folder / "EXPECTED.yaml").read_text(encoding="utf-8"))
        shutil.copytree(SHARED / folder, root / "pages" / folder)
        for name, page in spec["pages"].items():
            expected += page["articles"]
            if page.get("captured_at"):
                sidecar = root / "pages" / folder / f"{Path(name).stem}.meta.yaml"
                sidecar.write_text(f"captured_at: {page['captured_at'].isoformat()}\n", encoding="utf-8")
    report = build_site(Config(root=root, base_url="https://user.github.io/repo/"))
    assert report.articles > 0
    articles, errors = load_articles(root / "content")
    assert errors == []
    return root / "site", {a.title: a for a in articles}, expected


def page_of(site: Path, article: Article) -> str:
    return (site / f"{article.date:%Y/%m/%d}" / article.slug / "index.html").read_text(encoding="utf-8")


def href(article: Article) -> str:
    return f'href="{BASE}{article.date:%Y/%m/%d}/{article.slug}/"'


Built = tuple[Path, dict[str, Article], list[dict[str, Any]]]


def test_every_expected_article_has_its_page(built: Built) -> None:
    site, by_title, expected = built
    for want in expected:
        assert f">{escape(want['title'])}</h1>" in page_of(site, by_title[want["title"]])


def test_seed_guardian_story_links_to_its_related_stories_and_back(
        built: Built) -> None:
    site, by_title, expected = built
    xi = next(w for w in expected if w.get("source") == "The Guardian")
    guardian = by_title[xi["title"]]
    assert len(xi["related"]) == 3
    for title in xi["related"]:
        other = by_title[title]
        assert href(other) in page_of(site, guardian), title
        assert href(guardian) in page_of(site, other), title


def test_flood_barrier_and_rail_strike_link_both_ways(
        built: Built) -> None:
    site, by_title, _ = built
    flood = next(a for t, a in by_title.items() if t.startswith("Harbour city council approves"))
    rail = by_title["Rail strike called off after late pay offer to signal workers"]
    assert href(rail) in page_of(site, flood)
    assert href(flood) in page_of(site, rail)
    assert rail.origin == ("pages/logo-article-related.txt", "pages/merge-main.txt")


class ActiveMarkup(HTMLParser):
    """Collect markup that would run: scripts (other than JSON-LD), frames, on* handlers, javascript: URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if (tag == "script" and values.get("type") != "application/ld+json") or tag in ("iframe", "object"):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value!r}>")


def test_hostile_markup_is_shown_as_text_never_run(
        built: Built) -> None:
    site, by_title, _ = built
    hostile = next(a for t, a in by_title.items() if t.startswith("Council "))
    assert "Councillors traded insults &lt;script&gt;" in page_of(site, hostile)
    for path in site.rglob("*.html"):
        checker = ActiveMarkup()
        checker.feed(path.read_text(encoding="utf-8"))
        assert checker.found == [], path
